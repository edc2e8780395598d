/*
 * spec_serve.c — the charts of a `gpusim serve` run: the latency CDFs
 * (TTFT and TPOT) and the service's day (arrival rate, queue and running
 * requests, replicas warm and cold-starting, utilisation) as stacked panels
 * sharing the time axis.
 *
 * Reads (as cmd_serve.c stores them): series ttft_cdf and tpot_cdf with
 * t = latency in seconds and v = cumulative fraction of requests (today
 * the p50, p90 and p99 points the serving model reports); series arrivals
 * (requests per interval), queue, running, replicas_warm,
 * replicas_provisioning and utilisation (fraction), all with t = the end of
 * each interval in seconds, equally spaced.
 */
#include "reports/spec_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- latency CDFs ------------------------------------------------------------ */

static sim_err_t cdf_chart(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    static const struct {
        const char *series, *name;
    } sets[] = {{"ttft_cdf", "time to first token (TTFT)"},
                {"tpot_cdf", "time per output token (TPOT)"}};
    double *t[2] = {NULL, NULL}, *v[2] = {NULL, NULL};
    rep_chart_xy_t lines[2];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    size_t i, n, k = 0;
    sim_err_t err = SIM_OK;

    for (i = 0; i < 2; i++) {
        if (!rep_spec_has_series(ctx, sets[i].series))
            continue;
        err = rep_report_series(ctx, sets[i].series, &t[k], &v[k], &n, diag);
        if (err != SIM_OK)
            goto done;
        lines[k] = (rep_chart_xy_t){sets[i].name, t[k], v[k], n};
        k++;
    }
    if (k == 0)
        goto done;
    rep_report_meta(ctx, &meta);
    meta.title = "Latency distribution";
    meta.xlabel = "latency (s, log scale)";
    meta.ylabel = "fraction of requests at or below";
    /* TTFT (seconds) and TPOT (tens of milliseconds) differ by orders of
     * magnitude: only a log axis shows both. */
    meta.flags = REP_CHART_LOGX;
    /* The goodput kind is the generic "fraction (0..1) vs x, one line per
     * set" chart; the CDF kind needs raw samples, which the serving result
     * does not keep. */
    err = rep_chart_goodput(&meta, lines, k, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "latency_cdf",
                                   "Latency CDFs: the fraction of requests "
                                   "served within a latency (TTFT and TPOT "
                                   "percentiles)",
                                   s, diag);
done:
    for (i = 0; i < 2; i++) {
        free(t[i]);
        free(v[i]);
    }
    return err;
}

/* ---- the day ----------------------------------------------------------------- */

enum { S_ARR, S_QUEUE, S_RUN, S_WARM, S_PROV, S_UTIL, S_N };

static sim_err_t day_chart(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    static const char *const names[S_N] = {
        "arrivals",      "queue",
        "running",       "replicas_warm",
        "replicas_provisioning", "utilisation"};
    double *t[S_N] = {NULL}, *v[S_N] = {NULL};
    size_t n[S_N] = {0};
    rep_chart_xy_t xy[S_N];
    rep_chart_panel_t panels[4];
    rep_chart_meta_t meta;
    rep_gp_script_t *s = NULL;
    size_t i, j, np = 0, nx = 0, first;
    double interval, scale, span = 0;
    const char *xlabel;
    bool any = false;
    sim_err_t err = SIM_OK;

    for (i = 0; i < S_N; i++) {
        if (!rep_spec_has_series(ctx, names[i]))
            continue;
        err = rep_report_series(ctx, names[i], &t[i], &v[i], &n[i], diag);
        if (err != SIM_OK)
            goto done;
        any = any || n[i] > 0;
        if (n[i] > 0)
            span = fmax(span, t[i][n[i] - 1]);
    }
    if (!any)
        goto done;
    rep_spec_time_axis(span, &scale, &xlabel);
    for (i = 0; i < S_N; i++) {
        /* Arrivals per interval become a rate; utilisation a percentage. */
        interval = n[i] > 1 ? t[i][1] - t[i][0] : (n[i] == 1 ? t[i][0] : 1);
        for (j = 0; j < n[i]; j++) {
            if (i == S_ARR && interval > 0)
                v[i][j] /= interval;
            else if (i == S_UTIL)
                v[i][j] *= 100.0;
            t[i][j] *= scale;
        }
    }
#define LINE(idx, label)                                                     \
    do {                                                                     \
        if (n[idx] > 0)                                                      \
            xy[nx++] = (rep_chart_xy_t){label, t[idx], v[idx], n[idx]};      \
    } while (0)
#define PANEL(ylabel)                                                        \
    do {                                                                     \
        if (nx > first)                                                      \
            panels[np++] = (rep_chart_panel_t){ylabel, &xy[first],          \
                                               nx - first};                  \
        first = nx;                                                          \
    } while (0)
    first = 0;
    LINE(S_ARR, "arrivals");
    PANEL("arrivals (requests/s)");
    LINE(S_QUEUE, "waiting");
    LINE(S_RUN, "running");
    PANEL("requests");
    LINE(S_WARM, "serving");
    LINE(S_PROV, "cold-starting");
    PANEL("replicas");
    LINE(S_UTIL, "utilisation");
    PANEL("GPU utilisation (%)");
#undef LINE
#undef PANEL
    rep_report_meta(ctx, &meta);
    meta.title = "The service over time";
    meta.xlabel = xlabel;
    err = rep_chart_timeseries(&meta, panels, np, &s, diag);
    if (err == SIM_OK)
        err = rep_report_add_chart(ctx, "service_over_time",
                                   "Arrival rate, requests waiting and "
                                   "running, replicas serving and "
                                   "cold-starting, and GPU utilisation, per "
                                   "interval",
                                   s, diag);
done:
    for (i = 0; i < S_N; i++) {
        free(t[i]);
        free(v[i]);
    }
    return err;
}

sim_err_t rep_spec_serve(rep_report_ctx_t *ctx, sim_diag_t *diag)
{
    sim_err_t err = cdf_chart(ctx, diag);
    if (err == SIM_OK)
        err = day_chart(ctx, diag);
    return err;
}
