/*
 * cost.c — the cost model (see cost.h for the formulas and assumptions).
 *
 * Every function is a pure computation on its arguments; nothing is read
 * from a catalog here (keys_cost.c resolves catalog values into the
 * config).  Inputs are checked once, in check_config/check_usage, so the
 * arithmetic below can assume finite, in-range values.
 */
#include "sim/cost/cost.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/jsonout.h"

#define HOUR_S 3600.0

static sim_err_t bad(sim_diag_t *diag, const char *key, const char *what,
                     double v)
{
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, key,
                        "%s, got %.17g", what, v);
}

/* Fields used by the owned model. */
static sim_err_t check_owned(const sim_cost_config_t *c, sim_diag_t *diag)
{
    if (!(c->gpus_per_server >= 1))
        return bad(diag, "cost.gpus_per_server", "expected at least 1",
                   c->gpus_per_server);
    if (!(isfinite(c->server_capex_usd) && c->server_capex_usd >= 0))
        return bad(diag, "cost.server_capex_usd",
                   "expected a finite capex >= 0", c->server_capex_usd);
    if (!(isfinite(c->depreciation_years) && c->depreciation_years > 0))
        return bad(diag, "cost.depreciation_years", "expected > 0 years",
                   c->depreciation_years);
    if (!(c->network_share >= 0 && c->network_share < 1))
        return bad(diag, "cost.network_share", "expected a share in [0, 1)",
                   c->network_share);
    if (!(isfinite(c->ops_share) && c->ops_share >= 0))
        return bad(diag, "cost.ops_share", "expected a share >= 0",
                   c->ops_share);
    if (!(isfinite(c->power_usd_per_kwh) && c->power_usd_per_kwh >= 0))
        return bad(diag, "cost.power_usd_per_kwh", "expected a tariff >= 0",
                   c->power_usd_per_kwh);
    if (!(isfinite(c->pue) && c->pue >= 1))
        return bad(diag, "cost.pue", "expected a PUE >= 1", c->pue);
    if (!(isfinite(c->gpu_tdp_w) && c->gpu_tdp_w >= 0))
        return bad(diag, "cost.gpu_tdp", "expected a power >= 0",
                   c->gpu_tdp_w);
    if (!(c->power_load >= 0 && c->power_load <= 1))
        return bad(diag, "cost.power_load", "expected a share in [0, 1]",
                   c->power_load);
    if (!(isfinite(c->host_power_w) && c->host_power_w >= 0))
        return bad(diag, "cost.host_power", "expected a power >= 0",
                   c->host_power_w);
    if (!(c->utilisation > 0 && c->utilisation <= 1))
        return bad(diag, "cost.utilisation", "expected a share in (0, 1]",
                   c->utilisation);
    return SIM_OK;
}

static sim_err_t check_rented(const sim_cost_config_t *c, sim_diag_t *diag)
{
    if (!(isfinite(c->gpu_hour_usd) && c->gpu_hour_usd >= 0))
        return bad(diag, "cost.gpu_hour_usd", "expected a finite price >= 0",
                   c->gpu_hour_usd);
    if (c->pricing == SIM_COST_SPOT) {
        if (!(c->gpus_per_server >= 1))
            return bad(diag, "cost.gpus_per_server", "expected at least 1",
                       c->gpus_per_server);
        if (!(isfinite(c->spot_preemption_rate) &&
              c->spot_preemption_rate >= 0))
            return bad(diag, "cost.spot_interruptions",
                       "expected a finite preemption rate >= 0",
                       c->spot_preemption_rate);
        if (!(isfinite(c->spot_checkpoint_interval_s) &&
              c->spot_checkpoint_interval_s >= 0))
            return bad(diag, "cost.spot_checkpoint_interval",
                       "expected a time >= 0",
                       c->spot_checkpoint_interval_s);
        if (!(isfinite(c->spot_checkpoint_write_s) &&
              c->spot_checkpoint_write_s >= 0))
            return bad(diag, "cost.spot_checkpoint_write",
                       "expected a time >= 0", c->spot_checkpoint_write_s);
        if (!(isfinite(c->spot_restart_s) && c->spot_restart_s >= 0))
            return bad(diag, "cost.spot_restart", "expected a time >= 0",
                       c->spot_restart_s);
    }
    if (c->pricing == SIM_COST_SERVERLESS &&
        !(isfinite(c->serverless_cold_start_s) &&
          c->serverless_cold_start_s >= 0))
        return bad(diag, "cost.serverless_cold_start",
                   "expected a time >= 0", c->serverless_cold_start_s);
    return SIM_OK;
}

