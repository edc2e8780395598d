/*
 * test_compute.c — roofline formulas, the ridge point, device profile text
 * round-trip and the kbench CSV reader's error reporting (sim/compute).
 *
 * Expected values are worked by hand in the comments beside them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/assert_close.h"

#include "sim/compute/profile.h"
#include "sim/compute/roofline.h"
#include "sim/compute/timing_csv.h"

static sim_compute_op_t gemm_op(int64_t m, int64_t n, int64_t k,
                                sim_compute_dtype_t dt)
{
    sim_compute_op_t op;
    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_GEMM;
    op.u.gemm.m = m;
    op.u.gemm.n = n;
    op.u.gemm.k = k;
    op.u.gemm.batch = 1;
    op.u.gemm.dtype = dt;
    return op;
}

static void test_gemm_counts(void **state)
{
    (void)state;
    sim_compute_op_t op = gemm_op(2, 3, 4, SIM_COMPUTE_BF16);
    /* 2·2·3·4 = 48 FLOPs; bytes (2·4 + 4·3)·2 + 2·3·2 = 40 + 12 = 52. */
    assert_close(sim_compute_op_flops(&op), 48.0, 1e-15);
    assert_close(sim_compute_op_bytes(&op), 52.0, 1e-15);
    op.u.gemm.batch = 3;
    assert_close(sim_compute_op_flops(&op), 144.0, 1e-15);
    /* FP8 in, BF16 out (DeepGEMM's convention): 64x2112x7168 is the
     * 15,867,904 bytes the published table lists. */
    op = gemm_op(64, 2112, 7168, SIM_COMPUTE_FP8);
    op.u.gemm.out_bytes_per_elem = 2.0;
    assert_close(sim_compute_op_bytes(&op), 15867904.0, 1e-15);
    op.u.gemm.m = -1;
    assert_true(sim_compute_op_flops(&op) < 0.0);
}

static sim_compute_op_t attn_op(int64_t q, int64_t kv, int causal)
{
    sim_compute_op_t op;
    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_ATTENTION;
    op.u.attn.batch = 1;
    op.u.attn.heads = 2;
    op.u.attn.kv_heads = 2;
    op.u.attn.q_len = q;
    op.u.attn.kv_len = kv;
    op.u.attn.head_dim = 8;
    op.u.attn.causal = causal;
    op.u.attn.dtype = SIM_COMPUTE_FP16;
    return op;
}

static void test_attention_counts(void **state)
{
    (void)state;
    /* Non-causal: 4·b·h·Sq·Skv·d = 4·1·2·4·4·8 = 1024. */
    sim_compute_op_t op = attn_op(4, 4, 0);
    assert_close(sim_compute_op_flops(&op), 1024.0, 1e-15);
    /* Bytes: Q,O = 2·1·2·4·8 = 128 elems, K,V = 128 elems, ·2 B = 512. */
    assert_close(sim_compute_op_bytes(&op), 512.0, 1e-15);
    /* Causal square: pairs 16 − 4·3/2 = 10 → 4·2·8·10 = 640. */
    op = attn_op(4, 4, 1);
    assert_close(sim_compute_op_flops(&op), 640.0, 1e-15);
    /* Causal, one decode token over 10 cached keys sees all 10: 640. */
    op = attn_op(1, 10, 1);
    op.u.attn.decode = 1;
    assert_close(sim_compute_op_flops(&op), 640.0, 1e-15);
    /* Large causal prefill tends to FlashAttention's halving. */
    op = attn_op(4096, 4096, 1);
    sim_compute_op_t full = attn_op(4096, 4096, 0);
    assert_close(sim_compute_op_flops(&op) / sim_compute_op_flops(&full),
                 0.5, 1e-3);
    /* Backward: 2.5x forward FLOPs, 2x forward bytes. */
    op = attn_op(4, 4, 0);
    op.u.attn.backward = 1;
    assert_close(sim_compute_op_flops(&op), 2560.0, 1e-15);
    assert_close(sim_compute_op_bytes(&op), 1024.0, 1e-15);
    /* GQA: 8 query heads sharing 2 KV heads read a quarter of the KV. */
    op = attn_op(4, 4, 0);
    op.u.attn.heads = 8;
    /* Q,O = 2·8·4·8 = 512 elems; K,V = 2·2·4·8 = 128; ·2 B = 1280. */
    assert_close(sim_compute_op_bytes(&op), 1280.0, 1e-15);
}

