/*
 * sweep.c — a sweep's definition (axes, cartesian order, variant keys,
 * seeds), its validation through the scenario loader, and running one
 * variant into a plain-JSON outcome (sweep.h).  The store side (attach,
 * what is left, commit, read back) is in sweep_store.c.
 *
 * Invariant: every value of every axis loaded once without error in
 * sweep_new, so a variant's scenario fails to load only for reasons that
 * involve several keys at once; such a variant is recorded as failed.
 */
#include "sim/plan/sweep.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/config/keys.h"
#include "sim/core/jsonout.h"
#include "sim/engine/rng.h"
#include "sim/plan/sweep_int.h"

const cfg_key_t sweep_keys[] = {
    {"sweep", "command", CFG_STRING, "auto", 0, 0, NULL, 0,
     "the command every variant runs (topo, ...); auto: given by "
     "`gpusim sweep --command`"},
    {"sweep", "replications", CFG_INT, "1", 1, SWEEP_MAX_REPLICATIONS, NULL, 0,
     "runs per variant, replication r with the seed hash(run.seed, r); "
     "`--replications` overrides it"},
    CFG_KEY_END,
};

/* Characters a value may not hold: the report splits variant keys on
 * ',', ';', '|' and blanks, and '=' separates key from value. */
static const char forbidden[] = " \t,;|=";

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A copy of s[0..n) without leading and trailing blanks. */
static char *dup_trimmed(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return dup_range(s, n);
}

static void axis_release(sweep_axis_t *a)
{
    for (size_t j = 0; j < a->n; j++) {
        free(a->values[j]);
        free(a->sets[j]);
    }
    free(a->values);
    free(a->sets);
    free(a->key);
}

void sweep_free(sweep_t *sw)
{
    if (sw == NULL)
        return;
    for (size_t a = 0; a < sw->n_axes; a++)
        axis_release(&sw->axes[a]);
    free(sw->axes);
    for (size_t i = 0; i < sw->n_base; i++)
        free(sw->base[i]);
    free(sw->base);
    free(sw->tables);
    free(sw->command);
    free(sw->path);
    free(sw->version);
    free(sw->scenario_json);
    free(sw->vary_json);
    free(sw);
}

/* tables + sweep_keys (+ cfg_keys_run when the runner lacks it). */
static sim_err_t compose_tables(sweep_t *sw, const cfg_key_t *const *tables)
{
    size_t n = 0;
    bool has_run = false;
    while (tables != NULL && tables[n] != NULL) {
        if (tables[n] == cfg_keys_run)
            has_run = true;
        n++;
    }
    sw->tables = calloc(n + 3, sizeof *sw->tables);
    if (sw->tables == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        sw->tables[i] = tables[i];
    sw->tables[n++] = sweep_keys;
    if (!has_run)
        sw->tables[n++] = cfg_keys_run;
    sw->tables[n] = NULL;
    return SIM_OK;
}

/* Base overrides: the user's --set, then what the sweep resolves. */
static sim_err_t base_overrides(sweep_t *sw, const sweep_def_t *def)
{
    size_t n_user = 0;
    while (def->overrides != NULL && def->overrides[n_user] != NULL)
        n_user++;
    sw->base = calloc(n_user + 3, sizeof *sw->base);
    if (sw->base == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < n_user; i++) {
        if ((sw->base[sw->n_base] = dup_str(def->overrides[i])) == NULL)
            return SIM_ERR_NOMEM;
        sw->n_base++;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "sweep.command=%s", def->command);
    if ((sw->base[sw->n_base] = dup_str(buf)) == NULL)
        return SIM_ERR_NOMEM;
    sw->n_base++;
    if (def->replications > 0) {
        snprintf(buf, sizeof buf, "sweep.replications=%d", def->replications);
        if ((sw->base[sw->n_base] = dup_str(buf)) == NULL)
            return SIM_ERR_NOMEM;
        sw->n_base++;
    }
    if (def->seed_given) {
        snprintf(buf, sizeof buf, "run.seed=%" PRIu64, def->seed);
        if ((sw->base[sw->n_base] = dup_str(buf)) == NULL)
            return SIM_ERR_NOMEM;
        sw->n_base++;
    }
    return SIM_OK;
}

/* Parse "KEY=V1,V2,..." into axis a.  Values are checked for form here and
 * for meaning by validate_axis. */
static sim_err_t parse_axis(sweep_axis_t *a, const char *spec, sim_diag_t *diag)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, NULL,
                            "expected KEY=V1,V2,..., got '%s'", spec);
    if ((a->key = dup_trimmed(spec, (size_t)(eq - spec))) == NULL)
        return SIM_ERR_NOMEM;
    if (a->key[0] == '\0')
        return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, NULL,
                            "expected KEY=V1,V2,..., got '%s'", spec);
    if (strncmp(a->key, "sweep.", 6) == 0 || strcmp(a->key, "run.seed") == 0)
        return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, a->key,
                            "cannot be varied (use --replications for seeds)");
    size_t cap = 1;
    for (const char *p = eq + 1; *p != '\0'; p++)
        cap += *p == ',';
    a->values = calloc(cap, sizeof *a->values);
    a->sets = calloc(cap, sizeof *a->sets);
    if (a->values == NULL || a->sets == NULL)
        return SIM_ERR_NOMEM;
    const char *p = eq + 1;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char *v = dup_trimmed(p, len);
        if (v == NULL)
            return SIM_ERR_NOMEM;
        a->values[a->n++] = v;
        if (v[0] == '\0')
            return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, a->key,
                                "empty value in '%s'", spec);
        if (strpbrk(v, forbidden) != NULL)
            return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, a->key,
                                "value '%s' may not contain blanks, ',', ';', "
                                "'|' or '='", v);
        for (size_t j = 0; j + 1 < a->n; j++)
            if (strcmp(a->values[j], v) == 0)
                return sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, a->key,
                                    "value '%s' given twice", v);
        size_t sn = strlen(a->key) + strlen(v) + 2;
        if ((a->sets[a->n - 1] = malloc(sn)) == NULL)
            return SIM_ERR_NOMEM;
        snprintf(a->sets[a->n - 1], sn, "%s=%s", a->key, v);
        if (end == NULL)
            break;
        p = end + 1;
    }
    return SIM_OK;
}

