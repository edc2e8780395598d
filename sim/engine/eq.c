/*
 * eq.c — the event queue: unsorted time buckets (a one-rung ladder) that
 * are turned, one at a time, into a sorted "run" read front to back, with
 * a small indexed 4-ary heap beside the run for stragglers; event records
 * carry their callback inline, over a pool of slots for the handles.
 *
 * Why this shape.  In a discrete-event simulation most pending events are
 * far from the head, so — as in the ladder queue (Tang, Goh & Thng, ACM
 * TOMACS 15(3), 2005) and the calendar queue (Brown, CACM 31(10), 1988) —
 * they sit unsorted in buckets of equal width and a bucket is ordered only
 * when time reaches it.  With integer-ns times and many events, a bucket is
 * often one nanosecond wide and holds events of a single time appended in
 * sequence order: it is then already sorted, and becomes the run with no
 * work at all; popping it is a sequential read.  A bucket that is not
 * sorted is insertion-sorted when small (<= SORT_MAX entries) or heapified
 * into the front heap when large (skewed times), so no distribution costs
 * more than O(log b) per event.  Each entry (48 bytes) carries time, tie
 * key and the callback triple, so a pop reads no other record; a push
 * appends to a bucket whose tail is usually in cache.
 *
 * Regions, by time t (offsets are unsigned: off = t - base):
 *   front     t < base, or bucket index off >> shift < cur (consumed):
 *             the run (bucket q->run, read from q->rl) or the heap
 *   bucket k  cur <= k < nb, k = off >> shift      (unsorted vector)
 *   overflow  k >= nb                               (unsorted vector)
 * Every front event is earlier than every bucket event, and bucket k's
 * events are earlier than bucket k+1's; equal times always share a region.
 * A pop takes the lesser of the run's head and the heap's top by the full
 * key (time, priority, sequence).  A push into the front region is
 * appended to the run when its key is above the run's last one (the usual
 * case: "now, default priority"), else sifted into the heap.  When the
 * front empties, the next non-empty bucket becomes the run (or the heap);
 * when the buckets run out, the overflow is re-bucketed ("rebuild"): base
 * = its least time, about count / 4 buckets, width 2^shift chosen so the
 * window covers the 90th percentile of a fixed, strided sample of its
 * times — robust to a few "far future" events, and the same on every run.
 *
 * If bucket memory cannot be had during a rebuild (or sim_eq_use_heap_only
 * is called) the queue moves every event into the heap and stays a plain
 * 4-ary heap: never wrong, only slower.  The heap's capacity always equals
 * the pool's, so moving into it never allocates.
 *
 * Records and handles.  recs[slot] holds the generation and where the
 * event sits (region, index), so cancel and reschedule find it without a
 * search; released slots go on a LIFO free list threaded through index (a
 * pop's slot is the next push's, still in cache).  Removal from a bucket
 * or the heap is indexed; removal from the run marks the entry cancelled
 * (slot NO_SLOT), keeping the run sorted, and the read position skips such
 * marks — they are bounded by the run's length and reaped when it drains.
 *
 * Invariants (sim_eq_check, in eq_check.c, verifies them): the heap is
 * ordered and the run sorted, its head live; every entry lies in the region
 * its time selects; recs[] locate every entry; pending slots have odd
 * generations, free ones even; counts add up.  The layout shared by the
 * two files is in eq_int.h.
 */
#include "sim/engine/eq.h"
#include "sim/engine/eq_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ----------------------------------------------------------- */

static inline uint64_t make_tie(int prio, uint64_t seq)
{
    return ((uint64_t)(prio + PRIO_BIAS) << SEQ_BITS) | seq;
}

static inline int tie_prio(uint64_t tie)
{
    return (int)(tie >> SEQ_BITS) - PRIO_BIAS;
}

static inline void set_loc(sim_eq_t *q, uint32_t slot, uint32_t region,
                           size_t index)
{
    q->recs[slot].region = region;
    q->recs[slot].index = (uint32_t)index;
}

/* ---- the heap ------------------------------------------------------- */

static inline void sift_up(sim_eq_t *q, size_t i, ent_t e)
{
    ent_t *heap = q->heap;

    while (i > 0) {
        size_t p = (i - 1) / ARITY;
        if (!before(&e, &heap[p]))
            break;
        heap[i] = heap[p];
        q->recs[heap[i].slot].index = (uint32_t)i;
        i = p;
    }
    heap[i] = e;
    set_loc(q, e.slot, REGION_FRONT, i);
}

