/* Seller performance reports: the marketplace's own figures, read as they
 * really arrive (SPEC "Inputs", ../shared/real/). The JSON report (V2) is
 * read with its known quirks kept and described; the XML report (V1) by the
 * paths working parsers use, choosing among time frames by their dates. */
#include <jansson.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_private.h"
#include "poagen/buf.h"
#include "poagen/date.h"
#include "poagen/xmlload.h"

typedef struct {
    poa_case *c;
    const poa_data *data;
    size_t metrics_cap, statuses_cap, quirks_cap;
    int nomem;
    /* JSON: the first value of the wrong type stops the reading. */
    const char *path;
    poa_error *err;
    int bad;
    char where[192]; /* the object being read, e.g. performanceMetrics[0].lateShipmentRate
                      */
} report_ctx;

/* Larger than any real report by far; a bound so that a wrong file cannot
 * exhaust memory. */
enum { MAX_JSON_BYTES = 64 * 1024 * 1024 };

static void quirk(report_ctx *x, const char *fmt, ...) {
    poa_case *c = x->c;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < c->nreport_quirks; i++) {
        if (strcmp(c->report_quirks[i], buf) == 0) {
            return; /* the same oddity in two places is said once */
        }
    }
    if (c->nreport_quirks == x->quirks_cap) {
        size_t n = x->quirks_cap ? x->quirks_cap * 2 : 16;
        const char **q = realloc((void *)c->report_quirks, n * sizeof *q);
        if (!q) {
            x->nomem = 1;
            return;
        }
        c->report_quirks = q;
        x->quirks_cap = n;
    }
    c->report_quirks[c->nreport_quirks++] = poa_arena_strdup(c->arena, buf);
}

static poa_report_metric *new_metric(report_ctx *x, const char *mkt, const char *name,
                                     const char *id, const char *channel) {
    poa_case *c = x->c;
    if (c->nreport_metrics == x->metrics_cap) {
        size_t n = x->metrics_cap ? x->metrics_cap * 2 : 32;
        poa_report_metric *p = realloc(c->report_metrics, n * sizeof *p);
        if (!p) {
            x->nomem = 1;
            return NULL;
        }
        c->report_metrics = p;
        x->metrics_cap = n;
    }
    poa_report_metric *m = &c->report_metrics[c->nreport_metrics++];
    memset(m, 0, sizeof *m);
    m->marketplace_id = poa_arena_strdup(c->arena, mkt ? mkt : "");
    m->name = poa_arena_strdup(c->arena, name);
    m->id = id;
    m->channel = channel;
    m->from = m->to = POA_NO_DAY;
    m->condition = m->status = "";
    m->negative_feedback = m->claims = m->chargebacks = m->defects = -1;
    return m;
}

static void add_status(report_ctx *x, const char *mkt, const char *status) {
    poa_case *c = x->c;
    if (c->nreport_statuses == x->statuses_cap) {
        size_t n = x->statuses_cap ? x->statuses_cap * 2 : 8;
        poa_report_status *p = realloc(c->report_statuses, n * sizeof *p);
        if (!p) {
            x->nomem = 1;
            return;
        }
        c->report_statuses = p;
        x->statuses_cap = n;
    }
    poa_report_status *s = &c->report_statuses[c->nreport_statuses++];
    s->marketplace_id = poa_arena_strdup(c->arena, mkt ? mkt : "");
    s->status = poa_arena_strdup(c->arena, status ? status : "");
}

static int32_t report_day(const char *s) {
    int day;
    /* The report's dates are the marketplace's calendar days as written:
     * "2020-11-19T23:59Z" is 19 November, whatever the zone. */
    if (s && strlen(s) >= 10 && poa_parse_iso_day(s, 10, 0, &day, NULL) == 0) {
        return day;
    }
    return POA_NO_DAY;
}

