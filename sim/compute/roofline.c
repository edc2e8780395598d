/*
 * roofline.c — FLOP and byte counts of operators and their roofline time
 * (see roofline.h).
 *
 * FLOP conventions (multiply-add = 2 FLOPs):
 *  - GEMM: 2·m·n·k per product, times batch.
 *  - Attention forward: 4·b·h·Sq·Skv·d (Q·K^T and P·V, 2·Sq·Skv·d each);
 *    softmax FLOPs are ignored, as FlashAttention's benchmark does
 *    (Dao-AILab/flash-attention benchmarks/benchmark_flash_attention.py:
 *    f = 4·batch·seqlen²·nheads·headdim, halved when causal; backward =
 *    2.5·f).  For causal masks we count the attended (query, key) pairs
 *    exactly: with Sq ≤ Skv, query i sees Skv − Sq + i + 1 keys, so pairs =
 *    Sq·Skv − Sq·(Sq−1)/2, which is ≈ S²/2 for prefill (FlashAttention's
 *    halving) and Sq·Skv for one decode token.
 *  - Element-wise: bytes × flops_per_byte.  Norm: RMSNorm 4 FLOPs per
 *    element (square, accumulate, scale, weight), LayerNorm 8 (mean and
 *    variance passes, normalise, scale, shift) — approximations, both ops
 *    are memory-bound on every GPU we model.
 *  - Optimizer: Adam ≈ 12 FLOPs per parameter (two moment updates, bias
 *    corrections, sqrt, divide, weight decay) unless given.
 * Byte conventions: each input read once and each output written once.
 *  - GEMM: (m·k + k·n)·in_bytes + m·n·out_bytes per product.
 *  - Attention forward: Q and O (b·h·Sq·d each) plus K and V
 *    (b·h_kv·Skv·d each); backward reads Q, K, V, O, dO and writes dQ, dK,
 *    dV: twice the forward bytes.
 *  - Norm: read and write rows·hidden, plus the weight (and LayerNorm bias).
 *  - Embedding: read and write tokens·hidden, plus 8-byte indices.
 *  - Memcpy device-to-device moves 2× the size through HBM (read + write);
 *    host copies move the size over PCIe.
 */
#include "sim/compute/roofline.h"

#include <math.h>

static double gemm_flops(const sim_compute_gemm_t *g)
{
    double b = g->batch > 0 ? (double)g->batch : 1.0;
    return 2.0 * b * (double)g->m * (double)g->n * (double)g->k;
}

static double gemm_bytes(const sim_compute_gemm_t *g)
{
    double b = g->batch > 0 ? (double)g->batch : 1.0;
    double in = sim_compute_dtype_bytes(g->dtype);
    double outb = g->out_bytes_per_elem > 0.0 ? g->out_bytes_per_elem : in;
    double m = (double)g->m, n = (double)g->n, k = (double)g->k;
    return b * ((m * k + k * n) * in + m * n * outb);
}

static double attn_pairs(const sim_compute_attention_t *a)
{
    double sq = (double)a->q_len, skv = (double)a->kv_len;
    if (!a->causal)
        return sq * skv;
    if (sq > skv) /* more queries than keys: clamp to the square case */
        sq = skv;
    return sq * skv - sq * (sq - 1.0) / 2.0;
}

static double attn_flops(const sim_compute_attention_t *a)
{
    double f = 4.0 * (double)a->batch * (double)a->heads *
               (double)a->head_dim * attn_pairs(a);
    return a->backward ? 2.5 * f : f;
}

static double attn_bytes(const sim_compute_attention_t *a)
{
    double eb = sim_compute_dtype_bytes(a->dtype);
    double kvh = a->kv_heads > 0 ? (double)a->kv_heads : (double)a->heads;
    double qo = 2.0 * (double)a->batch * (double)a->heads *
                (double)a->q_len * (double)a->head_dim;
    double kv = 2.0 * (double)a->batch * kvh * (double)a->kv_len *
                (double)a->head_dim;
    double fwd = (qo + kv) * eb;
    return a->backward ? 2.0 * fwd : fwd;
}

