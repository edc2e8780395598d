/*
 * runner.h — the commands that can run one scenario as a library call:
 * given a resolved scenario and a seed, fill a JSON result object, print
 * nothing.  `gpusim sweep` (and later the planner) runs variants through
 * them; each command's own CLI wraps the same function with its text
 * output, so a sweep's numbers are the command's numbers.
 *
 * Registering a command is one line: add X(name) to CLI_RUNNERS below and
 * define `const cli_runner_t cli_runner_<name>` beside the command
 * (sim/cli/cmd_<name>.c).
 *
 * Contract of run: sc is loaded against the runner's tables; seed is the
 * run's master seed (a sweep derives it per replication); result is an
 * empty object owned by the caller, which the run fills with numbers,
 * strings and nested objects (stored as metrics, flattened with '_') and
 * arrays (not stored as metrics); errors are returned with diag set, and
 * what was added to result before an error is discarded by the caller.
 * A run must be a pure function of (sc, seed): same inputs, same result.
 *
 * Hidden test runners (for tests/cli_sweep.sh only): with the environment
 * variable GPUSIM_TEST_RUNNERS=1, `sleep` also exists; it sleeps
 * GPUSIM_TEST_SLEEP_MS milliseconds (default 200) and returns the cluster's
 * gpus, its topology and a number derived from the seed.
 */
#ifndef SIM_CLI_RUNNER_H
#define SIM_CLI_RUNNER_H

#include <jansson.h>
#include <stdint.h>
#include <stddef.h>

#include "sim/config/scenario.h"
#include "sim/core/error.h"

typedef struct cli_runner {
    const char *name;
    const cfg_key_t *const *tables; /* scenario keys it reads, NULL-terminated */
    sim_err_t (*run)(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                     sim_diag_t *diag);
} cli_runner_t;

/* The registered runners, in the order `gpusim sweep --help` lists them. */
#define CLI_RUNNERS(X) X(topo) X(collective) X(cluster) X(serve) X(train)

#define CLI_RUNNER_DECLARE(name) extern const cli_runner_t cli_runner_##name;
CLI_RUNNERS(CLI_RUNNER_DECLARE)
#undef CLI_RUNNER_DECLARE

/* The runner called name, or NULL when there is none.  name non-NULL.
 * O(runners). */
const cli_runner_t *cli_runner_find(const char *name);

/* The registered names, separated by ", ", into buf of size n (truncated
 * to fit).  Returns buf. */
char *cli_runner_names(char *buf, size_t n);

#endif /* SIM_CLI_RUNNER_H */
