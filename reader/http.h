/* smz pull's HTTP client: a catalog into memory, an archive onto the end of
 * a partial file (resuming with a range request, If-Range the validator an
 * earlier answer gave), over libcurl, which
 * reader/lazy.c loads on the first call.  Only http and https, redirects
 * included; every size the server states is checked against the one the
 * caller expects before a byte is written.  A front-end module: it prints
 * nothing; each call fills an error text for the caller to show. */
#ifndef SMZ_READER_HTTP_H
#define SMZ_READER_HTTP_H

#include <stddef.h>
#include <sodium.h>
#include <stdint.h>
#include "smz/util.h"

/* 1 when this build has an HTTP client (make dist's static programs have
 * none: pull from folders only). */
int http_available(void);

/* 1 when S starts with http:// or https:// (either case). */
int http_is_url(const char *s);

/* REF (an href from a catalog) resolved against BASE, as a browser would:
 * a malloc'd absolute http(s) URL, or NULL (not http or https, or no
 * memory). */
char *http_resolve(const char *base, const char *ref);

/* GETs URL into OUT (appended; at most MAX bytes, more is an error).
 * Returns 0 for a 2xx answer; else -1 with *STATUS the HTTP status (0 when
 * there was none: no connection, too large) and ERR the reason. */
int http_get(const char *url, size_t max, smz_strbuf *out, long *status, char *err, size_t errlen);

typedef enum http_result {
    HTTP_DONE,    /* the whole file is there (the size the caller expected) */
    HTTP_CUT,     /* the transfer stopped early: what arrived is kept, resume later */
    HTTP_REFUSED, /* the server's answer is not what the catalog promised (a size,
                      a range, a status): what arrived cannot be trusted */
    HTTP_WRITE,   /* writing the file failed (WRITE_ERRNO: ENOSPC for a full disk) */
    HTTP_NOCLIENT /* this build has no HTTP client */
} http_result;

/* The longest validator (an ETag or a Last-Modified date) kept, with its
 * NUL. */
#define HTTP_VALIDATOR_MAX 200

/* Download of URL onto the end of the open file FD (or into MEM), which holds OFFSET bytes
 * of it already (a range request asks for the rest, with IF_RANGE when
 * given, so that a server whose file is no longer the one it validated
 * sends all of it; a server that sends the whole file instead has FD
 * truncated and written from the start, and OFFSET set to 0).
 * EXPECTED (> 0) is the file's size: a server that states another, or
 * sends more, is refused. */
typedef struct http_fetch http_fetch;
struct http_fetch {
    const char *url;
    int fd;
    uint64_t offset;
    uint64_t expected;
    uint64_t rate; /* bytes per second at most; 0: no limit */
    /* Called now and then with the bytes the file holds and EXPECTED;
     * may be NULL. */
    void (*progress)(void *ctx, uint64_t have, uint64_t total);
    void *ctx;
    /* When not NULL, the BLAKE2b state of the file's first OFFSET bytes:
     * every byte written is added (and the state started again when the
     * server sends the whole file), so that the file need not be read
     * again to be hashed. */
    crypto_generichash_state *hash;
    size_t hash_len; /* the length of the BLAKE2b HASH computes (32 or 64) */
    /* When OFFSET > 0: the validator an earlier answer gave for the file
     * (VALIDATOR below), sent as If-Range; NULL or "": none. */
    const char *if_range;
    /* Called once the answer's head is accepted, before its first byte is
     * written (VALIDATOR and RESTARTED are set then); may be NULL. */
    void (*head)(void *head_ctx, const struct http_fetch *f);
    void *head_ctx;
    /* Called with HEAD_CTX and the bytes the file holds after each write
     * to it; may be NULL. */
    void (*written)(void *head_ctx, uint64_t have);
    /* When > 0: only the bytes before END are asked for (a bounded range,
     * OFFSET to END), and the transfer is done when the file holds END
     * bytes; a server that sends the whole file (200) has its first END
     * bytes taken. */
    uint64_t end;
    /* When not NULL, the bytes go to MEM (EXPECTED - OFFSET bytes, MEM[0]
     * the file's byte OFFSET), not to FD, and only a 206 answer for the
     * range is taken: any other is HTTP_REFUSED. */
    unsigned char *mem;
    /* Filled by http_download: */
    uint64_t have;   /* bytes the file holds at the end */
    int ranged;      /* 1 when the server answered the range request (206) */
    int restarted;   /* 1 when a range was asked but the whole file came (200) */
    int write_errno; /* HTTP_WRITE: the write's errno */
    long status;     /* the HTTP status, 0 when none */
    char err[512];   /* why, for any result but HTTP_DONE */
    /* The accepted answer's strong ETag, else its Last-Modified (printable
     * ASCII only); "" when neither. */
    char validator[HTTP_VALIDATOR_MAX];
};

http_result http_download(http_fetch *f);

#endif
