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

/* Nine slots in ten at most: linear probes then stay within a cache line
 * or two, and the tag bits spare most reads of the orders themselves. */
#define LOAD_NUM 9
#define LOAD_DEN 10

/* The slot a hash starts probing at: a multiply maps it onto any capacity,
 * so the table need not be a power of two (no doubling, no 50 % waste). */
static size_t home(uint64_t h, size_t cap) {
    return (size_t)(((h >> 32) * (uint64_t)cap) >> 32);
}

static uint64_t rec_id(const poa_order_rec *r) {
    return (uint64_t)r->w[1] << 32 | r->w[0];
}

/* The hash bits a slot keeps above the position: every bit the table's
 * size leaves free (nine for four million orders), so that a probe passing
 * other ids' slots seldom has to read their orders to tell them apart. */
static uint32_t tag_of(const poa_id_index *ix, uint64_t h) {
    return (uint32_t)h << ix->pos_bits;
}

static uint32_t pos_mask(const poa_id_index *ix) {
    return (uint32_t)((1ull << ix->pos_bits) - 1);
}

void poa_id_index_free(poa_id_index *ix) {
    free(ix->slots);
    ix->slots = NULL;
    ix->cap = ix->count = 0;
}

static void place(poa_id_index *ix, uint64_t h, uint32_t pos) {
    size_t i = home(h, ix->cap);
    while (ix->slots[i]) {
        i = i + 1 == ix->cap ? 0 : i + 1;
    }
    ix->slots[i] = tag_of(ix, h) | (pos + 1);
}

/* A table for `want` orders, refilled from orders[0..count). The old table
 * goes first, so growing never holds two of them. */
static int rebuild(poa_id_index *ix, const poa_order_rec *orders, size_t want) {
    size_t cap = want / LOAD_NUM * LOAD_DEN + 64;
    if (cap > (size_t)UINT32_MAX) {
        return -1;
    }
    /* The new table first: when there is no room for it, the old one stays
     * whole and the caller can go on or report the failure. */
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots) {
        return -1;
    }
    poa_memory_hint_large(slots, cap * sizeof *slots);
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    /* Positions + 1 stay below the load limit, itself below cap. */
    ix->pos_bits = 1;
    while (((size_t)1 << ix->pos_bits) <= cap) {
        ix->pos_bits++;
    }
    for (size_t k = 0; k < ix->count; k++) {
        place(ix, mix(rec_id(&orders[k])), (uint32_t)k);
    }
    return 0;
}

int poa_id_index_reserve(poa_id_index *ix, const poa_order_rec *orders, size_t expected) {
    if (expected > POA_ID_INDEX_MAX) {
        expected = POA_ID_INDEX_MAX;
    }
    if (expected * LOAD_DEN <= ix->cap * LOAD_NUM) {
        return 0;
    }
    return rebuild(ix, orders, expected);
}

