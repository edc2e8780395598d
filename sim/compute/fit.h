/*
 * fit.h — fit a device profile's efficiency parameters to kernel timings.
 *
 * The model is a tile/wave schedule, the way CUTLASS-style GEMM kernels
 * (cuBLAS, DeepGEMM) run on S SMs with dense peak P:
 *
 *   tile        BM×BN, BM ∈ {64,128}, BN ∈ {64,128,256}; k-step BK = 128
 *               bytes of K (64 BF16 / 128 FP8 elements)
 *   T           = ceil(m/BM)·ceil(n/BN) output tiles, I = ceil(k/BK) steps
 *   t_step      = max(2·BM·BN·BK / (P/S · e_max),        tensor pipe
 *                     iter_s,                            load latency
 *                     busy·(BM+BN)·BK·elem / l2_GBps)    shared L2 feed
 *   splits s    = 1 when T >= S; else split-k over the idle SMs,
 *                 s = clamp(min(S/T, split_max, I, sqrt(I·t_step/split_s)), 1)
 *                 (the least tile_s + I·t_step/s + (s−1)·split_s)
 *   waves       x = T·s/S;  w = 1 if x <= 1, else ceil(x)^wave · x^(1−wave)
 *   t_epi       = epi · busy·BM·BN·c / (W · mem_eff), c = output bytes
 *                 per element (4, FP32 partials, when s > 1)
 *   t_core      = w · (tile_s + t_epi + I·t_step/s) + (s − 1)·split_s
 *   t(m,n,k)    = max(min over tiles of t_core, B / (W · mem_eff)) + t_0
 *
 * busy = min(T·s, S) SMs share the L2's operand bandwidth, so a kernel
 * on a few SMs is bounded by each SM's load latency (iter_s: a k-step
 * cannot finish faster than its loads arrive) while a full machine is
 * bounded by the L2 feed — which is why big GEMMs stay well below the
 * dense peak and long-k GEMMs with few tiles run slower than a
 * whole-device roofline says.  tile_s is the per-work-unit prologue and
 * epilogue (pipeline fill, the epilogue's fixed part); split_s the reduction cost of
 * each extra k-split, so the fit decides whether the library splits
 * (DeepGEMM-like data gives small split_s; PipeWeave's FP8 data a large
 * one, i.e. practically no split-k).  wave = 1 is strict wave
 * quantisation, 0 a perfectly balanced stream-K schedule.  B =
 * compulsory bytes, W = HBM bandwidth, t_0 = launch overhead.  t_epi
 * is the store of each unit's C tile through HBM, which the busy SMs
 * share; epi ∈ [0, 1] is the part of it not hidden behind the next unit's
 * main loop (0: fully overlapped, 1: serialised).  It matters where the
 * output is large against the k-loop — large M×N with a short k, e.g.
 * DeepGEMM's 4096×32768×512 at 48% of the HBM peak although the whole-
 * kernel bound alone would allow 100%.  The tile
 * (and split count) is chosen per shape by least time, as a library's
 * heuristic would; every term is a physical rate or time, so the model
 * extrapolates to unseen shapes instead of interpolating a grid.
 *
 * Without an SM count (a CPU, or a device outside the catalog) the tile
 * terms are off: t_core = 2mnk / (P · e_max · m/(m+m0) · n/(n+n0) ·
 * k/(k+k0)), the continuous limit of tile padding.
 *
 * Fitting: nonlinear least squares (GSL gsl_multifit_nlinear,
 * Levenberg-Marquardt with a trust region, finite-difference Jacobian
 * because of the max, the ceilings and the tile choice) on log-time
 * residuals log t_pred − log t_meas, so a 10% miss weighs the same on a
 * 5 us and a 5 ms kernel.  Parameters are fitted in unconstrained form
 * (logit for e_max, mem_eff, wave and epi; log for times, bandwidths, sizes
 * and split_max − 1).  Each parameter also gets a Gaussian prior centred
 * on the documented default (profile.c), as ridge residuals
 * w·(θ − θ_default): w = 0.01 for e_max and mem_eff, which any rows
 * determine, and w = 0.1 for the others, which only rows spanning many
 * shapes pin down.  With hundreds of rows the prior is negligible; with
 * DeepGEMM's nine it keeps a 6-row fit from wandering.  Four
 * deterministic starting points are tried and the lowest cost kept.
 *
 * Held-out errors (validate.h, every K-th row held out; |error| median /
 * worst):
 *   DeepGEMM H800 FP8, 9 rows      K=2 1.1% / 5.3%    K=3 1.6% / 6.0%
 *                                  K=4 3.3% / 6.5% (2 rows held out)
 *   PipeWeave H100, 526-row subset K=3 1.9% / 16.4%   K=5 1.7% / 19.9%
 *   PipeWeave H800, 526-row subset K=3 2.5% / 17.6%   K=5 2.3% / 21.8%
 *   PipeWeave H200, 132 rows       K=3 1.9% / 14.6%
 *   PipeWeave H20, 132 rows        K=3 3.7% / 43.3%
 *   H100 FP8+FP16 (PipeWeave+Vidur) K=3 3.4% / 29.4%
 *   A100 FP16 (Vidur), 416 rows    K=3 5.4% / 38.7%
 * (without t_epi: DeepGEMM K=4 11.8% / 21.4%, H20 2.1% / 13.9%, H100
 * FP8+FP16 4.0% / 29.2%, A100 5.3% / 45.2%; the README explains the
 * misses; the previous smooth-efficiency model: PipeWeave worst 30-42%).
 *
 * Other parameters: streaming memory efficiency from triad/copy rows
 * (weighted linear fit of time against bytes, weights 1/t², efficiency =
 * 1/(slope · W)), PCIe efficiency the same way from memcpy_h2d/d2h rows,
 * launch overhead as the median of `launch` rows.  Without launch rows t_0
 * is fitted with the GEMM curves (one t_0 shared by all dtypes).
 *
 * Assumes: rows are for one device (the caller filters).
 */
