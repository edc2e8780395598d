/*
 * cluster.c — scenario [cluster] + GPU catalog → topo_params_t (cluster.h).
 */
#include "sim/cli/cluster.h"

#include "sim/config/keys.h"

static topo_kind_t kind_of(int topology)
{
    switch ((cfg_topology_t)topology) {
    case CFG_TOPO_SINGLE_NODE: return TOPO_SINGLE_NODE;
    case CFG_TOPO_RAIL_FAT_TREE: return TOPO_RAIL_FAT_TREE;
    case CFG_TOPO_HPN: return TOPO_HPN;
    case CFG_TOPO_FAT_TREE: return TOPO_FAT_TREE;
    case CFG_TOPO_SPINE_LEAF: return TOPO_SPINE_LEAF;
    }
    return TOPO_SINGLE_NODE; /* unreachable: the loader checked the enum */
}

/* Prefix diag with the scenario location of key, when it has none. */
static sim_err_t at_key(const cfg_scenario_t *sc, const char *key,
                        sim_err_t err, sim_diag_t *diag)
{
    if (diag != NULL && diag->file[0] == '\0') {
        const char *file = NULL;
        int line = 0;
        cfg_origin(sc, key, &file, &line);
        snprintf(diag->file, sizeof diag->file, "%s", file ? file : "");
        diag->line = line;
        snprintf(diag->key, sizeof diag->key, "%s", key);
    }
    return err;
}

sim_err_t cli_cluster_params(const cfg_scenario_t *sc, const wl_hwcat_t *cat,
                             topo_params_t *p, const wl_gpu_t **gpu,
                             sim_diag_t *diag)
{
    const wl_gpu_t *g = NULL;
    sim_err_t err = wl_hwcat_lookup(cat, cfg_get_str(sc, "cluster.gpu"), &g, diag);
    if (err != SIM_OK)
        return at_key(sc, "cluster.gpu", err, diag);

    topo_kind_t kind = kind_of(cfg_get_enum(sc, "cluster.topology"));
    topo_params_default(p, kind);
    p->gpus = cfg_get_int(sc, "cluster.gpus");
    p->gpus_per_node = (int32_t)cfg_get_int(sc, "cluster.gpus_per_node");
    p->nics_per_node = (int32_t)cfg_get_int(sc, "cluster.nics_per_node");
    if (!cfg_is_auto(sc, "cluster.nic_ports"))
        p->nic_ports = (int32_t)cfg_get_int(sc, "cluster.nic_ports");
    p->nic_bandwidth = cfg_get_double(sc, "cluster.nic_bandwidth");
    p->pcie_bandwidth = cfg_get_double(sc, "cluster.pcie_bandwidth");
    if (cfg_is_auto(sc, "cluster.nvlink_bandwidth")) {
        /* A GPU without NVLink (L40S) reaches its peers over PCIe. */
        p->nvlink_bandwidth = g->nvlink_bw > 0.0 ? g->nvlink_bw : p->pcie_bandwidth;
    } else {
        p->nvlink_bandwidth = cfg_get_double(sc, "cluster.nvlink_bandwidth");
    }
    p->oversubscription = cfg_get_double(sc, "cluster.oversubscription");
    p->core_oversubscription = cfg_get_double(sc, "cluster.core_oversubscription");
    p->link_latency = cfg_get_time_s(sc, "cluster.link_latency");
    p->switch_latency = cfg_get_time_s(sc, "cluster.switch_latency");
    p->segment_gpus = cfg_get_int(sc, "cluster.segment_gpus");
    p->pod_gpus = cfg_get_int(sc, "cluster.pod_gpus");
    p->fat_tree_k = (int32_t)cfg_get_int(sc, "cluster.fat_tree_k");
    if (gpu != NULL)
        *gpu = g;
    return SIM_OK;
}

sim_err_t cli_cluster_build(const cfg_scenario_t *sc, wl_hwcat_t **cat_out,
                            const wl_gpu_t **gpu, topo_t **topo_out,
                            sim_diag_t *diag)
{
    wl_hwcat_t *cat = NULL;
    topo_params_t p;
    *cat_out = NULL;
    *topo_out = NULL;
    sim_err_t err = wl_hwcat_load(&cat, diag);
    if (err != SIM_OK)
        return err;
    err = cli_cluster_params(sc, cat, &p, gpu, diag);
    if (err == SIM_OK)
        err = topo_build(&p, topo_out, diag);
    if (err != SIM_OK) {
        /* Builder range errors concern the [cluster] section. */
        if (diag != NULL && diag->file[0] == '\0')
            at_key(sc, "cluster.gpus", err, diag);
        wl_hwcat_free(cat);
        return err;
    }
    *cat_out = cat;
    return SIM_OK;
}
