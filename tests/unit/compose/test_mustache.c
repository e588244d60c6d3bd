/* Mustache beyond the spec: Markdown escaping against injection (checked by
 * rendering through cmark), error positions, limits, number formatting and
 * Unicode values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <cmocka.h>

#include "poagen/mustache.h"

/* Render tpl with data (JSON text); returns the malloc'ed output, or NULL
 * with *err filled. */
static char *render_opt(const char *tpl, const char *json, poa_mustache_options *opt,
                        poa_error *err) {
    json_error_t jerr;
    json_t *data = json_loads(json, JSON_DECODE_ANY, &jerr);
    assert_non_null(data);
    poa_buf out = POA_BUF_INIT;
    poa_status st = poa_mustache_render(tpl, strlen(tpl), data, opt, &out, err);
    json_decref(data);
    if (st != POA_OK) {
        assert_int_equal(out.len, 0); /* nothing half-written */
        poa_buf_free(&out);
        return NULL;
    }
    char *s = strdup(poa_buf_cstr(&out));
    poa_buf_free(&out);
    return s;
}

static char *render(const char *tpl, const char *json, poa_escape escape) {
    poa_mustache_options opt = {escape, NULL, NULL, "t.md", 0};
    poa_error err = {0};
    char *s = render_opt(tpl, json, &opt, &err);
    if (!s) {
        fail_msg("render failed: %s:%u:%u: %s", err.file, err.line, err.column,
                 err.message);
    }
    return s;
}

static void assert_renders(const char *tpl, const char *json, poa_escape escape,
                           const char *expected) {
    char *s = render(tpl, json, escape);
    assert_string_equal(s, expected);
    free(s);
}

/* ---- Markdown escaping ---- */

static const char *const HOSTILE[] = {
    "{{x}}",
    "# Heading",
    "[link](http://x)",
    "<script>alert(1)</script>",
    "* item",
    "1. item",
    "2) item",
    "- item",
    "+ item",
    "> quote",
    "---",
    "===",
    "***",
    "```\ncode\n```",
    "~~~",
    "    indented code",
    "line one\n# two\n- three\n\n    four\n> five",
    "![img](http://x/i.png)",
    "<http://x>",
    "*em* **strong** _u_ `code`",
    "| a | b |\n|---|---|",
    "[ref]: http://x",
    "&amp; &#35; \\# trailing  \n",
    "a\\\nb",
};

/* The value must come out as text: no element the template did not make,
 * and the words themselves must survive. */
static void check_literal(const char *html, const char *value) {
    static const char *const TAGS[] = {
        "<h1",  "<h2",   "<a ", "<script", "<li>",    "<ul",  "<ol",    "<block",
        "<pre", "<code", "<hr", "<em>",    "<strong", "<img", "<table", "<br"};
    for (size_t i = 0; i < sizeof TAGS / sizeof TAGS[0]; i++) {
        if (strstr(html, TAGS[i])) {
            fail_msg("value [%s] made %s in [%s]", value, TAGS[i], html);
        }
    }
    /* Every word of the value appears in the HTML text (after entities for
     * < > & "). */
    char word[256];
    const char *p = value;
    while (*p) {
        size_t n = 0;
        while (*p && (unsigned char)*p > ' ' && !strchr("<>&\"", *p) &&
               n < sizeof word - 1) {
            word[n++] = *p++;
        }
        word[n] = '\0';
        if (n && !strstr(html, word)) {
            fail_msg("value [%s]: '%s' is missing from [%s]", value, word, html);
        }
        while (*p && ((unsigned char)*p <= ' ' || strchr("<>&\"", *p))) {
            p++;
        }
    }
}

