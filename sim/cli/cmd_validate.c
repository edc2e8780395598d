/*
 * cmd_validate.c — `gpusim validate`: compare gpusim's predictions with
 * reference measurements and fail (exit 1) past a tolerance.
 *
 *   --kernels FILE --profile P [--holdout K]   kernel timings vs the
 *                                              compute model
 *
 * Each mode prints a per-row table (predicted, measured, relative error)
 * and a summary, or with --json the same as one object.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/profiles.h"
#include "sim/cli/session.h"
#include "sim/compute/validate.h"

static sim_err_t validate_kernels(cli_session_t *s, const char *csv,
                                  const char *profile_spec, const char *device,
                                  long holdout, double tolerance)
{
    sim_compute_profile_t profile;
    const char *source = NULL;
    sim_compute_timing_set_t *set = NULL;
    sim_compute_validation_t *v = NULL;
    if (holdout < 0 || holdout == 1)
        return sim_diag_set(&s->diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "--holdout: expected 0 (none) or K >= 2, got %ld", holdout);
    sim_err_t err = cli_profile_resolve(profile_spec, &profile, &source, &s->diag);
    if (err == SIM_OK)
        err = sim_compute_timing_load(csv, &set, &s->diag);
    if (err == SIM_OK)
        err = sim_compute_validate_set(set, device, &profile, (size_t)holdout, &v, &s->diag);
    if (err == SIM_OK) {
        json_t *report = sim_compute_validation_to_json(v);
        if (report == NULL || json_object_update(s->result, report) != 0)
            err = sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        json_decref(report);
    }
    if (err == SIM_OK) {
        json_object_set_new(s->result, "profile_source", json_string(source));
        json_object_set_new(s->result, "tolerance", json_real(tolerance));
        bool pass = v->median_abs_err <= tolerance;
        json_object_set_new(s->result, "pass", json_boolean(pass));
        if (!s->common.json) {
            if (strcmp(source, "uncalibrated") == 0)
                printf("note: %s has no calibrated profile; catalog peaks with default efficiencies\n",
                       profile.device);
            err = sim_compute_validation_write_table(v, stdout);
        }
        if (err == SIM_OK && !pass)
            err = sim_diag_set(&s->diag, SIM_ERR_CHECK, csv, 0, NULL,
                               "median |error| %.1f%% exceeds the tolerance %.1f%%",
                               100.0 * v->median_abs_err, 100.0 * tolerance);
    }
    sim_compute_validation_free(v);
    sim_compute_timing_free(set);
    return err;
}

int cli_cmd_validate(int argc, char **argv)
{
    const char *kernels = NULL, *profile = NULL, *device = NULL;
    long holdout = 0;
    double tolerance = 0.10;
    const cli_opt_t opts[] = {
        {"kernels", CLI_STRING, &kernels, "FILE", "kernel timing CSV to predict (gpusim-kbench format)", NULL},
        {"profile", CLI_STRING, &profile, "P", "device profile: a file, a shipped name (H800, H100) or a catalog GPU", NULL},
        {"device", CLI_STRING, &device, "NAME", "use only rows whose device contains NAME", NULL},
        {"holdout", CLI_INT, &holdout, "K", "refit on all rows but every K-th; report only those", NULL},
        {"tolerance", CLI_DOUBLE, &tolerance, "X", "fail (exit 1) when the median |error| exceeds X (default 0.10)", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "validate", "--kernels FILE --profile P [--holdout K] [--tolerance X]",
        "Predict reference measurements with gpusim's models and report the\n"
        "relative error of every row; exit 1 past the tolerance.",
        opts, cli_tables_cluster, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;
    sim_err_t err = SIM_OK;
    if (!(tolerance > 0.0))
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "--tolerance must be > 0");
    else if (kernels == NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "nothing to validate: give --kernels FILE --profile P");
    else if (profile == NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "--kernels needs --profile P");
    if (err == SIM_OK)
        err = cli_session_start(&s, cli_tables_cluster, NULL);
    if (err == SIM_OK)
        err = validate_kernels(&s, kernels, profile, device, holdout, tolerance);
    return cli_session_close(&s, err);
}
