/*
 * test_serve.c — the serving model (sim/serve): iteration times against a
 * hand-built roofline sum, queueing against M/M/1, KV admission and
 * preemption, routers, prefix caching, Little's law on every run,
 * determinism, metrics helpers, the key tables and disaggregated
 * prefill/decode pools (hand-computed TTFT, decode-pool KV admission).
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
#include "sim/config/schema.h"
#include "sim/core/jsonout.h"
#include "sim/engine/time.h"
#include "sim/serve/keys_serve.h"
#include "sim/serve/metrics.h"
#include "sim/serve/prefix.h"
#include "sim/serve/serve.h"
#include "tests/unit/assert_close.h"
#include "tests/unit/serve_testlib.h"
#include "workloads/trace_requests.h"
#include "workloads/traffic.h"

/* ---- helpers ----------------------------------------------------------- */

/* A small dense model (not a real one) so hand sums stay short. */
static sim_serve_model_t tiny(void)
{
    sim_serve_model_t m = {"tiny", 2, 256, 4, 2, 64, 512, 1000, 1, 0, 0, 0, 0, 0};
    return m;
}

/* The tiny model's iteration for t new tokens of one sequence whose
 * context ends at kv, written out op by op. */
static double tiny_step(const sim_compute_profile_t *p, int64_t t,
                        int64_t kv, int decode)
{
    double layer = gemm(p, t, (4 + 2 * 2) * 64, 256) /* QKV */
                   + gemm(p, t, 256, 4 * 64)         /* output proj. */
                   + gemm(p, t, 2 * 512, 256)        /* gate + up */
                   + gemm(p, t, 256, 512)            /* down */
                   + attn(p, t, kv, decode) + norm2(p, t);
    return 2 * layer + gemm(p, 1, 1000, 256); /* + LM head, 1 logit */
}

static sim_serve_config_t tiny_cfg(void)
{
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    c.model = tiny();
    return c;
}

/* ---- tests ------------------------------------------------------------- */

static void test_single_request_times(void **state)
{
    (void)state;
    sim_serve_config_t c = tiny_cfg();
    sim_serve_result_t res;
    wl_request_t r = llm_req(1.0, 128, 3);
    const sim_compute_profile_t *p = &c.profile;

    run_array(&c, &r, 1, &res);
    double prefill = tiny_step(p, 128, 128, 0);
    double d1 = tiny_step(p, 1, 129, 1), d2 = tiny_step(p, 1, 130, 1);
    /* each iteration's end rounds up to a whole nanosecond */
    double ttft = sim_time_to_s(sim_time_from_s_ceil(prefill));
    double tpot = sim_time_to_s(sim_time_from_s_ceil(d1) +
                                sim_time_from_s_ceil(d2)) /
                  2;
    assert_close(res.ttft_p50_s, ttft, 1e-12);
    assert_close(res.tpot_p50_s, tpot, 1e-12);
    assert_close(res.e2e_p99_s, ttft + 2 * tpot, 1e-12);
    assert_true(res.queue_p50_s == 0.0);
    assert_int_equal(res.steps, 3);
    assert_int_equal(res.output_tokens, 3);
    assert_true(d1 < prefill && d2 > d1); /* decode grows with context */
    sim_serve_result_destroy(&res);

    /* TP 2 adds two ring all-reduces per layer of t·hidden·2 bytes */
    c.tp = 2;
    sim_serve_perf_t pf = {.model = c.model, .profile = c.profile, .tp = 2,
                           .dtype = SIM_COMPUTE_BF16,
                           .nvlink_bw = c.nvlink_bw,
                           .nvlink_latency_s = c.nvlink_latency_s};
    int64_t chunk = 64, ctx = 64;
    sim_serve_batch_shape_t b = {0, 0, 1, &chunk, &ctx, 1, 0};
    double t2 = sim_serve_step_time(&pf, &b);
    pf.nvlink_bw = 1e30;
    pf.nvlink_latency_s = 0;
    double t2_free = sim_serve_step_time(&pf, &b);
    assert_close(t2 - t2_free,
                 2 * 2 * (2.0 * 1 / 2 * 64 * 256 * 2 / c.nvlink_bw +
                          c.nvlink_latency_s),
                 1e-6);
    assert_close(sim_serve_tp_allreduce_s(1e9, 8, 100e9, 1e-5),
                 2.0 * 7 / 8 * 0.01 + 1e-5, 1e-12);
    assert_true(sim_serve_tp_allreduce_s(1e9, 1, 100e9, 1e-5) == 0.0);
}

