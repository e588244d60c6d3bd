/* poagen — ingest stage: a case folder (exports + case.xml) becomes a
 * poa_case. Report types are recognised by their header, not their name.
 * Orders are stored compactly and once, however many item rows or repeats
 * the export holds. */
#ifndef POAGEN_INGEST_H
#define POAGEN_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/arena.h"
#include "poagen/data.h"
#include "poagen/date.h"
#include "poagen/error.h"

typedef enum { POA_CH_UNKNOWN = 0, POA_CH_MFN = 1, POA_CH_AFN = 2 } poa_channel;

typedef enum {
    POA_ORDER_OTHER = 0,
    POA_ORDER_PENDING,
    POA_ORDER_UNSHIPPED, /* also "Partially shipped" until confirmed */
    POA_ORDER_SHIPPED,
    POA_ORDER_CANCELLED
} poa_order_status;

typedef enum { POA_BY_NONE = 0, POA_BY_SELLER, POA_BY_BUYER } poa_cancelled_by;

typedef enum {
    POA_TRACKING_NONE = 0,       /* no tracking number */
    POA_TRACKING_VALID,          /* matches its carrier's format */
    POA_TRACKING_INVALID,        /* a known carrier, wrong format */
    POA_TRACKING_UNKNOWN_CARRIER /* counted valid, flagged */
} poa_tracking;

/* One order, however many item rows it spans. Days are calendar days in
 * the case's time zone (see date.h); POA_NO_DAY when the export is empty. */
typedef struct {
    uint64_t id; /* 408-4870009-9733125 packed as 408487000997331 25 digits */
    int32_t purchase;
    int32_t latest_ship;
    int32_t ship; /* ship confirmation */
    int32_t first_scan;
    int32_t promised_delivery;
    int32_t delivery;
    uint32_t sku;           /* first SKU, index into poa_case.skus (UINT32_MAX: none) */
    uint16_t product_line;  /* index into poa_case.product_lines, 0xFFFF: none */
    uint16_t carrier;       /* index into poa_case.carriers, 0xFFFF: none */
    uint16_t cancel_reason; /* index into poa_case.cancel_reasons, 0xFFFF: none */
    uint8_t channel;        /* poa_channel */
    uint8_t status;         /* poa_order_status */
    uint8_t cancelled_by;   /* poa_cancelled_by */
    uint8_t tracking;       /* poa_tracking */
} poa_order;

/* A record whose order is not in the case's orders. */
#define POA_NOT_AN_ORDER UINT32_MAX

typedef struct {
    uint64_t order_id;
    uint32_t order; /* its position in the orders, POA_NOT_AN_ORDER when absent */
    int32_t day;
    uint8_t rating; /* 1..5 */
    uint8_t removed;
    const char *comment;
    unsigned long line;
} poa_feedback;

typedef enum {
    POA_CLAIM_OPEN = 0,
    POA_CLAIM_GRANTED,
    POA_CLAIM_DENIED,
    POA_CLAIM_WITHDRAWN
} poa_claim_status;

/* An A-to-z Guarantee claim (claims file or claim- columns of the orders). */
typedef struct {
    uint64_t order_id;
    uint32_t order; /* its position in the orders, POA_NOT_AN_ORDER when absent */
    int32_t day;
    uint8_t status;  /* poa_claim_status */
    uint16_t reason; /* index into poa_case.reasons, 0xFFFF: none */
    unsigned long line;
} poa_claim;

/* A credit-card chargeback; fraud chargebacks never count for ODR. */
typedef struct {
    uint64_t order_id;
    uint32_t order; /* its position in the orders, POA_NOT_AN_ORDER when absent */
    int32_t day;
    uint8_t fraud;   /* 1 fraud, 0 service */
    uint16_t reason; /* index into poa_case.reasons, 0xFFFF: none */
    unsigned long line;
} poa_chargeback;

