/* Mustache (spec v1.3, without lambdas) over a jansson tree.
 *
 * A template is parsed in one pass into a flat list of nodes in document
 * order; a section node records where its body ends, so rendering walks
 * index ranges and needs no pointer tree. Standalone lines are resolved
 * while parsing, so rendering only appends. Partials are parsed when first
 * used and cached per (name, indentation) for the rest of the render.
 * Values are appended to the output and never scanned again, so a value
 * holding "{{x}}" stays text. */
#include "poagen/mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_DEPTH = 256,        /* sections and partials open at once */
    MAX_PARTIAL_DEPTH = 64, /* partials open at once */
    SHOWN = 60              /* bytes of a name quoted in a message */
};
#define DEFAULT_MAX_OUTPUT ((size_t)64 * 1024 * 1024)
/* Work is bounded like output, so empty loops over long lists cannot spin
 * for ever; a floor keeps small output limits usable. */
#define MIN_STEPS ((size_t)1 << 20)
#define NONE SIZE_MAX

typedef enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL } node_kind;

typedef struct {
    node_kind kind;
    const char *s; /* text, or the tag's name */
    size_t n;
    size_t pos;         /* offset of the tag in the source, for messages */
    size_t end;         /* sections: index of the first node after the body */
    const char *indent; /* partials: white space before a standalone tag */
    size_t indent_n;
} node;

typedef struct {
    const char *src;
    size_t len;
    const char *name; /* for messages; may be NULL */
    size_t shift;     /* columns added by partial indentation */
    node *nodes;
    size_t n, cap;
} tmpl;

static int is_blank(char c) {
    return c == ' ' || c == '\t';
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* How many bytes of s to quote: at most SHOWN, never half a character. */
static int show(const char *s, size_t n) {
    if (n <= SHOWN) {
        return (int)n;
    }
    n = SHOWN;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return (int)n;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static poa_status
fail_at(const tmpl *t, poa_error *err, size_t pos, const char *fmt, ...) {
    unsigned line = 1;
    size_t col = 0;
    for (size_t i = 0; i < pos && i < t->len; i++) {
        if (t->src[i] == '\n') {
            line++;
            col = 0;
        } else if (((unsigned char)t->src[i] & 0xC0) != 0x80) {
            col++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    col = col >= t->shift ? col - t->shift : 0;
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return poa_error_set(err, POA_ERR_PARSE, t->name, line, (unsigned)col + 1, "%s", msg);
}

/* ---- parsing ---- */

static size_t find(const char *s, size_t len, size_t from, const char *pat, size_t pn) {
    while (from + pn <= len) {
        const char *hit = memchr(s + from, pat[0], len - from - pn + 1);
        if (!hit) {
            break;
        }
        if (memcmp(hit, pat, pn) == 0) {
            return (size_t)(hit - s);
        }
        from = (size_t)(hit - s) + 1;
    }
    return len;
}

static node *add(tmpl *t, node_kind kind, const char *s, size_t n, size_t pos) {
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        node *p = realloc(t->nodes, cap * sizeof *p);
        if (!p) {
            return NULL;
        }
        t->nodes = p;
        t->cap = cap;
    }
    node *nd = &t->nodes[t->n++];
    *nd = (node){kind, s, n, pos, NONE, NULL, 0};
    return nd;
}

static int add_text(tmpl *t, size_t from, size_t to) {
    return to <= from || add(t, N_TEXT, t->src + from, to - from, from) != NULL;
}

/* Why a name is unusable, or NULL. Names are keys or dotted paths: a
 * space inside one is nearly always a typo or a tag left open. */
static const char *bad_name(const char *s, size_t n) {
    if (n == 1 && s[0] == '.') {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i])) {
            return "contains white space — names are single words or dotted paths "
                   "like seller.name";
        }
        if (s[i] == '.' && (i == 0 || i + 1 == n || s[i + 1] == '.')) {
            return "has an empty part — write dotted names like a.b.c";
        }
    }
    return NULL;
}

typedef struct {
    tmpl *t;
    poa_error *err;
    const char *open, *close; /* current delimiters */
    size_t on, cn;
} parser;

static poa_status nomem(poa_error *err, const char *name) {
    return poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
}

