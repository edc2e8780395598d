/*
 * flownet.h — the flow-level network model: GPU-to-GPU transfers as flows
 * that share directed links max-min fairly, moved through simulated time
 * by the event engine.
 *
 * Layers (SimGrid's split, ideas only): the engine moves time
 * (sim/engine), the solver knows only constraints and variables
 * (sim/net/lmm.h), and this model maps one to the other:
 *
 *   - every directed link of the topology is one lmm constraint, capacity
 *     = its bandwidth while the link and both its end vertices are up, 0
 *     while not (routing avoids such links anyway);
 *   - a flow is one or more "sub-flows", each an lmm variable over its
 *     routed path (links deduplicated) with a weight and a bound from the
 *     protocol-efficiency caps.
 *
 * Timing model.  A flow started at time s:
 *   1. is admitted at a = s + ceil(message_overhead_s): only then is it
 *      routed (so the route reflects the link state when its bytes start
 *      to move) and does it occupy bandwidth;
 *   2. sends its bytes at the max-min rates as they change; the last byte
 *      leaves at d (each rate change moves the predicted d, rounded UP to
 *      the nanosecond);
 *   3. completes at d + ceil(path latency), the sum of the link latencies
 *      along its path (propagation of the last byte; bandwidth is freed at
 *      d).  For one flow alone on its path the completion is
 *      s + ceil(overhead) + ceil(bytes / rate) + ceil(latency), i.e.
 *      overhead + latency + bytes / bandwidth rounded up (each of the three
 *      parts rounds up on its own, so at most 2 ns above a single ceil).
 *   A flow from a GPU to itself completes at a without moving bytes; a
 *   flow of 0 bytes completes at a + ceil(latency).
 *
 * Ordering rule (batching).  Admissions, drains (a sub-flow's last byte
 * left), cancellations and link changes only mark the solver dirty and
 * request one "solve" event at the current instant with priority
 * SIM_NET_PRIO_SOLVE, which fires after every event of lower priority
 * value (SIM_EQ_PRIO_DEFAULT included) at that instant.  So 16K flows
 * admitted at the same nanosecond cost one solve, not 16K.  Consequence:
 * rates read at instant t before that solve (by an event of default
 * priority at t) are the rates as they were just before t's batch.
 *
 * Incremental.  The solve reports the variables whose rate changed; only
 * those sub-flows have their remaining bytes brought up to date (kept
 * lazily as rate + time of last update) and their drain events moved.
 * Nothing ever loops over all active flows.  Residues below 1e-6 bytes or
 * 1e-12 relative to the sub-flow's bytes snap to zero.
 *
 * ECMP.  SIM_NET_ECMP_HASH: one path from topo_route(src, dst, salt)
 * (flows between the same endpoints may collide on an uplink unless their
 * salts differ).  SIM_NET_ECMP_SPRAY: topo_route_spray's equal-cost
 * fan-out (each hop splits evenly over its usable next hops) is decomposed
 * into at most as many weighted paths as the fan-out has links; each path
 * is a sub-flow carrying that fraction w of the bytes, with lmm weight w
 * (so a sprayed flow as a whole weighs 1 at a shared bottleneck).  The
 * flow completes when its last sub-flow completes.  Topologies without
 * up/down structure (hand-made ones) fall back to the hash route.
 *
 * Protocol-efficiency caps.  A flow's rate R is capped so that on every
 * link l of kind K carrying a fraction w_l of it (1 for a hash path),
 * w_l R <= eff_K bw_l, i.e. R <= eff_K * min_l (bw_l / w_l): "eff x the
 * bandwidth of the slowest link of its kind".  NVLink links use
 * nvlink_efficiency, NIC-port links (TOPO_L_NIC_LEAF) nic_efficiency; a
 * value of 1 means no cap.  A sub-flow of fraction w gets bound w R.
 *
 * Failures.  sim_net_link_set_up(false) / sim_net_vertex_set_up(false)
 * take the links out of service and re-route, at the same instant, every
 * flow that crosses one of them: its live sub-flows are brought up to
 * date, dropped, and its remaining bytes re-routed as a new set of
 * sub-flows (hash: topo_route with the flow's salt on the new state;
 * spray: a fresh fan-out).  A flow with no route left fails: its done
 * callback runs (from an event at that instant) with SIM_ERR_INFEASIBLE.
 * Recovery makes the links usable for flows admitted or re-routed later;
 * flows already in flight keep their detour (they are not moved back).
 * Change link and vertex state only through these functions while a net
 * uses the topology, or the net will not know which flows to move.
 *
 * Flow ids are positive int32 values recycled FIFO with a generation
 * tag, so a stale id (a flow already done, failed or cancelled) is
 * detected rather than aliasing a newer flow (unless its slot was reused
 * a multiple of 127 times meanwhile, which FIFO recycling makes rare).
 *
 * Assumes: single-threaded; the engine and the topology outlive the net
 * (sim_net_free cancels the net's pending events in the engine); routes
 * are at most TOPO_ROUTE_MAX_HOPS links; fewer than 2^24 flows alive at
 * once.
 */
