#include "poagen/diagnose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Late shipments: handling time, weekday clustering, late confirmation
 * of parcels that left on time, and the SKU behind most late orders. */
static void lsr_drivers(const poa_case *c, const poa_data *d, const poa_metric *m,
                        int32_t as_of, poa_figures *f) {
    long long late = 0, short_late = 0, weekend_late = 0, weekend_all = 0,
              confirm_late = 0;
    long long by_weekday[7] = {0};
    long long *by_sku = calloc(c->nskus ? c->nskus : 1, sizeof *by_sku);
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order *o = &c->orders[i];
        if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
            o->latest_ship == POA_NO_DAY || o->latest_ship < m->from ||
            o->latest_ship > m->to) {
            continue;
        }
        int is_late = poa_order_late(o, as_of);
        if (is_late < 0) {
            continue;
        }
        int wd = poa_day_weekday(o->purchase);
        int weekendish = wd >= 4; /* Friday to Sunday */
        weekend_all += weekendish;
        if (!is_late) {
            continue;
        }
        late++;
        by_weekday[wd]++;
        weekend_late += weekendish;
        int handling =
            poa_business_days_between(c->marketplace, o->purchase, o->latest_ship);
        short_late += handling <= d->short_handling_days;
        if (o->ship != POA_NO_DAY && o->first_scan != POA_NO_DAY &&
            o->first_scan <= o->latest_ship) {
            confirm_late++;
        }
        if (by_sku && o->sku != UINT32_MAX) {
            by_sku[o->sku]++;
        }
    }
    put(f, "late", (double)late, 1);
    put(f, "overdue", (double)m->overdue, 1);
    put(f, "short_handling_days", d->short_handling_days, 1);
    put(f, "short_late", (double)short_late, 1);
    put(f, "short_handling_share", ratio(short_late, late), 0);
    put(f, "weekend_late", (double)weekend_late, 1);
    put(f, "weekend_share", ratio(weekend_late, late), 0);
    double base = ratio(weekend_all, m->denominator);
    put(f, "weekend_lift", base > 0 ? ratio(weekend_late, late) / base : 0, 0);
    put(f, "late_confirmation", (double)confirm_late, 1);
    put(f, "late_confirmation_share", ratio(confirm_late, late), 0);
    static const char *const wd_names[7] = {"late_mon", "late_tue", "late_wed",
                                            "late_thu", "late_fri", "late_sat",
                                            "late_sun"};
    for (int k = 0; k < 7; k++) {
        put(f, wd_names[k], (double)by_weekday[k], 1);
    }
    if (by_sku) {
        size_t top = 0;
        for (size_t k = 1; k < c->nskus; k++) {
            if (by_sku[k] > by_sku[top]) {
                top = k;
            }
        }
        if (c->nskus && by_sku[top] > 0) {
            put_text(f, "top_sku", c->skus[top]);
            put(f, "top_sku_late", (double)by_sku[top], 1);
        }
        free(by_sku);
    }
}

/* Replay the window as if every handling time shorter than `days`
 * business days had been `days`: the expected ship day moves later, which
 * can also move the order into another window. */
