/* libFuzzer harness for the Mustache renderer.
 *
 * Input: one byte choosing the escape mode, then the template, then up to
 * two partials ("a" and "b"), separated by NUL bytes. The data tree is fixed
 * and holds every JSON type, nested lists and hostile strings. Limits are
 * small so that runaway templates end quickly in an error.
 *
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Iinclude \
 *          fuzz/fuzz_mustache.c src/compose/mustache.c src/base/[a-z]*.c -ljansson
 * Run:   ./a.out -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/mustache.h"

static const char DATA[] =
    "{\"s\": \"<b>&\\\"{{s}}\\\" # [l](x) * 1. `c`\\n> q\", \"e\": \"\", \"i\": 42,"
    " \"r\": 1.21, \"t\": true, \"f\": false, \"z\": null, \"el\": [],"
    " \"l\": [1, \"two\", 3.5, {\"s\": \"in\"}, [4, 5], null, true],"
    " \"o\": {\"a\": {\"b\": {\"c\": \"deep\"}}, \"l\": [{\"o\": {}}, {\"o\": {\"s\": "
    "1}}]},"
    " \"a\": [{\"a\": [{\"a\": [1, 2]}, {\"a\": []}]}, {\"a\": \"x\"}],"
    " \"u\": \"Grüße 日本 😀\"}";

typedef struct {
    const uint8_t *part[2];
    size_t len[2];
} partials;

static int lookup_partial(const char *name, poa_buf *out, void *payload) {
    const partials *p = payload;
    int k = strcmp(name, "a") == 0 ? 0 : strcmp(name, "b") == 0 ? 1 : -1;
    if (k < 0 || !p->part[k]) {
        return 0;
    }
    poa_buf_append(out, (const char *)p->part[k], p->len[k]);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    static json_t *data;
    if (!data) {
        data = json_loads(DATA, 0, NULL);
        if (!data) {
            abort();
        }
    }
    if (size == 0) {
        return 0;
    }
    poa_escape mode = (poa_escape)(in[0] % 3);
    in++;
    size--;

    /* Split off the partials at the first two NUL bytes. */
    partials p = {{NULL, NULL}, {0, 0}};
    size_t tlen = size;
    const uint8_t *nul = memchr(in, 0, size);
    if (nul) {
        tlen = (size_t)(nul - in);
        const uint8_t *rest = nul + 1;
        size_t rlen = size - tlen - 1;
        const uint8_t *nul2 = memchr(rest, 0, rlen);
        p.part[0] = rest;
        p.len[0] = nul2 ? (size_t)(nul2 - rest) : rlen;
        if (nul2) {
            p.part[1] = nul2 + 1;
            p.len[1] = rlen - p.len[0] - 1;
        }
    }

    poa_mustache_options opt = {mode, lookup_partial, &p, "fuzz.md", 1 << 20};
    poa_buf out = POA_BUF_INIT;
    poa_error err;
    poa_status st = poa_mustache_render((const char *)in, tlen, data, &opt, &out, &err);
    if (st == POA_OK && out.len > opt.max_output + (1u << 16)) {
        abort(); /* the output bound must hold (one value may overshoot) */
    }
    if (st != POA_OK && (st != POA_ERR_PARSE || err.message[0] == '\0')) {
        abort(); /* every failure here is a described template error */
    }
    poa_buf_free(&out);
    return 0;
}
