/* Private to the ingest stage: hash tables for order ids and strings. */
#ifndef POAGEN_INGEST_INDEX_H
#define POAGEN_INGEST_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/arena.h"

/* Order id → index. Open addressing; ids are never 0. */
typedef struct {
    uint64_t *keys;
    uint32_t *values;
    size_t cap, count;
} poa_id_index;

int poa_id_index_init(poa_id_index *ix, size_t expected);
void poa_id_index_free(poa_id_index *ix);
/* The value for key, or UINT32_MAX. */
uint32_t poa_id_index_get(const poa_id_index *ix, uint64_t key);
/* The value for key; when key is new, value is stored for it and
 * *inserted set. One probe for both. UINT32_MAX when out of memory. */
uint32_t poa_id_index_upsert(poa_id_index *ix, uint64_t key, uint32_t value,
                             int *inserted);
/* Room for `expected` keys without growing (a growth rehashes all). */
int poa_id_index_reserve(poa_id_index *ix, size_t expected);
/* Insert; returns -1 when out of memory. */
int poa_id_index_put(poa_id_index *ix, uint64_t key, uint32_t value);

/* A set of interned strings (SKUs, carriers, reasons), indexes stable. */
typedef struct {
    poa_arena *arena;
    const char **items;
    size_t count, items_cap;
    uint32_t *slots; /* index + 1; 0 empty */
    size_t cap;
} poa_interner;

void poa_interner_init(poa_interner *in, poa_arena *arena);
void poa_interner_free(poa_interner *in);
/* Index of s[0..n), added when new; UINT32_MAX when out of memory. */
uint32_t poa_intern(poa_interner *in, const char *s, size_t n);

#endif
