/* Carrier tracking formats matched without regexec: see pattern.h. */
#include "ingest/pattern.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static void set_range(uint64_t cls[4], unsigned lo, unsigned hi) {
    for (unsigned c = lo; c <= hi; c++) {
        cls[c >> 6] |= (uint64_t)1 << (c & 63);
    }
}

static int has(const uint64_t cls[4], unsigned char c) {
    return (int)(cls[c >> 6] >> (c & 63) & 1);
}

/* Bytes a bracket item may name. '[' would open a class, collating symbol
 * or equivalence class, and a backslash is literal in POSIX but escapes in
 * other dialects: both are left to regexec, as are bytes whose meaning
 * depends on the character set. */
static int plain_in_bracket(unsigned char c) {
    return c != '\0' && c != '[' && c != '\\' && c < 0x80;
}

/* A bracket expression, *s just past its '['. 0 when outside the subset. */
static int parse_bracket(const char **s, uint64_t cls[4]) {
    const char *q = *s;
    int negate = *q == '^';
    q += negate;
    uint64_t set[4] = {0};
    for (int first = 1;; first = 0) {
        unsigned char lo = (unsigned char)q[0];
        if (lo == ']' && !first) {
            break;
        }
        if (!plain_in_bracket(lo)) {
            return 0;
        }
        /* '-' is itself only first or last; "a-c-e" is undefined. */
        if (lo == '-' && !first && q[1] != ']') {
            return 0;
        }
        unsigned char hi = lo;
        if (q[1] == '-' && q[2] != ']' && q[2] != '\0') {
            hi = (unsigned char)q[2];
            if (lo == '-' || hi == '-' || !plain_in_bracket(hi) || hi < lo) {
                return 0;
            }
            q += 3;
        } else {
            q++;
        }
        set_range(set, lo, hi);
    }
    for (int w = 0; w < 4; w++) {
        cls[w] = negate ? ~set[w] : set[w];
    }
    cls[0] &= ~(uint64_t)1; /* the subject ends at a NUL for regexec */
    *s = q + 1;
    return 1;
}

/* One atom at *s into cls. 0 when outside the subset. */
static int parse_atom(const char **s, uint64_t cls[4]) {
    unsigned char c = (unsigned char)**s;
    memset(cls, 0, 4 * sizeof *cls);
    if (c == '[') {
        ++*s;
        return parse_bracket(s, cls);
    }
    if (c == '.') {
        set_range(cls, 1, 255);
    } else if (c == '\\') {
        /* Escaped operators are literals everywhere; any other escape is a
         * GNU extension (\w, \b, \1...) with its own meaning. */
        c = (unsigned char)(*s)[1];
        if (c == '\0' || !strchr(".[]{}()*+?^$|\\", c)) {
            return 0;
        }
        ++*s;
        set_range(cls, c, c);
    } else if (c == '\0' || c >= 0x80 || strchr("()|^$*+?{}]", c)) {
        return 0;
    } else {
        set_range(cls, c, c);
    }
    ++*s;
    return 1;
}

/* A decimal count of at most POA_PATTERN_MAX_COUNT at *s; -1 if none. */
static int parse_count(const char **s) {
    const char *q = *s;
    int v = 0;
    if (*q < '0' || *q > '9') {
        return -1;
    }
    while (*q >= '0' && *q <= '9') {
        v = v * 10 + (*q++ - '0');
        if (v > POA_PATTERN_MAX_COUNT) {
            return -1;
        }
    }
    *s = q;
    return v;
}

/* The quantifier after an atom, if any, into *min and *max. 0 when outside
 * the subset. */
static int parse_quantifier(const char **s, int *min, int *max) {
    char c = **s;
    *min = *max = 1;
    if (c == '*' || c == '+' || c == '?') {
        *min = c == '+';
        *max = c == '?' ? 1 : POA_PATTERN_UNBOUNDED;
        ++*s;
    } else if (c == '{') {
        ++*s;
        if ((*min = parse_count(s)) < 0) {
            return 0;
        }
        *max = *min;
        if (**s == ',') {
            ++*s;
            *max = **s == '}' ? POA_PATTERN_UNBOUNDED : parse_count(s);
            if (*max < *min) {
                return 0;
            }
        }
        if (**s != '}') {
            return 0;
        }
        ++*s;
    }
    /* Stacked quantifiers ("a+*", "a{2}?") nest in GNU regex: left to it. */
    return !**s || !strchr("*+?{", **s);
}

