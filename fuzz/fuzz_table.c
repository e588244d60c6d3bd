/* libFuzzer target for the table reader.
 *
 * The first two bytes pick the options (quoting, code page, forced encoding, block
 * and line limits, so small inputs reach every refill path); the rest is the file.
 * Beyond memory errors it checks what the reader promises: every field it hands out
 * is valid UTF-8 without NUL, and every field has a position.
 *
 * Build and run by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     fuzz/fuzz_table.c src/ingest/table.c src/base/error.c -o build/fuzz_table
 *   build/fuzz_table -max_total_time=60 fuzz/corpus-table */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ingest/table.h"

static int valid_utf8(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80                ? 1
                     : c >= 0xC2 && c < 0xE0 ? 2
                     : c >= 0xE0 && c < 0xF0 ? 3
                     : c >= 0xF0 && c < 0xF5 ? 4
                                             : 0;
        if (c == 0 || len == 0 || i + len > n) {
            return 0;
        }
        uint32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

static void on_warn(const poa_error *w, void *payload) {
    (void)w;
    (void)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz_table", 0);
        if (fd < 0) {
            return 0;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (size < 2) {
        return 0;
    }
    static const char *const force[] = {NULL,    NULL,       NULL,     NULL,
                                        "UTF-8", "UTF-16LE", "CP1252", "UTF-16"};
    static const size_t blocks[] = {0, 16, 17, 31, 64, 100, 4096, 0};
    static const size_t lines[] = {0, 8, 40, 200};
    poa_warner warner = {on_warn, NULL};
    poa_table_options opt = {
        .quoting = (poa_quoting)(data[0] % 3),
        .legacy_codepage = data[0] & 4 ? "CP932" : "CP1252",
        .force_encoding = force[(data[0] >> 3) & 7],
        .block_bytes = blocks[data[1] & 7],
        .max_line_bytes = lines[(data[1] >> 3) & 3],
        .warner = &warner,
    };
    data += 2;
    size -= 2;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
        return 0;
    }

    poa_table_reader *r;
    poa_error err;
    if (poa_table_open(&r, path, &opt, &err) != POA_OK) {
        return 0;
    }
    for (;;) {
        const poa_field *f;
        size_t n;
        unsigned long line;
        if (poa_table_next(r, &f, &n, &line, &err) != POA_OK || !f) {
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (!valid_utf8((const unsigned char *)f[i].p, f[i].n) ||
                poa_table_field_column(r, i) == 0 || poa_table_field_line(r, i) < line) {
                __builtin_trap();
            }
        }
    }
    poa_table_close(r);
    return 0;
}
