/* Decoding a marketplace notice or reply: language, marketplace, action,
 * causes, figures, ASINs, ids, dates and the deadline, each with the
 * sentence it came from. The phrases are data (templates/notices.xml). */
#include <ctype.h>
#include <jansson.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "notice/notice_private.h"
#include "poagen/date.h"
#include "poagen/xmlload.h"

enum {
    K_STOP,
    K_KNOWN,
    K_CAUSE,
    K_ACTION,
    K_WITHIN,
    K_BY,
    K_BY_AFTER,
    K_DATE_LABEL,
    K_MONTH,
    K_TARGET,
    K_REF,
    K_OWNER,
    K_ASKS,
    K_REPLY,
    K_COUNT
};
static const char *const kind_names[K_COUNT] = {
    "stop",       "known", "cause",  "action", "within", "by",   "by-after",
    "date-label", "month", "target", "ref",    "owner",  "asks", "reply"};

/* First found wins, in this order: the most specific action first. */
static const char *const action_order[] = {"mfn-restriction", "deactivation", "hold",
                                           "listing-removal", "warning"};

typedef struct {
    int kind;
    const char *id; /* cause / action / ref / reply id; month number as text */
    const char *norm;
    size_t len;
    int prefix; /* a trailing '*': the last word may continue */
} phrase;

typedef struct {
    char id[4];
    char order[4];
    int nowb;
    phrase *p;
    size_t np;
} lang_table;

typedef struct {
    const char *id;
    int metric, poa, ip;
    const char **asks_for;
    size_t nasks_for;
} type_def;

struct poa_notice_table {
    poa_arena *arena;
    type_def *types;
    size_t ntypes;
    lang_table *langs;
    size_t nlangs;
};

static const char *norm_dup(poa_arena *a, const char *s, size_t *len) {
    poa_norm nm;
    if (poa_notice__normalise(&nm, s, strlen(s)) != 0) {
        return NULL;
    }
    while (nm.len && nm.s[nm.len - 1] == ' ') {
        nm.len--;
    }
    const char *r = poa_arena_strndup(a, nm.s, nm.len);
    *len = nm.len;
    poa_notice__norm_free(&nm);
    return r;
}

static int attr_true(poa_arena *a, xmlNodePtr n, const char *name, int dflt) {
    const char *v = poa_xml_attr_dup(a, n, name);
    return v ? (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) : dflt;
}

poa_status poa_notice_table_load(poa_notice_table **out, const char *dir,
                                 poa_error *err) {
    char path[4096], xsd[4096];
    snprintf(path, sizeof path, "%s/notices.xml", dir);
    snprintf(xsd, sizeof xsd, "%s/notices.xsd", dir);
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, path, xsd, err);
    if (st != POA_OK) {
        return st;
    }
    poa_notice_table *t = calloc(1, sizeof *t);
    poa_arena *a = t ? poa_arena_new() : NULL;
    if (!a) {
        free(t);
        xmlFreeDoc(doc);
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    t->arena = a;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    size_t nt = 0, nl = 0;
    for (xmlNodePtr k = poa_xml_child(root, "type"); k; k = poa_xml_next(k, "type")) {
        nt++;
    }
    for (xmlNodePtr k = poa_xml_child(root, "lang"); k; k = poa_xml_next(k, "lang")) {
        nl++;
    }
    t->types = poa_arena_alloc(a, (nt + 1) * sizeof *t->types);
    t->langs = poa_arena_alloc(a, (nl + 1) * sizeof *t->langs);
    for (xmlNodePtr k = poa_xml_child(root, "type"); k; k = poa_xml_next(k, "type")) {
        type_def *td = &t->types[t->ntypes++];
        td->id = poa_xml_attr_dup(a, k, "id");
        td->metric = attr_true(a, k, "metric", 0);
        td->poa = attr_true(a, k, "poa", 1);
        td->ip = attr_true(a, k, "ip", 0);
        size_t na = 0;
        for (xmlNodePtr q = poa_xml_child(k, "asks-for"); q;
             q = poa_xml_next(q, "asks-for")) {
            na++;
        }
        td->asks_for = poa_arena_alloc(a, (na + 1) * sizeof(char *));
        for (xmlNodePtr q = poa_xml_child(k, "asks-for"); q;
             q = poa_xml_next(q, "asks-for")) {
            xmlChar *v = poa_xml_text(q);
            td->asks_for[td->nasks_for++] = poa_arena_strdup(a, v ? (const char *)v : "");
            xmlFree(v);
        }
    }
    for (xmlNodePtr k = poa_xml_child(root, "lang"); k; k = poa_xml_next(k, "lang")) {
        lang_table *lt = &t->langs[t->nlangs++];
        snprintf(lt->id, sizeof lt->id, "%s", poa_xml_attr_dup(a, k, "id"));
        snprintf(lt->order, sizeof lt->order, "%s", poa_xml_attr_dup(a, k, "date-order"));
        lt->nowb = attr_true(a, k, "no-word-boundaries", 0);
        size_t np = 0;
        for (xmlNodePtr q = poa_xml_next(k->children, NULL); q;
             q = poa_xml_next(q, NULL)) {
            np++;
        }
        lt->p = poa_arena_alloc(a, (np + 1) * sizeof *lt->p);
        for (xmlNodePtr q = k->children ? (k->children->type == XML_ELEMENT_NODE
                                               ? k->children
                                               : poa_xml_next(k->children, NULL))
                                        : NULL;
             q; q = poa_xml_next(q, NULL)) {
            phrase *p = &lt->p[lt->np];
            p->kind = -1;
            for (int c = 0; c < K_COUNT; c++) {
                if (!strcmp((const char *)q->name, kind_names[c])) {
                    p->kind = c;
                }
            }
            if (p->kind < 0) {
                continue;
            }
            p->id = poa_xml_attr_dup(a, q,
                                     p->kind == K_MONTH                         ? "n"
                                     : (p->kind == K_REF || p->kind == K_REPLY) ? "kind"
                                                                                : "id");
            xmlChar *v = poa_xml_text(q);
            const char *raw = v ? (const char *)v : "";
            size_t rl = strlen(raw);
            p->prefix = rl > 1 && raw[rl - 1] == '*';
            char *tmp = poa_arena_strndup(a, raw, p->prefix ? rl - 1 : rl);
            xmlFree(v);
            p->norm = norm_dup(a, tmp, &p->len);
            if (p->norm && p->len) {
                lt->np++;
            }
        }
    }
    xmlFreeDoc(doc);
    *out = t;
    return POA_OK;
}

