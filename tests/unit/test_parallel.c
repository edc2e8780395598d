/*
 * test_parallel.c — parallelism plans: derivation of dp and gradient
 * accumulation, each Megatron rule refused with its numbers, the rows of
 * data/validation/training.csv expressible, rank placement and group GPU
 * lists (tp-cp-pp-dp and a reordered plan, EP/EDP), uneven layer splits,
 * and the 1F1B / interleaved schedules against Megatron-LM's order
 * (Narayanan et al. SC'21 Fig. 4: 4 stages, 8 micro-batches, 2 chunks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "workloads/parallel.h"

static wl_model_t gpt(int layers, int hidden, int heads)
{
    wl_model_t m;
    wl_model_init(&m, "gpt");
    m.layers = layers;
    m.hidden = hidden;
    m.heads = heads;
    m.ffn_hidden = 4LL * hidden;
    m.vocab = 51200;
    m.seq_len = 2048;
    assert_int_equal(wl_model_validate(&m, NULL), SIM_OK);
    return m;
}

static wl_parallel_t plan(int gpus, int tp, int pp, int gb, int mb)
{
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.gpus = gpus;
    p.tp = tp;
    p.pp = pp;
    p.global_batch = gb;
    p.micro_batch = mb;
    return p;
}

static void test_derive(void **state)
{
    (void)state;
    wl_model_t m = gpt(96, 12288, 96);
    wl_parallel_t p = plan(1536, 8, 8, 2304, 1);
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    assert_int_equal(p.dp, 24);
    assert_int_equal(p.grad_accum, 96);
    assert_int_equal(p.seq_len, 2048);
    assert_int_equal(p.edp, 24);
    /* the training.csv rows: Megatron 530B (tp8 pp35 dp9) and Korthikanti
     * Table 5 530B (280 GPUs, vpp 3) */
    wl_model_t big = gpt(105, 20480, 128);
    p = plan(2520, 8, 35, 2520, 1);
    assert_int_equal(wl_parallel_validate(&p, &big, NULL), SIM_OK);
    assert_int_equal(p.dp, 9);
    assert_int_equal(p.grad_accum, 280);
    p = plan(280, 8, 35, 280, 1);
    p.virtual_stages = 3;
    p.sp = true;
    p.recompute = WL_RECOMPUTE_SELECTIVE;
    assert_int_equal(wl_parallel_validate(&p, &big, NULL), SIM_OK);
    assert_int_equal(wl_parallel_chunk_layers(&p, 105, 104), 1);
}

static void expect_refusal(wl_parallel_t p, const wl_model_t *m,
                           const char *key, const char *text)
{
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_parallel_validate(&p, m, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, key);
    assert_non_null(strstr(d.msg, text));
}

static void test_rules(void **state)
{
    (void)state;
    wl_model_t m = gpt(32, 4096, 32);
    expect_refusal(plan(64, 3, 1, 64, 1), &m, "parallel.dp", "64 GPUs");
    wl_parallel_t p = plan(48, 3, 1, 16, 1);
    expect_refusal(p, &m, "parallel.tp", "heads 32");
    p = plan(64, 8, 1, 8, 1);
    p.dp = 4;
    expect_refusal(p, &m, "parallel.dp", "must equal the 64");
    expect_refusal(plan(64, 8, 2, 6, 1), &m, "train.global_batch",
                   "micro_batch x dp = 1 x 4");
    p = plan(64, 8, 2, 8, 1);
    p.cp = 3;
    p.gpus = 48;
    expect_refusal(p, &m, "parallel.cp", "2 x cp = 6");
    p = plan(64, 8, 2, 8, 1);
    p.virtual_stages = 2; /* 2 micro-batches, pp 2: fine; 6 is not */
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    p = plan(64, 8, 4, 12, 1);
    p.virtual_stages = 2;
    expect_refusal(p, &m, "train.global_batch", "divisible by pp");
    p = plan(64, 8, 2, 8, 1);
    p.zero = 3;
    expect_refusal(p, &m, "parallel.zero", "ZeRO stage <= 1");
    p = plan(8, 1, 1, 8, 1);
    p.ep = 2;
    expect_refusal(p, &m, "parallel.ep", "dense model");
    /* MoE: EP divides experts and dp x cp; TP needs SP */
    wl_model_t moe = m;
    moe.experts = 8;
    moe.top_k = 2;
    moe.moe_ffn_hidden = 14336;
    p = plan(64, 2, 1, 32, 1);
    p.ep = 8;
    expect_refusal(p, &moe, "parallel.sp", "needs sp = on");
    p.sp = true;
    assert_int_equal(wl_parallel_validate(&p, &moe, NULL), SIM_OK);
    assert_int_equal(p.edp, 4);
    p = plan(48, 2, 1, 24, 1);
    p.sp = true;
    p.ep = 16;
    expect_refusal(p, &moe, "parallel.ep", "must divide experts 8");
}

static void test_uneven_layers(void **state)
{
    (void)state;
    wl_parallel_t p = plan(16, 1, 16, 16, 1);
    int sum = 0, big = 0;
    for (int c = 0; c < 16; c++) {
        int n = wl_parallel_chunk_layers(&p, 61, c); /* DeepSeek-V3 */
        assert_true(n == 3 || n == 4);
        big += n == 4;
        assert_int_equal(wl_parallel_chunk_first_layer(&p, 61, c), sum);
        sum += n;
    }
    assert_int_equal(sum, 61);
    assert_int_equal(big, 13);
    /* the first and last chunks stay light */
    assert_int_equal(wl_parallel_chunk_layers(&p, 61, 0), 3);
    assert_int_equal(wl_parallel_chunk_layers(&p, 61, 15), 3);
}

