#!/bin/sh
# readme-keys.sh — print README.md with the text between the markers
# <!-- keys:begin --> and <!-- keys:end --> replaced by `gpusim --help-keys`.
# usage: readme-keys.sh GPUSIM README.md > README.new
set -eu
gpusim=$1; readme=$2
keys=$(mktemp); trap 'rm -f "$keys"' EXIT
"$gpusim" --help-keys > "$keys"
awk -v keys="$keys" '
  /<!-- keys:begin -->/ { print; while ((getline line < keys) > 0) print line; skip = 1; next }
  /<!-- keys:end -->/   { skip = 0 }
  !skip { print }
' "$readme"
