/*
 * train_memory.c — memory per GPU of a training plan (see train_memory.h
 * for the formulas and their sources).
 */
#include "workloads/train_memory.h"

#include <stdlib.h>
#include <string.h>

#define GIB 1073741824.0

double wl_korthikanti_activation(double s, double b, double h, double a,
                                 double t, bool sp, wl_recompute_t rc)
{
    double sbh = s * b * h;
    if (rc == WL_RECOMPUTE_FULL)
        return sp ? 2 * sbh / t : 2 * sbh;
    double core = rc == WL_RECOMPUTE_SELECTIVE ? 0 : 5 * a * s / h;
    if (sp)
        return sbh / t * (34 + core);
    return sbh * (10 + 24 / t + core / t);
}

double wl_activation_bytes_per_layer(const wl_model_t *m,
                                     const wl_parallel_t *p, bool moe)
{
    double e = p->dtype_bytes, t = p->tp;
    double s = (double)p->seq_len / p->cp, b = p->micro_batch;
    double h = m->hidden, sb = s * b;
    double rep_div = p->sp ? t : 1;
    if (p->recompute == WL_RECOMPUTE_FULL)
        return e * sb * h / rep_div; /* the layer's input only */
    /* not split by TP: two norm inputs, the two block inputs, and the
     * two 1-byte dropout masks */
    double rep = 4 * e * sb * h + (m->dropout ? 2 * sb * h : 0);
    if (m->kv_lora_rank > 0) /* MLA down-projection outputs */
        rep += e * sb * (m->q_lora_rank + m->kv_lora_rank + m->qk_rope_dim);
    /* split by TP: Q, K, V and the out-projection input */
    double q = (double)wl_model_q_dim(m), k = (double)wl_model_k_dim(m),
           v = (double)wl_model_v_dim(m);
    double shard = e * sb * (q + k + v + (double)wl_model_o_dim(m));
    double per_ffn = m->activation == WL_ACT_SWIGLU ? 3 : 2;
    if (moe) {
        double ffn = (double)m->moe_ffn_hidden;
        shard += m->top_k * (per_ffn * e * sb * ffn + e * sb * h) +
                 m->shared_experts * per_ffn * e * sb * ffn;
        rep += 4.0 * sb * m->experts; /* FP32 router probabilities */
    } else {
        shard += per_ffn * e * sb * (double)m->ffn_hidden;
    }
    double core = 0;
    if (!p->flash_attention && p->recompute == WL_RECOMPUTE_NONE) {
        double s_kv = p->seq_len;
        core = m->heads * s * s_kv * b * (e + (m->dropout ? 1 + e : 0));
    }
    return rep / rep_div + (shard + core) / t;
}

/* Activation bytes of one micro-batch through chunk c (model order). */
static double chunk_activations(const wl_model_t *m, const wl_parallel_t *p,
                                int c)
{
    int first = wl_parallel_chunk_first_layer(p, m->layers, c);
    int n = wl_parallel_chunk_layers(p, m->layers, c);
    double sum = 0;
    for (int l = first; l < first + n; l++)
        sum += wl_activation_bytes_per_layer(m, p,
                                             wl_model_layer_is_moe(m, l));
    return sum;
}

/* Parameters one GPU of the stage holds (*expert: the routed-expert part). */
static void stage_params(const wl_model_t *m, const wl_parallel_t *p,
                         int stage, double *total, double *expert)
{
    wl_model_params_t pc;
    wl_model_params(m, &pc);
    double t = p->tp, h = m->hidden;
    double norm = m->norm == WL_NORM_LAYER ? 2 * h : h;
    double vp = (double)wl_model_padded_vocab(m, p->tp);
    *total = *expert = 0;
    for (int j = 0; j < p->virtual_stages; j++) {
        int c = j * p->pp + stage;
        int first = wl_parallel_chunk_first_layer(p, m->layers, c);
        int n = wl_parallel_chunk_layers(p, m->layers, c);
        for (int l = first; l < first + n; l++) {
            /* norms and the router are replicated across TP */
            *total += (pc.attn_layer - norm) / t + norm;
            if (wl_model_layer_is_moe(m, l)) {
                double routed = m->experts * pc.expert / p->ep / t;
                double rest = pc.moe_layer - m->experts * pc.expert -
                              norm - h * m->experts;
                *total += routed + rest / t + norm + h * m->experts;
                *expert += routed;
            } else {
                *total += (pc.dense_mlp_layer - norm) / t + norm;
            }
        }
    }
    bool last = stage == p->pp - 1;
    if (stage == 0)
        *total += vp * h / t + (pc.embedding - (double)m->vocab * h);
    if (last) {
        /* tied embeddings: the last stage keeps its own copy of the
         * embedding as the head when pp > 1 (Megatron) */
        if (!m->tied_embeddings || p->pp > 1)
            *total += vp * h / t;
        *total += pc.final_norm + pc.mtp / t;
    }
}

/* Largest number of bytes of activations in flight on a stage, walking
 * its pipeline schedule. */
