/*
 * coll_tree.c — pipelined trees for collective schedules: NCCL's double
 * binary tree (all-reduce) and the chains of ring broadcast/reduce.
 *
 * A tree is a parent array over ranks.  Chunk p crosses the up edge of a
 * vertex of height h at step p + h (a vertex sends once all its children
 * did), and the down edge to a vertex of depth d at step p + H + d - 1
 * (H: the root's height).  Consecutive steps with the same active edge
 * ranges in every tree form one phase, so the steady state (every edge
 * busy) is a single collapsible phase.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net/coll_int.h"

/* NCCL's bit-pattern binary tree over positions 0..k-1: the parent of r is
 * r with its lowest set bit moved up one place (or cleared when that
 * falls outside), root 0. */
static int32_t btree_parent(int32_t r, int32_t k)
{
    if (r == 0)
        return -1;
    int32_t bit = r & -r;
    int32_t up = (r ^ bit) | (bit << 1);
    return up < k ? up : (r ^ bit);
}

void coll_tree_free(tree_t *t)
{
    free(t->parent);
    free(t->height);
    free(t->depth);
}

/* Fill depth, height, H and D from parent (n ranks). */
static sim_err_t tree_measure(tree_t *t, size_t n)
{
    int32_t *order = malloc(n * sizeof *order);
    if (order == NULL)
        return SIM_ERR_NOMEM;
    for (size_t v = 0; v < n; v++)
        t->depth[v] = -1;
    t->D = 0;
    for (size_t v = 0; v < n; v++) {
        /* walk up to a vertex of known depth, then assign on the way down */
        size_t len = 0;
        int32_t u = (int32_t)v;
        while (u >= 0 && t->depth[u] < 0) {
            order[len++] = u;
            u = t->parent[u];
        }
        int32_t d = u >= 0 ? t->depth[u] : -1;
        while (len > 0) {
            int32_t w = order[--len];
            t->depth[w] = ++d;
            if (d > t->D)
                t->D = d;
        }
    }
    /* heights by decreasing depth (counting sort) */
    int32_t *cnt = calloc((size_t)t->D + 2, sizeof *cnt);
    if (cnt == NULL) {
        free(order);
        return SIM_ERR_NOMEM;
    }
    for (size_t v = 0; v < n; v++)
        cnt[t->depth[v] + 1]++;
    for (int32_t d = 0; d <= t->D; d++)
        cnt[d + 1] += cnt[d];
    for (size_t v = 0; v < n; v++)
        order[cnt[t->depth[v]]++] = (int32_t)v;
    for (size_t v = 0; v < n; v++)
        t->height[v] = 0;
    t->H = 0;
    for (size_t i = n; i-- > 0;) {
        int32_t v = order[i], p = t->parent[v];
        if (p >= 0 && t->height[p] < t->height[v] + 1)
            t->height[p] = t->height[v] + 1;
        if (p < 0 && t->height[v] > t->H)
            t->H = t->height[v];
    }
    free(cnt);
    free(order);
    return SIM_OK;
}

static sim_err_t tree_alloc(tree_t *t, size_t n)
{
    t->parent = malloc(n * sizeof *t->parent);
    t->height = malloc(n * sizeof *t->height);
    t->depth = malloc(n * sizeof *t->depth);
    if (t->parent == NULL || t->height == NULL || t->depth == NULL)
        return SIM_ERR_NOMEM;
    return SIM_OK;
}

/* Double binary tree number `which` (0 or 1) of channel ch: nodes in a
 * btree, each node a chain hanging from its lead: tree 0 walks the node's
 * ranks forward from local rank ch, tree 1 backward from local rank ch-1,
 * so the channels' trees leave each node through different GPUs (NICs). */
static int32_t chain_at(int which, int32_t ch, int32_t i, int32_t m)
{
    int64_t v = which == 0 ? (int64_t)ch + i : (int64_t)ch - 1 - i;
    return (int32_t)(((v % m) + m) % m);
}

static void dbt_parents(const sim_coll_sched_t *s, int which, int32_t ch,
                        int32_t *parent)
{
    int32_t k = (int32_t)s->n_nodes;
    for (int32_t j = 0; j < k; j++) {
        int32_t m = s->node_size[j];
        const int32_t *loc = s->node_rank + s->node_first[j];
        int32_t pos = which == 0 ? j : (k % 2 == 0 ? (j + 1) % k : k - 1 - j);
        int32_t ppos = btree_parent(pos, k), pnode = -1;
        if (ppos >= 0)
            pnode = which == 0 ? ppos
                    : (k % 2 == 0 ? (ppos - 1 + k) % k : k - 1 - ppos);
        for (int32_t i = 0; i < m; i++) {
            int32_t r = loc[chain_at(which, ch, i, m)];
            if (i > 0) {
                parent[r] = loc[chain_at(which, ch, i - 1, m)];
            } else if (pnode < 0) {
                parent[r] = -1;
            } else {
                const int32_t *ploc = s->node_rank + s->node_first[pnode];
                int32_t pm = s->node_size[pnode];
                parent[r] = ploc[chain_at(which, ch, 0, pm)];
            }
        }
    }
}

