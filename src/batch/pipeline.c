/* One case through every stage. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "poagen/batch.h"
#include "poagen/date.h"

poa_status poa_analysis_run(poa_analysis *out, const char *case_path, const poa_data *d,
                            const poa_run_options *opt, poa_error *err) {
    memset(out, 0, sizeof *out);
    poa_ingest_options io = {opt->marketplace, opt->encoding, opt->quoting, opt->warner};
    poa_status st = poa_case_load(&out->kase, case_path, d, &io, err);
    if (st == POA_OK) {
        poa_metrics_options mo = {.as_of = opt->as_of};
        st = poa_metrics_compute(&out->metrics, out->kase, d, &mo, err);
    }
    if (st == POA_OK) {
        st = poa_diagnose(&out->diagnosis, out->kase, out->metrics, d, err);
    }
    if (st == POA_OK) {
        out->lang = poa_compose_language(out->kase, opt->lang);
        st =
            poa_rules_apply(&out->remedies, out->diagnosis, out->kase, d, out->lang, err);
    }
    if (st == POA_OK && !opt->without_model) {
        out->model = poa_model_build(out->kase, out->metrics, out->diagnosis,
                                     out->remedies, d, out->lang);
        if (!out->model) {
            st = poa_error_set(err, POA_ERR_NOMEM, case_path, 0, 0, "out of memory");
        }
    }
    if (st != POA_OK) {
        poa_analysis_free(out);
    }
    return st;
}

void poa_analysis_free(poa_analysis *a) {
    json_decref(a->model);
    poa_remedies_free(a->remedies);
    poa_diagnosis_free(a->diagnosis);
    poa_metrics_free(a->metrics);
    poa_case_free(a->kase);
    memset(a, 0, sizeof *a);
}

static poa_status make_dir(const char *path, poa_error *err) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return poa_error_set(err, POA_ERR_IO, tmp, 0, 0,
                                     "cannot create folder: %s", strerror(errno));
            }
            *p = '/';
        }
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        return poa_error_set(err, POA_ERR_IO, tmp, 0, 0, "cannot create folder: %s",
                             strerror(errno));
    }
    return POA_OK;
}

typedef struct {
    const char *name;
    poa_buf buf;
} pending_file;

static void append_ids(char *dst, size_t cap, const char *id) {
    size_t n = strlen(dst);
    snprintf(dst + n, cap - n, "%s%s", n ? " " : "", id);
}

/* The same POA in the seller's language, section for section: the rule
 * texts and templates of reading_lang over the same analysis; the banner
 * at its top ("reading_copy") says which file is submitted. out[0..2]
 * receive Markdown, HTML and PDF as the formats ask. */
