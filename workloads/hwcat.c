/*
 * hwcat.c — load and query the hardware catalog (see hwcat.h).
 *
 * The catalog is parsed with the scenario INI parser and each value checked
 * with the scenario key machinery (cfg_value_parse), so gpus.ini obeys the
 * same unit rules as a scenario file.  A table of fields maps keys to
 * wl_gpu_t members; anything else in a section is an error, so a typo in
 * the catalog cannot silently fall back to zero.
 */
#include "workloads/hwcat.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config/ini.h"
#include "sim/config/schema.h"
#include "workloads/embedded.h"

struct wl_hwcat {
    cfg_ini_t *ini; /* owns every string a wl_gpu_t points to */
    wl_gpu_t *gpus;
    size_t n;
};

typedef enum member { M_STR, M_DOUBLE, M_INT, M_BOOL } member_t;

typedef struct field {
    cfg_key_t key;    /* type and range; section/def unused */
    bool required;
    bool sourced;     /* a number: needs a source_<name> line */
    member_t member;
    size_t offset;    /* into wl_gpu_t */
    double scale;     /* M_DOUBLE: base units per catalog unit */
} field_t;

#define KEY(name, type, lo, hi) {"gpu", name, type, "", lo, hi, NULL, 0, NULL}

/* TFLOP/s to FLOP/s. */
#define TERA 1e12

static const field_t fields[] = {
    {KEY("vendor", CFG_STRING, 0, 0), true, false, M_STR,
     offsetof(wl_gpu_t, vendor), 1},
    {KEY("aliases", CFG_STRING, 0, 0), false, false, M_STR,
     offsetof(wl_gpu_t, aliases), 1},
    {KEY("approximate", CFG_BOOL, 0, 0), false, false, M_BOOL,
     offsetof(wl_gpu_t, approximate), 1},
    {KEY("bf16_tflops", CFG_DOUBLE, 0, 1e5), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, bf16_flops), TERA},
    {KEY("fp8_tflops", CFG_DOUBLE, 0, 1e5), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, fp8_flops), TERA},
    {KEY("tf32_tflops", CFG_DOUBLE, 0, 1e5), false, true, M_DOUBLE,
     offsetof(wl_gpu_t, tf32_flops), TERA},
    {KEY("fp32_tflops", CFG_DOUBLE, 0, 1e5), false, true, M_DOUBLE,
     offsetof(wl_gpu_t, fp32_flops), TERA},
    {KEY("memory", CFG_BYTES, 1e6, 1e15), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, memory_bytes), 1},
    {KEY("mem_bandwidth", CFG_BANDWIDTH, 1e6, 1e15), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, mem_bw), 1},
    {KEY("nvlink_bandwidth", CFG_BANDWIDTH, 0, 1e15), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, nvlink_bw), 1},
    {KEY("nvlink_domain", CFG_INT, 1, 1024), true, true, M_INT,
     offsetof(wl_gpu_t, nvlink_domain), 1},
    {KEY("nvls", CFG_BOOL, 0, 0), true, true, M_BOOL,
     offsetof(wl_gpu_t, nvls), 1},
    {KEY("tdp", CFG_POWER, 1, 1e5), true, true, M_DOUBLE,
     offsetof(wl_gpu_t, tdp_w), 1},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])
#define SOURCE_PREFIX "source_"

static const field_t *field_named(const char *key)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].key.name, key) == 0)
            return &fields[i];
    return NULL;
}

static void store(wl_gpu_t *g, const field_t *f, const char *text,
                  const cfg_value_t *v)
{
    char *base = (char *)g + f->offset;
    switch (f->member) {
    case M_STR:
        *(const char **)(void *)base = text;
        break;
    case M_DOUBLE:
        *(double *)(void *)base = v->d * f->scale;
        break;
    case M_INT:
        *(int *)(void *)base = (int)v->i;
        break;
    case M_BOOL:
        *(bool *)(void *)base = v->b;
        break;
    }
}

/* Fill g from section name of ini. */
static sim_err_t load_gpu(const cfg_ini_t *ini, const char *name, int line,
                          wl_gpu_t *g, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    char key[160];
    memset(g, 0, sizeof *g);
    g->name = name;
    g->aliases = "";
    g->line = line;
    for (size_t i = 0; i < N_FIELDS; i++) {
        const field_t *f = &fields[i];
        snprintf(key, sizeof key, "%s.%s", name, f->key.name);
        const cfg_ini_entry_t *e = NULL;
        cfg_value_t v;
        sim_err_t err = cfg_ini_value(ini, name, line, &f->key, f->required, &v, &e, diag);
        if (err != SIM_OK)
            return err;
        if (e == NULL)
            continue;
        store(g, f, e->value, &v);
        if (f->sourced) {
            char src[64];
            snprintf(src, sizeof src, SOURCE_PREFIX "%s", f->key.name);
            const cfg_ini_entry_t *s = cfg_ini_find(ini, name, src);
            if (s == NULL || s->value[0] == '\0')
                return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                    "no %s line; every number in the "
                                    "catalog needs its source", src);
        }
    }
    return SIM_OK;
}

