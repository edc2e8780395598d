/*
 * coll_algo.c — step schedules of collectives (see coll_algo.h): names,
 * the schedule object, rings, halving-doubling, NVLS, hierarchical,
 * pairwise and p2p, and emission.  Trees live in coll_tree.c.
 *
 * A schedule keeps compact phase descriptors plus the few rank orders they
 * index (ring sets, tree sets); sim_coll_sched_emit expands one phase into
 * transfers on demand.  Invariant: every repetition of a phase emits the
 * same transfers, byte for byte, so the executor may collapse them.
 */
#include "sim/net/coll_algo.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net/coll_int.h"

/* ---- names ------------------------------------------------------------ */

static const char *const op_names[SIM_COLL_OP_COUNT] = {
    "allreduce", "allgather", "reducescatter", "broadcast",
    "reduce", "alltoall", "sendrecv"};

static const char *const algo_names[SIM_COLL_ALGO_COUNT] = {
    "auto", "ring", "tree", "hd", "nvls", "hierarchical", "pairwise", "p2p"};

const char *sim_coll_op_name(sim_coll_op_t op)
{
    return (unsigned)op < SIM_COLL_OP_COUNT ? op_names[op] : "?";
}

const char *sim_coll_algo_name(sim_coll_algo_t algo)
{
    return (unsigned)algo < SIM_COLL_ALGO_COUNT ? algo_names[algo] : "?";
}

/* Lower-case name with '_' and '-' dropped, into buf (truncated). */
static void squash(const char *s, char *buf, size_t n)
{
    size_t j = 0;
    for (; *s != '\0' && j + 1 < n; s++) {
        if (*s == '_' || *s == '-')
            continue;
        buf[j++] = (char)tolower((unsigned char)*s);
    }
    buf[j] = '\0';
}

sim_err_t sim_coll_op_from_name(const char *name, sim_coll_op_t *out,
                                sim_diag_t *diag)
{
    char buf[64];
    squash(name != NULL ? name : "", buf, sizeof buf);
    for (int i = 0; i < SIM_COLL_OP_COUNT; i++)
        if (strcmp(buf, op_names[i]) == 0) {
            *out = (sim_coll_op_t)i;
            return SIM_OK;
        }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "unknown collective '%s' (expected allreduce, "
                        "allgather, reducescatter, broadcast, reduce, "
                        "alltoall or sendrecv)", name != NULL ? name : "");
}

sim_err_t sim_coll_algo_from_name(const char *name, sim_coll_algo_t *out,
                                  sim_diag_t *diag)
{
    static const struct { const char *alias; sim_coll_algo_t algo; } al[] = {
        {"hier", SIM_COLL_ALGO_HIER},
        {"halvingdoubling", SIM_COLL_ALGO_HD},
        {"rhd", SIM_COLL_ALGO_HD},
        {"sendrecv", SIM_COLL_ALGO_P2P},
    };
    char buf[64];
    squash(name != NULL ? name : "", buf, sizeof buf);
    for (int i = 0; i < SIM_COLL_ALGO_COUNT; i++)
        if (strcmp(buf, algo_names[i]) == 0) {
            *out = (sim_coll_algo_t)i;
            return SIM_OK;
        }
    for (size_t i = 0; i < sizeof al / sizeof al[0]; i++)
        if (strcmp(buf, al[i].alias) == 0) {
            *out = al[i].algo;
            return SIM_OK;
        }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "unknown algorithm '%s' (expected auto, ring, tree, "
                        "hd, nvls, hierarchical, pairwise or p2p)",
                        name != NULL ? name : "");
}

double sim_coll_busbw_factor(sim_coll_op_t op, int64_t n)
{
    if (n <= 1)
        return op == SIM_COLL_BROADCAST || op == SIM_COLL_REDUCE ||
               op == SIM_COLL_SEND_RECV ? 1.0 : 0.0;
    switch (op) {
    case SIM_COLL_ALL_REDUCE:
        return 2.0 * (double)(n - 1) / (double)n;
    case SIM_COLL_ALL_GATHER:
    case SIM_COLL_REDUCE_SCATTER:
    case SIM_COLL_ALL_TO_ALL:
        return (double)(n - 1) / (double)n;
    default:
        return 1.0;
    }
}

