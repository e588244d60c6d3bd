# Every CLI path under valgrind on the normal build: no invalid read or
# write, no use of uninitialised memory, no definite or indirect leak.
# The sanitizer build checks the same itself and valgrind cannot run it.
. "$(dirname "$0")/lib.inc"
command -v valgrind >/dev/null 2>&1 || { echo "skipped: valgrind not installed"; exit 77; }
if ldd "$bin" 2>/dev/null | grep -q 'lib[at]san' ||
    nm "$bin" 2>/dev/null | grep -q '__asan_init\|__tsan_init'; then
    echo "skipped: $bin is built with a sanitizer"
    exit 77
fi
vg() { # label command...
    what=$1
    shift
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --error-exitcode=42 \
        --log-file="$tmp/vg.%p" "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" = 42 ] || cat "$tmp"/vg.* 2>/dev/null | grep -q '=='; then
        cat "$tmp"/vg.* >&2
        fail "$what: valgrind found errors"
    fi
    rm -f "$tmp"/vg.*
    return "$status"
}
# A small case keeps the run short: 200 lines of the sample's orders.
sample="$src/samples/late-shipment"
mkdir -p "$tmp/cases/one"
cp "$sample/case.xml" "$tmp/cases/one/"
head -n 200 "$sample/orders.txt" >"$tmp/cases/one/orders.txt"
head -n 20 "$sample/feedback.txt" >"$tmp/cases/one/feedback.txt"
mkdir -p "$tmp/cases/two"
head -n 120 "$sample/orders.txt" >"$tmp/cases/two/orders.txt"
case="$tmp/cases/one"

vg "analyze" analyze "$case"
expect_status 0 $? "analyze"
vg "analyze json" analyze "$case" --format json
expect_status 0 $? "analyze json"
vg "generate" generate "$case" -o "$tmp/gen" --format md,html,pdf,checklist,json,report
expect_status 0 $? "generate"
for f in poa.md poa.html poa.pdf checklist.md analysis.json report.html; do
    [ -s "$tmp/gen/$f" ] || fail "generate under valgrind wrote no $f"
done
vg "inspect" inspect "$case"
expect_status 0 $? "inspect"
vg "lint" lint "$tmp/gen/poa.md"
status=$?
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "lint: exit status $status"
vg "lint json" lint "$tmp/gen/poa.md" --format json
notice=$(find "$src/tests/notices" -name '*.eml' | sort | head -n 1)
vg "init" init "$tmp/new" --notice "$notice" --no-input
expect_status 0 $? "init"
[ -f "$tmp/new/case.xml" ] || fail "init under valgrind wrote no case.xml"
vg "batch" batch "$tmp/cases" -o "$tmp/batch" -j 1 --quiet
status=$?
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "batch: exit status $status"
[ -f "$tmp/batch/summary.csv" ] || fail "batch under valgrind wrote no summary"
# Error paths free what they built too.
vg "analyze, bad input" analyze "$src/tests/bad/performance-json/count-string.json"
expect_status 2 $? "analyze, bad input"
echo ok
