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
#include <string.h>

#include "common/testutil.h"
#include "poagen/compose.h"
#include "poagen/date.h"
#include "poagen/lint.h"

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
    p->c = test_load_case(dir, p->d, NULL);
    assert_non_null(p->c);
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
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

/* The review check `lint --template --case` runs: every tag of the
 * template (its partials included) names something in the model. */
static int check_tags(const json_t *model, const char *lang, const char *file,
                      const poa_data *d) {
    char dir[2048], path[2300];
    snprintf(dir, sizeof dir, "%s/poa/%s", test_data_dir(), lang);
    snprintf(path, sizeof path, "%s/%s.md", dir, file);
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    assert_int_equal(poa_buf_read_file(&b, path, 1 << 20, &e), POA_OK);
    poa_lint_result r = {0};
    poa_lint_template_vars(&r, b.data, model, d, dir);
    for (size_t i = 0; i < r.count; i++) {
        print_error("%s:%u:%u: %s\n", path, r.items[i].line, r.items[i].column,
                    r.items[i].message);
    }
    int errors = (int)r.count;
    poa_lint_result_free(&r);
    poa_buf_free(&b);
    return errors;
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
 * a copy of a real one, renamed: one of the same metric when the sample
 * has it (its partial names that metric's figures), else the first. */
static void test_every_cause_every_language(void **state) {
    (void)state;
    pipeline p;
    run(&p);
    assert_true(p.dx->nfindings > 0);
    for (size_t l = 0; langs[l]; l++) {
        json_t *model = model_for(&p, langs[l]);
        json_t *findings = json_object_get(model, "findings");
        json_t *causes = json_object_get(model, "causes");
        json_t *real = json_deep_copy(findings);
        json_t *proto = json_deep_copy(json_array_get(findings, 0));
        json_array_clear(findings);
        json_object_clear(causes);
        for (size_t i = 0; i < p.d->ncauses; i++) {
            json_t *like = proto;
            for (size_t k = 0; p.d->causes[i].metric[0] && k < json_array_size(real);
                 k++) {
                const char *metric =
                    json_string_value(json_object_get(json_array_get(real, k), "metric"));
                if (metric && strcmp(metric, p.d->causes[i].metric) == 0) {
                    like = json_array_get(real, k);
                    break;
                }
            }
            json_t *f = json_deep_copy(like);
            json_object_set_new(f, "cause", json_string(p.d->causes[i].id));
            json_object_set_new(f, "title", json_string(p.d->causes[i].id));
            json_array_append(findings, f);
            json_object_set_new(causes, p.d->causes[i].id, f);
        }
        json_decref(proto);
        json_decref(real);
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
    poa_lint_result r = {0};
    poa_lint_template_vars(&r, "{{seller.name}} {{#findings}}{{title}}{{/findings}}",
                           model, NULL, NULL);
    assert_int_equal(r.count, 0);
    poa_lint_template_vars(
        &r, "{{seller.nmae}} {{#findings}}{{titel}}{{/findings}} {{store}}", model, NULL,
        NULL);
    assert_int_equal(r.count, 3);
    assert_string_equal(r.items[0].check, "unknown-variable");
    poa_lint_result_free(&r);
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
