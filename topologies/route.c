/*
 * route.c — up/down ECMP routing, its spray variant and the breadth-first
 * fallback (see route.h).
 *
 * Invariant the up/down walk relies on (every builder keeps it): a tier-2
 * switch reaches, going down, exactly the leaves of its (pod, plane); a
 * tier-3 switch reaches every leaf of its plane; every up link of a switch
 * leads to a switch that reaches at least what it reached.  So "go up until
 * the switch reaches the destination leaf, then down" is a shortest path,
 * and all up choices at one step are of equal cost.
 */
#include "topologies/route.h"

#include <stdlib.h>
#include <string.h>

#define WALK_MAX_DEPTH 8 /* 3 up + 3 down, with margin */

uint64_t topo_route_hash(uint64_t a, uint64_t b, uint64_t c)
{
    /* splitmix64 finaliser over a combination; deterministic everywhere. */
    uint64_t x = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL) *
                 0xC2B2AE3D27D4EB4FULL ^ (c + 0x165667B19E3779F9ULL);
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x != 0 ? x : 1;
}

/* ---- up/down walk ------------------------------------------------------ */

static bool reaches(const topo_t *t, int32_t s, int32_t leaf)
{
    switch (t->v_tier[s]) {
    case TOPO_TIER_LEAF:
        return s == leaf;
    case TOPO_TIER_SPINE:
        return t->v_pod[s] == t->v_pod[leaf] &&
               t->v_plane[s] == t->v_plane[leaf];
    case TOPO_TIER_CORE:
        return t->v_plane[s] == t->v_plane[leaf];
    default:
        return false;
    }
}

/* Usable next links from switch v toward leaf: down links to switches that
 * reach it if v reaches it, else all up links.  Returns the count. */
static int candidates(const topo_t *t, int32_t v, int32_t leaf, int32_t *out)
{
    int n = 0;
    if (reaches(t, v, leaf)) {
        for (int32_t i = t->adj_off[v]; i < t->adj_mid[v]; i++) {
            int32_t l = t->adj[i], w = t->l_dst[l];
            if (t->v_tier[w] >= TOPO_TIER_LEAF && reaches(t, w, leaf) &&
                topo_link_usable(t, l))
                out[n++] = l;
        }
    } else {
        for (int32_t i = t->adj_mid[v]; i < t->adj_off[v + 1]; i++) {
            int32_t l = t->adj[i];
            if (topo_link_usable(t, l))
                out[n++] = l;
        }
    }
    return n;
}

typedef struct walk {
    const topo_t *t;
    int32_t leaf; /* destination leaf */
    uint64_t h;
    int32_t path[WALK_MAX_DEPTH];
    int n;
} walk_t;

/* Depth-first over hash-ordered candidates; true when leaf is reached with
 * the links in w->path[0..n). */
static bool walk(walk_t *w, int32_t v, int depth)
{
    if (v == w->leaf)
        return true;
    if (depth >= WALK_MAX_DEPTH)
        return false;
    int32_t cand[TOPO_MAX_RADIX];
    int nc = candidates(w->t, v, w->leaf, cand);
    if (nc == 0)
        return false;
    int start = (int)(topo_route_hash(w->h, (uint64_t)depth, 7) % (uint64_t)nc);
    for (int i = 0; i < nc; i++) {
        int32_t l = cand[(start + i) % nc];
        w->path[w->n++] = l;
        if (walk(w, w->t->l_dst[l], depth + 1))
            return true;
        w->n--;
    }
    return false;
}

static sim_err_t check_gpus(const topo_t *t, int32_t src, int32_t dst,
                            sim_diag_t *diag)
{
    if (src < 0 || dst < 0 || src >= t->n_gpus || dst >= t->n_gpus)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "GPU %d -> %d: ids must be 0..%d", (int)src,
                            (int)dst, (int)t->n_gpus - 1);
    return SIM_OK;
}

static sim_err_t no_route(sim_diag_t *diag, int32_t src, int32_t dst,
                          const char *why)
{
    return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                        "no route from GPU %d to GPU %d: %s", (int)src,
                        (int)dst, why);
}

/* Port pairs (p, q) of the two NICs whose leaves share a plane, both port
 * links usable, in hash order.  Returns the count (<= 4). */
