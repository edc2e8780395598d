/*
 * train_comm.h — communication times of the training executor, measured on
 * the flow network (internal to sim/train).
 *
 * All use of the collective model goes through train_collective_time and
 * train_p2p_time, so a change of that API stays local to train_comm.c.
 * Times are measured once per distinct (op, group kind, bytes) on the
 * representative pipeline's stage-0 group, with the groups of the same
 * kind that contain the other GPUs of that stage's TP group running at
 * the same time (they share the node's NICs); then cached.
 *
 * Assumes: plan validated; the topology outlives the handle.
 */
#ifndef SIM_TRAIN_TRAIN_COMM_H
#define SIM_TRAIN_TRAIN_COMM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/net/nccl_tuning.h"
#include "topologies/topo.h"
#include "workloads/parallel.h"
#include "workloads/train_graph.h"

typedef struct train_comm train_comm_t;

/* A handle over topo (may be NULL only when free_comm: every time is 0).
 * Returns SIM_OK, SIM_ERR_INFEASIBLE (plan larger than the topology),
 * SIM_ERR_NOMEM.  Cost: O(gpus) for the group maps. */
sim_err_t train_comm_new(topo_t *topo, const sim_coll_profile_t *prof,
                         bool nvls, const wl_parallel_t *plan, bool free_comm,
                         train_comm_t **out, sim_diag_t *diag);

/* Free; NULL is a no-op. */
void train_comm_free(train_comm_t *c);

/* GPU id of stage s of the representative pipeline. */
int train_comm_stage_gpu(const train_comm_t *c, int stage);

/* Seconds of collective op (all-reduce, all-gather, reduce-scatter,
 * all-to-all) of `bytes` (nccl-tests convention) on group kind g, into
 * *out.  0 for groups of one GPU.  Returns SIM_OK or the network's
 * errors.  Cost: one flow-level run on a cache miss, O(cache) else. */
sim_err_t train_collective_time(train_comm_t *c, wl_coll_t op,
                                wl_group_kind_t g, double bytes,
                                double *out, sim_diag_t *diag);

/* Seconds for stage `from` to send `bytes` to stage `to` (every TP rank
 * sending its share at once), into *out.  Cached by (bytes, same node).
 * Returns as train_collective_time. */
sim_err_t train_p2p_time(train_comm_t *c, int from, int to, double bytes,
                         double *out, sim_diag_t *diag);

/* Flow-level runs so far. */
int64_t train_comm_measurements(const train_comm_t *c);

#endif /* SIM_TRAIN_TRAIN_COMM_H */
