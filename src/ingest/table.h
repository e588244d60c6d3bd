/* Interim copy of the streaming table reader's interface (replaced by the reader). */
#ifndef POAGEN_INGEST_TABLE_H
#define POAGEN_INGEST_TABLE_H
#include <stddef.h>
#include "poagen/error.h"
typedef struct {
    const char *p;
    size_t n;
} poa_field;
typedef enum { POA_QUOTING_AUTO, POA_QUOTING_NONE, POA_QUOTING_RFC4180 } poa_quoting;
typedef struct {
    const char *legacy_codepage;
    const char *force_encoding;
    poa_quoting quoting;
    size_t max_line_bytes;
    const poa_warner *warner;
} poa_table_options;
typedef struct {
    const char *encoding;
    char delimiter;
    unsigned long long rows, quoted_fields, blank_lines, short_rows;
} poa_table_info;
typedef struct poa_table_reader poa_table_reader;
poa_status poa_table_open(poa_table_reader **out, const char *path,
                          const poa_table_options *opt, poa_error *err);
poa_status poa_table_next(poa_table_reader *r, const poa_field **fields, size_t *count,
                          unsigned long *line, poa_error *err);
unsigned poa_table_field_column(const poa_table_reader *r, size_t i);
const poa_table_info *poa_table_info_get(const poa_table_reader *r);
void poa_table_close(poa_table_reader *r);
#endif