static void test_groups(void **state)
{
    (void)state;
    wl_model_t m = gpt(32, 4096, 32);
    wl_parallel_t p = plan(32, 4, 2, 4, 1);
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    wl_groups_t g;
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_TP, &g, NULL), SIM_OK);
    assert_int_equal(g.count, 8);
    assert_int_equal(g.size, 4);
    for (int i = 0; i < 32; i++)
        assert_int_equal(g.ids[i], i); /* TP = 4 consecutive GPUs */
    wl_groups_destroy(&g);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_PP, &g, NULL), SIM_OK);
    assert_int_equal(g.size, 2);
    assert_int_equal(g.ids[0], 0);
    assert_int_equal(g.ids[1], 4);
    wl_groups_destroy(&g);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_DP, &g, NULL), SIM_OK);
    assert_int_equal(g.size, 4);
    int dp0[] = {0, 8, 16, 24};
    for (int i = 0; i < 4; i++)
        assert_int_equal(g.ids[i], dp0[i]);
    wl_groups_destroy(&g);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_EMBED, &g, NULL),
                     SIM_OK);
    assert_int_equal(g.count, 16);
    assert_int_equal(g.ids[1], 4);
    wl_groups_destroy(&g);
    /* dp fastest: DP ranks become neighbours */
    assert_int_equal(wl_parallel_parse_order("dp-tp-cp-pp", p.order, NULL),
                     SIM_OK);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_DP, &g, NULL), SIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g.ids[i], i);
    wl_groups_destroy(&g);
    int c[4];
    for (int r = 0; r < 32; r++) {
        wl_parallel_coords(&p, r, c);
        assert_int_equal(wl_parallel_rank(&p, c), r);
    }
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_parallel_parse_order("tp-tp-pp-dp", p.order, &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "parallel.order");
    assert_int_equal(wl_parallel_parse_order("tp-cp-pp", p.order, NULL),
                     SIM_ERR_INPUT);
    /* EP: runs of ep DP ranks; EDP: strided */
    wl_model_t moe = m;
    moe.experts = 8;
    moe.top_k = 2;
    moe.moe_ffn_hidden = 1024;
    p = plan(16, 2, 1, 8, 1);
    p.sp = true;
    p.ep = 4;
    assert_int_equal(wl_parallel_validate(&p, &moe, NULL), SIM_OK);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_EP, &g, NULL), SIM_OK);
    assert_int_equal(g.size, 4);
    int ep0[] = {0, 2, 4, 6};
    for (int i = 0; i < 4; i++)
        assert_int_equal(g.ids[i], ep0[i]);
    wl_groups_destroy(&g);
    assert_int_equal(wl_parallel_groups(&p, WL_GROUP_EDP, &g, NULL), SIM_OK);
    assert_int_equal(g.size, 2);
    assert_int_equal(g.ids[0], 0);
    assert_int_equal(g.ids[1], 8);
    wl_groups_destroy(&g);
    wl_groups_destroy(NULL);
}

static void check_schedule(int pp, int m, int v, int stage,
                           const char *expect)
{
    wl_pipe_step_t s[64];
    char buf[512] = "";
    assert_int_equal(wl_pipeline_schedule(pp, m, v, stage, s, NULL), SIM_OK);
    size_t used = 0;
    for (int i = 0; i < 2 * m * v; i++) {
        int w = v > 1 ? snprintf(buf + used, sizeof buf - used, "%c%d.%d ",
                                 s[i].pass, s[i].microbatch + 1, s[i].chunk)
                      : snprintf(buf + used, sizeof buf - used, "%c%d ",
                                 s[i].pass, s[i].microbatch + 1);
        used += (size_t)w;
    }
    assert_string_equal(buf, expect);
}

static void test_schedules(void **state)
{
    (void)state;
    /* 1F1B (PipeDream-Flush), Narayanan et al. Fig. 4 top: 4 stages,
     * 8 micro-batches */
    check_schedule(4, 8, 1, 0,
                   "F1 F2 F3 F4 B1 F5 B2 F6 B3 F7 B4 F8 B5 B6 B7 B8 ");
    check_schedule(4, 8, 1, 3,
                   "F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7 F8 B8 ");
    check_schedule(4, 2, 1, 0, "F1 F2 B1 B2 ");
    /* interleaved, Fig. 4 bottom: device 1 runs micro-batches 1-4 on
     * chunk 0, 1-4 on chunk 1, 5-6 on chunk 0, then 1F1B with backward
     * starting from the last chunk */
    check_schedule(4, 8, 2, 0,
                   "F1.0 F2.0 F3.0 F4.0 F1.1 F2.1 F3.1 F4.1 F5.0 F6.0 "
                   "F7.0 B1.1 F8.0 B2.1 F5.1 B3.1 F6.1 B4.1 F7.1 B1.0 "
                   "F8.1 B2.0 B3.0 B4.0 B5.1 B6.1 B7.1 B8.1 B5.0 B6.0 "
                   "B7.0 B8.0 ");
    /* m == pp: all forwards first */
    check_schedule(2, 2, 2, 1, "F1.0 F2.0 F1.1 F2.1 B1.1 B2.1 B1.0 B2.0 ");
    wl_pipe_step_t s[8];
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_pipeline_schedule(4, 6, 2, 0, s, &d), SIM_ERR_RANGE);
    assert_non_null(strstr(d.msg, "divisible by pp"));
    assert_int_equal(wl_pipeline_schedule(4, 4, 1, 4, s, NULL),
                     SIM_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_uneven_layers),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_schedules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
