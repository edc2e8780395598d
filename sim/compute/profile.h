/*
 * profile.h — a device profile: what the compute model knows about one GPU.
 *
 * A profile holds the catalog peaks (dense tensor TFLOP/s per data type, HBM
 * and PCIe bandwidth), the kernel launch overhead, and the efficiency
 * parameters that turn peaks into achievable rates (see fit.h for how they
 * are fitted and roofline.h for how they are used).  It is self-contained
 * text, "key = value" per line, so it can be reviewed, diffed and embedded:
 *
 *     device = H800-SXM5
 *     calibrated = yes
 *     peak_tflops.fp8 = 1979
 *     gemm.fp8.e_max = 0.78...
 *
 * An uncalibrated profile (calibrated = no) carries the catalog peaks with
 * the documented default efficiencies below; callers report that flag so a
 * prediction made without measurements is never mistaken for a fitted one.
 *
 * Assumes: a profile is a plain value (no heap), copied freely; all rates
 * are per device (one GPU), times in seconds.
 */
#ifndef SIM_COMPUTE_PROFILE_H
#define SIM_COMPUTE_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

/* Data types with distinct tensor-core peaks. */
typedef enum sim_compute_dtype {
    SIM_COMPUTE_FP64 = 0,
    SIM_COMPUTE_FP32,  /* FP32 on tensor cores is TF32 on NVIDIA; see TF32 */
    SIM_COMPUTE_TF32,
    SIM_COMPUTE_BF16,
    SIM_COMPUTE_FP16,
    SIM_COMPUTE_FP8,
    SIM_COMPUTE_INT8,
    SIM_COMPUTE_DTYPE__COUNT
} sim_compute_dtype_t;

/* Bytes per element of a dtype (FP8 and INT8 are 1). */
double sim_compute_dtype_bytes(sim_compute_dtype_t dt);

/* Short name ("fp8", "bf16", ...); never NULL. */
const char *sim_compute_dtype_name(sim_compute_dtype_t dt);

/* Parse a dtype spelling: "fp8", "fp8_e4m3", "fp8_e5m2", "bf16", "fp16",
 * "half", "fp32", "float", "tf32", "fp64", "double", "int8"; case-insensitive.
 * Returns 0 and sets *out, or -1 when the name is unknown.  Cost: O(1). */
int sim_compute_dtype_parse(const char *name, sim_compute_dtype_t *out);

/*
 * GEMM timing curve for one dtype (the model is explained in fit.h).
 * On a device with a known SM count (sm_count > 0) the tile model is used:
 *   per k-iteration  t_it = max(2·BM·BN·BK / (P/S · e_max),
 *                               (BM+BN)·BK·elem / (sm_GBps·1e9))
 *   per work unit    tile_s + epi·(C tile bytes) / (HBM share of the SM)
 *                    + (iterations / splits)·t_it
 *   kernel           waves·unit + (splits − 1)·split_s, tile and splits
 *                    (≤ split_max) chosen per shape for the least time
 * and the result is bounded below by bytes / (HBM · mem_eff).  Without an
 * SM count (a CPU) the tile terms are off and the continuous padding
 * factors take over: e_c = e_max · m/(m+m0) · n/(n+n0) · k/(k+k0).
 */
typedef struct sim_compute_gemm_curve {
    int fitted;      /* 1 when fitted from timings, 0 when defaults */
    double e_max;    /* tensor-pipe efficiency in the k-loop, (0, 1] */
    double mem_eff;  /* fraction of HBM bandwidth when memory-bound, (0, 1] */
    double wave;     /* how much of the last partial wave shows, [0, 1] */
    double tile_s;   /* fixed time per work unit: prologue + epilogue, s */
    double iter_s;   /* least time of one k-step: load latency over the
                        pipeline stages, s */
    double l2_GBps;  /* operand bandwidth all busy SMs share, 1e9 B/s */
    double split_max; /* most k-splits a library uses, >= 1 */
    double split_s;  /* cost of each extra split (reduction), s */
    double epi;      /* part of each unit's C store through HBM that is
                        not overlapped with the next unit, [0, 1] */
    double m0;       /* no-SM-count model: half-saturation sizes */
    double n0;
    double k0;
    size_t rows;     /* timing rows used by the fit (0 when defaults) */
} sim_compute_gemm_curve_t;

