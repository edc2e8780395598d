/*
 * fault_model.h — failure processes: which components fail, how often, and
 * how the time between failures is distributed.
 *
 * A profile is a list of causes ("faulty GPU", "GPU HBM3", "software bug",
 * ...).  Each cause belongs to a class (GPU, host, network, software,
 * maintenance) for reporting, hits one kind of component (a GPU, a node, a
 * NIC, one NIC port's cable, a leaf/ToR switch, a spine switch, or the job
 * as a whole), and has a rate in failures per component per day.  What a
 * failure does to a job (stop it, or only slow it) is not decided here but
 * from the topology (fabric.h) and the component kind.
 *
 * Built-in profiles are INI data files under workloads/faults/ compiled into
 * the binary (workloads/embedded.h); see workloads/faults/SOURCE.md for the
 * published fleet data they transcribe.  A profile file has a [profile]
 * section with the reference population of the published study, then one
 * section per cause with either `count` (failures observed in the study,
 * turned into count / (population x days)) or `per_1000_days` (failures
 * per 1,000 component-days).
 *
 * Inter-arrival times: exponential, or Weibull with shape k and the same
 * mean (scale = mean / Gamma(1 + 1/k)).  A cause over N components is drawn
 * as one process of rate N x rate: exact for exponential (a superposition
 * of Poisson processes is Poisson); for Weibull it is the job-level renewal
 * approximation that fleet studies fit (inter-arrival times of failures seen
 * by a system, not per part).
 *
 * A profile is a plain value (fixed arrays, no heap), so it can be copied.
 * Assumes: at most FLT_MAX_CAUSES causes.
 */
#ifndef SIM_FAULTS_FAULT_MODEL_H
#define SIM_FAULTS_FAULT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "sim/core/error.h"

#define FLT_MAX_CAUSES 32
#define FLT_NAME_MAX 48
#define FLT_LABEL_MAX 64

#define FLT_SECONDS_PER_DAY 86400.0

typedef enum flt_class {
    FLT_CLASS_GPU = 0,
    FLT_CLASS_HOST,
    FLT_CLASS_NETWORK,
    FLT_CLASS_SOFTWARE,
    FLT_CLASS_MAINTENANCE,
    FLT_CLASS_COUNT
} flt_class_t;

/* What a failure hits; decides the population and (with fabric.h) the
 * effect. */
typedef enum flt_comp {
    FLT_COMP_GPU = 0, /* one GPU: always stops the job */
    FLT_COMP_NODE,    /* one host (CPU, memory, PSU, SSD, ...): stops it */
    FLT_COMP_NIC,     /* a whole NIC, every port: stops it */
    FLT_COMP_NIC_PORT,/* one NIC port or its cable: stops a single-homed
                         NIC, slows a dual-homed one */
    FLT_COMP_LEAF,    /* a leaf/ToR switch */
    FLT_COMP_SPINE,   /* a spine/aggregation switch */
    FLT_COMP_JOB,     /* the job as a whole (planned maintenance) */
    FLT_COMP_COUNT
} flt_comp_t;

typedef enum flt_dist {
    FLT_DIST_EXPONENTIAL = 0,
    FLT_DIST_WEIBULL
} flt_dist_t;

typedef struct flt_cause {
    char name[FLT_NAME_MAX];   /* identifier, e.g. "faulty_gpu" */
    char label[FLT_LABEL_MAX]; /* as published, e.g. "Faulty GPU" */
    flt_class_t cls;
    flt_comp_t comp;
    double rate_per_day;       /* failures per component per day, >= 0 */
    double published;          /* failures in the reference study, or NaN */
    bool planned;              /* announced: checkpoint first, no lost work */
} flt_cause_t;

typedef struct flt_profile {
    char name[FLT_NAME_MAX];
    int n_causes;
    flt_cause_t causes[FLT_MAX_CAUSES];
    flt_dist_t dist;
    double weibull_shape;      /* k > 0; used when dist is WEIBULL */
    /* Reference study, for comparing simulated with published counts:
     * GPUs and days (0 when the profile has no such study). */
    double ref_gpus;
    double ref_days;
} flt_profile_t;

/* Names of classes and components ("gpu", "host", "network", "software",
 * "maintenance"; "gpu", "node", "nic", "nic_port", "leaf", "spine",
 * "job").  Never NULL. */
const char *flt_class_name(flt_class_t c);
const char *flt_comp_name(flt_comp_t c);

/* An empty profile named name (may be NULL: ""), exponential, no causes.
 * Never fails. */
void flt_profile_init(flt_profile_t *p, const char *name);

/*
 * Append a cause (copied).  Returns SIM_OK; SIM_ERR_RANGE when the profile
 * is full, the rate is negative or not finite, or the name is empty or too
 * long (diag says which).  O(1).
 */
sim_err_t flt_profile_add(flt_profile_t *p, const flt_cause_t *c,
                          sim_diag_t *diag);

/*
 * Parse a profile file (format at the top of this file) from len bytes of
 * text; path labels diagnostics.  Returns SIM_OK; SIM_ERR_INPUT (syntax,
 * unknown key, unknown class or component, count without a reference
 * population), SIM_ERR_RANGE, SIM_ERR_NOMEM, with file:line:key in diag.
 * On error *out is left as an empty profile.  Cost: O(len).
 */
sim_err_t flt_profile_parse(const char *text, size_t len, const char *path,
                            flt_profile_t *out, sim_diag_t *diag);

/*
 * A built-in profile by name: "llama3-16k", "meta-rsc", "none" (the file
 * workloads/faults/<name>.ini of the embedded table).  Returns SIM_OK;
 * SIM_ERR_NOTFOUND (diag lists the names); the errors of flt_profile_parse.
 */
sim_err_t flt_profile_builtin(const char *name, flt_profile_t *out,
                              sim_diag_t *diag);

/* Multiply every rate by factor (>= 0; "what if failures doubled").
 * O(causes). */
void flt_profile_scale(flt_profile_t *p, double factor);

/* Index of the cause named name, or -1.  O(causes). */
int flt_profile_find(const flt_profile_t *p, const char *name);

/*
 * One inter-arrival time in seconds of a process with rate_per_s (> 0)
 * failures per second, drawn from r by the profile's distribution (same
 * mean 1 / rate_per_s either way).  rate_per_s <= 0 gives +inf (never).
 * Cost: one GSL draw.
 */
double flt_draw_interval(const flt_profile_t *p, double rate_per_s,
                         gsl_rng *r);

#endif /* SIM_FAULTS_FAULT_MODEL_H */
