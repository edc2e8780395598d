/*
 * summary.c — counts, bisection (max-flow) and diameter of a topology
 * (see summary.h for the methods).
 *
 * Assumes: igraph's error handler has been replaced by the caller (the CLI
 * and the tests do), so igraph failures come back as codes.
 */
#include "topologies/summary.h"

#include "topologies/bisection.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- counts ------------------------------------------------------------ */

static void count(const topo_t *t, topo_summary_t *s)
{
    s->kind = t->kind;
    memcpy(s->tier_name, t->tier_name, sizeof s->tier_name);
    s->gpus = t->n_gpus;
    s->nodes = t->n_nodes;
    s->nvlink_domains = t->n_nodes;
    s->nics = t->n_nics;
    s->vertices = t->n_vertices;
    s->links = t->n_links;
    for (int k = 1; k < TOPO_TIER_COUNT; k++)
        s->switches[k] = t->n_switches[k];
    for (int32_t l = 0; l < t->n_links; l += 2) {
        int k = t->l_kind[l];
        double bw = t->l_bw[l];
        if (s->cables[k] == 0 || bw < s->link_bw_min[k])
            s->link_bw_min[k] = bw;
        if (s->cables[k] == 0 || bw > s->link_bw_max[k])
            s->link_bw_max[k] = bw;
        s->cables[k]++;
    }
    s->nic_ports = (int32_t)s->cables[TOPO_L_NIC_LEAF];
    /* Injection: node 0's ports into the fabric. */
    if (t->n_nodes > 0) {
        int32_t npn = t->n_nics / t->n_nodes;
        for (int32_t i = 0; i < npn * t->nic_ports; i++) {
            int32_t l = t->nic_port_link[i];
            if (l >= 0)
                s->host_injection_bw += t->l_bw[l];
        }
    }
    /* Oversubscription of the first switch of tiers 1 and 2. */
    for (int tier = 1; tier <= 2; tier++) {
        int32_t v = topo_switch_vertex(t, tier, 0);
        double down = 0, up = 0;
        if (v < 0)
            continue;
        for (int32_t i = t->adj_off[v]; i < t->adj_mid[v]; i++)
            down += t->l_bw[t->adj[i]];
        for (int32_t i = t->adj_mid[v]; i < t->adj_off[v + 1]; i++)
            up += t->l_bw[t->adj[i]];
        double r = up > 0 ? down / up : 0.0;
        if (tier == 1)
            s->leaf_oversubscription = r;
        else
            s->spine_oversubscription = r;
    }
}

/* ---- bisection ------------------------------------------------------------ */

static sim_err_t bisection(const topo_t *t, topo_summary_t *s,
                           sim_diag_t *diag)
{
    if (t->n_gpus < 2)
        return SIM_OK;
    /* One node: one GPU split.  Two nodes: the three cuts coincide. */
    int ncuts = t->n_nodes > 2 ? TOPO_SUMMARY_MAX_CUTS : 1;
    s->bisection_bw = INFINITY;
    for (int c = 0; c < ncuts; c++) {
        double v;
        sim_err_t err = topo_bisection_cut(t, (topo_cut_t)c, true, &v, diag);
        if (err != SIM_OK)
            return err;
        snprintf(s->cut_name[c], sizeof s->cut_name[c], "%s",
                 t->n_nodes >= 2 ? topo_cut_name((topo_cut_t)c) : "gpu-halves");
        s->cut_bw[c] = v;
        if (v < s->bisection_bw)
            s->bisection_bw = v;
        s->n_cuts = c + 1;
    }
    return SIM_OK;
}

/* ---- diameter ------------------------------------------------------------ */

