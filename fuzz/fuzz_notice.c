/* libFuzzer target for the notice stage: e-mail decoding (MIME, transfer
 * encodings, charsets, HTML) and the phrase decoder. Beyond memory errors it
 * checks what the decoder promises: the text handed on is valid UTF-8, every
 * piece of evidence is a sentence of that text, every ASIN has its shape.
 *
 * Build and run by hand (POAGEN_DATA names the templates folder):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc \
 *     -DPOAGEN_SOURCE_DATADIR=\"templates\" -DPOAGEN_INSTALL_DATADIR=\"templates\" \
 *     -DPOAGEN_BUILD_FONTDIR=\"fonts\" \
 *     fuzz/fuzz_notice.c src/notice/[a-z]*.c src/base/[a-z]*.c \
 *     $(pkg-config --cflags --libs libxml-2.0 jansson libutf8proc) -o build/fuzz_notice
 *   POAGEN_DATA=templates build/fuzz_notice -max_total_time=60 tests/notices */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/date.h"
#include "poagen/notice.h"

static poa_data *data;
static poa_notice_table *table;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    poa_error e;
    const char *dir = getenv("POAGEN_DATA") ? getenv("POAGEN_DATA") : "templates";
    if (poa_data_load(&data, dir, NULL, &e) != POA_OK ||
        poa_notice_table_load(&table, dir, &e) != POA_OK) {
        fprintf(stderr, "fuzz_notice: %s\n", e.message);
        abort();
    }
    return 0;
}

static int asin_shape(const char *s) {
    if (strlen(s) != 10 || s[0] != 'B' || s[1] != '0') {
        return 0;
    }
    for (int i = 2; i < 10; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
            return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n) {
    if (n < 1) {
        return 0;
    }
    static const char *const langs[] = {NULL, "en", "nl", "sv", "es", "da", "zh", NULL};
    poa_notice_options opt = {langs[bytes[0] & 7], POA_NO_DAY, (bytes[0] >> 3) & 1};
    poa_buf text = POA_BUF_INIT;
    int32_t day;
    poa_error e;
    if (poa_notice_text(&text, &day, (const char *)bytes + 1, n - 1, "fuzz", &e) ==
        POA_OK) {
        opt.date = day;
        poa_notice *nt = NULL;
        if (poa_notice_decode(&nt, table, data, poa_buf_cstr(&text), text.len, &opt,
                              &e) == POA_OK) {
            for (size_t i = 0; i < nt->nasins; i++) {
                if (!asin_shape(nt->asins[i])) {
                    abort();
                }
            }
            for (size_t i = 0; i < nt->ncauses; i++) {
                if (!nt->causes[i].evidence || !*nt->causes[i].evidence) {
                    abort();
                }
            }
            poa_buf js = POA_BUF_INIT;
            poa_notice_json(nt, NULL, &js);
            if (!js.len) {
                abort(); /* JSON refuses invalid UTF-8: the text must be valid */
            }
            poa_buf_free(&js);
            poa_notice_free(nt);
        }
    }
    poa_buf_free(&text);
    return 0;
}
