/*
 * build_rail.c — rail-optimised fat tree in the style of the NVIDIA DGX
 * SuperPOD reference architecture [S36][S37] (tags listed in topo.c): NIC i
 * of every node in a scalable unit (SU) goes to leaf (SU, rail i); leaves
 * go to spines; a core tier is added when one spine layer cannot reach
 * every leaf.
 *
 * Sizing (radix R fabric-speed ports per switch, default 64 x 400G as the
 * Quantum-2 QM9700 [S38]):
 *   - leaf: `down` NIC ports and `up` uplinks from the oversubscription
 *     (R = 64, 1:1 gives 32 + 32, so an SU is 32 nodes = 256 GPUs [S36]);
 *   - two tiers while leaves <= R: spines = tb_group_size(leaves, up, R);
 *   - three tiers otherwise: pods of (R - spine_up) / rails SUs, `up`
 *     spines per pod (one cable to each leaf of the pod), spine_up =
 *     R / (1 + core_oversubscription); core group j joins spine j of every
 *     pod, sized by tb_group_size(pods, spine_up, R).
 * This reproduces the switch counts of the SuperPOD B200 RA table [S36]:
 * 4 SU 32 leaf/16 spine, 8 SU 64/32, 16 SU 128/128/64 core,
 * 64 SU 512/512/256.
 *
 * Assumes: nic_ports ports of a NIC all go to the rail's leaf.  A partly
 * filled last SU keeps its leaves (ports unused).
 */
#include "topologies/build_util.h"

#include <math.h>

sim_err_t topo_rail_fat_tree_build(const topo_params_t *p, topo_t **out,
                                   sim_diag_t *diag)
{
    topo_t *t = NULL;
    int32_t nodes, down, up;
    sim_err_t err;

    *out = NULL;
    if ((err = tb_check_common(p, true, &nodes, diag)) != SIM_OK)
        return err;
    int32_t R = p->switch_radix, rails = p->nics_per_node;
    if ((err = tb_leaf_ports(p, R, p->oversubscription, &down, &up, diag)) !=
        SIM_OK)
        return err;
    int32_t su_nodes = down / p->nic_ports;
    if (su_nodes < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.nic_ports",
                            "a leaf with %d host ports cannot take a %d-port "
                            "NIC", (int)down, (int)p->nic_ports);
    int64_t sus = ((int64_t)nodes + su_nodes - 1) / su_nodes;
    int64_t leaves = sus * rails;
    int32_t pods = 1, sus_per_pod = (int32_t)sus, spines_per_pod, cores_per_group = 0;
    int32_t spine_up = 0;
    bool three = leaves > R;
    if (!three) {
        spines_per_pod = tb_group_size((int32_t)leaves, up, R);
    } else {
        spine_up = (int32_t)lround(R / (1.0 + p->core_oversubscription));
        if (spine_up < 1)
            spine_up = 1;
        int32_t spine_down = R - spine_up;
        sus_per_pod = spine_down / rails;
        int64_t max_gpus = (int64_t)R * (sus_per_pod > 0 ? sus_per_pod : 0) *
                           su_nodes * p->gpus_per_node;
        if (sus_per_pod < 1 || up > R)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "cluster.nics_per_node",
                                "%d rails do not fit a %d-port spine with %d "
                                "downlinks; lower nics_per_node or raise the "
                                "radix", (int)rails, (int)R, (int)spine_down);
        pods = (int32_t)((sus + sus_per_pod - 1) / sus_per_pod);
        cores_per_group = pods <= R ? tb_group_size(pods, spine_up, R) : -1;
        if (cores_per_group < 0)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                                "rail-fat-tree with %d-port switches holds at "
                                "most %d pods x %d SUs x %d nodes = %lld GPUs; "
                                "got %lld (raise the radix or use hpn)",
                                (int)R, (int)R, (int)sus_per_pod,
                                (int)su_nodes, (long long)max_gpus,
                                (long long)p->gpus);
        spines_per_pod = up;
    }

    t = topo_new(TOPO_RAIL_FAT_TREE, p);
    if (t == NULL) {
        err = SIM_ERR_NOMEM;
        goto internal;
    }
    if ((err = topo_add_hosts(t, p, nodes)) != SIM_OK)
        goto internal;
    int32_t leaf0 = t->n_vertices;
    for (int64_t su = 0; su < sus; su++)
        for (int32_t r = 0; r < rails; r++)
            if ((err = topo_add_vertex(t, TOPO_V_LEAF,
                                       (int32_t)(su / sus_per_pod), 0, NULL)) !=
                SIM_OK)
                goto internal;
    int32_t spine0 = t->n_vertices;
    for (int32_t pod = 0; pod < pods; pod++)
        for (int32_t s = 0; s < spines_per_pod; s++)
            if ((err = topo_add_vertex(t, TOPO_V_SPINE, pod, 0, NULL)) != SIM_OK)
                goto internal;
    int32_t core0 = t->n_vertices;
    if (three)
        for (int32_t i = 0; i < spines_per_pod * cores_per_group; i++)
            if ((err = topo_add_vertex(t, TOPO_V_CORE, -1, 0, NULL)) != SIM_OK)
                goto internal;

    for (int32_t nic = 0; nic < t->n_nics; nic++) {
        int32_t node = t->nic_node[nic], rail = t->nic_rail[nic];
        int32_t leaf = leaf0 + (node / su_nodes) * rails + rail;
        for (int32_t port = 0; port < p->nic_ports; port++)
            if ((err = topo_attach_port(t, nic, port, leaf)) != SIM_OK)
                goto internal;
    }
    for (int64_t l = 0; l < leaves; l++) {
        int32_t pod = (int32_t)(l / rails / sus_per_pod);
        for (int32_t s = 0; s < spines_per_pod; s++)
            if ((err = tb_cable_switches(t, leaf0 + (int32_t)l,
                                         spine0 + pod * spines_per_pod + s,
                                         TOPO_L_LEAF_SPINE,
                                         up / spines_per_pod)) != SIM_OK)
                goto internal;
    }
    if (three) {
        int32_t per = spine_up / cores_per_group;
        for (int32_t pod = 0; pod < pods; pod++)
            for (int32_t j = 0; j < spines_per_pod; j++)
                for (int32_t c = 0; c < cores_per_group; c++)
                    if ((err = tb_cable_switches(
                             t, spine0 + pod * spines_per_pod + j,
                             core0 + j * cores_per_group + c,
                             TOPO_L_SPINE_CORE, per)) != SIM_OK)
                        goto internal;
    }
    if ((err = topo_finalize(t)) != SIM_OK)
        goto internal;
    t->structured = true;
    *out = t;
    return SIM_OK;
internal:
    tb_fail(diag, err, "rail-fat-tree");
    topo_free(t);
    return err;
}
