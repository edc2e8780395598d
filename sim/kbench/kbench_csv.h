/*
 * kbench_csv.h — the kernel timing CSV: one record per timed case, its
 * derived rates, and reading/writing it.
 *
 * The first twelve columns are fixed (gpusim calibrate and the published
 * data under workloads/calibration/ share them):
 *
 *   backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps
 *
 *   time_s  median seconds per call over the timed reps, after warm-up.
 *   tflops  flops / time_s / 1e12; flops = 2*m*n*k for gemm, 2*m for triad
 *           (one add and one multiply per element), 0 otherwise.
 *   gbps    bytes / time_s / 1e9 (decimal GB/s).  bytes counts what the
 *           kernel must move at least: gemm inputs read and output written
 *           (kbench_grid.h); triad 3 arrays (STREAM's convention: two reads
 *           and one write, no write-allocate traffic); memcpy 2*m (read and
 *           write, STREAM "Copy"); h2d/d2h m (one transfer); collectives m,
 *           so gbps is nccl-tests' algbw (busbw is algbw * 2(n-1)/n for
 *           all-reduce, (n-1)/n for all-gather); launch and wake 0.
 *
 * gpusim-kbench appends its own columns:
 *   time_min_s,time_max_s,time_p10_s,time_p90_s  the spread over reps;
 *   inner      calls per rep (a rep lasts at least min_rep_s);
 *   units      SMs (CUDA) or BLAS threads (CPU);
 *   clock_mhz  SM clock measured at start (CUDA), "cpu MHz" (CPU), 0 unknown;
 *   arch       compute capability ("9.0") or CPU machine ("x86_64");
 *   date       UTC start time of the run, ISO 8601.
 * Readers must find extra columns by name and ignore the ones they do not
 * know.  Numbers are printed with the C locale: times with %.9g, rates %.6g.
 * Text fields are quoted (RFC 4180) when they hold a comma, quote or newline.
 *
 * Assumes: the C locale for numbers (the library never calls setlocale).
 */
#ifndef SIM_KBENCH_KBENCH_CSV_H
#define SIM_KBENCH_KBENCH_CSV_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>
#include <stdio.h>

#include "sim/kbench/kbench.h"

#define KBENCH_CSV_BASE_HEADER \
    "backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps"
#define KBENCH_CSV_HEADER KBENCH_CSV_BASE_HEADER                         \
    ",time_min_s,time_max_s,time_p10_s,time_p90_s,inner,units,clock_mhz," \
    "arch,date"

typedef struct kbench_row {
    char backend[16];
    char device[128];
    char kernel[32];
    char dtype[16];
    int64_t m, n, k;
    double bytes; /* per call; integral, kept as double to hold any size */
    int reps;     /* 0 when unknown (published data) */
    double time_s, tflops, gbps;
    double time_min_s, time_max_s, time_p10_s, time_p90_s;
    int64_t inner;
    int units;
    double clock_mhz;
    char arch[32];
    char date[32];
} kbench_row_t;

/*
 * Fill row from one measurement: names from backend, dev and c; statistics
 * of s->times (sorted in place); rates from s->flops and s->bytes.  date may
 * be NULL ("").  SIM_ERR_RANGE when s has no reps, a NaN time or a median
 * time that is not positive.  No pointer argument but date may be NULL.
 */
sim_err_t kbench_row_fill(kbench_row_t *row, const char *backend,
                          const kbench_device_t *dev, const kbench_case_t *c,
                          kbench_sample_t *s, const char *date);

/*
 * Format row as one CSV line (with KBENCH_CSV_HEADER's columns, ending in
 * "\n") into buf of size n.  Returns the length that the line needs, as
 * snprintf does (excluding the NUL): the line is complete iff it is < n.
 */
size_t kbench_csv_format_row(const kbench_row_t *row, char *buf, size_t n);

/* Write KBENCH_CSV_HEADER and "\n" / one row to f.  SIM_ERR_IO on a write
 * error, SIM_ERR_NOMEM. */
sim_err_t kbench_csv_write_header(FILE *f);
sim_err_t kbench_csv_write_row(FILE *f, const kbench_row_t *row);

/*
 * Check that header (one line, trailing newline allowed) begins with the
 * twelve base columns.  SIM_ERR_INPUT with file:1 in diag otherwise.
 */
sim_err_t kbench_csv_check_header(const char *header, const char *file,
                                  sim_diag_t *diag);

/*
 * Parse the base columns of one data line (extra columns ignored; the
 * extras of row are zeroed).  Empty m, n, k, bytes or reps read as 0; an
 * empty tflops is derived as 2*m*n*k / time_s for gemm (0 otherwise), an
 * empty gbps as bytes / time_s.  SIM_ERR_INPUT (file:lineno:column
 * in diag) on fewer than twelve fields, a malformed number, a text field too
 * long, or time_s not positive.  file may be NULL.  Cost O(length).
 */
sim_err_t kbench_csv_parse_row(const char *line, kbench_row_t *row,
                               const char *file, int lineno,
                               sim_diag_t *diag);

#ifdef __cplusplus
}
#endif

#endif /* SIM_KBENCH_KBENCH_CSV_H */
