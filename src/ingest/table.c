/* Streaming reader for tab- and comma-separated exports; see table.h.
 *
 * Data flow: read(2) in large blocks → (iconv to UTF-8 when the file is not UTF-8)
 * → one buffer `buf` holding the unread part of the file → rows split in place.
 * Offsets into buf: [pos, avail) is decoded text the rows are cut from; [avail, end)
 * are bytes read but not yet usable (a sequence cut short while the encoding is
 * undecided, see settle_at). */
#include "ingest/table.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__) && !defined(POA_TABLE_PORTABLE)
#include <emmintrin.h>
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) &&                   \
    !defined(POA_TABLE_NO_AVX2)
/* Built for any x86-64, the reader also carries a 32-byte path for the
 * processors that have AVX2, chosen when a file is opened. */
#include <immintrin.h>
#define POA_TABLE_AVX2 1
#endif
#endif

#define DEFAULT_BYTES ((size_t)1 << 20)
/* The read size: small enough that a block the kernel has just copied in
 * is still in the core's own cache when the rows are cut from it. */
#define READ_BYTES ((size_t)128 << 10)
#define MIN_BLOCK 16 /* room for any character iconv may emit */
#define NO_ICONV ((iconv_t)-1)

typedef struct poa_table_reader poa_table_reader;
/* Cuts one line into fields (see split_line_with). */
typedef const char *(*split_fn)(poa_table_reader *r, const char *s, const char *lim,
                                int *quote, const char *odd[2]);

struct poa_table_reader {
    split_fn split_line; /* the fastest this processor runs */
    int fd;
    char *path;
    poa_quoting quoting;
    size_t max_line, block;
    const poa_warner *warner;

    char *buf; /* the unread part of the file, decoded */
    size_t cap, pos, avail, end;
    int read_eof;   /* read(2) reported end of file */
    int pass;       /* bytes go straight into buf (UTF-8 or not yet decided) */
    int decided;    /* encoding settled */
    int recut;      /* settle_at changed the text of the row being cut */
    iconv_t cd;     /* in use when !pass */
    iconv_t legacy; /* opened up front so a bad code page name fails at open */
    char *raw;      /* bytes waiting for iconv */
    size_t raw_cap, raw_len;
    char eol; /* '\n' (CRLF too) or '\r' (old Mac files); 0 until seen */
    int has_bom;
    int multiline_ok; /* a quoted field may span lines: BOM or comma file */
    char legacy_name[64];
    char encoding[80];

    /* the current row */
    poa_field *fields;
    size_t *raw_off; /* where each field starts in buf (its opening quote if quoted) */
    size_t fcap, nfields;
    int row_slow; /* raw_off is filled (the fast path leaves fields[i].p raw) */
    size_t rec_start;
    unsigned long rec_line;
    char *scratch; /* unescaped quoted fields */
    size_t scap;

    unsigned long line; /* physical line at pos */
    size_t header_fields;
    int header_seen, done, failed;
    poa_table_info info;
};

/* ---- text checks ---- */

/* Length of the UTF-8 sequence at s (strict: no overlongs, surrogates or values
 * past U+10FFFF); 0 when invalid; -1 when s ends before the sequence does. */
static long utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80) {
        return 1;
    }
    if (c < 0xC2) {
        return 0;
    }
    if (c < 0xE0) {
        len = 2;
    } else if (c < 0xF0) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c < 0xF5) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (size_t k = 1; k < len; k++) {
        if (k >= n) {
            return -1;
        }
        unsigned d = s[k];
        if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) {
            return 0;
        }
    }
    return (long)len;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#if !defined(__SSE2__) || defined(POA_TABLE_PORTABLE)
/* Nonzero when the 8 bytes hold a NUL or a byte >= 0x80: both need a closer look. */
static inline uint64_t word_special(uint64_t v) {
    return (((v - ONES) & ~v) | v) & HIGHS;
}
#endif

/* Offset of the first NUL, or (when utf8) of the first invalid UTF-8 sequence, in
 * [s, s+n); n when the text is clean. Runs of ASCII are skipped 16 bytes at a time;
 * only the bytes that are not ASCII go through utf8_seq. */
static size_t check_text(const unsigned char *s, size_t n, int utf8) {
    if (!utf8) {
        const unsigned char *z = memchr(s, 0, n);
        return z ? (size_t)(z - s) : n;
    }
    size_t i = 0;
    while (i < n) {
#if defined(__SSE2__) && !defined(POA_TABLE_PORTABLE)
        const __m128i vz = _mm_setzero_si128();
        while (i + 16 <= n) {
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            unsigned m =
                (unsigned)_mm_movemask_epi8(_mm_or_si128(c, _mm_cmpeq_epi8(c, vz)));
            if (m) {
                i += (size_t)__builtin_ctz(m);
                break;
            }
            i += 16;
        }
#else
        while (i + 16 <= n) {
            uint64_t a, b;
            memcpy(&a, s + i, 8);
            memcpy(&b, s + i + 8, 8);
            if (word_special(a) | word_special(b)) {
                break;
            }
            i += 16;
        }
#endif
        while (i < n && s[i] - 1u < 0x7Fu) { /* ASCII but NUL */
            i++;
        }
        if (i >= n) {
            break;
        }
        if (s[i] == 0) {
            return i;
        }
        long len = utf8_seq(s + i, n - i);
        if (len <= 0) {
            return i;
        }
        i += (size_t)len;
    }
    return n;
}