typedef enum { POA_REJECT_NONE = 0, POA_REJECT_VALID, POA_REJECT_INVALID } poa_rejection;
typedef enum { POA_RFB_NONE = 0, POA_RFB_NEGATIVE, POA_RFB_POSITIVE } poa_return_feedback;

/* A return request (returns flat file or return- columns of the orders). */
typedef struct {
    uint64_t order_id;
    uint32_t order;    /* its position in the orders, POA_NOT_AN_ORDER when absent */
    int32_t request;   /* return request day */
    int32_t response;  /* the seller's answer, POA_NO_DAY when none */
    uint32_t sku;      /* index into poa_case.skus, UINT32_MAX: none */
    uint16_t reason;   /* index into poa_case.reasons, 0xFFFF: none */
    uint8_t rejection; /* poa_rejection */
    uint8_t feedback;  /* poa_return_feedback */
    unsigned long line;
} poa_return;

/* One figure of a seller performance report (JSON V2 or XML V1). */
typedef struct {
    const char *marketplace_id; /* "" when the report does not say */
    const char *name;           /* the report's own key, e.g. "lateShipmentRate" */
    const char *id;             /* odr cr lsr vtr otdr rdr, or "" (policy, other) */
    const char *channel;        /* all mfn afn */
    int32_t from, to;           /* the report's date range (as written, maybe reversed) */
    int has_counts;
    long long count, denominator; /* defects/successes and their base */
    int has_rate;
    double rate;
    int has_target;
    double target;
    const char *condition; /* LESS_THAN, GREATER_THAN, EQUALS, "" */
    const char *status;    /* GOOD BAD NONE ... as written, "" when absent */
    long long negative_feedback, claims, chargebacks; /* ODR components, -1: absent */
    long long defects;                                /* policy: defectsCount, -1 */
} poa_report_metric;

typedef struct {
    const char *marketplace_id;
    const char *status; /* NORMAL AT_RISK DEACTIVATED SUSPENDED ... as written */
} poa_report_status;

/* How an order is kept: five words instead of poa_order's 48 bytes, so a
 * case holds millions of orders in little memory. Read one with
 * poa_case_order_at. The id takes w[0] (low) and w[1] (high); then
 *   w[2]: first SKU (24 bits, all ones: none) | carrier (5 bits, 31: none)
 *         | tracking (2 bits) | spilled (1 bit)
 *   w[3]: purchase day (16 bits, 0xFFFF: none) | latest ship (7) | ship (7)
 *         | channel (2)
 *   w[4]: first scan (7) | promised delivery (7) | delivery (7)
 *         | product line (6 bits, 63: none) | status (3) | cancelled by (2)
 * The other days are 7-bit offsets from the purchase day (day - purchase
 * + POA_REC_DAY_BIAS, 127: none). An order that does not fit — a day more
 * than 118 days after its purchase, a 31st carrier, a 63rd product line, a
 * cancel reason — is "spilled": kept whole in a side table. */
typedef struct {
    uint32_t w[5];
} poa_order_rec;

#define POA_REC_NO_SKU 0xFFFFFFu
#define POA_REC_NO_CARRIER 31u
#define POA_REC_NO_LINE 63u
#define POA_REC_NO_PURCHASE 0xFFFFu
#define POA_REC_NO_REL 127u
#define POA_REC_DAY_BIAS 8
#define POA_REC_SPILLED 0x80000000u

/* An order's SKU beyond its first (orders with several items). */
typedef struct {
    uint32_t order; /* index into poa_case.orders */
    uint32_t sku;
} poa_order_sku;

typedef struct {
    const char *name, *value;
} poa_fact;

typedef struct {
    const char *text, *file;
    int32_t date; /* POA_NO_DAY when none */
    /* The rule evidence texts this item answers, "cause_id.N" (N: the
     * text's 1-based place in the cause's evidence list); NULL-terminated,
     * empty when the item names none. */
    const char **answers;
    size_t nanswers;
} poa_evidence_item;

