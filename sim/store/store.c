/*
 * store.c — the results store's handle, its statement cache, transactions,
 * and the write side (runs, metrics, series, sweeps, cache).  Schema and
 * migrations live in store_schema.c, queries in store_read.c.
 *
 * Every statement is in stmt_sql below and reaches SQLite once per handle
 * (prepared on first use, then reset and re-bound).  Values are always
 * bound; SQL text is never built at run time.
 *
 * Assumes: SQLite >= 3.31 (UPSERT needs 3.24); one thread per handle.
 */
#include "sim/store/store_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long a writer waits for another process's lock before giving up.  A
 * sweep rank commits one variant in milliseconds, so 10 s only runs out when
 * something is stuck. */
#define BUSY_TIMEOUT_MS 10000

static const char *const stmt_sql[STMT__COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_SAVEPOINT] = "SAVEPOINT sim_store_w",
    [STMT_RELEASE] = "RELEASE sim_store_w",
    [STMT_ROLLBACK_TO] = "ROLLBACK TO sim_store_w",
    [STMT_RUN_STALE_DELETE] =
        "DELETE FROM runs WHERE sweep_id = ?1 AND variant_key = ?2"
        " AND replication = ?3 AND status = '" SIM_STORE_RUNNING "'",
    [STMT_RUN_INSERT] =
        "INSERT INTO runs(command, scenario_json, config_hash, seed, version,"
        " started, wall_s, status, sweep_id, variant_key, replication)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, NULL, '" SIM_STORE_RUNNING "',"
        " ?7, ?8, ?9)",
    [STMT_RUN_END] = "UPDATE runs SET wall_s = ?2, status = ?3 WHERE id = ?1",
    [STMT_METRIC_PUT] =
        "INSERT INTO metrics(run_id, name, value, text) VALUES(?1, ?2, ?3, ?4)"
        " ON CONFLICT(run_id, name)"
        " DO UPDATE SET value = excluded.value, text = excluded.text",
    [STMT_SERIES_INSERT] =
        "INSERT INTO series(run_id, name, t, value) VALUES(?1, ?2, ?3, ?4)",
    [STMT_RUNS_LIST] = "SELECT id FROM runs WHERE ?1 IS NULL OR command = ?1"
                       " ORDER BY id DESC LIMIT ?2",
    [STMT_RUN_GET] =
        "SELECT id, command, scenario_json, config_hash, seed, version,"
        " started, wall_s, status, sweep_id, variant_key, replication"
        " FROM runs WHERE id = ?1",
    [STMT_METRICS_GET] = "SELECT name, value, text FROM metrics"
                         " WHERE run_id = ?1 ORDER BY name",
    [STMT_METRIC_GET] =
        "SELECT value, text FROM metrics WHERE run_id = ?1 AND name = ?2",
    [STMT_SERIES_NAMES] =
        "SELECT DISTINCT name FROM series WHERE run_id = ?1 ORDER BY name",
    [STMT_SERIES_GET] = "SELECT t, value FROM series"
                        " WHERE run_id = ?1 AND name = ?2 ORDER BY t, rowid",
    [STMT_SWEEP_INSERT] = "INSERT INTO sweeps(scenario_json, vary_json,"
                          " created, total) VALUES(?1, ?2, ?3, ?4)",
    [STMT_SWEEP_FIND] = "SELECT id FROM sweeps WHERE scenario_json IS ?1"
                        " AND vary_json IS ?2 ORDER BY id DESC LIMIT 1",
    [STMT_VARIANT_DONE] =
        "SELECT EXISTS(SELECT 1 FROM runs WHERE sweep_id = ?1"
        " AND variant_key = ?2 AND status <> '" SIM_STORE_RUNNING "')",
    [STMT_REPLICATION_DONE] =
        "SELECT EXISTS(SELECT 1 FROM runs WHERE sweep_id = ?1"
        " AND variant_key = ?2 AND replication = ?3"
        " AND status <> '" SIM_STORE_RUNNING "')",
    [STMT_SWEEP_RUNS] = "SELECT id FROM runs WHERE sweep_id = ?1"
                        " ORDER BY variant_key, replication, id",
    [STMT_CACHE_PUT] =
        "INSERT INTO cache(config_hash, command, result_json)"
        " VALUES(?1, ?2, ?3) ON CONFLICT(config_hash) DO UPDATE SET"
        " command = excluded.command, result_json = excluded.result_json",
    [STMT_CACHE_GET] = "SELECT result_json FROM cache WHERE config_hash = ?1",
};

