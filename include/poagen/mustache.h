/* poagen — the template language: logic-less Mustache over a JSON tree.
 *
 * Part of the compose stage. The data model is a jansson tree, the same
 * tree `poagen analyze --format json` prints, so template authors see what
 * is available. Values are data, never template: a value containing "{{",
 * "#", "[x](y)" or HTML is escaped for the output it lands in and never
 * re-parsed.
 *
 * Truthiness for sections: false, null, a missing name, an empty list and
 * an empty string skip the section; a list repeats it per item; true
 * renders it once; an object, a number or a non-empty string becomes the
 * context of the section. Values interpolate as: strings as they are,
 * integers as integers, reals in the shortest form that reads back
 * (1.21 -> "1.21"), true/false as words, null/lists/objects as nothing.
 *
 * POA_ESCAPE_MARKDOWN makes a value plain text in CommonMark: the ASCII
 * punctuation that can start markup (\ ` * _ { } [ ] ( ) # + - . ! < > | ~
 * & =) is backslash-escaped, and runs of white space (newlines included)
 * become one space, trimmed at both ends, so a value cannot start a
 * heading, list, quote, code block or table. Numbers are not escaped:
 * they cannot form markup. Values inside a template's `code span` show the
 * backslashes, so templates should not put values there.
 *
 * Limits: partials nest at most 64 deep, sections and partials together
 * 256 deep, and the output and the work done are bounded by max_output;
 * going past any of them is POA_ERR_PARSE naming the tag. */
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
    const char *name;  /* the template's file name, for error messages */
    size_t max_output; /* output limit in bytes; 0: 64 MB */
} poa_mustache_options;

/* Render tpl[0..len) with data; appends to out. A malformed template
 * (unclosed tag, unbalanced section) is POA_ERR_PARSE with the template's
 * name, line and column. opt may be NULL (Markdown escaping, no
 * partials). On error out is left as it was on entry. */
poa_status poa_mustache_render(const char *tpl, size_t len, const json_t *data,
                               const poa_mustache_options *opt, poa_buf *out,
                               poa_error *err);

#endif
