/*
 * units.c — strict unit parsing and printing (see units.h).
 *
 * Each unit kind is a table of (suffix, factor, divide).  Sub-unit factors
 * divide instead of multiplying by an inexact reciprocal, so "1500ns" and
 * "1.5us" give the same double (both are one correctly rounded operation
 * on an exact operand).  Numbers go through strtod() on a private copy of
 * exactly the span our grammar accepts, in the C locale, so strtod's wider
 * grammar (hex, "inf", "1.") can never leak in.
 */
#include "sim/config/units.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit {
    const char *suffix;
    double factor;
    bool divide; /* value = number / factor instead of number * factor */
} unit_t;

typedef struct kind {
    const char *what;    /* "a bandwidth" */
    const char *example; /* "400Gbps or 50GB/s" */
    bool unit_optional;  /* a bare number is accepted (factor 1) */
    const unit_t *units; /* terminated by a NULL suffix */
} kind_t;

static const unit_t bandwidth_units[] = {
    {"bps", 8, true},           {"Kbps", 125, false},
    {"kbps", 125, false},       {"Mbps", 125e3, false},
    {"Gbps", 125e6, false},     {"Tbps", 125e9, false},
    {"Pbps", 125e12, false},    {"B/s", 1, false},
    {"KB/s", 1e3, false},       {"kB/s", 1e3, false},
    {"MB/s", 1e6, false},       {"GB/s", 1e9, false},
    {"TB/s", 1e12, false},      {"PB/s", 1e15, false},
    {"Bps", 1, false},          {"KBps", 1e3, false},
    {"kBps", 1e3, false},       {"MBps", 1e6, false},
    {"GBps", 1e9, false},       {"TBps", 1e12, false},
    {"PBps", 1e15, false},      {"KiB/s", 1024.0, false},
    {"MiB/s", 1048576.0, false}, {"GiB/s", 1073741824.0, false},
    {"TiB/s", 1099511627776.0, false}, {NULL, 0, false},
};

static const unit_t bytes_units[] = {
    {"B", 1, false},     {"KB", 1e3, false},  {"kB", 1e3, false},
    {"MB", 1e6, false},  {"GB", 1e9, false},  {"TB", 1e12, false},
    {"PB", 1e15, false}, {"KiB", 1024.0, false},
    {"MiB", 1048576.0, false}, {"GiB", 1073741824.0, false},
    {"TiB", 1099511627776.0, false}, {"PiB", 1125899906842624.0, false},
    {NULL, 0, false},
};

static const unit_t time_units[] = {
    {"ns", 1e9, true}, {"us", 1e6, true},   {"ms", 1e3, true},
    {"s", 1, false},   {"min", 60, false},  {"h", 3600, false},
    {"d", 86400, false}, {"w", 604800, false}, {NULL, 0, false},
};

/* Nanoseconds per unit, index-aligned with time_units. */
static const double time_ns[] = {1, 1e3, 1e6, 1e9, 60e9, 3600e9, 86400e9,
                                 604800e9};

static const unit_t count_units[] = {
    {"K", 1e3, false}, {"k", 1e3, false},  {"M", 1e6, false},
    {"B", 1e9, false}, {"G", 1e9, false},  {"T", 1e12, false},
    {"P", 1e15, false}, {NULL, 0, false},
};

static const unit_t rate_units[] = {
    {"/s", 1, false},    {"/min", 60, true},
    {"/h", 3600, true},  {"/d", 86400, true}, {NULL, 0, false},
};

static const unit_t power_units[] = {
    {"W", 1, false}, {"kW", 1e3, false}, {"MW", 1e6, false}, {NULL, 0, false},
};

static const unit_t ratio_units[] = {
    {"%", 100, true}, {NULL, 0, false},
};

static const kind_t k_bandwidth = {"a bandwidth",
                                   "400Gbps, 3.2Tbps or 50GB/s", false,
                                   bandwidth_units};
static const kind_t k_bytes = {"a size", "80GiB, 1.5TB or 512MiB", false,
                               bytes_units};
static const kind_t k_time = {"a duration", "1.5us, 200ns, 30min or 2d",
                              false, time_units};
static const kind_t k_count = {"a count", "12, 4K, 1.5M, 7B or 3T", true,
                               count_units};
static const kind_t k_rate = {"a rate", "4/s, 100/min or 2.5/h", false,
                              rate_units};
