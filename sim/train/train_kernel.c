/*
 * train_kernel.c — kernel times of the training executor that are more
 * than one roofline estimate (see train_int.h): the sustained clock
 * applied to an estimate, and Megatron-LM's unfused attention as the
 * sequence of kernels it launched.
 *
 * Assumes: the compute model of sim/compute/roofline.h (time_s =
 * max(compute_s, memory_s) + launch_s).
 */
#include <math.h>
#include <string.h>

#include "sim/compute/roofline.h"
#include "sim/train/train_int.h"

double train_clocked(const sim_compute_estimate_t *e, double clock)
{
    if (clock == 1.0)
        return e->time_s;
    return fmax(e->compute_s / clock, e->memory_s) + e->launch_s;
}

/* One kernel of the unfused attention: a batched GEMM (batch products of
 * m x k by k x n) or a streaming pass over `bytes`. */
static sim_err_t kernel_time(const sim_compute_profile_t *prof, double clock,
                             double batch, double m, double n, double k,
                             double bytes, sim_compute_dtype_t dt,
                             double *acc, sim_diag_t *diag)
{
    sim_compute_op_t op;
    sim_compute_estimate_t est;
    memset(&op, 0, sizeof op);
    if (bytes > 0) {
        op.kind = SIM_COMPUTE_OP_ELEMENTWISE;
        op.u.elem.bytes = bytes;
        op.u.elem.flops_per_byte = 1.0 / sim_compute_dtype_bytes(dt);
    } else {
        op.kind = SIM_COMPUTE_OP_GEMM;
        op.u.gemm.batch = (int64_t)batch;
        op.u.gemm.m = (int64_t)m;
        op.u.gemm.n = (int64_t)n;
        op.u.gemm.k = (int64_t)k;
        op.u.gemm.dtype = dt;
    }
    sim_err_t err = sim_compute_estimate(prof, &op, &est, diag);
    *acc += train_clocked(&est, clock);
    return err;
}

/*
 * Attention as Megatron-LM ran it before FlashAttention (Megatron-LM
 * v2.x/v3.0 megatron/model/transformer.py CoreAttention, 2021-22): per
 * micro-batch and layer, b*h score matrices of s x s are materialised.
 * Forward: torch.baddbmm QK^T (writes the scores), the fused
 * scale-upper-triangular-mask-softmax kernel (megatron/fused_kernels,
 * reads and writes them), attention dropout when the model has dropout
 * (reads them, writes them and a one-byte mask), torch.bmm with V.
 * Backward: bmm's two gradients, dropout's, softmax's (reads output and
 * gradient, writes one) and baddbmm's two.  The causal mask does not
 * skip work: every score is computed.  GEMMs use the profile's curve,
 * passes its streaming bandwidth; each is one kernel launch.
 */
sim_err_t train_unfused_attention(const sim_compute_profile_t *prof,
                                  double clock,
                                  const sim_compute_attention_t *a,
                                  bool dropout, double *t, sim_diag_t *diag)
{
    double bh = (double)a->batch * a->heads, s = (double)a->q_len,
           kv = (double)a->kv_len, d = (double)a->head_dim;
    double e = sim_compute_dtype_bytes(a->dtype);
    double S = bh * s * kv; /* score elements */
    double drop = dropout ? 2 * S * e + S : 0; /* 1-byte mask */
    /* {batch, m, n, k, bytes}: bytes > 0 is a streaming pass */
    const double fwd[][5] = {
        {bh, s, kv, d, 0},         /* baddbmm: scores = Q K^T */
        {0, 0, 0, 0, 2 * S * e},   /* scale, mask, softmax */
        {0, 0, 0, 0, drop},        /* attention dropout */
        {bh, s, d, kv, 0},         /* bmm: P V */
    };
    const double bwd[][5] = {
        {bh, s, kv, d, 0},         /* dP = dO V^T */
        {bh, kv, d, s, 0},         /* dV = P^T dO */
        {0, 0, 0, 0, drop},        /* dropout backward */
        {0, 0, 0, 0, 3 * S * e},   /* softmax backward */
        {bh, s, d, kv, 0},         /* dQ = dS K */
        {bh, kv, d, s, 0},         /* dK = dS^T Q */
    };
    const double (*k)[5] = a->backward ? bwd : fwd;
    size_t n = a->backward ? sizeof bwd / sizeof bwd[0]
                           : sizeof fwd / sizeof fwd[0];
    *t = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i][0] <= 0 && k[i][4] <= 0)
            continue; /* no dropout */
        sim_err_t err = kernel_time(prof, clock, k[i][0], k[i][1],
                                    k[i][2], k[i][3], k[i][4], a->dtype, t,
                                    diag);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}
