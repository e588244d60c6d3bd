#include "diagnose/diagnose_private.h"
#include "poagen/diagnose.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "poagen/date.h"

const poa_figure *poa_figures_get(const poa_figures *f, const char *name) {
    for (size_t i = 0; i < f->count; i++) {
        if (strcmp(f->items[i].name, name) == 0) {
            return &f->items[i];
        }
    }
    return NULL;
}

static void put(poa_figures *f, const char *name, double v, int is_integer) {
    if (f->count >= POA_MAX_FIGURES) {
        return;
    }
    poa_figure *g = &f->items[f->count++];
    snprintf(g->name, sizeof g->name, "%s", name);
    g->value = v;
    g->text = NULL;
    g->is_integer = is_integer;
}

static void put_text(poa_figures *f, const char *name, const char *text) {
    if (f->count >= POA_MAX_FIGURES) {
        return;
    }
    poa_figure *g = &f->items[f->count++];
    snprintf(g->name, sizeof g->name, "%s", name);
    g->value = 0;
    g->text = text;
    g->is_integer = 0;
}

static double ratio(long long a, long long b) {
    return b ? (double)a / (double)b : 0.0;
}

/* ---- Complaint themes ------------------------------------------------ */

typedef struct {
    int32_t *cp;
    size_t n;
    int prefix; /* a trailing '*': any word starting with it */
    size_t theme;
} folded_pattern;

struct poa_themes {
    folded_pattern *p;
    size_t n;
};

/* Case-fold and strip accents (buyers often type without them), then
 * decode into code points. */
static size_t fold(const char *s, size_t len, int32_t **out) {
    *out = NULL;
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t k =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
                     UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK |
                         UTF8PROC_IGNORE | UTF8PROC_STABLE);
    if (k < 0) {
        /* Invalid UTF-8 in a comment: nothing to match. */
        return 0;
    }
    int32_t *cp = malloc(((size_t)k + 1) * sizeof *cp);
    size_t n = 0;
    for (utf8proc_ssize_t i = 0; cp && i < k;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t step = utf8proc_iterate(m + i, k - i, &c);
        if (step <= 0) {
            break;
        }
        cp[n++] = c;
        i += step;
    }
    free(m);
    *out = cp;
    return cp ? n : 0;
}

static int is_word(int32_t c) {
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    /* CJK writes no spaces between words: no boundary is required there. */
    if (c >= 0x2E80) {
        return 0;
    }
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

poa_themes *poa_themes_new(const poa_data *d) {
    poa_themes *t = calloc(1, sizeof *t);
    size_t total = 0;
    for (size_t i = 0; i < d->nthemes; i++) {
        total += d->themes[i].npatterns;
    }
    if (!t || !(t->p = calloc(total + 1, sizeof *t->p))) {
        free(t);
        return NULL;
    }
    for (size_t i = 0; i < d->nthemes && i < 64; i++) {
        for (size_t j = 0; j < d->themes[i].npatterns; j++) {
            const char *s = d->themes[i].patterns[j].text;
            size_t len = strlen(s);
            int prefix = len > 0 && s[len - 1] == '*';
            folded_pattern *fp = &t->p[t->n];
            fp->n = fold(s, len - (size_t)prefix, &fp->cp);
            if (!fp->cp || fp->n == 0) {
                free(fp->cp);
                continue;
            }
            fp->prefix = prefix;
            fp->theme = i;
            t->n++;
        }
    }
    return t;
}

void poa_themes_free(poa_themes *t) {
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        free(t->p[i].cp);
    }
    free(t->p);
    free(t);
}

static int matches(const int32_t *hay, size_t nh, const folded_pattern *p) {
    if (nh < p->n) {
        return 0;
    }
    for (size_t i = 0; i + p->n <= nh; i++) {
        if (memcmp(hay + i, p->cp, p->n * sizeof *hay) != 0) {
            continue;
        }
        if (is_word(p->cp[0]) && i > 0 && is_word(hay[i - 1])) {
            continue;
        }
        if (!p->prefix && is_word(p->cp[p->n - 1]) && i + p->n < nh &&
            is_word(hay[i + p->n])) {
            continue;
        }
        return 1;
    }
    return 0;
}

unsigned long long poa_themes_classify(const poa_themes *t, const char *text,
                                       size_t len) {
    if (!t || !text || !len) {
        return 0;
    }
    int32_t *cp;
    size_t n = fold(text, len, &cp);
    unsigned long long bits = 0;
    for (size_t i = 0; cp && i < t->n; i++) {
        if (!(bits & (1ULL << t->p[i].theme)) && matches(cp, n, &t->p[i])) {
            bits |= 1ULL << t->p[i].theme;
        }
    }
    free(cp);
    return bits;
}

/* ---- Driver names ---------------------------------------------------- */

static const char *const common_drivers[] = {"numerator",
                                             "denominator",
                                             "rate",
                                             "target",
                                             "window_days",
                                             "from_day",
                                             "to_day",
                                             "what_if_days",
                                             "what_if_late",
                                             "what_if_denominator",
                                             "what_if_rate",
                                             "what_if_avoided",
                                             NULL};
static const char *const lsr_driver_names[] = {"late",
                                               "overdue",
                                               "short_handling_days",
                                               "short_late",
                                               "short_handling_share",
                                               "short_ontime",
                                               "late_h0",
                                               "late_h1",
                                               "late_h2",
                                               "late_h3plus",
                                               "ontime_h0",
                                               "ontime_h1",
                                               "ontime_h2",
                                               "ontime_h3plus",
                                               "weekend_late",
                                               "weekend_share",
                                               "weekend_lift",
                                               "holiday_late",
                                               "offday_late",
                                               "offday_share",
                                               "offday_lift",
                                               "late_confirmation",
                                               "late_confirmation_share",
                                               "late_dispatch",
                                               "late_no_scan",
                                               "late_mon",
                                               "late_tue",
                                               "late_wed",
                                               "late_thu",
                                               "late_fri",
                                               "late_sat",
                                               "late_sun",
                                               "top_sku",
                                               "top_sku_late",
                                               "top_sku_share",
                                               "top_line",
                                               "top_line_late",
                                               "top_line_share",
                                               "top_carrier",
                                               "top_carrier_late",
                                               "top_carrier_share",
                                               "top_carrier_rate",
                                               "other_carrier_rate",
                                               "top_carrier_lift",
                                               NULL};
