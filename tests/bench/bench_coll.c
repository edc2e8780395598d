/*
 * bench_coll.c — cost of simulating collectives (sim/net/collective.h).
 *
 * 1. A 1 GiB all-reduce on the hpn topology (topo_build, TOPO_HPN,
 *    defaults) at 8, 64, 512, 4,096 and 16,384 GPUs, ring and
 *    hierarchical: simulated time, busbw, flows started, steps simulated
 *    and collapsed, wall time of the simulation (topology build excluded,
 *    printed apart) and the process's peak RSS so far.
 * 2. Contention: 64 jobs of 32 GPUs each run a 256 MiB ring all-reduce at
 *    once on one 2,048-GPU hpn fabric (no collapsing possible): makespan,
 *    busbw spread, wall time.
 * Parameters: the embedded H100 profile (workloads/profiles/net.ini).
 * Prints figures; never fails on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/net/collective.h"

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static topo_t *hpn(int64_t gpus, double *build_s)
{
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    double t0 = wall();
    topo_params_default(&p, TOPO_HPN);
    p.gpus = gpus;
    if (topo_build(&p, &t, &d) != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "bench_coll: %s\n", sim_diag_format(&d, buf,
                                                           sizeof buf));
        return NULL;
    }
    *build_s = wall() - t0;
    return t;
}

static int scaling(const sim_coll_profile_t *prof)
{
    static const int64_t sizes[] = {8, 64, 512, 4096, 16384};
    static const sim_coll_algo_t algos[] = {SIM_COLL_ALGO_RING,
                                            SIM_COLL_ALGO_HIER};
    printf("1 GiB all-reduce on hpn (H100 profile)\n");
    printf("%6s %-13s %12s %10s %10s %9s %9s %9s %9s %9s\n", "gpus", "algo",
           "sim_time_s", "busbw", "flows", "steps", "collapsed", "build_s",
           "wall_s", "rss_MiB");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double build_s = 0;
        topo_t *t = hpn(sizes[i], &build_s);
        if (t == NULL)
            return 1;
        for (size_t a = 0; a < 2; a++) {
            if (sizes[i] <= 8 && algos[a] == SIM_COLL_ALGO_HIER)
                continue; /* one node: nothing to be hierarchical about */
            sim_coll_spec_t sp;
            sim_coll_result_t r;
            sim_diag_t d = SIM_DIAG_INIT;
            sim_coll_spec_default(&sp);
            sp.algo = algos[a];
            sp.bytes = 1073741824.0;
            double t0 = wall();
            sim_err_t err = sim_coll_simulate(t, prof, true, 0, &sp, &r, &d);
            double w = wall() - t0;
            if (err != SIM_OK) {
                char buf[1024];
                fprintf(stderr, "bench_coll: %s\n",
                        sim_diag_format(&d, buf, sizeof buf));
                topo_free(t);
                return 1;
            }
            printf("%6lld %-13s %12.6f %10.2f %10llu %9lld %9lld %9.3f "
                   "%9.3f %9.1f\n", (long long)sizes[i],
                   sim_coll_algo_name(r.algo), r.time_s, r.busbw_GBps,
                   (unsigned long long)r.flows, (long long)r.steps_simulated,
                   (long long)r.steps_collapsed, build_s, w, peak_rss_mib());
            fflush(stdout);
        }
        topo_free(t);
    }
    return 0;
}

static int contention(const sim_coll_profile_t *prof)
{
    enum { JOBS = 64, PER = 32 };
    double build_s = 0;
    topo_t *t = hpn(JOBS * PER, &build_s);
    if (t == NULL)
        return 1;
    sim_net_params_t np;
    sim_coll_net_params(prof, &np);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = eng != NULL ? sim_net_new(eng, t, &np) : NULL;
    static int32_t g[JOBS * PER];
    static size_t off[JOBS + 1];
    static sim_coll_spec_t sp[JOBS];
    static sim_coll_result_t r[JOBS];
    int rc = 1;
    if (net == NULL)
        goto done;
    /* job j takes every JOBS-th node, so jobs interleave across the
     * fabric and share its upper tiers */
    for (int j = 0; j < JOBS; j++) {
        off[j] = (size_t)j * PER;
        for (int i = 0; i < PER; i++) {
            int node = (i / 8) * JOBS + j;
            g[j * PER + i] = node * 8 + i % 8;
        }
        sim_coll_spec_default(&sp[j]);
        sp[j].algo = SIM_COLL_ALGO_RING;
        sp[j].bytes = 256.0 * 1048576.0;
        sp[j].salt = (uint64_t)j;
    }
    off[JOBS] = (size_t)JOBS * PER;
    sim_coll_env_t env = {eng, net, t, prof, true};
    sim_diag_t d = SIM_DIAG_INIT;
    double t0 = wall();
    sim_err_t err = sim_coll_run_many(&env, g, off, JOBS, sp, r, &d);
    double w = wall() - t0;
    if (err != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "bench_coll: %s\n", sim_diag_format(&d, buf,
                                                           sizeof buf));
        goto done;
    }
    double mk = 0, lo = 1e300, hi = 0, sum = 0;
    unsigned long long flows = 0;
    long long collapsed = 0;
    for (int j = 0; j < JOBS; j++) {
        if (r[j].time_s > mk)
            mk = r[j].time_s;
        lo = r[j].busbw_GBps < lo ? r[j].busbw_GBps : lo;
        hi = r[j].busbw_GBps > hi ? r[j].busbw_GBps : hi;
        sum += r[j].busbw_GBps;
        flows += r[j].flows;
        collapsed += r[j].steps_collapsed;
    }
    sim_coll_result_t alone;
    sim_engine_t *e2 = sim_engine_new(1);
    sim_net_t *n2 = e2 != NULL ? sim_net_new(e2, t, &np) : NULL;
    sim_coll_env_t env2 = {e2, n2, t, prof, true};
    if (n2 == NULL ||
        sim_coll_run(&env2, g, PER, &sp[0], &alone, NULL) != SIM_OK) {
        sim_net_free(n2);
        sim_engine_free(e2);
        goto done;
    }
    printf("\ncontention: %d jobs x %d GPUs, 256 MiB ring all-reduce each, "
           "hpn %d GPUs\n", JOBS, PER, JOBS * PER);
    printf("makespan %.6f s, busbw min/mean/max %.2f/%.2f/%.2f GB/s "
           "(alone %.2f), flows %llu, steps collapsed %lld, wall %.3f s, "
           "peak RSS %.1f MiB\n", mk, lo, sum / JOBS, hi, alone.busbw_GBps,
           flows, collapsed, w, peak_rss_mib());
    sim_net_free(n2);
    sim_engine_free(e2);
    rc = 0;
done:
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
    return rc;
}

int main(void)
{
    sim_coll_tuning_t *tun = NULL;
    sim_coll_profile_t prof;
    if (sim_coll_tuning_load(&tun, NULL) != SIM_OK) {
        fprintf(stderr, "bench_coll: no embedded net.ini\n");
        return 1;
    }
    sim_coll_tuning_profile(tun, "H100-SXM", &prof);
    sim_coll_tuning_free(tun);
    int rc = scaling(&prof);
    if (rc == 0)
        rc = contention(&prof);
    return rc;
}