/* Checks common to every figure once read. */
static void check_metric(report_ctx *x, poa_report_metric *m, const char *count_name,
                         const char *den_name) {
    char a[11], b[11];
    if (m->from != POA_NO_DAY && m->to != POA_NO_DAY) {
        if (m->from > m->to) {
            poa_day_format(m->from, a);
            poa_day_format(m->to, b);
            quirk(x, "%s %s: date range starts %s, after its end %s", m->marketplace_id,
                  m->name, a, b);
        }
        int32_t latest = m->from > m->to ? m->from : m->to;
        (void)latest;
        if (x->c->report_latest == POA_NO_DAY || m->to > x->c->report_latest) {
            x->c->report_latest = m->to;
        }
    }
    if (m->has_counts && m->count > m->denominator) {
        quirk(x, "%s %s: %s %lld is larger than its denominator %s %lld",
              m->marketplace_id, m->name, count_name, m->count, den_name, m->denominator);
    }
    const poa_metric_def *def = m->id[0] ? poa_data_metric(x->data, m->id) : NULL;
    if (def && m->has_target) {
        int op = strcmp(m->condition, "LESS_THAN") == 0      ? POA_OP_LT
                 : strcmp(m->condition, "GREATER_THAN") == 0 ? POA_OP_GT
                 : strcmp(m->condition, "EQUALS") == 0       ? POA_OP_EQ
                                                             : -1;
        if (op != (int)def->op || fabs(m->target - def->target) > 1e-12) {
            quirk(x,
                  "%s %s: target %s %g differs from the usual %s %g — the report's "
                  "target is used",
                  m->marketplace_id, m->name, m->condition[0] ? m->condition : "?",
                  m->target, poa_op_name(def->op), def->target);
        }
    }
    if (m->status[0] && strcmp(m->status, "GOOD") != 0 && strcmp(m->status, "BAD") != 0 &&
        strcmp(m->status, "NONE") != 0) {
        quirk(x, "%s %s: status '%s' is not one the schema lists (GOOD, BAD, NONE)",
              m->marketplace_id, m->name, m->status);
    }
}

/* ---- JSON (GET_V2_SELLER_PERFORMANCE_REPORT) ---- */

static const char *jtype(const json_t *v) {
    return json_is_object(v)    ? "an object"
           : json_is_array(v)   ? "a list"
           : json_is_string(v)  ? "a string"
           : json_is_boolean(v) ? "true or false"
                                : "a number";
}

/* A value of the wrong type is an error, never silently read as absent:
 * the figures compared with ours would quietly go missing. null is absent. */
static int jwrong(report_ctx *x, const json_t *v, const char *key, const char *want) {
    if (x->bad) {
        return 1;
    }
    x->bad = 1;
    poa_error_set(x->err, POA_ERR_PARSE, x->path, 0, 0,
                  "%s%s%s is %s where %s belongs — download the report again", x->where,
                  key && x->where[0] ? "." : "", key ? key : "", jtype(v), want);
    return 1;
}

static const json_t *jnumber(report_ctx *x, const json_t *o, const char *key) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v) || json_is_number(v)) {
        return json_is_number(v) ? v : NULL;
    }
    jwrong(x, v, key, "a number");
    return NULL;
}

