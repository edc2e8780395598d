/*
 * sweep_store.c — a sweep's side of the results store: find or record the
 * sweep, list what is left of it, commit a variant's outcome in one
 * transaction, and read the whole sweep back as JSON in cartesian order
 * (sweep.h).
 *
 * Crash safety rests on two facts: a variant's runs, metrics and status
 * reach the store in one transaction (a kill -9 before COMMIT leaves no
 * trace of it, after COMMIT all of it), and "left to do" is computed from
 * the store alone (sim_store_replication_done), never from a log.
 */
#include "sim/plan/sweep.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "sim/plan/sweep_int.h"

sim_err_t sweep_attach(const sweep_t *sw, sim_store_t *st, int64_t *sweep_id,
                       bool *resumed, sim_diag_t *diag)
{
    sim_err_t err = sim_store_sweep_find(st, sw->scenario_json, sw->vary_json,
                                         sweep_id, diag);
    if (err != SIM_OK)
        return err;
    *resumed = *sweep_id != 0;
    if (*resumed)
        return SIM_OK;
    return sim_store_sweep_new(st, sw->scenario_json, sw->vary_json,
                               (int64_t)sw->n_variants, sweep_id, diag);
}

void sweep_remaining_release(sweep_remaining_t *remaining)
{
    if (remaining == NULL)
        return;
    for (size_t i = 0; i < remaining->n; i++)
        free(remaining->items[i].reps);
    free(remaining->items);
    memset(remaining, 0, sizeof *remaining);
}

sim_err_t sweep_remaining(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                     sweep_remaining_t *remaining, sim_diag_t *diag)
{
    memset(remaining, 0, sizeof *remaining);
    sim_err_t err = SIM_ERR_NOMEM;
    int64_t *reps = NULL;
    char *key = NULL;
    remaining->items = calloc(sw->n_variants, sizeof *remaining->items);
    if (remaining->items == NULL)
        goto fail;
    for (size_t v = 0; v < sw->n_variants; v++) {
        err = SIM_ERR_NOMEM;
        if ((key = sweep_variant_key(sw, v)) == NULL)
            goto fail;
        if ((reps = malloc((size_t)sw->replications * sizeof *reps)) == NULL)
            goto fail;
        size_t n = 0;
        bool any = false;
        if ((err = sim_store_variant_done(st, sweep_id, key, &any, diag)) != SIM_OK)
            goto fail;
        for (int64_t r = 0; r < sw->replications; r++) {
            bool done = false;
            if (any && (err = sim_store_replication_done(st, sweep_id, key, r,
                                                         &done, diag)) != SIM_OK)
                goto fail;
            if (!done)
                reps[n++] = r;
        }
        free(key);
        key = NULL;
        if (n == 0) {
            free(reps);
            remaining->skipped++;
        } else {
            remaining->items[remaining->n++] = (sweep_item_t){v, n, reps};
        }
        reps = NULL;
    }
    return SIM_OK;
fail:
    if (err == SIM_ERR_NOMEM)
        sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    free(reps);
    free(key);
    return err;
}

/* ---- commit ---------------------------------------------------------------- */

static sim_err_t bad_outcome(sim_diag_t *diag, const char *what)
{
    return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                        "not an outcome of this sweep: %s", what);
}

static sim_err_t store_run(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                           const char *key, const char *scenario,
                           const char *hash, const json_t *run,
                           size_t *n_failed, sim_diag_t *diag)
{
    json_t *jr = json_object_get(run, "replication");
    const char *status = json_string_value(json_object_get(run, "status"));
    json_t *metrics = json_object_get(run, "metrics");
    const char *error = json_string_value(json_object_get(run, "error"));
    if (!json_is_integer(jr) || status == NULL || !json_is_object(metrics))
        return bad_outcome(diag, "run without replication, status or metrics");
    int64_t rep = (int64_t)json_integer_value(jr);
    if (rep < 0 || rep >= sw->replications)
        return bad_outcome(diag, "replication out of range");

    sim_store_run_info_t info;
    memset(&info, 0, sizeof info);
    info.command = sw->command;
    info.scenario_json = scenario;
    info.config_hash = hash;
    info.seed = sweep_seed(sw->master_seed, rep);
    info.version = sw->version;
    info.sweep_id = sweep_id;
    info.variant_key = key;
    info.replication = rep;
    int64_t run_id = 0;
    sim_err_t err = sim_store_run_begin(st, &info, &run_id, diag);
    const char *name;
    json_t *value;
    json_object_foreach(metrics, name, value) {
        if (err != SIM_OK)
            break;
        if (json_is_string(value))
            err = sim_store_metric_text(st, run_id, name, json_string_value(value), diag);
        else if (json_is_number(value))
            err = sim_store_metric(st, run_id, name, json_number_value(value), diag);
        else if (json_is_null(value))
            err = sim_store_metric(st, run_id, name, NAN, diag);
    }
    if (err == SIM_OK && error != NULL)
        err = sim_store_metric_text(st, run_id, "error", error, diag);
    if (err == SIM_OK)
        err = sim_store_run_end(st, run_id,
                                json_number_value(json_object_get(run, "wall_s")),
                                status, diag);
    if (err == SIM_OK && strcmp(status, "ok") != 0)
        (*n_failed)++;
    return err;
}

