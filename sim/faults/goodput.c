/*
 * goodput.c — the Monte-Carlo of a training job through failures (see
 * goodput.h for the model).
 *
 * Per replication, the job is a small state machine driven by the engine:
 *   RUN    useful work accrues at speed 1/slowdown;
 *   PAUSE  checkpoint pause (sync write, or async snapshot): no progress,
 *          failures still arrive;
 *   DOWN   detection / waiting for a spare / restart / reload: failure
 *          clocks are off.
 * Work is kept lazily (value at t_upd plus speed x elapsed), and the next
 * "milestone" (checkpoint start or job end) is one event that moves when
 * the speed changes.  Completion times round up (sim_time_from_s_ceil);
 * at a milestone the work snaps to its target so rounding never drifts.
 */
#include "sim/faults/goodput.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/engine/engine.h"

enum phase { PH_RUN, PH_PAUSE, PH_DOWN, PH_DONE };

/* Slowdown cache entry: one per distinct fabric state of the run. */
typedef struct slow_entry {
    flt_fabric_state_t st;
    double slow;
} slow_entry_t;

/* What the whole run shares. */
typedef struct run_ctx {
    const flt_job_t *job;
    const flt_config_t *cfg;
    flt_fabric_t *fab;
    int n;                 /* causes */
    double rate[FLT_MAX_CAUSES]; /* per second, whole job */
    int64_t pop[FLT_MAX_CAUSES];
    bool spare[FLT_MAX_CAUSES];  /* interruption takes a spare node */
    bool fabric_comp[FLT_MAX_CAUSES];
    double tau, pause, write, reload;
    sim_time_t limit;
    slow_entry_t *cache;
    int32_t n_cache, cap_cache;
    sim_err_t err;
} run_ctx_t;

/* One replication. */
typedef struct rep_ctx {
    run_ctx_t *run;
    sim_engine_t *eng;
    gsl_rng *rng;
    flt_rep_t *out;
    int64_t *by_cause;

    enum phase phase;
    double work, durable, next_ckpt, slow;
    sim_time_t t_upd, t_down;
    bool writing, waiting;
    double write_work;
    int32_t free_spares;
    sim_eq_handle_t h_mile, h_pause, h_write, h_restart;
    sim_eq_handle_t h_fail[FLT_MAX_CAUSES];
} rep_ctx_t;

static void ev_milestone(void *ctx, void *arg);
static void ev_fail(void *ctx, void *arg);

/* ---- helpers ------------------------------------------------------------ */

static bool cause_takes_spare(const flt_cause_t *c)
{
    return !c->planned && (c->cls == FLT_CLASS_GPU ||
                           c->cls == FLT_CLASS_HOST ||
                           c->cls == FLT_CLASS_NETWORK);
}

static bool is_fabric_comp(flt_comp_t c)
{
    return c == FLT_COMP_NIC_PORT || c == FLT_COMP_LEAF ||
           c == FLT_COMP_SPINE;
}

static int64_t job_nodes(const flt_job_t *job)
{
    return (job->gpus + job->gpus_per_node - 1) / job->gpus_per_node;
}

static int64_t population(const flt_job_t *job, const flt_fabric_t *fab,
                          flt_comp_t comp)
{
    int64_t nodes = job_nodes(job);
    if (fab != NULL)
        return flt_fabric_population(fab, comp);
    switch (comp) {
    case FLT_COMP_GPU: return job->gpus;
    case FLT_COMP_NODE: return nodes;
    case FLT_COMP_NIC: return nodes * job->nics_per_node;
    case FLT_COMP_NIC_PORT:
        return nodes * job->nics_per_node * job->nic_ports;
    case FLT_COMP_JOB: return 1;
    default: return 0; /* switches need a topology */
    }
}

