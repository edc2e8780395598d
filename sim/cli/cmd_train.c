/*
 * cmd_train.c — `gpusim train`: one training iteration simulated on the
 * scenario's cluster (sim/train/train.h), the metrics derived from it, its
 * cost under the [cost] model (sim/cost), a Chrome-trace timeline
 * (--timeline), and, with `[faults] enabled = on`, the Monte-Carlo of
 * failures and checkpoints (sim/faults) over the fault-free time to train.
 * The same computation is the `train` runner (runner.h) that `gpusim
 * sweep --command train` and `gpusim plan` call.
 *
 * Cost: the run is charged for all its GPUs over the time to train (the
 * fault-free time at top level; with faults, "faults.cost_usd" charges the
 * mean time to train through failures, GPUs being held while the job is
 * down).  A second GPU pool (train.pool2_gpu) is priced as cluster.gpu:
 * the cost model prices one GPU type per run.  A GPU that the price
 * catalog does not price under an auto price gives cost_usd = null and a
 * "cost_note" instead of failing the simulation; a price the scenario
 * asked for explicitly (cost.provider, cost.gpu_hour_usd) fails loudly.
 *
 * Assumes: the train tables below are the scenario's tables (the runner
 * and the command load the same keys).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/cluster.h"
#include "sim/cli/commands.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/config/keys.h"
#include "sim/core/jsonout.h"
#include "sim/cost/keys_cost.h"
#include "sim/faults/goodput_report.h"
#include "sim/faults/keys_faults.h"
#include "sim/net/nccl_tuning.h"
#include "sim/train/keys_sim.h"
#include "sim/train/train.h"
#include "workloads/gpu_profile.h"
#include "workloads/keys_train.h"

static const cfg_key_t *const train_tables[] = {
    cfg_keys_cluster, wl_keys_model, wl_keys_parallel, wl_keys_train, sim_train_keys,
    cfg_keys_faults,  cfg_keys_cost, cfg_keys_run,     NULL};

/* Everything one train computation builds; released by job_release. */
typedef struct train_job {
    wl_hwcat_t *hw;
    wl_model_catalog_t *mc;
    sim_coll_tuning_t *tuning;
    topo_t *topo;
    sim_train_trace_t *trace;
    const wl_gpu_t *gpu;
    sim_compute_profile_t prof, prof2;
    sim_train_config_t cfg;
    sim_train_result_t res;
    bool priced;              /* cost computed (else cost_note says why) */
    char cost_note[256];
    sim_cost_config_t cost_cfg;
    sim_cost_result_t cost;
    flt_results_t *faults;    /* NULL unless faults.enabled */
    double faults_cost_usd;   /* at the mean time to train with failures */
} train_job_t;

static void job_release(train_job_t *j)
{
    flt_results_free(j->faults);
    sim_train_trace_free(j->trace);
    sim_coll_tuning_free(j->tuning);
    topo_free(j->topo);
    wl_model_catalog_free(j->mc);
    wl_hwcat_free(j->hw);
    memset(j, 0, sizeof *j);
}

/* Whether the scenario (file or --set) gives key a value. */
static bool stated(const cfg_scenario_t *sc, const char *key)
{
    const char *file = NULL;
    cfg_origin(sc, key, &file, NULL);
    return file != NULL && file[0] != '\0';
}

/* Usage of a training run of the job's GPUs for wall_s seconds. */
static sim_cost_usage_t train_usage(const train_job_t *j, double wall_s)
{
    sim_cost_usage_t u;
    memset(&u, 0, sizeof u);
    u.gpus = j->cfg.plan.gpus;
    u.wall_s = wall_s;
    u.busy_fraction = 1.0;
    u.tokens = j->cfg.tokens;
    u.training = true;
    return u;
}

/* Resolve [cost] and price the fault-free run.  An auto price the catalog
 * lacks is not an error (see the file comment). */
static sim_err_t price_run(train_job_t *j, const cfg_scenario_t *sc, sim_diag_t *diag)
{
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err = sim_cost_config_from_scenario(sc, j->gpu->name, &j->cost_cfg, &local);
    if (err == SIM_ERR_NOTFOUND && !stated(sc, "cost.provider") &&
        !stated(sc, "cost.gpu_hour_usd")) {
        snprintf(j->cost_note, sizeof j->cost_note, "not priced: %.200s", local.msg);
        return SIM_OK;
    }
    if (err != SIM_OK) {
        *diag = local;
        return err;
    }
    sim_cost_usage_t u = train_usage(j, j->res.time_to_train_days * 86400.0);
    err = sim_cost_compute(&j->cost_cfg, &u, &j->cost, diag);
    if (err == SIM_OK)
        j->priced = true;
    return err;
}

