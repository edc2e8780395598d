/*
 * bench_hold.c — the classic hold model on the event queue and the engine.
 *
 * Hold model (Jones, "An empirical comparison of priority-queue and
 * event-set implementations", CACM 29(4), 1986): keep N events pending;
 * repeatedly pop the first and push one at its time plus an exponential
 * delay (mean 1 us, a fresh sim_rng_exponential draw — the ziggurat — on a
 * seeded xoshiro256** stream, rounded up to whole ns as models round
 * completions).  Measured for N = 10^3, 10^5, 10^6:
 *   rng-gsl the delay draws alone with gsl_ran_exponential (the old draw);
 *   rng    the delay draws alone (the floor any queue pays here);
 *   heap   sim_eq_pop + sim_eq_push, queue in plain 4-ary heap mode
 *          (sim_eq_use_heap_only), for comparison;
 *   queue  the same with the default layout (front heap + buckets);
 *   engine sim_engine_run, each handler rescheduling itself via
 *          sim_engine_schedule_after (the path models take).
 * Each size is warmed up with N holds before timing.  Prints wall seconds,
 * events/s and peak RSS (getrusage ru_maxrss, the process peak so far —
 * sizes run in increasing order).  Never fails on time.
 *
 * Usage: bench_hold [holds per size [pending]]
 *        (defaults: 10^7 holds; sizes 10^3, 10^5 and 10^6)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_randist.h>

#include "sim/engine/engine.h"
#include "sim/engine/eq.h"
#include "sim/engine/rng.h"

#define MEAN_DELAY_S 1e-6

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

static sim_time_t draw_delay(gsl_rng *r)
{
    return sim_time_from_s_ceil(sim_rng_exponential(r, MEAN_DELAY_S));
}

static sim_time_t draw_delay_gsl(gsl_rng *r)
{
    return sim_time_from_s_ceil(gsl_ran_exponential(r, MEAN_DELAY_S));
}

static void nop(void *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
}

static void report(const char *what, size_t n, uint64_t ops, double secs)
{
    printf("%-7s pending %8zu  holds %10" PRIu64 "  wall %7.3f s  "
           "%7.2f M events/s  %6.1f ns/event  peak RSS %7.1f MiB\n",
           what, n, ops, secs, (double)ops / secs * 1e-6,
           secs / (double)ops * 1e9, (double)peak_rss_kib() / 1024.0);
}

static int bench_rng(size_t n, uint64_t ops, bool gsl)
{
    gsl_rng *r = sim_rng_alloc(42);
    volatile sim_time_t sink = 0;
    double t0;
    uint64_t i;

    if (r == NULL)
        return -1;
    t0 = wall_now();
    if (gsl) {
        for (i = 0; i < ops; i++)
            sink += draw_delay_gsl(r);
    } else {
        for (i = 0; i < ops; i++)
            sink += draw_delay(r);
    }
    report(gsl ? "rng-gsl" : "rng", n, ops, wall_now() - t0);
    gsl_rng_free(r);
    return 0;
}

static int bench_queue(size_t n, uint64_t ops, bool heap_only)
{
    sim_eq_t *q = sim_eq_new(n);
    gsl_rng *r = sim_rng_alloc(42);
    sim_eq_event_t ev;
    double t0;
    uint64_t i;
    size_t k;
    int rc = -1;

    if (q == NULL || r == NULL)
        goto done;
    if (heap_only)
        sim_eq_use_heap_only(q);
    for (k = 0; k < n; k++)
        if (sim_eq_push(q, draw_delay(r), 0, nop, NULL, NULL, NULL) != SIM_OK)
            goto done;
    for (i = 0; i < n; i++) { /* warm-up: reach the steady state */
        sim_eq_pop(q, &ev);
        sim_eq_push(q, ev.time + draw_delay(r), 0, nop, NULL, NULL, NULL);
    }
    t0 = wall_now();
    for (i = 0; i < ops; i++) {
        sim_eq_pop(q, &ev);
        if (sim_eq_push(q, ev.time + draw_delay(r), 0, nop, NULL, NULL,
                        NULL) != SIM_OK)
            goto done;
    }
    report(heap_only ? "heap" : "queue", n, ops, wall_now() - t0);
    rc = 0;
done:
    sim_eq_free(q);
    gsl_rng_free(r);
    return rc;
}

typedef struct hold_model {
    sim_engine_t *eng;
    gsl_rng *r;
    uint64_t left;
} hold_model_t;

static void hold_event(void *ctx, void *arg)
{
    hold_model_t *m = ctx;
    sim_err_t err;

    (void)arg;
    if (m->left == 0) {
        sim_engine_stop(m->eng);
        return;
    }
    m->left--;
    err = sim_engine_schedule_after(m->eng, draw_delay(m->r),
                                    SIM_EQ_PRIO_DEFAULT, hold_event, m, NULL,
                                    NULL);
    if (err != SIM_OK)
        sim_engine_fail(m->eng, err);
}

static int bench_engine(size_t n, uint64_t ops)
{
    hold_model_t m = {NULL, NULL, 0};
    double t0;
    size_t k;
    int rc = -1;

    m.eng = sim_engine_new(42);
    if (m.eng == NULL)
        goto done;
    m.r = sim_engine_stream(m.eng, "hold");
    if (m.r == NULL)
        goto done;
    for (k = 0; k < n; k++)
        if (sim_engine_schedule_after(m.eng, draw_delay(m.r), 0, hold_event,
                                      &m, NULL, NULL) != SIM_OK)
            goto done;
    m.left = n;
    if (sim_engine_run(m.eng, SIM_TIME_MAX) != SIM_OK)
        goto done;
    m.left = ops;
    t0 = wall_now();
    if (sim_engine_run(m.eng, SIM_TIME_MAX) != SIM_OK)
        goto done;
    report("engine", n, ops, wall_now() - t0);
    rc = 0;
done:
    sim_engine_free(m.eng);
    return rc;
}

int main(int argc, char **argv)
{
    size_t sizes[] = {1000, 100000, 1000000};
    size_t nsizes = sizeof sizes / sizeof sizes[0];
    uint64_t ops = 10000000;
    size_t i;

    if (argc > 1)
        ops = strtoull(argv[1], NULL, 10);
    if (ops == 0)
        ops = 1;
    if (argc > 2) {
        sizes[0] = strtoul(argv[2], NULL, 10);
        nsizes = 1;
    }
    printf("bench_hold: hold model, exponential delays (mean 1 us), "
           "%" PRIu64 " holds per size\n", ops);
    for (i = 0; i < nsizes; i++) {
        if (bench_rng(sizes[i], ops, true) != 0 ||
            bench_rng(sizes[i], ops, false) != 0 ||
            bench_queue(sizes[i], ops, true) != 0 ||
            bench_queue(sizes[i], ops, false) != 0 ||
            bench_engine(sizes[i], ops) != 0) {
            fprintf(stderr, "bench_hold: out of memory at %zu pending\n",
                    sizes[i]);
            return 1;
        }
    }
    return 0;
}
