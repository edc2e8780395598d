/*
 * cmd_plan.c — `gpusim plan`: the capacity planner.  Reads the scenario's
 * [plan] section, picks the command the target simulates (train-deadline:
 * train, serve-slo: serve, queue-delay: cluster) through its runner
 * (runner.h), and hands the search to sim/plan/plan.h.  With --db the
 * store's cache holds every simulated configuration, so a rerun simulates
 * nothing it already has.
 *
 * Output: text (counts, best plan, a ready `gpusim CMD --set ...` line,
 * frontier, runners-up) or, with --json, plan_run's object plus
 * "command_line" and "question".  --report DIR adds the frontier chart
 * (cost vs the target's metric, the chosen plan marked) from the series
 * plan_candidates (t = metric, v = cost of every simulated candidate).
 *
 * Assumes: the target's runner is registered (CLI_RUNNERS); an unknown
 * one is an input error naming plan.target.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/config/ini.h"
#include "sim/cost/keys_cost.h"
#include "sim/plan/plan.h"

static const char *const target_command[] = {"train", "serve", "cluster"};

/* plan.target from the last --set plan.target=, else the file's [plan]
 * target, else the default; -1 for an unknown name (the loader reports
 * it later with its file:line). */
static int find_target(const cli_common_t *c)
{
    const char *found = NULL;
    cfg_ini_t *ini = NULL;
    for (int i = 0; i < c->sets.n; i++)
        if (strncmp(c->sets.items[i], "plan.target=", 12) == 0)
            found = c->sets.items[i] + 12;
    if (found == NULL && c->scenario != NULL &&
        cfg_ini_read_file(c->scenario, &ini, NULL) == SIM_OK) {
        const cfg_ini_entry_t *e = cfg_ini_find(ini, "plan", "target");
        if (e != NULL)
            found = e->value;
    }
    int t = found == NULL ? 0 : -1;
    for (int k = 0; found != NULL && plan_target_names[k] != NULL; k++)
        if (strcmp(found, plan_target_names[k]) == 0)
            t = k;
    cfg_ini_free(ini);
    return t;
}

/* runner tables + plan_keys + cfg_keys_cost (each once), NULL-terminated. */
static void compose(const cfg_key_t *const *run, const cfg_key_t **out, size_t cap)
{
    size_t n = 0;
    bool has_cost = false;
    for (size_t i = 0; run[i] != NULL && n + 3 < cap; i++) {
        out[n++] = run[i];
        has_cost |= run[i] == cfg_keys_cost;
    }
    out[n++] = plan_keys;
    if (!has_cost)
        out[n++] = cfg_keys_cost;
    out[n] = NULL;
}

/* A --set item as one shell word (single-quoted when it needs to be). */
static void print_word(const char *w)
{
    if (strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._=:,+-/%@") ==
        strlen(w)) {
        fputs(w, stdout);
        return;
    }
    putchar('\'');
    for (const char *p = w; *p != '\0'; p++)
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    putchar('\'');
}

/* "gpusim CMD --set K=V ..." (unquoted) into a new string. */
static char *command_line(const char *cmd, const json_t *set)
{
    size_t len = strlen(cmd) + 8, i;
    json_t *v;
    json_array_foreach(set, i, v) len += strlen(json_string_value(v)) + 8;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    snprintf(s, len, "gpusim %s", cmd);
    json_array_foreach(set, i, v) {
        strcat(s, " --set ");
        strcat(s, json_string_value(v));
    }
    return s;
}

static void print_metric(double v, const char *unit)
{
    if (!isfinite(v))
        printf("%12s  ", "-");
    else
        printf("%10.4g %-2s", v, unit);
}

static void print_text(const json_t *o, const char *cmd)
{
    const char *unit = json_string_value(json_object_get(o, "metric_unit"));
    const char *basis = json_string_value(json_object_get(o, "cost_basis"));
    const json_t *by = json_object_get(o, "pruned_by");
    printf("plan: %s (%s <= %.4g %s), simulating with gpusim %s\n",
           json_string_value(json_object_get(o, "target")),
           json_string_value(json_object_get(o, "metric_name")),
           json_number_value(json_object_get(o, "target_value")), unit, cmd);
    printf("  considered %" JSON_INTEGER_FORMAT ": pruned %" JSON_INTEGER_FORMAT
           " (cap %" JSON_INTEGER_FORMAT ", memory %" JSON_INTEGER_FORMAT
           ", bound %" JSON_INTEGER_FORMAT ", price %" JSON_INTEGER_FORMAT
           "), simulated %" JSON_INTEGER_FORMAT ", from cache %" JSON_INTEGER_FORMAT
           ", skipped by bisection %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(o, "considered")),
           json_integer_value(json_object_get(o, "pruned")),
           json_integer_value(json_object_get(by, "cap")),
           json_integer_value(json_object_get(by, "memory")),
           json_integer_value(json_object_get(by, "bound")),
           json_integer_value(json_object_get(by, "price")),
           json_integer_value(json_object_get(o, "simulated")),
           json_integer_value(json_object_get(o, "cached")),
           json_integer_value(json_object_get(o, "skipped")));
    const json_t *best = json_object_get(o, "best");
    size_t i;
    json_t *v;
    const char *k;
    if (!json_is_object(best)) {
        printf("no configuration meets the target\n");
    } else {
        printf("best:");
        json_object_foreach((json_t *)best, k, v) printf(" %s=%s", k, json_string_value(v));
        printf("\n  %s ", json_string_value(json_object_get(o, "metric_name")));
        print_metric(json_number_value(json_object_get(o, "metric")), unit);
        printf(" cost $%.4g %s on %" JSON_INTEGER_FORMAT " GPUs (%s)\n",
               json_number_value(json_object_get(o, "cost_usd")), basis,
               json_integer_value(json_object_get(o, "gpus")),
               json_string_value(json_object_get(o, "pricing")));
        printf("  reproduce: gpusim %s", cmd);
        json_array_foreach(json_object_get(o, "set"), i, v) {
            printf(" --set ");
            print_word(json_string_value(v));
        }
        printf("\n");
    }
    printf("frontier (cost %s vs %s):\n", basis,
           json_string_value(json_object_get(o, "metric_name")));
    json_array_foreach(json_object_get(o, "frontier"), i, v) {
        printf("  $%-12.4g ", json_number_value(json_object_get(v, "cost_usd")));
        print_metric(json_number_value(json_object_get(v, "metric")), unit);
        printf(" %s%s\n", json_string_value(json_object_get(v, "config")),
               json_is_true(json_object_get(v, "meets")) ? "" : "  (misses)");
    }
    if (json_array_size(json_object_get(o, "runners_up")) > 0)
        printf("runners-up:\n");
    json_array_foreach(json_object_get(o, "runners_up"), i, v)
        printf("  %s: %s\n", json_string_value(json_object_get(v, "config")),
               json_string_value(json_object_get(v, "reason")));
}

