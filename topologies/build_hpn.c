/*
 * build_hpn.c — Alibaba HPN (Qian et al., "Alibaba HPN: A Data Center
 * Network for Large Language Model Training", SIGCOMM 2024).
 *
 * Structure and numbers (source tags are listed in topo.c, "SOURCE"):
 *   - host: 8 GPUs, 8 backend NICs, each 2 x 200 Gb/s ports = 3.2 Tb/s per
 *     host [S31][S32];
 *   - dual-ToR: the two ports of a NIC go to two different, non-stacked
 *     ToRs [S31][S32]; the two ToRs of a pair belong to two separate
 *     aggregation planes ("dual-plane") [S31][S33];
 *   - rail-optimised: NIC i of every host in a segment goes to rail i's
 *     ToR pair [S31];
 *   - segment: 1,024 GPUs = 128 hosts under 8 rails x 2 ToRs [S31][S33];
 *     51.2 Tb/s single-chip switches, 128 x 400G [S31][S33];
 *   - pod: 15 segments = 15,360 GPUs ("~15K") [S26][S31]; 120 aggregation
 *     switches per pod, 60 per plane, each ToR with one 400G uplink to
 *     every aggregation switch of its plane (ToR 25.6T down : 24T up,
 *     ~1.07:1) [S26];
 *   - an aggregation switch has 120 ToR downlinks and its remaining 8 ports
 *     up to the core, ~15:1 [D from S26; the paper's exact tier-3 ratio is
 *     unverified, see catalog-facts §7].
 * Parameterised: segment_gpus, pod_gpus, switch_radix, nic_ports (planes),
 * oversubscription (ToR uplinks = ceil(down capacity / ratio / 400G),
 * capped by hpn_aggs_per_plane and free ports), core_oversubscription
 * (aggregation uplinks, capped by free ports).
 *
 * Core tier (only with more than one pod): core group (plane x, index j)
 * joins aggregation switch (x, j) of every pod, sized by tb_group_size, so
 * planes stay separate end to end.  Partial last segments and pods keep
 * their full switch sets.
 */
#include "topologies/build_util.h"

#include <math.h>
#include <stdio.h>

