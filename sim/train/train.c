/*
 * train.c — the training executor (see train.h for the model): builds the
 * op graph of every stage of the representative pipeline, times its ops
 * (roofline for compute, train_comm for transfers), then plays every
 * stage's schedule over its compute, comm and p2p streams.
 *
 * Invariants: a stage's streams only move forward; a pipeline message is
 * posted (arrival time and send start) by the sender when it plays the
 * step that sends it, and a receiver's step runs only once its message is
 * posted.  Sends never wait for the receiver, so the result does not
 * depend on the order in which stages are played (only timestamps do).
 */
#include "sim/train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/roofline.h"
#include "sim/train/train_comm.h"
#include "sim/train/train_int.h"
#include "sim/train/train_profile.h"
#include "workloads/train_flops.h"
#include "workloads/train_graph.h"
#include "workloads/train_memory.h"

#define GIB 1073741824.0

void sim_train_config_init(sim_train_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->straggler_stage = -1;
    c->straggler_factor = 1.0;
    c->framework_overhead = SIM_TRAIN_FRAMEWORK_OVERHEAD;
    c->sustained_clock = 0; /* the GPU's (sim_train_sustained_clock) */
    c->gpu_hour_usd = SIM_TRAIN_GPU_HOUR_USD;
    c->tokens = 1e12;
    c->check_memory = true;
    sim_coll_profile_neutral(&c->coll);
}

/* Stream of an op. */
enum { S_COMPUTE = 0, S_COMM, S_P2P };

typedef struct tlist {
    const wl_op_list_t *l;
    double *dur;
} tlist_t;

typedef struct stage {
    wl_train_graph_t *g;
    tlist_t *fw, *bw, *bl; /* per chunk */
    tlist_t step;
    wl_pipe_step_t *sched;
    int nsteps, cursor;
    bool finished;
    double comp, comm, send[2];
    double compute_s, tp_s, ep_s, pp_s, dp_s, end;
    double *fin;
} stage_t;

typedef struct run {
    const sim_train_config_t *cfg;
    const wl_parallel_t *p;
    int m, v;               /* micro-batches, virtual chunks */
    stage_t *st;
    double *arrive, *sstart; /* mailbox [2][pp][v][m] */
    sim_train_trace_t *trace;
    int64_t ops;
    sim_diag_t *diag;
} run_t;

static bool comm_stream_group(wl_group_kind_t g)
{
    return g == WL_GROUP_DP || g == WL_GROUP_DPCP || g == WL_GROUP_EDP ||
           g == WL_GROUP_EMBED || g == WL_GROUP_PP;
}

static int stream_of(const wl_op_t *op)
{
    if (op->kind == WL_OP_P2P)
        return S_P2P;
    if (op->kind == WL_OP_COLLECTIVE && comm_stream_group(op->group))
        return S_COMM;
    return S_COMPUTE;
}

static size_t mbox(const run_t *r, int pass, int stage, int chunk, int mb)
{
    return (((size_t)pass * r->p->pp + (size_t)stage) * (size_t)r->v +
            (size_t)chunk) * (size_t)r->m + (size_t)mb;
}

sim_err_t train_trace_add(sim_train_trace_t *t, int stage, int thread,
                          const char *name, char pass, int mb, int chunk,
                          double t0, double t1)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        train_span_t *v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return SIM_ERR_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (train_span_t){stage, thread, name, pass, mb, chunk, t0,
                                  t1};
    return SIM_OK;
}

void sim_train_trace_free(sim_train_trace_t *t)
{
    if (t == NULL)
        return;
    free(t->v);
    free(t);
}

size_t sim_train_trace_count(const sim_train_trace_t *t)
{
    return t == NULL ? 0 : t->n;
}

static bool is_gemm(const wl_op_t *op)
{
    return op->kind == WL_OP_COMPUTE &&
           op->compute.kind == SIM_COMPUTE_OP_GEMM;
}

