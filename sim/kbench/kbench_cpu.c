/*
 * kbench_cpu.c — the CPU backend of gpusim-kbench.
 *
 * Lets the measure -> fit -> predict -> compare pipeline run, and be tested,
 * on any machine.  Kernels:
 *
 *   gemm    cblas_sgemm (fp32) and cblas_dgemm (fp64) from the linked CBLAS
 *           (OpenBLAS, all its threads).  fp16/bf16/tf32/fp8 do not apply:
 *           CBLAS has no such GEMM, so the program skips them with a note.
 *           Dimensions are capped (2048, or 256 with --quick) to bound time.
 *   triad   STREAM's a[i] = b[i] + s*c[i] on doubles, our own loop, split over
 *           all online CPUs with one POSIX thread each (threads are started
 *           per call, ~tens of us against a call of tens of ms).  Each array
 *           is at least 4x the last-level cache (STREAM's sizing rule,
 *           McCalpin, "STREAM: Sustainable Memory Bandwidth in High
 *           Performance Computers", www.cs.virginia.edu/stream/ref.html),
 *           capped at 1/8 of physical memory for the three together.
 *   memcpy  memcpy() of one such array, one thread; bytes = 2*size.
 *   launch  the analogue of a kernel launch: one empty function called
 *           through a volatile function pointer (so it cannot be inlined).
 *   wake    the analogue of waking an idle GPU stream: one thread wakes a
 *           sleeping partner through a mutex and condition variable and waits
 *           for the answer; time = round trip / 2, i.e. one wake-up.
 *
 * Timing: clock_gettime(CLOCK_MONOTONIC) around a rep; a rep repeats the call
 * `inner` times, inner chosen from the last warm-up call so that a rep lasts
 * at least cfg->min_rep_s (timer resolution stops mattering).
 *
 * Assumes: Linux (/proc/cpuinfo, /sys cache sizes; both optional), POSIX
 * threads, a CBLAS with the row-major interface.
 */
#include "sim/kbench/kbench.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "sim/kbench/kbench_grid.h"

#define DEFAULT_LLC_BYTES (32u << 20) /* when /sys does not say */
#define MAX_THREADS 256
#define MAX_INNER ((int64_t)1 << 24)

typedef struct cpu_state {
    size_t stream_n; /* doubles per triad array */
    int nthreads;    /* for the triad */
} cpu_state_t;

/* ---- device probing ---------------------------------------------------- */

/* Value of the first "key : value" line of /proc/cpuinfo whose key is key;
 * 0 when absent. */
static int cpuinfo_value(const char *key, char *out, size_t n)
{
    char line[512];
    int found = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");

    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        char *end = colon;
        while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if ((size_t)(end - line) != strlen(key) || strncmp(line, key, strlen(key)) != 0)
            continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        v[strcspn(v, "\r\n")] = '\0';
        snprintf(out, n, "%s", v);
        found = 1;
    }
    fclose(f);
    return found;
}

/* Size in bytes of the highest-level cache of cpu0, or 0. */
static size_t llc_bytes(void)
{
    size_t best = 0;
    int best_level = 0;

    for (int i = 0; i < 10; i++) {
        char path[96], buf[64];
        int level = 0;
        unsigned long size = 0;
        char unit = 0;
        FILE *f;

        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        if (fgets(buf, sizeof buf, f) != NULL)
            level = atoi(buf);
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        if (fgets(buf, sizeof buf, f) != NULL && sscanf(buf, "%lu%c", &size, &unit) >= 1) {
            if (unit == 'K')
                size <<= 10;
            else if (unit == 'M')
                size <<= 20;
            if (level > best_level || (level == best_level && size > best)) {
                best_level = level;
                best = size;
            }
        }
        fclose(f);
    }
    return best;
}

static int blas_threads(void)
{
#ifdef OPENBLAS_VERSION
    return openblas_get_num_threads();
#else
    return 1;
#endif
}

