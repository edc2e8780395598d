/*
 * test_lmm.c — tests for the max-min fair solver (sim/net/lmm.h).
 *
 * Hand-computed systems check the allocation rule itself (one link, the
 * parking lot, several bottlenecks, weights, bounds, a failed link).  A
 * differential test then drives thousands of random systems through random
 * add/remove/capacity/bound/weight changes, keeps its own shadow copy of
 * each system, and after every solve compares the incremental solver with
 * a slow, obviously-correct reference (full progressive filling from
 * scratch over the shadow), checks that exactly the components touched
 * were re-solved, and that the "changed" list is exactly the set of rates
 * that moved.
 *
 * Assumes: cmocka 1.1.x; nothing from the file system.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "sim/net/lmm.h"
#include "tests/unit/assert_close.h"

#define TOL 1e-12

static sim_lmm_t *mk(void)
{
    sim_lmm_t *s = sim_lmm_new();
    assert_non_null(s);
    return s;
}

static int cnst(sim_lmm_t *s, double cap)
{
    int id;
    assert_int_equal(sim_lmm_constraint_new(s, cap, &id), SIM_OK);
    return id;
}

static int var(sim_lmm_t *s, double w, double b, const int *path, size_t n)
{
    int id;
    assert_int_equal(sim_lmm_variable_new(s, w, b, path, n, &id), SIM_OK);
    return id;
}

static void check_ok(const sim_lmm_t *s)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t e = sim_lmm_check(s, 1e-9, &d);
    if (e != SIM_OK)
        print_error("sim_lmm_check: %s\n", d.msg);
    assert_int_equal(e, SIM_OK);
}

static bool in_list(const int *list, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* ---- hand-computed systems --------------------------------------------- */

static void test_single_link(void **state)
{
    (void)state;
    for (int n = 1; n <= 7; n++) {
        sim_lmm_t *s = mk();
        int l = cnst(s, 100.0);
        int v[7];
        for (int i = 0; i < n; i++)
            v[i] = var(s, 1.0, SIM_LMM_NO_BOUND, &l, 1);
        sim_lmm_solve(s);
        for (int i = 0; i < n; i++)
            assert_close(sim_lmm_variable_rate(s, v[i]), 100.0 / n, TOL);
        assert_close(sim_lmm_constraint_load(s, l), 100.0, TOL);
        size_t nch;
        sim_lmm_changed(s, &nch);
        assert_int_equal(nch, (size_t)n);
        check_ok(s);
        sim_lmm_free(s);
    }
}

/* One long flow across k links, one short flow on each link. */
static void test_parking_lot(void **state)
{
    (void)state;
    for (int k = 1; k <= 5; k++) {
        sim_lmm_t *s = mk();
        int l[5], sh[5];
        for (int i = 0; i < k; i++)
            l[i] = cnst(s, 10.0);
        int lng = var(s, 1.0, SIM_LMM_NO_BOUND, l, (size_t)k);
        for (int i = 0; i < k; i++)
            sh[i] = var(s, 1.0, SIM_LMM_NO_BOUND, &l[i], 1);
        sim_lmm_solve(s);
        assert_close(sim_lmm_variable_rate(s, lng), 5.0, TOL);
        for (int i = 0; i < k; i++)
            assert_close(sim_lmm_variable_rate(s, sh[i]), 5.0, TOL);
        check_ok(s);
        sim_lmm_free(s);
    }
}

/* Capacities 10, 4, 6: link 2 is the bottleneck at 4/2 = 2, so the long
 * flow gets 2 and the short flows take what is left: 8, 2, 4. */
