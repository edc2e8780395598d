/*
 * serve.c — the serving run: pulls requests from the stream, routes them,
 * drives the replicas (replica.c) on the event engine and turns finished
 * requests into metrics (model in serve.h).
 *
 * Invariants: exactly one arrival event is pending while the stream has
 * requests left; in_system counts accepted, unfinished requests and
 * `area` integrates it up to last_change.
 */
#include "sim/serve/serve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "sim/engine/rng.h"
#include "sim/serve/serve_int.h"

#define WATERMARK_FRACTION 0.01 /* Vidur watermark_blocks_fraction */

void sim_serve_result_destroy(sim_serve_result_t *res)
{
    if (res == NULL)
        return;
    free(res->per_replica);
    free(res->series_arrivals);
    free(res->series_queue);
    free(res->series_running);
    free(res->series_warm);
    free(res->series_provisioning);
    free(res->series_util);
    memset(res, 0, sizeof *res);
}

void serve_fail(serve_run_t *run, sim_err_t err, const char *msg)
{
    if (run->err == SIM_OK) {
        run->err = err;
        sim_diag_set(run->diag, err, NULL, 0, NULL, "%s", msg);
    }
    sim_engine_fail(run->eng, err);
}

static void account(serve_run_t *run, int64_t delta)
{
    sim_time_t now = sim_engine_now(run->eng);
    run->area += (double)run->in_system * sim_time_to_s(now - run->last_change);
    run->last_change = now;
    run->in_system += delta;
}

/* Grow one series array to cap entries, zero-filling; 0 or -1. */
static int grow_series(double **v, size_t old, size_t cap)
{
    double *a = realloc(*v, cap * sizeof *a);
    if (a == NULL)
        return -1;
    for (size_t i = old; i < cap; i++)
        a[i] = 0.0;
    *v = a;
    return 0;
}

int serve_series_reserve(serve_run_t *run, size_t idx)
{
    sim_serve_result_t *r = run->res;
    if (idx < run->series_cap) {
        if (idx >= r->n_series)
            r->n_series = idx + 1;
        return 0;
    }
    size_t cap = run->series_cap ? run->series_cap : 64;
    while (cap <= idx)
        cap *= 2;
    double **all[] = {&r->series_arrivals, &r->series_queue,
                      &r->series_running,  &r->series_warm,
                      &r->series_provisioning, &r->series_util};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (grow_series(all[i], run->series_cap, cap) != 0)
            return -1; /* the grown ones keep their (zeroed) tails */
    run->series_cap = cap;
    r->n_series = idx + 1;
    return 0;
}

int serve_run_over(const serve_run_t *run)
{
    return run->stream_done && run->in_system == 0;
}

static void client_next(serve_run_t *run, int32_t c);

void serve_finish(serve_run_t *run, replica_t *rp, int32_t si)
{
    seq_t *s = &run->seqs[si];
    sim_time_t now = sim_engine_now(run->eng);
    sim_serve_result_t *r = run->res;
    double e2e = sim_time_to_s(now - s->arrival);
    double ttft, tpot = NAN;
    int ok;

    if (run->cfg->kind == WL_REQ_LLM) {
        ttft = sim_time_to_s(s->first_token - s->arrival);
        if (s->output >= 2)
            tpot = sim_time_to_s(now - s->first_token) /
                   (double)(s->output - 1);
        r->output_tokens += s->output;
    } else {
        ttft = e2e;
    }
    ok = sim_serve_samples_push(&run->queue,
                                sim_time_to_s(s->first_sched - s->arrival)) ==
             SIM_OK &&
         sim_serve_samples_push(&run->ttft, ttft) == SIM_OK &&
         sim_serve_samples_push(&run->e2e, e2e) == SIM_OK &&
         (isnan(tpot) || sim_serve_samples_push(&run->tpot, tpot) == SIM_OK);
    if (!ok)
        serve_fail(run, SIM_ERR_NOMEM, "out of memory storing latencies");
    if (ttft <= run->cfg->slo_ttft_s &&
        (isnan(tpot) || tpot <= run->cfg->slo_tpot_s)) {
        run->within_slo++;
        run->within_slo_tokens += s->output;
    }
    r->completed++;
    rp->outstanding--;
    account(run, -1);
    if (now > run->end_t)
        run->end_t = now;
    run->free_list[run->n_free++] = si;
    serve_fleet_released(run, rp);
    if (s->client >= 0)
        client_next(run, s->client);
}

