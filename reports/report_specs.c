/*
 * report_specs.c — the table of chart specs every report runs (topology,
 * validation, the per-command specs of spec_*.c, and a time-series chart
 * for every stored series no command spec draws), the helpers the specs
 * share (spec_int.h), and the sweep charts: the heatmap when two keys vary
 * plus the command's sweep charts (spec_train.c).
 * Specs only read the run through the rep_report_* accessors and add
 * charts; they never touch the store's tables directly.
 */
#include "reports/spec_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static sim_err_t nomem(sim_diag_t *diag)
{
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
}

/* ---- helpers for the specs (spec_int.h) ----------------------------------- */

sim_err_t rep_spec_nomem(sim_diag_t *diag)
{
    return nomem(diag);
}

bool rep_spec_has_series(const rep_report_ctx_t *ctx, const char *name)
{
    size_t i;
    for (i = 0; i < ctx->n_series; i++)
        if (strcmp(ctx->series[i], name) == 0)
            return true;
    return false;
}

/* Series a command spec draws in a better form than one chart each. */
static const struct {
    const char *command, *series; /* command NULL: any; series "x*": prefix */
} drawn[] = {
    {NULL, "validation_pred*"},
    {NULL, "validation_meas*"},
    {"collective", "busbw_GBps_by_bytes"},
    {"serve", "ttft_cdf"},
    {"serve", "tpot_cdf"},
    {"serve", "arrivals"},
    {"serve", "queue"},
    {"serve", "running"},
    {"serve", "replicas_warm"},
    {"serve", "replicas_provisioning"},
    {"serve", "utilisation"},
    {"cluster", "gpu_alloc"},
    {"cluster", "frag_gpus"},
    {"plan", "plan_candidates"},
    /* The Monte-Carlo replications: drawn as a distribution of the time to
     * train; the other per-replication series are tables, not time. */
    {"train", "faults.*"},
};

bool rep_spec_series_drawn(const char *command, const char *name)
{
    size_t i, len;

    for (i = 0; i < sizeof drawn / sizeof drawn[0]; i++) {
        if (drawn[i].command != NULL &&
            (command == NULL || strcmp(drawn[i].command, command) != 0))
            continue;
        len = strlen(drawn[i].series);
        if (drawn[i].series[len - 1] == '*'
                ? strncmp(name, drawn[i].series, len - 1) == 0
                : strcmp(name, drawn[i].series) == 0)
            return true;
    }
    return false;
}

double rep_row_metric(const rep_sweep_row_t *row, const char *name)
{
    size_t j;
    for (j = 0; j < row->n_metrics; j++)
        if (strcmp(row->metrics[j].name, name) == 0)
            return row->metrics[j].text == NULL ? row->metrics[j].value : NAN;
    return NAN;
}

const char *rep_row_text(const rep_sweep_row_t *row, const char *name)
{
    size_t j;
    for (j = 0; j < row->n_metrics; j++)
        if (strcmp(row->metrics[j].name, name) == 0)
            return row->metrics[j].text;
    return NULL;
}

bool rep_spec_varies(const rep_report_ctx_t *ctx, const char *key)
{
    size_t i;
    for (i = 0; i < ctx->n_vary; i++)
        if (strcmp(ctx->vary[i], key) == 0)
            return true;
    return false;
}

void rep_spec_time_axis(double span_s, double *scale, const char **label)
{
    if (span_s > 3 * 3600.0) {
        *scale = 1.0 / 3600.0;
        *label = "time (h)";
    } else if (span_s > 180.0) {
        *scale = 1.0 / 60.0;
        *label = "time (min)";
    } else {
        *scale = 1.0;
        *label = "time (s)";
    }
}

/* ---- topology: switches_<tier> and links_<kind>_cables ------------------- */