/* The Monte-Carlo of failures over the job's useful work. */
static sim_err_t run_faults(train_job_t *j, const cfg_scenario_t *sc, uint64_t seed,
                            long replications, sim_diag_t *diag)
{
    flt_config_t fc;
    wl_model_params_t mp;
    wl_model_params(&j->cfg.model, &mp);
    /* checkpoint: 16-bit weights + FP32 master weights and Adam states */
    double ckpt = mp.total * (j->cfg.plan.dtype_bytes + 12.0);
    sim_err_t err = flt_config_from_scenario(sc, j->cfg.plan.gpus, ckpt, &fc, NULL, diag);
    if (err != SIM_OK)
        return err;
    if (replications > 0)
        fc.replications = (int32_t)replications;
    const topo_t *topo = j->topo;
    double ttt_s = j->res.time_to_train_days * 86400.0;
    flt_job_t job;
    memset(&job, 0, sizeof job);
    job.work_s = flt_scenario_work_s(sc, ttt_s);
    job.gpus = j->cfg.plan.gpus;
    job.gpus_per_node = topo->params.gpus_per_node;
    job.nics_per_node = topo->params.nics_per_node;
    job.nic_ports = topo->params.nic_ports;
    job.topo = topo;
    job.comm_fraction = flt_scenario_comm_fraction(sc);
    err = flt_run(&job, &fc, seed, &j->faults, diag);
    j->faults_cost_usd = NAN;
    if (err == SIM_OK && j->priced && job.work_s > 0) {
        /* the whole run stretched as the simulated work was */
        double stretch = j->faults->ttt_days.mean * 86400.0 / job.work_s;
        sim_cost_usage_t u = train_usage(j, ttt_s * stretch);
        sim_cost_result_t r;
        err = sim_cost_compute(&j->cost_cfg, &u, &r, diag);
        if (err == SIM_OK)
            j->faults_cost_usd = r.cost_usd;
    }
    return err;
}

/* Fill result with the run's numbers: the training result, gpu, model,
 * gpus, cost (cost_usd at top level and a "cost" object, or cost_note),
 * and with faults an object "faults" (goodput_report.h) plus its
 * cost_usd. */
static sim_err_t job_json(const train_job_t *j, json_t *result)
{
    sim_err_t err = sim_json_set_str(result, "gpu", j->gpu->name);
    if (err == SIM_OK)
        err = sim_json_set_str(result, "model", j->cfg.model.name);
    if (err == SIM_OK)
        err = sim_json_set_int(result, "gpus", j->cfg.plan.gpus);
    if (err == SIM_OK)
        err = sim_train_result_json(&j->res, result);
    if (err == SIM_OK && j->priced) {
        json_t *c = json_object();
        err = c == NULL ? SIM_ERR_NOMEM : sim_cost_result_json(&j->cost, c);
        if (err == SIM_OK)
            err = sim_json_set_new(result, "cost", c);
        else
            json_decref(c);
    } else if (err == SIM_OK) {
        err = sim_json_set_str(result, "cost_note", j->cost_note);
    }
    if (err == SIM_OK)
        err = sim_json_set_num(result, "cost_usd", j->priced ? j->cost.cost_usd : NAN);
    if (err == SIM_OK && j->faults != NULL) {
        json_t *o = json_object();
        err = o == NULL ? SIM_ERR_NOMEM : flt_results_json(j->faults, o);
        if (err == SIM_OK)
            err = sim_json_set_num(o, "cost_usd", j->faults_cost_usd);
        if (err == SIM_OK)
            err = sim_json_set_new(result, "faults", o);
        else
            json_decref(o);
    }
    return err;
}

/*
 * The computation shared by the command and the runner: simulate one
 * iteration of sc's model and plan, price it, and with faults.enabled run
 * the Monte-Carlo (replications > 0 overrides faults.replications).  j is
 * filled also on failure: release it with job_release either way.
 */
