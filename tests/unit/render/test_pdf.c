/* PDF renderer: text comes back out exactly (pdftotext), files are valid
 * (qpdf --check), output is deterministic, nothing is dropped silently. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poagen/render.h"

static poa_pdf_context *ctx;

typedef struct {
    const char *lang;
    const char *markdown;
    const char *expect[8]; /* sentences that must come back out */
    int no_spaces;         /* compare without any whitespace (Chinese) */
} sample;

static const sample samples[] = {
    {"en",
     "# Plan of Action\n\nDear Seller Performance Team,\n\n"
     "We take the **late shipment rate** of 6.8 % seriously and have fixed its "
     "causes.\n\n"
     "## Root causes\n\n1. Our carrier changed its cut-off time without notice.\n"
     "2. Handling time was one day for bulky items.\n   - Nested: the café order "
     "from Zürich was late.\n\n"
     "> All affected customers were contacted.\n\n"
     "Kind regards,  \nAnna Müller\n",
     {"Plan of Action",
      "We take the late shipment rate of 6.8 % seriously and have fixed its causes.",
      "Our carrier changed its cut-off time without notice.",
      "Nested: the café order from Zürich was late.",
      "All affected customers were contacted.", "Anna Müller", "Page 1 of 1", NULL},
     0},
    {"nl",
     "# Plan van aanpak\n\nGeacht Seller Performance-team,\n\n"
     "Wij nemen het percentage **te late verzendingen** serieus; de oorzaken zijn "
     "geëvalueerd en verholpen.\n\n- Coördinatie met de vervoerder is verbeterd.\n"
     "- Één medewerker controleert dagelijks de bestellingen.\n",
     {"Plan van aanpak",
      "Wij nemen het percentage te late verzendingen serieus; de oorzaken zijn "
      "geëvalueerd en verholpen.",
      "Coördinatie met de vervoerder is verbeterd.",
      "Één medewerker controleert dagelijks de bestellingen.", "Pagina 1 van 1", NULL},
     0},
    {"sv",
     "# Åtgärdsplan\n\nVi har åtgärdat orsakerna till de försenade leveranserna och "
     "förbättrat rutinerna på vårt lager i Malmö.\n\n1. Ansvarig person kontrollerar "
     "orderstatus varje förmiddag.\n",
     {"Åtgärdsplan",
      "Vi har åtgärdat orsakerna till de försenade leveranserna och förbättrat rutinerna "
      "på vårt lager i Malmö.",
      "Ansvarig person kontrollerar orderstatus varje förmiddag.", "Sida 1 av 1", NULL},
     0},
    {"es",
     "# Plan de acción\n\nEstimado equipo de rendimiento del vendedor:\n\n"
     "Hemos revisado la tasa de envíos tardíos y la **señal de pedido** de cada "
     "artículo; el año pasado no ocurrió.\n\n- Acción correctiva: cambio de "
     "transportista y pingüino de pruebas.\n",
     {"Plan de acción",
      "Hemos revisado la tasa de envíos tardíos y la señal de pedido de cada artículo; "
      "el "
      "año pasado no ocurrió.",
      "Acción correctiva: cambio de transportista y pingüino de pruebas.",
      "Página 1 de 1", NULL},
     0},
    {"da",
     "# Handlingsplan\n\nVi har gennemgået årsagerne til de forsinkede forsendelser og "
     "ændret vores rutiner på lageret i Århus.\n\n- Én medarbejder følger op på "
     "ordrer hver dag, også i weekenden.\n",
     {"Handlingsplan",
      "Vi har gennemgået årsagerne til de forsinkede forsendelser og ændret vores "
      "rutiner "
      "på lageret i Århus.",
      "Én medarbejder følger op på ordrer hver dag, også i weekenden.", "Side 1 af 1",
      NULL},
     0},
    {"zh",
     "# 行动计划：延迟发货率\n\n尊敬的卖家绩效团队：\n\n"
     "我们的账户因**延迟发货**"
     "和商品缺陷被停用。我们已经找出根本原因，并采取了纠正措施。\n\n"
     "## 一、根本原因\n\n1. 仓库合作伙伴没有通知就把截单时间从 17:00 改为 14:00。\n"
     "2. 部分产品在运输中出现损坏，导致买家投诉。\n\n此致\n敬礼\n",
     {"行动计划：延迟发货率",
      "我们的账户因延迟发货和商品缺陷被停用。我们已经找出根本原因，并采取了纠正措施。",
      "仓库合作伙伴没有通知就把截单时间从17:00改为14:00。",
      "部分产品在运输中出现损坏，导致买家投诉。", "此致敬礼", "第1页，共1页", NULL},
     1},
};

