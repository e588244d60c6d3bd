#include "render/fontset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/buf.h"

static const struct {
    const char *file;
    const char *package;
} face_files[POA_FACE_COUNT] = {
    {"latin-regular.ttf", "fonts-dejavu-core"},
    {"latin-bold.ttf", "fonts-dejavu-core"},
    {"latin-italic.ttf", "fonts-dejavu-core"},
    {"latin-bolditalic.ttf", "fonts-dejavu-core"},
    {"latinx-regular.ttf", "fonts-dejavu-core"},
    {"latinx-bold.ttf", "fonts-dejavu-core"},
    {"latinx-italic.ttf", "fonts-dejavu-core"},
    {"latinx-bolditalic.ttf", "fonts-dejavu-core"},
    {"mono-regular.ttf", "fonts-dejavu-core"},
    {"cjk-regular.ttf", "fonts-droid-fallback"},
    {"cjkx-regular.ttf", "fonts-droid-fallback"},
};

/* The rare-hanzi subset is about 4.7 MB; anything far larger is not ours. */
#define MAX_FONT_BYTES (16u * 1024u * 1024u)

typedef struct {
    const unsigned char *p;
    size_t n;
} span;

static int rd16(span s, size_t off, unsigned *v) {
    if (off + 2 > s.n) {
        return -1;
    }
    *v = ((unsigned)s.p[off] << 8) | s.p[off + 1];
    return 0;
}

static int rd32(span s, size_t off, unsigned long *v) {
    if (off + 4 > s.n) {
        return -1;
    }
    *v = ((unsigned long)s.p[off] << 24) | ((unsigned long)s.p[off + 1] << 16) |
         ((unsigned long)s.p[off + 2] << 8) | s.p[off + 3];
    return 0;
}

static int find_table(span f, const char *tag, span *out) {
    unsigned n;
    if (rd16(f, 4, &n) != 0) {
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        size_t rec = 12 + 16 * (size_t)i;
        if (rec + 16 > f.n) {
            return -1;
        }
        if (memcmp(f.p + rec, tag, 4) == 0) {
            unsigned long off = 0, len = 0;
            if (rd32(f, rec + 8, &off) || rd32(f, rec + 12, &len) || off > f.n ||
                len > f.n - off) {
                return -1;
            }
            out->p = f.p + off;
            out->n = len;
            return 0;
        }
    }
    return -1;
}

/* The (3,1) or (0,3) format-4 subtable: the one libharu uses too. */
static int find_cmap4(span cmap, span *out) {
    unsigned n;
    if (rd16(cmap, 2, &n) != 0) {
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned pid, eid, fmt;
        unsigned long off;
        size_t rec = 4 + 8 * (size_t)i;
        if (rd16(cmap, rec, &pid) || rd16(cmap, rec + 2, &eid) ||
            rd32(cmap, rec + 4, &off)) {
            return -1;
        }
        if (!((pid == 3 && eid == 1) || (pid == 0 && eid == 3))) {
            continue;
        }
        if (off >= cmap.n || rd16(cmap, off, &fmt) || fmt != 4) {
            continue;
        }
        out->p = cmap.p + off;
        out->n = cmap.n - off;
        return 0;
    }
    return -1;
}

static int read_metrics(span f, uint16_t *advance) {
    span head, hhea, hmtx, cmap, sub;
    unsigned upm, nmetrics, segx2;
    if (find_table(f, "head", &head) || find_table(f, "hhea", &hhea) ||
        find_table(f, "hmtx", &hmtx) || find_table(f, "cmap", &cmap) ||
        find_cmap4(cmap, &sub)) {
        return -1;
    }
    if (rd16(head, 18, &upm) || upm == 0 || rd16(hhea, 34, &nmetrics) || nmetrics == 0 ||
        rd16(sub, 6, &segx2)) {
        return -1;
    }
    size_t ends = 14, starts = ends + segx2 + 2, deltas = starts + segx2,
           ranges = deltas + segx2;
    for (size_t seg = 0; seg < segx2; seg += 2) {
        unsigned end, start, delta, range;
        if (rd16(sub, ends + seg, &end) || rd16(sub, starts + seg, &start) ||
            rd16(sub, deltas + seg, &delta) || rd16(sub, ranges + seg, &range)) {
            return -1;
        }
        for (unsigned c = start; c <= end && c <= 0xFFFF; c++) {
            unsigned gid;
            if (range == 0) {
                gid = (c + delta) & 0xFFFF;
            } else {
                if (rd16(sub, ranges + seg + range + 2 * (size_t)(c - start), &gid)) {
                    return -1;
                }
                if (gid != 0) {
                    gid = (gid + delta) & 0xFFFF;
                }
            }
            if (gid == 0) {
                continue;
            }
            unsigned adv;
            unsigned m = gid < nmetrics ? gid : nmetrics - 1;
            if (rd16(hmtx, 4 * (size_t)m, &adv)) {
                return -1;
            }
            /* The same truncation libharu applies when it writes /W. */
            unsigned w = adv * 1000u / upm;
            advance[c] = (uint16_t)(w < POA_NO_GLYPH ? w : POA_NO_GLYPH - 1);
        }
    }
    return 0;
}

poa_status poa_fontset__load(poa_fontset *fs, const char *dir, poa_error *err) {
    memset(fs, 0, sizeof *fs);
    if (!dir || !*dir) {
        return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0, "no font directory given");
    }
    for (int i = 0; i < POA_FACE_COUNT; i++) {
        poa_face *face = &fs->face[i];
        int n = snprintf(face->path, sizeof face->path, "%s/%s", dir, face_files[i].file);
        if (n < 0 || (size_t)n >= sizeof face->path) {
            poa_fontset__free(fs);
            return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0,
                                 "font directory path too long");
        }
        poa_buf data = POA_BUF_INIT;
        poa_error ioerr;
        if (poa_buf_read_file(&data, face->path, MAX_FONT_BYTES, &ioerr) != POA_OK) {
            poa_buf_free(&data);
            poa_fontset__free(fs);
            return poa_error_set(err, POA_ERR_IO, face->path, 0, 0,
                                 "font %s cannot be read (%s); it is built from the "
                                 "Debian package %s: install it (apt-get install %s) "
                                 "and rebuild",
                                 face_files[i].file, ioerr.message, face_files[i].package,
                                 face_files[i].package);
        }
        face->advance = malloc(65536 * sizeof *face->advance);
        if (!face->advance) {
            poa_buf_free(&data);
            poa_fontset__free(fs);
            return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        memset(face->advance, 0xFF, 65536 * sizeof *face->advance);
        span f = {(const unsigned char *)data.data, data.len};
        int bad = read_metrics(f, face->advance);
        face->data = (unsigned char *)data.data; /* kept: documents load from memory */
        face->size = data.len;
        if (bad) {
            poa_status st =
                poa_error_set(err, POA_ERR_IO, face->path, 0, 0,
                              "font %s is not a usable TrueType file; rebuild "
                              "the fonts (they come from %s)",
                              face->path, face_files[i].package);
            poa_fontset__free(fs);
            return st;
        }
    }
    return POA_OK;
}

void poa_fontset__free(poa_fontset *fs) {
    if (!fs) {
        return;
    }
    for (int i = 0; i < POA_FACE_COUNT; i++) {
        free(fs->face[i].advance);
        free(fs->face[i].data);
        fs->face[i].advance = NULL;
        fs->face[i].data = NULL;
    }
}