void poa_notice_table_free(poa_notice_table *t) {
    if (t) {
        poa_arena_free(t->arena);
        free(t);
    }
}

static const type_def *find_type(const poa_notice_table *t, const char *id) {
    for (size_t i = 0; i < t->ntypes; i++) {
        if (!strcmp(t->types[i].id, id)) {
            return &t->types[i];
        }
    }
    return NULL;
}

static const lang_table *find_lang(const poa_notice_table *t, const char *id) {
    for (size_t i = 0; i < t->nlangs; i++) {
        if (!strcmp(t->langs[i].id, id)) {
            return &t->langs[i];
        }
    }
    return NULL;
}

/* ---- matching ---- */

typedef struct {
    const char *orig;
    size_t orig_len;
    poa_norm nm;
    size_t *sent_start, *sent_end; /* sentences, original offsets */
    size_t nsent;
    unsigned char *sent_known;
} doc;

/* Does phrase p occur at norm offset i, with the word boundaries it needs? */
static int match_at(const doc *d, const lang_table *lt, const phrase *p, size_t i) {
    const char *s = d->nm.s;
    if (i + p->len > d->nm.len || memcmp(s + i, p->norm, p->len) != 0) {
        return 0;
    }
    if (lt->nowb) {
        return 1;
    }
    if (poa_notice__alnum_at(p->norm, p->len, 0) && poa_notice__alnum_before(s, i)) {
        return 0;
    }
    if (!p->prefix && poa_notice__alnum_before(p->norm, p->len) &&
        poa_notice__alnum_at(s, d->nm.len, i + p->len)) {
        return 0;
    }
    return 1;
}

/* Next occurrence of p at or after *from; returns its norm offset or -1. */
static long find_next(const doc *d, const lang_table *lt, const phrase *p, size_t from) {
    for (size_t i = from; i + p->len <= d->nm.len; i++) {
        const char *hit = memmem(d->nm.s + i, d->nm.len - i, p->norm, p->len);
        if (!hit) {
            return -1;
        }
        i = (size_t)(hit - d->nm.s);
        if (match_at(d, lt, p, i)) {
            return (long)i;
        }
    }
    return -1;
}

/* Where a match ends, continuing a prefix phrase to the end of its word. */
static size_t match_end(const doc *d, const phrase *p, size_t i) {
    size_t e = i + p->len;
    if (p->prefix) {
        while (e < d->nm.len && poa_notice__alnum_at(d->nm.s, d->nm.len, e)) {
            e++;
            while (e < d->nm.len && ((unsigned char)d->nm.s[e] & 0xC0) == 0x80) {
                e++;
            }
        }
    }
    return e;
}

static void split_sentences(doc *d) {
    const char *s = d->orig;
    size_t n = d->orig_len, cap = 16;
    d->sent_start = malloc(cap * sizeof(size_t));
    d->sent_end = malloc(cap * sizeof(size_t));
    d->nsent = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        size_t cut = 0,
               next = 0; /* cut: end of a sentence at i; next: where the next starts */
        if (i == n) {
            cut = 1, next = n;
        } else if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
                   (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\n' ||
                    s[i + 1] == '\t') &&
                   !(i > 0 && isdigit((unsigned char)s[i - 1]) && i + 1 < n &&
                     isdigit((unsigned char)s[i + 1]))) {
            cut = 1, next = i + 1;
            i++;
        } else if (i + 3 <= n && (!memcmp(s + i, "\xE3\x80\x82", 3) ||  /* 。 */
                                  !memcmp(s + i, "\xEF\xBC\x81", 3) ||  /* ！ */
                                  !memcmp(s + i, "\xEF\xBC\x9F", 3) ||  /* ？ */
                                  !memcmp(s + i, "\xEF\xBC\x9B", 3))) { /* ； */
            cut = 1, next = i + 3;
            i += 2;
        } else if (s[i] == '\n') {
            /* A line break continues a sentence only when the next line
             * starts in lower case (a wrapped line). */
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t')) {
                j++;
            }
            int cont =
                j < n && islower((unsigned char)s[j]) && i > start && s[i - 1] != ':';
            if (!cont) {
                cut = 1, next = i + 1;
            }
        }
        if (!cut) {
            continue;
        }
        size_t a = start, b = (i == n) ? n : (next > 0 ? next : i);
        if (i < n && s[i] == '\n') {
            b = i;
        }
        while (a < b && isspace((unsigned char)s[a])) {
            a++;
        }
        while (b > a && isspace((unsigned char)s[b - 1])) {
            b--;
        }
        if (b > a) {
            if (d->nsent == cap) {
                cap *= 2;
                d->sent_start = realloc(d->sent_start, cap * sizeof(size_t));
                d->sent_end = realloc(d->sent_end, cap * sizeof(size_t));
            }
            d->sent_start[d->nsent] = a;
            d->sent_end[d->nsent++] = b;
        }
        start = next;
    }
    d->sent_known = calloc(d->nsent + 1, 1);
}

