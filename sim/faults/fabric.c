/*
 * fabric.c — topology-aware failure effects (see fabric.h).
 *
 * Layout: job NICs are numbered 0 .. n_nics-1 in topology order; port p of
 * the job is port p % ports of job NIC p / ports.  Each port carries a
 * down-count (its own cable, its leaf): it is usable when the count is 0
 * and it was usable in the topology when the view was made.  A histogram of
 * NICs by usable ports gives the worst NIC in O(ports).  Leaves and spines
 * are those the job's ports reach, numbered in order of discovery (which
 * follows topology order, so it is deterministic); CSR lists map a leaf to
 * its job ports and a spine to the job leaves its cables reach.
 */
#include "sim/faults/fabric.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct flt_fabric {
    const topo_t *t;
    int32_t job_nodes, n_gpus, n_nics, ports;
    int32_t *port_leaf;   /* job leaf of each port, -1 when uncabled */
    uint8_t *port_base;   /* usable when the view was made */
    uint8_t *port_cnt;    /* reasons it is down now */
    int32_t *nic_up;      /* usable ports per job NIC */
    int32_t *hist;        /* [ports + 1]: job NICs by usable ports */

    int32_t n_leaves;
    uint8_t *leaf_down;
    int32_t *leaf_port_off, *leaf_port; /* CSR: ports per leaf */
    int32_t *leaf_uplinks, *leaf_up;    /* healthy / usable uplinks */

    int32_t n_spines;
    uint8_t *spine_down;
    int32_t *spine_leaf_off, *spine_leaf; /* CSR: one entry per cable */

    bool worst_valid;
    int32_t worst_up, worst_total;
};

void flt_fabric_free(flt_fabric_t *f)
{
    if (f == NULL)
        return;
    free(f->port_leaf);
    free(f->port_base);
    free(f->port_cnt);
    free(f->nic_up);
    free(f->hist);
    free(f->leaf_down);
    free(f->leaf_port_off);
    free(f->leaf_port);
    free(f->leaf_uplinks);
    free(f->leaf_up);
    free(f->spine_down);
    free(f->spine_leaf_off);
    free(f->spine_leaf);
    free(f);
}

