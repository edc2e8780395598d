/*
 * train_graph.c — build the per-stage operator graph of a training
 * iteration (see train_graph.h for what the lists hold and the
 * conventions of sizes).
 *
 * Each layer is first described once as a forward template (fop_t: the op
 * plus what backward needs to know about it).  Forward lists copy the
 * template as a dependency chain; backward lists walk it in reverse:
 * a GEMM becomes a data-gradient GEMM on the chain and a weight-gradient
 * GEMM beside it, attention its backward kernel, collectives their
 * mirror (all-gather <-> reduce-scatter, all-reduce and all-to-all stay).
 * Megatron issues the backward TP all-reduce at the block input rather
 * than at the mirrored position; the count and bytes are the same and
 * both sit on the critical path.  MTP modules are not emitted.
 */
#include "workloads/train_graph.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct wl_train_graph {
    int chunks;
    wl_op_list_t *fwd, *bwd, *bwd_last;
    wl_op_list_t step;
};

/* A forward template entry. */
typedef struct fop {
    wl_op_t op;
    bool weight;    /* GEMM/norm with a weight: its backward completes a
                       gradient of op.params parameters */
    bool expert;    /* that weight is a routed expert's (EDP group) */
    bool regather;  /* SP: the weight gradient needs the all-gathered
                       input again (Korthikanti §4.2.2) */
} fop_t;

typedef struct ctx {
    const wl_model_t *m;
    const wl_parallel_t *p;
    int stage;
    sim_compute_dtype_t dt;  /* GEMM dtype */
    sim_compute_dtype_t adt; /* activation dtype */
    double e;                /* activation/gradient bytes */
    int64_t T, Tr;           /* tokens per rank; rows outside TP (T/t
                                with SP) */
    fop_t *tpl;
    size_t ntpl, captpl;
    sim_err_t err;
    sim_diag_t *diag;
    /* gradient buckets being filled (backward_last) */
    double bucket[2];
    int bucket_src[2];
    double dense_params, expert_params; /* on this rank, whole stage */
} ctx_t;

static int push(ctx_t *c, wl_op_list_t *l, const wl_op_t *op)
{
    if (c->err != SIM_OK)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        wl_op_t *ops = realloc(l->ops, cap * sizeof *ops);
        if (ops == NULL) {
            c->err = sim_diag_set(c->diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                                  "out of memory building the op graph");
            return -1;
        }
        l->ops = ops;
        l->cap = cap;
    }
    l->ops[l->n] = *op;
    return (int)l->n++;
}

static void dep(wl_op_t *op, int d)
{
    if (d >= 0 && op->ndeps < WL_OP_MAX_DEPS)
        op->deps[op->ndeps++] = d;
}

static wl_op_t blank(const char *name, int layer, wl_phase_t ph)
{
    wl_op_t op;
    memset(&op, 0, sizeof op);
    op.name = name;
    op.layer = layer;
    op.phase = ph;
    op.peer_stage = -1;
    op.group = WL_GROUP__COUNT;
    return op;
}

static void tpl_add(ctx_t *c, const wl_op_t *op, bool weight, bool expert,
                    bool regather)
{
    if (c->err != SIM_OK)
        return;
    if (c->ntpl == c->captpl) {
        size_t cap = c->captpl ? 2 * c->captpl : 32;
        fop_t *t = realloc(c->tpl, cap * sizeof *t);
        if (t == NULL) {
            c->err = sim_diag_set(c->diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                                  "out of memory building the op graph");
            return;
        }
        c->tpl = t;
        c->captpl = cap;
    }
    fop_t *f = &c->tpl[c->ntpl++];
    f->op = *op;
    f->weight = weight;
    f->expert = expert;
    f->regather = regather;
}

/* C[m,n] = A[m,k] W[k,n] over `batch` weights. */
static void gemm(ctx_t *c, const char *name, int layer, int64_t m, int64_t n,
                 int64_t k, int64_t batch, bool expert, bool regather)
{
    wl_op_t op = blank(name, layer, WL_PHASE_FWD);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_GEMM;
    op.compute.u.gemm.m = m;
    op.compute.u.gemm.n = n;
    op.compute.u.gemm.k = k;
    op.compute.u.gemm.batch = batch;
    op.compute.u.gemm.dtype = c->dt;
    op.compute.u.gemm.out_bytes_per_elem =
        c->dt == SIM_COMPUTE_FP8 ? 2 : 0;
    op.params = (double)n * k * (batch > 0 ? batch : 1);
    tpl_add(c, &op, true, expert, regather);
}

