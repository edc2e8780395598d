/*
 * validate.h — predict measured serving runs and report the errors
 * (`gpusim validate --serving FILE`).
 *
 * The reference file is a CSV (workloads/validation/serving/serving.csv,
 * made by convert.py there; columns documented in its SOURCE.md) of two
 * kinds of rows:
 *  - static: a static batch of `batch` requests, all present at 0 s, each
 *    of prompt_tokens in and output_tokens out, on `tp` GPUs; the batch is
 *    prefilled in one iteration and decoded to the end; compared: the
 *    end-to-end time (target within 15 %, datacenter GPUs);
 *  - vllm: a recorded vLLM run replayed from its request file (arrival,
 *    prompt, output; path relative to the CSV) with the run's engine
 *    settings; compared: median TTFT and median TPOT (target 20 % each).
 *    A MoE row with ep > 1 (column ep: vLLM's data_parallel_size with
 *    enable_expert_parallel) runs ep DP ranks as one expert-parallel
 *    group (serve.h), each with the row's max_num_seqs and
 *    max_batched_tokens (vLLM applies them per DP engine), requests going
 *    to the least-loaded rank (least_outstanding: vLLM's DP load balancer
 *    picks the engine with the fewest waiting and running requests); its
 *    all-to-alls use ar_csv when that was measured on ep ranks.
 * GPUs are looked up in the catalog and run on the profile the serving
 * model uses for them (sim_serve_config_set_gpu: shipped calibrated
 * profiles for A100, H100, H800, H20).  A row for a GPU outside the
 * catalog carries its own description: dense BF16 peak, memory bandwidth
 * and capacity, SM count (sm_count), the BF16 GEMM timings its GEMM curve
 * is fitted on when the row is read (gemm_csv, path relative to the CSV;
 * sim_compute_calibrate_csv with the row's peaks), and for TP > 1 the
 * all-reduce of its machine: the times measured there at several sizes
 * (ar_csv, path relative to the CSV, columns ranks, bytes, us; one rank
 * count, which must equal the row's tp; interpolated, perf.h), else an
 * α-β link (ar_GBps, ar_latency_us; PCIe default 25 GB/s, 20 us when
 * absent).
 *
 * Calibration: one documented framework-overhead parameter, the per-
 * iteration step overhead (SIM_SERVE_VAL_STEP_OVERHEAD_S), is added to
 * every modelled iteration; kernel curves come from kernel timings, never
 * from these rows' results.  The vLLM rows run with vLLM's async
 * scheduling (sim_serve_config_t.async_sched; a rule of the engine, not a
 * fitted value: validate.c).
 *
 * Assumes: models of the built-in shapes (sim_serve_model_builtin).
 */
#ifndef SIM_SERVE_VALIDATE_H
#define SIM_SERVE_VALIDATE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/core/error.h"

/* Per-iteration scheduler/launch overhead of the serving engine: see
 * validate.c for how it was chosen. */
#define SIM_SERVE_VAL_STEP_OVERHEAD_S 0.003

typedef struct sim_serve_val_row {
    char kind[8];           /* "static" or "vllm" */
    char name[96];
    char gpu[32], model[32];
    int tp;
    int ep;                 /* expert-parallel DP ranks (1: none) */
    int line;               /* in the CSV */
    double measured[2];     /* static: e2e, NaN; vllm: TTFT p50, TPOT p50 */
    double predicted[2];
    double rel_err[2];      /* (predicted − measured) / measured; NaN */
    double tolerance;       /* 0.15 static, 0.20 vllm */
    int pass;
} sim_serve_val_row_t;

typedef struct sim_serve_val_report {
    sim_serve_val_row_t *rows;
    size_t n;
    size_t n_fail;
    double step_overhead_s;
} sim_serve_val_report_t;

/*
 * Read the CSV at path, predict every row and fill *rep (destroy it
 * afterwards, also after an error).  Returns SIM_OK (rows past tolerance
 * are counted in n_fail, not errors), SIM_ERR_IO (unreadable file),
 * SIM_ERR_INPUT (malformed row: diag names path:line), SIM_ERR_NOTFOUND
 * (unknown model), a gemm_csv's load or fit error (diag names that file),
 * an ar_csv that cannot be read (SIM_ERR_IO) or is malformed or measured
 * on another rank count (SIM_ERR_INPUT; diag names the file or column),
 * SIM_ERR_NOMEM or an error of the serving run.  Cost: one serving run
 * per row plus one GEMM fit per gemm_csv row (under a second for the
 * shipped file).
 */
sim_err_t sim_serve_validate_csv(const char *path,
                                 sim_serve_val_report_t *rep,
                                 sim_diag_t *diag);

/* Free the rows and zero rep; NULL is a no-op. */
void sim_serve_val_report_destroy(sim_serve_val_report_t *rep);

/* The error table as text.  Returns SIM_OK or SIM_ERR_IO. */
sim_err_t sim_serve_val_print(const sim_serve_val_report_t *rep, FILE *out);

/* Add "serving_rows" (a list of row objects), "serving_failed" and
 * "serving_max_abs_err" to obj.  Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t sim_serve_val_json(const sim_serve_val_report_t *rep, json_t *obj);

#endif /* SIM_SERVE_VALIDATE_H */
