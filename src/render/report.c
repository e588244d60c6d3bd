/* The analysis report (report.html): what the POA claims, shown from the
 * data. Every chart is captioned with its numbers and backed by a table,
 * so the page reads the same printed in black and white or through a
 * screen reader, and a reviewer can check each figure.
 *
 * The daily series are the metrics stage's own figures: the metrics are
 * recomputed with each day of the data as the as-of date, so a point is
 * exactly what `analyze --as-of` would have printed that day. */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/date.h"
#include "poagen/render.h"
#include "render/svg.h"

/* Daily points: each one recomputes every metric over all orders, so the
 * span is bounded by the work it costs (orders × days), never below 30
 * days, never above 120 (twice the longest window: the current windows and
 * the ones before them). */
enum { MAX_DAYS = 120, MIN_DAYS = 30, TOP_ROWS = 12, TABLE_ROWS = 60 };
#define ORDER_DAYS_BUDGET 4000000.0

typedef struct {
    const poa_report_input *in;
    const poa_case *c;
    const poa_metrics *m;
    poa_buf *b;
    unsigned ids;
    /* daily series: one row per metrics item, ndays columns */
    int32_t first_day;
    size_t ndays;
    long long *num, *den;
    unsigned char *status, *immature; /* status: poa_metric_status */
} report;

static void esc(report *r, const char *s) {
    poa_buf_put_html(r->b, s);
}

static void pct(double rate, char *out, size_t cap) {
    poa_format_percent_lang(rate, "en", out, cap);
}

static const char *target_sign(const poa_metric_def *def) {
    switch (def->op) {
    case POA_OP_LT:
        return "below";
    case POA_OP_LE:
        return "at most";
    case POA_OP_GT:
        return "above";
    case POA_OP_GE:
        return "at least";
    default:
        return "exactly";
    }
}

static const char *channel_name(const char *ch) {
    if (strcmp(ch, "mfn") == 0) {
        return "seller-fulfilled (MFN)";
    }
    if (strcmp(ch, "afn") == 0) {
        return "marketplace-fulfilled (AFN)";
    }
    return "all channels";
}

static void next_id(report *r, char *out, size_t cap, const char *stem) {
    snprintf(out, cap, "c%u-%s", ++r->ids, stem);
}

/* ---- breakdowns: categories with a count and the orders behind it ---- */

typedef struct {
    const char *label;
    long long num, den;
} category;

typedef struct {
    const char *id;        /* table id: tbl-<id> */
    const char *title;     /* chart title and heading */
    const char *category;  /* first column's name */
    const char *num_name;  /* "late orders" */
    const char *den_name;  /* "orders"; NULL: no denominator column */
    const char *rate_name; /* "late rate" */
    const char *caption;   /* figure caption, already with its numbers */
    double overall;        /* rate over the whole window: darker bars above it */
} breakdown;

static int cmp_category(const void *a, const void *b) {
    const category *x = a, *y = b;
    if (x->num != y->num) {
        return x->num < y->num ? 1 : -1;
    }
    if (x->den != y->den) {
        return x->den < y->den ? 1 : -1;
    }
    return strcmp(x->label, y->label);
}

static void emit_table(report *r, const breakdown *k, const category *cats, size_t n) {
    poa_buf *b = r->b;
    poa_buf_printf(b, "<details><summary>Data: %s</summary>\n", k->title);
    poa_buf_printf(b, "<table class=\"data\" id=\"tbl-%s\">\n<caption>", k->id);
    esc(r, k->title);
    poa_buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">");
    esc(r, k->category);
    poa_buf_printf(b, "</th><th scope=\"col\">%s</th>", k->num_name);
    if (k->den_name) {
        poa_buf_printf(b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
                       k->den_name, k->rate_name);
    }
    poa_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n && i < TABLE_ROWS; i++) {
        poa_buf_puts(b, "<tr><th scope=\"row\">");
        esc(r, cats[i].label);
        poa_buf_printf(b, "</th><td>%lld</td>", cats[i].num);
        if (k->den_name) {
            char p[32] = "—";
            if (cats[i].den) {
                pct((double)cats[i].num / (double)cats[i].den, p, sizeof p);
            }
            poa_buf_printf(b, "<td>%lld</td><td>%s</td>", cats[i].den, p);
        }
        poa_buf_puts(b, "</tr>\n");
    }
    poa_buf_puts(b, "</tbody>\n</table>\n");
    if (n > TABLE_ROWS) {
        poa_buf_printf(b, "<p class=\"note\">%zu more rows not shown.</p>\n",
                       n - TABLE_ROWS);
    }
    poa_buf_puts(b, "</details>\n");
}

/* A bar chart of cats (their num), its caption and its data table. When
 * sort is set the categories are ranked and the chart shows the top ones. */
static void emit_breakdown(report *r, const breakdown *k, category *cats, size_t n,
                           int sort) {
    if (sort) {
        qsort(cats, n, sizeof *cats, cmp_category);
        while (n > 0 && cats[n - 1].num == 0 && cats[n - 1].den == 0) {
            n--;
        }
    }
    size_t shown = n;
    if (sort) {
        /* the chart shows what happened; the table keeps every category */
        shown = 0;
        while (shown < n && shown < TOP_ROWS && cats[shown].num > 0) {
            shown++;
        }
    }
    svg_bar *bars = calloc(shown ? shown : 1, sizeof *bars);
    char(*texts)[64] = calloc(shown ? shown : 1, sizeof *texts);
    if (!bars || !texts) {
        free(bars);
        free(texts);
        r->b->failed = 1;
        return;
    }
    for (size_t i = 0; i < shown; i++) {
        bars[i].label = cats[i].label;
        bars[i].value = (double)cats[i].num;
        if (k->den_name && cats[i].den) {
            char p[32];
            pct((double)cats[i].num / (double)cats[i].den, p, sizeof p);
            snprintf(texts[i], sizeof texts[i], "%lld of %lld (%s)", cats[i].num,
                     cats[i].den, p);
            bars[i].emphasis =
                (double)cats[i].num / (double)cats[i].den > k->overall && cats[i].num;
        } else {
            snprintf(texts[i], sizeof texts[i], "%lld", cats[i].num);
            bars[i].emphasis = 0;
        }
        bars[i].value_text = texts[i];
    }
    char id[48];
    next_id(r, id, sizeof id, k->id);
    poa_buf_printf(r->b, "<figure id=\"fig-%s\">\n<h3>", k->id);
    esc(r, k->title);
    poa_buf_puts(r->b, "</h3>\n");
    svg_bar_chart ch = {id,    k->title, k->caption, k->num_name, bars,
                        shown, 0,        -1.0,       NULL};
    svg_bars(r->b, &ch);
    poa_buf_puts(r->b, "<figcaption>");
    esc(r, k->caption);
    if (sort && n > shown) {
        poa_buf_printf(r->b, " The chart shows the %zu highest; the table lists all %zu.",
                       shown, n);
    }
    if (k->den_name) {
        char p[32];
        pct(k->overall, p, sizeof p);
        poa_buf_printf(r->b, " Dark bars: a %s above the window's %s.", k->rate_name, p);
    }
    poa_buf_puts(r->b, "</figcaption>\n");
    emit_table(r, k, cats, n);
    poa_buf_puts(r->b, "</figure>\n");
    free(bars);
    free(texts);
}

