/*
 * time.h — simulated time: a signed 64-bit count of nanoseconds.
 *
 * Integer time makes event order exact (no two runs can disagree about
 * which of two events came first) and covers ±292 years at 1 ns
 * resolution.  Rates and sizes stay doubles; only instants and durations
 * are sim_time_t.  The conversions from seconds live here so every model
 * rounds the same way: a *predicted completion* rounds UP
 * (sim_time_from_s_ceil), so a flow or kernel is never declared finished
 * before its last byte or FLOP is done; other durations round to nearest.
 *
 * Assumes: IEEE-754 doubles.  NaN is a programmer error (assert); callers
 * validate input values before converting them.
 */
#ifndef SIM_ENGINE_TIME_H
#define SIM_ENGINE_TIME_H

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_TIME_MAX INT64_MAX /* "never": later than any real instant */
#define SIM_TIME_MIN INT64_MIN

#define SIM_NS_PER_S 1000000000LL

/* 2^63 as a double: the first value that no longer fits an int64. */
#define SIM_TIME_LIMIT_D_ 9223372036854775808.0

/* Clamp a nanosecond count held in a double into sim_time_t's range. */
static inline sim_time_t sim_time_clamp_d_(double ns)
{
    if (ns >= SIM_TIME_LIMIT_D_)
        return SIM_TIME_MAX;
    if (ns <= -SIM_TIME_LIMIT_D_)
        return SIM_TIME_MIN;
    return (sim_time_t)ns;
}

/*
 * Seconds -> nanoseconds, rounded UP (towards +infinity).  A product that
 * lies within 4 ulps of a whole nanosecond is taken as that nanosecond:
 * 0.3 s is stored as 0.299999999999999988898, and 0.3 * 1e9 may land a hair
 * above 300000000, which a bare ceil() would turn into a spurious extra
 * nanosecond.  Saturates at SIM_TIME_MAX / SIM_TIME_MIN (so +inf -> MAX).
 * Cost: O(1).
 */
static inline sim_time_t sim_time_from_s_ceil(double s)
{
    double ns;

    assert(!isnan(s));
    ns = s * 1e9;
    if (isinf(ns))  /* inf - tol would be NaN */
        return ns > 0 ? SIM_TIME_MAX : SIM_TIME_MIN;
    /* ceil(ns - tol): a value up to tol above a whole ns drops to it; one
     * below it rounds up to it as ceil would. */
    return sim_time_clamp_d_(ceil(ns - 4.0 * DBL_EPSILON * fabs(ns)));
}

/* Seconds -> nanoseconds, rounded to nearest (halves away from zero).
 * Saturates like sim_time_from_s_ceil.  Cost: O(1). */
static inline sim_time_t sim_time_from_s(double s)
{
    assert(!isnan(s));
    return sim_time_clamp_d_(round(s * 1e9));
}

/* Nanoseconds -> seconds.  Exact for |t| < 2^53 ns (104 days); beyond
 * that, correctly rounded.  SIM_TIME_MAX gives about 9.22e9 s. */
static inline double sim_time_to_s(sim_time_t t)
{
    return (double)t / 1e9;
}

/* a + b, saturating at SIM_TIME_MAX / SIM_TIME_MIN instead of overflowing
 * (so "now + a huge delay" means "never", not a time in the past). */
static inline sim_time_t sim_time_add_sat(sim_time_t a, sim_time_t b)
{
    if (b > 0 && a > SIM_TIME_MAX - b)
        return SIM_TIME_MAX;
    if (b < 0 && a < SIM_TIME_MIN - b)
        return SIM_TIME_MIN;
    return a + b;
}

#endif /* SIM_ENGINE_TIME_H */
