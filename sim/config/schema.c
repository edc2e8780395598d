/*
 * schema.c — parsing one value against its key, and the key reference.
 *
 * Everything that knows what a type means lives here, so the scenario
 * loader, the reference and the fuzz harness agree by construction.
 */
#include "sim/config/schema.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sim/config/ini.h"
#include "sim/config/units.h"

static const char *const type_names[CFG_TYPE__COUNT] = {
    [CFG_STRING] = "string",   [CFG_INT] = "integer",
    [CFG_UINT64] = "unsigned integer", [CFG_DOUBLE] = "number",
    [CFG_BOOL] = "bool",       [CFG_ENUM] = "enum",
    [CFG_BANDWIDTH] = "bandwidth", [CFG_BYTES] = "size",
    [CFG_TIME] = "duration",   [CFG_COUNT] = "count",
    [CFG_RATE] = "rate",       [CFG_POWER] = "power",
    [CFG_RATIO] = "ratio",
};

const char *cfg_type_name(cfg_type_t t)
{
    if ((int)t < 0 || t >= CFG_TYPE__COUNT)
        return "?";
    return type_names[t];
}

/* Valid UTF-8 without control characters (JSON and terminals need it). */
static bool is_clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t extra;
        unsigned min;
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            min = 0x80;
            c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            min = 0x800;
            c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return false;
        }
        for (size_t i = 1; i <= extra; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3fu);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        p += extra + 1;
    }
    return true;
}

static bool has_range(const cfg_key_t *k)
{
    return !(k->min == 0 && k->max == 0);
}

/* Print v as a value of k's type (for ranges and messages). */
static char *format_as(const cfg_key_t *k, double v, char *buf, size_t n)
{
    switch (k->type) {
    case CFG_BANDWIDTH: {
        /* Network keys are written in bits, memory ones in bytes: follow
         * the default's spelling. */
        bool bits = strstr(k->def, "bps") != NULL;
        return cfg_format_bandwidth(v, bits, buf, n);
    }
    case CFG_BYTES:
        return cfg_format_bytes(v, buf, n);
    case CFG_TIME:
        return cfg_format_time(v, buf, n);
    case CFG_COUNT:
        return cfg_format_count(v, buf, n);
    case CFG_RATE:
        return cfg_format_rate(v, buf, n);
    case CFG_POWER:
        return cfg_format_power(v, buf, n);
    default:
        return cfg_format_number(v, buf, n);
    }
}

/* "1 .. 64", ">= 1", "<= 0.5" or "" for k's range. */
static char *range_text(const cfg_key_t *k, char *buf, size_t n)
{
    char a[48], b[48];
    buf[0] = '\0';
    if (!has_range(k) || k->type == CFG_STRING || k->type == CFG_BOOL ||
        k->type == CFG_ENUM)
        return buf;
    bool lo = isfinite(k->min), hi = isfinite(k->max);
    if (lo && hi)
        snprintf(buf, n, "%s .. %s", format_as(k, k->min, a, sizeof a),
                 format_as(k, k->max, b, sizeof b));
    else if (lo)
        snprintf(buf, n, ">= %s", format_as(k, k->min, a, sizeof a));
    else if (hi)
        snprintf(buf, n, "<= %s", format_as(k, k->max, b, sizeof b));
    return buf;
}

static sim_err_t check_range(const cfg_key_t *k, const char *text, double v,
                             sim_diag_t *diag)
{
    if (!has_range(k) || (v >= k->min && v <= k->max))
        return SIM_OK;
    char r[128];
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                        "'%.64s' is out of range; expected a %s in %s", text,
                        cfg_type_name(k->type), range_text(k, r, sizeof r));
}

sim_err_t cfg_value_parse(const cfg_key_t *k, const char *text,
                          cfg_value_t *out, sim_diag_t *diag)
{
    cfg_value_t v;
    sim_err_t err = SIM_OK;
    memset(&v, 0, sizeof v);
    if (text == NULL)
        text = "";
    if ((k->flags & CFG_F_AUTO) && strcmp(text, "auto") == 0) {
        v.is_auto = true;
        *out = v;
        return SIM_OK;
    }
    switch (k->type) {
    case CFG_STRING:
        if (*text == '\0')
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                               "empty value; expected a name");
        else if (!is_clean_utf8(text))
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                               "value is not clean UTF-8 text; expected a "
                               "name without control characters");
        break;
    case CFG_INT: {
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        if (has_range(k)) {
            lo = isfinite(k->min) ? (int64_t)k->min : INT64_MIN;
            hi = isfinite(k->max) ? (int64_t)k->max : INT64_MAX;
        }
        err = cfg_parse_int(text, lo, hi, &v.i, diag);
        v.d = (double)v.i;
        break;
    }
    case CFG_UINT64:
        err = cfg_parse_uint64(text, &v.u, diag);
        v.d = (double)v.u;
        if (err == SIM_OK)
            err = check_range(k, text, v.d, diag);
        break;
    case CFG_DOUBLE: {
        double lo = -HUGE_VAL, hi = HUGE_VAL;
        if (has_range(k)) {
            lo = k->min;
            hi = k->max;
        }
        err = cfg_parse_double(text, lo, hi, &v.d, diag);
        break;
    }
    case CFG_BOOL:
        err = cfg_parse_bool(text, &v.b, diag);
        v.d = v.b;
        break;
    case CFG_ENUM:
        err = cfg_parse_enum(text, k->enums, &v.e, diag);
        v.d = v.e;
        break;
    case CFG_BANDWIDTH:
    case CFG_BYTES:
    case CFG_TIME:
    case CFG_COUNT:
    case CFG_RATE:
    case CFG_POWER:
    case CFG_RATIO: {
        static sim_err_t (*const parsers[CFG_TYPE__COUNT])(
            const char *, double *, sim_diag_t *) = {
            [CFG_BANDWIDTH] = cfg_parse_bandwidth,
            [CFG_BYTES] = cfg_parse_bytes,
            [CFG_TIME] = cfg_parse_time_s,
            [CFG_COUNT] = cfg_parse_count,
            [CFG_RATE] = cfg_parse_rate,
            [CFG_POWER] = cfg_parse_power,
            [CFG_RATIO] = cfg_parse_ratio,
        };
        err = parsers[k->type](text, &v.d, diag);
        if (err == SIM_OK)
            err = check_range(k, text, v.d, diag);
        break;
    }
    default:
        err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                           "key has unknown type %d", (int)k->type);
        break;
    }
    if (err == SIM_OK) {
        if (v.d == 0)
            v.d = 0; /* -0 and 0 must render (and hash) alike */
        *out = v;
    }
    return err;
}

