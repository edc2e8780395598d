/*
 * cmd_cluster.c — `gpusim cluster`: schedule a trace's jobs on a shared
 * GPU cluster (sim_cluster_run) and report queueing delay, JCT,
 * allocation, fragmentation; or, in fill mode, the FGD paper's
 * unallocated-GPU figure.  A thin wrapper: scenario -> config -> run ->
 * result object, table and series.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/cluster/cluster.h"
#include "sim/cluster/keys.h"
#include "sim/cluster/priors.h"
#include "sim/config/keys.h"

static const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run, sim_cluster_keys, NULL};

static sim_err_t load_trace(const cfg_scenario_t *sc, int gpn, uint64_t seed,
                            wl_jobtrace_t **t, sim_diag_t *diag)
{
    const char *file = cfg_get_str(sc, "trace.file");
    if (strcmp(file, "synthetic") != 0)
        return wl_jobtrace_load(file, t, diag);
    if (cfg_get_enum(sc, "trace.synthetic_prior") != 0) {
        sim_cluster_prior_t pr;
        sim_err_t err = sim_cluster_prior_find(cfg_get_str(sc, "trace.synthetic_prior"), &pr, diag);
        if (err != SIM_OK)
            return err;
        return sim_cluster_prior_jobs(&pr, (size_t)cfg_get_int(sc, "trace.synthetic_jobs"),
                                      cfg_get_time_s(sc, "trace.synthetic_interarrival"), seed, t,
                                      diag);
    }
    wl_jobtrace_synth_t p = {(size_t)cfg_get_int(sc, "trace.synthetic_jobs"),
                          cfg_get_time_s(sc, "trace.synthetic_interarrival"),
                          cfg_get_time_s(sc, "trace.synthetic_duration"), gpn, 0.2, 0.05};
    return wl_jobtrace_synthetic(&p, seed, t, diag);
}

static sim_err_t to_json(const sim_cluster_config_t *c, const sim_cluster_result_t *r, json_t *o)
{
    struct {
        const char *k;
        double v;
    } nums[] = {
        {"nodes", (double)r->nodes}, {"gpus", (double)r->gpus}, {"jobs", (double)r->jobs},
        {"completed", (double)r->completed}, {"failed", (double)r->failed},
        {"unschedulable", (double)r->unschedulable}, {"preemptions", (double)r->preemptions},
        {"restarts", (double)r->restarts}, {"node_failures", (double)r->node_failures},
        {"gangs", (double)r->gangs}, {"gangs_cross_segment", (double)r->gangs_cross_segment},
        {"job_failed", (double)r->job_failed}, {"job_cancelled", (double)r->job_cancelled},
        {"queue_mean_s", r->queue_mean_s}, {"queue_p50_s", r->queue_p50_s},
        {"queue_p99_s", r->queue_p99_s}, {"jct_mean_s", r->jct_mean_s},
        {"jct_p50_s", r->jct_p50_s}, {"jct_p99_s", r->jct_p99_s},
        {"makespan_s", r->makespan_s}, {"alloc_mean", r->alloc_mean}, {"util", r->util},
        {"frag_mean_gpus", r->frag_mean_gpus}, {"frag_rate_mean", r->frag_rate_mean},
        {"fill_unalloc_pct", r->fill_unalloc_pct}, {"fill_alloc_rate", r->fill_alloc_rate},
        {"fill_frag_gpus", r->fill_frag_gpus}, {"fill_frag_rate", r->fill_frag_rate},
        {"events", (double)r->events},
    };
    /* The first 13 entries and "events" are counts: stored as integers. */
    size_t nn = sizeof nums / sizeof nums[0];
    for (size_t i = 0; i < nn; i++) {
        bool count = i < 13 || i == nn - 1;
        json_t *v = count ? json_integer((json_int_t)nums[i].v) : json_real(nums[i].v);
        if (json_object_set_new(o, nums[i].k, v) != 0)
            return SIM_ERR_NOMEM;
    }
    for (int k = 0; k < SIM_CLUSTER_NCLASSES; k++) {
        char key[64];
        snprintf(key, sizeof key, "queue_mean_%s_s", sim_cluster_class_names[k]);
        if (json_object_set_new(o, key, json_real(r->queue_mean_class_s[k])) != 0)
            return SIM_ERR_NOMEM;
    }
    if (json_object_set_new(o, "policy", json_string(sim_cluster_policy_names[c->policy])) != 0 ||
        json_object_set_new(o, "placement", json_string(sim_cluster_placement_names[c->placement])) != 0 ||
        json_object_set_new(o, "mode", json_string(sim_cluster_mode_names[c->mode])) != 0)
        return SIM_ERR_NOMEM;
    return SIM_OK;
}

