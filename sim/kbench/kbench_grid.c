/*
 * kbench_grid.c — names, option parsing and the GEMM shape grid (see
 * kbench_grid.h).
 *
 * The (n, k) weight shapes are those of Llama-3 linear layers: 4096 hidden
 * and 14336 FFN for Llama-3-8B, 8192 hidden and 28672 FFN for Llama-3-70B
 * (meta-llama/Meta-Llama-3-8B and -70B config.json: hidden_size,
 * intermediate_size).  They stand for "a typical LLM layer"; the exact model
 * does not matter to the fit.
 */
#include "sim/kbench/kbench_grid.h"

#include <stdlib.h>
#include <string.h>

static const char *const kernel_names[KBENCH_KERNEL__COUNT] = {
    [KBENCH_GEMM] = "gemm",       [KBENCH_TRIAD] = "triad",
    [KBENCH_LAUNCH] = "launch",   [KBENCH_WAKE] = "wake",
    [KBENCH_MEMCPY] = "memcpy",   [KBENCH_H2D] = "h2d",
    [KBENCH_D2H] = "d2h",         [KBENCH_ALLREDUCE] = "allreduce",
    [KBENCH_ALLGATHER] = "allgather",
};

static const char *const dtype_names[KBENCH_DTYPE__COUNT] = {
    [KBENCH_FP32] = "fp32", [KBENCH_TF32] = "tf32", [KBENCH_FP16] = "fp16",
    [KBENCH_BF16] = "bf16", [KBENCH_FP8] = "fp8_e4m3", [KBENCH_FP64] = "fp64",
};

static const size_t dtype_sizes[KBENCH_DTYPE__COUNT] = {
    [KBENCH_FP32] = 4, [KBENCH_TF32] = 4, [KBENCH_FP16] = 2,
    [KBENCH_BF16] = 2, [KBENCH_FP8] = 1,  [KBENCH_FP64] = 8,
};

const char *kbench_kernel_name(kbench_kernel_t k)
{
    if ((int)k < 0 || k >= KBENCH_KERNEL__COUNT)
        return "?";
    return kernel_names[k];
}

const char *kbench_dtype_name(kbench_dtype_t d)
{
    if ((int)d < 0 || d >= KBENCH_DTYPE__COUNT)
        return "?";
    return dtype_names[d];
}

size_t kbench_dtype_size(kbench_dtype_t d)
{
    if ((int)d < 0 || d >= KBENCH_DTYPE__COUNT)
        return 0;
    return dtype_sizes[d];
}

/* The dtype named by s[0..len), or -1. */
static int dtype_lookup(const char *s, size_t len)
{
    if (len == 3 && strncmp(s, "fp8", 3) == 0)
        return KBENCH_FP8;
    for (int d = 0; d < KBENCH_DTYPE__COUNT; d++)
        if (strlen(dtype_names[d]) == len && strncmp(s, dtype_names[d], len) == 0)
            return d;
    return -1;
}

sim_err_t kbench_dtypes_parse(const char *s, unsigned *mask, sim_diag_t *diag)
{
    unsigned m = 0;
    const char *p = s;

    for (;;) {
        size_t len = strcspn(p, ",");
        int d = dtype_lookup(p, len);
        if (d < 0)
            return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--dtypes",
                                "unknown dtype '%.*s' (expected a comma-separated "
                                "list of fp32, tf32, fp16, bf16, fp8, fp64)",
                                (int)len, p);
        m |= KBENCH_DTYPE_BIT(d);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    *mask = m;
    return SIM_OK;
}

sim_err_t kbench_shapes_parse(const char *s, kbench_shapes_t *out,
                              sim_diag_t *diag)
{
    if (strcmp(s, "decode") == 0)
        *out = KBENCH_SHAPES_DECODE;
    else if (strcmp(s, "train") == 0)
        *out = KBENCH_SHAPES_TRAIN;
    else if (strcmp(s, "all") == 0)
        *out = KBENCH_SHAPES_ALL;
    else
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, "--shapes",
                            "expected decode, train or all, got '%s'", s);
    return SIM_OK;
}

sim_err_t kbench_cases_push(kbench_case_list_t *l, kbench_case_t c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        kbench_case_t *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return SIM_ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = c;
    return SIM_OK;
}

