/* PDF rendering: cmark AST -> our own layout -> libharu drawing.
 *
 * Layout happens first, over code points with metrics read once per run
 * (fontset.c), so the page count ("Page X of Y") is known before anything is
 * drawn, and a document loads into libharu only the fonts it draws with. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>
#include <hpdf.h>
#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "poagen/render.h"
#include "render/fontset.h"
#include "render/utf8.h"

struct poa_pdf_context {
    poa_fontset fonts;
    /* Every font's ToUnicode map, packed once a run (see fix_to_unicode). */
    unsigned char to_unicode[4096];
    size_t to_unicode_len;
};

/* ---- typography (points) ---- */
#define BODY_SIZE 10.5f
#define BODY_LEADING 1.33f
#define HEAD_LEADING 1.25f
#define CODE_SIZE 9.5f
#define CODE_INSET 6.0f
#define PARA_GAP 7.5f
#define TIGHT_GAP 2.5f
#define LIST_INDENT 20.0f
#define QUOTE_INDENT 16.0f
#define MARGIN_X 56.7f /* 2 cm */
#define MARGIN_TOP 64.0f
#define MARGIN_BOTTOM 58.0f
#define RUNNING_SIZE 8.0f
#define MAX_QUOTE 4
#define MAX_WARNED 64
#define KEEP_LINES 2 /* a heading stays with this many following lines */

typedef enum { C_BODY, C_HEADING, C_LINK, C_MUTED, C_CODE } color_id;

static const float colors[][3] = {
    {0.13f, 0.13f, 0.13f}, /* body: soft black reads better than pure black */
    {0.05f, 0.09f, 0.17f}, /* headings */
    {0.07f, 0.30f, 0.58f}, /* links */
    {0.42f, 0.42f, 0.42f}, /* running header and footer */
    {0.20f, 0.20f, 0.20f}, /* code */
};

enum { A_SPACE = 1, A_HARD_BREAK = 2, A_FAKE_BOLD = 4, A_CODE_BG = 8, A_SOFT = 16 };

typedef struct {
    uint32_t cp;
    float width;
    float size;
    int32_t link; /* index into doc.links, -1 for none */
    uint8_t face;
    uint8_t color;
    uint8_t flags;
} atom;

typedef enum { IT_LINE, IT_RULE } item_kind;

typedef struct {
    item_kind kind;
    float space_before; /* dropped at the top of a page */
    float height;
    float baseline; /* from the top of the item */
    float x;
    size_t a0, a1;  /* atoms of the line */
    size_t m0, m1;  /* atoms of a list marker (m0 == m1: none) */
    float marker_x; /* right edge of the marker */
    int quote_depth;
    float quote_x[MAX_QUOTE];
    int keep_next; /* this many following items go on the same page */
    int code_block;
    float block_width; /* code block background width */
    /* set by pagination */
    unsigned page;
    float top;
} item;

typedef struct {
    unsigned ordered;
    int next_number;
    int tight;
    cmark_delim_type delim;
} list_state;

typedef struct {
    poa_pdf_context *ctx;
    const poa_doc_options *opt;
    const poa_warner *w;
    int oom;

    atom *atoms;
    size_t natoms, capatoms;
    item *items;
    size_t nitems, capitems;
    const char **links;
    size_t nlinks, caplinks;
    uint32_t *warned;
    size_t nwarned, capwarned;
    size_t more_missing; /* characters not drawn beyond MAX_WARNED */

    /* block state while walking */
    float indent;
    int quote_depth;
    float quote_x[MAX_QUOTE];
    list_state lists[16];
    int nlists;
    float pending_space;
    size_t marker0, marker1;
    float marker_x;

    float page_w, page_h, text_w;
    unsigned npages;

    HPDF_Doc pdf;
    HPDF_Font hfont[POA_FACE_COUNT];
    HPDF_STATUS hpdf_error, hpdf_detail;
    /* per page, to avoid repeating text state operators */
    HPDF_Font cur_font;
    float cur_size;
    int cur_color;
    int cur_fake_bold;
} doc;

/* ---- growable arrays ---- */

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) {
        return 0;
    }
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need) {
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q) {
        return -1;
    }
    *p = q;
    *cap = n;
    return 0;
}

static atom *push_atom(doc *d) {
    if (grow((void **)&d->atoms, &d->capatoms, d->natoms + 1, sizeof *d->atoms)) {
        d->oom = 1;
        return NULL;
    }
    atom *a = &d->atoms[d->natoms++];
    memset(a, 0, sizeof *a);
    a->link = -1;
    return a;
}

static item *push_item(doc *d) {
    if (grow((void **)&d->items, &d->capitems, d->nitems + 1, sizeof *d->items)) {
        d->oom = 1;
        return NULL;
    }
    item *it = &d->items[d->nitems++];
    memset(it, 0, sizeof *it);
    return it;
}

static int32_t add_link(doc *d, const char *url) {
    if (!url || !*url) {
        return -1;
    }
    if (grow((void **)&d->links, &d->caplinks, d->nlinks + 1, sizeof *d->links)) {
        d->oom = 1;
        return -1;
    }
    d->links[d->nlinks] = url;
    return (int32_t)d->nlinks++;
}

/* ---- characters and fonts ---- */

static int is_cjk(uint32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF);
}

/* Chinese punctuation that must not begin a line (kinsoku). */
static int no_line_start(uint32_t c) {
    static const uint32_t list[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B,
                                    0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F, 0x3011,
                                    0x300B, 0x3009, 0x201D, 0x2019, 0xFF05, 0x30FC};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++) {
        if (list[i] == c) {
            return 1;
        }
    }
    return c == ',' || c == '.' || c == ';' || c == ':' || c == '!' || c == '?' ||
           c == ')';
}

