/*
 * test_checkpoint.c — Young/Daly intervals against Daly's worked examples,
 * checkpoint cost, interval policies and the closed-form expected wall time.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/assert_close.h"

#include "sim/faults/checkpoint.h"

#define MIN 60.0
#define HOUR 3600.0

/* Daly (FGCS 2006), delta = 5 min, R = 10 min: M = 24 h -> 117 min,
 * 6 h -> 57 min, 15 min -> 9.1 min (catalog-facts §3.4 [S64]).  The
 * published values are rounded: to whole minutes, and 9.1 to a tenth. */
static void test_daly_worked_examples(void **state)
{
    (void)state;
    assert_close_abs(round(flt_ckpt_daly(5 * MIN, 24 * HOUR) / MIN), 117, 0);
    assert_close_abs(round(flt_ckpt_daly(5 * MIN, 6 * HOUR) / MIN), 57, 0);
    assert_close_abs(round(flt_ckpt_daly(5 * MIN, 15 * MIN) / MIN * 10) / 10,
                     9.1, 1e-9);
    /* And the unrounded values of the formula. */
    assert_close(flt_ckpt_daly(5 * MIN, 24 * HOUR) / MIN, 116.7, 5e-4);
    assert_close(flt_ckpt_daly(5 * MIN, 6 * HOUR) / MIN, 56.7, 5e-4);
    assert_close(flt_ckpt_daly(5 * MIN, 15 * MIN) / MIN, 9.14, 5e-4);
    /* delta >= 2M: the interval is M. */
    assert_close(flt_ckpt_daly(40 * MIN, 15 * MIN), 15 * MIN, 1e-15);
}

static void test_young(void **state)
{
    (void)state;
    /* Young gives 120 / 60 / 12.2 min on the same examples. */
    assert_close(flt_ckpt_young(5 * MIN, 24 * HOUR) / MIN, 120, 1e-12);
    assert_close(flt_ckpt_young(5 * MIN, 6 * HOUR) / MIN, 60, 1e-12);
    assert_close(flt_ckpt_young(5 * MIN, 15 * MIN) / MIN, 12.247, 1e-4);
    /* Llama-3 scale: M = 3 h, delta = 1 min -> about 19 min (§3.4). */
    assert_close(flt_ckpt_young(1 * MIN, 3 * HOUR) / MIN, 18.97, 1e-3);
}

static void test_interval_policies(void **state)
{
    flt_ckpt_t c = {FLT_CKPT_SYNC, FLT_CKPT_YOUNG, 0, 6e12, 2e12, 0.5};
    sim_diag_t d = SIM_DIAG_INIT;
    double tau;
    (void)state;

    assert_close(flt_ckpt_write_time(6e12, 2e12), 3.0, 1e-15);
    assert_close(flt_ckpt_pause(&c), 3.0, 1e-15);
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_OK);
    assert_close(tau, sqrt(2 * 3.0 * 10000), 1e-12);
    c.policy = FLT_CKPT_DALY;
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_OK);
    assert_close(tau, flt_ckpt_daly(3.0, 10000), 1e-12);
    /* async: pause is the snapshot, interval never below the write */
    c.mode = FLT_CKPT_ASYNC;
    assert_close(flt_ckpt_pause(&c), 0.5, 1e-15);
    c.snapshot_s = 0;
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_OK);
    assert_close(tau, 3.0, 1e-15);
    /* no failures: no checkpoints */
    assert_int_equal(flt_ckpt_interval(&c, HUGE_VAL, &tau, &d), SIM_OK);
    assert_true(isinf(tau));
    /* fixed */
    c.policy = FLT_CKPT_FIXED;
    c.interval_s = 1800;
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_OK);
    assert_close(tau, 1800, 0);
    c.interval_s = 0;
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "faults.checkpoint_interval");
    sim_diag_clear(&d);
    c.interval_s = 1800;
    c.size_bytes = 0;
    assert_int_equal(flt_ckpt_interval(&c, 10000, &tau, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "faults.checkpoint_size");
}

static void test_expected_wall(void **state)
{
    (void)state;
    /* lambda -> 0: W plus one pause per checkpoint (ceil(W/tau) - 1). */
    assert_close(flt_ckpt_expected_wall(10000, 1000, 10, 60, 0), 10090,
                 1e-12);
    assert_close(flt_ckpt_expected_wall(10500, 1000, 10, 60, 0), 10600,
                 1e-12);
    /* Small lambda: first order E ~ s (1 + lambda (s/2 + R)). */
    double s = 1000, R = 60, l = 1e-7;
    assert_close(flt_ckpt_expected_segment(s, R, l),
                 s * (1 + l * (s / 2 + R)), 1e-6);
    /* Exact value of one segment against a direct evaluation. */
    assert_close(flt_ckpt_expected_segment(3900, 900, 1.0 / 21600),
                 (21600 + 900) * (exp(3900.0 / 21600) - 1), 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daly_worked_examples),
        cmocka_unit_test(test_young),
        cmocka_unit_test(test_interval_policies),
        cmocka_unit_test(test_expected_wall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
