/*
 * route.h — GPU-to-GPU routes over a topology: one ECMP path as a list of
 * directed link ids, or the whole equal-cost fan-out ("spray").
 *
 * Structured topologies (every builder's) use up/down routing: inside a
 * node GPU -> NVSwitch -> GPU; across nodes GPU -> PCIe -> own rail NIC ->
 * NIC port -> leaf -> up to the lowest tier that reaches the destination
 * leaf -> down -> NIC port -> NIC -> PCIe -> GPU.  Each up step and each
 * choice among parallel down links is picked by a deterministic hash of
 * (src, dst, salt, step); a choice whose rest of the path is dead (a link
 * or switch down) is skipped for the next one, and on dual-ToR hosts the
 * other NIC port (plane) is tried.  No search over the whole graph: a
 * route costs O(tiers x radix).
 *
 * Other (hand-made) topologies use a breadth-first search per route that
 * never passes through a GPU other than the endpoints.
 *
 * Assumes: t is finalized.  Routes read the current up/down state; they
 * stay valid until t->state_version changes.
 */
#ifndef TOPO_ROUTE_H
#define TOPO_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "topologies/topo.h"

/* Longest route a structured topology produces (host + 3 up + 3 down +
 * host is 10); a buffer this large always suffices for them. */
#define TOPO_ROUTE_MAX_HOPS 16

/*
 * One route from GPU src to GPU dst: writes up to cap link ids to links and
 * their number to *n (0 when src == dst).  Returns SIM_OK;
 * SIM_ERR_INFEASIBLE when every candidate path has a link or vertex down
 * (diag says which GPUs); SIM_ERR_RANGE for a GPU id out of range or a
 * route longer than cap.  Cost: O(tiers x radix) for structured
 * topologies, O(V + E) (allocating) otherwise.  Reads t only.
 */
sim_err_t topo_route(const topo_t *t, int32_t src, int32_t dst, uint64_t salt,
                     int32_t *links, size_t cap, size_t *n, sim_diag_t *diag);

/* The same search on any finalized topology between any two vertices,
 * breadth-first on usable links, never through a GPU vertex other than
 * src and dst, ties broken by the hash.  Same return codes as topo_route.
 * Cost: O(V + E) time, O(V) memory allocated per call. */
sim_err_t topo_route_generic(const topo_t *t, int32_t src_vertex,
                             int32_t dst_vertex, uint64_t salt, int32_t *links,
                             size_t cap, size_t *n, sim_diag_t *diag);

/*
 * The equal-cost fan-out: every link on any usable shortest up/down path,
 * with the fraction of the flow's bytes it carries when every hop splits
 * evenly over its usable next hops (packet spraying).  Entries are sorted
 * by (hop, link); for each hop the weights sum to 1.  Caller owns the
 * struct: topo_spray_init before first use, topo_spray_destroy after.
 */
typedef struct topo_spray {
    size_t n, cap;
    int32_t *link;
    double *weight;
    uint8_t *hop;  /* position on the path, 0 = first link */
    int32_t hops;  /* path length in links */
} topo_spray_t;

void topo_spray_init(topo_spray_t *s);
void topo_spray_destroy(topo_spray_t *s);

/* Fill s (previous contents dropped) for GPU src -> GPU dst.  Structured
 * topologies only (SIM_ERR_USAGE otherwise).  Returns SIM_OK,
 * SIM_ERR_INFEASIBLE, SIM_ERR_RANGE or SIM_ERR_NOMEM.  Cost: proportional
 * to the number of equal-cost paths (e.g. ~1,000 for hpn cross-pod). */
sim_err_t topo_route_spray(const topo_t *t, int32_t src, int32_t dst,
                           topo_spray_t *s, sim_diag_t *diag);

/* The hash used for ECMP choices (exposed for tests and for callers that
 * want to derive salts): a 64-bit mix of its arguments, never 0. */
uint64_t topo_route_hash(uint64_t a, uint64_t b, uint64_t c);

#endif /* TOPO_ROUTE_H */