static const char *const cr_driver_names[] = {"cancelled",
                                              "stockout_cancels",
                                              "stockout_share",
                                              "pricing_cancels",
                                              "pricing_share",
                                              "address_cancels",
                                              "address_share",
                                              "other_cancels",
                                              "unattributed",
                                              "top_cancel_sku",
                                              "top_cancel_sku_count",
                                              "top_cancel_line",
                                              "top_cancel_line_count",
                                              NULL};
static const char *const odr_driver_names[] = {"negative_feedback",
                                               "claims",
                                               "chargebacks",
                                               "feedback_share",
                                               "claim_share",
                                               "chargeback_share",
                                               "classified",
                                               "unclassified",
                                               "described",
                                               "described_share",
                                               "top_defect_sku",
                                               "top_defect_sku_count",
                                               "claims_not_received",
                                               "claims_not_received_share",
                                               NULL};
static const char *const vtr_driver_names[] = {
    "shipments",           "invalid_tracking",
    "tracking_missing",    "tracking_bad_format",
    "unknown_carrier",     "not_uploaded",
    "not_uploaded_share",  "untracked",
    "untracked_share",     "top_untracked_carrier",
    "top_untracked_count", "top_bad_carrier",
    "top_bad_count",       NULL};
static const char *const otdr_driver_names[] = {
    "tracked_shipments",     "late_deliveries",       "delivered_late",
    "undelivered_late",      "median_days_late",      "dispatch_late",
    "dispatch_late_share",   "transit_late",          "transit_late_share",
    "dispatch_unknown_late", "transit_promised_days", "transit_actual_days",
    "transit_gap_days",      "top_carrier",           "top_carrier_late",
    "top_carrier_share",     "top_carrier_shipments", "top_carrier_rate",
    "other_carrier_rate",    "top_carrier_lift",      NULL};
static const char *const rdr_driver_names[] = {"returns",
                                               "dissatisfied_returns",
                                               "late_answers",
                                               "late_answer_share",
                                               "late_answer_rate",
                                               "invalid_rejections",
                                               "invalid_rejection_share",
                                               "invalid_rejection_rate",
                                               "negative_return_feedback",
                                               NULL};