/* The override list of a variant (or, with variant == SIZE_MAX, the base
 * plus the single override extra) in a new NULL-terminated array whose
 * strings belong to sw. */
static const char **variant_overrides(const sweep_t *sw, size_t variant,
                                      const char *extra)
{
    const char **ov = calloc(sw->n_base + sw->n_axes + 2, sizeof *ov);
    if (ov == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < sw->n_base; i++)
        ov[n++] = sw->base[i];
    if (extra != NULL)
        ov[n++] = extra;
    else if (variant != SIZE_MAX)
        for (size_t a = 0; a < sw->n_axes; a++)
            ov[n++] = sw->axes[a].sets[sweep_variant_digit(sw, variant, a)];
    ov[n] = NULL;
    return ov;
}

static sim_err_t load(const sweep_t *sw, const char *const *ov,
                      cfg_scenario_t **out, sim_diag_t *diag)
{
    return cfg_scenario_load((const cfg_key_t *const *)sw->tables, sw->path, ov,
                             out, diag);
}

/* Every value of axis a through the loader: a bad one fails naming its key
 * (and "--vary" rather than "--set" as where it came from). */
static sim_err_t validate_axis(const sweep_t *sw, const sweep_axis_t *a,
                               sim_diag_t *diag)
{
    for (size_t j = 0; j < a->n; j++) {
        const char **ov = variant_overrides(sw, SIZE_MAX, a->sets[j]);
        if (ov == NULL)
            return SIM_ERR_NOMEM;
        cfg_scenario_t *sc = NULL;
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t err = load(sw, ov, &sc, &d);
        free(ov);
        cfg_scenario_free(sc);
        if (err != SIM_OK) {
            if (strcmp(d.file, "--set") == 0 && strcmp(d.key, a->key) == 0)
                snprintf(d.file, sizeof d.file, "--vary");
            if (diag != NULL && diag->code == SIM_OK)
                *diag = d;
            return err;
        }
    }
    return SIM_OK;
}

