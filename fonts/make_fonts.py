#!/usr/bin/python3
"""Build the font subsets the PDF renderer embeds.

libharu embeds the used glyph outlines but copies every other table whole and
scans the cmap linearly per code point, so the cost of a document grows with the
font it loads. Small per-script subsets keep a Latin page at a few milliseconds;
the Chinese font gets a dense cmap so libharu's lookup stays fast.

Usage: make_fonts.py OUTDIR DEJAVU_DIR DROID_FILE [TEXT_DIR...]
Every CJK character found in files under TEXT_DIR (the templates) is added to the
Chinese subset, so nothing the templates say falls back or goes missing.

Output is deterministic: no timestamps are recalculated.
"""
import os
import sys

from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

# Latin-1, Latin Extended-A's most common letters are in the wide fallback;
# the common set is what Western European appeals use.
LATIN_COMMON = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x100))
    + list(range(0x2010, 0x2028))  # dashes, quotes, bullet, ellipsis
    + [0x2030, 0x2032, 0x2033, 0x2039, 0x203A, 0x2044, 0x20AC, 0x2122, 0x2116, 0x2190, 0x2192, 0x2212, 0x2713, 0x152, 0x153, 0x160,
       0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC, 0xFFFD]
)
LATIN_WIDE = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x250))  # Latin-1, Extended-A, Extended-B
    + list(range(0x250, 0x2B0))  # IPA (a few names use it)
    + list(range(0x2B0, 0x370))  # modifier letters, combining marks
    + list(range(0x370, 0x400))  # Greek
    + list(range(0x400, 0x530))  # Cyrillic + supplement
    + list(range(0x1E00, 0x1F00))  # Latin Extended Additional (Vietnamese)
    + list(range(0x2000, 0x2070))
    + list(range(0x20A0, 0x20C0))  # currency signs
    + list(range(0x2100, 0x2150))  # letterlike symbols
    + list(range(0x2190, 0x2200))  # arrows
    + list(range(0x2200, 0x2300))  # math operators
    + list(range(0x25A0, 0x2600))  # geometric shapes (bullets, boxes)
    + list(range(0x2700, 0x27C0))  # dingbats (check marks, crosses)
)
CJK_DENSE = (list(range(0x3000, 0x3040)) + list(range(0x4E00, 0xA000))
             + list(range(0xFF00, 0xFFF0)))
CJKX_DENSE = (list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000))
              + list(range(0xF900, 0xFB00)))


def gb2312_hanzi():
    """The 6,763 hanzi of GB2312 (rows 16-87), from Python's codec. Level 1
    alone (3,755) lacks characters common in seller names and addresses,
    such as 圳 in 深圳."""
    chars = set()
    for row in range(0xB0, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([row, col]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def template_hanzi(dirs):
    found = set()
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs.sort()
            for name in sorted(files):
                try:
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                found.update(ord(c) for c in text if 0x3000 <= ord(c) <= 0x9FFF
                             or 0xFF00 <= ord(c) <= 0xFFEF)
    return found


def rename(font, family, style):
    """Unique PostScript names: libharu refuses a second font of the same name
    in one document, and the common and wide subsets come from one family."""
    ps = f"{family}-{style}"
    name = font["name"]
    name.names = [n for n in name.names
                  if n.nameID not in (1, 2, 3, 4, 6, 16, 17) and n.platformID == 3]
    for nid, value in ((1, family), (2, style), (3, ps), (4, f"{family} {style}"),
                       (6, ps)):
        name.setName(value, nid, 3, 1, 0x409)


def make_subset(src, dst, unicodes, family, style, font=None):
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern"]
    # Copyright and the license URL stay with every embedded copy; the long
    # license text (ID 13) would add ~4 KB to every PDF per font.
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 14]
    opts.name_languages = [0x409]
    opts.glyph_names = False
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM", "MATH", "gasp", "vhea", "vmtx"]
    opts.recalc_timestamp = False
    if font is None:
        font = TTFont(src, recalcTimestamp=False)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    rename(font, family, style)
    return font


def decompose(font):
    """Turn every composite glyph into a simple one: libharu 2.3.0 reads
    component indices as signed 16-bit, so parts numbered >= 32768 vanish."""
    glyf = font["glyf"]
    gs = font.getGlyphSet()
    for name in font.getGlyphOrder():
        g = glyf[name]
        if g.isComposite():
            rec = DecomposingRecordingPen(gs)
            gs[name].draw(rec)
            pen = TTGlyphPen(None)
            rec.replay(pen)
            glyf[name] = pen.glyph()


def dense_cmap(font, codepoints):
    """Map every code point of the CJK blocks, unknown ones to .notdef: a
    format-4 table with a few long segments instead of thousands of short
    ones. The renderer treats glyph 0 as 'not in this font'."""
    for table in font["cmap"].tables:
        if table.format in (4, 12) and table.isUnicode():
            for cp in codepoints:
                table.cmap.setdefault(cp, ".notdef")


def save(font, path):
    font.recalcTimestamp = False
    tmp = path + ".tmp"
    font.save(tmp)
    os.replace(tmp, path)


def main():
    out, dejavu, droid = sys.argv[1:4]
    text_dirs = sys.argv[4:]
    os.makedirs(out, exist_ok=True)
    styles = {"Regular": "DejaVuSans.ttf", "Bold": "DejaVuSans-Bold.ttf",
              "Italic": "DejaVuSans-Oblique.ttf", "BoldItalic": "DejaVuSans-BoldOblique.ttf"}
    for style, file in styles.items():
        src = os.path.join(dejavu, file)
        save(make_subset(src, None, LATIN_COMMON, "PoagenLatin", style),
             os.path.join(out, f"latin-{style.lower()}.ttf"))
        save(make_subset(src, None, LATIN_WIDE, "PoagenLatinX", style),
             os.path.join(out, f"latinx-{style.lower()}.ttf"))
    save(make_subset(os.path.join(dejavu, "DejaVuSansMono.ttf"), None, LATIN_COMMON,
                     "PoagenMono", "Regular"), os.path.join(out, "mono-regular.ttf"))

    hanzi = gb2312_hanzi() | template_hanzi(text_dirs)
    wanted = sorted(hanzi | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)))
    cjk_font(droid, wanted, CJK_DENSE, os.path.join(out, "cjk-regular.ttf"), "PoagenCJK")
    # Every other hanzi Droid has (traditional forms, rare name characters),
    # loaded only by documents that use one.
    rest = set(range(0x3400, 0x4DC0)) | set(range(0x4E00, 0xA000)) | set(range(0xF900, 0xFB00))
    cjk_font(droid, sorted(rest - hanzi), CJKX_DENSE, os.path.join(out, "cjkx-regular.ttf"),
             "PoagenCJKX")


def cjk_font(src, wanted, dense, path, family):
    font = TTFont(src, recalcTimestamp=False)
    # Subset first (fast), then decompose what is left, then subset again so
    # the now unused component glyphs go and the rest are renumbered low.
    font = make_subset(None, None, wanted, family, "Regular", font)
    decompose(font)
    font = make_subset(None, None, wanted, family, "Regular", font)
    assert not any(font["glyf"][n].isComposite() for n in font.getGlyphOrder())
    dense_cmap(font, dense)
    save(font, path)


if __name__ == "__main__":
    main()
