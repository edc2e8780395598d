/*
 * test_train_validate.c — the executor against published training runs
 * (workloads/validation/training.csv via $top_srcdir).
 *
 * The project's target is every row within 10% and the mean within 5%.
 * What is reached honestly (calibrated A100/H100 profiles, one 10 us
 * per-kernel framework overhead fitted on the SC'21 rows):
 *  - with the runs' attention kernel stated (the optional `attention`
 *    column: the Megatron-LM A100 runs of 2021-22 predate FlashAttention
 *    and materialise the s x s scores): mean 6.4%, every A100 row within
 *    5%, the Megatron-Core H100 rows 7-21% fast (the Vidur H100 GEMMs the
 *    profile is fitted on reach 86-90% of the dense peak, above what
 *    sustained training clocks give) — not the target;
 *  - without that column every row runs FlashAttention and the A100 rows
 *    of small models come out up to ~30% fast.
 * test_published_runs pins both so neither silently regresses; the
 * annotated copy is made here only while the shipped CSV lacks the
 * column.
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

/* Copy src to a temporary file with an `attention` column: "unfused" for
 * the Megatron-LM rows on A100 (SC'21 and Korthikanti et al. 2022 ran
 * Megatron-LM's CoreAttention: baddbmm, fused softmax, dropout, bmm),
 * empty (FlashAttention) for the Megatron-Core H100 rows.  Returns 0
 * when src already has the column (nothing written). */
static int annotate(const char *src, char *out, size_t n)
{
    FILE *in = fopen(src, "r");
    assert_non_null(in);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, in));
    if (strstr(line, ",attention") != NULL) {
        fclose(in);
        return 0;
    }
    snprintf(out, n, "/tmp/gpusim_tv_attn_XXXXXX");
    int fd = mkstemp(out);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    do {
        size_t l = strcspn(line, "\r\n");
        if (l == 0)
            continue;
        line[l] = '\0';
        const char *v = strstr(line, "tflops_per_gpu,mfu") != NULL ? "attention"
                        : strstr(line, ",A100-80G,") != NULL ? "unfused"
                                                              : "";
        fprintf(f, "%s,%s\n", line, v);
    } while (fgets(line, sizeof line, in) != NULL);
    fclose(in);
    fclose(f);
    return 1;
}

static sim_train_validation_t *run(const char *path, double tol)
{
    sim_train_validation_t *v = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_train_validate_csv(path, tol, &v, &d);
    if (v != NULL)
        sim_train_validation_print(v, stdout);
    if (err != SIM_OK)
        fail_msg("%s", d.msg);
    assert_int_equal(v->n, 14);
    return v;
}

static void test_published_runs(void **state)
{
    (void)state;
    const char *top = getenv("top_srcdir");
    char path[4096], tmp[64];
    snprintf(path, sizeof path, "%s/workloads/validation/training.csv",
             top ? top : ".");
    int made = annotate(path, tmp, sizeof tmp);
    sim_train_validation_t *v = run(made ? tmp : path, 0.25);
    /* 6.4% / 21.0% when written */
    assert_true(v->mean_abs_err < 0.07);
    for (int i = 0; i < v->n; i++) {
        const sim_train_vrow_t *r = &v->rows[i];
        assert_true(r->predicted_s > 0);
        assert_true(fabs(r->time_err) <= 0.22);
        if (strstr(r->label, "A100") != NULL) /* within 5% when written */
            assert_true(fabs(r->time_err) <= 0.06);
    }
    sim_train_validation_free(v);
    if (made) {
        /* the shipped file without the column: FlashAttention everywhere */
        v = run(path, 0.35);
        assert_true(v->mean_abs_err < 0.12);
        sim_train_validation_free(v);
        remove(tmp);
    }
    /* the 10% check reports failures as SIM_ERR_CHECK */
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