/*
 * Megatron-Core's --tp-comm-overlap (Transformer Engine userbuffers):
 * a sequence-parallel all-gather is split into tp chunks that are
 * exchanged while the following GEMM runs on the chunks already there,
 * and a reduce-scatter likewise behind the preceding GEMM.  What stays
 * exposed is one chunk (t / tp) plus whatever of the rest the GEMM
 * cannot cover.  All-reduces (no SP) are not overlapped.
 */
static void overlap_tp(const wl_parallel_t *p, tlist_t *tl)
{
    const wl_op_list_t *l = tl->l;
    for (size_t i = 0; i < l->n; i++) {
        const wl_op_t *op = &l->ops[i];
        if (op->kind != WL_OP_COLLECTIVE || op->group != WL_GROUP_TP ||
            (op->coll != WL_COLL_ALLGATHER &&
             op->coll != WL_COLL_REDUCESCATTER))
            continue;
        double g = 0;
        if (op->coll == WL_COLL_ALLGATHER) {
            for (size_t j = i + 1; j < l->n && j <= i + 2; j++)
                if (is_gemm(&l->ops[j])) {
                    g = tl->dur[j];
                    break;
                }
        } else {
            for (size_t j = i; j-- > 0 && j + 2 >= i;)
                if (is_gemm(&l->ops[j])) {
                    g = tl->dur[j];
                    break;
                }
        }
        if (g <= 0)
            continue;
        double t = tl->dur[i], first = t / p->tp;
        tl->dur[i] = first + fmax(0, t - first - g);
    }
}

