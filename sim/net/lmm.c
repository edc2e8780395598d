/*
 * lmm.c — incremental weighted max-min fair solver (see lmm.h).
 *
 * Layout.  Constraints and variables live in two growable arrays of
 * records indexed by id.  The bipartite incidence is stored twice and
 * cross-indexed so either side is removed in O(1): a variable's path is an
 * array of hops {constraint, position of this variable in the
 * constraint's user array}; a constraint's user array holds {variable,
 * slot of this constraint in the variable's path}.  Removing a user swaps
 * the last user into its place and patches that user's hop.
 *
 * Invariants kept between calls:
 *   - cnst[c].users[k] = {v, s}  <=>  var[v].path[s] = {c, k}.
 *   - A constraint (variable) is on mod_c (mod_v) iff its `modified` flag
 *     is set; the lists may hold freed or reused ids, which the solve
 *     skips or treats as the new owner.  Rates of variables outside the
 *     components reached from those lists are max-min fair.
 *   - Every scratch array (components, heap, bound list, changed list,
 *     modified lists, free lists) has the capacity of the record array it
 *     serves, so a solve never allocates and never fails.
 *   - `stamp` fields are compared with sys->epoch, which advances for every
 *     traversal; no pass ever clears them (they are reset only when the
 *     32-bit epoch wraps).
 *
 * Progressive filling on a component keeps, per constraint, the remaining
 * capacity `rem`, the weight sum `wsum` and count `cnt` of its unfixed
 * users, and its fill level lvl = rem / wsum (the common t at which it
 * fills) in an indexed binary min-heap; bounded variables wait in an
 * array sorted by bound / weight.  Each step freezes either the next
 * bounded variable or every unfixed user of the lowest constraint.  The
 * fill level never goes down, so a level computed below the current one
 * (rounding, or a snapped residue) is raised to it: that constraint is
 * full now.
 */
#include "sim/net/lmm.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct hop {
    int c;      /* constraint id */
    int pos;    /* index of this variable in cnst[c].users */
} hop_t;

typedef struct user {
    int v;      /* variable id */
    int slot;   /* index of this constraint in var[v].path */
} user_t;

typedef struct cnst {
    double cap;
    double rem, wsum, lvl;  /* solve scratch (see top of file) */
    user_t *users;
    int nusers, ucap;
    int cnt;                /* solve scratch: unfixed users */
    int hpos;               /* solve scratch: heap index, -1 if absent */
    uint32_t stamp;
    bool live, modified;
} cnst_t;

typedef struct var {
    double weight, bound, rate;
    double next;            /* solve scratch: the new rate */
    hop_t *path;            /* kept across free/reuse of the id */
    int plen, pcap;
    uint32_t stamp;
    bool live, modified, solved, fixed;
} var_t;

typedef struct bnd {
    double lvl;             /* bound / weight */
    int v;
} bnd_t;

struct sim_lmm {
    cnst_t *cn;
    int cn_n, cn_cap;       /* ids in use so far, allocated records */
    int *cn_free;           /* free id stack */
    int cn_nfree;
    int *mod_c;             /* modified constraints */
    int mod_c_n;
    int *comp_c;            /* solve scratch: constraints of the components */
    int *heap;              /* solve scratch: constraint ids */
    int heap_n;

    var_t *va;
    int va_n, va_cap;
    int *va_free;
    int va_nfree;
    int *mod_v;
    int mod_v_n;
    int *comp_v;
    bnd_t *bnd;
    int *changed;
    int changed_n;

    uint32_t epoch;
    sim_lmm_stats_t stats;
};

/* ---- growth ------------------------------------------------------------ */

static bool grow_array(void **p, size_t elem, int newcap)
{
    void *q = realloc(*p, elem * (size_t)newcap);
    if (q == NULL)
        return false;
    *p = q;
    return true;
}

/* Make room for constraint id cn_n; all-or-nothing for the visible state
 * (arrays that did grow stay grown, which is harmless). */
static bool reserve_cnst(sim_lmm_t *s)
{
    if (s->cn_n < s->cn_cap)
        return true;
    if (s->cn_cap > INT_MAX / 2)
        return false;
    int nc = s->cn_cap ? 2 * s->cn_cap : 16;
    if (!grow_array((void **)&s->cn, sizeof *s->cn, nc) ||
        !grow_array((void **)&s->cn_free, sizeof *s->cn_free, nc) ||
        !grow_array((void **)&s->mod_c, sizeof *s->mod_c, nc) ||
        !grow_array((void **)&s->comp_c, sizeof *s->comp_c, nc) ||
        !grow_array((void **)&s->heap, sizeof *s->heap, nc))
        return false;
    memset(s->cn + s->cn_cap, 0, sizeof *s->cn * (size_t)(nc - s->cn_cap));
    s->cn_cap = nc;
    return true;
}

