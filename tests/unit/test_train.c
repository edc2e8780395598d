/*
 * test_train.c — the training executor end to end: the 1F1B bubble against
 * (p-1)/(m+p-1) with free communication, doubling DP at a fixed per-GPU
 * batch, ZeRO-3 memory falling as 1/DP, stragglers, a heterogeneous pool
 * and balancing, the memory refusal, the timeline, determinism, and the
 * sustained clock (compute-bound kernel time scales, memory-bound does
 * not).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/train/train.h"
#include "sim/train/train_int.h"
#include "workloads/gpu_profile.h"
#include "sim/train/train_profile.h"
#include "tests/unit/assert_close.h"
#include "workloads/model_catalog.h"

typedef struct fx {
    wl_hwcat_t *hw;
    sim_coll_tuning_t *tuning;
    sim_compute_profile_t prof, prof2;
    topo_t *topo;
} fx_t;

static fx_t F;

static int setup(void **state)
{
    (void)state;
    sim_diag_t d = SIM_DIAG_INIT;
    if (wl_hwcat_load(&F.hw, &d) != SIM_OK ||
        sim_coll_tuning_load(&F.tuning, &d) != SIM_OK ||
        sim_compute_profile_builtin("H100", &F.prof, &d) != SIM_OK ||
        sim_compute_profile_builtin("H20", &F.prof2, &d) != SIM_OK)
        return -1;
    topo_params_t tp;
    topo_params_default(&tp, TOPO_RAIL_FAT_TREE);
    tp.gpus = 64;
    return topo_build(&tp, &F.topo, &d) == SIM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    topo_free(F.topo);
    sim_coll_tuning_free(F.tuning);
    wl_hwcat_free(F.hw);
    return 0;
}

/* A small GPT-like model with a tiny vocabulary, so every stage carries
 * the same work (embedding and head are negligible). */
static void small_model(wl_model_t *m)
{
    wl_model_init(m, "test");
    m->layers = 16;
    m->hidden = 2048;
    m->heads = 16;
    m->ffn_hidden = 8192;
    m->vocab = 128;
    m->seq_len = 2048;
    m->activation = WL_ACT_GELU;
    assert_int_equal(wl_model_validate(m, NULL), SIM_OK);
}

static void config(sim_train_config_t *c, int gpus, int tp, int pp,
                   int64_t gbs)
{
    sim_train_config_init(c);
    small_model(&c->model);
    wl_parallel_init(&c->plan);
    c->plan.gpus = gpus;
    c->plan.tp = tp;
    c->plan.pp = pp;
    c->plan.global_batch = gbs;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_parallel_validate(&c->plan, &c->model, &d), SIM_OK);
    c->gpu = wl_hwcat_find(F.hw, "H100");
    assert_non_null(c->gpu);
    c->profile = &F.prof;
    c->topo = F.topo;
    c->nvls = c->gpu->nvls;
    sim_coll_tuning_profile(F.tuning, c->gpu->name, &c->coll);
}

static void run(const sim_train_config_t *c, sim_train_result_t *r)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_train_simulate(c, r, NULL, &d);
    if (err != SIM_OK)
        fail_msg("%s", d.msg);
}

/* 1F1B with free communication: bubble / iteration = (p-1)/(m+p-1). */
static void test_bubble_1f1b(void **state)
{
    (void)state;
    static const int ms[] = {4, 8, 16};
    double prev = 1;
    for (int i = 0; i < 3; i++) {
        sim_train_config_t c;
        sim_train_result_t r;
        int p = 4, m = ms[i];
        config(&c, 4, 1, p, m);
        c.free_comm = true;
        c.topo = NULL;
        run(&c, &r);
        double expect = (double)(p - 1) / (m + p - 1);
        /* the optimizer step (not part of the formula) is small */
        double step = r.iteration_s - r.breakdown.compute_s -
                      r.breakdown.bubble_s;
        assert_true(step >= -1e-12);
        double frac = r.breakdown.bubble_s /
                      (r.iteration_s - r.breakdown.dp_s);
        /* first and last stages carry the embedding, head and loss
         * kernels, so stages are not exactly equal: 8% */
        assert_close(frac, expect, 0.08);
        assert_true(frac < prev);
        prev = frac;
        assert_true(r.breakdown.tp_s == 0 && r.breakdown.pp_s == 0);
    }
}

/* Doubling DP at a fixed per-GPU batch adds at most the exposed gradient
 * reduction, and never speeds the iteration up. */
