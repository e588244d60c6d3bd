/* Orders as the case keeps them: a 20-byte record for the usual order, the
 * whole order in a side table when something does not fit the record.
 * Every field must read back exactly either way, at each edge of the
 * record's ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/date.h"
#include "poagen/ingest.h"

#define H                                                                                \
    "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsku\t"           \
    "latest-ship-date\tship-date\tfirst-scan-date\tpromised-delivery-date\t"             \
    "delivery-date\tcarrier\ttracking-number\tproduct-line\tcancelled-by\t"              \
    "cancel-reason\n"

typedef struct {
    char *dir;
    poa_data *data;
    poa_case *kase;
} fixture;

static void load(fixture *f, const char *orders) {
    f->dir = test_mkdtemp();
    assert_non_null(f->dir);
    test_write(f->dir, "orders.txt", orders);
    f->data = test_load_data();
    assert_non_null(f->data);
    /* UTC+0 in winter: the days below are the days written. */
    f->kase = test_load_case(f->dir, f->data, "Amazon.co.uk");
    assert_non_null(f->kase);
}

static void unload(fixture *f) {
    poa_case_free(f->kase);
    poa_data_free(f->data);
    test_rmtree(f->dir);
    free(f->dir);
}

static int day(int y, int m, int d) {
    return poa_day_from_ymd(y, m, d);
}

/* The order at position i, found by its id's last digits. */
static poa_order order_by_id(const poa_case *c, const char *id) {
    uint64_t want = poa_order_id_pack(id, strlen(id));
    for (size_t i = 0; i < c->norders; i++) {
        poa_order o = poa_case_order_at(c, i);
        if (o.id == want) {
            return o;
        }
    }
    fail_msg("order %s not found", id);
    return poa_case_order_at(c, 0);
}

static int spilled(const poa_case *c, const char *id) {
    uint64_t want = poa_order_id_pack(id, strlen(id));
    for (size_t i = 0; i < c->norders; i++) {
        if (poa_case_order_at(c, i).id == want) {
            return (c->order_recs[i].w[2] & POA_REC_SPILLED) != 0;
        }
    }
    return -1;
}

static const char *name_of(const char **names, size_t n, uint16_t k) {
    return k < n ? names[k] : "(none)";
}

/* A: every field set, days at the record's edges: latest ship 8 days
 *    before purchase (the earliest an offset holds), delivery 118 days
 *    after (the latest).
 * B: delivery 119 days after purchase: one day too far, spilled.
 * C: ship 9 days before purchase: spilled.
 * D: Amazon-fulfilled, no dates but the purchase, no SKU: packed.
 * E: cancelled by the buyer with a reason: the reason spills it. */
