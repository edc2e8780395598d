/*
 * test_sweep.c — sim/plan/sweep: cartesian order and variant keys, seed
 * derivation, up-front validation of --vary values, and resume logic
 * against an in-memory store with a fake runner that counts its calls.
 *
 * The fake runner reads [cluster] gpus and topology and returns them with
 * a number made from the seed; it fails on purpose for gpus = 13, so the
 * failed-variant path is exercised too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/keys.h"
#include "sim/core/jsonout.h"
#include "sim/engine/rng.h"
#include "sim/plan/sweep.h"
#include "tests/unit/assert_close.h"

static const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run, NULL};

static int calls; /* runs made by the fake runner */

static sim_err_t fake_run(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                          sim_diag_t *diag)
{
    calls++;
    int64_t gpus = cfg_get_int(sc, "cluster.gpus");
    if (gpus == 13)
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "cluster.gpus",
                            "13 GPUs do not fit");
    json_t *nested = json_object();
    json_object_set_new(nested, "n", json_integer(gpus * 2));
    json_object_set_new(nested, "on", json_true());
    json_object_set_new(result, "gpus", json_integer(gpus));
    json_object_set_new(result, "topology", json_string(cfg_get_str(sc, "cluster.topology")));
    json_object_set_new(result, "draw", json_real((double)(seed % 1000u)));
    json_object_set_new(result, "inner", nested);
    json_object_set_new(result, "list", json_pack("[i,i]", 1, 2));
    return SIM_OK;
}

static sim_err_t make(const char *const *vary, size_t n, int reps, sweep_t **out,
                      sim_diag_t *d)
{
    static const char *const sets[] = {"cluster.topology=spine-leaf", NULL};
    sweep_def_t def;
    memset(&def, 0, sizeof def);
    def.command = "fake";
    def.tables = tables;
    def.run = fake_run;
    def.overrides = sets;
    def.vary = vary;
    def.n_vary = n;
    def.replications = reps;
    def.seed_given = true;
    def.seed = 42;
    def.version = "test";
    return sweep_new(&def, out, d);
}

static void test_cartesian_order_and_keys(void **state)
{
    (void)state;
    const char *vary[] = {"cluster.gpus=16, 32,64", "cluster.topology=spine-leaf,fat-tree"};
    sweep_t *sw = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(make(vary, 2, 1, &sw, &d), SIM_OK);
    assert_int_equal(sweep_variant_count(sw), 6);
    assert_int_equal(sweep_axis_count(sw), 2);
    assert_string_equal(sweep_axis_key(sw, 0), "cluster.gpus");
    assert_int_equal(sweep_axis_size(sw, 0), 3);
    assert_string_equal(sweep_axis_value(sw, 0, 1), "32"); /* trimmed */
    /* First axis outermost, last innermost. */
    const char *want[] = {
        "cluster.gpus=16,cluster.topology=spine-leaf", "cluster.gpus=16,cluster.topology=fat-tree",
        "cluster.gpus=32,cluster.topology=spine-leaf", "cluster.gpus=32,cluster.topology=fat-tree",
        "cluster.gpus=64,cluster.topology=spine-leaf", "cluster.gpus=64,cluster.topology=fat-tree",
    };
    for (size_t v = 0; v < 6; v++) {
        char *key = sweep_variant_key(sw, v);
        assert_string_equal(key, want[v]);
        free(key);
        assert_int_equal(sweep_variant_digit(sw, v, 0), v / 2);
        assert_int_equal(sweep_variant_digit(sw, v, 1), v % 2);
    }
    assert_string_equal(sweep_vary_json(sw),
                        "[{\"key\":\"cluster.gpus\",\"values\":[\"16\",\"32\",\"64\"]},"
                        "{\"key\":\"cluster.topology\",\"values\":[\"spine-leaf\",\"fat-tree\"]}]");
    assert_int_equal(sweep_master_seed(sw), 42);
    /* The resolved sweep keys are part of the scenario's identity. */
    assert_non_null(strstr(sweep_scenario_json(sw), "\"command\":\"fake\""));
    assert_non_null(strstr(sweep_scenario_json(sw), "\"seed\":42"));
    sweep_free(sw);
    sweep_free(NULL);
}

