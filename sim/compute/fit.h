/*
 * fit.h — fit a device profile's efficiency parameters to kernel timings.
 *
 * The model (chosen for generalising to unseen shapes from few rows):
 *
 *   t(m,n,k) = max(F / (P · e_c), B / (W · e_m)) + t_0
 *   u        = A / (A + a0),  A = (m + m0) · n
 *   q        = (T/S) / ceil(T/S),  T = ceil(m/128)·ceil(n/128), S = SMs
 *   e_c      = e_max · m/(m+m0) · n/(n+n0) · k/(k+k0) · u · q^wave
 *   e_m      = mem_eff · u
 *
 * F = 2mnk, B = compulsory bytes, P = dense peak of the dtype, W = HBM
 * bandwidth, t_0 = launch overhead.  Each factor x/(x+x0) is the fraction
 * of useful work when a dimension of size x is processed in units whose
 * fixed cost equals x0 elements of work: tile padding for m and n,
 * pipeline fill/drain and the epilogue for k.  u is the share of the
 * machine a GEMM can occupy: A counts output elements (m padded by m0, a
 * small M still fills a whole tile row), and a GEMM with few output tiles
 * runs on few SMs, which caps both its FLOP rate and the bandwidth it can
 * pull (the small-M, small-N, long-K cases are latency-bound, not
 * HBM-bound).  q is the wave-quantisation tail (T tiles on S SMs take
 * ceil(T/S) waves); the fitted exponent `wave` says how much of it a
 * library actually shows (stream-K and shape-specific tiles soften it).
 * Everything is smooth in the parameters, saturates at e_max, and cannot
 * go negative, so it extrapolates sanely; a grid interpolation would need
 * dense coverage and clamp outside it.
 *
 * Fitting: nonlinear least squares (GSL gsl_multifit_nlinear,
 * Levenberg-Marquardt with a trust region, finite-difference Jacobian
 * because of the max and the ceilings) on log-time residuals
 * log t_pred − log t_meas, so a 10% miss weighs the same on a 5 us and a
 * 5 ms kernel.  Parameters are fitted in unconstrained form (logit for
 * efficiencies and `wave`, log for sizes and t_0).  Each parameter also
 * gets a Gaussian prior centred on the documented default (profile.c), as
 * ridge residuals w·(θ − θ_default): w = 0.01 for the scale parameters
 * (e_max, mem_eff, t_0), which any rows determine, and w = 0.1 for the
 * shape parameters (m0, n0, k0, a0, wave), which only rows spanning many
 * shapes pin down.  With thousands of rows the prior is negligible; with
 * DeepGEMM's nine it keeps a 6-row fit from wandering.  Four
 * deterministic starting points are tried and the lowest cost kept.
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
