#!/bin/sh
# cli_sweep.sh — `gpusim sweep` end to end: the cartesian product through
# the topo runner, --json, a rerun that skips what is stored, invalid values
# refused before anything runs, failed variants, replications, kill -9 in
# the middle and resume (nothing lost, nothing run twice), MPI byte-identity
# with the serial run (skipped without MPI), and `gpusim report --sweep`.
. "${top_srcdir:-.}/tests/testlib.sh"

VARY="--vary cluster.gpus=64,128 --vary cluster.topology=spine-leaf,fat-tree"

# Help, and usage errors (exit 2).
expect_status 0 "$GPUSIM" sweep --help
expect_grep "usage: gpusim sweep" "$TMP/out"
expect_grep "MPI support:" "$TMP/out"
expect_status 2 "$GPUSIM" sweep $VARY
expect_grep "which command" "$TMP/err"
expect_status 2 "$GPUSIM" sweep --command no-such-command $VARY
expect_grep "topo" "$TMP/err"
expect_status 2 "$GPUSIM" sweep --command topo
expect_grep "--vary" "$TMP/err"
expect_status 2 "$GPUSIM" sweep --command topo --vary cluster.gpus=64 --replications 0

# An invalid value is an error naming its key, before anything runs.
expect_status 2 "$GPUSIM" sweep --command topo --vary cluster.gpus=64,0 --db "$TMP/bad.db"
expect_grep "cluster.gpus" "$TMP/err"
expect_status 2 "$GPUSIM" sweep --command topo --vary cluster.topology=hpn,torus --db "$TMP/bad.db"
expect_grep "cluster.topology" "$TMP/err"
expect_status 2 "$GPUSIM" sweep --command topo --vary cluster.gpuz=8,16 --db "$TMP/bad.db"
expect_grep "did you mean" "$TMP/err"
[ ! -e "$TMP/bad.db" ] || fail "a refused sweep created its store"
ok

# The sweep: four variants in cartesian order (first --vary outermost).
expect_status 0 "$GPUSIM" sweep --command topo $VARY --db "$TMP/r.db" --json
cp "$TMP/out" "$TMP/serial.json"
"$JSON_GET" sweep_id total skipped ran failed variants.0.variant_key variants.1.variant_key \
  variants.3.variant_key variants.0.status variants.3.metrics.gpus < "$TMP/out" > "$TMP/f" \
  || fail "sweep json fields"
cat > "$TMP/want" <<'EOF'
1
4
0
4
0
cluster.gpus=64,cluster.topology=spine-leaf
cluster.gpus=64,cluster.topology=fat-tree
cluster.gpus=128,cluster.topology=fat-tree
ok
128
EOF
cmp -s "$TMP/f" "$TMP/want" || { diff "$TMP/want" "$TMP/f"; fail "sweep json"; }
ok
# The sweep's numbers are topo's numbers.
expect_status 0 "$GPUSIM" topo --json --gpus 128 --topology fat-tree
b1=$("$JSON_GET" bisection_Bps < "$TMP/out")
b2=$("$JSON_GET" variants.3.metrics.bisection_Bps < "$TMP/serial.json")
[ "$b1" = "$b2" ] || fail "sweep bisection $b2 != topo's $b1"
ok

# Run again: everything is stored, nothing runs, the variants read the same.
expect_status 0 "$GPUSIM" sweep --command topo $VARY --db "$TMP/r.db" --json
"$JSON_GET" sweep_id skipped ran < "$TMP/out" | tr '\n' ' ' > "$TMP/f"
[ "$(cat "$TMP/f")" = "1 4 0 " ] || fail "rerun: sweep_id skipped ran = $(cat "$TMP/f")"
sed -n '/"variants"/,$p' "$TMP/out" > "$TMP/v2"
sed -n '/"variants"/,$p' "$TMP/serial.json" > "$TMP/v1"
cmp -s "$TMP/v1" "$TMP/v2" || fail "variants read back differ from the first run"
ok
# Text output names every variant.
expect_status 0 "$GPUSIM" sweep --command topo $VARY --db "$TMP/r.db"
expect_grep "4 already stored" "$TMP/out"
expect_grep "cluster.gpus=128,cluster.topology=spine-leaf" "$TMP/out"

