/* poagen — the template language: logic-less Mustache over a JSON tree.
 *
 * Part of the compose stage. The data model is a jansson tree, the same
 * tree `poagen analyze --format json` prints, so template authors see what
 * is available. Values are data, never template: a value containing "{{",
 * "#", "[x](y)" or HTML is escaped for the output it lands in and never
 * re-parsed. */
#ifndef POAGEN_MUSTACHE_H
#define POAGEN_MUSTACHE_H

#include <stddef.h>

#include <jansson.h>

#include "poagen/buf.h"
#include "poagen/error.h"

typedef enum {
    POA_ESCAPE_MARKDOWN = 0, /* POAs: CommonMark punctuation backslash-escaped */
    POA_ESCAPE_HTML = 1,     /* & < > " as entities (what the Mustache spec tests) */
    POA_ESCAPE_NONE = 2
} poa_escape;

/* Look up a partial by name: append its text to out and return 1, or
 * return 0 when there is no such partial (it renders as empty). */
typedef int (*poa_partial_fn)(const char *name, poa_buf *out, void *payload);

typedef struct {
    poa_escape escape;
    poa_partial_fn partials; /* may be NULL: no partials */
    void *payload;
    const char *name; /* the template's file name, for error messages */
} poa_mustache_options;

/* Render tpl[0..len) with data; appends to out. A malformed template
 * (unclosed tag, unbalanced section) is POA_ERR_PARSE with the template's
 * name, line and column. */
poa_status poa_mustache_render(const char *tpl, size_t len, const json_t *data,
                               const poa_mustache_options *opt, poa_buf *out,
                               poa_error *err);

#endif
