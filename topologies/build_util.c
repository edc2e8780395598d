/*
 * build_util.c — parameter checks, leaf port split and switch-group sizing
 * shared by the builders (see build_util.h).
 */
#include "topologies/build_util.h"

#include <math.h>

static bool positive(double x) { return isfinite(x) && x > 0.0; }
static bool nonneg(double x) { return isfinite(x) && x >= 0.0; }

sim_err_t tb_check_common(const topo_params_t *p, bool need_fabric,
                          int32_t *nodes, sim_diag_t *diag)
{
    if (p->gpus_per_node < 1 || p->gpus_per_node > 1024)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "cluster.gpus_per_node",
                            "gpus_per_node must be 1..1024, got %d",
                            (int)p->gpus_per_node);
    if (p->gpus < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "gpus must be at least 1, got %lld",
                            (long long)p->gpus);
    if (p->gpus % p->gpus_per_node != 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "%lld GPUs is not a multiple of gpus_per_node = "
                            "%d; use a multiple of %d (e.g. %lld)",
                            (long long)p->gpus, (int)p->gpus_per_node,
                            (int)p->gpus_per_node,
                            (long long)((p->gpus / p->gpus_per_node + 1) *
                                        p->gpus_per_node));
    if (p->gpus > 4194304)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "at most 4194304 GPUs are supported, got %lld",
                            (long long)p->gpus);
    int lo_nics = need_fabric ? 1 : 0;
    if (p->nics_per_node < lo_nics || p->nics_per_node > 64)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "cluster.nics_per_node",
                            "nics_per_node must be %d..64, got %d", lo_nics,
                            (int)p->nics_per_node);
    if (p->nic_ports < 1 || p->nic_ports > 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.nic_ports",
                            "nic_ports must be 1 or 2, got %d",
                            (int)p->nic_ports);
    struct { const char *key; double v; bool pos; } num[] = {
        {"cluster.nvlink_bandwidth", p->nvlink_bandwidth, true},
        {"cluster.pcie_bandwidth", p->pcie_bandwidth, true},
        {"cluster.nic_bandwidth", p->nic_bandwidth, true},
        {"cluster.fabric_bandwidth", p->fabric_bandwidth, need_fabric},
        {"cluster.link_latency", p->link_latency, false},
        {"cluster.switch_latency", p->switch_latency, false},
        {"cluster.nvlink_latency", p->nvlink_latency, false},
        {"cluster.nic_latency", p->nic_latency, false},
    };
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        bool ok = num[i].pos ? positive(num[i].v) : nonneg(num[i].v);
        if (!ok)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, num[i].key,
                                "must be %s and finite, got %g",
                                num[i].pos ? "positive" : "non-negative",
                                num[i].v);
    }
    if (need_fabric) {
        if (!(p->oversubscription >= 1.0 && isfinite(p->oversubscription)))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "cluster.oversubscription",
                                "must be a ratio >= 1 (downlink : uplink "
                                "capacity), got %g", p->oversubscription);
        if (!(p->core_oversubscription >= 1.0 &&
              isfinite(p->core_oversubscription)))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "cluster.core_oversubscription",
                                "must be a ratio >= 1, got %g",
                                p->core_oversubscription);
        if (p->switch_radix < 4 || p->switch_radix > TOPO_MAX_RADIX)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "cluster.switch_radix",
                                "switch radix must be 4..%d ports, got %d",
                                TOPO_MAX_RADIX, (int)p->switch_radix);
    }
    *nodes = (int32_t)(p->gpus / p->gpus_per_node);
    return SIM_OK;
}

sim_err_t tb_leaf_ports(const topo_params_t *p, int32_t radix, double oversub,
                        int32_t *down, int32_t *up, sim_diag_t *diag)
{
    /* r: radix ports one NIC-facing port uses (2 x 200G share a 400G port). */
    double r = p->nic_bandwidth / p->nic_ports / p->fabric_bandwidth;
    long u = lround((double)radix / (1.0 + oversub));
    if (u < 1)
        u = 1;
    long d = (long)floor(oversub * (double)u / r + 1e-9);
    while (d > 0 && (long)ceil((double)d * r - 1e-9) + u > radix)
        d--;
    if (d < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "cluster.oversubscription",
                            "a %d-port leaf has no port left for hosts at "
                            "oversubscription %g; lower it or raise the radix",
                            (int)radix, oversub);
    *down = (int32_t)d;
    *up = (int32_t)u;
    return SIM_OK;
}

int32_t tb_group_size(int32_t n_lower, int32_t up, int32_t radix)
{
    if (n_lower > radix || up < 1)
        return -1;
    int64_t need = ((int64_t)n_lower * up + radix - 1) / radix;
    for (int32_t g = 1; g <= up; g++)
        if (up % g == 0 && g >= need)
            return g;
    return up; /* believed unreachable: up itself qualifies */
}

sim_err_t tb_cable_switches(topo_t *t, int32_t a, int32_t b, topo_lkind_t kind,
                            int32_t n)
{
    const topo_params_t *p = &t->params;
    double lat = p->link_latency + p->switch_latency;
    for (int32_t i = 0; i < n; i++) {
        sim_err_t err = topo_add_cable(t, a, b, kind, p->fabric_bandwidth,
                                       lat, lat, NULL);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

sim_err_t tb_fail(sim_diag_t *diag, sim_err_t err, const char *what)
{
    if (err == SIM_ERR_NOMEM)
        return sim_diag_set(diag, err, NULL, 0, NULL,
                            "out of memory while building %s", what);
    return sim_diag_set(diag, err, NULL, 0, NULL,
                        "internal error %s while building %s",
                        sim_err_str(err), what);
}
