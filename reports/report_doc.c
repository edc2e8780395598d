/*
 * report_doc.c — the document model of a report and what goes in it (see
 * report_int.h): sections in a fixed order, every string kept as plain
 * text for the renderers to escape.
 */
#include "reports/report_int.h"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- model ------------------------------------------------------------- */

void rep_doc_init(rep_doc_t *d)
{
    memset(d, 0, sizeof *d);
}

void rep_doc_destroy(rep_doc_t *d)
{
    size_t i;

    if (d == NULL)
        return;
    for (i = 0; i < d->n; i++) {
        free(d->b[i].text);
        free(d->b[i].file);
        sim_store_strv_free(d->b[i].cells, d->b[i].ncells);
    }
    free(d->b);
    free(d->title);
    rep_doc_init(d);
}

/* A copy of s, or NULL (and failed) when out of memory. */
static char *copy_str(rep_doc_t *d, const char *s)
{
    char *c = strdup(s != NULL ? s : "");
    if (c == NULL)
        d->failed = true;
    return c;
}

static rep_block_t *add(rep_doc_t *d, rep_block_kind_t kind)
{
    rep_block_t *nb;

    if (d->failed)
        return NULL;
    if (d->n == d->cap) {
        size_t ncap = d->cap == 0 ? 32 : 2 * d->cap;
        nb = realloc(d->b, ncap * sizeof *nb);
        if (nb == NULL) {
            d->failed = true;
            return NULL;
        }
        d->b = nb;
        d->cap = ncap;
    }
    nb = &d->b[d->n++];
    memset(nb, 0, sizeof *nb);
    nb->kind = kind;
    return nb;
}

void rep_doc_title(rep_doc_t *d, const char *text)
{
    free(d->title);
    d->title = copy_str(d, text);
}

void rep_doc_heading(rep_doc_t *d, const char *text)
{
    rep_block_t *b = add(d, REP_B_HEADING);
    if (b != NULL)
        b->text = copy_str(d, text);
}

void rep_doc_para(rep_doc_t *d, const char *fmt, ...)
{
    rep_block_t *b = add(d, REP_B_PARA);
    rep_buf_t t;
    va_list ap;

    if (b == NULL)
        return;
    rep_buf_init(&t);
    va_start(ap, fmt);
    rep_buf_vprintf(&t, fmt, ap);
    va_end(ap);
    if (t.failed)
        d->failed = true;
    else
        b->text = copy_str(d, rep_buf_str(&t));
    rep_buf_destroy(&t);
}

void rep_doc_table(rep_doc_t *d, size_t cols)
{
    rep_block_t *b = add(d, REP_B_TABLE);
    if (b != NULL)
        b->cols = cols;
}

void rep_doc_list(rep_doc_t *d)
{
    add(d, REP_B_LIST);
}

void rep_doc_cell(rep_doc_t *d, const char *text)
{
    rep_block_t *b;
    char **nc, *c;

    if (d->failed || d->n == 0)
        return;
    b = &d->b[d->n - 1];
    if (b->ncells == b->cap) {
        size_t ncap = b->cap == 0 ? 16 : 2 * b->cap;
        nc = realloc(b->cells, ncap * sizeof *nc);
        if (nc == NULL) {
            d->failed = true;
            return;
        }
        b->cells = nc;
        b->cap = ncap;
    }
    c = copy_str(d, text);
    if (c != NULL)
        b->cells[b->ncells++] = c;
}

void rep_doc_cellf(rep_doc_t *d, const char *fmt, ...)
{
    rep_buf_t t;
    va_list ap;

    rep_buf_init(&t);
    va_start(ap, fmt);
    rep_buf_vprintf(&t, fmt, ap);
    va_end(ap);
    if (t.failed)
        d->failed = true;
    else
        rep_doc_cell(d, rep_buf_str(&t));
    rep_buf_destroy(&t);
}

void rep_doc_chart(rep_doc_t *d, const char *caption, const char *file,
                   bool drawn, int formats)
{
    rep_block_t *b = add(d, REP_B_CHART);

    if (b == NULL)
        return;
    b->text = copy_str(d, caption);
    b->file = copy_str(d, file);
    b->drawn = drawn;
    b->formats = formats;
}

sim_err_t rep_doc_err(const rep_doc_t *d, sim_diag_t *diag)
{
    if (!d->failed)
        return SIM_OK;
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory building the report");
}

/* ---- content ------------------------------------------------------------- */

