/*
 * keys_cost.c — the [cost] key table (pricing mode, prices, spot,
 * serverless, owned fleet) and the reader that turns it into a
 * sim_cost_config_t.
 *
 * Sources of defaults (tags as in the project's research notes,
 * catalog-facts.md §3.4 and §4; reproduced in workloads/catalog/SOURCE.md):
 *   [S28] Epoch AI training-cost-trends energy.py: PUE 1.25 outside
 *     hyperscalers (1.1 hyperscale), average server power 0.75 of peak,
 *     US industrial electricity $0.0806/kWh (EIA, 2023).
 *   [S58] Meta research clusters: 83-85% utilisation.
 *   [S64] Daly, FGCS 2006: test vectors with checkpoint write 5 min and
 *     restart 10 min; Young, CACM 1974: optimum interval sqrt(2 δ M).
 *   [S72] Epoch: the interconnect is 19% of a cluster's cost.
 *   [S77] [S78] server useful lives: Amazon back to 5 years for a subset
 *     from 2025 citing AI's pace; Meta 5 years; Microsoft/Alphabet 6.
 * Two defaults have no source and say so in their doc line: ops_share
 * (staff, support, spares) and serverless_cold_start.
 */
#include "sim/cost/keys_cost.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const sim_cost_pricing_choices[] = {
    "on-demand", "reserved-1y", "reserved-3y", "spot", "serverless",
    "owned", NULL,
};

#define MAX_GPUS 1048576

