/* Many case folders, one command: each case in a worker process of its
 * own, so a crash or a leak stays with its case. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch/batch_private.h"

enum { MAX_JOBS = 256 };

#define HASH_FILE ".poagen-hash"
#define HASH_MAGIC "poagen-hash 1 "

/* What a run writes into each case folder: removed when a case fails, so
 * a folder never holds a POA that no longer matches its inputs. */
static const char *const case_outputs[] = {"poa.md",        "poa.html", "poa.pdf",
                                           "checklist.md",  "lint.txt", "report.html",
                                           "analysis.json", HASH_FILE};

/* Names written into out_dir itself: a case cannot take them. */
static const char *const reserved_names[] = {"summary.csv", "index.html"};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) {
    stop_signal = sig;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A case name becomes a folder name under OUT_DIR and a cell of the
 * summary: plain printable names only. */
static const char *unsafe_name(const char *s) {
    if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
        return "the name is empty or a dot";
    }
    for (size_t i = 0; i < sizeof reserved_names / sizeof *reserved_names; i++) {
        if (strcmp(s, reserved_names[i]) == 0) {
            return "the name is one the summary takes in the output folder";
        }
    }
    if (strlen(s) > 200) {
        return "the name is longer than 200 bytes";
    }
    for (; *s; s++) {
        if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f) {
            return "the name holds a slash or a control character";
        }
    }
    return NULL;
}

/* a/b into dst; 0 when it does not fit. */
static int join(char *dst, size_t cap, const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la + 1 + lb + 1 > cap) {
        return 0;
    }
    memcpy(dst, a, la);
    dst[la] = '/';
    memcpy(dst + la + 1, b, lb + 1);
    return 1;
}

/* "name.tmp.<digits>" is what poa_write_file_atomic leaves behind when a
 * process dies between writing and renaming. */
static int is_temp_name(const char *name) {
    const char *t = strstr(name, ".tmp.");
    while (t) {
        const char *d = t + 5;
        if (*d) {
            while (*d >= '0' && *d <= '9') {
                d++;
            }
            if (!*d) {
                return 1;
            }
        }
        t = strstr(t + 1, ".tmp.");
    }
    return 0;
}

static void remove_temp_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (is_temp_name(e->d_name)) {
            unlinkat(dirfd(d), e->d_name, 0);
        }
    }
    closedir(d);
}

static void remove_outputs(const char *dir) {
    char path[4096];
    for (size_t i = 0; i < sizeof case_outputs / sizeof *case_outputs; i++) {
        if (join(path, sizeof path, dir, case_outputs[i])) {
            unlink(path);
        }
    }
    remove_temp_files(dir);
}

/* ---- the stored hash and results of a finished case ---- */

