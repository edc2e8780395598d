/*
 * test_flownet.c — the flow-level network (sim/net/flownet.h) on small
 * topologies whose finish times can be computed by hand: one link, a
 * star, a parking lot, spine-leaf ECMP hash vs spray, efficiency caps,
 * failures (re-route, dual-ToR, no route), cancellation, batching, and
 * 1,000 random flows checked for completion, byte conservation and
 * determinism.
 *
 * Hand-made topologies use topo_add_hosts with one GPU per node and no
 * NIC, then switches and cables added directly (routing: breadth-first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/assert_close.h"

#include "sim/engine/engine.h"
#include "sim/net/flownet.h"
#include "topologies/route.h"
#include "topologies/topo.h"

/* ---- helpers ------------------------------------------------------------ */

typedef struct rec {
    int calls;
    sim_err_t status;
    sim_time_t t;
    int32_t flow;
} rec_t;

static void on_done(void *ctx, int32_t flow, sim_err_t status, sim_time_t now)
{
    rec_t *r = ctx;
    r->calls++;
    r->status = status;
    r->t = now;
    r->flow = flow;
}

/* A hand-made topology: `gpus` GPUs (one per node, no NIC) and `sw` leaf
 * switches (vertex ids returned in sw_v).  Cables are added by the caller
 * before finalize_topo. */
static topo_t *hand_topo(int32_t gpus, int32_t sw, int32_t *sw_v)
{
    topo_params_t p;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = gpus;
    p.gpus_per_node = 1;
    p.nics_per_node = 0;
    p.nic_ports = 1;
    topo_t *t = topo_new(TOPO_CUSTOM, &p);
    assert_non_null(t);
    assert_int_equal(topo_add_hosts(t, &p, gpus), SIM_OK);
    for (int32_t i = 0; i < sw; i++)
        assert_int_equal(topo_add_vertex(t, TOPO_V_LEAF, 0, 0, &sw_v[i]),
                         SIM_OK);
    return t;
}

static int32_t cable(topo_t *t, int32_t a, int32_t b, double bw, double lat)
{
    int32_t l;
    assert_int_equal(topo_add_cable(t, a, b, TOPO_L_NIC_LEAF, bw, lat, lat, &l),
                     SIM_OK);
    return l;
}

static sim_net_t *make_net(sim_engine_t *eng, topo_t *t, sim_net_ecmp_t ecmp,
                           double overhead)
{
    sim_net_params_t p;
    sim_net_params_default(&p);
    p.ecmp = ecmp;
    p.message_overhead_s = overhead;
    sim_net_t *net = sim_net_new(eng, t, &p);
    assert_non_null(net);
    return net;
}

static void check_net(const sim_net_t *net)
{
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_net_check(net, 1e-9, &d);
    if (err != SIM_OK)
        print_error("sim_net_check: %s\n", d.msg);
    assert_int_equal(err, SIM_OK);
}

static double route_latency(const topo_t *t, int32_t s, int32_t d,
                            uint64_t salt, int32_t *path, size_t *n)
{
    int32_t buf[TOPO_ROUTE_MAX_HOPS];
    size_t m;
    if (path == NULL)
        path = buf;
    assert_int_equal(topo_route(t, s, d, salt, path, TOPO_ROUTE_MAX_HOPS, &m,
                                NULL),
                     SIM_OK);
    if (n != NULL)
        *n = m;
    double lat = 0.0;
    for (size_t k = 0; k < m; k++)
        lat += t->l_lat[path[k]];
    return lat;
}

#define NS(s) sim_time_from_s_ceil(s)

/* ---- one link ----------------------------------------------------------- */

