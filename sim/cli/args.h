/*
 * args.h — declarative command-line options for gpusim's subcommands.
 *
 * Every subcommand declares its options as a table (long name, argument
 * kind, where to store it, help text) and appends the common options that
 * DESIGN.md's contract requires of every subcommand: --help, --seed, --set,
 * --json, --db.  One parser serves all, so errors and --help read the same
 * everywhere.  Only long options (and -h) are accepted; `--opt=value` and
 * `--opt value` both work.
 *
 * Assumes: argv outlives the parsed result (strings are borrowed, not copied).
 */
#ifndef SIM_CLI_ARGS_H
#define SIM_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/error.h"

typedef enum cli_arg_kind {
    CLI_FLAG,   /* no argument; sets a bool */
    CLI_STRING, /* one argument; stores const char * */
    CLI_INT,    /* one argument; stores long, checked */
    CLI_U64,    /* one argument; stores uint64_t, checked */
    CLI_DOUBLE, /* one argument; stores double, checked */
    CLI_LIST,   /* one argument, repeatable; appends to a cli_list_t */
    CLI_SET     /* one argument: shorthand for --set KEY=VALUE, with KEY the
                   option's dest (a const char *, e.g. "cluster.gpus") */
} cli_arg_kind_t;

/* A repeatable option's values, in the order given. */
typedef struct cli_list {
    const char **items;
    int n;
    int cap;
} cli_list_t;

typedef struct cli_opt {
    const char *name;      /* long name without dashes, e.g. "seed" */
    cli_arg_kind_t kind;
    void *dest;            /* bool*, const char**, long*, uint64_t*, double*, cli_list_t* */
    const char *metavar;   /* e.g. "FILE"; NULL for flags */
    const char *help;      /* one line */
    bool *given;           /* optional: set true when the option appears */
} cli_opt_t;

/* The options every subcommand takes. */
typedef struct cli_common {
    bool help;
    bool json;
    uint64_t seed;
    bool seed_given;
    cli_list_t sets;       /* --set section.key=value, repeatable */
    cli_list_t shortcuts;  /* "key=value" from CLI_SET options (owned);
                              applied before sets, so --set wins */
    const char *db_path;   /* --db FILE, NULL if absent */
    const char *report_dir;/* --report DIR, NULL if absent */
    const char *scenario;  /* --scenario FILE, NULL if absent */
} cli_common_t;

/*
 * Parse argv[first..argc) against opts (terminated by an entry whose name is
 * NULL) followed by the common options.  Positional arguments are refused
 * unless positional != NULL, in which case they are appended to it.
 * On error returns SIM_ERR_USAGE with the message in diag.
 * The caller frees list storage with cli_common_release / cli_list_release.
 */
sim_err_t cli_parse(int argc, char **argv, int first, const cli_opt_t *opts,
                    cli_common_t *common, cli_list_t *positional,
                    sim_diag_t *diag);

/* Print "usage: gpusim CMD SYNOPSIS", the description and an option table
 * (command options, then common ones) to out. */
void cli_print_help(FILE *out, const char *cmd, const char *synopsis,
                    const char *description, const cli_opt_t *opts);

/* The scenario overrides the command line gives, in the order they apply
 * (CLI_SET shorthands, then --set), as a new NULL-terminated array of
 * borrowed strings (free() the array only).  NULL when out of memory. */
const char **cli_common_overrides(const cli_common_t *common);

void cli_list_release(cli_list_t *list);
void cli_common_release(cli_common_t *common);

#endif /* SIM_CLI_ARGS_H */
