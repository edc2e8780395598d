/*
 * report_fixture.c — helper for tests/render_charts.sh and
 * tests/browser_report.sh (not a test by itself).
 *
 *   report_fixture charts DIR [CANARY]
 *       draw every chart kind (chart_demo) into DIR with the real gnuplot;
 *       with CANARY, every name is hostile and would create CANARY if it
 *       reached gnuplot unescaped.  Exit 0 when all were drawn, 77 when
 *       gnuplot could not be run, 1 otherwise.
 *   report_fixture report DIR [CANARY]
 *       build a results store (DIR/store.db) with a plausible train run
 *       (metrics, text metrics, series, validation pairs, hostile names), a
 *       topo run and a two-key sweep, and write their reports to DIR/train,
 *       DIR/topo and DIR/sweep.  Exit 0, 77 without gnuplot, 1 on error.
 *
 * GPUSIM_GNUPLOT, when set, names the gnuplot to run (tests point it at a
 * missing file).  The numbers are made up but shaped like real ones; nothing here is a
 * result.
 */
#include "reports/chart_demo.h"
#include "reports/report.h"
#include "sim/store/store.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(call)                                                         \
    do {                                                                    \
        if ((err = (call)) != SIM_OK)                                       \
            goto fail;                                                      \
    } while (0)

static int charts(const char *dir, const char *canary)
{
    rep_gp_render_opts_t o = {NULL, NULL, 0};
    char log[4096];
    int i, missing = 0, failed = 0;

    snprintf(log, sizeof log, "%s/render.log", dir);
    o.log_path = log;
    o.gnuplot = getenv("GPUSIM_GNUPLOT"); /* NULL: the configured one */
    for (i = 0; rep_chart_demo_kinds[i] != NULL; i++) {
        rep_gp_script_t *s = NULL;
        sim_diag_t d = SIM_DIAG_INIT;
        bool drawn = false;
        sim_err_t err = rep_chart_demo(rep_chart_demo_kinds[i], canary, &s, &d);
        if (err == SIM_OK)
            err = rep_gp_render(s, dir, rep_chart_demo_kinds[i], &o, &drawn,
                                &d);
        rep_gp_script_free(s);
        if (err == SIM_ERR_NOTFOUND)
            missing++;
        else if (err != SIM_OK || !drawn) {
            fprintf(stderr, "%s: %s\n", rep_chart_demo_kinds[i], d.msg);
            failed++;
        }
    }
    if (failed > 0)
        return 1;
    return missing > 0 ? 77 : 0;
}

