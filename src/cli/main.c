/* poagen — command line. The only code that prints or exits. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "poagen/batch.h"
#include "poagen/xmlload.h"
#include "poagen/date.h"

int poa_cli_init(int argc, char **argv);

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: poagen COMMAND [OPTIONS] ...\n"
    "\n"
    "Commands:\n"
    "  init CASE --notice FILE|-\n"
    "                    decode the marketplace's notice (text or .eml, six languages)\n"
    "                    and write CASE/case.xml (--reply FILE, --lang L, --force,\n"
    "                    --no-input, --format json)\n"
    "  analyze CASE      measure every account-health metric and diagnose the failures\n"
    "                    (--format text|json|md|html [-o FILE], --as-of YYYY-MM-DD)\n"
    "  generate CASE -o DIR\n"
    "                    write the Plan of Action (poa.md, poa.html, poa.pdf,\n"
    "                    checklist.md, analysis.json, report.html) and review it\n"
    "                    (--format md,html,pdf,checklist,json,report --lang L --paper "
    "a4|letter\n"
    "                    --template FILE --strict --reading-lang L: a reading copy\n"
    "                    poa.L.md/.html/.pdf in the seller's language)\n"
    "  inspect CASE      list the files found, their type, encoding, rows and dates\n"
    "  lint FILE...      review drafts (--template for templates; --format text|json;\n"
    "                    --disable ID; --lang L; --budget PAGES; --max-words N;\n"
    "                    --case DIR to check figures against the case's analysis;\n"
    "                    --reply-asked KINDS: what the marketplace's reply asked for,\n"
    "                    more-root-cause,more-actions,more-prevention,documents)\n"
    "  batch CASES -o DIR\n"
    "                    every case folder of CASES into DIR/<case>/, with summary.csv\n"
    "                    and index.html; -j N worker processes (default: one per\n"
    "                    core), --force redo unchanged cases, --quiet failures only\n"
    "  rules check [FILE] | rules list\n"
    "                    validate a rule table / list the causes it knows\n"
    "\n"
    "Common options:\n"
    "  --data DIR        data folder (templates, rule table); also POAGEN_DATA\n"
    "  --rules FILE      a rule table of your own\n"
    "  --marketplace M   the marketplace when case.xml does not name it\n"
    "  --encoding E      override encoding detection (UTF-8, UTF-16LE, CP1252, ...)\n"
    "  --quoting Q       auto (default), none or rfc4180\n"
    "  -h, --help        this help;  --version  the version\n"
    "\n"
    "Exit status: 0 done, 1 findings (lint errors, failed batch cases, generate "
    "--strict),\n"
    "2 usage or input error.\n";

typedef struct {
    const char *data_dir, *rules_path, *format, *out_dir, *template_path, *lang,
        *case_dir;
    const char *paper;
    int strict, template_mode, quiet, json, list_checks, force;
    unsigned jobs;
    const char *disabled[32];
    size_t ndisabled;
    unsigned pages, budget, max_words;
    unsigned reply_asked; /* lint --reply-asked: POA_REPLY_* bits */
    poa_run_options run;
    char **args;
    int nargs;
} cli;

static void print_warning(const poa_error *w, void *payload) {
    (void)payload;
    if (w->file[0]) {
        fprintf(stderr, "%s:%u:%u: warning: %s\n", w->file, w->line, w->column,
                w->message);
    } else {
        fprintf(stderr, "poagen: warning: %s\n", w->message);
    }
}
static const poa_warner warner = {print_warning, NULL};

static int report(const poa_error *e) {
    if (e->file[0]) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->column, e->message);
    } else {
        fprintf(stderr, "poagen: error: %s\n", e->message);
    }
    return e->status == POA_ERR_NOMEM ? EXIT_FINDINGS : EXIT_USAGE;
}

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "poagen: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'poagen --help'.\n");
    return EXIT_USAGE;
}

static int finish_stdout(void) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "poagen: error: cannot write the output: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static unsigned parse_formats(const char *s, int *ok) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"md", POA_OUT_MD},     {"html", POA_OUT_HTML},
                 {"pdf", POA_OUT_PDF},   {"checklist", POA_OUT_CHECKLIST},
                 {"json", POA_OUT_JSON}, {"report", POA_OUT_REPORT},
                 {"all", POA_OUT_ALL}};
    unsigned bits = 0;
    *ok = 1;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        unsigned found = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strcmp(tok, names[i].name) == 0) {
                found = names[i].bit;
            }
        }
        if (!found) {
            *ok = 0;
        }
        bits |= found;
    }
    return bits;
}

static int load_data(const cli *c, poa_data **out) {
    poa_error e;
    const char *dir = c->data_dir ? c->data_dir : poa_default_data_dir();
    if (poa_data_load(out, dir, c->rules_path, &e) != POA_OK) {
        return report(&e);
    }
    return EXIT_OK;
}

