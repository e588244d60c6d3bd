/* poagen init: from the marketplace's notice to a ready case.xml. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "poagen/buf.h"
#include "poagen/date.h"
#include "poagen/ingest.h"
#include "poagen/notice.h"

int poa_cli_init(int argc, char **argv);

enum { MAX_NOTICE = 4 * 1024 * 1024 };

static const char init_usage[] =
    "usage: poagen init CASE [--notice FILE|-] [--reply FILE] [--lang L] [--force]\n"
    "                   [--no-input] [--format text|json] [--data DIR] [--rules FILE]\n"
    "Reads the marketplace's notice (text or a saved .eml e-mail), and writes "
    "CASE/case.xml\n"
    "with what it says. On a terminal it asks for the facts the notice cannot give.\n"
    "With --reply alone, adds the marketplace's reply to an existing case.xml.\n";

static int init_report(const poa_error *e) {
    if (e->file[0]) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->column, e->message);
    } else {
        fprintf(stderr, "poagen: error: %s\n", e->message);
    }
    return 2;
}

static void init_warning(const poa_error *w, void *payload) {
    (void)payload;
    if (w->file[0]) {
        fprintf(stderr, "%s:%u:%u: warning: %s\n", w->file, w->line, w->column,
                w->message);
    } else {
        fprintf(stderr, "poagen: warning: %s\n", w->message);
    }
}

/* Does the folder hold anything but case.xml? (No exports yet is fine.) */
static int has_exports(const char *dir) {
    DIR *dp = opendir(dir);
    if (!dp) {
        return 0;
    }
    int found = 0;
    for (struct dirent *de; !found && (de = readdir(dp)) != NULL;) {
        found = de->d_name[0] != '.' && strcmp(de->d_name, "case.xml") != 0;
    }
    closedir(dp);
    return found;
}

static poa_status read_input(poa_buf *raw, const char *path, poa_error *err) {
    if (strcmp(path, "-") != 0) {
        return poa_buf_read_file(raw, path, MAX_NOTICE, err);
    }
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        poa_buf_append(raw, chunk, k);
        if (raw->len > MAX_NOTICE) {
            return poa_error_set(err, POA_ERR_PARSE, "<stdin>", 0, 0,
                                 "the notice is larger than 4 MB — give only its text");
        }
    }
    if (ferror(stdin)) {
        return poa_error_set(err, POA_ERR_IO, "<stdin>", 0, 0, "cannot read: %s",
                             strerror(errno));
    }
    return POA_OK;
}

static poa_status decode_file(poa_notice **out, const char *path,
                              const poa_notice_table *t, const poa_data *d,
                              const char *lang, int reply, poa_error *err) {
    poa_buf raw = POA_BUF_INIT, text = POA_BUF_INIT;
    int32_t date = POA_NO_DAY;
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    poa_status st = read_input(&raw, path, err);
    if (st == POA_OK) {
        st = poa_notice_text(&text, &date, poa_buf_cstr(&raw), raw.len, name, err);
    }
    if (st == POA_OK) {
        poa_notice_options opt = {lang, date, reply};
        st = poa_notice_decode(out, t, d, poa_buf_cstr(&text), text.len, &opt, err);
    }
    poa_buf_free(&raw);
    poa_buf_free(&text);
    return st;
}

/* One line from stdin without its line end; NULL at end of input. */
static char *read_line(char *buf, size_t cap) {
    if (!fgets(buf, (int)cap, stdin)) {
        return NULL;
    }
    buf[strcspn(buf, "\r\n")] = 0;
    return buf;
}

/* Ask every question on the terminal; end of input leaves the rest as
 * placeholders. Returns 0, or -1 when input ended early. */
static int ask_all(poa_case_draft *dr) {
    char line[1100], why[200];
    fprintf(stderr,
            "The notice does not give these facts. Answer each one (an empty answer "
            "skips an optional one; end input with Ctrl-D to leave the rest as "
            "[[TO FILL]] placeholders).\n");
    for (size_t i = 0; i < dr->nquestions; i++) {
        poa_question *q = &dr->questions[i];
        for (;;) {
            fprintf(stderr, "%s%s: ", q->ask,
                    q->type == POA_Q_CHOICE
                        ? (q->choices && !strcmp(q->choices, "remediate|dispute")
                               ? " [remediate|dispute]"
                               : "")
                        : "");
            fflush(stderr);
            if (!read_line(line, sizeof line)) {
                fputc('\n', stderr);
                return -1;
            }
            if (poa_question_check(q, line, why, sizeof why) == 0) {
                poa_question_answer(dr, q, line);
                break;
            }
            fprintf(stderr, "  %s\n", why);
        }
    }
    fprintf(stderr,
            "Evidence you hold, one document per answer (empty answer to finish).\n");
    for (;;) {
        fprintf(stderr, "Evidence: ");
        fflush(stderr);
        if (!read_line(line, sizeof line)) {
            fputc('\n', stderr);
            return -1;
        }
        if (!line[0]) {
            return 0;
        }
        char item[1100];
        snprintf(item, sizeof item, "%s", line);
        int32_t day = POA_NO_DAY;
        for (;;) {
            fprintf(stderr, "  Its date (YYYY-MM-DD, empty if none): ");
            fflush(stderr);
            if (!read_line(line, sizeof line)) {
                fputc('\n', stderr);
                poa_case_draft_add_evidence(dr, item, POA_NO_DAY);
                return -1;
            }
            int dd;
            if (!line[0]) {
                break;
            }
            if (strlen(line) == 10 && line[4] == '-' && line[7] == '-' &&
                poa_parse_iso_day(line, 10, 0, &dd, NULL) == 0) {
                day = dd;
                break;
            }
            fprintf(stderr, "  write the date as YYYY-MM-DD, e.g. 2026-11-18\n");
        }
        poa_case_draft_add_evidence(dr, item, day);
    }
}

