/*
 * eq.c — the event queue: a small indexed 4-ary heap in front of a ring of
 * unsorted time buckets, over pooled event records.
 *
 * Why two tiers.  A heap alone was measured at ~200 ns per hold with 10^5
 * pending events on the project's 2-core VM: every pop sifts ~8 levels and
 * the lower levels miss the cache.  Most pending events are far from the
 * head, so — as in the ladder queue (Tang, Goh & Thng, ACM TOMACS 15(3),
 * 2005) and the calendar queue (Brown, CACM 31(10), 1988) — we keep them
 * unsorted in buckets of equal width and sort (heapify) one bucket only
 * when time reaches it.  Pushes far ahead are an O(1) append; the heap
 * holds about one bucket's worth of events and stays in L1.  Measured
 * (bench_hold, 10^5 pending, same VM): ~90-120 ns per hold against ~200-
 * 250 ns for the plain heap, including ~20 ns for the delay draw.
 *
 * Regions, by time t (offsets are unsigned: off = t - base):
 *   heap      t < base, or bucket index off >> shift < cur (consumed)
 *   bucket k  cur <= k < nb, k = off >> shift      (unsorted vector)
 *   overflow  k >= nb                               (unsorted vector)
 * So every heap event is earlier than every bucket event, and bucket k's
 * events are earlier than bucket k+1's; equal times always share a region,
 * so the heap's full (time, tie) key decides every tie.  When the heap
 * empties, the next non-empty bucket is heapified into it (cur advances);
 * when the buckets run out, the overflow is re-bucketed ("rebuild"): base =
 * its least time, nb ~ count / 4 buckets (a power of two), width 2^shift
 * chosen so the window covers the 90th percentile of a fixed, strided
 * sample of its times — robust to a few "far future" events, and the same
 * on every run.  Events past the window stay in the overflow.
 *
 * If bucket memory cannot be had during a rebuild (or sim_eq_use_heap_only
 * is called) the queue moves every event into the heap and stays a plain
 * 4-ary heap: never wrong, only slower.  The heap's capacity always equals
 * the pool's, so moving into it never allocates.
 *
 * Records and handles.  recs[] holds the callback, ctx, arg and generation
 * per slot; released slots go on a LIFO free list (a pop's slot is the next
 * push's, still in cache).  loc[slot] = region << 32 | index says where the
 * event sits, so cancel and reschedule find it without searching
 * (cancellation is indexed removal, not lazy deletion, because reschedule —
 * the network model's most frequent call — needs the index anyway and lazy
 * deletion would leave a tombstone per reschedule).  The sort key is kept
 * inline in every heap and bucket entry: time, and a tie word holding the
 * priority (top 16 bits, biased) and the sequence number (low 48).
 *
 * Invariants (sim_eq_check verifies them): the heap is ordered; every entry
 * lies in the region its time selects; loc[] matches every entry; pending
 * slots have odd generations, free ones even; counts add up.
 */
#include "sim/engine/eq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ARITY 4
#define SEQ_BITS 48
#define SEQ_LIMIT ((uint64_t)1 << SEQ_BITS)
#define PRIO_BIAS 32768                 /* maps SIM_EQ_PRIO_MIN to 0 */
#define SLOT_LIMIT (UINT32_MAX - 1u)    /* UINT32_MAX marks "no slot" */
#define NO_SLOT UINT32_MAX
#define DEFAULT_CAPACITY 64
#define REGION_HEAP 0u                  /* bucket k is region k + 1 */
#define REGION_OVERFLOW UINT32_MAX
#define BUCKET_LOAD 4                   /* target events per bucket */
#define BUCKET_KEEP 16                  /* larger arrays freed when drained */
#define BUCKETS_MAX ((uint32_t)1 << 20)
#define SAMPLE_MAX 64                   /* times sampled to size a window */

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

typedef struct hent {
    sim_time_t time;
    uint64_t tie;       /* (prio + PRIO_BIAS) << 48 | seq */
    uint32_t slot;
} hent_t;

typedef struct rec {
    sim_event_fn fn;
    void *ctx;
    void *arg;
    uint32_t gen;       /* odd: pending; even: free */
    uint32_t next_free; /* free-list link while free */
} rec_t;

typedef struct vec {
    hent_t *e;
    uint32_t n, cap;
} vec_t;

