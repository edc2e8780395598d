/*
 * serve.h — an inference service: replicas with continuous batching behind
 * a router, fed by a request stream; per-request latencies and service
 * metrics out.
 *
 * A service is `replicas` identical replicas, each one model instance on
 * `tp` GPUs of one type.  A router assigns each arriving request to a
 * replica at once: round-robin, least-outstanding (fewest requests routed
 * and not finished) or join-shortest-queue (fewest waiting to be admitted;
 * ties by outstanding); remaining ties go to the lowest index.
 *
 * LLM replicas schedule per iteration as vLLM v1 / Sarathi-Serve do: each
 * iteration has a token budget (max_batched_tokens) and a sequence cap
 * (max_num_seqs).  Running sequences go first in admission order (a
 * decoding one takes 1 token, one still in prefill takes a chunk of what
 * the budget leaves: chunked prefill), then waiting requests are admitted
 * first-come-first-served while the budget, the cap and the KV cache
 * allow; a head request that does not fit blocks those behind it.  The
 * KV cache is paged (block_tokens per block, vLLM's 16); blocks are taken
 * as tokens are computed.  When a running sequence needs a block and none
 * is free, the most recently admitted running sequence is preempted by
 * recompute: its blocks are freed and it goes back to the head of the
 * waiting queue, to prefill its prompt and the tokens generated so far
 * again (vLLM's recompute preemption; Vidur picks victims LIFO too).
 * Admission keeps a watermark of 1% of the blocks free while anything runs
 * (Vidur's watermark_blocks_fraction 0.01).  A request whose full context
 * (prompt + output − 1 tokens) exceeds the whole cache is rejected at
 * arrival and counted.
 *
 * Async scheduling (async_sched, optional; vLLM's default from v0.14.0,
 * release notes: "Async scheduling is now enabled by default", PR 27614):
 * the engine plans iteration N+1 when it launches N, so CPU scheduling
 * overlaps the GPU step.  An iteration that follows another back to back
 * therefore admits only requests that had arrived when that other one
 * started; a request arriving while a step runs joins the step after
 * next, one iteration later than a synchronous engine would take it.  An
 * engine with nothing planned ahead (it was idle, or nothing was left to
 * plan) plans at once.  Running sequences are planned ahead as vLLM does
 * (their next token assumed).  A sequence that finishes frees its slot
 * and blocks at the end of its step, where the step vLLM planned ahead
 * may still hold them: not modelled.  Off: each iteration is planned when
 * the previous one ends.
 *
 * Prefix caching (optional): requests with prefix-block hashes (Mooncake)
 * look up, at dispatch, how many leading blocks the replica has seen; those
 * tokens skip prefill compute (they still occupy KV blocks).  The replica
 * remembers as many hashed blocks as its KV cache holds, evicting the least
 * recently used — an approximation: the real cache shares those blocks
 * with running sequences.
 *
 * Fixed-work replicas (diffusion) batch up to max_num_seqs waiting requests
 * and run them together for max(work) · factor(b), where factor(b) is the
 * configured batch-scaling curve (relative time of a batch of b against
 * batch 1; linear interpolation) or, without a curve,
 * 1 + batch_alpha·(b − 1).
 *
 * Times: a request's queueing delay runs from arrival to its first
 * scheduled iteration, TTFT to the end of the iteration that emits its
 * first token, end-to-end to the end of the last; TPOT = (e2e − TTFT) /
 * (output − 1), for outputs of 2 tokens or more.  Fixed-work requests have
 * TTFT = e2e and no TPOT.
 *
 * Disaggregated pools (optional; Splitwise, DistServe, Mooncake): the
 * service is prefill_replicas prefill replicas and decode_replicas decode
 * replicas of the same shape (`replicas` is then unused).  The router
 * sends each request to a prefill replica, which runs its prompt (chunked
 * prefill, KV admission and preemption as above) and emits no token.
 * When the prompt's KV is complete the replica frees its blocks and sends
 * the KV — prompt · kv_bytes_per_token(tp) · tp bytes — over its KV link:
 * transfer = kv_link_latency + bytes / kv_link_bw, one transfer at a time
 * per prefill replica (FIFO; a transfer waiting for the link counts in
 * its transfer time).  The request then goes to a decode replica (same
 * router policy over the decode pool), which admits it by KV capacity as
 * above (blocks for the whole prompt at its first step) and runs its
 * first decode step: that step emits the first token.  So, for a request
 * that never waits: TTFT = prefill + transfer + one decode step, and TPOT
 * is the decode step.  A request preempted on the decode pool recomputes
 * its context there.  Only the fixed fleet is supported.
 *
 * Expert parallelism (MoE models, ep > 1): as vLLM's data_parallel_size
 * = ep with enable_expert_parallel.  The replicas form groups of ep
 * consecutive replicas (DP ranks); each rank has its own scheduler, KV
 * cache and attention, its MoE layers hold experts/ep experts, and the
 * group steps in lockstep (replica.c; per-step cost in perf.h).  The
 * router sees each rank as a replica (vLLM's DP load balancer sends a
 * request to the least-loaded rank: use least_outstanding).  Needs tp 1,
 * a fixed fleet, no disaggregation, replicas a multiple of ep and
 * experts a multiple of ep.
 *
 * Randomness: none inside the model; all of it is in the stream.  Same
 * config and stream, same result, bit for bit.
 *
 * Assumes: every request in the stream has the service's kind.
 */
