#include "poagen/data.h"

#include <ctype.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "poagen/date.h"
#include "poagen/xmlload.h"

const char *poa_ltext_get(const poa_ltext *t, const char *lang) {
    if (!t || t->count == 0) {
        return "";
    }
    for (size_t i = 0; lang && i < t->count; i++) {
        if (strcmp(t->lang[i], lang) == 0) {
            return t->text[i];
        }
    }
    for (size_t i = 0; i < t->count; i++) {
        if (strcmp(t->lang[i], "en") == 0) {
            return t->text[i];
        }
    }
    return t->text[0];
}

static size_t count_children(xmlNodePtr n, const char *name) {
    size_t c = 0;
    for (xmlNodePtr k = poa_xml_child(n, name); k; k = poa_xml_next(k, name)) {
        c++;
    }
    return c;
}

static void load_ltext(poa_arena *a, xmlNodePtr n, poa_ltext *out) {
    memset(out, 0, sizeof *out);
    char lang[16];
    for (xmlNodePtr t = poa_xml_child(n, "text"); t && out->count < 8;
         t = poa_xml_next(t, "text")) {
        out->lang[out->count] = poa_arena_strdup(a, poa_xml_lang(t, lang));
        out->text[out->count] = poa_xml_text_dup(a, t);
        out->count++;
    }
}

static poa_ltext *load_ltexts(poa_arena *a, xmlNodePtr n, const char *name,
                              size_t *count) {
    *count = count_children(n, name);
    poa_ltext *v = poa_arena_alloc(a, (*count ? *count : 1) * sizeof *v);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(n, name); k; k = poa_xml_next(k, name)) {
        load_ltext(a, k, &v[i++]);
    }
    return v;
}

static poa_op parse_op(const char *s) {
    if (!s) {
        return POA_OP_LT;
    }
    if (strcmp(s, "le") == 0) {
        return POA_OP_LE;
    }
    if (strcmp(s, "gt") == 0) {
        return POA_OP_GT;
    }
    if (strcmp(s, "ge") == 0) {
        return POA_OP_GE;
    }
    if (strcmp(s, "eq") == 0) {
        return POA_OP_EQ;
    }
    return POA_OP_LT;
}

const char *poa_op_name(poa_op op) {
    static const char *names[] = {"lt", "le", "gt", "ge", "eq"};
    return names[op];
}

int poa_op_holds(poa_op op, double v, double t) {
    switch (op) {
    case POA_OP_LT:
        return v < t;
    case POA_OP_LE:
        return v <= t;
    case POA_OP_GT:
        return v > t;
    case POA_OP_GE:
        return v >= t;
    case POA_OP_EQ:
        return v == t;
    }
    return 0;
}

int poa_decimal_parse(const char *s, long long *units, int *scale) {
    long long v = 0;
    int sc = 0, neg = 0, digits = 0, dot = 0;
    const char *p = s;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    for (; *p; p++) {
        if (*p == '.' && !dot) {
            dot = 1;
        } else if (*p >= '0' && *p <= '9') {
            if (++digits > 17 || (dot && sc >= 9)) {
                return -1;
            }
            v = v * 10 + (*p - '0');
            sc += dot;
        } else {
            return -1;
        }
    }
    if (!digits) {
        return -1;
    }
    *units = neg ? -v : v;
    *scale = sc;
    return 0;
}

int poa_fraction_holds(poa_op op, long long numerator, long long denominator,
                       long long units, int scale) {
    /* numerator/denominator ? units/10^scale  <=>  numerator*10^scale ? units*denominator
     */
    __int128 left = numerator, right = (__int128)units * denominator;
    for (int i = 0; i < scale; i++) {
        left *= 10;
    }
    switch (op) {
    case POA_OP_LT:
        return left < right;
    case POA_OP_LE:
        return left <= right;
    case POA_OP_GT:
        return left > right;
    case POA_OP_GE:
        return left >= right;
    case POA_OP_EQ:
        return left == right;
    }
    return 0;
}

static double num(const char *s) {
    return s ? strtod(s, NULL) : 0.0;
}

