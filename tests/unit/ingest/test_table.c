/* The table reader: encodings, line ends, the quoting rule, limits, positions.
 * Each test writes a small file into a temporary folder and reads it back; rows are
 * rendered as "LINE:field|field\n" (a newline inside a field shows as "\n"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/table.h"
#include "poagen/buf.h"

static char tmpdir[64];
static char path[128];

static int setup(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/poagen-table-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        return -1;
    }
    snprintf(path, sizeof path, "%s/in.txt", tmpdir);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(path);
    rmdir(tmpdir);
    return 0;
}

static void write_bytes(const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

#define WRITE(lit) write_bytes(lit, sizeof lit - 1)

/* Write the UTF-8 text as UTF-16 (le or be) with a byte-order mark. */
static void write_utf16(const char *text, int le) {
    iconv_t cd = iconv_open(le ? "UTF-16LE" : "UTF-16BE", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char out[4096];
    out[0] = le ? '\xFF' : '\xFE';
    out[1] = le ? '\xFE' : '\xFF';
    char *in = (char *)text, *o = out + 2;
    size_t inleft = strlen(text), outleft = sizeof out - 2;
    assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
    iconv_close(cd);
    write_bytes(out, (size_t)(o - out));
}

typedef struct {
    poa_buf warnings;
} warn_log;

static void on_warn(const poa_error *w, void *payload) {
    warn_log *log = payload;
    poa_buf_printf(&log->warnings, "%u:%u: %s\n", w->line, w->column, w->message);
}

/* What one read of the file gave: rows, warnings, the error and the facts. */
typedef struct {
    poa_status status;
    poa_error err;
    poa_buf rows;
    warn_log log;
    poa_table_info info;
} result;

static void render_row(poa_buf *b, unsigned long line, const poa_field *f, size_t n) {
    poa_buf_printf(b, "%lu:", line);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            poa_buf_putc(b, '|');
        }
        for (size_t k = 0; k < f[i].n; k++) {
            if (f[i].p[k] == '\n') {
                poa_buf_puts(b, "\\n");
            } else {
                poa_buf_putc(b, f[i].p[k]);
            }
        }
    }
    poa_buf_putc(b, '\n');
}

static void read_with(result *res, const poa_table_options *base) {
    memset(res, 0, sizeof *res);
    poa_table_options opt = base ? *base : (poa_table_options){0};
    poa_warner w = {on_warn, &res->log};
    opt.warner = &w;
    poa_table_reader *r = NULL;
    res->status = poa_table_open(&r, path, &opt, &res->err);
    if (res->status != POA_OK) {
        assert_null(r);
        return;
    }
    for (;;) {
        const poa_field *f;
        size_t n;
        unsigned long line;
        res->status = poa_table_next(r, &f, &n, &line, &res->err);
        if (res->status != POA_OK || !f) {
            break;
        }
        render_row(&res->rows, line, f, n);
    }
    res->info = *poa_table_info_get(r);
    /* The encoding name lives in the reader: keep a copy past close. */
    static char enc[80];
    snprintf(enc, sizeof enc, "%s", res->info.encoding);
    res->info.encoding = enc;
    poa_table_close(r);
}

static void done(result *res) {
    poa_buf_free(&res->rows);
    poa_buf_free(&res->log.warnings);
}

/* Read with defaults, then again with tiny blocks (every refill path) and check both
 * give the same rows and outcome. */
static void read_file(result *res, const poa_table_options *opt) {
    read_with(res, opt);
    static const size_t blocks[] = {16, 17, 23, 64};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        poa_table_options small = opt ? *opt : (poa_table_options){0};
        small.block_bytes = blocks[i];
        result again;
        read_with(&again, &small);
        assert_int_equal(again.status, res->status);
        assert_string_equal(poa_buf_cstr(&again.rows), poa_buf_cstr(&res->rows));
        assert_string_equal(poa_buf_cstr(&again.log.warnings),
                            poa_buf_cstr(&res->log.warnings));
        if (res->status != POA_OK) {
            assert_int_equal(again.err.line, res->err.line);
            assert_int_equal(again.err.column, res->err.column);
        }
        done(&again);
    }
}

