#include "poagen/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int grow(poa_buf *b, size_t extra) {
    if (b->failed) {
        return -1;
    }
    if (b->len + extra + 1 <= b->cap) {
        return 0;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void poa_buf_append(poa_buf *b, const char *s, size_t n) {
    if (grow(b, n) != 0) {
        return;
    }
    if (n) {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void poa_buf_puts(poa_buf *b, const char *s) {
    poa_buf_append(b, s, strlen(s));
}

void poa_buf_putc(poa_buf *b, char c) {
    poa_buf_append(b, &c, 1);
}

void poa_buf_printf(poa_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n) != 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void poa_buf_put_html(poa_buf *b, const char *s) {
    size_t run = 0;
    for (size_t i = 0; s && s[i]; i++) {
        const char *ent = s[i] == '&'    ? "&amp;"
                          : s[i] == '<'  ? "&lt;"
                          : s[i] == '>'  ? "&gt;"
                          : s[i] == '"'  ? "&quot;"
                          : s[i] == '\'' ? "&#39;"
                                         : NULL;
        if (ent) {
            poa_buf_append(b, s + run, i - run);
            poa_buf_puts(b, ent);
            run = i + 1;
        }
    }
    if (s) {
        poa_buf_puts(b, s + run);
    }
}

const char *poa_buf_cstr(const poa_buf *b) {
    return b->data ? b->data : "";
}

void poa_buf_reset(poa_buf *b) {
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

void poa_buf_free(poa_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

poa_status poa_buf_read_file(poa_buf *out, const char *path, size_t max_bytes,
                             poa_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot open: %s",
                             strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return poa_error_set(err, POA_ERR_IO, path, 0, 0, "is a folder, expected a file");
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            close(fd);
            return poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot read: %s",
                                 strerror(e));
        }
        if (n == 0) {
            break;
        }
        if (out->len + (size_t)n > max_bytes) {
            close(fd);
            return poa_error_set(
                err, POA_ERR_PARSE, path, 0, 0,
                "file is larger than %zu bytes — is this the right file?", max_bytes);
        }
        poa_buf_append(out, chunk, (size_t)n);
    }
    close(fd);
    if (out->failed) {
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (!out->data) {
        poa_buf_append(out, "", 0);
    }
    return POA_OK;
}

poa_status poa_write_file_atomic(const char *path, const void *data, size_t n,
                                 poa_error *err) {
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        return poa_error_set(err, POA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot write: %s",
                             strerror(e));
    }
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot write: %s",
                                 strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return poa_error_set(err, POA_ERR_IO, path, 0, 0, "cannot write: %s",
                             strerror(e));
    }
    free(tmp);
    return POA_OK;
}
