/*
 * topo.c — the topology object: storage, assembly, state and the builder
 * dispatch (see topo.h for the numbering invariants).
 *
 * Assumes: vertices and cables are added before topo_finalize and never
 * removed; after finalize only up/down state changes.
 */
#include "topologies/topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names ------------------------------------------------------------ */

static const char *const kind_names[TOPO_KIND_COUNT] = {
    [TOPO_SINGLE_NODE] = "single-node", [TOPO_RAIL_FAT_TREE] = "rail-fat-tree",
    [TOPO_HPN] = "hpn",                 [TOPO_FAT_TREE] = "fat-tree",
    [TOPO_SPINE_LEAF] = "spine-leaf",   [TOPO_CUSTOM] = "custom",
};

static const char *const vkind_names[TOPO_V_KIND_COUNT] = {
    [TOPO_V_GPU] = "gpu",   [TOPO_V_NVSWITCH] = "nvswitch", [TOPO_V_NIC] = "nic",
    [TOPO_V_LEAF] = "leaf", [TOPO_V_SPINE] = "spine",       [TOPO_V_CORE] = "core",
};

static const char *const lkind_names[TOPO_L_KIND_COUNT] = {
    [TOPO_L_NVLINK] = "nvlink",         [TOPO_L_PCIE] = "pcie",
    [TOPO_L_NIC_LEAF] = "nic-leaf",     [TOPO_L_LEAF_SPINE] = "leaf-spine",
    [TOPO_L_SPINE_CORE] = "spine-core",
};

static const uint8_t vkind_tier[TOPO_V_KIND_COUNT] = {
    [TOPO_V_GPU] = TOPO_TIER_HOST,  [TOPO_V_NVSWITCH] = TOPO_TIER_HOST,
    [TOPO_V_NIC] = TOPO_TIER_HOST,  [TOPO_V_LEAF] = TOPO_TIER_LEAF,
    [TOPO_V_SPINE] = TOPO_TIER_SPINE, [TOPO_V_CORE] = TOPO_TIER_CORE,
};

const char *topo_kind_name(topo_kind_t kind)
{
    if ((int)kind < 0 || kind >= TOPO_KIND_COUNT)
        return "unknown";
    return kind_names[kind];
}

const char *topo_vkind_name(topo_vkind_t kind)
{
    if ((int)kind < 0 || kind >= TOPO_V_KIND_COUNT)
        return "unknown";
    return vkind_names[kind];
}

const char *topo_lkind_name(topo_lkind_t kind)
{
    if ((int)kind < 0 || kind >= TOPO_L_KIND_COUNT)
        return "unknown";
    return lkind_names[kind];
}

sim_err_t topo_kind_from_name(const char *name, topo_kind_t *out,
                              sim_diag_t *diag)
{
    for (int k = 0; k < TOPO_CUSTOM; k++) {
        if (name != NULL && strcasecmp(name, kind_names[k]) == 0) {
            *out = (topo_kind_t)k;
            return SIM_OK;
        }
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "cluster.topology",
                        "unknown topology '%s'; expected one of hpn, "
                        "fat-tree, rail-fat-tree, spine-leaf, single-node",
                        name != NULL ? name : "");
}

/* ---- parameters ------------------------------------------------------- */

