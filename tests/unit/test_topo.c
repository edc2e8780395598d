/*
 * test_topo.c — topology builders: counts, bandwidths, latencies, wiring
 * and parameter errors, checked against hand-computed numbers (HPN paper /
 * SimAI template, NVIDIA SuperPOD RA switch tables, k-ary fat tree).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "topologies/summary.h"
#include "topologies/topo.h"

#define G400 50e9 /* 400 Gb/s in bytes/s */
#define G200 25e9

static topo_t *build(const topo_params_t *p)
{
    sim_diag_t d = SIM_DIAG_INIT;
    topo_t *t = NULL;
    sim_err_t err = topo_build(p, &t, &d);
    if (err != SIM_OK)
        fprintf(stderr, "build failed: %s\n", d.msg);
    assert_int_equal(err, SIM_OK);
    assert_non_null(t);
    return t;
}

static int64_t cables(const topo_t *t, topo_lkind_t k, double *bw)
{
    int64_t n = 0;
    for (int32_t l = 0; l < t->n_links; l += 2) {
        if (t->l_kind[l] != k)
            continue;
        n++;
        if (bw != NULL)
            *bw = t->l_bw[l];
    }
    return n;
}

static void check_links_paired(const topo_t *t)
{
    assert_int_equal(t->n_links % 2, 0);
    for (int32_t l = 0; l < t->n_links; l++) {
        assert_int_equal(t->l_src[l ^ 1], t->l_dst[l]);
        assert_int_equal(t->l_dst[l ^ 1], t->l_src[l]);
        assert_true(t->l_bw[l] == t->l_bw[l ^ 1]);
    }
    assert_int_equal(igraph_ecount(&t->graph), t->n_links);
    assert_int_equal(igraph_vcount(&t->graph), t->n_vertices);
}

static void test_hpn_16k(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 16384;
    topo_t *t = build(&p);
    check_links_paired(t);
    /* 16,384 GPUs = 2,048 hosts = 16 segments of 128 hosts; pods of 15
     * segments -> 2 pods. */
    assert_int_equal(t->n_gpus, 16384);
    assert_int_equal(t->n_nodes, 2048);
    assert_int_equal(t->n_nics, 16384);
    assert_int_equal(t->nic_ports, 2);
    assert_int_equal(t->n_switches[1], 16 * 8 * 2);      /* ToRs */
    assert_int_equal(t->n_switches[2], 2 * 2 * 60);      /* 60 per plane per pod */
    assert_int_equal(t->n_switches[3], 2 * 60 * 1);      /* core groups (plane, j) */
    double bw = 0;
    assert_int_equal(cables(t, TOPO_L_NIC_LEAF, &bw), 32768);
    assert_true(bw == G200);
    assert_int_equal(cables(t, TOPO_L_LEAF_SPINE, &bw), 256 * 60);
    assert_true(bw == G400);
    assert_int_equal(cables(t, TOPO_L_SPINE_CORE, &bw), 240 * 8);
    assert_int_equal(cables(t, TOPO_L_NVLINK, &bw), 16384);
    assert_true(bw == 450e9);
    assert_int_equal(cables(t, TOPO_L_PCIE, &bw), 16384);
    assert_true(bw == 63e9);
    /* Dual-ToR: the two ports of a NIC land on two ToRs of different planes. */
    int32_t a = t->l_dst[t->nic_port_link[0]], b = t->l_dst[t->nic_port_link[1]];
    assert_int_not_equal(a, b);
    assert_int_equal(t->v_plane[a], 0);
    assert_int_equal(t->v_plane[b], 1);
    /* Rail-optimised: NIC 3 of host 0 and host 127 share ToR; host 128 not. */
    int32_t n0 = 0 * 8 + 3, n127 = 127 * 8 + 3, n128 = 128 * 8 + 3;
    assert_int_equal(t->l_dst[t->nic_port_link[2 * n0]],
                     t->l_dst[t->nic_port_link[2 * n127]]);
    assert_int_not_equal(t->l_dst[t->nic_port_link[2 * n0]],
                         t->l_dst[t->nic_port_link[2 * n128]]);
    assert_int_not_equal(t->l_dst[t->nic_port_link[2 * n0]],
                         t->l_dst[t->nic_port_link[2 * (0 * 8 + 4)]]);
    /* Per-host injection 8 NICs x 2 x 200G = 3.2 Tb/s. */
    double inj = 0;
    for (int i = 0; i < 16; i++)
        inj += t->l_bw[t->nic_port_link[i]];
    assert_close(inj, 3.2e12 / 8, 1e-12);
    /* ToR degree: 128 hosts down + 60 up; aggregation: 120 down + 8 up. */
    int32_t tor = topo_switch_vertex(t, 1, 0), agg = topo_switch_vertex(t, 2, 0);
    assert_int_equal(t->adj_mid[tor] - t->adj_off[tor], 128);
    assert_int_equal(t->adj_off[tor + 1] - t->adj_mid[tor], 60);
    assert_int_equal(t->adj_mid[agg] - t->adj_off[agg], 120);
    assert_int_equal(t->adj_off[agg + 1] - t->adj_mid[agg], 8);
    topo_free(t);
}

