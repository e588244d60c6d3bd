/* poagen — region allocator: many allocations, one free.
 * Per-case data lives in one arena and goes with poa_arena_free(). */
#ifndef POAGEN_ARENA_H
#define POAGEN_ARENA_H

#include <stddef.h>

typedef struct poa_arena poa_arena;

poa_arena *poa_arena_new(void);
/* Frees every block; NULL does nothing. */
void poa_arena_free(poa_arena *a);
/* Zeroed, aligned to 16 bytes; NULL when out of memory. */
void *poa_arena_alloc(poa_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *poa_arena_strndup(poa_arena *a, const char *s, size_t n);
char *poa_arena_strdup(poa_arena *a, const char *s);

/* Ask for large pages under a big table read at random places (the order id
 * index, the SKU table, the orders): one translation covers 2 MB instead of
 * 4 KB, so a lookup costs one cache miss rather than a miss and a page walk,
 * and filling the table takes a few page faults instead of thousands. Only
 * a hint: blocks under 4 MB and systems without large pages are left alone. */
void poa_memory_hint_large(void *p, size_t n);

#endif
