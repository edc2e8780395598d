/*
 * train.h — the training executor: one iteration of a data/tensor/pipeline/
 * expert-parallel training job simulated op by op, and the metrics derived
 * from it (iteration time, tokens/s, TFLOP/s per GPU, MFU, memory, time and
 * cost to train).
 *
 * What is simulated.  Every GPU of a pipeline stage runs the same ops
 * (workloads/train_graph.h), so the executor simulates ONE representative
 * pipeline (the one holding GPU 0): each of its pp stages runs its 1F1B or
 * interleaved schedule (wl_pipeline_schedule) over three in-order streams:
 *   compute  compute ops (roofline time on the stage's device profile,
 *            its compute-bound part at the GPU's sustained clock, times
 *            the stage's slowdown) and the blocking TP/CP/EP
 *            collectives of Megatron (they sit on the critical path);
 *   comm     data-parallel gradient buckets, ZeRO gathers/scatters and the
 *            tied-embedding all-reduce: asynchronous, overlapping compute
 *            and started when the weight-gradient op they depend on ends;
 *   p2p      pipeline sends (one per direction), non-blocking; the peer's
 *            receive completes when the message has arrived.
 * An op starts at max(its stream is free, its dependencies ended, its
 * message arrived); stages advance in turn until every stage has run its
 * schedule and its optimizer step, and the iteration ends when the last
 * stream of the last stage is idle.  Nothing here is a bubble formula:
 * stragglers, exposed communication and overlap are what the timings give.
 *
 * Communication times come from the flow network (sim/net/collective.h):
 * each distinct (collective, group kind, size) is run once on the
 * representative group together with the groups that run concurrently
 * with it on the same nodes (e.g. the tp data-parallel rings of one
 * stage's node share its NICs), so topology and contention are real, and
 * the result is cached (train_comm.c); past 512 ranks in all, the
 * representative group runs alone so that step collapsing applies.
 * Stages are assumed placement-
 * symmetric: stage 0's groups stand for every stage's.
 *
 * Breakdown (of the critical stage, the one that finishes last):
 *   compute_s  busy time of its compute stream with compute ops;
 *   tp_s, ep_s blocking TP/CP and EP collectives;
 *   pp_s       time its compute stream waited for a pipeline message that
 *              was already in flight;
 *   dp_s       time it waited for the comm stream (ZeRO-3 gathers, the
 *              gradient reduction before the optimizer, the ZeRO-1/2
 *              weight gather after it);
 *   bubble_s   the rest: idle while a neighbour stage was still busy.
 * They sum to the iteration time.
 *
 * Assumes: model and plan validated (workloads/keys_train.h); the topology
 * holds at least plan.gpus GPUs, rank r on GPU r.
 */
#ifndef SIM_TRAIN_TRAIN_H
#define SIM_TRAIN_TRAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/compute/profile.h"
#include "sim/core/error.h"
#include "sim/net/nccl_tuning.h"
#include "topologies/topo.h"
#include "workloads/hwcat.h"
#include "workloads/model_catalog.h"
#include "workloads/parallel.h"

/* The one framework-overhead parameter: seconds added to every compute
 * kernel for what the kernel timings do not see (host dispatch gaps of
 * PyTorch eager, Python and scheduler overhead).  10 us, fitted on ONE
 * subset: the five Megatron-LM SC'21 A100 rows of workloads/validation/
 * training.csv (mean |error| 4.1% at 0, 3.2% at 10 us, 2.9% at 15 us,
 * 3.3% at 20 us: a flat optimum, rounded to 10 us, the order of
 * PyTorch's per-op eager overhead), then checked on the other nine rows
 * (Korthikanti et al. A100 within 4%; the Megatron-Core H100 rows with
 * Hopper's sustained clock, train_profile.h: see test_train_validate.c).
 * train.framework_overhead sets it. */
#define SIM_TRAIN_FRAMEWORK_OVERHEAD 1e-5

/* Default price of a GPU-hour: DeepSeek's assumed H800 rental, $2 per
 * GPU-hour (DeepSeek-V3 technical report; research/catalog-facts.md §4.1,
 * [S69]). */
#define SIM_TRAIN_GPU_HOUR_USD 2.0