/* {{=<% %>=}}: the content between the equals signs is two delimiters
 * separated by white space; neither may hold white space or '='. */
static poa_status set_delimiters(parser *p, size_t at, const char *s, size_t n) {
    size_t a = 0;
    while (a < n && !is_space(s[a])) {
        a++;
    }
    size_t b = a;
    while (b < n && is_space(s[b])) {
        b++;
    }
    int ok =
        a > 0 && b < n && memchr(s, '=', a) == NULL && memchr(s + b, '=', n - b) == NULL;
    for (size_t i = b; ok && i < n; i++) {
        ok = !is_space(s[i]);
    }
    if (!ok) {
        return fail_at(p->t, p->err, at,
                       "bad delimiter change '%.*s' — write two delimiters separated by "
                       "a space, like {{=<%% %%>=}}",
                       show(s, n), s);
    }
    p->open = s;
    p->on = a;
    p->close = s + b;
    p->cn = n - b;
    return POA_OK;
}

static poa_status parse(tmpl *t, poa_error *err) {
    parser p = {t, err, "{{", "}}", 2, 2};
    const char *s = t->src;
    size_t len = t->len;
    size_t pos = 0, text_start = 0, line_start = 0;
    int line_has_tag = 0;
    size_t open_section = NONE; /* innermost; each links to its parent via end */

    for (;;) {
        size_t t0 = find(s, len, pos, p.open, p.on);
        for (size_t i = t0; i > pos; i--) {
            if (s[i - 1] == '\n') {
                line_start = i;
                line_has_tag = 0;
                break;
            }
        }
        if (t0 >= len) {
            if (!add_text(t, text_start, len)) {
                return nomem(err, t->name);
            }
            break;
        }
        size_t q = t0 + p.on;
        while (q < len && is_blank(s[q])) {
            q++;
        }
        char sig = q < len ? s[q] : '\0';
        if (sig == '\0' || !strchr("#^/!>&{=", sig)) {
            sig = '\0'; /* a plain variable */
        }
        /* {{{x}}} ends in "}" + close, {{=a b=}} in "=" + close. */
        char need = sig == '{' ? '}' : sig == '=' ? '=' : '\0';
        size_t cs = sig ? q + 1 : q; /* the closer may not overlap the sigil */
        size_t c = cs;
        for (;;) {
            c = find(s, len, c, p.close, p.cn);
            if (c >= len || need == '\0' || (c >= q + 2 && s[c - 1] == need)) {
                break;
            }
            c++;
        }
        if (c >= len) {
            return fail_at(t, err, t0, "tag opened here is never closed — add '%.*s'",
                           (int)p.cn, p.close);
        }
        size_t ce = need ? c - 1 : c;
        if (sig != '!') {
            if (find(s, ce, cs, p.open, p.on) < ce) {
                return fail_at(t, err, t0, "tag opened here is never closed — add '%.*s'",
                               (int)p.cn, p.close);
            }
            if (memchr(s + cs, '\n', ce - cs)) {
                return fail_at(t, err, t0,
                               "tag opened here is not closed on its line — add '%.*s'",
                               (int)p.cn, p.close);
            }
        }
        while (cs < ce && is_space(s[cs])) {
            cs++;
        }
        while (ce > cs && is_space(s[ce - 1])) {
            ce--;
        }
        size_t tag_end = c + p.cn;

        /* A section, close, comment, partial or delimiter tag alone on its
         * line (only blanks around it) takes the whole line with it. */
        size_t after = tag_end;
        while (after < len && is_blank(s[after])) {
            after++;
        }
        size_t eol = after == len                                                    ? 0
                     : s[after] == '\n'                                              ? 1
                     : (s[after] == '\r' && after + 1 < len && s[after + 1] == '\n') ? 2
                                                                                     : 3;
        int standalone = sig && strchr("#^/!>=", sig) && !line_has_tag && eol < 3;
        for (size_t i = line_start; standalone && i < t0; i++) {
            standalone = is_blank(s[i]);
        }
        size_t next, indent_from = line_start;
        if (standalone) {
            if (!add_text(t, text_start, line_start)) {
                return nomem(err, t->name);
            }
            next = after + eol;
            line_start = next;
            line_has_tag = 0;
        } else {
            if (!add_text(t, text_start, t0)) {
                return nomem(err, t->name);
            }
            next = tag_end;
            line_has_tag = 1;
        }
        pos = text_start = next;

        const char *name = s + cs;
        size_t n = ce - cs;
        if (sig == '!') {
            continue;
        }
        if (sig == '=') {
            poa_status st = set_delimiters(&p, t0, name, n);
            if (st != POA_OK) {
                return st;
            }
            continue;
        }
        if (n == 0) {
            return fail_at(t, err, t0,
                           "empty tag name — write a name between the braces, like "
                           "{{seller.name}}");
        }
        const char *why = sig == '>' ? NULL : bad_name(name, n);
        if (why) {
            return fail_at(t, err, t0, "tag name '%.*s' %s", show(name, n), name, why);
        }
        if (sig == '/') {
            if (open_section == NONE) {
                return fail_at(t, err, t0,
                               "'%.*s/%.*s%.*s' closes a section that was never opened — "
                               "remove it or open it with %.*s#%.*s%.*s",
                               (int)p.on, p.open, show(name, n), name, (int)p.cn, p.close,
                               (int)p.on, p.open, show(name, n), name, (int)p.cn,
                               p.close);
            }
            node *sec = &t->nodes[open_section];
            if (sec->n != n || memcmp(sec->s, name, n) != 0) {
                unsigned l = 1;
                for (size_t i = 0; i < sec->pos; i++) {
                    l += s[i] == '\n';
                }
                return fail_at(t, err, t0,
                               "'%.*s/%.*s%.*s' does not match section '%.*s' opened on "
                               "line %u — close that one first with %.*s/%.*s%.*s",
                               (int)p.on, p.open, show(name, n), name, (int)p.cn, p.close,
                               show(sec->s, sec->n), sec->s, l, (int)p.on, p.open,
                               show(sec->s, sec->n), sec->s, (int)p.cn, p.close);
            }
            open_section = sec->end;
            sec->end = t->n;
            continue;
        }
        node_kind kind = sig == '#'   ? N_SECTION
                         : sig == '^' ? N_INVERTED
                         : sig == '>' ? N_PARTIAL
                         : sig        ? N_RAW
                                      : N_VAR;
        node *nd = add(t, kind, name, n, t0);
        if (!nd) {
            return nomem(err, t->name);
        }
        if (kind == N_SECTION || kind == N_INVERTED) {
            nd->end = open_section;
            open_section = t->n - 1;
        } else if (kind == N_PARTIAL && standalone) {
            nd->indent = s + indent_from;
            nd->indent_n = t0 - indent_from;
        }
    }
    if (open_section != NONE) {
        const node *sec = &t->nodes[open_section];
        return fail_at(t, err, sec->pos,
                       "section '%.*s' opened here is never closed — add %.*s/%.*s%.*s",
                       show(sec->s, sec->n), sec->s, (int)p.on, p.open,
                       show(sec->s, sec->n), sec->s, (int)p.cn, p.close);
    }
    return POA_OK;
}

