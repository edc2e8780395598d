/*
 * test_autoscale.c — the autoscaler and the fleet: stabilisation windows
 * (scale-up after its delay, scale-down after its window), cold starts
 * delaying TTFT, scale to zero and back, the GPU supply cap, the schedule
 * policy, cost arithmetic and the closed-loop arrival mode.  Fixed-work
 * requests keep service times exact, so expected values are hand sums.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/serve/autoscale.h"
#include "sim/serve/serve.h"
#include "tests/unit/assert_close.h"
#include "tests/unit/serve_testlib.h"
#include "workloads/traffic.h"

/* A fixed-work service of one-at-a-time replicas, autoscaled. */
static void fixed_work_cfg(sim_serve_config_t *c)
{
    sim_serve_config_defaults(c);
    c->kind = WL_REQ_FIXED_WORK;
    c->max_num_seqs = 1;
    c->series_interval_s = 10.0;
    c->autoscale.container_start_s = 30.0;
    c->autoscale.storage_bw = 0.0; /* cold start = container start */
    c->autoscale.interval_s = 10.0;
}


static void test_scale_up_waits_for_delay(void **state)
{
    (void)state;
    sim_autoscale_config_t a;
    sim_autoscale_state_t st = SIM_AUTOSCALE_STATE_INIT;
    int out;
    sim_autoscale_defaults(&a);
    a.up_delay_s = 30.0;
    a.down_delay_s = 0.0;
    /* proposals 1 at t=0, then 5 from t=10: the rise must last 30 s */
    assert_int_equal(sim_autoscale_step(&a, &st, 0, 1, 1, &out), SIM_OK);
    assert_int_equal(out, 1);
    assert_int_equal(sim_autoscale_step(&a, &st, 10, 5, 1, &out), SIM_OK);
    assert_int_equal(out, 1);
    assert_int_equal(sim_autoscale_step(&a, &st, 30, 5, 1, &out), SIM_OK);
    assert_int_equal(out, 1); /* t=0's 1 still inside [0, 30] */
    assert_int_equal(sim_autoscale_step(&a, &st, 40, 5, 1, &out), SIM_OK);
    assert_int_equal(out, 5);
    sim_autoscale_state_destroy(&st);
    sim_autoscale_state_destroy(NULL);
}

static void test_scale_down_waits_for_window(void **state)
{
    (void)state;
    sim_autoscale_config_t a;
    sim_autoscale_state_t st = SIM_AUTOSCALE_STATE_INIT;
    int out;
    sim_autoscale_defaults(&a);
    a.up_delay_s = 0.0;
    a.down_delay_s = 60.0;
    assert_int_equal(sim_autoscale_step(&a, &st, 0, 8, 2, &out), SIM_OK);
    assert_int_equal(out, 8); /* up at once */
    for (int t = 10; t <= 60; t += 10) {
        assert_int_equal(sim_autoscale_step(&a, &st, t, 2, 8, &out), SIM_OK);
        assert_int_equal(out, 8); /* the 8 at t=0 is inside the window */
    }
    assert_int_equal(sim_autoscale_step(&a, &st, 70, 2, 8, &out), SIM_OK);
    assert_int_equal(out, 2);
    /* a brief dip inside the window does not shrink the fleet */
    assert_int_equal(sim_autoscale_step(&a, &st, 80, 6, 2, &out), SIM_OK);
    assert_int_equal(out, 6);
    assert_int_equal(sim_autoscale_step(&a, &st, 90, 1, 6, &out), SIM_OK);
    assert_int_equal(out, 6);
    sim_autoscale_state_destroy(&st);
}

static void test_propose_policies(void **state)
{
    (void)state;
    sim_autoscale_config_t a;
    sim_autoscale_obs_t o = {0};
    sim_autoscale_defaults(&a);
    a.max_replicas = 100;
    o.warm = 4;
    o.busy = 3.5;
    o.in_system = 50;
    o.waiting = 17;
    o.active = 4;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 7); /* fixed */
    a.policy = SIM_AUTOSCALE_UTILISATION;
    a.target = 0.7;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 5); /* 3.5/.7 */
    a.policy = SIM_AUTOSCALE_CONCURRENCY;
    a.target = 8;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 7); /* 50/8 */
    a.policy = SIM_AUTOSCALE_QUEUE;
    a.target = 4;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 9); /* 4+17/4 */
    /* supply cap: 10 GPUs, replicas of 4 -> at most 2 */
    a.gpu_cap = 10;
    assert_int_equal(sim_autoscale_ceiling(&a, 4), 2);
    assert_int_equal(sim_autoscale_propose(&a, 4, 7, &o), 2);
    a.gpu_cap = 0;
    /* schedule: hour of day, wrapping at 24 h */
    a.policy = SIM_AUTOSCALE_SCHEDULE;
    for (int h = 0; h < 24; h++)
        a.schedule[h] = h;
    o.t_s = 5 * 3600 + 10;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 5);
    o.t_s = 86400 + 13 * 3600;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 13);
    /* nothing busy, nothing waiting: scale to zero; work waiting: >= 1 */
    a.policy = SIM_AUTOSCALE_CONCURRENCY;
    o.in_system = 0;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 0);
    o.in_system = 1;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 1);
    a.min_replicas = 3;
    assert_int_equal(sim_autoscale_propose(&a, 1, 7, &o), 3);
}

