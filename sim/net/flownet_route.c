/*
 * flownet_route.c — turning a flow into routed sub-flows (hash path or
 * decomposed spray fan-out, with protocol-efficiency bounds), and moving
 * flows off links that failed.  See flownet.h ("ECMP", "Protocol-
 * efficiency caps", "Failures") for the model.
 *
 * Assumes: the topology is finalized; structured routes are at most
 * FN_HOPS links (TOPO_ROUTE_MAX_HOPS).
 */
#include "sim/net/flownet_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A spray entry whose undistributed weight is below this is used up
 * (weights are fractions of 1, sums of at most ~1,000 halvings). */
#define DEC_EPS 1e-12

/* Efficiency cap that applies to links of kind k (1 = none). */
static double kind_eff(const sim_net_t *net, uint8_t k)
{
    if (k == TOPO_L_NVLINK)
        return net->p.nvlink_efficiency;
    if (k == TOPO_L_NIC_LEAF)
        return net->p.nic_efficiency;
    return 1.0;
}

/* Tighten *cap with link l carrying fraction w of the flow:
 * w R <= eff bw_l. */
static void cap_link(const sim_net_t *net, int32_t l, double w, double *cap)
{
    double eff = kind_eff(net, net->topo->l_kind[l]);
    if (eff < 1.0 && w > 0.0) {
        double c = eff * net->topo->l_bw[l] / w;
        if (c < *cap)
            *cap = c;
    }
}

static double path_latency(const topo_t *t, const int32_t *links, size_t n)
{
    double lat = 0.0;
    for (size_t k = 0; k < n; k++)
        lat += t->l_lat[links[k]];
    return lat;
}

/* Add one live sub-flow of flow f over links[0..n) carrying `bytes` with
 * lmm weight w and bound `bound` (SIM_LMM_NO_BOUND for none). */
static sim_err_t add_sub(sim_net_t *net, int32_t f, const int32_t *links,
                         size_t n, double w, double bytes, double bound)
{
    int32_t uniq[FN_HOPS];
    int cn[FN_HOPS];
    size_t m = 0;
    int32_t i;
    int v;
    sim_err_t err;

    for (size_t k = 0; k < n; k++) { /* dedupe: a link counts once */
        size_t j = 0;
        while (j < m && uniq[j] != links[k])
            j++;
        if (j == m) {
            uniq[m] = links[k];
            cn[m] = net->link_cnst[links[k]];
            m++;
        }
    }
    if ((err = fn_sub_alloc(net, &i)) != SIM_OK)
        return err;
    if ((err = sim_lmm_variable_new(net->lmm, w, bound, cn, m, &v)) != SIM_OK)
        goto fail;
    if ((err = fn_var_reserve(net, v)) != SIM_OK) {
        sim_lmm_variable_free(net->lmm, v);
        goto fail;
    }
    fn_sub_t *s = &net->subs[i];
    s->weight = w;
    s->bytes = bytes;
    s->rem = bytes;
    s->rate = 0.0;
    s->lat = path_latency(net->topo, links, n);
    s->last = sim_engine_now(net->eng);
    s->ev = SIM_EQ_HANDLE_NULL;
    s->flow = f;
    s->var = v;
    s->n = (uint8_t)m;
    net->var_sf[v] = i;
    for (size_t k = 0; k < m; k++) {
        int32_t e = i * FN_HOPS + (int32_t)k, l = uniq[k];
        net->e_link[e] = l;
        net->e_prev[e] = -1;
        net->e_next[e] = net->link_head[l];
        if (net->link_head[l] >= 0)
            net->e_prev[net->link_head[l]] = e;
        net->link_head[l] = e;
    }
    fn_flow_t *fl = &net->flows[f];
    s->next = fl->first_sf;
    fl->first_sf = i;
    fl->live_sf++;
    return SIM_OK;
fail:
    net->subs[i].next = net->sub_free;
    net->sub_free = i;
    return err;
}

/* ---- hash mode ---------------------------------------------------------- */

