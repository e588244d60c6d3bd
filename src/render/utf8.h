/* poagen — UTF-8 decoding and encoding for the renderers. */
#ifndef POAGEN_RENDER_UTF8_H
#define POAGEN_RENDER_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s[*i] and advance *i. Malformed or overlong
 * sequences give U+FFFD and skip one byte, so any input terminates. */
static inline uint32_t poa_utf8__next(const char *str, size_t n, size_t *i) {
    const unsigned char *s = (const unsigned char *)str;
    size_t k = *i;
    unsigned c = s[k];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
        *i = k + 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        cp = c & 0x1F;
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        cp = c & 0x0F;
        len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        cp = c & 0x07;
        len = 4;
    } else {
        *i = k + 1;
        return 0xFFFD;
    }
    if (k + len > n) {
        *i = k + 1;
        return 0xFFFD;
    }
    for (size_t j = 1; j < len; j++) {
        if ((s[k + j] & 0xC0) != 0x80) {
            *i = k + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[k + j] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        *i = k + 1;
        return 0xFFFD;
    }
    *i = k + len;
    return cp;
}

/* Encode cp into out (at least 4 bytes); returns the byte count. */
static inline size_t poa_utf8__encode(uint32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

#endif
