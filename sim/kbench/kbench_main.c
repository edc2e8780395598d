/*
 * kbench_main.c — gpusim-kbench: time a fixed kernel set on one backend and
 * write the kernel timing CSV (kbench_csv.h).
 *
 *   gpusim-kbench --backend cpu|cuda [--out FILE] [--quick] [--reps N]
 *                 [--warmup N] [--shapes decode|train|all]
 *                 [--dtypes fp32,tf32,fp16,bf16,fp8,fp64] [--max-seconds S]
 *                 [--verbose] [--list-backends] [--help]
 *
 * Exit status: 0 done (also when --max-seconds cut the run short or cases
 * were skipped as unsupported); 2 usage error, unusable device (no GPU, no
 * driver, backend not built) or I/O error.  Rows are flushed one by one, so a
 * run that is killed keeps what it measured.
 *
 * Assumes: the C locale (never changed here), so numbers print with '.'.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/error.h"
#include "sim/kbench/kbench.h"
#include "sim/kbench/kbench_csv.h"
#include "sim/kbench/kbench_grid.h"

static const kbench_backend_t *const backends[] = {
    &kbench_cpu_backend,
#ifdef KBENCH_HAVE_CUDA
    &kbench_cuda_backend,
#endif
};
#define N_BACKENDS (sizeof backends / sizeof backends[0])

enum { OPT_REPS = 256, OPT_WARMUP, OPT_SHAPES, OPT_DTYPES, OPT_MAX_SECONDS,
       OPT_LIST_BACKENDS };

static const struct option options[] = {
    {"backend", required_argument, NULL, 'b'},
    {"out", required_argument, NULL, 'o'},
    {"quick", no_argument, NULL, 'q'},
    {"reps", required_argument, NULL, OPT_REPS},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"shapes", required_argument, NULL, OPT_SHAPES},
    {"dtypes", required_argument, NULL, OPT_DTYPES},
    {"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
    {"verbose", no_argument, NULL, 'v'},
    {"list-backends", no_argument, NULL, OPT_LIST_BACKENDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char usage_text[] =
    "usage: gpusim-kbench --backend cpu|cuda [options]\n"
    "Time GEMMs, a STREAM triad, launch latency, copies (and NCCL collectives)\n"
    "and write one CSV row per case.\n"
    "\n"
    "  --backend B        cpu (CBLAS, always built) or cuda (cuBLAS, when built)\n"
    "  --out FILE         write the CSV to FILE (default: standard output)\n"
    "  --quick            a few shapes and reps: a run of a few seconds\n"
    "  --reps N           timed repetitions per case (default 10; quick 3)\n"
    "  --warmup N         untimed calls before timing (default 2; quick 1)\n"
    "  --shapes S         GEMM shapes: decode (m = 1..256), train (m >= 1024),\n"
    "                     all (default)\n"
    "  --dtypes LIST      GEMM dtypes, comma-separated: fp32,tf32,fp16,bf16,fp8,fp64\n"
    "                     (default: cpu fp32,fp64; cuda fp32,tf32,fp16,bf16,fp8)\n"
    "  --max-seconds S    start no new case after S seconds (default: no limit)\n"
    "  --verbose          one progress line per case on standard error\n"
    "  --list-backends    print the backends built into this program and exit\n"
    "  --help             print this help and exit\n"
    "\n"
    "Exit status: 0 done, 2 usage error, no usable device, or I/O error.\n";

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Parse argv into cfg.  SIM_OK or SIM_ERR_USAGE (diag).  *exit_now = 1 when
 * --help or --list-backends was handled and nothing is left to do. */
