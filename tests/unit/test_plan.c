/*
 * test_plan.c — the capacity planner (sim/plan/plan.h): value lists and
 * axes, caps, the Pareto frontier, bisection on a synthetic monotone
 * metric, the serving prune rules against hand-computed bounds, and the
 * whole search with a synthetic runner (pruning by cap, bound and price,
 * bisection's choice, hand-computed costs, cache hits on a rerun and on a
 * pricing axis, runner-up reasons).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/config/keys.h"
#include "sim/cost/keys_cost.h"
#include "sim/plan/plan.h"
#include "sim/serve/keys_serve.h"
#include "sim/serve/perf.h"
#include "tests/unit/assert_close.h"
#include "workloads/hwcat.h"

static void test_values(void **state)
{
    (void)state;
    char **v = NULL;
    size_t n = 0;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(plan_values_parse("k", "512:4096:x2", &v, &n, &d), SIM_OK);
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "512");
    assert_string_equal(v[3], "4096");
    plan_values_free(v, n);
    assert_int_equal(plan_values_parse("k", "1:4", &v, &n, &d), SIM_OK);
    assert_int_equal(n, 4);
    assert_string_equal(v[2], "3");
    plan_values_free(v, n);
    assert_int_equal(plan_values_parse("k", "8:30:+8, 64", &v, &n, &d), SIM_OK);
    assert_int_equal(n, 4); /* 8 16 24 64 */
    assert_string_equal(v[2], "24");
    assert_string_equal(v[3], "64");
    plan_values_free(v, n);
    assert_int_equal(plan_values_parse("k", " H800 , H20 ", &v, &n, &d), SIM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "H800");
    assert_string_equal(v[1], "H20");
    plan_values_free(v, n);
    assert_int_equal(plan_values_parse("k", "4:1", &v, &n, &d), SIM_ERR_INPUT);
    assert_string_equal(d.key, "k");
    assert_int_equal(plan_values_parse("k", "a,,b", &v, &n, &d), SIM_ERR_INPUT);
    assert_int_equal(plan_values_parse("k", "1:8:x1", &v, &n, &d), SIM_ERR_INPUT);
    assert_int_equal(plan_values_parse("k", "1:100000", &v, &n, &d), SIM_ERR_INPUT);
}

static void test_axes_caps(void **state)
{
    (void)state;
    plan_axis_t *a = NULL;
    size_t n = 0;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(plan_axes_parse("cluster.gpus=512:2048:x2; cluster.gpu = H800,H20;", &a,
                                     &n, &d),
                     SIM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].key, "cluster.gpus");
    assert_int_equal(a[0].n, 3);
    assert_string_equal(a[1].key, "cluster.gpu");
    assert_string_equal(a[1].values[1], "H20");
    plan_axes_free(a, n);
    assert_int_equal(plan_axes_parse("none", &a, &n, &d), SIM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(plan_axes_parse("a.b=1; a.b=2", &a, &n, &d), SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "twice"));
    assert_int_equal(plan_axes_parse("a.b", &a, &n, &d), SIM_ERR_INPUT);
    json_t *caps = NULL;
    assert_int_equal(plan_caps_parse("H800:2048, A800:0", &caps, &d), SIM_OK);
    assert_int_equal(json_integer_value(json_object_get(caps, "H800")), 2048);
    assert_int_equal(json_integer_value(json_object_get(caps, "A800")), 0);
    json_decref(caps);
    assert_int_equal(plan_caps_parse("H800=2048", &caps, &d), SIM_ERR_INPUT);
    assert_null(caps);
}

static void test_pareto(void **state)
{
    (void)state;
    /* (cost, metric): 0 (10, 5) on; 1 (8, 6) on; 2 (9, 7) dominated by 1;
     * 3 (20, 1) on; 4 (10, 5) duplicate of 0: off; 5 NaN: off;
     * 6 (8, 9) dominated by 1 (same cost, worse metric). */
    const double cost[] = {10, 8, 9, 20, 10, NAN, 8};
    const double metric[] = {5, 6, 7, 1, 5, 0.5, 9};
    size_t idx[7];
    size_t k = plan_pareto(cost, metric, 7, idx);
    assert_int_equal(k, 3);
    assert_int_equal(idx[0], 3); /* by metric ascending */
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], 1);
    assert_int_equal(plan_pareto(cost, metric, 0, idx), 0);
}

typedef struct mono {
    size_t threshold; /* first feasible index */
    int calls;
} mono_t;

