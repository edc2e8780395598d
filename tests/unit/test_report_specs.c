/*
 * test_report_specs.c — the per-command chart specs (reports/spec_*.c and
 * the table in report_specs.c) on an in-memory store filled the way the
 * commands fill it: which charts each command's run gets, what data and
 * labels reach the scripts (unit conversions: bytes -> MiB, arrivals per
 * interval -> per second, fractions -> %), that series drawn by a command
 * spec get no generic chart, the sweep charts (scaling, goodput,
 * breakdown), and that a run without the data gets no chart and no error.
 * gnuplot is mocked (rep_gp_spawn below): scripts are written, nothing is
 * drawn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/gp_spawn.h"
#include "reports/report.h"
#include "reports/spec_int.h"
#include "sim/store/store.h"
#include "tests/unit/assert_close.h"
#include "tests/unit/test_fs.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- mock spawn: gnuplot "succeeds" without drawing ------------------------- */

sim_err_t rep_gp_spawn(const char *gnuplot, const char *workdir,
                       const char *script, size_t len, int log_fd,
                       int *status, sim_diag_t *diag)
{
    (void)gnuplot;
    (void)workdir;
    (void)script;
    (void)len;
    (void)log_fd;
    (void)diag;
    *status = 0;
    return SIM_OK;
}

/* ---- fixture ------------------------------------------------------------------ */

typedef struct fx {
    sim_store_t *st;
    char dir[256];
} fx_t;

#define OK(call) assert_int_equal((call), SIM_OK)

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_report_specs.XXXXXX");
    if (mkdtemp(f->dir) == NULL ||
        sim_store_open(":memory:", SIM_STORE_READWRITE, &f->st, NULL) !=
            SIM_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    sim_store_close(f->st);
    rm_tree(f->dir);
    free(f);
    return 0;
}

static int64_t begin(fx_t *f, const char *command, int64_t sweep,
                     const char *variant)
{
    sim_store_run_info_t info = {0};
    int64_t id;

    info.command = command;
    info.scenario_json = "{}";
    info.seed = 7;
    info.version = "test";
    info.started = "2024-05-01T12:00:00Z";
    info.sweep_id = sweep;
    info.variant_key = variant;
    info.replication = sweep != 0 ? 0 : -1;
    OK(sim_store_run_begin(f->st, &info, &id, NULL));
    return id;
}

static void end(fx_t *f, int64_t id)
{
    OK(sim_store_run_end(f->st, id, 1.0, "ok", NULL));
}

/* Write the report of sel into dir/sub; returns the info. */
static rep_report_info_t report(fx_t *f, rep_selection_t sel, const char *sub)
{
    rep_report_info_t info;
    rep_report_opts_t opts;
    sim_diag_t d = SIM_DIAG_INIT;
    char out[512];
    sim_err_t err;

    memset(&opts, 0, sizeof opts);
    memset(&info, 0, sizeof info);
    opts.info = &info;
    opts.gnuplot = "/mock/gnuplot";
    opts.formats = REP_GP_PNG;
    snprintf(out, sizeof out, "%s/%s", f->dir, sub);
    err = rep_report_write(f->st, sel, out, &opts, &d);
    if (err != SIM_OK)
        fail_msg("rep_report_write: %s: %s", sim_err_str(err), d.msg);
    return info;
}

static rep_report_info_t report_run(fx_t *f, int64_t id, const char *sub)
{
    return report(f, (rep_selection_t){REP_SEL_RUN, id}, sub);
}

/* The text of dir/sub/name, or NULL when missing (caller frees). */
static char *slurp(fx_t *f, const char *sub, const char *name)
{
    char path[1024];
    FILE *fp;
    long len;
    char *s;

    snprintf(path, sizeof path, "%s/%s/%s", f->dir, sub, name);
    fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, fp), (size_t)len);
    s[len] = '\0';
    fclose(fp);
    return s;
}

