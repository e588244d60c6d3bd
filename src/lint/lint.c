#include "poagen/lint.h"

#include <libxml/tree.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "poagen/buf.h"
#include "poagen/mustache.h"
#include "poagen/xmlload.h"

const char *const poa_lint_checks[][2] = {
    {"placeholder", "an unfilled [[TO FILL: ...]] fact: the seller must supply it"},
    {"unresolved-tag", "a {{...}} template tag left in a draft"},
    {"missing-section",
     "a required section (root cause, actions, prevention, evidence) is absent"},
    {"section-order", "required sections out of the order reviewers expect"},
    {"root-cause-figures", "the root cause section quotes no figure"},
    {"action-no-date", "an action taken without a date or number: reviewers want proof"},
    {"evidence-no-detail",
     "after a reply asking for documents, an evidence item without a date or number"},
    {"generic-promise", "a generic promise without how, who and how often"},
    {"blame", "blame of buyers, carriers or the marketplace"},
    {"emotional", "emotional, pleading or threatening language"},
    {"minimising", "the problem is played down"},
    {"other-case", "a reference to other cases or earlier contacts"},
    {"future-tense-prevention",
     "a preventive measure written as a promise ('will') instead of a standing practice"},
    {"page-budget", "longer than its page budget on the PDF layout"},
    {"word-limit", "longer than the configured word limit"},
    {"personal-data", "buyer personal data copied in from exports"},
    {"single-orders", "a plan that only discusses single order ids"},
    {"action-not-done", "an action taken written as a plan or promise"},
    {"prevention-frequency", "a preventive measure that does not say how often"},
    {"unaddressed-metric",
     "a failed metric the notice or the data names is never mentioned (--case)"},
    {"figure-mismatch",
     "a percentage in the root cause that no figure of the case's analysis has (--case)"},
    {"template-syntax", "the template does not parse"},
    {"variant-sections", "a language variant of a template opens other sections than the "
                         "first (lint --template FILES)"},
    {"unknown-variable",
     "a template names a variable or section the data model lacks (--template --case)"},
    {NULL, NULL}};

typedef struct {
    char *check;
    char *lang;
    int32_t *folded; /* case-folded code points, 0-terminated */
    size_t n;
} phrase;

typedef struct {
    char *lang;
    char *id;
    int32_t *folded;
    size_t n;
} section_name;

struct poa_lint_rules {
    phrase *phrases;
    size_t nphrases;
    section_name *sections;
    size_t nsections;
};

/* Case-fold UTF-8 into code points, remembering for each folded code point
 * the 1-based character column it came from. */
static size_t fold(const char *s, size_t len, int32_t **out, unsigned **cols) {
    size_t cap = len * 3 + 4, n = 0;
    int32_t *cp = malloc(cap * sizeof *cp);
    unsigned *col = cols ? malloc(cap * sizeof *col) : NULL;
    if (!cp || (cols && !col)) {
        free(cp);
        free(col);
        *out = NULL;
        return 0;
    }
    size_t i = 0;
    unsigned column = 1;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            c = 0xFFFD;
            k = 1;
        }
        utf8proc_int32_t buf[8];
        int last;
        utf8proc_ssize_t m = utf8proc_decompose_char(c, buf, 8, UTF8PROC_CASEFOLD, &last);
        if (m <= 0 || m > 8) {
            buf[0] = c;
            m = 1;
        }
        for (utf8proc_ssize_t j = 0; j < m && n + 1 < cap; j++) {
            cp[n] = buf[j];
            if (col) {
                col[n] = column;
            }
            n++;
        }
        i += (size_t)k;
        column++;
    }
    cp[n] = 0;
    *out = cp;
    if (cols) {
        *cols = col;
    }
    return n;
}

