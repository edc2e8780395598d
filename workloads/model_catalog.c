/*
 * model_catalog.c — load the model catalog and count parameters (see
 * model_catalog.h).
 *
 * models.ini is parsed with the scenario INI parser and each value checked
 * with the scenario key machinery (cfg_value_parse), so the catalog obeys
 * the scenario's number rules.  A field table maps keys to wl_model_t
 * members; any other key is an error, so a typo cannot fall back to a
 * default silently.
 */
#include "workloads/model_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config/ini.h"
#include "sim/config/schema.h"
#include "workloads/embedded.h"

struct wl_model_catalog {
    cfg_ini_t *ini;        /* owns the alias strings */
    wl_model_t *models;
    const char **aliases;  /* per model, "" when none */
    size_t n;
};

typedef enum member { M_INT, M_INT64, M_ENUM, M_BOOL, M_COUNT } member_t;

typedef struct field {
    cfg_key_t key;   /* type, range, enum names; section/def unused */
    bool required;
    member_t member;
    size_t offset;
} field_t;

static const char *const acts[] = {"swiglu", "gelu", NULL};
static const char *const norms[] = {"rmsnorm", "layernorm", NULL};
static const char *const biases[] = {"none", "qkv", "all", NULL};
static const char *const positions[] = {"rope", "alibi", "learned", NULL};

#define I(name, lo, hi, req, mem)                                           \
    {{"model", #name, CFG_INT, "", lo, hi, NULL, 0, NULL}, req, mem,         \
     offsetof(wl_model_t, name)}
#define E(name, list)                                                       \
    {{"model", #name, CFG_ENUM, "", 0, 0, list, 0, NULL}, false, M_ENUM,     \
     offsetof(wl_model_t, name)}
#define B(name)                                                             \
    {{"model", #name, CFG_BOOL, "", 0, 0, NULL, 0, NULL}, false, M_BOOL,     \
     offsetof(wl_model_t, name)}
#define C(name)                                                             \
    {{"model", #name, CFG_COUNT, "", 0, 1e15, NULL, 0, NULL}, false,         \
     M_COUNT, offsetof(wl_model_t, name)}

/* Bounds keep typos from reaching the arithmetic; they are far above any
 * published model (the largest hidden size in the catalog is 16384). */
static const field_t fields[] = {
    I(layers, 1, 100000, true, M_INT),
    I(hidden, 1, 1 << 20, true, M_INT),
    I(heads, 1, 1 << 16, true, M_INT),
    I(kv_heads, 1, 1 << 16, false, M_INT),
    I(head_dim, 1, 1 << 16, false, M_INT),
    I(ffn_hidden, 1, 1 << 24, true, M_INT64),
    I(vocab, 1, 1 << 26, true, M_INT64),
    I(seq_len, 1, 1 << 26, true, M_INT),
    E(activation, acts),
    E(norm, norms),
    E(bias, biases),
    E(position, positions),
    B(tied_embeddings),
    B(dropout),
    I(experts, 0, 1 << 16, false, M_INT),
    I(top_k, 0, 1 << 16, false, M_INT),
    I(shared_experts, 0, 1 << 10, false, M_INT),
    I(first_dense_layers, 0, 100000, false, M_INT),
    I(moe_ffn_hidden, 0, 1 << 24, false, M_INT64),
    I(q_lora_rank, 0, 1 << 20, false, M_INT),
    I(kv_lora_rank, 0, 1 << 20, false, M_INT),
    I(qk_nope_dim, 0, 1 << 16, false, M_INT),
    I(qk_rope_dim, 0, 1 << 16, false, M_INT),
    I(v_head_dim, 0, 1 << 16, false, M_INT),
    I(mtp_layers, 0, 64, false, M_INT),
    C(published_params),
    C(published_active),
};
#undef I
#undef E
#undef B
#undef C

#define N_FIELDS (sizeof fields / sizeof fields[0])

/* store() writes enum members through an int. */
_Static_assert(sizeof(wl_act_t) == sizeof(int) &&
                   sizeof(wl_norm_t) == sizeof(int) &&
                   sizeof(wl_bias_t) == sizeof(int) &&
                   sizeof(wl_pos_t) == sizeof(int),
               "enum members of wl_model_t must be int-sized");

static sim_err_t nomem(sim_diag_t *diag, const char *path)
{
    return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL, "out of memory");
}

static const field_t *field_named(const char *key)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].key.name, key) == 0)
            return &fields[i];
    return NULL;
}

