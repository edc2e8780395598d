/*
 * test_cost.c — the cost model: hand-computed costs for every pricing
 * mode, idle capacity paid for, reserved cheaper than on-demand, the spot
 * renewal formula against a Monte-Carlo simulation of preemptions, the
 * per-million-token and per-month arithmetic, break-even months, the
 * price catalog (lookups, dates, parse errors naming prices.ini:line:key)
 * and the [cost] key table resolved from scenarios.
 *
 * Expected figures are worked out by hand in the comments, from the
 * catalog values in workloads/catalog/prices.ini.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/keys.h"
#include "sim/config/scenario.h"
#include "sim/core/jsonout.h"
#include "sim/cost/cost.h"
#include "sim/cost/keys_cost.h"
#include "sim/cost/prices.h"
#include "tests/unit/assert_close.h"
#include "workloads/hwcat.h"

#define H 3600.0

static const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run,
                                          cfg_keys_cost, NULL};

/* Scenario from text; fails the test on error. */
static cfg_scenario_t *scenario(const char *text)
{
    cfg_scenario_t *sc = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = cfg_scenario_load_text(tables, text, strlen(text),
                                           "t.ini", NULL, &sc, &d);
    if (err != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "scenario: %s\n", sim_diag_format(&d, buf, sizeof buf));
    }
    assert_int_equal(err, SIM_OK);
    return sc;
}

/* Resolve text's [cost] for its cluster.gpu into *cfg; returns the code. */
static sim_err_t resolve(const char *text, sim_cost_config_t *cfg,
                         sim_diag_t *d)
{
    cfg_scenario_t *sc = scenario(text);
    sim_err_t err = sim_cost_config_from_scenario(
        sc, cfg_get_str(sc, "cluster.gpu"), cfg, d);
    cfg_scenario_free(sc);
    return err;
}

static sim_cost_usage_t usage(int64_t gpus, double hours)
{
    sim_cost_usage_t u = {gpus, hours * H, 1.0, 0, 0, false};
    return u;
}

/* ------------------------------------------------------------ rented */

/* 1,024 H800 x 720 h on demand at DeepSeek's $2/GPU-h (the catalog's
 * only H800 offer, taken by provider = auto): $1,474,560. */
static void test_on_demand_h800(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(resolve("[cluster]\ngpu = h800\n", &cfg, &d), SIM_OK);
    assert_int_equal(cfg.pricing, SIM_COST_ON_DEMAND);
    assert_string_equal(cfg.provider, "deepseek"); /* the offer taken */
    assert_string_equal(cfg.gpu, "H800");
    assert_close(cfg.gpu_hour_usd, 2.0, 1e-15);

    sim_cost_usage_t u = usage(1024, 720);
    u.tokens = 1e12;
    u.training = true;
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, &d), SIM_OK);
    assert_close(r.cost_usd, 1474560.0, 1e-12);
    assert_close(r.breakdown.rental_usd, 1474560.0, 1e-12);
    assert_close(r.breakdown.depreciation_usd + r.breakdown.power_usd +
                     r.breakdown.network_usd + r.breakdown.ops_usd,
                 0.0, 0);
    /* a month of the same 1,024 GPUs: 1,024 x 730 h x $2 */
    assert_close(r.cost_per_month_usd, 1495040.0, 1e-12);
    /* 1e12 tokens: $1,474,560 / 1e6 million tokens */
    assert_close(r.cost_per_million_tokens_usd, 1.47456, 1e-12);
    assert_close(r.cost_per_model_usd, 1474560.0, 1e-12);
    assert_close(r.gpu_hour_usd, 2.0, 1e-12);
    assert_close(r.billed_s, 720 * H, 0);
    assert_close(r.spot_overhead, 0, 0);
}

/* DeepSeek-V3 (catalog-facts §4.2, [S69]): 2.788M H800 GPU-hours at $2
 * = $5.576M; any GPU count over the matching hours gives it. */
static void test_deepseek_v3_anchor(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve("[cluster]\ngpu = H800\n", &cfg, NULL), SIM_OK);
    sim_cost_usage_t u = usage(2048, 2.788e6 / 2048);
    u.tokens = 14.8e12;
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    assert_close(r.cost_usd, 5.576e6, 1e-12);
    /* not a training run: no per-model figure */
    assert_true(isnan(r.cost_per_model_usd));
    assert_close(r.cost_per_million_tokens_usd, 5.576e6 / 14.8e6, 1e-12);
}

