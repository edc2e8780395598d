/*
 * store_schema.c — the results store's schema, how a file's version is
 * recognised, and the migrations between versions.
 *
 * A gpusim store is recognised by three marks: PRAGMA application_id (0 or
 * ours; written since version 2), meta.application = 'gpusim', and a
 * positive integer meta.schema_version.  A file missing them is someone
 * else's and is never written to.
 *
 * The schema is built by replaying migration steps from version 0 (the
 * empty database), so a new store and a migrated old one are made by the
 * same SQL and cannot drift apart.  To change the schema: append a step,
 * bump SIM_STORE_SCHEMA_VERSION, keep the old steps as they are (old files
 * still need them), and add a test that migrates a hand-built file.
 *
 * Every statement here is constant SQL; the only value (the version number)
 * is bound.
 */
#include "sim/store/store_int.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 'GPUS' (0x47505553) in the SQLite header's application_id field (file
 * offset 68), so file(1) and our own check can tell a gpusim store at a
 * glance.  Decimal, so that it can be pasted into the PRAGMA as a constant. */
#define APP_ID 1196447059
#define STR_(x) #x
#define STR(x) STR_(x)
#define APP_ID_SQL "PRAGMA application_id = " STR(APP_ID)

typedef struct migration {
    int from, to;
    const char *const *sql; /* NULL-terminated */
} migration_t;

/* 0 -> 1: the first layout: runs with numeric metrics and series. */
static const char *const step_create_v1[] = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value)",
    "INSERT INTO meta(key, value) VALUES('application', 'gpusim')",
    "CREATE TABLE runs("
    " id INTEGER PRIMARY KEY,"
    " command TEXT NOT NULL,"
    " scenario_json TEXT,"
    " config_hash TEXT,"
    " seed INTEGER,"
    " version TEXT,"
    " started TEXT,"
    " wall_s REAL,"
    " status TEXT NOT NULL)",
    "CREATE TABLE metrics("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " value REAL,"
    " PRIMARY KEY(run_id, name))",
    "CREATE TABLE series("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " t REAL,"
    " value REAL)",
    "CREATE INDEX series_run_name_t ON series(run_id, name, t)",
    NULL};

/* 1 -> 2: sweeps (each variant stored once), text metrics, planner cache. */
static const char *const step_v1_to_v2[] = {
    "CREATE TABLE sweeps("
    " id INTEGER PRIMARY KEY,"
    " scenario_json TEXT,"
    " vary_json TEXT,"
    " created TEXT,"
    " total INTEGER)",
    "ALTER TABLE runs ADD COLUMN sweep_id INTEGER NULL REFERENCES sweeps(id)",
    "ALTER TABLE runs ADD COLUMN variant_key TEXT NULL",
    "ALTER TABLE runs ADD COLUMN replication INTEGER NULL",
    /* Runs outside sweeps have all three NULL; NULLs never collide in a
     * UNIQUE index, so only sweep variants are constrained. */
    "CREATE UNIQUE INDEX runs_variant"
    " ON runs(sweep_id, variant_key, replication)",
    "CREATE INDEX runs_command ON runs(command, id)",
    "ALTER TABLE metrics ADD COLUMN text TEXT NULL",
    "CREATE TABLE cache("
    " config_hash TEXT PRIMARY KEY,"
    " command TEXT,"
    " result_json TEXT)",
    NULL};

static const migration_t steps[] = {
    {0, 1, step_create_v1},
    {1, 2, step_v1_to_v2},
};

_Static_assert(sizeof steps / sizeof steps[0] == SIM_STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* Step a one-row query; *type is the first column's SQLite type (SQLITE_NULL
 * when there is no row), *ival its integer value, text copied into buf. */
static int scalar(sqlite3 *db, const char *sql, int *type, int64_t *ival,
                  char *buf, size_t n)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    *type = SQLITE_NULL;
    *ival = 0;
    if (buf != NULL && n > 0)
        buf[0] = '\0';
    if (rc != SQLITE_OK)
        goto done;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *type = sqlite3_column_type(s, 0);
        *ival = sqlite3_column_int64(s, 0);
        if (buf != NULL && n > 0 && *type == SQLITE_TEXT) {
            const unsigned char *txt = sqlite3_column_text(s, 0);
            snprintf(buf, n, "%s", txt != NULL ? (const char *)txt : "");
        }
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
done:
    /* On error sqlite3_finalize returns the same code and keeps errmsg. */
    sqlite3_finalize(s);
    return rc;
}

static sim_err_t foreign(const char *path, sim_diag_t *diag, const char *why)
{
    return sim_diag_set(diag, SIM_ERR_DB, path, 0, "",
                        "not a gpusim results store (%s)", why);
}

