# testlib.sh — shared helpers for gpusim's shell tests (sourced).
# Sets GPUSIM, JSON_GET, SRCDIR (absolute) and a scratch dir TMP that is
# removed on exit.  Tests call fail "message" or expect_status N cmd...
set -u
SRCDIR=$(cd "${top_srcdir:-.}" && pwd)
BUILDDIR=$(cd "${top_builddir:-.}" && pwd)
GPUSIM="$BUILDDIR/gpusim"
JSON_GET="$BUILDDIR/tests/json_get"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gpusim-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
checks=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

ok() {
  checks=$((checks + 1))
}

# expect_status N cmd... : run cmd with stdout/stderr in $TMP/out, $TMP/err.
expect_status() {
  want=$1; shift
  "$@" > "$TMP/out" 2> "$TMP/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
    fail "'$*' exited $got, expected $want"
  fi
  ok
}

# expect_grep PATTERN FILE : FILE contains PATTERN (fixed string).
expect_grep() {
  grep -qF -- "$1" "$2" || { cat "$2"; fail "'$2' lacks '$1'"; }
  ok
}

done_ok() {
  echo "PASS: $checks checks"
  exit 0
}
