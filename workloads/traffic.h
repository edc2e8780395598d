/*
 * traffic.h — request streams for inference serving: what arrives, when,
 * and how big it is.
 *
 * A request is a plain description (wl_request_t): an arrival instant in
 * seconds, a kind (an LLM request with prompt and output tokens, or a
 * fixed-work generation request such as a diffusion image with its
 * GPU-seconds at batch 1), and optional prefix-block hashes (trace replay).
 * A stream (wl_request_stream_t) hands requests out one at a time in
 * non-decreasing arrival order; the serving model pulls from it lazily, so a
 * million-request run never holds a million requests.
 *
 * Generators here build streams from an arrival process and size
 * distributions:
 *  - Poisson (exponential inter-arrivals);
 *  - bursty: Gamma inter-arrivals with a given coefficient of variation
 *    (shape 1/cv², so cv = 1 is Poisson, cv > 1 bursty);
 *  - diurnal: a daily rate curve, either a sinusoid with a peak/trough ratio
 *    and a peak hour, or a 24-point curve (hourly knots, linear between,
 *    periodic), scaled so its daily mean is `rate`;
 *  - flash-crowd spike: rate × (1 + (k−1)·2^(−(t−t0)/half_life)) for
 *    t ≥ t0, the base rate before;
 *  - mixtures: the superposition of independent component processes (the
 *    merged stream of, e.g., a diurnal base and a spike).
 * Non-homogeneous processes are sampled by thinning (Lewis & Shedler,
 * "Simulation of nonhomogeneous Poisson processes by thinning", Naval
 * Research Logistics Quarterly 26(3), 1979): candidates from a Poisson
 * process at the rate's upper bound, each kept with probability
 * rate(t)/bound.
 *
 * Randomness: each generator owns its streams, seeded by
 * sim_rng_hash(seed, name) with the names "traffic.arrivals#i" (component
 * i), "traffic.prompt", "traffic.output" and "traffic.work", so changing a
 * size distribution never moves the arrival instants.
 *
 * Assumes: times in seconds from 0; single-threaded use of a generator.
 */
#ifndef WL_TRAFFIC_H
#define WL_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/core/error.h"

/* ---- requests and streams ---------------------------------------------- */

typedef enum wl_req_kind {
    WL_REQ_LLM = 0,   /* prompt_tokens in, output_tokens out */
    WL_REQ_FIXED_WORK /* work_s GPU-seconds at batch 1 (diffusion image) */
} wl_req_kind_t;

typedef struct wl_request {
    double arrival_s;        /* seconds from the start of the run */
    wl_req_kind_t kind;
    int64_t prompt_tokens;   /* LLM: >= 1 */
    int64_t output_tokens;   /* LLM: >= 1 (the first comes from prefill) */
    double work_s;           /* fixed work: > 0 */
    const uint32_t *hash_ids; /* prefix-block hashes, NULL when none; owned
                                 by the stream's source, valid until the
                                 stream's next call */
    size_t n_hash;
    int64_t hash_block_tokens; /* tokens per hashed block (Mooncake: 512) */
} wl_request_t;

/* A pull-based stream: next(ctx, out) fills *out with the next request and
 * returns 1, or returns 0 at the end (out untouched).  Arrival times are
 * non-decreasing.  The stream is a view: its source owns ctx. */
typedef struct wl_request_stream {
    int (*next)(void *ctx, wl_request_t *out);
    void *ctx;
} wl_request_stream_t;

/* ---- size distributions ------------------------------------------------ */

typedef enum wl_dist_kind {
    WL_DIST_FIXED = 0,  /* a */
    WL_DIST_UNIFORM,    /* uniform on [a, b] */
    WL_DIST_LOGNORMAL,  /* mean a, coefficient of variation b */
    WL_DIST_EXPONENTIAL,/* mean a */
    WL_DIST_EMPIRICAL   /* uniform choice among sample[0..n) */
} wl_dist_kind_t;

typedef struct wl_dist {
    wl_dist_kind_t kind;
    double a, b;
    const double *sample; /* EMPIRICAL only; copied by wl_traffic_new */
    size_t n;
    double lo, hi;        /* clamp draws into [lo, hi]; hi = 0: no upper */
} wl_dist_t;

/* Check a distribution's parameters.  Returns SIM_OK or SIM_ERR_RANGE with
 * diag's key set to what (e.g. "traffic.prompt_tokens").  O(n). */
sim_err_t wl_dist_check(const wl_dist_t *d, const char *what,
                        sim_diag_t *diag);

