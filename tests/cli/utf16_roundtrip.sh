# The sample case re-saved the way Excel writes "Unicode text" (UTF-16 LE
# with a BOM, CRLF line ends) gives exactly the same metrics and findings.
. "$(dirname "$0")/lib.inc"
sample="$src/samples/late-shipment"
mkdir -p "$tmp/excel"
cp "$sample/case.xml" "$tmp/excel/"
for f in orders.txt feedback.txt; do
    { printf '\377\376'; sed 's/$/\r/' "$sample/$f" | iconv -f UTF-8 -t UTF-16LE; } >"$tmp/excel/$f" ||
        fail "cannot convert $f"
done
head -c 2 "$tmp/excel/orders.txt" | od -An -tx1 | grep -q "ff fe" || fail "no BOM written"
"$bin" analyze "$sample" --format json >"$tmp/a.json" || fail "analyze sample"
"$bin" analyze "$tmp/excel" --format json >"$tmp/b.json" || fail "analyze UTF-16 copy"
python3 - "$tmp/a.json" "$tmp/b.json" <<'PY' || fail "metrics differ between UTF-8 and UTF-16 copies"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["metrics"] == b["metrics"], "metrics"
assert [f["cause"] for f in a["findings"]] == [f["cause"] for f in b["findings"]], "findings"
assert a["what_if"] == b["what_if"], "what_if"
PY
"$bin" inspect "$tmp/excel" >"$tmp/inspect" || fail "inspect"
contains "$tmp/inspect" "UTF-16LE"
echo ok
