/* libFuzzer target for the seller performance reports: the JSON report
 * (V2, jansson) and the XML report (V1, libxml2), read as a single-file case
 * and measured. The first byte picks which: even JSON ("0"), odd XML ("1"). Input never
 * reaches the network or the file system beyond a private temporary folder. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poagen/data.h"
#include "poagen/date.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static poa_data *shared_data(void) {
    static poa_data *d;
    static int tried;
    if (!tried) {
        tried = 1;
        poa_error e;
        if (poa_data_load(&d, poa_default_data_dir(), NULL, &e) != POA_OK) {
            fprintf(stderr, "fuzz_report: %s: %s\n", e.file, e.message);
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
    int xml = data[0] & 1;
    data++;
    size--;
    char dir[] = "/tmp/poagen-fuzz-report-XXXXXX";
    if (!mkdtemp(dir)) {
        return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, xml ? "report.xml" : "report.json");
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
    }
    poa_error e;
    poa_case *c = NULL;
    if (poa_case_load(&c, path, d, NULL, &e) == POA_OK) {
        /* What the loader promises about what it read. */
        for (size_t i = 0; i < c->nreport_metrics; i++) {
            const poa_report_metric *m = &c->report_metrics[i];
            if (!m->marketplace_id || !m->name || !m->id || !m->channel ||
                !m->condition || !m->status) {
                abort();
            }
        }
        poa_metrics *m = NULL;
        poa_metrics_options mo = {.as_of = POA_NO_DAY};
        if (poa_metrics_compute(&m, c, d, &mo, &e) == POA_OK) {
            poa_metrics_free(m);
        }
        poa_case_free(c);
    }
    unlink(path);
    rmdir(dir);
    return 0;
}
