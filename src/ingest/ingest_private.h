/* Private to the ingest stage. */
#ifndef POAGEN_INGEST_PRIVATE_H
#define POAGEN_INGEST_PRIVATE_H

#include "ingest/index.h"
#include "ingest/table.h"
#include "poagen/ingest.h"

poa_status poa_ingest__case_file(poa_case *c, const char *path, const poa_data *data,
                                 poa_error *err);

#endif