sim_err_t store_schema_detect(sqlite3 *db, const char *path, int readonly,
                              int *version, sim_diag_t *diag)
{
    int type, rc;
    int64_t app, nobj, has_meta, v;
    char text[64];

    /* The first read of the file: a non-database fails here (NOTADB). */
    rc = scalar(db, "PRAGMA application_id", &type, &app, NULL, 0);
    if (rc == SQLITE_NOTADB)
        return foreign(path, diag, sqlite3_errmsg(db));
    if (rc != SQLITE_OK)
        return store_db_fail(db, path, diag, "reading the file header");
    rc = scalar(db, "SELECT count(*) FROM sqlite_master", &type, &nobj, NULL,
                0);
    if (rc == SQLITE_NOTADB)
        return foreign(path, diag, sqlite3_errmsg(db));
    if (rc != SQLITE_OK)
        return store_db_fail(db, path, diag, "reading the schema");

    if (nobj == 0 && app == 0) {
        v = 0;
        goto found;
    }
    if (app != 0 && app != APP_ID)
        return foreign(path, diag, "another program's application_id");
    rc = scalar(db,
                "SELECT count(*) FROM sqlite_master"
                " WHERE type = 'table' AND name = 'meta'",
                &type, &has_meta, NULL, 0);
    if (rc != SQLITE_OK)
        return store_db_fail(db, path, diag, "reading the schema");
    if (has_meta == 0)
        return foreign(path, diag, "no meta table");
    rc = scalar(db, "SELECT value FROM meta WHERE key = 'application'", &type,
                &v, text, sizeof text);
    if (rc != SQLITE_OK)
        return store_db_fail(db, path, diag, "reading meta");
    if (type != SQLITE_TEXT || strcmp(text, "gpusim") != 0)
        return foreign(path, diag, "meta.application is not 'gpusim'");
    rc = scalar(db, "SELECT value FROM meta WHERE key = 'schema_version'",
                &type, &v, NULL, 0);
    if (rc != SQLITE_OK)
        return store_db_fail(db, path, diag, "reading meta");
    if (type != SQLITE_INTEGER || v < 1)
        return foreign(path, diag,
                       "meta.schema_version is not a positive integer");

found:
    if (v > SIM_STORE_SCHEMA_VERSION)
        return sim_diag_set(diag, SIM_ERR_DB, path, 0, "",
                            "results store has schema version %lld, newer "
                            "than version %d that this gpusim understands; "
                            "use a newer gpusim",
                            (long long)v, SIM_STORE_SCHEMA_VERSION);
    if (readonly && v == 0)
        return foreign(path, diag, "the database is empty");
    if (readonly && v < SIM_STORE_SCHEMA_VERSION)
        return sim_diag_set(diag, SIM_ERR_DB, path, 0, "",
                            "results store has schema version %lld, older "
                            "than version %d; open it for writing once to "
                            "migrate it",
                            (long long)v, SIM_STORE_SCHEMA_VERSION);
    *version = (int)v;
    return SIM_OK;
}

static sim_err_t write_version(sqlite3 *db, const char *path, int version,
                               sim_diag_t *diag)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(
        db,
        "INSERT INTO meta(key, value) VALUES('schema_version', ?1)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 1, version);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    if (rc != SQLITE_OK) {
        sim_err_t err = store_db_fail(db, path, diag, "writing the version");
        sqlite3_finalize(s);
        return err;
    }
    sqlite3_finalize(s);
    return SIM_OK;
}

sim_err_t store_schema_upgrade(sqlite3 *db, const char *path, int *version,
                               sim_diag_t *diag)
{
    sim_err_t err;
    int v = 0;

    err = store_exec(db, path, "BEGIN IMMEDIATE", diag);
    if (err != SIM_OK)
        return err;
    err = store_schema_detect(db, path, 0, &v, diag);
    if (err != SIM_OK)
        goto fail;
    if (v == SIM_STORE_SCHEMA_VERSION)
        goto commit; /* another process finished first */
    while (v < SIM_STORE_SCHEMA_VERSION) {
        const migration_t *m = &steps[v];
        assert(m->from == v && m->to == v + 1);
        for (size_t i = 0; m->sql[i] != NULL; i++) {
            err = store_exec(db, path, m->sql[i], diag);
            if (err != SIM_OK)
                goto fail;
        }
        v = m->to;
    }
    err = write_version(db, path, v, diag);
    if (err == SIM_OK)
        err = store_exec(db, path, APP_ID_SQL, diag);
    if (err != SIM_OK)
        goto fail;
commit:
    err = store_exec(db, path, "COMMIT", diag);
    if (err != SIM_OK)
        goto fail;
    *version = v;
    return SIM_OK;
fail:
    /* Best effort: the first error is already in diag. */
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}