/* Categories indexed by a case's name table, plus one for "none". */
static category *name_categories(const char **names, size_t n, const char *none) {
    category *cats = calloc(n + 1, sizeof *cats);
    for (size_t i = 0; cats && i < n; i++) {
        cats[i].label = names[i];
    }
    if (cats) {
        cats[n].label = none;
    }
    return cats;
}

/* Count order i (selected, and counted in num when hit) against each SKU it
 * holds: per-SKU figures count an order once per SKU (SPEC "Windows"). */
static void sku_counts(const poa_case *c, const unsigned char *sel,
                       const unsigned char *hit, category *cats) {
    for (size_t i = 0; i < c->norders; i++) {
        if (!sel[i]) {
            continue;
        }
        uint32_t sku = poa_case_order_at(c, i).sku;
        size_t k = sku == UINT32_MAX ? c->nskus : sku;
        cats[k].den++;
        cats[k].num += hit[i];
    }
    for (size_t j = 0; j < c->norder_skus; j++) {
        const poa_order_sku *os = &c->order_skus[j];
        if (os->order >= c->norders || !sel[os->order] || os->sku >= c->nskus ||
            os->sku == poa_case_order_at(c, os->order).sku) {
            continue;
        }
        cats[os->sku].den++;
        cats[os->sku].num += hit[os->order];
    }
}

static void window_text(const poa_metric *mt, char *out, size_t cap) {
    char a[11], z[11];
    poa_day_format(mt->from, a);
    poa_day_format(mt->to, z);
    snprintf(out, cap, "%s to %s", a, z);
}

/* The figure a breakdown explains: the failed one, else the primary. */
static const poa_metric *explained(const report *r, const char *id, const char *ch) {
    const poa_diagnosis *dx = r->in->diagnosis;
    for (size_t i = 0; dx && i < dx->nfailed; i++) {
        if (strcmp(dx->failed[i]->id, id) == 0) {
            return dx->failed[i];
        }
    }
    return poa_metrics_find(r->m, id, ch, 0);
}

static void section_lsr(report *r) {
    const poa_case *c = r->c;
    const poa_metric *mt = explained(r, "lsr", "mfn");
    if (!mt || mt->denominator == 0) {
        return;
    }
    unsigned char *sel = calloc(c->norders + 1, 1), *late = calloc(c->norders + 1, 1);
    category *carriers = name_categories(c->carriers, c->ncarriers, "(no carrier)");
    category *skus = name_categories(c->skus, c->nskus, "(no SKU)");
    static const char *const wd[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};
    static const char *const hd[6] = {"0 business days", "1 business day",
                                      "2 business days", "3 business days",
                                      "4 business days", "5 or more"};
    category days[7], handling[6], scan[3];
    memset(days, 0, sizeof days);
    memset(handling, 0, sizeof handling);
    memset(scan, 0, sizeof scan);
    scan[0].label = "first scan on or before the latest ship day";
    scan[1].label = "first scan after the latest ship day";
    scan[2].label = "no first-scan date";
    for (int k = 0; k < 7; k++) {
        days[k].label = wd[k];
    }
    for (int k = 0; k < 6; k++) {
        handling[k].label = hd[k];
    }
    if (!sel || !late || !carriers || !skus) {
        r->b->failed = 1;
        goto done;
    }
    long long nlate = 0, nall = 0, scans = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        int is_late = poa_order_lsr_verdict(o, mt->from, mt->to, r->m->as_of);
        if (is_late < 0) {
            continue;
        }
        sel[i] = 1;
        late[i] = (unsigned char)is_late;
        nall++;
        nlate += is_late;
        int w = poa_day_weekday(o->purchase);
        days[w].den++;
        days[w].num += is_late;
        int h = poa_business_days_between(c->marketplace, o->purchase, o->latest_ship);
        h = h > 5 ? 5 : h < 0 ? 0 : h;
        handling[h].den++;
        handling[h].num += is_late;
        size_t ci = o->carrier == 0xFFFF ? c->ncarriers : o->carrier;
        carriers[ci].den++;
        carriers[ci].num += is_late;
        scans += o->first_scan != POA_NO_DAY;
        if (is_late) {
            int s = o->first_scan == POA_NO_DAY       ? 2
                    : o->first_scan <= o->latest_ship ? 0
                                                      : 1;
            scan[s].num++;
        }
    }
    sku_counts(c, sel, late, skus);
    char win[40], rate[32], cap[512];
    window_text(mt, win, sizeof win);
    pct(mt->rate, rate, sizeof rate);
    double overall = nall ? (double)nlate / (double)nall : 0;
    poa_buf_printf(r->b,
                   "<section id=\"lsr-detail\">\n<h2>Late shipments in detail</h2>\n"
                   "<p>The %lld late orders of the %d-day window %s (%lld/%lld = %s of "
                   "seller-fulfilled orders due in the window), broken down four ways. "
                   "An order is late when its shipment was confirmed after its latest "
                   "ship day, or is still unconfirmed after it.</p>\n",
                   nlate, mt->window_days, win, mt->numerator, mt->denominator, rate);
    snprintf(cap, sizeof cap,
             "Late orders by the weekday they were placed, %s: %lld late of %lld orders.",
             win, nlate, nall);
    breakdown k = {"lsr-weekday", "Late orders by weekday of purchase",
                   "weekday",     "late orders",
                   "orders",      "late rate",
                   cap,           overall};
    emit_breakdown(r, &k, days, 7, 0);
    snprintf(cap, sizeof cap,
             "Late orders by handling time (business days from purchase to the latest "
             "ship day, weekends and %s holidays excluded), %s.",
             c->marketplace ? c->marketplace->names[0] : "marketplace", win);
    breakdown kh = {"lsr-handling",
                    "Late orders by handling time",
                    "handling time",
                    "late orders",
                    "orders",
                    "late rate",
                    cap,
                    overall};
    emit_breakdown(r, &kh, handling, 6, 0);
    snprintf(cap, sizeof cap, "Late orders by carrier, %s.", win);
    breakdown kc = {"lsr-carrier", "Late orders by carrier",
                    "carrier",     "late orders",
                    "orders",      "late rate",
                    cap,           overall};
    emit_breakdown(r, &kc, carriers, c->ncarriers + 1, 1);
    snprintf(cap, sizeof cap,
             "Late orders by SKU, %s; an order with several SKUs counts once for each.",
             win);
    breakdown ks = {"lsr-sku", "Late orders by SKU", "SKU", "late orders",
                    "orders",  "late rate",          cap,   overall};
    emit_breakdown(r, &ks, skus, c->nskus + 1, 1);
    if (scans > 0) {
        snprintf(cap, sizeof cap,
                 "When the carrier first scanned the %lld late orders, %s: %lld were "
                 "scanned on or before their latest ship day, so they left on time and "
                 "only their confirmation was late.",
                 nlate, win, scan[0].num);
        breakdown kd = {"lsr-scan",
                        "Late orders: carrier's first scan against the "
                        "latest ship day",
                        "first scan",
                        "late orders",
                        NULL,
                        NULL,
                        cap,
                        0};
        emit_breakdown(r, &kd, scan, 3, 0);
    }
    poa_buf_puts(r->b, "</section>\n");