static sim_err_t parse_args(int argc, char **argv, kbench_config_t *cfg,
                            int *exit_now, sim_diag_t *diag)
{
    int reps = -1, warmup = -1, opt;
    char *end;

    memset(cfg, 0, sizeof *cfg);
    cfg->shapes = KBENCH_SHAPES_ALL;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "b:o:qvh", options, NULL)) != -1) {
        switch (opt) {
        case 'b':
            cfg->backend = optarg;
            break;
        case 'o':
            cfg->out_path = optarg;
            break;
        case 'q':
            cfg->quick = 1;
            break;
        case 'v':
            cfg->verbose = 1;
            break;
        case OPT_REPS:
            if (parse_int(optarg, 1, 1000000, &reps) != 0)
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--reps",
                                    "expected an integer 1..1000000, got '%s'", optarg);
            break;
        case OPT_WARMUP:
            if (parse_int(optarg, 0, 1000000, &warmup) != 0)
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--warmup",
                                    "expected an integer 0..1000000, got '%s'", optarg);
            break;
        case OPT_SHAPES: {
            sim_err_t err = kbench_shapes_parse(optarg, &cfg->shapes, diag);
            if (err != SIM_OK)
                return err;
            break;
        }
        case OPT_DTYPES: {
            sim_err_t err = kbench_dtypes_parse(optarg, &cfg->dtype_mask, diag);
            if (err != SIM_OK)
                return err;
            break;
        }
        case OPT_MAX_SECONDS:
            cfg->max_seconds = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(cfg->max_seconds > 0.0))
                return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--max-seconds",
                                    "expected a positive number of seconds, got '%s'",
                                    optarg);
            break;
        case OPT_LIST_BACKENDS:
            for (size_t i = 0; i < N_BACKENDS; i++)
                printf("%s\n", backends[i]->name);
            *exit_now = 1;
            return SIM_OK;
        case 'h':
            fputs(usage_text, stdout);
            *exit_now = 1;
            return SIM_OK;
        default:
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "",
                                "unknown option or missing value: '%s' (see --help)",
                                argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "",
                            "unexpected argument '%s' (see --help)", argv[optind]);
    if (cfg->backend == NULL)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--backend",
                            "required: --backend cpu or --backend cuda");
    cfg->reps = reps > 0 ? reps : cfg->quick ? 3 : 10;
    cfg->warmup = warmup >= 0 ? warmup : cfg->quick ? 1 : 2;
    cfg->min_rep_s = cfg->quick ? 2e-4 : 1e-3;
    return SIM_OK;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Say once which requested dtypes this backend cannot time. */
static void note_unsupported(const kbench_backend_t *b, unsigned mask)
{
    for (int d = 0; d < KBENCH_DTYPE__COUNT; d++)
        if ((mask & KBENCH_DTYPE_BIT(d)) && !(b->dtypes_supported & KBENCH_DTYPE_BIT(d)))
            fprintf(stderr,
                    "gpusim-kbench: note: %s GEMMs do not apply to the %s backend; "
                    "skipped\n",
                    kbench_dtype_name((kbench_dtype_t)d), b->name);
}

static void describe_case(const kbench_case_t *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s m=%lld n=%lld k=%lld", kbench_kernel_name(c->kernel),
             kbench_dtype_name(c->dtype), (long long)c->m, (long long)c->n,
             (long long)c->k);
}

/* Time every case of b and write the rows to cfg->out_path (stdout for NULL
 * or "-").  The file is created only once the device is known to work, so a
 * machine without one leaves no empty CSV behind. */