static void expect_rows(const char *expected, const poa_table_options *opt) {
    result res;
    read_file(&res, opt);
    if (res.status != POA_OK) {
        fail_msg("unexpected error %d at %u:%u: %s", res.status, res.err.line,
                 res.err.column, res.err.message);
    }
    assert_string_equal(poa_buf_cstr(&res.rows), expected);
    done(&res);
}

static void expect_error(poa_status status, unsigned line, unsigned column,
                         const char *fragment, const poa_table_options *opt) {
    result res;
    read_file(&res, opt);
    assert_int_equal(res.status, status);
    assert_string_equal(res.err.file, path);
    assert_int_equal(res.err.line, line);
    assert_int_equal(res.err.column, column);
    if (!strstr(res.err.message, fragment)) {
        fail_msg("message \"%s\" lacks \"%s\"", res.err.message, fragment);
    }
    done(&res);
}

/* ---- encodings ---- */

static void utf8_without_bom(void **state) {
    (void)state;
    WRITE(
        "sku\tname\nA1\tCr\xC3\xA8me br\xC3\xBBl\xC3\xA9\xE2\x80\x94 \xF0\x9F\x98\x80\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:sku|name\n2:A1|Crème brûlé— 😀\n");
    assert_string_equal(res.info.encoding, "UTF-8");
    assert_int_equal(res.info.delimiter, '\t');
    assert_int_equal(res.info.rows, 1);
    assert_string_equal(poa_buf_cstr(&res.log.warnings), "");
    done(&res);
}

static void utf8_with_bom(void **state) {
    (void)state;
    WRITE("\xEF\xBB\xBFsku\tname\nA1\t\xC3\xA9t\xC3\xA9\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:sku|name\n2:A1|été\n");
    assert_string_equal(res.info.encoding, "UTF-8 (BOM)");
    done(&res);
}

static void utf16le_with_bom_and_crlf(void **state) {
    (void)state;
    write_utf16("sku\tname\r\nA1\t\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\r\nB2\tx\r\n", 1);
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:sku|name\n2:A1|été 日\n3:B2|x\n");
    assert_string_equal(res.info.encoding, "UTF-16LE (BOM)");
    done(&res);
}

static void utf16be_with_bom(void **state) {
    (void)state;
    write_utf16("sku\tname\r\nA1\t\xC3\xA9t\xC3\xA9\r\n", 0);
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:sku|name\n2:A1|été\n");
    assert_string_equal(res.info.encoding, "UTF-16BE (BOM)");
    done(&res);
}

static void utf16_quoted_field_spans_lines(void **state) {
    (void)state;
    /* Excel's "Unicode text": a BOM, so a quoted cell may hold a line break. */
    write_utf16("a\tb\r\n\"two\r\nlines\"\tx\r\nc\td\r\n", 1);
    expect_rows("1:a|b\n2:two\\nlines|x\n4:c|d\n", NULL);
}

static void utf16_without_bom_is_nul_error(void **state) {
    (void)state;
    WRITE("a\0\t\0b\0\n\0");
    expect_error(POA_ERR_PARSE, 1, 2, "byte-order mark", NULL);
}

static void utf16_cut_in_half(void **state) {
    (void)state;
    WRITE("\xFF\xFE"
          "a\0\t\0b\0\n\0c");
    expect_error(POA_ERR_PARSE, 2, 1, "middle of a", NULL);
}

static void cp1252_fallback_warns(void **state) {
    (void)state;
    WRITE("name\tcity\nx\ty\nCaf\xE9\tParis\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:name|city\n2:x|y\n3:Café|Paris\n");
    assert_string_equal(poa_buf_cstr(&res.log.warnings),
                        "3:4: byte 0xE9 at line 3 is not UTF-8; reading the file as "
                        "CP1252\n");
    assert_string_equal(res.info.encoding, "CP1252");
    done(&res);
}

static void cp1252_decided_late(void **state) {
    (void)state;
    /* The first non-ASCII byte sits far past the first block. */
    poa_buf b = POA_BUF_INIT;
    poa_buf_puts(&b, "sku\tprice\n");
    for (int i = 0; i < 3000; i++) {
        poa_buf_printf(&b, "SKU-%d\t%d.99\n", i, i);
    }
    poa_buf_puts(&b, "\x80uro\t1\n");
    write_bytes(b.data, b.len);
    poa_buf_free(&b);
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_non_null(strstr(poa_buf_cstr(&res.rows), "\n3002:€uro|1\n"));
    assert_string_equal(poa_buf_cstr(&res.log.warnings),
                        "3002:1: byte 0x80 at line 3002 is not UTF-8; reading the file "
                        "as CP1252\n");
    assert_int_equal(res.info.rows, 3001);
    done(&res);
}

