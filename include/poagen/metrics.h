/* poagen — metrics stage: every account-health metric the way the
 * marketplace defines it (SPEC "Account-health metrics" and "Windows"),
 * with its numerator, denominator and window dates so a reviewer can check
 * each figure. */
#ifndef POAGEN_METRICS_H
#define POAGEN_METRICS_H

#include <stddef.h>

#include "poagen/data.h"
#include "poagen/ingest.h"

typedef enum { POA_PASS = 0, POA_FAIL = 1, POA_NO_DATA = 2 } poa_metric_status;

typedef struct {
    const poa_metric_def *def;
    char id[8];      /* odr cr lsr vtr otdr rdr */
    char channel[4]; /* all mfn afn */
    int window_days;
    int32_t from, to; /* inclusive calendar days */
    long long numerator, denominator;
    double rate; /* numerator/denominator; meaningless when status is no-data */
    poa_metric_status status;
    int immature;       /* defects can still arrive (ODR) */
    long long young;    /* orders in the window younger than the maturity age */
    int32_t settles_on; /* POA_NO_DAY when mature */
    const char *source; /* "data" (or "report" for a performance report's figure) */
    /* The same metric one window earlier, for the trend. */
    long long prev_numerator, prev_denominator;
    /* Metric-specific detail. */
    long long overdue;         /* LSR: unconfirmed after their latest ship day */
    long long unattributed;    /* CR: cancelled, nobody named: counted as the seller's */
    long long unknown_carrier; /* VTR: counted valid, flagged */
    long long no_date;         /* records that could not be placed in any window */
    long long negative_feedback, claims, chargebacks; /* ODR components */
    /* The target in force: the performance report's when it has one for
     * this metric, else the rule table's. */
    poa_op target_op;
    double target_value;
    const char *report_status; /* source "report": the report's own status; else "" */
    const char *marketplace;   /* the report's marketplaceId, "" for the case's data */
    const char *report_name;   /* the report's key ("lateShipmentRate"), or "" */
    int report_range;          /* 1: a data figure over a performance report's range */
    int differs;               /* report and data figures differ beyond rounding */
    long long unanswered, invalid_rejections, negative_returns; /* RDR detail */
    long long defect_claims; /* ODR: orders with a claim that counts as a defect */
} poa_metric;

/* Per product line or per SKU: an order counts once for each SKU or line it
 * contains, so rows do not add up to the total. */
typedef struct {
    char id[8];
    char channel[4];
    int window_days;
    const char *kind; /* "sku" or "product_line" */
    const char *key;  /* the SKU or the line, owned by the case */
    long long numerator, denominator;
    double rate;
} poa_breakdown;

typedef struct {
    int32_t as_of; /* D */
    poa_metric *items;
    size_t count;
    poa_breakdown *breakdown; /* primary window, widest channel, by denominator */
    size_t nbreakdown;
} poa_metrics;

typedef struct {
    int32_t as_of; /* POA_NO_DAY: the latest purchase date in the data */
    /* No per-SKU and per-line breakdown and no trend (prev_numerator and
     * prev_denominator stay 0): the report's daily series asks for the
     * figures of many days and needs only each window's own. */
    int totals_only;
} poa_metrics_options;

poa_status poa_metrics_compute(poa_metrics **out, const poa_case *c, const poa_data *d,
                               const poa_metrics_options *opt, poa_error *err);
void poa_metrics_free(poa_metrics *m);

/* The first result for metric id in channel ("all", "mfn") and window
 * length (0: the metric's primary window), or NULL. */
const poa_metric *poa_metrics_find(const poa_metrics *m, const char *id,
                                   const char *channel, int window_days);

/* Is a day (POA_NO_DAY: none) within from..to? */
static inline int poa_day_in_window(int32_t day, int32_t from, int32_t to) {
    return day != POA_NO_DAY && day >= from && day <= to;
}

/* The per-order tests below are inline: every stage asks them of each of
 * millions of orders. */

/* Is an order late for LSR as of day D? 1 late, 0 on time, -1 not
 * judgeable (no latest ship date, or not yet due). */
static inline int poa_order_late(const poa_order *o, int32_t as_of) {
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

/* Is a shipment late for OTDR as of day D? 1 late (delivered after its
 * promised day, or still undelivered once that day has passed), 0 on
 * time, -1 outside the metric (not a tracked, seller-fulfilled, live
 * order with a promised day) or still able to arrive on time. The window
 * (by promised day) is the caller's to test. */
static inline int poa_order_delivery_late(const poa_order *o, int32_t as_of) {
    if (o->channel != POA_CH_MFN || o->tracking == POA_TRACKING_NONE ||
        o->status == POA_ORDER_CANCELLED || o->promised_delivery == POA_NO_DAY) {
        return -1;
    }
    int delivered = o->delivery != POA_NO_DAY && o->delivery <= as_of;
    if (!delivered && o->promised_delivery >= as_of) {
        return -1; /* can still arrive on time */
    }
    return !(delivered && o->delivery <= o->promised_delivery);
}

/* Does an order belong to a result's channel ("all", "mfn", "afn")? */
int poa_order_in_channel(const poa_order *o, const char *channel);

/* One order against an LSR or OTDR window from..to, exactly as the metric
 * counts it: 1 late, 0 on time, -1 not in the denominator (for LSR: not
 * seller-fulfilled, cancelled, latest ship day outside the window or not
 * yet judgeable; for OTDR: promised day outside the window, or as
 * poa_order_delivery_late). Diagnose and the report count with these so
 * their figures add up to the metric's. */
static inline int poa_order_lsr_verdict(const poa_order *o, int32_t from, int32_t to,
                                        int32_t as_of) {
    if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
        !poa_day_in_window(o->latest_ship, from, to)) {
        return -1;
    }
    return poa_order_late(o, as_of);
}
static inline int poa_order_otdr_verdict(const poa_order *o, int32_t from, int32_t to,
                                         int32_t as_of) {
    return poa_day_in_window(o->promised_delivery, from, to)
               ? poa_order_delivery_late(o, as_of)
               : -1;
}

/* Does a figure differ from the report's rate beyond rounding: further
 * than half a unit of the last digit of the shortest decimal that reads
 * back as the report's value? */
int poa_rate_differs(double ours, double report);

/* Did the buyer ask for this cancellation with the cancel option in their
 * own account (so it leaves CR)? `cancelled-by` decides when present; only
 * when it is empty does the reason code BuyerCanceled. The one definition
 * every stage uses. */
int poa_cancel_buyer_requested(const poa_case *c, const poa_order *o);

/* Format a rate for people: "9.8 %" style with one decimal ("0.35 %"
 * below 1 % keeps two). Writes at most cap bytes. */
void poa_format_percent(double rate, char *out, size_t cap);

#endif
