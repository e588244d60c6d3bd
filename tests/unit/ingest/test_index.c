/* The order id index: positions handed out in order, found again after the
 * table rebuilds itself, and never a false match between ids that share a
 * home slot or tag bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/index.h"

/* Adds ids[0..n) as the ingest stage does: upsert, then fill the order at
 * the position handed out. Returns the number of new orders. */
static size_t add_all(poa_id_index *ix, poa_order_rec **orders, size_t *norders,
                      const uint64_t *ids, size_t n) {
    size_t fresh = 0;
    for (size_t k = 0; k < n; k++) {
        int inserted;
        uint32_t at = poa_id_index_upsert(ix, *orders, ids[k], &inserted);
        assert_int_not_equal(at, UINT32_MAX);
        if (inserted) {
            assert_int_equal(at, *norders);
            if ((*norders & (*norders - 1)) == 0) { /* 0, 1, 2, 4...: double */
                *orders =
                    realloc(*orders, (*norders ? *norders * 2 : 1) * sizeof **orders);
                assert_non_null(*orders);
            }
            memset(&(*orders)[*norders], 0, sizeof **orders);
            (*orders)[*norders].w[0] = (uint32_t)ids[k];
            (*orders)[*norders].w[1] = (uint32_t)(ids[k] >> 32);
            (*norders)++;
            fresh++;
        } else {
            assert_true(at < *norders);
            assert_true(((uint64_t)(*orders)[at].w[1] << 32 | (*orders)[at].w[0]) ==
                        ids[k]);
        }
    }
    return fresh;
}

static void positions_in_order_and_repeats_found(void **state) {
    (void)state;
    poa_id_index ix = {0};
    poa_order_rec *orders = NULL;
    size_t n = 0;
    const uint64_t ids[] = {40848700099733125ULL, 20210000000000001ULL,
                            40848700099733125ULL, 7,
                            20210000000000001ULL, 8};
    /* Six ids, two of them repeated: four orders at positions 0..3. */
    assert_int_equal(add_all(&ix, &orders, &n, ids, 6), 4);
    assert_int_equal(n, 4);
    assert_int_equal(poa_id_index_get(&ix, orders, 40848700099733125ULL), 0);
    assert_int_equal(poa_id_index_get(&ix, orders, 20210000000000001ULL), 1);
    assert_int_equal(poa_id_index_get(&ix, orders, 7), 2);
    assert_int_equal(poa_id_index_get(&ix, orders, 8), 3);
    assert_int_equal(poa_id_index_get(&ix, orders, 9), UINT32_MAX);
    poa_id_index_free(&ix);
    free(orders);
}

static void an_empty_index_finds_nothing(void **state) {
    (void)state;
    poa_id_index ix = {0};
    assert_int_equal(poa_id_index_get(&ix, NULL, 1), UINT32_MAX);
    poa_id_index_free(&ix);
    poa_id_index_free(&ix); /* twice is harmless */
}

/* 200,000 ids force many rebuilds from the initial 2,048; every id keeps
 * its position, and ids one apart (which often share tag bits or a home
 * slot at some size) never answer for each other. */
static void rebuilds_keep_every_position(void **state) {
    (void)state;
    enum { N = 200000 };
    uint64_t *ids = malloc(N * sizeof *ids);
    assert_non_null(ids);
    for (size_t k = 0; k < N; k++) {
        ids[k] = 20210000000000001ULL + k * 2; /* odd ids only */
    }
    poa_id_index ix = {0};
    poa_order_rec *orders = NULL;
    size_t n = 0;
    assert_int_equal(add_all(&ix, &orders, &n, ids, N), N);
    assert_int_equal(add_all(&ix, &orders, &n, ids, N), 0); /* all repeats */
    assert_true(ix.count == N);
    /* At most nine slots in ten are used, and the table is not oversized
     * (under 1.7 slots an order after growing by half). */
    assert_true(ix.count * 10 <= ix.cap * 9);
    assert_true(ix.cap * 10 < ix.count * 17 + 1000);
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(poa_id_index_get(&ix, orders, ids[k]), k);
        assert_int_equal(poa_id_index_get(&ix, orders, ids[k] + 1), UINT32_MAX);
    }
    poa_id_index_free(&ix);
    free(orders);
    free(ids);
}

