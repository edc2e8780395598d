/*
 * test_coll_algo.c — step schedules of collectives (sim/net/coll_algo.h):
 * bytes each GPU sends and receives match each algorithm's theory, every
 * all-to-all pair is served once, repeated steps are identical, names and
 * busbw factors, and the refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "sim/net/coll_algo.h"

#define MAXG 64

typedef struct tally {
    double sent[MAXG], recv[MAXG];
    double pair[MAXG][MAXG];
    int64_t steps;
} tally_t;

/* Build, then sum every step's transfers (x repeat) per GPU. */
static void run(sim_coll_op_t op, sim_coll_algo_t algo, int n, int per_node,
                double S, int channels, tally_t *t)
{
    int32_t gpus[MAXG], node[MAXG];
    sim_coll_sched_opts_t o;
    sim_coll_sched_t *s = NULL;
    sim_coll_xfers_t x;
    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) {
        gpus[i] = 100 + i; /* GPU ids need not be ranks */
        node[i] = i / per_node;
    }
    sim_coll_sched_opts_default(&o);
    o.channels = channels;
    assert_int_equal(sim_coll_sched_new(op, algo, gpus, node, (size_t)n, S,
                                        &o, &s, NULL), SIM_OK);
    sim_coll_xfers_init(&x);
    for (size_t p = 0; p < sim_coll_sched_phases(s); p++) {
        int64_t rep = sim_coll_sched_repeat(s, p);
        assert_true(rep >= 1);
        assert_int_equal(sim_coll_sched_emit(s, p, &x), SIM_OK);
        for (size_t i = 0; i < x.n; i++) {
            int a = x.v[i].src - 100, b = x.v[i].dst - 100;
            assert_true(a >= 0 && a < n && b >= 0 && b < n && a != b);
            t->sent[a] += x.v[i].bytes * (double)rep;
            t->recv[b] += x.v[i].bytes * (double)rep;
            t->pair[a][b] += x.v[i].bytes * (double)rep;
        }
        t->steps += rep;
    }
    assert_int_equal(t->steps, sim_coll_sched_steps(s));
    sim_coll_xfers_destroy(&x);
    sim_coll_sched_free(s);
}

static void test_ring_allreduce_bytes(void **state)
{
    (void)state;
    tally_t t;
    const double S = 1 << 26;
    /* one node, one channel; and 4 nodes x 8 with 8 snake channels */
    int shapes[][3] = {{8, 8, 1}, {32, 8, 8}, {6, 3, 3}, {2, 1, 1}};
    for (size_t k = 0; k < 4; k++) {
        int n = shapes[k][0];
        run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_RING, n, shapes[k][1], S,
            shapes[k][2], &t);
        assert_int_equal(t.steps, 2 * (n - 1));
        for (int i = 0; i < n; i++) {
            assert_close(t.sent[i], 2.0 * (n - 1) / n * S, 1e-12);
            assert_close(t.recv[i], 2.0 * (n - 1) / n * S, 1e-12);
        }
    }
}

static void test_ring_gather_scatter_bcast(void **state)
{
    (void)state;
    tally_t t;
    const double S = 12e6;
    int n = 12;
    run(SIM_COLL_ALL_GATHER, SIM_COLL_ALGO_RING, n, 4, S, 4, &t);
    for (int i = 0; i < n; i++) /* S is the total output */
        assert_close(t.recv[i], (n - 1.0) / n * S, 1e-12);
    run(SIM_COLL_REDUCE_SCATTER, SIM_COLL_ALGO_RING, n, 4, S, 1, &t);
    for (int i = 0; i < n; i++) /* S is the total input */
        assert_close(t.sent[i], (n - 1.0) / n * S, 1e-12);
    run(SIM_COLL_BROADCAST, SIM_COLL_ALGO_RING, n, 4, S, 2, &t);
    for (int i = 1; i < n; i++) /* everyone but the root gets S once */
        assert_close(t.recv[i], S, 1e-12);
    assert_close_abs(t.recv[0], 0.0, 0.0);
    run(SIM_COLL_REDUCE, SIM_COLL_ALGO_RING, n, 4, S, 1, &t);
    for (int i = 1; i < n; i++)
        assert_close(t.sent[i], S, 1e-12);
    assert_close_abs(t.sent[0], 0.0, 0.0);
}

