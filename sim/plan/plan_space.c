/*
 * plan_space.c — the planner's pure parts: the value lists and axes of
 * [plan] vary, supply caps, the Pareto frontier, bisection and the cache
 * key of a run (sim/plan/plan.h).  Nothing here simulates or reads files.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cost/keys_cost.h"
#include "sim/plan/plan.h"

const char *const plan_prune_names[] = {"none", "cap", "memory", "bound", "price", NULL};

/* A copy of [s, s + n) with blanks trimmed; NULL when out of memory. */
static char *trimmed(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = malloc(n + 1);
    if (out != NULL) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

void plan_values_free(char **values, size_t n)
{
    if (values == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
}

static bool parse_i64(const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || errno != 0)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    *v = x;
    return *end == '\0';
}

/* "LO:HI[:xF|:+S]" into its values; SIM_ERR_INPUT when it is not one. */
static sim_err_t range_values(const char *key, const char *item, char ***values,
                              size_t *n, sim_diag_t *diag)
{
    char buf[128];
    if (snprintf(buf, sizeof buf, "%s", item) >= (int)sizeof buf)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key, "range '%.40s...' too long", item);
    char *c1 = strchr(buf, ':');
    char *c2 = strchr(c1 + 1, ':');
    *c1 = '\0';
    if (c2 != NULL)
        *c2 = '\0';
    int64_t lo, hi, step = 1;
    bool mul = false;
    if (!parse_i64(buf, &lo) || !parse_i64(c1 + 1, &hi) || lo > hi || lo < 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key,
                            "range '%s': expected LO:HI with integers 0 <= LO <= HI", item);
    if (c2 != NULL) {
        const char *s = c2 + 1;
        mul = *s == 'x' || *s == '*';
        if (*s == 'x' || *s == '*' || *s == '+')
            s++;
        if (!parse_i64(s, &step) || step < (mul ? 2 : 1) || (mul && lo == 0))
            return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key,
                                "range '%s': expected :xF (F >= 2, LO > 0) or :+S (S >= 1)",
                                item);
    }
    size_t count = 0;
    for (int64_t v = lo; v <= hi; v = mul ? v * step : v + step) {
        if (++count > PLAN_MAX_VALUES)
            return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key,
                                "range '%s' has more than %d values", item, PLAN_MAX_VALUES);
        if ((mul && v > INT64_MAX / step) || (!mul && v > INT64_MAX - step))
            break;
    }
    char **out = realloc(*values, (*n + count) * sizeof *out);
    if (out == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, key, "out of memory");
    *values = out;
    for (int64_t v = lo; count > 0; v = mul ? v * step : v + step, count--) {
        char num[32];
        snprintf(num, sizeof num, "%" PRId64, v);
        if ((out[*n] = strdup(num)) == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, key, "out of memory");
        (*n)++;
    }
    return SIM_OK;
}

sim_err_t plan_values_parse(const char *key, const char *text, char ***values,
                            size_t *n, sim_diag_t *diag)
{
    char **vals = NULL;
    size_t nv = 0;
    sim_err_t err = SIM_OK;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char *item = trimmed(p, len);
        if (item == NULL) {
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, key, "out of memory");
            goto fail;
        }
        if (item[0] == '\0') {
            free(item);
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key,
                               "empty value in '%s'", text);
            goto fail;
        }
        if (strchr(item, ':') != NULL) {
            err = range_values(key, item, &vals, &nv, diag);
            free(item);
            if (err != SIM_OK)
                goto fail;
        } else {
            char **grown = realloc(vals, (nv + 1) * sizeof *grown);
            if (grown == NULL) {
                free(item);
                err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, key, "out of memory");
                goto fail;
            }
            vals = grown;
            vals[nv++] = item;
        }
        if (nv > PLAN_MAX_VALUES) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, key,
                               "more than %d values", PLAN_MAX_VALUES);
            goto fail;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *values = vals;
    *n = nv;
    return SIM_OK;
