/*
 * metrics.h — per-request latency samples and their summaries for the
 * serving model.
 *
 * Samples are kept as compact growable double arrays (8 bytes per request
 * per metric: 32 MB for four metrics at a million requests), so
 * percentiles are exact.  Percentiles use the nearest-rank definition:
 * the p-th percentile of n sorted values is the value at 1-based rank
 * ceil(p/100 · n) (rank 1 when that is 0), which is always an observed
 * value, never interpolated.
 *
 * Little's law (L = λ·W) holds exactly for any system that is empty at the
 * start and end of the observation window; the serving run measures L by
 * integrating the number in system over time, independently of W, so
 * sim_serve_little_error checks its bookkeeping.
 *
 * Assumes: single-threaded use.
 */
#ifndef SIM_SERVE_METRICS_H
#define SIM_SERVE_METRICS_H

#include <stddef.h>

#include "sim/core/error.h"

typedef struct sim_serve_samples {
    double *v;
    size_t n, cap;
} sim_serve_samples_t;

/* Zero-initialise or use this; destroy with sim_serve_samples_destroy. */
#define SIM_SERVE_SAMPLES_INIT {NULL, 0, 0}

/* Append x.  Returns SIM_OK or SIM_ERR_NOMEM (s unchanged).  O(1)
 * amortised. */
sim_err_t sim_serve_samples_push(sim_serve_samples_t *s, double x);

/* Free the array and reset s to empty.  NULL is a no-op. */
void sim_serve_samples_destroy(sim_serve_samples_t *s);

/* Sort s in place (ascending).  O(n log n). */
void sim_serve_samples_sort(sim_serve_samples_t *s);

/* Nearest-rank percentile p in [0, 100] of sorted[0..n); NaN when n == 0.
 * O(1). */
double sim_serve_quantile_nr(const double *sorted, size_t n, double p);

/* Mean of s; NaN when empty.  O(n). */
double sim_serve_samples_mean(const sim_serve_samples_t *s);

/* Relative gap |L − λ·W| / max(L, λ·W) of Little's law (0 when both are 0).
 * O(1). */
double sim_serve_little_error(double mean_in_system, double arrival_rate,
                              double mean_latency_s);

#endif /* SIM_SERVE_METRICS_H */
