/*
 * bench_flownet.c — timings of the flow-level network (sim/net/flownet.h)
 * at cluster scale.
 *
 *   (a) one ring step on a 16,384-GPU hpn fabric (default hpn parameters:
 *       2 pods, so some flows cross the core): every GPU g sends 64 MiB to
 *       g + 8 mod n (same rail, next node), all 16,384 flows started at
 *       t = 0; wall time from the first start to the last completion, for
 *       hash ECMP and for spray;
 *   (b) 64 jobs x 64 GPUs (8 nodes each, nodes scattered over a 4,096-GPU
 *       hpn fabric by a fixed shuffle) each running a ring all-reduce:
 *       8 rail rings per job, 2 x (8 - 1) = 14 steps of 8 MiB, a GPU
 *       sending its next chunk as soon as it received the previous one
 *       (57,344 flows in all, started from completion callbacks).
 *
 * Prints wall times (CLOCK_MONOTONIC), the network's counters, engine
 * events, simulated time and peak RSS (getrusage ru_maxrss).  Never fails
 * on time; exits 1 only if a flow did not complete.  Deterministic inputs.
 *
 * Usage: bench_flownet   (no arguments)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/engine/engine.h"
#include "sim/net/flownet.h"
#include "topologies/topo.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static topo_t *build_hpn(int64_t gpus, double *secs)
{
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = gpus;
    double t0 = now_s();
    if (topo_hpn_build(&p, &t, &d) != SIM_OK) {
        fprintf(stderr, "bench_flownet: hpn %lld: %s\n", (long long)gpus,
                d.msg);
        return NULL;
    }
    *secs = now_s() - t0;
    return t;
}

typedef struct tally {
    uint64_t done, failed;
    sim_time_t last;
} tally_t;

static void on_done(void *ctx, int32_t flow, sim_err_t status, sim_time_t now)
{
    tally_t *t = ctx;
    (void)flow;
    if (status == SIM_OK)
        t->done++;
    else
        t->failed++;
    if (now > t->last)
        t->last = now;
}

static void report(const char *name, sim_net_t *net, sim_engine_t *eng,
                   double wall, uint64_t flows, const tally_t *ty)
{
    sim_net_stats_t st;
    sim_net_get_stats(net, &st);
    printf("%-28s flows %8llu  wall %8.3f s  %10.0f flows/s  solves %6llu  "
           "rerates %9llu  events %9llu  sim time %.6f s  done %llu "
           "failed %llu\n",
           name, (unsigned long long)flows, wall,
           wall > 0 ? (double)flows / wall : 0.0,
           (unsigned long long)st.solves, (unsigned long long)st.rerates,
           (unsigned long long)sim_engine_events(eng), sim_time_to_s(ty->last),
           (unsigned long long)ty->done, (unsigned long long)ty->failed);
}

/* (a) */
static int ring_step(topo_t *t, sim_net_ecmp_t ecmp, const char *name)
{
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_params_t p;
    sim_net_params_default(&p);
    p.ecmp = ecmp;
    p.message_overhead_s = 5e-6;
    sim_net_t *net = eng ? sim_net_new(eng, t, &p) : NULL;
    tally_t ty = {0, 0, 0};
    int32_t n = t->n_gpus, gpn = t->params.gpus_per_node;
    int rc = 1;
    if (net == NULL)
        goto out;
    double t0 = now_s();
    for (int32_t g = 0; g < n; g++)
        if (sim_net_flow_start(net, g, (g + gpn) % n, 64.0 * 1048576.0,
                               (uint64_t)g, on_done, &ty, NULL) != SIM_OK)
            goto out;
    double t1 = now_s();
    if (sim_engine_run(eng, SIM_TIME_MAX) != SIM_OK)
        goto out;
    double t2 = now_s();
    report(name, net, eng, t2 - t0, (uint64_t)n, &ty);
    printf("%-28s   start %.3f s, run %.3f s\n", "", t1 - t0, t2 - t1);
    rc = ty.done == (uint64_t)n ? 0 : 1;
out:
    sim_net_free(net);
    sim_engine_free(eng);
    return rc;
}

/* (b) ring all-reduce of many jobs. */
enum { JOBS = 64, JOB_NODES = 8, STEPS = 2 * (JOB_NODES - 1) };

typedef struct jobs {
    sim_net_t *net;
    int32_t *next;   /* GPU -> its successor in its rail ring */
    int32_t *step;   /* chunks a GPU has sent */
    double chunk;
    tally_t ty;
    uint64_t started;
    int err;
} jobs_t;

/* Per-GPU callback context: who receives. */
typedef struct gpu_ctx {
    jobs_t *j;
    int32_t gpu;
} gpu_ctx_t;