static void test_one_link(void **state)
{
    (void)state;
    topo_t *t = hand_topo(2, 0, NULL);
    int32_t l = cable(t, 0, 1, 1e9, 1e-6);
    assert_int_equal(topo_finalize(t), SIM_OK);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 5e-6);
    rec_t a = {0}, b = {0}, self = {0}, zero = {0};
    int32_t fa, fb, fs, fz;

    assert_int_equal(sim_net_flow_start(net, 0, 1, 1e6, 0, on_done, &a, &fa),
                     SIM_OK);
    assert_true(fa > 0);
    assert_int_equal(sim_net_active_flows(net), 1);
    assert_close(sim_net_flow_remaining(net, fa), 1e6, 0);
    /* Half way: rate = bandwidth, remaining follows lazily. */
    assert_int_equal(sim_engine_run(eng, 5000 + 500000), SIM_OK);
    assert_close(sim_net_flow_rate(net, fa), 1e9, 1e-15);
    assert_close(sim_net_flow_remaining(net, fa), 5e5, 1e-12);
    assert_close(sim_net_link_load(net, l), 1e9, 1e-15);
    assert_close(sim_net_link_load(net, l ^ 1), 0.0, 0);
    check_net(net);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    /* overhead 5 us + latency 1 us + 1e6 B / 1e9 B/s = 1.006 ms exactly. */
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.status, SIM_OK);
    assert_int_equal(a.flow, fa);
    assert_int_equal(a.t, 1006000);
    assert_int_equal(a.t, NS(5e-6 + 1e-6 + 1e6 / 1e9));
    assert_int_equal(sim_net_active_flows(net), 0);
    /* The id is stale now. */
    assert_int_equal(sim_net_flow_cancel(net, fa), SIM_ERR_NOTFOUND);
    assert_close(sim_net_flow_rate(net, fa), 0.0, 0);

    /* 1000.25 bytes take 1000.25 ns: rounded up to 1001. */
    sim_time_t s0 = sim_engine_now(eng);
    assert_int_equal(sim_net_flow_start(net, 0, 1, 1000.25, 0, on_done, &b, &fb),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 1, 1e9, 0, on_done, &self, &fs),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 0, 0.0, 0, on_done, &zero, &fz),
                     SIM_OK);
    assert_true(fb != fa && fs != fb && fz != fs);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(b.t, s0 + 5000 + 1001 + 1000);
    /* To itself: only the overhead; 0 bytes: overhead + latency. */
    assert_int_equal(self.status, SIM_OK);
    assert_int_equal(self.t, s0 + 5000);
    assert_int_equal(zero.status, SIM_OK);
    assert_int_equal(zero.t, s0 + 5000 + 1000);

    sim_net_stats_t st;
    sim_net_get_stats(net, &st);
    assert_int_equal(st.flows_started, 4);
    assert_int_equal(st.flows_done, 4);
    assert_int_equal(st.flows_failed, 0);

    /* Bad input is refused and starts nothing. */
    int32_t fx = 7;
    assert_int_equal(sim_net_flow_start(net, 0, 2, 1.0, 0, NULL, NULL, &fx),
                     SIM_ERR_RANGE);
    assert_int_equal(fx, -1);
    assert_int_equal(sim_net_flow_start(net, -1, 0, 1.0, 0, NULL, NULL, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_net_flow_start(net, 0, 1, -1.0, 0, NULL, NULL, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_net_flow_start(net, 0, 1, NAN, 0, NULL, NULL, NULL),
                     SIM_ERR_RANGE);
    assert_int_equal(sim_net_link_set_up(net, 99, false), SIM_ERR_RANGE);
    assert_int_equal(sim_net_vertex_set_up(net, -1, false), SIM_ERR_RANGE);
    assert_int_equal(sim_net_active_flows(net), 0);

    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

/* ---- a star: sharing, early finish, cancel, batching --------------------- */

/* GPUs 0..n-1 each on one switch; 1 GB/s links, 0.5 us each way. */
static topo_t *star(int32_t n, int32_t *links_up, int32_t *links_down)
{
    int32_t s;
    topo_t *t = hand_topo(n, 1, &s);
    for (int32_t g = 0; g < n; g++) {
        int32_t l = cable(t, g, s, 1e9, 0.5e-6);
        if (links_up != NULL)
            links_up[g] = l;
        if (links_down != NULL)
            links_down[g] = l ^ 1;
    }
    assert_int_equal(topo_finalize(t), SIM_OK);
    return t;
}

static void test_two_share(void **state)
{
    (void)state;
    int32_t down[3];
    topo_t *t = star(3, NULL, down);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0}, b = {0};
    int32_t fa, fb;
    assert_int_equal(sim_net_flow_start(net, 0, 2, 1e6, 0, on_done, &a, &fa),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 2, 1e6, 0, on_done, &b, &fb),
                     SIM_OK);
    uint64_t v0 = sim_net_version(net);
    assert_int_equal(sim_engine_run(eng, 0), SIM_OK);
    assert_true(sim_net_version(net) > v0);
    assert_close(sim_net_flow_rate(net, fa), 0.5e9, 1e-12);
    assert_close(sim_net_flow_rate(net, fb), 0.5e9, 1e-12);
    assert_close(sim_net_link_load(net, down[2]), 1e9, 1e-12);
    check_net(net);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    /* 2 MB through one 1 GB/s link: 2 ms, plus 1 us of latency. */
    assert_int_equal(a.t, 2001000);
    assert_int_equal(b.t, 2001000);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

static void test_early_finish(void **state)
{
    (void)state;
    topo_t *t = star(3, NULL, NULL);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0}, b = {0};
    int32_t fa, fb;
    assert_int_equal(sim_net_flow_start(net, 0, 2, 1e6, 0, on_done, &a, &fa),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 2, 3e6, 0, on_done, &b, &fb),
                     SIM_OK);
    /* Both at 0.5 GB/s until A's last byte leaves at 2 ms; B has 2 MB left
     * and gets the whole 1 GB/s: 2 ms more. */
    assert_int_equal(sim_engine_run(eng, 2000000), SIM_OK);
    assert_close(sim_net_flow_rate(net, fb), 1e9, 1e-12);
    assert_close(sim_net_flow_remaining(net, fb), 2e6, 1e-12);
    assert_close(sim_net_flow_rate(net, fa), 0.0, 0);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(a.t, 2001000);
    assert_int_equal(b.t, 4001000);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

