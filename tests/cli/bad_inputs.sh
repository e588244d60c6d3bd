# The bad-input corpus: every tests/bad/<reader>/NAME.<ext> is copied alone
# into a fresh case folder and analysed; the first error line on stderr
# (paths relative to the case folder) must equal NAME.err exactly, and the
# exit status must be 2. Files named nomkt-* are read without a marketplace;
# the others with --marketplace Amazon.co.uk (day/month order, time zone).
. "$(dirname "$0")/lib.inc"
corpus="$src/tests/bad"
n=0
for f in $(find "$corpus" -type f ! -name '*.err' | sort); do
    name=$(basename "$f")
    want="${f%.*}.err"
    [ -f "$want" ] || [ "${BAD_INPUTS_SHOW:-}" = 1 ] || fail "$f has no ${want##*/}"
    rm -rf "$tmp/case"
    mkdir -p "$tmp/case"
    cp "$f" "$tmp/case/$name"
    mk="--marketplace Amazon.co.uk"
    case $name in nomkt-*) mk="" ;; esac
    # shellcheck disable=SC2086
    (cd "$tmp" && "$bin" analyze case $mk >/dev/null 2>"$tmp/err")
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
# limit, and an unreadable file.
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
[ "${BAD_INPUTS_SHOW:-}" = 1 ] || [ "$n" -ge 40 ] || fail "only $n corpus files"
echo "ok ($n corpus files)"
