/*
 * sweep.h — a parameter sweep: the cartesian product of varied scenario
 * keys, each variant run R times through a run function and committed to
 * the results store as it finishes, so that a sweep run again (after a
 * crash, a kill -9, or simply twice) runs only what is not stored yet.
 *
 * Definitions:
 *   - axis: one --vary option "section.key=V1,V2,...", values in the order
 *     given (blanks around each trimmed).
 *   - variant i: one value per axis; i runs over the cartesian product in
 *     nested-loop order, the first axis outermost (slowest), the last
 *     innermost.  Its variant key is "k1=v1,k2=v2" in axis order — the
 *     format reports/report.h parses.
 *   - replication r (0 <= r < R) of a variant runs with the seed
 *     sweep_seed(master, r) = sim_rng_hash(master, "sweep.replication#r"):
 *     it depends on the master seed and r only, never on the variant (so
 *     variants compare under common random numbers), the rank or the
 *     order of execution.
 *   - identity: a sweep is found again by the base scenario's canonical
 *     JSON (which holds the resolved sweep.command, sweep.replications and
 *     run.seed) plus the vary JSON (sweep_vary_json); same both, same
 *     sweep (sim_store_sweep_find).
 *   - a unit of work is one variant with the replications of it not yet
 *     stored; its outcome (sweep_run_variant) is plain JSON, so it can be
 *     computed in one process and committed by another (sim/plan/mpi_pool).
 *     All its runs are committed in one transaction (sweep_commit): a
 *     variant is stored entirely or not at all.
 *   - a run function that fails with anything but SIM_ERR_NOMEM records
 *     the run as status "failed" with a text metric "error"; the sweep goes
 *     on (infeasible corners are normal in a sweep) and a rerun does not
 *     retry it (it is stored).
 *
 * Metrics: a run's result object is flattened as sim/cli/session.c does
 * (nested objects joined with '_', numbers and booleans as numbers, null
 * as NaN, strings as text metrics, arrays dropped).  sweep_collect reads
 * them back from the store, so the JSON of a sweep is the same whether its
 * variants ran now, earlier, serially or on MPI ranks.
 *
 * Assumes: the key tables hold cfg_keys_run (run.seed); one sweep_t is
 * used by one thread; the store is written by one process (the caller, or
 * MPI rank 0).
 */
#ifndef SIM_PLAN_SWEEP_H
#define SIM_PLAN_SWEEP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/config/scenario.h"
#include "sim/core/error.h"
#include "sim/store/store.h"

/* What runs one scenario: fills result (an empty object the caller owns)
 * or returns an error with diag set.  The signature of cli_runner_t.run. */
typedef sim_err_t (*sweep_run_fn)(const cfg_scenario_t *sc, uint64_t seed,
                                  json_t *result, sim_diag_t *diag);

/* [sweep] keys: command (the runner; "auto": from --command) and
 * replications.  Terminated by CFG_KEY_END. */
extern const cfg_key_t sweep_keys[];

/* Most variants one sweep may have (a typo guard: 10 keys x 10 values is
 * already 10^10). */
#define SWEEP_MAX_VARIANTS 1000000u

/* Most replications per variant (sweep.replications's range). */
#define SWEEP_MAX_REPLICATIONS 10000

typedef struct sweep_def {
    const char *command;             /* stored as each run's command; non-NULL */
    const cfg_key_t *const *tables;  /* the runner's tables, NULL-terminated */
    sweep_run_fn run;                /* non-NULL */
    const char *scenario_path;       /* NULL: defaults only */
    const char *const *overrides;    /* --set items, NULL-terminated, or NULL */
    const char *const *vary;         /* n_vary "KEY=V1,V2,..." strings */
    size_t n_vary;
    int replications;                /* 0: sweep.replications of the scenario */
    bool seed_given;                 /* seed overrides run.seed */
    uint64_t seed;
    const char *version;             /* stored with each run; may be NULL */
} sweep_def_t;

typedef struct sweep sweep_t;

/*
 * Parse the vary options, load the base scenario (tables + sweep_keys,
 * with sweep.command, sweep.replications and run.seed resolved into it)
 * and validate every value of every axis through the scenario loader, so
 * that a bad value fails here, before anything runs, naming its key.
 * Strings of def are copied; def's tables and run must outlive the sweep.
 * Returns SIM_OK with *out owned by the caller (sweep_free); SIM_ERR_USAGE
 * (malformed or duplicate --vary, a value with blanks, ',', ';', '|' or
 * '=', too many variants, a key no table declares), the loader's errors
 * (SIM_ERR_INPUT, _UNIT, _RANGE, _IO) or SIM_ERR_NOMEM; diag names the key.
 * Cost: one scenario load per axis value.
 */