static void test_parking_lot_asymmetric(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int l[3] = {cnst(s, 10.0), cnst(s, 4.0), cnst(s, 6.0)};
    int lng = var(s, 1.0, SIM_LMM_NO_BOUND, l, 3);
    int s0 = var(s, 1.0, SIM_LMM_NO_BOUND, &l[0], 1);
    int s1 = var(s, 1.0, SIM_LMM_NO_BOUND, &l[1], 1);
    int s2 = var(s, 1.0, SIM_LMM_NO_BOUND, &l[2], 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, lng), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s0), 8.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s1), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s2), 4.0, TOL);
    check_ok(s);

    /* Two short flows on link 0 and capacity 3 on it: link 0 now fills
     * first at 3/3 = 1; link 1 then gives its short flow 4 - 1 = 3. */
    int s0b = var(s, 1.0, SIM_LMM_NO_BOUND, &l[0], 1);
    assert_int_equal(sim_lmm_constraint_set_capacity(s, l[0], 3.0), SIM_OK);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, lng), 1.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s0), 1.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s0b), 1.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s1), 3.0, TOL);
    assert_close(sim_lmm_variable_rate(s, s2), 5.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
}

/* A = 10, B = 4; f1 {A, B}, f2 {A}, f3 {B}: B fills at 2, then f2 gets 8. */
static void test_two_bottlenecks(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int a = cnst(s, 10.0), b = cnst(s, 4.0);
    int ab[2] = {a, b};
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, ab, 2);
    int f2 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    int f3 = var(s, 1.0, SIM_LMM_NO_BOUND, &b, 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 8.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f3), 2.0, TOL);
    assert_close(sim_lmm_constraint_load(s, a), 10.0, TOL);
    assert_close(sim_lmm_constraint_load(s, b), 4.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
}

/* Three tiers: C1 = 1 with f1, f2 {C1, C2}; C2 = 3 adds f3 {C2, C3};
 * C3 = 10 adds f4.  C1 fills at 0.5 (f1, f2), C2 then has 2 left for f3,
 * C3 has 8 left for f4. */
static void test_three_tiers(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int c1 = cnst(s, 1.0), c2 = cnst(s, 3.0), c3 = cnst(s, 10.0);
    int p12[2] = {c1, c2}, p23[2] = {c2, c3};
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, p12, 2);
    int f2 = var(s, 1.0, SIM_LMM_NO_BOUND, p12, 2);
    int f3 = var(s, 1.0, SIM_LMM_NO_BOUND, p23, 2);
    int f4 = var(s, 1.0, SIM_LMM_NO_BOUND, &c3, 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 0.5, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 0.5, TOL);
    assert_close(sim_lmm_variable_rate(s, f3), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f4), 8.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
}

static void test_weighted(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int l = cnst(s, 12.0);
    int v1 = var(s, 1.0, SIM_LMM_NO_BOUND, &l, 1);
    int v2 = var(s, 2.0, SIM_LMM_NO_BOUND, &l, 1);
    int v3 = var(s, 3.0, SIM_LMM_NO_BOUND, &l, 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, v1), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, v2), 4.0, TOL);
    assert_close(sim_lmm_variable_rate(s, v3), 6.0, TOL);
    check_ok(s);
    sim_lmm_free(s);

    /* A = B = 10; f1 (w 1) {A, B}, f2 (w 3) {A}, f3 (w 1) {B}: A fills at
     * t = 10/4 = 2.5 (f1 2.5, f2 7.5), f3 gets B's remaining 7.5. */
    s = mk();
    int a = cnst(s, 10.0), b = cnst(s, 10.0);
    int ab[2] = {a, b};
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, ab, 2);
    int f2 = var(s, 3.0, SIM_LMM_NO_BOUND, &a, 1);
    int f3 = var(s, 1.0, SIM_LMM_NO_BOUND, &b, 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 2.5, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 7.5, TOL);
    assert_close(sim_lmm_variable_rate(s, f3), 7.5, TOL);
    check_ok(s);

    /* Weight changes re-solve: f2 weight 1 -> A at 10/2 = 5 for f1 and
     * f2, f3 gets 5 too. */
    assert_int_equal(sim_lmm_variable_set_weight(s, f2, 1.0), SIM_OK);
    assert_close(sim_lmm_variable_weight(s, f2), 1.0, 0.0);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f3), 5.0, TOL);
    sim_lmm_free(s);
}