/* ---- rendering ---- */

typedef struct partial {
    struct partial *next;
    char *name;
    const char *indent;
    size_t indent_n;
    int found;
    poa_buf text;
    tmpl t;
} partial;

typedef struct {
    const poa_mustache_options *opt;
    poa_buf *out;
    size_t start, limit, steps, max_steps;
    unsigned depth, partial_depth;
    const json_t *ctx[MAX_DEPTH + 1]; /* the context stack, innermost last */
    size_t sp;
    partial *cache;
    poa_error *err;
} render;

static poa_status render_range(render *r, const tmpl *t, size_t from, size_t to);

/* The first part of a dotted name is looked up from the innermost context
 * outwards; the other parts only inside what the first part found. */
static const json_t *lookup(const render *r, const char *name, size_t n) {
    if (n == 1 && name[0] == '.') {
        return r->ctx[r->sp - 1];
    }
    const char *dot = memchr(name, '.', n);
    size_t k = dot ? (size_t)(dot - name) : n;
    const json_t *v = NULL;
    for (size_t i = r->sp; i-- > 0 && !v;) {
        if (json_is_object(r->ctx[i])) {
            v = json_object_getn((json_t *)r->ctx[i], name, k);
        }
    }
    while (v && k < n) {
        name += k + 1;
        n -= k + 1;
        dot = memchr(name, '.', n);
        k = dot ? (size_t)(dot - name) : n;
        v = json_is_object(v) ? json_object_getn((json_t *)v, name, k) : NULL;
    }
    return v;
}

