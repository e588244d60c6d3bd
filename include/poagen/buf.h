/* poagen — a growable byte buffer, always NUL-terminated. */
#ifndef POAGEN_BUF_H
#define POAGEN_BUF_H

#include <stddef.h>

#include "poagen/error.h"

typedef struct {
    char *data; /* NUL-terminated while len < cap; NULL until first append */
    size_t len;
    size_t cap;
    int failed; /* set once an allocation failed; later appends do nothing */
} poa_buf;

#define POA_BUF_INIT                                                                     \
    { NULL, 0, 0, 0 }

void poa_buf_append(poa_buf *b, const char *s, size_t n);
void poa_buf_puts(poa_buf *b, const char *s);
void poa_buf_putc(poa_buf *b, char c);
void poa_buf_printf(poa_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append s escaped as HTML/XML text or attribute value: & < > " ' become
 * entities. s may be NULL (nothing is appended). */
void poa_buf_put_html(poa_buf *b, const char *s);
/* The contents as a C string ("" when empty); owned by b. */
const char *poa_buf_cstr(const poa_buf *b);
void poa_buf_reset(poa_buf *b);
void poa_buf_free(poa_buf *b);

/* Read a whole (small) file: data files, templates, case.xml. Large
 * exports are streamed by the ingest stage instead. */
poa_status poa_buf_read_file(poa_buf *out, const char *path, size_t max_bytes,
                             poa_error *err);

/* Write data to path atomically: a temporary file beside it, fsync'd and
 * renamed, so a reader never sees a half-written file. */
poa_status poa_write_file_atomic(const char *path, const void *data, size_t n,
                                 poa_error *err);

#endif