static sim_err_t run_all(const kbench_backend_t *b, kbench_config_t *cfg,
                         sim_diag_t *diag)
{
    FILE *out = NULL;
    int to_stdout = cfg->out_path == NULL || strcmp(cfg->out_path, "-") == 0;
    void *state = NULL;
    kbench_device_t dev;
    kbench_case_list_t cases = {0};
    double *times = NULL;
    char date[32] = "", what[160], last_skip[600] = "";
    size_t done = 0;
    int skipped_same = 0;
    time_t t = time(NULL);
    struct tm tmv;
    double t0 = wall_s();
    sim_err_t err;

    if (gmtime_r(&t, &tmv) != NULL)
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    if (cfg->dtype_mask == 0)
        cfg->dtype_mask = b->dtypes_default;
    note_unsupported(b, cfg->dtype_mask);
    cfg->dtype_mask &= b->dtypes_supported;

    times = calloc((size_t)cfg->reps, sizeof *times);
    if (times == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "", "out of memory");
        goto fail;
    }
    if ((err = b->init(cfg, &state, &dev, diag)) != SIM_OK)
        goto fail;
    if ((err = b->list(state, cfg, &cases, diag)) != SIM_OK)
        goto fail;
    if (cfg->verbose)
        fprintf(stderr, "gpusim-kbench: %s backend on %s: %zu cases\n", b->name,
                dev.name, cases.n);
    out = to_stdout ? stdout : fopen(cfg->out_path, "w");
    if (out == NULL) {
        err = sim_diag_set(diag, SIM_ERR_IO, cfg->out_path, 0, "--out",
                           "cannot open for writing");
        goto fail;
    }
    if ((err = kbench_csv_write_header(out)) != SIM_OK) {
        sim_diag_set(diag, err, cfg->out_path, 0, "", "cannot write the CSV");
        goto fail;
    }
    for (done = 0; done < cases.n; done++) {
        const kbench_case_t *c = &cases.v[done];
        kbench_sample_t s = {times, cfg->reps, 1, 0.0, 0.0};
        kbench_row_t row;
        sim_diag_t why = SIM_DIAG_INIT;

        if (cfg->max_seconds > 0.0 && wall_s() - t0 >= cfg->max_seconds) {
            fprintf(stderr,
                    "gpusim-kbench: --max-seconds %g reached: %zu of %zu cases "
                    "timed, the rest skipped\n",
                    cfg->max_seconds, done, cases.n);
            break;
        }
        describe_case(c, what, sizeof what);
        err = b->run(state, cfg, c, &s, &why);
        if (err == SIM_ERR_INFEASIBLE) {
            /* Unsupported here: say why once per distinct reason. */
            const char *msg = why.msg[0] ? why.msg : "not supported by this backend";
            if (strcmp(msg, last_skip) != 0) {
                fprintf(stderr, "gpusim-kbench: skipped %s: %s\n", what, msg);
                snprintf(last_skip, sizeof last_skip, "%s", msg);
            } else {
                skipped_same++;
            }
            continue;
        }
        if (err != SIM_OK) {
            *diag = why;
            goto fail;
        }
        if (kbench_row_fill(&row, b->name, &dev, c, &s, date) != SIM_OK) {
            fprintf(stderr, "gpusim-kbench: skipped %s: no positive time measured\n",
                    what);
            continue;
        }
        if ((err = kbench_csv_write_row(out, &row)) != SIM_OK || fflush(out) == EOF) {
            err = sim_diag_set(diag, SIM_ERR_IO, cfg->out_path, 0, "",
                               "cannot write the CSV");
            goto fail;
        }
        if (cfg->verbose)
            fprintf(stderr, "gpusim-kbench: %s: %.4g s, %.4g TFLOP/s, %.4g GB/s\n",
                    what, row.time_s, row.tflops, row.gbps);
    }
    if (skipped_same > 0)
        fprintf(stderr, "gpusim-kbench: %d more cases skipped for the same reasons\n",
                skipped_same);
    err = SIM_OK;
fail:
    if (out != NULL && !to_stdout && fclose(out) != 0 && err == SIM_OK)
        err = sim_diag_set(diag, SIM_ERR_IO, cfg->out_path, 0, "--out",
                           "cannot finish writing");
    if (state != NULL)
        b->fini(state);
    kbench_cases_destroy(&cases);
    free(times);
    return err;
}

int main(int argc, char **argv)
{
    kbench_config_t cfg;
    sim_diag_t diag = SIM_DIAG_INIT;
    const kbench_backend_t *b = NULL;
    int exit_now = 0;
    char msg[1024];
    sim_err_t err;

    if ((err = parse_args(argc, argv, &cfg, &exit_now, &diag)) != SIM_OK)
        goto fail;
    if (exit_now)
        return 0;
    for (size_t i = 0; i < N_BACKENDS; i++)
        if (strcmp(backends[i]->name, cfg.backend) == 0)
            b = backends[i];
    if (b == NULL) {
        if (strcmp(cfg.backend, "cuda") == 0)
            err = sim_diag_set(&diag, SIM_ERR_DEVICE, NULL, 0, "--backend",
                               "the cuda backend was not built into this program "
                               "(nvcc was not found at configure time)");
        else
            err = sim_diag_set(&diag, SIM_ERR_USAGE, NULL, 0, "--backend",
                               "expected cpu or cuda, got '%s'", cfg.backend);
        goto fail;
    }
    if ((err = run_all(b, &cfg, &diag)) != SIM_OK)
        goto fail;
    return 0;
fail:
    if (diag.code == SIM_OK)
        sim_diag_set(&diag, err, NULL, 0, "", NULL);
    fprintf(stderr, "gpusim-kbench: %s\n", sim_diag_format(&diag, msg, sizeof msg));
    return sim_err_exit_status(err);
}
