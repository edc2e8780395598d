/*
 * gpu_profile.h — which compute profile a catalog GPU runs on (training
 * executor, serving model, validation): the calibrated profile shipped
 * inside the program when there is one (workloads/profiles/NAME.profile,
 * embedded), else the built-in catalog peaks with the documented default
 * efficiencies (calibrated = no).
 *
 * A GPU is known by several names (the catalog section "A100-80G", its
 * aliases "A100", "A100-SXM4-80GB", what the user typed), and a profile
 * ships under one of them; every name is tried, so `gpusim train`,
 * `gpusim serve` and `gpusim validate` pick the same profile for the
 * same GPU.  Export variants (A800, H800) borrow what their own profile
 * lacks from their compute twin (gpu_profile.c).
 *
 * Half precision: published kernel timings are often FP16 only (Vidur's
 * profiler casts models to torch.float16) while Megatron trains in BF16.
 * On the GPUs we calibrate (A100, H100) FP16 and BF16 run on the same
 * tensor-core datapath at the same dense rate (NVIDIA A100 datasheet: 312
 * TFLOP/s for both; H100 SXM datasheet: 989 for both), so a curve fitted
 * on one is used for the other when only one is fitted and the peaks are
 * equal.  The profile text itself is left as fitted.
 *
 * Assumes: the embedded table (workloads/embedded.h) and the parser of
 * sim/compute/profile.h.
 */
#ifndef WORKLOADS_GPU_PROFILE_H
#define WORKLOADS_GPU_PROFILE_H

#include "sim/compute/profile.h"
#include "sim/core/error.h"
#include "workloads/embedded.h"
#include "workloads/hwcat.h"

/*
 * The shipped calibrated profile of a GPU, looked up under typed (may be
 * NULL), then gpu->name, then each of gpu->aliases (gpu may be NULL: typed
 * alone), each upper-cased as workloads/profiles/NAME.profile in the
 * embedded table; path (cap bytes) receives that file name.  Returns the
 * embedded file, or NULL when none ships.  Cost: O(embedded files x names).
 */
const wl_embedded_file_t *wl_gpu_shipped_profile(const wl_gpu_t *gpu,
                                                 const char *typed,
                                                 char *path, size_t cap);

/*
 * Fill *p with the profile of gpu.  typed (may be NULL) is the name the
 * user or the data gave and is tried first; then gpu->name, then each of
 * gpu->aliases (wl_gpu_shipped_profile).  Without a shipped profile, the built-in profile of
 * the first of those names that sim_compute_profile_builtin knows.  The
 * half-precision rule above is then applied (wl_gpu_profile_share_half).
 * Returns SIM_OK; SIM_ERR_NOTFOUND (diag names the GPU) when neither a
 * shipped nor a built-in profile exists; the parser's errors for a bad
 * shipped profile (a build defect).  gpu and p must not be NULL.
 * Cost: O(embedded files x names) plus one parse.
 */
sim_err_t wl_gpu_profile(const wl_gpu_t *gpu, const char *typed,
                         sim_compute_profile_t *p, sim_diag_t *diag);

/*
 * When exactly one of p's BF16 and FP16 GEMM curves is fitted and the two
 * dense peaks are equal and non-zero, copy the fitted curve onto the other
 * (its `fitted` flag and row count included).  Returns 1 when a curve was
 * copied, else 0.  p must not be NULL.  Cost: O(1).
 */
int wl_gpu_profile_share_half(sim_compute_profile_t *p);

#endif /* WORKLOADS_GPU_PROFILE_H */
