# analyze --format html and generate's report.html on the bundled sample:
# written to a file or stdout, the same bytes both ways and on a second run,
# the figures with numerator, denominator and dates, the what-if sentence,
# and nothing that reaches outside the page.
. "$(dirname "$0")/lib.inc"
case_dir="$src/samples/late-shipment"
"$bin" analyze "$case_dir" --format html -o "$tmp/r1.html"
expect_status 0 $? "analyze --format html -o"
"$bin" analyze "$case_dir" --format html >"$tmp/r2.html"
expect_status 0 $? "analyze --format html to stdout"
cmp -s "$tmp/r1.html" "$tmp/r2.html" || fail "file and stdout differ"
"$bin" analyze "$case_dir" --format html -o "$tmp/r3.html"
cmp -s "$tmp/r1.html" "$tmp/r3.html" || fail "two runs differ"
r="$tmp/r1.html"
contains "$r" "<!DOCTYPE html>"
contains "$r" "</html>"
# the failed LSR with n/d and window (hand-checked against analyze --format text)
contains "$r" "Late Shipment Rate 9.9% (35/353, 2026-10-17 to 2026-11-15; target below 4.0%)"
contains "$r" "Had our handling time been at least 3 business days, 35 of the 35 late orders"
contains "$r" "a Late Shipment Rate of 0.0% (0/349) instead of 9.9% (35/353)"
# the diagnosis's weekday figures (late_thu 13, late_fri 13) behind the chart
contains "$r" '<th scope="row">Thursday</th><td>13</td>'
contains "$r" '<th scope="row">Friday</th><td>13</td>'
# findings in the diagnosis's order
a=$(grep -n 'id="finding-lsr_handling"' "$r" | cut -d: -f1)
b=$(grep -n 'id="finding-lsr_weekend"' "$r" | cut -d: -f1)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "findings out of order"
# self-contained: no URL, script, import, remote url() or src
if grep -Eiq 'https?:|<script|@import|<link|[[:space:]]src=|javascript:' "$r"; then
    fail "external reference: $(grep -Eio '.{20}(https?:|<script|@import|<link| src=|javascript:).{20}' "$r" | head -1)"
fi
if grep -o 'url([^)]*)' "$r" | grep -qv '^url(#'; then
    fail "url() to something outside the page"
fi
n_svg=$(grep -c '<svg ' "$r")
n_title=$(grep -c '<title id=' "$r")
[ "$n_svg" -ge 10 ] && [ "$n_svg" = "$n_title" ] || fail "$n_svg charts, $n_title titles"
# generate writes report.html, the same page
"$bin" generate "$case_dir" -o "$tmp/g" 2>/dev/null
expect_status 0 $? "generate"
cmp -s "$tmp/g/report.html" "$r" || fail "generate's report.html differs from analyze's"
"$bin" generate "$case_dir" -o "$tmp/only" --format report 2>/dev/null
expect_status 0 $? "generate --format report"
[ -s "$tmp/only/report.html" ] && [ ! -e "$tmp/only/poa.md" ] || fail "--format report"
"$bin" analyze "$case_dir" --format html -o "$tmp/no/such/dir/r.html" 2>"$tmp/err"
expect_status 2 $? "unwritable -o"
contains "$tmp/err" "error:"
exit 0