/*
 * Defaults and their sources (tags refer to the project's research notes,
 * catalog-facts.md, copied here so the build never reads them):
 *   8 GPUs and 8 x 400 Gb/s NICs per node: DGX H100 [S27]; HPN host [S31].
 *   HPN NIC: 2 x 200 Gb/s ports to two different ToRs [S31][S32].
 *   PCIe Gen5 x16: 63 GB/s per direction [S30].
 *   NVLink4 (H100): 900 GB/s bidirectional = 450 GB/s per direction [S1][S6].
 *   Fabric ports 400 Gb/s; 64-port switches (Quantum-2 QM9700, 64 x 400G)
 *   [S38] for SuperPOD-style fabrics [S36]; HPN: 51.2 Tb/s single chip =
 *   128 x 400G [S31][S33].
 *   Switch hop ~250 ns one way [S50]; NVSwitch hop 25 ns and NIC 500 ns
 *   (SimAI defaults) [S26].  Cable propagation is neglected (0 s).
 *   HPN: 1,024 GPUs per segment [S31][S33]; 15 segments = 15,360 GPUs per
 *   pod (SimAI template) [S26][S31]; 60 aggregation switches per plane
 *   (120 PSW per pod, dual-plane) [S26]; aggregation 120 down / 8 up, about
 *   15:1 toward the core [D from S26].
 * SOURCE (the tags above and in the builders):
 *   [S1]  stas00/ml-engineering, compute/accelerator/README.md
 *   [S6]  glennklockwood.com/garden/processors/h100 (NVLink4 900 GB/s bidir)
 *   [S26] aliyun/SimAI, astra-sim-alibabacloud/inputs/topo/
 *         gen_Topo_Template.py ("AlibabaHPN" template: 15,360 GPUs, 240
 *         ASW, 120 PSW, NIC-ASW 200 Gb/s, ASW-PSW 400 Gb/s, nv_latency
 *         25 ns, NIC latency 500 ns)
 *   [S27] NVIDIA DGX SuperPOD RA (DGX H100: 8 x ConnectX-7 400 Gb/s)
 *   [S30] stas00/ml-engineering, network/README.md (PCIe per direction)
 *   [S31] Qian et al., "Alibaba HPN", SIGCOMM 2024, via paper notes at
 *         wuql20.bearblog.dev (segments, dual-ToR, 2 x 200G NICs, pods)
 *   [S32] HPN abstract / press coverage (3.2 Tb/s per host)
 *   [S33] lukebest/AI_infra_LLM_wiki, alibaba-hpn notes (51.2 Tb/s chip,
 *         1K GPUs per segment, 15K per pod)
 *   [S36] NVIDIA DGX SuperPOD B200 RA, dgx-superpod-architecture.html
 *         (SU = 32 nodes; leaf/spine/core switch tables)
 *   [S37] DGX SuperPOD H100 RA, RA-11333-001
 *   [S38] NVIDIA Quantum-2 QM9700: 64 x 400 Gb/s, 51.2 Tb/s
 *   [S50] IBM/tulips docs, Test-and-Performance.md (~250 ns switch hop)
 *   [D]   derived by arithmetic from the cited numbers.
 */
#define GBPS(x) ((x) * 1e9 / 8.0) /* Gb/s -> bytes/s */

void topo_params_default(topo_params_t *p, topo_kind_t kind)
{
    memset(p, 0, sizeof *p);
    p->topology = kind;
    p->gpus = 8;
    p->gpus_per_node = 8;
    p->nics_per_node = 8;
    p->nic_ports = kind == TOPO_HPN ? 2 : 1;
    p->nic_bandwidth = GBPS(400.0);
    p->pcie_bandwidth = 63e9;
    p->nvlink_bandwidth = 450e9;
    p->fabric_bandwidth = GBPS(400.0);
    p->oversubscription = 1.0;
    p->core_oversubscription = kind == TOPO_HPN ? 15.0 : 1.0;
    p->link_latency = 0.0;
    p->switch_latency = 250e-9;
    p->nvlink_latency = 25e-9;
    p->nic_latency = 500e-9;
    p->switch_radix = kind == TOPO_HPN ? 128 : 64;
    p->segment_gpus = 1024;
    p->pod_gpus = 15360;
    p->hpn_aggs_per_plane = 60;
    p->fat_tree_k = 0;
}

/* ---- storage ---------------------------------------------------------- */

topo_t *topo_new(topo_kind_t kind, const topo_params_t *p)
{
    topo_t *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = kind;
    if (p != NULL)
        t->params = *p;
    t->params.topology = kind;
    snprintf(t->tier_name[0], sizeof t->tier_name[0], "host");
    snprintf(t->tier_name[1], sizeof t->tier_name[1], "leaf");
    snprintf(t->tier_name[2], sizeof t->tier_name[2], "spine");
    snprintf(t->tier_name[3], sizeof t->tier_name[3], "core");
    for (int i = 0; i < TOPO_TIER_COUNT; i++)
        t->tier_first[i] = -1;
    return t;
}

