/*
 * kbench_cuda.cu — the CUDA backend of gpusim-kbench (built when configure
 * finds nvcc; compiled by nvcc as C++, exported with C linkage).
 *
 * Kernels, all on GPU 0 (pick another with CUDA_VISIBLE_DEVICES):
 *
 *   gemm       Y[m x n] = X[m x k] * W^T (a linear layer; W stored [n x k]
 *              row-major), issued to cuBLAS column-major as
 *              C[n x m] = op_T(W) * X, i.e. the "TN" layout that FP8 needs.
 *              fp32: cublasGemmEx, CUBLAS_COMPUTE_32F (no TF32); tf32: same
 *              with CUBLAS_COMPUTE_32F_FAST_TF32; fp16, bf16: cublasGemmEx
 *              with fp32 accumulation (what frameworks use); fp8: cuBLASLt,
 *              e4m3 inputs with per-tensor scales of 1, bf16 output, fp32
 *              accumulation, compute capability >= 8.9 only.  Operands are
 *              rotated over enough copies to span 4x the L2 cache, so that
 *              back-to-back calls read weights from HBM as a real forward
 *              pass does (each layer has its own weights), not from L2.
 *   triad      STREAM a[i] = b[i] + 3*c[i] on doubles, our kernel, arrays of
 *              2^27 elements (1 GiB; 2^25 with --quick), well beyond L2.
 *   memcpy     cudaMemcpyAsync device to device of m bytes; bytes = 2m.
 *   h2d, d2h   cudaMemcpyAsync between pinned host memory and the device.
 *   launch     back-to-back launches of an empty kernel; time per launch is
 *              the per-kernel cost a stream of tiny kernels pays (host
 *              submission or GPU front-end, whichever is slower).
 *   allreduce, allgather (HAVE_NCCL, >= 2 GPUs): NCCL, one process driving
 *              all GPUs (ncclCommInitAll), fp32 sum; m = bytes of the whole
 *              array (nccl-tests' S); time = slowest GPU's event interval.
 *
 * Timing: CUDA events around a rep on the stream; a rep enqueues the call
 * `inner` times (inner sized from one probe call so a rep lasts at least
 * min_rep_s), after cfg->warmup untimed calls.  clock_mhz is the SM clock
 * measured at start-up with a clock64() spin loop timed by events (the clock
 * a boosting GPU actually runs at), falling back to the rated peak.
 *
 * Every CUDA, cuBLAS and NCCL call is checked; failures become SIM_ERR_DEVICE
 * with the library's message, except out-of-memory and unsupported shapes,
 * which skip the case (SIM_ERR_INFEASIBLE).  With no driver or no GPU, init
 * fails with SIM_ERR_DEVICE and a message; nothing crashes.
 *
 * Assumes: CUDA >= 12 (cuBLASLt FP8, cudaDevAttrClockRate), a single host
 * thread.  NCCL is optional: build with -DHAVE_NCCL=1 and link -lnccl.
 */
#include <cuda_runtime.h>
#include <cublas_v2.h>
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#if HAVE_NCCL
#include <nccl.h>
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kbench/kbench.h"
#include "sim/kbench/kbench_grid.h"

#define MAX_GPUS 16
#define MAX_COPIES 64                /* operand sets rotated through for L2 */
#define LT_WORKSPACE (32u << 20)     /* cuBLASLt workspace, bytes */
#define MAX_INNER (1 << 20)
#define SPIN_CYCLES 20000000LL       /* ~10 ms at 2 GHz */

typedef struct cuda_state {
    int ndev;
    cudaDeviceProp prop;
    cudaStream_t stream;
    cudaEvent_t ev_start, ev_stop;
    cublasHandle_t blas;
    cublasLtHandle_t lt;
    void *lt_workspace;
    float *scale_one; /* device 1.0f: FP8 per-tensor scales */
#if HAVE_NCCL
    int nccl_ndev; /* 0 when collectives are not available */
    ncclComm_t comms[MAX_GPUS];
    cudaStream_t streams[MAX_GPUS];
    cudaEvent_t starts[MAX_GPUS], stops[MAX_GPUS];
#endif
} cuda_state_t;

/* ---- error plumbing ------------------------------------------------------ */

static sim_err_t cuda_fail(sim_diag_t *diag, cudaError_t e, const char *what)
{
    return sim_diag_set(diag, SIM_ERR_DEVICE, NULL, 0, "cuda", "%s: %s (%s)", what,
                        cudaGetErrorString(e), cudaGetErrorName(e));
}

static sim_err_t blas_fail(sim_diag_t *diag, cublasStatus_t e, const char *what)
{
    return sim_diag_set(diag, SIM_ERR_DEVICE, NULL, 0, "cublas", "%s: %s", what,
                        cublasGetStatusString(e));
}

#define CK(call, what)                                                       \
    do {                                                                     \
        cudaError_t e_ = (call);                                             \
        if (e_ != cudaSuccess) {                                             \
            err = cuda_fail(diag, e_, what);                                 \
            goto fail;                                                       \
        }                                                                    \
    } while (0)

