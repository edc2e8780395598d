/*
 * store_int.h — internals shared by the results store's files (store.c:
 * handle, statements, writes; store_schema.c: schema and migrations;
 * store_read.c: queries).  Not for use outside sim/store/.
 *
 * Invariant: a statement handed out by store_stmt is reset and has no
 * bindings; the user steps it and must not finalize it.
 */
#ifndef SIM_STORE_STORE_INT_H
#define SIM_STORE_STORE_INT_H

#include <sqlite3.h>

#include "sim/store/store.h"

/* Every statement the store runs more than once, prepared on first use and
 * kept for the life of the handle.  SQL text in store.c (stmt_sql). */
typedef enum store_stmt_id {
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_SAVEPOINT,
    STMT_RELEASE,
    STMT_ROLLBACK_TO,
    STMT_RUN_STALE_DELETE,
    STMT_RUN_INSERT,
    STMT_RUN_END,
    STMT_METRIC_PUT,
    STMT_SERIES_INSERT,
    STMT_RUNS_LIST,
    STMT_RUN_GET,
    STMT_METRICS_GET,
    STMT_METRIC_GET,
    STMT_SERIES_NAMES,
    STMT_SERIES_GET,
    STMT_SWEEP_INSERT,
    STMT_SWEEP_FIND,
    STMT_VARIANT_DONE,
    STMT_REPLICATION_DONE,
    STMT_SWEEP_RUNS,
    STMT_CACHE_PUT,
    STMT_CACHE_GET,
    STMT__COUNT
} store_stmt_id_t;

struct sim_store {
    sqlite3 *db;
    char *path;
    int readonly;
    int version; /* schema version after open */
    sim_store_clock_fn clock;
    void *clock_ctx;
    sqlite3_stmt *stmt[STMT__COUNT];
};

/* Record the current SQLite error of db as SIM_ERR_DB: "<what>: <errmsg>",
 * with file = path.  Returns SIM_ERR_DB (SIM_ERR_NOMEM for SQLITE_NOMEM). */
sim_err_t store_db_fail(sqlite3 *db, const char *path, sim_diag_t *diag,
                        const char *what);

/* Run constant SQL (no data in it, ever) on db.  Returns SIM_OK or the
 * error from store_db_fail. */
sim_err_t store_exec(sqlite3 *db, const char *path, const char *sql,
                     sim_diag_t *diag);

/* The cached statement id, reset and cleared; NULL after recording the
 * error in diag. */
sqlite3_stmt *store_stmt(sim_store_t *st, store_stmt_id_t id,
                         sim_diag_t *diag);

/* Bind text or NULL; SQLite copies the bytes. */
int store_bind_text(sqlite3_stmt *s, int idx, const char *text);

/* A new copy of a text column, NULL for SQL NULL; *oom set on failure. */
char *store_column_dup(sqlite3_stmt *s, int col, int *oom);

/* A REAL column, NaN for SQL NULL. */
double store_column_real(sqlite3_stmt *s, int col);

/*
 * Find the schema version of the open database db (store_schema.c): 0 for
 * an empty database, else the gpusim version it holds.  Refuses (SIM_ERR_DB,
 * naming path) a file that is not an SQLite database or not a gpusim store,
 * a newer version than SIM_STORE_SCHEMA_VERSION, and, when readonly, anything
 * but the current version.  Reads only.
 */
sim_err_t store_schema_detect(sqlite3 *db, const char *path, int readonly,
                              int *version, sim_diag_t *diag);

/*
 * Bring db to SIM_STORE_SCHEMA_VERSION in one IMMEDIATE transaction: create
 * the schema in an empty database, run the migration steps from an older
 * one.  Detects again under the write lock (another process may have got
 * there first).  *version receives the final version.  Returns SIM_OK,
 * SIM_ERR_DB, SIM_ERR_NOMEM; on failure nothing is changed.
 */
sim_err_t store_schema_upgrade(sqlite3 *db, const char *path, int *version,
                               sim_diag_t *diag);

/* Enter a write scope: BEGIN IMMEDIATE outside a transaction, a SAVEPOINT
 * inside the caller's.  *outer remembers which, for store_tx_leave. */
sim_err_t store_tx_enter(sim_store_t *st, int *outer, sim_diag_t *diag);

/* Leave the scope entered by store_tx_enter: commit/release when err is
 * SIM_OK, else roll back and return err (errors while rolling back are not
 * recorded: the first error already is).  Returns SIM_OK or an error. */
sim_err_t store_tx_leave(sim_store_t *st, int outer, sim_err_t err,
                         sim_diag_t *diag);

#endif /* SIM_STORE_STORE_INT_H */
