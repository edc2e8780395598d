/*
 * validate.c — calibrate-from-CSV and predict-vs-measured reports (see
 * validate.h).  All statistics are over |relative error| of the rows in the
 * report; rows appear in file order, so reports are deterministic.
 */
#include "sim/compute/validate.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/roofline.h"

static int icontains(const char *hay, const char *needle)
{
    if (needle == NULL || needle[0] == '\0')
        return 1;
    size_t nl = strlen(needle);
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] != '\0' &&
               tolower((unsigned char)hay[i]) ==
                   tolower((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return 1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sim_compute_validation_free(sim_compute_validation_t *v)
{
    if (v == NULL)
        return;
    free(v->rows);
    free(v);
}

/* Mark rows[i] usable (matches filter, covered by the model). */
static size_t select_rows(const sim_compute_timing_set_t *set,
                          const char *filter, unsigned char *sel,
                          size_t *skipped)
{
    size_t n = 0;
    *skipped = 0;
    for (size_t i = 0; i < set->n; i++) {
        const sim_compute_timing_row_t *r = &set->rows[i];
        sel[i] = 0;
        if (!icontains(r->device, filter))
            continue;
        if (sim_compute_kernel_class(r->kernel) == SIM_COMPUTE_K_OTHER) {
            (*skipped)++;
            continue;
        }
        sel[i] = 1;
        n++;
    }
    return n;
}

static void summarise(sim_compute_validation_t *v, double *scratch)
{
    double sum = 0.0, ssum = 0.0;
    v->worst_abs_err = 0.0;
    v->worst_line = 0;
    for (size_t i = 0; i < v->n; i++) {
        double a = fabs(v->rows[i].rel_err);
        scratch[i] = a;
        sum += a;
        ssum += v->rows[i].rel_err;
        if (a > v->worst_abs_err || v->worst_line == 0) {
            v->worst_abs_err = a;
            v->worst_line = v->rows[i].line;
        }
    }
    qsort(scratch, v->n, sizeof *scratch, cmp_double);
    v->median_abs_err = v->n % 2 ? scratch[v->n / 2]
                                 : 0.5 * (scratch[v->n / 2 - 1] +
                                          scratch[v->n / 2]);
    v->mean_abs_err = sum / (double)v->n;
    v->mean_signed_err = ssum / (double)v->n;
}

sim_err_t sim_compute_validate_set(const sim_compute_timing_set_t *set,
                                   const char *device_filter,
                                   const sim_compute_profile_t *p,
                                   size_t holdout,
                                   sim_compute_validation_t **out,
                                   sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    sim_compute_validation_t *v = NULL;
    unsigned char *sel = NULL, *fit_use = NULL;
    double *scratch = NULL;
    size_t skipped = 0;

    *out = NULL;
    if (holdout == 1)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "holdout",
                            "holdout must be 0 (none) or >= 2");
    v = calloc(1, sizeof *v);
    sel = malloc(set->n + 1);
    fit_use = malloc(set->n + 1);
    if (v == NULL || sel == NULL || fit_use == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        goto fail;
    }
    snprintf(v->csv, sizeof v->csv, "%s", set->name);
    snprintf(v->csv_fnv1a64, sizeof v->csv_fnv1a64, "%016" PRIx64,
             set->fnv1a64);
    snprintf(v->device_filter, sizeof v->device_filter, "%s",
             device_filter != NULL ? device_filter : "");
    v->holdout = holdout;
    size_t ncov = select_rows(set, device_filter, sel, &skipped);
    v->skipped = skipped;
    if (ncov == 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, set->name, 0, "device",
                           "no modelled rows%s%s",
                           device_filter && *device_filter ? " for device "
                                                            : "",
                           device_filter ? device_filter : "");
        goto fail;
    }
    /* predict[i]: the rows that go into the report. */
    size_t idx = 0, npred = 0, nfit = 0;
    for (size_t i = 0; i < set->n; i++) {
        fit_use[i] = 0;
        if (!sel[i])
            continue;
        idx++;
        int held = holdout >= 2 && idx % holdout == 0;
        if (holdout >= 2 && !held) {
            fit_use[i] = 1;
            nfit++;
            sel[i] = 0;
        } else {
            npred++;
        }
    }
    if (holdout >= 2 && (nfit == 0 || npred == 0)) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, set->name, 0, "holdout",
                           "holdout %zu leaves %zu rows to fit and %zu to "
                           "predict; need at least one of each",
                           holdout, nfit, npred);
        goto fail;
    }
    if (holdout >= 2) {
        sim_compute_profile_t q;
        sim_compute_profile_init(&q, p->device, p->peak_tflops, p->hbm_GBps,
                                 p->pcie_GBps);
        q.vector_tflops = p->vector_tflops;
        q.sm_count = p->sm_count;
        q.attn_e_max = p->attn_e_max;
        q.attn_l0 = p->attn_l0;
        err = sim_compute_fit(set->rows, set->n, fit_use, &q, NULL, diag);
        if (err != SIM_OK) {
            if (diag != NULL && diag->file[0] == '\0')
                snprintf(diag->file, sizeof diag->file, "%s", set->name);
            goto fail;
        }
        v->profile = q;
        v->fitted_rows = nfit;
    } else {
        v->profile = *p;
    }
    v->rows = calloc(npred, sizeof *v->rows);
    scratch = malloc(npred * sizeof *scratch);
    if (v->rows == NULL || scratch == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        goto fail;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (!sel[i])
            continue;
        const sim_compute_timing_row_t *r = &set->rows[i];
        double t = sim_compute_predict_row(&v->profile, r);
        if (t <= 0.0) {
            v->skipped++;
            continue;
        }
        sim_compute_vrow_t *o = &v->rows[v->n++];
        o->line = r->line;
        snprintf(o->kernel, sizeof o->kernel, "%s", r->kernel);
        snprintf(o->dtype, sizeof o->dtype, "%s", r->dtype);
        o->m = r->m;
        o->n = r->n;
        o->k = r->k;
        o->bytes = r->bytes;
        o->measured_s = r->time_s;
        o->predicted_s = t;
        o->rel_err = (t - r->time_s) / r->time_s;
    }
    if (v->n == 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, set->name, 0, "dtype",
                           "no row could be predicted (dtypes without a "
                           "peak on %s?)", p->device);
        goto fail;
    }
    summarise(v, scratch);
    free(scratch);
    free(sel);
    free(fit_use);
    *out = v;
    return SIM_OK;
