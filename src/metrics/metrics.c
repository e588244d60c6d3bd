#include "poagen/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/date.h"

typedef struct {
    const poa_case *c;
    const poa_data *d;
    int32_t as_of;
} ctx;

/* What one pass over a window counts. */
typedef struct {
    long long num, den, overdue, unattributed, unknown_carrier, no_date, young;
    long long neg_fb, claims, chargebacks;
    int32_t youngest;
} tally;

static int in_channel(const poa_order *o, const char *channel) {
    if (strcmp(channel, "mfn") == 0) {
        return o->channel == POA_CH_MFN;
    }
    if (strcmp(channel, "afn") == 0) {
        return o->channel == POA_CH_AFN;
    }
    return 1;
}

static int in_window(int32_t day, int32_t from, int32_t to) {
    return day != POA_NO_DAY && day >= from && day <= to;
}

int poa_order_late(const poa_order *o, int32_t as_of) {
    if (o->latest_ship == POA_NO_DAY || o->latest_ship > as_of) {
        return -1;
    }
    if (o->ship != POA_NO_DAY && o->ship <= as_of) {
        /* Judged by calendar day: confirmed on a later day than due. */
        return o->ship > o->latest_ship;
    }
    /* Unconfirmed: late (overdue) once its latest ship day has passed. */
    return o->latest_ship < as_of ? 1 : -1;
}

/* Late shipments: seller-fulfilled, not cancelled, counted on the latest
 * ship date. */
static void count_lsr(const ctx *x, const char *ch, int32_t from, int32_t to, tally *t) {
    for (size_t i = 0; i < x->c->norders; i++) {
        const poa_order *o = &x->c->orders[i];
        if (o->channel != POA_CH_MFN || !in_channel(o, ch) ||
            o->status == POA_ORDER_CANCELLED) {
            continue;
        }
        if (o->latest_ship == POA_NO_DAY) {
            t->no_date++;
            continue;
        }
        if (!in_window(o->latest_ship, from, to)) {
            continue;
        }
        int late = poa_order_late(o, x->as_of);
        if (late < 0) {
            continue;
        }
        t->den++;
        if (late) {
            t->num++;
            if (o->ship == POA_NO_DAY || o->ship > x->as_of) {
                t->overdue++;
            }
        }
    }
}

static int buyer_requested(const poa_case *c, const poa_order *o) {
    if (o->cancelled_by == POA_BY_BUYER) {
        return 1;
    }
    if (o->cancelled_by == POA_BY_SELLER) {
        return 0;
    }
    /* Only when nobody is named does the reason code decide. */
    return o->cancel_reason != 0xFFFF &&
           strcmp(c->cancel_reasons[o->cancel_reason], "BuyerCanceled") == 0;
}

/* Cancellations: seller-fulfilled orders by purchase date; the buyer's own
 * cancellations are excluded. */
static void count_cr(const ctx *x, const char *ch, int32_t from, int32_t to, tally *t) {
    for (size_t i = 0; i < x->c->norders; i++) {
        const poa_order *o = &x->c->orders[i];
        if (o->channel != POA_CH_MFN || !in_channel(o, ch) ||
            !in_window(o->purchase, from, to)) {
            continue;
        }
        t->den++;
        if (o->status != POA_ORDER_CANCELLED || buyer_requested(x->c, o)) {
            continue;
        }
        t->num++;
        if (o->cancelled_by == POA_BY_NONE && o->cancel_reason == 0xFFFF) {
            t->unattributed++;
        }
    }
}

/* Order defects, order-correlated: a defect counts against the order's
 * purchase date, however late it arrived (but not after D). An order is
 * defective once, however many defects it has. */
static void count_odr(const ctx *x, const char *ch, int32_t from, int32_t to,
                      int immature_days, tally *t) {
    const poa_case *c = x->c;
    unsigned char *defect = calloc(c->norders ? c->norders : 1, 1);
    if (!defect) {
        return;
    }
    for (size_t i = 0; i < c->nfeedback; i++) {
        const poa_feedback *f = &c->feedback[i];
        if (f->rating > 2 || f->removed || f->day > x->as_of) {
            continue;
        }
        const poa_order *o = poa_case_order(c, f->order_id);
        if (!o || !in_channel(o, ch) || !in_window(o->purchase, from, to)) {
            continue;
        }
        size_t k = (size_t)(o - c->orders);
        if (!(defect[k] & 1)) {
            t->neg_fb++;
        }
        defect[k] |= 1;
    }
    t->youngest = POA_NO_DAY;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order *o = &c->orders[i];
        if (!in_channel(o, ch) || !in_window(o->purchase, from, to)) {
            continue;
        }
        t->den++;
        t->num += defect[i] != 0;
        if (immature_days > 0 && o->purchase > x->as_of - immature_days) {
            t->young++;
            if (t->youngest == POA_NO_DAY || o->purchase > t->youngest) {
                t->youngest = o->purchase;
            }
        }
    }
    free(defect);
}

/* Valid tracking: seller-fulfilled shipments by confirmation date. */
static void count_vtr(const ctx *x, const char *ch, int32_t from, int32_t to, tally *t) {
    for (size_t i = 0; i < x->c->norders; i++) {
        const poa_order *o = &x->c->orders[i];
        if (o->channel != POA_CH_MFN || !in_channel(o, ch) ||
            !in_window(o->ship, from, to)) {
            continue;
        }
        t->den++;
        if (o->tracking == POA_TRACKING_VALID ||
            o->tracking == POA_TRACKING_UNKNOWN_CARRIER) {
            t->num++;
        }
        t->unknown_carrier += o->tracking == POA_TRACKING_UNKNOWN_CARRIER;
    }
}

