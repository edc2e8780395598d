/*
 * parallel.h — a training parallelism plan: degrees, batch sizes, ZeRO and
 * recomputation; its validation against a model and a GPU count; the
 * placement of ranks on GPUs and the GPU lists of every parallel group; and
 * the 1F1B / interleaved pipeline schedule of one stage.
 *
 * Megatron-LM's rules are followed (NVIDIA/Megatron-LM, megatron/core/
 * parallel_state.py and pipeline_parallel/schedules.py):
 *   - GPUs = TP x CP x PP x DP;
 *   - TP divides heads and kv_heads (query groups), ffn_hidden and
 *     moe_ffn_hidden;
 *   - CP: seq_len divisible by 2 x CP (load-balanced causal split);
 *   - EP ("MoE parallel folding", Megatron-Core >= 0.9): experts keep
 *     expert-TP = TP, and EP x EDP = DP x CP, so EP divides experts and
 *     DP x CP; EDP = DP x CP / EP is the expert-data-parallel degree;
 *   - MoE with TP > 1 needs SP (Megatron-Core refuses otherwise);
 *   - global_batch divisible by micro_batch x DP; gradient accumulation
 *     steps = global_batch / (micro_batch x DP);
 *   - interleaved schedule (virtual_stages > 1): micro-batches divisible
 *     by PP, and layers split into PP x virtual_stages chunks;
 *   - ZeRO-2/3 with PP > 1 refused (DeepSpeed's pipeline engine supports
 *     ZeRO stage <= 1; Megatron's distributed optimizer is ZeRO-1).
 * Layers need not divide evenly among chunks: the remainder goes one
 * layer each to the middle chunks (the first chunk carries the embedding
 * and the last the output head, so they are left lightest).
 *
 * Placement: rank r runs on GPU r.  The order (default tp-cp-pp-dp, first
 * = fastest varying) decomposes r into coordinates, so TP ranks are
 * neighbours and land in one NVLink domain when TP <= its size.
 *
 * Assumes: ranks and GPU ids fit in int.
 */
#ifndef WL_PARALLEL_H
#define WL_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "workloads/model_catalog.h"

typedef enum wl_recompute {
    WL_RECOMPUTE_NONE = 0,
    WL_RECOMPUTE_SELECTIVE, /* core attention only (Korthikanti et al.) */
    WL_RECOMPUTE_FULL       /* whole layer from its input */
} wl_recompute_t;

/* The four placement dimensions, in the order of wl_parallel_t.order. */
typedef enum wl_dim { WL_DIM_TP = 0, WL_DIM_CP, WL_DIM_PP, WL_DIM_DP } wl_dim_t;

/* Kinds of communication group. */
typedef enum wl_group_kind {
    WL_GROUP_TP = 0,
    WL_GROUP_CP,
    WL_GROUP_PP,    /* one pipeline: member j is stage j */
    WL_GROUP_DP,
    WL_GROUP_DPCP,  /* DP x CP: ranks holding the same dense weights
                       (gradient reduction, ZeRO sharding) */
    WL_GROUP_EP,    /* expert parallel: consecutive DPCP members */
    WL_GROUP_EDP,   /* expert data parallel: same experts */
    WL_GROUP_EMBED, /* first and last stage of a pipeline (tied
                       embedding gradients); empty when PP = 1 */
    WL_GROUP__COUNT
} wl_group_kind_t;

typedef struct wl_parallel {
    int gpus;
    int tp, pp, dp, cp, ep; /* dp 0 = derive from gpus */
    bool sp;                /* sequence parallel (needs tp > 1 to matter) */
    int zero;               /* 0..3; 3 = FSDP */
    int virtual_stages;     /* 1 = plain 1F1B */
    wl_recompute_t recompute;
    bool flash_attention;   /* fused attention: no s^2 activations */
    int micro_batch;
    int64_t global_batch;
    int seq_len;            /* sequence length trained (tokens) */
    double bucket_params;   /* gradient bucket size, parameters */
    int dtype_bytes;        /* weights/activations/gradients (2 = bf16) */
    bool fp8_gemm;          /* GEMMs in FP8 (train.dtype = fp8) */
    wl_dim_t order[4];      /* fastest-varying first */
    /* derived by wl_parallel_validate */
    int64_t grad_accum;     /* micro-batches per iteration per pipeline */
    int edp;                /* DP x CP / EP */
} wl_parallel_t;

