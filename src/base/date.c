#include "poagen/date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, no tables, no time zone library. */
int poa_day_from_ymd(int y, int m, int d) {
    /* Text from strangers can name any year: keep the arithmetic inside
     * int (a million years either way is far beyond any real date). */
    if (y > 1000000) {
        y = 1000000;
    } else if (y < -1000000) {
        y = -1000000;
    }
    if (m < 1 || m > 12) {
        m = 1;
    }
    if (d < -1000 || d > 1000) {
        d = 1;
    }
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int)doe - 719468;
}

void poa_day_to_ymd(int day, int *y, int *m, int *d) {
    const int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + era * 400 + (mm <= 2);
    *m = (int)mm;
    *d = (int)dd;
}

int poa_day_weekday(int day) {
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (day % 7 + 3) % 7; /* day + 3 would overflow at the top of int */
    return w < 0 ? w + 7 : w;
}

void poa_day_format(int day, char out[11]) {
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        y = m = d = 0;
    }
    /* Bounded fields: the compiler can see the result fits in 11 bytes. */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

static int days_in_month(int y, int m) {
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return dm[m - 1];
}

/* Read exactly `width` digits at s[*i]; -1 when they are not all digits. */
static int digits(const char *s, size_t n, size_t *i, int width) {
    int v = 0;
    for (int k = 0; k < width; k++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9') {
            return -1;
        }
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return v;
}

static int fail(unsigned *col, size_t at) {
    if (col) {
        *col = (unsigned)at + 1;
    }
    return -1;
}

/* The shape nearly every export writes, YYYY-MM-DDTHH:MM:SS with Z, +HH:MM,
 * -HH:MM or nothing after it, read at fixed places: millions of dates per
 * file. 0 when the value has another shape or is out of range; the general
 * parser then reads it again and says what is wrong. */
static int parse_iso_common(const char *s, size_t n, int *day_out, int *minute_out,
                            int *has_offset_out, int *offset_out) {
    if (n != 19 && n != 20 && n != 25) {
        return 0;
    }
    /* Bytes 0-7 "YYYY-MM-", 8-9 "DD", 10-18 "THH:MM:SS". */
    int minute;
    if (!poa_date_digits_and_seps(poa_date_load8(s), 0xFF0000FF00000000ULL,
                                  0x2D00002D00000000ULL) ||
        s[8] < '0' || s[8] > '9' || s[9] < '0' || s[9] > '9' ||
        !poa_iso_time_of_day(s + 10, &minute)) {
        return 0;
    }
    int y = poa_date_two(s) * 100 + poa_date_two(s + 2), m = poa_date_two(s + 5),
        d = poa_date_two(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return 0;
    }
    int has_offset = 0, offset = 0;
    if (n == 20) {
        if (s[19] != 'Z' && s[19] != 'z') {
            return 0;
        }
        has_offset = 1;
    } else if (n == 25) {
        /* Bytes 17-24 "SS±HH:MM". */
        const char *o = s + 19;
        if ((o[0] != '+' && o[0] != '-') ||
            !poa_date_digits_and_seps(poa_date_load8(s + 17), 0x0000FF0000FF0000ULL,
                                      0x00003A0000000000ULL |
                                          (uint64_t)(unsigned char)o[0] << 16)) {
            return 0;
        }
        int oh = poa_date_two(o + 1), om = poa_date_two(o + 4);
        if (oh > 14 || om > 59) {
            return 0;
        }
        has_offset = 1;
        offset = (o[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    *day_out = poa_day_from_ymd(y, m, d);
    *minute_out = minute;
    *has_offset_out = has_offset;
    *offset_out = offset;
    return 1;
}

int poa_parse_iso_parts(const char *s, size_t n, int *day_out, int *minute_out,
                        int *has_offset_out, int *offset_out, unsigned *column_out) {
    if (parse_iso_common(s, n, day_out, minute_out, has_offset_out, offset_out)) {
        return 0;
    }
    size_t i = 0;
    while (i < n && s[i] == ' ') {
        i++;
    }
    while (n > i && s[n - 1] == ' ') {
        n--;
    }
    size_t start = i;
    int y = digits(s, n, &i, 4);
    if (y < 0) {
        return fail(column_out, i);
    }
    if (i >= n || s[i] != '-') {
        return fail(column_out, i);
    }
    i++;
    int m = digits(s, n, &i, 2);
    if (m < 1 || m > 12) {
        return fail(column_out, i > start + 5 ? start + 5 : i);
    }
    if (i >= n || s[i] != '-') {
        return fail(column_out, i);
    }
    i++;
    int d = digits(s, n, &i, 2);
    if (d < 1 || d > days_in_month(y, m)) {
        return fail(column_out, start + 8);
    }
    int day = poa_day_from_ymd(y, m, d);
    *minute_out = 0;
    *has_offset_out = 0;
    *offset_out = 0;
    if (i == n) {
        *day_out = day;
        return 0;
    }
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') {
        return fail(column_out, i);
    }
    i++;
    int hh = digits(s, n, &i, 2);
    if (hh < 0 || hh > 24 || i >= n || s[i] != ':') {
        return fail(column_out, i);
    }
    i++;
    int mi = digits(s, n, &i, 2);
    if (mi < 0 || mi > 59) {
        return fail(column_out, i);
    }
    int ss = 0;
    if (i < n && s[i] == ':') {
        i++;
        ss = digits(s, n, &i, 2);
        if (ss < 0 || ss > 60) {
            return fail(column_out, i);
        }
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            i++;
            size_t f = i;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            if (i == f) {
                return fail(column_out, i);
            }
        }
    }
    (void)ss;
    while (i < n && s[i] == ' ') {
        i++;
    }
    int has_offset = 0, offset = 0;
    if (i == n) {
        has_offset = 0;
    } else if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
        has_offset = 1;
        i++;
    } else if (n - i == 3 && (s[i] == 'U' || s[i] == 'u') &&
               (s[i + 1] == 'T' || s[i + 1] == 't') &&
               (s[i + 2] == 'C' || s[i + 2] == 'c')) {
        has_offset = 1;
        i += 3;
    } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        i++;
        int oh = digits(s, n, &i, 2);
        if (oh < 0 || oh > 14) {
            return fail(column_out, i);
        }
        if (i < n && s[i] == ':') {
            i++;
        }
        int om = 0;
        if (i < n) {
            om = digits(s, n, &i, 2);
            if (om < 0 || om > 59) {
                return fail(column_out, i);
            }
        }
        if (i != n) {
            return fail(column_out, i);
        }
        has_offset = 1;
        offset = sign * (oh * 60 + om);
    } else {
        return fail(column_out, i);
    }
    *day_out = day;
    *minute_out = hh * 60 + mi;
    *has_offset_out = has_offset;
    *offset_out = offset;
    return 0;
}