static sim_err_t topo_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const sim_store_metric_t *m;
    size_t n, i, k = 0, j;
    char **labels = NULL;
    double *values = NULL;
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    sim_err_t err = SIM_OK;

    m = rep_report_metrics(ctx, &n);
    labels = calloc(n > 0 ? n : 1, sizeof *labels);
    values = calloc(n > 0 ? n : 1, sizeof *values);
    if (labels == NULL || values == NULL) {
        err = nomem(diag);
        goto done;
    }
    for (i = 0; i < n; i++) {
        const char *rest;
        if (m[i].text != NULL)
            continue;
        /* `gpusim topo` stores switches_<tier> counts and, per link kind,
         * links_<kind>_cables (besides bandwidths, which are not counts). */
        size_t len = strlen(m[i].name), rl;
        const char *what;
        if (starts(m[i].name, "switches_")) {
            rest = m[i].name + strlen("switches_");
            rl = len - strlen("switches_");
            what = "switches";
        } else if (starts(m[i].name, "links_") && len > 13 &&
                   strcmp(m[i].name + len - 7, "_cables") == 0) {
            rest = m[i].name + strlen("links_");
            rl = len - strlen("links_") - strlen("_cables");
            what = "links";
        } else {
            continue;
        }
        /* Short labels read without rotation: "switches_tor" -> "tor
         * switches", "links_leaf-spine_cables" -> "leaf-spine links". */
        labels[k] = malloc(rl + 16);
        if (labels[k] == NULL) {
            err = nomem(diag);
            goto done;
        }
        snprintf(labels[k], rl + 16, "%.*s %s", (int)rl, rest, what);
        for (j = 0; labels[k][j] != '\0'; j++)
            if (labels[k][j] == '_')
                labels[k][j] = ' ';
        values[k++] = m[i].value;
    }
    if (k == 0)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = "Topology: switches and links";
    meta.ylabel = "count";
    err = rep_chart_topology(&meta, (const char *const *)labels, values, k,
                             &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "topology",
                                   "Switches by tier and links by kind", s,
                                   diag);
done:
    for (j = 0; labels != NULL && j < k; j++)
        free(labels[j]);
    free(labels);
    free(values);
    return err;
}

/* ---- validation: pred_X/meas_X metrics, validation_pred/_meas series ------- */

/* Groups of the scatter: the metric pairs, the plain series pair, and one
 * group per series pair validation_pred:LABEL / validation_meas:LABEL
 * (LABEL names the group with its unit, e.g. "TTFT p50 (s)"). */
enum { MAX_GROUPS = 8 };

typedef struct vgroups {
    rep_chart_xy_t g[MAX_GROUPS];
    double *free_list[4 * MAX_GROUPS];
    size_t n, n_free;
} vgroups_t;

/* Read the pair pred/meas (paired by index) into a new group named name. */
static sim_err_t add_series_group(rep_report_ctx_t *ctx, vgroups_t *vg,
                                  const char *pred, const char *meas,
                                  const char *name, sim_diag_t *diag)
{
    double *tp = NULL, *vp = NULL, *tm = NULL, *vm = NULL;
    size_t n_pred = 0, n_meas = 0;
    sim_err_t err;

    if (vg->n == MAX_GROUPS)
        return SIM_OK;
    err = rep_report_series(ctx, pred, &tp, &vp, &n_pred, diag);
    if (err == SIM_OK)
        err = rep_report_series(ctx, meas, &tm, &vm, &n_meas, diag);
    vg->free_list[vg->n_free++] = tp;
    vg->free_list[vg->n_free++] = vp;
    vg->free_list[vg->n_free++] = tm;
    vg->free_list[vg->n_free++] = vm;
    if (err != SIM_OK)
        return err;
    if (n_pred > 0 && n_meas > 0)
        vg->g[vg->n++] = (rep_chart_xy_t){
            name, vm, vp, n_pred < n_meas ? n_pred : n_meas};
    return SIM_OK;
}