fail:
    plan_values_free(vals, nv);
    return err;
}

void plan_axes_free(plan_axis_t *axes, size_t n)
{
    if (axes == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(axes[i].key);
        plan_values_free(axes[i].values, axes[i].n);
    }
    free(axes);
}

sim_err_t plan_axes_parse(const char *text, plan_axis_t **axes, size_t *n,
                          sim_diag_t *diag)
{
    plan_axis_t *out = NULL;
    size_t na = 0;
    sim_err_t err = SIM_OK;
    *axes = NULL;
    *n = 0;
    if (strcmp(text, "none") == 0)
        return SIM_OK;
    const char *p = text;
    while (*p != '\0') {
        const char *semi = strchr(p, ';');
        size_t len = semi != NULL ? (size_t)(semi - p) : strlen(p);
        char *item = trimmed(p, len);
        p = semi != NULL ? semi + 1 : p + len;
        if (item == NULL) {
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "plan.vary", "out of memory");
            goto fail;
        }
        if (item[0] == '\0') {
            free(item);
            continue;
        }
        char *eq = strchr(item, '=');
        if (eq == NULL || eq == item) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "plan.vary",
                               "axis '%s': expected KEY=V1,V2,... or KEY=LO:HI:xF", item);
            free(item);
            goto fail;
        }
        plan_axis_t *grown = realloc(out, (na + 1) * sizeof *grown);
        if (grown == NULL) {
            free(item);
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "plan.vary", "out of memory");
            goto fail;
        }
        out = grown;
        plan_axis_t *a = &out[na];
        memset(a, 0, sizeof *a);
        a->key = trimmed(item, (size_t)(eq - item));
        na++;
        if (a->key == NULL)
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "plan.vary", "out of memory");
        for (size_t i = 0; err == SIM_OK && i + 1 < na; i++)
            if (strcmp(out[i].key, a->key) == 0)
                err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "plan.vary",
                                   "axis %s given twice", a->key);
        if (err == SIM_OK) {
            err = plan_values_parse("plan.vary", eq + 1, &a->values, &a->n, diag);
            if (err != SIM_OK && diag != NULL && err == SIM_ERR_INPUT) {
                char msg[sizeof diag->msg];
                snprintf(msg, sizeof msg, "%s", diag->msg);
                snprintf(diag->msg, sizeof diag->msg, "axis %.64s: %.400s", a->key, msg);
            }
        }
        free(item);
        if (err != SIM_OK)
            goto fail;
    }
    *axes = out;
    *n = na;
    return SIM_OK;
fail:
    plan_axes_free(out, na);
    return err;
}

sim_err_t plan_caps_parse(const char *text, json_t **caps, sim_diag_t *diag)
{
    json_t *o = json_object();
    if (o == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "plan.supply", "out of memory");
    *caps = NULL;
    if (strcmp(text, "none") != 0) {
        const char *p = text;
        while (*p != '\0') {
            const char *comma = strchr(p, ',');
            size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
            char *item = trimmed(p, len);
            p = comma != NULL ? comma + 1 : p + len;
            if (item == NULL) {
                json_decref(o);
                return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "plan.supply", "out of memory");
            }
            char *colon = strchr(item, ':');
            int64_t v = 0;
            bool ok = colon != NULL && colon != item && parse_i64(colon + 1, &v) && v >= 0;
            if (ok) {
                *colon = '\0';
                char *name = trimmed(item, strlen(item));
                ok = name != NULL && json_object_set_new(o, name, json_integer(v)) == 0;
                free(name);
            }
            if (!ok) {
                sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "plan.supply",
                             "'%s': expected GPU:N with N >= 0 (e.g. H800:2048)", item);
                free(item);
                json_decref(o);
                return SIM_ERR_INPUT;
            }
            free(item);
        }
    }
    *caps = o;
    return SIM_OK;
}

