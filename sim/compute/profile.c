/*
 * profile.c — device profiles: defaults, built-in catalog peaks, text
 * load/save (see profile.h).
 *
 * Default efficiencies of an uncalibrated profile, and where they come from
 * (research notes: ../shared/research/kernel-timings.md, §7; facts copied
 * here so the build never reads that folder):
 *  - GEMM e_max 0.75 of dense peak: large-shape cuBLAS/torch GEMMs reach
 *    80% on H100 BF16 (torch.matmul 792-795 of 989 TFLOP/s, ml-engineering
 *    MAMF table), 79-82% in XLA's sm_90 table, 71% for FP8 torch._scaled_mm
 *    (1403 of 1979) and 77-78% for DeepGEMM FP8 on H800; 0.75 sits between.
 *  - GEMM tile-model parameters (fit.h): wave 0.5, tile_s 1.5 us, iter_s
 *    0.3 us, l2_GBps 8000, split_max 8, split_s 1 us.  Prior centres of the
 *    order the fits gave before the epilogue term (epi) was added:
 *    PipeWeave H100 FP8 (github.com/zksainx/pipeweave
 *    dataset/gemm_fp8_test.csv @ 55e0317, the 526-row subset in
 *    workloads/profiles) fits wave 0.48, tile_s 2.0 us, iter_s 0.34 us,
 *    l2 7.8 TB/s; DeepGEMM H800 (its README) tile_s 2.6 us, iter_s
 *    0.24 us, l2 9.0 TB/s, split_s 0.8 us.  split_max 8 is an assumption
 *    (neither data set determines it; split-k beyond 8 rarely pays).
 *    epi 0.5, the exposed part of each tile's C store: an assumption, the
 *    middle of [0, 1] as for wave (Hopper kernels overlap the TMA store
 *    with the next tile only partly); the fits give 0.48 (DeepGEMM H800),
 *    0.41 and 0.56 (H100 FP8 and FP16, the joint fit), 0.73 (Vidur A100).
 *  - No-SM-count (CPU) padding sizes m0 = 110, n0 = 155, k0 = 310
 *    elements: the earlier smooth-efficiency fit to the same PipeWeave H100
 *    data, rounded; only prior centres, CPU rows refit them.
 *  - GEMM memory-bound efficiency 0.90 and streaming mem_eff 0.85: small-M
 *    Llama GEMMs on H100 read their weights at ~2.8 TB/s = 84% of 3.35
 *    (Vidur mlp.csv, microsoft/vidur @ 7d47513); FlashMLA decode reaches
 *    3.0 TB/s = 90% on H800 (deepseek-ai/FlashMLA README).
 *  - launch overhead 4.3 us: the earlier smooth-model fit to all 2,102
 *    PipeWeave H100 FP8 shapes (its smallest FP8 GEMMs bottom out at
 *    4.9-5.0 us on H100/H800/H200; the tile-model fit to the subset gives
 *    2.7 us plus a 1.1-2 us per-tile cost, the same floor).
 *  - attention e_max 0.66, l0 = 207 tokens: FlashAttention-3 FP16 forward,
 *    head dim 128, non-causal, H100 SXM5: 467 TFLOP/s at 512 tokens and 648
 *    at 16k (Dao-AILab/flash-attention assets/flash3_fp16_fwd.png); e_max
 *    and l0 solve e_max * L/(L + l0) at those two points.
 *  - PCIe efficiency 0.80: an assumption (host copies through pinned
 *    buffers typically reach ~80% of the link's payload rate); kbench's
 *    memcpy_h2d rows replace it when present.
 */
#include "sim/compute/profile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/timing_csv.h"