static void test_hpn_single_pod_no_core(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 15360; /* exactly one pod */
    topo_t *t = build(&p);
    assert_int_equal(t->n_switches[1], 15 * 16);
    assert_int_equal(t->n_switches[2], 120);
    assert_int_equal(t->n_switches[3], 0);
    topo_free(t);
    /* Oversubscription 2 halves the ToR uplinks (64 -> 32 < the 60 cap). */
    p.gpus = 1024;
    p.oversubscription = 2.0;
    t = build(&p);
    assert_int_equal(t->n_switches[2], 2 * 32);
    topo_free(t);
}

static void test_rail_superpod_tables(void **state)
{
    (void)state;
    /* NVIDIA DGX SuperPOD B200 RA: SUs -> leaf / spine / core switches. */
    static const struct { int64_t gpus; int leaf, spine, core; } rows[] = {
        {1024, 32, 16, 0}, {2048, 64, 32, 0}, {4096, 128, 128, 64},
        {16384, 512, 512, 256},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        topo_params_t p;
        topo_params_default(&p, TOPO_RAIL_FAT_TREE);
        p.gpus = rows[i].gpus;
        topo_t *t = build(&p);
        check_links_paired(t);
        assert_int_equal(t->n_switches[1], rows[i].leaf);
        assert_int_equal(t->n_switches[2], rows[i].spine);
        assert_int_equal(t->n_switches[3], rows[i].core);
        /* RA: node-leaf cables = leaf-spine cables = GPUs. */
        assert_int_equal(cables(t, TOPO_L_NIC_LEAF, NULL), rows[i].gpus);
        assert_int_equal(cables(t, TOPO_L_LEAF_SPINE, NULL), rows[i].gpus);
        if (rows[i].core > 0)
            assert_int_equal(cables(t, TOPO_L_SPINE_CORE, NULL), rows[i].gpus);
        /* Rails: NIC 5 of nodes 0 and 31 share a leaf, node 32 is in the
         * next SU. */
        assert_int_equal(t->l_dst[t->nic_port_link[5]],
                         t->l_dst[t->nic_port_link[31 * 8 + 5]]);
        assert_int_not_equal(t->l_dst[t->nic_port_link[5]],
                             t->l_dst[t->nic_port_link[32 * 8 + 5]]);
        topo_free(t);
    }
}

