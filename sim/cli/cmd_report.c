/*
 * cmd_report.c — `gpusim report`: charts and a self-contained HTML report
 * (plus summary.md and CSV exports) from a results store.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report.h"
#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/session.h"

int cli_cmd_report(int argc, char **argv)
{
    long run = 0, sweep = 0;
    bool run_given = false, sweep_given = false, latest = false;
    const char *out = NULL, *gnuplot = NULL;
    const cli_opt_t opts[] = {
        {"run", CLI_INT, &run, "ID", "report this run", &run_given},
        {"sweep", CLI_INT, &sweep, "ID", "report this sweep (table of variants, heatmap)", &sweep_given},
        {"latest", CLI_FLAG, &latest, NULL, "report the latest run (the default)", NULL},
        {"out", CLI_STRING, &out, "DIR", "write index.html, summary.md, CSVs and charts here", NULL},
        {"gnuplot", CLI_STRING, &gnuplot, "PATH", "gnuplot to run (default: the one configure found)", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "report", "--db FILE [--run ID | --sweep ID | --latest] --out DIR",
        "Write DIR/index.html (a self-contained page: the question, the\n"
        "configuration, key numbers, charts, assumptions and sources, validation\n"
        "status, gpusim version and seed), DIR/summary.md and CSV exports of the\n"
        "underlying tables, from runs recorded with --db.  Charts are drawn by\n"
        "gnuplot (PNG and SVG); each chart's script is saved beside it.",
        opts, cli_tables_cluster, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;

    sim_err_t err = SIM_OK;
    int chosen = (run_given ? 1 : 0) + (sweep_given ? 1 : 0) + (latest ? 1 : 0);
    if (s.common.db_path == NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "--db FILE is required");
    else if (out == NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "--out DIR is required");
    else if (chosen > 1)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "give at most one of --run, --sweep, --latest");
    else if (s.common.report_dir != NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "use --out DIR here, not --report");
    /* The store named by --db is the report's source: it is read, and this
     * command records no run of its own. */
    sim_store_t *store = NULL;
    if (err == SIM_OK)
        err = sim_store_open(s.common.db_path, SIM_STORE_READONLY, &store, &s.diag);
    rep_report_info_t info;
    memset(&info, 0, sizeof info);
    if (err == SIM_OK) {
        rep_selection_t sel = {REP_SEL_LATEST, 0};
        if (run_given)
            sel = (rep_selection_t){REP_SEL_RUN, run};
        else if (sweep_given)
            sel = (rep_selection_t){REP_SEL_SWEEP, sweep};
        rep_report_opts_t ropts;
        memset(&ropts, 0, sizeof ropts);
        ropts.gnuplot = gnuplot;
        ropts.info = &info;
        err = rep_report_write(store, sel, out, &ropts, &s.diag);
    }
    sim_store_close(store);
    if (err == SIM_OK) {
        json_object_set_new(s.result, "run_id", json_integer(info.run_id));
        json_object_set_new(s.result, "index", json_sprintf("%s/index.html", out));
        json_object_set_new(s.result, "charts", json_integer(info.charts));
        json_object_set_new(s.result, "charts_rendered", json_integer(info.rendered));
        if (info.warnings > 0) {
            json_object_set_new(s.result, "warning", json_string(info.warning));
            fprintf(stderr, "gpusim report: warning: %s\n", info.warning);
        }
        if (!s.common.json)
            printf("report of run %lld written to %s/index.html (%d charts, %d drawn)\n",
                   (long long)info.run_id, out, info.charts, info.rendered);
    }
    return cli_session_close(&s, err);
}
