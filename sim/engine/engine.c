/*
 * engine.c — the clock and the run loop.
 *
 * Invariant: now <= time of every pending event that will fire, because
 * every entry point that places an event (schedule_at, schedule_after,
 * reschedule) refuses times before now, and run only advances now to the
 * least pending time or to the bound.
 */
#include "sim/engine/engine.h"

#include <assert.h>
#include <stdlib.h>

#define QUEUE_CAPACITY_HINT 1024

struct sim_engine {
    sim_time_t now;
    sim_eq_t *eq;
    sim_rng_set_t *rng;
    uint64_t events;
    bool running;
    bool stop;
    sim_err_t err;
};

sim_engine_t *sim_engine_new(uint64_t seed)
{
    sim_engine_t *eng = calloc(1, sizeof *eng);

    if (eng == NULL)
        goto fail;
    eng->eq = sim_eq_new(QUEUE_CAPACITY_HINT);
    if (eng->eq == NULL)
        goto fail;
    eng->rng = sim_rng_set_new(seed);
    if (eng->rng == NULL)
        goto fail;
    return eng;

fail:
    sim_engine_free(eng);
    return NULL;
}

void sim_engine_free(sim_engine_t *eng)
{
    if (eng == NULL)
        return;
    sim_eq_free(eng->eq);
    sim_rng_set_free(eng->rng);
    free(eng);
}

sim_time_t sim_engine_now(const sim_engine_t *eng)
{
    assert(eng != NULL);
    return eng->now;
}

sim_rng_set_t *sim_engine_rng(sim_engine_t *eng)
{
    assert(eng != NULL);
    return eng->rng;
}

gsl_rng *sim_engine_stream(sim_engine_t *eng, const char *name)
{
    assert(eng != NULL);
    return sim_rng_stream(eng->rng, name);
}

sim_err_t sim_engine_schedule_at(sim_engine_t *eng, sim_time_t t, int prio,
                                 sim_event_fn fn, void *ctx, void *arg,
                                 sim_eq_handle_t *out)
{
    assert(eng != NULL);
    if (t < eng->now) {
        if (out != NULL)
            *out = SIM_EQ_HANDLE_NULL;
        return SIM_ERR_RANGE;
    }
    return sim_eq_push(eng->eq, t, prio, fn, ctx, arg, out);
}

sim_err_t sim_engine_schedule_after(sim_engine_t *eng, sim_time_t delay,
                                    int prio, sim_event_fn fn, void *ctx,
                                    void *arg, sim_eq_handle_t *out)
{
    assert(eng != NULL);
    if (delay < 0) {
        if (out != NULL)
            *out = SIM_EQ_HANDLE_NULL;
        return SIM_ERR_RANGE;
    }
    return sim_eq_push(eng->eq, sim_time_add_sat(eng->now, delay), prio, fn,
                       ctx, arg, out);
}

bool sim_engine_cancel(sim_engine_t *eng, sim_eq_handle_t h)
{
    assert(eng != NULL);
    return sim_eq_cancel(eng->eq, h);
}

sim_err_t sim_engine_reschedule(sim_engine_t *eng, sim_eq_handle_t h,
                                sim_time_t t)
{
    assert(eng != NULL);
    if (!sim_eq_pending(eng->eq, h))
        return SIM_ERR_NOTFOUND;
    if (t < eng->now)
        return SIM_ERR_RANGE;
    return sim_eq_reschedule(eng->eq, h, t);
}

sim_err_t sim_engine_run(sim_engine_t *eng, sim_time_t until)
{
    sim_eq_event_t ev;

    assert(eng != NULL);
    assert(!eng->running && "sim_engine_run re-entered from a handler");
    eng->running = true;
    eng->stop = false;
    eng->err = SIM_OK;
    while (!eng->stop) {
        sim_time_t t = sim_eq_peek_time(eng->eq);
        /* An empty queue also peeks SIM_TIME_MAX. */
        if (t > until || t == SIM_TIME_MAX)
            break;
        sim_eq_pop(eng->eq, &ev);
        assert(ev.time >= eng->now);
        eng->now = ev.time;
        eng->events++;
        ev.fn(ev.ctx, ev.arg);
    }
    if (!eng->stop && until != SIM_TIME_MAX && until > eng->now)
        eng->now = until;
    eng->running = false;
    return eng->err;
}

void sim_engine_stop(sim_engine_t *eng)
{
    assert(eng != NULL);
    if (eng->running)
        eng->stop = true;
}

void sim_engine_fail(sim_engine_t *eng, sim_err_t err)
{
    assert(eng != NULL);
    if (err == SIM_OK || !eng->running)
        return;
    if (eng->err == SIM_OK)
        eng->err = err;
    eng->stop = true;
}

uint64_t sim_engine_events(const sim_engine_t *eng)
{
    assert(eng != NULL);
    return eng->events;
}

size_t sim_engine_pending(const sim_engine_t *eng)
{
    assert(eng != NULL);
    return sim_eq_size(eng->eq);
}

sim_time_t sim_engine_next_time(sim_engine_t *eng)
{
    assert(eng != NULL);
    return sim_eq_peek_time(eng->eq);
}