/* Reserving room up front rebuilds once; later inserts do not move it. */
static void reserve_sizes_once(void **state) {
    (void)state;
    poa_id_index ix = {0};
    poa_order_rec *orders = NULL;
    size_t n = 0;
    const uint64_t first[] = {11, 12, 13};
    add_all(&ix, &orders, &n, first, 3);
    assert_int_equal(poa_id_index_reserve(&ix, orders, 10000), 0);
    size_t cap = ix.cap;
    assert_true(cap * 9 >= 10000 * 10);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(poa_id_index_get(&ix, orders, first[k]), k);
    }
    uint64_t more[9000];
    for (size_t k = 0; k < 9000; k++) {
        more[k] = 1000 + k;
    }
    add_all(&ix, &orders, &n, more, 9000);
    assert_true(ix.cap == cap);
    assert_int_equal(poa_id_index_reserve(&ix, orders, 100), 0); /* smaller: kept */
    assert_true(ix.cap == cap);
    assert_int_equal(poa_id_index_get(&ix, orders, 1000 + 8999), 3 + 8999);
    poa_id_index_free(&ix);
    free(orders);
}

/* Orders indexed at once, over several steps of the build: every id at its
 * position, room for the expected count, and the index goes on from there
 * as one filled id by id. Two orders with one id, wherever they are, leave
 * the index empty. */
static void built_at_once(void **state) {
    (void)state;
    enum { N = 200000 };
    poa_order_rec *orders = calloc(N + 1, sizeof *orders);
    assert_non_null(orders);
    for (size_t k = 0; k < N; k++) {
        uint64_t id = 20210000000000001ULL + k * 2;
        orders[k].w[0] = (uint32_t)id;
        orders[k].w[1] = (uint32_t)(id >> 32);
    }
    poa_id_index ix = {0};
    assert_int_equal(poa_id_index_build(&ix, orders, N, N + 5000), 0);
    assert_true(ix.count == N);
    assert_true(ix.cap * 9 >= (N + 5000) * 10);
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(poa_id_index_get(&ix, orders, 20210000000000001ULL + k * 2), k);
        assert_int_equal(poa_id_index_get(&ix, orders, 20210000000000002ULL + k * 2),
                         UINT32_MAX);
    }
    int inserted;
    assert_int_equal(
        poa_id_index_upsert(&ix, orders, 20210000000000001ULL + 8, &inserted), 4);
    assert_int_equal(inserted, 0);
    assert_int_equal(poa_id_index_upsert(&ix, orders, 7, &inserted), N);
    assert_int_equal(inserted, 1);
    poa_id_index_free(&ix);

    /* The last order repeats one far back (another step of the build). */
    uint64_t again = 20210000000000001ULL + 1000 * 2;
    orders[N - 1].w[0] = (uint32_t)again;
    orders[N - 1].w[1] = (uint32_t)(again >> 32);
    assert_int_equal(poa_id_index_build(&ix, orders, N, N), 1);
    assert_true(ix.count == 0 && ix.cap == 0);
    assert_int_equal(poa_id_index_get(&ix, orders, again), UINT32_MAX);
    /* A repeat within one step of the build: order 20 is order 10 again. */
    orders[N - 1].w[0] = (uint32_t)(20210000000000001ULL + (N - 1) * 2);
    orders[N - 1].w[1] = (uint32_t)((20210000000000001ULL + (N - 1) * 2) >> 32);
    orders[20] = orders[10];
    assert_int_equal(poa_id_index_build(&ix, orders, N, N), 1);
    assert_true(ix.count == 0 && ix.cap == 0);
    /* Nothing to index: an empty index with room. */
    assert_int_equal(poa_id_index_build(&ix, orders, 0, 100), 0);
    assert_true(ix.count == 0 && ix.cap >= 100);
    poa_id_index_free(&ix);
    free(orders);
}

/* A slot keeps as many hash bits as the table's size leaves free. */
static void tags_take_the_free_bits(void **state) {
    (void)state;
    poa_id_index ix = {0};
    assert_int_equal(poa_id_index_reserve(&ix, NULL, 10000), 0);
    assert_true(((size_t)1 << ix.pos_bits) > ix.cap);
    assert_true(((size_t)1 << (ix.pos_bits - 1)) <= ix.cap);
    assert_true(ix.pos_bits <= 15); /* 17 bits of hash for 10,000 orders */
    poa_id_index_free(&ix);
}

/* Strings of every length up to 40 that differ in one byte only, at each
 * place in turn, and the same strings with the bytes that the short-string
 * hash reads twice: every one its own item, found again as itself. */
static void interned_strings_differing_anywhere(void **state) {
    (void)state;
    poa_arena *a = poa_arena_new();
    assert_non_null(a);
    poa_interner in;
    poa_interner_init(&in, a);
    char s[41];
    uint32_t expect = 0;
    for (size_t n = 0; n <= 40; n++) {
        memset(s, 'a', n);
        assert_int_equal(poa_intern(&in, s, n), expect);
        expect++;
        for (size_t at = 0; at < n; at++) {
            s[at] = 'b';
            assert_int_equal(poa_intern(&in, s, n), expect);
            expect++;
            s[at] = 'a';
        }
    }
    assert_int_equal(in.count, expect);
    /* Asked again, in the same order: the same items, none added. */
    uint32_t again = 0;
    for (size_t n = 0; n <= 40; n++) {
        memset(s, 'a', n);
        assert_int_equal(poa_intern(&in, s, n), again++);
        for (size_t at = 0; at < n; at++) {
            s[at] = 'b';
            assert_int_equal(poa_intern(&in, s, n), again++);
            s[at] = 'a';
        }
    }
    assert_int_equal(in.count, expect);
    /* "", "a", "b", "aa", then "ba" */
    assert_int_equal(in.keys[4].len, 2);
    assert_memory_equal(in.items[4], "ba", 2);
    poa_interner_free(&in);
    poa_arena_free(a);
}