static const char *jstr(const json_t *o, const char *key) {
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int jcount(report_ctx *x, const json_t *o, const char *path, long long *out) {
    char key[64];
    const json_t *v = o;
    for (const char *p = path; v && *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        if (!json_is_object(v)) {
            snprintf(key, sizeof key, "%.*s", (int)(p > path ? p - path - 1 : 0), path);
            jwrong(x, v, p > path ? key : NULL, "an object");
            return 0;
        }
        v = json_object_get(v, key);
        p += n + (dot ? 1 : 0);
    }
    if (v && !json_is_null(v) && !json_is_number(v)) {
        jwrong(x, v, path, "a number");
        return 0;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_real(v)) {
        *out = (long long)json_real_value(v);
        return 1;
    }
    return 0;
}

static int32_t jday(report_ctx *x, const json_t *range, const char *key) {
    const json_t *v = json_object_get(range, key);
    if (!v || json_is_null(v)) {
        return POA_NO_DAY;
    }
    char name[64];
    snprintf(name, sizeof name, "reportingDateRange.%s", key);
    if (!json_is_string(v)) {
        jwrong(x, v, name, "a date");
        return POA_NO_DAY;
    }
    int32_t day = report_day(json_string_value(v));
    if (day == POA_NO_DAY && !x->bad) {
        x->bad = 1;
        poa_error_set(x->err, POA_ERR_PARSE, x->path, 0, 0,
                      "%s.%s '%.40s' is not a date (YYYY-MM-DD...) — download the report "
                      "again",
                      x->where, name, json_string_value(v));
    }
    return day;
}

static void json_common(report_ctx *x, const json_t *o, poa_report_metric *m) {
    if (!json_is_object(o)) {
        jwrong(x, o, NULL, "an object");
        return;
    }
    const json_t *range = json_object_get(o, "reportingDateRange");
    if (range && !json_is_null(range) && !json_is_object(range)) {
        jwrong(x, range, "reportingDateRange", "an object");
        return;
    }
    m->from = jday(x, range, "reportingDateFrom");
    m->to = jday(x, range, "reportingDateTo");
    const char *st = jstr(o, "status");
    m->status = poa_arena_strdup(x->c->arena, st ? st : "");
    const json_t *rate = jnumber(x, o, "rate");
    if (rate) {
        m->has_rate = 1;
        m->rate = json_number_value(rate);
    }
    const json_t *tv = jnumber(x, o, "targetValue");
    if (tv) {
        m->has_target = 1;
        m->target = json_number_value(tv);
    }
    const char *cond = jstr(o, "targetCondition");
    m->condition = poa_arena_strdup(x->c->arena, cond ? cond : "");
    long long d;
    if (jcount(x, o, "defectsCount", &d)) {
        m->defects = d;
    }
}

typedef struct {
    const char *key, *schema_key; /* as found in files / as the schema spells it */
    const char *id, *count, *den;
} json_metric_def;

static const json_metric_def json_metrics[] = {
    {"lateShipmentRate", NULL, "lsr", "lateShipmentCount", "orderCount"},
    {"preFulfillmentCancellationRate", NULL, "cr", "cancellationCount", "orderCount"},
    {"prefulfillmentCancelRate", "preFulfillmentCancellationRate", "cr",
     "cancellationCount", "orderCount"},
    {"validTrackingRate", NULL, "vtr", "validTrackingCount", "shipmentCount"},
    {"onTimeDeliveryRate", NULL, "otdr", "onTimeDeliveryCount",
     "shipmentCountWithValidTracking"},
    {"unitOnTimeDeliveryRate", NULL, "", "unitOnTimeDeliveryCount", "totalUnitCount"},
    {"invoiceDefectRate", NULL, "", "invoiceDefect.count", "orderCount"},
    {"returnDissatisfactionRate", NULL, "rdr", "returnDissatisfactionCount",
     "returnCount"},
};

static const char *const policy_keys[] = {"listingPolicyViolations",
                                          "productAuthenticityCustomerComplaints",
                                          "productConditionCustomerComplaints",
                                          "productSafetyCustomerComplaints",
                                          "receivedIntellectualPropertyComplaints",
                                          "restrictedProductPolicyViolations",
                                          "suspectedIntellectualPropertyViolations",
                                          "foodAndProductSafetyIssues",
                                          "otherPolicyViolations",
                                          "documentRequests",
                                          "documentRequest",
                                          NULL};

static void json_odr(report_ctx *x, const char *mkt, const json_t *odr) {
    static const char *const chans[] = {"mfn", "afn"};
    if (!json_is_object(odr)) {
        jwrong(x, odr, NULL, "an object");
        return;
    }
    size_t len = strlen(x->where);
    for (int k = 0; k < 2; k++) {
        const json_t *b = json_object_get(odr, chans[k]);
        if (!b || json_is_null(b)) {
            continue; /* an FBA-only seller has no mfn block */
        }
        snprintf(x->where + len, sizeof x->where - len, ".%s", chans[k]);
        char name[64];
        snprintf(name, sizeof name, "orderDefectRate.%s", chans[k]);
        poa_report_metric *m = new_metric(x, mkt, name, "odr", chans[k]);
        if (!m) {
            return;
        }
        json_common(x, b, m);
        if (x->bad) {
            return;
        }
        m->has_counts = jcount(x, b, "orderWithDefects.count", &m->count) &&
                        jcount(x, b, "orderCount", &m->denominator);
        jcount(x, b, "negativeFeedback.count", &m->negative_feedback);
        jcount(x, b, "claims.count", &m->claims);
        jcount(x, b, "chargebacks.count", &m->chargebacks);
        const char *ft = jstr(b, "fulfillmentType");
        if (ft && strcasecmp(ft, chans[k]) != 0) {
            quirk(x,
                  "%s orderDefectRate.%s: fulfillmentType says '%s' (read as %s, by its "
                  "place)",
                  mkt, chans[k], ft, chans[k]);
        }
        check_metric(x, m, "orderWithDefects", "orderCount");
    }
}

static void json_marketplace(report_ctx *x, size_t index, const json_t *pm) {
    const char *mkt = jstr(pm, "marketplaceId");
    mkt = mkt ? mkt : "";
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)pm, key, v) {
        if (x->bad) {
            return;
        }
        if (strcmp(key, "marketplaceId") == 0) {
            continue;
        }
        snprintf(x->where, sizeof x->where, "performanceMetrics[%zu].%.100s", index, key);
        if (strcmp(key, "orderDefectRate") == 0) {
            json_odr(x, mkt, v);
            continue;
        }
        const json_metric_def *jd = NULL;
        for (size_t i = 0; i < sizeof json_metrics / sizeof *json_metrics; i++) {
            if (strcmp(json_metrics[i].key, key) == 0) {
                jd = &json_metrics[i];
            }
        }
        if (jd) {
            if (jd->schema_key) {
                quirk(x, "%s: key '%s' where the schema says '%s' (read as the same)",
                      mkt, key, jd->schema_key);
            }
            poa_report_metric *m =
                new_metric(x, mkt, jd->schema_key ? jd->schema_key : key, jd->id,
                           jd->id[0] && strcmp(jd->id, "rdr") != 0 ? "mfn" : "all");
            if (!m) {
                return;
            }
            json_common(x, v, m);
            m->has_counts = jcount(x, v, jd->count, &m->count) &&
                            jcount(x, v, jd->den, &m->denominator);
            check_metric(x, m, jd->count, jd->den);
            continue;
        }
        if (strcmp(key, "warningStates") == 0 || strcmp(key, "warningState") == 0) {
            if (strcmp(key, "warningState") == 0) {
                quirk(x,
                      "%s: key 'warningState' where the schema says 'warningStates' "
                      "(read as the same)",
                      mkt);
            }
            size_t i;
            const json_t *w;
            json_array_foreach(v, i, w) {
                const char *type = jstr(w, "warningType");
                char name[160];
                snprintf(name, sizeof name, "warningStates.%s", type ? type : "?");
                poa_report_metric *m = new_metric(x, mkt, name, "", "all");
                if (!m) {
                    return;
                }
                const char *st = jstr(w, "status");
                m->status = poa_arena_strdup(x->c->arena, st ? st : "");
                check_metric(x, m, "", "");
            }
            continue;
        }
        if (strcmp(key, "accountHealthRating") == 0) {
            poa_report_metric *m = new_metric(x, mkt, key, "", "all");
            if (!m) {
                return;
            }
            json_common(x, v, m);
            const char *st = jstr(v, "accountHealthRatingStatus");
            if (!st && (st = jstr(v, "ahrStatus")) != NULL) {
                quirk(x,
                      "%s accountHealthRating: key 'ahrStatus' where the schema says "
                      "'accountHealthRatingStatus' (read as the same)",
                      mkt);
            }
            m->status = poa_arena_strdup(x->c->arena, st ? st : "");
            if (st && strcmp(st, "GREAT") != 0 && strcmp(st, "WARNED") != 0) {
                quirk(x, "%s accountHealthRating: status '%s' is not GREAT or WARNED",
                      mkt, st);
            }
            if (m->from != POA_NO_DAY && m->from > m->to) {
                check_metric(x, m, "", "");
            } else if (m->to != POA_NO_DAY && (x->c->report_latest == POA_NO_DAY ||
                                               m->to > x->c->report_latest)) {
                x->c->report_latest = m->to;
            }
            continue;
        }
        int policy = 0;
        for (size_t i = 0; policy_keys[i]; i++) {
            policy |= strcmp(policy_keys[i], key) == 0;
        }
        if (policy || (json_is_object(v) && json_object_get(v, "defectsCount"))) {
            const char *name = key;
            if (strcmp(key, "documentRequest") == 0) {
                quirk(x,
                      "%s: key 'documentRequest' where the schema says "
                      "'documentRequests' (read as the same)",
                      mkt);
                name = "documentRequests";
            }
            poa_report_metric *m = new_metric(x, mkt, name, "", "all");
            if (!m) {
                return;
            }
            json_common(x, v, m);
            check_metric(x, m, "", "");
            continue;
        }
        quirk(x, "%s: key '%s' is not in the schema (ignored)", mkt, key);
    }
}

