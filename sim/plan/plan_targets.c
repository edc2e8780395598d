/*
 * plan_targets.c — the planner's three targets (plan.h,
 * plan_target_ops_t): what GPUs a candidate asks for, which candidates can
 * be ruled out before simulating, and how a run's result reads against
 * the target.
 *
 * Prune rules (each a valid lower bound, so a pruned candidate would have
 * missed the target or failed anyway):
 *   train  memory: the workload memory model's peak stage
 *          (wl_train_memory_peak) does not fit the GPU
 *          (wl_train_memory_check) -> "memory".
 *          bound: time to train >= tokens x model FLOPs per token /
 *          (GPUs x dense peak of the training dtype); recomputation,
 *          communication and bubbles only add to it.  Above the deadline
 *          -> "bound".  Uses the fault-free time: failures only add too.
 *   serve  memory: weights / tp above gpu_memory_utilization x HBM ->
 *          "memory".
 *          bound: a replica serves at most
 *            min(tp x peak / (2 x params x (prompt + output)),
 *                max_num_seqs x tp x HBM bandwidth / weight bytes / output)
 *          requests/s: every token costs 2 FLOPs per weight, and a decode
 *          step that yields at most max_num_seqs tokens reads every weight
 *          once.  When the mean offered rate (traffic.rate; not for
 *          trace replay or closed loops) exceeds replicas (fixed) or the
 *          autoscaler's ceiling times it, queues grow without end and the
 *          TTFT target is missed -> "bound".
 *   queue  none (the trace's demand is only known by replaying it).
 *
 * Usage for the cost model: training is charged for the GPUs over the
 * metric's time to train (p90 with faults: the plan budgets the p90);
 * serving and the cluster per 730-hour month: serving holds its peak
 * fleet for the month scaled by the simulated occupancy (GPU-hours /
 * (peak GPUs x simulated hours)), a cluster holds all its GPUs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/compute/profile.h"
#include "sim/cost/cost.h"
#include "sim/plan/plan.h"
#include "sim/serve/autoscale.h"
#include "sim/serve/perf.h"
#include "workloads/hwcat.h"
#include "workloads/keys_train.h"
#include "workloads/model_catalog.h"
#include "workloads/train_flops.h"
#include "workloads/train_memory.h"

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static sim_err_t gpu_lookup(const char *name, wl_hwcat_t **cat, const wl_gpu_t **gpu,
                            sim_diag_t *diag)
{
    sim_err_t err = wl_hwcat_load(cat, diag);
    if (err == SIM_OK)
        err = wl_hwcat_lookup(*cat, name, gpu, diag);
    return err;
}

/* ---- train-deadline ------------------------------------------------------------- */

static sim_err_t cluster_gpus(const cfg_scenario_t *sc, char *gpu, size_t n, int64_t *count,
                              sim_diag_t *diag)
{
    (void)diag;
    snprintf(gpu, n, "%s", cfg_get_str(sc, "cluster.gpu"));
    *count = cfg_get_int(sc, "cluster.gpus");
    return SIM_OK;
}

static sim_err_t train_prune(const cfg_scenario_t *sc, plan_prune_t *rule, char *why,
                             size_t n, sim_diag_t *diag)
{
    wl_hwcat_t *cat = NULL;
    wl_model_catalog_t *mc = NULL;
    const wl_gpu_t *gpu = NULL;
    wl_model_t model;
    wl_parallel_t plan;
    wl_train_memory_t mem;
    double reserve = 0;
    int64_t gpus = cfg_get_int(sc, "cluster.gpus");
    *rule = PLAN_PRUNE_NONE;
    sim_err_t err = gpu_lookup(cfg_get_str(sc, "cluster.gpu"), &cat, &gpu, diag);
    if (err == SIM_OK)
        err = wl_model_catalog_load(&mc, diag);
    if (err == SIM_OK)
        err = wl_model_from_scenario(sc, mc, &model, diag);
    if (err == SIM_OK)
        err = wl_parallel_from_scenario(sc, &model, (int)gpus, &plan, &reserve, diag);
    if (err == SIM_OK)
        err = wl_train_memory_peak(&model, &plan, reserve, &mem, diag);
    if (err == SIM_OK) {
        sim_diag_t local = SIM_DIAG_INIT;
        if (wl_train_memory_check(&mem, gpu, &local) == SIM_ERR_INFEASIBLE) {
            *rule = PLAN_PRUNE_MEMORY;
            snprintf(why, n, "does not fit in memory: %s", local.msg);
            goto done;
        }
        double peak = plan.dtype_bytes == 1 && gpu->fp8_flops > 0 ? gpu->fp8_flops
                                                                  : gpu->bf16_flops;
        double flops = wl_model_flops_per_token(&model, plan.seq_len) *
                       cfg_get_double(sc, "train.tokens");
        double bound_d = flops / ((double)gpus * peak) / 86400.0;
        double deadline_d = cfg_get_time_s(sc, "plan.deadline") / 86400.0;
        if (bound_d > deadline_d) {
            *rule = PLAN_PRUNE_BOUND;
            snprintf(why, n, "misses the deadline on compute alone (>= %.1f d > %.4g d)",
                     bound_d, deadline_d);
        }
    }
done:
    wl_model_catalog_free(mc);
    wl_hwcat_free(cat);
    return err;
}