static void load_metric(poa_arena *a, xmlNodePtr n, poa_metric_def *m) {
    char *id = poa_xml_attr_dup(a, n, "id");
    snprintf(m->id, sizeof m->id, "%s", id ? id : "");
    load_ltext(a, poa_xml_child(n, "name"), &m->name);
    char *scope = poa_xml_attr_dup(a, n, "scope");
    m->scope = scope && strcmp(scope, "mfn") == 0 ? POA_SCOPE_MFN : POA_SCOPE_ALL;
    char *c = poa_xml_attr_dup(a, n, "contractual");
    m->contractual = c && (strcmp(c, "true") == 0 || strcmp(c, "1") == 0);
    char *w = poa_xml_attr_dup(a, n, "windows");
    m->nwindows = 0;
    for (char *p = w; p && *p && m->nwindows < 4;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) {
            break;
        }
        m->windows[m->nwindows++] = (int)v;
        p = end;
    }
    m->lag = (int)num(poa_xml_attr_dup(a, n, "lag"));
    m->op = parse_op(poa_xml_attr_dup(a, n, "target-op"));
    const char *target = poa_xml_attr_dup(a, n, "target");
    m->target = num(target);
    if (!target || poa_decimal_parse(target, &m->target_units, &m->target_scale) != 0) {
        m->target_units = 0;
        m->target_scale = 0;
    }
    m->immature_days = (int)num(poa_xml_attr_dup(a, n, "immature-days"));
}

static void load_cause(poa_arena *a, xmlNodePtr n, poa_cause_def *c) {
    c->id = poa_xml_attr_dup(a, n, "id");
    c->metric = poa_xml_attr_dup(a, n, "metric");
    c->notice = poa_xml_attr_dup(a, n, "notice");
    c->share = poa_xml_attr_dup(a, n, "share");
    c->source = poa_xml_attr_dup(a, n, "source");
    if (!c->metric) {
        c->metric = "";
    }
    if (!c->notice) {
        c->notice = "";
    }
    if (!c->share) {
        c->share = "";
    }
    c->nwhen = count_children(n, "when");
    c->when = poa_arena_alloc(a, (c->nwhen + 1) * sizeof *c->when);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(n, "when"); k; k = poa_xml_next(k, "when"), i++) {
        c->when[i].driver = poa_xml_attr_dup(a, k, "driver");
        c->when[i].op = parse_op(poa_xml_attr_dup(a, k, "op"));
        c->when[i].value = num(poa_xml_attr_dup(a, k, "value"));
    }
    c->nremedy = count_children(n, "remedy");
    c->remedy = poa_arena_alloc(a, (c->nremedy + 1) * sizeof *c->remedy);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(n, "remedy"); k;
         k = poa_xml_next(k, "remedy"), i++) {
        c->remedy[i].name = poa_xml_attr_dup(a, k, "name");
        c->remedy[i].value = num(poa_xml_attr_dup(a, k, "value"));
    }
    c->nfacts = count_children(n, "fact");
    c->facts = poa_arena_alloc(a, (c->nfacts + 1) * sizeof *c->facts);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(n, "fact"); k; k = poa_xml_next(k, "fact"), i++) {
        c->facts[i].name = poa_xml_attr_dup(a, k, "name");
        c->facts[i].type = poa_xml_attr_dup(a, k, "type");
        if (!c->facts[i].type) {
            c->facts[i].type = "text";
        }
        load_ltext(a, k, &c->facts[i].ask);
    }
    load_ltext(a, poa_xml_child(n, "title"), &c->title);
    load_ltext(a, poa_xml_child(n, "explanation"), &c->explanation);
    c->actions = load_ltexts(a, n, "action", &c->nactions);
    c->prevent = load_ltexts(a, n, "prevent", &c->nprevent);
    c->evidence = load_ltexts(a, n, "evidence", &c->nevidence);
    xmlNodePtr pol = poa_xml_child(n, "policy");
    if (pol) {
        load_ltext(a, pol, &c->policy);
    } else {
        memset(&c->policy, 0, sizeof c->policy);
    }
}

