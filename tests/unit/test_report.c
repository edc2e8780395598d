/*
 * test_report.c — the report writer on an in-memory results store filled
 * through the store API: the page's tables, escaping of hostile strings,
 * the files written (HTML, Markdown, CSVs that parse back to the stored
 * doubles), sweeps with a heatmap, the chart-spec hook, a missing gnuplot,
 * determinism and errors.  gnuplot is mocked (this file defines
 * rep_gp_spawn), so no image is really drawn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/chart_demo.h"
#include "reports/gp_spawn.h"
#include "reports/report.h"
#include "reports/report_int.h"
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

#define HOSTILE "<script>alert(1)</script> `touch /tmp/x` \"q\" 'a' | *b* & \x01"

/* ---- mock spawn: writes the outputs it is told to, or is missing ---------- */

static bool mock_missing;
static int mock_calls;

sim_err_t rep_gp_spawn(const char *gnuplot, const char *workdir,
                       const char *script, size_t len, int log_fd,
                       int *status, sim_diag_t *diag)
{
    const char *p = script;
    char name[512], path[1024];
    FILE *fp;

    (void)gnuplot;
    (void)len;
    (void)log_fd;
    mock_calls++;
    if (mock_missing) {
        *status = -1;
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                            "cannot run gnuplot: mock");
    }
    while (strncmp(p, "gpusim_out_", 11) == 0) {
        const char *q = strchr(p, '\''), *e = strchr(q + 1, '\'');
        memcpy(name, q + 1, (size_t)(e - q - 1));
        name[e - q - 1] = '\0';
        snprintf(path, sizeof path, "%s/%s", workdir, name);
        fp = fopen(path, "w");
        if (fp != NULL)
            fclose(fp);
        p = strchr(e, '\n') + 1;
    }
    *status = 0;
    return SIM_OK;
}

/* ---- fixture ------------------------------------------------------------------ */

typedef struct fx {
    sim_store_t *st;
    int64_t train, topo, sweep;
    char dir[256];
    double t[5], util[5];
} fx_t;

#define OK(call) assert_int_equal((call), SIM_OK)

static void fill(fx_t *f)
{
    sim_store_run_info_t info = {0};
    static const int tp[2] = {2, 4}, pp[3] = {1, 2, 4};
    char key[64];
    int64_t id;
    size_t i, j;

    info.command = "train";
    info.scenario_json = "{\"cluster\":{\"gpu\":\"H100\",\"gpus\":64},"
                         "\"note\":\"<b>bold</b>\"}";
    info.seed = 42;
    info.version = "0.1.0";
    info.started = "2024-05-01T12:00:00Z";
    OK(sim_store_run_begin(f->st, &info, &f->train, NULL));
    OK(sim_store_metric(f->st, f->train, "iteration_time_s", 9.75, NULL));
    OK(sim_store_metric(f->st, f->train, "busbw_GBps", 181.5, NULL));
    OK(sim_store_metric(f->st, f->train, "cost_usd", 1.0 / 3.0, NULL));
    OK(sim_store_metric(f->st, f->train, "pred_gemm_s", 0.011, NULL));
    OK(sim_store_metric(f->st, f->train, "meas_gemm_s", 0.010, NULL));
    OK(sim_store_metric(f->st, f->train, "weird, \"name\"", 2.5, NULL));
    OK(sim_store_metric_text(f->st, f->train, "question", HOSTILE, NULL));
    OK(sim_store_metric_text(f->st, f->train, "assumption_overlap",
                             "full overlap", NULL));
    OK(sim_store_metric_text(f->st, f->train, "source_mfu", "paper X",
                             NULL));
    for (i = 0; i < 5; i++) {
        f->t[i] = 0.1 * (double)i;
        f->util[i] = 1.0 / (3.0 + (double)i);
    }
    OK(sim_store_series_append(f->st, f->train, "util", f->t, f->util, 5,
                               NULL));
    OK(sim_store_series_append(f->st, f->train, "a/b<c>", f->t, f->util, 5,
                               NULL));
    OK(sim_store_series_append(f->st, f->train, "a_b_c_", f->t, f->util, 2,
                               NULL));
    OK(sim_store_run_end(f->st, f->train, 1.5, "ok", NULL));

    info.command = "topo";
    info.scenario_json = NULL;
    OK(sim_store_run_begin(f->st, &info, &f->topo, NULL));
    OK(sim_store_metric(f->st, f->topo, "switches_tor", 16, NULL));
    OK(sim_store_metric(f->st, f->topo, "switches_aggregation", 8, NULL));
    OK(sim_store_metric(f->st, f->topo, "links_leaf-spine_cables", 128, NULL));
    OK(sim_store_run_end(f->st, f->topo, 0.1, "ok", NULL));

    OK(sim_store_sweep_new(f->st, "{}", "{}", 6, &f->sweep, NULL));
    info.command = "train";
    info.scenario_json = "{}";
    info.sweep_id = f->sweep;
    for (i = 0; i < 2; i++) {
        for (j = 0; j < 3; j++) {
            snprintf(key, sizeof key, "parallel.tp=%d,parallel.pp=%d,x=1",
                     tp[i], pp[j]);
            info.variant_key = key;
            info.replication = 0;
            OK(sim_store_run_begin(f->st, &info, &id, NULL));
            OK(sim_store_metric(f->st, id, "cost_usd",
                                100.0 * (double)(i + 1) + (double)j, NULL));
            OK(sim_store_run_end(f->st, id, 0.5, "ok", NULL));
        }
    }
}

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_report.XXXXXX");
    if (mkdtemp(f->dir) == NULL ||
        sim_store_open(":memory:", SIM_STORE_READWRITE, &f->st, NULL) !=
            SIM_OK)
        return -1;
    fill(f);
    mock_missing = false;
    mock_calls = 0;
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