/* ---- reference ---------------------------------------------------------- */

/* fputs with '|' escaped for Markdown table cells. */
static int put_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' && fputc('\\', out) == EOF)
            return EOF;
        if (fputc(*s, out) == EOF)
            return EOF;
    }
    return 0;
}

static void type_text(const cfg_key_t *k, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (k->type == CFG_ENUM && k->enums != NULL) {
        for (int i = 0; k->enums[i] != NULL && used + 1 < n; i++) {
            int w = snprintf(buf + used, n - used, "%s%s", i ? " | " : "",
                             k->enums[i]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
    } else {
        int w = snprintf(buf, n, "%s", cfg_type_name(k->type));
        used = w > 0 ? (size_t)w : 0;
    }
    if ((k->flags & CFG_F_AUTO) && used < n)
        snprintf(buf + used, n - used, " or auto");
}

/* Has a key of this section appeared in tables before (t, i)? */
static bool section_seen_before(const cfg_key_t *const *tables, size_t t,
                                size_t i)
{
    const char *sec = tables[t][i].section;
    for (size_t a = 0; a <= t; a++)
        for (size_t b = 0; tables[a][b].name != NULL; b++) {
            if (a == t && b == i)
                return false;
            if (strcmp(tables[a][b].section, sec) == 0)
                return true;
        }
    return false;
}

static int write_section(const cfg_key_t *const *tables, const char *sec,
                         FILE *out, cfg_ref_format_t format)
{
    char type[256], range[128];
    int rc = 0;
    if (format == CFG_REF_MARKDOWN)
        rc |= fprintf(out, "### [%s]\n\n| key | type | default | range | "
                           "description |\n|---|---|---|---|---|\n", sec) < 0;
    else
        rc |= fprintf(out, "[%s]\n", sec) < 0;
    for (size_t a = 0; tables[a] != NULL; a++)
        for (size_t b = 0; tables[a][b].name != NULL; b++) {
            const cfg_key_t *k = &tables[a][b];
            if (strcmp(k->section, sec) != 0)
                continue;
            type_text(k, type, sizeof type);
            range_text(k, range, sizeof range);
            if (format == CFG_REF_MARKDOWN) {
                rc |= fprintf(out, "| `%s.%s` | ", k->section, k->name) < 0;
                rc |= put_cell(out, type) != 0;
                rc |= fprintf(out, " | `%s` | ", k->def) < 0;
                rc |= put_cell(out, range) != 0;
                rc |= fputs(" | ", out) == EOF;
                rc |= put_cell(out, k->doc ? k->doc : "") != 0;
                rc |= fputs(" |\n", out) == EOF;
            } else {
                rc |= fprintf(out, "# %s (%s%s%s)\n%s = %s\n",
                              k->doc ? k->doc : "", type,
                              range[0] ? ", " : "", range, k->name,
                              k->def) < 0;
            }
        }
    rc |= fputc('\n', out) == EOF;
    return rc;
}

sim_err_t cfg_keys_reference(const cfg_key_t *const *tables, FILE *out,
                             cfg_ref_format_t format)
{
    int rc = 0;
    for (size_t t = 0; tables[t] != NULL; t++)
        for (size_t i = 0; tables[t][i].name != NULL; i++)
            if (!section_seen_before(tables, t, i))
                rc |= write_section(tables, tables[t][i].section, out,
                                    format);
    if (rc != 0 || fflush(out) != 0 || ferror(out))
        return SIM_ERR_IO;
    return SIM_OK;
}

sim_err_t cfg_ini_value(const struct cfg_ini *ini, const char *section, int section_line,
                        const cfg_key_t *k, bool required, cfg_value_t *out,
                        const struct cfg_ini_entry **entry, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    char key[160];
    snprintf(key, sizeof key, "%s.%s", section, k->name);
    const cfg_ini_entry_t *e = cfg_ini_find(ini, section, k->name);
    *entry = e;
    if (e == NULL)
        return required ? sim_diag_set(diag, SIM_ERR_INPUT, path, section_line, key,
                                       "missing key '%s' in [%s]", k->name, section)
                        : SIM_OK;
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err = cfg_value_parse(k, e->value, out, &local);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, path, e->line, key, "%s", local.msg);
    return SIM_OK;
}
