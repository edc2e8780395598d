/*
 * nccl_tuning.c — collective profiles from net.ini and the NCCL-like
 * choice of algorithm and protocol (see nccl_tuning.h).
 *
 * The parsed file is kept as its cfg_ini_t; every entry is validated at
 * parse time by applying each section to a scratch profile, so lookups
 * cannot fail later.
 */
#include "sim/net/nccl_tuning.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config/ini.h"
#include "sim/config/units.h"
#include "topologies/route.h"
#include "workloads/embedded.h"

struct sim_coll_tuning {
    cfg_ini_t *ini;
};

static const char *const proto_names[SIM_COLL_PROTO_COUNT] = {
    "auto", "ll", "ll128", "simple"};

const char *sim_coll_proto_name(sim_coll_proto_t p)
{
    return (unsigned)p < SIM_COLL_PROTO_COUNT ? proto_names[p] : "?";
}

sim_err_t sim_coll_proto_from_name(const char *name, sim_coll_proto_t *out,
                                   sim_diag_t *diag)
{
    for (int i = 0; i < SIM_COLL_PROTO_COUNT; i++)
        if (name != NULL && strcasecmp(name, proto_names[i]) == 0) {
            *out = (sim_coll_proto_t)i;
            return SIM_OK;
        }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "unknown protocol '%s' (expected auto, ll, ll128 or "
                        "simple)", name != NULL ? name : "");
}

/* The base every profile starts from before [default] is applied. */
static void profile_base(sim_coll_profile_t *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "default");
    p->nvlink_efficiency = 1.0;
    p->nic_efficiency = 1.0;
    p->nvls_min_gpus = 2;
}

void sim_coll_profile_neutral(sim_coll_profile_t *p)
{
    profile_base(p);
    for (int a = 1; a < SIM_COLL_ALGO_COUNT; a++)
        p->cost[a][SIM_COLL_PROTO_SIMPLE].efficiency = 1.0;
}

/* Apply one entry to p.  SIM_ERR_INPUT for an unknown key, else the
 * unit parser's code; diag gets file:line:key. */
static sim_err_t apply(sim_coll_profile_t *p, const cfg_ini_entry_t *e,
                       const char *path, sim_diag_t *diag)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = SIM_OK;
    const char *k = e->key;
    char key[128];
    double v = 0.0;
    int64_t iv = 0;

    if (strncmp(k, "source", 6) == 0)
        return SIM_OK;
    if (strcmp(k, "nvlink_efficiency") == 0) {
        err = cfg_parse_double(e->value, 1e-6, 1.0, &p->nvlink_efficiency, &d);
    } else if (strcmp(k, "nic_efficiency") == 0) {
        err = cfg_parse_double(e->value, 1e-6, 1.0, &p->nic_efficiency, &d);
    } else if (strcmp(k, "message_overhead") == 0) {
        err = cfg_parse_time_s(e->value, &p->message_overhead_s, &d);
    } else if (strcmp(k, "nvls_min_gpus") == 0) {
        err = cfg_parse_int(e->value, 2, 1 << 20, &iv, &d);
        if (err == SIM_OK)
            p->nvls_min_gpus = (int32_t)iv;
    } else {
        /* <algo>.<proto>.<field> */
        snprintf(key, sizeof key, "%s", k);
        char *a = key, *pr = strchr(a, '.'), *f = NULL;
        if (pr != NULL) {
            *pr++ = '\0';
            f = strchr(pr, '.');
            if (f != NULL)
                *f++ = '\0';
        }
        sim_coll_algo_t algo;
        sim_coll_proto_t proto;
        if (f == NULL || sim_coll_algo_from_name(a, &algo, NULL) != SIM_OK ||
            algo == SIM_COLL_ALGO_AUTO ||
            sim_coll_proto_from_name(pr, &proto, NULL) != SIM_OK ||
            proto == SIM_COLL_PROTO_AUTO)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, k,
                                "unknown key; expected nvlink_efficiency, "
                                "nic_efficiency, message_overhead, "
                                "nvls_min_gpus, source..., or "
                                "<algo>.<ll|ll128|simple>.<latency|"
                                "step_latency|efficiency>");
        sim_coll_cost_t *c = &p->cost[algo][proto];
        if (strcmp(f, "latency") == 0)
            err = cfg_parse_time_s(e->value, &c->latency_s, &d);
        else if (strcmp(f, "step_latency") == 0)
            err = cfg_parse_time_s(e->value, &c->step_latency_s, &d);
        else if (strcmp(f, "efficiency") == 0)
            err = cfg_parse_double(e->value, 0.0, 1.0, &v, &d);
        else
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, k,
                                "unknown field '%s'; expected latency, "
                                "step_latency or efficiency", f);
        if (err == SIM_OK && strcmp(f, "efficiency") == 0)
            c->efficiency = v;
    }
    if (err != SIM_OK)
        return sim_diag_set(diag, err, path, e->line, k, "%s", d.msg);
    return SIM_OK;
}