double flt_job_mtbf(const flt_job_t *job, const flt_profile_t *p,
                    double repair_s, flt_fabric_t *fab)
{
    double lambda = 0;
    for (int i = 0; i < p->n_causes; i++) {
        const flt_cause_t *c = &p->causes[i];
        if (c->planned || c->rate_per_day <= 0)
            continue;
        double frac = 1.0;
        if (fab != NULL && is_fabric_comp(c->comp)) {
            /* A degrading failure interrupts if its redundant partner (an
             * element of the same kind) is down: probability ~ rate x
             * repair time per element. */
            double f = flt_fabric_interrupt_fraction(fab, c->comp);
            double down = fmin(1.0, c->rate_per_day / FLT_SECONDS_PER_DAY *
                                        repair_s);
            frac = f + (1.0 - f) * down;
        }
        lambda += c->rate_per_day / FLT_SECONDS_PER_DAY *
                  (double)population(job, fab, c->comp) * frac;
    }
    return lambda > 0 ? 1.0 / lambda : HUGE_VAL;
}

static double draw_repair(rep_ctx_t *r)
{
    const flt_recovery_t *rc = &r->run->cfg->recovery;
    if (rc->repair_dist == FLT_REPAIR_FIXED || rc->repair_s <= 0)
        return rc->repair_s;
    return gsl_ran_exponential(r->rng, rc->repair_s);
}

static void schedule(rep_ctx_t *r, double delay_s, sim_event_fn fn,
                     void *arg, sim_eq_handle_t *h)
{
    sim_err_t err;
    sim_time_t d = isinf(delay_s) ? SIM_TIME_MAX
                                  : sim_time_from_s_ceil(delay_s);
    if (d < 0)
        d = 0;
    err = sim_engine_schedule_after(r->eng, d, SIM_EQ_PRIO_DEFAULT, fn, r,
                                    arg, h);
    if (err != SIM_OK)
        sim_engine_fail(r->eng, err);
}

/* Bring work and the time accounts up to now. */
static void advance(rep_ctx_t *r)
{
    sim_time_t now = sim_engine_now(r->eng);
    double dt = sim_time_to_s(now - r->t_upd);

    r->t_upd = now;
    if (dt <= 0)
        return;
    switch (r->phase) {
    case PH_RUN:
        r->work += dt / r->slow;
        if (r->slow > 1.0) {
            r->out->degraded_s += dt;
            r->out->slowdown_s += dt * (1.0 - 1.0 / r->slow);
        }
        break;
    case PH_PAUSE:
        r->out->ckpt_pause_s += dt;
        break;
    case PH_DOWN:
        r->out->downtime_s += dt;
        break;
    case PH_DONE:
        break;
    }
}

/* The slowdown of the fabric's current state, cached by state. */
static double current_slowdown(rep_ctx_t *r)
{
    run_ctx_t *run = r->run;
    flt_fabric_state_t st;

    if (run->fab == NULL)
        return 1.0;
    flt_fabric_state(run->fab, &st);
    for (int32_t i = 0; i < run->n_cache; i++)
        if (flt_fabric_state_eq(&run->cache[i].st, &st))
            return run->cache[i].slow;

    double s, bw = flt_fabric_state_bw(&st);
    if (run->job->slowdown != NULL)
        s = run->job->slowdown(run->job->slowdown_ctx, &st);
    else
        s = bw > 0 ? 1.0 + run->job->comm_fraction * (1.0 / bw - 1.0)
                   : HUGE_VAL;
    if (!(s >= 1.0))
        s = 1.0;
    if (run->n_cache == run->cap_cache) {
        int32_t cap = run->cap_cache ? 2 * run->cap_cache : 16;
        slow_entry_t *c = realloc(run->cache, (size_t)cap * sizeof *c);
        if (c == NULL) {
            sim_engine_fail(r->eng, SIM_ERR_NOMEM);
            return s;
        }
        run->cache = c;
        run->cap_cache = cap;
    }
    run->cache[run->n_cache].st = st;
    run->cache[run->n_cache++].slow = s;
    return s;
}

