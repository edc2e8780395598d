/*
 * test_hwcat.c — the hardware catalog: the embedded gpus.ini loads, holds
 * the GPUs the research notes cover with their numbers (dense figures,
 * per-direction NVLink), looks names up case-insensitively through aliases,
 * and rejects malformed catalogs naming path:line:key.
 *
 * Expected numbers are copied from research/catalog-facts.md §1.1.
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

static int setup(void **state)
{
    wl_hwcat_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    if (wl_hwcat_load(&cat, &d) != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "catalog: %s\n", sim_diag_format(&d, buf, sizeof buf));
        return -1;
    }
    *state = cat;
    return 0;
}

static int teardown(void **state)
{
    wl_hwcat_free(*state);
    return 0;
}

static void test_count_and_names(void **state)
{
    const wl_hwcat_t *cat = *state;
    static const char *const names[] = {
        "A100-40G", "A100-80G", "A800", "H100-SXM", "H800", "H20",
        "H200", "B200", "L40S", "MI300X", "Ascend-910B"};
    assert_int_equal(wl_hwcat_count(cat), 11);
    for (size_t i = 0; i < 11; i++) {
        const wl_gpu_t *g = wl_hwcat_get(cat, i);
        assert_string_equal(g->name, names[i]);
        assert_true(g->bf16_flops > 0);
        assert_true(g->memory_bytes > 0);
        assert_true(g->mem_bw > 0);
        assert_true(g->tdp_w > 0);
        assert_true(g->nvlink_domain >= 1);
        assert_true(g->line > 0);
        /* no scale-up link <=> domain of one */
        assert_true((g->nvlink_bw == 0) == (g->nvlink_domain == 1));
    }
    assert_null(wl_hwcat_get(cat, 11));
}

static void test_numbers_match_research(void **state)
{
    const wl_hwcat_t *cat = *state;
    const wl_gpu_t *g = wl_hwcat_find(cat, "H100-SXM");
    assert_non_null(g);
    assert_close(g->bf16_flops, 989.4e12, 1e-12);
    assert_close(g->fp8_flops, 1978.9e12, 1e-12);
    assert_close(g->memory_bytes, 80e9, 1e-12);
    assert_close(g->mem_bw, 3.35e12, 1e-12);
    assert_close(g->nvlink_bw, 450e9, 1e-12); /* 900 GB/s bidir / 2 */
    assert_true(g->nvls);
    assert_close(g->tdp_w, 700, 1e-12);
    assert_string_equal(g->vendor, "NVIDIA");

    g = wl_hwcat_find(cat, "H800");
    assert_close(g->bf16_flops, 989.4e12, 1e-12);
    assert_close(g->nvlink_bw, 200e9, 1e-12); /* 400 GB/s bidir / 2 */

    g = wl_hwcat_find(cat, "H20");
    assert_close(g->bf16_flops, 148e12, 1e-12);
    assert_close(g->fp8_flops, 296e12, 1e-12);
    assert_close(g->memory_bytes, 96e9, 1e-12);
    assert_close(g->mem_bw, 4.0e12, 1e-12);
    assert_close(g->tdp_w, 400, 1e-12);

    g = wl_hwcat_find(cat, "A100-40G");
    assert_close(g->mem_bw, 1555e9, 1e-12);
    assert_true(g->fp8_flops == 0);
    assert_false(g->nvls);

    g = wl_hwcat_find(cat, "A800");
    assert_close(g->nvlink_bw, 200e9, 1e-12);
    assert_close(g->mem_bw, 2039e9, 1e-12);

    g = wl_hwcat_find(cat, "H200");
    assert_close(g->memory_bytes, 141e9, 1e-12);
    assert_close(g->mem_bw, 4.8e12, 1e-12);

    g = wl_hwcat_find(cat, "B200");
    assert_close(g->bf16_flops, 2250e12, 1e-12);
    assert_close(g->nvlink_bw, 900e9, 1e-12);
    assert_close(g->tdp_w, 1000, 1e-12);

    g = wl_hwcat_find(cat, "L40S");
    assert_close(g->bf16_flops, 362.05e12, 1e-12);
    assert_true(g->nvlink_bw == 0);

    g = wl_hwcat_find(cat, "MI300X");
    assert_string_equal(g->vendor, "AMD");
    assert_close(g->memory_bytes, 192e9, 1e-12);
    assert_close(g->mem_bw, 5.3e12, 1e-12);
    assert_close(g->tdp_w, 750, 1e-12);

    g = wl_hwcat_find(cat, "Ascend-910B");
    assert_true(g->approximate);
    assert_close(g->memory_bytes, 64e9, 1e-12);
    /* only the 910B rests on conflicting sources */
    size_t approx = 0;
    for (size_t i = 0; i < wl_hwcat_count(cat); i++)
        approx += wl_hwcat_get(cat, i)->approximate;
    assert_int_equal(approx, 1);
}

