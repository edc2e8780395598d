/*
 * eq_int.h — the event queue's private layout, shared by eq.c (the queue)
 * and eq_check.c (its invariant checker) and by nothing else.  The design
 * (time buckets turned into sorted runs, a 4-ary heap for stragglers, the
 * region scheme) is described at the top of eq.c.
 */
#ifndef SIM_ENGINE_EQ_INT_H
#define SIM_ENGINE_EQ_INT_H

#include "sim/engine/eq.h"

#include <stdbool.h>
#include <stdint.h>

#define ARITY 4
#define SEQ_BITS 48
#define SEQ_LIMIT ((uint64_t)1 << SEQ_BITS)
#define PRIO_BIAS 32768                 /* maps SIM_EQ_PRIO_MIN to 0 */
#define SLOT_LIMIT (UINT32_MAX - 1u)    /* UINT32_MAX marks "no slot" */
#define NO_SLOT UINT32_MAX
#define NO_RUN UINT32_MAX
#define DEFAULT_CAPACITY 64
#define REGION_FRONT 0u                 /* bucket k is region k + 1 */
#define REGION_OVERFLOW UINT32_MAX
#define BUCKET_LOAD 4                   /* target events per bucket */
#define BUCKET_KEEP 16                  /* least capacity a drained bucket keeps */
#define BUCKETS_MAX ((uint32_t)1 << 20)
#define SAMPLE_MAX 64                   /* times sampled to size a window */
#define WINDOW_SPARE 2                  /* window / sampled span */
#define SORT_MAX 32                     /* larger unsorted buckets: heap */

typedef struct ent {
    sim_time_t time;
    uint64_t tie;       /* (prio + PRIO_BIAS) << 48 | seq */
    sim_event_fn fn;
    void *ctx;
    void *arg;
    uint32_t slot;      /* NO_SLOT: a cancelled run entry */
} ent_t;

typedef struct rec {
    uint32_t gen;       /* odd: pending; even: free */
    uint32_t region;    /* REGION_FRONT (heap), bucket + 1, or overflow */
    uint32_t index;     /* index there; free-list link while free */
} rec_t;

typedef struct vec {
    ent_t *e;
    uint32_t n, cap;
} vec_t;

struct sim_eq {
    ent_t *heap;
    size_t nheap;
    rec_t *recs;
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
    uint32_t keep;      /* capacity a drained bucket may keep */

    uint32_t run;       /* the consumed bucket read as the run, or NO_RUN */
    uint32_t rl;        /* the run's read position */
    size_t nrun;        /* live entries in the run */
    bool heap_only;
};

/* True when a comes before b by (time, priority, sequence). */
static inline bool before(const ent_t *a, const ent_t *b)
{
    return (a->time < b->time) | ((a->time == b->time) & (a->tie < b->tie));
}

/* True when region is the consumed bucket currently read as the run. */
static inline bool is_run(const sim_eq_t *q, uint32_t region)
{
    return q->run != NO_RUN && region == q->run + 1;
}

/* The region an event at time t belongs in. */
static inline uint32_t classify(const sim_eq_t *q, sim_time_t t)
{
    uint64_t k;

    if (q->heap_only || t < q->base)
        return REGION_FRONT;
    k = ((uint64_t)t - (uint64_t)q->base) >> q->shift;
    if (k < q->cur)
        return REGION_FRONT;
    if (k < q->nb)
        return (uint32_t)k + 1;
    return REGION_OVERFLOW;
}

#endif /* SIM_ENGINE_EQ_INT_H */
