/*
 * store.h — the results store: one SQLite file (or ":memory:") holding runs,
 * their scalar metrics and time series, sweeps, and the planner's cache.
 *
 * Tables (schema version SIM_STORE_SCHEMA_VERSION):
 *   meta(key TEXT PRIMARY KEY, value)            -- 'schema_version', ...
 *   runs(id, command, scenario_json, config_hash, seed, version, started,
 *        wall_s, status, sweep_id, variant_key, replication)
 *   metrics(run_id, name, value REAL, text)      -- PRIMARY KEY(run_id, name)
 *   series(run_id, name, t, value)               -- index (run_id, name, t)
 *   sweeps(id, scenario_json, vary_json, created, total)
 *   cache(config_hash TEXT PRIMARY KEY, command, result_json)
 * Deleting a run deletes its metrics and series (foreign keys, cascade).
 *
 * Invariants the store keeps:
 *   - files run in WAL mode with synchronous=NORMAL and a busy timeout, so
 *     several processes (an MPI sweep) may append to one file;
 *   - every value reaches SQLite through a bound parameter, never through
 *     SQL text; hot statements are prepared once per handle;
 *   - every write runs in a transaction: the caller's (sim_store_begin) when
 *     one is open, else one of the store's own;
 *   - a file is opened only if it is empty (it then gets the current
 *     schema), a gpusim store of the current version, or of an older version
 *     that is migrated in one transaction.  A newer version, or a file that is
 *     not a gpusim store, is refused with SIM_ERR_DB and left untouched.
 *   - a sweep variant (sweep_id, variant_key, replication) is stored once.
 *
 * Run status is free text chosen by the caller; the store itself writes only
 * SIM_STORE_RUNNING (a run begun and not yet ended).  Doubles that are NaN
 * are stored as SQL NULL (SQLite's rule) and read back as NaN.
 *
 * Errors: SQLite failures give SIM_ERR_DB with the file name and
 * sqlite3_errmsg in the diagnostic; allocation failures SIM_ERR_NOMEM.
 * Assumes: one handle is used by one thread at a time; SQLite >= 3.31.
 */
#ifndef SIM_STORE_STORE_H
#define SIM_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sim/core/error.h"

/* The schema this build writes.  History (migrations in store_schema.c):
 *   1  runs, metrics (numeric only), series
 *   2  + runs.sweep_id/variant_key/replication, metrics.text, sweeps, cache */
#define SIM_STORE_SCHEMA_VERSION 2

/* Status of a run that has begun and not ended. */
#define SIM_STORE_RUNNING "running"

typedef struct sim_store sim_store_t;

/* Open flags. */
enum {
    SIM_STORE_READWRITE = 0, /* create the file if missing, migrate if old */
    SIM_STORE_READONLY = 1   /* never write; an old schema is refused */
};

/*
 * What a run is, given to sim_store_run_begin.  Strings are copied by the
 * store; any of them except command may be NULL (stored as SQL NULL).
 */
typedef struct sim_store_run_info {
    const char *command;       /* "train", "serve", ...; required */
    const char *scenario_json; /* the scenario as canonical JSON */
    const char *config_hash;   /* hash of the configuration */
    uint64_t seed;             /* stored as the same 64 bits in an INTEGER */
    const char *version;       /* gpusim version string */
    const char *started;       /* UTC ISO-8601; NULL: take the store's clock */
    int64_t sweep_id;          /* 0: not part of a sweep */
    const char *variant_key;   /* required when sweep_id != 0, else ignored */
    int64_t replication;       /* >= 0 when sweep_id != 0, else ignored */
} sim_store_run_info_t;

/* A stored run, as read back.  Owned by the caller: sim_store_run_free. */
typedef struct sim_store_run {
    int64_t id;
    char *command;
    char *scenario_json; /* NULL when stored NULL (likewise below) */
    char *config_hash;
    uint64_t seed;
    char *version;
    char *started;
    double wall_s;       /* NaN until the run has ended */
    char *status;
    int64_t sweep_id;    /* 0 when not part of a sweep */
    char *variant_key;   /* NULL when not part of a sweep */
    int64_t replication; /* -1 when not part of a sweep */
} sim_store_run_t;

/* One metric of a run; value is NaN for a text metric. */
typedef struct sim_store_metric {
    char *name;
    double value;
    char *text; /* NULL for a numeric metric */
} sim_store_metric_t;

/* The clock used for timestamps: seconds since the epoch (UTC). */
typedef time_t (*sim_store_clock_fn)(void *ctx);

/* ---- handle ----------------------------------------------------------- */

/*
 * Open (creating if needed, unless SIM_STORE_READONLY) the store at path, or
 * a private in-memory store for ":memory:".  On success *out owns a handle
 * for sim_store_close.  Returns SIM_OK; SIM_ERR_DB when the file cannot be
 * opened, is not a gpusim store, has a newer schema than this build, or (read
 * only) an older one; SIM_ERR_NOMEM.  On failure *out is NULL, and a file
 * that was refused is left as it was (a missing file may have been created
 * empty).  Cost: one file open plus a schema check (and migration).
 */