struct sim_eq {
    hent_t *heap;
    size_t nheap;
    rec_t *recs;
    uint64_t *loc;      /* region << 32 | index, per slot */
    size_t cap;         /* slots allocated = heap capacity */
    uint32_t hw;        /* slots handed out at least once */
    uint32_t free_head; /* NO_SLOT when empty */
    size_t n;           /* pending events, all regions */
    uint64_t next_seq;

    vec_t *bk;          /* buckets; bk_alloc allocated, nb in use */
    uint32_t bk_alloc, nb, cur;
    unsigned shift;
    sim_time_t base;
    vec_t over;
    size_t nfar;        /* events in buckets and overflow */
    bool heap_only;
};

/* ---- keys ----------------------------------------------------------- */

static inline bool before(const hent_t *a, const hent_t *b)
{
    return (a->time < b->time) | ((a->time == b->time) & (a->tie < b->tie));
}

static inline uint64_t make_tie(int prio, uint64_t seq)
{
    return ((uint64_t)(prio + PRIO_BIAS) << SEQ_BITS) | seq;
}

static inline int tie_prio(uint64_t tie)
{
    return (int)(tie >> SEQ_BITS) - PRIO_BIAS;
}

static inline uint64_t make_loc(uint32_t region, size_t index)
{
    return ((uint64_t)region << 32) | (uint64_t)index;
}

/* ---- the heap ------------------------------------------------------- */

static inline void sift_up(sim_eq_t *q, size_t i, hent_t e)
{
    hent_t *heap = q->heap;

    while (i > 0) {
        size_t p = (i - 1) / ARITY;
        if (!before(&e, &heap[p]))
            break;
        heap[i] = heap[p];
        q->loc[heap[i].slot] = i;
        i = p;
    }
    heap[i] = e;
    q->loc[e.slot] = i;
}

static inline void sift_down(sim_eq_t *q, size_t i, hent_t e)
{
    hent_t *heap = q->heap;
    size_t n = q->nheap;

    for (;;) {
        size_t c = ARITY * i + 1, m, end, k;
        if (c >= n)
            break;
        end = c + ARITY < n ? c + ARITY : n;
        m = c;
        for (k = c + 1; k < end; k++)
            m = before(&heap[k], &heap[m]) ? k : m;
        if (!before(&heap[m], &e))
            break;
        heap[i] = heap[m];
        q->loc[heap[i].slot] = i;
        i = m;
    }
    heap[i] = e;
    q->loc[e.slot] = i;
}

/* Put e at heap index i (a hole, or an entry whose key changed). */
static inline void sift(sim_eq_t *q, size_t i, hent_t e)
{
    if (i > 0 && before(&e, &q->heap[(i - 1) / ARITY]))
        sift_up(q, i, e);
    else
        sift_down(q, i, e);
}

static void heap_remove(sim_eq_t *q, size_t i)
{
    q->nheap--;
    if (i < q->nheap)
        sift(q, i, q->heap[q->nheap]);
}

/* Append count entries to the heap and restore its order (Floyd's
 * bottom-up heapify when the heap was empty, else one sift-up each). */
static void heap_add_all(sim_eq_t *q, const hent_t *src, size_t count)
{
    size_t i, start = q->nheap;

    if (count == 0)
        return;
    if (start > 0) {
        for (i = 0; i < count; i++)
            sift_up(q, q->nheap++, src[i]);
        return;
    }
    memcpy(q->heap, src, count * sizeof *src);
    q->nheap = count;
    for (i = 0; i < count; i++)
        q->loc[src[i].slot] = i;
    for (i = count > 1 ? (count - 2) / ARITY + 1 : 0; i-- > 0;)
        sift_down(q, i, q->heap[i]);
}

/* ---- buckets and overflow ------------------------------------------- */

static inline vec_t *region_vec(sim_eq_t *q, uint32_t region)
{
    return region == REGION_OVERFLOW ? &q->over : &q->bk[region - 1];
}

static int vec_reserve(vec_t *v, size_t need)
{
    size_t cap;
    hent_t *e;

    if (need <= v->cap)
        return 0;
    if (need > UINT32_MAX)
        return -1;
    cap = v->cap ? v->cap : 4;
    while (cap < need)
        cap *= 2;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    e = realloc(v->e, cap * sizeof *e);
    if (e == NULL)
        return -1;
    v->e = e;
    v->cap = (uint32_t)cap;
    return 0;
}

