/*
 * validate.h — calibrate a profile from a timing CSV, and predict a timing
 * CSV's rows from a profile with per-row errors (optionally held out).
 *
 * These are the library halves of `gpusim calibrate` and `gpusim validate`;
 * the CLI only parses options, calls one function, prints the report and
 * maps the result to an exit status.
 *
 * Holdout K (K >= 2): among the rows the model covers (gemm, memory, PCIe,
 * launch; in file order, after the device filter), every K-th row
 * (the K-th, 2K-th, ...) is held out; efficiencies are refitted from the
 * documented defaults on the other rows, using only the profile's peaks and
 * bandwidths, and the held-out rows are predicted.  K = 0 predicts every
 * row with the profile as given.
 *
 * Assumes: relative error = |predicted − measured| / measured.
 */
#ifndef SIM_COMPUTE_VALIDATE_H
#define SIM_COMPUTE_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/compute/fit.h"
#include "sim/compute/profile.h"
#include "sim/compute/timing_csv.h"
#include "sim/core/error.h"

typedef struct sim_compute_vrow {
    int line;             /* line in the CSV */
    char kernel[32];
    char dtype[16];
    int64_t m, n, k;
    double bytes;
    double measured_s;
    double predicted_s;
    double rel_err;       /* signed: (predicted − measured) / measured */
} sim_compute_vrow_t;

typedef struct sim_compute_validation {
    char csv[256];
    char csv_fnv1a64[17];
    char device_filter[64];
    size_t holdout;            /* K, 0 = none */
    size_t n;                  /* rows predicted (in rows[]) */
    size_t skipped;            /* rows not covered by the model */
    size_t fitted_rows;        /* rows the holdout refit used (0 if K=0) */
    sim_compute_vrow_t *rows;
    double median_abs_err;     /* of |rel_err| */
    double mean_abs_err;
    double worst_abs_err;
    int worst_line;
    double mean_signed_err;    /* bias: > 0 means predictions too slow */
    sim_compute_profile_t profile; /* the profile that made the predictions */
} sim_compute_validation_t;

/* Free a report; NULL is a no-op. */
void sim_compute_validation_free(sim_compute_validation_t *v);

/*
 * Predict set's rows (those whose device contains device_filter,
 * case-insensitively; NULL or "" = all) with profile p; holdout as above.
 * On success *out is a new report.  Errors: SIM_ERR_USAGE for holdout 1;
 * SIM_ERR_INPUT when no row is covered or (holdout) nothing is left to fit
 * or to predict; fit errors as sim_compute_fit; SIM_ERR_NOMEM.  Cost: one
 * fit (holdout) plus O(rows).
 */
sim_err_t sim_compute_validate_set(const sim_compute_timing_set_t *set,
                                   const char *device_filter,
                                   const sim_compute_profile_t *p,
                                   size_t holdout,
                                   sim_compute_validation_t **out,
                                   sim_diag_t *diag);

/* Load the CSV at path and validate all its rows (no device filter) with
 * profile p.  Errors as sim_compute_timing_load and _validate_set. */
sim_err_t sim_compute_validate_csv(const char *path,
                                   const sim_compute_profile_t *p,
                                   size_t holdout,
                                   sim_compute_validation_t **out,
                                   sim_diag_t *diag);

/*
 * Fit a profile to the rows of the CSV at path whose device contains
 * device_filter (NULL or "": all rows, which must then name one device).
 * *p is in/out: when it holds no peaks (hbm_GBps == 0, e.g. zeroed), it is
 * first initialised from the built-in catalog by device_filter or the rows'
 * device name; otherwise its peaks are used as given.  On success the
 * fitted efficiencies, calibrated = yes and the CSV's name, hash and row
 * count are set.  A device the catalog does not know (a CPU) gets empirical
 * peaks: the best GEMM TFLOP/s per dtype and GB/s its rows show.
 * Errors: as sim_compute_timing_load; SIM_ERR_INPUT when
 * no row matches or several devices remain; SIM_ERR_NOTFOUND when no peaks
 * are known for the device; fit errors.  *p is unchanged on error.
 */
sim_err_t sim_compute_calibrate_csv(const char *path,
                                    const char *device_filter,
                                    sim_compute_profile_t *p,
                                    sim_diag_t *diag);

/* 1 when v's median |error| <= median_tol and worst <= worst_tol. */
int sim_compute_validation_passes(const sim_compute_validation_t *v,
                                  double median_tol, double worst_tol);

/* Write v as a fixed-width text table (one line per row, then the summary)
 * to f.  Numbers in the C locale.  Returns SIM_OK or SIM_ERR_IO. */
sim_err_t sim_compute_validation_write_table(const sim_compute_validation_t *v,
                                             FILE *f);

/* v as a new JSON object (caller json_decref's): csv, holdout, rows[],
 * median_abs_err, mean_abs_err, worst_abs_err, worst_line, calibrated, ...
 * Returns NULL when out of memory. */
json_t *sim_compute_validation_to_json(const sim_compute_validation_t *v);

#endif /* SIM_COMPUTE_VALIDATE_H */
