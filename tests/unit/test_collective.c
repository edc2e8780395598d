/*
 * test_collective.c — collectives on the flow network (sim/net/
 * collective.h, nccl_tuning.h, coll_validate.h): analytic ring time, a
 * hierarchical vs flat ring, oversubscription, auto selection, step
 * collapsing (exact when quiet, off under contention), determinism, and
 * the published validation rows within 10 %.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "sim/net/coll_validate.h"
#include "sim/net/collective.h"
#include "topologies/route.h"
#include "workloads/hwcat.h"

static topo_t *build(topo_kind_t kind, int64_t gpus, int32_t per_node,
                     double nic_gbps, double oversub)
{
    topo_params_t p;
    topo_t *t = NULL;
    topo_params_default(&p, kind);
    p.gpus = gpus;
    p.gpus_per_node = per_node;
    p.nics_per_node = per_node;
    if (nic_gbps > 0)
        p.nic_bandwidth = nic_gbps * 1e9 / 8.0;
    p.oversubscription = oversub;
    if (kind == TOPO_SPINE_LEAF)
        p.switch_radix = 8;
    assert_int_equal(topo_build(&p, &t, NULL), SIM_OK);
    return t;
}

typedef struct world {
    sim_engine_t *eng;
    sim_net_t *net;
    sim_coll_env_t env;
    int32_t gpus[4096];
} world_t;

static void world_init(world_t *w, topo_t *t, const sim_coll_profile_t *prof,
                       bool nvls, sim_net_ecmp_t ecmp)
{
    sim_net_params_t np;
    sim_coll_net_params(prof, &np);
    np.ecmp = ecmp;
    w->eng = sim_engine_new(7);
    w->net = sim_net_new(w->eng, t, &np);
    assert_non_null(w->net);
    w->env = (sim_coll_env_t){w->eng, w->net, t, prof, nvls};
    for (int i = 0; i < 4096; i++)
        w->gpus[i] = i;
}

static void world_destroy(world_t *w)
{
    sim_net_free(w->net);
    sim_engine_free(w->eng);
}

static double path_latency(const topo_t *t, int32_t a, int32_t b)
{
    int32_t l[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    double s = 0;
    assert_int_equal(topo_route(t, a, b, 0, l, TOPO_ROUTE_MAX_HOPS, &n, NULL),
                     SIM_OK);
    for (size_t i = 0; i < n; i++)
        s += t->l_lat[l[i]];
    return s;
}

/* One GPU per node, one 100G NIC each: the ring is NIC-bound. */
static void test_ring_analytic(void **state)
{
    (void)state;
    const int n = 8;
    const double S = 1 << 30, B = 100e9 / 8;
    sim_coll_profile_t prof;
    sim_coll_profile_neutral(&prof);
    topo_t *t = build(TOPO_RAIL_FAT_TREE, n, 1, 100, 1);
    world_t w;
    world_init(&w, t, &prof, false, SIM_NET_ECMP_HASH);
    sim_coll_spec_t sp;
    sim_coll_spec_default(&sp);
    sp.algo = SIM_COLL_ALGO_RING;
    sp.bytes = S;
    sim_coll_result_t r;
    assert_int_equal(sim_coll_run(&w.env, w.gpus, n, &sp, &r, NULL), SIM_OK);
    double lat = path_latency(t, 0, 1);
    double expect = 2.0 * (n - 1) / n * S / B + 2.0 * (n - 1) * lat;
    assert_close(r.time_s, expect, 0.01);
    assert_int_equal(r.steps, 2 * (n - 1));
    assert_close(r.algbw_GBps, S / r.time_s / 1e9, 1e-12);
    assert_close(r.busbw_GBps, r.algbw_GBps * 2.0 * (n - 1) / n, 1e-12);
    assert_close(r.busbw_GBps, B / 1e9, 0.01);
    world_destroy(&w);
    topo_free(t);
}

/* 4 nodes x 8 GPUs: reduce-scatter over NVLink, rail rings, all-gather
 * beats a single flat ring whose 4 node crossings share one NIC each. */
