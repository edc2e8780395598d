/*
 * topo.h — the topology object: GPUs, NVSwitch domains, NICs and fabric
 * switches joined by directed links, plus the parameters the builders take.
 *
 * A topology is a plain description (no simulated time).  It is held twice:
 * as an igraph graph (for metrics, max-flow, export) and as compact
 * struct-of-arrays that the router and the flow-level network index
 * directly.  Both use the same numbering:
 *
 *   - Vertex ids are dense.  GPU g is vertex g (GPUs come first); then one
 *     NVSwitch vertex per NVLink domain, then NICs, then fabric switches.
 *   - Every physical cable is two directed links with consecutive ids:
 *     link 2c goes from the lower tier to the upper (or from the endpoint
 *     created first), link 2c+1 is its reverse, so reverse(l) == l ^ 1.
 *     igraph edge id == link id.
 *   - Tiers: 0 host (GPU, NVSwitch, NIC), 1 leaf/ToR, 2 spine/aggregation,
 *     3 core.  A link from a lower to a higher tier is an "up" link.
 *
 * Units: bandwidth in bytes/s per direction, latency in seconds, counts as
 * integers.  The CLI converts scenario values (e.g. 400Gbps, NVIDIA's
 * bidirectional NVLink figures) into these before calling a builder.
 *
 * Links and vertices carry an up/down state that faults may change at any
 * time; every change bumps state_version so cached routes can be dropped.
 *
 * The struct is public so hot loops can read its arrays; change it only
 * through the functions below.  Not thread-safe for writers; concurrent
 * readers are fine while nobody changes state.
 */
#ifndef TOPO_TOPO_H
#define TOPO_TOPO_H

#include <igraph.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef enum topo_kind {
    TOPO_SINGLE_NODE = 0,
    TOPO_RAIL_FAT_TREE,
    TOPO_HPN,
    TOPO_FAT_TREE,
    TOPO_SPINE_LEAF,
    TOPO_CUSTOM, /* assembled by hand through topo_new/topo_add_* */
    TOPO_KIND_COUNT
} topo_kind_t;

typedef enum topo_vkind {
    TOPO_V_GPU = 0,
    TOPO_V_NVSWITCH,
    TOPO_V_NIC,
    TOPO_V_LEAF,  /* leaf / ToR (ASW in HPN) */
    TOPO_V_SPINE, /* spine / aggregation (PSW in HPN) */
    TOPO_V_CORE,
    TOPO_V_KIND_COUNT
} topo_vkind_t;

typedef enum topo_lkind {
    TOPO_L_NVLINK = 0, /* GPU <-> NVSwitch */
    TOPO_L_PCIE,       /* GPU <-> NIC */
    TOPO_L_NIC_LEAF,   /* NIC port <-> leaf/ToR */
    TOPO_L_LEAF_SPINE,
    TOPO_L_SPINE_CORE,
    TOPO_L_KIND_COUNT
} topo_lkind_t;

enum { TOPO_TIER_HOST = 0, TOPO_TIER_LEAF = 1, TOPO_TIER_SPINE = 2,
       TOPO_TIER_CORE = 3, TOPO_TIER_COUNT = 4 };

/* Largest switch radix a builder accepts; the router keeps per-step
 * candidate lists of this size on the stack. */
#define TOPO_MAX_RADIX 512

/*
 * Builder parameters, base units.  Fill with topo_params_default() and
 * override what the scenario sets.
 */