/* The first byte past ASCII decides the encoding in the line that holds it,
 * wherever that line is: in the second line of a quoted field (CP1252, with
 * the quoted field read again as CP1252 from its start); as a UTF-8 sequence
 * cut by the end of a block (read_file also reads with 16-byte blocks); after
 * a NUL in its line (the NUL is the error, as it would be in any file). */
static void encoding_decided_in_its_line(void **state) {
    (void)state;
    WRITE("a,b\n\"one\ntw\xF6\",x\nq,w\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:a|b\n2:one\\ntwö|x\n4:q|w\n");
    assert_string_equal(poa_buf_cstr(&res.log.warnings),
                        "3:3: byte 0xF6 at line 3 is not UTF-8; reading the file as "
                        "CP1252\n");
    assert_string_equal(res.info.encoding, "CP1252");
    done(&res);

    WRITE("name\tcity\nabcdefghijk\tM\xC3\xBCnchen\nx\t\xE2\x82\xAC\n");
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows),
                        "1:name|city\n2:abcdefghijk|München\n3:x|€\n");
    assert_string_equal(poa_buf_cstr(&res.log.warnings), "");
    assert_string_equal(res.info.encoding, "UTF-8");
    done(&res);

    static const char nul_then_high[] = "a\tb\nx\0y\t\xE9\n";
    write_bytes(nul_then_high, sizeof nul_then_high - 1);
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_ERR_PARSE);
    assert_int_equal(res.err.line, 2);
    assert_int_equal(res.err.column, 2);
    assert_non_null(strstr(res.err.message, "NUL"));
    done(&res);
}

static void cp932_legacy(void **state) {
    (void)state;
    WRITE("name\tq\n\x82\xA0\x88\x9F\t1\n");
    poa_table_options opt = {.legacy_codepage = "CP932"};
    result res;
    read_file(&res, &opt);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:name|q\n2:あ亜|1\n");
    assert_string_equal(res.info.encoding, "CP932");
    done(&res);
}

static void cp1252_undefined_byte(void **state) {
    (void)state;
    WRITE("a\tb\nCaf\xE9\tx\x81y\n");
    expect_error(POA_ERR_PARSE, 2, 7, "0x81", NULL);
}

static void invalid_utf8_after_valid(void **state) {
    (void)state;
    WRITE("a\tb\n\xC3\xA9t\xC3\xA9\tok\nx\tb\xFF"
          "c\n");
    expect_error(POA_ERR_PARSE, 3, 4, "0xFF", NULL);
}

static void truncated_utf8_at_end_of_file(void **state) {
    (void)state;
    WRITE("a\tb\n\xC3\xA9\t\xC3");
    expect_error(POA_ERR_PARSE, 2, 3, "not valid UTF-8", NULL);
}

static void nul_is_an_error(void **state) {
    (void)state;
    WRITE("a\tb\nc\0d\te\n");
    expect_error(POA_ERR_PARSE, 2, 2, "NUL", NULL);
}

static void forced_encodings(void **state) {
    (void)state;
    WRITE("a\tb\n\xC3\xA9\tx\n");
    poa_table_options opt = {.force_encoding = "CP1252"};
    expect_rows("1:a|b\n2:Ã©|x\n", &opt);

    WRITE("a\tb\n\xE9\tx\n");
    opt.force_encoding = "UTF-8";
    expect_error(POA_ERR_PARSE, 2, 1, "0xE9", &opt);

    opt.force_encoding = "NO-SUCH-ENCODING";
    expect_error(POA_ERR_ARG, 0, 0, "unknown encoding", &opt);

    opt = (poa_table_options){.legacy_codepage = "NO-SUCH-PAGE"};
    expect_error(POA_ERR_ARG, 0, 0, "unknown code page", &opt);
}

/* ---- line ends and blank lines ---- */

static void line_ends(void **state) {
    (void)state;
    WRITE("a\tb\r\nc\td\r\n");
    expect_rows("1:a|b\n2:c|d\n", NULL);
    WRITE("a\tb\nc\td\r");
    expect_rows("1:a|b\n2:c|d\n", NULL);
    WRITE("a\tb\rc\td\r\re\tf");
    expect_rows("1:a|b\n2:c|d\n4:e|f\n", NULL);
}

