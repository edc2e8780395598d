/*
 * cost.h — the cost model: what a run costs under a pricing mode, rented
 * or owned, per run, per month, per million tokens and per trained model,
 * with a breakdown by cause.
 *
 * Rented (rate × GPUs × billed hours):
 *   on-demand, reserved-1y, reserved-3y  price × GPUs × wall hours.
 *   spot        price × GPUs × E[wall], where E[wall] is the expected time
 *               to finish under Poisson preemptions (sim_cost_spot_time):
 *               lost work since the last checkpoint plus a restart is paid
 *               again after every preemption.
 *   serverless  price per GPU-second × (busy GPU-seconds + cold starts ×
 *               cold-start seconds): idle time is not billed.
 * Owned (sim_cost_owned_annual): a fleet of fleet_gpus GPUs in servers of
 * gpus_per_server costs, per year,
 *   depreciation  servers × server_capex / depreciation_years
 *   network       servers × server_capex × s / (1 - s) / years, where s is
 *                 the network's share of the whole cluster's capex
 *   power         (GPUs × TDP × power_load + servers × host_power)
 *                 × PUE × 8,760 h × tariff
 *   ops           ops_share × (server + network capex)
 * whether busy or idle.  A run of G GPUs for T hours is charged
 *   annual × (G / fleet_gpus) × (T / 8,760 h) / utilisation,
 * so idle capacity is paid for by the work that does run: at utilisation
 * 0.5 every busy GPU-hour carries one idle one.
 *
 * Per month = cost of the run's spending rate held for 730 h of wall time
 * (spot: of expected wall time).  Per million tokens = cost / tokens × 1e6.
 * Per trained model = the cost of a training run.
 *
 * Units: money in US dollars, time in seconds, power in watts, rates per
 * second, shares as fractions.
 *
 * Assumes: prices are constant over the run; a preemption stops the whole
 * job (synchronous training); billing is continuous (no per-hour or
 * per-10-second rounding).
 */
#ifndef SIM_COST_COST_H
#define SIM_COST_COST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/core/error.h"
#include "sim/cost/prices.h"

/* Hours in a billing month and in a year (730 × 12 = 8,760). */
#define SIM_COST_MONTH_H 730.0
#define SIM_COST_YEAR_H 8760.0

/* Everything the model needs, in base units; fill by hand or with
 * sim_cost_config_from_scenario (keys_cost.h). */
typedef struct sim_cost_config {
    sim_cost_pricing_t pricing;
    char provider[64];          /* the offer's provider, "custom", "owned" */
    char gpu[64];               /* GPU catalog name, for the record */
    /* rented */
    double gpu_hour_usd;        /* USD per GPU-hour (serverless: per busy
                                   GPU-hour = per-second price × 3,600) */
    double spot_preemption_rate; /* per server per second */
    double spot_checkpoint_interval_s; /* useful work between checkpoints;
                                          0 = Young's optimum */
    double spot_checkpoint_write_s;    /* time to write one checkpoint */
    double spot_restart_s;             /* time from preemption to work */
    double serverless_cold_start_s;    /* billed seconds per cold start */
    int gpus_per_server;        /* servers = ceil(GPUs / this) */
    /* owned */
    double server_capex_usd;    /* per server */
    double depreciation_years;
    double network_share;       /* of total cluster capex, [0, 1) */
    double ops_share;           /* of capex, per year */
    double power_usd_per_kwh;
    double pue;
    double gpu_tdp_w;
    double power_load;          /* mean draw as a fraction of peak */
    double host_power_w;        /* per server, beyond its GPUs */
    double utilisation;         /* busy share of the fleet, (0, 1] */
    int64_t fleet_gpus;         /* 0 = the run's own GPUs */
} sim_cost_config_t;

/* What was run. */
typedef struct sim_cost_usage {
    int64_t gpus;           /* GPUs the run holds, >= 1 */
    double wall_s;          /* wall time without preemptions, >= 0 */
    double busy_fraction;   /* serverless: busy share of GPU time, [0, 1] */
    double cold_starts;     /* serverless: GPU cold starts, >= 0 */
    double tokens;          /* tokens trained or served; 0 = not known */
    bool training;          /* a training run: report cost per model */
} sim_cost_usage_t;

/* Breakdown of a cost by cause; the five parts sum to the total. */
typedef struct sim_cost_breakdown {
    double rental_usd;
    double depreciation_usd;
    double power_usd;
    double network_usd;
    double ops_usd;
} sim_cost_breakdown_t;

