/*
 * test_store.c — the results store, on ":memory:" and on files in a private
 * temporary directory: round trips of runs, metrics and series; hostile
 * strings stored verbatim; transactions; sweep variants stored once; the
 * cache; schema version written, kept across reopening, migrated from a
 * hand-built version 1 file; newer, foreign and non-SQLite files refused
 * and left untouched; WAL on for files.
 *
 * Uses raw sqlite3 calls only to build or inspect files behind the store's
 * back, as another program (or an older gpusim) would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/store/store.h"
#include "tests/unit/assert_close.h"

/* 2023-11-14T22:13:20Z */
#define FIXED_NOW ((time_t)1700000000)

static time_t fixed_clock(void *ctx)
{
    (void)ctx;
    return FIXED_NOW;
}

/* ---- fixtures: a private directory for file tests --------------------- */

typedef struct fixture {
    char dir[256];
    char db[300];
} fixture_t;

static int setup_dir(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/test_store.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/results.db", f->dir);
    *state = f;
    return 0;
}

static int teardown_dir(void **state)
{
    fixture_t *f = *state;
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[320];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", f->db, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static sim_store_t *open_ok(const char *path, int flags)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = NULL;
    sim_err_t err = sim_store_open(path, flags, &st, &d);
    if (err != SIM_OK)
        fprintf(stderr, "open %s: %s\n", path, d.msg);
    assert_int_equal(err, SIM_OK);
    assert_non_null(st);
    sim_store_set_clock(st, fixed_clock, NULL);
    return st;
}

static int64_t begin_run(sim_store_t *st, const char *command)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_run_info_t info = {.command = command, .seed = 1};
    int64_t id = 0;
    assert_int_equal(sim_store_run_begin(st, &info, &id, &d), SIM_OK);
    assert_true(id > 0);
    return id;
}

/* Run one SQL statement on a raw handle; returns its first integer column
 * (or -1 when it yields no row). */
static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, err);
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
}

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static void raw_journal_mode(sqlite3 *db, char *buf, size_t n)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* ---- round trips ------------------------------------------------------ */