static sim_err_t validation_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const sim_store_metric_t *m;
    size_t n, i, np = 0, nseries;
    double *pm = NULL, *pp = NULL;
    char *const *names = rep_report_series_names(ctx, &nseries);
    vgroups_t vg;
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    char name[256];
    sim_err_t err = SIM_OK;

    memset(&vg, 0, sizeof vg);
    m = rep_report_metrics(ctx, &n);
    pm = malloc((n > 0 ? n : 1) * sizeof *pm);
    pp = malloc((n > 0 ? n : 1) * sizeof *pp);
    if (pm == NULL || pp == NULL) {
        err = nomem(diag);
        goto done;
    }
    for (i = 0; i < n; i++) {
        double meas;
        if (m[i].text != NULL || !starts(m[i].name, "pred_"))
            continue;
        snprintf(name, sizeof name, "meas_%s", m[i].name + 5);
        meas = rep_report_metric(ctx, name);
        if (isnan(meas))
            continue;
        pm[np] = meas;
        pp[np] = m[i].value;
        np++;
    }
    if (np > 0)
        vg.g[vg.n++] = (rep_chart_xy_t){"metrics (pred_* vs meas_*)", pm, pp,
                                        np};
    if (rep_spec_has_series(ctx, "validation_pred") &&
        rep_spec_has_series(ctx, "validation_meas"))
        err = add_series_group(ctx, &vg, "validation_pred", "validation_meas",
                               "predicted vs measured", diag);
    for (i = 0; i < nseries && err == SIM_OK; i++) {
        if (!starts(names[i], "validation_pred:"))
            continue;
        snprintf(name, sizeof name, "validation_meas:%s",
                 names[i] + strlen("validation_pred:"));
        if (rep_spec_has_series(ctx, name))
            err = add_series_group(ctx, &vg, names[i], name,
                                   names[i] + strlen("validation_pred:"),
                                   diag);
    }
    if (err != SIM_OK || vg.n == 0)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = "Predicted vs measured";
    meta.xlabel = "measured (log scale; each group in its own unit)";
    meta.ylabel = "predicted (same unit)";
    err = rep_chart_validation(&meta, vg.g, vg.n, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "validation",
                                   "Predicted vs measured, with the y = x "
                                   "line and 10% and 25% error bands",
                                   s, diag);
done:
    free(pm);
    free(pp);
    for (i = 0; i < vg.n_free; i++)
        free(vg.free_list[i]);
    return err;
}

/* ---- time series: one chart per stored series ------------------------------ */

static sim_err_t series_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    size_t i, n = 0;
    double *t = NULL, *v = NULL;
    rep_chart_meta_t meta;
    rep_chart_xy_t xy;
    rep_chart_panel_t panel;
    rep_gp_script_t *s = NULL;
    rep_buf_t ylabel, caption;
    sim_err_t err = SIM_OK;

    rep_buf_init(&ylabel);
    rep_buf_init(&caption);
    for (i = 0; i < ctx->n_series; i++) {
        const char *name = ctx->series[i];
        const char *unit = rep_unit_for(name);
        if (rep_spec_series_drawn(ctx->run->command, name))
            continue;
        err = rep_report_series(ctx, name, &t, &v, &n, diag);
        if (err != SIM_OK)
            goto done;
        rep_buf_reset(&ylabel);
        rep_buf_puts(&ylabel, name);
        if (unit[0] != '\0')
            rep_buf_printf(&ylabel, " (%s)", unit);
        rep_buf_reset(&caption);
        rep_buf_printf(&caption, "Series %s (%zu points)", name, n);
        err = rep_buf_err(&ylabel, diag);
        if (err == SIM_OK)
            err = rep_buf_err(&caption, diag);
        if (err != SIM_OK)
            goto done;
        rep_report_meta(ctx, &meta);
        meta.title = name;
        meta.xlabel = "t";
        xy = (rep_chart_xy_t){name, t, v, n};
        panel = (rep_chart_panel_t){rep_buf_str(&ylabel), &xy, 1};
        meta.ylabel = rep_buf_str(&ylabel);
        err = rep_chart_timeseries(&meta, &panel, 1, &s, diag);
        free(t);
        free(v);
        t = v = NULL;
        if (err == SIM_OK)
            err = rep_report_add_chart(ctx, ctx->series_files[i],
                                       rep_buf_str(&caption), s, diag);
        if (err != SIM_OK)
            goto done;
    }
