/* Ingest + metrics throughput on a realistic All Orders export.
 *
 *   bench_ingest [ROWS] [DIR]   (default 5,000,000 rows, about 1 GB, in $TMPDIR)
 *
 * Writes a case folder (orders with poagen's extra columns, ~1.3 item rows
 * per order, repeated rows; feedback, claims and returns files), then times
 * poa_case_load + poa_metrics_compute in this process once and prints the
 * peak RSS. Then `wc -l` on the orders file and `poagen analyze` on the
 * folder take turns, five times each (the poagen in the folder above this
 * program's, or $POAGEN_BIN; poagen from PATH when this program was itself
 * found there), and it prints the best time of each, MB/s, the ratio and
 * analyze's peak RSS: the whole command, diagnosis included, as a seller
 * runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "poagen/data.h"
#include "poagen/date.h"
#include "poagen/ingest.h"
#include "poagen/metrics.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static void iso(char *out, int day, int hour) {
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, m, d, hour, (int)(next() % 60),
            (int)(next() % 60));
}

static const char *products[] = {"Linen Tea Towel, Aero Stripe",
                                 "Cast Iron Fire Pit Bowl 60cm",
                                 "\"Fjord\" Stoneware Mug - Blue",
                                 "Oak Chopping Board Large", "Wool Throw Blanket Grey"};
static const char *carriers[] = {"Royal Mail", "DPD", "Evri", "UPS"};

/* A tracking number for the carrier: in the carrier's own format (as the
 * rule table knows it) for 97 orders in 100, else a number in no format. */
static void tracking_number(const char *carrier, char *out, size_t cap) {
    if (next() % 100 < 3) {
        snprintf(out, cap, "TRK%08u", next() % 100000000);
    } else if (strcmp(carrier, "Royal Mail") == 0) {
        snprintf(out, cap, "%c%c%09uGB", 'A' + next() % 26, 'A' + next() % 26,
                 next() % 1000000000);
    } else if (strcmp(carrier, "DPD") == 0) {
        snprintf(out, cap, "155%05u%06u", next() % 100000, next() % 1000000);
    } else if (strcmp(carrier, "Evri") == 0) {
        snprintf(out, cap, "H%07u%08X", next() % 10000000, next());
    } else {
        snprintf(out, cap, "1Z%06X%010u", next() % 0xFFFFFF, next() % 1000000000);
    }
}