fail:
    free(scratch);
    free(sel);
    free(fit_use);
    sim_compute_validation_free(v);
    return err;
}

sim_err_t sim_compute_validate_csv(const char *path,
                                   const sim_compute_profile_t *p,
                                   size_t holdout,
                                   sim_compute_validation_t **out,
                                   sim_diag_t *diag)
{
    sim_compute_timing_set_t *set = NULL;
    *out = NULL;
    sim_err_t err = sim_compute_timing_load(path, &set, diag);
    if (err != SIM_OK)
        return err;
    err = sim_compute_validate_set(set, NULL, p, holdout, out, diag);
    sim_compute_timing_free(set);
    return err;
}

/*
 * Peaks for a device the built-in catalog does not know (a CPU measured by
 * gpusim-kbench --backend cpu, or a new accelerator): the best throughput
 * the rows themselves show — GEMM TFLOP/s per dtype, streaming GB/s, PCIe
 * GB/s.  An empirical roofline; the fitted efficiencies are then relative
 * to the best measured kernel rather than to a datasheet.
 */
static sim_err_t empirical_peaks(const sim_compute_timing_set_t *set,
                                 const unsigned char *use, const char *device,
                                 sim_compute_profile_t *q, sim_diag_t *diag)
{
    double peak[SIM_COMPUTE_DTYPE__COUNT] = {0};
    double hbm = 0.0, pcie = 0.0;
    for (size_t i = 0; i < set->n; i++) {
        const sim_compute_timing_row_t *r = &set->rows[i];
        if (!use[i] || !(r->time_s > 0.0))
            continue;
        sim_compute_dtype_t dt;
        switch (sim_compute_kernel_class(r->kernel)) {
        case SIM_COMPUTE_K_GEMM:
            if (sim_compute_dtype_parse(r->dtype, &dt) == 0) {
                double tf = 2.0 * (double)r->m * (double)r->n * (double)r->k / r->time_s / 1e12;
                if (tf > peak[dt])
                    peak[dt] = tf;
            }
            break;
        case SIM_COMPUTE_K_MEM:
            if (r->bytes / r->time_s / 1e9 > hbm)
                hbm = r->bytes / r->time_s / 1e9;
            break;
        case SIM_COMPUTE_K_PCIE:
            if (r->bytes / r->time_s / 1e9 > pcie)
                pcie = r->bytes / r->time_s / 1e9;
            break;
        default:
            break;
        }
    }
    if (!(hbm > 0.0))
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, set->name, 0, "device",
                            "'%s' is not in the built-in catalog and the CSV has no "
                            "memory-bandwidth rows (triad/memcpy) to take its peaks from",
                            device);
    sim_compute_profile_init(q, device, peak, hbm, pcie > 0.0 ? pcie : hbm);
    return SIM_OK;
}