static void test_seed_derivation(void **state)
{
    (void)state;
    /* Documented: sim_rng_hash(master, "sweep.replication#r"). */
    assert_true(sweep_seed(42, 0) == sim_rng_hash(42, "sweep.replication#0"));
    assert_true(sweep_seed(42, 7) == sim_rng_hash(42, "sweep.replication#7"));
    assert_true(sweep_seed(42, 0) != sweep_seed(42, 1));
    assert_true(sweep_seed(42, 0) != sweep_seed(43, 0));
    assert_true(sweep_seed(0, 0) != 0);
}

static void expect_error(const char *spec, sim_err_t code, const char *key, const char *msg_part)
{
    const char *vary[] = {spec};
    sweep_t *sw = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = make(vary, 1, 1, &sw, &d);
    if (err != code)
        fail_msg("'%s': got %s (%s), expected %s", spec, sim_err_str(err), d.msg,
                 sim_err_str(code));
    assert_null(sw);
    assert_string_equal(d.key, key);
    if (msg_part != NULL && strstr(d.msg, msg_part) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", spec, d.msg, msg_part);
}

static void test_validation_up_front(void **state)
{
    (void)state;
    expect_error("cluster.gpus=8,0", SIM_ERR_RANGE, "cluster.gpus", NULL);
    expect_error("cluster.nic_bandwidth=400Gbps,400parsecs", SIM_ERR_UNIT,
                 "cluster.nic_bandwidth", NULL);
    expect_error("cluster.topology=hpn,torus", SIM_ERR_INPUT, "cluster.topology", NULL);
    expect_error("cluster.gpuz=8,16", SIM_ERR_INPUT, "cluster.gpuz", "did you mean");
    expect_error("cluster.gpus=8,,16", SIM_ERR_USAGE, "cluster.gpus", "empty");
    expect_error("cluster.gpus=8,8", SIM_ERR_USAGE, "cluster.gpus", "twice");
    expect_error("cluster.gpu=H800|H100", SIM_ERR_USAGE, "cluster.gpu", "may not contain");
    expect_error("run.seed=1,2", SIM_ERR_USAGE, "run.seed", "replications");
    expect_error("cluster.gpus", SIM_ERR_USAGE, "", "KEY=V1");

    const char *twice[] = {"cluster.gpus=8", "cluster.gpus=16"};
    sweep_t *sw = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(make(twice, 2, 1, &sw, &d), SIM_ERR_USAGE);
    assert_string_equal(d.key, "cluster.gpus");
    sim_diag_clear(&d);
    assert_int_equal(make(NULL, 0, 1, &sw, &d), SIM_ERR_USAGE);
    assert_null(sw);
}

/* Count the stored runs of sweep_id per variant key. */
static void assert_runs_per_replication(sim_store_t *st, int64_t id, const sweep_t *sw)
{
    int64_t *ids = NULL;
    size_t n = 0;
    assert_int_equal(sim_store_sweep_runs(st, id, &ids, &n, NULL), SIM_OK);
    assert_int_equal(n, sweep_variant_count(sw) * (size_t)sweep_replications(sw));
    for (size_t v = 0; v < sweep_variant_count(sw); v++) {
        char *key = sweep_variant_key(sw, v);
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            sim_store_run_t *run = NULL;
            assert_int_equal(sim_store_run_get(st, ids[i], &run, NULL), SIM_OK);
            if (strcmp(run->variant_key, key) == 0)
                count++;
            sim_store_run_free(run);
        }
        assert_int_equal(count, (size_t)sweep_replications(sw));
        free(key);
    }
    free(ids);
}

