/* The metrics engine: every account-health metric per window, channel and
 * (for the primary window) product line and SKU, plus the marketplace's own
 * figures from a performance report and ours over the report's dates. */
#include "poagen/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/date.h"

enum { K_ODR, K_CR, K_LSR, K_VTR, K_OTDR, K_RDR, K_NONE };
enum { D_FB = 1, D_CLAIM = 2, D_CB = 4, D_ANY_CLAIM = 8 };

typedef struct {
    const poa_case *c;
    const poa_data *d;
    int32_t as_of;
    unsigned char *defect; /* per order: D_* bits, defects received by D */
    int32_t *return_order; /* per return: order index, -1 unknown */
} ctx;

/* What one pass over a window counts. */
typedef struct {
    long long num, den, overdue, unattributed, unknown_carrier, no_date, young;
    long long neg_fb, claims, chargebacks, defect_claims;
    long long unanswered, invalid_rejections, negative_returns;
    int32_t youngest;
} tally;

static int kind_of(const char *id) {
    static const char *const ids[] = {"odr", "cr", "lsr", "vtr", "otdr", "rdr"};
    for (int k = 0; k < K_NONE; k++) {
        if (strcmp(ids[k], id) == 0) {
            return k;
        }
    }
    return K_NONE;
}

enum { CH_ALL = POA_CH_AFN + 1, NCH = CH_ALL + 1 };

/* A channel name's poa_channel, CH_ALL for "all". Called for every order
 * of every window: the name's first letters, not the whole string. */
static inline int channel_slot(const char *ch) {
    return ch[0] == 'm' ? POA_CH_MFN : ch[0] == 'a' && ch[1] == 'f' ? POA_CH_AFN : CH_ALL;
}

static inline int in_channel(uint8_t channel, const char *ch) {
    int slot = channel_slot(ch);
    return slot == CH_ALL || channel == slot;
}

int poa_order_in_channel(const poa_order *o, const char *channel) {
    return in_channel(o->channel, channel);
}

int poa_cancel_buyer_requested(const poa_case *c, const poa_order *o) {
    if (o->cancelled_by == POA_BY_BUYER) {
        return 1;
    }
    if (o->cancelled_by == POA_BY_SELLER) {
        return 0;
    }
    /* Only when nobody is named does the reason code decide. */
    return o->cancel_reason != 0xFFFF && o->cancel_reason < c->ncancel_reasons &&
           strcmp(c->cancel_reasons[o->cancel_reason], "BuyerCanceled") == 0;
}

/* What an order adds to a metric as of D, whatever the window (the same
 * for every window of the metric, so it is worked out once): bit C_NUM
 * when it counts in the numerator (a defect, or for VTR and OTDR a
 * success), plus the kind's detail bits. ODR keeps the order's D_* bits
 * and C_YOUNG instead. */
enum { C_NUM = 1, C_DETAIL = 2, C_YOUNG = 16, NCODES = 32 };

static int code_counts(int kind, int code) {
    return kind == K_ODR ? (code & (D_FB | D_CLAIM | D_CB)) != 0 : code & C_NUM;
}

/* The order's code for this kind of metric, or -1 when it is in no
 * window's denominator; *day gets the day that puts it in a window. */
