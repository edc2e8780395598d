/*
 * goodput_report.h — fault Monte-Carlo results out: JSON fields for
 * `gpusim train --json`, per-replication rows in the results store, and the
 * table of simulated vs published interruptions per cause.
 *
 * Library code: nothing here prints on its own; the table goes to a stream
 * the caller gives.
 */
#ifndef SIM_FAULTS_GOODPUT_REPORT_H
#define SIM_FAULTS_GOODPUT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/core/error.h"
#include "sim/faults/goodput.h"
#include "sim/store/store.h"

/* One row of the per-cause table. */
typedef struct flt_cause_row {
    const char *name;   /* points into the results' profile */
    const char *label;
    const char *cls;    /* class name */
    double published;   /* count in the reference study, NaN if none */
    double simulated;   /* mean per replication */
    double share;       /* simulated / sum of simulated unexpected (0..1) */
} flt_cause_row_t;

/*
 * Fill rows[0 .. res->n_causes) (caller storage of at least that many).
 * Returns the number of rows.  O(causes x replications).
 */
int flt_cause_table(const flt_results_t *res, flt_cause_row_t *rows);

/*
 * Write the per-cause table (Markdown: cause, class, published, simulated
 * mean, ratio), with totals of unexpected and planned, to out.  Numbers in
 * the C locale.  Returns SIM_OK or SIM_ERR_IO.  O(causes x replications).
 */
sim_err_t flt_cause_table_write(const flt_results_t *res, FILE *out);

/*
 * Add to the JSON object obj:
 *   time_to_train_days {mean, p5, p50, p90, p95, ci95_low, ci95_high},
 *   goodput {same}, interruptions {total: {same}, <cause>: mean, ...},
 *   planned_interruptions (mean), lost_gpu_hours {same},
 *   checkpoint_overhead {same}, checkpoint_interval_s, mtbf_s,
 *   replications, slowdown_states.
 * Non-finite numbers become null.  Returns SIM_OK, SIM_ERR_NOMEM.
 */
sim_err_t flt_results_json(const flt_results_t *res, json_t *obj);

/*
 * Store the results under run_id: aggregate metrics
 * ("faults.time_to_train_days.mean", ".p50", ..., "faults.goodput.mean",
 * "faults.checkpoint_interval_s", "faults.mtbf_s") and one point per
 * replication (t = replication index) in the series
 * "faults.time_to_train_days", "faults.goodput", "faults.interruptions",
 * "faults.lost_gpu_hours", "faults.checkpoint_overhead" and
 * "faults.interruptions.<cause>".  One run, series keyed by replication:
 * a replication is not a run of its own (it shares scenario and seed).
 * All in one transaction (the caller's when open).  Returns SIM_OK,
 * SIM_ERR_DB, SIM_ERR_NOMEM.  O(replications x causes).
 */
sim_err_t flt_results_store(const flt_results_t *res, sim_store_t *st,
                            int64_t run_id, sim_diag_t *diag);

#endif /* SIM_FAULTS_GOODPUT_REPORT_H */