#define DEFAULT_GEMM_E_MAX 0.75
#define DEFAULT_GEMM_M0 110.0
#define DEFAULT_GEMM_N0 155.0
#define DEFAULT_GEMM_K0 310.0
#define DEFAULT_GEMM_WAVE 0.5
#define DEFAULT_GEMM_TILE_S 1.5e-6
#define DEFAULT_GEMM_ITER_S 3e-7
#define DEFAULT_GEMM_L2_GBPS 8000.0
#define DEFAULT_GEMM_SPLIT_MAX 8.0
#define DEFAULT_GEMM_SPLIT_S 1e-6
#define DEFAULT_GEMM_EPI 0.5
#define DEFAULT_GEMM_MEM_EFF 0.90
#define DEFAULT_MEM_EFF 0.85
#define DEFAULT_LAUNCH_S 4.3e-6
#define DEFAULT_ATTN_E_MAX 0.66
#define DEFAULT_ATTN_L0 207.0
#define DEFAULT_PCIE_EFF 0.80

static const char *const dtype_names[SIM_COMPUTE_DTYPE__COUNT] = {
    "fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8",
};

static const double dtype_size[SIM_COMPUTE_DTYPE__COUNT] = {
    8, 4, 4, 2, 2, 1, 1,
};

double sim_compute_dtype_bytes(sim_compute_dtype_t dt)
{
    if ((int)dt < 0 || dt >= SIM_COMPUTE_DTYPE__COUNT)
        return 0.0;
    return dtype_size[dt];
}

const char *sim_compute_dtype_name(sim_compute_dtype_t dt)
{
    if ((int)dt < 0 || dt >= SIM_COMPUTE_DTYPE__COUNT)
        return "unknown";
    return dtype_names[dt];
}

static int ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int sim_compute_dtype_parse(const char *name, sim_compute_dtype_t *out)
{
    static const struct {
        const char *name;
        sim_compute_dtype_t dt;
    } alias[] = {
        {"fp64", SIM_COMPUTE_FP64},     {"double", SIM_COMPUTE_FP64},
        {"fp32", SIM_COMPUTE_FP32},     {"float", SIM_COMPUTE_FP32},
        {"tf32", SIM_COMPUTE_TF32},     {"bf16", SIM_COMPUTE_BF16},
        {"fp16", SIM_COMPUTE_FP16},     {"half", SIM_COMPUTE_FP16},
        {"fp8", SIM_COMPUTE_FP8},       {"fp8_e4m3", SIM_COMPUTE_FP8},
        {"fp8_e5m2", SIM_COMPUTE_FP8},  {"e4m3", SIM_COMPUTE_FP8},
        {"int8", SIM_COMPUTE_INT8},
    };
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (ieq(name, alias[i].name)) {
            *out = alias[i].dt;
            return 0;
        }
    return -1;
}

