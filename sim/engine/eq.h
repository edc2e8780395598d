/*
 * eq.h — the event queue: pending events ordered by (time, priority,
 * insertion sequence), with O(1)-lookup cancellation and rescheduling.
 *
 * The queue is a pure container: it knows nothing of a clock, so it accepts
 * any time in any order (the engine enforces "never in the past").  Each
 * event is a plain callback fn(ctx, arg) — one signature for every handler,
 * as in ROSS and htsim — plus the (time, priority) it is ordered by.
 *
 * Structure (see eq.c): unsorted time buckets (a one-rung ladder queue);
 * the bucket due next becomes a sorted run read front to back, beside a
 * small indexed 4-ary heap for stragglers and large unsorted buckets; a
 * pool of slots with a free list backs the handles.
 *
 * Order is total and never left to luck: earlier time first; at equal
 * time, lower priority value first; at equal (time, priority), the event
 * pushed (or last rescheduled) first.  So a run is a pure function of the
 * sequence of calls made on the queue.
 *
 * Handles: sim_eq_push gives back a handle (pool slot + generation).  Once
 * the event has fired or been cancelled the handle is stale, and every call
 * taking a handle detects that in O(1) and reports it instead of touching
 * whatever event reuses the slot.  A generation counter is 32 bits and
 * advances by 2 per use of a slot, so a stale handle could only be mistaken
 * for a live one after 2^31 reuses of the same slot while it was held.
 *
 * Assumes: single-threaded use of one queue; at most 2^32 - 2 pending
 * events; at most 2^48 pushes + reschedules over the queue's life (the
 * sequence counter's width; 3.2 days at 10^9 events/s).
 */
#ifndef SIM_ENGINE_EQ_H
#define SIM_ENGINE_EQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/engine/time.h"

/* Every event handler has this signature: ctx is the owner's state (a model,
 * the engine), arg the per-event datum (a flow, a request).  Neither is
 * touched by the queue. */
typedef void (*sim_event_fn)(void *ctx, void *arg);

/* A reference to a pushed event.  Plain value: copy it freely.  The null
 * handle (SIM_EQ_HANDLE_NULL, all zero) is never live, so a zero-initialised
 * struct field holding a handle is safe to cancel. */
typedef struct sim_eq_handle {
    uint32_t slot;
    uint32_t gen;   /* odd while the event is pending; 0 in the null handle */
} sim_eq_handle_t;

#define SIM_EQ_HANDLE_NULL ((sim_eq_handle_t){0, 0})

/* Priorities break ties at equal time: lower value fires first. */
#define SIM_EQ_PRIO_MIN (-32768)
#define SIM_EQ_PRIO_MAX 32767
#define SIM_EQ_PRIO_DEFAULT 0

/* A popped event, handed back by value. */
typedef struct sim_eq_event {
    sim_time_t time;
    int prio;
    sim_event_fn fn;
    void *ctx;
    void *arg;
} sim_eq_event_t;

typedef struct sim_eq sim_eq_t;

/* A new, empty queue with room for capacity_hint events before it first
 * grows (0 picks a small default).  Returns NULL when out of memory.
 * Free with sim_eq_free.  Cost: O(capacity_hint). */
sim_eq_t *sim_eq_new(size_t capacity_hint);

/* Free the queue and every pending event record; ctx/arg pointers are not
 * owned and are left alone.  sim_eq_free(NULL) does nothing. */
void sim_eq_free(sim_eq_t *q);

/*
 * Schedule fn(ctx, arg) at time t with priority prio (SIM_EQ_PRIO_MIN..MAX;
 * out of range is a programmer error).  fn must not be NULL.  On success
 * stores the event's handle in *out (out may be NULL) and returns SIM_OK.
 * Returns SIM_ERR_NOMEM when the pool cannot grow, SIM_ERR_RANGE when the
 * sequence counter or the 2^32 - 2 slot limit is exhausted; the queue is
 * then unchanged and *out is set to SIM_EQ_HANDLE_NULL.
 * Cost: O(1) for a time beyond the front bucket, O(log h) inside it;
 * amortised O(1) allocation (pool and buckets double, never shrink).
 */
sim_err_t sim_eq_push(sim_eq_t *q, sim_time_t t, int prio, sim_event_fn fn,
                      void *ctx, void *arg, sim_eq_handle_t *out);

/* Remove the first event and copy it into *out (out may be NULL to discard
 * it).  Returns false, leaving *out untouched, when the queue is empty.
 * The popped event's handle becomes stale.  Cost: amortised O(1) from a
 * sorted run, O(log b) from the heap (b: events in a large unsorted
 * bucket); O(log n) in heap-only mode. */
bool sim_eq_pop(sim_eq_t *q, sim_eq_event_t *out);

/* Time of the first event, or SIM_TIME_MAX when empty.  Not const: it may
 * sort the next bucket into the front heap (work a pop would do anyway).
 * Cost: O(1) amortised. */
sim_time_t sim_eq_peek_time(sim_eq_t *q);

/* Number of pending events.  Cost: O(1). */
size_t sim_eq_size(const sim_eq_t *q);

/* True when h refers to an event still pending in q.  Cost: O(1). */
bool sim_eq_pending(const sim_eq_t *q, sim_eq_handle_t h);

/* Scheduled time of pending event h, or SIM_TIME_MAX when h is stale.
 * Cost: O(1). */
sim_time_t sim_eq_time_of(const sim_eq_t *q, sim_eq_handle_t h);

/* Cancel pending event h.  Returns true if it was pending (it will now never
 * fire), false if h was stale (already fired, already cancelled, or null):
 * then nothing changes.  Cost: O(1), or O(log h) in the front heap; no
 * search. */
bool sim_eq_cancel(sim_eq_t *q, sim_eq_handle_t h);

/* Move pending event h to time t, keeping its priority; among events with
 * the same (time, priority) it is ordered as if pushed now.  The handle
 * stays valid.  Returns SIM_OK; SIM_ERR_NOTFOUND if h was stale;
 * SIM_ERR_NOMEM or SIM_ERR_RANGE (sequence counter exhausted) — in every
 * error case nothing changes.  Cost: O(1) for an event outside the front
 * heap, O(log h) inside it (h = front-heap size). */
sim_err_t sim_eq_reschedule(sim_eq_t *q, sim_eq_handle_t h, sim_time_t t);

/* Turn the queue into a plain 4-ary heap for the rest of its life (every
 * pending event moves into the heap).  The queue does this by itself when
 * bucket memory runs out; tests and benchmarks call it to compare the two
 * layouts.  Order and results are identical either way.  Cost: O(n). */
void sim_eq_use_heap_only(sim_eq_t *q);

/* Self-test: verify the heap order, the slot<->position index and the pool
 * counts.  Returns SIM_OK, or SIM_ERR_CHECK describing the first broken
 * invariant in diag (may be NULL).  For tests.  Cost: O(capacity). */
sim_err_t sim_eq_check(const sim_eq_t *q, sim_diag_t *diag);

#endif /* SIM_ENGINE_EQ_H */
