# A typical single-cause case (late shipments from too short a handling
# time) gives a one-page POA in every language, with all facts supplied.
. "$(dirname "$0")/lib.inc"
mkdir -p "$tmp/case"
cp "$src/samples/late-shipment/case.xml" "$tmp/case/"
{
    orders_head
    i=0
    while [ $i -lt 100 ]; do
        i=$((i + 1))
        order_row $i 2026-11-10 Merchant SKU-1 2026-11-11 2026-11-10
    done
    while [ $i -lt 112 ]; do
        i=$((i + 1))
        order_row $i 2026-11-10 Merchant SKU-2 2026-11-11 2026-11-12
    done
} >"$tmp/case/orders.txt"
"$bin" analyze "$tmp/case" --as-of 2026-11-20 --format json >"$tmp/a.json" || fail "analyze"
python3 -c "
import json,sys
a=json.load(open('$tmp/a.json'))
causes=[f['cause'] for f in a['findings'] if f['metric']=='lsr']
assert causes==['lsr_handling'], causes
" || fail "the case is not a single-cause case"
for lang in en nl sv es da zh; do
    "$bin" generate "$tmp/case" --as-of 2026-11-20 -o "$tmp/out-$lang" --lang "$lang" --format md,pdf 2>"$tmp/log-$lang" ||
        fail "$lang: generate"
    grep -q "(1 page)" "$tmp/log-$lang" || fail "$lang: not one page: $(cat "$tmp/log-$lang")"
done
echo ok
