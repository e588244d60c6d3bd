# batch: good cases all finish beside broken ones, each broken one named
# with file:line:col; exit statuses; unchanged cases skipped, --force redoes
# them, a changed input redoes only its case; links and odd names refused.
. "$(dirname "$0")/lib.inc"
sample="$src/samples/late-shipment"
cases="$tmp/cases"
out="$tmp/out"
mkdir "$cases"
cp -r "$sample" "$cases/good-full"
mkdir "$cases/good-half"
cp "$sample/case.xml" "$sample/feedback.txt" "$cases/good-half/"
head -600 "$sample/orders.txt" >"$cases/good-half/orders.txt"
# Line 5 is the fourth order; its purchase date (third field, from column
# 22: 19-character id, a tab, an empty field, a tab) gets month 13, so
# the error points at the month, column 27.
cp -r "$sample" "$cases/bad-date"
awk 'BEGIN { FS = OFS = "\t" } NR == 5 { $3 = substr($3, 1, 5) "13" substr($3, 8) } { print }' \
    "$sample/orders.txt" >"$cases/bad-date/orders.txt"
sed -n 5p "$cases/bad-date/orders.txt" | cut -f3 | grep -q '^2026-13-' || fail "set-up: bad date not written"
# case.xml line 8 is "  </seller>"; a mismatched end tag is reported just
# after it: column 11 of "  </sellr>".
cp -r "$sample" "$cases/bad-xml"
sed -i '8s#</seller>#</sellr>#' "$cases/bad-xml/case.xml"
mkdir "$cases/empty"
echo "not a case" >"$cases/README.txt"

"$bin" batch "$cases" -o "$out" -j 2 2>"$tmp/log1"
expect_status 1 $? "batch with broken cases"
csv="$out/summary.csv"
[ -s "$csv" ] || fail "no summary.csv"
[ -s "$out/index.html" ] || fail "no index.html"
[ "$(wc -l <"$csv")" = 6 ] || fail "summary.csv: expected a header and 5 cases, got $(wc -l <"$csv") lines"
head -1 "$csv" | grep -q '^case,status,run,failed_metrics,causes,lint_errors,' || fail "summary.csv header"
grep -q '"README.txt"' "$csv" && fail "a stray file was taken for a case"
for c in good-full good-half; do
    grep -q "^\"$c\",ok,generated," "$csv" || fail "$c not ok in summary.csv"
    for f in poa.md poa.html poa.pdf checklist.md analysis.json lint.txt .poagen-hash; do
        [ -f "$out/$c/$f" ] || fail "$c: missing $f"
    done
    grep -q "\"$c/poa.pdf\"" "$csv" || fail "$c: no PDF path in summary.csv"
done
# The full sample fails LSR and OTDR (see samples/README.md) and its draft
# lints clean.
grep -q '^"good-full",ok,generated,"lsr odr otdr","lsr_handling[^"]*",0,0,' "$csv" ||
    fail "good-full: failed metrics, causes or lint errors wrong: $(grep good-full "$csv")"
grep -qF "\"bad-date\",failed,,\"\",\"\",,,,\"$cases/bad-date/orders.txt:5:27: " "$csv" ||
    fail "bad date not reported at orders.txt:5:27: $(grep bad-date "$csv")"
grep -qF "\"bad-xml\",failed,,\"\",\"\",,,,\"$cases/bad-xml/case.xml:8:11: " "$csv" ||
    fail "bad case.xml not reported at case.xml:8:11: $(grep bad-xml "$csv")"
grep -qF "\"empty\",failed,,\"\",\"\",,,,\"$cases/empty:0:0: no recognisable export" "$csv" ||
    fail "empty folder not reported: $(grep empty "$csv")"
for c in bad-date bad-xml empty; do
    [ -e "$out/$c/poa.md" ] && fail "$c: a failed case left a POA"
    [ -e "$out/$c/.poagen-hash" ] && fail "$c: a failed case left a hash"