/* Durations of every op of list l on stage s. */
static sim_err_t time_list(run_t *r, train_comm_t *comm, int s,
                           const wl_op_list_t *l,
                           const sim_compute_profile_t *prof, double clock,
                           tlist_t *out)
{
    const sim_train_config_t *cfg = r->cfg;
    out->l = l;
    out->dur = calloc(l->n ? l->n : 1, sizeof *out->dur);
    if (out->dur == NULL)
        return sim_diag_set(r->diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    double slow = s == cfg->straggler_stage ? cfg->straggler_factor : 1.0;
    for (size_t i = 0; i < l->n; i++) {
        const wl_op_t *op = &l->ops[i];
        sim_err_t err = SIM_OK;
        double t = 0;
        if (op->kind == WL_OP_COMPUTE && cfg->attn_unfused &&
            op->compute.kind == SIM_COMPUTE_OP_ATTENTION) {
            err = train_unfused_attention(prof, clock, &op->compute.u.attn,
                                          cfg->model.dropout, &t, r->diag);
            t = (t + cfg->framework_overhead) * slow;
        } else if (op->kind == WL_OP_COMPUTE) {
            sim_compute_estimate_t est;
            err = sim_compute_estimate(prof, &op->compute, &est, r->diag);
            t = (train_clocked(&est, clock) + cfg->framework_overhead) * slow;
        } else if (op->kind == WL_OP_COLLECTIVE && cfg->comm_overlap &&
                   op->phase == WL_PHASE_STEP &&
                   op->coll == WL_COLL_ALLGATHER) {
            t = 0; /* --overlap-param-gather: behind the next forward */
        } else if (op->kind == WL_OP_COLLECTIVE) {
            err = train_collective_time(comm, op->coll, op->group, op->bytes,
                                        &t, r->diag);
        } else if (op->coll == WL_COLL_SEND) {
            err = train_p2p_time(comm, s, op->peer_stage, op->bytes, &t,
                                 r->diag);
        }
        if (err != SIM_OK)
            return err;
        out->dur[i] = t;
    }
    if (cfg->comm_overlap && r->p->sp && r->p->tp > 1)
        overlap_tp(r->p, out);
    return SIM_OK;
}

/* Attribute a compute-stream gap [from, to) of stage st to what op i of
 * list l waited for. */
static void attribute_gap(run_t *r, stage_t *st, const wl_op_list_t *l,
                          int bind, double from, double to, double sent)
{
    double gap = to - from;
    if (gap <= 0)
        return;
    if (bind < 0)
        return; /* idle by schedule: bubble */
    const wl_op_t *b = &l->ops[bind];
    if (b->kind == WL_OP_P2P) {
        double inflight = to - fmax(from, sent);
        if (inflight > 0)
            st->pp_s += fmin(inflight, gap);
    } else if (stream_of(b) == S_COMM) {
        st->dp_s += gap;
    }
    (void)r;
}

/* Play list tl on stage s starting after its compute stream frees.
 * recv_* describe the message of op 0 when it is a receive. */
static sim_err_t play(run_t *r, int s, const tlist_t *tl, char pass, int mb,
                      int chunk, double extra_ready, double recv_arrive,
                      double recv_sent)
{
    stage_t *st = &r->st[s];
    const wl_op_list_t *l = tl->l;
    double base = st->comp;
    for (size_t i = 0; i < l->n; i++) {
        const wl_op_t *op = &l->ops[i];
        double ready = base;
        int bind = -1;
        for (int d = 0; d < op->ndeps; d++)
            if (st->fin[op->deps[d]] > ready) {
                ready = st->fin[op->deps[d]];
                bind = op->deps[d];
            }
        int stream = stream_of(op);
        double start, end, dur = tl->dur[i];
        const char *name = op->name;
        int thread = stream;
        if (op->kind == WL_OP_P2P && op->coll == WL_COLL_RECV) {
            start = ready;
            end = fmax(ready, recv_arrive);
            dur = end - start;
        } else if (op->kind == WL_OP_P2P) {
            int dir = op->phase == WL_PHASE_FWD ? 0 : 1;
            start = fmax(ready, st->send[dir]);
            end = start + dur;
            st->send[dir] = end;
            /* post the message to the peer */
            int nch = r->p->pp * r->v;
            int cm = chunk * r->p->pp + s;
            int tc = dir == 0 ? (cm + 1) % nch : (cm + nch - 1) % nch;
            size_t k = mbox(r, dir, tc % r->p->pp, tc / r->p->pp, mb);
            r->arrive[k] = end;
            r->sstart[k] = start;
            st->fin[i] = start; /* non-blocking for the sender */
            r->ops++;
            if (r->trace != NULL &&
                train_trace_add(r->trace, s, thread, name, pass, mb, chunk,
                                start, end) != SIM_OK)
                return SIM_ERR_NOMEM;
            continue;
        } else if (stream == S_COMM) {
            start = fmax(ready, st->comm);
            end = start + dur;
            st->comm = end;
        } else {
            if (i == 0 && extra_ready > ready) {
                ready = extra_ready; /* the optimizer waits for the comm
                                        stream to drain */
                bind = -2;
            }
            start = fmax(ready, st->comp);
            if (start > st->comp) {
                if (bind == -2)
                    st->dp_s += start - st->comp;
                else
                    attribute_gap(r, st, l, bind, st->comp, start,
                                  recv_sent);
            }
            end = start + dur;
            st->comp = end;
            if (op->kind == WL_OP_COMPUTE)
                st->compute_s += dur;
            else if (op->group == WL_GROUP_EP)
                st->ep_s += dur;
            else
                st->tp_s += dur;
        }
        st->fin[i] = end;
        r->ops++;
        if (r->trace != NULL && end > start &&
            train_trace_add(r->trace, s, thread, name, pass, mb, chunk,
                            start, end) != SIM_OK)
            return SIM_ERR_NOMEM;
    }
    return SIM_OK;
}

/* Play as many steps of stage s as its messages allow.  Returns the
 * number played. */
static int advance(run_t *r, int s, sim_err_t *err)
{
    stage_t *st = &r->st[s];
    int played = 0;
    *err = SIM_OK;
    while (!st->finished) {
        if (st->cursor == st->nsteps) {
            /* optimizer: after the gradient reduction drained */
            *err = play(r, s, &st->step, 'S', 0, 0, st->comm, 0, 0);
            if (*err != SIM_OK)
                return played;
            double end = fmax(st->comp, fmax(st->comm,
                                             fmax(st->send[0], st->send[1])));
            if (end > st->comp)
                st->dp_s += end - st->comp; /* ZeRO gather after the step */
            st->end = end;
            st->finished = true;
            return played + 1;
        }
        const wl_pipe_step_t *ps = &st->sched[st->cursor];
        const tlist_t *tl = ps->pass == 'F' ? &st->fw[ps->chunk]
                            : ps->microbatch == r->m - 1 ? &st->bl[ps->chunk]
                                                         : &st->bw[ps->chunk];
        double arrive = 0, sent = 0;
        if (tl->l->n > 0 && tl->l->ops[0].kind == WL_OP_P2P &&
            tl->l->ops[0].coll == WL_COLL_RECV) {
            size_t k = mbox(r, ps->pass == 'F' ? 0 : 1, s, ps->chunk,
                            ps->microbatch);
            if (r->arrive[k] < 0)
                return played; /* message not sent yet */
            arrive = r->arrive[k];
            sent = r->sstart[k];
        }
        *err = play(r, s, tl, ps->pass, ps->microbatch, ps->chunk, 0, arrive,
                    sent);
        if (*err != SIM_OK)
            return played;
        st->cursor++;
        played++;
    }
    return played;
}

static void free_stage(stage_t *st, int v)
{
    if (st->fw != NULL)
        for (int c = 0; c < v; c++) {
            free(st->fw[c].dur);
            free(st->bw[c].dur);
            free(st->bl[c].dur);
        }
    free(st->fw);
    free(st->bw);
    free(st->bl);
    free(st->step.dur);
    free(st->sched);
    free(st->fin);
    wl_train_graph_free(st->g);
}

static double dense_peak(const wl_gpu_t *g, bool fp8)
{
    return fp8 && g->fp8_flops > 0 ? g->fp8_flops : g->bf16_flops;
}

/* Time of the layer ops (compute stream) of stage st for one micro-batch
 * of every chunk, forward and backward. */
static double layer_work(const stage_t *st, int v)
{
    double w = 0;
    for (int c = 0; c < v; c++) {
        const tlist_t *ls[2] = {&st->fw[c], &st->bw[c]};
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < ls[k]->l->n; i++) {
                const wl_op_t *op = &ls[k]->l->ops[i];
                if (op->layer >= 0 && stream_of(op) == S_COMPUTE)
                    w += ls[k]->dur[i];
            }
    }
    return w;
}

