/*
 * replica.c — one replica's iterations: continuous batching with chunked
 * prefill, paged KV blocks and recompute preemption for LLMs; plain
 * batches for fixed-work requests (policy described in serve.h).
 *
 * A sequence's pending work is prompt + generated − ctx tokens: the whole
 * prompt at first, 1 while decoding (the token it emitted last), and the
 * prompt plus everything generated after a preemption (recompute).  When
 * an iteration brings ctx up to prompt + generated, the sequence emits one
 * token; that single rule covers prefill, decode and recompute.  On a
 * disaggregated prefill replica the sequence instead leaves (its KV goes
 * to the decode pool, disagg.c) when ctx reaches the prompt; on the decode
 * replica it arrives with ctx = prompt − 1, so its first step there is
 * one decode token that emits the first output token.
 *
 * Expert-parallel groups (cfg->ep > 1, MoE): replicas g·ep .. g·ep+ep−1
 * are the DP ranks of one vLLM DP+EP engine group.  Each keeps its own
 * scheduler and KV cache, but the group steps in lockstep, as vLLM's DP
 * ranks do around their MoE layers' all-to-alls: an iteration starts on
 * every rank at once when any rank has work (a rank without work runs a
 * dummy batch, never the slowest one, so not priced), every rank's experts
 * serve the tokens of the whole group, and the iteration lasts as long as
 * the slowest rank's.
 *
 * Async scheduling (cfg->async_sched, serve.h): the simulator still plans
 * an iteration when the previous one ends, but admits from the waiting
 * queue only requests that had arrived when that previous one started
 * (when vLLM would have planned it), unless that leaves the iteration
 * empty.  A group's ranks share step_start and step_end, so they cut off
 * at the same instant.
 *
 * Invariant: while busy, a replica has exactly one step-end event pending
 * (a group: its first rank has one, for all its ranks), and its sched_*
 * arrays describe that iteration.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/serve/serve_int.h"

/* ---- ring -------------------------------------------------------------- */

static sim_err_t ring_grow(ring_t *r)
{
    size_t cap = r->cap ? 2 * r->cap : 64;
    int32_t *v = malloc(cap * sizeof *v);
    if (v == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < r->n; i++)
        v[i] = r->v[(r->head + i) % r->cap];
    free(r->v);
    r->v = v;
    r->cap = cap;
    r->head = 0;
    return SIM_OK;
}

sim_err_t serve_ring_push_back(ring_t *r, int32_t x)
{
    if (r->n == r->cap && ring_grow(r) != SIM_OK)
        return SIM_ERR_NOMEM;
    r->v[(r->head + r->n) % r->cap] = x;
    r->n++;
    return SIM_OK;
}

sim_err_t serve_ring_push_front(ring_t *r, int32_t x)
{
    if (r->n == r->cap && ring_grow(r) != SIM_OK)
        return SIM_ERR_NOMEM;
    r->head = (r->head + r->cap - 1) % r->cap;
    r->v[r->head] = x;
    r->n++;
    return SIM_OK;
}

int32_t serve_ring_front(const ring_t *r)
{
    return r->v[r->head];
}