/* Chain for broadcast/reduce on channel ch: the channel's ring cut open
 * at the root. */
static sim_err_t chain_parents(const sim_coll_sched_t *s, int32_t ch,
                               int32_t *parent)
{
    int32_t *ring = malloc(s->n * sizeof *ring);
    if (ring == NULL)
        return SIM_ERR_NOMEM;
    coll_snake_ring(s, ch, ring);
    size_t at = 0;
    while ((int32_t)ring[at] != s->o.root)
        at++;
    parent[s->o.root] = -1;
    for (size_t i = 1; i < s->n; i++)
        parent[ring[(at + i) % s->n]] = ring[(at + i - 1) % s->n];
    free(ring);
    return SIM_OK;
}

/* Active ranges of tree t at pipeline step k (see phase_tree_sig). */
void coll_tree_ranges(const tree_set_t *ts, const tree_t *t, int64_t k,
                        int64_t r[4])
{
    int64_t P = ts->chunks;
    /* up edge from v (height h) carries chunk p at step p + h */
    r[0] = ts->up ? (k - P + 1 > 0 ? k - P + 1 : 0) : 1;
    r[1] = ts->up ? (k < t->H - 1 ? k : t->H - 1) : 0;
    /* down edge to v (depth d) carries chunk p at step p + H0 + d - 1 */
    int64_t H0 = ts->up ? t->H : 0;
    int64_t lo = k - H0 - P + 2, hi = k - H0 + 1;
    r[2] = ts->down ? (lo > 1 ? lo : 1) : 1;
    r[3] = ts->down ? (hi < t->D ? hi : t->D) : 0;
    if (r[0] > r[1]) { r[0] = 1; r[1] = 0; }
    if (r[2] > r[3]) { r[2] = 1; r[3] = 0; }
}

static int64_t tree_steps(const tree_set_t *ts, const tree_t *t)
{
    int64_t last = ts->chunks - 1;
    if (ts->up)
        last += t->H - 1;
    if (ts->down)
        last += (ts->up ? t->H : 0) + t->D - 1;
    return last + 1;
}

/* Phases of a pipelined tree set: consecutive steps with the same active
 * ranges in every tree become one phase. */
sim_err_t coll_tree_phases(sim_coll_sched_t *s, int32_t set, double bytes)
{
    const tree_set_t *ts = &s->ts[set];
    int64_t total = 0;
    for (int32_t i = 0; i < ts->ntrees; i++) {
        int64_t st = tree_steps(ts, &ts->t[i]);
        if (st > total)
            total = st;
    }
    int64_t prev[2][4] = {{0}}, cur[2][4];
    int64_t start = 0;
    /* trees of one set share at most two shapes: tree 0 and tree 1 */
    int32_t shapes = ts->ntrees > 1 ? 2 : 1;
    for (int64_t k = 0; k <= total; k++) {
        bool same = k > 0 && k < total;
        for (int32_t i = 0; i < shapes && k < total; i++) {
            coll_tree_ranges(ts, &ts->t[i], k, cur[i]);
            if (k > 0 && memcmp(cur[i], prev[i], sizeof cur[i]) != 0)
                same = false;
        }
        if (k > 0 && !same) {
            sim_err_t err = coll_add_phase(s, PH_TREE, k - start, bytes, set,
                                      (int32_t)start, 0);
            if (err != SIM_OK)
                return err;
            start = k;
        }
        memcpy(prev, cur, sizeof prev);
    }
    return SIM_OK;
}

int32_t coll_chunk_count(const sim_coll_sched_t *s, double bytes)
{
    double c = ceil(bytes / s->o.chunk_bytes);
    if (!(c >= 1.0))
        c = 1.0;
    if (c > s->o.max_chunks)
        c = s->o.max_chunks;
    return (int32_t)c;
}

sim_err_t coll_build_tree_set(sim_coll_sched_t *s, bool dbt, bool up,
                                bool down, int32_t *id)
{
    int32_t c = s->o.channels;
    int32_t per = dbt ? 2 : 1;
    tree_set_t *ts = &s->ts[0];
    ts->t = calloc((size_t)(c * per), sizeof *ts->t);
    if (ts->t == NULL)
        return SIM_ERR_NOMEM;
    s->ntr = 1;
    ts->ntrees = c * per;
    ts->up = up;
    ts->down = down;
    for (int32_t i = 0; i < ts->ntrees; i++) {
        tree_t *t = &ts->t[i];
        sim_err_t err = tree_alloc(t, s->n);
        if (err != SIM_OK)
            return err;
        if (dbt) {
            dbt_parents(s, i % 2, i / 2, t->parent);
        } else if ((err = chain_parents(s, i, t->parent)) != SIM_OK) {
            return err;
        }
        if ((err = tree_measure(t, s->n)) != SIM_OK)
            return err;
        t->salt = coll_mix(s->o.salt, (uint64_t)(1000 + i));
        t->lane = (dbt ? i / 2 : i) / coll_max_node_size(s);
    }
    *id = 0;
    return SIM_OK;
}