static int is_word(int32_t c) {
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    /* CJK has no spaces between words: no boundary is required there. */
    if (c >= 0x2E80) {
        return 0;
    }
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Position of needle in hay on word boundaries, or -1. */
static long find(const int32_t *hay, size_t nh, const int32_t *needle, size_t nn,
                 size_t from) {
    if (nn == 0 || nh < nn) {
        return -1;
    }
    for (size_t i = from; i + nn <= nh; i++) {
        if (memcmp(hay + i, needle, nn * sizeof *needle) != 0) {
            continue;
        }
        if (is_word(needle[0]) && i > 0 && is_word(hay[i - 1])) {
            continue;
        }
        if (is_word(needle[nn - 1]) && i + nn < nh && is_word(hay[i + nn])) {
            continue;
        }
        return (long)i;
    }
    return -1;
}

poa_status poa_lint_rules_load(poa_lint_rules **out, const char *data_dir,
                               poa_error *err) {
    *out = NULL;
    char path[4096], xsd[4096];
    snprintf(path, sizeof path, "%s/lint.xml", data_dir);
    snprintf(xsd, sizeof xsd, "%s/lint.xsd", data_dir);
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, path, xsd, err);
    if (st != POA_OK) {
        return st;
    }
    poa_lint_rules *r = calloc(1, sizeof *r);
    size_t cap_p = 0, cap_s = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char lang[16];
    for (xmlNodePtr g = poa_xml_child(root, NULL); r && g; g = poa_xml_next(g, NULL)) {
        int is_sections = xmlStrcmp(g->name, BAD_CAST "sections") == 0;
        xmlChar *check = xmlGetProp(g, BAD_CAST "check");
        poa_xml_lang(g, lang);
        for (xmlNodePtr p = poa_xml_child(g, NULL); p; p = poa_xml_next(p, NULL)) {
            xmlChar *t = poa_xml_text(p);
            const char *txt = t ? (const char *)t : "";
            if (is_sections) {
                if (r->nsections == cap_s) {
                    cap_s = cap_s ? cap_s * 2 : 16;
                    r->sections = realloc(r->sections, cap_s * sizeof *r->sections);
                }
                section_name *s = &r->sections[r->nsections++];
                xmlChar *id = xmlGetProp(p, BAD_CAST "id");
                s->id = strdup(id ? (char *)id : "");
                xmlFree(id);
                s->lang = strdup(lang);
                s->n = fold(txt, strlen(txt), &s->folded, NULL);
            } else {
                if (r->nphrases == cap_p) {
                    cap_p = cap_p ? cap_p * 2 : 64;
                    r->phrases = realloc(r->phrases, cap_p * sizeof *r->phrases);
                }
                phrase *ph = &r->phrases[r->nphrases++];
                ph->check = strdup(check ? (char *)check : "");
                ph->lang = strdup(lang);
                ph->n = fold(txt, strlen(txt), &ph->folded, NULL);
            }
            xmlFree(t);
        }
        xmlFree(check);
    }
    xmlFreeDoc(doc);
    if (!r) {
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    *out = r;
    return POA_OK;
}

void poa_lint_rules_free(poa_lint_rules *r) {
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->nphrases; i++) {
        free(r->phrases[i].check);
        free(r->phrases[i].lang);
        free(r->phrases[i].folded);
    }
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].id);
        free(r->sections[i].lang);
        free(r->sections[i].folded);
    }
    free(r->phrases);
    free(r->sections);
    free(r);
}

typedef struct {
    poa_lint_result *out;
    const poa_lint_options *opt;
    const char *text;
    size_t len;
} run;

static int disabled(const run *R, const char *check) {
    for (size_t i = 0; i < R->opt->ndisabled; i++) {
        if (strcmp(R->opt->disabled[i], check) == 0) {
            return 1;
        }
    }
    /* A deliberate exception, stated in the file itself. */
    char marker[96];
    snprintf(marker, sizeof marker, "poagen-lint-disable %s", check);
    return memmem(R->text, R->len, marker, strlen(marker)) != NULL;
}

static void issue(run *R, const char *check, poa_severity sev, unsigned line,
                  unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void issue(run *R, const char *check, poa_severity sev, unsigned line,
                  unsigned col, const char *fmt, ...) {
    if (disabled(R, check)) {
        return;
    }
    poa_lint_result *o = R->out;
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
    snprintf(is->check, sizeof is->check, "%s", check);
    is->severity = sev;
    is->line = line;
    is->column = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(is->message, sizeof is->message, fmt, ap);
    va_end(ap);
}

typedef struct {
    const char *p;
    size_t n;
    unsigned no;
} line_t;

static size_t split_lines(const char *text, size_t len, line_t **out) {
    size_t n = 0, cap = 64;
    line_t *v = malloc(cap * sizeof *v);
    size_t i = 0;
    unsigned no = 1;
    while (v && i <= len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (n == cap) {
            cap *= 2;
            line_t *w = realloc(v, cap * sizeof *v);
            if (!w) {
                break;
            }
            v = w;
        }
        size_t e = end;
        if (e > i && text[e - 1] == '\r') {
            e--;
        }
        v[n].p = text + i;
        v[n].n = e - i;
        v[n].no = no++;
        n++;
        if (!nl) {
            break;
        }
        i = end + 1;
    }
    *out = v;
    return v ? n : 0;
}

static int has_digit(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            return 1;
        }
    }
    return 0;
}

