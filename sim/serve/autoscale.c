/*
 * autoscale.c — autoscaling policies, their stabilisation windows, cold
 * starts and the cost of a fleet (model in autoscale.h).  Pure functions
 * of their arguments: the serving run (fleet.c) owns the clock.
 */
#include "sim/serve/autoscale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

const char *const sim_autoscale_policies[] = {
    "fixed", "utilisation", "concurrency", "queue", "schedule", NULL};
const char *const sim_billing_names[] = {"reserved", "elastic", "mixed",
                                         NULL};

/* AWS p5.48xlarge per GPU-hour: on-demand 12.29, 1-year reserved 7.25
 * (workloads/catalog/prices.ini, [aws.H100-SXM], sources [S65] [S66] [S72]
 * there). */
#define DEFAULT_ON_DEMAND_USD 12.29
#define DEFAULT_RESERVED_USD 7.25

void sim_autoscale_defaults(sim_autoscale_config_t *a)
{
    memset(a, 0, sizeof *a);
    a->policy = SIM_AUTOSCALE_FIXED;
    a->min_replicas = 0;
    a->max_replicas = 64;
    a->target = 0.7;
    a->interval_s = 10.0;
    a->up_delay_s = 0.0;
    a->down_delay_s = 300.0;
    a->container_start_s = 30.0;
    a->storage_bw = 2e9;
    a->billing = SIM_BILLING_RESERVED;
    a->gpu_hour_usd = DEFAULT_ON_DEMAND_USD;
    a->reserved_gpu_hour_usd = DEFAULT_RESERVED_USD;
}

#define RANGE(cond, key, ...)                                                \
    do {                                                                     \
        if (!(cond))                                                         \
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, key,           \
                                __VA_ARGS__);                                \
    } while (0)

sim_err_t sim_autoscale_check(const sim_autoscale_config_t *a,
                              sim_diag_t *diag)
{
    RANGE(a->policy >= SIM_AUTOSCALE_FIXED &&
              a->policy <= SIM_AUTOSCALE_SCHEDULE,
          "autoscale.policy", "unknown policy");
    RANGE(a->min_replicas >= 0, "autoscale.min", "min must be >= 0");
    RANGE(a->max_replicas >= 1 && a->max_replicas >= a->min_replicas &&
              a->max_replicas <= 1000000,
          "autoscale.max", "max must lie in [max(min, 1), 1e6], got %d",
          a->max_replicas);
    RANGE(a->target > 0.0 && isfinite(a->target), "autoscale.target",
          "target must be > 0");
    RANGE(a->policy != SIM_AUTOSCALE_UTILISATION || a->target <= 1.0,
          "autoscale.target", "a utilisation target must lie in (0, 1]");
    RANGE(a->interval_s > 0.0 && isfinite(a->interval_s),
          "autoscale.interval", "interval must be > 0");
    RANGE(a->up_delay_s >= 0.0 && a->down_delay_s >= 0.0 &&
              isfinite(a->up_delay_s) && isfinite(a->down_delay_s),
          "autoscale.scale_up_delay", "delays must be finite and >= 0");
    RANGE(a->container_start_s >= 0.0 && a->weight_bytes >= 0.0 &&
              a->storage_bw >= 0.0,
          "autoscale.cold_start", "cold-start parts must be >= 0");
    for (size_t i = 0; i < a->n_load_samples; i++)
        RANGE(a->load_samples[i] >= 0.0 && isfinite(a->load_samples[i]),
              "autoscale.load_latency", "load sample %zu is not >= 0", i);
    RANGE(a->gpu_cap >= 0, "autoscale.gpu_cap", "gpu_cap must be >= 0");
    for (int h = 0; h < 24; h++)
        RANGE(a->schedule[h] >= 0.0 && isfinite(a->schedule[h]),
              "autoscale.schedule", "schedule entry %d must be >= 0", h);
    RANGE(a->reserved_replicas >= 0, "autoscale.reserved",
          "reserved must be >= 0");
    RANGE(a->gpu_hour_usd >= 0.0 && a->reserved_gpu_hour_usd >= 0.0,
          "autoscale.gpu_hour_usd", "prices must be >= 0");
    return SIM_OK;
}

int sim_autoscale_ceiling(const sim_autoscale_config_t *a, int tp)
{
    int top = a->max_replicas;
    if (a->gpu_cap > 0 && tp > 0 && a->gpu_cap / tp < top)
        top = a->gpu_cap / tp;
    return top;
}

static int ceil_ratio(double x, double target)
{
    double r = ceil(x / target - 1e-9); /* 2.0000000001 stays 2 */
    if (r < 0.0)
        r = 0.0;
    return r > 1e6 ? 1000000 : (int)r;
}