static void scale_list(tlist_t *tl, double f)
{
    for (size_t i = 0; i < tl->l->n; i++) {
        const wl_op_t *op = &tl->l->ops[i];
        if (op->layer >= 0 && stream_of(op) == S_COMPUTE)
            tl->dur[i] *= f;
    }
}

/*
 * Balancing: give stage s layers in proportion to 1 / (its measured time
 * per layer) (largest remainder, at least one each), then scale its layer
 * ops by new / default layers.  The op graph keeps the default split;
 * only times move (memory is checked on the default split).
 */
static sim_err_t balance_layers(run_t *r, int64_t *first_last)
{
    const wl_parallel_t *p = r->p;
    int L = r->cfg->model.layers, pp = p->pp > 0 ? p->pp : 1;
    int *def = calloc((size_t)pp, sizeof *def);
    int *n = calloc((size_t)pp, sizeof *n);
    double *want = calloc((size_t)pp, sizeof *want);
    sim_err_t err = SIM_OK;
    if (def == NULL || n == NULL || want == NULL) {
        err = sim_diag_set(r->diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto done;
    }
    double total = 0;
    for (int s = 0; s < pp; s++) {
        for (int c = 0; c < p->virtual_stages; c++)
            def[s] += wl_parallel_chunk_layers(p, L, c * pp + s);
        double w = layer_work(&r->st[s], r->v);
        want[s] = w > 0 && def[s] > 0 ? def[s] / w : 0;
        total += want[s];
        n[s] = def[s];
    }
    if (r->cfg->balance && pp > 1 && total > 0) {
        int assigned = 0;
        for (int s = 0; s < pp; s++) {
            want[s] = want[s] / total * L;
            n[s] = (int)floor(want[s]);
            if (n[s] < 1)
                n[s] = 1;
            assigned += n[s];
        }
        while (assigned < L) { /* largest remainder; lowest stage on ties */
            int best = 0;
            for (int s = 1; s < pp; s++)
                if (want[s] - n[s] > want[best] - n[best])
                    best = s;
            n[best]++;
            assigned++;
        }
        while (assigned > L) {
            int best = -1;
            for (int s = 0; s < pp; s++)
                if (n[s] > 1 &&
                    (best < 0 || want[s] - n[s] < want[best] - n[best]))
                    best = s;
            if (best < 0)
                break;
            n[best]--;
            assigned--;
        }
        for (int s = 0; s < pp; s++) {
            double f = def[s] > 0 ? (double)n[s] / def[s] : 1.0;
            for (int c = 0; c < r->v; c++) {
                scale_list(&r->st[s].fw[c], f);
                scale_list(&r->st[s].bw[c], f);
                scale_list(&r->st[s].bl[c], f);
            }
        }
    }
    first_last[0] = n[0];
    first_last[1] = n[pp - 1];
done:
    free(def);
    free(n);
    free(want);
    return err;
}

static sim_err_t check_config(const sim_train_config_t *cfg, sim_diag_t *d)
{
    const wl_parallel_t *p = &cfg->plan;
    if (cfg->gpu == NULL || cfg->profile == NULL)
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0, "cluster.gpu",
                            "no GPU or compute profile given");
    if (cfg->gpu2 != NULL &&
        (cfg->profile2 == NULL || cfg->pool2_stages < 1 ||
         cfg->pool2_stages >= p->pp))
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0, "train.pool2_stages",
                            "a second pool needs 1 to pp - 1 = %d stages "
                            "(got %d): pipeline stages are the unit that "
                            "can run on another GPU type",
                            p->pp - 1, cfg->pool2_stages);
    if (cfg->straggler_stage >= p->pp)
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0,
                            "train.straggler_stage",
                            "stage %d does not exist (pp = %d)",
                            cfg->straggler_stage, p->pp);
    if (!(cfg->straggler_factor >= 1.0) || !isfinite(cfg->straggler_factor))
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0,
                            "train.straggler_factor",
                            "expected a slowdown >= 1, got %g",
                            cfg->straggler_factor);
    if (!(cfg->sustained_clock >= 0.0 && cfg->sustained_clock <= 1.0))
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0, NULL,
                            "sustained clock %g outside [0, 1] (0 = the "
                            "GPU's)", cfg->sustained_clock);
    if (cfg->topo == NULL && !cfg->free_comm)
        return sim_diag_set(d, SIM_ERR_RANGE, NULL, 0, "cluster.topology",
                            "no topology to run the communication on");
    return SIM_OK;
}