static bool reserve_var(sim_lmm_t *s)
{
    if (s->va_n < s->va_cap)
        return true;
    if (s->va_cap > INT_MAX / 2)
        return false;
    int nc = s->va_cap ? 2 * s->va_cap : 16;
    if (!grow_array((void **)&s->va, sizeof *s->va, nc) ||
        !grow_array((void **)&s->va_free, sizeof *s->va_free, nc) ||
        !grow_array((void **)&s->mod_v, sizeof *s->mod_v, nc) ||
        !grow_array((void **)&s->comp_v, sizeof *s->comp_v, nc) ||
        !grow_array((void **)&s->bnd, sizeof *s->bnd, nc) ||
        !grow_array((void **)&s->changed, sizeof *s->changed, nc))
        return false;
    memset(s->va + s->va_cap, 0, sizeof *s->va * (size_t)(nc - s->va_cap));
    s->va_cap = nc;
    return true;
}

/* A fresh traversal stamp.  On wrap-around (after 2^32 - 1 traversals)
 * every stamp is reset so an old one cannot match. */
static uint32_t next_epoch(sim_lmm_t *s)
{
    if (++s->epoch == 0) {
        for (int i = 0; i < s->cn_n; i++)
            s->cn[i].stamp = 0;
        for (int i = 0; i < s->va_n; i++)
            s->va[i].stamp = 0;
        s->epoch = 1;
    }
    return s->epoch;
}

static void mark_cnst(sim_lmm_t *s, int c)
{
    if (!s->cn[c].modified) {
        s->cn[c].modified = true;
        s->mod_c[s->mod_c_n++] = c;
    }
}

static void mark_var(sim_lmm_t *s, int v)
{
    if (!s->va[v].modified) {
        s->va[v].modified = true;
        s->mod_v[s->mod_v_n++] = v;
    }
}

static inline bool cnst_ok(const sim_lmm_t *s, int c)
{
    return c >= 0 && c < s->cn_n && s->cn[c].live;
}

static inline bool var_ok(const sim_lmm_t *s, int v)
{
    return v >= 0 && v < s->va_n && s->va[v].live;
}

static bool capacity_ok(double cap)
{
    return isfinite(cap) && cap >= 0.0;
}

static bool weight_ok(double w)
{
    return isfinite(w) && w > 0.0;
}

static bool bound_ok(double b)
{
    return !isnan(b) && b > 0.0;    /* INFINITY is "no bound" */
}

/* ---- life cycle -------------------------------------------------------- */

sim_lmm_t *sim_lmm_new(void)
{
    sim_lmm_t *s = calloc(1, sizeof *s);
    return s;
}

void sim_lmm_free(sim_lmm_t *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->cn_n; i++)
        free(s->cn[i].users);
    for (int i = 0; i < s->va_n; i++)
        free(s->va[i].path);
    free(s->cn);
    free(s->cn_free);
    free(s->mod_c);
    free(s->comp_c);
    free(s->heap);
    free(s->va);
    free(s->va_free);
    free(s->mod_v);
    free(s->comp_v);
    free(s->bnd);
    free(s->changed);
    free(s);
}

/* ---- constraints ------------------------------------------------------- */

sim_err_t sim_lmm_constraint_new(sim_lmm_t *s, double capacity, int *id)
{
    assert(s != NULL && id != NULL);
    *id = -1;
    if (!capacity_ok(capacity))
        return SIM_ERR_RANGE;
    int c;
    if (s->cn_nfree > 0) {
        c = s->cn_free[--s->cn_nfree];
    } else {
        if (!reserve_cnst(s))
            return SIM_ERR_NOMEM;
        c = s->cn_n++;
    }
    cnst_t *k = &s->cn[c];
    k->cap = capacity;
    k->nusers = 0;          /* users buffer (if any) is kept for reuse */
    k->hpos = -1;
    k->live = true;
    s->stats.n_cnsts++;
    *id = c;
    return SIM_OK;
}