static void schedule_milestone(rep_ctx_t *r)
{
    double target = fmin(r->next_ckpt, r->run->job->work_s);
    sim_engine_cancel(r->eng, r->h_mile);
    schedule(r, (target - r->work) * r->slow, ev_milestone, NULL, &r->h_mile);
}

static void draw_fail(rep_ctx_t *r, int c)
{
    double dt = flt_draw_interval(&r->run->cfg->profile, r->run->rate[c],
                                  r->rng);
    if (isinf(dt))
        return;
    schedule(r, dt, ev_fail, (void *)(uintptr_t)c, &r->h_fail[c]);
}

/* ---- events ------------------------------------------------------------- */

static void ev_write_done(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    (void)arg;
    r->writing = false;
    if (r->write_work > r->durable)
        r->durable = r->write_work;
    r->out->checkpoints++;
}

static void ev_pause_end(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    (void)arg;
    advance(r);
    if (r->run->cfg->ckpt.mode == FLT_CKPT_SYNC) {
        r->durable = r->work;
        r->out->checkpoints++;
    } else {
        r->writing = true;
        r->write_work = r->work;
        schedule(r, r->run->write, ev_write_done, NULL, &r->h_write);
    }
    r->phase = PH_RUN;
    r->next_ckpt = r->work + r->run->tau;
    schedule_milestone(r);
}

static void ev_milestone(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    double target = fmin(r->next_ckpt, r->run->job->work_s);
    (void)arg;

    advance(r);
    r->work = target;
    if (r->work >= r->run->job->work_s) {
        r->phase = PH_DONE;
        r->out->finished = true;
        r->out->wall_s = sim_time_to_s(sim_engine_now(r->eng));
        sim_engine_stop(r->eng);
        return;
    }
    if (r->writing) { /* async write still in flight: skip this one */
        r->next_ckpt = r->work + r->run->tau;
        schedule_milestone(r);
        return;
    }
    r->phase = PH_PAUSE;
    schedule(r, r->run->pause, ev_pause_end, NULL, &r->h_pause);
}

static void ev_restart(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    (void)arg;
    advance(r);
    r->phase = PH_RUN;
    r->slow = current_slowdown(r);
    for (int c = 0; c < r->run->n; c++)
        draw_fail(r, c);
    r->next_ckpt = r->work + r->run->tau;
    schedule_milestone(r);
}

/* Restart delay from now for a job that went down at t_down. */
static double restart_delay(rep_ctx_t *r, double detection)
{
    const flt_recovery_t *rc = &r->run->cfg->recovery;
    double since = sim_time_to_s(sim_engine_now(r->eng) - r->t_down);
    return fmax(0.0, detection - since) + rc->restart_s + r->run->reload;
}

static void ev_node_repaired(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    (void)arg;
    if (r->waiting) {
        r->waiting = false;
        schedule(r, restart_delay(r, r->run->cfg->recovery.detection_s),
                 ev_restart, NULL, &r->h_restart);
    } else {
        r->free_spares++;
    }
}

static void ev_fabric_repaired(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    uintptr_t code = (uintptr_t)arg;
    flt_comp_t comp = (flt_comp_t)(code & 0xff);
    int64_t idx = (int64_t)(code >> 8);

    advance(r);
    flt_fabric_repair(r->run->fab, comp, idx);
    r->slow = current_slowdown(r);
    if (r->phase == PH_RUN)
        schedule_milestone(r);
}

