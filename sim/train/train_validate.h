/*
 * train_validate.h — prediction of published training runs: each row of a
 * CSV such as workloads/validation/training.csv becomes a configuration
 * (catalog GPU and its compute profile; a Selene/SuperPOD-like rail fat
 * tree: 8 x 200 Gb/s HDR per node for A100 rows, 8 x 400 Gb/s NDR for
 * H100 rows; the row's shape, TP/PP/DP/virtual stages, recomputation, SP
 * and batch) that sim_train_simulate runs; predicted and published
 * iteration time, TFLOP/s per GPU and MFU are compared.
 *
 * Columns used: source, gpu, model, layers, hidden, heads, kv_heads,
 * ffn_hidden, vocab, seq_len, gpus, tp, pp, dp, cp, vpp, global_batch,
 * micro_batch (blank: 1), recompute (blank: none), seq_parallel, dtype,
 * tflops_per_gpu, mfu, iteration_time_s, note; optional: attention
 * ("unfused": Megatron-LM's pre-FlashAttention core attention; default
 * FlashAttention) and comm_overlap ("on", or a note containing
 * "communication overlapped": Megatron-Core's TP/DP overlap; see
 * sim_train_config_t).  Profiles: wl_gpu_profile.  The model is GPT-shaped
 * (GELU MLP, LayerNorm, biases, learned positions, tied embeddings), as
 * in the Megatron-LM runs the file reports.  Published TFLOP/s count
 * recomputation for rows whose note says so (the 96-form of Narayanan et
 * al.); the prediction is then counted the same way.  A row without an
 * iteration time gets one from its TFLOP/s: model FLOPs / (TFLOP/s x GPUs).
 * Nothing is set per row: each GPU runs its shipped profile at its
 * sustained clock (sim_train_sustained_clock) with the default framework
 * overhead.  Each row keeps its predicted breakdown for diagnosis.
 *
 * Assumes: the embedded GPU catalog, compute profiles and collective
 * tuning (workloads/embedded.h); the C locale.
 */
#ifndef SIM_TRAIN_TRAIN_VALIDATE_H
#define SIM_TRAIN_TRAIN_VALIDATE_H

#include <stdio.h>

#include <jansson.h>

#include "sim/core/error.h"

typedef struct sim_train_vrow {
    char label[96];          /* "gpt-530b 2520xA100-80G" */
    char source[160];
    int line;
    double published_s, predicted_s, time_err;     /* rel. error, signed */
    double published_tflops, predicted_tflops, tflops_err; /* NaN: none */
    double published_mfu, predicted_mfu;           /* NaN: none */
    int hw_flops;            /* TFLOP/s counted with recomputation */
    double compute_s, tp_s, pp_s, dp_s, bubble_s; /* predicted breakdown
                                                     (train.h), critical
                                                     stage */
} sim_train_vrow_t;

typedef struct sim_train_validation {
    int n;
    sim_train_vrow_t *rows;
    double mean_abs_err, max_abs_err; /* of the iteration time */
    double tolerance;
    int failed;                       /* rows past the tolerance */
} sim_train_validation_t;

/*
 * Read the CSV at path, predict every row and compare.  *report is new
 * (sim_train_validation_free) whenever SIM_OK or SIM_ERR_CHECK is
 * returned.  Returns SIM_OK when every row is within tolerance (relative,
 * e.g. 0.10) of its published iteration time; SIM_ERR_CHECK when some row
 * is not; SIM_ERR_IO (unreadable), SIM_ERR_INPUT (a malformed row; diag
 * names path:line:column), SIM_ERR_NOTFOUND (unknown GPU), the
 * simulator's errors.  Cost: one simulation per row (seconds in all).
 */
sim_err_t sim_train_validate_csv(const char *path, double tolerance,
                                 sim_train_validation_t **report,
                                 sim_diag_t *diag);

/* Free; NULL is a no-op. */
void sim_train_validation_free(sim_train_validation_t *v);

/* Print the table (C locale).  Returns SIM_OK or SIM_ERR_IO. */
sim_err_t sim_train_validation_print(const sim_train_validation_t *v,
                                     FILE *out);

/* Add "training": {rows: [...], mean_abs_err, max_abs_err, tolerance,
 * failed} to obj; each row carries its predicted breakdown (compute_s,
 * tp_s, pp_s, dp_s, bubble_s).  Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t sim_train_validation_json(const sim_train_validation_t *v,
                                    json_t *obj);

#endif /* SIM_TRAIN_TRAIN_VALIDATE_H */