/* Append e (capacity already reserved) to the vector of region. */
static inline void vec_append(sim_eq_t *q, uint32_t region, hent_t e)
{
    vec_t *v = region_vec(q, region);

    assert(v->n < v->cap);
    q->loc[e.slot] = make_loc(region, v->n);
    v->e[v->n++] = e;
}

static void vec_remove(sim_eq_t *q, uint32_t region, size_t i)
{
    vec_t *v = region_vec(q, region);

    v->n--;
    if (i < v->n) {
        v->e[i] = v->e[v->n];
        q->loc[v->e[i].slot] = make_loc(region, i);
    }
}

/* The region an event at time t belongs in. */
static inline uint32_t classify(const sim_eq_t *q, sim_time_t t)
{
    uint64_t k;

    if (q->heap_only || t < q->base)
        return REGION_HEAP;
    k = ((uint64_t)t - (uint64_t)q->base) >> q->shift;
    if (k < q->cur)
        return REGION_HEAP;
    if (k < q->nb)
        return (uint32_t)k + 1;
    return REGION_OVERFLOW;
}

/* Make room for one more event in region; 0 or -1 (out of memory). */
static inline int reserve_region(sim_eq_t *q, uint32_t region)
{
    vec_t *v;

    if (region == REGION_HEAP)
        return 0; /* heap capacity == pool capacity */
    v = region_vec(q, region);
    return v->n < v->cap ? 0 : vec_reserve(v, (size_t)v->n + 1);
}

static void insert(sim_eq_t *q, uint32_t region, hent_t e)
{
    if (region == REGION_HEAP) {
        sift_up(q, q->nheap++, e);
    } else {
        vec_append(q, region, e);
        q->nfar++;
    }
}

static void remove_at(sim_eq_t *q, uint64_t loc)
{
    uint32_t region = (uint32_t)(loc >> 32);

    if (region == REGION_HEAP) {
        heap_remove(q, (size_t)(loc & UINT32_MAX));
    } else {
        vec_remove(q, region, (size_t)(loc & UINT32_MAX));
        q->nfar--;
    }
}

static inline hent_t *entry_at(sim_eq_t *q, uint64_t loc)
{
    uint32_t region = (uint32_t)(loc >> 32);
    size_t i = (size_t)(loc & UINT32_MAX);

    return region == REGION_HEAP ? &q->heap[i] : &region_vec(q, region)->e[i];
}

/* Move every bucket and overflow event into the heap and stay a plain
 * heap from now on. */
static void fall_back_to_heap(sim_eq_t *q)
{
    uint32_t k;

    for (k = q->cur; k < q->nb; k++) {
        heap_add_all(q, q->bk[k].e, q->bk[k].n);
        q->bk[k].n = 0;
    }
    heap_add_all(q, q->over.e, q->over.n);
    q->over.n = 0;
    q->nfar = 0;
    q->nb = q->cur = 0;
    q->heap_only = true;
}

static int cmp_time(const void *a, const void *b)
{
    sim_time_t x = *(const sim_time_t *)a, y = *(const sim_time_t *)b;
    return (x > y) - (x < y);
}

