/*
 * cmd_calibrate.c — `gpusim calibrate`: fit a device profile from kernel
 * timings.  Either from a CSV in gpusim-kbench's format (--csv), or by
 * running gpusim-kbench first (--run --backend cpu|cuda) and fitting what
 * it measured.  The profile is written to --out (default DEVICE.profile).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/cli/commands.h"
#include "sim/cli/keys.h"
#include "sim/cli/session.h"
#include "sim/compute/validate.h"

/* gpusim-kbench beside this program (build tree or install bindir), else
 * on PATH. */
static void kbench_path(char *out, size_t n)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(out, n, "%s/gpusim-kbench", self);
            if (access(out, X_OK) == 0)
                return;
        }
    }
    snprintf(out, n, "gpusim-kbench");
}

/* Run gpusim-kbench --backend B --out csv [--quick]; no shell involved. */
static sim_err_t run_kbench(const char *backend, bool quick, const char *csv,
                            sim_diag_t *diag)
{
    char exe[PATH_MAX + 32];
    kbench_path(exe, sizeof exe);
    char *args[8];
    int i = 0;
    args[i++] = exe;
    args[i++] = "--backend";
    args[i++] = (char *)backend;
    args[i++] = "--out";
    args[i++] = (char *)csv;
    if (quick)
        args[i++] = "--quick";
    args[i] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* kbench's stdout would break --json: send it to stderr. */
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(args[0], args);
        fprintf(stderr, "gpusim calibrate: cannot run %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL, "waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return SIM_OK;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return sim_diag_set(diag, code == 2 ? SIM_ERR_DEVICE : SIM_ERR_IO, NULL, 0, NULL,
                        "gpusim-kbench --backend %s failed (exit %d)", backend, code);
}

int cli_cmd_calibrate(int argc, char **argv)
{
    const char *csv = NULL, *device = NULL, *out = NULL, *backend = "cpu";
    bool run = false, quick = false;
    const cli_opt_t opts[] = {
        {"csv", CLI_STRING, &csv, "FILE", "kernel timing CSV (gpusim-kbench format)", NULL},
        {"device", CLI_STRING, &device, "NAME", "use only rows whose device contains NAME", NULL},
        {"out", CLI_STRING, &out, "FILE", "write the fitted profile here (default DEVICE.profile)", NULL},
        {"run", CLI_FLAG, &run, NULL, "run gpusim-kbench first, then fit its CSV", NULL},
        {"backend", CLI_STRING, &backend, "cpu|cuda", "kbench backend for --run (default cpu)", NULL},
        {"quick", CLI_FLAG, &quick, NULL, "with --run: a small kernel grid (seconds)", NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "calibrate", "(--csv FILE | --run [--backend cpu|cuda] [--quick]) [--device NAME] [--out FILE]",
        "Fit a device profile (compute and memory efficiency curves, launch\n"
        "overhead) from kernel timings by nonlinear least squares, and write it.",
        opts, cli_tables_cluster, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT)
        return status;
    sim_err_t err = SIM_OK;
    char csv_buf[64] = "";
    if ((csv == NULL) == !run)
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "give exactly one of --csv FILE or --run");
    if (err == SIM_OK)
        err = cli_session_start(&s, cli_tables_cluster);
    if (err == SIM_OK && run) {
        /* Keep the measurements beside the profile: they are its source. */
        snprintf(csv_buf, sizeof csv_buf, "kbench-%s.csv", backend);
        csv = csv_buf;
        err = run_kbench(backend, quick, csv, &s.diag);
    }
    sim_compute_profile_t profile;
    memset(&profile, 0, sizeof profile);
    if (err == SIM_OK)
        err = sim_compute_calibrate_csv(csv, device, &profile, &s.diag);
    char out_buf[512];
    if (err == SIM_OK && out == NULL) {
        snprintf(out_buf, sizeof out_buf, "%s.profile", profile.device);
        for (char *c = out_buf; *c; c++)
            if (*c == '/' || *c == ' ')
                *c = '_';
        out = out_buf;
    }
    if (err == SIM_OK)
        err = sim_compute_profile_save(&profile, out, &s.diag);
    if (err == SIM_OK) {
        json_object_set_new(s.result, "device", json_string(profile.device));
        json_object_set_new(s.result, "csv", json_string(csv));
        json_object_set_new(s.result, "profile", json_string(out));
        if (!s.common.json)
            printf("calibrated %s from %s -> %s\n", profile.device, csv, out);
    }
    return cli_session_close(&s, err);
}