static const char **load_strings(poa_arena *a, xmlNodePtr n, const char *name,
                                 size_t *count) {
    *count = count_children(n, name);
    const char **v = poa_arena_alloc(a, (*count + 1) * sizeof *v);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(n, name); k; k = poa_xml_next(k, name)) {
        v[i++] = poa_xml_text_dup(a, k);
    }
    return v;
}

static char *join(poa_arena *a, const char *dir, const char *file) {
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = poa_arena_alloc(a, n);
    if (p) {
        snprintf(p, n, "%s/%s", dir, file);
    }
    return p;
}

poa_status poa_rules_table_load(poa_data *d, const char *path, poa_error *err) {
    poa_arena *a = d->arena;
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, path, join(a, d->dir, "rules.xsd"), err);
    if (st != POA_OK) {
        return st;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    d->rules_path = poa_arena_strdup(a, path);
    d->page_budget_max = 3;
    d->short_handling_days = 1;
    xmlNodePtr s = poa_xml_child(root, "settings");
    if (s) {
        char *v = poa_xml_attr_dup(a, s, "page-budget-max");
        if (v) {
            d->page_budget_max = atoi(v);
        }
        v = poa_xml_attr_dup(a, s, "short-handling-days");
        if (v) {
            d->short_handling_days = atoi(v);
        }
    }
    d->nmetrics = count_children(root, "metric");
    d->metrics = poa_arena_alloc(a, (d->nmetrics + 1) * sizeof *d->metrics);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "metric"); k; k = poa_xml_next(k, "metric")) {
        load_metric(a, k, &d->metrics[i++]);
    }
    d->ncarriers = count_children(root, "carrier");
    d->carriers = poa_arena_alloc(a, (d->ncarriers + 1) * sizeof *d->carriers);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "carrier"); k;
         k = poa_xml_next(k, "carrier"), i++) {
        d->carriers[i].id = poa_xml_attr_dup(a, k, "id");
        d->carriers[i].aliases = load_strings(a, k, "alias", &d->carriers[i].naliases);
        d->carriers[i].formats = load_strings(a, k, "format", &d->carriers[i].nformats);
    }
    d->nthemes = count_children(root, "theme");
    d->themes = poa_arena_alloc(a, (d->nthemes + 1) * sizeof *d->themes);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "theme"); k;
         k = poa_xml_next(k, "theme"), i++) {
        poa_theme_def *t = &d->themes[i];
        t->id = poa_xml_attr_dup(a, k, "id");
        t->npatterns = count_children(k, "pattern");
        t->patterns = poa_arena_alloc(a, (t->npatterns + 1) * sizeof *t->patterns);
        size_t j = 0;
        char lang[16];
        for (xmlNodePtr q = poa_xml_child(k, "pattern"); q;
             q = poa_xml_next(q, "pattern"), j++) {
            t->patterns[j].lang = poa_arena_strdup(a, poa_xml_lang(q, lang));
            t->patterns[j].text = poa_xml_text_dup(a, q);
        }
    }
    d->ncauses = count_children(root, "cause");
    d->causes = poa_arena_alloc(a, (d->ncauses + 1) * sizeof *d->causes);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "cause"); k; k = poa_xml_next(k, "cause")) {
        load_cause(a, k, &d->causes[i++]);
    }
    xmlFreeDoc(doc);
    return POA_OK;
}

