/* The ingest stage: read a case folder into a poa_case. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest_private.h"
#include "ingest/pattern.h"
#include "poagen/date.h"

enum { MAX_FIELDS_MAPPED = 64, NONE16 = 0xFFFF };

typedef struct {
    poa_case *c;
    const poa_data *data;
    const poa_ingest_options *opt;
    poa_id_index ids;
    poa_interner skus, lines, carriers, reasons;
    poa_interner rreasons; /* claim, chargeback and return reasons */
    size_t orders_cap, order_skus_cap, feedback_cap;
    size_t claims_cap, chargebacks_cap, returns_cap;
    unsigned char *seen; /* per order: records joined from its rows (SEEN_*), only
                            when the orders file carries such records */
    size_t seen_cap;
    regex_t *carrier_re; /* one per carrier format, flattened */
    uint64_t last_id;    /* the order of the previous row, and where it is */
    uint32_t last_at;
    /* Reading the case's first orders export without the id index, which
     * is built once at its end (see read_orders_export); bulk_failed when that
     * cannot stand and the export must be read again the usual way. */
    int bulk, bulk_failed;
    const poa_carrier_def **carrier_defs; /* per interned carrier name, once known */
    unsigned char *carrier_known;
    size_t carrier_def_cap;
    size_t *carrier_re_first;
    size_t ncarrier_re;
    poa_pattern *carrier_pat; /* parallel to carrier_re, where the subset compiles */
} loader;

/* Seven digits and the dash before them, "-DDDDDDD", as their value; -1
 * when they are not that. The dash reads as a leading zero, then the eight
 * bytes are checked and added up as one word. */