#define CKB(call, what)                                                      \
    do {                                                                     \
        cublasStatus_t e_ = (call);                                          \
        if (e_ != CUBLAS_STATUS_SUCCESS) {                                   \
            err = blas_fail(diag, e_, what);                                 \
            goto fail;                                                       \
        }                                                                    \
    } while (0)

/* cudaMalloc that turns out-of-memory into "skip this case". */
static sim_err_t dev_alloc(void **p, size_t bytes, sim_diag_t *diag)
{
    cudaError_t e = cudaMalloc(p, bytes);
    if (e == cudaErrorMemoryAllocation) {
        (void)cudaGetLastError(); /* not sticky: clear it */
        *p = NULL;
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "cuda",
                            "not enough device memory for %zu bytes", bytes);
    }
    if (e != cudaSuccess) {
        *p = NULL;
        return cuda_fail(diag, e, "cudaMalloc");
    }
    return SIM_OK;
}

/* ---- device kernels ------------------------------------------------------ */

__global__ void empty_kernel(void) {}

__global__ void spin_kernel(long long cycles, long long *out)
{
    long long start = clock64(), now;
    do {
        now = clock64();
    } while (now - start < cycles);
    *out = now - start;
}

__global__ void triad_kernel(double *__restrict__ a, const double *__restrict__ b,
                             const double *__restrict__ c, double scalar, size_t n)
{
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        a[i] = b[i] + scalar * c[i];
}

__device__ static void store_value(float *p, float v) { *p = v; }
__device__ static void store_value(double *p, float v) { *p = (double)v; }
__device__ static void store_value(__half *p, float v) { *p = __float2half(v); }
__device__ static void store_value(__nv_bfloat16 *p, float v) { *p = __float2bfloat16(v); }
__device__ static void store_value(__nv_fp8_e4m3 *p, float v) { *p = __nv_fp8_e4m3(v); }

/* Values in [-1, 1) from a hash of (index, seed): inputs that are neither
 * zero nor constant, so the tensor cores draw realistic power. */
template <typename T>
__global__ void fill_kernel(T *p, size_t n, uint32_t seed)
{
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        uint32_t x = (uint32_t)i * 2654435761u ^ seed * 2246822519u;
        x ^= x >> 15;
        x *= 2246822507u;
        x ^= x >> 13;
        store_value(p + i, (float)(x >> 8) * (2.0f / 16777216.0f) - 1.0f);
    }
}

static unsigned grid_for(size_t n)
{
    size_t blocks = (n + 255) / 256;
    return blocks > 65536 * 4 ? 65536 * 4 : blocks < 1 ? 1 : (unsigned)blocks;
}

static sim_err_t fill(cuda_state_t *st, kbench_dtype_t d, void *p, size_t n,
                      uint32_t seed, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    unsigned g = grid_for(n);

    switch (d) {
    case KBENCH_FP16:
        fill_kernel<<<g, 256, 0, st->stream>>>((__half *)p, n, seed);
        break;
    case KBENCH_BF16:
        fill_kernel<<<g, 256, 0, st->stream>>>((__nv_bfloat16 *)p, n, seed);
        break;
    case KBENCH_FP8:
        fill_kernel<<<g, 256, 0, st->stream>>>((__nv_fp8_e4m3 *)p, n, seed);
        break;
    case KBENCH_FP64:
        fill_kernel<<<g, 256, 0, st->stream>>>((double *)p, n, seed);
        break;
    default:
        fill_kernel<<<g, 256, 0, st->stream>>>((float *)p, n, seed);
        break;
    }
    CK(cudaGetLastError(), "fill kernel launch");
fail:
    return err;
}

/* ---- the timing harness ------------------------------------------------ */

/* Enqueue call number `call` of a case on st->stream. */
typedef sim_err_t (*enqueue_fn)(cuda_state_t *st, void *ctx, long long call,
                                sim_diag_t *diag);

static sim_err_t time_stream(cuda_state_t *st, const kbench_config_t *cfg,
                             enqueue_fn fn, void *ctx, kbench_sample_t *s,
                             sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    long long call = 0;
    long long inner = 1;
    float ms = 0.0f;

    for (int i = 0; i < cfg->warmup; i++)
        if ((err = fn(st, ctx, call++, diag)) != SIM_OK)
            goto fail;
    CK(cudaStreamSynchronize(st->stream), "warm-up");
    CK(cudaEventRecord(st->ev_start, st->stream), "cudaEventRecord");
    if ((err = fn(st, ctx, call++, diag)) != SIM_OK)
        goto fail;
    CK(cudaEventRecord(st->ev_stop, st->stream), "cudaEventRecord");
    CK(cudaEventSynchronize(st->ev_stop), "probe call");
    CK(cudaEventElapsedTime(&ms, st->ev_start, st->ev_stop), "cudaEventElapsedTime");
    if (ms * 1e-3 < cfg->min_rep_s) {
        double want = ceil(cfg->min_rep_s / fmax(ms * 1e-3, 1e-7));
        inner = want > MAX_INNER ? MAX_INNER : (long long)want;
    }
    for (int r = 0; r < s->reps; r++) {
        CK(cudaEventRecord(st->ev_start, st->stream), "cudaEventRecord");
        for (long long j = 0; j < inner; j++)
            if ((err = fn(st, ctx, call++, diag)) != SIM_OK)
                goto fail;
        CK(cudaEventRecord(st->ev_stop, st->stream), "cudaEventRecord");
        CK(cudaEventSynchronize(st->ev_stop), "timed rep");
        CK(cudaEventElapsedTime(&ms, st->ev_start, st->ev_stop), "cudaEventElapsedTime");
        s->times[r] = (double)ms * 1e-3 / (double)inner;
    }
    s->inner = inner;
fail:
    if (err != SIM_OK)
        (void)cudaStreamSynchronize(st->stream);
    return err;
}

