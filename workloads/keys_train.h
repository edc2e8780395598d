/*
 * keys_train.h — the [model], [parallel] and [train] key tables of
 * training scenarios, and the readers that turn a loaded scenario into a
 * wl_model_t and a validated wl_parallel_t.
 *
 * Compose the tables with the others the command needs:
 *   const cfg_key_t *const tables[] = {cfg_keys_cluster, wl_keys_model,
 *       wl_keys_parallel, wl_keys_train, NULL};
 *
 * Assumes: the scenario was loaded with these three tables.
 */
#ifndef WL_KEYS_TRAIN_H
#define WL_KEYS_TRAIN_H

#include "sim/config/scenario.h"
#include "sim/config/schema.h"
#include "workloads/model_catalog.h"
#include "workloads/parallel.h"

extern const cfg_key_t wl_keys_model[];
extern const cfg_key_t wl_keys_parallel[];
extern const cfg_key_t wl_keys_train[];

/*
 * The model of a scenario: model.name from cat (or "custom", which needs
 * layers, hidden, heads, ffn_hidden and vocab given), with every shape key
 * that is not "auto" overriding the catalog value; then validated.
 * Errors: SIM_ERR_NOTFOUND (unknown name), SIM_ERR_INPUT (custom without a
 * required key), SIM_ERR_RANGE (invalid shape), with diag naming the
 * scenario file:line:key.  Cost: O(catalog size).
 */
sim_err_t wl_model_from_scenario(const cfg_scenario_t *sc,
                                 const wl_model_catalog_t *cat,
                                 wl_model_t *out, sim_diag_t *diag);

/*
 * The plan of a scenario for model m (validated) on gpus GPUs (0: dp must
 * be given and fixes the count), validated with wl_parallel_validate;
 * errors name the scenario file:line of the key at fault.  *reserve (may
 * be NULL) gets train.memory_reserve in bytes.  Cost: O(1).
 */
sim_err_t wl_parallel_from_scenario(const cfg_scenario_t *sc,
                                    const wl_model_t *m, int gpus,
                                    wl_parallel_t *out, double *reserve,
                                    sim_diag_t *diag);

#endif /* WL_KEYS_TRAIN_H */