/* On-time delivery: tracked seller-fulfilled shipments by promised
 * delivery date; no delivery date once the promise has passed is late. */
static void count_otdr(const ctx *x, const char *ch, int32_t from, int32_t to, tally *t) {
    for (size_t i = 0; i < x->c->norders; i++) {
        const poa_order *o = &x->c->orders[i];
        if (o->channel != POA_CH_MFN || !in_channel(o, ch) ||
            o->tracking == POA_TRACKING_NONE || o->status == POA_ORDER_CANCELLED ||
            !in_window(o->promised_delivery, from, to)) {
            continue;
        }
        int delivered = o->delivery != POA_NO_DAY && o->delivery <= x->as_of;
        if (!delivered && o->promised_delivery >= x->as_of) {
            continue; /* can still arrive on time */
        }
        t->den++;
        t->num += delivered && o->delivery <= o->promised_delivery;
    }
}

static void count(const ctx *x, const poa_metric_def *def, const char *ch, int32_t from,
                  int32_t to, tally *t) {
    memset(t, 0, sizeof *t);
    t->youngest = POA_NO_DAY;
    if (strcmp(def->id, "lsr") == 0) {
        count_lsr(x, ch, from, to, t);
    } else if (strcmp(def->id, "cr") == 0) {
        count_cr(x, ch, from, to, t);
    } else if (strcmp(def->id, "odr") == 0) {
        count_odr(x, ch, from, to, def->immature_days, t);
    } else if (strcmp(def->id, "vtr") == 0) {
        count_vtr(x, ch, from, to, t);
    } else if (strcmp(def->id, "otdr") == 0) {
        count_otdr(x, ch, from, to, t);
    }
    /* rdr: needs the returns report. */
}

static int add(poa_metrics *m, size_t *cap, const poa_metric *item) {
    if (m->count == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        poa_metric *p = realloc(m->items, n * sizeof *p);
        if (!p) {
            return -1;
        }
        m->items = p;
        *cap = n;
    }
    m->items[m->count++] = *item;
    return 0;
}

poa_status poa_metrics_compute(poa_metrics **out, const poa_case *c, const poa_data *d,
                               const poa_metrics_options *opt, poa_error *err) {
    *out = NULL;
    poa_metrics *m = calloc(1, sizeof *m);
    if (!m) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    m->as_of = opt && opt->as_of != POA_NO_DAY ? opt->as_of : c->latest_purchase;
    ctx x = {c, d, m->as_of};
    size_t cap = 0;
    static const char *const all_channels[] = {"all", "mfn", "afn"};
    static const char *const mfn_only[] = {"mfn"};
    for (size_t i = 0; i < d->nmetrics && m->as_of != POA_NO_DAY; i++) {
        const poa_metric_def *def = &d->metrics[i];
        const char *const *channels =
            def->scope == POA_SCOPE_MFN ? mfn_only : all_channels;
        size_t nch = def->scope == POA_SCOPE_MFN ? 1 : 3;
        for (size_t w = 0; w < def->nwindows; w++) {
            for (size_t k = 0; k < nch; k++) {
                poa_metric r;
                memset(&r, 0, sizeof r);
                r.def = def;
                snprintf(r.id, sizeof r.id, "%s", def->id);
                snprintf(r.channel, sizeof r.channel, "%s", channels[k]);
                r.window_days = def->windows[w];
                r.to = m->as_of - def->lag;
                r.from = r.to - r.window_days + 1;
                r.source = "data";
                tally t, prev;
                count(&x, def, channels[k], r.from, r.to, &t);
                count(&x, def, channels[k], r.from - r.window_days, r.from - 1, &prev);
                r.numerator = t.num;
                r.denominator = t.den;
                r.prev_numerator = prev.num;
                r.prev_denominator = prev.den;
                r.overdue = t.overdue;
                r.unattributed = t.unattributed;
                r.unknown_carrier = t.unknown_carrier;
                r.no_date = t.no_date;
                r.negative_feedback = t.neg_fb;
                r.claims = t.claims;
                r.chargebacks = t.chargebacks;
                r.young = t.young;
                r.immature = t.young > 0;
                r.settles_on = r.immature ? t.youngest + def->immature_days : POA_NO_DAY;
                if (t.den == 0) {
                    r.status = POA_NO_DATA;
                    r.rate = 0;
                } else {
                    r.rate = (double)t.num / (double)t.den;
                    r.status = poa_fraction_holds(def->op, t.num, t.den,
                                                  def->target_units, def->target_scale)
                                   ? POA_PASS
                                   : POA_FAIL;
                }
                if (add(m, &cap, &r) != 0) {
                    poa_metrics_free(m);
                    return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
                }
            }
        }
    }
    *out = m;
    return POA_OK;
}

void poa_metrics_free(poa_metrics *m) {
    if (!m) {
        return;
    }
    free(m->items);
    free(m);
}

const poa_metric *poa_metrics_find(const poa_metrics *m, const char *id,
                                   const char *channel, int window_days) {
    for (size_t i = 0; i < m->count; i++) {
        const poa_metric *r = &m->items[i];
        if (strcmp(r->id, id) != 0 || strcmp(r->channel, channel) != 0) {
            continue;
        }
        if (window_days == 0 ? r->window_days == r->def->windows[0]
                             : r->window_days == window_days) {
            return r;
        }
    }
    return NULL;
}

void poa_format_percent(double rate, char *out, size_t cap) {
    double pct = rate * 100.0;
    if (pct != 0 && pct < 1.0) {
        snprintf(out, cap, "%.2f %%", pct);
    } else {
        snprintf(out, cap, "%.1f %%", pct);
    }
}