static void norm(ctx_t *c, const char *name, int layer, int64_t rows,
                 int64_t width)
{
    wl_op_t op = blank(name, layer, WL_PHASE_FWD);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_NORM;
    op.compute.u.norm.rows = rows;
    op.compute.u.norm.hidden = width;
    op.compute.u.norm.rms = c->m->norm == WL_NORM_RMS;
    op.compute.u.norm.dtype = c->adt;
    op.params = c->m->norm == WL_NORM_LAYER ? 2.0 * width : (double)width;
    tpl_add(c, &op, true, false, false);
}

static void elem(ctx_t *c, const char *name, int layer, double bytes,
                 double flops_per_byte)
{
    wl_op_t op = blank(name, layer, WL_PHASE_FWD);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_ELEMENTWISE;
    op.compute.u.elem.bytes = bytes;
    op.compute.u.elem.flops_per_byte = flops_per_byte;
    tpl_add(c, &op, false, false, false);
}

static int group_size(const wl_parallel_t *p, wl_group_kind_t g)
{
    switch (g) {
    case WL_GROUP_TP: return p->tp;
    case WL_GROUP_CP: return p->cp;
    case WL_GROUP_PP: return p->pp;
    case WL_GROUP_DP: return p->dp;
    case WL_GROUP_DPCP: return p->dp * p->cp;
    case WL_GROUP_EP: return p->ep;
    case WL_GROUP_EDP: return p->edp;
    case WL_GROUP_EMBED: return p->pp > 1 ? 2 : 1;
    case WL_GROUP__COUNT: break;
    }
    return 1;
}

static void coll(ctx_t *c, const char *name, int layer, wl_coll_t kind,
                 wl_group_kind_t g, double bytes)
{
    if (group_size(c->p, g) <= 1)
        return;
    wl_op_t op = blank(name, layer, WL_PHASE_FWD);
    op.kind = WL_OP_COLLECTIVE;
    op.coll = kind;
    op.group = g;
    op.bytes = bytes;
    tpl_add(c, &op, false, false, false);
}

/* TP communication around a block: in front of the column-parallel GEMMs
 * (SP: all-gather) and behind the row-parallel ones (all-reduce, or SP:
 * reduce-scatter).  Returns whether the input was gathered. */
static bool block_in(ctx_t *c, int layer)
{
    if (c->p->sp)
        coll(c, "sp_gather", layer, WL_COLL_ALLGATHER, WL_GROUP_TP,
             (double)c->T * c->m->hidden * c->e);
    return c->p->sp && c->p->tp > 1;
}

static void block_out(ctx_t *c, int layer)
{
    double bytes = (double)c->T * c->m->hidden * c->e;
    coll(c, c->p->sp ? "sp_scatter" : "tp_allreduce", layer,
         c->p->sp ? WL_COLL_REDUCESCATTER : WL_COLL_ALLREDUCE, WL_GROUP_TP,
         bytes);
}