static sim_err_t job_run(train_job_t *j, const cfg_scenario_t *sc, uint64_t seed, bool trace,
                         long replications, sim_diag_t *diag)
{
    memset(j, 0, sizeof *j);
    sim_train_config_init(&j->cfg);
    sim_train_config_t *cfg = &j->cfg;
    sim_err_t err = cli_cluster_build(sc, &j->hw, &j->gpu, &j->topo, diag);
    if (err == SIM_OK)
        err = wl_model_catalog_load(&j->mc, diag);
    if (err == SIM_OK)
        err = wl_model_from_scenario(sc, j->mc, &cfg->model, diag);
    if (err == SIM_OK)
        err = wl_parallel_from_scenario(sc, &cfg->model, (int)cfg_get_int(sc, "cluster.gpus"),
                                        &cfg->plan, &cfg->reserve, diag);
    if (err == SIM_OK)
        err = wl_gpu_profile(j->gpu, cfg_get_str(sc, "cluster.gpu"), &j->prof, diag);
    if (err == SIM_OK)
        err = sim_coll_tuning_load(&j->tuning, diag);
    const char *pool2 = err == SIM_OK ? cfg_get_str(sc, "train.pool2_gpu") : "none";
    if (err == SIM_OK && strcmp(pool2, "none") != 0) {
        err = wl_hwcat_lookup(j->hw, pool2, &cfg->gpu2, diag);
        if (err == SIM_OK)
            err = wl_gpu_profile(cfg->gpu2, pool2, &j->prof2, diag);
        cfg->profile2 = &j->prof2;
        cfg->pool2_stages = (int)cfg_get_int(sc, "train.pool2_stages");
    }
    if (err == SIM_OK) {
        cfg->gpu = j->gpu;
        cfg->profile = &j->prof;
        cfg->topo = j->topo;
        cfg->nvls = j->gpu->nvls;
        sim_coll_tuning_profile(j->tuning, j->gpu->name, &cfg->coll);
        cfg->coll.spray = cfg_get_enum(sc, "cluster.ecmp") == 1;
        cfg->balance = cfg_get_bool(sc, "parallel.balance");
        if (!cfg_is_auto(sc, "train.straggler_stage"))
            cfg->straggler_stage = (int)cfg_get_int(sc, "train.straggler_stage");
        cfg->straggler_factor = cfg_get_double(sc, "train.straggler_factor");
        cfg->framework_overhead = cfg_get_time_s(sc, "train.framework_overhead");
        if (!cfg_is_auto(sc, "train.sustained_clock"))
            cfg->sustained_clock = cfg_get_double(sc, "train.sustained_clock");
        cfg->tokens = cfg_get_double(sc, "train.tokens");
        cfg->trace = trace;
        err = sim_train_simulate(cfg, &j->res, &j->trace, diag);
    }
    if (err == SIM_OK)
        err = price_run(j, sc, diag);
    if (err == SIM_OK && j->priced)
        j->res.cost_usd = j->cost.cost_usd; /* what sim_train_result_print shows */
    else if (err == SIM_OK)
        j->res.cost_usd = NAN;
    if (err == SIM_OK && cfg_get_bool(sc, "faults.enabled"))
        err = run_faults(j, sc, seed, replications, diag);
    return err;
}

/* The runner: job_run without timeline, store or text. */
static sim_err_t train_run(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                           sim_diag_t *diag)
{
    train_job_t j;
    sim_err_t err = job_run(&j, sc, seed, false, 0, diag);
    if (err == SIM_OK)
        err = job_json(&j, result);
    if (err == SIM_ERR_NOMEM && diag->msg[0] == '\0')
        sim_diag_set(diag, err, NULL, 0, NULL, "out of memory");
    job_release(&j);
    return err;
}

const cli_runner_t cli_runner_train = {"train", train_tables, train_run};

static sim_err_t write_timeline(const sim_train_trace_t *t, const char *path, sim_diag_t *diag)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "cannot open for writing");
    sim_err_t err = sim_train_trace_write(t, f);
    if (fclose(f) != 0 && err == SIM_OK)
        err = SIM_ERR_IO;
    if (err != SIM_OK)
        sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "write failed");
    return err;
}

