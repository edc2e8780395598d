/*
 * test_train_graph.c — per-stage op graphs: GEMM FLOPs of a forward equal
 * 2 x tokens x the stage's matmul weights / TP and backward GEMMs twice
 * that; TP collectives per layer (2 all-reduces, or with SP 2 all-gathers
 * + 2 reduce-scatters of s·b·h bytes); recomputation by mode; PP
 * send/recv bytes; DP gradient buckets summing to the rank's parameters;
 * ZeRO-3 gathers; MoE all-to-alls and tokens per expert; dependencies
 * point backwards; building twice gives the same ops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tests/unit/assert_close.h"
#include "workloads/parallel.h"
#include "workloads/train_graph.h"

static wl_model_t llama(void)
{
    wl_model_t m;
    wl_model_init(&m, "small");
    m.layers = 4;
    m.hidden = 1024;
    m.heads = 16;
    m.kv_heads = 4;
    m.ffn_hidden = 2816;
    m.vocab = 32000;
    m.seq_len = 1024;
    assert_int_equal(wl_model_validate(&m, NULL), SIM_OK);
    return m;
}

static wl_parallel_t plan(int gpus, int tp, int pp, bool sp)
{
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.gpus = gpus;
    p.tp = tp;
    p.pp = pp;
    p.sp = sp;
    p.micro_batch = 2;
    return p;
}

static wl_train_graph_t *build(const wl_model_t *m, wl_parallel_t *p,
                               int stage)
{
    wl_train_graph_t *g = NULL;
    assert_int_equal(wl_parallel_validate(p, m, NULL), SIM_OK);
    assert_int_equal(wl_train_graph_build(m, p, stage, &g, NULL), SIM_OK);
    return g;
}

static double gemm_flops(const wl_op_list_t *l, wl_phase_t ph)
{
    double f = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->ops[i].kind == WL_OP_COMPUTE && l->ops[i].phase == ph &&
            l->ops[i].compute.kind == SIM_COMPUTE_OP_GEMM)
            f += sim_compute_op_flops(&l->ops[i].compute);
    return f;
}

static int count(const wl_op_list_t *l, wl_coll_t c, wl_group_kind_t g,
                 double *bytes)
{
    int n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->ops[i].kind != WL_OP_COMPUTE && l->ops[i].coll == c &&
            l->ops[i].group == g) {
            n++;
            if (bytes)
                *bytes = l->ops[i].bytes;
        }
    return n;
}

static void check_deps(const wl_op_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (int d = 0; d < l->ops[i].ndeps; d++) {
            assert_true(l->ops[i].deps[d] >= 0);
            assert_true((size_t)l->ops[i].deps[d] < i);
        }
}

static void test_flops_and_tp(void **state)
{
    (void)state;
    wl_model_t m = llama();
    wl_parallel_t p = plan(2, 2, 1, false);
    wl_train_graph_t *g = build(&m, &p, 0);
    const wl_op_list_t *f = wl_train_graph_forward(g, 0);
    const wl_op_list_t *b = wl_train_graph_backward(g, 0);
    double T = 2 * 1024, h = 1024;
    /* matmul weights: per layer q,k,v,o + 3 MLP, plus the padded head */
    double layer = h * (1024 + 256 + 256) + 1024 * h + 3 * h * 2816;
    double w = 4 * layer + 32000.0 * h;
    assert_close(gemm_flops(f, WL_PHASE_FWD), 2 * T * w / 2, 1e-12);
    assert_close(gemm_flops(b, WL_PHASE_BWD), 2 * gemm_flops(f, WL_PHASE_FWD),
                 1e-12);
    double bytes = 0;
    /* 2 per layer + embedding (vocab-parallel) + the loss's small one */
    assert_int_equal(count(f, WL_COLL_ALLREDUCE, WL_GROUP_TP, NULL), 10);
    assert_int_equal(count(f, WL_COLL_ALLGATHER, WL_GROUP_TP, &bytes), 0);
    check_deps(f);
    check_deps(b);
    assert_null(wl_train_graph_forward(g, 1));
    wl_train_graph_free(g);

    /* SP: all-gather + reduce-scatter of s·b·h·2 bytes per block */
    p = plan(2, 2, 1, true);
    g = build(&m, &p, 0);
    f = wl_train_graph_forward(g, 0);
    b = wl_train_graph_backward(g, 0);
    assert_int_equal(count(f, WL_COLL_ALLGATHER, WL_GROUP_TP, &bytes), 9);
    assert_close(bytes, T * h * 2, 1e-12);
    assert_int_equal(count(f, WL_COLL_REDUCESCATTER, WL_GROUP_TP, NULL), 9);
    /* backward mirrors them and re-gathers inputs for weight gradients */
    assert_int_equal(count(b, WL_COLL_REDUCESCATTER, WL_GROUP_TP, NULL), 9);
    assert_int_equal(count(b, WL_COLL_ALLGATHER, WL_GROUP_TP, NULL), 18);
    wl_train_graph_free(g);
}

