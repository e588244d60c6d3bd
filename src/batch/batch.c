/* Many case folders, one command. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "poagen/batch.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A case name becomes a folder name under OUT_DIR: plain names only. */
static int safe_name(const char *s) {
    if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
        return 0;
    }
    for (; *s; s++) {
        if (*s == '/' || (unsigned char)*s < 0x20) {
            return 0;
        }
    }
    return 1;
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

poa_status poa_batch_run(const char *cases_dir, const char *out_dir,
                         const poa_run_shared *shared, const poa_run_options *opt,
                         poa_batch_progress_fn progress, void *payload,
                         size_t *failed_out, poa_error *err) {
    *failed_out = 0;
    DIR *dir = opendir(cases_dir);
    if (!dir) {
        return poa_error_set(err, POA_ERR_ARG, cases_dir, 0, 0,
                             "cannot open the cases folder: %s", strerror(errno));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", cases_dir, e->d_name);
        struct stat sb;
        /* lstat: a symlinked case could point anywhere. */
        if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) {
                break;
            }
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    if (n) {
        qsort(names, n, sizeof *names, cmp_str);
    }
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        for (size_t i = 0; i < n; i++) {
            free(names[i]);
        }
        free(names);
        return poa_error_set(err, POA_ERR_IO, out_dir, 0, 0, "cannot create folder: %s",
                             strerror(errno));
    }
    poa_buf csv = POA_BUF_INIT;
    poa_buf_puts(
        &csv, "case,status,failed_metrics,causes,lint_errors,lint_warnings,pages,error,"
              "poa_md,poa_pdf\n");
    poa_batch_progress p = {n, 0, 0, 0, NULL, 0, NULL};
    for (size_t i = 0; i < n; i++) {
        char in[4096], out[4096];
        snprintf(in, sizeof in, "%s/%s", cases_dir, names[i]);
        snprintf(out, sizeof out, "%s/%s", out_dir, names[i]);
        poa_generate_result res;
        poa_error cerr = {0};
        poa_status st =
            safe_name(names[i])
                ? poa_generate_case(in, out, shared, opt, &res, &cerr)
                : poa_error_set(&cerr, POA_ERR_ARG, in, 0, 0, "unsafe case name");
        csv_field(&csv, names[i]);
        if (st == POA_OK) {
            poa_buf_printf(&csv, ",ok,");
            csv_field(&csv, res.failed);
            poa_buf_putc(&csv, ',');
            csv_field(&csv, res.causes);
            poa_buf_printf(&csv, ",%zu,%zu,%u,,", res.lint_errors, res.lint_warnings,
                           res.pages);
            char rel[4200];
            snprintf(rel, sizeof rel, "%s/poa.md", names[i]);
            csv_field(&csv, rel);
            poa_buf_putc(&csv, ',');
            snprintf(rel, sizeof rel, "%s/poa.pdf", names[i]);
            csv_field(&csv, rel);
            poa_buf_putc(&csv, '\n');
            poa_lint_result_free(&res.lint);
        } else {
            p.failed++;
            char msg[1024];
            snprintf(msg, sizeof msg, "%s:%u:%u: %s", cerr.file, cerr.line, cerr.column,
                     cerr.message);
            poa_buf_printf(&csv, ",failed,\"\",\"\",0,0,0,");
            csv_field(&csv, msg);
            poa_buf_puts(&csv, ",\"\",\"\"\n");
        }
        p.done++;
        p.current = names[i];
        p.current_failed = st != POA_OK;
        p.error = st != POA_OK ? &cerr : NULL;
        if (progress) {
            progress(&p, payload);
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.csv", out_dir);
    poa_status st = csv.failed
                        ? poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory")
                        : poa_write_file_atomic(path, csv.data, csv.len, err);
    poa_buf_free(&csv);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    *failed_out = p.failed;
    return st;
}