/* AWS p5: reserved-1y $7.25, reserved-3y $4.42 < on-demand $12.29. */
static void test_reserved_cheaper(void **state)
{
    (void)state;
    static const char *const modes[] = {"on-demand", "reserved-1y",
                                        "reserved-3y"};
    static const double price[] = {12.29, 7.25, 4.42};
    double last = HUGE_VAL;
    for (int i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "[cluster]\ngpu = H100\n[cost]\npricing = %s\n"
                 "provider = aws\n", modes[i]);
        sim_cost_config_t cfg;
        assert_int_equal(resolve(text, &cfg, NULL), SIM_OK);
        sim_cost_usage_t u = usage(8, 10);
        sim_cost_result_t r;
        assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
        assert_close(r.cost_usd, 8 * 10 * price[i], 1e-12);
        assert_true(r.cost_usd < last);
        last = r.cost_usd;
    }
}

/* Serverless bills busy GPU-seconds and cold starts only: Modal H100 at
 * $0.001097/s, 8 GPUs x 10 h x 25% busy = 72,000 s, plus 4 cold starts
 * x 30 s = 120 s; 72,120 s x $0.001097 = $79.11564. */
static void test_serverless(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve("[cluster]\ngpu = H100-SXM\n[cost]\n"
                             "pricing = serverless\n",
                             &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.gpu_hour_usd, 0.001097 * 3600, 1e-12);
    assert_close(cfg.serverless_cold_start_s, 30, 0);
    sim_cost_usage_t u = usage(8, 10);
    u.busy_fraction = 0.25;
    u.cold_starts = 4;
    u.tokens = 2e9;
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    assert_close(r.cost_usd, 79.11564, 1e-12);
    assert_close(r.cost_per_million_tokens_usd, 79.11564 / 2000, 1e-12);
    /* idle serverless time is free: busy 0 costs the cold starts only */
    u.busy_fraction = 0;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    assert_close(r.cost_usd, 120 * 0.001097, 1e-12);
}

/* ------------------------------------------------------------- spot */

/* A config for spot at $2/GPU-h, 8 GPUs per server. */
static sim_cost_config_t spot_cfg(double rate_per_h, double interval_h,
                                  double write_h, double restart_h)
{
    sim_cost_config_t c;
    memset(&c, 0, sizeof c);
    c.pricing = SIM_COST_SPOT;
    snprintf(c.provider, sizeof c.provider, "custom");
    c.gpu_hour_usd = 2.0;
    c.gpus_per_server = 8;
    c.spot_preemption_rate = rate_per_h / H;
    c.spot_checkpoint_interval_s = interval_h * H;
    c.spot_checkpoint_write_s = write_h * H;
    c.spot_restart_s = restart_h * H;
    return c;
}

/* One server at 0.01 preemptions/h, checkpoints every hour (free),
 * restart 0.5 h, 10 h of work: each hour-long segment takes
 * (e^0.01 - 1)(1/0.01 + 0.5) = 0.010050167084168057 x 100.5
 * = 1.0100417919588897 h, so 10.100417919588897 h x 8 GPUs x $2. */
static void test_spot_hand(void **state)
{
    (void)state;
    sim_cost_config_t c = spot_cfg(0.01, 1, 0, 0.5);
    sim_cost_usage_t u = usage(8, 10);
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&c, &u, &r, NULL), SIM_OK);
    assert_close(r.billed_s / H, 10.100417919588897, 1e-12);
    assert_close(r.cost_usd, 16 * 10.100417919588897, 1e-12);
    assert_close(r.spot_overhead, 0.0100417919588897, 1e-9);
    /* a month holds 730 h of the same spending rate: 8 x $2 x 730 */
    assert_close(r.cost_per_month_usd, 16 * 730.0, 1e-12);
    assert_close(r.gpu_hour_usd, 2.0, 1e-12);

    /* 16 GPUs = 2 servers: twice the preemption rate */
    u.gpus = 16;
    assert_int_equal(sim_cost_compute(&c, &u, &r, NULL), SIM_OK);
    assert_close(r.billed_s / H, 10 * expm1(0.02) * (50 + 0.5), 1e-12);

    /* 2.5 h of work: two full segments and half of one, which needs no
     * checkpoint */
    c = spot_cfg(0.01, 1, 0.1, 0.5);
    u = usage(8, 2.5);
    assert_int_equal(sim_cost_compute(&c, &u, &r, NULL), SIM_OK);
    assert_close(r.billed_s / H,
                 2 * expm1(0.011) * 100.5 + expm1(0.005) * 100.5, 1e-12);

    /* no preemptions: the spot price times wall time plus checkpoints */
    c = spot_cfg(0, 1, 0.1, 0.5);
    u = usage(8, 10);
    assert_int_equal(sim_cost_compute(&c, &u, &r, NULL), SIM_OK);
    assert_close(r.billed_s / H, 10 * 1.1, 1e-12);
    c = spot_cfg(0, 0, 0.1, 0.5); /* Young with no failures: no checkpoints */
    assert_int_equal(sim_cost_compute(&c, &u, &r, NULL), SIM_OK);
    assert_close(r.cost_usd, 160, 1e-12);
}

