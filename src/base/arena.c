#include "poagen/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} block;

struct poa_arena {
    block *head;
    size_t block_size; /* of the next regular block */
};

/* Blocks start small and double up to a limit: a small case keeps a small
 * arena, while a large one (a million SKUs) gets a few big blocks that can
 * sit on large pages, instead of hundreds of small ones that each fault
 * their pages in one by one. */
enum { BLOCK_SIZE = 64 * 1024, BLOCK_SIZE_MAX = 4 * 1024 * 1024 };

poa_arena *poa_arena_new(void) {
    return calloc(1, sizeof(poa_arena));
}

void poa_arena_free(poa_arena *a) {
    if (!a) {
        return;
    }
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *poa_arena_alloc(poa_arena *a, size_t n) {
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) {
        return NULL;
    }
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t regular = a->block_size ? a->block_size : BLOCK_SIZE;
        size_t size = need > regular ? need : regular;
        block *nb = malloc(sizeof(block) + size);
        if (!nb) {
            return NULL;
        }
        poa_memory_hint_large(nb, sizeof(block) + size);
        nb->used = 0;
        nb->size = size;
        if (need <= regular && regular < BLOCK_SIZE_MAX) {
            a->block_size = regular * 2;
        }
        if (b && need > regular) {
            /* A large one-off goes behind the current block, which keeps
             * its free space for the small allocations that follow. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

char *poa_arena_strndup(poa_arena *a, const char *s, size_t n) {
    char *p = poa_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *poa_arena_strdup(poa_arena *a, const char *s) {
    return poa_arena_strndup(a, s, strlen(s));
}

void poa_memory_hint_large(void *p, size_t n) {
#if defined(MADV_HUGEPAGE)
    const uintptr_t large = (uintptr_t)2 << 20;
    if (!p || n < 2 * large) {
        return;
    }
    /* Only whole large pages inside the block: madvise wants page-aligned
     * ranges, and the block's first and last bytes may share pages with
     * other allocations. */
    uintptr_t from = ((uintptr_t)p + large - 1) & ~(large - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(large - 1);
    if (to > from) {
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
    }
#else
    (void)p;
    (void)n;
#endif
}
