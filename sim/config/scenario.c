/*
 * scenario.c — load, validate and resolve a scenario (see scenario.h).
 *
 * A scenario is one slot per declared key, sorted by "section.key" so that
 * look-ups are a binary search and the canonical rendering needs no extra
 * sort.  Loading fills every slot from its default first, then from the
 * file, then from the overrides; the first error stops the load.
 */
#include "sim/config/scenario.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/ini.h"
#include "sim/config/units.h"

/* Origin label of --set overrides in diagnostics and cfg_origin. */
#define ORIGIN_SET "--set"

typedef struct slot {
    const cfg_key_t *key;
    char *full;       /* "section.key", owned */
    char *text;       /* value as written, owned */
    cfg_value_t v;
    const char *file; /* sc->path, ORIGIN_SET or "" (default) */
    int line;
} slot_t;

struct cfg_scenario {
    slot_t *slots;
    size_t n;
    char *path;
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static char *join_key(const char *section, const char *name)
{
    size_t a = strlen(section), b = strlen(name);
    char *s = malloc(a + b + 2);
    if (s == NULL)
        return NULL;
    memcpy(s, section, a);
    s[a] = '.';
    memcpy(s + a + 1, name, b + 1);
    return s;
}

static int slot_cmp(const void *a, const void *b)
{
    return strcmp(((const slot_t *)a)->full, ((const slot_t *)b)->full);
}

static slot_t *find_slot(const cfg_scenario_t *sc, const char *full)
{
    size_t lo = 0, hi = sc->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(full, sc->slots[mid].full);
        if (c == 0)
            return &sc->slots[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* The slot of a key the caller promises is declared. */
static const slot_t *must_find(const cfg_scenario_t *sc, const char *key)
{
    assert(sc != NULL && key != NULL);
    const slot_t *s = find_slot(sc, key);
    assert(s != NULL && "key not declared by any table");
    return s;
}

/* Levenshtein distance, two rows; strings here are short (< 4 KiB). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (row == NULL)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* The declared key closest to full ("section.key"), or NULL when nothing
 * is close.  A key of the same name in another section wins outright. */
static const char *suggest_key(const cfg_scenario_t *sc, const char *full)
{
    const char *dot = strchr(full, '.');
    const char *name = dot ? dot + 1 : full;
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->slots[i].key->name, name) == 0)
            return sc->slots[i].full;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < sc->n; i++) {
        size_t d = edit_distance(full, sc->slots[i].full);
        if (d < best_d) {
            best_d = d;
            best = sc->slots[i].full;
        }
    }
    size_t limit = strlen(full) / 3;
    if (limit < 2)
        limit = 2;
    return best_d <= limit ? best : NULL;
}

static bool section_known(const cfg_scenario_t *sc, const char *section)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->slots[i].key->section, section) == 0)
            return true;
    return false;
}

static const char *suggest_section(const cfg_scenario_t *sc,
                                   const char *section)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < sc->n; i++) {
        size_t d = edit_distance(section, sc->slots[i].key->section);
        if (d < best_d) {
            best_d = d;
            best = sc->slots[i].key->section;
        }
    }
    return best_d <= 2 ? best : NULL;
}

/* Parse text into slot s; on error, diag gets the origin added. */
static sim_err_t set_slot(slot_t *s, const char *text, const char *file,
                          int line, sim_diag_t *diag)
{
    sim_diag_t local = SIM_DIAG_INIT;
    cfg_value_t v;
    sim_err_t err = cfg_value_parse(s->key, text, &v, &local);
    if (err != SIM_OK) {
        const char *what = file[0] ? "" : " (the key's default)";
        return sim_diag_set(diag, err, file, line, s->full, "%s%s",
                            local.msg, what);
    }
    char *copy = dup_str(text);
    if (copy == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, file, line, s->full,
                            "out of memory");
    free(s->text);
    s->text = copy;
    s->v = v;
    s->file = file;
    s->line = line;
    return SIM_OK;
}

static sim_err_t unknown_key(const cfg_scenario_t *sc, const char *full,
                             const char *file, int line, sim_diag_t *diag)
{
    const char *hint = suggest_key(sc, full);
    if (hint != NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, file, line, full,
                            "unknown key; did you mean %s?", hint);
    return sim_diag_set(diag, SIM_ERR_INPUT, file, line, full,
                        "unknown key; see 'gpusim --help-keys' for the "
                        "known keys");
}

