/* Template check: every variable and section a template names exists in
 * the data model (a case's analysis), so a consultant's typo is found
 * before a POA goes out with an empty sentence. Mustache renders unknown
 * names as nothing, silently; this walk says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/buf.h"
#include "poagen/lint.h"

enum { MAX_DEPTH = 64, MAX_PARTIAL_DEPTH = 4 };

typedef struct {
    const json_t *stack[MAX_DEPTH]; /* NULL: an empty list, contents unknown */
    size_t depth;
    const char *partials_dir;
    const poa_data *d;
    poa_lint_result *out;
    int partial_depth;
    unsigned line, column; /* where, in the checked file, the current walk started */
} walker;

static void report(walker *w, unsigned line, unsigned column, const char *tag,
                   int in_partial) {
    poa_lint_result *o = w->out;
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        poa_lint_issue *p = realloc(o->items, cap * sizeof *p);
        if (!p) {
            return;
        }
        o->items = p;
        o->cap = cap;
    }
    poa_lint_issue *is = &o->items[o->count++];
    snprintf(is->check, sizeof is->check, "unknown-variable");
    is->severity = POA_LINT_ERROR;
    is->line = line;
    is->column = column;
    char msg[512];
    snprintf(
        msg, sizeof msg,
        "{{%.120s}} names nothing in the data model%s — see docs/template-data.md or "
        "`poagen analyze --format json`",
        tag, in_partial ? " (in a partial)" : "");
    size_t n = strlen(msg);
    if (n >= sizeof is->message) {
        n = sizeof is->message - 1;
    }
    memcpy(is->message, msg, n);
    is->message[n] = '\0';
}

/* "causes.<id>" of a rule-table cause: the model holds it only when that
 * cause was found, so its absence is no error. */
static int cause_section(const walker *w, const char *name) {
    return w->d && strncmp(name, "causes.", 7) == 0 && poa_data_cause(w->d, name + 7);
}

static const json_t *lookup(const walker *w, const char *name, int *inside_empty) {
    *inside_empty = 0;
    if (strcmp(name, ".") == 0) {
        return w->depth ? w->stack[w->depth - 1] : NULL;
    }
    char first[128];
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(first, sizeof first, "%.*s", (int)n, name);
    for (size_t i = w->depth; i-- > 0;) {
        const json_t *ctx = w->stack[i];
        if (!ctx) {
            *inside_empty = 1; /* an empty list: nothing to check against */
            return NULL;
        }
        const json_t *v = json_is_object(ctx) ? json_object_get(ctx, first) : NULL;
        if (!v) {
            continue;
        }
        while (dot && v) {
            const char *seg = dot + 1;
            dot = strchr(seg, '.');
            n = dot ? (size_t)(dot - seg) : strlen(seg);
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)n, seg);
            v = json_is_object(v) ? json_object_get(v, key) : NULL;
        }
        return v;
    }
    return NULL;
}

static void walk(walker *w, const char *tpl, const char *file);

static int safe_partial_name(const char *s) {
    if (!*s || *s == '/' || strstr(s, "..")) {
        return 0;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              strchr("-_/.", *s))) {
            return 0;
        }
    }
    return 1;
}

