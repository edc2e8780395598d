/*
 * goodput.h — Monte-Carlo of a training job through failures, checkpoints,
 * restarts, spares and repairs: time to train and goodput (effective
 * training time ratio) with confidence intervals.
 *
 * The job needs work_s seconds of useful work at fault-free speed (tokens /
 * tokens_per_s, or iterations x iteration time: the caller computes it).
 * Each replication runs on its own event engine, event by event:
 *   - failure processes, one per cause of the profile, over the job's
 *     components (population x rate); they run while the job is up (running
 *     or pausing for a checkpoint) and are redrawn at each restart, so a
 *     restart itself is failure-free (exact for exponential failures, whose
 *     clocks are memoryless; a renewal at restart for Weibull);
 *   - checkpoints every tau seconds of useful work (fixed, Young or Daly
 *     with M = the mean time between interrupting failures of this job on
 *     this fabric); synchronous: the job pauses for the write and a failure
 *     during it loses the segment; asynchronous: it pauses for a snapshot,
 *     the write overlaps and counts only once complete;
 *   - an interrupting failure loses the work since the last durable
 *     checkpoint; recovery takes detection + restart + checkpoint reload
 *     (size / storage bandwidth); hardware failures (GPU, host, network
 *     classes) take a hot spare node, and the failed node returns to the
 *     pool after a repair time; with no spare free the job waits for the
 *     next repair; software hangs restart in place; planned maintenance
 *     checkpoints first (no lost work, no detection);
 *   - a degrading failure (fabric.h) slows the job until the element is
 *     repaired: slowdown = caller's slowdown(state), or by default
 *     1 + comm_fraction x (1/bw - 1), bw = the usable bandwidth fraction of
 *     the worst NIC or leaf.  Slowdowns are cached by distinct fabric state
 *     for the whole run, so an expensive callback runs once per state.
 * Replication r draws only from the stream "faults#r" of the master seed
 * (rng.h), so replications are independent, and replication r gives the
 * same numbers whatever the count or order of the others.
 *
 * Assumes: single-threaded per call; the topology (if any) outlives the
 * call and is not changed meanwhile (it is only read).
 */
#ifndef SIM_FAULTS_GOODPUT_H
#define SIM_FAULTS_GOODPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/faults/checkpoint.h"
#include "sim/faults/fabric.h"
#include "sim/faults/fault_model.h"
#include "topologies/topo.h"

/* Slowdown factor (>= 1: iteration time multiplier) of a degraded fabric
 * state; called at most once per distinct state per flt_run. */
typedef double (*flt_slowdown_fn)(void *ctx, const flt_fabric_state_t *st);

typedef enum flt_repair_dist {
    FLT_REPAIR_EXPONENTIAL = 0,
    FLT_REPAIR_FIXED
} flt_repair_dist_t;

typedef struct flt_recovery {
    double detection_s; /* failure to detection (not for planned) */
    double restart_s;   /* re-schedule, re-initialise, NCCL set-up */
    double repair_s;    /* mean time to repair a node or fabric element */
    flt_repair_dist_t repair_dist;
    int32_t hot_spares; /* spare nodes at the start */
} flt_recovery_t;

typedef struct flt_job {
    double work_s;         /* useful work at fault-free speed, > 0 */
    int64_t gpus;          /* > 0 */
    int32_t gpus_per_node; /* > 0 */
    /* Without a topology: NICs per node and ports per NIC set the NIC
     * populations, and every failure interrupts (single-homed). */
    int32_t nics_per_node;
    int32_t nic_ports;
    const topo_t *topo;    /* may be NULL; else the job uses its first nodes */
    double comm_fraction;  /* default slowdown model, [0, 1] */
    flt_slowdown_fn slowdown; /* may be NULL: default model */
    void *slowdown_ctx;
} flt_job_t;

typedef struct flt_config {
    flt_profile_t profile;
    flt_recovery_t recovery;
    flt_ckpt_t ckpt;
    int32_t replications;   /* >= 1 */
    double max_wall_factor; /* give up at this multiple of work_s, > 1 */
} flt_config_t;

