/*
 * parallel.c — validation, placement and pipeline schedules of a training
 * parallelism plan (see parallel.h for the rules and their sources).
 */
#include "workloads/parallel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dim_names[4] = {"tp", "cp", "pp", "dp"};

void wl_parallel_init(wl_parallel_t *p)
{
    memset(p, 0, sizeof *p);
    p->tp = p->pp = p->cp = p->ep = 1;
    p->virtual_stages = 1;
    p->flash_attention = true;
    p->micro_batch = 1;
    /* Megatron-LM DDP bucket: 40M parameters (distributed/
     * distributed_data_parallel.py, bucket_size = max(40000000, ...)). */
    p->bucket_params = 40e6;
    p->dtype_bytes = 2;
    p->order[0] = WL_DIM_TP;
    p->order[1] = WL_DIM_CP;
    p->order[2] = WL_DIM_PP;
    p->order[3] = WL_DIM_DP;
}

sim_err_t wl_parallel_parse_order(const char *text, wl_dim_t order[4],
                                  sim_diag_t *diag)
{
    bool seen[4] = {false, false, false, false};
    const char *p = text ? text : "";
    for (int i = 0; i < 4; i++) {
        int d = -1;
        for (int j = 0; j < 4; j++)
            if (strncmp(p, dim_names[j], 2) == 0)
                d = j;
        if (d < 0 || seen[d])
            goto bad;
        seen[d] = true;
        order[i] = (wl_dim_t)d;
        p += 2;
        if (i < 3 && *p++ != '-')
            goto bad;
    }
    if (*p == '\0')
        return SIM_OK;
bad:
    return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "parallel.order",
                        "bad order '%s'; expected tp, cp, pp and dp once "
                        "each, fastest-varying first, joined by '-', such "
                        "as tp-cp-pp-dp", text ? text : "");
}

static sim_err_t rule(sim_diag_t *diag, const char *key, const char *fmt,
                      ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static sim_err_t rule(sim_diag_t *diag, const char *key, const char *fmt,
                      ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, key, "%s", msg);
}

