/*
 * test_train_validate.c — the executor against published training runs
 * (workloads/validation/training.csv via $top_srcdir).
 *
 * The project's target is every row within 10% and the mean within 5%,
 * and the suite asserts it.  What reaches it (calibrated A100/H100
 * profiles; one 10 us per-kernel framework overhead fitted on the SC'21
 * rows; the runs' attention kernel from the `attention` column; Hopper's
 * sustained clock under its 700 W cap, 865/989.4, from DeepSeek's
 * throttled peak, see sim/train/train_profile.h; Megatron-Core's unfused
 * FP32 cross entropy, 52 bytes per logit, workloads/train_graph.c):
 * mean 2.8%, worst 5.8% when written.  Without the sustained clock the
 * H100 rows were 9-21% fast (mean 6.6%); without the cross-entropy passes
 * GPT 1.7B on 48 H100 (vocabulary 131,072 on one GPU) was 11.8% fast.
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

#include "sim/train/train_validate.h"
#include "tests/unit/assert_close.h"

/* Predict every row; a row past tol is a result here, not a failure. */
static sim_train_validation_t *run(const char *path, double tol)
{
    sim_train_validation_t *v = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_train_validate_csv(path, tol, &v, &d);
    if (v != NULL)
        sim_train_validation_print(v, stdout);
    if (err != SIM_OK && err != SIM_ERR_CHECK)
        fail_msg("%s", d.msg);
    assert_non_null(v);
    assert_int_equal(v->n, 14);
    return v;
}

static void test_published_runs(void **state)
{
    (void)state;
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/workloads/validation/training.csv",
             top ? top : ".");
    sim_train_validation_t *v = run(path, 0.10);
    /* 2.8% / 5.8% when written: the targets */
    assert_true(v->mean_abs_err < 0.05);
    assert_int_equal(v->failed, 0);
    for (int i = 0; i < v->n; i++) {
        const sim_train_vrow_t *r = &v->rows[i];
        assert_true(r->predicted_s > 0);
        assert_true(fabs(r->time_err) <= 0.10);
        /* the breakdown of the critical stage sums to the time */
        assert_close(r->compute_s + r->tp_s + r->pp_s + r->dp_s +
                         r->bubble_s,
                     r->predicted_s, 1e-9);
        assert_true(r->compute_s > 0.5 * r->predicted_s);
    }
    json_t *o = json_object();
    assert_int_equal(sim_train_validation_json(v, o), SIM_OK);
    json_t *row = json_array_get(
        json_object_get(json_object_get(o, "training"), "rows"), 0);
    assert_close(json_real_value(json_object_get(
                     json_object_get(row, "breakdown"), "compute_s")),
                 v->rows[0].compute_s, 1e-12);
    json_decref(o);
    sim_train_validation_free(v);
    /* a tighter tolerance reports failures as SIM_ERR_CHECK */
    v = NULL;
    assert_int_equal(sim_train_validate_csv(path, 0.01, &v, NULL),
                     SIM_ERR_CHECK);
    assert_non_null(v);
    assert_true(v->failed > 0);
    sim_train_validation_free(v);
}

static void test_bad_input(void **state)
{
    (void)state;
    sim_train_validation_t *v = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_train_validate_csv("/nonexistent.csv", 0.1, &v, &d),
                     SIM_ERR_IO);
    assert_null(v);
    char tmp[] = "/tmp/gpusim_tv_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("gpu,layers,hidden\nH100,notanumber,1\n", f);
    fclose(f);
    assert_int_not_equal(sim_train_validate_csv(tmp, 0.1, &v, &d), SIM_OK);
    assert_null(v);
    remove(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_runs),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