static size_t sentence_of(const doc *d, size_t norm_off) {
    size_t o = d->nm.map[norm_off < d->nm.len ? norm_off : d->nm.len];
    for (size_t k = 0; k < d->nsent; k++) {
        if (o < d->sent_end[k] || k + 1 == d->nsent) {
            return k;
        }
    }
    return 0;
}

/* The sentence as written, white space runs as one space. */
static const char *sentence_text(poa_arena *a, const doc *d, size_t k) {
    size_t b = d->sent_start[k], e = d->sent_end[k];
    char *r = poa_arena_alloc(a, e - b + 1);
    size_t w = 0;
    int sp = 0;
    for (size_t i = b; i < e; i++) {
        char c = d->orig[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            sp = 1;
            continue;
        }
        if (sp && w) {
            r[w++] = ' ';
        }
        sp = 0;
        r[w++] = c;
    }
    r[w] = 0;
    return r;
}

static void mark_known(doc *d, size_t norm_off) {
    if (d->nsent) {
        d->sent_known[sentence_of(d, norm_off)] = 1;
    }
}

/* ---- dates ---- */

typedef struct {
    size_t start, end; /* norm offsets */
    int32_t day;
} found_date;

static int read_num(const char *s, size_t n, size_t *i, int maxdigits, int *v) {
    size_t k = 0;
    int x = 0;
    while (*i + k < n && isdigit((unsigned char)s[*i + k]) && (int)k < maxdigits + 1) {
        x = x * 10 + (s[*i + k] - '0');
        k++;
    }
    if (k == 0 || (int)k > maxdigits) {
        return 0;
    }
    *i += k;
    *v = x;
    return (int)k;
}

static int valid_ymd(int y, int m, int d) {
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1990 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) {
        return 0;
    }
    return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

/* A month name of lt at s+i; returns its number and advances *i. */
static int month_at(const doc *d, const lang_table *lt, size_t *i) {
    int best = 0;
    size_t blen = 0;
    for (size_t k = 0; k < lt->np; k++) {
        const phrase *p = &lt->p[k];
        if (p->kind == K_MONTH && p->len > blen && *i + p->len <= d->nm.len &&
            !memcmp(d->nm.s + *i, p->norm, p->len) &&
            !poa_notice__alnum_at(d->nm.s, d->nm.len, *i + p->len)) {
            best = atoi(p->id);
            blen = p->len;
        }
    }
    if (best) {
        *i += blen;
        if (*i < d->nm.len && d->nm.s[*i] == '.') {
            (*i)++;
        }
    }
    return best;
}

static void skip_sp(const doc *d, size_t *i) {
    while (*i < d->nm.len && d->nm.s[*i] == ' ') {
        (*i)++;
    }
}

static int skip_word(const doc *d, size_t *i, const char *w) {
    size_t k = strlen(w);
    if (*i + k <= d->nm.len && !memcmp(d->nm.s + *i, w, k)) {
        *i += k;
        return 1;
    }
    return 0;
}

static size_t find_dates(const doc *d, const lang_table *lt, const char *order,
                         found_date *out, size_t cap) {
    const char *s = d->nm.s;
    size_t n = d->nm.len, count = 0;
    for (size_t i = 0; i < n && count < cap; i++) {
        if (i > 0 && (isalnum((unsigned char)s[i - 1]))) {
            continue;
        }
        size_t j = i;
        int a = 0, b = 0, c = 0, y = 0, m = 0, day = 0;
        if (isdigit((unsigned char)s[i])) {
            int la = read_num(s, n, &j, 4, &a);
            if (!la) {
                continue;
            }
            size_t after_a = j;
            /* 2026年11月17日 */
            if (la == 4 && skip_word(d, &j, "\xE5\xB9\xB4")) {
                skip_sp(d, &j);
                if (read_num(s, n, &j, 2, &b)) {
                    skip_sp(d, &j);
                    if (skip_word(d, &j, "\xE6\x9C\x88")) {
                        skip_sp(d, &j);
                        if (read_num(s, n, &j, 2, &c)) {
                            skip_sp(d, &j);
                            if (skip_word(d, &j, "\xE6\x97\xA5") ||
                                skip_word(d, &j, "\xE5\x8F\xB7")) {
                                y = a, m = b, day = c;
                            }
                        }
                    }
                }
            }
            j = after_a;
            char sep = j < n ? s[j] : 0;
            if (!y && (sep == '-' || sep == '/' || sep == '.') && j + 1 < n &&
                isdigit((unsigned char)s[j + 1])) {
                j++;
                int lb = read_num(s, n, &j, 2, &b);
                if (lb && j + 1 < n && s[j] == sep && isdigit((unsigned char)s[j + 1])) {
                    j++;
                    int lc = read_num(s, n, &j, 4, &c);
                    if (la == 4 && lc <= 2) {
                        y = a, m = b, day = c;
                    } else if (la <= 2 && (lc == 4 || lc == 2)) {
                        int yy = lc == 2 ? 2000 + c : c;
                        if (!strcmp(order, "mdy")) {
                            y = yy, m = a, day = b;
                        } else {
                            y = yy, m = b, day = a;
                        }
                    }
                    if (y && isdigit((unsigned char)(j < n ? s[j] : 0))) {
                        y = 0;
                    }
                }
            }
            if (!y && la <= 2) {
                /* 17 november 2026, 17. november 2026, 17 de noviembre de 2026 */
                j = after_a;
                skip_word(d, &j, ".");
                skip_sp(d, &j);
                if (skip_word(d, &j, "de ")) {
                    skip_sp(d, &j);
                }
                int mm = month_at(d, lt, &j);
                if (mm) {
                    size_t k = j;
                    skip_sp(d, &k);
                    if (skip_word(d, &k, "de ")) {
                        skip_sp(d, &k);
                    }
                    skip_word(d, &k, ",");
                    skip_sp(d, &k);
                    if (read_num(s, n, &k, 4, &c) == 4) {
                        y = c, m = mm, day = a, j = k;
                    }
                }
            }
        } else if (isalpha((unsigned char)s[i])) {
            /* November 17, 2026 */
            int mm = month_at(d, lt, &j);
            if (mm) {
                skip_sp(d, &j);
                if (read_num(s, n, &j, 2, &a)) {
                    skip_word(d, &j, ",");
                    skip_sp(d, &j);
                    if (read_num(s, n, &j, 4, &c) == 4) {
                        y = c, m = mm, day = a;
                    }
                }
            }
        }
        if (y && valid_ymd(y, m, day)) {
            out[count].start = i;
            out[count].end = j;
            out[count].day = poa_day_from_ymd(y, m, day);
            count++;
            i = j - 1;
        }
    }
    return count;
}

