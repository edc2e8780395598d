/*
 * cluster.h — shared-cluster scheduling: jobs from a trace placed on a
 * cluster of GPU nodes by a queueing policy and a placement policy.
 *
 * Two experiments (sim_cluster_mode_t):
 *  - replay: jobs arrive at their trace times (scaled), wait in a queue
 *    ordered by the policy (fifo, sjf, priority with preemption, EASY
 *    backfill), run for their trace duration and leave; nodes may fail
 *    (exponential, per node) and their jobs restart or fail.  Reports
 *    queueing delay, JCT, allocation, utilisation and fragmentation.
 *  - fill: the FGD paper's setting (Weng et al., ATC'23, §6.1): tasks are
 *    drawn from the trace at random (with replacement) and submitted one at
 *    a time, none ever leaves, a task that fits nowhere fails at once; the
 *    run stops when the GPU requests that arrived reach fill_target times
 *    the cluster's GPUs.  Reports the fraction of GPU requests that could
 *    not be allocated ("unallocated GPUs") and fragmentation at 100 %.
 *
 * Fragmentation is the FGD paper's (§4): for node n and task class m,
 * F_n(m) = all of n's free GPU capacity if m cannot run on n (not enough
 * GPUs, CPU or memory, or the wrong GPU model), else the free capacity of
 * those GPUs whose free share is below m's per-GPU request (min(request,
 * 1 GPU)); F_n(M) = sum_m p_m F_n(m) over the trace's task classes with
 * their popularity p_m; the cluster's is the sum over nodes.  Task classes
 * are the distinct GPU requests (num_gpu, gpu_milli) of the trace; the CPU
 * and memory of a class are its members' mean.  CPU-only classes add no
 * GPU fragmentation.
 *
 * Jobs carry a trace outcome (wl_jobtrace_outcome_t): one that fails or
 * is cancelled by itself ends at its (already shortened) duration and is
 * counted apart from the completed ones (job_failed, job_cancelled).
 * Job-mix and node-inventory priors for synthetic runs: priors.h.
 *
 * The library never prints; sim_cluster_run is what `gpusim cluster`,
 * sweeps and the planner call.  Same config and seed, same result.
 */
#ifndef SIM_CLUSTER_CLUSTER_H
#define SIM_CLUSTER_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "workloads/trace_jobs.h"

typedef enum sim_cluster_policy {
    SIM_CLUSTER_FIFO,     /* arrival order; the head blocks the queue */
    SIM_CLUSTER_SJF,      /* shortest (known) duration first; head blocks */
    SIM_CLUSTER_PRIORITY, /* highest priority first; preempts lower ones */
    SIM_CLUSTER_BACKFILL, /* FIFO + EASY backfilling */
} sim_cluster_policy_t;

typedef enum sim_cluster_placement {
    SIM_CLUSTER_BEST_FIT,  /* least free capacity left on the node */
    SIM_CLUSTER_WORST_FIT, /* most free capacity left */
    SIM_CLUSTER_TOPO_PACK, /* gangs inside one segment; else best-fit */
    SIM_CLUSTER_FGD,       /* least growth of expected fragmentation */
} sim_cluster_placement_t;

typedef enum sim_cluster_mode {
    SIM_CLUSTER_REPLAY,
    SIM_CLUSTER_FILL,
} sim_cluster_mode_t;

/* Names in enum order, NULL-terminated (the scenario's enum values). */
extern const char *const sim_cluster_policy_names[];
extern const char *const sim_cluster_placement_names[];
extern const char *const sim_cluster_mode_names[];

typedef struct sim_cluster_config {
    const wl_jobtrace_t *trace;   /* borrowed; jobs, and nodes when use_trace_nodes */
    bool use_trace_nodes;      /* the trace's node list, else a homogeneous one */
    int64_t nodes;             /* homogeneous: node count */
    int32_t gpus_per_node;     /* homogeneous: GPUs per node (1..64) */
    int64_t node_cpu_milli;    /* homogeneous: CPU per node; 0 = unlimited */
    int64_t node_mem_mib;      /* homogeneous: memory per node; 0 = unlimited */
    int32_t segment_nodes;     /* nodes per NVLink/ToR segment (>= 1) */
    sim_cluster_policy_t policy;
    sim_cluster_placement_t placement;
    sim_cluster_mode_t mode;
    double time_scale;         /* replay: trace durations multiplied by this */
    double rate_scale;         /* replay: arrival rate multiplied by this */
    int64_t max_jobs;          /* replay: first max_jobs jobs; 0 = all */
    double fill_target;        /* fill: stop at arrived GPU requests / GPUs */
    double node_mtbf_s;        /* replay: mean time between node failures; 0 = none */
    double repair_s;           /* replay: time a failed node stays down */
    bool fail_requeue;         /* jobs on a failed node restart (else fail) */
    int32_t backfill_depth;    /* queued jobs looked at past the head */
    int32_t series_points;     /* about this many samples per series (>= 2) */
    int64_t check_every;       /* run the invariant checker every N events; 0 = never */
    uint64_t seed;
} sim_cluster_config_t;

