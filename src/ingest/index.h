/* Private to the ingest stage: hash tables for order ids and strings. */
#ifndef POAGEN_INGEST_INDEX_H
#define POAGEN_INGEST_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/arena.h"
#include "poagen/ingest.h"

/* Order id → position in the case's orders array. A slot holds the
 * position + 1 in its low bits and the id's hash in the bits above them;
 * the ids themselves live only in the orders, so a probe reads an order
 * only when those hash bits match. Four bytes a slot, at most
 * POA_ID_INDEX_LOAD full: the index costs about five bytes per order. */
typedef struct {
    uint32_t *slots;
    size_t cap, count;
    unsigned pos_bits; /* low bits of a slot holding the position + 1 */
} poa_id_index;

/* The most orders one index can hold (27 bits of position). */
#define POA_ID_INDEX_MAX (((size_t)1 << 27) - 1)

void poa_id_index_free(poa_id_index *ix);
/* The position of the order with this id, or UINT32_MAX. */
uint32_t poa_id_index_get(const poa_id_index *ix, const poa_order_rec *orders,
                          uint64_t id);
/* The position of the order with this id; when there is none, `count` (the
 * position the caller then fills with this id) is recorded for it
 * and *inserted set. One probe for both. Positions are given out in order
 * 0, 1, 2...: a growing index rebuilds itself from orders[0..count).
 * UINT32_MAX when out of memory or past POA_ID_INDEX_MAX. */
uint32_t poa_id_index_upsert(poa_id_index *ix, const poa_order_rec *orders, uint64_t id,
                             int *inserted);
/* Start loading the slot an id's probe begins at, so that the cache miss
 * overlaps whatever the caller does before poa_id_index_upsert. */
void poa_id_index_prefetch(const poa_id_index *ix, uint64_t id);
/* Index orders[0..n) at once, into an index that holds no order yet, with
 * room for `expected` orders (at least n). The table is filled a region at
 * a time, so its cache misses come in order rather than one per order.
 * 0 when built; 1 when two of the orders have one id (the index is then
 * left empty); -1 when out of memory. */
int poa_id_index_build(poa_id_index *ix, const poa_order_rec *orders, size_t n,
                       size_t expected);
/* Room for `expected` orders without growing. */
int poa_id_index_reserve(poa_id_index *ix, const poa_order_rec *orders, size_t expected);

/* Orders kept whole (spilled, see poa_order_rec), by position. Few, so
 * a small open-addressing table. */
typedef struct {
    uint32_t *slots; /* item + 1; 0 empty */
    size_t cap;
    poa_order *items;
    uint32_t *pos; /* each item's order position */
    size_t count, items_cap;
} poa_spill_map;

void poa_spill_free(poa_spill_map *m);
/* The spilled order at this position, or NULL. */
poa_order *poa_spill_find(const poa_spill_map *m, uint32_t pos);
/* The spilled order at this position, added (zeroed) when new; NULL when
 * out of memory. */
poa_order *poa_spill_put(poa_spill_map *m, uint32_t pos);

/* What a probe compares of an item: its length, and its first and last
 * eight bytes (its bytes, zero-padded, when shorter than eight). That is
 * the whole item up to 16 bytes, so a probe for a SKU or a carrier reads
 * neither the item nor its pointer. */
typedef struct {
    uint64_t first, last;
    uint32_t len;
} poa_intern_key;

/* A set of interned strings (SKUs, carriers, reasons), indexes stable. */
typedef struct {
    poa_arena *arena;
    const char **items;
    size_t count, items_cap;
    poa_intern_key *keys; /* each item's */
    uint32_t *slots;      /* index + 1, hash bits above it; 0 empty */
    size_t cap;
} poa_interner;

void poa_interner_init(poa_interner *in, poa_arena *arena);
void poa_interner_free(poa_interner *in);
/* Index of s[0..n), added when new; UINT32_MAX when out of memory. */
uint32_t poa_intern(poa_interner *in, const char *s, size_t n);
/* The same in steps, for a caller that looks up a string once per row of
 * a large file: the string's hash, then a start on loading the slot its
 * probe begins at (the cache miss overlaps the rest of the row), then
 * poa_intern_hashed with that hash. */
uint64_t poa_intern_hash(const char *s, size_t n);
void poa_intern_prefetch(const poa_interner *in, uint64_t h);
uint32_t poa_intern_hashed(poa_interner *in, const char *s, size_t n, uint64_t h);

#endif
