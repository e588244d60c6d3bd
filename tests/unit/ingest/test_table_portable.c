/* The table reader's tests again, on its portable path: the code built where SSE2
 * is missing (word-at-a-time masks and checks), which this machine would otherwise
 * never run. The reader is compiled into this program with that path chosen, so the
 * library's copy is not linked in. */
#define POA_TABLE_PORTABLE 1
#include "ingest/table.c"

#include "test_table.c"
