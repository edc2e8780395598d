/*
 * train_comm.c — communication times of the training executor, measured
 * once per distinct transfer on the flow network and cached (see
 * train_comm.h).
 *
 * One engine and one net serve every measurement: each starts on an idle
 * net at the engine's current time and runs until its flows are done, so
 * measurements never overlap one another.
 */
#include "sim/train/train_comm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/engine.h"
#include "sim/net/collective.h"
#include "sim/net/flownet.h"

#define CACHE_MAX 256
#define CONCURRENT_MAX 512

typedef struct entry {
    int op;          /* wl_coll_t; WL_COLL_SEND for p2p */
    int group;       /* wl_group_kind_t; for p2p: 1 = same node */
    double bytes;
    double time_s;
} entry_t;

struct train_comm {
    topo_t *topo;
    sim_coll_profile_t prof;
    bool nvls, free_comm;
    wl_parallel_t plan;
    sim_engine_t *eng;
    sim_net_t *net;
    int *pipe;                 /* GPU of each stage of pipeline 0 */
    int *tp;                   /* the TP group of stage 0, tp GPUs */
    entry_t cache[CACHE_MAX];
    int ncache, next_evict;
    int64_t measured;
};

sim_err_t train_comm_new(topo_t *topo, const sim_coll_profile_t *prof,
                         bool nvls, const wl_parallel_t *plan, bool free_comm,
                         train_comm_t **out, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    wl_groups_t pp = {0, 0, NULL}, tp = {0, 0, NULL};
    train_comm_t *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    c->topo = topo;
    c->prof = *prof;
    c->nvls = nvls;
    c->free_comm = free_comm || topo == NULL;
    c->plan = *plan;
    if (topo != NULL && topo->n_gpus < plan->gpus) {
        err = sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "cluster.gpus",
                           "the plan needs %d GPUs, the cluster has %d",
                           plan->gpus, (int)topo->n_gpus);
        goto fail;
    }
    c->pipe = calloc((size_t)plan->pp, sizeof *c->pipe);
    c->tp = calloc((size_t)plan->tp, sizeof *c->tp);
    if (c->pipe == NULL || c->tp == NULL)
        goto nomem;
    err = wl_parallel_groups(plan, WL_GROUP_PP, &pp, diag);
    if (err == SIM_OK)
        err = wl_parallel_groups(plan, WL_GROUP_TP, &tp, diag);
    if (err != SIM_OK)
        goto fail;
    for (int s = 0; s < plan->pp; s++)
        c->pipe[s] = pp.ids[s];
    /* the TP group holding stage 0's GPU */
    for (int g = 0; g < tp.count; g++)
        for (int j = 0; j < tp.size; j++)
            if (tp.ids[g * tp.size + j] == c->pipe[0]) {
                memcpy(c->tp, tp.ids + (size_t)g * tp.size,
                       (size_t)tp.size * sizeof *c->tp);
                g = tp.count;
                break;
            }
    if (!c->free_comm) {
        sim_net_params_t np;
        sim_coll_net_params(&c->prof, &np);
        c->eng = sim_engine_new(0x747261696eULL); /* "train" */
        if (c->eng == NULL)
            goto nomem;
        c->net = sim_net_new(c->eng, topo, &np);
        if (c->net == NULL)
            goto nomem;
    }
    wl_groups_destroy(&pp);
    wl_groups_destroy(&tp);
    *out = c;
    return SIM_OK;
nomem:
    err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
fail:
    wl_groups_destroy(&pp);
    wl_groups_destroy(&tp);
    train_comm_free(c);
    return err;
}

void train_comm_free(train_comm_t *c)
{
    if (c == NULL)
        return;
    sim_net_free(c->net);
    sim_engine_free(c->eng);
    free(c->pipe);
    free(c->tp);
    free(c);
}

int train_comm_stage_gpu(const train_comm_t *c, int stage)
{
    return c->pipe[stage];
}

int64_t train_comm_measurements(const train_comm_t *c)
{
    return c->measured;
}