static int in_list(const char *const *v, const char *name) {
    for (size_t i = 0; v[i]; i++) {
        if (strcmp(v[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

int poa_diagnose_driver_known(const poa_data *d, const char *metric, const char *driver) {
    if (!metric || !driver) {
        return 0;
    }
    if (in_list(common_drivers, driver)) {
        return 1;
    }
    if (strcmp(metric, "lsr") == 0) {
        return in_list(lsr_driver_names, driver);
    }
    if (strcmp(metric, "cr") == 0) {
        return in_list(cr_driver_names, driver);
    }
    if (strcmp(metric, "vtr") == 0) {
        return in_list(vtr_driver_names, driver);
    }
    if (strcmp(metric, "otdr") == 0) {
        return in_list(otdr_driver_names, driver);
    }
    if (strcmp(metric, "rdr") == 0) {
        return in_list(rdr_driver_names, driver);
    }
    if (strcmp(metric, "odr") != 0) {
        return 0;
    }
    if (in_list(odr_driver_names, driver)) {
        return 1;
    }
    if (strncmp(driver, "theme_", 6) != 0) {
        return 0;
    }
    const char *id = driver + 6;
    size_t n = strlen(id);
    if (n > 6 && strcmp(id + n - 6, "_share") == 0) {
        n -= 6;
    }
    for (size_t i = 0; i < d->nthemes; i++) {
        if (strlen(d->themes[i].id) == n && strncmp(d->themes[i].id, id, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- Drivers per metric ---------------------------------------------- */

/* Figures every finding of a metric carries: the metric itself. */
static void metric_figures(poa_figures *f, const poa_metric *m) {
    put(f, "numerator", (double)m->numerator, 1);
    put(f, "denominator", (double)m->denominator, 1);
    put(f, "rate", m->rate, 0);
    put(f, "target", m->def->target, 0);
    put(f, "window_days", m->window_days, 1);
    put(f, "from_day", m->from, 1);
    put(f, "to_day", m->to, 1);
}

/* The index with the highest count (the first on a tie), or -1 when all
 * are zero. */
static long top_index(const long long *v, size_t n) {
    long top = -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] > 0 && (top < 0 || v[i] > v[top])) {
            top = (long)i;
        }
    }
    return top;
}

/* Did the order's handling time run into days nobody dispatches? It was
 * placed on a non-business day, or it was due on the last business day
 * before one, so a confirmation that missed the due day waited over the
 * weekend or holiday (due Friday, confirmed Monday is the typical case).
 * *holiday is set when that day is a holiday rather than a weekend day. */
static int offday_order(const poa_calendar *cal, int32_t purchase, int32_t latest_ship,
                        int *holiday) {
    int32_t days[2] = {purchase,
                       latest_ship != POA_NO_DAY ? latest_ship + 1 : purchase + 1};
    int off = 0;
    *holiday = 0;
    for (int i = 0; i < 2; i++) {
        if (poa_calendar_business_day(cal, days[i])) {
            continue;
        }
        int wd = poa_calendar_weekday(cal, days[i]);
        int weekend = cal->m ? cal->m->weekend[wd] : wd >= 5;
        *holiday |= !weekend;
        off = 1;
    }
    return off;
}

/* The carrier behind most of `late` late items (late_carrier, per carrier
 * index) and how much likelier its items were to be late than the other
 * carriers' (all_carrier: every judged item); with_count adds how many
 * items it carried. Nothing when no late item has a known carrier. */
static void put_top_carrier(poa_figures *f, const poa_case *c,
                            const long long *late_carrier, const long long *all_carrier,
                            long long late, int with_count) {
    long t = late_carrier ? top_index(late_carrier, c->ncarriers) : -1;
    if (t < 0 || !all_carrier) {
        return;
    }
    long long other_all = 0, other_late = 0;
    for (size_t k = 0; k < c->ncarriers; k++) {
        if ((long)k != t) {
            other_all += all_carrier[k];
            other_late += late_carrier[k];
        }
    }
    double rate = ratio(late_carrier[t], all_carrier[t]);
    double other = ratio(other_late, other_all);
    put_text(f, "top_carrier", c->carriers[t]);
    put(f, "top_carrier_late", (double)late_carrier[t], 1);
    put(f, "top_carrier_share", ratio(late_carrier[t], late), 0);
    if (with_count) {
        put(f, "top_carrier_shipments", (double)all_carrier[t], 1);
    }
    put(f, "top_carrier_rate", rate, 0);
    put(f, "other_carrier_rate", other, 0);
    /* With a single carrier there is nothing to compare: no lift. */
    put(f, "top_carrier_lift", other_all == 0 ? 0 : other > 0 ? rate / other : 99, 0);
}

/* Late shipments: the handling-time distribution of late and on-time
 * orders, weekday and holiday clustering, late confirmation of parcels
 * that left on time versus late dispatch, and the SKU, product line and
 * carrier behind most late orders. */
static void lsr_drivers(const poa_case *c, const poa_data *d, const poa_metric *m,
                        int32_t as_of, poa_figures *f) {
    long long late = 0, short_late = 0, short_ontime = 0, weekend_late = 0,
              holiday_late = 0, offday_late = 0, offday_all = 0, confirm_late = 0,
              dispatch_late = 0, no_scan = 0, judged = 0;
    long long by_weekday[7] = {0}, late_h[4] = {0}, ontime_h[4] = {0};
    size_t ns = c->nskus ? c->nskus : 1, nl = c->nproduct_lines + 1,
           nc = c->ncarriers + 1;
    long long *by_sku = calloc(ns, sizeof *by_sku);
    long long *by_line = calloc(nl, sizeof *by_line);
    long long *late_carrier = calloc(nc, sizeof *late_carrier);
    long long *all_carrier = calloc(nc, sizeof *all_carrier);
    /* Orders due in the window were bought a few months before it at most:
     * their days are looked up (any others are worked out). */
    poa_calendar cal;
    poa_calendar_init(&cal, c->marketplace, m->from - 130, m->to + 10);
    long long weekend_all = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        int is_late = poa_order_lsr_verdict(o, m->from, m->to, as_of);
        if (is_late < 0) {
            continue;
        }
        judged++;
        int holiday = 0;
        int off = o->purchase != POA_NO_DAY &&
                  offday_order(&cal, o->purchase, o->latest_ship, &holiday);
        offday_all += off;
        int handling =
            o->purchase == POA_NO_DAY
                ? 0
                : poa_calendar_business_days_between(&cal, o->purchase, o->latest_ship);
        int wd = o->purchase != POA_NO_DAY ? poa_calendar_weekday(&cal, o->purchase) : -1;
        weekend_all += wd >= 4; /* placed Friday to Sunday */
        int bucket = handling < 0 ? 0 : handling > 3 ? 3 : handling;
        if (all_carrier && o->carrier != 0xFFFF && o->carrier < c->ncarriers) {
            all_carrier[o->carrier]++;
        }
        if (!is_late) {
            ontime_h[bucket]++;
            short_ontime += handling <= d->short_handling_days;
            continue;
        }
        late++;
        late_h[bucket]++;
        if (wd >= 0) {
            by_weekday[wd]++;
            weekend_late += wd >= 4;
        }
        offday_late += off;
        holiday_late += off && holiday;
        short_late += handling <= d->short_handling_days;
        if (o->ship != POA_NO_DAY && o->ship <= as_of && o->first_scan != POA_NO_DAY) {
            if (o->first_scan <= o->latest_ship) {
                confirm_late++;
            } else {
                dispatch_late++;
            }
        } else {
            no_scan++;
        }
        if (by_sku && o->sku != UINT32_MAX && o->sku < c->nskus) {
            by_sku[o->sku]++;
        }
        if (by_line && o->product_line != 0xFFFF && o->product_line < c->nproduct_lines) {
            by_line[o->product_line]++;
        }
        if (late_carrier && o->carrier != 0xFFFF && o->carrier < c->ncarriers) {
            late_carrier[o->carrier]++;
        }
    }
    put(f, "late", (double)late, 1);
    put(f, "overdue", (double)m->overdue, 1);
    put(f, "short_handling_days", d->short_handling_days, 1);
    put(f, "short_late", (double)short_late, 1);
    put(f, "short_handling_share", ratio(short_late, late), 0);
    put(f, "short_ontime", (double)short_ontime, 1);
    static const char *const lh[4] = {"late_h0", "late_h1", "late_h2", "late_h3plus"};
    static const char *const oh[4] = {"ontime_h0", "ontime_h1", "ontime_h2",
                                      "ontime_h3plus"};
    for (int k = 0; k < 4; k++) {
        put(f, lh[k], (double)late_h[k], 1);
        put(f, oh[k], (double)ontime_h[k], 1);
    }
    put(f, "weekend_late", (double)weekend_late, 1);
    put(f, "weekend_share", ratio(weekend_late, late), 0);
    put(f, "holiday_late", (double)holiday_late, 1);
    put(f, "offday_late", (double)offday_late, 1);
    put(f, "offday_share", ratio(offday_late, late), 0);
    /* How much likelier a late order is to be an off-day order than any
     * order: clustering, not just the calendar's share of such days. */
    double base = ratio(offday_all, judged);
    put(f, "offday_lift", base > 0 ? ratio(offday_late, late) / base : 0, 0);
    double wbase = ratio(weekend_all, judged);
    put(f, "weekend_lift", wbase > 0 ? ratio(weekend_late, late) / wbase : 0, 0);
    put(f, "late_confirmation", (double)confirm_late, 1);
    put(f, "late_confirmation_share", ratio(confirm_late, late), 0);
    put(f, "late_dispatch", (double)dispatch_late, 1);
    put(f, "late_no_scan", (double)no_scan, 1);
    static const char *const wd_names[7] = {"late_mon", "late_tue", "late_wed",
                                            "late_thu", "late_fri", "late_sat",
                                            "late_sun"};
    for (int k = 0; k < 7; k++) {
        put(f, wd_names[k], (double)by_weekday[k], 1);
    }
    long t = by_sku ? top_index(by_sku, c->nskus) : -1;
    if (t >= 0) {
        put_text(f, "top_sku", c->skus[t]);
        put(f, "top_sku_late", (double)by_sku[t], 1);
        put(f, "top_sku_share", ratio(by_sku[t], late), 0);
    }
    t = by_line ? top_index(by_line, c->nproduct_lines) : -1;
    if (t >= 0) {
        put_text(f, "top_line", c->product_lines[t]);
        put(f, "top_line_late", (double)by_line[t], 1);
        put(f, "top_line_share", ratio(by_line[t], late), 0);
    }
    put_top_carrier(f, c, late_carrier, all_carrier, late, 0);
    poa_calendar_free(&cal);
    free(by_sku);
    free(by_line);
    free(late_carrier);
    free(all_carrier);
}

/* The marketplace's cancel reason codes behind the seeds' cancellation
 * causes, compared on letters and digits only ("No Inventory" too). */
static int reason_is(const char *reason, const char *code) {
    const char *a = reason, *b = code;
    for (;;) {
        while (*a && !((*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z') ||
                       (*a >= '0' && *a <= '9'))) {
            a++;
        }
        if (!*a || !*b) {
            return !*a && !*b;
        }
        char x = (char)(*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
        char y = (char)(*b >= 'A' && *b <= 'Z' ? *b + 32 : *b);
        if (x != y) {
            return 0;
        }
        a++;
        b++;
    }
}

/* Cancellations: the reason codes and the SKUs behind the seller's
 * cancellations of the window (counted as the metric counts them). */
static void cr_drivers(const poa_case *c, const poa_metric *m, poa_figures *f) {
    long long cancelled = 0, stockout = 0, pricing = 0, address = 0, other = 0,
              unattributed = 0;
    size_t ns = c->nskus ? c->nskus : 1, nl = c->nproduct_lines + 1;
    long long *by_sku = calloc(ns, sizeof *by_sku);
    long long *by_line = calloc(nl, sizeof *by_line);
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->purchase == POA_NO_DAY ||
            o->purchase < m->from || o->purchase > m->to ||
            o->status != POA_ORDER_CANCELLED || poa_cancel_buyer_requested(c, o)) {
            continue;
        }
        cancelled++;
        const char *r =
            o->cancel_reason != 0xFFFF && o->cancel_reason < c->ncancel_reasons
                ? c->cancel_reasons[o->cancel_reason]
                : NULL;
        if (!r) {
            unattributed += o->cancelled_by == POA_BY_NONE;
            other++;
        } else if (reason_is(r, "NoInventory")) {
            stockout++;
        } else if (reason_is(r, "PricingError")) {
            pricing++;
        } else if (reason_is(r, "ShippingAddressUndeliverable")) {
            address++;
        } else {
            other++;
        }
        if (by_sku && o->sku != UINT32_MAX && o->sku < c->nskus) {
            by_sku[o->sku]++;
        }
        if (by_line && o->product_line != 0xFFFF && o->product_line < c->nproduct_lines) {
            by_line[o->product_line]++;
        }
    }
    put(f, "cancelled", (double)cancelled, 1);
    put(f, "stockout_cancels", (double)stockout, 1);
    put(f, "stockout_share", ratio(stockout, cancelled), 0);
    put(f, "pricing_cancels", (double)pricing, 1);
    put(f, "pricing_share", ratio(pricing, cancelled), 0);
    put(f, "address_cancels", (double)address, 1);
    put(f, "address_share", ratio(address, cancelled), 0);
    put(f, "other_cancels", (double)other, 1);
    put(f, "unattributed", (double)unattributed, 1);
    long t = by_sku ? top_index(by_sku, c->nskus) : -1;
    if (t >= 0) {
        put_text(f, "top_cancel_sku", c->skus[t]);
        put(f, "top_cancel_sku_count", (double)by_sku[t], 1);
    }
    t = by_line ? top_index(by_line, c->nproduct_lines) : -1;
    if (t >= 0) {
        put_text(f, "top_cancel_line", c->product_lines[t]);
        put(f, "top_cancel_line_count", (double)by_line[t], 1);
    }
    free(by_sku);
    free(by_line);
}

/* Themes whose complaints say the item differed from its listing. */
static int described_theme(const char *id) {
    return strcmp(id, "not_as_described") == 0 || strcmp(id, "used_as_new") == 0 ||
           strcmp(id, "expired") == 0;
}

/* Order defects: the split by negative feedback, claims and chargebacks,
 * and the complaint themes of the negative feedback's text. An order
 * counts once per theme however many comments it has. */
/* The order at position k (from a feedback or claim record) when it is
 * one the ODR figure m counts: known, bought in m's window, on m's channel. */
static int order_counted(const poa_case *c, size_t k, const poa_metric *m, poa_order *o) {
    if (k == POA_NOT_AN_ORDER) {
        return 0;
    }
    *o = poa_case_order_at(c, k);
    return o->purchase >= m->from && o->purchase <= m->to &&
           poa_order_in_channel(o, m->channel);
}

/* What one negative feedback or claim said (its themes), for its order.
 * The records of all orders are sorted by order and then read order by
 * order: the memory is a record each, not a word for every order of the
 * case. */
typedef struct {
    uint32_t order, seq; /* seq: feedback first, then claims, as read */
    uint32_t sku;
    unsigned long long themes;
} heard_rec;

static int by_order_then_seq(const void *pa, const void *pb) {
    const heard_rec *a = pa, *b = pb;
    if (a->order != b->order) {
        return a->order < b->order ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void odr_drivers(const poa_case *c, const poa_data *d, const poa_metric *m,
                        int32_t as_of, poa_figures *f) {
    long long defects = m->numerator;
    put(f, "negative_feedback", (double)m->negative_feedback, 1);
    put(f, "claims", (double)m->claims, 1);
    put(f, "chargebacks", (double)m->chargebacks, 1);
    put(f, "feedback_share", ratio(m->negative_feedback, defects), 0);
    put(f, "claim_share", ratio(m->claims, defects), 0);
    put(f, "chargeback_share", ratio(m->chargebacks, defects), 0);
    size_t nt = d->nthemes < 64 ? d->nthemes : 64;
    long long by_theme[64] = {0};
    long long classified = 0, unclassified = 0, described = 0;
    const size_t cap = c->nfeedback + c->nclaims;
    heard_rec *heard = malloc((cap ? cap : 1) * sizeof *heard);
    long long *by_sku = calloc(c->nskus ? c->nskus : 1, sizeof *by_sku);
    poa_themes *th = poa_themes_new(d);
    size_t nheard = 0;
    for (size_t i = 0; heard && i < c->nfeedback; i++) {
        const poa_feedback *fb = &c->feedback[i];
        if (fb->rating > 2 || fb->removed || fb->day > as_of) {
            continue;
        }
        poa_order ord;
        if (!order_counted(c, fb->order, m, &ord)) {
            continue;
        }
        heard[nheard++] = (heard_rec){
            (uint32_t)fb->order, (uint32_t)i, ord.sku,
            fb->comment ? poa_themes_classify(th, fb->comment, strlen(fb->comment)) : 0};
    }
    /* A-to-z claims speak too: their reason text joins the themes, and a
     * claim for an item never received is counted on its own. */
    int not_received = -1;
    for (size_t t = 0; t < nt; t++) {
        if (strcmp(d->themes[t].id, "not_received") == 0) {
            not_received = (int)t;
        }
    }
    for (size_t i = 0; heard && i < c->nclaims; i++) {
        const poa_claim *cl = &c->claims[i];
        if (cl->day > as_of || cl->reason == 0xFFFF) {
            continue;
        }
        poa_order ord;
        if (!order_counted(c, cl->order, m, &ord)) {
            continue;
        }
        const char *reason = c->reasons[cl->reason];
        heard[nheard++] =
            (heard_rec){(uint32_t)cl->order, (uint32_t)(c->nfeedback + i), ord.sku,
                        poa_themes_classify(th, reason, strlen(reason))};
    }
    if (nheard) {
        qsort(heard, nheard, sizeof *heard, by_order_then_seq);
    }
    const unsigned long long nr_bit = not_received >= 0 ? 1ULL << not_received : 0;
    long long claims_not_received = 0;
    for (size_t i = 0; i < nheard;) {
        /* One order's records, feedback first: a claim that the item never
         * came counts unless the order already said so. */
        unsigned long long seen = 0;
        const size_t first = i;
        for (; i < nheard && heard[i].order == heard[first].order; i++) {
            if (heard[i].seq >= c->nfeedback && (heard[i].themes & nr_bit) &&
                !(seen & nr_bit)) {
                claims_not_received++;
            }
            seen |= heard[i].themes;
        }
        const uint32_t sku = heard[first].sku;
        if (by_sku && sku != UINT32_MAX && sku < c->nskus) {
            by_sku[sku]++;
        }
        if (!seen) {
            unclassified++;
            continue;
        }
        classified++;
        int desc = 0;
        for (size_t t = 0; t < nt; t++) {
            if (seen & (1ULL << t)) {
                by_theme[t]++;
                desc |= described_theme(d->themes[t].id);
            }
        }
        described += desc;
    }
    put(f, "claims_not_received", (double)claims_not_received, 1);
    put(f, "claims_not_received_share", ratio(claims_not_received, defects), 0);
    put(f, "classified", (double)classified, 1);
    put(f, "unclassified", (double)unclassified, 1);
    for (size_t t = 0; t < nt; t++) {
        char name[40];
        snprintf(name, sizeof name, "theme_%s", d->themes[t].id);
        put(f, name, (double)by_theme[t], 1);
        snprintf(name, sizeof name, "theme_%s_share", d->themes[t].id);
        put(f, name, ratio(by_theme[t], defects), 0);
    }
    put(f, "described", (double)described, 1);
    put(f, "described_share", ratio(described, defects), 0);
    long top = by_sku ? top_index(by_sku, c->nskus) : -1;
    if (top >= 0) {
        put_text(f, "top_defect_sku", c->skus[top]);
        put(f, "top_defect_sku_count", (double)by_sku[top], 1);
    }
    poa_themes_free(th);
    free(heard);
    free(by_sku);
}

/* Tracking: shipments without a tracking number, split into carriers that
 * do provide tracking (numbers not uploaded) and carriers none of whose
 * shipments in the window had one (services without tracking), plus
 * numbers in the wrong format for their carrier. */
static void vtr_drivers(const poa_case *c, const poa_metric *m, poa_figures *f) {
    size_t nc = c->ncarriers + 1;
    long long *tracked = calloc(nc, sizeof *tracked);
    long long *missing = calloc(nc, sizeof *missing);
    long long *bad = calloc(nc, sizeof *bad);
    long long shipments = 0, miss = 0, badfmt = 0, unknown = 0;
    for (size_t i = 0; tracked && missing && bad && i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->ship == POA_NO_DAY || o->ship < m->from ||
            o->ship > m->to) {
            continue;
        }
        shipments++;
        size_t k =
            o->carrier != 0xFFFF && o->carrier < c->ncarriers ? o->carrier : c->ncarriers;
        if (o->tracking == POA_TRACKING_NONE) {
            missing[k]++;
            miss++;
        } else if (o->tracking == POA_TRACKING_INVALID) {
            bad[k]++;
            badfmt++;
        } else {
            tracked[k]++;
            unknown += o->tracking == POA_TRACKING_UNKNOWN_CARRIER;
        }
    }
    long long not_uploaded = badfmt, untracked = 0;
    long top_u = -1, top_b = -1;
    for (size_t k = 0; tracked && missing && bad && k < nc; k++) {
        /* Without a carrier name nothing says the service had tracking. */
        if (k == c->ncarriers || (tracked[k] == 0 && bad[k] == 0)) {
            untracked += missing[k];
            if (k < c->ncarriers && missing[k] > 0 &&
                (top_u < 0 || missing[k] > missing[top_u])) {
                top_u = (long)k;
            }
        } else {
            not_uploaded += missing[k];
        }
        if (k < c->ncarriers && bad[k] + missing[k] > 0 && tracked[k] + bad[k] > 0 &&
            (top_b < 0 || bad[k] + missing[k] > bad[top_b] + missing[top_b])) {
            top_b = (long)k;
        }
    }
    long long invalid = miss + badfmt;
    put(f, "shipments", (double)shipments, 1);
    put(f, "invalid_tracking", (double)invalid, 1);
    put(f, "tracking_missing", (double)miss, 1);
    put(f, "tracking_bad_format", (double)badfmt, 1);
    put(f, "unknown_carrier", (double)unknown, 1);
    put(f, "not_uploaded", (double)not_uploaded, 1);
    put(f, "not_uploaded_share", ratio(not_uploaded, invalid), 0);
    put(f, "untracked", (double)untracked, 1);
    put(f, "untracked_share", ratio(untracked, invalid), 0);
    if (top_u >= 0) {
        put_text(f, "top_untracked_carrier", c->carriers[top_u]);
        put(f, "top_untracked_count", (double)missing[top_u], 1);
    }
    if (top_b >= 0) {
        put_text(f, "top_bad_carrier", c->carriers[top_b]);
        put(f, "top_bad_count", (double)(bad[top_b] + missing[top_b]), 1);
    }
    free(tracked);
    free(missing);
    free(bad);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The middle value of n days (the upper one of the two middles for an
 * even n): a typical day count that is itself one of the counts. */
static int median_days(int *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_int);
    return v[n / 2];
}

/* Late deliveries: the shipments the failed OTDR window counts (the
 * metrics stage's own test), split into parcels that left after their
 * latest ship day (a late-shipment effect) and parcels that left on time
 * but took longer in transit than the promise allowed; the transit days
 * promised (ship to promised day) and taken (ship to delivery) of the
 * latter, as medians; and the carrier behind most late deliveries. */
static void otdr_drivers(const poa_case *c, const poa_metric *m, int32_t as_of,
                         poa_figures *f) {
    long long judged = 0, late = 0, delivered = 0, undelivered = 0, dispatch = 0,
              transit = 0, unknown = 0;
    size_t nc = c->ncarriers + 1, ntransit = 0, nactual = 0;
    long long *late_carrier = calloc(nc, sizeof *late_carrier);
    long long *all_carrier = calloc(nc, sizeof *all_carrier);
    size_t cap = c->norders ? c->norders : 1;
    int *days_late = calloc(cap, sizeof *days_late);
    int *promised = calloc(cap, sizeof *promised);
    int *actual = calloc(cap, sizeof *actual);
    for (size_t i = 0;
         late_carrier && all_carrier && days_late && promised && actual && i < c->norders;
         i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        int is_late = poa_order_otdr_verdict(o, m->from, m->to, as_of);
        if (is_late < 0) {
            continue;
        }
        judged++;
        size_t k = o->carrier < c->ncarriers ? o->carrier : c->ncarriers;
        all_carrier[k]++;
        if (!is_late) {
            continue;
        }
        late++;
        late_carrier[k]++;
        int arrived = o->delivery != POA_NO_DAY && o->delivery <= as_of;
        if (arrived) {
            days_late[delivered++] = o->delivery - o->promised_delivery;
        } else {
            undelivered++;
        }
        if (o->ship == POA_NO_DAY || o->ship > as_of || o->latest_ship == POA_NO_DAY) {
            unknown++;
        } else if (o->ship > o->latest_ship) {
            dispatch++;
        } else {
            transit++;
            promised[ntransit++] = o->promised_delivery - o->ship;
            if (arrived) {
                actual[nactual++] = o->delivery - o->ship;
            }
        }
    }
    put(f, "tracked_shipments", (double)judged, 1);
    put(f, "late_deliveries", (double)late, 1);
    put(f, "delivered_late", (double)delivered, 1);
    put(f, "undelivered_late", (double)undelivered, 1);
    if (delivered > 0) {
        put(f, "median_days_late", median_days(days_late, (size_t)delivered), 1);
    }
    put(f, "dispatch_late", (double)dispatch, 1);
    put(f, "dispatch_late_share", ratio(dispatch, late), 0);
    put(f, "transit_late", (double)transit, 1);
    put(f, "transit_late_share", ratio(transit, late), 0);
    put(f, "dispatch_unknown_late", (double)unknown, 1);
    /* Only parcels that arrived say how long transit took: without one
     * there is no gap to state, and the transit cause cannot hold. */
    if (ntransit > 0 && nactual > 0) {
        int p = median_days(promised, ntransit), a = median_days(actual, nactual);
        put(f, "transit_promised_days", p, 1);
        put(f, "transit_actual_days", a, 1);
        put(f, "transit_gap_days", a - p, 1);
    }
    put_top_carrier(f, c, late_carrier, all_carrier, late, 1);
    free(late_carrier);
    free(all_carrier);
    free(days_late);
    free(promised);
    free(actual);
}

/* Returns: late answers versus invalid rejections, each as a share of the
 * dissatisfied requests (one request can be both, so the shares need not
 * add up to one). The metrics stage has already judged every request of
 * the window. */
static void rdr_drivers(const poa_case *c, const poa_metric *m, poa_figures *f) {
    (void)c;
    put(f, "returns", (double)m->denominator, 1);
    put(f, "dissatisfied_returns", (double)m->numerator, 1);
    put(f, "late_answers", (double)m->unanswered, 1);
    /* The shares are of the returns that counted against the rate (how
     * much of the failure a cause explains); the rates are of all return
     * requests, which is what "X of the Y requests" in a text says. */
    put(f, "late_answer_share", ratio(m->unanswered, m->numerator), 0);
    put(f, "late_answer_rate", ratio(m->unanswered, m->denominator), 0);
    put(f, "invalid_rejections", (double)m->invalid_rejections, 1);
    put(f, "invalid_rejection_share", ratio(m->invalid_rejections, m->numerator), 0);
    put(f, "invalid_rejection_rate", ratio(m->invalid_rejections, m->denominator), 0);
    put(f, "negative_return_feedback", (double)m->negative_returns, 1);
}

/* ---- What-ifs from the remedy parameters ----------------------------- */

/* Replay the window as if every handling time shorter than `days`
 * business days had been `days`: the expected ship day moves later, which
 * can also move the order into another window. */
static void lsr_what_if_handling(const poa_case *c, const poa_metric *m, int32_t as_of,
                                 int days, poa_what_if *w) {
    long long num = 0, den = 0;
    poa_calendar cal;
    poa_calendar_init(&cal, c->marketplace, m->from - 130, m->to + 10);
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
            o->latest_ship == POA_NO_DAY) {
            continue;
        }
        poa_order moved = *o;
        int handling =
            poa_calendar_business_days_between(&cal, o->purchase, o->latest_ship);
        if (o->purchase != POA_NO_DAY && handling < days) {
            int32_t day = o->purchase;
            for (int k = 0; k < days;) {
                day++;
                k += poa_calendar_business_day(&cal, day);
            }
            moved.latest_ship = day;
        }
        if (moved.latest_ship < m->from || moved.latest_ship > m->to) {
            continue;
        }
        int late = poa_order_late(&moved, as_of);
        if (late < 0) {
            continue;
        }
        den++;
        num += late;
    }
    poa_calendar_free(&cal);
    poa_diagnose__what_if_done(w, m, NULL, num, den);
}

/* Replay the window as if every parcel had been confirmed on the day of
 * its carrier's first scan (when that came earlier than the confirmation). */
static void lsr_what_if_confirm_on_scan(const poa_case *c, const poa_metric *m,
                                        int32_t as_of, poa_what_if *w) {
    long long num = 0, den = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
            o->latest_ship == POA_NO_DAY || o->latest_ship < m->from ||
            o->latest_ship > m->to) {
            continue;
        }
        poa_order moved = *o;
        if (o->first_scan != POA_NO_DAY && o->first_scan <= as_of &&
            (o->ship == POA_NO_DAY || o->first_scan < o->ship)) {
            moved.ship = o->first_scan;
        }
        int late = poa_order_late(&moved, as_of);
        if (late < 0) {
            continue;
        }
        den++;
        num += late;
    }
    poa_diagnose__what_if_done(w, m, NULL, num, den);
}

/* Replay the OTDR window's shipments as if the change had been in place:
 * a shipping template promising at least transit_days days after the
 * latest ship day (the day its transit time counts from), or every
 * late-dispatched parcel leaving on its latest ship day with the transit
 * time it actually took. The same shipments stay in the window, judged
 * against their moved dates; parcels still undelivered stay late, since
 * nothing says when they will arrive. */
static void otdr_what_if(const poa_case *c, const poa_metric *m, int32_t as_of,
                         int transit_days, int dispatch_on_time, poa_what_if *w) {
    long long num = 0, den = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        int late = poa_order_otdr_verdict(o, m->from, m->to, as_of);
        if (late < 0) {
            continue;
        }
        den++;
        if (!late) {
            num++;
            continue;
        }
        if (o->delivery == POA_NO_DAY || o->delivery > as_of) {
            continue;
        }
        int32_t delivery = o->delivery, promise = o->promised_delivery;
        if (dispatch_on_time && o->ship != POA_NO_DAY && o->latest_ship != POA_NO_DAY &&
            o->ship > o->latest_ship && o->ship <= as_of) {
            delivery -= o->ship - o->latest_ship;
        }
        if (transit_days > 0 && o->latest_ship != POA_NO_DAY &&
            o->latest_ship + transit_days > promise) {
            promise = o->latest_ship + transit_days;
        }
        num += delivery <= promise;
    }
    poa_diagnose__what_if_done(w, m, NULL, num, den);
}

/* Late items before and after a what-if: the numerator itself, or what
 * the numerator leaves when it counts successes (OTDR, VTR). */
static long long late_of(const poa_metric *r, long long num, long long den) {
    return r->target_op == POA_OP_GT || r->target_op == POA_OP_GE ? den - num : num;
}

static void what_if(poa_finding *f, const poa_case *c, const poa_metric *r,
                    int32_t as_of) {
    const poa_cause_def *cause = f->cause;
    for (size_t p = 0; p < cause->nremedy && !f->has_what_if; p++) {
        const poa_param *rp = &cause->remedy[p];
        if (strcmp(r->id, "otdr") == 0 && strcmp(rp->name, "transit_days") == 0) {
            otdr_what_if(c, r, as_of, (int)rp->value, 0, &f->what_if);
            f->what_if.change = "transit_days";
            put(&f->figures, "what_if_days", rp->value, 1);
        } else if (strcmp(r->id, "otdr") == 0 &&
                   strcmp(rp->name, "dispatch_on_time") == 0 && rp->value != 0) {
            otdr_what_if(c, r, as_of, 0, 1, &f->what_if);
            f->what_if.change = "dispatch_on_time";
        } else if (strcmp(r->id, "lsr") != 0) {
            continue;
        } else if (strcmp(rp->name, "handling_days") == 0) {
            lsr_what_if_handling(c, r, as_of, (int)rp->value, &f->what_if);
            f->what_if.change = "handling_days";
            put(&f->figures, "what_if_days", rp->value, 1);
        } else if (strcmp(rp->name, "confirm_on_scan") == 0 && rp->value != 0) {
            lsr_what_if_confirm_on_scan(c, r, as_of, &f->what_if);
            f->what_if.change = "confirm_on_scan";
        } else {
            continue;
        }
        f->has_what_if = 1;
        const poa_what_if *w = &f->what_if;
        long long before = late_of(r, w->numerator_before, w->denominator_before);
        long long after = late_of(r, w->numerator_after, w->denominator_after);
        put(&f->figures, "what_if_late", (double)after, 1);
        put(&f->figures, "what_if_denominator", (double)w->denominator_after, 1);
        put(&f->figures, "what_if_rate", w->rate_after, 0);
        put(&f->figures, "what_if_avoided", (double)(before - after), 1);
    }
}

/* ---- Findings ---------------------------------------------------------- */

static int conditions_hold(const poa_cause_def *cause, const poa_figures *f) {
    for (size_t i = 0; i < cause->nwhen; i++) {
        const poa_figure *g = poa_figures_get(f, cause->when[i].driver);
        if (!g || g->text ||
            !poa_op_holds(cause->when[i].op, g->value, cause->when[i].value)) {
            return 0;
        }
    }
    return 1;
}

/* 0: the notice names the metric; 1: contractual; 2: indicator. */
static int metric_rank(const poa_case *c, const poa_metric *m) {
    for (size_t i = 0; i < c->info.nnotice_causes; i++) {
        if (strcmp(c->info.notice_causes[i], m->id) == 0) {
            return 0;
        }
    }
    return m->def->contractual ? 1 : 2;
}

/* Stable order of the failed metrics: rank, then rule-table order. */
static void order_failed(const poa_case *c, const poa_metric **v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        const poa_metric *x = v[i];
        size_t j = i;
        while (j > 0 && (metric_rank(c, v[j - 1]) > metric_rank(c, x) ||
                         (metric_rank(c, v[j - 1]) == metric_rank(c, x) &&
                          v[j - 1]->def > x->def))) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int cmp_finding(const void *a, const void *b) {
    const poa_finding *x = a, *y = b;
    if (x->order != y->order) {
        return x->order < y->order ? -1 : 1;
    }
    if (x->share != y->share) {
        return x->share < y->share ? 1 : -1;
    }
    return strcmp(x->cause->id, y->cause->id);
}

poa_status poa_diagnose(poa_diagnosis **out, const poa_case *c, const poa_metrics *m,
                        const poa_data *d, poa_error *err) {
    *out = NULL;
    poa_diagnosis *dx = calloc(1, sizeof *dx);
    if (!dx) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* One failed figure per metric: the first window (the one the
     * marketplace quotes) that failed, on the metric's widest channel. */
    dx->failed = calloc(d->nmetrics + 1, sizeof *dx->failed);
    dx->findings = calloc(d->ncauses + 1, sizeof *dx->findings);
    dx->unexplained = calloc(d->nmetrics + 1, sizeof *dx->unexplained);
    if (!dx->failed || !dx->findings || !dx->unexplained) {
        poa_diagnosis_free(dx);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* A metric over all channels that passes can still fail on one of them
     * (the marketplace shows seller-fulfilled and FBA figures apart): then
     * that channel's failure is the one to explain. */
    static const char *const all_then_each[] = {"all", "mfn", "afn", NULL};
    static const char *const mfn_only[] = {"mfn", NULL};
    for (size_t i = 0; i < d->nmetrics; i++) {
        const poa_metric_def *def = &d->metrics[i];
        const char *const *chans = def->scope == POA_SCOPE_MFN ? mfn_only : all_then_each;
        const poa_metric *fail = NULL;
        for (size_t k = 0; chans[k] && !fail; k++) {
            for (size_t w = 0; w < def->nwindows && !fail; w++) {
                const poa_metric *r =
                    poa_metrics_find(m, def->id, chans[k], def->windows[w]);
                if (r && r->status == POA_FAIL) {
                    fail = r;
                }
            }
        }
        if (fail) {
            dx->failed[dx->nfailed++] = fail;
        }
    }
    order_failed(c, dx->failed, dx->nfailed);
    /* Policy causes come from the notice: after the metrics it names,
     * before those it does not. */
    size_t named = 0;
    while (named < dx->nfailed && metric_rank(c, dx->failed[named]) == 0) {
        named++;
    }
    for (size_t k = 0; k < dx->nfailed; k++) {
        const poa_metric *r = dx->failed[k];
        poa_figures drivers = {0};
        metric_figures(&drivers, r);
        if (strcmp(r->id, "lsr") == 0) {
            lsr_drivers(c, d, r, m->as_of, &drivers);
        } else if (strcmp(r->id, "cr") == 0) {
            cr_drivers(c, r, &drivers);
        } else if (strcmp(r->id, "odr") == 0) {
            odr_drivers(c, d, r, m->as_of, &drivers);
        } else if (strcmp(r->id, "vtr") == 0) {
            vtr_drivers(c, r, &drivers);
        } else if (strcmp(r->id, "otdr") == 0) {
            otdr_drivers(c, r, m->as_of, &drivers);
        } else if (strcmp(r->id, "rdr") == 0) {
            rdr_drivers(c, r, &drivers);
        }
        size_t before = dx->nfindings;
        for (size_t i = 0; i < d->ncauses; i++) {
            const poa_cause_def *cause = &d->causes[i];
            /* A cause without detection conditions could never be told
             * from the data: it is not claimed. */
            if (strcmp(cause->metric, r->id) != 0 || cause->nwhen == 0 ||
                !conditions_hold(cause, &drivers)) {
                continue;
            }
            poa_finding *f = &dx->findings[dx->nfindings++];
            f->cause = cause;
            f->metric = r;
            f->order = (int)(k < named ? k : k + 1);
            f->figures = drivers;
            const poa_figure *share = poa_figures_get(&drivers, cause->share);
            f->share = share && !share->text ? share->value : 0;
            what_if(f, c, r, m->as_of);
        }
        if (dx->nfindings == before) {
            dx->unexplained[dx->nunexplained++] = r->id;
        }
    }
    /* Policy causes the notice names (case.xml): no metric to test, the
     * notice itself is the evidence. */
    for (size_t n = 0; n < c->info.nnotice_causes; n++) {
        const char *type = c->info.notice_causes[n];
        for (size_t i = 0; i < d->ncauses; i++) {
            const poa_cause_def *cause = &d->causes[i];
            if (cause->metric[0] ||
                (strcmp(cause->id, type) != 0 && strcmp(cause->notice, type) != 0)) {
                continue;
            }
            int seen = 0;
            for (size_t k = 0; k < dx->nfindings; k++) {
                seen |= dx->findings[k].cause == cause;
            }
            if (seen) {
                continue;
            }
            poa_finding *f = &dx->findings[dx->nfindings++];
            f->cause = cause;
            f->share = 1.0;
            f->order = (int)named;
        }
    }
    if (dx->nfindings > 1) {
        qsort(dx->findings, dx->nfindings, sizeof *dx->findings, cmp_finding);
    }
    *out = dx;
    return POA_OK;
}

void poa_diagnosis_free(poa_diagnosis *dx) {
    if (!dx) {
        return;
    }
    free(dx->failed);
    free(dx->findings);
    free(dx->unexplained);
    free(dx);
}