/* ---- launch, triad, copies --------------------------------------------- */

static sim_err_t enqueue_empty(cuda_state_t *st, void *ctx, long long call,
                               sim_diag_t *diag)
{
    (void)ctx;
    (void)call;
    (void)diag;
    empty_kernel<<<1, 1, 0, st->stream>>>();
    return SIM_OK; /* launch errors surface at the next event call */
}

typedef struct triad_ctx {
    double *a, *b, *c;
    size_t n;
} triad_ctx_t;

static sim_err_t enqueue_triad(cuda_state_t *st, void *p, long long call,
                               sim_diag_t *diag)
{
    triad_ctx_t *t = (triad_ctx_t *)p;
    sim_err_t err = SIM_OK;
    (void)call;
    triad_kernel<<<grid_for(t->n), 256, 0, st->stream>>>(t->a, t->b, t->c, 3.0, t->n);
    CK(cudaGetLastError(), "triad kernel launch");
fail:
    return err;
}

static sim_err_t run_triad(cuda_state_t *st, const kbench_config_t *cfg,
                           const kbench_case_t *c, kbench_sample_t *s,
                           sim_diag_t *diag)
{
    triad_ctx_t t;
    sim_err_t err = SIM_OK;
    size_t bytes = (size_t)c->m * sizeof(double);

    memset(&t, 0, sizeof t);
    t.n = (size_t)c->m;
    if ((err = dev_alloc((void **)&t.a, bytes, diag)) != SIM_OK ||
        (err = dev_alloc((void **)&t.b, bytes, diag)) != SIM_OK ||
        (err = dev_alloc((void **)&t.c, bytes, diag)) != SIM_OK)
        goto fail;
    if ((err = fill(st, KBENCH_FP64, t.a, t.n, 1, diag)) != SIM_OK ||
        (err = fill(st, KBENCH_FP64, t.b, t.n, 2, diag)) != SIM_OK ||
        (err = fill(st, KBENCH_FP64, t.c, t.n, 3, diag)) != SIM_OK)
        goto fail;
    if ((err = time_stream(st, cfg, enqueue_triad, &t, s, diag)) != SIM_OK)
        goto fail;
    s->flops = 2.0 * (double)t.n;
    s->bytes = 3.0 * (double)bytes;
fail:
    cudaFree(t.a);
    cudaFree(t.b);
    cudaFree(t.c);
    return err;
}

typedef struct copy_ctx {
    void *dst;
    const void *src;
    size_t bytes;
    cudaMemcpyKind kind;
} copy_ctx_t;

static sim_err_t enqueue_copy(cuda_state_t *st, void *p, long long call,
                              sim_diag_t *diag)
{
    copy_ctx_t *cp = (copy_ctx_t *)p;
    sim_err_t err = SIM_OK;
    (void)call;
    CK(cudaMemcpyAsync(cp->dst, cp->src, cp->bytes, cp->kind, st->stream),
       "cudaMemcpyAsync");
fail:
    return err;
}

static sim_err_t run_copy(cuda_state_t *st, const kbench_config_t *cfg,
                          const kbench_case_t *c, kbench_sample_t *s,
                          sim_diag_t *diag)
{
    copy_ctx_t cp;
    void *dev_a = NULL, *dev_b = NULL, *host = NULL;
    sim_err_t err = SIM_OK;
    size_t bytes = (size_t)c->m;

    memset(&cp, 0, sizeof cp);
    cp.bytes = bytes;
    if ((err = dev_alloc(&dev_a, bytes, diag)) != SIM_OK)
        goto fail;
    if (c->kernel == KBENCH_MEMCPY) {
        if ((err = dev_alloc(&dev_b, bytes, diag)) != SIM_OK)
            goto fail;
        CK(cudaMemsetAsync(dev_b, 1, bytes, st->stream), "cudaMemsetAsync");
        cp.src = dev_b;
        cp.dst = dev_a;
        cp.kind = cudaMemcpyDeviceToDevice;
    } else {
        cudaError_t e = cudaMallocHost(&host, bytes);
        if (e != cudaSuccess) {
            (void)cudaGetLastError();
            host = NULL;
            err = sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "cuda",
                               "cannot pin %zu bytes of host memory: %s", bytes,
                               cudaGetErrorString(e));
            goto fail;
        }
        memset(host, 1, bytes);
        CK(cudaMemsetAsync(dev_a, 1, bytes, st->stream), "cudaMemsetAsync");
        cp.kind = c->kernel == KBENCH_H2D ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;
        cp.src = c->kernel == KBENCH_H2D ? host : dev_a;
        cp.dst = c->kernel == KBENCH_H2D ? dev_a : host;
    }
    if ((err = time_stream(st, cfg, enqueue_copy, &cp, s, diag)) != SIM_OK)
        goto fail;
    s->flops = 0.0;
    s->bytes = c->kernel == KBENCH_MEMCPY ? 2.0 * (double)bytes : (double)bytes;
