/*
 * test_serve_validate.c — the serving validation against measured runs
 * (workloads/validation/serving/serving.csv): every row predicted, the
 * rows the model is known to meet stay within their targets, and the
 * known misses are the ones reported (so a regression or an unexplained
 * improvement both show).  Needs top_srcdir for the data file.
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

#include "sim/serve/validate.h"

/* Rows past tolerance with the shipped calibration (see SOURCE.md): the
 * H20's built-in profile over-predicts compute-bound prefill, the RTX 4090
 * run is over-predicted, the Qwen3-32B TP2 run's TTFT under-predicted. */
static const char *const known_miss[] = {
    "H20-tp1-Qwen2.5-14B-arxiv_8", "H20-tp1-Qwen2.5-14B-splitwise_32",
    "H20-tp8-Llama-3.1-70B-arxiv_16", "H20-tp8-Llama-3.1-70B-splitwise_64",
    "RTX4090-llama3-8b", "RTXPRO6000-qwen3-32b", NULL};

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
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/workloads/validation/serving/serving.csv",
             top != NULL ? top : ".");
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
    assert_int_equal(rep.n_fail, 6);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_within_targets),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
