/* poagen — render stage: a POA in Markdown becomes HTML and PDF.
 *
 * Both renderers walk the same cmark AST. Output is deterministic: the same
 * Markdown and options give byte-identical bytes. */
#ifndef POAGEN_RENDER_H
#define POAGEN_RENDER_H

#include <stddef.h>

#include "poagen/buf.h"
#include "poagen/data.h"
#include "poagen/diagnose.h"
#include "poagen/error.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"
#include "poagen/rules.h"

typedef enum { POA_PAPER_A4 = 0, POA_PAPER_LETTER = 1 } poa_paper;

typedef struct {
    poa_paper paper;
    const char *title;       /* document info and running header; may be NULL */
    const char *author;      /* document info (the seller); may be NULL */
    const char *subject;     /* document info; may be NULL */
    const char *header_left; /* running header, left (seller name); may be NULL */
    const char
        *header_right; /* running header, right (case / marketplace); may be NULL */
    const char *lang;  /* "en", "nl", "sv", "es", "da", "zh": footer wording */
    long long creation_epoch; /* seconds since 1970 for the info dates; -1: none */
} poa_doc_options;

/* Fonts and other per-run work, prepared once and shared by every document
 * of a run (batch renders thousands). Not thread-safe: one per thread. */
typedef struct poa_pdf_context poa_pdf_context;

/* font_dir holds the TrueType subsets made at build time. A missing font is
 * POA_ERR_IO naming the file and the Debian package that provides it. */
poa_status poa_pdf_context_new(poa_pdf_context **out, const char *font_dir,
                               poa_error *err);
void poa_pdf_context_free(poa_pdf_context *ctx);

/* Render Markdown (UTF-8) to a PDF appended to out. *pages_out (may be NULL)
 * receives the page count. Characters no font can draw are reported through
 * w, naming the character, never dropped silently. */
poa_status poa_render_pdf(poa_pdf_context *ctx, const char *markdown, size_t len,
                          const poa_doc_options *opt, poa_buf *out, unsigned *pages_out,
                          const poa_warner *w, poa_error *err);

/* Render Markdown to a self-contained HTML page (embedded CSS, no script,
 * nothing from the network), appended to out. Raw HTML in the Markdown is
 * not passed through. */
poa_status poa_render_html(const char *markdown, size_t len, const poa_doc_options *opt,
                           poa_buf *out, poa_error *err);

/* What the analysis report is drawn from: one case through the pipeline. */
typedef struct {
    const poa_case *kase;
    const poa_metrics *metrics;
    const poa_diagnosis *diagnosis;
    const poa_remedies *remedies; /* may be NULL: causes named by their title only */
    const poa_data *data;
} poa_report_input;

/* The case's analysis as one self-contained, print-friendly HTML page
 * (report.html): every metric against its target day by day, the drivers
 * behind the failed ones as charts, the findings ranked and the what-if
 * figures of their remedies. Inline SVG and embedded CSS only: no script,
 * nothing from the network. Each chart has a <title>, a <desc> and the
 * table of its numbers. Deterministic: the same input gives the same bytes.
 * Appended to out. */
poa_status poa_render_report(const poa_report_input *in, const poa_doc_options *opt,
                             poa_buf *out, poa_error *err);

#endif
