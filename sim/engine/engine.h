/*
 * engine.h — the simulator core: a clock, the event queue and the run's
 * random streams, and the loop that moves time.
 *
 * The engine only moves time.  Models schedule callbacks (one signature:
 * fn(ctx, arg), see eq.h); sim_engine_run pops them in (time, priority,
 * sequence) order, sets the clock to each event's time and calls it.  The
 * clock never goes backwards: scheduling before `now` is refused.
 *
 * A handler usually reaches the engine through its ctx (the model struct
 * holds the engine pointer).  From inside a handler it may schedule,
 * cancel, reschedule, stop the run (sim_engine_stop) or fail it
 * (sim_engine_fail, which also stops it and makes run return the error).
 *
 * SIM_TIME_MAX means "never": an event there is kept but never fired, and
 * schedule_after saturates there instead of overflowing.
 *
 * Assumes: single-threaded; sim_engine_run is not re-entered from a handler.
 */
#ifndef SIM_ENGINE_ENGINE_H
#define SIM_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/engine/eq.h"
#include "sim/engine/rng.h"
#include "sim/engine/time.h"

typedef struct sim_engine sim_engine_t;

/* A new engine at time 0 with an empty queue and a stream set under master
 * seed `seed`.  Returns NULL when out of memory.  Free with
 * sim_engine_free.  Cost: O(1). */
sim_engine_t *sim_engine_new(uint64_t seed);

/* Free the engine, its queue (pending events are dropped, never called) and
 * its streams.  sim_engine_free(NULL) does nothing. */
void sim_engine_free(sim_engine_t *eng);

/* The current simulated time. */
sim_time_t sim_engine_now(const sim_engine_t *eng);

/* The engine's stream set (owned by the engine). */
sim_rng_set_t *sim_engine_rng(sim_engine_t *eng);

/* Shorthand for sim_rng_stream(sim_engine_rng(eng), name): the named
 * stream, created on first use; NULL only when out of memory. */
gsl_rng *sim_engine_stream(sim_engine_t *eng, const char *name);

/*
 * Schedule fn(ctx, arg) at absolute time t with priority prio (see eq.h;
 * SIM_EQ_PRIO_DEFAULT for most events).  The handle goes to *out (may be
 * NULL).  Returns SIM_OK; SIM_ERR_RANGE when t < now (the event would lie
 * in the past) or the queue's counters are exhausted; SIM_ERR_NOMEM.  On
 * error nothing is scheduled and *out is the null handle.  Cost: that of
 * sim_eq_push.
 */
sim_err_t sim_engine_schedule_at(sim_engine_t *eng, sim_time_t t, int prio,
                                 sim_event_fn fn, void *ctx, void *arg,
                                 sim_eq_handle_t *out);

/* As sim_engine_schedule_at at now + delay (saturating at SIM_TIME_MAX).
 * delay < 0 gives SIM_ERR_RANGE. */
sim_err_t sim_engine_schedule_after(sim_engine_t *eng, sim_time_t delay,
                                    int prio, sim_event_fn fn, void *ctx,
                                    void *arg, sim_eq_handle_t *out);

/* Cancel a pending event.  Returns true if it was pending, false if the
 * handle was stale (fired, cancelled, null): a safe no-op.  Cost: O(log n). */
bool sim_engine_cancel(sim_engine_t *eng, sim_eq_handle_t h);

/* Move a pending event to time t (>= now).  Returns SIM_OK;
 * SIM_ERR_NOTFOUND for a stale handle; SIM_ERR_RANGE when t < now;
 * SIM_ERR_NOMEM.  On error nothing changes.  Cost: see sim_eq_reschedule. */
sim_err_t sim_engine_reschedule(sim_engine_t *eng, sim_eq_handle_t h,
                                sim_time_t t);

/*
 * Fire events in order while the next one is at or before `until` (and
 * before SIM_TIME_MAX), advancing the clock to each.  Returns when
 *  - no event at or before `until` remains: the clock then advances to
 *    `until` (unless until is SIM_TIME_MAX; it never moves back), so a
 *    later run continues from the bound;
 *  - a handler called sim_engine_stop: the clock stays at that event;
 *  - a handler called sim_engine_fail: likewise, and the error is returned.
 * Returns SIM_OK or the error passed to sim_engine_fail.  May be called
 * again to continue.  Cost: amortised O(1) queue work per event plus the
 * handlers (see eq.h).
 */
sim_err_t sim_engine_run(sim_engine_t *eng, sim_time_t until);

/* Ask the running loop to return after the current handler.  Outside a run
 * it does nothing (each run starts with the flag clear). */
void sim_engine_stop(sim_engine_t *eng);

/* From a handler: stop the run and make sim_engine_run return err (the
 * first error given during a run wins).  SIM_OK, or a call outside a run,
 * does nothing. */
void sim_engine_fail(sim_engine_t *eng, sim_err_t err);

/* Events fired since the engine was made. */
uint64_t sim_engine_events(const sim_engine_t *eng);

/* Events pending in the queue. */
size_t sim_engine_pending(const sim_engine_t *eng);

/* Time of the next pending event, or SIM_TIME_MAX when none. */
sim_time_t sim_engine_next_time(sim_engine_t *eng);

#endif /* SIM_ENGINE_ENGINE_H */