static void fields_read_back_packed_or_spilled(void **state) {
    (void)state;
    fixture f;
    load(&f,
         H "111-0000001-0000001\t2026-03-10\tShipped\tMerchant\tSKU-A\t2026-03-02\t"
           "2026-03-11\t2026-03-12\t2026-03-14\t2026-07-06\tRoyal Mail\tAB123456789GB\t"
           "Kitchen\t\t\n"
           "111-0000001-0000002\t2026-03-10\tShipped\tMerchant\tSKU-B\t2026-03-12\t"
           "2026-03-11\t\t2026-03-14\t2026-07-07\tDPD\t15501234567890\tGarden\t\t\n"
           "111-0000001-0000003\t2026-03-10\tShipped\tMerchant\tSKU-B\t2026-03-12\t"
           "2026-03-01\t\t\t\t\t\tGarden\t\t\n"
           "111-0000001-0000004\t2026-03-10\tShipped\tAmazon\t\t\t\t\t\t\t\t\t\t\t\n"
           "111-0000001-0000005\t2026-03-10\tCancelled\tMerchant\tSKU-A\t2026-03-12\t\t\t"
           "\t\t\t\tKitchen\tbuyer\tBuyerCanceled\n");
    const poa_case *c = f.kase;
    assert_int_equal(c->norders, 5);

    poa_order a = order_by_id(c, "111-0000001-0000001");
    assert_int_equal(spilled(c, "111-0000001-0000001"), 0);
    assert_int_equal(a.purchase, day(2026, 3, 10));
    assert_int_equal(a.latest_ship, day(2026, 3, 2));
    assert_int_equal(a.ship, day(2026, 3, 11));
    assert_int_equal(a.first_scan, day(2026, 3, 12));
    assert_int_equal(a.promised_delivery, day(2026, 3, 14));
    assert_int_equal(a.delivery, day(2026, 7, 6));
    assert_int_equal(a.delivery - a.purchase, 118);
    assert_string_equal(c->skus[a.sku], "SKU-A");
    assert_string_equal(name_of(c->carriers, c->ncarriers, a.carrier), "Royal Mail");
    assert_string_equal(name_of(c->product_lines, c->nproduct_lines, a.product_line),
                        "Kitchen");
    assert_int_equal(a.channel, POA_CH_MFN);
    assert_int_equal(a.status, POA_ORDER_SHIPPED);
    assert_int_equal(a.cancelled_by, POA_BY_NONE);
    assert_int_equal(a.cancel_reason, 0xFFFF);
    assert_int_not_equal(a.tracking, POA_TRACKING_NONE);

    poa_order b = order_by_id(c, "111-0000001-0000002");
    assert_int_equal(spilled(c, "111-0000001-0000002"), 1);
    assert_int_equal(b.delivery - b.purchase, 119);
    assert_int_equal(b.latest_ship, day(2026, 3, 12));
    assert_int_equal(b.first_scan, POA_NO_DAY);
    assert_string_equal(c->skus[b.sku], "SKU-B");
    assert_string_equal(name_of(c->carriers, c->ncarriers, b.carrier), "DPD");
    assert_string_equal(name_of(c->product_lines, c->nproduct_lines, b.product_line),
                        "Garden");

    poa_order cc = order_by_id(c, "111-0000001-0000003");
    assert_int_equal(spilled(c, "111-0000001-0000003"), 1);
    assert_int_equal(cc.ship, day(2026, 3, 1));
    assert_int_equal(cc.purchase - cc.ship, 9);
    assert_int_equal(cc.delivery, POA_NO_DAY);
    assert_int_equal(cc.carrier, 0xFFFF);
    assert_int_equal(cc.tracking, POA_TRACKING_NONE);

    poa_order d = order_by_id(c, "111-0000001-0000004");
    assert_int_equal(spilled(c, "111-0000001-0000004"), 0);
    assert_int_equal(d.channel, POA_CH_AFN);
    assert_int_equal(d.sku, UINT32_MAX);
    assert_int_equal(d.product_line, 0xFFFF);
    assert_int_equal(d.latest_ship, POA_NO_DAY);
    assert_int_equal(d.delivery, POA_NO_DAY);
    assert_int_equal(d.carrier, 0xFFFF);

    poa_order e = order_by_id(c, "111-0000001-0000005");
    assert_int_equal(spilled(c, "111-0000001-0000005"), 1);
    assert_int_equal(e.status, POA_ORDER_CANCELLED);
    assert_int_equal(e.cancelled_by, POA_BY_BUYER);
    assert_string_equal(name_of(c->cancel_reasons, c->ncancel_reasons, e.cancel_reason),
                        "BuyerCanceled");
    unload(&f);
}

/* The record holds 31 carriers (codes 0..30) and 63 product lines (0..62):
 * 33 orders with a carrier and a line each, all different; the 32nd and
 * 33rd carriers and nothing else spill their order. Lines 0..32 all fit. */