static char *slurp(const char *dir, const char *sub, const char *name)
{
    char path[1024];
    FILE *fp;
    long len;
    char *s;

    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
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

static void write_report(fx_t *f, rep_selection_t sel, const char *sub,
                         rep_report_opts_t *opts)
{
    char out[512];
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err;

    snprintf(out, sizeof out, "%s/%s", f->dir, sub);
    err = rep_report_write(f->st, sel, out, opts, &d);
    if (err != SIM_OK)
        fail_msg("rep_report_write: %s: %s", sim_err_str(err), d.msg);
}

/* A minimal RFC 4180 reader: fields of one record starting at *p (which
 * moves past it).  Returns the number of fields (at most max). */
static size_t csv_record(const char **p, char fields[][256], size_t max)
{
    size_t n = 0, o;
    const char *s = *p;

    if (*s == '\0')
        return 0;
    for (;;) {
        o = 0;
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '"' && s[1] == '"') {
                    fields[n][o++] = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    assert_true(*s != '\0');
                    fields[n][o++] = *s++;
                }
            }
        } else {
            while (*s != ',' && *s != '\r' && *s != '\0')
                fields[n][o++] = *s++;
        }
        fields[n][o] = '\0';
        n++;
        assert_true(n <= max);
        if (*s == ',') {
            s++;
            continue;
        }
        assert_true(s[0] == '\r' && s[1] == '\n');
        *p = s + 2;
        return n;
    }
}

/* ---- tests --------------------------------------------------------------------- */

