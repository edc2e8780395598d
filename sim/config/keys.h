/*
 * keys.h — key tables owned by the config module itself: [cluster] (the
 * hardware a scenario runs on, read by `gpusim topo` and every model) and
 * [run] (seed).  Model modules declare their own tables beside their code
 * and the CLI composes them, e.g.
 *   const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run,
 *                                      NULL};
 */
#ifndef SIM_CONFIG_KEYS_H
#define SIM_CONFIG_KEYS_H

#include "sim/config/schema.h"

/* [cluster]: GPU type and count, topology, NIC/PCIe/NVLink bandwidths,
 * latencies, HPN and fat-tree shape.  Terminated by CFG_KEY_END. */
extern const cfg_key_t cfg_keys_cluster[];

/* Choices of cluster.topology, NULL-terminated, in cfg_get_enum order. */
extern const char *const cfg_cluster_topologies[];

/* Indices into cfg_cluster_topologies (cfg_get_enum of cluster.topology). */
typedef enum cfg_topology {
    CFG_TOPO_SINGLE_NODE,
    CFG_TOPO_RAIL_FAT_TREE,
    CFG_TOPO_HPN,
    CFG_TOPO_FAT_TREE,
    CFG_TOPO_SPINE_LEAF,
} cfg_topology_t;

/* Choices of cluster.ecmp: "hash" (0) or "spray" (1). */
extern const char *const cfg_cluster_ecmp_modes[];

/* [run]: seed.  Terminated by CFG_KEY_END. */
extern const cfg_key_t cfg_keys_run[];

#endif /* SIM_CONFIG_KEYS_H */