static inline void sift_down(sim_eq_t *q, size_t i, ent_t e)
{
    ent_t *heap = q->heap;
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
        q->recs[heap[i].slot].index = (uint32_t)i;
        i = m;
    }
    heap[i] = e;
    set_loc(q, e.slot, REGION_FRONT, i);
}

/* Put e at heap index i (a hole, or an entry whose key changed). */
static inline void sift(sim_eq_t *q, size_t i, ent_t e)
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
static void heap_add_all(sim_eq_t *q, const ent_t *src, size_t count)
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
        set_loc(q, src[i].slot, REGION_FRONT, i);
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
    ent_t *e;

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

/* Free a drained bucket's array when it is larger than q->keep, so idle
 * buckets hold a bounded amount whatever bursts they once saw. */
static inline void vec_trim(const sim_eq_t *q, vec_t *v)
{
    if (v->cap > q->keep) {
        free(v->e);
        v->e = NULL;
        v->cap = 0;
    }
}

/* Append e (capacity already reserved) to the vector of region. */
static inline void vec_append(sim_eq_t *q, uint32_t region, const ent_t *e)
{
    vec_t *v = region_vec(q, region);

    assert(v->n < v->cap);
    set_loc(q, e->slot, region, v->n);
    v->e[v->n++] = *e;
}

static void vec_remove(sim_eq_t *q, uint32_t region, size_t i)
{
    vec_t *v = region_vec(q, region);

    v->n--;
    if (i < v->n) {
        v->e[i] = v->e[v->n];
        q->recs[v->e[i].slot].index = (uint32_t)i;
    }
}

/* Make room for one more event in region; 0 or -1 (out of memory). */
static inline int reserve_region(sim_eq_t *q, uint32_t region)
{
    vec_t *v;

    if (region == REGION_FRONT)
        return 0; /* heap capacity == pool capacity */
    v = region_vec(q, region);
    return v->n < v->cap ? 0 : vec_reserve(v, (size_t)v->n + 1);
}

/* ---- the run -------------------------------------------------------- */

/* Skip cancelled entries at the run's head; when it is all read, start
 * over at index 0 (the run stays open for appends). */
static inline void run_skip(sim_eq_t *q)
{
    vec_t *v = &q->bk[q->run];

    while (q->rl < v->n && v->e[q->rl].slot == NO_SLOT)
        q->rl++;
    if (q->rl == v->n)
        q->rl = v->n = 0;
}

/* Close the run (it holds no live entry). */
static void run_drop(sim_eq_t *q)
{
    vec_t *v = &q->bk[q->run];

    assert(q->nrun == 0);
    v->n = 0;
    vec_trim(q, v);
    q->run = NO_RUN;
    q->rl = 0;
}

static bool is_sorted(const ent_t *e, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++)
        if (before(&e[i], &e[i - 1]))
            return false;
    return true;
}