static sim_err_t mono_feasible(size_t i, void *ctx, bool *ok, sim_diag_t *diag)
{
    (void)diag;
    mono_t *m = ctx;
    m->calls++;
    *ok = i >= m->threshold;
    return SIM_OK;
}

static void test_bisect(void **state)
{
    (void)state;
    sim_diag_t d = SIM_DIAG_INIT;
    for (size_t n = 1; n <= 40; n++)
        for (size_t t = 0; t <= n; t++) { /* t == n: nothing feasible */
            mono_t m = {t, 0};
            size_t first = 12345;
            assert_int_equal(plan_bisect(n, mono_feasible, &m, &first, &d), SIM_OK);
            assert_int_equal(first, t);
            int bound = 2 * (int)ceil(log2((double)n)) + 1;
            assert_true(m.calls <= bound);
        }
    mono_t m = {0, 0};
    size_t first;
    assert_int_equal(plan_bisect(1000, mono_feasible, &m, &first, &d), SIM_OK);
    assert_int_equal(first, 0);
    assert_int_equal(m.calls, 1); /* the cheapest candidate answers at once */
    m = (mono_t){0, 0};
    assert_int_equal(plan_bisect(0, mono_feasible, &m, &first, &d), SIM_OK);
    assert_int_equal(first, 0);
    assert_int_equal(m.calls, 0);
}

/* ---- serving prune rules --------------------------------------------------------- */

static const cfg_key_t *const serve_tables[] = {
    cfg_keys_run, sim_serve_keys_service, sim_serve_keys_traffic, sim_serve_keys_slo,
    sim_serve_keys_autoscale, plan_keys, cfg_keys_cost, NULL};

static plan_prune_t serve_rule(const char *const *ov, char *why)
{
    cfg_scenario_t *sc = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    plan_prune_t rule = PLAN_PRUNE_N;
    assert_int_equal(cfg_scenario_load(serve_tables, NULL, ov, &sc, &d), SIM_OK);
    assert_int_equal(plan_target_ops(PLAN_SERVE_SLO)->prune(sc, &rule, why, 256, &d), SIM_OK);
    cfg_scenario_free(sc);
    return rule;
}

static void test_serve_prune(void **state)
{
    (void)state;
    char why[256];
    /* 70B in bf16 = ~141 GB; on one A100-40G at 90 %: does not fit. */
    const char *mem[] = {"service.model=llama3-70b", "service.gpu=A100-40G", "service.tp=1",
                         NULL};
    assert_int_equal(serve_rule(mem, why), PLAN_PRUNE_MEMORY);
    assert_non_null(strstr(why, "GiB"));
    /* The throughput bound by hand: min(compute, decode) per replica. */
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *g = NULL;
    sim_serve_model_t m;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_hwcat_load(&cat, &d), SIM_OK);
    assert_int_equal(wl_hwcat_lookup(cat, "H100", &g, &d), SIM_OK);
    assert_int_equal(sim_serve_model_builtin("llama3-70b", &m, &d), SIM_OK);
    double P = sim_serve_model_params(&m);
    double compute = 8 * g->bf16_flops / (2 * P * (1000 + 200));
    double decode = 256.0 * 8 * g->mem_bw / (2 * P) / 200;
    double per = compute < decode ? compute : decode;
    wl_hwcat_free(cat);
    char above[64], below[64];
    snprintf(above, sizeof above, "traffic.rate=%.17g/s", 2 * per * 1.01);
    snprintf(below, sizeof below, "traffic.rate=%.17g/s", 2 * per * 0.99);
    const char *hi[] = {"service.model=llama3-70b", "service.gpu=H100", "service.tp=8",
                        "service.replicas=2", "traffic.prompt_tokens=1000",
                        "traffic.output_tokens=200", above, NULL};
    assert_int_equal(serve_rule(hi, why), PLAN_PRUNE_BOUND);
    assert_non_null(strstr(why, "throughput bound"));
    const char *lo[] = {"service.model=llama3-70b", "service.gpu=H100", "service.tp=8",
                        "service.replicas=2", "traffic.prompt_tokens=1000",
                        "traffic.output_tokens=200", below, NULL};
    assert_int_equal(serve_rule(lo, why), PLAN_PRUNE_NONE);
}

/* ---- the whole search with a synthetic runner ------------------------------------ */

static int runs;

/* Queueing p99 = 10^4 / GPUs seconds: monotone in GPUs. */
static sim_err_t synth_run(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                           sim_diag_t *diag)
{
    (void)seed;
    (void)diag;
    runs++;
    json_object_set_new(result, "q", json_real(1e4 / (double)cfg_get_int(sc, "cluster.gpus")));
    return SIM_OK;
}