static const kind_t k_power = {"a power", "700W or 10.2kW", false,
                               power_units};
static const kind_t k_ratio = {"a ratio", "0.8 or 80%", true, ratio_units};

/* The C locale, created once; (locale_t)0 if that failed, in which case
 * the process locale is used (which is "C" unless someone set it). */
static locale_t c_locale(void)
{
    static locale_t loc;
    static bool tried;
    if (!tried) {
        tried = true;
        loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    }
    return loc;
}

/* Length of the number at s under our grammar, or 0. */
static size_t number_span(const char *s)
{
    size_t i = 0;
    if (s[i] == '-')
        i++;
    size_t d0 = i;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d0)
        return 0;
    if (s[i] == '.') {
        size_t f0 = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f0)
            return 0; /* "1." is not a number here */
    }
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        size_t e0 = j;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        if (j > e0)
            i = j; /* otherwise the 'e' belongs to whatever follows */
    }
    return i;
}

size_t cfg_scan_number(const char *s, double *out)
{
    char small[128];
    size_t n = s ? number_span(s) : 0;
    if (n == 0)
        return 0;
    char *copy = n < sizeof small ? small : malloc(n + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, s, n);
    copy[n] = '\0';
    locale_t loc = c_locale();
    locale_t old = loc ? uselocale(loc) : (locale_t)0;
    errno = 0;
    char *end = NULL;
    double v = strtod(copy, &end);
    if (loc)
        uselocale(old);
    size_t used = (size_t)(end - copy);
    if (copy != small)
        free(copy);
    if (used != n)
        return 0; /* believed impossible: strtod accepts all we accept */
    *out = v;
    return n;
}

static void list_units(const unit_t *u, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (; u->suffix != NULL && used + 1 < n; u++) {
        int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
                         u->suffix);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Parse number + unit of kind k; *unit_index gets the unit's index or -1
 * for a bare number. */
static sim_err_t parse_kind(const char *s, const kind_t *k, double *out,
                            int *unit_index, sim_diag_t *diag)
{
    double num;
    if (s == NULL || *s == '\0')
        return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                            "empty value; expected %s such as %s", k->what,
                            k->example);
    size_t n = cfg_scan_number(s, &num);
    if (n == 0)
        return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                            "'%.64s' does not start with a number; expected "
                            "%s such as %s", s, k->what, k->example);
    if (!isfinite(num))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is too large; expected %s such as %s",
                            s, k->what, k->example);
    if (num < 0 || (num == 0 && s[0] == '-'))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is negative; expected %s such as %s", s,
                            k->what, k->example);
    const char *suffix = s + n;
    int idx = -1;
    double v = num;
    if (*suffix == '\0') {
        if (!k->unit_optional)
            return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                                "'%.64s' has no unit; expected %s such as %s",
                                s, k->what, k->example);
    } else {
        for (int i = 0; k->units[i].suffix != NULL; i++) {
            if (strcmp(suffix, k->units[i].suffix) == 0) {
                idx = i;
                break;
            }
        }
        if (idx < 0) {
            char units[256];
            list_units(k->units, units, sizeof units);
            return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                                "unknown unit '%.32s' in '%.64s'; expected "
                                "%s such as %s (units: %s)", suffix, s,
                                k->what, k->example, units);
        }
        const unit_t *u = &k->units[idx];
        v = u->divide ? num / u->factor : num * u->factor;
    }
    if (!isfinite(v))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is too large; expected %s such as %s",
                            s, k->what, k->example);
    *out = v;
    if (unit_index != NULL)
        *unit_index = idx;
    return SIM_OK;
}

sim_err_t cfg_parse_bandwidth(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_bandwidth, out, NULL, diag);
}

sim_err_t cfg_parse_bytes(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_bytes, out, NULL, diag);
}

sim_err_t cfg_parse_time_s(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_time, out, NULL, diag);
}

sim_err_t cfg_parse_time_ns(const char *s, int64_t *out, sim_diag_t *diag)
{
    double sec;
    int idx;
    sim_err_t err = parse_kind(s, &k_time, &sec, &idx, diag);
    if (err != SIM_OK)
        return err;
    double num;
    cfg_scan_number(s, &num); /* cannot fail: parse_kind just did it */
    double ns = num * time_ns[idx];
    /* 9223372036854775807 rounds to 2^63 as a double; anything at or past
     * it does not fit. */
    if (!(ns < 9223372036854775808.0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is longer than about 292 years, the "
                            "largest duration in int64 nanoseconds", s);
    *out = (int64_t)llround(ns);
    return SIM_OK;
}

sim_err_t cfg_parse_count(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_count, out, NULL, diag);
}

