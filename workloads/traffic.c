/*
 * traffic.c — arrival processes, size distributions and request generators
 * (see traffic.h for the model and its sources).
 *
 * Invariant: each component process keeps the instant of its next arrival
 * (`next_t`); the generator emits the earliest one (lowest component index
 * on a tie, so a run is a pure function of the seed) and advances only that
 * component.
 */
#include "workloads/traffic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/engine/rng.h"

#define SECONDS_PER_DAY 86400.0
#define PI 3.14159265358979323846
#define LN2 0.69314718055994530942
#define SECONDS_PER_HOUR 3600.0

typedef struct part {
    wl_arrival_t a;     /* a copy; a.curve24 points into curve[] */
    double curve[24];
    double curve_scale; /* rate / mean(curve) */
    double bound;       /* upper bound of the rate (thinning) */
    gsl_rng *rng;
    double next_t;
} part_t;

struct wl_traffic {
    wl_traffic_spec_t spec; /* dist sample pointers into own copies */
    double *prompt_sample, *output_sample, *work_sample;
    part_t parts[WL_TRAFFIC_MAX_PARTS];
    size_t n_parts;
    gsl_rng *r_prompt, *r_output, *r_work;
    int64_t count;
};

/* ---- distributions ----------------------------------------------------- */

sim_err_t wl_dist_check(const wl_dist_t *d, const char *what,
                        sim_diag_t *diag)
{
    switch (d->kind) {
    case WL_DIST_FIXED:
        if (!(d->a > 0.0) || !isfinite(d->a))
            goto bad;
        break;
    case WL_DIST_UNIFORM:
        if (!(d->a > 0.0) || !(d->b >= d->a) || !isfinite(d->b))
            goto bad;
        break;
    case WL_DIST_LOGNORMAL:
        if (!(d->a > 0.0) || !(d->b > 0.0) || !isfinite(d->a) ||
            !isfinite(d->b))
            goto bad;
        break;
    case WL_DIST_EXPONENTIAL:
        if (!(d->a > 0.0) || !isfinite(d->a))
            goto bad;
        break;
    case WL_DIST_EMPIRICAL:
        if (d->sample == NULL || d->n == 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, what,
                                "an empirical distribution needs samples");
        for (size_t i = 0; i < d->n; i++)
            if (!(d->sample[i] > 0.0) || !isfinite(d->sample[i]))
                return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, what,
                                    "empirical sample %zu is %g, expected "
                                    "a positive number",
                                    i, d->sample[i]);
        break;
    default:
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, what,
                            "unknown distribution kind %d", (int)d->kind);
    }
    if (d->lo < 0.0 || d->hi < 0.0 || (d->hi > 0.0 && d->hi < d->lo))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, what,
                            "clamp range [%g, %g] is empty or negative",
                            d->lo, d->hi);
    return SIM_OK;
bad:
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, what,
                        "distribution parameters (%g, %g) out of range: "
                        "expected positive, finite values (b >= a for "
                        "uniform)",
                        d->a, d->b);
}

double wl_dist_sample(const wl_dist_t *d, gsl_rng *r)
{
    double x = d->a;

    switch (d->kind) {
    case WL_DIST_FIXED:
        break;
    case WL_DIST_UNIFORM:
        x = d->a + (d->b - d->a) * gsl_rng_uniform(r);
        break;
    case WL_DIST_LOGNORMAL: {
        /* mean m and cv c: sigma² = ln(1 + c²), mu = ln m − sigma²/2 */
        double s2 = log1p(d->b * d->b);
        x = gsl_ran_lognormal(r, log(d->a) - 0.5 * s2, sqrt(s2));
        break;
    }
    case WL_DIST_EXPONENTIAL:
        x = gsl_ran_exponential(r, d->a);
        break;
    case WL_DIST_EMPIRICAL:
        x = d->sample[gsl_rng_uniform_int(r, (unsigned long)d->n)];
        break;
    }
    if (x < d->lo)
        x = d->lo;
    if (d->hi > 0.0 && x > d->hi)
        x = d->hi;
    return x;
}

double wl_dist_mean(const wl_dist_t *d)
{
    switch (d->kind) {
    case WL_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case WL_DIST_EMPIRICAL: {
        double s = 0.0;
        for (size_t i = 0; i < d->n; i++)
            s += d->sample[i];
        return d->n > 0 ? s / (double)d->n : 0.0;
    }
    default:
        return d->a;
    }
}

/* ---- arrival processes ------------------------------------------------- */

static double curve_mean(const double *c)
{
    double s = 0.0;
    for (int i = 0; i < 24; i++)
        s += c[i];
    return s / 24.0; /* periodic, linear between knots: mean of knots */
}