static void test_tree_allreduce(void **state)
{
    (void)state;
    tally_t t;
    const double S = 64e6;
    int shapes[][2] = {{32, 8}, {24, 8}, {5, 1}, {8, 8}};
    for (size_t k = 0; k < 4; k++) {
        int n = shapes[k][0];
        run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_TREE, n, shapes[k][1], S, 2,
            &t);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            total += t.sent[i];
            /* every rank receives the reduced result of each tree in which
             * it is not the root: S/2 per tree, 2 trees, 2 channels */
            assert_true(t.recv[i] >= S / 2 - 1.0);
        }
        /* each of the 4 trees has n-1 edges, each moves S/4 up and down */
        assert_close(total, 4.0 * (n - 1) * (S / 4.0) * 2.0, 1e-12);
    }
}

static void test_hd_and_nvls_and_hier(void **state)
{
    (void)state;
    tally_t t;
    const double S = 1 << 24;
    run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_HD, 16, 8, S, 1, &t);
    for (int i = 0; i < 16; i++)
        assert_close(t.sent[i], 2.0 * 15 / 16 * S, 1e-12);
    run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_HD, 6, 6, S, 1, &t);
    /* ranks 4, 5 fold into 0, 1: send S, get S back */
    assert_close(t.sent[4], S, 1e-12);
    assert_close(t.recv[5], S, 1e-12);
    assert_close(t.sent[0], 2.0 * 3 / 4 * S + S, 1e-12);
    run(SIM_COLL_ALL_GATHER, SIM_COLL_ALGO_HD, 8, 8, S, 1, &t);
    for (int i = 0; i < 8; i++)
        assert_close(t.recv[i], 7.0 / 8 * S, 1e-12);

    run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_NVLS, 8, 8, S, 1, &t);
    assert_int_equal(t.steps, 1);
    for (int i = 0; i < 8; i++) { /* S up + S/n up, S/n + S down */
        assert_close(t.sent[i], S * 9.0 / 8, 1e-12);
        assert_close(t.recv[i], S * 9.0 / 8, 1e-12);
    }

    int g = 8, k = 4;
    run(SIM_COLL_ALL_REDUCE, SIM_COLL_ALGO_HIER, g * k, g, S, 2, &t);
    assert_int_equal(t.steps, 2 * (g - 1) + 2 * (k - 1));
    for (int i = 0; i < g * k; i++)
        assert_close(t.sent[i],
                     2.0 * (g - 1) / g * S + 2.0 * (k - 1) / k * S / g, 1e-12);
}

static void test_alltoall_pairs(void **state)
{
    (void)state;
    tally_t t;
    int n = 10;
    const double S = 1e6;
    run(SIM_COLL_ALL_TO_ALL, SIM_COLL_ALGO_PAIRWISE, n, 5, S, 1, &t);
    assert_int_equal(t.steps, n - 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j)
                assert_close(t.pair[i][j], S / n, 1e-12);
    run(SIM_COLL_SEND_RECV, SIM_COLL_ALGO_P2P, 2, 1, S, 4, &t);
    assert_close(t.pair[0][1], S, 1e-12);
    assert_close_abs(t.pair[1][0], 0.0, 0.0);
}

static void test_steps_identical(void **state)
{
    (void)state;
    int32_t gpus[16];
    for (int i = 0; i < 16; i++)
        gpus[i] = i;
    sim_coll_sched_t *s;
    sim_coll_xfers_t a, b;
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_REDUCE,
                                        SIM_COLL_ALGO_RING, gpus, NULL, 16,
                                        1e6, NULL, &s, NULL), SIM_OK);
    assert_int_equal(sim_coll_sched_phases(s), 1); /* one collapsible phase */
    assert_int_equal(sim_coll_sched_repeat(s, 0), 30);
    sim_coll_xfers_init(&a);
    sim_coll_xfers_init(&b);
    assert_int_equal(sim_coll_sched_emit(s, 0, &a), SIM_OK);
    assert_int_equal(sim_coll_sched_emit(s, 0, &b), SIM_OK);
    assert_int_equal(a.n, 16);
    /* Field by field: the struct has padding, which memcmp would read. */
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.v[i].src, b.v[i].src);
        assert_int_equal(a.v[i].dst, b.v[i].dst);
        assert_true(a.v[i].bytes == b.v[i].bytes);
        assert_true(a.v[i].salt == b.v[i].salt);
        assert_int_equal(a.v[i].lane, b.v[i].lane);
    }
    sim_coll_xfers_destroy(&a);
    sim_coll_xfers_destroy(&b);
    sim_coll_sched_free(s);
}

