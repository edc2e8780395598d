/*
 * ini.h — a strict INI parser over a text buffer.
 *
 * Grammar (one construct per line; lines end with "\n", a trailing "\r" is
 * dropped, a leading UTF-8 byte-order mark is skipped):
 *   [section]          section header; name of [A-Za-z0-9_.-]+
 *   key = value        key of [A-Za-z0-9_.-]+; value is everything after the
 *                      first '=', trimmed; it may be empty
 *   # comment, ; comment   whole-line comments
 *   key = v  # note    a '#' or ';' preceded by a blank starts a trailing
 *                      comment (so "a#b" keeps its '#')
 * Blank lines are ignored; spaces and tabs around names and values are
 * trimmed.  There are no quotes, escapes or continuation lines.
 *
 * Errors (SIM_ERR_INPUT, with file:line and, where there is one, the key):
 * a line without '=', a key before any section, a bad or repeated section
 * header, a duplicate key within a section, a line longer than
 * CFG_INI_MAX_LINE bytes, an embedded NUL byte.
 *
 * A parsed file keeps every entry in file order with its line number; it owns
 * one copy of the text, and entry strings point into that copy.
 *
 * Assumes: files are small enough to hold in memory (scenarios, catalogs).
 */
#ifndef SIM_CONFIG_INI_H
#define SIM_CONFIG_INI_H

#include <stddef.h>

#include "sim/core/error.h"

/* Longest accepted line in bytes, excluding the line terminator. */
#define CFG_INI_MAX_LINE 4096

/* Largest file cfg_ini_read_file accepts (bytes). */
#define CFG_INI_MAX_FILE (64u * 1024u * 1024u)

typedef struct cfg_ini cfg_ini_t;

/* One "key = value" line.  Strings are owned by the cfg_ini_t. */
typedef struct cfg_ini_entry {
    const char *section; /* name of the enclosing section, never NULL */
    const char *key;
    const char *value;   /* trimmed; "" when nothing follows '=' */
    int line;            /* 1-based line number */
} cfg_ini_entry_t;

/*
 * Parse len bytes of text.  path only labels diagnostics (NULL or "" for
 * none) and is copied.  On success *out is a new cfg_ini_t (free with
 * cfg_ini_free) and SIM_OK is returned; on failure *out is NULL, diag (may
 * be NULL) says where, and the code is SIM_ERR_INPUT or SIM_ERR_NOMEM.
 * Cost: O(len) time and memory.
 */
sim_err_t cfg_ini_parse(const char *text, size_t len, const char *path,
                        cfg_ini_t **out, sim_diag_t *diag);

/*
 * Read the file at path and parse it as cfg_ini_parse does.  Returns
 * SIM_ERR_IO (diag names the file and the system's reason) when the file
 * cannot be read or is larger than CFG_INI_MAX_FILE.
 */
sim_err_t cfg_ini_read_file(const char *path, cfg_ini_t **out,
                            sim_diag_t *diag);

/* Free a parsed file; NULL is a no-op. */
void cfg_ini_free(cfg_ini_t *ini);

/* The path given at parse time ("" when none). */
const char *cfg_ini_path(const cfg_ini_t *ini);

/* Number of entries, and entry i (0 <= i < count) in file order. */
size_t cfg_ini_count(const cfg_ini_t *ini);
const cfg_ini_entry_t *cfg_ini_entry(const cfg_ini_t *ini, size_t i);

/* Number of sections (including sections without entries), and the name
 * and header line of section i in file order.  line may be NULL. */
size_t cfg_ini_section_count(const cfg_ini_t *ini);
const char *cfg_ini_section(const cfg_ini_t *ini, size_t i, int *line);

/* The entry for section/key (exact, case-sensitive match), or NULL.
 * Cost: O(1) expected (hash table). */
const cfg_ini_entry_t *cfg_ini_find(const cfg_ini_t *ini, const char *section,
                                    const char *key);

#endif /* SIM_CONFIG_INI_H */