static int op_valid(const sim_compute_op_t *op)
{
    switch (op->kind) {
    case SIM_COMPUTE_OP_GEMM: {
        const sim_compute_gemm_t *g = &op->u.gemm;
        return g->m >= 0 && g->n >= 0 && g->k >= 0 && g->batch >= 0 &&
               g->out_bytes_per_elem >= 0.0;
    }
    case SIM_COMPUTE_OP_ATTENTION: {
        const sim_compute_attention_t *a = &op->u.attn;
        return a->batch >= 0 && a->heads >= 0 && a->kv_heads >= 0 &&
               a->q_len >= 0 && a->kv_len >= 0 && a->head_dim >= 0;
    }
    case SIM_COMPUTE_OP_ELEMENTWISE:
        return op->u.elem.bytes >= 0.0 && op->u.elem.flops_per_byte >= 0.0;
    case SIM_COMPUTE_OP_NORM:
        return op->u.norm.rows >= 0 && op->u.norm.hidden >= 0;
    case SIM_COMPUTE_OP_EMBEDDING:
        return op->u.embed.tokens >= 0 && op->u.embed.hidden >= 0;
    case SIM_COMPUTE_OP_OPTIMIZER:
        return op->u.optim.params >= 0 && op->u.optim.bytes_per_param >= 0.0 &&
               op->u.optim.flops_per_param >= 0.0;
    case SIM_COMPUTE_OP_MEMCPY:
        return op->u.copy.bytes >= 0.0;
    case SIM_COMPUTE_OP__COUNT:
        break;
    }
    return 0;
}

double sim_compute_op_flops(const sim_compute_op_t *op)
{
    if (!op_valid(op))
        return -1.0;
    switch (op->kind) {
    case SIM_COMPUTE_OP_GEMM:
        return gemm_flops(&op->u.gemm);
    case SIM_COMPUTE_OP_ATTENTION:
        return attn_flops(&op->u.attn);
    case SIM_COMPUTE_OP_ELEMENTWISE:
        return op->u.elem.bytes * op->u.elem.flops_per_byte;
    case SIM_COMPUTE_OP_NORM:
        return (op->u.norm.rms ? 4.0 : 8.0) * (double)op->u.norm.rows *
               (double)op->u.norm.hidden;
    case SIM_COMPUTE_OP_EMBEDDING:
        return 0.0;
    case SIM_COMPUTE_OP_OPTIMIZER: {
        double fpp = op->u.optim.flops_per_param > 0.0
                         ? op->u.optim.flops_per_param
                         : 12.0;
        return fpp * (double)op->u.optim.params;
    }
    case SIM_COMPUTE_OP_MEMCPY:
        return 0.0;
    case SIM_COMPUTE_OP__COUNT:
        break;
    }
    return -1.0;
}

double sim_compute_op_bytes(const sim_compute_op_t *op)
{
    if (!op_valid(op))
        return -1.0;
    switch (op->kind) {
    case SIM_COMPUTE_OP_GEMM:
        return gemm_bytes(&op->u.gemm);
    case SIM_COMPUTE_OP_ATTENTION:
        return attn_bytes(&op->u.attn);
    case SIM_COMPUTE_OP_ELEMENTWISE:
        return op->u.elem.bytes;
    case SIM_COMPUTE_OP_NORM: {
        const sim_compute_norm_t *nm = &op->u.norm;
        double eb = sim_compute_dtype_bytes(nm->dtype);
        double act = 2.0 * (double)nm->rows * (double)nm->hidden;
        double w = (nm->rms ? 1.0 : 2.0) * (double)nm->hidden;
        return (act + w) * eb;
    }
    case SIM_COMPUTE_OP_EMBEDDING: {
        const sim_compute_embedding_t *e = &op->u.embed;
        double eb = sim_compute_dtype_bytes(e->dtype);
        return 2.0 * (double)e->tokens * (double)e->hidden * eb +
               8.0 * (double)e->tokens;
    }
    case SIM_COMPUTE_OP_OPTIMIZER:
        return (double)op->u.optim.params * op->u.optim.bytes_per_param;
    case SIM_COMPUTE_OP_MEMCPY:
        return op->u.copy.dir == SIM_COMPUTE_COPY_D2D ? 2.0 * op->u.copy.bytes
                                                      : op->u.copy.bytes;
    case SIM_COMPUTE_OP__COUNT:
        break;
    }
    return -1.0;
}

