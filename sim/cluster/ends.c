/*
 * ends.c — running jobs ordered by end time with subtree sums of GPU-milli
 * (ends.h): a treap over job ids.
 *
 * Invariants: in-order is ascending (end, id); a parent's priority beats
 * its children's (prio(), ties broken by id, so priorities are distinct);
 * sum[x] = milli[x] + sum of both subtrees.  Recursion depth is the tree's
 * height, O(log n) expected with hashed priorities.
 */
#include "sim/cluster/ends.h"

#include <assert.h>
#include <stdlib.h>

#define NIL (-1)

/* A fixed 32-bit mix of the id (MurmurHash3's finaliser, public domain):
 * spreads consecutive ids so the treap is balanced in expectation. */
static uint32_t prio(int32_t id)
{
    uint32_t h = (uint32_t)id + 0x9e3779b9u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static bool beats(int32_t a, int32_t b)
{
    uint32_t pa = prio(a), pb = prio(b);
    return pa != pb ? pa > pb : a < b;
}

static bool key_less(const scl_ends_t *e, int64_t end_a, int32_t a, int32_t b)
{
    return end_a != e->end[b] ? end_a < e->end[b] : a < b;
}

static int64_t sum_of(const scl_ends_t *e, int32_t x)
{
    return x == NIL ? 0 : e->sum[x];
}

static void pull(scl_ends_t *e, int32_t x)
{
    e->sum[x] = e->milli[x] + sum_of(e, e->left[x]) + sum_of(e, e->right[x]);
}

sim_err_t scl_ends_init(scl_ends_t *e, int32_t cap)
{
    size_t n = cap > 0 ? (size_t)cap : 1;
    e->cap = cap;
    e->root = NIL;
    e->count = 0;
    e->left = malloc(n * sizeof *e->left);
    e->right = malloc(n * sizeof *e->right);
    e->end = malloc(n * sizeof *e->end);
    e->milli = malloc(n * sizeof *e->milli);
    e->sum = malloc(n * sizeof *e->sum);
    e->in = calloc(n, sizeof *e->in);
    if (e->left == NULL || e->right == NULL || e->end == NULL || e->milli == NULL ||
        e->sum == NULL || e->in == NULL) {
        scl_ends_destroy(e);
        return SIM_ERR_NOMEM;
    }
    return SIM_OK;
}

void scl_ends_destroy(scl_ends_t *e)
{
    if (e == NULL)
        return;
    free(e->left);
    free(e->right);
    free(e->end);
    free(e->milli);
    free(e->sum);
    free(e->in);
    e->left = e->right = NULL;
    e->end = e->milli = e->sum = NULL;
    e->in = NULL;
    e->root = NIL;
    e->count = 0;
}

/* Split tree t into keys below id's (end[id], id) and keys above it (id
 * itself is not in t, so none is equal). */
static void split(scl_ends_t *e, int32_t t, int32_t id, int32_t *lo, int32_t *hi)
{
    if (t == NIL) {
        *lo = *hi = NIL;
        return;
    }
    if (key_less(e, e->end[t], t, id)) {
        split(e, e->right[t], id, &e->right[t], hi);
        *lo = t;
    } else {
        split(e, e->left[t], id, lo, &e->left[t]);
        *hi = t;
    }
    pull(e, t);
}

/* Join a and b where every key of a sorts before every key of b. */
static int32_t merge(scl_ends_t *e, int32_t a, int32_t b)
{
    if (a == NIL)
        return b;
    if (b == NIL)
        return a;
    if (beats(a, b)) {
        e->right[a] = merge(e, e->right[a], b);
        pull(e, a);
        return a;
    }
    e->left[b] = merge(e, a, e->left[b]);
    pull(e, b);
    return b;
}

void scl_ends_insert(scl_ends_t *e, int32_t id, int64_t end, int64_t milli)
{
    assert(id >= 0 && id < e->cap && !e->in[id] && milli >= 0);
    e->end[id] = end;
    e->milli[id] = milli;
    e->left[id] = e->right[id] = NIL;
    e->sum[id] = milli;
    int32_t lo, hi;
    split(e, e->root, id, &lo, &hi);
    e->root = merge(e, merge(e, lo, id), hi);
    e->in[id] = true;
    e->count++;
}

static int32_t remove_rec(scl_ends_t *e, int32_t t, int32_t id)
{
    assert(t != NIL); /* id is in the tree */
    if (t == id)
        return merge(e, e->left[t], e->right[t]);
    if (key_less(e, e->end[id], id, t))
        e->left[t] = remove_rec(e, e->left[t], id);
    else
        e->right[t] = remove_rec(e, e->right[t], id);
    pull(e, t);
    return t;
}

void scl_ends_remove(scl_ends_t *e, int32_t id)
{
    assert(id >= 0 && id < e->cap && e->in[id]);
    e->root = remove_rec(e, e->root, id);
    e->in[id] = false;
    e->count--;
}

bool scl_ends_has(const scl_ends_t *e, int32_t id)
{
    return id >= 0 && id < e->cap && e->in[id];
}

int64_t scl_ends_total(const scl_ends_t *e)
{
    return sum_of(e, e->root);
}

bool scl_ends_reach(const scl_ends_t *e, int64_t target, int64_t *t)
{
    if (sum_of(e, e->root) < target)
        return false;
    int32_t x = e->root;
    while (x != NIL) {
        int64_t ls = sum_of(e, e->left[x]);
        if (ls >= target) {
            x = e->left[x];
        } else if (ls + e->milli[x] >= target) {
            *t = e->end[x];
            return true;
        } else {
            target -= ls + e->milli[x];
            x = e->right[x];
        }
    }
    assert(!"unreachable: the total reached target"); /* believed impossible */
    return false;
}

int64_t scl_ends_sum_upto(const scl_ends_t *e, int64_t t)
{
    int64_t acc = 0;
    int32_t x = e->root;
    while (x != NIL) {
        if (e->end[x] <= t) {
            acc += sum_of(e, e->left[x]) + e->milli[x];
            x = e->right[x];
        } else {
            x = e->left[x];
        }
    }
    return acc;
}