/* The relative curve value at t (periodic, linear between hourly knots). */
static double curve_at(const double *c, double t)
{
    double h = fmod(t / SECONDS_PER_HOUR, 24.0);
    if (h < 0.0)
        h += 24.0;
    int i = (int)floor(h);
    if (i > 23)
        i = 23;
    double f = h - (double)i;
    return c[i] + f * (c[(i + 1) % 24] - c[i]);
}

static double sine_amp(const wl_arrival_t *a)
{
    return (a->peak_to_trough - 1.0) / (a->peak_to_trough + 1.0);
}

sim_err_t wl_arrival_check(const wl_arrival_t *a, sim_diag_t *diag)
{
    if (a->kind == WL_ARR_MIXTURE) {
        if (a->parts == NULL || a->n_parts == 0 ||
            a->n_parts > WL_TRAFFIC_MAX_PARTS)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "traffic.arrival",
                                "a mixture needs 1 to %d components, got "
                                "%zu",
                                WL_TRAFFIC_MAX_PARTS, a->n_parts);
        for (size_t i = 0; i < a->n_parts; i++) {
            if (a->parts[i].kind == WL_ARR_MIXTURE)
                return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0,
                                    "traffic.arrival",
                                    "mixture components cannot be "
                                    "mixtures");
            sim_err_t e = wl_arrival_check(&a->parts[i], diag);
            if (e != SIM_OK)
                return e;
        }
        return SIM_OK;
    }
    if (!(a->rate > 0.0) || !isfinite(a->rate))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "traffic.rate",
                            "rate must be positive and finite, got %g",
                            a->rate);
    switch (a->kind) {
    case WL_ARR_POISSON:
        break;
    case WL_ARR_GAMMA:
        if (!(a->cv > 0.0) || !isfinite(a->cv))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "traffic.cv",
                                "cv must be positive, got %g", a->cv);
        break;
    case WL_ARR_DIURNAL:
        if (a->curve24 != NULL) {
            for (int i = 0; i < 24; i++)
                if (!(a->curve24[i] >= 0.0) || !isfinite(a->curve24[i]))
                    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                        "traffic.curve",
                                        "hour %d of the daily curve is "
                                        "%g, expected >= 0",
                                        i, a->curve24[i]);
            if (!(curve_mean(a->curve24) > 0.0))
                return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                    "traffic.curve",
                                    "the daily curve is all zero");
        } else {
            if (!(a->peak_to_trough >= 1.0) || !isfinite(a->peak_to_trough))
                return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                    "traffic.peak_to_trough",
                                    "peak/trough ratio must be >= 1, got "
                                    "%g",
                                    a->peak_to_trough);
            if (!(a->peak_hour >= 0.0 && a->peak_hour < 24.0))
                return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                    "traffic.peak_hour",
                                    "peak hour must lie in [0, 24), got %g",
                                    a->peak_hour);
        }
        break;
    case WL_ARR_SPIKE:
        if (!(a->spike_factor >= 1.0) || !isfinite(a->spike_factor))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "traffic.spike_factor",
                                "spike factor must be >= 1, got %g",
                                a->spike_factor);
        if (!(a->spike_at_s >= 0.0) || !isfinite(a->spike_at_s))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "traffic.spike_at",
                                "spike time must be >= 0, got %g",
                                a->spike_at_s);
        if (!(a->spike_half_life_s > 0.0) || !isfinite(a->spike_half_life_s))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "traffic.spike_half_life",
                                "half-life must be positive, got %g",
                                a->spike_half_life_s);
        break;
    default:
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "traffic.arrival",
                            "unknown arrival kind %d", (int)a->kind);
    }
    return SIM_OK;
}

double wl_arrival_rate(const wl_arrival_t *a, double t)
{
    switch (a->kind) {
    case WL_ARR_DIURNAL:
        if (a->curve24 != NULL)
            return a->rate * curve_at(a->curve24, t) / curve_mean(a->curve24);
        return a->rate *
               (1.0 + sine_amp(a) * cos(2.0 * PI *
                                        (t - a->peak_hour * SECONDS_PER_HOUR) /
                                        SECONDS_PER_DAY));
    case WL_ARR_SPIKE:
        if (t < a->spike_at_s)
            return a->rate;
        return a->rate * (1.0 + (a->spike_factor - 1.0) *
                                    exp2(-(t - a->spike_at_s) /
                                         a->spike_half_life_s));
    case WL_ARR_MIXTURE: {
        double s = 0.0;
        for (size_t i = 0; i < a->n_parts; i++)
            s += wl_arrival_rate(&a->parts[i], t);
        return s;
    }
    default:
        return a->rate;
    }
}

/* Integral of the 24-point curve's rate over [t0, t1]: exact, segment by
 * segment (the rate is linear inside each hour). */
