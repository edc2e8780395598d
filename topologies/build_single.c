/*
 * build_single.c — one node: its GPUs on one NVSwitch domain, each GPU on
 * PCIe to its NIC; the NICs lead nowhere (no fabric).
 *
 * Assumes: 1 <= gpus <= gpus_per_node; a smaller request builds a node of
 * that many GPUs, keeping the NIC-per-GPU ratio.
 */
#include "topologies/build_util.h"

sim_err_t topo_single_node_build(const topo_params_t *p, topo_t **out,
                                 sim_diag_t *diag)
{
    topo_t *t = NULL;
    int32_t nodes;
    sim_err_t err;
    topo_params_t q = *p;

    *out = NULL;
    if (p->gpus >= 1 && p->gpus < p->gpus_per_node) {
        q.gpus_per_node = (int32_t)p->gpus;
        if (p->nics_per_node > 0) {
            q.nics_per_node = (int32_t)(p->nics_per_node * p->gpus /
                                        p->gpus_per_node);
            if (q.nics_per_node < 1)
                q.nics_per_node = 1;
        }
    }
    if ((err = tb_check_common(&q, false, &nodes, diag)) != SIM_OK)
        return err;
    if (nodes != 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "single-node holds 1..%d GPUs (gpus_per_node), "
                            "got %lld; use a fabric topology for more",
                            (int)p->gpus_per_node, (long long)p->gpus);
    t = topo_new(TOPO_SINGLE_NODE, &q);
    if (t == NULL) {
        err = SIM_ERR_NOMEM;
        goto internal;
    }
    if ((err = topo_add_hosts(t, &q, 1)) != SIM_OK)
        goto internal;
    if ((err = topo_finalize(t)) != SIM_OK)
        goto internal;
    t->structured = true;
    *out = t;
    return SIM_OK;
internal:
    tb_fail(diag, err, "single-node");
    topo_free(t);
    return err;
}