static void copy_field(char *dst, size_t cap, const char *src, size_t n) {
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* 1 when out/.poagen-hash holds hex; then the stored results fill s. */
static int stored_matches(const char *out, const char *hex, case_slot *s) {
    char path[4096];
    if (!join(path, sizeof path, out, HASH_FILE)) {
        return 0;
    }
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    if (poa_buf_read_file(&b, path, 8192, &e) != POA_OK) {
        poa_buf_free(&b);
        return 0;
    }
    const char *p = poa_buf_cstr(&b);
    size_t ml = strlen(HASH_MAGIC);
    int ok = strncmp(p, HASH_MAGIC, ml) == 0 && strncmp(p + ml, hex, 16) == 0 &&
             p[ml + 16] == '\n';
    for (p = ok ? strchr(p, '\n') + 1 : ""; ok && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *sp = memchr(p, ' ', len);
        if (sp) {
            size_t kl = (size_t)(sp - p), vl = len - kl - 1;
            char v[512];
            copy_field(v, sizeof v, sp + 1, vl);
            if (kl == 5 && strncmp(p, "pages", kl) == 0) {
                s->pages = (unsigned)strtoul(v, NULL, 10);
            } else if (kl == 11 && strncmp(p, "lint_errors", kl) == 0) {
                s->lint_errors = (unsigned)strtoul(v, NULL, 10);
            } else if (kl == 13 && strncmp(p, "lint_warnings", kl) == 0) {
                s->lint_warnings = (unsigned)strtoul(v, NULL, 10);
            } else if (kl == 6 && strncmp(p, "failed", kl) == 0) {
                copy_field(s->failed, sizeof s->failed, v, vl);
            } else if (kl == 6 && strncmp(p, "causes", kl) == 0) {
                copy_field(s->causes, sizeof s->causes, v, vl);
            }
        }
        p += len + (nl ? 1 : 0);
    }
    poa_buf_free(&b);
    return ok;
}

static poa_status write_lint(const char *out, const poa_lint_result *lint,
                             poa_error *err) {
    poa_buf b = POA_BUF_INIT;
    for (size_t i = 0; i < lint->count; i++) {
        const poa_lint_issue *is = &lint->items[i];
        poa_buf_printf(&b, "poa.md:%u:%u: %s: %s [%s]\n", is->line, is->column,
                       is->severity == POA_LINT_ERROR ? "error" : "warning", is->message,
                       is->check);
    }
    char path[4096];
    join(path, sizeof path, out, "lint.txt");
    poa_status st = b.failed
                        ? poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory")
                        : poa_write_file_atomic(path, poa_buf_cstr(&b), b.len, err);
    poa_buf_free(&b);
    return st;
}

static poa_status write_hash(const char *out, const char *hex, const case_slot *s,
                             poa_error *err) {
    poa_buf b = POA_BUF_INIT;
    poa_buf_printf(&b, HASH_MAGIC "%s\npages %u\nlint_errors %u\nlint_warnings %u\n", hex,
                   s->pages, s->lint_errors, s->lint_warnings);
    poa_buf_printf(&b, "failed %s\ncauses %s\n", s->failed, s->causes);
    char path[4096];
    join(path, sizeof path, out, HASH_FILE);
    poa_status st = b.failed
                        ? poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory")
                        : poa_write_file_atomic(path, b.data, b.len, err);
    poa_buf_free(&b);
    return st;
}

/* ---- one case, in its worker ---- */

typedef struct {
    batch_run run;
    const poa_run_shared *shared;
    const poa_run_options *opt;
    poa_batch_options bopt;
    uint64_t data_hash;
} batch_ctx;

/* Marks the case failed; the error itself is set by the poa_error_set
 * call that is the argument, so every message keeps its printf checks. */
static void fail_case(case_slot *s, poa_status st) {
    (void)st;
    s->state = CASE_FAILED;
}

static void run_case(const batch_ctx *x, size_t i) {
    case_slot *s = &x->run.slots[i];
    const char *name = x->run.names[i];
    char in[4096], out[4096];
    if (!join(in, sizeof in, x->run.cases_dir, name) ||
        !join(out, sizeof out, x->run.out_dir, name)) {
        fail_case(s, poa_error_set(&s->err, POA_ERR_ARG, name, 0, 0,
                                   "refused: the path is too long"));
        return;
    }
    if (x->bopt.worker_hook) {
        x->bopt.worker_hook(name);
    }
    struct stat sb;
    if (lstat(out, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        fail_case(s,
                  poa_error_set(
                      &s->err, POA_ERR_ARG, out, 0, 0,
                      "refused: the output folder is %s — remove it so the case can be "
                      "written inside the output folder",
                      S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a folder"));
        return;
    }
    uint64_t h = batch_fnv_str(x->data_hash, "case");
    if (batch_hash_tree(&h, in, 0, 1) != 0) {
        fail_case(s, poa_error_set(&s->err, POA_ERR_IO, in, 0, 0,
                                   "cannot read the case folder: %s", strerror(errno)));
        return;
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, h);
    if (!x->bopt.force && stored_matches(out, hex, s)) {
        s->state = CASE_SKIPPED;
        return;
    }
    memset(s, 0, sizeof *s);
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fail_case(s, poa_error_set(&s->err, POA_ERR_IO, out, 0, 0,
                                   "cannot create folder: %s", strerror(errno)));
        return;
    }
    /* The old hash goes first: a run stopped half-way through this case
     * must not leave a folder that looks finished. */
    char path[4096];
    join(path, sizeof path, out, HASH_FILE);
    unlink(path);
    remove_temp_files(out);
    poa_generate_result res;
    poa_status st = poa_generate_case(in, out, x->shared, x->opt, &res, &s->err);
    if (st == POA_OK) {
        s->pages = res.pages;
        s->lint_errors = (unsigned)res.lint_errors;
        s->lint_warnings = (unsigned)res.lint_warnings;
        snprintf(s->failed, sizeof s->failed, "%s", res.failed);
        snprintf(s->causes, sizeof s->causes, "%s", res.causes);
        st = write_lint(out, &res.lint, &s->err);
        poa_lint_result_free(&res.lint);
    }
    if (st == POA_OK) {
        st = write_hash(out, hex, s, &s->err);
    }
    if (st != POA_OK) {
        remove_outputs(out);
    }
    s->state = st == POA_OK ? CASE_GENERATED : CASE_FAILED;
}

/* ---- the case list ---- */

static poa_status list_cases(batch_ctx *x, poa_error *err) {
    DIR *dir = opendir(x->run.cases_dir);
    if (!dir) {
        return poa_error_set(err, POA_ERR_ARG, x->run.cases_dir, 0, 0,
                             "cannot open the cases folder: %s", strerror(errno));
    }
    struct stat osb;
    int have_out = stat(x->run.out_dir, &osb) == 0;
    size_t cap = 0;
    struct dirent *e;
    poa_status st = POA_OK;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        struct stat sb;
        if (!join(path, sizeof path, x->run.cases_dir, e->d_name) ||
            lstat(path, &sb) != 0) {
            continue;
        }
        /* Stray files beside the case folders are not cases; links are
         * listed so that they can be refused out loud. */
        if (!S_ISDIR(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
            continue;
        }
        /* OUT_DIR inside CASES_DIR is not a case. */
        if (have_out && S_ISDIR(sb.st_mode) && sb.st_dev == osb.st_dev &&
            sb.st_ino == osb.st_ino) {
            continue;
        }
        if (x->run.n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(x->run.names, cap * sizeof *nn);
            if (!nn) {
                st = poa_error_set(err, POA_ERR_NOMEM, x->run.cases_dir, 0, 0,
                                   "out of memory");
                break;
            }
            x->run.names = nn;
        }
        if (!(x->run.names[x->run.n] = strdup(e->d_name))) {
            st = poa_error_set(err, POA_ERR_NOMEM, x->run.cases_dir, 0, 0,
                               "out of memory");
            break;
        }
        x->run.n++;
    }
    closedir(dir);
    if (x->run.n) {
        qsort(x->run.names, x->run.n, sizeof *x->run.names, cmp_str);
    }
    return st;
}

/* Refusals decided before any worker starts. */
static int refuse_case(const batch_ctx *x, size_t i) {
    case_slot *s = &x->run.slots[i];
    const char *name = x->run.names[i];
    char in[4096];
    const char *why = unsafe_name(name);
    if (why) {
        fail_case(s, poa_error_set(&s->err, POA_ERR_ARG, name, 0, 0,
                                   "refused: %s — rename the case folder", why));
        return 1;
    }
    struct stat sb;
    if (!join(in, sizeof in, x->run.cases_dir, name) || lstat(in, &sb) != 0) {
        fail_case(s, poa_error_set(&s->err, POA_ERR_ARG, name, 0, 0,
                                   "refused: the path is too long"));
        return 1;
    }
    if (S_ISLNK(sb.st_mode)) {
        fail_case(
            s, poa_error_set(
                   &s->err, POA_ERR_ARG, in, 0, 0,
                   "refused: the case folder is a symbolic link — copy the folder into "
                   "the cases folder instead"));
        return 1;
    }
    return 0;
}

/* The data files, options and program version every case depends on. */
static poa_status hash_common(batch_ctx *x, poa_error *err) {
    const poa_run_options *o = x->opt;
    uint64_t h = batch_fnv_str(BATCH_FNV_SEED, "poagen " POAGEN_VERSION);
    const char *fail = NULL;
    if (batch_hash_tree(&h, x->shared->data->dir, 1, 0) != 0) {
        fail = x->shared->data->dir;
    }
    if (!fail && x->shared->data->rules_path &&
        batch_hash_file(&h, x->shared->data->rules_path) != 0) {
        fail = x->shared->data->rules_path;
    }
    if (!fail && o->template_path && batch_hash_file(&h, o->template_path) != 0) {
        fail = o->template_path;
    }
    if (!fail && x->bopt.font_dir && batch_hash_tree(&h, x->bopt.font_dir, 1, 0) != 0) {
        fail = x->bopt.font_dir;
    }
    if (fail) {
        return poa_error_set(err, POA_ERR_IO, fail, 0, 0, "cannot read: %s",
                             strerror(errno));
    }
    const char *strs[] = {o->lang, o->template_path, o->marketplace, o->encoding};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        h = batch_fnv_str(h, strs[i] ? strs[i] : "(none)");
    }
    long long nums[] = {o->quoting,          o->as_of,
                        (long long)o->paper, (long long)o->formats,
                        o->creation_epoch,   x->shared->pdf != NULL};
    x->data_hash = batch_fnv(h, nums, sizeof nums);
    return POA_OK;
}

/* ---- the parent: hand out cases, collect results ---- */

/* A worker process lives for many cases: forking one per case would cost
 * more in page faults than the case itself. It reads case numbers from
 * cmd and answers each with the same number on res once done. */
typedef struct {
    pid_t pid; /* 0: not running */
    int cmd, res;
    size_t idx; /* the case it works on */
    int busy;
} worker;

static void report(const batch_ctx *x, poa_batch_progress *p, size_t i,
                   poa_batch_progress_fn progress, void *payload) {
    const case_slot *s = &x->run.slots[i];
    p->done++;
    p->failed += s->state == CASE_FAILED;
    p->skipped += s->state == CASE_SKIPPED;
    p->current = x->run.names[i];
    p->current_failed = s->state == CASE_FAILED;
    p->current_skipped = s->state == CASE_SKIPPED;
    p->error = s->state == CASE_FAILED ? &s->err : NULL;
    if (progress) {
        progress(p, payload);
    }
}

static int read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n) {
    size_t put = 0;
    while (put < n) {
        ssize_t w = write(fd, (const char *)buf + put, n - put);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        put += (size_t)w;
    }
    return 0;
}

static void close_worker_fds(worker *w) {
    close(w->cmd);
    close(w->res);
    w->cmd = w->res = -1;
}

/* A worker died in the middle of a case: say how, and clear what it left. */
static void worker_died(const batch_ctx *x, worker *w) {
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
    }
    close_worker_fds(w);
    w->pid = 0;
    w->busy = 0;
    case_slot *s = &x->run.slots[w->idx];
    char in[4096], out[4096];
    join(in, sizeof in, x->run.cases_dir, x->run.names[w->idx]);
    join(out, sizeof out, x->run.out_dir, x->run.names[w->idx]);
    remove_outputs(out);
    memset(s, 0, sizeof *s);
    s->state = CASE_FAILED;
    if (WIFSIGNALED(status)) {
        poa_error_set(
            &s->err, POA_ERR_IO, in, 0, 0,
            "the worker for this case was stopped by signal %d (%s) — nothing "
            "was written for it; run it alone with 'poagen generate' to see why",
            WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
        poa_error_set(&s->err, POA_ERR_IO, in, 0, 0,
                      "the worker for this case exited with status %d — nothing was "
                      "written for it; run it alone with 'poagen generate' to see why",
                      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

static int start_worker(const batch_ctx *x, worker *ws, unsigned nw, worker *w,
                        const sigset_t *child_mask) {
    int cmd[2], res[2];
    if (pipe2(cmd, O_CLOEXEC) != 0) {
        return -1;
    }
    if (pipe2(res, O_CLOEXEC) != 0) {
        close(cmd[0]);
        close(cmd[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(cmd[1]);
        close(res[0]);
        /* Another worker's pipes held open here would keep it from ever
         * seeing the end of its work. */
        for (unsigned k = 0; k < nw; k++) {
            if (ws[k].pid > 0) {
                close(ws[k].cmd);
                close(ws[k].res);
            }
        }
        /* The parent alone decides when to stop: a Ctrl-C sent to the
         * whole process group must not kill a worker half-way through a
         * write the parent does not know about. */
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigaction(SIGINT, &ign, NULL);
        sigaction(SIGTERM, &ign, NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        sigprocmask(SIG_SETMASK, child_mask, NULL);
        if (getppid() != parent) {
            _exit(3);
        }
        size_t idx;
        while (read_full(cmd[0], &idx, sizeof idx) == 0 && idx < x->run.n) {
            run_case(x, idx);
            if (write_full(res[1], &idx, sizeof idx) != 0) {
                break;
            }
        }
        /* _exit: the parent's stdio buffers and atexit handlers are not
         * this process's to flush. */
        _exit(0);
    }
    close(cmd[0]);
    close(res[1]);
    if (pid < 0) {
        close(cmd[1]);
        close(res[0]);
        return -1;
    }
    w->pid = pid;
    w->cmd = cmd[1];
    w->res = res[0];
    w->busy = 0;
    return 0;
}

static unsigned default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static void run_workers(batch_ctx *x, poa_batch_progress *p,
                        poa_batch_progress_fn progress, void *payload,
                        const sigset_t *wait_mask, const sigset_t *child_mask) {
    unsigned jobs = x->bopt.jobs ? x->bopt.jobs : default_jobs();
    if (jobs > MAX_JOBS) {
        jobs = MAX_JOBS;
    }
    if (jobs > x->run.n) {
        jobs = x->run.n ? (unsigned)x->run.n : 1;
    }
    worker w[MAX_JOBS];
    memset(w, 0, sizeof w);
    struct pollfd pfd[MAX_JOBS];
    unsigned who[MAX_JOBS];
    size_t next = 0;
    for (;;) {
        for (unsigned k = 0; k < jobs && !stop_signal; k++) {
            while (!w[k].busy && next < x->run.n) {
                size_t i = next++;
                if (x->run.slots[i].state != CASE_NOT_RUN) {
                    report(x, p, i, progress, payload); /* refused up front */
                    continue;
                }
                if (!w[k].pid && start_worker(x, w, jobs, &w[k], child_mask) != 0) {
                    char in[4096];
                    join(in, sizeof in, x->run.cases_dir, x->run.names[i]);
                    fail_case(&x->run.slots[i],
                              poa_error_set(&x->run.slots[i].err, POA_ERR_IO, in, 0, 0,
                                            "cannot start a worker process: %s",
                                            strerror(errno)));
                    report(x, p, i, progress, payload);
                    continue;
                }
                w[k].idx = i;
                w[k].busy = 1;
                if (write_full(w[k].cmd, &i, sizeof i) != 0) {
                    kill(w[k].pid, SIGKILL);
                    worker_died(x, &w[k]);
                    report(x, p, i, progress, payload);
                }
            }
        }
        unsigned nbusy = 0;
        for (unsigned k = 0; k < jobs; k++) {
            if (w[k].busy) {
                pfd[nbusy] = (struct pollfd){w[k].res, POLLIN, 0};
                who[nbusy++] = k;
            }
        }
        if (nbusy == 0 || stop_signal) {
            break;
        }
        /* ppoll with the stop signals unblocked only while waiting: a
         * signal arriving anywhere else waits for this call, never lost. */
        if (ppoll(pfd, nbusy, NULL, wait_mask) < 0) {
            continue;
        }
        for (unsigned j = 0; j < nbusy; j++) {
            if (!pfd[j].revents) {
                continue;
            }
            worker *wk = &w[who[j]];
            size_t idx;
            if (read_full(wk->res, &idx, sizeof idx) == 0 && idx == wk->idx) {
                wk->busy = 0;
            } else {
                idx = wk->idx;
                worker_died(x, wk);
            }
            report(x, p, idx, progress, payload);
        }
    }
    if (stop_signal) {
        /* Stopped: the workers go at once, and so does anything
         * half-written. */
        for (unsigned k = 0; k < jobs; k++) {
            if (w[k].pid > 0) {
                kill(w[k].pid, SIGKILL);
            }
        }
    }
    for (unsigned k = 0; k < jobs; k++) {
        if (w[k].pid <= 0) {
            continue;
        }
        close(w[k].cmd); /* end of work: the worker exits */
        while (waitpid(w[k].pid, NULL, 0) < 0 && errno == EINTR) {
        }
        close(w[k].res);
        case_slot *s = &x->run.slots[w[k].idx];
        if (w[k].busy && s->state != CASE_GENERATED && s->state != CASE_SKIPPED) {
            char out[4096], path[4096];
            join(out, sizeof out, x->run.out_dir, x->run.names[w[k].idx]);
            remove_temp_files(out);
            join(path, sizeof path, out, HASH_FILE);
            unlink(path);
            memset(s, 0, sizeof *s);
        }
    }
}

poa_status poa_batch_run_ex(const char *cases_dir, const char *out_dir,
                            const poa_run_shared *shared, const poa_run_options *opt,
                            const poa_batch_options *bopt, poa_batch_progress_fn progress,
                            void *payload, poa_batch_totals *totals, poa_error *err) {
    memset(totals, 0, sizeof *totals);
    batch_ctx x;
    memset(&x, 0, sizeof x);
    x.run.cases_dir = cases_dir;
    x.run.out_dir = out_dir;
    x.run.data = shared->data;
    x.shared = shared;
    x.opt = opt;
    if (bopt) {
        x.bopt = *bopt;
    }
    struct stat sb;
    if (stat(cases_dir, &sb) != 0) {
        return poa_error_set(err, POA_ERR_ARG, cases_dir, 0, 0,
                             "cannot open the cases folder: %s", strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode)) {
        return poa_error_set(
            err, POA_ERR_ARG, cases_dir, 0, 0,
            "not a folder — give the folder that holds the case folders");
    }
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        return poa_error_set(err, POA_ERR_IO, out_dir, 0, 0, "cannot create folder: %s",
                             strerror(errno));
    }
    poa_status st = list_cases(&x, err);
    if (st == POA_OK) {
        st = hash_common(&x, err);
    }
    size_t map_len = (x.run.n ? x.run.n : 1) * sizeof(case_slot);
    if (st == POA_OK) {
        /* Shared with the workers: each fills its own case's slot. */
        x.run.slots = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (x.run.slots == MAP_FAILED) {
            x.run.slots = NULL;
            st = poa_error_set(err, POA_ERR_NOMEM, out_dir, 0, 0,
                               "cannot map memory for the results: %s", strerror(errno));
        }
    }
    if (st == POA_OK) {
        for (size_t i = 0; i < x.run.n; i++) {
            refuse_case(&x, i);
        }
        /* The stop signals are blocked except inside ppoll, and restored
         * once the summary is written. */
        sigset_t block, old_mask;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        sigprocmask(SIG_BLOCK, &block, &old_mask);
        sigset_t wait_mask = old_mask;
        sigdelset(&wait_mask, SIGINT);
        sigdelset(&wait_mask, SIGTERM);
        struct sigaction sa, old_int, old_term;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop;
        sigemptyset(&sa.sa_mask);
        stop_signal = 0;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);

        poa_batch_progress p;
        memset(&p, 0, sizeof p);
        p.total = x.run.n;
        run_workers(&x, &p, progress, payload, &wait_mask, &old_mask);
        totals->interrupted = stop_signal;

        st = batch_write_summary(&x.run, err);
        if (st == POA_OK) {
            st = batch_write_dashboard(&x.run, err);
        }
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        totals->total = x.run.n;
        for (size_t i = 0; i < x.run.n; i++) {
            case_state cs = x.run.slots[i].state;
            totals->done += cs != CASE_NOT_RUN;
            totals->generated += cs == CASE_GENERATED;
            totals->skipped += cs == CASE_SKIPPED;
            totals->failed += cs == CASE_FAILED;
        }
    }
    if (x.run.slots) {
        munmap(x.run.slots, map_len);
    }
    for (size_t i = 0; i < x.run.n; i++) {
        free(x.run.names[i]);
    }
    free(x.run.names);
    return st;
}

poa_status poa_batch_run(const char *cases_dir, const char *out_dir,
                         const poa_run_shared *shared, const poa_run_options *opt,
                         poa_batch_progress_fn progress, void *payload,
                         size_t *failed_out, poa_error *err) {
    poa_batch_totals t;
    poa_status st = poa_batch_run_ex(cases_dir, out_dir, shared, opt, NULL, progress,
                                     payload, &t, err);
    *failed_out = t.failed;
    return st;
}
