/*
 * train_profile.c — the compute profile of a catalog GPU for the training
 * executor (see train_profile.h): shipped calibrated profile under any of
 * the GPU's names, else the built-in one; BF16 and FP16 share a fitted
 * curve when their peaks are equal.
 */
#include "sim/train/train_profile.h"

#include <stdio.h>
#include <string.h>

#include "workloads/embedded.h"

int sim_train_profile_share_half(sim_compute_profile_t *p)
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
        const wl_embedded_file_t *f = wl_embedded_profile(twins[i].twin, strlen(twins[i].twin), path,
                                              sizeof path);
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

sim_err_t sim_train_profile_for_gpu(const wl_gpu_t *gpu, const char *typed,
                                    sim_compute_profile_t *p,
                                    sim_diag_t *diag)
{
    char path[128];
    const wl_embedded_file_t *f = NULL;
    if (typed != NULL)
        f = wl_embedded_profile(typed, strlen(typed), path, sizeof path);
    if (f == NULL)
        f = wl_embedded_profile(gpu->name, strlen(gpu->name), path, sizeof path);
    for (const char *a = gpu->aliases; f == NULL && a != NULL && *a != '\0';) {
        const char *comma = strchr(a, ',');
        size_t len = comma != NULL ? (size_t)(comma - a) : strlen(a);
        f = wl_embedded_profile(a, len, path, sizeof path);
        a = comma != NULL ? comma + 1 : a + len;
    }
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
        sim_train_profile_share_half(p);
        borrow_from_twin(gpu->name, p);
        sim_train_profile_share_half(p);
    }
    return err;
}

/*
 * Sustained clocks.  A Hopper SXM part under a long tensor-core load sits
 * at its 700 W board power and clocks down: DeepSeek measure their H800
 * kernels against a "throttled theoretical peak" of ~865 TFLOP/s, where
 * the dense datasheet peak, 989 TFLOP/s, is 4,096 FLOP per clock per SM
 * x 132 SMs at 1,830 MHz (deepseek-ai/FlashMLA, docs/20250422-new-kernel-
 * deep-dive.md and docs/20250929-hopper-fp8-sparse-deep-dive.md;
 * research/kernel-timings.md §3a).  The stas00/ml-engineering MAMF table
 * agrees in shape: back-to-back torch.matmul reaches 80.3% of the dense
 * peak on H100 SXM (794.5 of 989, "H200 is the same") = 92% of 865,
 * against 86.9% on A100 SXM (271.2 of 312; research/kernel-timings.md
 * §7a).  H800 is the H100 die, and H200 the same die at the same 700 W
 * (catalog).  No throttled peak is published for A100 (400 W) or other
 * GPUs: 1.  The profiles' kernel timings are short runs whose clock is
 * not recorded; this assumes they ran at the datasheet clock (if they
 * boosted above it, the training clock relative to them is lower still).
 */
static const struct { const char *gpu; double clock; } sustained[] = {
    {"H100-SXM", SIM_TRAIN_HOPPER_SUSTAINED_CLOCK},
    {"H800", SIM_TRAIN_HOPPER_SUSTAINED_CLOCK},
    {"H200", SIM_TRAIN_HOPPER_SUSTAINED_CLOCK},
};

double sim_train_sustained_clock(const wl_gpu_t *gpu)
{
    size_t n = sizeof sustained / sizeof sustained[0];
    for (size_t i = 0; gpu != NULL && i < n; i++)
        if (strcmp(sustained[i].gpu, gpu->name) == 0)
            return sustained[i].clock;
    return 1.0;
}