static void test_recompute(void **state)
{
    (void)state;
    wl_model_t m = llama();
    for (int rc = 0; rc < 3; rc++) {
        wl_parallel_t p = plan(1, 1, 1, false);
        p.recompute = (wl_recompute_t)rc;
        wl_train_graph_t *g = build(&m, &p, 0);
        const wl_op_list_t *f = wl_train_graph_forward(g, 0);
        const wl_op_list_t *b = wl_train_graph_backward(g, 0);
        double re = gemm_flops(b, WL_PHASE_RECOMPUTE);
        int attn = 0;
        for (size_t i = 0; i < b->n; i++)
            attn += b->ops[i].phase == WL_PHASE_RECOMPUTE &&
                    b->ops[i].compute.kind == SIM_COMPUTE_OP_ATTENTION;
        if (rc == WL_RECOMPUTE_NONE)
            assert_true(re == 0 && attn == 0);
        if (rc == WL_RECOMPUTE_SELECTIVE)
            assert_true(re == 0 && attn == 4);
        if (rc == WL_RECOMPUTE_FULL) {
            /* every layer's forward again, not the head */
            double head = 2.0 * 2048 * 1024 * 32000;
            assert_close(re, gemm_flops(f, WL_PHASE_FWD) - head, 1e-12);
            assert_int_equal(attn, 4);
        }
        wl_train_graph_free(g);
    }
}

static void test_pipeline_and_buckets(void **state)
{
    (void)state;
    wl_model_t m = llama();
    wl_parallel_t p = plan(8, 2, 2, true);
    p.bucket_params = 1e6;
    p.global_batch = 8;
    wl_train_graph_t *g0 = build(&m, &p, 0);
    wl_train_graph_t *g1 = build(&m, &p, 1);
    const wl_op_list_t *f0 = wl_train_graph_forward(g0, 0);
    const wl_op_list_t *f1 = wl_train_graph_forward(g1, 0);
    double pp_bytes = 2.0 * 1024 * 1024 * 2 / 2; /* b s h e / tp (SP) */
    assert_int_equal(f0->ops[f0->n - 1].kind, WL_OP_P2P);
    assert_int_equal(f0->ops[f0->n - 1].coll, WL_COLL_SEND);
    assert_int_equal(f0->ops[f0->n - 1].peer_stage, 1);
    assert_close(f0->ops[f0->n - 1].bytes, pp_bytes, 1e-12);
    assert_int_equal(f1->ops[0].coll, WL_COLL_RECV);
    assert_int_equal(f1->ops[0].peer_stage, 0);
    const wl_op_list_t *b0 = wl_train_graph_backward(g0, 0);
    const wl_op_list_t *bl = wl_train_graph_backward_last(g0, 0);
    assert_int_equal(b0->ops[0].coll, WL_COLL_RECV);
    /* ZeRO-0: no reduction until the last micro-batch; then buckets of
     * >= 1M parameters summing to every gradient of the rank */
    assert_int_equal(count(b0, WL_COLL_ALLREDUCE, WL_GROUP_DPCP, NULL), 0);
    double grads = 0, synced = 0;
    int buckets = 0;
    for (size_t i = 0; i < bl->n; i++) {
        const wl_op_t *op = &bl->ops[i];
        if (op->phase == WL_PHASE_GRAD_SYNC) {
            synced += op->params;
            buckets++;
            assert_close(op->bytes, op->params * 2, 1e-12);
            assert_int_equal(op->ndeps, 1);
            assert_true(bl->ops[op->deps[0]].params > 0);
        } else if (op->params > 0) {
            grads += op->params;
        }
    }
    assert_close(synced, grads, 1e-12);
    assert_true(buckets >= 3);
    check_deps(bl);
    const wl_op_list_t *st = wl_train_graph_step(g0);
    assert_int_equal(st->ops[0].compute.kind, SIM_COMPUTE_OP_OPTIMIZER);
    assert_close(st->ops[0].params, grads, 1e-9);
    wl_train_graph_free(g0);
    wl_train_graph_free(g1);

    /* ZeRO-3 gathers weights per layer in forward and backward and
     * reduce-scatters gradients every micro-batch */
    p = plan(4, 1, 1, false);
    p.zero = 3;
    wl_train_graph_t *g = build(&m, &p, 0);
    const wl_op_list_t *f = wl_train_graph_forward(g, 0);
    const wl_op_list_t *b = wl_train_graph_backward(g, 0);
    assert_int_equal(count(f, WL_COLL_ALLGATHER, WL_GROUP_DPCP, NULL), 6);
    assert_int_equal(count(b, WL_COLL_ALLGATHER, WL_GROUP_DPCP, NULL), 6);
    assert_int_equal(count(b, WL_COLL_REDUCESCATTER, WL_GROUP_DPCP, NULL),
                     6);
    st = wl_train_graph_step(g);
    assert_int_equal(st->n, 1);
    check_deps(f);
    check_deps(b);
    wl_train_graph_free(g);
}

