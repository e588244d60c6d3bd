/* poagen — compose stage: the data model and the POA Markdown.
 *
 * The data model is one JSON tree (jansson): the analysis exactly as
 * `poagen analyze --format json` prints it, plus what templates need
 * (seller, notice, rendered remediation texts). Templates are Mustache
 * Markdown files under <data>/poa/<lang>/; values are escaped for
 * Markdown, so text a seller typed stays text. */
#ifndef POAGEN_COMPOSE_H
#define POAGEN_COMPOSE_H

#include <jansson.h>

#include "poagen/buf.h"
#include "poagen/data.h"
#include "poagen/diagnose.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"
#include "poagen/rules.h"

/* The language a POA is written in: override (--lang), else case.xml's,
 * else the marketplace's when poagen has templates in it, else English. */
const char *poa_compose_language(const poa_case *c, const char *override);

/* Build the data model. remedies may be NULL (analysis only). The caller
 * owns the result (json_decref). NULL when out of memory. */
json_t *poa_model_build(const poa_case *c, const poa_metrics *m, const poa_diagnosis *dx,
                        const poa_remedies *r, const poa_data *d, const char *lang);

/* The POA_REPLY_* bits of every marketplace reply case.xml records: what
 * the later round must answer (and lint checks harder). */
unsigned poa_model_reply_kinds(const poa_case *c);

typedef struct {
    const char *lang;
    const char *data_dir;
    const char *template_path; /* a consultant's own master template, or NULL */
} poa_compose_options;

/* Fill the master template for opt->lang with model; appends Markdown to
 * out. Template errors name the template file, line and column. */
poa_status poa_compose_poa(poa_buf *out, const json_t *model,
                           const poa_compose_options *opt, poa_error *err);

/* The submission checklist (checklist.md) in the POA's language. */
poa_status poa_compose_checklist(poa_buf *out, const json_t *model,
                                 const poa_compose_options *opt, poa_error *err);

#endif
