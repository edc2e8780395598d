/*
 * test_train_memory.c — memory per GPU: the generalised activation count
 * equals Korthikanti et al.'s closed forms for GPT layers in all five
 * modes; model states reproduce the ZeRO paper's Figure 1 example (7.5B
 * parameters, N_d = 64: 120, 31.4, 16.6, 1.9 GB) and ZeRO-3 falls as 1/DP;
 * 1F1B keeps pp micro-batches in flight on the first stage and one on the
 * last; a plan that does not fit is refused with the numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tests/unit/assert_close.h"
#include "workloads/hwcat.h"
#include "workloads/model_catalog.h"
#include "workloads/parallel.h"
#include "workloads/train_memory.h"

static wl_model_t gpt3(void)
{
    wl_model_t m;
    wl_model_init(&m, "gpt3");
    m.layers = 96;
    m.hidden = 12288;
    m.heads = 96;
    m.ffn_hidden = 49152;
    m.vocab = 50257;
    m.seq_len = 2048;
    m.activation = WL_ACT_GELU;
    m.norm = WL_NORM_LAYER;
    m.dropout = true;
    assert_int_equal(wl_model_validate(&m, NULL), SIM_OK);
    return m;
}

static void test_korthikanti(void **state)
{
    (void)state;
    wl_model_t m = gpt3();
    double s = 2048, b = 1, h = 12288, a = 96, t = 8;
    static const struct {
        bool sp;
        wl_recompute_t rc;
    } modes[] = {
        {false, WL_RECOMPUTE_NONE}, {true, WL_RECOMPUTE_NONE},
        {false, WL_RECOMPUTE_SELECTIVE}, {true, WL_RECOMPUTE_SELECTIVE},
        {false, WL_RECOMPUTE_FULL}, {true, WL_RECOMPUTE_FULL},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        wl_parallel_t p;
        wl_parallel_init(&p);
        p.tp = 8;
        p.dp = 1;
        p.sp = modes[i].sp;
        p.recompute = modes[i].rc;
        p.flash_attention = false;
        assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
        double got = wl_activation_bytes_per_layer(&m, &p, false);
        double want = wl_korthikanti_activation(s, b, h, a, t, p.sp, p.recompute);
        assert_close(got, want, 1e-12);
    }
    /* the paper's closed forms themselves */
    double sbh = s * b * h;
    assert_close(wl_korthikanti_activation(s, b, h, a, 1, false,
                                           WL_RECOMPUTE_NONE),
                 sbh * (34 + 5 * a * s / h), 1e-12);
    assert_close(wl_korthikanti_activation(s, b, h, a, t, false,
                                           WL_RECOMPUTE_NONE),
                 sbh * (10 + 24 / t + 5 * a * s / (h * t)), 1e-12);
    assert_close(wl_korthikanti_activation(s, b, h, a, t, true,
                                           WL_RECOMPUTE_SELECTIVE),
                 34 * sbh / t, 1e-12);
    /* flash attention drops the s^2 term, like selective recompute */
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.tp = 8;
    p.dp = 1;
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    assert_close(wl_activation_bytes_per_layer(&m, &p, false),
                 sbh * (10 + 24 / t), 1e-12);
}

static void test_zero_paper(void **state)
{
    (void)state;
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.dp = 64;
    double psi = 7.5e9, w, g, o;
    static const double gb[] = {120, 31.4, 16.6, 1.9};
    for (int z = 0; z <= 3; z++) {
        p.zero = z;
        wl_model_state_bytes(psi, 0, &p, &w, &g, &o);
        assert_close((w + g + o) / 1e9, gb[z], 0.03);
    }
    /* ZeRO-3 model states fall as 1/DP */
    p.zero = 3;
    wl_model_state_bytes(psi, 0, &p, &w, &g, &o);
    double at64 = w + g + o;
    p.dp = 128;
    wl_model_state_bytes(psi, 0, &p, &w, &g, &o);
    assert_close(w + g + o, at64 / 2, 1e-12);
    /* experts shard over EDP */
    p.edp = 16;
    wl_model_state_bytes(0, psi, &p, &w, &g, &o);
    assert_close(w + g + o, 16 * psi / 16, 1e-12);
}

