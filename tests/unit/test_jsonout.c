/*
 * test_jsonout.c — the --json output helpers: exact bytes of dumped values
 * (17 significant digits, integers as integers, non-finite as null,
 * insertion order, trailing newline), UTF-8 checking, failed writes, and
 * independence from the C locale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "tests/unit/assert_close.h"

/* Dump root through sim_json_dump into a new string (caller frees). */
static char *dump_to_string(const json_t *root)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(sim_json_dump(root, fp), SIM_OK);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static void test_exact_bytes(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_t *arr = json_array();
    json_t *inner = json_object();
    assert_non_null(o);
    /* Keys deliberately out of alphabetical order: output keeps this order. */
    assert_int_equal(sim_json_set_num(o, "z_real", 0.1), SIM_OK);
    assert_int_equal(sim_json_set_int(o, "a_int", 42), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "nan", NAN), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "neg_inf", -INFINITY), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "one", 1.0), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "big", 1e300), SIM_OK);
    assert_int_equal(sim_json_set_str(o, "s", "h\xc3\xa9llo \"q\"\n"), SIM_OK);
    assert_int_equal(sim_json_set_str(o, "none", NULL), SIM_OK);
    assert_int_equal(sim_json_push_num(arr, 1.5), SIM_OK);
    assert_int_equal(sim_json_push_num(arr, INFINITY), SIM_OK);
    assert_int_equal(sim_json_push_int(arr, -7), SIM_OK);
    assert_int_equal(sim_json_push_str(arr, "x"), SIM_OK);
    assert_int_equal(sim_json_set_new(o, "arr", arr), SIM_OK);
    assert_int_equal(sim_json_set_bool(inner, "ok", false), SIM_OK);
    assert_int_equal(sim_json_set_new(o, "inner", inner), SIM_OK);

    char *got = dump_to_string(o);
    const char *want = "{\n"
                       "  \"z_real\": 0.10000000000000001,\n"
                       "  \"a_int\": 42,\n"
                       "  \"nan\": null,\n"
                       "  \"neg_inf\": null,\n"
                       "  \"one\": 1.0,\n"
                       "  \"big\": 1.0000000000000001e300,\n"
                       "  \"s\": \"h\xc3\xa9llo \\\"q\\\"\\n\",\n"
                       "  \"none\": null,\n"
                       "  \"arr\": [\n"
                       "    1.5,\n"
                       "    null,\n"
                       "    -7,\n"
                       "    \"x\"\n"
                       "  ],\n"
                       "  \"inner\": {\n"
                       "    \"ok\": false\n"
                       "  }\n"
                       "}\n";
    assert_string_equal(got, want);
    free(got);
    json_decref(o);
}

static void test_compact_and_integers(void **state)
{
    (void)state;
    json_t *o = json_object();
    assert_int_equal(sim_json_set_int(o, "max", INT64_MAX), SIM_OK);
    assert_int_equal(sim_json_set_int(o, "min", INT64_MIN), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "tiny", 5e-324), SIM_OK);
    char *s = sim_json_dumps(o);
    assert_non_null(s);
    assert_string_equal(s, "{\"max\":9223372036854775807,"
                           "\"min\":-9223372036854775808,"
                           "\"tiny\":4.9406564584124654e-324}");
    free(s);
    json_decref(o);
}

/* 17 digits read back as the very same double. */
static void test_round_trip(void **state)
{
    (void)state;
    const double vals[] = {0.1 + 0.2, 1.0 / 3.0, 6.02214076e23, -2.5e-310,
                           123456789.123456789};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        json_t *arr = json_array();
        assert_int_equal(sim_json_push_num(arr, vals[i]), SIM_OK);
        char *s = sim_json_dumps(arr);
        assert_non_null(s);
        double back = strtod(s + 1, NULL); /* skip '[' */
        assert_true(back == vals[i]);
        free(s);
        json_decref(arr);
    }
}

static void test_replace_keeps_position(void **state)
{
    (void)state;
    json_t *o = json_object();
    assert_int_equal(sim_json_set_int(o, "b", 1), SIM_OK);
    assert_int_equal(sim_json_set_int(o, "a", 2), SIM_OK);
    assert_int_equal(sim_json_set_num(o, "b", 0.5), SIM_OK);
    char *s = sim_json_dumps(o);
    assert_string_equal(s, "{\"b\":0.5,\"a\":2}");
    free(s);
    json_decref(o);
}

static void test_invalid_utf8_and_null_value(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_t *arr = json_array();
    /* Latin-1 é, a lone continuation byte, an overlong '/', a surrogate. */
    const char *bad[] = {"caf\xe9", "\x80", "\xc0\xaf", "\xed\xa0\x80",
                         "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sim_json_set_str(o, "k", bad[i]), SIM_ERR_INPUT);
        assert_int_equal(sim_json_push_str(arr, bad[i]), SIM_ERR_INPUT);
    }
    assert_int_equal(json_object_size(o), 0);
    assert_int_equal(json_array_size(arr), 0);
    /* A failed constructor passed straight in. */
    assert_int_equal(sim_json_set_new(o, "k", NULL), SIM_ERR_NOMEM);
    assert_int_equal(sim_json_push_new(arr, NULL), SIM_ERR_NOMEM);
    /* Four-byte UTF-8 (U+1F600) is fine. */
    assert_int_equal(sim_json_set_str(o, "emoji", "\xf0\x9f\x98\x80"), SIM_OK);
    assert_int_equal(json_object_size(o), 1);
    json_decref(arr);
    json_decref(o);
}

static void test_num_array(void **state)
{
    (void)state;
    const double v[] = {1.0, NAN, 0.25};
    json_t *arr = sim_json_num_array(v, 3);
    json_t *empty = sim_json_num_array(NULL, 0);
    char *s = sim_json_dumps(arr);
    char *e = sim_json_dumps(empty);
    assert_string_equal(s, "[1.0,null,0.25]");
    assert_string_equal(e, "[]");
    free(s);
    free(e);
    json_decref(arr);
    json_decref(empty);
}

/* A full device: the write fails and is reported, not lost. */
static void test_write_failure(void **state)
{
    (void)state;
    FILE *fp = fopen("/dev/full", "w");
    if (fp == NULL)
        skip();
    json_t *o = json_object();
    assert_int_equal(sim_json_set_int(o, "x", 1), SIM_OK);
    assert_int_equal(sim_json_dump(o, fp), SIM_ERR_IO);
    fclose(fp);
    json_decref(o);
}

/* A locale with a decimal comma must not change the bytes. */
static void test_locale_independent(void **state)
{
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                           "fr_FR.utf8"};
    const char *ok = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && ok == NULL; i++)
        ok = setlocale(LC_NUMERIC, names[i]);
    if (ok == NULL)
        skip(); /* no comma locale installed */
    json_t *arr = json_array();
    assert_int_equal(sim_json_push_num(arr, 0.5), SIM_OK);
    char *s = sim_json_dumps(arr);
    setlocale(LC_NUMERIC, "C");
    assert_string_equal(s, "[0.5]");
    free(s);
    json_decref(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_compact_and_integers),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_replace_keeps_position),
        cmocka_unit_test(test_invalid_utf8_and_null_value),
        cmocka_unit_test(test_num_array),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
