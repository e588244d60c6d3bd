/* Hand-counted metric cases. Each fixture is a tiny orders export whose
 * expected figures were counted by hand; the comments give the count. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/date.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"

#define H                                                                                \
    "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsku\t"           \
    "latest-ship-date\tship-date\tcancelled-by\tcancel-reason\ttracking-"                \
    "number\tcarrier\t"                                                                  \
    "promised-delivery-date\tdelivery-date\n"

typedef struct {
    char *dir;
    poa_data *data;
    poa_case *kase;
    poa_metrics *metrics;
} fixture;

static void load(fixture *f, const char *orders, const char *feedback,
                 const char *as_of) {
    f->dir = test_mkdtemp();
    assert_non_null(f->dir);
    test_write(f->dir, "orders.txt", orders);
    if (feedback) {
        test_write(f->dir, "feedback.txt", feedback);
    }
    f->data = test_load_data();
    assert_non_null(f->data);
    poa_error e;
    poa_ingest_options io = {"Amazon.co.uk", NULL, 0, NULL};
    if (poa_case_load(&f->kase, f->dir, f->data, &io, &e) != POA_OK) {
        fail_msg("%s:%u:%u: %s", e.file, e.line, e.column, e.message);
    }
    poa_metrics_options mo = {POA_NO_DAY};
    if (as_of) {
        assert_int_equal(poa_parse_iso_day(as_of, strlen(as_of), 0, &mo.as_of, NULL), 0);
    }
    assert_int_equal(poa_metrics_compute(&f->metrics, f->kase, f->data, &mo, &e), POA_OK);
}

static void unload(fixture *f) {
    poa_metrics_free(f->metrics);
    poa_case_free(f->kase);
    poa_data_free(f->data);
    test_rmtree(f->dir);
    free(f->dir);
}

static const poa_metric *get(const fixture *f, const char *id, const char *ch, int days) {
    const poa_metric *m = poa_metrics_find(f->metrics, id, ch, days);
    assert_non_null(m);
    return m;
}

/* As of 2026-03-31, LSR windows: 30 days = 03-02..03-31, 10 days = 03-22..03-31.
 *   A on time (03-03); B late (due 03-06, confirmed 03-09); C late, spans two
 *   item rows (counts once); D Amazon-fulfilled (never in LSR); E cancelled
 *   (leaves the denominator); F unshipped, due 03-20: overdue, late;
 *   G unshipped, due 03-31 = D: not yet judgeable; H due 02-28: outside;
 *   I on time (03-25); J late (due 03-30, confirmed 03-31).
 * 30 days: A B C F I J = 6 orders, late B C F J = 4, overdue F = 1.
 * 10 days: I J = 2, late J = 1. */
static const char lsr_orders[] =
    H "111-0000001-0000001\t2026-03-02T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "03\t2026-03-03\t\t\t\t\t\t\n"
      "111-0000001-0000002\t2026-03-05T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "06\t2026-03-09\t\t\t\t\t\t\n"
      "111-0000001-0000003\t2026-03-09T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "10\t2026-03-11\t\t\t\t\t\t\n"
      "111-0000001-0000003\t2026-03-09T10:00:00+00:00\tShipped\tMerchant\tS2\t2026-03-"
      "10\t2026-03-11\t\t\t\t\t\t\n"
      "111-0000001-0000004\t2026-03-09T10:00:00+00:00\tShipped\tAmazon\tS1\t2026-03-"
      "10\t2026-03-20\t\t\t\t\t\t\n"
      "111-0000001-0000005\t2026-03-11T10:00:00+00:00\tCancelled\tMerchant\tS1\t2026-03-"
      "12\t\tseller\tNoInventory\t\t\t\t\n"
      "111-0000001-0000006\t2026-03-19T10:00:00+00:00\tUnshipped\tMerchant\tS1\t2026-03-"
      "20\t\t\t\t\t\t\t\n"
      "111-0000001-0000007\t2026-03-30T10:00:00+00:00\tUnshipped\tMerchant\tS1\t2026-03-"
      "31\t\t\t\t\t\t\t\n"
      "111-0000001-0000008\t2026-02-27T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-02-"
      "28\t2026-03-05\t\t\t\t\t\t\n"
      "111-0000001-0000009\t2026-03-24T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "25\t2026-03-25\t\t\t\t\t\t\n"
      "111-0000001-0000010\t2026-03-27T10:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "30\t2026-03-31\t\t\t\t\t\t\n";

