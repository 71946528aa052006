/* Handlers that hand out archive bytes: /content/NAME/PATH (with the top bar
 * injected into HTML), /raw/NAME/content/PATH (exactly the stored bytes),
 * /download/NAME.smz (the archive file), /random and the illustration.
 * Entry bytes are streamed in pieces through the reader, so a large video
 * costs one piece of memory (and a large entry in a zstd cluster its
 * window: smz_stream), and single byte ranges make it seekable. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "smz/format.h"
#include "smz/split.h"
#include "text/escape.h"
#include "text/url.h"
#include "content.h"
#include "pages.h"
#include "util/file.h"

void url_entry(smz_strbuf *b, const srv *s, const archive *a, const char *path, int raw)
{
    smz_strbuf_addf(b, "%s/%s/%s/%s", s->http.root, raw ? "raw" : "content", a->name,
                    raw ? "content/" : "");
    smz__url_add_escaped(b, path, strlen(path), 1);
}

static int is_html(const char *mime)
{
    return !strncasecmp(mime, "text/html", 9) && (!mime[9] || mime[9] == ';' || mime[9] == ' ');
}

/* A type a browser may open as a document that runs scripts: HTML, any
 * XML (XHTML, SVG, RSS...: script elements in the XHTML namespace run),
 * and multipart/x-mixed-replace, whose parts may be any of those. */
static int is_document(const char *mime)
{
    size_t n = strcspn(mime, "; ");
    const char *slash = memchr(mime, '/', n);
    if (!slash)
        return 0;
    size_t sub = n - (size_t)(slash + 1 - mime);
    return (n == 9 && !strncasecmp(mime, "text/html", 9)) ||
           (n == 25 && !strncasecmp(mime, "multipart/x-mixed-replace", 25)) ||
           (sub == 3 && !strncasecmp(slash + 1, "xml", 3)) ||
           (sub >= 4 && !strncasecmp(mime + n - 4, "+xml", 4));
}

/* Identifies how a document was served: the bar (a new build, another URL
 * root, a renamed archive, a new start's bar token; none at all) and
 * whether its scripts may run, so that a change of any gives it another
 * ETag. */
static unsigned long long variant(const srv *s, const archive *a, int inject)
{
    unsigned long long h = 1469598103934665603ull;
    const char *parts[3] = {s->skin_v, s->http.root, a->name};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i];; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
            if (!*p)
                break;
        }
    for (size_t i = 0; i < sizeof s->bar_key; i++)
        h = (h ^ s->bar_key[i]) * 1099511628211ull;
    h = (h ^ (unsigned)inject) * 1099511628211ull;
    return (h ^ (unsigned)s->http.scripts) * 1099511628211ull;
}

/* Sends LEN bytes from OFF, read by READ in pieces.  Headers are gone by
 * then, so a failure can only cut the connection. */
static int stream(req *q, srv_read_fn read, void *ctx, uint64_t off, uint64_t len)
{
    if (len && !q->head && !q->w->chunk && !(q->w->chunk = malloc(SRV_CHUNK))) {
        mg_disable_connection_keep_alive(q->c);
        return -1;
    }
    while (len && !q->head) {
        size_t n = len < SRV_CHUNK ? (size_t)len : SRV_CHUNK;
        if (read(ctx, off, q->w->chunk, n) != 0 || http_write(q, q->w->chunk, n) != 0) {
            mg_disable_connection_keep_alive(q->c);
            return -1;
        }
        off += n, len -= n;
    }
    return 0;
}

/* Told the range a body will be streamed in pieces (STREAM may be NULL). */
typedef void (*srv_stream_fn)(void *ctx, uint64_t off, uint64_t len);

