/*
 * profiles.c — profile look-up by path, shipped name or catalog device
 * (profiles.h).
 */
#include "sim/cli/profiles.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "workloads/embedded.h"
#include "workloads/gpu_profile.h"
#include "workloads/hwcat.h"

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
    /* A shipped profile by the name typed, or by the catalog's names of
     * that GPU (A100 -> A100-80G, H100-SXM5 -> H100). */
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *g = NULL;
    if (wl_hwcat_load(&cat, NULL) == SIM_OK)
        g = wl_hwcat_find(cat, spec);
    char path[320];
    const wl_embedded_file_t *f = wl_gpu_shipped_profile(g, spec, path, sizeof path);
    /* A name outside the catalog's (H100-PCIe): try it before its suffix. */
    const char *names[2] = {spec, g != NULL ? g->name : NULL};
    for (int i = 0; i < 2 && f == NULL && names[i] != NULL; i++) {
        const char *dash = strchr(names[i], '-');
        if (dash != NULL)
            f = wl_embedded_profile(names[i], (size_t)(dash - names[i]), path, sizeof path);
    }
    wl_hwcat_free(cat);
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
                        "profile (H800, H100, A100, H20) and not a known device", spec);
}