static POA_HOT_INLINE int order_code(const ctx *x, int kind, int immature_days,
                                     const poa_order *o, size_t i, int32_t *day) {
    switch (kind) {
    case K_ODR:
        /* Order-correlated: by purchase date, whatever the channel. */
        *day = o->purchase;
        if (o->purchase == POA_NO_DAY) {
            return -1;
        }
        return x->defect[i] |
               (immature_days > 0 && o->purchase > x->as_of - immature_days ? C_YOUNG
                                                                            : 0);
    case K_CR:
        *day = o->purchase;
        if (o->channel != POA_CH_MFN || o->purchase == POA_NO_DAY) {
            return -1;
        }
        if (o->status != POA_ORDER_CANCELLED || poa_cancel_buyer_requested(x->c, o)) {
            return 0;
        }
        /* Nobody named: counted as the seller's, flagged. */
        return C_NUM |
               (o->cancelled_by == POA_BY_NONE && o->cancel_reason == 0xFFFF ? C_DETAIL
                                                                             : 0);
    case K_LSR: {
        *day = o->latest_ship;
        if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
            o->latest_ship == POA_NO_DAY) {
            return -1;
        }
        int late = poa_order_late(o, x->as_of);
        if (late <= 0) {
            return late;
        }
        /* Overdue: still unconfirmed as of D. */
        return C_NUM | (o->ship == POA_NO_DAY || o->ship > x->as_of ? C_DETAIL : 0);
    }
    case K_VTR:
        *day = o->ship;
        if (o->channel != POA_CH_MFN || o->ship == POA_NO_DAY) {
            return -1;
        }
        /* An unknown carrier's number counts as valid, flagged. */
        return o->tracking == POA_TRACKING_VALID             ? C_NUM
               : o->tracking == POA_TRACKING_UNKNOWN_CARRIER ? C_NUM | C_DETAIL
                                                             : 0;
    case K_OTDR: {
        *day = o->promised_delivery;
        int late = poa_order_delivery_late(o, x->as_of);
        return late < 0 ? -1 : late ? 0 : C_NUM;
    }
    default:
        return -1;
    }
}

/* One order against one metric's window from..to: -1 outside the
 * denominator, 0 in it, 1 a defect (or, for VTR and OTDR, a success). */
static int verdict(const ctx *x, int kind, const poa_order *o, size_t i, int32_t from,
                   int32_t to) {
    int32_t day;
    int code = order_code(x, kind, 0, o, i, &day);
    return code < 0 || !poa_day_in_window(day, from, to) ? -1 : code_counts(kind, code);
}

/* A return request against the RDR window: by request date; dissatisfied
 * with negative return feedback, an invalid rejection, or no answer within
 * 48 h (date-only values: answered by the request day + 2). */
static int return_verdict(const ctx *x, size_t i, int32_t from, int32_t to, tally *t) {
    const poa_return *r = &x->c->returns[i];
    if (!poa_day_in_window(r->request, from, to) || r->request > x->as_of) {
        return -1;
    }
    int32_t due = r->request + 2;
    int answered = r->response != POA_NO_DAY && r->response <= x->as_of;
    int late = answered ? r->response > due : x->as_of > due;
    if (!answered && !late && t) {
        t->young++; /* still inside its 48 h */
        if (t->youngest == POA_NO_DAY || due + 1 > t->youngest) {
            t->youngest = due + 1;
        }
    }
    int neg = r->feedback == POA_RFB_NEGATIVE, inv = r->rejection == POA_REJECT_INVALID;
    if (t) {
        t->unanswered += late;
        t->invalid_rejections += inv;
        t->negative_returns += neg;
    }
    return late || neg || inv;
}

static uint8_t return_channel(const ctx *x, size_t i) {
    int32_t k = x->return_order[i];
    return k < 0 ? POA_CH_UNKNOWN : poa_case_order_at(x->c, (size_t)k).channel;
}

static void tally_add(tally *t, const tally *u) {
    t->num += u->num;
    t->den += u->den;
    t->overdue += u->overdue;
    t->unattributed += u->unattributed;
    t->unknown_carrier += u->unknown_carrier;
    t->no_date += u->no_date;
    t->young += u->young;
    t->neg_fb += u->neg_fb;
    t->claims += u->claims;
    t->chargebacks += u->chargebacks;
    t->defect_claims += u->defect_claims;
    t->unanswered += u->unanswered;
    t->invalid_rejections += u->invalid_rejections;
    t->negative_returns += u->negative_returns;
    if (u->youngest != POA_NO_DAY &&
        (t->youngest == POA_NO_DAY || u->youngest > t->youngest)) {
        t->youngest = u->youngest;
    }
}

/* Per SKU, then per product line: one metric's primary window, one
 * channel, counted in the same pass as the windows. */
