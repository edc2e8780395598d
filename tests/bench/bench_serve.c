/*
 * bench_serve.c — two serving benchmarks; never fails on time.
 *  million: one million LLM requests through 64 continuous-batching
 *    replicas (llama3-8b on H100, Poisson arrivals, lognormal sizes),
 *    streamed from the generator.  Targets: < 10 s, < 1 GiB.
 *  diurnal: a 24-hour day at 100 requests/s on average (diurnal sinusoid,
 *    peak/trough 3, peak at 14:00; ~8.6 M requests), llama3-8b replicas
 *    autoscaled by concurrency (target 64 per replica, 1..256 replicas,
 *    30 s cold start + weight load, 5 min scale-down window).
 * Usage: bench_serve [million|diurnal|all] (default all).  Prints wall
 * time, peak RSS (getrusage ru_maxrss: the process's high-water mark, so
 * run one benchmark per process for its own figure), iterations and rates.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/serve/serve.h"
#include "workloads/traffic.h"

/* Generate s's requests into a service c, timed.  On success res holds
 * the result (destroy it) and *wall the seconds the run took; on failure
 * the error is printed and 1 returned. */
static int timed_run(const sim_serve_config_t *c, const wl_traffic_spec_t *s,
                     sim_serve_result_t *res, double *wall)
{
    wl_traffic_t *g = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    struct timespec t0, t1;

    if (wl_traffic_new(s, 1, &g, &d) != SIM_OK) {
        fprintf(stderr, "bench_serve: %s\n", d.msg);
        return 1;
    }
    wl_request_stream_t st = wl_traffic_stream(g);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sim_err_t e = sim_serve_run(c, &st, res, &d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    wl_traffic_free(g);
    if (e != SIM_OK) {
        fprintf(stderr, "bench_serve: %s\n", d.msg);
        sim_serve_result_destroy(res);
        return 1;
    }
    *wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return 0;
}

/* The closing line both benchmarks print. */
static void print_rates(const sim_serve_result_t *res, double wall)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  wall %.3f s, %.0f requests/s, %.0f iterations/s, peak RSS "
           "%.1f MiB\n",
           wall, (double)res->completed / wall, (double)res->steps / wall,
           (double)ru.ru_maxrss / 1024.0);
}

static int bench_million(void)
{
    sim_serve_config_t c;
    wl_traffic_spec_t s;
    sim_serve_result_t res;

    sim_serve_config_defaults(&c);
    c.replicas = 64;
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_POISSON;
    s.arrival.rate = 1000.0; /* ~15.6/s per replica */
    s.kind = WL_REQ_LLM;
    s.prompt = (wl_dist_t){WL_DIST_LOGNORMAL, 512, 1, NULL, 0, 1, 8000};
    s.output = (wl_dist_t){WL_DIST_LOGNORMAL, 128, 1, NULL, 0, 1, 2000};
    s.max_requests = 1000000;
    double wall = 0.0;
    if (timed_run(&c, &s, &res, &wall) != 0)
        return 1;
    printf("bench_serve: %lld requests, 64 replicas, %lld iterations, "
           "%lld preemptions\n",
           (long long)res.completed, (long long)res.steps,
           (long long)res.preemptions);
    printf("  simulated %.1f s; ttft p50 %.4f p99 %.4f s; tpot p50 %.5f "
           "p99 %.5f s; %.0f tokens/s; utilisation %.3f\n",
           res.end_s, res.ttft_p50_s, res.ttft_p99_s, res.tpot_p50_s,
           res.tpot_p99_s, res.throughput_tokens_per_s, res.gpu_utilisation);
    print_rates(&res, wall);
    sim_serve_result_destroy(&res);
    return 0;
}

static int bench_diurnal(void)
{
    sim_serve_config_t c;
    wl_traffic_spec_t s;
    sim_serve_result_t res;

    sim_serve_config_defaults(&c);
    c.replicas = 4;
    c.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    c.series_interval_s = 300.0;
    c.autoscale.policy = SIM_AUTOSCALE_CONCURRENCY;
    c.autoscale.target = 64;
    c.autoscale.min_replicas = 1;
    c.autoscale.max_replicas = 256;
    c.autoscale.weight_bytes = 16e9; /* llama3-8b in BF16 */
    c.autoscale.billing = SIM_BILLING_ELASTIC;
    memset(&s, 0, sizeof s);
    s.arrival.kind = WL_ARR_DIURNAL;
    s.arrival.rate = 100.0;
    s.arrival.peak_to_trough = 3.0;
    s.arrival.peak_hour = 14.0;
    s.kind = WL_REQ_LLM;
    s.prompt = (wl_dist_t){WL_DIST_LOGNORMAL, 512, 1, NULL, 0, 1, 8000};
    s.output = (wl_dist_t){WL_DIST_LOGNORMAL, 128, 1, NULL, 0, 1, 2000};
    s.duration_s = 86400.0;
    double wall = 0.0;
    if (timed_run(&c, &s, &res, &wall) != 0)
        return 1;
    printf("bench_serve diurnal: %lld requests in 24 h, peak %d replicas, "
           "%lld scale-ups, %lld iterations\n",
           (long long)res.completed, res.replicas_max,
           (long long)res.scale_ups, (long long)res.steps);
    printf("  ttft p50 %.4f p99 %.4f s; tpot p50 %.5f s; %.1f GPU-hours, "
           "elastic $%.0f, reserved $%.0f\n",
           res.ttft_p50_s, res.ttft_p99_s, res.tpot_p50_s,
           res.cost.gpu_hours, res.cost.elastic_usd, res.cost.reserved_usd);
    print_rates(&res, wall);
    sim_serve_result_destroy(&res);
    return 0;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    int rc = 0;
    if (strcmp(which, "million") == 0 || strcmp(which, "all") == 0)
        rc |= bench_million();
    if (strcmp(which, "diurnal") == 0 || strcmp(which, "all") == 0)
        rc |= bench_diurnal();
    return rc;
}