static void blank_lines_skipped(void **state) {
    (void)state;
    WRITE("\na\tb\n\n\r\nc\td\n\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "2:a|b\n5:c|d\n");
    assert_int_equal(res.info.blank_lines, 4);
    assert_int_equal(res.info.rows, 1);
    done(&res);
}

static void only_blank_lines(void **state) {
    (void)state;
    WRITE("\n\r\n\n");
    expect_error(POA_ERR_PARSE, 4, 1, "no header", NULL);
}

/* ---- quoting ---- */

static void csv_quoted_comma_and_newline(void **state) {
    (void)state;
    WRITE("a,b,c\n\"x,y\",\"line1\nline2\",z\nq,w,e\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows),
                        "1:a|b|c\n2:x,y|line1\\nline2|z\n4:q|w|e\n");
    assert_int_equal(res.info.delimiter, ',');
    assert_int_equal(res.info.quoted_fields, 2);
    done(&res);
}

static void bom_tab_quoted_tab_and_newline(void **state) {
    (void)state;
    WRITE("\xEF\xBB\xBF"
          "a\tb\r\n\"x\ty\"\t\"l1\r\nl2\"\r\nz\tw\r\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:a|b\n2:x\ty|l1\\nl2\n4:z|w\n");
    assert_int_equal(res.info.quoted_fields, 2);
    done(&res);
}

static void tab_without_bom_does_not_span(void **state) {
    (void)state;
    WRITE("a\tb\n\"x\ty\n\"\tz\n\"in\tline\"\tok\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows),
                        "1:a|b\n2:\"x|y\n3:\"|z\n4:in\tline|ok\n");
    assert_int_equal(res.info.quoted_fields, 1);
    done(&res);
}

static void literal_leading_quote(void **state) {
    (void)state;
    const char *expected = "1:name|sku\n2:\"Nordic\" Linen Towel|A1\n3:Plain|B2\n";
    WRITE("name\tsku\n\"Nordic\" Linen Towel\tA1\nPlain\tB2\n");
    expect_rows(expected, NULL);
    /* With a BOM quoted fields may span lines; a stray quote still stays text. */
    WRITE("\xEF\xBB\xBFname\tsku\n\"Nordic\" Linen Towel\tA1\nPlain\tB2\n");
    expect_rows(expected, NULL);
    WRITE("\xEF\xBB\xBFname\tsku\n\"Nordic Linen Towel\tA1\nPlain\tB2\n");
    expect_rows("1:name|sku\n2:\"Nordic Linen Towel|A1\n3:Plain|B2\n", NULL);
    WRITE("name,sku\n\"Nordic Linen Towel,A1\nPlain,B2\n\"x\"y,C3\n");
    expect_rows("1:name|sku\n2:\"Nordic Linen Towel|A1\n3:Plain|B2\n4:\"x\"y|C3\n", NULL);
}

static void doubled_quotes(void **state) {
    (void)state;
    WRITE("a,b\n\"say \"\"hi\"\"\",x\n\"\"\"\",\"\"\n");
    expect_rows("1:a|b\n2:say \"hi\"|x\n3:\"|\n", NULL);
    WRITE("a\tb\n\"a\"\"b\"\tc\n\"a\"b\"\tc\nx\"\"y\t\"\"\n");
    expect_rows("1:a|b\n2:a\"b|c\n3:\"a\"b\"|c\n4:x\"\"y|\n", NULL);
}

static void quoting_none_and_rfc4180(void **state) {
    (void)state;
    WRITE("a,b\n\"x,y\",\"p\"\"q\"\n");
    poa_table_options opt = {.quoting = POA_QUOTING_NONE};
    expect_rows("1:a|b\n2:\"x|y\"|\"p\"\"q\"\n", &opt);
    opt.quoting = POA_QUOTING_RFC4180;
    expect_rows("1:a|b\n2:x,y|p\"q\n", &opt);

    /* Standard CSV lets a quoted field span lines even in a tab file... */
    WRITE("a\tb\n\"x\ny\"\tz\n");
    expect_rows("1:a|b\n2:x\\ny|z\n", &opt);
    /* ...and makes a malformed one an error. */
    WRITE("a,b\nx,\"y\"z\n");
    expect_error(POA_ERR_PARSE, 2, 6, "after the closing quote", &opt);
    WRITE("a,b\nx,\"y\nz\n");
    expect_error(POA_ERR_PARSE, 2, 3, "no closing quote", &opt);
}

static void comma_separated_orders(void **state) {
    (void)state;
    WRITE("amazon-order-id,purchase-date,product-name,quantity\r\n"
          "111-2223334-5556667,2025-01-02T10:00:00+00:00,\"Towel, linen\",1\r\n"
          "111-2223334-5556668,2025-01-03T10:00:00+00:00,Mug,2\r\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows),
                        "1:amazon-order-id|purchase-date|product-name|quantity\n"
                        "2:111-2223334-5556667|2025-01-02T10:00:00+00:00|Towel, linen|1\n"
                        "3:111-2223334-5556668|2025-01-03T10:00:00+00:00|Mug|2\n");
    assert_int_equal(res.info.delimiter, ',');
    assert_int_equal(res.info.multiline_quotes, 1);
    done(&res);
}

static void tabs_win_over_commas(void **state) {
    (void)state;
    WRITE("a,x\tb\n1,2\t3\n");
    expect_rows("1:a,x|b\n2:1,2|3\n", NULL);
}

/* ---- limits and odd files ---- */

static void huge_line_is_an_error(void **state) {
    (void)state;
    size_t n = 10u << 20;
    char *data = malloc(n + 16);
    assert_non_null(data);
    memcpy(data, "a\tb\n", 4);
    memset(data + 4, 'x', n);
    memcpy(data + 4 + n, "\nc\td\n", 5);
    write_bytes(data, n + 9);
    free(data);
    result res;
    read_with(&res, NULL);
    assert_int_equal(res.status, POA_ERR_PARSE);
    assert_int_equal(res.err.line, 2);
    assert_non_null(strstr(res.err.message, "longer than 1048576 bytes"));
    assert_string_equal(poa_buf_cstr(&res.rows), "1:a|b\n");
    done(&res);

    /* A quoted field that never closes in a CSV file is bounded the same way. */
    poa_table_options opt = {.max_line_bytes = 64};
    WRITE("a,b\n\"x,"
          "\n1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n1\n2\n3\n4\n5"
          "\n6\n7\n8\n9\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\"\n");
    expect_error(POA_ERR_PARSE, 2, 1, "longer than 64 bytes", &opt);
}

static void empty_file(void **state) {
    (void)state;
    write_bytes("", 0);
    expect_error(POA_ERR_PARSE, 1, 1, "file is empty", NULL);
    WRITE("\xEF\xBB\xBF");
    expect_error(POA_ERR_PARSE, 1, 1, "file is empty", NULL);
}

static void header_only(void **state) {
    (void)state;
    WRITE("a\tb\tc\n");
    expect_rows("1:a|b|c\n", NULL);
    WRITE("a\tb\tc");
    expect_rows("1:a|b|c\n", NULL);
}

static void open_failures(void **state) {
    (void)state;
    poa_table_reader *r = (poa_table_reader *)1;
    poa_error err;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.txt", tmpdir);
    assert_int_equal(poa_table_open(&r, missing, NULL, &err), POA_ERR_IO);
    assert_null(r);
    assert_string_equal(err.file, missing);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_int_equal(poa_table_open(&r, tmpdir, NULL, &err), POA_ERR_IO);
    assert_non_null(strstr(err.message, "folder"));
    if (geteuid() != 0) { /* root reads anything */
        WRITE("a\tb\n");
        chmod(path, 0);
        assert_int_equal(poa_table_open(&r, path, NULL, &err), POA_ERR_IO);
        chmod(path, 0600);
    }
    poa_table_close(NULL);
}

static void short_and_ragged_rows(void **state) {
    (void)state;
    WRITE("a\tb\tc\n1\t2\n1\t2\t3\t\t\n\t\n");
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), "1:a|b|c\n2:1|2\n3:1|2|3||\n4:|\n");
    assert_int_equal(res.info.short_rows, 2);
    done(&res);
}