int poa_id_index_build(poa_id_index *ix, const poa_order_rec *orders, size_t n,
                       size_t expected) {
    /* Ids a step: their hashes are sorted by the region of the table they
     * start probing in (a counting sort on the top bits of the home slot),
     * then placed region by region. The sort moves the hashes themselves,
     * with their positions, so that placing reads them in order; an order's
     * id is read only when a slot's tag matches its hash. */
    enum { STEP = 1 << 17, REGION_BITS = 10, AHEAD = 32 };
    if (ix->count || n > POA_ID_INDEX_MAX) {
        return -1;
    }
    if (rebuild(ix, orders, expected > n ? expected : n) != 0) {
        return -1;
    }
    uint64_t *hash = malloc(STEP * sizeof *hash);
    uint64_t *sorted = malloc(STEP * sizeof *sorted);
    uint32_t *sorted_pos = malloc(STEP * sizeof *sorted_pos);
    size_t *start = malloc(((1u << REGION_BITS) + 1) * sizeof *start);
    if (!hash || !sorted || !sorted_pos || !start) {
        free(hash);
        free(sorted);
        free(sorted_pos);
        free(start);
        return -1;
    }
    unsigned shift = 0;
    while ((ix->cap - 1) >> shift >= (1u << REGION_BITS)) {
        shift++;
    }
    const uint32_t mask = pos_mask(ix);
    int duplicate = 0;
    for (size_t from = 0; from < n && !duplicate; from += STEP) {
        const size_t m = n - from < STEP ? n - from : STEP;
        memset(start, 0, ((1u << REGION_BITS) + 1) * sizeof *start);
        for (size_t k = 0; k < m; k++) {
            hash[k] = mix(rec_id(&orders[from + k]));
            start[(home(hash[k], ix->cap) >> shift) + 1]++;
        }
        for (size_t b = 0; b < (1u << REGION_BITS); b++) {
            start[b + 1] += start[b];
        }
        for (size_t k = 0; k < m; k++) {
            const size_t to = start[home(hash[k], ix->cap) >> shift]++;
            sorted[to] = hash[k];
            sorted_pos[to] = (uint32_t)(from + k);
        }
        for (size_t j = 0; j < m && !duplicate; j++) {
            /* Regions come in order, slots within one do not: load ahead. */
            if (j + AHEAD < m) {
                __builtin_prefetch(&ix->slots[home(sorted[j + AHEAD], ix->cap)], 1);
            }
            const uint64_t h = sorted[j];
            const uint32_t pos = sorted_pos[j], tag = tag_of(ix, h);
            size_t i = home(h, ix->cap);
            for (; ix->slots[i]; i = i + 1 == ix->cap ? 0 : i + 1) {
                uint32_t s = ix->slots[i];
                if ((s & ~mask) == tag &&
                    rec_id(&orders[(s & mask) - 1]) == rec_id(&orders[pos])) {
                    duplicate = 1;
                    break;
                }
            }
            if (!duplicate) {
                ix->slots[i] = tag | (pos + 1);
            }
        }
    }
    free(hash);
    free(sorted);
    free(sorted_pos);
    free(start);
    if (duplicate) {
        poa_id_index_free(ix);
        return 1;
    }
    ix->count = n;
    return 0;
}

void poa_id_index_prefetch(const poa_id_index *ix, uint64_t id) {
    if (ix->cap) {
        __builtin_prefetch(&ix->slots[home(mix(id), ix->cap)]);
    }
}

uint32_t poa_id_index_get(const poa_id_index *ix, const poa_order_rec *orders,
                          uint64_t id) {
    if (!ix->cap) {
        return UINT32_MAX;
    }
    uint64_t h = mix(id);
    uint32_t tag = tag_of(ix, h), mask = pos_mask(ix);
    for (size_t i = home(h, ix->cap);; i = i + 1 == ix->cap ? 0 : i + 1) {
        uint32_t s = ix->slots[i];
        if (!s) {
            return UINT32_MAX;
        }
        if ((s & ~mask) == tag && rec_id(&orders[(s & mask) - 1]) == id) {
            return (s & mask) - 1;
        }
    }
}

uint32_t poa_id_index_upsert(poa_id_index *ix, const poa_order_rec *orders, uint64_t id,
                             int *inserted) {
    *inserted = 0;
    /* At the limit the table is sized for POA_ID_INDEX_MAX and keeps free
     * slots: known ids are still found, new ones refused below. */
    if ((ix->count + 1) * LOAD_DEN > ix->cap * LOAD_NUM && ix->count < POA_ID_INDEX_MAX) {
        size_t want = ix->count < 1024 ? 2048 : ix->count + ix->count / 2;
        if (rebuild(ix, orders, want < POA_ID_INDEX_MAX ? want : POA_ID_INDEX_MAX) != 0) {
            return UINT32_MAX;
        }
    }
    uint64_t h = mix(id);
    uint32_t tag = tag_of(ix, h), mask = pos_mask(ix);
    size_t i = home(h, ix->cap);
    for (;; i = i + 1 == ix->cap ? 0 : i + 1) {
        uint32_t s = ix->slots[i];
        if (!s) {
            break;
        }
        if ((s & ~mask) == tag && rec_id(&orders[(s & mask) - 1]) == id) {
            return (s & mask) - 1;
        }
    }
    if (ix->count >= POA_ID_INDEX_MAX) {
        return UINT32_MAX; /* a position would spill into the tag bits */
    }
    uint32_t pos = (uint32_t)ix->count++;
    ix->slots[i] = tag | (pos + 1);
    *inserted = 1;
    return pos;
}