static sim_err_t cpu_init(const kbench_config_t *cfg, void **state,
                          kbench_device_t *dev, sim_diag_t *diag)
{
    (void)cfg;
    cpu_state_t *st = calloc(1, sizeof *st);
    struct utsname u;
    char mhz[64];
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t llc = llc_bytes();

    if (st == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "", "out of memory");
    memset(dev, 0, sizeof *dev);
    if (!cpuinfo_value("model name", dev->name, sizeof dev->name) &&
        !cpuinfo_value("Hardware", dev->name, sizeof dev->name) &&
        !cpuinfo_value("cpu model", dev->name, sizeof dev->name))
        snprintf(dev->name, sizeof dev->name, "unknown CPU");
    if (uname(&u) == 0) {
        size_t len = strnlen(u.machine, sizeof u.machine);
        if (len >= sizeof dev->arch)
            len = sizeof dev->arch - 1;
        memcpy(dev->arch, u.machine, len);
        dev->arch[len] = '\0';
    }
    if (cpuinfo_value("cpu MHz", mhz, sizeof mhz))
        dev->clock_mhz = strtod(mhz, NULL);
    dev->units = blas_threads();

    st->nthreads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
    if (llc == 0)
        llc = DEFAULT_LLC_BYTES;
    size_t bytes = 4 * llc;
    if (pages > 0 && page > 0) {
        size_t cap = (size_t)pages / 8 * (size_t)page / 3;
        if (bytes > cap)
            bytes = cap;
    }
    st->stream_n = bytes / sizeof(double);
    if (st->stream_n < 1024)
        st->stream_n = 1024;
    *state = st;
    return SIM_OK;
}

static sim_err_t cpu_list(void *state, const kbench_config_t *cfg,
                          kbench_case_list_t *cases, sim_diag_t *diag)
{
    cpu_state_t *st = state;
    sim_err_t err;
    const kbench_case_t fixed[] = {
        {KBENCH_LAUNCH, KBENCH_FP32, 0, 0, 0},
        {KBENCH_WAKE, KBENCH_FP32, 0, 0, 0},
        {KBENCH_TRIAD, KBENCH_FP64, (int64_t)st->stream_n, 0, 0},
        {KBENCH_MEMCPY, KBENCH_FP64, (int64_t)(st->stream_n * sizeof(double)), 0, 0},
    };

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if ((err = kbench_cases_push(cases, fixed[i])) != SIM_OK)
            goto fail;
    err = kbench_grid_gemm(cases, cfg->shapes, cfg->quick, cfg->quick ? 256 : 2048,
                           cfg->dtype_mask &
                               (KBENCH_DTYPE_BIT(KBENCH_FP32) | KBENCH_DTYPE_BIT(KBENCH_FP64)));
fail:
    if (err != SIM_OK)
        return sim_diag_set(diag, err, NULL, 0, "", "cannot build the case list");
    return SIM_OK;
}

/* ---- the timing harness ------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * Warm up (cfg->warmup untimed calls), time one more call to size `inner`,
 * then time cfg->reps reps of inner calls of fn(ctx).  Fills s->times
 * (seconds per call / div) and s->inner.
 */
static void time_calls(void (*fn)(void *), void *ctx, const kbench_config_t *cfg,
                       double div, kbench_sample_t *s)
{
    void (*volatile call)(void *) = fn; /* never inlined: keeps "launch" honest */
    double one = 0.0;
    int64_t inner = 1;
    for (int i = 0; i < cfg->warmup; i++)
        call(ctx);
    double t0 = now_s();
    call(ctx);
    one = now_s() - t0;
    if (one < cfg->min_rep_s) {
        double want = ceil(cfg->min_rep_s / (one > 1e-9 ? one : 1e-9));
        inner = want > (double)MAX_INNER ? MAX_INNER : (int64_t)want;
    }
    for (int r = 0; r < s->reps; r++) {
        double start = now_s();
        for (int64_t j = 0; j < inner; j++)
            call(ctx);
        s->times[r] = (now_s() - start) / (double)inner / div;
    }
    s->inner = inner;
}

/* ---- kernels ------------------------------------------------------------ */

static void empty_call(void *ctx)
{
    (void)ctx;
}

typedef struct wake {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int turn; /* 1: partner's move, 0: caller's */
    int stop;
} wake_t;

static void *wake_partner(void *p)
{
    wake_t *w = p;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->turn != 1 && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->stop)
            break;
        w->turn = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void wake_round_trip(void *p)
{
    wake_t *w = p;
    pthread_mutex_lock(&w->mu);
    w->turn = 1;
    pthread_cond_broadcast(&w->cv);
    while (w->turn != 0)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static sim_err_t run_wake(const kbench_config_t *cfg, kbench_sample_t *s,
                          sim_diag_t *diag)
{
    wake_t w;
    pthread_t th;

    memset(&w, 0, sizeof w);
    if (pthread_mutex_init(&w.mu, NULL) != 0)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "wake", "pthread_mutex_init failed");
    if (pthread_cond_init(&w.cv, NULL) != 0) {
        pthread_mutex_destroy(&w.mu);
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "wake", "pthread_cond_init failed");
    }
    if (pthread_create(&th, NULL, wake_partner, &w) != 0) {
        pthread_cond_destroy(&w.cv);
        pthread_mutex_destroy(&w.mu);
        return SIM_ERR_INFEASIBLE; /* no second thread here: skip the case */
    }
    time_calls(wake_round_trip, &w, cfg, 2.0, s);
    pthread_mutex_lock(&w.mu);
    w.stop = 1;
    pthread_cond_broadcast(&w.cv);
    pthread_mutex_unlock(&w.mu);
    pthread_join(th, NULL);
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return SIM_OK;
}

