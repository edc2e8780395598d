/*
 * build_util.h — helpers shared by the topology builders (internal to
 * topologies/; not part of the public API).
 *
 * Assumes: the caller validated p with tb_check_common first.
 */
#ifndef TOPO_BUILD_UTIL_H
#define TOPO_BUILD_UTIL_H

#include "topologies/topo.h"

/* Validate the parameters every builder shares and compute the node count.
 * need_fabric: NICs and switch parameters must be usable.  Returns
 * SIM_ERR_RANGE with a message naming the key and what is allowed. */
sim_err_t tb_check_common(const topo_params_t *p, bool need_fabric,
                          int32_t *nodes, sim_diag_t *diag);

/* Split a leaf's radix between NIC-facing ports (at port_bw, broken out of
 * fabric-speed ports) and uplinks (at fabric_bw) so that down capacity /
 * up capacity is as close to oversub as whole ports allow.  SIM_ERR_RANGE
 * if no port is left for hosts. */
sim_err_t tb_leaf_ports(const topo_params_t *p, int32_t radix, double oversub,
                        int32_t *down, int32_t *up, sim_diag_t *diag);

/* Upper switches needed when n_lower switches each spread `up` uplinks over
 * one group of radix-port switches: the smallest divisor of up that is at
 * least ceil(n_lower * up / radix), so each lower switch has up / result
 * parallel cables to every upper one (NVIDIA's SuperPOD tables follow this
 * fill).  -1 if n_lower > radix (one tier cannot reach them all). */
int32_t tb_group_size(int32_t n_lower, int32_t up, int32_t radix);

/* Cable switch a (lower tier) to switch b (upper tier) with n parallel
 * cables at fabric_bandwidth; latency = link + switch latency each way. */
sim_err_t tb_cable_switches(topo_t *t, int32_t a, int32_t b, topo_lkind_t kind,
                            int32_t n);

/* Wrap a low-level failure code from topo_add_* into diag.  Returns err. */
sim_err_t tb_fail(sim_diag_t *diag, sim_err_t err, const char *what);

#endif /* TOPO_BUILD_UTIL_H */