/* The script of chart name must exist and hold every one of the strings. */
static void expect_script(fx_t *f, const char *sub, const char *chart, ...)
{
    char file[256];
    const char *want;
    va_list ap;
    char *s;

    snprintf(file, sizeof file, "%s.gp", chart);
    s = slurp(f, sub, file);
    if (s == NULL)
        fail_msg("%s/%s: no script", sub, file);
    va_start(ap, chart);
    while ((want = va_arg(ap, const char *)) != NULL)
        if (strstr(s, want) == NULL) {
            va_end(ap);
            fail_msg("%s/%s lacks \"%s\"", sub, file, want);
        }
    va_end(ap);
    free(s);
}

static bool exists(fx_t *f, const char *sub, const char *name)
{
    char *s = slurp(f, sub, name);
    free(s);
    return s != NULL;
}

/* ---- single runs ------------------------------------------------------------------ */

static void test_collective_sweep(void **state)
{
    fx_t *f = *state;
    const double bytes[3] = {1048576, 4194304, 1073741824};
    const double busbw[3] = {20.5, 80.25, 220.125};
    int64_t id = begin(f, "collective", 0, NULL);
    rep_report_info_t info;

    OK(sim_store_metric_text(f->st, id, "op", "allreduce", NULL));
    OK(sim_store_metric_text(f->st, id, "gpu", "H100", NULL));
    OK(sim_store_series_append(f->st, id, "busbw_GBps_by_bytes", bytes,
                               busbw, 3, NULL));
    end(f, id);
    info = report_run(f, id, "coll");
    assert_int_equal(info.charts, 1);
    /* Sizes in MiB on a log axis; the generic series chart is not drawn. */
    expect_script(f, "coll", "busbw_by_size", "set logscale x",
                  "allreduce on H100", "message size (MiB",
                  "bus bandwidth (GB/s)", "\n1 20.5\n4 80.25\n1024 220.125\n",
                  NULL);
    assert_false(exists(f, "coll", "series_busbw_GBps_by_bytes.gp"));
}

static void test_serve(void **state)
{
    fx_t *f = *state;
    const double lat_t[3] = {0.08, 0.16, 0.28}, tpot_t[3] = {0.015, 0.016,
                                                             0.0175};
    const double frac[3] = {0.5, 0.9, 0.99};
    double t[4], arr[4], util[4], warm[4], q[4];
    int64_t id = begin(f, "serve", 0, NULL);
    rep_report_info_t info;
    size_t i;

    for (i = 0; i < 4; i++) {
        t[i] = 600.0 * (double)(i + 1);
        arr[i] = 120.0 * (double)(i + 1); /* per 600 s interval */
        util[i] = 0.25 * (double)i;
        warm[i] = 2;
        q[i] = (double)i;
    }
    OK(sim_store_series_append(f->st, id, "ttft_cdf", lat_t, frac, 3, NULL));
    OK(sim_store_series_append(f->st, id, "tpot_cdf", tpot_t, frac, 3, NULL));
    OK(sim_store_series_append(f->st, id, "arrivals", t, arr, 4, NULL));
    OK(sim_store_series_append(f->st, id, "queue", t, q, 4, NULL));
    OK(sim_store_series_append(f->st, id, "replicas_warm", t, warm, 4, NULL));
    OK(sim_store_series_append(f->st, id, "utilisation", t, util, 4, NULL));
    OK(sim_store_series_append(f->st, id, "something_else", t, q, 4, NULL));
    end(f, id);
    info = report_run(f, id, "serve");
    /* CDF, the day, and the one series no serve spec knows. */
    assert_int_equal(info.charts, 3);
    expect_script(f, "serve", "latency_cdf", "set logscale x",
                  "set yrange [0:1]", "time to first token (TTFT)",
                  "time per output token (TPOT)", "\n0.080000000000000002 0.5\n",
                  NULL);
    /* 40 min span -> minutes; 120 arrivals per 600 s -> 0.2 /s; utilisation
     * 0.25 -> 25 %; four panels (running and provisioning absent). */
    expect_script(f, "serve", "service_over_time", "layout 4,1", "time (min)",
                  "arrivals (requests/s)", "GPU utilisation (%)",
                  "\n10 0.20000000000000001\n", "\n20 25\n", "'waiting'",
                  "'serving'", NULL);
    assert_true(exists(f, "serve", "series_something_else.gp"));
    assert_false(exists(f, "serve", "series_arrivals.gp"));
    assert_false(exists(f, "serve", "series_ttft_cdf.gp"));
}