/* The spill map and the interner share one small-table scheme: slots hold
 * item + 1 (0 empty) in a power-of-two table at most half full, probed
 * linearly; the items live in arrays side by side. */

static size_t free_slot(const uint32_t *slots, size_t cap, uint64_t h) {
    size_t i = h & (cap - 1);
    while (slots[i]) {
        i = (i + 1) & (cap - 1);
    }
    return i;
}

/* The hash bits a slot of a table of cap slots can keep above item + 1
 * (which stays below cap/2), when the table keeps them (tagged). */
static uint32_t slot_tag(uint64_t h, size_t cap, int tagged) {
    unsigned bits = (unsigned)__builtin_ctzll(cap);
    return tagged && bits < 32 ? (uint32_t)(h >> 32) << bits : 0;
}

/* Doubles the table (64 slots at first) and places items 0..count-1 again,
 * item k at hash_of(ctx, k), with its tag when tagged. */
static int double_slots(uint32_t **slots, size_t *cap, size_t count,
                        uint64_t (*hash_of)(const void *ctx, size_t k), const void *ctx,
                        int tagged) {
    size_t n = *cap ? *cap * 2 : 64;
    uint32_t *fresh = calloc(n, sizeof *fresh);
    if (!fresh) {
        return -1;
    }
    poa_memory_hint_large(fresh, n * sizeof *fresh);
    for (size_t k = 0; k < count; k++) {
        uint64_t h = hash_of(ctx, k);
        fresh[free_slot(fresh, n, h)] = slot_tag(h, n, tagged) | ((uint32_t)k + 1);
    }
    free(*slots);
    *slots = fresh;
    *cap = n;
    return 0;
}

/* Room for one more item in two arrays of *cap items kept side by side. */
static int grow_pair(void **a, size_t asize, void **b, size_t bsize, size_t *cap,
                     size_t count) {
    if (count < *cap) {
        return 0;
    }
    size_t n = *cap ? *cap * 2 : 32;
    void *na = realloc(*a, n * asize);
    if (na) {
        *a = na;
    }
    void *nb = na ? realloc(*b, n * bsize) : NULL;
    if (!nb) {
        return -1;
    }
    *b = nb;
    *cap = n;
    poa_memory_hint_large(*a, n * asize);
    poa_memory_hint_large(*b, n * bsize);
    return 0;
}

static uint64_t spilled_hash(const void *ctx, size_t k) {
    return mix(((const poa_spill_map *)ctx)->pos[k]);
}

void poa_spill_free(poa_spill_map *m) {
    free(m->slots);
    free(m->items);
    free(m->pos);
    memset(m, 0, sizeof *m);
}

poa_order *poa_spill_find(const poa_spill_map *m, uint32_t pos) {
    if (!m->cap) {
        return NULL;
    }
    for (size_t i = mix(pos) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        uint32_t s = m->slots[i];
        if (!s) {
            return NULL;
        }
        if (m->pos[s - 1] == pos) {
            return &m->items[s - 1];
        }
    }
}

poa_order *poa_spill_put(poa_spill_map *m, uint32_t pos) {
    poa_order *o = poa_spill_find(m, pos);
    if (o) {
        return o;
    }
    if (((m->count + 1) * 2 > m->cap &&
         double_slots(&m->slots, &m->cap, m->count, spilled_hash, m, 0) != 0) ||
        grow_pair((void **)&m->items, sizeof *m->items, (void **)&m->pos, sizeof *m->pos,
                  &m->items_cap, m->count) != 0) {
        return NULL;
    }
    m->slots[free_slot(m->slots, m->cap, mix(pos))] = (uint32_t)m->count + 1;
    m->pos[m->count] = pos;
    o = &m->items[m->count++];
    memset(o, 0, sizeof *o);
    return o;
}

