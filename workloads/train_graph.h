/*
 * train_graph.h — the operator graph of one training iteration on one
 * pipeline stage (one GPU of it: every rank of a stage runs the same ops).
 *
 * For each virtual chunk of the stage the graph holds three op lists:
 *   forward        one micro-batch's forward through the chunk's layers
 *                  (PP receive first, PP send last);
 *   backward       its backward: per layer recomputation (by mode), then
 *                  data-gradient and weight-gradient GEMMs as separate ops
 *                  (2x the forward GEMM FLOPs), TP/EP/CP collectives;
 *   backward_last  the backward of the last micro-batch of the iteration,
 *                  with the data-parallel gradient reduction in buckets
 *                  appended, each depending on the weight-gradient op that
 *                  completes it (ZeRO-0: all-reduce, ZeRO-1/2:
 *                  reduce-scatter; ZeRO-2/3 reduce every micro-batch, so
 *                  their backward equals backward_last).
 * and one `step` list: the optimizer step (over this rank's ZeRO shard)
 * and, for ZeRO-1/2, the all-gather of the updated weights.  ZeRO-3/FSDP
 * all-gathers each layer's weights before its forward and its backward and
 * reduce-scatters its gradients after.
 *
 * Collective sizes follow nccl-tests: bytes is the full (unsharded)
 * buffer for all-reduce, all-gather (output) and reduce-scatter (input);
 * the per-rank send buffer for all-to-all; the message for send/recv.
 * TP communication per layer is Megatron's: all-reduce after the
 * row-parallel GEMMs in forward and after the column-parallel data
 * gradients in backward, or with SP all-gather before / reduce-scatter
 * after (and an extra all-gather of the input for the weight gradient;
 * Korthikanti et al. §4.2.2).  PP messages are micro_batch x seq/cp x
 * hidden x dtype bytes, / TP with SP.  MoE: tokens per expert =
 * tokens x top_k / experts (balanced) over the EP group; dispatch and
 * combine are all-to-alls on the EP group.
 *
 * Dependencies are indices of earlier ops in the same list; an op with
 * none may start when its list starts.  Which micro-batch runs when is
 * the executor's (wl_pipeline_schedule).
 *
 * Assumes: a validated model and plan; ops are descriptions only.
 */
#ifndef WL_TRAIN_GRAPH_H
#define WL_TRAIN_GRAPH_H

#include <stddef.h>

#include "sim/compute/roofline.h"
#include "sim/core/error.h"
#include "workloads/model_catalog.h"
#include "workloads/parallel.h"

typedef enum wl_op_kind {
    WL_OP_COMPUTE = 0,
    WL_OP_COLLECTIVE,
    WL_OP_P2P
} wl_op_kind_t;

typedef enum wl_coll {
    WL_COLL_NONE = 0,
    WL_COLL_ALLREDUCE,
    WL_COLL_ALLGATHER,
    WL_COLL_REDUCESCATTER,
    WL_COLL_ALLTOALL,
    WL_COLL_SEND,
    WL_COLL_RECV
} wl_coll_t;

typedef enum wl_phase {
    WL_PHASE_FWD = 0,
    WL_PHASE_BWD,
    WL_PHASE_RECOMPUTE,
    WL_PHASE_GRAD_SYNC,
    WL_PHASE_STEP
} wl_phase_t;

#define WL_OP_MAX_DEPS 3

typedef struct wl_op {
    wl_op_kind_t kind;
    wl_phase_t phase;
    const char *name;         /* static text: "qkv", "attn", "mlp_up" ... */
    int layer;                /* global layer; -1 embedding/head/step */
    sim_compute_op_t compute; /* WL_OP_COMPUTE */
    wl_coll_t coll;           /* WL_OP_COLLECTIVE and WL_OP_P2P */
    wl_group_kind_t group;
    double bytes;
    int peer_stage;           /* WL_OP_P2P: the other stage; else -1 */
    double params;            /* parameters whose gradient this op
                                 completes (weight-gradient ops) or
                                 reduces (gradient-sync ops) */
    int ndeps;
    int deps[WL_OP_MAX_DEPS];
} wl_op_t;

typedef struct wl_op_list {
    wl_op_t *ops;
    size_t n, cap;
} wl_op_list_t;

typedef struct wl_train_graph wl_train_graph_t;

/*
 * Build the graph of pipeline stage `stage` (0..pp-1) for model m and plan
 * p (both validated).  *out is new (wl_train_graph_free).  Returns SIM_OK,
 * SIM_ERR_RANGE (bad stage) or SIM_ERR_NOMEM.
 * Cost: O(layers on the stage x ops per layer).
 */
sim_err_t wl_train_graph_build(const wl_model_t *m, const wl_parallel_t *p,
                               int stage, wl_train_graph_t **out,
                               sim_diag_t *diag);

/* Free a graph; NULL is a no-op. */
void wl_train_graph_free(wl_train_graph_t *g);

/* Virtual chunks on the stage (the plan's virtual_stages). */
int wl_train_graph_chunks(const wl_train_graph_t *g);

/* The op lists of chunk c (0 <= c < chunks; NULL otherwise) and the
 * per-iteration step list.  Owned by the graph. */
const wl_op_list_t *wl_train_graph_forward(const wl_train_graph_t *g, int c);
const wl_op_list_t *wl_train_graph_backward(const wl_train_graph_t *g, int c);
const wl_op_list_t *wl_train_graph_backward_last(const wl_train_graph_t *g,
                                                 int c);
const wl_op_list_t *wl_train_graph_step(const wl_train_graph_t *g);

/* Sum of compute FLOPs (sim_compute_op_flops) of a list, and of bytes of
 * its collective/p2p ops of one group kind (WL_GROUP__COUNT: all).
 * Cost: O(ops). */
double wl_op_list_flops(const wl_op_list_t *l);
double wl_op_list_comm_bytes(const wl_op_list_t *l, wl_group_kind_t k);

#endif /* WL_TRAIN_GRAPH_H */