/* ---- Pareto frontier ---------------------------------------------------------- */

typedef struct pt {
    double cost, metric;
    size_t i;
} pt_t;

/* By metric, then cost, then index: a total order, so the frontier does
 * not depend on qsort's stability. */
static int by_metric(const void *a, const void *b)
{
    const pt_t *x = a, *y = b;
    if (x->metric != y->metric)
        return x->metric < y->metric ? -1 : 1;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

size_t plan_pareto(const double *cost, const double *metric, size_t n, size_t *idx)
{
    pt_t *p = malloc((n > 0 ? n : 1) * sizeof *p);
    size_t m = 0, k = 0;
    if (p == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(cost[i]) && !isnan(metric[i]))
            p[m++] = (pt_t){cost[i], metric[i], i};
    qsort(p, m, sizeof *p, by_metric);
    /* Sweep by metric ascending: a point is on the frontier when it is
     * strictly cheaper than everything with a smaller or equal metric. */
    double best = HUGE_VAL;
    for (size_t j = 0; j < m; j++)
        if (p[j].cost < best) {
            best = p[j].cost;
            idx[k++] = p[j].i;
        }
    free(p);
    return k;
}

/* ---- bisection ------------------------------------------------------------------ */

sim_err_t plan_bisect(size_t n, plan_feasible_fn feasible, void *ctx, size_t *first,
                      sim_diag_t *diag)
{
    *first = n;
    if (n == 0)
        return SIM_OK;
    /* Gallop up from the smallest (indices 0, 1, 3, 7, ..., then n - 1):
     * small candidates are the cheap ones to simulate, and the answer is
     * usually near the bottom. */
    bool ok = false;
    size_t lo = 0, probe = 0;
    sim_err_t err;
    for (;;) {
        err = feasible(probe, ctx, &ok, diag);
        if (err != SIM_OK)
            return err;
        if (ok || probe == n - 1)
            break;
        lo = probe + 1;
        probe = probe * 2 + 1 < n - 1 ? probe * 2 + 1 : n - 1;
    }
    if (!ok)
        return SIM_OK;
    /* Invariant: hi is feasible; everything below lo is infeasible. */
    size_t hi = probe;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        err = feasible(mid, ctx, &ok, diag);
        if (err != SIM_OK)
            return err;
        if (ok)
            hi = mid;
        else
            lo = mid + 1;
    }
    *first = hi;
    return SIM_OK;
}

/* ---- cache key ------------------------------------------------------------------- */

void plan_config_hash(const char *command, const cfg_key_t *const *tables,
                      const cfg_scenario_t *sc, uint64_t seed, char hex[17])
{
    /* FNV-1a 64 continued over every field (offset basis and prime of
     * FNV-1a 64, Fowler/Noll/Vo). */
    uint64_t h = 0xcbf29ce484222325ull;
    char num[32];
#define MIX(s, len)                                                                   \
    do {                                                                              \
        const unsigned char *b_ = (const unsigned char *)(s);                         \
        for (size_t k_ = 0; k_ < (len); k_++) {                                      \
            h ^= b_[k_];                                                              \
            h *= 0x100000001b3ull;                                                    \
        }                                                                             \
    } while (0)
    MIX(command, strlen(command) + 1);
    snprintf(num, sizeof num, "%" PRIu64, seed);
    MIX(num, strlen(num) + 1);
    for (size_t t = 0; tables[t] != NULL; t++)
        for (const cfg_key_t *k = tables[t]; tables[t] != cfg_keys_cost && k->section != NULL;
             k++) {
            char key[128];
            snprintf(key, sizeof key, "%s.%s", k->section, k->name);
            const char *v = cfg_get_str(sc, key);
            MIX(key, strlen(key) + 1);
            MIX(v, strlen(v) + 1);
        }
#undef MIX
    snprintf(hex, 17, "%016" PRIx64, h);
}