const cfg_key_t cfg_keys_cost[] = {
    {"cost", "pricing", CFG_ENUM, "on-demand", 0, 0,
     sim_cost_pricing_choices, 0,
     "how the GPUs are paid for: on-demand, reserved-1y, reserved-3y, spot "
     "(interruptible; preemptions lengthen the run), serverless (billed per "
     "busy second) or owned (servers bought and depreciated)"},
    {"cost", "provider", CFG_STRING, "auto", 0, 0, NULL, CFG_F_AUTO,
     "offer in the price catalog (workloads/catalog/prices.ini): aws, gcp, "
     "azure, lambda, oracle, aws-cb, runpod, modal, deepseek; auto = the "
     "first offer pricing the GPU under the mode; custom = no catalog "
     "(give gpu_hour_usd)"},
    {"cost", "gpu_hour_usd", CFG_DOUBLE, "auto", 0, 1e4, NULL, CFG_F_AUTO,
     "price in USD per GPU-hour (serverless: per busy GPU-hour); auto = the "
     "catalog's price, e.g. $12.29 AWS p5 on-demand (2025-03) or $2 for "
     "H800 as assumed by DeepSeek-V3"},
    {"cost", "spot_interruptions", CFG_RATIO, "auto", 0, 0.99, NULL,
     CFG_F_AUTO,
     "spot: share of servers reclaimed per month (730 h), as AWS's Spot "
     "Instance Advisor states it; auto = the catalog's (AWS p5: 10-20% "
     "band, 2025-05)"},
    {"cost", "spot_checkpoint_interval", CFG_TIME, "auto", 1, 1e8, NULL,
     CFG_F_AUTO,
     "spot: useful work between checkpoints; auto = Young's optimum "
     "sqrt(2 x write time x mean time between preemptions) (CACM 1974)"},
    {"cost", "spot_checkpoint_write", CFG_TIME, "5min", 0, 86400, NULL, 0,
     "spot: time to write one checkpoint; 5 min as in Daly's test vectors "
     "(FGCS 2006)"},
    {"cost", "spot_restart", CFG_TIME, "10min", 0, 86400, NULL, 0,
     "spot: time from a preemption to useful work again (new capacity, "
     "reload); 10 min as in Daly's test vectors (FGCS 2006)"},
    {"cost", "serverless_cold_start", CFG_TIME, "30s", 0, 3600, NULL, 0,
     "serverless: billed seconds per GPU cold start (container start and "
     "weight load); 30 s is an assumption, not sourced"},
    {"cost", "gpus_per_server", CFG_INT, "auto", 1, 64, NULL, CFG_F_AUTO,
     "GPUs per server (spot preemptions and capex come per server); auto = "
     "the owned server's in prices.ini for owned pricing, else "
     "cluster.gpus_per_node, else 8 (HGX/DGX)"},
    {"cost", "server_capex_usd", CFG_DOUBLE, "auto", 0, 1e8, NULL,
     CFG_F_AUTO,
     "owned: price of one server without the fabric; auto = prices.ini "
     "(DGX H100 ~$270,000, SemiAnalysis 2023; DGX A100 $199,000 at launch)"},
    {"cost", "host_power", CFG_POWER, "auto", 0, 1e5, NULL, CFG_F_AUTO,
     "owned: power of a server beyond its GPUs at full load; auto = "
     "prices.ini (DGX H100: 10.2 kW - 8 x 700 W = 4.6 kW, Epoch)"},
    {"cost", "depreciation_years", CFG_DOUBLE, "5", 0.5, 30, NULL, 0,
     "owned: straight-line depreciation period; 5 years as Amazon (back to "
     "5 for a subset from 2025, citing AI's pace) and Meta"},
    {"cost", "network_share", CFG_RATIO, "19%", 0, 0.9, NULL, 0,
     "owned: the fabric's share of the whole cluster's capex; 19% (Epoch "
     "AI cluster cost breakdown)"},
    {"cost", "ops_share", CFG_RATIO, "5%", 0, 1, NULL, 0,
     "owned: staff, support and spares per year as a share of capex; 5% is "
     "an assumption, not sourced"},
    {"cost", "power_usd_per_kWh", CFG_DOUBLE, "0.0806", 0, 10, NULL, 0,
     "owned: electricity tariff, USD per kWh; $0.0806 = US industrial "
     "average 2023 (EIA via Epoch)"},
    {"cost", "pue", CFG_DOUBLE, "1.25", 1, 5, NULL, 0,
     "owned: power usage effectiveness (facility / IT power); 1.25 = Epoch's "
     "default outside hyperscalers (1.1 hyperscale; industry ~1.56, Uptime "
     "Institute 2024)"},
    {"cost", "power_load", CFG_RATIO, "0.75", 0, 1, NULL, 0,
     "owned: mean GPU power as a share of TDP; 0.75 = Epoch's average "
     "server power during training"},
    {"cost", "utilisation", CFG_RATIO, "1", 0.01, 1, NULL, 0,
     "owned: busy share of the fleet; idle capacity is paid for by the busy "
     "hours (1 = dedicated; Meta's research clusters ran at 83-85%)"},
    {"cost", "fleet_gpus", CFG_INT, "auto", 1, MAX_GPUS, NULL, CFG_F_AUTO,
     "owned: GPUs in the fleet whose cost the run shares; auto = the run's "
     "GPUs"},
    CFG_KEY_END,
};

/* Attach the key's origin (file:line) to an error of a catalog lookup. */
static sim_err_t at_key(const cfg_scenario_t *sc, const char *key,
                        sim_err_t code, const char *msg, sim_diag_t *diag)
{
    const char *file = "";
    int line = 0;
    if (cfg_has_key(sc, key))
        cfg_origin(sc, key, &file, &line);
    return sim_diag_set(diag, code, file, line, key, "%s", msg);
}

/* The offer for the mode, looked up once; the error names key. */
static sim_err_t need_offer(const cfg_scenario_t *sc,
                            const sim_cost_prices_t *prices,
                            const char *provider, const char *gpu,
                            sim_cost_pricing_t mode, const char *key,
                            const sim_cost_offer_t **offer, sim_diag_t *diag)
{
    if (*offer != NULL)
        return SIM_OK;
    if (mode != SIM_COST_OWNED && strcmp(provider, "custom") == 0) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "is auto but cost.provider = custom has no catalog; give "
                 "%s a value", key);
        return at_key(sc, key, SIM_ERR_INPUT, msg, diag);
    }
    sim_diag_t local = SIM_DIAG_INIT;
    sim_err_t err =
        sim_cost_prices_lookup(prices, provider, gpu, mode, offer, &local);
    if (err != SIM_OK)
        return at_key(sc, key, err, local.msg, diag);
    return SIM_OK;
}

