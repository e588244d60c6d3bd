# generate on the bundled late-shipment sample: every file written, the LSR
# figure with numerator, denominator and window dates, the root cause the
# data shows, the PDF's text equal to the Markdown's (accents included),
# qpdf clean, and byte-identical output on a second run.
. "$(dirname "$0")/lib.inc"
case_dir="$src/samples/late-shipment"
"$bin" generate "$case_dir" -o "$tmp/a" 2>"$tmp/log"
expect_status 0 $? "generate"
for f in poa.md poa.html poa.pdf checklist.md analysis.json; do
    [ -s "$tmp/a/$f" ] || fail "missing $f"
done
contains "$tmp/log" "0 errors"
md="$tmp/a/poa.md"
contains "$md" "Our Late Shipment Rate was **"
grep -Eq 'Late Shipment Rate was \*\*[0-9]+\.[0-9]%\*\*: [0-9]+ of [0-9]+ orders between 2026-10-17 and 2026-11-15' "$md" ||
    fail "no LSR figure with n/d and window dates"
contains "$md" "had a handling time of 1 business day or less"
contains "$md" "## Actions taken"
contains "$md" "## Preventive measures"
# Three policies reviewed, listed once each in English list style.
contains "$md" "Business Solutions Agreement, the Seller-Fulfilled Shipping policy and Account Health policies, the Customer Service and Order Defect Rate policies, and the On-Time Delivery Rate policy with all our staff."
# ODR passes over all channels (6/727) but fails for seller-fulfilled orders
# (6/515 = 1.2 %): that failure is explained too.
contains "$md" "4 of the 6 defective orders between 2026-09-02 and 2026-10-31"
contains "$md" "Brøndum"
# The PDF says what the Markdown says.
pdftotext -enc UTF-8 "$tmp/a/poa.pdf" "$tmp/pdf.txt" 2>/dev/null || fail "pdftotext"
tr -s ' \n' '  ' <"$tmp/pdf.txt" >"$tmp/pdf.flat"
for sentence in \
    "Dear Seller Performance Team," \
    "Handling time set shorter than our dispatch process needs" \
    "had a handling time of 1 business day or less" \
    "Mette Brøndum, Managing Director" \
    "Brøndum Home — Brøndum & Søn Homeware Ltd"; do
    grep -qF -- "$sentence" "$tmp/pdf.flat" || fail "PDF text lacks: $sentence"
done
qpdf --check "$tmp/a/poa.pdf" >/dev/null 2>&1 || fail "qpdf --check"
# Same inputs, same bytes.
"$bin" generate "$case_dir" -o "$tmp/b" 2>/dev/null
for f in poa.md poa.html poa.pdf checklist.md analysis.json; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs"
done
echo "ok"
