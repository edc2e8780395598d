/*
 * serve_int.h — internals shared by serve.c (the run: arrivals, router,
 * metrics) and replica.c (per-replica continuous batching).  Not part of
 * the public API.
 *
 * Invariants: sequences live in one pool and are named by index (the pool
 * may move when it grows, so pointers into it never outlive a call that
 * may allocate); a sequence is in exactly one of: its replica's waiting
 * ring, its replica's running array, or the free list.
 */
#ifndef SIM_SERVE_SERVE_INT_H
#define SIM_SERVE_SERVE_INT_H

#include <stdint.h>

#include "sim/engine/engine.h"
#include "sim/serve/metrics.h"
#include "sim/serve/prefix.h"
#include "sim/serve/serve.h"

typedef struct seq {
    sim_time_t arrival, first_sched, first_token;
    int64_t prompt, output, generated;
    int64_t ctx;      /* tokens whose KV is held (computed or cached) */
    int64_t blocks;   /* KV blocks held */
    double work_s;    /* fixed work */
    int started;      /* scheduled at least once */
    int emitted;      /* first token emitted */
    int replica;
} seq_t;

typedef struct ring {
    int32_t *v;
    size_t cap, head, n;
} ring_t;

typedef struct serve_run serve_run_t;

typedef struct replica {
    serve_run_t *run;
    int index;
    ring_t waiting;
    int32_t *running;     /* admission order */
    size_t n_running;
    int64_t free_blocks;
    int busy;
    sim_time_t step_start;
    double busy_s;
    int64_t outstanding;  /* routed, not finished */
    int32_t *sched_seq;   /* this iteration's sequences ... */
    int64_t *sched_q;     /* ... and their new tokens */
    size_t n_sched;
    sim_serve_prefix_t *prefix;
} replica_t;

struct serve_run {
    const sim_serve_config_t *cfg;
    sim_serve_perf_t perf;
    sim_engine_t *eng;
    wl_request_stream_t *stream;
    int stream_done;
    wl_request_t pending;
    sim_time_t pending_t;
    seq_t *seqs;
    size_t n_seqs, cap_seqs;
    int32_t *free_list;
    size_t n_free;
    replica_t *rep;
    int64_t rr_next;
    int64_t kv_blocks, watermark;
    int64_t *chunk_buf, *ctx_buf; /* max_num_seqs each */
    sim_serve_samples_t queue, ttft, tpot, e2e;
    int64_t in_system;
    sim_time_t last_change, end_t;
    double area; /* integral of in_system over time, request-seconds */
    int64_t within_slo, within_slo_tokens;
    sim_serve_result_t *res;
    size_t series_cap;
    sim_err_t err;
    sim_diag_t *diag;
};

/* ring of sequence indices */
sim_err_t serve_ring_push_back(ring_t *r, int32_t x);
sim_err_t serve_ring_push_front(ring_t *r, int32_t x);
int32_t serve_ring_front(const ring_t *r);
void serve_ring_pop_front(ring_t *r);

/* replica.c: start an iteration if the replica is idle and has work. */
void serve_replica_kick(replica_t *rp);

/* serve.c: a sequence finished at now; records metrics, frees it. */
void serve_finish(serve_run_t *run, replica_t *rp, int32_t si);

/* serve.c: fail the run with err (first error wins). */
void serve_fail(serve_run_t *run, sim_err_t err, const char *msg);

#endif /* SIM_SERVE_SERVE_INT_H */
