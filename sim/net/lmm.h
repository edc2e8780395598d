/*
 * lmm.h — the max-min fair rate solver: a pure, incremental solver for
 * "linear max-min" systems, the core of the flow-level network model.
 *
 * A system holds constraints (capacity C_j >= 0: a directed link) and
 * variables (a flow), each variable using a set of constraints (its path).
 * The solver gives every variable a rate x_i so that the allocation is
 * weighted max-min fair:
 *
 *   - feasible: for every constraint j,  sum of x_i over its users <= C_j,
 *     and every x_i <= bound_i;
 *   - fair: no x_i can grow without shrinking some x_k with
 *     x_k / w_k <= x_i / w_i.  Equivalently (progressive filling) all
 *     unfixed variables grow together as x_i = w_i * t; when a constraint
 *     fills up its users freeze, when t reaches bound_i / w_i variable i
 *     freezes at its bound, and filling goes on until every variable froze.
 *
 * So at a shared bottleneck rates are proportional to weights (weight 2
 * gets twice the rate of weight 1), and a bound is a private, one-user
 * constraint (a per-flow cap such as a NIC's protocol efficiency).
 *
 * The solver knows nothing of networks, GPUs or time.  It is incremental
 * in the way SimGrid's lmm solver is (src/kernel/lmm/maxmin.cpp; ideas
 * only): every change marks the constraints or variable it touched; a
 * solve walks out from those marks through shared constraints (with
 * epoch-stamped visited marks, never a pass that clears flags), re-runs
 * progressive filling on exactly the connected components reached, and
 * leaves every other rate bit-for-bit alone.  It then lists the variables
 * whose rate changed, so that the network model moves only those flows'
 * completion events.
 *
 * Conventions and limits:
 *   - Ids are small dense ints, recycled (LIFO) through free lists once
 *     freed; arrays grow geometrically and never shrink.  Memory is
 *     O(variables x path length + constraints); a solve never allocates.
 *   - A constraint listed twice in one path counts once (paths are
 *     deduplicated).
 *   - Capacity 0 means the constraint failed: every variable using it gets
 *     rate 0 (and, at rate 0, takes nothing from its other constraints).
 *   - A variable with an empty path gets its bound as rate (INFINITY when
 *     unbounded).
 *   - Residues: after a variable freezes, a constraint's remaining capacity
 *     below SIM_LMM_EPSILON * C_j snaps to 0, so a constraint that is full
 *     up to rounding counts as full instead of handing out crumbs.  Rates
 *     are max-min fair to within about SIM_LMM_EPSILON * C_j.
 *   - Weights should lie within ~1e6 of each other in one component: the
 *     running sums of weights are kept by subtraction.
 *   - Invalid ids (never issued, or freed) are programmer errors (assert).
 *     Out-of-range numbers (NaN, negative capacity, weight <= 0) are
 *     reported as SIM_ERR_RANGE: they may come from user input.
 *
 * Assumes: single-threaded use of one system; fewer than INT_MAX
 * constraints and variables.
 */
#ifndef SIM_NET_LMM_H
#define SIM_NET_LMM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

/* Relative residue below which a constraint counts as full (times C_j). */
#define SIM_LMM_EPSILON 1e-9

/* Relative difference below which a re-solved rate counts as unchanged:
 * the old value is then kept, bit for bit, and not reported. */
#define SIM_LMM_SAME_REL 1e-12

/* The bound of a variable without a private rate cap. */
#define SIM_LMM_NO_BOUND INFINITY

typedef struct sim_lmm sim_lmm_t;

/* What the solver did, for benchmarks and tests. */
typedef struct sim_lmm_stats {
    uint64_t solves;        /* calls to sim_lmm_solve */
    uint64_t vars_solved;   /* variables re-solved, summed over all solves */
    size_t last_cnsts;      /* constraints re-solved by the last solve */
    size_t last_vars;       /* variables re-solved by the last solve */
    size_t last_changed;    /* variables reported changed by the last solve */
    size_t n_cnsts;         /* live constraints now */
    size_t n_vars;          /* live variables now */
} sim_lmm_stats_t;

/* A new, empty system.  Returns NULL when out of memory.  Free with
 * sim_lmm_free.  Cost: O(1). */
sim_lmm_t *sim_lmm_new(void);

/* Free the system and everything in it; sim_lmm_free(NULL) does nothing. */
void sim_lmm_free(sim_lmm_t *sys);

/*
 * Add a constraint of the given capacity (finite, >= 0; 0 = failed) and
 * store its id in *id.  Returns SIM_ERR_RANGE for a negative, infinite or
 * NaN capacity, SIM_ERR_NOMEM when the tables cannot grow; the system is
 * then unchanged and *id is -1.  A constraint without users needs no
 * solve.  Cost: amortised O(1).
 */
sim_err_t sim_lmm_constraint_new(sim_lmm_t *sys, double capacity, int *id);

/*
 * Remove constraint c, which no variable may still use: returns
 * SIM_ERR_INPUT (and changes nothing) if one does.  Its id may be reused
 * by the next sim_lmm_constraint_new.  Cost: O(1).
 */
