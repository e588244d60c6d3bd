/* poagen — diagnose stage: which targets failed and why.
 *
 * For each failed metric the drivers are computed from the data and kept
 * as numbers (the share of late orders with a short handling time, the
 * weekday clustering, ...). A cause of the rule table becomes a finding
 * only when the data meets its detection conditions: causes the data
 * cannot support are never claimed. */
#ifndef POAGEN_DIAGNOSE_H
#define POAGEN_DIAGNOSE_H

#include <stddef.h>

#include "poagen/data.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"

enum { POA_MAX_FIGURES = 96 };

/* A named figure: a number, or a text such as a SKU. */
typedef struct {
    char name[40];
    double value;
    const char *text; /* NULL for numbers */
    int is_integer;
} poa_figure;

typedef struct {
    poa_figure items[POA_MAX_FIGURES];
    size_t count;
} poa_figures;

const poa_figure *poa_figures_get(const poa_figures *f, const char *name);

/* A what-if: the metric recomputed as if the cause's remedy had been in place. */
typedef struct {
    const char *change; /* e.g. "handling_days=3" */
    long long numerator_before, denominator_before;
    long long numerator_after, denominator_after;
    double rate_after;
} poa_what_if;

typedef struct {
    const poa_cause_def *cause;
    const poa_metric *metric; /* the failed metric it explains; NULL for policy causes */
    double share;             /* of the failure it explains, 0..1 */
    poa_figures figures;      /* the drivers, as the cause's texts quote them */
    int has_what_if;
    poa_what_if what_if;
    int order; /* position of its metric among the failed ones; policy causes
                  follow the metrics the notice names */
} poa_finding;

typedef struct {
    const poa_metric **failed; /* failed metrics: those the notice names, then
                                  contractual, then the rest */
    size_t nfailed;
    poa_finding *findings; /* ranked: by metric (as failed), then by share */
    size_t nfindings;
    const char **unexplained; /* failed metric ids no cause explains */
    size_t nunexplained;
} poa_diagnosis;

/* Complaint themes of buyers' comments (rule table <theme>s), folded once. */
typedef struct poa_themes poa_themes;
poa_themes *poa_themes_new(const poa_data *d); /* NULL when out of memory */
void poa_themes_free(poa_themes *t);
/* Bit i is set when the comment is about d->themes[i] (up to 64 themes).
 * Case- and accent-insensitive; Chinese phrases match without word
 * boundaries. */
unsigned long long poa_themes_classify(const poa_themes *t, const char *text, size_t len);

/* Does the diagnosis compute a driver of this name for metric (so a
 * rule's detection or share can name it)? Theme drivers (theme_<id>,
 * theme_<id>_share) count for "odr" when d has the theme. Drivers whose
 * data ingest does not carry yet (claims, returns) are known: their
 * conditions simply never hold until the data exists. */
int poa_diagnose_driver_known(const poa_data *d, const char *metric, const char *driver);

poa_status poa_diagnose(poa_diagnosis **out, const poa_case *c, const poa_metrics *m,
                        const poa_data *d, poa_error *err);
void poa_diagnosis_free(poa_diagnosis *dx);

/* What-ifs for remedies the rule table gives no figure for (whatif.c),
 * shown by the analysis report. Each recomputes metric m (its window, its
 * channel) on the same orders as if the remedy had been in place; *w gets
 * before and after. */
/* LSR: had the warehouse dispatched on the marketplace's weekend days too,
 * each weekend day between the latest ship day and the confirmation is
 * saved; overdue orders stay late. */
void poa_what_if_weekend_dispatch(const poa_case *c, const poa_metric *m, int32_t as_of,
                                  poa_what_if *w);
/* CR: had stock been synchronised with the listings, the seller's
 * out-of-stock cancellations (reason NoInventory, OutOfStock, ...) would
 * never have been orders: they leave numerator and denominator. */
void poa_what_if_stock_synced(const poa_case *c, const poa_metric *m, poa_what_if *w);
/* VTR: had a valid tracking number been uploaded for every shipment. */
void poa_what_if_tracking_uploaded(const poa_case *c, const poa_metric *m,
                                   poa_what_if *w);

#endif