static void test_cluster(void **state)
{
    fx_t *f = *state;
    const double t[3] = {0, 36000, 72000}, alloc[3] = {0.5, 0.25, 0.125};
    const double frag[3] = {3, 4, 5};
    int64_t id = begin(f, "cluster", 0, NULL), fill;

    OK(sim_store_metric_text(f->st, id, "mode", "replay", NULL));
    OK(sim_store_series_append(f->st, id, "gpu_alloc", t, alloc, 3, NULL));
    OK(sim_store_series_append(f->st, id, "frag_gpus", t, frag, 3, NULL));
    end(f, id);
    assert_int_equal(report_run(f, id, "cl").charts, 1);
    expect_script(f, "cl", "cluster_allocation", "layout 2,1", "time (h)",
                  "GPUs allocated (%)", "fragmented GPUs", "\n10 25\n",
                  "\n20 5\n", NULL);

    /* Fill mode: x is the arrived share of the GPUs, in %. */
    fill = begin(f, "cluster", 0, NULL);
    OK(sim_store_metric_text(f->st, fill, "mode", "fill", NULL));
    const double x[2] = {0.5, 1.0}, y[2] = {0.5, 0.75};
    OK(sim_store_series_append(f->st, fill, "gpu_alloc", x, y, 2, NULL));
    end(f, fill);
    assert_int_equal(report_run(f, fill, "fill").charts, 1);
    expect_script(f, "fill", "cluster_allocation",
                  "arrived GPU requests (% of GPUs)", "\n100 75\n", NULL);
}

static void test_validate_groups(void **state)
{
    fx_t *f = *state;
    const double t[3] = {0, 1, 2};
    const double pred[3] = {1.1, 2.2, 3.3}, meas[3] = {1.0, 2.0, 3.0};
    const double tp[2] = {5, 7}, p2[2] = {0.02, 0.03}, m2[2] = {0.025, 0.03};
    int64_t id = begin(f, "validate", 0, NULL);

    OK(sim_store_series_append(f->st, id, "validation_pred:time (s)", t, pred,
                               3, NULL));
    OK(sim_store_series_append(f->st, id, "validation_meas:time (s)", t, meas,
                               3, NULL));
    OK(sim_store_series_append(f->st, id, "validation_pred:TPOT (s)", tp, p2,
                               2, NULL));
    OK(sim_store_series_append(f->st, id, "validation_meas:TPOT (s)", tp, m2,
                               2, NULL));
    /* A pred series without its meas partner is no group. */
    OK(sim_store_series_append(f->st, id, "validation_pred:lonely", t, pred,
                               3, NULL));
    end(f, id);
    assert_int_equal(report_run(f, id, "val").charts, 1);
    expect_script(f, "val", "validation", "title 'time (s)'",
                  "title 'TPOT (s)'", "\n1 1.1000000000000001\n",
                  "\n0.025000000000000001 0.02\n", NULL);
    char *s = slurp(f, "val", "validation.gp");
    assert_non_null(s);
    assert_null(strstr(s, "lonely"));
    free(s);
}