/* Every key of the file must be a field or the source of a present one. */
static sim_err_t check_keys(const cfg_ini_t *ini, sim_diag_t *diag)
{
    for (size_t i = 0; i < cfg_ini_count(ini); i++) {
        const cfg_ini_entry_t *e = cfg_ini_entry(ini, i);
        const char *k = e->key;
        size_t plen = strlen(SOURCE_PREFIX);
        bool is_source = strncmp(k, SOURCE_PREFIX, plen) == 0;
        const field_t *f = field_named(is_source ? k + plen : k);
        if (f != NULL && !is_source)
            continue;
        if (f != NULL && f->sourced &&
            cfg_ini_find(ini, e->section, f->key.name) != NULL)
            continue;
        char key[160];
        snprintf(key, sizeof key, "%s.%s", e->section, k);
        return sim_diag_set(diag, SIM_ERR_INPUT, cfg_ini_path(ini), e->line,
                            key,
                            f != NULL ? "source line for a number that is "
                                        "not given"
                                      : "unknown catalog key; see the top "
                                        "of gpus.ini for the known keys");
    }
    return SIM_OK;
}

/* Does token [b, e) of an alias list equal name, ignoring case? */
static bool token_is(const char *b, const char *e, const char *name)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    size_t n = (size_t)(e - b);
    return n > 0 && strlen(name) == n && strncasecmp(b, name, n) == 0;
}

static bool gpu_has_name(const wl_gpu_t *g, const char *name)
{
    if (strcasecmp(g->name, name) == 0)
        return true;
    for (const char *p = g->aliases; *p;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        if (token_is(p, end, name))
            return true;
        p = comma ? comma + 1 : end;
    }
    return false;
}

/* Is any name of g (its own or an alias) already taken by gpus[0..n)? */
static sim_err_t check_unique(const wl_hwcat_t *cat, const wl_gpu_t *g,
                              const char *path, sim_diag_t *diag)
{
    char tok[128];
    const char *p = g->aliases;
    const char *name = g->name;
    for (;;) {
        for (size_t i = 0; i < cat->n; i++)
            if (gpu_has_name(&cat->gpus[i], name))
                return sim_diag_set(diag, SIM_ERR_INPUT, path, g->line,
                                    g->name,
                                    "name '%s' already used by [%s] (line "
                                    "%d); names and aliases must be unique "
                                    "ignoring case", name,
                                    cat->gpus[i].name, cat->gpus[i].line);
        if (*p == '\0')
            return SIM_OK;
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        size_t n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 0 || n >= sizeof tok)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, g->line, g->name,
                                "bad alias list '%s'; expected names "
                                "separated by commas", g->aliases);
        memcpy(tok, p, n);
        tok[n] = '\0';
        name = tok;
        p = comma ? comma + 1 : end;
    }
}

sim_err_t wl_hwcat_parse(const char *text, size_t len, const char *path,
                         wl_hwcat_t **out, sim_diag_t *diag)
{
    sim_err_t err;
    wl_hwcat_t *cat = NULL;

    *out = NULL;
    cat = calloc(1, sizeof *cat);
    if (cat == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                           "out of memory");
        goto fail;
    }
    err = cfg_ini_parse(text, len, path, &cat->ini, diag);
    if (err != SIM_OK)
        goto fail;
    err = check_keys(cat->ini, diag);
    if (err != SIM_OK)
        goto fail;
    size_t n = cfg_ini_section_count(cat->ini);
    cat->gpus = calloc(n ? n : 1, sizeof *cat->gpus);
    if (cat->gpus == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                           "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        int line;
        const char *name = cfg_ini_section(cat->ini, i, &line);
        wl_gpu_t g;
        err = load_gpu(cat->ini, name, line, &g, diag);
        if (err == SIM_OK)
            err = check_unique(cat, &g, cfg_ini_path(cat->ini), diag);
        if (err != SIM_OK)
            goto fail;
        cat->gpus[cat->n++] = g;
    }
    *out = cat;
    return SIM_OK;

fail:
    wl_hwcat_free(cat);
    return err;
}

sim_err_t wl_hwcat_load(wl_hwcat_t **out, sim_diag_t *diag)
{
    const wl_embedded_file_t *f = wl_embedded_find(WL_HWCAT_PATH);
    if (f == NULL) {
        *out = NULL;
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, WL_HWCAT_PATH, 0, NULL,
                            "the GPU catalog is not embedded in this build");
    }
    return wl_hwcat_parse(f->data, f->size, WL_HWCAT_PATH, out, diag);
}

void wl_hwcat_free(wl_hwcat_t *cat)
{
    if (cat == NULL)
        return;
    cfg_ini_free(cat->ini);
    free(cat->gpus);
    free(cat);
}

size_t wl_hwcat_count(const wl_hwcat_t *cat)
{
    return cat->n;
}

const wl_gpu_t *wl_hwcat_get(const wl_hwcat_t *cat, size_t i)
{
    return i < cat->n ? &cat->gpus[i] : NULL;
}

const wl_gpu_t *wl_hwcat_find(const wl_hwcat_t *cat, const char *name)
{
    if (name == NULL || *name == '\0')
        return NULL;
    for (size_t i = 0; i < cat->n; i++)
        if (gpu_has_name(&cat->gpus[i], name))
            return &cat->gpus[i];
    return NULL;
}

sim_err_t wl_hwcat_lookup(const wl_hwcat_t *cat, const char *name,
                          const wl_gpu_t **out, sim_diag_t *diag)
{
    *out = wl_hwcat_find(cat, name);
    if (*out != NULL)
        return SIM_OK;
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < cat->n && used + 1 < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         i ? ", " : "", cat->gpus[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "unknown GPU '%.64s'; expected one of %s",
                        name ? name : "", list);
}