static void test_names_factors_refusals(void **state)
{
    (void)state;
    sim_coll_op_t op;
    sim_coll_algo_t al;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_coll_op_from_name("all_reduce", &op, NULL), SIM_OK);
    assert_int_equal(op, SIM_COLL_ALL_REDUCE);
    assert_int_equal(sim_coll_op_from_name("AllGather", &op, NULL), SIM_OK);
    assert_int_equal(op, SIM_COLL_ALL_GATHER);
    assert_int_equal(sim_coll_algo_from_name("hier", &al, NULL), SIM_OK);
    assert_int_equal(al, SIM_COLL_ALGO_HIER);
    assert_int_equal(sim_coll_op_from_name("gossip", &op, &d),
                     SIM_ERR_NOTFOUND);
    assert_non_null(strstr(d.msg, "gossip"));
    assert_close(sim_coll_busbw_factor(SIM_COLL_ALL_REDUCE, 8), 1.75, 1e-15);
    assert_close(sim_coll_busbw_factor(SIM_COLL_ALL_GATHER, 8), 0.875, 1e-15);
    assert_close(sim_coll_busbw_factor(SIM_COLL_REDUCE_SCATTER, 4), 0.75,
                 1e-15);
    assert_close(sim_coll_busbw_factor(SIM_COLL_ALL_TO_ALL, 2), 0.5, 1e-15);
    assert_close(sim_coll_busbw_factor(SIM_COLL_BROADCAST, 8), 1.0, 1e-15);
    assert_close(sim_coll_busbw_factor(SIM_COLL_SEND_RECV, 2), 1.0, 1e-15);

    int32_t gpus[6] = {0, 1, 2, 3, 4, 5}, node[6] = {0, 0, 0, 1, 1, 2};
    sim_coll_sched_t *s = (sim_coll_sched_t *)1;
    assert_int_equal(sim_coll_sched_new(SIM_COLL_REDUCE_SCATTER,
                                        SIM_COLL_ALGO_HD, gpus, NULL, 6, 1e6,
                                        NULL, &s, NULL), SIM_ERR_INFEASIBLE);
    assert_null(s);
    assert_int_equal(sim_coll_sched_new(SIM_COLL_SEND_RECV, SIM_COLL_ALGO_P2P,
                                        gpus, NULL, 3, 1e6, NULL, &s, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_REDUCE,
                                        SIM_COLL_ALGO_HIER, gpus, node, 6,
                                        1e6, NULL, &s, NULL),
                     SIM_ERR_INFEASIBLE);
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_REDUCE,
                                        SIM_COLL_ALGO_NVLS, gpus, node, 6,
                                        1e6, NULL, &s, NULL),
                     SIM_ERR_INFEASIBLE);
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_GATHER,
                                        SIM_COLL_ALGO_TREE, gpus, NULL, 6,
                                        1e6, NULL, &s, NULL),
                     SIM_ERR_INFEASIBLE);
    gpus[3] = 1;
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_REDUCE,
                                        SIM_COLL_ALGO_RING, gpus, NULL, 6,
                                        1e6, NULL, &s, NULL), SIM_ERR_RANGE);
    /* a group of one moves nothing */
    assert_int_equal(sim_coll_sched_new(SIM_COLL_ALL_REDUCE,
                                        SIM_COLL_ALGO_RING, gpus, NULL, 1,
                                        1e6, NULL, &s, NULL), SIM_OK);
    assert_int_equal(sim_coll_sched_steps(s), 0);
    sim_coll_sched_free(s);
    sim_coll_sched_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_allreduce_bytes),
        cmocka_unit_test(test_ring_gather_scatter_bcast),
        cmocka_unit_test(test_tree_allreduce),
        cmocka_unit_test(test_hd_and_nvls_and_hier),
        cmocka_unit_test(test_alltoall_pairs),
        cmocka_unit_test(test_steps_identical),
        cmocka_unit_test(test_names_factors_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