static sim_err_t check_usage(const sim_cost_usage_t *u, sim_diag_t *diag)
{
    if (u->gpus < 1)
        return bad(diag, "cost.gpus", "expected at least 1 GPU",
                   (double)u->gpus);
    if (!(isfinite(u->wall_s) && u->wall_s >= 0))
        return bad(diag, "cost.wall_time", "expected a finite time >= 0",
                   u->wall_s);
    if (!(u->busy_fraction >= 0 && u->busy_fraction <= 1))
        return bad(diag, "cost.busy_fraction", "expected a share in [0, 1]",
                   u->busy_fraction);
    if (!(isfinite(u->cold_starts) && u->cold_starts >= 0))
        return bad(diag, "cost.cold_starts", "expected a count >= 0",
                   u->cold_starts);
    if (!(isfinite(u->tokens) && u->tokens >= 0))
        return bad(diag, "cost.tokens", "expected a count >= 0", u->tokens);
    return SIM_OK;
}

double sim_cost_breakdown_total(const sim_cost_breakdown_t *b)
{
    return b->rental_usd + b->depreciation_usd + b->power_usd +
           b->network_usd + b->ops_usd;
}

static int64_t servers_for(int64_t gpus, int per_server)
{
    return (gpus + per_server - 1) / per_server;
}

sim_err_t sim_cost_owned_annual(const sim_cost_config_t *cfg,
                                int64_t fleet_gpus,
                                sim_cost_breakdown_t *annual,
                                sim_diag_t *diag)
{
    memset(annual, 0, sizeof *annual);
    sim_err_t err = check_owned(cfg, diag);
    if (err != SIM_OK)
        return err;
    if (fleet_gpus < 1)
        return bad(diag, "cost.fleet_gpus", "expected at least 1 GPU",
                   (double)fleet_gpus);
    double servers = (double)servers_for(fleet_gpus, cfg->gpus_per_server);
    double server_capex = servers * cfg->server_capex_usd;
    /* network_share is the fabric's share of the whole cluster's capex
     * (Epoch: 19%), so the fabric costs s / (1 - s) of the servers. */
    double network_capex =
        server_capex * cfg->network_share / (1.0 - cfg->network_share);
    double watts = (double)fleet_gpus * cfg->gpu_tdp_w * cfg->power_load +
                   servers * cfg->host_power_w;
    annual->depreciation_usd = server_capex / cfg->depreciation_years;
    annual->network_usd = network_capex / cfg->depreciation_years;
    annual->power_usd = watts / 1000.0 * cfg->pue * SIM_COST_YEAR_H *
                        cfg->power_usd_per_kwh;
    annual->ops_usd = cfg->ops_share * (server_capex + network_capex);
    return SIM_OK;
}

double sim_cost_spot_rate_from_monthly(double f)
{
    if (!(f >= 0 && f < 1))
        return NAN;
    return -log1p(-f) / (SIM_COST_MONTH_H * HOUR_S);
}

/* Expected time to get x seconds done with no preemption inside it. */
static double segment_time(double x, double lambda, double restart_s)
{
    if (x <= 0)
        return 0;
    if (lambda == 0)
        return x;
    return expm1(lambda * x) * (1.0 / lambda + restart_s);
}