static void carriers_beyond_the_record_spill(void **state) {
    (void)state;
    char *text = malloc(33 * 300 + sizeof H);
    assert_non_null(text);
    strcpy(text, H);
    for (int k = 0; k < 33; k++) {
        char row[300];
        snprintf(row, sizeof row,
                 "222-0000000-00000%02d\t2026-03-10\tShipped\tMerchant\tSKU-%d\t"
                 "2026-03-12\t2026-03-11\t\t\t\tCarrier %02d\tT%d\tLine %02d\t\t\n",
                 k, k, k, k, k);
        strcat(text, row);
    }
    fixture f;
    load(&f, text);
    free(text);
    const poa_case *c = f.kase;
    assert_int_equal(c->norders, 33);
    assert_int_equal(c->ncarriers, 33);
    for (int k = 0; k < 33; k++) {
        char id[32], want[32];
        snprintf(id, sizeof id, "222-0000000-00000%02d", k);
        poa_order o = order_by_id(c, id);
        assert_int_equal(spilled(c, id), k >= 31);
        snprintf(want, sizeof want, "Carrier %02d", k);
        assert_string_equal(name_of(c->carriers, c->ncarriers, o.carrier), want);
        snprintf(want, sizeof want, "Line %02d", k);
        assert_string_equal(name_of(c->product_lines, c->nproduct_lines, o.product_line),
                            want);
        assert_int_equal(o.ship, day(2026, 3, 11));
    }
    unload(&f);
}

/* 64 product lines: line codes 0..62 fit the record, the 64th spills. */
static void product_lines_beyond_the_record_spill(void **state) {
    (void)state;
    char *text = malloc(64 * 300 + sizeof H);
    assert_non_null(text);
    strcpy(text, H);
    for (int k = 0; k < 64; k++) {
        char row[300];
        snprintf(
            row, sizeof row,
            "333-0000000-00000%02d\t2026-03-10\tShipped\tAmazon\tSKU-1\t\t\t\t\t\t\t\t"
            "Line %02d\t\t\n",
            k, k);
        strcat(text, row);
    }
    fixture f;
    load(&f, text);
    free(text);
    const poa_case *c = f.kase;
    assert_int_equal(c->nproduct_lines, 64);
    for (int k = 0; k < 64; k++) {
        char id[32], want[32];
        snprintf(id, sizeof id, "333-0000000-00000%02d", k);
        poa_order o = order_by_id(c, id);
        assert_int_equal(spilled(c, id), k == 63);
        snprintf(want, sizeof want, "Line %02d", k);
        assert_string_equal(name_of(c->product_lines, c->nproduct_lines, o.product_line),
                            want);
        assert_string_equal(c->skus[o.sku], "SKU-1");
    }
    unload(&f);
}

/* A spilled order still takes what later item rows add: its second row
 * names the carrier and delivery the first lacked. */
static void later_rows_fill_a_spilled_order(void **state) {
    (void)state;
    fixture f;
    load(&f,
         H "444-0000001-0000001\t2026-03-10\tShipped\tMerchant\tSKU-A\t2026-03-12\t"
           "2026-02-20\t\t\t\t\t\tKitchen\t\t\n"
           "444-0000001-0000001\t2026-03-10\tShipped\tMerchant\tSKU-B\t2026-03-12\t"
           "2026-02-20\t\t2026-03-14\t2026-03-13\tEvri\tH00A1234567890\tKitchen\t\t\n");
    const poa_case *c = f.kase;
    assert_int_equal(c->norders, 1);
    assert_int_equal(spilled(c, "444-0000001-0000001"), 1);
    poa_order o = order_by_id(c, "444-0000001-0000001");
    assert_int_equal(o.ship, day(2026, 2, 20));
    assert_int_equal(o.delivery, day(2026, 3, 13));
    assert_int_equal(o.promised_delivery, day(2026, 3, 14));
    assert_string_equal(name_of(c->carriers, c->ncarriers, o.carrier), "Evri");
    assert_string_equal(c->skus[o.sku], "SKU-A");
    assert_int_equal(c->norder_skus, 1);
    assert_string_equal(c->skus[c->order_skus[0].sku], "SKU-B");
    unload(&f);
}

/* Purchase days outside the record's 16 bits (1970..2149) spill: a
 * purchase in 2150 reads back exactly. */