static void test_lookup_aliases(void **state)
{
    const wl_hwcat_t *cat = *state;
    assert_string_equal(wl_hwcat_find(cat, "H100")->name, "H100-SXM");
    assert_string_equal(wl_hwcat_find(cat, "h100")->name, "H100-SXM");
    assert_string_equal(wl_hwcat_find(cat, "h100-sxm")->name, "H100-SXM");
    assert_string_equal(wl_hwcat_find(cat, "A100")->name, "A100-80G");
    assert_string_equal(wl_hwcat_find(cat, "a100-40g")->name, "A100-40G");
    assert_string_equal(wl_hwcat_find(cat, "910b")->name, "Ascend-910B");
    assert_null(wl_hwcat_find(cat, "H1000"));
    assert_null(wl_hwcat_find(cat, "H10"));
    assert_null(wl_hwcat_find(cat, ""));
    assert_null(wl_hwcat_find(cat, NULL));

    const wl_gpu_t *g = NULL;
    assert_int_equal(wl_hwcat_lookup(cat, "H800", &g, NULL), SIM_OK);
    assert_string_equal(g->name, "H800");
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_hwcat_lookup(cat, "V100", &g, &d), SIM_ERR_NOTFOUND);
    assert_null(g);
    assert_non_null(strstr(d.msg, "V100"));
    assert_non_null(strstr(d.msg, "H800"));
}

#define GOOD_BODY                                                           \
    "vendor = X\n"                                                          \
    "bf16_tflops = 100\nsource_bf16_tflops = s\n"                           \
    "fp8_tflops = 0\nsource_fp8_tflops = s\n"                               \
    "memory = 80GB\nsource_memory = s\n"                                    \
    "mem_bandwidth = 2TB/s\nsource_mem_bandwidth = s\n"                     \
    "nvlink_bandwidth = 450GB/s\nsource_nvlink_bandwidth = s\n"             \
    "nvlink_domain = 8\nsource_nvlink_domain = s\n"                         \
    "nvls = no\nsource_nvls = s\n"                                          \
    "tdp = 700W\nsource_tdp = s\n"

static void test_bad_catalogs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        sim_err_t code;
        int line;
        const char *key;
    } cases[] = {
        /* a good one first: proves the cases below fail for their reason */
        {"[G]\n" GOOD_BODY, SIM_OK, 0, ""},
        {"[G]\n" GOOD_BODY "memory2 = 1GB\n", SIM_ERR_INPUT, 19, "G.memory2"},
        {"[G]\n" GOOD_BODY "source_tf32_tflops = s\n", SIM_ERR_INPUT, 19,
         "G.source_tf32_tflops"},
        {"[G]\n" GOOD_BODY "tf32_tflops = 1\n", SIM_ERR_INPUT, 19,
         "G.tf32_tflops"},
        {"[G]\nmemory = 80\n" GOOD_BODY, SIM_ERR_INPUT, 8, "G.memory"},
        {"[G]\n" GOOD_BODY "[H]\nvendor = Y\n", SIM_ERR_INPUT, 19,
         "H.bf16_tflops"},
        {"[G]\n" GOOD_BODY "[g]\n" GOOD_BODY, SIM_ERR_INPUT, 19, "g"},
        {"[G]\naliases = X1, G2\n" GOOD_BODY "[H]\naliases = g2\n" GOOD_BODY,
         SIM_ERR_INPUT, 20, "H"},
        {"[G]\naliases = X1,,G2\n" GOOD_BODY, SIM_ERR_INPUT, 1, "G"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wl_hwcat_t *cat = NULL;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t err = wl_hwcat_parse(cases[i].text, strlen(cases[i].text),
                                       "gpus.ini", &cat, &d);
        if (err != cases[i].code || d.line != cases[i].line ||
            strcmp(d.key, cases[i].key) != 0)
            fprintf(stderr, "case %zu: err %d line %d key '%s': %s\n", i,
                    err, d.line, d.key, d.msg);
        assert_int_equal(err, cases[i].code);
        assert_int_equal(d.line, cases[i].line);
        assert_string_equal(d.key, cases[i].key);
        if (err == SIM_OK) {
            assert_int_equal(wl_hwcat_count(cat), 1);
        } else {
            assert_null(cat);
            assert_string_equal(d.file, "gpus.ini");
        }
        wl_hwcat_free(cat);
    }
}

static void test_unit_errors_name_the_key(void **state)
{
    (void)state;
    /* The memory line of GOOD_BODY is line 7 after the header at 1. */
    const char *text = "[G]\n" GOOD_BODY;
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", text);
    char *m = strstr(buf, "memory = 80GB");
    assert_non_null(m);
    memcpy(m, "memory = 80XB", 13);
    wl_hwcat_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_hwcat_parse(buf, strlen(buf), "gpus.ini", &cat, &d),
                     SIM_ERR_UNIT);
    assert_int_equal(d.line, 7);
    assert_string_equal(d.key, "G.memory");
    char *t = strstr(buf, "tdp = 700W");
    memcpy(t, "tdp = -70W", 10);
    m = strstr(buf, "memory = 80XB");
    memcpy(m, "memory = 80GB", 13);
    sim_diag_clear(&d);
    assert_int_equal(wl_hwcat_parse(buf, strlen(buf), "gpus.ini", &cat, &d),
                     SIM_ERR_RANGE);
    assert_string_equal(d.key, "G.tdp");
    wl_hwcat_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_and_names),
        cmocka_unit_test(test_numbers_match_research),
        cmocka_unit_test(test_lookup_aliases),
        cmocka_unit_test(test_bad_catalogs),
        cmocka_unit_test(test_unit_errors_name_the_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
