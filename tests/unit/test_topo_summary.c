/*
 * test_topo_summary.c — topology summary, bisection and export: counts and
 * computed metrics against hand-computed values; the reduced max-flow
 * equals the full-graph max-flow on small instances of every topology
 * (with and without failures); JSON, text, GraphML and DOT renderings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/assert_close.h"
#include "topologies/bisection.h"
#include "topologies/export.h"
#include "topologies/summary.h"
#include "topologies/topo.h"

static topo_t *build(const topo_params_t *p)
{
    sim_diag_t d = SIM_DIAG_INIT;
    topo_t *t = NULL;
    assert_int_equal(topo_build(p, &t, &d), SIM_OK);
    return t;
}

static void summarize(const topo_t *t, topo_summary_t *s)
{
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(topo_summary_compute(t, s, &d), SIM_OK);
}

static void test_hpn_16k_summary(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 16384;
    topo_t *t = build(&p);
    topo_summary_t s;
    summarize(t, &s);
    assert_int_equal(s.gpus, 16384);
    assert_int_equal(s.nodes, 2048);
    assert_int_equal(s.nics, 16384);
    assert_int_equal(s.nic_ports, 32768);
    assert_int_equal(s.switches[1], 256);
    assert_int_equal(s.switches[2], 240);
    assert_int_equal(s.switches[3], 120);
    assert_string_equal(s.tier_name[1], "tor");
    assert_true(s.link_bw_min[TOPO_L_NIC_LEAF] == 25e9);
    assert_true(s.link_bw_max[TOPO_L_LEAF_SPINE] == 50e9);
    /* 8 NICs x 2 x 200 Gb/s = 3.2 Tb/s per host. */
    assert_close(s.host_injection_bw * 8, 3.2e12, 1e-12);
    /* ToR 128 x 200G down : 60 x 400G up; aggregation 120 : 8. */
    assert_close(s.leaf_oversubscription, 128 * 25.0 / (60 * 50.0), 1e-12);
    assert_close(s.spine_oversubscription, 15.0, 1e-12);
    /* Halves: segments 0-7 vs 8-15; A's 128 ToRs can push at most their
     * 60 x 400G uplinks out of the segment: 128 x 60 x 50e9 B/s. */
    assert_int_equal(s.n_cuts, 3);
    assert_string_equal(s.cut_name[0], "halves");
    assert_close(s.cut_bw[0], 128.0 * 60 * 50e9, 1e-9);
    assert_close(s.bisection_bw, 128.0 * 60 * 50e9, 1e-9);
    /* Interleaved hosts meet under their own ToRs: full injection. */
    assert_close(s.cut_bw[1], 1024 * 8 * 50e9, 1e-9);
    /* Cross-pod: GPU, NIC, ToR, agg, core, agg, ToR, NIC, GPU. */
    assert_int_equal(s.diameter_hops, 8);
    assert_false(s.diameter_exact);
    topo_free(t);
}

static void test_hand_computed(void **state)
{
    (void)state;
    topo_params_t p;
    topo_summary_t s;
    topo_t *t;

    /* One node: the cut is 4 GPUs' NVLink, 4 x 450 GB/s. */
    topo_params_default(&p, TOPO_SINGLE_NODE);
    t = build(&p);
    summarize(t, &s);
    assert_int_equal(s.n_cuts, 1);
    assert_string_equal(s.cut_name[0], "gpu-halves");
    assert_close(s.bisection_bw, 4 * 450e9, 1e-12);
    assert_int_equal(s.diameter_hops, 2);
    assert_true(s.diameter_exact);
    assert_true(s.host_injection_bw == 0); /* NICs lead nowhere */
    topo_free(t);

    /* Spine-leaf 3:1 with 4 full leaves (48 ports each): halves put leaves
     * 0-1 against 2-3, so the cut is 2 leaves x 16 uplinks x 400G, a
     * third of the 96 x 400G A could inject. */
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 192;
    p.oversubscription = 3;
    t = build(&p);
    summarize(t, &s);
    assert_int_equal(s.switches[1], 4);
    assert_close(s.leaf_oversubscription, 3.0, 1e-12);
    assert_close(s.cut_bw[0], 2 * 16 * 50e9, 1e-9);
    assert_close(s.bisection_bw, 2 * 16 * 50e9, 1e-9);
    assert_int_equal(s.diameter_hops, 6);
    /* A failed leaf-0 uplink removes exactly one cable's worth. */
    int32_t leaf0 = topo_switch_vertex(t, 1, 0);
    topo_cable_set_up(t, t->adj[t->adj_mid[leaf0]], false);
    summarize(t, &s);
    assert_close(s.cut_bw[0], 31 * 50e9, 1e-9);
    topo_free(t);

    /* k = 4 fat tree, one GPU per host: non-blocking, 8 x 400G. */
    topo_params_default(&p, TOPO_FAT_TREE);
    p.gpus = 16;
    p.gpus_per_node = 1;
    p.nics_per_node = 1;
    t = build(&p);
    summarize(t, &s);
    for (int c = 0; c < s.n_cuts; c++)
        assert_close(s.cut_bw[c], 8 * 50e9, 1e-9);
    assert_int_equal(s.diameter_hops, 8);
    assert_true(s.diameter_exact);
    topo_free(t);

    /* SuperPOD 4 SU (1,024 GPUs) is a full fat tree: 512 x 400G. */
    topo_params_default(&p, TOPO_RAIL_FAT_TREE);
    p.gpus = 1024;
    t = build(&p);
    summarize(t, &s);
    assert_close(s.bisection_bw, 512 * 50e9, 1e-9);
    assert_close(s.leaf_oversubscription, 1.0, 1e-12);
    assert_int_equal(s.diameter_hops, 6);
    assert_true(s.diameter_exact);
    topo_free(t);
}

