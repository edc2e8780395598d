/*
 * test_traffic.c — arrival processes, size distributions and trace replay
 * (workloads/traffic.h, workloads/trace_requests.h).
 *
 * Statistical checks use sample sizes whose standard errors sit well
 * inside the tolerances (stated next to each), with fixed seeds, so they
 * are deterministic and still fail when a formula is wrong.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "workloads/embedded.h"
#include "workloads/trace_requests.h"
#include "workloads/traffic.h"

static wl_traffic_spec_t llm_spec(wl_arrival_t a, int64_t n, double dur)
{
    wl_traffic_spec_t s;
    memset(&s, 0, sizeof s);
    s.arrival = a;
    s.kind = WL_REQ_LLM;
    s.prompt.kind = WL_DIST_FIXED;
    s.prompt.a = 100;
    s.output.kind = WL_DIST_FIXED;
    s.output.a = 10;
    s.max_requests = n;
    s.duration_s = dur;
    return s;
}

/* Arrival instants of a spec into a new array; *n gets the count. */
static double *arrivals(const wl_traffic_spec_t *s, uint64_t seed, size_t *n)
{
    wl_traffic_t *g = NULL;
    wl_request_t r;
    size_t cap = 1024, k = 0;
    double *t = malloc(cap * sizeof *t);
    assert_int_equal(wl_traffic_new(s, seed, &g, NULL), SIM_OK);
    while (wl_traffic_next(g, &r)) {
        if (k == cap)
            t = realloc(t, (cap *= 2) * sizeof *t);
        assert_non_null(t);
        if (k > 0)
            assert_true(r.arrival_s >= t[k - 1]);
        t[k++] = r.arrival_s;
    }
    wl_traffic_free(g);
    *n = k;
    return t;
}

static void test_poisson_counts(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_POISSON, .rate = 5.0};
    wl_traffic_spec_t s = llm_spec(a, 0, 20000.0);
    size_t n;
    double *t = arrivals(&s, 7, &n);
    /* counts per 1 s window: mean = variance = 5 for a Poisson process;
     * 20,000 windows give standard errors of 0.3% and 1% */
    int *c = calloc(20000, sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[(size_t)t[i] < 20000 ? (size_t)t[i] : 19999]++;
    double m = 0, v = 0;
    for (int i = 0; i < 20000; i++)
        m += c[i];
    m /= 20000;
    for (int i = 0; i < 20000; i++)
        v += (c[i] - m) * (c[i] - m);
    v /= 19999;
    assert_close(m, 5.0, 0.02);
    assert_close(v, 5.0, 0.05);
    free(c);
    free(t);
}

static void test_gamma_cv(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_GAMMA, .rate = 2.0, .cv = 3.0};
    wl_traffic_spec_t s = llm_spec(a, 400000, 0);
    size_t n;
    double *t = arrivals(&s, 11, &n);
    assert_int_equal(n, 400000);
    double m = 0, v = 0, prev = 0;
    for (size_t i = 0; i < n; i++) {
        m += t[i] - prev;
        prev = t[i];
    }
    m /= (double)n;
    prev = 0;
    for (size_t i = 0; i < n; i++) {
        double d = t[i] - prev - m;
        v += d * d;
        prev = t[i];
    }
    v /= (double)(n - 1);
    /* mean gap 1/rate; CV 3 (std err of the CV ~1.5% at this n) */
    assert_close(m, 0.5, 0.03);
    assert_close(sqrt(v) / m, 3.0, 0.05);
    free(t);
}

/* Count arrivals in [t0, t1). */
static double count_in(const double *t, size_t n, double t0, double t1)
{
    double c = 0;
    for (size_t i = 0; i < n; i++)
        c += t[i] >= t0 && t[i] < t1;
    return c;
}