/* Chinese punctuation that must not end a line. */
static int no_line_end(uint32_t c) {
    return c == 0xFF08 || c == 0x300C || c == 0x300E || c == 0x3010 || c == 0x300A ||
           c == 0x3008 || c == 0x201C || c == 0x2018 || c == '(';
}

/* Report a character no font has, once per document. */
static void warn_missing(doc *d, uint32_t cp, unsigned line, unsigned col) {
    for (size_t i = 0; i < d->nwarned; i++) {
        if (d->warned[i] == cp) {
            return;
        }
    }
    /* One warning per character, up to a limit, then one summary at the end:
     * a file full of emoji must neither cost quadratic time nor flood the log. */
    if (d->nwarned >= MAX_WARNED) {
        d->more_missing++;
        return;
    }
    if (grow((void **)&d->warned, &d->capwarned, d->nwarned + 1, sizeof *d->warned) ==
        0) {
        d->warned[d->nwarned++] = cp;
    }
    poa_warn(
        d->w, NULL, line, col,
        "character U+%04X cannot be drawn by any embedded font; it is left out of the "
        "PDF",
        (unsigned)cp);
}

/* Latin subset of the style, then the wide Latin subset, then the common
 * Chinese set, then the rare one. */
static int pick_face(const doc *d, uint32_t cp, int style, int mono, int *fake_bold) {
    const poa_fontset *fs = &d->ctx->fonts;
    *fake_bold = 0;
    if (cp > 0xFFFF) {
        return -1;
    }
    int order[4];
    if (mono) {
        order[0] = POA_FACE_MONO;
        order[1] = POA_FACE_LATIN_X;
    } else {
        order[0] = POA_FACE_LATIN + style;
        order[1] = POA_FACE_LATIN_X + style;
    }
    order[2] = POA_FACE_CJK;
    order[3] = POA_FACE_CJK_X;
    for (int i = 0; i < 4; i++) {
        if (fs->face[order[i]].advance[cp] != POA_NO_GLYPH) {
            *fake_bold = order[i] >= POA_FACE_CJK && (style & POA_STYLE_BOLD);
            return order[i];
        }
    }
    return -1;
}

typedef struct {
    int style; /* POA_STYLE_* */
    int mono;
    int code_bg;
    float size;
    color_id color;
    int32_t link;
} run_style;

/* Append the atoms for a UTF-8 string. line/col locate it for warnings. */
static void add_text(doc *d, const char *s, size_t n, const run_style *st, unsigned line,
                     unsigned col) {
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        uint32_t cp = poa_utf8__next(s, n, &i);
        int space = 0;
        if (cp == '\t' || cp == '\r' || cp == '\n') {
            cp = ' ';
        }
        if (cp == ' ') {
            space = 1;
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF ||
                   cp == 0x200B) {
            continue; /* invisible controls: nothing to draw, nothing lost */
        }
        int fake;
        int face = pick_face(d, cp, st->style, st->mono, &fake);
        if (face < 0) {
            warn_missing(d, cp, line, line ? col + (unsigned)at : 0);
            continue;
        }
        atom *a = push_atom(d);
        if (!a) {
            return;
        }
        a->cp = cp;
        a->face = (uint8_t)face;
        a->size = st->size;
        a->width = d->ctx->fonts.face[face].advance[cp] * st->size / 1000.0f;
        a->color = (uint8_t)st->color;
        a->link = st->link;
        a->flags = (uint8_t)((space ? A_SPACE : 0) | (fake ? A_FAKE_BOLD : 0) |
                             (st->code_bg ? A_CODE_BG : 0));
    }
}

static void add_hard_break(doc *d) {
    atom *a = push_atom(d);
    if (a) {
        a->cp = '\n';
        a->flags = A_HARD_BREAK;
        a->face = POA_FACE_LATIN;
    }
}

static void add_inlines(doc *d, cmark_node *parent, run_style st);

static void add_inline(doc *d, cmark_node *n, run_style st) {
    const char *lit;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        lit = cmark_node_get_literal(n);
        add_text(d, lit, strlen(lit), &st, (unsigned)cmark_node_get_start_line(n),
                 (unsigned)cmark_node_get_start_column(n));
        break;
    case CMARK_NODE_CODE:
        lit = cmark_node_get_literal(n);
        st.mono = 1;
        st.code_bg = 1;
        st.style = 0;
        st.size = st.size * 0.92f;
        if (st.color == C_BODY) {
            st.color = C_CODE;
        }
        add_text(d, lit, strlen(lit), &st, (unsigned)cmark_node_get_start_line(n),
                 (unsigned)cmark_node_get_start_column(n));
        break;
    case CMARK_NODE_SOFTBREAK: {
        size_t at = d->natoms;
        add_text(d, " ", 1, &st, 0, 0);
        if (d->natoms > at) {
            d->atoms[at].flags |= A_SOFT;
        }
        break;
    }
    case CMARK_NODE_LINEBREAK:
        add_hard_break(d);
        break;
    case CMARK_NODE_EMPH:
        st.style |= POA_STYLE_ITALIC;
        add_inlines(d, n, st);
        break;
    case CMARK_NODE_STRONG:
        st.style |= POA_STYLE_BOLD;
        add_inlines(d, n, st);
        break;
    case CMARK_NODE_LINK:
        st.link = add_link(d, cmark_node_get_url(n));
        if (st.link >= 0) {
            st.color = C_LINK;
        }
        add_inlines(d, n, st);
        break;
    case CMARK_NODE_IMAGE:
        /* No images in an appeal PDF: keep the description as text. */
        st.style |= POA_STYLE_ITALIC;
        add_inlines(d, n, st);
        break;
    default: /* raw HTML is not passed through, as in the HTML output */
        break;
    }
}

static void add_inlines(doc *d, cmark_node *parent, run_style st) {
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        add_inline(d, c, st);
    }
}