static void store(wl_model_t *m, const field_t *f, const cfg_value_t *v)
{
    char *base = (char *)m + f->offset;
    switch (f->member) {
    case M_INT:
        *(int *)(void *)base = (int)v->i;
        break;
    case M_INT64:
        *(int64_t *)(void *)base = v->i;
        break;
    case M_ENUM:
        /* every enum member of wl_model_t is an int-sized enum */
        *(int *)(void *)base = v->e;
        break;
    case M_BOOL:
        *(bool *)(void *)base = v->b;
        break;
    case M_COUNT:
        *(double *)(void *)base = v->d;
        break;
    }
}

void wl_model_init(wl_model_t *m, const char *name)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name ? name : "");
    m->activation = WL_ACT_SWIGLU;
    m->norm = WL_NORM_RMS;
    m->bias = WL_BIAS_NONE;
    m->position = WL_POS_ROPE;
}

static sim_err_t bad(sim_diag_t *diag, const char *key, const char *msg,
                     long long a, long long b)
{
    char k[96];
    snprintf(k, sizeof k, "model.%s", key);
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, k, msg, a, b);
}

sim_err_t wl_model_validate(wl_model_t *m, sim_diag_t *diag)
{
    if (m->layers < 1 || m->hidden < 1 || m->heads < 1 ||
        m->ffn_hidden < 1 || m->vocab < 1 || m->seq_len < 1)
        return bad(diag, "layers",
                   "layers, hidden, heads, ffn_hidden, vocab and seq_len "
                   "must all be >= 1 (layers %lld, hidden %lld)",
                   m->layers, m->hidden);
    if (m->kv_heads == 0)
        m->kv_heads = m->heads;
    if (m->kv_heads < 1 || m->heads % m->kv_heads != 0)
        return bad(diag, "kv_heads",
                   "kv_heads %lld must divide heads %lld (grouped-query "
                   "attention shares each KV head among heads/kv_heads "
                   "query heads)", m->kv_heads, m->heads);
    if (m->kv_lora_rank > 0) {
        if (m->qk_nope_dim < 1 || m->qk_rope_dim < 1 || m->v_head_dim < 1)
            return bad(diag, "qk_nope_dim",
                       "MLA (kv_lora_rank %lld) needs qk_nope_dim, "
                       "qk_rope_dim and v_head_dim >= 1 (qk_nope_dim %lld)",
                       m->kv_lora_rank, m->qk_nope_dim);
        if (m->kv_heads != m->heads)
            return bad(diag, "kv_heads",
                       "MLA expands K and V per head: kv_heads %lld must "
                       "equal heads %lld", m->kv_heads, m->heads);
        if (m->head_dim == 0)
            m->head_dim = m->qk_nope_dim + m->qk_rope_dim;
    } else if (m->q_lora_rank > 0) {
        return bad(diag, "q_lora_rank",
                   "q_lora_rank %lld given without kv_lora_rank (%lld); "
                   "MLA needs kv_lora_rank > 0", m->q_lora_rank,
                   m->kv_lora_rank);
    }
    if (m->head_dim == 0) {
        if (m->hidden % m->heads != 0)
            return bad(diag, "head_dim",
                       "hidden %lld is not a multiple of heads %lld; give "
                       "head_dim explicitly", m->hidden, m->heads);
        m->head_dim = m->hidden / m->heads;
    }
    if (m->experts > 0) {
        if (m->top_k < 1 || m->top_k > m->experts)
            return bad(diag, "top_k",
                       "top_k %lld must be in 1..experts (%lld)", m->top_k,
                       m->experts);
        if (m->moe_ffn_hidden < 1)
            return bad(diag, "moe_ffn_hidden",
                       "a MoE model (experts %lld) needs moe_ffn_hidden >= 1 "
                       "(got %lld)", m->experts, (long long)m->moe_ffn_hidden);
        if (m->first_dense_layers > m->layers)
            return bad(diag, "first_dense_layers",
                       "first_dense_layers %lld exceeds layers %lld",
                       m->first_dense_layers, m->layers);
    } else if (m->top_k > 0 || m->shared_experts > 0) {
        return bad(diag, "experts",
                   "top_k %lld / shared_experts %lld given for a dense "
                   "model (experts = 0)", m->top_k, m->shared_experts);
    }
    return SIM_OK;
}