static unsigned char weekday_index(const char *s) {
    static const char *days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (unsigned char i = 0; i < 7; i++) {
        if (strncmp(s, days[i], 3) == 0) {
            return i;
        }
    }
    return 7;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static poa_status load_marketplaces(poa_data *d, poa_error *err) {
    poa_arena *a = d->arena;
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, join(a, d->dir, "marketplaces.xml"),
                                 join(a, d->dir, "marketplaces.xsd"), err);
    if (st != POA_OK) {
        return st;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    d->nmarketplaces = count_children(root, "marketplace");
    d->marketplaces =
        poa_arena_alloc(a, (d->nmarketplaces + 1) * sizeof *d->marketplaces);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "marketplace"); k;
         k = poa_xml_next(k, "marketplace"), i++) {
        poa_marketplace *m = &d->marketplaces[i];
        m->id = poa_xml_attr_dup(a, k, "id");
        m->marketplace_id = poa_xml_attr_dup(a, k, "marketplace-id");
        m->names = load_strings(a, k, "name", &m->nnames);
        m->language = poa_xml_attr_dup(a, k, "language");
        m->utc_offset = atoi(poa_xml_attr_dup(a, k, "utc-offset"));
        m->dst = poa_xml_attr_dup(a, k, "dst");
        snprintf(m->date_order, sizeof m->date_order, "%s",
                 poa_xml_attr_dup(a, k, "date-order"));
        m->codepage = poa_xml_attr_dup(a, k, "codepage");
        char *w = poa_xml_attr_dup(a, k, "weekend");
        for (char *p = w; p && *p;) {
            while (*p == ' ') {
                p++;
            }
            if (!*p) {
                break;
            }
            unsigned char wd = weekday_index(p);
            if (wd < 7) {
                m->weekend[wd] = 1;
            }
            while (*p && *p != ' ') {
                p++;
            }
        }
        char *wc = poa_xml_attr_dup(a, k, "withdrawn-claims-count");
        m->withdrawn_claims_count =
            wc && (strcmp(wc, "true") == 0 || strcmp(wc, "1") == 0);
        m->nholidays = count_children(k, "holiday");
        m->holidays = poa_arena_alloc(a, (m->nholidays + 1) * sizeof(int));
        size_t h = 0;
        for (xmlNodePtr x = poa_xml_child(k, "holiday"); x;
             x = poa_xml_next(x, "holiday")) {
            char *t = poa_xml_text_dup(a, x);
            int day;
            if (poa_parse_iso_day(t, strlen(t), 0, &day, NULL) == 0) {
                m->holidays[h++] = day;
            }
        }
        m->nholidays = h;
        qsort(m->holidays, h, sizeof(int), cmp_int);
    }
    xmlFreeDoc(doc);
    return POA_OK;
}

void poa_header_normalise(const char *s, size_t n, char *out, size_t cap) {
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-' || c == '_' || c == ' ' || c == '\t') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < cap) {
            out[o++] = ' ';
        }
        space = 0;
        out[o++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    out[o] = '\0';
}

static poa_status load_columns(poa_data *d, poa_error *err) {
    poa_arena *a = d->arena;
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, join(a, d->dir, "columns.xml"),
                                 join(a, d->dir, "columns.xsd"), err);
    if (st != POA_OK) {
        return st;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    d->nreports = count_children(root, "report");
    d->reports = poa_arena_alloc(a, (d->nreports + 1) * sizeof *d->reports);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(root, "report"); k;
         k = poa_xml_next(k, "report"), i++) {
        poa_report_def *r = &d->reports[i];
        r->id = poa_xml_attr_dup(a, k, "id");
        r->ncolumns = count_children(k, "column");
        r->columns = poa_arena_alloc(a, (r->ncolumns + 1) * sizeof *r->columns);
        size_t j = 0;
        for (xmlNodePtr c = poa_xml_child(k, "column"); c;
             c = poa_xml_next(c, "column"), j++) {
            poa_column_def *cd = &r->columns[j];
            cd->field = poa_xml_attr_dup(a, c, "field");
            char *req = poa_xml_attr_dup(a, c, "required");
            cd->required = req && (strcmp(req, "true") == 0 || strcmp(req, "1") == 0);
            cd->aliases = load_strings(a, c, "alias", &cd->naliases);
            for (size_t x = 0; x < cd->naliases; x++) {
                char buf[256];
                poa_header_normalise(cd->aliases[x], strlen(cd->aliases[x]), buf,
                                     sizeof buf);
                cd->aliases[x] = poa_arena_strdup(a, buf);
            }
        }
    }
    xmlFreeDoc(doc);
    return POA_OK;
}