static void test_train_run(void **state)
{
    fx_t *f = *state;
    const double rep[4] = {0, 1, 2, 3}, days[4] = {30, 31, 29.5, 35};
    int64_t id = begin(f, "train", 0, NULL);

    OK(sim_store_metric(f->st, id, "breakdown_compute_s", 1.5, NULL));
    OK(sim_store_metric(f->st, id, "breakdown_tp_s", 0.25, NULL));
    OK(sim_store_metric(f->st, id, "breakdown_dp_s", 0.125, NULL));
    OK(sim_store_metric(f->st, id, "breakdown_ep_s", NAN, NULL));
    OK(sim_store_metric(f->st, id, "breakdown_bubble_s", 0.5, NULL));
    OK(sim_store_metric(f->st, id, "gpus", 1024, NULL));
    OK(sim_store_metric_text(f->st, id, "gpu", "H800", NULL));
    OK(sim_store_metric_text(f->st, id, "model", "qwen-72b", NULL));
    OK(sim_store_series_append(f->st, id, "faults.time_to_train_days", rep,
                               days, 4, NULL));
    OK(sim_store_series_append(f->st, id, "faults.goodput", rep, days, 4,
                               NULL));
    end(f, id);
    assert_int_equal(report_run(f, id, "train").charts, 2);
    /* One bar: compute 1.5, + exposed comm 0.375 (NaN ep left out), +
     * bubble 0.5 (cumulative tops). */
    expect_script(f, "train", "time_breakdown", "'qwen-72b on 1024 x H800'",
                  "\n0 1.5 1.875 2.375\n", "time per iteration (s)", NULL);
    expect_script(f, "train", "time_to_train_cdf", "with steps",
                  "time to train (days)", "\n35 1\n", NULL);
    assert_false(exists(f, "train", "series_faults.goodput.gp"));
}

static void test_plan_frontier(void **state)
{
    fx_t *f = *state;
    const double p99[4] = {0.5, 1.0, 1.5, 2.0}, cost[4] = {9e3, 5e3, 6e3, 2e3};
    int64_t id = begin(f, "plan", 0, NULL);

    OK(sim_store_series_append(f->st, id, "plan_candidates", p99, cost, 4,
                               NULL));
    OK(sim_store_metric(f->st, id, "metric", 1.0, NULL));
    OK(sim_store_metric(f->st, id, "cost_usd", 5e3, NULL));
    OK(sim_store_metric_text(f->st, id, "metric_name", "p99 TTFT", NULL));
    OK(sim_store_metric_text(f->st, id, "metric_unit", "s", NULL));
    OK(sim_store_metric_text(f->st, id, "cost_basis", "per day", NULL));
    end(f, id);
    assert_int_equal(report_run(f, id, "plan").charts, 1);
    /* The chosen candidate (1.0 s, $5000) is marked and labelled. */
    expect_script(f, "plan", "plan_frontier", "'chosen plan' at 1, 5000",
                  "'Cost vs p99 TTFT'", "'p99 TTFT (s)'",
                  "'cost per day (USD)'", NULL);
    assert_false(exists(f, "plan", "series_plan_candidates.gp"));
}

static void test_no_data(void **state)
{
    fx_t *f = *state;
    const char *commands[] = {"collective", "serve", "cluster", "train",
                              "plan", "validate"};
    char sub[32];
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int64_t id = begin(f, commands[i], 0, NULL);
        OK(sim_store_metric(f->st, id, "time_s", 1.0, NULL));
        end(f, id);
        snprintf(sub, sizeof sub, "empty_%zu", i);
        assert_int_equal(report_run(f, id, sub).charts, 0);
        assert_true(exists(f, sub, "index.html"));
    }
}

static void test_topology_labels(void **state)
{
    fx_t *f = *state;
    int64_t id = begin(f, "topo", 0, NULL);

    OK(sim_store_metric(f->st, id, "switches_leaf", 16, NULL));
    OK(sim_store_metric(f->st, id, "links_leaf-spine_cables", 128, NULL));
    OK(sim_store_metric(f->st, id, "links_leaf-spine_bandwidth_max_Bps",
                        5e10, NULL));
    end(f, id);
    assert_int_equal(report_run(f, id, "topo").charts, 1);
    expect_script(f, "topo", "topology",
                  "set xtics ('leaf-spine links' 0, 'leaf switches' 1)",
                  NULL);
}

/* ---- sweeps ------------------------------------------------------------------------- */