static void test_run_round_trip(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_run_info_t info = {
        .command = "train",
        .scenario_json = "{\"cluster\":{\"gpus\":1024}}",
        .config_hash = "abc123",
        .seed = UINT64_MAX, /* all 64 bits survive the signed INTEGER */
        .version = "0.1.0",
    };
    int64_t id = 0;
    sim_store_run_t *run = NULL;

    assert_int_equal(sim_store_schema_version(st), SIM_STORE_SCHEMA_VERSION);
    assert_int_equal(sim_store_run_begin(st, &info, &id, &d), SIM_OK);
    assert_int_equal(sim_store_run_get(st, id, &run, &d), SIM_OK);
    assert_string_equal(run->status, SIM_STORE_RUNNING);
    assert_true(isnan(run->wall_s));
    sim_store_run_free(run);

    assert_int_equal(sim_store_run_end(st, id, 12.5, "ok", &d), SIM_OK);
    assert_int_equal(sim_store_run_get(st, id, &run, &d), SIM_OK);
    assert_int_equal(run->id, id);
    assert_string_equal(run->command, "train");
    assert_string_equal(run->scenario_json, info.scenario_json);
    assert_string_equal(run->config_hash, "abc123");
    assert_true(run->seed == UINT64_MAX);
    assert_string_equal(run->version, "0.1.0");
    assert_string_equal(run->started, "2023-11-14T22:13:20Z");
    assert_close(run->wall_s, 12.5, 0);
    assert_string_equal(run->status, "ok");
    assert_int_equal(run->sweep_id, 0);
    assert_null(run->variant_key);
    assert_int_equal(run->replication, -1);
    sim_store_run_free(run);

    /* A caller-given start time wins over the clock; NULL strings stay
     * NULL. */
    sim_store_run_info_t bare = {.command = "serve",
                                 .started = "2024-01-02T03:04:05Z"};
    int64_t id2 = 0;
    assert_int_equal(sim_store_run_begin(st, &bare, &id2, &d), SIM_OK);
    assert_true(id2 > id);
    assert_int_equal(sim_store_run_get(st, id2, &run, &d), SIM_OK);
    assert_string_equal(run->started, "2024-01-02T03:04:05Z");
    assert_null(run->scenario_json);
    assert_null(run->config_hash);
    assert_int_equal(run->seed, 0);
    sim_store_run_free(run);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

static void test_metrics_and_series(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    int64_t id = begin_run(st, "train");
    sim_store_metric_t *m = NULL;
    size_t n = 0;
    double value;
    bool found;

    assert_int_equal(sim_store_metric(st, id, "tokens_per_s", 1.25e6, &d),
                     SIM_OK);
    assert_int_equal(sim_store_metric(st, id, "mfu", 0.1, &d), SIM_OK);
    assert_int_equal(sim_store_metric(st, id, "mfu", 0.4321, &d), SIM_OK);
    assert_int_equal(sim_store_metric(st, id, "goodput", NAN, &d), SIM_OK);
    assert_int_equal(sim_store_metric_text(st, id, "plan", "tp=8 pp=4", &d),
                     SIM_OK);

    assert_int_equal(sim_store_metrics_get(st, id, &m, &n, &d), SIM_OK);
    assert_int_equal(n, 4); /* replaced, not duplicated */
    assert_string_equal(m[0].name, "goodput");
    assert_true(isnan(m[0].value));
    assert_string_equal(m[1].name, "mfu");
    assert_true(m[1].value == 0.4321); /* bit-exact */
    assert_null(m[1].text);
    assert_string_equal(m[2].name, "plan");
    assert_true(isnan(m[2].value));
    assert_string_equal(m[2].text, "tp=8 pp=4");
    assert_string_equal(m[3].name, "tokens_per_s");
    assert_true(m[3].value == 1.25e6);
    sim_store_metrics_free(m, n);

    assert_int_equal(sim_store_metric_get(st, id, "mfu", &value, &found, &d),
                     SIM_OK);
    assert_true(found);
    assert_true(value == 0.4321);
    assert_int_equal(
        sim_store_metric_get(st, id, "missing", &value, &found, &d), SIM_OK);
    assert_false(found);
    assert_true(isnan(value));

    /* Two batches, the second reaching back in time: read sorted by t. */
    const double t1[] = {0.0, 1.0, 2.0}, v1[] = {10.0, 11.0, 12.0};
    const double t2[] = {1.5}, v2[] = {-INFINITY};
    double *t = NULL, *v = NULL;
    assert_int_equal(sim_store_series_append(st, id, "util", t1, v1, 3, &d),
                     SIM_OK);
    assert_int_equal(sim_store_series_append(st, id, "util", t2, v2, 1, &d),
                     SIM_OK);
    assert_int_equal(sim_store_series_append(st, id, "queue", NULL, NULL, 0,
                                             &d),
                     SIM_OK);
    assert_int_equal(sim_store_series_append(st, id, "loss", t1, v1, 1, &d),
                     SIM_OK);
    assert_int_equal(sim_store_series_get(st, id, "util", &t, &v, &n, &d),
                     SIM_OK);
    assert_int_equal(n, 4);
    assert_close(t[0], 0.0, 0);
    assert_close(t[1], 1.0, 0);
    assert_close(t[2], 1.5, 0);
    assert_true(isinf(v[2]) && v[2] < 0);
    assert_close(t[3], 2.0, 0);
    assert_close(v[3], 12.0, 0);
    free(t);
    free(v);
    assert_int_equal(sim_store_series_get(st, id, "none", &t, &v, &n, &d),
                     SIM_OK);
    assert_int_equal(n, 0);
    assert_null(t);

    char **names = NULL;
    assert_int_equal(sim_store_series_names(st, id, &names, &n, &d), SIM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "loss");
    assert_string_equal(names[1], "util");
    sim_store_strv_free(names, n);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

static void test_listing(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    int64_t latest = -1, *ids = NULL;
    size_t n = 0;

    assert_int_equal(sim_store_run_latest(st, NULL, &latest, &d), SIM_OK);
    assert_int_equal(latest, 0); /* empty store */
    assert_int_equal(sim_store_runs_list(st, NULL, 0, &ids, &n, &d), SIM_OK);
    assert_int_equal(n, 0);
    assert_null(ids);

    int64_t a = begin_run(st, "train");
    int64_t b = begin_run(st, "serve");
    int64_t c = begin_run(st, "train");
    assert_int_equal(sim_store_runs_list(st, NULL, 0, &ids, &n, &d), SIM_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], c);
    assert_int_equal(ids[1], b);
    assert_int_equal(ids[2], a);
    free(ids);
    assert_int_equal(sim_store_runs_list(st, "train", 1, &ids, &n, &d),
                     SIM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], c);
    free(ids);
    assert_int_equal(sim_store_run_latest(st, "serve", &latest, &d), SIM_OK);
    assert_int_equal(latest, b);
    assert_int_equal(sim_store_run_latest(st, NULL, &latest, &d), SIM_OK);
    assert_int_equal(latest, c);
    assert_int_equal(sim_store_run_latest(st, "plan", &latest, &d), SIM_OK);
    assert_int_equal(latest, 0);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

/* ---- bound parameters ------------------------------------------------- */

static void test_hostile_strings(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    const char *evil = "'; DROP TABLE runs;--";
    const char *quotes = "it's \"quoted\" \\ back\\slash %s %n ?1 :x @y $z";
    const char *uni = "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x9a\x80 \xc3\xa9";
    sim_store_run_info_t info = {.command = evil,
                                 .scenario_json = quotes,
                                 .config_hash = uni,
                                 .version = "x' OR '1'='1"};
    int64_t id = 0, latest = 0;
    sim_store_run_t *run = NULL;
    sim_store_metric_t *m = NULL;
    size_t n = 0;
    char *json = NULL;

    assert_int_equal(sim_store_run_begin(st, &info, &id, &d), SIM_OK);
    assert_int_equal(sim_store_metric(st, id, evil, 1.0, &d), SIM_OK);
    assert_int_equal(sim_store_metric_text(st, id, quotes, uni, &d), SIM_OK);
    assert_int_equal(sim_store_run_end(st, id, 1.0, evil, &d), SIM_OK);
    assert_int_equal(sim_store_cache_put(st, evil, quotes, uni, &d), SIM_OK);

    assert_int_equal(sim_store_run_get(st, id, &run, &d), SIM_OK);
    assert_string_equal(run->command, evil);
    assert_string_equal(run->scenario_json, quotes);
    assert_string_equal(run->config_hash, uni);
    assert_string_equal(run->version, "x' OR '1'='1");
    assert_string_equal(run->status, evil);
    sim_store_run_free(run);

    assert_int_equal(sim_store_metrics_get(st, id, &m, &n, &d), SIM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].name, evil); /* "'" sorts before "i" */
    assert_string_equal(m[1].name, quotes);
    assert_string_equal(m[1].text, uni);
    sim_store_metrics_free(m, n);

    assert_int_equal(sim_store_cache_get(st, evil, &json, &d), SIM_OK);
    assert_string_equal(json, uni);
    free(json);

    /* The table is still there and a filter by the evil command matches. */
    assert_int_equal(sim_store_run_latest(st, evil, &latest, &d), SIM_OK);
    assert_int_equal(latest, id);
    assert_int_equal(begin_run(st, "train"), id + 1);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

/* ---- transactions ----------------------------------------------------- */

static void test_transactions(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    int64_t latest = 0, id;
    const double t[] = {0.0, 1.0}, v[] = {1.0, 2.0};
    double value;
    bool found;

    /* Rolled back: nothing stays. */
    assert_int_equal(sim_store_begin(st, &d), SIM_OK);
    id = begin_run(st, "train");
    assert_int_equal(sim_store_metric(st, id, "x", 1.0, &d), SIM_OK);
    assert_int_equal(sim_store_series_append(st, id, "s", t, v, 2, &d),
                     SIM_OK);
    assert_int_equal(sim_store_rollback(st, &d), SIM_OK);
    assert_int_equal(sim_store_run_latest(st, NULL, &latest, &d), SIM_OK);
    assert_int_equal(latest, 0);

    /* Committed, and a failing batch inside rolls back only itself. */
    assert_int_equal(sim_store_begin(st, &d), SIM_OK);
    id = begin_run(st, "train");
    assert_int_equal(sim_store_metric(st, id, "x", 2.0, &d), SIM_OK);
    assert_int_equal(sim_store_series_append(st, id + 100, "s", t, v, 2, &d),
                     SIM_ERR_DB); /* no such run: foreign key */
    assert_non_null(strstr(d.msg, "FOREIGN KEY"));
    sim_diag_clear(&d);
    assert_int_equal(sim_store_commit(st, &d), SIM_OK);
    assert_int_equal(sim_store_metric_get(st, id, "x", &value, &found, &d),
                     SIM_OK);
    assert_true(found);
    assert_close(value, 2.0, 0);

    /* Misuse is reported, not fatal; rollback with none open is fine. */
    assert_int_equal(sim_store_commit(st, &d), SIM_ERR_DB);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_begin(st, &d), SIM_OK);
    assert_int_equal(sim_store_begin(st, &d), SIM_ERR_DB);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_rollback(st, &d), SIM_OK);
    assert_int_equal(sim_store_rollback(st, &d), SIM_OK);
    /* A transaction left open is rolled back by close (ASan checks the
     * handle is released). */
    assert_int_equal(sim_store_begin(st, &d), SIM_OK);
    sim_store_close(st);
}