static void attention_block(ctx_t *c, int l)
{
    const wl_model_t *m = c->m;
    const wl_parallel_t *p = c->p;
    int64_t t = p->tp, T = c->T, h = m->hidden;
    norm(c, "norm_attn", l, c->Tr, h);
    bool rg = block_in(c, l);
    int64_t q = wl_model_q_dim(m), k = wl_model_k_dim(m),
            v = wl_model_v_dim(m);
    if (m->kv_lora_rank > 0) {
        /* MLA: the down-projections are replicated across TP, the
         * up-projections column-parallel (Megatron-Core MLA). */
        if (m->q_lora_rank > 0) {
            gemm(c, "q_down", l, T, m->q_lora_rank, h, 0, false, rg);
            norm(c, "q_norm", l, T, m->q_lora_rank);
            gemm(c, "q_up", l, T, q / t, m->q_lora_rank, 0, false, false);
        } else {
            gemm(c, "q_proj", l, T, q / t, h, 0, false, rg);
        }
        gemm(c, "kv_down", l, T, m->kv_lora_rank + m->qk_rope_dim, h, 0,
             false, rg && m->q_lora_rank == 0);
        norm(c, "kv_norm", l, T, m->kv_lora_rank);
        gemm(c, "kv_up", l, T,
             (int64_t)m->heads * (m->qk_nope_dim + m->v_head_dim) / t,
             m->kv_lora_rank, 0, false, false);
    } else {
        gemm(c, "qkv", l, T, (q + k + v) / t, h, 0, false, rg);
    }
    /* context parallelism: every rank needs the whole sequence's K and V
     * (ring attention moves the same bytes as an all-gather) */
    coll(c, "cp_kv_gather", l, WL_COLL_ALLGATHER, WL_GROUP_CP,
         (double)p->micro_batch * p->seq_len * (double)(k + v) / t * c->e);
    wl_op_t op = blank("attn", l, WL_PHASE_FWD);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_ATTENTION;
    op.compute.u.attn.batch = p->micro_batch;
    op.compute.u.attn.heads = m->heads / t;
    op.compute.u.attn.kv_heads = m->kv_heads / t > 0 ? m->kv_heads / t : 1;
    op.compute.u.attn.q_len = p->seq_len / p->cp;
    op.compute.u.attn.kv_len = p->seq_len;
    op.compute.u.attn.head_dim = m->head_dim;
    op.compute.u.attn.causal = 1;
    op.compute.u.attn.dtype = c->adt;
    tpl_add(c, &op, false, false, false);
    gemm(c, "out_proj", l, T, h, wl_model_o_dim(m) / t, 0, false, false);
    block_out(c, l);
    elem(c, "residual", l, 3.0 * c->Tr * h * c->e, 1.0 / (3 * c->e));
}

static void mlp(ctx_t *c, const char *pre_up, const char *act,
                const char *down, int l, int64_t tokens, int64_t ffn,
                int64_t batch, bool expert, bool rg)
{
    int64_t t = c->p->tp, h = c->m->hidden;
    int64_t up = (c->m->activation == WL_ACT_SWIGLU ? 2 : 1) * ffn / t;
    gemm(c, pre_up, l, tokens, up, h, batch, expert, rg);
    double nb = batch > 0 ? batch : 1;
    /* SwiGLU reads gate and up, writes one: 3 tensors of ffn/t; GELU 2 */
    double tensors = c->m->activation == WL_ACT_SWIGLU ? 3 : 2;
    elem(c, act, l, tensors * nb * tokens * (double)(ffn / t) * c->e,
         4.0 / (tensors * c->e));
    gemm(c, down, l, tokens, h, ffn / t, batch, expert, false);
}

static void mlp_block(ctx_t *c, int l)
{
    const wl_model_t *m = c->m;
    const wl_parallel_t *p = c->p;
    int64_t h = m->hidden, T = c->T;
    norm(c, "norm_mlp", l, c->Tr, h);
    if (!wl_model_layer_is_moe(m, l)) {
        bool rg = block_in(c, l);
        mlp(c, "mlp_up", "mlp_act", "mlp_down", l, T, m->ffn_hidden, 0,
            false, rg);
        block_out(c, l);
    } else {
        /* router on the rank's own tokens (replicated weights) */
        gemm(c, "router", l, c->Tr, m->experts, h, 0, false, false);
        double routed = (double)c->Tr * m->top_k * h * c->e;
        coll(c, "moe_dispatch", l, WL_COLL_ALLTOALL, WL_GROUP_EP, routed);
        coll(c, "moe_tp_gather", l, WL_COLL_ALLGATHER, WL_GROUP_TP,
             routed * p->tp);
        int64_t local = m->experts / p->ep;
        /* balanced routing: the EP group's tokens x top_k spread evenly
         * over the experts */
        int64_t per_expert =
            (T * m->top_k * p->ep + m->experts - 1) / m->experts;
        mlp(c, "expert_up", "expert_act", "expert_down", l, per_expert,
            m->moe_ffn_hidden, local, true, false);
        coll(c, "moe_tp_scatter", l, WL_COLL_REDUCESCATTER, WL_GROUP_TP,
             routed * p->tp);
        coll(c, "moe_combine", l, WL_COLL_ALLTOALL, WL_GROUP_EP, routed);
        if (m->shared_experts > 0) {
            bool rg = block_in(c, l);
            mlp(c, "shared_up", "shared_act", "shared_down", l, T,
                (int64_t)m->shared_experts * m->moe_ffn_hidden, 0, false,
                rg);
            block_out(c, l);
        }
    }
    elem(c, "residual", l, 3.0 * c->Tr * h * c->e, 1.0 / (3 * c->e));
}