/* Offset of the first byte >= 0x80 in [s, s+n), or n. */
static size_t first_high(const unsigned char *s, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (v & HIGHS) {
            break;
        }
    }
    while (i < n && s[i] < 0x80) {
        i++;
    }
    return i;
}

/* Code points in [s, e): every byte that is not a UTF-8 continuation byte. */
static unsigned count_cp(const char *s, const char *e) {
    unsigned n = 0;
    for (; s < e; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

/* ---- positions ---- */

/* The line-end character seen in [s, lim): '\r' only when a CR not followed by LF
 * comes first (old Mac files), '\n' otherwise; 0 when [s, lim) cannot tell yet. */
static char detect_eol(const char *s, const char *lim, int final) {
    const char *lf = memchr(s, '\n', (size_t)(lim - s));
    const char *cr = memchr(s, '\r', (size_t)((lf ? lf : lim) - s));
    if (cr) {
        if (cr + 1 < lim) {
            return cr[1] == '\n' ? '\n' : '\r';
        }
        return final ? '\r' : 0;
    }
    if (lf || final) {
        return '\n';
    }
    return 0;
}

/* Line and column (code points) of buf offset off >= pos. Used for errors found
 * while decoding, possibly before the line ends are known: then guess them from the
 * text before off, which is all that matters for counting. */
static void locate(const poa_table_reader *r, size_t off, unsigned long *line,
                   unsigned *col) {
    const char *s = r->buf + r->pos, *e = r->buf + off;
    char eol = r->eol ? r->eol : detect_eol(s, e, 1);
    unsigned long l = r->line;
    const char *ls = s;
    for (const char *p = s; (p = memchr(p, eol, (size_t)(e - p))) != NULL; p++) {
        l++;
        ls = p + 1;
    }
    *line = l;
    *col = count_cp(ls, e) + 1;
}

/* ---- buffers and decoding ---- */

static int reserve(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) {
        return 0;
    }
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) {
            return -1;
        }
        c *= 2;
    }
    void *q = realloc(*p, c * elem);
    if (!q) {
        return -1;
    }
    *p = q;
    *cap = c;
    return 0;
}

static poa_status nomem(poa_table_reader *r, poa_error *err) {
    return poa_error_set(err, POA_ERR_NOMEM, r->path, 0, 0, "out of memory");
}

/* read(2) until n bytes or end of file; -1 on error (errno set). */
static ssize_t read_full(int fd, char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (k == 0) {
            break;
        }
        got += (size_t)k;
    }
    return (ssize_t)got;
}

static poa_status read_error(poa_table_reader *r, poa_error *err) {
    return poa_error_set(err, POA_ERR_IO, r->path, 0, 0, "cannot read: %s",
                         strerror(errno));
}

/* No more decoded text will come. */
static int data_final(const poa_table_reader *r) {
    return r->read_eof && r->avail == r->end && r->raw_len == 0;
}

/* Decode as much of raw as fits into buf. An undefined byte is an error at the line
 * and column it would have had; a character cut by end of file is one too. */
static poa_status convert(poa_table_reader *r, poa_error *err) {
    char *in = r->raw, *out = r->buf + r->end;
    size_t inleft = r->raw_len, outleft = r->cap - r->end;
    size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
    int e = errno;
    r->end = r->avail = (size_t)(out - r->buf);
    memmove(r->raw, in, inleft);
    r->raw_len = inleft;
    if (rc != (size_t)-1) {
        return POA_OK;
    }
    unsigned long line;
    unsigned col;
    if (e == EILSEQ) {
        locate(r, r->end, &line, &col);
        return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)line, col,
                             "byte 0x%02X at line %lu is not a character in %s — the "
                             "file may use another encoding; name it with --encoding",
                             (unsigned char)r->raw[0], line, r->encoding);
    }
    if (e == EINVAL && r->read_eof) {
        locate(r, r->end, &line, &col);
        return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)line, col,
                             "the file ends in the middle of a %s character — it was "
                             "cut short; download it again",
                             r->encoding);
    }
    return POA_OK; /* E2BIG or EINVAL: the rest waits for room or more bytes */
}

/* From now on bytes from buf offset `from` on go through cd. */
static poa_status start_iconv(poa_table_reader *r, iconv_t cd, size_t from,
                              poa_error *err) {
    size_t n = r->end - from;
    if (reserve((void **)&r->raw, &r->raw_cap, n > r->block ? n : r->block, 1) != 0) {
        return nomem(r, err);
    }
    memcpy(r->raw, r->buf + from, n);
    r->raw_len = n;
    r->end = r->avail = from;
    r->cd = cd;
    r->pass = 0;
    r->decided = 1;
    return convert(r, err);
}

/* While undecided, the file's first byte past ASCII, at k, settles UTF-8 versus
 * the legacy code page; the text before it reads the same either way. Found by
 * check_line, in the line that holds it: a file that is ASCII throughout is never
 * scanned for it apart from cutting its lines. Sets r->recut when the text from k
 * on is not yet what the line was cut from (converted, or a sequence cut short by
 * the end of the bytes read). */
static poa_status settle_at(poa_table_reader *r, size_t k, poa_error *err) {
    const unsigned char *b = (const unsigned char *)r->buf;
    long len = utf8_seq(b + k, r->end - k);
    if (len < 0 && !r->read_eof) {
        r->avail = k; /* the sequence continues in the next block */
        r->recut = 1;
        return POA_OK;
    }
    if (len > 0) {
        r->decided = 1;
        return POA_OK;
    }
    unsigned long line;
    unsigned col;
    locate(r, k, &line, &col);
    snprintf(r->encoding, sizeof r->encoding, "%s", r->legacy_name);
    poa_warn(r->warner, r->path, (unsigned)line, col,
             "byte 0x%02X at line %lu is not UTF-8; reading the file as %s", b[k], line,
             r->legacy_name);
    iconv_t cd = r->legacy;
    r->legacy = NO_ICONV;
    r->recut = 1;
    return start_iconv(r, cd, k, err);
}