static void test_errors(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_run_t *run = NULL;
    sim_store_run_info_t no_cmd = {.command = NULL};
    int64_t id = 7;

    assert_int_equal(sim_store_metric(st, 42, "x", 1.0, &d), SIM_ERR_DB);
    assert_string_equal(d.file, ":memory:");
    assert_non_null(strstr(d.msg, "metric 'x' of run 42"));
    sim_diag_clear(&d);
    assert_int_equal(sim_store_run_end(st, 42, 1.0, "ok", &d),
                     SIM_ERR_NOTFOUND);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_run_get(st, 42, &run, &d), SIM_ERR_NOTFOUND);
    assert_null(run);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_run_begin(st, &no_cmd, &id, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(id, 0);
    sim_store_close(st);
    sim_store_close(NULL); /* no-op */
    sim_store_run_free(NULL);
    sim_store_metrics_free(NULL, 0);
    sim_store_strv_free(NULL, 0);
}

/* ---- sweeps and cache ------------------------------------------------- */

static void test_sweep_variants(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    int64_t sw = 0, found = -1, a, b, stale, *ids = NULL;
    size_t n = 0;
    bool done = true;
    sim_store_metric_t *m = NULL;

    assert_int_equal(sim_store_sweep_find(st, "{}", "[\"tp\"]", &found, &d),
                     SIM_OK);
    assert_int_equal(found, 0);
    assert_int_equal(sim_store_sweep_new(st, "{}", "[\"tp\"]", 3, &sw, &d),
                     SIM_OK);
    assert_true(sw > 0);
    assert_int_equal(sim_store_sweep_find(st, "{}", "[\"tp\"]", &found, &d),
                     SIM_OK);
    assert_int_equal(found, sw);
    assert_int_equal(sim_store_sweep_find(st, "{}", "[\"pp\"]", &found, &d),
                     SIM_OK);
    assert_int_equal(found, 0);

    sim_store_run_info_t info = {.command = "train", .sweep_id = sw,
                                 .variant_key = "tp=4", .replication = 0};
    assert_int_equal(sim_store_run_begin(st, &info, &b, &d), SIM_OK);
    /* Begun is not done. */
    assert_int_equal(sim_store_variant_done(st, sw, "tp=4", &done, &d),
                     SIM_OK);
    assert_false(done);
    assert_int_equal(sim_store_run_end(st, b, 1.0, "ok", &d), SIM_OK);
    assert_int_equal(sim_store_variant_done(st, sw, "tp=4", &done, &d),
                     SIM_OK);
    assert_true(done);
    assert_int_equal(sim_store_variant_done(st, sw, "tp=8", &done, &d),
                     SIM_OK);
    assert_false(done);
    assert_int_equal(sim_store_variant_done(st, sw + 1, "tp=4", &done, &d),
                     SIM_OK);
    assert_false(done);
    assert_int_equal(sim_store_replication_done(st, sw, "tp=4", 0, &done, &d),
                     SIM_OK);
    assert_true(done);
    assert_int_equal(sim_store_replication_done(st, sw, "tp=4", 1, &done, &d),
                     SIM_OK);
    assert_false(done);

    /* Stored once: a finished variant cannot be stored again. */
    assert_int_equal(sim_store_run_begin(st, &info, &a, &d), SIM_ERR_DB);
    assert_non_null(strstr(d.msg, "already stored"));
    assert_int_equal(a, 0);
    sim_diag_clear(&d);

    /* A crash leaves tp=2 running with a metric; the rerun replaces it. */
    info.variant_key = "tp=2";
    assert_int_equal(sim_store_run_begin(st, &info, &stale, &d), SIM_OK);
    assert_int_equal(sim_store_metric(st, stale, "partial", 1.0, &d), SIM_OK);
    assert_int_equal(sim_store_run_begin(st, &info, &a, &d), SIM_OK);
    /* (SQLite may hand the freed id out again: no AUTOINCREMENT.) */
    assert_int_equal(sim_store_metrics_get(st, a, &m, &n, &d), SIM_OK);
    assert_int_equal(n, 0); /* cascaded away with the stale run */
    assert_int_equal(sim_store_sweep_runs(st, sw, &ids, &n, &d), SIM_OK);
    assert_int_equal(n, 2); /* tp=2 once, tp=4 */
    free(ids);
    assert_int_equal(sim_store_run_end(st, a, 1.0, "failed", &d), SIM_OK);
    assert_int_equal(sim_store_variant_done(st, sw, "tp=2", &done, &d),
                     SIM_OK);
    assert_true(done); /* a failed variant is finished too */

    /* Runs of the sweep in (variant_key, replication) order. */
    assert_int_equal(sim_store_sweep_runs(st, sw, &ids, &n, &d), SIM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], a); /* tp=2 */
    assert_int_equal(ids[1], b); /* tp=4 */
    free(ids);

    /* A sweep run needs its key and a replication >= 0. */
    info.variant_key = NULL;
    assert_int_equal(sim_store_run_begin(st, &info, &a, &d), SIM_ERR_INPUT);
    sim_diag_clear(&d);
    info.variant_key = "tp=1";
    info.replication = -1;
    assert_int_equal(sim_store_run_begin(st, &info, &a, &d), SIM_ERR_INPUT);
    sim_diag_clear(&d);
    /* An unknown sweep id is refused by the foreign key. */
    info.replication = 0;
    info.sweep_id = sw + 10;
    assert_int_equal(sim_store_run_begin(st, &info, &a, &d), SIM_ERR_DB);
    sim_store_close(st);
}

