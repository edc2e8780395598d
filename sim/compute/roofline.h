/*
 * roofline.h — operator descriptors, their FLOP and byte counts, and the
 * roofline time of one operator on one device profile.
 *
 *   time = max(FLOPs / (peak(dtype) * e_c(op)), bytes / (HBM * e_m(op)))
 *          + launch overhead
 *
 * e_c and e_m come from the profile (fitted curves or documented defaults,
 * see profile.h and fit.h); for GEMMs the compute time is the tile
 * schedule of fit.h and e_c = FLOPs / (peak * that time).  FLOPs count a multiply-add as 2.  Byte counts
 * are the compulsory HBM traffic of a fused kernel that reads each input and
 * writes each output once (caches never re-read); that is the lower bound a
 * good kernel approaches, and the efficiency absorbs the rest.
 *
 * Assumes: one operator runs alone on one GPU; no overlap between operators
 * is modelled here (the engines above do that).
 */
#ifndef SIM_COMPUTE_ROOFLINE_H
#define SIM_COMPUTE_ROOFLINE_H

#include <stdint.h>

#include "sim/compute/profile.h"
#include "sim/core/error.h"

typedef enum sim_compute_op_kind {
    SIM_COMPUTE_OP_GEMM = 0,
    SIM_COMPUTE_OP_ATTENTION,
    SIM_COMPUTE_OP_ELEMENTWISE,
    SIM_COMPUTE_OP_NORM,
    SIM_COMPUTE_OP_EMBEDDING,
    SIM_COMPUTE_OP_OPTIMIZER,
    SIM_COMPUTE_OP_MEMCPY,
    SIM_COMPUTE_OP__COUNT
} sim_compute_op_kind_t;

typedef enum sim_compute_copy_dir {
    SIM_COMPUTE_COPY_D2D = 0, /* HBM to HBM: read + write on HBM */
    SIM_COMPUTE_COPY_H2D,     /* host to device over PCIe */
    SIM_COMPUTE_COPY_D2H      /* device to host over PCIe */
} sim_compute_copy_dir_t;

/* C[m,n] = A[m,k] B[k,n], batch independent products. */
typedef struct sim_compute_gemm {
    int64_t m, n, k, batch; /* batch 0 is treated as 1 */
    sim_compute_dtype_t dtype;
    double out_bytes_per_elem; /* 0: the dtype's size; FP8 GEMMs often
                                  write BF16 (2) */
} sim_compute_gemm_t;

/* Multi-head attention core: softmax(Q K^T) V, FlashAttention-style fused. */
typedef struct sim_compute_attention {
    int64_t batch, heads, kv_heads, q_len, kv_len, head_dim;
    int causal;   /* mask the upper triangle (prefill) */
    int decode;   /* 1: q_len new tokens attend to kv_len cached ones */
    int backward; /* 1: the backward pass (2.5x forward FLOPs) */
    sim_compute_dtype_t dtype;
} sim_compute_attention_t;

/* Element-wise op: reads and writes `bytes` in total, flops_per_byte work. */
typedef struct sim_compute_elementwise {
    double bytes;
    double flops_per_byte;
} sim_compute_elementwise_t;

/* LayerNorm/RMSNorm over rows x hidden. */
typedef struct sim_compute_norm {
    int64_t rows, hidden;
    int rms;  /* 1 RMSNorm, 0 LayerNorm */
    sim_compute_dtype_t dtype;
} sim_compute_norm_t;

/* Embedding lookup: gather tokens rows of width hidden. */
typedef struct sim_compute_embedding {
    int64_t tokens, hidden;
    sim_compute_dtype_t dtype;
} sim_compute_embedding_t;

/* Optimizer step over params parameters; bytes_per_param is all HBM traffic
 * per parameter (Adam, mixed precision: read+write FP32 master, m, v = 24,
 * read BF16 grad 2, write BF16 weight 2 -> 28). */
typedef struct sim_compute_optimizer {
    int64_t params;
    double bytes_per_param;
    double flops_per_param; /* 0: Adam's ~12 */
} sim_compute_optimizer_t;

typedef struct sim_compute_memcpy {
    double bytes;
    sim_compute_copy_dir_t dir;
} sim_compute_memcpy_t;

