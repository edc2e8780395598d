/*
 * keys_train.c — the [model], [parallel] and [train] key tables and their
 * readers (see keys_train.h).  Shape keys default to "auto" = the catalog
 * model's value, so a scenario overrides only what it names.
 */
#include "workloads/keys_train.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const acts[] = {"swiglu", "gelu", NULL};
static const char *const model_dtypes[] = {"bf16", "fp16", "fp32", NULL};
static const char *const recomputes[] = {"none", "selective", "full", NULL};
static const char *const gemm_dtypes[] = {"bf16", "fp8", NULL};

#define SHAPE(name, lo, hi, doc)                                            \
    {"model", name, CFG_INT, "auto", lo, hi, NULL, CFG_F_AUTO, doc}

const cfg_key_t wl_keys_model[] = {
    {"model", "name", CFG_STRING, "llama3-70b", 0, 0, NULL, 0,
     "model from the catalog (workloads/models/models.ini: gpt3-175b, "
     "llama2-7b/13b/70b, llama3-8b/70b/405b, qwen-7b/14b/72b, qwen2.5-72b, "
     "baichuan2-7b/13b, mixtral-8x7b, deepseek-v3), or custom with the "
     "shape keys below"},
    SHAPE("layers", 1, 100000, "transformer layers; auto = the catalog's"),
    SHAPE("hidden", 1, 1048576, "hidden size; auto = the catalog's"),
    SHAPE("heads", 1, 65536, "attention (query) heads"),
    SHAPE("kv_heads", 1, 65536,
          "key/value heads (GQA when < heads); auto = catalog, custom: = "
          "heads"),
    SHAPE("head_dim", 1, 65536, "head dimension; auto = hidden / heads"),
    SHAPE("ffn_hidden", 1, 16777216, "dense MLP width per projection"),
    SHAPE("vocab", 1, 67108864, "vocabulary size"),
    SHAPE("seq_len", 1, 67108864,
          "the model's training sequence length (train.seq_len overrides)"),
    SHAPE("experts", 0, 65536, "routed experts; 0 = dense"),
    SHAPE("top_k", 0, 65536, "routed experts per token"),
    SHAPE("shared_experts", 0, 1024, "always-active experts (DeepSeek)"),
    SHAPE("moe_ffn_hidden", 0, 16777216, "expert MLP width"),
    SHAPE("first_dense_layers", 0, 100000,
          "leading layers with a dense MLP in a MoE model"),
    SHAPE("mtp_layers", 0, 64,
          "multi-token-prediction modules (DeepSeek-V3 trains with 1); "
          "counted in memory, not in the op graph"),
    {"model", "activation", CFG_ENUM, "auto", 0, 0, acts, CFG_F_AUTO,
     "MLP activation: swiglu (gated, 3 matrices) or gelu (2)"},
    {"model", "tied_embeddings", CFG_BOOL, "auto", 0, 0, NULL, CFG_F_AUTO,
     "output head shares the input embedding"},
    {"model", "dtype", CFG_ENUM, "bf16", 0, 0, model_dtypes, 0,
     "dtype of weights, activations and gradients (mixed precision: FP32 "
     "master weights and Adam states kept apart)"},
    CFG_KEY_END,
};