static sim_net_t *cancel_net_;
static int32_t cancel_flow_;

static void ev_cancel(void *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
    assert_int_equal(sim_net_flow_cancel(cancel_net_, cancel_flow_), SIM_OK);
    assert_int_equal(sim_net_flow_cancel(cancel_net_, cancel_flow_),
                     SIM_ERR_NOTFOUND);
}

static void test_cancel(void **state)
{
    (void)state;
    topo_t *t = star(3, NULL, NULL);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0}, b = {0}, c = {0};
    int32_t fa, fb, fc;
    assert_int_equal(sim_net_flow_start(net, 0, 2, 4e6, 0, on_done, &a, &fa),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 2, 4e6, 0, on_done, &b, &fb),
                     SIM_OK);
    /* Cancelled before admission: nothing ever happens for it. */
    assert_int_equal(sim_net_flow_start(net, 1, 0, 4e6, 0, on_done, &c, &fc),
                     SIM_OK);
    assert_int_equal(sim_net_flow_cancel(net, fc), SIM_OK);
    /* Cancel A at 1 ms: B has 3.5 MB left, at 1 GB/s: done at 4.5 ms. */
    cancel_net_ = net;
    cancel_flow_ = fa;
    assert_int_equal(sim_engine_schedule_at(eng, 1000000, 0, ev_cancel, NULL,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(a.calls, 0);
    assert_int_equal(c.calls, 0);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.t, 4500000 + 1000);
    assert_int_equal(sim_net_active_flows(net), 0);
    check_net(net);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

static void test_batching(void **state)
{
    (void)state;
    enum { N = 64 };
    topo_t *t = star(N, NULL, NULL);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 1e-6);
    rec_t r[N];
    int32_t id[N];
    memset(r, 0, sizeof r);
    for (int i = 0; i < N; i++)
        assert_int_equal(sim_net_flow_start(net, i, (i + 1) % N, 1e6, 0,
                                            on_done, &r[i], &id[i]),
                         SIM_OK);
    /* 64 admissions at the same nanosecond: one solve. */
    assert_int_equal(sim_engine_run(eng, 1000), SIM_OK);
    sim_net_stats_t st;
    sim_net_get_stats(net, &st);
    assert_int_equal(st.solves, 1);
    assert_int_equal(st.rerates, N);
    for (int i = 0; i < N; i++)
        assert_close(sim_net_flow_rate(net, id[i]), 1e9, 1e-12);
    /* They all drain at the same nanosecond too: one more solve. */
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    sim_net_get_stats(net, &st);
    assert_int_equal(st.solves, 2);
    assert_int_equal(st.flows_done, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(r[i].t, 1000 + 1000000 + 1000);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

/* ---- parking lot -------------------------------------------------------- */

static void test_parking_lot(void **state)
{
    (void)state;
    /* GPU i on switch S_i; fast access links; chain S0 -1- S1 -1- S2 -2- S3
     * (GB/s); no latency. */
    int32_t s[4];
    topo_t *t = hand_topo(4, 4, s);
    for (int i = 0; i < 4; i++)
        cable(t, i, s[i], 100e9, 0.0);
    cable(t, s[0], s[1], 1e9, 0.0);
    cable(t, s[1], s[2], 1e9, 0.0);
    cable(t, s[2], s[3], 2e9, 0.0);
    assert_int_equal(topo_finalize(t), SIM_OK);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t rl = {0}, r0 = {0}, r1 = {0}, r2 = {0};
    int32_t fl, f0, f1, f2;
    assert_int_equal(sim_net_flow_start(net, 0, 3, 1e6, 0, on_done, &rl, &fl),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 0, 1, 0.5e6, 0, on_done, &r0, &f0),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 2, 0.5e6, 0, on_done, &r1, &f1),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 2, 3, 3e6, 0, on_done, &r2, &f2),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, 0), SIM_OK);
    /* Max-min: the long flow halves S0-S1 and S1-S2 with the short ones;
     * the 2 GB/s link leaves 1.5 GB/s to its short flow. */
    assert_close(sim_net_flow_rate(net, fl), 0.5e9, 1e-12);
    assert_close(sim_net_flow_rate(net, f0), 0.5e9, 1e-12);
    assert_close(sim_net_flow_rate(net, f1), 0.5e9, 1e-12);
    assert_close(sim_net_flow_rate(net, f2), 1.5e9, 1e-12);
    check_net(net);
    /* At 1 ms both 0.5 MB flows are done; the long one (0.5 MB left) now
     * shares only the 2 GB/s link: 1 GB/s, done at 1.5 ms.  Flow 2 has
     * 1.5 MB left at 1 ms, sends 0.5 MB at 1 GB/s until 1.5 ms, then 1 MB
     * at 2 GB/s: done at 2 ms. */
    assert_int_equal(sim_engine_run(eng, 1000000), SIM_OK);
    assert_close(sim_net_flow_rate(net, fl), 1e9, 1e-12);
    assert_close(sim_net_flow_rate(net, f2), 1e9, 1e-12);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(r0.t, 1000000);
    assert_int_equal(r1.t, 1000000);
    assert_int_equal(rl.t, 1500000);
    assert_int_equal(r2.t, 2000000);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

