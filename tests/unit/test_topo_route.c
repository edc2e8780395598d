/*
 * test_topo_route.c — routing: up/down route lengths equal igraph's
 * shortest-path lengths on small instances of every topology; routes are
 * contiguous GPU-to-GPU walks; ECMP spreads over uplinks by salt; routes
 * avoid failed links, switches and NIC ports (dual-ToR fail-over) and
 * report SIM_ERR_INFEASIBLE when nothing is left; spray weights; the
 * breadth-first fallback on a hand-made topology.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "topologies/route.h"
#include "topologies/topo.h"

static topo_t *build(const topo_params_t *p)
{
    sim_diag_t d = SIM_DIAG_INIT;
    topo_t *t = NULL;
    assert_int_equal(topo_build(p, &t, &d), SIM_OK);
    return t;
}

/* Small instances with every tier present. */
static topo_t *small(topo_kind_t kind)
{
    topo_params_t p;
    topo_params_default(&p, kind);
    switch (kind) {
    case TOPO_SINGLE_NODE:
        break;
    case TOPO_SPINE_LEAF:
        p.gpus = 256; /* 8 leaves */
        break;
    case TOPO_FAT_TREE:
        p.gpus = 16;
        p.gpus_per_node = 2;
        p.nics_per_node = 2;
        p.fat_tree_k = 4;
        break;
    case TOPO_RAIL_FAT_TREE:
        /* 8-port switches force three tiers: 8 SUs of 4 nodes, 8 pods. */
        p.gpus = 128;
        p.gpus_per_node = 4;
        p.nics_per_node = 4;
        p.switch_radix = 8;
        break;
    case TOPO_HPN:
        /* 8-host segments, 2-segment pods, 3 pods. */
        p.gpus = 384;
        p.segment_gpus = 64;
        p.pod_gpus = 128;
        break;
    default:
        break;
    }
    return build(&p);
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_u32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static void check_walk(const topo_t *t, int32_t s, int32_t d,
                       const int32_t *path, size_t n)
{
    assert_true(n >= 2);
    assert_int_equal(t->l_src[path[0]], s);
    assert_int_equal(t->l_dst[path[n - 1]], d);
    for (size_t i = 0; i < n; i++) {
        assert_true(topo_link_usable(t, path[i]));
        if (i + 1 < n)
            assert_int_equal(t->l_dst[path[i]], t->l_src[path[i + 1]]);
        if (i > 0) /* no GPU as transit */
            assert_int_not_equal(t->v_kind[t->l_src[path[i]]], TOPO_V_GPU);
    }
}

static void test_lengths_match_igraph(void **state)
{
    (void)state;
    static const topo_kind_t kinds[] = {TOPO_SINGLE_NODE, TOPO_SPINE_LEAF,
                                        TOPO_FAT_TREE, TOPO_RAIL_FAT_TREE,
                                        TOPO_HPN};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        topo_t *t = small(kinds[k]);
        igraph_matrix_t dist;
        assert_int_equal(igraph_matrix_init(&dist, 0, 0), IGRAPH_SUCCESS);
        int longest = 0;
        for (int i = 0; i < 300; i++) {
            int32_t s = (int32_t)(next_u32() % (uint32_t)t->n_gpus);
            int32_t d = (int32_t)(next_u32() % (uint32_t)t->n_gpus);
            if (i == 0) { /* make sure the far corner is covered */
                s = 0;
                d = t->n_gpus - 1;
            }
            int32_t path[TOPO_ROUTE_MAX_HOPS];
            size_t n;
            sim_diag_t diag = SIM_DIAG_INIT;
            assert_int_equal(topo_route(t, s, d, (uint64_t)i, path,
                                        TOPO_ROUTE_MAX_HOPS, &n, &diag),
                             SIM_OK);
            assert_int_equal(igraph_distances(&t->graph, &dist,
                                              igraph_vss_1(s), igraph_vss_1(d),
                                              IGRAPH_OUT),
                             IGRAPH_SUCCESS);
            if (s == d) {
                assert_int_equal(n, 0);
                continue;
            }
            check_walk(t, s, d, path, n);
            assert_int_equal((int)n, (int)MATRIX(dist, 0, 0));
            if ((int)n > longest)
                longest = (int)n;
        }
        /* Deepest path seen: NVLink 2; 2 tiers 6; 3 tiers 8. */
        int expect = kinds[k] == TOPO_SINGLE_NODE ? 2
                   : kinds[k] == TOPO_SPINE_LEAF  ? 6 : 8;
        assert_int_equal(longest, expect);
        igraph_matrix_destroy(&dist);
        topo_free(t);
    }
}

