#include "poagen/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/buf.h"
#include "poagen/date.h"
#include "poagen/mustache.h"

void poa_format_percent_lang(double rate, const char *lang, char *out, size_t cap) {
    double pct = rate * 100.0;
    int decimals = pct != 0 && pct < 1.0 ? 2 : 1;
    char num[64];
    snprintf(num, sizeof num, "%.*f", decimals, pct);
    int comma = lang && (strcmp(lang, "nl") == 0 || strcmp(lang, "sv") == 0 ||
                         strcmp(lang, "es") == 0 || strcmp(lang, "da") == 0);
    if (comma) {
        char *dot = strchr(num, '.');
        if (dot) {
            *dot = ',';
        }
    }
    /* Swedish, Spanish and Danish write a space before the sign; the
     * non-breaking one keeps figure and sign on one line. */
    int space = lang && (strcmp(lang, "sv") == 0 || strcmp(lang, "es") == 0 ||
                         strcmp(lang, "da") == 0);
    snprintf(out, cap, "%s%s%%", num, space ? "\xC2\xA0" : "");
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

json_t *poa_figures_to_json(const poa_figures *f, const char *lang) {
    json_t *o = json_object();
    for (size_t i = 0; o && i < f->count; i++) {
        const poa_figure *g = &f->items[i];
        if (g->text) {
            json_object_set_new(o, g->name, json_string(g->text));
            continue;
        }
        if (ends_with(g->name, "_day")) {
            char day[11];
            poa_day_format((int)g->value, day);
            char name[48];
            snprintf(name, sizeof name, "%.*s", (int)(strlen(g->name) - 4), g->name);
            json_object_set_new(o, name, json_string(day));
            continue;
        }
        if (g->is_integer) {
            json_object_set_new(o, g->name, json_integer((json_int_t)g->value));
            continue;
        }
        json_object_set_new(o, g->name, json_real(g->value));
        char pct[32], name[48];
        poa_format_percent_lang(g->value, lang, pct, sizeof pct);
        snprintf(name, sizeof name, "%s_pct", g->name);
        json_object_set_new(o, name, json_string(pct));
    }
    return o;
}

/* The seller's facts for this cause: their value from case.xml, or the
 * placeholder the review checks catch. */
static json_t *facts_json(const poa_cause_def *cause, const poa_case *c,
                          const char *lang) {
    json_t *facts = json_object();
    for (size_t i = 0; facts && i < c->info.nfacts; i++) {
        json_object_set_new(facts, c->info.facts[i].name,
                            json_string(c->info.facts[i].value));
    }
    for (size_t i = 0; facts && cause && i < cause->nfacts; i++) {
        if (json_object_get(facts, cause->facts[i].name)) {
            continue;
        }
        char ph[512];
        snprintf(ph, sizeof ph, "[[TO FILL: %s]]",
                 poa_ltext_get(&cause->facts[i].ask, lang));
        json_object_set_new(facts, cause->facts[i].name, json_string(ph));
    }
    return facts;
}

static char *render(const char *tpl, const json_t *ctx, const char *name, poa_error *err,
                    poa_status *st) {
    poa_buf out = POA_BUF_INIT;
    poa_mustache_options mo = {
        .escape = POA_ESCAPE_MARKDOWN, .partials = NULL, .payload = NULL, .name = name};
    *st = poa_mustache_render(tpl, strlen(tpl), ctx, &mo, &out, err);
    if (*st != POA_OK) {
        poa_buf_free(&out);
        return NULL;
    }
    if (out.failed) {
        poa_buf_free(&out);
        *st = poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    if (!out.data) {
        poa_buf_append(&out, "", 0);
    }
    return out.data; /* ownership moves to the caller */
}

static size_t count_placeholders(const char *s) {
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, "TO FILL")) != NULL; p++) {
        n++;
    }
    return n;
}

static poa_status render_list(const poa_ltext *texts, size_t n, const json_t *ctx,
                              const char *lang, const char *name, char ***out,
                              size_t *count, size_t *missing, poa_error *err) {
    *out = calloc(n + 1, sizeof **out);
    *count = 0;
    if (!*out) {
        return poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        poa_status st;
        char *s = render(poa_ltext_get(&texts[i], lang), ctx, name, err, &st);
        if (!s) {
            return st;
        }
        *missing += count_placeholders(s);
        (*out)[(*count)++] = s;
    }
    return POA_OK;
}

