/* The analysis report: every chart's numbers, read back from its data
 * table, against a small case counted by hand; the page is self-contained
 * and byte-identical from run to run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/date.h"
#include "poagen/diagnose.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"
#include "poagen/render.h"
#include "poagen/rules.h"

#define H                                                                                \
    "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsku\t"           \
    "latest-ship-date\tship-date\tfirst-scan-date\tcarrier\ttracking-number\t"           \
    "cancelled-by\tcancel-reason\tproduct-line\n"
#define ROW(id, p, st, sku, ls, sh, scan, car, trk, by, why, line)                       \
    "408-0000001-00000" id "\t2026-12-" p "T10:00:00+00:00\t" st "\tMerchant\t" sku      \
    "\t" ls "\t" sh "\t" scan "\t" car "\t" trk "\t" by "\t" why "\t" line "\n"

/* Amazon.co.uk, as of 2026-12-31 (the latest purchase). 2026-12-25 (Fri)
 * and 2026-12-28 (Mon) are holidays there. Hand count:
 *   01 Mon 12-21, due 12-22 (1 business day), shipped 12-22: on time. A, Royal Mail
 *   02 Thu 12-24, due 12-29: 25 holiday, 26-27 weekend, 28 holiday, so 1 business
 *      day; shipped 12-30, scanned 12-29: late, left on time. A, DPD
 *   03 Thu 12-24, due 12-29 (1 day), shipped 12-31, scanned 12-31: late. B and C
 *      (two item rows), DPD
 *   04 Thu 12-17, due 12-18 (1 day), shipped 12-21, no scan: late. B, Royal Mail
 *   05 Mon 12-14, due 12-17 (3 days), shipped 12-16: on time. C, Royal Mail, Kitchen
 *   06 Thu 12-10, due 12-11 (1 day), shipped 12-11: on time. C, Evri, Garden;
 *      1-star feedback on 12-20
 *   07 Mon 12-28 cancelled, nobody named, NoInventory (the seller's). A
 *   08 Tue 12-29 cancelled by the seller, NoInventory. B
 *   09 Tue 12-29 cancelled, BuyerCanceled (not counted). C
 *   10 Thu 12-31, due 2027-01-04: not yet judgeable. C
 * LSR 30 days (12-02..12-31): 01-06 judged, late 02 03 04: 3/6.
 *   weekday: Monday 0 of 2 (01 05), Thursday 3 of 4 (02 03 04 06)
 *   handling: 1 day 3 of 5, 3 days 0 of 1
 *   carrier: DPD 2 of 2, Royal Mail 1 of 3, Evri 0 of 1
 *   SKU (an order once per SKU): A 1 of 2, B 2 of 2, C 1 of 3
 *   first scan of the late: on/before due 1 (02), after 1 (03), none 1 (04)
 *   daily: as of 12-19: 04 overdue (due 12-18, shipped only 12-21), 05, 06: 1/3;
 *   as of 12-22: 01 04 05 06: 1/4.
 * CR 7 days lag 1 (12-24..12-30): 02 03 07 08 09 = 5; seller's 07 08: 2/5.
 *   reason NoInventory 2; SKU A 1 of 2 (02 07), B 1 of 2 (03 08), C 0 of 2 (03 09)
 *   stock synchronised: 07 08 never orders: 0/3.
 * ODR 60 days lag 15 (10-18..12-16): 05 06, defect 06: 1/2.
 *   SKU C 1 of 2; line Garden 1 of 1, Kitchen 0 of 1. */