done:
    free(sel);
    free(late);
    free(carriers);
    free(skus);
}

static void section_cr(report *r) {
    const poa_case *c = r->c;
    const poa_metric *mt = explained(r, "cr", "mfn");
    if (!mt || mt->numerator == 0) {
        return;
    }
    unsigned char *sel = calloc(c->norders + 1, 1), *hit = calloc(c->norders + 1, 1);
    category *reasons =
        name_categories(c->cancel_reasons, c->ncancel_reasons, "(no reason given)");
    category *skus = name_categories(c->skus, c->nskus, "(no SKU)");
    if (!sel || !hit || !reasons || !skus) {
        r->b->failed = 1;
        goto done;
    }
    long long n = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->purchase == POA_NO_DAY ||
            o->purchase < mt->from || o->purchase > mt->to) {
            continue;
        }
        sel[i] = 1;
        if (o->status != POA_ORDER_CANCELLED || poa_cancel_buyer_requested(c, o)) {
            continue;
        }
        hit[i] = 1;
        n++;
        reasons[o->cancel_reason == 0xFFFF ? c->ncancel_reasons : o->cancel_reason].num++;
    }
    sku_counts(c, sel, hit, skus);
    char win[40], rate[32], cap[512];
    window_text(mt, win, sizeof win);
    pct(mt->rate, rate, sizeof rate);
    poa_buf_printf(r->b,
                   "<section id=\"cr-detail\">\n<h2>Cancellations in detail</h2>\n"
                   "<p>The %lld cancellations counted against the seller in the %d-day "
                   "window %s (%lld/%lld = %s of seller-fulfilled orders). Cancellations "
                   "the buyer requested are not counted.</p>\n",
                   n, mt->window_days, win, mt->numerator, mt->denominator, rate);
    snprintf(cap, sizeof cap, "Seller cancellations by reason code, %s: %lld in all.",
             win, n);
    breakdown k = {"cr-reason", "Seller cancellations by reason",
                   "reason",    "cancellations",
                   NULL,        NULL,
                   cap,         0};
    emit_breakdown(r, &k, reasons, c->ncancel_reasons + 1, 1);
    snprintf(cap, sizeof cap, "Seller cancellations by SKU, %s.", win);
    breakdown ks = {"cr-sku", "Seller cancellations by SKU", "SKU", "cancellations",
                    "orders", "cancellation rate",           cap,   mt->rate};
    emit_breakdown(r, &ks, skus, c->nskus + 1, 1);
    poa_buf_puts(r->b, "</section>\n");
done:
    free(sel);
    free(hit);
    free(reasons);
    free(skus);
}

static void section_odr(report *r) {
    const poa_case *c = r->c;
    const poa_metric *mt = explained(r, "odr", "all");
    if (!mt || mt->numerator == 0) {
        return;
    }
    unsigned char *sel = calloc(c->norders + 1, 1), *hit = calloc(c->norders + 1, 1);
    category *skus = name_categories(c->skus, c->nskus, "(no SKU)");
    category *lines =
        name_categories(c->product_lines, c->nproduct_lines, "(no product line)");
    if (!sel || !hit || !skus || !lines) {
        r->b->failed = 1;
        goto done;
    }
    for (size_t i = 0; i < c->nfeedback; i++) {
        const poa_feedback *f = &c->feedback[i];
        if (f->rating > 2 || f->removed || f->day > r->m->as_of) {
            continue;
        }
        size_t k = f->order;
        if (k != POA_NOT_AN_ORDER) {
            hit[k] = 1;
        }
    }
    long long n = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        /* The failed figure may be one channel's (ODR passing over all). */
        if (!poa_order_in_channel(o, mt->channel) || o->purchase == POA_NO_DAY ||
            o->purchase < mt->from || o->purchase > mt->to) {
            hit[i] = 0;
            continue;
        }
        sel[i] = 1;
        n += hit[i];
        size_t l = o->product_line == 0xFFFF ? c->nproduct_lines : o->product_line;
        lines[l].den++;
        lines[l].num += hit[i];
    }
    sku_counts(c, sel, hit, skus);
    char win[40], rate[32], cap[512];
    window_text(mt, win, sizeof win);
    pct(mt->rate, rate, sizeof rate);
    poa_buf_printf(
        r->b,
        "<section id=\"odr-detail\">\n<h2>Order defects in detail</h2>\n"
        "<p>Orders of the %d-day window %s (by purchase date) with a defect: "
        "%lld/%lld = %s. Components: %lld with negative feedback (1–2 stars, "
        "not removed), %lld with an A-to-z claim, %lld with a chargeback.%s</p>\n",
        mt->window_days, win, mt->numerator, mt->denominator, rate, mt->negative_feedback,
        mt->claims, mt->chargebacks,
        mt->immature ? " The window is immature: defects can still arrive, "
                       "so the rate can still rise."
                     : "");
    snprintf(cap, sizeof cap,
             "Orders with negative feedback by SKU, %s: %lld orders in all; an order "
             "with several SKUs counts once for each.",
             win, n);
    breakdown ks = {"odr-sku", "Negative feedback by SKU",
                    "SKU",     "orders with negative feedback",
                    "orders",  "negative-feedback rate",
                    cap,       mt->denominator ? (double)n / (double)mt->denominator : 0};
    emit_breakdown(r, &ks, skus, c->nskus + 1, 1);
    snprintf(cap, sizeof cap, "Orders with negative feedback by product line, %s.", win);
    breakdown kl = {"odr-line",
                    "Negative feedback by product line",
                    "product line",
                    "orders with negative feedback",
                    "orders",
                    "negative-feedback rate",
                    cap,
                    ks.overall};
    emit_breakdown(r, &kl, lines, c->nproduct_lines + 1, 1);
    poa_buf_puts(r->b, "</section>\n");