static void print_text(const sim_cluster_config_t *c, const sim_cluster_result_t *r)
{
    printf("cluster: %lld nodes, %lld GPUs; %s / %s (%s)\n", (long long)r->nodes,
           (long long)r->gpus, sim_cluster_policy_names[c->policy],
           sim_cluster_placement_names[c->placement], sim_cluster_mode_names[c->mode]);
    if (c->mode == SIM_CLUSTER_FILL) {
        printf("  tasks submitted            %lld (%lld did not fit)\n", (long long)r->jobs,
               (long long)r->unschedulable);
        printf("  at 100%% arrived requests:\n");
        printf("    unallocated GPU requests %.2f %%\n", r->fill_unalloc_pct);
        printf("    GPU allocation rate      %.2f %%\n", 100 * r->fill_alloc_rate);
        printf("    fragmentation (FGD)      %.1f GPUs (%.1f %% of free)\n", r->fill_frag_gpus,
               100 * r->fill_frag_rate);
        return;
    }
    printf("  jobs %lld: completed %lld, failed %lld, unschedulable %lld\n", (long long)r->jobs,
           (long long)r->completed, (long long)r->failed, (long long)r->unschedulable);
    if (r->job_failed > 0 || r->job_cancelled > 0)
        printf("  ended early by outcome: failed %lld, cancelled %lld\n",
               (long long)r->job_failed, (long long)r->job_cancelled);
    printf("  %-22s %12s %12s %12s\n", "seconds", "mean", "p50", "p99");
    printf("  %-22s %12.1f %12.1f %12.1f\n", "queueing delay", r->queue_mean_s, r->queue_p50_s,
           r->queue_p99_s);
    printf("  %-22s %12.1f %12.1f %12.1f\n", "job completion time", r->jct_mean_s, r->jct_p50_s,
           r->jct_p99_s);
    for (int k = 0; k < SIM_CLUSTER_NCLASSES; k++)
        printf("  queue mean, %-10s %12.1f   (%lld jobs)\n", sim_cluster_class_names[k],
               r->queue_mean_class_s[k], (long long)r->jobs_class[k]);
    printf("  makespan %.0f s; GPU allocation %.1f %%, utilisation %.1f %%\n", r->makespan_s,
           100 * r->alloc_mean, 100 * r->util);
    printf("  fragmentation (FGD) mean %.1f GPUs (%.1f %% of free)\n", r->frag_mean_gpus,
           100 * r->frag_rate_mean);
    printf("  preemptions %lld, restarts %lld, node failures %lld, gangs %lld (%lld across "
           "segments)\n",
           (long long)r->preemptions, (long long)r->restarts, (long long)r->node_failures,
           (long long)r->gangs, (long long)r->gangs_cross_segment);
}

/*
 * The model part of `gpusim cluster`: the trace and config of sc, the
 * run, and the result fields in result.  *t, *c and *r are set also on
 * failure: the caller releases *r (sim_cluster_result_release) and *t
 * (wl_jobtrace_free) either way.
 */