typedef struct {
    const char *channel;
    /* One count per order and per further SKU: far below 2^32 for any case
     * that fits in memory, and half the size of 64-bit counters. */
    uint32_t *num, *den;
} per_key;

/* A report's target, when it has one for this metric. */
typedef struct {
    int found;
    poa_op op;
    double value;
    long long units;
    int scale;
} target;

/* One metric definition through the shared pass: its target, channels and
 * windows, then its counts. Window w is from[w * per]..to[w * per], the
 * one before it (for the trend; not for totals only) the next. Orders are
 * counted per window, channel slot (poa_channel) and code (order_code), so
 * an order's outcome is worked out once, not once per window: count_plans
 * turns the counts into tallies, t[w][ch] (CH_ALL the sum of the slots).
 * Window 0 is also counted per SKU and product line into pk when pk.num is
 * set. */
enum { MAXW = sizeof((poa_metric_def *)0)->windows / sizeof(int) };
typedef struct {
    const poa_metric_def *def;
    int kind;
    target tg;
    const char *const *channels;
    size_t nch, nw, per;
    int32_t from[2 * MAXW], to[2 * MAXW];
    int32_t lo, hi; /* the days all windows cover, set by count_plans */
    /* Orders per window, slot and code: 32 bits, as for pk. */
    uint32_t n[2 * MAXW][CH_ALL][NCODES];
    int32_t youngest[2 * MAXW][CH_ALL]; /* ODR: the latest young purchase */
    long long no_date[CH_ALL];          /* LSR: no latest ship day, any window */
    tally t[2 * MAXW][NCH];
    per_key pk;
} plan;

/* The day that puts an order in a window of this kind of metric. */
static POA_HOT_INLINE int32_t window_day(int kind, const poa_order *o) {
    switch (kind) {
    case K_LSR:
        return o->latest_ship;
    case K_VTR:
        return o->ship;
    case K_OTDR:
        return o->promised_delivery;
    default:
        return o->purchase;
    }
}

/* kind is the plan's, passed as a constant so that each kind gets its own
 * copy of this with the other kinds' tests gone. */
static POA_HOT_INLINE void count_order(const ctx *x, plan *p, int kind,
                                       const poa_order *o, size_t i) {
    int slot = o->channel < CH_ALL ? o->channel : POA_CH_UNKNOWN;
    /* Most orders of a long export fall outside every window: one test
     * spares them the verdict. LSR still counts the seller's live orders
     * without a latest ship day, whatever the window. */
    int32_t day = window_day(kind, o);
    if (day == POA_NO_DAY || day < p->lo || day > p->hi) {
        if (kind == K_LSR && day == POA_NO_DAY && o->channel == POA_CH_MFN &&
            o->status != POA_ORDER_CANCELLED) {
            p->no_date[slot]++;
        }
        return;
    }
    int code = order_code(x, kind, p->def->immature_days, o, i, &day);
    if (code < 0) {
        return;
    }
    const poa_case *c = x->c;
    per_key *pk = &p->pk;
    for (size_t w = 0; w < p->nw * p->per; w++) {
        if (day < p->from[w] || day > p->to[w]) {
            continue;
        }
        p->n[w][slot][code]++;
        if ((code & C_YOUNG) && day > p->youngest[w][slot]) {
            p->youngest[w][slot] = day;
        }
        if (w == 0 && pk->num && in_channel(o->channel, pk->channel)) {
            int v = code_counts(kind, code);
            if (o->sku != UINT32_MAX && o->sku < c->nskus) {
                pk->den[o->sku]++;
                pk->num[o->sku] += v;
            }
            if (o->product_line != 0xFFFF && o->product_line < c->nproduct_lines) {
                pk->den[c->nskus + o->product_line]++;
                pk->num[c->nskus + o->product_line] += v;
            }
        }
    }
}