static void walk_partial(walker *w, const char *name, unsigned line, unsigned column) {
    if (!w->partials_dir || !safe_partial_name(name) ||
        w->partial_depth >= MAX_PARTIAL_DEPTH) {
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.md", w->partials_dir, name);
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    if (poa_buf_read_file(&b, path, 1 << 20, &e) == POA_OK) {
        unsigned l = w->line, c = w->column;
        w->line = line;
        w->column = column;
        w->partial_depth++;
        walk(w, b.data ? b.data : "", name);
        w->partial_depth--;
        w->line = l;
        w->column = c;
    }
    poa_buf_free(&b);
}

static void walk(walker *w, const char *tpl, const char *file) {
    size_t base = w->depth;
    unsigned line = 1;
    const char *line_start = tpl;
    for (const char *p = tpl; (p = strstr(p, "{{")) != NULL;) {
        for (const char *q = line_start; q < p; q++) {
            if (*q == '\n') {
                line++;
                line_start = q + 1;
            }
        }
        /* Inside a partial, findings point at the tag that includes it. */
        unsigned at_line = w->partial_depth ? w->line : line;
        unsigned at_col = w->partial_depth ? w->column : (unsigned)(p - line_start) + 1;
        int triple = p[2] == '{';
        const char *start = p + (triple ? 3 : 2);
        const char *end = strstr(start, triple ? "}}}" : "}}");
        if (!end) {
            break; /* a syntax error: template-syntax reports it */
        }
        char tag[256];
        snprintf(tag, sizeof tag, "%.*s", (int)(end - start), start);
        p = end + (triple ? 3 : 2);
        char *t = tag;
        while (*t == ' ') {
            t++;
        }
        char sigil = *t;
        if (sigil == '!' || sigil == '=') {
            continue;
        }
        if (strchr("#^/>&", sigil)) {
            t++;
            while (*t == ' ') {
                t++;
            }
        }
        size_t n = strlen(t);
        while (n && t[n - 1] == ' ') {
            t[--n] = '\0';
        }
        if (sigil == '>') {
            walk_partial(w, t, at_line, at_col);
            continue;
        }
        if (sigil == '/') {
            if (w->depth > base) {
                w->depth--;
            }
            continue;
        }
        int inside_empty;
        const json_t *v = lookup(w, t, &inside_empty);
        int absent_cause = sigil == '#' && !v && cause_section(w, t);
        if (!v && !inside_empty && !absent_cause) {
            report(w, at_line, at_col, tag, w->partial_depth);
            (void)file;
        }
        if ((sigil == '#' || sigil == '^') && w->depth < MAX_DEPTH) {
            const json_t *push = w->depth ? w->stack[w->depth - 1] : NULL;
            if (absent_cause || inside_empty) {
                push = NULL;
            } else if (sigil == '#' && v && json_is_array(v)) {
                push = json_array_size(v) ? json_array_get(v, 0) : NULL;
            } else if (sigil == '#' && v && json_is_object(v)) {
                push = v;
            }
            w->stack[w->depth++] = push;
        }
    }
    w->depth = base;
}

void poa_lint_template_vars(poa_lint_result *out, const char *text, const json_t *model,
                            const poa_data *d, const char *partials_dir) {
    walker w;
    memset(&w, 0, sizeof w);
    w.stack[0] = model;
    w.depth = 1;
    w.partials_dir = partials_dir;
    w.d = d;
    w.out = out;
    walk(&w, text, NULL);
    poa_lint_sort(out);
}

/* The sections a template opens ({{#x}} and {{^x}}), each once, in order
 * of first appearance, newline-separated in out. */
void poa_template_sections(const char *text, poa_buf *out) {
    for (const char *p = text; (p = strstr(p, "{{")) != NULL;) {
        const char *end = strstr(p + 2, "}}");
        if (!end) {
            break;
        }
        const char *t = p + 2;
        while (*t == ' ') {
            t++;
        }
        if ((*t == '#' || *t == '^') && end > t + 1) {
            const char *name = t + 1;
            while (*name == ' ') {
                name++;
            }
            size_t n = (size_t)(end - name);
            while (n && name[n - 1] == ' ') {
                n--;
            }
            char line[300], probe[302];
            snprintf(line, sizeof line, "%.*s\n", (int)(n < 280 ? n : 280), name);
            snprintf(probe, sizeof probe, "\n%s", line);
            const char *have = poa_buf_cstr(out);
            if (strncmp(have, line, strlen(line)) != 0 && !strstr(have, probe)) {
                poa_buf_puts(out, line);
            }
        }
        p = end + 2;
    }
}