const cfg_key_t wl_keys_parallel[] = {
    {"parallel", "tp", CFG_INT, "1", 1, 1024, NULL, 0,
     "tensor parallel degree; must divide heads and kv_heads (Megatron)"},
    {"parallel", "pp", CFG_INT, "1", 1, 1024, NULL, 0,
     "pipeline stages; uneven layer splits give the extra layers to the "
     "middle stages"},
    {"parallel", "dp", CFG_INT, "auto", 1, 1048576, NULL, CFG_F_AUTO,
     "data parallel degree; auto = GPUs / (tp x cp x pp)"},
    {"parallel", "cp", CFG_INT, "1", 1, 1024, NULL, 0,
     "context parallel degree; seq_len must be a multiple of 2 x cp"},
    {"parallel", "ep", CFG_INT, "1", 1, 65536, NULL, 0,
     "expert parallel degree; divides experts and dp x cp (Megatron-Core "
     "MoE parallel folding)"},
    {"parallel", "sp", CFG_BOOL, "off", 0, 0, NULL, 0,
     "sequence parallelism with TP (Korthikanti et al. 2022); required "
     "for MoE with tp > 1"},
    {"parallel", "zero", CFG_INT, "0", 0, 3, NULL, 0,
     "ZeRO stage: 1 shards optimizer states, 2 also gradients, 3 (FSDP) "
     "also weights (Rajbhandari et al. SC'20); 2-3 need pp = 1"},
    {"parallel", "virtual_stages", CFG_INT, "1", 1, 64, NULL, 0,
     "model chunks per pipeline stage; > 1 = Megatron's interleaved 1F1B"},
    {"parallel", "recompute", CFG_ENUM, "none", 0, 0, recomputes, 0,
     "activation recomputation: none, selective (core attention) or full "
     "(each layer from its input) (Korthikanti et al. 2022)"},
    {"parallel", "order", CFG_STRING, "tp-cp-pp-dp", 0, 0, NULL, 0,
     "placement of ranks on GPU ids, fastest-varying first: TP inside an "
     "NVLink domain first by default"},
    {"parallel", "bucket_size", CFG_COUNT, "40M", 1, 1e12, NULL, 0,
     "gradient reduction bucket in parameters; 40M is Megatron-LM DDP's "
     "(PyTorch DDP uses 25 MB)"},
    {"parallel", "flash_attention", CFG_BOOL, "on", 0, 0, NULL, 0,
     "fused attention: no s^2 activations kept (as selective recompute)"},
    CFG_KEY_END,
};

const cfg_key_t wl_keys_train[] = {
    {"train", "global_batch", CFG_INT, "auto", 1, 1e9, NULL, CFG_F_AUTO,
     "sequences per iteration; auto = micro_batch x dp (no accumulation)"},
    {"train", "micro_batch", CFG_INT, "1", 1, 65536, NULL, 0,
     "sequences per micro-batch per pipeline"},
    {"train", "seq_len", CFG_INT, "auto", 1, 67108864, NULL, CFG_F_AUTO,
     "tokens per sequence; auto = the model's"},
    {"train", "tokens", CFG_COUNT, "1T", 1, 1e18, NULL, 0,
     "tokens to train on, e.g. 15T (Llama 3) or 14.8T (DeepSeek-V3)"},
    {"train", "dtype", CFG_ENUM, "bf16", 0, 0, gemm_dtypes, 0,
     "GEMM precision: bf16, or fp8 (FP8 GEMMs with BF16 outputs)"},
    {"train", "memory_reserve", CFG_BYTES, "2GiB", 0, 1e13, NULL, 0,
     "per-GPU memory the framework keeps (CUDA context, NCCL buffers, "
     "allocator fragmentation); an assumption, not a measurement"},
    CFG_KEY_END,
};

/* Copy diag's message into a diagnostic naming the key's origin. */
static sim_err_t at_key(const cfg_scenario_t *sc, const char *key,
                        sim_err_t err, const sim_diag_t *local,
                        sim_diag_t *diag)
{
    const char *file = NULL;
    int line = 0;
    if (cfg_has_key(sc, key))
        cfg_origin(sc, key, &file, &line);
    return sim_diag_set(diag, err, file, line, key, "%s", local->msg);
}

typedef struct shape {
    const char *key;
    size_t offset;
    bool is64;
    bool custom_required;
} shape_t;