static sim_err_t synth_gpus(const cfg_scenario_t *sc, char *gpu, size_t n, int64_t *count,
                            sim_diag_t *diag)
{
    (void)diag;
    snprintf(gpu, n, "%s", cfg_get_str(sc, "cluster.gpu"));
    *count = cfg_get_int(sc, "cluster.gpus");
    return SIM_OK;
}

/* A valid lower bound: q >= 5000 / GPUs. */
static sim_err_t synth_prune(const cfg_scenario_t *sc, plan_prune_t *rule, char *why, size_t n,
                             sim_diag_t *diag)
{
    (void)diag;
    double bound = 5e3 / (double)cfg_get_int(sc, "cluster.gpus");
    *rule = bound > cfg_get_time_s(sc, "plan.queue_p99") ? PLAN_PRUNE_BOUND : PLAN_PRUNE_NONE;
    snprintf(why, n, "bound %g s", bound);
    return SIM_OK;
}

static sim_err_t synth_eval(const cfg_scenario_t *sc, const json_t *r, plan_eval_t *ev,
                            sim_diag_t *diag)
{
    (void)diag;
    ev->metric = json_number_value(json_object_get(r, "q"));
    ev->meets = ev->metric <= cfg_get_time_s(sc, "plan.queue_p99");
    snprintf(ev->why, sizeof ev->why, "misses (%g s)", ev->metric);
    ev->gpus = cfg_get_int(sc, "cluster.gpus");
    memset(&ev->usage, 0, sizeof ev->usage);
    ev->usage.gpus = ev->gpus;
    ev->usage.wall_s = 730 * 3600.0;
    return SIM_OK;
}

static const plan_target_ops_t synth_ops = {PLAN_QUEUE_DELAY, "q", "s", "per month",
                                            synth_gpus, synth_prune, synth_eval};
static const cfg_key_t *const run_tables[] = {cfg_keys_cluster, cfg_keys_run, NULL};
static const cfg_key_t *const all_tables[] = {cfg_keys_cluster, cfg_keys_run, plan_keys,
                                              cfg_keys_cost, NULL};

static json_t *plan_with(const char *const *ov, sim_store_t *cache)
{
    plan_def_t def;
    memset(&def, 0, sizeof def);
    def.command = "synth";
    def.run_tables = run_tables;
    def.tables = all_tables;
    def.run = synth_run;
    def.ops = &synth_ops;
    def.overrides = ov;
    def.seed = 7;
    def.cache = cache;
    json_t *o = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = plan_run(&def, &o, &d);
    if (err != SIM_OK)
        fail_msg("plan_run: %s: %s", d.key, d.msg);
    return o;
}

static json_int_t geti(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void test_search(void **state)
{
    (void)state;
    sim_store_t *st = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_store_open(":memory:", SIM_STORE_READWRITE, &st, &d), SIM_OK);
    const char *ov[] = {"plan.vary=cluster.gpus=8:1024:x2; cluster.gpu=H800,A800",
                        "plan.queue_p99=100s", "plan.supply=A800:64", NULL};
    runs = 0;
    json_t *o = plan_with(ov, st);
    /* H800: 8, 16, 32 pruned by the bound (5000/g > 100).  The gallop
     * probes ranks 0, 1 (pruned), 3 = 64 GPUs (156 s, misses), 7 = 1024
     * (meets); bisection of ranks 4..7 asks 256 (meets), then 128 (78 s,
     * meets): 4 simulated, 512 skipped.  A800: 128..1024 over the cap,
     * 8..32 under the bound, 64 without an on-demand price in the
     * catalog. */
    assert_int_equal(geti(o, "considered"), 16);
    assert_int_equal(geti(o, "simulated"), 4);
    assert_int_equal(runs, 4);
    assert_int_equal(geti(o, "cached"), 0);
    assert_int_equal(geti(o, "skipped"), 1);
    assert_int_equal(geti(o, "pruned"), 11);
    const json_t *by = json_object_get(o, "pruned_by");
    assert_int_equal(geti(by, "bound"), 6); /* the bound is checked before the price */
    assert_int_equal(geti(by, "cap"), 4);
    assert_int_equal(geti(by, "price"), 1);
    assert_int_equal(geti(by, "memory"), 0);
    const json_t *best = json_object_get(o, "best");
    assert_string_equal(json_string_value(json_object_get(best, "cluster.gpus")), "128");
    assert_string_equal(json_string_value(json_object_get(best, "cluster.gpu")), "H800");
    /* H800 on-demand $2.00/GPU-hour (DeepSeek-V3's assumption, prices.ini):
     * 128 GPUs x 730 h x $2. */
    assert_close(json_number_value(json_object_get(o, "cost_usd")), 128 * 730 * 2.0, 1e-12);
    assert_close(json_number_value(json_object_get(o, "metric")), 1e4 / 128, 1e-12);
    const json_t *set = json_object_get(o, "set");
    bool found = false;
    for (size_t i = 0; i < json_array_size(set); i++)
        found |= strcmp(json_string_value(json_array_get(set, i)), "cluster.gpus=128") == 0;
    assert_true(found);
    /* Frontier: each simulated size is cheaper and slower than the next:
     * all four, by metric: 1024, 256, 128, 64 GPUs ($93,440, 156 s). */
    const json_t *fr = json_object_get(o, "frontier");
    assert_int_equal(json_array_size(fr), 4);
    assert_close(json_number_value(json_object_get(json_array_get(fr, 0), "metric")), 1e4 / 1024,
                 1e-12);
    assert_close(json_number_value(json_object_get(json_array_get(fr, 3), "cost_usd")),
                 64 * 730 * 2.0, 1e-12);
    const json_t *ups = json_object_get(o, "runners_up");
    assert_int_equal(json_array_size(ups), 1);
    const char *why = json_string_value(json_object_get(json_array_get(ups, 0), "reason"));
    assert_non_null(strstr(why, "no on-demand price for A800"));
    json_decref(o);

    /* Rerun on the same store: nothing simulated again. */
    runs = 0;
    o = plan_with(ov, st);
    assert_int_equal(geti(o, "simulated"), 0);
    assert_int_equal(geti(o, "cached"), 4);
    assert_int_equal(runs, 0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o, "best"), "cluster.gpus")), "128");
    json_decref(o);
    sim_store_close(st);
}

