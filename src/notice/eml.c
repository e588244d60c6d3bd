/* A notice as it arrives: a plain text file, or a saved e-mail (.eml) with
 * MIME parts, transfer encodings, charsets and HTML bodies. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "notice/notice_private.h"
#include "poagen/date.h"

#define MAX_DEPTH 8

static int valid_utf8(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        size_t k = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (!k || (size_t)(e - p) < k || (k == 2 && c < 0xC2)) {
            return 0;
        }
        for (size_t i = 1; i < k; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                return 0;
            }
        }
        p += k;
    }
    return 1;
}

/* Convert s from charset to UTF-8 and append; unknown charsets are read as
 * Windows-1252 when the bytes are not UTF-8 (what mail clients do too). */
static poa_status append_converted(poa_buf *out, const char *s, size_t n,
                                   const char *charset, const char *name,
                                   poa_error *err) {
    if ((!charset || !*charset || !strcasecmp(charset, "utf-8") ||
         !strcasecmp(charset, "us-ascii") || !strcasecmp(charset, "utf8")) &&
        valid_utf8(s, n)) {
        poa_buf_append(out, s, n);
        return POA_OK;
    }
    const char *from =
        charset && *charset && strcasecmp(charset, "utf-8") ? charset : "CP1252";
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        cd = iconv_open("UTF-8", "CP1252");
    }
    if (cd == (iconv_t)-1) {
        return poa_error_set(err, POA_ERR_PARSE, name, 0, 0,
                             "cannot convert charset '%s' — save the notice as UTF-8",
                             from);
    }
    char *in = (char *)s;
    size_t left = n;
    char chunk[4096];
    while (left > 0) {
        char *o = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &in, &left, &o, &room);
        poa_buf_append(out, chunk, (size_t)(o - chunk));
        if (r == (size_t)-1 && errno != E2BIG) {
            /* An undecodable byte: keep going with a replacement mark. */
            poa_buf_puts(out, "\xEF\xBF\xBD");
            in++;
            left--;
        }
    }
    iconv_close(cd);
    return POA_OK;
}

static int b64val(int c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static void decode_base64(poa_buf *out, const char *s, size_t n) {
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0) {
            continue; /* line breaks, padding */
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            poa_buf_putc(out, (char)((acc >> bits) & 0xFF));
        }
    }
}

static int hexval(int c) {
    return isdigit(c)               ? c - '0'
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                    : -1;
}

static void decode_qp(poa_buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '=') {
            poa_buf_putc(out, s[i]);
            continue;
        }
        if (i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
            i += (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n') ? 2
                                                                     : 1; /* soft break */
            continue;
        }
        int h = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
        int l = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
        if (h >= 0 && l >= 0) {
            poa_buf_putc(out, (char)(h * 16 + l));
            i += 2;
        } else {
            poa_buf_putc(out, '=');
        }
    }
}

/* HTML to text: block elements end lines, list items start with "- ",
 * style/script/head are dropped, entities decoded. */