/* Job size classes for the per-class queueing delay. */
enum {
    SIM_CLUSTER_CLASS_SHARE, /* a share of one GPU (or CPU only) */
    SIM_CLUSTER_CLASS_ONE,   /* one whole GPU */
    SIM_CLUSTER_CLASS_NODE,  /* 2 GPUs up to one node */
    SIM_CLUSTER_CLASS_GANG,  /* more than one node */
    SIM_CLUSTER_NCLASSES
};
extern const char *const sim_cluster_class_names[];

typedef struct sim_cluster_result {
    int64_t nodes, gpus;               /* the cluster built */
    int64_t jobs;                      /* jobs submitted */
    int64_t completed, failed;         /* failed: by node failure (fail mode) */
    /* replay: jobs whose trace outcome (wl_jobtrace_outcome_t) is failed or
     * cancelled; they ran to their (cut-short) duration, count in JCT and
     * allocation but not in completed or util.  Jobs = completed + failed +
     * job_failed + job_cancelled + unschedulable. */
    int64_t job_failed, job_cancelled;
    int64_t unschedulable;             /* can never fit (or, fill: did not fit) */
    int64_t preemptions, restarts, node_failures;
    int64_t gangs, gangs_cross_segment;
    int64_t events, invariant_checks;
    /* replay: seconds */
    double queue_mean_s, queue_p50_s, queue_p99_s;
    double queue_mean_class_s[SIM_CLUSTER_NCLASSES];
    int64_t jobs_class[SIM_CLUSTER_NCLASSES];
    double jct_mean_s, jct_p50_s, jct_p99_s; /* jobs that ran to their end, any outcome */
    double makespan_s;
    double alloc_mean;      /* time-averaged allocated GPUs / GPUs */
    double util;            /* useful GPU-time of completed jobs / (GPUs x makespan) */
    double frag_mean_gpus;  /* sampled mean of F_N(M), GPUs */
    double frag_rate_mean;  /* sampled mean of F_N(M) / free GPUs */
    /* fill: at arrived GPU requests = 100 % of GPUs */
    double fill_unalloc_pct;   /* 100 (arrived - allocated) / arrived requests */
    double fill_alloc_rate;    /* allocated GPUs / GPUs */
    double fill_frag_gpus;     /* F_N(M) then, GPUs */
    double fill_frag_rate;     /* F_N(M) / free GPUs then */
    /* series (owned): t = seconds (replay) or arrived fraction (fill) */
    double *series_t, *series_alloc, *series_frag;
    size_t series_n;
} sim_cluster_result_t;

/* A config with every documented default (the key table's): fifo,
 * best-fit, replay, 1 node of 8 GPUs, no failures.  trace is NULL. */
void sim_cluster_config_default(sim_cluster_config_t *cfg);

/*
 * Run the experiment cfg describes.  *res is overwritten (release it with
 * sim_cluster_result_release, also after an error).  Returns SIM_OK;
 * SIM_ERR_RANGE or SIM_ERR_INPUT for a bad config (diag says which field);
 * SIM_ERR_CHECK when the invariant checker found a broken invariant (a
 * bug; diag says which); SIM_ERR_NOMEM.
 * Cost (replay): O(events x placement), placement O(GPUs per node) for
 * whole-GPU jobs on clusters without shares, O(nodes x classes) with
 * shares or FGD.
 */
sim_err_t sim_cluster_run(const sim_cluster_config_t *cfg,
                          sim_cluster_result_t *res, sim_diag_t *diag);

/* Free the series of res and zero it; NULL is a no-op. */
void sim_cluster_result_release(sim_cluster_result_t *res);

#endif /* SIM_CLUSTER_CLUSTER_H */