static void embedding(ctx_t *c)
{
    wl_op_t op = blank("embedding", -1, WL_PHASE_FWD);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_EMBEDDING;
    op.compute.u.embed.tokens = c->T;
    op.compute.u.embed.hidden = c->m->hidden;
    op.compute.u.embed.dtype = c->adt;
    op.params = (double)wl_model_padded_vocab(c->m, c->p->tp) *
                c->m->hidden / c->p->tp;
    tpl_add(c, &op, true, false, false);
    block_out(c, -1); /* vocab-parallel embedding sums over TP */
}

static void head(ctx_t *c)
{
    int64_t vp = wl_model_padded_vocab(c->m, c->p->tp) / c->p->tp;
    norm(c, "final_norm", -1, c->Tr, c->m->hidden);
    bool rg = block_in(c, -1);
    gemm(c, "logits", -1, c->T, vp, c->m->hidden, 0, false, rg);
    /* vocab-parallel cross entropy, unfused, in FP32 (Megatron-Core
     * megatron/core/tensor_parallel/cross_entropy.py): forward casts the
     * BF16 logits to FP32 (read 2 + write 4 bytes per logit), takes the
     * max (4), subtracts it in place (8), exponentiates (8), sums (4) and
     * divides by the sum (8) = 38 bytes; backward scales the saved softmax
     * by the incoming gradient (8) and casts it back (6) = 14.  The
     * template op is charged once in each pass: 52 / 2 = 26 bytes per
     * logit per pass.  All-reduce the max, the target logit and the sum
     * of exponentials. */
    elem(c, "cross_entropy", -1, 26.0 * c->T * vp, 0.5);
    coll(c, "ce_allreduce", -1, WL_COLL_ALLREDUCE, WL_GROUP_TP,
         3.0 * c->T * 4);
}

/* Copy template ops [from, to) to l as a chain (phase ph).  prev: the op
 * the first depends on; extra: another dependency of the first op. */
static int emit_forward(ctx_t *c, wl_op_list_t *l, size_t from, size_t to,
                        wl_phase_t ph, int prev, int extra)
{
    for (size_t i = from; i < to; i++) {
        wl_op_t op = c->tpl[i].op;
        op.phase = ph;
        op.params = 0;
        dep(&op, prev);
        if (i == from)
            dep(&op, extra);
        prev = push(c, l, &op);
    }
    return prev;
}

static void bucket_flush(ctx_t *c, wl_op_list_t *l, int which, wl_coll_t k)
{
    if (c->bucket[which] <= 0)
        return;
    wl_group_kind_t g = which ? WL_GROUP_EDP : WL_GROUP_DPCP;
    if (group_size(c->p, g) > 1) {
        wl_op_t op = blank(which ? "grad_bucket_expert" : "grad_bucket", -1,
                           WL_PHASE_GRAD_SYNC);
        op.kind = WL_OP_COLLECTIVE;
        op.coll = k;
        op.group = g;
        op.params = c->bucket[which];
        op.bytes = c->bucket[which] * c->e;
        dep(&op, c->bucket_src[which]);
        push(c, l, &op);
    }
    c->bucket[which] = 0;
}