static sim_err_t cluster_compute(const cfg_scenario_t *sc, uint64_t seed, wl_jobtrace_t **tp,
                                 sim_cluster_config_t *cp, sim_cluster_result_t *rp,
                                 json_t *result, sim_diag_t *diag)
{
    sim_cluster_config_t c;
    memset(rp, 0, sizeof *rp);
    *tp = NULL;
    sim_cluster_config_default(&c);
    int64_t gpn = cfg_get_int(sc, "cluster.gpus_per_node");
    sim_err_t err = load_trace(sc, (int)gpn, seed, tp, diag);
    wl_jobtrace_t *t = *tp;
    if (err == SIM_OK) {
        int nodes_src = cfg_get_enum(sc, "trace.nodes");
        c.trace = t;
        if (nodes_src == SIM_CLUSTER_NODES_SPOT2026)
            err = sim_cluster_spot_nodes(t, cfg_get_bool(sc, "trace.scale_nodes")
                                                ? cfg_get_int(sc, "cluster.gpus") : 0, diag);
        c.use_trace_nodes = nodes_src == SIM_CLUSTER_NODES_TRACE ||
                            nodes_src == SIM_CLUSTER_NODES_SPOT2026 ||
                            (nodes_src == SIM_CLUSTER_NODES_AUTO && t->nodes != NULL);
        if (nodes_src == SIM_CLUSTER_NODES_TRACE && t->nodes == NULL)
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "trace.nodes",
                               "this trace has no node list; use cluster");
        c.gpus_per_node = (int32_t)gpn;
        c.nodes = (cfg_get_int(sc, "cluster.gpus") + gpn - 1) / gpn;
        c.node_cpu_milli = (int64_t)cfg_get_double(sc, "scheduler.node_cpu");
        c.segment_nodes = (int32_t)cfg_get_int(sc, "scheduler.segment_nodes");
        c.policy = (sim_cluster_policy_t)cfg_get_enum(sc, "scheduler.policy");
        c.placement = (sim_cluster_placement_t)cfg_get_enum(sc, "scheduler.placement");
        c.mode = (sim_cluster_mode_t)cfg_get_enum(sc, "scheduler.mode");
        c.time_scale = cfg_get_double(sc, "trace.time_scale");
        c.rate_scale = cfg_get_double(sc, "trace.rate_scale");
        c.max_jobs = cfg_get_int(sc, "trace.max_jobs");
        c.fill_target = cfg_get_double(sc, "scheduler.fill_target");
        c.node_mtbf_s = cfg_get_time_s(sc, "failures.node_mtbf");
        c.repair_s = cfg_get_time_s(sc, "failures.repair_time");
        c.fail_requeue = cfg_get_enum(sc, "failures.on_failure") == 0;
        c.backfill_depth = (int32_t)cfg_get_int(sc, "scheduler.backfill_depth");
        c.series_points = (int32_t)cfg_get_int(sc, "scheduler.series_points");
        c.check_every = cfg_get_int(sc, "scheduler.check_invariants");
        c.seed = seed;
    }
    if (err == SIM_OK)
        err = sim_cluster_run(&c, rp, diag);
    if (err == SIM_OK)
        err = to_json(&c, rp, result);
    *cp = c;
    return err;
}

/* The runner: cluster_compute without series and text. */
static sim_err_t cluster_run(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                             sim_diag_t *diag)
{
    wl_jobtrace_t *t = NULL;
    sim_cluster_config_t c;
    sim_cluster_result_t r;
    sim_err_t err = cluster_compute(sc, seed, &t, &c, &r, result, diag);
    sim_cluster_result_release(&r);
    wl_jobtrace_free(t);
    return err;
}

const cli_runner_t cli_runner_cluster = {"cluster", tables, cluster_run};

int cli_cmd_cluster(int argc, char **argv)
{
    const cli_opt_t opts[] = {{NULL, 0, NULL, NULL, NULL, NULL}};
    const cli_command_spec_t spec = {
        "cluster", "[--scenario FILE]",
        "Schedule a trace's jobs on a shared GPU cluster: queueing policy\n"
        "(fifo, sjf, priority, backfill), placement (best-fit, worst-fit,\n"
        "topo-pack, fgd), node failures.  Reports queueing delay, JCT,\n"
        "allocation and FGD fragmentation; scheduler.mode=fill replays the FGD\n"
        "paper's cluster-fills experiment (unallocated GPUs at 100 % arrivals).",
        opts, tables, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_open(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;
    wl_jobtrace_t *t = NULL;
    sim_cluster_config_t c;
    sim_cluster_result_t r;
    sim_err_t err = cluster_compute(s.scenario, s.seed, &t, &c, &r, s.result, &s.diag);
    if (err == SIM_OK)
        err = cli_session_series(&s, "gpu_alloc", r.series_t, r.series_alloc, r.series_n);
    if (err == SIM_OK)
        err = cli_session_series(&s, "frag_gpus", r.series_t, r.series_frag, r.series_n);
    if (err == SIM_OK && !s.common.json)
        print_text(&c, &r);
    sim_cluster_result_release(&r);
    wl_jobtrace_free(t);
    return cli_session_close(&s, err);
}