static sim_err_t resolve_rented(const cfg_scenario_t *sc,
                                const sim_cost_prices_t *prices,
                                const char *gpu, sim_cost_config_t *cfg,
                                sim_diag_t *diag)
{
    const sim_cost_offer_t *offer = NULL;
    sim_err_t err;
    /* A named provider must exist even when the price is given, so that a
     * misspelt name is not recorded as if it were an offer. */
    if (strcmp(cfg->provider, "auto") != 0 &&
        strcmp(cfg->provider, "custom") != 0 &&
        sim_cost_prices_find(prices, cfg->provider, gpu) == NULL) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "no offer '%.64s' for GPU '%.64s' in prices.ini; use auto, "
                 "custom or a provider listed there", cfg->provider, gpu);
        return at_key(sc, "cost.provider", SIM_ERR_NOTFOUND, msg, diag);
    }
    if (cfg_is_auto(sc, "cost.gpu_hour_usd")) {
        err = need_offer(sc, prices, cfg->provider, gpu, cfg->pricing,
                         "cost.gpu_hour_usd", &offer, diag);
        if (err != SIM_OK)
            return err;
        cfg->gpu_hour_usd = offer->price[cfg->pricing];
        /* record the offer taken, not "auto" */
        snprintf(cfg->provider, sizeof cfg->provider, "%s", offer->provider);
        if (cfg->pricing == SIM_COST_SERVERLESS)
            cfg->gpu_hour_usd *= 3600.0;
    } else {
        cfg->gpu_hour_usd = cfg_get_double(sc, "cost.gpu_hour_usd");
    }
    if (cfg->pricing != SIM_COST_SPOT)
        return SIM_OK;

    double f;
    if (cfg_is_auto(sc, "cost.spot_interruptions")) {
        err = need_offer(sc, prices, cfg->provider, gpu, SIM_COST_SPOT,
                         "cost.spot_interruptions", &offer, diag);
        if (err != SIM_OK)
            return err;
        f = offer->spot_interruptions;
        if (isnan(f)) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "is auto but [%s.%s] in prices.ini gives no "
                     "spot_interruptions; give a share per month such as "
                     "15%%", offer->provider, offer->gpu);
            return at_key(sc, "cost.spot_interruptions", SIM_ERR_NOTFOUND,
                          msg, diag);
        }
    } else {
        f = cfg_get_double(sc, "cost.spot_interruptions");
    }
    cfg->spot_preemption_rate = sim_cost_spot_rate_from_monthly(f);
    cfg->spot_checkpoint_interval_s =
        cfg_is_auto(sc, "cost.spot_checkpoint_interval")
            ? 0
            : cfg_get_time_s(sc, "cost.spot_checkpoint_interval");
    return SIM_OK;
}

static sim_err_t resolve_owned(const cfg_scenario_t *sc,
                               const sim_cost_prices_t *prices,
                               const char *gpu, sim_cost_config_t *cfg,
                               sim_diag_t *diag)
{
    const sim_cost_offer_t *offer = NULL;
    static const char *const autos[] = {"cost.server_capex_usd",
                                        "cost.host_power",
                                        "cost.gpus_per_server"};
    /* The server size alone may fall back (see sim_cost_config_resolve);
     * capex and host power have no fallback. */
    if (sim_cost_prices_lookup(prices, NULL, gpu, SIM_COST_OWNED, &offer,
                               NULL) != SIM_OK)
        offer = NULL;
    for (size_t i = 0; i < 2; i++)
        if (cfg_is_auto(sc, autos[i])) {
            sim_err_t err = need_offer(sc, prices, cfg->provider, gpu,
                                       SIM_COST_OWNED, autos[i], &offer,
                                       diag);
            if (err != SIM_OK)
                return err;
        }
    cfg->server_capex_usd = offer && cfg_is_auto(sc, autos[0])
                                ? offer->server_capex_usd
                                : cfg_get_double(sc, autos[0]);
    cfg->host_power_w = offer && cfg_is_auto(sc, autos[1])
                            ? offer->host_power_w
                            : cfg_get_double(sc, autos[1]);
    if (offer && cfg_is_auto(sc, autos[2]))
        cfg->gpus_per_server = offer->gpus_per_server;
    snprintf(cfg->provider, sizeof cfg->provider, "%s",
             SIM_COST_OWNED_PROVIDER);
    return SIM_OK;
}