static void interrupt(rep_ctx_t *r, int c)
{
    const flt_cause_t *cause = &r->run->cfg->profile.causes[c];
    const flt_recovery_t *rc = &r->run->cfg->recovery;
    double detection = rc->detection_s;

    advance(r);
    if (cause->planned) { /* announced: checkpoint, then stop */
        r->durable = r->work;
        detection = r->run->write;
        r->out->planned++;
    } else {
        r->out->interruptions++;
    }
    r->by_cause[c]++;
    r->out->lost_work_s += r->work - r->durable;
    r->work = r->durable;
    r->writing = false;
    sim_engine_cancel(r->eng, r->h_mile);
    sim_engine_cancel(r->eng, r->h_pause);
    sim_engine_cancel(r->eng, r->h_write);
    for (int i = 0; i < r->run->n; i++)
        sim_engine_cancel(r->eng, r->h_fail[i]);
    r->phase = PH_DOWN;
    r->t_down = sim_engine_now(r->eng);

    if (r->run->spare[c]) {
        schedule(r, draw_repair(r), ev_node_repaired, NULL, NULL);
        if (r->free_spares == 0) {
            r->waiting = true;
            r->out->spare_waits++;
            return;
        }
        r->free_spares--;
    }
    schedule(r, restart_delay(r, detection), ev_restart, NULL,
             &r->h_restart);
}

static void ev_fail(void *ctx, void *arg)
{
    rep_ctx_t *r = ctx;
    run_ctx_t *run = r->run;
    int c = (int)(uintptr_t)arg;
    const flt_cause_t *cause = &run->cfg->profile.causes[c];
    flt_effect_t eff = FLT_EFFECT_INTERRUPT;
    int64_t idx = 0;

    if (run->fab != NULL && run->fabric_comp[c]) {
        idx = (int64_t)gsl_rng_uniform_int(r->rng,
                                           (unsigned long)run->pop[c]);
        eff = flt_fabric_fail(run->fab, cause->comp, idx);
    }
    if (cause->planned || eff == FLT_EFFECT_INTERRUPT) {
        interrupt(r, c);
        return;
    }
    if (eff == FLT_EFFECT_DEGRADE) {
        advance(r);
        r->out->degradations++;
        r->slow = current_slowdown(r);
        if (r->phase == PH_RUN)
            schedule_milestone(r);
        uintptr_t code = ((uintptr_t)idx << 8) | (uintptr_t)cause->comp;
        schedule(r, draw_repair(r), ev_fabric_repaired, (void *)code, NULL);
    }
    draw_fail(r, c);
}

/* ---- one replication ------------------------------------------------------ */

static sim_err_t run_rep(run_ctx_t *run, uint64_t seed, int64_t index,
                         flt_rep_t *out, int64_t *by_cause)
{
    rep_ctx_t r;
    sim_err_t err;
    const flt_job_t *job = run->job;

    memset(&r, 0, sizeof r);
    memset(out, 0, sizeof *out);
    r.run = run;
    r.out = out;
    r.by_cause = by_cause;
    r.eng = sim_engine_new(seed);
    if (r.eng == NULL)
        return SIM_ERR_NOMEM;
    r.rng = sim_rng_stream_indexed(sim_engine_rng(r.eng), "faults",
                                   (uint64_t)index);
    if (r.rng == NULL) {
        sim_engine_free(r.eng);
        return SIM_ERR_NOMEM;
    }
    if (run->fab != NULL)
        flt_fabric_reset(run->fab);
    r.free_spares = run->cfg->recovery.hot_spares;
    r.phase = PH_RUN;
    r.slow = 1.0;
    r.next_ckpt = run->tau;
    for (int c = 0; c < run->n; c++)
        draw_fail(&r, c);
    schedule_milestone(&r);

    err = sim_engine_run(r.eng, run->limit);
    if (err == SIM_OK && !out->finished) {
        advance(&r);
        out->wall_s = sim_time_to_s(run->limit);
    }
    if (err == SIM_OK) {
        double useful = out->finished ? job->work_s : r.work;
        out->goodput = out->wall_s > 0 ? useful / out->wall_s : 1.0;
        out->lost_gpu_hours =
            (double)job->gpus * (out->wall_s - useful) / 3600.0;
    }
    sim_engine_free(r.eng);
    return err;
}