/* Answers with a body read by READ: 304, 416, 206 or 200. */
static int send_ranged(req *q, resp *r, uint64_t size, srv_read_fn read, srv_stream_fn streaming,
                       void *ctx)
{
    char cr[96];
    uint64_t off = 0, len = size;
    if (http_sent_304(q, r))
        return 304;
    r->ranges = 1;
    int rg = http_range(q, size, r->etag, &off, &len);
    if (rg < 0) {
        snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
        r->status = 416;
        r->type = NULL;
        r->content_range = cr;
        r->length = 0;
        http_head(q, r);
        return 416;
    }
    if (rg > 0) {
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off,
                 (unsigned long long)(off + len - 1), (unsigned long long)size);
        r->status = 206;
        r->content_range = cr;
    }
    r->length = (long long)len;
    if (!q->head && len <= SRV_ONE_WRITE) {
        /* Small: read straight into the send buffer behind the header
         * block, one send, and the reader is free before the client takes
         * it. */
        if (http_send_read(q, r, off, (size_t)len, read, ctx) == -2)
            return h_error(q, 500, NULL, SMZ_N_("This page cannot be read"),
                           SMZ_N_("Reading it failed."));
        return r->status;
    }
    if (!q->head && streaming)
        streaming(ctx, off, len);
    if (http_head(q, r) == 0)
        stream(q, read, ctx, off, len);
    return r->status;
}

/* An entry's bytes; ST, when set, streams them from NEXT on. */
typedef struct entry_src {
    smz_reader *r;
    const smz_entry *e;
    smz_stream *st;
    uint64_t next;
} entry_src;

/* A body sent in pieces goes through a stream: a large entry whose
 * cluster is not cached is then decoded once (its window counted against
 * --cache-mb), not once a piece.  The stream only makes a handle here: its
 * memory is reserved on the first read, after the header, out of the gate. */
static void stream_entry(void *ctx, uint64_t off, uint64_t len)
{
    entry_src *es = ctx;
    if (smz_stream_open(es->r, es->e, off, len, &es->st) == SMZ_OK)
        es->next = off;
}

static int read_entry(void *ctx, uint64_t off, void *buf, size_t n)
{
    entry_src *es = ctx;
    if (es->st && off == es->next) {
        if (smz_stream_read(es->st, buf, n) != SMZ_OK)
            return -1;
        es->next += n;
        return 0;
    }
    /* Not where the stream is: it goes first, with the memory it holds. */
    smz_stream_close(es->st);
    es->st = NULL;
    return smz_reader_read_range(es->r, es->e, off, buf, n) == SMZ_OK ? 0 : -1;
}

/* A page with the bar put in at AT (none when negative), read into place. */
typedef struct injected_src {
    smz_reader *r;
    const smz_entry *e;
    const char *bar;
    size_t bar_len;
    long at;
} injected_src;

static int read_injected(void *ctx, uint64_t off, void *buf, size_t n)
{
    injected_src *is = ctx;
    unsigned char *d = buf;
    size_t size = (size_t)is->e->size;
    (void)off; /* always the whole page, from 0 */
    (void)n;
    if (is->at < 0)
        return smz_reader_read_range(is->r, is->e, 0, d, size) == SMZ_OK ? 0 : -1;
    size_t at = (size_t)is->at;
    if (smz_reader_read_range(is->r, is->e, 0, d, at) != SMZ_OK)
        return -1;
    memcpy(d + at, is->bar, is->bar_len);
    return smz_reader_read_range(is->r, is->e, at, d + at + is->bar_len, size - at) == SMZ_OK ? 0 : -1;
}

/* A font, module script or crossorigin stylesheet that a sandboxed page
 * loads: the browser asks with CORS from the origin "null" and says so in
 * Sec-Fetch-Mode and Sec-Fetch-Dest, which no script can set.  The page's
 * CSP loads these only from its own archive, so answering hands it nothing
 * of another archive; fetch and XHR (dest "empty") and images (a canvas
 * would read them) never get CORS. */
static int cors_subresource(req *q)
{
    const char *o = mg_get_header(q->c, "Origin"), *m = mg_get_header(q->c, "Sec-Fetch-Mode"),
               *d = mg_get_header(q->c, "Sec-Fetch-Dest");
    return o && !strcmp(o, "null") && m && !strcmp(m, "cors") && d &&
           (!strcmp(d, "font") || !strcmp(d, "script") || !strcmp(d, "style"));
}

