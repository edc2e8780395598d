/*
 * commands.h — the gpusim subcommands.  Each lives in sim/cli/cmd_<name>.c
 * and returns the process exit status (0 ok, 1 failed check, 2 usage/input).
 * argv[0] is the subcommand's name.
 */
#ifndef SIM_CLI_COMMANDS_H
#define SIM_CLI_COMMANDS_H

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command_t;

/* The commands that work, in the order --help lists them; NULL-terminated. */
extern const cli_command_t cli_commands[];

int cli_cmd_topo(int argc, char **argv);
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_calibrate(int argc, char **argv);
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
int cli_cmd_sweep(int argc, char **argv);
int cli_cmd_collective(int argc, char **argv);
int cli_cmd_cluster(int argc, char **argv);
int cli_cmd_train(int argc, char **argv);
int cli_cmd_plan(int argc, char **argv);

#endif /* SIM_CLI_COMMANDS_H */
