/*
 * keys_sim.h — the executor's own scenario keys (stragglers, a second GPU
 * pool, layer balancing, price, framework overhead), beside the workload's
 * [model]/[parallel]/[train] tables (workloads/keys_train.h).
 */
#ifndef SIM_TRAIN_KEYS_SIM_H
#define SIM_TRAIN_KEYS_SIM_H

#include "sim/config/schema.h"

/* train.straggler_stage, train.straggler_factor, train.pool2_gpu,
 * train.pool2_stages, parallel.balance, train.gpu_hour_usd,
 * train.framework_overhead.  Terminated by CFG_KEY_END. */
extern const cfg_key_t sim_train_keys[];

#endif /* SIM_TRAIN_KEYS_SIM_H */