static void test_other_counts(void **state)
{
    (void)state;
    sim_compute_op_t op;
    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_NORM;
    op.u.norm.rows = 10;
    op.u.norm.hidden = 100;
    op.u.norm.rms = 1;
    op.u.norm.dtype = SIM_COMPUTE_BF16;
    /* RMSNorm: 4·1000 FLOPs; (2·1000 + 100)·2 B = 4200. */
    assert_close(sim_compute_op_flops(&op), 4000.0, 1e-15);
    assert_close(sim_compute_op_bytes(&op), 4200.0, 1e-15);
    op.u.norm.rms = 0; /* LayerNorm: 8·1000; (2000 + 200)·2 = 4400 */
    assert_close(sim_compute_op_flops(&op), 8000.0, 1e-15);
    assert_close(sim_compute_op_bytes(&op), 4400.0, 1e-15);

    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_EMBEDDING;
    op.u.embed.tokens = 3;
    op.u.embed.hidden = 5;
    op.u.embed.dtype = SIM_COMPUTE_FP32;
    /* 2·3·5·4 + 8·3 = 144. */
    assert_close(sim_compute_op_bytes(&op), 144.0, 1e-15);
    assert_close(sim_compute_op_flops(&op), 0.0, 0.0);

    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_OPTIMIZER;
    op.u.optim.params = 1000;
    op.u.optim.bytes_per_param = 28.0;
    assert_close(sim_compute_op_bytes(&op), 28000.0, 1e-15);
    assert_close(sim_compute_op_flops(&op), 12000.0, 1e-15);

    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_MEMCPY;
    op.u.copy.bytes = 1e6;
    op.u.copy.dir = SIM_COMPUTE_COPY_D2D;
    assert_close(sim_compute_op_bytes(&op), 2e6, 1e-15);
    op.u.copy.dir = SIM_COMPUTE_COPY_H2D;
    assert_close(sim_compute_op_bytes(&op), 1e6, 1e-15);

    memset(&op, 0, sizeof op);
    op.kind = SIM_COMPUTE_OP_ELEMENTWISE;
    op.u.elem.bytes = 300.0;
    op.u.elem.flops_per_byte = 0.5;
    assert_close(sim_compute_op_flops(&op), 150.0, 1e-15);
}

/* An ideal device: every efficiency 1, no size penalties, no launch. */
static void ideal_profile(sim_compute_profile_t *p)
{
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_profile_builtin("H100", p, &d), SIM_OK);
    sim_compute_gemm_curve_t *c = &p->gemm[SIM_COMPUTE_BF16];
    c->e_max = 1.0;
    c->m0 = c->n0 = c->k0 = 0.0;
    c->mem_eff = 1.0;
    p->sm_count = 0.0; /* the continuous model: no tile terms */
    p->launch_s = 0.0;
}

static void test_ridge_point(void **state)
{
    (void)state;
    sim_compute_profile_t p;
    sim_compute_estimate_t e;
    sim_diag_t d = SIM_DIAG_INIT;
    ideal_profile(&p);
    /* Square BF16 GEMM of side x: 2x³ FLOPs over 6x² bytes, intensity x/3.
     * Ridge at P/W = 989.4e12 / 3350e9 = 295.34 FLOP/B, i.e. x = 886. */
    sim_compute_op_t op = gemm_op(800, 800, 800, SIM_COMPUTE_BF16);
    assert_int_equal(sim_compute_estimate(&p, &op, &e, &d), SIM_OK);
    assert_false(e.compute_bound);
    assert_close(e.time_s, 6.0 * 800 * 800 / 3350e9, 1e-12);
    op = gemm_op(1000, 1000, 1000, SIM_COMPUTE_BF16);
    assert_int_equal(sim_compute_estimate(&p, &op, &e, &d), SIM_OK);
    assert_true(e.compute_bound);
    assert_close(e.time_s, 2e9 / 989.4e12, 1e-12);
    /* Halving the bandwidth moves the ridge to x = 1772: 1000 turns
     * memory-bound. */
    p.hbm_GBps /= 2.0;
    assert_int_equal(sim_compute_estimate(&p, &op, &e, &d), SIM_OK);
    assert_false(e.compute_bound);
    /* Launch overhead is added on top. */
    p.launch_s = 5e-6;
    assert_int_equal(sim_compute_estimate(&p, &op, &e, &d), SIM_OK);
    assert_close(e.time_s, 6e6 / 1675e9 + 5e-6, 1e-12);
}

