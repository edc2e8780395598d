/*
 * store_read.c — the results store's queries, for reports and for sweeps
 * and the planner deciding what is already done (see store.h).
 *
 * Every query is a cached statement from store.c, stepped to the end and
 * reset before returning, so no read transaction outlives a call (a held
 * read snapshot would stop WAL checkpoints).  Results are copied into
 * memory the caller owns; on failure nothing is handed out.
 */
#include "sim/store/store_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* p (an array of *cap elements of size elem) with room for element len:
 * p itself or a larger copy.  NULL when out of memory; p is then intact. */
static void *grow(void *p, size_t *cap, size_t len, size_t elem)
{
    size_t ncap;
    void *q;
    if (len < *cap)
        return p;
    ncap = *cap == 0 ? 16 : *cap * 2;
    q = realloc(p, ncap * elem);
    if (q != NULL)
        *cap = ncap;
    return q;
}

/* Grow array a by the rules above; on failure jump to fail with err set. */
#define GROW_OR_FAIL(a, cap, len)                                           \
    do {                                                                    \
        void *grown_ = grow((a), &(cap), (len), sizeof *(a));               \
        if (grown_ == NULL) {                                               \
            err = nomem(st, diag);                                          \
            goto fail;                                                      \
        }                                                                   \
        (a) = grown_;                                                       \
    } while (0)

static sim_err_t nomem(const sim_store_t *st, sim_diag_t *diag)
{
    return sim_diag_set(diag, SIM_ERR_NOMEM, st->path, 0, "", "out of memory");
}

/* Step s to the end, gathering column 0 as integers into a new array. */
static sim_err_t collect_ids(sim_store_t *st, sqlite3_stmt *s, int64_t **ids,
                             size_t *n, sim_diag_t *diag)
{
    int64_t *a = NULL;
    size_t len = 0, cap = 0;
    sim_err_t err;
    int rc;

    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        GROW_OR_FAIL(a, cap, len);
        a[len++] = sqlite3_column_int64(s, 0);
    }
    if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "listing runs");
        goto fail;
    }
    sqlite3_reset(s);
    *ids = a;
    *n = len;
    return SIM_OK;
fail:
    sqlite3_reset(s);
    free(a);
    return err;
}

/* Step a query that yields at most one integer; *value stays as given when
 * there is no row.  */
static sim_err_t one_int(sim_store_t *st, sqlite3_stmt *s, int64_t *value,
                         sim_diag_t *diag, const char *what)
{
    int rc = sqlite3_step(s);
    sim_err_t err = SIM_OK;
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE)
        err = store_db_fail(st->db, st->path, diag, what);
    sqlite3_reset(s);
    return err;
}

sim_err_t sim_store_runs_list(sim_store_t *st, const char *command,
                              size_t limit, int64_t **ids, size_t *n,
                              sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_RUNS_LIST, diag);
    *ids = NULL;
    *n = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    store_bind_text(s, 1, command);
    /* LIMIT -1 means no limit in SQLite. */
    sqlite3_bind_int64(s, 2,
                       limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit);
    return collect_ids(st, s, ids, n, diag);
}

sim_err_t sim_store_run_latest(sim_store_t *st, const char *command,
                               int64_t *run_id, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_RUNS_LIST, diag);
    *run_id = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    store_bind_text(s, 1, command);
    sqlite3_bind_int64(s, 2, 1);
    return one_int(st, s, run_id, diag, "finding the latest run");
}

void sim_store_run_free(sim_store_run_t *run)
{
    if (run == NULL)
        return;
    free(run->command);
    free(run->scenario_json);
    free(run->config_hash);
    free(run->version);
    free(run->started);
    free(run->status);
    free(run->variant_key);
    free(run);
}

sim_err_t sim_store_run_get(sim_store_t *st, int64_t run_id,
                            sim_store_run_t **out, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_RUN_GET, diag);
    sim_store_run_t *r = NULL;
    sim_err_t err;
    int rc, oom = 0;

    *out = NULL;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        err = sim_diag_set(diag, SIM_ERR_NOTFOUND, st->path, 0, "",
                           "no run with id %lld", (long long)run_id);
        goto fail;
    }
    if (rc != SQLITE_ROW) {
        err = store_db_fail(st->db, st->path, diag, "reading a run");
        goto fail;
    }
    r = calloc(1, sizeof *r);
    if (r == NULL) {
        err = nomem(st, diag);
        goto fail;
    }
    r->id = sqlite3_column_int64(s, 0);
    r->command = store_column_dup(s, 1, &oom);
    r->scenario_json = store_column_dup(s, 2, &oom);
    r->config_hash = store_column_dup(s, 3, &oom);
    r->seed = (uint64_t)sqlite3_column_int64(s, 4);
    r->version = store_column_dup(s, 5, &oom);
    r->started = store_column_dup(s, 6, &oom);
    r->wall_s = store_column_real(s, 7);
    r->status = store_column_dup(s, 8, &oom);
    r->sweep_id = sqlite3_column_int64(s, 9); /* NULL reads as 0 */
    r->variant_key = store_column_dup(s, 10, &oom);
    r->replication = sqlite3_column_type(s, 11) == SQLITE_NULL
                         ? -1
                         : sqlite3_column_int64(s, 11);
    if (oom) {
        err = nomem(st, diag);
        goto fail;
    }
    sqlite3_reset(s);
    *out = r;
    return SIM_OK;
fail:
    sqlite3_reset(s);
    sim_store_run_free(r);
    return err;
}

void sim_store_metrics_free(sim_store_metric_t *m, size_t n)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].text);
    }
    free(m);
}