sim_err_t topo_hpn_build(const topo_params_t *p, topo_t **out,
                         sim_diag_t *diag)
{
    topo_t *t = NULL;
    int32_t nodes;
    sim_err_t err;

    *out = NULL;
    if ((err = tb_check_common(p, true, &nodes, diag)) != SIM_OK)
        return err;
    int32_t R = p->switch_radix, rails = p->nics_per_node;
    int32_t planes = p->nic_ports;
    if (p->segment_gpus < p->gpus_per_node ||
        p->segment_gpus % p->gpus_per_node != 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "cluster.segment_gpus",
                            "segment_gpus must be a positive multiple of "
                            "gpus_per_node = %d, got %lld",
                            (int)p->gpus_per_node, (long long)p->segment_gpus);
    if (p->pod_gpus < p->segment_gpus || p->pod_gpus % p->segment_gpus != 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.pod_gpus",
                            "pod_gpus must be a positive multiple of "
                            "segment_gpus = %lld, got %lld",
                            (long long)p->segment_gpus,
                            (long long)p->pod_gpus);
    int64_t seg_hosts = p->segment_gpus / p->gpus_per_node;
    int64_t segs_per_pod = p->pod_gpus / p->segment_gpus;
    double port_bw = p->nic_bandwidth / planes;
    int64_t tor_down_units =
        (int64_t)ceil(seg_hosts * port_bw / p->fabric_bandwidth - 1e-9);
    if (tor_down_units >= R)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "cluster.segment_gpus",
                            "a segment of %lld hosts needs %lld of a ToR's %d "
                            "ports for hosts, leaving none for uplinks; use "
                            "at most %lld GPUs per segment",
                            (long long)seg_hosts, (long long)tor_down_units,
                            (int)R,
                            (long long)((R - 1) * p->fabric_bandwidth /
                                        port_bw) * p->gpus_per_node);
    int64_t want_up = (int64_t)ceil(seg_hosts * port_bw /
                                    (p->oversubscription * p->fabric_bandwidth) -
                                    1e-9);
    int64_t tor_up = want_up;
    if (tor_up > R - tor_down_units)
        tor_up = R - tor_down_units;
    if (p->hpn_aggs_per_plane > 0 && tor_up > p->hpn_aggs_per_plane)
        tor_up = p->hpn_aggs_per_plane;
    if (tor_up < 1)
        tor_up = 1;
    int64_t agg_down = segs_per_pod * rails; /* ToRs of one plane in a pod */
    if (agg_down >= R)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.pod_gpus",
                            "a pod of %lld segments x %d rails needs %lld "
                            "ToR ports on each %d-port aggregation switch; "
                            "use at most %lld GPUs per pod",
                            (long long)segs_per_pod, (int)rails,
                            (long long)agg_down, (int)R,
                            (long long)((R - 1) / rails) *
                                (long long)p->segment_gpus);
    int64_t agg_up = (int64_t)ceil((double)agg_down /
                                   p->core_oversubscription - 1e-9);
    if (agg_up > R - agg_down)
        agg_up = R - agg_down;
    if (agg_up < 1)
        agg_up = 1;
    int64_t segments = ((int64_t)nodes + seg_hosts - 1) / seg_hosts;
    int64_t pods = (segments + segs_per_pod - 1) / segs_per_pod;
    int32_t cores_per_group = 0;
    if (pods > 1) {
        cores_per_group = pods <= R
            ? tb_group_size((int32_t)pods, (int32_t)agg_up, R) : -1;
        if (cores_per_group < 0)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                                "hpn with %d-port core switches joins at most "
                                "%d pods = %lld GPUs; got %lld",
                                (int)R, (int)R,
                                (long long)R * (long long)p->pod_gpus,
                                (long long)p->gpus);
    }

    t = topo_new(TOPO_HPN, p);
    if (t == NULL) {
        err = SIM_ERR_NOMEM;
        goto internal;
    }
    snprintf(t->tier_name[1], sizeof t->tier_name[1], "tor");
    snprintf(t->tier_name[2], sizeof t->tier_name[2], "aggregation");
    if ((err = topo_add_hosts(t, p, nodes)) != SIM_OK)
        goto internal;
    /* ToR (segment s, rail r, plane x) = leaf0 + (s * rails + r) * planes + x */
    int32_t leaf0 = t->n_vertices;
    for (int64_t s = 0; s < segments; s++)
        for (int32_t r = 0; r < rails; r++)
            for (int32_t x = 0; x < planes; x++)
                if ((err = topo_add_vertex(t, TOPO_V_LEAF,
                                           (int32_t)(s / segs_per_pod), x,
                                           NULL)) != SIM_OK)
                    goto internal;
    /* Aggregation (pod, plane x, j) = agg0 + (pod * planes + x) * tor_up + j */
    int32_t agg0 = t->n_vertices;
    for (int64_t pod = 0; pod < pods; pod++)
        for (int32_t x = 0; x < planes; x++)
            for (int64_t j = 0; j < tor_up; j++)
                if ((err = topo_add_vertex(t, TOPO_V_SPINE, (int32_t)pod, x,
                                           NULL)) != SIM_OK)
                    goto internal;
    /* Core (plane x, j, c) = core0 + (x * tor_up + j) * cores_per_group + c */
    int32_t core0 = t->n_vertices;
    if (pods > 1)
        for (int32_t x = 0; x < planes; x++)
            for (int64_t j = 0; j < tor_up * cores_per_group; j++)
                if ((err = topo_add_vertex(t, TOPO_V_CORE, -1, x, NULL)) !=
                    SIM_OK)
                    goto internal;

    for (int32_t nic = 0; nic < t->n_nics; nic++) {
        int64_t s = t->nic_node[nic] / seg_hosts;
        int32_t r = t->nic_rail[nic];
        for (int32_t x = 0; x < planes; x++)
            if ((err = topo_attach_port(t, nic, x,
                                        leaf0 + (int32_t)((s * rails + r) *
                                                          planes + x))) !=
                SIM_OK)
                goto internal;
    }
    for (int64_t s = 0; s < segments; s++) {
        int64_t pod = s / segs_per_pod;
        for (int32_t r = 0; r < rails; r++)
            for (int32_t x = 0; x < planes; x++) {
                int32_t tor = leaf0 + (int32_t)((s * rails + r) * planes + x);
                int32_t a0 = agg0 + (int32_t)((pod * planes + x) * tor_up);
                for (int64_t j = 0; j < tor_up; j++)
                    if ((err = tb_cable_switches(t, tor, a0 + (int32_t)j,
                                                 TOPO_L_LEAF_SPINE, 1)) !=
                        SIM_OK)
                        goto internal;
            }
    }
    if (pods > 1) {
        int32_t per = (int32_t)agg_up / cores_per_group;
        for (int64_t pod = 0; pod < pods; pod++)
            for (int32_t x = 0; x < planes; x++)
                for (int64_t j = 0; j < tor_up; j++) {
                    int32_t agg = agg0 + (int32_t)((pod * planes + x) * tor_up + j);
                    int32_t c0 = core0 + (int32_t)((x * tor_up + j) *
                                                   cores_per_group);
                    for (int32_t c = 0; c < cores_per_group; c++)
                        if ((err = tb_cable_switches(t, agg, c0 + c,
                                                     TOPO_L_SPINE_CORE, per)) !=
                            SIM_OK)
                            goto internal;
                }
    }
    if ((err = topo_finalize(t)) != SIM_OK)
        goto internal;
    t->structured = true;
    *out = t;
    return SIM_OK;
internal:
    tb_fail(diag, err, "hpn");
    topo_free(t);
    return err;
}