uint64_t sim_compute_fnv1a64(const void *data, size_t n)
{
    /* FNV-1a 64-bit offset basis and prime (Fowler/Noll/Vo, IETF draft
     * draft-eastlake-fnv). */
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void sim_compute_profile_init(sim_compute_profile_t *p, const char *device,
                              const double *peak_tflops, double hbm_GBps,
                              double pcie_GBps)
{
    memset(p, 0, sizeof *p);
    snprintf(p->device, sizeof p->device, "%s",
             device != NULL ? device : "unknown");
    p->calibrated = 0;
    for (int d = 0; d < SIM_COMPUTE_DTYPE__COUNT; d++) {
        p->peak_tflops[d] = peak_tflops != NULL ? peak_tflops[d] : 0.0;
        sim_compute_gemm_curve_t *c = &p->gemm[d];
        c->fitted = 0;
        c->e_max = DEFAULT_GEMM_E_MAX;
        c->m0 = DEFAULT_GEMM_M0;
        c->n0 = DEFAULT_GEMM_N0;
        c->k0 = DEFAULT_GEMM_K0;
        c->wave = DEFAULT_GEMM_WAVE;
        c->tile_s = DEFAULT_GEMM_TILE_S;
        c->iter_s = DEFAULT_GEMM_ITER_S;
        c->l2_GBps = DEFAULT_GEMM_L2_GBPS;
        c->split_max = DEFAULT_GEMM_SPLIT_MAX;
        c->split_s = DEFAULT_GEMM_SPLIT_S;
        c->epi = DEFAULT_GEMM_EPI;
        c->mem_eff = DEFAULT_GEMM_MEM_EFF;
        c->rows = 0;
    }
    p->vector_tflops = peak_tflops != NULL ? peak_tflops[SIM_COMPUTE_FP32]
                                           : 0.0;
    p->hbm_GBps = hbm_GBps;
    p->pcie_GBps = pcie_GBps;
    p->launch_s = DEFAULT_LAUNCH_S;
    p->mem_eff = DEFAULT_MEM_EFF;
    p->pcie_eff = DEFAULT_PCIE_EFF;
    p->attn_e_max = DEFAULT_ATTN_E_MAX;
    p->attn_l0 = DEFAULT_ATTN_L0;
}

/*
 * Built-in catalog peaks (dense TFLOP/s), from catalog-facts.md §1.1:
 * H100/H800/H200 BF16 989.4, FP8 1978.9 [S6]; H100/H800 HBM3 3.35 TB/s,
 * H200 4.8 TB/s [S1][S13]; H20 BF16 148, FP8 296, 4.0 TB/s [S10][S11];
 * A100 80GB BF16 312, 2,039 GB/s [S1][S2].  TF32 dense = half of BF16 and
 * INT8 = FP8 (A100: 2x BF16) per the same NVIDIA datasheets; FP32 here is
 * the CUDA-core (non-tensor) rate: H100 SXM 66.9, A100 19.5 (NVIDIA H100 /
 * A100 datasheets) [U for H20: 44, secondary].  FP64 is the tensor-core
 * FP64 rate (H100 66.9, A100 19.5; H800 cut to ~1 [S8][U]).  PCIe: Gen5
 * x16 63 GB/s per direction for Hopper, Gen4 x16 31 GB/s for A100 [S30].
 * SM counts: 132 for H100/H800/H200 SXM (PipeWeave hardware/<gpu>.json,
 * numSms; FlashMLA deep-dive "132 SMs on H800"), 78 for H20 (PipeWeave
 * hardware/H20.json), 108 for A100 (PipeWeave hardware/A100.json).
 */
static const struct builtin {
    const char *name;
    double peak[SIM_COMPUTE_DTYPE__COUNT]; /* fp64 fp32 tf32 bf16 fp16 fp8 int8 */
    double hbm_GBps;
    double pcie_GBps;
    double sms;
} builtins[] = {
    {"H100", {66.9, 66.9, 494.7, 989.4, 989.4, 1978.9, 1978.9}, 3350, 63, 132},
    {"H800", {1.0, 66.9, 494.7, 989.4, 989.4, 1978.9, 1978.9}, 3350, 63, 132},
    {"H200", {66.9, 66.9, 494.7, 989.4, 989.4, 1978.9, 1978.9}, 4800, 63, 132},
    {"H20", {1.0, 44.0, 74.0, 148.0, 148.0, 296.0, 296.0}, 4000, 63, 78},
    {"A100", {19.5, 19.5, 156.0, 312.0, 312.0, 0.0, 624.0}, 2039, 31, 108},
};

static int icontains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] != '\0' &&
               tolower((unsigned char)hay[i]) ==
                   tolower((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return 1;
    }
    return 0;
}

sim_err_t sim_compute_profile_builtin(const char *name,
                                      sim_compute_profile_t *p,
                                      sim_diag_t *diag)
{
    /* First match wins: the table lists H200 before H20 so that "H200"
     * is not taken for an H20. */
    for (size_t i = 0; name != NULL && i < sizeof builtins / sizeof builtins[0];
         i++)
        if (icontains(name, builtins[i].name)) {
            sim_compute_profile_init(p, name, builtins[i].peak,
                                     builtins[i].hbm_GBps,
                                     builtins[i].pcie_GBps);
            p->sm_count = builtins[i].sms;
            return SIM_OK;
        }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "device",
                        "no built-in profile for device '%s' (known: H100, "
                        "H800, H200, H20, A100)",
                        name != NULL ? name : "(null)");
}

/* ---- text format ---------------------------------------------------- */

