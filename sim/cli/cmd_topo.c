/*
 * cmd_topo.c — `gpusim topo`: build the scenario's topology and report what
 * it amounts to (counts by tier and kind, injection and bisection
 * bandwidth, diameter), optionally exporting it as GraphML or DOT.
 *
 * The model part (build, summarize, fill the result object) is
 * topo_compute; the runner `topo` (runner.h) is that and nothing else, so
 * `gpusim sweep --command topo` stores exactly what `gpusim topo --json`
 * prints.  Text output and export stay here, in the command.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/cluster.h"
#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "topologies/export.h"
#include "topologies/summary.h"

static sim_err_t export_to(const topo_t *t, const char *format, const char *path,
                           sim_diag_t *diag)
{
    if (strcmp(format, "graphml") != 0 && strcmp(format, "dot") != 0)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "--export: expected graphml or dot, got '%s'", format);
    /* Write beside, then rename: a failed export never leaves half a file
     * where a good one was. */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return sim_diag_set(diag, SIM_ERR_USAGE, path, 0, NULL, "path too long");
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "cannot open for writing");
    sim_err_t err = topo_export(t, format, f, diag);
    if (fclose(f) != 0 && err == SIM_OK)
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "write failed");
    if (err == SIM_OK && rename(tmp, path) != 0)
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "cannot rename %s into place", tmp);
    if (err != SIM_OK)
        remove(tmp);
    return err;
}

/*
 * Build sc's topology, summarize it and add "gpu" and the summary's fields
 * to result.  On success the caller owns *cat and *topo (also set, possibly
 * NULL, on failure: free them either way) and *gpu points into *cat.
 */
static sim_err_t topo_compute(const cfg_scenario_t *sc, wl_hwcat_t **cat,
                              const wl_gpu_t **gpu, topo_t **topo,
                              topo_summary_t *summary, json_t *result,
                              sim_diag_t *diag)
{
    sim_err_t err = cli_cluster_build(sc, cat, gpu, topo, diag);
    if (err == SIM_OK)
        err = topo_summary_compute(*topo, summary, diag);
    if (err == SIM_OK && json_object_set_new(result, "gpu", json_string((*gpu)->name)) != 0)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    if (err == SIM_OK)
        err = topo_summary_to_json(summary, result);
    return err;
}

/* The runner: topo_compute without the text.  The seed is unused: a
 * topology is deterministic. */
static sim_err_t topo_run(const cfg_scenario_t *sc, uint64_t seed,
                          json_t *result, sim_diag_t *diag)
{
    (void)seed;
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *gpu = NULL;
    topo_t *topo = NULL;
    topo_summary_t summary;
    sim_err_t err = topo_compute(sc, &cat, &gpu, &topo, &summary, result, diag);
    topo_free(topo);
    wl_hwcat_free(cat);
    return err;
}

const cli_runner_t cli_runner_topo = {"topo", cli_tables_cluster, topo_run};

