/*
 * hwcat.h — the hardware catalog: GPU specifications by name.
 *
 * The catalog is workloads/catalog/gpus.ini, compiled into the program
 * (workloads/embedded.h); its conventions (dense TFLOP/s, per-direction
 * NVLink bandwidth, vendor GB) are documented at the top of that file.
 * Loading validates every value's unit and range and requires a
 * source_<key> line for every number; errors name gpus.ini:line:key.
 *
 * Names are looked up case-insensitively, through aliases too
 * ("h100" = "H100-SXM", "A100" = "A100-80G").
 *
 * Assumes: a loaded catalog is immutable; wl_gpu_t pointers stay valid
 * until wl_hwcat_free.
 */
#ifndef WL_HWCAT_H
#define WL_HWCAT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/error.h"

/* Path of the catalog in the embedded table (and in the source tree). */
#define WL_HWCAT_PATH "workloads/catalog/gpus.ini"

/* One accelerator, in base units.  Strings are owned by the catalog. */
typedef struct wl_gpu {
    const char *name;      /* section name, e.g. "H100-SXM" */
    const char *vendor;    /* "NVIDIA", "AMD", "Huawei" */
    const char *aliases;   /* comma-separated, "" when none */
    double bf16_flops;     /* dense peak BF16/FP16 FLOP/s */
    double fp8_flops;      /* dense peak FP8 FLOP/s; 0 = unsupported */
    double tf32_flops;     /* 0 = not in the catalog */
    double fp32_flops;     /* 0 = not in the catalog */
    double memory_bytes;   /* vendor-stated capacity, decimal GB * 1e9 */
    double mem_bw;         /* peak memory bandwidth, bytes/s */
    double nvlink_bw;      /* scale-up bandwidth per GPU per direction,
                              bytes/s; 0 = none */
    int nvlink_domain;     /* GPUs per scale-up domain; 1 = none */
    bool nvls;             /* NVLink SHARP available */
    double tdp_w;          /* board power, watts */
    bool approximate;      /* rests on secondary/conflicting sources */
    int line;              /* line of the section header in gpus.ini */
} wl_gpu_t;

typedef struct wl_hwcat wl_hwcat_t;

/*
 * Load the embedded catalog.  *out gets a new catalog (wl_hwcat_free).
 * Returns SIM_ERR_NOTFOUND when the program was built without the
 * embedded file, else as wl_hwcat_parse.  Cost: O(catalog size).
 */
sim_err_t wl_hwcat_load(wl_hwcat_t **out, sim_diag_t *diag);

/*
 * Parse a catalog from len bytes of text labelled path.  Returns SIM_OK,
 * SIM_ERR_INPUT (syntax, unknown or missing key, missing source_ line,
 * duplicate name or alias), SIM_ERR_UNIT, SIM_ERR_RANGE or SIM_ERR_NOMEM;
 * diag (may be NULL) names path:line:key.
 */
sim_err_t wl_hwcat_parse(const char *text, size_t len, const char *path,
                         wl_hwcat_t **out, sim_diag_t *diag);

/* Free a catalog; NULL is a no-op. */
void wl_hwcat_free(wl_hwcat_t *cat);

/* Number of GPUs, and GPU i (0 <= i < count) in file order. */
size_t wl_hwcat_count(const wl_hwcat_t *cat);
const wl_gpu_t *wl_hwcat_get(const wl_hwcat_t *cat, size_t i);

/* The GPU whose name or alias matches name case-insensitively, or NULL.
 * Cost: O(catalog size). */
const wl_gpu_t *wl_hwcat_find(const wl_hwcat_t *cat, const char *name);

/* As wl_hwcat_find, but a miss is SIM_ERR_NOTFOUND with diag listing the
 * known names (diag's file/line/key left empty for the caller to fill via
 * its own context). */
sim_err_t wl_hwcat_lookup(const wl_hwcat_t *cat, const char *name,
                          const wl_gpu_t **out, sim_diag_t *diag);

#endif /* WL_HWCAT_H */
