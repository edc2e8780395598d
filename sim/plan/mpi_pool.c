/*
 * mpi_pool.c — the MPI work queue of a sweep (mpi_pool.h).  Compiled only
 * with HAVE_MPI.
 *
 * Invariants on rank 0: order[0, next) went to workers, order[tail, n) ran
 * here, order[next, tail) is open; held[w] == the variants handed to
 * worker w and not yet returned (holder[item] == w), their sum == next -
 * (done - own) (rank 0 runs its own variants to completion before it polls
 * again); STOP is sent only when every held[w] is 0, so every worker's
 * last MPI_Isend has a matching receive before MPI_Finalize.  Estimates
 * (est, held_work, open_work) steer only who runs what and when; what is
 * committed is each outcome as it came, so they never reach the output.
 */
#include "config.h"

#ifdef HAVE_MPI

#include "sim/plan/mpi_pool.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/jsonout.h"

enum { TAG_WORK = 1, TAG_STOP = 2, TAG_RESULT = 3 };

/* Sleeps between polls of an idle rank (mpi_pool.h, "Waiting"). */
#define POLL_FIRST_NS 10000L
#define POLL_MOST_NS 1000000L

struct mpi_pool {
    int rank;
    int size;
    mpi_pool_times_t times;
};

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Sleep *ns and double it up to POLL_MOST_NS. */
static void nap(long *ns)
{
    struct timespec ts = {0, *ns};
    nanosleep(&ts, NULL);
    *ns = *ns * 2 < POLL_MOST_NS ? *ns * 2 : POLL_MOST_NS;
}

/* MPI_Probe without spinning: *st is the envelope of the next message
 * from source with tag. */
static int probe_sleeping(int source, int tag, MPI_Status *st)
{
    long ns = POLL_FIRST_NS;
    for (;;) {
        int flag = 0;
        int rc = MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, st);
        if (rc != MPI_SUCCESS || flag)
            return rc;
        nap(&ns);
    }
}

/* MPI_Waitall without spinning. */
static int waitall_sleeping(int n, MPI_Request *req)
{
    long ns = POLL_FIRST_NS;
    for (;;) {
        int flag = 0;
        int rc = MPI_Testall(n, req, &flag, MPI_STATUSES_IGNORE);
        if (rc != MPI_SUCCESS || flag)
            return rc;
        nap(&ns);
    }
}

bool mpi_pool_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL ||
           getenv("PMIX_RANK") != NULL;
}

static sim_err_t mpi_fail(sim_diag_t *diag, int rc, const char *what)
{
    char msg[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    return sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL, "MPI: %s: %s", what, msg);
}

sim_err_t mpi_pool_init(mpi_pool_t **out, sim_diag_t *diag)
{
    *out = NULL;
    /* A sweep exchanges a few small messages per variant, so start-up
     * dominates MPI's cost: Open MPI's default UCX layer takes ~0.3 s to
     * start on Debian's build, its ob1 layer over shared memory and TCP
     * ~0.1 s and still reaches other machines.  Asked for only when the
     * user has not chosen (OMPI_MCA_pml / OMPI_MCA_btl in the environment
     * or `mpirun --mca` win). */
    setenv("OMPI_MCA_pml", "ob1", 0);
    setenv("OMPI_MCA_btl", "self,vader,tcp", 0);
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    int rc = MPI_Init(NULL, NULL);
    if (rc != MPI_SUCCESS)
        return sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL, "MPI_Init failed (%d)", rc);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    mpi_pool_t *p = calloc(1, sizeof *p);
    if (p == NULL) {
        MPI_Finalize();
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &p->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &p->size);
    *out = p;
    return SIM_OK;
}

int mpi_pool_rank(const mpi_pool_t *p) { return p->rank; }
int mpi_pool_size(const mpi_pool_t *p) { return p->size; }
const mpi_pool_times_t *mpi_pool_times(const mpi_pool_t *p) { return &p->times; }

