/*
 * test_serve_moe.c — mixture-of-experts serving (sim/serve/perf.c MoE
 * terms, replica.c expert-parallel groups): the expected number of
 * experts a batch touches, expert weight bytes rising with the batch to
 * the all-local-experts bound, all-to-all bytes and their pricing, an MoE
 * layer's time against a hand-built roofline sum, the built-in
 * Qwen3-30B-A3B shape against its published sizes, DP+EP lockstep runs
 * (a lone request; two requests on two ranks pricing the group's tokens),
 * config errors and determinism.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/compute/roofline.h"
#include "sim/core/jsonout.h"
#include "sim/engine/time.h"
#include "sim/serve/serve.h"
#include "tests/unit/assert_close.h"
#include "tests/unit/serve_testlib.h"
#include "workloads/traffic.h"

/* A small MoE model (not a real one): 2 layers, hidden 256, 8 experts of
 * width 128, top-2. */
static sim_serve_model_t tiny_moe(void)
{
    sim_serve_model_t m = {"tinymoe", 2, 256, 4, 2, 64, 256, 1000, 1, 0, 0,
                           8, 2, 128};
    return m;
}

static sim_serve_config_t moe_cfg(int ep)
{
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    c.model = tiny_moe();
    c.ep = ep;
    c.replicas = ep;
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    return c;
}

static sim_serve_perf_t perf_of(const sim_serve_config_t *c)
{
    sim_serve_perf_t p = {.model = c->model, .profile = c->profile,
                          .tp = c->tp, .dtype = c->dtype,
                          .nvlink_bw = c->nvlink_bw,
                          .nvlink_latency_s = c->nvlink_latency_s,
                          .step_overhead_s = c->step_overhead_s,
                          .ep = c->ep};
    return p;
}


/* ---- tests ------------------------------------------------------------- */

/* E·(1 − (1 − k/E)^T): k experts for one token, rising to all E. */
static void test_experts_touched(void **state)
{
    (void)state;
    assert_true(sim_serve_moe_experts_touched(128, 8, 0.0) == 0.0);
    assert_close(sim_serve_moe_experts_touched(128, 8, 1.0), 8.0, 1e-12);
    assert_close(sim_serve_moe_experts_touched(128, 8, 2.0),
                 128.0 * (1.0 - 0.9375 * 0.9375), 1e-12);
    assert_close(sim_serve_moe_experts_touched(8, 2, 4.0),
                 8.0 * (1.0 - 0.31640625), 1e-12);
    double last = 0.0;
    for (int t = 1; t <= 512; t *= 2) {
        double e = sim_serve_moe_experts_touched(128, 8, (double)t);
        assert_true(e > last && e < 128.0);
        last = e;
    }
    assert_true(last > 127.999);
    assert_true(sim_serve_moe_experts_touched(128, 8, 1e6) <= 128.0);
    /* every expert picked by every token: all of them */
    assert_close(sim_serve_moe_experts_touched(8, 8, 1.0), 8.0, 1e-12);
}

/* Expert weights read per layer and rank: the touched local experts'
 * bytes, from k/ep experts for one token up to all E/ep. */
static void test_moe_weight_bytes(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_serve_config_defaults(&c);
    assert_int_equal(sim_serve_model_builtin("qwen3-30b-a3b", &c.model, &d),
                     SIM_OK);
    c.ep = 2;
    sim_serve_perf_t p = perf_of(&c);
    double expert = 3.0 * 2048 * 768 * 2; /* one gated expert, BF16 */
    assert_close(sim_serve_moe_weight_bytes(&p, 1), 4 * expert, 1e-12);
    double last = 0.0;
    for (int64_t t = 1; t <= 512; t *= 2) {
        double b = sim_serve_moe_weight_bytes(&p, t);
        assert_true(b > last && b < 64 * expert);
        last = b;
    }
    assert_close(last, 64 * expert, 1e-9);
    assert_close(sim_serve_moe_weight_bytes(&p, 8192), 64 * expert, 1e-12);
    assert_true(sim_serve_moe_weight_bytes(&p, 0) == 0.0);
    p.ep = 1; /* all 128 experts local */
    assert_close(sim_serve_moe_weight_bytes(&p, 1), 8 * expert, 1e-12);
    assert_close(sim_serve_moe_weight_bytes(&p, 1 << 20), 128 * expert, 1e-9);
    sim_serve_config_defaults(&c); /* dense: none */
    p = perf_of(&c);
    assert_true(sim_serve_moe_weight_bytes(&p, 64) == 0.0);
}

