/* Content hashes that decide whether a case must be redone. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/batch_private.h"

uint64_t batch_fnv(uint64_t h, const void *data, size_t n) {
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t batch_fnv_str(uint64_t h, const char *s) {
    return batch_fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

int batch_hash_file(uint64_t *h, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    unsigned char buf[65536];
    uint64_t size = 0;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (got == 0) {
            break;
        }
        *h = batch_fnv(*h, buf, (size_t)got);
        size += (uint64_t)got;
    }
    close(fd);
    /* The length ends the file's part, so bytes cannot slide from one
     * file into the next and hash the same. */
    *h = batch_fnv(*h, &size, sizeof size);
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int batch_hash_tree(uint64_t *h, const char *dir, int deep, int skip_hidden) {
    DIR *d = opendir(dir);
    if (!d) {
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (skip_hidden && e->d_name[0] == '.')) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, cmp_str);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
            errno = ENAMETOOLONG;
            rc = -1;
            break;
        }
        struct stat sb;
        /* stat, not lstat: the ingest stage follows links to files too. */
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (S_ISREG(sb.st_mode)) {
            *h = batch_fnv_str(*h, names[i]);
            rc = batch_hash_file(h, path);
        } else if (deep && S_ISDIR(sb.st_mode) && lstat(path, &sb) == 0 &&
                   S_ISDIR(sb.st_mode)) {
            /* Linked folders are not followed: a link loop would never end. */
            *h = batch_fnv_str(*h, names[i]);
            *h = batch_fnv_str(*h, "/");
            rc = batch_hash_tree(h, path, deep, skip_hidden);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}
