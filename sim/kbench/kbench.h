/*
 * kbench.h — the kernel timing module's shared vocabulary: what a run is
 * configured with, which cases it times, what one measurement returns and the
 * small interface every backend (CPU, CUDA) implements.
 *
 * gpusim-kbench times a fixed kernel set (GEMMs over a grid of shapes and
 * dtypes, a STREAM triad, launch latency, copy bandwidth, collectives) and
 * writes one CSV row per case (see kbench_csv.h).  The compute model is
 * calibrated on such rows, so a case's (kernel, dtype, m, n, k) mean the same
 * on every backend:
 *
 *   gemm        Y[m x n] = X[m x k] * W^T with W stored [n x k] row-major,
 *               i.e. a linear layer with m tokens, k inputs, n outputs.
 *   triad       a[i] = b[i] + s * c[i] over m elements (n = k = 0).
 *   launch      an empty kernel / indirect call (m = n = k = 0).
 *   wake        CPU only: one thread waking another (m = n = k = 0).
 *   memcpy      copy of m bytes (host memory on CPU, device-to-device on CUDA).
 *   h2d, d2h    pinned host <-> device copy of m bytes.
 *   allreduce,
 *   allgather   NCCL collective of m bytes over n GPUs.
 *
 * Assumes: one thread drives a backend; the header is also included from
 * C++ (the CUDA backend), hence the extern "C" guard.
 */
#ifndef SIM_KBENCH_KBENCH_H
#define SIM_KBENCH_KBENCH_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef enum kbench_kernel {
    KBENCH_GEMM = 0,
    KBENCH_TRIAD,
    KBENCH_LAUNCH,
    KBENCH_WAKE,
    KBENCH_MEMCPY,
    KBENCH_H2D,
    KBENCH_D2H,
    KBENCH_ALLREDUCE,
    KBENCH_ALLGATHER,
    KBENCH_KERNEL__COUNT
} kbench_kernel_t;

typedef enum kbench_dtype {
    KBENCH_FP32 = 0,
    KBENCH_TF32,  /* fp32 storage, TF32 tensor-core math (CUDA only) */
    KBENCH_FP16,
    KBENCH_BF16,
    KBENCH_FP8,   /* e4m3 inputs, bf16 output (CUDA, compute capability >= 8.9) */
    KBENCH_FP64,
    KBENCH_DTYPE__COUNT
} kbench_dtype_t;

/* Bit for a dtype in a dtype mask. */
#define KBENCH_DTYPE_BIT(d) (1u << (unsigned)(d))

/* Which GEMM shapes to time. */
typedef enum kbench_shapes {
    KBENCH_SHAPES_DECODE = 1, /* skinny: m = 1 ... 256 tokens */
    KBENCH_SHAPES_TRAIN = 2,  /* large: m >= 1024 */
    KBENCH_SHAPES_ALL = 3
} kbench_shapes_t;

typedef struct kbench_config {
    const char *backend;  /* "cpu" or "cuda" */
    const char *out_path; /* NULL or "-": stdout */
    int quick;            /* small grid, few reps: a run of a few seconds */
    int reps;             /* timed repetitions (>= 1) */
    int warmup;           /* untimed calls before timing (>= 0) */
    kbench_shapes_t shapes;
    unsigned dtype_mask;  /* KBENCH_DTYPE_BIT(...) set; 0 = backend default */
    double max_seconds;   /* stop starting new cases after this; <= 0: none */
    double min_rep_s;     /* a rep repeats a call until it lasts this long */
    int verbose;          /* progress lines on stderr (the program, not the library) */
} kbench_config_t;

/* One case to time.  Meaning of m, n, k per kernel: see the top of this file. */
typedef struct kbench_case {
    kbench_kernel_t kernel;
    kbench_dtype_t dtype;
    int64_t m, n, k;
} kbench_case_t;

/* What a backend reports about the device it runs on. */
typedef struct kbench_device {
    char name[128];   /* "NVIDIA H100 80GB HBM3", CPU model name */
    char arch[32];    /* compute capability "9.0", or the CPU's machine "x86_64" */
    double clock_mhz; /* SM clock measured at init (CUDA), "cpu MHz" (CPU); 0 unknown */
    int units;        /* SMs (CUDA), BLAS threads (CPU) */
} kbench_device_t;

/*
 * One measurement.  The caller owns times[] (capacity reps); the backend
 * fills times[i] = seconds per call of rep i (a rep may repeat the call
 * `inner` times and divide), and flops and bytes per call by the conventions
 * in kbench_csv.h.
 */
typedef struct kbench_sample {
    double *times;
    int reps;
    int64_t inner;
    double flops;
    double bytes;
} kbench_sample_t;

/* A growable array of cases (kbench_grid.c). */
typedef struct kbench_case_list {
    kbench_case_t *v;
    size_t n, cap;
} kbench_case_list_t;

/*
 * A backend.  Call order: init once; list once; run for each listed case;
 * fini once (also after a failed list or run; fini(NULL) is a no-op).
 * dtypes_supported: the GEMM dtypes it can time; dtypes_default: those timed
 * when the user names none.  The caller removes unsupported dtypes from
 * cfg->dtype_mask (and says so) before list.
 *
 *  init  probes the device and allocates state; SIM_ERR_DEVICE when there is
 *        no usable device (message in diag), SIM_ERR_NOMEM.
 *  list  appends the cases to time, given cfg (shapes, dtypes, quick).
 *  run   times one case.  SIM_OK; SIM_ERR_INFEASIBLE when this case cannot
 *        run here (unsupported dtype or shape: the caller skips it); any
 *        other code is fatal for the run.
 */
typedef struct kbench_backend {
    const char *name;
    unsigned dtypes_supported;
    unsigned dtypes_default;
    sim_err_t (*init)(const kbench_config_t *cfg, void **state,
                      kbench_device_t *dev, sim_diag_t *diag);
    sim_err_t (*list)(void *state, const kbench_config_t *cfg,
                      kbench_case_list_t *cases, sim_diag_t *diag);
    sim_err_t (*run)(void *state, const kbench_config_t *cfg,
                     const kbench_case_t *c, kbench_sample_t *s,
                     sim_diag_t *diag);
    void (*fini)(void *state);
} kbench_backend_t;

/* The CPU backend (kbench_cpu.c), always built. */
extern const kbench_backend_t kbench_cpu_backend;

#ifdef KBENCH_HAVE_CUDA
/* The CUDA backend (kbench_cuda.cu), built when nvcc was found. */
extern const kbench_backend_t kbench_cuda_backend;
#endif

#ifdef __cplusplus
}
#endif

#endif /* SIM_KBENCH_KBENCH_H */
