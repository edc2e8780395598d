/*
 * perf.c — iteration time and KV sizing of an LLM replica (see perf.h).
 *
 * Built-in shapes are copied from the models' Hugging Face config.json
 * files: meta-llama/Meta-Llama-3-8B and -70B (num_hidden_layers,
 * hidden_size, num_attention_heads, num_key_value_heads,
 * intermediate_size, vocab_size), meta-llama/Llama-2-7b-hf,
 * Qwen/Qwen2.5-14B and Qwen/Qwen3-32B (head_dim 128 from config.json;
 * Qwen3's 64 x 128 query width exceeds its hidden size 5120).
 *
 * qwen3-30b-a3b (MoE): Qwen/Qwen3-30B-A3B(-Instruct-2507) config.json —
 * num_hidden_layers 48, hidden_size 2048, num_attention_heads 32,
 * num_key_value_heads 4, head_dim 128, num_experts 128,
 * num_experts_per_tok 8, moe_intermediate_size 768, vocab_size 151936,
 * tie_word_embeddings false, decoder_sparse_step 1 with no mlp_only_layers
 * (every layer is MoE, no shared expert).  Heads, KV heads, vocab and
 * intermediate_size 6144 as LLMServingSim's profiler records them for this
 * model (profiler/perf/RTXPRO6000/Qwen/Qwen3-30B-A3B-Instruct-2507/bf16/
 * meta.yaml, hf_overrides); the rest from public copies of the config
 * found through the project's search tool, and 48 layers, 32 Q / 4 KV
 * heads, 128 experts with 8 active from the model card.  The
 * counted size, 30.53 B total and 3.35 B active, matches the model card's
 * 30.5 B / 3.3 B.  ffn_hidden holds intermediate_size (6144 = 8 × 768);
 * no layer uses it, it only sizes the activation reserve.
 */
#include "sim/serve/perf.h"

#include <stdlib.h>

#include <math.h>
#include <string.h>
#include <strings.h>

#include "sim/compute/roofline.h"

#define ACT_BYTES 2.0 /* BF16 activations and KV cache */

static const sim_serve_model_t builtin[] = {
    {"llama3-8b", 32, 4096, 32, 8, 128, 14336, 128256, 1, 0, 0.0, 0, 0, 0},
    {"llama3-70b", 80, 8192, 64, 8, 128, 28672, 128256, 1, 0, 0.0, 0, 0, 0},
    {"llama2-7b", 32, 4096, 32, 32, 128, 11008, 32000, 1, 0, 0.0, 0, 0, 0},
    {"qwen2.5-14b", 48, 5120, 40, 8, 128, 13824, 152064, 1, 0, 0.0, 0, 0, 0},
    {"qwen3-32b", 64, 5120, 64, 8, 128, 25600, 151936, 1, 0, 0.0, 0, 0, 0},
    {"qwen3-30b-a3b", 48, 2048, 32, 4, 128, 6144, 151936, 1, 0, 0.0,
     128, 8, 768},
};

sim_err_t sim_serve_model_builtin(const char *name, sim_serve_model_t *out,
                                  sim_diag_t *diag)
{
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcasecmp(name, builtin[i].name) == 0) {
            *out = builtin[i];
            return SIM_OK;
        }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "service.model",
                        "unknown model '%s': built-in shapes are "
                        "llama3-8b, llama3-70b, llama2-7b, qwen2.5-14b, "
                        "qwen3-32b, qwen3-30b-a3b",
                        name);
}