/* Make more decoded text available after [pos, avail): moves the unread part to the
 * front and reads at least a block (more when a long row already fills the buffer,
 * so a row needs few rescans). Returns with avail grown or the data final. */
static poa_status fill(poa_table_reader *r, poa_error *err) {
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->avail -= r->pos;
        r->rec_start = 0;
        r->pos = 0;
    }
    const size_t want = r->end > r->block ? r->end : r->block;
    for (;;) {
        if (reserve((void **)&r->buf, &r->cap, r->end + want, 1) != 0) {
            return nomem(r, err);
        }
        size_t before = r->avail;
        poa_status st = POA_OK;
        if (r->pass) {
            ssize_t n = r->read_eof ? 0 : read_full(r->fd, r->buf + r->end, want);
            if (n < 0) {
                return read_error(r, err);
            }
            r->read_eof |= n == 0;
            r->end += (size_t)n;
            r->avail = r->end; /* undecided too: see settle_at */
        } else {
            if (!r->read_eof && r->raw_len < r->raw_cap) {
                ssize_t n =
                    read_full(r->fd, r->raw + r->raw_len, r->raw_cap - r->raw_len);
                if (n < 0) {
                    return read_error(r, err);
                }
                r->read_eof |= n == 0;
                r->raw_len += (size_t)n;
            }
            st = convert(r, err);
        }
        if (st != POA_OK) {
            return st;
        }
        if (r->avail > before || data_final(r)) {
            return POA_OK;
        }
    }
}

/* ---- rows ---- */

static poa_status too_long(poa_table_reader *r, unsigned long line, poa_error *err) {
    return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)line, 1,
                         "line %lu is longer than %zu bytes — is this a report export? "
                         "(a quoted field may lack its closing quote)",
                         line, r->max_line);
}

/* Check [from, e) of the physical line starting at s, line `line` (columns count
 * from s); the rest of the line is known to be ASCII without NUL. */
static poa_status check_line(poa_table_reader *r, const char *s, const char *from,
                             const char *e, unsigned long line, poa_error *err) {
    if (!r->decided) {
        size_t k = first_high((const unsigned char *)from, (size_t)(e - from));
        if (k < (size_t)(e - from)) {
            poa_status st = settle_at(r, (size_t)(from - r->buf) + k, err);
            if (st != POA_OK || r->recut) {
                return st;
            }
        }
    }
    size_t bad = (size_t)(from - s) +
                 check_text((const unsigned char *)from, (size_t)(e - from), r->pass);
    if (bad == (size_t)(e - s)) {
        return POA_OK;
    }
    unsigned col = count_cp(s, s + bad) + 1;
    if (s[bad] == 0) {
        return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)line, col,
                             "NUL character at line %lu, column %u — is this a text "
                             "export? (UTF-16 needs its byte-order mark or --encoding)",
                             line, col);
    }
    return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)line, col,
                         "byte 0x%02X at line %lu, column %u is not valid UTF-8, though "
                         "the file began as UTF-8 — re-save it as UTF-8 or name its "
                         "encoding with --encoding",
                         (unsigned char)s[bad], line, col);
}

static int grow_fields(poa_table_reader *r, size_t need) {
    if (need <= r->fcap) {
        return 0;
    }
    size_t c = r->fcap;
    if (reserve((void **)&r->fields, &c, need, sizeof *r->fields) != 0) {
        return -1;
    }
    size_t c2 = r->fcap;
    if (reserve((void **)&r->raw_off, &c2, c, sizeof *r->raw_off) != 0) {
        return -1; /* fields grew; fcap stays, so the next call retries */
    }
    r->fcap = c;
    return 0;
}

/* End of the content of a physical line ending at le: without the CR of a CRLF. */
static const char *content_end(const poa_table_reader *r, const char *s, const char *le) {
    return r->eol == '\n' && le > s && le[-1] == '\r' ? le - 1 : le;
}

/* Copy quoted fields' contents into scratch, undoubling quotes and turning CRLF
 * inside them into LF (a spreadsheet's line break within a cell). */
static poa_status unescape(poa_table_reader *r, size_t record_bytes, poa_error *err) {
    if (reserve((void **)&r->scratch, &r->scap, record_bytes, 1) != 0) {
        return nomem(r, err);
    }
    char *o = r->scratch;
    for (size_t i = 0; i < r->nfields; i++) {
        poa_field *f = &r->fields[i];
        if (f->p == r->buf + r->raw_off[i]) {
            continue; /* not quoted */
        }
        r->info.quoted_fields++;
        const char *a = f->p, *e = f->p + f->n;
        char *start = o;
        for (; a < e; a++) {
            char c = *a;
            if (c == '\r' && a + 1 < e && a[1] == '\n' && r->eol == '\n') {
                continue;
            }
            *o++ = c;
            a += c == '"'; /* the pair's second quote */
        }
        f->p = start;
        f->n = (size_t)(o - start);
    }
    return POA_OK;
}