done:
    free(sel);
    free(hit);
    free(skus);
    free(lines);
}

/* ---- daily series ---- */

static poa_status compute_series(report *r, poa_error *err) {
    const poa_case *c = r->c;
    int32_t last = r->m->as_of, first = last;
    for (size_t i = 0; i < c->norders; i++) {
        int32_t p = poa_case_order_at(c, i).purchase;
        if (p != POA_NO_DAY && p < first) {
            first = p;
        }
    }
    if (last == POA_NO_DAY || r->m->count == 0) {
        return POA_OK;
    }
    int32_t span = MAX_DAYS;
    if (c->norders > 0 && ORDER_DAYS_BUDGET / (double)c->norders < span) {
        span = (int32_t)(ORDER_DAYS_BUDGET / (double)c->norders);
        span = span < MIN_DAYS ? MIN_DAYS : span;
    }
    if (last - first + 1 > span) {
        first = last - span + 1;
    }
    r->first_day = first;
    r->ndays = (size_t)(last - first + 1);
    size_t cells = r->ndays * r->m->count;
    r->num = calloc(cells, sizeof *r->num);
    r->den = calloc(cells, sizeof *r->den);
    r->status = calloc(cells, 1);
    r->immature = calloc(cells, 1);
    if (!r->num || !r->den || !r->status || !r->immature) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t t = 0; t < r->ndays; t++) {
        poa_metrics *day;
        poa_metrics_options mo = {.as_of = first + (int32_t)t, .totals_only = 1};
        poa_status st = poa_metrics_compute(&day, c, r->in->data, &mo, err);
        if (st != POA_OK) {
            return st;
        }
        /* the same rule table gives the same items in the same order */
        for (size_t i = 0; i < day->count && i < r->m->count; i++) {
            size_t cell = i * r->ndays + t;
            r->num[cell] = day->items[i].numerator;
            r->den[cell] = day->items[i].denominator;
            r->status[cell] = (unsigned char)day->items[i].status;
            r->immature[cell] = (unsigned char)day->items[i].immature;
        }
        poa_metrics_free(day);
    }
    return POA_OK;
}

static void emit_series_table(report *r, const char *title, const size_t *items,
                              size_t n) {
    poa_buf *b = r->b;
    poa_buf_puts(b, "<details><summary>Data: daily figures</summary>\n<table "
                    "class=\"data\" id=\"tbl-");
    const poa_metric *m0 = &r->m->items[items[0]];
    poa_buf_printf(b, "%s-%s\">\n<caption>", m0->id, m0->channel);
    esc(r, title);
    poa_buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">as-of day</th>");
    for (size_t s = 0; s < n; s++) {
        const poa_metric *mt = &r->m->items[items[s]];
        poa_buf_printf(b,
                       "<th scope=\"col\">%d-day n/d</th><th scope=\"col\">%d-day "
                       "rate</th>",
                       mt->window_days, mt->window_days);
    }
    poa_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t t = 0; t < r->ndays; t++) {
        char day[11];
        poa_day_format(r->first_day + (int32_t)t, day);
        poa_buf_printf(b, "<tr><th scope=\"row\">%s</th>", day);
        for (size_t s = 0; s < n; s++) {
            size_t cell = items[s] * r->ndays + t;
            char p[40] = "no data";
            if (r->status[cell] != POA_NO_DATA) {
                pct((double)r->num[cell] / (double)r->den[cell], p, sizeof p);
                if (r->immature[cell]) {
                    strcat(p, " (immature)");
                }
            }
            poa_buf_printf(b, "<td>%lld/%lld</td><td>%s</td>", r->num[cell], r->den[cell],
                           p);
        }
        poa_buf_puts(b, "</tr>\n");
    }
    poa_buf_puts(b, "</tbody>\n</table>\n</details>\n");
}

/* One chart per metric and channel; a line per window of the rule table. */
static void emit_series(report *r, const poa_metric_def *def, const char *ch) {
    size_t items[4], n = 0;
    for (size_t i = 0; i < r->m->count && n < 4; i++) {
        const poa_metric *mt = &r->m->items[i];
        if (mt->def == def && strcmp(mt->channel, ch) == 0) {
            items[n++] = i;
        }
    }
    if (n == 0) {
        return;
    }
    const poa_metric *main = &r->m->items[items[0]];
    const char *lang = "en";
    char title[160], target[48], tlabel[80];
    snprintf(title, sizeof title, "%s, %s", poa_ltext_get(&def->name, lang),
             channel_name(ch));
    pct(def->target, target, sizeof target);
    snprintf(tlabel, sizeof tlabel, "target: %s %s", target_sign(def), target);
    size_t have = 0, fails = 0;
    for (size_t t = 0; t < r->ndays; t++) {
        unsigned char s = r->status[items[0] * r->ndays + t];
        have += s != POA_NO_DATA;
        fails += s == POA_FAIL;
    }
    poa_buf_puts(r->b, "<figure>\n<h3>");
    esc(r, title);
    poa_buf_puts(r->b, "</h3>\n");
    if (have == 0) {
        poa_buf_puts(r->b, "<p class=\"note\">No orders in this channel: no figure on "
                           "any day.</p>\n</figure>\n");
        return;
    }
    double *y = calloc(n * r->ndays, sizeof *y);
    svg_series series[4];
    char labels[4][32];
    for (size_t s = 0; y && s < n; s++) {
        for (size_t t = 0; t < r->ndays; t++) {
            size_t cell = items[s] * r->ndays + t;
            y[s * r->ndays + t] = r->status[cell] == POA_NO_DATA
                                      ? -1
                                      : (double)r->num[cell] / (double)r->den[cell];
        }
        snprintf(labels[s], sizeof labels[s], "%d days",
                 r->m->items[items[s]].window_days);
        series[s].label = labels[s];
        series[s].y = y + s * r->ndays;
        series[s].hollow = r->immature + items[s] * r->ndays;
        series[s].dashed = s > 0;
    }
    if (!y) {
        r->b->failed = 1;
        return;
    }
    char last_day[11], rate[32] = "no data", desc[768], id[48];
    poa_day_format(r->m->as_of, last_day);
    if (main->status != POA_NO_DATA) {
        pct(main->rate, rate, sizeof rate);
    }
    char lagtext[64];
    if (def->lag == 0) {
        snprintf(lagtext, sizeof lagtext, "on each day (no lag)");
    } else {
        snprintf(lagtext, sizeof lagtext, "%d day%s before each day (lag %d)", def->lag,
                 def->lag == 1 ? "" : "s", def->lag);
    }
    int immature_any = 0;
    for (size_t t = 0; t < r->ndays; t++) {
        immature_any |= r->immature[items[0] * r->ndays + t];
    }
    snprintf(desc, sizeof desc,
             "%s over a %d-day window ending %s. On "
             "%s: %lld/%lld = %s, target %s %s. The %d-day figure missed the target on "
             "%zu of the %zu days with data.%s",
             poa_ltext_get(&def->name, lang), main->window_days, lagtext, last_day,
             main->numerator, main->denominator, rate, target_sign(def), target,
             main->window_days, fails, have,
             immature_any ? " Open circles: immature figures, defects can still arrive."
                          : "");
    size_t shade = (size_t)(def->lag + main->window_days - 1);
    next_id(r, id, sizeof id, main->id);
    svg_line_chart lc = {id,           title,    desc,   "rate",
                         r->first_day, r->ndays, series, n,
                         def->target,  tlabel,   shade,  "window starts before the data"};
    svg_lines(r->b, &lc);
    poa_buf_puts(r->b, "<figcaption>");
    esc(r, desc);
    if (n > 1) {
        poa_buf_printf(r->b,
                       " Solid line: the %d-day window the marketplace quotes; "
                       "dashed: the %d-day window.",
                       main->window_days, r->m->items[items[1]].window_days);
    }
    poa_buf_puts(r->b, " Hatched: days whose window begins before the first order in "
                       "the data, so the figure covers fewer days than the "
                       "marketplace's.</figcaption>\n");
    emit_series_table(r, title, items, n);
    poa_buf_puts(r->b, "</figure>\n");
    free(y);
}

