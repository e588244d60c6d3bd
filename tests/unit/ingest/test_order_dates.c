/* Dates of the orders file as ingest reads them row after row. A column
 * remembers its last few dates and reads only the time of a value on a
 * remembered date: every value must still give exactly the day
 * poa_case_parse_day gives it alone, whatever came before it in the
 * column, and a bad value on a remembered date must still be refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "poagen/date.h"
#include "poagen/ingest.h"

#define HEADER                                                                           \
    "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\t"                \
    "latest-ship-date\tship-date\n"

/* Values whose date or offset repeat from row to row, with times that move
 * them across midnight in the marketplace's zone, around the clock changes
 * in Europe (2026-03-29, 2026-10-25) and America (2026-03-08, 2026-11-01),
 * in each shape ingest reads. */
static const char *const dates[] = {
    "2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26",
    "2026-03-08", "2026-11-01", "2024-02-29", "2025-12-31", "2026-01-01"};
static const char *const times[] = {"00:00:00", "00:30:59", "00:59:00", "01:00:00",
                                    "12:00:00", "22:59:59", "23:00:00", "23:30:00",
                                    "23:59:60", "24:00:00", "24:59:59"};
static const char *const tails[] = {"",       "Z",      "z",      "+00:00", "+01:00",
                                    "-01:00", "+14:59", "-14:59", "+05:30", "-09:00"};

typedef struct {
    char value[40];
} value;

/* The values in an order that makes the column's memory hit, miss and
 * wrap: each date with every tail, the times cycling, some values twice in
 * a row, plus values in other shapes (space, fraction, date only) between
 * them. */
static size_t make_values(value *out, size_t cap) {
    size_t n = 0;
    unsigned k = 0;
    for (size_t d = 0; d < sizeof dates / sizeof *dates; d++) {
        for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
            for (size_t h = 0; h < sizeof times / sizeof *times && n + 4 < cap; h++) {
                size_t tt = (t + h * (k % 3)) % (sizeof tails / sizeof *tails);
                snprintf(out[n++].value, sizeof out->value, "%sT%s%s", dates[d], times[h],
                         tails[tt]);
                k++;
                if (k % 5 == 0) { /* the same value again, as an order's item rows */
                    memcpy(out[n].value, out[n - 1].value, sizeof out->value);
                    n++;
                }
                if (k % 7 == 0) {
                    snprintf(out[n++].value, sizeof out->value, "%s %s%s", dates[d],
                             times[h], tails[tt]);
                }
                if (k % 11 == 0) {
                    snprintf(out[n++].value, sizeof out->value, "%sT%s.5%s", dates[d],
                             times[h], tails[tt]);
                }
                if (k % 13 == 0) {
                    snprintf(out[n++].value, sizeof out->value, "%s", dates[d]);
                }
            }
        }
    }
    /* The same date and time with one offset after another: values that
     * differ in their last bytes only. */
    for (size_t d = 0; d < 3; d++) {
        for (size_t h = 0; h < sizeof times / sizeof *times; h++) {
            for (size_t t = 3; t < sizeof tails / sizeof *tails && n < cap; t++) {
                snprintf(out[n++].value, sizeof out->value, "%sT%s%s", dates[d], times[h],
                         tails[t]);
            }
        }
    }
    return n;
}

/* Each value read in a column after the others, on one marketplace (zones
 * from UTC-6 to UTC+10, with and without daylight saving). */