/* The slow path: a row whose first line has a field starting with a quote. [s, le)
 * is that line, ce its content end, lim the end of decoded text. r->fields holds
 * split_line's cut of that line at every delimiter ("segments"): while the row is
 * still on its first line, an unquoted field is the next segment, so no search is
 * needed. Each field takes one segment or more, so field n is written only after
 * the segments up to n were read. Sets *need_more when the row may go on past lim. */
static poa_status split_quoted(poa_table_reader *r, const char *s, const char *le,
                               const char *ce, const char *lim, int final, int *need_more,
                               poa_error *err) {
    const int rfc = r->quoting == POA_QUOTING_RFC4180;
    const int span = rfc || r->multiline_ok;
    const char delim = r->info.delimiter;
    const char *p = s, *ls = s; /* ls: start of the current physical line */
    unsigned long extra = 0;    /* physical lines after the first */
    size_t n = 0;
    int any_quoted = 0;
    const size_t nseg = r->nfields;
    size_t j = 0; /* the segment p starts while extra == 0 */
    for (;;) {
        if (n == r->fcap && grow_fields(r, n + 1) != 0) {
            return nomem(r, err);
        }
        const char *fs = p, *cs = p, *fe = NULL;
        if (p < ce && *p == '"') {
            const char *q = p + 1, *cle = le, *cce = ce, *cls = ls;
            unsigned long more = 0;
            for (;;) {
                const char *x = memchr(q, '"', (size_t)(cce - q));
                if (x) {
                    if (x + 1 < cce && x[1] == '"') {
                        q = x + 2;
                        continue;
                    }
                    if (x + 1 == cce || x[1] == delim) {
                        fe = x;
                        break;
                    }
                    if (rfc) {
                        unsigned long l = r->line + extra + more;
                        unsigned c = count_cp(cls, x + 1) + 1;
                        return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)l, c,
                                             "text after the closing quote at line %lu, "
                                             "column %u — double the quote or drop "
                                             "--quoting rfc4180",
                                             l, c);
                    }
                    break; /* a stray quote: the field is literal */
                }
                if (!span) {
                    break;
                }
                if (cle == lim) {
                    if (!final) {
                        *need_more = 1;
                        return POA_OK;
                    }
                    if (rfc) {
                        unsigned long l = r->line + extra;
                        unsigned c = count_cp(ls, fs) + 1;
                        return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)l, c,
                                             "the quoted field at line %lu, column %u "
                                             "has no closing quote",
                                             l, c);
                    }
                    break;
                }
                const char *ns = cle + 1;
                const char *nle = memchr(ns, r->eol, (size_t)(lim - ns));
                if (!nle) {
                    if ((size_t)(lim - s) <= r->max_line && !final) {
                        *need_more = 1;
                        return POA_OK;
                    }
                    nle = lim;
                }
                if ((size_t)(nle - s) > r->max_line) {
                    return too_long(r, r->line, err);
                }
                more++;
                poa_status st = check_line(r, ns, ns, nle, r->line + extra + more, err);
                if (st != POA_OK || r->recut) {
                    *need_more = r->recut;
                    r->recut = 0;
                    return st; /* the row is cut again from its start */
                }
                cls = q = ns;
                cle = nle;
                cce = content_end(r, ns, nle);
            }
            if (fe) {
                cs = p + 1;
                p = fe + 1;
                le = cle;
                ce = cce;
                ls = cls;
                extra += more;
                if (extra == 0 && p < ce) {
                    while (r->fields[j].p <= p) { /* p: the delimiter after the quote */
                        j++;
                    }
                }
                any_quoted = 1;
            }
        }
        if (!fe && extra == 0) {
            fe = p = j + 1 < nseg ? r->fields[j].p + r->fields[j].n : ce;
            j++;
        } else if (!fe) {
            const char *d = memchr(p, delim, (size_t)(ce - p));
            fe = p = d ? d : ce;
        }
        r->fields[n].p = cs;
        r->fields[n].n = (size_t)(fe - cs);
        r->raw_off[n] = (size_t)(fs - r->buf);
        n++;
        if (p == ce) {
            break;
        }
        p++; /* the delimiter */
    }
    r->nfields = n;
    r->row_slow = 1;
    r->pos = (size_t)((le < lim ? le + 1 : le) - r->buf);
    r->line += 1 + extra;
    return any_quoted ? unescape(r, (size_t)(le - s), err) : POA_OK;
}

/* What split_line learns about 64 bytes of text: bit i of each mask is about the
 * chunk's byte i. */
typedef struct {
    uint64_t delim, eol, quote;
    uint64_t odd; /* a NUL or a byte >= 0x80: the line needs check_line */
} chunk_masks;

#if defined(__SSE2__) && !defined(POA_TABLE_PORTABLE)
/* The four 16-byte masks of cmp (k = 0..3 from the chunk's start) as one. */
#define MASK64(cmp)                                                                      \
    ((uint64_t)(unsigned)_mm_movemask_epi8(cmp(c0)) |                                    \
     (uint64_t)(unsigned)_mm_movemask_epi8(cmp(c1)) << 16 |                              \
     (uint64_t)(unsigned)_mm_movemask_epi8(cmp(c2)) << 32 |                              \
     (uint64_t)(unsigned)_mm_movemask_epi8(cmp(c3)) << 48)

