/*
 * perf.h — the time of one continuous-batching iteration of an LLM replica,
 * and the memory that sizes its KV cache.
 *
 * One iteration processes, for every scheduled sequence, some new tokens:
 * a chunk of its prompt (prefill) or the one token it generated last
 * (decode).  Per transformer layer, on each of the replica's k tensor-
 * parallel GPUs (Megatron-style TP: heads and FFN columns split k ways):
 *   QKV, output-projection, FFN-up(+gate) and FFN-down GEMMs over all T new
 *   tokens of the batch (compute-bound for prefill, weight-read-bound for
 *   decode: the roofline decides), attention per prefill chunk (causal,
 *   over its context) plus one batched decode attention (KV reads), two
 *   RMSNorms, and two TP all-reduces of T × hidden activations (one after
 *   attention, one after the MLP: Shoeybi et al., "Megatron-LM", 2019,
 *   §3).  Times come from sim/compute's roofline; the step is layers × the
 *   per-layer sum, plus the LM head over the sequences that emit a token,
 *   plus a fixed per-step overhead.
 *
 * The all-reduce time sits behind one function (sim_serve_perf_allreduce_s):
 * a curve of all-reduce times measured on the replica's own TP group when
 * one is given (sim_serve_ar_curve_t, interpolated between its sizes), else
 * a ring, 2(k−1)/k · bytes / bw + latency (Patarasuk & Yuan, "Bandwidth
 * optimal all-reduce algorithms", JPDC 2009); the collective model will
 * replace the ring.  Why a curve: one α-β pair cannot follow NCCL across
 * its protocol changes (a PCIe pair measured 16 us at 10 KiB, 43 us at
 * 544 KiB and 1.31 ms at 20 MiB: no single latency and bandwidth fit all
 * three within 25%), and a TP step's all-reduces span that whole range.
 *
 * Mixture-of-experts models (experts > 0): every layer's MLP is a router
 * GEMM (T × experts × hidden) and `experts` gated expert MLPs of width
 * expert_ffn, each token going to top_k distinct experts.  The experts are
 * sharded over an expert-parallel group of `ep` ranks (vLLM DP+EP: each
 * rank is a whole replica, attention replicated, experts split), and each
 * rank's experts serve the tokens of the whole group this step
 * (group_tokens).  Routing is taken as uniform and independent per token:
 * T tokens touch E·(1 − (1 − k/E)^T) distinct experts in expectation
 * (a given expert is missed by one token with probability 1 − k/E), and
 * the T·k/ep routed rows a rank receives spread evenly over its touched
 * experts.  The expert GEMMs of a rank are priced as one grouped GEMM: M =
 * rows per touched expert, N = touched experts × their columns, K as one
 * expert (same FLOPs and weight bytes as the per-expert GEMMs, the tile
 * efficiency of the per-expert M; vLLM's fused MoE kernel is one launch;
 * a fractional M interpolates between the whole counts around it).  With
 * tp > 1 (ep 1) each expert's columns split tp ways, as in vLLM's TP MoE.
 * So a small decode batch reads only the experts it touches, and a large
 * one approaches reading all local experts.  With ep > 1 each MoE layer
 * adds two all-to-alls (dispatch before the experts, combine after) of
 * the rank's own tokens (sim_serve_moe_a2a_bytes), priced on the
 * all-reduce curve or link by sim_serve_perf_alltoall_s.  Real routing is
 * skewed, which touches fewer experts per token but loads some ranks more:
 * not modelled.
 *
 * Assumes: a decoder-only transformer with a gated (SwiGLU) MLP and
 * untied embeddings unless gated_ffn / tied say otherwise; MoE layers with
 * gated experts and no shared expert; activations and KV cache in BF16;
 * weights in the service dtype.
 */
#ifndef SIM_SERVE_PERF_H
#define SIM_SERVE_PERF_H

#include <stdint.h>

#include "sim/compute/profile.h"
#include "sim/core/error.h"

/* Model shape (the model catalog fills this later). */
typedef struct sim_serve_model {
    char name[64];
    int64_t layers, hidden, heads, kv_heads, head_dim, ffn_hidden, vocab;
    int gated_ffn;   /* 1: SwiGLU (gate + up + down), 0: up + down */
    int tied_embed;  /* 1: the LM head shares the embedding */
    double params;   /* total parameters; 0 = computed from the shape */
    int64_t experts;    /* MoE: routed experts per layer; 0 = dense MLP */
    int64_t top_k;      /* MoE: experts per token */
    int64_t expert_ffn; /* MoE: each expert's intermediate width */
} sim_serve_model_t;

/* Fill *out with a built-in shape: "llama3-8b", "llama3-70b", "llama2-7b",
 * "qwen2.5-14b", "qwen3-32b", "qwen3-30b-a3b" (MoE; case-insensitive).
 * Returns SIM_OK or SIM_ERR_NOTFOUND (diag lists the names).  O(1). */