/* A measured all-reduce curve: exact at its samples, linear between them,
 * the first sample's time below, the last segment's slope above (held flat
 * when it falls); a TP step uses it only at the rank count it was measured
 * on; bad curves are range errors. */
static void test_ar_curve(void **state)
{
    (void)state;
    sim_serve_ar_curve_t c = {.n = 3, .ranks = 2,
                              .bytes = {1e4, 1e6, 2e7},
                              .s = {16e-6, 80e-6, 1300e-6}};
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_serve_ar_curve_check(&c, &d), SIM_OK);
    for (int i = 0; i < 3; i++)
        assert_true(sim_serve_ar_curve_s(&c, c.bytes[i]) == c.s[i]);
    assert_close(sim_serve_ar_curve_s(&c, 5.05e5), 48e-6, 1e-12);
    assert_true(sim_serve_ar_curve_s(&c, 10.0) == 16e-6);
    double slope = (1300e-6 - 80e-6) / (2e7 - 1e6);
    assert_close(sim_serve_ar_curve_s(&c, 3e7), 1300e-6 + slope * 1e7, 1e-12);
    sim_serve_ar_curve_t one = {.n = 1, .ranks = 2, .bytes = {1e6}, .s = {5e-5}};
    assert_true(sim_serve_ar_curve_s(&one, 1e9) == 5e-5);
    sim_serve_ar_curve_t fall = {.n = 2, .ranks = 2, .bytes = {1e6, 2e6},
                                 .s = {5e-5, 4e-5}};
    assert_true(sim_serve_ar_curve_s(&fall, 1e9) == 4e-5);

    /* the step: used at tp == ranks, the ring at any other tp */
    sim_serve_config_t cfg;
    sim_serve_config_defaults(&cfg);
    sim_serve_perf_t pf = {.model = cfg.model, .profile = cfg.profile,
                           .tp = 2, .dtype = SIM_COMPUTE_BF16,
                           .nvlink_bw = 100e9, .nvlink_latency_s = 5e-6};
    assert_true(sim_serve_perf_allreduce_s(&pf, 2e6) ==
                sim_serve_tp_allreduce_s(2e6, 2, 100e9, 5e-6));
    pf.ar_curve = c;
    double bytes = 64.0 * (double)cfg.model.hidden * 2.0;
    assert_true(sim_serve_perf_allreduce_s(&pf, bytes) ==
                sim_serve_ar_curve_s(&c, bytes));
    assert_true(sim_serve_perf_allreduce_s(&pf, 0.0) == 0.0);
    int64_t chunk = 64, ctx = 64;
    sim_serve_batch_shape_t b = {0, 0, 1, &chunk, &ctx, 1, 0};
    double with_curve = sim_serve_step_time(&pf, &b);
    pf.ar_curve.n = 0;
    pf.nvlink_bw = 1e30;
    pf.nvlink_latency_s = 0.0;
    double free_ar = sim_serve_step_time(&pf, &b);
    assert_close(with_curve - free_ar,
                 2.0 * (double)cfg.model.layers * sim_serve_ar_curve_s(&c, bytes),
                 1e-6);
    pf.ar_curve = c;
    pf.tp = 4;
    pf.nvlink_bw = 100e9;
    pf.nvlink_latency_s = 5e-6;
    assert_true(sim_serve_perf_allreduce_s(&pf, bytes) ==
                sim_serve_tp_allreduce_s(bytes, 4, 100e9, 5e-6));
    pf.tp = 1;
    assert_true(sim_serve_perf_allreduce_s(&pf, bytes) == 0.0);

    /* bad curves */
    sim_serve_ar_curve_t bad = c;
    bad.bytes[2] = bad.bytes[1];
    assert_int_equal(sim_serve_ar_curve_check(&bad, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.ar_curve");
    bad = c;
    bad.s[0] = 0.0;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_ar_curve_check(&bad, &d), SIM_ERR_RANGE);
    bad = c;
    bad.ranks = 1;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_ar_curve_check(&bad, &d), SIM_ERR_RANGE);
    bad = c;
    bad.n = SIM_SERVE_AR_MAX + 1;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_ar_curve_check(&bad, &d), SIM_ERR_RANGE);
    sim_serve_ar_curve_t none = {0};
    assert_int_equal(sim_serve_ar_curve_check(&none, NULL), SIM_OK);
    cfg.tp = 2;
    cfg.ar_curve = c;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&cfg, &d), SIM_OK);
    cfg.ar_curve.s[1] = -1.0;
    assert_int_equal(sim_serve_config_check(&cfg, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.ar_curve");
}

static void test_mm1(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    c.kind = WL_REQ_FIXED_WORK;
    c.max_num_seqs = 1;
    wl_traffic_spec_t s;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_POISSON;
    s.arrival.rate = 0.5; /* lambda */
    s.kind = WL_REQ_FIXED_WORK;
    s.work.kind = WL_DIST_EXPONENTIAL;
    s.work.a = 1.0; /* 1/mu */
    s.max_requests = 200000;
    wl_traffic_t *g;
    assert_int_equal(wl_traffic_new(&s, 42, &g, NULL), SIM_OK);
    wl_request_stream_t st = wl_traffic_stream(g);
    sim_serve_result_t res;
    run_checked(&c, &st, &res);
    wl_traffic_free(g);
    /* M/M/1: Wq = rho/(mu - lambda) = 1 s, W = 1/(mu - lambda) = 2 s,
     * utilisation rho = 0.5.  Waits are autocorrelated; the standard
     * error of the mean wait at this n is ~2.5%, so 8% is > 3 sigma. */
    assert_close(res.queue_mean_s, 1.0, 0.08);
    assert_close(res.e2e_mean_s, 2.0, 0.06);
    assert_close(res.gpu_utilisation, 0.5, 0.03);
    assert_close(res.mean_in_system, 1.0, 0.08); /* L = rho/(1-rho) */
    assert_true(isnan(res.tpot_p50_s));
    sim_serve_result_destroy(&res);
}

static void test_kv_admission_blocks(void **state)
{
    (void)state;
    sim_serve_config_t c = tiny_cfg();
    c.kv_blocks = 20; /* 320 tokens */
    wl_request_t r[3] = {llm_req(0, 200, 50), llm_req(0, 200, 50),
                         llm_req(0, 400, 1)};
    sim_serve_result_t res;
    run_array(&c, r, 3, &res);
    assert_int_equal(res.rejected, 1); /* 400 tokens never fit 320 */
    assert_int_equal(res.completed, 2);
    assert_int_equal(res.preemptions, 0);
    /* the second waits for the first to free its 13 blocks */
    assert_true(res.queue_p99_s >= res.e2e_p50_s);
    assert_true(res.queue_p50_s == 0.0);
    sim_serve_result_destroy(&res);
}

static void test_kv_preemption(void **state)
{
    (void)state;
    sim_serve_config_t c = tiny_cfg();
    c.kv_blocks = 40; /* 640 tokens; four requests grow to 399 each */
    wl_request_t r[4];
    for (int i = 0; i < 4; i++)
        r[i] = llm_req(0, 100, 300);
    sim_serve_result_t res, ample;
    run_array(&c, r, 4, &res);
    assert_int_equal(res.completed, 4);
    assert_true(res.preemptions > 0);
    assert_int_equal(res.output_tokens, 1200);
    c.kv_blocks = 0; /* derived: ample on an 80 GB GPU */
    run_array(&c, r, 4, &ample);
    assert_int_equal(ample.preemptions, 0);
    assert_true(ample.kv_blocks > 100000);
    /* recompute costs time */
    assert_true(res.e2e_p99_s > ample.e2e_p99_s);
    sim_serve_result_destroy(&res);
    sim_serve_result_destroy(&ample);
}

static void test_chunked_prefill(void **state)
{
    (void)state;
    sim_serve_config_t c = tiny_cfg();
    c.max_batched_tokens = 100;
    wl_request_t r = llm_req(0, 250, 1);
    sim_serve_result_t res;
    run_array(&c, &r, 1, &res);
    assert_int_equal(res.steps, 3); /* 100 + 100 + 50 */
    double want = 0;
    const sim_compute_profile_t *p = &c.profile;
    int64_t ends[3] = {100, 200, 250}, q[3] = {100, 100, 50};
    for (int i = 0; i < 3; i++) {
        double s = tiny_step(p, q[i], ends[i], 0);
        if (i < 2) /* no logit until the prompt is done */
            s -= gemm(p, 1, 1000, 256);
        want += sim_time_to_s(sim_time_from_s_ceil(s));
    }
    assert_close(res.ttft_p50_s, want, 1e-12);
    sim_serve_result_destroy(&res);
}

/* Async scheduling (vLLM's default from 0.14): the next iteration is
 * planned when the current one starts.  A lone request on an idle engine
 * is planned at once (same times as without it); a request that arrives
 * while A's prefill runs misses the already-planned step 2 (A's first
 * decode) and waits for step 3, where without async it joins step 2; and
 * when nothing was planned ahead (A finished), it starts at the next step
 * boundary either way. */
static void test_async_scheduling(void **state)
{
    (void)state;
    const sim_serve_config_t base = tiny_cfg();
    const sim_compute_profile_t *p = &base.profile;
    double prefill = tiny_step(p, 128, 128, 0);
    double d1 = tiny_step(p, 1, 129, 1);
    sim_time_t p_end = sim_time_from_s_ceil(prefill);
    double tb = 0.5 * prefill; /* B arrives during A's prefill */
    sim_time_t b_at = sim_time_from_s(tb);
    double queue[2][2], ttft_alone[2];
    int64_t steps[2][2];

    for (int async = 0; async < 2; async++) {
        sim_serve_config_t c = base;
        c.async_sched = async;
        sim_serve_result_t res;
        wl_request_t a = llm_req(0.0, 128, 3);
        run_array(&c, &a, 1, &res);
        ttft_alone[async] = res.ttft_p50_s;
        sim_serve_result_destroy(&res);
        for (int out = 0; out < 2; out++) {
            /* out 0: A keeps decoding (a step is always planned ahead);
             * out 1: A's prompt is all it has (nothing planned ahead) */
            wl_request_t r[2] = {llm_req(0.0, 128, out == 0 ? 3 : 1),
                                 llm_req(tb, 64, 1)};
            run_array(&c, r, 2, &res);
            queue[async][out] = res.queue_p99_s; /* B's: A's is 0 */
            steps[async][out] = res.steps;
            sim_serve_result_destroy(&res);
        }
    }
    assert_true(ttft_alone[1] == ttft_alone[0]);
    assert_close(queue[0][0], sim_time_to_s(p_end - b_at), 1e-12);
    assert_close(queue[1][0],
                 sim_time_to_s(p_end + sim_time_from_s_ceil(d1) - b_at),
                 1e-12);
    assert_true(queue[1][1] == queue[0][1]);
    assert_close(queue[1][1], sim_time_to_s(p_end - b_at), 1e-12);
    assert_int_equal(steps[0][0], 3); /* A+B mixed in step 2 */
    assert_int_equal(steps[1][0], 3); /* A+B mixed in step 3 */
    assert_int_equal(steps[0][1], 2);
    assert_int_equal(steps[1][1], 2);
}

static void test_routers(void **state)
{
    (void)state;
    sim_serve_config_t c = tiny_cfg();
    sim_serve_result_t res;
    wl_request_t r[8];
    c.replicas = 4;
    for (int i = 0; i < 8; i++)
        r[i] = llm_req(i * 1.0, 16, 2);
    run_array(&c, r, 8, &res);
    for (int i = 0; i < 4; i++)
        assert_int_equal(res.per_replica[i], 2);
    sim_serve_result_destroy(&res);

    /* a long request (5000 decode steps, > 50 ms) pins replica 0; short
     * ones (2 steps, < 0.1 ms) spaced 1 ms apart finish before the next
     * arrives */
    r[0] = llm_req(0, 16, 5000);
    for (int i = 1; i < 8; i++)
        r[i] = llm_req(i * 1e-3, 16, 2);
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    run_array(&c, r, 8, &res);
    assert_int_equal(res.per_replica[0], 1);
    assert_int_equal(res.per_replica[1], 7);
    sim_serve_result_destroy(&res);
    c.router = SIM_SERVE_ROUTER_ROUND_ROBIN;
    run_array(&c, r, 8, &res);
    assert_int_equal(res.per_replica[0], 2);
    sim_serve_result_destroy(&res);

    /* JSQ on a burst with one sequence per replica: queues stay even */
    c.router = SIM_SERVE_ROUTER_SHORTEST_QUEUE;
    c.replicas = 2;
    c.max_num_seqs = 1;
    for (int i = 0; i < 8; i++)
        r[i] = llm_req(0, 16, 4 + i);
    run_array(&c, r, 8, &res);
    assert_int_equal(res.per_replica[0], 4);
    assert_int_equal(res.per_replica[1], 4);
    sim_serve_result_destroy(&res);
}

static char *run_json(uint64_t seed)
{
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    c.replicas = 3;
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    wl_traffic_spec_t s;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_GAMMA;
    s.arrival.rate = 20;
    s.arrival.cv = 2;
    s.kind = WL_REQ_LLM;
    s.prompt = (wl_dist_t){WL_DIST_LOGNORMAL, 600, 1, NULL, 0, 1, 8000};
    s.output = (wl_dist_t){WL_DIST_LOGNORMAL, 150, 1, NULL, 0, 1, 2000};
    s.max_requests = 1500;
    wl_traffic_t *g;
    assert_int_equal(wl_traffic_new(&s, seed, &g, NULL), SIM_OK);
    wl_request_stream_t st = wl_traffic_stream(g);
    sim_serve_result_t res;
    run_checked(&c, &st, &res);
    wl_traffic_free(g);
    json_t *o = json_object();
    assert_int_equal(sim_serve_result_json(&res, o), SIM_OK);
    assert_non_null(json_object_get(o, "ttft_p99_s"));
    assert_non_null(json_object_get(o, "replicas_max"));
    assert_true(res.slo_attainment >= 0 && res.slo_attainment <= 1);
    assert_true(res.ttft_p50_s <= res.ttft_p99_s);
    assert_true(res.n_series > 0);
    double arr = 0;
    for (size_t i = 0; i < res.n_series; i++)
        arr += res.series_arrivals[i];
    assert_true(arr == 1500);
    char *txt = sim_json_dumps(o);
    json_decref(o);
    sim_serve_result_destroy(&res);
    return txt;
}

static void test_determinism(void **state)
{
    (void)state;
    assert_seed_determinism(run_json);
}

static void test_prefix_cache(void **state)
{
    (void)state;
    wl_reqtrace_t *t;
    sim_serve_result_t on, off;
    assert_int_equal(wl_reqtrace_load_embedded("mooncake", &t, NULL), SIM_OK);
    sim_serve_config_t c;
    sim_serve_config_defaults(&c);
    c.replicas = 2;
    for (int pc = 0; pc < 2; pc++) {
        wl_replay_t *rp;
        c.prefix_cache = pc;
        /* slowed 4x: ~12M prompt tokens over ~20 min keep two replicas
         * lightly loaded, so TTFT reflects prefill compute, not queueing */
        assert_int_equal(wl_replay_new(t, 4.0, 1.0, 1, 1, &rp, NULL),
                         SIM_OK);
        wl_request_stream_t st = wl_replay_stream(rp);
        run_checked(&c, &st, pc ? &on : &off);
        wl_replay_free(rp);
    }
    assert_int_equal(off.prefix_hit_tokens, 0);
    assert_true(on.prefix_hit_tokens > 0);
    assert_true(on.ttft_p50_s < off.ttft_p50_s);
    sim_serve_result_destroy(&on);
    sim_serve_result_destroy(&off);
    wl_reqtrace_free(t);

    sim_serve_prefix_t *p = sim_serve_prefix_new(3);
    uint32_t h[4] = {7, 8, 9, 10};
    assert_int_equal(sim_serve_prefix_match(p, h, 4), 0);
    assert_int_equal(sim_serve_prefix_touch(p, h, 2), SIM_OK);
    assert_int_equal(sim_serve_prefix_match(p, h, 4), 2);
    assert_int_equal(sim_serve_prefix_touch(p, h + 2, 2), SIM_OK);
    /* capacity 3: 7 fell out, so the leading run is empty */
    assert_int_equal(sim_serve_prefix_match(p, h, 4), 0);
    assert_int_equal(sim_serve_prefix_match(p, h + 1, 3), 3);
    for (uint32_t i = 0; i < 10000; i++) /* forces rebuilds */
        assert_int_equal(sim_serve_prefix_touch(p, &i, 1), SIM_OK);
    assert_int_equal(sim_serve_prefix_match(p, h, 1), 0);
    uint32_t last[3] = {9997, 9998, 9999};
    assert_int_equal(sim_serve_prefix_match(p, last, 3), 3);
    sim_serve_prefix_free(p);
    sim_serve_prefix_free(NULL);
}

static void test_config_errors(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_result_t res;
    sim_diag_t d = SIM_DIAG_INIT;
    wl_request_t r = llm_req(0, 10, 10);
    array_stream_t a = {&r, 1, 0};
    wl_request_stream_t s = {array_next, &a};

    sim_serve_config_defaults(&c);
    assert_int_equal(sim_serve_model_builtin("llama3-70b", &c.model, NULL),
                     SIM_OK);
    /* 70.6e9 params · 2 bytes = 141 GB > 0.9 · 80 GB */
    assert_int_equal(sim_serve_run(&c, &s, &res, &d), SIM_ERR_INFEASIBLE);
    assert_string_equal(d.key, "service.tp");
    sim_serve_result_destroy(&res);
    c.tp = 4;
    assert_int_equal(sim_serve_config_check(&c, NULL), SIM_OK);
    assert_close(sim_serve_model_params(&c.model), 70.55e9, 0.01);
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_model_builtin("gpt-5", &c.model, &d),
                     SIM_ERR_NOTFOUND);

    sim_serve_config_defaults(&c);
    c.kind = WL_REQ_FIXED_WORK;
    assert_int_equal(sim_serve_run(&c, &s, &res, NULL), SIM_ERR_INPUT);
    sim_serve_result_destroy(&res);
    sim_serve_result_destroy(NULL);
}