/* ---- helpers shared with store_schema.c and store_read.c -------------- */

sim_err_t store_db_fail(sqlite3 *db, const char *path, sim_diag_t *diag,
                        const char *what)
{
    int code = sqlite3_errcode(db);
    sim_err_t err = code == SQLITE_NOMEM ? SIM_ERR_NOMEM : SIM_ERR_DB;
    return sim_diag_set(diag, err, path, 0, "", "%s: %s", what,
                        sqlite3_errmsg(db));
}

sim_err_t store_exec(sqlite3 *db, const char *path, const char *sql,
                     sim_diag_t *diag)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_fail(db, path, diag, sql);
    return SIM_OK;
}

sqlite3_stmt *store_stmt(sim_store_t *st, store_stmt_id_t id,
                         sim_diag_t *diag)
{
    sqlite3_stmt *s;
    assert(id < STMT__COUNT && stmt_sql[id] != NULL);
    s = st->stmt[id];
    if (s == NULL) {
        if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
                               SQLITE_PREPARE_PERSISTENT, &s,
                               NULL) != SQLITE_OK) {
            store_db_fail(st->db, st->path, diag, "preparing a statement");
            return NULL;
        }
        st->stmt[id] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

int store_bind_text(sqlite3_stmt *s, int idx, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(s, idx);
    return sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT);
}

char *store_column_dup(sqlite3_stmt *s, int col, int *oom)
{
    const unsigned char *txt;
    char *copy;
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return NULL;
    txt = sqlite3_column_text(s, col);
    if (txt == NULL) { /* a non-NULL column gives NULL only when out of memory */
        *oom = 1;
        return NULL;
    }
    copy = strdup((const char *)txt);
    if (copy == NULL)
        *oom = 1;
    return copy;
}

double store_column_real(sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(s, col);
}

/* Step a statement that returns no rows, then reset it (releasing locks).
 * Returns the SQLite code (SQLITE_DONE on success). */
static int run_stmt(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    /* sqlite3_reset would return the step's error again; errmsg survives. */
    if (rc == SQLITE_DONE)
        sqlite3_reset(s);
    return rc;
}

/* Run a cached statement with no parameters. */
static sim_err_t run_simple(sim_store_t *st, store_stmt_id_t id,
                            sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, id, diag);
    if (s == NULL)
        return SIM_ERR_DB;
    if (run_stmt(s) != SQLITE_DONE) {
        sim_err_t err = store_db_fail(st->db, st->path, diag, stmt_sql[id]);
        sqlite3_reset(s);
        return err;
    }
    return SIM_OK;
}

sim_err_t store_tx_enter(sim_store_t *st, int *outer, sim_diag_t *diag)
{
    *outer = sqlite3_get_autocommit(st->db);
    return run_simple(st, *outer ? STMT_BEGIN : STMT_SAVEPOINT, diag);
}

sim_err_t store_tx_leave(sim_store_t *st, int outer, sim_err_t err,
                         sim_diag_t *diag)
{
    if (err == SIM_OK) {
        err = run_simple(st, outer ? STMT_COMMIT : STMT_RELEASE, diag);
        if (err == SIM_OK)
            return SIM_OK;
    }
    /* Roll back; SQLite may already have done so itself (after IOERR, FULL,
     * NOMEM), in which case these fail harmlessly and are not recorded. */
    if (outer) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    } else if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_exec(st->db, "ROLLBACK TO sim_store_w", NULL, NULL, NULL);
        sqlite3_exec(st->db, "RELEASE sim_store_w", NULL, NULL, NULL);
    }
    return err;
}

/* UTC ISO-8601 of the store's clock, e.g. "2025-01-31T12:00:00Z". */
static void timestamp(const sim_store_t *st, char buf[32])
{
    time_t now = st->clock != NULL ? st->clock(st->clock_ctx) : time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z"); /* clock out of range */
}