/* A window's tally on one slot from its counts per code. */
static void tally_codes(const plan *p, size_t w, int slot, tally *t) {
    for (int code = 0; code < NCODES; code++) {
        long long n = p->n[w][slot][code];
        if (n == 0) {
            continue;
        }
        t->den += n;
        t->num += code_counts(p->kind, code) ? n : 0;
        int detail = (code & C_DETAIL) != 0;
        switch (p->kind) {
        case K_ODR:
            t->neg_fb += (code & D_FB) ? n : 0;
            t->claims += (code & D_ANY_CLAIM) ? n : 0;
            t->defect_claims += (code & D_CLAIM) ? n : 0;
            t->chargebacks += (code & D_CB) ? n : 0;
            t->young += (code & C_YOUNG) ? n : 0;
            break;
        case K_CR:
            t->unattributed += detail ? n : 0;
            break;
        case K_LSR:
            t->overdue += detail ? n : 0;
            break;
        case K_VTR:
            t->unknown_carrier += detail ? n : 0;
            break;
        default:
            break;
        }
    }
    t->youngest = t->young > 0 ? p->youngest[w][slot] : POA_NO_DAY;
    t->no_date = p->no_date[slot];
}

/* Every plan in one pass over the orders (returns for RDR): a case of
 * millions of orders is read and unpacked once, not once per metric,
 * window and channel. */