double sim_cost_spot_time(double work_s, double lambda, double interval_s,
                          double write_s, double restart_s)
{
    if (work_s <= 0)
        return 0;
    double tau = interval_s;
    if (tau <= 0) {
        if (lambda <= 0 || write_s <= 0)
            return segment_time(work_s, lambda, restart_s);
        tau = sqrt(2.0 * write_s / lambda); /* Young (1974) */
    }
    double full = floor(work_s / tau);
    double rest = work_s - full * tau;
    double t = full * segment_time(tau + write_s, lambda, restart_s) +
               segment_time(rest, lambda, restart_s);
    return isfinite(t) ? t : HUGE_VAL;
}

/* Fill the per-period figures shared by every mode. */
static void finish(const sim_cost_usage_t *u, sim_cost_result_t *r)
{
    r->cost_usd = sim_cost_breakdown_total(&r->breakdown);
    r->cost_per_month_usd = r->billed_s > 0
                                ? r->cost_usd * SIM_COST_MONTH_H * HOUR_S /
                                      r->billed_s
                                : NAN;
    r->cost_per_million_tokens_usd =
        u->tokens > 0 ? r->cost_usd / u->tokens * 1e6 : NAN;
    r->cost_per_model_usd = u->training ? r->cost_usd : NAN;
    r->gpu_hour_usd = r->billed_s > 0 ? r->cost_usd / ((double)u->gpus *
                                                       r->billed_s / HOUR_S)
                                      : NAN;
}

sim_err_t sim_cost_compute(const sim_cost_config_t *cfg,
                           const sim_cost_usage_t *usage,
                           sim_cost_result_t *out, sim_diag_t *diag)
{
    memset(out, 0, sizeof *out);
    out->pricing = cfg->pricing;
    snprintf(out->provider, sizeof out->provider, "%s", cfg->provider);
    out->cost_per_month_usd = NAN;
    out->cost_per_million_tokens_usd = NAN;
    out->cost_per_model_usd = NAN;
    out->gpu_hour_usd = NAN;

    if ((unsigned)cfg->pricing >= SIM_COST_PRICING__COUNT)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cost.pricing",
                            "unknown pricing mode %d", (int)cfg->pricing);
    sim_err_t err = check_usage(usage, diag);
    if (err != SIM_OK)
        return err;
    double gpus = (double)usage->gpus;
    double hours = usage->wall_s / HOUR_S;
    out->billed_s = usage->wall_s;

    switch (cfg->pricing) {
    case SIM_COST_ON_DEMAND:
    case SIM_COST_RESERVED_1Y:
    case SIM_COST_RESERVED_3Y:
        err = check_rented(cfg, diag);
        if (err != SIM_OK)
            return err;
        out->breakdown.rental_usd = cfg->gpu_hour_usd * gpus * hours;
        break;
    case SIM_COST_SPOT: {
        err = check_rented(cfg, diag);
        if (err != SIM_OK)
            return err;
        /* Any server reclaimed stops the synchronous job. */
        double lambda = cfg->spot_preemption_rate *
                        (double)servers_for(usage->gpus,
                                            cfg->gpus_per_server);
        double t = sim_cost_spot_time(usage->wall_s, lambda,
                                      cfg->spot_checkpoint_interval_s,
                                      cfg->spot_checkpoint_write_s,
                                      cfg->spot_restart_s);
        if (!isfinite(t))
            return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0,
                                "cost.spot_interruptions",
                                "spot preemptions (%.3g per hour across %g "
                                "servers) come faster than the job can "
                                "checkpoint: the expected time diverges",
                                lambda * HOUR_S,
                                (double)servers_for(usage->gpus,
                                                    cfg->gpus_per_server));
        out->billed_s = t;
        out->spot_overhead = usage->wall_s > 0 ? t / usage->wall_s - 1 : 0;
        out->breakdown.rental_usd = cfg->gpu_hour_usd * gpus * t / HOUR_S;
        break;
    }
    case SIM_COST_SERVERLESS: {
        err = check_rented(cfg, diag);
        if (err != SIM_OK)
            return err;
        double busy_s = gpus * usage->wall_s * usage->busy_fraction +
                        usage->cold_starts * cfg->serverless_cold_start_s;
        out->breakdown.rental_usd = cfg->gpu_hour_usd / HOUR_S * busy_s;
        break;
    }
    case SIM_COST_OWNED: {
        int64_t fleet = cfg->fleet_gpus > 0 ? cfg->fleet_gpus : usage->gpus;
        if (fleet < usage->gpus)
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "cost.fleet_gpus",
                                "the fleet (%lld GPUs) is smaller than the "
                                "run (%lld GPUs)", (long long)fleet,
                                (long long)usage->gpus);
        sim_cost_breakdown_t a;
        err = sim_cost_owned_annual(cfg, fleet, &a, diag);
        if (err != SIM_OK)
            return err;
        double share = gpus / (double)fleet * hours / SIM_COST_YEAR_H /
                       cfg->utilisation;
        out->breakdown.depreciation_usd = a.depreciation_usd * share;
        out->breakdown.network_usd = a.network_usd * share;
        out->breakdown.power_usd = a.power_usd * share;
        out->breakdown.ops_usd = a.ops_usd * share;
        break;
    }
    case SIM_COST_PRICING__COUNT:
    default:
        break; /* not reached: checked above */
    }
    finish(usage, out);
    return SIM_OK;
}

