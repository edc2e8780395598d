#!/bin/sh
# browser_report.sh — integration test: open a generated report in headless
# Chromium and check that every image loaded and the console stayed free of
# errors (a Content-Security-Policy refusal included), keeping a screenshot
# as an artefact.  The report comes from tests/report_fixture (a train run
# with series, validation pairs and hostile names).  A test copy of the page
# gets a tiny inline script (and the CSP's permission for it) that marks
# <body data-imgs-ok="yes"> when every img is complete with a natural width;
# the page itself has no script.
# Exit 77 (skip) without Chromium or gnuplot.
# Artefacts: $top_builddir/tests/artefacts/browser_report/ (report,
# screenshot.png, dom.html, chromium.log).
set -u
top_builddir=${top_builddir:-.}
fixture="$top_builddir/tests/report_fixture"
out="$top_builddir/tests/artefacts/browser_report"
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() { echo "FAIL: $*" >&2; exit 1; }

if [ ! -x "$chromium" ]; then
    echo "SKIP: no Chromium at $chromium"
    exit 77
fi
[ -x "$fixture" ] || fail "$fixture not built"
rm -rf "$out"
mkdir -p "$out" || fail "cannot create $out"
"$fixture" report "$out" "$out/CANARY" > "$out/fixture.log"
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "SKIP: gnuplot could not be run, the report has no images"
    exit 77
fi
[ "$rc" -eq 0 ] || fail "report_fixture failed (rc $rc)"
[ -e "$out/CANARY" ] && fail "hostile names ran a command"

page="$out/train/index.html"
check="$out/train/check.html"
[ -s "$page" ] || fail "no $page"
grep -q '<script' "$page" && fail "the report page holds a script"
nimg=$(grep -c '<img ' "$page")
[ "$nimg" -ge 3 ] || fail "expected at least 3 images in the page, found $nimg"

probe='<script>window.addEventListener("load",function(){var ok=document.images.length>0;for(var i=0;i<document.images.length;i++){var m=document.images[i];if(!(m.complete\&\&m.naturalWidth>0))ok=false;}document.body.setAttribute("data-imgs-ok",ok?"yes":"no");document.body.setAttribute("data-imgs",String(document.images.length));});</script>'
sed -e "s|default-src 'none';|default-src 'none'; script-src 'unsafe-inline';|" \
    -e "s|</body>|$probe</body>|" "$page" > "$check" || fail "cannot write $check"

profile=$(mktemp -d "${TMPDIR:-/tmp}/gpusim-chromium.XXXXXX") || fail "mktemp"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync \
--user-data-dir=$profile --virtual-time-budget=10000 --hide-scrollbars"
abs=$(cd "$out/train" && pwd)/check.html

# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --enable-logging=stderr --v=0 --dump-dom \
    "file://$abs" > "$out/dom.html" 2> "$out/chromium.log"
rc=$?
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --window-size=1200,4000 \
    --screenshot="$out/screenshot.png" "file://$abs" \
    >> "$out/chromium.log" 2>&1
rm -rf "$profile"
[ "$rc" -eq 0 ] || fail "chromium exited $rc (see $out/chromium.log)"

grep -q 'data-imgs-ok="yes"' "$out/dom.html" || \
    fail "not every image loaded (see $out/dom.html, $out/chromium.log)"
grep -q "data-imgs=\"$nimg\"" "$out/dom.html" || fail "image count differs"
if grep -i 'CONSOLE' "$out/chromium.log" | grep -qi 'error\|refused\|uncaught'; then
    grep -i 'CONSOLE' "$out/chromium.log" >&2
    fail "console errors"
fi
grep -qi 'Refused to' "$out/chromium.log" && fail "CSP refused a resource"
[ -s "$out/screenshot.png" ] || echo "note: no screenshot was written"
echo "PASS: $nimg images loaded, no console errors; screenshot in $out"
exit 0