/*
 * Candidate output tiles: the Hopper warpgroup MMA works on 64-row slices
 * (wgmma m64nNk*, PTX ISA 8.0 §9.7.14), and CUTLASS sm90 kernels and
 * DeepGEMM use BLOCK_M 64 or 128 with BLOCK_N up to 256.  The k-step of
 * one pipeline stage is 128 bytes of K (64 BF16 or 128 FP8 elements, the
 * CUTLASS sm90 and DeepGEMM BLOCK_K).
 */
static const double tile_ms[] = {64.0, 128.0};
static const double tile_ns[] = {64.0, 128.0, 256.0};
#define K_STEP_BYTES 128.0

/* Time of one bm×bn tile choice; see fit.h for the model. */
static double tile_time(const sim_compute_gemm_curve_t *c,
                        const sim_compute_gemm_dev_t *dv,
                        const sim_compute_gemm_shape_t *g, double batch,
                        double bm, double bn, sim_compute_gemm_plan_t *pl)
{
    double sms = dv->sm_count;
    double bk = fmax(1.0, floor(K_STEP_BYTES / g->in_bytes));
    double tiles = batch * ceil(g->m / bm) * ceil(g->n / bn);
    double iters = ceil(g->k / bk);
    double t_c = 2.0 * bm * bn * bk / (dv->peak_flops / sms * c->e_max);
    double s = 1.0;
    if (tiles < sms && c->split_max > 1.0 && iters > 1.0) {
        /* Least tile_s + loop/s + (s−1)·split_s, within the idle SMs. */
        s = fmin(fmin(sms / tiles, c->split_max), iters);
        if (c->split_s > 0.0)
            s = fmin(s, sqrt(iters * fmax(t_c, c->iter_s) / c->split_s));
        s = fmax(s, 1.0);
    }
    /* The busy SMs share the L2's operand bandwidth. */
    double busy = fmin(tiles * s, sms);
    double t_l2 = c->l2_GBps > 0.0
                      ? busy * (bm + bn) * bk * g->in_bytes / (c->l2_GBps * 1e9)
                      : 0.0;
    double loop = iters * fmax(fmax(t_c, c->iter_s), t_l2);
    /* Each unit stores its C tile (FP32 partials when split) through HBM,
     * shared by the busy SMs; epi is the part not hidden behind the next
     * unit's main loop. */
    double outb = s > 1.0 ? 4.0 : (g->out_bytes > 0.0 ? g->out_bytes
                                                       : g->in_bytes);
    double t_epi = dv->hbm_Bps > 0.0
                       ? c->epi * busy * bm * bn * outb /
                             (dv->hbm_Bps * c->mem_eff)
                       : 0.0;
    double x = tiles * s / sms;
    double waves = x <= 1.0 ? 1.0
                            : pow(ceil(x), c->wave) * pow(x, 1.0 - c->wave);
    pl->tile_m = (int)bm;
    pl->tile_n = (int)bn;
    pl->tiles = tiles;
    pl->splits = s;
    pl->waves = waves;
    pl->compute_s = waves * (c->tile_s + t_epi + loop / s) +
                    (s - 1.0) * c->split_s;
    return pl->compute_s;
}

double sim_compute_gemm_compute_time(const sim_compute_gemm_curve_t *c,
                                     const sim_compute_gemm_dev_t *dev,
                                     const sim_compute_gemm_shape_t *g,
                                     sim_compute_gemm_plan_t *plan)
{
    sim_compute_gemm_plan_t best = {0, 0, 0.0, 1.0, 0.0, 0.0}, pl;
    double batch = g->batch >= 1.0 ? g->batch : 1.0;
    if (g->m > 0.0 && g->n > 0.0 && g->k > 0.0 && dev->peak_flops > 0.0) {
        if (dev->sm_count >= 1.0) {
            best.compute_s = INFINITY;
            for (size_t i = 0; i < sizeof tile_ms / sizeof tile_ms[0]; i++)
                for (size_t j = 0; j < sizeof tile_ns / sizeof tile_ns[0];
                     j++)
                    if (tile_time(c, dev, g, batch, tile_ms[i], tile_ns[j],
                                  &pl) < best.compute_s)
                        best = pl;
        } else {
            double e = c->e_max * (g->m / (g->m + c->m0)) *
                       (g->n / (g->n + c->n0)) * (g->k / (g->k + c->k0));
            best.tiles = batch;
            best.compute_s =
                2.0 * batch * g->m * g->n * g->k / (dev->peak_flops * e);
        }
    }
    if (plan != NULL)
        *plan = best;
    return best.compute_s;
}