sim_err_t wl_parallel_validate(wl_parallel_t *p, const wl_model_t *m,
                               sim_diag_t *diag)
{
    if (p->tp < 1 || p->pp < 1 || p->cp < 1 || p->ep < 1 || p->dp < 0 ||
        p->virtual_stages < 1 || p->micro_batch < 1 || p->gpus < 0)
        return rule(diag, "parallel.tp",
                    "tp %d, pp %d, cp %d, ep, virtual_stages and "
                    "micro_batch must be >= 1", p->tp, p->pp, p->cp);
    if (p->zero < 0 || p->zero > 3)
        return rule(diag, "parallel.zero", "zero %d outside 0..3",
                    p->zero);
    int model_par = p->tp * p->cp * p->pp;
    if (p->dp == 0) {
        if (p->gpus == 0 || p->gpus % model_par != 0)
            return rule(diag, "parallel.dp",
                        "cannot derive dp: %d GPUs is not a multiple of "
                        "tp x cp x pp = %d", p->gpus, model_par);
        p->dp = (int)(p->gpus / model_par);
    }
    if (p->gpus == 0)
        p->gpus = (int)(model_par * p->dp);
    if (model_par * p->dp != p->gpus)
        return rule(diag, "parallel.dp",
                    "tp x cp x pp x dp = %d x %d must equal the %d "
                    "GPUs", model_par, p->dp, p->gpus);
    if (m->heads % p->tp != 0 || m->kv_heads % p->tp != 0)
        return rule(diag, "parallel.tp",
                    "tp %d must divide heads %d and kv_heads %d "
                    "(Megatron splits attention by heads and query groups)",
                    p->tp, m->heads, m->kv_heads);
    if (m->ffn_hidden % p->tp != 0 ||
        (m->experts > 0 && m->moe_ffn_hidden % p->tp != 0))
        return rule(diag, "parallel.tp",
                    "tp %d must divide ffn_hidden %d (and "
                    "moe_ffn_hidden %d)", p->tp, (int)m->ffn_hidden,
                    (int)m->moe_ffn_hidden);
    if (p->seq_len == 0)
        p->seq_len = m->seq_len;
    if (p->seq_len < 1 || p->seq_len % (2 * p->cp) != 0)
        if (p->cp > 1 || p->seq_len < 1)
            return rule(diag, "parallel.cp",
                        "seq_len %d must be a multiple of 2 x cp = %d "
                        "(load-balanced causal split of context "
                        "parallelism)", p->seq_len, 2 * p->cp);
    int chunks = p->pp * p->virtual_stages;
    if (chunks > m->layers)
        return rule(diag, "parallel.pp",
                    "pp x virtual_stages = %d x %d exceeds the %d "
                    "layers", p->pp, p->virtual_stages, m->layers);
    if (p->virtual_stages > 1 && p->pp < 2)
        return rule(diag, "parallel.virtual_stages",
                    "virtual_stages %d needs pp >= 2 (pp is %d)",
                    p->virtual_stages, p->pp);
    if (m->experts > 0) {
        if (m->experts % p->ep != 0 || (p->dp * p->cp) % p->ep != 0)
            return rule(diag, "parallel.ep",
                        "ep %d must divide experts %d and dp x cp = "
                        "%d (Megatron-Core MoE parallel folding, expert "
                        "TP = TP)", p->ep, m->experts,
                        p->dp * p->cp);
        if (p->tp > 1 && !p->sp)
            return rule(diag, "parallel.sp",
                        "MoE with tp %d needs sp = on (Megatron-Core "
                        "requires sequence parallelism for MoE with "
                        "TP)", p->tp);
    } else if (p->ep != 1) {
        return rule(diag, "parallel.ep",
                    "ep %d given for a dense model (experts = %d)",
                    p->ep, m->experts);
    }
    if (p->zero >= 2 && p->pp > 1)
        return rule(diag, "parallel.zero",
                    "zero %d with pp %d: pipeline parallelism works with "
                    "ZeRO stage <= 1 only (DeepSpeed pipeline engine; "
                    "Megatron's distributed optimizer is ZeRO-1)",
                    p->zero, p->pp);
    int64_t per_step = (int64_t)p->micro_batch * p->dp;
    if (p->global_batch == 0)
        p->global_batch = per_step;
    if (p->global_batch < 1 || p->global_batch % per_step != 0)
        return rule(diag, "train.global_batch",
                    "global_batch %lld must be a positive multiple of "
                    "micro_batch x dp = %d x %d",
                    (long long)p->global_batch, p->micro_batch, p->dp);
    p->grad_accum = p->global_batch / per_step;
    if (p->virtual_stages > 1 && p->grad_accum % p->pp != 0)
        return rule(diag, "train.global_batch",
                    "the interleaved schedule needs micro-batches per "
                    "iteration (%lld) divisible by pp (%d) (Megatron-LM "
                    "schedules.py)", (long long)p->grad_accum, p->pp);
    if (p->bucket_params < 1)
        return rule(diag, "parallel.bucket_size",
                    "bucket size must be >= 1 parameter");
    if (p->dtype_bytes < 1)
        p->dtype_bytes = 2;
    p->edp = p->dp * p->cp / p->ep;
    return SIM_OK;
}

int wl_parallel_chunk_layers(const wl_parallel_t *p, int layers, int c)
{
    int n = p->pp * p->virtual_stages;
    int base = layers / n, rem = layers % n;
    int lo = (n - rem) / 2; /* extras go to chunks lo .. lo + rem - 1 */
    if (c < 0 || c >= n)
        return 0;
    return base + (c >= lo && c < lo + rem);
}

int wl_parallel_chunk_first_layer(const wl_parallel_t *p, int layers, int c)
{
    int first = 0;
    for (int i = 0; i < c; i++)
        first += wl_parallel_chunk_layers(p, layers, i);
    return first;
}

