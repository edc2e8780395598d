/*
 * cmd_validate.c — `gpusim validate`: compare gpusim's predictions with
 * reference measurements and fail (exit 1) past a tolerance.
 *
 *   --kernels FILE --profile P [--holdout K]   kernel timings vs the
 *                                              compute model
 *   --collectives FILE|published               NCCL bus bandwidths vs the
 *                                              network + collective model
 *   --training FILE                            published iteration times vs
 *                                              the training simulator
 *   --serving FILE                             static-batch and vLLM runs vs
 *                                              the serving model (each row
 *                                              carries its own target)
 *
 * Each mode prints a per-row table (predicted, measured, relative error)
 * and a summary, or with --json the same as one object.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/profiles.h"
#include "sim/cli/session.h"
#include "sim/compute/validate.h"
#include "sim/net/coll_validate.h"
#include "sim/net/nccl_tuning.h"
#include "sim/serve/validate.h"
#include "sim/train/train_validate.h"
#include "workloads/hwcat.h"

/* Store predicted/measured pairs for the report's validation scatter
 * (reports/report_specs.c): one series pair validation_pred:LABEL /
 * validation_meas:LABEL per distinct group label (LABEL carries the unit),
 * t = the row's index, so the pairs line up.  Rows with a non-finite value
 * are left out.  A no-op without --db.  Stored even when the check fails:
 * the chart shows what failed. */
static sim_err_t store_pairs(cli_session_t *s, size_t n, const char *const *group,
                             const double *pred, const double *meas)
{
    double *t = malloc((n > 0 ? n : 1) * sizeof *t);
    double *p = malloc((n > 0 ? n : 1) * sizeof *p);
    double *m = malloc((n > 0 ? n : 1) * sizeof *m);
    char name[160];
    sim_err_t err = SIM_OK;
    if (t == NULL || p == NULL || m == NULL)
        err = sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
    for (size_t i = 0; i < n && err == SIM_OK; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(group[j], group[i]) != 0;
        if (!first)
            continue;
        size_t k = 0;
        for (size_t j = i; j < n; j++)
            if (strcmp(group[j], group[i]) == 0 && isfinite(pred[j]) && isfinite(meas[j])) {
                t[k] = (double)j;
                p[k] = pred[j];
                m[k] = meas[j];
                k++;
            }
        snprintf(name, sizeof name, "validation_pred:%s", group[i]);
        err = cli_session_series(s, name, t, p, k);
        snprintf(name, sizeof name, "validation_meas:%s", group[i]);
        if (err == SIM_OK)
            err = cli_session_series(s, name, t, m, k);
    }
    free(t);
    free(p);
    free(m);
    return err;
}

/* Columns of rows for store_pairs; freed with pairs_free. */
typedef struct pairs {
    const char **group;
    double *pred, *meas;
    char (*label)[64];
    size_t n;
} pairs_t;

static bool pairs_alloc(pairs_t *q, size_t n)
{
    q->n = n;
    q->group = calloc(n > 0 ? n : 1, sizeof *q->group);
    q->pred = calloc(n > 0 ? n : 1, sizeof *q->pred);
    q->meas = calloc(n > 0 ? n : 1, sizeof *q->meas);
    q->label = calloc(n > 0 ? n : 1, sizeof *q->label);
    return q->group != NULL && q->pred != NULL && q->meas != NULL && q->label != NULL;
}

static void pairs_free(pairs_t *q)
{
    free(q->group);
    free(q->pred);
    free(q->meas);
    free(q->label);
}

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
        pairs_t q;
        if (!pairs_alloc(&q, v->n))
            err = sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        for (size_t i = 0; err == SIM_OK && i < v->n; i++) {
            snprintf(q.label[i], sizeof q.label[i], "%s time (s)", v->rows[i].kernel);
            q.group[i] = q.label[i];
            q.pred[i] = v->rows[i].predicted_s;
            q.meas[i] = v->rows[i].measured_s;
        }
        if (err == SIM_OK)
            err = store_pairs(s, q.n, q.group, q.pred, q.meas);
        pairs_free(&q);
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

