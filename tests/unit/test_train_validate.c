/*
 * test_train_validate.c — the executor against published training runs
 * (workloads/validation/training.csv via $top_srcdir).
 *
 * The project's target is every row within 10% and the mean within 5%.
 * The current model does NOT meet it (A100 rows run on an uncalibrated
 * profile and come out fast, H100 rows slow); this test pins the accuracy
 * reached today so it cannot silently regress: every row within 35%, mean
 * within 16%.  Tighten both when the profiles are calibrated.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/train/train_validate.h"
#include "tests/unit/assert_close.h"

static void test_published_runs(void **state)
{
    (void)state;
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/workloads/validation/training.csv",
             top ? top : ".");
    sim_train_validation_t *v = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_train_validate_csv(path, 0.35, &v, &d);
    if (v != NULL)
        sim_train_validation_print(v, stdout);
    if (err != SIM_OK)
        fail_msg("%s", d.msg);
    assert_int_equal(v->n, 14);
    assert_true(v->mean_abs_err < 0.16);
    for (int i = 0; i < v->n; i++) {
        assert_true(v->rows[i].predicted_s > 0);
        assert_true(fabs(v->rows[i].time_err) <= 0.35);
    }
    /* the 10% check reports failures as SIM_ERR_CHECK */
    sim_train_validation_free(v);
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
