#!/bin/sh
# convert.sh — turn published kernel timings into gpusim's kernel timing CSV
# (the format gpusim-kbench writes; see sim/kbench/kbench_csv.h), so that
# `gpusim calibrate` and `gpusim validate` read measured and published data
# the same way.
#
# Run by hand, never at build time; its outputs are committed next to this
# directory and described in ../SOURCE.md.  Deterministic: the same inputs
# give the same bytes (LC_ALL=C, fixed subsampling, no dates).
#
#   usage: convert.sh [SHARED_DIR [OUT_DIR]]
#     SHARED_DIR  the team's shared folder holding data/ and research/
#                 (default: /work/shared)
#     OUT_DIR     where the CSVs go (default: the directory above this script)
#
# Every output has the twelve base columns
#   backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps
# (backend is "published"; reps is empty when the source does not say), then
#   time_min_s,time_max_s  spread where the source gives it (else empty),
#   op                     what the row measured, in the source's words,
#   source                 where it came from.
# h800-deepgemm-fp8.csv is the exception: copied byte for byte, its one extra
# column is `source`.
#
# Assumes: a POSIX sh, awk and sort; the input layouts described in
# SHARED_DIR/data/**/SOURCE.md and SHARED_DIR/research/kernel-timings.md.
set -eu
export LC_ALL=C

shared=${1:-/work/shared}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$(dirname "$here")}
header='backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps,time_min_s,time_max_s,op,source'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/convert.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- 1. DeepGEMM FP8 GEMMs on H800: already in the format ---------------------
# (cat, not cp: the copies must not inherit the shared folder's read-only mode)
rm -f "$out/h800-deepgemm-fp8.csv"
cat "$shared/data/validation/kernels-h800-deepgemm.csv" >"$out/h800-deepgemm-fp8.csv"

# ---- 2. PipeWeave FP8 GEMM timings, one file per GPU --------------------------
# avg_duration is in microseconds.  Subsample: the (M,N,K) shapes measured on
# all four GPUs, sorted numerically, every 16th from the first -- the same
# shapes in every file, so one GPU can be fitted and another predicted.
pw="$shared/data/profiling/pipeweave/dataset/gemm_fp8_test.csv"
awk -F, 'NR > 1 { n[$1 "," $2 "," $3]++ }
         END { for (s in n) if (n[s] == 4) print s }' "$pw" |
    sort -t, -k1,1n -k2,2n -k3,3n | awk 'NR % 16 == 1' >"$tmp/pw_shapes"

for gpu in H100 H200 H800 H20; do
    lower=$(echo "$gpu" | tr 'A-Z' 'a-z')
    awk -F, -v gpu="NVIDIA $gpu" -v header="$header" '
        FNR == NR { keep[$0] = 1; next }
        FNR == 1 { print header; next }
        $5 == gpu && (($1 "," $2 "," $3) in keep) && !seen[$1 "," $2 "," $3]++ {
            m = $1; n = $2; k = $3; t = $4 * 1e-6
            bytes = m * k + n * k + 2 * m * n   # fp8 inputs, bf16 output (assumed)
            printf "published,%s,gemm,fp8_e4m3,%d,%d,%d,%.0f,,%.6g,%.6g,%.6g,,,", \
                gpu, m, n, k, bytes, t, 2 * m * n * k / t / 1e12, bytes / t / 1e9
            printf "fp8 gemm (kernel and scaling not stated),"
            printf "zksainx/pipeweave@55e0317 dataset/gemm_fp8_test.csv\n"
        }' "$tmp/pw_shapes" "$pw" >"$out/pipeweave-fp8-gemm-$lower.csv"
done

