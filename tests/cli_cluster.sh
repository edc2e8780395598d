#!/bin/sh
# cli_cluster.sh — `gpusim cluster`: the shipped scenarios run, --json
# carries the metrics, FGD beats best-fit on openb in fill mode, the Acme
# job-mix and spot-2026 node priors, bad keys exit 2, same seed gives the
# same bytes, --db records the run.
. "${top_srcdir:-.}/tests/testlib.sh"

expect_status 0 "$GPUSIM" cluster --help
expect_grep "usage: gpusim cluster" "$TMP/out"

# Fill mode on openb: FGD leaves fewer GPU requests unallocated.
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-openb-fill.ini" --json
"$JSON_GET" fill_unalloc_pct < "$TMP/out" > "$TMP/fgd" || fail "json fill_unalloc_pct"
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-openb-fill.ini" \
  --set scheduler.placement=best-fit --json
"$JSON_GET" fill_unalloc_pct < "$TMP/out" > "$TMP/bf" || fail "json fill_unalloc_pct"
awk -v f="$(cat "$TMP/fgd")" -v b="$(cat "$TMP/bf")" 'BEGIN { exit !(f > 0 && f < b) }' ||
  fail "fgd $(cat "$TMP/fgd") not below best-fit $(cat "$TMP/bf")"
ok

# Text table of a replay.
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-synthetic.ini" \
  --set trace.synthetic_jobs=500 --set scheduler.check_invariants=1
expect_grep "queueing delay" "$TMP/out"
expect_grep "fragmentation (FGD)" "$TMP/out"

# Determinism: same seed, same bytes.
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-synthetic.ini" \
  --set trace.synthetic_jobs=500 --json --seed 5
mv "$TMP/out" "$TMP/a.json"
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-synthetic.ini" \
  --set trace.synthetic_jobs=500 --json --seed 5
cmp -s "$TMP/a.json" "$TMP/out" || fail "same seed, different output"
ok
"$JSON_GET" completed queue_p99_s jct_mean_s alloc_mean < "$TMP/out" > /dev/null || fail "json fields"
ok

# Priors: Acme Seren's job mix on the spot-2026 inventory scaled to ~2,048
# GPUs; the fail and cancel counts are near 42.9 % and 7.5 % of 2,000 jobs.
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-acme-spot.ini" \
  --set trace.synthetic_jobs=2000 --json
"$JSON_GET" gpus job_failed job_cancelled jobs < "$TMP/out" > "$TMP/prior" || fail "json prior fields"
awk 'NR == 1 { g = $1 } NR == 2 { f = $1 } NR == 3 { c = $1 } NR == 4 { n = $1 }
     END { exit !(g >= 2000 && g <= 2100 && f > 0.39 * n && f < 0.47 * n &&
                  c > 0.055 * n && c < 0.095 * n) }' "$TMP/prior" ||
  fail "prior run: $(tr '\n' ' ' < "$TMP/prior")"
ok
expect_status 0 "$GPUSIM" cluster --scenario "$SRCDIR/workloads/scenarios/cluster-acme-spot.ini" \
  --set trace.synthetic_jobs=300 --set trace.scale_nodes=false
expect_grep "4278 nodes, 10412 GPUs" "$TMP/out"
expect_grep "ended early by outcome: failed" "$TMP/out"

# Input errors exit 2 and name the key.
expect_status 2 "$GPUSIM" cluster --set trace.file=synthetic --set trace.synthetic_prior=pai
expect_grep "trace.synthetic_prior" "$TMP/err"
expect_status 2 "$GPUSIM" cluster --set scheduler.policy=lottery
expect_grep "scheduler.policy" "$TMP/err"
expect_status 2 "$GPUSIM" cluster --set trace.file=nosuchtrace
expect_grep "trace.file" "$TMP/err"
expect_status 2 "$GPUSIM" cluster --set trace.file=synthetic --set trace.nodes=trace

# --db stores the run with its series.
expect_status 0 "$GPUSIM" cluster --set trace.file=synthetic --set trace.synthetic_jobs=300 \
  --set cluster.gpus=64 --db "$TMP/r.db"
if command -v sqlite3 > /dev/null 2>&1; then
  n=$(sqlite3 "$TMP/r.db" "select count(*) from runs where status = 'ok'")
  [ "$n" = 1 ] || fail "expected 1 stored run, got $n"
  ok
fi
done_ok
