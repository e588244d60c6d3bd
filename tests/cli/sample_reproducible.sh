# The bundled sample is exactly what the generator writes: the data can be
# regenerated and audited, and the generator stays deterministic.
. "$(dirname "$0")/lib.inc"
gen="$(dirname "$bin")/bench/gen_case"
[ -x "$gen" ] || fail "no generator at $gen"
"$gen" --out "$tmp/s" --orders 1000 --end 2026-11-15 --days 60 --seed 327 2>/dev/null ||
    fail "gen_case failed"
for f in orders.txt feedback.txt; do
    cmp -s "$tmp/s/$f" "$src/samples/late-shipment/$f" || fail "$f differs from the generator's output"
done
echo ok