/* Fill the CSR arrays off[n + 1] / item[] from (key, value) pairs. */
static int build_csr(int32_t n, const int32_t *key, const int32_t *val,
                     int32_t m, int32_t **off_out, int32_t **item_out)
{
    int32_t *off = calloc((size_t)n + 1, sizeof *off);
    int32_t *item = malloc(((size_t)m + 1) * sizeof *item);
    int32_t *pos = NULL;

    if (off == NULL || item == NULL)
        goto fail;
    for (int32_t i = 0; i < m; i++)
        off[key[i] + 1]++;
    for (int32_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    pos = malloc(((size_t)n + 1) * sizeof *pos);
    if (pos == NULL)
        goto fail;
    memcpy(pos, off, ((size_t)n + 1) * sizeof *pos);
    for (int32_t i = 0; i < m; i++)
        item[pos[key[i]]++] = val[i];
    free(pos);
    *off_out = off;
    *item_out = item;
    return 0;

fail:
    free(off);
    free(item);
    return -1;
}

sim_err_t flt_fabric_new(const topo_t *t, int32_t job_nodes,
                         flt_fabric_t **out, sim_diag_t *diag)
{
    flt_fabric_t *f = NULL;
    int32_t *vmap = NULL, *pk = NULL, *pv = NULL;
    int32_t *sk = NULL, *sv = NULL;
    int32_t n_ports, m = 0;
    sim_err_t err = SIM_ERR_NOMEM;

    *out = NULL;
    assert(t != NULL && t->finalized);
    if (job_nodes < 1 || job_nodes > t->n_nodes)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "the job needs %d nodes but the topology has %d",
                            (int)job_nodes, (int)t->n_nodes);
    if ((f = calloc(1, sizeof *f)) == NULL)
        goto fail;
    f->t = t;
    f->job_nodes = job_nodes;
    f->ports = t->nic_ports > 0 ? t->nic_ports : 1;
    for (int32_t g = 0; g < t->n_gpus; g++)
        f->n_gpus += t->gpu_node[g] < job_nodes;
    for (int32_t n = 0; n < t->n_nics; n++)
        f->n_nics += t->nic_node[n] < job_nodes;
    n_ports = f->n_nics * f->ports;

    f->port_leaf = malloc(((size_t)n_ports + 1) * sizeof *f->port_leaf);
    f->port_base = calloc((size_t)n_ports + 1, 1);
    f->port_cnt = calloc((size_t)n_ports + 1, 1);
    f->nic_up = calloc((size_t)f->n_nics + 1, sizeof *f->nic_up);
    f->hist = calloc((size_t)f->ports + 1, sizeof *f->hist);
    vmap = malloc((size_t)t->n_vertices * sizeof *vmap);
    pk = malloc(((size_t)n_ports + 1) * sizeof *pk);
    pv = malloc(((size_t)n_ports + 1) * sizeof *pv);
    if (f->port_leaf == NULL || f->port_base == NULL || f->port_cnt == NULL ||
        f->nic_up == NULL || f->hist == NULL || vmap == NULL || pk == NULL ||
        pv == NULL)
        goto fail;
    for (int32_t v = 0; v < t->n_vertices; v++)
        vmap[v] = -1;

    /* Ports and the leaves they reach. */
    int32_t j = 0, np = 0;
    for (int32_t n = 0; n < t->n_nics; n++) {
        if (t->nic_node[n] >= job_nodes)
            continue;
        for (int32_t k = 0; k < f->ports; k++) {
            int32_t p = j * f->ports + k;
            int32_t l = k < t->nic_ports
                            ? t->nic_port_link[(size_t)n * t->nic_ports + k]
                            : -1;
            f->port_leaf[p] = -1;
            if (l < 0 || !topo_link_usable(t, l))
                continue;
            int32_t leaf = t->l_dst[l];
            if (vmap[leaf] < 0)
                vmap[leaf] = f->n_leaves++;
            f->port_leaf[p] = vmap[leaf];
            f->port_base[p] = 1;
            f->nic_up[j]++;
            pk[np] = vmap[leaf];
            pv[np++] = p;
        }
        f->hist[f->nic_up[j]]++;
        j++;
    }
    if (build_csr(f->n_leaves, pk, pv, np, &f->leaf_port_off,
                  &f->leaf_port) != 0)
        goto fail;

    /* Leaf uplinks and the spines they reach. */
    f->leaf_down = calloc((size_t)f->n_leaves + 1, 1);
    f->leaf_uplinks = calloc((size_t)f->n_leaves + 1, sizeof(int32_t));
    f->leaf_up = calloc((size_t)f->n_leaves + 1, sizeof(int32_t));
    int32_t *leaf_vertex = calloc((size_t)f->n_leaves + 1, sizeof(int32_t));
    if (f->leaf_down == NULL || f->leaf_uplinks == NULL ||
        f->leaf_up == NULL || leaf_vertex == NULL) {
        free(leaf_vertex);
        goto fail;
    }
    for (int32_t v = 0; v < t->n_vertices; v++)
        if (vmap[v] >= 0)
            leaf_vertex[vmap[v]] = v;
    for (int32_t i = 0; i < f->n_leaves; i++) {
        int32_t v = leaf_vertex[i];
        m += t->adj_off[v + 1] - t->adj_mid[v];
    }
    sk = malloc(((size_t)m + 1) * sizeof *sk);
    sv = malloc(((size_t)m + 1) * sizeof *sv);
    if (sk == NULL || sv == NULL) {
        free(leaf_vertex);
        goto fail;
    }
    m = 0;
    for (int32_t i = 0; i < f->n_leaves; i++) {
        int32_t v = leaf_vertex[i];
        for (int32_t a = t->adj_mid[v]; a < t->adj_off[v + 1]; a++) {
            int32_t l = t->adj[a], s = t->l_dst[l];
            if (t->l_kind[l] != TOPO_L_LEAF_SPINE || !topo_link_usable(t, l))
                continue;
            if (vmap[s] < 0)
                vmap[s] = f->n_spines++;
            f->leaf_uplinks[i]++;
            sk[m] = vmap[s];
            sv[m++] = i;
        }
        f->leaf_up[i] = f->leaf_uplinks[i];
    }
    free(leaf_vertex);
    f->spine_down = calloc((size_t)f->n_spines + 1, 1);
    if (f->spine_down == NULL ||
        build_csr(f->n_spines, sk, sv, m, &f->spine_leaf_off,
                  &f->spine_leaf) != 0)
        goto fail;

    free(vmap);
    free(pk);
    free(pv);
    free(sk);
    free(sv);
    *out = f;
    return SIM_OK;

fail:
    free(vmap);
    free(pk);
    free(pv);
    free(sk);
    free(sv);
    flt_fabric_free(f);
    return sim_diag_set(diag, err, NULL, 0, NULL,
                        "out of memory building the fault view of the "
                        "topology");
}