static sim_err_t route_hash(sim_net_t *net, int32_t f, double bytes)
{
    const fn_flow_t *fl = &net->flows[f];
    int32_t path[FN_HOPS];
    size_t n;
    sim_err_t err = topo_route(net->topo, fl->src, fl->dst, fl->salt, path,
                               FN_HOPS, &n, NULL);
    if (err != SIM_OK)
        return err;
    if (bytes <= 0.0) {
        sim_time_t t = sim_time_add_sat(
            sim_engine_now(net->eng),
            sim_time_from_s_ceil(path_latency(net->topo, path, n)));
        if (t > net->flows[f].done_at)
            net->flows[f].done_at = t;
        return SIM_OK;
    }
    double cap = SIM_LMM_NO_BOUND;
    for (size_t k = 0; k < n; k++)
        cap_link(net, path[k], 1.0, &cap);
    return add_sub(net, f, path, n, 1.0, bytes, cap);
}

/* ---- spray mode --------------------------------------------------------- */

static int grow_dec(sim_net_t *net, size_t entries)
{
    if (entries > net->dec_rem_cap) {
        double *r = realloc(net->dec_rem, entries * sizeof *r);
        if (r == NULL)
            return -1;
        net->dec_rem = r;
        net->dec_rem_cap = entries;
    }
    /* A decomposition has at most one path per entry, plus one. */
    if (entries + 1 > net->dec_cap) {
        size_t cap = entries + 1;
        int32_t *l = realloc(net->dec_links, cap * FN_HOPS * sizeof *l);
        if (l == NULL)
            return -1;
        net->dec_links = l;
        double *w = realloc(net->dec_w, cap * sizeof *w);
        if (w == NULL)
            return -1;
        net->dec_w = w;
        net->dec_cap = cap;
    }
    return 0;
}

/*
 * Decompose the fan-out in net->spray into weighted paths (a flow
 * decomposition): repeatedly follow, hop by hop from the path's current
 * vertex, the entry with the most undistributed weight (ties: lowest
 * (hop, link)), take the smallest weight along the way and subtract it.
 * Each round uses up at least one entry, so there are at most n paths;
 * weights are then normalised to sum to 1.  Cost O(paths x n).
 */
static sim_err_t decompose(sim_net_t *net)
{
    const topo_spray_t *s = &net->spray;
    const topo_t *t = net->topo;
    size_t hops = (size_t)s->hops, lo[FN_HOPS + 1];

    net->dec_n = 0;
    if (hops == 0 || hops > FN_HOPS)
        return SIM_ERR_RANGE;
    if (grow_dec(net, s->n) != 0)
        return SIM_ERR_NOMEM;
    memcpy(net->dec_rem, s->weight, s->n * sizeof *net->dec_rem);
    for (size_t h = 0, k = 0; h <= hops; h++) { /* entries sorted by hop */
        while (k < s->n && s->hop[k] < h)
            k++;
        lo[h] = k;
    }
    double *rem = net->dec_rem, sum = 0.0;
    for (size_t round = 0; round <= s->n; round++) {
        int32_t *path = net->dec_links + net->dec_n * FN_HOPS;
        size_t pick[FN_HOPS];
        int32_t v = -1;
        double w = INFINITY;
        size_t h;
        for (h = 0; h < hops; h++) {
            size_t best = SIZE_MAX;
            for (size_t k = lo[h]; k < lo[h + 1]; k++) {
                if (rem[k] <= DEC_EPS ||
                    (v >= 0 && t->l_src[s->link[k]] != v))
                    continue;
                if (best == SIZE_MAX || rem[k] > rem[best])
                    best = k;
            }
            if (best == SIZE_MAX)
                break;
            pick[h] = best;
            path[h] = s->link[best];
            v = t->l_dst[s->link[best]];
            if (rem[best] < w)
                w = rem[best];
        }
        if (h < hops)
            break; /* nothing left (or rounding crumbs only) */
        for (h = 0; h < hops; h++)
            rem[pick[h]] -= w;
        net->dec_w[net->dec_n++] = w;
        sum += w;
    }
    if (net->dec_n == 0 || !(sum > 0.0))
        return SIM_ERR_INFEASIBLE; /* believed unreachable after a route */
    for (size_t k = 0; k < net->dec_n; k++)
        net->dec_w[k] /= sum;
    return SIM_OK;
}