typedef struct topo_params {
    topo_kind_t topology;
    int64_t gpus;
    int32_t gpus_per_node;
    int32_t nics_per_node;     /* rails; GPU i uses NIC i * nics / gpus_per_node */
    int32_t nic_ports;         /* 1..2; hpn: ports go to two different ToRs */
    double nic_bandwidth;      /* per NIC, all ports together */
    double pcie_bandwidth;     /* per GPU <-> NIC path */
    double nvlink_bandwidth;   /* per GPU into its NVSwitch domain */
    double fabric_bandwidth;   /* per switch-to-switch cable */
    double oversubscription;   /* leaf: downlink / uplink capacity, >= 1 */
    double core_oversubscription; /* spine: downlink / uplink capacity, >= 1 */
    double link_latency;       /* per cable (propagation) */
    double switch_latency;     /* added to every link entering a fabric switch */
    double nvlink_latency;     /* GPU -> NVSwitch -> GPU, one way */
    double nic_latency;        /* per GPU <-> NIC traversal */
    int32_t switch_radix;      /* fabric switch ports at fabric_bandwidth */
    int64_t segment_gpus;      /* hpn: GPUs under one ToR set */
    int64_t pod_gpus;          /* hpn: GPUs under one aggregation layer */
    int32_t hpn_aggs_per_plane;/* hpn: cap on aggregation switches per plane */
    int32_t fat_tree_k;        /* fat-tree: 0 = smallest even k that fits */
} topo_params_t;

typedef struct topo {
    topo_kind_t kind;
    topo_params_t params;
    char tier_name[TOPO_TIER_COUNT][16]; /* "host", "leaf", "spine", "core" */

    igraph_t graph; /* directed; edge id == link id; valid once finalized */
    bool finalized;
    bool structured; /* up/down routing applies (every builder sets it) */
    uint64_t state_version;

    /* Vertices. */
    int32_t n_vertices, cap_vertices;
    uint8_t *v_kind;  /* topo_vkind_t */
    uint8_t *v_tier;
    uint8_t *v_up;
    int32_t *v_pod;   /* switch: pod (leaf, spine); -1 where meaningless */
    int32_t *v_plane; /* switch: plane (hpn dual-plane), else 0 */
    int32_t *v_index; /* index among vertices of its kind */

    /* Directed links; n_links is even (cables * 2). */
    int32_t n_links, cap_links;
    int32_t *l_src, *l_dst;
    double *l_bw, *l_lat;
    uint8_t *l_kind; /* topo_lkind_t */
    uint8_t *l_up;

    /* Out-adjacency (CSR), built by topo_finalize: the out links of v are
     * adj[adj_off[v] .. adj_mid[v]) (down or same tier) then
     * adj[adj_mid[v] .. adj_off[v+1]) (up). */
    int32_t *adj_off, *adj_mid, *adj;
    int32_t max_degree;

    /* Hosts. */
    int32_t n_gpus, n_nodes, n_nics, nic_ports;
    int32_t *gpu_node, *gpu_domain, *gpu_local, *gpu_nic;
    int32_t *gpu_nvlink; /* link GPU -> NVSwitch, -1 if none */
    int32_t *gpu_pcie;   /* link GPU -> NIC, -1 if none */
    int32_t *domain_vertex; /* NVSwitch vertex of each domain (== node) */
    int32_t *nic_vertex, *nic_node, *nic_rail;
    int32_t *nic_port_link; /* [nic * nic_ports + port]: link NIC -> leaf, or -1 */
    int32_t n_switches[TOPO_TIER_COUNT];
    int32_t tier_first[TOPO_TIER_COUNT]; /* first vertex of each switch tier */
} topo_t;

/* ---- parameters ------------------------------------------------------ */

/* Fill p with documented defaults for topology kind (8 x 400G NICs, H100-
 * class NVLink, 64-port switches; hpn: 128-port, 2 x 200G ports, 1,024-GPU
 * segments, 15-segment pods).  Sources are cited in topo.c.  Never fails. */
void topo_params_default(topo_params_t *p, topo_kind_t kind);

/* Name <-> kind.  topo_kind_name never returns NULL.  topo_kind_from_name
 * returns SIM_ERR_NOTFOUND (and a diag listing the names) if unknown. */
const char *topo_kind_name(topo_kind_t kind);
sim_err_t topo_kind_from_name(const char *name, topo_kind_t *out,
                              sim_diag_t *diag);
const char *topo_vkind_name(topo_vkind_t kind);
const char *topo_lkind_name(topo_lkind_t kind);

/* ---- building -------------------------------------------------------- */

/* Build the topology p->topology names.  On success *out owns a finalized
 * topology (free with topo_free).  Errors: SIM_ERR_RANGE with a message
 * saying what is allowed (GPU count not a multiple of gpus_per_node, above
 * a tier's capacity, non-positive bandwidth ...), SIM_ERR_NOMEM, SIM_ERR_LIB.
 * *out is NULL on failure.  Cost: O(vertices + links). */