static void free_list(char **v, size_t n) {
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

poa_status poa_rules_apply(poa_remedies **out, const poa_diagnosis *dx, const poa_case *c,
                           const poa_data *d, const char *lang, poa_error *err) {
    (void)d;
    *out = NULL;
    poa_remedies *r = calloc(1, sizeof *r);
    if (!r || !(r->items = calloc(dx->nfindings + 1, sizeof *r->items))) {
        free(r);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    r->lang = lang;
    poa_status st = POA_OK;
    for (size_t i = 0; st == POA_OK && i < dx->nfindings; i++) {
        const poa_finding *f = &dx->findings[i];
        poa_remedy *rem = &r->items[r->count++];
        rem->finding = f;
        rem->figures = poa_figures_to_json(&f->figures, lang);
        json_t *ctx = json_deep_copy(rem->figures);
        if (!ctx) {
            st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (f->metric) {
            char pct[32];
            poa_format_percent_lang(f->metric->def->target, lang, pct, sizeof pct);
            json_object_set_new(ctx, "target_pct", json_string(pct));
        }
        json_object_set_new(ctx, "facts", facts_json(f->cause, c, lang));
        char name[128];
        snprintf(name, sizeof name, "rules.xml cause %s", f->cause->id);
        rem->title = render(poa_ltext_get(&f->cause->title, lang), ctx, name, err, &st);
        if (rem->title) {
            rem->explanation =
                render(poa_ltext_get(&f->cause->explanation, lang), ctx, name, err, &st);
        }
        if (rem->explanation) {
            rem->missing_facts += count_placeholders(rem->explanation);
            st = render_list(f->cause->actions, f->cause->nactions, ctx, lang, name,
                             &rem->actions, &rem->nactions, &rem->missing_facts, err);
        }
        if (st == POA_OK) {
            st = render_list(f->cause->prevent, f->cause->nprevent, ctx, lang, name,
                             &rem->prevent, &rem->nprevent, &rem->missing_facts, err);
        }
        if (st == POA_OK) {
            st = render_list(f->cause->evidence, f->cause->nevidence, ctx, lang, name,
                             &rem->evidence, &rem->nevidence, &rem->missing_facts, err);
        }
        if (st == POA_OK) {
            rem->policy = strdup(poa_ltext_get(&f->cause->policy, lang));
            if (!rem->policy) {
                st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
        }
        json_decref(ctx);
    }
    if (st != POA_OK) {
        poa_remedies_free(r);
        return st;
    }
    *out = r;
    return POA_OK;
}

void poa_remedies_free(poa_remedies *r) {
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->count; i++) {
        poa_remedy *rem = &r->items[i];
        json_decref(rem->figures);
        free(rem->title);
        free(rem->explanation);
        free_list(rem->actions, rem->nactions);
        free_list(rem->prevent, rem->nprevent);
        free_list(rem->evidence, rem->nevidence);
        free(rem->policy);
    }
    free(r->items);
    free(r);
}

static void check_text(const poa_ltext *t, const char *cause, const char *what,
                       const poa_warner *w, size_t *problems, const char *path) {
    static const char *const langs[] = {"en", "nl", "sv", "es", "da", "zh"};
    for (size_t l = 0; l < 6; l++) {
        int found = 0;
        for (size_t i = 0; i < t->count; i++) {
            found |= strcmp(t->lang[i], langs[l]) == 0;
        }
        if (!found) {
            poa_warn(w, path, 0, 0, "cause %s: %s has no text in '%s'", cause, what,
                     langs[l]);
            (*problems)++;
        }
    }
    for (size_t i = 0; i < t->count; i++) {
        poa_buf out = POA_BUF_INIT;
        poa_error e;
        json_t *empty = json_object();
        poa_mustache_options mo = {.escape = POA_ESCAPE_MARKDOWN,
                                   .partials = NULL,
                                   .payload = NULL,
                                   .name = path};
        if (poa_mustache_render(t->text[i], strlen(t->text[i]), empty, &mo, &out, &e) !=
            POA_OK) {
            poa_warn(w, path, 0, 0, "cause %s: %s (%s) is not a valid template: %s",
                     cause, what, t->lang[i], e.message);
            (*problems)++;
        }
        json_decref(empty);
        poa_buf_free(&out);
    }
}

/* Whether a text of cause c can name this: one of its figures (a driver
 * of its metric; a real one also as name_pct; a day as name without
 * _day), target_pct, or one of the facts it asks for. Anything else
 * renders as nothing, silently, in the POA. */
static int name_known(const poa_data *d, const poa_cause_def *c, const char *name) {
    if (strncmp(name, "facts.", 6) == 0) {
        for (size_t k = 0; k < c->nfacts; k++) {
            if (strcmp(c->facts[k].name, name + 6) == 0) {
                return 1;
            }
        }
        return 0;
    }
    if (!c->metric[0]) {
        return 0;
    }
    if (strcmp(name, "target_pct") == 0 ||
        poa_diagnose_driver_known(d, c->metric, name)) {
        return 1;
    }
    char base[96];
    size_t n = strlen(name);
    if (n >= sizeof base - 4) {
        return 0;
    }
    if (ends_with(name, "_pct")) {
        snprintf(base, sizeof base, "%.*s", (int)(n - 4), name);
        return poa_diagnose_driver_known(d, c->metric, base);
    }
    snprintf(base, sizeof base, "%s_day", name);
    return poa_diagnose_driver_known(d, c->metric, base);
}

/* Every name a text's tags use ({{x}}, {{{x}}}, {{#x}}, {{^x}}, {{&x}};
 * comments and partials aside) must be one the cause has. */
static void check_names(const poa_data *d, const poa_cause_def *c, const poa_ltext *t,
                        const char *what, const poa_warner *w, size_t *problems,
                        const char *path) {
    for (size_t i = 0; i < t->count; i++) {
        for (const char *p = t->text[i]; (p = strstr(p, "{{")) != NULL;) {
            p += 2;
            p += *p == '{';
            while (*p == ' ') {
                p++;
            }
            if (*p == '!' || *p == '>' || *p == '=' || *p == '/') {
                continue; /* a section's end names what its start did */
            }
            p += *p == '#' || *p == '^' || *p == '&';
            while (*p == ' ') {
                p++;
            }
            size_t n = strcspn(p, " }");
            if (n == 0 || (n == 1 && *p == '.')) {
                continue;
            }
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), p);
            if (!name_known(d, c, name)) {
                poa_warn(w, path, 0, 0,
                         "cause %s: %s (%s) names '%s', which is none of its figures "
                         "or facts — it would print as nothing",
                         c->id, what, t->lang[i], name);
                (*problems)++;
            }
            p += n;
        }
    }
}

size_t poa_rules_check(const poa_data *d, const poa_warner *w) {
    size_t problems = 0;
    const char *path = d->rules_path;
    for (size_t i = 0; i < d->ncauses; i++) {
        const poa_cause_def *c = &d->causes[i];
        check_text(&c->title, c->id, "title", w, &problems, path);
        check_text(&c->explanation, c->id, "explanation", w, &problems, path);
        check_names(d, c, &c->title, "title", w, &problems, path);
        check_names(d, c, &c->explanation, "explanation", w, &problems, path);
        for (size_t k = 0; k < c->nactions; k++) {
            check_text(&c->actions[k], c->id, "action", w, &problems, path);
            check_names(d, c, &c->actions[k], "action", w, &problems, path);
        }
        for (size_t k = 0; k < c->nprevent; k++) {
            check_text(&c->prevent[k], c->id, "preventive measure", w, &problems, path);
            check_names(d, c, &c->prevent[k], "preventive measure", w, &problems, path);
        }
        for (size_t k = 0; k < c->nevidence; k++) {
            check_text(&c->evidence[k], c->id, "evidence", w, &problems, path);
            check_names(d, c, &c->evidence[k], "evidence", w, &problems, path);
        }
        for (size_t k = 0; k < c->nfacts; k++) {
            check_text(&c->facts[k].ask, c->id, "fact question", w, &problems, path);
        }
        if (c->metric[0] && !poa_data_metric(d, c->metric)) {
            poa_warn(w, path, 0, 0, "cause %s: unknown metric '%s'", c->id, c->metric);
            problems++;
        }
        if (!c->metric[0] && !c->notice[0]) {
            poa_warn(w, path, 0, 0,
                     "cause %s: neither a metric nor a notice type detects it", c->id);
            problems++;
        }
        if (c->policy.count) {
            check_text(&c->policy, c->id, "policy", w, &problems, path);
        }
        if (c->metric[0] && c->nwhen == 0) {
            poa_warn(w, path, 0, 0,
                     "cause %s: no <when> condition — the data could never show it",
                     c->id);
            problems++;
        }
        for (size_t k = 0; c->metric[0] && k < c->nwhen; k++) {
            if (!poa_diagnose_driver_known(d, c->metric, c->when[k].driver)) {
                poa_warn(w, path, 0, 0, "cause %s: unknown %s driver '%s' in <when>",
                         c->id, c->metric, c->when[k].driver);
                problems++;
            }
        }
        if (c->metric[0] && c->share[0] &&
            !poa_diagnose_driver_known(d, c->metric, c->share)) {
            poa_warn(w, path, 0, 0, "cause %s: unknown %s driver '%s' as share", c->id,
                     c->metric, c->share);
            problems++;
        }
        for (size_t k = 0; k < i; k++) {
            if (c->notice[0] && strcmp(d->causes[k].notice, c->notice) == 0) {
                poa_warn(w, path, 0, 0,
                         "cause %s: notice type '%s' already names cause %s", c->id,
                         c->notice, d->causes[k].id);
                problems++;
            }
        }
    }
    for (size_t i = 0; i < d->nmetrics; i++) {
        /* check_text words it as a cause; the id says which metric. */
        check_text(&d->metrics[i].name, d->metrics[i].id, "metric name", w, &problems,
                   path);
    }
    static const char *const langs[] = {"en", "nl", "sv", "es", "da", "zh"};
    for (size_t i = 0; i < d->nthemes; i++) {
        for (size_t l = 0; l < 6; l++) {
            int found = 0;
            for (size_t k = 0; k < d->themes[i].npatterns; k++) {
                found |= strcmp(d->themes[i].patterns[k].lang, langs[l]) == 0;
            }
            if (!found) {
                poa_warn(w, path, 0, 0, "theme %s: no phrase in '%s'", d->themes[i].id,
                         langs[l]);
                problems++;
            }
        }
    }
    return problems;
}
