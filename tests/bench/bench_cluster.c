/*
 * bench_cluster.c — sim/cluster throughput: the openb trace replayed under
 * each queueing policy and in fill mode under each placement (target
 * < 2 s each), and a 1,000,000-job synthetic trace on 10,000 nodes of 8
 * GPUs (target < 60 s).  Prints wall time, events per second and peak
 * RSS; never fails on time.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/cluster/cluster.h"

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

static int one(const char *label, const sim_cluster_config_t *c)
{
    sim_cluster_result_t r;
    sim_diag_t d = SIM_DIAG_INIT;
    double t0 = now_s();
    sim_err_t err = sim_cluster_run(c, &r, &d);
    double dt = now_s() - t0;
    if (err != SIM_OK) {
        fprintf(stderr, "bench_cluster: %s: %s\n", label, d.msg);
        sim_cluster_result_release(&r);
        return 1;
    }
    printf("%-28s %8.3f s  %10.0f events/s  jobs %lld  queue mean %.0f s  preemptions %lld  "
           "alloc %.3f  unalloc@100%% %.2f%%  peak RSS %ld KiB\n",
           label, dt, (double)r.events / dt, (long long)r.jobs, r.queue_mean_s,
           (long long)r.preemptions, r.alloc_mean, r.fill_unalloc_pct, peak_rss_kib());
    sim_cluster_result_release(&r);
    return 0;
}

int main(void)
{
    wl_jobtrace_t *t = NULL, *big = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    int rc = 0;
    if (wl_jobtrace_load("openb", &t, &d) != SIM_OK) {
        fprintf(stderr, "bench_cluster: %s\n", d.msg);
        return 1;
    }
    char label[64];
    for (int p = 0; p < 4; p++) {
        sim_cluster_config_t c;
        sim_cluster_config_default(&c);
        c.trace = t;
        c.use_trace_nodes = true;
        c.policy = (sim_cluster_policy_t)p;
        c.rate_scale = 20; /* load the cluster: openb's 149 days in ~7 */
        snprintf(label, sizeof label, "openb replay %s", sim_cluster_policy_names[p]);
        rc |= one(label, &c);
    }
    for (int p = 0; p < 4; p++) {
        sim_cluster_config_t c;
        sim_cluster_config_default(&c);
        c.trace = t;
        c.use_trace_nodes = true;
        c.mode = SIM_CLUSTER_FILL;
        c.placement = (sim_cluster_placement_t)p;
        snprintf(label, sizeof label, "openb fill %s", sim_cluster_placement_names[p]);
        rc |= one(label, &c);
    }
    /* 1M jobs on 10,000 x 8 GPUs: mean 2 h jobs, one arrival every 0.25 s
     * offers ~29k concurrent jobs (~90k GPUs) to 80k GPUs while arrivals
     * last: the queue builds up, so every policy has work to do. */
    wl_jobtrace_synth_t p = {1000000, 0.25, 7200, 8, 0, 0.02};
    if (wl_jobtrace_synthetic(&p, 1, &big, &d) != SIM_OK) {
        fprintf(stderr, "bench_cluster: %s\n", d.msg);
        rc = 1;
        goto done;
    }
    for (int pol = 0; pol < 4; pol++) {
        sim_cluster_config_t c;
        sim_cluster_config_default(&c);
        c.trace = big;
        c.nodes = 10000;
        c.gpus_per_node = 8;
        c.policy = (sim_cluster_policy_t)pol;
        c.placement = SIM_CLUSTER_TOPO_PACK;
        snprintf(label, sizeof label, "1M jobs/10k nodes %s", sim_cluster_policy_names[pol]);
        rc |= one(label, &c);
    }
done:
    wl_jobtrace_free(t);
    wl_jobtrace_free(big);
    return rc;
}
