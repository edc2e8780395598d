/*
 * bench_topo.c — build HPN topologies of 16,384 and 131,072 GPUs, compute
 * their summaries and route one flow per GPU; print wall times, route rate
 * and peak RSS.  Never fails on time (targets: 131,072 GPUs build + summary
 * under 10 s and 4 GiB at -O2).
 */
#include <igraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "topologies/route.h"
#include "topologies/summary.h"
#include "topologies/topo.h"

static double now(void)
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

static int run(int64_t gpus)
{
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = gpus;
    sim_diag_t diag = SIM_DIAG_INIT;
    topo_t *t = NULL;
    topo_summary_t s;

    double t0 = now();
    if (topo_build(&p, &t, &diag) != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "bench_topo: %s\n", sim_diag_format(&diag, buf, sizeof buf));
        return 1;
    }
    double t1 = now();
    if (topo_summary_compute(t, &s, &diag) != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "bench_topo: %s\n", sim_diag_format(&diag, buf, sizeof buf));
        topo_free(t);
        return 1;
    }
    double t2 = now();
    /* One flow per GPU to the GPU half the cluster away (all cross-segment). */
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n, hops = 0;
    for (int32_t g = 0; g < t->n_gpus; g++) {
        int32_t d = (int32_t)((g + t->n_gpus / 2) % t->n_gpus);
        if (topo_route(t, g, d, 42, path, TOPO_ROUTE_MAX_HOPS, &n, &diag) != SIM_OK) {
            fprintf(stderr, "bench_topo: route %d -> %d failed\n", (int)g, (int)d);
            topo_free(t);
            return 1;
        }
        hops += n;
    }
    double t3 = now();
    printf("hpn %lld GPUs: %d vertices, %d links; build %.3f s, summary %.3f s "
           "(bisection %.4g Tb/s, diameter %d), %d routes %.3f s (%.3g routes/s, "
           "mean %.2f links), peak RSS %.1f MiB\n",
           (long long)gpus, (int)t->n_vertices, (int)t->n_links, t1 - t0,
           t2 - t1, s.bisection_bw * 8e-12, (int)s.diameter_hops,
           (int)t->n_gpus, t3 - t2, t->n_gpus / (t3 - t2),
           (double)hops / t->n_gpus, peak_rss_mib());
    fflush(stdout);
    topo_free(t);
    return 0;
}

int main(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    if (run(16384) != 0 || run(131072) != 0)
        return 1;
    return 0;
}