/* ---- statistics --------------------------------------------------------- */

sim_err_t flt_stat_compute(const double *x, size_t n, flt_stat_t *out)
{
    double *s = malloc(n * sizeof *s);

    assert(n >= 1);
    if (s == NULL)
        return SIM_ERR_NOMEM;
    memcpy(s, x, n * sizeof *s);
    gsl_sort(s, 1, n);
    out->mean = gsl_stats_mean(s, 1, n);
    out->sd = n > 1 ? gsl_stats_sd_m(s, 1, n, out->mean) : 0.0;
    out->p5 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.05);
    out->p50 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.50);
    out->p90 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.90);
    out->p95 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.95);
    if (n > 1) {
        double h = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * out->sd /
                   sqrt((double)n);
        out->ci95_low = out->mean - h;
        out->ci95_high = out->mean + h;
    } else {
        out->ci95_low = out->ci95_high = NAN;
    }
    free(s);
    return SIM_OK;
}

double flt_results_cause_mean(const flt_results_t *res, int i)
{
    double sum = 0;
    assert(i >= 0 && i < res->n_causes);
    for (int32_t k = 0; k < res->n_reps; k++)
        sum += (double)res->by_cause[(size_t)k * res->n_causes + i];
    return res->n_reps > 0 ? sum / res->n_reps : 0.0;
}

static sim_err_t summarise(flt_results_t *res)
{
    size_t n = (size_t)res->n_reps;
    double *x = malloc(n * sizeof *x);
    sim_err_t err = SIM_ERR_NOMEM;

    if (x == NULL)
        return err;
#define SUMMARY(field, expr)                                                 \
    do {                                                                     \
        for (size_t i = 0; i < n; i++) {                                     \
            const flt_rep_t *p = &res->reps[i];                              \
            x[i] = (expr);                                                   \
        }                                                                    \
        if ((err = flt_stat_compute(x, n, &res->field)) != SIM_OK)           \
            goto done;                                                       \
    } while (0)
    SUMMARY(ttt_days, p->wall_s / FLT_SECONDS_PER_DAY);
    SUMMARY(goodput, p->goodput);
    SUMMARY(interruptions, (double)p->interruptions);
    SUMMARY(lost_gpu_hours, p->lost_gpu_hours);
    SUMMARY(ckpt_overhead, p->wall_s > 0 ? p->ckpt_pause_s / p->wall_s : 0);
#undef SUMMARY
    err = SIM_OK;
done:
    free(x);
    return err;
}

/* ---- the run ------------------------------------------------------------ */

void flt_results_free(flt_results_t *res)
{
    if (res == NULL)
        return;
    free(res->reps);
    free(res->by_cause);
    free(res);
}