/* ---- handle ----------------------------------------------------------- */

static int is_memory(const char *path)
{
    return strcmp(path, ":memory:") == 0 || path[0] == '\0';
}

/* Switch a file to WAL; SQLite answers with the mode now in force. */
static sim_err_t set_wal(sim_store_t *st, sim_diag_t *diag)
{
    char mode[16];
    sim_err_t err = sim_store_journal_mode(st, mode, sizeof mode, diag);
    if (err != SIM_OK || strcmp(mode, "wal") == 0)
        return err;
    if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) !=
        SQLITE_OK)
        return store_db_fail(st->db, st->path, diag, "switching to WAL");
    err = sim_store_journal_mode(st, mode, sizeof mode, diag);
    if (err == SIM_OK && strcmp(mode, "wal") != 0)
        err = sim_diag_set(diag, SIM_ERR_DB, st->path, 0, "",
                           "could not switch to WAL (journal mode is '%s')",
                           mode);
    return err;
}

sim_err_t sim_store_open(const char *path, int flags, sim_store_t **out,
                         sim_diag_t *diag)
{
    sim_store_t *st;
    sim_err_t err;
    int oflags, rc;

    assert(path != NULL && out != NULL);
    *out = NULL;
    st = calloc(1, sizeof *st);
    if (st == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, "", "out of memory");
    st->readonly = (flags & SIM_STORE_READONLY) != 0;
    st->path = strdup(path);
    if (st->path == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, "", "out of memory");
        goto fail;
    }
    oflags = st->readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        err = st->db != NULL
                  ? store_db_fail(st->db, path, diag, "cannot open")
                  : sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, "",
                                 "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    err = store_exec(st->db, path, "PRAGMA foreign_keys = ON", diag);
    if (err != SIM_OK)
        goto fail;
    /* Recognise the file before writing anything to it. */
    err = store_schema_detect(st->db, path, st->readonly, &st->version, diag);
    if (err != SIM_OK)
        goto fail;
    if (!st->readonly && !is_memory(path)) {
        err = set_wal(st, diag);
        if (err == SIM_OK)
            err = store_exec(st->db, path, "PRAGMA synchronous = NORMAL", diag);
        if (err != SIM_OK)
            goto fail;
    }
    if (!st->readonly && st->version < SIM_STORE_SCHEMA_VERSION) {
        err = store_schema_upgrade(st->db, path, &st->version, diag);
        if (err != SIM_OK)
            goto fail;
    }
    *out = st;
    return SIM_OK;
fail:
    sim_store_close(st);
    return err;
}

void sim_store_close(sim_store_t *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < STMT__COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->db != NULL) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        /* All statements are finalized, so close cannot report BUSY. */
        sqlite3_close(st->db);
    }
    free(st->path);
    free(st);
}

void sim_store_set_clock(sim_store_t *st, sim_store_clock_fn fn, void *ctx)
{
    st->clock = fn;
    st->clock_ctx = ctx;
}

const char *sim_store_path(const sim_store_t *st)
{
    return st->path;
}

int sim_store_schema_version(const sim_store_t *st)
{
    return st->version;
}

sim_err_t sim_store_journal_mode(sim_store_t *st, char *buf, size_t n,
                                 sim_diag_t *diag)
{
    sqlite3_stmt *s = NULL;
    sim_err_t err = SIM_OK;
    if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL) !=
            SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        err = store_db_fail(st->db, st->path, diag, "reading journal mode");
    } else {
        const unsigned char *mode = sqlite3_column_text(s, 0);
        snprintf(buf, n, "%s", mode != NULL ? (const char *)mode : "");
    }
    sqlite3_finalize(s);
    return err;
}

/* ---- transactions ----------------------------------------------------- */

sim_err_t sim_store_begin(sim_store_t *st, sim_diag_t *diag)
{
    if (!sqlite3_get_autocommit(st->db))
        return sim_diag_set(diag, SIM_ERR_DB, st->path, 0, "",
                            "a transaction is already open");
    return run_simple(st, STMT_BEGIN, diag);
}

