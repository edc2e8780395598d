/*
 * spec_train.c — the charts of training runs: one run's iteration time
 * split into compute, exposed communication and pipeline bubble, and the
 * spread of its time to train through failures (the Monte-Carlo
 * replications); over a sweep, the scaling chart (throughput and MFU
 * against GPUs, one line per GPU type), goodput against the failure rate
 * per checkpoint interval, and one breakdown bar per variant.
 *
 * Reads (as `gpusim train` stores them; nested JSON flattened with '_'):
 * metrics breakdown_compute_s, breakdown_{tp,ep,pp,dp}_s (the exposed
 * communication of each parallelism on the critical stage),
 * breakdown_bubble_s, tokens_per_s, mfu, gpus, text gpu; series
 * faults.time_to_train_days (one point per replication); in sweeps the
 * metric faults_goodput_mean (else faults.goodput.mean) and the variant
 * keys cluster.gpus, cluster.gpu, faults.rate_scale and
 * faults.checkpoint_interval.
 */
#include "reports/spec_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* compute, exposed communication and bubble from breakdown_* metrics;
 * false when the run has no breakdown. */
typedef double (*metric_fn)(const void *src, const char *name);

static bool breakdown_of(metric_fn get, const void *src, rep_chart_bar_t *b)
{
    static const char *const comm[] = {"breakdown_tp_s", "breakdown_ep_s",
                                       "breakdown_pp_s", "breakdown_dp_s"};
    double c = get(src, "breakdown_compute_s"), x;
    size_t i;

    if (isnan(c))
        return false;
    b->compute_s = c;
    b->exposed_comm_s = 0;
    for (i = 0; i < sizeof comm / sizeof comm[0]; i++) {
        x = get(src, comm[i]);
        if (isfinite(x))
            b->exposed_comm_s += x;
    }
    x = get(src, "breakdown_bubble_s");
    b->bubble_s = isfinite(x) ? x : 0;
    return true;
}

static double ctx_metric(const void *ctx, const char *name)
{
    return rep_report_metric(ctx, name);
}

static double row_metric(const void *row, const char *name)
{
    return rep_row_metric(row, name);
}

/* ---- one run --------------------------------------------------------------------- */

static sim_err_t run_breakdown(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const char *gpu = rep_ctx_text(ctx, "gpu");
    const char *model = rep_ctx_text(ctx, "model");
    double gpus = rep_report_metric(ctx, "gpus");
    rep_chart_bar_t bar;
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    char label[160];
    sim_err_t err;

    if (!breakdown_of(ctx_metric, ctx, &bar))
        return SIM_OK;
    if (isfinite(gpus))
        snprintf(label, sizeof label, "%s%s%.0f x %s", model ? model : "",
                 model ? " on " : "", gpus, gpu != NULL ? gpu : "GPU");
    else
        snprintf(label, sizeof label, "%s", model != NULL ? model : "this run");
    bar.label = label;
    rep_report_meta(ctx, &meta);
    meta.title = "Where an iteration's time goes";
    meta.ylabel = "time per iteration (s)";
    err = rep_chart_breakdown(&meta, &bar, 1, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "time_breakdown",
                                   "Iteration time on the critical pipeline "
                                   "stage: compute, communication not hidden "
                                   "behind compute, pipeline bubble",
                                   s, diag);
    return err;
}

static sim_err_t run_faults(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    double *t = NULL, *v = NULL;
    size_t n = 0;
    rep_chart_samples_t set;
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    char caption[200];
    sim_err_t err;

    if (!rep_spec_has_series(ctx, "faults.time_to_train_days"))
        return SIM_OK;
    err = rep_report_series(ctx, "faults.time_to_train_days", &t, &v, &n,
                            diag);
    if (err != SIM_OK || n == 0)
        goto done;
    set = (rep_chart_samples_t){"with failures and restarts", v, n};
    rep_report_meta(ctx, &meta);
    meta.title = "Time to train through failures";
    meta.xlabel = "time to train (days)";
    meta.ylabel = "fraction of replications finished";
    err = rep_chart_cdf(&meta, &set, 1, &s, diag);
    snprintf(caption, sizeof caption,
             "Distribution of the time to train over %zu Monte-Carlo "
             "replications of failures, restarts and checkpoints",
             n);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "time_to_train_cdf", caption, s,
                                   diag);
done:
    free(t);
    free(v);
    return err;
}

sim_err_t rep_spec_train(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    sim_err_t err = run_breakdown(ctx, diag);
    if (err == SIM_OK)
        err = run_faults(ctx, diag);
    return err;
}