static void test_bounded(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int l = cnst(s, 10.0);
    int v1 = var(s, 1.0, 2.0, &l, 1);
    int v2 = var(s, 1.0, SIM_LMM_NO_BOUND, &l, 1);
    int v3 = var(s, 1.0, SIM_LMM_NO_BOUND, &l, 1);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, v1), 2.0, TOL);
    assert_close(sim_lmm_variable_rate(s, v2), 4.0, TOL);
    assert_close(sim_lmm_variable_rate(s, v3), 4.0, TOL);
    check_ok(s);

    /* A bound above the fair share does not bind. */
    assert_int_equal(sim_lmm_variable_set_bound(s, v1, 8.0), SIM_OK);
    assert_close(sim_lmm_variable_bound(s, v1), 8.0, 0.0);
    sim_lmm_solve(s);
    for (int v = v1; v <= v3; v++)
        assert_close(sim_lmm_variable_rate(s, v), 10.0 / 3.0, TOL);

    /* A weighted, bounded flow: weight 4 would take 4/6 of 10, the bound
     * holds it at 5, the others share 5. */
    assert_int_equal(sim_lmm_variable_set_weight(s, v1, 4.0), SIM_OK);
    assert_int_equal(sim_lmm_variable_set_bound(s, v1, 5.0), SIM_OK);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, v1), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, v2), 2.5, TOL);
    assert_close(sim_lmm_variable_rate(s, v3), 2.5, TOL);
    check_ok(s);

    /* Empty paths: the bound, or infinity. */
    int e1 = var(s, 1.0, 7.0, NULL, 0);
    int e2 = var(s, 1.0, SIM_LMM_NO_BOUND, NULL, 0);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, e1), 7.0, TOL);
    assert_true(isinf(sim_lmm_variable_rate(s, e2)));
    size_t nch;
    const int *ch = sim_lmm_changed(s, &nch);
    assert_int_equal(nch, 2);
    assert_true(in_list(ch, nch, e1) && in_list(ch, nch, e2));
    check_ok(s);
    sim_lmm_free(s);
}

/* A failed link gives its flows 0 and they take nothing elsewhere. */
static void test_failed_link(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int a = cnst(s, 10.0), b = cnst(s, 0.0);
    int ab[2] = {a, b};
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, ab, 2);
    int f2 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    sim_lmm_solve(s);
    assert_true(sim_lmm_variable_rate(s, f1) == 0.0);
    assert_close(sim_lmm_variable_rate(s, f2), 10.0, TOL);
    check_ok(s);

    /* Recovery at 4: B fills at 4 first, f2 keeps 6. */
    assert_int_equal(sim_lmm_constraint_set_capacity(s, b, 4.0), SIM_OK);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 4.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 6.0, TOL);
    size_t nch;
    const int *ch = sim_lmm_changed(s, &nch);
    assert_int_equal(nch, 2);
    assert_true(in_list(ch, nch, f1) && in_list(ch, nch, f2));

    /* Fail A: both stop. */
    assert_int_equal(sim_lmm_constraint_set_capacity(s, a, 0.0), SIM_OK);
    sim_lmm_solve(s);
    assert_true(sim_lmm_variable_rate(s, f1) == 0.0);
    assert_true(sim_lmm_variable_rate(s, f2) == 0.0);
    check_ok(s);
    sim_lmm_free(s);
}

static void test_duplicate_path(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int a = cnst(s, 10.0);
    int aaa[3] = {a, a, a};
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, aaa, 3);
    int f2 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    assert_int_equal(sim_lmm_constraint_users(s, a), 2);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f1), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f2), 5.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
}