done
contains "$tmp/log1" "bad-date: failed: $cases/bad-date/orders.txt:5:27:"
contains "$tmp/log1" "[5/5]"
find "$out" -name '*.tmp.*' | grep -q . && fail "temporary files left"

# Second run: nothing changed, nothing redone (a rename would change the inode).
ino() { stat -c %i "$out/$1/$2"; }
before=$(ino good-full poa.pdf)
cp "$out/index.html" "$tmp/index1.html"
"$bin" batch "$cases" -o "$out" --quiet 2>"$tmp/log2"
expect_status 1 $? "second run"
grep -q '^"good-full",ok,skipped,"lsr odr otdr",' "$csv" || fail "good-full not skipped"
grep -q '^"good-half",ok,skipped,' "$csv" || fail "good-half not skipped"
[ "$(ino good-full poa.pdf)" = "$before" ] || fail "an unchanged case was rewritten"
cmp -s "$tmp/index1.html" "$out/index.html" || fail "index.html differs for the same results"
# --quiet: failures only.
[ "$(grep -c . "$tmp/log2")" = 3 ] || fail "--quiet printed more than the 3 failures: $(cat "$tmp/log2")"

# A changed input redoes its case alone.
half_before=$(ino good-half poa.pdf)
echo "" >>"$cases/good-full/feedback.txt"
"$bin" batch "$cases" -o "$out" --quiet 2>/dev/null
grep -q '^"good-full",ok,generated,' "$csv" || fail "changed case not redone"
grep -q '^"good-half",ok,skipped,' "$csv" || fail "unchanged case redone"
[ "$(ino good-half poa.pdf)" = "$half_before" ] || fail "good-half rewritten"
# So does a changed option (it is part of the hash), and --force redoes all.
"$bin" batch "$cases" -o "$out" --quiet --paper letter 2>/dev/null
grep -q '^"good-half",ok,generated,' "$csv" || fail "--paper change did not redo the case"
"$bin" batch "$cases" -o "$out" --quiet --paper letter --force 2>/dev/null
expect_status 1 $? "--force"
[ "$(grep -c ',ok,generated,' "$csv")" = 2 ] || fail "--force did not redo every case"

# Links and odd names are refused and nothing is written through them.
rm -rf "$cases/bad-date" "$cases/bad-xml" "$cases/empty"
outside="$tmp/outside"
mkdir "$outside"
cp -r "$sample" "$outside/case"
ln -s "$outside/case" "$cases/linked"
mkdir "$tmp/elsewhere"
cp -r "$sample" "$cases/redirected"
ln -s "$tmp/elsewhere" "$out/redirected"
cp -r "$sample" "$cases/$(printf 'new\nline')"
"$bin" batch "$cases" -o "$out" --quiet 2>"$tmp/log3"
expect_status 1 $? "refused cases"
grep -q '^"linked",failed,.*symbolic link' "$csv" || fail "symlinked case folder not refused"
grep -q '^"redirected",failed,.*output folder is a symbolic link' "$csv" ||
    fail "symlinked output folder not refused"
[ -z "$(ls -A "$tmp/elsewhere")" ] || fail "wrote through a symlinked output folder"
[ -e "$out/linked" ] && fail "an output folder was made for a symlinked case"
contains "$tmp/log3" "a slash or a control character"
grep -q '^"good-full",ok,' "$csv" || fail "good cases must go on beside refused ones"

# Usage errors exit 2.
"$bin" batch "$cases" 2>/dev/null
expect_status 2 $? "no -o"
"$bin" batch "$cases" -o "$out" -j 0 2>/dev/null
expect_status 2 $? "-j 0"
"$bin" batch "$tmp/nowhere" -o "$out" 2>/dev/null
expect_status 2 $? "missing cases folder"
# All good: exit 0.
rm -rf "$cases"/* "$out"
cp -r "$sample" "$cases/only"
"$bin" batch "$cases" -o "$out" 2>/dev/null
expect_status 0 $? "all good"
echo "ok"