void poa_interner_init(poa_interner *in, poa_arena *arena) {
    memset(in, 0, sizeof *in);
    in->arena = arena;
}

void poa_interner_free(poa_interner *in) {
    free(in->items);
    free(in->keys);
    free(in->slots);
    in->items = NULL;
    in->keys = NULL;
    in->slots = NULL;
}

/* The bytes of s[0..n), n < 8, in one word: overlapping loads instead of
 * a copy of variable length (which costs a call). For a given n, distinct
 * strings give distinct words. */
static uint64_t short_word(const char *s, size_t n) {
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        return a | (uint64_t)b << 32;
    }
    if (n == 0) {
        return 0;
    }
    const unsigned char *u = (const unsigned char *)s;
    return u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
}

/* Eight bytes a step. SKUs and carrier names are a few bytes long, and one
 * is hashed and compared for every row of an export. */
static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    if (n < 8) {
        return mix(h ^ short_word(s, n));
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (i < n) {
        uint64_t w; /* the last eight bytes, overlapping the words before */
        memcpy(&w, s + n - 8, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    }
    return mix(h);
}

static poa_intern_key key_of(const char *s, size_t n) {
    poa_intern_key k = {0, 0, (uint32_t)n};
    if (n < 8) {
        k.first = short_word(s, n);
    } else {
        memcpy(&k.first, s, 8);
        memcpy(&k.last, s + n - 8, 8);
    }
    return k;
}

static uint64_t interned_hash(const void *ctx, size_t k) {
    const poa_interner *in = ctx;
    return hash_bytes(in->items[k], in->keys[k].len);
}

uint64_t poa_intern_hash(const char *s, size_t n) {
    return hash_bytes(s, n);
}

void poa_intern_prefetch(const poa_interner *in, uint64_t h) {
    if (in->cap) {
        __builtin_prefetch(&in->slots[h & (in->cap - 1)]);
    }
}

uint32_t poa_intern_hashed(poa_interner *in, const char *s, size_t n, uint64_t h) {
    if ((in->count + 1) * 2 > in->cap &&
        double_slots(&in->slots, &in->cap, in->count, interned_hash, in, 1) != 0) {
        return UINT32_MAX;
    }
    /* Slots keep the hash bits above the item: a probe passing other
     * strings' slots seldom reads their lengths or bytes, each a cache
     * miss in a table of a million SKUs. */
    if (n >= UINT32_MAX) {
        return UINT32_MAX;
    }
    const uint32_t tag = slot_tag(h, in->cap, 1), mask = (uint32_t)in->cap - 1;
    const poa_intern_key key = key_of(s, n);
    size_t i = h & (in->cap - 1);
    while (in->slots[i]) {
        uint32_t sl = in->slots[i];
        if ((sl & ~mask) == tag) {
            uint32_t k = (sl & mask) - 1;
            const poa_intern_key *kk = &in->keys[k];
            if (kk->len == key.len && kk->first == key.first && kk->last == key.last &&
                (n <= 16 || memcmp(in->items[k] + 8, s + 8, n - 16) == 0)) {
                return k;
            }
        }
        i = (i + 1) & (in->cap - 1);
    }
    if (grow_pair((void **)&in->items, sizeof *in->items, (void **)&in->keys,
                  sizeof *in->keys, &in->items_cap, in->count) != 0) {
        return UINT32_MAX;
    }
    char *copy = poa_arena_strndup(in->arena, s, n);
    if (!copy) {
        return UINT32_MAX;
    }
    in->items[in->count] = copy;
    in->keys[in->count] = key;
    in->slots[i] = tag | ((uint32_t)in->count + 1);
    return (uint32_t)in->count++;
}

uint32_t poa_intern(poa_interner *in, const char *s, size_t n) {
    return poa_intern_hashed(in, s, n, hash_bytes(s, n));
}