static int port_pairs(const topo_t *t, int32_t nic_s, int32_t nic_d,
                      uint64_t h, int32_t pairs[4][2])
{
    int np = t->nic_ports, n = 0;
    for (int p = 0; p < np; p++) {
        int32_t ls = t->nic_port_link[(size_t)nic_s * (size_t)np + (size_t)p];
        if (ls < 0 || !topo_link_usable(t, ls))
            continue;
        for (int q = 0; q < np; q++) {
            int32_t ld = t->nic_port_link[(size_t)nic_d * (size_t)np + (size_t)q];
            if (ld < 0 || !topo_link_usable(t, ld ^ 1))
                continue;
            if (t->v_plane[t->l_dst[ls]] != t->v_plane[t->l_dst[ld]])
                continue;
            pairs[n][0] = ls;
            pairs[n][1] = ld ^ 1;
            n++;
        }
    }
    if (n > 1) { /* rotate to a hashed start: deterministic ECMP over ports */
        int32_t tmp[4][2];
        int start = (int)(h % (uint64_t)n);
        for (int i = 0; i < n; i++) {
            tmp[i][0] = pairs[(start + i) % n][0];
            tmp[i][1] = pairs[(start + i) % n][1];
        }
        memcpy(pairs, tmp, sizeof tmp[0] * (size_t)n);
    }
    return n;
}

sim_err_t topo_route(const topo_t *t, int32_t src, int32_t dst, uint64_t salt,
                     int32_t *links, size_t cap, size_t *n, sim_diag_t *diag)
{
    sim_err_t err;
    *n = 0;
    if ((err = check_gpus(t, src, dst, diag)) != SIM_OK)
        return err;
    if (!t->structured)
        return topo_route_generic(t, src, dst, salt, links, cap, n, diag);
    if (src == dst)
        return SIM_OK;
    if (!t->v_up[src] || !t->v_up[dst])
        return no_route(diag, src, dst, "an endpoint GPU is down");
    if (t->gpu_domain[src] == t->gpu_domain[dst]) {
        int32_t a = t->gpu_nvlink[src], b = t->gpu_nvlink[dst];
        if (a < 0 || b < 0 || !topo_link_usable(t, a) ||
            !topo_link_usable(t, b ^ 1))
            return no_route(diag, src, dst, "NVLink or NVSwitch down");
        if (cap < 2)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                                "route buffer of %zu links is too short", cap);
        links[0] = a;
        links[1] = b ^ 1;
        *n = 2;
        return SIM_OK;
    }
    int32_t pin = t->gpu_pcie[src], pout = t->gpu_pcie[dst];
    if (pin < 0 || pout < 0)
        return no_route(diag, src, dst, "a GPU has no NIC");
    if (!topo_link_usable(t, pin) || !topo_link_usable(t, pout ^ 1))
        return no_route(diag, src, dst, "a PCIe link or NIC is down");
    uint64_t h = topo_route_hash((uint64_t)src, (uint64_t)dst, salt);
    int32_t pairs[4][2];
    int np = port_pairs(t, t->gpu_nic[src], t->gpu_nic[dst], h, pairs);
    for (int i = 0; i < np; i++) {
        walk_t w = {.t = t, .leaf = t->l_src[pairs[i][1]], .h = h, .n = 0};
        if (!walk(&w, t->l_dst[pairs[i][0]], 0))
            continue;
        size_t len = (size_t)w.n + 4;
        if (len > cap)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                                "route of %zu links exceeds buffer of %zu",
                                len, cap);
        links[0] = pin;
        links[1] = pairs[i][0];
        memcpy(links + 2, w.path, sizeof(int32_t) * (size_t)w.n);
        links[2 + w.n] = pairs[i][1];
        links[3 + w.n] = pout ^ 1;
        *n = len;
        return SIM_OK;
    }
    return no_route(diag, src, dst,
                    "every equal-cost path has a link or switch down");
}

/* ---- breadth-first fallback -------------------------------------------- */