static void test_cold_start_delays_ttft(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_result_t r;
    wl_request_t req[2] = {work_req(0.0, 2.0), work_req(1.0, 2.0)};
    fixed_work_cfg(&c);
    c.autoscale.policy = SIM_AUTOSCALE_CONCURRENCY;
    c.autoscale.target = 4;
    c.autoscale.min_replicas = 0;
    c.initial_replicas = 0;
    run_array(&c, req, 2, &r);
    /* the first request waits the 30 s cold start, then 2 s of work; the
     * second waits for the first on the one replica */
    assert_int_equal(r.cold_starts, 1);
    assert_close(r.cold_start_mean_s, 30.0, 1e-9);
    assert_close(r.ttft_p50_s, 32.0, 1e-6);
    assert_close(r.ttft_p99_s, 33.0, 1e-6);
    assert_close(r.queue_p99_s, 31.0, 1e-6);
    /* billed from the request at 0 s to the last completion at 34 s */
    assert_close(r.replica_seconds, 34.0, 1e-6);
    assert_close(r.warm_replica_seconds, 4.0, 1e-6);
    sim_serve_result_destroy(&r);

    /* weight load from bandwidth: 30 s + 8 GB / 2 GB/s */
    c.autoscale.storage_bw = 2e9;
    c.autoscale.weight_bytes = 8e9;
    run_array(&c, req, 1, &r);
    assert_close(r.ttft_p50_s, 36.0, 1e-6);
    sim_serve_result_destroy(&r);
}

static void test_scale_to_zero_and_back(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_result_t r;
    wl_request_t req[2] = {work_req(0.0, 5.0), work_req(1000.0, 5.0)};
    fixed_work_cfg(&c);
    c.autoscale.policy = SIM_AUTOSCALE_CONCURRENCY;
    c.autoscale.target = 1;
    c.autoscale.min_replicas = 0;
    c.autoscale.down_delay_s = 60.0;
    c.initial_replicas = 1;
    run_array(&c, req, 2, &r);
    /* warm at 0: 5 s; scaled to zero after the 60 s window; the second
     * request waits a full cold start */
    assert_int_equal(r.cold_starts, 1);
    assert_true(r.scale_downs >= 1);
    assert_close(r.ttft_p50_s, 5.0, 1e-6);
    assert_close(r.ttft_p99_s, 35.0, 1e-6);
    assert_int_equal(r.replicas_max, 1);
    /* off for most of the 1,035 s: billed well under the run */
    assert_true(r.replica_seconds < 200.0);
    assert_true(r.replica_seconds > 35.0 + 60.0);
    assert_close(r.end_s, 1035.0, 1e-9);
    /* the series saw the fleet at zero */
    int zero = 0;
    for (size_t k = 0; k < r.n_series; k++)
        zero |= r.series_warm[k] == 0.0 && r.series_provisioning[k] == 0.0;
    assert_true(zero);
    sim_serve_result_destroy(&r);
}

static void test_scale_up_under_load_and_cap(void **state)
{
    (void)state;
    enum { N = 400 };
    sim_serve_config_t c;
    sim_serve_result_t r, capped, fixed;
    wl_request_t req[N];
    for (int i = 0; i < N; i++)
        req[i] = work_req(0.5 * i, 10.0); /* 2/s of 10 s work: 20 busy */
    fixed_work_cfg(&c);
    c.replicas = 1;
    c.autoscale.policy = SIM_AUTOSCALE_QUEUE;
    c.autoscale.target = 2;
    c.autoscale.max_replicas = 64;
    c.autoscale.min_replicas = 1;
    run_array(&c, req, N, &r);
    assert_true(r.replicas_max >= 20);
    assert_true(r.scale_ups >= 19);

    c.tp = 2;
    c.autoscale.gpu_cap = 16; /* 8 replicas of 2 GPUs */
    run_array(&c, req, N, &capped);
    assert_int_equal(capped.replicas_max, 8);
    assert_true(capped.ttft_p99_s > r.ttft_p99_s);

    c.tp = 1;
    c.autoscale.gpu_cap = 0;
    c.autoscale.policy = SIM_AUTOSCALE_FIXED;
    run_array(&c, req, N, &fixed);
    assert_int_equal(fixed.replicas_max, 1);
    assert_int_equal(fixed.scale_ups, 0);
    /* one replica: 400 x 10 s back to back */
    assert_close(fixed.end_s, 4000.0, 1e-9);
    assert_true(fixed.ttft_p99_s > 10.0 * r.ttft_p99_s);
    sim_serve_result_destroy(&r);
    sim_serve_result_destroy(&capped);
    sim_serve_result_destroy(&fixed);
}