static void print_cost(const train_job_t *j)
{
    if (!j->priced) {
        printf("pricing             %s\n", j->cost_note);
        return;
    }
    const sim_cost_result_t *c = &j->cost;
    printf("pricing             %s (%s), $%.4g per GPU-hour", sim_cost_pricing_name(c->pricing),
           c->provider, c->gpu_hour_usd);
    if (c->spot_overhead > 0)
        printf(", spot preemptions add %.1f%% to the time", 100.0 * c->spot_overhead);
    printf("\n");
    if (isfinite(c->cost_per_million_tokens_usd))
        printf("cost per 1M tokens  $%.4g\n", c->cost_per_million_tokens_usd);
}

static sim_err_t print_faults(const train_job_t *j)
{
    const flt_results_t *fr = j->faults;
    printf("\nwith failures (%d replications, profile %s, %.2f days of work):\n", fr->n_reps,
           fr->profile.name, fr->work_s / 86400.0);
    printf("time to train       mean %.2f days, p5 %.2f, p50 %.2f, p95 %.2f "
           "(95%% CI of the mean %.2f..%.2f)\n",
           fr->ttt_days.mean, fr->ttt_days.p5, fr->ttt_days.p50, fr->ttt_days.p95,
           fr->ttt_days.ci95_low, fr->ttt_days.ci95_high);
    printf("goodput             %.3f mean\n", fr->goodput.mean);
    printf("interruptions       %.1f mean unexpected (job MTBF %.2f h)\n",
           fr->interruptions.mean, fr->mtbf_s / 3600.0);
    printf("lost GPU-hours      %.4g mean\n", fr->lost_gpu_hours.mean);
    printf("checkpoint overhead %.3f mean (interval %.0f s)\n", fr->ckpt_overhead.mean,
           fr->interval_s);
    if (isfinite(j->faults_cost_usd))
        printf("cost with failures  $%.4g (whole run, mean time to train)\n", j->faults_cost_usd);
    return flt_cause_table_write(fr, stdout);
}

int cli_cmd_train(int argc, char **argv)
{
    const char *timeline = NULL;
    long replications = 0;
    bool reps_given = false;
    const cli_opt_t opts[] = {
        {"timeline", CLI_STRING, &timeline, "FILE",
         "write a Chrome-trace JSON of one iteration (open in ui.perfetto.dev)", NULL},
        {"replications", CLI_INT, &replications, "N",
         "Monte-Carlo replications of the [faults] model (overrides faults.replications)",
         &reps_given},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "train", "--scenario FILE [--timeline FILE] [--replications N]",
        "Simulate one training iteration of the scenario's model and parallel\n"
        "plan on its cluster, op by op (1F1B/interleaved pipeline, TP/PP/DP/EP\n"
        "communication on the flow network), and report iteration time and its\n"
        "breakdown, tokens/s, TFLOP/s per GPU, MFU, memory per GPU, time to\n"
        "train and its cost under [cost] (per run and per million tokens);\n"
        "with [faults] enabled = on, goodput, interruptions by cause, lost\n"
        "GPU-hours and time to train through failures as a distribution over\n"
        "Monte-Carlo replications (--db stores each replication).",
        opts, train_tables, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_open(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;
    sim_err_t err = SIM_OK;
    train_job_t j;
    memset(&j, 0, sizeof j);
    if (reps_given && replications < 1)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "--replications: expected N >= 1, got %ld", replications);
    if (err == SIM_OK)
        err = job_run(&j, s.scenario, s.seed, timeline != NULL, reps_given ? replications : 0,
                      &s.diag);
    if (err == SIM_OK)
        err = job_json(&j, s.result);
    if (err == SIM_OK && !s.common.json) {
        printf("%s on %d x %s (tp %d, pp %d, dp %d, ep %d; %lld micro-batches)\n",
               j.cfg.model.name, j.cfg.plan.gpus, j.gpu->name, j.cfg.plan.tp, j.cfg.plan.pp,
               j.cfg.plan.dp, j.cfg.plan.ep, (long long)j.cfg.plan.grad_accum);
        err = sim_train_result_print(&j.res, stdout);
        print_cost(&j);
    }
    if (err == SIM_OK && timeline != NULL)
        err = write_timeline(j.trace, timeline, &s.diag);
    if (err == SIM_OK && j.faults != NULL && s.store != NULL)
        err = flt_results_store(j.faults, s.store, s.run_id, &s.diag);
    if (err == SIM_OK && j.faults != NULL && !s.common.json)
        err = print_faults(&j);
    job_release(&j);
    return cli_session_close(&s, err);
}
