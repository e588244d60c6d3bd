# A notice saved as an e-mail decodes exactly as its plain text: a base64
# HTML body inside multipart/mixed + alternative (with a PDF attachment), and
# a quoted-printable windows-1252 body. The e-mail's Date header dates it.
. "$(dirname "$0")/lib.inc"
command -v jq >/dev/null || fail "jq is needed for this test"
n=$src/tests/notices
"$bin" init "$tmp/txt" --notice "$n/nl/metrics-deactivation.txt" --no-input --format json >"$tmp/a.json" ||
    fail "init on the text failed"
"$bin" init "$tmp/eml" --notice "$n/eml/nl-metrics-deactivation.eml" --no-input --format json >"$tmp/b.json" ||
    fail "init on the base64 HTML e-mail failed"
diff -u "$tmp/a.json" "$tmp/b.json" || fail "the HTML e-mail decodes differently from its text"
grep -q '"deadline": "2026-12-03"' "$tmp/b.json" || fail "no deadline from the e-mail"
grep -q 'beleid.pdf\|JVBERi' "$tmp/eml/case.xml" && fail "the PDF attachment leaked into the notice text"

"$bin" init "$tmp/txt2" --notice "$n/es/metrics-warning.txt" --no-input --format json >"$tmp/c.json" ||
    fail "init on the Spanish text failed"
"$bin" init "$tmp/eml2" --notice "$n/eml/es-metrics-warning.eml" --no-input --format json >"$tmp/d.json" ||
    fail "init on the quoted-printable e-mail failed"
diff -u <(jq 'del(.date)' "$tmp/c.json") <(jq 'del(.date)' "$tmp/d.json") ||
    fail "the quoted-printable windows-1252 e-mail decodes differently from its text"
[ "$(jq -r .date "$tmp/c.json")" = null ] || fail "the text alone has no date"
[ "$(jq -r .date "$tmp/d.json")" = 2026-11-16 ] || fail "the Date header was not used"
contains "$tmp/eml2/case.xml" "porcentaje de envíos con seguimiento válido"

# The same e-mail on standard input.
"$bin" init "$tmp/stdin" --notice - --no-input --format json <"$n/eml/nl-metrics-deactivation.eml" >"$tmp/e.json" ||
    fail "init from standard input failed"
diff -u "$tmp/a.json" "$tmp/e.json" || fail "standard input decodes differently"