/* Chinese is written without spaces: a line break in the source between two
 * Chinese characters joins them, it does not become a space. */
static void join_cjk_lines(doc *d, size_t a0) {
    size_t w = a0;
    for (size_t r = a0; r < d->natoms; r++) {
        const atom *a = &d->atoms[r];
        if ((a->flags & A_SOFT) && w > a0 && r + 1 < d->natoms &&
            is_cjk(d->atoms[w - 1].cp) && is_cjk(d->atoms[r + 1].cp)) {
            continue;
        }
        d->atoms[w++] = *a;
    }
    d->natoms = w;
}

/* ---- line breaking ---- */

/* The indent as drawn: deep nesting stops indenting at half the text width
 * so that text never runs off the page. */
static float indent_of(const doc *d) {
    float half = d->text_w / 2.0f;
    return d->indent < half ? d->indent : half;
}

static int can_break_before(const atom *a, size_t i, size_t start) {
    if (i <= start) {
        return 0;
    }
    const atom *p = &a[i - 1], *c = &a[i];
    if (c->flags & A_SPACE) {
        return 0; /* break after the spaces, which are then dropped */
    }
    if (p->flags & A_SPACE) {
        return 1;
    }
    if (is_cjk(p->cp) || is_cjk(c->cp)) {
        return !no_line_start(c->cp) && !no_line_end(p->cp);
    }
    /* after a hyphen or slash inside a long word or URL, but never inside
     * a figure: a date (2026-11-15), an order id or a range of digits reads
     * as one token */
    int digits_around = i >= start + 2 && a[i - 2].cp >= '0' && a[i - 2].cp <= '9' &&
                        c->cp >= '0' && c->cp <= '9';
    return (p->cp == '-' || p->cp == '/' || p->cp == 0x2013) && i >= start + 2 &&
           !(a[i - 2].flags & A_SPACE) && !digits_around;
}

/* Whether the unbreakable piece starting at atoms[i] is wider than a whole
 * line: then it is broken where the line is full instead of being moved down
 * whole, which would leave a short line above it. */
static int longer_than(const doc *d, size_t i, size_t a1, float avail) {
    float w = 0;
    for (size_t j = i; j < a1; j++) {
        const atom *a = &d->atoms[j];
        if ((a->flags & (A_SPACE | A_HARD_BREAK)) ||
            (j > i && can_break_before(d->atoms, j, i))) {
            break;
        }
        w += a->width;
        if (w > avail) {
            return 1;
        }
    }
    return 0;
}

/* Emit lines for atoms [a0, a1) at the current indent, greedily: break at
 * the last opportunity that fits, or inside a word longer than the line. A
 * pending list marker goes on the first line. */
static void layout_lines(doc *d, size_t a0, size_t a1, float size, float leading,
                         int heading, int code_block) {
    float avail = d->text_w - indent_of(d);
    size_t start = a0, first_item = d->nitems;
    int first = 1;
    if (avail < 40.0f) {
        avail = 40.0f;
    }
    for (;;) {
        /* leading spaces of a continuation line are dropped */
        if (!first && !code_block) {
            while (start < a1 && (d->atoms[start].flags & A_SPACE)) {
                start++;
            }
        }
        if (!first && start >= a1) {
            break;
        }
        size_t brk = start, end = a1, next = a1;
        int hard = 0;
        float x = 0;
        for (size_t i = start; i < a1; i++) {
            const atom *a = &d->atoms[i];
            if (a->flags & A_HARD_BREAK) {
                end = i;
                next = i + 1;
                hard = 1;
                break;
            }
            if (can_break_before(d->atoms, i, start)) {
                brk = i;
            }
            /* spaces may hang past the margin: they are trimmed */
            if (x + a->width > avail && i > start && !(a->flags & A_SPACE)) {
                end = next = brk > start && !longer_than(d, brk, a1, avail) ? brk : i;
                break;
            }
            x += a->width;
        }
        size_t trim = end;
        while (trim > start && (d->atoms[trim - 1].flags & A_SPACE) && !code_block) {
            trim--;
        }
        item *it = push_item(d);
        if (!it) {
            return;
        }
        it->kind = IT_LINE;
        it->space_before = d->pending_space;
        d->pending_space = 0;
        it->height = size * leading;
        it->baseline = (it->height + size * 0.72f) / 2.0f;
        it->x = MARGIN_X + indent_of(d);
        it->a0 = start;
        it->a1 = trim;
        it->code_block = code_block;
        it->block_width = avail;
        it->quote_depth = d->quote_depth;
        memcpy(it->quote_x, d->quote_x, sizeof it->quote_x);
        if (first && d->marker1 > d->marker0) {
            it->m0 = d->marker0;
            it->m1 = d->marker1;
            it->marker_x = d->marker_x;
            d->marker0 = d->marker1 = 0;
        }
        first = 0;
        start = next;
        if (start >= a1 && !hard) {
            break;
        }
    }
    /* A heading stays with the lines after it; a paragraph leaves neither
     * its first line alone at a page foot nor its last alone at a head. */
    size_t nl = d->nitems - first_item;
    for (size_t k = 0; k < nl; k++) {
        item *it = &d->items[first_item + k];
        if (heading) {
            it->keep_next = k + 1 == nl ? KEEP_LINES : 1;
        } else if (nl >= 2 && !code_block && (k == 0 || k + 2 == nl)) {
            it->keep_next = 1;
        }
    }
}

/* ---- blocks ---- */

static const list_state *current_list(const doc *d) {
    int max = (int)(sizeof d->lists / sizeof *d->lists);
    return d->nlists > 0 ? &d->lists[(d->nlists < max ? d->nlists : max) - 1] : NULL;
}

static float block_gap(const doc *d) {
    const list_state *l = current_list(d);
    return l && l->tight ? TIGHT_GAP : PARA_GAP;
}