static void test_range_errors(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int id = 0;
    assert_int_equal(sim_lmm_constraint_new(s, -1.0, &id), SIM_ERR_RANGE);
    assert_int_equal(id, -1);
    assert_int_equal(sim_lmm_constraint_new(s, NAN, &id), SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_constraint_new(s, INFINITY, &id), SIM_ERR_RANGE);
    int a = cnst(s, 5.0);
    assert_int_equal(sim_lmm_constraint_set_capacity(s, a, -2.0),
                     SIM_ERR_RANGE);
    assert_close(sim_lmm_constraint_capacity(s, a), 5.0, 0.0);
    assert_int_equal(sim_lmm_variable_new(s, 0.0, 1.0, &a, 1, &id),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_variable_new(s, INFINITY, 1.0, &a, 1, &id),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_variable_new(s, 1.0, 0.0, &a, 1, &id),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_variable_new(s, 1.0, NAN, &a, 1, &id),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_constraint_users(s, a), 0);
    int v = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    assert_int_equal(sim_lmm_variable_set_bound(s, v, -1.0), SIM_ERR_RANGE);
    assert_int_equal(sim_lmm_variable_set_weight(s, v, -1.0), SIM_ERR_RANGE);
    /* A constraint in use cannot be freed. */
    assert_int_equal(sim_lmm_constraint_free(s, a), SIM_ERR_INPUT);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, v), 5.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
    sim_lmm_free(NULL);
}

/* Freed ids come back; the newcomer starts from rate 0 and is reported. */
static void test_id_recycling(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int a = cnst(s, 10.0), b = cnst(s, 20.0);
    int f1 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    int f2 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    sim_lmm_solve(s);
    sim_lmm_variable_free(s, f1);
    int f3 = var(s, 1.0, SIM_LMM_NO_BOUND, &b, 1);
    assert_int_equal(f3, f1);
    assert_true(sim_lmm_variable_rate(s, f3) == 0.0);
    sim_lmm_solve(s);
    assert_close(sim_lmm_variable_rate(s, f2), 10.0, TOL);
    assert_close(sim_lmm_variable_rate(s, f3), 20.0, TOL);
    size_t nch;
    const int *ch = sim_lmm_changed(s, &nch);
    assert_int_equal(nch, 2);
    assert_true(in_list(ch, nch, f2) && in_list(ch, nch, f3));

    sim_lmm_variable_free(s, f3);
    assert_int_equal(sim_lmm_constraint_free(s, b), SIM_OK);
    int c = cnst(s, 1.0);
    assert_int_equal(c, b);
    assert_int_equal(sim_lmm_constraint_users(s, c), 0);
    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.n_cnsts, 2);
    assert_int_equal(st.n_vars, 1);
    sim_lmm_solve(s);
    check_ok(s);
    sim_lmm_free(s);
}

