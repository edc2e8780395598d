/*
 * collective.h — running NCCL-style collectives on the flow network, with
 * nccl-tests' result definitions.
 *
 * Execution.  A collective's schedule (coll_algo.h) runs step by step: a
 * step waits its protocol step latency, then starts one flow per transfer
 * (sim_net_flow_start, bytes / protocol efficiency) and ends when its last
 * flow completes; the next step starts then.  Steps are globally
 * synchronous, not pipelined per peer as NCCL's ring is: on a symmetric
 * ring every transfer of a step takes the same time, so the barrier costs
 * nothing there; under skew the slowest link paces each step, which is
 * also what bounds a real ring in steady state.  Tree, broadcast and
 * reduce are pipelined in chunks by the schedule itself; the chunk count
 * is the tuning model's (nccl_tuning.h).  The collective's protocol
 * latency is paid once, before the first step.  Flows share links with
 * everything else on the net, so contention is real.
 *
 * Step collapsing.  Every repetition of a schedule phase moves the same
 * transfers.  When such a step ran in full on a quiet fabric — no foreign
 * flow was in flight when it began, no flow other than its own started
 * while it ran, the topology's state did not change, and nothing was left
 * in flight at its end — the next repetitions take exactly as long, so
 * they are not re-simulated: time advances by m x the measured duration,
 * m being the remaining repetitions limited to those that end before the
 * engine's next pending event (so nothing else can happen inside the
 * skipped span; when something is due sooner the step runs in full
 * again).  Exact on a quiet fabric; disabled by contention, which is then
 * simulated flow by flow.  spec.collapse = false forces full simulation.
 *
 * Results.  time_s from start to the last completion; algbw_GBps = S /
 * time / 1e9; busbw_GBps = algbw x sim_coll_busbw_factor (nccl-tests
 * doc/PERFORMANCE.md), S in nccl-tests' convention per op (coll_algo.h).
 *
 * Assumes: the engine, net and topology outlive every collective on them;
 * single-threaded.
 */
#ifndef SIM_NET_COLLECTIVE_H
#define SIM_NET_COLLECTIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/engine/engine.h"
#include "sim/net/coll_algo.h"
#include "sim/net/flownet.h"
#include "sim/net/nccl_tuning.h"
#include "topologies/topo.h"

/* What to run. */
typedef struct sim_coll_spec {
    sim_coll_op_t op;
    sim_coll_algo_t algo;   /* SIM_COLL_ALGO_AUTO: the tuning model picks */
    sim_coll_proto_t proto; /* SIM_COLL_PROTO_AUTO likewise */
    double bytes;           /* S, nccl-tests convention */
    int32_t channels;       /* 0 = auto (see collective.c) */
    int32_t root;           /* broadcast/reduce root rank */
    uint64_t salt;          /* ECMP salt base (vary per job) */
    bool collapse;          /* allow step collapsing (default true) */
} sim_coll_spec_t;

/* op all-reduce, auto/auto, 0 bytes, auto channels, root 0, salt 0,
 * collapsing on. */
void sim_coll_spec_default(sim_coll_spec_t *s);

/* What happened. */
typedef struct sim_coll_result {
    sim_coll_op_t op;
    sim_coll_algo_t algo;     /* as run (auto resolved) */
    sim_coll_proto_t proto;
    bool auto_picked;         /* the algorithm came from the tuning model */
    double bytes;
    int64_t gpus, nodes;
    int32_t channels;
    double time_s, algbw_GBps, busbw_GBps;
    double predicted_s;       /* the tuning model's estimate */
    int64_t steps, steps_simulated, steps_collapsed;
    uint64_t flows;           /* flows started */
    sim_err_t status;         /* SIM_OK, or the first flow's failure */
} sim_coll_result_t;

