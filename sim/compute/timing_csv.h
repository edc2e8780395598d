/*
 * timing_csv.h — reader for kernel-timing CSVs in the gpusim-kbench format.
 *
 * Header (order free, extra columns ignored, names case-sensitive):
 *   backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps
 * `kernel` and `time_s` are required; the others may be absent or empty
 * (sizes read as 0, dtype as "").  Fields follow RFC 4180: a field may be
 * quoted, a quoted field may hold commas and doubled quotes ("").  Blank
 * lines and lines starting with '#' are skipped.  Published measurements
 * converted to this format (DeepGEMM, PipeWeave) read the same way.
 *
 * Assumes: files of at most a few hundred thousand rows (held in memory).
 */
#ifndef SIM_COMPUTE_TIMING_CSV_H
#define SIM_COMPUTE_TIMING_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef struct sim_compute_timing_row {
    char backend[32];
    char device[64];
    char kernel[32];
    char dtype[16];
    int64_t m, n, k;  /* 0 when absent */
    double bytes;     /* 0 when absent */
    double time_s;    /* > 0 */
    int line;         /* 1-based line in the file */
} sim_compute_timing_row_t;

typedef struct sim_compute_timing_set {
    sim_compute_timing_row_t *rows;
    size_t n;
    size_t cap;
    char name[256];   /* path or label the rows came from */
    uint64_t fnv1a64; /* hash of the bytes parsed */
} sim_compute_timing_set_t;

/*
 * Parse len bytes of CSV text.  name labels diagnostics and is stored in the
 * set (may be NULL).  On success *out is a new set (free with
 * sim_compute_timing_free).  Errors: SIM_ERR_INPUT with diag file = name,
 * line = the 1-based line, key = the column name, and the message naming
 * the 1-based column (missing required column, wrong field count,
 * unterminated quote, non-numeric or negative size, time_s <= 0);
 * SIM_ERR_NOMEM.  *out is NULL on error.  Cost: linear in len.
 */
sim_err_t sim_compute_timing_parse(const char *text, size_t len,
                                   const char *name,
                                   sim_compute_timing_set_t **out,
                                   sim_diag_t *diag);

/* Read the file at path and parse it; SIM_ERR_IO when it cannot be read. */
sim_err_t sim_compute_timing_load(const char *path,
                                  sim_compute_timing_set_t **out,
                                  sim_diag_t *diag);

/* Free a set; NULL is a no-op. */
void sim_compute_timing_free(sim_compute_timing_set_t *set);

/* Read a whole file into a new NUL-terminated buffer (*len excludes the
 * NUL).  Shared by the profile and CSV loaders.  SIM_ERR_IO / NOMEM. */
sim_err_t sim_compute_read_file(const char *path, char **buf, size_t *len,
                                sim_diag_t *diag);

#endif /* SIM_COMPUTE_TIMING_CSV_H */