static int metric_failed(const report *r, const poa_metric_def *def) {
    const poa_diagnosis *dx = r->in->diagnosis;
    for (size_t i = 0; dx && i < dx->nfailed; i++) {
        if (dx->failed[i]->def == def) {
            return 1;
        }
    }
    return 0;
}

static void section_series(report *r) {
    const poa_data *d = r->in->data;
    if (r->ndays == 0) {
        return;
    }
    char a[11], z[11];
    poa_day_format(r->first_day, a);
    poa_day_format(r->first_day + (int32_t)r->ndays - 1, z);
    poa_buf_printf(r->b,
                   "<section id=\"over-time\">\n<h2>Each metric against its target, day "
                   "by day</h2>\n<p>For every day from %s to %s, the figure the "
                   "marketplace would have shown that day: the rate over its window, "
                   "which ends the metric's lag before the day. Failed metrics "
                   "first.</p>\n",
                   a, z);
    /* failed metrics first, then the rest, each in rule-table order */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < d->nmetrics; i++) {
            const poa_metric_def *def = &d->metrics[i];
            if (metric_failed(r, def) != (pass == 0)) {
                continue;
            }
            poa_buf_printf(r->b,
                           "<section class=\"metric\" id=\"series-%s\">\n<h2 "
                           "class=\"sub\">",
                           def->id);
            esc(r, poa_ltext_get(&def->name, "en"));
            poa_buf_puts(r->b, "</h2>\n");
            if (def->scope == POA_SCOPE_MFN) {
                emit_series(r, def, "mfn");
            } else {
                emit_series(r, def, "all");
                emit_series(r, def, "mfn");
                emit_series(r, def, "afn");
            }
            poa_buf_puts(r->b, "</section>\n");
        }
    }
    poa_buf_puts(r->b, "</section>\n");
}

/* ---- summary, findings, what-ifs ---- */