sim_err_t sim_lmm_constraint_free(sim_lmm_t *sys, int c);

/*
 * Change constraint c's capacity (a link degrading, failing with 0, or
 * recovering).  Rates follow at the next sim_lmm_solve, which re-solves
 * c's component.  Returns SIM_ERR_RANGE for a negative, infinite or NaN
 * capacity (nothing changes).  Setting the current value again marks
 * nothing.  Cost: O(1).
 */
sim_err_t sim_lmm_constraint_set_capacity(sim_lmm_t *sys, int c,
                                          double capacity);

/* Capacity of constraint c.  Cost: O(1). */
double sim_lmm_constraint_capacity(const sim_lmm_t *sys, int c);

/* Number of variables using constraint c.  Cost: O(1). */
size_t sim_lmm_constraint_users(const sim_lmm_t *sys, int c);

/* Sum of the current rates of c's users (the link's load, as of the last
 * solve).  Cost: O(users). */
double sim_lmm_constraint_load(const sim_lmm_t *sys, int c);

/*
 * Add a variable with the given weight (finite, > 0), bound (> 0;
 * SIM_LMM_NO_BOUND for none) and path: n constraint ids in cnsts (cnsts
 * may be NULL when n is 0; duplicates count once; each must be a live
 * constraint).  The path is copied.  Stores the id in *id.  Its rate is 0
 * until the next sim_lmm_solve, which always reports it as changed.
 * Returns SIM_ERR_RANGE for a bad weight or bound, SIM_ERR_NOMEM when the
 * tables cannot grow; the system is then unchanged and *id is -1.
 * Cost: amortised O(n).
 */
sim_err_t sim_lmm_variable_new(sim_lmm_t *sys, double weight, double bound,
                               const int *cnsts, size_t n, int *id);

/*
 * Remove variable v.  The constraints it used are marked so the next solve
 * hands its share to the others; v itself is never reported again, and its
 * id may be reused by the next sim_lmm_variable_new.  Cost: O(path
 * length).
 */
void sim_lmm_variable_free(sim_lmm_t *sys, int v);

/* Change v's bound (> 0, or SIM_LMM_NO_BOUND).  Returns SIM_ERR_RANGE for
 * a bad value (nothing changes).  Cost: O(1). */
sim_err_t sim_lmm_variable_set_bound(sim_lmm_t *sys, int v, double bound);

/* Change v's weight (finite, > 0).  Returns SIM_ERR_RANGE for a bad value
 * (nothing changes).  Cost: O(1). */
sim_err_t sim_lmm_variable_set_weight(sim_lmm_t *sys, int v, double weight);

/* Rate of v as of the last solve (0 if v was added after it).
 * Cost: O(1). */
double sim_lmm_variable_rate(const sim_lmm_t *sys, int v);

/* Weight and bound of v.  Cost: O(1). */
double sim_lmm_variable_weight(const sim_lmm_t *sys, int v);
double sim_lmm_variable_bound(const sim_lmm_t *sys, int v);

/*
 * Bring every rate up to date: re-solve by progressive filling exactly the
 * connected components (variables linked through shared constraints) that
 * contain a change made since the last solve, and record the variables of
 * those components whose rate changed (new variables always count; a
 * change under SIM_LMM_SAME_REL relative keeps the old value and does not
 * count).  Rates outside those components are not touched.  Never fails:
 * all scratch space was reserved as the system grew.
 * Cost: O(E log K + B log B) for the components re-solved, with E their
 * (variable, constraint) pairs, K their constraints and B their bounded
 * variables; O(1) when nothing changed.
 */
void sim_lmm_solve(sim_lmm_t *sys);

/*
 * The variables whose rate the last solve changed, as an array of *n ids
 * (n must not be NULL) in a deterministic order, each once.  The array
 * belongs to the system and is valid until the next sim_lmm_solve or
 * sim_lmm_variable_new (which may grow it); an id in it may have been
 * freed, and even reused, since the solve.  Cost: O(1).
 */
const int *sim_lmm_changed(const sim_lmm_t *sys, size_t *n);

/* Fill *out with counters.  Cost: O(1). */
void sim_lmm_get_stats(const sim_lmm_t *sys, sim_lmm_stats_t *out);

/*
 * Self-test: verify the path <-> user cross-index and counts, and, when no
 * change is pending, that the rates are feasible and max-min fair within
 * rel_tol (feasibility: load <= C_j (1 + rel_tol) and x_i <= bound_i
 * (1 + rel_tol); fairness: each variable is at its bound or has a full
 * constraint on its path where its x_i / w_i is the largest among the
 * users).  Returns SIM_OK, or SIM_ERR_CHECK with the first violation in
 * diag (may be NULL).  For tests and debug runs.  Cost: O(E).
 */
sim_err_t sim_lmm_check(const sim_lmm_t *sys, double rel_tol,
                        sim_diag_t *diag);

#endif /* SIM_NET_LMM_H */
