# generate after poagen init: the checklist marks each rule evidence present
# or missing and gives the deadline; a notice figure equal to ours gives no
# line, one that differs is explained; a reply asking for more on the
# actions adds the later-round opening and makes an undated action an
# error; --reading-lang nl writes a Dutch reading copy whose sections match
# the English POA's one to one.
. "$(dirname "$0")/lib.inc"
sample="$src/samples/late-shipment"
c="$tmp/case"
mkdir -p "$c/evidence"
cp "$sample/orders.txt" "$sample/feedback.txt" "$c/"
printf 'png' >"$c/evidence/shipping-settings.png"
# case.xml: the sample's, with a deadline, two notice figures and optionally a reply
make_case() { # reply-element
    sed -e "/collection-records/d" -e 's|<notice date="2026-11-17" case-id="18402766351">|<notice date="2026-11-17" case-id="18402766351" deadline="2026-12-01">|' \
        -e "s|</text>|</text>\\
    <figure metric=\"lsr\" rate=\"0.101\"/>\\
    <figure metric=\"odr\" rate=\"0.015\"/>$1|" \
        "$sample/case.xml" >"$c/case.xml"
}
make_case ""
"$bin" generate "$c" -o "$tmp/a" 2>"$tmp/log"
expect_status 0 $? "generate"
contains "$tmp/log" "0 errors, 0 warnings"
cl="$tmp/a/checklist.md"
# 2026-11-17 to 2026-12-01: 14 days
contains "$cl" "**Deadline:** 2026-12-01 — 14 days left, counted from 2026-11-17."
contains "$cl" "- [x] Screenshot of the shipping settings showing the new handling time, dated 2026-11-18. — **present** (evidence/shipping-settings.png)"
contains "$cl" "— **missing**: evidence/late-orders.csv is not in the case folder"
contains "$cl" "— **missing**: evidence/staff-rota.pdf is not in the case folder"
contains "$cl" "**missing**: not named in case.xml"
[ "$(grep -c '^- \[x\]' "$cl")" = 1 ] || fail "exactly one item should be present"
# LSR 34/336 = 0.10119 reads as 0.101: no line; ODR 0.00825 is not 0.015: explained
md="$tmp/a/poa.md"
grep -q "The notice gives our Late Shipment Rate" "$md" && fail "equal LSR figure explained"
contains "$md" "The notice gives our Order Defect Rate as 1.5%; our own count from the order data is 0.83%"
contains "$md" "We take the notice's figure as the one that applies."
awk '/^## Root cause/{r=1;next} /^## /{r=0} r' "$md" | grep -q "Order Defect Rate as 1.5%" ||
    fail "the explanation is not in the root cause"
python3 - "$tmp/a/analysis.json" <<'PY' || fail "analysis.json notice_figures"
import json, sys
nf = json.load(open(sys.argv[1]))["notice_figures"]
assert [f["metric"] for f in nf] == ["lsr", "odr"], nf
assert nf[0]["differs"] is False and nf[0]["explanation"] is None
assert nf[0]["notice_rate"] == 0.101 and abs(nf[0]["our_rate"] - 34 / 336) < 1e-6
assert nf[1]["differs"] is True and "1.5%" in nf[1]["explanation"]
assert nf[1]["window"]["days"] == 60
PY
grep -q "revised plan of action" "$md" && fail "first appeal opens as a later round"
# A consultant's template with an undated action: a warning on a first appeal ...
tpl="$tmp/tpl.md"
cat >"$tpl" <<'TPL'
Dear Seller Performance Team,