#define S(name, is64, req)                                                  \
    {"model." #name, offsetof(wl_model_t, name), is64, req}

static const shape_t shapes[] = {
    S(layers, false, true),     S(hidden, false, true),
    S(heads, false, true),      S(kv_heads, false, false),
    S(head_dim, false, false),  S(ffn_hidden, true, true),
    S(vocab, true, true),       S(seq_len, false, false),
    S(experts, false, false),   S(top_k, false, false),
    S(shared_experts, false, false), S(moe_ffn_hidden, true, false),
    S(first_dense_layers, false, false), S(mtp_layers, false, false),
};
#undef S

sim_err_t wl_model_from_scenario(const cfg_scenario_t *sc,
                                 const wl_model_catalog_t *cat,
                                 wl_model_t *out, sim_diag_t *diag)
{
    const char *name = cfg_get_str(sc, "model.name");
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err;
    bool custom = strcmp(name, "custom") == 0;
    if (custom) {
        wl_model_init(out, "custom");
    } else {
        const wl_model_t *m;
        err = wl_model_catalog_lookup(cat, name, &m, &local);
        if (err != SIM_OK)
            return at_key(sc, "model.name", err, &local, diag);
        *out = *m;
    }
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape_t *s = &shapes[i];
        char *base = (char *)out + s->offset;
        if (cfg_is_auto(sc, s->key)) {
            if (custom && s->custom_required) {
                local.code = SIM_OK;
                snprintf(local.msg, sizeof local.msg,
                         "model.name = custom needs %s", s->key);
                return at_key(sc, s->key, SIM_ERR_INPUT, &local, diag);
            }
            continue;
        }
        int64_t v = cfg_get_int(sc, s->key);
        if (s->is64)
            *(int64_t *)(void *)base = v;
        else
            *(int *)(void *)base = (int)v;
    }
    if (custom && cfg_is_auto(sc, "model.seq_len"))
        out->seq_len = 4096; /* train.seq_len decides; a placeholder */
    if (!cfg_is_auto(sc, "model.activation"))
        out->activation = (wl_act_t)cfg_get_enum(sc, "model.activation");
    if (!cfg_is_auto(sc, "model.tied_embeddings"))
        out->tied_embeddings = cfg_get_bool(sc, "model.tied_embeddings");
    if (!custom && !cfg_is_auto(sc, "model.hidden") &&
        cfg_is_auto(sc, "model.head_dim") && out->kv_lora_rank == 0)
        out->head_dim = 0; /* re-derive from the new hidden size */
    if (custom || !cfg_is_auto(sc, "model.layers") ||
        !cfg_is_auto(sc, "model.hidden"))
        out->published_params = out->published_active = 0;
    err = wl_model_validate(out, &local);
    if (err != SIM_OK)
        return at_key(sc, local.key[0] ? local.key : "model.name", err,
                      &local, diag);
    return SIM_OK;
}

sim_err_t wl_parallel_from_scenario(const cfg_scenario_t *sc,
                                    const wl_model_t *m, int gpus,
                                    wl_parallel_t *out, double *reserve,
                                    sim_diag_t *diag)
{
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err;
    wl_parallel_init(out);
    out->gpus = gpus;
    out->tp = (int)cfg_get_int(sc, "parallel.tp");
    out->pp = (int)cfg_get_int(sc, "parallel.pp");
    out->dp = cfg_is_auto(sc, "parallel.dp")
                  ? 0 : (int)cfg_get_int(sc, "parallel.dp");
    out->cp = (int)cfg_get_int(sc, "parallel.cp");
    out->ep = (int)cfg_get_int(sc, "parallel.ep");
    out->sp = cfg_get_bool(sc, "parallel.sp");
    out->zero = (int)cfg_get_int(sc, "parallel.zero");
    out->virtual_stages = (int)cfg_get_int(sc, "parallel.virtual_stages");
    out->recompute = (wl_recompute_t)cfg_get_enum(sc, "parallel.recompute");
    out->bucket_params = cfg_get_double(sc, "parallel.bucket_size");
    out->flash_attention = cfg_get_bool(sc, "parallel.flash_attention");
    out->micro_batch = (int)cfg_get_int(sc, "train.micro_batch");
    out->global_batch = cfg_is_auto(sc, "train.global_batch")
                            ? 0 : cfg_get_int(sc, "train.global_batch");
    out->seq_len = cfg_is_auto(sc, "train.seq_len")
                       ? 0 : (int)cfg_get_int(sc, "train.seq_len");
    out->fp8_gemm = cfg_get_enum(sc, "train.dtype") == 1;
    out->dtype_bytes = cfg_get_enum(sc, "model.dtype") == 2 ? 4 : 2;
    if (reserve != NULL)
        *reserve = cfg_get_double(sc, "train.memory_reserve");
    err = wl_parallel_parse_order(cfg_get_str(sc, "parallel.order"),
                                  out->order, &local);
    if (err != SIM_OK)
        return at_key(sc, "parallel.order", err, &local, diag);
    err = wl_parallel_validate(out, m, &local);
    if (err != SIM_OK) {
        const char *key = local.key;
        /* dp derived from the GPU count: blame the GPU count */
        if (strcmp(key, "parallel.dp") == 0 && cfg_is_auto(sc, key))
            key = "parallel.tp";
        return at_key(sc, key, err, &local, diag);
    }
    return SIM_OK;
}
