/*
 * keys.h — the scenario key table of `gpusim cluster` ([trace],
 * [scheduler], [failures]); compose it with cfg_keys_cluster and
 * cfg_keys_run.
 */
#ifndef SIM_CLUSTER_KEYS_H
#define SIM_CLUSTER_KEYS_H

#include "sim/config/schema.h"

extern const cfg_key_t sim_cluster_keys[];
/* Indices of trace.nodes's values (cfg_get_enum). */
enum {
    SIM_CLUSTER_NODES_AUTO,
    SIM_CLUSTER_NODES_TRACE,
    SIM_CLUSTER_NODES_CLUSTER,
    SIM_CLUSTER_NODES_SPOT2026,
};
/* Values of trace.nodes and failures.on_failure, in enum order. */
extern const char *const sim_cluster_node_sources[];
extern const char *const sim_cluster_failure_actions[];

#endif /* SIM_CLUSTER_KEYS_H */