/* One draw (clamped to [lo, hi]).  d valid, r not NULL.  O(1). */
double wl_dist_sample(const wl_dist_t *d, gsl_rng *r);

/* The mean of the unclamped distribution.  O(1), O(n) for EMPIRICAL. */
double wl_dist_mean(const wl_dist_t *d);

/* ---- arrival processes ------------------------------------------------- */

typedef enum wl_arrival_kind {
    WL_ARR_POISSON = 0,
    WL_ARR_GAMMA,
    WL_ARR_DIURNAL,
    WL_ARR_SPIKE,
    WL_ARR_MIXTURE
} wl_arrival_kind_t;

#define WL_TRAFFIC_MAX_PARTS 8

typedef struct wl_arrival {
    wl_arrival_kind_t kind;
    double rate;            /* mean (POISSON, GAMMA, DIURNAL) or base
                               (SPIKE) rate, requests per second, > 0 */
    double cv;              /* GAMMA: coefficient of variation, > 0 */
    double peak_to_trough;  /* DIURNAL sinusoid: peak/trough >= 1 */
    double peak_hour;       /* DIURNAL sinusoid: hour of peak, [0, 24) */
    const double *curve24;  /* DIURNAL: 24 hourly relative rates (>= 0, not
                               all 0) instead of the sinusoid; NULL: use
                               the sinusoid.  Copied by wl_traffic_new. */
    double spike_factor;    /* SPIKE: k >= 1 */
    double spike_at_s;      /* SPIKE: t0 >= 0 */
    double spike_half_life_s; /* SPIKE: > 0 */
    const struct wl_arrival *parts; /* MIXTURE: components (not mixtures) */
    size_t n_parts;         /* MIXTURE: 1..WL_TRAFFIC_MAX_PARTS */
} wl_arrival_t;

/* Check an arrival process.  Returns SIM_OK or SIM_ERR_RANGE / SIM_ERR_INPUT
 * (diag key "traffic.<field>").  O(parts). */
sim_err_t wl_arrival_check(const wl_arrival_t *a, sim_diag_t *diag);

/* The instantaneous rate at t seconds (for GAMMA, its mean rate).  a valid.
 * O(parts). */
double wl_arrival_rate(const wl_arrival_t *a, double t);

/* The expected number of arrivals in [t0, t1]: closed forms for every
 * kind except the 24-point curve, which is integrated exactly piece by
 * piece (it is linear between knots).  O(parts + (t1−t0)/1h). */
double wl_arrival_integral(const wl_arrival_t *a, double t0, double t1);

/* ---- generators -------------------------------------------------------- */

typedef struct wl_traffic_spec {
    wl_arrival_t arrival;
    wl_req_kind_t kind;
    wl_dist_t prompt;      /* LLM: prompt tokens (rounded, >= 1) */
    wl_dist_t output;      /* LLM: output tokens (rounded, >= 1) */
    wl_dist_t work;        /* FIXED_WORK: GPU-seconds at batch 1 (> 0) */
    int64_t max_requests;  /* stop after this many; 0 = no limit */
    double duration_s;     /* stop at this instant; 0 = no limit */
} wl_traffic_spec_t;

typedef struct wl_traffic wl_traffic_t;

/*
 * A new generator for spec under master seed.  At least one of
 * max_requests and duration_s must be set.  The spec (including empirical
 * samples, curve24 and mixture parts) is copied; the caller's arrays need
 * not outlive the call.  Returns SIM_OK and *out (free with
 * wl_traffic_free), SIM_ERR_RANGE / SIM_ERR_INPUT (diag says which field)
 * or SIM_ERR_NOMEM.  Cost: O(size of spec).
 */
sim_err_t wl_traffic_new(const wl_traffic_spec_t *spec, uint64_t seed,
                         wl_traffic_t **out, sim_diag_t *diag);

/* Free a generator; NULL is a no-op. */
void wl_traffic_free(wl_traffic_t *g);

/* The next request into *out: returns 1, or 0 when the generator is
 * exhausted.  Cost: O(parts) expected, times rate bound / mean rate for
 * thinned processes. */
int wl_traffic_next(wl_traffic_t *g, wl_request_t *out);

/* A stream view over g (g must outlive the stream). */
wl_request_stream_t wl_traffic_stream(wl_traffic_t *g);

/* Requests generated so far. */
int64_t wl_traffic_count(const wl_traffic_t *g);

#endif /* WL_TRAFFIC_H */
