/*
 * keys_faults.h — the [faults] scenario key table and its reader: turns a
 * resolved scenario into a flt_config_t for goodput.h.
 */
#ifndef SIM_FAULTS_KEYS_FAULTS_H
#define SIM_FAULTS_KEYS_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/config/scenario.h"
#include "sim/config/schema.h"
#include "sim/faults/goodput.h"

/* [faults]: enabled (default off), work, profile, rates, distribution,
 * recovery, spares, checkpoints, replications.  Terminated by CFG_KEY_END. */
extern const cfg_key_t cfg_keys_faults[];

/* Choices of faults.profile, NULL-terminated, in cfg_get_enum order. */
extern const char *const flt_profile_choices[];

/*
 * Fill cfg from the [faults] keys of sc (a scenario composed with
 * cfg_keys_faults).  gpus: GPUs of the job (for the auto snapshot pause);
 * model_ckpt_bytes: the checkpoint size the model implies, used when
 * faults.checkpoint_size is auto (NaN when the caller has none: auto is
 * then an error).  *enabled receives faults.enabled (may be NULL).  Returns
 * SIM_OK; SIM_ERR_RANGE / SIM_ERR_INPUT with the key in diag; the errors
 * of flt_profile_builtin.  Cost: one profile parse.
 */
sim_err_t flt_config_from_scenario(const cfg_scenario_t *sc, int64_t gpus,
                                   double model_ckpt_bytes,
                                   flt_config_t *cfg, bool *enabled,
                                   sim_diag_t *diag);

/* The comm_fraction key, for filling flt_job_t.  O(log keys). */
double flt_scenario_comm_fraction(const cfg_scenario_t *sc);

/* The useful work (seconds) of the job: faults.work when given, else
 * model_work_s (the training model's fault-free time to train; the caller
 * supplies it).  O(log keys). */
double flt_scenario_work_s(const cfg_scenario_t *sc, double model_work_s);

#endif /* SIM_FAULTS_KEYS_FAULTS_H */
