#!/bin/sh
# cli_serve.sh — `gpusim serve`: --json carries DESIGN.md's fields, the
# shipped scenarios run, a bad key exits 2 naming file:line:key, the same
# seed gives the same bytes, elastic scaling beats a fixed fleet on the
# AIGC spike, --db stores the run's series, disaggregated pools report
# their KV transfers.
. "${top_srcdir:-.}/tests/testlib.sh"
SC="$SRCDIR/workloads/scenarios"

expect_status 0 "$GPUSIM" serve --help
expect_grep "usage: gpusim serve" "$TMP/out"

# DESIGN.md's serve fields.
expect_status 0 "$GPUSIM" serve --set traffic.requests=300 --json
"$JSON_GET" ttft_p50_s ttft_p99_s tpot_p50_s tpot_p99_s e2e_p99_s \
  throughput_tokens_per_s slo_attainment replicas_max cost_usd < "$TMP/out" > /dev/null ||
  fail "json fields"
ok

# Text table.
expect_status 0 "$GPUSIM" serve --scenario "$SC/code-assist.ini"
expect_grep "TTFT" "$TMP/out"
expect_grep "cold starts" "$TMP/out"
expect_status 0 "$GPUSIM" serve --scenario "$SC/long-context.ini" --json
"$JSON_GET" prefix_hit_tokens < "$TMP/out" > "$TMP/hits" || fail "prefix hits"
awk -v h="$(cat "$TMP/hits")" 'BEGIN { exit !(h > 0) }' || fail "no prefix hits"
ok

# AIGC spike: elastic keeps p99 latency in seconds-to-minutes, the fixed
# fleet's runs to hours.
expect_status 0 "$GPUSIM" serve --scenario "$SC/aigc-spike.ini" --json
"$JSON_GET" ttft_p99_s < "$TMP/out" > "$TMP/elastic" || fail "json"
expect_status 0 "$GPUSIM" serve --scenario "$SC/aigc-spike.ini" --json \
  --set autoscale.policy=fixed --set autoscale.billing=reserved
"$JSON_GET" ttft_p99_s < "$TMP/out" > "$TMP/fixed" || fail "json"
awk -v e="$(cat "$TMP/elastic")" -v f="$(cat "$TMP/fixed")" \
  'BEGIN { exit !(e < 600 && f > 3600) }' ||
  fail "elastic p99 $(cat "$TMP/elastic") s, fixed $(cat "$TMP/fixed") s"
ok

# Closed loop.
expect_status 0 "$GPUSIM" serve --set traffic.arrival=closed --set traffic.clients=8 \
  --set traffic.requests=200 --json
"$JSON_GET" requests_completed < "$TMP/out" > "$TMP/n" || fail "json"
[ "$(cat "$TMP/n")" = 200 ] || fail "closed loop completed $(cat "$TMP/n")"
ok

# Determinism: same seed, same bytes (autoscaling with sampled cold starts).
expect_status 0 "$GPUSIM" serve --scenario "$SC/aigc-spike.ini" --json --seed 7
mv "$TMP/out" "$TMP/a.json"
expect_status 0 "$GPUSIM" serve --scenario "$SC/aigc-spike.ini" --json --seed 7
cmp -s "$TMP/a.json" "$TMP/out" || fail "same seed, different output"
ok

# Input errors exit 2 and name file:line: key.
printf '[service]\nmodel = llama3-70b\ngpu = H100\n\n[autoscale]\npolicy = sometimes\n' > "$TMP/bad.ini"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/bad.ini"
expect_grep "bad.ini:6" "$TMP/err"
expect_grep "autoscale.policy" "$TMP/err"
printf '[service]\ngpu = H100\nmodel = gpt-9\n' > "$TMP/bad2.ini"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/bad2.ini"
expect_grep "bad2.ini:3" "$TMP/err"
expect_grep "service.model" "$TMP/err"
printf '[service]\ngpu = H100\nmodel = llama3-70b\ntp = 1\n' > "$TMP/bad3.ini"
# a model that does not fit is infeasible (exit 1), still pinned to its key
expect_status 1 "$GPUSIM" serve --scenario "$TMP/bad3.ini"
expect_grep "bad3.ini:4: service.tp" "$TMP/err"
expect_status 2 "$GPUSIM" serve --set service.gpu=Z900
expect_grep "service.gpu" "$TMP/err"
expect_status 2 "$GPUSIM" serve --set autoscale.policy=schedule
expect_grep "autoscale.schedule" "$TMP/err"