/* Memory of every stage against its GPU: the largest into res. */
static sim_err_t memory(const sim_train_config_t *cfg, sim_train_result_t *res,
                        sim_diag_t *diag)
{
    const wl_parallel_t *p = &cfg->plan;
    res->memory_per_gpu_GiB = 0;
    for (int s = 0; s < p->pp; s++) {
        wl_train_memory_t mem;
        sim_err_t err = wl_train_memory_stage(&cfg->model, p, s, cfg->reserve,
                                              &mem, diag);
        if (err != SIM_OK)
            return err;
        bool two = cfg->gpu2 != NULL && s >= p->pp - cfg->pool2_stages;
        const wl_gpu_t *g = two ? cfg->gpu2 : cfg->gpu;
        if (mem.total / GIB > res->memory_per_gpu_GiB) {
            res->memory_per_gpu_GiB = mem.total / GIB;
            res->memory_stage = s;
            res->memory_capacity_GiB = g->memory_bytes / GIB;
        }
        if (cfg->check_memory) {
            err = wl_train_memory_check(&mem, g, diag);
            if (err != SIM_OK)
                return err;
        }
    }
    return SIM_OK;
}

static void metrics(const sim_train_config_t *cfg, sim_train_result_t *res)
{
    const wl_parallel_t *p = &cfg->plan;
    double T = res->iteration_s;
    res->tokens_per_iter = (double)p->global_batch * p->seq_len;
    res->tokens_per_s = T > 0 ? res->tokens_per_iter / T : 0;
    res->model_flops_per_iter =
        wl_model_flops_per_token(&cfg->model, p->seq_len) *
        res->tokens_per_iter;
    res->hw_flops_per_iter =
        wl_train_flops_per_token(&cfg->model, p->seq_len, p->recompute) *
        res->tokens_per_iter;
    res->tflops_per_gpu =
        T > 0 ? res->model_flops_per_iter / T / p->gpus / 1e12 : 0;
    res->hw_tflops_per_gpu =
        T > 0 ? res->hw_flops_per_iter / T / p->gpus / 1e12 : 0;
    double peak = 0;
    for (int s = 0; s < p->pp; s++) {
        bool two = cfg->gpu2 != NULL && s >= p->pp - cfg->pool2_stages;
        peak += dense_peak(two ? cfg->gpu2 : cfg->gpu, p->fp8_gemm);
    }
    res->peak_tflops_per_gpu = peak / p->pp / 1e12;
    res->mfu = res->peak_tflops_per_gpu > 0
                   ? res->tflops_per_gpu / res->peak_tflops_per_gpu : 0;
    double train_s = res->tokens_per_s > 0 ? cfg->tokens / res->tokens_per_s
                                           : INFINITY;
    res->time_to_train_days = train_s / 86400.0;
    res->gpu_hours = train_s / 3600.0 * p->gpus;
    res->cost_usd = res->gpu_hours * cfg->gpu_hour_usd;
}