/* The tile schedule of fit.h on hand-computable cases: a device of 132 SMs
 * at 1 TFLOP/s each, FP8 (k-step 128 elements). */
static void test_tile_model(void **state)
{
    (void)state;
    sim_compute_gemm_curve_t c;
    sim_compute_gemm_plan_t pl;
    memset(&c, 0, sizeof c);
    c.e_max = 0.5;
    c.mem_eff = 1.0;
    c.wave = 1.0;
    c.tile_s = 1e-6;
    c.split_max = 1.0;
    const sim_compute_gemm_dev_t dev = {132e12, 132.0, 0.0};
    /* One k-step of a 64x64 tile: 2·64·64·128 / (1e12 · 0.5) s. */
    const double step64 = 2.0 * 64 * 64 * 128 / 0.5e12;
    /* Few tiles: the smallest tile wins, one wave, 10 k-steps. */
    sim_compute_gemm_shape_t sh = {128, 256, 1280, 1, 1.0, 0.0};
    double t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(t, 1e-6 + 10.0 * step64, 1e-12);
    assert_int_equal(pl.tile_m, 64);
    assert_int_equal(pl.tile_n, 64);
    assert_close(pl.tiles, 8.0, 0.0);
    assert_close(pl.waves, 1.0, 0.0);
    /* 264 tiles of 64x64 would take two waves; 132 tiles of 128x64 take
     * one wave of twice the k-step and pay tile_s once: least time wins. */
    sh = (sim_compute_gemm_shape_t){64.0 * 264, 64, 128, 1, 1.0, 0.0};
    t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(t, 1e-6 + 2.0 * step64, 1e-12);
    assert_int_equal(pl.tile_m, 128);
    assert_int_equal(pl.tile_n, 64);
    /* One more 64-row block: with strict quantisation (wave = 1) 265
     * small tiles in 3 waves beat 133 large ones in 2 ... */
    sh.m = 64.0 * 265;
    t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(pl.waves, 3.0, 1e-12);
    assert_close(t, 3.0 * (1e-6 + step64), 1e-12);
    /* ... while a balanced stream-K schedule (wave = 0) charges the tail
     * pro rata and keeps the large tile. */
    c.wave = 0.0;
    double t_sk = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(pl.waves, 133.0 / 132.0, 1e-12);
    assert_close(t_sk, 133.0 / 132.0 * (1e-6 + 2.0 * step64), 1e-12);
    assert_true(t_sk < t);
    /* Split-k: one 64x64 tile, 100 k-steps, up to 4 splits at 1 ns each. */
    c.split_max = 4.0;
    c.split_s = 1e-9;
    sh = (sim_compute_gemm_shape_t){64, 64, 12800, 1, 1.0, 0.0};
    t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(pl.splits, 4.0, 0.0);
    assert_close(t, 1e-6 + 25.0 * step64 + 3e-9, 1e-12);
    /* Expensive splits are not taken: s* = sqrt(I·t_step / split_s). */
    c.split_s = 100.0 * step64;
    t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(pl.splits, 1.0, 1e-12);
    assert_close(t, 1e-6 + 100.0 * step64, 1e-12);
    /* Load latency floors a k-step; the L2 feed binds only when many SMs
     * are busy. */
    c.split_max = 1.0;
    c.iter_s = 2.0 * step64;
    t = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_close(t, 1e-6 + 200.0 * step64, 1e-12);
    c.iter_s = 0.0;
    c.l2_GBps = 100.0;
    double one = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    /* One SM pulls (64+64)·128 B per step: 164 ns at 100 GB/s < step64;
     * 132 SMs sharing it need 21.6 us. */
    assert_close(one, 1e-6 + 100.0 * step64, 1e-12);
    sh = (sim_compute_gemm_shape_t){64.0 * 132, 64, 12800, 1, 1.0, 0.0};
    double full = sim_compute_gemm_compute_time(&c, &dev, &sh, &pl);
    assert_true(full > one * 1.5);
    /* Epilogue store: with an HBM bandwidth, each unit also pays epi times
     * its C tile (out_bytes per element) at the busy SMs' share of HBM.
     * One 64x64 tile, 2-byte output, 1 GB/s at mem_eff 1: 8.192 us. */
    c.l2_GBps = 0.0;
    const sim_compute_gemm_dev_t hbm = {132e12, 132.0, 1e9};
    sh = (sim_compute_gemm_shape_t){64, 64, 12800, 1, 1.0, 2.0};
    c.epi = 0.0;
    t = sim_compute_gemm_compute_time(&c, &hbm, &sh, &pl);
    assert_close(t, one, 1e-12);
    c.epi = 0.5;
    t = sim_compute_gemm_compute_time(&c, &hbm, &sh, &pl);
    assert_close(t, one + 0.5 * 64 * 64 * 2.0 / 1e9, 1e-12);
    /* 132 tiles store at once, each at 1/132 of the bandwidth. */
    sh.m = 64.0 * 132;
    t = sim_compute_gemm_compute_time(&c, &hbm, &sh, &pl);
    assert_close(pl.waves, 1.0, 0.0);
    assert_close(t, one + 0.5 * 132 * 64 * 64 * 2.0 / 1e9, 1e-12);
    c.epi = 0.0;
    /* No SM count: the continuous model, e_max · padding factors. */
    c.m0 = 100.0;
    c.n0 = c.k0 = 0.0;
    const sim_compute_gemm_dev_t cpu = {1e12, 0.0, 0.0};
    sh = (sim_compute_gemm_shape_t){100, 50, 40, 2, 4.0, 0.0};
    t = sim_compute_gemm_compute_time(&c, &cpu, &sh, &pl);
    assert_close(t, 2.0 * 2 * 100 * 50 * 40 / (1e12 * 0.5 * 0.5), 1e-12);
    assert_int_equal(pl.tile_m, 0);
    /* Degenerate sizes cost nothing. */
    sh.k = 0.0;
    assert_close(sim_compute_gemm_compute_time(&c, &dev, &sh, NULL), 0.0,
                 0.0);
}

