/*
 * bench_plan.c — the planner's example scenarios end to end: runs
 * `./gpusim plan --scenario workloads/scenarios/plan-*.ini --json` for each
 * (cold, into a fresh store), then again on the same store (every
 * simulation a cache hit), and prints wall time, candidates considered,
 * simulated and cached, and the children's peak RSS.  The target is
 * under a minute each on a 2-core machine; this program never fails on
 * time (exit 1 only when a run fails).
 *
 * Runs ./gpusim from the build directory; scenarios from $top_srcdir (or
 * the source directory given as argv[1], default ".").  A scenario whose
 * command has no runner in this build (plan-train-* before `train`
 * registers one) is reported as skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run gpusim plan on scenario with the store db; stdout into out_path.
 * Returns the exit status (-1: could not run). */
static int run_plan(const char *scenario, const char *db, const char *out_path)
{
    fflush(stdout); /* or the child would print the parent's buffer again */
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (freopen(out_path, "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        execl("./gpusim", "gpusim", "plan", "--scenario", scenario, "--db", db, "--json",
              (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long long geti(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

int main(int argc, char **argv)
{
    const char *src = argc > 1 ? argv[1] : getenv("top_srcdir");
    const char *names[] = {"plan-cluster-queue", "plan-aigc-spike", "plan-serve-llama70b",
                           "plan-train-qwen72b"};
    char db[] = "/tmp/bench_plan.XXXXXX";
    int fd = mkstemp(db), failed = 0;
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    if (src == NULL)
        src = ".";
    printf("%-22s %-5s %9s %10s %9s %7s  %s\n", "scenario", "pass", "wall s", "considered",
           "simulated", "cached", "best cost USD");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        for (int pass = 0; pass < 2; pass++) {
            char path[4096], out[4200];
            snprintf(path, sizeof path, "%s/workloads/scenarios/%s.ini", src, names[i]);
            snprintf(out, sizeof out, "%s.out", db);
            if (pass == 0)
                remove(db);
            double t0 = now_s();
            int st = run_plan(path, db, out);
            double wall = now_s() - t0;
            json_t *o = st == 0 ? json_load_file(out, 0, NULL) : NULL;
            if (o == NULL) {
                printf("%-22s %-5s %9.2f  (exit %d: %s)\n", names[i], pass ? "warm" : "cold",
                       wall, st, st == 2 ? "skipped: no runner or bad scenario" : "failed");
                failed |= st != 2;
                remove(out);
                break;
            }
            const json_t *c = json_object_get(o, "cost_usd");
            printf("%-22s %-5s %9.2f %10lld %9lld %7lld  %.6g\n", names[i],
                   pass ? "warm" : "cold", wall, geti(o, "considered"), geti(o, "simulated"),
                   geti(o, "cached"), json_is_number(c) ? json_number_value(c) : -1.0);
            json_decref(o);
            remove(out);
        }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("peak RSS of the gpusim runs: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    remove(db);
    return failed ? 1 : 0;
}