static inline void scan_chunk(const char *p, char delim, char eol, chunk_masks *m) {
    const __m128i vd = _mm_set1_epi8(delim), ve = _mm_set1_epi8(eol);
    const __m128i vq = _mm_set1_epi8('"'), vz = _mm_setzero_si128();
    const __m128i c0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    const __m128i c1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    const __m128i c2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
    const __m128i c3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
#define IS_DELIM(c) _mm_cmpeq_epi8(c, vd)
#define IS_EOL(c) _mm_cmpeq_epi8(c, ve)
#define IS_QUOTE(c) _mm_cmpeq_epi8(c, vq)
#define IS_ODD(c) _mm_or_si128(c, _mm_cmpeq_epi8(c, vz))
    m->delim = MASK64(IS_DELIM);
    m->eol = MASK64(IS_EOL);
    /* Quotes, NULs and non-ASCII bytes are rare: one test for all of them
     * in the whole chunk, and their masks only when there is one. */
#define IS_SPECIAL(c) _mm_or_si128(IS_QUOTE(c), IS_ODD(c))
    const __m128i any = _mm_or_si128(_mm_or_si128(IS_SPECIAL(c0), IS_SPECIAL(c1)),
                                     _mm_or_si128(IS_SPECIAL(c2), IS_SPECIAL(c3)));
#undef IS_SPECIAL
    if (_mm_movemask_epi8(any)) {
        m->quote = MASK64(IS_QUOTE);
        m->odd = MASK64(IS_ODD);
    } else {
        m->quote = m->odd = 0;
    }
#undef IS_DELIM
#undef IS_EOL
#undef IS_QUOTE
#undef IS_ODD
}

#if defined(POA_TABLE_AVX2)
/* scan_chunk in two 32-byte steps. */
__attribute__((target("avx2"))) static inline void
scan_chunk_avx2(const char *p, char delim, char eol, chunk_masks *m) {
    const __m256i vd = _mm256_set1_epi8(delim), ve = _mm256_set1_epi8(eol);
    const __m256i vq = _mm256_set1_epi8('"'), vz = _mm256_setzero_si256();
    const __m256i c0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    const __m256i c1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
#define MASK64_256(cmp)                                                                  \
    ((uint64_t)(uint32_t)_mm256_movemask_epi8(cmp(c0)) |                                 \
     (uint64_t)(uint32_t)_mm256_movemask_epi8(cmp(c1)) << 32)
#define IS_DELIM(c) _mm256_cmpeq_epi8(c, vd)
#define IS_EOL(c) _mm256_cmpeq_epi8(c, ve)
#define IS_QUOTE(c) _mm256_cmpeq_epi8(c, vq)
#define IS_ODD(c) _mm256_or_si256(c, _mm256_cmpeq_epi8(c, vz))
    m->delim = MASK64_256(IS_DELIM);
    m->eol = MASK64_256(IS_EOL);
    const __m256i any = _mm256_or_si256(_mm256_or_si256(IS_QUOTE(c0), IS_ODD(c0)),
                                        _mm256_or_si256(IS_QUOTE(c1), IS_ODD(c1)));
    if (_mm256_movemask_epi8(any)) {
        m->quote = MASK64_256(IS_QUOTE);
        m->odd = MASK64_256(IS_ODD);
    } else {
        m->quote = m->odd = 0;
    }
#undef IS_DELIM
#undef IS_EOL
#undef IS_QUOTE
#undef IS_ODD
#undef MASK64_256
}
#endif
#else
#define LOWS 0x7F7F7F7F7F7F7F7FULL

/* 0x80 in each byte of v that is zero, exactly (no borrow between bytes). */
static inline uint64_t word_zero(uint64_t v) {
    return ~(((v & LOWS) + LOWS) | v | LOWS);
}

/* The high bit of each byte of v, packed into 8 bits (byte i to bit i). */
static inline uint64_t pack_highs(uint64_t v) {
    uint64_t x = (v & HIGHS) >> 7;
    x |= x >> 7;
    x |= x >> 14;
    x |= x >> 28;
    return x & 0xFF;
}

static inline void scan_chunk(const char *p, char delim, char eol, chunk_masks *m) {
    const uint64_t vd = ONES * (unsigned char)delim, ve = ONES * (unsigned char)eol;
    const uint64_t vq = ONES * (unsigned char)'"';
    uint64_t d = 0, e = 0, q = 0, o = 0;
    for (int k = 0; k < 8; k++) {
        uint64_t v;
        memcpy(&v, p + 8 * k, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v); /* byte 0 of the text in the low bits */
#endif
        d |= pack_highs(word_zero(v ^ vd)) << (8 * k);
        e |= pack_highs(word_zero(v ^ ve)) << (8 * k);
        q |= pack_highs(word_zero(v ^ vq)) << (8 * k);
        o |= pack_highs(word_zero(v) | v) << (8 * k);
    }
    m->delim = d;
    m->eol = e;
    m->quote = q;
    m->odd = o;
}
#endif

/* The fast path, one pass over the text 64 bytes at a time: cut [s, lim) into
 * fields at each delimiter up to the first line end. *quote is set when a field
 * starts with `"` (the row then needs the slow path; a quote inside a field is
 * text under every quoting rule). [odd[0], odd[1]) spans every NUL or non-ASCII
 * byte of the line, both NULL when there is none: only that span needs
 * check_line, since a sequence cut short by the span's end is invalid just as
 * when cut short by the ASCII byte that follows. Returns where it
 * stopped: the line end, or lim when there is none; NULL when out of memory. Sets
 * r->nfields. */