sim_err_t sim_train_simulate(const sim_train_config_t *cfg,
                             sim_train_result_t *res,
                             sim_train_trace_t **trace, sim_diag_t *diag)
{
    const wl_parallel_t *p = &cfg->plan;
    run_t r;
    train_comm_t *comm = NULL;
    sim_err_t err;
    memset(&r, 0, sizeof r);
    memset(res, 0, sizeof *res);
    if (trace != NULL)
        *trace = NULL;
    r.cfg = cfg;
    r.p = p;
    r.m = (int)p->grad_accum;
    r.v = p->virtual_stages;
    r.diag = diag;
    err = check_config(cfg, diag);
    if (err != SIM_OK)
        return err;
    err = memory(cfg, res, diag);
    if (err != SIM_OK)
        return err;
    err = train_comm_new(cfg->topo, &cfg->coll, cfg->nvls, p, cfg->free_comm,
                         &comm, diag);
    if (err != SIM_OK)
        return err;
    size_t nbox = 2 * (size_t)p->pp * (size_t)r.v * (size_t)r.m;
    r.st = calloc((size_t)p->pp, sizeof *r.st);
    r.arrive = malloc(nbox * sizeof *r.arrive);
    r.sstart = malloc(nbox * sizeof *r.sstart);
    if (cfg->trace)
        r.trace = calloc(1, sizeof *r.trace);
    if (r.st == NULL || r.arrive == NULL || r.sstart == NULL ||
        (cfg->trace && r.trace == NULL))
        goto nomem;
    for (size_t k = 0; k < nbox; k++)
        r.arrive[k] = r.sstart[k] = -1;

    for (int s = 0; s < p->pp; s++) {
        stage_t *st = &r.st[s];
        bool two = cfg->gpu2 != NULL && s >= p->pp - cfg->pool2_stages;
        const sim_compute_profile_t *prof = two ? cfg->profile2
                                                : cfg->profile;
        double clock = cfg->sustained_clock > 0
                           ? cfg->sustained_clock
                           : sim_train_sustained_clock(two ? cfg->gpu2
                                                           : cfg->gpu);
        err = wl_train_graph_build(&cfg->model, p, s, &st->g, diag);
        if (err != SIM_OK)
            goto fail;
        st->nsteps = 2 * r.m * r.v;
        st->sched = calloc((size_t)st->nsteps, sizeof *st->sched);
        st->fw = calloc((size_t)r.v, sizeof *st->fw);
        st->bw = calloc((size_t)r.v, sizeof *st->bw);
        st->bl = calloc((size_t)r.v, sizeof *st->bl);
        if (st->sched == NULL || st->fw == NULL || st->bw == NULL ||
            st->bl == NULL)
            goto nomem;
        err = wl_pipeline_schedule(p->pp, r.m, r.v, s, st->sched, diag);
        if (err != SIM_OK)
            goto fail;
        size_t maxn = 0;
        for (int c = 0; c < r.v && err == SIM_OK; c++) {
            err = time_list(&r, comm, s, wl_train_graph_forward(st->g, c),
                            prof, clock, &st->fw[c]);
            if (err == SIM_OK)
                err = time_list(&r, comm, s,
                                wl_train_graph_backward(st->g, c),
                                prof, clock, &st->bw[c]);
            if (err == SIM_OK)
                err = time_list(&r, comm, s,
                                wl_train_graph_backward_last(st->g, c),
                                prof, clock, &st->bl[c]);
            if (err == SIM_OK) {
                maxn = st->fw[c].l->n > maxn ? st->fw[c].l->n : maxn;
                maxn = st->bw[c].l->n > maxn ? st->bw[c].l->n : maxn;
                maxn = st->bl[c].l->n > maxn ? st->bl[c].l->n : maxn;
            }
        }
        if (err == SIM_OK)
            err = time_list(&r, comm, s, wl_train_graph_step(st->g),
                            prof, clock, &st->step);
        if (err != SIM_OK)
            goto fail;
        maxn = st->step.l->n > maxn ? st->step.l->n : maxn;
        st->fin = calloc(maxn ? maxn : 1, sizeof *st->fin);
        if (st->fin == NULL)
            goto nomem;
    }
    err = balance_layers(&r, res->stage_layers);
    if (err != SIM_OK)
        goto fail;

    /* Play the stages in turn until all are done. */
    for (;;) {
        int played = 0, done = 0;
        for (int s = 0; s < p->pp; s++) {
            played += advance(&r, s, &err);
            if (err != SIM_OK)
                goto fail;
            done += r.st[s].finished;
        }
        if (done == p->pp)
            break;
        if (played == 0) {
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "internal: the pipeline schedule deadlocked");
            goto fail; /* believed impossible: sends never block */
        }
    }
    int crit = 0;
    for (int s = 1; s < p->pp; s++)
        if (r.st[s].end > r.st[crit].end)
            crit = s;
    stage_t *cs = &r.st[crit];
    res->iteration_s = cs->end;
    res->critical_stage = crit;
    res->breakdown.compute_s = cs->compute_s;
    res->breakdown.tp_s = cs->tp_s;
    res->breakdown.ep_s = cs->ep_s;
    res->breakdown.pp_s = cs->pp_s;
    res->breakdown.dp_s = cs->dp_s;
    res->breakdown.bubble_s =
        fmax(0, cs->end - cs->compute_s - cs->tp_s - cs->ep_s - cs->pp_s -
                    cs->dp_s);
    res->ops_simulated = r.ops;
    res->comm_measurements = train_comm_measurements(comm);
    metrics(cfg, res);
    if (trace != NULL) {
        *trace = r.trace;
        r.trace = NULL;
    }
    err = SIM_OK;
    goto fail;
nomem:
    err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
fail:
    if (r.st != NULL)
        for (int s = 0; s < p->pp; s++)
            free_stage(&r.st[s], r.v);
    free(r.st);
    free(r.arrive);
    free(r.sstart);
    sim_train_trace_free(r.trace);
    train_comm_free(comm);
    return err;
}
