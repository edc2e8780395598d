/*
 * spot.c — the Alibaba 2026 spot-GPU node inventory as a cluster prior
 * (priors.h): the embedded pool table and the node list built from it,
 * as published or scaled to a GPU count with the pool mix kept.
 *
 * The pool table (workloads/traces/spot2026_pools.csv) is the published
 * node list grouped by (GPU model, GPUs per node, CPU); SOURCE.md there
 * gives the command that derived it.  Assumes: memory per node unknown
 * (left unlimited); CPU cores of the inventory are whole cores.
 */
#include "sim/cluster/priors.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/embedded.h"

#define SPOT_FILE "workloads/traces/spot2026_pools.csv"
#define MAX_POOLS 64

/* Parse field s as a whole number in [lo, hi]. */
static bool whole(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

sim_err_t sim_cluster_spot_pools(sim_cluster_pool_t *pools, size_t cap, size_t *n,
                                 sim_diag_t *diag)
{
    const wl_embedded_file_t *e = wl_embedded_find(SPOT_FILE);
    *n = 0;
    if (e == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "trace.nodes",
                            "the spot-2026 inventory is not built into this program");
    const char *text = e->data, *end = e->data + e->size;
    int line = 0;
    while (text < end) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
        char buf[256];
        const char *f[4];
        int nf = 0;
        line++;
        if (len >= sizeof buf)
            return sim_diag_set(diag, SIM_ERR_INPUT, SPOT_FILE, line, NULL, "line too long");
        memcpy(buf, text, len);
        buf[len] = '\0';
        text += len + (nl != NULL);
        if (len > 0 && buf[len - 1] == '\r')
            buf[len - 1] = '\0';
        if (line == 1 || buf[0] == '\0')
            continue; /* header (model,gpu,cpu_milli,nodes) or blank */
        for (char *p = buf; p != NULL && nf < 4; nf++) {
            f[nf] = p;
            p = strchr(p, ',');
            if (p != NULL)
                *p++ = '\0';
        }
        long long g, cpu, nodes;
        if (nf != 4 || f[0][0] == '\0' || strlen(f[0]) >= sizeof pools[0].model ||
            !whole(f[1], 1, 64, &g) || !whole(f[2], 0, (long long)1 << 40, &cpu) ||
            !whole(f[3], 1, 1000000, &nodes))
            return sim_diag_set(diag, SIM_ERR_INPUT, SPOT_FILE, line, NULL,
                                "expected model,gpu (1..64),cpu_milli,nodes");
        if (*n == cap)
            return sim_diag_set(diag, SIM_ERR_RANGE, SPOT_FILE, line, NULL,
                                "more than %zu pools", cap);
        sim_cluster_pool_t *pl = &pools[(*n)++];
        snprintf(pl->model, sizeof pl->model, "%s", f[0]);
        pl->gpus = (int32_t)g;
        pl->cpu_milli = cpu;
        pl->nodes = nodes;
    }
    return SIM_OK;
}

/* Largest-remainder apportionment of each pool's nodes x f: floors first,
 * then the pools with the largest fractional parts (earlier pool on a tie)
 * get one more until the total is round(sum of quotas), at least 1. */
static void scale_pools(sim_cluster_pool_t *p, size_t n, double f)
{
    double quota_sum = 0, rem[MAX_POOLS];
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        double q = (double)p[i].nodes * f;
        quota_sum += q;
        p[i].nodes = (int64_t)floor(q);
        rem[i] = q - floor(q);
        total += p[i].nodes;
    }
    int64_t want = llround(quota_sum);
    if (want < 1)
        want = 1;
    while (total < want) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        p[best].nodes++;
        rem[best] = -1;
        total++;
    }
}

sim_err_t sim_cluster_spot_nodes(wl_jobtrace_t *t, int64_t target_gpus, sim_diag_t *diag)
{
    sim_cluster_pool_t pools[MAX_POOLS];
    size_t np;
    sim_err_t err;
    if (target_gpus < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "expected a GPU count >= 0");
    if ((err = sim_cluster_spot_pools(pools, MAX_POOLS, &np, diag)) != SIM_OK)
        return err;
    if (np == 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, SPOT_FILE, 0, NULL, "no pools");
    if (target_gpus > 0) {
        int64_t gpus = 0;
        for (size_t i = 0; i < np; i++)
            gpus += pools[i].gpus * pools[i].nodes;
        scale_pools(pools, np, (double)target_gpus / (double)gpus);
    }
    int64_t nn = 0;
    for (size_t i = 0; i < np; i++)
        nn += pools[i].nodes;
    if (nn > INT32_MAX / 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "too many nodes (%lld)", (long long)nn);
    wl_jobtrace_node_t *nodes = malloc((size_t)nn * sizeof *nodes);
    if (nodes == NULL)
        return SIM_ERR_NOMEM;
    int saved_nmodels = t->nmodels;
    size_t k = 0;
    for (size_t i = 0; i < np; i++) {
        int id = wl_jobtrace_model_id(t, pools[i].model);
        if (id < 0) {
            t->nmodels = saved_nmodels; /* names past it were only appended */
            free(nodes);
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.nodes",
                                "the trace's GPU model table is full");
        }
        for (int64_t m = 0; m < pools[i].nodes; m++) {
            nodes[k].gpus = pools[i].gpus;
            nodes[k].model = id;
            nodes[k].cpu_milli = pools[i].cpu_milli;
            nodes[k].mem_mib = 0;
            k++;
        }
    }
    free(t->nodes);
    t->nodes = nodes;
    t->nnodes = k;
    return SIM_OK;
}