static inline __attribute__((always_inline)) const char *
split_line_with(poa_table_reader *r, const char *s, const char *lim, int *quote,
                const char *odd[2], int avx2) {
    const char delim = r->info.delimiter, eol = r->eol;
    const char *fs = s, *p = s, *first_odd = NULL, *last_odd = NULL;
    poa_field *f = r->fields;
    size_t n = 0;
    uint64_t starts = 1; /* bit 0: the chunk's first byte starts a field */
    uint64_t quotes = 0;
    for (; p < lim; p += 64) {
        /* Room for every delimiter of the chunk and the last field. */
        if (r->fcap - n <= 64) {
            if (grow_fields(r, n + 65) != 0) {
                return NULL;
            }
            f = r->fields;
        }
        const size_t left = (size_t)(lim - p);
        uint64_t valid = ~0ULL;
        chunk_masks m;
        char tail[64];
        const char *at = p;
        if (left < 64) {
            /* The text's last bytes: a copy, so the scan reads nothing
             * past them. */
            memset(tail, 0, sizeof tail);
            memcpy(tail, p, left);
            at = tail;
            valid = (1ULL << left) - 1;
        }
#if defined(POA_TABLE_AVX2)
        if (avx2) {
            scan_chunk_avx2(at, delim, eol, &m);
        } else {
            scan_chunk(at, delim, eol, &m);
        }
#else
        (void)avx2;
        scan_chunk(at, delim, eol, &m);
#endif
        const uint64_t me = m.eol & valid;
        const uint64_t keep = me ? (me & (~me + 1)) - 1 : valid; /* before the line end */
        uint64_t md = m.delim & keep;
        quotes |= m.quote & keep & (starts | md << 1);
        starts = md >> 63;
        const uint64_t mo = m.odd & keep;
        if (mo) {
            first_odd = first_odd ? first_odd : p + __builtin_ctzll(mo);
            last_odd = p + 63 - __builtin_clzll(mo);
        }
        for (; md; md &= md - 1) {
            const char *d = p + __builtin_ctzll(md);
            f[n].p = fs;
            f[n].n = (size_t)(d - fs);
            n++;
            fs = d + 1;
        }
        if (me) {
            p += __builtin_ctzll(me);
            break;
        }
    }
    if (p > lim) {
        p = lim;
    }
    f[n].p = fs;
    f[n].n = (size_t)(p - fs);
    r->nfields = n + 1;
    *quote = quotes != 0;
    odd[0] = first_odd;
    odd[1] = last_odd ? last_odd + 1 : NULL;
    return p;
}

static const char *split_line_plain(poa_table_reader *r, const char *s, const char *lim,
                                    int *quote, const char *odd[2]) {
    return split_line_with(r, s, lim, quote, odd, 0);
}

#if defined(POA_TABLE_AVX2)
__attribute__((target("avx2"), flatten)) static const char *
split_line_avx2(poa_table_reader *r, const char *s, const char *lim, int *quote,
                const char *odd[2]) {
    return split_line_with(r, s, lim, quote, odd, 1);
}
#endif

/* The line splitter for this processor. */
static split_fn pick_split_line(void) {
#if defined(POA_TABLE_AVX2)
    if (__builtin_cpu_supports("avx2")) {
        return split_line_avx2;
    }
#endif
    return split_line_plain;
}

/* Whether every field of the line just cut that starts with a quote starts
 * with a stray one, text under the automatic rule: the quote that closes it
 * is followed by more text, as in `"Classic" Mug`. Product names open with
 * a quote often enough that the slow path would otherwise cut a row in
 * five again; it gives such fields exactly the fast path's cut (see
 * split_quoted). Quoted fields, quotes left open at the line end and the
 * RFC 4180 rule, which refuses stray quotes, go the slow way. */
static int quotes_stray(const poa_table_reader *r, const char *ce) {
    if (r->quoting != POA_QUOTING_AUTO) {
        return 0;
    }
    const char delim = r->info.delimiter;
    for (size_t i = 0; i < r->nfields; i++) {
        const poa_field *f = &r->fields[i];
        if (f->n == 0 || f->p[0] != '"') {
            continue;
        }
        const char *q = f->p + 1, *x;
        while ((x = memchr(q, '"', (size_t)(ce - q))) != NULL && x + 1 < ce &&
               x[1] == '"') {
            q = x + 2; /* a doubled quote */
        }
        if (!x || x + 1 == ce || x[1] == delim) {
            return 0;
        }
    }
    return 1;
}

/* Cut the next row from [pos, avail). Sets *need_more when the text there ends
 * before the row does and more may come; sets r->done at the end of the file. */
static poa_status parse_row(poa_table_reader *r, int *need_more, poa_error *err) {
    const int final = data_final(r);
    const char *lim = r->buf + r->avail;
    for (;;) {
        const char *s = r->buf + r->pos;
        if (s == lim) {
            if (!final) {
                *need_more = 1;
            } else {
                r->done = 1;
            }
            return POA_OK;
        }
        /* Look no further than one byte past the longest line allowed. */
        const char *scan = (size_t)(lim - s) > r->max_line ? s + r->max_line + 1 : lim;
        int quote;
        const char *odd[2];
        const char *le = r->split_line(r, s, scan, &quote, odd);
        if (!le) {
            return nomem(r, err);
        }
        if (le == scan && scan < lim) {
            return too_long(r, r->line, err);
        }
        if (le == lim && !final) {
            *need_more = 1;
            return POA_OK;
        }
        const char *ce = content_end(r, s, le);
        if (ce == s) {
            r->info.blank_lines++;
            r->line++;
            r->pos = (size_t)((le < lim ? le + 1 : le) - r->buf);
            continue;
        }
        if (odd[0]) {
            poa_status st = check_line(r, s, odd[0], odd[1], r->line, err);
            if (st != POA_OK || r->recut) {
                *need_more = r->recut;
                r->recut = 0;
                return st; /* the row is cut again from its start */
            }
        }
        r->rec_start = r->pos;
        r->rec_line = r->line;
        if (quote && r->quoting != POA_QUOTING_NONE && !quotes_stray(r, ce)) {
            return split_quoted(r, s, le, ce, lim, final, need_more, err);
        }
        r->fields[r->nfields - 1].n -= (size_t)(le - ce); /* the CR of a CRLF */
        r->row_slow = 0;
        r->pos = (size_t)((le < lim ? le + 1 : le) - r->buf);
        r->line++;
        return POA_OK;
    }
}