static sim_err_t route_spray(sim_net_t *net, int32_t f, double bytes)
{
    const fn_flow_t *fl = &net->flows[f];
    topo_spray_t *s = &net->spray;
    sim_err_t err = topo_route_spray(net->topo, fl->src, fl->dst, s, NULL);
    if (err != SIM_OK)
        return err;
    if ((err = decompose(net)) != SIM_OK)
        return err;
    size_t hops = (size_t)s->hops;
    if (bytes <= 0.0) {
        double lat = 0.0;
        for (size_t k = 0; k < net->dec_n; k++) {
            double l = path_latency(net->topo,
                                    net->dec_links + k * FN_HOPS, hops);
            if (l > lat)
                lat = l;
        }
        sim_time_t t = sim_time_add_sat(sim_engine_now(net->eng),
                                        sim_time_from_s_ceil(lat));
        if (t > net->flows[f].done_at)
            net->flows[f].done_at = t;
        return SIM_OK;
    }
    double cap = SIM_LMM_NO_BOUND;
    for (size_t k = 0; k < s->n; k++)
        cap_link(net, s->link[k], s->weight[k], &cap);
    for (size_t k = 0; k < net->dec_n; k++) {
        double w = net->dec_w[k];
        err = add_sub(net, f, net->dec_links + k * FN_HOPS, hops, w,
                      w * bytes, isinf(cap) ? SIM_LMM_NO_BOUND : w * cap);
        if (err != SIM_OK) {
            fn_flow_drop_subs(net, f, sim_engine_now(net->eng));
            return err;
        }
    }
    return SIM_OK;
}

sim_err_t fn_route_flow(sim_net_t *net, int32_t f, double bytes)
{
    if (net->p.ecmp == SIM_NET_ECMP_SPRAY && net->topo->structured)
        return route_spray(net, f, bytes);
    return route_hash(net, f, bytes);
}

/* ---- failures ----------------------------------------------------------- */

/* Collect (once each, in link-list order) the flows with a live sub-flow
 * on one of the links into net->aff; returns their number or -1 (NOMEM). */
static long collect(sim_net_t *net, const int32_t *links, size_t n)
{
    size_t m = 0;
    uint64_t epoch = ++net->epoch;
    for (size_t k = 0; k < n; k++) {
        for (int32_t e = net->link_head[links[k]]; e >= 0;
             e = net->e_next[e]) {
            int32_t f = net->subs[e / FN_HOPS].flow;
            if (net->flows[f].mark == epoch)
                continue;
            net->flows[f].mark = epoch;
            if (m == net->aff_cap) {
                size_t cap = net->aff_cap ? net->aff_cap * 2 : 64;
                int32_t *a = realloc(net->aff, cap * sizeof *a);
                if (a == NULL)
                    return -1;
                net->aff = a;
                net->aff_cap = cap;
            }
            net->aff[m++] = f;
        }
    }
    return (long)m;
}

sim_err_t fn_reroute_links(sim_net_t *net, const int32_t *links, size_t n)
{
    sim_time_t now = sim_engine_now(net->eng);
    sim_err_t first = SIM_OK;
    long m = collect(net, links, n);
    if (m < 0)
        return SIM_ERR_NOMEM;
    for (long k = 0; k < m; k++) {
        int32_t f = net->aff[k];
        double rem = fn_flow_drop_subs(net, f, now);
        sim_err_t err = fn_route_flow(net, f, rem);
        fn_flow_t *fl = &net->flows[f];
        if (err == SIM_OK) {
            net->st.reroutes++;
            if (fl->live_sf == 0) /* nothing left to send */
                err = fn_flow_finish_at(net, f, SIM_OK,
                                        fl->done_at > now ? fl->done_at : now);
        } else {
            sim_err_t st = err;
            err = fn_flow_finish_at(net, f, st, now);
            if (err == SIM_OK && st != SIM_ERR_INFEASIBLE)
                err = st;
        }
        if (err != SIM_OK && first == SIM_OK)
            first = err;
    }
    return first;
}