/* Only the component touched is re-solved; the other keeps its rates. */
static void test_components_isolated(void **state)
{
    (void)state;
    sim_lmm_t *s = mk();
    int a = cnst(s, 10.0), b = cnst(s, 10.0);     /* component 1 */
    int c = cnst(s, 30.0), d = cnst(s, 5.0);      /* component 2 */
    int ab[2] = {a, b}, cd[2] = {c, d};
    int x1 = var(s, 1.0, SIM_LMM_NO_BOUND, ab, 2);
    int x2 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    int x3 = var(s, 1.0, SIM_LMM_NO_BOUND, &b, 1);
    int y1 = var(s, 1.0, SIM_LMM_NO_BOUND, cd, 2);
    int y2 = var(s, 1.0, SIM_LMM_NO_BOUND, &c, 1);
    sim_lmm_solve(s);
    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, 5);
    double ry1 = sim_lmm_variable_rate(s, y1), ry2 = sim_lmm_variable_rate(s, y2);
    assert_close(ry1, 5.0, TOL);
    assert_close(ry2, 25.0, TOL);

    /* Nothing changed: nothing solved, nothing reported. */
    sim_lmm_solve(s);
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, 0);
    assert_int_equal(st.last_changed, 0);

    /* Touch component 1 only. */
    int x4 = var(s, 1.0, SIM_LMM_NO_BOUND, &a, 1);
    sim_lmm_solve(s);
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, 4);
    assert_int_equal(st.last_cnsts, 2);
    size_t nch;
    const int *ch = sim_lmm_changed(s, &nch);
    assert_false(in_list(ch, nch, y1) || in_list(ch, nch, y2));
    assert_true(in_list(ch, nch, x4) && in_list(ch, nch, x1));
    assert_true(sim_lmm_variable_rate(s, y1) == ry1);
    assert_true(sim_lmm_variable_rate(s, y2) == ry2);
    assert_close(sim_lmm_variable_rate(s, x1), 10.0 / 3.0, TOL);
    assert_close(sim_lmm_variable_rate(s, x3), 20.0 / 3.0, TOL);

    /* Raising c re-solves component 2 but only y2, bottlenecked at c,
     * changes; y1 stays held by d. */
    assert_int_equal(sim_lmm_constraint_set_capacity(s, c, 40.0), SIM_OK);
    sim_lmm_solve(s);
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, 2);
    ch = sim_lmm_changed(s, &nch);
    assert_int_equal(nch, 1);          /* y2 grows 25 -> 35; y1 stays */
    assert_int_equal(ch[0], y2);
    assert_true(sim_lmm_variable_rate(s, y1) == ry1);

    /* Removing the flow that joins a and b splits component 1: both
     * halves are re-solved. */
    sim_lmm_variable_free(s, x1);
    sim_lmm_solve(s);
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, 3);
    assert_close(sim_lmm_variable_rate(s, x2), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, x4), 5.0, TOL);
    assert_close(sim_lmm_variable_rate(s, x3), 10.0, TOL);
    check_ok(s);
    sim_lmm_free(s);
}

/* ---- differential test against a reference ----------------------------- */

#define MAXC 64
#define MAXV 200
#define MAXP 5

typedef struct shadow {
    int cn;                  /* ids below this were issued */
    double cap[MAXC];
    bool clive[MAXC], cseed[MAXC];
    int vn;
    double w[MAXV], b[MAXV], prev[MAXV];
    int path[MAXV][MAXP], plen[MAXV];
    bool vlive[MAXV], vseed[MAXV], solved[MAXV];
} shadow_t;

static uint64_t rng_state;
static int max_path;        /* longest random path, <= MAXP - 1 */

static uint64_t rnd(void)
{
    /* xorshift64*, fixed seed: the test is deterministic. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static int rnd_int(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static double rnd_unit(void)
{
    return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static double rnd_cap(void)
{
    int k = rnd_int(10);
    if (k == 0)
        return 0.0;                     /* failed link */
    if (k <= 4)
        return 1.0 + rnd_int(6);        /* integers: many ties */
    return 0.5 + 99.5 * rnd_unit();
}

static double rnd_weight(void)
{
    int k = rnd_int(4);
    if (k <= 1)
        return 1.0;
    if (k == 2)
        return (double[]){0.5, 2.0, 3.0}[rnd_int(3)];
    return 0.1 + 9.9 * rnd_unit();
}

static double rnd_bound(void)
{
    int k = rnd_int(10);
    if (k < 7)
        return SIM_LMM_NO_BOUND;
    if (k == 7)
        return 1.0 + rnd_int(5);
    return 0.1 + 50.0 * rnd_unit();
}

static bool uses(const shadow_t *sh, int v, int c)
{
    for (int j = 0; j < sh->plen[v]; j++)
        if (sh->path[v][j] == c)
            return true;
    return false;
}

/* Full progressive filling from scratch, no residue snapping, no heap:
 * at each step find the lowest fill level among constraints (remaining /
 * weight of unfixed users) and bounds, freeze what reaches it. */
