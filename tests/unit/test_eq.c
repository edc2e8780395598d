/*
 * test_eq.c — the event queue against a naive reference.
 *
 * The reference is an unsorted array scanned for its minimum by (time,
 * priority, sequence), with the sequence numbering the queue promises
 * (one per push and per reschedule).  Random operation programs — pushes,
 * pops, cancels (of live and stale handles), reschedules, peeks — with
 * many equal times and priorities run on both, in the default layout, in
 * heap-only mode, and switching mode half-way; every pop must agree and
 * sim_eq_check must pass throughout.  Further programs aim at the
 * bucket/run structure: dense equal times (buckets that are already sorted
 * and become the run), heavily skewed times (large unsorted buckets that go
 * to the heap), far-future events (overflow and rebuilds), and a hold
 * model with cancels and reschedules across the window.
 *
 * Also here: sim_rng_exponential (the ziggurat draw the hold benchmark
 * uses) — moments, a Kolmogorov-Smirnov check against 1 - exp(-x), the
 * tail's mass, determinism and the fallback for other generator types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/engine/eq.h"
#include "sim/engine/rng.h"
#include "tests/unit/assert_close.h"

static void nop(void *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
}

static void other(void *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
}

static void assert_queue_ok(const sim_eq_t *q)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_eq_check(q, &d);
    if (err != SIM_OK)
        fail_msg("sim_eq_check: %s", d.msg);
}

/* ---- reference model ------------------------------------------------ */

typedef struct ref_ev {
    sim_time_t time;
    int prio;
    uint64_t seq;
    uintptr_t id;
    sim_eq_handle_t h;
    int live;
} ref_ev_t;

typedef struct ref {
    ref_ev_t *ev;
    size_t n, cap;
    uint64_t seq;
} ref_t;