sim_err_t sim_serve_model_check(const sim_serve_model_t *m,
                                sim_diag_t *diag)
{
    if (m->layers < 1 || m->hidden < 1 || m->heads < 1 || m->kv_heads < 1 ||
        m->head_dim < 1 || m->ffn_hidden < 1 || m->vocab < 1 ||
        m->heads % m->kv_heads != 0 || m->params < 0.0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "service.model",
                            "model shape needs positive sizes and heads "
                            "divisible by kv_heads (layers %lld, hidden "
                            "%lld, heads %lld, kv_heads %lld)",
                            (long long)m->layers, (long long)m->hidden,
                            (long long)m->heads, (long long)m->kv_heads);
    if (m->experts < 0 ||
        (m->experts > 0 && !(m->top_k >= 1 && m->top_k <= m->experts &&
                             m->expert_ffn >= 1)))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "service.model",
                            "an MoE shape needs 1 <= top_k <= experts and "
                            "expert_ffn >= 1 (experts %lld, top_k %lld, "
                            "expert_ffn %lld)",
                            (long long)m->experts, (long long)m->top_k,
                            (long long)m->expert_ffn);
    return SIM_OK;
}

double sim_serve_model_expert_params(const sim_serve_model_t *m)
{
    if (m->experts <= 0)
        return 0.0;
    return (double)m->layers * (double)m->experts *
           (m->gated_ffn ? 3.0 : 2.0) * (double)m->hidden *
           (double)m->expert_ffn;
}

double sim_serve_moe_experts_touched(int64_t experts, int64_t top_k,
                                     double tokens)
{
    if (experts <= 0 || !(tokens > 0.0))
        return 0.0;
    double miss = 1.0 - (double)top_k / (double)experts;
    return (double)experts * (1.0 - pow(miss, tokens));
}

double sim_serve_model_params(const sim_serve_model_t *m)
{
    if (m->params > 0.0)
        return m->params;
    double h = (double)m->hidden, hd = (double)m->head_dim;
    double attn = h * (double)(m->heads + 2 * m->kv_heads) * hd +
                  (double)m->heads * hd * h;
    double mlp = (m->gated_ffn ? 3.0 : 2.0) * h * (double)m->ffn_hidden;
    if (m->experts > 0) /* router + experts (per layer) */
        mlp = h * (double)m->experts +
              sim_serve_model_expert_params(m) / (double)m->layers;
    double emb = (m->tied_embed ? 1.0 : 2.0) * (double)m->vocab * h;
    return (double)m->layers * (attn + mlp + 2.0 * h) + emb;
}

double sim_serve_tp_allreduce_s(double bytes, int k, double bw,
                                double latency_s)
{
    if (k <= 1 || !(bytes > 0.0))
        return 0.0;
    return 2.0 * (double)(k - 1) / (double)k * bytes / bw + latency_s;
}

sim_err_t sim_serve_ar_curve_check(const sim_serve_ar_curve_t *c,
                                   sim_diag_t *diag)
{
    if (c->n == 0)
        return SIM_OK;
    if (c->n < 1 || c->n > SIM_SERVE_AR_MAX || c->ranks < 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "service.ar_curve",
                            "an all-reduce curve needs 1 to %d samples "
                            "measured on >= 2 ranks (got %d samples, %d "
                            "ranks)",
                            SIM_SERVE_AR_MAX, c->n, c->ranks);
    for (int i = 0; i < c->n; i++)
        if (!(c->bytes[i] > 0.0 && isfinite(c->bytes[i]) && c->s[i] > 0.0 &&
              isfinite(c->s[i])) ||
            (i > 0 && !(c->bytes[i] > c->bytes[i - 1])))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "service.ar_curve",
                                "all-reduce sample %d: bytes must be > 0 "
                                "and strictly ascending, times > 0 "
                                "(bytes %g, %g s)",
                                i + 1, c->bytes[i], c->s[i]);
    return SIM_OK;
}

double sim_serve_ar_curve_s(const sim_serve_ar_curve_t *c, double bytes)
{
    int n = c->n;
    if (n == 1 || bytes <= c->bytes[0])
        return c->s[0];
    if (bytes >= c->bytes[n - 1]) {
        double slope = (c->s[n - 1] - c->s[n - 2]) /
                       (c->bytes[n - 1] - c->bytes[n - 2]);
        return c->s[n - 1] + (slope > 0.0 ? slope : 0.0) *
                                 (bytes - c->bytes[n - 1]);
    }
    int lo = 0, hi = n - 1; /* bytes[lo] < bytes < bytes[hi] or equal */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (c->bytes[mid] <= bytes)
            lo = mid;
        else
            hi = mid;
    }
    double f = (bytes - c->bytes[lo]) / (c->bytes[hi] - c->bytes[lo]);
    return c->s[lo] + f * (c->s[hi] - c->s[lo]);
}

