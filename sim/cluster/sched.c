/*
 * sched.c — the replay experiment: jobs arrive, queue, run and leave on the
 * event engine; queueing policies, preemption, EASY backfill, node
 * failures and the metrics (cluster.h).
 *
 * Event priorities at equal times: finishes and repairs free capacity
 * before failures and arrivals take it; one scheduling pass runs last.
 * Policies keep the queue in a binary heap keyed (fifo, backfill) by
 * (arrival, index), (sjf) by (duration, arrival, index), (priority) by
 * (-priority, arrival, index); the head blocks the queue (no skipping),
 * except that priority may preempt and backfill may start later jobs.
 *
 * EASY backfill (Lifka 1995; Mu'alem & Feitelson, TPDS 2001, §2): the
 * head gets a reservation at the "shadow" time, the earliest end time of
 * running jobs by which enough GPUs will be free for it; the GPUs free
 * then beyond the head's need are the "extra" ones.  A later job (up to
 * backfill_depth past the head, in queue order) may start now if it fits
 * now and either ends by the shadow time or holds no more than the extra
 * GPUs left (which it then uses up).  Counting is in GPU-milli and
 * placement-blind, as EASY counts processors.  One refinement: when the
 * head is blocked although enough GPUs are free now (fragmentation, CPU,
 * memory or GPU model), its reservation is now and no extras are granted,
 * so the cluster drains for it instead of starving it.  Running jobs' end
 * times live in a treap with subtree sums (ends.h): the shadow and the
 * extras are two O(log n) descents, not a sort per pass.
 *
 * Preemption: the lowest-priority, most recently started jobs below the
 * head's priority (ties in start time: lower job index first) are
 * released one by one until the head fits; if it never fits, they are
 * taken back untouched.  Running jobs are indexed by priority rank in
 * lists ordered by start, so victims come in order without a scan or a
 * sort.  A failed attempt is remembered: it cannot succeed again for the
 * same head until a job of the head's priority or above leaves or a node
 * is repaired (placement is monotone: freeing capacity never turns a fit
 * into a misfit), so repeated passes cost O(ranks), not O(victims).
 * A preempted or failed-over job restarts from scratch (no checkpoint)
 * keeping its place in the queue.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/cluster/cluster_int.h"
#include "sim/cluster/ends.h"
#include "sim/engine/engine.h"

enum { J_FUTURE, J_QUEUED, J_RUNNING, J_DONE, J_FAILED, J_REJECTED };
enum { P_FINISH = 0, P_REPAIR = 1, P_FAIL = 2, P_ARRIVE = 3, P_SAMPLE = 4, P_PASS = 10 };

typedef struct rjob {
    scl_req_t req;
    int64_t arr, dur, first_start, start, end;
    int32_t prio, nalloc, heap_pos, run_pos, cls, state;
    int32_t rank;              /* index of prio among the trace's distinct priorities */
    int32_t outcome;           /* wl_jobtrace_outcome_t: how it ends at its duration */
    int32_t rprev, rnext;      /* running list of its rank, ordered by start */
    scl_alloc_t *alloc;
    sim_eq_handle_t fin;
} rjob_t;

typedef struct rep {
    const sim_cluster_config_t *cfg;
    scl_state_t *st;
    sim_engine_t *eng;
    rjob_t *job;
    int32_t n, next_arrival;
    int32_t *heap, hn;
    int32_t *run, rn;
    int64_t settled;           /* done + failed + rejected */
    bool pass_pending;
    int64_t last_t;
    double alloc_int;          /* integral of allocated milli over ns */
    double useful;             /* milli x ns of completed jobs (outcome complete) */
    double frag_sum, frag_rate_sum;
    int64_t samples;
    int64_t sample_dt;
    size_t series_cap;
    sim_cluster_result_t *res;
    sim_diag_t *diag;
    int32_t *scratch;          /* n entries: victims, kept jobs */
    scl_ends_t ends;           /* backfill: running jobs by end time */
    int32_t nranks;            /* distinct priorities */
    int32_t *rank_first, *rank_last; /* running jobs per rank, oldest start first */
    int64_t *rank_milli;       /* GPU milli held by running jobs per rank */
    uint64_t *rank_leaves;     /* running jobs of the rank that left, ever */
    uint64_t repairs;          /* nodes repaired, ever */
    int32_t memo_head;         /* last head whose preemption failed, or -1 */
    uint64_t memo_stamp;       /* leave_stamp() when it failed */
    scl_alloc_t *tmp;          /* one job's pieces */
    int32_t depth;             /* backfill_depth, at most n */
    int32_t *aux;              /* backfill: 2 depth + 2 heap positions */
} rep_t;

