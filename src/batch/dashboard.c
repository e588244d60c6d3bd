/* What a batch run produced: summary.csv for a spreadsheet, index.html for
 * a person. Both are built only from the cases' results and output files,
 * so the same results give the same bytes (nothing about the run itself:
 * no clock, no "skipped this time"). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/batch_private.h"

static const char *const csv_outputs[] = {"poa.md",      "poa.html",      "poa.pdf",
                                          "report.html", "analysis.json", "lint.txt"};

static int case_ok(const case_slot *s) {
    return s->state == CASE_GENERATED || s->state == CASE_SKIPPED;
}

static const char *status_word(const case_slot *s) {
    return case_ok(s) ? "ok" : s->state == CASE_FAILED ? "failed" : "not-run";
}

/* A regular file the run left in the case's folder. */
static int has_output(const batch_run *r, size_t i, const char *file) {
    char path[4096];
    struct stat sb;
    return (size_t)snprintf(path, sizeof path, "%s/%s/%s", r->out_dir, r->names[i],
                            file) < sizeof path &&
           lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void error_text(const poa_error *e, char *buf, size_t cap) {
    snprintf(buf, cap, "%s:%u:%u: %s", e->file, e->line, e->column, e->message);
}

static void csv_field(poa_buf *b, const char *s) {
    poa_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"') {
            poa_buf_putc(b, '"');
        }
        poa_buf_putc(b, *s);
    }
    poa_buf_putc(b, '"');
}

static poa_status write_out(const batch_run *r, const char *name, poa_buf *b,
                            poa_error *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->out_dir, name);
    poa_status st = b->failed
                        ? poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory")
                        : poa_write_file_atomic(path, poa_buf_cstr(b), b->len, err);
    poa_buf_free(b);
    return st;
}

poa_status batch_write_summary(const batch_run *r, poa_error *err) {
    poa_buf csv = POA_BUF_INIT;
    poa_buf_puts(&csv, "case,status,run,failed_metrics,causes,lint_errors,lint_warnings,"
                       "pages,error,poa_md,poa_html,poa_pdf,report_html,analysis_json,"
                       "lint_txt\n");
    for (size_t i = 0; i < r->n; i++) {
        const case_slot *s = &r->slots[i];
        csv_field(&csv, r->names[i]);
        poa_buf_printf(&csv, ",%s,%s,", status_word(s),
                       s->state == CASE_GENERATED ? "generated"
                       : s->state == CASE_SKIPPED ? "skipped"
                                                  : "");
        csv_field(&csv, case_ok(s) ? s->failed : "");
        poa_buf_putc(&csv, ',');
        csv_field(&csv, case_ok(s) ? s->causes : "");
        if (case_ok(s)) {
            poa_buf_printf(&csv, ",%u,%u,%u,\"\"", s->lint_errors, s->lint_warnings,
                           s->pages);
        } else {
            char msg[1024] = "";
            if (s->state == CASE_FAILED) {
                error_text(&s->err, msg, sizeof msg);
            }
            poa_buf_puts(&csv, ",,,,");
            csv_field(&csv, msg);
        }
        for (size_t k = 0; k < sizeof csv_outputs / sizeof *csv_outputs; k++) {
            poa_buf_putc(&csv, ',');
            if (case_ok(s) && has_output(r, i, csv_outputs[k])) {
                poa_buf_putc(&csv, '"');
                poa_buf_puts(&csv, r->names[i]); /* plain names: no quote inside */
                poa_buf_printf(&csv, "/%s\"", csv_outputs[k]);
            } else {
                poa_buf_puts(&csv, "\"\"");
            }
        }
        poa_buf_putc(&csv, '\n');
    }
    return write_out(r, "summary.csv", &csv, err);
}

/* ---- index.html ---- */

/* A case name as one segment of a relative link. */
static void url_segment(poa_buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            poa_buf_putc(b, (char)c);
        } else {
            poa_buf_printf(b, "%%%02X", c);
        }
    }
}