/* Re-bucket the overflow (all buckets consumed, heap empty). */
static void rebuild(sim_eq_t *q)
{
    vec_t *ov = &q->over;
    sim_time_t sample[SAMPLE_MAX], tmin, tq;
    size_t m = ov->n, ns, stride, i, j;
    uint64_t span, k, inside, want;
    uint32_t nb;
    unsigned shift = 0;

    assert(m > 0 && q->nheap == 0 && q->cur == q->nb);
    tmin = ov->e[0].time;
    for (i = 1; i < m; i++)
        tmin = ov->e[i].time < tmin ? ov->e[i].time : tmin;
    ns = m < SAMPLE_MAX ? m : SAMPLE_MAX;
    stride = m / ns;
    for (i = 0; i < ns; i++)
        sample[i] = ov->e[i * stride].time;
    qsort(sample, ns, sizeof sample[0], cmp_time);
    tq = ns < SAMPLE_MAX ? sample[ns - 1] : sample[(ns * 9) / 10];
    span = (uint64_t)tq - (uint64_t)tmin + 1;
    if (span == 0)
        span = UINT64_MAX; /* tq - tmin == 2^64 - 1 wrapped */
    /* Width: the least power of two giving about BUCKET_LOAD of the
     * events inside [tmin, tq] per bucket (at least 1 ns); count: enough
     * buckets to cover [tmin, tq], at most BUCKETS_MAX. */
    inside = ns < SAMPLE_MAX ? m : m - m / 10;
    want = inside / BUCKET_LOAD;
    want = want < 1 ? 1 : want > BUCKETS_MAX ? BUCKETS_MAX : want;
    while (shift < 63 && ((uint64_t)want << shift) < span)
        shift++;
    nb = (uint32_t)(((span - 1) >> shift) + 1);
    if (nb > q->bk_alloc) {
        vec_t *bk = realloc(q->bk, nb * sizeof *bk);
        if (bk == NULL)
            goto fail;
        memset(bk + q->bk_alloc, 0, (nb - q->bk_alloc) * sizeof *bk);
        q->bk = bk;
        q->bk_alloc = nb;
    }
    /* Count into n (all buckets are empty), reserve, then distribute. */
    for (i = 0; i < m; i++) {
        k = ((uint64_t)ov->e[i].time - (uint64_t)tmin) >> shift;
        if (k < nb)
            q->bk[k].n++;
    }
    for (k = 0; k < nb; k++) {
        int rc = vec_reserve(&q->bk[k], q->bk[k].n);
        q->bk[k].n = 0;
        if (rc != 0) {
            for (; k < nb; k++)
                q->bk[k].n = 0;
            goto fail;
        }
    }
    q->base = tmin;
    q->shift = shift;
    q->nb = nb;
    q->cur = 0;
    for (i = j = 0; i < m; i++) {
        hent_t e = ov->e[i];
        k = ((uint64_t)e.time - (uint64_t)tmin) >> shift;
        if (k < nb) {
            vec_append(q, (uint32_t)k + 1, e);
        } else {
            q->loc[e.slot] = make_loc(REGION_OVERFLOW, j);
            ov->e[j++] = e;
        }
    }
    ov->n = (uint32_t)j;
    return;

fail:
    fall_back_to_heap(q);
}

/* Refill the heap from the buckets when it is empty.  Cost: amortised O(1)
 * per event (each bucket is scanned and heapified once per window). */
static void settle(sim_eq_t *q)
{
    while (q->nheap == 0 && q->nfar > 0) {
        if (q->cur < q->nb) {
            vec_t *v = &q->bk[q->cur++];
            if (v->n > 0) {
                heap_add_all(q, v->e, v->n);
                q->nfar -= v->n;
                v->n = 0;
            }
            if (v->cap > BUCKET_KEEP) {
                /* Bound what idle buckets hold: about BUCKET_KEEP entries
                 * each, whatever bursts they once saw. */
                free(v->e);
                v->e = NULL;
                v->cap = 0;
            }
        } else {
            rebuild(q);
        }
    }
}

/* ---- the pool ------------------------------------------------------- */

static inline bool live(const sim_eq_t *q, sim_eq_handle_t h)
{
    return (h.gen & 1u) && h.slot < q->hw && q->recs[h.slot].gen == h.gen;
}

static inline void release(sim_eq_t *q, uint32_t slot)
{
    rec_t *r = &q->recs[slot];

    r->gen++;                   /* odd -> even: every handle goes stale */
    r->next_free = q->free_head;
    q->free_head = slot;
    q->n--;
}

/* Grow the pool and the heap to new_cap slots.  On failure the arrays that
 * did grow stay grown; cap still names the size all of them have. */
static sim_err_t grow(sim_eq_t *q, size_t new_cap)
{
    hent_t *heap;
    rec_t *recs;
    uint64_t *loc;

    heap = realloc(q->heap, new_cap * sizeof *heap);
    if (heap == NULL)
        return SIM_ERR_NOMEM;
    q->heap = heap;
    recs = realloc(q->recs, new_cap * sizeof *recs);
    if (recs == NULL)
        return SIM_ERR_NOMEM;
    q->recs = recs;
    loc = realloc(q->loc, new_cap * sizeof *loc);
    if (loc == NULL)
        return SIM_ERR_NOMEM;
    q->loc = loc;
    q->cap = new_cap;
    return SIM_OK;
}

/* ---- public API ----------------------------------------------------- */