sim_err_t sim_serve_model_builtin(const char *name, sim_serve_model_t *out,
                                  sim_diag_t *diag);

/* Check a shape: positive sizes, heads divisible by kv_heads; for MoE,
 * 1 <= top_k <= experts and expert_ffn >= 1.  Returns SIM_OK or
 * SIM_ERR_RANGE (key "service.model"). */
sim_err_t sim_serve_model_check(const sim_serve_model_t *m,
                                sim_diag_t *diag);

/* Parameters of m (m->params when set, else counted from the shape; for
 * MoE all experts count). */
double sim_serve_model_params(const sim_serve_model_t *m);

/* Parameters of m's routed experts (0 for a dense model).  O(1). */
double sim_serve_model_expert_params(const sim_serve_model_t *m);

/* Expected number of distinct experts, of `experts`, that `tokens` tokens
 * touch when each picks top_k distinct experts uniformly and
 * independently: experts · (1 − (1 − top_k/experts)^tokens).  0 when
 * tokens <= 0.  O(1). */
double sim_serve_moe_experts_touched(int64_t experts, int64_t top_k,
                                     double tokens);

/*
 * Measured all-reduce times of one TP group: n samples (n <=
 * SIM_SERVE_AR_MAX) of bytes (each rank's input, strictly ascending) and
 * seconds, taken on `ranks` GPUs.  n == 0: no curve.  Plain value.
 */
#define SIM_SERVE_AR_MAX 48
typedef struct sim_serve_ar_curve {
    int n;
    int ranks;
    double bytes[SIM_SERVE_AR_MAX];
    double s[SIM_SERVE_AR_MAX];
} sim_serve_ar_curve_t;

/* Check a curve: n in [1, SIM_SERVE_AR_MAX], ranks >= 2, bytes > 0 and
 * strictly ascending, times > 0 and finite.  n == 0 passes (no curve).
 * Returns SIM_OK or SIM_ERR_RANGE (key "service.ar_curve"). */
sim_err_t sim_serve_ar_curve_check(const sim_serve_ar_curve_t *c,
                                   sim_diag_t *diag);

/* Seconds of one all-reduce of `bytes` per rank on c (n >= 1): linear
 * between the two samples around bytes; below the smallest sample, its
 * time (the latency floor); above the largest, the last segment's slope
 * continued (its bandwidth; a falling last segment is held flat).  O(log n). */
double sim_serve_ar_curve_s(const sim_serve_ar_curve_t *c, double bytes);

/* The performance context of one replica.  Plain value. */
typedef struct sim_serve_perf {
    sim_serve_model_t model;
    sim_compute_profile_t profile;
    int tp;                     /* GPUs per replica, >= 1 */
    sim_compute_dtype_t dtype;  /* GEMM / weight dtype */
    double nvlink_bw;           /* bytes/s per GPU per direction */
    double nvlink_latency_s;    /* per all-reduce */
    sim_serve_ar_curve_t ar_curve; /* measured all-reduce times; used
                                      instead of the ring when its ranks
                                      == tp (n == 0: none) */
    double step_overhead_s;     /* fixed cost per iteration (scheduler) */
    int ep;                     /* MoE: expert-parallel ranks sharing the
                                   experts (DP ranks); <= 1: none; must
                                   divide model.experts */
} sim_serve_perf_t;

/* What one iteration processes. */
typedef struct sim_serve_batch_shape {
    int64_t n_decode;        /* sequences decoding one token */
    int64_t decode_ctx_sum;  /* sum of their context lengths (incl. the
                                new token) */
    int64_t n_prefill;       /* prefill chunks */
    const int64_t *chunk;    /* tokens of each chunk */
    const int64_t *ctx_end;  /* context after each chunk (past + chunk) */
    int64_t n_logits;        /* sequences emitting a token this step */
    int64_t group_tokens;    /* MoE: new tokens of the whole EP group this
                                step (every rank's experts serve them);
                                <= 0: this batch's own */
} sim_serve_batch_shape_t;

/*
 * A memo of the parts of a step that depend only on token counts (a
 * layer's GEMMs, norms and TP all-reduces for t tokens; the LM head for n
 * logits), so a run that steps millions of times prices each distinct
 * count once.  Zero-initialise; sim_serve_step_memo_destroy frees it.
 * Counts from SIM_SERVE_MEMO_MAX up are computed without being kept.
 */
#define SIM_SERVE_MEMO_MAX 65536
typedef struct sim_serve_step_memo {
    double *dense, *head, *moe; /* NaN = not computed yet */
    int64_t dense_cap, head_cap, moe_cap;
} sim_serve_step_memo_t;

