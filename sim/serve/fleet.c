/*
 * fleet.c — the serving fleet over time: which replica slots are off,
 * cold-starting, warm or draining; the router over the warm ones; the
 * autoscaler's periodic evaluation (policy and windows in autoscale.c);
 * and the replica-time integrals that cost and utilisation come from.
 *
 * Invariants: n_prov, n_warm and n_drain count the slots in each state;
 * rep_area, burst_area and warm_area integrate those counts up to
 * fleet_last, which never passes the run's end once the run is over (so
 * pending warm-ups that fire after the last completion bill nothing);
 * a PROVISIONING slot has exactly one warm-up event pending (warm_ev).
 *
 * Choices (documented in serve.h / autoscale.h): a scale-down cancels
 * cold-starting replicas first (newest first), then drains the warm ones
 * holding the fewest requests (ties: highest slot); a scale-up first takes
 * back draining replicas, then cold-starts off slots (lowest first).  A
 * request that finds no warm replica waits at the router and, when the
 * fleet has nothing warm or starting, starts one at once (Knative's
 * activator does the same for scale from zero).
 */
#include <math.h>
#include <stdlib.h>

#include "sim/serve/serve_int.h"

static void on_tick(void *ctx, void *arg);
static void on_warm(void *ctx, void *arg);

void serve_fleet_account(serve_run_t *run, sim_time_t t)
{
    if (serve_run_over(run) && t > run->end_t)
        t = run->end_t;
    if (t <= run->fleet_last)
        return;
    double dt = sim_time_to_s(t - run->fleet_last);
    int n = run->n_prov + run->n_warm + run->n_drain;
    int over = n - run->cfg->autoscale.reserved_replicas;
    run->rep_area += (double)n * dt;
    run->burst_area += over > 0 ? (double)over * dt : 0.0;
    run->warm_area += (double)(run->n_warm + run->n_drain) * dt;
    run->fleet_last = t;
}

double serve_fleet_busy(const serve_run_t *run)
{
    sim_time_t now = sim_engine_now(run->eng);
    double busy = 0.0;
    for (int i = 0; i < run->n_slots; i++) {
        const replica_t *rp = &run->rep[i];
        busy += rp->busy_s;
        if (rp->busy)
            busy += sim_time_to_s(now - rp->step_start);
    }
    return busy;
}

static void note_peak(serve_run_t *run)
{
    int n = run->n_prov + run->n_warm + run->n_drain;
    if (n > run->peak)
        run->peak = n;
}

sim_err_t serve_fleet_start(serve_run_t *run)
{
    const sim_serve_config_t *cfg = run->cfg;
    for (int i = 0; i < run->initial; i++)
        run->rep[i].state = REP_WARM;
    run->n_warm = run->initial;
    run->peak = run->initial;
    if (cfg->autoscale.policy == SIM_AUTOSCALE_FIXED)
        return SIM_OK;
    run->cold_rng = sim_engine_stream(run->eng, "serve.cold_start");
    if (run->cold_rng == NULL)
        return SIM_ERR_NOMEM;
    /* the stabiliser starts from the initial fleet, so the first
     * evaluation cannot shrink it before the scale-down window passed */
    int ignored;
    if (sim_autoscale_step(&cfg->autoscale, &run->as, 0.0, run->initial,
                           run->initial, &ignored) != SIM_OK)
        return SIM_ERR_NOMEM;
    return sim_engine_schedule_at(
        run->eng, sim_time_from_s(cfg->autoscale.interval_s),
        SIM_EQ_PRIO_DEFAULT, on_tick, run, NULL, NULL);
}

/* May rp take one more request?  Under a dynamic policy a replica takes
 * at most max_num_seqs requests; the rest wait at the router, so replicas
 * that come up later take the backlog (Knative's activator with a
 * container concurrency limit).  A fixed fleet routes every request at
 * once, as before autoscaling existed.  New requests go to aggregated or
 * prefill replicas, never straight to the decode pool. */
static int accepts(const serve_run_t *run, const replica_t *rp)
{
    if (rp->state != REP_WARM || rp->role == REP_ROLE_DECODE)
        return 0;
    return run->cfg->autoscale.policy == SIM_AUTOSCALE_FIXED ||
           rp->outstanding < run->cfg->max_num_seqs;
}

