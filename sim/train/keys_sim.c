/*
 * keys_sim.c — the executor's scenario keys (see keys_sim.h).
 */
#include "sim/train/keys_sim.h"

const cfg_key_t sim_train_keys[] = {
    {"train", "straggler_stage", CFG_INT, "auto", 0, 1024, NULL, CFG_F_AUTO,
     "pipeline stage whose GPUs run slower (auto = none)"},
    {"train", "straggler_factor", CFG_RATIO, "1", 1, 100, NULL, 0,
     "compute slowdown of the straggler stage (1.2 = 20% slower)"},
    {"train", "pool2_gpu", CFG_STRING, "none", 0, 0, NULL, 0,
     "GPU type of a second pool (heterogeneous job), e.g. H20; its GPUs "
     "run the last train.pool2_stages pipeline stages on the same fabric"},
    {"train", "pool2_stages", CFG_INT, "0", 0, 1024, NULL, 0,
     "pipeline stages that run on the second pool"},
    {"parallel", "balance", CFG_BOOL, "off", 0, 0, NULL, 0,
     "give each stage layers in proportion to its GPU's dense peak "
     "(heterogeneous pools, stragglers)"},
    {"train", "framework_overhead", CFG_TIME, "10us", 0, 1, NULL, 0,
     "time added to every compute kernel (launch gaps, framework); 10us "
     "fitted on Megatron-LM A100 runs, see sim/train/train.h"},
    {"train", "sustained_clock", CFG_RATIO, "auto", 0.1, 1, NULL, CFG_F_AUTO,
     "SM clock through a long run / the clock of the profile's kernel "
     "timings, applied to compute-bound time; auto = the GPU's (865/989.4 "
     "for H100, H800, H200: DeepSeek's throttled peak; 1 otherwise)"},
    CFG_KEY_END,
};
