/* The table reader's tests again, on its 16-byte path: on a processor with AVX2
 * (this one, and most that run poagen) the reader cuts lines 32 bytes at a time,
 * so the path every other x86-64 processor takes would otherwise go untested
 * here. The reader is compiled into this program without the AVX2 path, so the
 * library's copy is not linked in. */
#define POA_TABLE_NO_AVX2 1
#include "ingest/table.c"

#include "test_table.c"
