/*
 * charts.h — the chart kinds of gpusim's reports.  Each function takes
 * plain C data (arrays with names, axis labels with units, a caption) and
 * builds a gnuplot script (gnuplot.h); nothing here reads the store or
 * draws.  Render a script with rep_gp_render, or print it with
 * rep_gp_script_text.
 *
 * Common rules:
 *   - every string (titles, labels, legend keys, category names) reaches the
 *     script through rep_gp_quote, so any name is safe;
 *   - numbers travel in datablocks (numbers only) or through rep_gp_num, in
 *     the C locale with 17 significant digits;
 *   - the caption line is "caption | date" at the bottom left; the date is
 *     passed in by the caller, never read from the clock, so the same data
 *     gives the same script;
 *   - a chart with no plottable point becomes a "no data" chart rather than
 *     a gnuplot error;
 *   - NaN values are written as NaN and treated by gnuplot as missing.
 * Input errors (NULL array with n > 0, a chosen index out of range, a
 * heatmap without keys) give SIM_ERR_INPUT; out of memory SIM_ERR_NOMEM.
 * On success *out owns a new script (rep_gp_script_free); on failure *out
 * is NULL.  Cost: linear in the data (the CDF sorts: n log n).
 *
 * Assumes: gnuplot >= 5.0 renders the scripts (see gnuplot.h).
 */
#ifndef REPORTS_CHARTS_H
#define REPORTS_CHARTS_H

#include <stddef.h>

#include "reports/gnuplot.h"
#include "sim/core/error.h"

/* Axis flags for rep_chart_meta_t.flags. */
enum { REP_CHART_LOGX = 1, REP_CHART_LOGY = 2 };

/* What every chart is told.  Any string may be NULL (left out). */
typedef struct rep_chart_meta {
    const char *title;
    const char *xlabel;  /* with its unit, e.g. "GPUs" or "time (h)" */
    const char *ylabel;  /* with its unit, e.g. "throughput (tokens/s)" */
    const char *y2label; /* the second y axis, where a chart has one */
    const char *caption; /* scenario name */
    const char *date;    /* passed in, e.g. the run's start time */
    unsigned flags;      /* REP_CHART_LOGX | REP_CHART_LOGY */
} rep_chart_meta_t;

/* A named sequence of points. */
typedef struct rep_chart_xy {
    const char *name;
    const double *x;
    const double *y;
    size_t n;
} rep_chart_xy_t;

/* Scaling: one line per GPU type.  Throughput on y1 (solid), MFU on y2
 * (dashed, same colour).  mfu may be NULL (no MFU line). */
typedef struct rep_chart_scaling_line {
    const char *gpu;
    const double *gpus;
    const double *throughput;
    const double *mfu; /* fraction 0..1 */
    size_t n;
} rep_chart_scaling_line_t;

/* Time breakdown: one stacked bar per configuration, in seconds. */
typedef struct rep_chart_bar {
    const char *label;
    double compute_s;
    double exposed_comm_s;
    double bubble_s;
} rep_chart_bar_t;

/* Sample sets for a CDF. */
typedef struct rep_chart_samples {
    const char *name;
    const double *v;
    size_t n;
} rep_chart_samples_t;

/* A panel of a time-series chart: its y label and its lines. */
typedef struct rep_chart_panel {
    const char *ylabel;
    const rep_chart_xy_t *series;
    size_t n;
} rep_chart_panel_t;

/* Scaling: throughput and MFU vs GPUs.  The x axis is log2 when the GPU
 * counts span a factor of 16 or more. */
sim_err_t rep_chart_scaling(const rep_chart_meta_t *m,
                            const rep_chart_scaling_line_t *lines, size_t n,
                            rep_gp_script_t **out, sim_diag_t *diag);

/* Time breakdown: stacked bars compute / exposed communication / bubble. */
sim_err_t rep_chart_breakdown(const rep_chart_meta_t *m,
                              const rep_chart_bar_t *bars, size_t n,
                              rep_gp_script_t **out, sim_diag_t *diag);

/*
 * Frontier: candidates (x[i], y[i]) as points (e.g. x = time to train or
 * p99 latency, y = cost), their Pareto frontier (both minimised) as a line,
 * and candidate chosen (SIZE_MAX: none) marked and labelled chosen_label.
 */
sim_err_t rep_chart_frontier(const rep_chart_meta_t *m, const double *x,
                             const double *y, size_t n, size_t chosen,
                             const char *chosen_label, rep_gp_script_t **out,
                             sim_diag_t *diag);

/* Empirical CDFs of several sample sets (e.g. TTFT and TPOT), drawn as
 * steps; NaN samples are left out. */
sim_err_t rep_chart_cdf(const rep_chart_meta_t *m,
                        const rep_chart_samples_t *sets, size_t n,
                        rep_gp_script_t **out, sim_diag_t *diag);

/* Time series: panels stacked vertically sharing the x axis (time), each
 * with its own y label (arrivals, queue, replicas, utilisation, ...). */
sim_err_t rep_chart_timeseries(const rep_chart_meta_t *m,
                               const rep_chart_panel_t *panels, size_t n,
                               rep_gp_script_t **out, sim_diag_t *diag);

/* Goodput (fraction, 0..1) vs failure rate, one line per checkpoint
 * interval (the line's name, e.g. "30 min"). */
sim_err_t rep_chart_goodput(const rep_chart_meta_t *m,
                            const rep_chart_xy_t *lines, size_t n,
                            rep_gp_script_t **out, sim_diag_t *diag);

/*
 * Heatmap: value v[j * nx + i] for x key i (xkeys[i]) and y key j
 * (ykeys[j]), cells coloured on a viridis palette and labelled with their
 * value (4 significant digits); NaN cells are left empty.  value_label
 * names the colour bar.
 */
sim_err_t rep_chart_heatmap(const rep_chart_meta_t *m,
                            const char *const *xkeys, size_t nx,
                            const char *const *ykeys, size_t ny,
                            const double *v, const char *value_label,
                            rep_gp_script_t **out, sim_diag_t *diag);

/*
 * Validation scatter: per group, x = measured, y = predicted, log-log, with
 * the y = x line and +/-10% and +/-25% bands.  Points that are not
 * positive cannot sit on log axes and are left out.
 */
sim_err_t rep_chart_validation(const rep_chart_meta_t *m,
                               const rep_chart_xy_t *groups, size_t n,
                               rep_gp_script_t **out, sim_diag_t *diag);

/* Topology summary: one bar per category (e.g. "leaf switches",
 * "spine-leaf links"), each labelled with its value; the y axis is
 * logarithmic when the values span more than a factor of 1000. */
sim_err_t rep_chart_topology(const rep_chart_meta_t *m,
                             const char *const *labels, const double *values,
                             size_t n, rep_gp_script_t **out,
                             sim_diag_t *diag);

#endif /* REPORTS_CHARTS_H */