static void count_plans(const ctx *x, plan *plans, size_t n) {
    int any_orders = 0;
    for (size_t k = 0; k < n; k++) {
        plan *p = &plans[k];
        size_t nw = p->nw * p->per;
        p->lo = INT32_MAX;
        p->hi = INT32_MIN;
        memset(p->n, 0, sizeof p->n);
        memset(p->no_date, 0, sizeof p->no_date);
        for (size_t w = 0; w < nw; w++) {
            for (int ch = 0; ch < NCH; ch++) {
                memset(&p->t[w][ch], 0, sizeof p->t[w][ch]);
                p->t[w][ch].youngest = POA_NO_DAY;
            }
            for (int ch = 0; ch < CH_ALL; ch++) {
                p->youngest[w][ch] = INT32_MIN;
            }
            p->lo = p->from[w] < p->lo ? p->from[w] : p->lo;
            p->hi = p->to[w] > p->hi ? p->to[w] : p->hi;
        }
        if (p->kind == K_RDR) {
            for (size_t i = 0; i < x->c->nreturns; i++) {
                uint8_t ch = return_channel(x, i);
                for (size_t w = 0; w < nw; w++) {
                    tally *u = &p->t[w][ch];
                    int v = return_verdict(x, i, p->from[w], p->to[w], u);
                    u->den += v >= 0;
                    u->num += v > 0;
                }
            }
        } else if (p->kind != K_NONE && nw > 0) {
            any_orders = 1;
        }
    }
    const poa_case *c = x->c;
    for (size_t i = 0; any_orders && i < c->norders; i++) {
        const poa_order o = poa_case_order_at(c, i);
        for (size_t k = 0; k < n; k++) {
            plan *p = &plans[k];
            switch (p->kind) {
            case K_ODR:
                count_order(x, p, K_ODR, &o, i);
                break;
            case K_CR:
                count_order(x, p, K_CR, &o, i);
                break;
            case K_LSR:
                count_order(x, p, K_LSR, &o, i);
                break;
            case K_VTR:
                count_order(x, p, K_VTR, &o, i);
                break;
            case K_OTDR:
                count_order(x, p, K_OTDR, &o, i);
                break;
            default:
                break;
            }
        }
    }
    /* An order's further SKUs count for each of them too: one pass over
     * them for every plan's window 0. */
    int any_pk = 0;
    for (size_t k = 0; k < n; k++) {
        any_pk |= plans[k].pk.num != NULL;
    }
    for (size_t j = 0; any_pk && j < c->norder_skus; j++) {
        const poa_order_sku *os = &c->order_skus[j];
        if (os->order >= c->norders || os->sku >= c->nskus) {
            continue;
        }
        const poa_order o = poa_case_order_at(c, os->order);
        for (size_t k = 0; k < n; k++) {
            per_key *pk = &plans[k].pk;
            int v = pk->num && in_channel(o.channel, pk->channel)
                        ? verdict(x, plans[k].kind, &o, os->order, plans[k].from[0],
                                  plans[k].to[0])
                        : -1;
            if (v >= 0) {
                pk->den[os->sku]++;
                pk->num[os->sku] += (uint32_t)v;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        plan *p = &plans[k];
        for (size_t w = 0; w < p->nw * p->per; w++) {
            for (int ch = 0; ch < CH_ALL; ch++) {
                if (p->kind != K_RDR && p->kind != K_NONE) {
                    tally_codes(p, w, ch, &p->t[w][ch]);
                }
                tally_add(&p->t[w][CH_ALL], &p->t[w][ch]);
            }
        }
    }
}

static void count(const ctx *x, const poa_metric_def *def, const char *ch, int32_t from,
                  int32_t to, tally *t) {
    plan p = {.def = def, .kind = kind_of(def->id), .nw = 1, .per = 1};
    p.from[0] = from;
    p.to[0] = to;
    count_plans(x, &p, 1);
    *t = p.t[0][channel_slot(ch)];
}

/* Defects received by D, per order: an order is defective once, however
 * many defects it has. */
static int mark_defects(ctx *x) {
    const poa_case *c = x->c;
    x->defect = calloc(c->norders + 1, 1);
    x->return_order = calloc(c->nreturns + 1, sizeof *x->return_order);
    if (!x->defect || !x->return_order) {
        return -1;
    }
    int withdrawn_counts = c->marketplace && c->marketplace->withdrawn_claims_count;
    for (size_t i = 0; i < c->nfeedback; i++) {
        const poa_feedback *f = &c->feedback[i];
        size_t k = f->order;
        if (k != POA_NOT_AN_ORDER && f->rating <= 2 && !f->removed &&
            f->day <= x->as_of) {
            x->defect[k] |= D_FB;
        }
    }
    for (size_t i = 0; i < c->nclaims; i++) {
        const poa_claim *cl = &c->claims[i];
        size_t k = cl->order;
        if (k == POA_NOT_AN_ORDER || cl->day > x->as_of) {
            continue;
        }
        x->defect[k] |= D_ANY_CLAIM;
        if (cl->status != POA_CLAIM_DENIED &&
            (cl->status != POA_CLAIM_WITHDRAWN || withdrawn_counts)) {
            x->defect[k] |= D_CLAIM;
        }
    }
    for (size_t i = 0; i < c->nchargebacks; i++) {
        const poa_chargeback *cb = &c->chargebacks[i];
        size_t k = cb->order;
        if (k != POA_NOT_AN_ORDER && !cb->fraud && cb->day <= x->as_of) {
            x->defect[k] |= D_CB;
        }
    }
    for (size_t i = 0; i < c->nreturns; i++) {
        size_t k = c->returns[i].order;
        x->return_order[i] = k != POA_NOT_AN_ORDER ? (int32_t)k : -1;
    }
    return 0;
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

/* The shortest fixed-point decimal that reads back as v: its digits after
 * the point. */
static int shortest_decimals(double v) {
    char buf[64];
    for (int d = 0; d < 20; d++) {
        snprintf(buf, sizeof buf, "%.*f", d, v);
        if (strtod(buf, NULL) == v) {
            return d;
        }
    }
    return 20;
}

int poa_rate_differs(double ours, double report) {
    double half = 0.5 * pow(10.0, -shortest_decimals(report));
    return fabs(ours - report) > half * (1 + 1e-9);
}

static int op_of(const char *cond, poa_op *op) {
    if (strcmp(cond, "LESS_THAN") == 0) {
        *op = POA_OP_LT;
    } else if (strcmp(cond, "GREATER_THAN") == 0) {
        *op = POA_OP_GT;
    } else if (strcmp(cond, "EQUALS") == 0) {
        *op = POA_OP_EQ;
    } else {
        return -1;
    }
    return 0;
}

static target report_target(const poa_case *c, const char *id, const char *mkt) {
    target t = {0, POA_OP_LT, 0, 0, 0};
    for (size_t i = 0; i < c->nreport_metrics; i++) {
        const poa_report_metric *r = &c->report_metrics[i];
        if (strcmp(r->id, id) != 0 || !r->has_target || op_of(r->condition, &t.op) != 0 ||
            (mkt && r->marketplace_id[0] && strcmp(mkt, r->marketplace_id) != 0)) {
            continue;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", shortest_decimals(r->target), r->target);
        if (poa_decimal_parse(buf, &t.units, &t.scale) == 0) {
            t.found = 1;
            t.value = r->target;
            return t;
        }
    }
    return t;
}

static void fill(poa_metric *r, const tally *t, const tally *prev, int immature_days) {
    r->numerator = t->num;
    r->denominator = t->den;
    if (prev) {
        r->prev_numerator = prev->num;
        r->prev_denominator = prev->den;
    }
    r->overdue = t->overdue;
    r->unattributed = t->unattributed;
    r->unknown_carrier = t->unknown_carrier;
    r->no_date = t->no_date;
    r->negative_feedback = t->neg_fb;
    r->claims = t->claims;
    r->defect_claims = t->defect_claims;
    r->chargebacks = t->chargebacks;
    r->unanswered = t->unanswered;
    r->invalid_rejections = t->invalid_rejections;
    r->negative_returns = t->negative_returns;
    r->young = t->young;
    r->immature = t->young > 0;
    r->settles_on = POA_NO_DAY;
    if (r->immature) {
        r->settles_on =
            strcmp(r->id, "rdr") == 0 ? t->youngest : t->youngest + immature_days;
    }
}

static void judge(poa_metric *r, const target *tg) {
    if (r->denominator == 0) {
        r->status = POA_NO_DATA;
        r->rate = 0;
        return;
    }
    r->rate = (double)r->numerator / (double)r->denominator;
    r->status = poa_fraction_holds(r->target_op, r->numerator, r->denominator, tg->units,
                                   tg->scale)
                    ? POA_PASS
                    : POA_FAIL;
}

static void init_item(poa_metric *r, const poa_metric_def *def, const char *ch,
                      const target *tg) {
    memset(r, 0, sizeof *r);
    r->def = def;
    snprintf(r->id, sizeof r->id, "%s", def->id);
    snprintf(r->channel, sizeof r->channel, "%s", ch);
    r->source = "data";
    r->report_status = r->marketplace = r->report_name = "";
    r->target_op = tg->op;
    r->target_value = tg->value;
    r->settles_on = POA_NO_DAY;
}

/* Per SKU and product line for one metric's primary window: pk holds the
 * counts by each order's SKUs and its line (made with the windows). */
static int breakdown(poa_metrics *m, size_t *cap, const poa_case *c, const poa_metric *r,
                     const per_key *pk) {
    size_t nk = c->nskus + c->nproduct_lines;
    const uint32_t *num = pk->num, *den = pk->den;
    int rc = 0;
    for (size_t k = 0; k < nk && rc == 0; k++) {
        if (!den[k]) {
            continue;
        }
        if (m->nbreakdown == *cap) {
            size_t n = *cap ? *cap * 2 : 32;
            poa_breakdown *p = realloc(m->breakdown, n * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            m->breakdown = p;
            *cap = n;
        }
        poa_breakdown *b = &m->breakdown[m->nbreakdown++];
        memcpy(b->id, r->id, sizeof b->id);
        memcpy(b->channel, r->channel, sizeof b->channel);
        b->window_days = r->window_days;
        b->kind = k < c->nskus ? "sku" : "product_line";
        b->key = k < c->nskus ? c->skus[k] : c->product_lines[k - c->nskus];
        b->numerator = num[k];
        b->denominator = den[k];
        b->rate = (double)num[k] / (double)den[k];
    }
    return rc;
}

/* The marketplace's own figure, and ours over its exact dates. */
static int report_items(poa_metrics *m, size_t *cap, const ctx *x) {
    const poa_case *c = x->c;
    for (size_t i = 0; i < c->nreport_metrics; i++) {
        const poa_report_metric *rm = &c->report_metrics[i];
        const poa_metric_def *def = rm->id[0] ? poa_data_metric(x->d, rm->id) : NULL;
        if (!def) {
            continue;
        }
        target tg = {1, def->op, def->target, def->target_units, def->target_scale};
        if (rm->has_target && op_of(rm->condition, &tg.op) == 0) {
            tg.value = rm->target;
        }
        poa_metric r;
        init_item(&r, def, rm->channel, &tg);
        r.source = "report";
        r.report_status = rm->status;
        r.marketplace = rm->marketplace_id;
        r.report_name = rm->name;
        r.from = rm->from;
        r.to = rm->to;
        r.window_days =
            rm->from != POA_NO_DAY && rm->to != POA_NO_DAY && rm->to >= rm->from
                ? rm->to - rm->from + 1
                : 0;
        if (rm->has_counts) {
            r.numerator = rm->count;
            r.denominator = rm->denominator;
        }
        r.negative_feedback = rm->negative_feedback;
        r.claims = rm->claims;
        r.chargebacks = rm->chargebacks;
        if (rm->has_rate || r.denominator > 0) {
            r.rate =
                rm->has_rate ? rm->rate : (double)r.numerator / (double)r.denominator;
            r.status = poa_op_holds(tg.op, r.rate, tg.value) ? POA_PASS : POA_FAIL;
        } else {
            r.status = POA_NO_DATA;
        }
        size_t at = m->count;
        if (add(m, cap, &r) != 0) {
            return -1;
        }
        int have_data = kind_of(def->id) == K_RDR ? c->nreturns > 0 : c->norders > 0;
        if (!have_data || r.window_days == 0) {
            continue;
        }
        /* Ours over the report's exact dates, judged by the report's target. */
        poa_metric o;
        init_item(&o, def, rm->channel, &tg);
        o.from = rm->from;
        o.to = rm->to;
        o.window_days = r.window_days;
        o.marketplace = rm->marketplace_id;
        o.report_name = rm->name;
        o.report_range = 1;
        target exact = tg;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", shortest_decimals(tg.value), tg.value);
        if (poa_decimal_parse(buf, &exact.units, &exact.scale) != 0) {
            exact.units = def->target_units;
            exact.scale = def->target_scale;
        }
        tally t;
        count(x, def, rm->channel, o.from, o.to, &t);
        fill(&o, &t, NULL, def->immature_days);
        judge(&o, &exact);
        if (o.status != POA_NO_DATA && m->items[at].status != POA_NO_DATA) {
            o.differs = poa_rate_differs(o.rate, m->items[at].rate);
            m->items[at].differs = o.differs;
        }
        if (add(m, cap, &o) != 0) {
            return -1;
        }
    }
    return 0;
}

static int plan_metric(plan *p, const ctx *x, const poa_metric_def *def,
                       int totals_only) {
    static const char *const all_channels[] = {"all", "mfn", "afn"};
    static const char *const mfn_only[] = {"mfn"};
    const poa_case *c = x->c;
    const char *mkt = c->marketplace ? c->marketplace->marketplace_id : NULL;
    p->def = def;
    p->channels = def->scope == POA_SCOPE_MFN ? mfn_only : all_channels;
    p->nch = def->scope == POA_SCOPE_MFN ? 1 : 3;
    p->tg = report_target(c, def->id, mkt);
    if (!p->tg.found) {
        p->tg = (target){1, def->op, def->target, def->target_units, def->target_scale};
    }
    p->per = totals_only ? 1 : 2;
    p->nw = def->nwindows < MAXW ? (size_t)def->nwindows : MAXW;
    for (size_t w = 0; w < p->nw; w++) {
        size_t at = w * p->per;
        p->to[at] = x->as_of - def->lag;
        p->from[at] = p->to[at] - def->windows[w] + 1;
        if (p->per == 2) {
            p->to[at + 1] = p->from[at] - 1;
            p->from[at + 1] = p->from[at] - def->windows[w];
        }
    }
    p->kind = kind_of(def->id);
    p->pk.channel = p->channels[0];
    if (p->kind != K_RDR && p->kind != K_NONE && p->nw > 0 && !totals_only) {
        size_t nk = c->nskus + c->nproduct_lines;
        p->pk.num = calloc(nk + 1, sizeof *p->pk.num);
        p->pk.den = calloc(nk + 1, sizeof *p->pk.den);
        if (!p->pk.num || !p->pk.den) {
            return -1;
        }
    }
    return 0;
}

/* The items of one counted metric: each window on each channel, then the
 * breakdown of the primary window's first channel. */
static int report_metric(poa_metrics *m, size_t *cap, size_t *bcap, const ctx *x,
                         const plan *p) {
    int rc = 0;
    for (size_t w = 0; rc == 0 && w < p->nw; w++) {
        for (size_t k = 0; rc == 0 && k < p->nch; k++) {
            poa_metric r;
            init_item(&r, p->def, p->channels[k], &p->tg);
            size_t at = w * p->per;
            r.window_days = p->def->windows[w];
            r.to = p->to[at];
            r.from = p->from[at];
            int slot = channel_slot(p->channels[k]);
            fill(&r, &p->t[at][slot], p->per == 2 ? &p->t[at + 1][slot] : NULL,
                 p->def->immature_days);
            judge(&r, &p->tg);
            rc = add(m, cap, &r);
            if (rc == 0 && w == 0 && k == 0 && p->pk.num) {
                rc = breakdown(m, bcap, x->c, &r, &p->pk);
            }
        }
    }
    return rc;
}

poa_status poa_metrics_compute(poa_metrics **out, const poa_case *c, const poa_data *d,
                               const poa_metrics_options *opt, poa_error *err) {
    *out = NULL;
    poa_metrics *m = calloc(1, sizeof *m);
    if (!m) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    m->as_of = opt && opt->as_of != POA_NO_DAY ? opt->as_of : c->latest_purchase;
    if (m->as_of == POA_NO_DAY) {
        m->as_of = c->report_latest;
    }
    for (size_t i = 0; m->as_of == POA_NO_DAY && i < c->nreturns; i++) {
        m->as_of = c->returns[i].request > m->as_of ? c->returns[i].request : m->as_of;
    }
    ctx x = {c, d, m->as_of, NULL, NULL};
    int rc = mark_defects(&x) != 0 ? -1 : 0;
    size_t np = m->as_of != POA_NO_DAY ? d->nmetrics : 0;
    plan *plans = calloc(np + 1, sizeof *plans);
    rc = plans ? rc : -1;
    const int totals_only = opt && opt->totals_only;
    for (size_t i = 0; rc == 0 && i < np; i++) {
        rc = plan_metric(&plans[i], &x, &d->metrics[i], totals_only);
    }
    if (rc == 0) {
        count_plans(&x, plans, np);
    }
    size_t cap = 0, bcap = 0;
    for (size_t i = 0; rc == 0 && i < np; i++) {
        rc = report_metric(m, &cap, &bcap, &x, &plans[i]);
    }
    for (size_t i = 0; plans && i < np; i++) {
        free(plans[i].pk.num);
        free(plans[i].pk.den);
    }
    free(plans);
    if (rc == 0 && m->as_of != POA_NO_DAY) {
        rc = report_items(m, &cap, &x);
    }
    free(x.defect);
    free(x.return_order);
    if (rc != 0) {
        poa_metrics_free(m);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = m;
    return POA_OK;
}

void poa_metrics_free(poa_metrics *m) {
    if (!m) {
        return;
    }
    free(m->items);
    free(m->breakdown);
    free(m);
}

const poa_metric *poa_metrics_find(const poa_metrics *m, const char *id,
                                   const char *channel, int window_days) {
    for (size_t i = 0; i < m->count; i++) {
        const poa_metric *r = &m->items[i];
        if (strcmp(r->id, id) != 0 || strcmp(r->channel, channel) != 0 ||
            strcmp(r->source, "data") != 0 || r->report_range) {
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
