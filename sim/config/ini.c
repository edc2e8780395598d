/*
 * ini.c — strict INI parser (see ini.h for the grammar).
 *
 * The text is copied once into a buffer that is cut into NUL-terminated
 * strings in place; entries and sections point into it.  Duplicate keys and
 * sections are found through one open-addressing hash table, so a hostile
 * file of many keys costs linear time, not quadratic.
 *
 * Invariant: every entry's section pointer is the name pointer of one of
 * ini->sections, so section identity is pointer identity.
 */
#include "sim/config/ini.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct section {
    const char *name;
    int line;
} section_t;

struct cfg_ini {
    char *path;
    char *buf;
    cfg_ini_entry_t *entries;
    size_t n_entries, cap_entries;
    section_t *sections;
    size_t n_sections, cap_sections;
    /* Hash slots hold (index << 1 | is_section) + 1; 0 means empty. */
    size_t *slots;
    size_t mask; /* slot count - 1; slot count is a power of two */
    size_t used;
};

static uint64_t hash_pair(const char *a, const char *b)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a 64 offset basis */
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull; /* separator no name contains */
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

/* The (a, b) pair a slot value stands for: (section, key) for an entry,
 * (name, "") for a section. */
static void slot_pair(const cfg_ini_t *ini, size_t v, const char **a,
                      const char **b)
{
    size_t idx = (v - 1) >> 1;
    if ((v - 1) & 1) {
        *a = ini->sections[idx].name;
        *b = "";
    } else {
        *a = ini->entries[idx].section;
        *b = ini->entries[idx].key;
    }
}

/* Slot index holding (a, b), or of the empty slot where it would go. */
static size_t slot_find(const cfg_ini_t *ini, const char *a, const char *b)
{
    size_t i = (size_t)hash_pair(a, b) & ini->mask;
    for (;;) {
        size_t v = ini->slots[i];
        if (v == 0)
            return i;
        const char *sa, *sb;
        slot_pair(ini, v, &sa, &sb);
        if (strcmp(sa, a) == 0 && strcmp(sb, b) == 0)
            return i;
        i = (i + 1) & ini->mask;
    }
}

static sim_err_t slots_grow(cfg_ini_t *ini)
{
    size_t n = (ini->mask + 1) * 2;
    size_t *old = ini->slots;
    size_t old_n = ini->mask + 1;
    ini->slots = calloc(n, sizeof *ini->slots);
    if (ini->slots == NULL) {
        ini->slots = old;
        return SIM_ERR_NOMEM;
    }
    ini->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        if (old[i] == 0)
            continue;
        const char *a, *b;
        slot_pair(ini, old[i], &a, &b);
        ini->slots[slot_find(ini, a, b)] = old[i];
    }
    free(old);
    return SIM_OK;
}

/* Insert slot value v for (a, b), known to be absent. */
static sim_err_t slot_insert(cfg_ini_t *ini, const char *a, const char *b,
                             size_t v)
{
    if ((ini->used + 1) * 2 > ini->mask + 1 && slots_grow(ini) != SIM_OK)
        return SIM_ERR_NOMEM;
    ini->slots[slot_find(ini, a, b)] = v;
    ini->used++;
    return SIM_OK;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int is_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!is_name_char(*s))
            return 0;
    return 1;
}

