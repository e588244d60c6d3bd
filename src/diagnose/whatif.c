/* What-ifs beyond the rule table's handling time: the remedies a report
 * reader asks about next. Each follows the metrics stage's counting rules
 * for the metric it replays (SPEC "Account-health metrics"). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "poagen/date.h"
#include "diagnose/diagnose_private.h"
#include "poagen/diagnose.h"

void poa_diagnose__what_if_done(poa_what_if *w, const poa_metric *m, const char *change,
                                long long num, long long den) {
    if (change) {
        w->change = change;
    }
    w->numerator_before = m->numerator;
    w->denominator_before = m->denominator;
    w->numerator_after = num;
    w->denominator_after = den;
    w->rate_after = den ? (double)num / (double)den : 0;
}

static int weekend_day(const poa_calendar *cal, int32_t day) {
    int wd = poa_calendar_weekday(cal, day);
    return cal->m ? cal->m->weekend[wd] != 0 : wd >= 5;
}

void poa_what_if_weekend_dispatch(const poa_case *c, const poa_metric *m, int32_t as_of,
                                  poa_what_if *w) {
    long long num = 0, den = 0;
    /* Late confirmations of the window's orders fall in the months after
     * it: their days are looked up (any others are worked out). */
    poa_calendar cal;
    poa_calendar_init(&cal, c->marketplace, m->from, m->to + 130);
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        int late = poa_order_lsr_verdict(o, m->from, m->to, as_of);
        if (late < 0) {
            continue;
        }
        den++;
        if (late && o->ship != POA_NO_DAY && o->ship <= as_of) {
            int32_t saved = 0;
            for (int32_t d = o->latest_ship + 1; d <= o->ship; d++) {
                saved += weekend_day(&cal, d);
            }
            late = o->ship - saved > o->latest_ship;
        }
        num += late;
    }
    poa_calendar_free(&cal);
    poa_diagnose__what_if_done(w, m, "weekend_dispatch", num, den);
}

static int out_of_stock(const char *reason) {
    static const char *const names[] = {"NoInventory", "OutOfStock", "out of stock",
                                        "no inventory"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(reason, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

void poa_what_if_stock_synced(const poa_case *c, const poa_metric *m, poa_what_if *w) {
    long long num = 0, den = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order ord = poa_case_order_at(c, i), *o = &ord;
        if (o->channel != POA_CH_MFN || o->purchase == POA_NO_DAY ||
            o->purchase < m->from || o->purchase > m->to) {
            continue;
        }
        int cancelled = o->status == POA_ORDER_CANCELLED;
        int buyer = poa_cancel_buyer_requested(c, o);
        if (cancelled && !buyer && o->cancel_reason != 0xFFFF &&
            out_of_stock(c->cancel_reasons[o->cancel_reason])) {
            continue; /* never orderable: no order at all */
        }
        den++;
        num += cancelled && !buyer;
    }
    poa_diagnose__what_if_done(w, m, "stock_synced", num, den);
}

void poa_what_if_tracking_uploaded(const poa_case *c, const poa_metric *m,
                                   poa_what_if *w) {
    (void)c;
    poa_diagnose__what_if_done(w, m, "tracking_uploaded", m->denominator, m->denominator);
}
