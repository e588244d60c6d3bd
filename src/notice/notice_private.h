/* Inside the notice stage. */
#ifndef POAGEN_NOTICE_PRIVATE_H
#define POAGEN_NOTICE_PRIVATE_H

#include <stddef.h>

#include "poagen/notice.h"

/* Case-insensitive (ASCII) search for needle in s[0..n). */
const char *poa_notice__memcasestr(const char *s, size_t n, const char *needle);
/* Append code point cp as UTF-8. */
void poa_notice__put_utf8(poa_buf *b, unsigned cp);

/* Text compared in case-folded compatibility-decomposed form (equal exactly
 * when the NFKC case-folded forms are equal), with white space runs as one
 * space. map[i] is the offset in the original text of the character that
 * produced byte i; map[len] is the original length. */
typedef struct {
    char *s;
    size_t len;
    size_t *map;
} poa_norm;

int poa_notice__normalise(poa_norm *out, const char *s, size_t n);
void poa_notice__norm_free(poa_norm *nm);
/* Is the character ending just before s+i (or starting at s+i) a letter or digit? */
int poa_notice__alnum_before(const char *s, size_t i);
int poa_notice__alnum_at(const char *s, size_t len, size_t i);

#endif