sim_err_t topo_route_generic(const topo_t *t, int32_t src_vertex,
                             int32_t dst_vertex, uint64_t salt, int32_t *links,
                             size_t cap, size_t *n, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    int32_t *dist = NULL, *queue = NULL;
    size_t nv = (size_t)t->n_vertices;
    *n = 0;
    if (src_vertex < 0 || dst_vertex < 0 || (size_t)src_vertex >= nv ||
        (size_t)dst_vertex >= nv)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "vertex %d -> %d: ids must be 0..%zu",
                            (int)src_vertex, (int)dst_vertex, nv - 1);
    if (src_vertex == dst_vertex)
        return SIM_OK;
    if (!t->v_up[src_vertex] || !t->v_up[dst_vertex])
        return no_route(diag, src_vertex, dst_vertex, "an endpoint is down");
    dist = malloc(nv * sizeof *dist);
    queue = malloc(nv * sizeof *queue);
    if (dist == NULL || queue == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory routing %d -> %d", (int)src_vertex,
                           (int)dst_vertex);
        goto fail;
    }
    for (size_t v = 0; v < nv; v++)
        dist[v] = -1;
    /* Backward BFS from dst: the in-links of v are the reverses of its
     * out-links, since every link has its twin. */
    size_t head = 0, tail = 0;
    dist[dst_vertex] = 0;
    queue[tail++] = dst_vertex;
    while (head < tail && dist[src_vertex] < 0) {
        int32_t v = queue[head++];
        for (int32_t i = t->adj_off[v]; i < t->adj_off[v + 1]; i++) {
            int32_t in = t->adj[i] ^ 1, u = t->l_src[in];
            if (dist[u] >= 0 || !topo_link_usable(t, in))
                continue;
            dist[u] = dist[v] + 1;
            if (t->v_kind[u] != TOPO_V_GPU) /* GPUs are never transit */
                queue[tail++] = u;
        }
    }
    if (dist[src_vertex] < 0) {
        err = no_route(diag, src_vertex, dst_vertex, "disconnected");
        goto fail;
    }
    if ((size_t)dist[src_vertex] > cap) {
        err = sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                           "route of %d links exceeds buffer of %zu",
                           (int)dist[src_vertex], cap);
        goto fail;
    }
    uint64_t h = topo_route_hash((uint64_t)src_vertex, (uint64_t)dst_vertex,
                                 salt);
    int32_t v = src_vertex;
    for (int step = 0; v != dst_vertex; step++) {
        int32_t cand[TOPO_MAX_RADIX];
        int nc = 0;
        for (int32_t i = t->adj_off[v]; i < t->adj_off[v + 1]; i++) {
            int32_t l = t->adj[i], w = t->l_dst[l];
            if (dist[w] == dist[v] - 1 && topo_link_usable(t, l) &&
                (t->v_kind[w] != TOPO_V_GPU || w == dst_vertex) &&
                nc < TOPO_MAX_RADIX)
                cand[nc++] = l;
        }
        if (nc == 0) { /* believed impossible: BFS layers are consistent */
            err = no_route(diag, src_vertex, dst_vertex, "internal BFS error");
            goto fail;
        }
        int32_t l = cand[topo_route_hash(h, (uint64_t)step, 11) % (uint64_t)nc];
        links[(*n)++] = l;
        v = t->l_dst[l];
    }
fail:
    free(dist);
    free(queue);
    return err;
}

/* ---- spray ----------------------------------------------------------- */

void topo_spray_init(topo_spray_t *s)
{
    memset(s, 0, sizeof *s);
}

void topo_spray_destroy(topo_spray_t *s)
{
    if (s == NULL)
        return;
    free(s->link);
    free(s->weight);
    free(s->hop);
    memset(s, 0, sizeof *s);
}

static int spray_push(topo_spray_t *s, int hop, int32_t link, double w)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        int32_t *l = realloc(s->link, cap * sizeof *l);
        if (l == NULL)
            return -1;
        s->link = l;
        double *wt = realloc(s->weight, cap * sizeof *wt);
        if (wt == NULL)
            return -1;
        s->weight = wt;
        uint8_t *hp = realloc(s->hop, cap);
        if (hp == NULL)
            return -1;
        s->hop = hp;
        s->cap = cap;
    }
    s->link[s->n] = link;
    s->weight[s->n] = w;
    s->hop[s->n] = (uint8_t)hop;
    s->n++;
    return 0;
}