/* ---- positions ---- */

static void field_columns_in_code_points(void **state) {
    (void)state;
    WRITE("h1\th2\th3\n\xC3\xA9l\t\"q\"\t\xE6\x97\xA5\n");
    poa_table_reader *r;
    poa_error err;
    assert_int_equal(poa_table_open(&r, path, NULL, &err), POA_OK);
    const poa_field *f;
    size_t n;
    unsigned long line;
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_int_equal(poa_table_field_column(r, 2), 7);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_int_equal(n, 3);
    assert_int_equal(line, 2);
    assert_int_equal(poa_table_field_column(r, 0), 1);
    assert_int_equal(poa_table_field_column(r, 1), 4); /* bytes would say 5 */
    assert_int_equal(poa_table_field_column(r, 2), 8);
    assert_int_equal(poa_table_field_column(r, 3), 0);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_null(f);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_null(f);
    poa_table_close(r);
}

/* Rows whose quotes are all stray ("Fjord" Mug, a quote closed mid-field
 * after a delimiter, a doubled quote before the stray one) read the same
 * whether or not the row also holds a real quoted field: the same fields,
 * at the same lines and columns, and only real quoted fields counted. */
static void stray_quotes_read_alike(void **state) {
    (void)state;
    static const char *const rows[] = {
        "h1\th2\th3\th4\th5\th6\n"
        "\xC3\xA9\t\"Fjord\" Mug\t\"a\tb\" c\t\"x\"\"y\" z\tlast\n",
        "h1\th2\th3\th4\th5\th6\n"
        "\"\xC3\xA9\"\t\"Fjord\" Mug\t\"a\tb\" c\t\"x\"\"y\" z\tlast\n",
    };
    static const unsigned columns[] = {1, 3, 15, 18, 23, 32};
    for (size_t k = 0; k < 2; k++) {
        write_bytes(rows[k], strlen(rows[k]));
        poa_table_reader *r;
        poa_error err;
        assert_int_equal(poa_table_open(&r, path, NULL, &err), POA_OK);
        const poa_field *f = NULL;
        size_t n = 0;
        unsigned long line = 0;
        assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
        assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
        poa_buf b = {0};
        render_row(&b, line, f, n);
        assert_string_equal(poa_buf_cstr(&b),
                            "2:\xC3\xA9|\"Fjord\" Mug|\"a|b\" c|\"x\"\"y\" z|last\n");
        poa_buf_free(&b);
        for (size_t i = 0; i < n; i++) {
            /* The second file's first field is two quotes wider. */
            assert_int_equal(poa_table_field_column(r, i), columns[i] + (i ? 2 * k : 0));
            assert_int_equal(poa_table_field_line(r, i), 2);
        }
        assert_int_equal(poa_table_info_get(r)->quoted_fields, k);
        poa_table_close(r);
    }
}