static int dim_size(const wl_parallel_t *p, wl_dim_t d)
{
    switch (d) {
    case WL_DIM_TP: return p->tp;
    case WL_DIM_CP: return p->cp;
    case WL_DIM_PP: return p->pp;
    case WL_DIM_DP: return p->dp;
    }
    return 1; /* believed unreachable: d is one of the four */
}

void wl_parallel_coords(const wl_parallel_t *p, int rank, int coord[4])
{
    for (int i = 0; i < 4; i++) {
        int n = dim_size(p, p->order[i]);
        coord[p->order[i]] = rank % n;
        rank /= n;
    }
}

int wl_parallel_rank(const wl_parallel_t *p, const int coord[4])
{
    int r = 0;
    for (int i = 3; i >= 0; i--)
        r = r * dim_size(p, p->order[i]) + coord[p->order[i]];
    return r;
}

const char *wl_group_name(wl_group_kind_t k)
{
    static const char *const names[WL_GROUP__COUNT] = {
        "tp", "cp", "pp", "dp", "dpcp", "ep", "edp", "embed"};
    return (int)k >= 0 && k < WL_GROUP__COUNT ? names[k] : "?";
}

void wl_groups_destroy(wl_groups_t *g)
{
    if (g == NULL)
        return;
    free(g->ids);
    g->ids = NULL;
    g->count = g->size = 0;
}

/* Groups of ranks that differ only along the dims with vary[d] set; each
 * group's members ascending, groups in order of their smallest rank. */
static sim_err_t collect(const wl_parallel_t *p, const bool vary[4],
                         wl_groups_t *out, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    int size = 1;
    int *map = NULL, *fill = NULL;
    for (int d = 0; d < 4; d++)
        if (vary[d])
            size *= dim_size(p, (wl_dim_t)d);
    out->size = size;
    out->count = p->gpus / size;
    out->ids = malloc((size_t)p->gpus * sizeof *out->ids);
    map = malloc((size_t)out->count * sizeof *map);
    fill = calloc((size_t)out->count, sizeof *fill);
    if (out->ids == NULL || map == NULL || fill == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory for %d GPU ids", p->gpus);
        wl_groups_destroy(out);
        goto done;
    }
    for (int g = 0; g < out->count; g++)
        map[g] = -1;
    int next = 0;
    for (int r = 0; r < p->gpus; r++) {
        int c[4], key = 0;
        wl_parallel_coords(p, r, c);
        for (int d = 0; d < 4; d++)
            if (!vary[d])
                key = key * dim_size(p, (wl_dim_t)d) + c[d];
        if (map[key] < 0)
            map[key] = next++;
        int g = map[key];
        out->ids[g * size + fill[g]++] = r;
    }
done:
    free(map);
    free(fill);
    return err;
}

