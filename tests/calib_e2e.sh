#!/bin/sh
# calib_e2e.sh — the measure → fit → predict → compare pipeline end to end
# on the CPU backend (runs on any machine): gpusim-kbench --backend cpu,
# gpusim calibrate, gpusim validate (with and without holdout); plus the
# shipped H800 profile validated against the published DeepGEMM timings.
. "${top_srcdir:-.}/tests/testlib.sh"
cd "$TMP" || fail "cd"

expect_status 0 "$BUILDDIR/gpusim-kbench" --backend cpu --quick --out cpu.csv
expect_status 0 "$GPUSIM" calibrate --csv cpu.csv --out cpu.profile --json
"$JSON_GET" device profile < "$TMP/out" > fields || fail "calibrate json"
expect_grep "calibrated = " cpu.profile
expect_grep "source_csv = cpu.csv" cpu.profile

# Predict the same CSV: every row gets a prediction and an error.  A CPU is
# not what the efficiency model was shaped for (see README), so the
# tolerance here is loose; the GPU rows below hold the real targets.
expect_status 0 "$GPUSIM" validate --kernels cpu.csv --profile cpu.profile --tolerance 1.0 --json
"$JSON_GET" median_abs_err worst_abs_err rows.0.predicted_s < "$TMP/out" > fields || fail "validate json"
rows=$("$JSON_GET" rows < "$TMP/out" | tr -cd '{' | wc -c)
[ "$rows" -ge 8 ] || fail "expected >= 8 validated rows, got $rows"
ok
expect_status 0 "$GPUSIM" validate --kernels cpu.csv --profile cpu.profile --holdout 3 --tolerance 1.0

# calibrate --run drives gpusim-kbench itself.
expect_status 0 "$GPUSIM" calibrate --run --quick --out run.profile
[ -s kbench-cpu.csv ] || fail "calibrate --run left no CSV"
ok

# Published H800 FP8 GEMMs against the shipped, calibrated H800 profile.
deepgemm="$SRCDIR/workloads/calibration/h800-deepgemm-fp8.csv"
expect_status 0 "$GPUSIM" validate --kernels "$deepgemm" --profile H800
expect_grep "profile calibrated" "$TMP/out"
expect_status 0 "$GPUSIM" validate --kernels "$deepgemm" --profile H800 --holdout 2 --tolerance 0.10
# A tolerance nobody meets fails with exit 1, still printing the table.
expect_status 1 "$GPUSIM" validate --kernels "$deepgemm" --profile H800 --tolerance 0.001
expect_grep "exceeds the tolerance" "$TMP/err"

# Input errors exit 2 with the location.
printf 'backend,device,kernel\nx,y\n' > bad.csv
expect_status 2 "$GPUSIM" calibrate --csv bad.csv
expect_grep "bad.csv" "$TMP/err"
expect_status 2 "$GPUSIM" validate --kernels "$deepgemm" --profile NoSuchDevice
expect_status 2 "$GPUSIM" validate --kernels "$deepgemm" --profile H800 --holdout 1
expect_status 2 "$GPUSIM" calibrate --csv cpu.csv --run

done_ok