#ifndef SIM_SERVE_SERVE_H
#define SIM_SERVE_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/compute/profile.h"
#include "sim/core/error.h"
#include "sim/serve/autoscale.h"
#include "sim/serve/perf.h"
#include "workloads/hwcat.h"
#include "workloads/traffic.h"

typedef enum sim_serve_router {
    SIM_SERVE_ROUTER_ROUND_ROBIN = 0,
    SIM_SERVE_ROUTER_LEAST_OUTSTANDING,
    SIM_SERVE_ROUTER_SHORTEST_QUEUE
} sim_serve_router_t;

#define SIM_SERVE_MAX_CURVE 32
#define SIM_SERVE_MAX_EP 64 /* expert-parallel ranks per group */

typedef struct sim_serve_config {
    wl_req_kind_t kind;          /* LLM or fixed-work replicas */
    sim_serve_model_t model;     /* LLM shape */
    sim_compute_profile_t profile; /* device profile of the GPU type */
    double gpu_mem_bytes;        /* HBM per GPU */
    double nvlink_bw;            /* bytes/s per GPU per direction */
    double nvlink_latency_s;     /* per all-reduce */
    sim_serve_ar_curve_t ar_curve; /* measured all-reduce times of the TP
                                    group, used instead of nvlink_bw /
                                    latency when ar_curve.ranks == tp
                                    (perf.h); n == 0: none */
    int tp;                      /* GPUs per replica */
    int replicas;
    int ep;                      /* MoE: DP ranks (replicas) per expert-
                                    parallel group, 1..SIM_SERVE_MAX_EP;
                                    1: none (see the top of this file) */
    sim_compute_dtype_t dtype;   /* weights / GEMMs */
    int64_t max_num_seqs;
    int64_t max_batched_tokens;
    int64_t block_tokens;        /* KV block size */
    double gpu_mem_util;         /* fraction of HBM for weights + KV */
    double act_reserve_bytes;    /* < 0: the default estimate (perf.h) */
    int64_t kv_blocks;           /* > 0 overrides the derived count */
    int prefix_cache;
    double step_overhead_s;
    int async_sched;             /* LLM: 1 = an iteration is planned when
                                    the one before it starts (vLLM's async
                                    scheduling, above); 0 = when the one
                                    before it ends */
    double batch_alpha;          /* fixed work without a curve */
    double batch_curve[SIM_SERVE_MAX_CURVE]; /* factor(b), b = 1..n */
    size_t n_batch_curve;
    sim_serve_router_t router;
    double slo_ttft_s, slo_tpot_s;
    double series_interval_s;    /* time-series bucket, > 0 */
    sim_autoscale_config_t autoscale; /* fleet policy and prices */
    int initial_replicas;        /* warm at 0 s under a dynamic policy;
                                    < 0: `replicas` (clamped to min/max) */
    uint64_t seed;               /* cold-start and think-time draws */
    int64_t closed_clients;      /* > 0: closed loop of this many clients;
                                    each sends the stream's next request
                                    (arrival instant ignored) an
                                    exponential think time (mean think_s,
                                    stream "serve.think") after its last
                                    one finished; 0: open loop */
    double think_s;
    int disaggregated;           /* separate prefill and decode pools */
    int prefill_replicas, decode_replicas; /* pool sizes, >= 1 each */
    double kv_link_bw;           /* bytes/s of one prefill replica's KV
                                    link; <= 0: 50e9 · tp (400 Gb/s NIC
                                    per GPU) */
    double kv_link_latency_s;    /* per transfer */
} sim_serve_config_t;