static bool before(const rep_t *R, int32_t a, int32_t b)
{
    const rjob_t *x = &R->job[a], *y = &R->job[b];
    switch (R->cfg->policy) {
    case SIM_CLUSTER_SJF:
        if (x->dur != y->dur)
            return x->dur < y->dur;
        break;
    case SIM_CLUSTER_PRIORITY:
        if (x->prio != y->prio)
            return x->prio > y->prio;
        break;
    default:
        break;
    }
    if (x->arr != y->arr)
        return x->arr < y->arr;
    return a < b;
}

static void heap_swap(rep_t *R, int32_t i, int32_t j)
{
    int32_t t = R->heap[i];
    R->heap[i] = R->heap[j];
    R->heap[j] = t;
    R->job[R->heap[i]].heap_pos = i;
    R->job[R->heap[j]].heap_pos = j;
}

static void heap_push(rep_t *R, int32_t j)
{
    int32_t i = R->hn++;
    R->heap[i] = j;
    R->job[j].heap_pos = i;
    while (i > 0 && before(R, R->heap[i], R->heap[(i - 1) / 2])) {
        heap_swap(R, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(rep_t *R, int32_t i)
{
    for (;;) {
        int32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < R->hn && before(R, R->heap[l], R->heap[m]))
            m = l;
        if (r < R->hn && before(R, R->heap[r], R->heap[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(R, i, m);
        i = m;
    }
}

/* Take queued job id out of the heap wherever it sits.  O(log queue). */
static void heap_remove(rep_t *R, int32_t id)
{
    int32_t i = R->job[id].heap_pos;
    R->hn--;
    if (i < R->hn) {
        R->heap[i] = R->heap[R->hn];
        R->job[R->heap[i]].heap_pos = i;
        while (i > 0 && before(R, R->heap[i], R->heap[(i - 1) / 2])) {
            heap_swap(R, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        sift_down(R, i);
    }
    R->job[id].heap_pos = -1;
}

static int32_t heap_pop(rep_t *R)
{
    int32_t top = R->heap[0];
    heap_remove(R, top);
    return top;
}

/*
 * The first k queued jobs after the head, in queue order, into out[0..):
 * a best-first walk of the heap's tree with a small heap of positions
 * (aux, room for 2k + 1), which leaves the queue untouched.  Returns how
 * many.  O(k log k).
 */
static int32_t heap_first(rep_t *R, int32_t k, int32_t *out, int32_t *aux)
{
    int32_t na = 0, nout = 0;
    for (int32_t c = 1; c <= 2 && c < R->hn; c++)
        aux[na++] = c;
    if (na == 2 && before(R, R->heap[2], R->heap[1]))
        aux[0] = 2, aux[1] = 1;
    while (na > 0 && nout < k) {
        int32_t pos = aux[0];
        out[nout++] = R->heap[pos];
        /* pop aux's best, then push pos's children */
        aux[0] = aux[--na];
        for (int32_t i = 0;;) {
            int32_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < na && before(R, R->heap[aux[l]], R->heap[aux[m]]))
                m = l;
            if (r < na && before(R, R->heap[aux[r]], R->heap[aux[m]]))
                m = r;
            if (m == i)
                break;
            int32_t t = aux[i];
            aux[i] = aux[m];
            aux[m] = t;
            i = m;
        }
        for (int32_t c = 2 * pos + 1; c <= 2 * pos + 2 && c < R->hn; c++) {
            int32_t i = na++;
            aux[i] = c;
            while (i > 0 && before(R, R->heap[aux[i]], R->heap[aux[(i - 1) / 2]])) {
                int32_t t = aux[i];
                aux[i] = aux[(i - 1) / 2];
                aux[(i - 1) / 2] = t;
                i = (i - 1) / 2;
            }
        }
    }
    return nout;
}

static void account(rep_t *R)
{
    int64_t now = sim_engine_now(R->eng);
    R->alloc_int += (double)R->st->alloc_milli * (double)(now - R->last_t);
    R->last_t = now;
}

static void ev_pass(void *ctx, void *arg);

static void request_pass(rep_t *R)
{
    if (R->pass_pending)
        return;
    sim_err_t e = sim_engine_schedule_after(R->eng, 0, P_PASS, ev_pass, R, NULL, NULL);
    if (e != SIM_OK)
        sim_engine_fail(R->eng, e);
    R->pass_pending = true;
}

static void settle(rep_t *R)
{
    if (++R->settled == R->n)
        sim_engine_stop(R->eng);
}

static void after_event(rep_t *R)
{
    R->res->events++;
    if (R->cfg->check_every > 0 && R->res->events % R->cfg->check_every == 0) {
        scl_check_begin(R->st);
        for (int32_t i = 0; i < R->rn; i++) {
            const rjob_t *j = &R->job[R->run[i]];
            scl_check_add(R->st, j->alloc, j->nalloc);
        }
        sim_err_t e = scl_check_end(R->st, R->diag);
        R->res->invariant_checks++;
        if (e != SIM_OK)
            sim_engine_fail(R->eng, e);
    }
}

static void run_remove(rep_t *R, int32_t id)
{
    rjob_t *j = &R->job[id];
    R->rank_milli[j->rank] -= scl_req_milli(&j->req);
    R->rank_leaves[j->rank]++;
    if (j->rprev >= 0)
        R->job[j->rprev].rnext = j->rnext;
    else
        R->rank_first[j->rank] = j->rnext;
    if (j->rnext >= 0)
        R->job[j->rnext].rprev = j->rprev;
    else
        R->rank_last[j->rank] = j->rprev;
    j->rprev = j->rnext = -1;
    if (scl_ends_has(&R->ends, id))
        scl_ends_remove(&R->ends, id);
    int32_t last = R->run[--R->rn];
    R->run[j->run_pos] = last;
    R->job[last].run_pos = j->run_pos;
    j->run_pos = -1;
}

static void ev_finish(void *ctx, void *arg)
{
    rep_t *R = ctx;
    int32_t id = (int32_t)(intptr_t)arg;
    rjob_t *j = &R->job[id];
    account(R);
    scl_release(R->st, j->alloc, j->nalloc);
    /* A job that fails or is cancelled by itself held its GPUs for
     * nothing: allocation counts it, utilisation does not. */
    if (j->outcome == WL_JOB_FAILED)
        R->res->job_failed++;
    else if (j->outcome == WL_JOB_CANCELLED)
        R->res->job_cancelled++;
    else {
        R->useful += (double)scl_req_milli(&j->req) * (double)j->dur;
        R->res->completed++;
    }
    j->nalloc = 0;
    j->end = sim_engine_now(R->eng);
    j->state = J_DONE;
    j->fin = SIM_EQ_HANDLE_NULL;
    run_remove(R, id);
    settle(R);
    request_pass(R);
    after_event(R);
}

/* Start job id on the pieces a[0..n) already taken. */
static void start_on(rep_t *R, int32_t id, const scl_alloc_t *a, int32_t n, bool cross)
{
    rjob_t *j = &R->job[id];
    int64_t now = sim_engine_now(R->eng);
    memcpy(j->alloc, a, (size_t)n * sizeof *a);
    j->nalloc = n;
    j->state = J_RUNNING;
    j->start = now;
    if (j->first_start < 0)
        j->first_start = now;
    R->res->gangs += n > 1;
    R->res->gangs_cross_segment += cross;
    j->run_pos = R->rn;
    R->run[R->rn++] = id;
    R->rank_milli[j->rank] += scl_req_milli(&j->req);
    /* starts never go back in time: appending keeps the list by start */
    j->rprev = R->rank_last[j->rank];
    j->rnext = -1;
    if (j->rprev >= 0)
        R->job[j->rprev].rnext = id;
    else
        R->rank_first[j->rank] = id;
    R->rank_last[j->rank] = id;
    if (R->cfg->policy == SIM_CLUSTER_BACKFILL)
        scl_ends_insert(&R->ends, id, now + j->dur, scl_req_milli(&j->req));
    sim_err_t e = sim_engine_schedule_at(R->eng, now + j->dur, P_FINISH, ev_finish, R,
                                         (void *)(intptr_t)id, &j->fin);
    if (e != SIM_OK)
        sim_engine_fail(R->eng, e);
}

static bool try_start(rep_t *R, int32_t id, scl_alloc_t *tmp)
{
    int32_t n;
    bool cross;
    if (!scl_place(R->st, &R->job[id].req, tmp, &n, &cross))
        return false;
    start_on(R, id, tmp, n, cross);
    return true;
}

/* Stop running job id (preemption or node failure): release (unless the
 * caller already did), then requeue (restart from scratch) or fail it. */
static void evict(rep_t *R, int32_t id, bool requeue, bool released)
{
    rjob_t *j = &R->job[id];
    if (!released)
        scl_release(R->st, j->alloc, j->nalloc);
    j->nalloc = 0;
    sim_engine_cancel(R->eng, j->fin);
    j->fin = SIM_EQ_HANDLE_NULL;
    run_remove(R, id);
    if (requeue) {
        j->state = J_QUEUED;
        R->res->restarts++;
        heap_push(R, id);
    } else {
        j->state = J_FAILED;
        j->end = sim_engine_now(R->eng);
        R->res->failed++;
        settle(R);
    }
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Sum of the leave counts of ranks >= rank, plus repairs: it grows
 * whenever capacity that preempting for a head of that rank cannot free
 * comes back.  O(ranks). */
static uint64_t leave_stamp(const rep_t *R, int32_t rank)
{
    uint64_t s = R->repairs;
    for (int32_t r = rank; r < R->nranks; r++)
        s += R->rank_leaves[r];
    return s;
}

/* Priority policy: make room for the head by preempting lower priorities.
 * Victims: ranks ascending; in a rank, latest start first, equal starts by
 * job index.  Cost: O(ranks) when refused or remembered, else
 * O(victims released x placement). */
static bool try_preempt(rep_t *R, int32_t head, scl_alloc_t *tmp, int32_t *victims)
{
    const rjob_t *h = &R->job[head];
    int64_t free_milli = scl_up_gpus(R->st) * SCL_MILLI - R->st->alloc_milli;
    int64_t need = scl_req_milli(&h->req), lower = 0;
    /* Cheap refusal first: even all lower-priority GPUs plus the free ones
     * would not hold the head (ignores placement, so never refuses wrongly). */
    for (int32_t r = 0; r < h->rank; r++)
        lower += R->rank_milli[r];
    if (free_milli + lower < need || lower == 0)
        return false;
    uint64_t stamp = leave_stamp(R, h->rank);
    if (R->memo_head == head && R->memo_stamp == stamp)
        return false;
    int32_t nv = 0;
    for (int32_t r = 0; r < h->rank; r++) {
        int32_t x = R->rank_last[r];
        while (x >= 0) {
            /* the group of jobs that started with x, in index order */
            int32_t g0 = nv;
            int64_t start = R->job[x].start;
            for (; x >= 0 && R->job[x].start == start; x = R->job[x].rprev)
                victims[nv++] = x;
            if (nv - g0 > 1)
                qsort(victims + g0, (size_t)(nv - g0), sizeof *victims, cmp_i32);
            for (int32_t k = g0; k < nv; k++) {
                rjob_t *v = &R->job[victims[k]];
                scl_release(R->st, v->alloc, v->nalloc);
                int32_t n;
                bool cross;
                if (scl_up_gpus(R->st) * SCL_MILLI - R->st->alloc_milli >= need &&
                    scl_place(R->st, &h->req, tmp, &n, &cross)) {
                    /* the rest of the group was never released */
                    for (int32_t i = 0; i <= k; i++) {
                        evict(R, victims[i], true, true);
                        R->res->preemptions++;
                    }
                    start_on(R, head, tmp, n, cross);
                    return true;
                }
            }
        }
    }
    for (int32_t k = nv - 1; k >= 0; k--) {
        rjob_t *v = &R->job[victims[k]];
        scl_retake(R->st, v->alloc, v->nalloc);
    }
    R->memo_head = head;
    R->memo_stamp = stamp;
    return false;
}

/* EASY (file comment): the head's shadow time and extra GPUs from the
 * end-time treap, then later jobs in queue order.  O(log running + depth
 * x (log queue + placement)). */
static void backfill(rep_t *R, int32_t head)
{
    assert(R->heap[0] == head);
    int64_t now = sim_engine_now(R->eng);
    int64_t need = scl_req_milli(&R->job[head].req);
    int64_t free_milli = scl_up_gpus(R->st) * SCL_MILLI - R->st->alloc_milli;
    int64_t shadow = now, extra = 0;
    if (need > free_milli) {
        if (scl_ends_reach(&R->ends, need - free_milli, &shadow))
            extra = free_milli + scl_ends_sum_upto(&R->ends, shadow) - need;
        else
            shadow = INT64_MAX; /* nodes down: no reservation can be made */
    }
    int32_t nc = heap_first(R, R->depth, R->scratch, R->aux), ns = 0;
    for (int32_t i = 0; i < nc; i++) {
        int32_t id = R->scratch[i];
        const rjob_t *j = &R->job[id];
        bool by_shadow = j->dur <= shadow - now;
        int64_t milli = scl_req_milli(&j->req);
        if ((by_shadow || milli <= extra) && try_start(R, id, R->tmp)) {
            if (!by_shadow)
                extra -= milli;
            R->scratch[ns++] = id; /* started: leaves the queue below */
        }
    }
    for (int32_t i = 0; i < ns; i++)
        heap_remove(R, R->scratch[i]);
}

static void ev_pass(void *ctx, void *arg)
{
    (void)arg;
    rep_t *R = ctx;
    R->pass_pending = false;
    account(R);
    while (R->hn > 0) {
        int32_t head = R->heap[0];
        if (try_start(R, head, R->tmp)) {
            heap_pop(R);
            continue;
        }
        if (R->cfg->policy == SIM_CLUSTER_PRIORITY) {
            heap_pop(R);
            if (try_preempt(R, head, R->tmp, R->scratch))
                continue;
            heap_push(R, head);
        }
        if (R->cfg->policy == SIM_CLUSTER_BACKFILL)
            backfill(R, head);
        break;
    }
    after_event(R);
}

static void ev_arrive(void *ctx, void *arg)
{
    rep_t *R = ctx;
    int32_t id = (int32_t)(intptr_t)arg;
    rjob_t *j = &R->job[id];
    account(R);
    if (scl_ever_fits(R->st, &j->req)) {
        j->state = J_QUEUED;
        heap_push(R, id);
        request_pass(R);
    } else {
        j->state = J_REJECTED;
        R->res->unschedulable++;
        settle(R);
    }
    if (id + 1 < R->n) {
        sim_err_t e = sim_engine_schedule_at(R->eng, R->job[id + 1].arr, P_ARRIVE, ev_arrive, R,
                                             (void *)(intptr_t)(id + 1), NULL);
        if (e != SIM_OK)
            sim_engine_fail(R->eng, e);
    }
    after_event(R);
}

static void ev_repair(void *ctx, void *arg);
static void ev_fail(void *ctx, void *arg);

static void schedule_failure(rep_t *R, int32_t node)
{
    gsl_rng *g = sim_rng_stream_indexed(sim_engine_rng(R->eng), "cluster.node_failure",
                                        (uint64_t)node);
    if (g == NULL) {
        sim_engine_fail(R->eng, SIM_ERR_NOMEM);
        return;
    }
    double dt = gsl_ran_exponential(g, R->cfg->node_mtbf_s);
    sim_err_t e = sim_engine_schedule_after(R->eng, (sim_time_t)ceil(dt * 1e9), P_FAIL,
                                            ev_fail, R, (void *)(intptr_t)node, NULL);
    if (e != SIM_OK)
        sim_engine_fail(R->eng, e);
}

static void ev_fail(void *ctx, void *arg)
{
    rep_t *R = ctx;
    int32_t node = (int32_t)(intptr_t)arg;
    account(R);
    R->res->node_failures++;
    for (int32_t i = 0; i < R->rn;) {
        int32_t id = R->run[i];
        bool hit = false;
        for (int32_t k = 0; k < R->job[id].nalloc; k++)
            hit |= R->job[id].alloc[k].node == node;
        if (hit)
            evict(R, id, R->cfg->fail_requeue, false); /* swaps run[i] */
        else
            i++;
    }
    scl_node_set_up(R->st, node, false);
    sim_err_t e = sim_engine_schedule_after(R->eng, (sim_time_t)ceil(R->cfg->repair_s * 1e9),
                                            P_REPAIR, ev_repair, R, arg, NULL);
    if (e != SIM_OK)
        sim_engine_fail(R->eng, e);
    request_pass(R);
    after_event(R);
}

static void ev_repair(void *ctx, void *arg)
{
    rep_t *R = ctx;
    int32_t node = (int32_t)(intptr_t)arg;
    account(R);
    scl_node_set_up(R->st, node, true);
    R->repairs++;
    schedule_failure(R, node);
    request_pass(R);
    after_event(R);
}

static void ev_sample(void *ctx, void *arg)
{
    (void)arg;
    rep_t *R = ctx;
    sim_cluster_result_t *res = R->res;
    double fr, frag = scl_frag_cluster(R->st, &fr);
    R->frag_sum += frag;
    R->frag_rate_sum += fr > 0 ? frag / fr : 0;
    R->samples++;
    if (res->series_n == R->series_cap) {
        size_t cap = R->series_cap ? 2 * R->series_cap : 256;
        double *t = realloc(res->series_t, cap * sizeof *t);
        if (t != NULL)
            res->series_t = t;
        double *a = realloc(res->series_alloc, cap * sizeof *a);
        if (a != NULL)
            res->series_alloc = a;
        double *f = realloc(res->series_frag, cap * sizeof *f);
        if (f != NULL)
            res->series_frag = f;
        if (t == NULL || a == NULL || f == NULL) {
            sim_engine_fail(R->eng, SIM_ERR_NOMEM);
            return;
        }
        R->series_cap = cap;
    }
    res->series_t[res->series_n] = (double)sim_engine_now(R->eng) / 1e9;
    res->series_alloc[res->series_n] = (double)R->st->alloc_milli / ((double)R->st->ngpus * SCL_MILLI);
    res->series_frag[res->series_n] = frag;
    res->series_n++;
    sim_err_t e = sim_engine_schedule_after(R->eng, R->sample_dt, P_SAMPLE, ev_sample, R, NULL, NULL);
    if (e != SIM_OK)
        sim_engine_fail(R->eng, e);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank quantile of sorted v[0..n). */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)ceil(q * (double)n);
    return v[k > 0 ? k - 1 : 0];
}

static int size_class(const scl_state_t *st, const scl_req_t *r)
{
    if (r->num_gpu == 0 || r->milli < SCL_MILLI)
        return SIM_CLUSTER_CLASS_SHARE;
    if (r->num_gpu == 1)
        return SIM_CLUSTER_CLASS_ONE;
    return r->num_gpu <= st->max_gpn ? SIM_CLUSTER_CLASS_NODE : SIM_CLUSTER_CLASS_GANG;
}

static sim_err_t summarise(rep_t *R)
{
    sim_cluster_result_t *res = R->res;
    double *q = malloc((size_t)R->n * sizeof *q), *c = malloc((size_t)R->n * sizeof *c);
    if (q == NULL || c == NULL) {
        free(q);
        free(c);
        return SIM_ERR_NOMEM;
    }
    size_t nq = 0, nc = 0;
    double qs = 0, cs = 0, cls_sum[SIM_CLUSTER_NCLASSES] = {0};
    int64_t end = 0;
    for (int32_t i = 0; i < R->n; i++) {
        const rjob_t *j = &R->job[i];
        if (j->first_start >= 0) {
            q[nq++] = (double)(j->first_start - j->arr) / 1e9;
            qs += q[nq - 1];
            cls_sum[j->cls] += q[nq - 1];
            res->jobs_class[j->cls]++;
        }
        if (j->state == J_DONE) {
            c[nc++] = (double)(j->end - j->arr) / 1e9;
            cs += c[nc - 1];
        }
        if ((j->state == J_DONE || j->state == J_FAILED) && j->end > end)
            end = j->end;
    }
    qsort(q, nq, sizeof *q, cmp_d);
    qsort(c, nc, sizeof *c, cmp_d);
    res->queue_mean_s = nq ? qs / (double)nq : 0;
    res->queue_p50_s = quantile(q, nq, 0.5);
    res->queue_p99_s = quantile(q, nq, 0.99);
    for (int k = 0; k < SIM_CLUSTER_NCLASSES; k++)
        res->queue_mean_class_s[k] = res->jobs_class[k] ? cls_sum[k] / (double)res->jobs_class[k] : 0;
    res->jct_mean_s = nc ? cs / (double)nc : 0;
    res->jct_p50_s = quantile(c, nc, 0.5);
    res->jct_p99_s = quantile(c, nc, 0.99);
    res->makespan_s = (double)end / 1e9;
    double denom = (double)R->st->ngpus * SCL_MILLI * (double)end;
    res->alloc_mean = denom > 0 ? R->alloc_int / denom : 0;
    res->util = denom > 0 ? R->useful / denom : 0;
    res->frag_mean_gpus = R->samples ? R->frag_sum / (double)R->samples : 0;
    res->frag_rate_mean = R->samples ? R->frag_rate_sum / (double)R->samples : 0;
    free(q);
    free(c);
    return SIM_OK;
}

/* Number the distinct priorities of the jobs 0, 1, ... in ascending order
 * (job.rank) and allocate the per-rank running lists.  Uses R->scratch.
 * O(n log n). */
static sim_err_t build_ranks(rep_t *R)
{
    int32_t *p = R->scratch, m = 0;
    for (int32_t i = 0; i < R->n; i++)
        p[i] = R->job[i].prio;
    qsort(p, (size_t)R->n, sizeof *p, cmp_i32);
    for (int32_t i = 0; i < R->n; i++)
        if (m == 0 || p[i] != p[m - 1])
            p[m++] = p[i];
    for (int32_t i = 0; i < R->n; i++) {
        const int32_t *at = bsearch(&R->job[i].prio, p, (size_t)m, sizeof *p, cmp_i32);
        R->job[i].rank = (int32_t)(at - p);
    }
    R->nranks = m;
    R->rank_first = malloc((size_t)m * sizeof *R->rank_first);
    R->rank_last = malloc((size_t)m * sizeof *R->rank_last);
    R->rank_milli = calloc((size_t)m, sizeof *R->rank_milli);
    R->rank_leaves = calloc((size_t)m, sizeof *R->rank_leaves);
    if (R->rank_first == NULL || R->rank_last == NULL || R->rank_milli == NULL ||
        R->rank_leaves == NULL)
        return SIM_ERR_NOMEM;
    for (int32_t r = 0; r < m; r++)
        R->rank_first[r] = R->rank_last[r] = -1;
    return SIM_OK;
}

sim_err_t scl_run_replay(const sim_cluster_config_t *cfg, scl_state_t *st,
                         sim_cluster_result_t *res, sim_diag_t *diag)
{
    const wl_jobtrace_t *t = cfg->trace;
    rep_t R;
    memset(&R, 0, sizeof R);
    R.cfg = cfg;
    R.st = st;
    R.res = res;
    R.diag = diag;
    size_t n = t->njobs;
    if (cfg->max_jobs > 0 && (size_t)cfg->max_jobs < n)
        n = (size_t)cfg->max_jobs;
    if (n > INT32_MAX / 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.max_jobs", "too many jobs");
    R.n = (int32_t)n;
    int32_t kmax = scl_pieces_max(st, t, n);
    sim_err_t err = SIM_OK;
    R.eng = sim_engine_new(cfg->seed);
    R.job = calloc(n, sizeof *R.job);
    R.heap = malloc(n * sizeof *R.heap);
    R.run = malloc(n * sizeof *R.run);
    R.scratch = malloc(n * sizeof *R.scratch);
    R.tmp = malloc((size_t)kmax * sizeof *R.tmp);
    R.memo_head = -1;
    R.depth = cfg->backfill_depth < R.n ? cfg->backfill_depth : R.n;
    R.aux = malloc((2 * (size_t)R.depth + 2) * sizeof *R.aux);
    if (R.eng == NULL || R.job == NULL || R.heap == NULL || R.run == NULL ||
        R.scratch == NULL || R.tmp == NULL || R.aux == NULL ||
        scl_ends_init(&R.ends, cfg->policy == SIM_CLUSTER_BACKFILL ? R.n : 0) != SIM_OK) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    double t0 = t->jobs[0].arrival_s, last = 0;
    for (size_t i = 0; i < n; i++) {
        rjob_t *j = &R.job[i];
        j->req = scl_req_of(&t->jobs[i]);
        j->arr = (int64_t)llround((t->jobs[i].arrival_s - t0) / cfg->rate_scale * 1e9);
        j->dur = (int64_t)ceil(t->jobs[i].duration_s * cfg->time_scale * 1e9);
        if (j->dur < 1)
            j->dur = 1;
        j->prio = t->jobs[i].priority;
        j->outcome = t->jobs[i].outcome;
        j->first_start = j->start = j->end = -1;
        j->heap_pos = j->run_pos = j->rprev = j->rnext = -1;
        j->cls = size_class(st, &j->req);
        j->fin = SIM_EQ_HANDLE_NULL;
        if ((j->alloc = malloc((size_t)scl_req_nodes(st, &j->req) * sizeof *j->alloc)) == NULL) {
            err = SIM_ERR_NOMEM;
            goto fail;
        }
        if ((double)j->arr > last)
            last = (double)j->arr;
    }
    if ((err = build_ranks(&R)) != SIM_OK)
        goto fail;
    res->jobs = R.n;
    R.sample_dt = (int64_t)ceil((last > 0 ? last : (double)R.job[0].dur) / cfg->series_points);
    if (R.sample_dt < 1)
        R.sample_dt = 1;
    if ((err = sim_engine_schedule_at(R.eng, R.job[0].arr, P_ARRIVE, ev_arrive, &R,
                                      (void *)(intptr_t)0, NULL)) != SIM_OK ||
        (err = sim_engine_schedule_at(R.eng, 0, P_SAMPLE, ev_sample, &R, NULL, NULL)) != SIM_OK)
        goto fail;
    if (cfg->node_mtbf_s > 0)
        for (int32_t i = 0; i < st->nnodes; i++)
            schedule_failure(&R, i);
    if ((err = sim_engine_run(R.eng, SIM_TIME_MAX)) != SIM_OK)
        goto fail;
    account(&R);
    err = summarise(&R);
fail:
    if (R.job != NULL)
        for (int32_t i = 0; i < R.n; i++)
            free(R.job[i].alloc);
    free(R.job);
    free(R.heap);
    free(R.run);
    free(R.scratch);
    scl_ends_destroy(&R.ends);
    free(R.rank_first);
    free(R.rank_last);
    free(R.rank_milli);
    free(R.rank_leaves);
    free(R.tmp);
    free(R.aux);
    sim_engine_free(R.eng);
    return err;
}
