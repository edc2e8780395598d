/*
 * bench_lmm.c — timings of the max-min solver (sim/net/lmm.h) at the sizes
 * the network model needs.
 *
 *   (a) ring: 16,384 flows, each on its own 6-link path; neighbours share
 *       3 links, so the whole ring is one component: full solve time.
 *   (b) incremental, local: 100,000 flows on 200,000 constraints, each
 *       path 2-6 links drawn from a 16-link window (locality as in a
 *       fabric: many small components); then 10,000 single-flow add or
 *       remove events, each followed by a solve: mean time per solve.
 *   (b') incremental, uniform: the same sizes with paths drawn uniformly
 *       from all constraints (one giant component: the worst case, as
 *       every solve re-solves most flows); 50 events.
 *   (c) two-tier fabric: 65,536 flows over 4,096 hosts, 64 leaves and 16
 *       spines (4:1 oversubscribed), all in one component: full solve.
 *
 * Prints wall times (CLOCK_MONOTONIC), the solver's own counters and the
 * peak RSS (getrusage ru_maxrss).  Never fails on time.  Deterministic
 * inputs (fixed seeds).
 *
 * Usage: bench_lmm   (no arguments)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/net/lmm.h"

static uint64_t rng = 0x243F6A8885A308D3ULL;

static uint64_t next_u64(void)
{
    /* splitmix64 */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int rnd_int(int n)
{
    return (int)(next_u64() % (uint64_t)n);
}

static double rnd_range(double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_u64() >> 11) *
                    (1.0 / 9007199254740992.0);
}

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
    return ru.ru_maxrss;   /* KiB on Linux */
}

static void die(const char *what)
{
    fprintf(stderr, "bench_lmm: %s failed\n", what);
    exit(1);
}

static int add_cnst(sim_lmm_t *s, double cap)
{
    int id;
    if (sim_lmm_constraint_new(s, cap, &id) != SIM_OK)
        die("constraint_new");
    return id;
}

static int add_var(sim_lmm_t *s, double w, double b, const int *p, size_t n)
{
    int id;
    if (sim_lmm_variable_new(s, w, b, p, n, &id) != SIM_OK)
        die("variable_new");
    return id;
}

static void bench_ring(void)
{
    enum { N = 16384 };
    sim_lmm_t *s = sim_lmm_new();
    if (s == NULL)
        die("sim_lmm_new");
    double t0 = now_s();
    for (int c = 0; c < 3 * N; c++)
        add_cnst(s, rnd_range(100.0, 400.0));
    for (int i = 0; i < N; i++) {
        int j = (i + 1) % N;
        int p[6] = {3 * i, 3 * i + 1, 3 * i + 2, 3 * j, 3 * j + 1, 3 * j + 2};
        add_var(s, 1.0, SIM_LMM_NO_BOUND, p, 6);
    }
    double t1 = now_s();
    sim_lmm_solve(s);
    double t2 = now_s();
    enum { REP = 20 };
    for (int r = 0; r < REP; r++) {
        int c = rnd_int(3 * N);
        sim_lmm_constraint_set_capacity(s, c, rnd_range(100.0, 400.0));
        sim_lmm_solve(s);
    }
    double t3 = now_s();
    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    printf("(a) ring: %d flows x 6 links, %d constraints, one component\n",
           N, 3 * N);
    printf("    build %.3f ms, first full solve %.3f ms, "
           "re-solve after one capacity change %.3f ms (mean of %d; "
           "%zu flows, %zu changed in the last)\n",
           1e3 * (t1 - t0), 1e3 * (t2 - t1), 1e3 * (t3 - t2) / REP, REP,
           st.last_vars, st.last_changed);
    sim_lmm_free(s);
}

/* Flows in (b) and (b'): ids of live flows kept in a dense array. */
typedef struct flows {
    int *id;
    int n;
} flows_t;

static void random_path(int *p, int *n, int ncnst, int window)
{
    *n = 2 + rnd_int(window > 0 ? 5 : 3);
    int center = rnd_int(ncnst);
    for (int j = 0; j < *n; j++)
        p[j] = window > 0 ? (center + rnd_int(window)) % ncnst
                          : rnd_int(ncnst);
}

static void add_random_flow(sim_lmm_t *s, flows_t *f, int ncnst, int window)
{
    int p[6], n;
    random_path(p, &n, ncnst, window);
    double bound = rnd_int(10) == 0 ? rnd_range(5.0, 50.0) : SIM_LMM_NO_BOUND;
    f->id[f->n++] = add_var(s, 1.0, bound, p, (size_t)n);
}

