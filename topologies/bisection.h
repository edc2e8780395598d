/*
 * bisection.h — max-flow between two halves of a topology's GPUs.
 *
 * A cut assigns every node (host) to side A or B; its value is the maximum
 * flow from all A GPUs to all B GPUs over usable links at their bandwidths
 * (bytes/s, one direction).  Hosts never relay: A's NICs only send into
 * the fabric and B's only receive, as in a network bisection test.
 *
 * Two equivalent computations:
 *   - reduced (the default): GPUs and NVSwitches are dropped (with hosts
 *     whole on one side, each NIC can take the full PCIe capacity of its
 *     GPUs), and NICs with the same side, capacities and leaves are merged
 *     into one vertex — exact, since identical NICs form a polymatroid
 *     whose Minkowski sum is the merged vertex's.  At 131,072 GPUs the
 *     flow graph keeps only the switches and ~2,000 NIC groups.
 *   - full: the whole graph plus a super-source and super-sink (the
 *     reference the tests compare the reduced one against).
 * A single node is split between its first and second half of GPUs (full
 * method; its NVLink domain is the cut).
 *
 * Assumes: t is finalized; igraph's error handler does not abort.
 */
#ifndef TOPO_BISECTION_H
#define TOPO_BISECTION_H

#include <stdbool.h>

#include "sim/core/error.h"
#include "topologies/topo.h"

typedef enum topo_cut {
    TOPO_CUT_HALVES = 0,  /* nodes [0, N/2) vs [N/2, N) */
    TOPO_CUT_INTERLEAVED, /* even vs odd nodes */
    TOPO_CUT_RANDOM,      /* fixed-seed shuffle, then halves */
    TOPO_CUT_COUNT
} topo_cut_t;

const char *topo_cut_name(topo_cut_t cut);

/* Max-flow value of one cut into *value (0 with fewer than 2 GPUs).
 * reduced selects the method above.  Returns SIM_OK, SIM_ERR_NOMEM or
 * SIM_ERR_LIB.  Cost: one igraph push-relabel max-flow on the (reduced)
 * graph plus O(V + E) to build it. */
sim_err_t topo_bisection_cut(const topo_t *t, topo_cut_t cut, bool reduced,
                             double *value, sim_diag_t *diag);

#endif /* TOPO_BISECTION_H */