/* Young's interval: sqrt(2 x 0.1 h / 0.05 per h) = 2 h. */
static void test_spot_young(void **state)
{
    (void)state;
    double lambda = 0.05 / H;
    double t = sim_cost_spot_time(8 * H, lambda, 0, 0.1 * H, 0.2 * H);
    double seg = expm1(0.05 * 2.1) * (20 + 0.2);
    assert_close(t / H, 4 * seg, 1e-12);
    assert_close(sim_cost_spot_time(8 * H, lambda, 2 * H, 0.1 * H, 0.2 * H),
                 t, 1e-15);
    assert_close(sim_cost_spot_time(0, lambda, 0, 0.1 * H, 0.2 * H), 0, 0);
}

/* xorshift64*: a fixed stream for the Monte-Carlo check. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double uniform01(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) *
           (1.0 / 9007199254740992.0);
}

/* Simulate the job: work in segments of tau (+ write), Poisson
 * preemptions at rate lambda lose the segment in progress and cost a
 * restart (during which there are no preemptions). */
static double simulate(double work, double lambda, double tau, double write,
                       double restart)
{
    double t = 0;
    double done = 0;
    while (done < work) {
        double piece = fmin(tau, work - done);
        double seg = piece + (done + piece < work ? write : 0);
        for (;;) {
            double fail = -log1p(-uniform01()) / lambda;
            if (fail >= seg) {
                t += seg;
                break;
            }
            t += fail + restart;
        }
        done += piece;
    }
    return t;
}

/* The renewal formula is the mean of the process it claims to describe:
 * 20,000 simulated jobs agree within 1% (the standard error is ~0.3%). */
static void test_spot_monte_carlo(void **state)
{
    (void)state;
    const double work = 10, lambda = 0.3, tau = 1.5, write = 0.1;
    const double restart = 0.25;
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++)
        sum += simulate(work, lambda, tau, write, restart);
    double expect = sim_cost_spot_time(work * H, lambda / H, tau * H,
                                       write * H, restart * H) / H;
    assert_close(sum / n, expect, 0.01);
    assert_true(expect > work * 1.2); /* the effect is not negligible */
}

/* A 15%-per-month share reclaimed is a rate of -ln(0.85) / 730 h. */
static void test_spot_rate(void **state)
{
    (void)state;
    assert_close(sim_cost_spot_rate_from_monthly(0.15) * 730 * H,
                 0.16251892949777494, 1e-12);
    assert_close(sim_cost_spot_rate_from_monthly(0), 0, 0);
    assert_true(isnan(sim_cost_spot_rate_from_monthly(1)));

    /* from the catalog: aws p5 spot at $2.4575 with 15%/month */
    sim_cost_config_t cfg;
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "pricing = spot\n",
                             &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.gpu_hour_usd, 2.4575, 1e-15);
    assert_close(cfg.spot_preemption_rate * 730 * H, 0.16251892949777494,
                 1e-12);
    assert_close(cfg.spot_checkpoint_interval_s, 0, 0); /* auto: Young */
    assert_close(cfg.spot_checkpoint_write_s, 300, 0);
    assert_close(cfg.spot_restart_s, 600, 0);
    /* 1,024 GPUs for 720 h: more than 720 h billed, less than double */
    sim_cost_usage_t u = usage(1024, 720);
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    assert_true(r.spot_overhead > 0.01 && r.spot_overhead < 1);
    assert_close(r.cost_usd, 2.4575 * 1024 * r.billed_s / H, 1e-12);
}

static void test_spot_diverges(void **state)
{
    (void)state;
    sim_cost_config_t c = spot_cfg(3600, 1e4, 0, 0); /* 1 preemption/s */
    sim_cost_usage_t u = usage(8, 10);
    sim_cost_result_t r;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_cost_compute(&c, &u, &r, &d), SIM_ERR_INFEASIBLE);
    assert_string_equal(d.key, "cost.spot_interruptions");
}

/* ------------------------------------------------------------ owned */