#ifndef SIM_NET_FLOWNET_H
#define SIM_NET_FLOWNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/engine/engine.h"
#include "topologies/topo.h"

/* Priority of the network's batched solve event: after every default-
 * priority event at the same instant (see "Ordering rule" above). */
#define SIM_NET_PRIO_SOLVE 1000

typedef struct sim_net sim_net_t;

typedef enum sim_net_ecmp {
    SIM_NET_ECMP_HASH = 0, /* one hashed path per flow */
    SIM_NET_ECMP_SPRAY     /* even split over the equal-cost paths */
} sim_net_ecmp_t;

typedef struct sim_net_params {
    sim_net_ecmp_t ecmp;
    double message_overhead_s; /* per-flow start-up cost, seconds, >= 0 */
    double nvlink_efficiency;  /* (0, 1]; 1 = no cap */
    double nic_efficiency;     /* (0, 1]; 1 = no cap */
} sim_net_params_t;

/* Fill p with neutral defaults: hash ECMP, no overhead, no efficiency
 * caps (calibration sets real values; none are buried here).  Never
 * fails. */
void sim_net_params_default(sim_net_params_t *p);

/* Validate p (for scenario input): SIM_OK, or SIM_ERR_RANGE naming the
 * field (overhead finite and >= 0, efficiencies in (0, 1], a known ECMP
 * mode) in diag (may be NULL).  O(1). */
sim_err_t sim_net_params_check(const sim_net_params_t *p, sim_diag_t *diag);

/*
 * A network over topology topo (finalized) driven by engine eng.  p may be
 * NULL for the defaults; parameters that fail sim_net_params_check are
 * replaced, as a whole, by the defaults (validate user input first).
 * The net does not own eng or topo; both must outlive it, and link or
 * vertex state must change only through sim_net_*_set_up meanwhile.
 * Returns NULL when out of memory.
 * Cost: O(links).
 */
sim_net_t *sim_net_new(sim_engine_t *eng, topo_t *topo,
                       const sim_net_params_t *p);

/* Free the net: every flow still alive is dropped without a callback and
 * its pending events are cancelled in the engine.  sim_net_free(NULL)
 * does nothing.  Cost: O(flows ever alive at once + links). */
void sim_net_free(sim_net_t *net);

/* Completion callback: status SIM_OK, SIM_ERR_INFEASIBLE when the flow had
 * or lost its last route, or (rarely) SIM_ERR_NOMEM / SIM_ERR_RANGE when
 * admitting or re-routing it failed (the engine run then fails too).  It
 * runs from an engine event; by then the flow id is already stale, and
 * the callback may start or cancel other flows. */
typedef void (*sim_net_done_fn)(void *ctx, int32_t flow, sim_err_t status,
                                sim_time_t now);

/*
 * Start a flow of `bytes` (finite, >= 0) from GPU src_gpu to GPU dst_gpu
 * at the engine's current time; salt picks the hash path (ignored in spray
 * mode).  done (may be NULL) is called once, with ctx, when the flow
 * completes or fails — never from inside this call: a missing route is
 * reported through done with SIM_ERR_INFEASIBLE at admission time.  The
 * id goes to *flow_out (may be NULL).
 * Returns SIM_OK; SIM_ERR_RANGE for a GPU id out of range or bad bytes;
 * SIM_ERR_NOMEM.  On error nothing is started.  Cost: amortised O(1) plus
 * an event push; routing happens at admission.
 */
