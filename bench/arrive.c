/* How much of smz check could overlap a transfer (docs/CATALOG.md,
 * "Throughput"): a thread writes a copy of ARCHIVE at RATE MB/s (0: as
 * fast as it can) while smz_reader_check reads the copy through a SQLite
 * VFS that holds each read back until its bytes have been written.  Three
 * orders are timed, RUNS times each, and their medians printed:
 *   after:     the whole file, then the check (what smz pull does now);
 *   in order:  the check starts as the bytes arrive, first to last;
 *   tail first: the pages from the entry table's first one to the end are
 *             written first, then the rest from the start (a second range
 *             request would do it), so that the content digest, which goes
 *             by the entry table, can start while the clusters arrive.
 * For each: the write's time, and how long the check ran on after the last
 * byte (the figure a faster link cannot hide).  The check must find the
 * copy sound every time.  A prototype for measuring, not smz pull's code.
 * Usage: arrive ARCHIVE RATE_MB_S [RUNS]; writes arrive.part in the current
 * folder.  The archive is read whole into memory first.  ARRIVE_TRACE=1
 * prints each read that waited (its handle, offset and time) to stderr.
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
#include <sqlite3.h>
#include "smz/reader.h"

#define PART "arrive.part"
#define CHUNK (256 << 10)

/* ---- what has arrived ---- */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static uint64_t total, tail_from, head_have, tail_have;
static uint64_t waits;
static double trace_t0;
static double now(void);

static int covered(uint64_t off, uint64_t n)
{
    uint64_t end = off + n;
    int low = off >= tail_from || (end < tail_from ? end : tail_from) <= head_have;
    int high = end <= tail_from || end <= tail_from + tail_have;
    return low && high;
}

/* ---- the VFS: the default one, wrapped ---- */
static sqlite3_vfs *real_vfs, shim_vfs;
static sqlite3_io_methods shim_io;
typedef struct sfile {
    sqlite3_file base;
    int arriving;
    sqlite3_file *real;
} sfile;
#define REAL(f) (((sfile *)(f))->real)

static int x_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    if (((sfile *)f)->arriving) {
        pthread_mutex_lock(&mu);
        if (!covered((uint64_t)off, (uint64_t)amt)) {
            waits++;
            if (getenv("ARRIVE_TRACE"))
                fprintf(stderr, "wait %p off %lld (%.1f%%) at %.3f\n", (void *)f, (long long)off,
                        100.0 * (double)off / (double)total, now() - trace_t0);
        }
        int waited = 0;
        while (!covered((uint64_t)off, (uint64_t)amt)) {
            pthread_cond_wait(&cv, &mu);
            waited = 1;
        }
        pthread_mutex_unlock(&mu);
        if (waited && getenv("ARRIVE_TRACE"))
            fprintf(stderr, "  %p on at %.3f\n", (void *)f, now() - trace_t0);
    }
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}
static int x_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int x_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 n)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int x_sync(sqlite3_file *f, int fl)
{
    return REAL(f)->pMethods->xSync(REAL(f), fl);
}
static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int x_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int x_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int x_check(sqlite3_file *f, int *o)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), o);
}
static int x_fcntl(sqlite3_file *f, int op, void *a)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, a);
}
static int x_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int x_dev(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    sfile *s = (sfile *)f;
    s->real = (sqlite3_file *)(s + 1);
    const char *base = name ? strrchr(name, '/') : NULL;
    s->arriving = name && !strcmp(base ? base + 1 : name, PART);
    int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
    f->pMethods = rc == SQLITE_OK ? &shim_io : NULL;
    return rc;
}
static void shim_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    shim_vfs = *real_vfs;
    shim_vfs.zName = "arrive";
    shim_vfs.szOsFile = (int)sizeof(sfile) + real_vfs->szOsFile;
    shim_vfs.xOpen = x_open;
    shim_io = (sqlite3_io_methods){.iVersion = 1,
                                   .xClose = x_close,
                                   .xRead = x_read,
                                   .xWrite = x_write,
                                   .xTruncate = x_truncate,
                                   .xSync = x_sync,
                                   .xFileSize = x_size,
                                   .xLock = x_lock,
                                   .xUnlock = x_unlock,
                                   .xCheckReservedLock = x_check,
                                   .xFileControl = x_fcntl,
                                   .xSectorSize = x_sector,
                                   .xDeviceCharacteristics = x_dev};
    sqlite3_vfs_register(&shim_vfs, 1);
}

