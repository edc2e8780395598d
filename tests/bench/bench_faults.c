/*
 * bench_faults.c — the fault Monte-Carlo at Llama 3 scale: R replications
 * (default 1,000) of a 54-day, 16,384-GPU job under the llama3-16k profile
 * with the [faults] default recovery (3 min detection, 8 min restart, 16
 * hot spares, 24 h repairs, Daly interval, sync checkpoints of 5.7 TB at
 * 2 TB/s).  Prints wall time, replications/s, events-equivalent figures,
 * peak RSS (getrusage ru_maxrss), the summary and the per-cause table of
 * simulated vs published interruptions.  Never fails on time.
 *
 * Usage: bench_faults [replications]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/faults/goodput.h"
#include "sim/faults/goodput_report.h"

#define DAY 86400.0

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int32_t reps = argc > 1 ? (int32_t)atoi(argv[1]) : 1000;
    flt_job_t job;
    flt_config_t cfg;
    flt_results_t *res = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    struct rusage ru;
    char buf[1024];

    if (reps < 1)
        reps = 1;
    memset(&job, 0, sizeof job);
    job.work_s = 54 * DAY;
    job.gpus = 16384;
    job.gpus_per_node = 8;
    job.nics_per_node = 8;
    job.nic_ports = 1;
    job.comm_fraction = 0.25;
    memset(&cfg, 0, sizeof cfg);
    if (flt_profile_builtin("llama3-16k", &cfg.profile, &d) != SIM_OK) {
        fprintf(stderr, "bench_faults: %s\n", sim_diag_format(&d, buf, sizeof buf));
        return 2;
    }
    cfg.recovery.detection_s = 180;
    cfg.recovery.restart_s = 480;
    cfg.recovery.repair_s = DAY;
    cfg.recovery.repair_dist = FLT_REPAIR_EXPONENTIAL;
    cfg.recovery.hot_spares = 16;
    cfg.ckpt.mode = FLT_CKPT_SYNC;
    cfg.ckpt.policy = FLT_CKPT_DALY;
    cfg.ckpt.size_bytes = 5.7e12;
    cfg.ckpt.storage_bw = 2e12;
    cfg.replications = reps;
    cfg.max_wall_factor = 100;

    double t0 = wall_now();
    sim_err_t err = flt_run(&job, &cfg, 1, &res, &d);
    double dt = wall_now() - t0;
    if (err != SIM_OK) {
        fprintf(stderr, "bench_faults: %s\n", sim_diag_format(&d, buf, sizeof buf));
        return 2;
    }
    long long ckpts = 0, fails = 0;
    for (int32_t i = 0; i < res->n_reps; i++) {
        ckpts += res->reps[i].checkpoints;
        fails += res->reps[i].interruptions + res->reps[i].planned;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_faults: %d replications, 16,384 GPUs, 54 d of work, "
           "llama3-16k\n", reps);
    printf("  wall %.3f s, %.1f replications/s, %.0f checkpoints+"
           "interruptions/s, peak RSS %ld KiB\n",
           dt, reps / dt, (double)(ckpts + fails) / dt, ru.ru_maxrss);
    printf("  job MTBF %.2f h, checkpoint interval %.1f s (Daly), write "
           "%.2f s\n", res->mtbf_s / 3600, res->interval_s, res->write_s);
    printf("  time to train (days): mean %.3f  p5 %.3f  p50 %.3f  p95 %.3f  "
           "CI95 [%.3f, %.3f]\n", res->ttt_days.mean, res->ttt_days.p5,
           res->ttt_days.p50, res->ttt_days.p95, res->ttt_days.ci95_low,
           res->ttt_days.ci95_high);
    printf("  goodput: mean %.4f  p5 %.4f  p95 %.4f  CI95 [%.4f, %.4f]\n",
           res->goodput.mean, res->goodput.p5, res->goodput.p95,
           res->goodput.ci95_low, res->goodput.ci95_high);
    printf("  interruptions: mean %.1f (published 419), lost GPU-hours mean "
           "%.0f, checkpoint overhead %.4f\n\n", res->interruptions.mean,
           res->lost_gpu_hours.mean, res->ckpt_overhead.mean);
    flt_cause_table_write(res, stdout);
    flt_results_free(res);
    return 0;
}
