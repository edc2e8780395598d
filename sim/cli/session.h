/*
 * session.h — what every gpusim subcommand does around its model run.
 *
 * A session parses the command line (command options + the common ones),
 * loads the scenario (file, defaults, --set overrides) against the key
 * tables the command reads, resolves the seed (--seed wins over run.seed),
 * opens the results store when --db is given and records the run, collects
 * the command's results in one JSON object, and at the end either prints
 * that object (--json: exactly one object on stdout, nothing else there) or
 * leaves the text output to the command.  The numbers and strings of the
 * result object (nested objects flattened with '_': switches.tor becomes
 * switches_tor) are stored as the run's metrics, so the store and the JSON
 * never disagree.
 *
 * Error reporting: "gpusim CMD: file:line: key: what was expected" on
 * stderr, exit status from sim_err_exit_status.  A failed run is marked
 * failed in the store; what earlier runs wrote is never touched.  A failed
 * check (SIM_ERR_CHECK: validation past its tolerance) is a complete
 * result: recorded (status "check-failed"), reported and printed like a
 * success, then exit status 1.
 */
#ifndef SIM_CLI_SESSION_H
#define SIM_CLI_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/cli/args.h"
#include "sim/config/scenario.h"
#include "sim/core/error.h"
#include "sim/store/store.h"

typedef struct cli_session {
    const char *command;
    cli_common_t common;
    cli_list_t positional;
    cfg_scenario_t *scenario;
    uint64_t seed;
    sim_store_t *store;   /* NULL without --db */
    int64_t run_id;       /* 0 without --db */
    json_t *result;       /* the command's result object; owned */
    double t_start;       /* monotonic seconds */
    sim_diag_t diag;
} cli_session_t;

/* Description of a command for parsing and --help. */
typedef struct cli_command_spec {
    const char *name;
    const char *synopsis;
    const char *description;
    const cli_opt_t *opts;          /* command options, NULL-terminated table */
    const cfg_key_t *const *tables; /* scenario keys it reads, NULL-terminated */
    bool positional;                /* accepts positional arguments */
} cli_command_spec_t;

/* Outcome of cli_session_open. */
typedef enum cli_open {
    CLI_OPEN_RUN,   /* go on: the session is open */
    CLI_OPEN_EXIT,  /* --help printed or an error reported: return *status */
} cli_open_t;

/*
 * Parse argv and open the session.  Shorthand options (CLI_SET, such as
 * --gpus) apply before the user's --set.  On CLI_OPEN_EXIT the session is
 * already released and *status holds the exit status.
 */
cli_open_t cli_session_open(cli_session_t *s, const cli_command_spec_t *spec,
                            int argc, char **argv, int *status);

/* Parse only (no scenario): for commands that take no scenario.  Same
 * contract as cli_session_open. */
cli_open_t cli_session_parse(cli_session_t *s, const cli_command_spec_t *spec,
                             int argc, char **argv, int *status);

/*
 * Load the scenario and open the store for a session opened with
 * cli_session_parse.  Returns SIM_OK or an error recorded in s->diag.
 */
sim_err_t cli_session_start(cli_session_t *s, const cfg_key_t *const *tables);

/*
 * Finish: on success (err == SIM_OK) store the result's top-level metrics,
 * end the run, print the JSON when --json; on failure report s->diag (or
 * err's message) on stderr and mark the run failed.  Releases everything.
 * Returns the exit status.
 */
int cli_session_close(cli_session_t *s, sim_err_t err);

/* Store a time series for this run (no-op without --db). */
sim_err_t cli_session_series(cli_session_t *s, const char *name,
                             const double *t, const double *v, size_t n);

/* Print "gpusim CMD: <diag>" to stderr; returns the exit status for err. */
int cli_report_error(const char *command, sim_err_t err, const sim_diag_t *diag);

#endif /* SIM_CLI_SESSION_H */