static void every_value_reads_as_alone_on(const char *marketplace) {
    enum { CAP = 3200 };
    static value values[CAP];
    size_t n = make_values(values, CAP);
    assert_true(n > 900);
    size_t cap = 128 + n * 160;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "%s", HEADER);
    for (size_t i = 0; i < n; i++) {
        /* The purchase column sees the values in order; the ship columns
         * see them shifted, so each column's memory holds other dates. */
        const char *ls = values[(i + 5) % n].value, *sd = values[(i * 7) % n].value;
        len += (size_t)snprintf(text + len, cap - len,
                                "111-0000000-%07zu\t%s\tShipped\tMerchant\t%s\t%s\n",
                                i + 1, values[i].value, ls, sd);
    }
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    test_write(dir, "orders.txt", text);
    poa_data *data = test_load_data();
    assert_non_null(data);
    poa_case *c = test_load_case(dir, data, marketplace);
    assert_non_null(c);
    assert_int_equal(c->norders, n);
    for (size_t i = 0; i < n; i++) {
        poa_order o = poa_case_order_at(c, i);
        const char *want[3] = {values[i].value, values[(i + 5) % n].value,
                               values[(i * 7) % n].value};
        const int32_t got[3] = {o.purchase, o.latest_ship, o.ship};
        for (int k = 0; k < 3; k++) {
            int day = 0;
            assert_int_equal(poa_case_parse_day(c, want[k], strlen(want[k]), &day, NULL),
                             0);
            if (got[k] != day) {
                fail_msg("%s row %zu column %d: '%s' read as day %d, alone as %d",
                         marketplace, i + 2, k, want[k], got[k], day);
            }
        }
    }
    poa_case_free(c);
    poa_data_free(data);
    test_rmtree(dir);
    free(dir);
    free(text);
}

static void every_value_reads_as_alone(void **state) {
    (void)state;
    static const char *const marketplaces[] = {"uk", "us", "mx", "de", "jp", "au"};
    for (size_t m = 0; m < sizeof marketplaces / sizeof *marketplaces; m++) {
        every_value_reads_as_alone_on(marketplaces[m]);
    }
    /* Spot checks by hand in London: 23:30 UTC on 30 March (summer time)
     * is 00:30 on the 31st; on 28 March (winter) it stays the 28th; 23:30
     * at -01:00 is 00:30 UTC the next day. */
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    test_write(dir, "orders.txt",
               HEADER "111-0000000-0000001\t2026-03-10\tShipped\tMerchant\t\t\n");
    poa_data *data = test_load_data();
    assert_non_null(data);
    poa_case *c = test_load_case(dir, data, "Amazon.co.uk");
    assert_non_null(c);
    int day;
    assert_int_equal(poa_case_parse_day(c, "2026-03-30T23:30:00+00:00", 25, &day, NULL),
                     0);
    assert_int_equal(day, poa_day_from_ymd(2026, 3, 31));
    assert_int_equal(poa_case_parse_day(c, "2026-03-28T23:30:00+00:00", 25, &day, NULL),
                     0);
    assert_int_equal(day, poa_day_from_ymd(2026, 3, 28));
    assert_int_equal(poa_case_parse_day(c, "2026-01-01T23:30:00-01:00", 25, &day, NULL),
                     0);
    assert_int_equal(day, poa_day_from_ymd(2026, 1, 2));
    poa_case_free(c);
    poa_data_free(data);
    test_rmtree(dir);
    free(dir);
}

/* A bad time on a date the column remembers is refused at its column. */
static void bad_time_on_a_remembered_date(void **state) {
    (void)state;
    static const char *const bad[] = {
        "2026-03-29T25:00:00+01:00", "2026-03-29T12:60:00+01:00",
        "2026-03-29T12:00:61+01:00", "2026-03-29T1a:00:00+01:00",
        "2026-03-29X12:00:00+01:00", "2026-03-29T12-00:00+01:00"};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        char text[512];
        snprintf(
            text, sizeof text,
            "%s111-0000000-0000001\t2026-03-29T10:00:00+01:00\tShipped\tMerchant\t\t\n"
            "111-0000000-0000002\t%s\tShipped\tMerchant\t\t\n",
            HEADER, bad[b]);
        char *dir = test_mkdtemp();
        assert_non_null(dir);
        test_write(dir, "orders.txt", text);
        poa_data *data = test_load_data();
        assert_non_null(data);
        poa_case *c = NULL;
        poa_error err;
        memset(&err, 0, sizeof err);
        poa_ingest_options opt;
        memset(&opt, 0, sizeof opt);
        opt.marketplace = "Amazon.co.uk";
        poa_status st = poa_case_load(&c, dir, data, &opt, &err);
        if (st == POA_OK) {
            fail_msg("'%s' after a value of its date was accepted", bad[b]);
        }
        assert_null(c);
        /* Line 3, within the purchase date (columns 21-45). */
        assert_int_equal(err.line, 3);
        assert_in_range(err.column, 21, 45);
        poa_data_free(data);
        test_rmtree(dir);
        free(dir);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_value_reads_as_alone),
        cmocka_unit_test(bad_time_on_a_remembered_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