/* The subset means what it does under the C locale: one byte per
 * character and ranges by byte value. A thread's own locale is not what
 * setlocale reports, so it is not assumed to be C either. */
static int c_locale(void) {
    if (MB_CUR_MAX != 1 || uselocale((locale_t)0) != LC_GLOBAL_LOCALE) {
        return 0;
    }
    const char *names[] = {setlocale(LC_CTYPE, NULL), setlocale(LC_COLLATE, NULL)};
    for (int i = 0; i < 2; i++) {
        if (!names[i] || (strcmp(names[i], "C") != 0 && strcmp(names[i], "POSIX") != 0)) {
            return 0;
        }
    }
    return 1;
}

/* NFA states for a pattern whose counts vary: an atom {n,m} becomes m
 * states in a row, the last m-n of them optional (skipping any of the
 * optional copies is the same as skipping the last ones); {n,} becomes n
 * states, or one optional state for {0,}, the last one looping. */
static int assign_states(poa_pattern *p) {
    unsigned next = 0;
    for (unsigned i = 0; i < p->natoms; i++) {
        poa_pattern_atom *a = &p->atoms[i];
        int unbounded = a->max == POA_PATTERN_UNBOUNDED;
        unsigned k = unbounded ? (a->min ? a->min : 1u) : a->max;
        if (next + k > POA_PATTERN_MAX_STATES) {
            return 0;
        }
        a->states = (((uint64_t)1 << k) - 1) << next;
        if (unbounded) {
            p->loop |= (uint64_t)1 << (next + k - 1);
            if (a->min == 0) {
                p->optional |= (uint64_t)1 << next;
            }
        } else {
            for (unsigned j = a->min; j < a->max; j++) {
                p->optional |= (uint64_t)1 << (next + j);
            }
        }
        next += k;
    }
    p->nstates = (uint8_t)next;
    return 1;
}

int poa_pattern_compile(poa_pattern *p, const char *format) {
    memset(p, 0, sizeof *p);
    if (!*format || !c_locale()) {
        return 0;
    }
    const char *s = format;
    int fixed = 1;
    while (*s) {
        poa_pattern_atom a = {0};
        int min, max;
        if (!parse_atom(&s, a.cls) || !parse_quantifier(&s, &min, &max)) {
            return 0;
        }
        if (max == 0) {
            continue; /* x{0} matches the empty string: nothing to keep */
        }
        if (p->natoms == POA_PATTERN_MAX_ATOMS) {
            return 0;
        }
        a.min = (uint16_t)min;
        a.max = (uint16_t)max;
        fixed &= min == max;
        p->min_len += (size_t)min;
        p->max_len = max == POA_PATTERN_UNBOUNDED || p->max_len == SIZE_MAX
                         ? SIZE_MAX
                         : p->max_len + (size_t)max;
        p->atoms[p->natoms++] = a;
    }
    p->fixed = (uint8_t)fixed;
    if (!fixed && !assign_states(p)) {
        return 0;
    }
    p->compiled = 1;
    return 1;
}

/* The states reachable from x by skipping optional states. */
static uint64_t skip_optional(const poa_pattern *p, uint64_t x) {
    uint64_t prev;
    do {
        prev = x;
        x |= (x & p->optional) << 1;
    } while (x != prev);
    return x;
}

int poa_pattern_match(const poa_pattern *p, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    if (n < p->min_len || n > p->max_len) {
        return 0;
    }
    if (p->fixed) {
        /* The length already matches: one class test per byte. */
        for (unsigned i = 0; i < p->natoms; i++) {
            const poa_pattern_atom *a = &p->atoms[i];
            for (unsigned k = 0; k < a->min; k++) {
                if (!has(a->cls, *u++)) {
                    return 0;
                }
            }
        }
        return 1;
    }
    /* Bit j: state j may take the next byte; bit nstates: all consumed.
     * All states advance together, so the time is linear in n whatever the
     * pattern. */
    uint64_t ready = skip_optional(p, 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t took = 0;
        for (unsigned k = 0; k < p->natoms; k++) {
            if (has(p->atoms[k].cls, u[i])) {
                took |= p->atoms[k].states;
            }
        }
        took &= ready;
        if (!took) {
            return 0;
        }
        ready = skip_optional(p, took << 1 | (took & p->loop));
    }
    return (int)(ready >> p->nstates & 1);
}