static const char orders[] = H ROW("01", "21", "Shipped", "A", "2026-12-22", "2026-12-22",
                                   "", "Royal Mail", "", "", "", "")
    ROW("02", "24", "Shipped", "A", "2026-12-29", "2026-12-30", "2026-12-29", "DPD", "",
        "", "", "") ROW("03", "24", "Shipped", "B", "2026-12-29", "2026-12-31",
                        "2026-12-31", "DPD", "", "", "", "")
        ROW("03", "24", "Shipped", "C", "2026-12-29", "2026-12-31", "2026-12-31", "DPD",
            "", "", "", "") ROW("04", "17", "Shipped", "B", "2026-12-18", "2026-12-21",
                                "", "Royal Mail", "", "", "", "")
            ROW("05", "14", "Shipped", "C", "2026-12-17", "2026-12-16", "", "Royal Mail",
                "", "", "", "Kitchen") ROW("06", "10", "Shipped", "C", "2026-12-11",
                                           "2026-12-11", "", "Evri", "", "", "", "Garden")
                ROW("07", "28", "Cancelled", "A", "", "", "", "", "", "", "NoInventory",
                    "") ROW("08", "29", "Cancelled", "B", "", "", "", "", "", "seller",
                            "NoInventory", "") ROW("09", "29", "Cancelled", "C", "", "",
                                                   "", "", "", "", "BuyerCanceled", "")
                    ROW("10", "31", "Pending", "C", "2027-01-04", "", "", "", "", "", "",
                        "");

static const char feedback[] =
    "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\tRemoved\n"
    "20/12/26\t1\tBroken\t\t408-0000001-0000006\t\tno\n";