static void test_stages(void **state)
{
    (void)state;
    wl_model_t m = gpt3();
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.gpus = 64;
    p.tp = 8;
    p.pp = 8;
    p.sp = true;
    p.recompute = WL_RECOMPUTE_SELECTIVE;
    p.global_batch = 16;
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    wl_train_memory_t first, last, peak;
    assert_int_equal(wl_train_memory_stage(&m, &p, 0, 0, &first, NULL),
                     SIM_OK);
    assert_int_equal(wl_train_memory_stage(&m, &p, 7, 0, &last, NULL),
                     SIM_OK);
    double layer = wl_activation_bytes_per_layer(&m, &p, false);
    assert_close(first.activations, 8 * 12 * layer, 1e-12);
    assert_close(last.activations, 1 * 12 * layer, 1e-12);
    assert_true(last.logits > 0 && first.logits == 0);
    /* 12 layers of 12h^2 (+ small terms) / 8 + embedding on stage 0 */
    assert_close(first.params, (12 * 12.0 * 12288 * 12288 +
                                51200.0 * 12288) / 8, 0.01);
    assert_close(first.weights + first.grads + first.optimizer,
                 16 * first.params, 1e-12);
    assert_int_equal(wl_train_memory_peak(&m, &p, 0, &peak, NULL), SIM_OK);
    assert_int_equal(peak.stage, 0);
    assert_close(peak.total, first.total, 1e-12);
    assert_int_equal(wl_train_memory_stage(&m, &p, 8, 0, &first, NULL),
                     SIM_ERR_RANGE);
    /* interleaving keeps more micro-batch chunks in flight on stage 0 */
    p.virtual_stages = 2;
    assert_int_equal(wl_parallel_validate(&p, &m, NULL), SIM_OK);
    wl_train_memory_t inter;
    assert_int_equal(wl_train_memory_stage(&m, &p, 0, 0, &inter, NULL),
                     SIM_OK);
    assert_true(inter.activations > 8 * 12 * layer);
}

static void test_check(void **state)
{
    (void)state;
    wl_hwcat_t *cat = NULL;
    wl_model_catalog_t *models = NULL;
    assert_int_equal(wl_hwcat_load(&cat, NULL), SIM_OK);
    assert_int_equal(wl_model_catalog_load(&models, NULL), SIM_OK);
    const wl_gpu_t *h800 = wl_hwcat_find(cat, "H800");
    const wl_model_t *m = wl_model_catalog_find(models, "llama3-70b");
    assert_non_null(h800);
    assert_non_null(m);
    /* 70B on 8 GPUs with plain DP cannot fit: 16 bytes x 70B alone */
    wl_parallel_t p;
    wl_parallel_init(&p);
    p.gpus = 8;
    assert_int_equal(wl_parallel_validate(&p, m, NULL), SIM_OK);
    wl_train_memory_t mem;
    assert_int_equal(wl_train_memory_peak(m, &p, 2.0 * (1 << 30), &mem, NULL),
                     SIM_OK);
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_train_memory_check(&mem, h800, &d),
                     SIM_ERR_INFEASIBLE);
    assert_non_null(strstr(d.msg, "GiB per GPU"));
    assert_non_null(strstr(d.msg, "H800 has 74.5 GiB"));
    /* TP 8 x PP 4 with ZeRO-1 over DP 4 fits */
    wl_parallel_init(&p);
    p.gpus = 128;
    p.tp = 8;
    p.pp = 4;
    p.sp = true;
    p.zero = 1;
    p.global_batch = 64;
    assert_int_equal(wl_parallel_validate(&p, m, NULL), SIM_OK);
    assert_int_equal(wl_train_memory_peak(m, &p, 2.0 * (1 << 30), &mem, NULL),
                     SIM_OK);
    assert_int_equal(wl_train_memory_check(&mem, h800, NULL), SIM_OK);
    assert_true(mem.total > 20.0 * (1 << 30));
    wl_model_catalog_free(models);
    wl_hwcat_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_korthikanti),
        cmocka_unit_test(test_zero_paper),
        cmocka_unit_test(test_stages),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