/* Settle the line ends and the delimiter from the first non-blank line. */
static void decide_layout(poa_table_reader *r, int *need_more) {
    const int final = data_final(r);
    const char *s = r->buf + r->pos, *lim = r->buf + r->avail;
    const int long_enough = (size_t)(lim - s) > r->max_line;
    if (!r->eol) {
        r->eol = detect_eol(s, lim, final || long_enough);
        if (!r->eol) {
            *need_more = 1;
            return;
        }
    }
    char delim = 0;
    while (s < lim) {
        const char *le = memchr(s, r->eol, (size_t)(lim - s));
        if (!le) {
            if (!final && !long_enough) {
                *need_more = 1;
                return;
            }
            le = lim;
        }
        const char *ce = content_end(r, s, le);
        if (ce > s) {
            delim = memchr(s, '\t', (size_t)(ce - s))  ? '\t'
                    : memchr(s, ',', (size_t)(ce - s)) ? ','
                                                       : '\t';
            break;
        }
        s = le + 1;
    }
    if (!delim && !final) {
        *need_more = 1;
        return;
    }
    r->info.delimiter = delim ? delim : '\t';
    r->multiline_ok = r->has_bom || r->info.delimiter == ',';
    r->info.multiline_quotes = r->multiline_ok;
}

/* ---- public ---- */

static int is_name(const char *a, const char *b) {
    return strcasecmp(a, b) == 0;
}

/* Decide the encoding from the first block: a BOM, a forced name, or (neither)
 * the first non-ASCII sequence, looked at by settle_at. */
static poa_status start_decoding(poa_table_reader *r, const char *force, poa_error *err) {
    const unsigned char *b = (const unsigned char *)r->buf;
    const int bom8 = r->end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
    const int bom_le = r->end >= 2 && b[0] == 0xFF && b[1] == 0xFE;
    const int bom_be = r->end >= 2 && b[0] == 0xFE && b[1] == 0xFF;
    const char *utf16 = NULL;
    if (force) {
        snprintf(r->encoding, sizeof r->encoding, "%s", force);
        if (is_name(force, "UTF-8") || is_name(force, "UTF8")) {
            r->has_bom = bom8;
            r->pos = bom8 ? 3 : 0;
            r->decided = 1;
            r->avail = r->end;
            return POA_OK;
        }
        iconv_t cd = iconv_open("UTF-8", force);
        if (cd == NO_ICONV) {
            return poa_error_set(err, POA_ERR_ARG, r->path, 0, 0,
                                 "unknown encoding \"%s\" — try UTF-8, UTF-16LE, "
                                 "CP1252 or CP932",
                                 force);
        }
        size_t skip = 0;
        if ((bom_le && is_name(force, "UTF-16LE")) ||
            (bom_be && is_name(force, "UTF-16BE"))) {
            skip = 2;
        }
        r->has_bom = skip > 0 || ((bom_le || bom_be) && is_name(force, "UTF-16"));
        r->pos = skip;
        return start_iconv(r, cd, skip, err);
    }
    if (bom8) {
        snprintf(r->encoding, sizeof r->encoding, "UTF-8 (BOM)");
        r->has_bom = 1;
        r->pos = 3;
        r->decided = 1;
        r->avail = r->end;
        return POA_OK;
    }
    if (bom_le || bom_be) {
        utf16 = bom_le ? "UTF-16LE" : "UTF-16BE";
        snprintf(r->encoding, sizeof r->encoding, "%s (BOM)", utf16);
        iconv_t cd = iconv_open("UTF-8", utf16);
        if (cd == NO_ICONV) {
            return poa_error_set(err, POA_ERR_IO, r->path, 0, 0,
                                 "this system's iconv cannot read %s", utf16);
        }
        r->has_bom = 1;
        r->pos = 2;
        return start_iconv(r, cd, 2, err);
    }
    snprintf(r->encoding, sizeof r->encoding, "UTF-8");
    r->avail = r->end; /* undecided: see settle_at */
    return POA_OK;
}