static void purchase_beyond_2149_spills(void **state) {
    (void)state;
    fixture f;
    load(&f, H "555-0000001-0000001\t2150-01-02\tShipped\tMerchant\tSKU-A\t2150-01-04\t"
               "2150-01-03\t\t\t\t\t\t\t\t\n"
               "555-0000001-0000002\t2149-06-01\tShipped\tMerchant\tSKU-A\t2149-06-03\t"
               "2149-06-02\t\t\t\t\t\t\t\t\n");
    const poa_case *c = f.kase;
    poa_order late = order_by_id(c, "555-0000001-0000001");
    assert_int_equal(spilled(c, "555-0000001-0000001"), 1);
    assert_int_equal(late.purchase, day(2150, 1, 2));
    assert_int_equal(late.latest_ship, day(2150, 1, 4));
    poa_order early = order_by_id(c, "555-0000001-0000002");
    assert_int_equal(spilled(c, "555-0000001-0000002"), 0);
    assert_int_equal(early.purchase, day(2149, 6, 1));
    assert_int_equal(early.ship, day(2149, 6, 2));
    unload(&f);
}

/* The edges the cases above leave out: purchase days 65534 (the
 * last that packs), 65535 (the "none" code) and -1; a packed cancelled
 * order (status 4, cancelled by the buyer, no reason); packed tracking
 * codes 2 and 3. */
static void range_edges_and_codes(void **state) {
    (void)state;
    fixture f;
    load(&f, H "666-0000001-0000001\t2149-06-05\tShipped\tMerchant\tSKU-A\t2149-06-06\t"
               "2149-06-06\t\t\t\t\t\t\t\t\n"
               "666-0000001-0000002\t2149-06-06\tShipped\tMerchant\tSKU-A\t2149-06-07\t"
               "2149-06-07\t\t\t\t\t\t\t\t\n"
               "666-0000001-0000003\t1969-12-31\tShipped\tMerchant\tSKU-A\t1970-01-01\t"
               "1970-01-01\t\t\t\t\t\t\t\t\n"
               "666-0000001-0000004\t2026-03-10\tCancelled\tMerchant\tSKU-A\t2026-03-12\t"
               "\t\t\t\t\t\t\tbuyer\t\n"
               "666-0000001-0000005\t2026-03-10\tShipped\tMerchant\tSKU-A\t2026-03-12\t"
               "2026-03-11\t\t\t\tRoyal Mail\tzz\t\t\t\n"
               "666-0000001-0000006\t2026-03-10\tShipped\tMerchant\tSKU-A\t2026-03-12\t"
               "2026-03-11\t\t\t\tNobody Post\tXY1\t\t\t\n");
    const poa_case *c = f.kase;
    poa_order o = order_by_id(c, "666-0000001-0000001");
    assert_int_equal(spilled(c, "666-0000001-0000001"), 0);
    assert_int_equal(o.purchase, 65534);
    assert_int_equal(o.ship, 65535);
    o = order_by_id(c, "666-0000001-0000002");
    assert_int_equal(spilled(c, "666-0000001-0000002"), 1);
    assert_int_equal(o.purchase, 65535);
    assert_int_equal(o.ship, 65536);
    o = order_by_id(c, "666-0000001-0000003");
    assert_int_equal(spilled(c, "666-0000001-0000003"), 1);
    assert_int_equal(o.purchase, -1);
    assert_int_equal(o.ship, 0);
    o = order_by_id(c, "666-0000001-0000004");
    assert_int_equal(spilled(c, "666-0000001-0000004"), 0);
    assert_int_equal(o.status, POA_ORDER_CANCELLED);
    assert_int_equal(o.cancelled_by, POA_BY_BUYER);
    o = order_by_id(c, "666-0000001-0000005");
    assert_int_equal(spilled(c, "666-0000001-0000005"), 0);
    assert_int_equal(o.tracking, POA_TRACKING_INVALID);
    o = order_by_id(c, "666-0000001-0000006");
    assert_int_equal(spilled(c, "666-0000001-0000006"), 0);
    assert_int_equal(o.tracking, POA_TRACKING_UNKNOWN_CARRIER);
    unload(&f);
}

