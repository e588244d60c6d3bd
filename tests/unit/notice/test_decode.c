/* The notice decoder on its own: normalisation (case folding, NFKC, white
 * space), word boundaries, figures with decimal commas, dates in each
 * language's formats, deadlines, replies and e-mail decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/date.h"
#include "poagen/notice.h"

static poa_data *data;
static poa_notice_table *table;

static int setup(void **state) {
    (void)state;
    poa_error e;
    if (poa_data_load(&data, test_data_dir(), NULL, &e) != POA_OK) {
        fprintf(stderr, "%s\n", e.message);
        return -1;
    }
    return poa_notice_table_load(&table, test_data_dir(), &e) == POA_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    poa_notice_table_free(table);
    poa_data_free(data);
    return 0;
}

static poa_notice *decode(const char *text, const char *lang, int reply) {
    poa_notice_options opt = {lang, POA_NO_DAY, reply};
    poa_notice *n = NULL;
    poa_error e;
    assert_int_equal(poa_notice_decode(&n, table, data, text, strlen(text), &opt, &e),
                     POA_OK);
    return n;
}

static int has_cause(const poa_notice *n, const char *id) {
    for (size_t i = 0; i < n->ncauses; i++) {
        if (!strcmp(n->causes[i].id, id)) {
            return 1;
        }
    }
    return 0;
}

static int day(int y, int m, int d) {
    return poa_day_from_ymd(y, m, d);
}

static void test_normalisation(void **state) {
    (void)state;
    /* full-width letters (NFKC), upper case, a line break inside the name,
     * a no-break space before the per cent sign */
    poa_notice *n = decode("Your ＬＡＴＥ SHIPMENT\n   rate is 11,2\xC2\xA0% and we have "
                           "deactivated the following listings.",
                           "en", 0);
    assert_true(has_cause(n, "lsr"));
    assert_int_equal(n->nfigures, 1);
    assert_true(n->figures[0].rate > 0.11199 && n->figures[0].rate < 0.11201);
    assert_string_equal(n->action, "listing-removal");
    poa_notice_free(n);
}

static void test_word_boundaries(void **state) {
    (void)state;
    /* "odr" inside a word, "patent" continuing ("patented" is a prefix match) */
    poa_notice *n =
        decode("Hello, the kodrin crate was sold. This is a warning about a patented "
               "design.",
               "en", 0);
    assert_false(has_cause(n, "odr"));
    assert_false(has_cause(n, "cr"));
    assert_true(has_cause(n, "ip_patent"));
    poa_notice_free(n);
    /* Chinese: no word boundaries at all */
    n = decode("您的订单缺陷率为2.1%。", "zh", 0);
    assert_true(has_cause(n, "odr"));
    assert_int_equal(n->nfigures, 1);
    assert_true(n->figures[0].rate > 0.02099 && n->figures[0].rate < 0.02101);
    poa_notice_free(n);
}

static void test_targets_are_not_figures(void **state) {
    (void)state;
    poa_notice *n =
        decode("Ons doel is een annuleringspercentage van minder dan 2,5 %. Je "
               "annuleringspercentage bedraagt 4,75 %.",
               "nl", 0);
    assert_int_equal(n->nfigures, 1);
    assert_string_equal(n->figures[0].metric, "cr");
    assert_true(n->figures[0].rate > 0.04749 && n->figures[0].rate < 0.04751);
    poa_notice_free(n);
}

static void test_dates_and_deadlines(void **state) {
    (void)state;
    /* month-first numbers on Amazon.com */
    poa_notice *n =
        decode("Date: 11/16/2026. Your Amazon.com account has been deactivated. "
               "Appeal before 12/04/2026.",
               "en", 0);
    assert_int_equal(n->date, day(2026, 11, 16));
    assert_int_equal(n->deadline, day(2026, 12, 4));
    poa_notice_free(n);
    /* day-first on Amazon.co.uk */
    n = decode("Date: 04/12/2026. Your Amazon.co.uk account has been deactivated. Appeal "
               "within 17 days.",
               "en", 0);
    assert_int_equal(n->date, day(2026, 12, 4));
    assert_int_equal(n->deadline, day(2026, 12, 21));
    poa_notice_free(n);
    /* "within" without a notice date stays unresolved, not guessed */
    n = decode("Du kan överklaga inom 30 dagar.", "sv", 0);
    assert_int_equal(n->deadline, POA_NO_DAY);
    assert_int_equal(n->deadline_unresolved, 30);
    poa_notice_free(n);
    n = decode("请于2027年1月5日之前提交。账户已被停用。", "zh", 0);
    assert_int_equal(n->deadline, day(2027, 1, 5));
    poa_notice_free(n);
    n = decode("Dato: 28. februar 2027. Din konto er blevet deaktiveret. Svar senest 3. "
               "marts 2027.",
               "da", 0);
    assert_int_equal(n->date, day(2027, 2, 28));
    assert_int_equal(n->deadline, day(2027, 3, 3));
    poa_notice_free(n);
    /* an impossible date is no date */
    n = decode("Fecha: 31 de febrero de 2027. Tu cuenta ha sido desactivada.", "es", 0);
    assert_int_equal(n->date, POA_NO_DAY);
    poa_notice_free(n);
}