/* Dispatch bytes: each token once to each remote rank holding one of its
 * experts; priced as the all-reduce moving the same bytes per rank. */
static void test_a2a(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    assert_int_equal(sim_serve_model_builtin("qwen3-30b-a3b", &c.model, NULL),
                     SIM_OK);
    c.ep = 2;
    sim_serve_perf_t p = perf_of(&c);
    /* C(64, 8) / C(128, 8): all 8 experts on the sender's own rank */
    double none = 0.0030958642767920487;
    assert_close(sim_serve_moe_a2a_bytes(&p, 100),
                 100.0 * 2048 * 2 * (1.0 - none), 1e-9);
    assert_true(sim_serve_moe_a2a_bytes(&p, 0) == 0.0);
    /* the tiny model: C(4, 2) / C(8, 2) = 6/28 */
    sim_serve_config_t t = moe_cfg(2);
    sim_serve_perf_t pt = perf_of(&t);
    assert_close(sim_serve_moe_a2a_bytes(&pt, 1), 256.0 * 2 * 22.0 / 28.0,
                 1e-12);
    /* ep 4: three remote ranks, each missed by C(6, 2) / C(8, 2) */
    pt.ep = 4;
    assert_close(sim_serve_moe_a2a_bytes(&pt, 1),
                 256.0 * 2 * 3 * (1.0 - 15.0 / 28.0), 1e-12);
    /* pricing: ep 2 on a 2-rank curve is the curve at the same bytes;
     * ep 4 on the ring at bytes · 4/6; no EP, nothing */
    p.ar_curve = (sim_serve_ar_curve_t){.n = 2, .ranks = 2,
                                        .bytes = {1e4, 1e6},
                                        .s = {16e-6, 80e-6}};
    assert_true(sim_serve_perf_alltoall_s(&p, 5e5) ==
                sim_serve_ar_curve_s(&p.ar_curve, 5e5));
    p.ep = 4;
    assert_close(sim_serve_perf_alltoall_s(&p, 6e5),
                 sim_serve_tp_allreduce_s(4e5, 4, p.nvlink_bw,
                                          p.nvlink_latency_s),
                 1e-12);
    p.ep = 1;
    assert_true(sim_serve_perf_alltoall_s(&p, 6e5) == 0.0);
    assert_true(sim_serve_moe_a2a_bytes(&p, 100) == 0.0);
}

/* One MoE iteration written out op by op: QKV, output projection, router,
 * the grouped expert GEMMs (touched columns to the nearest whole one,
 * rows per touched expert interpolated between whole counts), attention,
 * norms, two all-to-alls of the rank's own tokens; the experts serve the
 * whole group's tokens. */
static double tiny_moe_step(const sim_serve_config_t *c, int64_t t,
                            int64_t group, int64_t kv, int decode)
{
    const sim_compute_profile_t *p = &c->profile;
    double touched = 8.0 * (1.0 - pow(0.75, (double)group)) / c->ep;
    double rows = (double)group * 2 / c->ep / touched;
    int64_t lo = (int64_t)floor(rows), cols = llround(touched * 256);
    double x0 = gemm(p, lo, cols, 256) + gemm(p, lo, cols, 128);
    double x1 = gemm(p, lo + 1, cols, 256) + gemm(p, lo + 1, cols, 128);
    double experts = x0 + (rows - (double)lo) * (x1 - x0); /* gate+up, down */
    double a2a_bytes = (double)t * 256 * 2 * 22.0 / 28.0; /* ep 2 */
    double layer = gemm(p, t, (4 + 2 * 2) * 64, 256) /* QKV */
                   + gemm(p, t, 256, 4 * 64)         /* output proj. */
                   + gemm(p, t, 8, 256)              /* router */
                   + experts + attn(p, t, kv, decode) + norm2(p, t) +
                   2 * sim_serve_tp_allreduce_s(a2a_bytes, 2, c->nvlink_bw,
                                                c->nvlink_latency_s);
    return 2 * layer + gemm(p, 1, 1000, 256) + c->step_overhead_s;
}