#ifndef SIM_COMPUTE_FIT_H
#define SIM_COMPUTE_FIT_H

#include <stddef.h>

#include "sim/compute/profile.h"
#include "sim/compute/timing_csv.h"
#include "sim/core/error.h"

typedef enum sim_compute_kclass {
    SIM_COMPUTE_K_GEMM = 0,  /* "gemm", "matmul", "gemm_*" */
    SIM_COMPUTE_K_MEM,       /* "triad", "copy", "scale", "add",
                                "memcpy" (kbench: device-to-device),
                                "memcpy_d2d" */
    SIM_COMPUTE_K_PCIE,      /* "h2d", "d2h", "memcpy_h2d", "memcpy_d2h" */
    SIM_COMPUTE_K_LAUNCH,    /* "launch" */
    SIM_COMPUTE_K_OTHER      /* not modelled: ignored by fit and validate */
} sim_compute_kclass_t;

/* Class of a kbench kernel name (case-insensitive).  Cost: O(len). */
sim_compute_kclass_t sim_compute_kernel_class(const char *kernel);

/* Counts of what a fit used. */
typedef struct sim_compute_fit_summary {
    size_t gemm_rows;
    size_t mem_rows;
    size_t pcie_rows;
    size_t launch_rows;
    size_t other_rows;   /* rows of kernels the model does not cover */
    size_t iterations;   /* nonlinear solver iterations (best start) */
    double cost;         /* final 0.5·Σ residual² of the GEMM fit */
} sim_compute_fit_summary_t;

/*
 * Predict one timing row with profile p: GEMM rows by the roofline (bytes
 * from the row when > 0, else from the shape with FP8 writing BF16), memory
 * and PCIe rows as bytes / (bandwidth · efficiency) + t_0, launch rows as
 * t_0.  Returns the time in seconds, or a negative value when the row
 * cannot be predicted (class OTHER, unknown dtype, dtype without a peak).
 * Cost: O(1).
 */
double sim_compute_predict_row(const sim_compute_profile_t *p,
                               const sim_compute_timing_row_t *row);

/*
 * Fit p's efficiency parameters to rows[i] for every i with use == NULL or
 * use[i] != 0.  p must hold the device's peaks (sim_compute_profile_init or
 * _builtin, or a loaded profile); parameters without rows keep their
 * values; fitted ones are replaced and p->calibrated set.  summary may be
 * NULL.  Returns SIM_OK; SIM_ERR_INPUT when no row is usable or a GEMM row
 * names a dtype the device has no peak for (diag names the row's line);
 * SIM_ERR_LIB when GSL fails; SIM_ERR_NOMEM.  p is unchanged on error.
 * Cost: O(iterations · rows · parameters), milliseconds for thousands of
 * rows.
 */
sim_err_t sim_compute_fit(const sim_compute_timing_row_t *rows, size_t n,
                          const unsigned char *use, sim_compute_profile_t *p,
                          sim_compute_fit_summary_t *summary,
                          sim_diag_t *diag);

#endif /* SIM_COMPUTE_FIT_H */