static void test_intra_node_nvlink(void **state)
{
    (void)state;
    topo_t *t = small(TOPO_HPN);
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    assert_int_equal(topo_route(t, 8, 13, 0, path, TOPO_ROUTE_MAX_HOPS, &n, NULL),
                     SIM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(t->l_kind[path[0]], TOPO_L_NVLINK);
    assert_int_equal(t->l_kind[path[1]], TOPO_L_NVLINK);
    /* Inter-node uses the source GPU's own rail NIC and the destination's. */
    assert_int_equal(topo_route(t, 3, 8 * 20 + 5, 0, path, TOPO_ROUTE_MAX_HOPS,
                                &n, NULL), SIM_OK);
    assert_int_equal(path[0], t->gpu_pcie[3]);
    assert_int_equal(path[n - 1], t->gpu_pcie[8 * 20 + 5] ^ 1);
    /* Too small a buffer is a range error, not an overflow. */
    assert_int_equal(topo_route(t, 3, 8 * 20 + 5, 0, path, 4, &n, NULL),
                     SIM_ERR_RANGE);
    topo_free(t);
}

static void test_ecmp_spread(void **state)
{
    (void)state;
    topo_t *t = small(TOPO_HPN);
    /* GPU 0 (pod 0) to GPU 300 (pod 2): ToR -> 4 aggregation switches per
     * plane, 2 planes; aggregation -> core uplinks. */
    int first_up[1 << 12] = {0};
    int distinct = 0, planes[2] = {0, 0};
    int32_t path[TOPO_ROUTE_MAX_HOPS], ref[TOPO_ROUTE_MAX_HOPS];
    size_t n, nref;
    for (uint64_t salt = 0; salt < 256; salt++) {
        assert_int_equal(topo_route(t, 0, 300, salt, path, TOPO_ROUTE_MAX_HOPS,
                                    &n, NULL), SIM_OK);
        assert_int_equal(n, 8); /* PCIe, port, 2 up, 2 down, port, PCIe */
        int32_t up = path[2];
        assert_int_equal(t->l_kind[up], TOPO_L_LEAF_SPINE);
        if (first_up[up % 4096]++ == 0)
            distinct++;
        planes[t->v_plane[t->l_dst[up]]]++;
    }
    assert_int_equal(distinct, 8); /* all 2 x 4 uplinks used */
    assert_true(planes[0] > 64 && planes[1] > 64);
    /* Deterministic: same salt, same path. */
    assert_int_equal(topo_route(t, 0, 300, 7, ref, TOPO_ROUTE_MAX_HOPS, &nref,
                                NULL), SIM_OK);
    assert_int_equal(topo_route(t, 0, 300, 7, path, TOPO_ROUTE_MAX_HOPS, &n,
                                NULL), SIM_OK);
    assert_memory_equal(ref, path, n * sizeof path[0]);
    topo_free(t);

    /* Rail fat tree, three tiers: both the leaf and spine choices spread. */
    t = small(TOPO_RAIL_FAT_TREE);
    int seen_spine[4096] = {0}, seen_core[4096] = {0}, ns = 0, nc = 0;
    for (uint64_t salt = 0; salt < 256; salt++) {
        assert_int_equal(topo_route(t, 0, t->n_gpus - 4, salt, path,
                                    TOPO_ROUTE_MAX_HOPS, &n, NULL), SIM_OK);
        int32_t sp = t->l_dst[path[2]], co = t->l_dst[path[3]];
        assert_int_equal(t->v_kind[co], TOPO_V_CORE);
        if (seen_spine[sp % 4096]++ == 0)
            ns++;
        if (seen_core[co % 4096]++ == 0)
            nc++;
    }
    assert_int_equal(ns, 4);
    assert_int_equal(nc, 16);
    topo_free(t);
}

static bool contains(const int32_t *path, size_t n, int32_t l)
{
    for (size_t i = 0; i < n; i++)
        if (path[i] == l)
            return true;
    return false;
}

static void test_failures(void **state)
{
    (void)state;
    topo_t *t = small(TOPO_HPN);
    int32_t path[TOPO_ROUTE_MAX_HOPS], p2[TOPO_ROUTE_MAX_HOPS];
    size_t n, n2;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(topo_route(t, 0, 300, 5, path, TOPO_ROUTE_MAX_HOPS, &n, &d),
                     SIM_OK);
    /* Fail every hop's cable in turn (except the endpoints' PCIe): the
     * reroute avoids it and keeps the length. */
    for (size_t i = 1; i + 1 < n; i++) {
        topo_cable_set_up(t, path[i], false);
        assert_int_equal(topo_route(t, 0, 300, 5, p2, TOPO_ROUTE_MAX_HOPS, &n2,
                                    &d), SIM_OK);
        assert_false(contains(p2, n2, path[i]));
        assert_int_equal(n2, n);
        check_walk(t, 0, 300, p2, n2);
        topo_cable_set_up(t, path[i], true);
    }
    /* A failed aggregation switch is avoided. */
    int32_t agg = t->l_dst[path[2]];
    topo_vertex_set_up(t, agg, false);
    assert_int_equal(topo_route(t, 0, 300, 5, p2, TOPO_ROUTE_MAX_HOPS, &n2, &d),
                     SIM_OK);
    for (size_t i = 0; i < n2; i++)
        assert_int_not_equal(t->l_dst[p2[i]], agg);
    topo_vertex_set_up(t, agg, true);
    /* Dual-ToR: with port 0 down the route leaves through port 1. */
    int32_t port0 = t->nic_port_link[0], port1 = t->nic_port_link[1];
    topo_cable_set_up(t, port0, false);
    for (uint64_t salt = 0; salt < 16; salt++) {
        assert_int_equal(topo_route(t, 0, 300, salt, p2, TOPO_ROUTE_MAX_HOPS,
                                    &n2, &d), SIM_OK);
        assert_int_equal(p2[1], port1);
    }
    /* Both ports down: no route. */
    topo_cable_set_up(t, port1, false);
    assert_int_equal(topo_route(t, 0, 300, 0, p2, TOPO_ROUTE_MAX_HOPS, &n2, &d),
                     SIM_ERR_INFEASIBLE);
    assert_int_equal(d.code, SIM_ERR_INFEASIBLE);
    assert_non_null(strstr(d.msg, "GPU 0"));
    topo_cable_set_up(t, port0, true);
    topo_cable_set_up(t, port1, true);
    /* All uplinks of the source's plane-0 ToR down: plane 1 carries it. */
    int32_t tor = t->l_dst[port0];
    for (int32_t i = t->adj_mid[tor]; i < t->adj_off[tor + 1]; i++)
        topo_link_set_up(t, t->adj[i], false);
    for (uint64_t salt = 0; salt < 16; salt++) {
        assert_int_equal(topo_route(t, 0, 300, salt, p2, TOPO_ROUTE_MAX_HOPS,
                                    &n2, &d), SIM_OK);
        assert_int_equal(p2[1], port1);
    }
    /* Same-segment traffic on rail 0 still uses the plane-0 ToR directly. */
    assert_int_equal(topo_route(t, 0, 8, 1, p2, TOPO_ROUTE_MAX_HOPS, &n2, &d),
                     SIM_OK);
    assert_int_equal(n2, 4);
    /* NVSwitch down: intra-node infeasible. */
    topo_vertex_set_up(t, t->domain_vertex[0], false);
    sim_diag_clear(&d);
    assert_int_equal(topo_route(t, 0, 1, 0, p2, TOPO_ROUTE_MAX_HOPS, &n2, &d),
                     SIM_ERR_INFEASIBLE);
    assert_int_equal(topo_route(t, 0, 1 << 20, 0, p2, TOPO_ROUTE_MAX_HOPS, &n2,
                                NULL), SIM_ERR_RANGE);
    topo_free(t);
}

static void test_spray(void **state)
{
    (void)state;
    topo_t *t = small(TOPO_HPN);
    topo_spray_t s;
    topo_spray_init(&s);
    assert_int_equal(topo_route_spray(t, 0, 300, &s, NULL), SIM_OK);
    assert_int_equal(s.hops, 8);
    double sum[TOPO_ROUTE_MAX_HOPS] = {0};
    int count[TOPO_ROUTE_MAX_HOPS] = {0};
    for (size_t i = 0; i < s.n; i++) {
        sum[s.hop[i]] += s.weight[i];
        count[s.hop[i]]++;
        if (i > 0)
            assert_true(s.hop[i] > s.hop[i - 1] ||
                        (s.hop[i] == s.hop[i - 1] && s.link[i] > s.link[i - 1]));
    }
    for (int h = 0; h < s.hops; h++)
        assert_close(sum[h], 1.0, 1e-12);
    assert_int_equal(count[1], 2); /* both NIC ports */
    assert_int_equal(count[2], 8); /* 2 planes x 4 ToR uplinks */
    for (size_t i = 0; i < s.n; i++)
        if (s.hop[i] == 2)
            assert_close(s.weight[i], 1.0 / 8, 1e-12);
    /* One uplink down: 7 left, one plane now splits over 3. */
    int32_t dead = -1;
    for (size_t i = 0; i < s.n; i++)
        if (s.hop[i] == 2) {
            dead = s.link[i];
            break;
        }
    topo_cable_set_up(t, dead, false);
    assert_int_equal(topo_route_spray(t, 0, 300, &s, NULL), SIM_OK);
    int c2 = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.hop[i] == 2) {
            c2++;
            assert_int_not_equal(s.link[i], dead);
            double w = t->v_plane[t->l_dst[s.link[i]]] ==
                               t->v_plane[t->l_dst[dead]]
                           ? 0.5 / 3 : 0.5 / 4;
            assert_close(s.weight[i], w, 1e-12);
        }
    assert_int_equal(c2, 7);
    /* Intra-node spray is the NVLink pair. */
    assert_int_equal(topo_route_spray(t, 0, 1, &s, NULL), SIM_OK);
    assert_int_equal(s.n, 2);
    topo_spray_destroy(&s);
    topo_free(t);
}