static void test_metrics_helpers(void **state)
{
    (void)state;
    double v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_true(sim_serve_quantile_nr(v, 10, 50) == 5);
    assert_true(sim_serve_quantile_nr(v, 10, 90) == 9);
    assert_true(sim_serve_quantile_nr(v, 10, 99) == 10);
    assert_true(sim_serve_quantile_nr(v, 10, 0) == 1);
    assert_true(sim_serve_quantile_nr(v, 10, 91) == 10);
    assert_true(isnan(sim_serve_quantile_nr(v, 0, 50)));
    assert_close(sim_serve_little_error(2.0, 1.0, 2.0), 0.0, 0);
    assert_close(sim_serve_little_error(2.0, 1.0, 1.0), 0.5, 1e-12);
    sim_serve_samples_t s = SIM_SERVE_SAMPLES_INIT;
    for (int i = 3000; i > 0; i--)
        assert_int_equal(sim_serve_samples_push(&s, i), SIM_OK);
    sim_serve_samples_sort(&s);
    assert_true(s.v[0] == 1 && s.v[2999] == 3000);
    assert_close(sim_serve_samples_mean(&s), 1500.5, 1e-12);
    sim_serve_samples_destroy(&s);
}

static void test_key_tables(void **state)
{
    (void)state;
    const cfg_key_t *tabs[] = {sim_serve_keys_service,
                               sim_serve_keys_traffic, sim_serve_keys_slo};
    for (size_t t = 0; t < 3; t++)
        for (const cfg_key_t *k = tabs[t]; k->name != NULL; k++) {
            cfg_value_t v;
            sim_diag_t d = SIM_DIAG_INIT;
            if (cfg_value_parse(k, k->def, &v, &d) != SIM_OK)
                fprintf(stderr, "%s.%s: %s\n", k->section, k->name, d.msg);
            assert_int_equal(cfg_value_parse(k, k->def, &v, &d), SIM_OK);
        }
}