/* Does rp take a request of the pool asked for (decode or not)? */
static int takes(const serve_run_t *run, const replica_t *rp, int decode)
{
    if (decode)
        return rp->state == REP_WARM && rp->role == REP_ROLE_DECODE;
    return accepts(run, rp);
}

/* The router policy over one pool; *rr is that pool's round-robin
 * position. */
static replica_t *route_pool(serve_run_t *run, int decode, int64_t *rr)
{
    replica_t *best = NULL;
    int n = run->n_slots;

    if (run->n_warm == 0)
        return NULL;
    if (run->cfg->router == SIM_SERVE_ROUTER_ROUND_ROBIN) {
        for (int k = 0; k < n; k++) {
            int i = (int)((*rr + k) % n);
            if (takes(run, &run->rep[i], decode)) {
                *rr = (i + 1) % n;
                return &run->rep[i];
            }
        }
        return NULL; /* every warm replica is full */
    }
    for (int i = 0; i < n; i++) {
        replica_t *c = &run->rep[i];
        if (!takes(run, c, decode))
            continue;
        if (best == NULL)
            best = c;
        else if (run->cfg->router == SIM_SERVE_ROUTER_LEAST_OUTSTANDING) {
            if (c->outstanding < best->outstanding)
                best = c;
        } else if (c->waiting.n < best->waiting.n ||
                   (c->waiting.n == best->waiting.n &&
                    c->outstanding < best->outstanding)) {
            best = c;
        }
    }
    return best;
}

replica_t *serve_fleet_route(serve_run_t *run)
{
    return route_pool(run, 0, &run->rr_next);
}

replica_t *serve_fleet_route_decode(serve_run_t *run)
{
    return route_pool(run, 1, &run->rr_decode);
}

/* Move one slot to state st, keeping the counts and integrals right. */
static void set_state(serve_run_t *run, replica_t *rp, rep_state_t st)
{
    serve_fleet_account(run, sim_engine_now(run->eng));
    int *count[] = {NULL, &run->n_prov, &run->n_warm, &run->n_drain};
    if (count[rp->state] != NULL)
        (*count[rp->state])--;
    rp->state = st;
    if (count[st] != NULL)
        (*count[st])++;
    note_peak(run);
}

/* Requests waiting at the router go to warm replicas. */
static void drain_router(serve_run_t *run)
{
    while (run->router.n > 0 && run->err == SIM_OK) {
        replica_t *rp = serve_fleet_route(run);
        if (rp == NULL)
            return;
        int32_t si = serve_ring_front(&run->router);
        serve_ring_pop_front(&run->router);
        if (serve_dispatch(run, rp, si) != SIM_OK)
            serve_fail(run, SIM_ERR_NOMEM, "out of memory (queue)");
    }
}

/* Start one more replica: take back a draining one, else cold-start an
 * off slot.  Returns 1 when the fleet grew. */
static int grow_one(serve_run_t *run)
{
    for (int i = 0; i < run->n_slots; i++)
        if (run->rep[i].state == REP_DRAINING) {
            set_state(run, &run->rep[i], REP_WARM);
            return 1;
        }
    for (int i = 0; i < run->n_slots; i++) {
        replica_t *rp = &run->rep[i];
        if (rp->state != REP_OFF)
            continue;
        double cold = sim_autoscale_cold_start_s(&run->cfg->autoscale,
                                                 run->cold_rng);
        sim_err_t e = sim_engine_schedule_after(
            run->eng, sim_time_from_s_ceil(cold), SIM_EQ_PRIO_DEFAULT,
            on_warm, run, rp, &rp->warm_ev);
        if (e != SIM_OK) {
            serve_fail(run, e, "cannot schedule a cold start");
            return 0;
        }
        rp->requested = sim_engine_now(run->eng);
        set_state(run, rp, REP_PROVISIONING);
        run->res->scale_ups++;
        return 1;
    }
    return 0;
}

static void go_off(serve_run_t *run, replica_t *rp)
{
    set_state(run, rp, REP_OFF);
    run->res->scale_downs++;
    if (rp->prefix != NULL) {
        /* a restarted replica starts with an empty prefix cache */
        uint64_t cap = (uint64_t)(run->kv_blocks * run->cfg->block_tokens /
                                  512);
        sim_serve_prefix_free(rp->prefix);
        rp->prefix = sim_serve_prefix_new(cap > 0 ? cap : 1);
        if (rp->prefix == NULL)
            serve_fail(run, SIM_ERR_NOMEM, "out of memory (prefix cache)");
    }
}