static sim_err_t build_vary_json(sweep_t *sw)
{
    json_t *arr = json_array();
    sim_err_t err = arr != NULL ? SIM_OK : SIM_ERR_NOMEM;
    for (size_t a = 0; err == SIM_OK && a < sw->n_axes; a++) {
        json_t *o = json_object(), *vals = json_array();
        if (o == NULL || vals == NULL) {
            json_decref(o);
            json_decref(vals);
            err = SIM_ERR_NOMEM;
            break;
        }
        for (size_t j = 0; err == SIM_OK && j < sw->axes[a].n; j++)
            err = sim_json_push_str(vals, sw->axes[a].values[j]);
        if (err == SIM_OK)
            err = sim_json_set_str(o, "key", sw->axes[a].key);
        if (err == SIM_OK)
            err = sim_json_set_new(o, "values", vals);
        else
            json_decref(vals);
        if (err == SIM_OK)
            err = sim_json_push_new(arr, o);
        else
            json_decref(o);
    }
    if (err == SIM_OK && (sw->vary_json = sim_json_dumps(arr)) == NULL)
        err = SIM_ERR_NOMEM;
    json_decref(arr);
    return err;
}

sim_err_t sweep_new(const sweep_def_t *def, sweep_t **out, sim_diag_t *diag)
{
    assert(def != NULL && def->command != NULL && def->run != NULL && out != NULL);
    *out = NULL;
    cfg_scenario_t *base = NULL;
    const char **ov = NULL;
    sim_err_t err = SIM_ERR_NOMEM;
    sweep_t *sw = calloc(1, sizeof *sw);
    if (sw == NULL)
        goto fail;
    sw->run = def->run;
    if (def->scenario_path != NULL && (sw->path = dup_str(def->scenario_path)) == NULL)
        goto fail;
    if ((sw->command = dup_str(def->command)) == NULL)
        goto fail;
    if (def->version != NULL && (sw->version = dup_str(def->version)) == NULL)
        goto fail;
    if ((err = compose_tables(sw, def->tables)) != SIM_OK)
        goto fail;
    if ((err = base_overrides(sw, def)) != SIM_OK)
        goto fail;

    /* The base scenario: its errors are the user's file and --set. */
    err = SIM_ERR_NOMEM;
    if ((ov = variant_overrides(sw, SIZE_MAX, NULL)) == NULL)
        goto fail;
    if ((err = load(sw, ov, &base, diag)) != SIM_OK)
        goto fail;
    sw->replications = (int)cfg_get_int(base, "sweep.replications");
    sw->master_seed = cfg_get_uint64(base, "run.seed");
    err = SIM_ERR_NOMEM;
    if ((sw->scenario_json = cfg_scenario_canonical(base)) == NULL)
        goto fail;

    if (def->n_vary == 0) {
        err = sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "a sweep needs at least one --vary KEY=V1,V2,...");
        goto fail;
    }
    if ((sw->axes = calloc(def->n_vary, sizeof *sw->axes)) == NULL)
        goto fail;
    sw->n_variants = 1;
    for (size_t a = 0; a < def->n_vary; a++) {
        sweep_axis_t *ax = &sw->axes[a];
        sw->n_axes++;
        if ((err = parse_axis(ax, def->vary[a], diag)) != SIM_OK)
            goto fail;
        if (!cfg_has_key(base, ax->key)) {
            /* The loader says it best ("did you mean ..."). */
            err = validate_axis(sw, ax, diag);
            if (err == SIM_OK)
                err = sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, ax->key,
                                   "not a key of command '%s'", sw->command);
            goto fail;
        }
        for (size_t b = 0; b < a; b++)
            if (strcmp(sw->axes[b].key, ax->key) == 0) {
                err = sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, ax->key,
                                   "varied twice");
                goto fail;
            }
        if (sw->n_variants > SWEEP_MAX_VARIANTS / ax->n) {
            err = sim_diag_set(diag, SIM_ERR_USAGE, "--vary", 0, ax->key,
                               "more than %u variants", SWEEP_MAX_VARIANTS);
            goto fail;
        }
        sw->n_variants *= ax->n;
        if ((err = validate_axis(sw, ax, diag)) != SIM_OK)
            goto fail;
    }
    if ((err = build_vary_json(sw)) != SIM_OK)
        goto fail;
    free(ov);
    cfg_scenario_free(base);
    *out = sw;
    return SIM_OK;
fail:
    if (err == SIM_ERR_NOMEM)
        sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    free(ov);
    cfg_scenario_free(base);
    sweep_free(sw);
    return err;
}

