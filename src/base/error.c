#include "poagen/error.h"

#include <stdio.h>
#include <string.h>

static void fill(poa_error *e, poa_status status, const char *file, unsigned line,
                 unsigned column, const char *fmt, va_list ap) {
    e->status = status;
    e->line = line;
    e->column = column;
    if (file) {
        snprintf(e->file, sizeof e->file, "%s", file);
    } else {
        e->file[0] = '\0';
    }
    vsnprintf(e->message, sizeof e->message, fmt, ap);
}

poa_status poa_error_set(poa_error *err, poa_status status, const char *file,
                         unsigned line, unsigned column, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, status, file, line, column, fmt, ap);
        va_end(ap);
    }
    return status;
}

void poa_warn(const poa_warner *w, const char *file, unsigned line, unsigned column,
              const char *fmt, ...) {
    if (!w || !w->fn) {
        return;
    }
    poa_error e;
    va_list ap;
    va_start(ap, fmt);
    fill(&e, POA_OK, file, line, column, fmt, ap);
    va_end(ap);
    w->fn(&e, w->payload);
}

const char *poa_status_name(poa_status status) {
    switch (status) {
    case POA_OK:
        return "ok";
    case POA_ERR_IO:
        return "i/o error";
    case POA_ERR_PARSE:
        return "input error";
    case POA_ERR_SCHEMA:
        return "schema error";
    case POA_ERR_NOMEM:
        return "out of memory";
    case POA_ERR_ARG:
        return "usage error";
    }
    return "error";
}