sim_err_t sim_cost_config_resolve(const cfg_scenario_t *sc,
                                  const wl_hwcat_t *cat,
                                  const sim_cost_prices_t *prices,
                                  const char *gpu_name,
                                  sim_cost_config_t *cfg, sim_diag_t *diag)
{
    memset(cfg, 0, sizeof *cfg);
    const wl_gpu_t *g = NULL;
    sim_diag_t local = SIM_DIAG_INIT;
    if (wl_hwcat_lookup(cat, gpu_name, &g, &local) != SIM_OK) {
        const char *key = cfg_has_key(sc, "cluster.gpu") ? "cluster.gpu"
                                                         : "";
        const char *file = "";
        int line = 0;
        if (key[0] != '\0')
            cfg_origin(sc, key, &file, &line);
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, file, line, key, "%s",
                            local.msg);
    }
    snprintf(cfg->gpu, sizeof cfg->gpu, "%s", g->name);
    cfg->gpu_tdp_w = g->tdp_w;
    cfg->pricing = (sim_cost_pricing_t)cfg_get_enum(sc, "cost.pricing");
    snprintf(cfg->provider, sizeof cfg->provider, "%s",
             cfg_get_str(sc, "cost.provider"));

    if (!cfg_is_auto(sc, "cost.gpus_per_server"))
        cfg->gpus_per_server = (int)cfg_get_int(sc, "cost.gpus_per_server");
    else if (cfg_has_key(sc, "cluster.gpus_per_node"))
        cfg->gpus_per_server = (int)cfg_get_int(sc, "cluster.gpus_per_node");
    else
        cfg->gpus_per_server = 8; /* HGX/DGX baseboard [S27] */
    cfg->spot_checkpoint_write_s =
        cfg_get_time_s(sc, "cost.spot_checkpoint_write");
    cfg->spot_restart_s = cfg_get_time_s(sc, "cost.spot_restart");
    cfg->serverless_cold_start_s =
        cfg_get_time_s(sc, "cost.serverless_cold_start");
    cfg->depreciation_years = cfg_get_double(sc, "cost.depreciation_years");
    cfg->network_share = cfg_get_double(sc, "cost.network_share");
    cfg->ops_share = cfg_get_double(sc, "cost.ops_share");
    cfg->power_usd_per_kwh = cfg_get_double(sc, "cost.power_usd_per_kWh");
    cfg->pue = cfg_get_double(sc, "cost.pue");
    cfg->power_load = cfg_get_double(sc, "cost.power_load");
    cfg->utilisation = cfg_get_double(sc, "cost.utilisation");
    cfg->fleet_gpus = cfg_is_auto(sc, "cost.fleet_gpus")
                          ? 0
                          : cfg_get_int(sc, "cost.fleet_gpus");
    cfg->server_capex_usd = NAN;
    cfg->host_power_w = NAN;
    cfg->gpu_hour_usd = NAN;

    if (cfg->pricing == SIM_COST_OWNED)
        return resolve_owned(sc, prices, g->name, cfg, diag);
    return resolve_rented(sc, prices, g->name, cfg, diag);
}

sim_err_t sim_cost_config_from_scenario(const cfg_scenario_t *sc,
                                        const char *gpu_name,
                                        sim_cost_config_t *cfg,
                                        sim_diag_t *diag)
{
    wl_hwcat_t *cat = NULL;
    sim_cost_prices_t *prices = NULL;
    sim_err_t err = wl_hwcat_load(&cat, diag);
    if (err == SIM_OK)
        err = sim_cost_prices_load(&prices, diag);
    if (err == SIM_OK)
        err = sim_cost_config_resolve(sc, cat, prices, gpu_name, cfg, diag);
    sim_cost_prices_free(prices);
    wl_hwcat_free(cat);
    return err;
}
