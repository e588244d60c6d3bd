/* batch: a worker that dies takes only its own case down; the hash that
 * decides re-runs is FNV-1a/64 and sees every input byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>

#include "batch/batch_private.h"
#include "common/testutil.h"
#include "poagen/date.h"

/* Published FNV-1a/64 test vectors. */
static void test_fnv_vectors(void **state) {
    (void)state;
    assert_true(batch_fnv(BATCH_FNV_SEED, "", 0) == UINT64_C(0xcbf29ce484222325));
    assert_true(batch_fnv(BATCH_FNV_SEED, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(batch_fnv(BATCH_FNV_SEED, "foobar", 6) == UINT64_C(0x85944171f73967e8));
}

/* Moving a byte from one file to the next changes the hash; a hidden
 * file does not. */
static void test_tree_hash(void **state) {
    (void)state;
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    test_write(dir, "a.txt", "ab");
    test_write(dir, "b.txt", "c");
    uint64_t h1 = BATCH_FNV_SEED, h2 = BATCH_FNV_SEED, h3 = BATCH_FNV_SEED;
    assert_int_equal(batch_hash_tree(&h1, dir, 0, 1), 0);
    test_write(dir, "a.txt", "a");
    test_write(dir, "b.txt", "bc");
    assert_int_equal(batch_hash_tree(&h2, dir, 0, 1), 0);
    assert_true(h1 != h2);
    test_write(dir, ".hidden", "x");
    assert_int_equal(batch_hash_tree(&h3, dir, 0, 1), 0);
    assert_true(h2 == h3);
    test_rmtree(dir);
    free(dir);
}

static void crash_on_b(const char *name) {
    if (strcmp(name, "b") == 0) {
        raise(SIGKILL);
    }
}

static int read_file(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return -1;
    }
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return 0;
}

static void test_worker_crash(void **state) {
    (void)state;
    char *root = test_mkdtemp();
    assert_non_null(root);
    char cases[1024], out[1024], cmd[4096];
    snprintf(cases, sizeof cases, "%s/cases", root);
    snprintf(out, sizeof out, "%s/out", root);
    const char *src = getenv("POAGEN_SOURCE_DIR");
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && for c in a b c; do cp -r '%s/samples/late-shipment' "
             "'%s/'$c; done",
             cases, src ? src : ".", cases);
    assert_int_equal(system(cmd), 0);

    poa_data *d = test_load_data();
    assert_non_null(d);
    poa_lint_rules *lr;
    poa_error e;
    assert_int_equal(poa_lint_rules_load(&lr, d->dir, &e), POA_OK);
    poa_run_shared shared = {d, lr, NULL};
    poa_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.as_of = POA_NO_DAY;
    opt.formats = POA_OUT_MD | POA_OUT_JSON;
    opt.creation_epoch = -1;
    poa_batch_options bo = {2, 0, NULL, crash_on_b};
    poa_batch_totals t;
    assert_int_equal(poa_batch_run_ex(cases, out, &shared, &opt, &bo, NULL, NULL, &t, &e),
                     POA_OK);
    assert_int_equal(t.total, 3);
    assert_int_equal(t.generated, 2);
    assert_int_equal(t.failed, 1);
    assert_int_equal(t.interrupted, 0);

    char path[2048], text[8192];
    snprintf(path, sizeof path, "%s/summary.csv", out);
    assert_int_equal(read_file(path, text, sizeof text), 0);
    assert_non_null(strstr(text, "\n\"a\",ok,generated,"));
    assert_non_null(strstr(text, "\n\"c\",ok,generated,"));
    char want[2048];
    snprintf(want, sizeof want,
             "\n\"b\",failed,,\"\",\"\",,,,\"%s/b:0:0: the worker for "
             "this case was stopped by signal 9 (Killed)",
             cases);
    assert_non_null(strstr(text, want));
    snprintf(path, sizeof path, "%s/b/poa.md", out);
    assert_int_equal(access(path, F_OK), -1);

    /* Without the crash, only b is left to do. */
    bo.worker_hook = NULL;
    assert_int_equal(poa_batch_run_ex(cases, out, &shared, &opt, &bo, NULL, NULL, &t, &e),
                     POA_OK);
    assert_int_equal(t.generated, 1);
    assert_int_equal(t.skipped, 2);
    assert_int_equal(t.failed, 0);

    poa_lint_rules_free(lr);
    poa_data_free(d);
    test_rmtree(root);
    free(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv_vectors),
        cmocka_unit_test(test_tree_hash),
        cmocka_unit_test(test_worker_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
