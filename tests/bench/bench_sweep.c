/*
 * bench_sweep.c — `gpusim sweep` serially and under `mpirun -np 2` (issue
 * #8: a 200-variant sweep, target >= 1.8x on 2 cores), for two sweeps:
 *
 *   topo   200 topology variants: 25 cluster sizes x 4 topologies x 2 NIC
 *          speeds, each ~50-90 ms of topology building, max-flow bisection
 *          and BFS diameter on one core;
 *   train  200 training variants: failure rate (x0.5 to x8) x checkpoint
 *          interval (10 min to 2 h, and Daly's) x fabric (HPN, rail
 *          fat-tree) x global batch (512 to 4,096), each with 300 fault
 *          Monte-Carlo replications of the Baichuan2-13B run on 1,024 H800
 *          (workloads/scenarios/train-baichuan2-13b-hpn.ini +
 *          faults-baichuan-hpn.ini, written out below); ~10-400 ms each,
 *          the most expensive (rate x8, Daly's interval) last in cartesian
 *          order.
 *
 * Each sweep runs REPEATS times (the argument, default 1), serial and MPI
 * alternately, each into a fresh store; every run's wall and CPU time is
 * printed, then the medians and the speed-up, and whether every --json
 * output is byte-identical to the first serial one.  The MPI runs set
 * GPUSIM_SWEEP_TIMES=1, and each rank's line (variants run, time running,
 * committing, waiting, idle at the end) is printed under its run.  Never
 * fails on time (exit 1 only if a run fails or an output differs).
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

#define N_GPUS 25 /* topo: 320, 328, ..., 512 */
#define MAX_REPEATS 20
#define MAX_ARGS 24

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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

/* Run argv with stdout to out_path and stderr to err_path (NULL: inherited),
 * GPUSIM_SWEEP_TIMES=1 in its environment when times; returns the exit
 * status (-1: could not run). */
static int run(char *const argv[], const char *out_path, const char *err_path, int times)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
        close(fd);
        if (err_path != NULL) {
            fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
                _exit(127);
            close(fd);
        }
        if (times)
            setenv("GPUSIM_SWEEP_TIMES", "1", 1);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

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

/* Print the lines of path that hold "rank", indented (the ranks' times). */
static void print_rank_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *r = strstr(line, "rank ");
        if (r != NULL)
            printf("      %s", r);
    }
    if (f != NULL)
        fclose(f);
}

static void remove_store(const char *db)
{
    char p[300];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPEATS];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* One sweep: args (after "./gpusim sweep", NULL-terminated, without --db),
 * repeats x (serial, mpirun -np 2).  Returns 0, or 1 if a run failed or an
 * output differed. */
