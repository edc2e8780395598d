/*
 * mpi_pool.c — the MPI work queue of a sweep (mpi_pool.h).  Compiled only
 * with HAVE_MPI.
 *
 * Invariant on rank 0: held[w] == the variants handed to worker w and not
 * yet returned, their sum == next - done (rank 0 runs its own variants to
 * completion before it polls again); STOP is sent only when every held[w]
 * is 0, so every worker's last MPI_Isend has a matching receive before
 * MPI_Finalize.
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

/* Receive the result whose envelope is st and commit it. */
static sim_err_t receive_result(const sweep_t *sw, sim_store_t *store,
                                int64_t sweep_id, MPI_Status *st,
                                size_t *n_failed, sim_diag_t *diag)
{
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
    json_t *outcome = json_loads(text, 0, NULL);
    free(text);
    sim_err_t err;
    const char *fatal = json_string_value(json_object_get(outcome, "fatal"));
    size_t f = 0;
    if (outcome == NULL)
        err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                           "rank %d sent a result that is not JSON", st->MPI_SOURCE);
    else if (fatal != NULL)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "rank %d: %s",
                           st->MPI_SOURCE, fatal);
    else
        err = sweep_commit(sw, store, sweep_id, outcome, &f, diag);
    *n_failed += f;
    json_decref(outcome);
    return err;
}

/* Rank 0's state while it coordinates. */
typedef struct coord {
    const sweep_t *sw;
    sim_store_t *st;
    int64_t sweep_id;
    const sweep_remaining_t *rem;
    sweep_progress_fn progress;
    void *ctx;
    size_t next, done, failed;
    size_t runners;  /* ranks that run variants */
    size_t *held;    /* [size]: variants handed to each worker, not returned */
    mpi_pool_times_t *times;
    double last_end; /* when its last own variant ended (CLOCK_MONOTONIC s) */
} coord_t;

/* Whether worker w is owed another variant: one is left to hand out and
 * w holds less than its share of what is unfinished. */
static bool owed(const coord_t *c, int w)
{
    return c->next < c->rem->n &&
           c->held[w] < sweep_share(c->rem->n - c->done, c->runners, MPI_POOL_DEPTH);
}

static sim_err_t hand_out(coord_t *c, int w, sim_diag_t *diag)
{
    sim_err_t err = send_work(&c->rem->items[c->next], w, diag);
    if (err == SIM_OK) {
        c->next++;
        c->held[w]++;
    }
    return err;
}

static void finished_one(coord_t *c)
{
    c->done++;
    if (c->progress != NULL)
        c->progress(c->done, c->rem->n, c->ctx);
}

/* Commit the result whose envelope is st and top its sender up. */
static sim_err_t take_result(coord_t *c, MPI_Status *st, sim_diag_t *diag)
{
    double t0 = monotonic_s();
    int w = st->MPI_SOURCE;
    if (c->held[w] == 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                            "rank %d sent a result it was not asked for", w);
    sim_err_t err = receive_result(c->sw, c->st, c->sweep_id, st, &c->failed, diag);
    c->times->commit_s += monotonic_s() - t0;
    if (err != SIM_OK)
        return err;
    c->held[w]--;
    finished_one(c);
    while (err == SIM_OK && owed(c, w))
        err = hand_out(c, w, diag);
    return err;
}

/* Run the next variant here and commit it. */
static sim_err_t run_own(coord_t *c, sim_diag_t *diag)
{
    const sweep_item_t *it = &c->rem->items[c->next++];
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
    c->times->commit_s += monotonic_s() - t1;
    json_decref(outcome);
    c->failed += f;
    if (err == SIM_OK)
        finished_one(c);
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
    coord_t c = {sw, st, sweep_id, remaining, progress, ctx, 0, 0, 0,
                 (size_t)p->size - (self ? 0 : 1), NULL, &p->times, start};
    c.held = calloc((size_t)p->size, sizeof *c.held);
    if (c.held == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    sim_err_t err = SIM_OK;
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
        if (self && c.next < remaining->n) {
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
    free(c.held);
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