/*
 * Defaults: LLM, llama3-8b on one H100 (built-in profile, 80 GB, NVLink
 * 450 GB/s per direction, 5 us all-reduce latency), 1 replica, BF16,
 * max_num_seqs 256, max_batched_tokens 8192 (DESIGN.md's [service]
 * defaults), block 16 and gpu_memory_utilization 0.9 (vLLM defaults),
 * round-robin, SLO TTFT 2 s / TPOT 100 ms ([slo] defaults), series every
 * 60 s, batch_alpha 1 (no batching gain for fixed work), the fixed-fleet
 * autoscaler (sim_autoscale_defaults); aggregated (disaggregated off,
 * 1 + 1 replicas when on, KV link 400 Gb/s per GPU with 10 us latency);
 * no expert parallelism (ep 1).  O(1).
 */
void sim_serve_config_defaults(sim_serve_config_t *cfg);

/* Take the GPU's memory, NVLink bandwidth and compute profile into cfg.
 * The profile is the one the training executor uses for that GPU
 * (wl_gpu_profile: the shipped calibrated profile under any of
 * its names, else the built-in catalog peaks with default efficiencies;
 * FP16/BF16 and twin rules there), else the catalog's own peaks; then
 * sim_serve_perf_half_from_fp8 lets a fitted FP8 curve raise the BF16
 * e_max (perf.h).  gpu not NULL.  Returns SIM_OK, or the profile parser's
 * error for a shipped profile that does not parse (a build defect; diag
 * set when not NULL). */
sim_err_t sim_serve_config_set_gpu(sim_serve_config_t *cfg,
                                   const wl_gpu_t *gpu, sim_diag_t *diag);

/* Validate cfg: ranges, the model shape, and (LLM) that the weights leave
 * room for at least one block.  Returns SIM_OK, SIM_ERR_RANGE or
 * SIM_ERR_INFEASIBLE (diag names the service.* key). */
sim_err_t sim_serve_config_check(const sim_serve_config_t *cfg,
                                 sim_diag_t *diag);

/* KV blocks per replica that cfg gives (override or derived). */
int64_t sim_serve_config_kv_blocks(const sim_serve_config_t *cfg);

/* Points of the latency CDFs kept in a result: percentiles 0..100. */
#define SIM_SERVE_CDF_POINTS 101