fail:
    cudaFree(dev_a);
    cudaFree(dev_b);
    cudaFreeHost(host);
    return err;
}

/* ---- GEMM ---------------------------------------------------------------- */

typedef struct gemm_ctx {
    kbench_dtype_t dtype;
    int m, n, k;
    int copies;
    void *x[MAX_COPIES], *w[MAX_COPIES], *y[MAX_COPIES];
    /* cuBLASLt (fp8) */
    cublasLtMatmulDesc_t op;
    cublasLtMatrixLayout_t la, lb, lc;
    cublasLtMatmulAlgo_t algo;
} gemm_ctx_t;

static sim_err_t enqueue_gemm(cuda_state_t *st, void *p, long long call,
                              sim_diag_t *diag)
{
    gemm_ctx_t *g = (gemm_ctx_t *)p;
    sim_err_t err = SIM_OK;
    int i = (int)(call % g->copies);
    const float one = 1.0f, zero = 0.0f;
    cudaDataType_t t = CUDA_R_32F;
    cublasComputeType_t ct = CUBLAS_COMPUTE_32F;

    if (g->dtype == KBENCH_FP8) {
        CKB(cublasLtMatmul(st->lt, g->op, &one, g->w[i], g->la, g->x[i], g->lb, &zero,
                           g->y[i], g->lc, g->y[i], g->lc, &g->algo, st->lt_workspace,
                           LT_WORKSPACE, st->stream),
            "cublasLtMatmul (fp8)");
        return SIM_OK;
    }
    if (g->dtype == KBENCH_TF32)
        ct = CUBLAS_COMPUTE_32F_FAST_TF32;
    else if (g->dtype == KBENCH_FP16)
        t = CUDA_R_16F;
    else if (g->dtype == KBENCH_BF16)
        t = CUDA_R_16BF;
    CKB(cublasGemmEx(st->blas, CUBLAS_OP_T, CUBLAS_OP_N, g->n, g->m, g->k, &one,
                     g->w[i], t, g->k, g->x[i], t, g->k, &zero, g->y[i], t, g->n, ct,
                     CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
fail:
    return err;
}

/* Describe the FP8 matmul to cuBLASLt and pick its best algorithm. */
static sim_err_t gemm_fp8_setup(cuda_state_t *st, gemm_ctx_t *g, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
    cublasLtMatmulPreference_t pref = NULL;
    cublasLtMatmulHeuristicResult_t heur;
    size_t ws = LT_WORKSPACE;
    int found = 0;
    cublasStatus_t hs;

    memset(&heur, 0, sizeof heur);
    CKB(cublasLtMatmulDescCreate(&g->op, CUBLAS_COMPUTE_32F, CUDA_R_32F),
        "cublasLtMatmulDescCreate");
    CKB(cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta),
        "TRANSA");
    CKB(cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb),
        "TRANSB");
    CKB(cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER,
                                       &st->scale_one, sizeof st->scale_one),
        "A_SCALE_POINTER");
    CKB(cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER,
                                       &st->scale_one, sizeof st->scale_one),
        "B_SCALE_POINTER");
    /* column-major: A = W as k x n (op T), B = X as k x m, C = D = Y as n x m */
    CKB(cublasLtMatrixLayoutCreate(&g->la, CUDA_R_8F_E4M3, g->k, g->n, g->k), "layout A");
    CKB(cublasLtMatrixLayoutCreate(&g->lb, CUDA_R_8F_E4M3, g->k, g->m, g->k), "layout B");
    CKB(cublasLtMatrixLayoutCreate(&g->lc, CUDA_R_16BF, g->n, g->m, g->n), "layout C");
    CKB(cublasLtMatmulPreferenceCreate(&pref), "cublasLtMatmulPreferenceCreate");
    CKB(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                             &ws, sizeof ws),
        "MAX_WORKSPACE_BYTES");
    hs = cublasLtMatmulAlgoGetHeuristic(st->lt, g->op, g->la, g->lb, g->lc, g->lc, pref, 1,
                                        &heur, &found);
    if (hs == CUBLAS_STATUS_NOT_SUPPORTED || (hs == CUBLAS_STATUS_SUCCESS && found == 0)) {
        err = sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "cublas",
                           "cuBLASLt offers no fp8 algorithm for this shape");
        goto fail;
    }
    CKB(hs, "cublasLtMatmulAlgoGetHeuristic");
    g->algo = heur.algo;
fail:
    if (pref != NULL)
        cublasLtMatmulPreferenceDestroy(pref);
    return err;
}