static topo_t *small(topo_kind_t kind)
{
    topo_params_t p;
    topo_params_default(&p, kind);
    switch (kind) {
    case TOPO_SPINE_LEAF:
        p.gpus = 200;
        p.oversubscription = 2;
        break;
    case TOPO_FAT_TREE:
        p.gpus = 48;
        p.gpus_per_node = 4;
        p.nics_per_node = 2;
        break;
    case TOPO_RAIL_FAT_TREE:
        p.gpus = 96;
        p.gpus_per_node = 4;
        p.nics_per_node = 4;
        p.switch_radix = 8;
        p.nic_ports = 2;
        break;
    case TOPO_HPN:
        p.gpus = 320;
        p.segment_gpus = 64;
        p.pod_gpus = 128;
        p.pcie_bandwidth = 40e9; /* PCIe below the NIC: it becomes the cap */
        break;
    default:
        break;
    }
    return build(&p);
}

static void test_reduced_equals_full(void **state)
{
    (void)state;
    static const topo_kind_t kinds[] = {TOPO_SPINE_LEAF, TOPO_FAT_TREE,
                                        TOPO_RAIL_FAT_TREE, TOPO_HPN};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        topo_t *t = small(kinds[k]);
        for (int round = 0; round < 2; round++) {
            if (round == 1) { /* fail some cables and a switch */
                for (int32_t l = 0; l < t->n_links; l += 2)
                    if (l % 14 == 0 && t->l_kind[l] != TOPO_L_PCIE)
                        topo_cable_set_up(t, l, false);
                topo_vertex_set_up(t, topo_switch_vertex(t, 2, 0), false);
            }
            for (int c = 0; c < TOPO_CUT_COUNT; c++) {
                double fast, full;
                assert_int_equal(topo_bisection_cut(t, (topo_cut_t)c, true,
                                                    &fast, NULL), SIM_OK);
                assert_int_equal(topo_bisection_cut(t, (topo_cut_t)c, false,
                                                    &full, NULL), SIM_OK);
                assert_true(full > 0);
                assert_close(fast, full, 1e-9);
            }
        }
        topo_free(t);
    }
}

static char *slurp(FILE *f)
{
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* Count needle in hay (a plain scan: ASan's strstr re-measures the
 * haystack on every call, quadratic on a multi-megabyte export). */
static int occurrences(const char *hay, const char *needle)
{
    size_t m = strlen(needle);
    int n = 0;
    for (const char *p = hay; *p != '\0'; p++)
        if (*p == needle[0] && strncmp(p, needle, m) == 0)
            n++;
    return n;
}

static void test_render(void **state)
{
    (void)state;
    topo_params_t p;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 2048;
    topo_t *t = build(&p);
    topo_summary_t s;
    summarize(t, &s);

    json_t *obj = json_object();
    assert_int_equal(topo_summary_to_json(&s, obj), SIM_OK);
    assert_string_equal(json_string_value(json_object_get(obj, "topology")), "hpn");
    assert_int_equal(json_integer_value(json_object_get(obj, "gpus")), 2048);
    assert_close(json_real_value(json_object_get(obj, "host_injection_Bps")),
                 400e9, 1e-12);
    assert_close(json_real_value(json_object_get(obj, "bisection_Bps")),
                 s.bisection_bw, 1e-12);
    json_t *sw = json_object_get(obj, "switches");
    assert_int_equal(json_integer_value(json_object_get(sw, "tor")), 32);
    json_t *nl = json_object_get(json_object_get(obj, "links"), "nic-leaf");
    assert_int_equal(json_integer_value(json_object_get(nl, "cables")), 4096);
    assert_int_equal(json_array_size(json_object_get(obj, "bisection_cuts")), 3);
    json_decref(obj);

    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(topo_summary_print_text(&s, f), SIM_OK);
    char *text = slurp(f);
    assert_non_null(strstr(text, "injection/host   3.2 Tb/s"));
    assert_non_null(strstr(text, "switches         tor 32, aggregation 120, core 0"));
    assert_non_null(strstr(text, "diameter         6 hops"));
    free(text);
    fclose(f);

    f = tmpfile();
    assert_int_equal(topo_export(t, "graphml", f, NULL), SIM_OK);
    text = slurp(f);
    assert_int_equal(occurrences(text, "<node "), t->n_vertices);
    assert_int_equal(occurrences(text, "<edge "), t->n_links);
    assert_non_null(strstr(text, "<data key=\"e_bw\">25000000000</data>"));
    free(text);
    fclose(f);

    topo_cable_set_up(t, 0, false);
    f = tmpfile();
    assert_int_equal(topo_export(t, "dot", f, NULL), SIM_OK);
    text = slurp(f);
    assert_int_equal(occurrences(text, " -- "), t->n_links / 2);
    assert_int_equal(occurrences(text, "style=dashed"), 1);
    assert_non_null(strstr(text, "nic-leaf 200 Gb/s"));
    free(text);
    fclose(f);

    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(topo_export(t, "gexf", stdout, &d), SIM_ERR_USAGE);
    assert_non_null(strstr(d.msg, "graphml"));
    topo_free(t);
}

int main(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hpn_16k_summary),
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_reduced_equals_full),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
