/*
 * keys.h — the scenario key tables each command reads, composed in one
 * place so `gpusim --help-keys` (and the README's generated reference)
 * lists every key that any command accepts.
 */
#ifndef SIM_CLI_KEYS_H
#define SIM_CLI_KEYS_H

#include <stdio.h>

#include "sim/config/schema.h"

/* Keys of a hardware-only command (topo, collective): [cluster], [run]. */
extern const cfg_key_t *const cli_tables_cluster[];

/* Keys of `gpusim collective`: [cluster], [collective], [run]. */
extern const cfg_key_t *const cli_tables_collective[];

/* Every table of every command, NULL-terminated. */
extern const cfg_key_t *const cli_tables_all[];

/* Write the Markdown key reference to out; returns the exit status. */
int cli_print_keys_reference(FILE *out);

#endif /* SIM_CLI_KEYS_H */