/* Strings given one hash on purpose, so that every probe meets the other's
 * slot with a matching tag: only their lengths and bytes tell them apart.
 * Each length up to 40 (the key holds 16 bytes; longer items are compared
 * past it), each position changed. */
static void one_hash_told_apart_by_bytes(void **state) {
    (void)state;
    enum { SAME_HASH = 42 };
    char s[41], t[41];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t at = 0; at < (n ? n : 1); at++) {
            poa_arena *a = poa_arena_new();
            assert_non_null(a);
            poa_interner in;
            poa_interner_init(&in, a);
            memset(s, 'a', n);
            memcpy(t, s, n);
            if (n) {
                t[at] = 'b';
            }
            assert_int_equal(poa_intern_hashed(&in, s, n, SAME_HASH), 0);
            assert_int_equal(poa_intern_hashed(&in, t, n, SAME_HASH), n ? 1 : 0);
            assert_int_equal(poa_intern_hashed(&in, s, n, SAME_HASH), 0);
            assert_int_equal(poa_intern_hashed(&in, t, n, SAME_HASH), n ? 1 : 0);
            if (n) { /* the same bytes, shorter by one: another item */
                assert_int_equal(poa_intern_hashed(&in, s, n - 1, SAME_HASH), 2);
                assert_int_equal(poa_intern_hashed(&in, t, n, SAME_HASH), 1);
            }
            assert_memory_equal(in.items[0], s, n);
            poa_interner_free(&in);
            poa_arena_free(a);
        }
    }
}

/* 300,000 SKUs through many doublings, asked for in two steps (hash and
 * prefetch, then the hashed lookup) and in one: the same item either way.
 * Slots keep hash bits above the item, so probes compare strings only on
 * a tag match: every slot in use carries its item's tag. */
static void interned_in_steps_and_tagged(void **state) {
    (void)state;
    enum { N = 300000 };
    poa_arena *a = poa_arena_new();
    assert_non_null(a);
    poa_interner in;
    poa_interner_init(&in, a);
    char s[32];
    for (uint32_t k = 0; k < N; k++) {
        int n = snprintf(s, sizeof s, "SKU-%06u%s", k, k % 3 ? "" : "-XL-BLUE-2026");
        uint64_t h = poa_intern_hash(s, (size_t)n);
        poa_intern_prefetch(&in, h);
        assert_int_equal(poa_intern_hashed(&in, s, (size_t)n, h), k);
    }
    for (uint32_t k = 0; k < N; k++) {
        int n = snprintf(s, sizeof s, "SKU-%06u%s", k, k % 3 ? "" : "-XL-BLUE-2026");
        assert_int_equal(poa_intern(&in, s, (size_t)n), k);
        /* The same SKU without its suffix, or with it, is another item. */
        n = snprintf(s, sizeof s, "SKU-%06u%s", k, k % 3 ? "-XL-BLUE-2026" : "");
        assert_int_equal(poa_intern(&in, s, (size_t)n), N + k);
    }
    assert_int_equal(in.count, 2 * N);
    size_t used = 0;
    const uint32_t mask = (uint32_t)in.cap - 1;
    const unsigned bits = (unsigned)__builtin_ctzll(in.cap);
    for (size_t i = 0; i < in.cap; i++) {
        uint32_t sl = in.slots[i];
        if (!sl) {
            continue;
        }
        used++;
        uint32_t k = (sl & mask) - 1;
        uint64_t h = poa_intern_hash(in.items[k], in.keys[k].len);
        assert_int_equal(sl & ~mask, (uint32_t)(h >> 32) << bits);
    }
    assert_int_equal(used, 2 * N);
    poa_interner_free(&in);
    poa_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positions_in_order_and_repeats_found),
        cmocka_unit_test(an_empty_index_finds_nothing),
        cmocka_unit_test(rebuilds_keep_every_position),
        cmocka_unit_test(reserve_sizes_once),
        cmocka_unit_test(tags_take_the_free_bits),
        cmocka_unit_test(built_at_once),
        cmocka_unit_test(interned_strings_differing_anywhere),
        cmocka_unit_test(interned_in_steps_and_tagged),
        cmocka_unit_test(one_hash_told_apart_by_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