/* ---- disaggregated prefill/decode ------------------------------------ */

static sim_serve_config_t disagg_cfg(int prefill, int decode)
{
    sim_serve_config_t c = tiny_cfg();
    c.disaggregated = 1;
    c.prefill_replicas = prefill;
    c.decode_replicas = decode;
    c.kv_link_bw = 1e9;        /* 1 GB/s: a transfer long enough to see */
    c.kv_link_latency_s = 2e-5;
    return c;
}

static void test_disagg_single_request(void **state)
{
    (void)state;
    sim_serve_config_t c = disagg_cfg(1, 1);
    sim_serve_result_t res;
    wl_request_t r = llm_req(1.0, 128, 3);
    const sim_compute_profile_t *p = &c.profile;

    run_array(&c, &r, 1, &res);
    /* tiny KV per token: 2 (K, V) · 2 layers · 2 kv heads · 64 · 2 B */
    assert_close(sim_serve_kv_bytes_per_token(&c.model, 1), 1024.0, 1e-12);
    double prefill = tiny_step(p, 128, 128, 0);
    double xfer = 2e-5 + 128 * 1024.0 / 1e9;
    double d0 = tiny_step(p, 1, 128, 1); /* first step on the decode side */
    double d1 = tiny_step(p, 1, 129, 1), d2 = tiny_step(p, 1, 130, 1);
    double ttft = sim_time_to_s(sim_time_from_s_ceil(prefill) +
                                sim_time_from_s_ceil(xfer) +
                                sim_time_from_s_ceil(d0));
    double tpot = sim_time_to_s(sim_time_from_s_ceil(d1) +
                                sim_time_from_s_ceil(d2)) /
                  2;
    assert_close(res.ttft_p50_s, ttft, 1e-12);
    assert_close(res.tpot_p50_s, tpot, 1e-12);
    assert_close(res.e2e_p99_s, ttft + 2 * tpot, 1e-12);
    assert_close(res.kv_transfer_p50_s,
                 sim_time_to_s(sim_time_from_s_ceil(xfer)), 1e-12);
    assert_int_equal(res.kv_transfers, 1);
    assert_close(res.kv_transfer_bytes, 128 * 1024.0, 1e-12);
    assert_true(res.queue_p50_s == 0.0);
    assert_int_equal(res.steps, 4); /* 1 prefill + 3 decode */
    assert_int_equal(res.per_replica[0], 1);
    assert_int_equal(res.per_replica[1], 1);
    assert_true(res.disaggregated == 1);
    /* per pool: the prefill replica was busy for the prefill only */
    assert_close(res.prefill_utilisation * res.end_s,
                 sim_time_to_s(sim_time_from_s_ceil(prefill)), 1e-9);
    assert_true(res.decode_utilisation > 0.0 &&
                res.decode_utilisation < 1.0);
    json_t *o = json_object();
    assert_int_equal(sim_serve_result_json(&res, o), SIM_OK);
    assert_non_null(json_object_get(o, "kv_transfer_p99_s"));
    assert_non_null(json_object_get(o, "decode_utilisation"));
    json_decref(o);
    sim_serve_result_destroy(&res);

    /* aggregated runs carry no disaggregated fields */
    c.disaggregated = 0;
    run_array(&c, &r, 1, &res);
    o = json_object();
    assert_int_equal(sim_serve_result_json(&res, o), SIM_OK);
    assert_null(json_object_get(o, "kv_transfer_p50_s"));
    assert_int_equal(res.kv_transfers, 0);
    json_decref(o);
    sim_serve_result_destroy(&res);
}