sim_err_t sweep_new(const sweep_def_t *def, sweep_t **out, sim_diag_t *diag);

/* Free a sweep; NULL is a no-op. */
void sweep_free(sweep_t *sw);

/* Accessors; O(1).  Axis and value indices must be in range (assert). */
size_t sweep_variant_count(const sweep_t *sw);
int sweep_replications(const sweep_t *sw);
uint64_t sweep_master_seed(const sweep_t *sw);
const char *sweep_command(const sweep_t *sw);
size_t sweep_axis_count(const sweep_t *sw);
const char *sweep_axis_key(const sweep_t *sw, size_t axis);
size_t sweep_axis_size(const sweep_t *sw, size_t axis);
const char *sweep_axis_value(const sweep_t *sw, size_t axis, size_t j);
const char *sweep_scenario_json(const sweep_t *sw); /* base, canonical */
const char *sweep_vary_json(const sweep_t *sw);    /* [{"key":..,"values":[..]},..] */

/* The index of variant's value on axis (its digit in the mixed-radix
 * cartesian order).  O(axes). */
size_t sweep_variant_digit(const sweep_t *sw, size_t variant, size_t axis);

/* Variant key "k1=v1,k2=v2" of variant into a new string (free()); NULL
 * when out of memory.  O(length). */
char *sweep_variant_key(const sweep_t *sw, size_t variant);

/* The seed of replication r under master (see the top of this file);
 * never 0.  Pure, O(1). */
uint64_t sweep_seed(uint64_t master, int64_t replication);

/* ---- the work ------------------------------------------------------------ */

/* One unit of work: a variant and the replications of it still to run. */
typedef struct sweep_item {
    size_t variant;
    size_t n_reps;
    int64_t *reps; /* ascending; owned by the remaining list */
} sweep_item_t;

typedef struct sweep_remaining {
    sweep_item_t *items; /* in cartesian order */
    size_t n;
    size_t skipped;      /* variants with every replication already stored */
} sweep_remaining_t;

/*
 * Find this sweep in st (sim_store_sweep_find) or record it
 * (sim_store_sweep_new); *sweep_id receives its id, *resumed whether it
 * was found.  Returns SIM_OK or SIM_ERR_DB.  O(log sweeps).
 */
sim_err_t sweep_attach(const sweep_t *sw, sim_store_t *st, int64_t *sweep_id,
                       bool *resumed, sim_diag_t *diag);

/*
 * What is left of sweep_id in st: every variant, in cartesian order, with
 * the replications not yet stored as finished.  remaining is filled (release
 * with sweep_remaining_release, also after a failure).  Returns SIM_OK,
 * SIM_ERR_DB, SIM_ERR_NOMEM.  Cost: variants x replications point queries.
 */
sim_err_t sweep_remaining(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                     sweep_remaining_t *remaining, sim_diag_t *diag);

/* Release what sweep_remaining allocated and zero *remaining; NULL is a no-op. */
void sweep_remaining_release(sweep_remaining_t *remaining);

/*
 * Run replications reps[0..n_reps) of variant through the run function.
 * *outcome receives a new JSON object (json_decref) that sweep_commit
 * stores: {"variant": i, "scenario_json": "...", "config_hash": "...",
 * "runs": [{"replication": r, "status": "ok"|"failed", "wall_s": x,
 * "metrics": {...}, "error": "..."}]}.  A failed run is recorded in the
 * outcome, not returned.  Returns SIM_OK or SIM_ERR_NOMEM (*outcome NULL).
 * Cost: n_reps runs plus one scenario load.
 */
sim_err_t sweep_run_variant(const sweep_t *sw, size_t variant,
                            const int64_t *reps, size_t n_reps,
                            json_t **outcome, sim_diag_t *diag);

/*
 * Store an outcome of sweep_run_variant as runs of sweep_id, all in one
 * transaction (rolled back on failure: nothing of the variant is stored).
 * *n_failed (may be NULL) receives the number of failed runs in it.
 * Returns SIM_OK, SIM_ERR_INPUT (an outcome that is not one of this
 * sweep's), SIM_ERR_DB, SIM_ERR_NOMEM.  O(runs x metrics log).
 */
sim_err_t sweep_commit(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                       const json_t *outcome, size_t *n_failed,
                       sim_diag_t *diag);

