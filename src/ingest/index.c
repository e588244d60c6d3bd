#include "ingest/index.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

int poa_id_index_init(poa_id_index *ix, size_t expected) {
    /* Power of two, at most three quarters full once `expected` are in. */
    size_t cap = 1024;
    while (cap * 3 < expected * 4) {
        cap *= 2;
    }
    ix->keys = calloc(cap, sizeof *ix->keys);
    ix->values = malloc(cap * sizeof *ix->values);
    ix->cap = cap;
    ix->count = 0;
    return ix->keys && ix->values ? 0 : -1;
}

void poa_id_index_free(poa_id_index *ix) {
    free(ix->keys);
    free(ix->values);
    ix->keys = NULL;
    ix->values = NULL;
    ix->cap = ix->count = 0;
}

uint32_t poa_id_index_get(const poa_id_index *ix, uint64_t key) {
    if (!ix->cap) {
        return UINT32_MAX;
    }
    size_t mask = ix->cap - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        if (ix->keys[i] == key) {
            return ix->values[i];
        }
        if (ix->keys[i] == 0) {
            return UINT32_MAX;
        }
    }
}

static int grow(poa_id_index *ix) {
    poa_id_index bigger;
    if (poa_id_index_init(&bigger, ix->cap) != 0) {
        poa_id_index_free(&bigger);
        return -1;
    }
    for (size_t i = 0; i < ix->cap; i++) {
        if (ix->keys[i]) {
            poa_id_index_put(&bigger, ix->keys[i], ix->values[i]);
        }
    }
    poa_id_index_free(ix);
    *ix = bigger;
    return 0;
}

int poa_id_index_put(poa_id_index *ix, uint64_t key, uint32_t value) {
    if ((ix->count + 1) * 4 > ix->cap * 3 && grow(ix) != 0) {
        return -1;
    }
    size_t mask = ix->cap - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        if (ix->keys[i] == key || ix->keys[i] == 0) {
            if (ix->keys[i] == 0) {
                ix->count++;
            }
            ix->keys[i] = key;
            ix->values[i] = value;
            return 0;
        }
    }
}

void poa_interner_init(poa_interner *in, poa_arena *arena) {
    memset(in, 0, sizeof *in);
    in->arena = arena;
}

void poa_interner_free(poa_interner *in) {
    free(in->items);
    free(in->slots);
    in->items = NULL;
    in->slots = NULL;
}

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    }
    return h;
}

static int rehash(poa_interner *in) {
    size_t cap = in->cap ? in->cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots) {
        return -1;
    }
    for (size_t k = 0; k < in->count; k++) {
        size_t i = hash_bytes(in->items[k], strlen(in->items[k])) & (cap - 1);
        while (slots[i]) {
            i = (i + 1) & (cap - 1);
        }
        slots[i] = (uint32_t)k + 1;
    }
    free(in->slots);
    in->slots = slots;
    in->cap = cap;
    return 0;
}

uint32_t poa_intern(poa_interner *in, const char *s, size_t n) {
    if ((in->count + 1) * 2 > in->cap && rehash(in) != 0) {
        return UINT32_MAX;
    }
    size_t i = hash_bytes(s, n) & (in->cap - 1);
    while (in->slots[i]) {
        const char *have = in->items[in->slots[i] - 1];
        if (strncmp(have, s, n) == 0 && have[n] == '\0') {
            return in->slots[i] - 1;
        }
        i = (i + 1) & (in->cap - 1);
    }
    if (in->count == in->items_cap) {
        size_t cap = in->items_cap ? in->items_cap * 2 : 32;
        const char **items = realloc(in->items, cap * sizeof *items);
        if (!items) {
            return UINT32_MAX;
        }
        in->items = items;
        in->items_cap = cap;
    }
    char *copy = poa_arena_strndup(in->arena, s, n);
    if (!copy) {
        return UINT32_MAX;
    }
    in->items[in->count] = copy;
    in->slots[i] = (uint32_t)in->count + 1;
    return (uint32_t)in->count++;
}

uint32_t poa_id_index_upsert(poa_id_index *ix, uint64_t key, uint32_t value,
                             int *inserted) {
    *inserted = 0;
    if ((ix->count + 1) * 4 > ix->cap * 3 && grow(ix) != 0) {
        return UINT32_MAX;
    }
    size_t mask = ix->cap - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        if (ix->keys[i] == key) {
            return ix->values[i];
        }
        if (ix->keys[i] == 0) {
            ix->keys[i] = key;
            ix->values[i] = value;
            ix->count++;
            *inserted = 1;
            return value;
        }
    }
}

int poa_id_index_reserve(poa_id_index *ix, size_t expected) {
    if (expected * 4 <= ix->cap * 3) {
        return 0;
    }
    poa_id_index bigger;
    if (poa_id_index_init(&bigger, expected) != 0) {
        poa_id_index_free(&bigger);
        return -1;
    }
    for (size_t i = 0; i < ix->cap; i++) {
        if (ix->keys[i]) {
            poa_id_index_put(&bigger, ix->keys[i], ix->values[i]);
        }
    }
    poa_id_index_free(ix);
    *ix = bigger;
    return 0;
}
