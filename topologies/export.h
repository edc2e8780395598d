/*
 * export.h — write a topology as GraphML or Graphviz DOT.
 *
 * GraphML: one node per vertex (attributes kind, tier, index, pod, plane,
 * up) and one directed edge per link, edge id == link id (attributes
 * kind, bandwidth_Bps, latency_s, up).  DOT: an undirected graph with one
 * edge per cable (links 2c and 2c+1), labelled with its kind and Gb/s;
 * a cable is drawn dashed when either direction is down.
 *
 * Assumes: t is finalized.  Numbers are written with the C locale, %.17g
 * for exactness in GraphML.
 */
#ifndef TOPO_EXPORT_H
#define TOPO_EXPORT_H

#include <stdio.h>

#include "sim/core/error.h"
#include "topologies/topo.h"

/* Write t to out in format "graphml" or "dot".  Returns SIM_OK,
 * SIM_ERR_USAGE for another format name, SIM_ERR_IO if a write failed
 * (diag says which).  Cost: O(V + E) output. */
sim_err_t topo_export(const topo_t *t, const char *format, FILE *out,
                      sim_diag_t *diag);

#endif /* TOPO_EXPORT_H */
