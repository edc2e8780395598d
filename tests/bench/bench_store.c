/*
 * bench_store.c — results-store write and read rates on a WAL file:
 * series points appended in batches, metrics in one transaction, and
 * series read back.  Prints figures; never fails on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sim/store/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int check(sim_err_t err, const sim_diag_t *d)
{
    char buf[1024];
    if (err == SIM_OK)
        return 0;
    fprintf(stderr, "bench_store: %s\n", sim_diag_format(d, buf, sizeof buf));
    return 1;
}

int main(void)
{
    enum { POINTS = 1000000, BATCH = 10000, METRICS = 20000, RUNS = 2000 };
    char path[] = "/tmp/bench_store.XXXXXX";
    char db[64], side[80];
    sim_diag_t d = SIM_DIAG_INIT;
    sim_store_t *st = NULL;
    double *t = malloc(BATCH * sizeof *t), *v = malloc(BATCH * sizeof *v);
    double *rt = NULL, *rv = NULL, t0, dt;
    size_t n = 0;
    int64_t run = 0, id = 0;
    int rc = 1;
    struct rusage ru;

    if (t == NULL || v == NULL || mkdtemp(path) == NULL)
        return 1;
    snprintf(db, sizeof db, "%s/b.db", path);
    if (check(sim_store_open(db, SIM_STORE_READWRITE, &st, &d), &d))
        goto done;
    sim_store_run_info_t info = {.command = "bench", .seed = 1};
    if (check(sim_store_run_begin(st, &info, &run, &d), &d))
        goto done;

    t0 = now_s();
    for (size_t b = 0; b < POINTS / BATCH; b++) {
        for (size_t i = 0; i < BATCH; i++) {
            t[i] = (double)(b * BATCH + i) * 1e-3;
            v[i] = (double)i;
        }
        if (check(sim_store_series_append(st, run, "util", t, v, BATCH, &d),
                  &d))
            goto done;
    }
    dt = now_s() - t0;
    printf("series append: %d points in batches of %d: %.3f s, %.0f points/s\n",
           POINTS, BATCH, dt, POINTS / dt);

    t0 = now_s();
    if (check(sim_store_begin(st, &d), &d))
        goto done;
    for (int i = 0; i < METRICS; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%05d", i);
        if (check(sim_store_metric(st, run, name, i * 0.5, &d), &d))
            goto done;
    }
    if (check(sim_store_commit(st, &d), &d))
        goto done;
    dt = now_s() - t0;
    printf("metrics: %d in one transaction: %.3f s, %.0f metrics/s\n", METRICS,
           dt, METRICS / dt);

    t0 = now_s();
    for (int i = 0; i < RUNS; i++) {
        if (check(sim_store_begin(st, &d), &d) ||
            check(sim_store_run_begin(st, &info, &id, &d), &d) ||
            check(sim_store_metric(st, id, "x", 1.0, &d), &d) ||
            check(sim_store_run_end(st, id, 1.0, "ok", &d), &d) ||
            check(sim_store_commit(st, &d), &d))
            goto done;
    }
    dt = now_s() - t0;
    printf("runs: %d (begin, 1 metric, end; one commit each): %.3f s, "
           "%.0f runs/s\n", RUNS, dt, RUNS / dt);

    t0 = now_s();
    if (check(sim_store_series_get(st, run, "util", &rt, &rv, &n, &d), &d))
        goto done;
    dt = now_s() - t0;
    printf("series read: %zu points: %.3f s, %.0f points/s\n", n, dt,
           (double)n / dt);

    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    rc = 0;
done:
    sim_store_close(st);
    free(t);
    free(v);
    free(rt);
    free(rv);
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    rmdir(path);
    return rc;
}