int sim_autoscale_propose(const sim_autoscale_config_t *a, int tp,
                          int initial, const sim_autoscale_obs_t *obs)
{
    int want = initial;

    switch (a->policy) {
    case SIM_AUTOSCALE_FIXED:
        want = initial;
        break;
    case SIM_AUTOSCALE_UTILISATION:
        want = ceil_ratio(obs->busy, a->target);
        break;
    case SIM_AUTOSCALE_CONCURRENCY:
        want = ceil_ratio((double)obs->in_system, a->target);
        break;
    case SIM_AUTOSCALE_QUEUE:
        want = obs->active + ceil_ratio((double)obs->waiting, a->target);
        break;
    case SIM_AUTOSCALE_SCHEDULE: {
        double day = fmod(obs->t_s, 86400.0);
        int h = (int)(day / 3600.0);
        if (h < 0 || h > 23)
            h = 0; /* believed impossible: t_s >= 0 */
        want = (int)ceil(a->schedule[h]);
        break;
    }
    }
    /* Work waiting with nothing to serve it: at least one replica. */
    if (a->policy != SIM_AUTOSCALE_FIXED && want < 1 && obs->in_system > 0)
        want = 1;
    if (want < a->min_replicas)
        want = a->min_replicas;
    int top = sim_autoscale_ceiling(a, tp);
    if (want > top)
        want = top;
    return want < 0 ? 0 : want;
}

static sim_err_t hist_push(sim_autoscale_state_t *st, double t, int want)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 16;
        double *nt = malloc(cap * sizeof *nt);
        int *nw = malloc(cap * sizeof *nw);
        if (nt == NULL || nw == NULL) {
            free(nt);
            free(nw);
            return SIM_ERR_NOMEM;
        }
        for (size_t i = 0; i < st->n; i++) {
            nt[i] = st->t[(st->head + i) % st->cap];
            nw[i] = st->want[(st->head + i) % st->cap];
        }
        free(st->t);
        free(st->want);
        st->t = nt;
        st->want = nw;
        st->cap = cap;
        st->head = 0;
    }
    size_t at = (st->head + st->n) % st->cap;
    st->t[at] = t;
    st->want[at] = want;
    st->n++;
    return SIM_OK;
}

sim_err_t sim_autoscale_step(const sim_autoscale_config_t *a,
                             sim_autoscale_state_t *st, double t_s,
                             int want, int current, int *out)
{
    double keep = fmax(a->up_delay_s, a->down_delay_s);
    int up = want, down = want;

    *out = current;
    while (st->n > 0 && st->t[st->head] < t_s - keep) {
        st->head = (st->head + 1) % st->cap;
        st->n--;
    }
    if (hist_push(st, t_s, want) != SIM_OK)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < st->n; i++) {
        size_t k = (st->head + i) % st->cap;
        if (st->t[k] >= t_s - a->up_delay_s && st->want[k] < up)
            up = st->want[k];
        if (st->t[k] >= t_s - a->down_delay_s && st->want[k] > down)
            down = st->want[k];
    }
    if (up > current)
        *out = up;
    else if (down < current)
        *out = down;
    return SIM_OK;
}

void sim_autoscale_state_destroy(sim_autoscale_state_t *st)
{
    if (st == NULL)
        return;
    free(st->t);
    free(st->want);
    memset(st, 0, sizeof *st);
}

double sim_autoscale_cold_start_s(const sim_autoscale_config_t *a,
                                  gsl_rng *r)
{
    double load = 0.0;
    if (a->n_load_samples > 0 && r != NULL)
        load = a->load_samples[gsl_rng_uniform_int(
            r, (unsigned long)a->n_load_samples)];
    else if (a->storage_bw > 0.0)
        load = a->weight_bytes / a->storage_bw;
    return a->container_start_s + load;
}

sim_serve_cost_t sim_autoscale_cost(const sim_autoscale_config_t *a, int tp,
                                    double duration_s, int peak,
                                    double replica_s, double burst_s)
{
    sim_serve_cost_t c;
    double per_s_od = a->gpu_hour_usd * (double)tp / 3600.0;
    double per_s_res = a->reserved_gpu_hour_usd * (double)tp / 3600.0;

    memset(&c, 0, sizeof c);
    c.replica_seconds = replica_s;
    c.gpu_hours = replica_s * (double)tp / 3600.0;
    c.reserved_usd = (double)peak * duration_s * per_s_res;
    c.elastic_usd = replica_s * per_s_od;
    c.mixed_usd = (double)a->reserved_replicas * duration_s * per_s_res +
                  burst_s * per_s_od;
    switch (a->billing) {
    case SIM_BILLING_RESERVED:
        c.cost_usd = c.reserved_usd;
        break;
    case SIM_BILLING_ELASTIC:
        c.cost_usd = c.elastic_usd;
        break;
    case SIM_BILLING_MIXED:
        c.cost_usd = c.mixed_usd;
        break;
    }
    return c;
}
