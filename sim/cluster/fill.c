/*
 * fill.c — the FGD paper's "the cluster fills" experiment, and the
 * sim_cluster_run entry point (cluster.h).
 *
 * Setting (Weng et al., ATC'23, §6.1): tasks are sampled from the trace
 * with replacement (stream "cluster.fill") and submitted one by one; no
 * task departs; a task that fits no node fails at once and is not retried.
 * The paper plots unallocated GPUs against arrived workload in % of the
 * cluster's GPUs; its headline compares policies at 100 %.  We stop at
 * fill_target and read the metrics when the arrived requests first reach
 * 100 % of the GPUs.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cluster/cluster_int.h"
#include "sim/engine/rng.h"

const char *const sim_cluster_policy_names[] = {"fifo", "sjf", "priority", "backfill", NULL};
const char *const sim_cluster_placement_names[] = {"best-fit", "worst-fit", "topo-pack", "fgd", NULL};
const char *const sim_cluster_mode_names[] = {"replay", "fill", NULL};
const char *const sim_cluster_class_names[] = {"share", "1gpu", "node", "gang", NULL};

void sim_cluster_config_default(sim_cluster_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->nodes = 1;
    cfg->gpus_per_node = 8;
    cfg->segment_nodes = 16;
    cfg->policy = SIM_CLUSTER_FIFO;
    cfg->placement = SIM_CLUSTER_BEST_FIT;
    cfg->mode = SIM_CLUSTER_REPLAY;
    cfg->time_scale = 1;
    cfg->rate_scale = 1;
    cfg->fill_target = 1.0;
    cfg->repair_s = 3600;
    cfg->fail_requeue = true;
    cfg->backfill_depth = 64;
    cfg->series_points = 200;
}

void sim_cluster_result_release(sim_cluster_result_t *res)
{
    if (res == NULL)
        return;
    free(res->series_t);
    free(res->series_alloc);
    free(res->series_frag);
    memset(res, 0, sizeof *res);
}

sim_err_t scl_run_fill(const sim_cluster_config_t *cfg, scl_state_t *st,
                       sim_cluster_result_t *res, sim_diag_t *diag)
{
    const wl_jobtrace_t *t = cfg->trace;
    gsl_rng *r = sim_rng_alloc(sim_rng_hash(cfg->seed, "cluster.fill"));
    int32_t kmax = scl_pieces_max(st, t, t->njobs);
    scl_alloc_t *allocs = NULL, *a = malloc((size_t)kmax * sizeof *a);
    size_t nallocs = 0, cap = 0, npts = (size_t)cfg->series_points;
    sim_err_t err = SIM_OK;
    double cap_milli = (double)st->ngpus * SCL_MILLI, arrived = 0, step;
    bool at100 = false;
    if (r == NULL || a == NULL ||
        (res->series_t = malloc((npts + 2) * sizeof(double))) == NULL ||
        (res->series_alloc = malloc((npts + 2) * sizeof(double))) == NULL ||
        (res->series_frag = malloc((npts + 2) * sizeof(double))) == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    step = cfg->fill_target / (double)npts;
    double next_pt = step;
    while (arrived < cfg->fill_target * cap_milli) {
        const wl_jobtrace_job_t *j = &t->jobs[gsl_rng_uniform_int(r, t->njobs)];
        scl_req_t q = scl_req_of(j);
        int32_t n;
        bool cross;
        res->jobs++;
        arrived += (double)scl_req_milli(&q);
        if (scl_place(st, &q, a, &n, &cross)) {
            if (nallocs + (size_t)n > cap) {
                size_t ncap = cap ? 2 * cap : 4096;
                scl_alloc_t *na = realloc(allocs, ncap * sizeof *na);
                if (na == NULL) {
                    err = SIM_ERR_NOMEM;
                    goto fail;
                }
                allocs = na;
                cap = ncap;
            }
            memcpy(&allocs[nallocs], a, (size_t)n * sizeof *a);
            nallocs += (size_t)n;
            res->gangs += n > 1;
            res->gangs_cross_segment += cross;
        } else {
            res->unschedulable++;
        }
        res->events++;
        if (cfg->check_every > 0 && res->events % cfg->check_every == 0) {
            scl_check_begin(st);
            scl_check_add(st, allocs, (int32_t)nallocs);
            if ((err = scl_check_end(st, diag)) != SIM_OK)
                goto fail;
            res->invariant_checks++;
        }
        double frac = arrived / cap_milli;
        if (!at100 && frac >= 1.0) {
            at100 = true;
            double fr;
            res->fill_frag_gpus = scl_frag_cluster(st, &fr);
            res->fill_frag_rate = fr > 0 ? res->fill_frag_gpus / fr : 0;
            res->fill_alloc_rate = (double)st->alloc_milli / cap_milli;
            res->fill_unalloc_pct = 100.0 * (arrived - (double)st->alloc_milli) / arrived;
        }
        if (frac >= next_pt && res->series_n < npts + 2) {
            res->series_t[res->series_n] = frac;
            res->series_alloc[res->series_n] = (double)st->alloc_milli / cap_milli;
            res->series_frag[res->series_n] = scl_frag_cluster(st, NULL);
            res->series_n++;
            while (next_pt <= frac)
                next_pt += step;
        }
    }
    if (cfg->check_every > 0) {
        scl_check_begin(st);
        scl_check_add(st, allocs, (int32_t)nallocs);
        if ((err = scl_check_end(st, diag)) != SIM_OK)
            goto fail;
        res->invariant_checks++;
    }
fail:
    gsl_rng_free(r);
    free(a);
    free(allocs);
    return err;
}

sim_err_t sim_cluster_run(const sim_cluster_config_t *cfg,
                          sim_cluster_result_t *res, sim_diag_t *diag)
{
    memset(res, 0, sizeof *res);
    if (cfg->trace == NULL || cfg->trace->njobs == 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "trace.file", "the trace has no jobs");
    if (cfg->use_trace_nodes && cfg->trace->nodes == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "trace.nodes",
                            "the trace brings no node list");
    if (!(cfg->time_scale > 0) || !(cfg->rate_scale > 0) || !(cfg->fill_target > 0) ||
        cfg->series_points < 2 || cfg->backfill_depth < 0 || cfg->node_mtbf_s < 0 ||
        cfg->repair_s < 0 || cfg->check_every < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "scales and fill_target must be > 0, series_points >= 2, "
                            "others >= 0");
    scl_state_t st;
    sim_err_t err = scl_state_init(&st, cfg, diag);
    if (err != SIM_OK)
        return err;
    res->nodes = st.nnodes;
    res->gpus = st.ngpus;
    if (cfg->mode == SIM_CLUSTER_FILL)
        err = scl_run_fill(cfg, &st, res, diag);
    else
        err = scl_run_replay(cfg, &st, res, diag);
    scl_state_destroy(&st);
    return err;
}