sim_eq_t *sim_eq_new(size_t capacity_hint)
{
    sim_eq_t *q = calloc(1, sizeof *q);

    if (q == NULL)
        goto fail;
    q->free_head = NO_SLOT;
    q->base = SIM_TIME_MIN;
    if (capacity_hint == 0)
        capacity_hint = DEFAULT_CAPACITY;
    if (capacity_hint > SLOT_LIMIT)
        capacity_hint = SLOT_LIMIT;
    if (grow(q, capacity_hint) != SIM_OK)
        goto fail;
    return q;

fail:
    sim_eq_free(q);
    return NULL;
}

void sim_eq_free(sim_eq_t *q)
{
    uint32_t k;

    if (q == NULL)
        return;
    for (k = 0; k < q->bk_alloc; k++)
        free(q->bk[k].e);
    free(q->bk);
    free(q->over.e);
    free(q->heap);
    free(q->recs);
    free(q->loc);
    free(q);
}

void sim_eq_use_heap_only(sim_eq_t *q)
{
    assert(q != NULL);
    if (!q->heap_only)
        fall_back_to_heap(q);
}

sim_err_t sim_eq_push(sim_eq_t *q, sim_time_t t, int prio, sim_event_fn fn,
                      void *ctx, void *arg, sim_eq_handle_t *out)
{
    uint32_t slot, region;
    rec_t *r;
    hent_t e;

    assert(q != NULL && fn != NULL);
    assert(prio >= SIM_EQ_PRIO_MIN && prio <= SIM_EQ_PRIO_MAX);
    if (out != NULL)
        *out = SIM_EQ_HANDLE_NULL;
    if (q->next_seq >= SEQ_LIMIT)
        return SIM_ERR_RANGE;
    region = classify(q, t);
    if (reserve_region(q, region) != 0)
        return SIM_ERR_NOMEM;
    if (q->free_head != NO_SLOT) {
        slot = q->free_head;
        q->free_head = q->recs[slot].next_free;
    } else {
        if (q->hw >= SLOT_LIMIT)
            return SIM_ERR_RANGE;
        if (q->hw == q->cap) {
            size_t new_cap = q->cap * 2;
            if (new_cap > SLOT_LIMIT)
                new_cap = SLOT_LIMIT;
            if (grow(q, new_cap) != SIM_OK)
                return SIM_ERR_NOMEM;
        }
        slot = q->hw++;
        q->recs[slot].gen = 0;
    }
    r = &q->recs[slot];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    r->gen++;                   /* even -> odd: pending */
    q->n++;
    e.time = t;
    e.tie = make_tie(prio, q->next_seq++);
    e.slot = slot;
    insert(q, region, e);
    if (out != NULL) {
        out->slot = slot;
        out->gen = r->gen;
    }
    return SIM_OK;
}

bool sim_eq_pop(sim_eq_t *q, sim_eq_event_t *out)
{
    hent_t top;
    const rec_t *r;

    assert(q != NULL);
    settle(q);
    if (q->nheap == 0)
        return false;
    top = q->heap[0];
    r = &q->recs[top.slot];
    if (out != NULL) {
        out->time = top.time;
        out->prio = tie_prio(top.tie);
        out->fn = r->fn;
        out->ctx = r->ctx;
        out->arg = r->arg;
    }
    release(q, top.slot);
    heap_remove(q, 0);
    /* The next pop will read the new head's record: start fetching it
     * while the caller runs the handler. */
    if (q->nheap > 0)
        PREFETCH(&q->recs[q->heap[0].slot]);
    return true;
}

sim_time_t sim_eq_peek_time(sim_eq_t *q)
{
    assert(q != NULL);
    settle(q);
    return q->nheap > 0 ? q->heap[0].time : SIM_TIME_MAX;
}

size_t sim_eq_size(const sim_eq_t *q)
{
    assert(q != NULL);
    return q->n;
}

bool sim_eq_pending(const sim_eq_t *q, sim_eq_handle_t h)
{
    assert(q != NULL);
    return live(q, h);
}

sim_time_t sim_eq_time_of(const sim_eq_t *q, sim_eq_handle_t h)
{
    uint64_t loc;
    uint32_t region;
    size_t i;

    assert(q != NULL);
    if (!live(q, h))
        return SIM_TIME_MAX;
    loc = q->loc[h.slot];
    region = (uint32_t)(loc >> 32);
    i = (size_t)(loc & UINT32_MAX);
    if (region == REGION_HEAP)
        return q->heap[i].time;
    return (region == REGION_OVERFLOW ? &q->over : &q->bk[region - 1])->e[i].time;
}