static void want_space(doc *d, float s) {
    if (s > d->pending_space) {
        d->pending_space = s;
    }
}

static void layout_paragraph(doc *d, cmark_node *n) {
    run_style st = {0, 0, 0, BODY_SIZE, C_BODY, -1};
    size_t a0 = d->natoms;
    add_inlines(d, n, st);
    join_cjk_lines(d, a0);
    layout_lines(d, a0, d->natoms, BODY_SIZE, BODY_LEADING, 0, 0);
    want_space(d, block_gap(d));
}

static void layout_heading(doc *d, cmark_node *n) {
    static const float sizes[] = {17.0f, 13.5f, 12.0f, 11.0f, 11.0f, 11.0f};
    static const float before[] = {20.0f, 16.0f, 12.0f, 10.0f, 10.0f, 10.0f};
    static const float after[] = {9.0f, 5.0f, 4.0f, 3.0f, 3.0f, 3.0f};
    int level = cmark_node_get_heading_level(n);
    if (level < 1 || level > 6) {
        level = 1;
    }
    float size = sizes[level - 1];
    run_style st = {POA_STYLE_BOLD, 0, 0, size, C_HEADING, -1};
    want_space(d, before[level - 1]);
    size_t a0 = d->natoms;
    add_inlines(d, n, st);
    join_cjk_lines(d, a0);
    layout_lines(d, a0, d->natoms, size, HEAD_LEADING, 1, 0);
    d->pending_space = after[level - 1];
}

static void layout_code_block(doc *d, cmark_node *n) {
    const char *lit = cmark_node_get_literal(n);
    size_t len = strlen(lit);
    while (len > 0 && lit[len - 1] == '\n') {
        len--;
    }
    run_style st = {0, 1, 0, CODE_SIZE, C_CODE, -1};
    size_t a0 = d->natoms;
    size_t s = 0;
    unsigned line = (unsigned)cmark_node_get_start_line(n) + 1;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || lit[i] == '\n') {
            add_text(d, lit + s, i - s, &st, line++, 1);
            if (i < len) {
                add_hard_break(d);
            }
            s = i + 1;
        }
    }
    want_space(d, 4.0f);
    /* the text sits inside the grey background, which keeps to the margin */
    d->indent += CODE_INSET;
    layout_lines(d, a0, d->natoms, CODE_SIZE, 1.5f, 0, 1);
    d->indent -= CODE_INSET;
    want_space(d, PARA_GAP + 4.0f);
}

static void layout_rule(doc *d) {
    want_space(d, 10.0f);
    item *it = push_item(d);
    if (!it) {
        return;
    }
    it->kind = IT_RULE;
    it->space_before = d->pending_space;
    it->height = 1.0f;
    it->x = MARGIN_X + indent_of(d);
    it->block_width = d->text_w - indent_of(d);
    it->quote_depth = d->quote_depth;
    memcpy(it->quote_x, d->quote_x, sizeof it->quote_x);
    d->pending_space = 14.0f;
}

static void start_item(doc *d) {
    list_state *l = (list_state *)current_list(d);
    if (!l) {
        return;
    }
    char marker[32];
    if (l->ordered) {
        snprintf(marker, sizeof marker, "%d%c", l->next_number++,
                 l->delim == CMARK_PAREN_DELIM ? ')' : '.');
    } else {
        /* bullet, en dash, bullet: all in the Latin-1 subset */
        snprintf(marker, sizeof marker, "%s",
                 (d->nlists % 2) ? "\xE2\x80\xA2" : "\xE2\x80\x93");
    }
    run_style st = {0, 0, 0, BODY_SIZE, C_BODY, -1};
    d->marker0 = d->natoms;
    add_text(d, marker, strlen(marker), &st, 0, 0);
    d->marker1 = d->natoms;
    d->indent += LIST_INDENT;
    d->marker_x = MARGIN_X + indent_of(d) - 6.0f; /* right edge of the marker */
}

static void layout_tree(doc *d, cmark_node *root) {
    cmark_iter *iter = cmark_iter_new(root);
    if (!iter) {
        d->oom = 1;
        return;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE && !d->oom) {
        cmark_node *n = cmark_iter_get_node(iter);
        int enter = ev == CMARK_EVENT_ENTER;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            if (enter) {
                layout_paragraph(d, n);
                cmark_iter_reset(iter, n, CMARK_EVENT_EXIT);
            }
            break;
        case CMARK_NODE_HEADING:
            if (enter) {
                layout_heading(d, n);
                cmark_iter_reset(iter, n, CMARK_EVENT_EXIT);
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
            layout_code_block(d, n);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            layout_rule(d);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            if (enter) {
                want_space(d, PARA_GAP);
                if (d->quote_depth < MAX_QUOTE) {
                    d->quote_x[d->quote_depth] = MARGIN_X + indent_of(d) + 1.0f;
                }
                d->quote_depth++;
                d->indent += QUOTE_INDENT;
            } else {
                d->quote_depth--;
                d->indent -= QUOTE_INDENT;
                want_space(d, PARA_GAP);
            }
            break;
        case CMARK_NODE_LIST:
            if (enter) {
                if (d->nlists < (int)(sizeof d->lists / sizeof *d->lists)) {
                    list_state *l = &d->lists[d->nlists];
                    l->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
                    l->next_number = cmark_node_get_list_start(n);
                    l->tight = cmark_node_get_list_tight(n);
                    l->delim = cmark_node_get_list_delim(n);
                }
                d->nlists++;
                if (d->nlists > 1) {
                    d->pending_space = TIGHT_GAP;
                }
            } else {
                d->nlists--;
                want_space(d, d->nlists > 0 ? block_gap(d) : PARA_GAP);
            }
            break;
        case CMARK_NODE_ITEM:
            if (enter) {
                start_item(d);
            } else {
                d->indent -= LIST_INDENT;
                d->marker0 = d->marker1 = 0;
            }
            break;
        default:
            break;
        }
    }
    cmark_iter_free(iter);
}