static void test_dp_doubling(void **state)
{
    (void)state;
    sim_train_config_t a, b;
    sim_train_result_t ra, rb;
    config(&a, 16, 8, 1, 2 * 4);  /* dp 2, 4 micro-batches each */
    config(&b, 32, 8, 1, 4 * 4);  /* dp 4, 4 micro-batches each */
    run(&a, &ra);
    run(&b, &rb);
    assert_close(ra.breakdown.compute_s, rb.breakdown.compute_s, 1e-9);
    assert_true(rb.iteration_s >= ra.iteration_s * (1 - 1e-9));
    assert_true(rb.iteration_s - ra.iteration_s <=
                rb.breakdown.dp_s + 1e-9);
    assert_true(rb.breakdown.dp_s > 0);
    assert_close(rb.tokens_per_s / ra.tokens_per_s,
                 2 * ra.iteration_s / rb.iteration_s, 1e-9);
}

/* ZeRO-3: the per-GPU memory's sharded part halves when DP doubles. */
static void test_zero3_memory(void **state)
{
    (void)state;
    double mem[3];
    for (int i = 0; i < 3; i++) {
        sim_train_config_t c;
        sim_train_result_t r;
        int dp = 2 << i;
        config(&c, 8 * dp, 8, 1, dp);
        c.plan.zero = 3;
        sim_diag_t d = SIM_DIAG_INIT;
        assert_int_equal(wl_parallel_validate(&c.plan, &c.model, &d),
                         SIM_OK);
        run(&c, &r);
        mem[i] = r.memory_per_gpu_GiB;
    }
    assert_true(mem[0] > mem[1] && mem[1] > mem[2]);
    assert_close((mem[0] - mem[1]) / (mem[1] - mem[2]), 2.0, 1e-6);
}

/* A slow stage sets the pace; balancing moves layers off it. */
static void test_straggler_and_balance(void **state)
{
    (void)state;
    sim_train_config_t c;
    sim_train_result_t base, slow, bal;
    config(&c, 32, 8, 4, 32);
    run(&c, &base);
    c.straggler_stage = 2;
    c.straggler_factor = 2.0;
    run(&c, &slow);
    print_message("straggler: base %g s, slow %g s\n", base.iteration_s,
                  slow.iteration_s);
    assert_true(slow.iteration_s > 1.1 * base.iteration_s);
    c.balance = true;
    run(&c, &bal);
    assert_true(bal.iteration_s < slow.iteration_s);
}

/* A second pool of slower GPUs on the last stages slows the job down. */
static void test_heterogeneous(void **state)
{
    (void)state;
    sim_train_config_t c;
    sim_train_result_t hom, het, bal;
    config(&c, 32, 8, 4, 32);
    run(&c, &hom);
    c.gpu2 = wl_hwcat_find(F.hw, "H20");
    assert_non_null(c.gpu2);
    c.profile2 = &F.prof2;
    c.pool2_stages = 2;
    run(&c, &het);
    print_message("pools: H100 %g s, H100+H20 %g s\n", hom.iteration_s,
                  het.iteration_s);
    assert_true(het.iteration_s > 1.5 * hom.iteration_s);
    assert_true(het.critical_stage >= 2 || het.breakdown.bubble_s > 0);
    c.balance = true;
    run(&c, &bal);
    assert_true(bal.iteration_s < het.iteration_s);
    c.pool2_stages = 4; /* every stage: refused */
    sim_diag_t d = SIM_DIAG_INIT;
    sim_train_result_t r;
    assert_int_equal(sim_train_simulate(&c, &r, NULL, &d), SIM_ERR_RANGE);
}

/* A plan that does not fit is refused with the numbers. */
static void test_memory_refusal(void **state)
{
    (void)state;
    sim_train_config_t c;
    sim_train_result_t r;
    config(&c, 8, 1, 1, 8);
    c.model.layers = 96;
    c.model.hidden = 12288;
    c.model.heads = 96;
    c.model.ffn_hidden = 49152;
    c.model.head_dim = 0;
    assert_int_equal(wl_model_validate(&c.model, NULL), SIM_OK);
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_train_simulate(&c, &r, NULL, &d),
                     SIM_ERR_INFEASIBLE);
    assert_non_null(strstr(d.msg, "GiB"));
}

static char *dump(const sim_train_config_t *c)
{
    sim_train_result_t r;
    run(c, &r);
    json_t *o = json_object();
    assert_int_equal(sim_train_result_json(&r, o), SIM_OK);
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(o);
    return s;
}

