/* Calendar arithmetic and date parsing, hand-checked against a calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
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
    assert_int_equal(poa_day_weekday(ymd(1969, 12, 31)), 2);     /* before day 0 */
    /* Any int is some weekday, without overflow at the ends of the range,
     * and a week later is the same one. */
    assert_int_equal(poa_day_weekday(INT_MAX), 4);
    assert_int_equal(poa_day_weekday(INT_MAX - 7), 4);
    assert_int_equal(poa_day_weekday(INT_MIN), 1);
    assert_int_equal(poa_day_weekday(INT_MIN + 7), 1);
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

/* The common shape (YYYY-MM-DDTHH:MM:SS with Z, an offset or nothing) is
 * read by a fixed-place fast path: every day from 1970 to 2150, at times
 * and offsets that move the day, must read as the general parser reads
 * the same instant written another way (a fraction, a space). */
static void test_iso_fast_shape_agrees(void **state) {
    (void)state;
    static const char *const tails[] = {"Z", "+00:00", "-04:00", "+14:00", "-13:59", ""};
    static const char *const general[] = {"Z",       " +00:00", " -04:00",
                                          " +14:00", " -13:59", ""};
    static const int offsets[] = {0, 0, -240, 840, -839, 0};
    for (int day = ymd(1970, 1, 1); day <= ymd(2150, 12, 31); day += 1) {
        int y, m, d;
        poa_day_to_ymd(day, &y, &m, &d);
        int k = day % 6, hh = day % 25, mi = day % 60, ss = day % 61;
        char fast[40], slow[48];
        snprintf(fast, sizeof fast, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, hh, mi,
                 ss, tails[k]);
        snprintf(slow, sizeof slow, "%04d-%02d-%02dt%02d:%02d:%02d.5%s", y, m, d, hh, mi,
                 ss, general[k]);
        int w1, m1, h1, o1, w2, m2, h2, o2;
        unsigned col;
        assert_int_equal(
            poa_parse_iso_parts(fast, strlen(fast), &w1, &m1, &h1, &o1, &col), 0);
        assert_int_equal(
            poa_parse_iso_parts(slow, strlen(slow), &w2, &m2, &h2, &o2, &col), 0);
        assert_int_equal(w1, day);
        assert_int_equal(w1, w2);
        assert_int_equal(m1, hh * 60 + mi);
        assert_int_equal(m1, m2);
        assert_int_equal(h1, k < 5);
        assert_int_equal(h1, h2);
        assert_int_equal(o1, offsets[k]);
        assert_int_equal(o1, o2);
    }
    /* Out of range in the common shape: refused, with the general parser's
     * column. */
    static const struct {
        const char *s;
        unsigned col;
    } bad[] = {
        {"2026-13-01T10:00:00Z", 6},       {"2026-00-01T10:00:00Z", 6},
        {"2026-02-29T10:00:00Z", 9},       {"2026-04-31T10:00:00+01:00", 9},
        {"2026-01-01T25:00:00Z", 14},      {"2026-01-01T10:60:00Z", 17},
        {"2026-01-01T10:00:61Z", 20},      {"2026-01-01T10:00:00+15:00", 23},
        {"2026-01-01T10:00:00+01:60", 26}, {"2026-01-01T10:00:00X", 20},
        {"2026-01-01T10:00:00+01;00", 23}, {"2026-01-01T1a:00:00Z", 13},
        {"2026/01/01T10:00:00Z", 5},       {"2026-01-01T10:00:00+0a:00", 22},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int w, mi, h, o;
        unsigned col = 0;
        assert_int_equal(
            poa_parse_iso_parts(bad[i].s, strlen(bad[i].s), &w, &mi, &h, &o, &col), -1);
        if (col != bad[i].col) {
            fail_msg("%s: column %u, expected %u", bad[i].s, col, bad[i].col);
        }
    }
    /* A leap day in the common shape is a day like any other. */
    int w, mi, h, o;
    unsigned col;
    assert_int_equal(
        poa_parse_iso_parts("2028-02-29T23:59:60-00:30", 25, &w, &mi, &h, &o, &col), 0);
    assert_int_equal(w, ymd(2028, 2, 29));
    assert_int_equal(o, -30);
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
        cmocka_unit_test(test_iso_fast_shape_agrees),
        cmocka_unit_test(test_local_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
