/*
 * profiles.c — profile look-up by path, shipped name or catalog device
 * (profiles.h).
 */
#include "sim/cli/profiles.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "workloads/embedded.h"

sim_err_t cli_profile_resolve(const char *spec, sim_compute_profile_t *p,
                              const char **source, sim_diag_t *diag)
{
    if (spec == NULL || spec[0] == '\0')
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "a profile is required (a file, or a device such as H800)");
    if (access(spec, R_OK) == 0) {
        if (source)
            *source = "file";
        return sim_compute_profile_load(spec, p, diag);
    }
    char name[256];
    size_t n = 0;
    for (; spec[n] != '\0' && n < 63; n++)
        name[n] = (char)toupper((unsigned char)spec[n]);
    name[n] = '\0';
    char path[320];
    snprintf(path, sizeof path, "workloads/profiles/%s.profile", name);
    const wl_embedded_file_t *f = wl_embedded_find(path);
    if (f != NULL) {
        if (source)
            *source = "embedded";
        return sim_compute_profile_parse(f->data, path, p, diag);
    }
    sim_err_t err = sim_compute_profile_builtin(spec, p, NULL);
    if (err == SIM_OK) {
        if (source)
            *source = "uncalibrated";
        return SIM_OK;
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "no profile '%s': not a readable file, not a shipped "
                        "profile (H800, H100) and not a known device", spec);
}