/* The dtype an op computes in, or -1 for ops on the vector units. */
static int op_dtype(const sim_compute_op_t *op)
{
    switch (op->kind) {
    case SIM_COMPUTE_OP_GEMM:
        return (int)op->u.gemm.dtype;
    case SIM_COMPUTE_OP_ATTENTION:
        return (int)op->u.attn.dtype;
    default:
        return -1;
    }
}

sim_err_t sim_compute_estimate(const sim_compute_profile_t *p,
                               const sim_compute_op_t *op,
                               sim_compute_estimate_t *out,
                               sim_diag_t *diag)
{
    double peak_tflops, ce = 1.0, me = p->mem_eff, bw = p->hbm_GBps;

    if (!op_valid(op))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "op",
                            "operator has a negative size");
    int dt = op_dtype(op);
    if (dt >= SIM_COMPUTE_DTYPE__COUNT)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "dtype",
                            "unknown dtype %d", dt);
    peak_tflops = dt >= 0 ? p->peak_tflops[dt] : p->vector_tflops;
    switch (op->kind) {
    case SIM_COMPUTE_OP_GEMM:
        me = p->gemm[dt].mem_eff;
        break;
    case SIM_COMPUTE_OP_ATTENTION: {
        double l = (double)op->u.attn.kv_len;
        ce = l > 0.0 ? p->attn_e_max * l / (l + p->attn_l0) : p->attn_e_max;
        break;
    }
    case SIM_COMPUTE_OP_MEMCPY:
        if (op->u.copy.dir != SIM_COMPUTE_COPY_D2D) {
            bw = p->pcie_GBps;
            me = p->pcie_eff;
        }
        break;
    default:
        break;
    }
    double flops = sim_compute_op_flops(op);
    double bytes = sim_compute_op_bytes(op);
    if (flops > 0.0 && !(peak_tflops > 0.0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "dtype",
                            "device %s has no %s peak", p->device,
                            dt >= 0 ? sim_compute_dtype_name(dt)
                                    : "vector (fp32)");
    if (bytes > 0.0 && !(bw > 0.0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "bandwidth",
                            "device %s has no bandwidth for this op",
                            p->device);
    out->flops = flops;
    out->bytes = bytes;
    if (op->kind == SIM_COMPUTE_OP_GEMM) {
        const sim_compute_gemm_t *g = &op->u.gemm;
        sim_compute_gemm_dev_t dv = {peak_tflops * 1e12, p->sm_count,
                                     p->hbm_GBps * 1e9};
        sim_compute_gemm_shape_t sh = {(double)g->m, (double)g->n,
                                       (double)g->k, (double)g->batch,
                                       sim_compute_dtype_bytes(g->dtype),
                                       g->out_bytes_per_elem};
        out->compute_s =
            sim_compute_gemm_compute_time(&p->gemm[dt], &dv, &sh, NULL);
        ce = out->compute_s > 0.0 ? flops / (peak_tflops * 1e12 *
                                             out->compute_s)
                                  : p->gemm[dt].e_max;
    } else {
        out->compute_s =
            flops > 0.0 ? flops / (peak_tflops * 1e12 * ce) : 0.0;
    }
    out->memory_s = bytes > 0.0 ? bytes / (bw * 1e9 * me) : 0.0;
    out->launch_s = p->launch_s;
    out->compute_eff = ce;
    out->memory_eff = me;
    out->compute_bound = out->compute_s >= out->memory_s;
    out->time_s = fmax(out->compute_s, out->memory_s) + p->launch_s;
    return SIM_OK;
}

double sim_compute_gemm_time(const sim_compute_profile_t *p, int64_t m,
                             int64_t n, int64_t k, sim_compute_dtype_t dtype)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_GEMM};
    sim_compute_estimate_t e;
    op.u.gemm.m = m;
    op.u.gemm.n = n;
    op.u.gemm.k = k;
    op.u.gemm.batch = 1;
    op.u.gemm.dtype = dtype;
    if (sim_compute_estimate(p, &op, &e, NULL) != SIM_OK)
        return -1.0;
    return e.time_s;
}