/* ---- pagination ---- */

static float body_top(const doc *d) {
    return d->page_h - MARGIN_TOP;
}

static void paginate(doc *d) {
    float bottom = MARGIN_BOTTOM;
    float y = body_top(d);
    unsigned page = 0;
    int empty = 1;
    for (size_t i = 0; i < d->nitems; i++) {
        item *it = &d->items[i];
        float need = (empty ? 0 : it->space_before) + it->height;
        if (it->keep_next && !empty) {
            /* follow the chain of kept items, but never further than a few
             * lines: a long run of kept items would empty the page */
            size_t last = i + (size_t)it->keep_next;
            for (size_t j = i + 1; j <= last && j < d->nitems && j <= i + 6; j++) {
                need += d->items[j].space_before + d->items[j].height;
                if (j + (size_t)d->items[j].keep_next > last) {
                    last = j + (size_t)d->items[j].keep_next;
                }
            }
        }
        if (y - need < bottom && !empty) {
            page++;
            y = body_top(d);
            empty = 1;
        }
        if (!empty) {
            y -= it->space_before;
        }
        it->page = page;
        it->top = y;
        y -= it->height;
        empty = 0;
    }
    d->npages = page + 1;
}

/* ---- drawing ---- */

static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                                       void *user) {
    doc *d = user;
    if (d->hpdf_error == HPDF_OK) {
        d->hpdf_error = error_no;
        d->hpdf_detail = detail_no;
    }
}

/* libharu 2.3.0 has no public loader from memory: HPDF_LoadTTFontFromFile
 * re-reads the file with a seek and a read per table and glyph, for every
 * document. Instead each document reads the bytes the context read once,
 * through a read-only stream over them (no copy), handed to the functions
 * the file loader itself calls. Stream, font definition and registration
 * are declared in libharu's installed headers (hpdf_streams.h,
 * hpdf_fontdef.h, hpdf_doc.h). */
typedef struct {
    const HPDF_BYTE *data;
    HPDF_UINT size, pos;
} shared_bytes;

static HPDF_STATUS shared_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz) {
    shared_bytes *b = s->attr;
    HPDF_UINT n = b->size - b->pos < *siz ? b->size - b->pos : *siz;
    memcpy(ptr, b->data + b->pos, n);
    b->pos += n;
    if (n < *siz) {
        *siz = n;
        return HPDF_STREAM_EOF;
    }
    return HPDF_OK;
}

static HPDF_STATUS shared_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode) {
    shared_bytes *b = s->attr;
    long long at = pos;
    if (mode == HPDF_SEEK_CUR) {
        at += b->pos;
    } else if (mode == HPDF_SEEK_END) {
        at += b->size;
    }
    if (at < 0 || at > (long long)b->size) {
        return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, 0);
    }
    b->pos = (HPDF_UINT)at;
    return HPDF_OK;
}

static HPDF_INT32 shared_tell(HPDF_Stream s) {
    return (HPDF_INT32)((shared_bytes *)s->attr)->pos;
}

static HPDF_UINT32 shared_size(HPDF_Stream s) {
    return ((shared_bytes *)s->attr)->size;
}

static void shared_free(HPDF_Stream s) {
    HPDF_FreeMem(s->mmgr, s->attr); /* the bytes belong to the context */
}

static HPDF_Stream shared_stream(HPDF_MMgr mmgr, const poa_face *f) {
    HPDF_Stream s = HPDF_GetMem(mmgr, sizeof *s);
    shared_bytes *b = HPDF_GetMem(mmgr, sizeof *b);
    if (!s || !b) {
        if (s) {
            HPDF_FreeMem(mmgr, s);
        }
        if (b) {
            HPDF_FreeMem(mmgr, b);
        }
        return NULL;
    }
    b->data = f->data;
    b->size = (HPDF_UINT)f->size;
    b->pos = 0;
    memset(s, 0, sizeof *s);
    s->sig_bytes = HPDF_STREAM_SIG_BYTES;
    s->type = HPDF_STREAM_CALLBACK;
    s->mmgr = mmgr;
    s->error = mmgr->error;
    s->read_fn = shared_read;
    s->seek_fn = shared_seek;
    s->tell_fn = shared_tell;
    s->size_fn = shared_size;
    s->free_fn = shared_free;
    s->attr = b;
    return s;
}