sim_err_t cfg_parse_rate(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_rate, out, NULL, diag);
}

sim_err_t cfg_parse_power(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_power, out, NULL, diag);
}

sim_err_t cfg_parse_ratio(const char *s, double *out, sim_diag_t *diag)
{
    return parse_kind(s, &k_ratio, out, NULL, diag);
}

sim_err_t cfg_parse_double(const char *s, double min, double max, double *out,
                           sim_diag_t *diag)
{
    double v;
    size_t n = (s != NULL && *s != '\0') ? cfg_scan_number(s, &v) : 0;
    if (n == 0 || s[n] != '\0')
        return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                            "'%.64s' is not a plain number; expected a number "
                            "such as 0.5 or 1e-3", s ? s : "");
    if (!isfinite(v) || v < min || v > max) {
        char a[32], b[32];
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is out of range; expected a number in "
                            "[%s, %s]", s, cfg_format_number(min, a, sizeof a),
                            cfg_format_number(max, b, sizeof b));
    }
    *out = v;
    return SIM_OK;
}

/* Digits only (after an optional '-' when allow_minus), at least one. */
static bool is_integer_text(const char *s, bool allow_minus)
{
    if (s == NULL)
        return false;
    if (allow_minus && *s == '-')
        s++;
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

sim_err_t cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out,
                        sim_diag_t *diag)
{
    if (!is_integer_text(s, true))
        return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                            "'%.64s' is not an integer; expected whole "
                            "digits such as 8", s ? s : "");
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is out of range; expected an integer in "
                            "[%" PRId64 ", %" PRId64 "]", s, min, max);
    *out = (int64_t)v;
    return SIM_OK;
}

sim_err_t cfg_parse_uint64(const char *s, uint64_t *out, sim_diag_t *diag)
{
    if (!is_integer_text(s, false))
        return sim_diag_set(diag, SIM_ERR_UNIT, NULL, 0, NULL,
                            "'%.64s' is not an unsigned integer; expected "
                            "whole digits such as 42", s ? s : "");
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "'%.64s' is out of range; expected an integer in "
                            "[0, %" PRIu64 "]", s, UINT64_MAX);
    *out = (uint64_t)v;
    return SIM_OK;
}

sim_err_t cfg_parse_bool(const char *s, bool *out, sim_diag_t *diag)
{
    static const char *const yes[] = {"on", "true", "yes", "1"};
    static const char *const no[] = {"off", "false", "no", "0"};
    for (size_t i = 0; s != NULL && i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return SIM_OK;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return SIM_OK;
        }
    }
    return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                        "'%.64s' is not a boolean; expected on/off, "
                        "true/false, yes/no or 1/0", s ? s : "");
}

sim_err_t cfg_parse_enum(const char *s, const char *const *values, int *out,
                         sim_diag_t *diag)
{
    char list[384];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; values[i] != NULL; i++) {
        if (s != NULL && strcmp(s, values[i]) == 0) {
            *out = i;
            return SIM_OK;
        }
        if (used + 1 < sizeof list) {
            int w = snprintf(list + used, sizeof list - used, "%s%s",
                             i ? " | " : "", values[i]);
            if (w > 0)
                used += (size_t)w;
        }
    }
    return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                        "'%.64s' is not a valid choice; expected one of %s",
                        s ? s : "", list);
}

/* ---- printing ---------------------------------------------------------- */

char *cfg_format_number(double v, char *buf, size_t n)
{
    locale_t loc = c_locale();
    locale_t old = loc ? uselocale(loc) : (locale_t)0;
    snprintf(buf, n, "%.15g", v);
    if (loc)
        uselocale(old);
    return buf;
}

typedef struct scale {
    const char *suffix;
    double factor; /* base units per display unit, or its inverse */
    bool inverse;  /* display = value * factor (sub-unit scales) */
} scale_t;

static double to_display(double v, const scale_t *sc)
{
    return sc->inverse ? v * sc->factor : v / sc->factor;
}

