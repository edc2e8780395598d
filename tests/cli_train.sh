#!/bin/sh
# cli_train.sh — `gpusim train` end to end: a small scenario, --json with
# the contract's fields, determinism (byte-identical JSON), --timeline,
# the memory refusal with the numbers, and the [faults] Monte-Carlo.
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
"$JSON_GET" faults.goodput.mean < "$TMP/out" > "$TMP/fields" || fail "faults fields"
done_ok