/* Every key the format knows, in the order format() writes them.  A key's
 * value lives at a byte offset in the profile (double, int or size_t) or is
 * a string; per-dtype keys are expanded with the dtype name. */
typedef enum kind { K_DBL, K_FLAG, K_SIZE, K_STR } kind_t;

typedef struct key {
    char name[48];
    kind_t kind;
    void *ptr;
    size_t cap;     /* K_STR: buffer size */
    double lo, hi;  /* K_DBL: allowed range (inclusive) */
} pkey_t;

#define MAX_KEYS (20 + 15 * SIM_COMPUTE_DTYPE__COUNT)

/* The double parameters of a GEMM curve, in the order format() writes
 * them after `fitted` and `rows`, with their allowed ranges. */
static const struct {
    const char *name;
    size_t offset;
    double lo, hi;
} curve_fields[] = {
    {"e_max", offsetof(sim_compute_gemm_curve_t, e_max), 1e-6, 1.0},
    {"mem_eff", offsetof(sim_compute_gemm_curve_t, mem_eff), 1e-6, 1.0},
    {"wave", offsetof(sim_compute_gemm_curve_t, wave), 0.0, 1.0},
    {"tile_s", offsetof(sim_compute_gemm_curve_t, tile_s), 0.0, 1.0},
    {"iter_s", offsetof(sim_compute_gemm_curve_t, iter_s), 0.0, 1.0},
    {"l2_GBps", offsetof(sim_compute_gemm_curve_t, l2_GBps), 0.0, 1e7},
    {"split_max", offsetof(sim_compute_gemm_curve_t, split_max), 1.0, 1e4},
    {"split_s", offsetof(sim_compute_gemm_curve_t, split_s), 0.0, 1.0},
    {"epi", offsetof(sim_compute_gemm_curve_t, epi), 0.0, 1.0},
    {"m0", offsetof(sim_compute_gemm_curve_t, m0), 0.0, 1e9},
    {"n0", offsetof(sim_compute_gemm_curve_t, n0), 0.0, 1e9},
    {"k0", offsetof(sim_compute_gemm_curve_t, k0), 0.0, 1e9},
};