static int64_t dash_and_seven(const char *s) {
    const uint64_t v = poa_date_load8(s);
    if (!poa_date_digits_and_seps(v, 0xFF, '-')) {
        return -1;
    }
    uint64_t d = ((v & ~0xFFULL) | '0') - 0x30 * 0x0101010101010101ULL;
    /* Pairs, then quads, then all eight digits (first byte most significant). */
    d = (d * 10) + (d >> 8);
    d = (((d & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
         (((d >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >>
        32;
    return (int64_t)(d & 0xFFFFFFFFu);
}

uint64_t poa_order_id_pack(const char *s, size_t n) {
    /* The shape every export writes, 3-7-7 digits: read without a loop,
     * once per row of the largest file. */
    if (n == 19 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
        s[2] >= '0' && s[2] <= '9') {
        int64_t mid = dash_and_seven(s + 3), last = dash_and_seven(s + 11);
        if (mid >= 0 && last >= 0) {
            uint64_t head =
                (uint64_t)((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
            return (head * 10000000 + (uint64_t)mid) * 10000000 + (uint64_t)last + 1;
        }
    }
    uint64_t v = 0;
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (++digits > 17) {
                return 0;
            }
            v = v * 10 + (uint64_t)(ch - '0');
        } else if (ch != '-') {
            return 0;
        }
    }
    /* +1 keeps 0 free as "no id" (and as the empty hash slot). */
    return digits == 17 ? v + 1 : 0;
}

void poa_order_id_format(uint64_t id, char out[20]) {
    uint64_t v = id ? id - 1 : 0;
    char d[18];
    for (int i = 16; i >= 0; i--) {
        d[i] = (char)('0' + v % 10);
        v /= 10;
    }
    snprintf(out, 20, "%.3s-%.7s-%.7s", d, d + 3, d + 10);
}

/* An order with this id and nothing known about it yet. */
static poa_order empty_order(uint64_t id) {
    poa_order o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.purchase = o.latest_ship = o.ship = o.first_scan = POA_NO_DAY;
    o.promised_delivery = o.delivery = POA_NO_DAY;
    o.sku = UINT32_MAX;
    o.product_line = o.carrier = o.cancel_reason = NONE16;
    return o;
}

poa_order poa_case_spilled_order(const poa_case *c, size_t i) {
    const poa_order *o = c->spilled ? poa_spill_find(c->spilled, (uint32_t)i) : NULL;
    /* Always found for a loaded case; an empty order rather than a crash. */
    return o ? *o : empty_order(0);
}

const char *poa_case_fact(const poa_case *c, const char *name) {
    for (size_t i = 0; i < c->info.nfacts; i++) {
        if (strcmp(c->info.facts[i].name, name) == 0) {
            return c->info.facts[i].value;
        }
    }
    return NULL;
}

/* A calendar day in the case's zone. Times with an offset are moved into
 * the marketplace's zone, whose offset depends on the date (DST). */
static int parse_iso(const poa_case *c, const char *s, size_t n, int *day,
                     unsigned *col) {
    int written, minute, has_offset, offset;
    if (poa_parse_iso_parts(s, n, &written, &minute, &has_offset, &offset, col) != 0) {
        return -1;
    }
    if (!has_offset) {
        *day = written; /* already local */
        return 0;
    }
    int utc_day = poa_shift_day(written, minute, offset, 0);
    int local = c->marketplace ? poa_marketplace_offset(c->marketplace, utc_day) : 0;
    *day = poa_shift_day(written, minute, offset, local);
    return 0;
}

int poa_case_parse_day(const poa_case *c, const char *s, size_t n, int *day,
                       unsigned *col) {
    unsigned dummy;
    col = col ? col : &dummy;
    *col = 1;
    if (n >= 8 && s[4] == '-') {
        return parse_iso(c, s, n, day, col);
    }
    if (c->marketplace) {
        return poa_parse_local_day(s, n, c->marketplace->date_order, day, col);
    }
    int d1, d2;
    unsigned c1 = 1, c2 = 1;
    int ok1 = poa_parse_local_day(s, n, "dmy", &d1, &c1) == 0;
    int ok2 = poa_parse_local_day(s, n, "mdy", &d2, &c2) == 0;
    if (ok1 && ok2 && d1 != d2) {
        return -2;
    }
    if (ok1 || ok2) {
        *day = ok1 ? d1 : d2;
        return 0;
    }
    *col = c1 > c2 ? c1 : c2;
    return -1;
}

/* The field is the word s, in any ASCII case. Inline and without a call
 * to strncasecmp: channel and status are tested on every row. */
static inline int field_is(const poa_field *f, const char *s) {
    size_t n = strlen(s);
    if (f->n != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)f->p[i], b = (unsigned char)s[i];
        if (a != b && (a | 0x20) != (b | 0x20)) {
            return 0;
        }
        if (a != b && ((b | 0x20) < 'a' || (b | 0x20) > 'z')) {
            return 0;
        }
    }
    return 1;
}

static int field_empty(const poa_field *f) {
    for (size_t i = 0; i < f->n; i++) {
        if (f->p[i] != ' ') {
            return 0;
        }
    }
    return 1;
}

/* Match each report definition's columns against a header. */
typedef struct {
    const poa_report_def *report;
    int map[MAX_FIELDS_MAPPED]; /* column def index → field index, -1 absent */
    int matched, missing;
    size_t header_n;
    int hyphens; /* the file writes names with '-' (for messages) */
} header_match;

static void match_header(const poa_report_def *r, const poa_field *h, size_t nh,
                         header_match *m) {
    m->report = r;
    m->matched = m->missing = 0;
    m->header_n = nh;
    m->hyphens = 0;
    char norm[256];
    for (size_t k = 0; k < r->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
        m->map[k] = -1;
    }
    for (size_t i = 0; i < nh; i++) {
        m->hyphens |= memchr(h[i].p, '-', h[i].n) != NULL;
        poa_header_normalise(h[i].p, h[i].n, norm, sizeof norm);
        for (size_t k = 0; k < r->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
            if (m->map[k] >= 0) {
                continue;
            }
            for (size_t a = 0; a < r->columns[k].naliases; a++) {
                if (strcmp(norm, r->columns[k].aliases[a]) == 0) {
                    m->map[k] = (int)i;
                    m->matched++;
                    goto next_field;
                }
            }
        }
    next_field:;
    }
    for (size_t k = 0; k < r->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
        m->missing += r->columns[k].required && m->map[k] < 0;
    }
}

static int column_of(const header_match *m, const char *field) {
    for (size_t k = 0; k < m->report->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
        if (strcmp(m->report->columns[k].field, field) == 0) {
            return m->map[k];
        }
    }
    return -1;
}

static const poa_field empty_field = {"", 0};

/* The last date-time read from one column, in the common shape
 * YYYY-MM-DDTHH:MM:SS (then Z, ±HH:MM or nothing): rows come sorted by
 * date, so the next row's value nearly always has the same date and
 * offset, and only its time of day needs reading. The date and the text
 * after the seconds (its offset) are kept as written, as words; the
 * marketplace's UTC offset is kept for the three days the time can move
 * the value to. */
typedef struct {
    uint64_t date; /* bytes 0-7 of the value */
    uint64_t tail; /* bytes 8-9, and 19 to the end (at most 24) */
    size_t n;      /* the value's length: 19, 20 or 25; 0 when none is kept */
    int has_offset;
    int offset;                 /* minutes east of UTC, as written */
    int day;                    /* the date as written */
    int local[3];               /* the marketplace's offset on day-1, day, day+1 */
    const poa_marketplace *mkt; /* the one local[] is for */
} day_memo;

/* Columns past DAY_MEMOS are read without a memo. A column keeps its last
 * few dates: ship and delivery dates a few days after a purchase take
 * turns between those days. */
enum { DAY_MEMOS = 64, DAY_MEMO_WAYS = 4 };

/* The rows of one recognised export, read once. */
typedef struct {
    loader *L;
    poa_table_reader *r;
    const header_match *m;
    const char *path;
    poa_input_file *file;
    const poa_field *row;
    size_t n;
    unsigned long line;
    day_memo days[DAY_MEMOS][DAY_MEMO_WAYS]; /* by column, most recent first */
} rows;

static const poa_field *get(const rows *x, int col) {
    return col >= 0 && (size_t)col < x->n ? &x->row[col] : &empty_field;
}

/* The next data row, checked against the header: missing trailing fields
 * read as empty, extra trailing empty ones are dropped, an extra non-empty
 * one is an error. x->row is NULL at the end. */
static poa_status next_row(rows *x, poa_error *err) {
    poa_status st = poa_table_next(x->r, &x->row, &x->n, &x->line, err);
    if (st != POA_OK || !x->row) {
        return st;
    }
    x->file->rows++;
    size_t hn = x->m->header_n;
    if (x->n > hn) {
        for (size_t i = hn; i < x->n; i++) {
            if (!field_empty(&x->row[i])) {
                const poa_field *f = &x->row[i];
                return poa_error_set(err, POA_ERR_PARSE, x->path,
                                     (unsigned)poa_table_field_line(x->r, i),
                                     poa_table_field_column(x->r, i),
                                     "field %zu ('%.*s') is beyond the header's %zu "
                                     "columns — remove it or "
                                     "add its column name to the header",
                                     i + 1, (int)(f->n > 40 ? 40 : f->n), f->p, hn);
            }
        }
        x->n = hn;
    } else if (x->n < hn) {
        x->file->short_rows++;
    }
    return POA_OK;
}

static void skip_row(rows *x, const char *why) {
    x->file->skipped++;
    if (!x->file->skip_reason) {
        x->file->skip_reason = why;
    }
}

static poa_status bad_field(poa_error *err, const rows *x, int col, unsigned offset,
                            const char *what, const char *todo) {
    const poa_field *f = get(x, col);
    unsigned column =
        col >= 0 && (size_t)col < x->n
            ? poa_table_field_column(x->r, (size_t)col) + (offset ? offset - 1 : 0)
            : 1;
    unsigned long line = col >= 0 && (size_t)col < x->n
                             ? poa_table_field_line(x->r, (size_t)col)
                             : x->line;
    return poa_error_set(err, POA_ERR_PARSE, x->path, (unsigned)line, column,
                         "%s: '%.*s' — %s", what, (int)(f->n > 60 ? 60 : f->n), f->p,
                         todo ? todo : "correct the value or remove the row");
}

static const char date_todo[] = "write it as YYYY-MM-DD or ISO 8601 date-time";

/* Bytes 8-9 and 19 to the end of a value of length 19, 20 or 25: the
 * rest of its date and its offset, in one word (byte 8 lowest). */
static inline uint64_t memo_tail(const char *s, size_t n) {
    uint64_t t = (uint64_t)(unsigned char)s[8] | (uint64_t)(unsigned char)s[9] << 8;
    if (n == 25) {
        /* Bytes 17-24; the seconds (17-18) masked off. */
        t |= poa_date_load8(s + 17) & ~0xFFFFULL;
    } else if (n == 20) {
        t |= (uint64_t)(unsigned char)s[19] << 16;
    }
    return t;
}

/* The local day of s[0..n) from a column's memos, when one holds s's date
 * and offset and the time between them is in the common shape: exactly
 * what poa_case_parse_day gives for it (parse_iso's arithmetic, on parts
 * the memo's value was parsed into). 0 when the memos cannot tell. The
 * memo used moves to the front, where the next row looks first. */
static inline int memo_day(day_memo *ways, const poa_case *c, const char *s, size_t n,
                           int *day) {
    if (n != 19 && n != 20 && n != 25) {
        return 0;
    }
    uint64_t date;
    memcpy(&date, s, 8);
    const uint64_t tail = memo_tail(s, n);
    int w = 0;
    while (ways[w].n != n || ways[w].date != date || ways[w].tail != tail ||
           ways[w].mkt != c->marketplace) {
        if (++w == DAY_MEMO_WAYS) {
            return 0;
        }
    }
    int minute;
    if (!poa_iso_time_of_day(s + 10, &minute)) {
        return 0;
    }
    if (w) {
        day_memo t = ways[0];
        ways[0] = ways[w];
        ways[w] = t;
    }
    const day_memo *d = &ways[0];
    if (!d->has_offset) {
        *day = d->day;
        return 1;
    }
    /* poa_shift_day twice, inline. Offsets are at most 14:59 and times at
     * most 24:59: the value's UTC day is a day either way of its date. */
    int utc = minute - d->offset;
    int k = utc < 0 ? 0 : utc < 1440 ? 1 : 2;
    int local = utc + d->local[k];
    *day = d->day + (local < 0 ? -((-local + 1439) / 1440) : local / 1440);
    return 1;
}

/* Remember s[0..n), just parsed, when it is in the common shape. */
static void memo_keep(day_memo *d, const poa_case *c, const char *s, size_t n) {
    int minute;
    unsigned col;
    d->n = 0;
    if ((n != 19 && n != 20 && n != 25) || !poa_iso_time_of_day(s + 10, &minute) ||
        poa_parse_iso_parts(s, n, &d->day, &minute, &d->has_offset, &d->offset, &col) !=
            0) {
        return;
    }
    memcpy(&d->date, s, 8);
    d->tail = memo_tail(s, n);
    d->mkt = c->marketplace;
    for (int k = 0; k < 3; k++) {
        d->local[k] =
            c->marketplace ? poa_marketplace_offset(c->marketplace, d->day + k - 1) : 0;
    }
    d->n = n;
}

/* date_field when the column's memory cannot tell: empty, or read whole. */
static poa_status date_field_read(rows *x, int col, const char *what, int required,
                                  int32_t *out, poa_error *err) {
    const poa_field *f = get(x, col);
    *out = POA_NO_DAY;
    day_memo *memo = col >= 0 && col < DAY_MEMOS ? x->days[col] : NULL;
    int day;
    if (field_empty(f)) {
        if (!required) {
            return POA_OK;
        }
        return bad_field(err, x, col, 0, what, "a date is required here");
    }
    unsigned off = 1;
    int rc = poa_case_parse_day(x->L->c, f->p, f->n, &day, &off);
    if (rc == 0 && memo) {
        /* The new value goes in front; the least recently used one out. */
        memmove(&memo[1], &memo[0], (DAY_MEMO_WAYS - 1) * sizeof *memo);
        memo_keep(&memo[0], x->L->c, f->p, f->n);
    }
    if (rc == -2) {
        return poa_error_set(err, POA_ERR_PARSE, x->path, (unsigned)x->line,
                             poa_table_field_column(x->r, (size_t)col),
                             "ambiguous date '%.*s' (day/month or month/day?) — name "
                             "the marketplace in case.xml or with --marketplace",
                             (int)(f->n > 40 ? 40 : f->n), f->p);
    }
    if (rc != 0) {
        return bad_field(err, x, col, off, what, date_todo);
    }
    *out = day;
    return POA_OK;
}

/* A date field; empty gives POA_NO_DAY unless required. Inline for what
 * most values take: a column the export lacks, or a date remembered. */
static inline poa_status date_field(rows *x, int col, const char *what, int required,
                                    int32_t *out, poa_error *err) {
    int day;
    if (col < 0 && !required) {
        *out = POA_NO_DAY;
        return POA_OK;
    }
    if (col >= 0 && col < DAY_MEMOS && (size_t)col < x->n &&
        memo_day(x->days[col], x->L->c, x->row[col].p, x->row[col].n, &day)) {
        *out = day;
        return POA_OK;
    }
    return date_field_read(x, col, what, required, out, err);
}

static poa_status order_id_field(const rows *x, int col, uint64_t *id, poa_error *err) {
    const poa_field *f = get(x, col);
    *id = poa_order_id_pack(f->p, f->n);
    if (!*id) {
        return bad_field(err, x, col, 0, "not an order id",
                         "an order id is 17 digits like 123-1234567-1234567");
    }
    return POA_OK;
}

static int grow_array(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) {
        return 0;
    }
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need) {
        n *= 2;
    }
    void *q = realloc(*p, n * size);
    if (!q) {
        return -1;
    }
    poa_memory_hint_large(q, n * size);
    *p = q;
    *cap = n;
    return 0;
}

/* Append one zeroed element to a growing array; NULL when out of memory. */
static void *push(void **p, size_t *count, size_t *cap, size_t size) {
    if (grow_array(p, cap, *count + 1, size) != 0) {
        return NULL;
    }
    void *e = (char *)*p + *count * size;
    memset(e, 0, size);
    (*count)++;
    return e;
}

static poa_status nomem(const rows *x, poa_error *err) {
    return poa_error_set(err, POA_ERR_NOMEM, x->path, (unsigned)x->line, 0,
                         "out of memory");
}

static uint16_t intern16(poa_interner *in, const poa_field *f) {
    if (field_empty(f)) {
        return NONE16;
    }
    uint32_t i = poa_intern(in, f->p, f->n);
    return i >= NONE16 ? NONE16 : (uint16_t)i;
}

static uint8_t classify_tracking(loader *L, uint16_t carrier, const poa_field *tracking) {
    if (field_empty(tracking)) {
        return POA_TRACKING_NONE;
    }
    if (carrier == NONE16) {
        return POA_TRACKING_UNKNOWN_CARRIER;
    }
    /* The carrier named in the export, looked up in the rule table once
     * per distinct name rather than once per order. */
    if (carrier >= L->carrier_def_cap) {
        size_t cap = L->carrier_def_cap ? L->carrier_def_cap : 16;
        while (cap <= carrier) {
            cap *= 2;
        }
        const poa_carrier_def **defs = realloc(L->carrier_defs, cap * sizeof *defs);
        unsigned char *known = realloc(L->carrier_known, cap);
        if (!defs || !known) {
            free(defs ? (void *)defs : NULL);
            return POA_TRACKING_UNKNOWN_CARRIER;
        }
        memset(known + L->carrier_def_cap, 0, cap - L->carrier_def_cap);
        L->carrier_defs = defs;
        L->carrier_known = known;
        L->carrier_def_cap = cap;
    }
    if (!L->carrier_known[carrier]) {
        const char *name = L->carriers.items[carrier];
        L->carrier_defs[carrier] = poa_data_carrier(L->data, name, strlen(name));
        L->carrier_known[carrier] = 1;
    }
    const poa_carrier_def *cd = L->carrier_defs[carrier];
    if (!cd) {
        return POA_TRACKING_UNKNOWN_CARRIER;
    }
    size_t ci = (size_t)(cd - L->data->carriers);
    char buf[128];
    size_t n = tracking->n < sizeof buf - 1 ? tracking->n : sizeof buf - 1;
    /* regexec reads the copy below up to its first NUL: the same bytes are
     * what the compiled formats are given. */
    const char *nul = memchr(tracking->p, '\0', n);
    n = nul ? (size_t)(nul - tracking->p) : n;
    int copied = 0;
    for (size_t k = 0; k < cd->nformats; k++) {
        size_t f = L->carrier_re_first[ci] + k;
        if (L->carrier_pat[f].compiled) {
            if (poa_pattern_match(&L->carrier_pat[f], tracking->p, n)) {
                return POA_TRACKING_VALID;
            }
            continue;
        }
        if (!copied) {
            memcpy(buf, tracking->p, n);
            buf[n] = '\0';
            copied = 1;
        }
        /* Outside the subset: compiled anchored and without sub-matches. */
        if (regexec(&L->carrier_re[f], buf, 0, NULL, 0) == 0) {
            return POA_TRACKING_VALID;
        }
    }
    return POA_TRACKING_INVALID;
}

static void note_day(poa_input_file *file, int32_t day) {
    if (day == POA_NO_DAY) {
        return;
    }
    if (file->first_day == POA_NO_DAY || day < file->first_day) {
        file->first_day = day;
    }
    if (file->last_day == POA_NO_DAY || day > file->last_day) {
        file->last_day = day;
    }
}

/* Columns of the records that may arrive in their own file or as prefixed
 * columns of the orders file. */
typedef struct {
    int date, rating, comments, removed;
} fb_cols;
typedef struct {
    int date, status, reason;
} claim_cols;
typedef struct {
    int date, type, reason;
} cb_cols;
typedef struct {
    int request, response, rejection, feedback, reason, sku;
} ret_cols;
typedef struct {
    int date, by, reason;
} cancel_cols;

static poa_status add_feedback(rows *x, uint64_t id, const fb_cols *k, poa_error *err) {
    poa_case *c = x->L->c;
    int32_t day;
    poa_status st = date_field(x, k->date, "not a feedback date", 1, &day, err);
    if (st != POA_OK) {
        return st;
    }
    const poa_field *fr = get(x, k->rating);
    if (fr->n != 1 || fr->p[0] < '1' || fr->p[0] > '5') {
        return bad_field(err, x, k->rating, 0, "rating must be 1 to 5",
                         "write the star rating as a digit 1-5");
    }
    poa_feedback *fb =
        push((void **)&c->feedback, &c->nfeedback, &x->L->feedback_cap, sizeof *fb);
    if (!fb) {
        return nomem(x, err);
    }
    const poa_field *frm = get(x, k->removed);
    fb->order_id = id;
    fb->day = day;
    fb->rating = (uint8_t)(fr->p[0] - '0');
    fb->removed = field_is(frm, "yes") || field_is(frm, "true") || field_is(frm, "1") ||
                  field_is(frm, "y");
    const poa_field *fc = get(x, k->comments);
    fb->comment = poa_arena_strndup(c->arena, fc->p, fc->n);
    fb->line = x->line;
    note_day(x->file, day);
    return POA_OK;
}

static poa_status add_claim(rows *x, uint64_t id, const claim_cols *k, poa_error *err) {
    poa_case *c = x->L->c;
    int32_t day;
    poa_status st = date_field(x, k->date, "not a claim date", 1, &day, err);
    if (st != POA_OK) {
        return st;
    }
    static const char *const names[] = {"open", "granted", "denied", "withdrawn"};
    const poa_field *fs = get(x, k->status);
    int status = -1;
    for (int i = 0; i < 4; i++) {
        if (field_is(fs, names[i])) {
            status = i;
        }
    }
    if (status < 0) {
        return bad_field(err, x, k->status, 0, "unknown claim status",
                         "use open, granted, denied or withdrawn");
    }
    poa_claim *cl = push((void **)&c->claims, &c->nclaims, &x->L->claims_cap, sizeof *cl);
    if (!cl) {
        return nomem(x, err);
    }
    cl->order_id = id;
    cl->day = day;
    cl->status = (uint8_t)status;
    cl->reason = intern16(&x->L->rreasons, get(x, k->reason));
    cl->line = x->line;
    note_day(x->file, day);
    return POA_OK;
}

static poa_status add_chargeback(rows *x, uint64_t id, const cb_cols *k, poa_error *err) {
    poa_case *c = x->L->c;
    int32_t day;
    poa_status st = date_field(x, k->date, "not a chargeback date", 1, &day, err);
    if (st != POA_OK) {
        return st;
    }
    const poa_field *ft = get(x, k->type);
    if (!field_is(ft, "service") && !field_is(ft, "fraud")) {
        return bad_field(err, x, k->type, 0, "unknown chargeback type",
                         "use service or fraud");
    }
    poa_chargeback *cb = push((void **)&c->chargebacks, &c->nchargebacks,
                              &x->L->chargebacks_cap, sizeof *cb);
    if (!cb) {
        return nomem(x, err);
    }
    cb->order_id = id;
    cb->day = day;
    cb->fraud = field_is(ft, "fraud");
    cb->reason = intern16(&x->L->rreasons, get(x, k->reason));
    cb->line = x->line;
    note_day(x->file, day);
    return POA_OK;
}

static poa_status add_return(rows *x, uint64_t id, const ret_cols *k, poa_error *err) {
    poa_case *c = x->L->c;
    int32_t req, resp;
    poa_status st = date_field(x, k->request, "not a return request date", 1, &req, err);
    if (st == POA_OK) {
        st = date_field(x, k->response, "not a response date", 0, &resp, err);
    }
    if (st != POA_OK) {
        return st;
    }
    const poa_field *fr = get(x, k->rejection), *ff = get(x, k->feedback);
    uint8_t rej = POA_REJECT_NONE, fb = POA_RFB_NONE;
    if (field_is(fr, "valid")) {
        rej = POA_REJECT_VALID;
    } else if (field_is(fr, "invalid")) {
        rej = POA_REJECT_INVALID;
    } else if (!field_empty(fr)) {
        return bad_field(err, x, k->rejection, 0, "unknown rejection",
                         "use valid, invalid or leave it empty");
    }
    if (field_is(ff, "negative")) {
        fb = POA_RFB_NEGATIVE;
    } else if (field_is(ff, "positive")) {
        fb = POA_RFB_POSITIVE;
    } else if (!field_empty(ff)) {
        return bad_field(err, x, k->feedback, 0, "unknown return feedback",
                         "use negative, positive or leave it empty");
    }
    poa_return *rt =
        push((void **)&c->returns, &c->nreturns, &x->L->returns_cap, sizeof *rt);
    if (!rt) {
        return nomem(x, err);
    }
    rt->order_id = id;
    rt->request = req;
    rt->response = resp;
    rt->rejection = rej;
    rt->feedback = fb;
    rt->reason = intern16(&x->L->rreasons, get(x, k->reason));
    const poa_field *fsku = get(x, k->sku);
    rt->sku = field_empty(fsku) ? UINT32_MAX : poa_intern(&x->L->skus, fsku->p, fsku->n);
    rt->line = x->line;
    note_day(x->file, req);
    return POA_OK;
}

static uint8_t cancelled_by(const poa_field *f) {
    return field_is(f, "seller")  ? POA_BY_SELLER
           : field_is(f, "buyer") ? POA_BY_BUYER
                                  : POA_BY_NONE;
}

/* A cancellation of a known order. A refund after ship confirmation is not
 * a cancellation (SPEC): such rows are skipped and counted. */
static poa_status check_cancel(rows *x, const cancel_cols *k, int32_t *day,
                               poa_error *err) {
    poa_status st = date_field(x, k->date, "not a cancel date", 0, day, err);
    if (st != POA_OK) {
        return st;
    }
    const poa_field *fb = get(x, k->by);
    if (!field_empty(fb) && !field_is(fb, "seller") && !field_is(fb, "buyer")) {
        return bad_field(err, x, k->by, 0, "cancelled-by must be seller or buyer",
                         "use seller, buyer or leave it empty");
    }
    return POA_OK;
}

static poa_status apply_cancel(rows *x, poa_order *o, const cancel_cols *k,
                               poa_error *err) {
    int32_t day;
    poa_status st = check_cancel(x, k, &day, err);
    if (st != POA_OK) {
        return st;
    }
    const poa_field *fb = get(x, k->by);
    if (o->ship != POA_NO_DAY && (day == POA_NO_DAY || day >= o->ship)) {
        skip_row(x, "refund after ship confirmation: not a cancellation");
        return POA_OK;
    }
    o->status = POA_ORDER_CANCELLED;
    uint8_t by = cancelled_by(fb);
    if (by != POA_BY_NONE) {
        o->cancelled_by = by;
    }
    uint16_t reason = intern16(&x->L->reasons, get(x, k->reason));
    if (reason != NONE16) {
        o->cancel_reason = reason;
    }
    note_day(x->file, day);
    return POA_OK;
}

static uint8_t order_status(const poa_field *fst) {
    if (field_is(fst, "Shipped")) {
        return POA_ORDER_SHIPPED;
    }
    if (field_is(fst, "Unshipped") || field_is(fst, "PartiallyShipped") ||
        field_is(fst, "Partially Shipped") || field_is(fst, "Shipping")) {
        return POA_ORDER_UNSHIPPED;
    }
    if (field_is(fst, "Pending")) {
        return POA_ORDER_PENDING;
    }
    if (field_is(fst, "Cancelled") || field_is(fst, "Canceled")) {
        return POA_ORDER_CANCELLED;
    }
    return POA_ORDER_OTHER;
}

/* The day as an offset from the purchase day, when it fits in a byte. */
static int rel_day(int32_t day, int32_t purchase, uint32_t *out) {
    if (day == POA_NO_DAY) {
        *out = POA_REC_NO_REL;
        return 1;
    }
    if (purchase == POA_NO_DAY) {
        return 0;
    }
    int64_t r = (int64_t)day - purchase + POA_REC_DAY_BIAS;
    if (r < 0 || r >= (int64_t)POA_REC_NO_REL) {
        return 0;
    }
    *out = (uint32_t)r;
    return 1;
}

/* Write o into r when it fits (1), or say it must be spilled (0). */
static int pack_order(const poa_order *o, poa_order_rec *r) {
    uint32_t p = POA_REC_NO_PURCHASE, rel[5];
    if (o->purchase != POA_NO_DAY) {
        if (o->purchase < 0 || o->purchase >= (int32_t)POA_REC_NO_PURCHASE) {
            return 0;
        }
        p = (uint32_t)o->purchase;
    }
    const int32_t days[5] = {o->latest_ship, o->ship, o->first_scan, o->promised_delivery,
                             o->delivery};
    for (int k = 0; k < 5; k++) {
        if (!rel_day(days[k], o->purchase, &rel[k])) {
            return 0;
        }
    }
    if ((o->sku != UINT32_MAX && o->sku >= POA_REC_NO_SKU) ||
        (o->carrier != NONE16 && o->carrier >= POA_REC_NO_CARRIER) ||
        (o->product_line != NONE16 && o->product_line >= POA_REC_NO_LINE) ||
        o->cancel_reason != NONE16 || o->channel > 3 || o->status > 7 ||
        o->cancelled_by > 3 || o->tracking > 3) {
        return 0;
    }
    uint32_t sku = o->sku == UINT32_MAX ? POA_REC_NO_SKU : o->sku;
    uint32_t car = o->carrier == NONE16 ? POA_REC_NO_CARRIER : o->carrier;
    uint32_t line = o->product_line == NONE16 ? POA_REC_NO_LINE : o->product_line;
    r->w[0] = (uint32_t)o->id;
    r->w[1] = (uint32_t)(o->id >> 32);
    r->w[2] = sku | car << 24 | (uint32_t)o->tracking << 29;
    r->w[3] = p | rel[0] << 16 | rel[1] << 23 | (uint32_t)o->channel << 30;
    r->w[4] = rel[2] | rel[3] << 7 | rel[4] << 14 | line << 21 |
              (uint32_t)o->status << 27 | (uint32_t)o->cancelled_by << 30;
    return 1;
}

/* Keep o as the order at position at: packed when it fits, else spilled
 * (once spilled, always: the side table stays the order's home). */
static poa_status put_order(rows *x, size_t at, const poa_order *o, poa_error *err) {
    poa_order_rec *r = &x->L->c->order_recs[at];
    if (!(r->w[2] & POA_REC_SPILLED) && pack_order(o, r)) {
        return POA_OK;
    }
    poa_order *s = poa_spill_put(x->L->c->spilled, (uint32_t)at);
    if (!s) {
        return nomem(x, err);
    }
    *s = *o;
    r->w[0] = (uint32_t)o->id;
    r->w[1] = (uint32_t)(o->id >> 32);
    r->w[2] |= POA_REC_SPILLED;
    return POA_OK;
}

/* The position of the order with this id, created (empty) when new; *fresh
 * says which, *o is the order as known so far. SIZE_MAX on error (*st). */
static size_t order_slot(rows *x, uint64_t id, poa_order *o, int *fresh, poa_error *err,
                         poa_status *st) {
    loader *L = x->L;
    poa_case *c = L->c;
    *fresh = 0;
    *st = POA_OK;
    /* An order's item rows are adjacent in the export: most lookups are
     * for the order just seen, and need no hashing at all. */
    if (id == L->last_id && L->last_at < c->norders) {
        *o = poa_case_order_at(c, L->last_at);
        return L->last_at;
    }
    int inserted;
    uint32_t at;
    if (L->bulk) {
        /* Every order not the previous row's is taken as new; an order
         * seen before, further up, is found when the index is built. */
        if (c->norders >= POA_ID_INDEX_MAX) {
            L->bulk_failed = 1;
            return SIZE_MAX;
        }
        at = (uint32_t)c->norders;
        inserted = 1;
    } else {
        at = poa_id_index_upsert(&L->ids, c->order_recs, id, &inserted);
    }
    L->last_id = id;
    L->last_at = at;
    if (at != UINT32_MAX && !inserted) {
        *o = poa_case_order_at(c, at);
        return at;
    }
    if (at == UINT32_MAX && L->ids.count >= POA_ID_INDEX_MAX) {
        *st = poa_error_set(err, POA_ERR_PARSE, x->path, (unsigned)x->line, 1,
                            "more than %zu distinct orders in one case — split the "
                            "exports into several cases",
                            (size_t)POA_ID_INDEX_MAX);
        return SIZE_MAX;
    }
    if (at == UINT32_MAX || grow_array((void **)&c->order_recs, &L->orders_cap,
                                       c->norders + 1, sizeof *c->order_recs) != 0) {
        *st = nomem(x, err);
        return SIZE_MAX;
    }
    /* The id goes in at once: the index compares it on the next probe. */
    *o = empty_order(id);
    poa_order_rec *r = &c->order_recs[c->norders++];
    memset(r, 0, sizeof *r);
    r->w[0] = (uint32_t)id;
    r->w[1] = (uint32_t)(id >> 32);
    *fresh = 1;
    return at;
}

static poa_status add_sku(rows *x, size_t at, poa_order *o, uint32_t sku,
                          poa_error *err) {
    poa_case *c = x->L->c;
    if (sku == UINT32_MAX || sku == o->sku) {
        return POA_OK;
    }
    if (o->sku == UINT32_MAX) {
        o->sku = sku;
        return POA_OK;
    }
    /* Item rows of one order are adjacent in the export: a repeat of the
     * last SKU added for this order is a repeated row. */
    for (size_t i = c->norder_skus; i-- > 0 && c->order_skus[i].order == at;) {
        if (c->order_skus[i].sku == sku) {
            return POA_OK;
        }
    }
    poa_order_sku *os =
        push((void **)&c->order_skus, &c->norder_skus, &x->L->order_skus_cap, sizeof *os);
    if (!os) {
        return nomem(x, err);
    }
    os->order = (uint32_t)at;
    os->sku = sku;
    return POA_OK;
}

/* The SEEN_* bits of the order at position at, zero until set. */
static unsigned char *seen_of(loader *L, size_t at) {
    if (at >= L->seen_cap) {
        size_t old = L->seen_cap;
        if (grow_array((void **)&L->seen, &L->seen_cap, at + 1, 1) != 0) {
            return NULL;
        }
        memset(L->seen + old, 0, L->seen_cap - old);
    }
    return &L->seen[at];
}

enum { SEEN_FB = 1, SEEN_CLAIM = 2, SEEN_CB = 4, SEEN_RET = 8, SEEN_CANCEL = 16 };

static poa_status read_orders(rows *x, poa_error *err) {
    loader *L = x->L;
    poa_case *c = L->c;
    const header_match *m = x->m;
    int col_id = column_of(m, "order_id"), col_pd = column_of(m, "purchase_date");
    int col_ch = column_of(m, "fulfillment_channel"),
        col_st = column_of(m, "order_status");
    int col_sc = column_of(m, "sales_channel"), col_sku = column_of(m, "sku");
    int col_pl = column_of(m, "product_line");
    int col_car = column_of(m, "carrier"), col_tr = column_of(m, "tracking_number");
    const int date_cols[5] = {column_of(m, "latest_ship_date"), column_of(m, "ship_date"),
                              column_of(m, "first_scan_date"),
                              column_of(m, "promised_delivery_date"),
                              column_of(m, "delivery_date")};
    const cancel_cols kc = {column_of(m, "cancel_date"), column_of(m, "cancelled_by"),
                            column_of(m, "cancel_reason")};
    const fb_cols kf = {column_of(m, "feedback_date"), column_of(m, "feedback_rating"),
                        column_of(m, "feedback_comments"),
                        column_of(m, "feedback_removed")};
    const claim_cols kl = {column_of(m, "claim_date"), column_of(m, "claim_status"),
                           column_of(m, "claim_reason")};
    const cb_cols kb = {column_of(m, "chargeback_date"), column_of(m, "chargeback_type"),
                        column_of(m, "chargeback_reason")};
    const ret_cols kr = {
        column_of(m, "return_request_date"), column_of(m, "return_response_date"),
        column_of(m, "return_rejection"),    column_of(m, "return_feedback"),
        column_of(m, "return_reason"),       col_sku};
    int embedded = kf.rating >= 0 || kl.status >= 0 || kb.type >= 0 || kr.request >= 0;
    for (;;) {
        poa_status st = next_row(x, err);
        if (st != POA_OK || !x->row) {
            return st;
        }
        uint64_t id;
        if ((st = order_id_field(x, col_id, &id, err)) != POA_OK) {
            return st;
        }
        /* The probe is a cache miss on a large case: start it now and let it
         * arrive while the rest of the row is parsed. */
        poa_id_index_prefetch(&L->ids, id);
        const poa_field *fsku = get(x, col_sku);
        const int has_sku = !field_empty(fsku);
        const uint64_t sku_hash = has_sku ? poa_intern_hash(fsku->p, fsku->n) : 0;
        if (has_sku) {
            poa_intern_prefetch(&L->skus, sku_hash);
        }
        if (!c->marketplace && col_sc >= 0 && !field_empty(get(x, col_sc))) {
            /* No case.xml or --marketplace: the orders' own sales channel. */
            const poa_field *sc = get(x, col_sc);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(sc->n < 63 ? sc->n : 63), sc->p);
            c->marketplace = poa_data_marketplace(L->data, name);
        }
        int32_t day, dates[5], cday;
        if ((st = date_field(x, col_pd, "not a purchase date", 1, &day, err)) != POA_OK ||
            (st = check_cancel(x, &kc, &cday, err)) != POA_OK) {
            return st;
        }
        for (int k = 0; k < 5; k++) {
            if ((st = date_field(x, date_cols[k], "not a date", 0, &dates[k], err)) !=
                POA_OK) {
                return st;
            }
        }
        const poa_field *fch = get(x, col_ch);
        uint8_t channel;
        if (field_is(fch, "Merchant") || field_is(fch, "MFN") ||
            field_is(fch, "Seller")) {
            channel = POA_CH_MFN;
        } else if (field_is(fch, "Amazon") || field_is(fch, "AFN")) {
            channel = POA_CH_AFN;
        } else {
            return bad_field(err, x, col_ch, 0,
                             "fulfillment-channel must be Merchant or Amazon", NULL);
        }
        uint32_t sku = has_sku ? poa_intern_hashed(&L->skus, fsku->p, fsku->n, sku_hash)
                               : UINT32_MAX;
        uint16_t carrier = intern16(&L->carriers, get(x, col_car));
        int fresh;
        poa_order ord, *o = &ord;
        size_t at = order_slot(x, id, o, &fresh, err, &st);
        if (at == SIZE_MAX) {
            return st;
        }
        if (fresh || o->purchase == POA_NO_DAY) {
            o->purchase = day;
            o->channel = channel;
            o->status = order_status(get(x, col_st));
            o->cancelled_by = cancelled_by(get(x, kc.by));
            o->cancel_reason = intern16(&L->reasons, get(x, kc.reason));
            o->product_line = intern16(&L->lines, get(x, col_pl));
            if (c->latest_purchase == POA_NO_DAY || day > c->latest_purchase) {
                c->latest_purchase = day;
            }
        } else {
            /* Another item row of the same order (or a repeated row): the
             * order counts once; later rows only fill what is still empty. */
            x->file->duplicates++;
        }
        int32_t *slots[5] = {&o->latest_ship, &o->ship, &o->first_scan,
                             &o->promised_delivery, &o->delivery};
        for (int k = 0; k < 5; k++) {
            if (*slots[k] == POA_NO_DAY) {
                *slots[k] = dates[k];
            }
        }
        if ((st = add_sku(x, at, o, sku, err)) != POA_OK) {
            return st;
        }
        if (o->carrier == NONE16 && carrier != NONE16) {
            o->carrier = carrier;
            o->tracking = classify_tracking(L, carrier, get(x, col_tr));
        } else if (o->tracking == POA_TRACKING_NONE && !field_empty(get(x, col_tr))) {
            o->tracking = classify_tracking(L, o->carrier, get(x, col_tr));
        }
        if ((st = put_order(x, at, o, err)) != POA_OK) {
            return st;
        }
        note_day(x->file, day);
        if (!embedded) {
            continue;
        }
        /* Records from other reports joined onto the order: once per order,
         * however many item rows repeat them. */
        unsigned char *seen = seen_of(L, at);
        if (!seen) {
            return nomem(x, err);
        }
        if (kf.rating >= 0 && !(*seen & SEEN_FB) && !field_empty(get(x, kf.rating))) {
            *seen |= SEEN_FB;
            st = add_feedback(x, id, &kf, err);
        }
        if (st == POA_OK && kl.status >= 0 && !(*seen & SEEN_CLAIM) &&
            !field_empty(get(x, kl.status))) {
            *seen |= SEEN_CLAIM;
            st = add_claim(x, id, &kl, err);
        }
        if (st == POA_OK && kb.type >= 0 && !(*seen & SEEN_CB) &&
            !field_empty(get(x, kb.type))) {
            *seen |= SEEN_CB;
            st = add_chargeback(x, id, &kb, err);
        }
        if (st == POA_OK && kr.request >= 0 && !(*seen & SEEN_RET) &&
            !field_empty(get(x, kr.request))) {
            *seen |= SEEN_RET;
            st = add_return(x, id, &kr, err);
        }
        if (st != POA_OK) {
            return st;
        }
    }
}

/* Unshipped / actionable orders: seller-fulfilled orders waiting to ship.
 * They add orders the orders report lacks and complete the ship-by dates;
 * one past its latest ship date is overdue for LSR. */
static poa_status read_unshipped(rows *x, poa_error *err) {
    loader *L = x->L;
    poa_case *c = L->c;
    const header_match *m = x->m;
    int col_id = column_of(m, "order_id"), col_pd = column_of(m, "purchase_date");
    int col_ls = column_of(m, "latest_ship_date"),
        col_pdd = column_of(m, "promised_delivery_date");
    int col_sku = column_of(m, "sku");
    for (;;) {
        poa_status st = next_row(x, err);
        if (st != POA_OK || !x->row) {
            return st;
        }
        uint64_t id;
        int32_t pd, ls, pdd;
        if ((st = order_id_field(x, col_id, &id, err)) != POA_OK ||
            (st = date_field(x, col_pd, "not a purchase date", 1, &pd, err)) != POA_OK ||
            (st = date_field(x, col_ls, "not a latest ship date", 1, &ls, err)) !=
                POA_OK ||
            (st = date_field(x, col_pdd, "not a date", 0, &pdd, err)) != POA_OK) {
            return st;
        }
        int fresh;
        poa_order ord, *o = &ord;
        size_t at = order_slot(x, id, o, &fresh, err, &st);
        if (at == SIZE_MAX) {
            return st;
        }
        if (fresh) {
            o->purchase = pd;
            o->channel = POA_CH_MFN;
            o->status = POA_ORDER_UNSHIPPED;
            if (c->latest_purchase == POA_NO_DAY || pd > c->latest_purchase) {
                c->latest_purchase = pd;
            }
        } else {
            x->file->duplicates++;
            if (o->status == POA_ORDER_OTHER || o->status == POA_ORDER_PENDING) {
                o->status = POA_ORDER_UNSHIPPED;
            }
        }
        if (o->latest_ship == POA_NO_DAY) {
            o->latest_ship = ls;
        }
        if (o->promised_delivery == POA_NO_DAY) {
            o->promised_delivery = pdd;
        }
        const poa_field *fsku = get(x, col_sku);
        if ((!field_empty(fsku) &&
             (st = add_sku(x, at, o, poa_intern(&L->skus, fsku->p, fsku->n), err)) !=
                 POA_OK) ||
            (st = put_order(x, at, o, err)) != POA_OK) {
            return st;
        }
        note_day(x->file, pd);
    }
}

/* Shipping confirmations (the seller's upload file): confirm known orders
 * with the ship day, carrier and tracking number. */
static poa_status read_confirmations(rows *x, poa_error *err) {
    loader *L = x->L;
    const header_match *m = x->m;
    int col_id = column_of(m, "order_id"), col_sd = column_of(m, "ship_date");
    int col_cc = column_of(m, "carrier_code"), col_cn = column_of(m, "carrier");
    int col_tr = column_of(m, "tracking_number"), col_dd = column_of(m, "delivery_date");
    int col_pdd = column_of(m, "promised_delivery_date");
    for (;;) {
        poa_status st = next_row(x, err);
        if (st != POA_OK || !x->row) {
            return st;
        }
        uint64_t id;
        int32_t sd, dd, pdd;
        if ((st = order_id_field(x, col_id, &id, err)) != POA_OK ||
            (st = date_field(x, col_sd, "not a ship date", 1, &sd, err)) != POA_OK ||
            (st = date_field(x, col_dd, "not a delivery date", 0, &dd, err)) != POA_OK ||
            (st = date_field(x, col_pdd, "not a date", 0, &pdd, err)) != POA_OK) {
            return st;
        }
        uint32_t at = poa_id_index_get(&L->ids, L->c->order_recs, id);
        if (at == UINT32_MAX) {
            skip_row(x, "order not in the orders report");
            continue;
        }
        poa_order ord = poa_case_order_at(L->c, at), *o = &ord;
        if (o->ship == POA_NO_DAY || sd < o->ship) {
            o->ship = sd;
        }
        if (o->status != POA_ORDER_CANCELLED) {
            o->status = POA_ORDER_SHIPPED;
        }
        /* The carrier's name says more than its code ("Other" has a name). */
        const poa_field *fc = get(x, col_cn);
        if (field_empty(fc) || field_is(fc, "Other")) {
            fc = !field_empty(get(x, col_cc)) && !field_is(get(x, col_cc), "Other")
                     ? get(x, col_cc)
                     : fc;
        }
        uint16_t carrier = intern16(&L->carriers, fc);
        if (carrier != NONE16) {
            o->carrier = carrier;
        }
        if (!field_empty(get(x, col_tr)) || o->tracking == POA_TRACKING_NONE) {
            o->tracking = classify_tracking(L, o->carrier, get(x, col_tr));
        }
        if (dd != POA_NO_DAY) {
            o->delivery = dd;
        }
        if (pdd != POA_NO_DAY && o->promised_delivery == POA_NO_DAY) {
            o->promised_delivery = pdd;
        }
        if ((st = put_order(x, at, o, err)) != POA_OK) {
            return st;
        }
        note_day(x->file, sd);
    }
}

static poa_status read_cancellations(rows *x, poa_error *err) {
    const header_match *m = x->m;
    int col_id = column_of(m, "order_id");
    const cancel_cols k = {column_of(m, "cancel_date"), column_of(m, "cancelled_by"),
                           column_of(m, "cancel_reason")};
    for (;;) {
        poa_status st = next_row(x, err);
        if (st != POA_OK || !x->row) {
            return st;
        }
        uint64_t id;
        if ((st = order_id_field(x, col_id, &id, err)) != POA_OK) {
            return st;
        }
        uint32_t at = poa_id_index_get(&x->L->ids, x->L->c->order_recs, id);
        if (at == UINT32_MAX) {
            int32_t day;
            if ((st = check_cancel(x, &k, &day, err)) != POA_OK) {
                return st;
            }
            skip_row(x, "order not in the orders report");
            continue;
        }
        poa_order o = poa_case_order_at(x->L->c, at);
        if ((st = apply_cancel(x, &o, &k, err)) != POA_OK ||
            (st = put_order(x, at, &o, err)) != POA_OK) {
            return st;
        }
    }
}

/* Feedback, claims, chargebacks and returns in their own files. */
static poa_status read_records(rows *x, poa_error *err) {
    const header_match *m = x->m;
    const char *type = m->report->id;
    int col_id = column_of(m, "order_id");
    const fb_cols kf = {column_of(m, "date"), column_of(m, "rating"),
                        column_of(m, "comments"), column_of(m, "removed")};
    const claim_cols kl = {column_of(m, "claim_date"), column_of(m, "claim_status"),
                           column_of(m, "claim_reason")};
    const cb_cols kb = {column_of(m, "chargeback_date"), column_of(m, "chargeback_type"),
                        column_of(m, "chargeback_reason")};
    const ret_cols kr = {
        column_of(m, "return_request_date"), column_of(m, "response_date"),
        column_of(m, "rejection"),           column_of(m, "return_feedback"),
        column_of(m, "return_reason"),       column_of(m, "sku")};
    for (;;) {
        poa_status st = next_row(x, err);
        if (st != POA_OK || !x->row) {
            return st;
        }
        uint64_t id;
        if ((st = order_id_field(x, col_id, &id, err)) != POA_OK) {
            return st;
        }
        if (strcmp(type, "feedback") == 0) {
            st = add_feedback(x, id, &kf, err);
        } else if (strcmp(type, "claims") == 0) {
            st = add_claim(x, id, &kl, err);
        } else if (strcmp(type, "chargebacks") == 0) {
            st = add_chargeback(x, id, &kb, err);
        } else {
            st = add_return(x, id, &kr, err);
        }
        if (st != POA_OK) {
            return st;
        }
    }
}

/* How the case's exports are read: the marketplace's code page for files
 * that are not UTF-8, and the caller's encoding and quoting. */
static poa_table_options reader_options(const loader *L) {
    poa_table_options topt = {0};
    topt.legacy_codepage = L->c->marketplace ? L->c->marketplace->codepage : "CP1252";
    topt.force_encoding = L->opt ? L->opt->encoding : NULL;
    topt.quoting = L->opt ? (poa_quoting)L->opt->quoting : POA_QUOTING_AUTO;
    topt.warner = L->opt ? L->opt->warner : NULL;
    return topt;
}

/* Open one export and recognise it by its header. *out is NULL when no
 * report matches (the caller skips the file with a warning); a header that
 * matches a report but lacks its required columns is an error naming them.
 * quiet: a first look, whose reader gives no warnings. */
static poa_status open_detect(loader *L, const char *path, poa_table_reader **out,
                              header_match *best, int quiet, poa_error *err) {
    *out = NULL;
    poa_table_options topt = reader_options(L);
    if (quiet) {
        topt.warner = NULL; /* the reading proper warns */
    }
    poa_table_reader *r;
    poa_status st = poa_table_open(&r, path, &topt, err);
    if (st != POA_OK) {
        return st;
    }
    const poa_field *h;
    size_t nh;
    unsigned long line;
    st = poa_table_next(r, &h, &nh, &line, err);
    if (st != POA_OK) {
        poa_table_close(r);
        return st;
    }
    if (!h) {
        poa_table_close(r);
        return poa_error_set(err, POA_ERR_PARSE, path, 1, 1,
                             "file is empty — export the report again");
    }
    memset(best, 0, sizeof *best);
    header_match cand, partial;
    memset(&partial, 0, sizeof partial);
    for (size_t i = 0; i < L->data->nreports; i++) {
        match_header(&L->data->reports[i], h, nh, &cand);
        if (cand.missing == 0 && cand.matched > best->matched) {
            *best = cand;
        } else if (cand.missing > 0 &&
                   cand.matched - cand.missing > partial.matched - partial.missing) {
            partial = cand;
        }
    }
    if (!best->report && partial.report && partial.matched >= 2 &&
        partial.matched > partial.missing) {
        /* Recognisably this report, but a column it cannot do without is
         * missing: say which rather than skip the file. */
        char names[512] = "";
        size_t o = 0;
        int nmissing = 0;
        const poa_report_def *rd = partial.report;
        for (size_t k = 0; k < rd->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
            if (!rd->columns[k].required || partial.map[k] >= 0) {
                continue;
            }
            char name[128];
            snprintf(name, sizeof name, "%s", rd->columns[k].aliases[0]);
            for (char *p = name; partial.hyphens && *p; p++) {
                *p = *p == ' ' ? '-' : *p;
            }
            o += (size_t)snprintf(names + o, o < sizeof names ? sizeof names - o : 0,
                                  "%s'%s'", nmissing ? ", " : "", name);
            o = o < sizeof names ? o : sizeof names - 1;
            nmissing++;
        }
        poa_table_close(r);
        return poa_error_set(err, POA_ERR_PARSE, path, 1, 1,
                             "missing column%s %s — this looks like the %s report; add "
                             "the column%s to the header (names are listed in "
                             "columns.xml)",
                             nmissing > 1 ? "s" : "", names, rd->id,
                             nmissing > 1 ? "s" : "");
    }
    if (!best->report) {
        poa_table_close(r);
        return POA_OK;
    }
    *out = r;
    return POA_OK;
}

/* An input file's record before any of its rows is read. */
static void start_file(poa_input_file *file, const char *path, const char *type) {
    memset(file, 0, sizeof *file);
    file->path = path;
    file->type = type;
    file->first_day = file->last_day = POA_NO_DAY;
}

/* What reading an orders export in bulk may change, as it was before. */
typedef struct {
    const poa_marketplace *marketplace;
    int32_t latest_purchase;
    size_t norder_skus, nfeedback, nclaims, nchargebacks, nreturns;
} bulk_undo;

/* Read an orders export. The case's first one is read in bulk: its rows
 * placed in order without looking each new id up in the id index (a cache
 * miss in a table of tens of megabytes, per order), and the index built at
 * the end from the orders, a region of the table at a time. That is the
 * same case as reading it row by row exactly when no order comes back
 * after other orders; when one does (the index finds two orders with one
 * id), everything the export added is undone and it is read again row by
 * row, with the index. *r may be replaced by the reader of that reading. */
static poa_status read_orders_export(loader *L, const char *path, poa_table_reader **r,
                                     rows *x, poa_error *err) {
    poa_case *c = L->c;
    struct stat sb;
    size_t expected = 0;
    if (stat(path, &sb) == 0 && sb.st_size > 0) {
        /* An order takes a few hundred bytes of All Orders rows. */
        expected = L->ids.count + (size_t)sb.st_size / 400 + 1024;
        /* The orders array is sized once: growing it later copies it whole,
         * and the pages reserved but never written cost nothing. Only a
         * hint: when it cannot be had, the array grows as it fills. */
        if (expected <= POA_ID_INDEX_MAX) {
            (void)grow_array((void **)&c->order_recs, &L->orders_cap, expected,
                             sizeof *c->order_recs);
            /* The further SKUs of orders with several items too, room for
             * one order in two. */
            (void)grow_array((void **)&c->order_skus, &L->order_skus_cap,
                             c->norder_skus + expected / 2, sizeof *c->order_skus);
        }
    }
    if (c->norders == 0 && L->ids.count == 0) {
        const bulk_undo undo = {c->marketplace, c->latest_purchase, c->norder_skus,
                                c->nfeedback,   c->nclaims,         c->nchargebacks,
                                c->nreturns};
        L->bulk = 1;
        L->bulk_failed = 0;
        poa_status st = read_orders(x, err);
        L->bulk = 0;
        if (st != POA_OK) {
            return st;
        }
        int built = L->bulk_failed ? 1
                                   : poa_id_index_build(&L->ids, c->order_recs,
                                                        c->norders, expected);
        if (built < 0) {
            return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
        }
        if (built == 0) {
            return POA_OK;
        }
        /* An order came back: undo, and read the export again. Its
         * strings stay interned, in the order the second reading asks for
         * them again. */
        start_file(x->file, x->file->path, x->file->type);
        c->norders = 0;
        poa_spill_free(c->spilled);
        c->marketplace = undo.marketplace;
        c->latest_purchase = undo.latest_purchase;
        c->norder_skus = undo.norder_skus;
        c->nfeedback = undo.nfeedback;
        c->nclaims = undo.nclaims;
        c->nchargebacks = undo.nchargebacks;
        c->nreturns = undo.nreturns;
        if (L->seen) {
            memset(L->seen, 0, L->seen_cap);
        }
        L->last_id = 0;
        L->last_at = 0;
        poa_id_index_free(&L->ids);
        /* The same reader settings, without warning twice. */
        poa_table_options topt = reader_options(L);
        topt.warner = NULL;
        poa_table_close(*r);
        *r = NULL;
        const poa_field *h;
        size_t nh;
        st = poa_table_open(r, path, &topt, err);
        if (st == POA_OK) {
            st = poa_table_next(*r, &h, &nh, NULL, err); /* the header, matched before */
        }
        if (st != POA_OK) {
            return st;
        }
        *x = (rows){.L = L, .r = *r, .m = x->m, .path = path, .file = x->file};
    }
    /* Row by row: size the id index once instead of rebuilding it as it
     * grows. */
    if (expected) {
        poa_id_index_reserve(&L->ids, c->order_recs, expected);
    }
    return read_orders(x, err);
}

/* Read a recognised export to its end; closes r. */
static poa_status read_detected(loader *L, const char *path, const char *shown,
                                poa_table_reader *r, const header_match *m,
                                poa_error *err) {
    poa_case *c = L->c;
    poa_input_file *file = &c->files[c->nfiles++];
    start_file(file, poa_arena_strdup(c->arena, shown), m->report->id);
    rows x = {.L = L, .r = r, .m = m, .path = path, .file = file};
    poa_status st;
    const char *id = m->report->id;
    if (strcmp(id, "orders") == 0) {
        st = read_orders_export(L, path, &r, &x, err);
    } else if (strcmp(id, "unshipped") == 0) {
        st = read_unshipped(&x, err);
    } else if (strcmp(id, "confirmations") == 0) {
        st = read_confirmations(&x, err);
    } else if (strcmp(id, "cancellations") == 0) {
        st = read_cancellations(&x, err);
    } else {
        st = read_records(&x, err);
    }
    if (!r) {
        return st; /* a second reading could not start */
    }
    const poa_table_info *ti = poa_table_info_get(r);
    file->encoding = poa_arena_strdup(c->arena, ti->encoding ? ti->encoding : "UTF-8");
    file->delimiter = ti->delimiter;
    file->quoted_fields = ti->quoted_fields;
    file->blank_lines = ti->blank_lines;
    poa_table_close(r);
    return st;
}

static int has_ext(const char *name, const char *const *exts) {
    const char *dot = strrchr(name, '.');
    if (!dot) {
        return 0;
    }
    for (size_t i = 0; exts[i]; i++) {
        if (strcasecmp(dot + 1, exts[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void loader_free(loader *L) {
    poa_id_index_free(&L->ids);
    poa_interner_free(&L->skus);
    poa_interner_free(&L->lines);
    poa_interner_free(&L->carriers);
    poa_interner_free(&L->reasons);
    poa_interner_free(&L->rreasons);
    for (size_t i = 0; i < L->ncarrier_re; i++) {
        regfree(&L->carrier_re[i]);
    }
    free(L->carrier_re);
    free(L->carrier_pat);
    free(L->carrier_re_first);
    free((void *)L->carrier_defs);
    free(L->carrier_known);
    free(L->seen);
}

static poa_status compile_carriers(loader *L, poa_error *err) {
    const poa_data *d = L->data;
    size_t total = 0;
    for (size_t i = 0; i < d->ncarriers; i++) {
        total += d->carriers[i].nformats;
    }
    L->carrier_re = calloc(total + 1, sizeof *L->carrier_re);
    L->carrier_pat = calloc(total + 1, sizeof *L->carrier_pat);
    L->carrier_re_first = calloc(d->ncarriers + 1, sizeof *L->carrier_re_first);
    if (!L->carrier_re || !L->carrier_pat || !L->carrier_re_first) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < d->ncarriers; i++) {
        L->carrier_re_first[i] = L->ncarrier_re;
        for (size_t k = 0; k < d->carriers[i].nformats; k++) {
            /* The whole tracking number must match the format. */
            char anchored[512];
            int len =
                snprintf(anchored, sizeof anchored, "^(%s)$", d->carriers[i].formats[k]);
            if (regcomp(&L->carrier_re[L->ncarrier_re], anchored,
                        REG_EXTENDED | REG_NOSUB) != 0) {
                return poa_error_set(
                    err, POA_ERR_SCHEMA, d->rules_path, 0, 0,
                    "carrier '%s': format '%s' is not a valid regular expression",
                    d->carriers[i].id, d->carriers[i].formats[k]);
            }
            /* Still compiled by regcomp, which alone says what is valid; a
             * format cut short above is left to regexec as it was cut. */
            if ((size_t)len < sizeof anchored) {
                poa_pattern_compile(&L->carrier_pat[L->ncarrier_re],
                                    d->carriers[i].formats[k]);
            }
            L->ncarrier_re++;
        }
    }
    return POA_OK;
}

static const char *const skip_exts[] = {"pdf", "png", "jpg",  "jpeg", "gif", "md", "html",
                                        "htm", "doc", "docx", "eml",  "zip", NULL};

/* A file of the case and where it comes in the reading order. */
typedef struct {
    const char *name; /* as found (or the path given, for a single file) */
    int rank;         /* 0 performance report, 1 + report index for exports */
} entry;

static int cmp_entry(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->rank != y->rank) {
        return x->rank < y->rank ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

static void free_case_arrays(poa_case *c) {
    free(c->order_recs);
    if (c->spilled) {
        poa_spill_free(c->spilled);
        free(c->spilled);
    }
    free(c->order_skus);
    free(c->feedback);
    free(c->claims);
    free(c->chargebacks);
    free(c->returns);
    free(c->report_statuses);
    free(c->report_metrics);
    free((void *)c->report_quirks);
}

/* Name the files of a folder (sorted, so results never depend on the
 * order the file system lists them). */
static poa_status list_folder(poa_arena *a, const char *path, char ***names,
                              size_t *nnames, poa_error *err) {
    DIR *dir = opendir(path);
    if (!dir) {
        return poa_error_set(err, POA_ERR_IO, path, 0, 0,
                             "cannot open the case folder: %s", strerror(errno));
    }
    struct dirent *e;
    size_t cap = 0;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (*nnames == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, cap * sizeof **names);
            if (!nn) {
                closedir(dir);
                return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
            }
            *names = nn;
        }
        (*names)[(*nnames)++] = poa_arena_strdup(a, e->d_name);
    }
    closedir(dir);
    if (*nnames) {
        qsort(*names, *nnames, sizeof **names, cmp_str);
    }
    return POA_OK;
}

static poa_status read_performance(loader *L, const char *full, const char *shown,
                                   int *recognised, poa_error *err) {
    poa_case *c = L->c;
    size_t before = c->nreport_metrics + c->nreport_statuses;
    poa_status st = has_ext(full, (const char *const[]){"json", NULL})
                        ? poa_ingest__perf_json(c, full, L->data, recognised, err)
                        : poa_ingest__perf_xml(c, full, L->data, recognised, err);
    if (st == POA_OK && *recognised) {
        poa_input_file *file = &c->files[c->nfiles++];
        memset(file, 0, sizeof *file);
        file->path = poa_arena_strdup(c->arena, shown);
        file->type = has_ext(full, (const char *const[]){"json", NULL})
                         ? "performance report (JSON)"
                         : "performance report (XML)";
        file->encoding = "UTF-8";
        file->first_day = file->last_day = POA_NO_DAY;
        for (size_t i = 0; i < c->nreport_metrics; i++) {
            note_day(file, c->report_metrics[i].from);
            note_day(file, c->report_metrics[i].to);
        }
        file->rows = c->nreport_metrics + c->nreport_statuses - before;
    }
    return st;
}

poa_status poa_case_load(poa_case **out, const char *path, const poa_data *data,
                         const poa_ingest_options *opt, poa_error *err) {
    *out = NULL;
    poa_case *c = calloc(1, sizeof *c);
    poa_arena *a = poa_arena_new();
    loader L;
    memset(&L, 0, sizeof L);
    poa_spill_map *spilled = calloc(1, sizeof *spilled);
    if (!c || !a || !spilled) {
        free(c);
        free(spilled);
        poa_arena_free(a);
        poa_id_index_free(&L.ids);
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    c->arena = a;
    c->spilled = spilled;
    c->latest_purchase = POA_NO_DAY;
    c->report_latest = POA_NO_DAY;
    c->info.notice_date = POA_NO_DAY; /* until a case.xml gives one */
    L.c = c;
    L.data = data;
    L.opt = opt;
    poa_interner_init(&L.skus, a);
    poa_interner_init(&L.lines, a);
    poa_interner_init(&L.carriers, a);
    poa_interner_init(&L.reasons, a);
    poa_interner_init(&L.rreasons, a);
    poa_status st = compile_carriers(&L, err);

    char **names = NULL;
    size_t nnames = 0;
    struct stat sb;
    if (st == POA_OK && stat(path, &sb) != 0) {
        st = poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot open the case: %s",
                           strerror(errno));
    }
    int single = st == POA_OK && S_ISREG(sb.st_mode);
    if (st == POA_OK && !single) {
        st = list_folder(a, path, &names, &nnames, err);
    }
    c->dir = poa_arena_strdup(a, path);
    if (single) {
        const char *slash = strrchr(path, '/');
        c->dir = slash ? poa_arena_strndup(a, path, (size_t)(slash - path)) : ".";
    }
    c->files = poa_arena_alloc(a, (nnames + 2) * sizeof *c->files);
    entry *entries = calloc(nnames + 2, sizeof *entries);
    size_t nentries = 0;
    if (!entries || !c->files) {
        st = poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (st == POA_OK && opt && opt->marketplace) {
        c->marketplace = poa_data_marketplace(data, opt->marketplace);
        if (!c->marketplace) {
            st = poa_error_set(err, POA_ERR_ARG, NULL, 0, 0,
                               "unknown marketplace '%s' — see marketplaces.xml",
                               opt->marketplace);
        }
    }
    /* case.xml first: it names the marketplace, which decides time zone,
     * date order and code page for everything after it. */
    char full[4096];
    for (size_t i = 0; st == POA_OK && i < nnames; i++) {
        if (strcmp(names[i], "case.xml") == 0) {
            snprintf(full, sizeof full, "%s/%s", path, names[i]);
            st = poa_ingest__case_file(c, full, data, err);
        } else if (!has_ext(names[i], skip_exts)) {
            snprintf(full, sizeof full, "%s/%s", path, names[i]);
            if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode)) {
                entries[nentries++].name = names[i];
            }
        }
    }
    if (single) {
        entries[nentries++].name = path;
    }
    /* Then performance reports, orders, what completes orders, the rest:
     * the reading order of columns.xml. Each export's type comes from its
     * header, read once here and again when the file is read. */
    for (size_t i = 0; st == POA_OK && i < nentries; i++) {
        if (has_ext(entries[i].name, (const char *const[]){"json", "xml", NULL})) {
            entries[i].rank = 0;
            continue;
        }
        snprintf(full, sizeof full, "%s%s%s", single ? "" : path, single ? "" : "/",
                 entries[i].name);
        poa_table_reader *r;
        header_match m;
        st = open_detect(&L, full, &r, &m, 1, err);
        entries[i].rank = r ? 1 + (int)(m.report - data->reports) : -1;
        poa_table_close(r);
    }
    if (nentries) {
        qsort(entries, nentries, sizeof *entries, cmp_entry);
    }
    size_t recognised_total = 0;
    for (size_t i = 0; st == POA_OK && i < nentries; i++) {
        snprintf(full, sizeof full, "%s%s%s", single ? "" : path, single ? "" : "/",
                 entries[i].name);
        int recognised = 0;
        if (entries[i].rank == 0) {
            st = read_performance(&L, full, full, &recognised, err);
        } else if (entries[i].rank > 0) {
            poa_table_reader *r;
            header_match m;
            st = open_detect(&L, full, &r, &m, 0, err);
            if (st == POA_OK && r) {
                recognised = 1;
                st = read_detected(&L, full, full, r, &m, err);
            }
        }
        if (st == POA_OK && !recognised) {
            poa_warn(opt ? opt->warner : NULL, full, 1, 1,
                     "not a recognised export (no known header): skipped");
        }
        recognised_total += recognised;
    }
    free(entries);
    if (st == POA_OK && recognised_total == 0 && !c->info.present) {
        st = poa_error_set(err, POA_ERR_PARSE, path, 0, 0,
                           "no recognisable export here — add the orders report "
                           "(All Orders, tab-separated) and case.xml");
    }
    free(names);
    if (st != POA_OK) {
        loader_free(&L);
        free_case_arrays(c);
        poa_arena_free(a);
        free(c);
        return st;
    }
    c->skus = L.skus.items;
    c->nskus = L.skus.count;
    c->product_lines = L.lines.items;
    c->nproduct_lines = L.lines.count;
    c->carriers = L.carriers.items;
    c->ncarriers = L.carriers.count;
    c->cancel_reasons = L.reasons.items;
    c->ncancel_reasons = L.reasons.count;
    c->reasons = L.rreasons.items;
    c->nreasons = L.rreasons.count;
    /* Each record learns its order's position once; the id index, a fifth
     * of a large case's memory, then goes before the metrics need theirs. */
    for (size_t i = 0; i < c->nfeedback; i++) {
        c->feedback[i].order =
            poa_id_index_get(&L.ids, c->order_recs, c->feedback[i].order_id);
    }
    for (size_t i = 0; i < c->nclaims; i++) {
        c->claims[i].order =
            poa_id_index_get(&L.ids, c->order_recs, c->claims[i].order_id);
    }
    for (size_t i = 0; i < c->nchargebacks; i++) {
        c->chargebacks[i].order =
            poa_id_index_get(&L.ids, c->order_recs, c->chargebacks[i].order_id);
    }
    for (size_t i = 0; i < c->nreturns; i++) {
        c->returns[i].order =
            poa_id_index_get(&L.ids, c->order_recs, c->returns[i].order_id);
    }
    /* The interners' item arrays now belong to c. */
    L.skus.items = L.lines.items = L.carriers.items = L.reasons.items = NULL;
    L.rreasons.items = NULL;
    loader_free(&L);
    *out = c;
    return POA_OK;
}

void poa_case_free(poa_case *c) {
    if (!c) {
        return;
    }
    free_case_arrays(c);
    free((void *)c->skus);
    free((void *)c->product_lines);
    free((void *)c->carriers);
    free((void *)c->cancel_reasons);
    free((void *)c->reasons);
    poa_arena_free(c->arena);
    free(c);
}