sim_err_t sim_store_open(const char *path, int flags, sim_store_t **out,
                         sim_diag_t *diag);

/* Close the handle, rolling back a transaction left open.  NULL is a
 * no-op. */
void sim_store_close(sim_store_t *st);

/* Replace the clock (NULL restores time()).  For deterministic tests. */
void sim_store_set_clock(sim_store_t *st, sim_store_clock_fn fn, void *ctx);

/* The path the store was opened with (never NULL while st is open). */
const char *sim_store_path(const sim_store_t *st);

/* The schema version of the open store (after any migration). */
int sim_store_schema_version(const sim_store_t *st);

/* The journal mode SQLite reports ("wal" for files, "memory" for
 * ":memory:") copied into buf of size n.  Returns SIM_OK or SIM_ERR_DB. */
sim_err_t sim_store_journal_mode(sim_store_t *st, char *buf, size_t n,
                                 sim_diag_t *diag);

/* ---- transactions ----------------------------------------------------- */

/*
 * Group writes: begin takes the write lock at once (BEGIN IMMEDIATE, waiting
 * up to the busy timeout); commit makes everything since begin durable as
 * one; rollback discards it.  Transactions do not nest: begin while one is
 * open gives SIM_ERR_DB.  rollback with none open is a no-op returning
 * SIM_OK, so cleanup paths may call it unconditionally.
 */
sim_err_t sim_store_begin(sim_store_t *st, sim_diag_t *diag);
sim_err_t sim_store_commit(sim_store_t *st, sim_diag_t *diag);
sim_err_t sim_store_rollback(sim_store_t *st, sim_diag_t *diag);

/* ---- writing a run ---------------------------------------------------- */

/*
 * Record a new run with status SIM_STORE_RUNNING; *run_id receives its id
 * (> 0).  For a sweep variant, a stale row of the same (sweep_id,
 * variant_key, replication) still SIM_STORE_RUNNING (left by a crash) is
 * replaced; a finished one gives SIM_ERR_DB (stored once).  Returns SIM_OK,
 * SIM_ERR_INPUT (command NULL, or a sweep run without key or with negative
 * replication), SIM_ERR_DB, SIM_ERR_NOMEM.  O(log runs).
 */
sim_err_t sim_store_run_begin(sim_store_t *st, const sim_store_run_info_t *info,
                              int64_t *run_id, sim_diag_t *diag);

/* Mark a run ended: wall seconds and a status ("ok", "failed", ...,
 * non-NULL).  Returns SIM_OK, SIM_ERR_NOTFOUND (no such run), SIM_ERR_DB. */
sim_err_t sim_store_run_end(sim_store_t *st, int64_t run_id, double wall_s,
                            const char *status, sim_diag_t *diag);

/*
 * Set a metric of a run, replacing an earlier value of the same name: a
 * number (sim_store_metric) or a text (sim_store_metric_text, value NULL).
 * name and text non-NULL.  Returns SIM_OK, SIM_ERR_DB (also for an unknown
 * run_id).  O(log metrics).
 */
sim_err_t sim_store_metric(sim_store_t *st, int64_t run_id, const char *name,
                           double value, sim_diag_t *diag);
sim_err_t sim_store_metric_text(sim_store_t *st, int64_t run_id,
                                const char *name, const char *text,
                                sim_diag_t *diag);

/*
 * Append n points (t[i], v[i]) to the series name of a run, all in one
 * transaction (nested in the caller's when open): either all are stored or
 * none.  t and v may be NULL when n == 0.  Returns SIM_OK, SIM_ERR_DB.
 * O(n log size).
 */
sim_err_t sim_store_series_append(sim_store_t *st, int64_t run_id,
                                  const char *name, const double *t,
                                  const double *v, size_t n, sim_diag_t *diag);

/* ---- reading runs (for reports) --------------------------------------- */

/*
 * Ids of runs, latest first, optionally only those of one command (NULL:
 * all), at most limit of them (0: all).  *ids is a new array the caller
 * frees with free() (NULL when *n == 0).  Returns SIM_OK, SIM_ERR_DB,
 * SIM_ERR_NOMEM.
 */
sim_err_t sim_store_runs_list(sim_store_t *st, const char *command,
                              size_t limit, int64_t **ids, size_t *n,
                              sim_diag_t *diag);

/* The id of the latest run (optionally of one command), or 0 in *run_id when
 * the store holds none.  Returns SIM_OK or SIM_ERR_DB. */
sim_err_t sim_store_run_latest(sim_store_t *st, const char *command,
                               int64_t *run_id, sim_diag_t *diag);