/* ---- spine-leaf: ECMP hash vs spray -------------------------------------- */

/* One GPU per node, one NIC: 10 GB/s everywhere in the fabric, PCIe fast
 * enough never to matter.  radix 8 gives 2 leaves x 4 hosts and one spine
 * with 4 parallel cables per leaf; radix 4 gives 2 x 2 and 2 cables. */
static topo_t *spine_leaf(int32_t gpus, int32_t radix)
{
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = gpus;
    p.gpus_per_node = 1;
    p.nics_per_node = 1;
    p.nic_ports = 1;
    p.nic_bandwidth = 10e9;
    p.fabric_bandwidth = 10e9;
    p.pcie_bandwidth = 1000e9;
    p.switch_radix = radix;
    sim_err_t err = topo_spine_leaf_build(&p, &t, &d);
    if (err != SIM_OK)
        print_error("spine-leaf: %s\n", d.msg);
    assert_int_equal(err, SIM_OK);
    return t;
}

/* The leaf -> spine link (third hop, or fourth with hop = 3: spine ->
 * leaf) of the hash route. */
static int32_t fabric_hop(const topo_t *t, int32_t s, int32_t d,
                          uint64_t salt, int hop)
{
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    route_latency(t, s, d, salt, path, &n);
    assert_true(n >= 4);
    assert_int_equal(t->l_kind[path[hop]], TOPO_L_LEAF_SPINE);
    return path[hop];
}

static int32_t uplink(const topo_t *t, int32_t s, int32_t d, uint64_t salt)
{
    return fabric_hop(t, s, d, salt, 2);
}