static void test_run_report(void **state)
{
    fx_t *f = *state;
    rep_report_info_t info;
    rep_report_opts_t opts = {0};
    char *html, *md, *csv;
    char fields[8][256];
    const char *p;
    size_t rows = 0, n;
    bool saw_weird = false;

    opts.info = &info;
    write_report(f, (rep_selection_t){REP_SEL_RUN, f->train}, "run", &opts);
    assert_int_equal(info.run_id, f->train);
    /* validation + one chart per series (validation_* series excluded). */
    assert_int_equal(info.charts, 4);
    assert_int_equal(info.rendered, 4);
    assert_int_equal(info.warnings, 0);
    assert_int_equal(mock_calls, 4);

    html = slurp(f->dir, "run", "index.html");
    assert_non_null(html);
    assert_non_null(strstr(html, "<tr><td>iteration_time_s</td>"
                                 "<td class=\"num\">9.75</td><td>s</td></tr>"));
    assert_non_null(strstr(html, "<td>busbw_GBps</td><td class=\"num\">181.5"
                                 "</td><td>GB/s</td>"));
    assert_non_null(strstr(html, "<td>cluster.gpu</td><td>H100</td>"));
    assert_non_null(strstr(html, "&lt;b&gt;bold&lt;/b&gt;"));
    /* The hostile question is escaped; no markup of ours is forged. */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; "
                                 "`touch /tmp/x` &quot;q&quot; &#39;a&#39;"));
    assert_non_null(strstr(html, "<img src=\"validation.png\""));
    assert_non_null(strstr(html, "<img src=\"series_util.png\""));
    /* "a/b<c>" and "a_b_c_" sanitize alike: the second gets a suffix. */
    assert_non_null(strstr(html, "<img src=\"series_a_b_c_.png\""));
    assert_non_null(strstr(html, "<img src=\"series_a_b_c__2.png\""));
    assert_non_null(strstr(html, "<td>gemm_s</td><td class=\"num\">0.011"
                                 "</td><td class=\"num\">0.01</td>"
                                 "<td class=\"num\">+10.0%</td>"));
    assert_non_null(strstr(html, "Validation status of the models used: "
                                 "not recorded."));
    assert_non_null(strstr(html, "<li>overlap: full overlap</li>"));
    assert_non_null(strstr(html, "<li>mfu: paper X</li>"));
    assert_non_null(strstr(html, "<td>seed</td><td class=\"num\">42</td>"));
    assert_non_null(strstr(html, "default-src 'none'"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    free(html);

    md = slurp(f->dir, "run", "summary.md");
    assert_non_null(md);
    assert_non_null(strstr(md, "| iteration\\_time\\_s | 9.75 | s |\n"));
    assert_non_null(strstr(md, "&lt;script&gt;"));
    assert_non_null(strstr(md, "\\| \\*b\\* &amp;"));
    assert_non_null(strstr(md, "![Series util (5 points)](series_util.png)"));
    free(md);

    /* metrics.csv parses back to what was stored. */
    csv = slurp(f->dir, "run", "metrics.csv");
    assert_non_null(csv);
    p = csv;
    n = csv_record(&p, fields, 8);
    assert_int_equal(n, 4);
    assert_string_equal(fields[1], "name");
    while ((n = csv_record(&p, fields, 8)) > 0) {
        assert_int_equal(n, 4);
        rows++;
        if (strcmp(fields[1], "weird, \"name\"") == 0) {
            saw_weird = true;
            assert_string_equal(fields[2], "2.5");
        }
        if (strcmp(fields[1], "cost_usd") == 0)
            assert_true(strtod(fields[2], NULL) == 1.0 / 3.0);
        if (strcmp(fields[1], "question") == 0)
            assert_string_equal(fields[3], HOSTILE);
    }
    assert_int_equal(rows, 9);
    assert_true(saw_weird);
    free(csv);

    csv = slurp(f->dir, "run", "series_util.csv");
    assert_non_null(csv);
    p = csv;
    assert_int_equal(csv_record(&p, fields, 8), 2);
    for (rows = 0; csv_record(&p, fields, 8) == 2; rows++) {
        assert_true(strtod(fields[0], NULL) == f->t[rows]);
        assert_true(strtod(fields[1], NULL) == f->util[rows]);
    }
    assert_int_equal(rows, 5);
    free(csv);

    csv = slurp(f->dir, "run", "series_a_b_c__2.csv");
    assert_non_null(csv);
    free(csv);
    csv = slurp(f->dir, "run", "report.log");
    assert_non_null(csv); /* exists (the mock writes nothing to it) */
    free(csv);
    csv = slurp(f->dir, "run", "validation.gp");
    assert_non_null(csv);
    assert_non_null(strstr(csv, "0.01 0.010999999999999999"));
    free(csv);
}

static void test_deterministic(void **state)
{
    fx_t *f = *state;
    static const char *const files[] = {"index.html", "summary.md",
                                        "metrics.csv", "series_util.csv",
                                        "validation.gp"};
    size_t i;

    write_report(f, (rep_selection_t){REP_SEL_RUN, f->train}, "a", NULL);
    write_report(f, (rep_selection_t){REP_SEL_RUN, f->train}, "b", NULL);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *x = slurp(f->dir, "a", files[i]), *y = slurp(f->dir, "b",
                                                         files[i]);
        assert_non_null(x);
        assert_non_null(y);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
}

static void test_missing_gnuplot(void **state)
{
    fx_t *f = *state;
    rep_report_info_t info;
    rep_report_opts_t opts = {0};
    char *html, *gp;

    mock_missing = true;
    opts.info = &info;
    write_report(f, (rep_selection_t){REP_SEL_RUN, f->train}, "nogp", &opts);
    assert_int_equal(info.charts, 4);
    assert_int_equal(info.rendered, 0);
    assert_int_equal(info.warnings, 4);
    assert_non_null(strstr(info.warning, "mock"));
    html = slurp(f->dir, "nogp", "index.html");
    assert_non_null(html);
    assert_null(strstr(html, "<img"));
    assert_non_null(strstr(html, "Chart not drawn: Series util"));
    assert_non_null(strstr(html, "4 of 4 charts were not drawn"));
    free(html);
    gp = slurp(f->dir, "nogp", "series_util.gp");
    assert_non_null(gp);
    free(gp);
    assert_null(slurp(f->dir, "nogp", "series_util.png"));
}

static void test_sweep_report(void **state)
{
    fx_t *f = *state;
    rep_report_info_t info;
    rep_report_opts_t opts = {0};
    char *html, *csv, *gp, fields[12][256];
    const char *p;
    size_t rows = 0;

    opts.info = &info;
    write_report(f, (rep_selection_t){REP_SEL_SWEEP, f->sweep}, "sw", &opts);
    assert_int_equal(info.charts, 1);
    html = slurp(f->dir, "sw", "index.html");
    assert_non_null(html);
    assert_non_null(strstr(html, "varied keys: parallel.tp, parallel.pp."));
    assert_non_null(strstr(html, "<th>cost_usd (USD)</th>"));
    assert_non_null(strstr(html, "<td>parallel.tp=4,parallel.pp=2,x=1</td>"
                                 "<td class=\"num\">0</td><td>ok</td>"
                                 "<td class=\"num\">201</td>"));
    assert_non_null(strstr(html, "<img src=\"heatmap.png\""));
    free(html);
    csv = slurp(f->dir, "sw", "runs.csv");
    assert_non_null(csv);
    p = csv;
    assert_int_equal(csv_record(&p, fields, 12), 7);
    assert_string_equal(fields[6], "cost_usd");
    while (csv_record(&p, fields, 12) == 7)
        rows++;
    assert_int_equal(rows, 6);
    free(csv);
    /* x: tp 2,4; y: pp 1,2,4 (numeric order); cells are the costs. */
    gp = slurp(f->dir, "sw", "heatmap.gp");
    assert_non_null(gp);
    assert_non_null(strstr(gp, "set xtics ('2' 0, '4' 1)"));
    assert_non_null(strstr(gp, "set ytics ('1' 0, '2' 1, '4' 2)"));
    assert_non_null(strstr(gp, "0 0 100\n1 0 200\n0 1 101\n1 1 201\n"
                               "0 2 102\n1 2 202\n"));
    free(gp);
}

static void test_topo_and_latest(void **state)
{
    fx_t *f = *state;
    rep_report_info_t info;
    rep_report_opts_t opts = {0};
    char *gp, *html;

    opts.info = &info;
    write_report(f, (rep_selection_t){REP_SEL_RUN, f->topo}, "topo", &opts);
    assert_int_equal(info.charts, 1);
    gp = slurp(f->dir, "topo", "topology.gp");
    assert_non_null(gp);
    /* Metrics come sorted by name; labels are short ("tor switches"). */
    assert_non_null(strstr(gp, "set xtics ('leaf-spine links' 0, "
                               "'aggregation switches' 1, 'tor switches' 2)"));
    free(gp);
    html = slurp(f->dir, "topo", "index.html");
    assert_non_null(strstr(html, "The run stored no scenario."));
    free(html);

    /* Latest: the last sweep run. */
    write_report(f, (rep_selection_t){REP_SEL_LATEST, 0}, "latest", &opts);
    assert_true(info.run_id > f->topo);
    assert_int_equal(info.charts, 0);
}

static int spec_calls;

static sim_err_t custom_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    sim_err_t err;

    spec_calls++;
    assert_string_equal(rep_report_run(ctx)->command, "train");
    assert_close(rep_report_metric(ctx, "iteration_time_s"), 9.75, 1e-15);
    assert_true(isnan(rep_report_metric(ctx, "question")));
    assert_true(isnan(rep_report_metric(ctx, "absent")));
    err = rep_chart_demo("breakdown", NULL, &s, diag);
    if (err != SIM_OK)
        return err;
    return rep_report_add_chart(ctx, "../custom chart", "Custom <chart>", s,
                                diag);
}

