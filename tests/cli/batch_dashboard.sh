# batch's index.html in a real browser (headless Chromium): the screenshot
# is a rendered table with red and green bars, not a blank page; the
# page's own script sorts by LSR and filters (failed only, free text) from
# the URL hash; without scripts every row is there in name order.
# Skipped (exit 77) when Chromium is not installed.
. "$(dirname "$0")/lib.inc"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "SKIP: chromium is not installed (apt-get install chromium); dashboard not tested in a browser"
    exit 77
fi
browser="$src/tests/browser"
sample="$src/samples/late-shipment"
cases="$tmp/cases"
out="$tmp/out"
mkdir "$cases"
# Fewer orders give other rates: four good cases whose LSR differ, one bad.
for n in 300 600 900; do
    mkdir "$cases/shop-$n"
    cp "$sample/case.xml" "$sample/feedback.txt" "$cases/shop-$n/"
    head -$n "$sample/orders.txt" >"$cases/shop-$n/orders.txt"
done
cp -r "$sample" "$cases/full"
cp -r "$sample" "$cases/bad-date"
awk 'BEGIN { FS = OFS = "\t" } NR == 5 { $3 = substr($3, 1, 5) "13" substr($3, 8) } { print }' \
    "$sample/orders.txt" >"$cases/bad-date/orders.txt"
"$bin" batch "$cases" -o "$out" --quiet 2>/dev/null
expect_status 1 $? "batch"

page="file://$out/index.html"
run_chromium() { # extra arguments...
    local profile
    profile=$(mktemp -d "$tmp/profile-XXXXXX")
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

# The screenshot: many colours (text antialiasing, chips, bars), the red
# of a failed bar (#d64545) and the green of a passing one (#3f9a5a).
run_chromium --screenshot="$tmp/shot.png" --window-size=1200,800 "$page" >/dev/null
[ -s "$tmp/shot.png" ] || fail "no screenshot: $(tail -3 "$tmp/chromium.log")"
python3 "$browser/png_check.py" "$tmp/shot.png" d64545 3f9a5a >"$tmp/png.txt" ||
    fail "cannot decode the screenshot"
contains "$tmp/png.txt" "size 1200x800"
colours=$(sed -n 's/^colours //p' "$tmp/png.txt")
[ "$colours" -ge 100 ] || fail "screenshot looks blank: $colours colours"
contains "$tmp/png.txt" "colour d64545 present"
contains "$tmp/png.txt" "colour 3f9a5a present"

# Without the script, the page as written (headless Chromium's --dump-dom
# and --screenshot stop working when scripts are off): all 5 rows, in
# name order, none hidden, the controls hidden.
python3 "$browser/dom_rows.py" "$out/index.html" lsr >"$tmp/rows0"
[ "$(cut -d' ' -f1 "$tmp/rows0" | tr '\n' ' ')" = "bad-date full shop-300 shop-600 shop-900 " ] ||
    fail "without scripts the rows are not in name order: $(cat "$tmp/rows0")"
grep -q ' hidden ' "$tmp/rows0" && fail "rows hidden without scripts"
grep -q '<div id="controls" hidden>' "$out/index.html" || fail "controls shown without scripts"

# #sort=lsr: worst LSR first (data-v falls row by row), the failed case
# (no LSR) last, and the order is no longer the name order.
run_chromium --dump-dom "$page#sort=lsr" >"$tmp/sorted.html"
python3 "$browser/dom_rows.py" "$tmp/sorted.html" lsr >"$tmp/rows1"
[ "$(wc -l <"$tmp/rows1")" = 5 ] || fail "sorted: expected 5 rows"
[ "$(tail -1 "$tmp/rows1" | cut -d' ' -f1)" = bad-date ] || fail "the case without LSR is not last"
head -4 "$tmp/rows1" | cut -d' ' -f4 >"$tmp/lsr"
sort -g -r "$tmp/lsr" | cmp -s - "$tmp/lsr" || fail "rows not by LSR, worst first: $(cat "$tmp/rows1")"
[ "$(sort -u "$tmp/lsr" | wc -l)" -ge 3 ] || fail "the cases should differ in LSR: $(cat "$tmp/lsr")"
cmp -s "$tmp/rows0" "$tmp/rows1" && fail "#sort=lsr did not change the order"
grep -q 'data-k="lsr" data-t="n"[^>]*aria-sort="descending"' "$tmp/sorted.html" ||
    fail "the LSR header is not marked as sorted"
# The reverse: best first.
run_chromium --dump-dom "$page#sort=-lsr" >"$tmp/rsorted.html"
python3 "$browser/dom_rows.py" "$tmp/rsorted.html" lsr | head -4 | cut -d' ' -f4 >"$tmp/lsr2"
sort -g "$tmp/lsr2" | cmp -s - "$tmp/lsr2" || fail "#sort=-lsr is not best first"

# #failed: only the failed case shown; #q=shop-6: only shop-600.
run_chromium --dump-dom "$page#failed" >"$tmp/failed.html"
python3 "$browser/dom_rows.py" "$tmp/failed.html" lsr >"$tmp/rows2"
[ "$(grep -c ' shown ' "$tmp/rows2")" = 1 ] || fail "failed only: $(cat "$tmp/rows2")"
grep -q '^bad-date failed shown' "$tmp/rows2" || fail "failed only hides the failed case"
grep -q 'id="fo" type="checkbox"' "$tmp/failed.html" || fail "no failed-only toggle"
run_chromium --dump-dom "$page#q=shop-6" >"$tmp/q.html"
python3 "$browser/dom_rows.py" "$tmp/q.html" lsr >"$tmp/rows3"
[ "$(grep ' shown ' "$tmp/rows3" | cut -d' ' -f1)" = shop-600 ] || fail "text filter: $(cat "$tmp/rows3")"
grep -q '1 of 5 cases shown' "$tmp/q.html" || fail "no count of the rows shown"

# Nothing is fetched: no http(s) address anywhere in the page.
grep -qiE '(src|href)="(https?:)?//' "$out/index.html" && fail "index.html loads from the network"
echo "ok"