void sim_coll_tuning_free(sim_coll_tuning_t *t)
{
    if (t == NULL)
        return;
    cfg_ini_free(t->ini);
    free(t);
}

sim_err_t sim_coll_tuning_parse(const char *text, size_t len,
                                const char *path, sim_coll_tuning_t **out,
                                sim_diag_t *diag)
{
    sim_coll_tuning_t *t = NULL;
    sim_coll_profile_t scratch;
    sim_err_t err;

    *out = NULL;
    t = calloc(1, sizeof *t);
    if (t == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                            "out of memory");
    if ((err = cfg_ini_parse(text, len, path, &t->ini, diag)) != SIM_OK)
        goto fail;
    profile_base(&scratch);
    for (size_t i = 0; i < cfg_ini_count(t->ini); i++)
        if ((err = apply(&scratch, cfg_ini_entry(t->ini, i), path, diag)) !=
            SIM_OK)
            goto fail;
    *out = t;
    return SIM_OK;
fail:
    sim_coll_tuning_free(t);
    return err;
}

sim_err_t sim_coll_tuning_load(sim_coll_tuning_t **out, sim_diag_t *diag)
{
    const wl_embedded_file_t *f = wl_embedded_find(SIM_COLL_TUNING_PATH);
    *out = NULL;
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, SIM_COLL_TUNING_PATH, 0,
                            NULL, "collective profiles not compiled in");
    return sim_coll_tuning_parse(f->data, f->size, SIM_COLL_TUNING_PATH, out,
                                 diag);
}

bool sim_coll_tuning_profile(const sim_coll_tuning_t *t, const char *gpu,
                             sim_coll_profile_t *out)
{
    bool found = false;
    profile_base(out);
    /* two passes: [default], then the GPU's own section */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < cfg_ini_count(t->ini); i++) {
            const cfg_ini_entry_t *e = cfg_ini_entry(t->ini, i);
            bool mine = pass == 0 ? strcmp(e->section, "default") == 0
                                  : gpu != NULL &&
                                        strcasecmp(e->section, gpu) == 0;
            if (!mine)
                continue;
            (void)apply(out, e, NULL, NULL); /* validated at parse time */
            if (pass == 1 && !found) {
                found = true;
                snprintf(out->name, sizeof out->name, "%s", e->section);
            }
        }
    return found;
}

/* ---- shape ------------------------------------------------------------ */

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static double route_latency(const topo_t *t, int32_t a, int32_t b,
                            sim_diag_t *diag, sim_err_t *err)
{
    int32_t links[TOPO_ROUTE_MAX_HOPS];
    size_t n = 0;
    double lat = 0.0;
    *err = topo_route(t, a, b, 0, links, TOPO_ROUTE_MAX_HOPS, &n, diag);
    for (size_t i = 0; i < n; i++)
        lat += t->l_lat[links[i]];
    return lat;
}