sim_err_t sim_store_metrics_get(sim_store_t *st, int64_t run_id,
                                sim_store_metric_t **out, size_t *n,
                                sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_METRICS_GET, diag);
    sim_store_metric_t *a = NULL;
    size_t len = 0, cap = 0;
    sim_err_t err;
    int rc, oom = 0;

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        GROW_OR_FAIL(a, cap, len);
        a[len].name = store_column_dup(s, 0, &oom);
        a[len].value = store_column_real(s, 1);
        a[len].text = store_column_dup(s, 2, &oom);
        len++;
        if (oom) {
            err = nomem(st, diag);
            goto fail;
        }
    }
    if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "reading metrics");
        goto fail;
    }
    sqlite3_reset(s);
    *out = a;
    *n = len;
    return SIM_OK;
fail:
    sqlite3_reset(s);
    sim_store_metrics_free(a, len);
    return err;
}

sim_err_t sim_store_metric_get(sim_store_t *st, int64_t run_id,
                               const char *name, double *value, bool *found,
                               sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_METRIC_GET, diag);
    sim_err_t err = SIM_OK;
    int rc;

    *value = NAN;
    *found = false;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    store_bind_text(s, 2, name);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *found = true;
        *value = store_column_real(s, 0);
    } else if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "reading a metric");
    }
    sqlite3_reset(s);
    return err;
}

void sim_store_strv_free(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

sim_err_t sim_store_series_names(sim_store_t *st, int64_t run_id,
                                 char ***names, size_t *n, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_SERIES_NAMES, diag);
    char **a = NULL;
    size_t len = 0, cap = 0;
    sim_err_t err;
    int rc, oom = 0;

    *names = NULL;
    *n = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        GROW_OR_FAIL(a, cap, len);
        a[len] = store_column_dup(s, 0, &oom);
        len++;
        if (oom) {
            err = nomem(st, diag);
            goto fail;
        }
    }
    if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "listing series");
        goto fail;
    }
    sqlite3_reset(s);
    *names = a;
    *n = len;
    return SIM_OK;
fail:
    sqlite3_reset(s);
    sim_store_strv_free(a, len);
    return err;
}

sim_err_t sim_store_series_get(sim_store_t *st, int64_t run_id,
                               const char *name, double **t, double **v,
                               size_t *n, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_SERIES_GET, diag);
    double *at = NULL, *av = NULL;
    size_t len = 0, cap_t = 0, cap_v = 0;
    sim_err_t err;
    int rc;

    *t = NULL;
    *v = NULL;
    *n = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, run_id);
    store_bind_text(s, 2, name);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        GROW_OR_FAIL(at, cap_t, len);
        GROW_OR_FAIL(av, cap_v, len);
        at[len] = store_column_real(s, 0);
        av[len] = store_column_real(s, 1);
        len++;
    }
    if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "reading a series");
        goto fail;
    }
    sqlite3_reset(s);
    *t = at;
    *v = av;
    *n = len;
    return SIM_OK;
fail:
    sqlite3_reset(s);
    free(at);
    free(av);
    return err;
}

/* ---- sweeps ----------------------------------------------------------- */

sim_err_t sim_store_sweep_find(sim_store_t *st, const char *scenario_json,
                               const char *vary_json, int64_t *sweep_id,
                               sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_SWEEP_FIND, diag);
    *sweep_id = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    store_bind_text(s, 1, scenario_json);
    store_bind_text(s, 2, vary_json);
    return one_int(st, s, sweep_id, diag, "finding a sweep");
}

sim_err_t sim_store_variant_done(sim_store_t *st, int64_t sweep_id,
                                 const char *variant_key, bool *done,
                                 sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_VARIANT_DONE, diag);
    int64_t exists = 0;
    sim_err_t err;
    assert(variant_key != NULL);
    *done = false;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, sweep_id);
    store_bind_text(s, 2, variant_key);
    err = one_int(st, s, &exists, diag, "checking a sweep variant");
    *done = exists != 0;
    return err;
}

sim_err_t sim_store_replication_done(sim_store_t *st, int64_t sweep_id,
                                     const char *variant_key,
                                     int64_t replication, bool *done,
                                     sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_REPLICATION_DONE, diag);
    int64_t exists = 0;
    sim_err_t err;
    assert(variant_key != NULL);
    *done = false;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, sweep_id);
    store_bind_text(s, 2, variant_key);
    sqlite3_bind_int64(s, 3, replication);
    err = one_int(st, s, &exists, diag, "checking a sweep variant");
    *done = exists != 0;
    return err;
}

sim_err_t sim_store_sweep_runs(sim_store_t *st, int64_t sweep_id,
                               int64_t **ids, size_t *n, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_SWEEP_RUNS, diag);
    *ids = NULL;
    *n = 0;
    if (s == NULL)
        return SIM_ERR_DB;
    sqlite3_bind_int64(s, 1, sweep_id);
    return collect_ids(st, s, ids, n, diag);
}

/* ---- cache ------------------------------------------------------------ */

sim_err_t sim_store_cache_get(sim_store_t *st, const char *config_hash,
                              char **result_json, sim_diag_t *diag)
{
    sqlite3_stmt *s = store_stmt(st, STMT_CACHE_GET, diag);
    sim_err_t err = SIM_OK;
    int rc, oom = 0;

    assert(config_hash != NULL);
    *result_json = NULL;
    if (s == NULL)
        return SIM_ERR_DB;
    store_bind_text(s, 1, config_hash);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *result_json = store_column_dup(s, 0, &oom);
        if (oom)
            err = nomem(st, diag);
    } else if (rc != SQLITE_DONE) {
        err = store_db_fail(st->db, st->path, diag, "reading the cache");
    }
    sqlite3_reset(s);
    return err;
}