/* A figure the notice quoted, as case.xml records it. */
typedef struct {
    const char *metric; /* odr cr lsr ... */
    double rate;        /* a fraction */
    const char *text;   /* the rate as written, for its rounding */
} poa_case_figure;

/* What a marketplace reply to an appeal asks for (case.xml reply/@kind). */
enum {
    POA_REPLY_MORE_ROOT_CAUSE = 1,
    POA_REPLY_MORE_ACTIONS = 2,
    POA_REPLY_MORE_PREVENTION = 4,
    POA_REPLY_DOCUMENTS = 8,
    POA_REPLY_REJECTED = 16,
    POA_REPLY_REINSTATED = 32
};

/* The POA_REPLY_* bit of one kind as case.xml writes it ("documents",
 * "more-actions", ...), or 0 when the word is not a kind. */
unsigned poa_reply_kind(const char *word, size_t len);

typedef struct {
    int32_t date;   /* POA_NO_DAY when none */
    unsigned kinds; /* POA_REPLY_* bits */
    const char *text;
} poa_reply;

/* What the seller states in case.xml. */
typedef struct {
    int present;
    const char *seller_name, *store, *merchant_token, *email;
    const char *marketplace; /* as written */
    const char *language;    /* "" when not given */
    const char *account_status;
    int32_t notice_date;
    const char *notice_case_id, *notice_text;
    const char **notice_causes;
    size_t nnotice_causes;
    poa_fact *facts;
    size_t nfacts;
    poa_evidence_item *evidence;
    size_t nevidence;
    const char *signature_name, *signature_title;
    /* Decoded from the notice by poagen init (all optional). */
    int32_t notice_deadline;   /* POA_NO_DAY when none */
    const char *notice_action; /* "" when not given */
    poa_case_figure *notice_figures;
    size_t nnotice_figures;
    const char **notice_asks;
    size_t nnotice_asks;
    poa_reply *replies; /* oldest first */
    size_t nreplies;
} poa_case_info;

/* One input file as `poagen inspect` shows it. */
typedef struct {
    const char *path;
    const char *type; /* orders, feedback, case, ... */
    const char *encoding;
    char delimiter;
    unsigned long long rows, quoted_fields, blank_lines, duplicates;
    int32_t first_day, last_day;
    unsigned long long short_rows; /* rows with trailing fields missing (read as empty) */
    unsigned long long skipped;    /* rows not used, see skip_reason */
    const char *skip_reason;       /* why (the first reason met), or NULL */
} poa_input_file;

typedef struct {
    poa_arena *arena;
    const char *dir;
    poa_case_info info;
    const poa_marketplace *marketplace; /* NULL: UTC, English, CP1252 */
    poa_order_rec *order_recs;          /* read with poa_case_order_at */
    size_t norders;
    void *spilled; /* private: orders kept whole (see poa_order_rec) */
    poa_order_sku *order_skus;
    size_t norder_skus;
    poa_feedback *feedback;
    size_t nfeedback;
    const char **skus;
    size_t nskus;
    const char **product_lines;
    size_t nproduct_lines;
    const char **carriers;
    size_t ncarriers;
    const char **cancel_reasons;
    size_t ncancel_reasons;
    poa_input_file *files;
    size_t nfiles;
    int32_t latest_purchase; /* POA_NO_DAY when no orders */
    poa_claim *claims;
    size_t nclaims;
    poa_chargeback *chargebacks;
    size_t nchargebacks;
    poa_return *returns;
    size_t nreturns;
    const char **reasons; /* claim, chargeback and return reasons */
    size_t nreasons;
    /* Seller performance reports, all marketplaces they cover. */
    poa_report_status *report_statuses;
    size_t nreport_statuses;
    poa_report_metric *report_metrics;
    size_t nreport_metrics;
    const char **report_quirks; /* each oddity found, in words */
    size_t nreport_quirks;
    int32_t report_latest; /* the latest reportingDateTo, POA_NO_DAY when none */
} poa_case;