sim_err_t sim_store_commit(sim_store_t *st, sim_diag_t *diag)
{
    if (sqlite3_get_autocommit(st->db))
        return sim_diag_set(diag, SIM_ERR_DB, st->path, 0, "",
                            "commit without an open transaction");
    return run_simple(st, STMT_COMMIT, diag);
}

sim_err_t sim_store_rollback(sim_store_t *st, sim_diag_t *diag)
{
    if (sqlite3_get_autocommit(st->db))
        return SIM_OK;
    return run_simple(st, STMT_ROLLBACK, diag);
}

/* ---- runs, metrics, series -------------------------------------------- */

sim_err_t sim_store_run_begin(sim_store_t *st, const sim_store_run_info_t *info,
                              int64_t *run_id, sim_diag_t *diag)
{
    sqlite3_stmt *s = NULL;
    sim_err_t err;
    int outer, rc, sweep;
    char now[32];

    assert(info != NULL && run_id != NULL);
    *run_id = 0;
    if (info->command == NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, st->path, 0, "",
                            "a run needs a command");
    sweep = info->sweep_id != 0;
    if (sweep && (info->sweep_id < 0 || info->variant_key == NULL ||
                  info->replication < 0))
        return sim_diag_set(diag, SIM_ERR_INPUT, st->path, 0, "",
                            "a sweep run needs a sweep id > 0, a variant key "
                            "and a replication >= 0");
    if (info->started == NULL)
        timestamp(st, now);

    err = store_tx_enter(st, &outer, diag);
    if (err != SIM_OK)
        return err;
    if (sweep) {
        /* A variant a crash left half-written is done again, not kept. */
        s = store_stmt(st, STMT_RUN_STALE_DELETE, diag);
        err = SIM_ERR_DB;
        if (s == NULL)
            goto fail;
        sqlite3_bind_int64(s, 1, info->sweep_id);
        store_bind_text(s, 2, info->variant_key);
        sqlite3_bind_int64(s, 3, info->replication);
        if (run_stmt(s) != SQLITE_DONE) {
            err = store_db_fail(st->db, st->path, diag,
                                "replacing a stale run");
            goto fail;
        }
    }
    s = store_stmt(st, STMT_RUN_INSERT, diag);
    err = SIM_ERR_DB;
    if (s == NULL)
        goto fail;
    store_bind_text(s, 1, info->command);
    store_bind_text(s, 2, info->scenario_json);
    store_bind_text(s, 3, info->config_hash);
    sqlite3_bind_int64(s, 4, (int64_t)info->seed); /* same 64 bits */
    store_bind_text(s, 5, info->version);
    store_bind_text(s, 6, info->started != NULL ? info->started : now);
    if (sweep) {
        sqlite3_bind_int64(s, 7, info->sweep_id);
        store_bind_text(s, 8, info->variant_key);
        sqlite3_bind_int64(s, 9, info->replication);
    } /* else left NULL by store_stmt's clear_bindings */
    rc = run_stmt(s);
    if (rc != SQLITE_DONE) {
        if (sweep && sqlite3_extended_errcode(st->db) ==
                         SQLITE_CONSTRAINT_UNIQUE)
            err = sim_diag_set(diag, SIM_ERR_DB, st->path, 0, "",
                               "sweep %lld variant '%s' replication %lld is "
                               "already stored",
                               (long long)info->sweep_id, info->variant_key,
                               (long long)info->replication);
        else
            err = store_db_fail(st->db, st->path, diag, "recording a run");
        goto fail;
    }
    *run_id = sqlite3_last_insert_rowid(st->db);
    err = store_tx_leave(st, outer, SIM_OK, diag);
    if (err != SIM_OK)
        *run_id = 0;
    return err;
fail:
    if (s != NULL)
        sqlite3_reset(s);
    return store_tx_leave(st, outer, err, diag);
}

sim_err_t sim_store_run_end(sim_store_t *st, int64_t run_id, double wall_s,
                            const char *status, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_RUN_END, diag);
    sim_err_t err = SIM_OK;
    assert(status != NULL);
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_double(s, 2, wall_s);
    store_bind_text(s, 3, status);
    if (run_stmt(s) != SQLITE_DONE)
        err = store_db_fail(st->db, st->path, diag, "ending a run");
    else if (sqlite3_changes(st->db) == 0)
        err = sim_diag_set(diag, SIM_ERR_NOTFOUND, st->path, 0, "",
                           "no run with id %lld", (long long)run_id);
    sqlite3_reset(s);
    return err;
}