static sim_err_t apply_file(cfg_scenario_t *sc, const cfg_ini_t *ini,
                            sim_diag_t *diag)
{
    for (size_t i = 0; i < cfg_ini_section_count(ini); i++) {
        int line;
        const char *sec = cfg_ini_section(ini, i, &line);
        if (section_known(sc, sec))
            continue;
        const char *hint = suggest_section(sc, sec);
        if (hint != NULL)
            return sim_diag_set(diag, SIM_ERR_INPUT, sc->path, line, sec,
                                "unknown section [%s]; did you mean [%s]?",
                                sec, hint);
        return sim_diag_set(diag, SIM_ERR_INPUT, sc->path, line, sec,
                            "unknown section [%s]; see 'gpusim --help-keys' "
                            "for the known sections", sec);
    }
    for (size_t i = 0; i < cfg_ini_count(ini); i++) {
        const cfg_ini_entry_t *e = cfg_ini_entry(ini, i);
        char *full = join_key(e->section, e->key);
        if (full == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, sc->path, e->line, NULL,
                                "out of memory");
        slot_t *s = find_slot(sc, full);
        sim_err_t err = s != NULL
                            ? set_slot(s, e->value, sc->path, e->line, diag)
                            : unknown_key(sc, full, sc->path, e->line, diag);
        free(full);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy [b, e) with blanks trimmed into a new string. */
static char *trimmed_copy(const char *b, const char *e)
{
    while (b < e && is_blank(*b))
        b++;
    while (e > b && is_blank(e[-1]))
        e--;
    char *s = malloc((size_t)(e - b) + 1);
    if (s != NULL) {
        memcpy(s, b, (size_t)(e - b));
        s[e - b] = '\0';
    }
    return s;
}

static sim_err_t apply_override(cfg_scenario_t *sc, const char *ov,
                                sim_diag_t *diag)
{
    const char *eq = strchr(ov, '=');
    if (eq == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, ORIGIN_SET, 0, NULL,
                            "'%.64s' has no '='; expected section.key=value",
                            ov);
    sim_err_t err;
    char *key = trimmed_copy(ov, eq);
    char *value = trimmed_copy(eq + 1, eq + strlen(eq));
    if (key == NULL || value == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, ORIGIN_SET, 0, NULL,
                           "out of memory");
        goto done;
    }
    if (strchr(key, '.') == NULL) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, ORIGIN_SET, 0, key,
                           "'%.64s' names no section; expected "
                           "section.key=value", key);
        goto done;
    }
    slot_t *s = find_slot(sc, key);
    err = s != NULL ? set_slot(s, value, ORIGIN_SET, 0, diag)
                    : unknown_key(sc, key, ORIGIN_SET, 0, diag);
done:
    free(key);
    free(value);
    return err;
}