static int truthy(const json_t *v) {
    if (!v || json_is_false(v) || json_is_null(v)) {
        return 0;
    }
    if (json_is_array(v)) {
        return json_array_size(v) > 0;
    }
    if (json_is_string(v)) {
        return json_string_length(v) > 0;
    }
    return 1;
}

/* The shortest %g form that reads back as the same double: 1.21 prints as
 * "1.21", not "1.2100000000000000". */
static size_t format_real(double d, char *buf, size_t size) {
    int n = 0;
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        if (buf[i] == ',') {
            buf[i] = '.'; /* a decimal-comma locale must not leak into a POA */
        }
    }
    return n > 0 ? (size_t)n : 0;
}

static void put_html(poa_buf *out, const char *s, size_t n) {
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                          : s[i] == '"' ? "&quot;"
                                        : NULL;
        if (ent) {
            poa_buf_append(out, s + run, i - run);
            poa_buf_puts(out, ent);
            run = i + 1;
        }
    }
    poa_buf_append(out, s + run, n - run);
}

/* Characters that are markup wherever they stand: emphasis, code spans,
 * escapes, raw HTML and autolinks. Escaping only these (and the few
 * position-dependent cases below) keeps dates, prices and domain names
 * readable in the Markdown a seller edits: "2026-11-18", "Amazon.co.uk". */
static int md_always_special(char c) {
    return c != '\0' && strchr("\\`*_{}<", c) != NULL;
}

/* Could '&' start an entity reference ("&amp;", "&#39;")? */
static int entity_start(const char *s, size_t i, size_t n) {
    if (i + 1 >= n) {
        return 0;
    }
    char c = s[i + 1];
    return c == '#' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Is the output at the start of a line (only spaces since the last newline)?
 * There a value's first characters could open a block: heading, list,
 * quote, thematic break, setext underline or link reference definition. */
static int at_line_start(const poa_buf *out) {
    size_t i = out->len;
    while (i > 0 && out->data[i - 1] == ' ') {
        i--;
    }
    return i == 0 || out->data[i - 1] == '\n';
}

/* White space collapses to one space and is trimmed, so a value never
 * starts a line of its own and never ends one in a hard break. */
static void put_markdown(poa_buf *out, const char *s, size_t n) {
    size_t a = 0, b = n;
    while (a < b && is_space(s[a])) {
        a++;
    }
    while (b > a && is_space(s[b - 1])) {
        b--;
    }
    if (a < b && at_line_start(out)) {
        size_t d = a;
        while (d < b && s[d] >= '0' && s[d] <= '9') {
            d++;
        }
        if (d > a && d < b && (s[d] == '.' || s[d] == ')')) {
            /* "1986. A year" would open an ordered list. */
            poa_buf_append(out, s + a, d - a);
            poa_buf_putc(out, '\\');
            a = d;
        } else if (strchr("#+-=>[|~", s[a]) != NULL) {
            poa_buf_putc(out, '\\');
        }
    }
    size_t run = a;
    for (size_t i = a; i < b; i++) {
        int special = md_always_special(s[i]) || (s[i] == '&' && entity_start(s, i, b)) ||
                      /* "](" is what turns brackets into a link or image */
                      (s[i] == '(' && i > a && s[i - 1] == ']');
        if (is_space(s[i])) {
            poa_buf_append(out, s + run, i - run);
            if (!is_space(s[i - 1])) {
                poa_buf_putc(out, ' ');
            }
            run = i + 1;
        } else if (special) {
            poa_buf_append(out, s + run, i - run);
            poa_buf_putc(out, '\\');
            run = i;
        }
    }
    poa_buf_append(out, s + run, b - run);
}

static void put_value(render *r, const json_t *v, int escaped) {
    char num[64];
    const char *s;
    size_t n;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        s = json_string_value(v);
        n = json_string_length(v);
        break;
    case JSON_INTEGER:
        /* Numbers hold only digits, '-', '+', '.', 'e': no escaping needed,
         * and none of them can form markup on their own. */
        n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
                             json_integer_value(v));
        poa_buf_append(r->out, num, n);
        return;
    case JSON_REAL:
        poa_buf_append(r->out, num, format_real(json_real_value(v), num, sizeof num));
        return;
    case JSON_TRUE:
        s = "true";
        n = 4;
        break;
    case JSON_FALSE:
        s = "false";
        n = 5;
        break;
    default:
        return; /* null, lists and objects have no text */
    }
    poa_escape mode = escaped ? r->opt->escape : POA_ESCAPE_NONE;
    if (mode == POA_ESCAPE_HTML) {
        put_html(r->out, s, n);
    } else if (mode == POA_ESCAPE_MARKDOWN) {
        put_markdown(r->out, s, n);
    } else {
        poa_buf_append(r->out, s, n);
    }
}