typedef struct sim_cost_result {
    sim_cost_pricing_t pricing;
    char provider[64];
    double cost_usd;                    /* the run */
    double cost_per_month_usd;          /* NaN when the run takes no time */
    double cost_per_million_tokens_usd; /* NaN when tokens == 0 */
    double cost_per_model_usd;          /* NaN unless training */
    double gpu_hour_usd;   /* cost / (GPUs × billed hours); NaN if none */
    double billed_s;       /* wall time paid for (spot: expected) */
    double spot_overhead;  /* spot: billed_s / wall_s - 1; else 0 */
    sim_cost_breakdown_t breakdown;
} sim_cost_result_t;

/*
 * Cost of a run.  cfg and usage must be non-NULL, *out is overwritten.
 * Returns SIM_OK; SIM_ERR_RANGE (diag names the cost.* key) when a value
 * is out of its domain (GPUs < 1, negative time, utilisation not in
 * (0, 1], network_share >= 1, a price that is not finite); SIM_ERR_INFEASIBLE
 * when spot preemptions come so often that the expected time overflows.
 * Cost: O(1).
 */
sim_err_t sim_cost_compute(const sim_cost_config_t *cfg,
                           const sim_cost_usage_t *usage,
                           sim_cost_result_t *out, sim_diag_t *diag);

/*
 * Expected wall time to finish work_s seconds of work under preemptions
 * at total rate lambda (per second, for the whole job), checkpointing
 * every interval_s of work at write_s per checkpoint, paying restart_s
 * after each preemption.  A renewal argument per segment of x seconds
 * (work plus its checkpoint write) gives
 *     E[x] = (e^{λx} − 1) · (1/λ + R)
 * (restarts themselves are not preempted); the last, partial segment needs
 * no checkpoint.  interval_s = 0 means Young's optimum sqrt(2 · write_s / λ)
 * (Young, CACM 1974; project notes §3.4).  λ = 0 gives work_s plus the
 * checkpoint writes.  Returns +inf when the expectation overflows.
 * Cost: O(1).
 */
double sim_cost_spot_time(double work_s, double lambda, double interval_s,
                          double write_s, double restart_s);

/* Preemption rate per server per second from the share of servers
 * reclaimed per 730-hour month (as AWS's Spot Instance Advisor states
 * it), reading the share as P(reclaimed within a month) of an exponential
 * lifetime: −ln(1 − f) / 730 h.  f in [0, 1); O(1). */
double sim_cost_spot_rate_from_monthly(double f);

/*
 * Annual cost of an owned fleet of fleet_gpus GPUs (cfg's fleet_gpus is
 * ignored), split by cause into *annual (rental_usd = 0).  Returns
 * SIM_OK or SIM_ERR_RANGE as sim_cost_compute.  O(1).
 */
sim_err_t sim_cost_owned_annual(const sim_cost_config_t *cfg,
                                int64_t fleet_gpus,
                                sim_cost_breakdown_t *annual,
                                sim_diag_t *diag);

/*
 * Months after which buying a fleet is cheaper than renting the same GPUs
 * at rented_gpu_hour_usd for busy_fraction of the time, comparing cash:
 * capex (servers + network) is paid up front, power and ops monthly; no
 * resale value, no discounting.  Per GPU, so fleet size cancels (except
 * for a partly filled last server, which uses cfg->fleet_gpus, 0 = one
 * server).  Returns +inf when owning never catches up (the monthly
 * rental does not exceed the monthly running cost), NaN when cfg is out
 * of range.  O(1).
 */
double sim_cost_breakeven_months(const sim_cost_config_t *owned,
                                 double rented_gpu_hour_usd,
                                 double busy_fraction);

/* The sum of the five parts. */
double sim_cost_breakdown_total(const sim_cost_breakdown_t *b);

/*
 * Add the result to obj (a JSON object): pricing, provider, cost_usd,
 * cost_per_month_usd, cost_per_million_tokens_usd, cost_per_model_usd,
 * gpu_hour_usd, billed_hours, spot_overhead and an object "breakdown"
 * {compute_rental_usd, capex_depreciation_usd, power_usd, network_usd,
 * ops_usd}.  NaN becomes null.  Returns SIM_OK or SIM_ERR_NOMEM (obj may
 * then hold some of the keys).  O(1).
 */
sim_err_t sim_cost_result_json(const sim_cost_result_t *r, json_t *obj);

#endif /* SIM_COST_COST_H */