static void test_ecmp_hash_vs_spray(void **state)
{
    (void)state;
    topo_t *t = spine_leaf(8, 8);
    const double bytes = 1e8, bw = 10e9;
    /* A salt base for which the four hashed paths collide on an uplink. */
    uint64_t base = 0;
    int worst = 0;
    for (; base < 1000; base++) {
        worst = 0;
        for (int i = 0; i < 4; i++) {
            int same = 0;
            for (int j = 0; j < 4; j++)
                same += uplink(t, i, 4 + i, base + (uint64_t)i) ==
                        uplink(t, j, 4 + j, base + (uint64_t)j);
            if (same > worst)
                worst = same;
        }
        if (worst >= 2)
            break;
    }
    assert_true(worst >= 2);
    double lat = route_latency(t, 0, 4, 0, NULL, NULL);

    for (int mode = 0; mode < 2; mode++) {
        sim_engine_t *eng = sim_engine_new(1);
        sim_net_t *net = make_net(eng, t,
                                  mode ? SIM_NET_ECMP_SPRAY : SIM_NET_ECMP_HASH,
                                  0.0);
        rec_t r[4];
        int32_t id[4];
        memset(r, 0, sizeof r);
        for (int i = 0; i < 4; i++)
            assert_int_equal(sim_net_flow_start(net, i, 4 + i, bytes,
                                                base + (uint64_t)i, on_done,
                                                &r[i], &id[i]),
                             SIM_OK);
        assert_int_equal(sim_engine_run(eng, 0), SIM_OK);
        check_net(net);
        if (mode == 1) {
            /* Spray: 4 paths each, every uplink carries exactly 10 GB/s. */
            for (int i = 0; i < 4; i++) {
                assert_int_equal(sim_net_flow_paths(net, id[i]), 4);
                assert_close(sim_net_flow_rate(net, id[i]), bw, 1e-9);
                assert_close(sim_net_link_load(net, uplink(t, i, 4 + i, 0)),
                             bw, 1e-9);
            }
        }
        assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
        sim_time_t ideal = NS(bytes / bw) + NS(lat), slowest = 0;
        for (int i = 0; i < 4; i++) {
            assert_int_equal(r[i].status, SIM_OK);
            if (r[i].t > slowest)
                slowest = r[i].t;
            if (mode == 1) /* spray: all even, at full speed */
                assert_true(r[i].t >= ideal && r[i].t <= ideal + 2);
        }
        if (mode == 0) /* a doubly used uplink halves its flows at least */
            assert_true(slowest >= NS(worst * bytes / bw));
        sim_net_free(net);
        sim_engine_free(eng);
    }
    topo_free(t);
}

/* ---- efficiency caps ---------------------------------------------------- */

static void test_efficiency_caps(void **state)
{
    (void)state;
    topo_t *t = hand_topo(2, 0, NULL);
    cable(t, 0, 1, 1e9, 0.0);
    assert_int_equal(topo_finalize(t), SIM_OK);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_params_t p;
    sim_net_params_default(&p);
    p.nic_efficiency = 0.8;
    sim_net_t *net = sim_net_new(eng, t, &p);
    rec_t a = {0};
    int32_t fa;
    assert_int_equal(sim_net_flow_start(net, 0, 1, 1e6, 0, on_done, &a, &fa),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, 0), SIM_OK);
    assert_close(sim_net_flow_rate(net, fa), 0.8e9, 1e-12);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(a.t, 1250000);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);

    /* NVLink on one node: 450 GB/s per direction, capped at 0.5. */
    topo_params_t tp;
    sim_diag_t d = SIM_DIAG_INIT;
    topo_params_default(&tp, TOPO_SINGLE_NODE);
    assert_int_equal(topo_single_node_build(&tp, &t, &d), SIM_OK);
    eng = sim_engine_new(1);
    sim_net_params_default(&p);
    p.nvlink_efficiency = 0.5;
    net = sim_net_new(eng, t, &p);
    int32_t f1, f2;
    assert_int_equal(sim_net_flow_start(net, 0, 1, 1e9, 0, NULL, NULL, &f1),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 2, 3, 1e9, 0, NULL, NULL, &f2),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, 0), SIM_OK);
    assert_close(sim_net_flow_rate(net, f1), 0.5 * tp.nvlink_bandwidth, 1e-12);
    assert_close(sim_net_flow_rate(net, f2), 0.5 * tp.nvlink_bandwidth, 1e-12);
    check_net(net);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);

    /* Parameter validation. */
    sim_net_params_default(&p);
    assert_int_equal(sim_net_params_check(&p, NULL), SIM_OK);
    p.nic_efficiency = 0.0;
    assert_int_equal(sim_net_params_check(&p, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "network.nic_efficiency");
    sim_net_params_default(&p);
    p.message_overhead_s = -1.0;
    assert_int_equal(sim_net_params_check(&p, NULL), SIM_ERR_RANGE);
}

/* ---- failures ----------------------------------------------------------- */

typedef struct fail_ctx {
    sim_net_t *net;
    int32_t link, vertex;
    bool up;
} fail_ctx_t;