size_t sweep_variant_count(const sweep_t *sw) { return sw->n_variants; }
int sweep_replications(const sweep_t *sw) { return sw->replications; }
uint64_t sweep_master_seed(const sweep_t *sw) { return sw->master_seed; }
const char *sweep_command(const sweep_t *sw) { return sw->command; }
size_t sweep_axis_count(const sweep_t *sw) { return sw->n_axes; }
const char *sweep_scenario_json(const sweep_t *sw) { return sw->scenario_json; }
const char *sweep_vary_json(const sweep_t *sw) { return sw->vary_json; }

const char *sweep_axis_key(const sweep_t *sw, size_t axis)
{
    assert(axis < sw->n_axes);
    return sw->axes[axis].key;
}

size_t sweep_axis_size(const sweep_t *sw, size_t axis)
{
    assert(axis < sw->n_axes);
    return sw->axes[axis].n;
}

const char *sweep_axis_value(const sweep_t *sw, size_t axis, size_t j)
{
    assert(axis < sw->n_axes && j < sw->axes[axis].n);
    return sw->axes[axis].values[j];
}

size_t sweep_variant_digit(const sweep_t *sw, size_t variant, size_t axis)
{
    assert(variant < sw->n_variants && axis < sw->n_axes);
    /* Mixed radix, last axis least significant. */
    for (size_t a = sw->n_axes; a-- > axis + 1;)
        variant /= sw->axes[a].n;
    return variant % sw->axes[axis].n;
}

char *sweep_variant_key(const sweep_t *sw, size_t variant)
{
    size_t len = 1;
    for (size_t a = 0; a < sw->n_axes; a++)
        len += strlen(sw->axes[a].sets[sweep_variant_digit(sw, variant, a)]) + 1;
    char *key = malloc(len), *p = key;
    if (key == NULL)
        return NULL;
    for (size_t a = 0; a < sw->n_axes; a++) {
        const char *s = sw->axes[a].sets[sweep_variant_digit(sw, variant, a)];
        size_t n = strlen(s);
        if (a > 0)
            *p++ = ',';
        memcpy(p, s, n);
        p += n;
    }
    *p = '\0';
    return key;
}

uint64_t sweep_seed(uint64_t master, int64_t replication)
{
    char name[64];
    snprintf(name, sizeof name, "sweep.replication#%" PRId64, replication);
    return sim_rng_hash(master, name);
}

/* ---- running a variant ----------------------------------------------------- */

/* Flatten obj into flat under prefix, as sim/cli/session.c stores a result:
 * nested objects joined with '_', numbers (and booleans as 1/0) as reals,
 * null as null, strings as strings; arrays are not metrics. */
static sim_err_t flatten(const char *prefix, json_t *obj, json_t *flat)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        char name[256];
        if (prefix[0] != '\0')
            snprintf(name, sizeof name, "%s_%s", prefix, key);
        else
            snprintf(name, sizeof name, "%s", key);
        sim_err_t err = SIM_OK;
        if (json_is_object(value))
            err = flatten(name, value, flat);
        else if (json_is_number(value))
            err = sim_json_set_num(flat, name, json_number_value(value));
        else if (json_is_null(value))
            err = sim_json_set_new(flat, name, json_null());
        else if (json_is_boolean(value))
            err = sim_json_set_num(flat, name, json_is_true(value) ? 1.0 : 0.0);
        else if (json_is_string(value))
            err = sim_json_set_str(flat, name, json_string_value(value));
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

/* One replication's entry of an outcome. */
static sim_err_t run_one(const sweep_t *sw, const cfg_scenario_t *sc,
                         const char *load_error, int64_t rep, json_t *runs)
{
    json_t *o = json_object(), *flat = json_object(), *result = json_object();
    sim_err_t err = SIM_ERR_NOMEM;
    if (o == NULL || flat == NULL || result == NULL)
        goto fail;
    char msg[1024] = "";
    double t0 = monotonic_s();
    if (load_error != NULL) {
        snprintf(msg, sizeof msg, "%s", load_error);
    } else {
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t rerr = sw->run(sc, sweep_seed(sw->master_seed, rep), result, &d);
        if (rerr == SIM_ERR_NOMEM)
            goto fail;
        if (rerr != SIM_OK) {
            if (d.code != SIM_OK)
                sim_diag_format(&d, msg, sizeof msg);
            else
                snprintf(msg, sizeof msg, "%s", sim_err_str(rerr));
        } else if ((err = flatten("", result, flat)) != SIM_OK) {
            goto fail;
        }
    }
    double wall = monotonic_s() - t0;
    err = sim_json_set_int(o, "replication", rep);
    if (err == SIM_OK)
        err = sim_json_set_str(o, "status", msg[0] != '\0' ? "failed" : "ok");
    if (err == SIM_OK)
        err = sim_json_set_num(o, "wall_s", wall);
    if (err == SIM_OK && msg[0] != '\0')
        err = sim_json_set_str(o, "error", msg);
    if (err == SIM_OK) {
        err = sim_json_set_new(o, "metrics", flat);
        flat = NULL;
    }
    if (err == SIM_OK) {
        err = sim_json_push_new(runs, o);
        o = NULL;
    }
    if (err == SIM_ERR_INPUT) /* a message that is not UTF-8 */
        err = SIM_ERR_NOMEM;
fail:
    json_decref(o);
    json_decref(flat);
    json_decref(result);
    return err;
}