static double curve_integral(const wl_arrival_t *a, double t0, double t1)
{
    double s = 0.0, t = t0;
    while (t < t1) {
        double end = (floor(t / SECONDS_PER_HOUR) + 1.0) * SECONDS_PER_HOUR;
        if (end > t1)
            end = t1;
        s += 0.5 * (wl_arrival_rate(a, t) + wl_arrival_rate(a, end)) *
             (end - t);
        t = end;
    }
    return s;
}

double wl_arrival_integral(const wl_arrival_t *a, double t0, double t1)
{
    if (!(t1 > t0))
        return 0.0;
    switch (a->kind) {
    case WL_ARR_DIURNAL: {
        if (a->curve24 != NULL)
            return curve_integral(a, t0, t1);
        double w = 2.0 * PI / SECONDS_PER_DAY;
        double tp = a->peak_hour * SECONDS_PER_HOUR;
        return a->rate * ((t1 - t0) + sine_amp(a) / w *
                                          (sin(w * (t1 - tp)) -
                                           sin(w * (t0 - tp))));
    }
    case WL_ARR_SPIKE: {
        double s = a->rate * (t1 - t0);
        if (t1 > a->spike_at_s) {
            double from = t0 > a->spike_at_s ? t0 : a->spike_at_s;
            double h = a->spike_half_life_s;
            s += a->rate * (a->spike_factor - 1.0) * h / LN2 *
                 (exp2(-(from - a->spike_at_s) / h) -
                  exp2(-(t1 - a->spike_at_s) / h));
        }
        return s;
    }
    case WL_ARR_MIXTURE: {
        double s = 0.0;
        for (size_t i = 0; i < a->n_parts; i++)
            s += wl_arrival_integral(&a->parts[i], t0, t1);
        return s;
    }
    default:
        return a->rate * (t1 - t0);
    }
}

/* The next arrival of one component after t. */
static double part_next(part_t *p, double t)
{
    const wl_arrival_t *a = &p->a;

    switch (a->kind) {
    case WL_ARR_POISSON:
        return t + gsl_ran_exponential(p->rng, 1.0 / a->rate);
    case WL_ARR_GAMMA: {
        double shape = 1.0 / (a->cv * a->cv);
        return t + gsl_ran_gamma(p->rng, shape, 1.0 / (a->rate * shape));
    }
    default:
        /* Lewis-Shedler thinning against the constant bound. */
        for (;;) {
            t += gsl_ran_exponential(p->rng, 1.0 / p->bound);
            if (gsl_rng_uniform(p->rng) * p->bound <= wl_arrival_rate(a, t))
                return t;
        }
    }
}

static sim_err_t part_init(part_t *p, const wl_arrival_t *a, uint64_t seed,
                           size_t index)
{
    p->a = *a;
    p->a.parts = NULL;
    p->a.n_parts = 0;
    p->bound = a->rate;
    if (a->kind == WL_ARR_DIURNAL) {
        if (a->curve24 != NULL) {
            double mx = 0.0;
            memcpy(p->curve, a->curve24, sizeof p->curve);
            p->a.curve24 = p->curve;
            for (int i = 0; i < 24; i++)
                mx = fmax(mx, p->curve[i]);
            p->bound = a->rate * mx / curve_mean(p->curve);
        } else {
            p->bound = a->rate * (1.0 + sine_amp(a));
        }
    } else if (a->kind == WL_ARR_SPIKE) {
        p->bound = a->rate * a->spike_factor;
    }
    {
        char name[48]; /* "name#index", the rng module's indexed naming */
        snprintf(name, sizeof name, "traffic.arrivals#%zu", index);
        p->rng = sim_rng_alloc(sim_rng_hash(seed, name));
    }
    if (p->rng == NULL)
        return SIM_ERR_NOMEM;
    p->next_t = part_next(p, 0.0);
    return SIM_OK;
}

/* ---- generators -------------------------------------------------------- */

static sim_err_t copy_sample(wl_dist_t *d, double **own)
{
    *own = NULL;
    if (d->kind != WL_DIST_EMPIRICAL)
        return SIM_OK;
    *own = malloc(d->n * sizeof **own);
    if (*own == NULL)
        return SIM_ERR_NOMEM;
    memcpy(*own, d->sample, d->n * sizeof **own);
    d->sample = *own;
    return SIM_OK;
}