static void ref_solve(const shadow_t *sh, double *rate)
{
    bool fixed[MAXV];
    double rem[MAXC], wsum[MAXC];
    for (int c = 0; c < sh->cn; c++)
        rem[c] = sh->cap[c];
    for (int v = 0; v < sh->vn; v++) {
        fixed[v] = !sh->vlive[v] || sh->plen[v] == 0;
        if (sh->vlive[v] && sh->plen[v] == 0)
            rate[v] = sh->b[v];
    }
    double t = 0.0;
    for (;;) {
        for (int c = 0; c < sh->cn; c++)
            wsum[c] = 0.0;
        for (int v = 0; v < sh->vn; v++)
            if (!fixed[v])
                for (int j = 0; j < sh->plen[v]; j++)
                    wsum[sh->path[v][j]] += sh->w[v];
        double best = INFINITY;
        int bc = -1, bv = -1;
        for (int c = 0; c < sh->cn; c++) {
            if (!sh->clive[c] || wsum[c] == 0.0)
                continue;
            double lvl = fmax(rem[c], 0.0) / wsum[c];
            lvl = fmax(lvl, t);
            if (lvl < best) {
                best = lvl;
                bc = c;
            }
        }
        for (int v = 0; v < sh->vn; v++) {
            if (fixed[v] || isinf(sh->b[v]))
                continue;
            double lvl = fmax(sh->b[v] / sh->w[v], t);
            if (lvl < best) {
                best = lvl;
                bv = v;
                bc = -1;
            }
        }
        if (bc < 0 && bv < 0)
            break;
        t = best;
        for (int v = 0; v < sh->vn; v++) {
            if (fixed[v] || !(v == bv || (bc >= 0 && uses(sh, v, bc))))
                continue;
            fixed[v] = true;
            rate[v] = v == bv ? sh->b[v] : sh->w[v] * t;
            for (int j = 0; j < sh->plen[v]; j++)
                rem[sh->path[v][j]] -= rate[v];
        }
    }
}

/* Mark in `in` the variables of the components reached from the seeds;
 * returns how many, and the number of constraints in *ncs. */
static int closure(const shadow_t *sh, bool *in, int *ncs)
{
    bool cin[MAXC] = {false};
    memset(in, 0, sizeof(bool) * MAXV);
    for (int c = 0; c < sh->cn; c++)
        cin[c] = sh->clive[c] && sh->cseed[c];
    for (int v = 0; v < sh->vn; v++)
        in[v] = sh->vlive[v] && sh->vseed[v];
    bool grew = true;
    while (grew) {
        grew = false;
        for (int v = 0; v < sh->vn; v++) {
            if (!sh->vlive[v])
                continue;
            bool touch = in[v];
            for (int j = 0; j < sh->plen[v] && !touch; j++)
                touch = cin[sh->path[v][j]];
            if (!touch)
                continue;
            if (!in[v])
                grew = in[v] = true;
            for (int j = 0; j < sh->plen[v]; j++)
                if (!cin[sh->path[v][j]])
                    grew = cin[sh->path[v][j]] = true;
        }
    }
    int nv = 0, nc = 0;
    for (int v = 0; v < sh->vn; v++)
        nv += in[v];
    for (int c = 0; c < sh->cn; c++)
        nc += cin[c];
    *ncs = nc;
    return nv;
}

static int users_of(const shadow_t *sh, int c)
{
    int n = 0;
    for (int v = 0; v < sh->vn; v++)
        n += sh->vlive[v] && uses(sh, v, c);
    return n;
}

static int pick_live(const bool *live, int n)
{
    int k = 0, pick = -1;
    for (int i = 0; i < n; i++)     /* reservoir: uniform among live */
        if (live[i] && rnd_int(++k) == 0)
            pick = i;
    return pick;
}

