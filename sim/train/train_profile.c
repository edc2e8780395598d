/*
 * train_profile.c — the sustained clock of a catalog GPU in a long
 * training run (see train_profile.h).
 */
#include "sim/train/train_profile.h"

#include <string.h>

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