static void test_resume(void **state)
{
    (void)state;
    const char *vary[] = {"cluster.gpus=13,16,32", "cluster.topology=spine-leaf,fat-tree"};
    sweep_t *sw = NULL;
    sim_store_t *st = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(make(vary, 2, 2, &sw, &d), SIM_OK);
    assert_int_equal(sim_store_open(":memory:", SIM_STORE_READWRITE, &st, &d), SIM_OK);
    int64_t id = 0, id2 = 0;
    bool resumed = true;
    assert_int_equal(sweep_attach(sw, st, &id, &resumed, &d), SIM_OK);
    assert_false(resumed);
    assert_true(id > 0);

    sweep_remaining_t remaining;
    assert_int_equal(sweep_remaining(sw, st, id, &remaining, &d), SIM_OK);
    assert_int_equal(remaining.n, 6);
    assert_int_equal(remaining.skipped, 0);
    assert_int_equal(remaining.items[0].n_reps, 2);

    /* "Crash" after three variants: run and commit only those. */
    calls = 0;
    size_t failed = 0, f = 0;
    for (size_t i = 0; i < 3; i++) {
        json_t *outcome = NULL;
        assert_int_equal(sweep_run_variant(sw, remaining.items[i].variant, remaining.items[i].reps,
                                           remaining.items[i].n_reps, &outcome, &d), SIM_OK);
        assert_int_equal(sweep_commit(sw, st, id, outcome, &f, &d), SIM_OK);
        failed += f;
        json_decref(outcome);
    }
    assert_int_equal(calls, 6);
    assert_int_equal(failed, 4); /* gpus=13 x 2 topologies x 2 replications */
    /* A variant is also refused by the store when committed twice. */
    {
        json_t *outcome = NULL;
        assert_int_equal(sweep_run_variant(sw, 0, remaining.items[0].reps, 2, &outcome, &d), SIM_OK);
        sim_diag_t d2 = SIM_DIAG_INIT;
        assert_int_equal(sweep_commit(sw, st, id, outcome, NULL, &d2), SIM_ERR_DB);
        json_decref(outcome);
    }
    sweep_remaining_release(&remaining);

    /* The same sweep again: found, and only what is missing is left. */
    sweep_t *again = NULL;
    assert_int_equal(make(vary, 2, 2, &again, &d), SIM_OK);
    assert_int_equal(sweep_attach(again, st, &id2, &resumed, &d), SIM_OK);
    assert_true(resumed);
    assert_int_equal(id2, id);
    assert_int_equal(sweep_remaining(again, st, id, &remaining, &d), SIM_OK);
    assert_int_equal(remaining.skipped, 3);
    assert_int_equal(remaining.n, 3);
    assert_int_equal(remaining.items[0].variant, 3);
    calls = 0;
    assert_int_equal(sweep_run_serial(again, st, id, &remaining, NULL, NULL, &failed, &d), SIM_OK);
    assert_int_equal(calls, 6);
    assert_int_equal(failed, 0);
    sweep_remaining_release(&remaining);
    assert_runs_per_replication(st, id, again);

    /* Nothing left: a third run does nothing. */
    assert_int_equal(sweep_remaining(again, st, id, &remaining, &d), SIM_OK);
    assert_int_equal(remaining.n, 0);
    assert_int_equal(remaining.skipped, 6);
    sweep_remaining_release(&remaining);
    sweep_remaining_release(NULL);

    /* A different vary spec is a different sweep. */
    const char *other[] = {"cluster.gpus=16,32"};
    sweep_t *sw3 = NULL;
    assert_int_equal(make(other, 1, 2, &sw3, &d), SIM_OK);
    assert_int_equal(sweep_attach(sw3, st, &id2, &resumed, &d), SIM_OK);
    assert_false(resumed);
    assert_true(id2 != id);
    sweep_free(sw3);

    /* Read back in cartesian order. */
    json_t *variants = NULL;
    assert_int_equal(sweep_collect(again, st, id, &variants, &d), SIM_OK);
    assert_int_equal(json_array_size(variants), 6);
    json_t *v0 = json_array_get(variants, 0), *v2 = json_array_get(variants, 2);
    assert_string_equal(json_string_value(json_object_get(v0, "status")), "failed");
    assert_non_null(strstr(json_string_value(json_object_get(v0, "error")), "do not fit"));
    assert_string_equal(json_string_value(json_object_get(v2, "variant_key")),
                        "cluster.gpus=16,cluster.topology=spine-leaf");
    assert_string_equal(json_string_value(json_object_get(json_object_get(v2, "keys"),
                                                          "cluster.gpus")), "16");
    assert_string_equal(json_string_value(json_object_get(v2, "status")), "ok");
    json_t *m = json_object_get(v2, "metrics");
    assert_close(json_number_value(json_object_get(m, "gpus")), 16.0, 0);
    assert_close(json_number_value(json_object_get(m, "inner_n")), 32.0, 0);
    assert_close(json_number_value(json_object_get(m, "inner_on")), 1.0, 0);
    assert_string_equal(json_string_value(json_object_get(m, "topology")), "spine-leaf");
    assert_null(json_object_get(m, "list")); /* arrays are not metrics */
    /* Mean over the two replications, each with its own seed. */
    json_t *reps = json_object_get(v2, "replications");
    assert_int_equal(json_array_size(reps), 2);
    double d0 = (double)(sweep_seed(42, 0) % 1000u), d1 = (double)(sweep_seed(42, 1) % 1000u);
    assert_close(json_number_value(json_object_get(m, "draw")), (d0 + d1) / 2, 1e-15);
    char seed1[32];
    snprintf(seed1, sizeof seed1, "%llu", (unsigned long long)sweep_seed(42, 1));
    assert_string_equal(json_string_value(json_object_get(json_array_get(reps, 1), "seed")), seed1);
    json_decref(variants);

    sweep_free(again);
    sweep_free(sw);
    sim_store_close(st);
}

