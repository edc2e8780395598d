#!/bin/sh
# render_charts.sh — integration test: draw every chart kind with the real
# gnuplot (through tests/report_fixture), check that each PNG decodes with
# the fixed size (1000 x 600, read from the IHDR chunk) and each SVG is an
# SVG, that hostile names (which would create a canary file if any reached
# gnuplot unescaped) draw harmlessly, and that a missing gnuplot leaves
# scripts without images.  Exit 77 (skip) when gnuplot is not installed.
# Artefacts stay in $top_builddir/tests/artefacts/render_charts.
set -u
top_builddir=${top_builddir:-.}
fixture="$top_builddir/tests/report_fixture"
out="$top_builddir/tests/artefacts/render_charts"
kinds="scaling breakdown frontier cdf timeseries goodput heatmap validation topology"

fail() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$fixture" ] || fail "$fixture not built"
rm -rf "$out"
mkdir -p "$out" || fail "cannot create $out"
canary="$out/CANARY"

"$fixture" charts "$out/plain"
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "SKIP: gnuplot could not be run"
    exit 77
fi
[ "$rc" -eq 0 ] || fail "drawing the charts failed (rc $rc); see $out/plain/render.log"
"$fixture" charts "$out/hostile" "$canary" || fail "hostile charts failed; see $out/hostile/render.log"

# u32 big-endian at byte offset $2 of file $1
u32() {
    od -An -tu1 -j "$2" -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'
}

for set in plain hostile; do
    for k in $kinds; do
        png="$out/$set/$k.png"
        [ -s "$png" ] || fail "$png missing"
        sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
        [ "$sig" = "89504e470d0a1a0a" ] || fail "$png: not a PNG (signature $sig)"
        chunk=$(od -An -c -j12 -N4 "$png" | tr -d ' \n')
        [ "$chunk" = "IHDR" ] || fail "$png: no IHDR chunk first"
        w=$(u32 "$png" 16)
        h=$(u32 "$png" 20)
        [ "$w" = 1000 ] && [ "$h" = 600 ] || fail "$png: ${w}x${h}, expected 1000x600"
        grep -q "<svg" "$out/$set/$k.svg" || fail "$out/$set/$k.svg is not SVG"
        [ -s "$out/$set/$k.gp" ] || fail "$out/$set/$k.gp missing"
    done
done
[ -e "$canary" ] && fail "hostile names ran a command: $canary exists"
# No temporaries left behind.
ls -a "$out/plain" "$out/hostile" | grep -q '\.tmp' && fail "temporary files left"

# A missing gnuplot: scripts, no images, exit 77 from the fixture.
GPUSIM_GNUPLOT="$out/no-such-gnuplot" "$fixture" charts "$out/missing"
rc=$?
[ "$rc" -eq 77 ] || fail "missing gnuplot gave rc $rc, expected 77"
for k in $kinds; do
    [ -s "$out/missing/$k.gp" ] || fail "missing gnuplot: no $k.gp"
    [ -e "$out/missing/$k.png" ] && fail "missing gnuplot: $k.png exists"
done

# A saved script redraws the same chart on its own.
( cd "$out/plain" && rm -f cdf.png && gnuplot cdf.gp ) || fail "gnuplot cdf.gp failed"
[ -s "$out/plain/cdf.png" ] || fail "gnuplot cdf.gp wrote no cdf.png"
echo "PASS: $(echo $kinds | wc -w) chart kinds drawn, PNG 1000x600, hostile names harmless"
exit 0