poa_status poa_data_load(poa_data **out, const char *dir, const char *rules_path,
                         poa_error *err) {
    *out = NULL;
    poa_data *d = calloc(1, sizeof *d);
    poa_arena *a = poa_arena_new();
    if (!d || !a) {
        free(d);
        poa_arena_free(a);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    d->arena = a;
    d->dir = poa_arena_strdup(a, dir);
    struct stat st_dir;
    if (stat(dir, &st_dir) != 0 || !S_ISDIR(st_dir.st_mode)) {
        poa_data_free(d);
        return poa_error_set(
            err, POA_ERR_IO, dir, 0, 0,
            "data folder not found — give it with --data or POAGEN_DATA");
    }
    poa_status st =
        poa_rules_table_load(d, rules_path ? rules_path : join(a, dir, "rules.xml"), err);
    if (st == POA_OK) {
        st = load_marketplaces(d, err);
    }
    if (st == POA_OK) {
        st = load_columns(d, err);
    }
    if (st != POA_OK) {
        poa_data_free(d);
        return st;
    }
    *out = d;
    return POA_OK;
}

void poa_data_free(poa_data *d) {
    if (!d) {
        return;
    }
    poa_arena_free(d->arena);
    free(d);
}

const poa_metric_def *poa_data_metric(const poa_data *d, const char *id) {
    for (size_t i = 0; i < d->nmetrics; i++) {
        if (strcmp(d->metrics[i].id, id) == 0) {
            return &d->metrics[i];
        }
    }
    return NULL;
}

const poa_cause_def *poa_data_cause(const poa_data *d, const char *id) {
    for (size_t i = 0; i < d->ncauses; i++) {
        if (strcmp(d->causes[i].id, id) == 0) {
            return &d->causes[i];
        }
    }
    return NULL;
}

const poa_marketplace *poa_data_marketplace(const poa_data *d, const char *name) {
    if (!name) {
        return NULL;
    }
    for (size_t i = 0; i < d->nmarketplaces; i++) {
        const poa_marketplace *m = &d->marketplaces[i];
        if (strcasecmp(m->id, name) == 0 || strcmp(m->marketplace_id, name) == 0) {
            return m;
        }
        for (size_t j = 0; j < m->nnames; j++) {
            if (strcasecmp(m->names[j], name) == 0) {
                return m;
            }
        }
    }
    return NULL;
}

const poa_report_def *poa_data_report(const poa_data *d, const char *id) {
    for (size_t i = 0; i < d->nreports; i++) {
        if (strcmp(d->reports[i].id, id) == 0) {
            return &d->reports[i];
        }
    }
    return NULL;
}

const poa_carrier_def *poa_data_carrier(const poa_data *d, const char *name, size_t n) {
    char want[128], have[128];
    poa_header_normalise(name, n, want, sizeof want);
    for (size_t i = 0; i < d->ncarriers; i++) {
        for (size_t j = 0; j < d->carriers[i].naliases; j++) {
            const char *al = d->carriers[i].aliases[j];
            poa_header_normalise(al, strlen(al), have, sizeof have);
            if (strcmp(want, have) == 0) {
                return &d->carriers[i];
            }
        }
    }
    return NULL;
}

int poa_business_day(const poa_marketplace *m, int day) {
    int wd = poa_day_weekday(day);
    if (!m) {
        return wd < 5;
    }
    if (m->weekend[wd]) {
        return 0;
    }
    size_t lo = 0, hi = m->nholidays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->holidays[mid] < day) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return !(lo < m->nholidays && m->holidays[lo] == day);
}

int poa_business_days_between(const poa_marketplace *m, int from, int to) {
    /* In long long: a missing day (POA_NO_DAY, the lowest int) or a day
     * near the top of the range must not overflow the difference or the
     * count's last step. */
    long long last = to;
    if (last - from > POA_BUSINESS_DAYS_SPAN) {
        last = (long long)from + POA_BUSINESS_DAYS_SPAN;
    }
    int n = 0;
    for (long long d = (long long)from + 1; d <= last; d++) {
        n += poa_business_day(m, (int)d);
    }
    return n;
}

