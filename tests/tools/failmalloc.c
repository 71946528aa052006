/* Allocation-failure injection for tests/cli/failures.sh: an LD_PRELOAD
 * shim that counts every malloc, calloc, realloc, posix_memalign and
 * aligned_alloc of the process (ours, SQLite's, zstd's, libxml2's,
 * libarchive's: they all allocate through these) and makes one fail.
 *   SMZ_FAIL_AT=K       allocation number K (from 1) returns NULL (ENOMEM)
 *   SMZ_FAIL_PERSIST=1  ... and so does every one after it
 *   SMZ_FAIL_COUNT=FILE at exit, the number of allocations is written there
 *   SMZ_FAIL_TRACE=1    the failing allocation's call stack goes to stderr
 * The real allocator is the next one in the lookup order (RTLD_NEXT): glibc's,
 * or AddressSanitizer's when the program is an ASan build (then run with
 * ASAN_OPTIONS=verify_asan_link_order=0), so that its leak and memory-error
 * checks see every error path the failures open up.  Built without
 * sanitizers (Makefile). */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
int posix_memalign(void **out, size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);

static atomic_ulong count;
static atomic_ulong fail_at;
static int persist, trace;
static int resolving;

/* dlsym itself may allocate (calloc for its error state) before the real
 * functions are known: those few come from here and are never freed. */
static _Alignas(max_align_t) unsigned char arena[8192];
static size_t arena_used;

static void *from_arena(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof arena - arena_used)
        return NULL;
    void *p = arena + arena_used;
    arena_used += n;
    return p;
}

static int in_arena(const void *p)
{
    return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void resolve(void)
{
    if (next_malloc || resolving)
        return;
    resolving = 1;
    next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    next_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    next_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    resolving = 0;
}

/* The settings are read once the C library is up: an ASan runtime
 * allocates (and so calls resolve()) before the environment is there. */
__attribute__((constructor)) static void configure(void)
{
    const char *at = getenv("SMZ_FAIL_AT"), *ps = getenv("SMZ_FAIL_PERSIST");
    const char *tr = getenv("SMZ_FAIL_TRACE");
    persist = ps && *ps == '1';
    trace = tr && *tr == '1';
    void *frames[2]; /* the first backtrace() loads libgcc: not while failing */
    backtrace(frames, 2);
    atomic_store(&fail_at, at ? strtoul(at, NULL, 10) : 0);
}

/* 1 when the allocation is made for a sanitizer's runtime (ASan's thread
 * start-up asks libc for memory, and cannot take no for an answer): a
 * production build makes no such allocation, so it is not failed and the
 * next one is. */
static int from_sanitizer(void)
{
    void *frames[48];
    int n = backtrace(frames, 48);
    for (int i = 1; i < n; i++) {
        Dl_info di;
        if (dladdr(frames[i], &di) && di.dli_fname &&
            (strstr(di.dli_fname, "libasan") || strstr(di.dli_fname, "libubsan") ||
             strstr(di.dli_fname, "liblsan")))
            return 1;
    }
    return 0;
}

/* 1 when this allocation is to fail. */
static int fails(void)
{
    unsigned long k = atomic_fetch_add(&count, 1) + 1, at = atomic_load(&fail_at);
    if (!at || k < at || (k > at && !persist))
        return 0;
    if (from_sanitizer()) {
        if (k == at)
            atomic_store(&fail_at, at + 1);
        return 0;
    }
    if (trace && k == at) {
        void *frames[64];
        int n = backtrace(frames, 64);
        backtrace_symbols_fd(frames, n, 2);
    }
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    resolve();
    if (!next_malloc)
        return from_arena(n);
    return fails() ? NULL : next_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    resolve();
    if (!next_calloc) {
        if (size && n > SIZE_MAX / size)
            return NULL;
        return from_arena(n * size); /* static memory is zeroed */
    }
    return fails() ? NULL : next_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    resolve();
    if (in_arena(p) || !next_realloc) {
        void *q = malloc(n);
        if (q && p) {
            size_t left = (size_t)(arena + sizeof arena - (unsigned char *)p);
            memcpy(q, p, n < left ? n : left); /* only start-up blocks live there */
        }
        return q;
    }
    return fails() ? NULL : next_realloc(p, n);
}

void free(void *p)
{
    if (!p || in_arena(p))
        return;
    resolve();
    if (next_free)
        next_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    resolve();
    if (!next_posix_memalign || fails())
        return ENOMEM;
    return next_posix_memalign(out, align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    resolve();
    if (!next_aligned_alloc || fails())
        return NULL;
    return next_aligned_alloc(align, n);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("SMZ_FAIL_COUNT");
    if (!path)
        return;
    char line[32];
    int n = snprintf(line, sizeof line, "%lu\n", (unsigned long)atomic_load(&count));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (n > 0 && write(fd, line, (size_t)n) < 0)
            n = 0;
        close(fd);
    }
}
