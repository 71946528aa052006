/* smz pull's HTTP client over libcurl (see http.h).  What a server says is
 * not trusted: the status, Content-Length and Content-Range of the answer
 * are checked against the size the catalog gave before the first byte is
 * written, and a body longer than that stops the transfer.  libcurl is
 * loaded on first use by reader/lazy.c; make dist's static programs
 * (SMZ_STATIC) are built without it and say so. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "http.h"
#include "../common/i18n.h"

int http_is_url(const char *s)
{
    return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

#ifdef SMZ_STATIC

int http_available(void)
{
    return 0;
}

char *http_resolve(const char *base, const char *ref)
{
    (void)base, (void)ref;
    return NULL;
}

int http_get(const char *url, size_t max, smz_strbuf *out, long *status, char *err, size_t errlen)
{
    (void)url, (void)max, (void)out;
    *status = 0;
    snprintf(err, errlen, "%s", _("this smz is built without an HTTP client (pull from a folder)"));
    return -1;
}

http_result http_download(http_fetch *f)
{
    snprintf(f->err, sizeof f->err, "%s",
             _("this smz is built without an HTTP client (pull from a folder)"));
    return HTTP_NOCLIENT;
}

#else
#include <curl/curl.h>

int http_available(void)
{
    return 1;
}

char *http_resolve(const char *base, const char *ref)
{
    char *abs = NULL, *scheme = NULL, *out = NULL;
    CURLU *u = curl_url();
    if (!u || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "http") && strcmp(scheme, "https"))
        goto out;
    out = strdup(abs);
out:
    curl_free(abs);
    curl_free(scheme);
    curl_url_cleanup(u);
    return out;
}

/* The settings every request shares: http(s) only, redirects followed a
 * few times, a connection that stalls for a minute given up. */
static void common_opts(CURL *c, const char *url, char *errbuf)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "smz-pull");
    /* The bytes as they are: a gzip'd answer would be a different size. */
    curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
}

typedef struct mem_sink {
    smz_strbuf *out;
    size_t max, got;
    int too_big;
} mem_sink;

static size_t mem_write(char *p, size_t size, size_t n, void *ctx)
{
    mem_sink *m = ctx;
    size_t len = size * n;
    if (len > m->max - m->got) {
        m->too_big = 1;
        return 0;
    }
    m->got += len;
    return smz_strbuf_add(m->out, p, len) == SMZ_OK ? len : 0;
}

int http_get(const char *url, size_t max, smz_strbuf *out, long *status, char *err, size_t errlen)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    mem_sink m = {out, max, 0, 0};
    int rc = -1;
    *status = 0;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "%s", _("cannot start libcurl"));
        return -1;
    }
    common_opts(c, url, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mem_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
    CURLcode cr = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    if (m.too_big)
        snprintf(err, errlen, _("larger than %zu bytes"), max);
    else if (cr != CURLE_OK)
        snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cr));
    else if (*status < 200 || *status > 299)
        snprintf(err, errlen, _("HTTP status %ld"), *status);
    else
        rc = 0;
    curl_easy_cleanup(c);
    return rc;
}

typedef struct dl {
    http_fetch *f;
    CURL *c;
    long status;          /* of the last status line */
    long long range_from; /* Content-Range: first byte, -1 when none */
    long long range_total;
    char etag[HTTP_VALIDATOR_MAX]; /* a strong ETag of the last answer, or "" */
    char lastmod[64];              /* its Last-Modified, or "" */
    int checked;                   /* the answer's head was checked (first body byte) */
    int refused;                   /* the head or the body broke a promise: f->err says how */
    int write_err;                 /* a write failed */
    int enough;                    /* a 200 answer gave the bytes before f->end: stopped there */
    struct timespec t0;            /* the transfer's start, for the rate limit */
    uint64_t kicked;               /* the bytes before this are being written back to the disk */
} dl;

/* The rate limit, kept here rather than by libcurl's
 * CURLOPT_MAX_RECV_SPEED_LARGE: libcurl reads up to a hundred buffers
 * between two checks of its limit, so a file of a few hundred kB passed
 * at full speed.  Sleeping in the write callback stops reading, and TCP
 * slows the sender down. */
static void throttle(dl *d)
{
    http_fetch *f = d->f;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double el = (double)(t.tv_sec - d->t0.tv_sec) + (double)(t.tv_nsec - d->t0.tv_nsec) / 1e9;
    double ahead = (double)(f->have - f->offset) / (double)f->rate - el;
    if (ahead > 0) {
        struct timespec w = {(time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9)};
        nanosleep(&w, NULL);
    }
}

/* The value of the header line LINE (after its colon), without the spaces
 * around it and the line's end, into OUT (N bytes): 0, or -1 when it is too
 * long or holds a byte outside printable ASCII (it goes back to the server
 * in a header line: no control character may pass). */
