/*
 * chart_demo.h — every chart kind drawn from fixed, plausible sample data,
 * for the golden-script tests and the gnuplot render test (and for anyone
 * checking the common style).  The numbers are made up (shaped like the real
 * thing) and are not results.
 *
 * With a canary path, every name and label is replaced by a hostile string
 * (backquotes, system(), quotes, a newline followed by a command, "EOD",
 * enhanced-text markup, non-ASCII text) that would create the canary file
 * if any of them reached gnuplot unescaped.
 */
#ifndef REPORTS_CHART_DEMO_H
#define REPORTS_CHART_DEMO_H

#include "reports/gnuplot.h"
#include "sim/core/error.h"

/* The chart kinds, NULL-terminated: scaling, breakdown, frontier, cdf,
 * timeseries, goodput, heatmap, validation, topology. */
extern const char *const rep_chart_demo_kinds[];

/*
 * Build the demo chart of kind into *out (a new script for
 * rep_gp_script_free).  canary: NULL for ordinary names, else the path the
 * hostile names try to create.  Returns SIM_OK, SIM_ERR_NOTFOUND (unknown
 * kind), SIM_ERR_NOMEM.  Deterministic.
 */
sim_err_t rep_chart_demo(const char *kind, const char *canary,
                         rep_gp_script_t **out, sim_diag_t *diag);

/* The hostile strings for canary (n of them in *count), built into buf of
 * size bufsize (at least 2048) as NUL-separated strings; out[i] point into
 * buf.  At most 16 strings.  For tests that want to check names directly. */
void rep_chart_demo_hostile(const char *canary, char *buf, size_t bufsize,
                            const char *out[16], size_t *count);

#endif /* REPORTS_CHART_DEMO_H */