static void test_moe(void **state)
{
    (void)state;
    wl_model_t m = llama();
    m.experts = 8;
    m.top_k = 2;
    m.moe_ffn_hidden = 512;
    wl_parallel_t p = plan(16, 2, 1, true); /* dp 8 = ep 4 x edp 2 */
    p.ep = 4;
    wl_train_graph_t *g = build(&m, &p, 0);
    const wl_op_list_t *f = wl_train_graph_forward(g, 0);
    double bytes = 0;
    assert_int_equal(count(f, WL_COLL_ALLTOALL, WL_GROUP_EP, &bytes), 8);
    assert_close(bytes, 2048.0 / 2 * 2 * 1024 * 2, 1e-12);
    int found = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->ops[i].name && strcmp(f->ops[i].name, "expert_up") == 0) {
            /* tokens x top_k x ep / experts, 2 local experts */
            assert_int_equal(f->ops[i].compute.u.gemm.m, 2048 * 2 * 4 / 8);
            assert_int_equal(f->ops[i].compute.u.gemm.batch, 2);
            found++;
        }
    assert_int_equal(found, 4);
    const wl_op_list_t *bl = wl_train_graph_backward_last(g, 0);
    assert_true(wl_op_list_comm_bytes(bl, WL_GROUP_EDP) > 0);
    assert_true(wl_op_list_comm_bytes(bl, WL_GROUP_DPCP) > 0);
    assert_true(wl_op_list_comm_bytes(wl_train_graph_backward(g, 0),
                                      WL_GROUP_EDP) == 0);
    wl_train_graph_free(g);
}

static void test_deterministic(void **state)
{
    (void)state;
    wl_model_t m = llama();
    wl_parallel_t p = plan(8, 2, 2, true);
    p.virtual_stages = 2;
    p.global_batch = 8;
    p.recompute = WL_RECOMPUTE_FULL;
    wl_train_graph_t *a = build(&m, &p, 1);
    wl_train_graph_t *b = build(&m, &p, 1);
    assert_int_equal(wl_train_graph_chunks(a), 2);
    for (int c = 0; c < 2; c++) {
        const wl_op_list_t *x = wl_train_graph_backward_last(a, c);
        const wl_op_list_t *y = wl_train_graph_backward_last(b, c);
        assert_int_equal(x->n, y->n);
        assert_true(x->n > 0);
        assert_int_equal(memcmp(x->ops, y->ops, x->n * sizeof *x->ops), 0);
        check_deps(x);
    }
    /* stage 1 chunk 1 is the model's last chunk: it ends in the loss and
     * sends nothing on; chunk 0 sends to stage 0's chunk 1 */
    const wl_op_list_t *f0 = wl_train_graph_forward(a, 0);
    assert_int_equal(f0->ops[f0->n - 1].coll, WL_COLL_SEND);
    assert_int_equal(f0->ops[f0->n - 1].peer_stage, 0);
    const wl_op_list_t *f1 = wl_train_graph_forward(a, 1);
    assert_int_not_equal(f1->ops[f1->n - 1].kind, WL_OP_P2P);
    wl_train_graph_free(a);
    wl_train_graph_free(b);
    wl_train_graph_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flops_and_tp),
        cmocka_unit_test(test_recompute),
        cmocka_unit_test(test_pipeline_and_buckets),
        cmocka_unit_test(test_moe),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
