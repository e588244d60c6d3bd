/* poagen — calendar days.
 *
 * A day is an int: days since 1970-01-01 (proleptic Gregorian). Metrics
 * work on calendar days in the case's time zone, so times are converted
 * to a local day once, at ingest. */
#ifndef POAGEN_DATE_H
#define POAGEN_DATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define POA_NO_DAY (-2147483647 - 1)

int poa_day_from_ymd(int y, int m, int d);
void poa_day_to_ymd(int day, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday. */
int poa_day_weekday(int day);
/* Write "YYYY-MM-DD" (11 bytes with NUL). */
void poa_day_format(int day, char out[11]);

/* Parse an ISO 8601 date or date-time ("2026-03-01", "2026-03-01T14:05:00",
 * "2026-03-01T14:05:00+01:00", "...Z", "2026-03-01 14:05:00 UTC") and
 * return the calendar day in a zone utc_offset_minutes east of UTC.
 * Date-only values and times without an offset are already local.
 * Returns 0 on success, -1 when s[0..n) is not such a date; *column_out is
 * set to the 1-based offset of the first bad character on failure. */
int poa_parse_iso_day(const char *s, size_t n, int utc_offset_minutes, int *day_out,
                      unsigned *column_out);

/* Date reading at fixed places, a word at a time (inline: ingest reads
 * millions of dates). Eight bytes as they lie in memory, first byte lowest. */
static inline uint64_t poa_date_load8(const char *s) {
    uint64_t v;
    memcpy(&v, s, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* 1 when the bytes of v under sep are `want` and every other byte is a
 * digit. */
static inline int poa_date_digits_and_seps(uint64_t v, uint64_t sep, uint64_t want) {
    const uint64_t ones = 0x0101010101010101ULL;
    if ((v & sep) != want) {
        return 0;
    }
    /* Separators read as '0'; then a byte minus '0' is below 10 exactly
     * when it was a digit (a borrow or a high bit shows up in 0x80). */
    uint64_t d = ((v & ~sep) | (0x30 * ones & sep)) - 0x30 * ones;
    return (((d + 0x76 * ones) | d) & 0x80 * ones) == 0;
}

/* Two digits, known to be digits, as a number. */
static inline int poa_date_two(const char *s) {
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The time of day in the nine bytes "THH:MM:SS" at s, exactly that shape
 * (hours to 24, seconds to 60, as poa_parse_iso_parts takes them): 1 and
 * the minute of the day, else 0. Lets a caller that has already read a
 * date's day check the rest of a value of the same day cheaply. */
static inline int poa_iso_time_of_day(const char *s, int *minute) {
    /* Bytes 1-8 "HH:MM:SS": one word for the digits and colons. */
    if (s[0] != 'T' ||
        !poa_date_digits_and_seps(poa_date_load8(s + 1), 0x0000FF0000FF0000ULL,
                                  0x00003A00003A0000ULL)) {
        return 0;
    }
    int hh = poa_date_two(s + 1), mi = poa_date_two(s + 4), ss = poa_date_two(s + 7);
    if (hh > 24 || mi > 59 || ss > 60) {
        return 0;
    }
    *minute = hh * 60 + mi;
    return 1;
}

/* The parts of an ISO 8601 date or date-time as written: the day, the
 * minute of that day (0 for a date alone), and the UTC offset in minutes
 * when one is given (*has_offset 0 otherwise). One parse serves every zone
 * conversion. Returns 0 or -1 as poa_parse_iso_day. */
int poa_parse_iso_parts(const char *s, size_t n, int *day, int *minute, int *has_offset,
                        int *offset, unsigned *column_out);

/* The calendar day a moment falls on in another zone: `minute` of `day`
 * at UTC offset from_offset, seen at UTC offset to_offset. */
int poa_shift_day(int day, int minute, int from_offset, int to_offset);

/* Day-first / month-first local formats (feedback report): order is
 * "dmy", "mdy", "ymd" or "ydm"-less; separators / . -; two-digit years are
 * 20YY. Returns 0 or -1 as above. */
int poa_parse_local_day(const char *s, size_t n, const char *order, int *day_out,
                        unsigned *column_out);

#endif