/* Trim blanks at both ends of the NUL-terminated s, in place. */
static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Cut a trailing comment: '#' or ';' at the start or after a blank. */
static void cut_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if ((*p == '#' || *p == ';') && (p == s || is_blank(p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

static sim_err_t add_section(cfg_ini_t *ini, const char *name, int line,
                             const char *path, sim_diag_t *diag)
{
    size_t at = slot_find(ini, name, "");
    if (ini->slots[at] != 0) {
        size_t idx = (ini->slots[at] - 1) >> 1;
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, name,
                            "section [%s] repeated (first opened at line %d); "
                            "expected each section once",
                            name, ini->sections[idx].line);
    }
    if (ini->n_sections == ini->cap_sections) {
        size_t cap = ini->cap_sections ? ini->cap_sections * 2 : 8;
        section_t *s = realloc(ini->sections, cap * sizeof *s);
        if (s == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, path, line, NULL,
                                "out of memory");
        ini->sections = s;
        ini->cap_sections = cap;
    }
    ini->sections[ini->n_sections].name = name;
    ini->sections[ini->n_sections].line = line;
    if (slot_insert(ini, name, "", (ini->n_sections << 1 | 1u) + 1) != SIM_OK)
        return sim_diag_set(diag, SIM_ERR_NOMEM, path, line, NULL,
                            "out of memory");
    ini->n_sections++;
    return SIM_OK;
}

static sim_err_t add_entry(cfg_ini_t *ini, const char *section,
                           const char *key, const char *value, int line,
                           const char *path, sim_diag_t *diag)
{
    size_t at = slot_find(ini, section, key);
    if (ini->slots[at] != 0) {
        size_t idx = (ini->slots[at] - 1) >> 1;
        char full[256];
        snprintf(full, sizeof full, "%s.%s", section, key);
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, full,
                            "duplicate key '%s' in [%s] (first at line %d); "
                            "expected each key once per section",
                            key, section, ini->entries[idx].line);
    }
    if (ini->n_entries == ini->cap_entries) {
        size_t cap = ini->cap_entries ? ini->cap_entries * 2 : 16;
        cfg_ini_entry_t *e = realloc(ini->entries, cap * sizeof *e);
        if (e == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, path, line, NULL,
                                "out of memory");
        ini->entries = e;
        ini->cap_entries = cap;
    }
    cfg_ini_entry_t *e = &ini->entries[ini->n_entries];
    e->section = section;
    e->key = key;
    e->value = value;
    e->line = line;
    if (slot_insert(ini, section, key, (ini->n_entries << 1) + 1) != SIM_OK)
        return sim_diag_set(diag, SIM_ERR_NOMEM, path, line, NULL,
                            "out of memory");
    ini->n_entries++;
    return SIM_OK;
}

/* Parse one NUL-terminated line (terminator already removed). */
static sim_err_t parse_line(cfg_ini_t *ini, char *s, int line,
                            const char **section, sim_diag_t *diag)
{
    const char *path = ini->path;
    s = trim(s);
    if (*s == '\0' || *s == '#' || *s == ';')
        return SIM_OK;
    cut_comment(s);
    s = trim(s);
    if (*s == '[') {
        size_t n = strlen(s);
        if (n < 2 || s[n - 1] != ']')
            return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                                "bad section header '%.64s': expected "
                                "[name] closed by ']'", s);
        s[n - 1] = '\0';
        char *name = trim(s + 1);
        if (!is_name(name))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                                "bad section name '%.64s': expected letters, "
                                "digits, '_', '-' or '.'", name);
        sim_err_t err = add_section(ini, name, line, path, diag);
        if (err == SIM_OK)
            *section = name;
        return err;
    }
    char *eq = strchr(s, '=');
    if (eq == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                            "line '%.64s' has no '=': expected 'key = value', "
                            "'[section]' or a comment", s);
    *eq = '\0';
    char *key = trim(s);
    char *value = trim(eq + 1);
    if (!is_name(key))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                            "bad key '%.64s': expected letters, digits, '_', "
                            "'-' or '.' before '='", key);
    if (*section == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, key,
                            "key '%s' appears before any [section]; expected "
                            "a section header first", key);
    return add_entry(ini, *section, key, value, line, path, diag);
}