static void check_placeholders(run *R, const line_t *lines, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        for (size_t k = 0; k + 7 <= l->n; k++) {
            if (memcmp(l->p + k, "TO FILL", 7) == 0) {
                /* Walk back over "[[" or "\[\[" to the placeholder's start. */
                size_t s = k;
                while (s > 0 && (l->p[s - 1] == '[' || l->p[s - 1] == '\\')) {
                    s--;
                }
                const char *end = memchr(l->p + k, ']', l->n - k);
                int len = end ? (int)(end - (l->p + k)) : (int)(l->n - k);
                issue(R, "placeholder", POA_LINT_ERROR, l->no, (unsigned)s + 1,
                      "unfilled fact: %.*s — supply it in case.xml <facts> and generate "
                      "again",
                      len > 200 ? 200 : len, l->p + k);
                k += 6;
            }
        }
        if (!R->opt->template_mode) {
            const char *t = memmem(l->p, l->n, "{{", 2);
            if (t) {
                issue(R, "unresolved-tag", POA_LINT_ERROR, l->no,
                      (unsigned)(t - l->p) + 1,
                      "template tag left in the draft — fill it or remove it");
            }
        }
    }
}

/* A heading line: its level and text (without #s and a leading "1."). */
static int heading(const line_t *l, const char **text, size_t *n) {
    size_t i = 0;
    while (i < l->n && i < 3 && l->p[i] == ' ') {
        i++;
    }
    int level = 0;
    while (i < l->n && l->p[i] == '#') {
        level++;
        i++;
    }
    if (level == 0 || level > 6 || (i < l->n && l->p[i] != ' ')) {
        return 0;
    }
    while (i < l->n && l->p[i] == ' ') {
        i++;
    }
    size_t j = i;
    while (j < l->n && ((l->p[j] >= '0' && l->p[j] <= '9') || l->p[j] == '.')) {
        j++;
    }
    if (j > i && j < l->n && l->p[j] == ' ') {
        i = j + 1;
    }
    *text = l->p + i;
    *n = l->n - i;
    return level;
}

static void check_sections(run *R, const poa_lint_rules *rules, const line_t *lines,
                           size_t n, const char *lang) {
    long last_line = -1;
    const char *last_name = NULL;
    size_t last_len = 0;
    for (size_t s = 0; s < rules->nsections; s++) {
        const section_name *sec = &rules->sections[s];
        if (strcmp(sec->lang, lang) != 0) {
            continue;
        }
        long found = -1;
        for (size_t i = 0; i < n && found < 0; i++) {
            const char *t;
            size_t tn;
            if (!heading(&lines[i], &t, &tn) || heading(&lines[i], &t, &tn) > 2) {
                continue;
            }
            int32_t *f;
            size_t fn = fold(t, tn, &f, NULL);
            if (f && fn >= sec->n && memcmp(f, sec->folded, sec->n * sizeof *f) == 0) {
                found = (long)i;
            }
            free(f);
        }
        char name[128];
        size_t k = 0;
        for (size_t c = 0; c < sec->n && k + 4 < sizeof name; c++) {
            k += (size_t)utf8proc_encode_char(sec->folded[c],
                                              (utf8proc_uint8_t *)name + k);
        }
        name[k] = '\0';
        if (found < 0) {
            issue(R, "missing-section", POA_LINT_ERROR, 1, 1,
                  "no '%s' section — add a '## %s' heading", name, name);
            continue;
        }
        if (found < last_line) {
            issue(R, "section-order", POA_LINT_ERROR, lines[found].no, 1,
                  "'%s' comes before '%.*s' — reviewers expect the fixed order", name,
                  (int)last_len, last_name ? last_name : "");
        }
        last_line = found;
        last_name = sec->id;
        last_len = strlen(sec->id);
    }
}

/* The required section each line belongs to (NULL before the first one,
 * and after a level-1/2 heading that is not a required section). */
static const char **map_sections(const poa_lint_rules *rules, const line_t *lines,
                                 size_t n, const char *lang) {
    const char **sec = calloc(n + 1, sizeof *sec);
    const char *current = NULL;
    for (size_t i = 0; sec && i < n; i++) {
        const char *t;
        size_t tn;
        int level = heading(&lines[i], &t, &tn);
        if (level > 0 && level <= 2) {
            current = NULL;
            int32_t *f;
            size_t fn = fold(t, tn, &f, NULL);
            for (size_t s = 0; f && s < rules->nsections; s++) {
                const section_name *sn = &rules->sections[s];
                if (strcmp(sn->lang, lang) == 0 && fn >= sn->n &&
                    memcmp(f, sn->folded, sn->n * sizeof *f) == 0) {
                    current = sn->id;
                }
            }
            free(f);
            continue; /* the heading itself belongs to no section */
        }
        sec[i] = current;
    }
    return sec;
}