done:
    free(t);
    free(v);
    rep_buf_destroy(&ylabel);
    rep_buf_destroy(&caption);
    return err;
}

const rep_report_spec_t rep_builtin_specs[] = {
    {"topo", topo_spec},
    {"collective", rep_spec_collective},
    {"serve", rep_spec_serve},
    {"cluster", rep_spec_cluster},
    {"train", rep_spec_train},
    {"plan", rep_spec_plan},
    {NULL, validation_spec},
    {NULL, series_spec},
};
const size_t rep_n_builtin_specs =
    sizeof rep_builtin_specs / sizeof rep_builtin_specs[0];

/* ---- sweep heatmap ------------------------------------------------------------ */

/* Distinct values of key over the sweep's runs, sorted numerically when
 * all are numbers, else as text. */
typedef struct keyvals {
    char **v;
    size_t n;
} keyvals_t;

static bool all_numeric(const keyvals_t *k)
{
    size_t i;
    char *end;

    for (i = 0; i < k->n; i++) {
        strtod(k->v[i], &end);
        if (end == k->v[i] || *end != '\0')
            return false;
    }
    return true;
}

static int cmp_num(const void *a, const void *b)
{
    double x = strtod(*(char *const *)a, NULL);
    double y = strtod(*(char *const *)b, NULL);
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static sim_err_t collect(const rep_report_ctx_t *ctx, const char *key,
                         keyvals_t *k, sim_diag_t *diag)
{
    char val[256];
    size_t r, i;

    k->v = calloc(ctx->n_rows > 0 ? ctx->n_rows : 1, sizeof *k->v);
    k->n = 0;
    if (k->v == NULL)
        return nomem(diag);
    for (r = 0; r < ctx->n_rows; r++) {
        if (!rep_variant_value(ctx->rows[r].run->variant_key, key, val,
                               sizeof val))
            continue;
        for (i = 0; i < k->n && strcmp(k->v[i], val) != 0; i++)
            ;
        if (i < k->n)
            continue;
        k->v[k->n] = strdup(val);
        if (k->v[k->n] == NULL)
            return nomem(diag);
        k->n++;
    }
    qsort(k->v, k->n, sizeof *k->v, all_numeric(k) ? cmp_num : cmp_str);
    return SIM_OK;
}

static size_t find(const keyvals_t *k, const char *v)
{
    size_t i;
    for (i = 0; i < k->n; i++)
        if (strcmp(k->v[i], v) == 0)
            return i;
    return k->n;
}

/* The metric a heatmap shows: the caller's, else the first of a list of
 * headline metrics the runs have, else the first numeric metric. */
static const char *heat_metric(const rep_report_ctx_t *ctx)
{
    static const char *const prefer[] = {
        "faults_goodput_mean", "cost_usd",         "time_to_train_days", "ttft_p99_s",
        "iteration_time_s", "tokens_per_s",       "throughput_tokens_per_s",
        "time_s",           "busbw_GBps",         "goodput",
    };
    size_t i, c;

    if (ctx->opts != NULL && ctx->opts->heatmap_metric != NULL)
        return ctx->opts->heatmap_metric;
    for (i = 0; i < sizeof prefer / sizeof prefer[0]; i++)
        for (c = 0; c < ctx->n_cols; c++)
            if (strcmp(ctx->cols[c], prefer[i]) == 0)
                return ctx->cols[c];
    return ctx->n_cols > 0 ? ctx->cols[0] : NULL;
}

/* Values shown in a unit people read: bytes per second as GB/s. */
static double display_scale(const char *metric, char *label, size_t n)
{
    size_t len = strlen(metric);
    const char *unit = rep_unit_for(metric);

    if (len > 4 && strcmp(metric + len - 4, "_Bps") == 0) {
        snprintf(label, n, "%.*s (GB/s)", (int)(len - 4), metric);
        return 1e-9;
    }
    if (unit[0] != '\0')
        snprintf(label, n, "%s (%s)", metric, unit);
    else
        snprintf(label, n, "%s", metric);
    return 1.0;
}

static sim_err_t heatmap(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    keyvals_t kx = {NULL, 0}, ky = {NULL, 0};
    double *sum = NULL, *cnt = NULL;
    const char *metric = heat_metric(ctx);
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    rep_buf_t title;
    char vx[256], vy[256], label[256];
    double scale;
    size_t r, i, j;
    sim_err_t err;

    if (ctx->n_vary != 2 || metric == NULL)
        return SIM_OK;
    rep_buf_init(&title);
    err = collect(ctx, ctx->vary[0], &kx, diag);
    if (err == SIM_OK)
        err = collect(ctx, ctx->vary[1], &ky, diag);
    if (err != SIM_OK)
        goto done;
    sum = calloc(kx.n * ky.n + 1, sizeof *sum);
    cnt = calloc(kx.n * ky.n + 1, sizeof *cnt);
    if (sum == NULL || cnt == NULL) {
        err = nomem(diag);
        goto done;
    }
    /* Mean over replications of each (x, y) cell. */
    for (r = 0; r < ctx->n_rows; r++) {
        const rep_sweep_row_t *row = &ctx->rows[r];
        double v = NAN;
        if (!rep_variant_value(row->run->variant_key, ctx->vary[0], vx,
                               sizeof vx) ||
            !rep_variant_value(row->run->variant_key, ctx->vary[1], vy,
                               sizeof vy))
            continue;
        for (j = 0; j < row->n_metrics; j++)
            if (strcmp(row->metrics[j].name, metric) == 0 &&
                row->metrics[j].text == NULL)
                v = row->metrics[j].value;
        if (isnan(v))
            continue;
        i = find(&kx, vx) + kx.n * find(&ky, vy);
        sum[i] += v;
        cnt[i] += 1;
    }
    scale = display_scale(metric, label, sizeof label);
    for (i = 0; i < kx.n * ky.n; i++)
        sum[i] = cnt[i] > 0 ? scale * sum[i] / cnt[i] : NAN;

    rep_buf_printf(&title, "Sweep: %s by %s and %s", label, ctx->vary[0],
                   ctx->vary[1]);
    err = rep_buf_err(&title, diag);
    if (err != SIM_OK)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = rep_buf_str(&title);
    meta.xlabel = ctx->vary[0];
    meta.ylabel = ctx->vary[1];
    err = rep_chart_heatmap(&meta, (const char *const *)kx.v, kx.n,
                            (const char *const *)ky.v, ky.n, sum, label, &s,
                            diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "heatmap", rep_buf_str(&title), s,
                                   diag);
done:
    sim_store_strv_free(kx.v, kx.n);
    sim_store_strv_free(ky.v, ky.n);
    free(sum);
    free(cnt);
    rep_buf_destroy(&title);
    return err;
}

/* Every chart of a sweep: the heatmap (two keys vary), then the charts a
 * command's sweeps get (spec_train.c); each adds nothing when its data is
 * not there. */
sim_err_t rep_sweep_heatmap(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    sim_err_t err = heatmap(ctx, diag);
    if (err == SIM_OK)
        err = rep_sweep_scaling(ctx, diag);
    if (err == SIM_OK)
        err = rep_sweep_goodput(ctx, diag);
    if (err == SIM_OK && strcmp(ctx->run->command, "train") == 0)
        err = rep_sweep_breakdown(ctx, diag);
    return err;
}