static HPDF_Font get_font(doc *d, int face) {
    if (d->hfont[face]) {
        return d->hfont[face];
    }
    HPDF_Stream s = shared_stream(d->pdf->mmgr, &d->ctx->fonts.face[face]);
    if (!s) {
        return NULL;
    }
    HPDF_FontDef def = HPDF_TTFontDef_Load(d->pdf->mmgr, s, HPDF_TRUE); /* owns s */
    if (!def) {
        return NULL;
    }
    /* The subset tag only has to be unique within the document; derive it
     * from the face so that output does not depend on load order. */
    char tag[7] = {'P', 'O', 'A', 'G', 'A', (char)('A' + face), '\0'};
    HPDF_TTFontDef_SetTagName(def, tag);
    if (HPDF_Doc_RegisterFontDef(d->pdf, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    d->hfont[face] = HPDF_GetFont(d->pdf, def->base_font, "UTF-8");
    return d->hfont[face];
}

static float atoms_width(const doc *d, size_t a0, size_t a1) {
    float w = 0;
    for (size_t i = a0; i < a1; i++) {
        w += d->atoms[i].width;
    }
    return w;
}

static void set_color(doc *d, HPDF_Page page, int color) {
    if (d->cur_color != color) {
        const float *c = colors[color];
        HPDF_Page_SetRGBFill(page, c[0], c[1], c[2]);
        HPDF_Page_SetRGBStroke(page, c[0], c[1], c[2]);
        d->cur_color = color;
    }
}

/* Draw atoms [a0, a1) starting at (x, y): one text operator per run of the
 * same font, size, colour and link. Link areas become URI annotations. */
static void draw_atoms(doc *d, HPDF_Page page, size_t a0, size_t a1, float x, float y) {
    char buf[1024];
    /* backgrounds first: they must lie under the text */
    float bx = x;
    for (size_t i = a0; i < a1; i++) {
        const atom *a = &d->atoms[i];
        if ((a->flags & A_CODE_BG) && !(a->flags & A_SPACE && (i + 1 == a1 || i == a0))) {
            HPDF_Page_SetRGBFill(page, 0.94f, 0.94f, 0.94f);
            HPDF_Page_Rectangle(page, bx - 0.01f, y - a->size * 0.28f, a->width + 0.02f,
                                a->size * 1.18f);
            HPDF_Page_Fill(page);
            d->cur_color = -1;
        }
        bx += a->width;
    }
    HPDF_Page_BeginText(page);
    size_t i = a0;
    while (i < a1) {
        const atom *first = &d->atoms[i];
        size_t j = i, n = 0;
        float w = 0;
        while (j < a1) {
            const atom *a = &d->atoms[j];
            if (a->face != first->face || a->size != first->size ||
                a->color != first->color || a->link != first->link ||
                (a->flags & A_FAKE_BOLD) != (first->flags & A_FAKE_BOLD) ||
                n + 4 >= sizeof buf) {
                break;
            }
            n += poa_utf8__encode(a->cp, buf + n);
            w += a->width;
            j++;
        }
        buf[n] = '\0';
        HPDF_Font font = get_font(d, first->face);
        if (!font) {
            break;
        }
        if (font != d->cur_font || first->size != d->cur_size) {
            HPDF_Page_SetFontAndSize(page, font, first->size);
            d->cur_font = font;
            d->cur_size = first->size;
        }
        set_color(d, page, first->color);
        int fake = (first->flags & A_FAKE_BOLD) != 0;
        if (fake != d->cur_fake_bold) {
            /* Droid Sans Fallback has no bold: thicken the outline instead. */
            HPDF_Page_SetTextRenderingMode(page,
                                           fake ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
            if (fake) {
                HPDF_Page_SetLineWidth(page, first->size * 0.035f);
            }
            d->cur_fake_bold = fake;
        }
        HPDF_Page_TextOut(page, x, y, buf);
        if (first->link >= 0) {
            HPDF_Rect r = {x, y - first->size * 0.25f, x + w, y + first->size * 0.9f};
            HPDF_Annotation an =
                HPDF_Page_CreateURILinkAnnot(page, r, d->links[first->link]);
            if (an) {
                HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
            }
        }
        x += w;
        i = j;
    }
    if (d->cur_fake_bold) {
        HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
        d->cur_fake_bold = 0;
    }
    HPDF_Page_EndText(page);
}

static void draw_item(doc *d, HPDF_Page page, const item *it, int first_on_page) {
    int depth = it->quote_depth < MAX_QUOTE ? it->quote_depth : MAX_QUOTE;
    if (depth > 0) {
        float top = it->top + (first_on_page ? 0 : it->space_before);
        float bottom = it->top - it->height;
        HPDF_Page_SetRGBFill(page, 0.78f, 0.80f, 0.84f);
        for (int q = 0; q < depth; q++) {
            HPDF_Page_Rectangle(page, it->quote_x[q], bottom, 2.0f, top - bottom);
        }
        HPDF_Page_Fill(page);
        d->cur_color = -1;
    }
    if (it->kind == IT_RULE) {
        HPDF_Page_SetRGBStroke(page, 0.70f, 0.70f, 0.70f);
        HPDF_Page_SetLineWidth(page, 0.6f);
        HPDF_Page_MoveTo(page, it->x, it->top - 0.5f);
        HPDF_Page_LineTo(page, it->x + it->block_width, it->top - 0.5f);
        HPDF_Page_Stroke(page);
        d->cur_color = -1;
        return;
    }
    if (it->code_block) {
        HPDF_Page_SetRGBFill(page, 0.955f, 0.955f, 0.955f);
        HPDF_Page_Rectangle(page, it->x - CODE_INSET, it->top - it->height,
                            it->block_width + CODE_INSET, it->height);
        HPDF_Page_Fill(page);
        d->cur_color = -1;
    }
    float y = it->top - it->baseline;
    if (it->m1 > it->m0) {
        float mw = atoms_width(d, it->m0, it->m1);
        draw_atoms(d, page, it->m0, it->m1, it->marker_x - mw, y);
    }
    draw_atoms(d, page, it->a0, it->a1, it->x, y);
}

static const char *footer_format(const char *lang) {
    static const struct {
        const char *lang, *fmt;
    } t[] = {
        {"en", "Page %u of %u"},
        {"nl", "Pagina %u van %u"},
        {"sv", "Sida %u av %u"},
        {"es", "P\xC3\xA1gina %u de %u"},
        {"da", "Side %u af %u"},
        {"zh", "\xE7\xAC\xAC %u \xE9\xA1\xB5\xEF\xBC\x8C\xE5\x85\xB1 %u \xE9\xA1\xB5"}};
    if (lang) {
        for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
            if (strncmp(lang, t[i].lang, 2) == 0) {
                return t[i].fmt;
            }
        }
    }
    return t[0].fmt;
}

/* Atoms of a running-header or footer string, cut with an ellipsis to fit. */
static void running_atoms(doc *d, const char *s, float max_w, size_t *a0, size_t *a1) {
    run_style st = {0, 0, 0, RUNNING_SIZE, C_MUTED, -1};
    *a0 = d->natoms;
    add_text(d, s, strlen(s), &st, 0, 0);
    float w = 0;
    size_t i;
    for (i = *a0; i < d->natoms; i++) {
        if (w + d->atoms[i].width > max_w) {
            break;
        }
        w += d->atoms[i].width;
    }
    if (i < d->natoms) {
        float ell =
            d->ctx->fonts.face[POA_FACE_LATIN].advance[0x2026] * RUNNING_SIZE / 1000.0f;
        while (i > *a0 && w + ell > max_w) {
            w -= d->atoms[--i].width;
        }
        d->natoms = i;
        add_text(d, "\xE2\x80\xA6", 3, &st, 0, 0);
    }
    *a1 = d->natoms;
}

static void draw_running(doc *d, HPDF_Page page, unsigned pageno) {
    const poa_doc_options *o = d->opt;
    float left = MARGIN_X, right = d->page_w - MARGIN_X;
    float hy = d->page_h - 38.0f;
    size_t l0 = 0, l1 = 0, r0 = 0, r1 = 0;
    float rw = 0;
    if (o->header_right && *o->header_right) {
        running_atoms(d, o->header_right, d->text_w * 0.45f, &r0, &r1);
        rw = atoms_width(d, r0, r1);
    }
    if (o->header_left && *o->header_left) {
        running_atoms(d, o->header_left, d->text_w - rw - 18.0f, &l0, &l1);
    }
    if (l1 > l0 || r1 > r0) {
        draw_atoms(d, page, l0, l1, left, hy);
        draw_atoms(d, page, r0, r1, right - rw, hy);
        HPDF_Page_SetRGBStroke(page, 0.72f, 0.72f, 0.72f);
        HPDF_Page_SetLineWidth(page, 0.4f);
        HPDF_Page_MoveTo(page, left, hy - 5.5f);
        HPDF_Page_LineTo(page, right, hy - 5.5f);
        HPDF_Page_Stroke(page);
        d->cur_color = -1;
    }
    char text[96];
    snprintf(text, sizeof text, footer_format(o->lang), pageno, d->npages);
    size_t f0, f1;
    running_atoms(d, text, d->text_w, &f0, &f1);
    float fw = atoms_width(d, f0, f1);
    draw_atoms(d, page, f0, f1, (d->page_w - fw) / 2.0f, 34.0f);
}

static void set_info(doc *d) {
    const poa_doc_options *o = d->opt;
    if (o->title) {
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, o->title);
    }
    if (o->author) {
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_AUTHOR, o->author);
    }
    if (o->subject) {
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_SUBJECT, o->subject);
    }
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "poagen");
    if (o->creation_epoch >= 0) {
        time_t t = (time_t)o->creation_epoch;
        struct tm tm;
        if (gmtime_r(&t, &tm)) {
            HPDF_Date date = {
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec,         'Z',           0,          0};
            HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, date);
            HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, date);
        }
    }
}