static void lsr_what_if_handling(const poa_case *c, const poa_metric *m, int32_t as_of,
                                 int days, poa_what_if *w) {
    long long num = 0, den = 0;
    for (size_t i = 0; i < c->norders; i++) {
        const poa_order *o = &c->orders[i];
        if (o->channel != POA_CH_MFN || o->status == POA_ORDER_CANCELLED ||
            o->latest_ship == POA_NO_DAY) {
            continue;
        }
        poa_order moved = *o;
        int handling =
            poa_business_days_between(c->marketplace, o->purchase, o->latest_ship);
        if (handling < days) {
            int32_t day = o->purchase;
            for (int k = 0; k < days;) {
                day++;
                k += poa_business_day(c->marketplace, day);
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
    w->numerator_before = m->numerator;
    w->denominator_before = m->denominator;
    w->numerator_after = num;
    w->denominator_after = den;
    w->rate_after = den ? (double)num / (double)den : 0;
}

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

static int metric_rank(const poa_metric *m) {
    return m->def->contractual ? 0 : 1;
}

static int cmp_failed(const void *a, const void *b) {
    const poa_metric *x = *(const poa_metric *const *)a,
                     *y = *(const poa_metric *const *)b;
    int rx = metric_rank(x), ry = metric_rank(y);
    if (rx != ry) {
        return rx - ry;
    }
    return (x > y) - (x < y); /* rule-table order */
}

static int cmp_finding(const void *a, const void *b) {
    const poa_finding *x = a, *y = b;
    int mx = x->metric ? metric_rank(x->metric) : 2,
        my = y->metric ? metric_rank(y->metric) : 2;
    if (mx != my) {
        return mx - my;
    }
    if (x->metric != y->metric) {
        return (x->metric > y->metric) - (x->metric < y->metric);
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
    for (size_t i = 0; i < d->nmetrics; i++) {
        const poa_metric_def *def = &d->metrics[i];
        const char *ch = def->scope == POA_SCOPE_MFN ? "mfn" : "all";
        for (size_t w = 0; w < def->nwindows; w++) {
            const poa_metric *r = poa_metrics_find(m, def->id, ch, def->windows[w]);
            if (r && r->status == POA_FAIL) {
                dx->failed[dx->nfailed++] = r;
                break;
            }
        }
    }
    qsort(dx->failed, dx->nfailed, sizeof *dx->failed, cmp_failed);
    for (size_t k = 0; k < dx->nfailed; k++) {
        const poa_metric *r = dx->failed[k];
        poa_figures drivers = {0};
        metric_figures(&drivers, r);
        if (strcmp(r->id, "lsr") == 0) {
            lsr_drivers(c, d, r, m->as_of, &drivers);
        }
        size_t before = dx->nfindings;
        for (size_t i = 0; i < d->ncauses; i++) {
            const poa_cause_def *cause = &d->causes[i];
            if (strcmp(cause->metric, r->id) != 0 || !conditions_hold(cause, &drivers)) {
                continue;
            }
            poa_finding *f = &dx->findings[dx->nfindings++];
            f->cause = cause;
            f->metric = r;
            f->figures = drivers;
            const poa_figure *share = poa_figures_get(&drivers, cause->share);
            f->share = share && !share->text ? share->value : 0;
            for (size_t p = 0; p < cause->nremedy; p++) {
                if (strcmp(cause->remedy[p].name, "handling_days") == 0 &&
                    strcmp(r->id, "lsr") == 0) {
                    f->has_what_if = 1;
                    lsr_what_if_handling(c, r, m->as_of, (int)cause->remedy[p].value,
                                         &f->what_if);
                    f->what_if.change = "handling_days";
                    put(&f->figures, "what_if_days", cause->remedy[p].value, 1);
                    put(&f->figures, "what_if_late", (double)f->what_if.numerator_after,
                        1);
                    put(&f->figures, "what_if_denominator",
                        (double)f->what_if.denominator_after, 1);
                    put(&f->figures, "what_if_rate", f->what_if.rate_after, 0);
                    put(&f->figures, "what_if_avoided",
                        (double)(f->what_if.numerator_before -
                                 f->what_if.numerator_after),
                        1);
                }
            }
        }
        if (dx->nfindings == before) {
            dx->unexplained[dx->nunexplained++] = r->id;
        }
    }
    /* Policy causes the notice names (case.xml): no metric to test, the
     * notice itself is the evidence. */
    for (size_t n = 0; n < c->info.nnotice_causes; n++) {
        const char *named = c->info.notice_causes[n];
        for (size_t i = 0; i < d->ncauses; i++) {
            const poa_cause_def *cause = &d->causes[i];
            if (cause->metric[0] ||
                (strcmp(cause->id, named) != 0 && strcmp(cause->notice, named) != 0)) {
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
        }
    }
    qsort(dx->findings, dx->nfindings, sizeof *dx->findings, cmp_finding);
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