static const char *const owned_text =
    "[cluster]\ngpu = H100\n[cost]\npricing = owned\n"
    "pue = 1.2\npower_usd_per_kWh = 0.1\n";

/* 1,024 H100 = 128 DGX H100 at $270,000, 5 years, network 19% of the
 * cluster, ops 5%/year, PUE 1.2 at $0.1/kWh, GPUs at 75% of 700 W plus
 * 4.6 kW host per server, for 720 h of a year's 8,760:
 *   servers  128 x 270,000 = 34,560,000 -> 6,912,000 a year
 *   network  34,560,000 x 0.19 / 0.81  -> / 5 a year
 *   power    (1,024 x 525 W + 128 x 4,600 W) = 1,126.4 kW
 *            x 1.2 x 8,760 h x $0.1
 *   ops      0.05 x 34,560,000 / 0.81 */
static void test_owned_hand(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve(owned_text, &cfg, NULL), SIM_OK);
    assert_string_equal(cfg.provider, "owned");
    assert_int_equal(cfg.gpus_per_server, 8);
    assert_close(cfg.server_capex_usd, 270000, 0);
    assert_close(cfg.host_power_w, 4600, 0);
    assert_close(cfg.gpu_tdp_w, 700, 0);

    sim_cost_usage_t u = usage(1024, 720);
    u.tokens = 4e11;
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    const double share = 720.0 / 8760.0;
    const double dep = 6912000.0;
    const double net = 34560000.0 * 0.19 / 0.81 / 5;
    const double pow = 1126.4 * 1.2 * 8760 * 0.1;
    const double ops = 0.05 * 34560000.0 / 0.81;
    assert_close(r.breakdown.depreciation_usd, dep * share, 1e-12);
    assert_close(r.breakdown.network_usd, net * share, 1e-12);
    assert_close(r.breakdown.power_usd, pow * share, 1e-12);
    assert_close(r.breakdown.ops_usd, ops * share, 1e-12);
    assert_close(r.breakdown.rental_usd, 0, 0);
    assert_close(r.cost_usd, (dep + net + pow + ops) * share, 1e-12);
    assert_close(r.cost_per_month_usd, (dep + net + pow + ops) / 12, 1e-12);
    assert_close(r.cost_per_million_tokens_usd, r.cost_usd / 4e5, 1e-12);
    /* about $1.32 per GPU-hour, well under any cloud list price */
    assert_close(r.gpu_hour_usd, (dep + net + pow + ops) / 1024 / 8760,
                 1e-12);
    assert_true(r.gpu_hour_usd > 1.2 && r.gpu_hour_usd < 1.4);
}

/* An owned fleet costs the same whether busy or not: a run on a fleet
 * busy half the time pays for the idle half too, and a run on half of a
 * dedicated fleet pays half the fleet. */
static void test_owned_idle_paid(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve(owned_text, &cfg, NULL), SIM_OK);
    sim_cost_usage_t u = usage(1024, 720);
    sim_cost_result_t full, half, big, big_half;
    assert_int_equal(sim_cost_compute(&cfg, &u, &full, NULL), SIM_OK);

    cfg.utilisation = 0.5;
    assert_int_equal(sim_cost_compute(&cfg, &u, &half, NULL), SIM_OK);
    assert_close(half.cost_usd, 2 * full.cost_usd, 1e-12);
    assert_close(half.breakdown.power_usd, 2 * full.breakdown.power_usd,
                 1e-12);

    cfg.utilisation = 1;
    cfg.fleet_gpus = 2048;
    assert_int_equal(sim_cost_compute(&cfg, &u, &big, NULL), SIM_OK);
    assert_close(big.cost_usd, full.cost_usd, 1e-12);

    /* 2,048 GPUs busy half the time: this run carries the whole fleet */
    cfg.utilisation = 0.5;
    assert_int_equal(sim_cost_compute(&cfg, &u, &big_half, NULL), SIM_OK);
    sim_cost_breakdown_t a;
    assert_int_equal(sim_cost_owned_annual(&cfg, 2048, &a, NULL), SIM_OK);
    assert_close(big_half.cost_usd,
                 sim_cost_breakdown_total(&a) * 720 / 8760, 1e-12);

    /* a partly filled server is paid in full: 9 GPUs = 2 servers */
    sim_cost_breakdown_t a9, a16;
    assert_int_equal(sim_cost_owned_annual(&cfg, 9, &a9, NULL), SIM_OK);
    assert_int_equal(sim_cost_owned_annual(&cfg, 16, &a16, NULL), SIM_OK);
    assert_close(a9.depreciation_usd, a16.depreciation_usd, 1e-15);
    assert_true(a9.power_usd < a16.power_usd);

    /* a fleet smaller than the run is refused */
    cfg.fleet_gpus = 512;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_cost_compute(&cfg, &u, &big, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "cost.fleet_gpus");
}