static int serve_entry(req *q, archive *a, smz_reader *r, const smz_entry *e, int raw)
{
    char etag[64];
    resp rs;
    const char *mime = http_mime_ok(e->mime) ? e->mime : "application/octet-stream";
    int inject = !raw && q->s->toolbar && is_html(mime) && e->size <= SRV_MAX_INJECT;
    resp_init(&rs, 200, mime);
    rs.csp = CSP_CONTENT;
    rs.a = a;
    rs.cors_null = cors_subresource(q);
    if (a->uuid[0]) {
        /* The content of one UUID never changes; only our bar and the
         * sandbox may.  A document is revalidated each time, so that a
         * restart with --scripts off is obeyed at once, not after a cached
         * copy with its old policy expires. */
        if (is_document(mime)) {
            snprintf(etag, sizeof etag, "\"%s-%08llx\"", a->uuid,
                     variant(q->s, a, inject) & 0xffffffffull);
        } else {
            snprintf(etag, sizeof etag, "\"%s\"", a->uuid);
            rs.cache = "max-age=3600";
        }
        rs.etag = etag;
    }
    if (!inject) {
        entry_src es = {r, e, NULL, 0};
        int status = send_ranged(q, &rs, e->size, read_entry, stream_entry, &es);
        smz_stream_close(es.st);
        return status;
    }
    if (http_sent_304(q, &rs))
        return 304;
    size_t bar_len = 0;
    const char *bar = page_bar_injected(q, a, &bar_len);
    if (!bar)
        return h_error(q, 500, a, SMZ_N_("Out of memory"), SMZ_N_("The page could not be prepared."));
    /* Where the bar goes is nearly always in the first few KiB: found there,
     * the page is read straight into the send buffer around the bar. */
    unsigned char head[SRV_BAR_LOOK];
    size_t hn = e->size < sizeof head ? (size_t)e->size : sizeof head;
    if (smz_reader_read_range(r, e, 0, head, hn) != SMZ_OK)
        return h_error(q, 500, a, SMZ_N_("This page cannot be read"), SMZ_N_("Reading it failed."));
    long at = page_bar_at(head, hn);
    if (hn == e->size || (at >= 0 && (size_t)at + SRV_BAR_MARGIN < hn)) {
        injected_src is = {r, e, bar, bar_len, at};
        size_t total = (size_t)e->size + (at >= 0 ? bar_len : 0);
        if (total <= SRV_ONE_WRITE) {
            if (http_send_read(q, &rs, 0, total, read_injected, &is) == -2)
                return h_error(q, 500, a, SMZ_N_("This page cannot be read"),
                               SMZ_N_("Reading it failed."));
            return 200;
        }
    }
    /* Else (a long head, a frameset, a large page): read whole, then sent
     * in pieces around the bar. */
    unsigned char *data = NULL;
    size_t len = 0;
    smz_err rc = smz_reader_read(r, e, SRV_MAX_INJECT, &data, &len);
    if (rc != SMZ_OK)
        return h_error(q, 500, a, SMZ_N_("This page cannot be read"), smz_strerror(rc));
    at = page_bar_at(data, len);
    srv_part parts[3] = {{data, len}, {NULL, 0}, {NULL, 0}};
    size_t np = 1;
    if (at >= 0) {
        parts[0].n = (size_t)at;
        parts[1] = (srv_part){bar, bar_len};
        parts[2] = (srv_part){data + at, len - (size_t)at};
        np = 3;
    }
    http_send_parts(q, &rs, parts, np);
    free(data);
    return 200;
}

/* A redirect within archive A is A's answer like its entries (CORP
 * cross-origin): a sandboxed page loads an image through it. */
static int content_redirect(req *q, const archive *a, const char *location)
{
    resp r;
    resp_init(&r, 302, NULL);
    r.csp = CSP_CONTENT;
    r.a = a;
    r.location = location;
    http_send(q, &r, NULL, 0);
    return 302;
}