static void print_metric_text(const poa_metric *m) {
    char from[11], to[11], rate[32] = "no data", target[32];
    poa_day_format(m->from, from);
    poa_day_format(m->to, to);
    if (m->status != POA_NO_DATA) {
        poa_format_percent_lang(m->rate, "en", rate, sizeof rate);
    }
    poa_format_percent_lang(m->target_value, "en", target, sizeof target);
    const char *arrow = "·";
    if (m->denominator && m->prev_denominator) {
        __int128 now = (__int128)m->numerator * m->prev_denominator;
        __int128 before = (__int128)m->prev_numerator * m->denominator;
        arrow = now > before ? "↑" : now < before ? "↓" : "→";
    }
    printf("%-5s %-4s %3dd  %s..%s  %6lld/%-7lld %8s %s  %s%s  %s%s\n", m->id, m->channel,
           m->window_days, from, to, m->numerator, m->denominator, rate, arrow,
           m->target_op == POA_OP_LT || m->target_op == POA_OP_LE ? "<" : ">", target,
           m->status == POA_PASS   ? "  pass"
           : m->status == POA_FAIL ? "  FAIL"
                                   : "  no-data",
           m->immature ? "  (immature)" : "");
    if (m->report_name[0]) {
        printf("      %s %s %s%s%s\n",
               m->report_range ? "ours over the report's dates:" : "report:",
               m->marketplace, m->report_name, m->report_range ? "" : " status ",
               m->report_range ? "" : m->report_status);
        if (m->differs) {
            printf("      differs beyond rounding from the other figure\n");
        }
    }
}

static int cmd_analyze(cli *c) {
    if (c->nargs != 1) {
        return usage_error("analyze needs one case folder or file%s", "");
    }
    const char *fmt = c->format ? c->format : "text";
    if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "md") &&
        strcmp(fmt, "html")) {
        return usage_error("unknown --format '%s' (text, json, md or html)", fmt);
    }
    poa_data *d;
    int rc = load_data(c, &d);
    if (rc) {
        return rc;
    }
    poa_analysis a;
    poa_error e;
    c->run.without_model = strcmp(fmt, "json") != 0;
    if (poa_analysis_run(&a, c->args[0], d, &c->run, &e) != POA_OK) {
        poa_data_free(d);
        return report(&e);
    }
    char day[11];
    poa_day_format(a.metrics->as_of, day);
    if (strcmp(fmt, "html") == 0) {
        poa_report_input ri = {a.kase, a.metrics, a.diagnosis, a.remedies, d};
        poa_doc_options doc = {.paper = c->run.paper,
                               .lang = a.lang,
                               .creation_epoch = c->run.creation_epoch};
        poa_buf page = POA_BUF_INIT;
        rc = EXIT_OK;
        if (poa_render_report(&ri, &doc, &page, &e) != POA_OK ||
            (c->out_dir &&
             poa_write_file_atomic(c->out_dir, page.data, page.len, &e) != POA_OK)) {
            rc = report(&e);
        } else if (!c->out_dir) {
            fwrite(page.data, 1, page.len, stdout);
        }
        poa_buf_free(&page);
        poa_analysis_free(&a);
        poa_data_free(d);
        return rc ? rc : finish_stdout();
    }
    if (strcmp(fmt, "json") == 0) {
        /* Straight to stdout: the text of a large case's model would be a
         * second copy of it in memory. */
        if (json_dumpf(a.model, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) == 0) {
            putchar('\n');
        }
    } else if (strcmp(fmt, "md") == 0) {
        printf("# Account health as of %s\n\n",
               a.metrics->as_of == POA_NO_DAY ? "-" : day);
        printf(
            "| metric | channel | window | from | to | n/d | rate | target | status |\n");
        printf("|---|---|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < a.metrics->count; i++) {
            const poa_metric *m = &a.metrics->items[i];
            char from[11], to[11], rate[32] = "—", target[32];
            poa_day_format(m->from, from);
            poa_day_format(m->to, to);
            if (m->status != POA_NO_DATA) {
                poa_format_percent_lang(m->rate, "en", rate, sizeof rate);
            }
            poa_format_percent_lang(m->target_value, "en", target, sizeof target);
            printf("| %s | %s | %d days | %s | %s | %lld/%lld | %s | %s %s | %s%s |\n",
                   m->id, m->channel, m->window_days, from, to, m->numerator,
                   m->denominator, rate,
                   m->target_op == POA_OP_LT || m->target_op == POA_OP_LE ? "<" : ">",
                   target,
                   m->status == POA_PASS   ? "pass"
                   : m->status == POA_FAIL ? "**fail**"
                                           : "no data",
                   m->immature ? " (immature)" : "");
        }
        if (a.diagnosis->nfindings) {
            printf("\n## Findings\n\n");
        }
        for (size_t i = 0; i < a.diagnosis->nfindings; i++) {
            const poa_finding *f = &a.diagnosis->findings[i];
            char share[32];
            poa_format_percent_lang(f->share, "en", share, sizeof share);
            printf("%zu. %s — %s (explains %s)\n", i + 1,
                   f->metric ? f->metric->id : "policy", f->cause->id, share);
        }
    } else {
        printf("as of %s\n", a.metrics->as_of == POA_NO_DAY ? "-" : day);
        printf("%-5s %-4s %4s  %-22s  %14s %8s    %-8s %s\n", "metric", "chan", "win",
               "window", "n/d", "rate", "target", "status");
        for (size_t i = 0; i < a.metrics->count; i++) {
            print_metric_text(&a.metrics->items[i]);
        }
        for (size_t i = 0; i < a.kase->nreport_statuses; i++) {
            printf("account status %s: %s\n", a.kase->report_statuses[i].marketplace_id,
                   a.kase->report_statuses[i].status);
        }
        for (size_t i = 0; i < a.kase->nreport_quirks; i++) {
            printf("report quirk: %s\n", a.kase->report_quirks[i]);
        }
        for (size_t i = 0; i < a.diagnosis->nfindings; i++) {
            const poa_finding *f = &a.diagnosis->findings[i];
            char share[32];
            poa_format_percent_lang(f->share, "en", share, sizeof share);
            printf("finding %zu: %s %s (explains %s)\n", i + 1,
                   f->metric ? f->metric->id : "policy", f->cause->id, share);
        }
    }
    poa_analysis_free(&a);
    poa_data_free(d);
    return finish_stdout();
}