static poa_status reading_copy(const poa_analysis *a, const poa_run_shared *shared,
                               const poa_run_options *opt, const poa_doc_options *doc,
                               poa_buf *out[3], poa_error *err) {
    poa_remedies *rem = NULL;
    const char *lang = opt->reading_lang;
    poa_status st = poa_rules_apply(&rem, a->diagnosis, a->kase, shared->data, lang, err);
    json_t *model = NULL;
    if (st == POA_OK) {
        model =
            poa_model_build(a->kase, a->metrics, a->diagnosis, rem, shared->data, lang);
        if (!model || json_object_set_new(model, "reading_copy", json_true()) != 0) {
            st = poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    poa_buf md = POA_BUF_INIT;
    if (st == POA_OK) {
        /* a consultant's --template is written in the POA's language, so
         * the reading copy uses the bundled master of its own */
        poa_compose_options co = {lang, shared->data->dir, NULL};
        st = poa_compose_poa(&md, model, &co, err);
    }
    poa_doc_options rdoc = *doc;
    rdoc.lang = lang;
    if (st == POA_OK && (opt->formats & POA_OUT_MD)) {
        poa_buf_append(out[0], md.data ? md.data : "", md.len);
    }
    if (st == POA_OK && (opt->formats & POA_OUT_HTML)) {
        st = poa_render_html(md.data ? md.data : "", md.len, &rdoc, out[1], err);
    }
    if (st == POA_OK && (opt->formats & POA_OUT_PDF) && shared->pdf) {
        st = poa_render_pdf(shared->pdf, md.data ? md.data : "", md.len, &rdoc, out[2],
                            NULL, opt->warner, err);
    }
    poa_buf_free(&md);
    json_decref(model);
    poa_remedies_free(rem);
    return st;
}

poa_status poa_generate_case(const char *case_path, const char *out_dir,
                             const poa_run_shared *shared, const poa_run_options *opt,
                             poa_generate_result *result, poa_error *err) {
    memset(result, 0, sizeof *result);
    poa_analysis a;
    poa_status st = poa_analysis_run(&a, case_path, shared->data, opt, err);
    if (st != POA_OK) {
        return st;
    }
    for (size_t i = 0; i < a.diagnosis->nfailed; i++) {
        append_ids(result->failed, sizeof result->failed, a.diagnosis->failed[i]->id);
    }
    for (size_t i = 0; i < a.diagnosis->nfindings; i++) {
        append_ids(result->causes, sizeof result->causes,
                   a.diagnosis->findings[i].cause->id);
    }
    for (size_t i = 0; i < a.diagnosis->nfailed; i++) {
        const poa_metric *fm = a.diagnosis->failed[i];
        int found = 0;
        for (size_t k = 0; k < a.diagnosis->nunexplained; k++) {
            found |= strcmp(a.diagnosis->unexplained[k], fm->id) == 0;
        }
        if (!found || result->nunexplained >=
                          sizeof result->unexplained / sizeof result->unexplained[0]) {
            continue;
        }
        poa_unexplained_metric *u = &result->unexplained[result->nunexplained++];
        snprintf(u->id, sizeof u->id, "%s", fm->id);
        int one = fm->def->scope == POA_SCOPE_ALL && strcmp(fm->channel, "all") != 0;
        snprintf(u->name, sizeof u->name, "%s%s", poa_ltext_get(&fm->def->name, "en"),
                 !one                              ? ""
                 : strcmp(fm->channel, "mfn") == 0 ? " for seller-fulfilled orders"
                                                   : " for FBA orders");
        poa_day_format(fm->from, u->from);
        poa_day_format(fm->to, u->to);
        poa_format_percent(fm->rate, u->rate, sizeof u->rate);
        char t[16];
        poa_format_percent(fm->target_value, t, sizeof t);
        int below = fm->target_op == POA_OP_LT || fm->target_op == POA_OP_LE;
        snprintf(u->target, sizeof u->target, "%s %s", below ? "under" : "over", t);
        u->numerator = fm->numerator;
        u->denominator = fm->denominator;
    }
    enum { NFILES = 9 };
    char reading_names[3][32];
    const char *rl = opt->reading_lang;
    for (size_t i = 0; i < 3; i++) {
        static const char *const ext[] = {"md", "html", "pdf"};
        snprintf(reading_names[i], sizeof reading_names[i], "poa.%s.%s", rl ? rl : "",
                 ext[i]);
    }
    pending_file files[NFILES] = {
        {"poa.md", POA_BUF_INIT},         {"poa.html", POA_BUF_INIT},
        {"poa.pdf", POA_BUF_INIT},        {"checklist.md", POA_BUF_INIT},
        {"analysis.json", POA_BUF_INIT},  {"report.html", POA_BUF_INIT},
        {reading_names[0], POA_BUF_INIT}, {reading_names[1], POA_BUF_INIT},
        {reading_names[2], POA_BUF_INIT}};
    poa_compose_options co = {a.lang, shared->data->dir, opt->template_path};
    poa_buf md = POA_BUF_INIT;
    st = poa_compose_poa(&md, a.model, &co, err);
    const poa_case_info *info = &a.kase->info;
    char title[512], subject[256], right[256];
    snprintf(title, sizeof title, "Plan of Action — %s",
             info->seller_name ? info->seller_name : "seller");
    snprintf(subject, sizeof subject, "Plan of Action%s%s",
             info->notice_case_id ? ", case " : "",
             info->notice_case_id ? info->notice_case_id : "");
    snprintf(right, sizeof right, "%s%s%s",
             a.kase->marketplace ? a.kase->marketplace->names[0] : "",
             info->notice_case_id ? " · case " : "",
             info->notice_case_id ? info->notice_case_id : "");
    poa_doc_options doc = {opt->paper,
                           title,
                           info->seller_name,
                           subject,
                           info->store ? info->store : info->seller_name,
                           right,
                           a.lang,
                           opt->creation_epoch};
    if (st == POA_OK && (opt->formats & POA_OUT_MD)) {
        poa_buf_append(&files[0].buf, md.data ? md.data : "", md.len);
    }
    if (st == POA_OK && (opt->formats & POA_OUT_HTML)) {
        st = poa_render_html(md.data ? md.data : "", md.len, &doc, &files[1].buf, err);
    }
    /* The page count feeds the page-budget check, so the PDF is laid out
     * even when it is not written. */
    if (st == POA_OK && shared->pdf) {
        st = poa_render_pdf(shared->pdf, md.data ? md.data : "", md.len, &doc,
                            &files[2].buf, &result->pages, opt->warner, err);
    }
    if (st == POA_OK && (opt->formats & POA_OUT_CHECKLIST)) {
        st = poa_compose_checklist(&files[3].buf, a.model, &co, err);
    }
    if (st == POA_OK && (opt->formats & POA_OUT_JSON)) {
        char *s = json_dumps(a.model, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        if (s) {
            poa_buf_puts(&files[4].buf, s);
            poa_buf_putc(&files[4].buf, '\n');
            free(s);
        }
    }
    if (st == POA_OK && (opt->formats & POA_OUT_REPORT)) {
        poa_report_input ri = {a.kase, a.metrics, a.diagnosis, a.remedies, shared->data};
        st = poa_render_report(&ri, &doc, &files[5].buf, err);
    }
    if (st == POA_OK) {
        size_t causes = a.diagnosis->nfindings;
        unsigned budget = (unsigned)(causes < (size_t)shared->data->page_budget_max
                                         ? causes
                                         : (size_t)shared->data->page_budget_max);
        poa_lint_options lo = {.lang = a.lang,
                               .pages = result->pages,
                               .page_budget = budget ? budget : 1,
                               .seller_email = info->email,
                               .reply = poa_model_reply_kinds(a.kase) & 15u,
                               .model = a.model};
        st = poa_lint_text(&result->lint, shared->lint_rules, md.data ? md.data : "",
                           md.len, &lo, err);
        for (size_t i = 0; i < result->lint.count; i++) {
            if (result->lint.items[i].severity == POA_LINT_ERROR) {
                result->lint_errors++;
            } else {
                result->lint_warnings++;
            }
        }
    }
    if (st == POA_OK && rl) {
        poa_buf *rout[3] = {&files[6].buf, &files[7].buf, &files[8].buf};
        st = reading_copy(&a, shared, opt, &doc, rout, err);
    }
    if (st == POA_OK) {
        st = make_dir(out_dir, err);
    }
    unsigned wanted[NFILES] = {
        POA_OUT_MD,          POA_OUT_HTML,          POA_OUT_PDF,
        POA_OUT_CHECKLIST,   POA_OUT_JSON,          POA_OUT_REPORT,
        rl ? POA_OUT_MD : 0, rl ? POA_OUT_HTML : 0, rl ? POA_OUT_PDF : 0};
    for (size_t i = 0; st == POA_OK && i < NFILES; i++) {
        if (!(opt->formats & wanted[i])) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", out_dir, files[i].name);
        if (files[i].buf.failed) {
            st = poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        st = poa_write_file_atomic(path, files[i].buf.data ? files[i].buf.data : "",
                                   files[i].buf.len, err);
    }
    for (size_t i = 0; i < NFILES; i++) {
        poa_buf_free(&files[i].buf);
    }
    poa_buf_free(&md);
    poa_analysis_free(&a);
    if (st != POA_OK) {
        poa_lint_result_free(&result->lint);
    }
    return st;
}