/*
 * How many units of work one runner of a distributed sweep may hold ahead
 * (handed out, not yet returned) when left units are not finished and
 * runners processes run them: ceil(left / runners), at least 1, at most
 * most.  Guided self-scheduling (Polychronopoulos & Kuck, IEEE Trans.
 * Computers 36(12), 1987): deep queues while much is left, so a runner
 * never waits on its coordinator, and at most a fair share at the end, so
 * that no runner is left holding a queue while the others idle.  Pure, O(1).
 */
size_t sweep_share(size_t left, size_t runners, size_t most);

/*
 * Learnt cost of a sweep's variants, for handing out the most expensive
 * first (longest processing time first: Graham, SIAM J. Appl. Math. 17(2),
 * 1969; a schedule within 4/3 of the best, where cartesian order can leave
 * one runner with the most expensive variants at the end).  A product
 * model over the axes: with m_a the mean observed cost of the finished
 * variants sharing a variant's value on axis a (a value not yet seen: the
 * mean M over every observation), its estimated cost per replication is
 * M x prod_a (m_a / M).  That ranks variants exactly as the geometric mean
 * of the m_a does (both grow with sum_a log m_a), and where costs are a
 * product over the axes and the sample balanced it gives them back
 * exactly, where the geometric mean shrinks their spread (a 30x range
 * over 4 axes to ~2.3x), which matters when estimates are summed into
 * shares of work.  Axis sizes are those of the sweep and variants are
 * numbered in its cartesian order (first axis slowest).
 */
typedef struct sweep_cost sweep_cost_t;

/* A model with nothing observed over n_axes axes of sizes[] (each >= 1;
 * n_axes may be 0: one variant).  Returns SIM_OK with *out owned by the
 * caller (sweep_cost_free), or SIM_ERR_NOMEM. */
sim_err_t sweep_cost_new(const size_t *sizes, size_t n_axes, sweep_cost_t **out);

/* Free a model; NULL is a no-op. */
void sweep_cost_free(sweep_cost_t *m);

/* Record that variant took seconds per replication (negative or not
 * finite: ignored).  O(axes). */
void sweep_cost_observe(sweep_cost_t *m, size_t variant, double seconds);

/* Observations recorded so far.  O(1). */
size_t sweep_cost_observed(const sweep_cost_t *m);

/* Estimated seconds per replication of variant (> 0), or -1 before any
 * observation.  Pure, O(axes). */
double sweep_cost_estimate(const sweep_cost_t *m, size_t variant);

/*
 * Order order[0..n) (indices into remaining->items) by estimated cost
 * (estimate x replications left), most expensive first, ties by item index;
 * before any observation that is item order (cartesian).  Deterministic for
 * the same observations.  Returns SIM_OK or SIM_ERR_NOMEM (order
 * unchanged).  O(n log n + n axes).
 */
sim_err_t sweep_cost_order(const sweep_cost_t *m, const sweep_remaining_t *remaining,
                           size_t *order, size_t n);

/* Told after each committed variant: done of total units of work. */
typedef void (*sweep_progress_fn)(size_t done, size_t total, void *ctx);

/*
 * Run every item of remaining in order in this process, committing each as it
 * finishes and calling progress (may be NULL) after each.  *n_failed
 * (may be NULL) receives the failed runs.  Returns SIM_OK or the first
 * fatal error (SIM_ERR_DB, SIM_ERR_NOMEM): what was committed before it
 * stays stored.
 */
sim_err_t sweep_run_serial(const sweep_t *sw, sim_store_t *st,
                           int64_t sweep_id, const sweep_remaining_t *remaining,
                           sweep_progress_fn progress, void *ctx,
                           size_t *n_failed, sim_diag_t *diag);

/*
 * Read sweep_id back from st into a new JSON array (*variants, json_decref)
 * in cartesian order, one object per variant:
 *   {"variant_key": "k=v,...", "keys": {"k": "v", ...},
 *    "status": "ok" | "failed" | "missing",
 *    "metrics": {name: value, ...},   -- numbers: mean over the ok
 *                                        replications; text: the first's
 *    "error": "...",                  -- only when failed
 *    "replications": [{"replication": r, "seed": "decimal", "status": ..,
 *                      "metrics": {...}}, ...]}   -- only when R > 1
 * Metrics are sorted by name.  Runs not of this sweep's variants are
 * ignored.  Returns SIM_OK, SIM_ERR_DB, SIM_ERR_NOMEM.
 * Cost: O(runs x metrics) store reads.
 */
sim_err_t sweep_collect(const sweep_t *sw, sim_store_t *st, int64_t sweep_id,
                        json_t **variants, sim_diag_t *diag);

#endif /* SIM_PLAN_SWEEP_H */
