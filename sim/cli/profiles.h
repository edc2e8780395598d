/*
 * profiles.h — find a compute device profile by what the user typed: a
 * profile file's path, the name of a calibrated profile shipped inside the
 * program (workloads/profiles/NAME.profile), or a catalog device that has
 * no calibration (its peaks with documented default efficiencies — the
 * profile then says calibrated = no and callers report it).
 */
#ifndef SIM_CLI_PROFILES_H
#define SIM_CLI_PROFILES_H

#include <stdbool.h>

#include "sim/compute/profile.h"
#include "sim/core/error.h"

/* Resolve spec into *p.  *source (may be NULL) receives "file",
 * "embedded" or "uncalibrated".  Errors: SIM_ERR_NOTFOUND (diag lists what
 * was tried) or the profile parser's errors. */
sim_err_t cli_profile_resolve(const char *spec, sim_compute_profile_t *p,
                              const char **source, sim_diag_t *diag);

#endif /* SIM_CLI_PROFILES_H */
