/* Normalised text for phrase matching, with a map back to the original so
 * every decoded item can quote the words it came from. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "notice/notice_private.h"

const char *poa_notice__memcasestr(const char *s, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++) {
        if (!strncasecmp(s + i, needle, k)) {
            return s + i;
        }
    }
    return NULL;
}

void poa_notice__put_utf8(poa_buf *b, unsigned cp) {
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
    poa_buf_append(b, (const char *)tmp, (size_t)k);
}

static int is_space_cp(utf8proc_int32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') {
        return 1;
    }
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP;
}

int poa_notice__normalise(poa_norm *out, const char *s, size_t n) {
    memset(out, 0, sizeof *out);
    size_t cap = n * 2 + 16, len = 0;
    char *buf = malloc(cap);
    size_t *map = malloc((cap + 1) * sizeof *map);
    if (!buf || !map) {
        free(buf);
        free(map);
        return -1;
    }
    size_t i = 0;
    int space = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            cp = 0xFFFD;
            k = 1;
        }
        utf8proc_int32_t dec[32];
        utf8proc_ssize_t nd = 1;
        dec[0] = cp;
        if (is_space_cp(cp)) {
            dec[0] = ' ';
        } else {
            int bound = 0;
            nd = utf8proc_decompose_char(
                cp, dec, 32, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD,
                &bound);
            if (nd < 0 || nd > 32) {
                dec[0] = cp;
                nd = 1;
            }
        }
        for (utf8proc_ssize_t d = 0; d < nd; d++) {
            utf8proc_int32_t c = is_space_cp(dec[d]) ? ' ' : dec[d];
            if (c == ' ' && (space || len == 0)) {
                continue;
            }
            space = c == ' ';
            if (len + 4 >= cap) {
                cap *= 2;
                char *nb = realloc(buf, cap);
                size_t *nm = nb ? realloc(map, (cap + 1) * sizeof *map) : NULL;
                if (!nb || !nm) {
                    free(nb ? nb : buf);
                    free(map);
                    return -1;
                }
                buf = nb;
                map = nm;
            }
            utf8proc_ssize_t w = utf8proc_encode_char(c, (utf8proc_uint8_t *)buf + len);
            for (utf8proc_ssize_t b = 0; b < w; b++) {
                map[len + (size_t)b] = i;
            }
            len += (size_t)w;
        }
        i += (size_t)k;
    }
    buf[len] = 0;
    map[len] = n;
    out->s = buf;
    out->len = len;
    out->map = map;
    return 0;
}

void poa_notice__norm_free(poa_norm *nm) {
    free(nm->s);
    free(nm->map);
    memset(nm, 0, sizeof *nm);
}

static int alnum_cp(utf8proc_int32_t cp) {
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

int poa_notice__alnum_before(const char *s, size_t i) {
    if (i == 0) {
        return 0;
    }
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80) {
        j--;
    }
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(i - j),
                         &cp) <= 0) {
        return 0;
    }
    return alnum_cp(cp);
}

int poa_notice__alnum_at(const char *s, size_t len, size_t i) {
    if (i >= len) {
        return 0;
    }
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i),
                         &cp) <= 0) {
        return 0;
    }
    return alnum_cp(cp);
}
