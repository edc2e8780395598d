/*
 * spec_ops.c — the charts of the operational commands: `gpusim
 * collective --sweep` (bus bandwidth against message size, as nccl-tests
 * plots it), `gpusim cluster` (GPU allocation and fragmentation over the
 * replay) and `gpusim plan` (cost against time to train or p99 latency,
 * with the Pareto frontier and the chosen plan).
 *
 * Reads: collective: series busbw_GBps_by_bytes (t = message bytes, v =
 * GB/s), text metrics op and gpu.  cluster: series gpu_alloc (fraction of
 * GPUs allocated) and frag_gpus (GPUs, the FGD fragmentation measure),
 * t = seconds, or the arrived fraction of requests when text metric mode is
 * "fill".  plan (as cmd_plan.c stores it): series plan_candidates (t =
 * the target's metric, v = cost in USD, one point per simulated
 * candidate); metrics metric and cost_usd (the chosen plan) and text
 * metrics metric_name, metric_unit and cost_basis for the labels.
 */
#include "reports/spec_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- collective ------------------------------------------------------------- */

sim_err_t rep_spec_collective(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const char *op = rep_ctx_text(ctx, "op"), *gpu = rep_ctx_text(ctx, "gpu");
    double *t = NULL, *v = NULL;
    size_t n = 0, i;
    rep_chart_meta_t meta;
    rep_chart_xy_t xy;
    rep_chart_panel_t panel;
    rep_gp_script_t *s = NULL;
    char title[256];
    sim_err_t err;

    if (!rep_spec_has_series(ctx, "busbw_GBps_by_bytes"))
        return SIM_OK;
    err = rep_report_series(ctx, "busbw_GBps_by_bytes", &t, &v, &n, diag);
    if (err != SIM_OK)
        goto done;
    for (i = 0; i < n; i++)
        t[i] /= 1048576.0; /* bytes -> MiB, the unit nccl-tests sizes use */
    snprintf(title, sizeof title, "Bus bandwidth vs message size%s%s%s%s",
             op != NULL ? ": " : "", op != NULL ? op : "",
             gpu != NULL ? " on " : "", gpu != NULL ? gpu : "");
    rep_report_meta(ctx, &meta);
    meta.title = title;
    meta.xlabel = "message size (MiB, log scale)";
    meta.ylabel = "bus bandwidth (GB/s)";
    meta.flags = REP_CHART_LOGX;
    xy = (rep_chart_xy_t){"busbw", t, v, n};
    panel = (rep_chart_panel_t){meta.ylabel, &xy, 1};
    err = rep_chart_timeseries(&meta, &panel, 1, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "busbw_by_size",
                                   "Bus bandwidth (nccl-tests definition) "
                                   "against message size",
                                   s, diag);
done:
    free(t);
    free(v);
    return err;
}

/* ---- cluster ------------------------------------------------------------------ */

sim_err_t rep_spec_cluster(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const char *mode = rep_ctx_text(ctx, "mode");
    bool fill = mode != NULL && strcmp(mode, "fill") == 0;
    double *ta = NULL, *va = NULL, *tf = NULL, *vf = NULL;
    size_t na = 0, nf = 0, i;
    double scale = 1, span = 0;
    const char *xlabel = "arrived GPU requests (% of GPUs)";
    rep_chart_xy_t xy[2];
    rep_chart_panel_t panels[2];
    size_t np = 0;
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    sim_err_t err = SIM_OK;

    if (rep_spec_has_series(ctx, "gpu_alloc"))
        err = rep_report_series(ctx, "gpu_alloc", &ta, &va, &na, diag);
    if (err == SIM_OK && rep_spec_has_series(ctx, "frag_gpus"))
        err = rep_report_series(ctx, "frag_gpus", &tf, &vf, &nf, diag);
    if (err != SIM_OK || na + nf == 0)
        goto done;
    if (na > 0)
        span = ta[na - 1];
    if (nf > 0)
        span = fmax(span, tf[nf - 1]);
    if (fill)
        scale = 100.0;
    else
        rep_spec_time_axis(span, &scale, &xlabel);
    for (i = 0; i < na; i++) {
        ta[i] *= scale;
        va[i] *= 100.0;
    }
    for (i = 0; i < nf; i++)
        tf[i] *= scale;
    if (na > 0) {
        xy[0] = (rep_chart_xy_t){"allocated", ta, va, na};
        panels[np++] = (rep_chart_panel_t){"GPUs allocated (%)", &xy[0], 1};
    }
    if (nf > 0) {
        xy[1] = (rep_chart_xy_t){"fragmented", tf, vf, nf};
        panels[np++] = (rep_chart_panel_t){"fragmented GPUs", &xy[1], 1};
    }
    rep_report_meta(ctx, &meta);
    meta.title = "GPU allocation and fragmentation";
    meta.xlabel = xlabel;
    err = rep_chart_timeseries(&meta, panels, np, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "cluster_allocation",
                                   "Share of the cluster's GPUs allocated to "
                                   "jobs, and GPUs left unusable by "
                                   "fragmentation (FGD measure)",
                                   s, diag);
done:
    free(ta);
    free(va);
    free(tf);
    free(vf);
    return err;
}

/* ---- plan ---------------------------------------------------------------------- */

sim_err_t rep_spec_plan(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    const char *metric = rep_ctx_text(ctx, "metric_name");
    const char *unit = rep_ctx_text(ctx, "metric_unit");
    const char *basis = rep_ctx_text(ctx, "cost_basis");
    double bm = rep_report_metric(ctx, "metric");
    double bc = rep_report_metric(ctx, "cost_usd");
    double *t = NULL, *v = NULL, lo, hi;
    size_t n = 0, i, chosen = SIZE_MAX;
    char title[200], xlabel[200], ylabel[200];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    sim_err_t err;

    if (!rep_spec_has_series(ctx, "plan_candidates"))
        return SIM_OK;
    err = rep_report_series(ctx, "plan_candidates", &t, &v, &n, diag);
    if (err != SIM_OK || n == 0)
        goto done;
    /* The chosen plan is one of the candidates, stored from the same
     * doubles (%.17g round trip), so equality finds it. */
    for (i = 0; i < n && chosen == SIZE_MAX; i++)
        if (t[i] == bm && v[i] == bc)
            chosen = i;
    if (metric == NULL)
        metric = "the target's metric";
    snprintf(title, sizeof title, "Cost vs %s", metric);
    if (unit != NULL && unit[0] != '\0')
        snprintf(xlabel, sizeof xlabel, "%s (%s)", metric, unit);
    else
        snprintf(xlabel, sizeof xlabel, "%s", metric);
    snprintf(ylabel, sizeof ylabel, "cost%s%s (USD)",
             basis != NULL && basis[0] != '\0' ? " " : "",
             basis != NULL ? basis : "");
    rep_report_meta(ctx, &meta);
    meta.title = title;
    meta.xlabel = xlabel;
    meta.ylabel = ylabel;
    /* Costs spanning more than 30x flatten the frontier against the axis
     * on a linear scale. */
    lo = INFINITY;
    hi = 0;
    for (i = 0; i < n; i++)
        if (v[i] > 0 && isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    if (hi > 30 * lo)
        meta.flags = REP_CHART_LOGY;
    err = rep_chart_frontier(&meta, t, v, n, chosen, "chosen plan", &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "plan_frontier",
                                   "Cost against the target's metric for "
                                   "every simulated candidate: the line is "
                                   "the Pareto frontier (no plan is both "
                                   "cheaper and better), the marked point "
                                   "the plan chosen",
                                   s, diag);
done:
    free(t);
    free(v);
    return err;
}