/* ---- text that copies out ---- */

/* The ToUnicode map every font of ours needs: its codes are UTF-16 code
 * units (libharu's UTF-8 encoder with Identity-H), so each maps to itself.
 * As the CMap rules want it: ranges within one high byte, at most 100 a
 * block, the surrogates left out. libharu writes instead a CID map
 * ("begincidrange"), which a reader copying text may not understand. */
static void identity_to_unicode(poa_buf *b) {
    poa_buf_puts(b,
                 "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> "
                 "def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned rows[256], n = 0;
    for (unsigned hi = 0; hi < 256; hi++) {
        if (hi < 0xD8 || hi > 0xDF) {
            rows[n++] = hi;
        }
    }
    for (unsigned k = 0; k < n; k += 100) {
        unsigned m = n - k < 100 ? n - k : 100;
        poa_buf_printf(b, "%u beginbfrange\n", m);
        for (unsigned j = k; j < k + m; j++) {
            poa_buf_printf(b, "<%02X00> <%02XFF> <%02X00>\n", rows[j], rows[j], rows[j]);
        }
        poa_buf_puts(b, "endbfrange\n");
    }
    poa_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* The identity ToUnicode map, Flate-packed into ctx once a run. */
static poa_status pack_to_unicode(poa_pdf_context *ctx, poa_error *err) {
    poa_buf text = POA_BUF_INIT;
    identity_to_unicode(&text);
    uLongf packed_len = sizeof ctx->to_unicode;
    int ok =
        !text.failed && compress2(ctx->to_unicode, &packed_len, (const Bytef *)text.data,
                                  (uLong)text.len, Z_BEST_COMPRESSION) == Z_OK;
    poa_buf_free(&text);
    if (!ok) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "cannot pack the PDF's maps");
    }
    ctx->to_unicode_len = packed_len;
    return POA_OK;
}

/* Give every font of the PDF in out[from..] the identity ToUnicode map,
 * through qpdf (which rewrites the file around the new stream). The other
 * streams are kept as they are, compressed as libharu wrote them.
 * Deterministic: the file's /ID is worked out from its content. */
