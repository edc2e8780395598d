/*
 * test_units.c — unit parsing, table-driven: good values with exact
 * results, bad values with the right error code, and printing back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sim/config/units.h"
#include "tests/unit/assert_close.h"

typedef sim_err_t (*parse_fn)(const char *, double *, sim_diag_t *);

typedef struct good {
    parse_fn fn;
    const char *text;
    double expected;
} good_t;

typedef struct bad {
    parse_fn fn;
    const char *text;
    sim_err_t code;
} bad_t;

#define BW cfg_parse_bandwidth
#define BY cfg_parse_bytes
#define TM cfg_parse_time_s
#define CT cfg_parse_count
#define RT cfg_parse_rate
#define PW cfg_parse_power
#define RA cfg_parse_ratio

static void test_good_values(void **state)
{
    (void)state;
    static const good_t cases[] = {
        {BW, "3.2Tbps", 4e11},      {BW, "400Gbps", 5e10},
        {BW, "100Mbps", 1.25e7},    {BW, "50GB/s", 5e10},
        {BW, "900GB/s", 9e11},      {BW, "1.6TB/s", 1.6e12},
        {BW, "125MBps", 1.25e8},    {BW, "8bps", 1},
        {BW, "1Kbps", 125},         {BW, "1kbps", 125},
        {BW, "2GiB/s", 2147483648.0}, {BW, "0GB/s", 0},
        {BW, "1e3Gbps", 1.25e11},   {BW, "25GBps", 2.5e10},
        {BY, "80GiB", 85899345920.0}, {BY, "1.5TB", 1.5e12},
        {BY, "512MiB", 536870912.0}, {BY, "4KiB", 4096},
        {BY, "1GB", 1e9},           {BY, "100B", 100},
        {BY, "2kB", 2000},          {BY, "1PiB", 1125899906842624.0},
        {TM, "1.5us", 1.5e-6},      {TM, "200ns", 2e-7},
        {TM, "3ms", 3e-3},          {TM, "2s", 2},
        {TM, "30min", 1800},        {TM, "1h", 3600},
        {TM, "30d", 2592000},       {TM, "2w", 1209600},
        {TM, "0s", 0},              {TM, "1500ns", 1.5e-6},
        {CT, "3T", 3e12},           {CT, "1.5M", 1.5e6},
        {CT, "4K", 4000},           {CT, "4k", 4000},
        {CT, "2B", 2e9},            {CT, "7G", 7e9},
        {CT, "12", 12},             {CT, "1P", 1e15},
        {RT, "4/s", 4},             {RT, "100/min", 100.0 / 60},
        {RT, "2.5/h", 2.5 / 3600},  {RT, "48/d", 48.0 / 86400},
        {PW, "700W", 700},          {PW, "10.2kW", 10200},
        {PW, "1.5MW", 1.5e6},
        {RA, "0.8", 0.8},           {RA, "80%", 0.8},
        {RA, "1.5", 1.5},           {RA, "100%", 1},
        {RA, "0", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t err = cases[i].fn(cases[i].text, &v, &d);
        if (err != SIM_OK)
            fprintf(stderr, "'%s': %s\n", cases[i].text, d.msg);
        assert_int_equal(err, SIM_OK);
        /* Exact: the parsers promise one correctly rounded operation. */
        if (v != cases[i].expected)
            fprintf(stderr, "'%s': got %.17g want %.17g\n", cases[i].text,
                    v, cases[i].expected);
        assert_true(v == cases[i].expected);
    }
}