static void lines_after_multiline_field(void **state) {
    (void)state;
    WRITE("a,b,c\n1,\"x\ny\nz\",\xC3\xA9,w\n2,3,4\n");
    poa_table_reader *r;
    poa_error err;
    assert_int_equal(poa_table_open(&r, path, NULL, &err), POA_OK);
    const poa_field *f;
    size_t n;
    unsigned long line;
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_int_equal(line, 2);
    assert_int_equal(n, 4);
    assert_int_equal(poa_table_field_line(r, 1), 2);
    assert_int_equal(poa_table_field_column(r, 1), 3);
    assert_int_equal(poa_table_field_line(r, 2), 4);
    assert_int_equal(poa_table_field_column(r, 2), 4);
    assert_int_equal(poa_table_field_column(r, 3), 6);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_int_equal(line, 5);
    assert_int_equal(poa_table_field_line(r, 2), 5);
    assert_int_equal(poa_table_next(r, &f, &n, &line, &err), POA_OK);
    assert_null(f);
    poa_table_close(r);
}

/* ---- the fast path's 16- and 64-byte chunks ---- */

/* The fast path looks at a line 64 bytes at a time (16 in its SIMD registers) and
 * hands a line with a non-ASCII byte or a field-opening quote to slower code. Each
 * test below puts the interesting byte at every offset from 0 to 140 of a data line,
 * so it lands on, before and after every chunk boundary; read_file also reads with
 * tiny blocks, which puts the end of the text at odd places. */

#define SWEEP 141

static void fill_x(char *p, size_t n) {
    memset(p, 'x', n);
}

