/* libFuzzer target for date parsing: ISO 8601 and the marketplaces' local
 * formats. A parsed day must format back to a valid date. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poagen/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    int day;
    unsigned col = 0;
    int offset = size ? (int)(data[0] % 29) * 60 - 720 : 0;
    if (poa_parse_iso_day(s, size, offset, &day, &col) == 0) {
        char out[11];
        poa_day_format(day, out);
        int back;
        if (poa_parse_iso_day(out, 10, 0, &back, NULL) != 0 || back != day) {
            abort(); /* a parsed day must survive a round trip */
        }
    } else if (col > size + 1) {
        abort(); /* the error column points inside the input */
    }
    static const char *const orders[] = {"dmy", "mdy", "ymd"};
    for (size_t i = 0; i < 3; i++) {
        if (poa_parse_local_day(s, size, orders[i], &day, &col) == 0) {
            int y, m, d;
            poa_day_to_ymd(day, &y, &m, &d);
            if (m < 1 || m > 12 || d < 1 || d > 31) {
                abort();
            }
        }
    }
    return 0;
}
