/* HTML renderer: a complete, self-contained, safe and deterministic page. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/render.h"

static const char markdown[] =
    "# Plan of Action\n\n"
    "We fixed the **late shipment rate**; see [our policy](https://example.com/policy) "
    "and <https://sellercentral.amazon.de/performance>.\n\n"
    "Raw HTML is not passed: <b>bold</b> <script>alert(1)</script>\n\n"
    "<div onclick=\"x()\">block</div>\n\n"
    "[bad](javascript:alert(1))\n\n"
    "- Zürich, Malmö, Århus, señal\n- 延迟发货 缺陷\n";

static poa_doc_options options(void) {
    poa_doc_options o = {POA_PAPER_A4,
                         "Plan <of> Action & \"more\"",
                         "Seller & Co",
                         "Reinstatement",
                         "Nordlicht <Handel>",
                         "Case 1",
                         "nl",
                         -1};
    return o;
}

static char *render(const poa_doc_options *o) {
    poa_buf out = POA_BUF_INIT;
    poa_error err;
    if (poa_render_html(markdown, strlen(markdown), o, &out, &err) != POA_OK) {
        fail_msg("poa_render_html: %s", err.message);
    }
    char *s = strdup(poa_buf_cstr(&out));
    poa_buf_free(&out);
    return s;
}

static void test_complete_page(void **state) {
    (void)state;
    poa_doc_options o = options();
    char *html = render(&o);
    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"nl\">", 32), 0);
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(
        strstr(html, "<title>Plan &lt;of&gt; Action &amp; &quot;more&quot;</title>"));
    assert_non_null(strstr(html, "Nordlicht &lt;Handel&gt;"));
    assert_non_null(strstr(html, "@page{size:A4;margin:2cm}"));
    assert_non_null(strstr(html, "<strong>late shipment rate</strong>"));
    assert_non_null(strstr(html, "Zürich, Malmö, Århus, señal"));
    assert_non_null(strstr(html, "延迟发货 缺陷"));
    assert_non_null(strstr(html, "</html>\n"));
    free(html);
}

static void test_safe(void **state) {
    (void)state;
    poa_doc_options o = options();
    char *html = render(&o);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>"));
    assert_null(strstr(html, "onclick"));
    assert_null(strstr(html, "javascript:"));
    free(html);
}

/* Every URL in the page comes from the Markdown: nothing else is fetched. */
static void test_no_external_references(void **state) {
    (void)state;
    poa_doc_options o = options();
    char *html = render(&o);
    for (const char *p = html; (p = strstr(p, "http")) != NULL; p++) {
        if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0) {
            continue;
        }
        size_t n = strcspn(p, "\"<> \n");
        char url[256];
        assert_true(n < sizeof url);
        memcpy(url, p, n);
        url[n] = '\0';
        if (!strstr(markdown, url)) {
            fail_msg("URL not from the Markdown: %s", url);
        }
    }
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, "url("));
    free(html);
}

static void test_deterministic_and_paper(void **state) {
    (void)state;
    poa_doc_options o = options();
    char *a = render(&o), *b = render(&o);
    assert_string_equal(a, b);
    o.paper = POA_PAPER_LETTER;
    o.lang = "en\"><script>";
    char *c = render(&o);
    assert_non_null(strstr(c, "@page{size:letter;margin:2cm}"));
    assert_non_null(strstr(c, "<html lang=\"en\">"));
    free(a);
    free(b);
    free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_page),
        cmocka_unit_test(test_safe),
        cmocka_unit_test(test_no_external_references),
        cmocka_unit_test(test_deterministic_and_paper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