/* Emit the backward of template ops [from, to) in reverse onto l. */
static int emit_backward(ctx_t *c, wl_op_list_t *l, size_t from, size_t to,
                         int prev, int extra, bool buckets, bool count)
{
    size_t start = l->n;
    const wl_parallel_t *p = c->p;
    wl_coll_t bk = p->zero == 0 ? WL_COLL_ALLREDUCE : WL_COLL_REDUCESCATTER;
    for (size_t i = to; i-- > from;) {
        const fop_t *f = &c->tpl[i];
        wl_op_t op = f->op;
        op.phase = WL_PHASE_BWD;
        op.params = 0;
        int wdone = -1;
        if (op.kind == WL_OP_COLLECTIVE) {
            if (op.coll == WL_COLL_ALLGATHER)
                op.coll = WL_COLL_REDUCESCATTER;
            else if (op.coll == WL_COLL_REDUCESCATTER)
                op.coll = WL_COLL_ALLGATHER;
            dep(&op, prev);
            prev = push(c, l, &op);
            continue;
        }
        if (op.compute.kind == SIM_COMPUTE_OP_GEMM) {
            int regather = -1;
            if (f->regather) {
                wl_op_t ag = blank("sp_regather", op.layer, WL_PHASE_BWD);
                ag.kind = WL_OP_COLLECTIVE;
                ag.coll = WL_COLL_ALLGATHER;
                ag.group = WL_GROUP_TP;
                ag.bytes = (double)c->T * c->m->hidden * c->e;
                dep(&ag, prev);
                regather = push(c, l, &ag);
            }
            sim_compute_gemm_t g = op.compute.u.gemm;
            wl_op_t dg = op, wg = op;
            dg.compute.u.gemm.n = g.k; /* dX[m,k] = dY[m,n] W^T */
            dg.compute.u.gemm.k = g.n;
            dg.name = "dgrad";
            dep(&dg, prev);
            wg.compute.u.gemm.m = g.k; /* dW[k,n] = X^T dY */
            wg.compute.u.gemm.n = g.n;
            wg.compute.u.gemm.k = g.m;
            wg.name = "wgrad";
            wg.params = f->op.params;
            wg.group = f->expert ? WL_GROUP_EDP : WL_GROUP_DPCP;
            dep(&wg, prev);
            dep(&wg, regather);
            int d = push(c, l, &dg);
            wdone = push(c, l, &wg);
            prev = d;
        } else {
            if (op.compute.kind == SIM_COMPUTE_OP_ATTENTION)
                op.compute.u.attn.backward = 1;
            if (f->weight) {
                op.params = f->op.params;
                op.group = WL_GROUP_DPCP;
            }
            dep(&op, prev);
            prev = push(c, l, &op);
            if (f->weight)
                wdone = prev;
        }
        if (wdone >= 0 && c->err == SIM_OK) {
            int which = f->expert ? 1 : 0;
            if (count) {
                if (f->expert)
                    c->expert_params += f->op.params;
                else
                    c->dense_params += f->op.params;
            }
            if (buckets) {
                c->bucket[which] += f->op.params;
                c->bucket_src[which] = wdone;
                if (c->bucket[which] >= p->bucket_params)
                    bucket_flush(c, l, which, bk);
            }
        }
    }
    if (extra >= 0 && c->err == SIM_OK && l->n > start)
        dep(&l->ops[start], extra);
    return prev;
}

/* Parameters of template ops [from, to) on this rank, dense and expert. */
static void tpl_params(const ctx_t *c, size_t from, size_t to, double *dense,
                       double *expert)
{
    *dense = *expert = 0;
    for (size_t i = from; i < to; i++)
        if (c->tpl[i].weight)
            *(c->tpl[i].expert ? expert : dense) += c->tpl[i].op.params;
}

static int zero3_op(ctx_t *c, wl_op_list_t *l, const char *name, int layer,
                    wl_coll_t k, wl_group_kind_t g, double params, int d,
                    wl_phase_t ph)
{
    if (params <= 0 || group_size(c->p, g) <= 1)
        return -1;
    wl_op_t op = blank(name, layer, ph);
    op.kind = WL_OP_COLLECTIVE;
    op.coll = k;
    op.group = g;
    op.params = params;
    op.bytes = params * c->e;
    dep(&op, d);
    return push(c, l, &op);
}