poa_status poa_ingest__perf_json(poa_case *c, const char *path, const poa_data *data,
                                 int *recognised, poa_error *err) {
    *recognised = 0;
    poa_buf raw = POA_BUF_INIT;
    poa_status rs = poa_buf_read_file(&raw, path, MAX_JSON_BYTES, err);
    if (rs != POA_OK) {
        poa_buf_free(&raw);
        return rs;
    }
    /* A UTF-8 BOM (a report saved again by an editor) is not JSON's. */
    size_t skip = raw.len >= 3 && memcmp(raw.data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    json_error_t je;
    json_t *root = json_loadb(raw.data + skip, raw.len - skip, JSON_DECODE_ANY, &je);
    poa_buf_free(&raw);
    if (!root) {
        return poa_error_set(err, POA_ERR_PARSE, path,
                             (unsigned)(je.line > 0 ? je.line : 1),
                             (unsigned)(je.column > 0 ? je.column : 1),
                             "not valid JSON: %s — download the report again", je.text);
    }
    const json_t *statuses = json_object_get(root, "accountStatuses");
    const json_t *perf = json_object_get(root, "performanceMetrics");
    if (!statuses && !perf) {
        json_decref(root);
        return POA_OK; /* some other JSON file */
    }
    *recognised = 1;
    report_ctx x = {
        c, data, c->nreport_metrics, c->nreport_statuses, c->nreport_quirks, 0, path, err,
        0, ""};
    if (statuses && !json_is_null(statuses) && !json_is_array(statuses)) {
        jwrong(&x, statuses, "accountStatuses", "a list");
    } else if (perf && !json_is_null(perf) && !json_is_array(perf)) {
        jwrong(&x, perf, "performanceMetrics", "a list");
    }
    size_t i;
    const json_t *v;
    json_array_foreach(statuses, i, v) {
        if (x.bad) {
            break;
        }
        const char *mkt = jstr(v, "marketplaceId"), *st = jstr(v, "status");
        add_status(&x, mkt, st);
        if (st && strcmp(st, "NORMAL") != 0 && strcmp(st, "AT_RISK") != 0 &&
            strcmp(st, "DEACTIVATED") != 0) {
            quirk(&x,
                  "%s: account status '%s' is not one the schema lists (NORMAL, AT_RISK, "
                  "DEACTIVATED)",
                  mkt ? mkt : "?", st);
        }
    }
    json_array_foreach(perf, i, v) {
        if (x.bad) {
            break;
        }
        if (!json_is_object(v)) {
            snprintf(x.where, sizeof x.where, "performanceMetrics[%zu]", i);
            jwrong(&x, v, NULL, "an object");
            break;
        }
        json_marketplace(&x, i, v);
    }
    json_decref(root);
    if (x.bad) {
        return POA_ERR_PARSE;
    }
    if (x.nomem) {
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return POA_OK;
}

/* ---- XML (GET_V1_SELLER_PERFORMANCE_REPORT) ---- */

static xmlNodePtr xpath1(xmlNodePtr n, const char *path) {
    char name[64];
    for (const char *p = path; n && *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        n = poa_xml_child(n, name);
        p += len + (slash ? 1 : 0);
    }
    return n;
}

/* A number or rate as V1 writes it: "12", "3.5", "3,5", "3.5%" (a
 * percentage, returned as a fraction). */
static int xml_number(xmlNodePtr n, const char *path, double *out) {
    n = xpath1(n, path);
    xmlChar *t = n ? poa_xml_text(n) : NULL;
    if (!t) {
        return 0;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%s", (const char *)t);
    xmlFree(t);
    int pct = 0;
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == ' ' || buf[len - 1] == '%')) {
        pct |= buf[len - 1] == '%';
        buf[--len] = '\0';
    }
    for (char *p = buf; *p; p++) {
        *p = *p == ',' ? '.' : *p;
    }
    char *end;
    double v = strtod(buf, &end);
    if (end == buf || *end) {
        return 0;
    }
    *out = pct ? v / 100.0 : v;
    return 1;
}

static int32_t xml_day(xmlNodePtr n, const char *path) {
    n = xpath1(n, path);
    xmlChar *t = n ? poa_xml_text(n) : NULL;
    int32_t d = report_day(t ? (const char *)t : NULL);
    xmlFree(t);
    return d;
}

/* Of a list of time frames, the one ending last; among those, the one
 * whose length is nearest the metric's usual window. */
static xmlNodePtr choose_frame(xmlNodePtr list, const char *item, int window) {
    xmlNodePtr best = NULL;
    int32_t best_end = POA_NO_DAY;
    int best_gap = 0;
    for (xmlNodePtr n = poa_xml_child(list, item); n; n = poa_xml_next(n, item)) {
        int32_t s = xml_day(n, "timeFrame/start"), e = xml_day(n, "timeFrame/end");
        int gap = s == POA_NO_DAY || e == POA_NO_DAY ? 1 << 20 : abs(e - s + 1 - window);
        if (!best || e > best_end || (e == best_end && gap < best_gap)) {
            best = n;
            best_end = e;
            best_gap = gap;
        }
    }
    return best;
}

static int primary_window(const poa_data *d, const char *id) {
    const poa_metric_def *def = poa_data_metric(d, id);
    return def ? def->windows[0] : 30;
}

static void xml_figure(report_ctx *x, const char *mkt, xmlNodePtr frame, const char *name,
                       const char *id, const char *channel, const char *count_path,
                       const char *rate_path, const char *den_path) {
    if (!frame || (!xpath1(frame, count_path) && !xpath1(frame, rate_path))) {
        return;
    }
    poa_report_metric *m = new_metric(x, mkt, name, id, channel);
    if (!m) {
        return;
    }
    m->from = xml_day(frame, "timeFrame/start");
    m->to = xml_day(frame, "timeFrame/end");
    double v;
    if (xml_number(frame, rate_path, &v)) {
        m->has_rate = 1;
        m->rate = v;
    }
    double cnt, den;
    if (xml_number(frame, count_path, &cnt) && den_path &&
        xml_number(frame, den_path, &den)) {
        m->has_counts = 1;
        m->count = (long long)cnt;
        m->denominator = (long long)den;
    }
    check_metric(x, m, count_path, den_path ? den_path : "");
}

poa_status poa_ingest__perf_xml(poa_case *c, const char *path, const poa_data *data,
                                int *recognised, poa_error *err) {
    *recognised = 0;
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, path, NULL, err);
    if (st != POA_OK) {
        return st;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || (strcmp((const char *)root->name, "sellerPerformanceReports") != 0 &&
                  strcmp((const char *)root->name, "sellerPerformanceReport") != 0)) {
        xmlFreeDoc(doc);
        return POA_OK;
    }
    *recognised = 1;
    report_ctx x = {
        c, data, c->nreport_metrics, c->nreport_statuses, c->nreport_quirks, 0, path, err,
        0, ""};
    int single = strcmp((const char *)root->name, "sellerPerformanceReport") == 0;
    for (xmlNodePtr rep = single ? root : poa_xml_child(root, "sellerPerformanceReport");
         rep; rep = single ? NULL : poa_xml_next(rep, "sellerPerformanceReport")) {
        xmlChar *mk = xmlGetProp(rep, BAD_CAST "marketplaceId");
        if (!mk && xpath1(rep, "marketplaceId")) {
            mk = poa_xml_text(xpath1(rep, "marketplaceId"));
        }
        char mkt[64];
        snprintf(mkt, sizeof mkt, "%s", mk ? (const char *)mk : "");
        xmlFree(mk);
        xmlNodePtr od = xpath1(rep, "orderDefects");
        xmlNodePtr f =
            choose_frame(od, "orderDefectMetrics", primary_window(data, "odr"));
        if (f) {
            xmlNodePtr ft = xpath1(f, "fulfillmentType");
            xmlChar *t = ft ? poa_xml_text(ft) : NULL;
            const char *ch = t && strcasecmp((const char *)t, "afn") == 0   ? "afn"
                             : t && strcasecmp((const char *)t, "mfn") == 0 ? "mfn"
                                                                            : "all";
            xmlFree(t);
            poa_report_metric *m = new_metric(&x, mkt, "orderDefectRate", "odr", ch);
            if (m) {
                m->from = xml_day(f, "timeFrame/start");
                m->to = xml_day(f, "timeFrame/end");
                double v;
                if (xml_number(f, "orderWithDefects/rate", &v)) {
                    m->has_rate = 1;
                    m->rate = v;
                }
                double cnt, den;
                if (xml_number(f, "orderWithDefects/count", &cnt) &&
                    xml_number(f, "orderCount", &den)) {
                    m->has_counts = 1;
                    m->count = (long long)cnt;
                    m->denominator = (long long)den;
                }
                if (xml_number(f, "negativeFeedbacks/count", &v)) {
                    m->negative_feedback = (long long)v;
                }
                if (xml_number(f, "a_z_claims/count", &v)) {
                    m->claims = (long long)v;
                }
                if (xml_number(f, "chargebacks/count", &v)) {
                    m->chargebacks = (long long)v;
                }
                check_metric(&x, m, "orderWithDefects", "orderCount");
            }
        }
        xmlNodePtr ce = xpath1(rep, "customerExperience");
        f = choose_frame(ce, "customerExperienceMetrics", primary_window(data, "lsr"));
        xml_figure(&x, mkt, f, "lateShipmentRate", "lsr", "mfn", "lateShipment/count",
                   "lateShipment/rate", "orderCount");
        f = choose_frame(ce, "customerExperienceMetrics", primary_window(data, "cr"));
        xml_figure(&x, mkt, f, "preFulfillmentCancellationRate", "cr", "mfn",
                   "preFulfillmentCancellation/count", "preFulfillmentCancellation/rate",
                   "orderCount");
        xmlNodePtr rd = xpath1(rep, "returnDissatisfaction");
        f = choose_frame(rd, "returnDissatisfactionMetrics", primary_window(data, "rdr"));
        xml_figure(&x, mkt, f, "returnDissatisfactionRate", "rdr", "all",
                   "returnDissatisfaction/count", "returnDissatisfaction/rate",
                   "returnCount");
        xmlNodePtr ti = xpath1(rep, "trackingInformation");
        f = choose_frame(ti, "trackingMetrics", primary_window(data, "vtr"));
        xml_figure(&x, mkt, f, "validTrackingRate", "vtr", "mfn", "validTracking/count",
                   "validTracking/rate", "shipmentCount");
        xml_figure(&x, mkt, f, "onTimeDeliveryRate", "otdr", "mfn",
                   "onTimeDelivery/count", "onTimeDelivery/rate", "shipmentCount");
        xmlNodePtr pc = xpath1(rep, "performanceChecklist");
        for (xmlNodePtr n = poa_xml_child(pc, NULL); n; n = poa_xml_next(n, NULL)) {
            xmlNodePtr s = poa_xml_child(n, "status");
            xmlChar *t = s ? poa_xml_text(s) : NULL;
            if (!t) {
                continue;
            }
            poa_report_metric *m = new_metric(&x, mkt, (const char *)n->name, "", "all");
            if (m) {
                m->status = poa_arena_strdup(c->arena, (const char *)t);
            }
            xmlFree(t);
        }
    }
    xmlFreeDoc(doc);
    if (x.nomem) {
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return POA_OK;
}