void kbench_cases_destroy(kbench_case_list_t *l)
{
    if (l == NULL)
        return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

typedef struct nk {
    int64_t n, k;
} nk_t;

/* Weight shapes (n outputs, k inputs): Llama-3-8B q/o proj, FFN up (one
 * half of gate+up), FFN down; Llama-3-70B q/o proj, FFN up, FFN down. */
static const nk_t layer_nk[] = {
    {4096, 4096}, {14336, 4096}, {4096, 14336},
    {8192, 8192}, {28672, 8192}, {8192, 28672},
};
#define N_LAYER_NK (sizeof layer_nk / sizeof layer_nk[0])
#define N_DECODE_NK 4 /* the decode family uses the first four */

static const int64_t decode_m[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
static const int64_t quick_decode_m[] = {1, 16, 128};
static const int64_t train_square[] = {1024, 2048, 4096, 8192, 16384};
static const int64_t train_m[] = {2048, 8192};

static int64_t clamp_dim(int64_t v, int64_t cap)
{
    return (cap > 0 && v > cap) ? cap : v;
}

/* Append (m, n, k) for dtype d unless the clamped shape is already in l from
 * index first on. */
static sim_err_t push_shape(kbench_case_list_t *l, size_t first,
                            kbench_dtype_t d, int64_t m, int64_t n, int64_t k,
                            int64_t cap)
{
    kbench_case_t c;

    memset(&c, 0, sizeof c);
    c.kernel = KBENCH_GEMM;
    c.dtype = d;
    c.m = clamp_dim(m, cap);
    c.n = clamp_dim(n, cap);
    c.k = clamp_dim(k, cap);
    for (size_t i = first; i < l->n; i++)
        if (l->v[i].m == c.m && l->v[i].n == c.n && l->v[i].k == c.k)
            return SIM_OK;
    return kbench_cases_push(l, c);
}

sim_err_t kbench_grid_gemm(kbench_case_list_t *l, kbench_shapes_t shapes,
                           int quick, int64_t dim_cap, unsigned dtype_mask)
{
    sim_err_t err = SIM_OK;

    for (int d = 0; d < KBENCH_DTYPE__COUNT; d++) {
        size_t first = l->n;
        if (!(dtype_mask & KBENCH_DTYPE_BIT(d)))
            continue;
        if (shapes & KBENCH_SHAPES_DECODE) {
            const int64_t *ms = quick ? quick_decode_m : decode_m;
            size_t nm = quick ? sizeof quick_decode_m / sizeof quick_decode_m[0]
                              : sizeof decode_m / sizeof decode_m[0];
            size_t nnk = quick ? 1 : N_DECODE_NK;
            for (size_t j = 0; j < nnk; j++)
                for (size_t i = 0; i < nm; i++)
                    if ((err = push_shape(l, first, (kbench_dtype_t)d, ms[i],
                                          layer_nk[j].n, layer_nk[j].k,
                                          dim_cap)) != SIM_OK)
                        return err;
        }
        if (shapes & KBENCH_SHAPES_TRAIN) {
            size_t nsq = quick ? 1 : sizeof train_square / sizeof train_square[0];
            for (size_t i = 0; i < nsq; i++) {
                int64_t s = train_square[quick ? 1 : i];
                if ((err = push_shape(l, first, (kbench_dtype_t)d, s, s, s,
                                      dim_cap)) != SIM_OK)
                    return err;
            }
            if (!quick)
                for (size_t j = 0; j < N_LAYER_NK; j++)
                    for (size_t i = 0; i < sizeof train_m / sizeof train_m[0]; i++)
                        if ((err = push_shape(l, first, (kbench_dtype_t)d,
                                              train_m[i], layer_nk[j].n,
                                              layer_nk[j].k, dim_cap)) != SIM_OK)
                            return err;
        }
    }
    return err;
}

double kbench_gemm_flops(int64_t m, int64_t n, int64_t k)
{
    return 2.0 * (double)m * (double)n * (double)k;
}

double kbench_gemm_bytes(kbench_dtype_t d, int64_t m, int64_t n, int64_t k)
{
    double in = (double)kbench_dtype_size(d);
    double out = d == KBENCH_FP8 ? 2.0 : in;
    return in * ((double)m * (double)k + (double)n * (double)k) +
           out * (double)m * (double)n;
}
