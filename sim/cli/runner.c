/*
 * runner.c — the registry of runners (runner.h) and the hidden test runner
 * `sleep`, which lets tests interrupt a sweep in the middle.
 */
#include "sim/cli/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/keys.h"
#include "sim/core/jsonout.h"

#define CLI_RUNNER_ENTRY(name) &cli_runner_##name,
static const cli_runner_t *const runners[] = {CLI_RUNNERS(CLI_RUNNER_ENTRY) NULL};
#undef CLI_RUNNER_ENTRY

/* sleep: a stand-in for a slow model, for crash-and-resume tests. */
static sim_err_t sleep_run(const cfg_scenario_t *sc, uint64_t seed,
                           json_t *result, sim_diag_t *diag)
{
    const char *ms_env = getenv("GPUSIM_TEST_SLEEP_MS");
    long ms = ms_env != NULL ? strtol(ms_env, NULL, 10) : 200;
    if (ms > 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    sim_err_t err = sim_json_set_int(result, "gpus", cfg_get_int(sc, "cluster.gpus"));
    if (err == SIM_OK)
        err = sim_json_set_str(result, "topology", cfg_get_str(sc, "cluster.topology"));
    if (err == SIM_OK)
        err = sim_json_set_num(result, "draw", (double)(seed % 1000003u) / 1000003.0);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, NULL, 0, NULL, "out of memory");
    return SIM_OK;
}

static const cli_runner_t sleep_runner = {"sleep", cli_tables_cluster, sleep_run};

const cli_runner_t *cli_runner_find(const char *name)
{
    for (size_t i = 0; runners[i] != NULL; i++)
        if (strcmp(runners[i]->name, name) == 0)
            return runners[i];
    const char *test = getenv("GPUSIM_TEST_RUNNERS");
    if (test != NULL && strcmp(test, "1") == 0 && strcmp(name, sleep_runner.name) == 0)
        return &sleep_runner;
    return NULL;
}

char *cli_runner_names(char *buf, size_t n)
{
    size_t used = 0;
    if (n > 0)
        buf[0] = '\0';
    for (size_t i = 0; runners[i] != NULL && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i > 0 ? ", " : "", runners[i]->name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}
