/*
 * plan.h — the capacity planner: search the space a scenario's [plan]
 * section opens for the cheapest configuration that meets a target (a
 * training deadline, a serving SLO, a queueing-delay bound), simulating
 * as little as it can.
 *
 * The space.  [plan] vary = "KEY=V1,V2,...; KEY=LO:HI:xF; KEY=LO:HI[:+S]"
 * lists axes (keys of the simulated command or of [cost]); a range
 * LO:HI:xF multiplies by F (512:4096:x2 = 512,1024,2048,4096), LO:HI or
 * LO:HI:+S adds S (default 1).  One axis may be the bisection axis
 * ([plan] bisect; auto = cluster.gpus for training and queueing targets,
 * service.replicas for serving): its values are sorted ascending and the
 * planner looks, within every combination of the other axes (a group),
 * for the smallest value that meets the target.
 *
 * Search, per candidate (one value per axis), cheapest check first:
 *   1. supply cap: the candidate's GPUs of a type exceed [plan] supply
 *      (e.g. "H800:2048") -> pruned "cap", no simulation;
 *   2. the target's prune rule (plan_target_ops_t.prune): memory (the
 *      model does not fit) or an analytic bound that already misses the
 *      target -> pruned "memory" / "bound", no simulation;
 *   3. no price for the GPU under the pricing mode -> pruned "price";
 *   4. the simulation, looked up first in the cache by configuration hash
 *      (plan_config_hash: the command, the seed and every key the command
 *      reads but [cost]) so that a rerun with the same store, or a candidate that
 *      differs only in pricing, simulates nothing again.
 * Bisection assumes the target is monotone along the bisection axis (more
 * GPUs or replicas never make the metric worse, and pruned-by-memory or
 * by-bound candidates are infeasible below a feasible one), and that the
 * cheapest feasible point of a group is its smallest feasible value (cost
 * grows with GPUs at a fixed target).  [plan] search = exhaustive
 * simulates every candidate instead.
 *
 * Results: the best candidate (cheapest feasible; ties: smaller metric,
 * then enumeration order), the Pareto frontier of the simulated ones
 * (cost and metric both minimised), and one line per losing group saying
 * why it lost.
 *
 * Assumes: single-threaded; the run function is a pure function of
 * (scenario, seed) (runner.h), so caching its result is sound.
 */
#ifndef SIM_PLAN_PLAN_H
#define SIM_PLAN_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/config/scenario.h"
#include "sim/core/error.h"
#include "sim/cost/cost.h"
#include "sim/store/store.h"

/* [plan] keys (see keys_plan.c for their documentation). */
extern const cfg_key_t plan_keys[];

typedef enum plan_target {
    PLAN_TRAIN_DEADLINE = 0,
    PLAN_SERVE_SLO,
    PLAN_QUEUE_DELAY,
} plan_target_t;

/* Names of plan.target, in plan_target_t order, NULL-terminated. */
extern const char *const plan_target_names[];

/* Why a candidate was not simulated. */
typedef enum plan_prune {
    PLAN_PRUNE_NONE = 0,
    PLAN_PRUNE_CAP,    /* exceeds a supply cap */
    PLAN_PRUNE_MEMORY, /* does not fit in GPU memory */
    PLAN_PRUNE_BOUND,  /* an analytic bound already misses the target */
    PLAN_PRUNE_PRICE,  /* no price for the GPU under the pricing mode */
    PLAN_PRUNE_N
} plan_prune_t;

/* "cap", "memory", "bound", "price" (index 0: "none"). */
extern const char *const plan_prune_names[];

/* ---- the space ------------------------------------------------------------ */

typedef struct plan_axis {
    char *key;     /* "section.key" */
    char **values; /* n strings */
    size_t n;
} plan_axis_t;

