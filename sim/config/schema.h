/*
 * schema.h — declarative key tables for scenario files.
 *
 * Each model module declares the keys it reads as a static array of
 * cfg_key_t terminated by CFG_KEY_END, e.g. in keys_cluster.c:
 *
 *   const cfg_key_t cfg_keys_cluster[] = {
 *       {"cluster", "gpus", CFG_INT, "8", 1, 1048576, NULL, 0,
 *        "number of GPUs in the cluster"},
 *       ...
 *       CFG_KEY_END};
 *
 * The caller composes the tables it needs into a NULL-terminated array of
 * pointers and hands it to cfg_scenario_load; the config module itself knows
 * no models.  Defaults are text, parsed by the same rules as the file, so a
 * table cannot hold a default its own parser would reject (the tests load
 * every table with no file to prove it).
 *
 * Ranges: min and max are inclusive bounds in base units (bytes/s, bytes,
 * seconds, per second, watts, plain numbers).  min == max == 0 means
 * "unbounded" (apart from the type's own rule: unit kinds, counts and
 * ratios are never negative).  Ranges are ignored for string, bool and enum.
 *
 * Assumes: tables are static and outlive every scenario built from them.
 */
#ifndef SIM_CONFIG_SCHEMA_H
#define SIM_CONFIG_SCHEMA_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/error.h"

typedef enum cfg_type {
    CFG_STRING,    /* free text (a catalog name); non-empty */
    CFG_INT,       /* int64, plain digits */
    CFG_UINT64,    /* uint64, plain digits (seeds) */
    CFG_DOUBLE,    /* plain number */
    CFG_BOOL,      /* on/off, true/false, yes/no, 1/0 */
    CFG_ENUM,      /* one of enums[] */
    CFG_BANDWIDTH, /* bytes per second: 400Gbps, 50GB/s */
    CFG_BYTES,     /* bytes: 80GiB, 1.5TB */
    CFG_TIME,      /* seconds: 1.5us, 30min */
    CFG_COUNT,     /* plain number with SI suffix: 3T, 1.5M */
    CFG_RATE,      /* per second: 4/s, 100/min */
    CFG_POWER,     /* watts: 700W, 10.2kW */
    CFG_RATIO,     /* plain number or percentage: 0.8, 80% */
    CFG_TYPE__COUNT
} cfg_type_t;

/* Key flags. */
enum {
    CFG_F_AUTO = 1u << 0, /* the literal "auto" is also accepted */
};

typedef struct cfg_key {
    const char *section;
    const char *name;
    cfg_type_t type;
    const char *def;            /* default as text; never NULL */
    double min, max;            /* inclusive, base units; 0,0 = unbounded */
    const char *const *enums;   /* NULL-terminated; CFG_ENUM only */
    unsigned flags;             /* CFG_F_* */
    const char *doc;            /* one line: what it means, with source */
} cfg_key_t;

/* An open end for min or max: {.., 1, CFG_UNBOUNDED, ..} means ">= 1". */
#define CFG_UNBOUNDED HUGE_VAL

/* Terminates a key table. */
#define CFG_KEY_END {NULL, NULL, CFG_STRING, NULL, 0, 0, NULL, 0, NULL}

/* A parsed value.  Which member is valid follows the key's type:
 * i for CFG_INT, u for CFG_UINT64, b for CFG_BOOL, e for CFG_ENUM (index),
 * d for every other numeric type; strings keep only their text. */
typedef struct cfg_value {
    bool is_auto;
    double d;
    int64_t i;
    uint64_t u;
    bool b;
    int e;
} cfg_value_t;

/*
 * Parse text as a value of key k, including the range check.  On error
 * returns SIM_ERR_UNIT, SIM_ERR_RANGE or SIM_ERR_INPUT with diag->msg
 * saying what was expected (file, line and key are left for the caller).
 * Cost: O(length of text + number of enum values).
 */
sim_err_t cfg_value_parse(const cfg_key_t *k, const char *text,
                          cfg_value_t *out, sim_diag_t *diag);

/*
 * Catalog files (GPUs, models, prices) are INI files whose sections are
 * entries and whose keys follow a declaration.  Look up key k in section
 * of ini, parse it against k and return the value in *out and its entry
 * in *entry.  An absent key is SIM_OK with *entry NULL, or, when required,
 * SIM_ERR_INPUT at the section's line (section_line).  Errors name
 * file:line: section.key and what was expected.  (ini is a cfg_ini_t, from
 * sim/config/ini.h.)  Cost: one look-up and one parse.
 */
struct cfg_ini;
struct cfg_ini_entry;
sim_err_t cfg_ini_value(const struct cfg_ini *ini, const char *section, int section_line,
                        const cfg_key_t *k, bool required, cfg_value_t *out,
                        const struct cfg_ini_entry **entry, sim_diag_t *diag);

/* Short name of a type for messages and the reference ("bandwidth"). */
const char *cfg_type_name(cfg_type_t t);

/* Reference output formats. */
typedef enum cfg_ref_format {
    CFG_REF_MARKDOWN, /* one table per section: key, type, default, range,
                         description */
    CFG_REF_INI,      /* a commented scenario file with every default */
} cfg_ref_format_t;

/*
 * Write the reference of every key in tables (NULL-terminated array of
 * tables) to out.  Sections appear in order of first declaration, keys in
 * table order.  Returns SIM_OK or SIM_ERR_IO when a write fails.
 * Cost: O(number of keys²) for the section grouping (tables are small).
 */
sim_err_t cfg_keys_reference(const cfg_key_t *const *tables, FILE *out,
                             cfg_ref_format_t format);

#endif /* SIM_CONFIG_SCHEMA_H */