typedef struct triad {
    double *a, *b, *c;
    size_t n;
    int nthreads;
    int init; /* 1: first-touch the arrays instead of the triad */
} triad_t;

typedef struct triad_slice {
    const triad_t *t;
    size_t lo, hi;
} triad_slice_t;

static void *triad_slice(void *p)
{
    const triad_slice_t *sl = p;
    double *restrict a = sl->t->a;
    const double *restrict b = sl->t->b;
    const double *restrict c = sl->t->c;
    const double scalar = 3.0; /* STREAM's */

    if (sl->t->init) {
        for (size_t i = sl->lo; i < sl->hi; i++) {
            a[i] = 1.0;
            sl->t->b[i] = 2.0;
            sl->t->c[i] = 0.5;
        }
    } else {
        for (size_t i = sl->lo; i < sl->hi; i++)
            a[i] = b[i] + scalar * c[i];
    }
    return NULL;
}

/* One triad over all threads; a slice whose thread cannot start runs here. */
static void triad_call(void *p)
{
    const triad_t *t = p;
    pthread_t th[MAX_THREADS];
    triad_slice_t sl[MAX_THREADS];
    int started[MAX_THREADS];
    size_t chunk = t->n / (size_t)t->nthreads;

    for (int i = 0; i < t->nthreads; i++) {
        sl[i].t = t;
        sl[i].lo = (size_t)i * chunk;
        sl[i].hi = i == t->nthreads - 1 ? t->n : (size_t)(i + 1) * chunk;
        started[i] = i > 0 && pthread_create(&th[i], NULL, triad_slice, &sl[i]) == 0;
    }
    for (int i = 0; i < t->nthreads; i++)
        if (!started[i])
            triad_slice(&sl[i]);
    for (int i = 1; i < t->nthreads; i++)
        if (started[i])
            pthread_join(th[i], NULL);
}

static void *alloc_big(size_t bytes)
{
    size_t align = 64;
    return aligned_alloc(align, (bytes + align - 1) / align * align);
}

static sim_err_t run_triad(cpu_state_t *st, const kbench_config_t *cfg,
                           const kbench_case_t *c, kbench_sample_t *s,
                           sim_diag_t *diag)
{
    triad_t t;
    sim_err_t err = SIM_OK;
    size_t bytes = (size_t)c->m * sizeof(double);

    memset(&t, 0, sizeof t);
    t.n = (size_t)c->m;
    t.nthreads = st->nthreads;
    t.a = alloc_big(bytes);
    t.b = alloc_big(bytes);
    t.c = alloc_big(bytes);
    if (t.a == NULL || t.b == NULL || t.c == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "triad",
                           "cannot allocate 3 x %zu bytes", bytes);
        goto fail;
    }
    t.init = 1;
    triad_call(&t); /* each thread first-touches the pages it will stream */
    t.init = 0;
    time_calls(triad_call, &t, cfg, 1.0, s);
    s->flops = 2.0 * (double)t.n;
    s->bytes = 3.0 * (double)bytes;
fail:
    free(t.a);
    free(t.b);
    free(t.c);
    return err;
}

typedef struct copy {
    void *dst;
    const void *src;
    size_t bytes;
} copy_t;

static void copy_call(void *p)
{
    copy_t *cp = p;
    memcpy(cp->dst, cp->src, cp->bytes);
}

static sim_err_t run_memcpy(const kbench_config_t *cfg, const kbench_case_t *c,
                            kbench_sample_t *s, sim_diag_t *diag)
{
    copy_t cp;
    sim_err_t err = SIM_OK;

    cp.bytes = (size_t)c->m;
    cp.dst = alloc_big(cp.bytes);
    void *src = alloc_big(cp.bytes);
    cp.src = src;
    if (cp.dst == NULL || src == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "memcpy",
                           "cannot allocate 2 x %zu bytes", cp.bytes);
        goto fail;
    }
    memset(src, 1, cp.bytes);
    memset(cp.dst, 0, cp.bytes);
    time_calls(copy_call, &cp, cfg, 1.0, s);
    s->flops = 0.0;
    s->bytes = 2.0 * (double)cp.bytes;