static void test_moe_step_time(void **state)
{
    (void)state;
    sim_serve_config_t c = moe_cfg(2);
    sim_serve_perf_t p = perf_of(&c);
    int64_t chunk = 64, ctx = 64;
    sim_serve_batch_shape_t b = {0, 0, 1, &chunk, &ctx, 1, 0};
    /* a 64-token chunk, alone in its group and among 256 */
    assert_close(sim_serve_step_time(&p, &b), tiny_moe_step(&c, 64, 64, 64, 0),
                 1e-12);
    b.group_tokens = 256;
    assert_close(sim_serve_step_time(&p, &b),
                 tiny_moe_step(&c, 64, 256, 64, 0), 1e-12);
    sim_serve_batch_shape_t dec = {1, 100, 0, NULL, NULL, 1, 1};
    assert_close(sim_serve_step_time(&p, &dec), tiny_moe_step(&c, 1, 1, 100, 1),
                 1e-12);
    dec.group_tokens = 4; /* 2.73 experts per rank, 1.46 rows each */
    assert_close(sim_serve_step_time(&p, &dec), tiny_moe_step(&c, 1, 4, 100, 1),
                 1e-12);
    /* a larger group reads more experts: the same decode costs more */
    double first = 0.0, last = 0.0;
    for (int64_t g = 1; g <= 64; g *= 2) {
        dec.group_tokens = g;
        double s = sim_serve_step_time(&p, &dec);
        assert_true(s >= last);
        if (g == 1)
            first = s;
        last = s;
    }
    assert_true(last > first);
    /* the memo gives the same value, bit for bit */
    sim_serve_step_memo_t memo = {0};
    for (int rep = 0; rep < 2; rep++)
        assert_true(sim_serve_step_time_memo(&p, &memo, &dec) ==
                    sim_serve_step_time(&p, &dec));
    sim_serve_step_memo_destroy(&memo);
}

/* The built-in Qwen3-30B-A3B: the model card's 30.5 B total and 3.3 B
 * active parameters; EP 2 halves the experts on each GPU. */
static void test_qwen3_moe_shape(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    assert_int_equal(sim_serve_model_builtin("Qwen3-30B-A3B", &c.model, NULL),
                     SIM_OK);
    const sim_serve_model_t *m = &c.model;
    assert_true(m->layers == 48 && m->hidden == 2048 && m->heads == 32 &&
                m->kv_heads == 4 && m->head_dim == 128 && m->experts == 128 &&
                m->top_k == 8 && m->expert_ffn == 768 && m->vocab == 151936);
    double total = sim_serve_model_params(m);
    double experts = sim_serve_model_expert_params(m);
    double active = total - experts + experts * 8.0 / 128.0;
    assert_close(total, 30.5e9, 0.005);
    assert_close(active, 3.3e9, 0.02);
    sim_serve_perf_t p = perf_of(&c);
    assert_close(sim_serve_weight_bytes_per_gpu(&p), 2.0 * total, 1e-12);
    p.ep = 2;
    assert_close(sim_serve_weight_bytes_per_gpu(&p),
                 2.0 * (total - experts / 2.0), 1e-12);
    /* more KV blocks per GPU with the experts split */
    sim_serve_config_t e2 = c;
    e2.ep = 2;
    e2.replicas = 2;
    assert_true(sim_serve_config_kv_blocks(&e2) >
                sim_serve_config_kv_blocks(&c));
}

/* A lone request on a DP+EP group: its rank steps, the other runs dummy
 * batches, and the experts serve its tokens alone. */
static void test_group_single_request(void **state)
{
    (void)state;
    sim_serve_config_t c = moe_cfg(2);
    sim_serve_result_t res;
    wl_request_t r = llm_req(1.0, 64, 3);
    run_array(&c, &r, 1, &res);
    double prefill = tiny_moe_step(&c, 64, 64, 64, 0);
    double d1 = tiny_moe_step(&c, 1, 1, 65, 1), d2 = tiny_moe_step(&c, 1, 1, 66, 1);
    assert_close(res.ttft_p50_s,
                 sim_time_to_s(sim_time_from_s_ceil(prefill)), 1e-12);
    assert_close(res.tpot_p50_s,
                 sim_time_to_s(sim_time_from_s_ceil(d1) +
                               sim_time_from_s_ceil(d2)) / 2,
                 1e-12);
    assert_int_equal(res.steps, 3);
    assert_int_equal(res.per_replica[0] + res.per_replica[1], 1);
    sim_serve_result_destroy(&res);
}

/* Two requests at once go to the two ranks (least outstanding).  The
 * first starts the group alone; the second waits for that step although
 * its rank is idle, then both ranks step together, each step lasting as
 * long as the slower rank's and each rank's experts serving both ranks'
 * tokens.  Written out step by step. */