typedef struct {
    char messages[8][512];
    int n;
} warnings;

static void collect(const poa_error *w, void *payload) {
    warnings *ws = payload;
    if (ws->n < 8) {
        snprintf(ws->messages[ws->n], sizeof ws->messages[0], "%s", w->message);
    }
    ws->n++;
}

static poa_doc_options options(const char *lang) {
    poa_doc_options o = {POA_PAPER_A4,
                         "Plan of Action",
                         "Nordlicht Handel GmbH",
                         "Reinstatement",
                         "Nordlicht Handel GmbH",
                         "Case 1234567890",
                         lang,
                         -1};
    return o;
}

static void render(const char *md, const poa_doc_options *o, poa_buf *out,
                   unsigned *pages, warnings *ws) {
    poa_error err;
    poa_warner w = {collect, ws};
    poa_status st =
        poa_render_pdf(ctx, md, strlen(md), o, out, pages, ws ? &w : NULL, &err);
    if (st != POA_OK) {
        fail_msg("poa_render_pdf: %s", err.message);
    }
}

/* PDFs hold binary streams: search all bytes, not up to the first NUL. */
static int contains(const poa_buf *b, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= b->len; i++) {
        if (memcmp(b->data + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static void write_temp(const poa_buf *pdf, char *path, size_t n) {
    const char *tmp = getenv("TMPDIR");
    snprintf(path, n, "%s/poagen-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf->data, pdf->len), (ssize_t)pdf->len);
    close(fd);
}

/* Whitespace collapsed to one space, or removed entirely. */
static void normalise(char *s, int no_spaces) {
    char *w = s;
    int space = 0;
    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\f' || *r == '\r') {
            space = 1;
            continue;
        }
        if (space && w > s && !no_spaces) {
            *w++ = ' ';
        }
        space = 0;
        *w++ = *r;
    }
    *w = '\0';
}

static char *run_text(const char *cmd) {
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    poa_buf b = POA_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        poa_buf_append(&b, chunk, n);
    }
    assert_int_equal(pclose(p), 0);
    char *s = strdup(poa_buf_cstr(&b));
    poa_buf_free(&b);
    return s;
}

static char *pdf_text(const char *path, int layout) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext %s -enc UTF-8 '%s' - 2>/dev/null",
             layout ? "-layout" : "", path);
    return run_text(cmd);
}

static int qpdf_ok(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null 2>&1", path);
    return system(cmd) == 0;
}

/* What a reader copying text goes by: each font's ToUnicode map, here
 * the identity over UTF-16 code units in the ranges the CMap rules allow
 * (libharu writes a CID map there instead), and poppler reading the file
 * without a complaint. */
static void check_to_unicode(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable '%s' - | grep -a -c 'beginbfrange'",
             path);
    char *blocks = run_text(cmd);
    assert_true(atoi(blocks) >= 3); /* three blocks a font */
    free(blocks);
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable '%s' - | grep -a -c "
             "-e 'cidrange' -e '<0000> <FFFF> <0000>' -e '<D800>' || true",
             path);
    char *bad = run_text(cmd);
    assert_int_equal(atoi(bad), 0);
    free(bad);
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable '%s' - | grep -a -c "
             "-e '^<0000> <00FF> <0000>$' -e '^<4E00> <4EFF> <4E00>$'",
             path);
    char *rows = run_text(cmd);
    assert_true(atoi(rows) >= 2);
    free(rows);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1 >/dev/null", path);
    char *complaints = run_text(cmd);
    assert_string_equal(complaints, "");
    free(complaints);
}

