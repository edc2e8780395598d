/*
 * test_model_catalog.c — the model catalog: the embedded models.ini loads,
 * parameter counts match the published totals (GPT-3 175B, Llama-2 7B
 * 6.74B and 70B, Llama-3 405B, Mixtral 46.7B/12.9B, DeepSeek-V3
 * 671B/37B), scenarios override or define shapes, malformed catalogs are
 * refused naming path:line:key; and the FLOP formulas: model FLOPs equal
 * Megatron's 72-form for GPT shapes, full-recompute hardware FLOPs equal
 * the 96-form, which reproduces the Megatron SC'21 rows of
 * data/validation/training.csv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sim/config/scenario.h"
#include "tests/unit/assert_close.h"
#include "workloads/keys_train.h"
#include "workloads/model_catalog.h"
#include "workloads/train_flops.h"

static int setup(void **state)
{
    wl_model_catalog_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    if (wl_model_catalog_load(&cat, &d) != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "catalog: %s\n", sim_diag_format(&d, buf, sizeof buf));
        return -1;
    }
    *state = cat;
    return 0;
}

static int teardown(void **state)
{
    wl_model_catalog_free(*state);
    return 0;
}

static const wl_model_t *get(void **state, const char *name)
{
    const wl_model_t *m = wl_model_catalog_find(*state, name);
    assert_non_null(m);
    return m;
}

static void test_names(void **state)
{
    static const char *const names[] = {
        "gpt3-175b", "llama2-7b", "llama2-13b", "llama2-70b", "llama3-8b",
        "llama3-70b", "llama3-405b", "qwen-7b", "qwen-14b", "qwen-72b",
        "qwen2.5-72b", "baichuan2-7b", "baichuan2-13b", "mixtral-8x7b",
        "deepseek-v3"};
    assert_int_equal(wl_model_catalog_count(*state), 15);
    for (size_t i = 0; i < 15; i++)
        assert_string_equal(wl_model_catalog_get(*state, i)->name, names[i]);
    assert_null(wl_model_catalog_get(*state, 15));
    /* aliases and case */
    assert_ptr_equal(wl_model_catalog_find(*state, "LLAMA-3-70B"),
                     get(state, "llama3-70b"));
    assert_null(wl_model_catalog_find(*state, "llama4"));
    const wl_model_t *m;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_model_catalog_lookup(*state, "gpt5", &m, &d),
                     SIM_ERR_NOTFOUND);
    assert_non_null(strstr(d.msg, "deepseek-v3"));
}

static void test_published_totals(void **state)
{
    /* every model that states a published count is within 2% of it */
    int checked = 0;
    for (size_t i = 0; i < wl_model_catalog_count(*state); i++) {
        const wl_model_t *m = wl_model_catalog_get(*state, i);
        wl_model_params_t pc;
        wl_model_params(m, &pc);
        if (m->published_params > 0) {
            assert_close(pc.total, m->published_params, 0.02);
            checked++;
        }
        if (m->published_active > 0)
            assert_close(pc.active, m->published_active, 0.02);
        if (m->experts == 0)
            assert_true(pc.active == pc.total);
    }
    assert_int_equal(checked, 15);
}

static void test_named_totals(void **state)
{
    wl_model_params_t pc;
    wl_model_params(get(state, "gpt3-175b"), &pc);
    assert_close(pc.total, 175e9, 0.01);
    assert_true(pc.head == 0); /* tied */
    wl_model_params(get(state, "llama2-7b"), &pc);
    assert_close(pc.total, 6.74e9, 0.002);
    wl_model_params(get(state, "llama2-70b"), &pc);
    assert_close(pc.total, 68.98e9, 0.002); /* catalog-facts [D] */
    assert_close(pc.total, 70e9, 0.02);
    wl_model_params(get(state, "llama3-405b"), &pc);
    assert_close(pc.total, 405.85e9, 0.002);
    wl_model_params(get(state, "mixtral-8x7b"), &pc);
    assert_close(pc.total, 46.70e9, 0.002);
    assert_close(pc.active, 12.88e9, 0.002);
    wl_model_params(get(state, "deepseek-v3"), &pc);
    assert_close(pc.total, 671e9, 0.01);
    assert_close(pc.active, 37e9, 0.02);
    assert_true(pc.mtp == 0);
    /* with its MTP module: ~14B more (685B on HF less the shared
     * embedding/head copies HF stores again: 1.85B) */
    wl_model_t m = *get(state, "deepseek-v3");
    m.mtp_layers = 1;
    wl_model_params(&m, &pc);
    assert_close(pc.mtp + 2 * 129280.0 * 7168, 14e9, 0.05);
    /* per-layer parts add up */
    const wl_model_t *l7 = get(state, "llama2-7b");
    wl_model_params(l7, &pc);
    assert_close(pc.total,
                 32 * (pc.attn_layer + pc.dense_mlp_layer) + pc.embedding +
                     pc.head + pc.final_norm,
                 1e-12);
}