/* Read one run into a new record (*out, freed with sim_store_run_free).
 * Returns SIM_OK, SIM_ERR_NOTFOUND, SIM_ERR_DB, SIM_ERR_NOMEM. */
sim_err_t sim_store_run_get(sim_store_t *st, int64_t run_id,
                            sim_store_run_t **out, sim_diag_t *diag);

/* Free a record from sim_store_run_get.  NULL is a no-op. */
void sim_store_run_free(sim_store_run_t *run);

/* All metrics of a run, sorted by name, in a new array (*out, freed with
 * sim_store_metrics_free; NULL when *n == 0).  An unknown run has none.
 * Returns SIM_OK, SIM_ERR_DB, SIM_ERR_NOMEM. */
sim_err_t sim_store_metrics_get(sim_store_t *st, int64_t run_id,
                                sim_store_metric_t **out, size_t *n,
                                sim_diag_t *diag);

/* Free an array from sim_store_metrics_get.  NULL is a no-op. */
void sim_store_metrics_free(sim_store_metric_t *m, size_t n);

/* One numeric metric: *found says whether the run has it; *value is NaN
 * when not found or when the metric is text.  Returns SIM_OK or
 * SIM_ERR_DB. */
sim_err_t sim_store_metric_get(sim_store_t *st, int64_t run_id,
                               const char *name, double *value, bool *found,
                               sim_diag_t *diag);

/* Names of the series of a run, sorted, in a new array of new strings
 * (free with sim_store_strv_free).  Returns SIM_OK, SIM_ERR_DB,
 * SIM_ERR_NOMEM. */
sim_err_t sim_store_series_names(sim_store_t *st, int64_t run_id,
                                 char ***names, size_t *n, sim_diag_t *diag);

/* Free an array of n strings (and the strings).  NULL is a no-op. */
void sim_store_strv_free(char **v, size_t n);

/*
 * A series of a run, ordered by t (then by insertion for equal t), in two
 * new arrays *t and *v of *n points, freed with free() (NULL when *n == 0;
 * an unknown series is empty).  Returns SIM_OK, SIM_ERR_DB, SIM_ERR_NOMEM.
 */
sim_err_t sim_store_series_get(sim_store_t *st, int64_t run_id,
                               const char *name, double **t, double **v,
                               size_t *n, sim_diag_t *diag);

/* ---- sweeps ----------------------------------------------------------- */

/* Record a new sweep of total variants; *sweep_id receives its id (> 0).
 * Strings may be NULL.  Returns SIM_OK, SIM_ERR_DB. */
sim_err_t sim_store_sweep_new(sim_store_t *st, const char *scenario_json,
                              const char *vary_json, int64_t total,
                              int64_t *sweep_id, sim_diag_t *diag);

/* The latest sweep with exactly this scenario and vary JSON (so a rerun can
 * resume it), or 0 in *sweep_id when none.  Returns SIM_OK, SIM_ERR_DB. */
sim_err_t sim_store_sweep_find(sim_store_t *st, const char *scenario_json,
                               const char *vary_json, int64_t *sweep_id,
                               sim_diag_t *diag);

/*
 * Whether variant_key of sweep_id is already stored as a finished run (any
 * status but SIM_STORE_RUNNING): sim_store_variant_done asks for any
 * replication, sim_store_replication_done for one.  Returns SIM_OK or
 * SIM_ERR_DB.  O(log runs).
 */
sim_err_t sim_store_variant_done(sim_store_t *st, int64_t sweep_id,
                                 const char *variant_key, bool *done,
                                 sim_diag_t *diag);
sim_err_t sim_store_replication_done(sim_store_t *st, int64_t sweep_id,
                                     const char *variant_key,
                                     int64_t replication, bool *done,
                                     sim_diag_t *diag);

/* Ids of the runs of a sweep, ordered by (variant_key, replication), in a
 * new array freed with free().  Returns SIM_OK, SIM_ERR_DB, SIM_ERR_NOMEM. */
sim_err_t sim_store_sweep_runs(sim_store_t *st, int64_t sweep_id,
                               int64_t **ids, size_t *n, sim_diag_t *diag);

/* ---- result cache (planner) ------------------------------------------- */

/* Store result_json for config_hash (replacing an earlier entry).  All
 * strings non-NULL.  Returns SIM_OK, SIM_ERR_DB. */
sim_err_t sim_store_cache_put(sim_store_t *st, const char *config_hash,
                              const char *command, const char *result_json,
                              sim_diag_t *diag);

/* Look up config_hash: on a hit *result_json is a new string (free()), on a
 * miss NULL.  Returns SIM_OK, SIM_ERR_DB, SIM_ERR_NOMEM. */
sim_err_t sim_store_cache_get(sim_store_t *st, const char *config_hash,
                              char **result_json, sim_diag_t *diag);

#endif /* SIM_STORE_STORE_H */