void topo_free(topo_t *t)
{
    if (t == NULL)
        return;
    if (t->finalized)
        igraph_destroy(&t->graph);
    free(t->v_kind); free(t->v_tier); free(t->v_up);
    free(t->v_pod); free(t->v_plane); free(t->v_index);
    free(t->l_src); free(t->l_dst); free(t->l_bw); free(t->l_lat);
    free(t->l_kind); free(t->l_up);
    free(t->adj_off); free(t->adj_mid); free(t->adj);
    free(t->gpu_node); free(t->gpu_domain); free(t->gpu_local);
    free(t->gpu_nic); free(t->gpu_nvlink); free(t->gpu_pcie);
    free(t->domain_vertex);
    free(t->nic_vertex); free(t->nic_node); free(t->nic_rail);
    free(t->nic_port_link);
    free(t);
}

/* realloc *pp to n elements of size sz; leaves *pp alone on failure. */
static int grow(void *pp, size_t n, size_t sz)
{
    void **p = pp;
    void *q = realloc(*p, n * sz);
    if (q == NULL)
        return -1;
    *p = q;
    return 0;
}

static sim_err_t reserve_vertices(topo_t *t, int32_t need)
{
    if (need <= t->cap_vertices)
        return SIM_OK;
    size_t cap = t->cap_vertices > 0 ? (size_t)t->cap_vertices : 64;
    while (cap < (size_t)need)
        cap *= 2;
    if (grow(&t->v_kind, cap, 1) || grow(&t->v_tier, cap, 1) ||
        grow(&t->v_up, cap, 1) || grow(&t->v_pod, cap, sizeof(int32_t)) ||
        grow(&t->v_plane, cap, sizeof(int32_t)) ||
        grow(&t->v_index, cap, sizeof(int32_t)))
        return SIM_ERR_NOMEM;
    t->cap_vertices = (int32_t)cap;
    return SIM_OK;
}

static sim_err_t reserve_links(topo_t *t, int32_t need)
{
    if (need <= t->cap_links)
        return SIM_OK;
    size_t cap = t->cap_links > 0 ? (size_t)t->cap_links : 128;
    while (cap < (size_t)need)
        cap *= 2;
    if (grow(&t->l_src, cap, sizeof(int32_t)) ||
        grow(&t->l_dst, cap, sizeof(int32_t)) ||
        grow(&t->l_bw, cap, sizeof(double)) ||
        grow(&t->l_lat, cap, sizeof(double)) || grow(&t->l_kind, cap, 1) ||
        grow(&t->l_up, cap, 1))
        return SIM_ERR_NOMEM;
    t->cap_links = (int32_t)cap;
    return SIM_OK;
}

sim_err_t topo_add_vertex(topo_t *t, topo_vkind_t kind, int32_t pod,
                          int32_t plane, int32_t *id)
{
    if (t->finalized || (int)kind < 0 || kind >= TOPO_V_KIND_COUNT)
        return SIM_ERR_USAGE; /* programmer error, reported not asserted */
    if (reserve_vertices(t, t->n_vertices + 1) != SIM_OK)
        return SIM_ERR_NOMEM;
    int32_t v = t->n_vertices++;
    uint8_t tier = vkind_tier[kind];
    t->v_kind[v] = (uint8_t)kind;
    t->v_tier[v] = tier;
    t->v_up[v] = 1;
    t->v_pod[v] = pod;
    t->v_plane[v] = plane;
    if (kind >= TOPO_V_LEAF)
        t->v_index[v] = t->n_switches[tier]++;
    else
        t->v_index[v] = -1; /* set by topo_add_hosts */
    if (id != NULL)
        *id = v;
    return SIM_OK;
}

