/*
 * report.c — rep_report_write: read a run or a sweep from the store, run
 * the chart specs, write the CSVs, summary.md and, last, index.html (see
 * report.h).  Also the accessors chart specs use.
 *
 * Order matters: report.log is truncated first (it then collects only this
 * report's gnuplot messages), charts are drawn before the page is written
 * (the page says which were drawn), and index.html comes last so its
 * presence marks a complete report.
 */
#include "reports/report_int.h"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---- accessors for chart specs ---------------------------------------------- */

const sim_store_run_t *rep_report_run(const rep_report_ctx_t *ctx)
{
    return ctx->run;
}

const sim_store_metric_t *rep_report_metrics(const rep_report_ctx_t *ctx,
                                             size_t *n)
{
    *n = ctx->n_metrics;
    return ctx->metrics;
}

/* Index of metric name in the sorted array, or n. */
static size_t metric_index(const rep_report_ctx_t *ctx, const char *name)
{
    size_t lo = 0, hi = ctx->n_metrics, mid;
    int c;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = strcmp(ctx->metrics[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ctx->n_metrics;
}

double rep_report_metric(const rep_report_ctx_t *ctx, const char *name)
{
    size_t i = metric_index(ctx, name);

    if (i == ctx->n_metrics || ctx->metrics[i].text != NULL)
        return NAN;
    return ctx->metrics[i].value;
}

const char *rep_ctx_text(const rep_report_ctx_t *ctx, const char *name)
{
    size_t i = metric_index(ctx, name);
    return i == ctx->n_metrics ? NULL : ctx->metrics[i].text;
}

char *const *rep_report_series_names(const rep_report_ctx_t *ctx, size_t *n)
{
    *n = ctx->n_series;
    return ctx->series;
}

sim_err_t rep_report_series(rep_report_ctx_t *ctx, const char *name,
                            double **t, double **v, size_t *n,
                            sim_diag_t *diag)
{
    return sim_store_series_get(ctx->st, ctx->run->id, name, t, v, n, diag);
}

void rep_report_meta(const rep_report_ctx_t *ctx, rep_chart_meta_t *m)
{
    memset(m, 0, sizeof *m);
    m->caption = ctx->caption;
    m->date = ctx->date;
}

/* A chart name not yet used in this report: base, else base_2, base_3... */
static void unique_name(const rep_report_ctx_t *ctx, const char *base,
                        char *out, size_t n)
{
    char safe[200];
    size_t i, k;
    bool taken;

    rep_gp_safe_name(base, safe, sizeof safe);
    snprintf(out, n, "%s", safe);
    for (k = 2;; k++) {
        taken = false;
        for (i = 0; i < ctx->charts.n && !taken; i++)
            taken = strcmp(ctx->charts.b[i].file, out) == 0;
        if (!taken)
            return;
        snprintf(out, n, "%s_%zu", safe, k);
    }
}

sim_err_t rep_report_add_chart(rep_report_ctx_t *ctx, const char *name,
                               const char *caption, rep_gp_script_t *script,
                               sim_diag_t *diag)
{
    rep_gp_render_opts_t ro = {ctx->gnuplot, ctx->log_path, ctx->formats};
    sim_diag_t rd = SIM_DIAG_INIT;
    char file[220];
    bool drawn = false;
    sim_err_t err;

    unique_name(ctx, name, file, sizeof file);
    err = rep_gp_render(script, ctx->dir, file, &ro, &drawn, &rd);
    rep_gp_script_free(script);
    if (err == SIM_ERR_NOTFOUND || err == SIM_ERR_CHECK) {
        /* No gnuplot, or gnuplot refused the script: the script is saved,
         * the page says the chart is missing, the caller gets a warning. */
        if (ctx->info.warnings++ == 0)
            snprintf(ctx->info.warning, sizeof ctx->info.warning, "%s",
                     rd.msg);
        err = SIM_OK;
    } else if (err != SIM_OK) {
        return sim_diag_set(diag, err, rd.file, rd.line, rd.key, "%s",
                            rd.msg);
    }
    ctx->info.charts++;
    ctx->info.rendered += drawn ? 1 : 0;
    rep_doc_chart(&ctx->charts, caption, file, drawn, ctx->formats);
    return rep_doc_err(&ctx->charts, diag);
}

/* ---- variant keys ------------------------------------------------------------- */

static bool sep(char c)
{
    return c == ',' || c == ';' || c == '|' || c == ' ' || c == '\t';
}

bool rep_variant_value(const char *vk, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key), vl;
    const char *p = vk, *e;

    if (vk == NULL)
        return false;
    while (*p != '\0') {
        while (sep(*p))
            p++;
        for (e = p; *e != '\0' && !sep(*e); e++)
            ;
        if ((size_t)(e - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            vl = (size_t)(e - p) - kl - 1;
            if (vl >= n)
                vl = n - 1;
            memcpy(out, p + kl + 1, vl);
            out[vl] = '\0';
            return true;
        }
        p = e;
    }
    return false;
}

/* Keys of the variant keys of the sweep whose values differ between runs
 * (a key missing from some run counts as differing), in the order they
 * first appear (the order of the sweep's --vary options). */
static sim_err_t find_vary(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    char **keys = NULL, key[256], v0[256], v1[256];
    size_t nk = 0, cap = 0, r, i, q;
    const char *p, *e, *eq;
    bool differs, h0, h1;

    for (r = 0; r < ctx->n_rows; r++) {
        p = ctx->rows[r].run->variant_key;
        while (p != NULL && *p != '\0') {
            while (sep(*p))
                p++;
            for (e = p; *e != '\0' && !sep(*e); e++)
                ;
            eq = memchr(p, '=', (size_t)(e - p));
            if (eq != NULL && eq > p && (size_t)(eq - p) < sizeof key) {
                memcpy(key, p, (size_t)(eq - p));
                key[eq - p] = '\0';
                for (i = 0; i < nk && strcmp(keys[i], key) != 0; i++)
                    ;
                if (i == nk) {
                    if (nk == cap) {
                        char **nkeys;
                        cap = cap == 0 ? 8 : 2 * cap;
                        nkeys = realloc(keys, cap * sizeof *keys);
                        if (nkeys == NULL)
                            goto nomem;
                        keys = nkeys;
                    }
                    keys[nk] = strdup(key);
                    if (keys[nk] == NULL)
                        goto nomem;
                    nk++;
                }
            }
            p = e;
        }
    }
    /* Keep the keys whose value is not the same in every run. */
    for (i = 0, q = 0; i < nk; i++) {
        differs = false;
        h0 = rep_variant_value(ctx->rows[0].run->variant_key, keys[i], v0,
                               sizeof v0);
        for (r = 1; r < ctx->n_rows && !differs; r++) {
            h1 = rep_variant_value(ctx->rows[r].run->variant_key, keys[i],
                                   v1, sizeof v1);
            differs = h0 != h1 || (h0 && strcmp(v0, v1) != 0);
        }
        if (differs)
            keys[q++] = keys[i];
        else
            free(keys[i]);
    }
    ctx->vary = keys;
    ctx->n_vary = q;
    return SIM_OK;
nomem:
    sim_store_strv_free(keys, nk);
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
}

/* ---- gathering ------------------------------------------------------------------ */

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The numeric metric names over all runs of the sweep, sorted, once each. */
static sim_err_t sweep_cols(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    size_t total = 0, r, j, n = 0;
    char **all;

    for (r = 0; r < ctx->n_rows; r++)
        total += ctx->rows[r].n_metrics;
    all = calloc(total > 0 ? total : 1, sizeof *all);
    if (all == NULL)
        goto nomem;
    for (r = 0; r < ctx->n_rows; r++)
        for (j = 0; j < ctx->rows[r].n_metrics; j++)
            if (ctx->rows[r].metrics[j].text == NULL)
                all[n++] = ctx->rows[r].metrics[j].name;
    qsort(all, n, sizeof *all, cmp_strp);
    ctx->cols = calloc(n > 0 ? n : 1, sizeof *ctx->cols);
    if (ctx->cols == NULL)
        goto nomem;
    for (j = 0; j < n; j++) {
        if (ctx->n_cols > 0 &&
            strcmp(ctx->cols[ctx->n_cols - 1], all[j]) == 0)
            continue;
        ctx->cols[ctx->n_cols] = strdup(all[j]);
        if (ctx->cols[ctx->n_cols] == NULL)
            goto nomem;
        ctx->n_cols++;
    }
    free(all);
    return SIM_OK;
nomem:
    free(all);
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
}

static sim_err_t load_sweep(rep_report_ctx_t *ctx, int64_t sweep_id,
                            sim_diag_t *diag)
{
    int64_t *ids = NULL;
    size_t n = 0, i;
    sim_err_t err;

    err = sim_store_sweep_runs(ctx->st, sweep_id, &ids, &n, diag);
    if (err != SIM_OK)
        return err;
    if (n == 0) {
        free(ids);
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, sim_store_path(ctx->st),
                            0, NULL, "sweep %" PRId64 " has no stored runs",
                            sweep_id);
    }
    ctx->is_sweep = true;
    ctx->sweep_id = sweep_id;
    ctx->rows = calloc(n, sizeof *ctx->rows);
    if (ctx->rows == NULL) {
        free(ids);
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    }
    for (i = 0; i < n && err == SIM_OK; i++) {
        err = sim_store_run_get(ctx->st, ids[i], &ctx->rows[i].run, diag);
        if (err == SIM_OK)
            err = sim_store_metrics_get(ctx->st, ids[i],
                                        &ctx->rows[i].metrics,
                                        &ctx->rows[i].n_metrics, diag);
        if (err == SIM_OK)
            ctx->n_rows = i + 1;
    }
    free(ids);
    if (err == SIM_OK)
        err = sweep_cols(ctx, diag);
    if (err == SIM_OK)
        err = find_vary(ctx, diag);
    return err;
}

/* The run reported: read it, its metrics and its series names, and give
 * every series a safe, unique file base "series_<name>". */
static sim_err_t load_run(rep_report_ctx_t *ctx, int64_t run_id,
                          sim_diag_t *diag)
{
    char safe[200], base[220];
    size_t i, j, k;
    sim_err_t err;

    err = sim_store_run_get(ctx->st, run_id, &ctx->run, diag);
    if (err == SIM_OK)
        err = sim_store_metrics_get(ctx->st, run_id, &ctx->metrics,
                                    &ctx->n_metrics, diag);
    if (err == SIM_OK)
        err = sim_store_series_names(ctx->st, run_id, &ctx->series,
                                     &ctx->n_series, diag);
    if (err != SIM_OK)
        return err;
    ctx->series_files = calloc(ctx->n_series > 0 ? ctx->n_series : 1,
                               sizeof *ctx->series_files);
    if (ctx->series_files == NULL)
        goto nomem;
    for (i = 0; i < ctx->n_series; i++) {
        rep_gp_safe_name(ctx->series[i], safe, sizeof safe);
        snprintf(base, sizeof base, "series_%s", safe);
        for (k = 2;; k++) {
            for (j = 0; j < i && strcmp(ctx->series_files[j], base) != 0; j++)
                ;
            if (j == i)
                break;
            snprintf(base, sizeof base, "series_%s_%zu", safe, k);
        }
        ctx->series_files[i] = strdup(base);
        if (ctx->series_files[i] == NULL)
            goto nomem;
    }
    return SIM_OK;
nomem:
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
}

static void ctx_destroy(rep_report_ctx_t *ctx)
{
    size_t i;

    free(ctx->log_path);
    /* In a sweep, run and metrics belong to rows[0]. */
    if (!ctx->is_sweep) {
        sim_store_run_free(ctx->run);
        sim_store_metrics_free(ctx->metrics, ctx->n_metrics);
    }
    sim_store_strv_free(ctx->series, ctx->n_series);
    sim_store_strv_free(ctx->series_files, ctx->n_series);
    for (i = 0; i < ctx->n_rows; i++) {
        sim_store_run_free(ctx->rows[i].run);
        sim_store_metrics_free(ctx->rows[i].metrics, ctx->rows[i].n_metrics);
    }
    free(ctx->rows);
    sim_store_strv_free(ctx->cols, ctx->n_cols);
    sim_store_strv_free(ctx->vary, ctx->n_vary);
    rep_doc_destroy(&ctx->charts);
}

static sim_err_t make_dir(const char *dir, sim_diag_t *diag)
{
    struct stat sb;

    if (mkdir(dir, 0755) == 0)
        return SIM_OK;
    if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return SIM_OK;
    return sim_diag_set(diag, SIM_ERR_IO, dir, 0, NULL,
                        "cannot create the report directory: %s",
                        strerror(errno == EEXIST ? ENOTDIR : errno));
}

static sim_err_t write_page(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    rep_doc_t d;
    rep_buf_t out;
    char *path = NULL;
    sim_err_t err;

    rep_doc_init(&d);
    rep_buf_init(&out);
    err = rep_doc_build(ctx, &d, diag);
    if (err != SIM_OK)
        goto done;
    rep_md_render(&d, &out);
    path = rep_buf_path_join(ctx->dir, "summary.md");
    if (path == NULL)
        goto nomem;
    err = rep_buf_write_file(&out, path, diag);
    if (err != SIM_OK)
        goto done;
    free(path);
    rep_buf_reset(&out);
    rep_html_render(&d, &out);
    path = rep_buf_path_join(ctx->dir, "index.html");
    if (path == NULL)
        goto nomem;
    err = rep_buf_write_file(&out, path, diag);
    goto done;
nomem:
    err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
done:
    free(path);
    rep_buf_destroy(&out);
    rep_doc_destroy(&d);
    return err;
}

sim_err_t rep_report_write(sim_store_t *st, rep_selection_t sel,
                           const char *out_dir, const rep_report_opts_t *opts,
                           sim_diag_t *diag)
{
    rep_report_ctx_t ctx;
    const rep_report_spec_t *spec;
    int64_t run_id = sel.id;
    size_t i, nspecs;
    FILE *log;
    sim_err_t err;

    memset(&ctx, 0, sizeof ctx);
    rep_doc_init(&ctx.charts);
    if (st == NULL || out_dir == NULL || out_dir[0] == '\0') {
        err = sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "report: a store and an output directory are "
                           "required");
        goto done;
    }
    ctx.st = st;
    ctx.opts = opts;
    ctx.dir = out_dir;
    ctx.gnuplot = opts != NULL && opts->gnuplot != NULL ? opts->gnuplot
                                                        : GNUPLOT_PATH;
    ctx.formats = opts != NULL && opts->formats != 0 ? opts->formats
                                                     : REP_GP_ALL;

    if (sel.kind == REP_SEL_LATEST) {
        err = sim_store_run_latest(st, NULL, &run_id, diag);
        if (err != SIM_OK)
            goto done;
        if (run_id == 0) {
            err = sim_diag_set(diag, SIM_ERR_NOTFOUND, sim_store_path(st), 0,
                               NULL, "the results store holds no runs");
            goto done;
        }
    }
    if (sel.kind == REP_SEL_SWEEP) {
        err = load_sweep(&ctx, sel.id, diag);
        if (err != SIM_OK)
            goto done;
        ctx.run = ctx.rows[0].run;
        ctx.metrics = ctx.rows[0].metrics;
        ctx.n_metrics = ctx.rows[0].n_metrics;
    } else {
        err = load_run(&ctx, run_id, diag);
        if (err != SIM_OK)
            goto done;
    }
    ctx.info.run_id = ctx.run->id;
    ctx.date = opts != NULL && opts->date != NULL ? opts->date
                                                  : ctx.run->started;
    if (rep_ctx_text(&ctx, "scenario_name") != NULL)
        snprintf(ctx.caption, sizeof ctx.caption, "%s",
                 rep_ctx_text(&ctx, "scenario_name"));
    else
        snprintf(ctx.caption, sizeof ctx.caption, "gpusim %s run %" PRId64,
                 ctx.run->command, ctx.run->id);

    err = make_dir(out_dir, diag);
    if (err != SIM_OK)
        goto done;
    ctx.log_path = rep_buf_path_join(out_dir, "report.log");
    if (ctx.log_path == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto done;
    }
    log = fopen(ctx.log_path, "w");
    if (log == NULL || fclose(log) != 0) {
        err = sim_diag_set(diag, SIM_ERR_IO, ctx.log_path, 0, NULL,
                           "cannot create the report log: %s",
                           strerror(errno));
        goto done;
    }

    if (ctx.is_sweep) {
        err = rep_sweep_heatmap(&ctx, diag);
    } else {
        nspecs = rep_n_builtin_specs +
                 (opts != NULL && opts->specs != NULL ? opts->n_specs : 0);
        for (i = 0; i < nspecs && err == SIM_OK; i++) {
            spec = i < rep_n_builtin_specs
                       ? &rep_builtin_specs[i]
                       : &opts->specs[i - rep_n_builtin_specs];
            if (spec->fn == NULL || (spec->command != NULL &&
                                     strcmp(spec->command,
                                            ctx.run->command) != 0))
                continue;
            err = spec->fn(&ctx, diag);
        }
    }
    if (err == SIM_OK)
        err = rep_csv_write(&ctx, diag);
    if (err == SIM_OK)
        err = write_page(&ctx, diag);
done:
    if (opts != NULL && opts->info != NULL)
        *opts->info = ctx.info;
    ctx_destroy(&ctx);
    return err;
}