double sim_serve_perf_allreduce_s(const sim_serve_perf_t *p, double bytes)
{
    if (p->tp <= 1 || !(bytes > 0.0))
        return 0.0;
    if (p->ar_curve.n > 0 && p->ar_curve.ranks == p->tp)
        return sim_serve_ar_curve_s(&p->ar_curve, bytes);
    return sim_serve_tp_allreduce_s(bytes, p->tp, p->nvlink_bw,
                                    p->nvlink_latency_s);
}

/*
 * Why a fitted FP8 e_max may raise the BF16 one.  In the tile model
 * (sim/compute/fit.h) a k-step is 128 bytes of K for both dtypes and e_max
 * is the fraction of the dense tensor rate sustained inside it; on Hopper
 * FP8 and BF16 run on the same tensor cores at a 2:1 rate (PipeWeave
 * hardware/H20.json: tcFp8 2048, tcBf16 1024 FLOP/clk/SM).  Wherever both
 * have been measured on one chip, the FP8 fraction is at most the BF16
 * one: H100 SXM torch.matmul best shapes 70.9% FP8 vs 80.3% BF16, GH200
 * 77.6% vs 83.8%, B200 76.3% vs 77.6% (stas00/ml-engineering MAMF tables;
 * research notes kernel-timings.md 7a).  So the fitted FP8 e_max is a
 * floor for BF16: it raises the 0.75 default when higher (H20: ~0.94 from
 * PipeWeave's FP8 GEMMs, a chip whose 78 SMs each have a quarter of the
 * H100's tensor rate and so run near their peak) and never lowers it.
 * Only e_max moves: the schedule terms (iter_s, split_s, tile_s, wave,
 * l2_GBps, mem_eff) describe the FP8 library's kernels (PipeWeave's FP8
 * kernel does not split K: an 8x5120x6912 GEMM takes 66 us on the H20,
 * 13% of HBM bandwidth), not the BF16 ones.
 */
int sim_serve_perf_half_from_fp8(sim_compute_profile_t *p)
{
    const sim_compute_gemm_curve_t *f8 = &p->gemm[SIM_COMPUTE_FP8];
    int raised = 0;
    if (!f8->fitted || !(p->sm_count > 0.0))
        return 0;
    for (int d = SIM_COMPUTE_BF16; d <= SIM_COMPUTE_FP16; d++) {
        sim_compute_gemm_curve_t *c = &p->gemm[d];
        if (c->fitted || !(p->peak_tflops[d] > 0.0) ||
            p->peak_tflops[SIM_COMPUTE_FP8] != 2.0 * p->peak_tflops[d] ||
            !(f8->e_max > c->e_max))
            continue;
        c->e_max = f8->e_max;
        raised = 1;
    }
    return raised;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

/* Roofline time of one GEMM; negative on failure. */
static double gemm_s(const sim_serve_perf_t *p, int64_t m, int64_t n,
                     int64_t k)
{
    if (m <= 0)
        return 0.0;
    return sim_compute_gemm_time(&p->profile, m, n, k, p->dtype);
}

static double attn_s(const sim_serve_perf_t *p, int64_t batch, int64_t q,
                     int64_t kv, int decode)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_ATTENTION};
    sim_compute_estimate_t e;
    int k = p->tp;
    op.u.attn.batch = batch;
    op.u.attn.heads = ceil_div(p->model.heads, k);
    op.u.attn.kv_heads = ceil_div(p->model.kv_heads, k);
    op.u.attn.q_len = q;
    op.u.attn.kv_len = kv;
    op.u.attn.head_dim = p->model.head_dim;
    op.u.attn.causal = !decode;
    op.u.attn.decode = decode;
    op.u.attn.dtype = SIM_COMPUTE_BF16;
    if (sim_compute_estimate(&p->profile, &op, &e, NULL) != SIM_OK)
        return -1.0;
    return e.time_s;
}