static void test_efficiency_shape(void **state)
{
    (void)state;
    sim_compute_profile_t p;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_profile_builtin("H800", &p, &d), SIM_OK);
    assert_int_equal(p.calibrated, 0);
    const sim_compute_gemm_curve_t *c = &p.gemm[SIM_COMPUTE_FP8];
    sim_compute_estimate_t big, small, ktiny;
    sim_compute_op_t g = gemm_op(16384, 16384, 16384, SIM_COMPUTE_FP8);
    assert_int_equal(sim_compute_estimate(&p, &g, &big, &d), SIM_OK);
    g = gemm_op(64, 16384, 16384, SIM_COMPUTE_FP8);
    assert_int_equal(sim_compute_estimate(&p, &g, &small, &d), SIM_OK);
    g = gemm_op(16384, 16384, 128, SIM_COMPUTE_FP8);
    assert_int_equal(sim_compute_estimate(&p, &g, &ktiny, &d), SIM_OK);
    assert_true(big.compute_eff <= c->e_max &&
                big.compute_eff > 0.6 * c->e_max);
    assert_true(big.compute_bound);
    assert_true(small.compute_eff < big.compute_eff &&
                ktiny.compute_eff < big.compute_eff);
    assert_close(big.memory_eff, c->mem_eff, 0.0);
    /* An unsupported dtype is an error, not a silent zero. */
    sim_compute_profile_t a100;
    sim_compute_estimate_t e;
    assert_int_equal(sim_compute_profile_builtin("A100-SXM4-80GB", &a100, &d),
                     SIM_OK);
    sim_compute_op_t op = gemm_op(128, 128, 128, SIM_COMPUTE_FP8);
    assert_int_equal(sim_compute_estimate(&a100, &op, &e, &d),
                     SIM_ERR_RANGE);
    /* H200 is not mistaken for H20. */
    sim_compute_profile_t h200;
    assert_int_equal(sim_compute_profile_builtin("NVIDIA H200", &h200, NULL),
                     SIM_OK);
    assert_close(h200.hbm_GBps, 4800.0, 0.0);
    assert_int_equal(sim_compute_profile_builtin("TPU", &h200, NULL),
                     SIM_ERR_NOTFOUND);
}

