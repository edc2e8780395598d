/*
 * keys.c — composition of the scenario key tables (keys.h).
 */
#include "sim/cli/keys.h"

#include "sim/config/keys.h"
#include "sim/cost/keys_cost.h"
#include "sim/faults/keys_faults.h"
#include "sim/serve/keys_serve.h"
#include "sim/net/keys_collective.h"
#include "sim/cluster/keys.h"
#include "sim/train/keys_sim.h"
#include "workloads/keys_train.h"

const cfg_key_t *const cli_tables_cluster[] = {cfg_keys_cluster, cfg_keys_run, NULL};

const cfg_key_t *const cli_tables_collective[] = {cfg_keys_cluster, sim_coll_keys, cfg_keys_run,
                                                  NULL};

const cfg_key_t *const cli_tables_all[] = {cfg_keys_cluster, sim_coll_keys, sim_cluster_keys,
                                           cfg_keys_run, sim_serve_keys_service,
                                           sim_serve_keys_traffic, sim_serve_keys_slo,
                                           sim_serve_keys_autoscale, wl_keys_model,
                                           wl_keys_parallel, wl_keys_train, sim_train_keys,
                                           cfg_keys_faults, cfg_keys_cost, NULL};

int cli_print_keys_reference(FILE *out)
{
    if (cfg_keys_reference(cli_tables_all, out, CFG_REF_MARKDOWN) != SIM_OK ||
        fflush(out) != 0) {
        fprintf(stderr, "gpusim: cannot write the key reference\n");
        return 2;
    }
    return 0;
}
