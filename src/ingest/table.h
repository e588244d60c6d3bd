/* poagen — streaming reader for tab- and comma-separated exports (private to ingest).
 *
 * One reader per file. It decides the encoding once (BOM, else the first non-ASCII
 * sequence), converts to UTF-8 on the fly, and hands out one row at a time as an
 * array of fields that point into its own buffers. Memory stays bounded by
 * max_line_bytes whatever the file size. Quoting follows SPEC "Files as they really
 * arrive": a field is quoted only when it is well-formed as such, else a `"` is text. */
#ifndef POAGEN_INGEST_TABLE_H
#define POAGEN_INGEST_TABLE_H

#include <stddef.h>

#include "poagen/error.h"

/* A field of the current row: UTF-8, not NUL-terminated, valid until the next call
 * to poa_table_next or poa_table_close. */
typedef struct {
    const char *p;
    size_t n;
} poa_field;

typedef enum {
    POA_QUOTING_AUTO,   /* the SPEC rule: quoted only when well-formed */
    POA_QUOTING_NONE,   /* every `"` is text */
    POA_QUOTING_RFC4180 /* standard CSV; a malformed quoted field is an error */
} poa_quoting;

typedef struct {
    const char *legacy_codepage; /* iconv name for non-UTF-8 files; NULL = "CP1252" */
    const char *force_encoding;  /* NULL = detect; else an iconv name ("UTF-16LE", ...) */
    poa_quoting quoting;
    size_t max_line_bytes;    /* 0 = 1 MiB; a longer line or quoted field is an error */
    size_t block_bytes;       /* 0 = 128 KiB read size; small values exercise refills */
    const poa_warner *warner; /* may be NULL */
} poa_table_options;

/* What `poagen inspect` shows about a file. Counts grow as rows are read. */
typedef struct {
    const char *encoding; /* "UTF-8", "UTF-8 (BOM)", "UTF-16LE (BOM)", "CP1252", ... */
    char delimiter;       /* '\t' or ',': tabs in the header line win */
    int multiline_quotes; /* 1 when a quoted field may span lines (BOM or comma file) */
    unsigned long long rows; /* data rows, header not included */
    unsigned long long quoted_fields, blank_lines;
    unsigned long long short_rows; /* data rows with fewer fields than the header */
} poa_table_info;

typedef struct poa_table_reader poa_table_reader;

/* Open path and read far enough to know its encoding, line ends and delimiter.
 * opt may be NULL (all defaults). On failure *out is NULL and err names the file
 * (and line/column when the content is at fault). An empty file is an error.
 * The caller frees the reader with poa_table_close. */
poa_status poa_table_open(poa_table_reader **out, const char *path,
                          const poa_table_options *opt, poa_error *err);

/* Next row; the first call returns the header. Blank lines are skipped. At end of
 * file *fields is NULL, *count 0 and the result POA_OK. *line (may be NULL) is the
 * 1-based physical line where the row starts. Fields are exactly as in the file: the
 * caller checks counts against the header. After an error the reader is spent. */
poa_status poa_table_next(poa_table_reader *r, const poa_field **fields, size_t *count,
                          unsigned long *line, poa_error *err);

/* 1-based column, in code points, where field i of the current row starts (at its
 * opening quote when quoted), counted from the start of its physical line. */
unsigned poa_table_field_column(const poa_table_reader *r, size_t i);

/* 1-based physical line where field i of the current row starts; differs from the
 * row's line only after a quoted field spanning lines. */
unsigned long poa_table_field_line(const poa_table_reader *r, size_t i);

/* The file's facts so far; owned by r. */
const poa_table_info *poa_table_info_get(const poa_table_reader *r);

/* The path given to poa_table_open, for messages; owned by r. */
const char *poa_table_path(const poa_table_reader *r);

/* Close the file and free everything; NULL does nothing. */
void poa_table_close(poa_table_reader *r);

#endif