static int ref_before(const ref_ev_t *a, const ref_ev_t *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static ref_ev_t *ref_min(ref_t *r)
{
    ref_ev_t *best = NULL;
    size_t i;
    for (i = 0; i < r->n; i++)
        if (r->ev[i].live && (best == NULL || ref_before(&r->ev[i], best)))
            best = &r->ev[i];
    return best;
}

static size_t ref_live(const ref_t *r)
{
    size_t i, c = 0;
    for (i = 0; i < r->n; i++)
        c += r->ev[i].live != 0;
    return c;
}

/* A random live event (or NULL). */
static ref_ev_t *ref_pick_live(ref_t *r, gsl_rng *g)
{
    size_t tries;
    if (ref_live(r) == 0)
        return NULL;
    for (tries = 0; tries < 1000000; tries++) {
        ref_ev_t *e = &r->ev[gsl_rng_uniform_int(g, r->n)];
        if (e->live)
            return e;
    }
    return NULL;
}

typedef struct prog {
    unsigned long time_range;   /* times drawn from [base, base + range) */
    int prio_range;             /* priorities from [-p, p] */
    int monotone;               /* never push before the last popped time */
    int extremes;               /* sometimes use SIM_TIME_MIN / MAX / far */
    int mode;                   /* 0 default, 1 heap only, 2 switch midway */
    int skew;                   /* times base + range * u^skew (0: uniform) */
} prog_t;

static sim_time_t draw_time(gsl_rng *g, const prog_t *p, sim_time_t floor_t)
{
    sim_time_t base = p->monotone ? floor_t : 0;
    if (p->extremes) {
        switch (gsl_rng_uniform_int(g, 20)) {
        case 0:
            return SIM_TIME_MAX;
        case 1:
            return p->monotone ? base : SIM_TIME_MIN;
        case 2:
            return base + (sim_time_t)gsl_rng_uniform_int(g, 1000000000UL) *
                              1000000;
        default:
            break;
        }
    }
    if (base > SIM_TIME_MAX - (sim_time_t)p->time_range)
        return SIM_TIME_MAX;
    if (p->skew > 0)
        return base + (sim_time_t)((double)p->time_range *
                                   pow(gsl_rng_uniform(g), p->skew));
    return base + (sim_time_t)gsl_rng_uniform_int(g, p->time_range);
}

static void run_program(uint64_t seed, const prog_t *p, int ops)
{
    gsl_rng *g = sim_rng_alloc(seed);
    sim_eq_t *q = sim_eq_new(4);
    ref_t r = {NULL, 0, 0, 0};
    sim_time_t last_pop = 0;
    uintptr_t next_id = 1;
    int i;

    assert_non_null(g);
    assert_non_null(q);
    r.cap = (size_t)ops + 1;
    r.ev = calloc(r.cap, sizeof *r.ev);
    assert_non_null(r.ev);
    if (p->mode == 1)
        sim_eq_use_heap_only(q);

    for (i = 0; i < ops; i++) {
        unsigned long op = gsl_rng_uniform_int(g, 100);
        if (p->mode == 2 && i == ops / 2)
            sim_eq_use_heap_only(q);
        if (op < 40) { /* push */
            ref_ev_t *e = &r.ev[r.n++];
            e->time = draw_time(g, p, last_pop);
            e->prio = (int)gsl_rng_uniform_int(g, 2 * p->prio_range + 1) -
                      p->prio_range;
            e->seq = r.seq++;
            e->id = next_id++;
            e->live = 1;
            assert_int_equal(sim_eq_push(q, e->time, e->prio, nop, q,
                                         (void *)e->id, &e->h), SIM_OK);
            assert_true(sim_eq_pending(q, e->h));
        } else if (op < 75) { /* pop */
            ref_ev_t *want = ref_min(&r);
            sim_eq_event_t got;
            assert_int_equal(sim_eq_peek_time(q),
                             want ? want->time : SIM_TIME_MAX);
            if (want == NULL) {
                assert_false(sim_eq_pop(q, &got));
                continue;
            }
            assert_true(sim_eq_pop(q, &got));
            assert_int_equal(got.time, want->time);
            assert_int_equal(got.prio, want->prio);
            assert_int_equal((uintptr_t)got.arg, want->id);
            assert_ptr_equal(got.ctx, q);
            assert_true(got.fn == nop);
            want->live = 0;
            assert_false(sim_eq_pending(q, want->h));
            if (p->monotone && got.time != SIM_TIME_MAX)
                last_pop = got.time;
        } else if (op < 87) { /* cancel: live, or a stale/null handle */
            ref_ev_t *e = NULL;
            if (r.n > 0 && gsl_rng_uniform_int(g, 4) == 0) {
                e = &r.ev[gsl_rng_uniform_int(g, r.n)];
                assert_int_equal(sim_eq_cancel(q, e->h), e->live);
            } else if ((e = ref_pick_live(&r, g)) != NULL) {
                assert_true(sim_eq_cancel(q, e->h));
            } else {
                assert_false(sim_eq_cancel(q, SIM_EQ_HANDLE_NULL));
            }
            if (e != NULL) {
                e->live = 0;
                assert_false(sim_eq_cancel(q, e->h)); /* twice: no-op */
            }
        } else { /* reschedule */
            ref_ev_t *e = ref_pick_live(&r, g);
            if (e == NULL) {
                assert_int_equal(sim_eq_reschedule(q, SIM_EQ_HANDLE_NULL, 5),
                                 SIM_ERR_NOTFOUND);
                continue;
            }
            e->time = draw_time(g, p, last_pop);
            e->seq = r.seq++;
            assert_int_equal(sim_eq_reschedule(q, e->h, e->time), SIM_OK);
            assert_int_equal(sim_eq_time_of(q, e->h), e->time);
        }
        assert_int_equal(sim_eq_size(q), ref_live(&r));
        if (i % 97 == 0)
            assert_queue_ok(q);
    }
    /* Drain: the rest must come out in reference order. */
    for (;;) {
        ref_ev_t *want = ref_min(&r);
        sim_eq_event_t got;
        if (want == NULL)
            break;
        assert_true(sim_eq_pop(q, &got));
        assert_int_equal(got.time, want->time);
        assert_int_equal((uintptr_t)got.arg, want->id);
        want->live = 0;
    }
    assert_false(sim_eq_pop(q, NULL));
    assert_int_equal(sim_eq_size(q), 0);
    assert_queue_ok(q);
    free(r.ev);
    sim_eq_free(q);
    gsl_rng_free(g);
}

static void test_random_programs(void **state)
{
    static const prog_t progs[] = {
        {8, 0, 0, 0, 0, 0},          /* heavy ties, one priority */
        {8, 2, 1, 0, 0, 0},          /* heavy ties, monotone like the engine */
        {1000, 3, 1, 0, 0, 0},
        {100000, 1, 0, 0, 0, 0},
        {50, 2, 0, 1, 0, 0},         /* extremes: MIN, MAX, far future */
        {5000, 2, 1, 1, 0, 0},
        {8, 2, 0, 0, 1, 0},          /* heap-only mode */
        {1000, 2, 1, 1, 1, 0},
        {30, 2, 1, 0, 2, 0},         /* switch to heap-only half-way */
        {100000, 0, 0, 1, 2, 0},
        {4, 0, 1, 0, 0, 0},       /* dense equal times: sorted runs */
        {3, 3, 1, 0, 0, 0},       /* dense, mixed priorities: sorting */
        {1000000, 1, 1, 0, 0, 12},/* skewed: big unsorted buckets */
        {1000000, 0, 0, 1, 0, 6}, /* skewed plus MIN / MAX / far future */
    };
    size_t i;
    uint64_t seed;
    (void)state;
    for (i = 0; i < sizeof progs / sizeof progs[0]; i++)
        for (seed = 1; seed <= 3; seed++)
            run_program(seed * 7919 + i, &progs[i], 4000);
}

/* Large queues exercise bucket rebuilds with thousands of events. */
static void test_large_program(void **state)
{
    static const prog_t big = {200000, 1, 1, 0, 0, 0};
    static const prog_t wild = {3000, 1, 0, 1, 0, 0};
    static const prog_t skewed = {1000000000, 0, 1, 1, 0, 20};
    (void)state;
    run_program(99, &big, 20000);
    run_program(100, &wild, 20000);
    run_program(101, &skewed, 20000);
}

/*
 * The hold model against the reference: a few thousand pending events,
 * each pop followed by a push at its time plus an exponential delay
 * (integer ns, so many equal times — the benchmark's pattern), with
 * cancels and reschedules of random live events mixed in, some far ahead
 * (beyond the bucket window) and some back into the front.
 */
static void test_hold_model(void **state)
{
    enum { PENDING = 3000, OPS = 40000 };
    gsl_rng *g = sim_rng_alloc(2024);
    sim_eq_t *q = sim_eq_new(16);
    ref_t r = {NULL, 0, 0, 0};
    uintptr_t next_id = 1;
    sim_time_t now = 0;
    int i;
    (void)state;
    assert_non_null(g);
    assert_non_null(q);
    r.cap = PENDING + OPS + 1;
    r.ev = calloc(r.cap, sizeof *r.ev);
    assert_non_null(r.ev);
    for (i = 0; i < PENDING + OPS; i++) {
        unsigned long op = gsl_rng_uniform_int(g, 100);
        ref_ev_t *e;
        if (i >= PENDING && op < 45) { /* pop */
            ref_ev_t *want = ref_min(&r);
            sim_eq_event_t got;
            assert_non_null(want);
            assert_true(sim_eq_pop(q, &got));
            assert_int_equal(got.time, want->time);
            assert_int_equal((uintptr_t)got.arg, want->id);
            want->live = 0;
            now = got.time;
            continue;
        }
        if (i >= PENDING && op < 50) { /* cancel */
            if ((e = ref_pick_live(&r, g)) != NULL) {
                assert_true(sim_eq_cancel(q, e->h));
                e->live = 0;
            }
            continue;
        }
        if (i >= PENDING && op < 56) { /* reschedule: front, near or far */
            if ((e = ref_pick_live(&r, g)) == NULL)
                continue;
            e->time = now + (op == 50 ? 0 : op == 51 ? 100000 : 1) *
                                (sim_time_t)ceil(gsl_ran_exponential(g, 20.0));
            e->seq = r.seq++;
            assert_int_equal(sim_eq_reschedule(q, e->h, e->time), SIM_OK);
            continue;
        }
        e = &r.ev[r.n++];
        e->time = now + (sim_time_t)ceil(sim_rng_exponential(g, 1000.0));
        if (op == 99)
            e->time = now + 1000000000; /* far future */
        e->prio = op % 7 == 0 ? 1 : 0;
        e->seq = r.seq++;
        e->id = next_id++;
        e->live = 1;
        assert_int_equal(sim_eq_push(q, e->time, e->prio, nop, q,
                                     (void *)e->id, &e->h), SIM_OK);
        if (i % 499 == 0)
            assert_queue_ok(q);
    }
    assert_int_equal(sim_eq_size(q), ref_live(&r));
    assert_queue_ok(q);
    free(r.ev);
    sim_eq_free(q);
    gsl_rng_free(g);
}

/* Cancelling and rescheduling inside the sorted run, at its head and
 * behind it, keeps order and the self-test happy. */
static void test_run_cancel(void **state)
{
    sim_eq_t *q = sim_eq_new(0);
    sim_eq_handle_t h[200];
    sim_eq_event_t ev;
    int i;
    (void)state;
    assert_non_null(q);
    /* 100 events at time 10, 100 at time 20: two sorted buckets. */
    for (i = 0; i < 200; i++)
        assert_int_equal(sim_eq_push(q, i < 100 ? 10 : 20, 0, nop, NULL,
                                     (void *)(uintptr_t)i, &h[i]), SIM_OK);
    assert_true(sim_eq_pop(q, &ev)); /* makes the time-10 bucket the run */
    assert_int_equal((uintptr_t)ev.arg, 0);
    assert_true(sim_eq_cancel(q, h[1]));     /* the run's head */
    assert_true(sim_eq_cancel(q, h[2]));
    assert_true(sim_eq_cancel(q, h[50]));    /* behind the head */
    assert_int_equal(sim_eq_reschedule(q, h[3], 10), SIM_OK); /* to the end */
    assert_int_equal(sim_eq_reschedule(q, h[4], 5), SIM_OK);  /* before all */
    assert_int_equal(sim_eq_reschedule(q, h[5], 20), SIM_OK); /* next bucket */
    assert_int_equal(sim_eq_push(q, 10, -1, other, NULL, (void *)999, NULL),
                     SIM_OK);                /* front, sorts early */
    assert_queue_ok(q);
    assert_true(sim_eq_pop(q, &ev));
    assert_int_equal((uintptr_t)ev.arg, 4);
    assert_true(sim_eq_pop(q, &ev));
    assert_int_equal((uintptr_t)ev.arg, 999);
    assert_true(ev.fn == other);
    for (i = 6; i < 100; i++) {
        if (i == 50)
            continue;
        assert_true(sim_eq_pop(q, &ev));
        assert_int_equal((uintptr_t)ev.arg, (uintptr_t)i);
    }
    assert_true(sim_eq_pop(q, &ev));
    assert_int_equal((uintptr_t)ev.arg, 3);
    assert_int_equal(ev.time, 10);
    for (i = 100; i < 200; i++) {
        assert_true(sim_eq_pop(q, &ev));
        assert_int_equal((uintptr_t)ev.arg, (uintptr_t)i);
    }
    assert_true(sim_eq_pop(q, &ev));
    assert_int_equal((uintptr_t)ev.arg, 5);
    assert_false(sim_eq_pop(q, NULL));
    assert_queue_ok(q);
    sim_eq_free(q);
}

/* ---- sim_rng_exponential ------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_exponential_moments(void **state)
{
    enum { N = 1000000 };
    gsl_rng *g = sim_rng_alloc(7);
    double sum = 0, sum2 = 0, mean, var;
    size_t tail = 0, i;
    (void)state;
    assert_non_null(g);
    for (i = 0; i < N; i++) {
        double x = sim_rng_exponential(g, 1.0);
        assert_true(x >= 0 && isfinite(x));
        sum += x;
        sum2 += x * x;
        tail += x > 7.69711747013104972; /* drawn from the base strip's tail */
    }
    mean = sum / N;
    var = sum2 / N - mean * mean;
    /* Exp(1): mean 1 (sd of the mean 1e-3), variance 1 (sd ~2.8e-3);
     * tolerances are 5 sd. */
    assert_close_abs(mean, 1.0, 5e-3);
    assert_close_abs(var, 1.0, 1.5e-2);
    /* P(X > r) = exp(-r) = 4.54e-4: 454 expected, sd 21. */
    assert_true(fabs((double)tail - N * exp(-7.69711747013104972)) < 110);
    /* The mean scales. */
    sum = 0;
    for (i = 0; i < 100000; i++)
        sum += sim_rng_exponential(g, 2.5e-6);
    assert_close(sum / 100000, 2.5e-6, 0.02);
    gsl_rng_free(g);
}

