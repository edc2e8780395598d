/*
 * gpu_profile.c — the compute profile of a catalog GPU (see gpu_profile.h):
 * shipped calibrated profile under any of the GPU's names, else the
 * built-in one; BF16 and FP16 share a fitted curve when their peaks are
 * equal; export variants borrow from their compute twin.
 */
#include "workloads/gpu_profile.h"

#include <stdio.h>
#include <string.h>

#include "workloads/embedded.h"

int wl_gpu_profile_share_half(sim_compute_profile_t *p)
{
    sim_compute_gemm_curve_t *b = &p->gemm[SIM_COMPUTE_BF16];
    sim_compute_gemm_curve_t *h = &p->gemm[SIM_COMPUTE_FP16];
    double pb = p->peak_tflops[SIM_COMPUTE_BF16];
    double ph = p->peak_tflops[SIM_COMPUTE_FP16];
    if (!(pb > 0.0) || pb != ph || b->fitted == h->fitted)
        return 0;
    if (h->fitted)
        *b = *h;
    else
        *h = *b;
    return 1;
}

/*
 * Compute twins: export variants built on the same die as a GPU that has a
 * calibrated profile, differing only in interconnect (and FP64).  Their
 * tensor-core GEMMs run the same kernels at the same peaks, so a dtype the
 * variant's own profile has not fitted takes the twin's fitted curve, and
 * attention (measured on the twin only) takes the twin's curve.
 * Sources: the catalog (workloads/catalog/gpus.ini): A800 = A100 80GB with
 * NVLink cut to 400 GB/s; H800 = H100 SXM5 with NVLink cut to 400 GB/s.
 */
static const struct { const char *gpu, *twin; } twins[] = {
    {"A800", "A100-80G"},
    {"H800", "H100"},
};

/* Fill p's unfitted dtypes (equal peak) and attention from gpu's twin. */
static void borrow_from_twin(const char *gpu, sim_compute_profile_t *p)
{
    for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++) {
        if (strcmp(twins[i].gpu, gpu) != 0)
            continue;
        char path[128];
        const wl_embedded_file_t *f = wl_embedded_profile(
            twins[i].twin, strlen(twins[i].twin), path, sizeof path);
        sim_compute_profile_t t;
        if (f == NULL || sim_compute_profile_parse(f->data, path, &t, NULL) != SIM_OK)
            return;
        for (int d = 0; d < SIM_COMPUTE_DTYPE__COUNT; d++)
            if (!p->gemm[d].fitted && t.gemm[d].fitted &&
                p->peak_tflops[d] == t.peak_tflops[d]) {
                p->gemm[d] = t.gemm[d];
                p->calibrated = 1;
            }
        /* No attention timings exist for the variants themselves; the
         * twin's curve was fitted on the same die. */
        p->attn_e_max = t.attn_e_max;
        p->attn_l0 = t.attn_l0;
        return;
    }
}

const wl_embedded_file_t *wl_gpu_shipped_profile(const wl_gpu_t *gpu,
                                                 const char *typed,
                                                 char *path, size_t cap)
{
    const wl_embedded_file_t *f = NULL;
    if (typed != NULL)
        f = wl_embedded_profile(typed, strlen(typed), path, cap);
    if (f == NULL && gpu != NULL)
        f = wl_embedded_profile(gpu->name, strlen(gpu->name), path, cap);
    for (const char *a = gpu != NULL ? gpu->aliases : NULL;
         f == NULL && a != NULL && *a != '\0';) {
        const char *comma = strchr(a, ',');
        size_t len = comma != NULL ? (size_t)(comma - a) : strlen(a);
        f = wl_embedded_profile(a, len, path, cap);
        a = comma != NULL ? comma + 1 : a + len;
    }
    return f;
}

sim_err_t wl_gpu_profile(const wl_gpu_t *gpu, const char *typed,
                         sim_compute_profile_t *p, sim_diag_t *diag)
{
    char path[128];
    const wl_embedded_file_t *f =
        wl_gpu_shipped_profile(gpu, typed, path, sizeof path);
    sim_err_t err;
    if (f != NULL) {
        err = sim_compute_profile_parse(f->data, path, p, diag);
    } else {
        err = sim_compute_profile_builtin(gpu->name, p, NULL);
        if (err != SIM_OK && typed != NULL)
            err = sim_compute_profile_builtin(typed, p, NULL);
        for (size_t i = 0; err != SIM_OK && i < sizeof twins / sizeof twins[0]; i++)
            if (strcmp(twins[i].gpu, gpu->name) == 0)
                err = sim_compute_profile_builtin(twins[i].twin, p, NULL);
        if (err != SIM_OK)
            return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0,
                                "cluster.gpu",
                                "no compute profile for GPU '%s': none "
                                "shipped and no built-in peaks",
                                gpu->name);
    }
    if (err == SIM_OK) {
        wl_gpu_profile_share_half(p);
        borrow_from_twin(gpu->name, p);
        wl_gpu_profile_share_half(p);
    }
    return err;
}