static int build_keys(sim_compute_profile_t *p, pkey_t *keys)
{
    int n = 0;
#define ADD(nm, k, pt, c, l, h)                                              \
    do {                                                                     \
        snprintf(keys[n].name, sizeof keys[n].name, "%s", nm);               \
        keys[n].kind = k;                                                    \
        keys[n].ptr = pt;                                                    \
        keys[n].cap = c;                                                     \
        keys[n].lo = l;                                                      \
        keys[n].hi = h;                                                      \
        n++;                                                                 \
    } while (0)
    ADD("device", K_STR, p->device, sizeof p->device, 0, 0);
    ADD("calibrated", K_FLAG, &p->calibrated, 0, 0, 0);
    ADD("source_csv", K_STR, p->source_csv, sizeof p->source_csv, 0, 0);
    ADD("source_fnv1a64", K_STR, p->source_fnv1a64,
        sizeof p->source_fnv1a64, 0, 0);
    ADD("source_rows", K_SIZE, &p->source_rows, 0, 0, 0);
    for (int d = 0; d < SIM_COMPUTE_DTYPE__COUNT; d++) {
        char nm[48];
        snprintf(nm, sizeof nm, "peak_tflops.%s", dtype_names[d]);
        ADD(nm, K_DBL, &p->peak_tflops[d], 0, 0.0, 1e6);
    }
    ADD("vector_tflops", K_DBL, &p->vector_tflops, 0, 0.0, 1e6);
    ADD("sm_count", K_DBL, &p->sm_count, 0, 0.0, 1e5);
    ADD("hbm_GBps", K_DBL, &p->hbm_GBps, 0, 0.0, 1e6);
    ADD("pcie_GBps", K_DBL, &p->pcie_GBps, 0, 0.0, 1e6);
    ADD("launch_s", K_DBL, &p->launch_s, 0, 0.0, 1.0);
    ADD("mem_eff", K_DBL, &p->mem_eff, 0, 1e-6, 1.0);
    ADD("pcie_eff", K_DBL, &p->pcie_eff, 0, 1e-6, 1.0);
    ADD("attn_e_max", K_DBL, &p->attn_e_max, 0, 1e-6, 1.0);
    ADD("attn_l0", K_DBL, &p->attn_l0, 0, 0.0, 1e9);
    for (int d = 0; d < SIM_COMPUTE_DTYPE__COUNT; d++) {
        sim_compute_gemm_curve_t *c = &p->gemm[d];
        char nm[48];
        const char *dn = dtype_names[d];
        snprintf(nm, sizeof nm, "gemm.%s.fitted", dn);
        ADD(nm, K_FLAG, &c->fitted, 0, 0, 0);
        snprintf(nm, sizeof nm, "gemm.%s.rows", dn);
        ADD(nm, K_SIZE, &c->rows, 0, 0, 0);
        for (size_t f = 0; f < sizeof curve_fields / sizeof curve_fields[0];
             f++) {
            snprintf(nm, sizeof nm, "gemm.%s.%s", dn, curve_fields[f].name);
            ADD(nm, K_DBL, (char *)c + curve_fields[f].offset, 0,
                curve_fields[f].lo, curve_fields[f].hi);
        }
    }
#undef ADD
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static sim_err_t set_value(const pkey_t *k, const char *v, const char *name,
                           int line, sim_diag_t *diag)
{
    char *end = NULL;
    switch (k->kind) {
    case K_STR:
        if (strlen(v) >= k->cap)
            return sim_diag_set(diag, SIM_ERR_RANGE, name, line, k->name,
                                "value longer than %zu characters",
                                k->cap - 1);
        snprintf((char *)k->ptr, k->cap, "%s", v);
        return SIM_OK;
    case K_FLAG:
        if (strcmp(v, "yes") == 0)
            *(int *)k->ptr = 1;
        else if (strcmp(v, "no") == 0)
            *(int *)k->ptr = 0;
        else
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, k->name,
                                "expected yes or no, got '%s'", v);
        return SIM_OK;
    case K_SIZE: {
        errno = 0;
        unsigned long long u = strtoull(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || v[0] == '-')
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, k->name,
                                "expected a count, got '%s'", v);
        *(size_t *)k->ptr = (size_t)u;
        return SIM_OK;
    }
    case K_DBL: {
        errno = 0;
        double d = strtod(v, &end);
        if (errno != 0 || end == v || *end != '\0' || !isfinite(d))
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, k->name,
                                "expected a number, got '%s'", v);
        if (d < k->lo || d > k->hi)
            return sim_diag_set(diag, SIM_ERR_RANGE, name, line, k->name,
                                "%g is outside [%g, %g]", d, k->lo, k->hi);
        *(double *)k->ptr = d;
        return SIM_OK;
    }
    }
    return SIM_OK; /* not reached: every kind is handled above */
}

sim_err_t sim_compute_profile_parse(const char *text, const char *name,
                                    sim_compute_profile_t *p,
                                    sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    sim_compute_profile_t tmp;
    pkey_t keys[MAX_KEYS];
    unsigned char seen[MAX_KEYS];
    char buf[1024];
    int line = 0;

    sim_compute_profile_init(&tmp, NULL, NULL, 0.0, 0.0);
    int nkeys = build_keys(&tmp, keys);
    memset(seen, 0, sizeof seen);
    if (name == NULL)
        name = "";
    const char *s = text;
    while (*s != '\0') {
        const char *eol = strchr(s, '\n');
        size_t l = eol != NULL ? (size_t)(eol - s) : strlen(s);
        line++;
        if (l >= sizeof buf) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                               "line longer than %zu characters",
                               sizeof buf - 1);
            goto fail;
        }
        memcpy(buf, s, l);
        buf[l] = '\0';
        s = eol != NULL ? eol + 1 : s + l;
        char *t = trim(buf);
        if (*t == '\0' || *t == '#')
            continue;
        char *eq = strchr(t, '=');
        if (eq == NULL) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                               "expected 'key = value', got '%s'", t);
            goto fail;
        }
        *eq = '\0';
        char *key = trim(t), *val = trim(eq + 1);
        int found = -1;
        for (int i = 0; i < nkeys; i++)
            if (strcmp(keys[i].name, key) == 0)
                found = i;
        if (found < 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, key,
                               "unknown key");
            goto fail;
        }
        if (seen[found]) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, key,
                               "duplicate key");
            goto fail;
        }
        seen[found] = 1;
        err = set_value(&keys[found], val, name, line, diag);
        if (err != SIM_OK)
            goto fail;
    }
    *p = tmp;
    return SIM_OK;
