/* poagen — the fonts the PDF renderer embeds, and their metrics.
 *
 * Metrics (which code points a font has, and their advance widths) are read
 * once per run from the TrueType files, so layout needs no libharu font: a
 * document loads only the fonts it actually draws with. */
#ifndef POAGEN_RENDER_FONTSET_H
#define POAGEN_RENDER_FONTSET_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/error.h"

/* Order matters: the style offsets (bold +1, italic +2) are used to pick a
 * face from a family. */
typedef enum {
    POA_FACE_LATIN = 0,   /* Latin-1 + punctuation; 4 styles */
    POA_FACE_LATIN_X = 4, /* Latin Extended, Greek, Cyrillic; 4 styles */
    POA_FACE_MONO = 8,
    POA_FACE_CJK = 9,    /* GB2312 hanzi + CJK punctuation, no bold */
    POA_FACE_CJK_X = 10, /* every other hanzi Droid has: rare, large */
    POA_FACE_COUNT = 11
} poa_face_id;

enum { POA_STYLE_BOLD = 1, POA_STYLE_ITALIC = 2 };

/* Advance widths in 1/1000 em, per BMP code point; POA_NO_GLYPH where the
 * font has none (or maps the code point to .notdef, as the dense Chinese
 * cmap does on purpose). */
#define POA_NO_GLYPH 0xFFFFu

typedef struct {
    char path[512];
    uint16_t *advance;   /* 65536 entries */
    unsigned char *data; /* the whole file, read once per run */
    size_t size;
} poa_face;

typedef struct {
    poa_face face[POA_FACE_COUNT];
} poa_fontset;

/* Read every face from dir. A missing or unreadable file is POA_ERR_IO
 * naming it and the Debian package its source font comes from. */
poa_status poa_fontset__load(poa_fontset *fs, const char *dir, poa_error *err);
void poa_fontset__free(poa_fontset *fs);

#endif
