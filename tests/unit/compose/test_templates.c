/* The shipped POA templates: every language's master and checklist render
 * for the bundled sample case and for a model holding every cause of the
 * rule table; every tag names a variable the data model defines (the
 * template's tags are walked against the model, sections and partials
 * included); every cause has its partial and its line in every language. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/compose.h"
#include "poagen/date.h"

static const char *const langs[] = {"en", "nl", "sv", "es", "da", "zh", NULL};

typedef struct {
    poa_data *d;
    poa_case *c;
    poa_metrics *m;
    poa_diagnosis *dx;
} pipeline;

static void run(pipeline *p) {
    p->d = test_load_data();
    assert_non_null(p->d);
    const char *src = getenv("POAGEN_SOURCE_DIR");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/samples/late-shipment", src ? src : ".");
    poa_error e;
    poa_ingest_options io = {NULL, NULL, 0, NULL};
    if (poa_case_load(&p->c, dir, p->d, &io, &e) != POA_OK) {
        fail_msg("%s:%u:%u: %s", e.file, e.line, e.column, e.message);
    }
    poa_metrics_options mo = {POA_NO_DAY};
    assert_int_equal(poa_metrics_compute(&p->m, p->c, p->d, &mo, &e), POA_OK);
    assert_int_equal(poa_diagnose(&p->dx, p->c, p->m, p->d, &e), POA_OK);
}

static void stop(pipeline *p) {
    poa_diagnosis_free(p->dx);
    poa_metrics_free(p->m);
    poa_case_free(p->c);
    poa_data_free(p->d);
}

static json_t *model_for(const pipeline *p, const char *lang) {
    poa_remedies *r;
    poa_error e;
    assert_int_equal(poa_rules_apply(&r, p->dx, p->c, p->d, lang, &e), POA_OK);
    json_t *model = poa_model_build(p->c, p->m, p->dx, r, p->d, lang);
    assert_non_null(model);
    poa_remedies_free(r);
    return model;
}

/* ---- Walking a template's tags against the model -------------------- */

enum { MAX_DEPTH = 64 };

typedef struct {
    const json_t *stack[MAX_DEPTH]; /* NULL: an empty list, contents unknown */
    size_t depth;
    const char *lang_dir;
    int errors;
    int partial_depth;
    const poa_data *d; /* when set: a cause section the case lacks is fine */
} walker;

/* "causes.<id>" for a cause of the rule table: a section the model holds
 * only when that cause was found. */
static int cause_section(const walker *w, const char *name) {
    if (!w->d || strncmp(name, "causes.", 7) != 0) {
        return 0;
    }
    return poa_data_cause(w->d, name + 7) != NULL;
}