bool sim_coll_algo_supports(sim_coll_algo_t algo, sim_coll_op_t op)
{
    switch (algo) {
    case SIM_COLL_ALGO_RING:
        return op <= SIM_COLL_REDUCE;
    case SIM_COLL_ALGO_TREE:
    case SIM_COLL_ALGO_NVLS:
    case SIM_COLL_ALGO_HIER:
        return op == SIM_COLL_ALL_REDUCE;
    case SIM_COLL_ALGO_HD:
        return op <= SIM_COLL_REDUCE_SCATTER;
    case SIM_COLL_ALGO_PAIRWISE:
        return op == SIM_COLL_ALL_TO_ALL;
    case SIM_COLL_ALGO_P2P:
        return op == SIM_COLL_SEND_RECV;
    default:
        return false;
    }
}

/* ---- transfer lists --------------------------------------------------- */

void sim_coll_xfers_init(sim_coll_xfers_t *x)
{
    x->n = x->cap = 0;
    x->v = NULL;
}

void sim_coll_xfers_destroy(sim_coll_xfers_t *x)
{
    free(x->v);
    sim_coll_xfers_init(x);
}

static sim_err_t xpush(sim_coll_xfers_t *x, int32_t src, int32_t dst,
                       double bytes, uint64_t salt, int32_t lane)
{
    if (!(bytes > 0.0))
        return SIM_OK;
    if (x->n == x->cap) {
        size_t cap = x->cap > 0 ? 2 * x->cap : 64;
        sim_coll_xfer_t *v = realloc(x->v, cap * sizeof *v);
        if (v == NULL)
            return SIM_ERR_NOMEM;
        x->v = v;
        x->cap = cap;
    }
    x->v[x->n++] = (sim_coll_xfer_t){src, dst, bytes, salt, lane};
    return SIM_OK;
}

/* ---- the schedule ----------------------------------------------------- */

void sim_coll_sched_opts_default(sim_coll_sched_opts_t *o)
{
    o->channels = 1;
    o->chunk_bytes = 512.0 * 1024.0;
    o->max_chunks = 1024;
    o->root = 0;
    o->salt = 0;
}