void flt_fabric_reset(flt_fabric_t *f)
{
    int32_t n_ports = f->n_nics * f->ports;

    memset(f->port_cnt, 0, (size_t)n_ports);
    memset(f->hist, 0, ((size_t)f->ports + 1) * sizeof *f->hist);
    for (int32_t j = 0; j < f->n_nics; j++) {
        f->nic_up[j] = 0;
        for (int32_t k = 0; k < f->ports; k++)
            f->nic_up[j] += f->port_base[j * f->ports + k];
        f->hist[f->nic_up[j]]++;
    }
    memset(f->leaf_down, 0, (size_t)f->n_leaves);
    memcpy(f->leaf_up, f->leaf_uplinks, (size_t)f->n_leaves * sizeof(int32_t));
    memset(f->spine_down, 0, (size_t)f->n_spines);
    f->worst_valid = false;
}

int64_t flt_fabric_population(const flt_fabric_t *f, flt_comp_t comp)
{
    switch (comp) {
    case FLT_COMP_GPU: return f->n_gpus;
    case FLT_COMP_NODE: return f->job_nodes;
    case FLT_COMP_NIC: return f->n_nics;
    case FLT_COMP_NIC_PORT: return (int64_t)f->n_nics * f->ports;
    case FLT_COMP_LEAF: return f->n_leaves;
    case FLT_COMP_SPINE: return f->n_spines;
    case FLT_COMP_JOB: return 1;
    case FLT_COMP_COUNT: break;
    }
    assert(!"unreachable: bad component");
    return 0;
}

/* One more reason for port p to be down; returns true when its NIC is left
 * without a usable port. */
static bool port_dec(flt_fabric_t *f, int32_t p)
{
    if (!f->port_base[p] || f->port_cnt[p]++ > 0)
        return false;
    int32_t j = p / f->ports;
    f->hist[f->nic_up[j]]--;
    f->nic_up[j]--;
    f->hist[f->nic_up[j]]++;
    return f->nic_up[j] == 0;
}

static void port_inc(flt_fabric_t *f, int32_t p)
{
    if (!f->port_base[p])
        return;
    assert(f->port_cnt[p] > 0);
    if (--f->port_cnt[p] > 0)
        return;
    int32_t j = p / f->ports;
    f->hist[f->nic_up[j]]--;
    f->nic_up[j]++;
    f->hist[f->nic_up[j]]++;
}

static bool leaf_fail(flt_fabric_t *f, int32_t i)
{
    bool cut = false;
    f->leaf_down[i] = 1;
    for (int32_t a = f->leaf_port_off[i]; a < f->leaf_port_off[i + 1]; a++)
        cut |= port_dec(f, f->leaf_port[a]);
    f->worst_valid = false;
    return cut;
}

static void leaf_repair(flt_fabric_t *f, int32_t i)
{
    f->leaf_down[i] = 0;
    for (int32_t a = f->leaf_port_off[i]; a < f->leaf_port_off[i + 1]; a++)
        port_inc(f, f->leaf_port[a]);
    f->worst_valid = false;
}

static bool spine_fail(flt_fabric_t *f, int32_t s)
{
    bool cut = false;
    f->spine_down[s] = 1;
    for (int32_t a = f->spine_leaf_off[s]; a < f->spine_leaf_off[s + 1]; a++) {
        int32_t i = f->spine_leaf[a];
        if (--f->leaf_up[i] == 0 && !f->leaf_down[i])
            cut = true;
    }
    f->worst_valid = false;
    return cut;
}

static void spine_repair(flt_fabric_t *f, int32_t s)
{
    f->spine_down[s] = 0;
    for (int32_t a = f->spine_leaf_off[s]; a < f->spine_leaf_off[s + 1]; a++)
        f->leaf_up[f->spine_leaf[a]]++;
    f->worst_valid = false;
}