static void test_markdown_injection(void **state) {
    (void)state;
    /* At a line start, mid-paragraph and under a line of text (setext). */
    static const char *const TEMPLATES[] = {"{{v}}\n", "Text {{v}} more.\n",
                                            "Intro line\n{{v}}\n", "   {{v}}\n",
                                            "Reason: {{{v}}}\n"};
    for (size_t t = 0; t < sizeof TEMPLATES / sizeof TEMPLATES[0]; t++) {
        for (size_t i = 0; i < sizeof HOSTILE / sizeof HOSTILE[0]; i++) {
            json_t *data = json_pack("{ss}", "v", HOSTILE[i]);
            poa_mustache_options opt = {POA_ESCAPE_MARKDOWN, NULL, NULL, "t.md", 0};
            poa_buf out = POA_BUF_INIT;
            poa_error err;
            /* The triple mustache is raw on purpose: only check it renders
             * the value byte for byte. */
            assert_int_equal(poa_mustache_render(TEMPLATES[t], strlen(TEMPLATES[t]), data,
                                                 &opt, &out, &err),
                             POA_OK);
            if (t == 4) {
                assert_non_null(strstr(out.data, HOSTILE[i]));
            } else {
                char *html = cmark_markdown_to_html(out.data, out.len, CMARK_OPT_UNSAFE);
                check_literal(html, HOSTILE[i]);
                free(html);
            }
            poa_buf_free(&out);
            json_decref(data);
        }
    }
}

static void test_markdown_exact(void **state) {
    (void)state;
    assert_renders("{{v}}", "{\"v\": \"# Heading\"}", POA_ESCAPE_MARKDOWN, "\\# Heading");
    /* At a line start the bracket is escaped (a link reference definition
     * could start there); elsewhere "](" is what must be broken. */
    assert_renders("{{v}}", "{\"v\": \"[a](b)\"}", POA_ESCAPE_MARKDOWN, "\\[a]\\(b)");
    assert_renders("x {{v}}", "{\"v\": \"[a](b)\"}", POA_ESCAPE_MARKDOWN, "x [a]\\(b)");
    /* Dates, domains, prices and "&" between words stay as people write them. */
    assert_renders("x {{v}}", "{\"v\": \"2026-11-18 Amazon.co.uk 9.8% A & B\"}",
                   POA_ESCAPE_MARKDOWN, "x 2026-11-18 Amazon.co.uk 9.8% A & B");
    assert_renders("x {{v}}", "{\"v\": \"&amp; &#39;\"}", POA_ESCAPE_MARKDOWN,
                   "x \\&amp; \\&#39;");
    assert_renders("{{v}}", "{\"v\": \"- item\"}", POA_ESCAPE_MARKDOWN, "\\- item");
    assert_renders("x {{v}}", "{\"v\": \"- item\"}", POA_ESCAPE_MARKDOWN, "x - item");
    assert_renders("{{v}}", "{\"v\": \"{{x}}\"}", POA_ESCAPE_MARKDOWN, "\\{\\{x\\}\\}");
    assert_renders("[{{v}}]", "{\"v\": \"  one\\n\\n two\\t\\r\\nthree  \"}",
                   POA_ESCAPE_MARKDOWN, "[one two three]");
    assert_renders("{{v}}", "{\"v\": \"1. item\"}", POA_ESCAPE_MARKDOWN, "1\\. item");
    assert_renders("{{v}}", "{\"v\": \"a\\\\b\"}", POA_ESCAPE_MARKDOWN, "a\\\\b");
    /* Plain prose keeps its look apart from the escapes. */
    assert_renders(
        "{{v}}", "{\"v\": \"We're sorry, it's fixed; 100% sure? Yes: $5 @ 3/4\"}",
        POA_ESCAPE_MARKDOWN, "We're sorry, it's fixed; 100% sure? Yes: $5 @ 3/4");
    /* Raw tags are raw in every mode. */
    assert_renders("{{{v}}}|{{&v}}", "{\"v\": \"# a\"}", POA_ESCAPE_MARKDOWN, "# a|# a");
    /* No options: Markdown escaping. */
    json_t *data = json_pack("{ss}", "v", "*x*");
    poa_buf out = POA_BUF_INIT;
    assert_int_equal(poa_mustache_render("{{v}}", 5, data, NULL, &out, NULL), POA_OK);
    assert_string_equal(out.data, "\\*x\\*");
    poa_buf_free(&out);
    json_decref(data);
}

