/* poagen — errors as values.
 *
 * Every fallible function returns a poa_status and fills a caller-owned
 * poa_error. Reporting an error never allocates: the buffers are fixed. */
#ifndef POAGEN_ERROR_H
#define POAGEN_ERROR_H

#include <stdarg.h>

typedef enum {
    POA_OK = 0,
    POA_ERR_IO = -1,     /* open/read/write failed */
    POA_ERR_PARSE = -2,  /* malformed input; file/line/column are set */
    POA_ERR_SCHEMA = -3, /* required column or element missing */
    POA_ERR_NOMEM = -4,
    POA_ERR_ARG = -5 /* the caller broke the contract */
} poa_status;

typedef struct {
    poa_status status;
    char file[256];
    unsigned line, column; /* 1-based; 0 when unknown */
    char message[512];     /* one line: what is wrong and what to do */
} poa_error;

/* Called for warnings (file/line/column/message as in poa_error).
 * The library never prints: the caller decides where warnings go. */
typedef void (*poa_warn_fn)(const poa_error *warning, void *payload);

typedef struct {
    poa_warn_fn fn;
    void *payload;
} poa_warner;

/* Fill err (may be NULL) and return status. file may be NULL. */
poa_status poa_error_set(poa_error *err, poa_status status, const char *file,
                         unsigned line, unsigned column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Emit a warning through w (which may be NULL or have a NULL fn). */
void poa_warn(const poa_warner *w, const char *file, unsigned line, unsigned column,
              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* A short English name for a status ("input error", ...). */
const char *poa_status_name(poa_status status);

#endif
