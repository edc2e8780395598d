/*
 * assert_close.h — floating-point assertions for cmocka tests (cmocka 1.1.x
 * has none).  Include after <cmocka.h>.
 *
 * assert_close(actual, expected, rel_tol): passes when
 *   |actual - expected| <= rel_tol * max(|expected|, 1e-300)
 * or both are exactly equal (covers 0 == 0 and equal infinities).
 * assert_close_abs(actual, expected, abs_tol): absolute tolerance.
 */
#ifndef TESTS_ASSERT_CLOSE_H
#define TESTS_ASSERT_CLOSE_H

#include <math.h>
#include <stdio.h>

static inline int assert_close_check_(double actual, double expected,
                                      double tol, int relative,
                                      const char *file, int line)
{
    double scale = relative ? fmax(fabs(expected), 1e-300) : 1.0;
    if (actual == expected)
        return 1;
    if (!(fabs(actual - expected) <= tol * scale)) {
        fprintf(stderr,
                "%s:%d: assert_close failed: actual %.17g, expected %.17g "
                "(%s tolerance %g)\n",
                file, line, actual, expected,
                relative ? "relative" : "absolute", tol);
        return 0;
    }
    return 1;
}

#define assert_close(actual, expected, rel_tol)                              \
    assert_true(assert_close_check_((double)(actual), (double)(expected),    \
                                    (double)(rel_tol), 1, __FILE__, __LINE__))

#define assert_close_abs(actual, expected, abs_tol)                          \
    assert_true(assert_close_check_((double)(actual), (double)(expected),    \
                                    (double)(abs_tol), 0, __FILE__, __LINE__))

#endif /* TESTS_ASSERT_CLOSE_H */
