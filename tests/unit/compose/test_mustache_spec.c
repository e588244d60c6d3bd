/* The official Mustache spec tests (interpolation, sections, inverted,
 * comments, partials, delimiters), run with HTML escaping as the spec
 * expects. Each spec test is one cmocka test named "<file>: <name>", so a
 * failure names the test and shows template, expected and actual output.
 * No spec test is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "poagen/mustache.h"

static const char *const FILES[] = {"interpolation", "sections", "inverted",
                                    "comments",      "partials", "delimiters"};

typedef struct {
    char name[256];
    json_t *test; /* borrowed from the loaded spec file */
} spec_case;

static int spec_partial(const char *name, poa_buf *out, void *payload) {
    json_t *text = json_object_get((json_t *)payload, name);
    if (!json_is_string(text)) {
        return 0;
    }
    poa_buf_append(out, json_string_value(text), json_string_length(text));
    return 1;
}

static void run_case(void **state) {
    const spec_case *c = *state;
    json_t *tpl = json_object_get(c->test, "template");
    json_t *expected = json_object_get(c->test, "expected");
    json_t *partials = json_object_get(c->test, "partials");
    assert_true(json_is_string(tpl) && json_is_string(expected));

    poa_mustache_options opt = {POA_ESCAPE_HTML, partials ? spec_partial : NULL, partials,
                                c->name, 0};
    poa_buf out = POA_BUF_INIT;
    poa_error err = {0};
    poa_status st =
        poa_mustache_render(json_string_value(tpl), json_string_length(tpl),
                            json_object_get(c->test, "data"), &opt, &out, &err);
    if (st != POA_OK) {
        print_error("%s: render failed: %s:%u:%u: %s\n", c->name, err.file, err.line,
                    err.column, err.message);
    } else if (strcmp(poa_buf_cstr(&out), json_string_value(expected)) != 0) {
        print_error("%s\n  template: [%s]\n  expected: [%s]\n  actual:   [%s]\n", c->name,
                    json_string_value(tpl), json_string_value(expected),
                    poa_buf_cstr(&out));
    }
    int ok = st == POA_OK && strcmp(poa_buf_cstr(&out), json_string_value(expected)) == 0;
    poa_buf_free(&out);
    assert_true(ok);
}

int main(void) {
    const char *shared = getenv("POAGEN_SHARED_DIR");
    if (!shared) {
        fprintf(stderr, "POAGEN_SHARED_DIR is not set: run this test through ctest\n");
        return 1;
    }
    json_t *docs[sizeof FILES / sizeof FILES[0]] = {0};
    size_t total = 0;
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/peer/mustache-spec/%s.json", shared, FILES[f]);
        json_error_t jerr;
        docs[f] = json_load_file(path, 0, &jerr);
        if (!json_is_array(json_object_get(docs[f], "tests"))) {
            fprintf(stderr, "%s: cannot load the spec tests: %s (line %d)\n", path,
                    jerr.text, jerr.line);
            return 1;
        }
        total += json_array_size(json_object_get(docs[f], "tests"));
    }

    spec_case *cases = calloc(total, sizeof *cases);
    struct CMUnitTest *tests = calloc(total, sizeof *tests);
    if (!cases || !tests) {
        return 1;
    }
    size_t n = 0;
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        json_t *list = json_object_get(docs[f], "tests");
        for (size_t i = 0; i < json_array_size(list); i++, n++) {
            json_t *test = json_array_get(list, i);
            cases[n].test = test;
            snprintf(cases[n].name, sizeof cases[n].name, "%s: %s", FILES[f],
                     json_string_value(json_object_get(test, "name")));
            tests[n] =
                (struct CMUnitTest){cases[n].name, run_case, NULL, NULL, &cases[n]};
        }
    }
    int failed = _cmocka_run_group_tests("mustache_spec", tests, n, NULL, NULL);
    fprintf(stderr, "mustache spec: %zu tests, %d failed, 0 skipped\n", n, failed);
    free(tests);
    free(cases);
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        json_decref(docs[f]);
    }
    return failed ? 1 : 0;
}