static void test_diurnal_thinning(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_DIURNAL, .rate = 2.0,
                      .peak_to_trough = 4.0, .peak_hour = 14.0};
    wl_traffic_spec_t s = llm_spec(a, 0, 2 * 86400.0);
    size_t n;
    double *t = arrivals(&s, 3, &n);
    /* total over two days (≈345,600; sd 0.17%) */
    assert_close((double)n, wl_arrival_integral(&a, 0, 2 * 86400.0), 0.01);
    /* the peak and trough hours follow the integrated rate (~12k and
     * ~3k arrivals over two days: sd 1% and 2%) */
    double peak = count_in(t, n, 14 * 3600.0 - 1800, 14 * 3600.0 + 1800) +
                  count_in(t, n, 86400 + 14 * 3600.0 - 1800,
                           86400 + 14 * 3600.0 + 1800);
    double want = 2 * wl_arrival_integral(&a, 14 * 3600.0 - 1800,
                                          14 * 3600.0 + 1800);
    assert_close(peak, want, 0.05);
    double trough = count_in(t, n, 2 * 3600.0 - 1800, 2 * 3600.0 + 1800);
    assert_close(trough, wl_arrival_integral(&a, 2 * 3600.0 - 1800,
                                             2 * 3600.0 + 1800),
                 0.08);
    assert_close(wl_arrival_rate(&a, 14 * 3600.0) /
                     wl_arrival_rate(&a, 2 * 3600.0),
                 4.0, 1e-12);
    free(t);
}

static void test_spike_thinning(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_SPIKE, .rate = 10.0, .spike_factor = 8.0,
                      .spike_at_s = 600.0, .spike_half_life_s = 120.0};
    wl_traffic_spec_t s = llm_spec(a, 0, 2400.0);
    double tot = 0, first = 0, before = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        size_t n;
        double *t = arrivals(&s, seed, &n);
        tot += (double)n;
        first += count_in(t, n, 600, 720);
        before += count_in(t, n, 480, 600);
        free(t);
    }
    /* closed form: 10·2400 + 10·7·120/ln2·(1 − 2^-15) per run */
    double want = 10 * 2400 + 70 * 120 / log(2.0) * (1 - exp2(-15.0));
    assert_close(wl_arrival_integral(&a, 0, 2400), want, 1e-12);
    assert_close(tot / 4, want, 0.02);
    assert_close(first / 4, wl_arrival_integral(&a, 600, 720), 0.05);
    assert_close(before / 4, 1200, 0.06);
}

static void test_curve_and_mixture(void **state)
{
    (void)state;
    const wl_embedded_file_t *f = wl_embedded_find(WL_TRACE_SERVEGEN_RATE);
    double curve[24], mean;
    assert_non_null(f);
    assert_int_equal(wl_reqtrace_daily_curve(f->data, f->size, f->name, curve,
                                          &mean, NULL),
                     SIM_OK);
    assert_true(mean > 0);
    double m24 = 0, mx = 0, mn = 1e300;
    for (int h = 0; h < 24; h++) {
        m24 += curve[h] / 24;
        mx = fmax(mx, curve[h]);
        mn = fmin(mn, curve[h]);
    }
    assert_close(m24, mean, 1e-9); /* every hour has equally many windows */
    /* hour means computed independently from the CSV (python): trough
     * 154.3/s at 08h, peak 223.8/s at 19h (window starts are seconds from
     * the trace's start, taken as hours of day) */
    assert_close(curve[8], 154.3, 1e-3);
    assert_close(curve[19], 223.8, 1e-3);
    assert_true(mn == curve[8] && mx == curve[19]);

    wl_arrival_t parts[2] = {
        {.kind = WL_ARR_DIURNAL, .rate = 1.0, .curve24 = curve},
        {.kind = WL_ARR_POISSON, .rate = 0.5},
    };
    wl_arrival_t mix = {.kind = WL_ARR_MIXTURE, .parts = parts, .n_parts = 2};
    wl_traffic_spec_t s = llm_spec(mix, 0, 86400.0);
    size_t n;
    double *t = arrivals(&s, 5, &n);
    /* one day at mean 1.5/s: 129,600 (sd 0.3%) */
    assert_close(wl_arrival_integral(&mix, 0, 86400), 1.5 * 86400, 1e-9);
    assert_close((double)n, 1.5 * 86400, 0.01);
    double h = count_in(t, n, 3 * 3600, 4 * 3600);
    assert_close(h, wl_arrival_integral(&mix, 3 * 3600, 4 * 3600), 0.05);
    free(t);
}

