/*
 * train_flops.h — FLOP counts of training, for MFU and TFLOP/s per GPU.
 *
 * Model FLOPs (the MFU basis) follow Megatron-LM's generalised formula
 * (num_floating_point_operations in megatron/training/training.py, 2024
 * form by D. Narayanan, non-causal attention; Narayanan et al. SC'21 Eq. 3
 * without recomputation):
 *   per token = 6 x (matmul weights used per token: attention projections,
 *                    active MLP/expert matrices, router, output head)
 *             + 6 x layers x seq_len x heads x (qk_head_dim + v_head_dim)
 * i.e. forward 2 FLOPs per weight and per attention multiply-add, backward
 * twice that.  For a GPT (ffn 4h, MHA, GELU) it equals the 72-form
 * 72·B·s·l·h²·(1 + s/(6h) + V/(12lh)) / (B·s).  Input embeddings, norms,
 * biases and element-wise work are not counted.  MTP modules are not
 * counted.
 *
 * Hardware FLOPs add recomputation: selective repeats the attention core's
 * forward, full repeats each layer's forward (not the output head), as in
 * the 96-form of Narayanan et al. (wl_megatron_flops_per_iteration).
 */
#ifndef WL_TRAIN_FLOPS_H
#define WL_TRAIN_FLOPS_H

#include <stdint.h>

#include "workloads/model_catalog.h"
#include "workloads/parallel.h"

/* Model FLOPs per trained token at sequence length seq_len (no
 * recomputation).  m must be validated.  Cost: O(1). */
double wl_model_flops_per_token(const wl_model_t *m, int seq_len);

/* Hardware FLOPs per token including recomputation mode rc.  Cost: O(1). */
double wl_train_flops_per_token(const wl_model_t *m, int seq_len,
                                wl_recompute_t rc);

/* Narayanan et al. SC'21 Eq. 3 (full recomputation, GPT shapes):
 * 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)), B = global batch in sequences.
 * Cost: O(1). */
double wl_megatron_flops_per_iteration(double batch, double seq_len,
                                       double layers, double hidden,
                                       double vocab);

#endif /* WL_TRAIN_FLOPS_H */