bool wl_model_layer_is_moe(const wl_model_t *m, int layer)
{
    return m->experts > 0 && layer >= m->first_dense_layers;
}

int64_t wl_model_q_dim(const wl_model_t *m)
{
    if (m->kv_lora_rank > 0)
        return (int64_t)m->heads * (m->qk_nope_dim + m->qk_rope_dim);
    return (int64_t)m->heads * m->head_dim;
}

int64_t wl_model_k_dim(const wl_model_t *m)
{
    if (m->kv_lora_rank > 0)
        return (int64_t)m->heads * (m->qk_nope_dim + m->qk_rope_dim);
    return (int64_t)m->kv_heads * m->head_dim;
}

int64_t wl_model_v_dim(const wl_model_t *m)
{
    if (m->kv_lora_rank > 0)
        return (int64_t)m->heads * m->v_head_dim;
    return (int64_t)m->kv_heads * m->head_dim;
}

int64_t wl_model_o_dim(const wl_model_t *m)
{
    if (m->kv_lora_rank > 0)
        return (int64_t)m->heads * m->v_head_dim;
    return (int64_t)m->heads * m->head_dim;
}

int64_t wl_model_padded_vocab(const wl_model_t *m, int tp)
{
    /* Megatron-LM --make-vocab-size-divisible-by default 128, times TP
     * (megatron/training/tokenizer: _vocab_size_with_padding). */
    int64_t mult = 128 * (int64_t)(tp > 0 ? tp : 1);
    return (m->vocab + mult - 1) / mult * mult;
}

/* Parameters of one norm: RMSNorm has a weight, LayerNorm weight + bias. */
static double norm_params(const wl_model_t *m, double width)
{
    return m->norm == WL_NORM_LAYER ? 2 * width : width;
}

/* One MLP of width ffn: gated (SwiGLU) has gate, up and down matrices. */
static double mlp_params(const wl_model_t *m, double ffn)
{
    double h = m->hidden;
    double mats = m->activation == WL_ACT_SWIGLU ? 3 : 2;
    double p = mats * h * ffn;
    if (m->bias == WL_BIAS_ALL)
        p += (mats - 1) * ffn + h;
    return p;
}

void wl_model_params(const wl_model_t *m, wl_model_params_t *out)
{
    double h = m->hidden;
    double q = (double)wl_model_q_dim(m), k = (double)wl_model_k_dim(m),
           v = (double)wl_model_v_dim(m), o = (double)wl_model_o_dim(m);
    double attn;
    memset(out, 0, sizeof *out);

    if (m->kv_lora_rank > 0) {
        /* MLA (DeepSeek-V3 config_671B.json layout): wq_a, q_norm, wq_b
         * (or a full wq), wkv_a to kv_lora + rope, kv_norm, wkv_b to
         * nope + v per head, wo. */
        double rank = m->kv_lora_rank, rope = m->qk_rope_dim;
        attn = m->q_lora_rank > 0
                   ? h * m->q_lora_rank + m->q_lora_rank +
                         (double)m->q_lora_rank * q
                   : h * q;
        attn += h * (rank + rope) + rank +
                rank * m->heads * (double)(m->qk_nope_dim + m->v_head_dim);
        attn += o * h;
    } else {
        attn = h * (q + k + v) + o * h;
    }
    if (m->bias == WL_BIAS_QKV || m->bias == WL_BIAS_ALL)
        attn += q + k + v;
    if (m->bias == WL_BIAS_ALL)
        attn += h;
    out->attn_layer = attn + norm_params(m, h);
    out->dense_mlp_layer = mlp_params(m, (double)m->ffn_hidden) +
                           norm_params(m, h);
    if (m->experts > 0) {
        out->expert = mlp_params(m, (double)m->moe_ffn_hidden);
        double router = h * m->experts;
        double shared = m->shared_experts * out->expert;
        out->moe_layer = norm_params(m, h) + router + shared +
                         m->experts * out->expert;
        out->moe_active_layer = norm_params(m, h) + router + shared +
                                m->top_k * out->expert;
    }
    out->embedding = (double)m->vocab * h;
    if (m->position == WL_POS_LEARNED)
        out->embedding += (double)m->seq_len * h;
    out->head = m->tied_embeddings ? 0 : (double)m->vocab * h;
    out->final_norm = norm_params(m, h);

    int moe_layers = 0;
    for (int l = 0; l < m->layers; l++)
        moe_layers += wl_model_layer_is_moe(m, l);
    int dense_layers = m->layers - moe_layers;
    double common = out->embedding + out->head + out->final_norm +
                    m->layers * out->attn_layer +
                    dense_layers * out->dense_mlp_layer;
    out->total = common + moe_layers * out->moe_layer;
    out->active = common + moe_layers * out->moe_active_layer;
    if (m->mtp_layers > 0) {
        /* DeepSeek-V3 MTP module: two RMSNorms, a 2h -> h projection and
         * one transformer layer (MoE when the model is), sharing the
         * embedding and head with the main model. */
        double block = out->attn_layer +
                       (m->experts > 0 ? out->moe_layer
                                       : out->dense_mlp_layer);
        out->mtp = m->mtp_layers *
                   (2 * norm_params(m, h) + 2 * h * h + block);
    }
}

