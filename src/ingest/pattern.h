/* Private to the ingest stage: carrier tracking formats matched without
 * regexec. Formats are POSIX extended regular expressions, but in practice
 * only a sequence of single characters, bracket expressions and '.', each
 * with at most one quantifier. That subset compiles here; anything else is
 * reported as not compiled and the caller keeps using regcomp/regexec, so
 * the answer is always the one regexec would give for "^(format)$". */
#ifndef POAGEN_INGEST_PATTERN_H
#define POAGEN_INGEST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

enum {
    /* Atoms of a compiled format; longer formats fall back. */
    POA_PATTERN_MAX_ATOMS = 32,
    /* The largest repeat count compiled ({n,m} and {n,}). */
    POA_PATTERN_MAX_COUNT = 255,
    /* Counts that are not all fixed need one NFA state per repeat, one bit
     * each in a word that also holds the accepting bit. */
    POA_PATTERN_MAX_STATES = 63,
    POA_PATTERN_UNBOUNDED = 0xFFFF
};

typedef struct {
    uint64_t cls[4];   /* the bytes it matches, one bit each */
    uint64_t states;   /* its NFA states, when the pattern is not fixed */
    uint16_t min, max; /* how many times; max may be POA_PATTERN_UNBOUNDED */
} poa_pattern_atom;

typedef struct {
    poa_pattern_atom atoms[POA_PATTERN_MAX_ATOMS];
    uint64_t optional; /* NFA states that may be skipped */
    uint64_t loop;     /* NFA states that may repeat */
    size_t min_len, max_len;
    uint8_t natoms;
    uint8_t nstates; /* the accepting bit */
    uint8_t fixed;   /* every atom a fixed count: one pass, no NFA */
    uint8_t compiled;
} poa_pattern;

/* Compiles `format` as "^(format)$" would be under REG_EXTENDED in the C
 * locale. 1 when compiled; 0 when the format is outside the subset, or the
 * locale is not C, and regexec must decide. */
int poa_pattern_compile(poa_pattern *p, const char *format);

/* 1 when all of s[0..n) matches the compiled pattern, else 0. s needs no
 * terminator and may contain any byte. */
int poa_pattern_match(const poa_pattern *p, const char *s, size_t n);

#endif
