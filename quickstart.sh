#!/bin/sh
# quickstart.sh — from a fresh Debian 12 machine to a result, in one command.
#
#   ./quickstart.sh          install what is missing, build, run the main job
#   ./quickstart.sh check    install what is missing, build, run the test suite
#
# Installing needs root (apt-get); everything else runs as any user.  The
# build is the usual autotools one (autoreconf, configure, make), so after
# this `./configure && make && make check` works as in any autotools project.
set -eu

cd "$(dirname "$0")"
mode=${1:-run}
case "$mode" in
  run|check|deps) ;;
  *) echo "usage: $0 [run|check|deps]" >&2; exit 2 ;;
esac

# Debian packages: toolchain, libraries (-dev), runtime tools.
packages="build-essential autoconf automake pkg-config
  libgsl-dev libigraph-dev libsqlite3-dev libjansson-dev libcmocka-dev
  libopenblas-dev libopenmpi-dev openmpi-bin gnuplot-nox sqlite3 jq"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "quickstart: installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then
    echo "quickstart: need root to install packages (run as root or with sudo)" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
# The test suite also drives a headless browser over a generated report.
if [ "$mode" = check ] && ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium
  else
    echo "quickstart: chromium missing (the browser test will be skipped)" >&2
  fi
fi
[ "$mode" = deps ] && exit 0

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi
fi
if [ ! -f config.status ] || [ configure -nt config.status ]; then
  ./configure ${GPUSIM_CONFIGURE_FLAGS:-}
fi
make -j"$jobs"

if [ "$mode" = check ]; then
  make -j"$jobs" check
  exit $?
fi

# The main job: a capacity plan on the default question — train Qwen-72B on
# 3T tokens within 30 days (p90, with failures): how many H800 vs H20 vs
# A800, owned vs rented — recorded in the embedded store, with its report.
mkdir -p out
./gpusim plan --scenario workloads/scenarios/plan-train-qwen72b.ini \
  --db out/results.db --report out/report
echo "quickstart: results in out/results.db, report in out/report/index.html"
