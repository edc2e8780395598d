/*
 * plan.c — the planner's search (plan.h): enumerate the candidates of
 * [plan] vary group by group, rule out what caps, memory, bounds and
 * prices rule out, bisect along the monotone axis, simulate through the
 * cache, price with the cost model, and report the best plan, the
 * frontier and why the other groups lost.
 *
 * Candidate index i = group x per_group + pos, where pos is the rank of
 * the bisection axis's value (ascending) and group runs over the other
 * axes in nested-loop order (first axis outermost).
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "sim/cost/keys_cost.h"
#include "sim/plan/plan.h"

enum { ST_NEW, ST_SIMULATED, ST_CACHED, ST_PRUNED, ST_SKIPPED };
static const char *const status_names[] = {"new", "simulated", "cached", "pruned", "skipped"};

typedef struct cand {
    int status;
    plan_prune_t rule;
    bool checked;       /* cap, prune and price looked at */
    bool has_cost;      /* cost config resolved */
    sim_cost_config_t cost;
    plan_eval_t ev;
    char reason[256];   /* pruned: why */
} cand_t;

typedef struct planner {
    const plan_def_t *def;
    const plan_target_ops_t *ops;
    plan_axis_t *axes;
    size_t n_axes, bis; /* bis: the bisection axis, SIZE_MAX: none */
    size_t *order;      /* ranks of the bisection axis's values, ascending */
    size_t per_group, n_groups, n;
    cand_t *c;
    json_t *caps, *prices;
    bool exhaustive;
    sim_store_t *cache;
    bool own_cache;
    size_t n_sim, n_cached, n_pruned[PLAN_PRUNE_N];
} planner_t;

/* ---- candidates ----------------------------------------------------------------- */

/* The value index of axis a in candidate i. */
static size_t value_of(const planner_t *P, size_t i, size_t a)
{
    if (a == P->bis)
        return P->order[i % P->per_group];
    size_t g = i / P->per_group;
    for (size_t b = P->n_axes; b-- > 0;) {
        if (b == P->bis)
            continue;
        size_t d = g % P->axes[b].n;
        g /= P->axes[b].n;
        if (b == a)
            return d;
    }
    return 0; /* not reached: a < n_axes */
}

/* "k=v, k=v" of candidate i's axes (all, or all but the bisection axis)
 * into a new string. */
static char *config_text(const planner_t *P, size_t i, bool with_bis)
{
    size_t len = 1;
    for (size_t a = 0; a < P->n_axes; a++)
        len += strlen(P->axes[a].key) + strlen(P->axes[a].values[value_of(P, i, a)]) + 3;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t a = 0; a < P->n_axes; a++) {
        if (a == P->bis && !with_bis)
            continue;
        if (s[0] != '\0')
            strcat(s, ", ");
        strcat(s, P->axes[a].key);
        strcat(s, "=");
        strcat(s, P->axes[a].values[value_of(P, i, a)]);
    }
    return s;
}

/* Load candidate i's scenario: the base, --set, the axes, then extra
 * (NULL-terminated, may be NULL). */