static void bench_incremental(const char *label, int window, int events)
{
    enum { NC = 200000, NV = 100000 };
    sim_lmm_t *s = sim_lmm_new();
    flows_t f = {malloc(sizeof(int) * (NV + events)), 0};
    if (s == NULL || f.id == NULL)
        die("allocation");
    for (int c = 0; c < NC; c++)
        add_cnst(s, rnd_range(10.0, 100.0));
    for (int i = 0; i < NV; i++)
        add_random_flow(s, &f, NC, window);
    double t0 = now_s();
    sim_lmm_solve(s);
    double t1 = now_s();

    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    uint64_t solved0 = st.vars_solved;
    double worst = 0.0;
    uint64_t changed = 0;
    double ts = now_s();
    for (int e = 0; e < events; e++) {
        if (e % 2 == 0) {
            add_random_flow(s, &f, NC, window);
        } else {
            int k = rnd_int(f.n);
            sim_lmm_variable_free(s, f.id[k]);
            f.id[k] = f.id[--f.n];
        }
        double a = now_s();
        sim_lmm_solve(s);
        double b = now_s();
        if (b - a > worst)
            worst = b - a;
        size_t nch;
        sim_lmm_changed(s, &nch);
        changed += nch;
    }
    double te = now_s();
    sim_lmm_get_stats(s, &st);
    printf("%s: %d flows on %d constraints, paths 2-%d links %s\n", label,
           NV, NC, window > 0 ? 6 : 4,
           window > 0 ? "from a 16-link window" : "drawn uniformly");
    printf("    full solve %.3f ms; %d add/remove events each + solve: "
           "mean %.3f us per event (max solve %.3f ms), "
           "mean %.1f flows re-solved, %.1f changed\n",
           1e3 * (t1 - t0), events, 1e6 * (te - ts) / events, 1e3 * worst,
           (double)(st.vars_solved - solved0) / events,
           (double)changed / events);
    free(f.id);
    sim_lmm_free(s);
}

static void bench_fabric(void)
{
    enum { HOSTS = 4096, LEAVES = 64, SPINES = 16, FLOWS = 65536 };
    const int per_leaf = HOSTS / LEAVES;
    const double link = 400.0;          /* Gb/s, the same on every link */
    sim_lmm_t *s = sim_lmm_new();
    if (s == NULL)
        die("sim_lmm_new");
    int host_up = 0, host_down = HOSTS, up = 2 * HOSTS,
        down = 2 * HOSTS + LEAVES * SPINES;
    for (int c = 0; c < 2 * HOSTS + 2 * LEAVES * SPINES; c++)
        add_cnst(s, link);
    int *ids = malloc(sizeof(int) * FLOWS);
    if (ids == NULL)
        die("allocation");
    for (int i = 0; i < FLOWS; i++) {
        int src = i % HOSTS, dst;
        do
            dst = rnd_int(HOSTS);
        while (dst / per_leaf == src / per_leaf);
        int sp = rnd_int(SPINES);
        int p[4] = {host_up + src, up + (src / per_leaf) * SPINES + sp,
                    down + sp * LEAVES + dst / per_leaf, host_down + dst};
        /* A per-flow cap on a fifth of the flows, near the spine's fair
         * share (400 * 16 / 1024 = 6.25) so that some caps bind; the
         * value is illustrative, not from a datasheet. */
        double bound = i % 5 == 0 ? 0.9 * link / 64 : SIM_LMM_NO_BOUND;
        ids[i] = add_var(s, 1.0, bound, p, 4);
    }
    double t0 = now_s();
    sim_lmm_solve(s);
    double t1 = now_s();
    sim_lmm_variable_free(s, ids[0]);
    sim_lmm_solve(s);
    double t2 = now_s();
    sim_lmm_stats_t st;
    sim_lmm_get_stats(s, &st);
    printf("(c) fabric: %d flows, %d hosts, %d leaves x %d spines, "
           "one component\n", FLOWS, HOSTS, LEAVES, SPINES);
    printf("    full solve %.3f ms; re-solve after removing one flow %.3f ms "
           "(%zu flows re-solved, %zu changed)\n",
           1e3 * (t1 - t0), 1e3 * (t2 - t1), st.last_vars, st.last_changed);
    free(ids);
    sim_lmm_free(s);
}

int main(void)
{
    double t0 = now_s();
    bench_ring();
    bench_incremental("(b) incremental, local", 16, 10000);
    bench_incremental("(b') incremental, uniform", 0, 50);
    bench_fabric();
    printf("total %.2f s, peak RSS %ld KiB\n", now_s() - t0, peak_rss_kib());
    return 0;
}