static void test_lsr_hand_counted(void **state) {
    (void)state;
    fixture f;
    load(&f, lsr_orders, NULL, "2026-03-31");
    const poa_metric *m30 = get(&f, "lsr", "mfn", 30);
    assert_int_equal(m30->numerator, 4);
    assert_int_equal(m30->denominator, 6);
    assert_int_equal(m30->overdue, 1);
    assert_int_equal(m30->status, POA_FAIL);
    char day[11];
    poa_day_format(m30->from, day);
    assert_string_equal(day, "2026-03-02");
    poa_day_format(m30->to, day);
    assert_string_equal(day, "2026-03-31");
    const poa_metric *m10 = get(&f, "lsr", "mfn", 10);
    assert_int_equal(m10->numerator, 1);
    assert_int_equal(m10->denominator, 2);
    /* LSR is seller-fulfilled only: no all/afn rows. */
    assert_null(poa_metrics_find(f.metrics, "lsr", "afn", 30));
    assert_int_equal(f.kase->norders, 10); /* 11 rows, one order spans two */
    unload(&f);
}

/* The default as-of date is the latest purchase date: 2026-03-30 here. */
static void test_default_as_of(void **state) {
    (void)state;
    fixture f;
    load(&f, lsr_orders, NULL, NULL);
    char day[11];
    poa_day_format(f.metrics->as_of, day);
    assert_string_equal(day, "2026-03-30");
    unload(&f);
}

/* CR as of 2026-03-31: window 7 days, lag 1 = 03-24..03-30, MFN by purchase.
 *   K seller-cancelled (NoInventory): counts. L buyer-cancelled: excluded.
 *   M reason BuyerCanceled, nobody named: excluded. N cancelled, nothing
 *   named: counts, reported as unattributed. O cancelled-by seller although
 *   reason BuyerCanceled (the buyer asked by message): counts. P shipped, later
 *   refunded: not a cancellation. Q Amazon-fulfilled cancelled: never in CR.
 *   R seller-cancelled on 03-31 = outside the window (lag 1).
 * Denominator K L M N O P = 6; numerator K N O = 3; unattributed 1. */
static const char cr_orders[] =
    H "222-0000001-0000001\t2026-03-24T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\tseller\tNoInventory\t\t\t\t\n"
      "222-0000001-0000002\t2026-03-25T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\tbuyer\tBuyerCanceled\t\t\t\t\n"
      "222-0000001-0000003\t2026-03-26T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\t\tBuyerCanceled\t\t\t\t\n"
      "222-0000001-0000004\t2026-03-27T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\t\t\t\t\t\t\n"
      "222-0000001-0000005\t2026-03-28T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\tseller\tBuyerCanceled\t\t\t\t\n"
      "222-0000001-0000006\t2026-03-29T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-03-"
      "30\t2026-03-30\t\t\t\t\t\t\n"
      "222-0000001-0000007\t2026-03-29T08:00:00+00:"
      "00\tCancelled\tAmazon\tS1\t\t\tseller\tNoInventory\t\t\t\t\n"
      "222-0000001-0000008\t2026-03-31T08:00:00+00:"
      "00\tCancelled\tMerchant\tS1\t\t\tseller\tNoInventory\t\t\t\t\n";

static void test_cr_hand_counted(void **state) {
    (void)state;
    fixture f;
    load(&f, cr_orders, NULL, "2026-03-31");
    const poa_metric *m = get(&f, "cr", "mfn", 7);
    assert_int_equal(m->denominator, 6);
    assert_int_equal(m->numerator, 3);
    assert_int_equal(m->unattributed, 1);
    assert_int_equal(m->status, POA_FAIL);
    unload(&f);
}

/* ODR as of 2026-05-31: 60 days, lag 15 = 03-18..05-16 by purchase date, all
 * channels. Orders: a (03-20) with two negative feedbacks: one defect.
 * b (03-25, Amazon-fulfilled) with 1-star: a defect (ODR covers all channels).
 * c (04-01) 2-star removed: no defect. d (04-05) 3-star: not negative.
 * e (05-10) no feedback, 21 days old at D: young, so the window is immature
 * and settles on 06-09. f (03-10) negative but outside the window. g (04-10)
 * 1-star given 06-02, after D: ignored.
 * Denominator a b c d e g = 6, numerator a b = 2. */