/* One replication. */
typedef struct flt_rep {
    bool finished;          /* false: gave up at max_wall_factor */
    double wall_s;          /* time to train */
    double goodput;         /* useful work / wall */
    double lost_work_s;     /* work redone after interruptions */
    double downtime_s;      /* detection, waiting, restart, reload */
    double ckpt_pause_s;    /* job paused for checkpoints */
    double degraded_s;      /* running on a degraded fabric */
    double slowdown_s;      /* work time lost to slowdown */
    double lost_gpu_hours;  /* gpus x (wall - useful) / 3600 */
    int64_t interruptions;  /* unexpected */
    int64_t planned;        /* planned maintenance */
    int64_t degradations;
    int64_t checkpoints;    /* durable checkpoints written */
    int64_t spare_waits;    /* interruptions that found no spare */
} flt_rep_t;

/* Summary of one quantity over replications. */
typedef struct flt_stat {
    double mean, sd, p5, p50, p90, p95;
    double ci95_low, ci95_high; /* t-distribution CI of the mean; NaN if n<2 */
} flt_stat_t;

typedef struct flt_results {
    int64_t first_rep;       /* replication index of reps[0] */
    int32_t n_reps;
    int n_causes;
    flt_rep_t *reps;         /* [n_reps] */
    int64_t *by_cause;       /* [n_reps * n_causes]: interruptions (planned
                                ones under their cause) */
    flt_profile_t profile;   /* the profile run */
    double gpus;
    double work_s;
    double mtbf_s;           /* mean time between interrupting failures */
    double interval_s;       /* checkpoint interval used (inf: none) */
    double pause_s;          /* pause per checkpoint */
    double write_s;          /* write (= reload) time per checkpoint */
    flt_stat_t ttt_days, goodput, interruptions, lost_gpu_hours,
        ckpt_overhead;       /* ckpt_pause_s / wall_s */
    int32_t slowdown_states; /* distinct fabric states evaluated */
} flt_results_t;

/*
 * Run replications first .. first + cfg->replications - 1 (stream index =
 * replication index) under master seed.  On success *out owns the results
 * (free with flt_results_free).  Returns SIM_OK; SIM_ERR_RANGE for a bad
 * job or configuration (diag names the key); SIM_ERR_NOMEM; an engine
 * error.  *out is NULL on failure.  Cost: O(replications x (failures +
 * checkpoints) x log causes), plus O(topology) once.
 */
sim_err_t flt_run_range(const flt_job_t *job, const flt_config_t *cfg,
                        uint64_t seed, int64_t first, flt_results_t **out,
                        sim_diag_t *diag);

/* flt_run_range from replication 0. */
sim_err_t flt_run(const flt_job_t *job, const flt_config_t *cfg,
                  uint64_t seed, flt_results_t **out, sim_diag_t *diag);

/* Free results; NULL is a no-op. */
void flt_results_free(flt_results_t *res);

/*
 * The mean time between interrupting failures (seconds) of job under
 * profile: 1 / sum over unplanned causes of rate x population x P(a failure
 * interrupts).  P is 1 without a topology; with one, the fraction f of
 * components whose lone failure interrupts, plus (1 - f) x the chance that
 * the redundant partner is already down (~ per-element rate x repair_s, a
 * first-order estimate of double failures).  +inf when nothing interrupts.
 * fab may be NULL (no topology).  Cost: O(causes), plus O(population) per
 * network cause with a fabric.
 */
double flt_job_mtbf(const flt_job_t *job, const flt_profile_t *p,
                    double repair_s, flt_fabric_t *fab);

/* Summary statistics of x[0..n) (n >= 1; x is not changed).  Percentiles
 * by GSL's linear interpolation of the sorted data; CI from
 * gsl_cdf_tdist_Pinv(0.975, n - 1).  Returns SIM_OK or SIM_ERR_NOMEM.
 * O(n log n). */
sim_err_t flt_stat_compute(const double *x, size_t n, flt_stat_t *out);

/* Mean interruptions per replication of cause i. */
double flt_results_cause_mean(const flt_results_t *res, int i);

#endif /* SIM_FAULTS_GOODPUT_H */