static sim_err_t in_flight(const wl_model_t *m, const wl_parallel_t *p,
                           int stage, double *out, sim_diag_t *diag)
{
    int mb = (int)p->grad_accum, v = p->virtual_stages;
    size_t n = 2 * (size_t)mb * (size_t)v;
    wl_pipe_step_t *steps = malloc(n * sizeof *steps);
    double *act = malloc((size_t)v * sizeof *act);
    sim_err_t err = SIM_OK;
    *out = 0;
    if (steps == NULL || act == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory for a %zu-step schedule", n);
        goto done;
    }
    for (int j = 0; j < v; j++)
        act[j] = chunk_activations(m, p, j * p->pp + stage);
    err = wl_pipeline_schedule(p->pp, mb, v, stage, steps, diag);
    if (err != SIM_OK)
        goto done;
    double live = 0;
    for (size_t i = 0; i < n; i++) {
        if (steps[i].pass == 'F') {
            live += act[steps[i].chunk];
            if (live > *out)
                *out = live;
        } else {
            live -= act[steps[i].chunk];
        }
    }
done:
    free(steps);
    free(act);
    return err;
}

void wl_model_state_bytes(double dense, double expert,
                          const wl_parallel_t *p, double *weights,
                          double *grads, double *optimizer)
{
    /* ZeRO paper §5: stage 1 shards the optimizer states, 2 also the
     * gradients, 3 also the weights, over N_d ranks. */
    double e = p->dtype_bytes;
    double nd = (double)p->dp * p->cp, ne = p->edp > 0 ? p->edp : nd;
    double d3 = p->zero >= 3 ? nd : 1, e3 = p->zero >= 3 ? ne : 1;
    double d2 = p->zero >= 2 ? nd : 1, e2 = p->zero >= 2 ? ne : 1;
    double d1 = p->zero >= 1 ? nd : 1, e1 = p->zero >= 1 ? ne : 1;
    *weights = e * (dense / d3 + expert / e3);
    *grads = e * (dense / d2 + expert / e2);
    *optimizer = WL_ADAM_STATE_BYTES * (dense / d1 + expert / e1);
}

sim_err_t wl_train_memory_stage(const wl_model_t *m, const wl_parallel_t *p,
                                int stage, double reserve,
                                wl_train_memory_t *out, sim_diag_t *diag)
{
    memset(out, 0, sizeof *out);
    if (stage < 0 || stage >= p->pp)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "stage %d outside 0..%d", stage, p->pp - 1);
    out->stage = stage;
    stage_params(m, p, stage, &out->params, &out->expert_params);

    wl_model_state_bytes(out->params - out->expert_params,
                         out->expert_params, p, &out->weights, &out->grads,
                         &out->optimizer);

    sim_err_t err = in_flight(m, p, stage, &out->activations, diag);
    if (err != SIM_OK)
        return err;
    double e = p->dtype_bytes, t = p->tp;
    double s = (double)p->seq_len / p->cp, b = p->micro_batch;
    double h = m->hidden;
    if (stage == p->pp - 1)
        out->logits = 4.0 * s * b * (double)wl_model_padded_vocab(m, p->tp) /
                      t;
    double ffn = (double)m->ffn_hidden;
    if (m->experts > 0 && m->top_k * (double)m->moe_ffn_hidden > ffn)
        ffn = m->top_k * (double)m->moe_ffn_hidden;
    double gates = m->activation == WL_ACT_SWIGLU ? 2 : 1;
    out->temporary = e * s * b * (h + gates * ffn / t);
    if (p->zero >= 3) {
        /* two layers gathered at once: the running one and a prefetch */
        wl_model_params_t pc;
        wl_model_params(m, &pc);
        double layer = pc.attn_layer + pc.dense_mlp_layer;
        if (m->experts > 0)
            layer = pc.attn_layer + pc.moe_layer -
                    m->experts * pc.expert * (1 - 1.0 / p->ep);
        out->comm_buffers = 2 * e * layer / t;
    }
    out->reserve = reserve;
    out->total = out->weights + out->grads + out->optimizer +
                 out->activations + out->logits + out->temporary +
                 out->comm_buffers + out->reserve;
    return SIM_OK;
}

sim_err_t wl_train_memory_peak(const wl_model_t *m, const wl_parallel_t *p,
                               double reserve, wl_train_memory_t *out,
                               sim_diag_t *diag)
{
    wl_train_memory_t cur;
    for (int s = 0; s < p->pp; s++) {
        sim_err_t err = wl_train_memory_stage(m, p, s, reserve, &cur, diag);
        if (err != SIM_OK)
            return err;
        if (s == 0 || cur.total > out->total)
            *out = cur;
    }
    return SIM_OK;
}

sim_err_t wl_train_memory_check(const wl_train_memory_t *mem,
                                const wl_gpu_t *gpu, sim_diag_t *diag)
{
    if (mem->total <= gpu->memory_bytes)
        return SIM_OK;
    return sim_diag_set(
        diag, SIM_ERR_INFEASIBLE, NULL, 0, "parallel",
        "needs %.1f GiB per GPU (stage %d: weights %.1f, gradients %.1f, "
        "optimizer %.1f, activations %.1f, other %.1f GiB), %s has %.1f "
        "GiB; try more tp/pp, a higher zero stage or recompute",
        mem->total / GIB, mem->stage, mem->weights / GIB, mem->grads / GIB,
        mem->optimizer / GIB, mem->activations / GIB,
        (mem->logits + mem->temporary + mem->comm_buffers + mem->reserve) /
            GIB,
        gpu->name, gpu->memory_bytes / GIB);
}