/* Every row of a collectives CSV within the tolerance (the published
 * data compiled into the program when path is "published"). */
static sim_err_t validate_collectives(cli_session_t *s, const char *path, double tolerance)
{
    wl_hwcat_t *cat = NULL;
    sim_coll_tuning_t *tun = NULL;
    sim_coll_vreport_t rep;
    memset(&rep, 0, sizeof rep);
    const char *file = strcmp(path, "published") == 0 ? NULL : path;
    sim_err_t err = wl_hwcat_load(&cat, &s->diag);
    if (err == SIM_OK)
        err = sim_coll_tuning_load(&tun, &s->diag);
    sim_err_t verdict = SIM_OK;
    if (err == SIM_OK) {
        verdict = sim_coll_validate_file(file, cat, tun, tolerance, &rep, &s->diag);
        if (verdict == SIM_OK || verdict == SIM_ERR_CHECK) {
            pairs_t q;
            err = pairs_alloc(&q, rep.n) ? SIM_OK : SIM_ERR_NOMEM;
            for (size_t i = 0; err == SIM_OK && i < rep.n; i++) {
                q.group[i] = rep.rows[i].by_time ? "time (s)" : "bus bandwidth (GB/s)";
                q.pred[i] = rep.rows[i].simulated;
                q.meas[i] = rep.rows[i].expected;
            }
            if (err == SIM_OK)
                err = store_pairs(s, q.n, q.group, q.pred, q.meas);
            pairs_free(&q);
            if (err == SIM_ERR_NOMEM && s->diag.code == SIM_OK)
                sim_diag_set(&s->diag, err, NULL, 0, NULL, NULL);
            if (err == SIM_OK)
                err = sim_coll_vreport_to_json(&rep, s->result);
            if (err == SIM_OK && !s->common.json)
                err = sim_coll_vreport_print(&rep, stdout);
            if (err == SIM_OK)
                err = verdict;
        } else {
            err = verdict;
        }
    }
    sim_coll_vreport_destroy(&rep);
    sim_coll_tuning_free(tun);
    wl_hwcat_free(cat);
    return err;
}

/* Measured serving runs: every row within its own target (15% end-to-end
 * for static batches, 20% median TTFT and TPOT for vLLM runs). */
static sim_err_t validate_serving(cli_session_t *s, const char *path)
{
    sim_serve_val_report_t rep;
    memset(&rep, 0, sizeof rep);
    sim_err_t err = sim_serve_validate_csv(path, &rep, &s->diag);
    pairs_t q;
    memset(&q, 0, sizeof q);
    if (err == SIM_OK && !pairs_alloc(&q, 2 * rep.n))
        err = sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
    for (size_t i = 0; err == SIM_OK && i < 2 * rep.n; i++) {
        const sim_serve_val_row_t *row = &rep.rows[i / 2];
        bool vllm = strcmp(row->kind, "vllm") == 0;
        q.group[i] = !vllm ? "static batch end-to-end (s)"
                     : i % 2 == 0 ? "vLLM TTFT p50 (s)" : "vLLM TPOT p50 (s)";
        q.pred[i] = row->predicted[i % 2];
        q.meas[i] = row->measured[i % 2];
    }
    if (err == SIM_OK)
        err = store_pairs(s, q.n, q.group, q.pred, q.meas);
    pairs_free(&q);
    if (err == SIM_OK)
        err = sim_serve_val_json(&rep, s->result);
    if (err == SIM_OK && !s->common.json)
        err = sim_serve_val_print(&rep, stdout);
    if (err == SIM_OK && rep.n_fail > 0)
        err = sim_diag_set(&s->diag, SIM_ERR_CHECK, path, 0, NULL,
                           "%zu of %zu rows outside their targets", rep.n_fail, rep.n);
    sim_serve_val_report_destroy(&rep);
    return err;
}

