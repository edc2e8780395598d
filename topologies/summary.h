/*
 * summary.h — what a topology amounts to: counts by kind and tier, link
 * bandwidths, per-host injection, oversubscription, bisection bandwidth and
 * GPU-to-GPU diameter, all computed from the built graph (never copied
 * from the parameters), plus text and JSON renderings.
 *
 * Methods:
 *   - bisection: the minimum, over a few balanced host bipartitions
 *     ("halves": first half of the nodes vs the second; "interleaved": even
 *     vs odd nodes; "random": a fixed-seed shuffle), of the max-flow from
 *     one half to the other (bisection.h: igraph push-relabel on an exact
 *     reduction of the graph, usable links only, hosts never relay).  One
 *     direction, bytes/s.  A single node is cut between its GPU halves.
 *   - diameter: the largest hop count of a shortest directed path between
 *     two GPUs (igraph BFS).  Exact (every GPU a source) up to
 *     TOPO_DIAMETER_EXACT_GPUS GPUs; above, sources are every GPU of the
 *     first node plus the first GPU of the middle and last nodes — exact
 *     for the builders' fabrics, where every GPU is equivalent under the
 *     fabric's symmetry to one of these positions.
 *
 * Assumes: t is finalized.  Cost: three max-flows on the reduced graph
 * (switches + NIC groups) plus O(S (V + E)) for the diameter BFS.
 */
#ifndef TOPO_SUMMARY_H
#define TOPO_SUMMARY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/error.h"
#include "topologies/topo.h"

#define TOPO_DIAMETER_EXACT_GPUS 1024
#define TOPO_SUMMARY_MAX_CUTS 3 /* == TOPO_CUT_COUNT */

typedef struct topo_summary {
    topo_kind_t kind;
    char tier_name[TOPO_TIER_COUNT][16];
    int32_t gpus, nodes, nvlink_domains, nics, nic_ports; /* ports cabled */
    int32_t vertices, links;                 /* directed links */
    int32_t switches[TOPO_TIER_COUNT];       /* [1] leaf, [2] spine, [3] core */
    int64_t cables[TOPO_L_KIND_COUNT];       /* physical cables by kind */
    double link_bw_min[TOPO_L_KIND_COUNT];   /* bytes/s per direction */
    double link_bw_max[TOPO_L_KIND_COUNT];
    double host_injection_bw;  /* bytes/s: node 0's NIC ports into the fabric */
    double leaf_oversubscription;  /* first leaf: down / up capacity; 0 = n/a */
    double spine_oversubscription; /* first spine: down / up capacity; 0 = n/a */
    double bisection_bw;           /* bytes/s, min over the cuts */
    int n_cuts;
    char cut_name[TOPO_SUMMARY_MAX_CUTS][16];
    double cut_bw[TOPO_SUMMARY_MAX_CUTS];
    int32_t diameter_hops;     /* -1 if some GPU pair is disconnected */
    bool diameter_exact;
    int32_t diameter_sources;
} topo_summary_t;

/* Fill *s from t.  Returns SIM_OK, SIM_ERR_NOMEM or SIM_ERR_LIB (igraph
 * failed; diag says where).  s is fully overwritten. */
sim_err_t topo_summary_compute(const topo_t *t, topo_summary_t *s,
                               sim_diag_t *diag);

/* Human-readable, several lines, C-locale numbers.  Returns SIM_OK or
 * SIM_ERR_IO if writing failed. */
sim_err_t topo_summary_print_text(const topo_summary_t *s, FILE *out);

/* Add the summary's fields to the JSON object obj (caller owns obj).
 * Bandwidths in bytes/s (keys end in _Bps).  Returns SIM_OK or
 * SIM_ERR_NOMEM. */
sim_err_t topo_summary_to_json(const topo_summary_t *s, json_t *obj);

#endif /* TOPO_SUMMARY_H */