static void print_lint(const char *file, const poa_lint_result *r, int json,
                       json_t *all) {
    for (size_t i = 0; i < r->count; i++) {
        const poa_lint_issue *is = &r->items[i];
        const char *sev = is->severity == POA_LINT_ERROR ? "error" : "warning";
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "file", json_string(file));
            json_object_set_new(o, "line", json_integer(is->line));
            json_object_set_new(o, "column", json_integer(is->column));
            json_object_set_new(o, "severity", json_string(sev));
            json_object_set_new(o, "check", json_string(is->check));
            json_object_set_new(o, "message", json_string(is->message));
            json_array_append_new(all, o);
        } else {
            printf("%s:%u:%u: %s: %s [%s]\n", file, is->line, is->column, sev,
                   is->message, is->check);
        }
    }
}

/* Data, review phrase lists and fonts, loaded once per run. Without fonts
 * lint still works (pdf_optional: the page budget check is then skipped). */
static int open_shared(cli *c, poa_data **d, poa_lint_rules **lr, poa_pdf_context **pdf,
                       int pdf_optional) {
    *lr = NULL;
    *pdf = NULL;
    int rc = load_data(c, d);
    if (rc) {
        return rc;
    }
    poa_error e;
    if (poa_lint_rules_load(lr, (*d)->dir, &e) != POA_OK) {
        poa_data_free(*d);
        return report(&e);
    }
    char fbuf[4096];
    const char *fonts = poa_default_font_dir((*d)->dir, fbuf, sizeof fbuf);
    if (poa_pdf_context_new(pdf, fonts, &e) != POA_OK) {
        if (pdf_optional) {
            *pdf = NULL;
            return EXIT_OK;
        }
        poa_lint_rules_free(*lr);
        poa_data_free(*d);
        return report(&e);
    }
    return EXIT_OK;
}

static int cmd_generate(cli *c) {
    if (c->nargs != 1 || !c->out_dir) {
        return usage_error("generate needs one case folder and -o DIR%s", "");
    }
    poa_data *d;
    poa_lint_rules *lr;
    poa_pdf_context *pdf;
    int rc = open_shared(c, &d, &lr, &pdf, 0);
    if (rc) {
        return rc;
    }
    poa_run_shared shared = {d, lr, pdf};
    poa_generate_result res;
    poa_error e;
    poa_status st = poa_generate_case(c->args[0], c->out_dir, &shared, &c->run, &res, &e);
    if (st != POA_OK) {
        rc = report(&e);
    } else {
        char path[4096];
        snprintf(path, sizeof path, "%s/poa.md", c->out_dir);
        print_lint(path, &res.lint, 0, NULL);
        for (size_t i = 0; i < res.nunexplained; i++) {
            const poa_unexplained_metric *u = &res.unexplained[i];
            fprintf(stderr,
                    "poagen: warning: the %s (%s) failed: %s, %lld/%lld from %s to %s, "
                    "target %s; no root cause in the data explains it, so the POA does "
                    "not address it — find the cause before submitting (listed in "
                    "checklist.md)\n",
                    u->name, u->id, u->rate, u->numerator, u->denominator, u->from, u->to,
                    u->target);
        }
        fprintf(stderr,
                "poagen: wrote %s (%u page%s); review: %zu error%s, %zu warning%s\n",
                c->out_dir, res.pages, res.pages == 1 ? "" : "s", res.lint_errors,
                res.lint_errors == 1 ? "" : "s", res.lint_warnings,
                res.lint_warnings == 1 ? "" : "s");
        rc = c->strict && res.lint_errors ? EXIT_FINDINGS : EXIT_OK;
        poa_lint_result_free(&res.lint);
    }
    poa_pdf_context_free(pdf);
    poa_lint_rules_free(lr);
    poa_data_free(d);
    int out_rc = finish_stdout();
    return rc ? rc : out_rc;
}

