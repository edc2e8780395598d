/*
 * args.c — the one option parser behind every gpusim subcommand (args.h).
 */
#include "sim/cli/args.h"

/* Number of common options (common_table). */
#define CLI_N_COMMON 7

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static sim_err_t list_push(cli_list_t *list, const char *item, sim_diag_t *diag)
{
    if (list->n == list->cap) {
        int cap = list->cap ? list->cap * 2 : 8;
        const char **items = realloc(list->items, (size_t)cap * sizeof *items);
        if (items == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = item;
    return SIM_OK;
}

void cli_list_release(cli_list_t *list)
{
    if (list == NULL)
        return;
    free(list->items);
    memset(list, 0, sizeof *list);
}

const char **cli_common_overrides(const cli_common_t *common)
{
    int n = common->shortcuts.n + common->sets.n;
    const char **v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (int i = 0; i < common->shortcuts.n; i++)
        v[i] = common->shortcuts.items[i];
    for (int i = 0; i < common->sets.n; i++)
        v[common->shortcuts.n + i] = common->sets.items[i];
    return v;
}

void cli_common_release(cli_common_t *common)
{
    if (common == NULL)
        return;
    cli_list_release(&common->sets);
    for (int i = 0; i < common->shortcuts.n; i++)
        free((char *)common->shortcuts.items[i]);
    cli_list_release(&common->shortcuts);
}

/* Common options, bound to a cli_common_t at parse time. */
static int common_table(cli_common_t *c, cli_opt_t out[CLI_N_COMMON])
{
    const cli_opt_t table[] = {
        {"scenario", CLI_STRING, &c->scenario, "FILE", "scenario file (INI); defaults apply where absent", NULL},
        {"set", CLI_LIST, &c->sets, "SECTION.KEY=VALUE", "override a scenario key (repeatable)", NULL},
        {"seed", CLI_U64, &c->seed, "N", "master random seed (default: run.seed)", &c->seed_given},
        {"json", CLI_FLAG, &c->json, NULL, "print exactly one JSON object on stdout", NULL},
        {"db", CLI_STRING, &c->db_path, "FILE", "record the run in this SQLite results store", NULL},
        {"report", CLI_STRING, &c->report_dir, "DIR", "write an HTML report of this run (charts, tables) into DIR", NULL},
        {"help", CLI_FLAG, &c->help, NULL, "show this help and exit", NULL},
    };
    memcpy(out, table, sizeof table);
    return (int)(sizeof table / sizeof table[0]);
}

static const cli_opt_t *find_opt(const cli_opt_t *opts, const cli_opt_t *common,
                                 int ncommon, const char *name, size_t len)
{
    for (const cli_opt_t *o = opts; o != NULL && o->name != NULL; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    for (int i = 0; i < ncommon; i++)
        if (strlen(common[i].name) == len && strncmp(common[i].name, name, len) == 0)
            return &common[i];
    return NULL;
}

static sim_err_t store_value(const cli_opt_t *o, const char *value, sim_diag_t *diag)
{
    char *end = NULL;
    errno = 0;
    switch (o->kind) {
    case CLI_STRING:
        *(const char **)o->dest = value;
        return SIM_OK;
    case CLI_LIST:
        return list_push((cli_list_t *)o->dest, value, diag);
    case CLI_INT: {
        long v = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0')
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "--%s: expected an integer, got '%s'", o->name, value);
        *(long *)o->dest = v;
        return SIM_OK;
    }
    case CLI_U64: {
        if (value[0] == '-')
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "--%s: expected a non-negative integer, got '%s'", o->name, value);
        uintmax_t v = strtoumax(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v > UINT64_MAX)
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "--%s: expected a non-negative integer, got '%s'", o->name, value);
        *(uint64_t *)o->dest = (uint64_t)v;
        return SIM_OK;
    }
    case CLI_DOUBLE: {
        double v = strtod(value, &end);
        if (errno != 0 || end == value || *end != '\0' || !isfinite(v))
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "--%s: expected a number, got '%s'", o->name, value);
        *(double *)o->dest = v;
        return SIM_OK;
    }
    case CLI_FLAG:
    case CLI_SET: /* handled by cli_parse */
        break;
    }
    return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL, "--%s takes no value", o->name);
}

sim_err_t cli_parse(int argc, char **argv, int first, const cli_opt_t *opts,
                    cli_common_t *common, cli_list_t *positional,
                    sim_diag_t *diag)
{
    cli_opt_t ctable[CLI_N_COMMON];
    int ncommon = common_table(common, ctable);
    bool positional_only = false;

    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (positional_only || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (positional == NULL)
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                    "unexpected argument '%s'", arg);
            sim_err_t err = list_push(positional, arg, diag);
            if (err != SIM_OK)
                return err;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            positional_only = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0) {
            common->help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0)
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "unknown option '%s' (options are long: --name)", arg);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt_t *o = find_opt(opts, ctable, ncommon, name, len);
        if (o == NULL)
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                "unknown option '--%.*s' (see --help)", (int)len, name);
        if (o->given != NULL)
            *o->given = true;
        if (o->kind == CLI_FLAG) {
            if (eq != NULL)
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                    "--%s takes no value", o->name);
            *(bool *)o->dest = true;
            continue;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (value == NULL) {
            if (i + 1 >= argc)
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                                    "--%s needs a value (%s)", o->name,
                                    o->metavar ? o->metavar : "VALUE");
            value = argv[++i];
        }
        sim_err_t err;
        if (o->kind == CLI_SET) {
            size_t size = strlen((const char *)o->dest) + strlen(value) + 2;
            char *kv = malloc(size);
            if (kv == NULL)
                return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
            snprintf(kv, size, "%s=%s", (const char *)o->dest, value);
            err = list_push(&common->shortcuts, kv, diag);
            if (err != SIM_OK)
                free(kv);
        } else {
            err = store_value(o, value, diag);
        }
        if (err != SIM_OK)
            return err;
    }
    return SIM_OK;
}

static void print_opt(FILE *out, const cli_opt_t *o)
{
    char head[64];
    if (o->metavar != NULL)
        snprintf(head, sizeof head, "--%s %s", o->name, o->metavar);
    else
        snprintf(head, sizeof head, "--%s", o->name);
    fprintf(out, "  %-28s %s\n", head, o->help);
}

void cli_print_help(FILE *out, const char *cmd, const char *synopsis,
                    const char *description, const cli_opt_t *opts)
{
    cli_common_t dummy;
    cli_opt_t ctable[CLI_N_COMMON];
    memset(&dummy, 0, sizeof dummy);
    int ncommon = common_table(&dummy, ctable);

    fprintf(out, "usage: gpusim %s %s\n\n%s\n", cmd, synopsis, description);
    if (opts != NULL && opts[0].name != NULL) {
        fprintf(out, "\noptions:\n");
        for (const cli_opt_t *o = opts; o->name != NULL; o++)
            print_opt(out, o);
    }
    fprintf(out, "\ncommon options:\n");
    for (int i = 0; i < ncommon; i++)
        print_opt(out, &ctable[i]);
    fprintf(out, "\nexit status: 0 ok, 1 a check failed, 2 usage or input error\n");
}