/* Count work done at pos: a node visited, a section entered, or the bytes
 * of a partial loaded (indentation can make those grow with depth). */
static poa_status charge(render *r, const tmpl *t, size_t pos, size_t amount) {
    r->steps += amount < r->max_steps ? amount : r->max_steps;
    if (r->steps > r->max_steps) {
        return fail_at(t, r->err, pos,
                       "the template does too much work (over %zu steps) — look for "
                       "sections nested over long lists",
                       r->max_steps);
    }
    return POA_OK;
}

static poa_status enter(render *r, const tmpl *t, size_t pos) {
    if (r->depth >= MAX_DEPTH) {
        return fail_at(t, r->err, pos,
                       "sections and partials nest deeper than %d here — flatten the "
                       "template",
                       MAX_DEPTH);
    }
    r->depth++;
    return charge(r, t, pos, 1);
}

/* Render a section body once, with push (if not NULL) as its context. */
static poa_status body(render *r, const tmpl *t, size_t i, const json_t *push) {
    const node *nd = &t->nodes[i];
    poa_status st = enter(r, t, nd->pos);
    if (st != POA_OK) {
        return st;
    }
    if (push) {
        r->ctx[r->sp++] = push;
    }
    st = render_range(r, t, i + 1, nd->end);
    if (push) {
        r->sp--;
    }
    r->depth--;
    return st;
}

static poa_status section(render *r, const tmpl *t, size_t i) {
    const node *nd = &t->nodes[i];
    const json_t *v = lookup(r, nd->s, nd->n);
    int yes = truthy(v);
    if (nd->kind == N_INVERTED) {
        return yes ? POA_OK : body(r, t, i, NULL);
    }
    if (!yes) {
        return POA_OK;
    }
    if (json_is_array(v)) {
        for (size_t k = 0; k < json_array_size(v); k++) {
            poa_status st = body(r, t, i, json_array_get(v, k));
            if (st != POA_OK) {
                return st;
            }
        }
        return POA_OK;
    }
    return body(r, t, i, json_is_true(v) ? NULL : v);
}

/* Find or load a partial. A standalone partial's text gets the tag's
 * indentation before each of its lines before parsing, as the spec says:
 * values rendered inside it are not indented. */
static poa_status load_partial(render *r, const tmpl *t, const node *nd, partial **out) {
    for (partial *p = r->cache; p; p = p->next) {
        if (strlen(p->name) == nd->n && memcmp(p->name, nd->s, nd->n) == 0 &&
            p->indent_n == nd->indent_n &&
            (nd->indent_n == 0 || memcmp(p->indent, nd->indent, nd->indent_n) == 0)) {
            *out = p;
            return POA_OK;
        }
    }
    partial *p = calloc(1, sizeof *p);
    char *name = malloc(nd->n + 1);
    if (!p || !name) {
        free(p);
        free(name);
        return nomem(r->err, r->opt->name);
    }
    memcpy(name, nd->s, nd->n);
    name[nd->n] = '\0';
    p->name = name;
    p->indent = nd->indent;
    p->indent_n = nd->indent_n;
    p->next = r->cache;
    r->cache = p;

    poa_buf raw = POA_BUF_INIT;
    p->found = r->opt->partials && r->opt->partials(name, &raw, r->opt->payload);
    size_t lines = 0;
    for (size_t i = 0; p->found && i < raw.len; i++) {
        lines += raw.data[i] == '\n';
    }
    poa_status st = charge(r, t, nd->pos, raw.len + (lines + 1) * nd->indent_n);
    for (size_t i = 0; st == POA_OK && p->found && i < raw.len;) {
        const char *nl = memchr(raw.data + i, '\n', raw.len - i);
        size_t end = nl ? (size_t)(nl - raw.data) + 1 : raw.len;
        poa_buf_append(&p->text, nd->indent, nd->indent_n);
        poa_buf_append(&p->text, raw.data + i, end - i);
        i = end;
    }
    int failed = raw.failed || p->text.failed;
    poa_buf_free(&raw);
    if (st != POA_OK) {
        return st;
    }
    if (failed) {
        return nomem(r->err, name);
    }
    p->t = (tmpl){
        p->text.data ? p->text.data : "", p->text.len, name, nd->indent_n, NULL, 0, 0};
    *out = p;
    return p->found ? parse(&p->t, r->err) : POA_OK;
}