static void test_bad_values(void **state)
{
    (void)state;
    static const bad_t cases[] = {
        {BW, "", SIM_ERR_UNIT},          {BW, "400", SIM_ERR_UNIT},
        {BW, "Gbps", SIM_ERR_UNIT},      {BW, "400gbps", SIM_ERR_UNIT},
        {BW, "400 Gbps", SIM_ERR_UNIT},  {BW, "400Gbpsx", SIM_ERR_UNIT},
        {BW, "-1Gbps", SIM_ERR_RANGE},   {BW, "nanGbps", SIM_ERR_UNIT},
        {BW, "infGbps", SIM_ERR_UNIT},   {BW, "1e400Gbps", SIM_ERR_RANGE},
        {BW, "1e300PB/s", SIM_ERR_RANGE}, {BW, "0x10Gbps", SIM_ERR_UNIT},
        {BW, ".5Gbps", SIM_ERR_UNIT},    {BW, "5.Gbps", SIM_ERR_UNIT},
        {BW, "+5Gbps", SIM_ERR_UNIT},    {BW, "1,000Gbps", SIM_ERR_UNIT},
        {BW, "80GiB", SIM_ERR_UNIT},
        {BY, "80", SIM_ERR_UNIT},        {BY, "80gib", SIM_ERR_UNIT},
        {BY, "80 GiB", SIM_ERR_UNIT},    {BY, "-1GB", SIM_ERR_RANGE},
        {BY, "1GB/s", SIM_ERR_UNIT},     {BY, "1e", SIM_ERR_UNIT},
        {TM, "5", SIM_ERR_UNIT},         {TM, "5m", SIM_ERR_UNIT},
        {TM, "1.5 us", SIM_ERR_UNIT},    {TM, "-3s", SIM_ERR_RANGE},
        {TM, "-0s", SIM_ERR_RANGE},      {TM, "s", SIM_ERR_UNIT},
        {TM, "1hh", SIM_ERR_UNIT},       {TM, "1e999s", SIM_ERR_RANGE},
        {CT, "3TB", SIM_ERR_UNIT},       {CT, "1.5m", SIM_ERR_UNIT},
        {CT, "-4K", SIM_ERR_RANGE},      {CT, "", SIM_ERR_UNIT},
        {CT, "K", SIM_ERR_UNIT},
        {RT, "4", SIM_ERR_UNIT},         {RT, "4/sec", SIM_ERR_UNIT},
        {RT, "4 /s", SIM_ERR_UNIT},      {RT, "-1/s", SIM_ERR_RANGE},
        {PW, "700", SIM_ERR_UNIT},       {PW, "700w", SIM_ERR_UNIT},
        {RA, "80 %", SIM_ERR_UNIT},      {RA, "-0.5", SIM_ERR_RANGE},
        {RA, "0.8x", SIM_ERR_UNIT},      {RA, "%", SIM_ERR_UNIT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = 12345;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t err = cases[i].fn(cases[i].text, &v, &d);
        if (err != cases[i].code)
            fprintf(stderr, "'%s': got %d want %d\n", cases[i].text, err,
                    cases[i].code);
        assert_int_equal(err, cases[i].code);
        assert_true(v == 12345); /* untouched on error */
        assert_true(strlen(d.msg) > 0);
        assert_int_equal(d.code, cases[i].code);
    }
}

static void test_messages_say_what_was_expected(void **state)
{
    (void)state;
    double v;
    sim_diag_t d = SIM_DIAG_INIT;
    cfg_parse_bandwidth("400", &v, &d);
    assert_non_null(strstr(d.msg, "no unit"));
    assert_non_null(strstr(d.msg, "400Gbps"));
    sim_diag_clear(&d);
    cfg_parse_time_s("5m", &v, &d);
    assert_non_null(strstr(d.msg, "unknown unit 'm'"));
    assert_non_null(strstr(d.msg, "min"));
}

static void test_time_ns(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t ns;
    } good[] = {
        {"1.5us", 1500},         {"200ns", 200},
        {"3ms", 3000000},        {"2s", 2000000000},
        {"30min", 1800000000000LL}, {"30d", 2592000000000000LL},
        {"0.1s", 100000000},     {"1.4ns", 1},
        {"1.6ns", 2},            {"292w", 176601600000000000LL},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t ns = -1;
        assert_int_equal(cfg_parse_time_ns(good[i].text, &ns, NULL), SIM_OK);
        assert_true(ns == good[i].ns);
    }
    int64_t ns = 7;
    assert_int_equal(cfg_parse_time_ns("300000d", &ns, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_time_ns("1e300s", &ns, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_time_ns("5", &ns, NULL), SIM_ERR_UNIT);
    assert_true(ns == 7);
}

static void test_plain_numbers(void **state)
{
    (void)state;
    double d = 0;
    assert_int_equal(cfg_parse_double("0.5", 0, 1, &d, NULL), SIM_OK);
    assert_true(d == 0.5);
    assert_int_equal(cfg_parse_double("-2.5e-3", -1, 1, &d, NULL), SIM_OK);
    assert_true(d == -2.5e-3);
    assert_int_equal(cfg_parse_double("1.5", 0, 1, &d, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_double("1e999", 0, HUGE_VAL, &d, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_double("nan", 0, 1, &d, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_double("0.5s", 0, 1, &d, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_double("", 0, 1, &d, NULL), SIM_ERR_UNIT);

    int64_t i = 0;
    assert_int_equal(cfg_parse_int("64", 1, 64, &i, NULL), SIM_OK);
    assert_true(i == 64);
    assert_int_equal(cfg_parse_int("-3", -5, 5, &i, NULL), SIM_OK);
    assert_true(i == -3);
    assert_int_equal(cfg_parse_int("65", 1, 64, &i, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_int("0", 1, 64, &i, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_int("9223372036854775808", INT64_MIN,
                                   INT64_MAX, &i, NULL), SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_int("9223372036854775807", INT64_MIN,
                                   INT64_MAX, &i, NULL), SIM_OK);
    assert_true(i == INT64_MAX);
    assert_int_equal(cfg_parse_int("8.0", 1, 64, &i, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_int("1e3", 1, 10000, &i, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_int("8x", 1, 64, &i, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_int("-", 1, 64, &i, NULL), SIM_ERR_UNIT);
    assert_int_equal(cfg_parse_int("", 1, 64, &i, NULL), SIM_ERR_UNIT);

    uint64_t u = 0;
    assert_int_equal(cfg_parse_uint64("18446744073709551615", &u, NULL),
                     SIM_OK);
    assert_true(u == UINT64_MAX);
    assert_int_equal(cfg_parse_uint64("18446744073709551616", &u, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(cfg_parse_uint64("-1", &u, NULL), SIM_ERR_UNIT);
}

static void test_bool_and_enum(void **state)
{
    (void)state;
    static const char *const yes[] = {"on", "true", "yes", "1"};
    static const char *const no[] = {"off", "false", "no", "0"};
    bool b;
    for (int i = 0; i < 4; i++) {
        b = false;
        assert_int_equal(cfg_parse_bool(yes[i], &b, NULL), SIM_OK);
        assert_true(b);
        assert_int_equal(cfg_parse_bool(no[i], &b, NULL), SIM_OK);
        assert_false(b);
    }
    assert_int_equal(cfg_parse_bool("ON", &b, NULL), SIM_ERR_INPUT);
    assert_int_equal(cfg_parse_bool("2", &b, NULL), SIM_ERR_INPUT);
    assert_int_equal(cfg_parse_bool("", &b, NULL), SIM_ERR_INPUT);

    static const char *const topo[] = {"hpn", "fat-tree", "spine-leaf", NULL};
    int e = -1;
    assert_int_equal(cfg_parse_enum("spine-leaf", topo, &e, NULL), SIM_OK);
    assert_int_equal(e, 2);
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(cfg_parse_enum("HPN", topo, &e, &d), SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "hpn | fat-tree | spine-leaf"));
}

static void test_format_round_trip(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(cfg_format_bandwidth(5e10, true, buf, sizeof buf),
                        "400Gbps");
    assert_string_equal(cfg_format_bandwidth(4e11, true, buf, sizeof buf),
                        "3.2Tbps");
    assert_string_equal(cfg_format_bandwidth(5e10, false, buf, sizeof buf),
                        "50GB/s");
    assert_string_equal(cfg_format_bandwidth(0, false, buf, sizeof buf),
                        "0B/s");
    assert_string_equal(cfg_format_bytes(85899345920.0, buf, sizeof buf),
                        "80GiB");
    assert_string_equal(cfg_format_bytes(1.5e12, buf, sizeof buf), "1.5TB");
    assert_string_equal(cfg_format_bytes(100, buf, sizeof buf), "100B");
    assert_string_equal(cfg_format_time(1.5e-6, buf, sizeof buf), "1.5us");
    assert_string_equal(cfg_format_time(1800, buf, sizeof buf), "30min");
    assert_string_equal(cfg_format_time(2592000, buf, sizeof buf), "30d");
    assert_string_equal(cfg_format_time(0, buf, sizeof buf), "0ns");
    assert_string_equal(cfg_format_count(3e12, buf, sizeof buf), "3T");
    assert_string_equal(cfg_format_count(12, buf, sizeof buf), "12");
    assert_string_equal(cfg_format_rate(4, buf, sizeof buf), "4/s");
    assert_string_equal(cfg_format_rate(100.0 / 60, buf, sizeof buf),
                        "100/min");
    assert_string_equal(cfg_format_power(10200, buf, sizeof buf), "10.2kW");

    /* Printing then parsing gives the value back (to 15 digits). */
    static const double bws[] = {1, 125, 4e11, 3.3e12, 123456789.0};
    for (size_t i = 0; i < sizeof bws / sizeof bws[0]; i++) {
        for (int bits = 0; bits < 2; bits++) {
            double back = -1;
            cfg_format_bandwidth(bws[i], bits, buf, sizeof buf);
            assert_int_equal(cfg_parse_bandwidth(buf, &back, NULL), SIM_OK);
            assert_close(back, bws[i], 1e-14);
        }
    }
    static const double times[] = {2e-7, 1.5e-6, 3e-3, 2, 1800, 1e6};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        double back = -1;
        cfg_format_time(times[i], buf, sizeof buf);
        assert_int_equal(cfg_parse_time_s(buf, &back, NULL), SIM_OK);
        assert_close(back, times[i], 1e-14);
    }
}

static void test_locale_independent(void **state)
{
    (void)state;
    /* A locale with a decimal comma, when installed, must not change
     * parsing or printing. */
    const char *loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
    if (loc == NULL)
        loc = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
    double v = 0;
    char buf[32];
    assert_int_equal(cfg_parse_bandwidth("3.2Tbps", &v, NULL), SIM_OK);
    assert_true(v == 4e11);
    assert_string_equal(cfg_format_number(1.5, buf, sizeof buf), "1.5");
    setlocale(LC_NUMERIC, "C");
}

static void test_scan_number(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(cfg_scan_number("12.5e3rest", &v), 6);
    assert_true(v == 12500);
    assert_int_equal(cfg_scan_number("2e", &v), 1);
    assert_int_equal(cfg_scan_number("x1", &v), 0);
    assert_int_equal(cfg_scan_number("", &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_messages_say_what_was_expected),
        cmocka_unit_test(test_time_ns),
        cmocka_unit_test(test_plain_numbers),
        cmocka_unit_test(test_bool_and_enum),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_scan_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