static void test_cache(void **state)
{
    (void)state;
    sim_store_t *st = open_ok(":memory:", SIM_STORE_READWRITE);
    sim_diag_t d = SIM_DIAG_INIT;
    char *json = (char *)"sentinel";

    assert_int_equal(sim_store_cache_get(st, "h1", &json, &d), SIM_OK);
    assert_null(json);
    assert_int_equal(sim_store_cache_put(st, "h1", "plan", "{\"a\":1}", &d),
                     SIM_OK);
    assert_int_equal(sim_store_cache_put(st, "h2", "plan", "{\"b\":2}", &d),
                     SIM_OK);
    assert_int_equal(sim_store_cache_get(st, "h1", &json, &d), SIM_OK);
    assert_string_equal(json, "{\"a\":1}");
    free(json);
    assert_int_equal(sim_store_cache_put(st, "h1", "plan", "{\"a\":3}", &d),
                     SIM_OK);
    assert_int_equal(sim_store_cache_get(st, "h1", &json, &d), SIM_OK);
    assert_string_equal(json, "{\"a\":3}");
    free(json);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

/* ---- files: version, reopening, WAL, refusals, migration -------------- */

static void test_file_reopen_wal(void **state)
{
    fixture_t *f = *state;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = open_ok(f->db, SIM_STORE_READWRITE);
    sim_store_t *other;
    char mode[16];
    int64_t id, latest = 0;
    double value;
    bool found;
    const double t[] = {0.5}, v[] = {7.0};

    assert_string_equal(sim_store_path(st), f->db);
    assert_int_equal(sim_store_journal_mode(st, mode, sizeof mode, &d),
                     SIM_OK);
    assert_string_equal(mode, "wal");
    id = begin_run(st, "train");
    assert_int_equal(sim_store_metric(st, id, "mfu", 0.5, &d), SIM_OK);
    assert_int_equal(sim_store_series_append(st, id, "u", t, v, 1, &d),
                     SIM_OK);

    /* A second handle (another process, as in a sweep) sees committed
     * writes while the first is open. */
    other = open_ok(f->db, SIM_STORE_READONLY);
    assert_int_equal(sim_store_run_latest(other, NULL, &latest, &d), SIM_OK);
    assert_int_equal(latest, id);
    sim_store_close(other);
    sim_store_close(st);

    /* The version is in meta, the mark in the header. */
    sqlite3 *db = raw_open(f->db);
    assert_int_equal(
        raw_int(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
        SIM_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(db, "PRAGMA application_id"), 0x47505553);
    sqlite3_close(db);

    st = open_ok(f->db, SIM_STORE_READWRITE);
    assert_int_equal(sim_store_metric_get(st, id, "mfu", &value, &found, &d),
                     SIM_OK);
    assert_true(found);
    assert_close(value, 0.5, 0);
    assert_int_equal(sim_store_run_latest(st, NULL, &latest, &d), SIM_OK);
    assert_int_equal(latest, id);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);
}

static void test_newer_version_refused(void **state)
{
    fixture_t *f = *state;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = open_ok(f->db, SIM_STORE_READWRITE);
    sim_store_close(st);

    sqlite3 *db = raw_open(f->db);
    raw_exec(db, "UPDATE meta SET value = 99 WHERE key = 'schema_version'");
    sqlite3_close(db);

    st = (sim_store_t *)&d; /* must be reset to NULL */
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READWRITE, &st, &d),
                     SIM_ERR_DB);
    assert_null(st);
    assert_string_equal(d.file, f->db);
    assert_non_null(strstr(d.msg, "version 99"));
    assert_non_null(strstr(d.msg, "version 2"));
    sim_diag_clear(&d);
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READONLY, &st, &d),
                     SIM_ERR_DB);

    db = raw_open(f->db);
    assert_int_equal(
        raw_int(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
        99); /* untouched */
    sqlite3_close(db);
}

