/* Private to the ingest stage. */
#ifndef POAGEN_INGEST_PRIVATE_H
#define POAGEN_INGEST_PRIVATE_H

#include "ingest/index.h"
#include "ingest/table.h"
#include "poagen/ingest.h"

poa_status poa_ingest__case_file(poa_case *c, const char *path, const poa_data *data,
                                 poa_error *err);

/* Seller performance reports. *recognised is 0 (and nothing is read) when
 * the file is not one; an XML file of another kind is not an error. */
poa_status poa_ingest__perf_json(poa_case *c, const char *path, const poa_data *data,
                                 int *recognised, poa_error *err);
poa_status poa_ingest__perf_xml(poa_case *c, const char *path, const poa_data *data,
                                int *recognised, poa_error *err);

#endif