static long write_case(const char *dir, long rows, long *norders) {
    char path[4200];
    snprintf(path, sizeof path, "%s/orders.txt", dir);
    FILE *o = fopen(path, "w");
    snprintf(path, sizeof path, "%s/feedback.txt", dir);
    FILE *fb = fopen(path, "w");
    snprintf(path, sizeof path, "%s/claims.txt", dir);
    FILE *cl = fopen(path, "w");
    snprintf(path, sizeof path, "%s/returns.csv", dir);
    FILE *rt = fopen(path, "w");
    if (!o || !fb || !cl || !rt) {
        return -1;
    }
    fputs(
        "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-"
        "status\t"
        "fulfillment-channel\tsales-channel\torder-channel\tship-service-level\tproduct-"
        "name\tsku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-"
        "tax\tshipping-"
        "price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-"
        "discount\tship-"
        "promotion-discount\tship-city\tship-state\tship-postal-code\tship-"
        "country\tpromotion-"
        "ids\tcpf\tis-business-order\tpurchase-order-number\tprice-designation\tlatest-"
        "ship-"
        "date\tship-date\tcarrier\ttracking-number\tpromised-delivery-date\tdelivery-"
        "date\t"
        "product-line\n",
        o);
    fputs("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n", fb);
    fputs("order-id\tclaim-date\tstatus\treason\n", cl);
    fputs("Order ID,Order date,Return request date,Return request status,Merchant SKU,"
          "response-date,rejection,return-feedback\n",
          rt);
    int first = poa_day_from_ymd(2026, 1, 1);
    long written = 0, order = 0;
    char pd[32], ls[32], sd[32], dd[32], pdd[32];
    while (written < rows) {
        order++;
        int day = first + (int)(order * 180 / (rows * 10 / 13 + 1));
        int mfn = next() % 4 != 0;
        iso(pd, day, (int)(next() % 24));
        iso(ls, day + 2, 23);
        /* The seller does not ship at weekends: a third of the orders bought
         * on a Saturday or Sunday leave after their latest ship day, one in
         * fifty of the others. The late shipments then have a cause the
         * rule table knows, and `generate` on this case writes a whole POA. */
        const int weekend = poa_day_weekday(day) >= 5;
        const int late = weekend ? next() % 3 == 0 : next() % 50 == 0;
        iso(sd, day + 1 + (late ? 3 : 0), 15);
        iso(pdd, day + 5, 23);
        iso(dd, day + 3 + (int)(next() % 3), 12);
        unsigned items = next() % 4 == 0 ? 2 : 1;
        int repeat = next() % 50 == 0;
        char id[24];
        snprintf(id, sizeof id, "202-%07lu-%07lu",
                 (unsigned long)(order / 10000000 + 1000000),
                 (unsigned long)(order % 10000000));
        const char *car = carriers[next() % 4];
        char trk[32];
        tracking_number(car, trk, sizeof trk);
        for (unsigned k = 0; k < items + (unsigned)repeat && written < rows; k++) {
            unsigned p = next() % 5;
            fprintf(o,
                    "%s\t\t%s\t%s\tShipped\t%s\tAmazon.co.uk\t\tStandard\t%s\tSKU-%"
                    "05u\tB0%08u\t"
                    "Shipped\t1\tGBP\t29.85\t4.98\t0.00\t0.00\t0.00\t0.00\t0.00\t0."
                    "00\tBrighton\t"
                    "East Sussex\tBN2 "
                    "8PS\tGB\t\t\tfalse\t\t\t%s\t%s\t%s\t%s\t%s\t%s\tLine%u\n",
                    id, pd, pd, mfn ? "Merchant" : "Amazon", products[p], next() % 5000,
                    next() % 100000000, mfn ? ls : "", mfn ? sd : "", mfn ? car : "",
                    mfn ? trk : "", mfn ? pdd : "", mfn ? dd : "", p);
            written++;
        }
        if (next() % 100 == 0) {
            int y, m, d;
            poa_day_to_ymd(day + 7, &y, &m, &d);
            fprintf(fb, "%d/%d/%02d\t%u\tLate and damaged\t\t%s\t\n", d, m, y % 100,
                    1 + next() % 3, id);
        }
        if (next() % 500 == 0) {
            int y, m, d;
            poa_day_to_ymd(day + 20, &y, &m, &d);
            fprintf(cl, "%s\t%04d-%02d-%02d\t%s\tNot received\n", id, y, m, d,
                    next() % 2 ? "granted" : "denied");
        }
        if (next() % 80 == 0) {
            int y, m, d, y2, m2, d2;
            poa_day_to_ymd(day + 10, &y, &m, &d);
            poa_day_to_ymd(day + 10 + (int)(next() % 4), &y2, &m2, &d2);
            fprintf(rt, "%s,2026-01-01,%04d-%02d-%02d,Approved,SKU-1,%04d-%02d-%02d,,\n",
                    id, y, m, d, y2, m2, d2);
        }
    }
    *norders = order;
    fclose(o);
    fclose(fb);
    fclose(cl);
    fclose(rt);
    return written;
}

/* Run `poagen analyze DIR` with stdout to /dev/null: wall seconds and the
 * child's peak RSS in MB, or -1 when it could not run or failed. */