static const char *jstr(const json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The entry a row shows for a metric: the first that failed, else the
 * first (the window a POA quotes). */
static const json_t *pick_metric(const json_t *metrics, const char *id) {
    const json_t *first = NULL;
    size_t k;
    json_t *m;
    json_array_foreach(metrics, k, m) {
        if (strcmp(jstr(m, "id"), id) != 0) {
            continue;
        }
        if (json_is_true(json_object_get(m, "failed"))) {
            return m;
        }
        if (!first) {
            first = m;
        }
    }
    return first;
}

/* How far a rate is from its target, 1 on the target line and larger when
 * worse, for "below" and "above" targets alike: the bar shows the defects
 * (or the shortfall) against what the target allows. */
static double badness(const poa_metric_def *d, double rate) {
    int below = d->op == POA_OP_LT || d->op == POA_OP_LE;
    double have = below ? rate : 1.0 - rate;
    double allowed = below ? d->target : 1.0 - d->target;
    if (allowed <= 0) {
        return have > 0 ? 2.0 : 0.0;
    }
    return have / allowed;
}

enum { BAR_W = 64, BAR_H = 8 };

static void metric_cell(poa_buf *b, const poa_metric_def *d, const json_t *m,
                        const char *lang) {
    const json_t *rate = m ? json_object_get(m, "rate") : NULL;
    if (!m || !json_is_number(rate)) {
        poa_buf_printf(b, "<td class=\"m nd\" data-k=\"%s\">no data</td>", d->id);
        return;
    }
    double bad = badness(d, json_number_value(rate));
    int failed = json_is_true(json_object_get(m, "failed"));
    double w = bad / 2.0 * BAR_W;
    w = w < 0 ? 0 : w > BAR_W ? BAR_W : w;
    int below = d->op == POA_OP_LT || d->op == POA_OP_LE;
    poa_buf_printf(b, "<td class=\"m %s\" data-k=\"%s\" data-v=\"%.4f\" title=\"",
                   failed ? "fail" : "pass", d->id, bad);
    poa_buf_put_html(b, poa_ltext_get(&d->name, lang));
    poa_buf_printf(b, ": %lld of %lld, ",
                   (long long)json_integer_value(json_object_get(m, "numerator")),
                   (long long)json_integer_value(json_object_get(m, "denominator")));
    poa_buf_put_html(b, jstr(m, "from"));
    poa_buf_puts(b, " to ");
    poa_buf_put_html(b, jstr(m, "to"));
    poa_buf_printf(b, " (%lld days, ",
                   (long long)json_integer_value(json_object_get(m, "window_days")));
    poa_buf_put_html(b, jstr(m, "channel"));
    poa_buf_printf(b, "); target %s ", below ? "below" : "above");
    poa_buf_put_html(b, jstr(m, "target_pct"));
    if (json_is_true(json_object_get(m, "immature"))) {
        poa_buf_puts(b, "; still immature, the rate can rise");
    }
    poa_buf_puts(b, "\"><span>");
    poa_buf_put_html(b, jstr(m, "rate_pct"));
    poa_buf_printf(b,
                   "</span><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                   "aria-hidden=\"true\"><rect class=\"t\" width=\"%d\" height=\"%d\" "
                   "rx=\"2\"/><rect class=\"f\" width=\"%.1f\" height=\"%d\" rx=\"2\"/>"
                   "<path class=\"g\" d=\"M%d 0V%d\"/></svg></td>",
                   BAR_W, BAR_H, BAR_W, BAR_H, BAR_W, BAR_H, w, BAR_H, BAR_W / 2, BAR_H);
}

typedef struct {
    size_t ok, failed, not_run, lint_errors;
    size_t failing[32]; /* per metric of the rule table */
} tallies;

static void doc_link(poa_buf *b, const batch_run *r, size_t i, const char *file,
                     const char *label) {
    if (!has_output(r, i, file)) {
        return;
    }
    poa_buf_puts(b, "<a href=\"");
    url_segment(b, r->names[i]);
    poa_buf_printf(b, "/%s\">%s</a> ", file, label);
}

static void ok_row(poa_buf *b, const batch_run *r, size_t i, tallies *t) {
    const case_slot *s = &r->slots[i];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/analysis.json", r->out_dir, r->names[i]);
    json_error_t jerr;
    json_t *a = json_load_file(path, 0, &jerr);
    const json_t *seller = json_object_get(a, "seller");
    poa_buf_puts(b, "<td class=\"seller\" data-k=\"seller\" data-v=\"");
    const char *store = jstr(seller, "store");
    const char *who = *store ? store : jstr(seller, "name");
    poa_buf_put_html(b, who);
    poa_buf_puts(b, "\">");
    poa_buf_put_html(b, *who ? who : "—");
    poa_buf_puts(b, "<div class=\"muted\">");
    poa_buf_put_html(b, jstr(json_object_get(a, "marketplace"), "name"));
    const char *acct = jstr(json_object_get(a, "account"), "status");
    if (*acct) {
        poa_buf_puts(b, " · ");
        poa_buf_put_html(b, acct);
    }
    if (*jstr(a, "as_of")) {
        poa_buf_puts(b, " · as of ");
        poa_buf_put_html(b, jstr(a, "as_of"));
    }
    poa_buf_puts(b, "</div></td>");
    const json_t *metrics = json_object_get(a, "metrics");
    for (size_t k = 0; k < r->data->nmetrics; k++) {
        const poa_metric_def *d = &r->data->metrics[k];
        const json_t *m = pick_metric(metrics, d->id);
        if (m && json_is_true(json_object_get(m, "failed")) && k < 32) {
            t->failing[k]++;
        }
        metric_cell(b, d, m, "en");
    }
    poa_buf_puts(b, "<td class=\"causes\"><ol class=\"causes\">");
    const json_t *findings = json_object_get(a, "findings");
    size_t k;
    json_t *f;
    json_array_foreach(findings, k, f) {
        if (k == 3) {
            poa_buf_printf(b, "<li class=\"more\">and %zu more</li>",
                           json_array_size(findings) - 3);
            break;
        }
        poa_buf_puts(b, "<li>");
        poa_buf_put_html(b, *jstr(f, "title") ? jstr(f, "title") : jstr(f, "cause"));
        if (*jstr(f, "share_pct")) {
            poa_buf_puts(b, " <span class=\"muted\">");
            poa_buf_put_html(b, jstr(f, "share_pct"));
            poa_buf_puts(b, "</span>");
        }
        poa_buf_puts(b, "</li>");
    }
    poa_buf_puts(b, "</ol>");
    if (!a) {
        poa_buf_puts(b, "<span class=\"muted\">analysis.json could not be read</span>");
    }
    poa_buf_printf(b, "</td><td data-k=\"lint\" data-v=\"%u\">",
                   s->lint_errors * 10000u + s->lint_warnings);
    t->lint_errors += s->lint_errors != 0;
    const char *cls = s->lint_errors ? "bad" : s->lint_warnings ? "warn" : "good";
    poa_buf_printf(b, "<a class=\"lint %s\" href=\"", cls);
    url_segment(b, r->names[i]);
    if (s->lint_errors || s->lint_warnings) {
        poa_buf_printf(b, "/lint.txt\">%u error%s, %u warning%s</a>", s->lint_errors,
                       s->lint_errors == 1 ? "" : "s", s->lint_warnings,
                       s->lint_warnings == 1 ? "" : "s");
    } else {
        poa_buf_puts(b, "/lint.txt\">clean</a>");
    }
    if (s->pages) {
        poa_buf_printf(b, "<div class=\"muted\">%u page%s</div>", s->pages,
                       s->pages == 1 ? "" : "s");
    }
    poa_buf_puts(b, "</td><td class=\"docs\">");
    doc_link(b, r, i, "poa.pdf", "PDF");
    doc_link(b, r, i, "poa.html", "HTML");
    doc_link(b, r, i, "report.html", "Report");
    doc_link(b, r, i, "poa.md", "Markdown");
    poa_buf_puts(b, "</td>");
    json_decref(a);
}

static void failed_row(poa_buf *b, const batch_run *r, size_t i) {
    const case_slot *s = &r->slots[i];
    poa_buf_printf(b,
                   "<td data-k=\"seller\"></td><td class=\"err\" colspan=\"%zu\"><div>",
                   r->data->nmetrics + 1);
    if (s->state == CASE_FAILED) {
        /* The row names the case: the file is shown from inside it. */
        char folder[4096], msg[1024];
        const poa_error *e = &s->err;
        snprintf(folder, sizeof folder, "%s/%s", r->cases_dir, r->names[i]);
        size_t fl = strlen(folder);
        const char *file = e->file;
        if (strncmp(file, folder, fl) == 0 && (file[fl] == '/' || file[fl] == '\0')) {
            file += file[fl] ? fl + 1 : fl;
        }
        if (!*file) {
            snprintf(msg, sizeof msg, "%s", e->message);
        } else if (e->line) {
            snprintf(msg, sizeof msg, "%s:%u:%u: %s", file, e->line, e->column,
                     e->message);
        } else {
            snprintf(msg, sizeof msg, "%s: %s", file, e->message);
        }
        poa_buf_put_html(b, msg);
    } else {
        poa_buf_puts(b, "The run was stopped before this case was done; run the batch "
                        "again to finish it.");
    }
    poa_buf_puts(b, "</div></td><td data-k=\"lint\"></td><td class=\"docs\"></td>");
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Helvetica Neue\",Arial,\"Noto Sans\",\"DejaVu Sans\",sans-serif;color:#1f2933;"
    "background:#f4f6f8}"
    "header{background:#fff;border-bottom:1px solid #d9e2ec;padding:20px 28px 18px}"
    "h1{font-size:20px;margin:0 0 2px;font-weight:650}"
    ".sub{color:#52606d;margin:0}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}"
    ".card{border:1px solid #d9e2ec;border-radius:6px;padding:8px 14px;min-width:120px;"
    "background:#fbfcfd}"
    ".card b{display:block;font-size:22px;font-weight:650}"
    ".card span{color:#52606d;font-size:12px}"
    ".card.bad b{color:#b42318}.card.good b{color:#1d7a35}"
    "main{padding:16px 28px 28px}"
    "#controls{display:flex;flex-wrap:wrap;gap:18px;align-items:center;margin:0 0 10px}"
    "#controls[hidden]{display:none}"
    "#q{padding:6px 10px;border:1px solid #bcccdc;border-radius:4px;width:300px;"
    "font:inherit}"
    "#count{color:#52606d}"
    ".legend{color:#52606d;font-size:12px;margin:0 0 10px}"
    ".legend svg{vertical-align:middle}"
    "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d9e2ec}"
    "th{background:#eef2f6;text-align:left;font-weight:600;padding:8px 9px;"
    "border-bottom:1px solid #d9e2ec;white-space:nowrap;font-size:12px;color:#334e68}"
    "th small{display:block;font-weight:400;color:#627d98;white-space:normal;"
    "max-width:70px}"
    "th[data-k]{cursor:pointer;user-select:none}"
    "th[aria-sort=ascending]::after{content:\" \\25B2\";font-size:10px}"
    "th[aria-sort=descending]::after{content:\" \\25BC\";font-size:10px}"
    "td{padding:8px 9px;border-bottom:1px solid #eef2f6;vertical-align:top}"
    "tbody tr:hover td{background:#f8fafc}"
    "tr.failed td{background:#fff6f5}"
    ".case{font-weight:600;min-width:100px;max-width:180px;overflow-wrap:anywhere}"
    ".case .chip{margin-top:3px}"
    "td.causes{min-width:190px}td.seller{min-width:110px;max-width:160px}"
    ".chip{white-space:nowrap;display:inline-block;padding:1px "
    "8px;border-radius:10px;font-size:12px;"
    "font-weight:600}"
    ".chip.ok{background:#e3f5e8;color:#1d6b31}"
    ".chip.failed{background:#fde4e1;color:#a3221a}"
    ".chip.not-run{background:#eceff3;color:#52606d}"
    ".m{white-space:nowrap;min-width:76px}.m svg{display:block;margin-top:3px}"
    ".t{fill:#e4e9ef}.pass .f{fill:#3f9a5a}.fail .f{fill:#d64545}"
    ".g{stroke:#1f2933;stroke-width:1.5}"
    ".m.fail span{color:#b42318;font-weight:650}"
    ".nd{color:#9aa5b1;font-size:12px}"
    "ol.causes{margin:0;padding-left:18px}ol.causes "
    "li.more{list-style:none;color:#627d98}"
    ".err{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:12px;"
    "color:#a3221a}.err div{max-width:640px;overflow-wrap:anywhere}"
    ".muted{color:#627d98;font-size:12px}"
    "a{color:#1f5fa8;text-decoration:none}a:hover{text-decoration:underline}"
    ".docs a{display:block;white-space:nowrap}"
    ".lint.good{color:#1d6b31}.lint.warn{color:#8a5a00}.lint.bad{color:#b42318;"
    "font-weight:600}"
    "footer{color:#627d98;font-size:12px;padding:0 28px 24px}"
    "@media print{#controls{display:none}body{background:#fff}}";

/* Sorting and filtering; the table reads the same without it. The hash
 * (#sort=lsr, #sort=-case, #q=text, #failed, joined by &) sets both, so a
 * view can be bookmarked. */
static const char script[] =
    "(function(){"
    "var t=document.getElementById('cases'),tb=t.tBodies[0],"
    "rows=[].slice.call(tb.rows),q=document.getElementById('q'),"
    "fo=document.getElementById('fo'),cnt=document.getElementById('count'),"
    "hs=[].slice.call(t.tHead.rows[0].cells).filter(function(h){"
    "return h.hasAttribute('data-k')}),sk='',sd=false;"
    "rows.forEach(function(r,i){r._i=i;r._q=r.textContent.toLowerCase()});"
    "document.getElementById('controls').hidden=false;"
    "function v(r,k){var c=r.querySelector('td[data-k=\"'+k+'\"]');"
    "return c&&c.hasAttribute('data-v')?c.getAttribute('data-v'):null}"
    "function head(k){return hs.filter(function(h){return h.getAttribute('data-k')===k})"
    "[0]}"
    "function natural(h){return h.getAttribute('data-t')==='n'}"
    "function sort(k,desc){var h=head(k);if(!h)return;var n=natural(h);"
    "sk=k;sd=desc;rows.sort(function(a,b){var x=v(a,k),y=v(b,k),c;"
    "if(x===null||y===null)return (x===null)-(y===null)||a._i-b._i;"
    "c=n?parseFloat(x)-parseFloat(y):(x<y?-1:x>y?1:0);"
    "return (desc?-c:c)||a._i-b._i});"
    "rows.forEach(function(r){tb.appendChild(r)});"
    "hs.forEach(function(x){x.removeAttribute('aria-sort')});"
    "h.setAttribute('aria-sort',desc?'descending':'ascending')}"
    "function filter(){var s=q.value.trim().toLowerCase(),n=0;"
    "rows.forEach(function(r){var show=(!fo.checked||"
    "r.getAttribute('data-status')==='failed')&&(!s||r._q.indexOf(s)>=0);"
    "r.hidden=!show;if(show)n++});"
    "cnt.textContent=n+' of '+rows.length+' cases shown'}"
    "function save(){var p=[];if(sk)p.push('sort='+(sd===natural(head(sk))?'':'-')+sk);"
    "if(q.value)p.push('q='+encodeURIComponent(q.value));if(fo.checked)p.push('failed');"
    "try{history.replaceState(null,'',p.length?'#'+p.join('&'):location.pathname)}"
    "catch(e){}}"
    "function load(){var h=location.hash.replace(/^#/,'').split('&'),s='';"
    "q.value='';fo.checked=false;h.forEach(function(p){var i=p.indexOf('='),"
    "k=i<0?p:p.slice(0,i),x=i<0?'':decodeURIComponent(p.slice(i+1));"
    "if(k==='sort')s=x;else if(k==='q')q.value=x;else if(k==='failed')fo.checked=true});"
    "if(s){var r=s.charAt(0)==='-',k=r?s.slice(1):s,hh=head(k);"
    "if(hh)sort(k,natural(hh)!==r)}filter()}"
    "hs.forEach(function(h){h.tabIndex=0;function go(){var k=h.getAttribute('data-k');"
    "sort(k,k===sk?!sd:natural(h));save()}"
    "h.addEventListener('click',go);h.addEventListener('keydown',function(e){"
    "if(e.key==='Enter'||e.key===' '){e.preventDefault();go()}})});"
    "q.addEventListener('input',function(){filter();save()});"
    "fo.addEventListener('change',function(){filter();save()});"
    "window.addEventListener('hashchange',load);load()})();";

poa_status batch_write_dashboard(const batch_run *r, poa_error *err) {
    tallies t;
    memset(&t, 0, sizeof t);
    poa_buf rows = POA_BUF_INIT;
    for (size_t i = 0; i < r->n; i++) {
        const case_slot *s = &r->slots[i];
        const char *word = status_word(s);
        t.ok += case_ok(s);
        t.failed += s->state == CASE_FAILED;
        t.not_run += s->state == CASE_NOT_RUN;
        poa_buf_printf(&rows, "<tr class=\"%s\" data-status=\"%s\">",
                       case_ok(s) ? "ok" : "failed", word);
        poa_buf_puts(&rows, "<td class=\"case\" data-k=\"case\" data-v=\"");
        poa_buf_put_html(&rows, r->names[i]);
        poa_buf_puts(&rows, "\">");
        poa_buf_put_html(&rows, r->names[i]);
        poa_buf_printf(&rows, "<div><span class=\"chip %s\">%s</span></div></td>", word,
                       s->state == CASE_NOT_RUN ? "not run" : word);
        if (case_ok(s)) {
            ok_row(&rows, r, i, &t);
        } else {
            failed_row(&rows, r, i);
        }
        poa_buf_puts(&rows, "</tr>\n");
    }

    poa_buf b = POA_BUF_INIT;
    poa_buf_puts(&b,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, "
                 "initial-scale=1\">\n");
    /* Nothing from the network, ever: the policy forbids it outright. */
    poa_buf_puts(&b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                     "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                     "img-src data:\">\n");
    poa_buf_printf(&b, "<title>Batch summary — %zu case%s</title>\n<style>%s</style>\n",
                   r->n, r->n == 1 ? "" : "s", css);
    poa_buf_puts(&b, "</head>\n<body>\n<header>\n<h1>Plan of Action batch — account "
                     "health</h1>\n");
    poa_buf_printf(&b, "<p class=\"sub\">%zu case%s: %zu POA%s written, %zu failed", r->n,
                   r->n == 1 ? "" : "s", t.ok, t.ok == 1 ? "" : "s", t.failed);
    if (t.not_run) {
        poa_buf_printf(&b, ", %zu not run", t.not_run);
    }
    poa_buf_puts(&b,
                 ". Details per case in <a href=\"summary.csv\">summary.csv</a>.</p>\n");
    poa_buf_puts(&b, "<div class=\"cards\">");
    poa_buf_printf(&b, "<div class=\"card\"><b>%zu</b><span>cases</span></div>", r->n);
    poa_buf_printf(&b, "<div class=\"card%s\"><b>%zu</b><span>POAs written</span></div>",
                   t.ok == r->n && r->n ? " good" : "", t.ok);
    poa_buf_printf(&b, "<div class=\"card%s\"><b>%zu</b><span>cases failed</span></div>",
                   t.failed ? " bad" : "", t.failed);
    if (t.not_run) {
        poa_buf_printf(&b,
                       "<div class=\"card bad\"><b>%zu</b><span>not run (stopped)"
                       "</span></div>",
                       t.not_run);
    }
    poa_buf_printf(&b,
                   "<div class=\"card%s\"><b>%zu</b><span>drafts with review errors"
                   "</span></div>",
                   t.lint_errors ? " bad" : "", t.lint_errors);
    for (size_t k = 0; k < r->data->nmetrics && k < 32; k++) {
        const poa_metric_def *d = &r->data->metrics[k];
        if (!d->contractual) {
            continue;
        }
        char upper[8];
        size_t j = 0;
        for (; d->id[j] && j < sizeof upper - 1; j++) {
            upper[j] =
                (char)(d->id[j] >= 'a' && d->id[j] <= 'z' ? d->id[j] - 32 : d->id[j]);
        }
        upper[j] = '\0';
        poa_buf_printf(&b,
                       "<div class=\"card%s\"><b>%zu</b><span>%s above target</span>"
                       "</div>",
                       t.failing[k] ? " bad" : "", t.failing[k], upper);
    }
    poa_buf_puts(&b, "</div>\n</header>\n<main>\n");
    poa_buf_puts(
        &b, "<div id=\"controls\" hidden><input id=\"q\" type=\"search\" "
            "placeholder=\"Filter by case, seller, cause, error…\" aria-label=\"Filter\">"
            "<label><input id=\"fo\" type=\"checkbox\"> Failed cases only</label>"
            "<span id=\"count\"></span></div>\n");
    poa_buf_printf(
        &b,
        "<p class=\"legend\"><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
        "%d\" aria-hidden=\"true\"><rect class=\"t\" width=\"%d\" height=\"%d\" "
        "rx=\"2\"/><rect class=\"f\" style=\"fill:#3f9a5a\" width=\"%d\" "
        "height=\"%d\" rx=\"2\"/><path class=\"g\" d=\"M%d 0V%d\"/></svg> Each "
        "bar shows the defects (or, for targets to stay above, the shortfall) "
        "against what the target allows: the line is the target, red bars are "
        "past it. Hover a figure for its numerator, denominator and window.</p>\n",
        BAR_W, BAR_H, BAR_W, BAR_H, BAR_W, BAR_H, BAR_W / 4, BAR_H, BAR_W / 2, BAR_H);
    poa_buf_puts(&b, "<table id=\"cases\">\n<thead><tr><th data-k=\"case\">Case</th>"
                     "<th data-k=\"seller\">Seller</th>");
    for (size_t k = 0; k < r->data->nmetrics; k++) {
        const poa_metric_def *d = &r->data->metrics[k];
        char target[32];
        double pct = d->target * 100.0;
        snprintf(target, sizeof target, pct == floor(pct) ? "%.0f%%" : "%.1f%%", pct);
        poa_buf_printf(&b, "<th data-k=\"%s\" data-t=\"n\" title=\"", d->id);
        poa_buf_put_html(&b, poa_ltext_get(&d->name, "en"));
        poa_buf_puts(&b, "\">");
        for (const char *c = d->id; *c; c++) {
            poa_buf_putc(&b, (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c));
        }
        poa_buf_printf(&b, "<small>%s %s%s</small></th>",
                       d->op == POA_OP_LT || d->op == POA_OP_LE ? "&lt;" : "&gt;", target,
                       d->contractual ? "" : " indicator");
    }
    poa_buf_puts(&b, "<th>Top causes</th><th data-k=\"lint\" data-t=\"n\">Review</th>"
                     "<th>Documents</th></tr></thead>\n<tbody>\n");
    poa_buf_append(&b, poa_buf_cstr(&rows), rows.len);
    poa_buf_puts(&b,
                 "</tbody>\n</table>\n</main>\n<footer>Written by poagen " POAGEN_VERSION
                 ". Sort by clicking a column header; the page works offline and "
                 "without scripts.</footer>\n");
    poa_buf_printf(&b, "<script>%s</script>\n</body>\n</html>\n", script);
    if (rows.failed) {
        b.failed = 1;
    }
    poa_buf_free(&rows);
    return write_out(r, "index.html", &b, err);
}