static void test_values_never_reparsed(void **state) {
    (void)state;
    static const char *const DATA =
        "{\"v\": \"{{w}} {{#w}}x{{/w}} {{>p}}\", \"w\": \"W\"}";
    assert_renders("{{v}}", DATA, POA_ESCAPE_NONE, "{{w}} {{#w}}x{{/w}} {{>p}}");
    assert_renders("{{{v}}}", DATA, POA_ESCAPE_HTML, "{{w}} {{#w}}x{{/w}} {{>p}}");
    assert_renders("{{#v}}{{.}}{{/v}}", DATA, POA_ESCAPE_NONE,
                   "{{w}} {{#w}}x{{/w}} {{>p}}");
}

static void test_html_and_none(void **state) {
    (void)state;
    assert_renders("{{v}}", "{\"v\": \"<a href=\\\"x\\\">&'</a>\"}", POA_ESCAPE_HTML,
                   "&lt;a href=&quot;x&quot;&gt;&amp;'&lt;/a&gt;");
    assert_renders("{{v}}", "{\"v\": \"<b>\\n# x\"}", POA_ESCAPE_NONE, "<b>\n# x");
}

/* ---- values ---- */

static void test_numbers(void **state) {
    (void)state;
    assert_renders("{{a}} {{b}} {{c}} {{d}}",
                   "{\"a\": 42, \"b\": -7, \"c\": 0, \"d\": 9007199254740993}",
                   POA_ESCAPE_MARKDOWN, "42 -7 0 9007199254740993");
    assert_renders("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
                   "{\"a\": 1.21, \"b\": 0.1, \"c\": 3.0, \"d\": 1e300, \"e\": -2.5e-8, "
                   "\"f\": 0.30000000000000004}",
                   POA_ESCAPE_MARKDOWN, "1.21 0.1 3 1e+300 -2.5e-08 0.30000000000000004");
    assert_renders("{{t}} {{f}} [{{n}}] [{{l}}] [{{o}}]",
                   "{\"t\": true, \"f\": false, \"n\": null, \"l\": [1], \"o\": {}}",
                   POA_ESCAPE_HTML, "true false [] [] []");
}

static void test_unicode_untouched(void **state) {
    (void)state;
    static const char *const V = "Grüße — 日本語 😀 ＃ ﹤b﹥ \u00a0x";
    char json[256];
    snprintf(json, sizeof json, "{\"v\": \"%s\"}", V);
    for (int mode = POA_ESCAPE_MARKDOWN; mode <= POA_ESCAPE_NONE; mode++) {
        assert_renders("{{v}}", json, (poa_escape)mode, V);
    }
    assert_renders("{{#ключ}}{{имя}}{{/ключ}}", "{\"ключ\": {\"имя\": \"Ω\"}}",
                   POA_ESCAPE_MARKDOWN, "Ω");
}

static void test_sections_truthiness(void **state) {
    (void)state;
    assert_renders("[{{#s}}yes{{/s}}{{^s}}no{{/s}}]", "{\"s\": \"\"}", POA_ESCAPE_NONE,
                   "[no]");
    assert_renders("[{{#s}}{{.}}{{/s}}]", "{\"s\": \"x\"}", POA_ESCAPE_NONE, "[x]");
    assert_renders("[{{#s}}{{.}}{{/s}}]", "{\"s\": 0}", POA_ESCAPE_NONE, "[0]");
    assert_renders("[{{#s}}{{k}}{{/s}}]", "{\"s\": {}, \"k\": \"outer\"}",
                   POA_ESCAPE_NONE, "[outer]");
    assert_renders("{{#causes}}- {{title}}\n{{/causes}}",
                   "{\"causes\": [{\"title\": \"late\"}, {\"title\": \"A & B\"}]}",
                   POA_ESCAPE_MARKDOWN, "- late\n- A & B\n");
}

/* ---- errors ---- */