static void test_language_detection(void **state) {
    (void)state;
    poa_notice *n =
        decode("Hej, din konto er blevet deaktiveret, og det er vi kede af. Du har "
               "ikke opfyldt målet for annulleringsrate.",
               NULL, 0);
    assert_string_equal(n->language, "da");
    poa_notice_free(n);
    n = decode(
        "Hej, ditt konto har avaktiverats och vi har inte fått något svar från dig.",
        NULL, 0);
    assert_string_equal(n->language, "sv");
    poa_notice_free(n);
    n = decode("xyz 123", NULL, 0);
    assert_null(n->language);
    assert_false(n->understood);
    assert_int_equal(n->nunknown, 1);
    poa_notice_free(n);
}

static void test_replies(void **state) {
    (void)state;
    poa_notice *n =
        decode("Je account wordt niet opnieuw geactiveerd. Dit is een definitieve "
               "beslissing.",
               "nl", 1);
    assert_int_equal(n->nreplies, 1);
    assert_string_equal(n->replies[0].kind, "rejected");
    poa_notice_free(n);
    n = decode("Your account has been reinstated. Thank you.", "en", 1);
    assert_int_equal(n->nreplies, 1);
    assert_string_equal(n->replies[0].kind, "reinstated");
    poa_notice_free(n);
}

static void test_email(void **state) {
    (void)state;
    const char *eml = "From: a@b.c\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
                      "Content-Type: text/plain; charset=iso-8859-1\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                      "Tu cuenta ha sido desactivada por env=EDos atrasa=\r\ndos.\r\n";
    poa_buf text = POA_BUF_INIT;
    int32_t d;
    poa_error e;
    assert_int_equal(poa_notice_text(&text, &d, eml, strlen(eml), "x.eml", &e), POA_OK);
    assert_string_equal(poa_buf_cstr(&text),
                        "Tu cuenta ha sido desactivada por envíos atrasados.\n");
    assert_int_equal(d, day(2026, 12, 1));
    poa_buf_free(&text);
    /* plain text in Windows-1252 */
    const char *cp = "Vi har tagit bort f\xF6ljande erbjudanden.";
    assert_int_equal(poa_notice_text(&text, &d, cp, strlen(cp), "x.txt", &e), POA_OK);
    assert_string_equal(poa_buf_cstr(&text), "Vi har tagit bort följande erbjudanden.");
    assert_int_equal(d, POA_NO_DAY);
    poa_buf_free(&text);
    const char *html = "From: a@b.c\nSubject: x\nContent-Type: text/html\n\n<p>A &amp; B"
                       "<br>&eacute;&#233;&#xE9;</p><script>x</script>";
    assert_int_equal(poa_notice_text(&text, &d, html, strlen(html), "h.eml", &e), POA_OK);
    assert_string_equal(poa_buf_cstr(&text), "\nA & B\nééé\n");
    poa_buf_free(&text);
    /* A part that claims UTF-8 but holds a surrogate, and an entity naming
     * one: what is handed on is valid UTF-8 all the same. */
    const char *bad = "From: a@b.c\nDate: x\nContent-Type: text/html; charset=utf-8\n\n"
                      "a\xED\xA0\x80"
                      "b &#xD800; c";
    assert_int_equal(poa_notice_text(&text, &d, bad, strlen(bad), "b.eml", &e), POA_OK);
    assert_null(strstr(poa_buf_cstr(&text), "\xED\xA0\x80"));
    assert_non_null(strstr(poa_buf_cstr(&text), "&#xD800;"));
    poa_buf_free(&text);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_normalisation),
                                       cmocka_unit_test(test_word_boundaries),
                                       cmocka_unit_test(test_targets_are_not_figures),
                                       cmocka_unit_test(test_dates_and_deadlines),
                                       cmocka_unit_test(test_language_detection),
                                       cmocka_unit_test(test_replies),
                                       cmocka_unit_test(test_email)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