static void test_exponential_ks(void **state)
{
    enum { N = 100000 };
    gsl_rng *g = sim_rng_alloc(11);
    double *x = malloc(N * sizeof *x), d = 0;
    size_t i;
    (void)state;
    assert_non_null(g);
    assert_non_null(x);
    for (i = 0; i < N; i++)
        x[i] = sim_rng_exponential(g, 1.0);
    qsort(x, N, sizeof *x, cmp_double);
    for (i = 0; i < N; i++) {
        double f = 1.0 - exp(-x[i]);
        double lo = f - (double)i / N, hi = (double)(i + 1) / N - f;
        d = lo > d ? lo : d;
        d = hi > d ? hi : d;
    }
    /* Kolmogorov-Smirnov: the 1% critical value is 1.63 / sqrt(N). */
    assert_true(d < 1.63 / sqrt((double)N));
    /* A wrong distribution fails the same test: Exp with mean 1.02. */
    for (i = 0; i < N; i++)
        x[i] = sim_rng_exponential(g, 1.02);
    qsort(x, N, sizeof *x, cmp_double);
    d = 0;
    for (i = 0; i < N; i++) {
        double f = 1.0 - exp(-x[i]), lo = f - (double)i / N;
        d = lo > d ? lo : d;
    }
    assert_true(d > 1.63 / sqrt((double)N));
    free(x);
    gsl_rng_free(g);
}