sim_err_t topo_build(const topo_params_t *p, topo_t **out, sim_diag_t *diag);

/* The individual builders (same contract as topo_build; they ignore
 * p->topology). */
sim_err_t topo_single_node_build(const topo_params_t *p, topo_t **out,
                                 sim_diag_t *diag);
sim_err_t topo_rail_fat_tree_build(const topo_params_t *p, topo_t **out,
                                   sim_diag_t *diag);
sim_err_t topo_hpn_build(const topo_params_t *p, topo_t **out,
                         sim_diag_t *diag);
sim_err_t topo_fat_tree_build(const topo_params_t *p, topo_t **out,
                              sim_diag_t *diag);
sim_err_t topo_spine_leaf_build(const topo_params_t *p, topo_t **out,
                                sim_diag_t *diag);

/* Low-level assembly, used by the builders and for hand-made topologies.
 * topo_new: an empty topology of the given kind; NULL on allocation
 * failure.  p may be NULL (zeroed params). */
topo_t *topo_new(topo_kind_t kind, const topo_params_t *p);

/* Free t and everything it owns.  topo_free(NULL) does nothing. */
void topo_free(topo_t *t);

/* Add a vertex; returns its id in *id.  pod/plane as in v_pod/v_plane.
 * Must precede topo_finalize.  SIM_ERR_NOMEM on allocation failure. */
sim_err_t topo_add_vertex(topo_t *t, topo_vkind_t kind, int32_t pod,
                          int32_t plane, int32_t *id);

/* Add a cable a <-> b as links 2c (a -> b) and 2c+1 (b -> a), both with
 * bandwidth bw and latencies lat_ab / lat_ba; *link gets 2c (may be NULL).
 * Must precede topo_finalize.  SIM_ERR_NOMEM on allocation failure. */
sim_err_t topo_add_cable(topo_t *t, int32_t a, int32_t b, topo_lkind_t kind,
                         double bw, double lat_ab, double lat_ba,
                         int32_t *link);

/* Add hosts: nodes x gpus_per_node GPUs (vertices 0..), one NVSwitch per
 * node, nics_per_node NICs per node, NVLink and PCIe cables.  Call once,
 * on an empty topology, before any other vertex.  NIC ports are left
 * unattached (topo_attach_port wires them).  SIM_ERR_NOMEM. */
sim_err_t topo_add_hosts(topo_t *t, const topo_params_t *p, int32_t nodes);

/* Cable port `port` of NIC `nic` to leaf vertex `leaf` at
 * nic_bandwidth / nic_ports, recording the link in nic_port_link.
 * SIM_ERR_NOMEM. */
sim_err_t topo_attach_port(topo_t *t, int32_t nic, int32_t port, int32_t leaf);

/* Build adjacency and the igraph graph.  After this the shape is frozen;
 * only state may change.  SIM_ERR_NOMEM or SIM_ERR_LIB. Cost O(V + E). */
sim_err_t topo_finalize(topo_t *t);

/* ---- state ----------------------------------------------------------- */

/* Set one directed link up or down (link in [0, n_links)). */
void topo_link_set_up(topo_t *t, int32_t link, bool up);
/* Set both directions of the cable carrying link. */
void topo_cable_set_up(topo_t *t, int32_t link, bool up);
/* Set a vertex (GPU, NIC, switch) up or down.  Routes avoid down vertices;
 * the links themselves keep their own state. */
void topo_vertex_set_up(topo_t *t, int32_t vertex, bool up);

static inline int32_t topo_link_reverse(int32_t link) { return link ^ 1; }

/* A usable link: the link and both its end vertices are up. */
static inline bool topo_link_usable(const topo_t *t, int32_t l)
{
    return t->l_up[l] && t->v_up[t->l_src[l]] && t->v_up[t->l_dst[l]];
}

/* Fabric switch vertex of tier (1..3) with index i among that tier, or -1.
 * Cost O(1) after finalize. */
int32_t topo_switch_vertex(const topo_t *t, int tier, int32_t i);

#endif /* TOPO_TOPO_H */