/* splitmix64 finaliser: a salt per (schedule salt, tag), never 0. */
uint64_t coll_mix(uint64_t a, uint64_t b)
{
    uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

sim_err_t coll_add_phase(sim_coll_sched_t *s, ph_kind_t kind,
                           int64_t repeat, double bytes, int32_t set,
                           int32_t a, int32_t b)
{
    if (repeat <= 0)
        return SIM_OK;
    if (s->nph == s->capph) {
        size_t cap = s->capph > 0 ? 2 * s->capph : 8;
        phase_t *p = realloc(s->ph, cap * sizeof *p);
        if (p == NULL)
            return SIM_ERR_NOMEM;
        s->ph = p;
        s->capph = cap;
    }
    s->ph[s->nph++] = (phase_t){kind, repeat, bytes, set, a, b};
    s->steps += repeat;
    return SIM_OK;
}

static sim_err_t ring_set_new(sim_coll_sched_t *s, int32_t nrings,
                              int32_t len, int32_t *id)
{
    if (s->nrs >= sizeof s->rs / sizeof s->rs[0])
        return SIM_ERR_NOMEM; /* believed impossible: at most 2 sets */
    ring_set_t *r = &s->rs[s->nrs];
    r->order = malloc((size_t)nrings * (size_t)len * sizeof *r->order);
    r->salt = malloc((size_t)nrings * sizeof *r->salt);
    r->lane = calloc((size_t)nrings, sizeof *r->lane);
    if (r->order == NULL || r->salt == NULL || r->lane == NULL) {
        free(r->order);
        free(r->salt);
        free(r->lane);
        r->order = NULL;
        r->salt = NULL;
        r->lane = NULL;
        return SIM_ERR_NOMEM;
    }
    r->nrings = nrings;
    r->len = len;
    *id = (int32_t)s->nrs++;
    return SIM_OK;
}

/* Channel c's ring over all ranks: nodes in order, snake inside each node
 * (see coll_algo.h), into out[0..n). */
void coll_snake_ring(const sim_coll_sched_t *s, int32_t c, int32_t *out)
{
    size_t k = 0;
    for (size_t j = 0; j < s->n_nodes; j++) {
        int32_t m = s->node_size[j];
        const int32_t *loc = s->node_rank + s->node_first[j];
        if (s->n_nodes == 1 || j % 2 == 0) {
            int32_t start = c % m;
            for (int32_t i = 0; i < m; i++)
                out[k++] = loc[(start + i) % m];
        } else {
            int32_t start = ((c - 1) % m + m) % m;
            for (int32_t i = 0; i < m; i++)
                out[k++] = loc[((start - i) % m + m) % m];
        }
    }
}

int32_t coll_max_node_size(const sim_coll_sched_t *s)
{
    int32_t m = 1;
    for (size_t j = 0; j < s->n_nodes; j++)
        if (s->node_size[j] > m)
            m = s->node_size[j];
    return m;
}

static sim_err_t build_flat_rings(sim_coll_sched_t *s, int32_t *id)
{
    int32_t c = s->o.channels;
    sim_err_t err = ring_set_new(s, c, (int32_t)s->n, id);
    if (err != SIM_OK)
        return err;
    ring_set_t *r = &s->rs[*id];
    for (int32_t ch = 0; ch < c; ch++) {
        coll_snake_ring(s, ch, r->order + (size_t)ch * s->n);
        r->salt[ch] = coll_mix(s->o.salt, (uint64_t)ch);
        r->lane[ch] = ch / coll_max_node_size(s);
    }
    return SIM_OK;
}

/* ---- algorithms ------------------------------------------------------- */

static sim_err_t build_ring(sim_coll_sched_t *s, double S)
{
    double n = (double)s->n, c = s->o.channels;
    int32_t set;
    sim_err_t err;
    if (s->n == 1)
        return SIM_OK;
    switch (s->op) {
    case SIM_COLL_ALL_REDUCE:
        if ((err = build_flat_rings(s, &set)) != SIM_OK)
            return err;
        return coll_add_phase(s, PH_RINGS, 2 * ((int64_t)s->n - 1), S / (n * c),
                         set, 0, 0);
    case SIM_COLL_ALL_GATHER:
    case SIM_COLL_REDUCE_SCATTER:
        if ((err = build_flat_rings(s, &set)) != SIM_OK)
            return err;
        return coll_add_phase(s, PH_RINGS, (int64_t)s->n - 1, S / (n * c), set,
                         0, 0);
    case SIM_COLL_BROADCAST:
    case SIM_COLL_REDUCE: {
        bool up = s->op == SIM_COLL_REDUCE;
        if ((err = coll_build_tree_set(s, false, up, !up, &set)) != SIM_OK)
            return err;
        s->ts[set].chunks = coll_chunk_count(s, S / c);
        return coll_tree_phases(s, set, S / (c * s->ts[set].chunks));
    }
    default:
        return SIM_ERR_INFEASIBLE; /* believed impossible: checked */
    }
}

static sim_err_t build_tree(sim_coll_sched_t *s, double S)
{
    int32_t set;
    sim_err_t err;
    if (s->n == 1)
        return SIM_OK;
    if ((err = coll_build_tree_set(s, true, true, true, &set)) != SIM_OK)
        return err;
    double per_tree = S / (2.0 * s->o.channels);
    s->ts[set].chunks = coll_chunk_count(s, per_tree);
    return coll_tree_phases(s, set, per_tree / s->ts[set].chunks);
}

static sim_err_t build_hd(sim_coll_sched_t *s, double S, sim_diag_t *diag)
{
    int32_t n = (int32_t)s->n, p = 1;
    double c = s->o.channels;
    sim_err_t err = SIM_OK;
    while (p * 2 <= n)
        p *= 2;
    if (p != n && s->op != SIM_COLL_ALL_REDUCE)
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                            "halving-doubling %s needs a power-of-two group, "
                            "got %d GPUs", sim_coll_op_name(s->op), n);
    int32_t r = n - p;
    bool halve = s->op != SIM_COLL_ALL_GATHER;
    bool dbl = s->op != SIM_COLL_REDUCE_SCATTER;
    if (r > 0)
        err = coll_add_phase(s, PH_FOLD, 1, S / c, 0, p, 0);
    for (int32_t d = p / 2; halve && d >= 1 && err == SIM_OK; d /= 2)
        err = coll_add_phase(s, PH_XOR, 1, S * d / p / c, 0, d, p);
    for (int32_t d = 1; dbl && d < p && err == SIM_OK; d *= 2)
        err = coll_add_phase(s, PH_XOR, 1, S * d / p / c, 0, d, p);
    if (r > 0 && err == SIM_OK)
        err = coll_add_phase(s, PH_FOLD, 1, S / c, 0, p, 1);
    return err;
}

