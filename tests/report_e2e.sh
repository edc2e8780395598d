#!/bin/sh
# report_e2e.sh — reports from real runs: run the commands with --db into a
# fresh store each (small scenarios: a collective size sweep, a two-hour
# serving day, a short cluster replay, validate --kernels, --collectives
# and --serving, a 2 x 2 topology sweep, a training iteration), then
# `gpusim report` on each, and check that index.html exists, that every
# chart the command should get is there, and that every <img> on the page
# exists and, when gnuplot is installed, is a PNG of 1000 x 600 (the IHDR
# chunk, read with od).  Without gnuplot the image checks are skipped with a
# message; the rest still runs.  Reports stay in
# $top_builddir/tests/artefacts/report_e2e for people to look at.
. "${top_srcdir:-.}/tests/testlib.sh"

OUT="$BUILDDIR/tests/artefacts/report_e2e"
SC="$SRCDIR/workloads/scenarios"
rm -rf "$OUT"
mkdir -p "$OUT" || fail "cannot create $OUT"

have_gnuplot=yes
if ! command -v gnuplot > /dev/null 2>&1; then
  have_gnuplot=no
  echo "note: gnuplot not installed; skipping the PNG checks"
fi

# u32 big-endian at byte offset $2 of file $1
u32() {
  od -An -tu1 -j "$2" -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'
}

# check_report NAME CHART... : report the latest run of $OUT/NAME.db into
# $OUT/NAME and check it (CHART: a chart file base name that must be on the
# page).
check_report() {
  name=$1; shift
  dir="$OUT/$name"
  expect_status 0 "$GPUSIM" report --db "$OUT/$name.db" --latest --out "$dir"
  [ -s "$dir/index.html" ] || fail "$name: no index.html"
  for chart in "$@"; do
    grep -q "src=\"$chart\.\(png\|svg\)\"" "$dir/index.html" ||
      { ls "$dir"; fail "$name: chart $chart is not on the page"; }
    [ -s "$dir/$chart.gp" ] || fail "$name: no script $chart.gp"
    ok
  done
  [ "$have_gnuplot" = yes ] || return 0
  imgs=$(grep -o '<img [^>]*src="[^"]*"' "$dir/index.html" | sed 's/.*src="//; s/"$//')
  [ -n "$imgs" ] || fail "$name: no images on the page"
  for img in $imgs; do
    f="$dir/$img"
    [ -s "$f" ] || fail "$name: $img on the page but not written"
    case "$img" in
      *.png)
        sig=$(od -An -tx1 -N8 "$f" | tr -d ' \n')
        [ "$sig" = "89504e470d0a1a0a" ] || fail "$f: not a PNG"
        w=$(u32 "$f" 16); h=$(u32 "$f" 20)
        [ "$w" = 1000 ] && [ "$h" = 600 ] || fail "$f: ${w}x${h}, expected 1000x600" ;;
      *.svg) grep -q "<svg" "$f" || fail "$f: not SVG" ;;
    esac
    ok
  done
}

# run NAME EXPECTED_STATUS gpusim-args... : one command into $OUT/NAME.db
run() {
  name=$1; want=$2; shift 2
  expect_status "$want" "$GPUSIM" "$@" --db "$OUT/$name.db"
}

run collective 0 collective --topology rail-fat-tree --gpus 64 --sweep 1MiB:1GiB:4
check_report collective busbw_by_size

run serve 0 serve --scenario "$SC/diurnal-chat.ini" --set traffic.duration=2h
check_report serve latency_cdf service_over_time

run cluster 0 cluster --scenario "$SC/cluster-synthetic.ini" --set trace.synthetic_jobs=300
check_report cluster cluster_allocation

run vkernels 0 validate --kernels "$SRCDIR/workloads/calibration/vidur-h100-llama2-7b.csv" \
  --profile H100 --tolerance 0.5
check_report vkernels validation

run vcoll 0 validate --collectives published
check_report vcoll validation

# Every serving row is within its target (exit 0): its report shows the
# rows and does not say the check failed.
run vserve 0 validate --serving "$SRCDIR/workloads/validation/serving/serving.csv"
check_report vserve validation
grep -q "<td>check-failed</td>" "$OUT/vserve/index.html" &&
  fail "vserve: a passed check is reported as failed"
ok

# A failed check (training rows past a 1% tolerance: exit 1) is still
# stored, and its report still shows the rows and says the check failed.
run vtrain 1 validate --training "$SRCDIR/workloads/validation/training.csv" --tolerance 0.01
check_report vtrain validation
grep -q "<td>check-failed</td>" "$OUT/vtrain/index.html" ||
  fail "vtrain: the report does not say the check failed"
ok

run train 0 train --scenario "$SC/train-qwen-72b-h800.ini"
check_report train time_breakdown

# A 2 x 2 sweep: its report has the heatmap.
expect_status 0 "$GPUSIM" sweep --command topo --vary cluster.topology=fat-tree,spine-leaf \
  --vary cluster.gpus=64,128 --db "$OUT/sweep.db" --json
sweep_id=$("$JSON_GET" sweep_id < "$TMP/out") || fail "sweep printed no sweep_id"
expect_status 0 "$GPUSIM" report --db "$OUT/sweep.db" --sweep "$sweep_id" --out "$OUT/sweep"
grep -q 'src="heatmap\.\(png\|svg\)"' "$OUT/sweep/index.html" || fail "sweep: no heatmap"
ok

# Training sweeps: GPUs x failure rate gives the scaling chart (throughput
# and MFU vs GPUs), goodput against the failure rate and the heatmap; a
# plan gives the cost frontier with the chosen plan marked.
cat "$SC/train-baichuan2-13b-hpn.ini" "$SC/faults-baichuan-hpn.ini" > "$TMP/tf.ini"
expect_status 0 "$GPUSIM" sweep --command train --scenario "$TMP/tf.ini" \
  --vary cluster.gpus=512,1024 --vary faults.rate_scale=1,4 \
  --set faults.replications=5 --db "$OUT/tsweep.db" --json
sweep_id=$("$JSON_GET" sweep_id < "$TMP/out") || fail "train sweep printed no sweep_id"
expect_status 0 "$GPUSIM" report --db "$OUT/tsweep.db" --sweep "$sweep_id" --out "$OUT/tsweep"
for chart in heatmap scaling goodput; do
  grep -q "src=\"$chart[a-z_0-9]*\.\(png\|svg\)\"" "$OUT/tsweep/index.html" ||
    { ls "$OUT/tsweep"; fail "train sweep: no $chart chart"; }
  ok
done
run plan 0 plan --scenario "$SC/plan-cluster-queue.ini"
check_report plan plan_frontier

# A topology run: its bar chart.
run topo 0 topo --topology fat-tree --gpus 128
check_report topo topology

done_ok
