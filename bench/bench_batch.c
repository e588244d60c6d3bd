/* bench_batch: build N synthetic case folders from the late-shipment
 * sample (orders cut to different lengths, so the figures differ) and time
 * `poagen batch` on them: a first run that generates every case, then a
 * second that finds them all unchanged. Prints cases per second and the
 * peak resident memory of the largest process (parent or worker).
 *
 * usage: bench_batch [N [JOBS [POAGEN]]]
 *   N defaults to 2000, JOBS to the number of online cores, POAGEN to the
 *   poagen next to this program's folder. The sample is looked for in
 *   $POAGEN_SOURCE_DIR/samples/late-shipment (default: the current
 *   folder's samples/). */
#include <errno.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "poagen/buf.h"

extern char **environ;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Run poagen batch; wall seconds, and the rusage of it and its workers. */
static int run_batch(const char *poagen, const char *cases, const char *out,
                     const char *jobs, double *secs, struct rusage *ru) {
    char *argv[] = {(char *)poagen, "batch",      (char *)cases, "-o", (char *)out,
                    "-j",           (char *)jobs, "--quiet",     NULL};
    pid_t pid;
    double t0 = now();
    if (posix_spawn(&pid, poagen, NULL, NULL, argv, environ) != 0) {
        fprintf(stderr, "bench_batch: cannot run %s\n", poagen);
        return -1;
    }
    int status;
    if (wait4(pid, &status, 0, ru) < 0) {
        return -1;
    }
    *secs = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_batch: poagen batch exited with %d\n",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    char jobs[32];
    snprintf(jobs, sizeof jobs, "%ld",
             argc > 2 ? strtol(argv[2], NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN));
    char poagen[4096];
    if (argc > 3) {
        snprintf(poagen, sizeof poagen, "%s", argv[3]);
    } else {
        char self[4096];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        self[len > 0 ? len : 0] = '\0';
        snprintf(poagen, sizeof poagen, "%s/../poagen", dirname(self));
    }
    const char *srcdir = getenv("POAGEN_SOURCE_DIR");
    char sample[4096];
    snprintf(sample, sizeof sample, "%s/samples/late-shipment", srcdir ? srcdir : ".");

    poa_buf casexml = POA_BUF_INIT, feedback = POA_BUF_INIT, orders = POA_BUF_INIT;
    poa_error e;
    char path[4200];
    const char *names[] = {"case.xml", "feedback.txt", "orders.txt"};
    poa_buf *bufs[] = {&casexml, &feedback, &orders};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", sample, names[i]);
        if (poa_buf_read_file(bufs[i], path, 64 << 20, &e) != POA_OK) {
            fprintf(stderr, "bench_batch: %s: %s\n", e.file, e.message);
            return 2;
        }
    }
    /* Line starts of the orders file, to cut it at any row. */
    size_t nlines = 0, *starts = malloc((orders.len + 1) * sizeof *starts);
    for (size_t i = 0; i < orders.len; i++) {
        if (i == 0 || orders.data[i - 1] == '\n') {
            starts[nlines++] = i;
        }
    }
    starts[nlines] = orders.len;

    char root[] = "/tmp/poagen-bench-batch-XXXXXX";
    if (!mkdtemp(root)) {
        perror("bench_batch: mkdtemp");
        return 2;
    }
    char cases[64], out[64];
    snprintf(cases, sizeof cases, "%s/cases", root);
    snprintf(out, sizeof out, "%s/out", root);
    mkdir(cases, 0755);
    double t0 = now();
    size_t bytes = 0;
    for (long c = 0; c < n; c++) {
        snprintf(path, sizeof path, "%s/case-%05ld", cases, c);
        mkdir(path, 0755);
        /* 300 to the whole sample's rows, spread over the cases. */
        size_t rows = 300 + (size_t)(c * 37) % (nlines > 300 ? nlines - 300 : 1);
        if (rows > nlines) {
            rows = nlines;
        }
        char file[4300];
        snprintf(file, sizeof file, "%s/orders.txt", path);
        int bad = write_file(file, orders.data, starts[rows]) != 0;
        bytes += starts[rows];
        snprintf(file, sizeof file, "%s/case.xml", path);
        bad |= write_file(file, casexml.data, casexml.len) != 0;
        snprintf(file, sizeof file, "%s/feedback.txt", path);
        bad |= write_file(file, feedback.data, feedback.len) != 0;
        if (bad) {
            fprintf(stderr, "bench_batch: cannot write %s: %s\n", path, strerror(errno));
            return 2;
        }
    }
    printf("built %ld cases (%.1f MB of orders) in %.2f s\n", n, (double)bytes / 1e6,
           now() - t0);

    double secs;
    struct rusage ru;
    if (run_batch(poagen, cases, out, jobs, &secs, &ru) != 0) {
        return 1;
    }
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    /* Wall time depends on what else the machine runs; CPU time does not,
     * so both are shown, with what the CPU time means on idle cores. */
    printf("first run:  %ld cases with %s workers in %.2f s = %.0f cases/s; "
           "CPU %.2f s (%.1f ms a case; %.1f s on %s idle cores); peak RSS %.1f MB\n",
           n, jobs, secs, (double)n / secs, cpu, cpu * 1000.0 / (double)n,
           cpu / strtod(jobs, NULL), jobs, (double)ru.ru_maxrss / 1024.0);
    if (run_batch(poagen, cases, out, jobs, &secs, &ru) != 0) {
        return 1;
    }
    printf("second run: %ld unchanged cases skipped in %.2f s = %.0f cases/s; "
           "peak RSS %.1f MB\n",
           n, secs, (double)n / secs, (double)ru.ru_maxrss / 1024.0);
    snprintf(path, sizeof path, "%s/index.html", out);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        printf("index.html: %.1f MB\n", (double)sb.st_size / 1e6);
    }
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_batch: could not remove %s\n", root);
    }
    free(starts);
    poa_buf_free(&casexml);
    poa_buf_free(&feedback);
    poa_buf_free(&orders);
    return 0;
}