static int defined(const walker *w, const char *name) {
    if (strcmp(name, ".") == 0) {
        return 1;
    }
    char first[128];
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(first, sizeof first, "%.*s", (int)n, name);
    for (size_t i = w->depth; i-- > 0;) {
        const json_t *ctx = w->stack[i];
        if (!ctx) {
            return 1; /* inside an empty list: nothing to check against */
        }
        const json_t *v = json_is_object(ctx) ? json_object_get(ctx, first) : NULL;
        if (!v) {
            continue;
        }
        while (dot) {
            const char *seg = dot + 1;
            dot = strchr(seg, '.');
            n = dot ? (size_t)(dot - seg) : strlen(seg);
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)n, seg);
            v = json_is_object(v) ? json_object_get(v, key) : NULL;
            if (!v) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

static const json_t *resolve(const walker *w, const char *name) {
    char first[128];
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(first, sizeof first, "%.*s", (int)n, name);
    for (size_t i = w->depth; i-- > 0;) {
        const json_t *ctx = w->stack[i];
        const json_t *v = ctx && json_is_object(ctx) ? json_object_get(ctx, first) : NULL;
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

static void walk(walker *w, const char *tpl, const char *name);

static void walk_partial(walker *w, const char *partial) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s.md", w->lang_dir, partial);
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    if (poa_buf_read_file(&b, path, 1 << 20, &e) != POA_OK) {
        print_error("%s: partial %s missing\n", w->lang_dir, partial);
        w->errors++;
        poa_buf_free(&b);
        return;
    }
    if (w->partial_depth < 4) {
        w->partial_depth++;
        walk(w, b.data ? b.data : "", path);
        w->partial_depth--;
    }
    poa_buf_free(&b);
}

static void walk(walker *w, const char *tpl, const char *file) {
    size_t base = w->depth;
    for (const char *p = tpl; (p = strstr(p, "{{")) != NULL;) {
        int triple = p[2] == '{';
        const char *start = p + (triple ? 3 : 2);
        const char *end = strstr(start, triple ? "}}}" : "}}");
        assert_non_null(end);
        char tag[256];
        snprintf(tag, sizeof tag, "%.*s", (int)(end - start), start);
        p = end + (triple ? 3 : 2);
        char *t = tag;
        while (*t == ' ') {
            t++;
        }
        char sigil = *t;
        if (sigil == '!') {
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
            walk_partial(w, t);
            continue;
        }
        if (sigil == '/') {
            assert_true(w->depth > base);
            w->depth--;
            continue;
        }
        int absent_cause = sigil == '#' && !defined(w, t) && cause_section(w, t);
        if (!absent_cause && !defined(w, t)) {
            print_error("%s: {{%s}} is not in the data model\n", file, tag);
            w->errors++;
        }
        if (sigil == '#' || sigil == '^') {
            assert_true(w->depth < MAX_DEPTH);
            const json_t *v = resolve(w, t);
            const json_t *push = w->stack[w->depth - 1];
            if (absent_cause) {
                push = NULL; /* not rendered: nothing inside to check */
            } else if (sigil == '#' && v && json_is_array(v)) {
                push = json_array_size(v) ? json_array_get(v, 0) : NULL;
            } else if (sigil == '#' && v && json_is_object(v)) {
                push = v;
            }
            w->stack[w->depth++] = push;
        }
    }
    assert_int_equal(w->depth, base);
}

static int check_tags(const json_t *model, const char *lang, const char *file,
                      const poa_data *d) {
    char dir[2048], path[2300];
    snprintf(dir, sizeof dir, "%s/poa/%s", test_data_dir(), lang);
    snprintf(path, sizeof path, "%s/%s.md", dir, file);
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    assert_int_equal(poa_buf_read_file(&b, path, 1 << 20, &e), POA_OK);
    walker w = {.depth = 1, .lang_dir = dir, .d = d};
    w.stack[0] = model;
    walk(&w, b.data, path);
    poa_buf_free(&b);
    return w.errors;
}

static void render_all(const json_t *model, const char *lang, int expect_causes) {
    poa_compose_options opt = {lang, test_data_dir(), NULL};
    poa_buf out = POA_BUF_INIT;
    poa_error e;
    if (poa_compose_poa(&out, model, &opt, &e) != POA_OK) {
        fail_msg("%s: %s:%u:%u: %s", lang, e.file, e.line, e.column, e.message);
    }
    assert_null(memmem(out.data, out.len, "{{", 2));
    /* One "### " heading per cause found. */
    int headings = 0;
    for (const char *s = out.data; (s = strstr(s, "\n### ")) != NULL; s++) {
        headings++;
    }
    assert_int_equal(headings, expect_causes);
    poa_buf_free(&out);
    assert_int_equal(poa_compose_checklist(&out, model, &opt, &e), POA_OK);
    assert_null(memmem(out.data, out.len, "{{", 2));
    poa_buf_free(&out);
}

static void test_sample_every_language(void **state) {
    (void)state;
    pipeline p;
    run(&p);
    for (size_t l = 0; langs[l]; l++) {
        json_t *model = model_for(&p, langs[l]);
        render_all(model, langs[l], (int)p.dx->nfindings);
        assert_int_equal(check_tags(model, langs[l], "poa", p.d), 0);
        assert_int_equal(check_tags(model, langs[l], "checklist", p.d), 0);
        json_decref(model);
    }
    stop(&p);
}

/* A model in which every cause of the rule table was found: each finding
 * a copy of a real one, renamed. */
static void test_every_cause_every_language(void **state) {
    (void)state;
    pipeline p;
    run(&p);
    assert_true(p.dx->nfindings > 0);
    for (size_t l = 0; langs[l]; l++) {
        json_t *model = model_for(&p, langs[l]);
        json_t *findings = json_object_get(model, "findings");
        json_t *causes = json_object_get(model, "causes");
        json_t *proto = json_deep_copy(json_array_get(findings, 0));
        json_array_clear(findings);
        json_object_clear(causes);
        for (size_t i = 0; i < p.d->ncauses; i++) {
            json_t *f = json_deep_copy(proto);
            json_object_set_new(f, "cause", json_string(p.d->causes[i].id));
            json_object_set_new(f, "title", json_string(p.d->causes[i].id));
            json_array_append(findings, f);
            json_object_set_new(causes, p.d->causes[i].id, f);
        }
        json_decref(proto);
        render_all(model, langs[l], (int)p.d->ncauses);
        assert_int_equal(check_tags(model, langs[l], "poa", NULL), 0);
        assert_int_equal(check_tags(model, langs[l], "checklist", NULL), 0);
        json_decref(model);
    }
    stop(&p);
}

/* The tag walk catches a variable the model lacks. */
static void test_walk_catches_unknown(void **state) {
    (void)state;
    json_t *model = json_pack("{s:{s:s}, s:[{s:s}]}", "seller", "name", "X", "findings",
                              "title", "T");
    walker w = {.depth = 1, .lang_dir = "."};
    w.stack[0] = model;
    walk(&w, "{{seller.name}} {{#findings}}{{title}}{{/findings}}", "t");
    assert_int_equal(w.errors, 0);
    walk(&w, "{{seller.nmae}} {{#findings}}{{titel}}{{/findings}} {{store}}", "t");
    assert_int_equal(w.errors, 3);
    json_decref(model);
}

/* Every cause: a partial in every language and its line in each master. */
static void test_every_cause_has_partial_and_line(void **state) {
    (void)state;
    poa_data *d = test_load_data();
    assert_non_null(d);
    for (size_t l = 0; langs[l]; l++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/poa/%s/poa.md", test_data_dir(), langs[l]);
        poa_buf master = POA_BUF_INIT;
        poa_error e;
        assert_int_equal(poa_buf_read_file(&master, path, 1 << 20, &e), POA_OK);
        for (size_t i = 0; i < d->ncauses; i++) {
            const char *id = d->causes[i].id;
            char dashed[64], line[256];
            snprintf(dashed, sizeof dashed, "%s", id);
            for (char *s = dashed; *s; s++) {
                *s = *s == '_' ? '-' : *s;
            }
            snprintf(line, sizeof line, "{{#causes.%s}}\n{{>causes/%s}}\n", id, dashed);
            if (!strstr(master.data, line)) {
                fail_msg("%s: no section for cause %s", path, id);
            }
            snprintf(path, sizeof path, "%s/poa/%s/causes/%s.md", test_data_dir(),
                     langs[l], dashed);
            if (access(path, R_OK) != 0) {
                fail_msg("no partial %s", path);
            }
        }
        poa_buf_free(&master);
    }
    poa_data_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_every_language),
        cmocka_unit_test(test_every_cause_every_language),
        cmocka_unit_test(test_walk_catches_unknown),
        cmocka_unit_test(test_every_cause_has_partial_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