/* A free sequence slot, growing the pool; -1 when out of memory. */
static int32_t seq_alloc(serve_run_t *run)
{
    if (run->n_free > 0)
        return run->free_list[--run->n_free];
    if (run->n_seqs == run->cap_seqs) {
        size_t cap = run->cap_seqs ? 2 * run->cap_seqs : 1024;
        if (cap > INT32_MAX)
            return -1;
        seq_t *s = realloc(run->seqs, cap * sizeof *s);
        if (s == NULL)
            return -1;
        run->seqs = s;
        int32_t *f = realloc(run->free_list, cap * sizeof *f);
        if (f == NULL)
            return -1;
        run->free_list = f;
        run->cap_seqs = cap;
    }
    return (int32_t)run->n_seqs++;
}

static void on_arrival(void *ctx, void *arg);
static void pull_next(serve_run_t *run);

/* Closed loop: the stream is done when it is exhausted and no client's
 * request is still on its way. */
static void closed_check_done(serve_run_t *run)
{
    if (run->exhausted && run->n_cpending == 0)
        run->stream_done = 1;
}

/* Closed loop: client c thinks, then sends the stream's next request
 * (its arrival instant ignored; its prefix hashes dropped, since they are
 * valid only until the stream's next call). */
static void client_next(serve_run_t *run, int32_t c)
{
    wl_request_t req;
    if (run->exhausted || !run->stream->next(run->stream->ctx, &req)) {
        run->exhausted = 1;
        closed_check_done(run);
        return;
    }
    double think = run->cfg->think_s > 0.0
                       ? sim_rng_exponential(run->think_rng,
                                             run->cfg->think_s)
                       : 0.0;
    req.hash_ids = NULL;
    req.n_hash = 0;
    run->cpend[c] = req;
    run->n_cpending++;
    sim_err_t e = sim_engine_schedule_after(
        run->eng, sim_time_from_s(think), SIM_EQ_PRIO_DEFAULT, on_arrival,
        run, (void *)(uintptr_t)(c + 1), NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule an arrival");
}

/* After request handling: open loop pulls the next arrival; closed loop
 * waits for the client's request to finish (or, rejected, thinks again). */
static void after_arrival(serve_run_t *run, int32_t client, int accepted)
{
    if (client < 0) {
        pull_next(run);
        return;
    }
    if (!accepted)
        client_next(run, client);
    closed_check_done(run);
}

/* Pull the next request and schedule its arrival. */
static void pull_next(serve_run_t *run)
{
    wl_request_t req;
    if (!run->stream->next(run->stream->ctx, &req)) {
        run->stream_done = 1;
        return;
    }
    if (!(req.arrival_s >= 0.0) || !isfinite(req.arrival_s)) {
        serve_fail(run, SIM_ERR_INPUT, "a request arrives at a negative or "
                                       "non-finite time");
        return;
    }
    sim_time_t t = sim_time_from_s(req.arrival_s);
    if (t < sim_engine_now(run->eng)) {
        serve_fail(run, SIM_ERR_INPUT, "request arrivals go backwards");
        return;
    }
    run->pending = req;
    run->pending_t = t;
    sim_err_t e = sim_engine_schedule_at(run->eng, t, SIM_EQ_PRIO_DEFAULT,
                                         on_arrival, run, NULL, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule an arrival");
}

static void on_arrival(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    const sim_serve_config_t *cfg = run->cfg;
    int32_t client = (int32_t)(uintptr_t)arg - 1; /* -1: open loop */
    wl_request_t req = client < 0 ? run->pending : run->cpend[client];
    sim_time_t now = sim_engine_now(run->eng);

    if (client >= 0)
        run->n_cpending--;
    run->res->arrived++;
    if (serve_series_reserve(run, (size_t)(sim_time_to_s(now) /
                                           cfg->series_interval_s)) != 0) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory for the series");
        return;
    }
    run->res->series_arrivals[(size_t)(sim_time_to_s(now) /
                                       cfg->series_interval_s)] += 1.0;
    if (now > run->end_t)
        run->end_t = now;
    if (req.kind != cfg->kind) {
        serve_fail(run, SIM_ERR_INPUT,
                   "a request's kind (LLM or fixed work) differs from the "
                   "service's");
        return;
    }
    if (cfg->kind == WL_REQ_LLM &&
        (req.prompt_tokens < 1 || req.output_tokens < 1 ||
         req.prompt_tokens + req.output_tokens - 1 >
             run->kv_blocks * cfg->block_tokens)) {
        if (req.prompt_tokens < 1 || req.output_tokens < 1) {
            serve_fail(run, SIM_ERR_INPUT, "an LLM request needs >= 1 "
                                           "prompt and output token");
            return;
        }
        run->res->rejected++; /* can never fit this replica's KV cache */
        after_arrival(run, client, 0);
        return;
    }
    if (cfg->kind == WL_REQ_FIXED_WORK && !(req.work_s > 0.0)) {
        serve_fail(run, SIM_ERR_INPUT, "a fixed-work request needs work > 0");
        return;
    }
    replica_t *rp = serve_fleet_route(run);
    int32_t si = seq_alloc(run);
    if (si < 0) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory for requests");
        return;
    }
    seq_t *s = &run->seqs[si];
    memset(s, 0, sizeof *s);
    s->arrival = now;
    s->prompt = req.prompt_tokens;
    s->output = cfg->kind == WL_REQ_LLM ? req.output_tokens : 0;
    s->work_s = req.work_s;
    s->replica = -1;
    s->client = client;
    s->prefill_only = cfg->disaggregated;
    account(run, +1);
    if (rp == NULL) {
        /* No warm replica: wait at the router.  The request's prefix
         * hashes are not kept (valid only until the stream's next call),
         * so a request that waited here gets no prefix-cache hit. */
        if (serve_ring_push_back(&run->router, si) != SIM_OK) {
            serve_fail(run, SIM_ERR_NOMEM, "out of memory (router queue)");
            return;
        }
        serve_fleet_wake(run);
        after_arrival(run, client, 1);
        return;
    }
    if (cfg->kind == WL_REQ_LLM && cfg->prefix_cache && req.n_hash > 0 &&
        req.hash_block_tokens > 0) {
        size_t hit = sim_serve_prefix_match(rp->prefix, req.hash_ids,
                                            req.n_hash);
        int64_t cached = (int64_t)hit * req.hash_block_tokens;
        if (cached > s->prompt - 1)
            cached = s->prompt - 1; /* one token computes the first logit */
        s->ctx = cached;
        run->res->prefix_hit_tokens += cached;
        if (sim_serve_prefix_touch(rp->prefix, req.hash_ids, req.n_hash) !=
            SIM_OK) {
            serve_fail(run, SIM_ERR_NOMEM, "out of memory (prefix cache)");
            return;
        }
    }
    if (serve_dispatch(run, rp, si) != SIM_OK) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory (queue)");
        return;
    }
    after_arrival(run, client, 1);
}