static sim_err_t check_inputs(const flt_job_t *job, const flt_config_t *cfg,
                              sim_diag_t *diag)
{
    if (!(job->work_s > 0) || !isfinite(job->work_s))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "the job's useful work must be positive");
    if (job->gpus < 1 || job->gpus_per_node < 1 || job->nics_per_node < 0 ||
        job->nic_ports < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "the job needs >= 1 GPU and >= 1 GPU per node");
    if (!(job->comm_fraction >= 0 && job->comm_fraction <= 1))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.comm_fraction",
                            "communication fraction must be in [0, 1]");
    if (cfg->replications < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.replications",
                            "at least one replication is needed");
    if (!(cfg->max_wall_factor > 1))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "max_wall_factor must exceed 1");
    const flt_recovery_t *rc = &cfg->recovery;
    if (!(rc->detection_s >= 0) || !(rc->restart_s >= 0) ||
        !(rc->repair_s >= 0) || rc->hot_spares < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "faults",
                            "recovery times and spares must be >= 0");
    if (cfg->ckpt.mode == FLT_CKPT_ASYNC && !(cfg->ckpt.snapshot_s >= 0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.checkpoint_snapshot",
                            "snapshot pause must be >= 0");
    if (cfg->profile.dist == FLT_DIST_WEIBULL &&
        !(cfg->profile.weibull_shape > 0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.weibull_shape",
                            "Weibull shape must be positive");
    return SIM_OK;
}

sim_err_t flt_run_range(const flt_job_t *job, const flt_config_t *cfg,
                        uint64_t seed, int64_t first, flt_results_t **out,
                        sim_diag_t *diag)
{
    run_ctx_t run;
    flt_results_t *res = NULL;
    sim_err_t err;

    *out = NULL;
    memset(&run, 0, sizeof run);
    if ((err = check_inputs(job, cfg, diag)) != SIM_OK)
        return err;
    run.job = job;
    run.cfg = cfg;
    if (job->topo != NULL &&
        (err = flt_fabric_new(job->topo, (int32_t)job_nodes(job), &run.fab,
                              diag)) != SIM_OK)
        return err;

    err = SIM_ERR_NOMEM;
    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto fail;
    res->first_rep = first;
    res->n_reps = cfg->replications;
    res->n_causes = cfg->profile.n_causes;
    res->profile = cfg->profile;
    res->gpus = (double)job->gpus;
    res->work_s = job->work_s;
    res->reps = calloc((size_t)res->n_reps, sizeof *res->reps);
    res->by_cause = calloc((size_t)res->n_reps * (size_t)res->n_causes + 1,
                           sizeof *res->by_cause);
    if (res->reps == NULL || res->by_cause == NULL)
        goto fail;

    run.n = cfg->profile.n_causes;
    for (int c = 0; c < run.n; c++) {
        const flt_cause_t *cause = &cfg->profile.causes[c];
        run.pop[c] = population(job, run.fab, cause->comp);
        run.rate[c] = cause->rate_per_day / FLT_SECONDS_PER_DAY *
                      (double)run.pop[c];
        run.spare[c] = cause_takes_spare(cause);
        run.fabric_comp[c] = is_fabric_comp(cause->comp);
    }
    res->mtbf_s = flt_job_mtbf(job, &cfg->profile, cfg->recovery.repair_s,
                               run.fab);
    if ((err = flt_ckpt_interval(&cfg->ckpt, res->mtbf_s, &run.tau, diag)) !=
        SIM_OK)
        goto fail;
    run.pause = flt_ckpt_pause(&cfg->ckpt);
    run.write = flt_ckpt_write_time(cfg->ckpt.size_bytes,
                                    cfg->ckpt.storage_bw);
    run.reload = run.write;
    run.limit = sim_time_from_s(job->work_s * cfg->max_wall_factor);
    res->interval_s = run.tau;
    res->pause_s = run.pause;
    res->write_s = run.write;

    for (int32_t i = 0; i < res->n_reps; i++) {
        err = run_rep(&run, seed, first + i, &res->reps[i],
                      &res->by_cause[(size_t)i * res->n_causes]);
        if (err != SIM_OK) {
            sim_diag_set(diag, err, NULL, 0, NULL,
                         "replication %lld failed", (long long)(first + i));
            goto fail;
        }
    }
    if ((err = summarise(res)) != SIM_OK)
        goto fail;
    res->slowdown_states = run.n_cache;
    free(run.cache);
    flt_fabric_free(run.fab);
    *out = res;
    return SIM_OK;

fail:
    if (err == SIM_ERR_NOMEM)
        sim_diag_set(diag, err, NULL, 0, NULL,
                     "out of memory in the fault Monte-Carlo");
    free(run.cache);
    flt_fabric_free(run.fab);
    flt_results_free(res);
    return err;
}

sim_err_t flt_run(const flt_job_t *job, const flt_config_t *cfg,
                  uint64_t seed, flt_results_t **out, sim_diag_t *diag)
{
    return flt_run_range(job, cfg, seed, 0, out, diag);
}
