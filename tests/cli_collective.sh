#!/bin/sh
# cli_collective.sh — `gpusim collective` and `gpusim validate --collectives`
# end to end: nccl-tests definitions, --algo choices, sweeps, the published
# NCCL measurements within 10%, and input errors.
. "${top_srcdir:-.}/tests/testlib.sh"

# One all-reduce across 64 GPUs of an HPN fabric.
expect_status 0 "$GPUSIM" collective --topology hpn --gpus 64 --op allreduce --bytes 256MiB --json
"$JSON_GET" time_s algbw_GBps busbw_GBps algo gpus < "$TMP/out" > "$TMP/f" || fail "json fields"
set -- $(cat "$TMP/f")
t=$1; algbw=$2; busbw=$3; gpus=$5
[ "$gpus" = 64 ] || fail "gpus $gpus"
# nccl-tests: algbw = S / t (GB = 1e9), busbw = algbw * 2(n-1)/n.
awk -v t="$t" -v a="$algbw" -v b="$busbw" 'BEGIN {
  s = 256 * 1048576; exp_a = s / t / 1e9; exp_b = exp_a * 2 * 63 / 64;
  if (a / exp_a - 1 > 1e-9 || exp_a / a - 1 > 1e-9) exit 1;
  if (b / exp_b - 1 > 1e-9 || exp_b / b - 1 > 1e-9) exit 1 }' || fail "algbw/busbw definitions"
ok
cp "$TMP/out" "$TMP/first.json"
expect_status 0 "$GPUSIM" collective --topology hpn --gpus 64 --op allreduce --bytes 256MiB --json
cmp -s "$TMP/out" "$TMP/first.json" || fail "collective --json is not deterministic"
ok

# --algo is honoured; auto says what it picked.
for algo in ring tree hierarchical; do
  expect_status 0 "$GPUSIM" collective --topology rail-fat-tree --gpus 64 --bytes 64MiB --algo $algo --json
  [ "$("$JSON_GET" algo < "$TMP/out")" = $algo ] || fail "algo $algo not used"
done
expect_status 0 "$GPUSIM" collective --set cluster.gpu=H200 --gpus 8 --bytes 256MiB --json
[ "$("$JSON_GET" algo < "$TMP/out")" = nvls ] || fail "auto should pick NVLS on 8 x H200 at 256 MiB"
[ "$("$JSON_GET" auto < "$TMP/out")" = true ] || fail "auto flag"
ok

# ECMP: per-flow hashing lets rings collide on the uplinks of an
# oversubscribed leaf; per-packet spray (cluster.ecmp = spray) spreads them.
expect_status 0 "$GPUSIM" collective --topology spine-leaf --gpus 256 --bytes 256MiB --algo ring \
  --set cluster.oversubscription=2 --json
hash=$("$JSON_GET" busbw_GBps < "$TMP/out")
expect_status 0 "$GPUSIM" collective --topology spine-leaf --gpus 256 --bytes 256MiB --algo ring \
  --set cluster.oversubscription=2 --set cluster.ecmp=spray --json
spray=$("$JSON_GET" busbw_GBps < "$TMP/out")
awk -v h="$hash" -v s="$spray" 'BEGIN { exit !(s > 1.1 * h) }' ||
  fail "spray ($spray GB/s) should beat hash ($hash GB/s) on an oversubscribed leaf"
ok
expect_status 2 "$GPUSIM" collective --set cluster.ecmp=random

# Other operations run and report their bus factor.
for op in allgather reducescatter broadcast alltoall; do
  expect_status 0 "$GPUSIM" collective --topology spine-leaf --gpus 32 --op $op --bytes 16MiB
  expect_grep "busbw" "$TMP/out"
done

# A sweep prints one row per size and a JSON list.
expect_status 0 "$GPUSIM" collective --gpus 8 --sweep 1MiB:64MiB:4
[ "$(grep -c '^  ' "$TMP/out")" -eq 4 ] || fail "sweep rows"
ok
expect_status 0 "$GPUSIM" collective --gpus 8 --sweep 1MiB:64MiB:4 --json
[ "$("$JSON_GET" points < "$TMP/out")" = 4 ] || fail "sweep points"
"$JSON_GET" results.3.busbw_GBps < "$TMP/out" > /dev/null || fail "sweep results"
ok

# The published NCCL measurements, every row within 10%.
expect_status 0 "$GPUSIM" validate --collectives published --tolerance 0.10
expect_status 0 "$GPUSIM" validate --collectives "$SRCDIR/workloads/validation/collectives.csv" --json
"$JSON_GET" rows.0.rel_err < "$TMP/out" > /dev/null || fail "validate json"
expect_status 1 "$GPUSIM" validate --collectives published --tolerance 0.0001

# Input errors.
expect_status 2 "$GPUSIM" collective --op allsmash
expect_grep "collective.op" "$TMP/err"
expect_status 2 "$GPUSIM" collective --bytes 12parsecs
expect_grep "collective.bytes" "$TMP/err"
expect_status 2 "$GPUSIM" collective --sweep 1MiB
printf 'op,gpu\nall_reduce,H200\n' > "$TMP/bad.csv"
expect_status 2 "$GPUSIM" validate --collectives "$TMP/bad.csv"

done_ok
