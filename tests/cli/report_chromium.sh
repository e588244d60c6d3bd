# The analysis page in a real browser: Chromium's screenshot shows the
# charts (dark bar and line pixels in the page), the browser reports no
# console error or failed load, and the print to PDF renders on paper.
# Skipped (77) when Chromium is not installed.
. "$(dirname "$0")/lib.inc"
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "SKIP: chromium not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
"$bin" analyze "$src/samples/late-shipment" --format html -o "$tmp/r.html"
expect_status 0 $? "analyze --format html"
run_chrome() {
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$(mktemp -d "$tmp/profile-XXXXXX")" "$@"
}
run_chrome --enable-logging=stderr --v=0 --screenshot="$tmp/shot.png" \
    --window-size=1200,4000 "file://$tmp/r.html" >"$tmp/log" 2>&1 ||
    fail "chromium failed: $(tail -3 "$tmp/log")"
[ -s "$tmp/shot.png" ] || fail "no screenshot"
if grep -E 'CONSOLE|Uncaught|net::ERR|Failed to load' "$tmp/log"; then
    fail "the browser reported errors"
fi
# Decode the PNG (zlib, no imaging library) and count chart pixels: the dark
# bar/line colour #1b3a6b, row by row.
python3 - "$tmp/shot.png" <<'PY' || fail "screenshot check"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
rows_with_chart = 0
colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    dark = 0
    for x in range(0, stride, bpp * 2):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        colours.add((r >> 4, g >> 4, bl >> 4))
        if abs(r - 0x1b) < 24 and abs(g - 0x3a) < 24 and abs(bl - 0x6b) < 24:
            dark += 1
    rows_with_chart += dark >= 20
    prev = line
# the what-if bar and the weekday/handling bars fill many rows of the first
# 4000 pixels; a blank or unstyled page has none
assert rows_with_chart >= 40, "only %d rows show chart colour" % rows_with_chart
assert len(colours) >= 8, "the page is nearly blank"
print("chart rows:", rows_with_chart)
PY
# print to PDF: several pages, and the first one renders with ink on it
run_chrome --no-pdf-header-footer --print-to-pdf="$tmp/r.pdf" "file://$tmp/r.html" \
    >"$tmp/log2" 2>&1 || fail "print to PDF failed"
[ -s "$tmp/r.pdf" ] || fail "no PDF"
if command -v pdfinfo >/dev/null; then
    pages=$(pdfinfo "$tmp/r.pdf" | awk '/^Pages:/{print $2}')
    [ "${pages:-0}" -ge 3 ] || fail "PDF has ${pages:-0} pages"
fi
if command -v pdftotext >/dev/null; then
    pdftotext "$tmp/r.pdf" "$tmp/r.txt"
    contains "$tmp/r.txt" "Late orders by weekday of purchase"
    contains "$tmp/r.txt" "Late Shipment Rate"
fi
exit 0