sim_err_t sim_lmm_constraint_free(sim_lmm_t *s, int c)
{
    assert(s != NULL && cnst_ok(s, c));
    if (s->cn[c].nusers > 0)
        return SIM_ERR_INPUT;
    s->cn[c].live = false;
    s->cn_free[s->cn_nfree++] = c;
    s->stats.n_cnsts--;
    return SIM_OK;
}

sim_err_t sim_lmm_constraint_set_capacity(sim_lmm_t *s, int c,
                                          double capacity)
{
    assert(s != NULL && cnst_ok(s, c));
    if (!capacity_ok(capacity))
        return SIM_ERR_RANGE;
    if (s->cn[c].cap == capacity)
        return SIM_OK;
    s->cn[c].cap = capacity;
    if (s->cn[c].nusers > 0)
        mark_cnst(s, c);
    return SIM_OK;
}

double sim_lmm_constraint_capacity(const sim_lmm_t *s, int c)
{
    assert(s != NULL && cnst_ok(s, c));
    return s->cn[c].cap;
}

size_t sim_lmm_constraint_users(const sim_lmm_t *s, int c)
{
    assert(s != NULL && cnst_ok(s, c));
    return (size_t)s->cn[c].nusers;
}

double sim_lmm_constraint_load(const sim_lmm_t *s, int c)
{
    assert(s != NULL && cnst_ok(s, c));
    const cnst_t *k = &s->cn[c];
    double load = 0.0;
    for (int i = 0; i < k->nusers; i++)
        load += s->va[k->users[i].v].rate;
    return load;
}

/* ---- variables --------------------------------------------------------- */

/* Ensure constraint c can take one more user. */
static bool reserve_user(cnst_t *k)
{
    if (k->nusers < k->ucap)
        return true;
    if (k->ucap > INT_MAX / 2)
        return false;
    int nc = k->ucap ? 2 * k->ucap : 4;
    if (!grow_array((void **)&k->users, sizeof *k->users, nc))
        return false;
    k->ucap = nc;
    return true;
}

sim_err_t sim_lmm_variable_new(sim_lmm_t *s, double weight, double bound,
                               const int *cnsts, size_t n, int *id)
{
    assert(s != NULL && id != NULL && (n == 0 || cnsts != NULL));
    *id = -1;
    if (!weight_ok(weight) || !bound_ok(bound))
        return SIM_ERR_RANGE;
    if (n > (size_t)INT_MAX)
        return SIM_ERR_RANGE;

    /* Reserve everything first, so failure leaves the system unchanged. */
    int v;
    bool fresh = s->va_nfree == 0;
    if (fresh) {
        if (!reserve_var(s))
            return SIM_ERR_NOMEM;
        v = s->va_n;
    } else {
        v = s->va_free[s->va_nfree - 1];
    }
    var_t *x = &s->va[v];
    if ((size_t)x->pcap < n) {
        if (!grow_array((void **)&x->path, sizeof *x->path, (int)n))
            return SIM_ERR_NOMEM;
        x->pcap = (int)n;
    }
    for (size_t i = 0; i < n; i++) {
        assert(cnst_ok(s, cnsts[i]));
        if (!reserve_user(&s->cn[cnsts[i]]))
            return SIM_ERR_NOMEM;
    }

    if (fresh)
        s->va_n++;
    else
        s->va_nfree--;
    x->weight = weight;
    x->bound = bound;
    x->rate = 0.0;
    x->live = true;
    x->solved = false;
    x->plen = 0;
    uint32_t ep = next_epoch(s);        /* dedupe the path */
    for (size_t i = 0; i < n; i++) {
        cnst_t *k = &s->cn[cnsts[i]];
        if (k->stamp == ep)
            continue;
        k->stamp = ep;
        k->users[k->nusers] = (user_t){v, x->plen};
        x->path[x->plen++] = (hop_t){cnsts[i], k->nusers};
        k->nusers++;
    }
    mark_var(s, v);
    s->stats.n_vars++;
    *id = v;
    return SIM_OK;
}

void sim_lmm_variable_free(sim_lmm_t *s, int v)
{
    assert(s != NULL && var_ok(s, v));
    var_t *x = &s->va[v];
    for (int i = 0; i < x->plen; i++) {
        int c = x->path[i].c, pos = x->path[i].pos;
        cnst_t *k = &s->cn[c];
        user_t last = k->users[--k->nusers];
        if (pos != k->nusers) {
            k->users[pos] = last;
            s->va[last.v].path[last.slot].pos = pos;
        }
        mark_cnst(s, c);   /* every piece the removal may split off */
    }
    x->plen = 0;
    x->live = false;
    x->rate = 0.0;
    s->va_free[s->va_nfree++] = v;
    s->stats.n_vars--;
}