static wl_op_t p2p(const char *name, wl_coll_t k, int peer, double bytes,
                   wl_phase_t ph)
{
    wl_op_t op = blank(name, -1, ph);
    op.kind = WL_OP_P2P;
    op.coll = k;
    op.group = WL_GROUP_PP;
    op.peer_stage = peer;
    op.bytes = bytes;
    return op;
}

/* Build the three lists of virtual chunk j of the stage. */
static void build_chunk(ctx_t *c, int j, wl_op_list_t *fw, wl_op_list_t *bw,
                        wl_op_list_t *bl)
{
    const wl_parallel_t *p = c->p;
    int nch = p->pp * p->virtual_stages;
    int cm = j * p->pp + c->stage; /* model chunk */
    int first = wl_parallel_chunk_first_layer(p, c->m->layers, cm);
    int nl = wl_parallel_chunk_layers(p, c->m->layers, cm);
    double pp_bytes = (double)c->T * c->m->hidden * c->e /
                      (p->sp ? p->tp : 1);
    int prev_stage = (c->stage + p->pp - 1) % p->pp;
    int next_stage = (c->stage + 1) % p->pp;

    /* segments of the template: embedding, one per layer, head */
    size_t *seg = malloc(((size_t)nl + 3) * sizeof *seg);
    size_t nseg = 0;
    if (seg == NULL) {
        c->err = sim_diag_set(c->diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                              "out of memory building the op graph");
        return;
    }
    c->ntpl = 0;
    seg[nseg++] = 0;
    if (cm == 0)
        embedding(c);
    seg[nseg++] = c->ntpl;
    for (int l = first; l < first + nl; l++) {
        attention_block(c, l);
        mlp_block(c, l);
        seg[nseg++] = c->ntpl;
    }
    if (cm == nch - 1)
        head(c);
    seg[nseg++] = c->ntpl;
    if (c->err != SIM_OK)
        goto done;
    bool zero3 = p->zero >= 3;

    /* forward */
    int prev = -1;
    if (cm > 0) {
        wl_op_t r = p2p("pp_recv", WL_COLL_RECV, prev_stage, pp_bytes,
                        WL_PHASE_FWD);
        prev = push(c, fw, &r);
    }
    for (size_t s = 0; s + 1 < nseg; s++) {
        int ag = -1;
        if (zero3) {
            double d, e;
            tpl_params(c, seg[s], seg[s + 1], &d, &e);
            int a1 = zero3_op(c, fw, "fsdp_gather", -1, WL_COLL_ALLGATHER,
                              WL_GROUP_DPCP, d, -1, WL_PHASE_FWD);
            int a2 = zero3_op(c, fw, "fsdp_gather_expert", -1,
                              WL_COLL_ALLGATHER, WL_GROUP_EDP, e, a1,
                              WL_PHASE_FWD);
            ag = a2 >= 0 ? a2 : a1;
        }
        prev = emit_forward(c, fw, seg[s], seg[s + 1], WL_PHASE_FWD, prev,
                            ag);
    }
    if (cm < nch - 1) {
        wl_op_t snd = p2p("pp_send", WL_COLL_SEND, next_stage, pp_bytes,
                          WL_PHASE_FWD);
        dep(&snd, prev);
        push(c, fw, &snd);
    }

    /* backward, twice: every micro-batch, then the last one with the
     * gradient reduction (ZeRO-2/3 reduce every micro-batch) */
    for (int pass = 0; pass < 2; pass++) {
        wl_op_list_t *l = pass == 0 ? bw : bl;
        bool sync = pass == 1 || p->zero >= 2;
        bool buckets = sync && !zero3;
        wl_coll_t bk = p->zero == 0 ? WL_COLL_ALLREDUCE
                                    : WL_COLL_REDUCESCATTER;
        c->bucket[0] = c->bucket[1] = 0;
        c->bucket_src[0] = c->bucket_src[1] = -1;
        prev = -1;
        if (cm < nch - 1) {
            wl_op_t r = p2p("pp_recv_grad", WL_COLL_RECV, next_stage,
                            pp_bytes, WL_PHASE_BWD);
            prev = push(c, l, &r);
        }
        for (size_t s = nseg - 1; s-- > 0;) {
            size_t a = seg[s], b = seg[s + 1];
            bool is_layer = s >= 1 && s + 2 < nseg;
            if (a == b)
                continue;
            double d = 0, e = 0;
            int extra = -1;
            tpl_params(c, a, b, &d, &e);
            if (zero3) {
                int g1 = zero3_op(c, l, "fsdp_gather", -1, WL_COLL_ALLGATHER,
                                  WL_GROUP_DPCP, d, -1, WL_PHASE_BWD);
                int g2 = zero3_op(c, l, "fsdp_gather_expert", -1,
                                  WL_COLL_ALLGATHER, WL_GROUP_EDP, e, g1,
                                  WL_PHASE_BWD);
                extra = g2 >= 0 ? g2 : g1;
            }
            if (is_layer && p->recompute == WL_RECOMPUTE_FULL) {
                prev = emit_forward(c, l, a, b, WL_PHASE_RECOMPUTE, prev,
                                    extra);
                extra = -1;
            } else if (is_layer && p->recompute == WL_RECOMPUTE_SELECTIVE) {
                for (size_t i = a; i < b; i++)
                    if (c->tpl[i].op.kind == WL_OP_COMPUTE &&
                        c->tpl[i].op.compute.kind ==
                            SIM_COMPUTE_OP_ATTENTION) {
                        prev = emit_forward(c, l, i, i + 1,
                                            WL_PHASE_RECOMPUTE, prev, extra);
                        extra = -1;
                    }
            }
            prev = emit_backward(c, l, a, b, prev, extra, buckets,
                                 pass == 1);
            if (zero3 && sync) {
                zero3_op(c, l, "fsdp_grad_scatter", -1,
                         WL_COLL_REDUCESCATTER, WL_GROUP_DPCP, d, prev,
                         WL_PHASE_GRAD_SYNC);
                zero3_op(c, l, "fsdp_grad_scatter_expert", -1,
                         WL_COLL_REDUCESCATTER, WL_GROUP_EDP, e, prev,
                         WL_PHASE_GRAD_SYNC);
            }
        }
        if (buckets) {
            bucket_flush(c, l, 0, bk);
            bucket_flush(c, l, 1, bk);
        }
        if (cm > 0) {
            wl_op_t snd = p2p("pp_send_grad", WL_COLL_SEND, prev_stage,
                              pp_bytes, WL_PHASE_BWD);
            dep(&snd, prev);
            push(c, l, &snd);
        }
    }
done:
    free(seg);
}