static void test_not_a_store_refused(void **state)
{
    fixture_t *f = *state;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = NULL;
    char text[600], back[700], mode[16];
    FILE *fp;
    size_t len;

    /* A text file: refused and left byte for byte as it was. */
    memset(text, 'x', sizeof text);
    memcpy(text, "scenario notes, not a database\n", 31);
    fp = fopen(f->db, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, sizeof text, fp), sizeof text);
    fclose(fp);
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READWRITE, &st, &d),
                     SIM_ERR_DB);
    assert_null(st);
    assert_string_equal(d.file, f->db);
    assert_non_null(strstr(d.msg, "not a gpusim results store"));
    fp = fopen(f->db, "rb");
    assert_non_null(fp);
    len = fread(back, 1, sizeof back, fp);
    fclose(fp);
    assert_int_equal(len, sizeof text);
    assert_memory_equal(back, text, sizeof text);
    unlink(f->db);

    /* Another program's SQLite database: refused, not switched to WAL. */
    sqlite3 *db = raw_open(f->db);
    raw_exec(db, "CREATE TABLE runs(x); INSERT INTO runs VALUES(1)");
    sqlite3_close(db);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READWRITE, &st, &d),
                     SIM_ERR_DB);
    assert_non_null(strstr(d.msg, "no meta table"));
    db = raw_open(f->db);
    raw_journal_mode(db, mode, sizeof mode);
    assert_string_equal(mode, "delete");
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"), 1);
    sqlite3_close(db);
    unlink(f->db);

    /* A meta table that is not ours. */
    db = raw_open(f->db);
    raw_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
                 "INSERT INTO meta VALUES('schema_version', 1)");
    sqlite3_close(db);
    sim_diag_clear(&d);
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READWRITE, &st, &d),
                     SIM_ERR_DB);
    assert_non_null(strstr(d.msg, "meta.application"));
    unlink(f->db);

    /* A missing file cannot be opened read-only. */
    sim_diag_clear(&d);
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READONLY, &st, &d),
                     SIM_ERR_DB);
    assert_null(st);
}