static sim_err_t metric_put(sim_store_t *st, int64_t run_id, const char *name,
                            double value, const char *text, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_METRIC_PUT, diag);
    sim_err_t err = SIM_OK;
    assert(name != NULL);
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    store_bind_text(s, 2, name);
    sqlite3_bind_double(s, 3, value); /* NaN binds as NULL */
    store_bind_text(s, 4, text);
    if (run_stmt(s) != SQLITE_DONE) {
        char what[192];
        snprintf(what, sizeof what, "metric '%s' of run %lld", name,
                 (long long)run_id);
        err = store_db_fail(st->db, st->path, diag, what);
    }
    sqlite3_reset(s);
    return err;
}

sim_err_t sim_store_metric(sim_store_t *st, int64_t run_id, const char *name,
                           double value, sim_diag_t *diag)
{
    return metric_put(st, run_id, name, value, NULL, diag);
}

sim_err_t sim_store_metric_text(sim_store_t *st, int64_t run_id,
                                const char *name, const char *text,
                                sim_diag_t *diag)
{
    assert(text != NULL);
    return metric_put(st, run_id, name, NAN, text, diag);
}

sim_err_t sim_store_series_append(sim_store_t *st, int64_t run_id,
                                  const char *name, const double *t,
                                  const double *v, size_t n, sim_diag_t *diag)
{
    sqlite3_stmt *s;
    sim_err_t err;
    int outer;

    assert(name != NULL && (n == 0 || (t != NULL && v != NULL)));
    if (n == 0)
        return SIM_OK;
    err = store_tx_enter(st, &outer, diag);
    if (err != SIM_OK)
        return err;
    s = store_stmt(st, STMT_SERIES_INSERT, diag);
    if (s == NULL)
        return store_tx_leave(st, outer, SIM_ERR_DB, diag);
    /* run_id and name stay bound across resets; only t and v change. */
    sqlite3_bind_int64(s, 1, run_id);
    store_bind_text(s, 2, name);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_double(s, 3, t[i]);
        sqlite3_bind_double(s, 4, v[i]);
        if (run_stmt(s) != SQLITE_DONE) {
            char what[192];
            snprintf(what, sizeof what, "series '%s' of run %lld", name,
                     (long long)run_id);
            err = store_db_fail(st->db, st->path, diag, what);
            sqlite3_reset(s);
            return store_tx_leave(st, outer, err, diag);
        }
    }
    return store_tx_leave(st, outer, SIM_OK, diag);
}

/* ---- sweeps and cache (writes) ---------------------------------------- */

sim_err_t sim_store_sweep_new(sim_store_t *st, const char *scenario_json,
                              const char *vary_json, int64_t total,
                              int64_t *sweep_id, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_SWEEP_INSERT, diag);
    sim_err_t err = SIM_OK;
    char now[32];
    *sweep_id = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    timestamp(st, now);
    store_bind_text(s, 1, scenario_json);
    store_bind_text(s, 2, vary_json);
    store_bind_text(s, 3, now);
    sqlite3_bind_int64(s, 4, total);
    if (run_stmt(s) != SQLITE_DONE)
        err = store_db_fail(st->db, st->path, diag, "recording a sweep");
    else
        *sweep_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_reset(s);
    return err;
}

sim_err_t sim_store_cache_put(sim_store_t *st, const char *config_hash,
                              const char *command, const char *result_json,
                              sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_CACHE_PUT, diag);
    sim_err_t err = SIM_OK;
    assert(config_hash != NULL && command != NULL && result_json != NULL);
    if (s == NULL)
        return SIM_ERR_DB;
    store_bind_text(s, 1, config_hash);
    store_bind_text(s, 2, command);
    store_bind_text(s, 3, result_json);
    if (run_stmt(s) != SQLITE_DONE)
        err = store_db_fail(st->db, st->path, diag, "writing the cache");
    sqlite3_reset(s);
    return err;
}