sim_err_t wl_parallel_groups(const wl_parallel_t *p, wl_group_kind_t k,
                             wl_groups_t *out, sim_diag_t *diag)
{
    bool vary[4] = {false, false, false, false};
    sim_err_t err;
    memset(out, 0, sizeof *out);
    switch (k) {
    case WL_GROUP_TP: vary[WL_DIM_TP] = true; return collect(p, vary, out, diag);
    case WL_GROUP_CP: vary[WL_DIM_CP] = true; return collect(p, vary, out, diag);
    case WL_GROUP_PP: vary[WL_DIM_PP] = true; return collect(p, vary, out, diag);
    case WL_GROUP_DP: vary[WL_DIM_DP] = true; return collect(p, vary, out, diag);
    case WL_GROUP_DPCP:
        vary[WL_DIM_DP] = vary[WL_DIM_CP] = true;
        return collect(p, vary, out, diag);
    case WL_GROUP_EP:
    case WL_GROUP_EDP: {
        /* EP takes runs of ep consecutive DPCP members; EDP the members
         * ep apart (Megatron-Core expert rank order tp-ep-dp). */
        wl_groups_t dpcp;
        vary[WL_DIM_DP] = vary[WL_DIM_CP] = true;
        err = collect(p, vary, &dpcp, diag);
        if (err != SIM_OK)
            return err;
        int ep = p->ep, edp = dpcp.size / ep;
        out->size = k == WL_GROUP_EP ? ep : edp;
        out->count = p->gpus / out->size;
        out->ids = dpcp.ids;
        dpcp.ids = NULL;
        if (k == WL_GROUP_EDP) {
            int *ids = malloc((size_t)p->gpus * sizeof *ids);
            if (ids == NULL) {
                wl_groups_destroy(out);
                return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                                    "out of memory");
            }
            int o = 0;
            for (int g = 0; g < dpcp.count; g++)
                for (int j = 0; j < ep; j++)
                    for (int i = 0; i < edp; i++)
                        ids[o++] = out->ids[g * dpcp.size + i * ep + j];
            free(out->ids);
            out->ids = ids;
        }
        return SIM_OK;
    }
    case WL_GROUP_EMBED: {
        if (p->pp == 1)
            return SIM_OK;
        wl_groups_t pipes;
        vary[WL_DIM_PP] = true;
        err = collect(p, vary, &pipes, diag);
        if (err != SIM_OK)
            return err;
        for (int g = 0; g < pipes.count; g++) {
            pipes.ids[2 * g] = pipes.ids[g * pipes.size];
            pipes.ids[2 * g + 1] = pipes.ids[g * pipes.size + p->pp - 1];
        }
        out->count = pipes.count;
        out->size = 2;
        out->ids = pipes.ids;
        return SIM_OK;
    }
    case WL_GROUP__COUNT:
        break;
    }
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                        "unknown group kind %d", (int)k);
}

/* Megatron's interleaved schedule: which chunk and micro-batch the k-th
 * forward (or backward) of a stage works on (schedules.py,
 * get_model_chunk_id and get_microbatch_id_in_model_chunk). */
static void interleaved_step(int pp, int v, int k, bool forward,
                             wl_pipe_step_t *s)
{
    int in_group = k % (pp * v);
    int chunk = in_group / pp;
    s->pass = forward ? 'F' : 'B';
    s->chunk = forward ? chunk : v - chunk - 1;
    s->microbatch = k / (pp * v) * pp + k % pp;
}

sim_err_t wl_pipeline_schedule(int pp, int microbatches, int virtual_stages,
                               int stage, wl_pipe_step_t *out,
                               sim_diag_t *diag)
{
    int m = microbatches, v = virtual_stages;
    if (pp < 1 || m < 1 || v < 1 || stage < 0 || stage >= pp)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "pipeline schedule needs pp, microbatches, "
                            "virtual_stages >= 1 and 0 <= stage < pp (pp %d, "
                            "microbatches %d, virtual_stages %d, stage %d)",
                            pp, m, v, stage);
    if (v > 1 && m % pp != 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "the interleaved schedule needs microbatches "
                            "(%d) divisible by pp (%d)", m, pp);
    int total = m * v, warmup, o = 0;
    if (v == 1) {
        warmup = pp - stage - 1;
    } else if (m == pp) {
        warmup = total;
    } else {
        warmup = (pp - stage - 1) * 2 + (v - 1) * pp;
    }
    if (warmup > total)
        warmup = total;
    for (int k = 0; k < warmup; k++)
        interleaved_step(pp, v, k, true, &out[o++]);
    for (int k = 0; k < total - warmup; k++) {
        interleaved_step(pp, v, k + warmup, true, &out[o++]);
        interleaved_step(pp, v, k, false, &out[o++]);
    }
    for (int k = total - warmup; k < total; k++)
        interleaved_step(pp, v, k, false, &out[o++]);
    return SIM_OK;
}