/* The version 1 layout, as the first gpusim wrote it. */
static const char v1_schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
    "INSERT INTO meta VALUES('application', 'gpusim'),"
    " ('schema_version', 1);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, command TEXT NOT NULL,"
    " scenario_json TEXT, config_hash TEXT, seed INTEGER, version TEXT,"
    " started TEXT, wall_s REAL, status TEXT NOT NULL);"
    "CREATE TABLE metrics(run_id INTEGER NOT NULL REFERENCES runs(id)"
    " ON DELETE CASCADE, name TEXT NOT NULL, value REAL,"
    " PRIMARY KEY(run_id, name));"
    "CREATE TABLE series(run_id INTEGER NOT NULL REFERENCES runs(id)"
    " ON DELETE CASCADE, name TEXT NOT NULL, t REAL, value REAL);"
    "CREATE INDEX series_run_name_t ON series(run_id, name, t);"
    "INSERT INTO runs VALUES(1, 'train', '{}', 'h', 5, '0.0.1',"
    " '2024-05-01T00:00:00Z', 3.5, 'ok');"
    "INSERT INTO metrics VALUES(1, 'mfu', 0.375);"
    "INSERT INTO series VALUES(1, 'util', 0.0, 0.5);";

static void test_migrate_v1(void **state)
{
    fixture_t *f = *state;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = NULL;
    sim_store_run_t *run = NULL;
    sim_store_metric_t *m = NULL;
    size_t n = 0;
    int64_t sw = 0, id = 0;
    bool done = true;
    char *json = NULL;

    sqlite3 *db = raw_open(f->db);
    raw_exec(db, v1_schema);
    sqlite3_close(db);

    /* Read-only cannot migrate, so it refuses, naming both versions. */
    assert_int_equal(sim_store_open(f->db, SIM_STORE_READONLY, &st, &d),
                     SIM_ERR_DB);
    assert_non_null(strstr(d.msg, "version 1"));
    assert_non_null(strstr(d.msg, "version 2"));
    sim_diag_clear(&d);

    st = open_ok(f->db, SIM_STORE_READWRITE);
    assert_int_equal(sim_store_schema_version(st), 2);
    /* Old data intact, new columns empty. */
    assert_int_equal(sim_store_run_get(st, 1, &run, &d), SIM_OK);
    assert_string_equal(run->command, "train");
    assert_int_equal(run->seed, 5);
    assert_close(run->wall_s, 3.5, 0);
    assert_int_equal(run->sweep_id, 0);
    assert_null(run->variant_key);
    assert_int_equal(run->replication, -1);
    sim_store_run_free(run);
    assert_int_equal(sim_store_metrics_get(st, 1, &m, &n, &d), SIM_OK);
    assert_int_equal(n, 1);
    assert_close(m[0].value, 0.375, 0);
    assert_null(m[0].text);
    sim_store_metrics_free(m, n);
    /* Version 2 features work on the migrated file. */
    assert_int_equal(sim_store_metric_text(st, 1, "note", "migrated", &d),
                     SIM_OK);
    assert_int_equal(sim_store_sweep_new(st, "{}", "[]", 1, &sw, &d), SIM_OK);
    sim_store_run_info_t info = {.command = "train", .sweep_id = sw,
                                 .variant_key = "k", .replication = 0};
    assert_int_equal(sim_store_run_begin(st, &info, &id, &d), SIM_OK);
    assert_int_equal(sim_store_run_begin(st, &info, &id, &d), SIM_OK);
    assert_int_equal(sim_store_run_end(st, id, 1.0, "ok", &d), SIM_OK);
    assert_int_equal(sim_store_variant_done(st, sw, "k", &done, &d), SIM_OK);
    assert_true(done);
    assert_int_equal(sim_store_cache_put(st, "h", "plan", "{}", &d), SIM_OK);
    assert_int_equal(sim_store_cache_get(st, "h", &json, &d), SIM_OK);
    assert_string_equal(json, "{}");
    free(json);
    assert_int_equal(d.code, SIM_OK);
    sim_store_close(st);

    db = raw_open(f->db);
    assert_int_equal(
        raw_int(db, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);
    /* The unique index came with the migration. */
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
                                 " WHERE name = 'runs_variant'"),
                     1);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_round_trip),
        cmocka_unit_test(test_metrics_and_series),
        cmocka_unit_test(test_listing),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sweep_variants),
        cmocka_unit_test(test_cache),
        cmocka_unit_test_setup_teardown(test_file_reopen_wal, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_newer_version_refused, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_not_a_store_refused, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_migrate_v1, setup_dir,
                                        teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