typedef struct sim_compute_profile {
    char device[64];
    int calibrated;                  /* 1 when any parameter was fitted */
    double peak_tflops[SIM_COMPUTE_DTYPE__COUNT]; /* dense; 0 = unsupported */
    double vector_tflops;            /* FP32 on CUDA cores (non-tensor) */
    double sm_count;                 /* streaming multiprocessors; 0 = unknown */
    double hbm_GBps;                 /* peak HBM bandwidth, 1e9 B/s */
    double pcie_GBps;                /* host link, one direction, 1e9 B/s */
    double launch_s;                 /* fixed cost added to every kernel */
    double mem_eff;                  /* streaming kernels (triad, copy) */
    double pcie_eff;                 /* host copies */
    double attn_e_max;               /* attention: e_max * L/(L + attn_l0) */
    double attn_l0;
    sim_compute_gemm_curve_t gemm[SIM_COMPUTE_DTYPE__COUNT];
    char source_csv[256];            /* CSV the fit came from, "" if none */
    char source_fnv1a64[17];         /* FNV-1a 64 of that file, hex */
    size_t source_rows;              /* rows of that CSV used */
} sim_compute_profile_t;

/*
 * Fill p with an uncalibrated profile: the given peaks (array indexed by
 * sim_compute_dtype_t, TFLOP/s dense, 0 = unsupported; may be NULL for all
 * zero), HBM and PCIe bandwidth, and the documented default efficiencies
 * (profile.c cites each).  device may be NULL ("unknown").  Cost: O(1).
 */
void sim_compute_profile_init(sim_compute_profile_t *p, const char *device,
                              const double *peak_tflops, double hbm_GBps,
                              double pcie_GBps);

/*
 * Fill p with the uncalibrated profile of a built-in device (catalog peaks,
 * cited in profile.c): "H100", "H800", "H200", "H20", "A100", matched
 * case-insensitively as a substring of name ("NVIDIA H800", "H800-SXM5").
 * Returns SIM_OK, or SIM_ERR_NOTFOUND (diag set) when no device matches.
 */
sim_err_t sim_compute_profile_builtin(const char *name,
                                      sim_compute_profile_t *p,
                                      sim_diag_t *diag);

/*
 * Parse profile text (NUL-terminated).  name labels diagnostics (file name
 * or "embedded:..."; may be NULL).  Keys not written are taken from the
 * built-in defaults; unknown keys, duplicate keys, bad numbers and
 * out-of-range values are errors.  Returns SIM_OK, SIM_ERR_INPUT,
 * SIM_ERR_RANGE (diag names file:line:key).  p is untouched on error.
 * Cost: linear in the text.
 */
sim_err_t sim_compute_profile_parse(const char *text, const char *name,
                                    sim_compute_profile_t *p,
                                    sim_diag_t *diag);

/* Read and parse the file at path.  Returns SIM_ERR_IO when it cannot be
 * read, else as sim_compute_profile_parse. */
sim_err_t sim_compute_profile_load(const char *path, sim_compute_profile_t *p,
                                   sim_diag_t *diag);

/*
 * Format p as profile text into a new heap string (*out, caller frees).
 * Numbers use %.17g in the C locale, so parse(format(p)) == p and
 * format(parse(format(p))) is byte-identical.  Returns SIM_OK or
 * SIM_ERR_NOMEM.
 */
sim_err_t sim_compute_profile_format(const sim_compute_profile_t *p,
                                     char **out);

/* Write sim_compute_profile_format(p) to path.  SIM_ERR_IO on failure. */
sim_err_t sim_compute_profile_save(const sim_compute_profile_t *p,
                                   const char *path, sim_diag_t *diag);

/* FNV-1a 64-bit hash of n bytes (profiles record their CSV's hash). */
uint64_t sim_compute_fnv1a64(const void *data, size_t n);

#endif /* SIM_COMPUTE_PROFILE_H */