/* Allocate the slots of every declared key, sorted, with defaults. */
static sim_err_t build_slots(cfg_scenario_t *sc,
                             const cfg_key_t *const *tables, sim_diag_t *diag)
{
    size_t n = 0;
    for (size_t t = 0; tables[t] != NULL; t++)
        for (size_t i = 0; tables[t][i].name != NULL; i++)
            n++;
    sc->slots = calloc(n ? n : 1, sizeof *sc->slots);
    if (sc->slots == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    for (size_t t = 0; tables[t] != NULL; t++)
        for (size_t i = 0; tables[t][i].name != NULL; i++) {
            const cfg_key_t *k = &tables[t][i];
            assert(k->section != NULL && k->def != NULL);
            slot_t *s = &sc->slots[sc->n];
            s->key = k;
            s->full = join_key(k->section, k->name);
            if (s->full == NULL)
                return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                                    "out of memory");
            sc->n++;
        }
    qsort(sc->slots, sc->n, sizeof *sc->slots, slot_cmp);
    for (size_t i = 0; i < sc->n; i++) {
        assert((i == 0 || strcmp(sc->slots[i - 1].full, sc->slots[i].full)) &&
               "key declared twice");
        sim_err_t err = set_slot(&sc->slots[i], sc->slots[i].key->def, "", 0,
                                 diag);
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

static sim_err_t load(const cfg_key_t *const *tables, const char *text,
                      size_t len, bool from_text, const char *path,
                      const char *const *overrides, cfg_scenario_t **out,
                      sim_diag_t *diag)
{
    sim_err_t err;
    cfg_ini_t *ini = NULL;
    cfg_scenario_t *sc = NULL;

    assert(tables != NULL && out != NULL);
    *out = NULL;
    sc = calloc(1, sizeof *sc);
    if (sc == NULL || (sc->path = dup_str(path ? path : "")) == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                           "out of memory");
        goto fail;
    }
    err = build_slots(sc, tables, diag);
    if (err != SIM_OK)
        goto fail;
    if (from_text)
        err = cfg_ini_parse(text, len, sc->path, &ini, diag);
    else if (path != NULL)
        err = cfg_ini_read_file(path, &ini, diag);
    if (err != SIM_OK)
        goto fail;
    if (ini != NULL && (err = apply_file(sc, ini, diag)) != SIM_OK)
        goto fail;
    for (size_t i = 0; overrides != NULL && overrides[i] != NULL; i++)
        if ((err = apply_override(sc, overrides[i], diag)) != SIM_OK)
            goto fail;
    cfg_ini_free(ini);
    *out = sc;
    return SIM_OK;

fail:
    cfg_ini_free(ini);
    cfg_scenario_free(sc);
    return err;
}

sim_err_t cfg_scenario_load(const cfg_key_t *const *tables, const char *path,
                            const char *const *overrides,
                            cfg_scenario_t **out, sim_diag_t *diag)
{
    return load(tables, NULL, 0, false, path, overrides, out, diag);
}

sim_err_t cfg_scenario_load_text(const cfg_key_t *const *tables,
                                 const char *text, size_t len,
                                 const char *path,
                                 const char *const *overrides,
                                 cfg_scenario_t **out, sim_diag_t *diag)
{
    return load(tables, text, len, true, path, overrides, out, diag);
}

void cfg_scenario_free(cfg_scenario_t *sc)
{
    if (sc == NULL)
        return;
    for (size_t i = 0; i < sc->n; i++) {
        free(sc->slots[i].full);
        free(sc->slots[i].text);
    }
    free(sc->slots);
    free(sc->path);
    free(sc);
}

/* ---- getters ------------------------------------------------------------ */

bool cfg_has_key(const cfg_scenario_t *sc, const char *key)
{
    return key != NULL && find_slot(sc, key) != NULL;
}

/* A slot whose value is a number (not auto). */
static const slot_t *numeric(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = must_find(sc, key);
    assert(s->key->type != CFG_STRING && s->key->type != CFG_ENUM &&
           s->key->type != CFG_BOOL && "not a numeric key");
    assert(!s->v.is_auto && "value is auto: check cfg_is_auto first");
    return s;
}

double cfg_get_double(const cfg_scenario_t *sc, const char *key)
{
    return numeric(sc, key)->v.d;
}

int64_t cfg_get_int(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = numeric(sc, key);
    assert(s->key->type == CFG_INT && "not an integer key");
    return s->v.i;
}

uint64_t cfg_get_uint64(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = numeric(sc, key);
    assert(s->key->type == CFG_UINT64 && "not an unsigned key");
    return s->v.u;
}

bool cfg_get_bool(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = must_find(sc, key);
    assert(s->key->type == CFG_BOOL && !s->v.is_auto && "not a bool key");
    return s->v.b;
}

int cfg_get_enum(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = must_find(sc, key);
    assert(s->key->type == CFG_ENUM && !s->v.is_auto && "not an enum key");
    return s->v.e;
}

const char *cfg_get_str(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = must_find(sc, key);
    if (s->v.is_auto)
        return "auto";
    if (s->key->type == CFG_ENUM)
        return s->key->enums[s->v.e];
    return s->text;
}

double cfg_get_time_s(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = numeric(sc, key);
    assert(s->key->type == CFG_TIME && "not a duration key");
    return s->v.d;
}

int64_t cfg_get_time_ns(const cfg_scenario_t *sc, const char *key)
{
    const slot_t *s = numeric(sc, key);
    assert(s->key->type == CFG_TIME && "not a duration key");
    int64_t ns = 0;
    /* Re-parse the text for exact nanoseconds; it parsed at load time. */
    sim_err_t err = cfg_parse_time_ns(s->text, &ns, NULL);
    assert(err == SIM_OK);
    (void)err;
    return ns;
}

bool cfg_is_auto(const cfg_scenario_t *sc, const char *key)
{
    return must_find(sc, key)->v.is_auto;
}

void cfg_origin(const cfg_scenario_t *sc, const char *key, const char **file,
                int *line)
{
    const slot_t *s = must_find(sc, key);
    if (file != NULL)
        *file = s->file;
    if (line != NULL)
        *line = s->line;
}

/* ---- canonical form ------------------------------------------------------ */

static json_t *value_json(const slot_t *s)
{
    const cfg_key_t *k = s->key;
    if (s->v.is_auto)
        return json_string("auto");
    switch (k->type) {
    case CFG_STRING:
        return json_string(s->text);
    case CFG_ENUM:
        return json_string(k->enums[s->v.e]);
    case CFG_BOOL:
        return json_boolean(s->v.b);
    case CFG_INT:
        return json_integer((json_int_t)s->v.i);
    case CFG_UINT64:
        if (s->v.u <= (uint64_t)INT64_MAX)
            return json_integer((json_int_t)s->v.u);
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRIu64, s->v.u);
        return json_string(buf);
    default:
        return json_real(s->v.d);
    }
}

json_t *cfg_scenario_json(const cfg_scenario_t *sc)
{
    json_t *root = json_object();
    if (root == NULL)
        return NULL;
    for (size_t i = 0; i < sc->n; i++) {
        const slot_t *s = &sc->slots[i];
        json_t *sec = json_object_get(root, s->key->section);
        if (sec == NULL) {
            sec = json_object();
            if (json_object_set_new(root, s->key->section, sec) != 0)
                goto fail;
        }
        if (json_object_set_new(sec, s->key->name, value_json(s)) != 0)
            goto fail;
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}

char *cfg_scenario_canonical(const cfg_scenario_t *sc)
{
    json_t *root = cfg_scenario_json(sc);
    if (root == NULL)
        return NULL;
    char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS |
                                      JSON_REAL_PRECISION(17));
    json_decref(root);
    return text;
}

uint64_t cfg_fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull; /* FNV-1a 64 offset basis */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull; /* FNV-1a 64 prime */
    return h;
}

uint64_t cfg_scenario_hash(const cfg_scenario_t *sc)
{
    char *text = cfg_scenario_canonical(sc);
    if (text == NULL)
        return 0;
    uint64_t h = cfg_fnv1a64(text, strlen(text));
    free(text);
    return h;
}