/* Defaults: everything 1, dp derived, no SP, ZeRO 0, no recomputation,
 * flash attention, micro_batch 1, global_batch 0 (= micro_batch x dp),
 * bucket 40M parameters, 2-byte dtype, order tp-cp-pp-dp. */
void wl_parallel_init(wl_parallel_t *p);

/* Parse an order such as "tp-cp-pp-dp" (each of tp, cp, pp, dp once,
 * separated by '-').  SIM_ERR_INPUT naming what is wrong.  Cost: O(len). */
sim_err_t wl_parallel_parse_order(const char *text, wl_dim_t order[4],
                                  sim_diag_t *diag);

/*
 * Validate p against model m (validated) and fill the derived fields
 * (dp when 0, seq_len when 0 = m->seq_len, global_batch when 0,
 * grad_accum, edp).  Every rule in the header comment is checked; a
 * violation is SIM_ERR_RANGE with diag->key "parallel.<key>" or
 * "train.<key>" and a message giving the numbers.  Cost: O(1).
 */
sim_err_t wl_parallel_validate(wl_parallel_t *p, const wl_model_t *m,
                               sim_diag_t *diag);

/* Layers of pipeline chunk c (0 <= c < pp x virtual_stages, model order:
 * chunk c runs on stage c % pp as its virtual chunk c / pp), and the index
 * of its first layer.  Cost: O(1). */
int wl_parallel_chunk_layers(const wl_parallel_t *p, int layers, int c);
int wl_parallel_chunk_first_layer(const wl_parallel_t *p, int layers, int c);

/* Coordinates of a rank along the four dimensions (indexed by wl_dim_t),
 * and back.  Cost: O(1). */
void wl_parallel_coords(const wl_parallel_t *p, int rank, int coord[4]);
int wl_parallel_rank(const wl_parallel_t *p, const int coord[4]);

/* The GPU lists of every group of one kind: count groups of size each,
 * group g's members at ids[g * size + j] (GPU ids; PP groups in stage
 * order).  Groups are listed in order of their smallest GPU id. */
typedef struct wl_groups {
    int count, size;
    int *ids;
} wl_groups_t;

/* Fill *out with the groups of kind k (free with wl_groups_destroy).
 * p must be validated.  Returns SIM_OK or SIM_ERR_NOMEM.
 * Cost: O(gpus). */
sim_err_t wl_parallel_groups(const wl_parallel_t *p, wl_group_kind_t k,
                             wl_groups_t *out, sim_diag_t *diag);

/* Release a groups list; NULL or an empty one is a no-op. */
void wl_groups_destroy(wl_groups_t *g);

/* Short name of a group kind ("tp", "dpcp", ...); never NULL. */
const char *wl_group_name(wl_group_kind_t k);

/* One step of a stage's pipeline schedule. */
typedef struct wl_pipe_step {
    char pass;      /* 'F' forward or 'B' backward */
    int microbatch; /* 0-based */
    int chunk;      /* virtual chunk on this stage, 0-based */
} wl_pipe_step_t;

/*
 * The order in which stage `stage` runs forward and backward passes of
 * `microbatches` micro-batches over its `virtual_stages` chunks, as
 * Megatron-LM does: 1F1B (PipeDream-Flush; warm-up of pp - stage - 1
 * forwards) when virtual_stages == 1, the interleaved schedule otherwise
 * (warm-up (pp - stage - 1) x 2 + (v - 1) x pp forwards, or everything
 * when microbatches == pp).  out must hold 2 x microbatches x
 * virtual_stages steps.  SIM_ERR_RANGE (diag says why) for sizes < 1,
 * stage outside 0..pp-1, or interleaving with microbatches not a multiple
 * of pp.  Cost: O(microbatches x virtual_stages).
 */
sim_err_t wl_pipeline_schedule(int pp, int microbatches, int virtual_stages,
                               int stage, wl_pipe_step_t *out,
                               sim_diag_t *diag);

#endif /* WL_PARALLEL_H */
