# Every notice under tests/notices/<lang>/ decodes to its hand-written
# expectation (<name>.json): language, marketplace, action, dates, causes in
# text order, ASINs, figures, ids, rights owners, and whether a POA fits.
. "$(dirname "$0")/lib.inc"
command -v jq >/dev/null || fail "jq is needed for this test"
project='{language, marketplace, action, date, deadline, understood, poa,
          causes: [.causes[].id], asins, figures: [.figures[] | {metric, rate}],
          references: [.references[].id], rights_owners}'
count=0
for notice in "$src"/tests/notices/*/*.txt; do
    lang=$(basename "$(dirname "$notice")")
    name=$(basename "$notice" .txt)
    expected=${notice%.txt}.json
    [ -f "$expected" ] || continue
    case_dir="$tmp/$lang-$name"
    "$bin" init "$case_dir" --notice "$notice" --no-input --format json >"$tmp/out.json" 2>"$tmp/err" ||
        fail "$lang/$name: init failed: $(cat "$tmp/err")"
    jq -S "$project" "$tmp/out.json" >"$tmp/got" || fail "$lang/$name: output is not JSON"
    jq -S . "$expected" >"$tmp/want"
    diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || fail "$lang/$name: decoded differently:
$(cat "$tmp/diff")"
    [ -s "$case_dir/case.xml" ] || fail "$lang/$name: no case.xml written"
    count=$((count + 1))
done
[ "$count" -ge 42 ] || fail "only $count notices checked"