static const entry_t *lookup(const train_comm_t *c, int op, int group,
                             double bytes)
{
    for (int i = 0; i < c->ncache; i++)
        if (c->cache[i].op == op && c->cache[i].group == group &&
            c->cache[i].bytes == bytes)
            return &c->cache[i];
    return NULL;
}

static void remember(train_comm_t *c, int op, int group, double bytes,
                     double t)
{
    int i = c->ncache < CACHE_MAX ? c->ncache++ : c->next_evict++ % CACHE_MAX;
    c->cache[i] = (entry_t){op, group, bytes, t};
}

static int group_size(const wl_parallel_t *p, wl_group_kind_t g)
{
    switch (g) {
    case WL_GROUP_TP: return p->tp;
    case WL_GROUP_CP: return p->cp;
    case WL_GROUP_PP: return p->pp;
    case WL_GROUP_DP: return p->dp;
    case WL_GROUP_DPCP: return p->dp * p->cp;
    case WL_GROUP_EP: return p->ep;
    case WL_GROUP_EDP: return p->edp;
    case WL_GROUP_EMBED: return p->pp > 1 ? 2 : 1;
    case WL_GROUP__COUNT: break;
    }
    return 1;
}

static sim_coll_op_t coll_op(wl_coll_t op)
{
    switch (op) {
    case WL_COLL_ALLGATHER: return SIM_COLL_ALL_GATHER;
    case WL_COLL_REDUCESCATTER: return SIM_COLL_REDUCE_SCATTER;
    case WL_COLL_ALLTOALL: return SIM_COLL_ALL_TO_ALL;
    default: return SIM_COLL_ALL_REDUCE;
    }
}

/* The groups of kind g that contain a GPU of stage 0's TP group (EMBED: the
 * one holding stage 0), as concatenated member lists in *ids / *off.
 * Returns the number of groups, or -1 when out of memory. */
static int concurrent_groups(const train_comm_t *c, wl_group_kind_t g,
                             int32_t **ids, size_t **off, sim_diag_t *diag)
{
    wl_groups_t gr = {0, 0, NULL};
    int n = 0;
    *ids = NULL;
    *off = NULL;
    if (wl_parallel_groups(&c->plan, g, &gr, diag) != SIM_OK)
        return -1;
    int want = g == WL_GROUP_TP || g == WL_GROUP_EMBED ? 1 : c->plan.tp;
    /* Step collapsing (collective.h) works only on a quiet fabric: past
     * CONCURRENT_MAX ranks, concurrent groups would make every step of
     * every ring run flow by flow, so the representative group runs alone
     * (a stated approximation: on rail-optimised fabrics the tp groups of
     * a node use different rails and barely meet). */
    if ((int64_t)want * gr.size > CONCURRENT_MAX)
        want = 1;
    *ids = malloc((size_t)want * (size_t)gr.size * sizeof **ids);
    *off = malloc(((size_t)want + 1) * sizeof **off);
    if (*ids == NULL || *off == NULL) {
        wl_groups_destroy(&gr);
        return -1;
    }
    (*off)[0] = 0;
    for (int k = 0; k < gr.count && n < want; k++) {
        const int *m = gr.ids + (size_t)k * gr.size;
        bool hit = false;
        for (int j = 0; j < gr.size && !hit; j++)
            for (int t = 0; t < (want == 1 ? 1 : c->plan.tp) && !hit; t++)
                hit = m[j] == (want == 1 ? c->pipe[0] : c->tp[t]);
        if (!hit)
            continue;
        for (int j = 0; j < gr.size; j++)
            (*ids)[(size_t)n * gr.size + j] = m[j];
        n++;
        (*off)[n] = (size_t)n * gr.size;
    }
    wl_groups_destroy(&gr);
    return n;
}

