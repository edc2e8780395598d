/*
 * coll_validate.h — collective predictions against published measurements.
 *
 * Reads a CSV in the format of workloads/validation/collectives.csv
 * (header: op,gpu,gpus,gpus_per_node,nic_gbps_per_gpu,algo,bytes,
 * busbw_GBps,time_us,source,note; RFC-4180 quoting), builds the hardware of
 * each row — one node (gpus == gpus_per_node): the single-node topology;
 * several: a rail-optimised fat tree with one NIC per GPU at
 * nic_gbps_per_gpu — with the GPU's catalog NVLink bandwidth and NVLS flag,
 * simulates the collective with that GPU's calibrated profile, and compares
 * busbw (or, where a row gives only time_us, the time) with the published
 * value.  The non-numeric conventions of the file (any_non_allreduce,
 * per_nic, "large", ">=1GiB", "46-48", "auto(NVLS)") are read as
 * workloads/validation/SOURCE.md describes.
 *
 * Assumes: files are small (tens of rows); each row is simulated alone.
 */
#ifndef SIM_NET_COLL_VALIDATE_H
#define SIM_NET_COLL_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/core/error.h"
#include "sim/net/collective.h"
#include "sim/net/nccl_tuning.h"
#include "workloads/hwcat.h"

/* Path of the published data in the embedded table and the source tree. */
#define SIM_COLL_VALIDATION_PATH "workloads/validation/collectives.csv"

typedef struct sim_coll_vrow {
    int line;                /* CSV line */
    char op[32], gpu[32], algo[32], bytes_text[32], source[160];
    int64_t gpus, gpus_per_node;
    double nic_gbps, bytes;  /* bytes as simulated (largest tried for >=) */
    bool by_time;            /* compared on time, not busbw */
    double expected;         /* busbw GB/s, or time in seconds */
    double simulated;
    double rel_err;          /* simulated / expected - 1 */
    bool pass;
    sim_coll_result_t res;   /* the simulation (algo as picked) */
} sim_coll_vrow_t;

typedef struct sim_coll_vreport {
    size_t n;
    sim_coll_vrow_t *rows;
    double tolerance;
    double max_abs_err;
    size_t failed;
} sim_coll_vreport_t;

/*
 * Validate len bytes of CSV text labelled path against the catalog cat and
 * the profiles tun, with relative tolerance tol (> 0).  rep is filled
 * (sim_coll_vreport_destroy after, also on error).  Returns SIM_OK when
 * every row is within tol; SIM_ERR_CHECK when some is not (rep says which);
 * SIM_ERR_INPUT (bad header, column or value; diag names path:line:column),
 * SIM_ERR_NOTFOUND (unknown GPU), or the simulation's error.
 * Cost: one small simulation per row.
 */
sim_err_t sim_coll_validate_text(const char *text, size_t len,
                                 const char *path, const wl_hwcat_t *cat,
                                 const sim_coll_tuning_t *tun, double tol,
                                 sim_coll_vreport_t *rep, sim_diag_t *diag);

/* The same on a file (SIM_ERR_IO if it cannot be read), or on the embedded
 * published data when path is NULL. */
sim_err_t sim_coll_validate_file(const char *path, const wl_hwcat_t *cat,
                                 const sim_coll_tuning_t *tun, double tol,
                                 sim_coll_vreport_t *rep, sim_diag_t *diag);

/* Free the rows; the struct may then be reused.  NULL-safe. */
void sim_coll_vreport_destroy(sim_coll_vreport_t *rep);

/* A table (one row per line, C-locale numbers).  SIM_OK or SIM_ERR_IO. */
sim_err_t sim_coll_vreport_print(const sim_coll_vreport_t *rep, FILE *out);

/* Add tolerance, max_abs_err, failed and rows (a list of objects: line, op,
 * gpu, gpus, gpus_per_node, algo, algo_run, proto, bytes, metric,
 * expected, simulated, rel_err, pass, source) to obj.  SIM_OK or
 * SIM_ERR_NOMEM. */
sim_err_t sim_coll_vreport_to_json(const sim_coll_vreport_t *rep,
                                   json_t *obj);

#endif /* SIM_NET_COLL_VALIDATE_H */
