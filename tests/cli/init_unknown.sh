# Notices poagen cannot read are reported, never guessed: a German notice
# (a language poagen does not read), and an English e-mail about nothing a
# POA answers. Both still exit 0 with case.xml written and no cause in it.
. "$(dirname "$0")/lib.inc"
command -v jq >/dev/null || fail "jq is needed for this test"
cat >"$tmp/de.txt" <<'TXT'
Guten Tag,

wir haben Ihr Verkäuferkonto auf Amazon.de deaktiviert, weil Ihre Quote verspäteter Lieferungen 11,2 % beträgt.

Sie können innerhalb von 17 Tagen einen Maßnahmenplan einreichen.

Mit freundlichen Grüßen
Ihr Team Verkäuferleistung
TXT
"$bin" init "$tmp/de" --notice "$tmp/de.txt" --no-input --format json >"$tmp/de.json" 2>"$tmp/de.err"
expect_status 0 $? "init on a German notice"
[ "$(jq -r .language "$tmp/de.json")" = null ] || fail "German was taken for $(jq -r .language "$tmp/de.json")"
[ "$(jq -r .understood "$tmp/de.json")" = false ] || fail "German notice marked understood"
[ "$(jq '.causes | length' "$tmp/de.json")" = 0 ] || fail "causes guessed from German"
[ "$(jq '.unknown_sentences | length' "$tmp/de.json")" = 5 ] || fail "not every sentence reported: $(jq -c .unknown_sentences "$tmp/de.json")"
contains "$tmp/de.err" "not understood"
contains "$tmp/de.err" "Maßnahmenplan"
grep -q '<cause>' "$tmp/de/case.xml" && fail "case.xml names a cause for an unknown notice"
contains "$tmp/de/case.xml" 'status="unknown"'

cat >"$tmp/ads.txt" <<'TXT'
Hello,

Thank you for joining the new advertising console. Your sponsored products campaign for the holiday season is now live.

You can change the daily budget of the campaign at any time from the campaign manager.

Regards,
Amazon Ads
TXT
"$bin" init "$tmp/ads" --notice "$tmp/ads.txt" --no-input --format json >"$tmp/ads.json" 2>"$tmp/ads.err"
expect_status 0 $? "init on an advertising e-mail"
[ "$(jq -r .language "$tmp/ads.json")" = en ] || fail "English not recognised"
[ "$(jq -r .understood "$tmp/ads.json")" = false ] || fail "advertising e-mail marked understood"
[ "$(jq -r .action "$tmp/ads.json")" = null ] || fail "an action was guessed"
[ "$(jq -r .poa "$tmp/ads.json")" = false ] || fail "a POA offered for nothing"
jq -e '.unknown_sentences | index("You can change the daily budget of the campaign at any time from the campaign manager.")' \
    "$tmp/ads.json" >/dev/null || fail "the sentence not understood is not listed"

# A notice where a POA is the wrong answer says so and lists what it asks for.
"$bin" init "$tmp/hold" --notice "$src/tests/notices/en/hold-verification.txt" --no-input >"$tmp/hold.out" 2>"$tmp/hold.err"
expect_status 0 $? "init on a verification hold"
contains "$tmp/hold.err" "a Plan of Action is the wrong answer"
contains "$tmp/hold.err" "a bank statement from the last 180 days"
contains "$tmp/hold/case.xml" '<asks>- a government-issued identity document</asks>'
contains "$tmp/hold/case.xml" 'status="under-review"'