static double norm_s(const sim_serve_perf_t *p, int64_t rows)
{
    sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_NORM};
    sim_compute_estimate_t e;
    op.u.norm.rows = rows;
    op.u.norm.hidden = p->model.hidden;
    op.u.norm.rms = 1;
    op.u.norm.dtype = SIM_COMPUTE_BF16;
    if (sim_compute_estimate(&p->profile, &op, &e, NULL) != SIM_OK)
        return -1.0;
    return e.time_s;
}

/* The parts of one layer's time that depend only on the batch's token
 * count t: the four GEMMs (for MoE: QKV, output projection and the router;
 * the experts are in moe_experts_s), two norms, two TP all-reduces and,
 * with EP, the dispatch and combine all-to-alls of the t tokens.
 * Negative when the profile cannot price an op. */
static double dense_layer_s(const sim_serve_perf_t *p, int64_t t)
{
    const sim_serve_model_t *m = &p->model;
    int k = p->tp;
    int64_t hq = ceil_div(m->heads, k);
    int64_t hkv = ceil_div(m->kv_heads, k), ffn = ceil_div(m->ffn_hidden, k);
    int moe = m->experts > 0;
    double g[4] = {
        gemm_s(p, t, (hq + 2 * hkv) * m->head_dim, m->hidden),
        gemm_s(p, t, m->hidden, hq * m->head_dim),
        moe ? gemm_s(p, t, m->experts, m->hidden)
            : gemm_s(p, t, (m->gated_ffn ? 2 : 1) * ffn, m->hidden),
        moe ? 0.0 : gemm_s(p, t, m->hidden, ffn),
    };
    double layer = 0.0;
    for (int i = 0; i < 4; i++) {
        if (g[i] < 0.0)
            return -1.0;
        layer += g[i];
    }
    double norm = norm_s(p, t);
    if (norm < 0.0)
        return -1.0;
    layer += 2.0 * norm;
    layer += 2.0 * sim_serve_perf_allreduce_s(p, (double)t * (double)m->hidden * ACT_BYTES);
    if (moe)
        layer += 2.0 * sim_serve_perf_alltoall_s(p, sim_serve_moe_a2a_bytes(p, t));
    return layer;
}

static int ep_of(const sim_serve_perf_t *p)
{
    return p->ep > 1 ? p->ep : 1;
}

/* The grouped up(+gate) and down GEMMs of `rows` rows per touched expert
 * (whole rows). */
static double grouped_s(const sim_serve_perf_t *p, int64_t rows,
                        int64_t n_up, int64_t n_down, int64_t f)
{
    double up = gemm_s(p, rows, n_up, p->model.hidden);
    double down = gemm_s(p, rows, n_down, f);
    return up < 0.0 || down < 0.0 ? -1.0 : up + down;
}

/* One rank's expert GEMMs in one MoE layer when its EP group runs g
 * tokens: a grouped GEMM (perf.h) for the up(+gate) projection and one
 * for the down projection over its touched experts.  The touched columns
 * round to the nearest whole one; a fractional row count per expert
 * interpolates linearly between the whole counts around it.  Negative
 * when the profile cannot price a GEMM. */
