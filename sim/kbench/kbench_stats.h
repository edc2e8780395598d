/*
 * kbench_stats.h — order statistics of repeated timings.
 *
 * A kernel's time is the median of its timed repetitions (robust to the odd
 * preempted or throttled rep); the spread travels as min, max and the 10th and
 * 90th percentiles.  Percentiles interpolate linearly between order
 * statistics (Hyndman & Fan type 7, the default of R, NumPy and GSL's
 * gsl_stats_quantile_from_sorted_data), so results compare with those tools.
 *
 * Assumes: nothing; pure functions.
 */
#ifndef SIM_KBENCH_KBENCH_STATS_H
#define SIM_KBENCH_KBENCH_STATS_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stddef.h>

#include "sim/core/error.h"

typedef struct kbench_stats {
    double median, min, max, p10, p90, mean;
} kbench_stats_t;

/*
 * Sort x[0..n) ascending in place and compute its statistics into out.
 * SIM_ERR_RANGE when n == 0 or a value is NaN (out untouched).  x and out
 * must not be NULL.  Cost O(n log n).
 */
sim_err_t kbench_stats_compute(double *x, size_t n, kbench_stats_t *out);

/* The p-quantile (0 <= p <= 1, type 7) of sorted[0..n), n >= 1.  O(1). */
double kbench_quantile_sorted(const double *sorted, size_t n, double p);

#ifdef __cplusplus
}
#endif

#endif /* SIM_KBENCH_KBENCH_STATS_H */