static void check_sample(const sample *s) {
    poa_doc_options o = options(s->lang);
    poa_buf a = POA_BUF_INIT, b = POA_BUF_INIT;
    unsigned pages = 0;
    warnings ws = {0};
    render(s->markdown, &o, &a, &pages, &ws);
    assert_int_equal(ws.n, 0);
    assert_int_equal(pages, 1);
    render(s->markdown, &o, &b, NULL, NULL);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);

    char path[512];
    write_temp(&a, path, sizeof path);
    assert_true(qpdf_ok(path));
    check_to_unicode(path);
    for (int layout = 0; layout <= 1; layout++) {
        char *text = pdf_text(path, layout);
        normalise(text, s->no_spaces);
        for (int i = 0; s->expect[i]; i++) {
            char *want = strdup(s->expect[i]);
            normalise(want, s->no_spaces);
            if (!strstr(text, want)) {
                fail_msg("[%s] missing \"%s\" in:\n%s", s->lang, want, text);
            }
            free(want);
        }
        free(text);
    }
    unlink(path);
    poa_buf_free(&a);
    poa_buf_free(&b);
}

static void test_languages(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        check_sample(&samples[i]);
    }
}

/* Characters outside the common subsets come from the fallback fonts. */
static void test_fallback_fonts(void **state) {
    (void)state;
    static const char *want[] = {"Łódź Ştefan Őrség", "Ελλάδα Москва", "處理們", "深圳"};
    poa_doc_options o = options("en");
    poa_buf out = POA_BUF_INIT;
    warnings ws = {0};
    render("**Łódź Ştefan Őrség** Ελλάδα Москва 處理們 深圳\n", &o, &out, NULL, &ws);
    assert_int_equal(ws.n, 0);
    char path[512];
    write_temp(&out, path, sizeof path);
    assert_true(qpdf_ok(path));
    char *text = pdf_text(path, 0);
    normalise(text, 0);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(text, want[i])) {
            fail_msg("missing \"%s\" in:\n%s", want[i], text);
        }
    }
    free(text);
    unlink(path);
    poa_buf_free(&out);
}

static void test_emoji_warns(void **state) {
    (void)state;
    poa_doc_options o = options("en");
    poa_buf out = POA_BUF_INIT;
    warnings ws = {0};
    render("We are sorry \xF0\x9F\x98\x80 for the delay.\n", &o, &out, NULL, &ws);
    assert_int_equal(ws.n, 1);
    assert_non_null(strstr(ws.messages[0], "U+1F600"));
    poa_buf_free(&out);
}

static void test_long_document(void **state) {
    (void)state;
    poa_buf md = POA_BUF_INIT;
    poa_buf_puts(&md, "# A long plan\n\n");
    for (int i = 1; i <= 40; i++) {
        poa_buf_printf(&md,
                       "## Step %d\n\nParagraph %d explains what we changed, why it "
                       "fixes the cause, and how we check every week that the change "
                       "holds; it is long enough to wrap onto a second line.\n\n"
                       "- first point of step %d\n- second point of step %d\n\n",
                       i, i, i, i);
    }
    poa_doc_options o = options("en");
    poa_buf out = POA_BUF_INIT;
    unsigned pages = 0;
    render(md.data, &o, &out, &pages, NULL);
    assert_true(pages > 1);
    char path[512], want[64];
    write_temp(&out, path, sizeof path);
    assert_true(qpdf_ok(path));
    char *text = pdf_text(path, 0);
    snprintf(want, sizeof want, "Page 1 of %u", pages);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "Page %u of %u", pages, pages);
    assert_non_null(strstr(text, want));
    /* every step heading made it, on some page */
    assert_non_null(strstr(text, "Step 40"));
    assert_non_null(strstr(text, "second point of step 40"));
    free(text);
    unlink(path);
    poa_buf_free(&out);
    poa_buf_free(&md);
}

/* A figure is one token: a line never ends inside a date such as
 * 2026-11-15, even though words break after their hyphens. */