static sim_err_t train_evaluate(const cfg_scenario_t *sc, const json_t *r, plan_eval_t *ev,
                                sim_diag_t *diag)
{
    (void)diag;
    const json_t *f = json_object_get(r, "faults");
    const json_t *ttt = json_object_get(f, "time_to_train_days");
    if (!json_is_object(ttt))
        ttt = json_object_get(f, "ttt_days");
    bool faults = json_is_object(ttt);
    double days = faults ? num(ttt, "p90") : num(r, "time_to_train_days");
    double deadline_d = cfg_get_time_s(sc, "plan.deadline") / 86400.0;
    ev->metric = days;
    ev->meets = days <= deadline_d;
    ev->gpus = cfg_get_int(sc, "cluster.gpus");
    memset(&ev->usage, 0, sizeof ev->usage);
    ev->usage.gpus = ev->gpus;
    ev->usage.wall_s = isfinite(days) ? days * 86400.0 : 0.0;
    ev->usage.tokens = cfg_get_double(sc, "train.tokens");
    ev->usage.training = true;
    if (!ev->meets)
        snprintf(ev->why, sizeof ev->why, "misses the deadline (%s%.1f d > %.4g d)",
                 faults ? "p90 " : "", days, deadline_d);
    return SIM_OK;
}

/* ---- serve-slo ------------------------------------------------------------------ */

static int serve_ceiling(const cfg_scenario_t *sc)
{
    int tp = (int)cfg_get_int(sc, "service.tp");
    if (cfg_get_enum(sc, "autoscale.policy") == SIM_AUTOSCALE_FIXED)
        return (int)cfg_get_int(sc, "service.replicas");
    sim_autoscale_config_t a;
    memset(&a, 0, sizeof a);
    a.min_replicas = (int)cfg_get_int(sc, "autoscale.min");
    a.max_replicas = (int)cfg_get_int(sc, "autoscale.max");
    a.gpu_cap = (int)cfg_get_int(sc, "autoscale.gpu_cap");
    return sim_autoscale_ceiling(&a, tp);
}

static sim_err_t serve_gpus(const cfg_scenario_t *sc, char *gpu, size_t n, int64_t *count,
                            sim_diag_t *diag)
{
    (void)diag;
    snprintf(gpu, n, "%s", cfg_get_str(sc, "service.gpu"));
    *count = (int64_t)serve_ceiling(sc) * cfg_get_int(sc, "service.tp");
    return SIM_OK;
}

/* traffic.arrival values whose traffic.rate is the mean offered rate. */
static bool rate_known(const cfg_scenario_t *sc)
{
    const char *a = cfg_get_str(sc, "traffic.arrival");
    return strcmp(a, "trace") != 0 && strcmp(a, "closed") != 0 &&
           cfg_get_enum(sc, "service.kind") == 0 &&
           strcmp(cfg_get_str(sc, "traffic.sizes_from"), "none") == 0;
}

static sim_err_t serve_prune(const cfg_scenario_t *sc, plan_prune_t *rule, char *why,
                             size_t n, sim_diag_t *diag)
{
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *gpu = NULL;
    sim_serve_model_t m;
    *rule = PLAN_PRUNE_NONE;
    if (cfg_get_enum(sc, "service.kind") != 0)
        return SIM_OK; /* fixed-work requests: no LLM shape to bound */
    sim_err_t err = gpu_lookup(cfg_get_str(sc, "service.gpu"), &cat, &gpu, diag);
    if (err == SIM_OK)
        err = sim_serve_model_builtin(cfg_get_str(sc, "service.model"), &m, diag);
    if (err == SIM_OK) {
        bool fp8 = strcmp(cfg_get_str(sc, "service.dtype"), "fp8") == 0;
        double tp = (double)cfg_get_int(sc, "service.tp");
        double params = sim_serve_model_params(&m);
        double wbytes = params * (fp8 ? 1.0 : 2.0);
        double usable = cfg_get_double(sc, "service.gpu_memory_utilization") *
                        gpu->memory_bytes;
        double peak = fp8 && gpu->fp8_flops > 0 ? gpu->fp8_flops : gpu->bf16_flops;
        if (wbytes / tp > usable) {
            *rule = PLAN_PRUNE_MEMORY;
            snprintf(why, n, "weights need %.1f GiB per GPU at tp %g, %s has %.1f GiB usable",
                     wbytes / tp / 1073741824.0, tp, gpu->name, usable / 1073741824.0);
        } else if (rate_known(sc)) {
            double prompt = cfg_get_double(sc, "traffic.prompt_tokens");
            double output = cfg_get_double(sc, "traffic.output_tokens");
            double compute = tp * peak / (2.0 * params * (prompt + output));
            double decode = (double)cfg_get_int(sc, "service.max_num_seqs") * tp *
                            gpu->mem_bw / wbytes / output;
            double per_replica = compute < decode ? compute : decode;
            double capacity = per_replica * serve_ceiling(sc);
            double offered = cfg_get_double(sc, "traffic.rate");
            if (offered > capacity) {
                *rule = PLAN_PRUNE_BOUND;
                snprintf(why, n,
                         "offered %.3g req/s exceeds the throughput bound %.3g req/s "
                         "(%d replicas x %.3g)",
                         offered, capacity, serve_ceiling(sc), per_replica);
            }
        }
    }
    wl_hwcat_free(cat);
    return err;
}

