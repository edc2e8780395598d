/*
 * train_profile.h — the sustained clock of a catalog GPU through a long
 * training run.  Kernel timings are short runs; a Hopper SXM part in a
 * long training run is held at its board power and clocks down.  The
 * executor scales the compute-bound part of each kernel by
 * sim_train_sustained_clock (one sourced number per GPU family, not per
 * run).  Which compute profile a GPU runs on is workloads/gpu_profile.h.
 *
 * Assumes: the profiles' fitted efficiencies stand for the datasheet
 * clock (the clocks of the timings are not recorded).
 */
#ifndef SIM_TRAIN_TRAIN_PROFILE_H
#define SIM_TRAIN_TRAIN_PROFILE_H

#include "workloads/hwcat.h"

/* Sustained tensor-core throughput of a 700 W Hopper SXM part (H100,
 * H800, H200) in a long training run, as a fraction of its dense
 * datasheet peak: DeepSeek's "throttled theoretical peak" of ~865 TFLOP/s
 * against 989.4 (train_profile.c gives the sources). */
#define SIM_TRAIN_HOPPER_SUSTAINED_CLOCK (865.0 / 989.4)

/*
 * The clock at which gpu's SMs run through a long training run, as a
 * fraction of the clock its compute profile's kernel timings stand for
 * (the datasheet clock): SIM_TRAIN_HOPPER_SUSTAINED_CLOCK for the catalog
 * GPUs H100-SXM, H800 and H200 (by section name), 1 for every other GPU
 * and for NULL.  The training executor divides the compute-bound part of
 * every kernel by it (train.h, sustained_clock).  Cost: O(1).
 */
double sim_train_sustained_clock(const wl_gpu_t *gpu);

#endif /* SIM_TRAIN_TRAIN_PROFILE_H */