sim_err_t sim_net_flow_start(sim_net_t *net, int32_t src_gpu, int32_t dst_gpu,
                             double bytes, uint64_t salt, sim_net_done_fn done,
                             void *ctx, int32_t *flow_out);

/* Cancel a flow that has not completed: it frees its bandwidth (the
 * others speed up at this instant's solve) and its callback never runs.
 * Returns SIM_OK, or SIM_ERR_NOTFOUND for an unknown or stale id.
 * Cost: O(sub-flows x path length). */
sim_err_t sim_net_flow_cancel(sim_net_t *net, int32_t flow);

/* Current rate of a flow in bytes/s (sum over its sub-flows, as of the
 * last solve); 0 before admission, after its last byte left, or for a
 * stale id.  Cost: O(sub-flows). */
double sim_net_flow_rate(const sim_net_t *net, int32_t flow);

/* Bytes the flow still has to send at the current time (lazy: rate x time
 * since its last update, never negative); its full size before
 * admission, 0 once drained or for a stale id.  Cost: O(sub-flows). */
double sim_net_flow_remaining(const sim_net_t *net, int32_t flow);

/* Set the cable carrying `link` (both directions) down or up; see
 * "Failures" above.  Returns SIM_OK; SIM_ERR_RANGE for a link out of
 * range; SIM_ERR_NOMEM when re-routing a flow ran out of memory (that flow
 * then fails with that status; the others are still handled).
 * Cost: O(flows on the cable x route). */
sim_err_t sim_net_link_set_up(sim_net_t *net, int32_t link, bool up);

/* Set a vertex (switch, NIC, GPU) down or up; flows through it are
 * re-routed or fail as for links.  Same return codes (SIM_ERR_RANGE for a
 * vertex out of range).  Cost: O(degree + flows through it x route). */
sim_err_t sim_net_vertex_set_up(sim_net_t *net, int32_t vertex, bool up);

/* A counter that increases whenever rates may have changed: flow
 * admission, drain, cancel, failure, link or vertex change, and every
 * solve that changed a rate.  Equal versions => equal rates.  O(1). */
uint64_t sim_net_version(const sim_net_t *net);

/* Flows started and not yet completed, failed or cancelled (including
 * those waiting for admission or for their last byte to arrive).  O(1). */
size_t sim_net_active_flows(const sim_net_t *net);

typedef struct sim_net_stats {
    uint64_t flows_started; /* sim_net_flow_start successes */
    uint64_t flows_done;    /* completions with SIM_OK */
    uint64_t flows_failed;  /* completions with an error status */
    uint64_t reroutes;      /* flows re-routed after a failure */
    uint64_t solves;        /* solve events that ran the solver */
    uint64_t rerates;       /* sub-flow rate updates (drain events moved) */
} sim_net_stats_t;

/* Fill *s with the counters.  O(1). */
void sim_net_get_stats(const sim_net_t *net, sim_net_stats_t *s);

/* Bytes/s carried by directed link `link` now (as of the last solve); 0
 * for a link out of range.  Cost: O(users of the link). */
double sim_net_link_load(const sim_net_t *net, int32_t link);

/* Number of sub-flows (lmm variables) of a live flow, 0 for a stale id or
 * before admission; exposed for tests of spray mode.  O(sub-flows). */
size_t sim_net_flow_paths(const sim_net_t *net, int32_t flow);

/*
 * Self-test: the link -> sub-flow index matches every sub-flow's path,
 * counters agree, and (when no solve is pending) the solver's rates are
 * feasible and max-min fair within rel_tol (sim_lmm_check).  Returns
 * SIM_OK or SIM_ERR_CHECK with the first violation in diag (may be NULL).
 * For tests and debug runs.  Cost: O(sub-flows x path + links).
 */
sim_err_t sim_net_check(const sim_net_t *net, double rel_tol,
                        sim_diag_t *diag);

#endif /* SIM_NET_FLOWNET_H */