static sim_err_t diameter(const topo_t *t, topo_summary_t *s, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    igraph_vector_int_t src;
    igraph_matrix_t dist;
    bool v_ok = false, m_ok = false;
    int32_t G = t->n_gpus;

    s->diameter_hops = 0;
    if (G < 2)
        return SIM_OK;
    if (igraph_vector_int_init(&src, 0))
        goto lib;
    v_ok = true;
    s->diameter_exact = G <= TOPO_DIAMETER_EXACT_GPUS;
    if (s->diameter_exact) {
        for (int32_t g = 0; g < G; g++)
            if (igraph_vector_int_push_back(&src, g))
                goto lib;
    } else {
        int32_t gpn = G / t->n_nodes;
        for (int32_t g = 0; g < gpn; g++)
            if (igraph_vector_int_push_back(&src, g))
                goto lib;
        if (igraph_vector_int_push_back(&src, (t->n_nodes / 2) * gpn) ||
            igraph_vector_int_push_back(&src, (t->n_nodes - 1) * gpn))
            goto lib;
    }
    s->diameter_sources = (int32_t)igraph_vector_int_size(&src);
    if (igraph_matrix_init(&dist, 0, 0))
        goto lib;
    m_ok = true;
    /* One source at a time keeps the matrix at one row. */
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(&src); i++) {
        igraph_vs_t from = igraph_vss_1(VECTOR(src)[i]);
        igraph_vs_t to = igraph_vss_range(0, G);
        if (igraph_distances(&t->graph, &dist, from, to, IGRAPH_OUT))
            goto lib;
        for (int32_t g = 0; g < G; g++) {
            double d = MATRIX(dist, 0, g);
            if (!isfinite(d)) {
                s->diameter_hops = -1;
                goto fail;
            }
            if (d > s->diameter_hops)
                s->diameter_hops = (int32_t)d;
        }
    }
    goto fail;
lib:
    err = sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL,
                       "igraph failed computing the diameter");
fail:
    if (v_ok)
        igraph_vector_int_destroy(&src);
    if (m_ok)
        igraph_matrix_destroy(&dist);
    return err;
}

sim_err_t topo_summary_compute(const topo_t *t, topo_summary_t *s,
                               sim_diag_t *diag)
{
    sim_err_t err;
    memset(s, 0, sizeof *s);
    count(t, s);
    if ((err = bisection(t, s, diag)) != SIM_OK)
        return err;
    return diameter(t, s, diag);
}

/* ---- rendering ------------------------------------------------------------ */

/* Run with the C locale for numbers; restore the caller's afterwards. */
typedef struct c_locale_scope {
    locale_t c, old;
} c_locale_scope_t;

static void c_locale_enter(c_locale_scope_t *sc)
{
    sc->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    sc->old = sc->c != (locale_t)0 ? uselocale(sc->c) : (locale_t)0;
}

static void c_locale_leave(c_locale_scope_t *sc)
{
    if (sc->c != (locale_t)0) {
        uselocale(sc->old);
        freelocale(sc->c);
    }
}

sim_err_t topo_summary_print_text(const topo_summary_t *s, FILE *out)
{
    c_locale_scope_t sc;
    c_locale_enter(&sc);
    fprintf(out, "topology         %s\n", topo_kind_name(s->kind));
    fprintf(out, "gpus             %d (%d nodes, %d NVLink domains)\n",
            (int)s->gpus, (int)s->nodes, (int)s->nvlink_domains);
    fprintf(out, "nics             %d (%d ports cabled)\n", (int)s->nics,
            (int)s->nic_ports);
    fprintf(out, "switches        ");
    for (int k = 1; k < TOPO_TIER_COUNT; k++)
        fprintf(out, " %s %d%s", s->tier_name[k], (int)s->switches[k],
                k + 1 < TOPO_TIER_COUNT ? "," : "\n");
    fprintf(out, "vertices, links  %d, %d directed\n", (int)s->vertices,
            (int)s->links);
    for (int k = 0; k < TOPO_L_KIND_COUNT; k++) {
        if (s->cables[k] == 0)
            continue;
        fprintf(out, "  %-14s %lld cables x %g Gb/s", topo_lkind_name(k),
                (long long)s->cables[k], s->link_bw_min[k] * 8e-9);
        if (s->link_bw_max[k] != s->link_bw_min[k])
            fprintf(out, "..%g Gb/s", s->link_bw_max[k] * 8e-9);
        fprintf(out, " per direction\n");
    }
    fprintf(out, "injection/host   %g Tb/s\n", s->host_injection_bw * 8e-12);
    if (s->leaf_oversubscription > 0)
        fprintf(out, "oversubscription %s %.4g:1", s->tier_name[1],
                s->leaf_oversubscription);
    if (s->spine_oversubscription > 0)
        fprintf(out, ", %s %.4g:1", s->tier_name[2], s->spine_oversubscription);
    if (s->leaf_oversubscription > 0)
        fprintf(out, "\n");
    if (s->n_cuts > 0) {
        fprintf(out, "bisection        %g Tb/s one way (min of",
                s->bisection_bw * 8e-12);
        for (int c = 0; c < s->n_cuts; c++)
            fprintf(out, " %s %g%s", s->cut_name[c], s->cut_bw[c] * 8e-12,
                    c + 1 < s->n_cuts ? "," : ")\n");
    }
    fprintf(out, "diameter         %d hops GPU to GPU (%s, %d sources)\n",
            (int)s->diameter_hops, s->diameter_exact ? "exact" : "sampled",
            (int)s->diameter_sources);
    c_locale_leave(&sc);
    return ferror(out) ? SIM_ERR_IO : SIM_OK;
}