static int bench(const char *name, const char *dir, char *const *args, int repeats)
{
    char db[256], out[256], first[256], err[256];
    snprintf(db, sizeof db, "%s/%s.db", dir, name);
    snprintf(out, sizeof out, "%s/%s.json", dir, name);
    snprintf(first, sizeof first, "%s/%s-serial.json", dir, name);
    snprintf(err, sizeof err, "%s/%s.err", dir, name);
    char mpirun[] = GPUSIM_MPIRUN, gpusim[] = "./gpusim", sweep[] = "sweep", dbopt[] = "--db";
    char oversub[] = "--oversubscribe", root[] = "--allow-run-as-root", np[] = "-np", two[] = "2";
    char *serial[MAX_ARGS], *mpi[MAX_ARGS];
    int ns = 0, nm = 0;
    serial[ns++] = gpusim;
    serial[ns++] = sweep;
    char *const pre[] = {mpirun, oversub, root, np, two, gpusim, sweep};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
        mpi[nm++] = pre[i];
    for (int i = 0; args[i] != NULL && nm < MAX_ARGS - 3; i++) {
        serial[ns++] = args[i];
        mpi[nm++] = args[i];
    }
    serial[ns++] = mpi[nm++] = dbopt;
    serial[ns++] = mpi[nm++] = db;
    serial[ns] = mpi[nm] = NULL;
    int with_mpi = 0;
#ifdef HAVE_MPI
    with_mpi = mpirun[0] != '\0';
#endif

    double ts[MAX_REPEATS], tm[MAX_REPEATS], speedup[MAX_REPEATS];
    int all_same = 1;
    printf("  %s sweep:\n", name);
    for (int r = 0; r < repeats; r++) {
        double load = load_avg();
        remove_store(db);
        double cpu0 = children_cpu_s(), t0 = now_s();
        int rc = run(serial, r == 0 ? first : out, NULL, 0);
        ts[r] = now_s() - t0;
        double cpu = children_cpu_s() - cpu0;
        if (rc != 0) {
            fprintf(stderr, "bench_sweep: %s: serial sweep exited %d\n", name, rc);
            return 1;
        }
        int same = r == 0 || same_file(first, out);
        all_same &= same;
        printf("    run %d  serial        wall %7.3f s   cpu %7.3f s   %6.1f ms/variant   "
               "load %.2f%s\n", r + 1, ts[r], cpu, 1e3 * ts[r] / 200, load,
               same ? "" : "   --json DIFFERS");
        if (!with_mpi)
            continue;
        load = load_avg();
        remove_store(db);
        cpu0 = children_cpu_s();
        t0 = now_s();
        rc = run(mpi, out, err, 1);
        tm[r] = now_s() - t0;
        cpu = children_cpu_s() - cpu0;
        if (rc != 0) {
            fprintf(stderr, "bench_sweep: %s: mpirun sweep exited %d\n", name, rc);
            return 1;
        }
        same = same_file(first, out);
        all_same &= same;
        speedup[r] = ts[r] / tm[r];
        printf("    run %d  mpirun -np 2  wall %7.3f s   cpu %7.3f s   %.2fx   cores used %.2f   "
               "load %.2f%s\n", r + 1, tm[r], cpu, speedup[r], cpu / tm[r], load,
               same ? "" : "   --json DIFFERS");
        print_rank_lines(err);
    }
    double ms = median(ts, repeats);
    printf("    median serial %.3f s", ms);
    if (with_mpi) {
        double lo = speedup[0], hi = speedup[0];
        for (int r = 1; r < repeats; r++) {
            lo = speedup[r] < lo ? speedup[r] : lo;
            hi = speedup[r] > hi ? speedup[r] : hi;
        }
        double mm = median(tm, repeats);
        printf(", mpirun -np 2 %.3f s: %.2fx (runs %.2f-%.2fx, median %.2fx; target >= 1.8x "
               "on 2 idle cores)", mm, ms / mm, lo, hi, median(speedup, repeats));
    }
    printf("\n    --json byte-identical to serial in every run: %s\n", all_same ? "yes" : "NO");
    remove_store(db);
    unlink(out);
    unlink(first);
    unlink(err);
    return all_same ? 0 : 1;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 1;
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "usage: bench_sweep [REPEATS (1 to %d)]\n", MAX_REPEATS);
        return 2;
    }
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
    char cmd[] = "--command", vary[] = "--vary", json[] = "--json", scen[] = "--scenario";
    char topo[] = "topo", train[] = "train";
    char topos[] = "cluster.topology=spine-leaf,fat-tree,rail-fat-tree,hpn";
    char nic[] = "cluster.nic_bandwidth=200Gbps,400Gbps";
    char *topo_args[] = {cmd, topo, vary, gpus, vary, topos, vary, nic, json, NULL};

    /* train-baichuan2-13b-hpn.ini + faults-baichuan-hpn.ini, 300 replications. */
    char ini[256];
    snprintf(ini, sizeof ini, "%s/train.ini", dir);
    FILE *f = fopen(ini, "w");
    if (f == NULL) {
        perror(ini);
        return 1;
    }
    fputs("[cluster]\ngpu = H800\ngpus = 1024\ntopology = hpn\nnic_bandwidth = 400Gbps\n"
          "nics_per_node = 8\n[model]\nname = baichuan2-13b\n"
          "[parallel]\ntp = 4\npp = 1\nsp = on\nzero = 1\nrecompute = selective\n"
          "[train]\nseq_len = 4096\nmicro_batch = 2\nglobal_batch = 1024\ntokens = 2.6T\n"
          "[faults]\nenabled = on\nprofile = llama3-16k\nhot_spares = 2\nwork = auto\n"
          "replications = 300\n", f);
    if (fclose(f) != 0) {
        perror(ini);
        return 1;
    }
    char rate[] = "faults.rate_scale=0.5,1,2,4,8";
    char interval[] = "faults.checkpoint_interval=10min,30min,1h,2h,auto";
    char fabric[] = "cluster.topology=hpn,rail-fat-tree";
    char batch[] = "train.global_batch=512,1024,2048,4096";
    char *train_args[] = {cmd, train, scen, ini, vary, rate, vary, interval, vary, fabric,
                          vary, batch, json, NULL};

    printf("bench_sweep: 200-variant sweeps, serial vs mpirun -np 2, %d run%s each\n", repeats,
           repeats > 1 ? "s" : "");
    printf("  machine: %ld cores online, load average %.2f at start\n",
           sysconf(_SC_NPROCESSORS_ONLN), load_avg());
#ifdef HAVE_MPI
    if (GPUSIM_MPIRUN[0] == '\0')
        printf("  mpirun: not found by configure; MPI half skipped\n");
#else
    printf("  gpusim built without MPI; MPI half skipped\n");
#endif
    int status = bench("topo", dir, topo_args, repeats);
    status |= bench("train", dir, train_args, repeats);
    printf("  load average %.2f at end\n", load_avg());
    unlink(ini);
    rmdir(dir);
    return status;
}
