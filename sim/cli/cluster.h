/*
 * cluster.h — from a resolved scenario's [cluster] section and the GPU
 * catalog to the plain parameter struct the topology builders take.
 *
 * Every model command (topo, collective, train, serve, ...) builds its
 * hardware through here, so a key means the same thing everywhere.
 */
#ifndef SIM_CLI_CLUSTER_H
#define SIM_CLI_CLUSTER_H

#include "sim/config/scenario.h"
#include "sim/core/error.h"
#include "topologies/topo.h"
#include "workloads/hwcat.h"

/*
 * Resolve cluster.gpu in cat (error names the scenario's file:line and key
 * when unknown) and fill p from the scenario: topology, counts, NIC, PCIe
 * and NVLink bandwidths ("auto" = the catalog's per-direction figure),
 * latencies and fabric shape.  Keys a scenario cannot set keep the
 * builder's documented defaults (topo_params_default).
 */
sim_err_t cli_cluster_params(const cfg_scenario_t *sc, const wl_hwcat_t *cat,
                             topo_params_t *p, const wl_gpu_t **gpu,
                             sim_diag_t *diag);

/* Load the catalog and build the scenario's topology in one go.  On success
 * the caller owns *cat_out and *topo_out. */
sim_err_t cli_cluster_build(const cfg_scenario_t *sc, wl_hwcat_t **cat_out,
                            const wl_gpu_t **gpu, topo_t **topo_out,
                            sim_diag_t *diag);

#endif /* SIM_CLI_CLUSTER_H */