static void test_exponential_determinism(void **state)
{
    gsl_rng *a = sim_rng_alloc(99), *b = sim_rng_alloc(99);
    gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
    int i;
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(m1);
    assert_non_null(m2);
    for (i = 0; i < 1000; i++)
        assert_true(sim_rng_exponential(a, 3.0) == sim_rng_exponential(b, 3.0));
    /* Another generator type: exactly gsl_ran_exponential's draw. */
    for (i = 0; i < 100; i++)
        assert_true(sim_rng_exponential(m1, 3.0) == gsl_ran_exponential(m2, 3.0));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(m1);
    gsl_rng_free(m2);
}

static void test_stale_handles(void **state)
{
    sim_eq_t *q = sim_eq_new(0);
    sim_eq_handle_t a, b;
    sim_eq_event_t ev;
    (void)state;
    assert_non_null(q);
    assert_false(sim_eq_cancel(q, SIM_EQ_HANDLE_NULL));
    assert_false(sim_eq_pending(q, SIM_EQ_HANDLE_NULL));
    assert_int_equal(sim_eq_push(q, 10, 0, nop, NULL, NULL, &a), SIM_OK);
    assert_int_equal(sim_eq_push(q, 20, 0, nop, NULL, NULL, &b), SIM_OK);
    assert_true(sim_eq_pop(q, &ev));
    assert_int_equal(ev.time, 10);
    /* a fired: every handle operation reports it and changes nothing */
    assert_false(sim_eq_pending(q, a));
    assert_false(sim_eq_cancel(q, a));
    assert_int_equal(sim_eq_reschedule(q, a, 5), SIM_ERR_NOTFOUND);
    assert_int_equal(sim_eq_time_of(q, a), SIM_TIME_MAX);
    assert_int_equal(sim_eq_size(q), 1);
    /* b cancelled: the same */
    assert_true(sim_eq_cancel(q, b));
    assert_false(sim_eq_cancel(q, b));
    assert_int_equal(sim_eq_size(q), 0);
    assert_false(sim_eq_pop(q, &ev));
    assert_int_equal(sim_eq_peek_time(q), SIM_TIME_MAX);
    /* a forged handle with an even generation or a slot out of range */
    b.gen = 2;
    assert_false(sim_eq_pending(q, b));
    b.slot = 1000000;
    b.gen = 1;
    assert_false(sim_eq_cancel(q, b));
    assert_queue_ok(q);
    sim_eq_free(q);
    sim_eq_free(NULL);
}

