# init on a folder with exports: a valid case.xml that analyze and generate
# read; never over an existing case.xml without --force; replies are added
# to the case later; bad usage exits 2.
. "$(dirname "$0")/lib.inc"
command -v jq >/dev/null || fail "jq is needed for this test"
case_dir=$tmp/case
mkdir -p "$case_dir"
cp "$src/samples/late-shipment/orders.txt" "$src/samples/late-shipment/feedback.txt" "$case_dir/"
cat >"$tmp/notice.txt" <<'TXT'
Date: 17 November 2026

Hello,

Your Amazon.co.uk selling privileges have been removed because your late shipment rate is 9.4%, above the target of 4%.

To reactivate your account, submit a plan of action within 14 days.

Case ID: 18402766351

Seller Performance Team
TXT
"$bin" init "$case_dir" --notice "$tmp/notice.txt" --no-input >"$tmp/out" 2>"$tmp/err"
expect_status 0 $? "init"
contains "$tmp/out" "deadline:    2026-12-01"
xmllint --noout --schema "$src/templates/case.xsd" "$case_dir/case.xml" 2>/dev/null ||
    fail "case.xml does not validate"
contains "$case_dir/case.xml" '<cause>lsr</cause>'
contains "$case_dir/case.xml" 'deadline="2026-12-01"'
contains "$case_dir/case.xml" 'case-id="18402766351"'
contains "$case_dir/case.xml" '<figure metric="lsr" rate="0.094"/>'
contains "$case_dir/case.xml" '[[TO FILL: Your business name'
"$bin" analyze "$case_dir" --format json >"$tmp/analysis.json" 2>"$tmp/err"
expect_status 0 $? "analyze on the case init wrote: $(cat "$tmp/err")"
jq -e '.metrics | length > 0' "$tmp/analysis.json" >/dev/null || fail "analyze found no metrics"
"$bin" generate "$case_dir" -o "$tmp/out-dir" --format md >"$tmp/gen.out" 2>&1
expect_status 0 $? "generate on the case init wrote"
grep -q 'unfilled fact: TO FILL: Your business name' "$tmp/gen.out" ||
    fail "generate did not flag the placeholders: $(cat "$tmp/gen.out")"

# Never over an existing case.xml without --force.
cp "$case_dir/case.xml" "$tmp/before.xml"
"$bin" init "$case_dir" --notice "$tmp/notice.txt" --no-input >/dev/null 2>"$tmp/err"
expect_status 2 $? "init over an existing case.xml"
contains "$tmp/err" "--force"
cmp -s "$case_dir/case.xml" "$tmp/before.xml" || fail "case.xml changed without --force"
"$bin" init "$case_dir" --notice "$tmp/notice.txt" --no-input --force >/dev/null 2>&1
expect_status 0 $? "init --force"

# The marketplace's reply is added to the notice of the existing case.
cat >"$tmp/reply.txt" <<'TXT'
Hello,

Thank you for your appeal. We reviewed your plan of action, but it does not identify the root cause of the late shipments. Please also explain how you will prevent this in the future and send invoices for the carrier contract.

Seller Performance Team
TXT
"$bin" init "$case_dir" --reply "$tmp/reply.txt" >"$tmp/out" 2>"$tmp/err"
expect_status 0 $? "init --reply: $(cat "$tmp/err")"
contains "$tmp/out" "more-root-cause more-prevention documents"
contains "$case_dir/case.xml" 'kind="more-root-cause more-prevention documents"'
contains "$case_dir/case.xml" '<cause>lsr</cause>'
xmllint --noout --schema "$src/templates/case.xsd" "$case_dir/case.xml" 2>/dev/null ||
    fail "case.xml with the reply does not validate"
"$bin" analyze "$case_dir" --format json >/dev/null 2>&1
expect_status 0 $? "analyze after the reply"

cat >"$tmp/reply2.txt" <<'TXT'
Hej,

Vi har granskat din överklagan. Ditt konto kommer inte att återaktiveras. Detta beslut är slutgiltigt.
TXT
"$bin" init "$case_dir" --reply "$tmp/reply2.txt" --format json >"$tmp/r2.json" 2>"$tmp/err"
expect_status 0 $? "second reply"
jq -e '.language == "sv"' "$tmp/r2.json" >/dev/null || fail "the Swedish reply was not read as Swedish"
grep -c '<reply' "$case_dir/case.xml" | grep -qx 2 || fail "the second reply did not add to the first"
contains "$case_dir/case.xml" 'kind="rejected"'

# Usage errors.
"$bin" init >/dev/null 2>&1; expect_status 2 $? "init without a folder"
"$bin" init "$tmp/x" >/dev/null 2>&1; expect_status 2 $? "init without a notice"
"$bin" init "$tmp/x" --notice "$tmp/notice.txt" --lang fr >/dev/null 2>&1; expect_status 2 $? "--lang fr"
"$bin" init "$tmp/x" --notice "$tmp/missing.txt" >/dev/null 2>&1; expect_status 2 $? "missing notice file"
"$bin" init "$tmp/x" --notice "$tmp/notice.txt" --format xml >/dev/null 2>&1; expect_status 2 $? "--format xml"