sim_err_t sim_coll_shape_of(const topo_t *topo, const int32_t *gpus,
                            size_t n, bool nvls, double message_overhead_s,
                            sim_coll_shape_t *sh, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    memset(sh, 0, sizeof *sh);
    if (n == 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "empty GPU group");
    for (size_t i = 0; i < n; i++)
        if (gpus[i] < 0 || gpus[i] >= topo->n_gpus)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                                "GPU %d is not in the topology (0..%d)",
                                gpus[i], topo->n_gpus - 1);
    int32_t *dom = malloc(n * sizeof *dom);
    if (dom == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    for (size_t i = 0; i < n; i++)
        dom[i] = topo->gpu_domain[gpus[i]];
    qsort(dom, n, sizeof *dom, cmp_i32);
    int64_t run = 0, minrun = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        run++;
        if (i + 1 == n || dom[i + 1] != dom[i]) {
            sh->nodes++;
            if (run > sh->per_node)
                sh->per_node = run;
            if (run < minrun)
                minrun = run;
            run = 0;
        }
    }
    free(dom);
    sh->n = (int64_t)n;
    sh->uniform = minrun == sh->per_node;
    sh->nvls = nvls;

    int32_t g0 = gpus[0];
    int32_t l = topo->gpu_nvlink[g0];
    sh->nvlink_bw = l >= 0 ? topo->l_bw[l]
                  : topo->gpu_pcie[g0] >= 0 ? topo->l_bw[topo->gpu_pcie[g0]]
                  : 0.0;
    int32_t nic = topo->gpu_nic[g0];
    if (nic >= 0) {
        double port = 0.0;
        for (int32_t p = 0; p < topo->nic_ports; p++) {
            int32_t pl = topo->nic_port_link[nic * topo->nic_ports + p];
            if (pl >= 0)
                port += topo->l_bw[pl];
        }
        int32_t sharing = 0;
        for (int32_t g = 0; g < topo->n_gpus; g++)
            if (topo->gpu_node[g] == topo->gpu_node[g0] &&
                topo->gpu_nic[g] == nic)
                sharing++;
        sh->nic_bw = port / (sharing > 0 ? sharing : 1);
        if (topo->gpu_pcie[g0] >= 0 && topo->l_bw[topo->gpu_pcie[g0]] <
                                           sh->nic_bw)
            sh->nic_bw = topo->l_bw[topo->gpu_pcie[g0]];
    }
    sh->lat_intra = sh->lat_inter = message_overhead_s;
    for (size_t i = 1; i < n; i++) {
        bool same = topo->gpu_domain[gpus[i]] == topo->gpu_domain[g0];
        double *dst = same ? &sh->lat_intra : &sh->lat_inter;
        if (*dst != message_overhead_s)
            continue;
        *dst += route_latency(topo, g0, gpus[i], diag, &err);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

/* ---- prediction ------------------------------------------------------- */

/* Pipelined time: P chunks through F extra fill steps, T seconds of
 * bottleneck transfer in all, lat per step; P minimises
 * (P + F) (lat + T / P), i.e. P = sqrt(F T / lat), within [1, 1024]. */
static double pipelined(double T, double F, double lat, int32_t *chunks)
{
    double P = 1024.0;
    if (F <= 0.0)
        P = 1.0;
    else if (lat > 0.0)
        P = fmin(1024.0, fmax(1.0, round(sqrt(F * T / lat))));
    if (chunks != NULL)
        *chunks = (int32_t)P;
    return (P + F) * lat + T * (1.0 + F / P);
}

static int64_t ilog2_ceil(int64_t k)
{
    int64_t l = 0;
    while (((int64_t)1 << l) < k)
        l++;
    return l;
}

double sim_coll_predict(const sim_coll_profile_t *prof,
                        const sim_coll_shape_t *sh, sim_coll_op_t op,
                        sim_coll_algo_t algo, sim_coll_proto_t proto,
                        double S, int32_t *chunks)
{
    if (chunks != NULL)
        *chunks = 1;
    if ((unsigned)algo >= SIM_COLL_ALGO_COUNT || algo == SIM_COLL_ALGO_AUTO ||
        (unsigned)proto >= SIM_COLL_PROTO_COUNT ||
        proto == SIM_COLL_PROTO_AUTO || !sim_coll_algo_supports(algo, op))
        return INFINITY;
    const sim_coll_cost_t *c = &prof->cost[algo][proto];
    if (!(c->efficiency > 0.0))
        return INFINITY;
    double n = (double)sh->n, k = (double)sh->nodes, g = (double)sh->per_node;
    double e = c->efficiency;
    double Env = sh->nvlink_bw * prof->nvlink_efficiency;
    double Enic = sh->nic_bw * prof->nic_efficiency;
    double lat = c->step_latency_s + (k > 1 ? sh->lat_inter : sh->lat_intra);
    double t = c->latency_s;
    if (sh->n <= 1)
        return t;
    if (k > 1 && !(Enic > 0.0))
        return INFINITY;
    double Bflat = k > 1 ? fmin(sh->nvlink_bw, g * Enic) : Env;
    switch (algo) {
    case SIM_COLL_ALGO_RING:
        if (op == SIM_COLL_BROADCAST || op == SIM_COLL_REDUCE)
            return t + pipelined(S / (Bflat * e), n - 2, lat, chunks);
        if (op == SIM_COLL_ALL_REDUCE)
            return t + 2 * (n - 1) * lat + 2 * (n - 1) / n * S / (Bflat * e);
        return t + (n - 1) * lat + (n - 1) / n * S / (Bflat * e);
    case SIM_COLL_ALGO_TREE: {
        /* per node 2S in each direction over its NICs; a chain inside */
        double H = (g - 1) + (double)ilog2_ceil(sh->nodes);
        double T = k > 1 ? 2 * S / (Bflat * e) : S / (Env * e);
        return t + pipelined(T, 2 * H - 1, lat, chunks);
    }
    case SIM_COLL_ALGO_HD: {
        int64_t p = 1;
        while (p * 2 <= sh->n)
            p *= 2;
        if (p != sh->n && op != SIM_COLL_ALL_REDUCE)
            return INFINITY;
        double sum = 0.0;
        int rounds = op == SIM_COLL_ALL_REDUCE ? 2 : 1;
        for (int64_t d = 1; d < p; d *= 2) {
            bool intra = k <= 1 || d < sh->per_node;
            double B = intra ? Env : Enic;
            sum += rounds * ((intra ? sh->lat_intra : sh->lat_inter) +
                             c->step_latency_s + S * d / p / (B * e));
        }
        if (p != sh->n)
            sum += 2 * (lat + S / ((k > 1 ? Enic : Env) * e));
        return t + sum;
    }
    case SIM_COLL_ALGO_NVLS:
        if (k > 1 || !sh->nvls)
            return INFINITY;
        return t + lat +
               (n + 1) / n * S / (fmin(sh->nvlink_bw, (n - 1) * Env) * e);
    case SIM_COLL_ALGO_HIER:
        if (!sh->uniform)
            return INFINITY;
        return t + 2 * (g - 1) * (c->step_latency_s + sh->lat_intra) +
               2 * (k - 1) * (c->step_latency_s + sh->lat_inter) +
               (g > 1 ? 2 * (g - 1) / g * S / (Env * e) : 0.0) +
               (k > 1 ? 2 * (k - 1) / k * (S / g) / (Enic * e) : 0.0);
    case SIM_COLL_ALGO_PAIRWISE:
        return t + (n - 1) * lat + (n - 1) / n * S / ((k > 1 ? Enic : Env) * e);
    case SIM_COLL_ALGO_P2P:
        return t + lat + S / ((k > 1 ? Enic : Env) * e);
    default:
        return INFINITY;
    }
}

/* Whether auto may consider algo on this shape (NCCL's candidate set). */
static bool auto_candidate(const sim_coll_profile_t *prof,
                           const sim_coll_shape_t *sh, sim_coll_algo_t a)
{
    switch (a) {
    case SIM_COLL_ALGO_TREE:
        return sh->nodes > 1;
    case SIM_COLL_ALGO_NVLS:
        return sh->nodes == 1 && sh->nvls && sh->n >= prof->nvls_min_gpus;
    case SIM_COLL_ALGO_HIER:
        return sh->nodes > 1 && sh->per_node > 1 && sh->uniform;
    case SIM_COLL_ALGO_HD:
        return false; /* not an NCCL algorithm */
    default:
        return true;
    }
}

sim_err_t sim_coll_choose(const sim_coll_profile_t *prof,
                          const sim_coll_shape_t *sh, sim_coll_op_t op,
                          double bytes, sim_coll_algo_t *algo,
                          sim_coll_proto_t *proto, double *predicted_s,
                          sim_diag_t *diag)
{
    double best = INFINITY;
    sim_coll_algo_t ba = SIM_COLL_ALGO_AUTO;
    sim_coll_proto_t bp = SIM_COLL_PROTO_AUTO;
    for (int a = 1; a < SIM_COLL_ALGO_COUNT; a++) {
        if (*algo != SIM_COLL_ALGO_AUTO ? a != (int)*algo
                                        : !auto_candidate(prof, sh, a))
            continue;
        for (int p = 1; p < SIM_COLL_PROTO_COUNT; p++) {
            if (*proto != SIM_COLL_PROTO_AUTO && p != (int)*proto)
                continue;
            double t = sim_coll_predict(prof, sh, op, (sim_coll_algo_t)a,
                                        (sim_coll_proto_t)p, bytes, NULL);
            if (t < best) {
                best = t;
                ba = (sim_coll_algo_t)a;
                bp = (sim_coll_proto_t)p;
            }
        }
    }
    if (predicted_s != NULL)
        *predicted_s = best;
    if (ba == SIM_COLL_ALGO_AUTO)
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, NULL,
                            "no algorithm/protocol (%s/%s) can run %s on %lld "
                            "GPUs in %lld node(s) with this profile",
                            sim_coll_algo_name(*algo),
                            sim_coll_proto_name(*proto), sim_coll_op_name(op),
                            (long long)sh->n, (long long)sh->nodes);
    *algo = ba;
    *proto = bp;
    return SIM_OK;
}
