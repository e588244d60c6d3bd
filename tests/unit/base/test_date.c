/* Calendar arithmetic and date parsing, hand-checked against a calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/testutil.h"
#include "poagen/date.h"

static int ymd(int y, int m, int d) {
    return poa_day_from_ymd(y, m, d);
}

static void test_days_and_weekdays(void **state) {
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(2026, 11, 15) - ymd(2026, 10, 17), 29); /* a 30-day window */
    assert_int_equal(ymd(2028, 3, 1) - ymd(2028, 2, 28), 2);     /* leap year */
    assert_int_equal(ymd(2100, 3, 1) - ymd(2100, 2, 28), 1);     /* not a leap year */
    assert_int_equal(poa_day_weekday(ymd(2026, 11, 23)), 0);     /* a Monday */
    assert_int_equal(poa_day_weekday(ymd(2026, 12, 25)), 4);     /* a Friday */
    char s[11];
    poa_day_format(ymd(2026, 2, 28) + 1, s);
    assert_string_equal(s, "2026-03-01");
    int y, m, d;
    poa_day_to_ymd(ymd(1999, 12, 31), &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 19991231);
}

/* Absurd years from hostile text must not overflow (UBSan checks this in
 * the sanitizer build); the result only has to be some day. */
static void test_absurd_years(void **state) {
    (void)state;
    int a = poa_day_from_ymd(20000000, 1, 1), b = poa_day_from_ymd(-20000000, 12, 31);
    assert_true(a > ymd(9999, 12, 31));
    assert_true(b < ymd(1, 1, 1));
    char s[11];
    poa_day_format(a, s);
    assert_int_equal(strlen(s), 10);
}

static void test_iso_with_offsets(void **state) {
    (void)state;
    int day;
    unsigned col = 0;
    /* 23:30 in New York on 10-31 is already 11-01 in London (UTC+0). */
    assert_int_equal(poa_parse_iso_day("2026-10-31T23:30:00-04:00", 25, 0, &day, &col),
                     0);
    assert_int_equal(day, ymd(2026, 11, 1));
    /* 00:30 UTC is still the previous day in Mexico City (UTC-6). */
    assert_int_equal(poa_parse_iso_day("2026-03-01T00:30:00Z", 20, -360, &day, &col), 0);
    assert_int_equal(day, ymd(2026, 2, 28));
    /* A date alone is already local. */
    assert_int_equal(poa_parse_iso_day("2026-03-01", 10, -360, &day, &col), 0);
    assert_int_equal(day, ymd(2026, 3, 1));
    int written, minute, has, off;
    assert_int_equal(poa_parse_iso_parts("2026-10-03T14:22:10+01:00", 25, &written,
                                         &minute, &has, &off, &col),
                     0);
    assert_int_equal(written, ymd(2026, 10, 3));
    assert_int_equal(minute, 14 * 60 + 22);
    assert_true(has);
    assert_int_equal(off, 60);
    /* Errors point at the bad character. */
    assert_int_equal(poa_parse_iso_day("2026-13-01", 10, 0, &day, &col), -1);
    assert_int_equal(col, 6);
    assert_int_equal(poa_parse_iso_day("2026-02-30", 10, 0, &day, &col), -1);
    assert_int_equal(poa_parse_iso_day("2026-02-01T25:00", 16, 0, &day, &col), -1);
}

static void test_local_formats(void **state) {
    (void)state;
    int day;
    unsigned col;
    assert_int_equal(poa_parse_local_day("3/10/26", 7, "dmy", &day, &col), 0);
    assert_int_equal(day, ymd(2026, 10, 3));
    assert_int_equal(poa_parse_local_day("3/10/26", 7, "mdy", &day, &col), 0);
    assert_int_equal(day, ymd(2026, 3, 10));
    assert_int_equal(poa_parse_local_day("26/3/10", 7, "ymd", &day, &col), 0);
    assert_int_equal(day, ymd(2026, 3, 10));
    assert_int_equal(poa_parse_local_day("31.12.2026", 10, "dmy", &day, &col), 0);
    assert_int_equal(day, ymd(2026, 12, 31));
    assert_int_equal(poa_parse_local_day("31/2/26", 7, "dmy", &day, &col), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_and_weekdays),
        cmocka_unit_test(test_absurd_years),
        cmocka_unit_test(test_iso_with_offsets),
        cmocka_unit_test(test_local_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
