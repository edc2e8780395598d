/*
 * build_fat_tree.c — the classic three-tier k-ary fat tree (Al-Fares et
 * al., SIGCOMM 2008): k pods of k/2 edge and k/2 aggregation switches,
 * (k/2)^2 core switches, k^3/4 host ports, every link at fabric bandwidth
 * (non-blocking).
 *
 * Assumes: a host port is one NIC port; nodes take consecutive ports (a
 * node with one single-port NIC is one fat-tree host, so k^3/4 nodes fit).
 * Core switch c connects to aggregation switch c / (k/2) of every pod.
 * The whole tree is built even when hosts fill only part of it.
 */
#include "topologies/build_util.h"

#include <stdio.h>

sim_err_t topo_fat_tree_build(const topo_params_t *p, topo_t **out,
                              sim_diag_t *diag)
{
    topo_t *t = NULL;
    int32_t nodes;
    sim_err_t err;

    *out = NULL;
    if ((err = tb_check_common(p, true, &nodes, diag)) != SIM_OK)
        return err;
    int64_t ports = (int64_t)nodes * p->nics_per_node * p->nic_ports;
    int64_t k = p->fat_tree_k;
    if (k == 0) {
        k = 2;
        while (k * k * k / 4 < ports)
            k += 2;
    }
    if (k < 2 || k % 2 != 0 || k > TOPO_MAX_RADIX)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.fat_tree_k",
                            "fat_tree_k must be an even number 2..%d (or 0 to "
                            "pick the smallest that fits), got %lld",
                            TOPO_MAX_RADIX, (long long)k);
    if (k * k * k / 4 < ports)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "a k = %lld fat tree has %lld host ports; %lld "
                            "GPUs need %lld (nics_per_node x nic_ports per "
                            "node); raise fat_tree_k or set it to 0",
                            (long long)k, (long long)(k * k * k / 4),
                            (long long)p->gpus, (long long)ports);
    int32_t h = (int32_t)(k / 2), K = (int32_t)k;

    t = topo_new(TOPO_FAT_TREE, p);
    if (t == NULL) {
        err = SIM_ERR_NOMEM;
        goto internal;
    }
    snprintf(t->tier_name[1], sizeof t->tier_name[1], "edge");
    snprintf(t->tier_name[2], sizeof t->tier_name[2], "aggregation");
    if ((err = topo_add_hosts(t, p, nodes)) != SIM_OK)
        goto internal;
    int32_t edge0 = t->n_vertices;
    for (int32_t pod = 0; pod < K; pod++)
        for (int32_t i = 0; i < h; i++)
            if ((err = topo_add_vertex(t, TOPO_V_LEAF, pod, 0, NULL)) != SIM_OK)
                goto internal;
    int32_t agg0 = t->n_vertices;
    for (int32_t pod = 0; pod < K; pod++)
        for (int32_t i = 0; i < h; i++)
            if ((err = topo_add_vertex(t, TOPO_V_SPINE, pod, 0, NULL)) != SIM_OK)
                goto internal;
    int32_t core0 = t->n_vertices;
    for (int32_t i = 0; i < h * h; i++)
        if ((err = topo_add_vertex(t, TOPO_V_CORE, -1, 0, NULL)) != SIM_OK)
            goto internal;

    for (int32_t nic = 0; nic < t->n_nics; nic++) {
        for (int32_t port = 0; port < p->nic_ports; port++) {
            int64_t slot = (int64_t)nic * p->nic_ports + port;
            err = topo_attach_port(t, nic, port, edge0 + (int32_t)(slot / h));
            if (err != SIM_OK)
                goto internal;
        }
    }
    for (int32_t pod = 0; pod < K; pod++)
        for (int32_t e = 0; e < h; e++)
            for (int32_t a = 0; a < h; a++)
                if ((err = tb_cable_switches(t, edge0 + pod * h + e,
                                             agg0 + pod * h + a,
                                             TOPO_L_LEAF_SPINE, 1)) != SIM_OK)
                    goto internal;
    for (int32_t pod = 0; pod < K; pod++)
        for (int32_t a = 0; a < h; a++)
            for (int32_t c = 0; c < h; c++)
                if ((err = tb_cable_switches(t, agg0 + pod * h + a,
                                             core0 + a * h + c,
                                             TOPO_L_SPINE_CORE, 1)) != SIM_OK)
                    goto internal;
    if ((err = topo_finalize(t)) != SIM_OK)
        goto internal;
    t->params.fat_tree_k = K;
    t->structured = true;
    *out = t;
    return SIM_OK;
internal:
    tb_fail(diag, err, "fat-tree");
    topo_free(t);
    return err;
}
