/* poagen — batch stage: the whole pipeline for one case folder, and for
 * many case folders at once. */
#ifndef POAGEN_BATCH_H
#define POAGEN_BATCH_H

#include <jansson.h>
#include <stddef.h>

#include "poagen/compose.h"
#include "poagen/data.h"
#include "poagen/diagnose.h"
#include "poagen/ingest.h"
#include "poagen/lint.h"
#include "poagen/metrics.h"
#include "poagen/render.h"
#include "poagen/rules.h"

typedef enum {
    POA_OUT_MD = 1,
    POA_OUT_HTML = 2,
    POA_OUT_PDF = 4,
    POA_OUT_CHECKLIST = 8,
    POA_OUT_JSON = 16,   /* analysis.json */
    POA_OUT_REPORT = 32, /* report.html: the analysis with charts */
    POA_OUT_ALL = 63
} poa_output_format;

typedef struct {
    const char *lang;          /* --lang or NULL */
    const char *template_path; /* --template or NULL */
    const char *marketplace;   /* --marketplace or NULL */
    const char *encoding;      /* --encoding or NULL */
    int quoting;               /* 0 auto, 1 none, 2 rfc4180 */
    int32_t as_of;             /* POA_NO_DAY: from the data */
    poa_paper paper;
    unsigned formats;         /* poa_output_format bits */
    long long creation_epoch; /* SOURCE_DATE_EPOCH, or -1 */
    const poa_warner *warner;
    /* --reading-lang: a reading copy of the POA in the seller's language,
     * poa.<L>.md / .html / .pdf (as --format asks); NULL: none. */
    const char *reading_lang;
    /* Stop before the data model (analyze's table views do not read it:
     * on a case with thousands of SKUs it is tens of megabytes). */
    int without_model;
} poa_run_options;

/* Every stage's result for one case, up to the data model. */
typedef struct {
    poa_case *kase;
    poa_metrics *metrics;
    poa_diagnosis *diagnosis;
    poa_remedies *remedies;
    const char *lang;
    json_t *model;
} poa_analysis;

/* ingest → metrics → diagnose → rules → the data model (model NULL with
 * opt->without_model). On failure every
 * part is freed and err says why. */
poa_status poa_analysis_run(poa_analysis *out, const char *case_path, const poa_data *d,
                            const poa_run_options *opt, poa_error *err);
void poa_analysis_free(poa_analysis *a);

/* Shared by every case of a run: loaded once. */
typedef struct {
    const poa_data *data;
    const poa_lint_rules *lint_rules;
    poa_pdf_context *pdf; /* may be NULL when no PDF is asked for */
} poa_run_shared;

/* A failed metric no cause explains, so the POA does not address it (the
 * checklist lists it as an open item): what generate's warning names. */
typedef struct {
    char id[8], name[64], from[11], to[11], rate[16], target[24];
    long long numerator, denominator;
} poa_unexplained_metric;

typedef struct {
    unsigned pages;
    size_t lint_errors, lint_warnings;
    poa_lint_result
        lint; /* findings on the generated draft; free with poa_lint_result_free */
    char failed[128]; /* failed metric ids, space-separated */
    char causes[512]; /* cause ids, space-separated */
    poa_unexplained_metric unexplained[8];
    size_t nunexplained;
} poa_generate_result;

/* Generate the POA for one case into out_dir (created if needed): the
 * chosen formats, written atomically once everything has been produced,
 * so a failing case leaves no file behind. */
poa_status poa_generate_case(const char *case_path, const char *out_dir,
                             const poa_run_shared *shared, const poa_run_options *opt,
                             poa_generate_result *result, poa_error *err);

typedef struct {
    size_t total, done, failed, skipped;
    const char *current; /* the case just finished */
    int current_failed;
    const poa_error *error; /* why it failed, when it did */
    int current_skipped;    /* inputs unchanged since the last run: not redone */
} poa_batch_progress;

typedef void (*poa_batch_progress_fn)(const poa_batch_progress *p, void *payload);

/* Every case folder in cases_dir into out_dir/<case>/, plus summary.csv.
 * A failing case is reported and the rest go on. *failed_out counts the
 * cases that failed. Only a usage problem (no such folder) is an error. */
poa_status poa_batch_run(const char *cases_dir, const char *out_dir,
                         const poa_run_shared *shared, const poa_run_options *opt,
                         poa_batch_progress_fn progress, void *payload,
                         size_t *failed_out, poa_error *err);

/* How poa_batch_run_ex spreads the work. */
typedef struct {
    unsigned jobs;        /* worker processes; 0: the number of online cores */
    int force;            /* redo cases whose inputs are unchanged */
    const char *font_dir; /* fonts, hashed with the data files; NULL: none */
    /* Tests only: called in the worker process before it starts a case,
     * to simulate a crash. NULL in real runs. */
    void (*worker_hook)(const char *case_name);
} poa_batch_options;

typedef struct {
    size_t total, done, generated, skipped, failed;
    int interrupted; /* the signal (SIGINT, SIGTERM) that stopped the run, or 0 */
} poa_batch_totals;

/* Every case folder in cases_dir into out_dir/<case>/, each in a worker
 * process of its own (a crash stays in its case; libxml2's global state
 * stays per process), then summary.csv and index.html in out_dir.
 *
 * A case whose inputs, data files and options hash to the value stored in
 * out_dir/<case>/.poagen-hash (written last) is skipped unless
 * opt->force. Case folders that are symbolic links, names that are not
 * plain, and output folders that are symbolic links are refused (reported
 * as failed cases). SIGINT and SIGTERM are caught while it runs: the
 * workers are stopped, their temporary files removed, the summary written
 * for what was done, and totals->interrupted set; the caller decides how
 * to exit. Only a usage problem (no such folder, cannot create out_dir) is
 * an error. */
poa_status poa_batch_run_ex(const char *cases_dir, const char *out_dir,
                            const poa_run_shared *shared, const poa_run_options *opt,
                            const poa_batch_options *bopt, poa_batch_progress_fn progress,
                            void *payload, poa_batch_totals *totals, poa_error *err);

#endif