/* Same inputs, byte-identical JSON; the breakdown sums to the time. */
static void test_determinism(void **state)
{
    (void)state;
    sim_train_config_t c;
    config(&c, 64, 8, 2, 64);
    char *a = dump(&c), *b = dump(&c);
    assert_string_equal(a, b);
    free(a);
    free(b);
    sim_train_result_t r;
    run(&c, &r);
    const sim_train_breakdown_t *k = &r.breakdown;
    assert_close(k->compute_s + k->tp_s + k->ep_s + k->pp_s + k->dp_s +
                     k->bubble_s,
                 r.iteration_s, 1e-9);
    assert_true(r.mfu > 0.05 && r.mfu < 0.9);
    assert_close(r.tflops_per_gpu, r.model_flops_per_iter / r.iteration_s /
                                       64 / 1e12, 1e-12);
}

/* The timeline is valid JSON with spans on every stage. */
static void test_timeline(void **state)
{
    (void)state;
    sim_train_config_t c;
    sim_train_result_t r;
    sim_train_trace_t *t = NULL;
    config(&c, 16, 8, 2, 8);
    c.trace = true;
    assert_int_equal(sim_train_simulate(&c, &r, &t, NULL), SIM_OK);
    assert_true(sim_train_trace_count(t) > 100);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(sim_train_trace_write(t, f), SIM_OK);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    assert_non_null(j);
    assert_true(json_array_size(json_object_get(j, "traceEvents")) >
                sim_train_trace_count(t));
    json_decref(j);
    free(buf);
    sim_train_trace_free(t);
}

/* Duration of the first forward span of op `name` on stage 0. */
static double span(const sim_train_trace_t *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].stage == 0 && t->v[i].pass == 'F' &&
            strcmp(t->v[i].name, name) == 0)
            return t->v[i].t1 - t->v[i].t0;
    fail_msg("no span %s", name);
    return 0;
}

/* Sustained clock: the Hopper SXM parts run at DeepSeek's throttled
 * 865 of 989.4 TFLOP/s, others at 1; a kernel's compute-bound part is
 * divided by the clock (so halving the clock adds the same again each
 * time), its memory-bound time and launch are not. */
static void test_sustained_clock(void **state)
{
    (void)state;
    static const char *hopper[] = {"H100", "H800", "H200"};
    for (int i = 0; i < 3; i++)
        assert_close(sim_train_sustained_clock(wl_hwcat_find(F.hw,
                                                             hopper[i])),
                     865.0 / 989.4, 1e-12);
    assert_close(sim_train_sustained_clock(wl_hwcat_find(F.hw, "A100")),
                 1.0, 0);
    assert_close(sim_train_sustained_clock(NULL), 1.0, 0);

    static const double clocks[] = {1.0, 0.5, 0.25};
    double gemm[3], attn[3], resid[3], iter[3];
    for (int i = 0; i < 3; i++) {
        sim_train_config_t c;
        sim_train_result_t r;
        sim_train_trace_t *t = NULL;
        config(&c, 1, 1, 1, 1);
        c.free_comm = true;
        c.topo = NULL;
        c.framework_overhead = 0;
        c.sustained_clock = clocks[i];
        c.trace = true;
        assert_int_equal(sim_train_simulate(&c, &r, &t, NULL), SIM_OK);
        gemm[i] = span(t, "mlp_up");
        attn[i] = span(t, "attn");
        resid[i] = span(t, "residual");
        iter[i] = r.iteration_s;
        sim_train_trace_free(t);
    }
    assert_true(gemm[1] > 1.5 * gemm[0]);
    assert_close(gemm[2] - gemm[1], 2 * (gemm[1] - gemm[0]), 1e-9);
    assert_close(attn[2] - attn[1], 2 * (attn[1] - attn[0]), 1e-9);
    assert_close(resid[1], resid[0], 1e-12); /* memory-bound */
    assert_close(resid[2], resid[0], 1e-12);
    assert_true(iter[1] > iter[0] && iter[1] < 2 * iter[0]);

    /* 0 = the GPU's own: H100's value, bit for bit */
    sim_train_config_t c;
    sim_train_result_t a, b;
    config(&c, 8, 8, 1, 4);
    run(&c, &a);
    c.sustained_clock = SIM_TRAIN_HOPPER_SUSTAINED_CLOCK;
    run(&c, &b);
    assert_true(a.iteration_s == b.iteration_s);
    c.sustained_clock = 1.0;
    run(&c, &b);
    assert_true(b.iteration_s < a.iteration_s);
    c.sustained_clock = 1.5;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_train_simulate(&c, &b, NULL, &d), SIM_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bubble_1f1b),
        cmocka_unit_test(test_dp_doubling),
        cmocka_unit_test(test_zero3_memory),
        cmocka_unit_test(test_straggler_and_balance),
        cmocka_unit_test(test_heterogeneous),
        cmocka_unit_test(test_memory_refusal),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_sustained_clock),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
