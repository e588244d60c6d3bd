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

static void load_more(fixture *f, const char *orders, const char *feedback,
                      const char *as_of, const char *const *more) {
    f->dir = test_mkdtemp();
    assert_non_null(f->dir);
    test_write(f->dir, "orders.txt", orders);
    if (feedback) {
        test_write(f->dir, "feedback.txt", feedback);
    }
    for (size_t i = 0; more && more[i]; i += 2) {
        test_write(f->dir, more[i], more[i + 1]);
    }
    f->data = test_load_data();
    assert_non_null(f->data);
    poa_error e;
    f->kase = test_load_case(f->dir, f->data, "Amazon.co.uk");
    assert_non_null(f->kase);
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
    if (as_of) {
        assert_int_equal(poa_parse_iso_day(as_of, strlen(as_of), 0, &mo.as_of, NULL), 0);
    }
    assert_int_equal(poa_metrics_compute(&f->metrics, f->kase, f->data, &mo, &e), POA_OK);
}

static void load(fixture *f, const char *orders, const char *feedback,
                 const char *as_of) {
    load_more(f, orders, feedback, as_of, NULL);
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

/* ODR with all three defect kinds, as of 2026-05-31 (window 03-18..05-16),
 * marketplace UK (withdrawn claims do not count there).
 *   o1 negative feedback + granted claim + service chargeback: one defect.
 *   o2 denied claim: no defect, but a claim for the claim rate.
 *   o3 withdrawn claim: no defect on UK; claim rate counts it.
 *   o4 fraud chargeback: never a defect, not a service chargeback.
 *   o5 open claim: a defect (not denied).
 *   o6 service chargeback dated 06-05, after D: ignored.
 *   o7 Amazon-fulfilled with a granted claim: a defect in all and afn.
 *   o8 nothing.
 * all: 8 orders, defects o1 o5 o7 = 3; components: negative feedback 1,
 * claims (any status) o1 o2 o3 o5 o7 = 5, service chargebacks o1 = 1. */
static const char odr3_orders[] = H
    "666-0000001-0000001\t2026-03-20T08:00:00+00:"
    "00\tShipped\tMerchant\tA\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000002\t2026-03-21T08:00:00+00:"
    "00\tShipped\tMerchant\tB\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000003\t2026-03-22T08:00:00+00:"
    "00\tShipped\tMerchant\tA\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000004\t2026-03-23T08:00:00+00:"
    "00\tShipped\tMerchant\tA\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000005\t2026-03-24T08:00:00+00:"
    "00\tShipped\tMerchant\tB\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000006\t2026-03-25T08:00:00+00:"
    "00\tShipped\tMerchant\tA\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000007\t2026-03-26T08:00:00+00:00\tShipped\tAmazon\tA\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000007\t2026-03-26T08:00:00+00:00\tShipped\tAmazon\tB\t\t\t\t\t\t\t\t\n"
    "666-0000001-0000008\t2026-03-27T08:00:00+00:"
    "00\tShipped\tMerchant\tA\t\t\t\t\t\t\t\t\n";
static const char *const odr3_more[] = {
    "claims.txt",
    "order-id\tclaim-date\tstatus\treason\n"
    "666-0000001-0000001\t2026-04-02\tgranted\tNot received\n"
    "666-0000001-0000002\t2026-04-02\tdenied\tNot received\n"
    "666-0000001-0000003\t2026-04-02\twithdrawn\tNot received\n"
    "666-0000001-0000005\t2026-04-02\topen\tNot received\n"
    "666-0000001-0000007\t2026-04-02\tgranted\tNot received\n",
    "chargebacks.txt",
    "order-id\tchargeback-date\ttype\treason\n"
    "666-0000001-0000001\t2026-04-10\tservice\tNot received\n"
    "666-0000001-0000004\t2026-04-10\tfraud\tUnauthorised\n"
    "666-0000001-0000006\t2026-06-05\tservice\tNot received\n",
    NULL};

static void test_odr_components(void **state) {
    (void)state;
    static const char feedback[] =
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
        "1/4/26\t1\tNever came\t\t666-0000001-0000001\t\n";
    fixture f;
    load_more(&f, odr3_orders, feedback, "2026-05-31", odr3_more);
    const poa_metric *m = get(&f, "odr", "all", 60);
    assert_int_equal(m->denominator, 8);
    assert_int_equal(m->numerator, 3);
    assert_int_equal(m->negative_feedback, 1);
    assert_int_equal(m->claims, 5);
    assert_int_equal(m->defect_claims, 3);
    assert_int_equal(m->chargebacks, 1);
    assert_int_equal(get(&f, "odr", "afn", 60)->numerator, 1);
    assert_int_equal(get(&f, "odr", "mfn", 60)->numerator, 2);
    /* Per SKU: o7 holds A and B and counts once for each. A: o1 o3 o4 o6 o7
     * o8 = 6 orders, defects o1 o7 = 2; B: o2 o5 o7 = 3, defects o5 o7 = 2. */
    int seen = 0;
    for (size_t i = 0; i < f.metrics->nbreakdown; i++) {
        const poa_breakdown *b = &f.metrics->breakdown[i];
        if (strcmp(b->id, "odr") != 0 || strcmp(b->kind, "sku") != 0) {
            continue;
        }
        if (strcmp(b->key, "A") == 0) {
            assert_int_equal(b->denominator, 6);
            assert_int_equal(b->numerator, 2);
            seen++;
        } else if (strcmp(b->key, "B") == 0) {
            assert_int_equal(b->denominator, 3);
            assert_int_equal(b->numerator, 2);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    unload(&f);
}

/* The report's daily series asks for totals only: the same figures, item
 * for item, and no per-SKU or per-line breakdown and no trend. */
static void test_totals_only(void **state) {
    (void)state;
    fixture f;
    load_more(&f, odr3_orders, NULL, "2026-05-31", odr3_more);
    poa_metrics *t;
    poa_error e;
    poa_metrics_options mo = {.as_of = f.metrics->as_of, .totals_only = 1};
    assert_int_equal(poa_metrics_compute(&t, f.kase, f.data, &mo, &e), POA_OK);
    assert_true(f.metrics->nbreakdown > 0);
    assert_int_equal(t->nbreakdown, 0);
    assert_int_equal(t->count, f.metrics->count);
    for (size_t i = 0; i < t->count; i++) {
        assert_string_equal(t->items[i].id, f.metrics->items[i].id);
        assert_string_equal(t->items[i].channel, f.metrics->items[i].channel);
        assert_int_equal(t->items[i].numerator, f.metrics->items[i].numerator);
        assert_int_equal(t->items[i].denominator, f.metrics->items[i].denominator);
        assert_int_equal(t->items[i].status, f.metrics->items[i].status);
        assert_int_equal(t->items[i].immature, f.metrics->items[i].immature);
        if (strcmp(t->items[i].source, "data") == 0) { /* no trend asked for */
            assert_int_equal(t->items[i].prev_numerator, 0);
            assert_int_equal(t->items[i].prev_denominator, 0);
        }
    }
    poa_metrics_free(t);
    unload(&f);
}

/* On NL the marketplace table counts withdrawn claims: o3 becomes a defect. */
static void test_withdrawn_claims_switch(void **state) {
    (void)state;
    fixture f;
    f.dir = test_mkdtemp();
    test_write(f.dir, "orders.txt", odr3_orders);
    for (size_t i = 0; odr3_more[i]; i += 2) {
        test_write(f.dir, odr3_more[i], odr3_more[i + 1]);
    }
    f.data = test_load_data();
    poa_error e;
    poa_ingest_options io = {"Amazon.nl", NULL, 0, NULL};
    assert_int_equal(poa_case_load(&f.kase, f.dir, f.data, &io, &e), POA_OK);
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
    poa_parse_iso_day("2026-05-31", 10, 0, &mo.as_of, NULL);
    assert_int_equal(poa_metrics_compute(&f.metrics, f.kase, f.data, &mo, &e), POA_OK);
    /* o1 o3 o5 o7 (feedback file absent here). */
    assert_int_equal(get(&f, "odr", "all", 60)->numerator, 4);
    unload(&f);
}

/* RDR as of 2026-03-31, 30 days lag 0 = 03-02..03-31, by request date.
 *   r1 answered next day: fine. r2 answered 3 days later (> day + 2): late.
 *   r3 never answered, requested 03-10: late. r4 invalid rejection.
 *   r5 negative return feedback though answered at once. r6 requested 03-30,
 *   unanswered, still inside its 48 h: not a defect, window immature,
 *   settles 04-02. r7 valid rejection on time: fine. r8 requested 02-20:
 *   outside. Denominator r1..r7 = 7, numerator r2 r3 r4 r5 = 4. */
static void test_rdr_hand_counted(void **state) {
    (void)state;
    static const char orders[] = H "777-0000001-0000001\t2026-02-15T08:00:00+00:"
                                   "00\tShipped\tMerchant\tS1\t\t\t\t\t\t\t\t\n";
    static const char *const more[] = {
        "returns.csv",
        "Order ID,Order date,Return request date,Return request status,Merchant SKU,"
        "response-date,rejection,return-feedback\n"
        "777-0000002-0000001,2026-02-20,2026-03-03,Approved,S1,2026-03-04,,\n"
        "777-0000002-0000002,2026-02-20,2026-03-05,Approved,S1,2026-03-08,,\n"
        "777-0000002-0000003,2026-02-20,2026-03-10,Pending,S1,,,\n"
        "777-0000002-0000004,2026-02-20,2026-03-12,Rejected,S1,2026-03-12,invalid,\n"
        "777-0000002-0000005,2026-02-20,2026-03-15,Approved,S1,2026-03-15,,negative\n"
        "777-0000002-0000006,2026-02-20,2026-03-30,Pending,S1,,,\n"
        "777-0000002-0000007,2026-02-20,2026-03-20,Rejected,S1,2026-03-21,valid,"
        "positive\n"
        "777-0000002-0000008,2026-02-10,2026-02-20,Approved,S1,,,\n",
        NULL};
    fixture f;
    load_more(&f, orders, NULL, "2026-03-31", more);
    const poa_metric *m = get(&f, "rdr", "all", 30);
    assert_int_equal(m->denominator, 7);
    assert_int_equal(m->numerator, 4);
    assert_int_equal(m->unanswered, 2);
    assert_int_equal(m->invalid_rejections, 1);
    assert_int_equal(m->negative_returns, 1);
    assert_true(m->immature);
    assert_int_equal(m->young, 1);
    char day[11];
    poa_day_format(m->settles_on, day);
    assert_string_equal(day, "2026-04-02");
    unload(&f);
}

/* Files that complete orders, as of 2026-03-31 (LSR 30 days = 03-02..03-31).
 *   u1 in the orders report, unshipped, latest ship 03-10; the confirmation
 *   file ships it 03-12: late. u2 only in the unshipped report, promise
 *   03-15, never confirmed: overdue, late. u3 shipped on time (03-05) per
 *   confirmation, later "cancelled" 03-20 in the cancellations file: a
 *   refund after shipment, still in LSR, not a cancellation.
 *   u4 cancelled by the buyer through the cancellations file: leaves LSR.
 * LSR: u1 u2 u3 = 3, late u1 u2 = 2, overdue 1. */
static void test_completing_files(void **state) {
    (void)state;
    static const char orders[] =
        H "888-0000001-0000001\t2026-03-08T08:00:00+00:00\tUnshipped\tMerchant\tS1\t2026-"
          "03-10\t\t\t\t\t\t\t\n"
          "888-0000001-0000003\t2026-03-03T08:00:00+00:00\tShipped\tMerchant\tS1\t2026-"
          "03-05\t\t\t\t\t\t\t\n"
          "888-0000001-0000004\t2026-03-24T08:00:00+00:00\tUnshipped\tMerchant\tS1\t2026-"
          "03-26\t\t\t\t\t\t\t\n";
    static const char *const more[] = {
        "unshipped.txt",
        "order-id\torder-item-id\tpurchase-date\tpayments-date\treporting-date\tpromise-"
        "date\tdays-past-promise\tsku\n"
        "888-0000001-0000002\t1\t2026-03-13\t2026-03-13\t2026-03-31\t2026-03-"
        "15\t16\tS2\n",
        "confirm.txt",
        "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-"
        "name\ttracking-"
        "number\tship-method\n"
        "888-0000001-0000001\t1\t1\t2026-03-12\tOther\tSlowPost\tSP1\tStandard\n"
        "888-0000001-0000003\t1\t1\t2026-03-05\tOther\tSlowPost\tSP2\tStandard\n"
        "999-0000001-0000009\t1\t1\t2026-03-05\tOther\tSlowPost\tSP3\tStandard\n",
        "cancel.txt",
        "order-id\tcancel-date\tcancelled-by\treason\n"
        "888-0000001-0000003\t2026-03-20\tseller\tGeneralAdjustment\n"
        "888-0000001-0000004\t2026-03-25\tbuyer\tBuyerCanceled\n",
        NULL};
    fixture f;
    load_more(&f, orders, NULL, "2026-03-31", more);
    assert_int_equal(f.kase->norders, 4);
    const poa_metric *m = get(&f, "lsr", "mfn", 30);
    assert_int_equal(m->denominator, 3);
    assert_int_equal(m->numerator, 2);
    assert_int_equal(m->overdue, 1);
    /* CR 03-24..03-30: u4 only, buyer-requested: 0 of 1. */
    assert_int_equal(get(&f, "cr", "mfn", 7)->numerator, 0);
    assert_int_equal(get(&f, "cr", "mfn", 7)->denominator, 1);
    /* The unknown order's confirmation and the refund were skipped, and said so. */
    unsigned long long skipped = 0;
    for (size_t i = 0; i < f.kase->nfiles; i++) {
        skipped += f.kase->files[i].skipped;
    }
    assert_int_equal(skipped, 2);
    unload(&f);
}

/* The marketplace's report next to the data: its target wins for our own
 * figure, and a disagreement beyond rounding is flagged. Report: LSR
 * 2026-03-02..03-31, rate 0.25 (shortest decimal: 2 places, so ±0.005),
 * target < 0.5. Data (lsr_orders above) over the same dates: 4/6 = 0.667,
 * which differs; judged against 0.5 it still fails. */
static void test_report_vs_data(void **state) {
    (void)state;
    static const char *const more[] = {
        "perf.json",
        "{\"accountStatuses\":[{\"marketplaceId\":\"A1F83G8C2ARO7P\",\"status\":\"AT_"
        "RISK\"}],"
        "\"performanceMetrics\":[{\"marketplaceId\":\"A1F83G8C2ARO7P\","
        "\"lateShipmentRate\":"
        "{\"reportingDateRange\":{\"reportingDateFrom\":\"2026-03-02T00:00Z\","
        "\"reportingDateTo\":\"2026-03-31T23:59Z\"},\"orderCount\":8,"
        "\"lateShipmentCount\":2,"
        "\"status\":\"BAD\",\"rate\":0.25,\"targetValue\":0.5,\"targetCondition\":"
        "\"LESS_THAN\"}}]}",
        NULL};
    fixture f;
    load_more(&f, lsr_orders, NULL, "2026-03-31", more);
    const poa_metric *ours = get(&f, "lsr", "mfn", 30);
    assert_true(ours->target_value == 0.5);
    assert_int_equal(ours->status, POA_FAIL); /* 4/6 is not < 1/2 */
    const poa_metric *rep = NULL, *over = NULL;
    for (size_t i = 0; i < f.metrics->count; i++) {
        const poa_metric *m = &f.metrics->items[i];
        if (strcmp(m->source, "report") == 0) {
            rep = m;
        } else if (m->report_range) {
            over = m;
        }
    }
    assert_non_null(rep);
    assert_non_null(over);
    assert_string_equal(rep->report_status, "BAD");
    assert_int_equal(rep->numerator, 2);
    assert_int_equal(rep->denominator, 8);
    assert_int_equal(over->numerator, 4);
    assert_int_equal(over->denominator, 6);
    assert_true(rep->differs && over->differs);
    assert_int_equal(f.kase->nreport_statuses, 1);
    /* Beyond rounding: 0.034 printed by a report stands for 0.0335..0.0345. */
    assert_false(poa_rate_differs(0.0344, 0.034));
    assert_true(poa_rate_differs(0.0346, 0.034));
    assert_false(poa_rate_differs(0.95294, 0.9529));
    unload(&f);
}

/* Feedback, claims and returns as prefixed columns of the orders file; an
 * order spanning two item rows counts its joined records once. */
static void test_joined_columns(void **state) {
    (void)state;
    static const char orders[] =
        "amazon-order-id\tpurchase-date\tfulfillment-channel\tsku\tfeedback-rating\t"
        "feedback-date\tclaim-status\tclaim-date\treturn-request-date\treturn-feedback\n"
        "999-0000001-0000001\t2026-03-10\tMerchant\tA\t1\t2026-03-15\tgranted\t2026-03-"
        "16\t"
        "2026-03-12\tnegative\n"
        "999-0000001-0000001\t2026-03-10\tMerchant\tB\t1\t2026-03-15\tgranted\t2026-03-"
        "16\t"
        "2026-03-12\tnegative\n"
        "999-0000001-0000002\t2026-03-11\tMerchant\tA\t\t\t\t\t\t\n";
    fixture f;
    /* As of 04-30 the ODR window is 02-15..04-15. */
    load(&f, orders, NULL, "2026-04-30");
    assert_int_equal(f.kase->norders, 2);
    assert_int_equal(f.kase->nfeedback, 1);
    assert_int_equal(f.kase->nclaims, 1);
    assert_int_equal(f.kase->nreturns, 1);
    const poa_metric *m = get(&f, "odr", "all", 60);
    assert_int_equal(m->numerator, 1);
    assert_int_equal(m->denominator, 2);
    unload(&f);
}

/* ---- Every figure against a plain per-order recount ---------------------
 * The metrics stage counts each order once for all windows, channels and
 * metrics. Here a few thousand random orders (every status, channel,
 * missing day, tracking kind, several SKUs, days far enough apart to be
 * kept whole) are counted the slow way, order by order and window by
 * window, with the per-order tests the other stages use, and every figure
 * must agree, breakdown included. */

static unsigned rnd_state;
static unsigned rnd(unsigned n) {
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void put_day(FILE *f, int32_t day) {
    char s[11];
    poa_day_format(day, s);
    fputs(s, f);
}

/* A day column: empty one time in `none`. */
static void put_day_or_none(FILE *f, int32_t day, unsigned none) {
    if (rnd(none) != 0) {
        put_day(f, day);
    }
}

static char *random_case(char **fb, char **claims, char **cbs) {
    char *orders, *feedback, *claim, *cb;
    size_t n1, n2, n3, n4;
    FILE *o = open_memstream(&orders, &n1), *f = open_memstream(&feedback, &n2);
    FILE *cl = open_memstream(&claim, &n3), *c = open_memstream(&cb, &n4);
    fputs("amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsku\t"
          "latest-ship-date\tship-date\tcancelled-by\tcancel-reason\ttracking-number\t"
          "carrier\tpromised-delivery-date\tdelivery-date\tproduct-line\n",
          o);
    fputs("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\tRemoved\n", f);
    fputs("order-id\tclaim-date\tstatus\treason\n", cl);
    fputs("order-id\tchargeback-date\ttype\treason\n", c);
    static const char *const status[] = {"Shipped", "Shipped", "Cancelled", "Unshipped",
                                         "Pending"};
    static const char *const channel[] = {"Merchant", "Merchant", "Amazon"};
    static const char *const by[] = {"", "seller", "buyer"};
    static const char *const reason[] = {"", "", "", "NoInventory", "BuyerCanceled"};
    static const char *const claim_status[] = {"granted", "denied", "withdrawn", "open"};
    int32_t first = poa_day_from_ymd(2026, 1, 1);
    for (int i = 1; i <= 3000; i++) {
        char id[20];
        snprintf(id, sizeof id, "123-0000001-%07d", i);
        int32_t p = first + (int32_t)rnd(200), latest = p + (int32_t)rnd(6);
        int32_t ship = p + (int32_t)rnd(9), promised = latest + 1 + (int32_t)rnd(6);
        /* Now and then a parcel months late: the order no longer fits its
         * packed record. */
        int32_t delivery = rnd(50) ? ship + (int32_t)rnd(9) : p + 130 + (int32_t)rnd(60);
        const char *st = status[rnd(5)], *ch = channel[rnd(3)];
        const char *b = by[rnd(3)], *r = reason[rnd(5)];
        unsigned tk = rnd(5);
        const char *carrier = tk == 4 ? "SlowPost" : tk == 3 ? "" : "Royal Mail";
        const char *number = tk == 0   ? "AB123456789GB"
                             : tk == 1 ? "AB12GB"
                             : tk == 4 ? "SP1"
                                       : "";
        char line[8];
        snprintf(line, sizeof line, "L%u", rnd(4));
        int items = 1 + (rnd(4) == 0) + (rnd(8) == 0);
        for (int k = 0; k < items; k++) {
            fprintf(o, "%s\t", id);
            put_day(o, p);
            fprintf(o, "T10:00:00+00:00\t%s\t%s\tS%u\t", st, ch, rnd(25));
            put_day_or_none(o, latest, 8);
            fputc('\t', o);
            put_day_or_none(o, ship, 5);
            fprintf(o, "\t%s\t%s\t%s\t%s\t", strcmp(st, "Cancelled") ? "" : b,
                    strcmp(st, "Cancelled") ? "" : r, number, carrier);
            put_day_or_none(o, promised, 6);
            fputc('\t', o);
            put_day_or_none(o, delivery, 4);
            fprintf(o, "\t%s\n", rnd(6) ? line : "");
        }
        if (rnd(6) == 0) {
            int y, m, d;
            poa_day_to_ymd(p + 1 + (int32_t)rnd(60), &y, &m, &d);
            fprintf(f, "%d/%d/%02d\t%u\t\t\t%s\t\t%s\n", d, m, y % 100, 1 + rnd(5), id,
                    rnd(5) ? "no" : "yes");
        }
        if (rnd(15) == 0) {
            fprintf(cl, "%s\t", id);
            put_day(cl, p + 5 + (int32_t)rnd(60));
            fprintf(cl, "\t%s\tNot received\n", claim_status[rnd(4)]);
        }
        if (rnd(30) == 0) {
            fprintf(c, "%s\t", id);
            put_day(c, p + 5 + (int32_t)rnd(60));
            fprintf(c, "\t%s\tNot received\n", rnd(3) ? "service" : "fraud");
        }
    }
    fclose(o);
    fclose(f);
    fclose(cl);
    fclose(c);
    *fb = feedback;
    *claims = claim;
    *cbs = cb;
    return orders;
}

/* One order's defects as of D, found the slow way. */
typedef struct {
    int feedback, any_claim, claim, chargeback;
} order_defects;

static order_defects defects_of(const poa_case *c, size_t k, int32_t as_of) {
    order_defects d = {0, 0, 0, 0};
    int withdrawn = c->marketplace && c->marketplace->withdrawn_claims_count;
    for (size_t i = 0; i < c->nfeedback; i++) {
        const poa_feedback *f = &c->feedback[i];
        d.feedback |= f->order == k && f->rating <= 2 && !f->removed && f->day <= as_of;
    }
    for (size_t i = 0; i < c->nclaims; i++) {
        const poa_claim *cl = &c->claims[i];
        if (cl->order == k && cl->day <= as_of) {
            d.any_claim = 1;
            d.claim |= cl->status != POA_CLAIM_DENIED &&
                       (cl->status != POA_CLAIM_WITHDRAWN || withdrawn);
        }
    }
    for (size_t i = 0; i < c->nchargebacks; i++) {
        const poa_chargeback *cb = &c->chargebacks[i];
        d.chargeback |= cb->order == k && !cb->fraud && cb->day <= as_of;
    }
    return d;
}

static int between(int32_t day, int32_t from, int32_t to) {
    return day != POA_NO_DAY && day >= from && day <= to;
}

/* What the slow count adds up: the metric's figures over from..to. */
typedef struct {
    long long num, den, overdue, unattributed, unknown, no_date, young;
    long long neg_fb, claims, defect_claims, chargebacks;
    int32_t youngest;
} slow_tally;

/* Order k against metric `id` over from..to: -1 outside, else 0 or 1 as
 * the numerator counts it; t (may be NULL) gets the detail. */
static int slow_verdict(const poa_case *c, const order_defects *dk, size_t k,
                        const char *id, int32_t from, int32_t to, int32_t as_of,
                        int immature, slow_tally *t) {
    const poa_order o = poa_case_order_at(c, k);
    int mfn = o.channel == POA_CH_MFN, cancelled = o.status == POA_ORDER_CANCELLED;
    if (strcmp(id, "lsr") == 0) {
        if (t && mfn && !cancelled && o.latest_ship == POA_NO_DAY) {
            t->no_date++;
        }
        int v = poa_order_lsr_verdict(&o, from, to, as_of);
        if (t && v > 0 && (o.ship == POA_NO_DAY || o.ship > as_of)) {
            t->overdue++;
        }
        return v;
    }
    if (strcmp(id, "otdr") == 0) {
        int v = poa_order_otdr_verdict(&o, from, to, as_of);
        return v < 0 ? -1 : !v;
    }
    if (strcmp(id, "vtr") == 0) {
        if (!mfn || !between(o.ship, from, to)) {
            return -1;
        }
        int unknown = o.tracking == POA_TRACKING_UNKNOWN_CARRIER;
        if (t) {
            t->unknown += unknown;
        }
        return o.tracking == POA_TRACKING_VALID || unknown;
    }
    if (strcmp(id, "cr") == 0) {
        if (!mfn || !between(o.purchase, from, to)) {
            return -1;
        }
        if (!cancelled || poa_cancel_buyer_requested(c, &o)) {
            return 0;
        }
        if (t) {
            t->unattributed += o.cancelled_by == POA_BY_NONE && o.cancel_reason == 0xFFFF;
        }
        return 1;
    }
    /* odr */
    if (!between(o.purchase, from, to)) {
        return -1;
    }
    const order_defects *d = &dk[k];
    if (t) {
        t->neg_fb += d->feedback;
        t->claims += d->any_claim;
        t->defect_claims += d->claim;
        t->chargebacks += d->chargeback;
        if (immature > 0 && o.purchase > as_of - immature) {
            t->young++;
            t->youngest = t->youngest > o.purchase ? t->youngest : o.purchase;
        }
    }
    return d->feedback || d->claim || d->chargeback;
}

static slow_tally slow_count(const poa_case *c, const order_defects *dk, const char *id,
                             const char *ch, int32_t from, int32_t to, int32_t as_of,
                             int immature) {
    slow_tally t;
    memset(&t, 0, sizeof t);
    t.youngest = POA_NO_DAY;
    for (size_t k = 0; k < c->norders; k++) {
        const poa_order o = poa_case_order_at(c, k);
        if (!poa_order_in_channel(&o, ch)) {
            continue;
        }
        int v = slow_verdict(c, dk, k, id, from, to, as_of, immature, &t);
        t.den += v >= 0;
        t.num += v > 0;
    }
    return t;
}

/* Per SKU and line for the primary window of `id` on channel ch. */
static void check_breakdown(const poa_case *c, const poa_metrics *m,
                            const order_defects *dk, const poa_metric *r) {
    size_t nk = c->nskus + c->nproduct_lines;
    long long *num = calloc(nk + 1, sizeof *num), *den = calloc(nk + 1, sizeof *den);
    assert_non_null(num);
    assert_non_null(den);
    for (size_t k = 0; k < c->norders; k++) {
        const poa_order o = poa_case_order_at(c, k);
        int v = poa_order_in_channel(&o, r->channel)
                    ? slow_verdict(c, dk, k, r->id, r->from, r->to, m->as_of, 0, NULL)
                    : -1;
        if (v < 0) {
            continue;
        }
        if (o.sku != UINT32_MAX) {
            den[o.sku]++;
            num[o.sku] += v;
        }
        if (o.product_line != 0xFFFF) {
            den[c->nskus + o.product_line]++;
            num[c->nskus + o.product_line] += v;
        }
        for (size_t j = 0; j < c->norder_skus; j++) {
            if (c->order_skus[j].order == k) {
                den[c->order_skus[j].sku]++;
                num[c->order_skus[j].sku] += v;
            }
        }
    }
    size_t rows = 0;
    for (size_t i = 0; i < m->nbreakdown; i++) {
        const poa_breakdown *b = &m->breakdown[i];
        if (strcmp(b->id, r->id) != 0) {
            continue;
        }
        size_t k = 0;
        int sku = strcmp(b->kind, "sku") == 0;
        while (k < (sku ? c->nskus : c->nproduct_lines) &&
               strcmp(sku ? c->skus[k] : c->product_lines[k], b->key) != 0) {
            k++;
        }
        k += sku ? 0 : c->nskus;
        assert_int_equal(b->numerator, num[k]);
        assert_int_equal(b->denominator, den[k]);
        rows++;
    }
    size_t want = 0;
    for (size_t k = 0; k < nk; k++) {
        want += den[k] > 0;
    }
    assert_int_equal(rows, want);
    free(num);
    free(den);
}

static void test_every_figure_recounted(void **state) {
    (void)state;
    rnd_state = 2026;
    char *fb, *claims, *cbs;
    char *orders = random_case(&fb, &claims, &cbs);
    const char *const more[] = {"claims.txt", claims, "chargebacks.txt", cbs, NULL};
    /* The default day (latest purchase), mid-data, and after the data. */
    static const char *const days[] = {NULL, "2026-04-20", "2026-07-28"};
    for (size_t a = 0; a < sizeof days / sizeof days[0]; a++) {
        fixture f;
        load_more(&f, orders, fb, days[a], more);
        const poa_case *c = f.kase;
        assert_true(c->norders == 3000 && c->norder_skus > 200 && c->nfeedback > 300);
        order_defects *dk = calloc(c->norders, sizeof *dk);
        assert_non_null(dk);
        for (size_t k = 0; k < c->norders; k++) {
            dk[k] = defects_of(c, k, f.metrics->as_of);
        }
        size_t checked = 0, counted = 0;
        for (size_t i = 0; i < f.metrics->count; i++) {
            const poa_metric *r = &f.metrics->items[i];
            if (strcmp(r->id, "rdr") == 0 || strcmp(r->source, "data") != 0) {
                continue;
            }
            int imm = r->def->immature_days;
            slow_tally t = slow_count(c, dk, r->id, r->channel, r->from, r->to,
                                      f.metrics->as_of, imm);
            slow_tally p = slow_count(c, dk, r->id, r->channel, r->from - r->window_days,
                                      r->from - 1, f.metrics->as_of, imm);
            assert_int_equal(r->numerator, t.num);
            assert_int_equal(r->denominator, t.den);
            assert_int_equal(r->prev_numerator, p.num);
            assert_int_equal(r->prev_denominator, p.den);
            assert_int_equal(r->overdue, t.overdue);
            assert_int_equal(r->unattributed, t.unattributed);
            assert_int_equal(r->unknown_carrier, t.unknown);
            assert_int_equal(r->no_date, t.no_date);
            assert_int_equal(r->negative_feedback, t.neg_fb);
            assert_int_equal(r->claims, t.claims);
            assert_int_equal(r->defect_claims, t.defect_claims);
            assert_int_equal(r->chargebacks, t.chargebacks);
            assert_int_equal(r->young, t.young);
            assert_int_equal(r->settles_on, t.young ? t.youngest + imm : POA_NO_DAY);
            counted += t.den > 0;
            if (poa_metrics_find(f.metrics, r->id, r->channel, 0) == r &&
                strcmp(r->channel, strcmp(r->id, "odr") == 0 ? "all" : "mfn") == 0) {
                check_breakdown(c, f.metrics, dk, r);
            }
            checked++;
        }
        /* Nearly every figure has something to count (after the data,
         * the cancellation window has none). */
        assert_true(checked >= 9 && counted + 1 >= checked);
        free(dk);
        unload(&f);
    }
    free(orders);
    free(fb);
    free(claims);
    free(cbs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsr_hand_counted),
        cmocka_unit_test(test_default_as_of),
        cmocka_unit_test(test_cr_hand_counted),
        cmocka_unit_test(test_odr_hand_counted),
        cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_exact_fraction_at_target),
        cmocka_unit_test(test_odr_components),
        cmocka_unit_test(test_totals_only),
        cmocka_unit_test(test_withdrawn_claims_switch),
        cmocka_unit_test(test_rdr_hand_counted),
        cmocka_unit_test(test_completing_files),
        cmocka_unit_test(test_report_vs_data),
        cmocka_unit_test(test_joined_columns),
        cmocka_unit_test(test_every_figure_recounted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