static void test_hierarchical_beats_flat_ring(void **state)
{
    (void)state;
    sim_coll_profile_t prof;
    sim_coll_profile_neutral(&prof);
    prof.nvlink_efficiency = 0.8;
    topo_t *t = build(TOPO_RAIL_FAT_TREE, 32, 8, 400, 1);
    sim_coll_spec_t sp;
    sim_coll_spec_default(&sp);
    sp.bytes = 1 << 30;
    sim_coll_result_t flat, hier;
    world_t w;
    world_init(&w, t, &prof, false, SIM_NET_ECMP_HASH);
    sp.algo = SIM_COLL_ALGO_RING;
    sp.channels = 1;
    assert_int_equal(sim_coll_run(&w.env, w.gpus, 32, &sp, &flat, NULL),
                     SIM_OK);
    sp.algo = SIM_COLL_ALGO_HIER;
    sp.channels = 0;
    assert_int_equal(sim_coll_run(&w.env, w.gpus, 32, &sp, &hier, NULL),
                     SIM_OK);
    assert_true(hier.time_s < 0.5 * flat.time_s);
    /* the flat ring is bound by one 50 GB/s NIC per crossing */
    assert_close(flat.busbw_GBps, 50.0, 0.02);
    world_destroy(&w);
    topo_free(t);
}

/* Leaf-to-leaf transfers through an oversubscribed leaf take `ratio`
 * times longer than through a non-blocking one. */
static double cross_leaf_time(double oversub)
{
    sim_coll_profile_t prof;
    sim_coll_profile_neutral(&prof);
    topo_t *t = build(TOPO_SPINE_LEAF, 16, 1, 400, oversub);
    int32_t leaf0 = t->l_dst[t->nic_port_link[0]];
    int down = 0;
    for (int32_t g = 0; g < t->n_gpus; g++)
        if (t->l_dst[t->nic_port_link[t->gpu_nic[g]]] == leaf0)
            down++;
    assert_true(2 * down <= t->n_gpus);
    world_t w;
    world_init(&w, t, &prof, false, SIM_NET_ECMP_SPRAY);
    int32_t g[64];
    size_t off[33];
    sim_coll_spec_t sp[32];
    sim_coll_result_t r[32];
    for (int i = 0; i < down; i++) {
        g[2 * i] = i;
        g[2 * i + 1] = down + i;
        off[i] = (size_t)(2 * i);
        sim_coll_spec_default(&sp[i]);
        sp[i].op = SIM_COLL_SEND_RECV;
        sp[i].bytes = 1e9;
    }
    off[down] = (size_t)(2 * down);
    assert_int_equal(sim_coll_run_many(&w.env, g, off, (size_t)down, sp, r,
                                       NULL), SIM_OK);
    double worst = 0;
    for (int i = 0; i < down; i++)
        if (r[i].time_s > worst)
            worst = r[i].time_s;
    world_destroy(&w);
    topo_free(t);
    return worst;
}

static void test_oversubscription_ratio(void **state)
{
    (void)state;
    double t1 = cross_leaf_time(1.0), t3 = cross_leaf_time(3.0);
    assert_close(t3 / t1, 3.0, 0.01);
}

static void test_auto_choice(void **state)
{
    (void)state;
    sim_coll_tuning_t *tun;
    sim_coll_profile_t prof;
    assert_int_equal(sim_coll_tuning_load(&tun, NULL), SIM_OK);
    assert_true(sim_coll_tuning_profile(tun, "H200", &prof));
    sim_coll_spec_t sp;
    sim_coll_spec_default(&sp);
    sim_coll_result_t r;

    topo_t *t = build(TOPO_SINGLE_NODE, 8, 8, 0, 1);
    sp.bytes = 256.0 * 1024 * 1024;
    assert_int_equal(sim_coll_simulate(t, &prof, true, 0, &sp, &r, NULL),
                     SIM_OK);
    assert_int_equal(r.algo, SIM_COLL_ALGO_NVLS);
    assert_true(r.auto_picked);
    /* without NVLS support: a ring */
    assert_int_equal(sim_coll_simulate(t, &prof, false, 0, &sp, &r, NULL),
                     SIM_OK);
    assert_int_equal(r.algo, SIM_COLL_ALGO_RING);
    topo_free(t);

    /* 16 nodes x 8: small messages take the tree (log-depth latency),
     * large ones the ring */
    t = build(TOPO_RAIL_FAT_TREE, 128, 8, 400, 1);
    sp.bytes = 64 * 1024;
    assert_int_equal(sim_coll_simulate(t, &prof, true, 0, &sp, &r, NULL),
                     SIM_OK);
    assert_int_equal(r.algo, SIM_COLL_ALGO_TREE);
    sp.bytes = 4.0 * 1024 * 1024 * 1024;
    assert_int_equal(sim_coll_simulate(t, &prof, true, 0, &sp, &r, NULL),
                     SIM_OK);
    assert_int_equal(r.algo, SIM_COLL_ALGO_RING);
    assert_int_equal(r.proto, SIM_COLL_PROTO_SIMPLE);
    /* all-to-all is always pairwise */
    sp.op = SIM_COLL_ALL_TO_ALL;
    sp.bytes = 1 << 20;
    assert_int_equal(sim_coll_simulate(t, &prof, true, 16, &sp, &r, NULL),
                     SIM_OK);
    assert_int_equal(r.algo, SIM_COLL_ALGO_PAIRWISE);
    topo_free(t);
    sim_coll_tuning_free(tun);
}

