/*
 * priors.h — published cluster summaries turned into inputs of the cluster
 * scheduler: a job mix fitted to one row of the Acme cluster summary
 * (Hu et al., NSDI'24: Seren, Kalos, and the Philly and Helios traces it
 * compares with), and the node inventory of Alibaba's 2026 spot-GPU
 * cluster (Duan et al., GFS, ASPLOS'26).  Both tables are compiled in
 * (workloads/traces/acme_cluster_summary.csv, spot2026_pools.csv; sources
 * in workloads/traces/SOURCE.md).
 *
 * Fitting rules (the summary gives only a mean, a median and a maximum):
 *  - Job size: GPUs on the grid 1, 2, 4, ..., 2^K <= max_gpu.  The
 *    distribution is the maximum-entropy one on the grid with the row's
 *    mean: p(s) ~ exp(-lambda s).  When its median is not the grid point
 *    nearest the row's median m (log2 distance), the median constraint is
 *    added: half the mass on {s <= m}, half on {s > m}, each half ~
 *    exp(-lambda s) with one lambda, solved so the mean is the row's (the
 *    maximum-entropy distribution under both constraints).  A row whose
 *    median lies above the unconstrained one's is refused (no row does).
 *  - Run time: lognormal with median = the row's median (mu = ln med),
 *    clamped at the row's max run time; sigma solved so the clamped mean
 *    is the row's mean (without the clamp sigma = sqrt(2 ln(mean/med))).
 *  - Outcome: failed with the row's fail_rate_gpu, cancelled with its
 *    cancel_rate_gpu, else complete, independent of size and run time.  A
 *    failed or cancelled job ends early, after U x its drawn run time, U
 *    uniform on (0, 1).  So the generated mean run time is about
 *    (1 - (p_fail + p_cancel) / 2) x the row's mean: the row's statistics
 *    are taken for the run a job would have had.
 * Assumes: GPU jobs only (the rows' CPU jobs are left out); whole GPUs (the
 * PAI row, median 0.5 GPU and no outcome rates, is not offered); sizes,
 * run times and outcomes independent (the rows' GPU-time shares by outcome
 * are therefore not reproduced).
 */
#ifndef SIM_CLUSTER_PRIORS_H
#define SIM_CLUSTER_PRIORS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "workloads/trace_jobs.h"

/* Largest job-size grid: 2^0 .. 2^(SIM_CLUSTER_PRIOR_SIZES-1) GPUs. */
#define SIM_CLUSTER_PRIOR_SIZES 16

/* Values of trace.synthetic_prior in enum order, NULL-terminated; index 0
 * is "none" (the plain synthetic generator). */
extern const char *const sim_cluster_prior_names[];

/* One row of the Acme cluster summary (GPU jobs), seconds and GPUs. */
typedef struct sim_cluster_prior {
    char name[32];                 /* our name: acme-seren, philly, ... */
    double gpu_jobs;
    double run_mean_s, run_med_s, run_max_s;
    double queue_mean_s, queue_med_s; /* as measured there, for comparison */
    double gpus_mean, gpus_med;
    int32_t gpus_max;
    double p_complete, p_cancel, p_fail;
} sim_cluster_prior_t;

/* The fitted distributions of a prior. */
typedef struct sim_cluster_prior_fit {
    int32_t nsizes;                       /* grid points */
    int32_t size[SIM_CLUSTER_PRIOR_SIZES]; /* 1, 2, 4, ... GPUs */
    double p[SIM_CLUSTER_PRIOR_SIZES];    /* their probabilities (sum 1) */
    double lambda;                        /* exp(-lambda s) */
    int median_split;                     /* 1: the median constraint binds */
    double run_mu, run_sigma, run_cap_s;  /* lognormal, clamped at cap */
} sim_cluster_prior_fit_t;

/*
 * Read the row called name (one of sim_cluster_prior_names past "none")
 * from the embedded Acme summary into *out.  Returns SIM_OK;
 * SIM_ERR_NOTFOUND (unknown name or table not built in; diag names
 * trace.synthetic_prior); SIM_ERR_INPUT for a malformed table row.
 * Cost: O(table size).
 */
sim_err_t sim_cluster_prior_find(const char *name, sim_cluster_prior_t *out,
                                 sim_diag_t *diag);

/*
 * Fit the job-size and run-time distributions of pr (rules at the top).
 * Returns SIM_OK or SIM_ERR_RANGE when the row's figures admit no fit
 * (mean outside what the grid can give, mean run time not above the
 * median, median above the maximum-entropy one).  Cost: O(grid x 200).
 */
sim_err_t sim_cluster_prior_fit(const sim_cluster_prior_t *pr,
                                sim_cluster_prior_fit_t *fit, sim_diag_t *diag);

/*
 * A new trace of jobs jobs drawn from pr's fit with the seeded stream
 * "trace.prior" of seed: Poisson arrivals with mean gap
 * mean_interarrival_s, sizes, run times and outcomes as fitted, whole GPUs
 * (gpu_milli 1000), no CPU/memory request, priority 0, any GPU model.  The
 * trace has no node list.  *out is the caller's (wl_jobtrace_free).
 * Returns SIM_OK; SIM_ERR_RANGE (jobs 0 or above 100,000,000, gap not
 * positive, no fit); SIM_ERR_NOMEM.  Cost: O(jobs).
 */
sim_err_t sim_cluster_prior_jobs(const sim_cluster_prior_t *pr, size_t jobs,
                                 double mean_interarrival_s, uint64_t seed,
                                 wl_jobtrace_t **out, sim_diag_t *diag);

/* A pool of identical nodes of the spot inventory. */
typedef struct sim_cluster_pool {
    char model[32];
    int32_t gpus;       /* per node */
    int64_t cpu_milli;  /* per node */
    int64_t nodes;
} sim_cluster_pool_t;

/*
 * The pools of the embedded Alibaba 2026 spot-GPU inventory (4,278 nodes,
 * 10,412 GPUs, 10 pools by GPU model, GPUs and CPU per node), in the
 * order of first appearance in the published node list, to pools[0..*n)
 * (room for cap).  Returns SIM_OK; SIM_ERR_NOTFOUND (not built in);
 * SIM_ERR_INPUT (malformed); SIM_ERR_RANGE (more than cap pools).
 */
sim_err_t sim_cluster_spot_pools(sim_cluster_pool_t *pools, size_t cap, size_t *n,
                                 sim_diag_t *diag);

/*
 * Replace t's node list with the spot inventory: every pool's nodes in
 * pool order, model names registered in t->models, memory unlimited (the
 * inventory has none).  target_gpus 0 keeps the inventory as published;
 * otherwise each pool's node count is scaled by target_gpus / 10,412
 * (largest-remainder rounding of the node counts, ties to the earlier
 * pool), so the GPUs come to about target_gpus and the pools keep their
 * share; at least one node in all.  Returns SIM_OK; the errors of
 * sim_cluster_spot_pools; SIM_ERR_RANGE (target_gpus < 0, or t's model
 * table full); SIM_ERR_NOMEM.  On error t is unchanged.  Cost: O(nodes).
 */
sim_err_t sim_cluster_spot_nodes(wl_jobtrace_t *t, int64_t target_gpus, sim_diag_t *diag);

#endif /* SIM_CLUSTER_PRIORS_H */
