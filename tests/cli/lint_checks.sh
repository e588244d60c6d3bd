# Every review check has a case that triggers it and one that does not
# (tests/lint/<check>/pos.md, neg.md), and every check id is covered.
. "$(dirname "$0")/lib.inc"
cases="$src/tests/lint"
for dir in "$cases"/*/; do
    check=$(basename "$dir")
    args=""
    [ -f "$dir/args" ] && args=$(sed "s|@SAMPLE@|$src/samples/late-shipment|g" "$dir/args")
    # A ref/ folder holds the variant the case is compared with.
    ref_pos="" ref_neg=""
    [ -d "$dir/ref" ] && ref_pos="$dir/ref/pos.md" ref_neg="$dir/ref/neg.md"
    # shellcheck disable=SC2086
    "$bin" lint $args $ref_pos "$dir/pos.md" >"$tmp/pos" 2>&1
    grep -qF "[$check]" "$tmp/pos" || fail "$check: pos.md does not trigger it: $(cat "$tmp/pos")"
    # shellcheck disable=SC2086
    "$bin" lint $args $ref_neg "$dir/neg.md" >"$tmp/neg" 2>&1
    grep -qF "[$check]" "$tmp/neg" && fail "$check: neg.md triggers it: $(cat "$tmp/neg")"
done
# Every check the program knows has its cases.
"$bin" lint --list-checks >"$tmp/ids" || fail "--list-checks"
while read -r id _; do
    [ -d "$cases/$id" ] || fail "check $id has no test cases in tests/lint/$id"
done <"$tmp/ids"
echo ok