int h_content(req *q, const char *rest, int raw)
{
    size_t nl = strcspn(rest, "/");
    archive *a = reg_find(&q->s->reg, rest, nl);
    if (!a)
        return h_missing(q, NULL, SMZ_N_("No such archive"),
                         SMZ_N_("The library has no archive by that name."), rest + nl);
    const char *path = rest + nl;
    if (raw) {
        if (strncmp(path, "/content/", 9))
            return h_error(q, 404, a, SMZ_N_("Not found"),
                           SMZ_N_("Raw entries are at /raw/NAME/content/PATH."));
        path += 9;
    } else if (*path == '/') {
        path++;
    }
    smz_strbuf loc;
    smz_strbuf_init(&loc, 3 * SMZ_MAX_PATH + 1024);
    int status;
    if (!*path) {
        if (!a->main_page || !a->main_page[0]) {
            status = h_error(q, 404, a, SMZ_N_("No main page"),
                             SMZ_N_("This archive names no main page."));
        } else {
            url_entry(&loc, q->s, a, a->main_page, raw);
            /* The language a reader picked stays with them into the
             * archive's first page (its bar). */
            if (q->lang_keep[0])
                smz_strbuf_addf(&loc, "?lang=%s", q->lang_keep);
            status = content_redirect(q, a, smz_strbuf_str(&loc));
        }
        goto out;
    }
    smz_reader *r = page_reader(q, a);
    if (!r) {
        status = q->status;
        goto out;
    }
    smz_entry *e = NULL;
    smz_err rc = strlen(path) > SMZ_MAX_PATH ? SMZ_E_NOTFOUND : smz_reader_find(r, path, &e);
    if (rc == SMZ_E_NOTFOUND) {
        status = h_missing(q, a, SMZ_N_("Not found"), SMZ_N_("This archive has no such page."), path);
    } else if (rc != SMZ_OK) {
        status = h_error(q, 500, a, SMZ_N_("This page cannot be read"), smz_strerror(rc));
    } else if (e->redirect && !smz_path_valid(e->redirect)) {
        status = h_error(q, 500, a, SMZ_N_("This page cannot be read"),
                         SMZ_N_("It redirects to an invalid path."));
    } else if (e->redirect) {
        url_entry(&loc, q->s, a, e->redirect, raw);
        status = content_redirect(q, a, smz_strbuf_str(&loc));
    } else {
        status = serve_entry(q, a, r, e, raw);
    }
    smz_entry_free(e);
out:
    smz_strbuf_free(&loc);
    return status;
}