typedef struct sim_serve_result {
    int64_t arrived, completed, rejected;
    int64_t preemptions, steps, prefix_hit_tokens;
    int64_t output_tokens;        /* tokens emitted by completed requests */
    int64_t kv_blocks;            /* per replica */
    int replicas_max;
    double end_s;                 /* last completion (or arrival) */
    double queue_p50_s, queue_p90_s, queue_p99_s, queue_mean_s;
    double ttft_p50_s, ttft_p90_s, ttft_p99_s;
    double tpot_p50_s, tpot_p90_s, tpot_p99_s;
    /* Latency CDFs for charts: ttft_q[i] (tpot_q[i]) is the nearest-rank
     * i-th percentile, i = 0..100 (NaN when no request completed). */
    double ttft_q[SIM_SERVE_CDF_POINTS], tpot_q[SIM_SERVE_CDF_POINTS];
    double e2e_p50_s, e2e_p90_s, e2e_p99_s, e2e_mean_s;
    double throughput_tokens_per_s; /* output tokens / end_s */
    double throughput_req_per_s;
    double goodput_req_per_s;     /* completed within SLO / end_s */
    double goodput_tokens_per_s;
    double slo_attainment;        /* within-SLO / completed */
    double gpu_utilisation;       /* busy / serving (warm + draining)
                                     replica-time */
    double mean_in_system;        /* time average of requests in system */
    double arrival_rate;          /* completed / end_s (Little's λ) */
    double little_error;          /* sim_serve_little_error of the run */
    int64_t *per_replica;         /* requests routed to each replica slot */
    int n_slots;                  /* replica slots (the fleet's ceiling) */
    int64_t scale_ups, scale_downs; /* replicas requested / released */
    int64_t cold_starts;          /* replicas that became warm after 0 s */
    double cold_start_mean_s;     /* mean request-to-warm time */
    double replica_seconds;       /* provisioned (billed) replica-time */
    double warm_replica_seconds;  /* serving replica-time */
    sim_serve_cost_t cost;        /* reserved / elastic / mixed */
    double cost_per_mtok_usd;     /* cost_usd per million output tokens */
    double cost_per_request_usd;  /* cost_usd per completed request
                                     (per image for fixed work) */
    double series_interval_s;
    size_t n_series;
    double *series_arrivals;      /* arrivals per interval */
    double *series_queue;         /* waiting requests at interval end */
    double *series_running;       /* running sequences at interval end */
    double *series_warm;          /* serving replicas at interval end */
    double *series_provisioning;  /* cold-starting replicas at interval end */
    double *series_util;          /* busy / warm replica-time in interval */
    /* Disaggregated runs only (zero otherwise): */
    int disaggregated;
    int prefill_replicas, decode_replicas;
    int64_t kv_transfers;
    double kv_transfer_bytes;     /* total over the run */
    double kv_transfer_p50_s, kv_transfer_p99_s, kv_transfer_mean_s;
    double prefill_utilisation;   /* busy / (prefill replicas · end_s) */
    double decode_utilisation;
} sim_serve_result_t;

/* Release the result's arrays and zero it; NULL is a no-op. */
void sim_serve_result_destroy(sim_serve_result_t *res);

/*
 * Simulate the service until the stream is exhausted and every accepted
 * request has finished.  The fleet follows cfg->autoscale (fleet.c): under
 * the fixed policy `replicas` replicas serve throughout; otherwise replicas
 * are requested and released during the run, requests wait at the router
 * while no replica is warm, and a released replica stops taking requests
 * and finishes those it holds (running and queued) before it is off.  cfg and stream must not be NULL; *res is
 * overwritten (destroy it afterwards, also after an error).  Returns
 * SIM_OK; SIM_ERR_RANGE / SIM_ERR_INFEASIBLE from the config check;
 * SIM_ERR_INPUT when a request's kind or sizes do not fit the service or
 * arrivals go backwards; SIM_ERR_NOMEM.  Cost: O(iterations · batch +
 * requests · (log requests + hashes)); memory O(requests) for the samples
 * plus O(requests in flight).
 */
sim_err_t sim_serve_run(const sim_serve_config_t *cfg,
                        wl_request_stream_t *stream, sim_serve_result_t *res,
                        sim_diag_t *diag);

/* Add DESIGN.md's serve fields (ttft_p50_s, ttft_p99_s, tpot_p50_s,
 * tpot_p99_s, e2e_p99_s, throughput_tokens_per_s, slo_attainment,
 * replicas_max) and the other scalars of res to the JSON object obj
 * (a non-finite value becomes null); a disaggregated run adds
 * kv_transfers, kv_transfer_bytes, kv_transfer_p50_s, kv_transfer_p99_s,
 * kv_transfer_mean_s, prefill_utilisation, decode_utilisation,
 * prefill_replicas and decode_replicas.  Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t sim_serve_result_json(const sim_serve_result_t *res, json_t *obj);

#endif /* SIM_SERVE_SERVE_H */