static void test_collapse_exact_when_quiet(void **state)
{
    (void)state;
    sim_coll_tuning_t *tun;
    sim_coll_profile_t prof;
    assert_int_equal(sim_coll_tuning_load(&tun, NULL), SIM_OK);
    sim_coll_tuning_profile(tun, "H100", &prof);
    topo_t *t = build(TOPO_RAIL_FAT_TREE, 64, 8, 400, 1);
    sim_coll_algo_t algos[] = {SIM_COLL_ALGO_RING, SIM_COLL_ALGO_HIER,
                               SIM_COLL_ALGO_TREE};
    for (size_t a = 0; a < 3; a++) {
        sim_coll_spec_t sp;
        sim_coll_spec_default(&sp);
        sp.algo = algos[a];
        sp.bytes = 256.0 * 1024 * 1024;
        sim_coll_result_t fast, full;
        assert_int_equal(sim_coll_simulate(t, &prof, true, 0, &sp, &fast,
                                           NULL), SIM_OK);
        sp.collapse = false;
        assert_int_equal(sim_coll_simulate(t, &prof, true, 0, &sp, &full,
                                           NULL), SIM_OK);
        assert_true(fast.steps_collapsed > 0);
        assert_int_equal(full.steps_collapsed, 0);
        assert_int_equal(full.steps_simulated, full.steps);
        assert_int_equal(fast.steps_simulated + fast.steps_collapsed,
                         fast.steps);
        assert_true(fast.flows < full.flows);
        assert_close(fast.time_s, full.time_s, 1e-9);
    }
    topo_free(t);
    sim_coll_tuning_free(tun);
}

static void test_collapse_off_under_contention(void **state)
{
    (void)state;
    sim_coll_profile_t prof;
    sim_coll_profile_neutral(&prof);
    topo_t *t = build(TOPO_RAIL_FAT_TREE, 32, 8, 400, 1);
    world_t w;
    world_init(&w, t, &prof, false, SIM_NET_ECMP_HASH);
    /* two communicators over the same 16 GPUs share every link */
    int32_t g[32];
    for (int i = 0; i < 16; i++)
        g[i] = g[16 + i] = i;
    size_t off[3] = {0, 16, 32};
    sim_coll_spec_t sp[2];
    sim_coll_result_t r[2], alone;
    for (int j = 0; j < 2; j++) {
        sim_coll_spec_default(&sp[j]);
        sp[j].algo = SIM_COLL_ALGO_RING;
        sp[j].bytes = (j + 1) * 64e6; /* different sizes: steps interleave */
        sp[j].salt = (uint64_t)j;
    }
    assert_int_equal(sim_coll_run_many(&w.env, g, off, 2, sp, r, NULL),
                     SIM_OK);
    assert_int_equal(r[0].steps_collapsed, 0);
    assert_true(r[1].steps_collapsed < r[1].steps / 2);
    assert_int_equal(sim_coll_run(&w.env, g, 16, &sp[0], &alone, NULL),
                     SIM_OK);
    assert_true(alone.steps_collapsed > 0);
    assert_true(r[0].time_s > alone.time_s); /* contention costs time */
    world_destroy(&w);
    topo_free(t);
}

static void test_deterministic_json(void **state)
{
    (void)state;
    sim_coll_profile_t prof;
    sim_coll_profile_neutral(&prof);
    topo_t *t = build(TOPO_RAIL_FAT_TREE, 16, 8, 400, 1);
    char *s[2];
    for (int k = 0; k < 2; k++) {
        sim_coll_spec_t sp;
        sim_coll_spec_default(&sp);
        sp.bytes = 3e7;
        sim_coll_result_t r[2];
        assert_int_equal(sim_coll_simulate(t, &prof, false, 0, &sp, &r[0],
                                           NULL), SIM_OK);
        sp.op = SIM_COLL_BROADCAST;
        sp.root = 3;
        assert_int_equal(sim_coll_simulate(t, &prof, false, 0, &sp, &r[1],
                                           NULL), SIM_OK);
        json_t *arr;
        assert_int_equal(sim_coll_results_to_json(r, 2, &arr), SIM_OK);
        assert_int_equal(json_array_size(arr), 2);
        json_t *o = json_array_get(arr, 0);
        assert_non_null(json_object_get(o, "busbw_GBps"));
        assert_string_equal(json_string_value(json_object_get(o, "op")),
                            "allreduce");
        s[k] = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(17));
        json_decref(arr);
    }
    assert_string_equal(s[0], s[1]);
    free(s[0]);
    free(s[1]);
    topo_free(t);
}

