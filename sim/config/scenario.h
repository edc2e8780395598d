/*
 * scenario.h — a resolved scenario: every declared key with its value.
 *
 * cfg_scenario_load reads an INI file (or none), applies --set overrides,
 * validates every entry against the composed key tables and fills in the
 * documented default of every key not given.  The result answers typed
 * look-ups by "section.key", renders itself as canonical JSON for the
 * results store and hashes that rendering.
 *
 * Errors name their origin: "file:line: section.key: what was expected",
 * with "--set" as the file of an override.  An unknown key comes with the
 * closest known key as a suggestion ("did you mean cluster.gpus?").
 *
 * Getting a key no table declares is a programmer error (assert), as is
 * using a getter of the wrong type or reading a value that is "auto"
 * without checking cfg_is_auto first.
 *
 * Assumes: the tables outlive the scenario; keys are unique across tables
 * (a duplicate declaration is a programmer error).
 */
#ifndef SIM_CONFIG_SCENARIO_H
#define SIM_CONFIG_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/config/schema.h"
#include "sim/core/error.h"

typedef struct cfg_scenario cfg_scenario_t;

/*
 * Build a scenario.  tables: NULL-terminated array of key tables.  path:
 * scenario file, or NULL for defaults only.  overrides: NULL-terminated
 * array of "section.key=value" strings (may be NULL); applied after the
 * file in order, so a later one wins; blanks around '=' are trimmed.
 * On success *out is a new scenario (free with cfg_scenario_free).
 * Returns SIM_ERR_IO (unreadable file), SIM_ERR_INPUT (syntax, unknown
 * section or key, duplicate), SIM_ERR_UNIT, SIM_ERR_RANGE or
 * SIM_ERR_NOMEM, with diag (may be NULL) naming file:line:key.
 * Cost: O(keys · log keys + file size).
 */
sim_err_t cfg_scenario_load(const cfg_key_t *const *tables, const char *path,
                            const char *const *overrides,
                            cfg_scenario_t **out, sim_diag_t *diag);

/* As cfg_scenario_load, from len bytes of text labelled path (for tests,
 * embedded scenarios and the fuzzer).  text may be NULL when len is 0. */
sim_err_t cfg_scenario_load_text(const cfg_key_t *const *tables,
                                 const char *text, size_t len,
                                 const char *path,
                                 const char *const *overrides,
                                 cfg_scenario_t **out, sim_diag_t *diag);

/* Free a scenario; NULL is a no-op. */
void cfg_scenario_free(cfg_scenario_t *sc);

/* Is "section.key" declared by one of the scenario's tables? */
bool cfg_has_key(const cfg_scenario_t *sc, const char *key);

/*
 * Typed getters by "section.key".  O(log keys).
 *   cfg_get_double: any numeric type, in base units (bytes/s, bytes,
 *                   seconds, per second, watts; ints converted)
 *   cfg_get_int:    CFG_INT
 *   cfg_get_uint64: CFG_UINT64
 *   cfg_get_bool:   CFG_BOOL
 *   cfg_get_enum:   CFG_ENUM, the index into the key's enums[]
 *   cfg_get_str:    the value's canonical text: the string itself, the enum
 *                   name, "auto", or for other types the text as written
 *                   (the default's text when not given).  Owned by sc.
 *   cfg_get_time_s / cfg_get_time_ns: CFG_TIME, seconds or rounded ns
 */
double cfg_get_double(const cfg_scenario_t *sc, const char *key);
int64_t cfg_get_int(const cfg_scenario_t *sc, const char *key);
uint64_t cfg_get_uint64(const cfg_scenario_t *sc, const char *key);
bool cfg_get_bool(const cfg_scenario_t *sc, const char *key);
int cfg_get_enum(const cfg_scenario_t *sc, const char *key);
const char *cfg_get_str(const cfg_scenario_t *sc, const char *key);
double cfg_get_time_s(const cfg_scenario_t *sc, const char *key);
int64_t cfg_get_time_ns(const cfg_scenario_t *sc, const char *key);

/* Is the value the literal "auto" (keys with CFG_F_AUTO only)? */
bool cfg_is_auto(const cfg_scenario_t *sc, const char *key);

/* Where the value came from: *file is the scenario path, "--set", or ""
 * for a default; *line is 0 for defaults and overrides.  Either pointer
 * may be NULL.  Lets callers that check values against catalogs report
 * file:line themselves. */
void cfg_origin(const cfg_scenario_t *sc, const char *key, const char **file,
                int *line);

/*
 * Canonical JSON: {"section": {"key": value, ...}, ...} with every declared
 * key, sections and keys sorted, values in base units (numbers at full
 * precision, ints as integers, bools, enum names and strings as strings,
 * "auto" as "auto"; a uint64 above INT64_MAX as a decimal string).
 * cfg_scenario_json returns a new reference (json_decref it) or NULL when
 * out of memory; cfg_scenario_canonical returns the compact text (free()
 * it) or NULL.
 */
json_t *cfg_scenario_json(const cfg_scenario_t *sc);
char *cfg_scenario_canonical(const cfg_scenario_t *sc);

/* FNV-1a 64 of the canonical text: equal for scenarios that resolve to the
 * same values, whatever the key order, spelling of units or explicit
 * defaults.  Returns 0 only when out of memory. */
uint64_t cfg_scenario_hash(const cfg_scenario_t *sc);

/* FNV-1a 64 of n bytes. */
uint64_t cfg_fnv1a64(const void *data, size_t n);

#endif /* SIM_CONFIG_SCENARIO_H */
