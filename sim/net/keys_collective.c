/*
 * keys_collective.c — the [collective] scenario keys read by
 * `gpusim collective` (and sweeps over it): which operation, how many
 * bytes, which algorithm.  Names follow NCCL and nccl-tests.
 */
#include "sim/net/keys_collective.h"

const char *const sim_coll_key_ops[] = {
    "allreduce", "allgather", "reducescatter", "broadcast", "reduce", "alltoall", "sendrecv", NULL,
};

const char *const sim_coll_key_algos[] = {
    "auto", "ring", "tree", "hd", "nvls", "hierarchical", "pairwise", "p2p", NULL,
};

const cfg_key_t sim_coll_keys[] = {
    {"collective", "op", CFG_ENUM, "allreduce", 0, 0, sim_coll_key_ops, 0,
     "operation, NCCL semantics; sizes follow nccl-tests (all-gather: total "
     "output, reduce-scatter: total input)"},
    {"collective", "bytes", CFG_BYTES, "1GiB", 0, 1e15, NULL, 0,
     "message size S (nccl-tests convention)"},
    {"collective", "algo", CFG_ENUM, "auto", 0, 0, sim_coll_key_algos, 0,
     "algorithm: auto picks what NCCL's tuning model would (NCCL "
     "src/graph/tuning.cc: per algorithm/protocol latency + size/bandwidth, "
     "minimum wins); hd = recursive halving-doubling"},
    {"collective", "channels", CFG_INT, "0", 0, 64, NULL, 0,
     "rings/trees in parallel; 0 = as NCCL would choose for the topology"},
    {"collective", "collapse", CFG_BOOL, "on", 0, 0, NULL, 0,
     "collapse repeated identical steps on a quiet fabric (exact; off = "
     "simulate every step)"},
    CFG_KEY_END,
};