/* Fill m from section `name` of ini. */
static sim_err_t load_model(const cfg_ini_t *ini, const char *name, int line,
                            wl_model_t *m, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    char key[160];
    wl_model_init(m, name);
    if (strlen(name) >= sizeof m->name)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, name,
                            "model name longer than %zu characters",
                            sizeof m->name - 1);
    m->line = line;
    for (size_t i = 0; i < N_FIELDS; i++) {
        const field_t *f = &fields[i];
        const cfg_ini_entry_t *e = NULL;
        cfg_value_t v;
        sim_err_t err = cfg_ini_value(ini, name, line, &f->key, f->required, &v, &e, diag);
        if (err != SIM_OK)
            return err;
        if (e != NULL)
            store(m, f, &v);
    }
    const cfg_ini_entry_t *s = cfg_ini_find(ini, name, "source");
    if (s == NULL || s->value[0] == '\0') {
        snprintf(key, sizeof key, "%s.source", name);
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, key,
                            "no source line; every shape in the catalog "
                            "needs its source");
    }
    if (m->published_params > 0 || m->published_active > 0) {
        s = cfg_ini_find(ini, name, "source_published");
        if (s == NULL || s->value[0] == '\0') {
            snprintf(key, sizeof key, "%s.source_published", name);
            return sim_diag_set(diag, SIM_ERR_INPUT, path, line, key,
                                "published counts need a source_published "
                                "line");
        }
    }
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err = wl_model_validate(m, &local);
    if (err != SIM_OK) {
        const char *k = strchr(local.key, '.');
        snprintf(key, sizeof key, "%s.%s", name, k ? k + 1 : local.key);
        return sim_diag_set(diag, err, path, line, key, "%s", local.msg);
    }
    return SIM_OK;
}

/* Every key must be a field, `aliases`, `source` or `source_published`. */
static sim_err_t check_keys(const cfg_ini_t *ini, sim_diag_t *diag)
{
    for (size_t i = 0; i < cfg_ini_count(ini); i++) {
        const cfg_ini_entry_t *e = cfg_ini_entry(ini, i);
        if (field_named(e->key) != NULL || strcmp(e->key, "aliases") == 0 ||
            strcmp(e->key, "source") == 0 ||
            strcmp(e->key, "source_published") == 0)
            continue;
        char key[160];
        snprintf(key, sizeof key, "%s.%s", e->section, e->key);
        return sim_diag_set(diag, SIM_ERR_INPUT, cfg_ini_path(ini), e->line,
                            key,
                            "unknown catalog key; see the top of "
                            "models.ini for the known keys");
    }
    return SIM_OK;
}

/* Does a comma-separated alias list contain name, ignoring case/blanks? */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *t = end;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - p) == n && n > 0 && strncasecmp(p, name, n) == 0)
            return true;
        p = end;
    }
    return false;
}

static bool has_name(const wl_model_catalog_t *cat, size_t i,
                     const char *name)
{
    return strcasecmp(cat->models[i].name, name) == 0 ||
           list_has(cat->aliases[i], name);
}