sim_err_t sweep_commit(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                       const json_t *outcome, size_t *n_failed,
                       sim_diag_t *diag)
{
    size_t failed = 0;
    if (n_failed != NULL)
        *n_failed = 0;
    json_t *jv = json_object_get(outcome, "variant");
    json_t *runs = json_object_get(outcome, "runs");
    const char *scenario = json_string_value(json_object_get(outcome, "scenario_json"));
    const char *hash = json_string_value(json_object_get(outcome, "config_hash"));
    if (!json_is_integer(jv) || !json_is_array(runs))
        return bad_outcome(diag, "no variant or runs");
    json_int_t v = json_integer_value(jv);
    if (v < 0 || (uint64_t)v >= sw->n_variants)
        return bad_outcome(diag, "variant out of range");
    char *key = sweep_variant_key(sw, (size_t)v);
    if (key == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    sim_err_t err = sim_store_begin(st, diag);
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run) {
        if (err != SIM_OK)
            break;
        err = store_run(sw, st, sweep_id, key, scenario, hash, run, &failed, diag);
    }
    if (err == SIM_OK)
        err = sim_store_commit(st, diag);
    if (err != SIM_OK)
        sim_store_rollback(st, NULL);
    else if (n_failed != NULL)
        *n_failed = failed;
    free(key);
    return err;
}

/* ---- reading back ---------------------------------------------------------- */

typedef struct key_index {
    char *key;
    size_t variant;
} key_index_t;

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const key_index_t *)a)->key, ((const key_index_t *)b)->key);
}

/* One stored run as {"replication", "seed", "status", "metrics", "error"?}. */
static sim_err_t read_run(sim_store_t *st, const sim_store_run_t *run,
                          json_t **out, sim_diag_t *diag)
{
    sim_store_metric_t *m = NULL;
    size_t n = 0;
    json_t *o = NULL, *metrics = NULL;
    const char *error = NULL;
    sim_err_t err = sim_store_metrics_get(st, run->id, &m, &n, diag);
    if (err != SIM_OK)
        return err;
    err = SIM_ERR_NOMEM;
    if ((o = json_object()) == NULL || (metrics = json_object()) == NULL)
        goto fail;
    bool ok = run->status != NULL && strcmp(run->status, "ok") == 0;
    for (size_t i = 0; i < n; i++) {
        if (!ok && m[i].text != NULL && strcmp(m[i].name, "error") == 0) {
            error = m[i].text;
            continue;
        }
        err = m[i].text != NULL ? sim_json_set_str(metrics, m[i].name, m[i].text)
                                : sim_json_set_num(metrics, m[i].name, m[i].value);
        if (err != SIM_OK)
            goto fail;
    }
    char seed[24];
    snprintf(seed, sizeof seed, "%" PRIu64, run->seed);
    err = sim_json_set_int(o, "replication", run->replication);
    if (err == SIM_OK)
        err = sim_json_set_str(o, "seed", seed);
    if (err == SIM_OK)
        err = sim_json_set_str(o, "status", run->status);
    if (err == SIM_OK && error != NULL)
        err = sim_json_set_str(o, "error", error);
    if (err == SIM_OK) {
        err = sim_json_set_new(o, "metrics", metrics);
        metrics = NULL;
    }
    if (err != SIM_OK)
        goto fail;
    *out = o;
    o = NULL;
fail:
    if (err == SIM_ERR_NOMEM || err == SIM_ERR_INPUT)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    json_decref(o);
    json_decref(metrics);
    sim_store_metrics_free(m, n);
    return err;
}

/* metrics of a variant from its replications (reps[0..R), all present):
 * numbers averaged over the ok ones, text from the first ok one. */