/* Does the normalised text just before norm offset `at` end with a phrase of
 * this kind (spaces in between allowed)? */
static int ends_with_kind(const doc *d, const lang_table *lt, int kind, size_t at,
                          size_t *phrase_start) {
    size_t e = at;
    while (e > 0 && d->nm.s[e - 1] == ' ') {
        e--;
    }
    for (size_t k = 0; k < lt->np; k++) {
        const phrase *p = &lt->p[k];
        if (p->kind == kind && p->len <= e && match_at(d, lt, p, e - p->len)) {
            if (phrase_start) {
                *phrase_start = e - p->len;
            }
            return 1;
        }
    }
    return 0;
}

static int starts_with_kind(const doc *d, const lang_table *lt, int kind, size_t at) {
    size_t b = at;
    skip_sp(d, &b);
    for (size_t k = 0; k < lt->np; k++) {
        const phrase *p = &lt->p[k];
        if (p->kind == kind && match_at(d, lt, p, b)) {
            return 1;
        }
    }
    return 0;
}

/* ---- the decoder ---- */

typedef struct {
    poa_notice *n;
    doc d;
    const lang_table *lt;
    size_t cap_causes, cap_figures, cap_asins, cap_refs, cap_owners, cap_asks,
        cap_replies;
    size_t *cause_pos;
} decoder;

#define GROW(arena, arr, count, cap)                                                     \
    do {                                                                                 \
        if ((count) == (cap)) {                                                          \
            size_t nc_ = (cap) ? (cap)*2 : 8;                                            \
            void *na_ = poa_arena_alloc((arena), nc_ * sizeof *(arr));                   \
            if ((count)) {                                                               \
                memcpy(na_, (arr), (count) * sizeof *(arr));                             \
            }                                                                            \
            (arr) = na_;                                                                 \
            (cap) = nc_;                                                                 \
        }                                                                                \
    } while (0)

static int score_language(const doc *d, const lang_table *lt) {
    int score = 0;
    for (size_t k = 0; k < lt->np; k++) {
        const phrase *p = &lt->p[k];
        if (p->kind == K_MONTH || p->kind == K_BY || p->kind == K_TARGET) {
            continue;
        }
        int weight = p->kind == K_STOP ? 1 : 3;
        int hits = 0;
        for (long at = find_next(d, lt, p, 0); at >= 0 && hits < 50;
             at = find_next(d, lt, p, (size_t)at + p->len)) {
            hits++;
        }
        score += weight * hits;
    }
    return score;
}

static void add_cause(decoder *dc, const poa_notice_table *t, const char *id, size_t at) {
    poa_notice *n = dc->n;
    for (size_t i = 0; i < n->ncauses; i++) {
        if (!strcmp(n->causes[i].id, id)) {
            return;
        }
    }
    const type_def *td = find_type(t, id);
    GROW(n->arena, n->causes, n->ncauses, dc->cap_causes);
    size_t *pos = poa_arena_alloc(n->arena, dc->cap_causes * sizeof *pos);
    if (n->ncauses) {
        memcpy(pos, dc->cause_pos, n->ncauses * sizeof *pos);
    }
    dc->cause_pos = pos;
    poa_notice_cause *c = &n->causes[n->ncauses];
    c->id = id;
    c->metric = td ? td->metric : 0;
    c->poa = td ? td->poa : 1;
    c->ip = td ? td->ip : 0;
    c->evidence = sentence_text(n->arena, &dc->d, sentence_of(&dc->d, at));
    pos[n->ncauses++] = at;
}

static void sort_causes(decoder *dc) {
    /* text order: insertion sort on the first occurrence */
    poa_notice *n = dc->n;
    for (size_t i = 1; i < n->ncauses; i++) {
        for (size_t j = i; j > 0 && dc->cause_pos[j - 1] > dc->cause_pos[j]; j--) {
            poa_notice_cause tc = n->causes[j];
            n->causes[j] = n->causes[j - 1];
            n->causes[j - 1] = tc;
            size_t tp = dc->cause_pos[j];
            dc->cause_pos[j] = dc->cause_pos[j - 1];
            dc->cause_pos[j - 1] = tp;
        }
    }
}

