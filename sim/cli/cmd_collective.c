/*
 * cmd_collective.c — `gpusim collective`: one NCCL-style collective (or a
 * size sweep, like nccl-tests) on the scenario's cluster, through the
 * flow-level network, reported with nccl-tests' definitions: time,
 * algbw = S / t, busbw = algbw × the op's factor.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/cluster.h"
#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/config/units.h"
#include "sim/net/collective.h"
#include "sim/net/nccl_tuning.h"

/* --sweep MIN:MAX[:FACTOR] (sizes with units; factor default 2). */
static sim_err_t parse_sweep(const char *text, double *lo, double *hi,
                             double *factor, sim_diag_t *diag)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    char *second = strchr(buf, ':');
    if (second == NULL)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "--sweep: expected MIN:MAX[:FACTOR], e.g. 1KiB:16GiB, got '%s'", text);
    *second++ = '\0';
    char *third = strchr(second, ':');
    if (third != NULL)
        *third++ = '\0';
    sim_diag_t d = SIM_DIAG_INIT;
    if (cfg_parse_bytes(buf, lo, &d) != SIM_OK || cfg_parse_bytes(second, hi, &d) != SIM_OK)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL, "--sweep: %s", d.msg);
    *factor = 2.0;
    if (third != NULL && (cfg_parse_double(third, 1.0 + 1e-9, 1e6, factor, &d) != SIM_OK))
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL, "--sweep factor: %s", d.msg);
    if (!(*lo >= 1.0) || *hi < *lo)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "--sweep: need 1B <= MIN <= MAX, got '%s'", text);
    return SIM_OK;
}

/* What a collective run needs besides the spec: the cluster, its GPU and
 * the GPU's protocol profile. */
typedef struct coll_setup {
    wl_hwcat_t *cat;
    const wl_gpu_t *gpu;
    topo_t *topo;
    sim_coll_tuning_t *tuning;
    sim_coll_profile_t prof;
    bool calibrated;
    sim_coll_spec_t spec;
} coll_setup_t;

static void setup_release(coll_setup_t *c)
{
    sim_coll_tuning_free(c->tuning);
    topo_free(c->topo);
    wl_hwcat_free(c->cat);
    memset(c, 0, sizeof *c);
}

/* Build the scenario's cluster, load the protocol profile of its GPU and
 * read the [collective] keys.  On error everything is released. */
static sim_err_t setup(const cfg_scenario_t *sc, uint64_t seed, coll_setup_t *c,
                       sim_diag_t *diag)
{
    memset(c, 0, sizeof *c);
    sim_err_t err = cli_cluster_build(sc, &c->cat, &c->gpu, &c->topo, diag);
    if (err == SIM_OK)
        err = sim_coll_tuning_load(&c->tuning, diag);
    if (err != SIM_OK) {
        setup_release(c);
        return err;
    }
    c->calibrated = sim_coll_tuning_profile(c->tuning, c->gpu->name, &c->prof);
    c->prof.spray = cfg_get_enum(sc, "cluster.ecmp") == 1;
    sim_coll_spec_default(&c->spec);
    c->spec.op = (sim_coll_op_t)cfg_get_enum(sc, "collective.op");
    c->spec.algo = (sim_coll_algo_t)cfg_get_enum(sc, "collective.algo");
    c->spec.bytes = cfg_get_double(sc, "collective.bytes");
    c->spec.channels = (int32_t)cfg_get_int(sc, "collective.channels");
    c->spec.collapse = cfg_get_bool(sc, "collective.collapse");
    c->spec.salt = seed;
    return SIM_OK;
}

/* One collective of the spec's size into result. */
static sim_err_t run_one(coll_setup_t *c, sim_coll_result_t *r, json_t *result,
                         sim_diag_t *diag)
{
    sim_err_t err = sim_coll_simulate(c->topo, &c->prof, c->gpu->nvls, 0, &c->spec, r, diag);
    if (err == SIM_OK && json_object_set_new(result, "gpu", json_string(c->gpu->name)) != 0)
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
    if (err == SIM_OK)
        err = sim_coll_result_to_json(r, result);
    if (err == SIM_OK)
        json_object_set_new(result, "network_profile",
                            json_string(c->calibrated ? "calibrated" : "default"));
    return err;
}

/* The runner (sweeps): one collective of collective.bytes. */
static sim_err_t collective_run(const cfg_scenario_t *sc, uint64_t seed, json_t *result,
                                sim_diag_t *diag)
{
    coll_setup_t c;
    sim_coll_result_t r;
    sim_err_t err = setup(sc, seed, &c, diag);
    if (err != SIM_OK)
        return err;
    err = run_one(&c, &r, result, diag);
    setup_release(&c);
    return err;
}

const cli_runner_t cli_runner_collective = {"collective", cli_tables_collective, collective_run};

