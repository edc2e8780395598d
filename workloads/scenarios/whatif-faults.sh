#!/bin/sh
# whatif-faults.sh — what if failures came twice or four times as often,
# and how often should we checkpoint?  Sweeps the failure rate (x0.5, x1,
# x2, x4 the llama3-16k profile) and the checkpoint interval (10 min,
# 30 min, 1 h, Daly's optimum) for two runs:
#   baichuan  Baichuan2-13B-style pre-training on 1,024 H800, Alibaba HPN
#             (train-baichuan2-13b-hpn.ini + faults-baichuan-hpn.ini)
#   llama3    Llama 3 405B on 16,384 H100 (train-llama3-405b-h100.ini +
#             faults-llama3-16k.ini), the whole 15.6T-token run
# Every variant goes to a results store (gpusim sweep --db: a rerun skips
# what is stored), a table of time to train, goodput, interruptions and
# cost is printed, and with --report DIR each sweep gets its report with
# charts (gpusim report --sweep).
#
# Usage: whatif-faults.sh [--quick] [--db FILE] [--report DIR]
#   --quick       2 rates x 2 intervals, 5 replications (a smoke test)
#   --db FILE     results store (default: whatif-faults.db; --quick: a
#                 temporary one)
#   --report DIR  write DIR/baichuan and DIR/llama3 reports
# Environment: GPUSIM (default: gpusim on PATH).  Needs jq.
set -eu
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
GPUSIM=${GPUSIM:-gpusim}
quick=0
db=""
report=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --db) db=$2; shift ;;
    --report) report=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "whatif-faults.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
command -v jq > /dev/null 2>&1 || { echo "whatif-faults.sh: needs jq" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/whatif-faults.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ $quick -eq 1 ]; then
  rates=1,4; intervals=30min,auto; reps=5
  [ -n "$db" ] || db=$tmp/whatif.db
else
  rates=0.5,1,2,4; intervals=10min,30min,1h,auto; reps=100
  [ -n "$db" ] || db=whatif-faults.db
fi

# sweep NAME TRAIN_INI FAULTS_INI [--set K=V ...]
sweep() {
  name=$1; train=$2; faults=$3; shift 3
  cat "$here/$train" "$here/$faults" > "$tmp/$name.ini"
  "$GPUSIM" sweep --command train --scenario "$tmp/$name.ini" \
    --set faults.replications=$reps "$@" \
    --vary faults.rate_scale=$rates --vary faults.checkpoint_interval=$intervals \
    --db "$db" --json > "$tmp/$name.json"
  echo
  jq -r '"\(.command) sweep \(.sweep_id): \(.total) variants, \(.ran) run now, \(.skipped) already stored"' \
    "$tmp/$name.json" | sed "s/^/$name: /"
  printf '%-6s %-9s %9s %10s %8s %8s %9s %12s\n' rate interval "ckpt s" "TTT mean" "p95" \
    goodput "interr." "cost USD"
  jq -r '.variants[] | select(.status == "ok") | .keys as $k | .metrics as $m |
    [$k["faults.rate_scale"], $k["faults.checkpoint_interval"],
     $m.faults_checkpoint_interval_s, $m.faults_time_to_train_days_mean,
     $m.faults_time_to_train_days_p95, $m.faults_goodput_mean,
     $m.faults_interruptions_total_mean, $m.faults_cost_usd] | @tsv' "$tmp/$name.json" |
    awk -F '\t' '{ printf "x%-5s %-9s %9.0f %9.2fd %7.2fd %8.3f %9.1f %12.4g\n",
                          $1, $2, $3, $4, $5, $6, $7, $8 }'
  if [ -n "$report" ]; then
    mkdir -p "$report"
    id=$(jq -r .sweep_id "$tmp/$name.json")
    "$GPUSIM" report --db "$db" --sweep "$id" --out "$report/$name" > /dev/null
    echo "report: $report/$name/index.html"
  fi
}

echo "what-if: failure rate x ($rates) and checkpoint interval ($intervals)," \
  "$reps Monte-Carlo replications per variant; store $db"
sweep baichuan train-baichuan2-13b-hpn.ini faults-baichuan-hpn.ini
sweep llama3 train-llama3-405b-h100.ini faults-llama3-16k.ini --set faults.work=auto