typedef struct {
    const char *marketplace; /* --marketplace, or NULL */
    const char *encoding;    /* --encoding, or NULL to detect */
    int quoting;             /* 0 auto, 1 none, 2 rfc4180 (--quoting) */
    const poa_warner *warner;
} poa_ingest_options;

/* Read a case folder, or a single file treated as a folder holding only
 * it. On error nothing is returned and err names file, line and column. */
poa_status poa_case_load(poa_case **out, const char *path, const poa_data *data,
                         const poa_ingest_options *opt, poa_error *err);
void poa_case_free(poa_case *c);

/* A spilled order (see poa_order_rec); poa_case_order_at calls it. */
poa_order poa_case_spilled_order(const poa_case *c, size_t i);

/* Inlined even where the compiler would not: metrics, diagnose and the
 * report's daily series read every order of a case many times over. */
#if defined(__GNUC__)
#define POA_HOT_INLINE inline __attribute__((always_inline))
#else
#define POA_HOT_INLINE inline
#endif

static POA_HOT_INLINE int32_t poa_rec_day_(uint32_t purchase, uint32_t rel) {
    return purchase == POA_REC_NO_PURCHASE || rel == POA_REC_NO_REL
               ? POA_NO_DAY
               : (int32_t)purchase + (int32_t)rel - POA_REC_DAY_BIAS;
}

/* The order at position i < c->norders. */
static POA_HOT_INLINE poa_order poa_case_order_at(const poa_case *c, size_t i) {
    const poa_order_rec *r = &c->order_recs[i];
    uint32_t w2 = r->w[2], w3 = r->w[3], w4 = r->w[4];
    if (w2 & POA_REC_SPILLED) {
        return poa_case_spilled_order(c, i);
    }
    poa_order o;
    uint32_t p = w3 & 0xFFFFu, sku = w2 & POA_REC_NO_SKU, car = w2 >> 24 & 31u;
    uint32_t line = w4 >> 21 & 63u;
    o.id = (uint64_t)r->w[1] << 32 | r->w[0];
    o.purchase = p == POA_REC_NO_PURCHASE ? POA_NO_DAY : (int32_t)p;
    o.latest_ship = poa_rec_day_(p, w3 >> 16 & 127u);
    o.ship = poa_rec_day_(p, w3 >> 23 & 127u);
    o.first_scan = poa_rec_day_(p, w4 & 127u);
    o.promised_delivery = poa_rec_day_(p, w4 >> 7 & 127u);
    o.delivery = poa_rec_day_(p, w4 >> 14 & 127u);
    o.sku = sku == POA_REC_NO_SKU ? UINT32_MAX : sku;
    o.product_line = line == POA_REC_NO_LINE ? 0xFFFF : (uint16_t)line;
    o.carrier = car == POA_REC_NO_CARRIER ? 0xFFFF : (uint16_t)car;
    o.cancel_reason = 0xFFFF;
    o.channel = (uint8_t)(w3 >> 30);
    o.status = (uint8_t)(w4 >> 27 & 7u);
    o.cancelled_by = (uint8_t)(w4 >> 30);
    o.tracking = (uint8_t)(w2 >> 29 & 3u);
    return o;
}

/* A fact from case.xml, or NULL. */
const char *poa_case_fact(const poa_case *c, const char *name);

/* A date as the case's files write it: ISO 8601 (with or without time and
 * offset) or the marketplace's local day format. Returns 0, -1 when not a
 * date (*col: 1-based offset of the first bad character), -2 when
 * ambiguous (day/month order unknown without a marketplace). */
int poa_case_parse_day(const poa_case *c, const char *s, size_t n, int *day,
                       unsigned *col);

/* Pack "408-4870009-9733125" (any 17 digits with dashes) into 64 bits;
 * 0 when the text is not such an id. */
uint64_t poa_order_id_pack(const char *s, size_t n);
/* Unpack into "NNN-NNNNNNN-NNNNNNN" (20 bytes with NUL). */
void poa_order_id_format(uint64_t id, char out[20]);

#endif