static void print_header(const sim_coll_result_t *r, const char *gpu)
{
    printf("# %s on %lld x %s (%lld nodes)\n", sim_coll_op_name(r->op), (long long)r->gpus, gpu,
           (long long)r->nodes);
    printf("# %14s %12s %12s %12s  %-12s %s\n", "size (B)", "time (us)", "algbw (GB/s)",
           "busbw (GB/s)", "algo", "proto");
}

static void print_row(const sim_coll_result_t *r)
{
    printf("  %14.0f %12.2f %12.2f %12.2f  %-12s %s%s\n", r->bytes, r->time_s * 1e6, r->algbw_GBps,
           r->busbw_GBps, sim_coll_algo_name(r->algo), sim_coll_proto_name(r->proto),
           r->auto_picked ? " (auto)" : "");
}

int cli_cmd_collective(int argc, char **argv)
{
    const char *sweep = NULL;
    const cli_opt_t opts[] = {
        {"topology", CLI_SET, "cluster.topology", "NAME", "shortcut for --set cluster.topology=NAME", NULL},
        {"gpus", CLI_SET, "cluster.gpus", "N", "shortcut for --set cluster.gpus=N", NULL},
        {"op", CLI_SET, "collective.op", "OP", "allreduce|allgather|reducescatter|broadcast|reduce|alltoall|sendrecv", NULL},
        {"bytes", CLI_SET, "collective.bytes", "SIZE", "message size, e.g. 1GiB (nccl-tests convention)", NULL},
        {"algo", CLI_SET, "collective.algo", "ALGO", "auto|ring|tree|hd|nvls|hierarchical|pairwise|p2p", NULL},
        {"sweep", CLI_STRING, &sweep, "MIN:MAX[:F]", "sizes from MIN to MAX, times F (default 2)", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "collective",
        "[--topology NAME] [--gpus N] [--op OP] [--bytes SIZE] [--algo ALGO] [--sweep MIN:MAX[:F]]",
        "Simulate one collective over all GPUs of the scenario's cluster, with NCCL\n"
        "semantics, as concurrent point-to-point flows sharing link bandwidth\n"
        "max-min fairly; print a table like nccl-tests (size, time, algbw, busbw).\n"
        "--algo auto picks what NCCL's tuning model would, and says which.",
        opts, cli_tables_collective, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;


    double lo = 0, hi = 0, factor = 2;
    sim_err_t err = SIM_OK;
    if (sweep != NULL)
        err = parse_sweep(sweep, &lo, &hi, &factor, &s.diag);
    if (err == SIM_OK)
        err = cli_session_start(&s, cli_tables_collective);

    coll_setup_t c;
    memset(&c, 0, sizeof c);
    if (err == SIM_OK)
        err = setup(s.scenario, s.seed, &c, &s.diag);
    json_t *list = NULL;
    if (err == SIM_OK && sweep != NULL) {
        list = json_array();
        size_t points = 0;
        double *sizes = NULL, *busbw = NULL;
        for (double b = lo; b <= hi * (1 + 1e-12); b *= factor)
            points++;
        sizes = calloc(points, sizeof *sizes);
        busbw = calloc(points, sizeof *busbw);
        if (list == NULL || sizes == NULL || busbw == NULL)
            err = sim_diag_set(&s.diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        size_t k = 0;
        for (double b = lo; err == SIM_OK && k < points; b *= factor, k++) {
            sim_coll_result_t r;
            json_t *o = json_object();
            c.spec.bytes = b;
            err = run_one(&c, &r, o, &s.diag);
            json_array_append_new(list, o);
            if (err != SIM_OK)
                break;
            sizes[k] = r.bytes;
            busbw[k] = r.busbw_GBps;
            if (!s.common.json) {
                if (k == 0)
                    print_header(&r, c.gpu->name);
                print_row(&r);
            }
        }
        if (err == SIM_OK)
            err = cli_session_series(&s, "busbw_GBps_by_bytes", sizes, busbw, k);
        free(sizes);
        free(busbw);
        if (err == SIM_OK) {
            json_object_set_new(s.result, "gpu", json_string(c.gpu->name));
            json_object_set_new(s.result, "op", json_string(sim_coll_op_name(c.spec.op)));
            json_object_set_new(s.result, "points", json_integer((json_int_t)k));
            json_object_set(s.result, "results", list);
            json_object_set_new(s.result, "network_profile",
                                json_string(c.calibrated ? "calibrated" : "default"));
        }
    } else if (err == SIM_OK) {
        sim_coll_result_t r;
        err = run_one(&c, &r, s.result, &s.diag);
        if (err == SIM_OK && !s.common.json) {
            print_header(&r, c.gpu->name);
            print_row(&r);
        }
    }
    if (err == SIM_OK && !s.common.json && !c.calibrated)
        printf("# note: no calibrated network profile for %s; [default] protocol efficiencies\n",
               c.gpu->name);
    json_decref(list);
    setup_release(&c);
    return cli_session_close(&s, err);
}