/* Series plan_candidates: t = metric, v = cost of every simulated one. */
static sim_err_t store_candidates(cli_session_t *s, const json_t *o)
{
    const json_t *cands = json_object_get(o, "candidates");
    size_t n = json_array_size(cands), m = 0, i;
    json_t *c;
    double *t = malloc((n + 1) * sizeof *t), *v = malloc((n + 1) * sizeof *v);
    sim_err_t err = SIM_OK;
    if (t == NULL || v == NULL)
        err = sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    json_array_foreach(cands, i, c) {
        if (err != SIM_OK)
            break;
        const json_t *x = json_object_get(c, "metric"), *y = json_object_get(c, "cost_usd");
        if (json_is_number(x) && json_is_number(y)) {
            t[m] = json_number_value(x);
            v[m++] = json_number_value(y);
        }
    }
    if (err == SIM_OK && m > 0)
        err = cli_session_series(s, "plan_candidates", t, v, m);
    free(t);
    free(v);
    return err;
}

int cli_cmd_plan(int argc, char **argv)
{
    const cli_opt_t opts[] = {{NULL, 0, NULL, NULL, NULL, NULL}};
    const cli_command_spec_t spec = {
        "plan", "--scenario FILE [--db FILE] [--report DIR]",
        "Find the cheapest configuration that meets a target: a training\n"
        "deadline (p90 time to train with faults), a serving SLO (p99 TTFT) or a\n"
        "cluster's p99 queueing delay, searching the [plan] section's space\n"
        "(vary = KEY=V1,V2; KEY=LO:HI:x2; ...) within supply caps and pricing\n"
        "modes.  Prunes by memory and analytic bounds, bisects GPU counts and\n"
        "replicas, caches simulations in --db, and prints the best plan as a\n"
        "ready --set command line, the cost/metric frontier and why the\n"
        "runners-up lost.",
        opts, NULL, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;
    int target = find_target(&s.common);
    const cli_runner_t *runner = cli_runner_find(target_command[target < 0 ? 0 : target]);
    const cfg_key_t *tables[16];
    static const cfg_key_t *const no_tables[] = {NULL};
    compose(runner != NULL ? runner->tables : no_tables, tables, 16);
    sim_err_t err = cli_session_start(&s, tables);
    if (err == SIM_OK && runner == NULL) {
        const char *file = NULL;
        int line = 0;
        cfg_origin(s.scenario, "plan.target", &file, &line);
        err = sim_diag_set(&s.diag, SIM_ERR_INPUT, file != NULL ? file : "", line,
                           "plan.target", "this build cannot run gpusim %s as a library call "
                           "yet (no runner)", target_command[target]);
    }
    const char **sets = NULL;
    json_t *o = NULL;
    if (err == SIM_OK) {
        sets = cli_common_overrides(&s.common);
        if (sets == NULL)
            err = sim_diag_set(&s.diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    if (err == SIM_OK) {
        plan_def_t def;
        memset(&def, 0, sizeof def);
        def.command = runner->name;
        def.run_tables = runner->tables;
        def.tables = tables;
        def.run = runner->run;
        def.scenario_path = s.common.scenario;
        def.overrides = sets;
        def.seed = s.seed;
        def.cache = s.common.db_path != NULL ? s.store : NULL;
        err = plan_run(&def, &o, &s.diag);
    }
    char *line = NULL;
    if (err == SIM_OK) {
        char question[256];
        line = command_line(runner->name, json_object_get(o, "set"));
        snprintf(question, sizeof question,
                 "What is the cheapest configuration with %s <= %.4g %s?",
                 json_string_value(json_object_get(o, "metric_name")),
                 json_number_value(json_object_get(o, "target_value")),
                 json_string_value(json_object_get(o, "metric_unit")));
        if (json_object_update(s.result, o) != 0 ||
            json_object_set_new(s.result, "question", json_string(question)) != 0 ||
            json_object_set_new(s.result, "command_line",
                                json_is_object(json_object_get(o, "best")) && line != NULL
                                    ? json_string(line)
                                    : json_null()) != 0)
            err = sim_diag_set(&s.diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    if (err == SIM_OK)
        err = store_candidates(&s, o);
    if (err == SIM_OK && !s.common.json)
        print_text(o, runner->name);
    free(line);
    json_decref(o);
    free(sets);
    return cli_session_close(&s, err);
}