poa_status poa_table_open(poa_table_reader **out, const char *path,
                          const poa_table_options *opt, poa_error *err) {
    if (!out || !path) {
        return poa_error_set(err, POA_ERR_ARG, path, 0, 0, "no file given");
    }
    *out = NULL;
    poa_table_options dflt = {0};
    if (!opt) {
        opt = &dflt;
    }
    poa_table_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    r->fd = -1;
    r->cd = r->legacy = NO_ICONV;
    r->quoting = opt->quoting;
    r->max_line = opt->max_line_bytes ? opt->max_line_bytes : DEFAULT_BYTES;
    r->block = opt->block_bytes ? opt->block_bytes : READ_BYTES;
    r->block = r->block < MIN_BLOCK ? MIN_BLOCK : r->block;
    r->split_line = pick_split_line();
    r->warner = opt->warner;
    r->pass = 1;
    r->line = 1;
    r->info.encoding = r->encoding;
    snprintf(r->legacy_name, sizeof r->legacy_name, "%s",
             opt->legacy_codepage ? opt->legacy_codepage : "CP1252");

    poa_status st;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (r->fd < 0) {
        st = poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot open: %s",
                           strerror(errno));
        goto fail;
    }
    if (fstat(r->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = poa_error_set(err, POA_ERR_IO, path, 0, 0, "is a folder, expected a file");
        goto fail;
    }
    /* A small file needs no large buffer (batch runs open many); one byte more
     * than its size lets the first read see the end. */
    if (fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
        (unsigned long long)sb.st_size < r->block) {
        r->block =
            (size_t)sb.st_size + 1 < MIN_BLOCK ? MIN_BLOCK : (size_t)sb.st_size + 1;
    }
    if (!opt->force_encoding) {
        r->legacy = iconv_open("UTF-8", r->legacy_name);
        if (r->legacy == NO_ICONV) {
            st = poa_error_set(err, POA_ERR_ARG, path, 0, 0,
                               "unknown code page \"%s\" — try CP1252 or CP932",
                               r->legacy_name);
            goto fail;
        }
    }
    (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    if (reserve((void **)&r->buf, &r->cap, r->block, 1) != 0) {
        st = nomem(r, err);
        goto fail;
    }
    ssize_t n = read_full(r->fd, r->buf, r->block);
    if (n < 0) {
        st = read_error(r, err);
        goto fail;
    }
    r->end = (size_t)n;
    r->read_eof = (size_t)n < r->block;
    if (n == 0) {
        st = poa_error_set(err, POA_ERR_PARSE, path, 1, 1,
                           "file is empty — export the report again");
        goto fail;
    }
    st = start_decoding(r, opt->force_encoding, err);
    if (st != POA_OK) {
        goto fail;
    }
    for (;;) {
        if (r->pos == r->avail && data_final(r)) {
            st = poa_error_set(err, POA_ERR_PARSE, path, 1, 1,
                               "file is empty but for its byte-order mark — export the "
                               "report again");
            goto fail;
        }
        int need_more = 0;
        decide_layout(r, &need_more);
        if (!need_more) {
            break;
        }
        st = fill(r, err);
        if (st != POA_OK) {
            goto fail;
        }
    }
    *out = r;
    return POA_OK;
fail:
    poa_table_close(r);
    return st;
}

poa_status poa_table_next(poa_table_reader *r, const poa_field **fields, size_t *count,
                          unsigned long *line, poa_error *err) {
    if (!r || !fields || !count) {
        return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0, "poa_table_next: no reader");
    }
    *fields = NULL;
    *count = 0;
    r->nfields = 0;
    if (r->failed) {
        return poa_error_set(err, POA_ERR_ARG, r->path, 0, 0,
                             "reading stopped at an earlier error");
    }
    while (!r->done) {
        int need_more = 0;
        poa_status st = parse_row(r, &need_more, err);
        if (st == POA_OK && need_more) {
            st = fill(r, err);
        } else if (st == POA_OK) {
            break;
        }
        if (st != POA_OK) {
            r->failed = 1;
            r->nfields = 0;
            return st;
        }
    }
    if (r->done) {
        if (!r->header_seen) {
            r->failed = 1;
            return poa_error_set(err, POA_ERR_PARSE, r->path, (unsigned)r->line, 1,
                                 "the file holds only blank lines — no header line");
        }
        return POA_OK;
    }
    if (!r->header_seen) {
        r->header_seen = 1;
        r->header_fields = r->nfields;
    } else {
        r->info.rows++;
        r->info.short_rows += r->nfields < r->header_fields;
    }
    *fields = r->fields;
    *count = r->nfields;
    if (line) {
        *line = r->rec_line;
    }
    return POA_OK;
}

/* Start of field i in buf, before unescaping. */
static const char *field_raw(const poa_table_reader *r, size_t i) {
    return r->row_slow ? r->buf + r->raw_off[i] : r->fields[i].p;
}

unsigned poa_table_field_column(const poa_table_reader *r, size_t i) {
    if (!r || i >= r->nfields) {
        return 0;
    }
    const char *rec = r->buf + r->rec_start, *f = field_raw(r, i), *ls = f;
    while (ls > rec && ls[-1] != r->eol) {
        ls--;
    }
    return count_cp(ls, f) + 1;
}

unsigned long poa_table_field_line(const poa_table_reader *r, size_t i) {
    if (!r || i >= r->nfields) {
        return 0;
    }
    unsigned long l = r->rec_line;
    const char *p = r->buf + r->rec_start, *f = field_raw(r, i);
    while ((p = memchr(p, r->eol, (size_t)(f - p))) != NULL) {
        l++;
        p++;
    }
    return l;
}

const poa_table_info *poa_table_info_get(const poa_table_reader *r) {
    return r ? &r->info : NULL;
}

const char *poa_table_path(const poa_table_reader *r) {
    return r ? r->path : NULL;
}

void poa_table_close(poa_table_reader *r) {
    if (!r) {
        return;
    }
    if (r->fd >= 0) {
        close(r->fd);
    }
    if (r->cd != NO_ICONV) {
        iconv_close(r->cd);
    }
    if (r->legacy != NO_ICONV) {
        iconv_close(r->legacy);
    }
    free(r->path);
    free(r->buf);
    free(r->raw);
    free(r->fields);
    free(r->raw_off);
    free(r->scratch);
    free(r);
}