static int read_fd(void *ctx, uint64_t off, void *buf, size_t n)
{
    int fd = *(int *)ctx;
    while (n) {
        ssize_t k = pread(fd, buf, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        buf = (char *)buf + k, off += (uint64_t)k, n -= (size_t)k;
    }
    return 0;
}

static int read_set(void *ctx, uint64_t off, void *buf, size_t n)
{
    return smz_split_read(ctx, buf, n, off) == (long long)n ? 0 : -1;
}

/* A download: SIZE bytes of type TYPE read by READ from CTX, as an
 * attachment or inline (DISP), its ETag the size, ST's modification time
 * and TAG (what else tells this download from another of the same file). */
static int send_download(req *q, const char *type, const char *disp, uint64_t size,
                         const struct stat *st, const char *tag, srv_read_fn read, void *ctx)
{
    char etag[96];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%lx%s\"", (unsigned long long)size,
             (unsigned long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec, tag);
    resp rs;
    resp_init(&rs, 200, type);
    rs.etag = etag;
    rs.disposition = disp;
    return send_ranged(q, &rs, size, read, NULL, ctx);
}

/* send_download of the whole file FD (ST its stat), which it closes. */
static int send_file(req *q, const char *type, const char *disp, int fd, const struct stat *st,
                     const char *tag)
{
    int status = send_download(q, type, disp, (uint64_t)st->st_size, st, tag, read_fd, &fd);
    close(fd);
    return status;
}

/* A split archive (smz/split.h), registered under its stem, downloads as
 * the whole archive it holds; its ETag comes from its first part. */
static int download_set(req *q, archive *a, const char *disp)
{
    smz_split *set = NULL;
    struct stat st;
    char first[4200], tag[16];
    int status;
    if (smz_split_open(a->path, &set) != SMZ_OK ||
        snprintf(first, sizeof first, "%s.001", a->path) >= (int)sizeof first || stat(first, &st) != 0) {
        status = h_error(q, 500, a, SMZ_N_("The archive cannot be read"),
                         SMZ_N_("A part is missing or damaged."));
    } else {
        snprintf(tag, sizeof tag, "-%u", smz_split_parts(set));
        status = send_download(q, "application/x-smz", disp, smz_split_size(set), &st, tag, read_set,
                               set);
    }
    smz_split_close(set);
    return status;
}

/* Part K of a split archive read through the set (checked when it was
 * opened), from its first byte. */
typedef struct part_ctx {
    smz_split *set;
    uint64_t base;
} part_ctx;

static int read_part(void *ctx, uint64_t off, void *buf, size_t n)
{
    part_ctx *pc = ctx;
    return smz_split_read(pc->set, buf, n, pc->base + off) == (long long)n ? 0 : -1;
}

/* /download/NAME.smz.NNN: part K of the split archive A as it is on disk
 * (the set checked first, as every reader does), ranged, its ETag from the
 * part's file.  A part the set does not have is a 404. */
static int download_part(req *q, archive *a, unsigned k)
{
    smz_split *set = NULL;
    struct stat st;
    char name[4200], tag[16], disp[SRV_NAME_MAX + 64];
    int status;
    if (!a->parts || !smz_split_is_set(a->path) || k > a->parts)
        return h_error(q, 404, a, SMZ_N_("No such part"),
                       SMZ_N_("This archive has no part by that number."));
    if (smz_split_open(a->path, &set) != SMZ_OK ||
        snprintf(name, sizeof name, "%s.%03u", a->path, k) >= (int)sizeof name || stat(name, &st) != 0) {
        status = h_error(q, 500, a, SMZ_N_("The archive cannot be read"),
                         SMZ_N_("A part is missing or damaged."));
    } else if (k > smz_split_parts(set)) { /* split again since the library was read */
        status = h_error(q, 404, a, SMZ_N_("No such part"),
                         SMZ_N_("This archive has no part by that number."));
    } else {
        unsigned n = smz_split_parts(set);
        uint64_t p = smz_split_part_size(set);
        part_ctx pc = {set, (uint64_t)(k - 1) * p};
        uint64_t size = k < n ? p : smz_split_size(set) - pc.base;
        snprintf(tag, sizeof tag, "-p%u", k);
        snprintf(disp, sizeof disp, "attachment; filename=\"%s.smz.%03u\"", a->name, k);
        status = send_download(q, "application/octet-stream", disp, size, &st, tag, read_part, &pc);
    }
    smz_split_close(set);
    return status;
}

/* /download/NAME.parts: the manifest beside a split archive's parts
 * (docs/FORMAT.md, "Split archives"), as it is: a client checks the parts
 * with it, and is told it is advice. */
static int download_manifest(req *q, archive *a)
{
    struct stat st;
    char disp[SRV_NAME_MAX + 64];
    int fd = -1;
    char *name = a->parts && smz_split_is_set(a->path) ? smz_parts_manifest_path(a->path) : NULL;
    if (name)
        fd = smz_file_open(name, 0, &st, NULL);
    free(name);
    if (fd < 0)
        return h_error(q, 404, a, SMZ_N_("No manifest"),
                       SMZ_N_("This archive has no manifest of its parts."));
    if (st.st_size > SMZ_PARTS_FILE_MAX) {
        close(fd);
        return h_error(q, 500, a, SMZ_N_("The manifest cannot be read"),
                       SMZ_N_("It is larger than a manifest can be."));
    }
    snprintf(disp, sizeof disp, "inline; filename=\"%s.parts\"", a->name);
    return send_file(q, "text/plain; charset=utf-8", disp, fd, &st, "-m");
}

/* /download/NAME.smz.minisig: the detached signature beside a whole
 * archive, when the catalog advertises one (opened without following a
 * link, as it was found). */
static int download_sig(req *q, archive *a)
{
    char path[4400], disp[SRV_NAME_MAX + 64];
    struct stat st;
    int fd = -1;
    if (a->minisig && snprintf(path, sizeof path, "%s.minisig", a->path) < (int)sizeof path)
        fd = smz_file_open(path, SMZ_FILE_NOFOLLOW, &st, NULL);
    if (fd < 0)
        return h_error(q, 404, a, SMZ_N_("No such archive"),
                       SMZ_N_("The library has no archive by that name."));
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.smz.minisig\"", a->name);
    return send_file(q, "text/plain; charset=utf-8", disp, fd, &st, "-s");
}