/* expect_rows, and the count of fields that were quoted. */
static void expect_quoted(const char *expected, unsigned long long quoted) {
    result res;
    read_file(&res, NULL);
    assert_int_equal(res.status, POA_OK);
    assert_string_equal(poa_buf_cstr(&res.rows), expected);
    assert_int_equal(res.info.quoted_fields, quoted);
    done(&res);
}

static void multibyte_across_chunk_boundaries(void **state) {
    (void)state;
    static const char *const chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    char line[512], expected[512];
    for (size_t c = 0; c < 3; c++) {
        const char *ch = chars[c];
        for (size_t off = 0; off < SWEEP; off++) {
            fill_x(line, off);
            int n = snprintf(line + off, sizeof line - off, "%s\ty%s\n", ch, ch);
            char file[600];
            int fn = snprintf(file, sizeof file, "a\tb\n%.*s", (int)off + n, line);
            write_bytes(file, (size_t)fn);
            snprintf(expected, sizeof expected, "1:a|b\n2:%.*s%s|y%s\n", (int)off, line,
                     ch, ch);
            expect_rows(expected, NULL);
        }
    }
}

static void invalid_byte_across_chunk_boundaries(void **state) {
    (void)state;
    /* The header's é settles UTF-8, so a bad byte later is an error, not CP1252. */
    static const struct {
        const char *tail;
        unsigned extra_col; /* code points between the x's and the bad byte */
        const char *what;
    } cases[] = {
        {"\xFF"
         "z\n",
         0, "byte 0xFF"},
        {"\xC3\xA9\xE2\x82"
         "ab\n",
         1, "byte 0xE2"},               /* a sequence cut short by ASCII */
        {"\xE2\x82\n", 0, "byte 0xE2"}, /* ... and by the line end */
        {"\xC3\n", 0, "byte 0xC3"},
        {"\xC3\xA9\xED\xA0\x80\n", 1, "byte 0xED"}, /* a surrogate */
        {"\tq\xC0\xAF\n", 2, "byte 0xC0"},          /* an overlong */
        {"\0z\n", 0, "NUL character"},
    };
    char file[512];
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t tl = strlen(cases[c].tail);
        if (tl == 0) {
            tl = 3; /* the NUL case */
        }
        for (size_t off = 0; off < SWEEP; off++) {
            memcpy(file, "a\t\xC3\xA9\n", 5);
            fill_x(file + 5, off);
            memcpy(file + 5 + off, cases[c].tail, tl);
            write_bytes(file, 5 + off + tl);
            expect_error(POA_ERR_PARSE, 2, (unsigned)off + 1 + cases[c].extra_col,
                         cases[c].what, NULL);
        }
    }
}

static void quote_across_chunk_boundaries(void **state) {
    (void)state;
    char file[512], expected[512];
    for (size_t off = 0; off < SWEEP; off++) {
        char xs[256];
        fill_x(xs, off);
        xs[off] = 0;
        /* A quote opening the field after a delimiter: the field is quoted. */
        int n = snprintf(file, sizeof file, "a\tb\tc\n%s\t\"p\tq\"\tz\n", xs);
        write_bytes(file, (size_t)n);
        snprintf(expected, sizeof expected, "1:a|b|c\n2:%s|p\tq|z\n", xs);
        expect_quoted(expected, 1);
        if (off == 0) {
            continue; /* a quote at the line start opens the first field */
        }
        /* A quote inside a field is text, wherever it falls. */
        n = snprintf(file, sizeof file, "a\tb\n%s\"p\tq\"\n", xs);
        write_bytes(file, (size_t)n);
        snprintf(expected, sizeof expected, "1:a|b\n2:%s\"p|q\"\n", xs);
        expect_quoted(expected, 0);
    }
}