static void test_pool_reuse(void **state)
{
    sim_eq_t *q = sim_eq_new(2);
    sim_eq_handle_t old, neu, hs[100];
    sim_eq_event_t ev;
    int i;
    (void)state;
    assert_non_null(q);
    assert_int_equal(sim_eq_push(q, 1, 0, nop, NULL, NULL, &old), SIM_OK);
    assert_true(sim_eq_pop(q, NULL));
    assert_int_equal(sim_eq_push(q, 2, 0, other, NULL, NULL, &neu), SIM_OK);
    /* The slot is reused; the generation tells the two apart. */
    assert_int_equal(neu.slot, old.slot);
    assert_int_not_equal(neu.gen, old.gen);
    assert_false(sim_eq_cancel(q, old));
    assert_int_equal(sim_eq_reschedule(q, old, 0), SIM_ERR_NOTFOUND);
    assert_true(sim_eq_pending(q, neu));
    assert_int_equal(sim_eq_time_of(q, neu), 2);
    /* Growth past the initial capacity keeps every handle valid. */
    for (i = 0; i < 100; i++)
        assert_int_equal(sim_eq_push(q, 100 - i, 0, nop, NULL,
                                     (void *)(uintptr_t)i, &hs[i]), SIM_OK);
    for (i = 0; i < 100; i++)
        assert_int_equal(sim_eq_time_of(q, hs[i]), 100 - i);
    assert_true(sim_eq_pop(q, &ev)); /* time 1 */
    assert_int_equal((uintptr_t)ev.arg, 99);
    assert_true(sim_eq_pop(q, &ev)); /* time 2: the reused slot's event */
    assert_true(ev.fn == other);
    assert_queue_ok(q);
    sim_eq_free(q);
}