sim_err_t topo_add_cable(topo_t *t, int32_t a, int32_t b, topo_lkind_t kind,
                         double bw, double lat_ab, double lat_ba,
                         int32_t *link)
{
    if (t->finalized || a < 0 || b < 0 || a >= t->n_vertices ||
        b >= t->n_vertices || a == b)
        return SIM_ERR_USAGE;
    if (t->n_links > INT32_MAX - 2)
        return SIM_ERR_RANGE;
    if (reserve_links(t, t->n_links + 2) != SIM_OK)
        return SIM_ERR_NOMEM;
    int32_t l = t->n_links;
    t->l_src[l] = a; t->l_dst[l] = b; t->l_lat[l] = lat_ab;
    t->l_src[l + 1] = b; t->l_dst[l + 1] = a; t->l_lat[l + 1] = lat_ba;
    t->l_bw[l] = t->l_bw[l + 1] = bw;
    t->l_kind[l] = t->l_kind[l + 1] = (uint8_t)kind;
    t->l_up[l] = t->l_up[l + 1] = 1;
    t->n_links += 2;
    if (link != NULL)
        *link = l;
    return SIM_OK;
}

/* ---- hosts ------------------------------------------------------------ */

sim_err_t topo_add_hosts(topo_t *t, const topo_params_t *p, int32_t nodes)
{
    if (t->n_vertices != 0 || nodes < 0 || p->gpus_per_node < 1 ||
        p->nics_per_node < 0 || p->nic_ports < 1)
        return SIM_ERR_USAGE;
    int64_t gpn = p->gpus_per_node, npn = p->nics_per_node;
    int64_t gpus = (int64_t)nodes * gpn, nics = (int64_t)nodes * npn;
    if (gpus > INT32_MAX / 4 || nics > INT32_MAX / 4)
        return SIM_ERR_RANGE;
    t->n_gpus = (int32_t)gpus;
    t->n_nodes = nodes;
    t->n_nics = (int32_t)nics;
    t->nic_ports = p->nic_ports;
    size_t g = (size_t)gpus, n = (size_t)nics, d = (size_t)nodes;
    t->gpu_node = malloc((g + 1) * sizeof(int32_t));
    t->gpu_domain = malloc((g + 1) * sizeof(int32_t));
    t->gpu_local = malloc((g + 1) * sizeof(int32_t));
    t->gpu_nic = malloc((g + 1) * sizeof(int32_t));
    t->gpu_nvlink = malloc((g + 1) * sizeof(int32_t));
    t->gpu_pcie = malloc((g + 1) * sizeof(int32_t));
    t->domain_vertex = malloc((d + 1) * sizeof(int32_t));
    t->nic_vertex = malloc((n + 1) * sizeof(int32_t));
    t->nic_node = malloc((n + 1) * sizeof(int32_t));
    t->nic_rail = malloc((n + 1) * sizeof(int32_t));
    t->nic_port_link = malloc((n * (size_t)p->nic_ports + 1) * sizeof(int32_t));
    if (!t->gpu_node || !t->gpu_domain || !t->gpu_local || !t->gpu_nic ||
        !t->gpu_nvlink || !t->gpu_pcie || !t->domain_vertex ||
        !t->nic_vertex || !t->nic_node || !t->nic_rail || !t->nic_port_link)
        return SIM_ERR_NOMEM;
    /* Exact sizes up front: GPU + NVSwitch + NIC vertices, two cables per
     * GPU, NIC ports later. */
    if (reserve_vertices(t, (int32_t)(g + d + n)) != SIM_OK ||
        reserve_links(t, (int32_t)(4 * g)) != SIM_OK)
        return SIM_ERR_NOMEM;
    sim_err_t err;
    for (size_t i = 0; i < g; i++) {
        int32_t v;
        if ((err = topo_add_vertex(t, TOPO_V_GPU, -1, 0, &v)) != SIM_OK)
            return err;
        t->v_index[v] = (int32_t)i;
        t->gpu_node[i] = (int32_t)(i / (size_t)gpn);
        t->gpu_domain[i] = t->gpu_node[i];
        t->gpu_local[i] = (int32_t)(i % (size_t)gpn);
        t->gpu_nic[i] = npn > 0
            ? (int32_t)(t->gpu_node[i] * npn + t->gpu_local[i] * npn / gpn)
            : -1;
        t->gpu_nvlink[i] = t->gpu_pcie[i] = -1;
    }
    for (size_t i = 0; i < d; i++) {
        int32_t v;
        if ((err = topo_add_vertex(t, TOPO_V_NVSWITCH, -1, 0, &v)) != SIM_OK)
            return err;
        t->v_index[v] = (int32_t)i;
        t->domain_vertex[i] = v;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t v;
        if ((err = topo_add_vertex(t, TOPO_V_NIC, -1, 0, &v)) != SIM_OK)
            return err;
        t->v_index[v] = (int32_t)i;
        t->nic_vertex[i] = v;
        t->nic_node[i] = (int32_t)(i / (size_t)npn);
        t->nic_rail[i] = (int32_t)(i % (size_t)npn);
    }
    for (size_t i = 0; i < n * (size_t)p->nic_ports; i++)
        t->nic_port_link[i] = -1;
    /* NVLink: the NVSwitch hop latency is split over the two links so a
     * GPU -> GPU transfer sees it once. */
    double nvl = p->nvlink_latency / 2.0;
    for (size_t i = 0; i < g; i++) {
        if (gpn > 1) {
            err = topo_add_cable(t, (int32_t)i,
                                 t->domain_vertex[t->gpu_node[i]],
                                 TOPO_L_NVLINK, p->nvlink_bandwidth, nvl,
                                 nvl, &t->gpu_nvlink[i]);
            if (err != SIM_OK)
                return err;
        }
        if (npn > 0) {
            err = topo_add_cable(t, (int32_t)i, t->nic_vertex[t->gpu_nic[i]],
                                 TOPO_L_PCIE, p->pcie_bandwidth,
                                 p->nic_latency, p->nic_latency,
                                 &t->gpu_pcie[i]);
            if (err != SIM_OK)
                return err;
        }
    }
    return SIM_OK;
}