static int set(json_t *obj, const char *key, json_t *v)
{
    return v == NULL || json_object_set_new(obj, key, v) != 0 ? -1 : 0;
}

sim_err_t topo_summary_to_json(const topo_summary_t *s, json_t *obj)
{
    int bad = 0;
    json_t *sw = json_object(), *links = json_object(), *cuts = json_array();
    if (sw == NULL || links == NULL || cuts == NULL) {
        json_decref(sw);
        json_decref(links);
        json_decref(cuts);
        return SIM_ERR_NOMEM;
    }
    for (int k = 1; k < TOPO_TIER_COUNT; k++)
        bad |= set(sw, s->tier_name[k], json_integer(s->switches[k]));
    for (int k = 0; k < TOPO_L_KIND_COUNT; k++) {
        if (s->cables[k] == 0)
            continue;
        json_t *o = json_object();
        bad |= set(o, "cables", json_integer(s->cables[k]));
        bad |= set(o, "bandwidth_min_Bps", json_real(s->link_bw_min[k]));
        bad |= set(o, "bandwidth_max_Bps", json_real(s->link_bw_max[k]));
        bad |= set(links, topo_lkind_name(k), o);
    }
    for (int c = 0; c < s->n_cuts; c++) {
        json_t *o = json_object();
        bad |= set(o, "cut", json_string(s->cut_name[c]));
        bad |= set(o, "Bps", json_real(s->cut_bw[c]));
        if (o == NULL || json_array_append_new(cuts, o) != 0)
            bad = 1;
    }
    bad |= set(obj, "topology", json_string(topo_kind_name(s->kind)));
    bad |= set(obj, "gpus", json_integer(s->gpus));
    bad |= set(obj, "nodes", json_integer(s->nodes));
    bad |= set(obj, "nvlink_domains", json_integer(s->nvlink_domains));
    bad |= set(obj, "nics", json_integer(s->nics));
    bad |= set(obj, "nic_ports", json_integer(s->nic_ports));
    bad |= set(obj, "vertices", json_integer(s->vertices));
    bad |= set(obj, "directed_links", json_integer(s->links));
    bad |= set(obj, "switches", sw);
    bad |= set(obj, "links", links);
    bad |= set(obj, "host_injection_Bps", json_real(s->host_injection_bw));
    bad |= set(obj, "leaf_oversubscription",
               json_real(s->leaf_oversubscription));
    bad |= set(obj, "spine_oversubscription",
               json_real(s->spine_oversubscription));
    bad |= set(obj, "bisection_Bps",
               json_real(s->n_cuts > 0 ? s->bisection_bw : 0.0));
    bad |= set(obj, "bisection_cuts", cuts);
    bad |= set(obj, "diameter_hops", json_integer(s->diameter_hops));
    bad |= set(obj, "diameter_method",
               json_string(s->diameter_exact ? "exact" : "sampled"));
    return bad ? SIM_ERR_NOMEM : SIM_OK;
}
