/*
 * serve_testlib.h — helpers shared by the serving test programs
 * (test_serve, test_serve_moe, test_autoscale): a request stream over an
 * array, request builders, a run that checks what must hold on every run
 * (everything accepted finished, Little's law), and the compute model's
 * per-op estimates that hand-built step sums are made of.
 *
 * Include after <cmocka.h> (the helpers assert with cmocka).  Everything
 * is static inline, so a program uses what it needs without warnings.
 */
#ifndef TESTS_UNIT_SERVE_TESTLIB_H
#define TESTS_UNIT_SERVE_TESTLIB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/roofline.h"
#include "sim/serve/serve.h"
#include "workloads/traffic.h"

typedef struct array_stream {
    const wl_request_t *r;
    size_t n, i;
} array_stream_t;

static inline int array_next(void *ctx, wl_request_t *out)
{
    array_stream_t *a = ctx;
    if (a->i == a->n)
        return 0;
    *out = a->r[a->i++];
    return 1;
}

/* An LLM request arriving at t s. */
static inline wl_request_t llm_req(double t, int64_t prompt, int64_t output)
{
    wl_request_t r;
    memset(&r, 0, sizeof r);
    r.arrival_s = t;
    r.kind = WL_REQ_LLM;
    r.prompt_tokens = prompt;
    r.output_tokens = output;
    return r;
}

/* A fixed-work (diffusion-style) request of work GPU-seconds at t s. */
static inline wl_request_t work_req(double t, double work)
{
    wl_request_t r;
    memset(&r, 0, sizeof r);
    r.arrival_s = t;
    r.kind = WL_REQ_FIXED_WORK;
    r.work_s = work;
    return r;
}

/* Run, and check what must hold on every run: everything accepted
 * finished, and Little's law. */
static inline void run_checked(const sim_serve_config_t *cfg,
                               wl_request_stream_t *s, sim_serve_result_t *res)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t e = sim_serve_run(cfg, s, res, &d);
    if (e != SIM_OK)
        fprintf(stderr, "serve run failed: %s: %s\n", d.key, d.msg);
    assert_int_equal(e, SIM_OK);
    assert_int_equal(res->completed + res->rejected, res->arrived);
    if (res->completed > 0)
        assert_true(res->little_error < 1e-9);
}

/* run_checked over the n requests of r. */
static inline void run_array(const sim_serve_config_t *cfg,
                             const wl_request_t *r, size_t n,
                             sim_serve_result_t *res)
{
    array_stream_t a = {r, n, 0};
    wl_request_stream_t s = {array_next, &a};
    run_checked(cfg, &s, res);
}

/* Determinism: run(seed) returns a run's JSON text (malloc'd); the same
 * seed must give the same bytes, another seed other bytes. */
static inline void assert_seed_determinism(char *(*run)(uint64_t seed))
{
    char *a = run(5), *b = run(5), *c = run(6);
    assert_string_equal(a, b);
    assert_true(strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
}

/* The compute model's time for one op on profile p. */
static inline double est(const sim_compute_profile_t *p, sim_compute_op_t op)
{
    sim_compute_estimate_t e;
    assert_int_equal(sim_compute_estimate(p, &op, &e, NULL), SIM_OK);
    return e.time_s;
}

static inline double gemm(const sim_compute_profile_t *p, int64_t m,
                          int64_t n, int64_t k)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_GEMM};
    op.u.gemm = (sim_compute_gemm_t){m, n, k, 1, SIM_COMPUTE_BF16, 0};
    return est(p, op);
}

/* Attention of the test models (4 query heads, 2 KV heads, head dim 64):
 * q new tokens over kv of context, prefill or decode. */
static inline double attn(const sim_compute_profile_t *p, int64_t q,
                          int64_t kv, int decode)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_ATTENTION};
    op.u.attn = (sim_compute_attention_t){1,      4,      2, q, kv, 64,
                                          !decode, decode, 0, SIM_COMPUTE_BF16};
    return est(p, op);
}

/* The two RMS norms of a layer of the test models (hidden 256). */
static inline double norm2(const sim_compute_profile_t *p, int64_t rows)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_NORM};
    op.u.norm = (sim_compute_norm_t){rows, 256, 1, SIM_COMPUTE_BF16};
    return 2 * est(p, op);
}

#endif /* TESTS_UNIT_SERVE_TESTLIB_H */