static void summary(const poa_notice *n, const poa_case_draft *dr, const char *path,
                    int json) {
    if (!n->understood) {
        fprintf(
            stderr,
            "poagen: the notice was not understood%s: no cause and no action found. "
            "case.xml names none; add the <cause> elements by hand, or add the wording "
            "to notices.xml. Sentences not understood:\n",
            n->language ? "" : " (its language is none poagen reads: en nl sv es da zh)");
        for (size_t i = 0; i < n->nunknown; i++) {
            fprintf(stderr, "  | %s\n", n->unknown[i]);
        }
    }
    for (size_t i = 0; i < n->ncauses; i++) {
        if (!n->causes[i].poa) {
            fprintf(
                stderr,
                "poagen: '%s': a Plan of Action is the wrong answer to this notice; it "
                "asks for documents or information. What it asks for:\n",
                n->causes[i].id);
            for (size_t k = 0; k < n->nasks; k++) {
                fprintf(stderr, "  %s%s\n", n->asks[k][0] == '-' ? "" : "- ", n->asks[k]);
            }
            if (!n->nasks) {
                fprintf(stderr, "  (read the notice: it names the documents)\n");
            }
            break;
        }
    }
    if (json) {
        return;
    }
    size_t fill = 0;
    for (size_t i = 0; i < dr->nquestions; i++) {
        fill += !dr->questions[i].value && !dr->questions[i].optional;
    }
    printf("wrote %s\n", path);
    printf("  language:    %s\n", dr->language ? dr->language : "unknown");
    printf("  marketplace: %s\n", dr->marketplace ? dr->marketplace : "not named");
    printf("  action:      %s (account status %s)\n", n->action ? n->action : "not named",
           dr->status);
    printf("  causes:     ");
    for (size_t i = 0; i < n->ncauses; i++) {
        printf(" %s", n->causes[i].id);
    }
    printf("%s\n", n->ncauses ? "" : " none found");
    char day[11];
    if (n->nasins) {
        printf("  ASINs:      ");
        for (size_t i = 0; i < n->nasins; i++) {
            printf(" %s", n->asins[i]);
        }
        printf("\n");
    }
    if (n->deadline != POA_NO_DAY) {
        poa_day_format(n->deadline, day);
        printf("  deadline:    %s\n", day);
    } else if (n->deadline_unresolved) {
        printf("  deadline:    %d days from the notice's date (not known)\n",
               n->deadline_unresolved);
    }
    if (fill) {
        printf("  %zu fact%s to fill: search case.xml for [[TO FILL\n", fill,
               fill == 1 ? "" : "s");
    }
}