/* Release one replica (see the top of this file).  Returns 1 when the
 * fleet shrank. */
static int shrink_one(serve_run_t *run)
{
    replica_t *pick = NULL;
    for (int i = 0; i < run->n_slots; i++) {
        replica_t *rp = &run->rep[i];
        if (rp->state == REP_PROVISIONING &&
            (pick == NULL || rp->requested >= pick->requested))
            pick = rp;
    }
    if (pick != NULL) {
        sim_engine_cancel(run->eng, pick->warm_ev);
        go_off(run, pick);
        return 1;
    }
    for (int i = 0; i < run->n_slots; i++) {
        replica_t *rp = &run->rep[i];
        if (rp->state == REP_WARM &&
            (pick == NULL || rp->outstanding <= pick->outstanding))
            pick = rp;
    }
    if (pick == NULL)
        return 0;
    set_state(run, pick, REP_DRAINING);
    if (pick->outstanding == 0)
        go_off(run, pick);
    return 1;
}

void serve_fleet_wake(serve_run_t *run)
{
    if (run->cfg->autoscale.policy == SIM_AUTOSCALE_FIXED ||
        run->n_warm + run->n_prov > 0)
        return;
    if (grow_one(run))
        drain_router(run); /* a replica taken back from draining */
}

static void on_drain(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    (void)arg;
    run->drain_pending = 0;
    drain_router(run);
}

void serve_fleet_released(serve_run_t *run, replica_t *rp)
{
    if (rp->state == REP_DRAINING && rp->outstanding == 0) {
        go_off(run, rp);
        return;
    }
    if (run->router.n == 0 || run->drain_pending)
        return;
    /* Called from inside a replica's step end: dispatching now would
     * start that replica's next iteration while the step end still walks
     * its batch, so the router is drained by an event at the same
     * instant instead. */
    sim_err_t e = sim_engine_schedule_after(run->eng, 0, SIM_EQ_PRIO_DEFAULT,
                                            on_drain, run, NULL, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule the router");
    else
        run->drain_pending = 1;
}

static void on_warm(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    replica_t *rp = arg;
    sim_time_t now = sim_engine_now(run->eng);

    set_state(run, rp, REP_WARM);
    if (serve_run_over(run))
        return;
    run->res->cold_starts++;
    run->cold_sum_s += sim_time_to_s(now - rp->requested);
    drain_router(run);
}

static void on_tick(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    const sim_autoscale_config_t *a = &run->cfg->autoscale;
    sim_time_t now = sim_engine_now(run->eng);
    sim_autoscale_obs_t obs = {0};
    int target;
    (void)arg;

    if (serve_run_over(run))
        return;
    double busy = serve_fleet_busy(run);
    obs.t_s = sim_time_to_s(now);
    obs.current = run->n_prov + run->n_warm;
    obs.warm = run->n_warm;
    obs.busy = (busy - run->busy_last) / a->interval_s;
    run->busy_last = busy;
    obs.in_system = run->in_system;
    obs.waiting = (int64_t)run->router.n;
    for (int i = 0; i < run->n_slots; i++) {
        const replica_t *rp = &run->rep[i];
        obs.waiting += (int64_t)rp->waiting.n;
        if (rp->state == REP_WARM && rp->outstanding > 0)
            obs.active++;
    }
    int want = sim_autoscale_propose(a, run->cfg->tp, run->initial, &obs);
    if (sim_autoscale_step(a, &run->as, obs.t_s, want, obs.current,
                           &target) != SIM_OK) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory (autoscaler)");
        return;
    }
    int cur = obs.current;
    while (cur < target && grow_one(run))
        cur++;
    while (cur > target && shrink_one(run))
        cur--;
    drain_router(run);
    sim_err_t e = sim_engine_schedule_after(
        run->eng, sim_time_from_s(a->interval_s), SIM_EQ_PRIO_DEFAULT,
        on_tick, run, NULL, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule the autoscaler");
}