/* Names of model i (own and aliases) must not be used by models 0..i-1. */
static sim_err_t check_unique(const wl_model_catalog_t *cat, size_t i,
                              const char *path, sim_diag_t *diag)
{
    const wl_model_t *m = &cat->models[i];
    char tok[64];
    for (size_t j = 0; j < i; j++)
        if (has_name(cat, j, m->name))
            goto dup;
    for (const char *p = cat->aliases[i]; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        size_t n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0) {
            if (n >= sizeof tok)
                n = sizeof tok - 1;
            memcpy(tok, p, n);
            tok[n] = '\0';
            for (size_t j = 0; j < i; j++)
                if (has_name(cat, j, tok))
                    goto dup;
        }
        p = end;
    }
    return SIM_OK;
dup:
    return sim_diag_set(diag, SIM_ERR_INPUT, path, m->line, m->name,
                        "a name or alias of [%s] is already used; names "
                        "and aliases must be unique ignoring case", m->name);
}

sim_err_t wl_model_catalog_parse(const char *text, size_t len,
                                 const char *path, wl_model_catalog_t **out,
                                 sim_diag_t *diag)
{
    sim_err_t err;
    wl_model_catalog_t *cat = calloc(1, sizeof *cat);
    *out = NULL;
    if (cat == NULL) {
        err = nomem(diag, path);
        goto fail;
    }
    err = cfg_ini_parse(text, len, path, &cat->ini, diag);
    if (err != SIM_OK)
        goto fail;
    err = check_keys(cat->ini, diag);
    if (err != SIM_OK)
        goto fail;
    size_t n = cfg_ini_section_count(cat->ini);
    cat->models = calloc(n ? n : 1, sizeof *cat->models);
    cat->aliases = calloc(n ? n : 1, sizeof *cat->aliases);
    if (cat->models == NULL || cat->aliases == NULL) {
        err = nomem(diag, path);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        int line;
        const char *name = cfg_ini_section(cat->ini, i, &line);
        err = load_model(cat->ini, name, line, &cat->models[i], diag);
        if (err != SIM_OK)
            goto fail;
        const cfg_ini_entry_t *a = cfg_ini_find(cat->ini, name, "aliases");
        cat->aliases[i] = a ? a->value : "";
        err = check_unique(cat, i, path, diag);
        if (err != SIM_OK)
            goto fail;
        cat->n = i + 1;
    }
    *out = cat;
    return SIM_OK;
fail:
    wl_model_catalog_free(cat);
    return err;
}

sim_err_t wl_model_catalog_load(wl_model_catalog_t **out, sim_diag_t *diag)
{
    const wl_embedded_file_t *f = wl_embedded_find(WL_MODELS_PATH);
    *out = NULL;
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, WL_MODELS_PATH, 0, NULL,
                            "the model catalog is not embedded in this "
                            "build");
    return wl_model_catalog_parse(f->data, f->size, f->name, out, diag);
}

void wl_model_catalog_free(wl_model_catalog_t *cat)
{
    if (cat == NULL)
        return;
    cfg_ini_free(cat->ini);
    free(cat->models);
    free(cat->aliases);
    free(cat);
}

size_t wl_model_catalog_count(const wl_model_catalog_t *cat)
{
    return cat->n;
}

const wl_model_t *wl_model_catalog_get(const wl_model_catalog_t *cat,
                                       size_t i)
{
    return i < cat->n ? &cat->models[i] : NULL;
}

const wl_model_t *wl_model_catalog_find(const wl_model_catalog_t *cat,
                                        const char *name)
{
    for (size_t i = 0; name != NULL && i < cat->n; i++)
        if (has_name(cat, i, name))
            return &cat->models[i];
    return NULL;
}

sim_err_t wl_model_catalog_lookup(const wl_model_catalog_t *cat,
                                  const char *name, const wl_model_t **out,
                                  sim_diag_t *diag)
{
    char list[384] = "";
    size_t used = 0;
    *out = wl_model_catalog_find(cat, name);
    if (*out != NULL)
        return SIM_OK;
    for (size_t i = 0; i < cat->n && used + 2 < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         i ? ", " : "", cat->models[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "unknown model '%s'; known: %s, or custom",
                        name ? name : "", list);
}
