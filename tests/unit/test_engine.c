/*
 * test_engine.c — the run loop (order, clock, cancel and stop from
 * handlers, run-until, determinism) and the library guard (GSL and igraph
 * errors come back as codes instead of aborting).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_log.h>
#include <igraph/igraph.h>

#include "sim/engine/engine.h"
#include "sim/engine/libguard.h"

#define TRACE_MAX 4096

/* A model that records which events fired, and when. */
typedef struct trace {
    sim_engine_t *eng;
    int n;
    int id[TRACE_MAX];
    sim_time_t at[TRACE_MAX];
    sim_time_t last;
    sim_eq_handle_t victim;     /* cancelled by event "canceller" */
    int cancel_result;
} trace_t;

static void record(void *ctx, void *arg)
{
    trace_t *t = ctx;
    sim_time_t now = sim_engine_now(t->eng);
    assert_true(now >= t->last); /* the clock never goes back */
    t->last = now;
    assert_true(t->n < TRACE_MAX);
    t->id[t->n] = (int)(intptr_t)arg;
    t->at[t->n] = now;
    t->n++;
}

static trace_t *trace_new(uint64_t seed)
{
    trace_t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->eng = sim_engine_new(seed);
    assert_non_null(t->eng);
    return t;
}

static void trace_free(trace_t *t)
{
    sim_engine_free(t->eng);
    free(t);
}

static void at(trace_t *t, sim_time_t when, int prio, int id)
{
    assert_int_equal(sim_engine_schedule_at(t->eng, when, prio, record, t,
                                            (void *)(intptr_t)id, NULL),
                     SIM_OK);
}

static void test_order(void **state)
{
    trace_t *t = trace_new(1);
    /* (time, prio) pushed scrambled; ids are the expected firing rank */
    (void)state;
    at(t, 30, 0, 6);
    at(t, 10, 0, 1);
    at(t, 20, 1, 5);
    at(t, 10, 0, 2);
    at(t, 20, -5, 3);
    at(t, 5, 9, 0);
    at(t, 20, 0, 4);
    assert_int_equal(sim_engine_pending(t->eng), 7);
    assert_int_equal(sim_engine_next_time(t->eng), 5);
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(t->n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(t->id[i], i);
    assert_int_equal(sim_engine_now(t->eng), 30);
    assert_int_equal(sim_engine_events(t->eng), 7);
    trace_free(t);
}

static void test_no_scheduling_in_the_past(void **state)
{
    trace_t *t = trace_new(1);
    sim_eq_handle_t h;
    (void)state;
    at(t, 100, 0, 1);
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(sim_engine_now(t->eng), 100);
    assert_int_equal(sim_engine_schedule_at(t->eng, 99, 0, record, t, NULL, &h),
                     SIM_ERR_RANGE);
    assert_false(sim_engine_cancel(t->eng, h)); /* null handle on error */
    assert_int_equal(sim_engine_schedule_after(t->eng, -1, 0, record, t, NULL, NULL),
                     SIM_ERR_RANGE);
    /* A huge delay saturates to "never" instead of wrapping into the past. */
    assert_int_equal(sim_engine_schedule_after(t->eng, SIM_TIME_MAX, 0, record,
                                               t, (void *)7, &h), SIM_OK);
    assert_int_equal(sim_engine_reschedule(t->eng, h, 50), SIM_ERR_RANGE);
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(t->n, 1);          /* SIM_TIME_MAX never fires */
    assert_int_equal(sim_engine_pending(t->eng), 1);
    assert_int_equal(sim_engine_reschedule(t->eng, h, 200), SIM_OK);
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->at[1], 200);
    assert_int_equal(sim_engine_reschedule(t->eng, h, 300), SIM_ERR_NOTFOUND);
    trace_free(t);
}

static void canceller(void *ctx, void *arg)
{
    trace_t *t = ctx;
    record(ctx, arg);
    t->cancel_result = sim_engine_cancel(t->eng, t->victim);
}

static void test_cancel_inside_handler(void **state)
{
    trace_t *t = trace_new(1);
    (void)state;
    assert_int_equal(sim_engine_schedule_at(t->eng, 10, 0, canceller, t,
                                            (void *)1, NULL), SIM_OK);
    assert_int_equal(sim_engine_schedule_at(t->eng, 20, 0, record, t,
                                            (void *)2, &t->victim), SIM_OK);
    at(t, 30, 0, 3);
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(t->cancel_result, 1);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->id[0], 1);
    assert_int_equal(t->id[1], 3);
    assert_false(sim_engine_cancel(t->eng, t->victim)); /* stale now */
    trace_free(t);
}