static int header_value(const char *line, char *out, size_t n)
{
    const char *v = strchr(line, ':') + 1;
    v += strspn(v, " \t");
    size_t len = strcspn(v, "\r\n");
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    if (len >= n)
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
            return -1;
    memcpy(out, v, len);
    out[len] = 0;
    return 0;
}

/* Status, Content-Range, ETag and Last-Modified of each answer (a
 * redirect's too: the last one counts). */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    dl *d = ctx;
    size_t len = size * n;
    char line[256];
    if (len >= sizeof line)
        return len;
    memcpy(line, p, len);
    line[len] = 0;
    if (!strncmp(line, "HTTP/", 5)) {
        d->range_from = -1;
        d->range_total = -1;
        d->etag[0] = d->lastmod[0] = 0;
        const char *sp = strchr(line, ' ');
        d->status = sp ? strtol(sp + 1, NULL, 10) : 0;
    } else if (!strncasecmp(line, "Content-Range:", 14)) {
        long long a, b, t;
        if (sscanf(line + 14, " bytes %lld-%lld/%lld", &a, &b, &t) == 3 && a >= 0 && b >= a && t > b) {
            d->range_from = a;
            d->range_total = t;
        } else {
            d->range_from = -2; /* present but not understood */
        }
    } else if (!strncasecmp(line, "ETag:", 5)) {
        /* Only a strong one may validate a range (RFC 9110, 13.1.5):
         * "...", no W/, no quote inside. */
        size_t el;
        if (header_value(line, d->etag, sizeof d->etag) != 0 || (el = strlen(d->etag)) < 2 ||
            d->etag[0] != '"' || d->etag[el - 1] != '"' || memchr(d->etag + 1, '"', el - 2))
            d->etag[0] = 0;
    } else if (!strncasecmp(line, "Last-Modified:", 14)) {
        if (header_value(line, d->lastmod, sizeof d->lastmod) != 0)
            d->lastmod[0] = 0;
    }
    return len;
}