static void many_fields_in_one_chunk(void **state) {
    (void)state;
    /* 200 fields: every byte of the first three chunks is a delimiter. */
    char file[1024], expected[1024];
    size_t n = 0, e = 0;
    n += (size_t)snprintf(file + n, sizeof file - n, "h");
    for (int i = 1; i < 200; i++) {
        n += (size_t)snprintf(file + n, sizeof file - n, "\th");
    }
    file[n++] = '\n';
    memset(file + n, '\t', 199);
    n += 199;
    n += (size_t)snprintf(file + n, sizeof file - n, "v\n\"q\"");
    memset(file + n, '\t', 150);
    n += 150;
    n += (size_t)snprintf(file + n, sizeof file - n, "w\n");
    write_bytes(file, n);
    e += (size_t)snprintf(expected + e, sizeof expected - e, "1:h");
    for (int i = 1; i < 200; i++) {
        e += (size_t)snprintf(expected + e, sizeof expected - e, "|h");
    }
    e += (size_t)snprintf(expected + e, sizeof expected - e, "\n2:");
    memset(expected + e, '|', 199);
    e += 199;
    e += (size_t)snprintf(expected + e, sizeof expected - e, "v\n3:q");
    memset(expected + e, '|', 150);
    e += 150;
    snprintf(expected + e, sizeof expected - e, "w\n");
    expect_rows(expected, NULL);

    /* Two chunks of delimiters only, ending the file without a line end: the
     * last field comes after the 128th delimiter, with the field array still
     * sized for the one-field header (ASan checks the room). */
    memcpy(file, "h\n", 2);
    memset(file + 2, '\t', 128);
    write_bytes(file, 130);
    e = (size_t)snprintf(expected, sizeof expected, "1:h\n2:");
    memset(expected + e, '|', 128);
    e += 128;
    snprintf(expected + e, sizeof expected - e, "\n");
    expect_rows(expected, NULL);
}

static void unquoted_fields_after_quoted_ones(void **state) {
    (void)state;
    /* A quoted field holding delimiters, then plain, quoted, stray-quoted, empty
     * and last fields; the row's other cuts must line up after each. */
    WRITE("a\tb\tc\td\te\tf\tg\n\"1\t2\"\tc\t\"d\"\t\"x\"y\t\t\"\"\tlast\r\n\"\"\r\n");
    expect_quoted("1:a|b|c|d|e|f|g\n2:1\t2|c|d|\"x\"y|||last\n3:\n", 4);
    /* After a quoted field spanning lines, the fields of its last line. */
    WRITE("\xEF\xBB\xBF"
          "a,b,c,d\n\"1\n2,3\",c,\"d\",e\nz,y,x,w\n");
    expect_rows("1:a|b|c|d\n2:1\\n2,3|c|d|e\n4:z|y|x|w\n", NULL);
}

static void bytes_one_off_a_delimiter(void **state) {
    (void)state;
    /* Each special byte followed by the byte one bit away from it (tab then 0x08,
     * comma then '-', quote then '#', line end then 0x0B): a cheap "has this byte"
     * test can mistake the second for the first. */
    WRITE("a\tb\tc\n\t\x08x\t\"#\"#\tq\"#\n\x0B\tz\ty\n");
    expect_rows("1:a|b|c\n2:|\x08x|\"#\"#|q\"#\n3:\x0B|z|y\n", NULL);
    WRITE("a,b,c\n,-1.50,-2\n-,--,x\n");
    expect_rows("1:a|b|c\n2:|-1.50|-2\n3:-|--|x\n", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(utf8_without_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_with_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16le_with_bom_and_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16be_with_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16_quoted_field_spans_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16_without_bom_is_nul_error, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16_cut_in_half, setup, teardown),
        cmocka_unit_test_setup_teardown(cp1252_fallback_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(cp1252_decided_late, setup, teardown),
        cmocka_unit_test_setup_teardown(encoding_decided_in_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(cp932_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(cp1252_undefined_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_after_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(truncated_utf8_at_end_of_file, setup, teardown),
        cmocka_unit_test_setup_teardown(nul_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(forced_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(line_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(blank_lines_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(only_blank_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_quoted_comma_and_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(bom_tab_quoted_tab_and_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(tab_without_bom_does_not_span, setup, teardown),
        cmocka_unit_test_setup_teardown(literal_leading_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(stray_quotes_read_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(doubled_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(quoting_none_and_rfc4180, setup, teardown),
        cmocka_unit_test_setup_teardown(comma_separated_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(tabs_win_over_commas, setup, teardown),
        cmocka_unit_test_setup_teardown(huge_line_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(header_only, setup, teardown),
        cmocka_unit_test_setup_teardown(open_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(short_and_ragged_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(field_columns_in_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(lines_after_multiline_field, setup, teardown),
        cmocka_unit_test_setup_teardown(multibyte_across_chunk_boundaries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(invalid_byte_across_chunk_boundaries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(quote_across_chunk_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(many_fields_in_one_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(unquoted_fields_after_quoted_ones, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bytes_one_off_a_delimiter, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
