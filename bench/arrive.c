/* How much of smz check a transfer hides (docs/CATALOG.md, "Throughput"): a
 * thread writes a copy of ARCHIVE at RATE MB/s (0: as fast as it can)
 * while smz_reader_check reads it through smz_reader_open_arriving, which
 * holds each read back until its bytes are written.  Three orders are
 * timed, RUNS times each, and their medians printed:
 *   after:      the whole file, then the check (smz pull before it read
 *               files as they arrive);
 *   in order:   the check starts as the bytes arrive, first to last;
 *   tail first: the bytes from smz_reader_tail (the entry table) to the end are
 *               known first (smz pull fetches them first, into memory),
 *               the rest is written from the start, then the tail after it.
 * For each: the write's time, and how long the check ran on after the last
 * byte (the figure a faster link cannot hide).  The check must find the
 * copy sound every time.
 * Usage: arrive ARCHIVE RATE_MB_S [RUNS]; writes arrive.part in the current
 * folder.  The archive is read whole into memory first.
 * Built against build/libsmz.a as bench/run.sh builds its tools:
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o arrive bench/arrive.c build/libsmz.a \
 *      $(pkg-config --libs libzstd libarchive sqlite3 libsodium libxml-2.0 libcmark \
 *      libmagic uchardet icu-i18n) -lpthread -lm */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "smz/reader.h"

#define PART "arrive.part"
#define CHUNK (256 << 10)

static uint64_t total, tail_from;

/* ---- the writer ---- */
typedef struct job {
    const unsigned char *data;
    double rate; /* bytes a second, 0: no limit */
    int fd;
    smz_arrival *a; /* NULL: the check waits for the end */
    double t0;      /* when the transfer started (the tail's, when first) */
    uint64_t sent;  /* bytes transferred before the writer started */
    double end;     /* when the last byte was written */
} job;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The bytes from 0 to TAIL_FROM, chunk by chunk at the rate, said written
 * to the arrival; then the tail, which was in memory already. */
static void *writer(void *arg)
{
    job *j = arg;
    for (uint64_t o = 0; o < tail_from;) {
        uint64_t n = tail_from - o < CHUNK ? tail_from - o : CHUNK;
        if (pwrite(j->fd, j->data + o, (size_t)n, (off_t)o) != (ssize_t)n) {
            perror("pwrite");
            exit(2);
        }
        o += n;
        j->sent += n;
        if (j->a)
            smz_arrival_written(j->a, o);
        if (j->rate > 0) {
            double ahead = (double)j->sent / j->rate - (now() - j->t0);
            if (ahead > 0) {
                struct timespec d = {(time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9)};
                nanosleep(&d, NULL);
            }
        }
    }
    if (tail_from < total && pwrite(j->fd, j->data + tail_from, (size_t)(total - tail_from),
                                    (off_t)tail_from) != (ssize_t)(total - tail_from)) {
        perror("pwrite");
        exit(2);
    }
    j->end = now();
    return NULL;
}

/* One run: the time of the write and how long the check ran after it. */
static int run(const unsigned char *data, double rate, int mode, double *write_s, double *after_s)
{
    enum { AFTER, IN_ORDER, TAIL_FIRST };
    unlink(PART);
    int fd = open(PART, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(PART);
        return -1;
    }
    uint64_t t = tail_from;
    if (mode != TAIL_FIRST)
        tail_from = total;
    job j = {data, rate, fd, NULL, now(), 0, 0};
    if (mode == TAIL_FIRST && rate > 0) { /* the tail's transfer, first */
        double d = (double)(total - tail_from) / rate;
        struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
        nanosleep(&ts, NULL);
        j.sent = total - tail_from;
    }
    if (mode != AFTER && smz_arrival_new(total, tail_from, data + tail_from, &j.a) != SMZ_OK) {
        fprintf(stderr, "arrive: out of memory\n");
        exit(2);
    }
    pthread_t th;
    pthread_create(&th, NULL, writer, &j);
    if (mode == AFTER)
        pthread_join(th, NULL);
    smz_reader *r = NULL;
    uint64_t problems = 0;
    smz_err rc = j.a ? smz_reader_open_arriving(PART, j.a, 0, &r) : smz_reader_open(PART, NULL, &r);
    if (rc == SMZ_OK)
        rc = smz_reader_check(r, NULL, NULL, &problems);
    if (rc != SMZ_OK || problems)
        fprintf(stderr, "arrive: the check says %s, %llu problems: %s\n", smz_strerror(rc),
                (unsigned long long)problems, r ? smz_reader_errmsg(r) : "");
    smz_reader_close(r);
    double done = now();
    if (mode != AFTER)
        pthread_join(th, NULL);
    smz_arrival_free(j.a);
    close(fd);
    tail_from = t;
    *write_s = j.end - j.t0;
    *after_s = done > j.end ? done - j.end : 0;
    return rc == SMZ_OK && !problems ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: arrive ARCHIVE RATE_MB_S [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    double rate = atof(argv[2]) * 1e6;
    FILE *in = fopen(argv[1], "rb");
    struct stat st;
    if (!in || fstat(fileno(in), &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    total = (uint64_t)st.st_size;
    unsigned char *data = malloc(total);
    if (!data || fread(data, 1, total, in) != total) {
        fprintf(stderr, "arrive: cannot read %s\n", argv[1]);
        return 2;
    }
    fclose(in);
    /* Where the tail starts, as smz catalog says it (smz:tail). */
    smz_reader *r = NULL;
    tail_from = total;
    if (smz_reader_open(argv[1], NULL, &r) != SMZ_OK || smz_reader_tail(r, &tail_from) != SMZ_OK)
        fprintf(stderr, "arrive: %s: %s\n", argv[1], r ? smz_reader_errmsg(r) : "out of memory");
    smz_reader_close(r);
    printf("# %s: %llu bytes, entry table's pages from byte %llu (the last %.1f%%); %s MB/s, %d runs\n",
           argv[1], (unsigned long long)total, (unsigned long long)tail_from,
           100.0 * (double)(total - tail_from) / (double)total, rate > 0 ? argv[2] : "unlimited", runs);
    static const char *const names[] = {"after", "in order", "tail first"};
    for (int m = 0; m < 3; m++) {
        double w[64], a[64];
        int n = 0;
        for (int i = 0; i < runs && i < 64; i++)
            if (run(data, rate, m, &w[n], &a[n]) == 0)
                n++;
        if (!n) {
            printf("%-10s  failed\n", names[m]);
            continue;
        }
        qsort(w, (size_t)n, sizeof w[0], cmp);
        qsort(a, (size_t)n, sizeof a[0], cmp);
        printf("%-10s  write %.3f s  check after the last byte %.3f s  (median of %d)\n", names[m],
               w[n / 2], a[n / 2], n);
    }
    unlink(PART);
    free(data);
    return 0;
}
