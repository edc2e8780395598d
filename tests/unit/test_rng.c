/*
 * test_rng.c — named random streams: published test vectors for the
 * building blocks, then the stream-set promises (reproducible, distinct,
 * independent of other streams, never seeded with 0).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/engine/rng.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL

/* xoshiro256** from state {1, 2, 3, 4}: the reference implementation's
 * first ten outputs, as published in the rand_xoshiro crate's test
 * "reference" (rust-random/rngs, xoshiro256starstar.rs). */
static const uint64_t xoshiro_ref[10] = {
    11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
    1216172134540287360ULL, 607988272756665600ULL, 16172922978634559625ULL,
    8476171486693032832ULL, 10595114339597558777ULL, 2904607092377533576ULL};

static void set_state_1234(gsl_rng *r)
{
    uint64_t s[4] = {1, 2, 3, 4};
    memcpy(r->state, s, sizeof s);
}

static void test_xoshiro_reference_vector(void **state)
{
    gsl_rng *r = sim_rng_alloc(0);
    int i;
    (void)state;
    assert_non_null(r);
    assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
    assert_int_equal(gsl_rng_min(r), 0);
    set_state_1234(r);
    for (i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(r), xoshiro_ref[i] >> 32);
    set_state_1234(r);
    for (i = 0; i < 10; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u == (double)(xoshiro_ref[i] >> 11) * 0x1.0p-53);
    }
    gsl_rng_free(r);
}

