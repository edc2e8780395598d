/*
 * flownet_int.h — the flow network's internal state, shared by
 * flownet.c (life cycle, events, solve, queries) and flownet_route.c
 * (turning a flow into routed sub-flows, failures).  Not a public header.
 *
 * Invariants:
 *   - a flow slot is FREE, PENDING (admission event pending), ACTIVE (it
 *     has sub-flow records; live_sf of them still send) or FINISHING (its
 *     completion event is pending; no live sub-flow);
 *   - a live sub-flow has an lmm variable `var` with var_sf[var] == its
 *     index, and each distinct link of its path is linked, once, into
 *     that link's list (entry id = sub-flow * FN_HOPS + position);
 *   - a live sub-flow's `rem` bytes were remaining at time `last`, and it
 *     has sent at `rate` since then (lazy update); its drain event is
 *     pending at the predicted time of its last byte, or absent while its
 *     rate is 0 or not yet solved.
 */
#ifndef SIM_NET_FLOWNET_INT_H
#define SIM_NET_FLOWNET_INT_H

#include "sim/net/flownet.h"
#include "sim/net/lmm.h"
#include "topologies/route.h"

#define FN_HOPS TOPO_ROUTE_MAX_HOPS /* path slots per sub-flow */
#define FN_SLOT_BITS 24
#define FN_SLOT_MASK ((1u << FN_SLOT_BITS) - 1u)
#define FN_GEN_MAX 127u /* generations 1..127 live in bits 24..30 */

enum { FN_FREE = 0, FN_PENDING, FN_ACTIVE, FN_FINISHING };

typedef struct fn_flow {
    sim_net_done_fn done;
    void *ctx;
    double bytes;
    uint64_t salt;
    uint64_t mark;       /* epoch stamp while collecting re-route victims */
    sim_time_t done_at;  /* latest (drain + latency) of its sub-flows */
    sim_eq_handle_t ev;  /* admission or completion event */
    int32_t src, dst;
    int32_t first_sf;    /* its sub-flow records, linked by next; -1 none */
    int32_t live_sf;     /* records still sending */
    int32_t next_free;   /* FIFO free list */
    uint32_t gen;        /* 1..FN_GEN_MAX */
    uint8_t state;
    sim_err_t status;    /* for FINISHING */
} fn_flow_t;

typedef struct fn_sub {
    double weight, bytes; /* fraction of the flow, bytes at (re)start */
    double rem, rate;     /* lazy: rem bytes at `last`, sending at rate */
    double lat;           /* path latency, seconds */
    sim_time_t last;
    sim_eq_handle_t ev;   /* drain event */
    int32_t flow;         /* owning slot */
    int32_t next;         /* next record of the flow, or of the free list */
    int var;              /* lmm variable, -1 once drained */
    uint8_t n;            /* distinct links in the path */
} fn_sub_t;

struct sim_net {
    sim_engine_t *eng;
    topo_t *topo;
    sim_net_params_t p;
    sim_lmm_t *lmm;

    int *link_cnst;      /* lmm constraint of each directed link */
    int32_t *link_head;  /* first index entry of each link, -1 none */

    fn_flow_t *flows;
    size_t flows_cap;
    int32_t free_head, free_tail;

    fn_sub_t *subs;
    size_t subs_cap;
    int32_t sub_free;
    int32_t *e_link, *e_next, *e_prev; /* subs_cap * FN_HOPS entries */

    int32_t *var_sf;     /* lmm variable -> sub-flow, -1 none */
    size_t var_cap;

    bool solve_pending;
    sim_eq_handle_t solve_ev;
    uint64_t version, epoch;
    size_t active;
    sim_net_stats_t st;

    /* Scratch, grown as needed and kept. */
    topo_spray_t spray;
    double *dec_rem;     /* per spray entry */
    size_t dec_rem_cap;
    int32_t *dec_links;  /* dec_cap paths x FN_HOPS */
    double *dec_w;
    size_t dec_cap, dec_n;
    int32_t *aff;        /* flows hit by a failure */
    size_t aff_cap;
    int32_t *vlinks;     /* links around a vertex: 2 x max_degree */
};

/* ---- flownet.c ---------------------------------------------------------- */

/* Schedule the batched solve at the current instant unless one is pending.
 * SIM_OK or the engine's error. */
sim_err_t fn_request_solve(sim_net_t *net);

/* Bring a live sub-flow's remaining bytes up to `now` (snapping
 * residues). */
void fn_sub_catch_up(fn_sub_t *s, sim_time_t now);

/* Stop a live sub-flow: free its variable, unlink its path, cancel its
 * drain event.  The record stays with its flow. */
void fn_sub_release(sim_net_t *net, int32_t i);

/* Release every live sub-flow of flow slot f and free all its records;
 * returns the bytes they still had at `now`. */
double fn_flow_drop_subs(sim_net_t *net, int32_t f, sim_time_t now);

/* Turn flow slot f into FINISHING with `status` and schedule its
 * completion at time t (>= now).  SIM_OK or the engine's error. */
sim_err_t fn_flow_finish_at(sim_net_t *net, int32_t f, sim_err_t status,
                            sim_time_t t);

/* A free sub-flow record (pool grown as needed), zeroed except var = -1
 * and n = 0, in *out.  SIM_OK or SIM_ERR_NOMEM.  May move net->subs. */
sim_err_t fn_sub_alloc(sim_net_t *net, int32_t *out);

/* Make sure var_sf can hold variable id v.  SIM_OK or SIM_ERR_NOMEM. */
sim_err_t fn_var_reserve(sim_net_t *net, int v);

/* Capacity link l should have now: its bandwidth if usable, else 0. */
double fn_link_capacity(const sim_net_t *net, int32_t l);

/* ---- flownet_route.c ---------------------------------------------------- */

/* Route `bytes` of flow slot f (ACTIVE, no live sub-flow) from the
 * current state and add its sub-flows (rates come at the next solve).
 * With bytes == 0, only done_at is advanced by the path latency.
 * Returns SIM_OK; SIM_ERR_INFEASIBLE (no route); SIM_ERR_RANGE (route too
 * long, bad bound); SIM_ERR_NOMEM.  On error no sub-flow was added. */
sim_err_t fn_route_flow(sim_net_t *net, int32_t f, double bytes);

/* Re-route every flow with a live sub-flow on one of the n links (after
 * they went out of service).  Flows left without a route are finished
 * with SIM_ERR_INFEASIBLE.  Returns SIM_OK or the first other error. */
sim_err_t fn_reroute_links(sim_net_t *net, const int32_t *links, size_t n);

#endif /* SIM_NET_FLOWNET_INT_H */