/* Where a list item's own text starts (after "- ", "* ", "+ ", "1. " or
 * "1) "), or 0 when the line is no list item. */
static size_t bullet_text(const line_t *l) {
    size_t i = 0;
    while (i < l->n && l->p[i] == ' ') {
        i++;
    }
    if (i + 1 < l->n && (l->p[i] == '-' || l->p[i] == '*' || l->p[i] == '+') &&
        l->p[i + 1] == ' ') {
        return i + 2;
    }
    size_t d = i;
    while (d < l->n && l->p[d] >= '0' && l->p[d] <= '9') {
        d++;
    }
    return d > i && d + 1 < l->n && (l->p[d] == '.' || l->p[d] == ')') &&
                   l->p[d + 1] == ' '
               ? d + 2
               : 0;
}

static int is_bullet(const line_t *l) {
    return bullet_text(l) != 0;
}

/* A list item whose own text holds no digit: the number of a numbered
 * list is not a date or a count. */
static int item_without_digit(const line_t *l) {
    size_t at = bullet_text(l);
    return at && !has_digit(l->p + at, l->n - at);
}

/* Figures quoted in a line: runs of digits with their separators, so a
 * date or "9.8%" counts once. */
static unsigned count_figures(const char *p, size_t n) {
    unsigned figures = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] >= '0' && p[i] <= '9') {
            figures++;
            while (i < n &&
                   ((p[i] >= '0' && p[i] <= '9') ||
                    ((p[i] == '.' || p[i] == ',' || p[i] == '-' || p[i] == '/') &&
                     i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9'))) {
                i++;
            }
        } else {
            i++;
        }
    }
    return figures;
}

/* Figures in the root cause, dates or numbers in every action taken. After
 * a reply asking for more on a section, what is otherwise a warning (or
 * a lower bar) there becomes an error. */
static void check_section_content(run *R, const line_t *lines, size_t n,
                                  const char **sec) {
    unsigned reply = R->opt->reply;
    long root_heading = -1;
    unsigned root_figures = 0;
    int in_root = 0;
    for (size_t i = 0; i <= n; i++) {
        int now_root = i < n && sec[i] && strcmp(sec[i], "root-cause") == 0;
        if (now_root && !in_root) {
            root_heading = i > 0 ? (long)i - 1 : 0;
            root_figures = 0;
        }
        if (!now_root && in_root && !root_figures) {
            issue(R, "root-cause-figures", POA_LINT_ERROR, lines[root_heading].no, 1,
                  "the root cause quotes no figure — give the rate, the orders and the "
                  "dates");
        } else if (!now_root && in_root && (reply & POA_LINT_REPLY_ROOT_CAUSE) &&
                   root_figures < POA_LINT_REPLY_FIGURES) {
            issue(R, "root-cause-figures", POA_LINT_ERROR, lines[root_heading].no, 1,
                  "the reply asked for more on the root cause and it quotes only %u "
                  "figure%s — give at least %u: rates, order counts, dates",
                  root_figures, root_figures == 1 ? "" : "s", POA_LINT_REPLY_FIGURES);
        }
        in_root = now_root;
        if (i == n) {
            break;
        }
        if (now_root) {
            root_figures += count_figures(lines[i].p, lines[i].n);
        }
        if ((reply & POA_LINT_REPLY_DOCUMENTS) && sec[i] &&
            strcmp(sec[i], "evidence") == 0 && item_without_digit(&lines[i])) {
            issue(R, "evidence-no-detail", POA_LINT_ERROR, lines[i].no, 1, "%s",
                  "the reply asked for documents and this one has no date or number — "
                  "name each document with its date, number or quantity");
        }
        if (sec[i] && strcmp(sec[i], "actions") == 0 && item_without_digit(&lines[i])) {
            int asked = (reply & POA_LINT_REPLY_ACTIONS) != 0;
            issue(R, "action-no-date", asked ? POA_LINT_ERROR : POA_LINT_WARNING,
                  lines[i].no, 1, "%s",
                  asked ? "the reply asked for more on the actions and this one has no "
                          "date or number — say when it was done and how much"
                        : "this action has no date or number — say when it was done and "
                          "how much");
        }
    }
}

static const char *const phrase_hints[][2] = {
    {"generic-promise", "say how, who and how often instead"},
    {"blame", "state the cause as your own process"},
    {"emotional", "keep the tone professional and factual"},
    {"minimising", "acknowledge the problem plainly"},
    {"other-case", "leave other cases and contacts out"},
    {"future-tense-prevention",
     "describe the measure as a standing practice: who does what, how often"},
    {NULL, NULL}};