static void test_hash_building_blocks(void **state)
{
    (void)state;
    /* SplitMix64 from state 0: first two outputs (published reference). */
    assert_int_equal(sim_rng_mix64(GOLDEN), 0xe220a8397b1dcdafULL);
    assert_int_equal(sim_rng_mix64(2 * GOLDEN), 0x6e789e6aa1b965f4ULL);
    assert_int_equal(sim_rng_mix64(0), 0);
    /* FNV-1a 64: the empty string is the offset basis; "a" from the FNV
     * test suite. */
    assert_int_equal(sim_rng_fnv1a64(""), 0xcbf29ce484222325ULL);
    assert_int_equal(sim_rng_fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
    /* The hash is what the header documents. */
    assert_int_equal(sim_rng_hash(42, "arrivals"),
                     sim_rng_mix64(42 ^ sim_rng_mix64(
                                           sim_rng_fnv1a64("arrivals"))));
}

static void test_seed_never_zero(void **state)
{
    /* The seed that would make the mixed value exactly 0. */
    uint64_t bad = sim_rng_mix64(sim_rng_fnv1a64("faults"));
    sim_rng_set_t *set;
    gsl_rng *r;
    (void)state;
    assert_int_equal(sim_rng_mix64(bad ^ sim_rng_mix64(sim_rng_fnv1a64("faults"))), 0);
    assert_int_equal(sim_rng_hash(bad, "faults"), GOLDEN);
    /* The stream still works and differs from its neighbours. */
    set = sim_rng_set_new(bad);
    assert_non_null(set);
    r = sim_rng_stream(set, "faults");
    assert_non_null(r);
    assert_int_not_equal(gsl_rng_get(r), gsl_rng_get(r));
    sim_rng_set_free(set);
}

static void draw(gsl_rng *r, uint64_t *out, int n)
{
    int i;
    for (i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

static void test_same_seed_same_numbers(void **state)
{
    sim_rng_set_t *a = sim_rng_set_new(7), *b = sim_rng_set_new(7);
    uint64_t x[64], y[64];
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(sim_rng_set_seed(a), 7);
    draw(sim_rng_stream(a, "arrivals"), x, 64);
    draw(sim_rng_stream(b, "arrivals"), y, 64);
    assert_memory_equal(x, y, sizeof x);
    /* The cache hands back the same generator, continuing its sequence. */
    assert_ptr_equal(sim_rng_stream(a, "arrivals"), sim_rng_stream(a, "arrivals"));
    draw(sim_rng_stream(a, "arrivals"), x, 64);
    assert_memory_not_equal(x, y, sizeof x);
    sim_rng_set_free(a);
    sim_rng_set_free(b);
    sim_rng_set_free(NULL);
}

static void test_different_names_and_seeds(void **state)
{
    sim_rng_set_t *a = sim_rng_set_new(7), *b = sim_rng_set_new(8);
    uint64_t x[16], y[16], z[16];
    (void)state;
    draw(sim_rng_stream(a, "arrivals"), x, 16);
    draw(sim_rng_stream(a, "arrival"), y, 16);
    draw(sim_rng_stream(b, "arrivals"), z, 16);
    assert_memory_not_equal(x, y, sizeof x);
    assert_memory_not_equal(x, z, sizeof x);
    assert_int_equal(sim_rng_set_count(a), 2);
    sim_rng_set_free(a);
    sim_rng_set_free(b);
}

static void test_other_streams_do_not_interfere(void **state)
{
    sim_rng_set_t *a = sim_rng_set_new(2024), *b = sim_rng_set_new(2024);
    uint64_t x[100], y[100], junk[10];
    gsl_rng *ra, *rb;
    int i;
    (void)state;
    ra = sim_rng_stream(a, "faults.gpu");
    draw(ra, x, 100);
    /* In b, create many streams first (the table grows several times),
     * draw from them interleaved, then draw faults.gpu. */
    for (i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "other%d", i);
        draw(sim_rng_stream(b, name), junk, 10);
    }
    rb = sim_rng_stream(b, "faults.gpu");
    for (i = 0; i < 100; i++) {
        y[i] = gsl_rng_get(rb);
        (void)gsl_rng_get(sim_rng_stream(b, "other7"));
        (void)gsl_rng_get(sim_rng_stream_indexed(b, "gpu", (uint64_t)i));
    }
    assert_memory_equal(x, y, sizeof x);
    /* Pointers stay valid while the table grows. */
    assert_ptr_equal(sim_rng_stream(b, "faults.gpu"), rb);
    assert_int_equal(sim_rng_set_count(b), 201 + 100);
    sim_rng_set_free(a);
    sim_rng_set_free(b);
}

static void test_indexed_streams(void **state)
{
    sim_rng_set_t *set = sim_rng_set_new(1);
    uint64_t first[1000];
    char longname[300];
    int i, j;
    (void)state;
    assert_non_null(set);
    for (i = 0; i < 1000; i++) {
        gsl_rng *r = sim_rng_stream_indexed(set, "gpu", (uint64_t)i);
        assert_non_null(r);
        first[i] = (uint64_t)gsl_rng_get(r) << 32;
        first[i] |= gsl_rng_get(r);
    }
    for (i = 0; i < 1000; i++)
        for (j = i + 1; j < 1000; j++)
            assert_int_not_equal(first[i], first[j]);
    /* "name#index" is the indexed stream, by definition. */
    assert_ptr_equal(sim_rng_stream_indexed(set, "gpu", 7),
                     sim_rng_stream(set, "gpu#7"));
    assert_ptr_not_equal(sim_rng_stream(set, "gpu"),
                         sim_rng_stream_indexed(set, "gpu", 0));
    assert_ptr_equal(sim_rng_stream_indexed(set, "r", UINT64_MAX),
                     sim_rng_stream(set, "r#18446744073709551615"));
    /* Names longer than the on-stack buffer. */
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_non_null(sim_rng_stream_indexed(set, longname, 3));
    assert_ptr_equal(sim_rng_stream_indexed(set, longname, 3),
                     sim_rng_stream_indexed(set, longname, 3));
    sim_rng_set_free(set);
}

static void test_gsl_distributions_accept_it(void **state)
{
    gsl_rng *r = sim_rng_alloc(99);
    double sum = 0;
    int i;
    (void)state;
    assert_non_null(r);
    for (i = 0; i < 100000; i++) {
        double u = gsl_rng_uniform(r);
        unsigned long k = gsl_rng_uniform_int(r, 10);
        assert_true(u >= 0.0 && u < 1.0);
        assert_true(k < 10);
        sum += gsl_ran_exponential(r, 2.0);
    }
    /* mean 2, sd of the mean 2/sqrt(1e5) = 0.0063: 6 sd */
    assert_true(sum / 100000 > 1.96 && sum / 100000 < 2.04);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xoshiro_reference_vector),
        cmocka_unit_test(test_hash_building_blocks),
        cmocka_unit_test(test_seed_never_zero),
        cmocka_unit_test(test_same_seed_same_numbers),
        cmocka_unit_test(test_different_names_and_seeds),
        cmocka_unit_test(test_other_streams_do_not_interfere),
        cmocka_unit_test(test_indexed_streams),
        cmocka_unit_test(test_gsl_distributions_accept_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