static void test_sizes(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_POISSON, .rate = 100};
    wl_traffic_spec_t s = llm_spec(a, 200000, 0);
    s.prompt.kind = WL_DIST_LOGNORMAL;
    s.prompt.a = 1000;
    s.prompt.b = 0.5;
    s.output.kind = WL_DIST_UNIFORM;
    s.output.a = 10;
    s.output.b = 20;
    wl_traffic_t *g;
    wl_request_t r;
    double m = 0, v = 0, lo = 1e9, hi = 0;
    double *p = malloc(200000 * sizeof *p);
    size_t n = 0;
    assert_int_equal(wl_traffic_new(&s, 1, &g, NULL), SIM_OK);
    while (wl_traffic_next(g, &r)) {
        p[n++] = (double)r.prompt_tokens;
        lo = fmin(lo, (double)r.output_tokens);
        hi = fmax(hi, (double)r.output_tokens);
        assert_int_equal(r.kind, WL_REQ_LLM);
    }
    assert_int_equal(wl_traffic_count(g), 200000);
    wl_traffic_free(g);
    for (size_t i = 0; i < n; i++)
        m += p[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        v += (p[i] - m) * (p[i] - m) / (double)(n - 1);
    assert_close(m, 1000, 0.01);
    assert_close(sqrt(v) / m, 0.5, 0.03);
    assert_true(lo == 10 && hi == 20);
    free(p);

    /* empirical and fixed work */
    double sample[3] = {1.0, 2.0, 6.0};
    wl_traffic_spec_t w = llm_spec(a, 30000, 0);
    w.kind = WL_REQ_FIXED_WORK;
    w.work.kind = WL_DIST_EMPIRICAL;
    w.work.sample = sample;
    w.work.n = 3;
    assert_int_equal(wl_traffic_new(&w, 2, &g, NULL), SIM_OK);
    sample[0] = 100.0; /* the generator holds its own copy */
    m = 0;
    while (wl_traffic_next(g, &r)) {
        assert_true(r.work_s == 1.0 || r.work_s == 2.0 || r.work_s == 6.0);
        m += r.work_s / 30000.0;
    }
    wl_traffic_free(g);
    assert_close(m, 3.0, 0.03);
}

static void test_determinism_and_errors(void **state)
{
    (void)state;
    wl_arrival_t a = {.kind = WL_ARR_GAMMA, .rate = 3, .cv = 2};
    wl_traffic_spec_t s = llm_spec(a, 1000, 0);
    size_t n1, n2, n3;
    double *t1 = arrivals(&s, 9, &n1), *t2 = arrivals(&s, 9, &n2);
    double *t3 = arrivals(&s, 10, &n3);
    assert_int_equal(n1, n2);
    assert_memory_equal(t1, t2, n1 * sizeof *t1);
    assert_true(memcmp(t1, t3, n1 * sizeof *t1) != 0);
    /* a different size distribution leaves the arrivals alone */
    s.prompt.kind = WL_DIST_EXPONENTIAL;
    s.prompt.a = 50;
    free(t2);
    t2 = arrivals(&s, 9, &n2);
    assert_memory_equal(t1, t2, n1 * sizeof *t1);
    free(t1);
    free(t2);
    free(t3);

    sim_diag_t d = SIM_DIAG_INIT;
    wl_traffic_t *g = (wl_traffic_t *)&d;
    s.arrival.cv = 0;
    assert_int_equal(wl_traffic_new(&s, 1, &g, &d), SIM_ERR_RANGE);
    assert_null(g);
    assert_string_equal(d.key, "traffic.cv");
    sim_diag_clear(&d);
    s.arrival.cv = 1;
    s.max_requests = 0;
    assert_int_equal(wl_traffic_new(&s, 1, &g, &d), SIM_ERR_RANGE);
    wl_traffic_free(NULL);
}