static sim_err_t serve_evaluate(const cfg_scenario_t *sc, const json_t *r, plan_eval_t *ev,
                                sim_diag_t *diag)
{
    (void)diag;
    double ttft = num(r, "ttft_p99_s"), tpot = num(r, "tpot_p99_s");
    double att = num(r, "slo_attainment");
    double want_ttft = cfg_get_time_s(sc, "plan.ttft_p99");
    double want_tpot = cfg_get_time_s(sc, "plan.tpot_p99");
    double want_att = cfg_get_double(sc, "plan.attainment");
    int64_t tp = cfg_get_int(sc, "service.tp");
    double peak = num(r, "replicas_max") * (double)tp;
    double hours = num(r, "end_s") / 3600.0, gpu_hours = num(r, "gpu_hours");
    ev->metric = ttft;
    ev->why[0] = '\0';
    ev->meets = ttft <= want_ttft;
    if (!ev->meets)
        snprintf(ev->why, sizeof ev->why, "misses the SLO (p99 TTFT %.3g s > %.3g s)", ttft,
                 want_ttft);
    else if (want_tpot > 0 && !(tpot <= want_tpot)) {
        ev->meets = false;
        snprintf(ev->why, sizeof ev->why, "misses the SLO (p99 TPOT %.3g s > %.3g s)", tpot,
                 want_tpot);
    } else if (want_att > 0 && !(att >= want_att)) {
        ev->meets = false;
        snprintf(ev->why, sizeof ev->why, "misses the SLO (attainment %.2f %% < %.2f %%)",
                 100 * att, 100 * want_att);
    }
    ev->gpus = isfinite(peak) && peak >= 1 ? (int64_t)peak : tp;
    double occupancy = hours > 0 && isfinite(gpu_hours) ? gpu_hours / ((double)ev->gpus * hours)
                                                         : 1.0;
    memset(&ev->usage, 0, sizeof ev->usage);
    ev->usage.gpus = ev->gpus;
    ev->usage.wall_s = SIM_COST_MONTH_H * 3600.0 * (occupancy < 1.0 ? occupancy : 1.0);
    ev->usage.busy_fraction = num(r, "gpu_utilisation");
    if (!(ev->usage.busy_fraction >= 0 && ev->usage.busy_fraction <= 1))
        ev->usage.busy_fraction = 1.0;
    return SIM_OK;
}

/* ---- queue-delay ------------------------------------------------------------------ */

static sim_err_t queue_evaluate(const cfg_scenario_t *sc, const json_t *r, plan_eval_t *ev,
                                sim_diag_t *diag)
{
    (void)diag;
    double q = num(r, "queue_p99_s"), want = cfg_get_time_s(sc, "plan.queue_p99");
    double stuck = num(r, "unschedulable");
    ev->metric = q;
    ev->meets = q <= want && !(stuck > 0);
    ev->why[0] = '\0';
    if (stuck > 0)
        snprintf(ev->why, sizeof ev->why, "%.0f jobs never fit the cluster", stuck);
    else if (!ev->meets)
        snprintf(ev->why, sizeof ev->why, "misses the target (p99 queueing %.3g h > %.3g h)",
                 q / 3600.0, want / 3600.0);
    ev->gpus = cfg_get_int(sc, "cluster.gpus");
    memset(&ev->usage, 0, sizeof ev->usage);
    ev->usage.gpus = ev->gpus;
    ev->usage.wall_s = SIM_COST_MONTH_H * 3600.0;
    ev->usage.busy_fraction = 1.0;
    return SIM_OK;
}

static const plan_target_ops_t ops[] = {
    {PLAN_TRAIN_DEADLINE, "time to train (p90 with faults)", "d", "per run", cluster_gpus, train_prune,
     train_evaluate},
    {PLAN_SERVE_SLO, "p99 TTFT", "s", "per month", serve_gpus, serve_prune, serve_evaluate},
    {PLAN_QUEUE_DELAY, "p99 queueing delay", "s", "per month", cluster_gpus, NULL,
     queue_evaluate},
};

const plan_target_ops_t *plan_target_ops(plan_target_t target)
{
    return &ops[target];
}
