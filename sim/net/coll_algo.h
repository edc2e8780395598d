/*
 * coll_algo.h — step schedules of NCCL-style collectives: which GPU sends
 * how many bytes to which GPU in each step.  Pure (no simulated time, no
 * network): the executor in collective.h turns steps into flows.
 *
 * A schedule is a list of phases.  A phase is one step repeated `repeat`
 * times, and every repetition moves exactly the same transfers (same src,
 * dst, bytes and ECMP salt): a ring all-reduce is one phase of 2(n-1)
 * identical steps, since only *which* chunk travels changes from step to
 * step, not the pairs.  That identity is what lets the executor collapse
 * repeated steps (see collective.h).  Steps are emitted lazily, one phase at
 * a time, so a 16,384-GPU pairwise all-to-all never holds n^2 transfers.
 *
 * Sizes follow nccl-tests (doc/PERFORMANCE.md): S is the all-reduce,
 * broadcast and reduce buffer; all-gather S = total OUTPUT (each rank
 * contributes S/n); reduce-scatter S = total INPUT per rank (each rank ends
 * with S/n); all-to-all S = each rank's send buffer (S/n to every rank,
 * itself included); send/recv S = the message.
 *
 * Algorithms (n ranks, c channels; a "node" is a set of ranks sharing an
 * NVLink domain, given by node_of):
 *   ring      c rings in parallel, each carrying S/c.  Across nodes each
 *             channel's ring walks the nodes in "snake" order (entering and
 *             leaving a node on the same rail, as NCCL's rings do with PXN),
 *             channel c entering at local rank c, so the c channels spread
 *             over the node's NICs.  Broadcast/reduce use the ring as a
 *             chain from/to the root, pipelined in chunks.
 *   tree      NCCL's double binary tree (all-reduce only): an intra-node
 *             chain plus a binary tree over nodes (NCCL's bit-pattern btree);
 *             the second tree is the first shifted by one node (even node
 *             count) or mirrored (odd), with the chain reversed so it leaves
 *             the node through another GPU.  Each tree carries S/2 in chunks,
 *             reduce up then broadcast down, pipelined.
 *   hd        recursive halving (reduce-scatter) then doubling (all-gather);
 *             n not a power of two folds the extra ranks in first (all-reduce
 *             only; reduce-scatter / all-gather need a power of two).
 *   nvls      NVLink SHARP, all-reduce inside one NVSwitch domain.  Flow
 *             model: the switch reduces and multicasts, so every GPU's
 *             NVLink carries S up (its whole buffer, reduced in the switch)
 *             plus S/n up (its reduced shard, multicast), and S/n + S down.
 *             We emit that as one step of n(n-1) GPU-to-GPU flows of
 *             S (n+1) / (n (n-1)) bytes: through a non-blocking NVSwitch this
 *             loads every GPU<->switch link in each direction with exactly
 *             S (n+1)/n, as the switch-terminated flows would.
 *   hierarchical (all-reduce) ring reduce-scatter inside each node over
 *             NVLink, then per-rail rings across nodes on S/g, then ring
 *             all-gather inside each node.  Needs g ranks in every node.
 *   pairwise  all-to-all in n-1 steps; step k sends rank i -> i+k (mod n).
 *             Steps differ, so they never collapse.
 *   p2p       send/recv: rank 0 -> rank 1 over c channels.
 *
 * Assumes: GPU ids are caller-defined (topology GPU ids); ranks are
 * positions in the gpus array.  Reductions' compute cost is not modelled
 * (NCCL fuses it into the copy; the calibrated efficiency absorbs it).
 */
#ifndef SIM_NET_COLL_ALGO_H
#define SIM_NET_COLL_ALGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef enum sim_coll_op {
    SIM_COLL_ALL_REDUCE = 0,
    SIM_COLL_ALL_GATHER,
    SIM_COLL_REDUCE_SCATTER,
    SIM_COLL_BROADCAST,
    SIM_COLL_REDUCE,
    SIM_COLL_ALL_TO_ALL,
    SIM_COLL_SEND_RECV,
    SIM_COLL_OP_COUNT
} sim_coll_op_t;

typedef enum sim_coll_algo {
    SIM_COLL_ALGO_AUTO = 0,
    SIM_COLL_ALGO_RING,
    SIM_COLL_ALGO_TREE,
    SIM_COLL_ALGO_HD,
    SIM_COLL_ALGO_NVLS,
    SIM_COLL_ALGO_HIER,
    SIM_COLL_ALGO_PAIRWISE,
    SIM_COLL_ALGO_P2P,
    SIM_COLL_ALGO_COUNT
} sim_coll_algo_t;

/* Canonical names: "allreduce", "allgather", "reducescatter", "broadcast",
 * "reduce", "alltoall", "sendrecv"; algorithms "auto", "ring", "tree", "hd",
 * "nvls", "hierarchical", "pairwise", "p2p".  Never NULL. */
const char *sim_coll_op_name(sim_coll_op_t op);
const char *sim_coll_algo_name(sim_coll_algo_t algo);