static void test_disagg_decode_admission(void **state)
{
    (void)state;
    sim_serve_config_t c = disagg_cfg(2, 1);
    c.kv_blocks = 20; /* 320 tokens per replica */
    wl_request_t r[3] = {llm_req(0, 200, 50), llm_req(0, 200, 50),
                         llm_req(0, 400, 1)};
    sim_serve_result_t res;
    run_array(&c, r, 3, &res);
    assert_int_equal(res.rejected, 1); /* 400 tokens never fit 320 */
    assert_int_equal(res.completed, 2);
    assert_int_equal(res.preemptions, 0);
    assert_int_equal(res.kv_transfers, 2);
    /* both prefill at once on their own replicas, no queueing there ... */
    assert_true(res.queue_p99_s == 0.0);
    /* ... but the one decode replica holds 13 blocks for the first, so
     * the second waits for it to finish before its first token */
    assert_true(res.ttft_p99_s >= res.e2e_p50_s);
    assert_int_equal(res.per_replica[2], 2);
    sim_serve_result_destroy(&res);
}

static void test_disagg_load(void **state)
{
    (void)state;
    sim_serve_config_t c = disagg_cfg(2, 3);
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    c.kv_blocks = 400;
    wl_traffic_spec_t s;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_POISSON;
    s.arrival.rate = 200.0;
    s.kind = WL_REQ_LLM;
    s.prompt.kind = WL_DIST_EXPONENTIAL;
    s.prompt.a = 500;
    s.output.kind = WL_DIST_EXPONENTIAL;
    s.output.a = 100;
    s.max_requests = 3000;
    wl_traffic_t *g;
    assert_int_equal(wl_traffic_new(&s, 7, &g, NULL), SIM_OK);
    wl_request_stream_t st = wl_traffic_stream(g);
    sim_serve_result_t res, again;
    run_checked(&c, &st, &res); /* Little's law inside */
    wl_traffic_free(g);
    assert_true(res.completed > 2900);
    assert_int_equal(res.kv_transfers, res.completed);
    assert_true(res.kv_transfer_p99_s >= res.kv_transfer_p50_s);
    assert_true(res.kv_transfer_p50_s >= 2e-5);
    assert_true(res.prefill_utilisation > 0.0 &&
                res.prefill_utilisation <= 1.0);
    assert_true(res.decode_utilisation > 0.0 &&
                res.decode_utilisation <= 1.0);
    int64_t routed = 0;
    for (int i = 0; i < res.n_slots; i++)
        routed += res.per_replica[i];
    assert_int_equal(routed, 2 * res.completed);
    /* same stream, same bytes */
    assert_int_equal(wl_traffic_new(&s, 7, &g, NULL), SIM_OK);
    st = wl_traffic_stream(g);
    run_checked(&c, &st, &again);
    wl_traffic_free(g);
    assert_true(again.ttft_p99_s == res.ttft_p99_s &&
                again.kv_transfer_p99_s == res.kv_transfer_p99_s);
    sim_serve_result_destroy(&res);
    sim_serve_result_destroy(&again);
}

static void test_disagg_config_errors(void **state)
{
    (void)state;
    sim_serve_config_t c = disagg_cfg(1, 1);
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_OK);
    c.autoscale.policy = SIM_AUTOSCALE_QUEUE;
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "autoscale.policy");
    c = disagg_cfg(0, 1);
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.prefill_replicas");
    c = disagg_cfg(1, 1);
    c.kv_link_latency_s = -1;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.kv_link_latency");
    c = disagg_cfg(1, 1);
    c.kind = WL_REQ_FIXED_WORK;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "service.disaggregated");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_request_times),
        cmocka_unit_test(test_mm1),
        cmocka_unit_test(test_kv_admission_blocks),
        cmocka_unit_test(test_kv_preemption),
        cmocka_unit_test(test_chunked_prefill),
        cmocka_unit_test(test_async_scheduling),
        cmocka_unit_test(test_routers),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_prefix_cache),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_metrics_helpers),
        cmocka_unit_test(test_ar_curve),
        cmocka_unit_test(test_key_tables),
        cmocka_unit_test(test_disagg_single_request),
        cmocka_unit_test(test_disagg_decode_admission),
        cmocka_unit_test(test_disagg_load),
        cmocka_unit_test(test_disagg_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
