/*
 * test_serve_validate.c — the serving validation against measured runs
 * (workloads/validation/serving/serving.csv): every row predicted, the
 * rows the model is known to meet stay within their targets, and the
 * known misses are the ones reported (so a regression or an unexplained
 * improvement both show).  Also: the shipped H20 profile is the fit of
 * its CSV, serving picks it up for the H20 with the FP8 -> BF16 e_max
 * rule (sim_serve_perf_half_from_fp8), a bad gemm_csv or ar_csv is an
 * input error naming its file, and the Qwen3-32B TP-2 run meets its
 * target on the all-reduce times measured in its machine's earlier link
 * state and misses it on the later one (SOURCE.md); the MoE run (DP 2 x
 * EP 2) meets its targets with vLLM's async scheduling (serve.h).  Needs
 * top_srcdir for the data files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/compute/validate.h"
#include "sim/serve/perf.h"
#include "sim/serve/serve.h"
#include "sim/serve/validate.h"
#include "workloads/hwcat.h"

/* Rows past tolerance with the shipped calibration (see SOURCE.md): none
 * since async scheduling is modelled for the vLLM rows.  A name here must
 * miss; every other row must pass. */
static const char *const known_miss[] = {NULL};

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
    assert_int_equal(rep.n_fail, 0);
    /* the TP-2 PCIe run: TTFT -7.6%, TPOT -9.1% with the shipped data */
    int seen = 0;
    for (size_t i = 0; i < rep.n; i++)
        if (strcmp(rep.rows[i].name, "RTXPRO6000-qwen3-32b") == 0) {
            seen = 1;
            assert_true(fabs(rep.rows[i].rel_err[0]) < 0.10);
            assert_true(fabs(rep.rows[i].rel_err[1]) < 0.12);
        }
    assert_true(seen);
    /* the MoE run, DP 2 x EP 2 over PCIe: TTFT +3.9%, TPOT -5.8% with the
     * shipped data (TTFT -29.1% before async scheduling was modelled); the
     * row reads its ep column */
    seen = 0;
    for (size_t i = 0; i < rep.n; i++)
        if (strcmp(rep.rows[i].name, "RTXPRO6000-qwen3-30b-a3b") == 0) {
            const sim_serve_val_row_t *r = &rep.rows[i];
            seen = 1;
            assert_int_equal(r->ep, 2);
            assert_true(fabs(r->rel_err[0]) < 0.10);
            assert_true(fabs(r->rel_err[1]) < 0.10);
        } else {
            assert_int_equal(rep.rows[i].ep, 1);
        }
    assert_true(seen);
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

/* The field at *p up to the next comma (empty fields kept); advances *p
 * past it, to NULL after the last. */
static char *next_field(char **p)
{
    char *f = *p, *comma;
    if (f == NULL)
        return NULL;
    comma = strchr(f, ',');
    if (comma != NULL) {
        *comma = '\0';
        *p = comma + 1;
    } else {
        *p = NULL;
    }
    return f;
}

/* Write to `out` (a temporary CSV in /tmp) the header of serving.csv and
 * its row `name`, with every file column made absolute through "/tmp/.."
 * (rows name their files relative to the CSV's folder) and the text
 * `from` in the ar_csv column replaced by `to`. */
static void one_row_csv(const char *out, const char *name, const char *from,
                        const char *to)
{
    char path[4096], dir[4096], absdir[4096], line[4096], head[4096];
    src_path(path, sizeof path, "workloads/validation/serving/serving.csv");
    src_path(dir, sizeof dir, "workloads/validation/serving");
    if (dir[0] == '/') {
        snprintf(absdir, sizeof absdir, "%s", dir);
    } else {
        char cwd[2048];
        assert_non_null(getcwd(cwd, sizeof cwd));
        snprintf(absdir, sizeof absdir, "%s/%.2000s", cwd, dir);
    }
    FILE *in = fopen(path, "r"), *f = fopen(out, "w");
    assert_non_null(in);
    assert_non_null(f);
    assert_non_null(fgets(head, sizeof head, in));
    fputs(head, f);
    head[strcspn(head, "\n")] = '\0';
    int found = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        if (strncmp(line, "vllm,", 5) != 0 || strstr(line, name) == NULL)
            continue;
        line[strcspn(line, "\n")] = '\0';
        char hcopy[4096], *hs, *ls;
        snprintf(hcopy, sizeof hcopy, "%s", head);
        char *h = hcopy, *l = line;
        for (int k = 0; (hs = next_field(&h)) != NULL; k++) {
            ls = next_field(&l);
            assert_non_null(ls);
            int file_col = strcmp(hs, "requests_file") == 0 ||
                           strcmp(hs, "gemm_csv") == 0 ||
                           strcmp(hs, "ar_csv") == 0;
            const char *v = ls;
            if (strcmp(hs, "ar_csv") == 0 && strcmp(ls, from) == 0)
                v = to;
            fprintf(f, "%s%s%s%s", k ? "," : "",
                    file_col && *v ? ".." : "", file_col && *v ? absdir : "",
                    file_col && *v ? "/" : "");
            fputs(v, f);
        }
        fputc('\n', f);
        found = 1;
    }
    fclose(in);
    fclose(f);
    assert_true(found);
}

