/*
 * cmd_train.c — `gpusim train`: one training iteration simulated on the
 * scenario's cluster (sim/train/train.h), the metrics derived from it, a
 * Chrome-trace timeline (--timeline), and, with `[faults] enabled = on`
 * stated in the scenario, the Monte-Carlo of failures and checkpoints
 * (sim/faults) over the fault-free time to train.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/cluster.h"
#include "sim/cli/commands.h"
#include "sim/cli/profiles.h"
#include "sim/cli/session.h"
#include "sim/config/keys.h"
#include "sim/faults/goodput_report.h"
#include "sim/faults/keys_faults.h"
#include "sim/net/nccl_tuning.h"
#include "sim/train/keys_sim.h"
#include "sim/train/train.h"
#include "workloads/keys_train.h"

static const cfg_key_t *const train_tables[] = {
    cfg_keys_cluster, wl_keys_model, wl_keys_parallel, wl_keys_train,
    sim_train_keys, cfg_keys_faults, cfg_keys_run, NULL};

/* Whether the scenario itself states faults.enabled (the default "on" of
 * the faults table alone does not turn the Monte-Carlo on). */
static bool faults_stated(const cfg_scenario_t *sc)
{
    const char *file = NULL;
    int line = 0;
    cfg_origin(sc, "faults.enabled", &file, &line);
    return file != NULL && file[0] != '\0' && cfg_get_bool(sc, "faults.enabled");
}

static sim_err_t write_timeline(const sim_train_trace_t *t, const char *path,
                                sim_diag_t *diag)
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

