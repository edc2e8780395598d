/*
 * trace_jobs.h — jobs (and optionally nodes) of a shared-cluster trace, as
 * plain data for the cluster scheduler (sim/cluster).
 *
 * Sources: the Alibaba openb CSVs (cluster-trace-gpu-v2023, the FGD paper's
 * trace; workloads/traces/SOURCE.md), any CSV with the same header names,
 * or a seeded synthetic generator for scale tests.  Columns are found by
 * header name, so column order does not matter; unknown columns are ignored.
 *
 * Units: times in seconds as in the trace; CPU in milli-cores; memory in
 * MiB; GPU sharing in milli-GPU (1000 = one whole GPU).
 *
 * Assumes: a pod list needs name-independent columns num_gpu and
 * creation_time at least; a node list needs gpu (count) and optionally
 * model, cpu_milli, memory_mib.
 */
#ifndef WL_TRACE_JOBS_H
#define WL_TRACE_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

/* At most this many distinct GPU model names per trace (a bit mask). */
#define WL_TRACE_MAX_MODELS 32

/* How a job ends when it runs to its duration.  CSV traces give
 * WL_JOB_COMPLETE; the prior-driven generator (sim/cluster/priors.h) draws
 * failed and cancelled jobs, whose duration is then already cut short. */
typedef enum wl_jobtrace_outcome {
    WL_JOB_COMPLETE = 0,
    WL_JOB_FAILED,     /* the job's own failure (not a node failure) */
    WL_JOB_CANCELLED,  /* cancelled by its user */
} wl_jobtrace_outcome_t;

typedef struct wl_jobtrace_job {
    double arrival_s;     /* creation time */
    double duration_s;    /* deletion - (scheduled or creation); >= 1 s */
    int32_t num_gpu;      /* GPUs requested; 0 = CPU only */
    int32_t gpu_milli;    /* per-GPU share, 1..1000 (1000 when whole) */
    int64_t cpu_milli;    /* 0 when the trace has none */
    int64_t mem_mib;      /* 0 when the trace has none */
    int32_t priority;     /* larger = more important (QoS mapped, see .c) */
    uint32_t model_mask;  /* allowed GPU models (bits of models[]); 0 = any */
    int32_t outcome;      /* wl_jobtrace_outcome_t */
} wl_jobtrace_job_t;

typedef struct wl_jobtrace_node {
    int32_t gpus;
    int32_t model;        /* index into models[]; -1 when none given */
    int64_t cpu_milli;    /* 0 = unlimited */
    int64_t mem_mib;      /* 0 = unlimited */
} wl_jobtrace_node_t;

typedef struct wl_jobtrace {
    wl_jobtrace_job_t *jobs;   /* sorted by arrival (stable) */
    size_t njobs;
    wl_jobtrace_node_t *nodes; /* NULL when the trace brings no node list */
    size_t nnodes;
    char models[WL_TRACE_MAX_MODELS][32];
    int nmodels;
} wl_jobtrace_t;

/* A new empty trace, or NULL when out of memory. */
wl_jobtrace_t *wl_jobtrace_new(void);

/* Free a trace; NULL is a no-op. */
void wl_jobtrace_free(wl_jobtrace_t *t);

/* Index of model name in t->models, adding it when absent.  Returns -1 when
 * the table is full or name is too long. */
int wl_jobtrace_model_id(wl_jobtrace_t *t, const char *name);

/*
 * Parse a pod (job) list of len bytes labelled label (for messages) and
 * append its jobs to t, then sort all jobs by arrival (stable).  QoS maps
 * to priority Guaranteed 3, LS 2, Burstable 1, BE 0 (openb's classes).
 * Returns SIM_OK; SIM_ERR_INPUT with label:line for a malformed row or a
 * missing column; SIM_ERR_RANGE for negative values; SIM_ERR_NOMEM.
 * Cost: O(len + n log n).
 */
sim_err_t wl_jobtrace_parse_pods(wl_jobtrace_t *t, const char *text, size_t len,
                              const char *label, sim_diag_t *diag);

/* Parse a node list (columns gpu, model, cpu_milli, memory_mib) and replace
 * t's nodes with it.  Same errors as wl_jobtrace_parse_pods.  Cost: O(len). */
sim_err_t wl_jobtrace_parse_nodes(wl_jobtrace_t *t, const char *text, size_t len,
                               const char *label, sim_diag_t *diag);

/*
 * Load a trace by name: "openb" (the embedded openb pods and nodes),
 * or a path to a pod-list CSV; when path names a pod list "X_pods.csv" and
 * "X_nodes.csv" exists beside it, that node list is loaded too.  On
 * success *out is a new trace (caller frees).  Errors: SIM_ERR_IO (file
 * unreadable), SIM_ERR_NOTFOUND (no such builtin), parse errors.
 */
sim_err_t wl_jobtrace_load(const char *name, wl_jobtrace_t **out, sim_diag_t *diag);

/* Parameters of the synthetic trace (for scale tests and benchmarks). */
typedef struct wl_jobtrace_synth {
    size_t jobs;
    double mean_interarrival_s; /* exponential */
    double mean_duration_s;     /* lognormal with sigma 1.5, this mean */
    int gpus_per_node;          /* gang jobs take multiples of this */
    double frac_share;          /* fraction of jobs that ask a GPU share */
    double frac_gang;           /* fraction of multi-node gang jobs */
} wl_jobtrace_synth_t;

/*
 * Generate p->jobs jobs from the seeded stream seed: arrivals Poisson,
 * durations lognormal, requests 1/2/4/8 GPUs (weights 0.6/0.15/0.1/0.15,
 * close to the Acme/Helios median of 1 GPU per job), shares of 100..900
 * milli, gangs of 2..8 whole nodes, priorities 0..2 uniform.
 * Returns SIM_OK, SIM_ERR_RANGE for bad parameters, SIM_ERR_NOMEM.
 * Cost: O(jobs).
 */
sim_err_t wl_jobtrace_synthetic(const wl_jobtrace_synth_t *p, uint64_t seed,
                             wl_jobtrace_t **out, sim_diag_t *diag);

#endif /* WL_TRACE_JOBS_H */