sim_err_t wl_traffic_new(const wl_traffic_spec_t *spec, uint64_t seed,
                         wl_traffic_t **out, sim_diag_t *diag)
{
    wl_traffic_t *g = NULL;
    sim_err_t err;

    *out = NULL;
    err = wl_arrival_check(&spec->arrival, diag);
    if (err != SIM_OK)
        return err;
    if (spec->kind == WL_REQ_LLM) {
        if ((err = wl_dist_check(&spec->prompt, "traffic.prompt_tokens",
                                 diag)) != SIM_OK ||
            (err = wl_dist_check(&spec->output, "traffic.output_tokens",
                                 diag)) != SIM_OK)
            return err;
    } else if (spec->kind == WL_REQ_FIXED_WORK) {
        if ((err = wl_dist_check(&spec->work, "traffic.work", diag)) !=
            SIM_OK)
            return err;
    } else {
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "traffic.kind",
                            "unknown request kind %d", (int)spec->kind);
    }
    if (spec->max_requests < 0 || !(spec->duration_s >= 0.0) ||
        (spec->max_requests == 0 && spec->duration_s == 0.0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "traffic.requests",
                            "give a request count or a duration (both 0 "
                            "or negative)");
    g = calloc(1, sizeof *g);
    if (g == NULL)
        goto nomem;
    g->spec = *spec;
    if (copy_sample(&g->spec.prompt, &g->prompt_sample) != SIM_OK ||
        copy_sample(&g->spec.output, &g->output_sample) != SIM_OK ||
        copy_sample(&g->spec.work, &g->work_sample) != SIM_OK)
        goto nomem;
    if (spec->arrival.kind == WL_ARR_MIXTURE) {
        g->n_parts = spec->arrival.n_parts;
        for (size_t i = 0; i < g->n_parts; i++)
            if (part_init(&g->parts[i], &spec->arrival.parts[i], seed, i) !=
                SIM_OK)
                goto nomem;
    } else {
        g->n_parts = 1;
        if (part_init(&g->parts[0], &spec->arrival, seed, 0) != SIM_OK)
            goto nomem;
    }
    g->spec.arrival.parts = NULL; /* components live in g->parts */
    g->spec.arrival.curve24 = NULL;
    g->r_prompt = sim_rng_alloc(sim_rng_hash(seed, "traffic.prompt"));
    g->r_output = sim_rng_alloc(sim_rng_hash(seed, "traffic.output"));
    g->r_work = sim_rng_alloc(sim_rng_hash(seed, "traffic.work"));
    if (g->r_prompt == NULL || g->r_output == NULL || g->r_work == NULL)
        goto nomem;
    *out = g;
    return SIM_OK;
nomem:
    wl_traffic_free(g);
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory building a traffic generator");
}

void wl_traffic_free(wl_traffic_t *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < WL_TRAFFIC_MAX_PARTS; i++)
        if (g->parts[i].rng != NULL)
            gsl_rng_free(g->parts[i].rng);
    if (g->r_prompt != NULL)
        gsl_rng_free(g->r_prompt);
    if (g->r_output != NULL)
        gsl_rng_free(g->r_output);
    if (g->r_work != NULL)
        gsl_rng_free(g->r_work);
    free(g->prompt_sample);
    free(g->output_sample);
    free(g->work_sample);
    free(g);
}

static int64_t tokens(double x)
{
    double r = nearbyint(x);
    if (r < 1.0)
        return 1;
    if (r > 1e12) /* far beyond any context window; keeps int64 safe */
        return (int64_t)1e12;
    return (int64_t)r;
}

int wl_traffic_next(wl_traffic_t *g, wl_request_t *out)
{
    size_t best = 0;

    if (g->spec.max_requests > 0 && g->count >= g->spec.max_requests)
        return 0;
    for (size_t i = 1; i < g->n_parts; i++)
        if (g->parts[i].next_t < g->parts[best].next_t)
            best = i;
    double t = g->parts[best].next_t;
    if (g->spec.duration_s > 0.0 && t > g->spec.duration_s)
        return 0;
    g->parts[best].next_t = part_next(&g->parts[best], t);

    memset(out, 0, sizeof *out);
    out->arrival_s = t;
    out->kind = g->spec.kind;
    if (g->spec.kind == WL_REQ_LLM) {
        out->prompt_tokens = tokens(wl_dist_sample(&g->spec.prompt,
                                                   g->r_prompt));
        out->output_tokens = tokens(wl_dist_sample(&g->spec.output,
                                                   g->r_output));
    } else {
        out->work_s = wl_dist_sample(&g->spec.work, g->r_work);
        if (!(out->work_s > 0.0))
            out->work_s = 1e-9; /* a clamped draw of 0: 1 ns of work */
    }
    g->count++;
    return 1;
}

static int traffic_stream_next(void *ctx, wl_request_t *out)
{
    return wl_traffic_next(ctx, out);
}

wl_request_stream_t wl_traffic_stream(wl_traffic_t *g)
{
    wl_request_stream_t s = {traffic_stream_next, g};
    return s;
}

int64_t wl_traffic_count(const wl_traffic_t *g)
{
    return g->count;
}