uint64_t mpi_pool_fingerprint(const sweep_t *sw)
{
    const char *s = sweep_scenario_json(sw), *v = sweep_vary_json(sw);
    uint64_t h = cfg_fnv1a64(s, strlen(s));
    h ^= cfg_fnv1a64(v, strlen(v)) * 0x100000001b3ull;
    return h ^ ((uint64_t)sweep_variant_count(sw) << 32) ^ (uint64_t)sweep_replications(sw);
}

sim_err_t mpi_pool_agree(mpi_pool_t *p, sim_err_t local, uint64_t fingerprint,
                         sim_diag_t *diag)
{
    int bad = local != SIM_OK, any_bad = 0;
    if (MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
        return sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL, "MPI_Allreduce failed");
    if (bad)
        return local;
    if (any_bad)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "rank %d: another rank failed to set up the sweep", p->rank);
    uint64_t root = fingerprint;
    if (MPI_Bcast(&root, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        return sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL, "MPI_Bcast failed");
    int differs = root != fingerprint, any_differs = 0;
    if (MPI_Allreduce(&differs, &any_differs, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
        return sim_diag_set(diag, SIM_ERR_LIB, NULL, 0, NULL, "MPI_Allreduce failed");
    if (any_differs)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "rank %d: the ranks disagree on the sweep (different "
                            "arguments or scenario files?)%s", p->rank,
                            differs ? " — this rank differs from rank 0" : "");
    return SIM_OK;
}

/* ---- rank 0 ---------------------------------------------------------------- */

static sim_err_t send_work(const sweep_item_t *it, int dest, sim_diag_t *diag)
{
    int64_t buf[1 + SWEEP_MAX_REPLICATIONS];
    buf[0] = (int64_t)it->variant;
    memcpy(buf + 1, it->reps, it->n_reps * sizeof *it->reps);
    int rc = MPI_Send(buf, (int)(1 + it->n_reps), MPI_INT64_T, dest, TAG_WORK, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? SIM_OK : mpi_fail(diag, rc, "sending work");
}

/* Teach cost what an outcome's runs took per replication (their wall_s,
 * measured by whichever rank ran them; never part of what a sweep prints). */
static void learn(sweep_cost_t *cost, const json_t *outcome)
{
    const json_t *runs = json_object_get(outcome, "runs");
    size_t n = json_array_size(runs);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += json_number_value(json_object_get(json_array_get(runs, i), "wall_s"));
    json_int_t variant = json_integer_value(json_object_get(outcome, "variant"));
    if (n > 0 && variant >= 0)
        sweep_cost_observe(cost, (size_t)variant, sum / (double)n);
}

/* Receive the result whose envelope is st into *outcome (json_decref):
 * SIM_OK, SIM_ERR_NOMEM (here or on the worker), SIM_ERR_INPUT (not JSON),
 * SIM_ERR_LIB. */
static sim_err_t receive_result(MPI_Status *st, json_t **outcome, sim_diag_t *diag)
{
    *outcome = NULL;
    int len = 0;
    MPI_Get_count(st, MPI_CHAR, &len);
    char *text = malloc((size_t)len + 1);
    if (text == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    int rc = MPI_Recv(text, len, MPI_CHAR, st->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                      MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
        free(text);
        return mpi_fail(diag, rc, "receiving a result");
    }
    text[len] = '\0';
    json_t *o = json_loads(text, 0, NULL);
    free(text);
    if (o == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                            "rank %d sent a result that is not JSON", st->MPI_SOURCE);
    const char *fatal = json_string_value(json_object_get(o, "fatal"));
    if (fatal != NULL) {
        sim_err_t err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "rank %d: %s",
                                     st->MPI_SOURCE, fatal);
        json_decref(o);
        return err;
    }
    *outcome = o;
    return SIM_OK;
}

/* holder[] of an item not handed out yet, and of a finished one. */
#define HOLDER_OPEN (-1)
#define HOLDER_DONE (-2)

/* Rank 0's state while it coordinates. */
typedef struct coord {
    const sweep_t *sw;
    sim_store_t *st;
    int64_t sweep_id;
    const sweep_remaining_t *rem;
    sweep_progress_fn progress;
    void *ctx;
    size_t next, tail; /* order[next, tail) is not handed out yet */
    size_t done, failed;
    size_t runners;    /* ranks that run variants */
    int size;          /* ranks */
    size_t *held;      /* [size]: variants handed to each worker, not returned */
    double *held_work; /* [size]: their estimated seconds (est[]) */
    size_t *order;     /* [rem->n]: [next, tail) not handed out yet, most
                          expensive first: workers take from the front,
                          rank 0 its own from the back */
    int *holder;       /* [rem->n]: the rank running each item, or HOLDER_* */
    double *est;       /* [rem->n]: estimated seconds at the last ranking, 0
                          before it */
    double open_work;  /* sum of est[] over order[next, tail) */
    sweep_cost_t *cost;
    size_t ranked_at;  /* observations when order was last sorted; 0: never */
    mpi_pool_times_t *times;
    double last_end;   /* when its last own variant ended (CLOCK_MONOTONIC s) */
} coord_t;

/* Allocate c's arrays (c->rem set) for size ranks: SIM_OK or
 * SIM_ERR_NOMEM; coord_release in either case. */
static sim_err_t coord_init(coord_t *c, const sweep_t *sw, int size)
{
    size_t n = c->rem->n, n_axes = sweep_axis_count(sw);
    size_t *sizes = malloc((n_axes + 1) * sizeof *sizes);
    for (size_t a = 0; sizes != NULL && a < n_axes; a++)
        sizes[a] = sweep_axis_size(sw, a);
    c->size = size;
    c->held = calloc((size_t)size, sizeof *c->held);
    c->held_work = calloc((size_t)size, sizeof *c->held_work);
    c->order = malloc((n + 1) * sizeof *c->order);
    c->holder = malloc((n + 1) * sizeof *c->holder);
    c->est = calloc(n + 1, sizeof *c->est);
    c->tail = n;
    sim_err_t err = SIM_ERR_NOMEM;
    if (sizes != NULL && c->held != NULL && c->held_work != NULL && c->order != NULL &&
        c->holder != NULL && c->est != NULL)
        err = sweep_cost_new(sizes, n_axes, &c->cost);
    free(sizes);
    /* Cartesian order until the first result teaches the model something. */
    for (size_t i = 0; err == SIM_OK && i < n; i++) {
        c->order[i] = i;
        c->holder[i] = HOLDER_OPEN;
    }
    return err;
}

/* Free what coord_init allocated (NULL members too). */
static void coord_release(coord_t *c)
{
    free(c->held);
    free(c->held_work);
    free(c->order);
    free(c->holder);
    free(c->est);
    sweep_cost_free(c->cost);
}

/* Whether worker w is owed another variant: one is left to hand out and
 * w holds fewer than MPI_POOL_DEPTH and either fewer than two (one to run,
 * one queued: rank 0 answers only between its own variants), within the
 * count share, or, once costs are learnt, less estimated work than both
 * MPI_POOL_AHEAD times rank 0's next own variant and its share of the
 * estimated work left (a count share would let a worker holding
 * expensive variants keep rank 0 idle at the end); before that, the
 * count share (sweep_share). */
static bool owed(const coord_t *c, int w)
{
    if (c->next >= c->tail || c->held[w] >= MPI_POOL_DEPTH)
        return false;
    size_t count_share = sweep_share(c->rem->n - c->done, c->runners, MPI_POOL_DEPTH);
    if (c->ranked_at == 0)
        return c->held[w] < count_share;
    if (c->held[w] < (count_share < 2 ? count_share : 2))
        return true;
    double left = c->open_work;
    for (int v = 1; v < c->size; v++)
        left += c->held_work[v];
    double share = left / (double)c->runners;
    double ahead = MPI_POOL_AHEAD * c->est[c->order[c->tail - 1]];
    return c->held_work[w] < (ahead < share ? ahead : share);
}

static sim_err_t hand_out(coord_t *c, int w, sim_diag_t *diag)
{
    size_t item = c->order[c->next];
    sim_err_t err = send_work(&c->rem->items[item], w, diag);
    if (err == SIM_OK) {
        c->next++;
        c->held[w]++;
        c->holder[item] = w;
        c->held_work[w] += c->est[item];
        c->open_work -= c->est[item];
    }
    return err;
}

/* Once the observations have grown by a quarter since the last ranking
 * (O(log n) rankings per sweep, yet each of the first few results, which
 * teach the model most, triggers one): re-estimate every unfinished item
 * and sort those not handed out, most expensive first. */
static sim_err_t rerank(coord_t *c, sim_diag_t *diag)
{
    size_t seen = sweep_cost_observed(c->cost), step = c->ranked_at / 4;
    if (seen < c->ranked_at + (step > 0 ? step : 1))
        return SIM_OK;
    if (sweep_cost_order(c->cost, c->rem, c->order + c->next, c->tail - c->next) != SIM_OK)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    c->ranked_at = seen;
    c->open_work = 0;
    for (int w = 0; w < c->size; w++)
        c->held_work[w] = 0;
    for (size_t i = 0; i < c->rem->n; i++) {
        if (c->holder[i] == HOLDER_DONE)
            continue;
        const sweep_item_t *it = &c->rem->items[i];
        c->est[i] = sweep_cost_estimate(c->cost, it->variant) * (double)it->n_reps;
        if (c->holder[i] == HOLDER_OPEN)
            c->open_work += c->est[i];
        else
            c->held_work[c->holder[i]] += c->est[i];
    }
    return SIM_OK;
}

/* The item of remaining whose variant an outcome is (items are in
 * cartesian order: binary search), or remaining->n. */
static size_t find_item(const sweep_remaining_t *rem, const json_t *outcome)
{
    json_int_t v = json_integer_value(json_object_get(outcome, "variant"));
    size_t lo = 0, hi = rem->n;
    while (v >= 0 && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rem->items[mid].variant < (size_t)v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return v >= 0 && lo < rem->n && rem->items[lo].variant == (size_t)v ? lo : rem->n;
}

/* Item finished (committed): forget its holder, learn its cost. */
static sim_err_t finished_one(coord_t *c, size_t item, const json_t *outcome, sim_diag_t *diag)
{
    c->holder[item] = HOLDER_DONE;
    learn(c->cost, outcome);
    c->done++;
    if (c->progress != NULL)
        c->progress(c->done, c->rem->n, c->ctx);
    return rerank(c, diag);
}

/* Commit the result whose envelope is st and top its sender up. */
static sim_err_t take_result(coord_t *c, MPI_Status *st, sim_diag_t *diag)
{
    double t0 = monotonic_s();
    int w = st->MPI_SOURCE;
    json_t *outcome = NULL;
    size_t f = 0, item = c->rem->n;
    sim_err_t err = receive_result(st, &outcome, diag);
    if (err == SIM_OK) {
        item = find_item(c->rem, outcome);
        if (item == c->rem->n || c->holder[item] != w)
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                               "rank %d sent a result it was not asked for", w);
    }
    if (err == SIM_OK)
        err = sweep_commit(c->sw, c->st, c->sweep_id, outcome, &f, diag);
    if (err == SIM_OK) {
        c->failed += f;
        c->held[w]--;
        c->held_work[w] = c->held[w] > 0 ? c->held_work[w] - c->est[item] : 0;
        err = finished_one(c, item, outcome, diag);
    }
    json_decref(outcome);
    c->times->commit_s += monotonic_s() - t0;
    while (err == SIM_OK && owed(c, w))
        err = hand_out(c, w, diag);
    return err;
}

/* Run the next variant here and commit it. */
static sim_err_t run_own(coord_t *c, sim_diag_t *diag)
{
    size_t item = c->order[--c->tail];
    const sweep_item_t *it = &c->rem->items[item];
    c->holder[item] = 0;
    c->open_work -= c->est[item];
    json_t *outcome = NULL;
    size_t f = 0;
    double t0 = monotonic_s();
    sim_err_t err = sweep_run_variant(c->sw, it->variant, it->reps, it->n_reps, &outcome, diag);
    double t1 = monotonic_s();
    c->times->run_s += t1 - t0;
    c->times->variants++;
    c->last_end = t1;
    if (err == SIM_OK)
        err = sweep_commit(c->sw, c->st, c->sweep_id, outcome, &f, diag);
    c->failed += f;
    if (err == SIM_OK)
        err = finished_one(c, item, outcome, diag);
    c->times->commit_s += monotonic_s() - t1;
    json_decref(outcome);
    return err;
}

sim_err_t mpi_pool_coordinate(mpi_pool_t *p, const sweep_t *sw, sim_store_t *st,
                              int64_t sweep_id, const sweep_remaining_t *remaining,
                              sweep_progress_fn progress, void *ctx,
                              size_t *n_failed, sim_diag_t *diag)
{
    double start = monotonic_s();
    memset(&p->times, 0, sizeof p->times);
    bool self = p->size <= 2;
    coord_t c = {0};
    c.sw = sw;
    c.st = st;
    c.sweep_id = sweep_id;
    c.rem = remaining;
    c.progress = progress;
    c.ctx = ctx;
    c.runners = (size_t)p->size - (self ? 0 : 1);
    c.times = &p->times;
    c.last_end = start;
    sim_err_t err = coord_init(&c, sw, p->size);
    if (err != SIM_OK) {
        coord_release(&c);
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    /* Round-robin, so that a short sweep is spread over every worker. */
    for (int round = 0; round < MPI_POOL_DEPTH && err == SIM_OK; round++)
        for (int w = 1; w < p->size && err == SIM_OK; w++)
            if (owed(&c, w))
                err = hand_out(&c, w, diag);

    while (err == SIM_OK && c.done < remaining->n) {
        /* Every result that has arrived, then one variant of our own. */
        MPI_Status status;
        int flag = 1;
        while (err == SIM_OK && flag) {
            int rc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &status);
            if (rc != MPI_SUCCESS)
                err = mpi_fail(diag, rc, "probing for results");
            else if (flag)
                err = take_result(&c, &status, diag);
        }
        if (err != SIM_OK || c.done == remaining->n)
            break;
        if (self && c.next < c.tail) {
            err = run_own(&c, diag);
            continue;
        }
        double t0 = monotonic_s();
        int rc = probe_sleeping(MPI_ANY_SOURCE, TAG_RESULT, &status);
        p->times.wait_s += monotonic_s() - t0;
        err = rc == MPI_SUCCESS ? take_result(&c, &status, diag)
                                : mpi_fail(diag, rc, "waiting for results");
    }
    for (int w = 1; err == SIM_OK && w < p->size; w++) {
        int rc = MPI_Send(NULL, 0, MPI_INT64_T, w, TAG_STOP, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            err = mpi_fail(diag, rc, "stopping workers");
    }
    coord_release(&c);
    double end = monotonic_s();
    p->times.span_s = end - start;
    p->times.tail_s = end - c.last_end;
    if (n_failed != NULL)
        *n_failed = c.failed;
    return err;
}

/* ---- workers --------------------------------------------------------------- */

sim_err_t mpi_pool_work(mpi_pool_t *p, const sweep_t *sw, sim_diag_t *diag)
{
    static int64_t buf[1 + SWEEP_MAX_REPLICATIONS];
    /* Results go out without waiting for rank 0 to take them: a result
     * larger than the eager limit is only received when rank 0 next looks
     * (between its own variants), and waiting for that before computing
     * the next variant would lock this rank to rank 0's pace.  Up to
     * MPI_POOL_DEPTH sends are in flight; slot k % depth is reused. */
    MPI_Request req[MPI_POOL_DEPTH];
    char *pending[MPI_POOL_DEPTH] = {NULL};
    size_t sent = 0;
    sim_err_t err = SIM_OK;
    double start = monotonic_s(), last_end = start;
    memset(&p->times, 0, sizeof p->times);
    for (int i = 0; i < MPI_POOL_DEPTH; i++)
        req[i] = MPI_REQUEST_NULL;
    for (;;) {
        MPI_Status status;
        double t0 = monotonic_s();
        int rc = probe_sleeping(0, MPI_ANY_TAG, &status);
        p->times.wait_s += monotonic_s() - t0;
        if (rc != MPI_SUCCESS) {
            err = mpi_fail(diag, rc, "waiting for work");
            break;
        }
        int n = 0;
        MPI_Get_count(&status, MPI_INT64_T, &n);
        if (n < 0 || n > 1 + SWEEP_MAX_REPLICATIONS ||
            (status.MPI_TAG == TAG_WORK && n < 2)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                               "malformed message from rank 0");
            break;
        }
        /* Matched by the probe: complete, so MPI_Recv does not wait. */
        rc = MPI_Recv(buf, n, MPI_INT64_T, 0, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) {
            err = mpi_fail(diag, rc, "receiving work");
            break;
        }
        if (status.MPI_TAG == TAG_STOP)
            break;
        json_t *outcome = NULL;
        char *text = NULL;
        if (buf[0] < 0 || (uint64_t)buf[0] >= sweep_variant_count(sw)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                               "rank 0 sent variant %lld of %zu", (long long)buf[0],
                               sweep_variant_count(sw));
            break;
        }
        t0 = monotonic_s();
        err = sweep_run_variant(sw, (size_t)buf[0], buf + 1, (size_t)(n - 1), &outcome, diag);
        last_end = monotonic_s();
        p->times.run_s += last_end - t0;
        p->times.variants++;
        if (err == SIM_OK)
            text = sim_json_dumps(outcome);
        json_decref(outcome);
        if (text == NULL) {
            /* Tell rank 0, which aborts the job; a fixed text needs no memory. */
            static char fatal[] = "{\"fatal\": \"out of memory\"}";
            waitall_sleeping(MPI_POOL_DEPTH, req);
            MPI_Send(fatal, (int)strlen(fatal), MPI_CHAR, 0, TAG_RESULT, MPI_COMM_WORLD);
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
            break;
        }
        size_t slot = sent++ % MPI_POOL_DEPTH;
        /* The slot's earlier result must be out before its buffer is freed. */
        t0 = monotonic_s();
        rc = waitall_sleeping(1, &req[slot]);
        p->times.send_s += monotonic_s() - t0;
        free(pending[slot]);
        pending[slot] = text;
        if (rc == MPI_SUCCESS)
            rc = MPI_Isend(pending[slot], (int)strlen(pending[slot]), MPI_CHAR, 0, TAG_RESULT,
                           MPI_COMM_WORLD, &req[slot]);
        if (rc != MPI_SUCCESS) {
            err = mpi_fail(diag, rc, "sending a result");
            break;
        }
    }
    waitall_sleeping(MPI_POOL_DEPTH, req);
    for (int i = 0; i < MPI_POOL_DEPTH; i++)
        free(pending[i]);
    double end = monotonic_s();
    p->times.span_s = end - start;
    p->times.tail_s = end - last_end;
    return err;
}

void mpi_pool_abort(mpi_pool_t *p, int status)
{
    (void)p;
    MPI_Abort(MPI_COMM_WORLD, status != 0 ? status : 1);
    abort(); /* believed unreachable: MPI_Abort does not return */
}

void mpi_pool_finalize(mpi_pool_t *p)
{
    if (p == NULL)
        return;
    MPI_Finalize();
    free(p);
}

#endif /* HAVE_MPI */
