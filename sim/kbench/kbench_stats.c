/*
 * kbench_stats.c — order statistics of repeated timings (see kbench_stats.h).
 */
#include "sim/kbench/kbench_stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double kbench_quantile_sorted(const double *sorted, size_t n, double p)
{
    assert(sorted != NULL && n >= 1 && p >= 0.0 && p <= 1.0);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

sim_err_t kbench_stats_compute(double *x, size_t n, kbench_stats_t *out)
{
    double sum = 0.0;

    if (n == 0)
        return SIM_ERR_RANGE;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            return SIM_ERR_RANGE;
        sum += x[i];
    }
    qsort(x, n, sizeof *x, cmp_double);
    out->min = x[0];
    out->max = x[n - 1];
    out->median = kbench_quantile_sorted(x, n, 0.5);
    out->p10 = kbench_quantile_sorted(x, n, 0.1);
    out->p90 = kbench_quantile_sorted(x, n, 0.9);
    out->mean = sum / (double)n;
    return SIM_OK;
}