sim_err_t train_collective_time(train_comm_t *c, wl_coll_t op,
                                wl_group_kind_t g, double bytes,
                                double *out, sim_diag_t *diag)
{
    *out = 0;
    if (c->free_comm || bytes <= 0 || group_size(&c->plan, g) <= 1)
        return SIM_OK;
    const entry_t *e = lookup(c, (int)op, (int)g, bytes);
    if (e != NULL) {
        *out = e->time_s;
        return SIM_OK;
    }
    int32_t *ids = NULL;
    size_t *off = NULL;
    sim_coll_spec_t *specs = NULL;
    sim_coll_result_t *res = NULL;
    sim_err_t err = SIM_OK;
    int n = concurrent_groups(c, g, &ids, &off, diag);
    if (n < 0) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto done;
    }
    specs = calloc((size_t)n, sizeof *specs);
    res = calloc((size_t)n, sizeof *res);
    if (n > 0 && (specs == NULL || res == NULL)) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto done;
    }
    for (int k = 0; k < n; k++) {
        sim_coll_spec_default(&specs[k]);
        specs[k].op = coll_op(op);
        specs[k].bytes = bytes;
        specs[k].salt = (uint64_t)k * 0x9e3779b97f4a7c15ULL;
    }
    sim_coll_env_t env = {c->eng, c->net, c->topo, &c->prof, c->nvls};
    err = sim_coll_run_many(&env, ids, off, (size_t)n, specs, res, diag);
    if (err != SIM_OK)
        goto done;
    double t = 0;
    for (int k = 0; k < n; k++)
        t = fmax(t, res[k].time_s);
    c->measured++;
    remember(c, (int)op, (int)g, bytes, t);
    *out = t;
done:
    free(ids);
    free(off);
    free(specs);
    free(res);
    return err;
}

typedef struct p2p_wait {
    int left;
    sim_time_t last;
    sim_err_t status;
} p2p_wait_t;

static void p2p_done(void *ctx, int32_t flow, sim_err_t status,
                     sim_time_t now)
{
    (void)flow;
    p2p_wait_t *w = ctx;
    w->left--;
    if (now > w->last)
        w->last = now;
    if (status != SIM_OK && w->status == SIM_OK)
        w->status = status;
}

sim_err_t train_p2p_time(train_comm_t *c, int from, int to, double bytes,
                         double *out, sim_diag_t *diag)
{
    *out = 0;
    if (c->free_comm || bytes <= 0 || from == to)
        return SIM_OK;
    int src0 = c->pipe[from], dst0 = c->pipe[to];
    int same = c->topo->gpu_node[src0] == c->topo->gpu_node[dst0];
    const entry_t *e = lookup(c, (int)WL_COLL_SEND, same, bytes);
    if (e != NULL) {
        *out = e->time_s;
        return SIM_OK;
    }
    /* Every TP rank of the stage sends its share to its peer at once. */
    p2p_wait_t w = {0, sim_engine_now(c->eng), SIM_OK};
    sim_time_t t0 = sim_engine_now(c->eng);
    for (int j = 0; j < c->plan.tp; j++) {
        int32_t src = c->tp[j] - c->pipe[0] + src0;
        int32_t dst = c->tp[j] - c->pipe[0] + dst0;
        sim_err_t err = sim_net_flow_start(c->net, src, dst, bytes,
                                           (uint64_t)j + 1, p2p_done, &w,
                                           NULL);
        if (err != SIM_OK)
            return sim_diag_set(diag, err, NULL, 0, NULL,
                                "cannot start a pipeline transfer from GPU "
                                "%d to GPU %d", (int)src, (int)dst);
        w.left++;
    }
    sim_err_t err = sim_engine_run(c->eng, SIM_TIME_MAX);
    if (err == SIM_OK)
        err = w.status;
    if (err != SIM_OK || w.left != 0)
        return sim_diag_set(diag, err != SIM_OK ? err : SIM_ERR_INFEASIBLE,
                            NULL, 0, NULL,
                            "pipeline transfer between stages %d and %d "
                            "did not complete", from, to);
    double t = sim_time_to_s(w.last - t0);
    c->measured++;
    remember(c, (int)WL_COLL_SEND, same, bytes, t);
    *out = t;
    return SIM_OK;
}