{{#reply.later}}
We ask you to review this revised plan of action.
{{/reply.later}}
## Root cause

Our Late Shipment Rate was 10.1%: 34 of 336 orders between 2026-10-17 and 2026-11-15.

## Actions taken

- We retrained the dispatch team.

## Preventive measures

- The dispatch lead checks the handling time every Monday.

## Evidence

- Staff rota dated 2026-11-19.

{{signature.name}}
TPL
"$bin" generate "$c" -o "$tmp/t1" --template "$tpl" --format md >"$tmp/log1" 2>&1
contains "$tmp/log1" "warning: this action has no date or number"
contains "$tmp/log1" "0 errors"
# ... an error after a reply asking for more on the actions and the root cause
make_case '\
    <reply date="2026-11-24" kind="more-actions more-root-cause">Please provide more detail.</reply>'
"$bin" generate "$c" -o "$tmp/t2" --template "$tpl" --format md --strict >"$tmp/log2" 2>&1
expect_status 1 $? "generate --strict after a reply"
contains "$tmp/log2" "error: the reply asked for more on the actions"
# the root cause quotes 5 figures (10.1%, 34, 336, two dates): fewer than 6
contains "$tmp/log2" "it quotes only 5 figures"
contains "$tmp/t2/poa.md" "We ask you to review this revised plan of action."
# The bundled master opens a later round with the history and what changed.
"$bin" generate "$c" -o "$tmp/b" 2>"$tmp/logb"
expect_status 0 $? "generate after a reply"
contains "$tmp/logb" "0 errors"
contains "$tmp/b/poa.md" "It follows our earlier appeal and your reply of 2026-11-24"
contains "$tmp/b/poa.md" "- Actions taken: each action now gives the date"
contains "$tmp/b/poa.md" "- Root cause: each cause now states"
grep -q "Preventive measures: each measure now" "$tmp/b/poa.md" && fail "prevention not asked for"
# A reply asking for documents: an evidence item with no date or number is an
# error, found by generate and by lint --case alike; lint --reply-asked does
# the same for a draft without its case.
make_case '\
    <reply date="2026-11-24" kind="documents">Please provide the documents.</reply>'
# The sample names every document with a date or a count: no error...
"$bin" generate "$c" -o "$tmp/d0" --format md >"$tmp/logd0" 2>&1
grep -qF "[evidence-no-detail]" "$tmp/logd0" && fail "the sample's evidence list is detailed"
# ... one described vaguely is an error.
sed -i 's|>List of the 34 late orders[^<]*<|>List of the late orders<|' "$c/case.xml"
grep -q ">List of the late orders<" "$c/case.xml" || fail "the sample's evidence item changed"
"$bin" generate "$c" -o "$tmp/d" --format md >"$tmp/logd" 2>&1
contains "$tmp/logd" "error: the reply asked for documents and this one has no date or number"
"$bin" lint --case "$c" "$tmp/d/poa.md" >"$tmp/lintd" 2>&1
expect_status 1 $? "lint --case after a documents reply"
contains "$tmp/lintd" "[evidence-no-detail]"
"$bin" lint --reply-asked more-actions,documents "$tmp/d/poa.md" >"$tmp/lintr" 2>&1
expect_status 1 $? "lint --reply-asked documents"
contains "$tmp/lintr" "[evidence-no-detail]"
# A numbered list's own numbers are no dates or counts.
sed -e 's/^- List of the late orders$/1. List of the late orders/' \
    -e 's/^- \(On 2026-11-18 we raised\)/- We raised/' "$tmp/d/poa.md" >"$tmp/numbered.md"
grep -q "^1. List of the late orders$" "$tmp/numbered.md" || fail "no numbered evidence item"
"$bin" lint --reply-asked documents "$tmp/numbered.md" >"$tmp/lintnum" 2>&1
contains "$tmp/lintnum" "[evidence-no-detail]"
printf '## Actions taken\n\n1. We retrained the dispatch team.\n' >"$tmp/num-action.md"
"$bin" lint --disable missing-section "$tmp/num-action.md" >"$tmp/lintna" 2>&1
contains "$tmp/lintna" "[action-no-date]"
"$bin" lint "$tmp/d/poa.md" >"$tmp/lintn" 2>&1
grep -qF "[evidence-no-detail]" "$tmp/lintn" && fail "evidence-no-detail without a documents reply"
"$bin" lint --reply-asked paperwork "$tmp/d/poa.md" >/dev/null 2>"$tmp/lintu"
expect_status 2 $? "lint --reply-asked with an unknown kind"
contains "$tmp/lintu" "unknown kind"
for kinds in "" "," "rejected"; do
    "$bin" lint --reply-asked "$kinds" "$tmp/d/poa.md" >/dev/null 2>"$tmp/lintu"
    expect_status 2 $? "lint --reply-asked '$kinds'"
done
# A Dutch reading copy, section for section.
"$bin" generate "$sample" -o "$tmp/r" --reading-lang nl 2>"$tmp/logr"
expect_status 0 $? "generate --reading-lang nl"
for f in poa.md poa.nl.md poa.nl.html poa.nl.pdf; do
    [ -s "$tmp/r/$f" ] || fail "missing $f"
done
contains "$tmp/r/poa.md" "## Root cause"
contains "$tmp/r/poa.nl.md" "## Hoofdoorzaak"
contains "$tmp/r/poa.nl.md" "**Leesversie**"
grep -q "Leesversie\|Reading copy" "$tmp/r/poa.md" && fail "the submitted POA carries the banner"
# Same headings at the same levels in the same order; the English ones map to
# the Dutch section names of lint.xml.
grep -o '^#*' "$tmp/r/poa.md" >"$tmp/lv.en"
grep -o '^#*' "$tmp/r/poa.nl.md" >"$tmp/lv.nl"
[ "$(wc -l <"$tmp/lv.en")" -ge 7 ] || fail "too few headings"
cmp -s "$tmp/lv.en" "$tmp/lv.nl" || fail "heading levels differ between poa.md and poa.nl.md"
grep '^## ' "$tmp/r/poa.md" | tr '\n' '|' >"$tmp/h2.en"
grep '^## ' "$tmp/r/poa.nl.md" | tr '\n' '|' >"$tmp/h2.nl"
[ "$(cat "$tmp/h2.en")" = "## Root cause|## Actions taken|## Preventive measures|## Evidence|" ] ||
    fail "English sections: $(cat "$tmp/h2.en")"
[ "$(cat "$tmp/h2.nl")" = "## Hoofdoorzaak|## Genomen maatregelen|## Preventieve maatregelen|## Bewijsstukken|" ] ||
    fail "Dutch sections: $(cat "$tmp/h2.nl")"
# every bullet of the English POA has its Dutch counterpart
[ "$(grep -c '^- ' "$tmp/r/poa.md")" = "$(grep -c '^- ' "$tmp/r/poa.nl.md")" ] ||
    fail "bullet counts differ"
"$bin" generate "$sample" -o "$tmp/x" --reading-lang xx 2>/dev/null
expect_status 2 $? "--reading-lang xx"
echo "ok"
