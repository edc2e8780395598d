/*
 * gp_spawn.h — the one place reports/ starts a process: gnuplot, reading a
 * script on its standard input.  A module boundary of its own so tests can
 * link a mock rep_gp_spawn instead of this file (a link seam: a test that
 * defines rep_gp_spawn never pulls gp_spawn.o out of libgpusim.a).
 *
 * Assumes: POSIX fork/exec; the caller is single-threaded while a spawn
 * runs (SIGPIPE is ignored for the duration of the write, then restored).
 */
#ifndef REPORTS_GP_SPAWN_H
#define REPORTS_GP_SPAWN_H

#include <stddef.h>

#include "sim/core/error.h"

/*
 * Run gnuplot (a path, or a bare name searched in PATH) with working
 * directory workdir (NULL: the caller's), script[0..len) on its stdin, and
 * its stdout and stderr appended to the open descriptor log_fd (-1: to
 * /dev/null).  No shell is involved, so no name needs shell quoting.
 * *status receives gnuplot's exit status (0-255, or 128 + the signal that
 * ended it).  gnuplot stopping early (a script error) is not a failure of
 * the spawn: the write stops at EPIPE and the status tells.
 *
 * Returns SIM_OK when gnuplot ran; SIM_ERR_NOTFOUND when it could not be
 * executed (missing, not executable) or workdir could not be entered;
 * SIM_ERR_IO when pipe, fork or wait failed.  Cost: one process.
 */
sim_err_t rep_gp_spawn(const char *gnuplot, const char *workdir,
                       const char *script, size_t len, int log_fd,
                       int *status, sim_diag_t *diag);

#endif /* REPORTS_GP_SPAWN_H */