static void section_summary(report *r) {
    poa_buf *b = r->b;
    poa_buf_puts(b, "<section id=\"summary\">\n<h2>Account health as of ");
    char day[11] = "-";
    if (r->m->as_of != POA_NO_DAY) {
        poa_day_format(r->m->as_of, day);
    }
    poa_buf_printf(b, "%s</h2>\n", day);
    const poa_diagnosis *dx = r->in->diagnosis;
    if (dx && dx->nfailed) {
        poa_buf_puts(b, "<p class=\"lead\">Missed: ");
        for (size_t i = 0; i < dx->nfailed; i++) {
            const poa_metric *mt = dx->failed[i];
            char rate[32], target[32], win[40];
            pct(mt->rate, rate, sizeof rate);
            pct(mt->def->target, target, sizeof target);
            window_text(mt, win, sizeof win);
            poa_buf_printf(b, "%s", i ? "; " : "");
            esc(r, poa_ltext_get(&mt->def->name, "en"));
            /* A metric over all channels can miss on one of them only. */
            if (mt->def->scope != POA_SCOPE_MFN && strcmp(mt->channel, "all") != 0) {
                poa_buf_printf(b, ", %s,", channel_name(mt->channel));
            }
            poa_buf_printf(b, " %s (%lld/%lld, %s; target %s %s)", rate, mt->numerator,
                           mt->denominator, win, target_sign(mt->def), target);
        }
        poa_buf_puts(b, ".</p>\n");
    } else {
        poa_buf_puts(b, "<p class=\"lead\">No metric misses its target.</p>\n");
    }
    poa_buf_puts(b, "<table class=\"summary\" id=\"tbl-metrics\">\n<caption>Every metric "
                    "and window, as the marketplace computes it</caption>\n<thead><tr>"
                    "<th scope=\"col\">metric</th><th scope=\"col\">channel</th>"
                    "<th scope=\"col\">window</th><th scope=\"col\">dates</th>"
                    "<th scope=\"col\">n/d</th><th scope=\"col\">rate</th>"
                    "<th scope=\"col\">target</th><th scope=\"col\">status</th>"
                    "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->m->count; i++) {
        const poa_metric *mt = &r->m->items[i];
        char rate[32] = "—", target[32], from[11], to[11];
        if (mt->status != POA_NO_DATA) {
            pct(mt->rate, rate, sizeof rate);
        }
        pct(mt->def->target, target, sizeof target);
        poa_day_format(mt->from, from);
        poa_day_format(mt->to, to);
        const char *st = mt->status == POA_PASS   ? "pass"
                         : mt->status == POA_FAIL ? "<strong>FAIL</strong>"
                                                  : "no data";
        poa_buf_printf(b, "<tr%s><th scope=\"row\">",
                       mt->status == POA_FAIL ? " class=\"fail\"" : "");
        esc(r, poa_ltext_get(&mt->def->name, "en"));
        poa_buf_printf(b,
                       /* a line may break between the dates, not inside one */
                       "</th><td>%s</td><td>%d days</td><td><span class=\"nowrap\">%s to"
                       "</span> <span class=\"nowrap\">%s</span></td>"
                       "<td class=\"nowrap\">%lld/%lld</td>"
                       "<td>%s</td><td>%s %s</td><td>%s%s</td></tr>\n",
                       mt->channel, mt->window_days, from, to, mt->numerator,
                       mt->denominator, rate, target_sign(mt->def), target, st,
                       mt->immature ? " (immature)" : "");
    }
    poa_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static const poa_remedy *remedy_for(const report *r, const poa_finding *f) {
    const poa_remedies *rs = r->in->remedies;
    for (size_t i = 0; rs && i < rs->count; i++) {
        if (rs->items[i].finding == f) {
            return &rs->items[i];
        }
    }
    return NULL;
}

/* Markdown from the rule table (values already escaped) as safe HTML. */
static void markdown(report *r, const char *md) {
    char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
    if (html) {
        poa_buf_puts(r->b, html);
        free(html);
    }
}

static void section_findings(report *r) {
    const poa_diagnosis *dx = r->in->diagnosis;
    poa_buf *b = r->b;
    poa_buf_puts(b, "<section id=\"findings\">\n<h2>Findings, ranked</h2>\n");
    if (!dx || dx->nfindings == 0) {
        poa_buf_puts(b, "<p>No cause in the rule table is supported by the data.</p>\n");
    } else {
        poa_buf_puts(b, "<p>Ranked as in the Plan of Action: contractual metrics first, "
                        "then by the share of the failure each cause explains.</p>\n<ol "
                        "class=\"findings\">\n");
    }
    for (size_t i = 0; dx && i < dx->nfindings; i++) {
        const poa_finding *f = &dx->findings[i];
        const poa_remedy *rm = remedy_for(r, f);
        char share[32];
        pct(f->share, share, sizeof share);
        poa_buf_printf(b, "<li id=\"finding-%s\"><p class=\"ftitle\"><strong>",
                       f->cause->id);
        esc(r, poa_ltext_get(&f->cause->title, "en"));
        poa_buf_puts(b, "</strong><br><span class=\"meta\">");
        if (f->metric) {
            esc(r, poa_ltext_get(&f->metric->def->name, "en"));
            poa_buf_printf(b, " · explains %s of the failure", share);
        } else {
            poa_buf_puts(b, "named in the notice");
        }
        poa_buf_puts(b, " · cause <code>");
        esc(r, f->cause->id);
        poa_buf_puts(b, "</code></span></p>\n");
        if (rm && rm->explanation) {
            markdown(r, rm->explanation);
        }
        poa_buf_puts(b, "</li>\n");
    }
    if (dx && dx->nfindings) {
        poa_buf_puts(b, "</ol>\n");
    }
    for (size_t i = 0; dx && i < dx->nunexplained; i++) {
        poa_buf_puts(b, "<p class=\"note\">No cause in the rule table explains the "
                        "failed metric <code>");
        esc(r, dx->unexplained[i]);
        poa_buf_puts(b, "</code>: its cause must be found by hand.</p>\n");
    }
    poa_buf_puts(b, "</section>\n");
}

/* Before and after as two bars against the target. */
static void what_if_chart(report *r, const poa_metric *mt, const poa_what_if *w,
                          const char *sentence, const char *after_label) {
    char before_t[96], after_t[96], target[32], tl[64], id[48], rb[32], ra[32];
    double before = w->denominator_before
                        ? (double)w->numerator_before / (double)w->denominator_before
                        : 0;
    pct(before, rb, sizeof rb);
    pct(w->rate_after, ra, sizeof ra);
    snprintf(before_t, sizeof before_t, "%s (%lld/%lld)", rb, w->numerator_before,
             w->denominator_before);
    snprintf(after_t, sizeof after_t, "%s (%lld/%lld)", ra, w->numerator_after,
             w->denominator_after);
    pct(mt->def->target, target, sizeof target);
    snprintf(tl, sizeof tl, "target: %s %s", target_sign(mt->def), target);
    svg_bar bars[2] = {{"as it was", before, before_t, 1},
                       {after_label, w->rate_after, after_t, 0}};
    next_id(r, id, sizeof id, "whatif");
    char title[160];
    snprintf(title, sizeof title, "%s: as it was and %s",
             poa_ltext_get(&mt->def->name, "en"), after_label);
    svg_bar_chart ch = {id, title, sentence, "rate", bars, 2, 1, mt->def->target, tl};
    poa_buf_puts(r->b, "<figure class=\"whatif\">\n");
    svg_bars(r->b, &ch);
    poa_buf_printf(r->b,
                   "<figcaption>As it was: %s; %s: %s; target %s %s.</figcaption>\n"
                   "</figure>\n",
                   before_t, after_label, after_t, target_sign(mt->def), target);
}

/* "Had ..., N of the M late orders of <window> would have shipped on time —
 * a rate of X (n/d) instead of Y (n/d), against a target below T." */
static void what_if_sentence(const poa_metric *mt, const poa_what_if *w, const char *had,
                             const char *items, const char *outcome, char *out,
                             size_t cap) {
    char ra[32], rb[32], target[32], win[40];
    pct(w->rate_after, ra, sizeof ra);
    pct(w->denominator_before
            ? (double)w->numerator_before / (double)w->denominator_before
            : 0,
        rb, sizeof rb);
    pct(mt->def->target, target, sizeof target);
    window_text(mt, win, sizeof win);
    const char *name = poa_ltext_get(&mt->def->name, "en");
    /* OTDR and VTR count successes: their late items are what is left. */
    int successes = mt->def->op == POA_OP_GT || mt->def->op == POA_OP_GE;
    long long before =
        successes ? w->denominator_before - w->numerator_before : w->numerator_before;
    long long after =
        successes ? w->denominator_after - w->numerator_after : w->numerator_after;
    long long avoided = before - after;
    snprintf(out, cap,
             "%s, %lld of the %lld %s of %s %s — %s %s of %s (%lld/%lld) instead of %s "
             "(%lld/%lld), against a target %s %s.",
             had, avoided > 0 ? avoided : 0, before, items, win, outcome,
             strchr("AEIOU", name[0]) ? "an" : "a", name, ra, w->numerator_after,
             w->denominator_after, rb, w->numerator_before, w->denominator_before,
             target_sign(mt->def), target);
}

static void section_what_if(report *r) {
    const poa_diagnosis *dx = r->in->diagnosis;
    const poa_case *c = r->c;
    poa_buf *b = r->b;
    size_t shown = 0;
    char s[768], label[64], had[128];
    for (size_t i = 0; dx && i < dx->nfindings; i++) {
        const poa_finding *f = &dx->findings[i];
        if (!f->has_what_if || !f->metric) {
            continue;
        }
        if (shown++ == 0) {
            poa_buf_puts(b, "<section id=\"what-if\">\n<h2>What the remedies would have "
                            "changed</h2>\n<p>Each remedy replayed on the same orders: "
                            "the metric recomputed as if it had been in place.</p>\n");
        }
        const poa_figure *days = poa_figures_get(&f->figures, "what_if_days");
        int dd = days ? (int)days->value : 0;
        /* Each remedy replays a different change: say which. */
        const char *items = "late orders", *outcome = "would have shipped on time";
        const char *moved = " Orders whose latest ship day moves past the window's end "
                            "leave it, which is why the number of orders changes too.";
        const char *change = f->what_if.change ? f->what_if.change : "";
        if (strcmp(change, "transit_days") == 0 ||
            strcmp(change, "dispatch_on_time") == 0) {
            items = "late deliveries";
            outcome = "would have arrived on time";
            moved = " The same shipments, each judged against its moved date; parcels "
                    "not yet delivered stay late.";
        }
        if (strcmp(change, "transit_days") == 0) {
            snprintf(had, sizeof had,
                     "Had our shipping template allowed at least %d days of transit "
                     "after the latest ship day",
                     dd);
            snprintf(label, sizeof label, "with %d-day transit", dd);
        } else if (strcmp(change, "dispatch_on_time") == 0) {
            snprintf(had, sizeof had,
                     "Had every late-dispatched parcel left on its latest ship day, with "
                     "the same time in transit");
            snprintf(label, sizeof label, "dispatched on time");
        } else if (strcmp(change, "confirm_on_scan") == 0) {
            snprintf(
                had, sizeof had,
                "Had every shipment been confirmed on the day the carrier scanned it");
            snprintf(label, sizeof label, "confirmed on scan");
        } else {
            snprintf(had, sizeof had,
                     "Had our handling time been at least %d business days", dd);
            snprintf(label, sizeof label, "with %d-day handling", dd);
        }
        what_if_sentence(f->metric, &f->what_if, had, items, outcome, s, sizeof s);
        poa_buf_printf(b, "<h3 id=\"whatif-%s\">", f->cause->id);
        esc(r, poa_ltext_get(&f->cause->title, "en"));
        poa_buf_puts(b, "</h3>\n<p class=\"whatif-text\">");
        esc(r, s);
        poa_buf_puts(b, moved);
        poa_buf_puts(b, "</p>\n");
        what_if_chart(r, f->metric, &f->what_if, s, label);
    }
    /* Further remedies the rule table names no figure for. */
    struct {
        const char *metric, *ch, *id, *title, *had, *items, *outcome, *label;
    } more[] = {
        {"lsr", "mfn", "weekend", "Weekend dispatch",
         "Had the warehouse also dispatched at weekends", "late orders",
         "would have shipped on time", "with weekend dispatch"},
        {"cr", "mfn", "stock", "Stock synchronised with the listings",
         "Had stock been synchronised with the listings", "cancellations",
         "would not have happened", "with stock synchronised"},
        {"vtr", "mfn", "tracking", "Tracking uploaded for every shipment",
         "Had a valid tracking number been uploaded for every shipment",
         "shipments without valid tracking", "would have had it",
         "with tracking for every shipment"},
    };
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++) {
        const poa_metric *mt = explained(r, more[k].metric, more[k].ch);
        if (!mt || mt->status != POA_FAIL) {
            continue;
        }
        poa_what_if w;
        memset(&w, 0, sizeof w);
        if (k == 0) {
            poa_what_if_weekend_dispatch(c, mt, r->m->as_of, &w);
        } else if (k == 1) {
            poa_what_if_stock_synced(c, mt, &w);
        } else {
            poa_what_if_tracking_uploaded(c, mt, &w);
        }
        int same = w.numerator_after == w.numerator_before &&
                   w.denominator_after == w.denominator_before;
        if (shown++ == 0) {
            poa_buf_puts(b, "<section id=\"what-if\">\n<h2>What the remedies would have "
                            "changed</h2>\n");
        }
        what_if_sentence(mt, &w, more[k].had, more[k].items, more[k].outcome, s,
                         sizeof s);
        poa_buf_printf(b, "<h3 id=\"whatif-%s\">%s</h3>\n<p class=\"whatif-text\">",
                       more[k].id, more[k].title);
        esc(r, s);
        poa_buf_puts(b, same ? " On its own this remedy would not have changed the "
                               "figure.</p>\n"
                             : "</p>\n");
        if (!same) {
            what_if_chart(r, mt, &w, s, more[k].label);
        }
    }
    if (shown) {
        poa_buf_puts(b, "</section>\n");
    }
}