bool sim_eq_cancel(sim_eq_t *q, sim_eq_handle_t h)
{
    assert(q != NULL);
    if (!live(q, h))
        return false;
    release(q, h.slot);
    remove_at(q, q->loc[h.slot]);
    return true;
}

sim_err_t sim_eq_reschedule(sim_eq_t *q, sim_eq_handle_t h, sim_time_t t)
{
    uint64_t loc;
    uint32_t from, to;
    hent_t e, *cur;

    assert(q != NULL);
    if (!live(q, h))
        return SIM_ERR_NOTFOUND;
    if (q->next_seq >= SEQ_LIMIT)
        return SIM_ERR_RANGE;
    loc = q->loc[h.slot];
    from = (uint32_t)(loc >> 32);
    to = classify(q, t);
    cur = entry_at(q, loc);
    e = *cur;
    e.time = t;
    e.tie = make_tie(tie_prio(e.tie), q->next_seq);
    if (to == from) {
        if (to == REGION_HEAP)
            sift(q, (size_t)(loc & UINT32_MAX), e);
        else
            *cur = e;   /* buckets are unsorted */
    } else {
        if (reserve_region(q, to) != 0)
            return SIM_ERR_NOMEM;
        remove_at(q, loc);
        insert(q, to, e);
    }
    q->next_seq++;
    return SIM_OK;
}

static sim_err_t check_entry(const sim_eq_t *q, const hent_t *e,
                             uint32_t region, size_t i, sim_diag_t *diag)
{
    if (e->slot >= q->hw || (q->recs[e->slot].gen & 1u) == 0)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: slot %u is not pending",
                            (unsigned)region, i, (unsigned)e->slot);
    if (q->loc[e->slot] != make_loc(region, i))
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: index broken",
                            (unsigned)region, i);
    if (classify(q, e->time) != region)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: time %lld belongs in %u",
                            (unsigned)region, i, (long long)e->time,
                            (unsigned)classify(q, e->time));
    return SIM_OK;
}

sim_err_t sim_eq_check(const sim_eq_t *q, sim_diag_t *diag)
{
    size_t i, free_count = 0, pending = 0, far = 0;
    uint32_t s, k;
    sim_err_t err;

    if (q == NULL)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL, "queue is NULL");
    if (q->n > q->hw || q->hw > q->cap || q->nheap + q->nfar != q->n ||
        q->cur > q->nb || q->nb > q->bk_alloc)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "counts out of range: n %zu, heap %zu, far %zu, "
                            "hw %u, cap %zu", q->n, q->nheap, q->nfar,
                            (unsigned)q->hw, q->cap);
    for (i = 0; i < q->nheap; i++) {
        if (i > 0 && before(&q->heap[i], &q->heap[(i - 1) / ARITY]))
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                "heap order broken at index %zu", i);
        if ((err = check_entry(q, &q->heap[i], REGION_HEAP, i, diag)))
            return err;
    }
    for (k = 0; k < q->bk_alloc; k++) {
        if (k < q->cur || k >= q->nb) {
            if (q->bk[k].n != 0)
                return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                    "unused bucket %u holds events",
                                    (unsigned)k);
            continue;
        }
        for (i = 0; i < q->bk[k].n; i++)
            if ((err = check_entry(q, &q->bk[k].e[i], k + 1, i, diag)))
                return err;
        far += q->bk[k].n;
    }
    for (i = 0; i < q->over.n; i++)
        if ((err = check_entry(q, &q->over.e[i], REGION_OVERFLOW, i, diag)))
            return err;
    far += q->over.n;
    if (far != q->nfar)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu events in buckets, %zu counted", far, q->nfar);
    for (s = 0; s < q->hw; s++)
        pending += q->recs[s].gen & 1u;
    if (pending != q->n)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu slots pending but %zu events", pending, q->n);
    for (s = q->free_head; s != NO_SLOT; s = q->recs[s].next_free) {
        if (s >= q->hw || (q->recs[s].gen & 1u) || ++free_count > q->hw)
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                "free list broken at slot %u", (unsigned)s);
    }
    if (free_count + q->n != q->hw)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu free + %zu pending != %u slots used",
                            free_count, q->n, (unsigned)q->hw);
    return SIM_OK;
}
