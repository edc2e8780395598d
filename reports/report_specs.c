/*
 * report_specs.c — the built-in chart specs (topology, validation, time
 * series) and the sweep heatmap (see report.h for which runs get which).
 * Specs only read the run through the rep_report_* accessors and add
 * charts; they never touch the store's tables directly.
 */
#include "reports/report_int.h"

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
        size_t len = strlen(m[i].name);
        if (starts(m[i].name, "switches_"))
            rest = m[i].name + strlen("switches_");
        else if (starts(m[i].name, "links_") && len > 7 &&
                 strcmp(m[i].name + len - 7, "_cables") == 0)
            rest = m[i].name;
        else
            continue;
        /* "switches_tor" -> "switches tor", "links_leaf-spine_cables" ->
         * "links leaf-spine cables". */
        labels[k] = malloc(strlen(rest) + 10);
        if (labels[k] == NULL) {
            err = nomem(diag);
            goto done;
        }
        snprintf(labels[k], strlen(rest) + 10, "%s%s",
                 rest == m[i].name ? "" : "switches ", rest);
        for (j = 0; labels[k][j] != '\0'; j++)
            if (labels[k][j] == '_')
                labels[k][j] = ' ';
        values[k++] = m[i].value;
    }
    if (k == 0)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = "Topology: switches and links";
    meta.xlabel = "component";
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

static sim_err_t validation_spec(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const sim_store_metric_t *m;
    size_t n, i, np = 0, ns = 0, nseries, k;
    double *pm = NULL, *pp = NULL;
    double *tp = NULL, *vp = NULL, *tm = NULL, *vm = NULL;
    size_t n_pred = 0, n_meas = 0;
    char *const *names = rep_report_series_names(ctx, &nseries);
    bool has_pred = false, has_meas = false;
    rep_chart_xy_t g[2];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    char name[256];
    sim_err_t err = SIM_OK;

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
    for (i = 0; i < nseries; i++) {
        has_pred = has_pred || strcmp(names[i], "validation_pred") == 0;
        has_meas = has_meas || strcmp(names[i], "validation_meas") == 0;
    }
    if (has_pred && has_meas) {
        err = rep_report_series(ctx, "validation_pred", &tp, &vp, &n_pred,
                                diag);
        if (err == SIM_OK)
            err = rep_report_series(ctx, "validation_meas", &tm, &vm,
                                    &n_meas, diag);
        if (err != SIM_OK)
            goto done;
        ns = n_pred < n_meas ? n_pred : n_meas;
    }
    if (np == 0 && ns == 0)
        goto done;
    k = 0;
    if (np > 0)
        g[k++] = (rep_chart_xy_t){"metrics (pred_* vs meas_*)", pm, pp, np};
    if (ns > 0)
        g[k++] = (rep_chart_xy_t){"series validation_pred vs _meas", vm, vp,
                                  ns};
    rep_report_meta(ctx, &meta);
    meta.title = "Predicted vs measured";
    meta.xlabel = "measured";
    meta.ylabel = "predicted";
    err = rep_chart_validation(&meta, g, k, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "validation",
                                   "Predicted vs measured, with the y = x "
                                   "line and 10% and 25% error bands",
                                   s, diag);
done:
    free(pm);
    free(pp);
    free(tp);
    free(vp);
    free(tm);
    free(vm);
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
        if (strcmp(name, "validation_pred") == 0 ||
            strcmp(name, "validation_meas") == 0)
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
        "cost_usd",         "time_to_train_days", "ttft_p99_s",
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

sim_err_t rep_sweep_heatmap(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    keyvals_t kx = {NULL, 0}, ky = {NULL, 0};
    double *sum = NULL, *cnt = NULL;
    const char *metric = heat_metric(ctx);
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    rep_buf_t title;
    char vx[256], vy[256];
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
    for (i = 0; i < kx.n * ky.n; i++)
        sum[i] = cnt[i] > 0 ? sum[i] / cnt[i] : NAN;

    rep_buf_printf(&title, "Sweep: %s by %s and %s", metric, ctx->vary[0],
                   ctx->vary[1]);
    err = rep_buf_err(&title, diag);
    if (err != SIM_OK)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = rep_buf_str(&title);
    meta.xlabel = ctx->vary[0];
    meta.ylabel = ctx->vary[1];
    err = rep_chart_heatmap(&meta, (const char *const *)kx.v, kx.n,
                            (const char *const *)ky.v, ky.n, sum, metric, &s,
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
