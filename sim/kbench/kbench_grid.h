/*
 * kbench_grid.h — names, option parsing and the GEMM shape grid of the
 * kernel timing module.
 *
 * The grid is fixed data, so runs on different machines time the same shapes
 * and their CSVs can be joined.  Decode shapes are skinny (m = 1 ... 256
 * tokens against Llama-3-8B/70B-sized weights); training shapes have
 * m >= 1024.  A backend with limited speed (the CPU) passes a dimension cap:
 * every dimension above it is clamped to it and duplicates are removed, so the
 * CPU grid keeps the same structure at a smaller size.
 *
 * Assumes: nothing beyond kbench.h.
 */
#ifndef SIM_KBENCH_KBENCH_GRID_H
#define SIM_KBENCH_KBENCH_GRID_H

#ifdef __cplusplus
extern "C" {
#endif

#include "sim/kbench/kbench.h"

/* CSV/CLI name of a kernel ("gemm", "triad", ...); "?" when out of range. */
const char *kbench_kernel_name(kbench_kernel_t k);

/* CSV name of a dtype: "fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "fp64";
 * "?" when out of range. */
const char *kbench_dtype_name(kbench_dtype_t d);

/* Bytes per element of a dtype's GEMM inputs (tf32 stores fp32: 4; fp8: 1). */
size_t kbench_dtype_size(kbench_dtype_t d);

/*
 * Parse a comma-separated dtype list ("fp32,bf16,fp8") into a mask.  Accepts
 * the CSV names and "fp8" for fp8_e4m3.  SIM_ERR_USAGE (diag key "--dtypes")
 * on an empty list or an unknown name.  s must not be NULL.
 */
sim_err_t kbench_dtypes_parse(const char *s, unsigned *mask, sim_diag_t *diag);

/* Parse "decode", "train" or "all".  SIM_ERR_USAGE otherwise. */
sim_err_t kbench_shapes_parse(const char *s, kbench_shapes_t *out,
                              sim_diag_t *diag);

/* Append one case; SIM_ERR_NOMEM on allocation failure (list unchanged).
 * Amortised O(1). */
sim_err_t kbench_cases_push(kbench_case_list_t *l, kbench_case_t c);

/* Free the array and zero the list; NULL is a no-op. */
void kbench_cases_destroy(kbench_case_list_t *l);

/*
 * Append the GEMM grid to l: for each dtype in dtype_mask (ascending enum
 * order), each selected shape family, the fixed (m, n, k) list.  quick keeps a
 * handful of shapes.  dim_cap > 0 clamps each dimension to dim_cap and drops
 * the shapes that then repeat (first occurrence kept); 0 = no cap.
 * Deterministic.  SIM_ERR_NOMEM; l keeps what was appended before the failure.
 */
sim_err_t kbench_grid_gemm(kbench_case_list_t *l, kbench_shapes_t shapes,
                           int quick, int64_t dim_cap, unsigned dtype_mask);

/* 2*m*n*k: floating-point operations of a GEMM case. */
double kbench_gemm_flops(int64_t m, int64_t n, int64_t k);

/*
 * Bytes a GEMM must move at least: inputs m*k + n*k read, output m*n written,
 * at the dtype's input size, except fp8 whose output is bf16 (2 bytes), the
 * convention of DeepGEMM's published table.
 */
double kbench_gemm_bytes(kbench_dtype_t d, int64_t m, int64_t n, int64_t k);

#ifdef __cplusplus
}
#endif

#endif /* SIM_KBENCH_KBENCH_GRID_H */