/* Phrase lists from lint.xml. A list for future-tense-prevention applies
 * to preventive measures only: "will" is fine elsewhere. */
static void check_phrases(run *R, const poa_lint_rules *rules, const line_t *lines,
                          size_t n, const char *lang, const char **sec) {
    for (size_t i = 0; i < n; i++) {
        int32_t *f;
        unsigned *cols;
        size_t fn = fold(lines[i].p, lines[i].n, &f, &cols);
        if (!f) {
            continue;
        }
        for (size_t p = 0; p < rules->nphrases; p++) {
            const phrase *ph = &rules->phrases[p];
            if (strcmp(ph->lang, lang) != 0) {
                continue;
            }
            if (strcmp(ph->check, "frequency") == 0) {
                continue; /* a list of required words, see check_prevention */
            }
            int prevention_only = strcmp(ph->check, "future-tense-prevention") == 0;
            int in_actions =
                sec[i] && strcmp(sec[i], "actions") == 0 && is_bullet(&lines[i]);
            if (prevention_only && in_actions) {
                /* A promise among the actions taken: the action is not done. */
                long at = find(f, fn, ph->folded, ph->n, 0);
                if (at >= 0) {
                    issue(R, "action-not-done", POA_LINT_ERROR, lines[i].no, cols[at],
                          "an action taken written as a plan — list only what is done, "
                          "with its date");
                }
                continue;
            }
            if (prevention_only &&
                (!sec[i] || strcmp(sec[i], "prevention") != 0 || !is_bullet(&lines[i]))) {
                continue;
            }
            long at = find(f, fn, ph->folded, ph->n, 0);
            if (at < 0) {
                continue;
            }
            const char *hint = "rephrase it";
            for (size_t h = 0; phrase_hints[h][0]; h++) {
                if (strcmp(phrase_hints[h][0], ph->check) == 0) {
                    hint = phrase_hints[h][1];
                }
            }
            char shown[160];
            size_t k = 0;
            for (size_t c = 0; c < ph->n && k + 4 < sizeof shown; c++) {
                k += (size_t)utf8proc_encode_char(ph->folded[c],
                                                  (utf8proc_uint8_t *)shown + k);
            }
            shown[k] = '\0';
            int warning =
                strcmp(ph->check, "minimising") == 0 ||
                (prevention_only && !(R->opt->reply & POA_LINT_REPLY_PREVENTION));
            issue(R, ph->check, warning ? POA_LINT_WARNING : POA_LINT_ERROR, lines[i].no,
                  cols[at], "'%s' — %s", shown, hint);
        }
        free(f);
        free(cols);
    }
}

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* A preventive measure says how often: each bullet holds one of the
 * language's frequency words (lint.xml, check="frequency": "every",
 * "daily", "before each", ...). Without such a list the check is off. */
static void check_prevention(run *R, const poa_lint_rules *rules, const line_t *lines,
                             size_t n, const char *lang, const char **sec) {
    int have_list = 0;
    for (size_t p = 0; p < rules->nphrases; p++) {
        have_list |= strcmp(rules->phrases[p].check, "frequency") == 0 &&
                     strcmp(rules->phrases[p].lang, lang) == 0;
    }
    if (!have_list) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!sec[i] || strcmp(sec[i], "prevention") != 0 || !is_bullet(&lines[i])) {
            continue;
        }
        int32_t *f;
        size_t fn = fold(lines[i].p, lines[i].n, &f, NULL);
        int found = 0;
        for (size_t p = 0; f && !found && p < rules->nphrases; p++) {
            const phrase *ph = &rules->phrases[p];
            found = strcmp(ph->check, "frequency") == 0 && strcmp(ph->lang, lang) == 0 &&
                    find(f, fn, ph->folded, ph->n, 0) >= 0;
        }
        free(f);
        if (!found) {
            issue(R, "prevention-frequency", POA_LINT_WARNING, lines[i].no, 1,
                  "this measure does not say how often — name who does it and when "
                  "(daily, every order, each Monday)");
        }
    }
}

/* An order id: three digits, dash, seven digits, dash, seven digits. */
static int order_id_at(const char *p, size_t n) {
    if (n < 19) {
        return 0;
    }
    for (size_t i = 0; i < 19; i++) {
        int dash = i == 3 || i == 11;
        if (dash ? p[i] != '-' : !is_digit(p[i])) {
            return 0;
        }
    }
    return n == 19 || !is_digit(p[19]);
}

