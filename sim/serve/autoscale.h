/*
 * autoscale.h — how many replicas a serving fleet wants, when it gets them,
 * and what they cost.
 *
 * The autoscaler is evaluated every `interval_s` of simulated time on an
 * observation of the fleet (sim_autoscale_obs_t) and proposes a desired
 * replica count:
 *  - fixed:        the initial count, always;
 *  - utilisation:  ceil(busy replicas over the last interval / target), the
 *                  Kubernetes HPA rule desired = ceil(current · metric /
 *                  target) with metric = busy fraction (Kubernetes docs,
 *                  "Horizontal Pod Autoscaling", algorithm details);
 *  - concurrency:  ceil(requests in system / target per replica), Knative's
 *                  KPA rule (Knative docs, "Configuring concurrency");
 *  - queue:        replicas with work + ceil(waiting requests / target):
 *                  one more replica per `target` requests waiting;
 *  - schedule:     the count of the hour of day from a 24-entry table.
 * The proposal is clamped to [min, max] and to the GPU supply cap
 * (floor(gpu_cap / tp) replicas).
 *
 * Stabilisation follows the HPA's behaviour windows: the fleet scales up to
 * the *smallest* proposal seen during the last up_delay_s, and down to the
 * *largest* proposal seen during the last down_delay_s, so a rise must last
 * the scale-up delay and a fall the scale-down window before the fleet
 * follows.  A window of 0 follows at once.
 *
 * Cold start: a new replica is billed from the moment it is requested and
 * serves after container_start_s plus the weight load: weight_bytes /
 * storage_bw, or — when an empirical sample of load latencies is given (the
 * Alibaba GenAI trace's base-model load times, wl_reqtrace_latency_samples) —
 * a uniform draw from it.
 *
 * Cost (per GPU-hour prices, replicas of tp GPUs):
 *  - reserved: the peak replica count, always on, for the whole run, at the
 *    reserved price (capacity bought for the peak);
 *  - elastic:  provisioned replica-seconds (cold starts included) at the
 *    on-demand price, billed per second;
 *  - mixed:    `reserved` replicas always on at the reserved price plus the
 *    replica-seconds above them at the on-demand price.
 *
 * Assumes: one autoscaler per fleet; observations in non-decreasing time.
 */
#ifndef SIM_SERVE_AUTOSCALE_H
#define SIM_SERVE_AUTOSCALE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/core/error.h"

typedef enum sim_autoscale_policy {
    SIM_AUTOSCALE_FIXED = 0,
    SIM_AUTOSCALE_UTILISATION,
    SIM_AUTOSCALE_CONCURRENCY,
    SIM_AUTOSCALE_QUEUE,
    SIM_AUTOSCALE_SCHEDULE
} sim_autoscale_policy_t;

typedef enum sim_billing {
    SIM_BILLING_RESERVED = 0,
    SIM_BILLING_ELASTIC,
    SIM_BILLING_MIXED
} sim_billing_t;

/* Names in enum order, NULL-terminated (the [autoscale] key enums). */
extern const char *const sim_autoscale_policies[];
extern const char *const sim_billing_names[];

typedef struct sim_autoscale_config {
    sim_autoscale_policy_t policy;
    int min_replicas;          /* >= 0; 0 allows scale to zero */
    int max_replicas;          /* >= max(min, 1) */
    double target;             /* utilisation (0, 1], or requests per
                                  replica (concurrency, queue), > 0 */
    double interval_s;         /* evaluation period, > 0 */
    double up_delay_s;         /* scale-up stabilisation window, >= 0 */
    double down_delay_s;       /* scale-down stabilisation window, >= 0 */
    double container_start_s;  /* fixed part of a cold start, >= 0 */
    double weight_bytes;       /* bytes each replica loads (all its GPUs) */
    double storage_bw;         /* bytes/s of the weight load; 0 = instant */
    const double *load_samples; /* seconds; borrowed; NULL = use bytes/bw */
    size_t n_load_samples;
    int gpu_cap;               /* GPUs available; 0 = unlimited */
    double schedule[24];       /* SCHEDULE: replicas for hour h of day */
    sim_billing_t billing;
    int reserved_replicas;     /* MIXED: always-on base */
    double gpu_hour_usd;       /* on-demand / elastic price per GPU-hour */
    double reserved_gpu_hour_usd; /* reserved price per GPU-hour */
} sim_autoscale_config_t;