static void html_to_text(poa_buf *out, const char *s, size_t n) {
    static const char *const blocks[] = {
        "br", "p",   "/p",  "div", "/div", "li",  "/li", "tr",  "/tr",   "h1",    "h2",
        "h3", "/h1", "/h2", "/h3", "ul",   "/ul", "ol",  "/ol", "table", "/table"};
    size_t i = 0;
    while (i < n) {
        if (s[i] == '<') {
            size_t j = i + 1;
            while (j < n && s[j] != '>') {
                j++;
            }
            char tag[16];
            size_t k = 0;
            for (size_t p = i + 1;
                 p < j && k + 1 < sizeof tag &&
                 (isalnum((unsigned char)s[p]) || (p == i + 1 && s[p] == '/'));
                 p++) {
                tag[k++] = (char)tolower((unsigned char)s[p]);
            }
            tag[k] = 0;
            if (!strcmp(tag, "style") || !strcmp(tag, "script") || !strcmp(tag, "head")) {
                char close[24];
                snprintf(close, sizeof close, "</%s", tag);
                const char *e = poa_notice__memcasestr(s + j, n - j, close);
                j = e ? (size_t)(e - s) : n;
                while (j < n && s[j] != '>') {
                    j++;
                }
            } else {
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
                    if (!strcmp(tag, blocks[b])) {
                        poa_buf_putc(out, '\n');
                        if (!strcmp(tag, "li")) {
                            poa_buf_puts(out, "- ");
                        }
                        break;
                    }
                }
            }
            i = j < n ? j + 1 : n;
        } else if (s[i] == '&') {
            size_t j = i + 1;
            while (j < n && j - i < 12 && s[j] != ';' && !isspace((unsigned char)s[j])) {
                j++;
            }
            unsigned long cp = 0;
            if (j < n && s[j] == ';') {
                char name[16];
                snprintf(name, sizeof name, "%.*s", (int)(j - i - 1), s + i + 1);
                if (name[0] == '#') {
                    cp = (name[1] == 'x' || name[1] == 'X') ? strtoul(name + 2, NULL, 16)
                                                            : strtoul(name + 1, NULL, 10);
                } else {
                    const htmlEntityDesc *e = htmlEntityLookup(BAD_CAST name);
                    cp = e ? e->value : 0;
                }
            }
            if (cp > 0 && cp < 0x110000 && (cp < 0xD800 || cp > 0xDFFF)) {
                poa_notice__put_utf8(out, cp == 0xA0 ? ' ' : (unsigned)cp);
                i = j + 1;
            } else {
                poa_buf_putc(out, '&');
                i++;
            }
        } else if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
            poa_buf_putc(out, ' '); /* HTML source line breaks are spaces */
            i++;
        } else {
            poa_buf_putc(out, s[i++]);
        }
    }
}

typedef struct {
    char type[64], charset[40], boundary[200], encoding[32];
} part_head;

/* The value of parameter `key` in a header value (charset=..., boundary="..."). */
static void param(const char *v, const char *key, char *out, size_t cap) {
    out[0] = 0;
    size_t kl = strlen(key);
    for (const char *p = v; (p = poa_notice__memcasestr(p, strlen(p), key)) != NULL;
         p += kl) {
        if ((p == v || p[-1] == ';' || isspace((unsigned char)p[-1])) && p[kl] == '=') {
            const char *q = p + kl + 1;
            size_t k = 0;
            if (*q == '"') {
                q++;
                while (*q && *q != '"' && k + 1 < cap) {
                    out[k++] = *q++;
                }
            } else {
                while (*q && *q != ';' && !isspace((unsigned char)*q) && k + 1 < cap) {
                    out[k++] = *q++;
                }
            }
            out[k] = 0;
            return;
        }
    }
}

/* Parse the header block s[0..n) (unfolded); returns the body's offset.
 * date_hdr receives the Date header (may be NULL). */
static size_t parse_headers(const char *s, size_t n, part_head *h, char *date_hdr,
                            size_t date_cap) {
    memset(h, 0, sizeof *h);
    size_t i = 0;
    char line[1024];
    while (i < n) {
        size_t k = 0;
        /* one logical header: continuation lines start with white space */
        while (i < n) {
            size_t e = i;
            while (e < n && s[e] != '\n') {
                e++;
            }
            size_t len = e - i;
            if (len && s[i + len - 1] == '\r') {
                len--;
            }
            if (k == 0 && len == 0) {
                return e < n ? e + 1 : n; /* blank line: the body starts */
            }
            if (k > 0 && (len == 0 || (s[i] != ' ' && s[i] != '\t'))) {
                break;
            }
            for (size_t p = 0; p < len && k + 1 < sizeof line; p++) {
                line[k++] = s[i + p] == '\t' ? ' ' : s[i + p];
            }
            i = e < n ? e + 1 : n;
        }
        line[k] = 0;
        char *colon = strchr(line, ':');
        if (!colon) {
            continue;
        }
        *colon = 0;
        const char *v = colon + 1;
        while (*v == ' ') {
            v++;
        }
        if (!strcasecmp(line, "content-type")) {
            size_t t = strcspn(v, "; ");
            snprintf(h->type, sizeof h->type, "%.*s", (int)t, v);
            for (char *c = h->type; *c; c++) {
                *c = (char)tolower((unsigned char)*c);
            }
            param(v, "charset", h->charset, sizeof h->charset);
            param(v, "boundary", h->boundary, sizeof h->boundary);
        } else if (!strcasecmp(line, "content-transfer-encoding")) {
            snprintf(h->encoding, sizeof h->encoding, "%s", v);
        } else if (date_hdr && !strcasecmp(line, "date")) {
            snprintf(date_hdr, date_cap, "%s", v);
        }
    }
    return n;
}