static int cmd_inspect(cli *c) {
    if (c->nargs != 1) {
        return usage_error("inspect needs one case folder%s", "");
    }
    poa_data *d;
    int rc = load_data(c, &d);
    if (rc) {
        return rc;
    }
    poa_case *k;
    poa_error e;
    poa_ingest_options io = {c->run.marketplace, c->run.encoding, c->run.quoting,
                             &warner};
    if (poa_case_load(&k, c->args[0], d, &io, &e) != POA_OK) {
        poa_data_free(d);
        return report(&e);
    }
    printf("case: %s\n", c->args[0]);
    printf("marketplace: %s\n",
           k->marketplace ? k->marketplace->names[0] : "unknown (UTC, English)");
    if (k->info.present) {
        printf("case.xml: seller %s, account %s\n", k->info.seller_name,
               k->info.account_status ? k->info.account_status : "-");
    }
    for (size_t i = 0; i < k->nfiles; i++) {
        const poa_input_file *f = &k->files[i];
        char a[11] = "-", b[11] = "-";
        if (f->first_day != POA_NO_DAY) {
            poa_day_format(f->first_day, a);
            poa_day_format(f->last_day, b);
        }
        printf("%s: %s, %s, %s-separated, %llu rows (%llu repeated order rows), %s..%s",
               f->path, f->type, f->encoding, f->delimiter == ',' ? "comma" : "tab",
               f->rows, f->duplicates, a, b);
        if (f->quoted_fields) {
            printf(", %llu quoted fields", f->quoted_fields);
        }
        if (f->blank_lines) {
            printf(", %llu blank lines skipped", f->blank_lines);
        }
        if (f->short_rows) {
            printf(", %llu short rows (missing trailing fields read as empty)",
                   f->short_rows);
        }
        if (f->skipped) {
            printf(", %llu rows skipped (%s)", f->skipped, f->skip_reason);
        }
        if (f->rows == 0 && strncmp(f->type, "performance", 11) != 0) {
            printf(", header only: no rows");
        }
        printf("\n");
    }
    printf("orders: %zu distinct, feedback: %zu, claims: %zu, chargebacks: %zu, returns: "
           "%zu\n",
           k->norders, k->nfeedback, k->nclaims, k->nchargebacks, k->nreturns);
    for (size_t i = 0; i < k->nreport_quirks; i++) {
        printf("report quirk: %s\n", k->report_quirks[i]);
    }
    poa_case_free(k);
    poa_data_free(d);
    return finish_stdout();
}

/* Language variants of one template (same file name, another folder) must
 * open the same sections: a cause missing in one language is a POA that
 * silently lacks it. Compared with the first variant given. */
static void check_variants(const cli *c, int i, const char *text, poa_lint_result *r) {
    const char *base = strrchr(c->args[i], '/');
    base = base ? base + 1 : c->args[i];
    for (int j = 0; j < i; j++) {
        const char *other = strrchr(c->args[j], '/');
        other = other ? other + 1 : c->args[j];
        if (strcmp(base, other) != 0) {
            continue;
        }
        poa_buf mine = POA_BUF_INIT, theirs = POA_BUF_INIT, tb = POA_BUF_INIT;
        poa_error e;
        if (poa_buf_read_file(&tb, c->args[j], 16 << 20, &e) == POA_OK) {
            poa_template_sections(text, &mine);
            poa_template_sections(poa_buf_cstr(&tb), &theirs);
            for (int pass = 0; pass < 2; pass++) {
                const char *from = poa_buf_cstr(pass ? &mine : &theirs);
                const char *in = poa_buf_cstr(pass ? &theirs : &mine);
                for (const char *l = from; *l;) {
                    const char *nl = strchr(l, '\n');
                    size_t n = nl ? (size_t)(nl - l) : strlen(l);
                    char probe[320];
                    snprintf(probe, sizeof probe, "\n%.*s\n", (int)(n < 300 ? n : 300),
                             l);
                    int found = strncmp(in, probe + 1, strlen(probe + 1)) == 0 ||
                                strstr(in, probe);
                    if (!found && r->count < 10000) {
                        poa_lint_issue is = {
                            .severity = POA_LINT_ERROR, .line = 1, .column = 1};
                        snprintf(is.check, sizeof is.check, "variant-sections");
                        snprintf(is.message, sizeof is.message,
                                 pass ? "opens section '%.*s', which %.100s does not"
                                      : "lacks section '%.*s', which %.100s opens",
                                 (int)(n < 100 ? n : 100), l, c->args[j]);
                        poa_lint_issue *p = realloc(r->items, (r->count + 1) * sizeof *p);
                        if (p) {
                            r->items = p;
                            r->cap = r->count + 1;
                            r->items[r->count++] = is;
                        }
                    }
                    l += n + (nl ? 1 : 0);
                }
            }
        }
        poa_buf_free(&mine);
        poa_buf_free(&theirs);
        poa_buf_free(&tb);
        poa_lint_sort(r);
        return;
    }
}

