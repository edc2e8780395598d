/*
 * serve_int.h — internals shared by serve.c (the run: arrivals, router,
 * metrics) and replica.c (per-replica continuous batching).  Not part of
 * the public API.
 *
 * Invariants: sequences live in one pool and are named by index (the pool
 * may move when it grows, so pointers into it never outlive a call that
 * may allocate); a sequence is in exactly one of: its replica's waiting
 * ring, its replica's running array, the free list or (disaggregated)
 * in flight on a KV link.
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
    int32_t client;   /* closed loop: the client that sent it; -1 open */
    int prefill_only; /* disaggregated: on a prefill replica, leaves it
                         when ctx reaches the prompt */
    int kv_in;        /* disaggregated: its KV came over the link (the
                         first step on the decode replica is a decode) */
    sim_time_t xfer_start; /* when its KV transfer was requested */
} seq_t;

typedef struct ring {
    int32_t *v;
    size_t cap, head, n;
} ring_t;

typedef struct serve_run serve_run_t;

/* Replica lifecycle (fleet.c): OFF -> PROVISIONING (cold start, billed) ->
 * WARM (routed to) -> DRAINING (finishing what it holds, billed) -> OFF. */
typedef enum rep_state {
    REP_OFF = 0,
    REP_PROVISIONING,
    REP_WARM,
    REP_DRAINING
} rep_state_t;

/* Replica role: aggregated (prefill and decode), or one pool of a
 * disaggregated service. */
typedef enum rep_role {
    REP_ROLE_MIXED = 0,
    REP_ROLE_PREFILL,
    REP_ROLE_DECODE
} rep_role_t;

typedef struct replica {
    serve_run_t *run;
    int index;
    rep_state_t state;
    sim_time_t requested;  /* when provisioning began */
    sim_eq_handle_t warm_ev; /* pending warm-up while provisioning */
    ring_t waiting;
    int32_t *running;     /* admission order */
    size_t n_running;
    int64_t free_blocks;
    int busy;
    sim_time_t step_start;
    sim_time_t step_end;  /* when its last iteration ended; -1: none yet */
    double busy_s;
    int64_t outstanding;  /* routed, not finished */
    int32_t *sched_seq;   /* this iteration's sequences ... */
    int64_t *sched_q;     /* ... and their new tokens */
    size_t n_sched;
    sim_serve_prefix_t *prefix;
    rep_role_t role;
    sim_time_t link_free; /* prefill: when its KV link is next free */
} replica_t;

struct serve_run {
    const sim_serve_config_t *cfg;
    sim_serve_perf_t perf;
    sim_serve_step_memo_t memo;  /* step-time parts by token count */
    sim_engine_t *eng;
    wl_request_stream_t *stream;
    int stream_done;
    wl_request_t pending;
    sim_time_t pending_t;
    wl_request_t *cpend;  /* closed loop: each client's request in flight */
    int64_t n_cpending;   /* closed loop: arrivals scheduled, not fired */
    int exhausted;        /* closed loop: the stream has no more */
    gsl_rng *think_rng;
    seq_t *seqs;
    size_t n_seqs, cap_seqs;
    int32_t *free_list;
    size_t n_free;
    replica_t *rep;
    int n_slots;          /* replica slots: the fleet's ceiling */
    int initial;          /* warm at 0 s */
    int n_prov, n_warm, n_drain;
    ring_t router;        /* requests waiting for any warm replica */
    int drain_pending;    /* a router-drain event is pending */
    sim_autoscale_state_t as;
    gsl_rng *cold_rng;
    sim_time_t fleet_last; /* fleet areas integrated up to here */
    double rep_area, burst_area, warm_area; /* replica-seconds */
    double busy_last;     /* busy replica-seconds at the last tick */
    double sample_busy, sample_warm_area; /* at the last series sample */
    int peak;             /* max provisioned + warm + draining */
    double cold_sum_s;
    int64_t rr_next;
    int64_t rr_decode;    /* round-robin position in the decode pool */
    double kv_token_bytes; /* disaggregated: KV bytes per token, replica */
    double kv_link_bw;    /* disaggregated: resolved link bandwidth */
    sim_serve_samples_t xfer; /* disaggregated: KV transfer times */
    int64_t kv_blocks, watermark;
    int64_t *chunk_buf, *ctx_buf; /* max_num_seqs each, per EP rank */
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

/* serve_config.c: the step-time model's inputs (sim_serve_perf_t) for
 * cfg's model, GPU, TP, EP and links.  cfg must not be NULL. */
sim_serve_perf_t serve_perf_of(const sim_serve_config_t *cfg);

/* replica.c: start an iteration if the replica is idle and has work. */
void serve_replica_kick(replica_t *rp);

/* serve.c: put sequence si on replica rp's queue (routing done). */
sim_err_t serve_dispatch(serve_run_t *run, replica_t *rp, int32_t si);

/* serve.c: grow the series arrays to hold bucket idx (0 or -1). */
int serve_series_reserve(serve_run_t *run, size_t idx);

/* fleet.c: set up slots' states and the first tick; SIM_OK or NOMEM. */
sim_err_t serve_fleet_start(serve_run_t *run);

/* fleet.c: a warm replica for a new request by the router policy, or
 * NULL when none is warm (the request then waits at the router). */
replica_t *serve_fleet_route(serve_run_t *run);

/* fleet.c: a warm decode replica (disaggregated), NULL when none. */
replica_t *serve_fleet_route_decode(serve_run_t *run);

/* disagg.c: sequence si finished its prefill on prefill replica rp (its
 * blocks already freed, it is off rp's running array): start its KV
 * transfer to the decode pool. */
void serve_disagg_handoff(serve_run_t *run, replica_t *rp, int32_t si);

/* disagg.c: the disaggregated part of sim_serve_config_check. */
sim_err_t serve_disagg_check(const sim_serve_config_t *cfg,
                             sim_diag_t *diag);

/* disagg.c: resolve the link and the pool roles of a new run (slots
 * allocated, n_slots = prefill + decode). */
void serve_disagg_setup(serve_run_t *run);

/* disagg.c: per-pool and transfer figures into run->res. */
void serve_disagg_summarise(serve_run_t *run);

/* disagg.c: the disaggregated fields of res into obj (see serve.h). */
sim_err_t serve_disagg_json(const sim_serve_result_t *res, json_t *obj);

/* fleet.c: a request was queued at the router: wake the fleet from zero. */
void serve_fleet_wake(serve_run_t *run);

/* fleet.c: rp finished a request; a draining replica with nothing left
 * goes off. */
void serve_fleet_released(serve_run_t *run, replica_t *rp);

/* fleet.c: integrate the fleet's replica counts up to t. */
void serve_fleet_account(serve_run_t *run, sim_time_t t);

/* fleet.c: busy replica-seconds up to now, in-progress steps included. */
double serve_fleet_busy(const serve_run_t *run);

/* serve.c: has the run ended (stream done, nothing in system)? */
int serve_run_over(const serve_run_t *run);

/* serve.c: a sequence finished at now; records metrics, frees it. */
void serve_finish(serve_run_t *run, replica_t *rp, int32_t si);

/* serve.c: fail the run with err (first error wins). */
void serve_fail(serve_run_t *run, sim_err_t err, const char *msg);

#endif /* SIM_SERVE_SERVE_INT_H */
