# A case folder of exports alone, without case.xml (generate run before
# init): the POA says nothing the seller did not supply. No notice date
# means no date in the opening line (not 1970-01-01), and its first word is
# capitalised; the account status, unknown, is asked for with a placeholder
# the review reports, in every language, instead of leaving a gap where the
# verb's participle goes.
. "$(dirname "$0")/lib.inc"
mkdir -p "$tmp/case"
cp "$src/samples/late-shipment/orders.txt" "$tmp/case/"
for lang in en nl sv es da zh; do
    "$bin" generate "$tmp/case" --marketplace Amazon.co.uk --as-of 2026-12-01 \
        -o "$tmp/out-$lang" --lang "$lang" --format md >"$tmp/log-$lang" 2>&1
    expect_status 0 $? "$lang: generate"
    line=$(sed -n 3p "$tmp/out-$lang/poa.md")
    case "$line" in
    *1970*) fail "$lang: a date nobody gave: $line" ;;
    esac
    case "$lang:$line" in
    "en:Our selling privileges on Amazon.co.uk were [[TO FILL: the account status"*) ;;
    "nl:Onze verkooprechten op Amazon.co.uk zijn [[TO FILL: de accountstatus"*) ;;
    "sv:Våra försäljningsrättigheter på Amazon.co.uk blev [[TO FILL: kontots status"*) ;;
    "es:Nuestros privilegios de venta en Amazon.co.uk fueron [[TO FILL: el estado"*) ;;
    "da:Vores salgsrettigheder på Amazon.co.uk blev [[TO FILL: kontoens status"*) ;;
    "zh:我们在Amazon.co.uk的销售权限[[TO FILL: 通知中的账户状态"*) ;;
    *) fail "$lang: opening line: $line" ;;
    esac
    grep -q "poa.md:3:.*error: unfilled fact: TO FILL" "$tmp/log-$lang" ||
        fail "$lang: the review does not report the status placeholder: $(cat "$tmp/log-$lang")"
done
# With case.xml the same line names the date and the status, no placeholder.
cp "$src/samples/late-shipment/case.xml" "$tmp/case/"
"$bin" generate "$tmp/case" --as-of 2026-12-01 -o "$tmp/out-xml" --format md 2>/dev/null
expect_status 0 $? "generate with case.xml"
contains "$tmp/out-xml/poa.md" "On 2026-11-17 our selling privileges on Amazon.co.uk were deactivated (case"
if grep -q "TO FILL: the account status" "$tmp/out-xml/poa.md"; then
    fail "a status placeholder although case.xml gives the status"
fi
echo ok
