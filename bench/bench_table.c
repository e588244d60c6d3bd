/* Throughput of the table reader on an All Orders-sized export.
 *
 * Usage: bench_table [FILE] [MB]
 * Without FILE, writes /tmp/poagen-bench-orders.tsv (~MB megabytes, default 1024)
 * shaped like GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL (32 columns),
 * unless it is already there; a FILE that does not exist is written the same way
 * (an existing FILE is never overwritten). Reads every row touching one field, then times
 * `wc -l` on the same (cached) file for comparison. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "ingest/table.h"

static const char *header =
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\t"
    "fulfillment-channel\tsales-channel\torder-channel\tship-service-level\tproduct-"
    "name\t"
    "sku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\t"
    "shipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\t"
    "ship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\t"
    "promotion-ids\tcpf\tis-business-order\tpurchase-order-number\tprice-designation\n";

static const char *products[] = {
    "Nordic Linen Towel Set, 4 pieces, Oatmeal",
    "Stainless Steel Water Bottle 750 ml – Insulated, Leak-proof",
    "\"Classic\" Ceramic Coffee Mug 350ml",
    "Bamboo Cutting Board Large with Juice Groove",
    "Wireless Charging Pad 15W Qi-certified, Black",
    "Crème Brûlée Torch Kitchen Butane Refillable",
};
static const char *cities[] = {"Seattle", "Austin",   "München",
                               "Lyon",    "Brooklyn", "San José"};
static const char *states[] = {"WA", "TX", "BY", "ARA", "NY", "CA"};

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int generate(const char *path, unsigned long long bytes) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    static char io[1 << 20];
    setvbuf(f, io, _IOFBF, sizeof io);
    fputs(header, f);
    unsigned long long written = strlen(header);
    for (unsigned long i = 0; written < bytes; i++) {
        unsigned r = next_rand(), k = r % 6, day = 1 + r % 28, q = 1 + r % 3;
        unsigned cents = 499 + r % 9000;
        int n = fprintf(
            f,
            "%03u-%07u-%07lu\t\t2025-03-%02uT%02u:%02u:%02u+00:00\t"
            "2025-03-%02uT%02u:%02u:%02u+00:00\t%s\t%s\tAmazon.com\t\t%s\t%s\t"
            "SKU-%06u-%c\tB0%08u\t%s\t%u\tUSD\t%u.%02u\t%u.%02u\t%s\t0.00\t\t\t%s\t0.00\t"
            "%s\t%s\t%05u\tUS\t%s\t\tfalse\t\t\n",
            100 + r % 900, r % 10000000, i, day, r % 24, r % 60, (r >> 8) % 60, day,
            (r >> 4) % 24, (r >> 6) % 60, (r >> 10) % 60,
            r % 17 ? "Shipped" : "Cancelled", r % 3 ? "Amazon" : "Merchant",
            r % 4 ? "Standard" : "Expedited", products[k], r % 999999,
            'A' + (int)(r % 26), r % 100000000, r % 17 ? "Shipped" : "Cancelled", q,
            cents / 100, cents % 100, cents / 1000, cents % 100, r % 5 ? "0.00" : "5.99",
            r % 9 ? "0.00" : "-1.50", cities[k], states[k], r % 100000,
            r % 7 ? "" : "Core Free Shipping 2025/03");
        if (n < 0) {
            fclose(f);
            return -1;
        }
        written += (unsigned long long)n;
    }
    return fclose(f);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/tmp/poagen-bench-orders.tsv";
    unsigned long long mb = argc > 2 ? strtoull(argv[2], NULL, 10) : 1024;
    struct stat st;
    const int missing = stat(path, &st) != 0;
    if (missing || (argc <= 1 && (unsigned long long)st.st_size < mb << 20)) {
        printf("writing %s (%llu MB)...\n", path, mb);
        if (generate(path, mb << 20) != 0) {
            return 1;
        }
    }
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    double size_mb = (double)st.st_size / (1 << 20);

    char cmd[512];
    snprintf(cmd, sizeof cmd, "wc -l < '%s' > /dev/null", path);
    if (system(cmd) != 0) { /* warm the page cache so both reads start equal */
        return 1;
    }

    double t0 = now();
    poa_table_reader *r;
    poa_error err;
    if (poa_table_open(&r, path, NULL, &err) != POA_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column, err.message);
        return 1;
    }
    unsigned long long rows = 0, touched = 0;
    size_t nfields = 0;
    for (;;) {
        const poa_field *f;
        size_t n;
        if (poa_table_next(r, &f, &n, NULL, &err) != POA_OK) {
            fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column,
                    err.message);
            poa_table_close(r);
            return 1;
        }
        if (!f) {
            break;
        }
        rows++;
        nfields = n;
        if (n > 13) {
            touched += f[13].n ? (unsigned char)f[13].p[0] : 0;
        }
    }
    const poa_table_info *info = poa_table_info_get(r);
    printf("encoding %s, %llu data rows, %zu fields, %llu quoted fields\n",
           info->encoding, info->rows, nfields, info->quoted_fields);
    poa_table_close(r);
    double t_read = now() - t0;

    t0 = now();
    if (system(cmd) != 0) {
        return 1;
    }
    double t_wc = now() - t0;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("file        %.0f MB, %llu rows (checksum %llu)\n", size_mb, rows, touched);
    printf("table read  %.3f s  %.0f MB/s\n", t_read, size_mb / t_read);
    printf("wc -l       %.3f s  %.0f MB/s\n", t_wc, size_mb / t_wc);
    printf("ratio       %.2f (table reader speed / wc -l speed)\n", t_wc / t_read);
    printf("peak RSS    %.1f MB\n", (double)ru.ru_maxrss / 1024);
    return 0;
}