sim_err_t sim_compute_calibrate_csv(const char *path,
                                    const char *device_filter,
                                    sim_compute_profile_t *p,
                                    sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    sim_compute_timing_set_t *set = NULL;
    unsigned char *use = NULL;
    sim_compute_profile_t q = *p;
    const char *device = NULL;
    size_t nuse = 0;

    err = sim_compute_timing_load(path, &set, diag);
    if (err != SIM_OK)
        return err;
    use = malloc(set->n + 1);
    if (use == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL, NULL);
        goto fail;
    }
    for (size_t i = 0; i < set->n; i++) {
        const sim_compute_timing_row_t *r = &set->rows[i];
        use[i] = (unsigned char)icontains(r->device, device_filter);
        if (!use[i])
            continue;
        if (device == NULL) {
            device = r->device;
        } else if (strcmp(device, r->device) != 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, path, r->line, "device",
                               "rows for several devices ('%s', '%s'); "
                               "choose one with a device filter",
                               device, r->device);
            goto fail;
        }
        nuse++;
    }
    if (nuse == 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 0, "device",
                           "no rows for device '%s'",
                           device_filter ? device_filter : "");
        goto fail;
    }
    if (!(q.hbm_GBps > 0.0)) {
        err = sim_compute_profile_builtin(
            device_filter && *device_filter ? device_filter : device, &q,
            NULL);
        if (err == SIM_ERR_NOTFOUND)
            err = empirical_peaks(set, use, device, &q, diag);
        if (err != SIM_OK)
            goto fail;
        snprintf(q.device, sizeof q.device, "%s", device);
    }
    err = sim_compute_fit(set->rows, set->n, use, &q, NULL, diag);
    if (err != SIM_OK) {
        if (diag != NULL && diag->file[0] == '\0')
            snprintf(diag->file, sizeof diag->file, "%s", path);
        goto fail;
    }
    snprintf(q.source_csv, sizeof q.source_csv, "%s", path);
    snprintf(q.source_fnv1a64, sizeof q.source_fnv1a64, "%016" PRIx64,
             set->fnv1a64);
    q.source_rows = nuse;
    *p = q;
fail:
    free(use);
    sim_compute_timing_free(set);
    return err;
}

int sim_compute_validation_passes(const sim_compute_validation_t *v,
                                  double median_tol, double worst_tol)
{
    return v->median_abs_err <= median_tol && v->worst_abs_err <= worst_tol;
}

sim_err_t sim_compute_validation_write_table(const sim_compute_validation_t *v,
                                             FILE *f)
{
    int bad = 0;
    bad |= fprintf(f, "%6s %-10s %-9s %8s %8s %8s %13s %13s %8s\n", "line",
                   "kernel", "dtype", "m", "n", "k", "measured_s",
                   "predicted_s", "error") < 0;
    for (size_t i = 0; i < v->n; i++) {
        const sim_compute_vrow_t *r = &v->rows[i];
        bad |= fprintf(f,
                       "%6d %-10s %-9s %8" PRId64 " %8" PRId64 " %8" PRId64
                       " %13.6e %13.6e %+7.1f%%\n",
                       r->line, r->kernel, r->dtype, r->m, r->n, r->k,
                       r->measured_s, r->predicted_s, 100.0 * r->rel_err) < 0;
    }
    bad |= fprintf(f,
                   "rows %zu (skipped %zu, fitted on %zu, holdout %zu); "
                   "|error| median %.1f%%, mean %.1f%%, worst %.1f%% "
                   "(line %d); bias %+.1f%%; profile %s\n",
                   v->n, v->skipped, v->fitted_rows, v->holdout,
                   100.0 * v->median_abs_err, 100.0 * v->mean_abs_err,
                   100.0 * v->worst_abs_err, v->worst_line,
                   100.0 * v->mean_signed_err,
                   v->profile.calibrated ? "calibrated" : "uncalibrated") < 0;
    return bad ? SIM_ERR_IO : SIM_OK;
}

json_t *sim_compute_validation_to_json(const sim_compute_validation_t *v)
{
    json_t *o = json_object(), *rows = json_array();
    int bad = o == NULL || rows == NULL;
    for (size_t i = 0; !bad && i < v->n; i++) {
        const sim_compute_vrow_t *r = &v->rows[i];
        json_t *j = json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:f, "
                              "s:f}",
                              "line", r->line, "kernel", r->kernel, "dtype",
                              r->dtype, "m", (json_int_t)r->m, "n",
                              (json_int_t)r->n, "k", (json_int_t)r->k,
                              "bytes", r->bytes, "measured_s", r->measured_s,
                              "predicted_s", r->predicted_s, "rel_err",
                              r->rel_err);
        bad |= j == NULL || json_array_append_new(rows, j) != 0;
    }
    if (!bad) {
        json_t *s = json_pack(
            "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:i, s:f, "
            "s:s, s:b}",
            "csv", v->csv, "csv_fnv1a64", v->csv_fnv1a64, "device_filter",
            v->device_filter, "holdout", (json_int_t)v->holdout, "n",
            (json_int_t)v->n, "skipped", (json_int_t)v->skipped,
            "fitted_rows", (json_int_t)v->fitted_rows, "median_abs_err",
            v->median_abs_err, "mean_abs_err", v->mean_abs_err,
            "worst_abs_err", v->worst_abs_err, "worst_line", v->worst_line,
            "mean_signed_err", v->mean_signed_err, "device",
            v->profile.device, "calibrated", v->profile.calibrated);
        bad |= s == NULL || json_object_update(o, s) != 0;
        json_decref(s);
    }
    if (!bad)
        bad |= json_object_set_new(o, "rows", rows) != 0;
    else
        json_decref(rows);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