/* Outcomes survive a trip through JSON text (what MPI ranks send) and a
 * malformed one is refused without storing anything. */
static void test_outcome_transport(void **state)
{
    (void)state;
    const char *vary[] = {"cluster.gpus=16,32"};
    sweep_t *sw = NULL;
    sim_store_t *st = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(make(vary, 1, 1, &sw, &d), SIM_OK);
    assert_int_equal(sim_store_open(":memory:", SIM_STORE_READWRITE, &st, &d), SIM_OK);
    int64_t id = 0;
    bool resumed;
    assert_int_equal(sweep_attach(sw, st, &id, &resumed, &d), SIM_OK);
    int64_t rep0 = 0;
    json_t *outcome = NULL;
    assert_int_equal(sweep_run_variant(sw, 1, &rep0, 1, &outcome, &d), SIM_OK);
    char *text = sim_json_dumps(outcome);
    json_decref(outcome);
    json_t *back = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(sweep_commit(sw, st, id, back, NULL, &d), SIM_OK);
    json_decref(back);

    json_t *bad = json_pack("{s:i,s:[]}", "variant", 9, "runs");
    sim_diag_t d2 = SIM_DIAG_INIT;
    assert_int_equal(sweep_commit(sw, st, id, bad, NULL, &d2), SIM_ERR_INPUT);
    json_decref(bad);

    sweep_remaining_t remaining;
    assert_int_equal(sweep_remaining(sw, st, id, &remaining, &d), SIM_OK);
    assert_int_equal(remaining.n, 1);
    assert_int_equal(remaining.items[0].variant, 0);
    sweep_remaining_release(&remaining);
    json_t *variants = NULL;
    assert_int_equal(sweep_collect(sw, st, id, &variants, &d), SIM_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(variants, 0), "status")),
                        "missing");
    assert_null(json_object_get(json_array_get(variants, 0), "replications"));
    json_decref(variants);
    sweep_free(sw);
    sim_store_close(st);
}

/* sweep_share: ceil(left / runners), clamped to [1, most]. */
static void test_share(void **state)
{
    (void)state;
    assert_int_equal(sweep_share(200, 2, 8), 8);
    assert_int_equal(sweep_share(16, 2, 8), 8);
    assert_int_equal(sweep_share(15, 2, 8), 8);
    assert_int_equal(sweep_share(13, 2, 8), 7);
    assert_int_equal(sweep_share(5, 2, 8), 3);
    assert_int_equal(sweep_share(4, 2, 8), 2);
    assert_int_equal(sweep_share(1, 2, 8), 1);
    assert_int_equal(sweep_share(0, 2, 8), 1);
    assert_int_equal(sweep_share(7, 3, 8), 3);
    assert_int_equal(sweep_share(100, 0, 8), 8);
    assert_int_equal(sweep_share(5, 1, 0), 1);
}

/*
 * The end of a 2-rank sweep in lockstep: every variant costs one tick,
 * rank 0 runs one of its own per tick and between them takes the worker's
 * results and tops it up to `share(left)` (mpi_pool_coordinate).  Returns
 * the ticks rank 0 idles at the end while the worker still works; *starved
 * receives the ticks the worker idled while work was left unassigned.
 */