static void test_traces(void **state)
{
    (void)state;
    wl_reqtrace_t *t;
    const wl_request_t *r;
    assert_int_equal(wl_reqtrace_load_embedded("azure-code", &t, NULL), SIM_OK);
    assert_int_equal(wl_reqtrace_count(t), 2000);
    r = wl_reqtrace_get(t, 0);
    assert_true(r->arrival_s == 0.0);
    assert_int_equal(r->prompt_tokens, 4808); /* first row of the file */
    assert_int_equal(r->output_tokens, 10);
    /* second row at 18:17:04.0319600, first at 18:17:03.9799600 */
    assert_close(wl_reqtrace_get(t, 1)->arrival_s, 0.052, 1e-6);
    double span = wl_reqtrace_span_s(t);
    assert_true(span > 600 && span < 1200); /* ~14 min of the hour */

    wl_replay_t *rp;
    wl_request_t q;
    size_t n = 0;
    double last = 0;
    assert_int_equal(wl_replay_new(t, 0.5, 1.0, 2, 1, &rp, NULL), SIM_OK);
    while (wl_replay_next(rp, &q)) {
        assert_true(q.arrival_s >= last);
        last = q.arrival_s;
        n++;
    }
    wl_replay_free(rp);
    assert_int_equal(n, 4000); /* two loops */
    assert_close(last, 0.5 * (2 * span + span / 1999), 1e-9);
    assert_int_equal(wl_replay_new(t, 1.0, 2.5, 1, 1, &rp, NULL), SIM_OK);
    n = 0;
    while (wl_replay_next(rp, &q))
        n++;
    wl_replay_free(rp);
    assert_true(n >= 4900 && n <= 5100); /* 2 or 3 copies each, p = 0.5 */
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_replay_new(t, 0, 1, 1, 1, &rp, &d), SIM_ERR_RANGE);
    wl_reqtrace_free(t);

    assert_int_equal(wl_reqtrace_load_embedded("mooncake", &t, NULL), SIM_OK);
    assert_int_equal(wl_reqtrace_count(t), 1000);
    r = wl_reqtrace_get(t, 0);
    assert_int_equal(r->prompt_tokens, 6758);
    assert_int_equal(r->n_hash, 14);
    assert_int_equal(r->hash_block_tokens, 512);
    assert_int_equal(r->hash_ids[13], 13);
    assert_int_equal(wl_reqtrace_get(t, 1)->hash_ids[0], 0); /* shared prefix */
    wl_reqtrace_free(t);

    assert_int_equal(wl_reqtrace_load_embedded("genai", &t, NULL), SIM_OK);
    r = wl_reqtrace_get(t, 0);
    assert_int_equal(r->kind, WL_REQ_FIXED_WORK);
    assert_true(r->work_s == 32.0);
    wl_reqtrace_free(t);

    const wl_embedded_file_t *f = wl_embedded_find(WL_TRACE_GENAI_LOAD);
    double *v;
    assert_non_null(f);
    assert_int_equal(wl_reqtrace_latency_samples(f->data, f->size, f->name, &v,
                                              &n, NULL),
                     SIM_OK);
    assert_int_equal(n, 2000);
    assert_close(v[0], 2.639, 1e-12);
    free(v);

    /* malformed input names the line */
    sim_diag_clear(&d);
    const char *bad = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                      "2023-11-16 18:17:03.9,10,5\n2023-11-16 xx,1,1\n";
    assert_int_equal(wl_reqtrace_parse(bad, strlen(bad), "bad.csv",
                                    WL_TRACE_AZURE, &t, &d),
                     SIM_ERR_INPUT);
    assert_null(t);
    assert_int_equal(d.line, 3);
    assert_int_equal(wl_reqtrace_load_embedded("nope", &t, NULL),
                     SIM_ERR_NOTFOUND);
    /* unsorted rows are sorted stably */
    const char *uns = "h\n2023-01-01 00:00:02,5,1\n2023-01-01 00:00:01,6,1\n"
                      "2023-01-01 00:00:02,7,1\n";
    assert_int_equal(wl_reqtrace_parse(uns, strlen(uns), "u", WL_TRACE_AZURE,
                                    &t, NULL),
                     SIM_OK);
    assert_int_equal(wl_reqtrace_get(t, 0)->prompt_tokens, 6);
    assert_int_equal(wl_reqtrace_get(t, 1)->prompt_tokens, 5);
    assert_int_equal(wl_reqtrace_get(t, 2)->prompt_tokens, 7);
    assert_true(wl_reqtrace_get(t, 2)->arrival_s == 1.0);
    wl_reqtrace_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_counts),
        cmocka_unit_test(test_gamma_cv),
        cmocka_unit_test(test_diurnal_thinning),
        cmocka_unit_test(test_spike_thinning),
        cmocka_unit_test(test_curve_and_mixture),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_determinism_and_errors),
        cmocka_unit_test(test_traces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
