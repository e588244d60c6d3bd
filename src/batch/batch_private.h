/* Shared by the batch stage's files; not part of the public API. */
#ifndef POAGEN_BATCH_PRIVATE_H
#define POAGEN_BATCH_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/batch.h"
#include "poagen/buf.h"

/* FNV-1a, 64 bits: enough to notice that an input changed, cheap enough to
 * run over every input file of thousands of cases. Not a defence against
 * someone forging a collision; nobody gains from one here. */
#define BATCH_FNV_SEED UINT64_C(0xcbf29ce484222325)
uint64_t batch_fnv(uint64_t h, const void *data, size_t n);
uint64_t batch_fnv_str(uint64_t h, const char *s); /* the string and its NUL */

/* Hash every regular file under dir (recursively when deep), in name
 * order, names and contents. Hidden files are left out when skip_hidden,
 * as the ingest stage leaves them out. Returns 0, or -1 with errno set. */
int batch_hash_tree(uint64_t *h, const char *dir, int deep, int skip_hidden);
/* Hash one file's contents; 0, or -1 with errno set. */
int batch_hash_file(uint64_t *h, const char *path);

typedef enum {
    CASE_NOT_RUN = 0, /* the run was interrupted first */
    CASE_GENERATED,
    CASE_SKIPPED,
    CASE_FAILED
} case_state;

/* One case's outcome. Lives in memory shared with the worker processes,
 * so it holds no pointers. */
typedef struct {
    case_state state;
    unsigned pages, lint_errors, lint_warnings;
    char failed[128];
    char causes[512];
    poa_error err;
} case_slot;

/* What the workers' results sit in; names[i] belongs to slots[i]. */
typedef struct {
    const char *cases_dir, *out_dir;
    const poa_data *data; /* the metrics the dashboard has columns for */
    char **names;
    case_slot *slots;
    size_t n;
} batch_run;

/* Write out_dir/summary.csv and out_dir/index.html, atomically. */
poa_status batch_write_summary(const batch_run *r, poa_error *err);
poa_status batch_write_dashboard(const batch_run *r, poa_error *err);

#endif