static int cmd_lint(cli *c) {
    if (c->list_checks) {
        for (size_t i = 0; poa_lint_checks[i][0]; i++) {
            printf("%-26s %s\n", poa_lint_checks[i][0], poa_lint_checks[i][1]);
        }
        return finish_stdout();
    }
    if (c->nargs < 1) {
        return usage_error("lint needs at least one file%s", "");
    }
    poa_data *d;
    poa_lint_rules *lr;
    poa_pdf_context *pdf;
    int rc = open_shared(c, &d, &lr, &pdf, 1);
    if (rc) {
        return rc;
    }
    poa_error e;
    /* With --case, the checks that need the data run against the case's
     * own analysis; without it they are skipped, and the summary says so. */
    poa_analysis kase;
    memset(&kase, 0, sizeof kase);
    if (c->case_dir && poa_analysis_run(&kase, c->case_dir, d, &c->run, &e) != POA_OK) {
        poa_pdf_context_free(pdf);
        poa_lint_rules_free(lr);
        poa_data_free(d);
        return report(&e);
    }
    int json = c->format && strcmp(c->format, "json") == 0;
    json_t *all = json ? json_array() : NULL;
    size_t errors = 0, warnings = 0;
    rc = EXIT_OK;
    for (int i = 0; i < c->nargs && rc == EXIT_OK; i++) {
        poa_buf text = POA_BUF_INIT;
        if (poa_buf_read_file(&text, c->args[i], 16 << 20, &e) != POA_OK) {
            rc = report(&e);
            poa_buf_free(&text);
            break;
        }
        poa_lint_result r = {0};
        unsigned pages = c->pages;
        if (!pages && !c->template_mode && pdf) {
            /* Length is measured on the PDF layout, not guessed from words. */
            poa_buf sink = POA_BUF_INIT;
            poa_doc_options doc = {
                .paper = c->run.paper, .lang = c->lang, .creation_epoch = -1};
            if (poa_render_pdf(pdf, text.data, text.len, &doc, &sink, &pages, NULL, &e) !=
                POA_OK) {
                pages = 0;
            }
            poa_buf_free(&sink);
        }
        poa_lint_options lo = {
            .lang = c->lang,
            .template_mode = c->template_mode,
            .pages = pages,
            .page_budget = c->budget,
            .max_page_budget = (unsigned)d->page_budget_max,
            .max_words = c->max_words,
            .disabled = c->disabled,
            .ndisabled = c->ndisabled,
            .model = kase.model,
            .reply =
                (c->reply_asked | (kase.kase ? poa_model_reply_kinds(kase.kase) : 0)) &
                15u,
            .seller_email = kase.kase ? kase.kase->info.email : NULL};
        if (kase.model && !lo.lang) {
            lo.lang = kase.lang;
        }
        if (poa_lint_text(&r, lr, text.data, text.len, &lo, &e) != POA_OK) {
            rc = report(&e);
        }
        if (c->template_mode && kase.model) {
            /* Partials are looked up beside the template, as generate does. */
            char dir[4096];
            snprintf(dir, sizeof dir, "%s", c->args[i]);
            char *slash = strrchr(dir, '/');
            if (slash) {
                *slash = '\0';
            } else {
                snprintf(dir, sizeof dir, ".");
            }
            poa_lint_template_vars(&r, text.data ? text.data : "", kase.model, d, dir);
        }
        if (c->template_mode) {
            check_variants(c, i, text.data ? text.data : "", &r);
        }
        print_lint(c->args[i], &r, json, all);
        for (size_t k = 0; k < r.count; k++) {
            if (r.items[k].severity == POA_LINT_ERROR) {
                errors++;
            } else {
                warnings++;
            }
        }
        poa_lint_result_free(&r);
        poa_buf_free(&text);
    }
    if (json) {
        char *s = json_dumps(all, JSON_INDENT(2));
        if (s) {
            puts(s);
            free(s);
        }
        json_decref(all);
    } else if (rc == EXIT_OK) {
        printf("%zu error%s, %zu warning%s in %d file%s\n", errors,
               errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", c->nargs,
               c->nargs == 1 ? "" : "s");
    }
    if (!c->case_dir && !c->template_mode && !json && rc == EXIT_OK) {
        fprintf(stderr,
                "poagen: checks that need the case's data were skipped: give it with "
                "--case DIR\n");
    }
    poa_analysis_free(&kase);
    poa_pdf_context_free(pdf);
    poa_lint_rules_free(lr);
    poa_data_free(d);
    int out_rc = finish_stdout();
    if (rc) {
        return rc;
    }
    return out_rc ? out_rc : errors ? EXIT_FINDINGS : EXIT_OK;
}

