/* poagen — rules stage: each finding's remediation from the rule table,
 * in the POA's language, with the finding's figures and the seller's facts
 * filled in. A fact the case does not supply becomes a visible
 * [[TO FILL: ...]] placeholder, never invented text. */
#ifndef POAGEN_RULES_H
#define POAGEN_RULES_H

#include <stddef.h>

#include <jansson.h>

#include "poagen/data.h"
#include "poagen/diagnose.h"
#include "poagen/ingest.h"

typedef struct {
    const poa_finding *finding;
    json_t *figures;           /* the finding's figures as template values (owned) */
    char *title, *explanation; /* Markdown, values escaped */
    char **actions, **prevent, **evidence;
    size_t nactions, nprevent, nevidence;
    char *policy;         /* the policies reviewed, plain text; "" when none */
    size_t missing_facts; /* placeholders left in the texts */
} poa_remedy;

typedef struct {
    const char *lang;
    poa_remedy *items;
    size_t count;
} poa_remedies;

poa_status poa_rules_apply(poa_remedies **out, const poa_diagnosis *dx, const poa_case *c,
                           const poa_data *d, const char *lang, poa_error *err);
void poa_remedies_free(poa_remedies *r);

/* Template values for a finding's figures: integers as numbers, rates
 * and shares also as "<name>_pct" in the language's style, days as dates. */
json_t *poa_figures_to_json(const poa_figures *f, const char *lang);

/* "9.8%" / "9,8 %" as lang writes percentages. */
void poa_format_percent_lang(double rate, const char *lang, char *out, size_t cap);

/* Check a rule table: every cause has title, explanation, actions,
 * prevention and evidence in every supported language, every text is a
 * valid template, detection and share name drivers the diagnosis computes
 * for the cause's metric, a metric cause has detection conditions, and
 * every theme has phrases in every language. Problems go through
 * w; returns the number of problems. */
size_t poa_rules_check(const poa_data *d, const poa_warner *w);

#endif