/* A date written YYYY-MM-DD. */
static int iso_date_at(const char *p, size_t n) {
    return n >= 10 && is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) &&
           is_digit(p[3]) && p[4] == '-' && is_digit(p[5]) && is_digit(p[6]) &&
           p[7] == '-' && is_digit(p[8]) && is_digit(p[9]);
}

/* Buyer personal data copied from exports: e-mail addresses (other than
 * the seller's own in the signature), phone numbers, street addresses. */
static void check_personal_data(run *R, const line_t *lines, size_t n, const char **sec,
                                const char *seller_email) {
    static const char *const street_words[] = {
        " street", " road", " lane",  " avenue",  " straat", " laan", " weg ",
        "gatan",   "vägen", "calle ", "avenida ", " vej ",   "gade ", NULL};
    /* The signature is the last few non-empty lines: the seller's own
     * e-mail and phone there are expected. */
    (void)sec;
    size_t signature_from = n;
    for (size_t i = n, seen = 0; i > 0 && seen < 5; i--) {
        if (lines[i - 1].n > 0) {
            signature_from = i - 1;
            seen++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        for (size_t k = 0; k < l->n; k++) {
            if (l->p[k] != '@' || k == 0 || k + 1 >= l->n) {
                continue;
            }
            size_t a = k, b = k + 1;
            while (a > 0 && (isalnum((unsigned char)l->p[a - 1]) ||
                             strchr("._%+-\\", l->p[a - 1]))) {
                a--;
            }
            while (b < l->n &&
                   (isalnum((unsigned char)l->p[b]) || strchr(".-\\", l->p[b]))) {
                b++;
            }
            if (a == k || !memchr(l->p + k, '.', b - k)) {
                continue;
            }
            char email[256];
            size_t m = 0;
            for (size_t x = a; x < b && m + 1 < sizeof email; x++) {
                if (l->p[x] != '\\') {
                    email[m++] = l->p[x];
                }
            }
            email[m] = '\0';
            int own = (seller_email && strcasecmp(email, seller_email) == 0) ||
                      i >= signature_from;
            if (!own) {
                issue(R, "personal-data", POA_LINT_ERROR, l->no, (unsigned)a + 1,
                      "an e-mail address (%s) — remove buyers' personal data", email);
            }
            k = b;
        }
        for (size_t k = 0; k < l->n; k++) {
            if (l->p[k] != '+' && !is_digit(l->p[k])) {
                continue;
            }
            if (order_id_at(l->p + k, l->n - k)) {
                k += 18;
                continue;
            }
            if (iso_date_at(l->p + k, l->n - k)) {
                k += 9;
                continue;
            }
            size_t digits = 0, e = k;
            while (e < l->n && (is_digit(l->p[e]) || (e > k && strchr(" ()-", l->p[e])) ||
                                (e == k && l->p[e] == '+'))) {
                digits += is_digit(l->p[e]);
                e++;
            }
            size_t end = e;
            while (end > k && !is_digit(l->p[end - 1])) {
                end--;
            }
            /* Phone numbers are written with a plus or with spaces between
             * groups; plain long digit runs are tracking numbers or ids. */
            int spaced = memchr(l->p + k, ' ', end - k) != NULL || l->p[k] == '+';
            if (digits >= 9 && digits <= 15 && spaced &&
                (k == 0 || !is_digit(l->p[k - 1])) && i < signature_from) {
                issue(R, "personal-data", POA_LINT_WARNING, l->no, (unsigned)k + 1,
                      "this looks like a phone number — remove buyers' personal data");
            }
            k = e;
        }
        char low[512];
        size_t m = l->n < sizeof low - 2 ? l->n : sizeof low - 2;
        for (size_t x = 0; x < m; x++) {
            low[x] = (char)tolower((unsigned char)l->p[x]);
        }
        low[m] = ' ';
        low[m + 1] = '\0';
        for (size_t w = 0; street_words[w] && i < signature_from; w++) {
            const char *hit = strstr(low, street_words[w]);
            if (!hit) {
                continue;
            }
            /* A house number shortly before or after the street word. */
            size_t at = (size_t)(hit - low);
            size_t from = at > 30 ? at - 30 : 0, to = at + 30 < m ? at + 30 : m;
            if (has_digit(l->p + from, to - from)) {
                issue(R, "personal-data", POA_LINT_WARNING, l->no, (unsigned)from + 1,
                      "this looks like a street address — remove buyers' personal data");
                break;
            }
        }
    }
}

/* A POA about single orders ("order 202-… was late") without the rate and
 * the process behind it answers the wrong question. */
static void check_single_orders(run *R, const line_t *lines, size_t n) {
    size_t ids = 0;
    unsigned first_line = 0, first_col = 0;
    int percent = 0;
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        for (size_t k = 0; k < l->n; k++) {
            if (order_id_at(l->p + k, l->n - k) && (k == 0 || !is_digit(l->p[k - 1]))) {
                if (!ids++) {
                    first_line = l->no;
                    first_col = (unsigned)k + 1;
                }
                k += 18;
            } else if (l->p[k] == '%') {
                percent = 1;
            }
        }
    }
    if (ids && !percent) {
        issue(R, "single-orders", POA_LINT_ERROR, first_line, first_col,
              "the plan discusses %zu single order%s but no rate — explain the process "
              "failure and its figures, not individual orders",
              ids, ids == 1 ? "" : "s");
    }
}

