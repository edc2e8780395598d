/*
 * train_memory.h — memory per GPU of a training plan, and the check that
 * refuses plans that do not fit.
 *
 * Model states (Rajbhandari et al., "ZeRO: Memory Optimizations Toward
 * Training Trillion Parameter Models", SC'20, arXiv 1910.02054, §3.1 and
 * §5): mixed-precision Adam keeps 2Ψ bytes of 16-bit weights, 2Ψ of
 * 16-bit gradients and KΨ = 12Ψ of FP32 master weights, momentum and
 * variance.  ZeRO-1 shards the 12Ψ, ZeRO-2 the gradients too, ZeRO-3
 * (FSDP) the weights too, over the N_d data-parallel ranks (DP x CP for
 * dense weights, EDP for experts).  Ψ is the parameters this GPU holds:
 * its pipeline stage's, split by TP (and experts by EP).
 *
 * Activations (Korthikanti et al., "Reducing Activation Recomputation in
 * Large Transformer Models", MLSys'23, arXiv 2205.05198, §4): per layer
 * and micro-batch, with 2-byte activations, s sequence, b micro-batch,
 * h hidden, a heads, t TP:
 *   no parallelism             sbh(34 + 5as/h)
 *   TP                         sbh(10 + 24/t + 5as/(ht))
 *   TP + SP                    sbh/t (34 + 5as/h)
 *   TP + selective recompute   sbh(10 + 24/t)        (SP: 34sbh/t)
 *   full recompute             2sbh                  (SP: 2sbh/t)
 * The code computes these from their parts (10sbh of norm and projection
 * inputs and dropout masks that only SP shards; 24sbh of Q, K, V, the
 * out-projection input and the MLP intermediates that TP shards; 5as²b of
 * softmax and dropout), so GQA, SwiGLU (3 ffn-wide tensors), MoE (top_k
 * copies), MLA and models without dropout follow the same rules; for a
 * GPT layer the sums equal the formulas above exactly.  Fused (flash)
 * attention stores no s² tensors, like selective recomputation.
 * Micro-batches in flight per stage come from the pipeline schedule
 * (1F1B: pp - stage for the first stages; interleaved: more).
 * The last stage also holds FP32 logits, 4sbV/t (Korthikanti §4.3).
 *
 * Assumes: Adam in mixed precision; activations in the plan's dtype.
 */
#ifndef WL_TRAIN_MEMORY_H
#define WL_TRAIN_MEMORY_H

#include <stdbool.h>

#include "sim/core/error.h"
#include "workloads/hwcat.h"
#include "workloads/model_catalog.h"
#include "workloads/parallel.h"

/* Bytes per parameter of mixed-precision Adam's optimizer states (FP32
 * master weights, momentum, variance): K = 12 in the ZeRO paper §3.1. */
#define WL_ADAM_STATE_BYTES 12.0

/* Memory of one GPU of one pipeline stage, bytes. */
typedef struct wl_train_memory {
    int stage;
    double params;         /* parameters held before ZeRO sharding */
    double expert_params;  /* of which routed-expert parameters */
    double weights, grads, optimizer;
    double activations;    /* all micro-batches in flight */
    double logits;         /* FP32 logits (last stage) */
    double temporary;      /* gathered inputs and gradient scratch */
    double comm_buffers;   /* ZeRO-3 gathered layers */
    double reserve;        /* framework: CUDA context, NCCL, allocator */
    double total;
} wl_train_memory_t;

/*
 * Bytes of activations one micro-batch leaves for the backward pass in one
 * layer (moe: a MoE layer), for plan p (validated).  Cost: O(1).
 */
double wl_activation_bytes_per_layer(const wl_model_t *m,
                                     const wl_parallel_t *p, bool moe);

/* Korthikanti et al.'s closed forms (table above), bytes per layer.
 * Cost: O(1). */
double wl_korthikanti_activation(double s, double b, double h, double a,
                                 double t, bool sp, wl_recompute_t rc);

/* Model-state bytes of dense and expert parameters held by one GPU under
 * p's ZeRO stage: 16-bit weights and gradients (p->dtype_bytes each) and
 * 12 bytes of Adam states per parameter, sharded over DP x CP (dense) or
 * EDP (experts; DP x CP when p->edp is 0).  Cost: O(1). */
void wl_model_state_bytes(double dense, double expert,
                          const wl_parallel_t *p, double *weights,
                          double *grads, double *optimizer);

/*
 * Memory of one GPU of pipeline stage `stage` into *out.  reserve is the
 * framework reserve in bytes (train.memory_reserve).  m and p validated.
 * SIM_ERR_RANGE for a stage outside 0..pp-1, SIM_ERR_NOMEM.
 * Cost: O(grad_accum x virtual_stages + layers).
 */
sim_err_t wl_train_memory_stage(const wl_model_t *m, const wl_parallel_t *p,
                                int stage, double reserve,
                                wl_train_memory_t *out, sim_diag_t *diag);

/* The stage with the largest total (ties: the lowest stage).
 * Cost: pp x wl_train_memory_stage. */
sim_err_t wl_train_memory_peak(const wl_model_t *m, const wl_parallel_t *p,
                               double reserve, wl_train_memory_t *out,
                               sim_diag_t *diag);

/*
 * SIM_OK when mem fits the GPU's memory; otherwise SIM_ERR_INFEASIBLE
 * with a message such as "needs 93.1 GiB per GPU (stage 0: weights ...),
 * H800 has 74.5 GiB" (GiB = 2^30 bytes of the catalog's byte count) and
 * diag->key "parallel".  Cost: O(1).
 */
sim_err_t wl_train_memory_check(const wl_train_memory_t *mem,
                                const wl_gpu_t *gpu, sim_diag_t *diag);

#endif /* WL_TRAIN_MEMORY_H */