static gpu_ctx_t *cb_ctx;

static void send_next(jobs_t *j, int32_t g);

static void on_recv(void *ctx, int32_t flow, sim_err_t status, sim_time_t now)
{
    gpu_ctx_t *c = ctx;
    on_done(&c->j->ty, flow, status, now);
    if (status == SIM_OK)
        send_next(c->j, c->gpu); /* the receiver forwards the next chunk */
}

static void send_next(jobs_t *j, int32_t g)
{
    if (j->step[g] >= STEPS)
        return;
    j->step[g]++;
    int32_t dst = j->next[g];
    if (sim_net_flow_start(j->net, g, dst, j->chunk, (uint64_t)g, on_recv,
                           &cb_ctx[dst], NULL) != SIM_OK)
        j->err = 1;
    else
        j->started++;
}

static int many_jobs(topo_t *t, const char *name)
{
    int32_t n = t->n_gpus, gpn = t->params.gpus_per_node;
    int32_t nodes = n / gpn;
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_params_t p;
    sim_net_params_default(&p);
    p.message_overhead_s = 5e-6;
    jobs_t j = {0};
    int32_t *perm = malloc((size_t)nodes * sizeof *perm);
    j.next = malloc((size_t)n * sizeof *j.next);
    j.step = calloc((size_t)n, sizeof *j.step);
    cb_ctx = calloc((size_t)n, sizeof *cb_ctx);
    j.net = eng ? sim_net_new(eng, t, &p) : NULL;
    j.chunk = 8.0 * 1048576.0;
    int rc = 1;
    if (perm == NULL || j.next == NULL || j.step == NULL || cb_ctx == NULL ||
        j.net == NULL || nodes < JOBS * JOB_NODES)
        goto out;
    /* Scatter: a fixed Fisher-Yates shuffle of the nodes (splitmix64). */
    uint64_t s = 0x5DEECE66DULL;
    for (int32_t i = 0; i < nodes; i++)
        perm[i] = i;
    for (int32_t i = nodes - 1; i > 0; i--) {
        uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        int32_t k = (int32_t)(z % (uint64_t)(i + 1)), tmp = perm[i];
        perm[i] = perm[k];
        perm[k] = tmp;
    }
    for (int32_t g = 0; g < n; g++) {
        j.next[g] = g; /* GPUs outside every job stay idle */
        cb_ctx[g].gpu = g;
        cb_ctx[g].j = &j;
    }
    for (int32_t job = 0; job < JOBS; job++)
        for (int32_t k = 0; k < JOB_NODES; k++) {
            int32_t node = perm[job * JOB_NODES + k];
            int32_t succ = perm[job * JOB_NODES + (k + 1) % JOB_NODES];
            for (int32_t r = 0; r < gpn; r++)
                j.next[node * gpn + r] = succ * gpn + r;
        }
    double t0 = now_s();
    for (int32_t job = 0; job < JOBS; job++)
        for (int32_t k = 0; k < JOB_NODES; k++)
            for (int32_t r = 0; r < gpn; r++)
                send_next(&j, perm[job * JOB_NODES + k] * gpn + r);
    if (sim_engine_run(eng, SIM_TIME_MAX) != SIM_OK || j.err)
        goto out;
    double wall = now_s() - t0;
    report(name, j.net, eng, wall, j.started, &j.ty);
    rc = j.ty.done == (uint64_t)JOBS * JOB_NODES * gpn * STEPS ? 0 : 1;
out:
    sim_net_free(j.net);
    sim_engine_free(eng);
    free(perm);
    free(j.next);
    free(j.step);
    free(cb_ctx);
    return rc;
}

int main(void)
{
    int rc = 0;
    double secs;
    topo_t *big = build_hpn(16384, &secs);
    if (big == NULL)
        return 1;
    printf("hpn 16,384 GPUs: %d vertices, %d links, built in %.3f s\n",
           (int)big->n_vertices, (int)big->n_links, secs);
    rc |= ring_step(big, SIM_NET_ECMP_HASH, "(a) 16K ring step, hash");
    rc |= ring_step(big, SIM_NET_ECMP_SPRAY, "(a) 16K ring step, spray");
    topo_free(big);

    topo_t *mid = build_hpn(4096, &secs);
    if (mid == NULL)
        return 1;
    printf("hpn 4,096 GPUs: %d vertices, %d links, built in %.3f s\n",
           (int)mid->n_vertices, (int)mid->n_links, secs);
    rc |= many_jobs(mid, "(b) 64 jobs x 64 GPU rings");
    topo_free(mid);
    printf("peak RSS %.1f MiB\n", (double)peak_rss_kib() / 1024.0);
    return rc;
}
