/* The damage sweep: takes a good archive and reads thousands of damaged
 * copies of it in one process, through everything `smz info`, `ls`, `cat`,
 * `search`, `suggest` and `check` do with the library:
 *   - truncated at every SQLite page boundary, as is and with the header's
 *     page count rewritten to match (so that SQLite itself meets the missing
 *     pages rather than our header check);
 *   - truncated at every byte of the first BYTES bytes (--bytes);
 *   - with one random bit flipped, FLIPS times (--flips, --seed).
 * Each case must end in success or a documented error: a code from
 * smz/error.h other than SMZ_E_INTERNAL, with a message.  And when check
 * finds nothing wrong, every entry must read back exactly as in the good
 * archive (no damage goes unnoticed).  Crashes and sanitizer reports name
 * the case being run (run it under the ASan build); a case that runs over
 * --timeout seconds is a hang.  Ends with the figures and exit status 0 when
 * every case passed.
 *
 * usage: sweep ARCHIVE WORKFILE [--bytes N] [--flips N] [--seed S]
 *              [--no-pages] [--timeout SECONDS] [--every N]
 * WORKFILE is overwritten with each damaged copy.  --every N runs only
 * every Nth byte truncation (a bounded run). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smz/reader.h"
#include "smz/search.h"

#define MAX_ENTRIES 10000

/* Called by the sanitizers before they end the process (weak: absent in a
 * plain build). */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static char current[256] = "(setting up)";
static int timeout_s = 20;

static void say_case(void)
{
    char m[320];
    int n = snprintf(m, sizeof m, "sweep: died in case: %s\n", current);
    if (n > 0 && write(2, m, (size_t)n) < 0)
        return;
}