int h_download(req *q, const char *rest)
{
    size_t n = strlen(rest);
    archive *a = n > 4 && !strcmp(rest + n - 4, ".smz") ? reg_find(&q->s->reg, rest, n - 4) : NULL;
    unsigned k = smz_split_part_number(rest);
    if (!a && k)
        a = reg_find(&q->s->reg, rest, n - 8);
    if (!a && n > 12 && !strcmp(rest + n - 12, ".smz.minisig") &&
        (a = reg_find(&q->s->reg, rest, n - 12)) != NULL)
        return download_sig(q, a);
    if (!a && n > 6 && !strcmp(rest + n - 6, ".parts") &&
        (a = reg_find(&q->s->reg, rest, n - 6)) != NULL)
        return download_manifest(q, a);
    if (a && k)
        return download_part(q, a, k);
    if (!a)
        return h_error(q, 404, NULL, SMZ_N_("No such archive"),
                       SMZ_N_("The library has no archive by that name."));
    char disp[SRV_NAME_MAX + 64];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.smz\"", a->name);
    if (smz_split_is_set(a->path))
        return download_set(q, a, disp);
    struct stat st;
    int fd = smz_file_open(a->path, 0, &st, NULL);
    if (fd < 0)
        return h_error(q, 500, a, SMZ_N_("The archive cannot be read"),
                       SMZ_N_("The file is not readable."));
    return send_file(q, "application/x-smz", disp, fd, &st, "");
}

/* /update/NAME/FILE: an update the catalog advertises for the archive NAME
 * (docs/CATALOG.md, "Updates"), or FILE.minisig, its signature.  Only
 * those: FILE is compared with the names the folder was read for (which
 * hold no '/'), and the file is opened beside the archive without
 * following a symbolic link's last component. */
int h_update(req *q, const char *rest)
{
    const char *slash = strchr(rest, '/');
    archive *a = slash ? reg_find(&q->s->reg, rest, (size_t)(slash - rest)) : NULL;
    const smz_delta_file *u = NULL;
    int sig = 0;
    if (a) {
        const char *file = slash + 1;
        size_t n = strlen(file);
        for (size_t i = 0; i < a->n_upd && !u; i++) {
            size_t k = strlen(a->upd[i].file);
            if (!strcmp(a->upd[i].file, file))
                u = &a->upd[i];
            else if (a->upd[i].sig_detached && n == k + 8 && !strncmp(file, a->upd[i].file, k) &&
                     !strcmp(file + k, ".minisig"))
                u = &a->upd[i], sig = 1;
        }
    }
    if (!u)
        return h_error(q, 404, a, SMZ_N_("No such update"),
                       SMZ_N_("The library offers no update by that name."));
    const char *base = strrchr(a->path, '/');
    size_t dl = base ? (size_t)(base - a->path) + 1 : 0;
    char path[4400], disp[400];
    if (snprintf(path, sizeof path, "%.*s%s%s", (int)dl, a->path, u->file, sig ? ".minisig" : "") >=
        (int)sizeof path)
        return h_error(q, 404, a, SMZ_N_("No such update"),
                       SMZ_N_("The library offers no update by that name."));
    struct stat st;
    int fd = smz_file_open(path, SMZ_FILE_NOFOLLOW, &st, NULL);
    if (fd < 0)
        return h_error(q, 404, a, SMZ_N_("No such update"),
                       SMZ_N_("The library offers no update by that name."));
    snprintf(disp, sizeof disp, "attachment; filename=\"%s%s\"", u->file, sig ? ".minisig" : "");
    return send_file(q, sig ? "text/plain; charset=utf-8" : SMZ_DELTA_TYPE, disp, fd, &st,
                     sig ? "-s" : "-u");
}

