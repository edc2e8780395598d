/*
 * bench_sweep.c — `gpusim sweep` over 200 topo variants (25 cluster sizes x
 * 4 topologies x 2 NIC speeds, each variant ~50-90 ms of topology building,
 * max-flow bisection and BFS diameter on one core), serial and then under
 * `mpirun -np 2`; prints both wall times, the speed-up, variant rates and
 * the peak RSS of the child processes, and whether the two --json outputs
 * are byte-identical.  Never fails on time (exit 1 only if a run fails or
 * the outputs differ).
 *
 * Runs ./gpusim from the build directory (as `make bench` does).  The MPI
 * half needs configure to have found MPI and mpirun (GPUSIM_MPIRUN, defined
 * in sim/plan/local.mk); without them only the serial half runs.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef GPUSIM_MPIRUN
#define GPUSIM_MPIRUN ""
#endif

#define N_GPUS 25 /* 320, 328, ..., 512 */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run argv with stdout to out_path; returns the exit status (-1: could
 * not run). */
static int run(char *const argv[], const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
        close(fd);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#ifdef HAVE_MPI
static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}
#endif

static long peak_children_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss;
}

/* CPU seconds (user + system) of the children waited for so far. */
static double children_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* The 1-minute load average (Linux /proc), or -1 when unknown: wall-clock
 * speed-ups mean something only on an otherwise idle machine. */
static double load_avg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

int main(void)
{
    char dir[] = "/tmp/gpusim-bench-sweep.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char gpus[512] = "cluster.gpus=";
    for (int i = 0; i < N_GPUS; i++) {
        char v[16];
        snprintf(v, sizeof v, "%s%d", i > 0 ? "," : "", 320 + 8 * i);
        strcat(gpus, v);
    }
    char topo[] = "cluster.topology=spine-leaf,fat-tree,rail-fat-tree,hpn";
    char nic[] = "cluster.nic_bandwidth=200Gbps,400Gbps";
    char db_serial[128], db_mpi[128], out_serial[128], out_mpi[128];
    snprintf(db_serial, sizeof db_serial, "%s/serial.db", dir);
    snprintf(db_mpi, sizeof db_mpi, "%s/mpi.db", dir);
    snprintf(out_serial, sizeof out_serial, "%s/serial.json", dir);
    snprintf(out_mpi, sizeof out_mpi, "%s/mpi.json", dir);
    const int variants = N_GPUS * 4 * 2;

    char *serial[] = {"./gpusim", "sweep", "--command", "topo", "--vary", gpus, "--vary", topo,
                      "--vary", nic, "--db", db_serial, "--json", NULL};
    printf("bench_sweep: %d topo variants (%s; 4 topologies; 2 NIC speeds)\n", variants, gpus);
    printf("  machine: %ld cores online, load average %.2f at start\n",
           sysconf(_SC_NPROCESSORS_ONLN), load_avg());
    double t0 = now_s();
    int rc = run(serial, out_serial);
    double t_serial = now_s() - t0;
    long rss_serial = peak_children_kib();
    double cpu_serial = children_cpu_s();
    if (rc != 0) {
        fprintf(stderr, "bench_sweep: serial sweep exited %d\n", rc);
        return 1;
    }
    printf("  serial        wall %7.3f s   cpu %7.3f s   %6.1f variants/s   %6.1f ms/variant   "
           "peak RSS %ld KiB\n", t_serial, cpu_serial, variants / t_serial,
           1e3 * t_serial / variants, rss_serial);

    int status = 0;
#ifdef HAVE_MPI
    if (GPUSIM_MPIRUN[0] != '\0') {
        char mpirun[] = GPUSIM_MPIRUN;
        char *mpi[] = {mpirun, "--oversubscribe", "--allow-run-as-root", "-np", "2", "./gpusim",
                       "sweep", "--command", "topo", "--vary", gpus, "--vary", topo, "--vary",
                       nic, "--db", db_mpi, "--json", NULL};
        t0 = now_s();
        rc = run(mpi, out_mpi);
        double t_mpi = now_s() - t0;
        long rss_mpi = peak_children_kib();
        double cpu_mpi = children_cpu_s() - cpu_serial;
        if (rc != 0) {
            fprintf(stderr, "bench_sweep: mpirun sweep exited %d\n", rc);
            return 1;
        }
        int same = same_file(out_serial, out_mpi);
        printf("  mpirun -np 2  wall %7.3f s   cpu %7.3f s   %6.1f variants/s   peak RSS %ld KiB\n",
               t_mpi, cpu_mpi, variants / t_mpi, rss_mpi);
        printf("  speed-up %.2fx (target >= 1.8x on 2 idle cores); cores used: serial %.2f, "
               "mpi %.2f\n", t_serial / t_mpi, cpu_serial / t_serial, cpu_mpi / t_mpi);
        printf("  load average %.2f at end\n", load_avg());
        printf("  --json byte-identical to serial: %s\n", same ? "yes" : "NO");
        if (!same)
            status = 1;
    } else {
        printf("  mpirun: not found by configure; MPI half skipped\n");
    }
#else
    printf("  gpusim built without MPI; MPI half skipped\n");
#endif
    unlink(db_serial);
    unlink(db_mpi);
    unlink(out_serial);
    unlink(out_mpi);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", db_serial);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db_serial);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-wal", db_mpi);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db_mpi);
    unlink(wal);
    rmdir(dir);
    return status;
}
