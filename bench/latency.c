/* Per-entry read latency through the public reader API (include/smz/reader.h),
 * for bench/run.sh.  bench/latency_zim.cpp does the same through libzim so
 * that the two print comparable figures.
 *
 * cold: for each path, the archive's pages are first dropped from the OS page
 *       cache (posix_fadvise DONTNEED), then open + resolve + read the whole
 *       entry + close is timed: what a fresh process pays on a cold disk.
 * warm: one handle with a 64 MiB cluster cache; every path is read once, then
 *       resolve + read of each is timed on a second pass.
 * Prints "cold_p50_ms X", "cold_p95_ms X", "warm_p50_ms X", "warm_p95_ms X"
 * and "entries N".  Usage: latency ARCHIVE PATHS_FILE (one path a line). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "smz/reader.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    double k = (n - 1) * p / 100.0;
    size_t lo = (size_t)k, hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (k - lo);
}

/* Resolves and reads one entry; returns its size or -1 (with a message). */
static long read_one(smz_reader *r, const char *path)
{
    smz_entry *e = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    smz_err rc = smz_reader_resolve(r, path, &e);
    if (rc == SMZ_OK)
        rc = smz_reader_read(r, e, (size_t)1 << 30, &data, &len);
    if (rc != SMZ_OK)
        fprintf(stderr, "latency: %s: %s (%s)\n", path, smz_strerror(rc), smz_reader_errmsg(r));
    free(data);
    smz_entry_free(e);
    return rc == SMZ_OK ? (long)len : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: latency ARCHIVE PATHS_FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    char **paths = NULL, line[8192];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line)
            continue;
        char **np = realloc(paths, (n + 1) * sizeof *paths);
        if (!np || !(np[n] = strdup(line)))
            return 1;
        paths = np;
        n++;
    }
    fclose(f);
    if (n == 0)
        return 1;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    fsync(fd); /* dirty pages would survive DONTNEED */
    double *cold = calloc(n, sizeof *cold), *warm = calloc(n, sizeof *warm);
    int status = 0;
    for (size_t i = 0; i < n && !status; i++) {
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        double t0 = now_ms();
        smz_reader *r = NULL;
        smz_err rc = smz_reader_open(argv[1], NULL, &r);
        if (rc != SMZ_OK || read_one(r, paths[i]) < 0)
            status = 1;
        smz_reader_close(r);
        cold[i] = now_ms() - t0;
    }
    smz_cache *cache = smz_cache_new(0);
    smz_reader *r = NULL;
    if (!status && smz_reader_open(argv[1], cache, &r) == SMZ_OK) {
        for (size_t i = 0; i < n && !status; i++)
            if (read_one(r, paths[i]) < 0)
                status = 1;
        for (size_t i = 0; i < n && !status; i++) {
            double t0 = now_ms();
            if (read_one(r, paths[i]) < 0)
                status = 1;
            warm[i] = now_ms() - t0;
        }
    } else {
        status = 1;
    }
    smz_reader_close(r);
    smz_cache_free(cache);
    close(fd);
    if (!status)
        printf("cold_p50_ms %.4f\ncold_p95_ms %.4f\nwarm_p50_ms %.4f\nwarm_p95_ms %.4f\nentries %zu\n",
               pct(cold, n, 50), pct(cold, n, 95), pct(warm, n, 50), pct(warm, n, 95), n);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(cold);
    free(warm);
    return status;
}