sim_err_t serve_dispatch(serve_run_t *run, replica_t *rp, int32_t si)
{
    if (serve_ring_push_back(&rp->waiting, si) != SIM_OK)
        return SIM_ERR_NOMEM;
    run->seqs[si].replica = rp->index;
    rp->outstanding++;
    run->res->per_replica[rp->index]++;
    serve_replica_kick(rp);
    return SIM_OK;
}

static void on_sample(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    size_t k = (size_t)(uintptr_t)arg;
    double q = (double)run->router.n, u = 0.0;
    sim_serve_result_t *r = run->res;

    if (serve_series_reserve(run, k) != 0) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory for the series");
        return;
    }
    for (int i = 0; i < run->n_slots; i++) {
        q += (double)run->rep[i].waiting.n;
        u += (double)run->rep[i].n_running +
             (run->cfg->kind == WL_REQ_LLM ? 0.0
                                           : (double)run->rep[i].n_sched);
    }
    r->series_queue[k] = q;
    r->series_running[k] = u;
    r->series_warm[k] = (double)run->n_warm;
    r->series_provisioning[k] = (double)run->n_prov;
    /* utilisation: busy / warm replica-time over the bucket */
    serve_fleet_account(run, sim_engine_now(run->eng));
    double busy = serve_fleet_busy(run);
    double warm = run->warm_area - run->sample_warm_area;
    r->series_util[k] = warm > 0.0 ? (busy - run->sample_busy) / warm : 0.0;
    run->sample_busy = busy;
    run->sample_warm_area = run->warm_area;
    if (serve_run_over(run))
        return;
    sim_time_t t = sim_time_from_s((double)(k + 2) *
                                   run->cfg->series_interval_s);
    sim_err_t e = sim_engine_schedule_at(run->eng, t, SIM_EQ_PRIO_MAX,
                                         on_sample, run,
                                         (void *)(uintptr_t)(k + 1), NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule a sample");
}

