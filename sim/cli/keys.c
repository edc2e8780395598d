/*
 * keys.c — composition of the scenario key tables (keys.h).
 */
#include "sim/cli/keys.h"

#include "sim/config/keys.h"

const cfg_key_t *const cli_tables_cluster[] = {cfg_keys_cluster, cfg_keys_run, NULL};

const cfg_key_t *const cli_tables_all[] = {cfg_keys_cluster, cfg_keys_run, NULL};

int cli_print_keys_reference(FILE *out)
{
    if (cfg_keys_reference(cli_tables_all, out, CFG_REF_MARKDOWN) != SIM_OK ||
        fflush(out) != 0) {
        fprintf(stderr, "gpusim: cannot write the key reference\n");
        return 2;
    }
    return 0;
}
