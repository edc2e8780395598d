/*
 * bisection.c — max-flow value of a balanced cut, on the full graph or on
 * the exact reduced graph (see bisection.h for why the reduction is exact).
 */
#include "topologies/bisection.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *topo_cut_name(topo_cut_t cut)
{
    static const char *const names[TOPO_CUT_COUNT] = {
        [TOPO_CUT_HALVES] = "halves",
        [TOPO_CUT_INTERLEAVED] = "interleaved",
        [TOPO_CUT_RANDOM] = "random",
    };
    if ((int)cut < 0 || cut >= TOPO_CUT_COUNT)
        return "unknown";
    return names[cut];
}

/* splitmix64 step for the fixed-seed shuffle. */
static uint64_t mix_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* side[node]: 0 = A (sends), 1 = B (receives).  N >= 2. */
static int node_sides(const topo_t *t, topo_cut_t cut, uint8_t *side)
{
    int32_t N = t->n_nodes;
    if (cut != TOPO_CUT_RANDOM) {
        for (int32_t i = 0; i < N; i++)
            side[i] = cut == TOPO_CUT_HALVES ? i >= N / 2 : i % 2;
        return 0;
    }
    int32_t *order = malloc((size_t)N * sizeof *order);
    if (order == NULL)
        return -1;
    for (int32_t i = 0; i < N; i++)
        order[i] = i;
    uint64_t x = 0x746F706F6C6F6779ULL; /* fixed seed ("topology") */
    for (int32_t i = N - 1; i > 0; i--) {
        int32_t j = (int32_t)(mix_next(&x) % (uint64_t)(i + 1));
        int32_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (int32_t i = 0; i < N; i++)
        side[order[i]] = i >= N / 2;
    free(order);
    return 0;
}

/* Run igraph's max-flow on an edge list with capacities. */
static sim_err_t maxflow(igraph_vector_int_t *edges, igraph_vector_t *cap,
                         igraph_integer_t nv, igraph_integer_t s,
                         igraph_integer_t tt, double *value)
{
    igraph_t g;
    igraph_real_t v;
    if (igraph_create(&g, edges, nv, IGRAPH_DIRECTED) != IGRAPH_SUCCESS)
        return SIM_ERR_LIB;
    igraph_error_t rc = igraph_maxflow_value(&g, &v, s, tt, cap, NULL);
    igraph_destroy(&g);
    if (rc != IGRAPH_SUCCESS)
        return SIM_ERR_LIB;
    *value = v;
    return SIM_OK;
}

static int push_edge(igraph_vector_int_t *e, igraph_vector_t *c,
                     igraph_integer_t a, igraph_integer_t b, double cap)
{
    return igraph_vector_int_push_back(e, a) ||
           igraph_vector_int_push_back(e, b) || igraph_vector_push_back(c, cap);
}

/* ---- full graph ------------------------------------------------------------ */

static sim_err_t cut_full(const topo_t *t, const uint8_t *nside, double *value)
{
    sim_err_t err = SIM_ERR_NOMEM;
    int32_t L = t->n_links, G = t->n_gpus, V = t->n_vertices;
    igraph_vector_int_t e;
    igraph_vector_t c;
    bool e_ok = false, c_ok = false;
    double *gout = calloc((size_t)G, sizeof *gout);
    double *gin = calloc((size_t)G, sizeof *gin);
    if (gout == NULL || gin == NULL)
        goto fail;
    if (igraph_vector_int_init(&e, 0) != IGRAPH_SUCCESS)
        goto fail;
    e_ok = true;
    if (igraph_vector_init(&c, 0) != IGRAPH_SUCCESS)
        goto fail;
    c_ok = true;
    if (igraph_vector_int_reserve(&e, 2 * ((igraph_integer_t)L + 2 * G)) ||
        igraph_vector_reserve(&c, (igraph_integer_t)L + 2 * G))
        goto fail;
    for (int32_t l = 0; l < L; l++) {
        int32_t a = t->l_src[l], b = t->l_dst[l];
        double cap = topo_link_usable(t, l) ? t->l_bw[l] : 0.0;
        /* No relaying through hosts: A's NICs only send, B's only receive. */
        if (nside != NULL && t->l_kind[l] == TOPO_L_NIC_LEAF) {
            bool up = t->v_kind[a] == TOPO_V_NIC;
            int32_t nic = t->v_index[up ? a : b];
            if (nside[t->nic_node[nic]] != (up ? 0 : 1))
                cap = 0.0;
        }
        if (a < G)
            gout[a] += cap;
        if (b < G)
            gin[b] += cap;
        if (push_edge(&e, &c, a, b, cap))
            goto fail;
    }
    igraph_integer_t S = V, T = V + 1;
    for (int32_t g = 0; g < G; g++) {
        int a_side = nside != NULL ? nside[t->gpu_node[g]] == 0 : g < G / 2;
        if (push_edge(&e, &c, S, g, a_side ? gout[g] : 0.0) ||
            push_edge(&e, &c, g, T, a_side ? 0.0 : gin[g]))
            goto fail;
    }
    err = maxflow(&e, &c, (igraph_integer_t)V + 2, S, T, value);
fail:
    if (e_ok)
        igraph_vector_int_destroy(&e);
    if (c_ok)
        igraph_vector_destroy(&c);
    free(gout);
    free(gin);
    return err;
}

/* ---- reduced graph ----------------------------------------------------- */

typedef struct nicrec {
    uint8_t side;
    double cap;       /* PCIe capacity into (A) or out of (B) the NIC */
    int32_t leaf[2];  /* leaf vertex per port, -1 if none */
    double pcap[2];   /* usable port capacity in the direction that counts */
} nicrec_t;

static int cmp_double(double a, double b) { return (a > b) - (a < b); }

static int cmp_nic(const void *pa, const void *pb)
{
    const nicrec_t *a = pa, *b = pb;
    int r;
    if (a->side != b->side)
        return (int)a->side - (int)b->side;
    if ((r = cmp_double(a->cap, b->cap)) != 0)
        return r;
    for (int k = 0; k < 2; k++) {
        if (a->leaf[k] != b->leaf[k])
            return a->leaf[k] < b->leaf[k] ? -1 : 1;
        if ((r = cmp_double(a->pcap[k], b->pcap[k])) != 0)
            return r;
    }
    return 0;
}

static sim_err_t cut_reduced(const topo_t *t, const uint8_t *nside,
                             double *value)
{
    sim_err_t err = SIM_ERR_NOMEM;
    int32_t V = t->n_vertices, NN = t->n_nics, np = t->nic_ports;
    igraph_vector_int_t e;
    igraph_vector_t c;
    bool e_ok = false, c_ok = false;
    int32_t *sw = malloc((size_t)V * sizeof *sw);
    nicrec_t *r = calloc((size_t)NN + 1, sizeof *r);
    if (sw == NULL || r == NULL)
        goto fail;
    int32_t nsw = 0;
    for (int32_t v = 0; v < V; v++)
        sw[v] = t->v_tier[v] >= TOPO_TIER_LEAF ? nsw++ : -1;
    for (int32_t n = 0; n < NN; n++) {
        r[n].side = nside[t->nic_node[n]];
        r[n].leaf[0] = r[n].leaf[1] = -1;
        for (int32_t k = 0; k < np && k < 2; k++) {
            int32_t l = t->nic_port_link[(size_t)n * (size_t)np + (size_t)k];
            if (l < 0)
                continue;
            int32_t dir = r[n].side == 0 ? l : (l ^ 1);
            r[n].leaf[k] = t->l_dst[l];
            r[n].pcap[k] = topo_link_usable(t, dir) ? t->l_bw[dir] : 0.0;
        }
    }
    for (int32_t g = 0; g < t->n_gpus; g++) {
        int32_t l = t->gpu_pcie[g];
        if (l < 0)
            continue;
        nicrec_t *x = &r[t->gpu_nic[g]];
        int32_t dir = x->side == 0 ? l : (l ^ 1);
        if (topo_link_usable(t, dir))
            x->cap += t->l_bw[dir];
    }
    qsort(r, (size_t)NN, sizeof *r, cmp_nic);

    if (igraph_vector_int_init(&e, 0) != IGRAPH_SUCCESS)
        goto fail;
    e_ok = true;
    if (igraph_vector_init(&c, 0) != IGRAPH_SUCCESS)
        goto fail;
    c_ok = true;
    for (int32_t l = 0; l < t->n_links; l++) {
        int32_t a = sw[t->l_src[l]], b = sw[t->l_dst[l]];
        if (a < 0 || b < 0)
            continue;
        if (push_edge(&e, &c, a, b, topo_link_usable(t, l) ? t->l_bw[l] : 0.0))
            goto fail;
    }
    /* Count groups first: S and T ids follow them. */
    int32_t ng = 0;
    for (int32_t n = 0; n < NN; n++)
        if (n == 0 || cmp_nic(&r[n - 1], &r[n]) != 0)
            ng++;
    igraph_integer_t S = nsw + ng, T = S + 1;
    for (int32_t n = 0, grp = nsw - 1; n < NN;) {
        int32_t m = n;
        double cap = 0, pc[2] = {0, 0};
        while (m < NN && cmp_nic(&r[n], &r[m]) == 0) {
            cap += r[m].cap;
            pc[0] += r[m].pcap[0];
            pc[1] += r[m].pcap[1];
            m++;
        }
        grp++;
        bool a_side = r[n].side == 0;
        if (push_edge(&e, &c, a_side ? S : grp, a_side ? grp : T, cap))
            goto fail;
        for (int k = 0; k < 2; k++) {
            if (r[n].leaf[k] < 0)
                continue;
            int32_t leaf = sw[r[n].leaf[k]];
            if (push_edge(&e, &c, a_side ? grp : leaf, a_side ? leaf : grp,
                          pc[k]))
                goto fail;
        }
        n = m;
    }
    err = maxflow(&e, &c, T + 1, S, T, value);
fail:
    if (e_ok)
        igraph_vector_int_destroy(&e);
    if (c_ok)
        igraph_vector_destroy(&c);
    free(sw);
    free(r);
    return err;
}

sim_err_t topo_bisection_cut(const topo_t *t, topo_cut_t cut, bool reduced,
                             double *value, sim_diag_t *diag)
{
    sim_err_t err;
    uint8_t *nside = NULL;
    *value = 0.0;
    if (t->n_gpus < 2)
        return SIM_OK;
    if (t->n_nodes < 2) {
        err = cut_full(t, NULL, value);
        goto done;
    }
    nside = malloc((size_t)t->n_nodes);
    if (nside == NULL || node_sides(t, cut, nside) != 0) {
        err = SIM_ERR_NOMEM;
        goto done;
    }
    if (reduced && t->structured)
        err = cut_reduced(t, nside, value);
    else
        err = cut_full(t, nside, value);
done:
    free(nside);
    if (err != SIM_OK)
        sim_diag_set(diag, err, NULL, 0, NULL,
                     "%s computing the %s bisection cut",
                     err == SIM_ERR_NOMEM ? "out of memory" : "igraph failed",
                     topo_cut_name(cut));
    return err;
}