static void test_generic_fallback(void **state)
{
    (void)state;
    /* A hand-made ring of 6 switches, one 1-GPU host on each: no up/down
     * structure, so topo_route falls back to breadth-first search. */
    topo_params_t p;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus_per_node = 1;
    p.nics_per_node = 1;
    topo_t *t = topo_new(TOPO_CUSTOM, &p);
    assert_non_null(t);
    assert_int_equal(topo_add_hosts(t, &p, 6), SIM_OK);
    int32_t sw[6];
    for (int i = 0; i < 6; i++)
        assert_int_equal(topo_add_vertex(t, TOPO_V_LEAF, 0, 0, &sw[i]), SIM_OK);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(topo_attach_port(t, i, 0, sw[i]), SIM_OK);
        assert_int_equal(topo_add_cable(t, sw[i], sw[(i + 1) % 6],
                                        TOPO_L_LEAF_SPINE, 50e9, 0, 0, NULL),
                         SIM_OK);
    }
    assert_int_equal(topo_finalize(t), SIM_OK);
    assert_false(t->structured);
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    igraph_matrix_t dist;
    igraph_matrix_init(&dist, 0, 0);
    for (int32_t s = 0; s < 6; s++)
        for (int32_t d = 0; d < 6; d++) {
            assert_int_equal(topo_route(t, s, d, 3, path, TOPO_ROUTE_MAX_HOPS,
                                        &n, NULL), SIM_OK);
            igraph_distances(&t->graph, &dist, igraph_vss_1(s),
                             igraph_vss_1(d), IGRAPH_OUT);
            assert_int_equal((int)n, (int)MATRIX(dist, 0, 0));
            if (s != d)
                check_walk(t, s, d, path, n);
        }
    /* Opposite hosts (0 and 3) have two equal ways round the ring; both
     * show up across salts, and a cut cable forces the other way. */
    int cw = 0, ccw = 0;
    for (uint64_t salt = 0; salt < 64; salt++) {
        assert_int_equal(topo_route(t, 0, 3, salt, path, TOPO_ROUTE_MAX_HOPS,
                                    &n, NULL), SIM_OK);
        assert_int_equal(n, 7);
        if (t->l_dst[path[2]] == sw[1])
            cw++;
        else
            ccw++;
    }
    assert_true(cw > 0 && ccw > 0);
    int32_t ring01 = -1;
    for (int32_t l = 0; l < t->n_links; l++)
        if (t->l_src[l] == sw[0] && t->l_dst[l] == sw[1])
            ring01 = l;
    topo_cable_set_up(t, ring01, false);
    assert_int_equal(topo_route(t, 0, 1, 0, path, TOPO_ROUTE_MAX_HOPS, &n, NULL),
                     SIM_OK);
    assert_int_equal(n, 4 + 5); /* the long way round */
    assert_false(contains(path, n, ring01));
    /* Cut the other side too: host 0 is isolated from host 1. */
    for (int32_t l = 0; l < t->n_links; l++)
        if (t->l_src[l] == sw[0] && t->l_dst[l] == sw[5])
            topo_cable_set_up(t, l, false);
    assert_int_equal(topo_route(t, 0, 1, 0, path, TOPO_ROUTE_MAX_HOPS, &n, NULL),
                     SIM_ERR_INFEASIBLE);
    igraph_matrix_destroy(&dist);
    topo_free(t);

    /* On a structured topology the fallback agrees on lengths. */
    t = small(TOPO_FAT_TREE);
    size_t n1;
    int32_t p1[TOPO_ROUTE_MAX_HOPS];
    for (int32_t d = 1; d < t->n_gpus; d++) {
        assert_int_equal(topo_route(t, 0, d, 0, p1, TOPO_ROUTE_MAX_HOPS, &n1,
                                    NULL), SIM_OK);
        assert_int_equal(topo_route_generic(t, 0, d, 0, path,
                                            TOPO_ROUTE_MAX_HOPS, &n, NULL),
                         SIM_OK);
        assert_int_equal(n, n1);
    }
    topo_free(t);
}

int main(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_match_igraph),
        cmocka_unit_test(test_intra_node_nvlink),
        cmocka_unit_test(test_ecmp_spread),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_spray),
        cmocka_unit_test(test_generic_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