static sim_err_t load(const planner_t *P, size_t i, const char *const *extra,
                      cfg_scenario_t **sc, sim_diag_t *diag)
{
    size_t nb = 0, ne = 0;
    while (P->def->overrides != NULL && P->def->overrides[nb] != NULL)
        nb++;
    while (extra != NULL && extra[ne] != NULL)
        ne++;
    char **ov = calloc(nb + P->n_axes + ne + 1, sizeof *ov);
    sim_err_t err = SIM_OK;
    if (ov == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    for (size_t k = 0; k < nb; k++)
        ov[k] = (char *)P->def->overrides[k];
    for (size_t a = 0; a < P->n_axes && err == SIM_OK; a++) {
        const char *v = P->axes[a].values[value_of(P, i, a)];
        size_t len = strlen(P->axes[a].key) + strlen(v) + 2;
        if ((ov[nb + a] = malloc(len)) == NULL)
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        else
            snprintf(ov[nb + a], len, "%s=%s", P->axes[a].key, v);
    }
    for (size_t k = 0; k < ne; k++)
        ov[nb + P->n_axes + k] = (char *)extra[k];
    if (err == SIM_OK)
        err = cfg_scenario_load(P->def->tables, P->def->scenario_path,
                                (const char *const *)ov, sc, diag);
    for (size_t a = 0; a < P->n_axes; a++)
        free(ov[nb + a]);
    free(ov);
    return err;
}

/* ---- pricing ------------------------------------------------------------------------ */

/* The fallback price of gpu in [plan] price, or NaN. */
static double fallback_price(const planner_t *P, const char *gpu)
{
    const json_t *v = json_object_get(P->prices, gpu);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Resolve candidate i's cost config into c->cost, or prune it "price". */
static sim_err_t resolve_price(planner_t *P, size_t i, const cfg_scenario_t *sc,
                               const char *gpu, sim_diag_t *diag)
{
    cand_t *c = &P->c[i];
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err = sim_cost_config_from_scenario(sc, gpu, &c->cost, &local);
    int pricing = cfg_get_enum(sc, "cost.pricing");
    double fb = fallback_price(P, gpu);
    bool rented = pricing == SIM_COST_ON_DEMAND || pricing == SIM_COST_RESERVED_1Y ||
                  pricing == SIM_COST_RESERVED_3Y;
    if (err == SIM_ERR_NOTFOUND && rented && !isnan(fb)) {
        char price[64];
        snprintf(price, sizeof price, "cost.gpu_hour_usd=%.17g", fb);
        const char *extra[] = {"cost.provider=custom", price, NULL};
        cfg_scenario_t *sc2 = NULL;
        local = (sim_diag_t)SIM_DIAG_INIT;
        err = load(P, i, extra, &sc2, diag);
        if (err != SIM_OK)
            return err;
        err = sim_cost_config_from_scenario(sc2, gpu, &c->cost, &local);
        cfg_scenario_free(sc2);
    }
    if (err == SIM_ERR_NOTFOUND || err == SIM_ERR_INPUT) {
        c->rule = PLAN_PRUNE_PRICE;
        snprintf(c->reason, sizeof c->reason, "no %s price for %s (%.160s)",
                 cfg_get_str(sc, "cost.pricing"), gpu, local.msg);
        return SIM_OK;
    }
    if (err != SIM_OK) {
        *diag = local;
        return err;
    }
    c->has_cost = true;
    return SIM_OK;
}

/* ---- checking and simulating ---------------------------------------------------------- */

/* Cap, prune rule and price of candidate i (once). */
static sim_err_t check(planner_t *P, size_t i, sim_diag_t *diag)
{
    cand_t *c = &P->c[i];
    if (c->checked)
        return SIM_OK;
    cfg_scenario_t *sc = NULL;
    char gpu[64];
    int64_t count = 0;
    sim_err_t err = load(P, i, NULL, &sc, diag);
    if (err == SIM_OK)
        err = P->ops->gpu_count(sc, gpu, sizeof gpu, &count, diag);
    if (err == SIM_OK) {
        const json_t *cap = json_object_get(P->caps, gpu);
        if (json_is_integer(cap) && count > json_integer_value(cap)) {
            c->rule = PLAN_PRUNE_CAP;
            snprintf(c->reason, sizeof c->reason,
                     "exceeds the %s supply cap (%" PRId64 " > %" PRId64 " GPUs)", gpu, count,
                     (int64_t)json_integer_value(cap));
        }
    }
    if (err == SIM_OK && c->rule == PLAN_PRUNE_NONE && P->ops->prune != NULL)
        err = P->ops->prune(sc, &c->rule, c->reason, sizeof c->reason, diag);
    if (err == SIM_OK && c->rule == PLAN_PRUNE_NONE)
        err = resolve_price(P, i, sc, gpu, diag);
    if (err == SIM_OK) {
        c->checked = true;
        if (c->rule != PLAN_PRUNE_NONE) {
            c->status = ST_PRUNED;
            P->n_pruned[c->rule]++;
        }
    }
    cfg_scenario_free(sc);
    return err;
}

/* The run's result for sc: from the cache, else simulated and cached. */
static sim_err_t result_of(planner_t *P, size_t i, const cfg_scenario_t *sc, json_t **result,
                           sim_diag_t *diag)
{
    char hash[17];
    char *text = NULL;
    plan_config_hash(P->def->command, P->def->run_tables, sc, P->def->seed, hash);
    sim_err_t err = sim_store_cache_get(P->cache, hash, &text, diag);
    if (err != SIM_OK)
        return err;
    if (text != NULL) {
        *result = json_loads(text, 0, NULL);
        free(text);
        if (*result == NULL)
            return sim_diag_set(diag, SIM_ERR_DB, NULL, 0, NULL,
                                "cached result %s is not JSON", hash);
        P->c[i].status = ST_CACHED;
        P->n_cached++;
        return SIM_OK;
    }
    json_t *r = json_object();
    if (r == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    sim_diag_t local = SIM_DIAG_INIT;
    err = P->def->run(sc, P->def->seed, r, &local);
    P->c[i].status = ST_SIMULATED;
    P->n_sim++;
    if (err != SIM_OK && err != SIM_ERR_NOMEM && err != SIM_ERR_DB) {
        /* Cannot run as configured (does not fit, no compute profile for
         * the GPU, ...): a miss with its reason, remembered like a
         * result.  Infeasible corners are normal in a search space. */
        json_object_clear(r);
        err = sim_json_set_str(r, "infeasible", local.msg);
    } else if (err != SIM_OK) {
        *diag = local;
    }
    if (err == SIM_OK) {
        text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        err = text == NULL ? sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory")
                           : sim_store_cache_put(P->cache, hash, P->def->command, text, diag);
        free(text);
    }
    if (err != SIM_OK) {
        json_decref(r);
        return err;
    }
    *result = r;
    return SIM_OK;
}

/* Feasibility of candidate i, simulating it when not known yet. */
static sim_err_t evaluate(planner_t *P, size_t i, bool *ok, sim_diag_t *diag)
{
    cand_t *c = &P->c[i];
    sim_err_t err = check(P, i, diag);
    *ok = false;
    if (err != SIM_OK || c->status == ST_PRUNED)
        return err;
    if (c->status == ST_SIMULATED || c->status == ST_CACHED) {
        *ok = c->ev.meets;
        return SIM_OK;
    }
    cfg_scenario_t *sc = NULL;
    json_t *r = NULL;
    err = load(P, i, NULL, &sc, diag);
    if (err == SIM_OK)
        err = result_of(P, i, sc, &r, diag);
    if (err == SIM_OK) {
        const json_t *inf = json_object_get(r, "infeasible");
        memset(&c->ev, 0, sizeof c->ev);
        if (json_is_string(inf)) {
            c->ev.metric = NAN;
            c->ev.cost_usd = NAN;
            snprintf(c->ev.why, sizeof c->ev.why, "cannot run: %s", json_string_value(inf));
        } else {
            err = P->ops->evaluate(sc, r, &c->ev, diag);
            sim_cost_result_t cr;
            if (err == SIM_OK && c->ev.usage.wall_s > 0 && c->ev.usage.gpus >= 1)
                err = sim_cost_compute(&c->cost, &c->ev.usage, &cr, diag);
            else
                cr.cost_usd = NAN;
            c->ev.cost_usd = cr.cost_usd;
        }
        *ok = c->ev.meets;
    }
    json_decref(r);
    cfg_scenario_free(sc);
    return err;
}

typedef struct bis_ctx {
    planner_t *P;
    const size_t *idx;
} bis_ctx_t;

static sim_err_t bis_feasible(size_t k, void *ctx, bool *ok, sim_diag_t *diag)
{
    bis_ctx_t *b = ctx;
    return evaluate(b->P, b->idx[k], ok, diag);
}

/* Search group g; *winner: its cheapest feasible candidate or SIZE_MAX. */
static sim_err_t search_group(planner_t *P, size_t g, size_t *winner, sim_diag_t *diag)
{
    size_t base = g * P->per_group, n_ok = 0;
    size_t *idx = malloc(P->per_group * sizeof *idx);
    sim_err_t err = SIM_OK;
    *winner = SIZE_MAX;
    if (idx == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    /* Caps prune from the top of the bisection axis, breaking its
     * monotonicity: they are applied first, to every candidate. */
    for (size_t p = 0; p < P->per_group && err == SIM_OK; p++) {
        err = check(P, base + p, diag);
        if (err == SIM_OK && P->c[base + p].rule != PLAN_PRUNE_CAP)
            idx[n_ok++] = base + p;
    }
    if (err == SIM_OK && P->exhaustive) {
        bool ok;
        for (size_t k = 0; k < n_ok && err == SIM_OK; k++) {
            err = evaluate(P, idx[k], &ok, diag);
            if (err == SIM_OK && ok &&
                (*winner == SIZE_MAX || P->c[idx[k]].ev.cost_usd < P->c[*winner].ev.cost_usd))
                *winner = idx[k];
        }
    } else if (err == SIM_OK) {
        bis_ctx_t ctx = {P, idx};
        size_t first = n_ok;
        err = plan_bisect(n_ok, bis_feasible, &ctx, &first, diag);
        if (err == SIM_OK && first < n_ok)
            *winner = idx[first];
    }
    for (size_t k = 0; k < n_ok && err == SIM_OK; k++)
        if (P->c[idx[k]].status == ST_NEW)
            P->c[idx[k]].status = ST_SKIPPED;
    free(idx);
    return err;
}

/* ---- setting up ------------------------------------------------------------------------- */

/* Sort the bisection axis's ranks by numeric value (insertion sort:
 * axes are short; stable). */
static void sort_order(planner_t *P)
{
    const plan_axis_t *ax = &P->axes[P->bis];
    for (size_t k = 0; k < ax->n; k++)
        P->order[k] = k;
    for (size_t k = 1; k < ax->n; k++) {
        size_t v = P->order[k], j = k;
        double x = strtod(ax->values[v], NULL);
        while (j > 0 && strtod(ax->values[P->order[j - 1]], NULL) > x) {
            P->order[j] = P->order[j - 1];
            j--;
        }
        P->order[j] = v;
    }
}

/* Re-pin a diagnostic about an axis value to [plan] vary's origin. */
static sim_err_t axis_error(const cfg_scenario_t *base, const plan_axis_t *a, const char *value,
                            sim_err_t err, sim_diag_t *diag)
{
    if (diag == NULL)
        return err;
    const char *file = NULL;
    int line = 0;
    char msg[sizeof diag->msg], key[sizeof diag->key];
    snprintf(msg, sizeof msg, "%s", diag->msg);
    snprintf(key, sizeof key, "%s", diag->key);
    cfg_origin(base, "plan.vary", &file, &line);
    /* sim_diag_set keeps the first error: start afresh to re-pin it. */
    *diag = (sim_diag_t)SIM_DIAG_INIT;
    return sim_diag_set(diag, err, file != NULL ? file : "", line, "plan.vary",
                        "axis %.64s=%.64s: %.64s%s%.300s", a->key, value, key,
                        key[0] != '\0' ? ": " : "", msg);
}

static sim_err_t setup(planner_t *P, const cfg_scenario_t *base, sim_diag_t *diag)
{
    const plan_def_t *def = P->def;
    sim_err_t err = plan_axes_parse(cfg_get_str(base, "plan.vary"), &P->axes, &P->n_axes, diag);
    if (err == SIM_OK)
        err = plan_caps_parse(cfg_get_str(base, "plan.supply"), &P->caps, diag);
    if (err == SIM_OK) {
        P->prices = json_object();
        err = P->prices == NULL ? SIM_ERR_NOMEM : SIM_OK;
        const char *p = cfg_get_str(base, "plan.price");
        while (err == SIM_OK && strcmp(p, "none") != 0 && *p != '\0') {
            char name[64];
            double usd;
            int used = 0;
            if (sscanf(p, " %63[^:, ] : %lf %n", name, &usd, &used) != 2 || !(usd >= 0) ||
                (p[used] != ',' && p[used] != '\0')) {
                err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "plan.price",
                                   "expected GPU:USD-per-GPU-hour, ... (e.g. H20:1.5), got '%s'",
                                   p);
                break;
            }
            json_object_set_new(P->prices, name, json_real(usd));
            p += used + (p[used] == ',');
        }
    }
    if (err != SIM_OK && diag != NULL && diag->file[0] == '\0') {
        const char *file = NULL;
        int line = 0;
        cfg_origin(base, diag->key, &file, &line);
        if (file != NULL)
            snprintf(diag->file, sizeof diag->file, "%s", file);
        diag->line = line;
    }
    /* Every axis value must load (a typo fails here, before any run). */
    for (size_t a = 0; a < P->n_axes && err == SIM_OK; a++)
        for (size_t v = 0; v < P->axes[a].n && err == SIM_OK; v++) {
            size_t nb = 0;
            while (def->overrides != NULL && def->overrides[nb] != NULL)
                nb++;
            const char **ov = calloc(nb + 2, sizeof *ov);
            char item[512];
            cfg_scenario_t *sc = NULL;
            if (ov == NULL)
                return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
            for (size_t k = 0; k < nb; k++)
                ov[k] = def->overrides[k];
            snprintf(item, sizeof item, "%s=%s", P->axes[a].key, P->axes[a].values[v]);
            ov[nb] = item;
            err = cfg_scenario_load(def->tables, def->scenario_path, ov, &sc, diag);
            free(ov);
            cfg_scenario_free(sc);
            if (err != SIM_OK)
                err = axis_error(base, &P->axes[a], P->axes[a].values[v], err, diag);
        }
    if (err != SIM_OK)
        return err;
    /* The bisection axis. */
    const char *bis = cfg_get_str(base, "plan.bisect");
    const char *want = bis;
    if (strcmp(bis, "auto") == 0)
        want = P->ops->target == PLAN_SERVE_SLO ? "service.replicas" : "cluster.gpus";
    P->bis = SIZE_MAX;
    for (size_t a = 0; a < P->n_axes; a++)
        if (strcmp(P->axes[a].key, want) == 0)
            P->bis = a;
    if (P->bis == SIZE_MAX && strcmp(bis, "auto") != 0 && strcmp(bis, "none") != 0) {
        const char *file = NULL;
        int line = 0;
        cfg_origin(base, "plan.bisect", &file, &line);
        return sim_diag_set(diag, SIM_ERR_INPUT, file != NULL ? file : "", line, "plan.bisect",
                            "'%s' is not one of the plan.vary axes", bis);
    }
    if (P->bis != SIZE_MAX)
        for (size_t v = 0; v < P->axes[P->bis].n; v++) {
            char *end;
            strtod(P->axes[P->bis].values[v], &end);
            if (end == P->axes[P->bis].values[v] || *end != '\0')
                return axis_error(base, &P->axes[P->bis], P->axes[P->bis].values[v],
                                  sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "",
                                               "the bisection axis needs numbers"),
                                  diag);
        }
    P->per_group = P->bis != SIZE_MAX ? P->axes[P->bis].n : 1;
    P->n_groups = 1;
    for (size_t a = 0; a < P->n_axes; a++)
        if (a != P->bis) {
            if (P->n_groups > PLAN_MAX_VALUES * 16 / P->axes[a].n)
                return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "plan.vary",
                                    "more than %d candidates", PLAN_MAX_VALUES * 16);
            P->n_groups *= P->axes[a].n;
        }
    P->n = P->n_groups * P->per_group;
    P->order = calloc(P->per_group, sizeof *P->order);
    P->c = calloc(P->n, sizeof *P->c);
    if (P->order == NULL || P->c == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    if (P->bis != SIZE_MAX)
        sort_order(P);
    else
        P->order[0] = 0;
    P->exhaustive = cfg_get_enum(base, "plan.search") == 1;
    if (def->cache != NULL) {
        P->cache = def->cache;
    } else {
        P->own_cache = true;
        err = sim_store_open(":memory:", SIM_STORE_READWRITE, &P->cache, diag);
    }
    return err;
}

/* ---- output ------------------------------------------------------------------------------ */

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* ["KEY=VALUE", ...]: every key of the command that candidate i's
 * scenario states (file or --set), and run.seed. */
static sim_err_t set_list(const planner_t *P, size_t i, json_t *list, sim_diag_t *diag)
{
    cfg_scenario_t *sc = NULL;
    sim_err_t err = load(P, i, NULL, &sc, diag);
    bool seed_done = false;
    for (size_t t = 0; err == SIM_OK && P->def->run_tables[t] != NULL; t++)
        for (const cfg_key_t *k = P->def->run_tables[t]; k->section != NULL; k++) {
            char key[128], item[1024];
            const char *file = NULL;
            int line = 0;
            snprintf(key, sizeof key, "%s.%s", k->section, k->name);
            bool seed = strcmp(key, "run.seed") == 0;
            cfg_origin(sc, key, &file, &line);
            if (!seed && (file == NULL || file[0] == '\0'))
                continue;
            if (seed) {
                snprintf(item, sizeof item, "run.seed=%" PRIu64, P->def->seed);
                seed_done = true;
            } else {
                snprintf(item, sizeof item, "%s=%s", key, cfg_get_str(sc, key));
            }
            if (json_array_append_new(list, json_string(item)) != 0)
                err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        }
    if (err == SIM_OK && !seed_done) {
        char item[64];
        snprintf(item, sizeof item, "run.seed=%" PRIu64, P->def->seed);
        json_array_append_new(list, json_string(item));
    }
    cfg_scenario_free(sc);
    return err;
}

/* Why group g (winner w, SIZE_MAX: none) lost to the best candidate b. */
static void loss_reason(const planner_t *P, size_t g, size_t w, size_t b, char *out, size_t n)
{
    if (w != SIZE_MAX) {
        double cw = P->c[w].ev.cost_usd, cb = P->c[b].ev.cost_usd;
        if (cw > cb)
            snprintf(out, n, "costs %.0f%% more ($%.4g vs $%.4g %s)", 100.0 * (cw / cb - 1.0), cw,
                     cb, P->ops->cost_basis);
        else
            snprintf(out, n, "costs the same ($%.4g) but comes later or is slower", cw);
        return;
    }
    /* No feasible candidate: the largest one looked at says why, and a
     * cap that cut the larger sizes off is named too. */
    size_t base = g * P->per_group;
    const cand_t *capped = NULL;
    for (size_t p = P->per_group; p-- > 0;) {
        const cand_t *c = &P->c[base + p];
        if (c->status == ST_PRUNED && c->rule == PLAN_PRUNE_CAP)
            capped = c;
        const char *why = c->status == ST_PRUNED && c->rule != PLAN_PRUNE_CAP ? c->reason
                          : c->status == ST_SIMULATED || c->status == ST_CACHED ? c->ev.why
                                                                               : NULL;
        if (why != NULL) {
            snprintf(out, n, "%.250s%s%.200s", why, capped != NULL ? "; larger sizes: " : "",
                     capped != NULL ? capped->reason : "");
            return;
        }
    }
    snprintf(out, n, "%s", P->c[base].reason); /* all over the cap */
    if (P->per_group > 1)
        snprintf(out + strlen(out), n - strlen(out), " at every size");
}

static sim_err_t output(planner_t *P, const cfg_scenario_t *base, const size_t *winners,
                        size_t best, json_t *o, sim_diag_t *diag)
{
    int rc = 0;
    double target = P->ops->target == PLAN_TRAIN_DEADLINE
                        ? cfg_get_time_s(base, "plan.deadline") / 86400.0
                    : P->ops->target == PLAN_SERVE_SLO ? cfg_get_time_s(base, "plan.ttft_p99")
                                                       : cfg_get_time_s(base, "plan.queue_p99");
    rc |= json_object_set_new(o, "target", json_string(plan_target_names[P->ops->target]));
    rc |= json_object_set_new(o, "command", json_string(P->def->command));
    rc |= json_object_set_new(o, "metric_name", json_string(P->ops->metric_name));
    rc |= json_object_set_new(o, "metric_unit", json_string(P->ops->metric_unit));
    rc |= json_object_set_new(o, "target_value", json_real(target));
    rc |= json_object_set_new(o, "cost_basis", json_string(P->ops->cost_basis));
    json_t *bobj = best != SIZE_MAX ? json_object() : json_null();
    json_t *set = json_array();
    if (best != SIZE_MAX)
        for (size_t a = 0; a < P->n_axes; a++)
            rc |= json_object_set_new(bobj, P->axes[a].key,
                                      json_string(P->axes[a].values[value_of(P, best, a)]));
    rc |= json_object_set_new(o, "best", bobj);
    sim_err_t err = best != SIZE_MAX ? set_list(P, best, set, diag) : SIM_OK;
    rc |= json_object_set_new(o, "set", set);
    rc |= json_object_set_new(o, "metric", best != SIZE_MAX ? num_or_null(P->c[best].ev.metric)
                                                            : json_null());
    rc |= json_object_set_new(o, "cost_usd", best != SIZE_MAX
                                                 ? num_or_null(P->c[best].ev.cost_usd)
                                                 : json_null());
    rc |= json_object_set_new(o, "gpus", best != SIZE_MAX ? json_integer(P->c[best].ev.gpus)
                                                          : json_null());
    rc |= json_object_set_new(o, "pricing", best != SIZE_MAX
                                                ? json_string(sim_cost_pricing_choices
                                                                  [P->c[best].cost.pricing])
                                                : json_null());
    size_t pruned = 0, skipped = 0;
    json_t *by = json_object();
    for (int r = 1; r < PLAN_PRUNE_N; r++) {
        pruned += P->n_pruned[r];
        rc |= json_object_set_new(by, plan_prune_names[r], json_integer((json_int_t)P->n_pruned[r]));
    }
    json_t *cands = json_array();
    double *cost = malloc((P->n + 1) * sizeof *cost), *metric = malloc((P->n + 1) * sizeof *metric);
    size_t *fidx = malloc((P->n + 1) * sizeof *fidx);
    if (cost == NULL || metric == NULL || fidx == NULL || cands == NULL || by == NULL)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < P->n; i++) {
        const cand_t *c = &P->c[i];
        bool ran = c->status == ST_SIMULATED || c->status == ST_CACHED;
        skipped += c->status == ST_SKIPPED;
        cost[i] = ran ? c->ev.cost_usd : NAN;
        metric[i] = ran ? c->ev.metric : NAN;
        char st[32];
        snprintf(st, sizeof st, "%s%s%s", status_names[c->status],
                 c->status == ST_PRUNED ? "-" : "",
                 c->status == ST_PRUNED ? plan_prune_names[c->rule] : "");
        char *cfg = config_text(P, i, true);
        json_t *e = json_object();
        rc |= cfg == NULL || e == NULL;
        rc |= json_object_set_new(e, "config", json_string(cfg != NULL ? cfg : ""));
        rc |= json_object_set_new(e, "status", json_string(st));
        rc |= json_object_set_new(e, "metric", num_or_null(metric[i]));
        rc |= json_object_set_new(e, "cost_usd", num_or_null(cost[i]));
        rc |= json_object_set_new(e, "meets", json_boolean(ran && c->ev.meets));
        rc |= json_object_set_new(e, "reason", json_string(c->status == ST_PRUNED ? c->reason
                                                           : ran && !c->ev.meets ? c->ev.why
                                                                                  : ""));
        rc |= json_array_append_new(cands, e);
        free(cfg);
    }
    rc |= json_object_set_new(o, "considered", json_integer((json_int_t)P->n));
    rc |= json_object_set_new(o, "pruned", json_integer((json_int_t)pruned));
    rc |= json_object_set_new(o, "pruned_by", by);
    rc |= json_object_set_new(o, "simulated", json_integer((json_int_t)P->n_sim));
    rc |= json_object_set_new(o, "cached", json_integer((json_int_t)P->n_cached));
    rc |= json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
    rc |= json_object_set_new(o, "best_index", json_integer(best != SIZE_MAX ? (json_int_t)best : -1));
    json_t *front = json_array();
    size_t nf = rc == 0 ? plan_pareto(cost, metric, P->n, fidx) : 0;
    for (size_t k = 0; k < nf && front != NULL; k++) {
        char *cfg = config_text(P, fidx[k], true);
        json_t *e = json_object();
        rc |= cfg == NULL || e == NULL;
        rc |= json_object_set_new(e, "config", json_string(cfg != NULL ? cfg : ""));
        rc |= json_object_set_new(e, "cost_usd", json_real(cost[fidx[k]]));
        rc |= json_object_set_new(e, "metric", json_real(metric[fidx[k]]));
        rc |= json_object_set_new(e, "meets", json_boolean(P->c[fidx[k]].ev.meets));
        rc |= json_array_append_new(front, e);
        free(cfg);
    }
    rc |= json_object_set_new(o, "frontier", front);
    rc |= json_object_set_new(o, "candidates", cands);
    json_t *ups = json_array();
    size_t best_group = best != SIZE_MAX ? best / P->per_group : SIZE_MAX;
    for (size_t g = 0; g < P->n_groups && ups != NULL; g++) {
        if (g == best_group)
            continue;
        char why[512];
        size_t w = winners[g];
        if (best == SIZE_MAX)
            loss_reason(P, g, SIZE_MAX, 0, why, sizeof why);
        else
            loss_reason(P, g, w, best, why, sizeof why);
        char *cfg = config_text(P, w != SIZE_MAX ? w : g * P->per_group, w != SIZE_MAX);
        json_t *e = json_object();
        rc |= cfg == NULL || e == NULL;
        rc |= json_object_set_new(e, "config", json_string(cfg != NULL ? cfg : ""));
        rc |= json_object_set_new(e, "cost_usd", w != SIZE_MAX ? num_or_null(P->c[w].ev.cost_usd)
                                                               : json_null());
        rc |= json_object_set_new(e, "reason", json_string(why));
        rc |= json_array_append_new(ups, e);
        free(cfg);
    }
    rc |= json_object_set_new(o, "runners_up", ups);
    free(cost);
    free(metric);
    free(fidx);
    if (err == SIM_OK && rc != 0)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    return err;
}

/* Runners-up sorted by cost: cheapest losers first, infeasible groups last. */
static int by_cost(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const json_t *cx = json_object_get(x, "cost_usd"), *cy = json_object_get(y, "cost_usd");
    bool nx = !json_is_number(cx), ny = !json_is_number(cy);
    if (nx || ny)
        return nx - ny;
    double dx = json_number_value(cx), dy = json_number_value(cy);
    return dx < dy ? -1 : dx > dy;
}

static void sort_runners_up(json_t *o)
{
    json_t *ups = json_object_get(o, "runners_up");
    size_t n = json_array_size(ups);
    json_t **v = malloc((n + 1) * sizeof *v);
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(ups, i));
    /* insertion sort: stable, so equal costs keep enumeration order */
    for (size_t i = 1; i < n; i++) {
        json_t *x = v[i];
        size_t j = i;
        while (j > 0 && by_cost(&v[j - 1], &x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    json_array_clear(ups);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ups, v[i]);
    free(v);
}

sim_err_t plan_run(const plan_def_t *def, json_t **out, sim_diag_t *diag)
{
    planner_t P;
    cfg_scenario_t *base = NULL;
    size_t *winners = NULL;
    json_t *o = NULL;
    memset(&P, 0, sizeof P);
    P.def = def;
    *out = NULL;
    sim_err_t err = cfg_scenario_load(def->tables, def->scenario_path, def->overrides, &base, diag);
    if (err != SIM_OK)
        goto fail;
    P.ops = def->ops != NULL ? def->ops
                             : plan_target_ops((plan_target_t)cfg_get_enum(base, "plan.target"));
    err = setup(&P, base, diag);
    if (err != SIM_OK)
        goto fail;
    winners = malloc(P.n_groups * sizeof *winners);
    if (winners == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    size_t best = SIZE_MAX;
    for (size_t g = 0; g < P.n_groups; g++) {
        err = search_group(&P, g, &winners[g], diag);
        if (err != SIM_OK)
            goto fail;
        size_t w = winners[g];
        if (w != SIZE_MAX &&
            (best == SIZE_MAX || P.c[w].ev.cost_usd < P.c[best].ev.cost_usd ||
             (P.c[w].ev.cost_usd == P.c[best].ev.cost_usd &&
              P.c[w].ev.metric < P.c[best].ev.metric)))
            best = w;
    }
    o = json_object();
    if (o == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    err = output(&P, base, winners, best, o, diag);
    if (err != SIM_OK)
        goto fail;
    sort_runners_up(o);
    *out = o;
    o = NULL;
fail:
    json_decref(o);
    free(winners);
    free(P.c);
    free(P.order);
    plan_axes_free(P.axes, P.n_axes);
    json_decref(P.caps);
    json_decref(P.prices);
    if (P.own_cache)
        sim_store_close(P.cache);
    cfg_scenario_free(base);
    return err;
}