/* Parse a name, ignoring case, '_' and '-' ("all_reduce", "AllReduce");
 * algorithm aliases "hier", "halving-doubling", "rhd", "sendrecv".  Returns
 * SIM_ERR_NOTFOUND with diag listing the names.  Cost: O(names). */
sim_err_t sim_coll_op_from_name(const char *name, sim_coll_op_t *out,
                                sim_diag_t *diag);
sim_err_t sim_coll_algo_from_name(const char *name, sim_coll_algo_t *out,
                                  sim_diag_t *diag);

/* nccl-tests bus-bandwidth factor for op on n ranks: all-reduce
 * 2(n-1)/n; all-gather, reduce-scatter, all-to-all (n-1)/n; broadcast,
 * reduce, send/recv 1.  n <= 1 gives 0 for the (n-1) ops. */
double sim_coll_busbw_factor(sim_coll_op_t op, int64_t n);

/* Whether algo can run op (ignoring the group's shape). */
bool sim_coll_algo_supports(sim_coll_algo_t algo, sim_coll_op_t op);

/* One point-to-point transfer of a step. */
typedef struct sim_coll_xfer {
    int32_t src, dst;  /* GPU ids */
    double bytes;
    uint64_t salt;     /* ECMP salt: one per channel (and tree) */
    int32_t lane;      /* which port of a multi-port NIC to prefer: the
                          executor takes lane mod ports (ring/tree: the
                          channel's round over the node's GPUs; others: the
                          channel) */
} sim_coll_xfer_t;

/* A growable transfer list (caller storage). */
typedef struct sim_coll_xfers {
    size_t n, cap;
    sim_coll_xfer_t *v;
} sim_coll_xfers_t;

void sim_coll_xfers_init(sim_coll_xfers_t *x);
void sim_coll_xfers_destroy(sim_coll_xfers_t *x);

typedef struct sim_coll_sched_opts {
    int32_t channels;    /* rings / ECMP salts in parallel; >= 1 */
    double chunk_bytes;  /* pipeline chunk for tree, broadcast, reduce;
                            0 = 512 KiB */
    int32_t max_chunks;  /* cap on pipeline chunks; 0 = 1024 */
    int32_t root;        /* rank of the broadcast/reduce root */
    uint64_t salt;       /* mixed into every transfer's salt */
} sim_coll_sched_opts_t;

/* Defaults: 1 channel, 512 KiB chunks (NCCL's 4 MiB buffer over its 8
 * steps), at most 1024 chunks, root 0, salt 0. */
void sim_coll_sched_opts_default(sim_coll_sched_opts_t *o);

typedef struct sim_coll_sched sim_coll_sched_t;

/*
 * Build the schedule of op with algorithm algo (not AUTO) on the n ranks
 * gpus[0..n) (GPU ids, distinct) of which rank i lives in node node_of[i]
 * (NULL: all in one node), moving S = bytes (nccl-tests convention above).
 * Arrays are copied.  Returns SIM_OK; SIM_ERR_RANGE for n < 1, bytes < 0 or
 * not finite, a bad option, a repeated GPU, or send/recv without exactly 2
 * ranks; SIM_ERR_INFEASIBLE when algo cannot run op on this group (diag
 * says why: tree/nvls/hierarchical beyond all-reduce, hd reduce-scatter on
 * a non-power-of-two, hierarchical with uneven nodes); SIM_ERR_NOMEM.
 * *out is NULL on failure.  Cost: O(n log n) time, O(n x channels)
 * memory (trees and ring orders; phases are O(1) descriptors).
 */
sim_err_t sim_coll_sched_new(sim_coll_op_t op, sim_coll_algo_t algo,
                             const int32_t *gpus, const int32_t *node_of,
                             size_t n, double bytes,
                             const sim_coll_sched_opts_t *opts,
                             sim_coll_sched_t **out, sim_diag_t *diag);

/* Free a schedule; NULL is a no-op. */
void sim_coll_sched_free(sim_coll_sched_t *s);

/* Number of phases; steps (repetitions) of phase i; total steps. */
size_t sim_coll_sched_phases(const sim_coll_sched_t *s);
int64_t sim_coll_sched_repeat(const sim_coll_sched_t *s, size_t phase);
int64_t sim_coll_sched_steps(const sim_coll_sched_t *s);

/* Number of ranks and nodes the schedule spans. */
size_t sim_coll_sched_ranks(const sim_coll_sched_t *s);
size_t sim_coll_sched_nodes(const sim_coll_sched_t *s);

/*
 * Replace x's contents with the transfers of ONE step of phase `phase`
 * (every repetition is the same).  Transfers with 0 bytes are left out.
 * Returns SIM_OK or SIM_ERR_NOMEM (x then holds a prefix).  Cost: O(number
 * of transfers).
 */
sim_err_t sim_coll_sched_emit(const sim_coll_sched_t *s, size_t phase,
                              sim_coll_xfers_t *x);

#endif /* SIM_NET_COLL_ALGO_H */