static void test_validation_rows_within_10pct(void **state)
{
    (void)state;
    wl_hwcat_t *cat;
    sim_coll_tuning_t *tun;
    sim_coll_vreport_t rep;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(wl_hwcat_load(&cat, NULL), SIM_OK);
    assert_int_equal(sim_coll_tuning_load(&tun, NULL), SIM_OK);
    sim_err_t err = sim_coll_validate_file(NULL, cat, tun, 0.10, &rep, &d);
    if (err != SIM_OK)
        sim_coll_vreport_print(&rep, stderr);
    assert_int_equal(err, SIM_OK);
    assert_int_equal(rep.n, 23);
    assert_int_equal(rep.failed, 0);
    for (size_t i = 0; i < rep.n; i++)
        assert_true(rep.rows[i].simulated > 0);
    json_t *o = json_object();
    assert_int_equal(sim_coll_vreport_to_json(&rep, o), SIM_OK);
    assert_int_equal(json_array_size(json_object_get(o, "rows")), 23);
    json_decref(o);
    sim_coll_vreport_destroy(&rep);

    /* a tighter tolerance fails and says so; a bad row names its line */
    err = sim_coll_validate_file(NULL, cat, tun, 0.001, &rep, &d);
    assert_int_equal(err, SIM_ERR_CHECK);
    assert_true(rep.failed > 0);
    sim_coll_vreport_destroy(&rep);
    static const char badcsv[] =
        "op,gpu,gpus,gpus_per_node,nic_gbps_per_gpu,algo,bytes,busbw_GBps,"
        "time_us,source,note\n"
        "all_reduce,H200,8,8,,warp,1024,10,,x,\n";
    sim_diag_clear(&d);
    err = sim_coll_validate_text(badcsv, sizeof badcsv - 1, "bad.csv", cat,
                                 tun, 0.1, &rep, &d);
    assert_int_equal(err, SIM_ERR_INPUT);
    assert_int_equal(d.line, 2);
    assert_string_equal(d.key, "algo");
    sim_coll_vreport_destroy(&rep);
    sim_coll_tuning_free(tun);
    wl_hwcat_free(cat);
}

static void test_tuning_file_errors(void **state)
{
    (void)state;
    sim_coll_tuning_t *tun;
    sim_diag_t d = SIM_DIAG_INIT;
    static const char bad1[] = "[default]\nring.simple.speed = 3\n";
    assert_int_equal(sim_coll_tuning_parse(bad1, sizeof bad1 - 1, "n.ini",
                                           &tun, &d), SIM_ERR_INPUT);
    assert_int_equal(d.line, 2);
    static const char bad2[] = "[default]\nring.simple.latency = 3\n";
    sim_diag_clear(&d);
    assert_int_equal(sim_coll_tuning_parse(bad2, sizeof bad2 - 1, "n.ini",
                                           &tun, &d), SIM_ERR_UNIT);
    static const char ok[] = "[default]\nnic_efficiency = 0.5\n"
                             "[B200]\nnic_efficiency = 0.25\n";
    assert_int_equal(sim_coll_tuning_parse(ok, sizeof ok - 1, "n.ini", &tun,
                                           NULL), SIM_OK);
    sim_coll_profile_t p;
    assert_false(sim_coll_tuning_profile(tun, "H100", &p));
    assert_close(p.nic_efficiency, 0.5, 1e-15);
    assert_true(sim_coll_tuning_profile(tun, "b200", &p));
    assert_close(p.nic_efficiency, 0.25, 1e-15);
    sim_coll_tuning_free(tun);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_analytic),
        cmocka_unit_test(test_hierarchical_beats_flat_ring),
        cmocka_unit_test(test_oversubscription_ratio),
        cmocka_unit_test(test_auto_choice),
        cmocka_unit_test(test_collapse_exact_when_quiet),
        cmocka_unit_test(test_collapse_off_under_contention),
        cmocka_unit_test(test_deterministic_json),
        cmocka_unit_test(test_validation_rows_within_10pct),
        cmocka_unit_test(test_tuning_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