static void gemm_ctx_destroy(gemm_ctx_t *g)
{
    for (int i = 0; i < MAX_COPIES; i++) {
        cudaFree(g->x[i]);
        cudaFree(g->w[i]);
        cudaFree(g->y[i]);
    }
    if (g->lc != NULL)
        cublasLtMatrixLayoutDestroy(g->lc);
    if (g->lb != NULL)
        cublasLtMatrixLayoutDestroy(g->lb);
    if (g->la != NULL)
        cublasLtMatrixLayoutDestroy(g->la);
    if (g->op != NULL)
        cublasLtMatmulDescDestroy(g->op);
}

static sim_err_t run_gemm(cuda_state_t *st, const kbench_config_t *cfg,
                          const kbench_case_t *c, kbench_sample_t *s,
                          sim_diag_t *diag)
{
    gemm_ctx_t g;
    sim_err_t err = SIM_OK;
    size_t in_size = kbench_dtype_size(c->dtype);
    size_t out_size = c->dtype == KBENCH_FP8 ? 2 : in_size;
    size_t nx, nw, ny;
    double set_bytes, l2 = (double)st->prop.l2CacheSize;

    memset(&g, 0, sizeof g);
    if (c->dtype == KBENCH_FP8 && st->prop.major * 10 + st->prop.minor < 89)
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0, "fp8",
                            "fp8 GEMMs need compute capability 8.9 or newer "
                            "(this device: %d.%d)", st->prop.major, st->prop.minor);
    if (c->dtype == KBENCH_FP64)
        return SIM_ERR_INFEASIBLE;
    if (c->m < 1 || c->n < 1 || c->k < 1 || c->m > INT32_MAX / 2 ||
        c->n > INT32_MAX / 2 || c->k > INT32_MAX / 2)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "gemm", "bad shape");
    g.dtype = c->dtype;
    g.m = (int)c->m;
    g.n = (int)c->n;
    g.k = (int)c->k;
    nx = (size_t)g.m * (size_t)g.k;
    nw = (size_t)g.n * (size_t)g.k;
    ny = (size_t)g.m * (size_t)g.n;
    set_bytes = (double)(nx + nw) * (double)in_size + (double)ny * (double)out_size;
    g.copies = (int)fmin(MAX_COPIES, fmax(1.0, ceil(4.0 * l2 / set_bytes)));
    for (int i = 0; i < g.copies; i++) {
        if ((err = dev_alloc(&g.x[i], nx * in_size, diag)) != SIM_OK ||
            (err = dev_alloc(&g.w[i], nw * in_size, diag)) != SIM_OK ||
            (err = dev_alloc(&g.y[i], ny * out_size, diag)) != SIM_OK)
            goto fail;
        if ((err = fill(st, c->dtype, g.x[i], nx, 2u * (uint32_t)i + 1u, diag)) != SIM_OK ||
            (err = fill(st, c->dtype, g.w[i], nw, 2u * (uint32_t)i + 2u, diag)) != SIM_OK)
            goto fail;
    }
    if (c->dtype == KBENCH_FP8 && (err = gemm_fp8_setup(st, &g, diag)) != SIM_OK)
        goto fail;
    if ((err = time_stream(st, cfg, enqueue_gemm, &g, s, diag)) != SIM_OK)
        goto fail;
    s->flops = kbench_gemm_flops(c->m, c->n, c->k);
    s->bytes = kbench_gemm_bytes(c->dtype, c->m, c->n, c->k);
fail:
    (void)cudaStreamSynchronize(st->stream);
    gemm_ctx_destroy(&g);
    return err;
}

/* ---- collectives (NCCL) ------------------------------------------------ */

#if HAVE_NCCL
static sim_err_t nccl_fail(sim_diag_t *diag, ncclResult_t e, const char *what)
{
    return sim_diag_set(diag, SIM_ERR_DEVICE, NULL, 0, "nccl", "%s: %s", what,
                        ncclGetErrorString(e));
}

#define CKN(call, what)                                                      \
    do {                                                                     \
        ncclResult_t e_ = (call);                                            \
        if (e_ != ncclSuccess) {                                             \
            err = nccl_fail(diag, e_, what);                                 \
            goto fail;                                                       \
        }                                                                    \
    } while (0)

typedef struct coll_ctx {
    kbench_kernel_t kernel;
    size_t bytes; /* whole array: all-reduce buffer, all-gather output */
    void *send[MAX_GPUS], *recv[MAX_GPUS];
} coll_ctx_t;

static sim_err_t enqueue_coll(cuda_state_t *st, coll_ctx_t *cc, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    int nd = st->nccl_ndev;
    size_t count = cc->bytes / sizeof(float);

    CKN(ncclGroupStart(), "ncclGroupStart");
    for (int d = 0; d < nd; d++) {
        if (cc->kernel == KBENCH_ALLREDUCE)
            CKN(ncclAllReduce(cc->send[d], cc->recv[d], count, ncclFloat, ncclSum,
                              st->comms[d], st->streams[d]),
                "ncclAllReduce");
        else
            CKN(ncclAllGather(cc->send[d], cc->recv[d], count / (size_t)nd, ncclFloat,
                              st->comms[d], st->streams[d]),
                "ncclAllGather");
    }
    CKN(ncclGroupEnd(), "ncclGroupEnd");
    return SIM_OK;
fail:
    (void)ncclGroupEnd();
    return err;
}

