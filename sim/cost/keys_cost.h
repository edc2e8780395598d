/*
 * keys_cost.h — the [cost] scenario key table and its reader: turns a
 * resolved scenario plus the price and hardware catalogs into a
 * sim_cost_config_t for cost.h.
 */
#ifndef SIM_COST_KEYS_COST_H
#define SIM_COST_KEYS_COST_H

#include "sim/config/scenario.h"
#include "sim/config/schema.h"
#include "sim/cost/cost.h"
#include "sim/cost/prices.h"
#include "workloads/hwcat.h"

/* [cost]: pricing mode, provider, prices, spot, serverless and owned-fleet
 * parameters.  Terminated by CFG_KEY_END. */
extern const cfg_key_t cfg_keys_cost[];

/* Choices of cost.pricing, NULL-terminated, in sim_cost_pricing_t order. */
extern const char *const sim_cost_pricing_choices[];

/*
 * Fill *cfg from the [cost] keys of sc (a scenario composed with
 * cfg_keys_cost), resolving every "auto" from the catalogs: the price from
 * prices (provider auto = the first offer in file order pricing gpu_name
 * under the mode), the TDP from cat.  gpu_name is a hardware-catalog name
 * or alias.  cost.gpus_per_server = auto takes the owned server's GPUs for
 * owned pricing, else cluster.gpus_per_node when sc declares it, else 8.
 * Returns SIM_OK; SIM_ERR_NOTFOUND (unknown GPU, no such price: diag
 * names the key and its file:line); SIM_ERR_INPUT (provider custom with
 * an auto price).  Cost: O(catalog size).
 */
sim_err_t sim_cost_config_resolve(const cfg_scenario_t *sc,
                                  const wl_hwcat_t *cat,
                                  const sim_cost_prices_t *prices,
                                  const char *gpu_name,
                                  sim_cost_config_t *cfg, sim_diag_t *diag);

/* As sim_cost_config_resolve with the embedded catalogs, loaded and freed
 * inside (errors of wl_hwcat_load and sim_cost_prices_load too). */
sim_err_t sim_cost_config_from_scenario(const cfg_scenario_t *sc,
                                        const char *gpu_name,
                                        sim_cost_config_t *cfg,
                                        sim_diag_t *diag);

#endif /* SIM_COST_KEYS_COST_H */