static int lockstep_tail(size_t n, bool guided, int *starved)
{
    size_t unassigned = n, queued = 0, done = 0;
    int tail = 0;
    *starved = 0;
    for (;;) {
        size_t share = guided ? sweep_share(n - done, 2, 8) : 8;
        while (queued < share && unassigned > 0) {
            queued++;
            unassigned--;
        }
        if (unassigned == 0 && queued == 0)
            return tail;
        if (unassigned > 0) {
            unassigned--;
            done++;
        } else {
            tail++;
        }
        if (queued > 0) {
            queued--;
            done++;
        } else if (unassigned > 0) {
            (*starved)++;
        }
    }
}

/* Guided shares leave rank 0 at most one variant of idling at the end of a
 * sweep and never starve the worker; a fixed depth of 8 leaves ~7. */
static void test_share_tail(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 300; n++) {
        int starved = 0;
        int tail = lockstep_tail(n, true, &starved);
        assert_true(tail <= 1);
        assert_int_equal(starved, 0);
    }
    int starved = 0;
    assert_true(lockstep_tail(200, false, &starved) >= 6);
}

/* ---- learnt cost and largest-first order (sweep_cost_*) ------------------- */

/* Nothing observed: no estimate.  One observation: every variant is
 * estimated at it (its values seen, the others fall back to the mean).
 * Negative and non-finite times are ignored. */
static void test_cost_first_observations(void **state)
{
    (void)state;
    const size_t sizes[] = {3, 2};
    sweep_cost_t *m = NULL;
    assert_int_equal(sweep_cost_new(sizes, 2, &m), SIM_OK);
    assert_true(sweep_cost_estimate(m, 0) < 0);
    sweep_cost_observe(m, 4, -1.0);
    sweep_cost_observe(m, 4, NAN);
    sweep_cost_observe(m, 4, INFINITY);
    assert_int_equal(sweep_cost_observed(m), 0);
    sweep_cost_observe(m, 4, 0.25);
    assert_int_equal(sweep_cost_observed(m), 1);
    for (size_t v = 0; v < 6; v++)
        assert_close(sweep_cost_estimate(m, v), 0.25, 1e-12);
    sweep_cost_free(m);
    sweep_cost_free(NULL);

    /* No axes (a sweep of one variant): the mean. */
    assert_int_equal(sweep_cost_new(NULL, 0, &m), SIM_OK);
    sweep_cost_observe(m, 0, 1.0);
    sweep_cost_observe(m, 0, 3.0);
    assert_close(sweep_cost_estimate(m, 0), 2.0, 1e-12);
    sweep_cost_free(m);
}

/* Costs that are a product over the axes, every variant observed once:
 * the model gives each variant's cost back exactly. */
static void test_cost_product_recovered(void **state)
{
    (void)state;
    const size_t sizes[] = {3, 2, 2};
    const double a[] = {1, 2, 8}, b[] = {1, 5}, c[] = {0.5, 0.75};
    sweep_cost_t *m = NULL;
    assert_int_equal(sweep_cost_new(sizes, 3, &m), SIM_OK);
    for (size_t v = 0; v < 12; v++) /* first axis slowest */
        sweep_cost_observe(m, v, a[v / 4] * b[v / 2 % 2] * c[v % 2]);
    for (size_t v = 0; v < 12; v++)
        assert_close(sweep_cost_estimate(m, v), a[v / 4] * b[v / 2 % 2] * c[v % 2], 1e-12);
    sweep_cost_free(m);
}

/* A value not seen yet counts as the mean over every observation. */
static void test_cost_unseen_value(void **state)
{
    (void)state;
    const size_t sizes[] = {2, 2};
    sweep_cost_t *m = NULL;
    assert_int_equal(sweep_cost_new(sizes, 2, &m), SIM_OK);
    sweep_cost_observe(m, 0, 1.0); /* (0, 0) */
    sweep_cost_observe(m, 1, 3.0); /* (0, 1) */
    /* mean 2; axis 0: value 0 -> 2, value 1 unseen -> 2; axis 1: 1 and 3 */
    assert_close(sweep_cost_estimate(m, 2), 1.0, 1e-12);
    assert_close(sweep_cost_estimate(m, 3), 3.0, 1e-12);
    /* A variant that took no time (failed to load) keeps estimates > 0. */
    sweep_cost_observe(m, 2, 0.0);
    assert_true(sweep_cost_estimate(m, 2) > 0);
    sweep_cost_free(m);
}