static void test_tie_rules(void **state)
{
    sim_eq_t *q = sim_eq_new(0);
    sim_eq_handle_t h[6];
    sim_eq_event_t ev;
    /* pushed order, (time, prio) */
    static const struct { sim_time_t t; int p; } in[6] = {
        {5, 0}, {5, -1}, {5, 0}, {4, 3}, {5, SIM_EQ_PRIO_MIN}, {5, SIM_EQ_PRIO_MAX}};
    static const int want[6] = {3, 4, 1, 0, 2, 5};
    int i;
    (void)state;
    assert_non_null(q);
    for (i = 0; i < 6; i++)
        assert_int_equal(sim_eq_push(q, in[i].t, in[i].p, nop, NULL,
                                     (void *)(uintptr_t)i, &h[i]), SIM_OK);
    /* Rescheduling 0 to its own time moves it behind 2 (same time, prio). */
    assert_int_equal(sim_eq_reschedule(q, h[0], 5), SIM_OK);
    for (i = 0; i < 6; i++) {
        int w = want[i] == 0 ? 2 : want[i] == 2 ? 0 : want[i];
        assert_true(sim_eq_pop(q, &ev));
        assert_int_equal((uintptr_t)ev.arg, (uintptr_t)w);
        assert_int_equal(ev.prio, in[w].p);
    }
    sim_eq_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
        cmocka_unit_test(test_large_program),
        cmocka_unit_test(test_stale_handles),
        cmocka_unit_test(test_pool_reuse),
        cmocka_unit_test(test_tie_rules),
        cmocka_unit_test(test_hold_model),
        cmocka_unit_test(test_run_cancel),
        cmocka_unit_test(test_exponential_moments),
        cmocka_unit_test(test_exponential_ks),
        cmocka_unit_test(test_exponential_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