static poa_status decode_part(poa_buf *out, const char *s, size_t n, const part_head *h,
                              int depth, const char *name, poa_error *err);

/* A multipart body: the parts between "--boundary" lines. For
 * multipart/alternative the plain-text part wins, else the HTML one. */
static poa_status decode_multipart(poa_buf *out, const char *s, size_t n,
                                   const part_head *h, int depth, const char *name,
                                   poa_error *err) {
    char delim[210];
    snprintf(delim, sizeof delim, "--%s", h->boundary);
    size_t dl = strlen(delim);
    const char *starts[64];
    size_t ends[64], nparts = 0;
    const char *p = s, *end = s + n;
    const char *cur = NULL;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *le = e ? e : end;
        if ((size_t)(le - p) >= dl && !memcmp(p, delim, dl) &&
            (p == s || p[-1] == '\n')) {
            if (cur && nparts < 64) {
                starts[nparts] = cur;
                ends[nparts++] = (size_t)(p - cur);
            }
            if ((size_t)(le - p) >= dl + 2 && p[dl] == '-' && p[dl + 1] == '-') {
                cur = NULL;
                break;
            }
            cur = e ? e + 1 : end;
        }
        p = e ? e + 1 : end;
    }
    if (cur && nparts < 64) {
        starts[nparts] = cur;
        ends[nparts++] = (size_t)(end - cur);
    }
    int alternative = strcmp(h->type, "multipart/alternative") == 0;
    int pick = -1;
    part_head ph[64];
    size_t body[64];
    for (size_t i = 0; i < nparts; i++) {
        body[i] = parse_headers(starts[i], ends[i], &ph[i], NULL, 0);
        if (!ph[i].type[0]) {
            snprintf(ph[i].type, sizeof ph[i].type, "text/plain");
        }
    }
    if (alternative) {
        for (size_t i = 0; i < nparts && pick < 0; i++) {
            pick = strcmp(ph[i].type, "text/plain") == 0 ? (int)i : -1;
        }
        for (size_t i = 0; i < nparts && pick < 0; i++) {
            pick =
                !strncmp(ph[i].type, "multipart/", 10) || !strcmp(ph[i].type, "text/html")
                    ? (int)i
                    : -1;
        }
    }
    for (size_t i = 0; i < nparts; i++) {
        if (pick >= 0 && (int)i != pick) {
            continue;
        }
        if (strncmp(ph[i].type, "text/", 5) && strncmp(ph[i].type, "multipart/", 10)) {
            continue; /* attachments: images, PDFs */
        }
        poa_status st = decode_part(out, starts[i] + body[i], ends[i] - body[i], &ph[i],
                                    depth + 1, name, err);
        if (st != POA_OK) {
            return st;
        }
        poa_buf_putc(out, '\n');
    }
    return POA_OK;
}

static poa_status decode_part(poa_buf *out, const char *s, size_t n, const part_head *h,
                              int depth, const char *name, poa_error *err) {
    if (depth > MAX_DEPTH) {
        return poa_error_set(
            err, POA_ERR_PARSE, name, 0, 0,
            "the e-mail nests more than %d MIME parts — save the notice's "
            "text instead",
            MAX_DEPTH);
    }
    if (!strncmp(h->type, "multipart/", 10)) {
        if (!h->boundary[0]) {
            return poa_error_set(err, POA_ERR_PARSE, name, 0, 0,
                                 "a multipart e-mail part has no boundary — save the "
                                 "notice's text instead");
        }
        return decode_multipart(out, s, n, h, depth, name, err);
    }
    poa_buf raw = POA_BUF_INIT;
    if (!strcasecmp(h->encoding, "base64")) {
        decode_base64(&raw, s, n);
    } else if (!strcasecmp(h->encoding, "quoted-printable")) {
        decode_qp(&raw, s, n);
    } else {
        poa_buf_append(&raw, s, n);
    }
    poa_buf text = POA_BUF_INIT;
    poa_status st =
        append_converted(&text, poa_buf_cstr(&raw), raw.len, h->charset, name, err);
    poa_buf_free(&raw);
    if (st == POA_OK) {
        if (!strcmp(h->type, "text/html")) {
            html_to_text(out, poa_buf_cstr(&text), text.len);
        } else {
            poa_buf_append(out, poa_buf_cstr(&text), text.len);
        }
    }
    poa_buf_free(&text);
    return st;
}