static void insertion_sort(ent_t *e, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        ent_t x = e[i];
        for (j = i; j > 0 && before(&x, &e[j - 1]); j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
}

/* A push into the front region: onto the run's end when it sorts last
 * there (no sifting), else into the heap. */
static void insert_front(sim_eq_t *q, const ent_t *e)
{
    if (q->run != NO_RUN) {
        vec_t *v = &q->bk[q->run];
        if ((v->n == 0 || before(&v->e[v->n - 1], e)) &&
            vec_reserve(v, (size_t)v->n + 1) == 0) {
            set_loc(q, e->slot, q->run + 1, v->n);
            v->e[v->n++] = *e;
            q->nrun++;
            return;
        }
    }
    sift_up(q, q->nheap++, *e);
}

/* ---- moving between regions ----------------------------------------- */

static void insert(sim_eq_t *q, uint32_t region, const ent_t *e)
{
    if (region == REGION_FRONT) {
        insert_front(q, e);
    } else {
        vec_append(q, region, e);
        q->nfar++;
    }
}

/* Take pending slot's entry out of its region (the slot stays pending). */
static void remove_slot(sim_eq_t *q, uint32_t slot)
{
    uint32_t region = q->recs[slot].region, i = q->recs[slot].index;

    if (region == REGION_FRONT) {
        heap_remove(q, i);
    } else if (is_run(q, region)) {
        q->bk[q->run].e[i].slot = NO_SLOT;
        q->nrun--;
        if (i == q->rl)
            run_skip(q);
    } else {
        vec_remove(q, region, i);
        q->nfar--;
    }
}

static inline ent_t *entry_of(sim_eq_t *q, uint32_t slot)
{
    uint32_t region = q->recs[slot].region, i = q->recs[slot].index;

    return region == REGION_FRONT ? &q->heap[i] : &region_vec(q, region)->e[i];
}

/* Move every run, bucket and overflow event into the heap and stay a
 * plain heap from now on. */
static void fall_back_to_heap(sim_eq_t *q)
{
    uint32_t k, i;

    if (q->run != NO_RUN) {
        vec_t *v = &q->bk[q->run];
        for (i = q->rl; i < v->n; i++)
            if (v->e[i].slot != NO_SLOT)
                sift_up(q, q->nheap++, v->e[i]);
        q->nrun = 0;
        run_drop(q);
    }
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

/* Re-bucket the overflow (all buckets consumed, front empty). */
static void rebuild(sim_eq_t *q)
{
    vec_t *ov = &q->over;
    sim_time_t sample[SAMPLE_MAX], tmin, tq;
    size_t m = ov->n, ns, stride, i, j;
    uint64_t span, k, inside, want;
    uint32_t nb;
    unsigned shift = 0;

    assert(m > 0 && q->nheap == 0 && q->run == NO_RUN && q->cur == q->nb);
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
    /* Twice that many: the window then also takes most events pushed
     * while it is being consumed, instead of sending them through the
     * overflow and a rebuild (measured: ~10% faster holds at 10^5). */
    nb = nb <= BUCKETS_MAX / WINDOW_SPARE ? nb * WINDOW_SPARE : BUCKETS_MAX;
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
    /* A drained bucket keeps up to 4x the mean load, so buckets refilled
     * at the usual rate are not freed and regrown every window. */
    q->keep = (uint32_t)(4 * (m / nb) < BUCKET_KEEP ? BUCKET_KEEP
                         : 4 * (m / nb) < UINT32_MAX ? 4 * (m / nb)
                                                     : UINT32_MAX);
    /* Stable distribution: a bucket whose events share one time and
     * priority comes out sorted and needs no work when it is reached. */
    for (i = j = 0; i < m; i++) {
        ent_t e = ov->e[i];
        k = ((uint64_t)e.time - (uint64_t)tmin) >> shift;
        if (k < nb) {
            vec_append(q, (uint32_t)k + 1, &e);
        } else {
            q->recs[e.slot].index = (uint32_t)j;
            ov->e[j++] = e;
        }
    }
    ov->n = (uint32_t)j;
    return;

fail:
    fall_back_to_heap(q);
}

/* Bucket k's turn: it becomes the run (sorted already, or insertion-
 * sorted when small) or, when large and unsorted, goes into the heap. */
static void take_bucket(sim_eq_t *q, uint32_t k)
{
    vec_t *v = &q->bk[k];
    size_t n = v->n, i;

    if (n == 0) {
        vec_trim(q, v);
        return;
    }
    q->nfar -= n;
    if (!is_sorted(v->e, n)) {
        if (n > SORT_MAX) {
            heap_add_all(q, v->e, n);
            v->n = 0;
            vec_trim(q, v);
            return;
        }
        insertion_sort(v->e, n);
        for (i = 0; i < n; i++)
            q->recs[v->e[i].slot].index = (uint32_t)i;
    }
    q->run = k;
    q->rl = 0;
    q->nrun = n;
}

/* Refill the front from the buckets when it is empty.  Cost: amortised
 * O(1) per event (each bucket is scanned once per window). */
static void settle_slow(sim_eq_t *q)
{
    while (q->nheap == 0 && q->nrun == 0 && q->nfar > 0) {
        if (q->run != NO_RUN)
            run_drop(q);
        if (q->cur < q->nb)
            take_bucket(q, q->cur++);
        else
            rebuild(q);
    }
}

/* The common case — the front holds events — inline, the refill not. */
static inline void settle(sim_eq_t *q)
{
    if (q->nheap == 0 && q->nrun == 0)
        settle_slow(q);
}

/* ---- the pool ------------------------------------------------------- */

static inline bool live(const sim_eq_t *q, sim_eq_handle_t h)
{
    return (h.gen & 1u) && h.slot < q->hw && q->recs[h.slot].gen == h.gen;
}

/* Return slot to the free list (after its entry left every region). */
static inline void release(sim_eq_t *q, uint32_t slot)
{
    rec_t *r = &q->recs[slot];

    r->gen++;                   /* odd -> even: every handle goes stale */
    r->index = q->free_head;
    q->free_head = slot;
    q->n--;
}

/* Grow the pool and the heap to new_cap slots.  On failure the arrays that
 * did grow stay grown; cap still names the size all of them have. */
static sim_err_t grow(sim_eq_t *q, size_t new_cap)
{
    ent_t *heap;
    rec_t *recs;

    heap = realloc(q->heap, new_cap * sizeof *heap);
    if (heap == NULL)
        return SIM_ERR_NOMEM;
    q->heap = heap;
    recs = realloc(q->recs, new_cap * sizeof *recs);
    if (recs == NULL)
        return SIM_ERR_NOMEM;
    q->recs = recs;
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
    q->keep = BUCKET_KEEP;
    q->run = NO_RUN;
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
    ent_t e;

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
        q->free_head = q->recs[slot].index;
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
    r->gen++;                   /* even -> odd: pending */
    q->n++;
    e.time = t;
    e.tie = make_tie(prio, q->next_seq++);
    e.fn = fn;
    e.ctx = ctx;
    e.arg = arg;
    e.slot = slot;
    insert(q, region, &e);
    if (out != NULL) {
        out->slot = slot;
        out->gen = r->gen;
    }
    return SIM_OK;
}

/* The front's first entry after settle (NULL when the queue is empty),
 * and whether it is the run's head (else the heap's top). */
static inline const ent_t *front_min(sim_eq_t *q, bool *from_run)
{
    const ent_t *h = q->nheap > 0 ? &q->heap[0] : NULL;

    *from_run = false;
    if (q->nrun > 0) {
        const ent_t *r = &q->bk[q->run].e[q->rl];
        if (h == NULL || before(r, h)) {
            *from_run = true;
            return r;
        }
    }
    return h;
}

bool sim_eq_pop(sim_eq_t *q, sim_eq_event_t *out)
{
    const ent_t *m;
    ent_t top;
    bool from_run;

    assert(q != NULL);
    settle(q);
    m = front_min(q, &from_run);
    if (m == NULL)
        return false;
    top = *m;
    if (from_run) {
        q->rl++;
        q->nrun--;
        run_skip(q);
    } else {
        heap_remove(q, 0);
    }
    release(q, top.slot);
    if (out != NULL) {
        out->time = top.time;
        out->prio = tie_prio(top.tie);
        out->fn = top.fn;
        out->ctx = top.ctx;
        out->arg = top.arg;
    }
    return true;
}

sim_time_t sim_eq_peek_time(sim_eq_t *q)
{
    const ent_t *m;
    bool from_run;

    assert(q != NULL);
    settle(q);
    m = front_min(q, &from_run);
    return m != NULL ? m->time : SIM_TIME_MAX;
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
    uint32_t region, i;

    assert(q != NULL);
    if (!live(q, h))
        return SIM_TIME_MAX;
    region = q->recs[h.slot].region;
    i = q->recs[h.slot].index;
    if (region == REGION_FRONT)
        return q->heap[i].time;
    return (region == REGION_OVERFLOW ? &q->over : &q->bk[region - 1])->e[i].time;
}

bool sim_eq_cancel(sim_eq_t *q, sim_eq_handle_t h)
{
    assert(q != NULL);
    if (!live(q, h))
        return false;
    remove_slot(q, h.slot);
    release(q, h.slot);
    return true;
}

sim_err_t sim_eq_reschedule(sim_eq_t *q, sim_eq_handle_t h, sim_time_t t)
{
    uint32_t from, to;
    ent_t e, *cur;

    assert(q != NULL);
    if (!live(q, h))
        return SIM_ERR_NOTFOUND;
    if (q->next_seq >= SEQ_LIMIT)
        return SIM_ERR_RANGE;
    from = q->recs[h.slot].region;
    to = classify(q, t);
    cur = entry_of(q, h.slot);
    e = *cur;
    e.time = t;
    e.tie = make_tie(tie_prio(e.tie), q->next_seq);
    if (to == from) {
        if (to == REGION_FRONT)
            sift(q, q->recs[h.slot].index, e);
        else
            *cur = e;   /* buckets are unsorted */
    } else {
        /* Includes leaving the run, which classify never names. */
        if (reserve_region(q, to) != 0)
            return SIM_ERR_NOMEM;
        remove_slot(q, h.slot);
        insert(q, to, &e);
    }
    q->next_seq++;
    return SIM_OK;
}
