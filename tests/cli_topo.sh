#!/bin/sh
# cli_topo.sh — the command-line contract, exercised through `gpusim topo`:
# --help/--version, exit codes, --json (one object), --set, scenario errors
# with file:line:key, --db recording, export, determinism.
. "${top_srcdir:-.}/tests/testlib.sh"

# Global options.
expect_status 0 "$GPUSIM" --version
expect_grep "gpusim " "$TMP/out"
expect_status 0 "$GPUSIM" --help
expect_grep "topo" "$TMP/out"
expect_status 2 "$GPUSIM"
expect_status 2 "$GPUSIM" no-such-command
expect_grep "unknown command" "$TMP/err"
# Every listed command answers --help.
for cmd in $(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$TMP/out"); do
  expect_status 0 "$GPUSIM" "$cmd" --help
  expect_grep "usage: gpusim $cmd" "$TMP/out"
done
expect_status 0 "$GPUSIM" --help-keys
expect_grep "nic_bandwidth" "$TMP/out"

# Usage errors exit 2.
expect_status 2 "$GPUSIM" topo --no-such-option
expect_status 2 "$GPUSIM" topo --gpus notanumber
expect_status 2 "$GPUSIM" topo --set cluster.gpus

# --json: exactly one object, with the contract's fields.
expect_status 0 "$GPUSIM" topo --json --topology hpn --gpus 2048
"$JSON_GET" gpus bisection_Bps diameter_hops host_injection_Bps < "$TMP/out" > "$TMP/fields" || fail "json fields"
[ "$(sed -n 1p "$TMP/fields")" = 2048 ] || fail "gpus != 2048"
cp "$TMP/out" "$TMP/first.json"
expect_status 0 "$GPUSIM" topo --json --topology hpn --gpus 2048
cmp -s "$TMP/out" "$TMP/first.json" || fail "topo --json is not deterministic"
ok

# Text output by default.
expect_status 0 "$GPUSIM" topo --set cluster.topology=spine-leaf --set cluster.gpus=64
expect_grep "bisection" "$TMP/out"

# Scenario errors name file:line: key and what was expected.
cat > "$TMP/bad-key.ini" <<'INI'
[cluster]
gpu = H800
gpuz = 16
INI
expect_status 2 "$GPUSIM" topo --scenario "$TMP/bad-key.ini"
expect_grep "bad-key.ini:3: cluster.gpuz" "$TMP/err"
expect_grep "did you mean" "$TMP/err"

cat > "$TMP/bad-unit.ini" <<'INI'
[cluster]
topology = hpn
nic_bandwidth = 400 parsecs
INI
expect_status 2 "$GPUSIM" topo --scenario "$TMP/bad-unit.ini"
expect_grep "bad-unit.ini:3: cluster.nic_bandwidth" "$TMP/err"

cat > "$TMP/dup.ini" <<'INI'
[cluster]
gpus = 16
gpus = 32
INI
expect_status 2 "$GPUSIM" topo --scenario "$TMP/dup.ini"
expect_grep "dup.ini:3" "$TMP/err"

expect_status 2 "$GPUSIM" topo --set cluster.gpu=NoSuchGPU
expect_grep "cluster.gpu" "$TMP/err"
expect_status 2 "$GPUSIM" topo --set cluster.gpus=12 --set cluster.gpus_per_node=8 --set cluster.topology=hpn
expect_status 2 "$GPUSIM" topo --scenario "$TMP/does-not-exist.ini"

# --db records the run; a failed run does not disturb earlier ones.
expect_status 0 "$GPUSIM" topo --topology fat-tree --gpus 128 --db "$TMP/r.db"
expect_status 2 "$GPUSIM" topo --set cluster.gpu=NoSuchGPU --db "$TMP/r.db"
expect_status 0 "$GPUSIM" topo --topology rail-fat-tree --gpus 256 --db "$TMP/r.db" --seed 7
if command -v sqlite3 > /dev/null 2>&1; then
  n=$(sqlite3 "$TMP/r.db" "select count(*) from runs where status = 'ok'")
  [ "$n" = 2 ] || fail "expected 2 ok runs, got $n"
  seed=$(sqlite3 "$TMP/r.db" "select seed from runs where status = 'ok' order by id desc limit 1")
  [ "$seed" = 7 ] || fail "seed not recorded ($seed)"
  m=$(sqlite3 "$TMP/r.db" "select value from metrics join runs on runs.id = metrics.run_id where name = 'gpus' and runs.status = 'ok' order by runs.id limit 1")
  [ "${m%.0}" = 128 ] || fail "metric gpus not recorded ($m)"
  ok
fi

# Export.
expect_status 0 "$GPUSIM" topo --topology spine-leaf --gpus 32 --export graphml "$TMP/t.graphml"
expect_grep "<graphml" "$TMP/t.graphml"
expect_status 0 "$GPUSIM" topo --topology spine-leaf --gpus 32 --export dot "$TMP/t.dot"
expect_grep "graph" "$TMP/t.dot"
expect_grep "leaf-spine" "$TMP/t.dot"
expect_status 2 "$GPUSIM" topo --export svg "$TMP/t.svg"

# The GPU catalog.
expect_status 0 "$GPUSIM" topo --list-gpus
expect_grep "H800" "$TMP/out"
expect_grep "MI300X" "$TMP/out"
expect_status 0 "$GPUSIM" topo --list-gpus --json
"$JSON_GET" gpus.0.name gpus.0.bf16_flops < "$TMP/out" > /dev/null || fail "list-gpus json"
ok

done_ok