static sim_err_t train_run(sim_store_t *st, const char *h, int64_t *id,
                           sim_diag_t *d)
{
    char *scen = NULL, name[520]; /* "note_" + the hostile name (< 512) */
    json_t *root;
    sim_store_run_info_t info = {0};
    double t[25], util[25], queue[25], pred[6], meas[6];
    sim_err_t err;
    size_t i;

    /* Built with jansson so the hostile note is valid JSON. */
    root = json_pack("{s:{s:s,s:i,s:i,s:s,s:s},s:{s:s},s:{s:i,s:i,s:i,s:i},"
                     "s:{s:s,s:i},s:s}",
                     "cluster", "gpu", "H100", "gpus", 1024, "gpus_per_node",
                     8, "topology", "hpn", "nic_bandwidth", "400Gbps",
                     "model", "name", "llama3-70b", "parallel", "tp", 8, "pp",
                     4, "dp", 32, "zero", 1, "train", "tokens", "3T",
                     "global_batch", 1024, "note", h);
    scen = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (scen == NULL)
        return sim_diag_set(d, SIM_ERR_NOMEM, NULL, 0, NULL, "json");
    info.command = "train";
    info.scenario_json = scen;
    info.config_hash = "c0ffee";
    info.seed = 42;
    info.version = "0.1.0";
    info.started = "2024-05-01T12:00:00Z";
    CHECK(sim_store_run_begin(st, &info, id, d));
    CHECK(sim_store_metric(st, *id, "iteration_time_s", 9.75, d));
    CHECK(sim_store_metric(st, *id, "tokens_per_s", 430000.0, d));
    CHECK(sim_store_metric(st, *id, "tflops_per_gpu", 402.5, d));
    CHECK(sim_store_metric(st, *id, "mfu", 0.407, d));
    CHECK(sim_store_metric(st, *id, "memory_per_gpu_GiB", 61.2, d));
    CHECK(sim_store_metric(st, *id, "time_to_train_days", 80.7, d));
    CHECK(sim_store_metric(st, *id, "goodput", 0.91, d));
    CHECK(sim_store_metric(st, *id, "cost_usd", 4.96e6, d));
    CHECK(sim_store_metric(st, *id, "pred_iteration_time_s", 9.75, d));
    CHECK(sim_store_metric(st, *id, "meas_iteration_time_s", 10.4, d));
    CHECK(sim_store_metric(st, *id, "pred_allreduce_1GiB_s", 0.0061, d));
    CHECK(sim_store_metric(st, *id, "meas_allreduce_1GiB_s", 0.0057, d));
    CHECK(sim_store_metric_text(st, *id, "question",
                                "How long does llama3-70b take on 1024 "
                                "H100 <b>GPUs</b> & what does it cost?",
                                d));
    CHECK(sim_store_metric_text(st, *id, "scenario_name", h, d));
    CHECK(sim_store_metric_text(st, *id, "assumption_overlap",
                                "gradient all-reduce overlaps backward", d));
    CHECK(sim_store_metric_text(st, *id, "source_mfu",
                                "sample data for the report fixture", d));
    CHECK(sim_store_metric_text(st, *id, "validation_status",
                                "compute model within 10% on 6 GEMMs", d));
    snprintf(name, sizeof name, "note_%s", h);
    CHECK(sim_store_metric_text(st, *id, name,
                                "\"><img src=x onerror=alert(1)>", d));
    for (i = 0; i < 25; i++) {
        t[i] = 3600.0 * (double)i;
        util[i] = 0.6 + 0.3 * sin((double)i * 0.2618);
        queue[i] = floor(10.0 + 8.0 * cos((double)i * 0.2618));
    }
    CHECK(sim_store_series_append(st, *id, "utilisation", t, util, 25, d));
    CHECK(sim_store_series_append(st, *id, "queue_depth", t, queue, 25, d));
    CHECK(sim_store_series_append(st, *id, h, t, util, 25, d));
    for (i = 0; i < 6; i++) {
        meas[i] = 1e-4 * pow(5.0, (double)i);
        pred[i] = meas[i] * (1.0 + 0.08 * sin((double)i));
    }
    CHECK(sim_store_series_append(st, *id, "validation_pred", t, pred, 6, d));
    CHECK(sim_store_series_append(st, *id, "validation_meas", t, meas, 6, d));
    CHECK(sim_store_run_end(st, *id, 1.25, "ok", d));
    free(scen);
    return SIM_OK;
fail:
    free(scen);
    return err;
}

static sim_err_t topo_run(sim_store_t *st, int64_t *id, sim_diag_t *d)
{
    sim_store_run_info_t info = {0};
    sim_err_t err;

    info.command = "topo";
    info.scenario_json = "{\"cluster\":{\"topology\":\"fat-tree\","
                         "\"gpus\":1024}}";
    info.seed = 1;
    info.version = "0.1.0";
    info.started = "2024-05-01T12:05:00Z";
    CHECK(sim_store_run_begin(st, &info, id, d));
    CHECK(sim_store_metric(st, *id, "switches_tor", 32, d));
    CHECK(sim_store_metric(st, *id, "switches_aggregation", 16, d));
    CHECK(sim_store_metric(st, *id, "links_nic-leaf_cables", 1024, d));
    CHECK(sim_store_metric(st, *id, "links_leaf-spine_cables", 512, d));
    CHECK(sim_store_metric(st, *id, "bisection_Bps", 25.6e12, d));
    CHECK(sim_store_run_end(st, *id, 0.2, "ok", d));
    return SIM_OK;
fail:
    return err;
}