/* ---- sweeps ------------------------------------------------------------------------ */

/* Distinct strings, in first-seen order. */
typedef struct names {
    char v[16][128];
    size_t n;
} names_t;

static size_t name_index(names_t *s, const char *v)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return i;
    if (s->n == sizeof s->v / sizeof s->v[0])
        return SIZE_MAX;
    snprintf(s->v[s->n], sizeof s->v[0], "%s", v);
    return s->n++;
}

/* Rows of one line of a chart, sorted by x. */
typedef struct line {
    double *x, *y, *z;
    size_t n;
} line_t;

static void sort_line(line_t *l)
{
    size_t i, j;
    double t;
    /* Insertion sort: sweeps have tens of points per line. */
    for (i = 1; i < l->n; i++)
        for (j = i; j > 0 && l->x[j - 1] > l->x[j]; j--) {
            t = l->x[j], l->x[j] = l->x[j - 1], l->x[j - 1] = t;
            t = l->y[j], l->y[j] = l->y[j - 1], l->y[j - 1] = t;
            t = l->z[j], l->z[j] = l->z[j - 1], l->z[j - 1] = t;
        }
}

static void lines_free(line_t *l, size_t n)
{
    size_t i;
    for (i = 0; l != NULL && i < n; i++) {
        free(l[i].x);
        free(l[i].y);
        free(l[i].z);
    }
    free(l);
}

/* Group the sweep's rows into lines by the value of group_key (the variant
 * key, else text metric group_metric, else one line), x from x_key (variant
 * value, else metric x_metric), y and z from metrics.  Rows without a finite
 * x or y are left out. */
static sim_err_t group_rows(const rep_report_ctx_t *ctx, const char *group_key,
                            const char *group_metric, const char *x_key,
                            const char *x_metric, const char *y_metric,
                            const char *y_alt, const char *z_metric,
                            names_t *groups, line_t **out, sim_diag_t *diag)
{
    line_t *l = calloc(sizeof groups->v / sizeof groups->v[0], sizeof *l);
    char val[128];
    size_t r, g;

    memset(groups, 0, sizeof *groups);
    *out = NULL;
    if (l == NULL)
        return rep_spec_nomem(diag);
    for (r = 0; r < ctx->n_rows; r++) {
        const rep_sweep_row_t *row = &ctx->rows[r];
        const char *gt = NULL;
        double x = NAN, y, z;
        line_t *li;

        if (rep_variant_value(row->run->variant_key, x_key, val, sizeof val))
            x = strtod(val, NULL);
        if (!isfinite(x) && x_metric != NULL)
            x = rep_row_metric(row, x_metric);
        y = rep_row_metric(row, y_metric);
        if (isnan(y) && y_alt != NULL)
            y = rep_row_metric(row, y_alt);
        z = z_metric != NULL ? rep_row_metric(row, z_metric) : NAN;
        if (!isfinite(x) || !isfinite(y))
            continue;
        if (group_key != NULL &&
            rep_variant_value(row->run->variant_key, group_key, val,
                              sizeof val))
            gt = val;
        else if (group_metric != NULL)
            gt = rep_row_text(row, group_metric);
        g = name_index(groups, gt != NULL ? gt : "all runs");
        if (g == SIZE_MAX)
            continue;
        li = &l[g];
        if ((li->x = realloc(li->x, (li->n + 1) * sizeof *li->x)) == NULL ||
            (li->y = realloc(li->y, (li->n + 1) * sizeof *li->y)) == NULL ||
            (li->z = realloc(li->z, (li->n + 1) * sizeof *li->z)) == NULL) {
            lines_free(l, sizeof groups->v / sizeof groups->v[0]);
            return rep_spec_nomem(diag);
        }
        li->x[li->n] = x;
        li->y[li->n] = y;
        li->z[li->n] = z;
        li->n++;
    }
    for (g = 0; g < groups->n; g++)
        sort_line(&l[g]);
    *out = l;
    return SIM_OK;
}