/* Percentages: "11,2 %", "11.2%", "2,35 procent" is not read (words vary). */
static void find_figures(decoder *dc) {
    const doc *d = &dc->d;
    poa_notice *n = dc->n;
    const char *s = d->nm.s;
    size_t last_pct_end = 0;
    for (size_t i = 0; i < d->nm.len; i++) {
        if (!isdigit((unsigned char)s[i]) ||
            (i > 0 &&
             (isdigit((unsigned char)s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ','))) {
            continue;
        }
        size_t j = i;
        double v = 0;
        while (j < d->nm.len && isdigit((unsigned char)s[j])) {
            v = v * 10 + (s[j++] - '0');
        }
        if (j + 1 < d->nm.len && (s[j] == ',' || s[j] == '.') &&
            isdigit((unsigned char)s[j + 1])) {
            double scale = 0.1;
            j++;
            while (j < d->nm.len && isdigit((unsigned char)s[j])) {
                v += (s[j++] - '0') * scale;
                scale /= 10;
            }
        }
        size_t k = j;
        skip_sp(d, &k);
        if (k >= d->nm.len || s[k] != '%') {
            i = j;
            continue;
        }
        size_t pct_end = k + 1;
        /* The metric named nearest before it in the same sentence. */
        size_t sent = sentence_of(d, i);
        const char *metric = NULL;
        size_t metric_end = 0;
        for (size_t p = 0; p < dc->lt->np; p++) {
            const phrase *ph = &dc->lt->p[p];
            if (ph->kind != K_CAUSE) {
                continue;
            }
            for (long at = find_next(d, dc->lt, ph, 0); at >= 0 && (size_t)at < i;
                 at = find_next(d, dc->lt, ph, (size_t)at + 1)) {
                size_t e = match_end(d, ph, (size_t)at);
                if (sentence_of(d, (size_t)at) == sent && e <= i && e >= metric_end) {
                    metric = ph->id;
                    metric_end = e;
                }
            }
        }
        for (size_t t = 0; metric && t < n->ncauses; t++) {
            if (!strcmp(n->causes[t].id, metric) && !n->causes[t].metric) {
                metric = NULL; /* a percentage next to a policy cause */
            }
        }
        if (metric) {
            /* A target named between the metric (or the previous figure) and
             * this number makes it the target, not the seller's figure. */
            size_t from = metric_end > last_pct_end ? metric_end : last_pct_end;
            int is_target = 0;
            for (size_t p = 0; p < dc->lt->np && !is_target; p++) {
                const phrase *ph = &dc->lt->p[p];
                if (ph->kind == K_TARGET) {
                    long at = find_next(d, dc->lt, ph, from);
                    is_target = at >= 0 && (size_t)at < i;
                }
            }
            int seen = 0;
            for (size_t f = 0; f < n->nfigures; f++) {
                seen |= !strcmp(n->figures[f].metric, metric);
            }
            if (!is_target && !seen) {
                GROW(n->arena, n->figures, n->nfigures, dc->cap_figures);
                poa_notice_figure *fg = &n->figures[n->nfigures++];
                fg->metric = metric;
                fg->rate = v / 100.0;
                fg->evidence = sentence_text(n->arena, d, sent);
            }
            dc->d.sent_known[sent] = 1;
        }
        last_pct_end = pct_end;
        i = pct_end;
    }
}

static void find_asins(decoder *dc) {
    poa_notice *n = dc->n;
    const char *s = dc->d.orig;
    size_t len = dc->d.orig_len;
    for (size_t i = 0; i + 10 <= len; i++) {
        if (s[i] != 'B' || s[i + 1] != '0' ||
            (i > 0 && isalnum((unsigned char)s[i - 1])) ||
            (i + 10 < len && isalnum((unsigned char)s[i + 10]))) {
            continue;
        }
        int ok = 1;
        for (size_t k = 2; k < 10; k++) {
            ok &= isupper((unsigned char)s[i + k]) || isdigit((unsigned char)s[i + k]);
        }
        if (!ok) {
            continue;
        }
        char asin[11];
        memcpy(asin, s + i, 10);
        asin[10] = 0;
        int seen = 0;
        for (size_t k = 0; k < n->nasins; k++) {
            seen |= !strcmp(n->asins[k], asin);
        }
        if (!seen) {
            GROW(n->arena, n->asins, n->nasins, dc->cap_asins);
            n->asins[n->nasins++] = poa_arena_strdup(n->arena, asin);
        }
        for (size_t k = 0; k < dc->d.nsent; k++) {
            if (i >= dc->d.sent_start[k] && i < dc->d.sent_end[k]) {
                dc->d.sent_known[k] = 1;
            }
        }
        i += 9;
    }
}

/* After a ref phrase: ": 1234567890", "#18402766351", "nr. AB-1234". */
static void find_refs_owners(decoder *dc) {
    poa_notice *n = dc->n;
    const doc *d = &dc->d;
    for (size_t p = 0; p < dc->lt->np; p++) {
        const phrase *ph = &dc->lt->p[p];
        if (ph->kind != K_REF && ph->kind != K_OWNER) {
            continue;
        }
        for (long at = find_next(d, dc->lt, ph, 0); at >= 0;
             at = find_next(d, dc->lt, ph, (size_t)at + ph->len)) {
            size_t o = d->nm.map[(size_t)at + ph->len];
            const char *s = d->orig;
            size_t len = d->orig_len;
            if (ph->kind == K_OWNER) {
                while (o < len && (s[o] == ' ' || s[o] == '\t')) {
                    o++;
                }
                size_t e = o;
                while (e < len && s[e] != '\n') {
                    e++;
                }
                while (e > o && (isspace((unsigned char)s[e - 1]) || s[e - 1] == ',' ||
                                 s[e - 1] == ';')) {
                    e--;
                }
                if (e > o) {
                    const char *v = poa_arena_strndup(n->arena, s + o, e - o);
                    int seen = 0;
                    for (size_t k = 0; k < n->nowners; k++) {
                        seen |= !strcmp(n->owners[k], v);
                    }
                    if (!seen) {
                        GROW(n->arena, n->owners, n->nowners, dc->cap_owners);
                        n->owners[n->nowners++] = v;
                    }
                }
                mark_known(&dc->d, (size_t)at);
                continue;
            }
            while (o < len &&
                   (s[o] == ' ' || s[o] == ':' || s[o] == '#' || s[o] == '.' ||
                    !strncmp(s + o, "\xEF\xBC\x9A", 3) || !strncasecmp(s + o, "nr", 2) ||
                    !strncasecmp(s + o, "no", 2))) {
                o += !strncmp(s + o, "\xEF\xBC\x9A", 3)                               ? 3
                     : (!strncasecmp(s + o, "nr", 2) || !strncasecmp(s + o, "no", 2)) ? 2
                                                                                      : 1;
            }
            size_t e = o;
            int digits = 0;
            while (e < len && (isalnum((unsigned char)s[e]) || s[e] == '-') &&
                   e - o < 40) {
                digits += isdigit((unsigned char)s[e]) != 0;
                e++;
            }
            while (e > o && s[e - 1] == '-') {
                e--;
            }
            if (e - o >= 4 && digits) {
                const char *v = poa_arena_strndup(n->arena, s + o, e - o);
                int seen = 0;
                for (size_t k = 0; k < n->nrefs; k++) {
                    seen |= !strcmp(n->refs[k].value, v);
                }
                if (!seen) {
                    GROW(n->arena, n->refs, n->nrefs, dc->cap_refs);
                    n->refs[n->nrefs].kind = ph->id;
                    n->refs[n->nrefs++].value = v;
                }
                mark_known(&dc->d, (size_t)at);
            }
        }
    }
}

static void find_deadline(decoder *dc, const poa_data *data, int32_t date_hint) {
    poa_notice *n = dc->n;
    const doc *d = &dc->d;
    const poa_marketplace *m =
        n->marketplace ? poa_data_marketplace(data, n->marketplace) : NULL;
    const char *order = m ? m->date_order : dc->lt->order;
    found_date dates[64];
    size_t nd = find_dates(d, dc->lt, order, dates, 64);
    n->date = date_hint;
    int is_deadline[64] = {0};
    for (size_t i = 0; i < nd; i++) {
        mark_known(&dc->d, dates[i].start);
        is_deadline[i] = ends_with_kind(d, dc->lt, K_BY, dates[i].start, NULL) ||
                         starts_with_kind(d, dc->lt, K_BY_AFTER, dates[i].end);
        if (is_deadline[i] && n->deadline == POA_NO_DAY) {
            n->deadline = dates[i].day;
            n->deadline_evidence =
                sentence_text(n->arena, d, sentence_of(d, dates[i].start));
        }
    }
    for (size_t i = 0; i < nd && n->date == POA_NO_DAY; i++) {
        if (ends_with_kind(d, dc->lt, K_DATE_LABEL, dates[i].start, NULL)) {
            n->date = dates[i].day;
        }
    }
    for (size_t i = 0; i < nd && n->date == POA_NO_DAY; i++) {
        if (!is_deadline[i]) {
            n->date = dates[i].day;
        }
    }
    if (n->deadline != POA_NO_DAY) {
        return;
    }
    /* "within 17 days": the number sits where the phrase has '#'. */
    for (size_t p = 0; p < dc->lt->np; p++) {
        const phrase *ph = &dc->lt->p[p];
        if (ph->kind != K_WITHIN) {
            continue;
        }
        const char *hash = memchr(ph->norm, '#', ph->len);
        if (!hash) {
            continue;
        }
        size_t pre = (size_t)(hash - ph->norm), post_len = ph->len - pre - 1;
        const char *post = hash + 1;
        while (post_len && *post == ' ') {
            post++, post_len--;
        }
        for (size_t i = 0; i < d->nm.len; i++) {
            if (!isdigit((unsigned char)d->nm.s[i]) ||
                (i > 0 && isdigit((unsigned char)d->nm.s[i - 1]))) {
                continue;
            }
            if (pre) {
                size_t b = i;
                while (b > 0 && d->nm.s[b - 1] == ' ') {
                    b--;
                }
                /* the phrase's text before '#', trailing space trimmed */
                size_t pl = pre;
                while (pl && ph->norm[pl - 1] == ' ') {
                    pl--;
                }
                if (b < pl || memcmp(d->nm.s + b - pl, ph->norm, pl) != 0 ||
                    (!dc->lt->nowb && poa_notice__alnum_before(d->nm.s, b - pl))) {
                    continue;
                }
            }
            size_t j = i;
            int days = 0;
            if (!read_num(d->nm.s, d->nm.len, &j, 3, &days)) {
                continue;
            }
            skip_sp(d, &j);
            if (j + post_len > d->nm.len || memcmp(d->nm.s + j, post, post_len) != 0 ||
                (!dc->lt->nowb &&
                 poa_notice__alnum_at(d->nm.s, d->nm.len, j + post_len))) {
                continue;
            }
            mark_known(&dc->d, i);
            n->deadline_evidence = sentence_text(n->arena, d, sentence_of(d, i));
            if (n->date != POA_NO_DAY) {
                n->deadline = n->date + days;
            } else {
                n->deadline_unresolved = days;
            }
            return;
        }
    }
}

static void find_marketplace(decoder *dc, const poa_data *data) {
    const doc *d = &dc->d;
    size_t best_at = (size_t)-1, best_len = 0;
    for (size_t i = 0; i < data->nmarketplaces; i++) {
        const poa_marketplace *m = &data->marketplaces[i];
        for (size_t k = 0; k < m->nnames; k++) {
            size_t nl = 0;
            char low[128];
            snprintf(low, sizeof low, "%s", m->names[k]);
            for (char *c = low; *c; c++) {
                *c = (char)tolower((unsigned char)*c);
            }
            nl = strlen(low);
            if (!strchr(low, '.')) {
                continue; /* only the domain-like names: "Amazon.nl" */
            }
            for (const char *h = d->nm.s;
                 (h = memmem(h, d->nm.len - (size_t)(h - d->nm.s), low, nl)) != NULL;
                 h++) {
                size_t at = (size_t)(h - d->nm.s), e = at + nl;
                int before = at > 0 && (isalnum((unsigned char)h[-1]) || h[-1] == '.');
                int after = e < d->nm.len && (isalnum((unsigned char)d->nm.s[e]) ||
                                              (d->nm.s[e] == '.' && e + 1 < d->nm.len &&
                                               isalnum((unsigned char)d->nm.s[e + 1])));
                if (!before && !after &&
                    (at < best_at || (at == best_at && nl > best_len))) {
                    best_at = at;
                    best_len = nl;
                    dc->n->marketplace = m->names[0];
                }
            }
        }
    }
    if (best_len) {
        mark_known(&dc->d, best_at);
    }
}

/* "Please provide the following documents:" and the list under it. */
static void add_listed_asks(decoder *dc, size_t sent) {
    poa_notice *n = dc->n;
    const doc *d = &dc->d;
    size_t e = d->sent_end[sent];
    int colon = (e >= 1 && d->orig[e - 1] == ':') ||
                (e >= 3 && !memcmp(d->orig + e - 3, "\xEF\xBC\x9A", 3));
    for (size_t k = sent + 1; colon && k < d->nsent; k++) {
        const char *s = d->orig + d->sent_start[k];
        if (!(s[0] == '-' || s[0] == '*' || !strncmp(s, "\xE2\x80\xA2", 3))) {
            break;
        }
        GROW(n->arena, n->asks, n->nasks, dc->cap_asks);
        n->asks[n->nasks++] = sentence_text(n->arena, d, k);
        dc->d.sent_known[k] = 1;
    }
}

poa_status poa_notice_decode(poa_notice **out, const poa_notice_table *t,
                             const poa_data *data, const char *text, size_t len,
                             const poa_notice_options *opt, poa_error *err) {
    poa_notice_options none = {NULL, POA_NO_DAY, 0};
    if (!opt) {
        opt = &none;
    }
    poa_arena *a = poa_arena_new();
    poa_notice *n = a ? poa_arena_alloc(a, sizeof *n) : NULL;
    if (!n) {
        poa_arena_free(a);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    n->arena = a;
    n->text = poa_arena_strndup(a, text, len);
    n->date = n->deadline = POA_NO_DAY;
    decoder dc;
    memset(&dc, 0, sizeof dc);
    dc.n = n;
    dc.d.orig = n->text;
    dc.d.orig_len = len;
    if (poa_notice__normalise(&dc.d.nm, text, len) != 0) {
        poa_arena_free(a);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    split_sentences(&dc.d);
    if (opt->lang) {
        dc.lt = find_lang(t, opt->lang);
    } else {
        int best = 0;
        for (size_t i = 0; i < t->nlangs; i++) {
            int sc = score_language(&dc.d, &t->langs[i]);
            if (sc > best) {
                best = sc;
                dc.lt = &t->langs[i];
            }
        }
        /* A handful of common words is no language. */
        if (best < 6) {
            dc.lt = NULL;
        }
    }
    if (dc.lt) {
        n->language = dc.lt->id;
        find_marketplace(&dc, data);
        for (size_t p = 0; p < dc.lt->np; p++) {
            const phrase *ph = &dc.lt->p[p];
            int reply_kind = ph->kind == K_REPLY && opt->reply;
            if (ph->kind != K_CAUSE && ph->kind != K_KNOWN && ph->kind != K_ASKS &&
                !reply_kind && ph->kind != K_ACTION) {
                continue;
            }
            for (long at = find_next(&dc.d, dc.lt, ph, 0); at >= 0;
                 at = find_next(&dc.d, dc.lt, ph, (size_t)at + ph->len)) {
                mark_known(&dc.d, (size_t)at);
                if (ph->kind == K_CAUSE) {
                    add_cause(&dc, t, ph->id, (size_t)at);
                } else if (ph->kind == K_ASKS) {
                    const char *sentence =
                        sentence_text(a, &dc.d, sentence_of(&dc.d, (size_t)at));
                    int seen = 0;
                    for (size_t k = 0; k < n->nasks; k++) {
                        seen |= !strcmp(n->asks[k], sentence);
                    }
                    if (!seen) {
                        GROW(a, n->asks, n->nasks, dc.cap_asks);
                        n->asks[n->nasks++] = sentence;
                        add_listed_asks(&dc, sentence_of(&dc.d, (size_t)at));
                    }
                } else if (reply_kind) {
                    int seen = 0;
                    for (size_t k = 0; k < n->nreplies; k++) {
                        seen |= !strcmp(n->replies[k].kind, ph->id);
                    }
                    if (!seen) {
                        GROW(a, n->replies, n->nreplies, dc.cap_replies);
                        n->replies[n->nreplies].kind = ph->id;
                        n->replies[n->nreplies++].evidence =
                            sentence_text(a, &dc.d, sentence_of(&dc.d, (size_t)at));
                    }
                }
            }
        }
        for (size_t o = 0; o < sizeof action_order / sizeof action_order[0] && !n->action;
             o++) {
            for (size_t p = 0; p < dc.lt->np && !n->action; p++) {
                const phrase *ph = &dc.lt->p[p];
                if (ph->kind != K_ACTION || strcmp(ph->id, action_order[o])) {
                    continue;
                }
                long at = find_next(&dc.d, dc.lt, ph, 0);
                if (at >= 0) {
                    n->action = ph->id;
                    n->action_evidence =
                        sentence_text(a, &dc.d, sentence_of(&dc.d, (size_t)at));
                }
            }
        }
        /* "will not be reinstated" also holds "reinstated". */
        int rejected = 0;
        for (size_t k = 0; k < n->nreplies; k++) {
            rejected |= !strcmp(n->replies[k].kind, "rejected");
        }
        for (size_t k = 0; rejected && k < n->nreplies; k++) {
            if (!strcmp(n->replies[k].kind, "reinstated")) {
                memmove(&n->replies[k], &n->replies[k + 1],
                        (n->nreplies - k - 1) * sizeof *n->replies);
                n->nreplies--;
                k--;
            }
        }
        sort_causes(&dc);
        find_figures(&dc);
        find_asins(&dc);
        find_refs_owners(&dc);
        find_deadline(&dc, data, opt->date);
    }
    n->understood = opt->reply ? n->nreplies > 0 : (n->ncauses > 0 || n->action != NULL);
    size_t cap_unknown = 0;
    for (size_t k = 0; k < dc.d.nsent; k++) {
        if (!dc.d.sent_known[k] || !n->understood) {
            GROW(a, n->unknown, n->nunknown, cap_unknown);
            n->unknown[n->nunknown++] = sentence_text(a, &dc.d, k);
        }
    }
    free(dc.d.sent_start);
    free(dc.d.sent_end);
    free(dc.d.sent_known);
    poa_notice__norm_free(&dc.d.nm);
    *out = n;
    return POA_OK;
}

void poa_notice_free(poa_notice *n) {
    if (n) {
        poa_arena_free(n->arena);
    }
}

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *day_or_null(int32_t day) {
    if (day == POA_NO_DAY) {
        return json_null();
    }
    char b[11];
    poa_day_format(day, b);
    return json_string(b);
}

static json_t *strings(const char *const *v, size_t n) {
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(v[i]));
    }
    return arr;
}

static json_t *notice_json(const poa_notice *n) {
    json_t *o = json_object();
    json_object_set_new(o, "language", str_or_null(n->language));
    json_object_set_new(o, "marketplace", str_or_null(n->marketplace));
    json_object_set_new(o, "understood", json_boolean(n->understood));
    json_object_set_new(o, "action", str_or_null(n->action));
    if (n->action) {
        json_object_set_new(o, "action_evidence", json_string(n->action_evidence));
    }
    json_object_set_new(o, "date", day_or_null(n->date));
    json_object_set_new(o, "deadline", day_or_null(n->deadline));
    if (n->deadline_evidence) {
        json_object_set_new(o, "deadline_evidence", json_string(n->deadline_evidence));
    }
    if (n->deadline_unresolved) {
        json_object_set_new(o, "deadline_days", json_integer(n->deadline_unresolved));
    }
    json_t *causes = json_array();
    int poa = 1;
    for (size_t i = 0; i < n->ncauses; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "id", json_string(n->causes[i].id));
        json_object_set_new(c, "kind",
                            json_string(n->causes[i].metric ? "metric" : "policy"));
        json_object_set_new(c, "evidence", json_string(n->causes[i].evidence));
        if (!n->causes[i].poa) {
            json_object_set_new(c, "poa", json_false());
            poa = 0;
        }
        json_array_append_new(causes, c);
    }
    json_object_set_new(o, "causes", causes);
    json_object_set_new(o, "poa", json_boolean(poa && n->understood));
    if (!poa) {
        json_object_set_new(
            o, "advice",
            json_string(
                "This notice asks for documents or information, not for a Plan of "
                "Action: answer what it asks for (see \"asks\"), through the link "
                "or button the notice gives."));
    }
    json_object_set_new(o, "asks", strings(n->asks, n->nasks));
    json_object_set_new(o, "asins", strings(n->asins, n->nasins));
    json_t *refs = json_array();
    for (size_t i = 0; i < n->nrefs; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "kind", json_string(n->refs[i].kind));
        json_object_set_new(r, "id", json_string(n->refs[i].value));
        json_array_append_new(refs, r);
    }
    json_object_set_new(o, "references", refs);
    json_object_set_new(o, "rights_owners", strings(n->owners, n->nowners));
    json_t *figs = json_array();
    for (size_t i = 0; i < n->nfigures; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "metric", json_string(n->figures[i].metric));
        json_object_set_new(f, "rate", json_real(n->figures[i].rate));
        json_object_set_new(f, "evidence", json_string(n->figures[i].evidence));
        json_array_append_new(figs, f);
    }
    json_object_set_new(o, "figures", figs);
    json_object_set_new(o, "unknown_sentences", strings(n->unknown, n->nunknown));
    return o;
}

void poa_notice_json(const poa_notice *n, const poa_notice *reply, poa_buf *out) {
    json_t *o = notice_json(n);
    if (reply) {
        json_t *r = json_object();
        json_object_set_new(r, "language", str_or_null(reply->language));
        json_object_set_new(r, "date", day_or_null(reply->date));
        json_t *kinds = json_array();
        for (size_t i = 0; i < reply->nreplies; i++) {
            json_t *k = json_object();
            json_object_set_new(k, "kind", json_string(reply->replies[i].kind));
            json_object_set_new(k, "evidence", json_string(reply->replies[i].evidence));
            json_array_append_new(kinds, k);
        }
        json_object_set_new(r, "kinds", kinds);
        json_object_set_new(r, "unknown_sentences",
                            strings(reply->unknown, reply->nunknown));
        json_object_set_new(o, "reply", r);
    }
    char *s =
        json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6) | JSON_PRESERVE_ORDER);
    if (s) {
        poa_buf_puts(out, s);
        poa_buf_putc(out, '\n');
        free(s);
    }
    json_decref(o);
}