static sim_err_t sweep(sim_store_t *st, int64_t *sweep_id, sim_diag_t *d)
{
    static const int tp[3] = {2, 4, 8}, pp[2] = {1, 4};
    sim_store_run_info_t info = {0};
    char key[64];
    int64_t id;
    sim_err_t err;
    int i, j;

    CHECK(sim_store_sweep_new(st, "{\"parallel\":{}}",
                              "{\"parallel.tp\":[2,4,8],"
                              "\"parallel.pp\":[1,4]}",
                              6, sweep_id, d));
    info.command = "train";
    info.scenario_json = "{\"parallel\":{}}";
    info.seed = 7;
    info.version = "0.1.0";
    info.started = "2024-05-01T13:00:00Z";
    info.sweep_id = *sweep_id;
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 2; j++) {
            snprintf(key, sizeof key, "parallel.tp=%d,parallel.pp=%d", tp[i],
                     pp[j]);
            info.variant_key = key;
            info.replication = 0;
            CHECK(sim_store_run_begin(st, &info, &id, d));
            CHECK(sim_store_metric(st, id, "cost_usd",
                                   4.0e6 * (1.0 + 0.05 * i + 0.08 * j), d));
            CHECK(sim_store_metric(st, id, "iteration_time_s",
                                   9.0 + 0.4 * i - 0.3 * j, d));
            CHECK(sim_store_run_end(st, id, 0.5, "ok", d));
        }
    }
    return SIM_OK;
fail:
    return err;
}

static int report(const char *dir, const char *canary)
{
    sim_store_t *st = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    rep_report_info_t info;
    rep_report_opts_t opts = {0};
    char path[4096], sub[4096], hostile[512];
    int64_t train_id = 0, topo_id = 0, sweep_id = 0;
    int missing = 0;
    sim_err_t err;

    snprintf(hostile, sizeof hostile,
             "`touch %s` system(\"touch %s\") '\" <script>alert(1)</script>",
             canary != NULL ? canary : "/nonexistent/canary",
             canary != NULL ? canary : "/nonexistent/canary");
    snprintf(path, sizeof path, "%s/store.db", dir);
    remove(path);
    CHECK(sim_store_open(path, SIM_STORE_READWRITE, &st, &d));
    CHECK(train_run(st, hostile, &train_id, &d));
    CHECK(topo_run(st, &topo_id, &d));
    CHECK(sweep(st, &sweep_id, &d));

    opts.info = &info;
    opts.gnuplot = getenv("GPUSIM_GNUPLOT");
    snprintf(sub, sizeof sub, "%s/train", dir);
    CHECK(rep_report_write(st, (rep_selection_t){REP_SEL_RUN, train_id}, sub,
                           &opts, &d));
    missing += info.warnings;
    printf("train: run %" PRId64 ", %d charts, %d drawn\n", info.run_id,
           info.charts, info.rendered);
    snprintf(sub, sizeof sub, "%s/topo", dir);
    CHECK(rep_report_write(st, (rep_selection_t){REP_SEL_RUN, topo_id}, sub,
                           &opts, &d));
    missing += info.warnings;
    printf("topo: run %" PRId64 ", %d charts, %d drawn\n", info.run_id,
           info.charts, info.rendered);
    snprintf(sub, sizeof sub, "%s/sweep", dir);
    CHECK(rep_report_write(st, (rep_selection_t){REP_SEL_SWEEP, sweep_id},
                           sub, &opts, &d));
    missing += info.warnings;
    printf("sweep: %d charts, %d drawn\n", info.charts, info.rendered);
    if (missing > 0)
        printf("warning: %s\n", info.warning);
    sim_store_close(st);
    return missing > 0 ? 77 : 0;
fail:
    fprintf(stderr, "report_fixture: %s: %s\n", sim_err_str(err), d.msg);
    sim_store_close(st);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s charts|report DIR [CANARY]\n", argv[0]);
        return 2;
    }
    mkdir(argv[2], 0755);
    if (strcmp(argv[1], "charts") == 0)
        return charts(argv[2], argc == 4 ? argv[3] : NULL);
    if (strcmp(argv[1], "report") == 0)
        return report(argv[2], argc == 4 ? argv[3] : NULL);
    fprintf(stderr, "%s: unknown mode '%s'\n", argv[0], argv[1]);
    return 2;
}