static void ev_link(void *ctx, void *arg)
{
    fail_ctx_t *c = ctx;
    (void)arg;
    assert_int_equal(sim_net_link_set_up(c->net, c->link, c->up), SIM_OK);
}

static void ev_vertex(void *ctx, void *arg)
{
    fail_ctx_t *c = ctx;
    (void)arg;
    assert_int_equal(sim_net_vertex_set_up(c->net, c->vertex, c->up), SIM_OK);
}

static void test_failure_reroute(void **state)
{
    (void)state;
    topo_t *t = spine_leaf(4, 4); /* 2 leaves, 2 parallel uplinks each */
    const double X = 1e8, bw = 10e9;
    uint64_t sa = 0, sb = 0;
    /* Salts that put A (0 -> 2) and B (1 -> 3) on disjoint paths. */
    while (uplink(t, 0, 2, sa) == uplink(t, 1, 3, sb) ||
           fabric_hop(t, 0, 2, sa, 3) == fabric_hop(t, 1, 3, sb, 3))
        sb++;
    int32_t la = uplink(t, 0, 2, sa);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0}, b = {0};
    int32_t fa, fb;
    assert_int_equal(sim_net_flow_start(net, 0, 2, X, sa, on_done, &a, &fa),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 1, 3, X, sb, on_done, &b, &fb),
                     SIM_OK);
    fail_ctx_t fc = {net, la, -1, false};
    assert_int_equal(sim_engine_schedule_at(eng, 4000000, 0, ev_link, &fc,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, 4000000), SIM_OK);
    /* A moved onto B's uplink: both at half speed, 6e7 bytes left each. */
    assert_close(sim_net_flow_rate(net, fa), bw / 2, 1e-12);
    assert_close(sim_net_flow_rate(net, fb), bw / 2, 1e-12);
    assert_close(sim_net_flow_remaining(net, fa), 6e7, 1e-12);
    assert_close(sim_net_link_load(net, la), 0.0, 0);
    check_net(net);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    double lat = route_latency(t, 0, 2, sa, NULL, NULL);
    assert_int_equal(a.status, SIM_OK);
    assert_int_equal(b.status, SIM_OK);
    /* 4 ms at 10 GB/s, then 6e7 bytes at 5 GB/s = 12 ms. */
    assert_int_equal(a.t, 16000000 + NS(lat));
    assert_int_equal(b.t, 16000000 + NS(lat));
    sim_net_stats_t st;
    sim_net_get_stats(net, &st);
    assert_int_equal(st.reroutes, 1);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

static void test_failure_dual_tor(void **state)
{
    (void)state;
    /* HPN: each NIC has two 200G ports on two ToRs (planes).  Losing the
     * port in use moves the flow to the other plane at the same speed. */
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    topo_params_default(&p, TOPO_HPN);
    p.gpus = 16;
    p.segment_gpus = 16;
    p.pod_gpus = 16;
    sim_err_t err = topo_hpn_build(&p, &t, &d);
    if (err != SIM_OK)
        print_error("hpn: %s\n", d.msg);
    assert_int_equal(err, SIM_OK);
    int32_t path[TOPO_ROUTE_MAX_HOPS];
    size_t n;
    double lat = route_latency(t, 0, 8, 0, path, &n);
    assert_int_equal(t->l_kind[path[1]], TOPO_L_NIC_LEAF);
    double port_bw = t->l_bw[path[1]];

    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0};
    int32_t fa;
    double bytes = port_bw * 0.01; /* 10 ms */
    assert_int_equal(sim_net_flow_start(net, 0, 8, bytes, 0, on_done, &a, &fa),
                     SIM_OK);
    fail_ctx_t fc = {net, path[1], -1, false};
    assert_int_equal(sim_engine_schedule_at(eng, 3000000, 0, ev_link, &fc,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, 3000000), SIM_OK);
    assert_close(sim_net_link_load(net, path[1]), 0.0, 0);
    assert_close(sim_net_flow_rate(net, fa), port_bw, 1e-12);
    check_net(net);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(a.status, SIM_OK);
    double lat2 = route_latency(t, 0, 8, 0, NULL, NULL); /* other plane */
    assert_close(lat2, lat, 1e-12);
    assert_true(a.t >= 10000000 + NS(lat) && a.t <= 10000000 + NS(lat) + 2);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

