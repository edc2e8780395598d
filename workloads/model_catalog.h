/*
 * model_catalog.h — transformer model shapes and their parameter counts.
 *
 * The catalog is workloads/models/models.ini, compiled into the program
 * (workloads/embedded.h); its keys are documented at the top of that file.
 * A model is a plain value (wl_model_t, no pointers), so a scenario can copy
 * a catalog entry and override any field ([model] keys, keys_train.h).
 *
 * Parameter counting follows the HF/Megatron layer layout: per layer two
 * norms, attention (Q, K, V, O projections, or MLA's low-rank projections
 * with their norms), and an MLP (gated SwiGLU: 3 matrices; GELU: 2) or a
 * MoE block (router + routed experts + shared experts); then a final norm,
 * the input embedding, learned positions when present and the output head
 * unless tied.  MTP modules are counted apart (DeepSeek publishes 671B
 * without them).
 *
 * Assumes: a loaded catalog is immutable; pointers into it stay valid until
 * wl_model_catalog_free.
 */
#ifndef WL_MODEL_CATALOG_H
#define WL_MODEL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

/* Path of the catalog in the embedded table (and in the source tree). */
#define WL_MODELS_PATH "workloads/models/models.ini"

typedef enum wl_act { WL_ACT_SWIGLU = 0, WL_ACT_GELU } wl_act_t;
typedef enum wl_norm { WL_NORM_RMS = 0, WL_NORM_LAYER } wl_norm_t;
typedef enum wl_bias { WL_BIAS_NONE = 0, WL_BIAS_QKV, WL_BIAS_ALL } wl_bias_t;
typedef enum wl_pos {
    WL_POS_ROPE = 0, WL_POS_ALIBI, WL_POS_LEARNED
} wl_pos_t;

/* One model.  All sizes are element counts. */
typedef struct wl_model {
    char name[64];
    int layers, hidden, heads, kv_heads, head_dim;
    int64_t ffn_hidden;       /* dense MLP width per projection */
    int64_t vocab;
    int seq_len;
    wl_act_t activation;
    wl_norm_t norm;
    wl_bias_t bias;
    wl_pos_t position;
    bool tied_embeddings;
    bool dropout;
    /* MoE; experts == 0 means dense everywhere */
    int experts, top_k, shared_experts, first_dense_layers;
    int64_t moe_ffn_hidden;
    /* MLA; kv_lora_rank == 0 means standard (GQA) attention */
    int q_lora_rank, kv_lora_rank, qk_nope_dim, qk_rope_dim, v_head_dim;
    int mtp_layers;
    double published_params;  /* 0 = not stated */
    double published_active;  /* 0 = not stated */
    int line;                 /* section line in models.ini; 0 = custom */
} wl_model_t;

/* Parameter counts of a model (elements, not bytes). */
typedef struct wl_model_params {
    double total;          /* every weight, MTP excluded */
    double active;         /* weights used per token (top_k of the routed
                              experts), MTP excluded */
    double embedding;      /* input embedding + learned positions */
    double head;           /* output projection; 0 when tied */
    double final_norm;
    double attn_layer;     /* attention block of one layer incl. its norm */
    double dense_mlp_layer;/* dense MLP of one layer incl. its norm */
    double moe_layer;      /* MoE block of one layer incl. norm, router,
                              shared and all routed experts */
    double moe_active_layer; /* the part of moe_layer one token uses */
    double expert;         /* one routed (or shared) expert */
    double mtp;            /* all MTP modules (0 when mtp_layers == 0) */
} wl_model_params_t;

typedef struct wl_model_catalog wl_model_catalog_t;

/* Load the embedded catalog into *out (free with wl_model_catalog_free).
 * SIM_ERR_NOTFOUND when built without it; otherwise as
 * wl_model_catalog_parse.  Cost: O(catalog size). */
sim_err_t wl_model_catalog_load(wl_model_catalog_t **out, sim_diag_t *diag);

/*
 * Parse a catalog from len bytes of text labelled path.  Every section is
 * validated with wl_model_validate and needs a non-empty `source` line
 * (and `source_published` when it states published counts).  Returns
 * SIM_OK, SIM_ERR_INPUT (syntax, unknown/missing key, missing source,
 * duplicate name), SIM_ERR_RANGE, SIM_ERR_UNIT or SIM_ERR_NOMEM with diag
 * (may be NULL) naming path:line:section.key.  *out is NULL on failure.
 */
sim_err_t wl_model_catalog_parse(const char *text, size_t len,
                                 const char *path, wl_model_catalog_t **out,
                                 sim_diag_t *diag);

/* Free a catalog; NULL is a no-op. */
void wl_model_catalog_free(wl_model_catalog_t *cat);

/* Number of models; model i (file order), NULL when i is out of range. */
size_t wl_model_catalog_count(const wl_model_catalog_t *cat);
const wl_model_t *wl_model_catalog_get(const wl_model_catalog_t *cat,
                                       size_t i);

/* The model whose name or alias equals name ignoring case, or NULL.
 * Cost: O(catalog size). */
const wl_model_t *wl_model_catalog_find(const wl_model_catalog_t *cat,
                                        const char *name);

/* As find; a miss is SIM_ERR_NOTFOUND with diag->msg listing the names
 * (file/line/key left for the caller). */
sim_err_t wl_model_catalog_lookup(const wl_model_catalog_t *cat,
                                  const char *name, const wl_model_t **out,
                                  sim_diag_t *diag);

/* A model with every optional field at its default (kv_heads, head_dim
 * still 0: wl_model_validate fills them from heads and hidden). */
void wl_model_init(wl_model_t *m, const char *name);

/*
 * Check a model's shape and fill derived defaults in place: kv_heads =
 * heads and head_dim = hidden / heads when 0, MLA head dims.  Errors are
 * SIM_ERR_RANGE (a size <= 0, heads not a multiple of kv_heads, top_k
 * outside 1..experts, first_dense_layers > layers, hidden not divisible by
 * heads without an explicit head_dim) with diag->key naming "model.<key>".
 * Cost: O(1).
 */
sim_err_t wl_model_validate(wl_model_t *m, sim_diag_t *diag);

/* Is layer (0-based) a MoE layer?  Cost: O(1). */
bool wl_model_layer_is_moe(const wl_model_t *m, int layer);

/* Width of Q (heads x query head dim), of K and of V outputs of one layer
 * (elements per token; MLA: per-head nope+rope for Q/K, v_head_dim for V).
 * Cost: O(1). */
int64_t wl_model_q_dim(const wl_model_t *m);
int64_t wl_model_k_dim(const wl_model_t *m);
int64_t wl_model_v_dim(const wl_model_t *m);

/* Width of the attention output (the out-projection's input): heads x
 * v head dim.  Cost: O(1). */
int64_t wl_model_o_dim(const wl_model_t *m);

/* Megatron's padded vocabulary: vocab rounded up to a multiple of
 * 128 x tp (--make-vocab-size-divisible-by 128).  Cost: O(1). */
int64_t wl_model_padded_vocab(const wl_model_t *m, int tp);

/* Count parameters into *out.  m must be validated.  Cost: O(1). */
void wl_model_params(const wl_model_t *m, wl_model_params_t *out);

#endif /* WL_MODEL_CATALOG_H */