static void test_profile_round_trip(void **state)
{
    (void)state;
    sim_compute_profile_t p, q;
    sim_diag_t d = SIM_DIAG_INIT;
    char *t1 = NULL, *t2 = NULL, *t3 = NULL;
    char path[] = "/tmp/test_compute_profileXXXXXX";

    assert_int_equal(sim_compute_profile_builtin("H100", &p, &d), SIM_OK);
    p.calibrated = 1;
    p.gemm[SIM_COMPUTE_FP8].e_max = 0.1 + 0.2; /* not exact in binary */
    p.gemm[SIM_COMPUTE_FP8].fitted = 1;
    p.gemm[SIM_COMPUTE_FP8].rows = 17;
    p.launch_s = 1.0 / 3.0 * 1e-5;
    snprintf(p.source_csv, sizeof p.source_csv, "a b.csv");
    snprintf(p.source_fnv1a64, sizeof p.source_fnv1a64, "00ff00ff00ff00ff");
    assert_int_equal(sim_compute_profile_format(&p, &t1), SIM_OK);
    assert_int_equal(sim_compute_profile_parse(t1, "mem", &q, &d), SIM_OK);
    assert_true(q.gemm[SIM_COMPUTE_FP8].e_max == p.gemm[SIM_COMPUTE_FP8].e_max);
    assert_true(q.launch_s == p.launch_s);
    assert_int_equal(q.gemm[SIM_COMPUTE_FP8].rows, 17);
    assert_string_equal(q.source_csv, "a b.csv");
    assert_int_equal(sim_compute_profile_format(&q, &t2), SIM_OK);
    assert_string_equal(t1, t2);

    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(sim_compute_profile_save(&q, path, &d), SIM_OK);
    sim_compute_profile_t r;
    assert_int_equal(sim_compute_profile_load(path, &r, &d), SIM_OK);
    assert_int_equal(sim_compute_profile_format(&r, &t3), SIM_OK);
    assert_string_equal(t1, t3);
    remove(path);
    free(t1);
    free(t2);
    free(t3);
    (void)fd;
}

