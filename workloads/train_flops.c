/*
 * train_flops.c — model and hardware FLOPs of training (see train_flops.h).
 */
#include "workloads/train_flops.h"

/* Matmul weights one token passes through in the transformer layers
 * (attention projections, MLP or active experts, router). */
static double layer_matmul_params(const wl_model_t *m)
{
    wl_model_params_t pc;
    wl_model_params(m, &pc);
    double h = m->hidden;
    /* strip norms and biases from the per-layer counts */
    double norm = m->norm == WL_NORM_LAYER ? 2 * h : h;
    double attn = pc.attn_layer - norm;
    double q = (double)wl_model_q_dim(m), k = (double)wl_model_k_dim(m),
           v = (double)wl_model_v_dim(m);
    if (m->bias != WL_BIAS_NONE)
        attn -= q + k + v;
    if (m->bias == WL_BIAS_ALL)
        attn -= h;
    if (m->kv_lora_rank > 0)
        attn -= m->kv_lora_rank + m->q_lora_rank; /* MLA's inner norms */
    double mats = m->activation == WL_ACT_SWIGLU ? 3 : 2;
    double dense = mats * h * (double)m->ffn_hidden;
    double expert = mats * h * (double)m->moe_ffn_hidden;
    double moe = h * m->experts + (m->top_k + m->shared_experts) * expert;
    double sum = 0;
    for (int l = 0; l < m->layers; l++)
        sum += attn + (wl_model_layer_is_moe(m, l) ? moe : dense);
    return sum;
}

/* Forward FLOPs per token of the attention core of all layers:
 * QK^T (2·s·heads·d_qk) and AV (2·s·heads·d_v), non-causal. */
static double attn_core_fwd(const wl_model_t *m, int seq_len)
{
    double dqk = (double)wl_model_q_dim(m) / m->heads;
    double dv = (double)wl_model_o_dim(m) / m->heads;
    return 2.0 * m->layers * (double)seq_len * m->heads * (dqk + dv);
}

double wl_model_flops_per_token(const wl_model_t *m, int seq_len)
{
    double head = (double)m->vocab * m->hidden;
    return 6 * (layer_matmul_params(m) + head) +
           3 * attn_core_fwd(m, seq_len);
}

double wl_train_flops_per_token(const wl_model_t *m, int seq_len,
                                wl_recompute_t rc)
{
    double f = wl_model_flops_per_token(m, seq_len);
    if (rc == WL_RECOMPUTE_SELECTIVE)
        f += attn_core_fwd(m, seq_len);
    else if (rc == WL_RECOMPUTE_FULL)
        f += 2 * layer_matmul_params(m) + attn_core_fwd(m, seq_len);
    return f;
}

double wl_megatron_flops_per_iteration(double batch, double seq_len,
                                       double layers, double hidden,
                                       double vocab)
{
    return 96.0 * batch * seq_len * layers * hidden * hidden *
           (1.0 + seq_len / (6.0 * hidden) +
            vocab / (16.0 * layers * hidden));
}
