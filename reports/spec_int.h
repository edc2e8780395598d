/*
 * spec_int.h — the per-command chart specs of the report (one file per
 * command family: spec_serve.c, spec_train.c, spec_ops.c) and the helpers
 * they share with report_specs.c.  Not for use outside reports/.
 *
 * Every spec reads the run only through the rep_report_* accessors (or, for
 * sweeps, the rows gathered in the context) and adds charts with
 * rep_report_add_chart.  A spec that finds none of the data it draws adds
 * nothing and returns SIM_OK: a run of an older gpusim, or one whose
 * command stored less, still gets a report.
 *
 * What each spec reads (metric and series names, as the commands store
 * them; see the note at the top of each spec file):
 *   collective  series busbw_GBps_by_bytes (t = bytes, v = GB/s)
 *   serve       series ttft_cdf, tpot_cdf (t = seconds, v = fraction);
 *               arrivals, queue, running, replicas_warm,
 *               replicas_provisioning, utilisation (t = end of interval, s)
 *   cluster     series gpu_alloc (fraction), frag_gpus (GPUs); metric mode
 *   train       metrics breakdown_{compute,tp,ep,pp,dp,bubble}_s; series
 *               faults.time_to_train_days (one point per replication)
 *   plan        series plan_candidates (t = the target's metric, v = USD);
 *               metrics metric, cost_usd (the chosen plan); text
 *               metric_name, metric_unit, cost_basis
 *   sweeps      train: cluster.gpus varied -> scaling (tokens_per_s, mfu);
 *               faults.rate_scale / faults.checkpoint_interval varied ->
 *               goodput (faults_goodput_mean); breakdown_* -> bars
 */
#ifndef REPORTS_SPEC_INT_H
#define REPORTS_SPEC_INT_H

#include "reports/report_int.h"

/* ---- helpers (report_specs.c) ---------------------------------------------- */

/* Whether the run has a series called name.  O(series). */
bool rep_spec_has_series(const rep_report_ctx_t *ctx, const char *name);

/* Whether a command spec draws series name of runs of command (so the
 * generic one-chart-per-series spec leaves it out). */
bool rep_spec_series_drawn(const char *command, const char *name);

/* The numeric metric name of a sweep row, or NaN. */
double rep_row_metric(const rep_sweep_row_t *row, const char *name);

/* The text metric name of a sweep row, or NULL. */
const char *rep_row_text(const rep_sweep_row_t *row, const char *name);

/* Whether key is one of the sweep's varied keys. */
bool rep_spec_varies(const rep_report_ctx_t *ctx, const char *key);

/* The time axis of a series in seconds, for people: hours when it spans
 * more than 3 h, minutes above 3 min, else seconds.  *scale multiplies the
 * seconds; *label is the axis label ("time (h)"). */
void rep_spec_time_axis(double span_s, double *scale, const char **label);

/* Out of memory, with diag set. */
sim_err_t rep_spec_nomem(sim_diag_t *diag);

/* ---- command specs ------------------------------------------------------------ */

sim_err_t rep_spec_collective(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_spec_cluster(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_spec_plan(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_spec_serve(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_spec_train(rep_report_ctx_t *ctx, sim_diag_t *diag);

/* ---- sweep charts (besides the heatmap) ------------------------------------- */

sim_err_t rep_sweep_scaling(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_sweep_goodput(rep_report_ctx_t *ctx, sim_diag_t *diag);
sim_err_t rep_sweep_breakdown(rep_report_ctx_t *ctx, sim_diag_t *diag);

#endif /* REPORTS_SPEC_INT_H */
