# Bad input: a clear error naming file, line and column, exit status 2, and
# nothing written.
. "$(dirname "$0")/lib.inc"
mkdir -p "$tmp/case"
cp "$src/samples/late-shipment/case.xml" "$tmp/case/"
printf 'amazon-order-id\tpurchase-date\tfulfillment-channel\n202-1111111-1111111\t2026-10-01T10:00:00+00:00\tMerchant\n202-1111111-1111112\t2026-13-01T10:00:00+00:00\tMerchant\n' >"$tmp/case/orders.txt"
"$bin" generate "$tmp/case" -o "$tmp/out" 2>"$tmp/err"
expect_status 2 $? "bad date"
contains "$tmp/err" "orders.txt:3:"
contains "$tmp/err" "error: not a purchase date"
[ ! -e "$tmp/out" ] || fail "output written for a broken case"
# Missing case folder.
"$bin" analyze "$tmp/nope" 2>"$tmp/err"
expect_status 2 $? "missing folder"
contains "$tmp/err" "nope"
# A folder without any export.
mkdir -p "$tmp/empty"
"$bin" analyze "$tmp/empty" 2>"$tmp/err"
expect_status 2 $? "empty folder"
contains "$tmp/err" "no recognisable export"
# Unknown command and option.
"$bin" frobnicate 2>/dev/null
expect_status 2 $? "unknown command"
"$bin" analyze --bogus x 2>/dev/null
expect_status 2 $? "unknown option"
# case.xml that does not match its schema names the line.
mkdir -p "$tmp/badcase"
cp "$tmp/case/orders.txt" "$tmp/badcase/" 2>/dev/null
printf '<?xml version="1.0"?>\n<case xmlns="urn:poagen:case:1" version="1">\n  <sellr/>\n</case>\n' >"$tmp/badcase/case.xml"
"$bin" analyze "$tmp/badcase" 2>"$tmp/err"
expect_status 2 $? "bad case.xml"
contains "$tmp/err" "case.xml:3:"
# An entity declaration is refused.
printf '<?xml version="1.0"?>\n<!DOCTYPE case [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<case xmlns="urn:poagen:case:1" version="1">&x;</case>\n' >"$tmp/badcase/case.xml"
"$bin" analyze "$tmp/badcase" 2>"$tmp/err"
expect_status 2 $? "xxe"
grep -q "root:" "$tmp/err" && fail "external entity was loaded"
echo ok