sim_err_t topo_attach_port(topo_t *t, int32_t nic, int32_t port, int32_t leaf)
{
    const topo_params_t *p = &t->params;
    if (nic < 0 || nic >= t->n_nics || port < 0 || port >= t->nic_ports)
        return SIM_ERR_USAGE;
    double bw = p->nic_bandwidth / (double)t->nic_ports;
    return topo_add_cable(t, t->nic_vertex[nic], leaf, TOPO_L_NIC_LEAF, bw,
                          p->link_latency + p->switch_latency,
                          p->link_latency,
                          &t->nic_port_link[(size_t)nic * (size_t)t->nic_ports +
                                            (size_t)port]);
}

/* ---- finalize ----------------------------------------------------------- */

sim_err_t topo_finalize(topo_t *t)
{
    if (t->finalized)
        return SIM_ERR_USAGE;
    size_t nv = (size_t)t->n_vertices, nl = (size_t)t->n_links;
    int32_t *cnt_down = NULL;
    igraph_vector_int_t edges;
    bool edges_ok = false;
    sim_err_t err = SIM_ERR_NOMEM;

    t->adj_off = calloc(nv + 1, sizeof(int32_t));
    t->adj_mid = calloc(nv + 1, sizeof(int32_t));
    t->adj = malloc((nl + 1) * sizeof(int32_t));
    cnt_down = calloc(nv + 1, sizeof(int32_t));
    if (!t->adj_off || !t->adj_mid || !t->adj || !cnt_down)
        goto fail;
    for (size_t l = 0; l < nl; l++) {
        int32_t s = t->l_src[l];
        t->adj_off[s + 1]++;
        if (t->v_tier[t->l_dst[l]] <= t->v_tier[s])
            cnt_down[s]++;
    }
    t->max_degree = 0;
    for (size_t v = 0; v < nv; v++) {
        if (t->adj_off[v + 1] > t->max_degree)
            t->max_degree = t->adj_off[v + 1];
        t->adj_off[v + 1] += t->adj_off[v];
    }
    /* Fill: down links from adj_off[v] upward, up links from adj_mid[v];
     * link order is preserved inside each part (counting sort). */
    for (size_t v = 0; v < nv; v++) {
        t->adj_mid[v] = t->adj_off[v] + cnt_down[v];
        cnt_down[v] = t->adj_off[v]; /* reuse as the down cursor */
    }
    {
        int32_t *up_cur = t->adj_mid; /* advanced below, then restored */
        for (size_t l = 0; l < nl; l++) {
            int32_t s = t->l_src[l];
            if (t->v_tier[t->l_dst[l]] <= t->v_tier[s])
                t->adj[cnt_down[s]++] = (int32_t)l;
            else
                t->adj[up_cur[s]++] = (int32_t)l;
        }
        for (size_t v = 0; v < nv; v++)
            t->adj_mid[v] = cnt_down[v];
    }

    /* Switch tiers must be contiguous for O(1) topo_switch_vertex. */
    for (int tier = 1; tier < TOPO_TIER_COUNT; tier++) {
        int32_t first = -1, count = 0;
        bool contiguous = true;
        for (size_t v = 0; v < nv; v++) {
            if (t->v_tier[v] != tier)
                continue;
            if (first < 0)
                first = (int32_t)v;
            else if ((int32_t)v != first + count)
                contiguous = false;
            count++;
        }
        t->tier_first[tier] = contiguous ? first : -1;
    }

    if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * nl)) != IGRAPH_SUCCESS)
        goto fail;
    edges_ok = true;
    for (size_t l = 0; l < nl; l++) {
        VECTOR(edges)[2 * l] = t->l_src[l];
        VECTOR(edges)[2 * l + 1] = t->l_dst[l];
    }
    if (igraph_create(&t->graph, &edges, (igraph_integer_t)nv, IGRAPH_DIRECTED) !=
        IGRAPH_SUCCESS) {
        err = SIM_ERR_LIB;
        goto fail;
    }
    t->finalized = true;
    err = SIM_OK;