static void section_method(report *r) {
    poa_buf_puts(r->b,
                 "<section id=\"method\">\n<h2>How the figures are computed</h2>\n<ul>\n"
                 "<li>A window of N days with lag L ends L days before the as-of day and "
                 "covers N calendar days in the marketplace's time zone.</li>\n"
                 "<li>Order defects and cancellations count on the purchase day, late "
                 "shipments on the latest ship day, valid tracking on the ship-"
                 "confirmation day, on-time delivery on the promised delivery day.</li>\n"
                 "<li>Late: confirmed on a later calendar day than the latest ship day, "
                 "or still unconfirmed after it (overdue). Cancelled orders leave the "
                 "late-shipment denominator.</li>\n"
                 "<li>Handling time: business days from the purchase day to the latest "
                 "ship day, the marketplace's weekends and public holidays "
                 "excluded.</li>\n"
                 "<li>Negative feedback: 1 or 2 stars, not removed. An order with "
                 "several defects is defective once.</li>\n"
                 "<li>Pass or fail is decided on the exact fraction; percentages are "
                 "rounded for reading.</li>\n</ul>\n</section>\n");
}

static const char css[] =
    ":root{color-scheme:light}"
    "body{margin:0;background:#eef0f3;color:#1d1d1d;"
    "font:10.5pt/1.45 \"DejaVu Sans\",\"Noto Sans\",\"Helvetica Neue\",Arial,sans-serif}"
    ".sheet{box-sizing:border-box;max-width:21cm;margin:1.5rem auto;padding:1.6cm 1.8cm;"
    "background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "header.cover{border-bottom:1.5pt solid #0d172b;padding-bottom:.6rem;"
    "margin-bottom:1rem}"
    "header.cover p{margin:.1rem 0;color:#444;font-size:9.5pt}"
    "h1{font-size:18pt;color:#0d172b;margin:0 0 .3rem}"
    "h2{font-size:13.5pt;color:#0d172b;margin:1.6em 0 .4em;break-after:avoid}"
    "h2.sub{font-size:12pt;margin-top:1.2em}"
    "h3{font-size:10.5pt;margin:1em 0 .2em;break-after:avoid}"
    "p{margin:0 0 .6em}p.lead{font-size:11pt}"
    ".note{color:#555;font-size:9pt}"
    "figure{margin:.4rem 0 1.2rem;break-inside:avoid}"
    "figcaption{font-size:9pt;color:#333;margin-top:.2rem}"
    "svg.chart{display:block;width:100%;height:auto;font-family:inherit}"
    "svg .grid{stroke:#d9dde3;stroke-width:1}"
    "svg .axisline{stroke:#333;stroke-width:1}"
    "svg .tick{font-size:10px;fill:#444}"
    "svg .axis{font-size:10.5px;fill:#333}"
    "svg .label{font-size:11px;fill:#1d1d1d}"
    "svg .value{font-size:10.5px;fill:#1d1d1d}"
    "svg .bar{fill:#9aa5b5}svg .bar.em{fill:#1b3a6b}"
    "svg .target{stroke:#1d1d1d;stroke-width:1.4;stroke-dasharray:6 3}"
    "svg .targetlabel{font-size:10.5px;font-weight:bold;fill:#1d1d1d;paint-order:stroke;"
    "stroke:#fff;stroke-width:3px}"
    "svg .series{fill:none;stroke:#1b3a6b;stroke-width:1.8}"
    "svg .series.dashed{stroke:#5b6675;stroke-dasharray:3 2;stroke-width:1.4}"
    "svg .pt{fill:#1b3a6b}svg .pt.open{fill:#fff;stroke:#1b3a6b;stroke-width:1}"
    "svg .serieslabel{font-size:10.5px;fill:#1d1d1d;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px}"
    "svg .hatch{stroke:#c9ced6;stroke-width:1.5}"
    "svg .shadelabel{font-size:9.5px;fill:#555}"
    "table{border-collapse:collapse;margin:.3rem 0 .8rem;font-size:9pt;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.2rem 0}"
    "th,td{border-bottom:.5pt solid #d0d4da;padding:.15rem .4rem;text-align:left}"
    "td{font-variant-numeric:tabular-nums}.nowrap{white-space:nowrap}"
    "thead th{border-bottom:1pt solid #333}"
    "tr.fail th,tr.fail td{background:#f3f3f3}"
    "details{margin:.2rem 0 .4rem;font-size:9pt}summary{color:#124d94;cursor:pointer}"
    "ol.findings li{margin-bottom:.6rem}.ftitle{margin-bottom:.2rem}"
    ".meta{font-size:9pt;color:#555}"
    "code{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.9em}"
    "footer{margin-top:2rem;border-top:.5pt solid #ccc;padding-top:.3rem;font-size:8pt;"
    "color:#666}"
    "@media print{body{background:#fff}"
    ".sheet{max-width:none;margin:0;padding:0;box-shadow:none}"
    "details{display:none}section#over-time{break-before:page}}";

static void cover(report *r, const poa_doc_options *opt) {
    const poa_case *c = r->c;
    const poa_case_info *info = &c->info;
    poa_buf *b = r->b;
    poa_buf_puts(b, "<header class=\"cover\">\n<h1>Account-health analysis");
    if (info->seller_name) {
        poa_buf_puts(b, " — ");
        esc(r, info->seller_name);
    }
    poa_buf_puts(b, "</h1>\n<p>");
    esc(r, c->marketplace ? c->marketplace->names[0] : "marketplace not named");
    if (info->notice_case_id) {
        poa_buf_puts(b, " · case ");
        esc(r, info->notice_case_id);
    }
    if (info->notice_date != POA_NO_DAY && info->present) {
        char nd[11];
        poa_day_format(info->notice_date, nd);
        poa_buf_printf(b, " · notice of %s", nd);
    }
    poa_buf_puts(b, "</p>\n<p>");
    int32_t lo = POA_NO_DAY, hi = POA_NO_DAY;
    for (size_t i = 0; i < c->norders; i++) {
        int32_t p = poa_case_order_at(c, i).purchase;
        if (p != POA_NO_DAY) {
            lo = lo == POA_NO_DAY || p < lo ? p : lo;
            hi = hi == POA_NO_DAY || p > hi ? p : hi;
        }
    }
    poa_buf_printf(b, "%zu orders, %zu feedback entries", c->norders, c->nfeedback);
    if (lo != POA_NO_DAY) {
        char a[11], z[11];
        poa_day_format(lo, a);
        poa_day_format(hi, z);
        poa_buf_printf(b, ", purchased %s to %s", a, z);
    }
    poa_buf_puts(b, "</p>\n");
    (void)opt;
    poa_buf_puts(b, "</header>\n");
}

poa_status poa_render_report(const poa_report_input *in, const poa_doc_options *opt,
                             poa_buf *out, poa_error *err) {
    if (!in || !in->kase || !in->metrics || !in->data || !opt || !out) {
        return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0,
                             "poa_render_report: case, metrics, data, options and "
                             "output are required");
    }
    report r;
    memset(&r, 0, sizeof r);
    r.in = in;
    r.c = in->kase;
    r.m = in->metrics;
    r.b = out;
    poa_status st = compute_series(&r, err);
    if (st == POA_OK) {
        poa_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                          "charset=\"utf-8\">\n<meta name=\"viewport\" "
                          "content=\"width=device-width, initial-scale=1\">\n<meta "
                          "name=\"generator\" content=\"poagen\">\n<title>");
        esc(&r, "Account-health analysis");
        if (r.c->info.seller_name) {
            poa_buf_puts(out, " — ");
            esc(&r, r.c->info.seller_name);
        }
        poa_buf_printf(out,
                       "</title>\n<style>\n@page{size:%s;margin:1.6cm}\n%s\n</style>\n"
                       "</head>\n<body>\n<div class=\"sheet\">\n",
                       opt->paper == POA_PAPER_LETTER ? "letter" : "A4", css);
        cover(&r, opt);
        poa_buf_puts(out, "<main>\n");
        section_summary(&r);
        section_findings(&r);
        section_what_if(&r);
        section_lsr(&r);
        section_cr(&r);
        section_odr(&r);
        section_series(&r);
        section_method(&r);
        poa_buf_puts(out, "</main>\n<footer>Figures computed by poagen from the "
                          "marketplace's own exports; every rate is given with its "
                          "numerator, denominator and window dates.</footer>\n</div>\n"
                          "</body>\n</html>\n");
        if (out->failed) {
            st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                               "out of memory writing the report");
        }
    }
    free(r.num);
    free(r.den);
    free(r.status);
    free(r.immature);
    return st;
}
