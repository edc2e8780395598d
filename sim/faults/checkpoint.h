/*
 * checkpoint.h — checkpoint cost and interval: Young's and Daly's optimum
 * intervals, write time from size and storage bandwidth, synchronous or
 * asynchronous checkpoints, and the closed-form expected wall time of a job
 * under exponential failures (the reference the Monte-Carlo is tested
 * against).
 *
 * Sources:
 *   Young, "A first order approximation to the optimum checkpoint
 *     interval", CACM 17(9), 1974: tau = sqrt(2 delta M).
 *   Daly, "A higher order estimate of the optimum checkpoint interval for
 *     restart dumps", FGCS 22(3), 2006, doi:10.1016/j.future.2004.11.016:
 *     tau = sqrt(2 delta M) [1 + (1/3) sqrt(delta / 2M) + (1/9) (delta / 2M)]
 *     - delta for delta < 2M, else M.  (catalog-facts §3.4 [S64].)
 * delta = time to write one checkpoint (the job's pause), M = mean time
 * between interrupting failures.  All times in seconds.
 *
 * Assumes: inputs validated by the caller (positive, finite) except where a
 * contract says otherwise.
 */
#ifndef SIM_FAULTS_CHECKPOINT_H
#define SIM_FAULTS_CHECKPOINT_H

#include "sim/core/error.h"

typedef enum flt_ckpt_mode {
    FLT_CKPT_SYNC = 0, /* the job pauses for the whole write */
    FLT_CKPT_ASYNC     /* the job pauses for a snapshot; the write overlaps */
} flt_ckpt_mode_t;

typedef enum flt_ckpt_policy {
    FLT_CKPT_FIXED = 0, /* interval_s as given */
    FLT_CKPT_YOUNG,
    FLT_CKPT_DALY
} flt_ckpt_policy_t;

typedef struct flt_ckpt {
    flt_ckpt_mode_t mode;
    flt_ckpt_policy_t policy;
    double interval_s;  /* useful work between checkpoints (FIXED) */
    double size_bytes;  /* whole-job checkpoint; > 0 */
    double storage_bw;  /* bytes/s, write and read; > 0 */
    double snapshot_s;  /* ASYNC pause (copy to host memory); >= 0 */
} flt_ckpt_t;

/* Young's interval sqrt(2 delta M).  delta, M >= 0.  O(1). */
double flt_ckpt_young(double delta_s, double mtbf_s);

/* Daly's higher-order interval (formula above); M when delta >= 2M.
 * delta >= 0, M > 0.  O(1). */
double flt_ckpt_daly(double delta_s, double mtbf_s);

/* Write (and reload) time of a checkpoint: size / bandwidth.  O(1). */
double flt_ckpt_write_time(double size_bytes, double bw);

/* The job's pause per checkpoint: the write time (SYNC) or snapshot_s
 * (ASYNC).  O(1). */
double flt_ckpt_pause(const flt_ckpt_t *c);

/*
 * The interval to use: interval_s (FIXED) or Young/Daly with delta = the
 * pause and M = mtbf_s.  An asynchronous write must finish before the next
 * begins, so the result is never below the write time in ASYNC mode; it is
 * never below 1 ms either.  mtbf_s = +inf (no failures) gives +inf (no
 * checkpoints).  Returns SIM_OK; SIM_ERR_RANGE (diag names the key) for a
 * non-positive size, bandwidth or fixed interval.
 */
sim_err_t flt_ckpt_interval(const flt_ckpt_t *c, double mtbf_s,
                            double *interval_s, sim_diag_t *diag);

/*
 * Expected wall time to get one segment of s seconds of failure-free time
 * through, with exponential failures of rate lambda (> 0) and a
 * failure-free restart costing R after each failure:
 *   E = (1/lambda + R) (e^{lambda s} - 1).
 * Derivation: an attempt ends at min(X, s), X ~ Exp(lambda).  With
 * p = P(X >= s) = e^{-lambda s}, E[min(X, s)] = (1 - p) / lambda, and a
 * failed attempt costs a restart and a new try:
 *   E = (1 - p)/lambda + (1 - p)(R + E)  =>  E = (1 - p)(1/lambda + R) / p.
 * lambda = 0 gives s.  O(1).
 */
double flt_ckpt_expected_segment(double s, double restart_s, double lambda);

/*
 * Expected wall time of a job of work_s seconds of useful work checkpointed
 * every tau seconds of work with a synchronous pause delta: ceil(W/tau)
 * segments, every one but the last of tau + delta (a failure during the
 * write loses the segment), the last of the remainder without a checkpoint
 * (the job ends there).  Segments are independent because failures are
 * memoryless and the restart rolls back to the last checkpoint.  O(1).
 */
double flt_ckpt_expected_wall(double work_s, double tau, double delta_s,
                              double restart_s, double lambda);

#endif /* SIM_FAULTS_CHECKPOINT_H */