static double run_analyze(const char *bin, const char *data, const char *dir,
                          double *peak_mb) {
    fflush(stdout); /* else the child's copy of the buffer is printed again */
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout)) {
            _exit(127);
        }
        /* A name without a slash is looked up in PATH. */
        execlp(bin, bin, "analyze", "--data", data, "--marketplace", "Amazon.co.uk", dir,
               (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        return -1;
    }
    *peak_mb = (double)ru.ru_maxrss / 1024.0;
    return now() - t0;
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 5000000;
    char dir[4000];
    if (argc > 2) {
        snprintf(dir, sizeof dir, "%s", argv[2]);
        mkdir(dir, 0755);
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/poagen-bench-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
    }
    long norders = 0;
    double t0 = now();
    if (write_case(dir, rows, &norders) < 0) {
        perror("write");
        return 1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/orders.txt", dir);
    struct stat sb;
    stat(path, &sb);
    double mb = (double)sb.st_size / 1e6;
    printf("generated %ld rows, %ld orders, %.0f MB in %.1f s (%s)\n", rows, norders, mb,
           now() - t0, dir);

    char cmd[4400];
    snprintf(cmd, sizeof cmd, "wc -l '%s' >/dev/null", path);
    if (system(cmd) != 0) { /* warm the page cache */
        return 1;
    }

    poa_data *d;
    poa_error e;
    const char *data_dir = getenv("POAGEN_DATA") ? getenv("POAGEN_DATA") : "templates";
    if (poa_data_load(&d, data_dir, NULL, &e) != POA_OK) {
        fprintf(stderr, "%s: %s\n", e.file, e.message);
        return 1;
    }
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0);
    t0 = now();
    poa_case *c;
    poa_ingest_options io = {"Amazon.co.uk", NULL, 0, NULL};
    if (poa_case_load(&c, dir, d, &io, &e) != POA_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", e.file, e.line, e.column, e.message);
        return 1;
    }
    double t_load = now() - t0;
    poa_metrics *m;
    poa_metrics_options mo = {.as_of = POA_NO_DAY};
    if (poa_metrics_compute(&m, c, d, &mo, &e) != POA_OK) {
        return 1;
    }
    double t_all = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double peak_mb = (double)ru.ru_maxrss / 1024.0;
    double budget = 64.0 + 16.0 * (double)c->norders / 1048576.0;
    printf(
        "orders: %zu distinct, %zu extra SKUs, %zu feedback, %zu claims, %zu returns\n",
        c->norders, c->norder_skus, c->nfeedback, c->nclaims, c->nreturns);
    printf("in this process, one run:\n");
    printf("ingest:           %.2f s  %.0f MB/s\n", t_load, mb / t_load);
    printf("ingest + metrics: %.2f s  %.0f MB/s\n", t_all, mb / t_all);
    printf("peak RSS: %.0f MB (budget 64 MB + 16 B x %zu orders = %.0f MB); "
           "sizeof(poa_order) "
           "= %zu\n",
           peak_mb, c->norders, budget, sizeof(poa_order));
    size_t distinct = c->norders;
    poa_metrics_free(m);
    poa_case_free(c);
    poa_data_free(d);

    char bin[4200];
    const char *env_bin = getenv("POAGEN_BIN");
    if (env_bin && *env_bin) {
        snprintf(bin, sizeof bin, "%s", env_bin);
    } else {
        const char *slash = strrchr(argv[0], '/');
        if (slash) {
            snprintf(bin, sizeof bin, "%.*s/../poagen", (int)(slash - argv[0]), argv[0]);
        } else {
            snprintf(bin, sizeof bin, "poagen");
        }
    }
    /* wc -l and poagen analyze take turns, best of ROUNDS each: this
     * machine's speed can change from one minute to the next, and a
     * ratio of two runs far apart would measure that change too. */
    enum { ROUNDS = 5 };
    double best = -1, t_wc = -1, analyze_peak = 0;
    for (int run = 0; run < ROUNDS; run++) {
        t0 = now();
        if (system(cmd) != 0) {
            return 1;
        }
        double w = now() - t0;
        t_wc = t_wc < 0 || w < t_wc ? w : t_wc;
        double peak = 0, t = run_analyze(bin, data_dir, dir, &peak);
        if (t < 0) {
            fprintf(stderr, "%s analyze %s: did not run or failed\n", bin, dir);
            break;
        }
        best = best < 0 || t < best ? t : best;
        analyze_peak = peak > analyze_peak ? peak : analyze_peak;
    }
    printf("wc -l:            %.2f s  %.0f MB/s, best of %d\n", t_wc, mb / t_wc, ROUNDS);
    if (best > 0) {
        printf("poagen analyze:   %.2f s  %.0f MB/s  (%.2f of wc -l), best of %d, "
               "taking turns with wc -l\n",
               best, mb / best, t_wc / best, ROUNDS);
        printf("poagen analyze peak RSS: %.0f MB (budget %.0f MB)\n", analyze_peak,
               64.0 + 16.0 * (double)distinct / 1048576.0);
    }
    if (argc <= 2) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) {
            return 1;
        }
    }
    return 0;
}