/* What a command's run answers, when the run did not store its question. */
static const char *default_question(const char *command)
{
    static const struct {
        const char *command;
        const char *question;
    } q[] = {
        {"topo", "What does this topology amount to: GPUs, switches, links "
                 "and bisection bandwidth?"},
        {"collective", "How long does this collective take on this "
                       "topology, and at what bus bandwidth?"},
        {"train", "How fast does this training job run, how long does it "
                  "take to train, and what does it cost?"},
        {"serve", "What latency, throughput and SLO attainment does this "
                  "inference service reach, and at what cost?"},
        {"cluster", "How does this job trace fare on this cluster under "
                    "this scheduler?"},
        {"plan", "Which configuration meets the target at the lowest "
                 "cost?"},
        {"sweep", "How do the results change across the varied keys?"},
        {"calibrate", "What device profile do these kernel timings fit?"},
        {"validate", "How close are the predictions to the reference "
                     "measurements?"},
    };
    size_t i;

    for (i = 0; i < sizeof q / sizeof q[0]; i++)
        if (command != NULL && strcmp(command, q[i].command) == 0)
            return q[i].question;
    return NULL;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Text metrics the page shows in sections of their own. */
static bool special_text(const char *name)
{
    return strcmp(name, "question") == 0 ||
           strcmp(name, "validation_status") == 0 ||
           starts(name, "assumption_") || starts(name, "source_");
}

static void section_question(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    const char *q = rep_ctx_text(ctx, "question");
    const char *cmd = ctx->run->command;

    rep_doc_heading(d, "Question");
    if (q != NULL)
        rep_doc_para(d, "%s", q);
    else if (ctx->is_sweep)
        rep_doc_para(d, "How do the results of gpusim %s change across "
                        "the %zu stored variants of sweep %" PRId64 "?",
                     cmd, ctx->n_rows, ctx->sweep_id);
    else if (default_question(cmd) != NULL)
        rep_doc_para(d, "%s (from the command: gpusim %s)",
                     default_question(cmd), cmd);
    else
        rep_doc_para(d, "What does gpusim %s give for this scenario?",
                     cmd);
}

static void number_cell(rep_doc_t *d, double value)
{
    rep_buf_t t;

    rep_buf_init(&t);
    rep_fmt_value(&t, value);
    if (t.failed)
        d->failed = true;
    rep_doc_cell(d, rep_buf_str(&t));
    rep_buf_destroy(&t);
}

static void section_config(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    char **k = NULL, **v = NULL;
    size_t n = 0, i;
    sim_diag_t jd = SIM_DIAG_INIT;

    rep_doc_heading(d, "Configuration");
    if (ctx->run->scenario_json == NULL) {
        rep_doc_para(d, "The run stored no scenario.");
        return;
    }
    if (rep_json_flatten(ctx->run->scenario_json, &k, &v, &n, &jd) !=
        SIM_OK) {
        if (jd.code == SIM_ERR_NOMEM)
            d->failed = true;
        else
            rep_doc_para(d, "The stored scenario could not be read: %s",
                         jd.msg);
        return;
    }
    if (n == 0) {
        rep_doc_para(d, "The stored scenario is empty.");
    } else {
        rep_doc_table(d, 2);
        rep_doc_cell(d, "key");
        rep_doc_cell(d, "value");
        for (i = 0; i < n; i++) {
            /* Numbers as people read them (6 significant digits); the
             * exact values stay in the store and the CSV exports. */
            char *end = NULL;
            double x = strtod(v[i], &end);
            rep_doc_cell(d, k[i]);
            if (end != v[i] && end != NULL && *end == '\0' && isfinite(x))
                number_cell(d, x);
            else
                rep_doc_cell(d, v[i]);
        }
    }
    sim_store_strv_free(k, n);
    sim_store_strv_free(v, n);
}

static void section_numbers(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    size_t i, shown = 0;

    rep_doc_heading(d, "Key numbers");
    for (i = 0; i < ctx->n_metrics; i++)
        shown += ctx->metrics[i].text == NULL ? 1 : 0;
    /* Text results (the chosen plan, the command line that reproduces
     * it, the GPU, the algorithm picked) come first, as sentences. */
    for (i = 0; i < ctx->n_metrics; i++) {
        const sim_store_metric_t *m = &ctx->metrics[i];
        if (m->text != NULL && !special_text(m->name))
            rep_doc_para(d, "%s: %s", m->name, m->text);
    }
    if (shown == 0) {
        rep_doc_para(d, "The run stored no numeric metrics.");
        return;
    }
    rep_doc_table(d, 3);
    rep_doc_cell(d, "metric");
    rep_doc_cell(d, "value");
    rep_doc_cell(d, "unit");
    for (i = 0; i < ctx->n_metrics; i++) {
        const sim_store_metric_t *m = &ctx->metrics[i];
        if (m->text != NULL)
            continue;
        rep_doc_cell(d, m->name);
        number_cell(d, m->value);
        rep_doc_cell(d, rep_unit_for(m->name));
    }
}

static void section_sweep(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    size_t r, c, j;

    rep_doc_heading(d, "Variants");
    if (ctx->n_vary > 0) {
        rep_buf_t t;
        rep_buf_init(&t);
        for (j = 0; j < ctx->n_vary; j++) {
            rep_buf_puts(&t, j > 0 ? ", " : "");
            rep_buf_puts(&t, ctx->vary[j]);
        }
        rep_doc_para(d, "%zu runs; varied keys: %s.", ctx->n_rows,
                     rep_buf_str(&t));
        if (t.failed)
            d->failed = true;
        rep_buf_destroy(&t);
    } else {
        rep_doc_para(d, "%zu runs; no varied key could be read from the "
                        "variant keys.",
                     ctx->n_rows);
    }
    rep_doc_table(d, 3 + ctx->n_cols);
    rep_doc_cell(d, "variant");
    rep_doc_cell(d, "replication");
    rep_doc_cell(d, "status");
    for (c = 0; c < ctx->n_cols; c++) {
        const char *u = rep_unit_for(ctx->cols[c]);
        if (u[0] != '\0')
            rep_doc_cellf(d, "%s (%s)", ctx->cols[c], u);
        else
            rep_doc_cell(d, ctx->cols[c]);
    }
    for (r = 0; r < ctx->n_rows; r++) {
        const rep_sweep_row_t *row = &ctx->rows[r];
        rep_doc_cell(d, row->run->variant_key);
        rep_doc_cellf(d, "%" PRId64, row->run->replication);
        rep_doc_cell(d, row->run->status);
        for (c = 0, j = 0; c < ctx->n_cols; c++) {
            double v = NAN;
            /* Both sorted by name: one merge pass. */
            while (j < row->n_metrics &&
                   strcmp(row->metrics[j].name, ctx->cols[c]) < 0)
                j++;
            if (j < row->n_metrics &&
                strcmp(row->metrics[j].name, ctx->cols[c]) == 0 &&
                row->metrics[j].text == NULL)
                v = row->metrics[j].value;
            number_cell(d, v);
        }
    }
}

static void section_charts(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    size_t i;

    rep_doc_heading(d, "Charts");
    if (ctx->charts.n == 0) {
        rep_doc_para(d, "No chart applies to this run.");
        return;
    }
    if (ctx->info.warnings > 0)
        rep_doc_para(d, "%d of %d charts were not drawn (%s); their gnuplot "
                        "scripts are beside this page and gnuplot's "
                        "messages are in report.log.",
                     ctx->info.warnings, ctx->info.charts, ctx->info.warning);
    for (i = 0; i < ctx->charts.n; i++) {
        const rep_block_t *b = &ctx->charts.b[i];
        rep_doc_chart(d, b->text, b->file, b->drawn, b->formats);
    }
}

/* pred_X / meas_X pairs: rows X, predicted, measured, error. */
static void section_validation(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    const char *status = rep_ctx_text(ctx, "validation_status");
    size_t i, pairs = 0;
    char name[256];

    rep_doc_heading(d, "Validation");
    rep_doc_para(d, "Validation status of the models used: %s.",
                 status != NULL ? status : "not recorded");
    for (i = 0; i < ctx->n_metrics; i++) {
        const sim_store_metric_t *m = &ctx->metrics[i];
        double meas;
        if (!starts(m->name, "pred_") || m->text != NULL)
            continue;
        snprintf(name, sizeof name, "meas_%s", m->name + 5);
        meas = rep_report_metric(ctx, name);
        if (isnan(meas))
            continue;
        if (pairs++ == 0) {
            rep_doc_table(d, 4);
            rep_doc_cell(d, "quantity");
            rep_doc_cell(d, "predicted");
            rep_doc_cell(d, "measured");
            rep_doc_cell(d, "error");
        }
        rep_doc_cell(d, m->name + 5);
        number_cell(d, m->value);
        number_cell(d, meas);
        if (meas != 0 && isfinite(m->value))
            rep_doc_cellf(d, "%+.1f%%", 100.0 * (m->value - meas) / meas);
        else
            rep_doc_cell(d, "n/a");
    }
}

static void text_list(const rep_report_ctx_t *ctx, rep_doc_t *d,
                      const char *prefix, const char *none)
{
    size_t i, found = 0;

    for (i = 0; i < ctx->n_metrics; i++) {
        const sim_store_metric_t *m = &ctx->metrics[i];
        if (m->text == NULL || !starts(m->name, prefix))
            continue;
        if (found++ == 0)
            rep_doc_list(d);
        rep_doc_cellf(d, "%s: %s", m->name + strlen(prefix), m->text);
    }
    if (found == 0)
        rep_doc_para(d, "%s", none);
}

static void section_sources(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    size_t i, other = 0;

    rep_doc_heading(d, "Assumptions");
    text_list(ctx, d, "assumption_", "No assumptions were recorded.");
    rep_doc_heading(d, "Sources");
    text_list(ctx, d, "source_", "No sources were recorded.");
    for (i = 0; i < ctx->n_metrics; i++) {
        const sim_store_metric_t *m = &ctx->metrics[i];
        if (m->text == NULL || special_text(m->name))
            continue;
        if (other++ == 0) {
            rep_doc_heading(d, "Notes");
            rep_doc_table(d, 2);
            rep_doc_cell(d, "name");
            rep_doc_cell(d, "text");
        }
        rep_doc_cell(d, m->name);
        rep_doc_cell(d, m->text);
    }
}

static void section_provenance(const rep_report_ctx_t *ctx, rep_doc_t *d)
{
    const sim_store_run_t *r = ctx->run;
    size_t i;

    rep_doc_heading(d, "Provenance");
    rep_doc_table(d, 2);
    rep_doc_cell(d, "field");
    rep_doc_cell(d, "value");
    rep_doc_cell(d, "gpusim version of the run");
    rep_doc_cell(d, r->version != NULL ? r->version : "not recorded");
    rep_doc_cell(d, "report written by");
    rep_doc_cell(d, "gpusim " PACKAGE_VERSION);
    rep_doc_cell(d, "seed");
    rep_doc_cellf(d, "%" PRIu64, r->seed);
    rep_doc_cell(d, ctx->is_sweep ? "first run id" : "run id");
    rep_doc_cellf(d, "%" PRId64, r->id);
    if (ctx->is_sweep) {
        rep_doc_cell(d, "sweep id");
        rep_doc_cellf(d, "%" PRId64, ctx->sweep_id);
    }
    rep_doc_cell(d, "command");
    rep_doc_cellf(d, "gpusim %s", r->command);
    rep_doc_cell(d, "started");
    rep_doc_cell(d, r->started != NULL ? r->started : "not recorded");
    rep_doc_cell(d, "wall time");
    if (isnan(r->wall_s))
        rep_doc_cell(d, "not recorded");
    else
        rep_doc_cellf(d, "%.3f s", r->wall_s);
    rep_doc_cell(d, "status");
    rep_doc_cell(d, r->status);
    rep_doc_cell(d, "config hash");
    rep_doc_cell(d, r->config_hash != NULL ? r->config_hash : "not recorded");

    rep_doc_heading(d, "Files");
    rep_doc_list(d);
    rep_doc_cell(d, "metrics.csv: the metrics table");
    if (ctx->is_sweep)
        rep_doc_cell(d, "runs.csv: one row per variant run");
    for (i = 0; !ctx->is_sweep && i < ctx->n_series; i++)
        rep_doc_cellf(d, "%s.csv: series %s", ctx->series_files[i],
                      ctx->series[i]);
    rep_doc_cell(d, "NAME.gp beside each chart: its gnuplot script "
                    "(run `gnuplot NAME.gp` here to redraw)");
    rep_doc_cell(d, "report.log: gnuplot's messages");
    rep_doc_cell(d, "summary.md: this report in Markdown");
}

sim_err_t rep_doc_build(const rep_report_ctx_t *ctx, rep_doc_t *d,
                        sim_diag_t *diag)
{
    rep_buf_t t;

    rep_buf_init(&t);
    if (ctx->is_sweep)
        rep_buf_printf(&t, "gpusim report: sweep %" PRId64 " (%s)",
                       ctx->sweep_id, ctx->run->command);
    else
        rep_buf_printf(&t, "gpusim report: %s run %" PRId64,
                       ctx->run->command, ctx->run->id);
    if (t.failed)
        d->failed = true;
    rep_doc_title(d, rep_buf_str(&t));
    rep_buf_destroy(&t);

    /* The answer first (numbers, charts), then how it was reached. */
    section_question(ctx, d);
    if (ctx->is_sweep)
        section_sweep(ctx, d);
    else
        section_numbers(ctx, d);
    section_charts(ctx, d);
    section_validation(ctx, d);
    section_config(ctx, d);
    section_sources(ctx, d);
    section_provenance(ctx, d);
    return rep_doc_err(d, diag);
}
