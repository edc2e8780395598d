/*
 * report_csv.c — CSV exports of a report's tables (see report_int.h):
 *   metrics.csv         run_id,name,value,text (every run of a sweep)
 *   series_<name>.csv   t,value (a single run's series; file names are the
 *                       safe, unique names chosen in report.c)
 *   runs.csv            a sweep's runs, one row each, a column per metric
 * RFC 4180 quoting; numbers with %.17g in the C locale (NaN left empty), so
 * a value read back is the stored double.
 */
#include "reports/report_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void num(rep_buf_t *b, double v)
{
    if (!isnan(v))
        rep_buf_num(b, v);
}

static void metrics_rows(rep_buf_t *b, int64_t run_id,
                         const sim_store_metric_t *m, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        rep_buf_printf(b, "%" PRId64 ",", run_id);
        rep_csv_field(b, m[i].name);
        rep_buf_putc(b, ',');
        if (m[i].text == NULL)
            num(b, m[i].value);
        rep_buf_putc(b, ',');
        rep_csv_field(b, m[i].text);
        rep_buf_puts(b, "\r\n");
    }
}

static sim_err_t write_in(const rep_report_ctx_t *ctx, const rep_buf_t *b,
                          const char *leaf, sim_diag_t *diag)
{
    char *path = rep_buf_path_join(ctx->dir, leaf);
    sim_err_t err;

    if (path == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    err = rep_buf_write_file(b, path, diag);
    free(path);
    return err;
}

static sim_err_t runs_csv(const rep_report_ctx_t *ctx, rep_buf_t *b,
                          sim_diag_t *diag)
{
    size_t r, c, j;

    rep_buf_reset(b);
    rep_buf_puts(b, "run_id,variant_key,replication,status,seed,wall_s");
    for (c = 0; c < ctx->n_cols; c++) {
        rep_buf_putc(b, ',');
        rep_csv_field(b, ctx->cols[c]);
    }
    rep_buf_puts(b, "\r\n");
    for (r = 0; r < ctx->n_rows; r++) {
        const rep_sweep_row_t *row = &ctx->rows[r];
        rep_buf_printf(b, "%" PRId64 ",", row->run->id);
        rep_csv_field(b, row->run->variant_key);
        rep_buf_printf(b, ",%" PRId64 ",", row->run->replication);
        rep_csv_field(b, row->run->status);
        rep_buf_printf(b, ",%" PRIu64 ",", row->run->seed);
        num(b, row->run->wall_s);
        for (c = 0, j = 0; c < ctx->n_cols; c++) {
            rep_buf_putc(b, ',');
            while (j < row->n_metrics &&
                   strcmp(row->metrics[j].name, ctx->cols[c]) < 0)
                j++;
            if (j < row->n_metrics &&
                strcmp(row->metrics[j].name, ctx->cols[c]) == 0 &&
                row->metrics[j].text == NULL)
                num(b, row->metrics[j].value);
        }
        rep_buf_puts(b, "\r\n");
    }
    return write_in(ctx, b, "runs.csv", diag);
}

sim_err_t rep_csv_write(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    rep_buf_t b;
    double *t = NULL, *v = NULL;
    size_t i, j, n = 0;
    char leaf[300];
    sim_err_t err;

    rep_buf_init(&b);
    rep_buf_puts(&b, "run_id,name,value,text\r\n");
    if (ctx->is_sweep)
        for (i = 0; i < ctx->n_rows; i++)
            metrics_rows(&b, ctx->rows[i].run->id, ctx->rows[i].metrics,
                         ctx->rows[i].n_metrics);
    else
        metrics_rows(&b, ctx->run->id, ctx->metrics, ctx->n_metrics);
    err = write_in(ctx, &b, "metrics.csv", diag);
    if (err != SIM_OK)
        goto done;

    if (ctx->is_sweep) {
        err = runs_csv(ctx, &b, diag);
        goto done;
    }
    for (i = 0; i < ctx->n_series; i++) {
        err = sim_store_series_get(ctx->st, ctx->run->id, ctx->series[i], &t,
                                   &v, &n, diag);
        if (err != SIM_OK)
            goto done;
        rep_buf_reset(&b);
        rep_buf_puts(&b, "t,value\r\n");
        for (j = 0; j < n; j++) {
            num(&b, t[j]);
            rep_buf_putc(&b, ',');
            num(&b, v[j]);
            rep_buf_puts(&b, "\r\n");
        }
        free(t);
        free(v);
        t = v = NULL;
        snprintf(leaf, sizeof leaf, "%s.csv", ctx->series_files[i]);
        err = write_in(ctx, &b, leaf, diag);
        if (err != SIM_OK)
            goto done;
    }
done:
    free(t);
    free(v);
    rep_buf_destroy(&b);
    return err;
}