static void test_group_lockstep(void **state)
{
    (void)state;
    sim_serve_config_t c = moe_cfg(2);
    sim_serve_result_t res;
    wl_request_t r[2] = {llm_req(1.0, 64, 3), llm_req(1.0, 64, 3)};
    run_array(&c, r, 2, &res);
    assert_int_equal(res.per_replica[0], 1);
    assert_int_equal(res.per_replica[1], 1);
    /* 1: rank 0 prefills; 2: rank 0 decodes (ctx 65), rank 1 prefills;
     * 3: both decode (ctx 66, 65); 4: rank 1 decodes (ctx 66) */
    double s1 = tiny_moe_step(&c, 64, 64, 64, 0);
    double s2 = fmax(tiny_moe_step(&c, 1, 65, 65, 1),
                     tiny_moe_step(&c, 64, 65, 64, 0));
    double s3 = fmax(tiny_moe_step(&c, 1, 2, 66, 1),
                     tiny_moe_step(&c, 1, 2, 65, 1));
    double s4 = tiny_moe_step(&c, 1, 1, 66, 1);
    sim_time_t t1 = sim_time_from_s_ceil(s1), t2 = sim_time_from_s_ceil(s2);
    sim_time_t t3 = sim_time_from_s_ceil(s3), t4 = sim_time_from_s_ceil(s4);
    assert_close(res.ttft_q[0], sim_time_to_s(t1), 1e-12);
    assert_close(res.ttft_q[100], sim_time_to_s(t1 + t2), 1e-12);
    assert_true(t2 > t4);
    assert_close(res.tpot_q[0], sim_time_to_s(t3 + t4) / 2, 1e-12);
    assert_close(res.tpot_q[100], sim_time_to_s(t2 + t3) / 2, 1e-12);
    assert_close(res.queue_p99_s, sim_time_to_s(t1), 1e-12);
    assert_int_equal(res.steps, 6); /* iterations with work, per rank */
    sim_serve_result_destroy(&res);
}

static void test_group_config_errors(void **state)
{
    (void)state;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_serve_config_t c = moe_cfg(2);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_OK);
    c.replicas = 3;
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.ep");
    c = moe_cfg(3); /* 8 experts do not split 3 ways */
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    c = moe_cfg(2);
    c.tp = 2;
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    c = moe_cfg(SIM_SERVE_MAX_EP + 1);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    sim_serve_config_defaults(&c); /* a dense model has no experts */
    c.ep = 2;
    c.replicas = 2;
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    c = moe_cfg(1);
    c.model.top_k = 9;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.model");
}

static char *run_json(uint64_t seed)
{
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    assert_int_equal(sim_serve_model_builtin("qwen3-30b-a3b", &c.model, NULL),
                     SIM_OK);
    c.ep = 2;
    c.replicas = 4; /* two groups */
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    wl_traffic_spec_t s;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_GAMMA;
    s.arrival.rate = 20;
    s.arrival.cv = 2;
    s.kind = WL_REQ_LLM;
    s.prompt = (wl_dist_t){WL_DIST_LOGNORMAL, 600, 1, NULL, 0, 1, 8000};
    s.output = (wl_dist_t){WL_DIST_LOGNORMAL, 150, 1, NULL, 0, 1, 2000};
    s.max_requests = 600;
    wl_traffic_t *g;
    assert_int_equal(wl_traffic_new(&s, seed, &g, NULL), SIM_OK);
    wl_request_stream_t st = wl_traffic_stream(g);
    sim_serve_result_t res;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_serve_run(&c, &st, &res, &d), SIM_OK);
    wl_traffic_free(g);
    assert_int_equal(res.completed, 600);
    assert_true(res.little_error < 1e-9);
    for (int i = 0; i < 4; i++)
        assert_true(res.per_replica[i] > 0);
    json_t *o = json_object();
    assert_int_equal(sim_serve_result_json(&res, o), SIM_OK);
    char *txt = sim_json_dumps(o);
    json_decref(o);
    sim_serve_result_destroy(&res);
    return txt;
}

static void test_group_determinism(void **state)
{
    (void)state;
    assert_seed_determinism(run_json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_experts_touched),
        cmocka_unit_test(test_moe_weight_bytes),
        cmocka_unit_test(test_a2a),
        cmocka_unit_test(test_moe_step_time),
        cmocka_unit_test(test_qwen3_moe_shape),
        cmocka_unit_test(test_group_single_request),
        cmocka_unit_test(test_group_lockstep),
        cmocka_unit_test(test_group_config_errors),
        cmocka_unit_test(test_group_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