static void test_fat_tree(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_FAT_TREE);
    p.gpus = 16;
    p.gpus_per_node = 1;
    p.nics_per_node = 1;
    p.fat_tree_k = 4;
    topo_t *t = build(&p);
    check_links_paired(t);
    /* k = 4: k^3/4 = 16 hosts, k^2/2 = 8 edge, 8 aggregation, (k/2)^2 = 4 core. */
    assert_int_equal(t->n_nodes, 16);
    assert_int_equal(t->n_switches[1], 8);
    assert_int_equal(t->n_switches[2], 8);
    assert_int_equal(t->n_switches[3], 4);
    assert_int_equal(cables(t, TOPO_L_NIC_LEAF, NULL), 16);
    assert_int_equal(cables(t, TOPO_L_LEAF_SPINE, NULL), 16);
    assert_int_equal(cables(t, TOPO_L_SPINE_CORE, NULL), 16);
    assert_int_equal(cables(t, TOPO_L_NVLINK, NULL), 0); /* 1 GPU per node */
    /* Every core has one link to each of the 4 pods. */
    int32_t core = topo_switch_vertex(t, 3, 2);
    int pods[4] = {0};
    for (int32_t i = t->adj_off[core]; i < t->adj_off[core + 1]; i++)
        pods[t->v_pod[t->l_dst[t->adj[i]]]]++;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pods[i], 1);
    topo_free(t);

    /* k = 0 picks the smallest even k: 128 GPUs x 1 NIC port each = 128
     * ports -> k = 8 (8^3/4 = 128). */
    topo_params_default(&p, TOPO_FAT_TREE);
    p.gpus = 128;
    t = build(&p);
    assert_int_equal(t->params.fat_tree_k, 8);
    assert_int_equal(t->n_switches[3], 16);
    topo_free(t);
}

static void test_spine_leaf(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 256;
    topo_t *t = build(&p);
    check_links_paired(t);
    /* 64-port leaves at 1:1: 32 down, 32 up; 256 ports -> 8 leaves; 8 x 32
     * uplinks fill 4 spines of 64 ports with 8 parallel cables each. */
    assert_int_equal(t->n_switches[1], 8);
    assert_int_equal(t->n_switches[2], 4);
    assert_int_equal(cables(t, TOPO_L_LEAF_SPINE, NULL), 256);
    topo_free(t);
    /* 3:1 -> 48 down, 16 up: 256 ports need 6 leaves, 96 uplinks -> 2 spines. */
    p.oversubscription = 3.0;
    t = build(&p);
    assert_int_equal(t->n_switches[1], 6);
    assert_int_equal(t->n_switches[2], 2);
    assert_int_equal(cables(t, TOPO_L_LEAF_SPINE, NULL), 6 * 16);
    int32_t leaf = topo_switch_vertex(t, 1, 0);
    assert_int_equal(t->adj_mid[leaf] - t->adj_off[leaf], 48);
    topo_free(t);
}

static void test_single_node(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_SINGLE_NODE);
    topo_t *t = build(&p);
    double bw = 0;
    assert_int_equal(t->n_gpus, 8);
    assert_int_equal(t->n_nics, 8);
    assert_int_equal(t->n_vertices, 8 + 1 + 8);
    assert_int_equal(cables(t, TOPO_L_NVLINK, &bw), 8);
    assert_true(bw == 450e9);
    assert_int_equal(cables(t, TOPO_L_PCIE, &bw), 8);
    assert_true(bw == 63e9);
    assert_int_equal(t->n_switches[1] + t->n_switches[2] + t->n_switches[3], 0);
    /* Latencies: NVSwitch hop split over two links, NIC on PCIe. */
    assert_close(t->l_lat[t->gpu_nvlink[0]] + t->l_lat[t->gpu_nvlink[1] ^ 1],
                 25e-9, 1e-12);
    assert_close(t->l_lat[t->gpu_pcie[0]], 500e-9, 1e-12);
    topo_free(t);
    p.gpus = 4; /* a partial node */
    t = build(&p);
    assert_int_equal(t->n_gpus, 4);
    assert_int_equal(t->n_nics, 4);
    topo_free(t);
}

static void test_latency_and_ids(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 64;
    p.link_latency = 10e-9;
    topo_t *t = build(&p);
    int32_t port = t->nic_port_link[0];
    assert_close(t->l_lat[port], 10e-9 + 250e-9, 1e-12);     /* into a switch */
    assert_close(t->l_lat[port ^ 1], 10e-9, 1e-12);          /* into a NIC */
    /* GPU g is vertex g; per-GPU bookkeeping. */
    assert_int_equal(t->v_kind[9], TOPO_V_GPU);
    assert_int_equal(t->gpu_node[9], 1);
    assert_int_equal(t->gpu_local[9], 1);
    assert_int_equal(t->gpu_nic[9], 9);
    assert_int_equal(t->l_src[t->gpu_pcie[9]], 9);
    assert_int_equal(t->l_dst[t->gpu_pcie[9]], t->nic_vertex[9]);
    assert_string_equal(topo_kind_name(t->kind), "spine-leaf");
    topo_free(t);
}

