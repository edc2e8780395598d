/*
 * test_serve_validate.c — the serving validation against measured runs
 * (workloads/validation/serving/serving.csv): every row predicted, the
 * rows the model is known to meet stay within their targets, and the
 * known misses are the ones reported (so a regression or an unexplained
 * improvement both show).  Also: the shipped H20 profile is the fit of
 * its CSV, serving picks it up for the H20 with the FP8 -> BF16 e_max
 * rule (sim_serve_perf_half_from_fp8), and a bad gemm_csv is an input
 * error naming its row.  Needs top_srcdir for the data files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/compute/validate.h"
#include "sim/serve/perf.h"
#include "sim/serve/serve.h"
#include "sim/serve/validate.h"
#include "workloads/hwcat.h"

/* Rows past tolerance with the shipped calibration (see SOURCE.md): the
 * Qwen3-32B TP2 run on two PCIe RTX PRO 6000s is predicted too fast (the
 * engine's TP-2 steps measure about 1.7x the sum of their kernels and
 * NCCL all-reduces on that machine, which the model does not have). */
static const char *const known_miss[] = {"RTXPRO6000-qwen3-32b", NULL};

static void src_path(char *buf, size_t n, const char *rel)
{
    const char *top = getenv("top_srcdir");
    snprintf(buf, n, "%s/%s", top != NULL ? top : ".", rel);
}

static int is_known_miss(const char *name)
{
    for (const char *const *k = known_miss; *k != NULL; k++)
        if (strcmp(*k, name) == 0)
            return 1;
    return 0;
}

static void test_rows_within_targets(void **state)
{
    (void)state;
    char path[4096];
    src_path(path, sizeof path, "workloads/validation/serving/serving.csv");
    sim_serve_val_report_t rep;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t e = sim_serve_validate_csv(path, &rep, &d);
    if (e != SIM_OK)
        fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
    assert_int_equal(e, SIM_OK);
    assert_true(rep.n >= 30);
    size_t static_rows = 0;
    for (size_t i = 0; i < rep.n; i++) {
        const sim_serve_val_row_t *r = &rep.rows[i];
        assert_true(isfinite(r->predicted[0]) && r->predicted[0] > 0.0);
        if (strcmp(r->kind, "static") == 0)
            static_rows++;
        if (r->pass != !is_known_miss(r->name))
            fprintf(stderr, "%s: pass %d, error %+.1f%% / %+.1f%%\n", r->name,
                    r->pass, 100 * r->rel_err[0], 100 * r->rel_err[1]);
        assert_int_equal(r->pass, !is_known_miss(r->name));
    }
    assert_true(static_rows >= 28);
    assert_int_equal(rep.n_fail, 1);
    json_t *o = json_object();
    assert_int_equal(sim_serve_val_json(&rep, o), SIM_OK);
    assert_int_equal(json_array_size(json_object_get(o, "serving_rows")), rep.n);
    json_decref(o);
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(sim_serve_val_print(&rep, devnull), SIM_OK);
    fclose(devnull);
    sim_serve_val_report_destroy(&rep);
    sim_serve_val_report_destroy(NULL);
}

static void test_bad_input(void **state)
{
    (void)state;
    sim_serve_val_report_t rep;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_serve_validate_csv("/nonexistent.csv", &rep, &d),
                     SIM_ERR_IO);
    sim_serve_val_report_destroy(&rep);
    char tmpl[] = "/tmp/serve-val-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("kind,name,gpu,model,tp,batch,prompt_tokens,output_tokens,"
          "measured_e2e_s\nstatic,x,H100,gpt-9,1,8,100,10,1.0\n", f);
    fclose(f);
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_validate_csv(tmpl, &rep, &d),
                     SIM_ERR_NOTFOUND);
    assert_int_equal(d.line, 2);
    sim_serve_val_report_destroy(&rep);
    remove(tmpl);
}

/* The FP8 -> half-precision e_max rule: raises only unfitted BF16/FP16
 * curves at half the FP8 peak on a device with an SM count, never lowers,
 * and touches nothing else of the curve. */
