/*
 * metrics.c — latency samples, nearest-rank percentiles, Little's law
 * (see metrics.h).
 */
#include "sim/serve/metrics.h"

#include <math.h>
#include <stdlib.h>

sim_err_t sim_serve_samples_push(sim_serve_samples_t *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return SIM_ERR_NOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return SIM_OK;
}

void sim_serve_samples_destroy(sim_serve_samples_t *s)
{
    if (s == NULL)
        return;
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sim_serve_samples_sort(sim_serve_samples_t *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_double);
}

double sim_serve_quantile_nr(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double r = ceil(p / 100.0 * (double)n);
    size_t rank = r < 1.0 ? 1 : (size_t)r;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

double sim_serve_samples_mean(const sim_serve_samples_t *s)
{
    double sum = 0.0;
    if (s->n == 0)
        return NAN;
    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i];
    return sum / (double)s->n;
}

double sim_serve_little_error(double mean_in_system, double arrival_rate,
                              double mean_latency_s)
{
    double lw = arrival_rate * mean_latency_s;
    double den = fmax(fabs(mean_in_system), fabs(lw));
    if (den == 0.0)
        return 0.0;
    return fabs(mean_in_system - lw) / den;
}