static void test_cost_arithmetic(void **state)
{
    (void)state;
    sim_autoscale_config_t a;
    sim_autoscale_defaults(&a);
    a.gpu_hour_usd = 4.0;
    a.reserved_gpu_hour_usd = 2.0;
    a.reserved_replicas = 1;
    /* 2 h run, replicas of 2 GPUs, peak 3, 4 replica-hours provisioned of
     * which 2.5 above the reserved one */
    sim_serve_cost_t k = sim_autoscale_cost(&a, 2, 7200.0, 3, 4 * 3600.0,
                                            2.5 * 3600.0);
    assert_close(k.reserved_usd, 3 * 2 * 2 * 2.0, 1e-12);  /* 24 */
    assert_close(k.elastic_usd, 4 * 2 * 4.0, 1e-12);       /* 32 */
    assert_close(k.mixed_usd, 1 * 2 * 2 * 2.0 + 2.5 * 2 * 4.0, 1e-12);
    assert_close(k.gpu_hours, 8.0, 1e-12);
    assert_close(k.cost_usd, k.reserved_usd, 1e-12);
    a.billing = SIM_BILLING_MIXED;
    k = sim_autoscale_cost(&a, 2, 7200.0, 3, 4 * 3600.0, 2.5 * 3600.0);
    assert_close(k.cost_usd, 28.0, 1e-12);

    /* a run's billing: a fixed fleet of 2 for 100 s at 36 USD/GPU-hour */
    sim_serve_config_t c;
    sim_serve_result_t r;
    wl_request_t req[2] = {work_req(0.0, 100.0), work_req(0.0, 100.0)};
    fixed_work_cfg(&c);
    c.replicas = 2;
    c.autoscale.reserved_gpu_hour_usd = 36.0;
    run_array(&c, req, 2, &r);
    assert_close(r.cost.cost_usd, 2 * 100 * 0.01, 1e-9);
    assert_close(r.cost_per_request_usd, 1.0, 1e-9);
    assert_close(r.gpu_utilisation, 1.0, 1e-9);
    sim_serve_result_destroy(&r);
}

static void test_closed_loop(void **state)
{
    (void)state;
    sim_serve_config_t c;
    sim_serve_result_t r;
    wl_request_t req[40];
    for (int i = 0; i < 40; i++)
        req[i] = work_req(0.0, 1.0);
    fixed_work_cfg(&c);
    c.closed_clients = 4;
    c.think_s = 0.0;
    run_array(&c, req, 40, &r);
    /* 4 clients, one replica of 1 s per request: 40 s, each request
     * waits for the three ahead of it; 4 in system until the stream runs
     * dry at 37 s, then 3, 2, 1: (37·4 + 3 + 2 + 1) / 40 */
    assert_int_equal(r.completed, 40);
    assert_close(r.end_s, 40.0, 1e-9);
    assert_close(r.mean_in_system, 3.85, 1e-9);
    assert_close(r.e2e_p99_s, 4.0, 1e-9);
    sim_serve_result_destroy(&r);

    /* with think time the replica idles: more than 40 s */
    c.think_s = 2.0;
    run_array(&c, req, 40, &r);
    assert_int_equal(r.completed, 40);
    assert_true(r.end_s > 40.0);
    assert_true(r.mean_in_system < 4.0);
    sim_serve_result_destroy(&r);
}

static void test_config_checks(void **state)
{
    (void)state;
    sim_autoscale_config_t a;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_autoscale_defaults(&a);
    assert_int_equal(sim_autoscale_check(&a, &d), SIM_OK);
    a.max_replicas = 0;
    assert_int_equal(sim_autoscale_check(&a, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "autoscale.max");
    sim_autoscale_defaults(&a);
    a.policy = SIM_AUTOSCALE_UTILISATION;
    a.target = 1.5;
    sim_diag_clear(&d);
    assert_int_equal(sim_autoscale_check(&a, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "autoscale.target");

    sim_serve_config_t c;
    fixed_work_cfg(&c);
    c.tp = 4;
    c.autoscale.policy = SIM_AUTOSCALE_QUEUE;
    c.autoscale.gpu_cap = 3;
    sim_diag_clear(&d);
    assert_int_equal(sim_serve_config_check(&c, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "autoscale.gpu_cap");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_up_waits_for_delay),
        cmocka_unit_test(test_scale_down_waits_for_window),
        cmocka_unit_test(test_propose_policies),
        cmocka_unit_test(test_cold_start_delays_ttft),
        cmocka_unit_test(test_scale_to_zero_and_back),
        cmocka_unit_test(test_scale_up_under_load_and_cap),
        cmocka_unit_test(test_cost_arithmetic),
        cmocka_unit_test(test_closed_loop),
        cmocka_unit_test(test_config_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