/* sweep_cost_order: item order before any observation; then most
 * expensive first (estimate x replications left), ties by item index. */
static void test_cost_order(void **state)
{
    (void)state;
    const size_t sizes[] = {4};
    int64_t reps[3] = {0, 1, 2};
    sweep_item_t items[4] = {{0, 1, reps}, {1, 1, reps}, {2, 3, reps}, {3, 1, reps}};
    sweep_remaining_t rem = {items, 4, 0};
    sweep_cost_t *m = NULL;
    assert_int_equal(sweep_cost_new(sizes, 1, &m), SIM_OK);
    size_t order[4] = {3, 1, 0, 2};
    assert_int_equal(sweep_cost_order(m, &rem, order, 4), SIM_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(order[i], i);
    sweep_cost_observe(m, 0, 1.0);
    sweep_cost_observe(m, 1, 4.0);
    sweep_cost_observe(m, 2, 1.0); /* x3 replications left: 3 */
    /* variant 3 unseen: the mean, 2 */
    assert_int_equal(sweep_cost_order(m, &rem, order, 4), SIM_OK);
    const size_t want[] = {1, 2, 3, 0};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(order[i], want[i]);
    /* Ties keep item order; a sub-range is sorted alone. */
    sweep_cost_observe(m, 3, 4.0);
    size_t part[2] = {3, 1};
    assert_int_equal(sweep_cost_order(m, &rem, part, 2), SIM_OK);
    assert_int_equal(part[0], 1);
    assert_int_equal(part[1], 3);
    sweep_cost_free(m);
}

/* Makespan of list scheduling cost[order[i]] on two runners, each item to
 * the runner free first. */
static double two_runner_makespan(const double *cost, const size_t *order, size_t n)
{
    double t[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int r = t[1] < t[0];
        t[r] += cost[order[i]];
    }
    return t[0] > t[1] ? t[0] : t[1];
}

/* bench_sweep's training sweep in miniature: cost grows along the first
 * axis and the most expensive variants are last in cartesian order.  With
 * the model learnt from a quarter of the variants, largest-first stays
 * within Graham's 4/3 of the lower bound, where cartesian order does not. */
static void test_cost_order_makespan(void **state)
{
    (void)state;
    enum { N = 200 };
    const size_t sizes[] = {5, 5, 2, 4};
    const double rate[] = {1, 1.5, 2.5, 5, 12}, interval[] = {1, 1, 1.2, 1.5, 2.5};
    double cost[N], total = 0, most = 0;
    static int64_t rep0[1] = {0};
    sweep_item_t items[N];
    size_t cart[N], lpt[N];
    sweep_cost_t *m = NULL;
    assert_int_equal(sweep_cost_new(sizes, 4, &m), SIM_OK);
    for (size_t v = 0; v < N; v++) {
        cost[v] = 0.01 * rate[v / 40] * interval[v / 8 % 5] * (1 + 0.1 * (double)(v % 8));
        total += cost[v];
        most = cost[v] > most ? cost[v] : most;
        items[v] = (sweep_item_t){v, 1, rep0};
        cart[v] = lpt[v] = v;
        if (v % 4 == 0)
            sweep_cost_observe(m, v, cost[v]);
    }
    sweep_remaining_t rem = {items, N, 0};
    assert_int_equal(sweep_cost_order(m, &rem, lpt, N), SIM_OK);
    double bound = fmax(total / 2, most);
    assert_true(two_runner_makespan(cost, lpt, N) <= bound * 4.0 / 3.0);
    assert_true(two_runner_makespan(cost, lpt, N) < two_runner_makespan(cost, cart, N));
    assert_true(two_runner_makespan(cost, lpt, N) < bound * 1.01);
    sweep_cost_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cartesian_order_and_keys),
        cmocka_unit_test(test_seed_derivation),
        cmocka_unit_test(test_validation_up_front),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_outcome_transport),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_share_tail),
        cmocka_unit_test(test_cost_first_observations),
        cmocka_unit_test(test_cost_product_recovered),
        cmocka_unit_test(test_cost_unseen_value),
        cmocka_unit_test(test_cost_order),
        cmocka_unit_test(test_cost_order_makespan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