static void test_mla_and_moe_layers(void **state)
{
    const wl_model_t *m = get(state, "deepseek-v3");
    assert_int_equal(m->head_dim, 192);
    assert_false(wl_model_layer_is_moe(m, 2));
    assert_true(wl_model_layer_is_moe(m, 3));
    assert_int_equal(wl_model_q_dim(m), 128 * 192);
    assert_int_equal(wl_model_v_dim(m), 128 * 128);
    const wl_model_t *l = get(state, "llama3-70b");
    assert_int_equal(wl_model_k_dim(l), 8 * 128);
    assert_int_equal(wl_model_padded_vocab(get(state, "gpt3-175b"), 8),
                     51200);
}

static const cfg_key_t *const tables[] = {wl_keys_model, wl_keys_parallel,
                                          wl_keys_train, NULL};

static sim_err_t from_text(void **state, const char *text, wl_model_t *m,
                           sim_diag_t *d)
{
    cfg_scenario_t *sc = NULL;
    sim_err_t err = cfg_scenario_load_text(tables, text, strlen(text),
                                           "t.ini", NULL, &sc, d);
    if (err == SIM_OK)
        err = wl_model_from_scenario(sc, *state, m, d);
    cfg_scenario_free(sc);
    return err;
}

static void test_scenario_models(void **state)
{
    wl_model_t m;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(from_text(state, "[model]\nname = llama2-7b\n", &m, &d),
                     SIM_OK);
    assert_int_equal(m.layers, 32);
    /* an override */
    assert_int_equal(from_text(state,
                               "[model]\nname = llama2-7b\nlayers = 16\n",
                               &m, &d),
                     SIM_OK);
    assert_int_equal(m.layers, 16);
    assert_int_equal(m.hidden, 4096);
    assert_true(m.published_params == 0);
    /* a custom model */
    const char *custom = "[model]\nname = custom\nlayers = 24\nhidden = 2304\n"
                         "heads = 24\nffn_hidden = 9216\nvocab = 51200\n"
                         "activation = gelu\n";
    assert_int_equal(from_text(state, custom, &m, &d), SIM_OK);
    assert_int_equal(m.kv_heads, 24);
    assert_int_equal(m.head_dim, 96);
    assert_int_equal(m.activation, WL_ACT_GELU);
    /* custom without a required key: names file:line of ... the key */
    sim_diag_clear(&d);
    assert_int_equal(from_text(state, "[model]\nname = custom\nlayers = 2\n",
                               &m, &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "model.hidden");
    /* an invalid shape names the file and line of the key */
    sim_diag_clear(&d);
    assert_int_equal(from_text(state,
                               "[model]\nname = llama2-7b\nkv_heads = 5\n",
                               &m, &d),
                     SIM_ERR_RANGE);
    assert_string_equal(d.key, "model.kv_heads");
    assert_string_equal(d.file, "t.ini");
    assert_int_equal(d.line, 3);
    sim_diag_clear(&d);
    assert_int_equal(from_text(state, "[model]\nname = gpt5\n", &m, &d),
                     SIM_ERR_NOTFOUND);
    assert_int_equal(d.line, 2);
}

static void test_bad_catalogs(void **state)
{
    (void)state;
    wl_model_catalog_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    const char *nosrc = "[a]\nlayers = 2\nhidden = 8\nheads = 2\n"
                        "ffn_hidden = 16\nvocab = 10\nseq_len = 8\n";
    assert_int_equal(wl_model_catalog_parse(nosrc, strlen(nosrc), "m.ini",
                                            &cat, &d),
                     SIM_ERR_INPUT);
    assert_null(cat);
    assert_string_equal(d.key, "a.source");
    sim_diag_clear(&d);
    const char *typo = "[a]\nlayers = 2\nhiden = 8\n";
    assert_int_equal(wl_model_catalog_parse(typo, strlen(typo), "m.ini", &cat,
                                            &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "a.hiden");
    assert_int_equal(d.line, 3);
    sim_diag_clear(&d);
    const char *dup = "[a]\nlayers = 2\nhidden = 8\nheads = 2\n"
                      "ffn_hidden = 16\nvocab = 10\nseq_len = 8\nsource = x\n"
                      "[b]\naliases = A\nlayers = 2\nhidden = 8\nheads = 2\n"
                      "ffn_hidden = 16\nvocab = 10\nseq_len = 8\nsource = x\n";
    assert_int_equal(wl_model_catalog_parse(dup, strlen(dup), "m.ini", &cat,
                                            &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 9);
    sim_diag_clear(&d);
    const char *range = "[a]\nlayers = 0\nhidden = 8\nheads = 2\n"
                        "ffn_hidden = 16\nvocab = 10\nseq_len = 8\n"
                        "source = x\n";
    assert_int_equal(wl_model_catalog_parse(range, strlen(range), "m.ini",
                                            &cat, &d),
                     SIM_ERR_RANGE);
    assert_string_equal(d.key, "a.layers");
}

/* A GPT shape as in Megatron's tables: ffn 4h, MHA, GELU, no biases
 * counted by the FLOP formulas. */
static wl_model_t gpt(int layers, int hidden, int heads, int vocab, int seq)
{
    wl_model_t m;
    wl_model_init(&m, "gpt");
    m.layers = layers;
    m.hidden = hidden;
    m.heads = heads;
    m.ffn_hidden = 4LL * hidden;
    m.vocab = vocab;
    m.seq_len = seq;
    m.activation = WL_ACT_GELU;
    m.norm = WL_NORM_LAYER;
    m.bias = WL_BIAS_ALL;
    assert_int_equal(wl_model_validate(&m, NULL), SIM_OK);
    return m;
}

static void test_flops_forms(void **state)
{
    (void)state;
    wl_model_t m = gpt(96, 12288, 96, 51200, 2048);
    double B = 1536, s = 2048, l = 96, h = 12288, V = 51200;
    double f96 = wl_megatron_flops_per_iteration(B, s, l, h, V);
    double f72 = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h));
    assert_close(wl_model_flops_per_token(&m, 2048) * B * s, f72, 1e-12);
    assert_close(wl_train_flops_per_token(&m, 2048, WL_RECOMPUTE_FULL) * B * s,
                 f96, 1e-12);
    double sel = wl_train_flops_per_token(&m, 2048, WL_RECOMPUTE_SELECTIVE);
    assert_true(sel > wl_model_flops_per_token(&m, 2048));
    assert_true(sel < wl_train_flops_per_token(&m, 2048, WL_RECOMPUTE_FULL));
    /* 6N rule: without the attention term, 6 x (non-embedding + head) */
    wl_model_params_t pc;
    wl_model_params(&m, &pc);
    double six_n = 6 * (pc.total - pc.embedding);
    assert_close(wl_model_flops_per_token(&m, 1), six_n, 0.001);
}

/* The Megatron-LM SC'21 rows of training.csv: tflops_per_gpu counts
 * recomputation with the 96-form; iteration_time_s was derived from it.
 * columns: layers, hidden, vocab, seq, gpus, global_batch, tflops, time */
static void test_megatron_rows(void **state)
{
    (void)state;
    static const double rows[][8] = {
        {24, 2304, 51200, 2048, 32, 512, 137, 3.5},
        {36, 4096, 51200, 2048, 128, 512, 142, 3.7},
        {48, 8192, 51200, 2048, 512, 1536, 138, 14.4},
        {80, 12288, 51200, 2048, 1536, 2304, 148, 24.8},
        {105, 20480, 51200, 2048, 2520, 2520, 163, 54.2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const double *r = rows[i];
        double f = wl_megatron_flops_per_iteration(r[5], r[3], r[0], r[1],
                                                   r[2]);
        double t = f / (r[4] * r[6] * 1e12);
        assert_close(t, r[7], 0.03); /* the CSV rounds to 0.1 s */
        wl_model_t m = gpt((int)r[0], (int)r[1], (int)r[1] / 128 > 0
                                                     ? (int)r[1] / 128 : 1,
                           (int)r[2], (int)r[3]);
        assert_close(wl_train_flops_per_token(&m, (int)r[3],
                                              WL_RECOMPUTE_FULL) *
                         r[5] * r[3],
                     f, 1e-12);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_published_totals),
        cmocka_unit_test(test_named_totals),
        cmocka_unit_test(test_mla_and_moe_layers),
        cmocka_unit_test(test_scenario_models),
        cmocka_unit_test(test_bad_catalogs),
        cmocka_unit_test(test_flops_forms),
        cmocka_unit_test(test_megatron_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