/* Does s start like an e-mail: header lines up to a blank line, among them
 * From, Date, Subject or a MIME header? */
static int looks_like_email(const char *s, size_t n) {
    static const char *const known[] = {
        "from:",         "date:", "subject:",  "mime-version:",
        "content-type:", "to:",   "received:", "return-path:"};
    size_t i = 0, hits = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n') {
            e++;
        }
        size_t len = e - i;
        if (len && s[i + len - 1] == '\r') {
            len--;
        }
        if (len == 0) {
            return hits >= 2;
        }
        if (s[i] != ' ' && s[i] != '\t') {
            const char *c = memchr(s + i, ':', len);
            if (!c) {
                return 0;
            }
            for (const char *p = s + i; p < c; p++) {
                if (isspace((unsigned char)*p)) {
                    return 0;
                }
            }
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
                hits += (size_t)(c + 1 - (s + i)) == strlen(known[k]) &&
                        !strncasecmp(s + i, known[k], strlen(known[k]));
            }
        }
        i = e + 1;
    }
    return 0;
}

/* "Tue, 17 Nov 2026 09:12:44 +0000" → the day as written. */
static int32_t mail_date(const char *v) {
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    int d = 0, y = 0;
    char mon[4] = {0};
    const char *p = strchr(v, ',');
    p = p ? p + 1 : v;
    if (sscanf(p, "%d %3s %d", &d, mon, &y) != 3) {
        return POA_NO_DAY;
    }
    for (int m = 0; m < 12; m++) {
        if (!strncasecmp(mon, months + 3 * m, 3) && d >= 1 && d <= 31 && y > 1900) {
            return poa_day_from_ymd(y, m + 1, d);
        }
    }
    return POA_NO_DAY;
}

/* What is handed on is valid UTF-8 without NUL whatever the e-mail said
 * about itself: bad sequences (also from entities such as &#xD800;) become
 * U+FFFD, NUL a space. */
static void sanitise(poa_buf *b) {
    if (!b->len) {
        return;
    }
    poa_buf out = POA_BUF_INIT;
    const char *s = b->data;
    size_t i = 0;
    while (i < b->len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(b->len - i), &cp);
        if (k <= 0) {
            poa_buf_puts(&out, "\xEF\xBF\xBD");
            i++;
        } else if (cp == 0) {
            poa_buf_putc(&out, ' ');
            i++;
        } else {
            poa_buf_append(&out, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
    poa_buf_free(b);
    *b = out;
}

poa_status poa_notice_text(poa_buf *out, int32_t *date_out, const char *bytes, size_t n,
                           const char *name, poa_error *err) {
    *date_out = POA_NO_DAY;
    if (n >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
        bytes += 3;
        n -= 3;
    }
    if (memchr(bytes, 0, n)) {
        return poa_error_set(err, POA_ERR_PARSE, name, 0, 0,
                             "the notice holds NUL bytes — save it as plain text (UTF-8) "
                             "or as an .eml e-mail");
    }
    poa_buf raw = POA_BUF_INIT;
    poa_status st;
    if (looks_like_email(bytes, n)) {
        part_head h;
        char date[128] = "";
        size_t body = parse_headers(bytes, n, &h, date, sizeof date);
        if (!h.type[0]) {
            snprintf(h.type, sizeof h.type, "text/plain");
        }
        *date_out = mail_date(date);
        st = decode_part(&raw, bytes + body, n - body, &h, 0, name, err);
    } else {
        st = append_converted(&raw, bytes, n, NULL, name, err);
    }
    if (st == POA_OK) {
        sanitise(&raw);
        /* One form of line end; no trailing spaces before them. */
        const char *s = poa_buf_cstr(&raw);
        size_t spaces = 0;
        for (size_t i = 0; i < raw.len; i++) {
            char c = s[i];
            if (c == '\r') {
                continue;
            }
            if (c == ' ') {
                spaces++;
                continue;
            }
            if (c != '\n') {
                for (; spaces; spaces--) {
                    poa_buf_putc(out, ' ');
                }
            }
            spaces = 0;
            poa_buf_putc(out, c);
        }
    }
    poa_buf_free(&raw);
    if (out->failed) {
        return poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    return st;
}
