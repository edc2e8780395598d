#!/bin/sh
# make-gemm-csv.sh — build the half-precision GEMM timing CSVs that
# A100-80G.profile and H100.profile are fitted on (see SOURCE.md).
#
# Run by hand from the repository root, never at build time:
#   sh workloads/profiles/make-gemm-csv.sh
# Deterministic (LC_ALL=C, input order kept): the same inputs give the
# same bytes.  Inputs are committed: workloads/calibration/vidur-*.csv
# (Vidur's cuBLAS FP16 GEMM timings, converted by
# workloads/calibration/convert/convert.sh) and pipeweave-h100-fp8.csv.
#
# Only `gemm` rows are kept: Vidur's element-wise rows (add, rmsnorm, rope,
# silu_mul) are at most 25 MB, inside the A100's 40 MB and the H100's
# 50 MB L2, so they measure the cache rather than HBM (the `add` rows
# imply more than the HBM peak) and would pull the streaming efficiency
# to its bound.
set -eu
export LC_ALL=C
cal=workloads/calibration
out=workloads/profiles

# A100: Llama-2 7B and 70B shapes, all TP degrees (416 GEMMs).
awk -F, 'FNR == 1 { if (NR == 1) print; next } $3 == "gemm"' \
    "$cal/vidur-a100-llama2-7b.csv" "$cal/vidur-a100-llama2-70b.csv" \
    >"$out/vidur-a100-fp16-gemm.csv"

# H100: the 526 PipeWeave FP8 rows that H100.profile was first fitted on
# (padded to the 16 columns: empty spread, empty op, source), then the
# 416 Vidur FP16 GEMMs.  Both files name the device "NVIDIA H100".
{
    head -n 1 "$cal/vidur-h100-llama2-7b.csv"
    awk 'NR > 1 { print $0 ",,,,zksainx/pipeweave@55e0317 dataset/gemm_fp8_test.csv" }' \
        "$out/pipeweave-h100-fp8.csv"
    awk -F, 'FNR > 1 && $3 == "gemm"' \
        "$cal/vidur-h100-llama2-7b.csv" "$cal/vidur-h100-llama2-70b.csv"
} >"$out/h100-fp8-fp16-gemm.csv"