fail:
    return err;
}

sim_err_t sim_compute_profile_load(const char *path, sim_compute_profile_t *p,
                                   sim_diag_t *diag)
{
    char *buf = NULL;
    size_t len = 0;
    sim_err_t err = sim_compute_read_file(path, &buf, &len, diag);
    if (err != SIM_OK)
        return err;
    if (strlen(buf) != len)
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 0, NULL,
                           "file contains a NUL byte");
    else
        err = sim_compute_profile_parse(buf, path, p, diag);
    free(buf);
    return err;
}

/* A growable string for format(). */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf_t;

static void sb_printf(sbuf_t *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (w < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)w < b->cap - b->n) {
            b->n += (size_t)w;
            return;
        }
        size_t ncap = (b->cap + (size_t)w + 1) * 2;
        char *ns = realloc(b->s, ncap);
        if (ns == NULL) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
}

sim_err_t sim_compute_profile_format(const sim_compute_profile_t *p,
                                     char **out)
{
    sim_compute_profile_t copy = *p;
    pkey_t keys[MAX_KEYS];
    sbuf_t b = {NULL, 0, 0, 0};

    *out = NULL;
    b.s = malloc(4096);
    if (b.s == NULL)
        return SIM_ERR_NOMEM;
    b.cap = 4096;
    b.s[0] = '\0';
    int nkeys = build_keys(&copy, keys);
    sb_printf(&b,
              "# gpusim device profile (sim/compute/profile.h).\n"
              "# Peaks are dense TFLOP/s per dtype; bandwidths 1e9 B/s;\n"
              "# times s.  GEMM time: tile schedule on sm_count SMs\n"
              "#   (e_max, tile_s, iter_s, l2_GBps, split_*, wave, epi),\n"
              "#   bounded by bytes / (hbm * mem_eff); m0, n0, k0 only\n"
              "#   when sm_count = 0 (fit.h).\n"
              "# calibrated = no means catalog peaks with default "
              "efficiencies.\n");
    for (int i = 0; i < nkeys; i++) {
        const pkey_t *k = &keys[i];
        switch (k->kind) {
        case K_STR:
            sb_printf(&b, "%s = %s\n", k->name, (const char *)k->ptr);
            break;
        case K_FLAG:
            sb_printf(&b, "%s = %s\n", k->name,
                      *(const int *)k->ptr ? "yes" : "no");
            break;
        case K_SIZE:
            sb_printf(&b, "%s = %zu\n", k->name, *(const size_t *)k->ptr);
            break;
        case K_DBL:
            sb_printf(&b, "%s = %.17g\n", k->name, *(const double *)k->ptr);
            break;
        }
    }
    if (b.oom) {
        free(b.s);
        return SIM_ERR_NOMEM;
    }
    *out = b.s;
    return SIM_OK;
}

sim_err_t sim_compute_profile_save(const sim_compute_profile_t *p,
                                   const char *path, sim_diag_t *diag)
{
    char *text = NULL;
    sim_err_t err = sim_compute_profile_format(p, &text);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, path, 0, NULL, "out of memory");
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot create: %s", strerror(errno));
        goto fail;
    }
    size_t len = strlen(text);
    if (fwrite(text, 1, len, f) != len) {
        fclose(f);
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "write failed");
        goto fail;
    }
    if (fclose(f) != 0) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "write failed");
        goto fail;
    }
    free(text);
    return SIM_OK;
fail:
    free(text);
    return err;
}