int poa_cli_init(int argc, char **argv) {
    const char *case_dir = NULL, *notice_path = NULL, *reply_path = NULL, *lang = NULL;
    const char *format = "text", *data_dir = NULL, *rules = NULL;
    int force = 0, no_input = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--notice")   ? &notice_path
                            : !strcmp(a, "--reply")  ? &reply_path
                            : !strcmp(a, "--lang")   ? &lang
                            : !strcmp(a, "--format") ? &format
                            : !strcmp(a, "--data")   ? &data_dir
                            : !strcmp(a, "--rules")  ? &rules
                                                     : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "poagen: %s needs a value\n%s", a, init_usage);
                return 2;
            }
            *slot = argv[++i];
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--no-input")) {
            no_input = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(init_usage, stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "poagen: unknown option '%s'\n%s", a, init_usage);
            return 2;
        } else if (!case_dir) {
            case_dir = a;
        } else {
            fprintf(stderr, "poagen: init takes one case folder\n%s", init_usage);
            return 2;
        }
    }
    if (!case_dir) {
        fprintf(stderr, "poagen: init needs a case folder\n%s", init_usage);
        return 2;
    }
    if (strcmp(format, "text") && strcmp(format, "json")) {
        fprintf(stderr, "poagen: unknown --format '%s' (text or json)\n", format);
        return 2;
    }
    if (lang && (strlen(lang) != 2 || !strstr(POA_LANGS, lang))) {
        fprintf(stderr, "poagen: unknown --lang '%s' (en, nl, sv, es, da or zh)\n", lang);
        return 2;
    }
    char case_xml[4096];
    snprintf(case_xml, sizeof case_xml, "%s/case.xml", case_dir);
    struct stat sb;
    int exists = stat(case_xml, &sb) == 0;
    int reply_only = !notice_path && reply_path && exists;
    if (!notice_path && !reply_only) {
        fprintf(stderr,
                "poagen: give the notice with --notice FILE (or - for standard "
                "input)\n%s",
                init_usage);
        return 2;
    }
    if (exists && !force && !reply_only) {
        fprintf(stderr,
                "%s:0:0: error: case.xml already exists — use --force to replace it\n",
                case_xml);
        return 2;
    }
    if (stat(case_dir, &sb) != 0) {
        if (mkdir(case_dir, 0777) != 0) {
            fprintf(stderr, "%s:0:0: error: cannot create the case folder: %s\n",
                    case_dir, strerror(errno));
            return 2;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "%s:0:0: error: not a folder — init needs a case folder\n",
                case_dir);
        return 2;
    }
    poa_error e;
    poa_data *d = NULL;
    const char *dir = data_dir ? data_dir : poa_default_data_dir();
    if (poa_data_load(&d, dir, rules, &e) != POA_OK) {
        return init_report(&e);
    }
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/case.xsd", d->dir);
    poa_notice_table *t = NULL;
    poa_notice *n = NULL, *r = NULL;
    poa_case *c = NULL;
    poa_case_draft *dr = NULL;
    poa_buf xml = POA_BUF_INIT;
    int rc = 2;
    if (poa_notice_table_load(&t, d->dir, &e) != POA_OK) {
        goto fail;
    }
    if (reply_only) {
        /* The reply's language is detected (or --lang): it need not be the case's. */
        if (decode_file(&r, reply_path, t, d, lang, 1, &e) != POA_OK) {
            goto fail;
        }
        if (poa_case_add_reply(case_xml, xsd, r, &xml, &e) != POA_OK ||
            poa_write_file_atomic(case_xml, xml.data, xml.len, &e) != POA_OK) {
            goto fail;
        }
        if (!strcmp(format, "json")) {
            poa_buf js = POA_BUF_INIT;
            poa_notice_json(r, NULL, &js);
            fputs(poa_buf_cstr(&js), stdout);
            poa_buf_free(&js);
        } else {
            printf("added the reply to %s:", case_xml);
            for (size_t i = 0; i < r->nreplies; i++) {
                printf(" %s", r->replies[i].kind);
            }
            printf("%s\n", r->nreplies ? "" : " (nothing understood in it)");
        }
        rc = 0;
        goto done;
    }
    if (decode_file(&n, notice_path, t, d, lang, 0, &e) != POA_OK) {
        goto fail;
    }
    if (reply_path &&
        decode_file(&r, reply_path, t, d, lang ? lang : n->language, 1, &e) != POA_OK) {
        goto fail;
    }
    poa_ingest_options io = {NULL, NULL, 0, NULL};
    poa_warner w = {init_warning, NULL};
    io.warner = &w;
    if (n->marketplace) {
        io.marketplace = n->marketplace;
    }
    /* The exports already in the case (none is fine). An old case.xml is
     * being replaced (--force), so it is not read: it may be the broken one. */
    if (!exists && has_exports(case_dir) &&
        poa_case_load(&c, case_dir, d, &io, &e) != POA_OK) {
        goto fail;
    }
    if (poa_case_draft_make(&dr, n, r, d, c, lang, &e) != POA_OK) {
        goto fail;
    }
    if (!no_input && strcmp(notice_path, "-") != 0 && isatty(0) && isatty(2)) {
        ask_all(dr);
    }
    if (poa_case_draft_xml(dr, xsd, &xml, &e) != POA_OK ||
        poa_write_file_atomic(case_xml, xml.data, xml.len, &e) != POA_OK) {
        goto fail;
    }
    if (!strcmp(format, "json")) {
        poa_buf js = POA_BUF_INIT;
        poa_notice_json(n, r, &js);
        fputs(poa_buf_cstr(&js), stdout);
        poa_buf_free(&js);
    }
    summary(n, dr, case_xml, !strcmp(format, "json"));
    rc = 0;
    goto done;
fail:
    rc = init_report(&e);
done:
    poa_buf_free(&xml);
    poa_case_draft_free(dr);
    poa_case_free(c);
    poa_notice_free(n);
    poa_notice_free(r);
    poa_notice_table_free(t);
    poa_data_free(d);
    if (fflush(stdout) != 0) {
        return 2;
    }
    return rc;
}