/* One rep: events around `inner` collectives on every GPU; the rep's time is
 * the slowest GPU's interval. */
static sim_err_t time_coll_rep(cuda_state_t *st, coll_ctx_t *cc, long long inner,
                               double *seconds, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    int nd = st->nccl_ndev;
    float ms = 0.0f;
    double worst = 0.0;

    for (int d = 0; d < nd; d++) {
        CK(cudaSetDevice(d), "cudaSetDevice");
        CK(cudaEventRecord(st->starts[d], st->streams[d]), "cudaEventRecord");
    }
    for (long long j = 0; j < inner; j++)
        if ((err = enqueue_coll(st, cc, diag)) != SIM_OK)
            goto fail;
    for (int d = 0; d < nd; d++) {
        CK(cudaSetDevice(d), "cudaSetDevice");
        CK(cudaEventRecord(st->stops[d], st->streams[d]), "cudaEventRecord");
    }
    for (int d = 0; d < nd; d++) {
        CK(cudaEventSynchronize(st->stops[d]), "collective");
        CK(cudaEventElapsedTime(&ms, st->starts[d], st->stops[d]), "cudaEventElapsedTime");
        worst = fmax(worst, (double)ms * 1e-3);
    }
    *seconds = worst / (double)inner;
fail:
    (void)cudaSetDevice(0);
    return err;
}

static sim_err_t run_coll(cuda_state_t *st, const kbench_config_t *cfg,
                          const kbench_case_t *c, kbench_sample_t *s,
                          sim_diag_t *diag)
{
    coll_ctx_t cc;
    sim_err_t err = SIM_OK;
    int nd = st->nccl_ndev;
    size_t send_bytes;
    long long inner = 1;
    double one = 0.0;

    memset(&cc, 0, sizeof cc);
    if (nd < 2)
        return SIM_ERR_INFEASIBLE;
    cc.kernel = c->kernel;
    cc.bytes = (size_t)c->m;
    send_bytes = c->kernel == KBENCH_ALLREDUCE ? cc.bytes : cc.bytes / (size_t)nd;
    for (int d = 0; d < nd; d++) {
        CK(cudaSetDevice(d), "cudaSetDevice");
        if ((err = dev_alloc(&cc.send[d], send_bytes, diag)) != SIM_OK ||
            (err = dev_alloc(&cc.recv[d], cc.bytes, diag)) != SIM_OK)
            goto fail;
        CK(cudaMemsetAsync(cc.send[d], 0, send_bytes, st->streams[d]), "cudaMemsetAsync");
    }
    for (int i = 0; i < cfg->warmup; i++)
        if ((err = enqueue_coll(st, &cc, diag)) != SIM_OK)
            goto fail;
    if ((err = time_coll_rep(st, &cc, 1, &one, diag)) != SIM_OK)
        goto fail;
    if (one < cfg->min_rep_s)
        inner = (long long)fmin(MAX_INNER, ceil(cfg->min_rep_s / fmax(one, 1e-7)));
    for (int r = 0; r < s->reps; r++)
        if ((err = time_coll_rep(st, &cc, inner, &s->times[r], diag)) != SIM_OK)
            goto fail;
    s->inner = inner;
    s->flops = 0.0;
    s->bytes = (double)cc.bytes;
fail:
    for (int d = 0; d < nd; d++) {
        (void)cudaSetDevice(d);
        (void)cudaStreamSynchronize(st->streams[d]);
        cudaFree(cc.send[d]);
        cudaFree(cc.recv[d]);
    }
    (void)cudaSetDevice(0);
    return err;
}

static void nccl_setup(cuda_state_t *st)
{
    int nd = st->ndev > MAX_GPUS ? MAX_GPUS : st->ndev;

    st->nccl_ndev = 0;
    if (nd < 2)
        return;
    for (int d = 0; d < nd; d++) {
        if (cudaSetDevice(d) != cudaSuccess ||
            cudaStreamCreateWithFlags(&st->streams[d], cudaStreamNonBlocking) != cudaSuccess ||
            cudaEventCreate(&st->starts[d]) != cudaSuccess ||
            cudaEventCreate(&st->stops[d]) != cudaSuccess)
            goto fail;
    }
    if (ncclCommInitAll(st->comms, nd, NULL) != ncclSuccess)
        goto fail;
    st->nccl_ndev = nd;
    (void)cudaSetDevice(0);
    return;
fail:
    /* Collectives are optional: leave them out, keep the rest. */
    (void)cudaGetLastError();
    (void)cudaSetDevice(0);
}
#endif /* HAVE_NCCL */

/* ---- the backend --------------------------------------------------------- */