fail:
    free(cp.dst);
    free(src);
    return err;
}

typedef struct gemm {
    kbench_dtype_t dtype;
    int m, n, k;
    void *x, *w, *y;
} gemm_t;

/* Y[m x n] = X[m x k] * W^T, W stored [n x k] row-major (a linear layer). */
static void gemm_call(void *p)
{
    gemm_t *g = p;
    if (g->dtype == KBENCH_FP64)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->m, g->n, g->k,
                    1.0, g->x, g->k, g->w, g->k, 0.0, g->y, g->n);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->m, g->n, g->k,
                    1.0f, g->x, g->k, g->w, g->k, 0.0f, g->y, g->n);
}

/* Deterministic values in [-1, 1): a 64-bit LCG (Knuth's MMIX constants). */
static void fill_values(void *p, kbench_dtype_t d, size_t count, uint64_t seed)
{
    uint64_t x = seed;
    for (size_t i = 0; i < count; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double v = (double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0;
        if (d == KBENCH_FP64)
            ((double *)p)[i] = v;
        else
            ((float *)p)[i] = (float)v;
    }
}

static sim_err_t run_gemm(const kbench_config_t *cfg, const kbench_case_t *c,
                          kbench_sample_t *s, sim_diag_t *diag)
{
    gemm_t g;
    sim_err_t err = SIM_OK;
    size_t es;

    if (c->dtype != KBENCH_FP32 && c->dtype != KBENCH_FP64)
        return SIM_ERR_INFEASIBLE;
    if (c->m < 1 || c->n < 1 || c->k < 1 || c->m > 65536 || c->n > 65536 || c->k > 65536)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "gemm",
                            "shape %lldx%lldx%lld outside 1..65536", (long long)c->m,
                            (long long)c->n, (long long)c->k);
    es = kbench_dtype_size(c->dtype);
    memset(&g, 0, sizeof g);
    g.dtype = c->dtype;
    g.m = (int)c->m;
    g.n = (int)c->n;
    g.k = (int)c->k;
    g.x = alloc_big((size_t)g.m * (size_t)g.k * es);
    g.w = alloc_big((size_t)g.n * (size_t)g.k * es);
    g.y = alloc_big((size_t)g.m * (size_t)g.n * es);
    if (g.x == NULL || g.w == NULL || g.y == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "gemm",
                           "cannot allocate the operands of %dx%dx%d", g.m, g.n, g.k);
        goto fail;
    }
    fill_values(g.x, g.dtype, (size_t)g.m * (size_t)g.k, 1);
    fill_values(g.w, g.dtype, (size_t)g.n * (size_t)g.k, 2);
    time_calls(gemm_call, &g, cfg, 1.0, s);
    s->flops = kbench_gemm_flops(c->m, c->n, c->k);
    s->bytes = kbench_gemm_bytes(c->dtype, c->m, c->n, c->k);
fail:
    free(g.x);
    free(g.w);
    free(g.y);
    return err;
}

static sim_err_t cpu_run(void *state, const kbench_config_t *cfg,
                         const kbench_case_t *c, kbench_sample_t *s,
                         sim_diag_t *diag)
{
    cpu_state_t *st = state;

    s->flops = 0.0;
    s->bytes = 0.0;
    switch (c->kernel) {
    case KBENCH_GEMM:
        return run_gemm(cfg, c, s, diag);
    case KBENCH_TRIAD:
        return run_triad(st, cfg, c, s, diag);
    case KBENCH_MEMCPY:
        return run_memcpy(cfg, c, s, diag);
    case KBENCH_LAUNCH:
        time_calls(empty_call, NULL, cfg, 1.0, s);
        return SIM_OK;
    case KBENCH_WAKE:
        return run_wake(cfg, s, diag);
    default:
        return SIM_ERR_INFEASIBLE;
    }
}

static void cpu_fini(void *state)
{
    free(state);
}

const kbench_backend_t kbench_cpu_backend = {
    "cpu",
    KBENCH_DTYPE_BIT(KBENCH_FP32) | KBENCH_DTYPE_BIT(KBENCH_FP64),
    KBENCH_DTYPE_BIT(KBENCH_FP32) | KBENCH_DTYPE_BIT(KBENCH_FP64),
    cpu_init,
    cpu_list,
    cpu_run,
    cpu_fini,
};