static sim_err_t summarize(json_t *const *reps, int R, json_t *dst)
{
    json_t *first = NULL;
    int n_ok = 0;
    for (int r = 0; r < R; r++)
        if (strcmp(json_string_value(json_object_get(reps[r], "status")), "ok") == 0) {
            if (first == NULL)
                first = json_object_get(reps[r], "metrics");
            n_ok++;
        }
    if (first == NULL)
        return SIM_OK;
    const char *name;
    json_t *value;
    json_object_foreach(first, name, value) {
        sim_err_t err;
        if (json_is_string(value) || n_ok == 1) {
            err = sim_json_set_new(dst, name, json_copy(value));
        } else {
            double sum = 0.0;
            for (int r = 0; r < R; r++) {
                if (strcmp(json_string_value(json_object_get(reps[r], "status")), "ok") != 0)
                    continue;
                json_t *x = json_object_get(json_object_get(reps[r], "metrics"), name);
                sum += json_is_number(x) ? json_number_value(x) : NAN;
            }
            err = sim_json_set_num(dst, name, sum / n_ok);
        }
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

/* The object of variant v from its replications (NULL where not stored). */
static sim_err_t variant_object(const sweep_t *sw, size_t v, json_t *const *reps,
                                json_t *variants)
{
    int R = sw->replications;
    json_t *o = json_object(), *keys = json_object(), *metrics = json_object();
    sim_err_t err = SIM_ERR_NOMEM;
    char *vk = sweep_variant_key(sw, v);
    if (o == NULL || keys == NULL || metrics == NULL || vk == NULL)
        goto fail;
    const char *status = "ok", *error = NULL;
    for (int r = 0; r < R; r++) {
        if (reps[r] == NULL) {
            status = "missing";
            break;
        }
        if (strcmp(json_string_value(json_object_get(reps[r], "status")), "ok") != 0 &&
            error == NULL) {
            status = "failed";
            error = json_string_value(json_object_get(reps[r], "error"));
            if (error == NULL)
                error = json_string_value(json_object_get(reps[r], "status"));
        }
    }
    for (size_t a = 0; a < sw->n_axes; a++)
        if ((err = sim_json_set_str(keys, sw->axes[a].key,
                                    sw->axes[a].values[sweep_variant_digit(sw, v, a)])) != SIM_OK)
            goto fail;
    if (strcmp(status, "missing") != 0 && (err = summarize(reps, R, metrics)) != SIM_OK)
        goto fail;
    err = sim_json_set_str(o, "variant_key", vk);
    if (err == SIM_OK) {
        err = sim_json_set_new(o, "keys", keys);
        keys = NULL;
    }
    if (err == SIM_OK)
        err = sim_json_set_str(o, "status", status);
    if (err == SIM_OK) {
        err = sim_json_set_new(o, "metrics", metrics);
        metrics = NULL;
    }
    if (err == SIM_OK && error != NULL)
        err = sim_json_set_str(o, "error", error);
    if (err == SIM_OK && R > 1) {
        json_t *list = json_array();
        for (int r = 0; list != NULL && r < R; r++)
            if (reps[r] != NULL && json_array_append(list, reps[r]) != 0)
                break;
        err = sim_json_set_new(o, "replications", list);
    }
    if (err == SIM_OK) {
        err = sim_json_push_new(variants, o);
        o = NULL;
    }
fail:
    json_decref(o);
    json_decref(keys);
    json_decref(metrics);
    free(vk);
    return err;
}

sim_err_t sweep_collect(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                        json_t **variants, sim_diag_t *diag)
{
    *variants = NULL;
    size_t nv = sw->n_variants, R = (size_t)sw->replications;
    int64_t *ids = NULL;
    size_t n_ids = 0;
    sim_store_run_t *run = NULL;
    json_t *list = NULL;
    key_index_t *index = calloc(nv, sizeof *index);
    json_t **reps = calloc(nv * R, sizeof *reps);
    sim_err_t err = SIM_ERR_NOMEM;
    if (index == NULL || reps == NULL)
        goto fail;
    for (size_t v = 0; v < nv; v++) {
        index[v].variant = v;
        if ((index[v].key = sweep_variant_key(sw, v)) == NULL)
            goto fail;
    }
    qsort(index, nv, sizeof *index, cmp_key);

    if ((err = sim_store_sweep_runs(st, sweep_id, &ids, &n_ids, diag)) != SIM_OK)
        goto fail;
    for (size_t i = 0; i < n_ids; i++) {
        if ((err = sim_store_run_get(st, ids[i], &run, diag)) != SIM_OK)
            goto fail;
        key_index_t probe = {run->variant_key, 0};
        const key_index_t *hit = run->variant_key == NULL ? NULL
            : bsearch(&probe, index, nv, sizeof *index, cmp_key);
        bool finished = run->status != NULL && strcmp(run->status, SIM_STORE_RUNNING) != 0;
        if (hit != NULL && finished && run->replication >= 0 &&
            (size_t)run->replication < R) {
            json_t **slot = &reps[hit->variant * R + (size_t)run->replication];
            json_decref(*slot);
            *slot = NULL;
            if ((err = read_run(st, run, slot, diag)) != SIM_OK)
                goto fail;
        }
        sim_store_run_free(run);
        run = NULL;
    }
    err = SIM_ERR_NOMEM;
    if ((list = json_array()) == NULL)
        goto fail;
    for (size_t v = 0; v < nv; v++)
        if ((err = variant_object(sw, v, &reps[v * R], list)) != SIM_OK)
            goto fail;
    *variants = list;
    list = NULL;
    err = SIM_OK;
fail:
    if (err == SIM_ERR_NOMEM || err == SIM_ERR_INPUT)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    json_decref(list);
    sim_store_run_free(run);
    free(ids);
    for (size_t i = 0; reps != NULL && i < nv * R; i++)
        json_decref(reps[i]);
    free(reps);
    for (size_t v = 0; index != NULL && v < nv; v++)
        free(index[v].key);
    free(index);
    return err;
}