static sim_err_t never_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    (void)ctx;
    (void)diag;
    fail_msg("a spec for another command ran");
    return SIM_ERR_CHECK;
}

static void test_spec_hook(void **state)
{
    fx_t *f = *state;
    rep_report_spec_t specs[2] = {{"serve", never_spec}, {"train", custom_spec}};
    rep_report_opts_t opts = {0};
    rep_report_info_t info;
    char *html;

    opts.specs = specs;
    opts.n_specs = 2;
    opts.info = &info;
    spec_calls = 0;
    write_report(f, (rep_selection_t){REP_SEL_RUN, f->train}, "hook", &opts);
    assert_int_equal(spec_calls, 1);
    assert_int_equal(info.charts, 5);
    html = slurp(f->dir, "hook", "index.html");
    assert_non_null(strstr(html, "<img src=\"_._custom_chart.png\""));
    assert_non_null(strstr(html, "alt=\"Custom &lt;chart&gt;\""));
    free(html);
}

static void test_errors(void **state)
{
    fx_t *f = *state;
    sim_store_t *empty = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    char out[512];
    FILE *fp;

    snprintf(out, sizeof out, "%s/err", f->dir);
    assert_int_equal(rep_report_write(f->st,
                                      (rep_selection_t){REP_SEL_RUN, 999},
                                      out, NULL, &d),
                     SIM_ERR_NOTFOUND);
    assert_int_equal(rep_report_write(f->st,
                                      (rep_selection_t){REP_SEL_SWEEP, 99},
                                      out, NULL, NULL),
                     SIM_ERR_NOTFOUND);
    OK(sim_store_open(":memory:", SIM_STORE_READWRITE, &empty, NULL));
    assert_int_equal(rep_report_write(empty,
                                      (rep_selection_t){REP_SEL_LATEST, 0},
                                      out, NULL, NULL),
                     SIM_ERR_NOTFOUND);
    sim_store_close(empty);
    assert_int_equal(rep_report_write(NULL, (rep_selection_t){REP_SEL_LATEST,
                                                              0},
                                      out, NULL, NULL),
                     SIM_ERR_USAGE);
    /* The output "directory" is a file. */
    snprintf(out, sizeof out, "%s/afile", f->dir);
    fp = fopen(out, "w");
    assert_non_null(fp);
    fclose(fp);
    sim_diag_clear(&d);
    assert_int_equal(rep_report_write(f->st,
                                      (rep_selection_t){REP_SEL_RUN, f->train},
                                      out, NULL, &d),
                     SIM_ERR_IO);
    assert_non_null(strstr(d.msg, "report directory"));
}