/* The step list: tied-embedding all-reduce, optimizer, ZeRO-1/2 gather. */
static void build_step(ctx_t *c, wl_op_list_t *l)
{
    const wl_parallel_t *p = c->p;
    int prev = -1;
    bool first = c->stage == 0, last = c->stage == p->pp - 1;
    if (c->m->tied_embeddings && p->pp > 1 && (first || last)) {
        wl_op_t op = blank("embedding_grad_allreduce", -1, WL_PHASE_STEP);
        op.kind = WL_OP_COLLECTIVE;
        op.coll = WL_COLL_ALLREDUCE;
        op.group = WL_GROUP_EMBED;
        op.params = (double)wl_model_padded_vocab(c->m, p->tp) *
                    c->m->hidden / p->tp;
        op.bytes = op.params * c->e;
        prev = push(c, l, &op);
    }
    double nd = p->zero >= 1 ? (double)p->dp * p->cp : 1;
    double ne = p->zero >= 1 ? p->edp : 1;
    wl_op_t op = blank("optimizer", -1, WL_PHASE_STEP);
    op.kind = WL_OP_COMPUTE;
    op.compute.kind = SIM_COMPUTE_OP_OPTIMIZER;
    op.params = c->dense_params / nd + c->expert_params / ne;
    op.compute.u.optim.params = (int64_t)(op.params + 0.5);
    /* roofline.h: Adam, mixed precision, 28 bytes of HBM per parameter */
    op.compute.u.optim.bytes_per_param = 28;
    dep(&op, prev);
    prev = push(c, l, &op);
    if (p->zero == 1 || p->zero == 2) {
        zero3_op(c, l, "zero_param_gather", -1, WL_COLL_ALLGATHER,
                 WL_GROUP_DPCP, c->dense_params, prev, WL_PHASE_STEP);
        zero3_op(c, l, "zero_param_gather_expert", -1, WL_COLL_ALLGATHER,
                 WL_GROUP_EDP, c->expert_params, prev, WL_PHASE_STEP);
    }
}

