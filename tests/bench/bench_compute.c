/*
 * bench_compute.c — throughput of roofline estimates and cost of a profile
 * fit.  Prints wall times, rates and peak RSS; never fails on time.
 *
 * Usage: bench_compute [CSV]  (default: $top_srcdir or . +
 * workloads/profiles/pipeweave-h100-fp8.csv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "sim/compute/fit.h"
#include "sim/compute/roofline.h"
#include "sim/compute/validate.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char path[1024], msg[1024];
    sim_diag_t d = SIM_DIAG_INIT;
    sim_compute_profile_t p;
    const char *top = getenv("top_srcdir");

    gsl_set_error_handler_off();
    if (argc > 1)
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "%s/workloads/profiles/pipeweave-h100-fp8.csv",
                 top != NULL && *top ? top : ".");
    if (sim_compute_profile_builtin("H100", &p, &d) != SIM_OK)
        return 2;

    /* 1. Roofline estimates over a sweep of GEMM shapes. */
    const long n_est = 5000000;
    double sink = 0.0, t0 = now_s();
    for (long i = 0; i < n_est; i++) {
        sim_compute_op_t op = {.kind = SIM_COMPUTE_OP_GEMM};
        sim_compute_estimate_t e;
        op.u.gemm.m = 1 + (i % 8192);
        op.u.gemm.n = 128 + (i % 97) * 64;
        op.u.gemm.k = 256 + (i % 53) * 128;
        op.u.gemm.dtype = SIM_COMPUTE_BF16;
        if (sim_compute_estimate(&p, &op, &e, NULL) == SIM_OK)
            sink += e.time_s;
    }
    double t_est = now_s() - t0;
    printf("estimate: %ld GEMM estimates in %.3f s = %.1f M/s (checksum %.6g)\n",
           n_est, t_est, (double)n_est / t_est / 1e6, sink);

    /* 2. Calibrate from the CSV, then a holdout-5 validation. */
    t0 = now_s();
    sim_compute_profile_t q = {0};
    if (sim_compute_calibrate_csv(path, NULL, &q, &d) != SIM_OK) {
        fprintf(stderr, "bench_compute: %s\n", sim_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    double t_fit = now_s() - t0;
    printf("calibrate: %zu rows in %.3f s\n", q.source_rows, t_fit);
    t0 = now_s();
    sim_compute_validation_t *v = NULL;
    if (sim_compute_validate_csv(path, &q, 5, &v, &d) != SIM_OK) {
        fprintf(stderr, "bench_compute: %s\n", sim_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    printf("validate --holdout 5: %.3f s, %zu held-out rows, median %.1f%%, "
           "worst %.1f%%\n",
           now_s() - t0, v->n, 100.0 * v->median_abs_err,
           100.0 * v->worst_abs_err);
    sim_compute_validation_free(v);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    return 0;
}
