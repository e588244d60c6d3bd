# analyze --format json prints the shape SPEC "Outputs" gives, with the same
# numbers as the text and Markdown views.
. "$(dirname "$0")/lib.inc"
case_dir="$src/samples/late-shipment"
"$bin" analyze "$case_dir" --format json >"$tmp/a.json"
expect_status 0 $? "analyze json"
python3 - "$tmp/a.json" <<'PY' || fail "JSON shape"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["as_of"] == "2026-11-15", a["as_of"]
ids = {m["id"] for m in a["metrics"]}
assert ids >= {"odr", "cr", "lsr", "vtr", "otdr", "rdr"}, ids
for m in a["metrics"]:
    for k in ("id", "channel", "window_days", "from", "to", "numerator", "denominator",
              "rate", "target", "status", "immature", "young", "settles_on", "source"):
        assert k in m, (m["id"], k)
    assert m["channel"] in ("all", "mfn", "afn")
    assert m["status"] in ("pass", "fail", "no-data")
    assert m["target"]["op"] in ("lt", "le", "gt", "ge", "eq")
    if m["status"] == "no-data":
        assert m["rate"] is None
    else:
        assert abs(m["rate"] - m["numerator"] / m["denominator"]) < 1e-5
        assert len(repr(m["rate"]).replace("0.", "").lstrip("0")) <= 7
lsr = [m for m in a["metrics"] if m["id"] == "lsr" and m["window_days"] == 30][0]
assert lsr["status"] == "fail" and lsr["from"] == "2026-10-17" and lsr["to"] == "2026-11-15"
assert [f["cause"] for f in a["findings"]][0] == "lsr_handling"
assert all(0 <= f["share"] <= 1 for f in a["findings"])
w = a["what_if"][0]
for k in ("finding", "change", "numerator_before", "denominator_before",
          "numerator_after", "denominator_after", "rate_after"):
    assert k in w, k
print(lsr["numerator"], lsr["denominator"])
PY
n_d=$(python3 -c "
import json,sys
a=json.load(open('$tmp/a.json'))
m=[m for m in a['metrics'] if m['id']=='lsr' and m['window_days']==30][0]
print('%d/%d' % (m['numerator'], m['denominator']))")
"$bin" analyze "$case_dir" --format text >"$tmp/a.txt"
grep -E "^lsr +mfn +30d" "$tmp/a.txt" | grep -qF "$n_d" || fail "text view lacks $n_d"
"$bin" analyze "$case_dir" --format md >"$tmp/a.md"
grep -F "| lsr | mfn | 30 days |" "$tmp/a.md" | grep -qF "$n_d" || fail "md view lacks $n_d"
echo ok