/* A percentage as written ("10.1%", "10,1 %", "10,1\u00a0%") reduced to
 * digits and one dot, so drafts and the analysis compare alike. */
static void percent_key(const char *s, size_t n, char *out, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = s[i];
        if ((c >= '0' && c <= '9') || c == '.' || c == ',') {
            out[o++] = c == ',' ? '.' : c;
        }
    }
    out[o] = '\0';
}

/* Every percentage the analysis states anywhere (rates, targets, shares,
 * what-ifs), as keys. */
static void collect_percents(const json_t *v, char (*keys)[16], size_t *n, size_t cap) {
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            collect_percents(x, keys, n, cap);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            collect_percents(json_array_get(v, i), keys, n, cap);
        }
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = strlen(s);
        if (len && len < 16 && s[len - 1] == '%' && *n < cap) {
            percent_key(s, len, keys[*n], sizeof keys[0]);
            (*n)++;
        }
    }
}

/* With the case's analysis: every metric the POA must lead with is named,
 * and every percentage in the root cause is one the analysis gives. */
static void check_against_case(run *R, const line_t *lines, size_t n, const char **sec) {
    const json_t *model = R->opt->model;
    const json_t *headline = json_object_get(model, "headline");
    for (size_t i = 0; i < json_array_size(headline); i++) {
        const char *name =
            json_string_value(json_object_get(json_array_get(headline, i), "name"));
        if (!name || !*name) {
            continue;
        }
        int32_t *want;
        size_t wn = fold(name, strlen(name), &want, NULL);
        int found = 0;
        for (size_t l = 0; want && !found && l < n; l++) {
            int32_t *f;
            size_t fn = fold(lines[l].p, lines[l].n, &f, NULL);
            found = f && find(f, fn, want, wn, 0) >= 0;
            free(f);
        }
        free(want);
        if (!found) {
            issue(R, "unaddressed-metric", POA_LINT_ERROR, 1, 1,
                  "the %s failed but the plan never names it — give its figure and its "
                  "root cause",
                  name);
        }
    }
    enum { MAX_KEYS = 4096 };
    char(*keys)[16] = calloc(MAX_KEYS, sizeof *keys);
    size_t nkeys = 0;
    if (!keys) {
        return;
    }
    collect_percents(model, keys, &nkeys, MAX_KEYS);
    for (size_t l = 0; l < n; l++) {
        if (!sec[l] || strcmp(sec[l], "root-cause") != 0) {
            continue;
        }
        const char *p = lines[l].p;
        for (size_t k = 0; k < lines[l].n; k++) {
            if (p[k] != '%') {
                continue;
            }
            size_t b = k;
            while (b > 0 && (is_digit(p[b - 1]) || p[b - 1] == '.' || p[b - 1] == ',' ||
                             p[b - 1] == ' ' || (unsigned char)p[b - 1] == 0xA0 ||
                             (unsigned char)p[b - 1] == 0xC2)) {
                b--;
            }
            while (b < k && !is_digit(p[b])) {
                b++;
            }
            if (b == k) {
                continue;
            }
            char key[16];
            percent_key(p + b, k - b, key, sizeof key);
            int known = 0;
            for (size_t x = 0; x < nkeys && !known; x++) {
                known = strcmp(keys[x], key) == 0;
            }
            if (!known) {
                issue(R, "figure-mismatch", POA_LINT_ERROR, lines[l].no, (unsigned)b + 1,
                      "%.*s%% is not a figure of this case's analysis — quote the rate "
                      "`poagen analyze` gives",
                      (int)(k - b), p + b);
            }
        }
    }
    free(keys);
}

/* Root-cause headings below the root cause section: one per cause. */
static unsigned count_causes(const line_t *lines, size_t n, const char **sec) {
    unsigned causes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t;
        size_t tn;
        if (sec[i] && strcmp(sec[i], "root-cause") == 0 &&
            heading(&lines[i], &t, &tn) >= 3) {
            causes++;
        }
    }
    return causes ? causes : 1;
}