static void test_state(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 64;
    topo_t *t = build(&p);
    uint64_t v0 = t->state_version;
    int32_t l = t->nic_port_link[3];
    topo_link_set_up(t, l, false);
    assert_false(t->l_up[l]);
    assert_true(t->l_up[l ^ 1]);
    assert_false(topo_link_usable(t, l));
    topo_cable_set_up(t, l, false);
    assert_false(t->l_up[l ^ 1]);
    topo_cable_set_up(t, l, true);
    assert_true(topo_link_usable(t, l) && topo_link_usable(t, l ^ 1));
    int32_t leaf = t->l_dst[l];
    topo_vertex_set_up(t, leaf, false);
    assert_false(topo_link_usable(t, l)); /* endpoint down */
    topo_vertex_set_up(t, leaf, true);
    assert_true(topo_link_usable(t, l));
    assert_true(t->state_version > v0);
    topo_free(t);
    topo_free(NULL);
}

static void expect_range(topo_params_t *p, const char *key, const char *needle)
{
    sim_diag_t d = SIM_DIAG_INIT;
    topo_t *t = (topo_t *)1;
    assert_int_equal(topo_build(p, &t, &d), SIM_ERR_RANGE);
    assert_null(t);
    assert_int_equal(d.code, SIM_ERR_RANGE);
    assert_string_equal(d.key, key);
    if (strstr(d.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", d.msg, needle);
}

static void test_errors(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 1001;
    expect_range(&p, "cluster.gpus", "multiple of gpus_per_node");
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 1 << 20;
    expect_range(&p, "cluster.gpus", "at most");
    topo_params_default(&p, TOPO_SINGLE_NODE);
    p.gpus = 16;
    expect_range(&p, "cluster.gpus", "single-node holds");
    topo_params_default(&p, TOPO_FAT_TREE);
    p.gpus = 128;
    p.fat_tree_k = 5;
    expect_range(&p, "cluster.fat_tree_k", "even");
    p.fat_tree_k = 4;
    expect_range(&p, "cluster.gpus", "host ports");
    topo_params_default(&p, TOPO_RAIL_FAT_TREE);
    p.gpus = 131072; /* 64-port switches top out at 65,536 GPUs */
    expect_range(&p, "cluster.gpus", "65536");
    p.gpus = 64;
    p.nic_ports = 3;
    expect_range(&p, "cluster.nic_ports", "1 or 2");
    p.nic_ports = 1;
    p.oversubscription = 0.5;
    expect_range(&p, "cluster.oversubscription", ">= 1");
    p.oversubscription = 1;
    p.nic_bandwidth = -1;
    expect_range(&p, "cluster.nic_bandwidth", "positive");
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 1024;
    p.segment_gpus = 1020;
    expect_range(&p, "cluster.segment_gpus", "multiple");

    topo_kind_t k;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(topo_kind_from_name("torus", &k, &d), SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cluster.topology");
    assert_int_equal(topo_kind_from_name("HPN", &k, NULL), SIM_OK);
    assert_int_equal(k, TOPO_HPN);
    assert_int_equal(topo_kind_from_name("rail-fat-tree", &k, NULL), SIM_OK);
    assert_int_equal(k, TOPO_RAIL_FAT_TREE);
}

int main(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hpn_16k),
        cmocka_unit_test(test_hpn_single_pod_no_core),
        cmocka_unit_test(test_rail_superpod_tables),
        cmocka_unit_test(test_fat_tree),
        cmocka_unit_test(test_spine_leaf),
        cmocka_unit_test(test_single_node),
        cmocka_unit_test(test_latency_and_ids),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