typedef struct sim_compute_op {
    sim_compute_op_kind_t kind;
    union {
        sim_compute_gemm_t gemm;
        sim_compute_attention_t attn;
        sim_compute_elementwise_t elem;
        sim_compute_norm_t norm;
        sim_compute_embedding_t embed;
        sim_compute_optimizer_t optim;
        sim_compute_memcpy_t copy;
    } u;
} sim_compute_op_t;

/* The parts of a roofline prediction, for reports and tests. */
typedef struct sim_compute_estimate {
    double flops;          /* FLOPs of the op */
    double bytes;          /* HBM (or PCIe, for host copies) bytes */
    double compute_s;      /* FLOPs / (peak * e_c); 0 when no FLOPs */
    double memory_s;       /* bytes / (bandwidth * e_m) */
    double launch_s;       /* fixed overhead added */
    double time_s;         /* max(compute_s, memory_s) + launch_s */
    double compute_eff;    /* e_c used */
    double memory_eff;     /* e_m used */
    int compute_bound;     /* 1 when compute_s >= memory_s */
} sim_compute_estimate_t;

/* FLOPs of op (multiply-add = 2).  Formulas are in roofline.c.  Returns a
 * negative value for a malformed op (negative sizes).  Cost: O(1). */
double sim_compute_op_flops(const sim_compute_op_t *op);

/* Compulsory HBM bytes of op (PCIe bytes for host copies).  Negative for a
 * malformed op.  Cost: O(1). */
double sim_compute_op_bytes(const sim_compute_op_t *op);

/*
 * Roofline estimate of op on profile p into *out.  Returns SIM_OK;
 * SIM_ERR_RANGE when a size is negative or the op's dtype has no peak on
 * this device (diag says which).  p, op, out must not be NULL.  Cost: O(1).
 */
sim_err_t sim_compute_estimate(const sim_compute_profile_t *p,
                               const sim_compute_op_t *op,
                               sim_compute_estimate_t *out,
                               sim_diag_t *diag);

/* How the tile model (fit.h) runs one GEMM. */
typedef struct sim_compute_gemm_plan {
    int tile_m, tile_n; /* chosen output tile; 0 in the no-SM-count model */
    double tiles;       /* output tiles, all batches */
    double splits;      /* k-splits per tile (1 = none; continuous) */
    double waves;       /* effective waves of work units over the SMs */
    double compute_s;   /* time of the tile schedule, s (no launch) */
} sim_compute_gemm_plan_t;

/* The device as the GEMM model sees it. */
typedef struct sim_compute_gemm_dev {
    double peak_flops; /* dense peak of the dtype, FLOP/s */
    double sm_count;   /* 0: unknown (the continuous no-tile model) */
    double hbm_Bps;    /* HBM bandwidth, B/s; 0: no epilogue-store term */
} sim_compute_gemm_dev_t;

/* One GEMM problem: batch products C[m,n] = A[m,k] B[k,n]. */
typedef struct sim_compute_gemm_shape {
    double m, n, k;
    double batch;      /* < 1 is treated as 1 */
    double in_bytes;   /* per element of A and B */
    double out_bytes;  /* per element of C; 0: in_bytes */
} sim_compute_gemm_shape_t;

/*
 * Compute-side time of shape under curve c on device dev: the tile model
 * of fit.h, the least time over the candidate tiles (the continuous model
 * when dev->sm_count < 1), including each unit's epilogue store when
 * dev->hbm_Bps > 0.  The whole-kernel HBM bound and the launch
 * overhead are not included (sim_compute_estimate adds them).  plan may be
 * NULL.  Sizes <= 0 or a peak <= 0 give 0.  Cost: O(1) (6 tiles).
 */
double sim_compute_gemm_compute_time(const sim_compute_gemm_curve_t *c,
                                     const sim_compute_gemm_dev_t *dev,
                                     const sim_compute_gemm_shape_t *shape,
                                     sim_compute_gemm_plan_t *plan);

/* Convenience: sim_compute_estimate's time_s for a GEMM, or a negative
 * value when it fails.  Cost: O(1). */
double sim_compute_gemm_time(const sim_compute_profile_t *p, int64_t m,
                             int64_t n, int64_t k, sim_compute_dtype_t dtype);

#endif /* SIM_COMPUTE_ROOFLINE_H */
