/* libFuzzer target for Markdown to PDF and HTML, and the review checks on
 * the same text. The PDF context (fonts) is made once, as in a batch run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "poagen/data.h"
#include "poagen/lint.h"
#include "poagen/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static poa_pdf_context *pdf;
static poa_lint_rules *lint_rules;

static void setup(void) {
    static int done;
    if (done) {
        return;
    }
    done = 1;
    poa_error e;
    char buf[4096];
    const char *data_dir = poa_default_data_dir();
    if (poa_pdf_context_new(&pdf, poa_default_font_dir(data_dir, buf, sizeof buf), &e) !=
            POA_OK ||
        poa_lint_rules_load(&lint_rules, data_dir, &e) != POA_OK) {
        fprintf(stderr, "fuzz_render: %s: %s\n", e.file, e.message);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    if (size > 64 * 1024) {
        return 0; /* a POA is a few pages; the time budget goes to variety */
    }
    const char *md = (const char *)data;
    poa_doc_options opt = {.paper =
                               size && (data[0] & 1) ? POA_PAPER_LETTER : POA_PAPER_A4,
                           .title = "T",
                           .lang = "en",
                           .creation_epoch = -1};
    poa_buf out = POA_BUF_INIT;
    poa_error e;
    unsigned pages = 0;
    poa_render_pdf(pdf, md, size, &opt, &out, &pages, NULL, &e);
    poa_buf_free(&out);
    poa_render_html(md, size, &opt, &out, &e);
    poa_buf_free(&out);
    poa_lint_result r = {0};
    poa_lint_options lo = {.lang = "en", .pages = pages, .max_page_budget = 3};
    poa_lint_text(&r, lint_rules, md, size, &lo, &e);
    poa_lint_result_free(&r);
    return 0;
}