sim_err_t sweep_run_variant(const sweep_t *sw, size_t variant,
                            const int64_t *reps, size_t n_reps,
                            json_t **outcome, sim_diag_t *diag)
{
    assert(variant < sw->n_variants);
    *outcome = NULL;
    sim_err_t err = SIM_ERR_NOMEM;
    cfg_scenario_t *sc = NULL;
    char *canon = NULL;
    json_t *o = json_object(), *runs = json_array();
    const char **ov = variant_overrides(sw, variant, NULL);
    if (o == NULL || runs == NULL || ov == NULL)
        goto fail;

    sim_diag_t d = SIM_DIAG_INIT;
    char load_error[1024] = "", hash[17] = "";
    sim_err_t lerr = load(sw, ov, &sc, &d);
    if (lerr == SIM_ERR_NOMEM)
        goto fail;
    if (lerr != SIM_OK) {
        sim_diag_format(&d, load_error, sizeof load_error);
    } else {
        if ((canon = cfg_scenario_canonical(sc)) == NULL)
            goto fail;
        snprintf(hash, sizeof hash, "%016" PRIx64, cfg_fnv1a64(canon, strlen(canon)));
    }
    for (size_t i = 0; i < n_reps; i++) {
        assert(reps[i] >= 0 && reps[i] < sw->replications);
        if ((err = run_one(sw, sc, lerr != SIM_OK ? load_error : NULL, reps[i], runs)) != SIM_OK)
            goto fail;
    }
    err = sim_json_set_int(o, "variant", (int64_t)variant);
    if (err == SIM_OK)
        err = sim_json_set_str(o, "scenario_json", canon);
    if (err == SIM_OK)
        err = sim_json_set_str(o, "config_hash", hash[0] != '\0' ? hash : NULL);
    if (err == SIM_OK) {
        err = sim_json_set_new(o, "runs", runs);
        runs = NULL;
    }
    if (err != SIM_OK)
        goto fail;
    *outcome = o;
    o = NULL;
fail:
    if (err != SIM_OK)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    json_decref(o);
    json_decref(runs);
    free(ov);
    free(canon);
    cfg_scenario_free(sc);
    return err;
}

size_t sweep_share(size_t left, size_t runners, size_t most)
{
    size_t share = runners > 0 ? left / runners + (left % runners != 0) : left;
    if (share > most)
        share = most;
    return share > 0 ? share : 1;
}

/* ---- learnt cost (sweep_cost_*) ------------------------------------------ */

struct sweep_cost {
    size_t n_axes;
    size_t *sizes;  /* [n_axes] */
    size_t *first;  /* [n_axes]: axis a's values are sum/count[first[a] ..] */
    double *sum;    /* seconds observed per (axis, value) */
    size_t *count;  /* observations per (axis, value) */
    double total;
    size_t n;
};

/* Costs are floored here before taking logarithms: a variant that failed
 * to load takes ~0 s and must not send the geometric mean to 0. */
#define COST_FLOOR_S 1e-9