/* Can leaf be reached from v (no recording)? */
static bool feasible(const topo_t *t, int32_t v, int32_t leaf)
{
    walk_t w = {.t = t, .leaf = leaf, .h = 0, .n = 0};
    return walk(&w, v, 0);
}

static int spray_from(const topo_t *t, int32_t v, int32_t leaf, int depth,
                      int hop, double weight, topo_spray_t *s)
{
    if (v == leaf)
        return 0;
    if (depth >= WALK_MAX_DEPTH)
        return 0;
    int32_t cand[TOPO_MAX_RADIX];
    int nc = candidates(t, v, leaf, cand), nf = 0;
    for (int i = 0; i < nc; i++)
        if (feasible(t, t->l_dst[cand[i]], leaf))
            cand[nf++] = cand[i];
    for (int i = 0; i < nf; i++) {
        if (spray_push(s, hop, cand[i], weight / nf) != 0 ||
            spray_from(t, t->l_dst[cand[i]], leaf, depth + 1, hop + 1,
                       weight / nf, s) != 0)
            return -1;
    }
    return 0;
}

typedef struct entry {
    int64_t key; /* hop << 32 | link: sorts by (hop, link) */
    double weight;
} entry_t;

static int cmp_entry(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

/* Sort s by (hop, link) and merge duplicates (paths that rejoin). */
static int spray_merge(topo_spray_t *s)
{
    if (s->n == 0)
        return 0;
    entry_t *e = malloc(s->n * sizeof *e);
    if (e == NULL)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        e[i].key = ((int64_t)s->hop[i] << 32) | (int64_t)s->link[i];
        e[i].weight = s->weight[i];
    }
    qsort(e, s->n, sizeof *e, cmp_entry);
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (m > 0 && e[m - 1].key == e[i].key) {
            e[m - 1].weight += e[i].weight;
        } else {
            e[m++] = e[i];
        }
    }
    for (size_t i = 0; i < m; i++) {
        s->hop[i] = (uint8_t)(e[i].key >> 32);
        s->link[i] = (int32_t)(e[i].key & 0xFFFFFFFF);
        s->weight[i] = e[i].weight;
    }
    s->n = m;
    free(e);
    return 0;
}

sim_err_t topo_route_spray(const topo_t *t, int32_t src, int32_t dst,
                           topo_spray_t *s, sim_diag_t *diag)
{
    sim_err_t err;
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    s->n = 0;
    s->hops = 0;
    if (!t->structured)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "spray routing needs a structured topology");
    /* One ordinary route first: it settles feasibility and the length. */
    if ((err = topo_route(t, src, dst, 0, path, TOPO_ROUTE_MAX_HOPS, &n,
                          diag)) != SIM_OK)
        return err;
    s->hops = (int32_t)n;
    if (n == 0)
        return SIM_OK;
    if (t->gpu_domain[src] == t->gpu_domain[dst]) {
        if (spray_push(s, 0, path[0], 1.0) || spray_push(s, 1, path[1], 1.0))
            goto nomem;
        return SIM_OK;
    }
    int32_t pairs[4][2], ok[4][2];
    int np = port_pairs(t, t->gpu_nic[src], t->gpu_nic[dst], 0, pairs), nok = 0;
    for (int i = 0; i < np; i++) {
        if (feasible(t, t->l_dst[pairs[i][0]], t->l_src[pairs[i][1]])) {
            ok[nok][0] = pairs[i][0];
            ok[nok][1] = pairs[i][1];
            nok++;
        }
    }
    int last = (int)n - 1;
    if (spray_push(s, 0, path[0], 1.0) || spray_push(s, last, path[last], 1.0))
        goto nomem;
    for (int i = 0; i < nok; i++) {
        double w = 1.0 / nok;
        if (spray_push(s, 1, ok[i][0], w) ||
            spray_push(s, last - 1, ok[i][1], w) ||
            spray_from(t, t->l_dst[ok[i][0]], t->l_src[ok[i][1]], 0, 2, w, s))
            goto nomem;
    }
    if (spray_merge(s) != 0)
        goto nomem;
    return SIM_OK;
nomem:
    s->n = 0;
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory spraying GPU %d -> %d", (int)src,
                        (int)dst);
}