void poa_calendar_init(poa_calendar *cal, const poa_marketplace *m, int first, int last) {
    memset(cal, 0, sizeof *cal);
    cal->m = m;
    cal->first = 1;
    cal->last = 0;
    if (last < first || (long long)last - first >= POA_CALENDAR_MAX_DAYS) {
        return;
    }
    size_t n = (size_t)(last - first) + 1;
    cal->day = malloc(n);
    cal->before = malloc((n + 1) * sizeof *cal->before);
    if (!cal->day || !cal->before) {
        poa_calendar_free(cal);
        return;
    }
    cal->before[0] = 0;
    for (size_t k = 0; k < n; k++) {
        int day = first + (int)k, business = poa_business_day(m, day);
        cal->day[k] = (unsigned char)(poa_day_weekday(day) | business << 3);
        cal->before[k + 1] = cal->before[k] + business;
    }
    cal->first = first;
    cal->last = last;
}

void poa_calendar_free(poa_calendar *cal) {
    free(cal->day);
    free(cal->before);
    cal->day = NULL;
    cal->before = NULL;
    cal->first = 1;
    cal->last = 0;
}

static int nth_sunday(int y, int month, int n) {
    int first = poa_day_from_ymd(y, month, 1);
    int wd = poa_day_weekday(first);
    return first + (6 - wd) + 7 * (n - 1);
}

static int last_sunday(int y, int month) {
    int last = poa_day_from_ymd(y, month + 1, 1) - 1;
    return last - (poa_day_weekday(last) + 1) % 7;
}

int poa_marketplace_offset(const poa_marketplace *m, int utc_day) {
    if (!m) {
        return 0;
    }
    /* Ingest asks once per date field, millions of times, nearly always
     * for the same year: remember that year's daylight-saving days. */
    static _Thread_local const poa_marketplace *cached;
    static _Thread_local int cached_from = 1, cached_to = 0, dst_start, dst_end;
    if (cached != m || utc_day < cached_from || utc_day > cached_to) {
        int y, mo, d;
        poa_day_to_ymd(utc_day, &y, &mo, &d);
        cached = m;
        cached_from = poa_day_from_ymd(y, 1, 1);
        cached_to = poa_day_from_ymd(y + 1, 1, 1) - 1;
        dst_start = dst_end = 0;
        /* Day precision is enough: the switch happens at night, and
         * metrics count calendar days. */
        if (strcmp(m->dst, "eu") == 0) {
            dst_start = last_sunday(y, 3);
            dst_end = last_sunday(y, 10);
        } else if (strcmp(m->dst, "us") == 0) {
            dst_start = nth_sunday(y, 3, 2);
            dst_end = nth_sunday(y, 11, 1);
        }
    }
    return m->utc_offset + (utc_day >= dst_start && utc_day < dst_end ? 60 : 0);
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *poa_default_data_dir(void) {
    const char *env = getenv("POAGEN_DATA");
    if (env && *env) {
        return env;
    }
    static char exe[4096];
    static char relative[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            /* Running from a build folder: the executable sits beside
             * CMakeCache.txt, and the source tree's data is current. */
            strcpy(slash + 1, "CMakeCache.txt");
            if (access(exe, R_OK) == 0 && is_dir(POAGEN_SOURCE_DATADIR)) {
                return POAGEN_SOURCE_DATADIR;
            }
            /* Installed: <prefix>/bin/poagen finds <prefix>/share/poagen,
             * wherever the prefix was moved. */
            *slash = '\0';
            snprintf(relative, sizeof relative, "%s/../share/poagen", exe);
            if (is_dir(relative)) {
                return relative;
            }
        }
    }
    return POAGEN_INSTALL_DATADIR;
}

const char *poa_default_font_dir(const char *data_dir, char *buf, size_t cap) {
    const char *env = getenv("POAGEN_FONTS");
    if (env && *env) {
        return env;
    }
    snprintf(buf, cap, "%s/fonts", data_dir);
    if (is_dir(buf)) {
        return buf;
    }
    return POAGEN_BUILD_FONTDIR;
}