# The command from the scenario's [sweep] section; another vary spec is
# another sweep.
cat > "$TMP/sweep.ini" <<'EOF'
[sweep]
command = topo
[cluster]
gpus = 64
EOF
expect_status 0 "$GPUSIM" sweep --scenario "$TMP/sweep.ini" --vary cluster.topology=hpn --db "$TMP/r.db" --json
"$JSON_GET" sweep_id command variants.0.metrics.gpus < "$TMP/out" | tr '\n' ' ' > "$TMP/f"
[ "$(cat "$TMP/f")" = "2 topo 64 " ] || fail "[sweep] command: $(cat "$TMP/f")"
ok

# An infeasible corner is stored as failed; the sweep goes on.
expect_status 0 "$GPUSIM" sweep --command topo --vary cluster.topology=spine-leaf \
  --vary cluster.gpus=64,4096 --json
"$JSON_GET" failed variants.0.status variants.1.status variants.1.error < "$TMP/out" > "$TMP/f"
expect_grep "1" "$TMP/f"
expect_grep "failed" "$TMP/f"
expect_grep "spine-leaf" "$TMP/f"

# Replications: one seed each, hash(seed, r); metrics are their mean.
expect_status 0 env GPUSIM_TEST_RUNNERS=1 GPUSIM_TEST_SLEEP_MS=0 "$GPUSIM" sweep --command sleep --vary cluster.gpus=8,16 \
  --replications 3 --seed 5 --json
"$JSON_GET" replications variants.0.replications.0.seed variants.0.replications.2.seed \
  variants.1.replications.2.seed < "$TMP/out" > "$TMP/f" || fail "replications json"
[ "$(sed -n 1p "$TMP/f")" = 3 ] || fail "replications != 3"
[ "$(sed -n 2p "$TMP/f")" != "$(sed -n 3p "$TMP/f")" ] || fail "replications share a seed"
[ "$(sed -n 3p "$TMP/f")" = "$(sed -n 4p "$TMP/f")" ] || fail "seeds depend on the variant"
ok

# kill -9 in the middle, then resume: nothing lost, nothing run twice.
SLOW="--command sleep --vary cluster.gpus=8,16,24,32,40,48 --vary cluster.topology=spine-leaf,fat-tree"
env GPUSIM_TEST_RUNNERS=1 GPUSIM_TEST_SLEEP_MS=250 "$GPUSIM" sweep $SLOW --db "$TMP/k.db" \
  > /dev/null 2>&1 &
pid=$!
stored=0
for i in $(seq 1 100); do
  sleep 0.1
  if command -v sqlite3 > /dev/null 2>&1 && [ -e "$TMP/k.db" ]; then
    stored=$(sqlite3 "$TMP/k.db" "select count(*) from runs where status = 'ok'" 2> /dev/null || echo 0)
    [ "${stored:-0}" -ge 3 ] && break
  elif [ "$i" -ge 15 ]; then
    break
  fi
done
kill -9 "$pid" 2> /dev/null || fail "the sweep ended before it could be killed"
wait "$pid" 2> /dev/null
expect_status 0 env GPUSIM_TEST_RUNNERS=1 GPUSIM_TEST_SLEEP_MS=0 "$GPUSIM" sweep $SLOW \
  --db "$TMP/k.db" --json