static void list_free(wl_op_list_t *l)
{
    if (l != NULL)
        free(l->ops);
}

void wl_train_graph_free(wl_train_graph_t *g)
{
    if (g == NULL)
        return;
    for (int j = 0; j < g->chunks; j++) {
        if (g->fwd)
            list_free(&g->fwd[j]);
        if (g->bwd)
            list_free(&g->bwd[j]);
        if (g->bwd_last)
            list_free(&g->bwd_last[j]);
    }
    free(g->fwd);
    free(g->bwd);
    free(g->bwd_last);
    list_free(&g->step);
    free(g);
}

sim_err_t wl_train_graph_build(const wl_model_t *m, const wl_parallel_t *p,
                               int stage, wl_train_graph_t **out,
                               sim_diag_t *diag)
{
    ctx_t c;
    wl_train_graph_t *g = NULL;
    memset(&c, 0, sizeof c);
    *out = NULL;
    if (stage < 0 || stage >= p->pp)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "stage %d outside 0..%d", stage, p->pp - 1);
    c.m = m;
    c.p = p;
    c.stage = stage;
    c.diag = diag;
    c.e = p->dtype_bytes;
    c.adt = p->dtype_bytes == 4 ? SIM_COMPUTE_FP32 : SIM_COMPUTE_BF16;
    c.dt = p->fp8_gemm ? SIM_COMPUTE_FP8 : c.adt;
    c.T = (int64_t)p->micro_batch * (p->seq_len / p->cp);
    c.Tr = p->sp ? c.T / p->tp : c.T;
    g = calloc(1, sizeof *g);
    if (g == NULL)
        goto nomem;
    g->chunks = p->virtual_stages;
    g->fwd = calloc((size_t)g->chunks, sizeof *g->fwd);
    g->bwd = calloc((size_t)g->chunks, sizeof *g->bwd);
    g->bwd_last = calloc((size_t)g->chunks, sizeof *g->bwd_last);
    if (g->fwd == NULL || g->bwd == NULL || g->bwd_last == NULL)
        goto nomem;
    for (int j = 0; j < g->chunks && c.err == SIM_OK; j++)
        build_chunk(&c, j, &g->fwd[j], &g->bwd[j], &g->bwd_last[j]);
    if (c.err == SIM_OK)
        build_step(&c, &g->step);
    free(c.tpl);
    if (c.err != SIM_OK) {
        wl_train_graph_free(g);
        return c.err;
    }
    *out = g;
    return SIM_OK;
nomem:
    wl_train_graph_free(g);
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory building the op graph");
}

int wl_train_graph_chunks(const wl_train_graph_t *g)
{
    return g->chunks;
}

const wl_op_list_t *wl_train_graph_forward(const wl_train_graph_t *g, int c)
{
    return c >= 0 && c < g->chunks ? &g->fwd[c] : NULL;
}

const wl_op_list_t *wl_train_graph_backward(const wl_train_graph_t *g, int c)
{
    return c >= 0 && c < g->chunks ? &g->bwd[c] : NULL;
}

const wl_op_list_t *wl_train_graph_backward_last(const wl_train_graph_t *g,
                                                 int c)
{
    return c >= 0 && c < g->chunks ? &g->bwd_last[c] : NULL;
}

const wl_op_list_t *wl_train_graph_step(const wl_train_graph_t *g)
{
    return &g->step;
}

double wl_op_list_flops(const wl_op_list_t *l)
{
    double f = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->ops[i].kind == WL_OP_COMPUTE)
            f += sim_compute_op_flops(&l->ops[i].compute);
    return f;
}

double wl_op_list_comm_bytes(const wl_op_list_t *l, wl_group_kind_t k)
{
    double b = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->ops[i].kind != WL_OP_COMPUTE &&
            (k == WL_GROUP__COUNT || l->ops[i].group == k))
            b += l->ops[i].bytes;
    return b;
}