static void test_profile_errors(void **state)
{
    (void)state;
    sim_compute_profile_t p;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_profile_parse("device = X\n\nbogus = 1\n",
                                               "f.profile", &p, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.key, "bogus");
    sim_diag_clear(&d);
    assert_int_equal(sim_compute_profile_parse("hbm_GBps = 1\nhbm_GBps = 2\n",
                                               "f", &p, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 2);
    sim_diag_clear(&d);
    assert_int_equal(sim_compute_profile_parse("mem_eff = 1.5\n", "f", &p, &d),
                     SIM_ERR_RANGE);
    sim_diag_clear(&d);
    assert_int_equal(sim_compute_profile_parse("launch_s = 3us\n", "f", &p,
                                               &d),
                     SIM_ERR_INPUT);
    sim_diag_clear(&d);
    assert_int_equal(sim_compute_profile_parse("calibrated = maybe\n", "f", &p,
                                               &d),
                     SIM_ERR_INPUT);
    sim_diag_clear(&d);
    /* Missing keys keep defaults; comments and blanks are fine. */
    assert_int_equal(sim_compute_profile_parse("# c\n device = Y \n", "f", &p,
                                               &d),
                     SIM_OK);
    assert_string_equal(p.device, "Y");
    assert_close(p.gemm[SIM_COMPUTE_BF16].e_max, 0.75, 0.0);
    assert_int_equal(sim_compute_profile_load("/nonexistent/x.profile", &p,
                                              &d),
                     SIM_ERR_IO);
}

static const char good_csv[] =
    "backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps,extra\n"
    "cpu,X,gemm,fp32,8,8,8,768,5,1e-6,,,\"a, \"\"quoted\"\" note\"\n"
    "\n"
    "# comment\n"
    "cpu,X,triad,fp64,1000,0,0,24000,5,2e-6,,,\n";

static void test_csv_good(void **state)
{
    (void)state;
    sim_compute_timing_set_t *s = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_timing_parse(good_csv, strlen(good_csv),
                                              "g.csv", &s, &d),
                     SIM_OK);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->rows[0].kernel, "gemm");
    assert_int_equal(s->rows[0].k, 8);
    assert_close(s->rows[0].bytes, 768.0, 0.0);
    assert_int_equal(s->rows[1].line, 5);
    assert_close(s->rows[1].time_s, 2e-6, 0.0);
    sim_compute_timing_free(s);
    sim_compute_timing_free(NULL);

    /* Columns in another order, optional ones absent. */
    static const char minimal[] = "time_s,kernel\n3e-6,launch\n";
    assert_int_equal(sim_compute_timing_parse(minimal, strlen(minimal), NULL,
                                              &s, &d),
                     SIM_OK);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->rows[0].m, 0);
    sim_compute_timing_free(s);
}

static void expect_csv_error(const char *text, int line, const char *col)
{
    sim_compute_timing_set_t *s = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_timing_parse(text, strlen(text), "bad.csv",
                                              &s, &d),
                     SIM_ERR_INPUT);
    assert_null(s);
    assert_string_equal(d.file, "bad.csv");
    assert_int_equal(d.line, line);
    assert_non_null(strstr(d.msg, col));
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_csv_error("kernel,m,time_s\ngemm,1,1e-6\ngemm,x,1e-6\n", 3,
                     "column 2");
    expect_csv_error("kernel,m,time_s\ngemm,1,0\n", 2, "column 3");
    expect_csv_error("kernel,m,time_s\ngemm,-4,1e-6\n", 2, "column 2");
    expect_csv_error("kernel,m\ngemm,1\n", 1, "time_s");
    expect_csv_error("kernel,m,time_s\ngemm,1,1e-6\ngemm,1\n", 3,
                     "expected 3 fields");
    expect_csv_error("kernel,m,time_s\n\"gemm,1,1e-6\n", 2,
                     "unterminated quote");
    expect_csv_error("", 1, "header");
    sim_compute_timing_set_t *s = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_compute_timing_load("/nonexistent.csv", &s, &d),
                     SIM_ERR_IO);
}

static void test_dtype_names(void **state)
{
    (void)state;
    sim_compute_dtype_t dt;
    assert_int_equal(sim_compute_dtype_parse("FP8_E4M3", &dt), 0);
    assert_int_equal(dt, SIM_COMPUTE_FP8);
    assert_int_equal(sim_compute_dtype_parse("bf16", &dt), 0);
    assert_int_equal(dt, SIM_COMPUTE_BF16);
    assert_int_equal(sim_compute_dtype_parse("fp4", &dt), -1);
    assert_string_equal(sim_compute_dtype_name(SIM_COMPUTE_TF32), "tf32");
    /* FNV-1a 64 of "a" (published test vector). */
    assert_true(sim_compute_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_counts),
        cmocka_unit_test(test_attention_counts),
        cmocka_unit_test(test_other_counts),
        cmocka_unit_test(test_ridge_point),
        cmocka_unit_test(test_tile_model),
        cmocka_unit_test(test_efficiency_shape),
        cmocka_unit_test(test_profile_round_trip),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_csv_good),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_dtype_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
