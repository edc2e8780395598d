/*
 * build_spine_leaf.c — two-tier leaf/spine (Clos) fabric with an
 * oversubscription ratio at the leaf.
 *
 * Assumes: NIC ports are cabled to leaves in order (node-major, not
 * rail-optimised), so a node's NICs usually share a leaf.  Spines are sized
 * by tb_group_size: every leaf reaches every spine, with parallel cables
 * when fewer spines suffice.  At most radix leaves.
 */
#include "topologies/build_util.h"

sim_err_t topo_spine_leaf_build(const topo_params_t *p, topo_t **out,
                                sim_diag_t *diag)
{
    topo_t *t = NULL;
    int32_t nodes, down, up;
    sim_err_t err;

    *out = NULL;
    if ((err = tb_check_common(p, true, &nodes, diag)) != SIM_OK)
        return err;
    int32_t R = p->switch_radix;
    if ((err = tb_leaf_ports(p, R, p->oversubscription, &down, &up, diag)) !=
        SIM_OK)
        return err;
    int64_t ports = (int64_t)nodes * p->nics_per_node * p->nic_ports;
    int64_t leaves = (ports + down - 1) / down;
    int32_t spines = leaves <= R ? tb_group_size((int32_t)leaves, up, R) : -1;
    if (spines < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "spine-leaf with %d-port switches holds at most "
                            "%d leaves x %d NIC ports = %lld GPUs at "
                            "oversubscription %g; got %lld GPUs (use "
                            "rail-fat-tree, fat-tree or hpn)",
                            (int)R, (int)R, (int)down,
                            (long long)R * down * p->gpus_per_node /
                                ((int64_t)p->nics_per_node * p->nic_ports),
                            p->oversubscription, (long long)p->gpus);

    t = topo_new(TOPO_SPINE_LEAF, p);
    if (t == NULL) {
        err = SIM_ERR_NOMEM;
        goto internal;
    }
    if ((err = topo_add_hosts(t, p, nodes)) != SIM_OK)
        goto internal;
    int32_t leaf0 = t->n_vertices;
    for (int64_t i = 0; i < leaves; i++)
        if ((err = topo_add_vertex(t, TOPO_V_LEAF, 0, 0, NULL)) != SIM_OK)
            goto internal;
    int32_t spine0 = t->n_vertices;
    for (int32_t i = 0; i < spines; i++)
        if ((err = topo_add_vertex(t, TOPO_V_SPINE, 0, 0, NULL)) != SIM_OK)
            goto internal;
    for (int32_t nic = 0; nic < t->n_nics; nic++) {
        for (int32_t port = 0; port < p->nic_ports; port++) {
            int64_t k = (int64_t)nic * p->nic_ports + port;
            err = topo_attach_port(t, nic, port, leaf0 + (int32_t)(k / down));
            if (err != SIM_OK)
                goto internal;
        }
    }
    for (int64_t l = 0; l < leaves; l++)
        for (int32_t s = 0; s < spines; s++)
            if ((err = tb_cable_switches(t, leaf0 + (int32_t)l, spine0 + s,
                                         TOPO_L_LEAF_SPINE, up / spines)) !=
                SIM_OK)
                goto internal;
    if ((err = topo_finalize(t)) != SIM_OK)
        goto internal;
    t->structured = true;
    *out = t;
    return SIM_OK;
internal:
    tb_fail(diag, err, "spine-leaf");
    topo_free(t);
    return err;
}