/* The batch's progress: a bar redrawn in place on a terminal, plain lines
 * for a log; failures always, on lines of their own. */
typedef struct {
    const cli *c;
    int tty;
    struct timespec start, last_draw;
    int bar_shown;
} batch_view;

static double seconds_since(const struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void draw_bar(batch_view *v, const poa_batch_progress *p) {
    enum { WIDTH = 28 };
    size_t fill = p->total ? p->done * WIDTH / p->total : WIDTH;
    char bar[WIDTH * 3 + 1];
    size_t k = 0;
    for (size_t i = 0; i < WIDTH; i++) {
        const char *cell = i < fill ? "█" : "░";
        memcpy(bar + k, cell, 3);
        k += 3;
    }
    bar[k] = '\0';
    double elapsed = seconds_since(&v->start);
    char eta[32] = "--:--";
    if (p->done && p->done < p->total) {
        long left =
            (long)(elapsed / (double)p->done * (double)(p->total - p->done) + 0.5);
        snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    } else if (p->done == p->total) {
        snprintf(eta, sizeof eta, "done");
    }
    fprintf(stderr, "\r%s %zu/%zu cases  %zu failed  %zu unchanged  ETA %s\033[K", bar,
            p->done, p->total, p->failed, p->skipped, eta);
    v->bar_shown = 1;
    clock_gettime(CLOCK_MONOTONIC, &v->last_draw);
}

static void batch_progress(const poa_batch_progress *p, void *payload) {
    batch_view *v = payload;
    if (p->current_failed && p->error) {
        if (v->bar_shown) {
            fputs("\r\033[K", stderr);
            v->bar_shown = 0;
        }
        fprintf(stderr, "%s: failed: %s:%u:%u: %s\n", p->current, p->error->file,
                p->error->line, p->error->column, p->error->message);
    }
    if (v->c->quiet) {
        return;
    }
    if (v->tty) {
        /* Redrawing thousands of times a second would cost more than the
         * cases; ten times a second is plenty for the eye. */
        if (!v->bar_shown || p->done == p->total || seconds_since(&v->last_draw) > 0.1) {
            draw_bar(v, p);
        }
    } else {
        fprintf(stderr, "[%zu/%zu] %s %s (%zu failed)\n", p->done, p->total, p->current,
                p->current_failed    ? "FAILED"
                : p->current_skipped ? "unchanged"
                                     : "done",
                p->failed);
    }
}

static int cmd_batch(cli *c) {
    if (c->nargs != 1 || !c->out_dir) {
        return usage_error("batch needs one cases folder and -o DIR%s", "");
    }
    poa_data *d;
    poa_lint_rules *lr;
    poa_pdf_context *pdf;
    int rc = open_shared(c, &d, &lr, &pdf, 0);
    if (rc) {
        return rc;
    }
    poa_run_shared shared = {d, lr, pdf};
    poa_error e;
    c->run.warner = NULL; /* per-case warnings would drown the progress lines */
    /* The dashboard reads every case's analysis.json. */
    c->run.formats |= POA_OUT_JSON;
    char fbuf[4096];
    poa_batch_options bo = {c->jobs, c->force,
                            poa_default_font_dir(d->dir, fbuf, sizeof fbuf), NULL};
    batch_view view = {c, isatty(STDERR_FILENO), {0, 0}, {0, 0}, 0};
    clock_gettime(CLOCK_MONOTONIC, &view.start);
    poa_batch_totals t;
    if (poa_batch_run_ex(c->args[0], c->out_dir, &shared, &c->run, &bo, batch_progress,
                         &view, &t, &e) != POA_OK) {
        if (view.bar_shown) {
            fputs("\n", stderr);
        }
        rc = report(&e);
    } else {
        if (view.bar_shown) {
            fputs("\n", stderr);
        }
        if (!c->quiet || t.interrupted) {
            fprintf(stderr,
                    "poagen: %zu case%s: %zu written, %zu unchanged, %zu failed%s in "
                    "%.1f s; see %s/index.html and %s/summary.csv\n",
                    t.total, t.total == 1 ? "" : "s", t.generated, t.skipped, t.failed,
                    t.interrupted ? ", stopped by a signal" : "",
                    seconds_since(&view.start), c->out_dir, c->out_dir);
        }
        rc = t.failed ? EXIT_FINDINGS : EXIT_OK;
    }
    poa_pdf_context_free(pdf);
    poa_lint_rules_free(lr);
    poa_data_free(d);
    if (rc != EXIT_USAGE && t.interrupted) {
        /* Die of the signal, as the shell that sent it expects. */
        signal(t.interrupted, SIG_DFL);
        raise(t.interrupted);
    }
    return rc;
}

static void print_rule_problem(const poa_error *w, void *payload) {
    (void)payload;
    fprintf(stderr, "%s: error: %s\n", w->file, w->message);
}

static int cmd_rules(cli *c) {
    if (c->nargs < 1 || (strcmp(c->args[0], "check") && strcmp(c->args[0], "list"))) {
        return usage_error("rules needs 'check [FILE]' or 'list'%s", "");
    }
    if (c->nargs == 2) {
        c->rules_path = c->args[1];
    }
    poa_data *d;
    int rc = load_data(c, &d);
    if (rc) {
        return rc;
    }
    if (strcmp(c->args[0], "list") == 0) {
        for (size_t i = 0; i < d->ncauses; i++) {
            const poa_cause_def *cd = &d->causes[i];
            printf("%-28s %-8s %-7s %s\n", cd->id, cd->metric[0] ? cd->metric : "notice",
                   cd->source, poa_ltext_get(&cd->title, c->lang ? c->lang : "en"));
        }
    } else {
        poa_warner w = {print_rule_problem, NULL};
        size_t problems = poa_rules_check(d, &w);
        printf("%s: %zu cause%s, %zu problem%s\n", d->rules_path, d->ncauses,
               d->ncauses == 1 ? "" : "s", problems, problems == 1 ? "" : "s");
        rc = problems ? EXIT_FINDINGS : EXIT_OK;
    }
    poa_data_free(d);
    int out_rc = finish_stdout();
    return rc ? rc : out_rc;
}

int main(int argc, char **argv) {
    atexit(poa_xml_release_cache);
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, stdout);
        return finish_stdout();
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("poagen %s\n", POAGEN_VERSION);
        return finish_stdout();
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "init") == 0) {
        return poa_cli_init(argc, argv);
    }
    cli c;
    memset(&c, 0, sizeof c);
    c.run.as_of = POA_NO_DAY;
    c.run.formats = POA_OUT_MD | POA_OUT_HTML | POA_OUT_PDF | POA_OUT_CHECKLIST |
                    POA_OUT_JSON | POA_OUT_REPORT;
    c.run.creation_epoch = -1;
    c.run.warner = &warner;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        c.run.creation_epoch = strtoll(sde, NULL, 10);
    }
    enum {
        O_DATA = 256,
        O_RULES,
        O_ASOF,
        O_LANG,
        O_READING_LANG,
        O_PAPER,
        O_TEMPLATE,
        O_STRICT,
        O_MARKET,
        O_ENC,
        O_QUOTING,
        O_DISABLE,
        O_PAGES,
        O_BUDGET,
        O_QUIET,
        O_MAX_WORDS,
        O_LIST_CHECKS,
        O_CASE,
        O_FORCE,
        O_REPLY_ASKED
    };
    struct option opts[] = {{"data", required_argument, 0, O_DATA},
                            {"rules", required_argument, 0, O_RULES},
                            {"format", required_argument, 0, 'f'},
                            {"output", required_argument, 0, 'o'},
                            {"as-of", required_argument, 0, O_ASOF},
                            {"lang", required_argument, 0, O_LANG},
                            {"reading-lang", required_argument, 0, O_READING_LANG},
                            {"paper", required_argument, 0, O_PAPER},
                            {"template", required_argument, 0, O_TEMPLATE},
                            {"strict", no_argument, 0, O_STRICT},
                            {"marketplace", required_argument, 0, O_MARKET},
                            {"encoding", required_argument, 0, O_ENC},
                            {"quoting", required_argument, 0, O_QUOTING},
                            {"disable", required_argument, 0, O_DISABLE},
                            {"pages", required_argument, 0, O_PAGES},
                            {"budget", required_argument, 0, O_BUDGET},
                            {"quiet", no_argument, 0, O_QUIET},
                            {"max-words", required_argument, 0, O_MAX_WORDS},
                            {"list-checks", no_argument, 0, O_LIST_CHECKS},
                            {"case", required_argument, 0, O_CASE},
                            {"force", no_argument, 0, O_FORCE},
                            {"reply-asked", required_argument, 0, O_REPLY_ASKED},
                            {"jobs", required_argument, 0, 'j'},
                            {"help", no_argument, 0, 'h'},
                            {0, 0, 0, 0}};
    /* lint --template marks the files as templates; elsewhere --template
     * names a consultant's own master template. */
    for (struct option *o = opts; o->name; o++) {
        if (strcmp(o->name, "template") == 0 && strcmp(cmd, "lint") == 0) {
            o->has_arg = no_argument;
        }
    }
    optind = 2;
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "f:o:j:h", opts, NULL)) != -1) {
        switch (ch) {
        case O_DATA:
            c.data_dir = optarg;
            break;
        case O_RULES:
            c.rules_path = optarg;
            break;
        case 'f':
            c.format = optarg;
            break;
        case 'o':
            c.out_dir = optarg;
            break;
        case 'j': {
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || *end || n < 1 || n > 256) {
                return usage_error("-j '%s': give a number of worker processes, 1 to 256",
                                   optarg);
            }
            c.jobs = (unsigned)n;
            break;
        }
        case O_ASOF: {
            int day;
            if (poa_parse_iso_day(optarg, strlen(optarg), 0, &day, NULL) != 0) {
                return usage_error("--as-of '%s' is not a date (YYYY-MM-DD)", optarg);
            }
            c.run.as_of = day;
            break;
        }
        case O_LANG:
            if (!strstr(POA_LANGS, optarg) || strlen(optarg) != 2) {
                return usage_error("--lang '%s': use en, nl, sv, es, da or zh", optarg);
            }
            c.lang = optarg;
            c.run.lang = optarg;
            break;
        case O_READING_LANG:
            if (strcmp(cmd, "generate") != 0) {
                return usage_error("--reading-lang is an option of generate%s", "");
            }
            if (!strstr(POA_LANGS, optarg) || strlen(optarg) != 2) {
                return usage_error("--reading-lang '%s': use en, nl, sv, es, da or zh",
                                   optarg);
            }
            c.run.reading_lang = optarg;
            break;
        case O_PAPER:
            if (strcmp(optarg, "a4") == 0 || strcmp(optarg, "A4") == 0) {
                c.run.paper = POA_PAPER_A4;
            } else if (strcmp(optarg, "letter") == 0) {
                c.run.paper = POA_PAPER_LETTER;
            } else {
                return usage_error("--paper '%s': use a4 or letter", optarg);
            }
            break;
        case O_TEMPLATE:
            if (strcmp(cmd, "lint") == 0) {
                c.template_mode = 1;
            } else {
                c.run.template_path = optarg;
            }
            break;
        case O_STRICT:
            c.strict = 1;
            break;
        case O_MARKET:
            c.run.marketplace = optarg;
            break;
        case O_ENC:
            c.run.encoding = optarg;
            break;
        case O_QUOTING:
            if (strcmp(optarg, "auto") == 0) {
                c.run.quoting = 0;
            } else if (strcmp(optarg, "none") == 0) {
                c.run.quoting = 1;
            } else if (strcmp(optarg, "rfc4180") == 0) {
                c.run.quoting = 2;
            } else {
                return usage_error("--quoting '%s': use auto, none or rfc4180", optarg);
            }
            break;
        case O_DISABLE:
            if (c.ndisabled < 32) {
                c.disabled[c.ndisabled++] = optarg;
            }
            break;
        case O_PAGES:
            c.pages = (unsigned)atoi(optarg);
            break;
        case O_BUDGET:
            c.budget = (unsigned)atoi(optarg);
            break;
        case O_QUIET:
            c.quiet = 1;
            break;
        case O_CASE:
            c.case_dir = optarg;
            break;
        case O_LIST_CHECKS:
            c.list_checks = 1;
            break;
        case O_MAX_WORDS:
            c.max_words = (unsigned)atoi(optarg);
            break;
        case O_FORCE:
            c.force = 1;
            break;
        case O_REPLY_ASKED:
            /* What the marketplace's reply asked for, as case.xml's reply kinds. */
            for (const char *p = optarg; *p;) {
                size_t n = strcspn(p, ", ");
                unsigned bit = n ? poa_reply_kind(p, n) : 0;
                /* rejected and reinstated are replies, not requests. */
                if (n && !(bit & 15u)) {
                    return usage_error(
                        "--reply-asked: unknown kind in '%s' (more-root-cause, "
                        "more-actions, more-prevention, documents)",
                        optarg);
                }
                c.reply_asked |= bit;
                p += n + (p[n] != '\0');
            }
            if (!c.reply_asked) {
                return usage_error("--reply-asked: name what the reply asked for in '%s' "
                                   "(more-root-cause, more-actions, more-prevention, "
                                   "documents)",
                                   optarg);
            }
            break;
        case 'h':
            fputs(usage_text, stdout);
            return finish_stdout();
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    c.args = argv + optind;
    c.nargs = argc - optind;
    if (strcmp(cmd, "generate") == 0 && c.format) {
        int ok;
        c.run.formats = parse_formats(c.format, &ok);
        if (!ok || !c.run.formats) {
            return usage_error(
                "--format '%s': use md, html, pdf, checklist, json, report or all",
                c.format);
        }
    }
    if (strcmp(cmd, "analyze") == 0) {
        return cmd_analyze(&c);
    }
    if (strcmp(cmd, "generate") == 0) {
        return cmd_generate(&c);
    }
    if (strcmp(cmd, "inspect") == 0) {
        return cmd_inspect(&c);
    }
    if (strcmp(cmd, "lint") == 0) {
        return cmd_lint(&c);
    }
    if (strcmp(cmd, "batch") == 0) {
        return cmd_batch(&c);
    }
    if (strcmp(cmd, "rules") == 0) {
        return cmd_rules(&c);
    }
    return usage_error("unknown command '%s'", cmd);
}