int poa_parse_iso_day(const char *s, size_t n, int utc_offset_minutes, int *day_out,
                      unsigned *column_out) {
    int day, minute, has_offset, offset;
    if (poa_parse_iso_parts(s, n, &day, &minute, &has_offset, &offset, column_out) != 0) {
        return -1;
    }
    *day_out = has_offset ? poa_shift_day(day, minute, offset, utc_offset_minutes) : day;
    return 0;
}

int poa_shift_day(int day, int minute, int from_offset, int to_offset) {
    /* Minutes since local midnight of `day` in the writer's zone, moved to
     * UTC and then to the other zone. */
    long minutes = (long)minute - from_offset + to_offset;
    long shift = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    return day + (int)shift;
}

int poa_parse_local_day(const char *s, size_t n, const char *order, int *day_out,
                        unsigned *column_out) {
    int part[3] = {0, 0, 0};
    int width[3] = {0, 0, 0};
    size_t i = 0;
    while (i < n && s[i] == ' ') {
        i++;
    }
    while (n > i && s[n - 1] == ' ') {
        n--;
    }
    for (int k = 0; k < 3; k++) {
        size_t f = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - f < 4) {
            part[k] = part[k] * 10 + (s[i] - '0');
            i++;
        }
        width[k] = (int)(i - f);
        if (width[k] == 0) {
            return fail(column_out, i);
        }
        if (k < 2) {
            if (i >= n || (s[i] != '/' && s[i] != '.' && s[i] != '-')) {
                return fail(column_out, i);
            }
            i++;
        }
    }
    if (i != n) {
        return fail(column_out, i);
    }
    int y = 0, m = 0, d = 0, yw = 0;
    for (int k = 0; k < 3; k++) {
        switch (order[k]) {
        case 'y':
            y = part[k];
            yw = width[k];
            break;
        case 'm':
            m = part[k];
            break;
        default:
            d = part[k];
            break;
        }
    }
    if (yw <= 2) {
        y += 2000;
    }
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return fail(column_out, 0);
    }
    *day_out = poa_day_from_ymd(y, m, d);
    return 0;
}