/* Per GPU: capex 270,000 / 8 / 0.81 = 41,666.67; running cost a month
 * 1.1 kW x 1.2 x 8,760 h x $0.1 / 12 + 5% x 41,666.67 / 12 = 96.36 +
 * 173.61; renting at Lambda's $3.49 x 730 h = 2,547.70 a month, so
 * buying pays off after 41,666.67 / 2,277.73 = 18.3 months, in line with
 * the 14-18 months of [S76]. */
static void test_breakeven(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve(owned_text, &cfg, NULL), SIM_OK);
    double capex = 270000.0 / 8 / 0.81;
    double running = 1.1 * 1.2 * 8760 * 0.1 / 12 + 0.05 * capex / 12;
    double m = sim_cost_breakeven_months(&cfg, 3.49, 1.0);
    assert_close(m, capex / (3.49 * 730 - running), 1e-12);
    assert_true(m > 18 && m < 18.5);
    /* renting at AWS's $12.29 pays off far sooner; a mostly idle need
     * never pays for a purchase */
    assert_true(sim_cost_breakeven_months(&cfg, 12.29, 1.0) < 6);
    assert_true(isinf(sim_cost_breakeven_months(&cfg, 3.49, 0.05)));
    assert_true(isnan(sim_cost_breakeven_months(&cfg, 3.49, 1.5)));
}

/* ------------------------------------------------------------ errors */

static void test_compute_errors(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve(owned_text, &cfg, NULL), SIM_OK);
    sim_cost_usage_t u = usage(0, 1);
    sim_cost_result_t r;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "cost.gpus");

    u = usage(8, 1);
    cfg.utilisation = 0;
    sim_diag_clear(&d);
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "cost.utilisation");

    cfg.utilisation = 1;
    cfg.network_share = 1;
    sim_diag_clear(&d);
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "cost.network_share");

    sim_cost_config_t s = spot_cfg(0.01, 1, 0, 0);
    s.gpu_hour_usd = NAN;
    sim_diag_clear(&d);
    assert_int_equal(sim_cost_compute(&s, &u, &r, &d), SIM_ERR_RANGE);
    assert_string_equal(d.key, "cost.gpu_hour_usd");
}