static poa_status render_partial(render *r, const tmpl *t, const node *nd) {
    if (r->partial_depth >= MAX_PARTIAL_DEPTH) {
        return fail_at(t, r->err, nd->pos,
                       "partials nest deeper than %d — does '%.*s' include itself "
                       "without end?",
                       MAX_PARTIAL_DEPTH, show(nd->s, nd->n), nd->s);
    }
    partial *p = NULL;
    poa_status st = load_partial(r, t, nd, &p);
    if (st != POA_OK || !p->found) {
        return st;
    }
    st = enter(r, t, nd->pos);
    if (st != POA_OK) {
        return st;
    }
    r->partial_depth++;
    st = render_range(r, &p->t, 0, p->t.n);
    r->partial_depth--;
    r->depth--;
    return st;
}

static poa_status render_range(render *r, const tmpl *t, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        const node *nd = &t->nodes[i];
        poa_status st = charge(r, t, nd->pos, 1);
        if (st != POA_OK) {
            return st;
        }
        switch (nd->kind) {
        case N_TEXT:
            poa_buf_append(r->out, nd->s, nd->n);
            break;
        case N_VAR:
        case N_RAW:
            put_value(r, lookup(r, nd->s, nd->n), nd->kind == N_VAR);
            break;
        case N_SECTION:
        case N_INVERTED:
            st = section(r, t, i);
            i = nd->end - 1;
            break;
        case N_PARTIAL:
            st = render_partial(r, t, nd);
            break;
        }
        if (st != POA_OK) {
            return st;
        }
        if (r->out->failed) {
            return nomem(r->err, t->name);
        }
        if (r->out->len - r->start > r->limit) {
            return fail_at(t, r->err, nd->pos,
                           "the output grows past %zu bytes here — look for sections or "
                           "partials repeating without end",
                           r->limit);
        }
    }
    return POA_OK;
}

poa_status poa_mustache_render(const char *tpl, size_t len, const json_t *data,
                               const poa_mustache_options *opt, poa_buf *out,
                               poa_error *err) {
    static const poa_mustache_options defaults = {POA_ESCAPE_MARKDOWN, NULL, NULL, NULL,
                                                  0};
    if (!opt) {
        opt = &defaults;
    }
    if (!out || (!tpl && len)) {
        return poa_error_set(err, POA_ERR_ARG, opt->name, 0, 0,
                             "poa_mustache_render needs a template and an output buffer");
    }
    tmpl t = {tpl ? tpl : "", len, opt->name, 0, NULL, 0, 0};
    size_t start = out->len;
    poa_status st = parse(&t, err);
    if (st == POA_OK) {
        render r;
        memset(&r, 0, sizeof r);
        r.opt = opt;
        r.out = out;
        r.start = start;
        r.limit = opt->max_output ? opt->max_output : DEFAULT_MAX_OUTPUT;
        r.max_steps = r.limit > MIN_STEPS ? r.limit : MIN_STEPS;
        r.ctx[0] = data;
        r.sp = 1;
        r.err = err;
        st = render_range(&r, &t, 0, t.n);
        while (r.cache) {
            partial *p = r.cache;
            r.cache = p->next;
            free(p->t.nodes);
            poa_buf_free(&p->text);
            free(p->name);
            free(p);
        }
    }
    free(t.nodes);
    if (st != POA_OK && !out->failed && out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return st;
}