static void test_half_from_fp8(void **state)
{
    (void)state;
    double pk[SIM_COMPUTE_DTYPE__COUNT] = {0};
    pk[SIM_COMPUTE_BF16] = pk[SIM_COMPUTE_FP16] = 148.0;
    pk[SIM_COMPUTE_FP8] = 296.0;
    sim_compute_profile_t p;
    sim_compute_profile_init(&p, "t", pk, 4000.0, 63.0);
    p.sm_count = 78.0;
    double e0 = p.gemm[SIM_COMPUTE_BF16].e_max, it0 = p.gemm[SIM_COMPUTE_BF16].iter_s;
    /* FP8 not fitted: nothing to transfer */
    p.gemm[SIM_COMPUTE_FP8].e_max = 0.93;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 0);
    assert_true(p.gemm[SIM_COMPUTE_BF16].e_max == e0);
    p.gemm[SIM_COMPUTE_FP8].fitted = 1;
    p.gemm[SIM_COMPUTE_FP8].iter_s = 1.1e-6;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 1);
    assert_true(p.gemm[SIM_COMPUTE_BF16].e_max == 0.93);
    assert_true(p.gemm[SIM_COMPUTE_FP16].e_max == 0.93);
    assert_true(p.gemm[SIM_COMPUTE_BF16].iter_s == it0); /* schedule kept */
    assert_false(p.gemm[SIM_COMPUTE_BF16].fitted);
    /* a lower FP8 fraction does not lower the half-precision prior */
    sim_compute_profile_init(&p, "t", pk, 4000.0, 63.0);
    p.sm_count = 78.0;
    p.gemm[SIM_COMPUTE_FP8].fitted = 1;
    p.gemm[SIM_COMPUTE_FP8].e_max = 0.6;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 0);
    assert_true(p.gemm[SIM_COMPUTE_BF16].e_max == e0);
    /* peaks not in the 2:1 ratio, a fitted BF16 curve, no SM count */
    p.gemm[SIM_COMPUTE_FP8].e_max = 0.93;
    p.peak_tflops[SIM_COMPUTE_FP8] = 250.0;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 0);
    p.peak_tflops[SIM_COMPUTE_FP8] = 296.0;
    p.gemm[SIM_COMPUTE_BF16].fitted = p.gemm[SIM_COMPUTE_FP16].fitted = 1;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 0);
    p.gemm[SIM_COMPUTE_BF16].fitted = p.gemm[SIM_COMPUTE_FP16].fitted = 0;
    p.sm_count = 0.0;
    assert_int_equal(sim_serve_perf_half_from_fp8(&p), 0);
    assert_true(p.gemm[SIM_COMPUTE_BF16].e_max == e0);
}

/* The shipped H20 profile is the fit of the CSV it names (hash, rows, a
 * refit today gives the same FP8 curve), and the serving model runs the
 * H20 on it: FP8 fitted, BF16 at the FP8 e_max, above the 0.75 default. */
static void test_h20_profile(void **state)
{
    (void)state;
    char ppath[4096], cpath[4096], hash[17];
    sim_compute_profile_t p, fresh;
    sim_compute_timing_set_t *set = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    src_path(ppath, sizeof ppath, "workloads/profiles/H20.profile");
    assert_int_equal(sim_compute_profile_load(ppath, &p, &d), SIM_OK);
    assert_true(p.calibrated);
    assert_string_equal(p.source_csv, "workloads/profiles/pipeweave-h20-fp8.csv");
    src_path(cpath, sizeof cpath, p.source_csv);
    assert_int_equal(sim_compute_timing_load(cpath, &set, &d), SIM_OK);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)set->fnv1a64);
    assert_string_equal(p.source_fnv1a64, hash);
    assert_int_equal(p.source_rows, set->n);
    sim_compute_timing_free(set);
    memset(&fresh, 0, sizeof fresh);
    assert_int_equal(sim_compute_calibrate_csv(cpath, "H20", &fresh, &d), SIM_OK);
    const sim_compute_gemm_curve_t *a = &fresh.gemm[SIM_COMPUTE_FP8];
    const sim_compute_gemm_curve_t *b = &p.gemm[SIM_COMPUTE_FP8];
    assert_true(b->fitted && !p.gemm[SIM_COMPUTE_BF16].fitted);
    assert_true(fabs(a->e_max - b->e_max) <= 1e-9 * b->e_max);
    assert_true(fabs(a->tile_s - b->tile_s) <= 1e-9 * b->tile_s);
    assert_true(fabs(fresh.launch_s - p.launch_s) <= 1e-9 * p.launch_s);

    wl_hwcat_t *cat = NULL;
    assert_int_equal(wl_hwcat_load(&cat, &d), SIM_OK);
    const wl_gpu_t *g = wl_hwcat_find(cat, "H20");
    assert_non_null(g);
    sim_serve_config_t cfg;
    sim_serve_config_defaults(&cfg);
    assert_int_equal(sim_serve_config_set_gpu(&cfg, g, &d), SIM_OK);
    assert_true(cfg.profile.calibrated);
    assert_true(cfg.profile.gemm[SIM_COMPUTE_FP8].fitted);
    assert_true(cfg.profile.gemm[SIM_COMPUTE_BF16].e_max == b->e_max);
    assert_true(cfg.profile.gemm[SIM_COMPUTE_BF16].e_max > 0.75);
    wl_hwcat_free(cat);
}

/* A gemm_csv that cannot be read fails the run with that file named. */
static void test_bad_gemm_csv(void **state)
{
    (void)state;
    sim_serve_val_report_t rep;
    sim_diag_t d = SIM_DIAG_INIT;
    char tmpl[] = "/tmp/serve-val-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("kind,name,gpu,model,tp,batch,prompt_tokens,output_tokens,"
          "measured_e2e_s,peak_bf16_tflops,hbm_GBps,mem_GB,sm_count,gemm_csv\n"
          "static,x,CARD9,llama3-8b,1,8,100,10,1.0,100,1000,48,100,"
          "no-such-gemm.csv\n", f);
    fclose(f);
    assert_int_equal(sim_serve_validate_csv(tmpl, &rep, &d), SIM_ERR_IO);
    assert_non_null(strstr(d.file, "no-such-gemm.csv"));
    sim_serve_val_report_destroy(&rep);
    remove(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_within_targets),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_half_from_fp8),
        cmocka_unit_test(test_h20_profile),
        cmocka_unit_test(test_bad_gemm_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