static void summarise(serve_run_t *run)
{
    sim_serve_result_t *r = run->res;
    double end = sim_time_to_s(run->end_t);
    double busy = 0.0;

    sim_serve_samples_sort(&run->queue);
    sim_serve_samples_sort(&run->ttft);
    sim_serve_samples_sort(&run->tpot);
    sim_serve_samples_sort(&run->e2e);
#define PCT(field, s, p) r->field = sim_serve_quantile_nr((s).v, (s).n, p)
    PCT(queue_p50_s, run->queue, 50);
    PCT(queue_p90_s, run->queue, 90);
    PCT(queue_p99_s, run->queue, 99);
    PCT(ttft_p50_s, run->ttft, 50);
    PCT(ttft_p90_s, run->ttft, 90);
    PCT(ttft_p99_s, run->ttft, 99);
    PCT(tpot_p50_s, run->tpot, 50);
    PCT(tpot_p90_s, run->tpot, 90);
    PCT(tpot_p99_s, run->tpot, 99);
    PCT(e2e_p50_s, run->e2e, 50);
    PCT(e2e_p90_s, run->e2e, 90);
    PCT(e2e_p99_s, run->e2e, 99);
#undef PCT
    for (int i = 0; i < SIM_SERVE_CDF_POINTS; i++) {
        r->ttft_q[i] = sim_serve_quantile_nr(run->ttft.v, run->ttft.n, (double)i);
        r->tpot_q[i] = sim_serve_quantile_nr(run->tpot.v, run->tpot.n, (double)i);
    }
    r->queue_mean_s = sim_serve_samples_mean(&run->queue);
    r->e2e_mean_s = sim_serve_samples_mean(&run->e2e);
    r->end_s = end;
    for (int i = 0; i < run->n_slots; i++)
        busy += run->rep[i].busy_s;
    serve_fleet_account(run, run->end_t);
    r->replicas_max = run->peak;
    r->replica_seconds = run->rep_area;
    r->warm_replica_seconds = run->warm_area;
    r->cold_start_mean_s = r->cold_starts > 0
                               ? run->cold_sum_s / (double)r->cold_starts
                               : 0.0;
    r->cost = sim_autoscale_cost(&run->cfg->autoscale, run->cfg->tp, end,
                                 run->peak, run->rep_area, run->burst_area);
    r->cost_per_mtok_usd = r->output_tokens > 0
                               ? r->cost.cost_usd /
                                     ((double)r->output_tokens / 1e6)
                               : NAN;
    r->cost_per_request_usd = r->completed > 0 ? r->cost.cost_usd /
                                                     (double)r->completed
                                               : NAN;
    if (end > 0.0) {
        r->throughput_tokens_per_s = (double)r->output_tokens / end;
        r->throughput_req_per_s = (double)r->completed / end;
        r->goodput_req_per_s = (double)run->within_slo / end;
        r->goodput_tokens_per_s = (double)run->within_slo_tokens / end;
        r->gpu_utilisation = run->warm_area > 0.0 ? busy / run->warm_area
                                                  : 0.0;
        r->mean_in_system = run->area / end;
        r->arrival_rate = (double)r->completed / end;
    }
    r->slo_attainment = r->completed > 0 ? (double)run->within_slo /
                                               (double)r->completed
                                         : NAN;
    r->little_error = r->completed > 0
                          ? sim_serve_little_error(r->mean_in_system,
                                                   r->arrival_rate,
                                                   r->e2e_mean_s)
                          : 0.0;
    if (run->cfg->disaggregated)
        serve_disagg_summarise(run);
}