static void expect_error(const char *tpl, unsigned line, unsigned col,
                         const char *needle) {
    poa_mustache_options opt = {POA_ESCAPE_MARKDOWN, NULL, NULL, "poa.md", 0};
    poa_error err = {0};
    char *s = render_opt(tpl, "{\"a\": true}", &opt, &err);
    if (s) {
        fail_msg("[%s] rendered as [%s], expected an error", tpl, s);
    }
    assert_int_equal(err.status, POA_ERR_PARSE);
    assert_string_equal(err.file, "poa.md");
    if (err.line != line || err.column != col || !strstr(err.message, needle)) {
        fail_msg("[%s]: got %u:%u %s; want %u:%u ...%s...", tpl, err.line, err.column,
                 err.message, line, col, needle);
    }
}

static void test_errors(void **state) {
    (void)state;
    expect_error("Hello\n  {{name", 2, 3, "tag opened here is never closed — add '}}'");
    expect_error("Hi {{name}.\n{{other}}", 1, 4, "never closed — add '}}'");
    expect_error("Hi {{name\nmore}}", 1, 4, "not closed on its line");
    expect_error("a\n{{#causes}}\nx\n", 2, 1,
                 "section 'causes' opened here is never closed — add {{/causes}}");
    expect_error("{{#a}}\n {{/b}}", 2, 2,
                 "'{{/b}}' does not match section 'a' opened on line 1");
    expect_error("x {{/a}}", 1, 3, "closes a section that was never opened");
    expect_error("ab{{ }}", 1, 3, "empty tag name");
    expect_error("ab{{#}}{{/}}", 1, 3, "empty tag name");
    expect_error("{{{}}}", 1, 1, "empty tag name");
    expect_error("x\n\n  {{a b}}", 3, 3, "contains white space");
    expect_error("{{a..b}}", 1, 1, "empty part");
    expect_error("{{.a}}", 1, 1, "empty part");
    expect_error("one\n{{=<%=}}", 2, 1, "bad delimiter change");
    expect_error("{{= a b c =}}", 1, 1, "bad delimiter change");
    expect_error("{{=a=b c=}}", 1, 1, "bad delimiter change");
    expect_error("{{=<% %>=}}\n<%#a%>\n<%/b%>", 3, 1, "'<%/b%>' does not match");
    expect_error("{{=<% %>=}}<%#list%>", 1, 12, "add <%/list%>");
    /* Columns count characters, not UTF-8 bytes. */
    expect_error("é ü {{#x}}", 1, 5, "never closed");
    expect_error("{{!never closed", 1, 1, "never closed");
    /* A closer may not reuse the sigil's character ('>' here). */
    expect_error("{{=<% >=}}<%>x", 1, 11, "never closed");

    /* The caller's output is left as it was. */
    poa_buf out = POA_BUF_INIT;
    poa_buf_puts(&out, "keep");
    poa_error err;
    assert_int_equal(poa_mustache_render("x{{#a}}", 7, NULL, NULL, &out, &err),
                     POA_ERR_PARSE);
    assert_string_equal(out.data, "keep");
    assert_int_equal(err.column, 2);
    poa_buf_free(&out);
}

/* ---- limits ---- */

static int partials_fn(const char *name, poa_buf *out, void *payload) {
    json_t *text = json_object_get(payload, name);
    if (!json_is_string(text)) {
        return 0;
    }
    poa_buf_puts(out, json_string_value(text));
    return 1;
}

static char *nested(int depth) {
    char *s = malloc((size_t)depth * 12 + 1), *p = s;
    for (int i = 0; i < depth; i++) {
        p += sprintf(p, "{{#a}}");
    }
    for (int i = 0; i < depth; i++) {
        p += sprintf(p, "{{/a}}");
    }
    return s;
}