/* Hardware context a collective runs in. */
typedef struct sim_coll_env {
    sim_engine_t *eng;
    sim_net_t *net;
    topo_t *topo;
    const sim_coll_profile_t *prof;
    bool nvls;                /* the GPUs support NVLink SHARP (catalog) */
} sim_coll_env_t;

typedef struct sim_coll sim_coll_t;

/* Called once when a collective finishes (from an engine event). */
typedef void (*sim_coll_done_fn)(void *ctx, sim_coll_t *coll);

/*
 * Prepare a collective on ranks gpus[0..n) (topology GPU ids; rank i is
 * gpus[i]; node = NVLink domain): resolve auto choices, pick channels and
 * build the schedule.  env is copied (its pointers must stay valid).
 * Returns SIM_OK, or the codes of sim_coll_shape_of, sim_coll_choose and
 * sim_coll_sched_new (diag says why).  *out is NULL on failure.
 * Cost: O(n) (see sim_coll_sched_new).
 */
sim_err_t sim_coll_new(const sim_coll_env_t *env, const int32_t *gpus,
                       size_t n, const sim_coll_spec_t *spec,
                       sim_coll_t **out, sim_diag_t *diag);

/* Free a collective; one still running has its flows cancelled.  NULL is a
 * no-op. */
void sim_coll_free(sim_coll_t *c);

/* Start at the engine's current time; done (may be NULL) is called at the
 * end.  The caller runs the engine.  Returns SIM_OK, SIM_ERR_USAGE if
 * already started, or the engine's error. */
sim_err_t sim_coll_start(sim_coll_t *c, sim_coll_done_fn done, void *ctx);

/* Whether it finished; its result (valid once finished; before, the
 * choices and counts so far). */
bool sim_coll_finished(const sim_coll_t *c);
void sim_coll_get_result(const sim_coll_t *c, sim_coll_result_t *r);

/*
 * Run one collective alone to completion on env (starting at the engine's
 * current time; other traffic already on the net shares it).  Returns
 * SIM_OK with *res filled, the codes of sim_coll_new, the engine's error,
 * or res->status when a flow failed.  Cost: one engine run.
 */
sim_err_t sim_coll_run(const sim_coll_env_t *env, const int32_t *gpus,
                       size_t n, const sim_coll_spec_t *spec,
                       sim_coll_result_t *res, sim_diag_t *diag);

/*
 * Run m collectives concurrently on one env, all started at the engine's
 * current time: group j is gpus[off[j] .. off[j+1]) with spec specs[j].
 * res[j] gets each result.  Returns SIM_OK or the first error.
 */
sim_err_t sim_coll_run_many(const sim_coll_env_t *env, const int32_t *gpus,
                            const size_t *off, size_t m,
                            const sim_coll_spec_t *specs,
                            sim_coll_result_t *res, sim_diag_t *diag);

/*
 * Convenience for the CLI: a fresh engine and net on topo with prof's
 * network parameters (hash ECMP), then sim_coll_run on the first n GPUs
 * (all when n == 0).  Returns as sim_coll_run, or SIM_ERR_NOMEM.
 */
sim_err_t sim_coll_simulate(topo_t *topo, const sim_coll_profile_t *prof,
                            bool nvls, int64_t n, const sim_coll_spec_t *spec,
                            sim_coll_result_t *res, sim_diag_t *diag);

/* The network parameters a profile implies (hash ECMP). */
void sim_coll_net_params(const sim_coll_profile_t *prof, sim_net_params_t *p);

/* Add op, algo, proto, auto, bytes, gpus, nodes, channels, time_s,
 * algbw_GBps, busbw_GBps, predicted_s, steps, steps_simulated,
 * steps_collapsed, flows to obj.  Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t sim_coll_result_to_json(const sim_coll_result_t *r, json_t *obj);

/* A JSON array of result objects (for sweeps) in *out (new reference).
 * Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t sim_coll_results_to_json(const sim_coll_result_t *r, size_t n,
                                   json_t **out);

#endif /* SIM_NET_COLLECTIVE_H */