typedef struct {
    char *dir;
    poa_data *data;
    poa_case *kase;
    poa_metrics *metrics;
    poa_diagnosis *dx;
    poa_remedies *rem;
    poa_buf page;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_mkdtemp();
    test_write(f->dir, "orders.txt", orders);
    test_write(f->dir, "feedback.txt", feedback);
    f->data = test_load_data();
    assert_non_null(f->data);
    poa_error e;
    f->kase = test_load_case(f->dir, f->data, "Amazon.co.uk");
    assert_non_null(f->kase);
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
    assert_int_equal(poa_metrics_compute(&f->metrics, f->kase, f->data, &mo, &e), POA_OK);
    assert_int_equal(poa_diagnose(&f->dx, f->kase, f->metrics, f->data, &e), POA_OK);
    assert_int_equal(poa_rules_apply(&f->rem, f->dx, f->kase, f->data, "en", &e), POA_OK);
    poa_report_input in = {f->kase, f->metrics, f->dx, f->rem, f->data};
    poa_doc_options doc = {.lang = "en", .creation_epoch = -1};
    f->page = (poa_buf)POA_BUF_INIT;
    assert_int_equal(poa_render_report(&in, &doc, &f->page, &e), POA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    poa_buf_free(&f->page);
    poa_remedies_free(f->rem);
    poa_diagnosis_free(f->dx);
    poa_metrics_free(f->metrics);
    poa_case_free(f->kase);
    poa_data_free(f->data);
    test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* The row labelled `label` of table tbl-<id>: its first two numbers
 * ("<td>n</td><td>d</td>" or "<td>n/d</td>"). Returns how many were read. */
static int row(const fixture *f, const char *id, const char *label, long long *n,
               long long *d) {
    char key[128];
    snprintf(key, sizeof key, "<table class=\"data\" id=\"tbl-%s\">", id);
    const char *t = strstr(f->page.data, key);
    if (!t) {
        fail_msg("no table %s", id);
    }
    const char *end = strstr(t, "</table>");
    snprintf(key, sizeof key, "<th scope=\"row\">%s</th>", label);
    const char *r = strstr(t, key);
    if (!r || r > end) {
        return 0;
    }
    r += strlen(key);
    *d = -1;
    if (sscanf(r, "<td>%lld/%lld</td>", n, d) == 2) {
        return 2;
    }
    return sscanf(r, "<td>%lld</td><td>%lld</td>", n, d);
}

static void expect_row(const fixture *f, const char *id, const char *label, long long n,
                       long long d) {
    long long gn = -1, gd = -1;
    int k = row(f, id, label, &gn, &gd);
    if (k < 1 || gn != n || (d >= 0 && gd != d)) {
        fail_msg("%s / %s: got %lld/%lld, want %lld/%lld", id, label, gn, gd, n, d);
    }
}

static void test_late_shipments(void **state) {
    const fixture *f = *state;
    expect_row(f, "lsr-weekday", "Monday", 0, 2);
    expect_row(f, "lsr-weekday", "Thursday", 3, 4);
    expect_row(f, "lsr-weekday", "Friday", 0, 0);
    /* without the two holidays orders 02 and 03 would have had 3 days */
    expect_row(f, "lsr-handling", "1 business day", 3, 5);
    expect_row(f, "lsr-handling", "3 business days", 0, 1);
    expect_row(f, "lsr-handling", "2 business days", 0, 0);
    expect_row(f, "lsr-carrier", "DPD", 2, 2);
    expect_row(f, "lsr-carrier", "Royal Mail", 1, 3);
    expect_row(f, "lsr-carrier", "Evri", 0, 1);
    expect_row(f, "lsr-sku", "A", 1, 2);
    expect_row(f, "lsr-sku", "B", 2, 2);
    expect_row(f, "lsr-sku", "C", 1, 3);
    expect_row(f, "lsr-scan", "first scan on or before the latest ship day", 1, -1);
    expect_row(f, "lsr-scan", "first scan after the latest ship day", 1, -1);
    expect_row(f, "lsr-scan", "no first-scan date", 1, -1);
    /* SKU ranking: most late first */
    const char *t = strstr(f->page.data, "id=\"tbl-lsr-sku\"");
    assert_non_null(t);
    const char *b = strstr(t, ">B</th>"), *a = strstr(t, ">A</th>");
    assert_true(b && a && b < a);
}

static void test_daily_series(void **state) {
    const fixture *f = *state;
    expect_row(f, "lsr-mfn", "2026-12-31", 3, 6);
    expect_row(f, "lsr-mfn", "2026-12-22", 1, 4);
    expect_row(f, "lsr-mfn", "2026-12-19", 1, 3);
    expect_row(f, "cr-mfn", "2026-12-31", 2, 5);
    /* each point equals analyze --as-of that day */
    poa_metrics *m;
    poa_error e;
    poa_metrics_options mo = {.as_of = poa_day_from_ymd(2026, 12, 22)};
    assert_int_equal(poa_metrics_compute(&m, f->kase, f->data, &mo, &e), POA_OK);
    const poa_metric *l = poa_metrics_find(m, "lsr", "mfn", 30);
    assert_int_equal(l->numerator, 1);
    assert_int_equal(l->denominator, 4);
    poa_metrics_free(m);
    /* immature ODR points are marked */
    assert_non_null(strstr(f->page.data, "(immature)"));
    assert_non_null(strstr(f->page.data, "class=\"pt open\""));
}

static void test_cancellations_and_defects(void **state) {
    const fixture *f = *state;
    expect_row(f, "cr-reason", "NoInventory", 2, -1);
    expect_row(f, "cr-sku", "A", 1, 2);
    expect_row(f, "cr-sku", "B", 1, 2);
    expect_row(f, "cr-sku", "C", 0, 2);
    expect_row(f, "odr-sku", "C", 1, 2);
    expect_row(f, "odr-line", "Garden", 1, 1);
    expect_row(f, "odr-line", "Kitchen", 0, 1);
    /* the stock what-if: 07 and 08 never orders */
    assert_non_null(strstr(f->page.data, "2 of the 2 cancellations"));
    assert_non_null(strstr(f->page.data, "0.0% (0/3) instead of 40.0% (2/5)"));
}

static void test_what_if_functions(void **state) {
    const fixture *f = *state;
    const poa_metric *lsr = poa_metrics_find(f->metrics, "lsr", "mfn", 30);
    poa_what_if w;
    /* 02 due Tue 12-29, shipped 12-30; 03 shipped 12-31; 04 due Fri 12-18, shipped
     * Mon 12-21: two weekend days saved, 12-19, on Saturday: still late. */
    poa_what_if_weekend_dispatch(f->kase, lsr, f->metrics->as_of, &w);
    assert_int_equal(w.numerator_after, 3);
    assert_int_equal(w.denominator_after, 6);
    const poa_metric *vtr = poa_metrics_find(f->metrics, "vtr", "mfn", 30);
    poa_what_if_tracking_uploaded(f->kase, vtr, &w);
    assert_int_equal(w.numerator_after, vtr->denominator);
    const poa_metric *cr = poa_metrics_find(f->metrics, "cr", "mfn", 7);
    poa_what_if_stock_synced(f->kase, cr, &w);
    assert_int_equal(w.numerator_before, 2);
    assert_int_equal(w.numerator_after, 0);
    assert_int_equal(w.denominator_after, 3);
}

static void test_accessible_and_self_contained(void **state) {
    const fixture *f = *state;
    const char *p = f->page.data;
    static const char *const banned[] = {"http:",   "https:",  "<script",
                                         "@import", " src=",   "<link",
                                         "<iframe", "<object", "javascript:"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++) {
        if (strcasestr(p, banned[i])) {
            fail_msg("the page holds %s", banned[i]);
        }
    }
    for (const char *u = strstr(p, "url("); u; u = strstr(u + 1, "url(")) {
        assert_int_equal(u[4], '#'); /* only the page's own patterns */
    }
    size_t svgs = 0, titles = 0, descs = 0, roles = 0;
    for (const char *s = strstr(p, "<svg "); s; s = strstr(s + 1, "<svg ")) {
        svgs++;
        const char *end = strstr(s, "</svg>");
        const char *t = strstr(s, "<title id="), *d = strstr(s, "<desc id=");
        titles += t && t < end;
        descs += d && d < end;
        const char *gt = strchr(s, '>');
        const char *role = strstr(s, "role=\"img\"");
        roles += role && role < gt;
    }
    assert_true(svgs >= 10);
    assert_int_equal(titles, svgs);
    assert_int_equal(descs, svgs);
    assert_int_equal(roles, svgs);
    /* a data table behind every chart */
    size_t tables = 0;
    for (const char *s = strstr(p, "<table class=\"data\""); s;
         s = strstr(s + 1, "<table class=\"data\"")) {
        tables++;
    }
    size_t whatif = 0;
    for (const char *s = strstr(p, "class=\"whatif\""); s;
         s = strstr(s + 1, "class=\"whatif\"")) {
        whatif++;
    }
    assert_int_equal(tables + whatif, svgs);
}

static void test_deterministic(void **state) {
    const fixture *f = *state;
    poa_report_input in = {f->kase, f->metrics, f->dx, f->rem, f->data};
    poa_doc_options doc = {.lang = "en", .creation_epoch = -1};
    poa_buf again = POA_BUF_INIT;
    poa_error e;
    assert_int_equal(poa_render_report(&in, &doc, &again, &e), POA_OK);
    assert_int_equal(again.len, f->page.len);
    assert_memory_equal(again.data, f->page.data, again.len);
    poa_buf_free(&again);
}

static void test_empty_case(void **state) {
    (void)state;
    /* a case with no orders: a page saying so, no crash, no chart */
    char *dir = test_mkdtemp();
    test_write(dir, "orders.txt", H);
    poa_data *d = test_load_data();
    poa_case *k;
    poa_metrics *m;
    poa_diagnosis *dx;
    poa_error e;
    poa_ingest_options io = {"Amazon.co.uk", NULL, 0, NULL};
    assert_int_equal(poa_case_load(&k, dir, d, &io, &e), POA_OK);
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
    assert_int_equal(poa_metrics_compute(&m, k, d, &mo, &e), POA_OK);
    assert_int_equal(poa_diagnose(&dx, k, m, d, &e), POA_OK);
    poa_report_input in = {k, m, dx, NULL, d};
    poa_doc_options doc = {.creation_epoch = -1};
    poa_buf page = POA_BUF_INIT;
    assert_int_equal(poa_render_report(&in, &doc, &page, &e), POA_OK);
    assert_non_null(strstr(page.data, "</html>"));
    assert_null(strstr(page.data, "<svg"));
    poa_buf_free(&page);
    poa_diagnosis_free(dx);
    poa_metrics_free(m);
    poa_case_free(k);
    poa_data_free(d);
    test_rmtree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_late_shipments),
        cmocka_unit_test(test_daily_series),
        cmocka_unit_test(test_cancellations_and_defects),
        cmocka_unit_test(test_what_if_functions),
        cmocka_unit_test(test_accessible_and_self_contained),
        cmocka_unit_test(test_deterministic),
    };
    const struct CMUnitTest alone[] = {cmocka_unit_test(test_empty_case)};
    return cmocka_run_group_tests(tests, setup, teardown) |
           cmocka_run_group_tests(alone, NULL, NULL);
}