static double moe_experts_s(const sim_serve_perf_t *p, int64_t g)
{
    const sim_serve_model_t *m = &p->model;
    if (g <= 0 || m->experts <= 0)
        return 0.0;
    double ep = (double)ep_of(p);
    double touched = sim_serve_moe_experts_touched(m->experts, m->top_k,
                                                   (double)g) / ep;
    double rows = (double)g * (double)m->top_k / ep / touched;
    int64_t f = ceil_div(m->expert_ffn, p->tp);
    int64_t n_up = llround(touched * (double)((m->gated_ffn ? 2 : 1) * f));
    int64_t n_down = llround(touched * (double)m->hidden);
    int64_t lo = (int64_t)floor(rows);
    double frac = rows - (double)lo;
    if (n_up < 1)
        n_up = 1;
    if (n_down < 1)
        n_down = 1;
    if (lo < 1) {
        lo = 1;
        frac = 0.0;
    }
    double t = grouped_s(p, lo, n_up, n_down, f);
    if (t < 0.0 || !(frac > 0.0))
        return t;
    double t1 = grouped_s(p, lo + 1, n_up, n_down, f);
    return t1 < 0.0 ? -1.0 : t + frac * (t1 - t);
}

double sim_serve_moe_weight_bytes(const sim_serve_perf_t *p,
                                  int64_t group_tokens)
{
    const sim_serve_model_t *m = &p->model;
    if (group_tokens <= 0 || m->experts <= 0)
        return 0.0;
    double touched = sim_serve_moe_experts_touched(m->experts, m->top_k,
                                                   (double)group_tokens) /
                     (double)ep_of(p);
    return touched * (m->gated_ffn ? 3.0 : 2.0) * (double)m->hidden *
           (double)ceil_div(m->expert_ffn, p->tp) *
           sim_compute_dtype_bytes(p->dtype);
}

double sim_serve_moe_a2a_bytes(const sim_serve_perf_t *p, int64_t tokens)
{
    const sim_serve_model_t *m = &p->model;
    int ep = ep_of(p);
    if (ep <= 1 || tokens <= 0 || m->experts <= 0)
        return 0.0;
    /* P(none of a token's k experts on a given remote rank) =
     * C(E − E/ep, k) / C(E, k) */
    double none = 1.0, e = (double)m->experts, away = e - e / (double)ep;
    for (int64_t i = 0; i < m->top_k; i++)
        none *= (away - (double)i) > 0.0 ? (away - (double)i) / (e - (double)i)
                                         : 0.0;
    return (double)tokens * (double)m->hidden * ACT_BYTES *
           (double)(ep - 1) * (1.0 - none);
}

double sim_serve_perf_alltoall_s(const sim_serve_perf_t *p, double bytes)
{
    int ep = ep_of(p);
    if (ep <= 1 || !(bytes > 0.0))
        return 0.0;
    double ar_bytes = bytes * (double)ep / (2.0 * (double)(ep - 1));
    if (p->ar_curve.n > 0 && p->ar_curve.ranks == ep)
        return sim_serve_ar_curve_s(&p->ar_curve, ar_bytes);
    return sim_serve_tp_allreduce_s(ar_bytes, ep, p->nvlink_bw,
                                    p->nvlink_latency_s);
}

/* The LM head for n sequences emitting a token. */
static double head_s(const sim_serve_perf_t *p, int64_t n)
{
    return gemm_s(p, n, ceil_div(p->model.vocab, p->tp), p->model.hidden);
}

/* v[i] from the memo, computing and keeping it on a miss (NaN = unset);
 * values past the memo's reach are computed without keeping them. */
static double memo_get(double **v, int64_t *cap, int64_t i, double (*f)(const sim_serve_perf_t *, int64_t),
                       const sim_serve_perf_t *p)
{
    if (i >= SIM_SERVE_MEMO_MAX)
        return f(p, i);
    if (i >= *cap) {
        int64_t ncap = *cap > 0 ? *cap : 256;
        while (ncap <= i)
            ncap *= 2;
        if (ncap > SIM_SERVE_MEMO_MAX)
            ncap = SIM_SERVE_MEMO_MAX;
        double *nv = realloc(*v, (size_t)ncap * sizeof *nv);
        if (nv == NULL)
            return f(p, i);
        for (int64_t j = *cap; j < ncap; j++)
            nv[j] = NAN;
        *v = nv;
        *cap = ncap;
    }
    if (isnan((*v)[i]))
        (*v)[i] = f(p, i);
    return (*v)[i];
}

