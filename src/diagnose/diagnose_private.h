/* Private to the diagnose stage. */
#ifndef POAGEN_DIAGNOSE_PRIVATE_H
#define POAGEN_DIAGNOSE_PRIVATE_H

#include "poagen/diagnose.h"

/* Record a replay's result next to the metric as it was. change may be
 * NULL to leave w->change as the caller set it. */
void poa_diagnose__what_if_done(poa_what_if *w, const poa_metric *m, const char *change,
                                long long num, long long den);

#endif