sim_err_t rep_sweep_scaling(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    names_t groups;
    line_t *l = NULL;
    rep_chart_scaling_line_t sl[16];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    size_t g, k = 0, r;
    bool any_mfu = false;
    sim_err_t err;

    if (strcmp(ctx->run->command, "train") != 0 ||
        !rep_spec_varies(ctx, "cluster.gpus"))
        return SIM_OK;
    err = group_rows(ctx, "cluster.gpu", "gpu", "cluster.gpus", "gpus",
                     "tokens_per_s", NULL, "mfu", &groups, &l, diag);
    if (err != SIM_OK)
        return err;
    for (g = 0; g < groups.n; g++) {
        bool mfu = true;
        for (r = 0; r < l[g].n; r++)
            mfu = mfu && isfinite(l[g].z[r]);
        any_mfu = any_mfu || mfu;
        sl[k++] = (rep_chart_scaling_line_t){groups.v[g], l[g].x, l[g].y,
                                             mfu ? l[g].z : NULL, l[g].n};
    }
    if (k > 0) {
        rep_report_meta(ctx, &meta);
        meta.title = "Scaling: throughput and MFU vs GPUs";
        meta.xlabel = "GPUs";
        meta.ylabel = "throughput (tokens/s)";
        meta.y2label = any_mfu ? "MFU (fraction of peak)" : NULL;
        err = rep_chart_scaling(&meta, sl, k, &s, diag);
        if (err == SIM_OK)
            err = rep_report_add_chart(ctx, "scaling",
                                       "Training throughput (solid) and "
                                       "model FLOPs utilisation (dashed) as "
                                       "the cluster grows, per GPU type",
                                       s, diag);
    }
    lines_free(l, sizeof groups.v / sizeof groups.v[0]);
    return err;
}

sim_err_t rep_sweep_goodput(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    names_t groups;
    line_t *l = NULL;
    rep_chart_xy_t xy[16];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    char names[16][160];
    size_t g;
    sim_err_t err;

    if (!rep_spec_varies(ctx, "faults.rate_scale"))
        return SIM_OK;
    err = group_rows(ctx, "faults.checkpoint_interval", NULL,
                     "faults.rate_scale", NULL, "faults_goodput_mean",
                     "faults.goodput.mean", NULL, &groups, &l, diag);
    if (err != SIM_OK)
        return err;
    for (g = 0; g < groups.n; g++) {
        if (rep_spec_varies(ctx, "faults.checkpoint_interval"))
            snprintf(names[g], sizeof names[g], "checkpoint every %s",
                     groups.v[g]);
        else
            snprintf(names[g], sizeof names[g], "%s", "goodput");
        xy[g] = (rep_chart_xy_t){names[g], l[g].x, l[g].y, l[g].n};
    }
    if (groups.n > 0) {
        rep_report_meta(ctx, &meta);
        meta.title = "Goodput vs failure rate";
        meta.xlabel = "failure rate (x the profile's rates)";
        meta.ylabel = "goodput (useful fraction of GPU time)";
        err = rep_chart_goodput(&meta, xy, groups.n, &s, diag);
        if (err == SIM_OK)
            err = rep_report_add_chart(ctx, "goodput",
                                       "Mean goodput over the Monte-Carlo "
                                       "replications, by failure rate and "
                                       "checkpoint interval",
                                       s, diag);
    }
    lines_free(l, sizeof groups.v / sizeof groups.v[0]);
    return err;
}

sim_err_t rep_sweep_breakdown(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    enum { MAX_BARS = 24 };
    rep_chart_bar_t bars[MAX_BARS];
    char labels[MAX_BARS][128];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    size_t r, k = 0, q, used;
    char val[128];

    for (r = 0; r < ctx->n_rows && k < MAX_BARS; r++) {
        const rep_sweep_row_t *row = &ctx->rows[r];
        if (row->run->replication > 0 ||
            !breakdown_of(row_metric, row, &bars[k]))
            continue;
        /* The label: the varied keys' values, "a=1, b=2" -> "1, 2". */
        labels[k][0] = '\0';
        for (q = 0, used = 0; q < ctx->n_vary; q++)
            if (rep_variant_value(row->run->variant_key, ctx->vary[q], val,
                                  sizeof val) &&
                used < sizeof labels[k])
                used += (size_t)snprintf(labels[k] + used,
                                         sizeof labels[k] - used, "%s%s",
                                         used > 0 ? ", " : "", val);
        bars[k].label = labels[k];
        k++;
    }
    if (k == 0)
        return SIM_OK;
    rep_report_meta(ctx, &meta);
    meta.title = "Where an iteration's time goes, per variant";
    meta.ylabel = "time per iteration (s)";
    sim_err_t err = rep_chart_breakdown(&meta, bars, k, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "time_breakdown",
                                   "Iteration time of each variant: compute, "
                                   "exposed communication, pipeline bubble",
                                   s, diag);
    return err;
}