flt_effect_t flt_fabric_fail(flt_fabric_t *f, flt_comp_t comp, int64_t idx)
{
    assert(idx >= 0 && idx < flt_fabric_population(f, comp));
    switch (comp) {
    case FLT_COMP_GPU:
    case FLT_COMP_NODE:
    case FLT_COMP_NIC:
    case FLT_COMP_JOB:
        return FLT_EFFECT_INTERRUPT;
    case FLT_COMP_NIC_PORT: {
        int32_t p = (int32_t)idx;
        if (!f->port_base[p] || f->port_cnt[p] > 0)
            return FLT_EFFECT_NONE;
        if (port_dec(f, p)) {
            port_inc(f, p);
            return FLT_EFFECT_INTERRUPT;
        }
        return FLT_EFFECT_DEGRADE;
    }
    case FLT_COMP_LEAF:
        if (f->leaf_down[idx])
            return FLT_EFFECT_NONE;
        if (leaf_fail(f, (int32_t)idx)) {
            leaf_repair(f, (int32_t)idx);
            return FLT_EFFECT_INTERRUPT;
        }
        return FLT_EFFECT_DEGRADE;
    case FLT_COMP_SPINE:
        if (f->spine_down[idx])
            return FLT_EFFECT_NONE;
        if (spine_fail(f, (int32_t)idx)) {
            spine_repair(f, (int32_t)idx);
            return FLT_EFFECT_INTERRUPT;
        }
        return FLT_EFFECT_DEGRADE;
    case FLT_COMP_COUNT:
        break;
    }
    assert(!"unreachable: bad component");
    return FLT_EFFECT_NONE;
}

void flt_fabric_repair(flt_fabric_t *f, flt_comp_t comp, int64_t idx)
{
    switch (comp) {
    case FLT_COMP_NIC_PORT:
        port_inc(f, (int32_t)idx);
        break;
    case FLT_COMP_LEAF:
        assert(f->leaf_down[idx]);
        leaf_repair(f, (int32_t)idx);
        break;
    case FLT_COMP_SPINE:
        assert(f->spine_down[idx]);
        spine_repair(f, (int32_t)idx);
        break;
    default:
        assert(!"only network elements degrade");
    }
}

void flt_fabric_state(flt_fabric_t *f, flt_fabric_state_t *st)
{
    st->ports = f->ports;
    st->ports_min = f->ports;
    for (int32_t k = 0; k <= f->ports; k++)
        if (f->hist[k] > 0) {
            st->ports_min = k;
            break;
        }
    if (!f->worst_valid) {
        /* worst leaf by usable/healthy uplinks, compared exactly */
        int32_t wu = 0, wt = 0;
        for (int32_t i = 0; i < f->n_leaves; i++) {
            if (f->leaf_down[i] || f->leaf_uplinks[i] == 0)
                continue;
            if (wt == 0 || (int64_t)f->leaf_up[i] * wt <
                               (int64_t)wu * f->leaf_uplinks[i]) {
                wu = f->leaf_up[i];
                wt = f->leaf_uplinks[i];
            }
        }
        f->worst_up = wu;
        f->worst_total = wt;
        f->worst_valid = true;
    }
    st->uplinks_min = f->worst_up;
    st->uplinks = f->worst_total;
}

bool flt_fabric_state_eq(const flt_fabric_state_t *a,
                         const flt_fabric_state_t *b)
{
    return a->ports_min == b->ports_min && a->ports == b->ports &&
           a->uplinks_min == b->uplinks_min && a->uplinks == b->uplinks;
}

double flt_fabric_state_bw(const flt_fabric_state_t *st)
{
    double bw = 1.0;
    if (st->ports > 0)
        bw = (double)st->ports_min / st->ports;
    if (st->uplinks > 0) {
        double u = (double)st->uplinks_min / st->uplinks;
        if (u < bw)
            bw = u;
    }
    return bw;
}

double flt_fabric_interrupt_fraction(flt_fabric_t *f, flt_comp_t comp)
{
    int64_t n = flt_fabric_population(f, comp), hits = 0;

    if (n == 0)
        return 0.0;
    for (int64_t i = 0; i < n; i++) {
        flt_effect_t e = flt_fabric_fail(f, comp, i);
        if (e == FLT_EFFECT_INTERRUPT)
            hits++;
        else if (e == FLT_EFFECT_DEGRADE)
            flt_fabric_repair(f, comp, i);
    }
    return (double)hits / (double)n;
}