static sim_err_t build_hier(sim_coll_sched_t *s, double S, sim_diag_t *diag)
{
    int32_t k = (int32_t)s->n_nodes, g = s->node_size[0];
    int32_t c = s->o.channels, intra = -1, inter = -1;
    sim_err_t err;
    for (int32_t j = 1; j < k; j++)
        if (s->node_size[j] != g)
            return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                                "hierarchical all-reduce needs the same GPU "
                                "count in every node (node 0 has %d, node %d "
                                "has %d)", g, j, s->node_size[j]);
    if (g > 1) {
        if ((err = ring_set_new(s, c * k, g, &intra)) != SIM_OK)
            return err;
        ring_set_t *r = &s->rs[intra];
        for (int32_t ch = 0; ch < c; ch++)
            for (int32_t j = 0; j < k; j++) {
                int32_t *o = r->order + ((size_t)ch * k + j) * g;
                for (int32_t i = 0; i < g; i++)
                    o[i] = s->node_rank[s->node_first[j] + i];
                r->salt[ch * k + j] = coll_mix(s->o.salt, (uint64_t)ch);
                r->lane[ch * k + j] = ch;
            }
    }
    if (k > 1) {
        if ((err = ring_set_new(s, c * g, k, &inter)) != SIM_OK)
            return err;
        ring_set_t *r = &s->rs[inter];
        for (int32_t ch = 0; ch < c; ch++)
            for (int32_t l = 0; l < g; l++) {
                int32_t *o = r->order + ((size_t)ch * g + l) * k;
                for (int32_t j = 0; j < k; j++)
                    o[j] = s->node_rank[s->node_first[j] + l];
                r->salt[ch * g + l] = coll_mix(s->o.salt, (uint64_t)(ch + 500));
                r->lane[ch * g + l] = ch;
            }
    }
    double part = S / g; /* each rank's shard after the intra reduce-scatter */
    if (g > 1 && (err = coll_add_phase(s, PH_RINGS, g - 1, part / c, intra, 0, 0))
                     != SIM_OK)
        return err;
    if (k > 1 && (err = coll_add_phase(s, PH_RINGS, 2 * (int64_t)(k - 1),
                                  part / k / c, inter, 0, 0)) != SIM_OK)
        return err;
    if (g > 1)
        return coll_add_phase(s, PH_RINGS, g - 1, part / c, intra, 0, 0);
    return SIM_OK;
}