/* Published training runs: iteration time of every row within the
 * tolerance. */
static sim_err_t validate_training(cli_session_t *s, const char *path, double tolerance)
{
    sim_train_validation_t *v = NULL;
    sim_err_t verdict = sim_train_validate_csv(path, tolerance, &v, &s->diag);
    sim_err_t err = verdict;
    if (verdict == SIM_OK || verdict == SIM_ERR_CHECK) {
        pairs_t q;
        memset(&q, 0, sizeof q);
        err = pairs_alloc(&q, (size_t)v->n)
                  ? SIM_OK
                  : sim_diag_set(&s->diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        for (size_t i = 0; err == SIM_OK && i < q.n; i++) {
            q.group[i] = "iteration time (s)";
            q.pred[i] = v->rows[i].predicted_s;
            q.meas[i] = v->rows[i].published_s;
        }
        if (err == SIM_OK)
            err = store_pairs(s, q.n, q.group, q.pred, q.meas);
        pairs_free(&q);
        if (err == SIM_OK)
            err = sim_train_validation_json(v, s->result);
        if (err == SIM_OK && !s->common.json)
            err = sim_train_validation_print(v, stdout);
        if (err == SIM_OK && verdict == SIM_ERR_CHECK)
            err = sim_diag_set(&s->diag, SIM_ERR_CHECK, path, 0, NULL,
                               "%d of %d rows past the tolerance %.1f%% (mean |error| %.1f%%)",
                               v->failed, v->n, 100.0 * tolerance, 100.0 * v->mean_abs_err);
    }
    sim_train_validation_free(v);
    return err;
}

int cli_cmd_validate(int argc, char **argv)
{
    const char *kernels = NULL, *profile = NULL, *device = NULL, *collectives = NULL,
               *serving = NULL, *training = NULL;
    long holdout = 0;
    double tolerance = 0.10;
    const cli_opt_t opts[] = {
        {"kernels", CLI_STRING, &kernels, "FILE", "kernel timing CSV to predict (gpusim-kbench format)", NULL},
        {"profile", CLI_STRING, &profile, "P", "device profile: a file, a shipped name (H800, H100, A100, H20) or a catalog GPU", NULL},
        {"device", CLI_STRING, &device, "NAME", "use only rows whose device contains NAME", NULL},
        {"holdout", CLI_INT, &holdout, "K", "refit on all rows but every K-th; report only those", NULL},
        {"collectives", CLI_STRING, &collectives, "FILE", "NCCL measurements (collectives.csv format; 'published' = the shipped data)", NULL},
        {"training", CLI_STRING, &training, "FILE", "published training runs (workloads/validation/training.csv format)", NULL},
        {"serving", CLI_STRING, &serving, "FILE", "measured serving runs (workloads/validation/serving/serving.csv format)", NULL},
        {"tolerance", CLI_DOUBLE, &tolerance, "X", "fail (exit 1) when the median |error| exceeds X (default 0.10)", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "validate", "(--kernels FILE --profile P [--holdout K] | --collectives FILE |\n"
        "                       --training FILE | --serving FILE)\n"
        "                       [--tolerance X]",
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
    else if ((kernels != NULL) + (collectives != NULL) + (serving != NULL) + (training != NULL) != 1)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "give one of --kernels FILE --profile P, --collectives FILE, "
                           "--training FILE, --serving FILE");
    else if (kernels != NULL && profile == NULL)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL, "--kernels needs --profile P");
    if (err == SIM_OK)
        err = cli_session_start(&s, cli_tables_cluster);
    if (err == SIM_OK && kernels != NULL)
        err = validate_kernels(&s, kernels, profile, device, holdout, tolerance);
    else if (err == SIM_OK && collectives != NULL)
        err = validate_collectives(&s, collectives, tolerance);
    else if (err == SIM_OK && training != NULL)
        err = validate_training(&s, training, tolerance);
    else if (err == SIM_OK)
        err = validate_serving(&s, serving);
    return cli_session_close(&s, err);
}