static void test_run_until(void **state)
{
    trace_t *t = trace_new(1);
    (void)state;
    at(t, 10, 0, 1);
    at(t, 20, 0, 2);
    at(t, 30, 0, 3);
    assert_int_equal(sim_engine_run(t->eng, 20), SIM_OK);
    assert_int_equal(t->n, 2);          /* the bound is inclusive */
    assert_int_equal(sim_engine_now(t->eng), 20);
    assert_int_equal(sim_engine_run(t->eng, 25), SIM_OK);
    assert_int_equal(t->n, 2);
    assert_int_equal(sim_engine_now(t->eng), 25); /* clock moves to bound */
    assert_int_equal(sim_engine_run(t->eng, 5), SIM_OK);
    assert_int_equal(sim_engine_now(t->eng), 25); /* never backwards */
    assert_int_equal(sim_engine_run(t->eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(t->n, 3);
    assert_int_equal(sim_engine_now(t->eng), 30);
    trace_free(t);
}

static void stopper(void *ctx, void *arg)
{
    trace_t *t = ctx;
    record(ctx, arg);
    if ((intptr_t)arg == 2)
        sim_engine_stop(t->eng);
    if ((intptr_t)arg == 4)
        sim_engine_fail(t->eng, SIM_ERR_INFEASIBLE);
}

static void test_stop_and_fail(void **state)
{
    trace_t *t = trace_new(1);
    int i;
    (void)state;
    for (i = 1; i <= 5; i++)
        assert_int_equal(sim_engine_schedule_at(t->eng, 10 * i, 0, stopper, t,
                                                (void *)(intptr_t)i, NULL),
                         SIM_OK);
    sim_engine_stop(t->eng);            /* outside a run: no effect */
    assert_int_equal(sim_engine_run(t->eng, 1000), SIM_OK);
    assert_int_equal(t->n, 2);
    assert_int_equal(sim_engine_now(t->eng), 20); /* stays at the event */
    assert_int_equal(sim_engine_run(t->eng, 1000), SIM_ERR_INFEASIBLE);
    assert_int_equal(t->n, 4);
    assert_int_equal(sim_engine_now(t->eng), 40);
    assert_int_equal(sim_engine_run(t->eng, 1000), SIM_OK);
    assert_int_equal(t->n, 5);
    assert_int_equal(sim_engine_now(t->eng), 1000);
    trace_free(t);
}

/* ---- determinism: a small random model run twice --------------------- */

typedef struct chain_model {
    sim_engine_t *eng;
    gsl_rng *delays;
    gsl_rng *choices;
    sim_eq_handle_t last;
    uint64_t hash;      /* FNV-style digest of (time, id) of every event */
    int spawned;
} chain_model_t;

static void chain_event(void *ctx, void *arg)
{
    chain_model_t *m = ctx;
    uint64_t id = (uint64_t)(uintptr_t)arg;
    sim_time_t now = sim_engine_now(m->eng);
    int k, kids;

    m->hash = (m->hash ^ (uint64_t)now) * 0x100000001b3ULL;
    m->hash = (m->hash ^ id) * 0x100000001b3ULL;
    if (m->spawned > 20000)
        return;
    kids = 1 + (int)gsl_rng_uniform_int(m->choices, 2);
    for (k = 0; k < kids; k++) {
        sim_time_t d = sim_time_from_s_ceil(gsl_ran_exponential(m->delays, 1e-6));
        int prio = (int)gsl_rng_uniform_int(m->choices, 3);
        m->spawned++;
        assert_int_equal(sim_engine_schedule_after(m->eng, d, prio, chain_event,
                                                   m, (void *)(uintptr_t)m->spawned,
                                                   &m->last), SIM_OK);
    }
    /* Sometimes cancel or move the newest event. */
    switch (gsl_rng_uniform_int(m->choices, 8)) {
    case 0:
        sim_engine_cancel(m->eng, m->last);
        break;
    case 1:
        (void)sim_engine_reschedule(m->eng, m->last, now + 3);
        break;
    default:
        break;
    }
}

static uint64_t run_chain(uint64_t seed, uint64_t *events)
{
    chain_model_t m;
    int i;
    memset(&m, 0, sizeof m);
    m.eng = sim_engine_new(seed);
    assert_non_null(m.eng);
    m.delays = sim_engine_stream(m.eng, "delays");
    m.choices = sim_engine_stream(m.eng, "choices");
    assert_non_null(m.delays);
    assert_non_null(m.choices);
    m.hash = 0xcbf29ce484222325ULL;
    for (i = 0; i < 50; i++) {
        m.spawned++;
        assert_int_equal(sim_engine_schedule_at(m.eng, 0, 0, chain_event, &m,
                                                (void *)(uintptr_t)m.spawned,
                                                NULL), SIM_OK);
    }
    assert_int_equal(sim_engine_run(m.eng, SIM_TIME_MAX), SIM_OK);
    *events = sim_engine_events(m.eng);
    sim_engine_free(m.eng);
    return m.hash;
}

static void test_determinism(void **state)
{
    uint64_t e1, e2, e3;
    uint64_t h1 = run_chain(42, &e1), h2 = run_chain(42, &e2);
    uint64_t h3 = run_chain(43, &e3);
    (void)state;
    assert_true(e1 > 1000);
    assert_int_equal(e1, e2);
    assert_int_equal(h1, h2);
    assert_int_not_equal(h1, h3);
}

/* ---- time conversions ---------------------------------------------- */

static void test_time_conversions(void **state)
{
    (void)state;
    /* Round up, but decimal inputs gain no spurious nanosecond. */
    assert_int_equal(sim_time_from_s_ceil(0.3), 300000000);
    assert_int_equal(sim_time_from_s_ceil(1e-9), 1);
    assert_int_equal(sim_time_from_s_ceil(123.456789012), 123456789012LL);
    assert_int_equal(sim_time_from_s_ceil(1.5e-9), 2);
    assert_int_equal(sim_time_from_s_ceil(1e-12), 1);
    assert_int_equal(sim_time_from_s_ceil(0.0), 0);
    assert_int_equal(sim_time_from_s_ceil(-1.5e-9), -1);
    assert_int_equal(sim_time_from_s(1.5e-9), 2);
    assert_int_equal(sim_time_from_s(1.4e-9), 1);
    assert_int_equal(sim_time_from_s(0.3), 300000000);
    /* Saturation. */
    assert_int_equal(sim_time_from_s_ceil(1e300), SIM_TIME_MAX);
    assert_int_equal(sim_time_from_s_ceil(HUGE_VAL), SIM_TIME_MAX);
    assert_int_equal(sim_time_from_s(-HUGE_VAL), SIM_TIME_MIN);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX - 5, 10), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MIN + 5, -10), SIM_TIME_MIN);
    assert_int_equal(sim_time_add_sat(7, -10), -3);
    assert_true(sim_time_to_s(1500000000) == 1.5);
    assert_true(sim_time_to_s(sim_time_from_s(2.25)) == 2.25);
}