static poa_status fix_to_unicode(const poa_pdf_context *ctx, poa_buf *out, size_t from,
                                 poa_error *err) {
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    poa_status st = POA_OK;
    if (qpdf_read_memory(q, "poa.pdf", (const char *)out->data + from,
                         (unsigned long long)(out->len - from), NULL) &
        QPDF_ERRORS) {
        st = poa_error_set(err, POA_ERR_IO, NULL, 0, 0, "cannot reread the PDF");
    }
    const int pages = st == POA_OK ? qpdf_get_num_pages(q) : 0;
    for (int p = 0; p < pages; p++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)p);
        qpdf_oh fonts =
            qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"), "/Font");
        if (!qpdf_oh_is_dictionary(q, fonts)) {
            continue;
        }
        qpdf_oh_begin_dict_key_iter(q, fonts);
        while (qpdf_oh_dict_more_keys(q)) {
            qpdf_oh font = qpdf_oh_get_key(q, fonts, qpdf_oh_dict_next_key(q));
            qpdf_oh map = qpdf_oh_get_key(q, font, "/ToUnicode");
            if (qpdf_oh_is_stream(q, map)) {
                qpdf_oh_replace_stream_data(q, map, ctx->to_unicode, ctx->to_unicode_len,
                                            qpdf_oh_new_name(q, "/FlateDecode"),
                                            qpdf_oh_new_null(q));
            }
        }
    }
    if (st == POA_OK) {
        qpdf_init_write_memory(q);
        qpdf_set_stream_data_mode(q, qpdf_s_preserve);
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        if (qpdf_write(q) & QPDF_ERRORS) {
            st = poa_error_set(err, POA_ERR_IO, NULL, 0, 0, "cannot rewrite the PDF");
        }
    }
    if (st == POA_OK) {
        out->len = from;
        poa_buf_append(out, (const char *)qpdf_get_buffer(q), qpdf_get_buffer_length(q));
        if (out->failed) {
            st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    qpdf_cleanup(&q);
    return st;
}

static poa_status draw_document(doc *d, poa_buf *out, poa_error *err) {
    d->pdf = HPDF_New(on_hpdf_error, d);
    if (!d->pdf) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "cannot create a PDF document");
    }
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(d->pdf);
    HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
    set_info(d);
    size_t it = 0;
    for (unsigned p = 0; p < d->npages && d->hpdf_error == HPDF_OK; p++) {
        HPDF_Page page = HPDF_AddPage(d->pdf);
        if (!page) {
            break;
        }
        if (d->opt->paper == POA_PAPER_LETTER) {
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
        } else {
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
        }
        d->cur_font = NULL;
        d->cur_size = 0;
        d->cur_color = -1;
        d->cur_fake_bold = 0;
        draw_running(d, page, p + 1);
        int first = 1;
        for (; it < d->nitems && d->items[it].page == p; it++) {
            draw_item(d, page, &d->items[it], first);
            first = 0;
        }
    }
    if (d->hpdf_error == HPDF_OK) {
        HPDF_SaveToStream(d->pdf);
    }
    if (d->hpdf_error != HPDF_OK) {
        return poa_error_set(
            err, d->hpdf_error == HPDF_FAILD_TO_ALLOC_MEM ? POA_ERR_NOMEM : POA_ERR_IO,
            NULL, 0, 0, "PDF library error 0x%04X (detail %u)", (unsigned)d->hpdf_error,
            (unsigned)d->hpdf_detail);
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf);
    size_t before = out->len;
    char chunk[16384];
    for (;;) {
        HPDF_UINT32 n = sizeof chunk;
        HPDF_STATUS st = HPDF_ReadFromStream(d->pdf, (HPDF_BYTE *)chunk, &n);
        poa_buf_append(out, chunk, n);
        if (st != HPDF_OK) {
            break;
        }
    }
    if (out->failed) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "out of memory writing the PDF");
    }
    if (out->len - before != size) {
        return poa_error_set(err, POA_ERR_IO, NULL, 0, 0,
                             "PDF stream came back short (%zu of %u bytes)",
                             out->len - before, (unsigned)size);
    }
    return fix_to_unicode(d->ctx, out, before, err);
}

/* ---- public ---- */

poa_status poa_pdf_context_new(poa_pdf_context **out, const char *font_dir,
                               poa_error *err) {
    *out = NULL;
    poa_pdf_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    poa_status st = poa_fontset__load(&ctx->fonts, font_dir, err);
    if (st != POA_OK) {
        free(ctx);
        return st;
    }
    if ((st = pack_to_unicode(ctx, err)) != POA_OK) {
        poa_fontset__free(&ctx->fonts);
        free(ctx);
        return st;
    }
    *out = ctx;
    return POA_OK;
}

void poa_pdf_context_free(poa_pdf_context *ctx) {
    if (!ctx) {
        return;
    }
    poa_fontset__free(&ctx->fonts);
    free(ctx);
}

poa_status poa_render_pdf(poa_pdf_context *ctx, const char *markdown, size_t len,
                          const poa_doc_options *opt, poa_buf *out, unsigned *pages_out,
                          const poa_warner *w, poa_error *err) {
    if (pages_out) {
        *pages_out = 0;
    }
    if (!ctx || !opt || !out || (!markdown && len)) {
        return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0,
                             "poa_render_pdf: context, options and output are required");
    }
    cmark_node *root = cmark_parse_document(markdown ? markdown : "", len,
                                            CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
    if (!root) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "out of memory parsing Markdown");
    }
    doc d;
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.opt = opt;
    d.w = w;
    if (opt->paper == POA_PAPER_LETTER) {
        d.page_w = 612.0f;
        d.page_h = 792.0f;
    } else {
        d.page_w = 595.276f;
        d.page_h = 841.89f;
    }
    d.text_w = d.page_w - 2 * MARGIN_X;
    layout_tree(&d, root);
    poa_status st = POA_OK;
    if (d.oom) {
        st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                           "out of memory laying out the PDF");
    } else {
        paginate(&d);
        st = draw_document(&d, out, err);
    }
    if (st == POA_OK && pages_out) {
        *pages_out = d.npages;
    }
    if (d.more_missing) {
        poa_warn(w, NULL, 0, 0,
                 "%zu more occurrences of characters no embedded font can draw were left "
                 "out of the PDF",
                 d.more_missing);
    }
    if (d.pdf) {
        HPDF_Free(d.pdf);
    }
    free(d.atoms);
    free(d.items);
    free(d.links);
    free(d.warned);
    cmark_node_free(root);
    return st;
}