static void test_failure_no_route(void **state)
{
    (void)state;
    topo_t *t = hand_topo(2, 0, NULL);
    int32_t l = cable(t, 0, 1, 1e9, 0.0);
    assert_int_equal(topo_finalize(t), SIM_OK);
    sim_engine_t *eng = sim_engine_new(1);
    sim_net_t *net = make_net(eng, t, SIM_NET_ECMP_HASH, 0.0);
    rec_t a = {0}, b = {0}, c = {0};
    int32_t fa;
    assert_int_equal(sim_net_flow_start(net, 0, 1, 1e9, 0, on_done, &a, &fa),
                     SIM_OK);
    fail_ctx_t fc = {net, l ^ 1, -1, false}; /* either direction: the cable */
    assert_int_equal(sim_engine_schedule_at(eng, 500000, 0, ev_link, &fc,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.status, SIM_ERR_INFEASIBLE);
    assert_int_equal(a.t, 500000);
    /* While down, a new flow fails at admission; after recovery it runs. */
    assert_int_equal(sim_net_flow_start(net, 1, 0, 1e6, 0, on_done, &b, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(b.status, SIM_ERR_INFEASIBLE);
    assert_int_equal(sim_net_link_set_up(net, l, true), SIM_OK);
    sim_time_t s0 = sim_engine_now(eng);
    assert_int_equal(sim_net_flow_start(net, 1, 0, 1e6, 0, on_done, &c, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(c.status, SIM_OK);
    assert_int_equal(c.t, s0 + 1000000);
    sim_net_stats_t st;
    sim_net_get_stats(net, &st);
    assert_int_equal(st.flows_failed, 2);
    assert_int_equal(st.flows_done, 1);
    check_net(net);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);

    /* A spine failure cuts both leaves apart: cross-leaf flows fail, the
     * flow inside a leaf goes on. */
    t = spine_leaf(4, 4);
    eng = sim_engine_new(1);
    net = make_net(eng, t, SIM_NET_ECMP_SPRAY, 0.0);
    rec_t x = {0}, y = {0};
    assert_int_equal(sim_net_flow_start(net, 0, 2, 1e8, 0, on_done, &x, NULL),
                     SIM_OK);
    assert_int_equal(sim_net_flow_start(net, 0, 1, 1e8, 0, on_done, &y, NULL),
                     SIM_OK);
    fail_ctx_t fv = {net, -1, topo_switch_vertex(t, TOPO_TIER_SPINE, 0), false};
    assert_true(fv.vertex >= 0);
    assert_int_equal(sim_engine_schedule_at(eng, 1000000, 0, ev_vertex, &fv,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_run(eng, SIM_TIME_MAX), SIM_OK);
    assert_int_equal(x.status, SIM_ERR_INFEASIBLE);
    assert_int_equal(x.t, 1000000);
    assert_int_equal(y.status, SIM_OK);
    check_net(net);
    sim_net_free(net);
    sim_engine_free(eng);
    topo_free(t);
}

/* ---- 1,000 random flows --------------------------------------------------- */

enum { RN = 1000 };

typedef struct rnd_run {
    sim_net_t *net;
    int32_t id[RN];
    rec_t rec[RN];
    double bytes[RN], moved[RN];
    int32_t src[RN], dst[RN];
    sim_time_t start[RN];
} rnd_run_t;

static rnd_run_t *rr_;

static void ev_start(void *ctx, void *arg)
{
    rnd_run_t *r = ctx;
    size_t i = (size_t)(uintptr_t)arg;
    assert_int_equal(sim_net_flow_start(r->net, r->src[i], r->dst[i],
                                        r->bytes[i], i, on_done, &r->rec[i],
                                        &r->id[i]),
                     SIM_OK);
}

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Run RN random flows on t (32 GPUs) with a cable failure and recovery in
 * the middle; integrate every flow's rate between events. */
static void random_run(topo_t *t, sim_net_ecmp_t ecmp, rnd_run_t *r)
{
    uint64_t seed = 42;
    sim_engine_t *eng = sim_engine_new(7);
    memset(r, 0, sizeof *r);
    r->net = make_net(eng, t, ecmp, 2e-6);
    rr_ = r;
    for (size_t i = 0; i < RN; i++) {
        r->id[i] = -1;
        r->src[i] = (int32_t)(mix(&seed) % 32);
        r->dst[i] = (int32_t)(mix(&seed) % 32);
        r->bytes[i] = 1e9 + (double)(mix(&seed) % 3000000000ULL);
        r->start[i] = (sim_time_t)(mix(&seed) % 2000000000ULL); /* 2 s */
        assert_int_equal(sim_engine_schedule_at(eng, r->start[i], 0, ev_start,
                                                r, (void *)(uintptr_t)i, NULL),
                         SIM_OK);
    }
    /* A leaf-spine cable fails at 0.5 s, a spine at 0.8 s; both come back
     * at 1.2 s. */
    int32_t spine_link = -1;
    for (int32_t l = 0; l < t->n_links && spine_link < 0; l++)
        if (t->l_kind[l] == TOPO_L_LEAF_SPINE)
            spine_link = l;
    int32_t spine = topo_switch_vertex(t, TOPO_TIER_SPINE, 1);
    fail_ctx_t down = {r->net, spine_link, spine, false};
    fail_ctx_t up = {r->net, spine_link, spine, true};
    assert_int_equal(sim_engine_schedule_at(eng, 500000000, 0, ev_link, &down,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_schedule_at(eng, 800000000, 0, ev_vertex,
                                            &down, NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_schedule_at(eng, 1200000000, 0, ev_link, &up,
                                            NULL, NULL),
                     SIM_OK);
    assert_int_equal(sim_engine_schedule_at(eng, 1200000000, 0, ev_vertex, &up,
                                            NULL, NULL),
                     SIM_OK);
    sim_time_t prev = 0, tn;
    size_t steps = 0, peak = 0;
    while ((tn = sim_engine_next_time(eng)) != SIM_TIME_MAX) {
        double dt = sim_time_to_s(tn - prev);
        for (size_t i = 0; i < RN; i++)
            if (r->id[i] > 0 && r->rec[i].calls == 0)
                r->moved[i] += sim_net_flow_rate(r->net, r->id[i]) * dt;
        assert_int_equal(sim_engine_run(eng, tn), SIM_OK);
        if (sim_net_active_flows(r->net) > peak)
            peak = sim_net_active_flows(r->net);
        if (++steps % 64 == 0)
            check_net(r->net);
        prev = tn;
    }
    check_net(r->net);
    sim_net_stats_t st;
    sim_net_get_stats(r->net, &st);
    assert_int_equal(st.flows_started, RN);
    assert_int_equal(st.flows_done, RN);
    assert_int_equal(sim_net_active_flows(r->net), 0);
    /* The scenario exercised what it is meant to: heavy sharing and flows
     * moved off the failed cable and spine. */
    assert_true(peak >= 50);
    assert_true(st.reroutes > 0);
    sim_net_free(r->net);
    sim_engine_free(eng);
}

static void test_random_flows(void **state)
{
    (void)state;
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    /* 32 GPUs, 4 per node and NIC rail each: 8 leaves, 4 spines. */
    topo_params_default(&p, TOPO_SPINE_LEAF);
    p.gpus = 32;
    p.gpus_per_node = 4;
    p.nics_per_node = 4;
    p.switch_radix = 8;
    assert_int_equal(topo_spine_leaf_build(&p, &t, &d), SIM_OK);
    rnd_run_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    for (int mode = 0; mode < 2; mode++) {
        sim_net_ecmp_t e = mode ? SIM_NET_ECMP_SPRAY : SIM_NET_ECMP_HASH;
        random_run(t, e, a);
        random_run(t, e, b);
        for (size_t i = 0; i < RN; i++) {
            assert_int_equal(a->rec[i].calls, 1);
            assert_int_equal(a->rec[i].status, SIM_OK);
            assert_true(a->rec[i].t > a->start[i]);
            /* Conservation: the integral of the rate is the size. */
            if (a->src[i] != a->dst[i])
                assert_close(a->moved[i], a->bytes[i], 1e-6);
            /* Determinism: the same completion instants. */
            assert_int_equal(a->rec[i].t, b->rec[i].t);
            assert_int_equal(a->id[i], b->id[i]);
        }
    }
    free(a);
    free(b);
    topo_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_link),
        cmocka_unit_test(test_two_share),
        cmocka_unit_test(test_early_finish),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_batching),
        cmocka_unit_test(test_parking_lot),
        cmocka_unit_test(test_ecmp_hash_vs_spray),
        cmocka_unit_test(test_efficiency_caps),
        cmocka_unit_test(test_failure_reroute),
        cmocka_unit_test(test_failure_dual_tor),
        cmocka_unit_test(test_failure_no_route),
        cmocka_unit_test(test_random_flows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