static void on_signal(int sig)
{
    char m[320];
    int n = sig == SIGALRM ? snprintf(m, sizeof m, "sweep: HANG (over %d s) in case: %s\n", timeout_s, current)
                           : snprintf(m, sizeof m, "sweep: signal %d in case: %s\n", sig, current);
    if (n > 0 && write(2, m, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

/* The good archive: its bytes and every entry's content. */
typedef struct good {
    unsigned char *bytes;
    size_t len;
    size_t n;
    char **path;
    unsigned char **data;
    size_t *size;
} good;

typedef struct figures {
    uint64_t cases, opened, clean, problems, readerr, by_code[SMZ_E_INTERNAL + 1];
} figures;

static int failures;

static void bad(const char *what, smz_err rc, const smz_reader *r)
{
    failures++;
    fprintf(stderr, "FAIL %s: %s: %s (code %d, message '%s')\n", current, what, smz_strerror(rc), (int)rc,
            r ? smz_reader_errmsg(r) : "");
}

/* A documented failure: a known code, not INTERNAL, with a message. */
static void expect_clean(const char *what, smz_err rc, const smz_reader *r, figures *f)
{
    if (rc == SMZ_OK)
        return;
    if ((int)rc < 0 || rc > SMZ_E_INTERNAL || rc == SMZ_E_INTERNAL || !r || !smz_reader_errmsg(r)[0]) {
        bad(what, rc, r);
        return;
    }
    f->by_code[rc]++;
}

static void no_problem(void *ctx, const char *path, const char *msg)
{
    (void)ctx;
    (void)path;
    (void)msg;
}

/* Everything a reader does with an archive, on the file at PATH. */
static void read_all(const char *path, const good *g, figures *f, int use_cache)
{
    smz_cache *cache = use_cache ? smz_cache_new(8u << 20) : NULL;
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(path, cache, &r);
    f->cases++;
    if (rc != SMZ_OK) {
        expect_clean("open", rc, r, f);
        goto out;
    }
    f->opened++;
    smz_stats st;
    uint64_t file_bytes = 0;
    if ((rc = smz_reader_stats(r, &st)) == SMZ_OK) {
        file_bytes = st.file_bytes;
        smz_stats_free(&st);
    }
    expect_clean("stats", rc, r, f);
    /* Where the tail starts (smz pull's first request): inside the file. */
    uint64_t tail = 0;
    rc = smz_reader_tail(r, &tail);
    expect_clean("tail", rc, r, f);
    if (rc == SMZ_OK && file_bytes && (tail == 0 || tail > file_bytes))
        bad("tail (outside the file)", SMZ_E_INTERNAL, r);
    char *v = NULL;
    rc = smz_reader_meta(r, "Title", &v, NULL);
    free(v);
    if (rc != SMZ_E_NOTFOUND)
        expect_clean("meta", rc, r, f);

    /* ls and cat: every entry, followed and read whole. */
    int read_failed = 0, differs = 0;
    smz_iter *it = NULL;
    if ((rc = smz_reader_iter(r, NULL, &it)) == SMZ_OK) {
        const smz_entry *e;
        for (size_t k = 0; k < MAX_ENTRIES; k++) {
            if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
                break;
            smz_entry *t = NULL;
            smz_err er = smz_reader_resolve(r, e->path, &t);
            if (er == SMZ_OK && !t->redirect) {
                unsigned char *buf = NULL;
                size_t len = 0;
                er = smz_reader_read(r, t, 64u << 20, &buf, &len);
                if (er == SMZ_OK) {
                    /* compare with the good archive's entry of that path */
                    for (size_t i = 0; i < g->n; i++)
                        if (!strcmp(g->path[i], t->path)) {
                            differs |= len != g->size[i] || (len && memcmp(buf, g->data[i], len));
                            break;
                        }
                    unsigned char *half = len > 1 ? malloc(len - len / 2) : NULL;
                    if (half) { /* the second half by a range read, as the server does */
                        er = smz_reader_read_range(r, t, len / 2, half, len - len / 2);
                        if (er == SMZ_OK && memcmp(half, buf + len / 2, len - len / 2)) {
                            failures++;
                            fprintf(stderr, "FAIL %s: %s: a range read differs from the whole read\n",
                                    current, t->path);
                        }
                        free(half);
                    }
                }
                free(buf);
            }
            if (er != SMZ_OK) {
                read_failed = 1;
                if (er != SMZ_E_NOTFOUND)
                    expect_clean("read", er, r, f);
            }
            smz_entry_free(t);
        }
    }
    smz_iter_free(it);
    if (rc != SMZ_OK) {
        read_failed = 1;
        expect_clean("list", rc, r, f);
    }
    smz_entry *m = NULL;
    rc = smz_reader_resolve(r, "", &m);
    smz_entry_free(m);
    if (rc != SMZ_E_NOTFOUND)
        expect_clean("main page", rc, r, f);
    m = NULL;
    rc = smz_reader_random(r, f->cases, &m);
    smz_entry_free(m);
    if (rc != SMZ_E_NOTFOUND)
        expect_clean("random", rc, r, f);

    /* search and suggest */
    static const char *const queries[] = {"china", "\"human rights\"", "olymp*", "人权", "-x news"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        smz_results *res = NULL;
        rc = smz_search(r, queries[i], 10, i, &res);
        smz_results_free(res);
        if (rc != SMZ_E_UNSUPPORTED && rc != SMZ_E_INVALID)
            expect_clean("search", rc, r, f);
    }
    smz_results *res = NULL;
    rc = smz_suggest(r, "hu", 10, &res);
    smz_results_free(res);
    if (rc != SMZ_E_UNSUPPORTED)
        expect_clean("suggest", rc, r, f);

    /* check: and when it is satisfied, nothing may differ */
    uint64_t problems = 0;
    rc = smz_reader_check(r, no_problem, NULL, &problems);
    expect_clean("check", rc, r, f);
    if (rc == SMZ_OK && problems == 0) {
        f->clean++;
        if (differs || read_failed) {
            failures++;
            fprintf(stderr, "FAIL %s: check finds nothing wrong, yet an entry %s\n", current,
                    differs ? "reads differently" : "cannot be read");
        }
    } else if (rc == SMZ_OK) {
        f->problems++;
    }
    if (read_failed)
        f->readerr++;
out:
    smz_reader_close(r);
    smz_cache_free(cache);
}

static int write_file(const char *path, const unsigned char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

static int pwrite1(const char *path, size_t off, unsigned char c)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t w = pwrite(fd, &c, 1, (off_t)off);
    close(fd);
    return w == 1 ? 0 : -1;
}

static int load_good(const char *path, good *g)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !(g->bytes = malloc((size_t)sb.st_size + 1)) ||
        fread(g->bytes, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    g->len = (size_t)sb.st_size;
    smz_reader *r = NULL;
    smz_iter *it = NULL;
    int rc = -1;
    if (smz_reader_open(path, NULL, &r) != SMZ_OK || smz_reader_iter(r, NULL, &it) != SMZ_OK)
        goto out;
    g->path = calloc(MAX_ENTRIES, sizeof *g->path);
    g->data = calloc(MAX_ENTRIES, sizeof *g->data);
    g->size = calloc(MAX_ENTRIES, sizeof *g->size);
    if (!g->path || !g->data || !g->size)
        goto out;
    const smz_entry *e;
    while (g->n < MAX_ENTRIES && smz_iter_next(it, &e) == SMZ_OK && e) {
        if (e->redirect)
            continue;
        if (!(g->path[g->n] = strdup(e->path)) ||
            smz_reader_read(r, e, 64u << 20, &g->data[g->n], &g->size[g->n]) != SMZ_OK)
            goto out;
        g->n++;
    }
    uint64_t problems = 1;
    if (smz_reader_check(r, NULL, NULL, &problems) == SMZ_OK && problems == 0)
        rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "sweep: %s is not a good archive: %s\n", path, smz_reader_errmsg(r));
    smz_iter_free(it);
    smz_reader_close(r);
    return rc;
}

static void good_free(good *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->path[i]);
        free(g->data[i]);
    }
    free(g->path);
    free(g->data);
    free(g->size);
    free(g->bytes);
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* splitmix64: the same flips for the same seed on every machine */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void report(const char *name, const figures *f)
{
    printf("%-28s %7llu cases: %7llu opened, %6llu passed check, %6llu with problems found, "
           "%6llu with entries unreadable\n",
           name, (unsigned long long)f->cases, (unsigned long long)f->opened, (unsigned long long)f->clean,
           (unsigned long long)f->problems, (unsigned long long)f->readerr);
    printf("%-28s errors by code:", "");
    for (int c = 1; c <= SMZ_E_INTERNAL; c++)
        if (f->by_code[c])
            printf(" %s %llu;", smz_strerror((smz_err)c), (unsigned long long)f->by_code[c]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    size_t bytes = 65536, flips = 0, every = 1;
    int pages = 1;
    uint64_t seed = 1;
    if (argc < 3) {
        fprintf(stderr, "usage: sweep ARCHIVE WORKFILE [--bytes N] [--flips N] [--seed S] [--no-pages] "
                        "[--timeout S] [--every N]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (!strcmp(argv[i], "--bytes"))
            bytes = strtoull(v, NULL, 10), i++;
        else if (!strcmp(argv[i], "--flips"))
            flips = strtoull(v, NULL, 10), i++;
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(v, NULL, 10), i++;
        else if (!strcmp(argv[i], "--timeout"))
            timeout_s = atoi(v), i++;
        else if (!strcmp(argv[i], "--every"))
            every = strtoull(v, NULL, 10), i++;
        else if (!strcmp(argv[i], "--no-pages"))
            pages = 0;
        else {
            fprintf(stderr, "sweep: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!every)
        every = 1;
    const char *work = argv[2];
    good g;
    memset(&g, 0, sizeof g);
    if (load_good(argv[1], &g) != 0)
        return 2;
    signal(SIGALRM, on_signal);
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(say_case); /* the sanitizers report faults themselves */
    } else {
        signal(SIGSEGV, on_signal);
        signal(SIGBUS, on_signal);
        signal(SIGFPE, on_signal);
        signal(SIGILL, on_signal);
        signal(SIGABRT, on_signal);
    }

    unsigned page = (unsigned)g.bytes[16] << 8 | g.bytes[17];
    if (page == 1)
        page = 65536;
    size_t npages = g.len / page;
    printf("sweep: %s, %zu bytes, %zu pages of %u, %zu entries\n", argv[1], g.len, npages, page, g.n);

    if (pages) {
        figures f;
        memset(&f, 0, sizeof f);
        for (size_t k = 0; k <= npages; k++) {
            for (int fix = 0; fix < 2; fix++) {
                size_t n = k * page < g.len ? k * page : g.len;
                snprintf(current, sizeof current, "truncated at page boundary %zu (%zu bytes)%s", k, n,
                         fix ? ", header page count rewritten" : "");
                if (write_file(work, g.bytes, n) != 0) {
                    perror(work);
                    return 2;
                }
                if (fix && n >= 32) {
                    unsigned char c[4] = {(unsigned char)(k >> 24), (unsigned char)(k >> 16),
                                          (unsigned char)(k >> 8), (unsigned char)k};
                    for (int i = 0; i < 4; i++)
                        pwrite1(work, 28 + (size_t)i, c[i]);
                }
                alarm((unsigned)timeout_s);
                read_all(work, &g, &f, (int)(k & 1));
                alarm(0);
            }
        }
        report("page boundaries", &f);
    }

    if (bytes) {
        figures f;
        memset(&f, 0, sizeof f);
        size_t upto = bytes < g.len ? bytes : g.len;
        if (write_file(work, g.bytes, 0) != 0) {
            perror(work);
            return 2;
        }
        int fd = open(work, O_WRONLY | O_APPEND);
        for (size_t n = 0; n <= upto; n++) {
            /* The file grows one byte at a time: each case is one write. */
            if (n && write(fd, g.bytes + n - 1, 1) != 1) {
                perror(work);
                return 2;
            }
            if (n % every)
                continue;
            snprintf(current, sizeof current, "truncated to %zu bytes", n);
            alarm((unsigned)timeout_s);
            read_all(work, &g, &f, (int)(n & 1));
            alarm(0);
        }
        close(fd);
        report("byte truncations", &f);
    }

    if (flips) {
        figures f;
        memset(&f, 0, sizeof f);
        rng_state = seed;
        if (write_file(work, g.bytes, g.len) != 0) {
            perror(work);
            return 2;
        }
        for (size_t i = 0; i < flips; i++) {
            size_t off = (size_t)(rnd() % g.len);
            unsigned bit = (unsigned)(rnd() % 8);
            snprintf(current, sizeof current, "flip %zu of seed %llu: bit %u of byte %zu", i,
                     (unsigned long long)seed, bit, off);
            if (pwrite1(work, off, g.bytes[off] ^ (unsigned char)(1u << bit)) != 0) {
                perror(work);
                return 2;
            }
            alarm((unsigned)timeout_s);
            read_all(work, &g, &f, (int)(i & 1));
            alarm(0);
            if (pwrite1(work, off, g.bytes[off]) != 0) {
                perror(work);
                return 2;
            }
        }
        report("bit flips", &f);
    }
    snprintf(current, sizeof current, "(finished)");
    good_free(&g);
    unlink(work);
    printf("sweep: %d failures\n", failures);
    return failures ? 1 : 0;
}
