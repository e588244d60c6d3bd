/* The ingest stage: read a case folder into a poa_case. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest/ingest_private.h"
#include "poagen/date.h"

enum { MAX_FIELDS_MAPPED = 64, NONE16 = 0xFFFF };

typedef struct {
    poa_case *c;
    const poa_data *data;
    const poa_ingest_options *opt;
    poa_id_index ids;
    poa_interner skus, lines, carriers, reasons;
    size_t orders_cap, order_skus_cap, feedback_cap;
    regex_t *carrier_re; /* one per carrier format, flattened */
    size_t *carrier_re_first;
    size_t ncarrier_re;
} loader;

uint64_t poa_order_id_pack(const char *s, size_t n) {
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

const poa_order *poa_case_order(const poa_case *c, uint64_t id) {
    const poa_id_index *ix = c->index;
    uint32_t i = ix ? poa_id_index_get(ix, id) : UINT32_MAX;
    return i == UINT32_MAX ? NULL : &c->orders[i];
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
static int parse_day(const poa_case *c, const poa_field *f, int *day, unsigned *col) {
    int utc_day;
    if (poa_parse_iso_day(f->p, f->n, 0, &utc_day, col) != 0) {
        return -1;
    }
    if (!c->marketplace) {
        *day = utc_day;
        return 0;
    }
    return poa_parse_iso_day(f->p, f->n, poa_marketplace_offset(c->marketplace, utc_day),
                             day, col);
}

static int field_is(const poa_field *f, const char *s) {
    size_t n = strlen(s);
    return f->n == n && strncasecmp(f->p, s, n) == 0;
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
    int matched;
} header_match;

static int match_header(const poa_report_def *r, const poa_field *h, size_t nh,
                        header_match *m) {
    m->report = r;
    m->matched = 0;
    char norm[256];
    for (size_t k = 0; k < r->ncolumns && k < MAX_FIELDS_MAPPED; k++) {
        m->map[k] = -1;
    }
    for (size_t i = 0; i < nh; i++) {
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
        if (r->columns[k].required && m->map[k] < 0) {
            return 0;
        }
    }
    return m->matched > 0;
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

static const poa_field *get(const poa_field *row, size_t n, int col) {
    return col >= 0 && (size_t)col < n ? &row[col] : &empty_field;
}

static poa_status bad_field(poa_error *err, poa_table_reader *r, const char *path,
                            unsigned long line, int col, unsigned offset,
                            const char *what, const poa_field *f) {
    unsigned column = poa_table_field_column(r, (size_t)col) + (offset ? offset - 1 : 0);
    return poa_error_set(err, POA_ERR_PARSE, path, (unsigned)line, column,
                         "%s: '%.*s' — %s", what, (int)(f->n > 60 ? 60 : f->n), f->p,
                         strstr(what, "date")
                             ? "write it as YYYY-MM-DD or ISO 8601 date-time"
                             : "correct the value or remove the row");
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
    *p = q;
    *cap = n;
    return 0;
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
    const char *name = L->carriers.items[carrier];
    const poa_carrier_def *cd = poa_data_carrier(L->data, name, strlen(name));
    if (!cd) {
        return POA_TRACKING_UNKNOWN_CARRIER;
    }
    size_t ci = (size_t)(cd - L->data->carriers);
    char buf[128];
    size_t n = tracking->n < sizeof buf - 1 ? tracking->n : sizeof buf - 1;
    memcpy(buf, tracking->p, n);
    buf[n] = '\0';
    for (size_t k = 0; k < cd->nformats; k++) {
        regex_t *re = &L->carrier_re[L->carrier_re_first[ci] + k];
        regmatch_t m;
        if (regexec(re, buf, 1, &m, 0) == 0 && m.rm_so == 0 && (size_t)m.rm_eo == n) {
            return POA_TRACKING_VALID;
        }
    }
    return POA_TRACKING_INVALID;
}

static poa_status read_orders(loader *L, poa_table_reader *r, const header_match *m,
                              const char *path, poa_input_file *file, poa_error *err) {
    poa_case *c = L->c;
    int col_id = column_of(m, "order_id"), col_pd = column_of(m, "purchase_date");
    int col_ch = column_of(m, "fulfillment_channel"),
        col_st = column_of(m, "order_status");
    int col_sc = column_of(m, "sales_channel"), col_sku = column_of(m, "sku");
    int col_pl = column_of(m, "product_line"), col_ls = column_of(m, "latest_ship_date");
    int col_sd = column_of(m, "ship_date"), col_fs = column_of(m, "first_scan_date");
    int col_car = column_of(m, "carrier"), col_tr = column_of(m, "tracking_number");
    int col_pdd = column_of(m, "promised_delivery_date"),
        col_dd = column_of(m, "delivery_date");
    int col_cb = column_of(m, "cancelled_by"), col_cr = column_of(m, "cancel_reason");
    const int date_cols[6] = {col_ls, col_sd, col_fs, col_pdd, col_dd, -1};
    const poa_field *row;
    size_t n;
    unsigned long line;
    size_t header_n = 0;
    (void)header_n;
    for (;;) {
        poa_status st = poa_table_next(r, &row, &n, &line, err);
        if (st != POA_OK) {
            return st;
        }
        if (!row) {
            break;
        }
        file->rows++;
        const poa_field *fid = get(row, n, col_id);
        uint64_t id = poa_order_id_pack(fid->p, fid->n);
        if (!id) {
            return bad_field(err, r, path, line, col_id, 0, "not an order id", fid);
        }
        if (!c->marketplace && col_sc >= 0 && !field_empty(get(row, n, col_sc))) {
            /* No case.xml or --marketplace: the orders' own sales channel. */
            const poa_field *sc = get(row, n, col_sc);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(sc->n < 63 ? sc->n : 63), sc->p);
            c->marketplace = poa_data_marketplace(L->data, name);
        }
        int day;
        unsigned off;
        const poa_field *fpd = get(row, n, col_pd);
        if (parse_day(c, fpd, &day, &off) != 0) {
            return bad_field(err, r, path, line, col_pd, off, "not a purchase date", fpd);
        }
        int32_t dates[5];
        for (int k = 0; k < 5; k++) {
            const poa_field *f = get(row, n, date_cols[k]);
            dates[k] = POA_NO_DAY;
            if (date_cols[k] >= 0 && !field_empty(f) &&
                parse_day(c, f, &dates[k], &off) != 0) {
                return bad_field(err, r, path, line, date_cols[k], off, "not a date", f);
            }
        }
        const poa_field *fch = get(row, n, col_ch);
        uint8_t channel;
        if (field_is(fch, "Merchant") || field_is(fch, "MFN") ||
            field_is(fch, "Seller")) {
            channel = POA_CH_MFN;
        } else if (field_is(fch, "Amazon") || field_is(fch, "AFN")) {
            channel = POA_CH_AFN;
        } else {
            return bad_field(err, r, path, line, col_ch, 0,
                             "fulfillment-channel must be Merchant or Amazon", fch);
        }
        const poa_field *fst = get(row, n, col_st);
        uint8_t status = POA_ORDER_OTHER;
        if (field_is(fst, "Shipped")) {
            status = POA_ORDER_SHIPPED;
        } else if (field_is(fst, "Unshipped") || field_is(fst, "PartiallyShipped") ||
                   field_is(fst, "Partially Shipped") || field_is(fst, "Shipping")) {
            status = POA_ORDER_UNSHIPPED;
        } else if (field_is(fst, "Pending")) {
            status = POA_ORDER_PENDING;
        } else if (field_is(fst, "Cancelled") || field_is(fst, "Canceled")) {
            status = POA_ORDER_CANCELLED;
        }
        const poa_field *fcb = get(row, n, col_cb);
        uint8_t by = field_is(fcb, "seller")  ? POA_BY_SELLER
                     : field_is(fcb, "buyer") ? POA_BY_BUYER
                                              : POA_BY_NONE;
        uint32_t sku =
            field_empty(get(row, n, col_sku))
                ? UINT32_MAX
                : poa_intern(&L->skus, get(row, n, col_sku)->p, get(row, n, col_sku)->n);
        uint16_t carrier = intern16(&L->carriers, get(row, n, col_car));

        uint32_t at = poa_id_index_get(&L->ids, id);
        poa_order *o;
        if (at == UINT32_MAX) {
            if (grow_array((void **)&c->orders, &L->orders_cap, c->norders + 1,
                           sizeof *o) != 0 ||
                poa_id_index_put(&L->ids, id, (uint32_t)c->norders) != 0) {
                return poa_error_set(err, POA_ERR_NOMEM, path, (unsigned)line, 0,
                                     "out of memory");
            }
            at = (uint32_t)c->norders++;
            o = &c->orders[at];
            o->id = id;
            o->purchase = day;
            o->latest_ship = dates[0];
            o->ship = dates[1];
            o->first_scan = dates[2];
            o->promised_delivery = dates[3];
            o->delivery = dates[4];
            o->sku = sku;
            o->product_line = intern16(&L->lines, get(row, n, col_pl));
            o->carrier = carrier;
            o->cancel_reason = intern16(&L->reasons, get(row, n, col_cr));
            o->channel = channel;
            o->status = status;
            o->cancelled_by = by;
            o->tracking = classify_tracking(L, carrier, get(row, n, col_tr));
            if (c->latest_purchase == POA_NO_DAY || day > c->latest_purchase) {
                c->latest_purchase = day;
            }
        } else {
            /* Another item row of the same order (or a repeated row): the
             * order counts once; later rows only fill what is still empty. */
            o = &c->orders[at];
            file->duplicates++;
            int32_t *slots[5] = {&o->latest_ship, &o->ship, &o->first_scan,
                                 &o->promised_delivery, &o->delivery};
            for (int k = 0; k < 5; k++) {
                if (*slots[k] == POA_NO_DAY) {
                    *slots[k] = dates[k];
                }
            }
            if (o->sku == UINT32_MAX) {
                o->sku = sku;
            } else if (sku != UINT32_MAX && sku != o->sku) {
                if (grow_array((void **)&c->order_skus, &L->order_skus_cap,
                               c->norder_skus + 1, sizeof *c->order_skus) != 0) {
                    return poa_error_set(err, POA_ERR_NOMEM, path, (unsigned)line, 0,
                                         "out of memory");
                }
                c->order_skus[c->norder_skus].order = at;
                c->order_skus[c->norder_skus].sku = sku;
                c->norder_skus++;
            }
            if (o->carrier == NONE16 && carrier != NONE16) {
                o->carrier = carrier;
                o->tracking = classify_tracking(L, carrier, get(row, n, col_tr));
            }
        }
        if (file->first_day == POA_NO_DAY || day < file->first_day) {
            file->first_day = day;
        }
        if (file->last_day == POA_NO_DAY || day > file->last_day) {
            file->last_day = day;
        }
    }
    return POA_OK;
}

static int parse_feedback_day(const poa_case *c, const poa_field *f, int *day,
                              unsigned *col, int *ambiguous) {
    *ambiguous = 0;
    if (f->n >= 10 && f->p[4] == '-') {
        return poa_parse_iso_day(f->p, f->n, 0, day, col);
    }
    if (c->marketplace) {
        return poa_parse_local_day(f->p, f->n, c->marketplace->date_order, day, col);
    }
    int d1, d2;
    int ok1 = poa_parse_local_day(f->p, f->n, "dmy", &d1, col) == 0;
    int ok2 = poa_parse_local_day(f->p, f->n, "mdy", &d2, col) == 0;
    if (ok1 && ok2 && d1 != d2) {
        *ambiguous = 1;
        return -1;
    }
    if (ok1 || ok2) {
        *day = ok1 ? d1 : d2;
        return 0;
    }
    return -1;
}

static poa_status read_feedback(loader *L, poa_table_reader *r, const header_match *m,
                                const char *path, poa_input_file *file, poa_error *err) {
    poa_case *c = L->c;
    int col_d = column_of(m, "date"), col_r = column_of(m, "rating");
    int col_c = column_of(m, "comments"), col_o = column_of(m, "order_id");
    int col_rm = column_of(m, "removed");
    const poa_field *row;
    size_t n;
    unsigned long line;
    for (;;) {
        poa_status st = poa_table_next(r, &row, &n, &line, err);
        if (st != POA_OK) {
            return st;
        }
        if (!row) {
            break;
        }
        file->rows++;
        const poa_field *fo = get(row, n, col_o);
        uint64_t id = poa_order_id_pack(fo->p, fo->n);
        if (!id) {
            return bad_field(err, r, path, line, col_o, 0, "not an order id", fo);
        }
        const poa_field *fd = get(row, n, col_d);
        int day, amb;
        unsigned off = 0;
        if (parse_feedback_day(c, fd, &day, &off, &amb) != 0) {
            if (amb) {
                return poa_error_set(
                    err, POA_ERR_PARSE, path, (unsigned)line,
                    poa_table_field_column(r, (size_t)col_d),
                    "ambiguous date '%.*s' (day/month or month/day?) — name "
                    "the marketplace in case.xml or with --marketplace",
                    (int)(fd->n > 40 ? 40 : fd->n), fd->p);
            }
            return bad_field(err, r, path, line, col_d, off, "not a feedback date", fd);
        }
        const poa_field *fr = get(row, n, col_r);
        if (fr->n != 1 || fr->p[0] < '1' || fr->p[0] > '5') {
            return bad_field(err, r, path, line, col_r, 0, "rating must be 1 to 5", fr);
        }
        const poa_field *frm = get(row, n, col_rm);
        if (grow_array((void **)&c->feedback, &L->feedback_cap, c->nfeedback + 1,
                       sizeof *c->feedback) != 0) {
            return poa_error_set(err, POA_ERR_NOMEM, path, (unsigned)line, 0,
                                 "out of memory");
        }
        poa_feedback *fb = &c->feedback[c->nfeedback++];
        fb->order_id = id;
        fb->day = day;
        fb->rating = (uint8_t)(fr->p[0] - '0');
        fb->removed = field_is(frm, "yes") || field_is(frm, "true") ||
                      field_is(frm, "1") || field_is(frm, "y");
        const poa_field *fc = get(row, n, col_c);
        fb->comment = poa_arena_strndup(c->arena, fc->p, fc->n);
        fb->line = line;
        if (file->first_day == POA_NO_DAY || day < file->first_day) {
            file->first_day = day;
        }
        if (file->last_day == POA_NO_DAY || day > file->last_day) {
            file->last_day = day;
        }
    }
    return POA_OK;
}

/* Open one export and recognise it by its header. *r is NULL when no
 * report matches (the caller skips the file with a warning). */
static poa_status open_detect(loader *L, const char *path, poa_table_reader **out,
                              header_match *best, poa_error *err) {
    *out = NULL;
    poa_table_options topt = {0};
    topt.legacy_codepage = L->c->marketplace ? L->c->marketplace->codepage : "CP1252";
    topt.force_encoding = L->opt ? L->opt->encoding : NULL;
    topt.quoting = L->opt ? (poa_quoting)L->opt->quoting : POA_QUOTING_AUTO;
    topt.warner = L->opt ? L->opt->warner : NULL;
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
    header_match cand;
    for (size_t i = 0; i < L->data->nreports; i++) {
        if (match_header(&L->data->reports[i], h, nh, &cand) &&
            cand.matched > best->matched) {
            *best = cand;
        }
    }
    if (!best->report) {
        poa_table_close(r);
        return POA_OK;
    }
    *out = r;
    return POA_OK;
}

/* Read a recognised export to its end; closes r. */
static poa_status read_detected(loader *L, const char *path, poa_table_reader *r,
                                const header_match *m, poa_error *err) {
    poa_case *c = L->c;
    poa_input_file *file = &c->files[c->nfiles++];
    memset(file, 0, sizeof *file);
    file->path = poa_arena_strdup(c->arena, path);
    file->type = m->report->id;
    file->first_day = file->last_day = POA_NO_DAY;
    poa_status st = POA_OK;
    if (strcmp(m->report->id, "orders") == 0) {
        st = read_orders(L, r, m, path, file, err);
    } else if (strcmp(m->report->id, "feedback") == 0) {
        st = read_feedback(L, r, m, path, file, err);
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
    for (size_t i = 0; i < L->ncarrier_re; i++) {
        regfree(&L->carrier_re[i]);
    }
    free(L->carrier_re);
    free(L->carrier_re_first);
}

static poa_status compile_carriers(loader *L, poa_error *err) {
    const poa_data *d = L->data;
    size_t total = 0;
    for (size_t i = 0; i < d->ncarriers; i++) {
        total += d->carriers[i].nformats;
    }
    L->carrier_re = calloc(total + 1, sizeof *L->carrier_re);
    L->carrier_re_first = calloc(d->ncarriers + 1, sizeof *L->carrier_re_first);
    if (!L->carrier_re || !L->carrier_re_first) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < d->ncarriers; i++) {
        L->carrier_re_first[i] = L->ncarrier_re;
        for (size_t k = 0; k < d->carriers[i].nformats; k++) {
            if (regcomp(&L->carrier_re[L->ncarrier_re], d->carriers[i].formats[k],
                        REG_EXTENDED) != 0) {
                return poa_error_set(
                    err, POA_ERR_SCHEMA, d->rules_path, 0, 0,
                    "carrier '%s': format '%s' is not a valid regular expression",
                    d->carriers[i].id, d->carriers[i].formats[k]);
            }
            L->ncarrier_re++;
        }
    }
    return POA_OK;
}

static void finish(loader *L) {
    poa_case *c = L->c;
    c->skus = L->skus.items;
    c->nskus = L->skus.count;
    c->product_lines = L->lines.items;
    c->nproduct_lines = L->lines.count;
    c->carriers = L->carriers.items;
    c->ncarriers = L->carriers.count;
    c->cancel_reasons = L->reasons.items;
    c->ncancel_reasons = L->reasons.count;
}

static const char *const skip_exts[] = {"pdf", "png", "jpg",  "jpeg", "gif", "md", "html",
                                        "htm", "doc", "docx", "eml",  "zip", NULL};

poa_status poa_case_load(poa_case **out, const char *path, const poa_data *data,
                         const poa_ingest_options *opt, poa_error *err) {
    *out = NULL;
    poa_case *c = calloc(1, sizeof *c);
    poa_arena *a = poa_arena_new();
    loader L;
    memset(&L, 0, sizeof L);
    if (!c || !a || poa_id_index_init(&L.ids, 1024) != 0) {
        free(c);
        poa_arena_free(a);
        poa_id_index_free(&L.ids);
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    c->arena = a;
    c->latest_purchase = POA_NO_DAY;
    L.c = c;
    L.data = data;
    L.opt = opt;
    poa_interner_init(&L.skus, a);
    poa_interner_init(&L.lines, a);
    poa_interner_init(&L.carriers, a);
    poa_interner_init(&L.reasons, a);
    poa_status st = compile_carriers(&L, err);

    /* The folder's files, in name order so that results never depend on
     * the order the file system lists them. */
    char **names = NULL;
    size_t nnames = 0;
    struct stat sb;
    int single = st == POA_OK && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    if (st == POA_OK && !single) {
        DIR *dir = opendir(path);
        if (!dir) {
            st = poa_error_set(err, POA_ERR_IO, path, 0, 0,
                               "cannot open the case folder: %s", strerror(errno));
        } else {
            struct dirent *e;
            size_t cap = 0;
            while ((e = readdir(dir)) != NULL) {
                if (e->d_name[0] == '.') {
                    continue;
                }
                if (nnames == cap) {
                    cap = cap ? cap * 2 : 16;
                    char **nn = realloc(names, cap * sizeof *names);
                    if (!nn) {
                        break;
                    }
                    names = nn;
                }
                names[nnames++] = poa_arena_strdup(a, e->d_name);
            }
            closedir(dir);
            if (nnames) {
                qsort(names, nnames, sizeof *names, cmp_str);
            }
        }
    }
    c->dir = poa_arena_strdup(a, single ? "." : path);
    if (st == POA_OK && single) {
        const char *slash = strrchr(path, '/');
        c->dir = slash ? poa_arena_strndup(a, path, (size_t)(slash - path)) : ".";
    }
    c->files = poa_arena_alloc(a, (nnames + 2) * sizeof *c->files);
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
        }
    }
    size_t recognised_total = 0;
    /* Orders before the rest: feedback dates need the marketplace, and the
     * orders' sales channel may be the only source of it. */
    unsigned char *later = calloc(nnames + 1, 1);
    for (int pass = 0; st == POA_OK && pass < 2; pass++) {
        for (size_t i = 0; st == POA_OK && i < (single ? 1 : nnames); i++) {
            const char *name = single ? path : names[i];
            if (single) {
                snprintf(full, sizeof full, "%s", path);
            } else {
                if (strcmp(name, "case.xml") == 0 || has_ext(name, skip_exts)) {
                    continue;
                }
                snprintf(full, sizeof full, "%s/%s", path, name);
                if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
                    continue;
                }
            }
            if (has_ext(name, (const char *const[]){"xml", "json", NULL})) {
                continue; /* performance reports: read by their own readers */
            }
            if (pass == 1 && !(later && later[i])) {
                continue;
            }
            poa_table_reader *r;
            header_match m;
            st = open_detect(&L, full, &r, &m, err);
            if (st != POA_OK) {
                break;
            }
            if (!r) {
                poa_warn(opt ? opt->warner : NULL, full, 1, 1,
                         "not a recognised export (no known header): skipped");
                continue;
            }
            if (pass == 0 && strcmp(m.report->id, "orders") != 0) {
                poa_table_close(r);
                if (later) {
                    later[i] = 1;
                }
                continue;
            }
            recognised_total++;
            st = read_detected(&L, full, r, &m, err);
        }
    }
    free(later);
    if (st == POA_OK && recognised_total == 0 && !c->info.present) {
        st = poa_error_set(err, POA_ERR_PARSE, path, 0, 0,
                           "no recognisable export here — add the orders report "
                           "(All Orders, tab-separated) and case.xml");
    }
    free(names);
    if (st != POA_OK) {
        loader_free(&L);
        free(c->orders);
        free(c->order_skus);
        free(c->feedback);
        poa_arena_free(a);
        free(c);
        return st;
    }
    finish(&L);
    /* Keep the id index for lookups; the interners' item arrays now belong to c. */
    poa_id_index *ix = malloc(sizeof *ix);
    if (ix) {
        *ix = L.ids;
        L.ids.keys = NULL;
        L.ids.values = NULL;
    }
    c->index = ix;
    free(L.skus.slots);
    free(L.lines.slots);
    free(L.carriers.slots);
    free(L.reasons.slots);
    for (size_t i = 0; i < L.ncarrier_re; i++) {
        regfree(&L.carrier_re[i]);
    }
    free(L.carrier_re);
    free(L.carrier_re_first);
    poa_id_index_free(&L.ids);
    *out = c;
    return POA_OK;
}

void poa_case_free(poa_case *c) {
    if (!c) {
        return;
    }
    if (c->index) {
        poa_id_index_free(c->index);
        free(c->index);
    }
    free(c->orders);
    free(c->order_skus);
    free(c->feedback);
    free((void *)c->skus);
    free((void *)c->product_lines);
    free((void *)c->carriers);
    free((void *)c->cancel_reasons);
    poa_arena_free(c->arena);
    free(c);
}