/* --list-gpus: the hardware catalog as a table (or a JSON list). */
static sim_err_t list_gpus(cli_session_t *s)
{
    wl_hwcat_t *cat = NULL;
    sim_err_t err = wl_hwcat_load(&cat, &s->diag);
    if (err != SIM_OK)
        return err;
    json_t *list = json_array();
    if (!s->common.json)
        printf("%-12s %-7s %9s %9s %8s %9s %10s %4s %6s\n", "gpu", "vendor",
               "bf16 TF/s", "fp8 TF/s", "HBM GB", "HBM TB/s", "NVLink GB/s", "NVLS", "TDP W");
    for (size_t i = 0; i < wl_hwcat_count(cat); i++) {
        const wl_gpu_t *g = wl_hwcat_get(cat, i);
        if (!s->common.json)
            printf("%-12s %-7s %9.1f %9.1f %8.0f %9.2f %10.0f %4s %6.0f%s\n", g->name, g->vendor,
                   g->bf16_flops / 1e12, g->fp8_flops / 1e12, g->memory_bytes / 1e9,
                   g->mem_bw / 1e12, g->nvlink_bw / 1e9, g->nvls ? "yes" : "no", g->tdp_w,
                   g->approximate ? "  (approximate)" : "");
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(g->name));
        json_object_set_new(o, "vendor", json_string(g->vendor));
        json_object_set_new(o, "bf16_flops", json_real(g->bf16_flops));
        json_object_set_new(o, "fp8_flops", json_real(g->fp8_flops));
        json_object_set_new(o, "memory_bytes", json_real(g->memory_bytes));
        json_object_set_new(o, "mem_bw_Bps", json_real(g->mem_bw));
        json_object_set_new(o, "nvlink_bw_Bps", json_real(g->nvlink_bw));
        json_object_set_new(o, "nvlink_domain", json_integer(g->nvlink_domain));
        json_object_set_new(o, "nvls", json_boolean(g->nvls));
        json_object_set_new(o, "tdp_w", json_real(g->tdp_w));
        json_array_append_new(list, o);
    }
    if (!s->common.json)
        printf("(dense peaks; NVLink per GPU per direction; sources in workloads/catalog/gpus.ini)\n");
    json_object_set_new(s->result, "gpus", list);
    wl_hwcat_free(cat);
    return SIM_OK;
}

int cli_cmd_topo(int argc, char **argv)
{
    const char *export_format = NULL;
    bool list = false;
    const cli_opt_t opts[] = {
        {"list-gpus", CLI_FLAG, &list, NULL, "list the GPU catalog (dense peaks, HBM, NVLink, TDP) and exit", NULL},
        {"topology", CLI_SET, "cluster.topology", "NAME", "shortcut for --set cluster.topology=NAME", NULL},
        {"gpus", CLI_SET, "cluster.gpus", "N", "shortcut for --set cluster.gpus=N", NULL},
        {"export", CLI_STRING, &export_format, "FORMAT FILE", "write the graph as graphml or dot to FILE", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "topo", "[--scenario FILE] [--topology NAME] [--gpus N] [--export graphml|dot FILE]",
        "Build the scenario's cluster topology and print GPUs, NICs, switches by\n"
        "tier, links by kind, per-host injection bandwidth, bisection bandwidth\n"
        "(a max-flow between balanced halves) and the GPU-to-GPU diameter.",
        opts, cli_tables_cluster, true,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;

    if (list) {
        sim_err_t err = cli_session_start(&s, cli_tables_cluster);
        if (err == SIM_OK)
            err = list_gpus(&s);
        return cli_session_close(&s, err);
    }
    const char *export_path = NULL;
    if (export_format != NULL) {
        if (s.positional.n != 1) {
            sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                         "--export needs a format and one FILE: --export graphml out.graphml");
            return cli_session_close(&s, SIM_ERR_USAGE);
        }
        export_path = s.positional.items[0];
    } else if (s.positional.n != 0) {
        sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                     "unexpected argument '%s'", s.positional.items[0]);
        return cli_session_close(&s, SIM_ERR_USAGE);
    }

    sim_err_t err = cli_session_start(&s, cli_tables_cluster);
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *gpu = NULL;
    topo_t *topo = NULL;
    topo_summary_t summary;
    if (err == SIM_OK)
        err = topo_compute(s.scenario, &cat, &gpu, &topo, &summary, s.result, &s.diag);
    if (err == SIM_OK && export_path != NULL)
        err = export_to(topo, export_format, export_path, &s.diag);
    if (err == SIM_OK && !s.common.json) {
        printf("GPU type: %s\n", gpu->name);
        err = topo_summary_print_text(&summary, stdout);
        if (err == SIM_OK && export_path != NULL)
            printf("exported %s to %s\n", export_format, export_path);
    }
    topo_free(topo);
    wl_hwcat_free(cat);
    return cli_session_close(&s, err);
}