/*
 * Expand one value list: "A,B,C", "LO:HI:xF", "LO:HI:+S" or "LO:HI"
 * (integers; LO <= HI; F >= 2; S >= 1).  *values is a new array of new
 * strings (plan_values_free), in the order written (ranges ascending).
 * Returns SIM_OK, SIM_ERR_INPUT (malformed, empty item, more than
 * PLAN_MAX_VALUES values) or SIM_ERR_NOMEM; diag names key.
 */
#define PLAN_MAX_VALUES 4096
sim_err_t plan_values_parse(const char *key, const char *text, char ***values,
                            size_t *n, sim_diag_t *diag);
void plan_values_free(char **values, size_t n);

/*
 * Parse [plan] vary: axes "KEY=LIST" separated by ';' (blanks trimmed;
 * "none" or "" = no axis).  *axes is a new array (plan_axes_free).
 * Returns SIM_OK, SIM_ERR_INPUT (no '=', duplicate key, bad list),
 * SIM_ERR_NOMEM.  Keys are not checked against any table here.
 */
sim_err_t plan_axes_parse(const char *text, plan_axis_t **axes, size_t *n,
                          sim_diag_t *diag);
void plan_axes_free(plan_axis_t *axes, size_t n);

/*
 * Supply caps "GPU:N, GPU:N" ("none" = no caps) into a new JSON object
 * {GPU: N} (*caps, json_decref).  SIM_OK, SIM_ERR_INPUT, SIM_ERR_NOMEM.
 */
sim_err_t plan_caps_parse(const char *text, json_t **caps, sim_diag_t *diag);

/* ---- search primitives ------------------------------------------------------ */

/*
 * Indices of the Pareto frontier of points (cost[i], metric[i]), both
 * minimised: i is on it when no j has cost_j <= cost_i and metric_j <=
 * metric_i with one strictly smaller.  Points with a NaN are never on it;
 * duplicates keep the first.  Writes the indices sorted by metric
 * ascending into idx (room for n) and returns their count.  O(n log n).
 */
size_t plan_pareto(const double *cost, const double *metric, size_t n,
                   size_t *idx);

/* Is candidate i feasible?  Returns an error to stop the search. */
typedef sim_err_t (*plan_feasible_fn)(size_t i, void *ctx, bool *ok,
                                      sim_diag_t *diag);

/*
 * The smallest i in [0, n) with feasible(i), assuming feasibility is
 * monotone (false...false true...true), into *first (n when none).
 * Gallops up from the bottom (0, 1, 3, 7, ..., n - 1: the small
 * candidates are the cheap ones to simulate), then bisects the last gap:
 * O(log first) calls, at most 2 ceil(log2 n) + 1; with nothing feasible,
 * about log2 n.  Returns SIM_OK or what feasible returned.
 */
sim_err_t plan_bisect(size_t n, plan_feasible_fn feasible, void *ctx,
                      size_t *first, sim_diag_t *diag);

/* ---- targets ---------------------------------------------------------------- */

/* What the planner learns of one candidate from its target. */
typedef struct plan_eval {
    double metric;    /* the target's metric (days, seconds); NaN unknown */
    bool meets;       /* metric (and the side conditions) within target */
    double cost_usd;  /* per run (training) or per month (serving, cluster);
                         the planner fills it from usage */
    int64_t gpus;     /* GPUs the candidate holds (serving: at peak) */
    sim_cost_usage_t usage; /* what the cost model charges */
    char why[160];    /* when !meets: "misses the deadline (p90 34.1 d > 30 d)" */
} plan_eval_t;

/*
 * A target: how to read a candidate.  Every function gets the candidate's
 * scenario (plan keys, cost keys and the command's keys).
 *   gpu_count: the GPU type (a catalog name, into gpu of size n) and count
 *              the candidate asks for, before any simulation.
 *   prune:     PLAN_PRUNE_NONE, _MEMORY or _BOUND with a reason in why
 *              (may be NULL: never prunes).  Errors stop the search.
 *   evaluate:  from the run's result: metric, meets, gpus, usage, why.
 */