static size_t count_words(const char *text, size_t len) {
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !in) {
            words++;
        }
        in = !space;
    }
    return words;
}

/* Without --lang, the draft's language is the one whose required section
 * names it uses most (English when none). */
static const char *detect_language(const poa_lint_rules *rules, const char *text,
                                   size_t len) {
    int32_t *f;
    size_t fn = fold(text, len, &f, NULL);
    const char *best = "en";
    int best_hits = 0;
    for (size_t i = 0; f && i < rules->nsections; i++) {
        const char *lang = rules->sections[i].lang;
        int hits = 0;
        for (size_t k = 0; k < rules->nsections; k++) {
            if (strcmp(rules->sections[k].lang, lang) == 0 &&
                find(f, fn, rules->sections[k].folded, rules->sections[k].n, 0) >= 0) {
                hits++;
            }
        }
        if (hits > best_hits) {
            best_hits = hits;
            best = lang;
        }
    }
    free(f);
    return best;
}

static int cmp_issue(const void *a, const void *b) {
    const poa_lint_issue *x = a, *y = b;
    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    if (x->column != y->column) {
        return x->column < y->column ? -1 : 1;
    }
    return strcmp(x->check, y->check);
}

poa_status poa_lint_text(poa_lint_result *out, const poa_lint_rules *rules,
                         const char *text, size_t len, const poa_lint_options *opt,
                         poa_error *err) {
    poa_lint_options defaults = {0};
    if (!opt) {
        opt = &defaults;
    }
    const char *lang = opt->lang ? opt->lang : detect_language(rules, text, len);
    run R = {out, opt, text, len};
    size_t first = out->count;
    line_t *lines;
    size_t n = split_lines(text, len, &lines);
    if (!lines) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (!opt->template_mode) {
        check_placeholders(&R, lines, n); /* a template may hold them on purpose */
    }
    if (opt->template_mode) {
        poa_buf sink = POA_BUF_INIT;
        poa_error e;
        json_t *empty = json_object();
        poa_mustache_options mo = {.escape = POA_ESCAPE_MARKDOWN,
                                   .partials = NULL,
                                   .payload = NULL,
                                   .name = "template"};
        if (poa_mustache_render(text, len, empty, &mo, &sink, &e) != POA_OK) {
            issue(&R, "template-syntax", POA_LINT_ERROR, e.line ? e.line : 1,
                  e.column ? e.column : 1, "%s", e.message);
        }
        json_decref(empty);
        poa_buf_free(&sink);
    }
    check_sections(&R, rules, lines, n, lang);
    const char **sec = map_sections(rules, lines, n, lang);
    if (!sec) {
        free(lines);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (!opt->template_mode) {
        check_section_content(&R, lines, n, sec);
        check_personal_data(&R, lines, n, sec, opt->seller_email);
        check_single_orders(&R, lines, n);
        if (opt->model) {
            check_against_case(&R, lines, n, sec);
        }
    }
    check_phrases(&R, rules, lines, n, lang, sec);
    if (!opt->template_mode) {
        check_prevention(&R, rules, lines, n, lang, sec);
    }
    unsigned budget = opt->page_budget;
    if (!budget && opt->max_page_budget) {
        /* One page per cause, as the seeds ask for one page and
         * professionals write more only for complex cases. */
        unsigned causes = count_causes(lines, n, sec);
        budget = causes < opt->max_page_budget ? causes : opt->max_page_budget;
    }
    if (budget && opt->pages > budget) {
        issue(&R, "page-budget", POA_LINT_WARNING, 1, 1,
              "%u pages where the budget is %u — shorten it", opt->pages, budget);
    }
    if (opt->max_words) {
        size_t words = count_words(text, len);
        if (words > opt->max_words) {
            issue(&R, "word-limit", POA_LINT_WARNING, 1, 1,
                  "%zu words where %u are allowed", words, opt->max_words);
        }
    }
    free(sec);
    free(lines);
    if (out->count > first) {
        qsort(out->items + first, out->count - first, sizeof *out->items, cmp_issue);
    }
    return POA_OK;
}

void poa_lint_sort(poa_lint_result *r) {
    if (r->count > 1) {
        qsort(r->items, r->count, sizeof *r->items, cmp_issue);
    }
}

size_t poa_lint_errors(const poa_lint_result *r) {
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        n += r->items[i].severity == POA_LINT_ERROR;
    }
    return n;
}

void poa_lint_result_free(poa_lint_result *r) {
    free(r->items);
    r->items = NULL;
    r->count = r->cap = 0;
}
