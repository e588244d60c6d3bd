# lint: compiler-style findings, exit 1 on errors, --disable, opt-out comment.
. "$(dirname "$0")/lib.inc"
cat >"$tmp/bad.md" <<'MD'
Dear team,

We are desperate, please reinstate us. It was the buyer's fault.

## Root cause

Our shipping was slow.

## Actions taken

- We talked to the warehouse.

## Preventive measures

- We will do better and add better monitoring.

## Evidence

- [[TO FILL: invoices]]
MD
"$bin" lint "$tmp/bad.md" >"$tmp/out"
expect_status 1 $? "lint bad draft"
contains "$tmp/out" "bad.md:3:8: error: 'desperate'"
contains "$tmp/out" "[emotional]"
contains "$tmp/out" "[blame]"
contains "$tmp/out" "[root-cause-figures]"
contains "$tmp/out" "[action-no-date]"
contains "$tmp/out" "[generic-promise]"
contains "$tmp/out" "[future-tense-prevention]"
contains "$tmp/out" "[placeholder]"
tail -n 1 "$tmp/out" | grep -q "errors\?, [0-9]* warnings\? in 1 file" || fail "no summary line"
# Sorted by line.
cut -d: -f2 "$tmp/out" | grep -E '^[0-9]+$' >"$tmp/lines"
sort -n -c "$tmp/lines" || fail "findings not sorted"
"$bin" lint --disable emotional "$tmp/bad.md" | grep -q "\[emotional\]" && fail "--disable ignored"
printf '<!-- poagen-lint-disable blame -->\n' >>"$tmp/bad.md"
"$bin" lint "$tmp/bad.md" | grep -q "\[blame\]" && fail "opt-out comment ignored"
"$bin" lint --format json "$tmp/bad.md" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d and all('check' in x and 'line' in x for x in d)" || fail "json"
# The generated sample POA lints clean.
"$bin" generate "$src/samples/late-shipment" -o "$tmp/gen" --format md 2>/dev/null
"$bin" lint "$tmp/gen/poa.md" >"$tmp/clean"
expect_status 0 $? "lint generated POA"
contains "$tmp/clean" "0 errors, 0 warnings"
# Templates: syntax checked.
printf '{{#a}}x\n' >"$tmp/t.md"
"$bin" lint --template "$tmp/t.md" >"$tmp/tout"
expect_status 1 $? "broken template"
contains "$tmp/tout" "[template-syntax]"
echo ok
