/*
 * report.h — a report of one run (or one sweep, or the latest run) read
 * from the results store: out_dir/index.html, a self-contained page (inline
 * CSS, no script, no external fetch; charts as <img> files beside it), the
 * same content as out_dir/summary.md, CSV exports of the tables
 * (metrics.csv, series_<name>.csv, runs.csv for sweeps), the charts
 * (NAME.png, NAME.svg and the script NAME.gp) and report.log, which
 * collects gnuplot's messages.
 *
 * The page holds: the question (text metric `question`, else one derived
 * from the command), the configuration (the run's scenario JSON flattened
 * to key/value rows), the key numbers (every numeric metric, with a unit
 * derived from its name's suffix: _s, _GBps, _usd, _GiB, ...), the charts,
 * validation (pred_X / meas_X metric pairs with their errors, and the text
 * metric `validation_status`, else "not recorded"), assumptions and sources
 * (text metrics assumption_* and source_*), other text metrics, and the
 * provenance (gpusim version, seed, run id, start time).  Every string from
 * the store is escaped for its target (HTML, Markdown, CSV, gnuplot).
 *
 * Charts come from chart specs: functions that look at a run and add
 * charts.  Built in: `topo` runs get a topology chart from metrics
 * switches_tier_* and links_*; every run with pred_X/meas_X metrics, or
 * series validation_pred/validation_meas (paired by index), gets a
 * validation scatter; every other stored series gets a time-series chart.
 * Commands add their own through rep_report_opts_t.specs (the hook).  A
 * sweep report has the variants x metrics table and, when exactly two keys
 * vary, a heatmap of one metric.
 *
 * The varied keys of a sweep are read from its runs' variant keys, parsed
 * as KEY=VALUE items separated by ',', ';', '|' or blanks (the store has no
 * reader for sweeps.vary_json yet).
 *
 * Determinism: the same store contents and options give the same
 * index.html, summary.md and CSV bytes; the caption date is the run's start
 * time (or opts->date), never the clock.  A missing gnuplot is not an
 * error: charts stay scripts, the page says so, and the warning is counted
 * in opts->info.
 *
 * Assumes: the store's schema (sim/store/store.h); POSIX file system.
 */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/charts.h"
#include "sim/core/error.h"
#include "sim/store/store.h"

/* Which runs a report covers. */
typedef enum rep_sel_kind {
    REP_SEL_LATEST = 0, /* the latest run in the store (id ignored) */
    REP_SEL_RUN,        /* run id */
    REP_SEL_SWEEP       /* sweep id */
} rep_sel_kind_t;

typedef struct rep_selection {
    rep_sel_kind_t kind;
    int64_t id;
} rep_selection_t;

/* What a chart spec sees: the run being reported (read-only accessors
 * below) and a way to add charts. */
typedef struct rep_report_ctx rep_report_ctx_t;

/* A chart spec adds zero or more charts for the run in ctx through
 * rep_report_add_chart.  It returns SIM_OK, or an error that stops the
 * report (diag set). */
typedef sim_err_t (*rep_report_chart_fn)(rep_report_ctx_t *ctx,
                                         sim_diag_t *diag);

typedef struct rep_report_spec {
    const char *command; /* runs of this command only; NULL: every run */
    rep_report_chart_fn fn;
} rep_report_spec_t;

/* What a report did, for the caller to print. */
typedef struct rep_report_info {
    int64_t run_id;    /* the run reported (a sweep: its first run) */
    int charts;        /* charts added */
    int rendered;      /* of which gnuplot drew */
    int warnings;      /* charts not drawn (no gnuplot, gnuplot error) */
    char warning[512]; /* the first warning, "" when none */
} rep_report_info_t;

typedef struct rep_report_opts {
    const char *gnuplot;        /* NULL: GNUPLOT_PATH from configure */
    const char *date;           /* caption date; NULL: the run's start */
    const char *heatmap_metric; /* sweep heatmap value; NULL: chosen */
    int formats;                /* REP_GP_PNG | REP_GP_SVG; 0: both */
    const rep_report_spec_t *specs; /* extra chart specs (may be NULL) */
    size_t n_specs;
    rep_report_info_t *info;    /* filled when non-NULL */
} rep_report_opts_t;

/*
 * Write the report of sel from st into out_dir (created if missing, one
 * level; existing files of the same names are replaced).  opts may be NULL
 * (defaults).
 *
 * Returns SIM_OK (also when gnuplot is missing or failed on a chart: see
 * opts->info); SIM_ERR_NOTFOUND (no such run or sweep, or an empty store);
 * SIM_ERR_DB (store); SIM_ERR_IO (out_dir or a file could not be written);
 * SIM_ERR_NOMEM; or what a chart spec returned.  On failure some files may
 * already be written; index.html is written last, so its presence means
 * the report is complete.  Cost: the run's metrics and series read once,
 * one gnuplot process per chart.
 */
sim_err_t rep_report_write(sim_store_t *st, rep_selection_t sel,
                           const char *out_dir, const rep_report_opts_t *opts,
                           sim_diag_t *diag);

/* ---- for chart specs ------------------------------------------------------ */

/* The run being reported; never NULL inside a spec. */
const sim_store_run_t *rep_report_run(const rep_report_ctx_t *ctx);

/* The run's metrics, sorted by name (*n of them). */
const sim_store_metric_t *rep_report_metrics(const rep_report_ctx_t *ctx,
                                             size_t *n);

/* A numeric metric of the run, or NaN when absent or text.  O(log n). */
double rep_report_metric(const rep_report_ctx_t *ctx, const char *name);

/* The run's series names, sorted (*n of them). */
char *const *rep_report_series_names(const rep_report_ctx_t *ctx, size_t *n);

/* Read a series of the run (as sim_store_series_get: new arrays the caller
 * frees with free()). */
sim_err_t rep_report_series(rep_report_ctx_t *ctx, const char *name,
                            double **t, double **v, size_t *n,
                            sim_diag_t *diag);

/* Fill the caption and date every chart of this report carries; other
 * fields are zeroed. */
void rep_report_meta(const rep_report_ctx_t *ctx, rep_chart_meta_t *m);

/*
 * Add a chart: render script (taken over, freed here, also on failure) as
 * name (made a safe, unique file name: the name actually used is what the
 * page links) and list it under caption (any text; escaped on output).
 * gnuplot being missing or failing is a warning, not an error.  Returns
 * SIM_OK, SIM_ERR_IO, SIM_ERR_NOMEM.
 */
sim_err_t rep_report_add_chart(rep_report_ctx_t *ctx, const char *name,
                               const char *caption, rep_gp_script_t *script,
                               sim_diag_t *diag);

#endif /* REPORTS_REPORT_H */