/* At the first byte of the body: is this the answer asked for? */
static int check_head(dl *d)
{
    http_fetch *f = d->f;
    curl_off_t clen = -1;
    curl_easy_getinfo(d->c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
    f->status = d->status;
    if (d->status == 206) {
        if (d->range_from != (long long)f->offset) {
            snprintf(f->err, sizeof f->err, "%s",
                     _("the server answered the range request with another range"));
            return -1;
        }
        if ((uint64_t)d->range_total != f->expected) {
            snprintf(f->err, sizeof f->err,
                     _("the server says the file is %lld bytes, the catalog %llu"), d->range_total,
                     (unsigned long long)f->expected);
            return -1;
        }
        /* The body's length is the range asked for (from OFFSET to END,
         * or to the end): a server stating another says, in effect, that
         * the file has another size. */
        uint64_t lim = f->end ? f->end : f->expected;
        if (clen >= 0 && (uint64_t)clen != lim - f->offset) {
            snprintf(f->err, sizeof f->err,
                     _("the server says the file is %lld bytes, the catalog %llu"),
                     (long long)((uint64_t)clen + f->offset + (f->expected - lim)),
                     (unsigned long long)f->expected);
            return -1;
        }
        f->ranged = 1;
    } else if (d->status == 200 && f->mem) {
        snprintf(f->err, sizeof f->err, _("HTTP status %ld"), d->status);
        return -1;
    } else if (d->status == 200) {
        f->restarted = f->offset > 0;
        if (clen >= 0 && (uint64_t)clen != f->expected) {
            snprintf(f->err, sizeof f->err,
                     _("the server says the file is %lld bytes, the catalog %llu"), (long long)clen,
                     (unsigned long long)f->expected);
            return -1;
        }
        /* The whole file, not the rest: start over. */
        if (f->offset && (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)) {
            f->write_errno = errno;
            d->write_err = 1;
            return -1;
        }
        f->have = 0;
        f->offset = 0;
        if (f->hash)
            crypto_generichash_init(f->hash, NULL, 0, f->hash_len);
    } else {
        snprintf(f->err, sizeof f->err, _("HTTP status %ld"), d->status);
        return -1;
    }
    snprintf(f->validator, sizeof f->validator, "%s", d->etag[0] ? d->etag : d->lastmod);
    if (f->head)
        f->head(f->head_ctx, f);
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    dl *d = ctx;
    http_fetch *f = d->f;
    size_t len = size * n;
    if (!d->checked) {
        d->checked = 1;
        if (check_head(d) != 0) {
            d->refused = !d->write_err;
            return 0;
        }
    }
    uint64_t end = f->end ? f->end : f->expected;
    if (f->end && !f->ranged && len > end - f->have) {
        len = (size_t)(end - f->have); /* the whole file came: its first END bytes */
        d->enough = 1;
    }
    if (len > end - f->have) {
        snprintf(f->err, sizeof f->err, _("the server sends more than the %llu bytes the catalog gives"),
                 (unsigned long long)f->expected);
        d->refused = 1;
        return 0;
    }
    if (f->hash)
        crypto_generichash_update(f->hash, (const unsigned char *)p, len);
    if (f->mem) {
        memcpy(f->mem + (f->have - f->offset), p, len);
        f->have += len;
        len = 0;
    }
    for (size_t done = 0; done < len;) {
        ssize_t w = write(f->fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->write_errno = w < 0 ? errno : EIO;
            d->write_err = 1;
            return 0;
        }
        done += (size_t)w;
        f->have += (uint64_t)w;
    }
    if (f->written)
        f->written(f->head_ctx, f->have);
    /* The disk starts writing what arrived, 8 MiB at a time, while more
     * arrives: the fsync before the check then has little left to wait
     * for (sync_file_range only starts the writeback; it does not wait). */
    if (!f->mem && f->have > d->kicked && f->have - d->kicked >= ((uint64_t)8 << 20)) {
        sync_file_range(f->fd, (off_t)d->kicked, (off_t)(f->have - d->kicked), SYNC_FILE_RANGE_WRITE);
        d->kicked = f->have;
    }
    if (f->rate)
        throttle(d);
    return d->enough ? 0 : size * n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ult, curl_off_t uln)
{
    (void)dltotal, (void)dlnow, (void)ult, (void)uln;
    http_fetch *f = ((dl *)ctx)->f;
    if (f->progress)
        f->progress(f->ctx, f->have, f->expected);
    return 0;
}

http_result http_download(http_fetch *f)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    dl d = {.f = f, .range_from = -1, .range_total = -1, .kicked = f->offset};
    http_result res = HTTP_CUT;
    f->have = f->offset;
    f->ranged = 0;
    f->write_errno = 0;
    f->status = 0;
    f->err[0] = 0;
    f->validator[0] = 0;
    f->restarted = 0;
    if (!f->mem && lseek(f->fd, (off_t)f->offset, SEEK_SET) < 0) {
        f->write_errno = errno;
        snprintf(f->err, sizeof f->err, "%s", strerror(errno));
        return HTTP_WRITE;
    }
    CURL *c = d.c = curl_easy_init();
    if (!c) {
        snprintf(f->err, sizeof f->err, "%s", _("cannot start libcurl"));
        return HTTP_CUT;
    }
    common_opts(c, f->url, errbuf);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &d);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &d);
    /* Larger reads than libcurl's 16 KiB: a fifth less time for a 36 MB
     * file over loopback (fewer calls to hash and write). */
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L << 10);
    /* The rest by CURLOPT_RANGE, not CURLOPT_RESUME_FROM_LARGE: with the
     * latter libcurl fails a 200 answer itself (CURLE_RANGE_ERROR), the
     * answer a changed file gets to If-Range. */
    char range[32];
    struct curl_slist *hdrs = NULL;
    if (f->offset || f->end) {
        if (f->end)
            snprintf(range, sizeof range, "%llu-%llu", (unsigned long long)f->offset,
                     (unsigned long long)f->end - 1);
        else
            snprintf(range, sizeof range, "%llu-", (unsigned long long)f->offset);
        curl_easy_setopt(c, CURLOPT_RANGE, range);
        if (f->offset && f->if_range && f->if_range[0]) {
            char line[HTTP_VALIDATOR_MAX + 16];
            snprintf(line, sizeof line, "If-Range: %s", f->if_range);
            if (!(hdrs = curl_slist_append(NULL, line))) {
                snprintf(f->err, sizeof f->err, "%s", _("out of memory"));
                curl_easy_cleanup(c);
                return HTTP_CUT;
            }
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &d.t0);
    CURLcode cr = curl_easy_perform(c);
    if (!d.checked && cr == CURLE_OK) {
        /* No body at all: an empty file, or an answer without one. */
        d.checked = 1;
        if (check_head(&d) != 0)
            d.refused = !d.write_err;
    }
    uint64_t end = f->end ? f->end : f->expected;
    if (d.enough && cr == CURLE_WRITE_ERROR && !d.write_err && !d.refused)
        cr = CURLE_OK; /* stopped on purpose, at END */
    if (d.write_err) {
        snprintf(f->err, sizeof f->err, "%s", strerror(f->write_errno));
        res = HTTP_WRITE;
    } else if (d.refused) {
        res = HTTP_REFUSED;
    } else if (cr == CURLE_RANGE_ERROR) {
        snprintf(f->err, sizeof f->err, "%s", _("the server refused to resume the transfer"));
        res = HTTP_REFUSED;
    } else if (cr != CURLE_OK) {
        snprintf(f->err, sizeof f->err, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cr));
        res = HTTP_CUT;
    } else if (f->have != end) {
        snprintf(f->err, sizeof f->err, _("the server sent %llu bytes of the %llu the catalog gives"),
                 (unsigned long long)f->have, (unsigned long long)end);
        res = HTTP_REFUSED;
    } else {
        res = HTTP_DONE;
    }
    if (f->progress)
        f->progress(f->ctx, f->have, f->expected);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return res;
}
#endif