static void test_pricing_axis(void **state)
{
    (void)state;
    /* A pricing axis reuses the simulations (cache hits); the fallback
     * price applies where the catalog has none (H800 reserved-1y). */
    const char *ov[] = {"plan.vary=cluster.gpus=8:1024:x2; cost.pricing=on-demand,reserved-1y",
                        "plan.queue_p99=100s", "plan.price=H800:1.5", "cluster.gpu=H800", NULL};
    runs = 0;
    json_t *o = plan_with(ov, NULL);
    assert_int_equal(runs, 4);
    assert_int_equal(geti(o, "simulated"), 4);
    assert_int_equal(geti(o, "cached"), 4);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o, "best"), "cost.pricing")),
        "reserved-1y");
    assert_close(json_number_value(json_object_get(o, "cost_usd")), 128 * 730 * 1.5, 1e-12);
    const json_t *ups = json_object_get(o, "runners_up");
    assert_int_equal(json_array_size(ups), 1);
    /* 2.00 / 1.50 - 1 = 33 % */
    assert_string_equal(json_string_value(json_object_get(json_array_get(ups, 0), "reason")),
                        "costs 33% more ($1.869e+05 vs $1.402e+05 per month)");
    json_decref(o);

    /* Nothing feasible: best is null, the reason is the miss. */
    const char *none[] = {"plan.vary=cluster.gpus=64:128:x2", "plan.queue_p99=10s",
                          "cluster.gpu=H800", "plan.search=exhaustive", NULL};
    runs = 0;
    o = plan_with(none, NULL);
    assert_true(json_is_null(json_object_get(o, "best")));
    /* exhaustive: both bound-pruned (5000/64, 5000/128 > 10) */
    assert_int_equal(runs, 0);
    assert_int_equal(geti(json_object_get(o, "pruned_by"), "bound"), 2);
    json_decref(o);
}

static void test_bad_axis(void **state)
{
    (void)state;
    plan_def_t def;
    memset(&def, 0, sizeof def);
    const char *ov[] = {"plan.vary=cluster.gpuz=8,16", NULL};
    def.command = "synth";
    def.run_tables = run_tables;
    def.tables = all_tables;
    def.run = synth_run;
    def.ops = &synth_ops;
    def.overrides = ov;
    json_t *o = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(plan_run(&def, &o, &d), SIM_ERR_INPUT);
    assert_null(o);
    assert_string_equal(d.key, "plan.vary");
    assert_non_null(strstr(d.msg, "cluster.gpuz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),      cmocka_unit_test(test_axes_caps),
        cmocka_unit_test(test_pareto),      cmocka_unit_test(test_bisect),
        cmocka_unit_test(test_serve_prune), cmocka_unit_test(test_search),
        cmocka_unit_test(test_pricing_axis), cmocka_unit_test(test_bad_axis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