sim_err_t cfg_ini_parse(const char *text, size_t len, const char *path,
                        cfg_ini_t **out, sim_diag_t *diag)
{
    sim_err_t err = SIM_ERR_NOMEM;
    cfg_ini_t *ini = NULL;

    if (out == NULL || (text == NULL && len > 0))
        return sim_diag_set(diag, SIM_ERR_USAGE, path, 0, NULL,
                            "cfg_ini_parse: NULL argument");
    *out = NULL;
    if (path == NULL)
        path = "";
    ini = calloc(1, sizeof *ini);
    if (ini == NULL)
        goto nomem;
    ini->path = malloc(strlen(path) + 1);
    ini->buf = malloc(len + 1);
    ini->slots = calloc(16, sizeof *ini->slots);
    if (ini->path == NULL || ini->buf == NULL || ini->slots == NULL)
        goto nomem;
    ini->mask = 15;
    memcpy(ini->path, path, strlen(path) + 1);
    if (len > 0)
        memcpy(ini->buf, text, len);
    ini->buf[len] = '\0';

    char *p = ini->buf;
    char *end = ini->buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* UTF-8 byte-order mark */
    const char *section = NULL;
    for (int line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *stop = nl ? nl : end;
        size_t n = (size_t)(stop - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n > CFG_INI_MAX_LINE) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, ini->path, line, NULL,
                               "line longer than %d bytes", CFG_INI_MAX_LINE);
            goto fail;
        }
        if (memchr(p, '\0', n) != NULL) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, ini->path, line, NULL,
                               "embedded NUL byte; expected text");
            goto fail;
        }
        p[n] = '\0';
        err = parse_line(ini, p, line, &section, diag);
        if (err != SIM_OK)
            goto fail;
        p = stop + 1;
        if (line == INT32_MAX) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, ini->path, line, NULL,
                               "too many lines");
            goto fail;
        }
    }
    *out = ini;
    return SIM_OK;

nomem:
    err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL, "out of memory");
fail:
    cfg_ini_free(ini);
    return err;
}

sim_err_t cfg_ini_read_file(const char *path, cfg_ini_t **out,
                            sim_diag_t *diag)
{
    sim_err_t err;
    char *data = NULL;
    size_t len = 0, cap = 0;
    FILE *f = NULL;

    if (out == NULL || path == NULL)
        return sim_diag_set(diag, SIM_ERR_USAGE, path, 0, NULL,
                            "cfg_ini_read_file: NULL argument");
    *out = NULL;
    f = fopen(path, "rb");
    if (f == NULL) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot open: %s", strerror(errno));
        goto fail;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= CFG_INI_MAX_FILE) {
                err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                                   "file larger than %u bytes",
                                   (unsigned)CFG_INI_MAX_FILE);
                goto fail;
            }
            cap = cap ? cap * 2 : 8192;
            char *d = realloc(data, cap);
            if (d == NULL) {
                err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                                   "out of memory");
                goto fail;
            }
            data = d;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot read: %s", strerror(errno));
        goto fail;
    }
    err = cfg_ini_parse(data, len, path, out, diag);
fail:
    if (f != NULL)
        fclose(f);
    free(data);
    return err;
}

void cfg_ini_free(cfg_ini_t *ini)
{
    if (ini == NULL)
        return;
    free(ini->path);
    free(ini->buf);
    free(ini->entries);
    free(ini->sections);
    free(ini->slots);
    free(ini);
}

const char *cfg_ini_path(const cfg_ini_t *ini)
{
    return ini->path;
}

size_t cfg_ini_count(const cfg_ini_t *ini)
{
    return ini->n_entries;
}

const cfg_ini_entry_t *cfg_ini_entry(const cfg_ini_t *ini, size_t i)
{
    return i < ini->n_entries ? &ini->entries[i] : NULL;
}

size_t cfg_ini_section_count(const cfg_ini_t *ini)
{
    return ini->n_sections;
}

const char *cfg_ini_section(const cfg_ini_t *ini, size_t i, int *line)
{
    if (i >= ini->n_sections)
        return NULL;
    if (line != NULL)
        *line = ini->sections[i].line;
    return ini->sections[i].name;
}

const cfg_ini_entry_t *cfg_ini_find(const cfg_ini_t *ini, const char *section,
                                    const char *key)
{
    if (section == NULL || key == NULL || *key == '\0')
        return NULL;
    size_t v = ini->slots[slot_find(ini, section, key)];
    return v != 0 ? &ini->entries[(v - 1) >> 1] : NULL;
}