/* ---- the library guard ---------------------------------------------- */

static void test_gsl_errors_return(void **state)
{
    gsl_sf_result res;
    gsl_matrix *a, *b;
    (void)state;
    sim_lib_guard_install();
    sim_lib_clear_error();
    assert_string_equal(sim_lib_last_error(), "");
    /* With GSL's default handler each of these calls abort(). */
    assert_int_equal(gsl_sf_log_e(-1.0, &res), GSL_EDOM);
    assert_non_null(strstr(sim_lib_last_error(), "gsl: "));
    assert_non_null(strstr(sim_lib_last_error(), "gsl_errno 1"));
    a = gsl_matrix_calloc(2, 2);
    b = gsl_matrix_calloc(3, 3);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(gsl_matrix_memcpy(a, b), GSL_EBADLEN);
    assert_non_null(strstr(sim_lib_last_error(), "gsl_errno 19"));
    gsl_matrix_free(a);
    gsl_matrix_free(b);
}

static void test_igraph_errors_return(void **state)
{
    igraph_t g;
    igraph_error_t rc;
    (void)state;
    sim_lib_guard_install();
    sim_lib_clear_error();
    rc = igraph_ring(&g, -1, IGRAPH_UNDIRECTED, 0, 1);
    assert_int_not_equal(rc, IGRAPH_SUCCESS);
    assert_non_null(strstr(sim_lib_last_error(), "igraph: "));
    igraph_warning("test warning", "here.c", 3);
    assert_string_equal(sim_lib_last_warning(), "igraph: test warning (here.c:3)");
    /* igraph still works after an error. */
    assert_int_equal(igraph_ring(&g, 5, IGRAPH_UNDIRECTED, 0, 1), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vcount(&g), 5);
    igraph_destroy(&g);
}

static void test_igraph_seed(void **state)
{
    igraph_integer_t a[8], b[8];
    int i;
    (void)state;
    assert_int_equal(sim_lib_seed_igraph(12345), SIM_OK);
    for (i = 0; i < 8; i++)
        a[i] = igraph_rng_get_integer(igraph_rng_default(), 0, 1000000);
    assert_int_equal(sim_lib_seed_igraph(12345), SIM_OK);
    for (i = 0; i < 8; i++)
        b[i] = igraph_rng_get_integer(igraph_rng_default(), 0, 1000000);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(sim_lib_seed_igraph(12346), SIM_OK);
    for (i = 0; i < 8; i++)
        b[i] = igraph_rng_get_integer(igraph_rng_default(), 0, 1000000);
    assert_memory_not_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_no_scheduling_in_the_past),
        cmocka_unit_test(test_cancel_inside_handler),
        cmocka_unit_test(test_run_until),
        cmocka_unit_test(test_stop_and_fail),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_time_conversions),
        cmocka_unit_test(test_gsl_errors_return),
        cmocka_unit_test(test_igraph_errors_return),
        cmocka_unit_test(test_igraph_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