sim_err_t sweep_cost_new(const size_t *sizes, size_t n_axes, sweep_cost_t **out)
{
    *out = NULL;
    size_t values = 0;
    for (size_t a = 0; a < n_axes; a++)
        values += sizes[a];
    sweep_cost_t *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SIM_ERR_NOMEM;
    m->n_axes = n_axes;
    m->sizes = malloc((n_axes + 1) * sizeof *m->sizes);
    m->first = malloc((n_axes + 1) * sizeof *m->first);
    m->sum = calloc(values + 1, sizeof *m->sum);
    m->count = calloc(values + 1, sizeof *m->count);
    if (m->sizes == NULL || m->first == NULL || m->sum == NULL || m->count == NULL) {
        sweep_cost_free(m);
        return SIM_ERR_NOMEM;
    }
    for (size_t a = 0, at = 0; a < n_axes; a++) {
        assert(sizes[a] >= 1);
        m->sizes[a] = sizes[a];
        m->first[a] = at;
        at += sizes[a];
    }
    *out = m;
    return SIM_OK;
}

void sweep_cost_free(sweep_cost_t *m)
{
    if (m == NULL)
        return;
    free(m->sizes);
    free(m->first);
    free(m->sum);
    free(m->count);
    free(m);
}

/* The sum/count slot of variant's value on axis: its mixed-radix digit
 * (as sweep_variant_digit: last axis least significant) offset by the
 * axis's first slot. */
static size_t value_slot(const sweep_cost_t *m, size_t variant, size_t axis)
{
    for (size_t a = m->n_axes; a-- > axis + 1;)
        variant /= m->sizes[a];
    return m->first[axis] + variant % m->sizes[axis];
}

void sweep_cost_observe(sweep_cost_t *m, size_t variant, double seconds)
{
    if (!(seconds >= 0) || !isfinite(seconds))
        return;
    for (size_t a = 0; a < m->n_axes; a++) {
        size_t s = value_slot(m, variant, a);
        m->sum[s] += seconds;
        m->count[s]++;
    }
    m->total += seconds;
    m->n++;
}

size_t sweep_cost_observed(const sweep_cost_t *m) { return m->n; }

double sweep_cost_estimate(const sweep_cost_t *m, size_t variant)
{
    if (m->n == 0)
        return -1;
    double mean = fmax(m->total / (double)m->n, COST_FLOOR_S);
    if (m->n_axes == 0)
        return mean;
    double logs = 0;
    for (size_t a = 0; a < m->n_axes; a++) {
        size_t s = value_slot(m, variant, a);
        double v = m->count[s] > 0 ? fmax(m->sum[s] / (double)m->count[s], COST_FLOOR_S) : mean;
        logs += log(v / mean);
    }
    return mean * exp(logs);
}

typedef struct ranked {
    double cost;
    size_t item;
} ranked_t;

/* Most expensive first, then item order: a total order, so qsort's
 * instability cannot show. */
static int by_cost(const void *pa, const void *pb)
{
    const ranked_t *a = pa, *b = pb;
    if (a->cost != b->cost)
        return a->cost > b->cost ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

sim_err_t sweep_cost_order(const sweep_cost_t *m, const sweep_remaining_t *remaining,
                           size_t *order, size_t n)
{
    if (n == 0)
        return SIM_OK;
    ranked_t *r = malloc(n * sizeof *r);
    if (r == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const sweep_item_t *it = &remaining->items[order[i]];
        double e = sweep_cost_estimate(m, it->variant);
        r[i] = (ranked_t){e < 0 ? 0 : e * (double)it->n_reps, order[i]};
    }
    qsort(r, n, sizeof *r, by_cost);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].item;
    free(r);
    return SIM_OK;
}

sim_err_t sweep_run_serial(const sweep_t *sw, sim_store_t *st,
                           int64_t sweep_id, const sweep_remaining_t *remaining,
                           sweep_progress_fn progress, void *ctx,
                           size_t *n_failed, sim_diag_t *diag)
{
    size_t failed = 0;
    sim_err_t err = SIM_OK;
    for (size_t i = 0; i < remaining->n && err == SIM_OK; i++) {
        const sweep_item_t *it = &remaining->items[i];
        json_t *outcome = NULL;
        size_t f = 0;
        err = sweep_run_variant(sw, it->variant, it->reps, it->n_reps, &outcome, diag);
        if (err == SIM_OK)
            err = sweep_commit(sw, st, sweep_id, outcome, &f, diag);
        json_decref(outcome);
        failed += f;
        if (err == SIM_OK && progress != NULL)
            progress(i + 1, remaining->n, ctx);
    }
    if (n_failed != NULL)
        *n_failed = failed;
    return err;
}
