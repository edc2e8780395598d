#!/bin/sh
# cli_plan.sh — `gpusim plan`: --json carries best, cost_usd, frontier,
# considered, pruned and simulated; the printed --set line, fed back to the
# underlying command, reproduces the best plan's metric; a rerun with the
# same --db simulates nothing; bad keys exit 2 naming file:line:key; the
# same inputs give the same bytes; --report draws the frontier.
. "${top_srcdir:-.}/tests/testlib.sh"
SC="$SRCDIR/workloads/scenarios"
Q="$SC/plan-cluster-queue.ini"

expect_status 0 "$GPUSIM" plan --help
expect_grep "usage: gpusim plan" "$TMP/out"

# --json fields; the cluster plan's best (1,280 owned A100-80G) and counts.
expect_status 0 "$GPUSIM" plan --scenario "$Q" --db "$TMP/p.db" --json
cp "$TMP/out" "$TMP/first.json"
"$JSON_GET" cost_usd metric considered pruned simulated frontier.0.config \
  frontier.0.cost_usd frontier.0.metric command_line runners_up.0.reason \
  < "$TMP/out" > "$TMP/f" || fail "json fields"
[ "$("$JSON_GET" considered < "$TMP/out")" = 44 ] || fail "considered"
[ "$("$JSON_GET" pruned_by.cap < "$TMP/out")" = 16 ] || fail "cap prunes"
[ "$("$JSON_GET" simulated < "$TMP/out")" -gt 0 ] || fail "nothing simulated"
"$JSON_GET" best < "$TMP/out" | grep -qF '"cluster.gpu":"A100-80G"' || fail "best gpu"
ok

# The --set line reproduces the metric.
line=$("$JSON_GET" command_line < "$TMP/first.json")
metric=$("$JSON_GET" metric < "$TMP/first.json")
case "$line" in "gpusim cluster "*) ;; *) fail "command line '$line'" ;; esac
# shellcheck disable=SC2086 # the line is a list of words without blanks
"$GPUSIM" ${line#gpusim } --json > "$TMP/re.json" 2> "$TMP/err" || fail "rerun failed"
[ "$("$JSON_GET" queue_p99_s < "$TMP/re.json")" = "$metric" ] ||
  fail "reproduced queue_p99_s $("$JSON_GET" queue_p99_s < "$TMP/re.json") != $metric"
ok

# Rerun on the same store: nothing simulated, same plan.
expect_status 0 "$GPUSIM" plan --scenario "$Q" --db "$TMP/p.db" --json
[ "$("$JSON_GET" simulated < "$TMP/out")" = 0 ] || fail "rerun simulated"
[ "$("$JSON_GET" cached < "$TMP/out")" = 28 ] || fail "rerun cache hits"
[ "$("$JSON_GET" cost_usd < "$TMP/out")" = "$("$JSON_GET" cost_usd < "$TMP/first.json")" ] ||
  fail "rerun cost"
ok

# Determinism: the same inputs, the same bytes (without a store).
"$GPUSIM" plan --scenario "$Q" --json > "$TMP/a.json" || fail "run a"
"$GPUSIM" plan --scenario "$Q" --json > "$TMP/b.json" || fail "run b"
cmp -s "$TMP/a.json" "$TMP/b.json" || fail "not deterministic"
ok

# Text output: counts, the ready command line, frontier, runners-up.
expect_status 0 "$GPUSIM" plan --scenario "$Q"
expect_grep "considered 44" "$TMP/out"
expect_grep "reproduce: gpusim cluster --set" "$TMP/out"
expect_grep "frontier (cost per month" "$TMP/out"
expect_grep "exceeds the H100 supply cap" "$TMP/out"

# Serving: a small space; the set line reproduces p99 TTFT.
expect_status 0 "$GPUSIM" plan --set plan.target=serve-slo \
  --set "plan.vary=service.replicas=1:4; service.tp=1,2" --set plan.ttft_p99=1s \
  --set service.model=llama3-8b --set traffic.rate=8/s --set traffic.requests=400 --json
cp "$TMP/out" "$TMP/serve.json"
line=$("$JSON_GET" command_line < "$TMP/serve.json") || fail "no serve plan"
# shellcheck disable=SC2086
"$GPUSIM" ${line#gpusim } --json > "$TMP/re.json" 2> "$TMP/err" || fail "serve rerun"
[ "$("$JSON_GET" ttft_p99_s < "$TMP/re.json")" = "$("$JSON_GET" metric < "$TMP/serve.json")" ] ||
  fail "serve metric not reproduced"
ok

# Bad keys: exit 2 with file:line:key.
printf '[plan]\ntarget = queue-delay\nvary = cluster.gpus=8,16\nbogus = 1\n' > "$TMP/bad.ini"
expect_status 2 "$GPUSIM" plan --scenario "$TMP/bad.ini"
expect_grep "bad.ini:4: plan.bogus" "$TMP/err"
printf '[plan]\ntarget = queue-delay\nvary = cluster.gpuz=8,16\n' > "$TMP/bad2.ini"
expect_status 2 "$GPUSIM" plan --scenario "$TMP/bad2.ini"
expect_grep "bad2.ini:3: plan.vary: axis cluster.gpuz=8" "$TMP/err"
printf '[plan]\ntarget = queue-delay\nsupply = H100=8\n' > "$TMP/bad3.ini"
expect_status 2 "$GPUSIM" plan --scenario "$TMP/bad3.ini"
expect_grep "bad3.ini:3: plan.supply" "$TMP/err"

# --report: the frontier chart (its gnuplot script at least).
expect_status 0 "$GPUSIM" plan --scenario "$Q" --report "$TMP/rep"
[ -f "$TMP/rep/index.html" ] || fail "no report"
[ -f "$TMP/rep/plan_frontier.gp" ] || fail "no frontier chart"
expect_grep "chosen plan" "$TMP/rep/plan_frontier.gp"
done_ok