# ---- 3. Vidur operator profiles (FP16, per-GPU shard after TP split) ----------
# One row per (op, num_tokens, TP) for num_tokens a power of two; the first of
# duplicated (num_tokens, TP) rows is kept.  rmsnorm and add do not depend on
# TP (they act on the full hidden vector), so only their TP = 1 rows are kept.  Times are medians in ms.  Shapes
# follow vidur/profiling/mlp/mlp_impl.py (ColumnParallelLinear splits the
# output, RowParallelLinear the input, by TP).
vidur_one() { # $1 = device dir (a100|h100), $2 = model dir, $3 = out file
    awk -F, -v dev="NVIDIA $(echo "$1" | tr 'a-z' 'A-Z')" -v model="$2" \
        -v header="$header" '
    function pow2(x) { while (x > 1 && x % 2 == 0) x /= 2; return x == 1 }
    function row(kernel, op, m, n, k, bytes, flops,    t, lo, hi) {
        t = $(col["time_stats." op ".median"]) * 1e-3
        lo = $(col["time_stats." op ".min"]) * 1e-3
        hi = $(col["time_stats." op ".max"]) * 1e-3
        if (!(t > 0)) return
        printf "published,%s,%s,fp16,%d,%d,%d,%.0f,20,%.6g,%.6g,%.6g,%.6g,%.6g,", \
            dev, kernel, m, n, k, bytes, t, flops / t / 1e12, bytes / t / 1e9, lo, hi
        printf "%s tp=%d,microsoft/vidur@7d47513 %s/%s\n", op, tp, devdir, model
    }
    function gemm(op, m, n, k) { row("gemm", op, m, n, k, 2 * (m * k + n * k + m * n), 2 * m * n * k) }
    NR == 1 {
        for (i = 1; i <= NF; i++) col[$i] = i
        print header
        next
    }
    {
        T = $(col["num_tokens"]); tp = $(col["num_tensor_parallel_workers"])
        if (!pow2(T) || seen[T "," tp]++) next
        H = $(col["n_embd"]); nq = $(col["n_head"]); nkv = $(col["n_kv_head"])
        F = $(col["n_expanded_embd"]); gated = ($(col["use_gated_mlp"]) == "True")
        D = H / nq
        gemm("attn_pre_proj", T, (nq + 2 * nkv) * D / tp, H)
        gemm("attn_post_proj", T, H, nq * D / tp)
        gemm("mlp_up_proj", T, (gated ? 2 : 1) * F / tp, H)
        gemm("mlp_down_proj", T, H, F / tp)
        if (tp == 1) row("rmsnorm", "input_layernorm", T, H, 0, 2 * (2 * T * H + H), 0)
        row("rope", "attn_rope", T, (nq + nkv) * D / tp, 0, 2 * 2 * T * (nq + nkv) * D / tp, 0)
        row("silu_mul", "mlp_act", T, F / tp, 0, 2 * 3 * T * F / tp, 0)
        if (tp == 1) row("add", "add", T, H, 0, 2 * 3 * T * H, 0)
    }' devdir="$1" "$shared/data/profiling/vidur/compute/$1/meta-llama/$2/mlp.csv" >"$3"
}
for d in a100 h100; do
    vidur_one "$d" Llama-2-7b-hf "$out/vidur-$d-llama2-7b.csv"
    vidur_one "$d" Llama-2-70b-hf "$out/vidur-$d-llama2-70b.csv"
done

# ---- 4. FlashAttention-2/-3 TFLOP/s read from the repository's charts --------
# Sections 4a-4c of kernel-timings.md.  Setup as published: batch = 16k /
# seqlen, hidden 2048 (heads = 2048 / head_dim), FP16/BF16.  FLOPs as in the
# repo's benchmark script: f = 4*B*S^2*H*D (halved when causal); forward = f,
# forward+backward = 3.5 f; time = FLOPs / TFLOP/s.  Columns: m = B*S query
# tokens (16384), n = S, k = D.  bytes = minimal HBM traffic in FP16: forward
# reads Q, K, V and writes O (4*B*S*H*D elements); backward adds reading Q, K,
# V, O, dO and writing dQ, dK, dV (8 more).  Values the notes flag as partly
# hidden or estimated (marked * or ~) are left out.
awk -v header="$header" '
    /^### 4a\./ { sec = "a"; next }
    /^### 4b\./ { sec = "b"; next }
    /^### 4c\./ { sec = "c"; next }
    /^##/ { sec = ""; next }
    BEGIN { print header; split("512 1024 2048 4096 8192 16384", S, " ") }
    sec != "" && /^\| (no|yes) \|/ {
        n = split($0, f, "|")
        causal = f[2]; gsub(/ /, "", causal)
        D = f[3] + 0
        impl = f[4]; gsub(/[* ]/, "", impl)
        if (impl != "FlashAttention-2" && impl != "FlashAttention-3") next
        if (sec == "a") { dev = "NVIDIA A100 80GB SXM4"; kern = "attention_fwdbwd"; png = "assets/flash2_a100_fwd_bwd_benchmark.png" }
        if (sec == "b") { dev = "NVIDIA H100 80GB SXM5"; kern = "attention_fwdbwd"; png = "assets/flash2_h100_fwd_bwd_benchmark.png" }
        if (sec == "c") { dev = "NVIDIA H100 80GB SXM5"; kern = "attention_fwd"; png = "assets/flash3_fp16_fwd.png" }
        for (i = 1; i <= 6; i++) {
            v = f[4 + i]; gsub(/ /, "", v)
            if (v !~ /^[0-9.]+$/) continue   # OOM, starred or estimated
            seq = S[i]; B = 16384 / seq; Hh = 2048 / D
            fl = 4 * B * seq * seq * Hh * D / (causal == "yes" ? 2 : 1)
            io = 4 * B * seq * Hh * D
            if (kern == "attention_fwdbwd") { fl *= 3.5; io *= 3 }
            bytes = 2 * io
            t = fl / (v * 1e12)
            printf "published,%s,%s,fp16,%d,%d,%d,%.0f,,%.6g,%s,%.6g,,,", \
                dev, kern, B * seq, seq, D, bytes, t, v, bytes / t / 1e9
            printf "%s causal=%s heads=%d batch=%d,", tolower(impl), causal, Hh, B
            printf "Dao-AILab/flash-attention %s (bar labels read by hand)\n", png
        }
    }' "$shared/research/kernel-timings.md" >"$out/flashattention.csv"

# ---- licences that must travel with the data -------------------------------
rm -f "$out/LICENSE.pipeweave"
cat "$shared/data/profiling/pipeweave/LICENSE" >"$out/LICENSE.pipeweave"

wc -c "$out"/*.csv >&2