/*
 * Half-precision GEMM efficiency from a fitted FP8 curve.  For each of
 * BF16 and FP16 whose curve is not fitted, on a device with an SM count
 * (the tile model) whose FP8 dense peak is exactly twice the dtype's:
 * raise the curve's e_max to the fitted FP8 e_max when that is higher;
 * the rest of the curve keeps its values.  Why (perf.c): the fraction of
 * the dense peak a chip sustains in FP8 is a floor for the fraction it
 * sustains in BF16.  Returns 1 when a curve was raised, else 0.  p not
 * NULL.  O(1).
 */
int sim_serve_perf_half_from_fp8(sim_compute_profile_t *p);

/* Ring all-reduce time of bytes over k GPUs: 2(k−1)/k·bytes/bw + latency;
 * 0 when k <= 1 or bytes <= 0.  O(1). */
double sim_serve_tp_allreduce_s(double bytes, int k, double bw,
                                double latency_s);

/* One TP all-reduce of `bytes` per rank in replica p: 0 when p->tp <= 1
 * or bytes <= 0; p->ar_curve when it holds samples measured on p->tp
 * ranks; else the ring on nvlink_bw / nvlink_latency_s.  O(log n). */
double sim_serve_perf_allreduce_s(const sim_serve_perf_t *p, double bytes);

/* Expert weight bytes one rank reads in one MoE layer when its EP group
 * runs group_tokens tokens: the expected touched experts among its
 * experts/ep, each 3 · hidden · expert_ffn / tp weights (gated; 2 when
 * not) in the service dtype.  Rises with group_tokens to all local
 * experts' bytes.  0 for a dense model or group_tokens <= 0.  O(1). */
double sim_serve_moe_weight_bytes(const sim_serve_perf_t *p,
                                  int64_t group_tokens);

/* Bytes one rank sends in one MoE all-to-all (dispatch; combine sends the
 * same back) for its `tokens` tokens: each token's hidden vector (BF16)
 * once to every other rank that holds at least one of its top_k experts,
 * tokens · hidden · 2 · (ep − 1) · (1 − C(E − E/ep, k) / C(E, k)) (the
 * dispatch of DeepEP / pplx kernels; vLLM's all-gather / reduce-scatter
 * backend sends every token to every rank, the same within 0.4% for 128
 * experts, top-8, ep 2).  0 when ep <= 1, dense or tokens <= 0.  O(k). */
double sim_serve_moe_a2a_bytes(const sim_serve_perf_t *p, int64_t tokens);

/* One all-to-all in which each of the p->ep ranks sends `bytes`: an
 * all-reduce of B = bytes · ep / (2 (ep − 1)) per rank moves the same
 * bytes per rank in a ring (2 (ep − 1)/ep · B), so it is priced as that
 * all-reduce on p->ar_curve when its ranks == ep, else on the ring of
 * nvlink_bw / nvlink_latency_s (for ep 2, B = bytes).  The all-reduce's
 * two phases carry two latencies where an all-to-all has one: an
 * overestimate of one latency (~8 us on a PCIe pair).  0 when p->ep <= 1
 * or bytes <= 0.  O(log n). */
double sim_serve_perf_alltoall_s(const sim_serve_perf_t *p, double bytes);

/* Seconds of one iteration (see the top of this file), or a negative
 * value when the profile lacks the dtype's peak.  O(n_prefill). */
double sim_serve_step_time(const sim_serve_perf_t *p,
                           const sim_serve_batch_shape_t *b);

/* sim_serve_step_time through memo (same value, bit for bit). */
double sim_serve_step_time_memo(const sim_serve_perf_t *p, sim_serve_step_memo_t *memo,
                                const sim_serve_batch_shape_t *b);
void sim_serve_step_memo_destroy(sim_serve_step_memo_t *memo);

/* Weight bytes on one GPU of p's replica: the non-expert weights / tp plus
 * the expert weights / (tp · ep).  O(1). */
double sim_serve_weight_bytes_per_gpu(const sim_serve_perf_t *p);

/* KV-cache bytes per token on one GPU of a TP-k replica:
 * 2 (K and V) · layers · ceil(kv_heads / k) · head_dim · 2 (BF16). */
double sim_serve_kv_bytes_per_token(const sim_serve_model_t *m, int tp);

/*
 * KV blocks of block_tokens tokens per replica, as vLLM sizes them: per
 * GPU, mem_bytes · util − weights / tp − activation reserve, divided by
 * the bytes of one block (vLLM docs, gpu_memory_utilization default 0.9).
 * act_reserve_bytes < 0 means the default estimate
 * max_batched_tokens · (4·hidden + 2·ffn/tp) · 2 bytes (the live
 * activations of one layer's forward at the full token budget).  Returns
 * the block count (>= 0; 0 when the weights do not fit).  Weights per GPU
 * as sim_serve_weight_bytes_per_gpu (EP shards the experts).
 */
int64_t sim_serve_kv_blocks(const sim_serve_perf_t *p, double mem_bytes,
                            double util, double act_reserve_bytes,
                            int64_t max_batched_tokens,
                            int64_t block_tokens);

#endif /* SIM_SERVE_PERF_H */