static void run_destroy(serve_run_t *run)
{
    if (run->rep != NULL)
        for (int i = 0; i < run->n_slots; i++) {
            free(run->rep[i].waiting.v);
            free(run->rep[i].running);
            free(run->rep[i].sched_seq);
            free(run->rep[i].sched_q);
            sim_serve_prefix_free(run->rep[i].prefix);
        }
    free(run->rep);
    sim_serve_step_memo_destroy(&run->memo);
    free(run->router.v);
    free(run->cpend);
    sim_autoscale_state_destroy(&run->as);
    free(run->seqs);
    free(run->free_list);
    free(run->chunk_buf);
    free(run->ctx_buf);
    sim_serve_samples_destroy(&run->queue);
    sim_serve_samples_destroy(&run->ttft);
    sim_serve_samples_destroy(&run->tpot);
    sim_serve_samples_destroy(&run->e2e);
    sim_serve_samples_destroy(&run->xfer);
    sim_engine_free(run->eng);
}

sim_err_t sim_serve_run(const sim_serve_config_t *cfg,
                        wl_request_stream_t *stream, sim_serve_result_t *res,
                        sim_diag_t *diag)
{
    serve_run_t run;
    sim_err_t err;
    size_t ms;

    memset(res, 0, sizeof *res);
    memset(&run, 0, sizeof run);
    err = sim_serve_config_check(cfg, diag);
    if (err != SIM_OK)
        return err;
    run.cfg = cfg;
    run.perf = serve_perf_of(cfg);
    run.stream = stream;
    run.res = res;
    run.diag = diag;
    res->series_interval_s = cfg->series_interval_s;
    if (cfg->disaggregated) {
        run.n_slots = cfg->prefill_replicas + cfg->decode_replicas;
        run.initial = run.n_slots;
    } else if (cfg->autoscale.policy == SIM_AUTOSCALE_FIXED) {
        run.n_slots = cfg->replicas;
        run.initial = cfg->replicas;
    } else {
        const sim_autoscale_config_t *a = &cfg->autoscale;
        run.n_slots = sim_autoscale_ceiling(a, cfg->tp);
        run.initial = cfg->initial_replicas >= 0 ? cfg->initial_replicas
                                                 : cfg->replicas;
        if (run.initial < a->min_replicas)
            run.initial = a->min_replicas;
        if (run.initial > run.n_slots)
            run.initial = run.n_slots;
    }
    res->n_slots = run.n_slots;
    if (cfg->kind == WL_REQ_LLM) {
        run.kv_blocks = sim_serve_config_kv_blocks(cfg);
        run.watermark = (int64_t)ceil(WATERMARK_FRACTION *
                                      (double)run.kv_blocks);
    }
    res->kv_blocks = run.kv_blocks;
    ms = (size_t)cfg->max_num_seqs;
    run.eng = sim_engine_new(cfg->seed);
    run.rep = calloc((size_t)run.n_slots, sizeof *run.rep);
    res->per_replica = calloc((size_t)run.n_slots, sizeof *res->per_replica);
    /* one part per rank of an EP group: its ranks plan before pricing */
    size_t parts = cfg->ep > 1 ? (size_t)cfg->ep : 1;
    run.chunk_buf = malloc(parts * ms * sizeof *run.chunk_buf);
    run.ctx_buf = malloc(parts * ms * sizeof *run.ctx_buf);
    if (run.eng == NULL || run.rep == NULL || res->per_replica == NULL ||
        run.chunk_buf == NULL || run.ctx_buf == NULL)
        goto nomem;
    for (int i = 0; i < run.n_slots; i++) {
        replica_t *rp = &run.rep[i];
        rp->run = &run;
        rp->index = i;
        rp->step_end = -1; /* no iteration yet */
        rp->free_blocks = run.kv_blocks;
        rp->running = malloc(ms * sizeof *rp->running);
        rp->sched_seq = malloc(ms * sizeof *rp->sched_seq);
        rp->sched_q = malloc(ms * sizeof *rp->sched_q);
        if (rp->running == NULL || rp->sched_seq == NULL ||
            rp->sched_q == NULL)
            goto nomem;
        if (cfg->kind == WL_REQ_LLM && cfg->prefix_cache) {
            /* remember as many 512-token hashed blocks as the cache holds */
            uint64_t cap = (uint64_t)(run.kv_blocks * cfg->block_tokens / 512);
            rp->prefix = sim_serve_prefix_new(cap > 0 ? cap : 1);
            if (rp->prefix == NULL)
                goto nomem;
        }
    }
    if (cfg->disaggregated)
        serve_disagg_setup(&run);
    if (serve_fleet_start(&run) != SIM_OK)
        goto nomem;
    if (cfg->closed_clients > 0) {
        run.cpend = calloc((size_t)cfg->closed_clients, sizeof *run.cpend);
        run.think_rng = sim_engine_stream(run.eng, "serve.think");
        if (run.cpend == NULL || run.think_rng == NULL)
            goto nomem;
        for (int32_t c = 0; c < (int32_t)cfg->closed_clients; c++)
            client_next(&run, c);
    } else {
        pull_next(&run);
    }
    if (run.err == SIM_OK) {
        err = sim_engine_schedule_at(
            run.eng, sim_time_from_s(cfg->series_interval_s), SIM_EQ_PRIO_MAX,
            on_sample, &run, (void *)(uintptr_t)0, NULL);
        if (err != SIM_OK) {
            serve_fail(&run, err, "cannot schedule a sample");
        } else {
            err = sim_engine_run(run.eng, SIM_TIME_MAX);
            if (err != SIM_OK && run.err == SIM_OK)
                serve_fail(&run, err, "the event engine failed");
        }
    }
    err = run.err;
    if (err == SIM_OK) {
        account(&run, 0);
        summarise(&run);
    }
    run_destroy(&run);
    return err;
nomem:
    run_destroy(&run);
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory setting up the service");
}

