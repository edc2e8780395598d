#!/bin/sh
# cli_train.sh — `gpusim train` end to end: a small scenario, --json with
# the contract's fields, determinism (byte-identical JSON), --timeline,
# the memory refusal with the numbers, the [cost] model's fields and the
# [faults] Monte-Carlo (more in cli_faults.sh).
. "${top_srcdir:-.}/tests/testlib.sh"

cat > "$TMP/t.ini" <<'INI'
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
INI

expect_status 0 "$GPUSIM" train --help
expect_grep "usage: gpusim train" "$TMP/out"
expect_status 0 "$GPUSIM" train --scenario "$TMP/t.ini"
expect_grep "iteration time" "$TMP/out"
expect_grep "MFU" "$TMP/out"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/t.ini"
"$JSON_GET" iteration_time_s tokens_per_s tflops_per_gpu mfu memory_per_gpu_GiB \
  time_to_train_days cost_usd < "$TMP/out" > "$TMP/fields" || fail "json fields"
cp "$TMP/out" "$TMP/a.json"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/t.ini"
cmp -s "$TMP/out" "$TMP/a.json" || fail "train --json is not deterministic"

# Cost under [cost]: the default on-demand catalog price, and a custom
# price that makes cost_usd = GPU-hours x price.
"$JSON_GET" cost.pricing cost.provider cost.cost_per_million_tokens_usd \
  cost.cost_per_model_usd < "$TMP/a.json" > "$TMP/fields" || fail "cost fields"
expect_grep "on-demand" "$TMP/fields"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/t.ini" \
  --set cost.provider=custom --set cost.gpu_hour_usd=2.5
"$JSON_GET" gpu_hours cost_usd < "$TMP/out" > "$TMP/c" || fail "cost json"
awk 'NR == 1 { h = $1 } NR == 2 { c = $1 }
     END { exit !(c > 0 && c / (2.5 * h) > 0.999999 && c / (2.5 * h) < 1.000001) }' "$TMP/c" ||
  fail "cost_usd is not GPU-hours x 2.5: $(tr '\n' ' ' < "$TMP/c")"
ok
expect_status 0 "$GPUSIM" train --scenario "$TMP/t.ini" --set cost.pricing=owned
expect_grep "pricing             owned" "$TMP/out"
# Prices live in [cost] alone: the old key is unknown and points there.
expect_status 2 "$GPUSIM" train --scenario "$TMP/t.ini" --set train.gpu_hour_usd=2
expect_grep "did you mean cost.gpu_hour_usd" "$TMP/err"

# Sustained clock: on H100 the default (auto) is the throttled 865/989.4;
# 1 (datasheet clock) must be faster; out of range is refused.
"$JSON_GET" iteration_time_s < "$TMP/a.json" > "$TMP/t_auto" || fail "iteration time"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/t.ini" --set train.sustained_clock=1
"$JSON_GET" iteration_time_s < "$TMP/out" > "$TMP/t_one" || fail "iteration time (clock 1)"
awk 'NR == FNR { a = $1; next } { b = $1 } END { exit !(b < a * 0.97) }' \
  "$TMP/t_auto" "$TMP/t_one" ||
  fail "sustained_clock=1 is not faster: $(cat "$TMP/t_auto") vs $(cat "$TMP/t_one")"
expect_status 2 "$GPUSIM" train --scenario "$TMP/t.ini" --set train.sustained_clock=1.5
expect_grep "train.sustained_clock" "$TMP/err"

# Timeline: Chrome-trace JSON.
expect_status 0 "$GPUSIM" train --scenario "$TMP/t.ini" --timeline "$TMP/tl.json"
grep -q traceEvents "$TMP/tl.json" || fail "timeline has no traceEvents"

# A plan that does not fit is refused with the numbers.
expect_status 1 "$GPUSIM" train --scenario "$TMP/t.ini" --set model.name=llama3-70b \
  --set parallel.tp=1 --set parallel.pp=1 --set parallel.zero=0
expect_grep "GiB" "$TMP/err"

# Faults: goodput and a time-to-train distribution.
cat "$TMP/t.ini" > "$TMP/f.ini"
printf '[faults]\nenabled = on\nprofile = llama3-16k\n' >> "$TMP/f.ini"
expect_status 0 "$GPUSIM" train --json --scenario "$TMP/f.ini" --replications 5
"$JSON_GET" faults.goodput.mean faults.time_to_train_days.p95 faults.cost_usd \
  < "$TMP/out" > "$TMP/fields" || fail "faults fields"
"$JSON_GET" faults.replications < "$TMP/out" > "$TMP/n"
[ "$(cat "$TMP/n")" = 5 ] || fail "--replications 5 ran $(cat "$TMP/n")"
ok
done_ok
