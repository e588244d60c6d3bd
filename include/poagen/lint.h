/* poagen — lint stage: the review checks that catch what gets appeals
 * rejected, run on finished drafts and on templates. */
#ifndef POAGEN_LINT_H
#define POAGEN_LINT_H

#include <stddef.h>

#include <jansson.h>

#include "poagen/buf.h"
#include "poagen/data.h"
#include "poagen/error.h"

typedef enum { POA_LINT_ERROR = 0, POA_LINT_WARNING = 1 } poa_severity;

typedef struct {
    char check[32];
    poa_severity severity;
    unsigned line, column; /* 1-based; column in characters */
    char message[320];
} poa_lint_issue;

typedef struct {
    poa_lint_issue *items;
    size_t count, cap;
} poa_lint_result;

/* The phrase lists and section names (templates/lint.xml), loaded once. */
typedef struct poa_lint_rules poa_lint_rules;

poa_status poa_lint_rules_load(poa_lint_rules **out, const char *data_dir,
                               poa_error *err);
void poa_lint_rules_free(poa_lint_rules *r);

typedef struct {
    const char *lang;     /* draft language; NULL: "en" */
    int template_mode;    /* the file is a template, not a draft */
    unsigned pages;       /* rendered page count, 0 when unknown */
    unsigned page_budget; /* pages allowed; 0: one per cause heading, up to ... */
    unsigned
        max_page_budget; /* ... this many (the rule table's page budget); 0: no check */
    unsigned max_words;  /* 0: no word limit */
    const char *seller_email; /* the seller's own address, allowed anywhere */
    const char **disabled;    /* check ids switched off (--disable) */
    size_t ndisabled;
    /* What the marketplace's reply to the last appeal asked for
     * (POA_LINT_REPLY_* bits): those sections are checked harder. */
    unsigned reply;
    /* The analysis of the draft's case (the data model `poagen analyze
     * --format json` prints), or NULL: the checks that need the data
     * (failed metrics addressed, figures that agree) are then skipped. */
    const json_t *model;
} poa_lint_options;

/* The same values as POA_REPLY_* in ingest.h, so a case's reply bits pass
 * straight through; named here too so a draft can be linted without a case. */
enum {
    POA_LINT_REPLY_ROOT_CAUSE =
        1,                      /* root cause: at least POA_LINT_REPLY_FIGURES figures */
    POA_LINT_REPLY_ACTIONS = 2, /* an action without a date or number is an error */
    POA_LINT_REPLY_PREVENTION = 4, /* future tense in prevention is an error */
    POA_LINT_REPLY_DOCUMENTS =
        8 /* an evidence item without a date or number is an error */
};
#define POA_LINT_REPLY_FIGURES 6

/* Run every check on text; issues are appended to out, sorted by position.
 * A file can opt out of a check with <!-- poagen-lint-disable ID -->. */
poa_status poa_lint_text(poa_lint_result *out, const poa_lint_rules *rules,
                         const char *text, size_t len, const poa_lint_options *opt,
                         poa_error *err);
/* Template check: each variable and section text names (partials read
 * from partials_dir, may be NULL) must exist in model, a case's data
 * model; sections for rule-table causes the case lacks are fine. Findings
 * (check "unknown-variable") are appended to out. */
void poa_lint_template_vars(poa_lint_result *out, const char *text, const json_t *model,
                            const poa_data *d, const char *partials_dir);
/* The sections a template opens, each once, newline-separated, appended
 * to out: language variants of one template must open the same ones. */
void poa_template_sections(const char *text, poa_buf *out);
/* Sort findings by line, column and check. */
void poa_lint_sort(poa_lint_result *r);
size_t poa_lint_errors(const poa_lint_result *r);
void poa_lint_result_free(poa_lint_result *r);

/* Every check id with a one-line rationale, NULL-terminated pairs. */
extern const char *const poa_lint_checks[][2];

#endif