sim_err_t sim_serve_result_json(const sim_serve_result_t *r, json_t *obj)
{
    const struct {
        const char *key;
        double v;
    } nums[] = {
        {"ttft_p50_s", r->ttft_p50_s},
        {"ttft_p90_s", r->ttft_p90_s},
        {"ttft_p99_s", r->ttft_p99_s},
        {"tpot_p50_s", r->tpot_p50_s},
        {"tpot_p90_s", r->tpot_p90_s},
        {"tpot_p99_s", r->tpot_p99_s},
        {"e2e_p50_s", r->e2e_p50_s},
        {"e2e_p90_s", r->e2e_p90_s},
        {"e2e_p99_s", r->e2e_p99_s},
        {"e2e_mean_s", r->e2e_mean_s},
        {"queue_p50_s", r->queue_p50_s},
        {"queue_p99_s", r->queue_p99_s},
        {"queue_mean_s", r->queue_mean_s},
        {"throughput_tokens_per_s", r->throughput_tokens_per_s},
        {"throughput_req_per_s", r->throughput_req_per_s},
        {"goodput_req_per_s", r->goodput_req_per_s},
        {"goodput_tokens_per_s", r->goodput_tokens_per_s},
        {"slo_attainment", r->slo_attainment},
        {"gpu_utilisation", r->gpu_utilisation},
        {"mean_in_system", r->mean_in_system},
        {"end_s", r->end_s},
        {"cost_usd", r->cost.cost_usd},
        {"cost_reserved_usd", r->cost.reserved_usd},
        {"cost_elastic_usd", r->cost.elastic_usd},
        {"cost_mixed_usd", r->cost.mixed_usd},
        {"cost_per_mtok_usd", r->cost_per_mtok_usd},
        {"cost_per_request_usd", r->cost_per_request_usd},
        {"gpu_hours", r->cost.gpu_hours},
        {"replica_seconds", r->replica_seconds},
        {"cold_start_mean_s", r->cold_start_mean_s},
    };
    const struct {
        const char *key;
        int64_t v;
    } ints[] = {
        {"replicas_max", r->replicas_max},
        {"requests_arrived", r->arrived},
        {"requests_completed", r->completed},
        {"requests_rejected", r->rejected},
        {"preemptions", r->preemptions},
        {"iterations", r->steps},
        {"prefix_hit_tokens", r->prefix_hit_tokens},
        {"output_tokens", r->output_tokens},
        {"kv_blocks_per_replica", r->kv_blocks},
        {"scale_ups", r->scale_ups},
        {"scale_downs", r->scale_downs},
        {"cold_starts", r->cold_starts},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (sim_json_set_num(obj, nums[i].key, nums[i].v) != SIM_OK)
            return SIM_ERR_NOMEM;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (sim_json_set_int(obj, ints[i].key, ints[i].v) != SIM_OK)
            return SIM_ERR_NOMEM;
    return r->disaggregated ? serve_disagg_json(r, obj) : SIM_OK;
}
