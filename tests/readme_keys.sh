#!/bin/sh
# readme_keys.sh — the README's scenario key reference is exactly what
# `gpusim --help-keys` prints (regenerate with `make readme-keys`).
. "${top_srcdir:-.}/tests/testlib.sh"
sh "$SRCDIR/build-aux/readme-keys.sh" "$GPUSIM" "$SRCDIR/README.md" > "$TMP/README.md" || fail "generate"
cmp -s "$TMP/README.md" "$SRCDIR/README.md" || {
  diff "$SRCDIR/README.md" "$TMP/README.md" | head -20
  fail "README key reference is stale: run 'make readme-keys'"
}
ok
done_ok