sim_err_t sim_lmm_variable_set_bound(sim_lmm_t *s, int v, double bound)
{
    assert(s != NULL && var_ok(s, v));
    if (!bound_ok(bound))
        return SIM_ERR_RANGE;
    if (s->va[v].bound != bound) {
        s->va[v].bound = bound;
        mark_var(s, v);
    }
    return SIM_OK;
}

sim_err_t sim_lmm_variable_set_weight(sim_lmm_t *s, int v, double weight)
{
    assert(s != NULL && var_ok(s, v));
    if (!weight_ok(weight))
        return SIM_ERR_RANGE;
    if (s->va[v].weight != weight) {
        s->va[v].weight = weight;
        mark_var(s, v);
    }
    return SIM_OK;
}

double sim_lmm_variable_rate(const sim_lmm_t *s, int v)
{
    assert(s != NULL && var_ok(s, v));
    return s->va[v].rate;
}

double sim_lmm_variable_weight(const sim_lmm_t *s, int v)
{
    assert(s != NULL && var_ok(s, v));
    return s->va[v].weight;
}

double sim_lmm_variable_bound(const sim_lmm_t *s, int v)
{
    assert(s != NULL && var_ok(s, v));
    return s->va[v].bound;
}

/* ---- indexed min-heap of constraints, keyed by (lvl, id) --------------- */

static bool heap_less(const cnst_t *cn, int a, int b)
{
    return cn[a].lvl < cn[b].lvl || (cn[a].lvl == cn[b].lvl && a < b);
}

static void heap_place(sim_lmm_t *s, int i, int c)
{
    s->heap[i] = c;
    s->cn[c].hpos = i;
}

static void sift_up(sim_lmm_t *s, int i)
{
    int c = s->heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!heap_less(s->cn, c, s->heap[p]))
            break;
        heap_place(s, i, s->heap[p]);
        i = p;
    }
    heap_place(s, i, c);
}

static void sift_down(sim_lmm_t *s, int i)
{
    int c = s->heap[i], n = s->heap_n;
    for (;;) {
        int l = 2 * i + 1;
        if (l >= n)
            break;
        int m = l;
        if (l + 1 < n && heap_less(s->cn, s->heap[l + 1], s->heap[l]))
            m = l + 1;
        if (!heap_less(s->cn, s->heap[m], c))
            break;
        heap_place(s, i, s->heap[m]);
        i = m;
    }
    heap_place(s, i, c);
}

static void heap_remove(sim_lmm_t *s, int c)
{
    int i = s->cn[c].hpos;
    s->cn[c].hpos = -1;
    int last = s->heap[--s->heap_n];
    if (i == s->heap_n)
        return;
    heap_place(s, i, last);
    sift_up(s, i);
    sift_down(s, s->cn[last].hpos);
}

/* Re-key constraint c (in the heap) to lvl. */
static void heap_rekey(sim_lmm_t *s, int c, double lvl)
{
    double old = s->cn[c].lvl;
    s->cn[c].lvl = lvl;
    if (lvl < old)
        sift_up(s, s->cn[c].hpos);
    else if (lvl > old)
        sift_down(s, s->cn[c].hpos);
}

/* ---- progressive filling ----------------------------------------------- */