static void test_depth_limit(void **state) {
    (void)state;
    char *ok = nested(200), *deep = nested(300);
    char *s = render(ok, "{\"a\": true}", POA_ESCAPE_NONE);
    assert_string_equal(s, "");
    free(s);
    expect_error(deep, 1, 256 * 6 + 1, "nest deeper than 256");
    /* A false section is never entered, so depth is only spent when used. */
    s = render(deep, "{\"a\": false}", POA_ESCAPE_NONE);
    free(s);
    free(ok);
    free(deep);
}

static void test_partials(void **state) {
    (void)state;
    json_t *p =
        json_pack("{ss ss ss ss}", "self", "x{{>self}}", "item", "- {{name}}\n", "list",
                  "{{#items}}\n  {{>item}}\n{{/items}}", "bad", "ok\n  {{#open}}");
    poa_mustache_options opt = {POA_ESCAPE_MARKDOWN, partials_fn, p, "main.md", 0};
    poa_error err = {0};

    assert_null(render_opt("{{>self}}", "{}", &opt, &err));
    assert_int_equal(err.status, POA_ERR_PARSE);
    assert_string_equal(err.file, "self");
    assert_non_null(strstr(err.message, "partials nest deeper than 64"));

    char *s =
        render_opt("Items:\n{{>list}}\n",
                   "{\"items\": [{\"name\": \"a*\"}, {\"name\": \"b\"}]}", &opt, &err);
    assert_non_null(s);
    assert_string_equal(s, "Items:\n  - a\\*\n  - b\n");
    free(s);

    /* An error inside a partial names the partial; the column does not
     * count the indentation the include added. */
    assert_null(render_opt("  {{>bad}}\n", "{}", &opt, &err));
    assert_string_equal(err.file, "bad");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);

    s = render_opt("[{{>missing}}]", "{}", &opt, &err);
    assert_string_equal(s, "[]");
    free(s);
    json_decref(p);
}

static void test_output_and_work_limits(void **state) {
    (void)state;
    poa_mustache_options opt = {POA_ESCAPE_NONE, NULL, NULL, "big.md", 1000};
    poa_error err = {0};
    json_t *list = json_array();
    for (int i = 0; i < 200; i++) {
        json_array_append_new(list, json_integer(i));
    }
    json_t *doc = json_pack("{so}", "l", list);
    char *json = json_dumps(doc, 0);
    json_decref(doc);

    assert_null(render_opt("{{#l}}0123456789{{/l}}", json, &opt, &err));
    assert_int_equal(err.status, POA_ERR_PARSE);
    assert_non_null(strstr(err.message, "grows past 1000 bytes"));

    /* Empty nested loops produce nothing but must still stop: the work
     * bound follows the output bound (at least 2^20 steps). */
    assert_null(
        render_opt("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}", json, &opt, &err));
    assert_non_null(strstr(err.message, "too much work"));

    /* A partial doubling itself runs into the output limit. */
    json_t *p = json_pack("{ss}", "twice", "{{#l}}ab{{>twice}}{{>twice}}{{/l}}");
    opt = (poa_mustache_options){POA_ESCAPE_NONE, partials_fn, p, "big.md", 100000};
    assert_null(render_opt("{{>twice}}", json, &opt, &err));
    assert_int_equal(err.status, POA_ERR_PARSE);
    json_decref(p);

    /* Standalone indentation grows with each level of a recursive partial;
     * the bytes loaded count as work too. */
    char wide[1100];
    memset(wide, ' ', 1000);
    strcpy(wide + 1000, "{{>w}}\n");
    p = json_pack("{ss}", "w", wide);
    opt = (poa_mustache_options){POA_ESCAPE_NONE, partials_fn, p, "big.md", 1000};
    assert_null(render_opt("{{>w}}\n", json, &opt, &err));
    assert_non_null(strstr(err.message, "too much work"));
    json_decref(p);
    free(json);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_injection),
        cmocka_unit_test(test_markdown_exact),
        cmocka_unit_test(test_values_never_reparsed),
        cmocka_unit_test(test_html_and_none),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_unicode_untouched),
        cmocka_unit_test(test_sections_truthiness),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_partials),
        cmocka_unit_test(test_output_and_work_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
