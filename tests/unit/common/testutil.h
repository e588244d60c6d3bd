/* Helpers shared by the unit tests: temporary case folders built from
 * strings, and the data folder from the environment. */
#ifndef POAGEN_TESTUTIL_H
#define POAGEN_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "poagen/data.h"
#include "poagen/ingest.h"

static inline const char *test_data_dir(void) {
    const char *d = getenv("POAGEN_DATA");
    return d ? d : "templates";
}

/* A fresh folder under $TMPDIR; the caller owns the returned string. */
static inline char *test_mkdtemp(void) {
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/poagen-test-XXXXXX", base && *base ? base : "/tmp");
    char *p = mkdtemp(tmpl);
    return p ? strdup(p) : NULL;
}

static inline void test_write(const char *dir, const char *name, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static inline void test_rmtree(const char *dir) {
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        /* best effort */
    }
}

static inline poa_data *test_load_data(void) {
    poa_data *d = NULL;
    poa_error e;
    if (poa_data_load(&d, test_data_dir(), NULL, &e) != POA_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", e.file, e.line, e.column, e.message);
        return NULL;
    }
    return d;
}

/* The case folder dir read as on `marketplace` (NULL: as the files say);
 * NULL, with the error on stderr, when it does not load. */
static inline poa_case *test_load_case(const char *dir, const poa_data *d,
                                       const char *marketplace) {
    poa_case *c = NULL;
    poa_error e;
    poa_ingest_options io = {marketplace, NULL, 0, NULL};
    if (poa_case_load(&c, dir, d, &io, &e) != POA_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", e.file, e.line, e.column, e.message);
        return NULL;
    }
    return c;
}

#endif