static void test_text_helpers(void **state)
{
    rep_buf_t b;
    char **k = NULL, **v = NULL;
    size_t n = 0;

    (void)state;
    rep_buf_init(&b);
    rep_html_esc(&b, "<a href='x'>&\"\x01\xff ok\n");
    assert_string_equal(rep_buf_str(&b),
                        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
                        "\xef\xbf\xbd\xef\xbf\xbd ok\n");
    rep_buf_reset(&b);
    rep_md_esc(&b, "- a|b *c* [l](u) <i>\n");
    assert_string_equal(rep_buf_str(&b),
                        "\\- a\\|b \\*c\\* \\[l\\](u) &lt;i&gt; ");
    rep_buf_reset(&b);
    rep_csv_field(&b, "plain");
    rep_buf_putc(&b, ';');
    rep_csv_field(&b, "a,\"b\"\nc");
    assert_string_equal(rep_buf_str(&b), "plain;\"a,\"\"b\"\"\nc\"");
    rep_buf_destroy(&b);

    assert_string_equal(rep_unit_for("tokens_per_s"), "tokens/s");
    assert_string_equal(rep_unit_for("requests_per_s"), "/s");
    assert_string_equal(rep_unit_for("busbw_GBps"), "GB/s");
    assert_string_equal(rep_unit_for("link_Bps"), "B/s");
    assert_string_equal(rep_unit_for("ttft_p99_s"), "s");
    assert_string_equal(rep_unit_for("memory_per_gpu_GiB"), "GiB");
    assert_string_equal(rep_unit_for("cost_usd"), "USD");
    assert_string_equal(rep_unit_for("mfu"), "fraction");
    assert_string_equal(rep_unit_for("gpus"), "");
    assert_string_equal(rep_unit_for("_s"), "");

    OK(rep_json_flatten("{\"a\":{\"b\":1,\"c\":[true,\"x\"]},\"d\":{}}", &k,
                        &v, &n, NULL));
    assert_int_equal(n, 4);
    assert_string_equal(k[0], "a.b");
    assert_string_equal(v[0], "1");
    assert_string_equal(k[1], "a.c[0]");
    assert_string_equal(v[1], "true");
    assert_string_equal(k[2], "a.c[1]");
    assert_string_equal(v[2], "x");
    assert_string_equal(k[3], "d");
    assert_string_equal(v[3], "{}");
    sim_store_strv_free(k, n);
    sim_store_strv_free(v, n);
    assert_int_equal(rep_json_flatten("{not json", &k, &v, &n, NULL),
                     SIM_ERR_INPUT);

    {
        char val[16];
        assert_true(rep_variant_value("a=1,bb=2;c=x y", "bb", val,
                                      sizeof val));
        assert_string_equal(val, "2");
        assert_true(rep_variant_value("a=1,bb=2;c=x y", "c", val,
                                      sizeof val));
        assert_string_equal(val, "x");
        assert_false(rep_variant_value("a=1,bb=2", "b", val, sizeof val));
        assert_false(rep_variant_value(NULL, "a", val, sizeof val));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_gnuplot, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sweep_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_topo_and_latest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_spec_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test(test_text_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