static void test_sweep_scaling_breakdown(void **state)
{
    fx_t *f = *state;
    static const char *const gpu[2] = {"H100", "A100"};
    static const int n[3] = {64, 8, 512};
    int64_t sweep, id;
    char key[128];
    size_t g, i;

    OK(sim_store_sweep_new(f->st, "{}", "{}", 6, &sweep, NULL));
    for (g = 0; g < 2; g++)
        for (i = 0; i < 3; i++) {
            snprintf(key, sizeof key, "cluster.gpu=%s,cluster.gpus=%d",
                     gpu[g], n[i]);
            id = begin(f, "train", sweep, key);
            OK(sim_store_metric(f->st, id, "tokens_per_s",
                                1000.0 * n[i] * (g + 1), NULL));
            OK(sim_store_metric(f->st, id, "mfu", 0.25 * (double)(g + 1),
                                NULL));
            OK(sim_store_metric(f->st, id, "breakdown_compute_s", 2, NULL));
            OK(sim_store_metric(f->st, id, "breakdown_pp_s", 0.5, NULL));
            OK(sim_store_metric(f->st, id, "breakdown_bubble_s", 1, NULL));
            end(f, id);
        }
    report(f, (rep_selection_t){REP_SEL_SWEEP, sweep}, "sw");
    /* Lines per GPU type, GPU counts sorted, MFU on y2; log2 x (8..512). */
    expect_script(f, "sw", "scaling", "'H100 throughput'", "'A100 MFU'",
                  "set logscale x 2", "\n8 8000 0.25\n64 64000 0.25\n",
                  "MFU (fraction of peak)", NULL);
    expect_script(f, "sw", "time_breakdown", "'H100, 64'",
                  "\n0 2 2.5 3.5\n", NULL);
    assert_true(exists(f, "sw", "heatmap.gp"));
}

static void test_sweep_goodput(void **state)
{
    fx_t *f = *state;
    static const char *const ckpt[2] = {"30min", "2h"};
    static const double rate[3] = {4, 1, 2};
    int64_t sweep, id;
    char key[128];
    size_t c, r;

    OK(sim_store_sweep_new(f->st, "{}", "{}", 6, &sweep, NULL));
    for (c = 0; c < 2; c++)
        for (r = 0; r < 3; r++) {
            snprintf(key, sizeof key,
                     "faults.rate_scale=%g,faults.checkpoint_interval=%s",
                     rate[r], ckpt[c]);
            id = begin(f, "train", sweep, key);
            OK(sim_store_metric(f->st, id, "faults_goodput_mean",
                                0.9 - 0.05 * rate[r] - 0.01 * (double)c,
                                NULL));
            end(f, id);
        }
    report(f, (rep_selection_t){REP_SEL_SWEEP, sweep}, "gp");
    expect_script(f, "gp", "goodput", "'checkpoint every 30min'",
                  "'checkpoint every 2h'", "failure rate",
                  "\n1 0.84999999999999998\n2 0.80000000000000004\n", NULL);
    /* Two keys vary: the heatmap shows goodput, not some other metric. */
    expect_script(f, "gp", "heatmap", "faults_goodput_mean", NULL);
    /* Not a scaling sweep. */
    assert_false(exists(f, "gp", "scaling.gp"));
}

/* ---- helpers -------------------------------------------------------------------------- */

static void test_helpers(void **state)
{
    double scale;
    const char *label;

    (void)state;
    assert_true(rep_spec_series_drawn("serve", "arrivals"));
    assert_false(rep_spec_series_drawn("cluster", "arrivals"));
    assert_true(rep_spec_series_drawn("topo", "validation_pred:x"));
    assert_true(rep_spec_series_drawn("train", "faults.goodput"));
    assert_false(rep_spec_series_drawn("train", "faults"));
    assert_false(rep_spec_series_drawn(NULL, "queue"));
    rep_spec_time_axis(86400, &scale, &label);
    assert_close(scale, 1.0 / 3600, 1e-12);
    assert_string_equal(label, "time (h)");
    rep_spec_time_axis(600, &scale, &label);
    assert_string_equal(label, "time (min)");
    rep_spec_time_axis(30, &scale, &label);
    assert_close(scale, 1.0, 1e-12);
    assert_string_equal(label, "time (s)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_collective_sweep, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_serve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cluster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_groups, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_train_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_frontier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_topology_labels, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sweep_scaling_breakdown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sweep_goodput, setup, teardown),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