/* Measured SM clock in MHz (see the top of the file); 0 on failure. */
static double measure_clock_mhz(cuda_state_t *st)
{
    long long *d_cycles = NULL, cycles = 0;
    float ms = 0.0f;
    double mhz = 0.0;

    if (cudaMalloc((void **)&d_cycles, sizeof *d_cycles) != cudaSuccess)
        return 0.0;
    for (int rep = 0; rep < 2; rep++) { /* the first run lets the clock ramp up */
        spin_kernel<<<1, 1, 0, st->stream>>>(SPIN_CYCLES, d_cycles);
        if (cudaGetLastError() != cudaSuccess) {
            mhz = 0.0;
            break;
        }
        if (cudaEventRecord(st->ev_start, st->stream) != cudaSuccess)
            break;
        spin_kernel<<<1, 1, 0, st->stream>>>(SPIN_CYCLES, d_cycles);
        if (cudaEventRecord(st->ev_stop, st->stream) != cudaSuccess ||
            cudaEventSynchronize(st->ev_stop) != cudaSuccess ||
            cudaEventElapsedTime(&ms, st->ev_start, st->ev_stop) != cudaSuccess ||
            cudaMemcpy(&cycles, d_cycles, sizeof cycles, cudaMemcpyDeviceToHost) != cudaSuccess ||
            ms <= 0.0f)
            break;
        mhz = (double)cycles / ((double)ms * 1e-3) / 1e6;
    }
    (void)cudaGetLastError();
    cudaFree(d_cycles);
    return mhz;
}

static void cuda_fini(void *state)
{
    cuda_state_t *st = (cuda_state_t *)state;
    if (st == NULL)
        return;
#if HAVE_NCCL
    for (int d = 0; d < st->nccl_ndev; d++)
        ncclCommDestroy(st->comms[d]);
    for (int d = 0; d < MAX_GPUS; d++) {
        if (st->streams[d] == NULL && st->starts[d] == NULL && st->stops[d] == NULL)
            continue;
        (void)cudaSetDevice(d);
        if (st->starts[d] != NULL)
            cudaEventDestroy(st->starts[d]);
        if (st->stops[d] != NULL)
            cudaEventDestroy(st->stops[d]);
        if (st->streams[d] != NULL)
            cudaStreamDestroy(st->streams[d]);
    }
    (void)cudaSetDevice(0);
#endif
    if (st->lt != NULL)
        cublasLtDestroy(st->lt);
    if (st->blas != NULL)
        cublasDestroy(st->blas);
    cudaFree(st->lt_workspace);
    cudaFree(st->scale_one);
    if (st->ev_start != NULL)
        cudaEventDestroy(st->ev_start);
    if (st->ev_stop != NULL)
        cudaEventDestroy(st->ev_stop);
    if (st->stream != NULL)
        cudaStreamDestroy(st->stream);
    free(st);
}

static sim_err_t cuda_init(const kbench_config_t *cfg, void **state,
                           kbench_device_t *dev, sim_diag_t *diag)
{
    cuda_state_t *st = NULL;
    sim_err_t err = SIM_OK;
    cudaError_t e;
    int n = 0, khz = 0;
    const float one = 1.0f;
    (void)cfg;

    *state = NULL;
    /* With no driver this is where it shows: cudaErrorInsufficientDriver or
     * cudaErrorNoDevice, never a crash. */
    e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        return sim_diag_set(diag, SIM_ERR_DEVICE, NULL, 0, "cuda",
                            "no usable CUDA device: %s (%s); is an NVIDIA GPU and "
                            "its driver present?",
                            cudaGetErrorString(e), cudaGetErrorName(e));
    }
    if (n < 1)
        return sim_diag_set(diag, SIM_ERR_DEVICE, NULL, 0, "cuda",
                            "no usable CUDA device: the driver reports none");
    st = (cuda_state_t *)calloc(1, sizeof *st);
    if (st == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, "", "out of memory");
    st->ndev = n;
    CK(cudaSetDevice(0), "cudaSetDevice");
    CK(cudaGetDeviceProperties(&st->prop, 0), "cudaGetDeviceProperties");
    CK(cudaStreamCreateWithFlags(&st->stream, cudaStreamNonBlocking), "cudaStreamCreate");
    CK(cudaEventCreate(&st->ev_start), "cudaEventCreate");
    CK(cudaEventCreate(&st->ev_stop), "cudaEventCreate");
    CK(cudaMalloc(&st->lt_workspace, LT_WORKSPACE), "cudaMalloc (workspace)");
    CK(cudaMalloc((void **)&st->scale_one, sizeof(float)), "cudaMalloc (scale)");
    CK(cudaMemcpy(st->scale_one, &one, sizeof one, cudaMemcpyHostToDevice), "cudaMemcpy");
    CKB(cublasCreate(&st->blas), "cublasCreate");
    CKB(cublasSetStream(st->blas, st->stream), "cublasSetStream");
    CKB(cublasLtCreate(&st->lt), "cublasLtCreate");

    memset(dev, 0, sizeof *dev);
    snprintf(dev->name, sizeof dev->name, "%s", st->prop.name);
    snprintf(dev->arch, sizeof dev->arch, "%d.%d", st->prop.major, st->prop.minor);
    dev->units = st->prop.multiProcessorCount;
    dev->clock_mhz = measure_clock_mhz(st);
    if (dev->clock_mhz <= 0.0 &&
        cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0) == cudaSuccess)
        dev->clock_mhz = khz / 1000.0;
#if HAVE_NCCL
    nccl_setup(st);
#endif
    *state = st;
    return SIM_OK;
fail:
    cuda_fini(st);
    return err;
}