fail:
    if (edges_ok)
        igraph_vector_int_destroy(&edges);
    free(cnt_down);
    return err;
}

/* ---- state ------------------------------------------------------------ */

void topo_link_set_up(topo_t *t, int32_t link, bool up)
{
    if (link < 0 || link >= t->n_links)
        return;
    t->l_up[link] = up ? 1 : 0;
    t->state_version++;
}

void topo_cable_set_up(topo_t *t, int32_t link, bool up)
{
    topo_link_set_up(t, link, up);
    topo_link_set_up(t, link ^ 1, up);
}

void topo_vertex_set_up(topo_t *t, int32_t vertex, bool up)
{
    if (vertex < 0 || vertex >= t->n_vertices)
        return;
    t->v_up[vertex] = up ? 1 : 0;
    t->state_version++;
}

int32_t topo_switch_vertex(const topo_t *t, int tier, int32_t i)
{
    if (tier < 1 || tier >= TOPO_TIER_COUNT || i < 0 ||
        i >= t->n_switches[tier])
        return -1;
    if (t->tier_first[tier] >= 0)
        return t->tier_first[tier] + i;
    for (int32_t v = 0; v < t->n_vertices; v++)
        if (t->v_tier[v] == tier && t->v_index[v] == i)
            return v;
    return -1; /* believed unreachable: index i exists */
}

/* ---- dispatch --------------------------------------------------------- */

sim_err_t topo_build(const topo_params_t *p, topo_t **out, sim_diag_t *diag)
{
    *out = NULL;
    switch (p->topology) {
    case TOPO_SINGLE_NODE:
        return topo_single_node_build(p, out, diag);
    case TOPO_RAIL_FAT_TREE:
        return topo_rail_fat_tree_build(p, out, diag);
    case TOPO_HPN:
        return topo_hpn_build(p, out, diag);
    case TOPO_FAT_TREE:
        return topo_fat_tree_build(p, out, diag);
    case TOPO_SPINE_LEAF:
        return topo_spine_leaf_build(p, out, diag);
    default:
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.topology",
                            "topology %d cannot be built from parameters; "
                            "expected hpn, fat-tree, rail-fat-tree, "
                            "spine-leaf or single-node",
                            (int)p->topology);
    }
}
