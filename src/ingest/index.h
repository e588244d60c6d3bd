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
