#!/bin/sh
# cli_faults.sh — failures through `gpusim train` (issue 6): the Llama 3
# validation case (llama3-16k profile, 16,384 GPUs, 54 days of work:
# 419 +- 10% unexpected interruptions, goodput > 0.90), the distribution
# fields, --db storing every replication, dual-ToR (hpn) against a
# single-homed rail fat tree, faults off by default, the train runner in
# a sweep, the what-if script's quick mode, and the [cost] model's fields.
. "${top_srcdir:-.}/tests/testlib.sh"
SC="$SRCDIR/workloads/scenarios"

# float_ok 'EXPR' a b ...: awk condition on $1.. (fails the test if false)
float_ok() {
  cond=$1; shift
  awk -v a="${1:-}" -v b="${2:-}" "BEGIN { exit !($cond) }" || fail "not ($cond) for a=${1:-} b=${2:-}"
  ok
}

cat "$SC/train-llama3-405b-h100.ini" "$SC/faults-llama3-16k.ini" > "$TMP/l3.ini"

# The validation case, through the CLI.
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/l3.ini" --replications 20
"$JSON_GET" faults.interruptions.total.mean faults.goodput.mean < "$TMP/out" > "$TMP/v" ||
  fail "faults fields"
float_ok 'a >= 419 * 0.9 && a <= 419 * 1.1 && b > 0.90' $(cat "$TMP/v")
for f in mean p5 p50 p95 ci95_low ci95_high; do
  "$JSON_GET" faults.time_to_train_days.$f faults.goodput.$f faults.lost_gpu_hours.$f \
    faults.checkpoint_overhead.$f < "$TMP/out" > /dev/null || fail "faults.*.$f missing"
done
"$JSON_GET" faults.interruptions.faulty_gpu faults.interruptions.gpu_hbm3 \
  faults.planned_interruptions faults.replications faults.cost_usd cost_usd cost.pricing \
  cost.cost_per_million_tokens_usd < "$TMP/out" > "$TMP/v" || fail "cause or cost fields"
ok
# p5 <= p50 <= p95 of the time to train, all above the 54 days of work
"$JSON_GET" faults.time_to_train_days.p5 faults.time_to_train_days.p95 < "$TMP/out" > "$TMP/v"
float_ok 'a > 54 && b >= a' $(cat "$TMP/v")
cp "$TMP/out" "$TMP/a.json"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/l3.ini" --replications 20
cmp -s "$TMP/out" "$TMP/a.json" || fail "faults --json is not deterministic"
ok

# Text: the per-cause table against the published counts.
expect_status 0 "$GPUSIM" train --scenario "$TMP/l3.ini" --replications 5
expect_grep "goodput" "$TMP/out"
expect_grep "| **unexpected** | | 419 |" "$TMP/out"

# --db stores each replication (one point per replication per series).
expect_status 0 "$GPUSIM" train --scenario "$TMP/l3.ini" --replications 7 --db "$TMP/r.db"
if command -v sqlite3 > /dev/null 2>&1; then
  n=$(sqlite3 "$TMP/r.db" "select count(*) from series where name = 'faults.goodput'")
  [ "$n" = 7 ] || fail "expected 7 stored replications, got $n"
  ok
fi

# Faults are off unless the scenario turns them on.
expect_status 0 "$GPUSIM" train --json --scenario "$SC/train-llama3-405b-h100.ini"
"$JSON_GET" faults < "$TMP/out" > /dev/null 2>&1 && fail "faults ran without [faults] enabled = on"
ok

# Dual-ToR: ToR failures stop a rail-fat-tree job, an hpn job rides them
# out on the partner ToR (only double failures interrupt it).
cat > "$TMP/tor.ini" <<'INI'
[cluster]
gpu = H100
gpus = 64
topology = rail-fat-tree
[model]
name = llama2-7b
[parallel]
tp = 4
pp = 2
sp = on
zero = 1
[train]
global_batch = 64
seq_len = 4096
tokens = 100B
[faults]
enabled = on
profile = custom
tor_rate = 20
work = 30d
replications = 50
INI
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/tor.ini"
"$JSON_GET" faults.interruptions.total.mean < "$TMP/out" > "$TMP/rail" || fail "json"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/tor.ini" --set cluster.topology=hpn
"$JSON_GET" faults.interruptions.total.mean < "$TMP/out" > "$TMP/hpn" || fail "json"
float_ok 'a >= 2 && b < a / 4' "$(cat "$TMP/rail")" "$(cat "$TMP/hpn")"

# The train runner in a sweep: goodput falls as the failure rate grows.
expect_status 0 "$GPUSIM" sweep --command train --scenario "$TMP/l3.ini" \
  --set faults.replications=5 --vary faults.rate_scale=0.5,4 \
  --vary faults.checkpoint_interval=30min,auto --json
"$JSON_GET" total variants.0.metrics.faults_goodput_mean variants.2.metrics.faults_goodput_mean \
  < "$TMP/out" > "$TMP/sw" || fail "sweep fields"
[ "$(head -n 1 "$TMP/sw")" = 4 ] || fail "expected 4 variants"
float_ok 'a > b' $(sed -n 2,3p "$TMP/sw")

# The old price key is refused, pointing at [cost].
expect_status 2 "$GPUSIM" train --scenario "$TMP/l3.ini" --set train.gpu_hour_usd=3
expect_grep "cost.gpu_hour_usd" "$TMP/err"
# [cost] prices the run: reserved is cheaper than on-demand.
expect_status 0 "$GPUSIM" train --json --scenario "$SC/train-llama3-405b-h100.ini"
"$JSON_GET" cost_usd < "$TMP/out" > "$TMP/od"
expect_status 0 "$GPUSIM" train --json --scenario "$SC/train-llama3-405b-h100.ini" \
  --set cost.pricing=reserved-3y
"$JSON_GET" cost_usd < "$TMP/out" > "$TMP/r3"
float_ok 'b < a' "$(cat "$TMP/od")" "$(cat "$TMP/r3")"

# The what-if script's quick mode (it reads --json with jq).
if command -v jq > /dev/null 2>&1; then
  export GPUSIM
  expect_status 0 sh "$SC/whatif-faults.sh" --quick
  expect_grep "llama3: train sweep" "$TMP/out"
  expect_grep "x4     auto" "$TMP/out"
fi
done_ok
