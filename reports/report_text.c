/*
 * report_text.c — escaping for HTML, Markdown and CSV, units from metric
 * names, number formatting and the flattening of scenario JSON (see
 * report_int.h).  Every string from the store passes through one of the
 * escapers before it reaches a file.
 */
#include "reports/report_int.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void rep_html_esc(rep_buf_t *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    size_t n;

    while (*p != '\0') {
        n = rep_buf_utf8_len(p);
        if (n == 0) {
            rep_buf_puts(b, REPLACEMENT);
            p++;
            continue;
        }
        switch (*p) {
        case '&': rep_buf_puts(b, "&amp;"); break;
        case '<': rep_buf_puts(b, "&lt;"); break;
        case '>': rep_buf_puts(b, "&gt;"); break;
        case '"': rep_buf_puts(b, "&quot;"); break;
        case '\'': rep_buf_puts(b, "&#39;"); break;
        case '\t':
        case '\n': rep_buf_putc(b, (char)*p); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                rep_buf_puts(b, REPLACEMENT);
            else
                rep_buf_putn(b, (const char *)p, n);
        }
        p += n;
    }
}

void rep_md_esc(rep_buf_t *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    const unsigned char *start = p;
    size_t n;

    while (*p != '\0') {
        n = rep_buf_utf8_len(p);
        if (n == 0) {
            rep_buf_puts(b, REPLACEMENT);
            p++;
            continue;
        }
        if (*p == '<')
            rep_buf_puts(b, "&lt;");
        else if (*p == '>')
            rep_buf_puts(b, "&gt;");
        else if (*p == '&')
            rep_buf_puts(b, "&amp;");
        else if (*p < 0x20 || *p == 0x7F)
            rep_buf_putc(b, ' ');
        else if (n == 1 && (strchr("\\`*_{}[]#!|~", (char)*p) != NULL ||
                            (p == start && strchr("+-=", (char)*p) != NULL))) {
            rep_buf_putc(b, '\\');
            rep_buf_putc(b, (char)*p);
        } else
            rep_buf_putn(b, (const char *)p, n);
        p += n;
    }
}

void rep_csv_field(rep_buf_t *b, const char *s)
{
    const char *p;

    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        rep_buf_puts(b, s);
        return;
    }
    rep_buf_putc(b, '"');
    for (p = s; *p != '\0'; p++) {
        if (*p == '"')
            rep_buf_putc(b, '"');
        rep_buf_putc(b, *p);
    }
    rep_buf_putc(b, '"');
}

/* Longest suffix first, so "_per_s" wins over "_s" and "_GBps" over
 * "_Bps". */
static const struct {
    const char *suffix;
    const char *unit;
} units[] = {
    {"_tokens_per_s", "tokens/s"},
    {"_per_s", "/s"},
    {"_GBps", "GB/s"},
    {"_Gbps", "Gb/s"},
    {"_TBps", "TB/s"},
    {"_MBps", "MB/s"},
    {"_Bps", "B/s"},
    {"_TiB", "TiB"},
    {"_GiB", "GiB"},
    {"_MiB", "MiB"},
    {"_GB", "GB"},
    {"_usd", "USD"},
    {"_days", "days"},
    {"_hours", "h"},
    {"_min", "min"},
    {"_ms", "ms"},
    {"_us", "\xc2\xb5s"},
    {"_ns", "ns"},
    {"_kW", "kW"},
    {"_MW", "MW"},
    {"_W", "W"},
    {"_pct", "%"},
    {"_tflops", "TFLOP/s"},
    {"_s", "s"},
    {"_h", "h"},
};

const char *rep_unit_for(const char *metric)
{
    size_t i, ln = strlen(metric), ls;

    static const struct {
        const char *name;
        const char *unit;
    } whole[] = {
        {"tokens_per_s", "tokens/s"},
        {"tflops_per_gpu", "TFLOP/s per GPU"},
        {"mfu", "fraction"},
        {"goodput", "fraction"},
        {"slo_attainment", "fraction"},
    };

    for (i = 0; i < sizeof whole / sizeof whole[0]; i++)
        if (strcmp(metric, whole[i].name) == 0)
            return whole[i].unit;
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        ls = strlen(units[i].suffix);
        if (ln > ls && strcmp(metric + ln - ls, units[i].suffix) == 0)
            return units[i].unit;
    }
    return "";
}

void rep_fmt_value(rep_buf_t *b, double v)
{
    if (isnan(v))
        rep_buf_puts(b, "n/a");
    else
        rep_buf_printf(b, "%.6g", v);
}

/* ---- JSON flattening ------------------------------------------------------ */

typedef struct flat {
    char **k, **v;
    size_t n, cap;
    bool failed;
} flat_t;

static void flat_add(flat_t *f, const char *key, char *value /* taken */)
{
    char *kc = NULL;

    if (f->failed || value == NULL)
        goto fail;
    if (f->n == f->cap) {
        size_t ncap = f->cap == 0 ? 32 : 2 * f->cap;
        char **nk = realloc(f->k, ncap * sizeof *nk);
        if (nk == NULL)
            goto fail;
        f->k = nk;
        char **nv = realloc(f->v, ncap * sizeof *nv);
        if (nv == NULL)
            goto fail;
        f->v = nv;
        f->cap = ncap;
    }
    kc = strdup(key);
    if (kc == NULL)
        goto fail;
    f->k[f->n] = kc;
    f->v[f->n] = value;
    f->n++;
    return;
fail:
    f->failed = true;
    free(value);
}

static void flatten(flat_t *f, const json_t *j, rep_buf_t *path)
{
    size_t mark = path->len, i;
    const char *key;
    json_t *child;

    if (json_is_object(j) && json_object_size(j) > 0) {
        json_object_foreach((json_t *)j, key, child) {
            if (mark > 0)
                rep_buf_putc(path, '.');
            rep_buf_puts(path, key);
            flatten(f, child, path);
            path->len = mark;
            if (path->data != NULL)
                path->data[mark] = '\0';
        }
    } else if (json_is_array(j) && json_array_size(j) > 0) {
        json_array_foreach(j, i, child) {
            rep_buf_printf(path, "[%zu]", i);
            flatten(f, child, path);
            path->len = mark;
            if (path->data != NULL)
                path->data[mark] = '\0';
        }
    } else if (json_is_string(j)) {
        flat_add(f, rep_buf_str(path), strdup(json_string_value(j)));
    } else {
        flat_add(f, rep_buf_str(path),
                 json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)));
    }
    if (path->failed)
        f->failed = true;
}

sim_err_t rep_json_flatten(const char *json, char ***keys, char ***values,
                           size_t *n, sim_diag_t *diag)
{
    flat_t f = {NULL, NULL, 0, 0, false};
    json_error_t jerr;
    json_t *root;
    rep_buf_t path;

    *keys = NULL;
    *values = NULL;
    *n = 0;
    root = json_loads(json, JSON_DECODE_ANY, &jerr);
    if (root == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, "scenario_json", jerr.line,
                            NULL, "the run's scenario is not JSON: %s",
                            jerr.text);
    rep_buf_init(&path);
    flatten(&f, root, &path);
    rep_buf_destroy(&path);
    json_decref(root);
    if (f.failed) {
        sim_store_strv_free(f.k, f.n);
        sim_store_strv_free(f.v, f.n);
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory flattening the scenario");
    }
    *keys = f.k;
    *values = f.v;
    *n = f.n;
    return SIM_OK;
}