/* ---- the writer ---- */
typedef struct job {
    const unsigned char *data;
    double rate; /* bytes a second, 0: no limit */
    int fd;
    double end; /* when the last byte was written */
} job;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const struct timespec fixed[2] = {{1700000000, 0}, {1700000000, 0}};

/* Writes [FROM, TO) of the data, chunk by chunk, at the rate, counting it
 * in *HAVE; T0 and *SENT pace it. */
static void put(job *j, uint64_t from, uint64_t to, uint64_t *have, double t0, uint64_t *sent)
{
    for (uint64_t o = from; o < to;) {
        uint64_t n = to - o < CHUNK ? to - o : CHUNK;
        if (pwrite(j->fd, j->data + o, (size_t)n, (off_t)o) != (ssize_t)n) {
            perror("pwrite");
            exit(2);
        }
        futimens(j->fd, fixed); /* one file for both of the check's handles */
        o += n;
        *sent += n;
        pthread_mutex_lock(&mu);
        *have += n;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
        if (j->rate > 0) {
            double ahead = (double)*sent / j->rate - (now() - t0);
            if (ahead > 0) {
                struct timespec d = {(time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9)};
                nanosleep(&d, NULL);
            }
        }
    }
}

static void *writer(void *arg)
{
    job *j = arg;
    double t0 = now();
    uint64_t sent = 0;
    if (tail_from < total)
        put(j, tail_from, total, &tail_have, t0, &sent);
    put(j, 0, tail_from, &head_have, t0, &sent);
    j->end = now();
    return NULL;
}

/* One run: the time of the write and how long the check ran after it. */
static int run(const unsigned char *data, double rate, int mode, double *write_s, double *after_s)
{
    enum { AFTER, IN_ORDER, TAIL_FIRST };
    unlink(PART);
    int fd = open(PART, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)total) != 0) {
        perror(PART);
        return -1;
    }
    head_have = tail_have = 0;
    uint64_t t = tail_from;
    if (mode != TAIL_FIRST)
        tail_from = total;
    job j = {data, rate, fd, 0};
    double t0 = now();
    trace_t0 = t0;
    pthread_t th;
    pthread_create(&th, NULL, writer, &j);
    if (mode == AFTER)
        pthread_join(th, NULL);
    /* The reader reads the header itself, not through SQLite: open once the
     * first page is in. */
    pthread_mutex_lock(&mu);
    while (head_have < 4096 && head_have < total)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    smz_reader *r = NULL;
    uint64_t problems = 0;
    smz_err rc = smz_reader_open(PART, NULL, &r);
    if (rc == SMZ_OK)
        rc = smz_reader_check(r, NULL, NULL, &problems);
    if (rc != SMZ_OK || problems)
        fprintf(stderr, "arrive: the check says %s, %llu problems: %s\n", smz_strerror(rc),
                (unsigned long long)problems, r ? smz_reader_errmsg(r) : "");
    smz_reader_close(r);
    double done = now();
    if (getenv("ARRIVE_TRACE"))
        fprintf(stderr, "check done at %.3f\n", done - t0);
    if (mode != AFTER)
        pthread_join(th, NULL);
    close(fd);
    tail_from = t;
    *write_s = j.end - t0;
    *after_s = done - j.end;
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
    /* Where the entry table's pages start (SQLite's dbstat). */
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long long first = 0, page = 0;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT min(pageno), (SELECT page_size FROM pragma_page_size) FROM dbstat "
                           "WHERE name = 'entry_blocks' AND pageno <> "
                           "(SELECT rootpage FROM sqlite_schema WHERE name = 'entry_blocks')",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        first = sqlite3_column_int64(s, 0);
        page = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    tail_from = first > 1 && page > 0 ? (uint64_t)(first - 1) * (uint64_t)page : total;
    printf("# %s: %llu bytes, entry table's pages from byte %llu (the last %.1f%%); %s MB/s, %d runs\n",
           argv[1], (unsigned long long)total, (unsigned long long)tail_from,
           100.0 * (double)(total - tail_from) / (double)total, rate > 0 ? argv[2] : "unlimited", runs);
    shim_install();
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
    printf("# reads that waited for bytes: %llu\n", (unsigned long long)waits);
    unlink(PART);
    free(data);
    return 0;
}