"$JSON_GET" skipped ran total < "$TMP/out" > "$TMP/f"
skipped=$(sed -n 1p "$TMP/f"); ran=$(sed -n 2p "$TMP/f")
[ "$skipped" -ge 1 ] && [ "$skipped" -lt 12 ] || fail "resume skipped $skipped of 12"
[ $((skipped + ran)) = 12 ] || fail "resume: skipped $skipped + ran $ran != 12"
ok
# One stored run per variant, all finished: the report's runs.csv.
expect_status 0 "$GPUSIM" report --db "$TMP/k.db" --sweep 1 --out "$TMP/krep"
[ "$(tail -n +2 "$TMP/krep/runs.csv" | wc -l)" = 12 ] || fail "runs.csv: not 12 runs"
[ "$(tail -n +2 "$TMP/krep/runs.csv" | cut -d, -f2- | cut -d'"' -f2 | sort | uniq -d | wc -l)" = 0 ] \
  || fail "a variant was stored twice"
ok
if command -v sqlite3 > /dev/null 2>&1; then
  dup=$(sqlite3 "$TMP/k.db" "select count(*) from (select variant_key from runs group by variant_key, replication having count(*) > 1)")
  [ "$dup" = 0 ] || fail "$dup variants stored twice"
  n=$(sqlite3 "$TMP/k.db" "select count(*) from runs where status = 'ok'")
  [ "$n" = 12 ] || fail "expected 12 ok runs, got $n"
  ok
fi

# gpusim report on the topo sweep: the variants table and a heatmap.
expect_status 0 "$GPUSIM" report --db "$TMP/r.db" --sweep 1 --out "$TMP/rep"
expect_grep "cluster.gpus=128,cluster.topology=fat-tree" "$TMP/rep/runs.csv"
[ -s "$TMP/rep/index.html" ] || fail "no index.html"
ok
expect_status 0 "$GPUSIM" sweep --command topo $VARY --db "$TMP/r.db" --report "$TMP/rep2"
[ -s "$TMP/rep2/index.html" ] || fail "sweep --report wrote no index.html"
ok

# MPI: two ranks print the same bytes as the serial run.  Open MPI keeps
# memory past MPI_Finalize on purpose, so leak checking is off for them.
MPIRUN_BIN=${MPIRUN:-$(command -v mpirun 2> /dev/null || true)}
NOLEAK="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if "$GPUSIM" sweep --help | grep -q "MPI support: yes"; then
  if [ -n "$MPIRUN_BIN" ]; then
    expect_status 0 env ASAN_OPTIONS="$NOLEAK" "$MPIRUN_BIN" --oversubscribe --allow-run-as-root -np 2 \
      "$GPUSIM" sweep --command topo $VARY --db "$TMP/mpi.db" --json
    cmp -s "$TMP/out" "$TMP/serial.json" || { diff "$TMP/serial.json" "$TMP/out" | head; \
      fail "mpirun -np 2 output differs from the serial run"; }
    ok
    # Three ranks (rank 0 only coordinates; variants go out largest
    # estimated cost first once the first results are in): same bytes.
    expect_status 0 env ASAN_OPTIONS="$NOLEAK" "$MPIRUN_BIN" --oversubscribe --allow-run-as-root -np 3 \
      "$GPUSIM" sweep --command topo $VARY --db "$TMP/mpi3.db" --json
    cmp -s "$TMP/out" "$TMP/serial.json" || { diff "$TMP/serial.json" "$TMP/out" | head; \
      fail "mpirun -np 3 output differs from the serial run"; }
    ok
    # Resumed under MPI: nothing to do, same variants.
    expect_status 0 env ASAN_OPTIONS="$NOLEAK" "$MPIRUN_BIN" --oversubscribe --allow-run-as-root -np 2 \
      "$GPUSIM" sweep --command topo $VARY --db "$TMP/mpi.db" --json
    "$JSON_GET" skipped ran < "$TMP/out" | tr '\n' ' ' > "$TMP/f"
    [ "$(cat "$TMP/f")" = "4 0 " ] || fail "MPI rerun: skipped ran = $(cat "$TMP/f")"
    ok
    # The end of a sweep is shared: 12 variants of 100 ms (the test runner
    # sleeps, so a loaded machine does not change the split).  With a fixed
    # queue of 8 per worker rank 0 ran 3 of them and then waited; with fair
    # shares at the end it runs about half.  GPUSIM_SWEEP_TIMES=1 has every
    # rank say what it ran.
    expect_status 0 env ASAN_OPTIONS="$NOLEAK" GPUSIM_TEST_RUNNERS=1 GPUSIM_TEST_SLEEP_MS=100 \
      GPUSIM_SWEEP_TIMES=1 "$MPIRUN_BIN" --oversubscribe --allow-run-as-root -np 2 \
      "$GPUSIM" sweep --command sleep --vary cluster.gpus=8,16,24,32,40,48 \
      --vary cluster.topology=spine-leaf,fat-tree --json
    expect_grep "rank 1 of 2:" "$TMP/err"
    own=$(sed -n 's/.*rank 0 of 2: \([0-9]*\) variants.*/\1/p' "$TMP/err")
    other=$(sed -n 's/.*rank 1 of 2: \([0-9]*\) variants.*/\1/p' "$TMP/err")
    [ "$((own + other))" = 12 ] || fail "ranks ran $own + $other variants, not 12"
    [ "$own" -ge 5 ] || fail "rank 0 ran $own of 12 variants: the worker kept a queue to the end"
    ok
  else
    echo "note: no mpirun; MPI checks skipped"
  fi
else
  echo "note: gpusim built without MPI; MPI checks skipped"
fi

done_ok