static sim_err_t build(sim_coll_sched_t *s, double S, sim_diag_t *diag)
{
    double c = s->o.channels;
    switch (s->algo) {
    case SIM_COLL_ALGO_RING:
        return build_ring(s, S);
    case SIM_COLL_ALGO_TREE:
        return build_tree(s, S);
    case SIM_COLL_ALGO_HD:
        return build_hd(s, S, diag);
    case SIM_COLL_ALGO_NVLS:
        if (s->n_nodes != 1)
            return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                                "nvls runs inside one NVSwitch domain; the "
                                "group spans %zu", s->n_nodes);
        if (s->n == 1)
            return SIM_OK;
        return coll_add_phase(s, PH_ALLPAIRS, 1,
                         S * (double)(s->n + 1) /
                             ((double)s->n * (double)(s->n - 1)) / c,
                         0, 0, 0);
    case SIM_COLL_ALGO_HIER:
        return build_hier(s, S, diag);
    case SIM_COLL_ALGO_PAIRWISE:
        for (int32_t k = 1; k < (int32_t)s->n; k++) {
            sim_err_t err = coll_add_phase(s, PH_SHIFT, 1, S / (double)s->n / c,
                                      0, k, 0);
            if (err != SIM_OK)
                return err;
        }
        return SIM_OK;
    case SIM_COLL_ALGO_P2P:
        return coll_add_phase(s, PH_P2P, 1, S / c, 0, 0, 0);
    default:
        return SIM_ERR_INFEASIBLE; /* believed impossible: checked */
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Group ranks by node: nodes numbered densely in order of their first rank,
 * node_rank lists each node's ranks in rank order.  O(n log n). */
static sim_err_t group_nodes(sim_coll_sched_t *s, const int32_t *node_of)
{
    size_t n = s->n, nn = 0;
    sim_err_t err = SIM_ERR_NOMEM;
    int64_t *pair = malloc(n * sizeof *pair);
    int32_t *first = malloc(n * sizeof *first);
    int32_t *grp = malloc(n * sizeof *grp);
    int32_t *fill = NULL;
    if (pair == NULL || first == NULL || grp == NULL)
        goto fail;
    /* sort (node id, rank): equal ids become runs, each run a group */
    for (size_t i = 0; i < n; i++)
        pair[i] = ((int64_t)(node_of != NULL ? node_of[i] : 0) << 32) |
                  (int64_t)i;
    qsort(pair, n, sizeof *pair, cmp_i64);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (pair[i] >> 32) != (pair[i - 1] >> 32))
            first[nn++] = (int32_t)(pair[i] & 0xffffffff);
        grp[pair[i] & 0xffffffff] = (int32_t)(nn - 1);
    }
    /* order groups by their first rank */
    for (size_t j = 0; j < nn; j++)
        pair[j] = ((int64_t)first[j] << 32) | (int64_t)j;
    qsort(pair, nn, sizeof *pair, cmp_i64);
    for (size_t j = 0; j < nn; j++)
        first[pair[j] & 0xffffffff] = (int32_t)j;
    for (size_t i = 0; i < n; i++)
        s->node[i] = first[grp[i]];
    s->n_nodes = nn;
    s->node_first = calloc(nn + 1, sizeof *s->node_first);
    s->node_size = calloc(nn, sizeof *s->node_size);
    fill = calloc(nn, sizeof *fill);
    if (s->node_first == NULL || s->node_size == NULL || fill == NULL)
        goto fail;
    for (size_t i = 0; i < n; i++)
        s->node_size[s->node[i]]++;
    for (size_t j = 0; j < nn; j++)
        s->node_first[j + 1] = s->node_first[j] + s->node_size[j];
    for (size_t i = 0; i < n; i++) {
        int32_t j = s->node[i];
        s->node_rank[s->node_first[j] + fill[j]++] = (int32_t)i;
    }
    err = SIM_OK;
fail:
    free(fill);
    free(grp);
    free(first);
    free(pair);
    return err;
}