# Disaggregated prefill/decode pools: transfer and per-pool figures, the
# same seed gives the same bytes, and what is unsupported exits 2 naming
# file:line: key.
expect_status 0 "$GPUSIM" serve --scenario "$SC/disagg-long-context.ini" --json --seed 3
"$JSON_GET" kv_transfer_p50_s kv_transfer_p99_s prefill_utilisation \
  decode_utilisation kv_transfers < "$TMP/out" > /dev/null || fail "disagg json fields"
"$JSON_GET" kv_transfers < "$TMP/out" > "$TMP/nx" || fail "json"
"$JSON_GET" requests_completed < "$TMP/out" > "$TMP/nc" || fail "json"
[ "$(cat "$TMP/nx")" = "$(cat "$TMP/nc")" ] || fail "one KV transfer per request"
mv "$TMP/out" "$TMP/d.json"
expect_status 0 "$GPUSIM" serve --scenario "$SC/disagg-long-context.ini" --json --seed 3
cmp -s "$TMP/d.json" "$TMP/out" || fail "disagg: same seed, different output"
expect_status 0 "$GPUSIM" serve --scenario "$SC/disagg-long-context.ini"
expect_grep "KV transfers" "$TMP/out"
ok
printf '[service]\ndisaggregated = on\n\n[autoscale]\npolicy = queue\n' > "$TMP/bad4.ini"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/bad4.ini"
expect_grep "bad4.ini:5: autoscale.policy" "$TMP/err"
printf '[service]\ndisaggregated = on\ndecode_replicas = 0\n' > "$TMP/bad5.ini"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/bad5.ini"
expect_grep "bad5.ini:3" "$TMP/err"
expect_grep "service.decode_replicas" "$TMP/err"
ok

# MoE with expert parallelism: groups of service.ep replicas share the
# experts; it runs, is deterministic and is cheaper per token than EP off
# (each rank reads half the experts); a bad group size is refused.
cat > "$TMP/moe.ini" <<'INI'
[service]
model = qwen3-30b-a3b
gpu = H100
replicas = 4
ep = 2
router = least-outstanding
max_num_seqs = 128
[traffic]
arrival = poisson
rate = 20/s
requests = 600
INI
expect_status 0 "$GPUSIM" serve --json --scenario "$TMP/moe.ini"
cp "$TMP/out" "$TMP/moe1.json"
expect_status 0 "$GPUSIM" serve --json --scenario "$TMP/moe.ini"
cmp -s "$TMP/out" "$TMP/moe1.json" || fail "MoE serve --json is not deterministic"
"$JSON_GET" tpot_p50_s < "$TMP/moe1.json" > "$TMP/tpot_ep2" || fail "tpot (ep 2)"
expect_status 0 "$GPUSIM" serve --json --scenario "$TMP/moe.ini" --set service.ep=1
"$JSON_GET" tpot_p50_s < "$TMP/out" > "$TMP/tpot_ep1" || fail "tpot (ep 1)"
awk 'NR == FNR { a = $1; next } { b = $1 } END { exit !(a > 0 && a < b) }' \
  "$TMP/tpot_ep2" "$TMP/tpot_ep1" ||
  fail "EP 2 TPOT not below EP 1: $(cat "$TMP/tpot_ep2") vs $(cat "$TMP/tpot_ep1")"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/moe.ini" --set service.replicas=3
expect_grep "service.ep" "$TMP/err"
expect_status 2 "$GPUSIM" serve --scenario "$TMP/moe.ini" --set service.model=llama3-8b
expect_grep "MoE" "$TMP/err"
ok

# service.async_scheduling reaches the engine: same run, other batches.
expect_status 0 "$GPUSIM" serve --json --scenario "$SC/code-assist.ini"
cp "$TMP/out" "$TMP/sync.json"
expect_status 0 "$GPUSIM" serve --json --scenario "$SC/code-assist.ini" \
  --set service.async_scheduling=on
cmp -s "$TMP/out" "$TMP/sync.json" && fail "async_scheduling=on changed nothing"
expect_status 2 "$GPUSIM" serve --scenario "$SC/disagg-long-context.ini" \
  --set service.async_scheduling=on
expect_grep "service.async_scheduling" "$TMP/err"
ok

# --db stores the run with its series.
expect_status 0 "$GPUSIM" serve --scenario "$SC/code-assist.ini" --db "$TMP/r.db"
if command -v sqlite3 > /dev/null 2>&1; then
  n=$(sqlite3 "$TMP/r.db" "select count(distinct name) from series")
  [ "$n" -ge 6 ] || fail "expected 6 stored series, got $n"
  ok
fi
done_ok