void serve_ring_pop_front(ring_t *r)
{
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

/* ---- LLM iterations ---------------------------------------------------- */

static int64_t blocks_for(const serve_run_t *run, int64_t tokens)
{
    int64_t b = run->cfg->block_tokens;
    return (tokens + b - 1) / b;
}

/* Ranks per lockstep group: cfg->ep for LLM expert parallelism, else 1. */
static int group_size(const serve_run_t *run)
{
    return run->cfg->kind == WL_REQ_LLM && run->cfg->ep > 1 ? run->cfg->ep
                                                             : 1;
}

static int64_t pending_tokens(const seq_t *s)
{
    return s->prompt + s->generated - s->ctx;
}

/* Preempt the most recently admitted running sequence (recompute). */
static sim_err_t preempt_last(replica_t *rp)
{
    serve_run_t *run = rp->run;
    int32_t si = rp->running[--rp->n_running];
    seq_t *s = &run->seqs[si];
    rp->free_blocks += s->blocks;
    s->blocks = 0;
    s->ctx = 0;
    run->res->preemptions++;
    return serve_ring_push_front(&rp->waiting, si);
}

static void add_sched(replica_t *rp, int32_t si, int64_t q)
{
    rp->sched_seq[rp->n_sched] = si;
    rp->sched_q[rp->n_sched] = q;
    rp->n_sched++;
}

static void step_end(void *ctx, void *arg);

/* Admit waiting sequences FCFS into this iteration while the token
 * budget, max_num_seqs and the KV blocks allow, counting only requests
 * that arrived by cutoff (async scheduling, serve.h).  Stops at the first
 * that does not fit or arrived later. */
static void admit_waiting(replica_t *rp, int64_t *budget, sim_time_t cutoff,
                          sim_time_t now)
{
    serve_run_t *run = rp->run;
    const sim_serve_config_t *cfg = run->cfg;

    while (*budget > 0 && rp->waiting.n > 0 &&
           (int64_t)rp->n_running < cfg->max_num_seqs) {
        int32_t si = serve_ring_front(&rp->waiting);
        seq_t *s = &run->seqs[si];
        if (!s->started && s->arrival > cutoff)
            break; /* FCFS: arrived after this step was planned */
        int64_t q = pending_tokens(s);
        if (q > *budget)
            q = *budget;
        int64_t need = blocks_for(run, s->ctx + q) - s->blocks;
        int64_t keep = rp->n_running > 0 ? run->watermark : 0;
        if (need + keep > rp->free_blocks)
            break; /* FCFS: the head blocks the rest */
        serve_ring_pop_front(&rp->waiting);
        rp->free_blocks -= need;
        s->blocks += need;
        rp->running[rp->n_running++] = si;
        if (!s->started) {
            s->started = 1;
            s->first_sched = now;
        }
        add_sched(rp, si, q);
        *budget -= q;
    }
}

/* Pick this iteration's work and describe it in *b (its chunk arrays in
 * the rank's part of the run's buffers); returns the new tokens (0 when
 * there is nothing to run), negative when out of memory. */
static int64_t plan_llm_shape(replica_t *rp, sim_serve_batch_shape_t *b)
{
    serve_run_t *run = rp->run;
    const sim_serve_config_t *cfg = run->cfg;
    int64_t budget = cfg->max_batched_tokens;
    sim_time_t now = sim_engine_now(run->eng);
    /* async scheduling: an iteration that follows another back to back
     * was planned when that one started, so only requests there by then
     * can join it (serve.h); with nothing planned ahead, an idle engine
     * plans at once */
    sim_time_t cutoff = cfg->async_sched && rp->step_end == now
                            ? rp->step_start
                            : now;
    size_t i = 0;

    rp->n_sched = 0;
    while (i < rp->n_running && budget > 0) {
        int32_t si = rp->running[i];
        seq_t *s = &run->seqs[si];
        int64_t q = pending_tokens(s);
        if (q > budget)
            q = budget;
        int64_t need = blocks_for(run, s->ctx + q) - s->blocks;
        int self = 0;
        while (need > rp->free_blocks) {
            self = rp->running[rp->n_running - 1] == si;
            if (preempt_last(rp) != SIM_OK)
                return -1;
            if (self)
                break;
        }
        if (self)
            break; /* it was the last running one: nothing after it */
        rp->free_blocks -= need;
        s->blocks += need;
        add_sched(rp, si, q);
        budget -= q;
        i++;
    }
    admit_waiting(rp, &budget, cutoff, now);
    if (rp->n_sched == 0 && cutoff < now) /* nothing was planned ahead: */
        admit_waiting(rp, &budget, now, now); /* an idle engine plans now */
    memset(b, 0, sizeof *b);
    if (rp->n_sched == 0)
        return 0;

    size_t off = (size_t)(rp->index % group_size(run)) *
                 (size_t)cfg->max_num_seqs;
    int64_t *chunk = run->chunk_buf + off, *ctx_end = run->ctx_buf + off;
    int64_t tokens = 0;
    b->chunk = chunk;
    b->ctx_end = ctx_end;
    for (size_t k = 0; k < rp->n_sched; k++) {
        const seq_t *s = &run->seqs[rp->sched_seq[k]];
        int64_t q = rp->sched_q[k];
        tokens += q;
        if (q == 1 && (s->generated >= 1 || s->kv_in) &&
            pending_tokens(s) == 1) {
            b->n_decode++;
            b->decode_ctx_sum += s->ctx + 1;
        } else {
            chunk[b->n_prefill] = q;
            ctx_end[b->n_prefill] = s->ctx + q;
            b->n_prefill++;
        }
        if (s->ctx + q == s->prompt + s->generated)
            b->n_logits++;
    }
    return tokens;
}

/* Pick this iteration's work; returns its duration in seconds (0 when
 * there is nothing to run, negative on a model failure). */
static double plan_llm(replica_t *rp)
{
    sim_serve_batch_shape_t b;
    int64_t tokens = plan_llm_shape(rp, &b);
    if (tokens < 0)
        return -1.0;
    if (tokens == 0)
        return 0.0;
    return sim_serve_step_time_memo(&rp->run->perf, &rp->run->memo, &b);
}

/* ---- fixed-work iterations --------------------------------------------- */

static double batch_factor(const sim_serve_config_t *cfg, int64_t b)
{
    if (cfg->n_batch_curve == 0)
        return 1.0 + cfg->batch_alpha * (double)(b - 1);
    if ((size_t)b <= cfg->n_batch_curve)
        return cfg->batch_curve[b - 1];
    /* past the curve: extend its last segment linearly */
    size_t n = cfg->n_batch_curve;
    double last = cfg->batch_curve[n - 1];
    double slope = n > 1 ? last - cfg->batch_curve[n - 2] : last;
    return last + slope * (double)((size_t)b - n);
}

static double plan_fixed(replica_t *rp)
{
    serve_run_t *run = rp->run;
    sim_time_t now = sim_engine_now(run->eng);
    double work = 0.0;

    rp->n_sched = 0;
    while (rp->waiting.n > 0 &&
           (int64_t)rp->n_sched < run->cfg->max_num_seqs) {
        int32_t si = serve_ring_front(&rp->waiting);
        seq_t *s = &run->seqs[si];
        serve_ring_pop_front(&rp->waiting);
        s->started = 1;
        s->first_sched = now;
        if (s->work_s > work)
            work = s->work_s;
        add_sched(rp, si, 0);
    }
    if (rp->n_sched == 0)
        return 0.0;
    return work * batch_factor(run->cfg, (int64_t)rp->n_sched);
}

static void group_step_end(void *ctx, void *arg);

/* Start a lockstep iteration of the EP group whose first rank is first,
 * if it is idle and any rank has work. */
static void group_kick(replica_t *first)
{
    serve_run_t *run = first->run;
    int ep = group_size(run);
    sim_serve_batch_shape_t b[SIM_SERVE_MAX_EP];
    int64_t tokens[SIM_SERVE_MAX_EP], group = 0;
    double dt_s = 0.0;

    if (first->busy || run->err != SIM_OK)
        return;
    for (int j = 0; j < ep; j++) {
        tokens[j] = plan_llm_shape(first + j, &b[j]);
        if (tokens[j] < 0) {
            serve_fail(run, SIM_ERR_NOMEM, "iteration planning failed "
                                           "(out of memory)");
            return;
        }
        group += tokens[j];
    }
    if (group == 0)
        return;
    for (int j = 0; j < ep; j++) {
        if (tokens[j] == 0)
            continue; /* a dummy batch: never the slowest rank */
        b[j].group_tokens = group;
        double t = sim_serve_step_time_memo(&run->perf, &run->memo, &b[j]);
        if (t < 0.0) {
            serve_fail(run, SIM_ERR_NOMEM,
                       "iteration planning failed (a dtype the device "
                       "profile lacks)");
            return;
        }
        if (t > dt_s)
            dt_s = t;
        run->res->steps++;
    }
    sim_time_t dt = sim_time_from_s_ceil(dt_s);
    if (dt < 1)
        dt = 1;
    for (int j = 0; j < ep; j++) {
        first[j].busy = 1; /* the idle ranks run their dummy batches */
        first[j].step_start = sim_engine_now(run->eng);
    }
    sim_err_t e = sim_engine_schedule_after(run->eng, dt, SIM_EQ_PRIO_DEFAULT,
                                            group_step_end, run, first, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule an iteration");
}

void serve_replica_kick(replica_t *rp)
{
    serve_run_t *run = rp->run;
    double dt_s;

    if (group_size(run) > 1) {
        group_kick(rp - rp->index % group_size(run));
        return;
    }
    if (rp->busy || run->err != SIM_OK)
        return;
    dt_s = run->cfg->kind == WL_REQ_LLM ? plan_llm(rp) : plan_fixed(rp);
    if (dt_s < 0.0) {
        serve_fail(run, SIM_ERR_NOMEM,
                   "iteration planning failed (out of memory or a dtype "
                   "the device profile lacks)");
        return;
    }
    if (rp->n_sched == 0)
        return;
    sim_time_t dt = sim_time_from_s_ceil(dt_s);
    if (dt < 1)
        dt = 1; /* an iteration always takes time: no zero-length loops */
    rp->busy = 1;
    rp->step_start = sim_engine_now(run->eng);
    run->res->steps++;
    sim_err_t e = sim_engine_schedule_after(run->eng, dt, SIM_EQ_PRIO_DEFAULT,
                                            step_end, run, rp, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule an iteration");
}

/* Account rp's finished iteration: emitted tokens, finished and handed-off
 * sequences.  Does not start the next one. */
static void complete(serve_run_t *run, replica_t *rp)
{
    sim_time_t now = sim_engine_now(run->eng);

    rp->busy = 0;
    rp->step_end = now;
    rp->busy_s += sim_time_to_s(now - rp->step_start);
    if (run->cfg->kind != WL_REQ_LLM) {
        for (size_t k = 0; k < rp->n_sched; k++)
            serve_finish(run, rp, rp->sched_seq[k]);
        rp->n_sched = 0;
        return;
    }
    size_t done = 0;
    for (size_t k = 0; k < rp->n_sched; k++) {
        seq_t *s = &run->seqs[rp->sched_seq[k]];
        s->ctx += rp->sched_q[k];
        if (s->ctx != s->prompt + s->generated)
            continue;
        if (s->prefill_only) {
            done++; /* prompt done: leaves for the decode pool */
            continue;
        }
        s->generated++;
        if (!s->emitted) {
            s->emitted = 1;
            s->first_token = now;
        }
        if (s->generated >= s->output)
            done++;
    }
    if (done > 0) {
        size_t w = 0;
        for (size_t k = 0; k < rp->n_running; k++) {
            int32_t si = rp->running[k];
            seq_t *s = &run->seqs[si];
            if (s->prefill_only && s->ctx == s->prompt) {
                rp->free_blocks += s->blocks;
                s->blocks = 0;
                serve_disagg_handoff(run, rp, si);
            } else if (s->generated >= s->output) {
                rp->free_blocks += s->blocks;
                s->blocks = 0;
                serve_finish(run, rp, si);
            } else {
                rp->running[w++] = si;
            }
        }
        rp->n_running = w;
    }
    rp->n_sched = 0;
}

static void step_end(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    replica_t *rp = arg;

    complete(run, rp);
    serve_replica_kick(rp);
}

/* The group's first rank stays busy until every rank is accounted, so a
 * request dispatched meanwhile cannot start a step half-way. */
static void group_step_end(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    replica_t *first = arg;

    for (int j = group_size(run) - 1; j >= 0; j--)
        complete(run, first + j);
    group_kick(first);
}