typedef struct plan_target_ops {
    plan_target_t target;
    const char *metric_name;  /* "p90 time to train" */
    const char *metric_unit;  /* "d", "s" */
    const char *cost_basis;   /* "per run", "per month" */
    sim_err_t (*gpu_count)(const cfg_scenario_t *sc, char *gpu, size_t n,
                           int64_t *count, sim_diag_t *diag);
    sim_err_t (*prune)(const cfg_scenario_t *sc, plan_prune_t *rule,
                       char *why, size_t n, sim_diag_t *diag);
    sim_err_t (*evaluate)(const cfg_scenario_t *sc, const json_t *result,
                          plan_eval_t *ev, sim_diag_t *diag);
} plan_target_ops_t;

/* The built-in targets (plan_targets.c); target in range. */
const plan_target_ops_t *plan_target_ops(plan_target_t target);

/* ---- the planner -------------------------------------------------------------- */

typedef sim_err_t (*plan_run_fn)(const cfg_scenario_t *sc, uint64_t seed,
                                 json_t *result, sim_diag_t *diag);

typedef struct plan_def {
    const char *command;                /* the simulated command; non-NULL */
    const cfg_key_t *const *run_tables; /* its keys, NULL-terminated */
    const cfg_key_t *const *tables;     /* run_tables + plan_keys + cost keys */
    plan_run_fn run;                    /* non-NULL */
    const plan_target_ops_t *ops;       /* NULL: plan_target_ops(plan.target) */
    const char *scenario_path;          /* NULL: defaults only */
    const char *const *overrides;       /* --set, NULL-terminated, or NULL */
    uint64_t seed;                      /* the master seed of every run */
    sim_store_t *cache;                 /* NULL: an in-process cache only */
} plan_def_t;

/*
 * Run the planner.  *out receives a new JSON object (json_decref):
 *   target, command, metric_name, metric_unit, target_value, cost_basis,
 *   best ({KEY: VALUE} of the axes) or null, set (["KEY=VALUE", ...]:
 *   every key of the command the scenario or --set states, axes applied),
 *   metric, cost_usd, considered, pruned, pruned_by {cap, memory, bound,
 *   price}, simulated, cached, skipped (left out by bisection),
 *   candidates ([{config, status, metric, cost_usd, meets, reason}] in
 *   enumeration order, status simulated|cached|pruned-RULE|skipped),
 *   frontier ([{config, cost_usd, metric, meets}]), best_index (into
 *   candidates, or -1) and runners_up ([{config, reason}]).
 * No feasible candidate is not an error (best is null).  Returns SIM_OK;
 * the loader's errors for the scenario or an axis value (diag names the
 * key), SIM_ERR_INPUT for a bad [plan] key, SIM_ERR_DB, SIM_ERR_NOMEM.  A
 * run that fails otherwise (SIM_ERR_INFEASIBLE, an unknown profile, ...)
 * is a miss with reason "cannot run: ..." and is cached like a result.  Cost: one scenario load per candidate plus the
 * simulations the search cannot avoid.
 */
sim_err_t plan_run(const plan_def_t *def, json_t **out, sim_diag_t *diag);

/*
 * The cache key of a run: FNV-1a 64 over the command, the seed and
 * "key=value" of every key of tables in sc (cfg_get_str text), as 16 hex
 * digits into hex (17 bytes).  Keys outside tables ([plan]) and the
 * [cost] table (cfg_keys_cost, even when the command reads it) do not
 * enter it: the planner prices every result itself and never reads a
 * result's own cost fields, so pricing variants share one simulation.
 * O(keys).
 */
void plan_config_hash(const char *command, const cfg_key_t *const *tables,
                      const cfg_scenario_t *sc, uint64_t seed, char hex[17]);

#endif /* SIM_PLAN_PLAN_H */