static void solve_and_verify(sim_lmm_t *s, shadow_t *sh)
{
    bool in[MAXV];
    int ncs;
    int nclos = closure(sh, in, &ncs);
    sim_lmm_solve(s);

    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    assert_int_equal(st.last_vars, (size_t)nclos);
    assert_int_equal(st.last_cnsts, (size_t)ncs);

    double ref[MAXV];
    ref_solve(sh, ref);
    double scale = 1.0;
    for (int c = 0; c < sh->cn; c++)
        if (sh->clive[c])
            scale = fmax(scale, sh->cap[c]);
    for (int v = 0; v < sh->vn; v++) {
        if (!sh->vlive[v])
            continue;
        double r = sim_lmm_variable_rate(s, v);
        if (isinf(ref[v]))
            assert_true(isinf(r));
        else
            assert_close_abs(r, ref[v], 1e-9 * scale);
    }

    size_t nch;
    const int *ch = sim_lmm_changed(s, &nch);
    bool inch[MAXV] = {false};
    for (size_t i = 0; i < nch; i++) {
        int v = ch[i];
        assert_true(v >= 0 && v < sh->vn && sh->vlive[v] && in[v]);
        assert_false(inch[v]);          /* each once */
        inch[v] = true;
    }
    for (int v = 0; v < sh->vn; v++) {
        if (!sh->vlive[v])
            continue;
        double r = sim_lmm_variable_rate(s, v);
        if (!sh->solved[v])
            assert_true(inch[v]);       /* newcomers always reported */
        else if (inch[v])
            assert_true(r != sh->prev[v]);
        else
            assert_true(r == sh->prev[v] || (isnan(r) && isnan(sh->prev[v])));
        sh->prev[v] = r;
        sh->solved[v] = true;
        sh->vseed[v] = false;
    }
    for (int c = 0; c < sh->cn; c++)
        sh->cseed[c] = false;
    check_ok(s);
}

static void op_add_var(sim_lmm_t *s, shadow_t *sh, int maxv)
{
    int nlive = 0;
    for (int v = 0; v < sh->vn; v++)
        nlive += sh->vlive[v];
    if (nlive >= maxv - 1)
        return;
    int path[MAXP];
    int n = rnd_int(8) == 0 ? 0 : 1 + rnd_int(max_path);
    for (int j = 0; j < n; j++) {
        path[j] = pick_live(sh->clive, sh->cn);
        if (path[j] < 0)
            n = 0;
    }
    double w = rnd_weight(), b = rnd_bound();
    int v = var(s, w, b, path, (size_t)n);
    assert_true(v >= 0 && v < MAXV && !sh->vlive[v]);
    if (v >= sh->vn)
        sh->vn = v + 1;
    sh->vlive[v] = true;
    sh->w[v] = w;
    sh->b[v] = b;
    sh->plen[v] = 0;
    for (int j = 0; j < n; j++)
        if (!uses(sh, v, path[j]))
            sh->path[v][sh->plen[v]++] = path[j];
    sh->vseed[v] = true;
    sh->solved[v] = false;
}

static void op_add_cnst(sim_lmm_t *s, shadow_t *sh, int maxc)
{
    int nlive = 0;
    for (int c = 0; c < sh->cn; c++)
        nlive += sh->clive[c];
    if (nlive >= maxc)
        return;
    double cap = rnd_cap();
    int c = cnst(s, cap);
    assert_true(c >= 0 && c < MAXC && !sh->clive[c]);
    if (c >= sh->cn)
        sh->cn = c + 1;
    sh->clive[c] = true;
    sh->cap[c] = cap;
}