/* Scenario problems name the key and where it was set. */
static void test_scenario_errors(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    sim_diag_t d = SIM_DIAG_INIT;

    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "provider = custom\n",
                             &cfg, &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "cost.gpu_hour_usd");

    /* custom with a price works */
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "provider = custom\ngpu_hour_usd = 1.85\n",
                             &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.gpu_hour_usd, 1.85, 0);
    assert_string_equal(cfg.provider, "custom");

    sim_diag_clear(&d);
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "pricing = serverless\nprovider = aws\n",
                             &cfg, &d),
                     SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cost.gpu_hour_usd");
    assert_non_null(strstr(d.msg, "modal"));

    /* runpod sells spot H100 but publishes no interruption share */
    sim_diag_clear(&d);
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "pricing = spot\nprovider = runpod\n",
                             &cfg, &d),
                     SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cost.spot_interruptions");
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "pricing = spot\nprovider = runpod\n"
                             "spot_interruptions = 5%\n",
                             &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.gpu_hour_usd, 0.81, 0);

    sim_diag_clear(&d);
    assert_int_equal(resolve("[cluster]\ngpu = H100\n[cost]\n"
                             "provider = amazon\ngpu_hour_usd = 3\n",
                             &cfg, &d),
                     SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cost.provider");
    assert_string_equal(d.file, "t.ini");
    assert_int_equal(d.line, 4);

    sim_diag_clear(&d);
    assert_int_equal(resolve("[cluster]\ngpu = H20\n[cost]\n"
                             "pricing = owned\n",
                             &cfg, &d),
                     SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cost.server_capex_usd");
    assert_int_equal(resolve("[cluster]\ngpu = H20\n[cost]\n"
                             "pricing = owned\nserver_capex_usd = 150000\n"
                             "host_power = 4kW\n",
                             &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.server_capex_usd, 150000, 0);
    assert_close(cfg.host_power_w, 4000, 0);
    assert_close(cfg.gpu_tdp_w, 400, 0);

    sim_diag_clear(&d);
    assert_int_equal(resolve("[cluster]\ngpu = TPU9\n", &cfg, &d),
                     SIM_ERR_NOTFOUND);
    assert_string_equal(d.key, "cluster.gpu");
    assert_int_equal(d.line, 2);
}

/* Every default of the table parses (a scenario with no file loads) and
 * resolves for the default GPU. */
static void test_defaults(void **state)
{
    (void)state;
    cfg_scenario_t *sc = NULL;
    assert_int_equal(cfg_scenario_load_text(tables, NULL, 0, NULL, NULL, &sc,
                                            NULL),
                     SIM_OK);
    assert_close(cfg_get_double(sc, "cost.network_share"), 0.19, 1e-15);
    assert_close(cfg_get_double(sc, "cost.pue"), 1.25, 0);
    assert_close(cfg_get_double(sc, "cost.depreciation_years"), 5, 0);
    sim_cost_config_t cfg;
    assert_int_equal(sim_cost_config_from_scenario(
                         sc, cfg_get_str(sc, "cluster.gpu"), &cfg, NULL),
                     SIM_OK);
    assert_close(cfg.gpu_hour_usd, 2.0, 0);
    cfg_scenario_free(sc);
    for (const cfg_key_t *k = cfg_keys_cost; k->name; k++) {
        assert_string_equal(k->section, "cost");
        assert_true(strlen(k->doc) > 20);
    }
}

/* ------------------------------------------------------------ catalog */

static void test_catalog(void **state)
{
    (void)state;
    sim_cost_prices_t *p = NULL;
    wl_hwcat_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_cost_prices_load(&p, &d), SIM_OK);
    assert_int_equal(wl_hwcat_load(&cat, &d), SIM_OK);
    assert_int_equal(sim_cost_prices_check_gpus(p, cat, &d), SIM_OK);
    assert_true(sim_cost_prices_count(p) >= 20);
    assert_null(sim_cost_prices_get(p, sim_cost_prices_count(p)));

    size_t reserved = 0;
    for (size_t i = 0; i < sim_cost_prices_count(p); i++) {
        const sim_cost_offer_t *o = sim_cost_prices_get(p, i);
        assert_true(strlen(o->as_of) >= 7);
        double od = o->price[SIM_COST_ON_DEMAND];
        double r1 = o->price[SIM_COST_RESERVED_1Y];
        double r3 = o->price[SIM_COST_RESERVED_3Y];
        if (!isnan(r1) && !isnan(r3)) {
            assert_true(r3 < r1 && r1 < od); /* commitments are cheaper */
            reserved++;
        }
        if (o->owned) {
            assert_true(o->server_capex_usd > 1e5);
            assert_int_equal(o->gpus_per_server, 8);
        }
    }
    assert_int_equal(reserved, 5);

    const sim_cost_offer_t *o = sim_cost_prices_find(p, "AWS", "h100-sxm");
    assert_non_null(o);
    assert_close(o->price[SIM_COST_ON_DEMAND], 12.29, 0);
    assert_string_equal(o->price_as_of[SIM_COST_ON_DEMAND], "2025-03-17");
    assert_string_equal(o->price_as_of[SIM_COST_SPOT], "2025-12-08");
    assert_close(o->spot_interruptions, 0.15, 1e-15);
    assert_true(isnan(o->price[SIM_COST_SERVERLESS]));

    assert_int_equal(sim_cost_prices_lookup(p, "auto", "H100-SXM",
                                            SIM_COST_SPOT, &o, NULL),
                     SIM_OK);
    assert_string_equal(o->provider, "aws");
    assert_int_equal(sim_cost_prices_lookup(p, NULL, "A100-80G",
                                            SIM_COST_SERVERLESS, &o, NULL),
                     SIM_OK);
    assert_string_equal(o->provider, "modal");
    assert_close(o->price[SIM_COST_SERVERLESS], 0.000694, 0);
    assert_int_equal(sim_cost_prices_lookup(p, "aws", "H100-SXM",
                                            SIM_COST_OWNED, &o, NULL),
                     SIM_OK);
    assert_true(o->owned);

    sim_diag_clear(&d);
    assert_int_equal(sim_cost_prices_lookup(p, "lambda", "H100-SXM",
                                            SIM_COST_SPOT, &o, &d),
                     SIM_ERR_NOTFOUND);
    assert_null(o);
    assert_non_null(strstr(d.msg, "aws, gcp, runpod"));
    sim_diag_clear(&d);
    assert_int_equal(sim_cost_prices_lookup(p, NULL, "H20",
                                            SIM_COST_ON_DEMAND, &o, &d),
                     SIM_ERR_NOTFOUND);
    assert_non_null(strstr(d.msg, "H20"));

    assert_string_equal(sim_cost_pricing_name(SIM_COST_RESERVED_3Y),
                        "reserved-3y");
    for (int m = 0; m < SIM_COST_PRICING__COUNT; m++)
        assert_string_equal(sim_cost_pricing_name((sim_cost_pricing_t)m),
                            sim_cost_pricing_choices[m]);
    wl_hwcat_free(cat);
    sim_cost_prices_free(p);
    sim_cost_prices_free(NULL);
}

/* A good section to break one line at a time. */
#define GOOD                                                                 \
    "[aws.H100-SXM]\n"                                                       \
    "as_of = 2025-03-17\n"                                                   \
    "on_demand = 12.29\n"                                                    \
    "source_on_demand = list\n"                                              \
    "reserved_1y = 7.25\n"                                                   \
    "source_reserved_1y = list\n"

static void expect_parse(const char *text, sim_err_t code, int line,
                         const char *key)
{
    sim_cost_prices_t *p = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = sim_cost_prices_parse(text, strlen(text), "prices.ini",
                                          &p, &d);
    if (err != code || d.line != line || strcmp(d.key, key) != 0) {
        char buf[1024];
        fprintf(stderr, "got %d: %s\n", err,
                sim_diag_format(&d, buf, sizeof buf));
    }
    assert_int_equal(err, code);
    assert_int_equal(d.line, line);
    assert_string_equal(d.key, key);
    if (code != SIM_OK) {
        assert_string_equal(d.file, "prices.ini");
        assert_null(p);
    }
    sim_cost_prices_free(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse(GOOD, SIM_OK, 0, "");
    expect_parse(GOOD "spot = 1\n", SIM_ERR_INPUT, 7, "aws.H100-SXM.spot");
    expect_parse(GOOD "source_spot = x\n", SIM_ERR_INPUT, 7,
                 "aws.H100-SXM.source_spot");
    expect_parse(GOOD "spot_price = 1\n", SIM_ERR_INPUT, 7,
                 "aws.H100-SXM.spot_price");
    expect_parse(GOOD "as_of_on_demand = 2025-13\n", SIM_ERR_INPUT, 7,
                 "aws.H100-SXM.as_of_on_demand");
    expect_parse(GOOD "server_capex = 1e5\nsource_server_capex = x\n",
                 SIM_ERR_INPUT, 7, "aws.H100-SXM.server_capex");
    expect_parse(GOOD "reserved_3y = 8\nsource_reserved_3y = x\n",
                 SIM_ERR_RANGE, 7, "aws.H100-SXM.reserved_3y");
    expect_parse(GOOD "spot_interruptions = 15%\n"
                      "source_spot_interruptions = x\n",
                 SIM_ERR_INPUT, 7, "aws.H100-SXM.spot_interruptions");
    expect_parse("[aws.H100-SXM]\nas_of = 2025\non_demand = 1\n"
                 "source_on_demand = x\n",
                 SIM_ERR_INPUT, 2, "aws.H100-SXM.as_of");
    expect_parse("[aws.H100-SXM]\non_demand = 1\nsource_on_demand = x\n",
                 SIM_ERR_INPUT, 1, "aws.H100-SXM.as_of");
    expect_parse("[aws.H100-SXM]\nas_of = 2025-01\non_demand = -1\n"
                 "source_on_demand = x\n",
                 SIM_ERR_RANGE, 3, "aws.H100-SXM.on_demand");
    expect_parse("[aws.H100-SXM]\nas_of = 2025-01\noffer = x\n",
                 SIM_ERR_INPUT, 1, "aws.H100-SXM");
    expect_parse("[AWS.H100-SXM]\nas_of = 2025-01\n", SIM_ERR_INPUT, 1,
                 "AWS.H100-SXM");
    expect_parse("[H100-SXM]\nas_of = 2025-01\n", SIM_ERR_INPUT, 1,
                 "H100-SXM");
    expect_parse("[custom.H100-SXM]\nas_of = 2025-01\n", SIM_ERR_INPUT, 1,
                 "custom.H100-SXM");
    expect_parse(GOOD "[aws.h100-sxm]\nas_of = 2025-01\non_demand = 1\n"
                      "source_on_demand = x\n",
                 SIM_ERR_INPUT, 7, "aws.h100-sxm");
    expect_parse("[owned.H100-SXM]\nas_of = 2023-05\nserver_capex = 270000\n"
                 "source_server_capex = x\ngpus_per_server = 8\n"
                 "source_gpus_per_server = x\nhost_power = 4600\n"
                 "source_host_power = x\n",
                 SIM_ERR_UNIT, 7, "owned.H100-SXM.host_power");
    expect_parse("[owned.H100-SXM]\nas_of = 2023-05\nserver_capex = 270000\n"
                 "source_server_capex = x\ngpus_per_server = 8\n"
                 "source_gpus_per_server = x\n",
                 SIM_ERR_INPUT, 1, "owned.H100-SXM.host_power");
    expect_parse("[owned.H100-SXM]\nas_of = 2023-05\non_demand = 1\n"
                 "source_on_demand = x\n",
                 SIM_ERR_INPUT, 3, "owned.H100-SXM.on_demand");
    expect_parse("[aws.H100-SXM]\nas_of = 2025-01\non_demand = 1\n"
                 "source_on_demand = x\non_demand = 2\n",
                 SIM_ERR_INPUT, 5, "aws.H100-SXM.on_demand");

    /* a stray GPU name is caught against the hardware catalog */
    const char *text = "[aws.H100]\nas_of = 2025-01\non_demand = 1\n"
                       "source_on_demand = x\n";
    sim_cost_prices_t *p = NULL;
    wl_hwcat_t *cat = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(sim_cost_prices_parse(text, strlen(text), "prices.ini",
                                           &p, NULL),
                     SIM_OK);
    assert_int_equal(wl_hwcat_load(&cat, NULL), SIM_OK);
    assert_int_equal(sim_cost_prices_check_gpus(p, cat, &d),
                     SIM_ERR_NOTFOUND);
    assert_int_equal(d.line, 1);
    assert_non_null(strstr(d.msg, "H100-SXM"));
    wl_hwcat_free(cat);
    sim_cost_prices_free(p);
}

/* ------------------------------------------------------------- JSON */

static char *result_json(const sim_cost_result_t *r)
{
    json_t *o = json_object();
    assert_non_null(o);
    assert_int_equal(sim_cost_result_json(r, o), SIM_OK);
    char *s = sim_json_dumps(o);
    json_decref(o);
    assert_non_null(s);
    return s;
}

static void test_json(void **state)
{
    (void)state;
    sim_cost_config_t cfg;
    assert_int_equal(resolve(owned_text, &cfg, NULL), SIM_OK);
    sim_cost_usage_t u = usage(64, 100);
    sim_cost_result_t r;
    assert_int_equal(sim_cost_compute(&cfg, &u, &r, NULL), SIM_OK);
    char *a = result_json(&r);
    char *b = result_json(&r);
    assert_string_equal(a, b); /* same result, same bytes */

    json_error_t jerr;
    json_t *o = json_loads(a, 0, &jerr);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "pricing")),
                        "owned");
    assert_close(json_real_value(json_object_get(o, "cost_usd")), r.cost_usd,
                 0);
    assert_close(json_real_value(json_object_get(o, "cost_per_month_usd")),
                 r.cost_per_month_usd, 0);
    assert_true(json_is_null(json_object_get(o,
                                             "cost_per_million_tokens_usd")));
    assert_true(json_is_null(json_object_get(o, "cost_per_model_usd")));
    assert_close(json_real_value(json_object_get(o, "billed_hours")), 100,
                 0);
    json_t *bd = json_object_get(o, "breakdown");
    assert_true(json_is_object(bd));
    double sum = 0;
    static const char *const parts[] = {"compute_rental_usd",
                                        "capex_depreciation_usd",
                                        "power_usd", "network_usd",
                                        "ops_usd"};
    for (int i = 0; i < 5; i++) {
        json_t *v = json_object_get(bd, parts[i]);
        assert_true(json_is_number(v));
        sum += json_number_value(v);
    }
    assert_close(sum, r.cost_usd, 1e-12);
    json_decref(o);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_demand_h800),
        cmocka_unit_test(test_deepseek_v3_anchor),
        cmocka_unit_test(test_reserved_cheaper),
        cmocka_unit_test(test_serverless),
        cmocka_unit_test(test_spot_hand),
        cmocka_unit_test(test_spot_young),
        cmocka_unit_test(test_spot_monte_carlo),
        cmocka_unit_test(test_spot_rate),
        cmocka_unit_test(test_spot_diverges),
        cmocka_unit_test(test_owned_hand),
        cmocka_unit_test(test_owned_idle_paid),
        cmocka_unit_test(test_breakeven),
        cmocka_unit_test(test_compute_errors),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