double sim_cost_breakeven_months(const sim_cost_config_t *owned,
                                 double rented_gpu_hour_usd,
                                 double busy_fraction)
{
    if (owned == NULL || !(isfinite(rented_gpu_hour_usd) &&
                           rented_gpu_hour_usd >= 0) ||
        !(busy_fraction >= 0 && busy_fraction <= 1))
        return NAN;
    int64_t fleet =
        owned->fleet_gpus > 0 ? owned->fleet_gpus : owned->gpus_per_server;
    sim_cost_breakdown_t a;
    if (sim_cost_owned_annual(owned, fleet, &a, NULL) != SIM_OK)
        return NAN;
    /* Capex back out of the depreciation lines. */
    double capex = (a.depreciation_usd + a.network_usd) *
                   owned->depreciation_years / (double)fleet;
    double running = (a.power_usd + a.ops_usd) / 12.0 / (double)fleet;
    double rent = rented_gpu_hour_usd * SIM_COST_MONTH_H * busy_fraction;
    if (rent <= running)
        return HUGE_VAL;
    return capex / (rent - running);
}

sim_err_t sim_cost_result_json(const sim_cost_result_t *r, json_t *obj)
{
    json_t *b = json_object();
    if (b == NULL)
        return SIM_ERR_NOMEM;
    sim_err_t err = SIM_OK;
    if (err == SIM_OK)
        err = sim_json_set_num(b, "compute_rental_usd",
                               r->breakdown.rental_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(b, "capex_depreciation_usd",
                               r->breakdown.depreciation_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(b, "power_usd", r->breakdown.power_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(b, "network_usd", r->breakdown.network_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(b, "ops_usd", r->breakdown.ops_usd);
    if (err != SIM_OK) {
        json_decref(b);
        return err;
    }
    err = sim_json_set_str(obj, "pricing", sim_cost_pricing_name(r->pricing));
    if (err == SIM_OK)
        err = sim_json_set_str(obj, "provider", r->provider);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "cost_usd", r->cost_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "cost_per_month_usd",
                               r->cost_per_month_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "cost_per_million_tokens_usd",
                               r->cost_per_million_tokens_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "cost_per_model_usd",
                               r->cost_per_model_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "gpu_hour_usd", r->gpu_hour_usd);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "billed_hours", r->billed_s / HOUR_S);
    if (err == SIM_OK)
        err = sim_json_set_num(obj, "spot_overhead", r->spot_overhead);
    if (err == SIM_OK)
        return sim_json_set_new(obj, "breakdown", b);
    json_decref(b);
    return err;
}
