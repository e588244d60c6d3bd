# The bad-input corpus: every tests/bad/<reader>/NAME.<ext> is copied alone
# into a fresh case folder and analysed; the first error line on stderr
# (paths relative to the case folder) must equal NAME.err exactly, and the
# exit status must be 2. Files named nomkt-* are read without a marketplace;
# the others with --marketplace Amazon.co.uk (day/month order, time zone).
# Files under case-xml/ are copied as case.xml. A sidecar NAME.args holds
# extra options, where the word FILE stands for the corpus file: then it is
# copied beside the case folder instead of into it (a rule table, --rules).
. "$(dirname "$0")/lib.inc"
corpus="$src/tests/bad"
n=0
for f in $(find "$corpus" -type f ! -name '*.err' ! -name '*.args' | sort); do
    name=$(basename "$f")
    want="${f%.*}.err"
    [ -f "$want" ] || [ "${BAD_INPUTS_SHOW:-}" = 1 ] || fail "$f has no ${want##*/}"
    rm -rf "$tmp/case" "$tmp/$name"
    mkdir -p "$tmp/case"
    extra=""
    [ -f "${f%.*}.args" ] && extra=$(cat "${f%.*}.args")
    case $extra in
    *FILE*)
        cp "$f" "$tmp/$name"
        extra=$(printf '%s' "$extra" | sed "s|FILE|$name|g")
        ;;
    *)
        case $f in
        */case-xml/*) cp "$f" "$tmp/case/case.xml" ;;
        *) cp "$f" "$tmp/case/$name" ;;
        esac
        ;;
    esac
    mk="--marketplace Amazon.co.uk"
    case $name in nomkt-*) mk="" ;; esac
    # shellcheck disable=SC2086
    (cd "$tmp" && "$bin" analyze case $mk $extra >/dev/null 2>"$tmp/err")
    status=$?
    got=$(grep -m1 ': error: ' "$tmp/err" | sed 's|^case/||')
    if [ "${BAD_INPUTS_SHOW:-}" = 1 ]; then
        printf '%s\t%s\n' "${f#$corpus/}" "$got"
        continue
    fi
    expect_status 2 "$status" "$f"
    [ "$got" = "$(cat "$want")" ] || fail "$f: got '$got', expected '$(cat "$want")'"
    n=$((n + 1))
done
# Cases that cannot sit in the corpus as files: a line over the reader's
# limit, a 2 MB text node in case.xml, and an unreadable file.
rm -rf "$tmp/case" && mkdir -p "$tmp/case"
{
    printf 'amazon-order-id\tpurchase-date\tfulfillment-channel\tproduct-name\n'
    printf '202-1111111-1111111\t2026-10-01\tMerchant\t'
    head -c 11000000 /dev/zero | tr '\0' 'x'
    printf '\n'
} >"$tmp/case/orders.txt"
(cd "$tmp" && "$bin" analyze case --marketplace Amazon.co.uk >/dev/null 2>"$tmp/err")
expect_status 2 $? "10 MB line"
grep -m1 ': error: ' "$tmp/err" | grep -q '^case/orders.txt:2:' || fail "10 MB line: $(head -c 300 "$tmp/err")"
rm -rf "$tmp/case" && mkdir -p "$tmp/case"
{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<case xmlns="urn:poagen:case:1" version="1">\n'
    printf '  <seller>\n    <name>'
    head -c 2097152 /dev/zero | tr '\0' 'x'
    printf '</name>\n  </seller>\n  <marketplace>Amazon.co.uk</marketplace>\n</case>\n'
} >"$tmp/case/case.xml"
(cd "$tmp" && "$bin" analyze case >/dev/null 2>"$tmp/err")
expect_status 2 $? "2 MB text node"
[ "$(grep -m1 ': error: ' "$tmp/err")" = "case/case.xml:4:0: error: Element '{urn:poagen:case:1}name': [facet 'maxLength'] The value has a length of '2097152'; this exceeds the allowed maximum length of '2000'." ] ||
    fail "2 MB text node: $(head -c 300 "$tmp/err")"
if [ "$(id -u)" != 0 ]; then
    rm -rf "$tmp/case" && mkdir -p "$tmp/case"
    printf 'amazon-order-id\tpurchase-date\tfulfillment-channel\n' >"$tmp/case/orders.txt"
    chmod 000 "$tmp/case/orders.txt"
    (cd "$tmp" && "$bin" analyze case >/dev/null 2>"$tmp/err")
    expect_status 2 $? "unreadable file"
    contains "$tmp/err" "case/orders.txt"
fi
# A header-only export is not an error: zero rows, and inspect says so.
rm -rf "$tmp/case" && mkdir -p "$tmp/case"
printf 'amazon-order-id\tpurchase-date\tfulfillment-channel\n' >"$tmp/case/orders.txt"
(cd "$tmp" && "$bin" inspect case >"$tmp/out" 2>"$tmp/err")
expect_status 0 $? "header-only"
contains "$tmp/out" "header only: no rows"
# A performance report saved again by an editor (UTF-8 with a BOM) is read.
rm -rf "$tmp/case" && mkdir -p "$tmp/case"
{
    printf '\357\273\277{"accountStatuses":[{"marketplaceId":"A1F83G8C2ARO7P","status":"AT_RISK"}],'
    printf '"performanceMetrics":[]}\n'
} >"$tmp/case/report.json"
(cd "$tmp" && "$bin" analyze case >"$tmp/out" 2>"$tmp/err")
expect_status 0 $? "JSON report with a BOM"
contains "$tmp/out" "account status A1F83G8C2ARO7P: AT_RISK"
[ "${BAD_INPUTS_SHOW:-}" = 1 ] || [ "$n" -ge 70 ] || fail "only $n corpus files"
echo "ok ($n corpus files)"
