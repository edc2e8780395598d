#!/bin/sh
# kbench_e2e.sh — end-to-end test of gpusim-kbench.
#
# 1. `gpusim-kbench --backend cpu --quick` must exit 0 and write a CSV whose
#    header is the kernel timing header and whose every row has a positive
#    time and finite, non-negative, physically plausible TFLOP/s and GB/s;
#    the kernels gemm, triad, memcpy and launch must all be there.
# 2. `--backend cuda`, when that backend is built: on a machine without a
#    usable GPU it must exit 2 with a message and no CSV; with a GPU, a quick
#    run must succeed with the same checks.
# 3. Usage errors exit 2.
#
# Exit: 1 if any check failed; otherwise 77 (SKIP) when the cuda backend is
# not built, since part 2 could not run; otherwise 0.
#
# Finds the program through $top_builddir (exported by the test harness;
# defaults to .), so it works in out-of-tree builds.
set -u

bin="${top_builddir:-.}/gpusim-kbench"
[ -x "$bin" ] || { echo "kbench_e2e: $bin not found" >&2; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kbench_e2e.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
cuda_skipped=0

header='backend,device,kernel,dtype,m,n,k,bytes,reps,time_s,tflops,gbps'

# check_csv FILE BACKEND: header and row sanity; prints problems.
check_csv() {
    first=$(head -n 1 "$1")
    case "$first" in
    "$header"|"$header",*) ;;
    *) echo "kbench_e2e: bad header in $1: $first" >&2; return 1 ;;
    esac
    LC_ALL=C awk -F, -v backend="$2" '
        NR == 1 { next }
        {
            rows++
            # device names may hold quoted commas: count fields from the end
            # of the base columns instead, via the kernel column after the
            # (possibly quoted) device.
            line = $0
            gsub(/"[^"]*"/, "Q", line)
            n = split(line, f, ",")
            if (n < 12) { print "row " NR ": " n " fields"; bad++; next }
            if (f[1] != backend) { print "row " NR ": backend " f[1]; bad++ }
            kernel = f[3]; seen[kernel] = 1
            t = f[10] + 0; tf = f[11] + 0; gb = f[12] + 0
            if (!(t > 0) || t > 1e4) { print "row " NR ": time_s " f[10]; bad++ }
            if (f[11] !~ /^[0-9.e+-]+$/ || tf < 0 || tf > 1e5) {
                print "row " NR ": tflops " f[11]; bad++ }
            if (f[12] !~ /^[0-9.e+-]+$/ || gb < 0 || gb > 1e6) {
                print "row " NR ": gbps " f[12]; bad++ }
            if (kernel == "gemm" && !(tf > 0)) { print "row " NR ": gemm with 0 TFLOP/s"; bad++ }
            if ((kernel == "triad" || kernel == "memcpy") && !(gb > 0)) {
                print "row " NR ": " kernel " with 0 GB/s"; bad++ }
        }
        END {
            if (rows < 4) { print "only " rows " rows"; bad++ }
            split("gemm triad memcpy launch", need, " ")
            for (i in need) if (!(need[i] in seen)) { print "no " need[i] " row"; bad++ }
            exit bad > 0
        }' "$1" >&2
}

# 1. CPU backend, quick.
if "$bin" --backend cpu --quick --out "$tmp/cpu.csv" 2>"$tmp/cpu.err"; then
    check_csv "$tmp/cpu.csv" cpu || { echo "kbench_e2e: FAIL cpu CSV" >&2; fail=1; }
else
    echo "kbench_e2e: FAIL cpu run exited $?" >&2
    cat "$tmp/cpu.err" >&2
    fail=1
fi

# 2. CUDA backend.
if "$bin" --list-backends | grep -qx cuda; then
    "$bin" --backend cuda --quick --shapes decode --out "$tmp/cuda.csv" 2>"$tmp/cuda.err"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        check_csv "$tmp/cuda.csv" cuda || { echo "kbench_e2e: FAIL cuda CSV" >&2; fail=1; }
    elif [ "$rc" -eq 2 ]; then
        grep -q "no usable CUDA device" "$tmp/cuda.err" ||
            { echo "kbench_e2e: FAIL cuda exit 2 without the device message" >&2;
              cat "$tmp/cuda.err" >&2; fail=1; }
        [ ! -e "$tmp/cuda.csv" ] ||
            { echo "kbench_e2e: FAIL cuda left a CSV behind" >&2; fail=1; }
    else
        echo "kbench_e2e: FAIL cuda run exited $rc (expected 0 or 2)" >&2
        cat "$tmp/cuda.err" >&2
        fail=1
    fi
else
    cuda_skipped=1
    echo "kbench_e2e: cuda backend not built; its part skipped"
    # Asking for it anyway is a clear error, exit 2.
    "$bin" --backend cuda >/dev/null 2>&1
    [ $? -eq 2 ] || { echo "kbench_e2e: FAIL unbuilt cuda did not exit 2" >&2; fail=1; }
fi

# 3. Usage errors.
for args in "" "--backend tpu" "--backend cpu --reps 0" "--backend cpu --dtypes int4" \
            "--backend cpu --shapes huge" "--backend cpu --max-seconds -1"; do
    # shellcheck disable=SC2086
    "$bin" $args >/dev/null 2>&1
    rc=$?
    [ "$rc" -eq 2 ] || { echo "kbench_e2e: FAIL '$args' exited $rc, expected 2" >&2; fail=1; }
done

[ "$fail" -eq 0 ] || exit 1
if [ "$cuda_skipped" -eq 1 ]; then
    echo "kbench_e2e: cpu and usage checks PASS; cuda SKIP"
    exit 77
fi
echo "kbench_e2e: PASS"
exit 0
