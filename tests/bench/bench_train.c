/*
 * bench_train.c — wall time and peak memory of one simulated training
 * iteration at scale: GPT-3 175B on 16,384 GPUs of `hpn`, Llama-3-405B on
 * 16,384 and 131,072 GPUs (targets: 16K under 5 s; 131K under 60 s and
 * 8 GiB).  Prints its figures; never fails on time.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/compute/profile.h"
#include "sim/train/train.h"
#include "topologies/topo.h"
#include "workloads/hwcat.h"
#include "workloads/model_catalog.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bench(const char *model, const char *gpu, int gpus, int tp, int pp,
                 int vs, int64_t gbs, int seq, topo_kind_t kind)
{
    sim_diag_t d = SIM_DIAG_INIT;
    wl_hwcat_t *hw = NULL;
    wl_model_catalog_t *mc = NULL;
    sim_coll_tuning_t *tu = NULL;
    topo_t *topo = NULL;
    sim_compute_profile_t prof;
    sim_train_config_t c;
    sim_train_result_t r;
    int rc = 1;
    double t0 = now_s();
    sim_train_config_init(&c);
    if (wl_hwcat_load(&hw, &d) || wl_model_catalog_load(&mc, &d) ||
        sim_coll_tuning_load(&tu, &d))
        goto done;
    c.gpu = wl_hwcat_find(hw, gpu);
    c.model = *wl_model_catalog_find(mc, model);
    if (sim_compute_profile_builtin(gpu, &prof, &d))
        goto done;
    topo_params_t tpar;
    topo_params_default(&tpar, kind);
    tpar.gpus = gpus;
    tpar.nvlink_bandwidth = c.gpu->nvlink_bw;
    if (topo_build(&tpar, &topo, &d))
        goto done;
    double t1 = now_s();
    wl_parallel_init(&c.plan);
    c.plan.gpus = gpus;
    c.plan.tp = tp;
    c.plan.pp = pp;
    c.plan.virtual_stages = vs;
    c.plan.sp = true;
    c.plan.zero = 1;
    c.plan.recompute = WL_RECOMPUTE_FULL;
    c.plan.global_batch = gbs;
    c.plan.seq_len = seq;
    if (wl_parallel_validate(&c.plan, &c.model, &d))
        goto done;
    c.profile = &prof;
    c.topo = topo;
    c.nvls = c.gpu->nvls;
    c.check_memory = false;
    sim_coll_tuning_profile(tu, c.gpu->name, &c.coll);
    if (sim_train_simulate(&c, &r, NULL, &d))
        goto done;
    double t2 = now_s();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-12s %7d GPUs %-14s tp %d pp %2d dp %4d: iteration %.3f s "
           "(MFU %.3f); topology %.2f s, simulation %.2f s, total %.2f s; "
           "%lld ops, %lld flow-level runs; peak RSS %.0f MiB\n",
           model, gpus, topo_kind_name(kind), tp, pp, c.plan.dp,
           r.iteration_s, r.mfu, t1 - t0, t2 - t1, t2 - t0,
           (long long)r.ops_simulated, (long long)r.comm_measurements,
           ru.ru_maxrss / 1024.0);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "bench_train: %s: %s\n", model, d.msg);
    topo_free(topo);
    sim_coll_tuning_free(tu);
    wl_model_catalog_free(mc);
    wl_hwcat_free(hw);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    bool big = !(argc > 1 && strcmp(argv[1], "--quick") == 0);
    rc |= bench("gpt3-175b", "H800", 16384, 8, 8, 1, 2048, 2048, TOPO_HPN);
    rc |= bench("llama3-405b", "H100", 16384, 8, 16, 1, 2048, 8192,
                TOPO_HPN);
    if (big)
        rc |= bench("llama3-405b", "H100", 131072, 8, 16, 1, 16384, 8192,
                    TOPO_HPN);
    return rc;
}