static void random_ops(shadow_t *sh, sim_lmm_t *s, int maxc, int maxv,
                       int nops, int solve_every)
{
    for (int i = 0; i < nops; i++) {
        int k = rnd_int(100);
        if (k < 35) {
            op_add_var(s, sh, maxv);
        } else if (k < 55) {
            int v = pick_live(sh->vlive, sh->vn);
            if (v >= 0) {
                sim_lmm_variable_free(s, v);
                sh->vlive[v] = false;
                for (int j = 0; j < sh->plen[v]; j++)
                    sh->cseed[sh->path[v][j]] = true;
            }
        } else if (k < 72) {
            int c = pick_live(sh->clive, sh->cn);
            if (c < 0)
                continue;
            double cap = rnd_cap();
            assert_int_equal(sim_lmm_constraint_set_capacity(s, c, cap),
                             SIM_OK);
            if (cap != sh->cap[c] && users_of(sh, c) > 0)
                sh->cseed[c] = true;
            sh->cap[c] = cap;
        } else if (k < 80) {
            int v = pick_live(sh->vlive, sh->vn);
            if (v >= 0) {
                double b = rnd_bound();
                assert_int_equal(sim_lmm_variable_set_bound(s, v, b), SIM_OK);
                if (b != sh->b[v])
                    sh->vseed[v] = true;
                sh->b[v] = b;
            }
        } else if (k < 88) {
            int v = pick_live(sh->vlive, sh->vn);
            if (v >= 0) {
                double w = rnd_weight();
                assert_int_equal(sim_lmm_variable_set_weight(s, v, w), SIM_OK);
                if (w != sh->w[v])
                    sh->vseed[v] = true;
                sh->w[v] = w;
            }
        } else if (k < 96) {
            op_add_cnst(s, sh, maxc);
        } else {
            int c = pick_live(sh->clive, sh->cn);
            if (c < 0)
                continue;
            bool used = users_of(sh, c) > 0;
            assert_int_equal(sim_lmm_constraint_free(s, c),
                             used ? SIM_ERR_INPUT : SIM_OK);
            if (!used)
                sh->clive[c] = false;
        }
        if (rnd_int(solve_every) == 0)
            solve_and_verify(s, sh);
    }
    solve_and_verify(s, sh);
}

static void run_random(int nsys, int maxc, int maxv, int maxp, int nops,
                       int solve_every, uint64_t seed)
{
    static shadow_t sh;
    rng_state = seed;
    max_path = maxp;
    for (int i = 0; i < nsys; i++) {
        memset(&sh, 0, sizeof sh);
        sim_lmm_t *s = mk();
        int nc = 1 + rnd_int(maxc);
        for (int c = 0; c < nc; c++)
            op_add_cnst(s, &sh, maxc);
        int nv = rnd_int(maxv / 2);
        for (int v = 0; v < nv; v++)
            op_add_var(s, &sh, maxv);
        solve_and_verify(s, &sh);
        random_ops(&sh, s, maxc, maxv, nops, solve_every);
        sim_lmm_free(s);
    }
}

static void test_random_small(void **state)
{
    (void)state;
    run_random(3000, 8, 24, MAXP - 1, 40, 3, 0x9E3779B97F4A7C15ULL);
}

static void test_random_medium(void **state)
{
    (void)state;
    run_random(40, MAXC, MAXV, MAXP - 1, 150, 6, 0xD1B54A32D192ED03ULL);
}

/* Short paths over many constraints: many small components, so each
 * solve must re-solve only its share (under a third of the variables). */
static void test_random_sparse_components(void **state)
{
    (void)state;
    run_random(30, MAXC, 60, 2, 200, 2, 0x8CB92BA72F3D8DD7ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_link),
        cmocka_unit_test(test_parking_lot),
        cmocka_unit_test(test_parking_lot_asymmetric),
        cmocka_unit_test(test_two_bottlenecks),
        cmocka_unit_test(test_three_tiers),
        cmocka_unit_test(test_weighted),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_failed_link),
        cmocka_unit_test(test_duplicate_path),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_id_recycling),
        cmocka_unit_test(test_components_isolated),
        cmocka_unit_test(test_random_small),
        cmocka_unit_test(test_random_medium),
        cmocka_unit_test(test_random_sparse_components),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