static sim_err_t cuda_list(void *state, const kbench_config_t *cfg,
                           kbench_case_list_t *cases, sim_diag_t *diag)
{
    cuda_state_t *st = (cuda_state_t *)state;
    sim_err_t err = SIM_OK;
    int64_t stream_n = cfg->quick ? (int64_t)1 << 25 : (int64_t)1 << 27;
    static const int64_t copy_sizes[] = {4096, 65536, 1 << 20, 16 << 20, 256 << 20};
    static const int64_t quick_copy_sizes[] = {1 << 20, 64 << 20};
    const int64_t *sizes = cfg->quick ? quick_copy_sizes : copy_sizes;
    size_t nsizes = cfg->quick ? 2 : 5;
    kbench_case_t c;

    /* Three triad arrays in at most 1/4 of device memory. */
    while (stream_n > 1024 &&
           3.0 * 8.0 * (double)stream_n > 0.25 * (double)st->prop.totalGlobalMem)
        stream_n /= 2;
    memset(&c, 0, sizeof c);
    c.kernel = KBENCH_LAUNCH;
    c.dtype = KBENCH_FP32;
    if ((err = kbench_cases_push(cases, c)) != SIM_OK)
        goto fail;
    c.kernel = KBENCH_TRIAD;
    c.dtype = KBENCH_FP64;
    c.m = stream_n;
    if ((err = kbench_cases_push(cases, c)) != SIM_OK)
        goto fail;
    c.kernel = KBENCH_MEMCPY;
    c.m = stream_n * 8;
    if ((err = kbench_cases_push(cases, c)) != SIM_OK)
        goto fail;
    for (int dir = 0; dir < 2; dir++)
        for (size_t i = 0; i < nsizes; i++) {
            c.kernel = dir == 0 ? KBENCH_H2D : KBENCH_D2H;
            c.m = sizes[i];
            if ((err = kbench_cases_push(cases, c)) != SIM_OK)
                goto fail;
        }
    if ((err = kbench_grid_gemm(cases, cfg->shapes, cfg->quick, 0, cfg->dtype_mask)) != SIM_OK)
        goto fail;
#if HAVE_NCCL
    if (st->nccl_ndev >= 2) {
        int64_t lo = cfg->quick ? (int64_t)1 << 20 : (int64_t)1 << 12;
        int64_t hi = cfg->quick ? (int64_t)1 << 26 : (int64_t)1 << 30;
        for (int kind = 0; kind < 2; kind++)
            for (int64_t bytes = lo; bytes <= hi; bytes *= cfg->quick ? 64 : 4) {
                c.kernel = kind == 0 ? KBENCH_ALLREDUCE : KBENCH_ALLGATHER;
                c.dtype = KBENCH_FP32;
                c.m = bytes;
                c.n = st->nccl_ndev;
                c.k = 0;
                if ((err = kbench_cases_push(cases, c)) != SIM_OK)
                    goto fail;
            }
    }
#endif
    return SIM_OK;
fail:
    return sim_diag_set(diag, err, NULL, 0, "", "cannot build the case list");
}

static sim_err_t cuda_run(void *state, const kbench_config_t *cfg,
                          const kbench_case_t *c, kbench_sample_t *s,
                          sim_diag_t *diag)
{
    cuda_state_t *st = (cuda_state_t *)state;

    s->flops = 0.0;
    s->bytes = 0.0;
    switch (c->kernel) {
    case KBENCH_GEMM:
        return run_gemm(st, cfg, c, s, diag);
    case KBENCH_TRIAD:
        return run_triad(st, cfg, c, s, diag);
    case KBENCH_MEMCPY:
    case KBENCH_H2D:
    case KBENCH_D2H:
        return run_copy(st, cfg, c, s, diag);
    case KBENCH_LAUNCH: {
        sim_err_t err = time_stream(st, cfg, enqueue_empty, NULL, s, diag);
        cudaError_t e = cudaGetLastError();
        if (err == SIM_OK && e != cudaSuccess)
            err = cuda_fail(diag, e, "empty kernel launch");
        return err;
    }
#if HAVE_NCCL
    case KBENCH_ALLREDUCE:
    case KBENCH_ALLGATHER:
        return run_coll(st, cfg, c, s, diag);
#endif
    default:
        return SIM_ERR_INFEASIBLE;
    }
}

extern "C" const kbench_backend_t kbench_cuda_backend = {
    "cuda",
    KBENCH_DTYPE_BIT(KBENCH_FP32) | KBENCH_DTYPE_BIT(KBENCH_TF32) |
        KBENCH_DTYPE_BIT(KBENCH_FP16) | KBENCH_DTYPE_BIT(KBENCH_BF16) |
        KBENCH_DTYPE_BIT(KBENCH_FP8),
    KBENCH_DTYPE_BIT(KBENCH_FP32) | KBENCH_DTYPE_BIT(KBENCH_TF32) |
        KBENCH_DTYPE_BIT(KBENCH_FP16) | KBENCH_DTYPE_BIT(KBENCH_BF16) |
        KBENCH_DTYPE_BIT(KBENCH_FP8),
    cuda_init,
    cuda_list,
    cuda_run,
    cuda_fini,
};