void sim_coll_sched_free(sim_coll_sched_t *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nrs; i++) {
        free(s->rs[i].order);
        free(s->rs[i].salt);
        free(s->rs[i].lane);
    }
    for (size_t i = 0; i < s->ntr; i++) {
        for (int32_t t = 0; t < s->ts[i].ntrees; t++)
            coll_tree_free(&s->ts[i].t[t]);
        free(s->ts[i].t);
    }
    free(s->ph);
    free(s->gpu);
    free(s->node);
    free(s->node_first);
    free(s->node_rank);
    free(s->node_size);
    free(s);
}

sim_err_t sim_coll_sched_new(sim_coll_op_t op, sim_coll_algo_t algo,
                             const int32_t *gpus, const int32_t *node_of,
                             size_t n, double bytes,
                             const sim_coll_sched_opts_t *opts,
                             sim_coll_sched_t **out, sim_diag_t *diag)
{
    sim_coll_sched_t *s = NULL;
    sim_coll_sched_opts_t o;
    sim_err_t err;

    *out = NULL;
    if (opts != NULL)
        o = *opts;
    else
        sim_coll_sched_opts_default(&o);
    if (o.chunk_bytes == 0.0)
        o.chunk_bytes = 512.0 * 1024.0;
    if (o.max_chunks == 0)
        o.max_chunks = 1024;
    if ((unsigned)op >= SIM_COLL_OP_COUNT || (unsigned)algo >= SIM_COLL_ALGO_COUNT)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "unknown collective or algorithm code");
    if (n < 1 || n > INT32_MAX / 2 || gpus == NULL)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "a collective needs at least one GPU, got %zu", n);
    if (!(bytes >= 0.0) || !isfinite(bytes))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "collective size must be a finite number of "
                            "bytes >= 0, got %g", bytes);
    if (o.channels < 1 || o.channels > 64 || !(o.chunk_bytes > 0.0) ||
        o.max_chunks < 1 || o.root < 0 || (size_t)o.root >= n)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "bad schedule options (channels %d in 1..64, "
                            "chunk %g > 0, root %d in 0..%zu)", o.channels,
                            o.chunk_bytes, o.root, n - 1);
    if (algo == SIM_COLL_ALGO_AUTO || !sim_coll_algo_supports(algo, op))
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                            "algorithm %s cannot run %s",
                            sim_coll_algo_name(algo), sim_coll_op_name(op));
    if (op == SIM_COLL_SEND_RECV && n != 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "send/recv takes exactly 2 GPUs (sender, "
                            "receiver), got %zu", n);

    s = calloc(1, sizeof *s);
    if (s == NULL)
        return SIM_ERR_NOMEM;
    s->op = op;
    s->algo = algo;
    s->n = n;
    s->o = o;
    s->gpu = malloc(n * sizeof *s->gpu);
    s->node = malloc(n * sizeof *s->node);
    s->node_rank = malloc(n * sizeof *s->node_rank);
    err = SIM_ERR_NOMEM;
    if (s->gpu == NULL || s->node == NULL || s->node_rank == NULL)
        goto fail;
    memcpy(s->gpu, gpus, n * sizeof *s->gpu);
    {
        /* distinct GPUs: sort a copy */
        int64_t *g = malloc(n * sizeof *g);
        if (g == NULL)
            goto fail;
        for (size_t i = 0; i < n; i++)
            g[i] = gpus[i];
        qsort(g, n, sizeof *g, cmp_i64);
        for (size_t i = 1; i < n; i++)
            if (g[i] == g[i - 1]) {
                int64_t dup = g[i];
                free(g);
                err = sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                                   "GPU %lld appears twice in the group",
                                   (long long)dup);
                goto fail;
            }
        free(g);
    }
    if ((err = group_nodes(s, node_of)) != SIM_OK)
        goto fail;
    if ((err = build(s, bytes, diag)) != SIM_OK) {
        if (err == SIM_ERR_NOMEM)
            sim_diag_set(diag, err, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    *out = s;
    return SIM_OK;
fail:
    sim_coll_sched_free(s);
    return err;
}

size_t sim_coll_sched_phases(const sim_coll_sched_t *s) { return s->nph; }

int64_t sim_coll_sched_repeat(const sim_coll_sched_t *s, size_t phase)
{
    return phase < s->nph ? s->ph[phase].repeat : 0;
}

int64_t sim_coll_sched_steps(const sim_coll_sched_t *s) { return s->steps; }
size_t sim_coll_sched_ranks(const sim_coll_sched_t *s) { return s->n; }
size_t sim_coll_sched_nodes(const sim_coll_sched_t *s) { return s->n_nodes; }

/* Push one transfer per channel (bytes already per channel). */
static sim_err_t push_ch(const sim_coll_sched_t *s, sim_coll_xfers_t *x,
                         int32_t src, int32_t dst, double bytes)
{
    for (int32_t ch = 0; ch < s->o.channels; ch++) {
        sim_err_t err = xpush(x, s->gpu[src], s->gpu[dst], bytes,
                              coll_mix(s->o.salt, (uint64_t)ch), ch);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

sim_err_t sim_coll_sched_emit(const sim_coll_sched_t *s, size_t phase,
                              sim_coll_xfers_t *x)
{
    sim_err_t err = SIM_OK;
    x->n = 0;
    if (phase >= s->nph)
        return SIM_OK;
    const phase_t *p = &s->ph[phase];
    int32_t n = (int32_t)s->n;
    switch (p->kind) {
    case PH_RINGS: {
        const ring_set_t *r = &s->rs[p->set];
        for (int32_t q = 0; q < r->nrings && err == SIM_OK; q++) {
            const int32_t *o = r->order + (size_t)q * r->len;
            int32_t edges = r->len == 2 ? 2 : (r->len > 2 ? r->len : 0);
            for (int32_t i = 0; i < edges && err == SIM_OK; i++)
                err = xpush(x, s->gpu[o[i]], s->gpu[o[(i + 1) % r->len]],
                            p->bytes, r->salt[q], r->lane[q]);
        }
        break;
    }
    case PH_TREE: {
        const tree_set_t *ts = &s->ts[p->set];
        for (int32_t t = 0; t < ts->ntrees && err == SIM_OK; t++) {
            const tree_t *tr = &ts->t[t];
            int64_t rg[4];
            coll_tree_ranges(ts, tr, p->a, rg);
            for (int32_t v = 0; v < n && err == SIM_OK; v++) {
                int32_t par = tr->parent[v];
                if (par < 0)
                    continue;
                if (tr->height[v] >= rg[0] && tr->height[v] <= rg[1])
                    err = xpush(x, s->gpu[v], s->gpu[par], p->bytes,
                                tr->salt, tr->lane);
                if (err == SIM_OK && tr->depth[v] >= rg[2] &&
                    tr->depth[v] <= rg[3])
                    err = xpush(x, s->gpu[par], s->gpu[v], p->bytes,
                                tr->salt, tr->lane);
            }
        }
        break;
    }
    case PH_XOR:
        for (int32_t i = 0; i < p->b && err == SIM_OK; i++)
            err = push_ch(s, x, i, i ^ p->a, p->bytes);
        break;
    case PH_FOLD:
        for (int32_t i = 0; i + p->a < n && err == SIM_OK; i++)
            err = p->b == 0 ? push_ch(s, x, p->a + i, i, p->bytes)
                            : push_ch(s, x, i, p->a + i, p->bytes);
        break;
    case PH_SHIFT:
        for (int32_t i = 0; i < n && err == SIM_OK; i++)
            err = push_ch(s, x, i, (int32_t)(((int64_t)i + p->a) % n),
                          p->bytes);
        break;
    case PH_ALLPAIRS:
        for (int32_t i = 0; i < n && err == SIM_OK; i++)
            for (int32_t j = 0; j < n && err == SIM_OK; j++)
                if (i != j)
                    err = push_ch(s, x, i, j, p->bytes);
        break;
    case PH_P2P:
        err = push_ch(s, x, 0, 1, p->bytes);
        break;
    }
    return err;
}