/* Print v in the largest unit of scales (ascending) it reaches. */
static char *format_scaled(double v, const scale_t *scales, size_t count,
                           char *buf, size_t n)
{
    size_t pick = 0;
    for (size_t i = 0; i < count; i++)
        if (fabs(to_display(v, &scales[i])) >= 1)
            pick = i;
    char num[40];
    cfg_format_number(to_display(v, &scales[pick]), num, sizeof num);
    snprintf(buf, n, "%s%s", num, scales[pick].suffix);
    return buf;
}

char *cfg_format_bandwidth(double bytes_per_s, bool bits, char *buf, size_t n)
{
    static const scale_t bit_scales[] = {
        {"bps", 1, false},     {"Kbps", 1e3, false},  {"Mbps", 1e6, false},
        {"Gbps", 1e9, false},  {"Tbps", 1e12, false}, {"Pbps", 1e15, false}};
    static const scale_t byte_scales[] = {
        {"B/s", 1, false},     {"KB/s", 1e3, false},  {"MB/s", 1e6, false},
        {"GB/s", 1e9, false},  {"TB/s", 1e12, false}, {"PB/s", 1e15, false}};
    if (bits)
        return format_scaled(bytes_per_s * 8, bit_scales, 6, buf, n);
    return format_scaled(bytes_per_s, byte_scales, 6, buf, n);
}

char *cfg_format_bytes(double bytes, char *buf, size_t n)
{
    static const scale_t bin[] = {
        {"B", 1, false},
        {"KiB", 1024.0, false},
        {"MiB", 1048576.0, false},
        {"GiB", 1073741824.0, false},
        {"TiB", 1099511627776.0, false},
        {"PiB", 1125899906842624.0, false}};
    static const scale_t dec[] = {
        {"B", 1, false},   {"KB", 1e3, false},  {"MB", 1e6, false},
        {"GB", 1e9, false}, {"TB", 1e12, false}, {"PB", 1e15, false}};
    /* Binary when the value is a whole number of the largest binary unit
     * it reaches (80GiB), decimal otherwise (1.5TB). */
    for (size_t i = 5; i >= 1; i--)
        if (fabs(bytes) >= bin[i].factor)
            return fmod(bytes, bin[i].factor) == 0
                       ? format_scaled(bytes, bin, 6, buf, n)
                       : format_scaled(bytes, dec, 6, buf, n);
    return format_scaled(bytes, dec, 6, buf, n);
}

char *cfg_format_time(double seconds, char *buf, size_t n)
{
    static const scale_t scales[] = {
        {"ns", 1e9, true}, {"us", 1e6, true}, {"ms", 1e3, true},
        {"s", 1, false},   {"min", 60, false}, {"h", 3600, false},
        {"d", 86400, false}};
    return format_scaled(seconds, scales, 7, buf, n);
}

char *cfg_format_count(double count, char *buf, size_t n)
{
    static const scale_t scales[] = {
        {"", 1, false},   {"K", 1e3, false},  {"M", 1e6, false},
        {"B", 1e9, false}, {"T", 1e12, false}, {"P", 1e15, false}};
    return format_scaled(count, scales, 6, buf, n);
}

char *cfg_format_rate(double per_s, char *buf, size_t n)
{
    static const struct {
        const char *suffix;
        double per;
    } units[] = {{"/s", 1}, {"/min", 60}, {"/h", 3600}, {"/d", 86400}};
    char num[40];
    /* The first unit in which the rate is a whole number (100/min)... */
    for (size_t i = 0; i < 4; i++) {
        cfg_format_number(per_s * units[i].per, num, sizeof num);
        if (strpbrk(num, ".e") == NULL) {
            snprintf(buf, n, "%s%s", num, units[i].suffix);
            return buf;
        }
    }
    /* ...else the first in which it reaches 1 (0.5/min, not 0.00833/s). */
    size_t pick = 3;
    for (size_t i = 0; i < 4; i++)
        if (fabs(per_s) * units[i].per >= 1) {
            pick = i;
            break;
        }
    cfg_format_number(per_s * units[pick].per, num, sizeof num);
    snprintf(buf, n, "%s%s", num, units[pick].suffix);
    return buf;
}

char *cfg_format_power(double watts, char *buf, size_t n)
{
    static const scale_t scales[] = {
        {"W", 1, false}, {"kW", 1e3, false}, {"MW", 1e6, false}};
    return format_scaled(watts, scales, 3, buf, n);
}
