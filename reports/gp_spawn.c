/*
 * gp_spawn.c — start gnuplot with a script on its stdin (see gp_spawn.h).
 *
 * fork/exec rather than popen: no shell (so no quoting of paths), the
 * child enters the chart directory itself, its output goes to a descriptor
 * the caller opened, and a failed exec is told apart from a gnuplot error
 * through a close-on-exec pipe (the child writes errno there only when exec
 * fails; a successful exec closes it empty).
 */
#include "reports/gp_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* The child: only async-signal-safe calls until exec. */
static void child(const char *gnuplot, const char *workdir, int in_fd,
                  int log_fd, int err_fd)
{
    char *const argv[] = {(char *)"gnuplot", NULL};
    int e, out_fd = log_fd;

    if (workdir != NULL && chdir(workdir) != 0)
        goto fail;
    if (out_fd < 0 && (out_fd = open("/dev/null", O_WRONLY)) < 0)
        goto fail;
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(out_fd, STDERR_FILENO) < 0)
        goto fail;
    if (strchr(gnuplot, '/') != NULL)
        execv(gnuplot, argv);
    else
        execvp(gnuplot, argv);
fail:
    e = errno;
    if (write(err_fd, &e, sizeof e) < 0) {
        /* Nothing left to report through; the exit status still says 127. */
    }
    _exit(127);
}

/* Write all of buf to fd; stops quietly at EPIPE (the reader is gone).
 * Returns 0, or the errno of another failure. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno == EPIPE ? 0 : errno;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

sim_err_t rep_gp_spawn(const char *gnuplot, const char *workdir,
                       const char *script, size_t len, int log_fd,
                       int *status, sim_diag_t *diag)
{
    int in[2] = {-1, -1}, ep[2] = {-1, -1};
    int child_errno = 0, wst = 0, werr;
    struct sigaction ign, old;
    pid_t pid = -1;
    ssize_t r;
    sim_err_t err = SIM_OK;

    *status = -1;
    if (pipe(in) != 0 || pipe(ep) != 0 || set_cloexec(in[1]) != 0 ||
        set_cloexec(ep[0]) != 0 || set_cloexec(ep[1]) != 0) {
        err = sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL,
                           "cannot create a pipe to gnuplot: %s",
                           strerror(errno));
        goto done;
    }
    pid = fork();
    if (pid < 0) {
        err = sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL,
                           "cannot start gnuplot: fork: %s", strerror(errno));
        goto done;
    }
    if (pid == 0)
        child(gnuplot, workdir, in[0], log_fd, ep[1]);

    close_fd(&in[0]);
    close_fd(&ep[1]);
    do
        r = read(ep[0], &child_errno, sizeof child_errno);
    while (r < 0 && errno == EINTR);
    if (r == (ssize_t)sizeof child_errno) {
        err = sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                           "cannot run gnuplot '%s'%s%s: %s", gnuplot,
                           workdir != NULL ? " in " : "",
                           workdir != NULL ? workdir : "",
                           strerror(child_errno));
        close_fd(&in[1]);
        goto reap;
    }

    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    werr = write_all(in[1], script, len);
    close_fd(&in[1]);
    sigaction(SIGPIPE, &old, NULL);
    if (werr != 0)
        err = sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL,
                           "cannot write the script to gnuplot: %s",
                           strerror(werr));

reap:
    while (waitpid(pid, &wst, 0) < 0) {
        if (errno != EINTR) {
            if (err == SIM_OK)
                err = sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL,
                                   "cannot wait for gnuplot: %s",
                                   strerror(errno));
            goto done;
        }
    }
    if (WIFEXITED(wst))
        *status = WEXITSTATUS(wst);
    else if (WIFSIGNALED(wst))
        *status = 128 + WTERMSIG(wst);
done:
    close_fd(&in[0]);
    close_fd(&in[1]);
    close_fd(&ep[0]);
    close_fd(&ep[1]);
    return err;
}