static void count_warning(const poa_error *w, void *payload) {
    (void)w;
    (*(int *)payload)++;
}

/* The first orders export is read without looking each order up as it
 * comes (the id index is built at its end). An order that comes back after
 * other orders is found then, and the export read again row by row: the
 * case is exactly as reading it row by row gives, and the reader's warning
 * (a CP1252 byte in a product line) is given once, though the file is
 * opened three times (to rank it among the case's files, then twice to
 * read it). A's second run of rows
 * fills its ship date, carrier and tracking and adds SKU-C; its purchase
 * date there (2026-03-30) is not A's, so the latest purchase stays C's. */
static void an_order_coming_back_reads_row_by_row(void **state) {
    (void)state;
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    test_write(dir, "orders.txt",
               H "111-0000002-0000001\t2026-03-10\tShipped\tMerchant\tSKU-A\t2026-03-12\t"
                 "\t\t\t\t\t\tK\xFC"
                 "che\t\t\n"
                 "111-0000002-0000002\t2026-03-10\tShipped\tMerchant\tSKU-B\t2026-03-12\t"
                 "2026-03-11\t\t\t\t\t\tGarden\t\t\n"
                 "111-0000002-0000001\t2026-03-30\tShipped\tMerchant\tSKU-C\t2026-03-20\t"
                 "2026-03-13\t\t\t\tDPD\t15501234567890\tGarden\t\t\n"
                 "111-0000002-0000001\t2026-03-30\tShipped\tMerchant\tSKU-A\t\t"
                 "\t\t\t\t\t\t\t\t\n"
                 "111-0000002-0000003\t2026-03-12\tShipped\tMerchant\tSKU-A\t2026-03-14\t"
                 "\t\t\t\t\t\tGarden\t\t\n");
    poa_data *data = test_load_data();
    assert_non_null(data);
    int warnings = 0;
    poa_warner warner = {count_warning, &warnings};
    poa_ingest_options io = {"Amazon.co.uk", NULL, 0, &warner};
    poa_case *c = NULL;
    poa_error e;
    assert_int_equal(poa_case_load(&c, dir, data, &io, &e), POA_OK);
    assert_int_equal(warnings, 1);
    assert_int_equal(c->norders, 3);
    assert_int_equal(c->nfiles, 1);
    assert_int_equal(c->files[0].rows, 5);
    assert_int_equal(c->files[0].duplicates, 2);
    assert_int_equal(c->latest_purchase, day(2026, 3, 12));
    poa_order a = order_by_id(c, "111-0000002-0000001");
    assert_int_equal(a.purchase, day(2026, 3, 10));
    assert_int_equal(a.latest_ship, day(2026, 3, 12));
    assert_int_equal(a.ship, day(2026, 3, 13));
    assert_string_equal(c->skus[a.sku], "SKU-A");
    assert_string_equal(name_of(c->carriers, c->ncarriers, a.carrier), "DPD");
    assert_int_equal(a.tracking, POA_TRACKING_VALID);
    assert_string_equal(name_of(c->product_lines, c->nproduct_lines, a.product_line),
                        "K\xc3\xbc"
                        "che");
    /* One further SKU, C, for A: once, and none for the others. */
    assert_int_equal(c->norder_skus, 1);
    assert_true(poa_case_order_at(c, c->order_skus[0].order).id == a.id);
    assert_string_equal(c->skus[c->order_skus[0].sku], "SKU-C");
    poa_order b = order_by_id(c, "111-0000002-0000002");
    assert_int_equal(b.ship, day(2026, 3, 11));
    poa_case_free(c);
    poa_data_free(data);
    test_rmtree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_read_back_packed_or_spilled),
        cmocka_unit_test(carriers_beyond_the_record_spill),
        cmocka_unit_test(product_lines_beyond_the_record_spill),
        cmocka_unit_test(later_rows_fill_a_spilled_order),
        cmocka_unit_test(purchase_beyond_2149_spills),
        cmocka_unit_test(range_edges_and_codes),
        cmocka_unit_test(an_order_coming_back_reads_row_by_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
