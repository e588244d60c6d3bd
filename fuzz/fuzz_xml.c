/* libFuzzer target for poagen's own XML files: case.xml, the rule table and
 * the marketplace table, each validated against its schema. The first byte
 * picks which. Input never reaches the network or the file system beyond a
 * private temporary folder. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poagen/data.h"
#include "poagen/ingest.h"
#include "poagen/xmlload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static poa_data *shared_data(void) {
    static poa_data *d;
    static int tried;
    if (!tried) {
        tried = 1;
        poa_error e;
        if (poa_data_load(&d, poa_default_data_dir(), NULL, &e) != POA_OK) {
            fprintf(stderr, "fuzz_xml: %s: %s\n", e.file, e.message);
            abort();
        }
    }
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    poa_data *d = shared_data();
    if (size < 1) {
        return 0;
    }
    unsigned which = data[0] % 3;
    data++;
    size--;
    char dir[] = "/tmp/poagen-fuzz-xml-XXXXXX";
    if (!mkdtemp(dir)) {
        return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, which == 0 ? "case.xml" : "table.xml");
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
    }
    poa_error e;
    if (which == 0) {
        poa_case *c = NULL;
        if (poa_case_load(&c, dir, d, NULL, &e) == POA_OK) {
            poa_case_free(c);
        }
    } else if (which == 1) {
        poa_data *rules = NULL;
        /* A consultant's own rule table, loaded beside the shipped data. */
        if (poa_data_load(&rules, d->dir, path, &e) == POA_OK) {
            poa_data_free(rules);
        }
    } else {
        char xsd[4096];
        snprintf(xsd, sizeof xsd, "%s/marketplaces.xsd", d->dir);
        xmlDocPtr doc;
        if (poa_xml_load(&doc, path, xsd, &e) == POA_OK) {
            xmlFreeDoc(doc);
        }
    }
    unlink(path);
    rmdir(dir);
    return 0;
}
