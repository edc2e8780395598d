/*
 * main.c — the gpusim program: global options and subcommand dispatch.
 *
 * Global: --help (lists only commands that work), --version, --help-keys
 * (the scenario key reference, Markdown).  Everything else belongs to a
 * subcommand (sim/cli/cmd_*.c).  Before any command runs, GSL's and
 * igraph's abort-on-error handlers are replaced so that no library can end
 * the program behind our back, and SIGPIPE is ignored so a closed pipe is a
 * checked write error rather than a silent death.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/engine/libguard.h"

const cli_command_t cli_commands[] = {
    {"topo", "build a topology; print its summary; export GraphML/DOT", cli_cmd_topo},
    {"collective", "simulate one NCCL-style collective (or a size sweep) on a topology", cli_cmd_collective},
    {"train", "simulate a training iteration: time, MFU, memory, time and cost to train, goodput", cli_cmd_train},
    {"serve", "simulate an inference service: latency, SLO, autoscaling, cost", cli_cmd_serve},
    {"cluster", "replay a multi-job trace on a shared cluster under a scheduler", cli_cmd_cluster},
    {"plan", "find the cheapest configuration meeting a deadline, SLO or queueing target", cli_cmd_plan},
    {"sweep", "run the cartesian product of --vary KEY=V1,V2,...; resumable; MPI-aware", cli_cmd_sweep},
    {"report", "charts and an HTML report from a results store", cli_cmd_report},
    {"calibrate", "fit a device profile from kernel timings (or run the kernel benchmark first)", cli_cmd_calibrate},
    {"validate", "compare predictions with reference measurements; exit 1 past tolerance", cli_cmd_validate},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gpusim COMMAND [OPTIONS]\n"
            "       gpusim --help | --version | --help-keys\n\n"
            "gpusim simulates GPU clusters (training, serving, shared clusters)\n"
            "and plans their capacity.\n\ncommands:\n");
    for (const cli_command_t *c = cli_commands; c->name != NULL; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'gpusim COMMAND --help' for a command's options;\n"
                 "'gpusim --help-keys' for every scenario key with its default.\n");
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    sim_lib_guard_install();

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help-keys") == 0)
        return cli_print_keys_reference(stdout);
    for (const cli_command_t *c = cli_commands; c->name != NULL; c++)
        if (strcmp(c->name, cmd) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "gpusim: unknown command '%s' (see 'gpusim --help')\n", cmd);
    return 2;
}