typedef struct sim_train_config {
    wl_model_t model;                  /* validated */
    wl_parallel_t plan;                /* validated against model */
    double reserve;                    /* framework memory per GPU, bytes */
    const wl_gpu_t *gpu;               /* pool 1 (every stage by default) */
    const sim_compute_profile_t *profile;
    const wl_gpu_t *gpu2;              /* pool 2, NULL = homogeneous */
    const sim_compute_profile_t *profile2;
    int pool2_stages;                  /* the last N stages run on pool 2 */
    bool balance;                      /* layers in proportion to speed */
    topo_t *topo;                      /* not owned; NULL only with free_comm */
    sim_coll_profile_t coll;           /* collective tuning (nccl_tuning.h) */
    bool nvls;                         /* the GPUs support NVLink SHARP */
    bool free_comm;                    /* every transfer takes no time */
    int straggler_stage;               /* -1 = none */
    double straggler_factor;           /* >= 1: compute slowdown there */
    double framework_overhead;         /* s per kernel; SIM_TRAIN_... */
    double sustained_clock;            /* SM clock through the run / the
                                          clock the profile stands for,
                                          (0, 1]; divides each kernel's
                                          compute-bound time (not its
                                          memory time or launch).  0 =
                                          each pool's GPU's
                                          (sim_train_sustained_clock,
                                          train_profile.h) */
    bool attn_unfused;                 /* attention as Megatron-LM ran it
                                          before FlashAttention: QK^T and
                                          PV batched GEMMs over the full
                                          s x s scores, fused scale-mask-
                                          softmax, dropout (train.c) */
    bool comm_overlap;                 /* Megatron-Core's overlap options:
                                          SP all-gathers/reduce-scatters
                                          pipelined with their GEMM
                                          (--tp-comm-overlap), the ZeRO
                                          weight gather hidden behind the
                                          next forward (--overlap-param-
                                          gather) */
    double tokens;                     /* train.tokens */
    double gpu_hour_usd;               /* price of one GPU-hour */
    bool check_memory;                 /* refuse plans that do not fit */
    bool trace;                        /* record a timeline */
} sim_train_config_t;

/* Zero everything, straggler none (factor 1), framework overhead, price and
 * memory check on, 1T tokens.  The caller fills model, plan, gpu, profile,
 * topo and coll. */
void sim_train_config_init(sim_train_config_t *c);

typedef struct sim_train_breakdown {
    double compute_s, tp_s, ep_s, pp_s, dp_s, bubble_s;
} sim_train_breakdown_t;

typedef struct sim_train_result {
    double iteration_s;
    int critical_stage;
    sim_train_breakdown_t breakdown;   /* of the critical stage */
    double tokens_per_iter, tokens_per_s;
    double model_flops_per_iter;       /* wl_model_flops_per_token x tokens */
    double hw_flops_per_iter;          /* with recomputation */
    double tflops_per_gpu;             /* model FLOPs / time / GPUs / 1e12 */
    double hw_tflops_per_gpu;
    double peak_tflops_per_gpu;        /* mean dense peak of the dtype */
    double mfu;                        /* tflops_per_gpu / peak */
    double memory_per_gpu_GiB;         /* largest stage */
    int memory_stage;
    double memory_capacity_GiB;        /* of that stage's GPU */
    double time_to_train_days;
    double gpu_hours, cost_usd;
    int64_t ops_simulated;
    int64_t comm_measurements;         /* flow-level collective runs */
    int64_t stage_layers[2];           /* layers on stage 0 and the last */
} sim_train_result_t;

/* A timeline of one iteration (opaque). */
typedef struct sim_train_trace sim_train_trace_t;

/*
 * Simulate one iteration of cfg into *res; with cfg->trace, *trace (may be
 * NULL otherwise) receives a new timeline (sim_train_trace_free).
 * Returns SIM_OK; SIM_ERR_INFEASIBLE when a stage does not fit its GPU
 * (cfg->check_memory; diag: "needs 93.1 GiB per GPU ..."), or when the
 * plan needs more GPUs than the topology has; SIM_ERR_RANGE for a bad
 * config (pool2_stages, straggler); the network's and the compute model's
 * errors; SIM_ERR_NOMEM.  Cost: O(pp x micro-batches x ops per chunk)
 * plus one flow-level run per distinct collective (O(size of the
 * concurrent groups x steps simulated)) and O(gpus) group maps.
 */
sim_err_t sim_train_simulate(const sim_train_config_t *cfg,
                             sim_train_result_t *res,
                             sim_train_trace_t **trace, sim_diag_t *diag);

/* Free a timeline; NULL is a no-op. */
void sim_train_trace_free(sim_train_trace_t *t);

/* Spans recorded.  Cost: O(1). */
size_t sim_train_trace_count(const sim_train_trace_t *t);

/*
 * Write the timeline as Chrome trace JSON (the "traceEvents" array of
 * complete events, microseconds; one process per pipeline stage, threads
 * "compute", "comm", "p2p"), viewable in Perfetto.  Returns SIM_OK or
 * SIM_ERR_IO.  Cost: O(spans).
 */
sim_err_t sim_train_trace_write(const sim_train_trace_t *t, FILE *out);

/*
 * Add the metrics of res to obj: iteration_time_s, tokens_per_s,
 * tflops_per_gpu, mfu, memory_per_gpu_GiB, breakdown {compute_s, tp_s,
 * ep_s, pp_s, dp_s, bubble_s}, time_to_train_days, gpu_hours, cost_usd,
 * and a few more.  Returns SIM_OK or SIM_ERR_NOMEM.  Cost: O(1).
 */
sim_err_t sim_train_result_json(const sim_train_result_t *res, json_t *obj);

/* Print the metrics as text (C locale numbers).  Returns SIM_OK or
 * SIM_ERR_IO. */
sim_err_t sim_train_result_print(const sim_train_result_t *res, FILE *out);

#endif /* SIM_TRAIN_TRAIN_H */