static void test_odr_hand_counted(void **state) {
    (void)state;
    static const char orders[] =
        H "333-0000001-0000001\t2026-03-20T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "03-21\t2026-03-21\t\t\t\t\t\t\n"
          "333-0000001-0000002\t2026-03-25T08:00:00+00:"
          "00\tShipped\tAmazon\tS1\t\t\t\t\t\t\t\t\n"
          "333-0000001-0000003\t2026-04-01T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "04-02\t2026-04-02\t\t\t\t\t\t\n"
          "333-0000001-0000004\t2026-04-05T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "04-06\t2026-04-06\t\t\t\t\t\t\n"
          "333-0000001-0000005\t2026-05-10T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "05-11\t2026-05-11\t\t\t\t\t\t\n"
          "333-0000001-0000006\t2026-03-10T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "03-11\t2026-03-11\t\t\t\t\t\t\n"
          "333-0000001-0000007\t2026-04-10T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "04-11\t2026-04-11\t\t\t\t\t\t\n";
    static const char feedback[] =
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\tRemoved\n"
        "24/3/26\t1\tNever arrived\t\t333-0000001-0000001\t\tno\n"
        "26/3/26\t2\tStill nothing\t\t333-0000001-0000001\t\tno\n"
        "28/3/26\t1\tBroken\t\t333-0000001-0000002\t\t\n"
        "4/4/26\t2\tLate\t\t333-0000001-0000003\t\tyes\n"
        "8/4/26\t3\tOkay\t\t333-0000001-0000004\t\tno\n"
        "15/3/26\t1\tBad\t\t333-0000001-0000006\t\tno\n"
        "2/6/26\t1\tToo late\t\t333-0000001-0000007\t\tno\n";
    fixture f;
    load(&f, orders, feedback, "2026-05-31");
    const poa_metric *m = get(&f, "odr", "all", 60);
    char day[11];
    poa_day_format(m->from, day);
    assert_string_equal(day, "2026-03-18");
    poa_day_format(m->to, day);
    assert_string_equal(day, "2026-05-16");
    assert_int_equal(m->denominator, 6);
    assert_int_equal(m->numerator, 2);
    assert_int_equal(m->negative_feedback, 2);
    assert_int_equal(m->status, POA_FAIL);
    assert_true(m->immature);
    assert_int_equal(m->young, 1);
    poa_day_format(m->settles_on, day);
    assert_string_equal(day, "2026-06-09");
    /* Per channel: the Amazon-fulfilled defect is in afn only. */
    assert_int_equal(get(&f, "odr", "afn", 60)->numerator, 1);
    assert_int_equal(get(&f, "odr", "mfn", 60)->numerator, 1);
    assert_int_equal(get(&f, "odr", "mfn", 60)->denominator, 5);
    unload(&f);
}

/* A metric with no orders in scope is no-data, never 0 % (an FBA-only shop
 * has no LSR). */
static void test_no_data(void **state) {
    (void)state;
    static const char orders[] = H "444-0000001-0000001\t2026-03-05T08:00:00+00:"
                                   "00\tShipped\tAmazon\tS1\t\t\t\t\t\t\t\t\n";
    fixture f;
    load(&f, orders, NULL, "2026-03-31");
    const poa_metric *m = get(&f, "lsr", "mfn", 30);
    assert_int_equal(m->denominator, 0);
    assert_int_equal(m->status, POA_NO_DATA);
    assert_int_equal(get(&f, "cr", "mfn", 7)->status, POA_NO_DATA);
    assert_int_equal(get(&f, "vtr", "mfn", 30)->status, POA_NO_DATA);
    unload(&f);
}

/* Pass/fail on the exact fraction: 1 of 25 = 4 % exactly is not < 4 %. */
static void test_exact_fraction_at_target(void **state) {
    (void)state;
    char orders[8192];
    size_t n = (size_t)snprintf(orders, sizeof orders, "%s", H);
    for (int i = 1; i <= 25; i++) {
        n += (size_t)snprintf(
            orders + n, sizeof orders - n,
            "555-0000001-%07d\t2026-03-10T08:00:00+00:00\tShipped\tMerchant\tS1\t"
            "2026-03-11\t%s\t\t\t\t\t\t\n",
            i, i == 1 ? "2026-03-12" : "2026-03-11");
    }
    fixture f;
    load(&f, orders, NULL, "2026-03-31");
    const poa_metric *m = get(&f, "lsr", "mfn", 30);
    assert_int_equal(m->numerator, 1);
    assert_int_equal(m->denominator, 25);
    assert_int_equal(m->status, POA_FAIL);
    unload(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsr_hand_counted),
        cmocka_unit_test(test_default_as_of),
        cmocka_unit_test(test_cr_hand_counted),
        cmocka_unit_test(test_odr_hand_counted),
        cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_exact_fraction_at_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