static sim_err_t run_faults(cli_session_t *s, const sim_train_config_t *cfg,
                            const sim_train_result_t *res, long replications,
                            bool reps_given)
{
    flt_config_t fc;
    wl_model_params_t mp;
    wl_model_params(&cfg->model, &mp);
    /* checkpoint: 16-bit weights + FP32 master weights and Adam states */
    double ckpt = mp.total * (cfg->plan.dtype_bytes + 12.0);
    sim_err_t err = flt_config_from_scenario(s->scenario, cfg->plan.gpus, ckpt, &fc, NULL,
                                             &s->diag);
    if (err != SIM_OK)
        return err;
    if (reps_given)
        fc.replications = (int32_t)replications;
    const topo_t *topo = cfg->topo;
    flt_job_t job;
    memset(&job, 0, sizeof job);
    job.work_s = res->time_to_train_days * 86400.0;
    job.gpus = cfg->plan.gpus;
    job.gpus_per_node = topo->params.gpus_per_node;
    job.nics_per_node = topo->params.nics_per_node;
    job.nic_ports = topo->params.nic_ports;
    job.topo = topo;
    job.comm_fraction = flt_scenario_comm_fraction(s->scenario);
    flt_results_t *fr = NULL;
    err = flt_run(&job, &fc, s->seed, &fr, &s->diag);
    if (err != SIM_OK)
        return err;
    json_t *o = json_object();
    if (o == NULL)
        err = SIM_ERR_NOMEM;
    if (err == SIM_OK)
        err = flt_results_json(fr, o);
    if (err == SIM_OK && json_object_set_new(s->result, "faults", o) != 0)
        err = SIM_ERR_NOMEM;
    else
        o = NULL;
    if (err == SIM_OK && s->store != NULL)
        err = flt_results_store(fr, s->store, s->run_id, &s->diag);
    if (err == SIM_OK && !s->common.json) {
        printf("\nwith failures (%d replications, profile %s):\n", fr->n_reps, fr->profile.name);
        printf("time to train       mean %.2f days, p5 %.2f, p50 %.2f, p95 %.2f "
               "(95%% CI of the mean %.2f..%.2f)\n",
               fr->ttt_days.mean, fr->ttt_days.p5, fr->ttt_days.p50, fr->ttt_days.p95,
               fr->ttt_days.ci95_low, fr->ttt_days.ci95_high);
        printf("goodput             %.3f mean\n", fr->goodput.mean);
        printf("lost GPU-hours      %.4g mean\n", fr->lost_gpu_hours.mean);
        printf("checkpoint overhead %.3f mean (interval %.0f s)\n", fr->ckpt_overhead.mean,
               fr->interval_s);
        err = flt_cause_table_write(fr, stdout);
    }
    json_decref(o);
    flt_results_free(fr);
    return err;
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
        "breakdown, tokens/s, TFLOP/s per GPU, MFU, memory per GPU, time and\n"
        "cost to train; with [faults] enabled = on, goodput and time to train\n"
        "through failures as a distribution.",
        opts, train_tables, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_open(&s, &spec, argc, argv, NULL, &status) == CLI_OPEN_EXIT)
        return status;
    sim_err_t err = SIM_OK;
    if (reps_given && replications < 1)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "--replications: expected N >= 1, got %ld", replications);
    wl_hwcat_t *hw = NULL;
    wl_model_catalog_t *mc = NULL;
    sim_coll_tuning_t *tuning = NULL;
    topo_t *topo = NULL;
    sim_train_trace_t *trace = NULL;
    const wl_gpu_t *gpu = NULL;
    sim_compute_profile_t prof, prof2;
    sim_train_config_t cfg;
    sim_train_result_t res;
    sim_train_config_init(&cfg);
    if (err == SIM_OK)
        err = cli_cluster_build(s.scenario, &hw, &gpu, &topo, &s.diag);
    if (err == SIM_OK)
        err = wl_model_catalog_load(&mc, &s.diag);
    if (err == SIM_OK)
        err = wl_model_from_scenario(s.scenario, mc, &cfg.model, &s.diag);
    if (err == SIM_OK)
        err = wl_parallel_from_scenario(s.scenario, &cfg.model,
                                        (int)cfg_get_int(s.scenario, "cluster.gpus"), &cfg.plan,
                                        &cfg.reserve, &s.diag);
    if (err == SIM_OK)
        err = cli_profile_resolve(gpu->name, &prof, NULL, &s.diag);
    if (err == SIM_OK)
        err = sim_coll_tuning_load(&tuning, &s.diag);
    const char *pool2 = err == SIM_OK ? cfg_get_str(s.scenario, "train.pool2_gpu") : "none";
    if (err == SIM_OK && strcmp(pool2, "none") != 0) {
        err = wl_hwcat_lookup(hw, pool2, &cfg.gpu2, &s.diag);
        if (err == SIM_OK)
            err = cli_profile_resolve(cfg.gpu2->name, &prof2, NULL, &s.diag);
        cfg.profile2 = &prof2;
        cfg.pool2_stages = (int)cfg_get_int(s.scenario, "train.pool2_stages");
    }
    if (err == SIM_OK) {
        cfg.gpu = gpu;
        cfg.profile = &prof;
        cfg.topo = topo;
        cfg.nvls = gpu->nvls;
        sim_coll_tuning_profile(tuning, gpu->name, &cfg.coll);
        cfg.balance = cfg_get_bool(s.scenario, "parallel.balance");
        if (!cfg_is_auto(s.scenario, "train.straggler_stage"))
            cfg.straggler_stage = (int)cfg_get_int(s.scenario, "train.straggler_stage");
        cfg.straggler_factor = cfg_get_double(s.scenario, "train.straggler_factor");
        cfg.gpu_hour_usd = cfg_get_double(s.scenario, "train.gpu_hour_usd");
        cfg.framework_overhead = cfg_get_time_s(s.scenario, "train.framework_overhead");
        cfg.tokens = cfg_get_double(s.scenario, "train.tokens");
        cfg.trace = timeline != NULL;
        err = sim_train_simulate(&cfg, &res, &trace, &s.diag);
    }
    if (err == SIM_OK) {
        json_object_set_new(s.result, "gpu", json_string(gpu->name));
        json_object_set_new(s.result, "model", json_string(cfg.model.name));
        json_object_set_new(s.result, "gpus", json_integer(cfg.plan.gpus));
        err = sim_train_result_json(&res, s.result);
    }
    if (err == SIM_OK && !s.common.json) {
        printf("%s on %d x %s (tp %d, pp %d, dp %d, ep %d; %lld micro-batches)\n",
               cfg.model.name, cfg.plan.gpus, gpu->name, cfg.plan.tp, cfg.plan.pp, cfg.plan.dp,
               cfg.plan.ep, (long long)cfg.plan.grad_accum);
        err = sim_train_result_print(&res, stdout);
    }
    if (err == SIM_OK && timeline != NULL)
        err = write_timeline(trace, timeline, &s.diag);
    if (err == SIM_OK && faults_stated(s.scenario))
        err = run_faults(&s, &cfg, &res, replications, reps_given);
    sim_train_trace_free(trace);
    sim_coll_tuning_free(tuning);
    topo_free(topo);
    wl_model_catalog_free(mc);
    wl_hwcat_free(hw);
    return cli_session_close(&s, err);
}