/* The archives named by content= (or books.name=), or NULL for none. */
static archive *named(req *q)
{
    char name[SRV_NAME_MAX + 1];
    if (http_param(q, "content", 0, name, sizeof name) != 1 &&
        http_param(q, "books.name", 0, name, sizeof name) != 1)
        return NULL;
    return reg_find(&q->s->reg, name, strlen(name));
}

int h_random(req *q)
{
    uint64_t seed = 0;
    if (getentropy(&seed, sizeof seed) != 0)
        seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)q;
    archive *a = named(q);
    char any[4];
    if (!a && (http_param(q, "content", 0, any, sizeof any) ||
               http_param(q, "books.name", 0, any, sizeof any)))
        return h_error(q, 404, NULL, SMZ_N_("No such archive"),
                       SMZ_N_("The library has no archive by that name."));
    if (!a) {
        /* No archive named: any readable one. */
        registry *g = &q->s->reg;
        reg_load(g);
        size_t n = 0;
        for (size_t i = 0; i < g->n; i++)
            n += g->a[i].state == 1;
        if (!n)
            return h_error(q, 404, NULL, SMZ_N_("Empty library"),
                           SMZ_N_("There is no archive to pick from."));
        size_t k = (size_t)(seed % n);
        for (size_t i = 0; i < g->n && !a; i++)
            if (g->a[i].state == 1 && k-- == 0)
                a = &g->a[i];
        seed = seed / n + 1;
    }
    smz_reader *r = page_reader(q, a);
    if (!r)
        return q->status;
    smz_entry *e = NULL;
    smz_err rc = smz_reader_random(r, seed, &e);
    if (rc == SMZ_E_NOTFOUND)
        return h_error(q, 404, a, SMZ_N_("No articles"),
                       SMZ_N_("This archive has no HTML articles to pick from."));
    if (rc != SMZ_OK || !smz_path_valid(e->path)) {
        smz_entry_free(e);
        return h_error(q, 500, a, SMZ_N_("The archive cannot be read"),
                       smz_strerror(rc ? rc : SMZ_E_CORRUPT));
    }
    smz_strbuf loc;
    smz_strbuf_init(&loc, 3 * SMZ_MAX_PATH + 1024);
    url_entry(&loc, q->s, a, e->path, 0);
    http_redirect(q, 302, smz_strbuf_str(&loc), "no-store");
    smz_strbuf_free(&loc);
    smz_entry_free(e);
    return 302;
}

int h_illustration(req *q, const char *rest)
{
    size_t nl = strcspn(rest, "/");
    archive *a = reg_find(&q->s->reg, rest, nl);
    if (!a || !a->illustration)
        return h_error(q, 404, a, SMZ_N_("No illustration"),
                       SMZ_N_("This archive has no illustration."));
    char etag[64];
    resp rs;
    resp_init(&rs, 200, "image/png");
    if (a->uuid[0]) {
        snprintf(etag, sizeof etag, "\"%s-i\"", a->uuid);
        rs.etag = etag;
        rs.cache = "max-age=3600";
        if (http_sent_304(q, &rs))
            return 304;
    }
    http_send(q, &rs, a->illustration, a->illustration_len);
    return 200;
}