static int bnd_cmp(const void *a, const void *b)
{
    const bnd_t *x = a, *y = b;
    if (x->lvl != y->lvl)
        return x->lvl < y->lvl ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* Freeze variable v at rate r while the fill level is t. */
static void fix(sim_lmm_t *s, int v, double r, double t)
{
    var_t *x = &s->va[v];
    x->fixed = true;
    x->next = r;
    for (int i = 0; i < x->plen; i++) {
        int c = x->path[i].c;
        cnst_t *k = &s->cn[c];
        k->rem -= r;
        if (k->rem < SIM_LMM_EPSILON * k->cap)
            k->rem = 0.0;
        k->wsum -= x->weight;
        k->cnt--;
        if (k->hpos < 0)
            continue;
        if (k->cnt == 0) {
            heap_remove(s, c);
            continue;
        }
        double lvl = k->wsum > 0.0 ? k->rem / k->wsum : t;
        heap_rekey(s, c, lvl > t ? lvl : t);
    }
}

/* Run progressive filling over comp_c[0..nc) and comp_v[0..nv), which
 * together are closed under "uses" (every user of a listed constraint and
 * every constraint of a listed variable is listed).  Leaves new rates in
 * va[].next. */
static void fill(sim_lmm_t *s, int nc, int nv)
{
    for (int i = 0; i < nc; i++) {
        cnst_t *k = &s->cn[s->comp_c[i]];
        k->rem = k->cap;
        k->wsum = 0.0;
        k->cnt = 0;
        k->hpos = -1;
    }
    int nb = 0;
    for (int i = 0; i < nv; i++) {
        int v = s->comp_v[i];
        var_t *x = &s->va[v];
        if (x->plen == 0) {
            x->fixed = true;
            x->next = x->bound;
            continue;
        }
        x->fixed = false;
        for (int j = 0; j < x->plen; j++) {
            cnst_t *k = &s->cn[x->path[j].c];
            k->wsum += x->weight;
            k->cnt++;
        }
        if (isfinite(x->bound))
            s->bnd[nb++] = (bnd_t){x->bound / x->weight, v};
    }
    if (nb > 1)
        qsort(s->bnd, (size_t)nb, sizeof *s->bnd, bnd_cmp);

    s->heap_n = 0;
    for (int i = 0; i < nc; i++) {
        int c = s->comp_c[i];
        cnst_t *k = &s->cn[c];
        if (k->cnt == 0)
            continue;
        k->lvl = k->rem / k->wsum;
        heap_place(s, s->heap_n++, c);
    }
    for (int i = s->heap_n / 2 - 1; i >= 0; i--)
        sift_down(s, i);

    double t = 0.0;
    int ib = 0;
    while (s->heap_n > 0) {
        while (ib < nb && s->va[s->bnd[ib].v].fixed)
            ib++;
        int c = s->heap[0];
        double tc = s->cn[c].lvl;
        if (ib < nb && s->bnd[ib].lvl <= tc) {
            int v = s->bnd[ib++].v;
            if (s->bnd[ib - 1].lvl > t)
                t = s->bnd[ib - 1].lvl;
            fix(s, v, s->va[v].bound, t);
            continue;
        }
        heap_remove(s, c);
        if (tc > t)
            t = tc;
        const cnst_t *k = &s->cn[c];
        /* fix() never reorders users[], so iterating here is safe. */
        for (int i = 0; i < k->nusers; i++) {
            int v = k->users[i].v;
            if (!s->va[v].fixed)
                fix(s, v, s->va[v].weight * t, t);
        }
    }
}

static bool same_rate(double a, double b)
{
    if (a == b)
        return true;
    if (!isfinite(a) || !isfinite(b))
        return false;   /* else inf - x <= eps * inf would hold */
    return fabs(a - b) <= SIM_LMM_SAME_REL * fmax(fabs(a), fabs(b));
}

void sim_lmm_solve(sim_lmm_t *s)
{
    assert(s != NULL);
    s->stats.solves++;
    s->changed_n = 0;
    s->stats.last_cnsts = 0;
    s->stats.last_vars = 0;
    s->stats.last_changed = 0;
    if (s->mod_c_n == 0 && s->mod_v_n == 0)
        return;

    /* Collect the components reached from the marks (breadth first). */
    uint32_t ep = next_epoch(s);
    int nc = 0, nv = 0;
    for (int i = 0; i < s->mod_c_n; i++) {
        int c = s->mod_c[i];
        cnst_t *k = &s->cn[c];
        k->modified = false;
        if (k->live && k->stamp != ep) {
            k->stamp = ep;
            s->comp_c[nc++] = c;
        }
    }
    for (int i = 0; i < s->mod_v_n; i++) {
        int v = s->mod_v[i];
        var_t *x = &s->va[v];
        x->modified = false;
        if (x->live && x->stamp != ep) {
            x->stamp = ep;
            s->comp_v[nv++] = v;
        }
    }
    s->mod_c_n = 0;
    s->mod_v_n = 0;
    int ic = 0, iv = 0;
    while (ic < nc || iv < nv) {
        for (; iv < nv; iv++) {
            const var_t *x = &s->va[s->comp_v[iv]];
            for (int j = 0; j < x->plen; j++) {
                cnst_t *k = &s->cn[x->path[j].c];
                if (k->stamp != ep) {
                    k->stamp = ep;
                    s->comp_c[nc++] = x->path[j].c;
                }
            }
        }
        for (; ic < nc; ic++) {
            const cnst_t *k = &s->cn[s->comp_c[ic]];
            for (int j = 0; j < k->nusers; j++) {
                var_t *x = &s->va[k->users[j].v];
                if (x->stamp != ep) {
                    x->stamp = ep;
                    s->comp_v[nv++] = k->users[j].v;
                }
            }
        }
    }

    fill(s, nc, nv);

    for (int i = 0; i < nv; i++) {
        int v = s->comp_v[i];
        var_t *x = &s->va[v];
        if (x->solved && same_rate(x->rate, x->next))
            continue;
        x->solved = true;
        x->rate = x->next;
        s->changed[s->changed_n++] = v;
    }
    s->stats.last_cnsts = (size_t)nc;
    s->stats.last_vars = (size_t)nv;
    s->stats.last_changed = (size_t)s->changed_n;
    s->stats.vars_solved += (uint64_t)nv;
}

const int *sim_lmm_changed(const sim_lmm_t *s, size_t *n)
{
    assert(s != NULL && n != NULL);
    *n = (size_t)s->changed_n;
    return s->changed;
}

void sim_lmm_get_stats(const sim_lmm_t *s, sim_lmm_stats_t *out)
{
    assert(s != NULL && out != NULL);
    *out = s->stats;
}

/* ---- self-test --------------------------------------------------------- */

sim_err_t sim_lmm_check(const sim_lmm_t *s, double tol, sim_diag_t *diag)
{
    assert(s != NULL);
    size_t live_v = 0, live_c = 0;
    for (int v = 0; v < s->va_n; v++) {
        const var_t *x = &s->va[v];
        if (!x->live)
            continue;
        live_v++;
        for (int j = 0; j < x->plen; j++) {
            int c = x->path[j].c, pos = x->path[j].pos;
            if (!cnst_ok(s, c) || pos < 0 || pos >= s->cn[c].nusers ||
                s->cn[c].users[pos].v != v || s->cn[c].users[pos].slot != j)
                return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                                    "variable %d hop %d: broken cross-index",
                                    v, j);
            for (int i = 0; i < j; i++)
                if (x->path[i].c == c)
                    return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                                        "variable %d uses constraint %d twice",
                                        v, c);
        }
    }
    size_t edges_c = 0, edges_v = 0;
    for (int c = 0; c < s->cn_n; c++) {
        if (!s->cn[c].live)
            continue;
        live_c++;
        edges_c += (size_t)s->cn[c].nusers;
    }
    for (int v = 0; v < s->va_n; v++)
        if (s->va[v].live)
            edges_v += (size_t)s->va[v].plen;
    if (live_v != s->stats.n_vars || live_c != s->stats.n_cnsts ||
        edges_c != edges_v)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                            "counts disagree: %zu/%zu variables, %zu/%zu "
                            "constraints, %zu/%zu uses",
                            live_v, s->stats.n_vars, live_c, s->stats.n_cnsts,
                            edges_c, edges_v);
    if (s->mod_c_n > 0 || s->mod_v_n > 0)
        return SIM_OK;  /* rates are stale until the next solve */

    for (int c = 0; c < s->cn_n; c++) {
        const cnst_t *k = &s->cn[c];
        if (!k->live)
            continue;
        double load = sim_lmm_constraint_load(s, c);
        if (load > k->cap * (1.0 + tol))
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                                "constraint %d overloaded: %.17g > %.17g", c,
                                load, k->cap);
    }
    for (int v = 0; v < s->va_n; v++) {
        const var_t *x = &s->va[v];
        if (!x->live)
            continue;
        if (x->rate > x->bound * (1.0 + tol) || !(x->rate >= 0.0))
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                                "variable %d rate %.17g outside [0, %.17g]",
                                v, x->rate, x->bound);
        if (x->rate >= x->bound * (1.0 - tol))
            continue;       /* held by its bound */
        bool held = false;
        for (int j = 0; j < x->plen && !held; j++) {
            const cnst_t *k = &s->cn[x->path[j].c];
            double slack = tol * k->cap;
            if (sim_lmm_constraint_load(s, x->path[j].c) < k->cap - slack)
                continue;   /* not full: not a bottleneck */
            double top = 0.0;
            for (int i = 0; i < k->nusers; i++) {
                const var_t *u = &s->va[k->users[i].v];
                if (u->rate / u->weight > top)
                    top = u->rate / u->weight;
            }
            held = x->rate >= x->weight * top - slack;
        }
        if (!held)
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "lmm",
                                "variable %d rate %.17g has no bottleneck "
                                "(not max-min fair)",
                                v, x->rate);
    }
    return SIM_OK;
}
