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
# The page's figures against analyze --format json (the diagnosis's own
# numbers, printed by another path): the failed LSR with n/d and window,
# the handling-time what-if, the weekday counts behind the chart.
"$bin" analyze "$case_dir" --format json >"$tmp/a.json" || fail "analyze --format json"
python3 - "$tmp/a.json" >"$tmp/expect" <<'PY' || fail "reading analysis.json"
import json, sys
d = json.load(open(sys.argv[1]))
m = [x for x in d["metrics"] if x["id"] == "lsr" and x["window_days"] == 30][0]
print("Late Shipment Rate %s (%d/%d, %s to %s; target below 4.0%%)" % (
    m["rate_pct"], m["numerator"], m["denominator"], m["from"], m["to"]))
w = d["what_if"][0]
print("Had our handling time been at least 3 business days, %d of the %d late orders" % (
    w["numerator_before"] - w["numerator_after"], w["numerator_before"]))
print("(%d/%d) instead of %s (%d/%d)" % (w["numerator_after"], w["denominator_after"],
      m["rate_pct"], w["numerator_before"], w["denominator_before"]))
f = d["findings"][0]["figures"]
for day, key in (("Monday", "late_mon"), ("Thursday", "late_thu"), ("Friday", "late_fri"),
                 ("Sunday", "late_sun")):
    print('<th scope="row">%s</th><td>%d</td>' % (day, f[key]))
print('id="finding-%s"' % d["findings"][0]["cause"])
# The metrics table's row for it: a line may break between the two dates,
# never inside one, and never inside n/d.
print('<td><span class="nowrap">%s to</span> <span class="nowrap">%s</span></td>'
      '<td class="nowrap">%d/%d</td>' % (m["from"], m["to"], m["numerator"], m["denominator"]))
# ODR passes over all channels but misses for seller-fulfilled orders: the
# summary names the channel that missed.
o = [x for x in d["metrics"] if x["id"] == "odr" and x["channel"] == "mfn"][0]
print("Order Defect Rate, seller-fulfilled (MFN), %s (%d/%d, %s to %s; target below 1.0%%)" % (
    o["rate_pct"], o["numerator"], o["denominator"], o["from"], o["to"]))
PY
while IFS= read -r line; do
    contains "$r" "$line"
done <"$tmp/expect"
# The order-defect detail counts the channel that failed: its product-line
# rows add up to the seller-fulfilled window (6/515), not all channels (727).
python3 - "$tmp/a.json" "$r" <<'PY' || fail "ODR detail counts another channel"
import json, re, sys
d = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()
o = [x for x in d["metrics"] if x["id"] == "odr" and x["channel"] == "mfn"][0]
t = page[page.index('id="tbl-odr-line"'):]
t = t[:t.index("</table>")]
rows = re.findall(r"<td>(\d+)</td><td>(\d+)</td>", t)
assert sum(int(a) for a, _ in rows) == o["numerator"], rows
assert sum(int(b) for _, b in rows) == o["denominator"], rows
PY
# findings in the diagnosis's order
python3 - "$tmp/a.json" "$r" <<'PY' || fail "findings out of order"
import json, sys
d = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()
at = [page.find('id="finding-%s"' % f["cause"]) for f in d["findings"]]
assert all(a >= 0 for a in at) and at == sorted(at), at
PY
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