/* Defaults: fixed policy, min 0, max 64 (DESIGN.md's [autoscale]
 * example), target 0.7, interval 10 s, up delay 0 s, down delay 5 min,
 * container start 30 s (DESIGN.md's cold_start example), storage
 * 2 GB/s, no GPU cap, reserved billing, prices of AWS p5 H100 (on-demand
 * 12.29, 1-year reserved 7.25 USD per GPU-hour: workloads/catalog/
 * prices.ini [aws.H100-SXM]).  O(1). */
void sim_autoscale_defaults(sim_autoscale_config_t *a);

/* Check ranges.  Returns SIM_OK or SIM_ERR_RANGE with diag's key
 * "autoscale.<key>".  O(24). */
sim_err_t sim_autoscale_check(const sim_autoscale_config_t *a,
                              sim_diag_t *diag);

/* The largest fleet the cap allows for replicas of tp GPUs:
 * min(max_replicas, gpu_cap / tp) (max_replicas without a cap). */
int sim_autoscale_ceiling(const sim_autoscale_config_t *a, int tp);

/* What the fleet looks like at an evaluation. */
typedef struct sim_autoscale_obs {
    double t_s;          /* now */
    int current;         /* provisioning + warm (not draining) */
    int warm;            /* serving */
    double busy;         /* busy replica-seconds / interval over the last
                            interval (0..warm) */
    int64_t in_system;   /* accepted, unfinished requests */
    int64_t waiting;     /* not yet scheduled (router + replica queues) */
    int active;          /* warm replicas with work */
} sim_autoscale_obs_t;

/* The policy's proposal for obs before stabilisation, clamped to
 * [min, ceiling].  initial is the fixed fleet.  O(1). */
int sim_autoscale_propose(const sim_autoscale_config_t *a, int tp,
                          int initial, const sim_autoscale_obs_t *obs);

/* The stabiliser: a short history of proposals. */
typedef struct sim_autoscale_state {
    double *t;
    int *want;
    size_t n, cap, head;
} sim_autoscale_state_t;

#define SIM_AUTOSCALE_STATE_INIT {NULL, NULL, 0, 0, 0}

/* Record proposal `want` at t_s and return the count the fleet should move
 * to from `current` (see the top of this file).  Returns SIM_OK or
 * SIM_ERR_NOMEM (*out = current).  O(window / interval). */
sim_err_t sim_autoscale_step(const sim_autoscale_config_t *a,
                             sim_autoscale_state_t *st, double t_s,
                             int want, int current, int *out);

/* Free the history; NULL is a no-op. */
void sim_autoscale_state_destroy(sim_autoscale_state_t *st);

/* Seconds from requesting a replica to its serving: container start plus a
 * draw from the samples (r not NULL then) or weight_bytes / storage_bw.
 * O(1). */
double sim_autoscale_cold_start_s(const sim_autoscale_config_t *a,
                                  gsl_rng *r);

/* Costs of one run. */
typedef struct sim_serve_cost {
    double reserved_usd, elastic_usd, mixed_usd;
    double cost_usd;            /* the configured billing's */
    double replica_seconds;     /* provisioned, cold starts included */
    double gpu_hours;           /* provisioned */
} sim_serve_cost_t;

/* Costs for a run of duration_s with peak replicas `peak`, provisioned
 * replica-seconds `replica_s` and replica-seconds above the reserved base
 * `burst_s`, replicas of tp GPUs.  O(1). */
sim_serve_cost_t sim_autoscale_cost(const sim_autoscale_config_t *a, int tp,
                                    double duration_s, int peak,
                                    double replica_s, double burst_s);

#endif /* SIM_SERVE_AUTOSCALE_H */