static void test_dates_not_broken(void **state) {
    (void)state;
    poa_buf md = POA_BUF_INIT;
    for (int i = 0; i < 120; i++) {
        poa_buf_printf(&md, "On 2026-11-%02d order 202-1234567-12345%02d shipped. ",
                       i % 28 + 1, i);
    }
    poa_doc_options o = options("en");
    poa_buf pdf = POA_BUF_INIT;
    render(md.data, &o, &pdf, NULL, NULL);
    char path[512];
    write_temp(&pdf, path, sizeof path);
    char *text = pdf_text(path, 1);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        while (n && line[n - 1] == ' ') {
            line[--n] = '\0';
        }
        if (n >= 2 && line[n - 1] == '-' && line[n - 2] >= '0' && line[n - 2] <= '9') {
            fail_msg("a line ends inside a figure: \"%s\"", line);
        }
    }
    free(text);
    unlink(path);
    poa_buf_free(&pdf);
    poa_buf_free(&md);
}

static void test_paper_sizes(void **state) {
    (void)state;
    poa_doc_options o = options("en");
    poa_buf a4 = POA_BUF_INIT, letter = POA_BUF_INIT;
    render("Hello.\n", &o, &a4, NULL, NULL);
    o.paper = POA_PAPER_LETTER;
    render("Hello.\n", &o, &letter, NULL, NULL);
    assert_true(contains(&a4, "/MediaBox [ 0 0 595.276 841.89"));
    assert_true(contains(&letter, "/MediaBox [ 0 0 612 792 ]"));
    poa_buf_free(&a4);
    poa_buf_free(&letter);
}

static void test_creation_date(void **state) {
    (void)state;
    poa_doc_options o = options("en");
    poa_buf none = POA_BUF_INIT, dated = POA_BUF_INIT;
    render("Hello.\n", &o, &none, NULL, NULL);
    o.creation_epoch = 1767225600; /* 2026-01-01T00:00:00Z */
    render("Hello.\n", &o, &dated, NULL, NULL);
    assert_false(contains(&none, "/CreationDate"));
    assert_true(contains(&dated, "/CreationDate (D:20260101000000Z"));
    poa_buf_free(&none);
    poa_buf_free(&dated);
}

static void test_missing_fonts(void **state) {
    (void)state;
    poa_pdf_context *c = NULL;
    poa_error err;
    assert_int_equal(poa_pdf_context_new(&c, "/nonexistent/poagen-fonts", &err),
                     POA_ERR_IO);
    assert_null(c);
    assert_non_null(strstr(err.message, "fonts-dejavu-core"));
    poa_pdf_context_free(NULL);
}

/* libharu drops CJK composite glyphs silently and text extraction hides
 * it: look at the pixels. A page with only a big Chinese heading must have
 * ink where the heading is. */
static void test_cjk_glyphs_have_ink(void **state) {
    (void)state;
    poa_doc_options o = options("zh");
    o.header_left = o.header_right = NULL;
    poa_buf out = POA_BUF_INIT;
    render("# 缺陷延迟发货\n", &o, &out, NULL, NULL);
    char path[512], cmd[1200];
    write_temp(&out, path, sizeof path);
    /* crop to the heading line at 36 dpi, gray PGM: count dark pixels */
    snprintf(
        cmd, sizeof cmd,
        "pdftoppm -r 36 -gray -x 0 -y 28 -W 300 -H 20 '%s' 2>/dev/null | tail -c 6000 | "
        "od -An -v -tu1 | tr -s ' ' '\\n' | awk '$1 != \"\" && $1 < 128 {n++} END {print "
        "n+0}'",
        path);
    char *n = run_text(cmd);
    assert_true(atoi(n) > 40);
    free(n);
    unlink(path);
    poa_buf_free(&out);
}

static int setup(void **state) {
    (void)state;
    const char *dir = getenv("POAGEN_FONTS");
    poa_error err;
    if (!dir || poa_pdf_context_new(&ctx, dir, &err) != POA_OK) {
        fprintf(stderr, "test_pdf: fonts not loaded from %s\n",
                dir ? dir : "(POAGEN_FONTS unset)");
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    poa_pdf_context_free(ctx);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_fallback_fonts),
        cmocka_unit_test(test_emoji_warns),
        cmocka_unit_test(test_long_document),
        cmocka_unit_test(test_paper_sizes),
        cmocka_unit_test(test_dates_not_broken),
        cmocka_unit_test(test_creation_date),
        cmocka_unit_test(test_missing_fonts),
        cmocka_unit_test(test_cjk_glyphs_have_ink),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