/* The TP-2 row's result turns on which measured link state it runs: the
 * 2026-09-08 all-reduce sweep (shipped) meets the 20% target; the
 * 2026-09-26 sweep of the same pair (ACS and IOMMU disabled, twice the
 * bandwidth) predicts TTFT and TPOT more than 20% too fast, the miss the
 * 36.9 GB/s alpha-beta pair fitted on it gave. */
static void test_link_state_decides(void **state)
{
    (void)state;
    static const char *const ar[] = {
        "llmservingsim-rtxpro6000-allreduce-20260908.csv",
        "llmservingsim-rtxpro6000-allreduce-20260926.csv"};
    double err[2][2];
    for (int v = 0; v < 2; v++) {
        char tmpl[] = "/tmp/serve-val-XXXXXX";
        int fd = mkstemp(tmpl);
        assert_true(fd >= 0);
        close(fd);
        one_row_csv(tmpl, "RTXPRO6000-qwen3-32b", ar[0], ar[v]);
        sim_serve_val_report_t rep;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t e = sim_serve_validate_csv(tmpl, &rep, &d);
        if (e != SIM_OK)
            fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.msg);
        assert_int_equal(e, SIM_OK);
        assert_int_equal(rep.n, 1);
        err[v][0] = rep.rows[0].rel_err[0];
        err[v][1] = rep.rows[0].rel_err[1];
        assert_int_equal(rep.rows[0].pass, v == 0);
        sim_serve_val_report_destroy(&rep);
        remove(tmpl);
    }
    assert_true(err[1][0] < -0.20 && err[1][1] < -0.20);
    assert_true(err[0][0] > err[1][0] && err[0][1] > err[1][1]);
}

/* An ar_csv that is missing, malformed or measured on another rank count
 * than the row's tp fails the run naming the file or the column. */
static void test_bad_ar_csv(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/serve-val-XXXXXX", arf[] = "/tmp/serve-ar-XXXXXX";
    int fd = mkstemp(arf);
    assert_true(fd >= 0);
    FILE *a = fdopen(fd, "w");
    fputs("collective,ranks,bytes,us\nall_reduce,4,1024,10\n"
          "all_reduce,4,2048,12\n", a);
    fclose(a);
    for (int c = 0; c < 3; c++) {
        fd = mkstemp(tmpl);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "kind,name,gpu,model,tp,batch,prompt_tokens,"
                   "output_tokens,measured_e2e_s,peak_bf16_tflops,hbm_GBps,"
                   "mem_GB,sm_count,ar_csv\n"
                   "static,x,CARD9,llama3-8b,2,8,100,10,1.0,100,1000,48,100,"
                   "%s%s\n",
                c == 0 ? "" : "..", c == 0 ? "no-such-ar.csv" : arf);
        fclose(f);
        if (c == 2) { /* descending sizes */
            FILE *g = fopen(arf, "w");
            fputs("ranks,bytes,us\n2,2048,12\n2,1024,10\n", g);
            fclose(g);
        }
        sim_serve_val_report_t rep;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t e = sim_serve_validate_csv(tmpl, &rep, &d);
        if (c == 0) {
            assert_int_equal(e, SIM_ERR_IO);
            assert_non_null(strstr(d.file, "no-such-ar.csv"));
        } else if (c == 1) {
            assert_int_equal(e, SIM_ERR_INPUT);
            assert_string_equal(d.key, "ar_csv");
            assert_int_equal(d.line, 2);
        } else {
            assert_int_equal(e, SIM_ERR_INPUT);
            assert_non_null(strstr(d.file, "serve-ar-"));
            assert_string_equal(d.key, "service.ar_curve");
        }
        sim_serve_val_report_destroy(&rep);
        remove(tmpl);
        memcpy(tmpl, "/tmp/serve-val-XXXXXX", sizeof tmpl);
    }
    remove(arf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_within_targets),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_half_from_fp8),
        cmocka_unit_test(test_h20_profile),
        cmocka_unit_test(test_bad_gemm_csv),
        cmocka_unit_test(test_bad_ar_csv),
        cmocka_unit_test(test_link_state_decides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