static double step_time(const sim_serve_perf_t *p, sim_serve_step_memo_t *memo,
                        const sim_serve_batch_shape_t *b)
{
    const sim_serve_model_t *m = &p->model;
    int64_t t = b->n_decode;
    double layer, part;

    for (int64_t i = 0; i < b->n_prefill; i++)
        t += b->chunk[i];
    if (t <= 0)
        return 0.0;
    layer = memo != NULL ? memo_get(&memo->dense, &memo->dense_cap, t, dense_layer_s, p)
                         : dense_layer_s(p, t);
    if (layer < 0.0)
        return -1.0;
    if (m->experts > 0) {
        int64_t g = b->group_tokens > 0 ? b->group_tokens : t;
        part = memo != NULL ? memo_get(&memo->moe, &memo->moe_cap, g, moe_experts_s, p)
                            : moe_experts_s(p, g);
        if (part < 0.0)
            return -1.0;
        layer += part;
    }
    if (b->n_decode > 0) {
        part = attn_s(p, b->n_decode, 1,
                      ceil_div(b->decode_ctx_sum, b->n_decode), 1);
        if (part < 0.0)
            return -1.0;
        layer += part;
    }
    for (int64_t i = 0; i < b->n_prefill; i++) {
        part = attn_s(p, 1, b->chunk[i], b->ctx_end[i], 0);
        if (part < 0.0)
            return -1.0;
        layer += part;
    }
    double head = memo != NULL ? memo_get(&memo->head, &memo->head_cap, b->n_logits, head_s, p)
                               : head_s(p, b->n_logits);
    if (head < 0.0)
        return -1.0;
    return (double)m->layers * layer + head + p->step_overhead_s;
}

double sim_serve_step_time(const sim_serve_perf_t *p,
                           const sim_serve_batch_shape_t *b)
{
    return step_time(p, NULL, b);
}

double sim_serve_step_time_memo(const sim_serve_perf_t *p, sim_serve_step_memo_t *memo,
                                const sim_serve_batch_shape_t *b)
{
    return step_time(p, memo, b);
}

void sim_serve_step_memo_destroy(sim_serve_step_memo_t *memo)
{
    if (memo == NULL)
        return;
    free(memo->dense);
    free(memo->head);
    free(memo->moe);
    memset(memo, 0, sizeof *memo);
}

double sim_serve_weight_bytes_per_gpu(const sim_serve_perf_t *p)
{
    const sim_serve_model_t *m = &p->model;
    double params = sim_serve_model_params(m);
    double bytes = sim_compute_dtype_bytes(p->dtype);
    if (m->experts <= 0 || ep_of(p) <= 1)
        return params * bytes / (double)p->tp;
    double experts = sim_serve_model_expert_params(m);
    return ((params - experts) + experts / (double)ep_of(p)) * bytes /
           (double)p->tp;
}

double sim_serve_kv_bytes_per_token(const sim_serve_model_t *m, int tp)
{
    return 2.0 * (double)m->layers * (double)ceil_div(m->kv_heads, tp) *
           (double)m->head_dim * ACT_BYTES;
}

int64_t sim_serve_kv_blocks(const sim_serve_perf_t *p, double mem_bytes,
                            double util, double act_reserve_bytes,
                            int64_t max_batched_tokens,
                            int64_t block_tokens)
{
    const sim_serve_model_t *m = &p->model;
    double weights = sim_serve_weight_bytes_per_gpu(p);
    if (act_reserve_bytes < 0.0)
        act_reserve_bytes = (double)max_batched_tokens *
                            (4.0 * (double)m->hidden +
                             2.0 * (double)ceil_div(m->ffn_hidden, p->tp)) *
                            ACT_BYTES;
    double kv = mem_bytes * util - weights - act_reserve_bytes;
    double per_block = sim_serve_kv_bytes_per_token(m, p->tp) *
                       (double)block_tokens;
    if (!(kv > 0.0) || !(per_block > 0.0))
        return 0;
    return (int64_t)floor(kv / per_block);
}
