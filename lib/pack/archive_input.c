/* Packing from an archive stream (tar in any compression, zip, 7z, cpio,
 * ISO 9660, WARC) read by libarchive straight from the file or standard
 * input, never unpacked to disk.  Where libarchive's WARC reader falls short,
 * warc_fix.c and the code below make up for it (docs/FORMAT.md lists how).
 *
 * Every name is treated as hostile: absolute paths and ".." are refused,
 * "./" is dropped, names that are not valid UTF-8 are skipped; symlinks and
 * hard links become redirects when their target stays inside the archive;
 * devices, FIFOs and sockets are skipped.  Members go to the spool block by
 * block (never whole in memory), at the offsets libarchive gives, so the
 * holes of sparse members read back as zeros; the entry limit applies to
 * the real size (holes included), to the declared size first and again as
 * data arrives, whatever the header declared, so a zip bomb stops at the
 * cap.  WARC responses are unwrapped in memory: status 200 only, the MIME
 * type from Content-Type, chunked transfer decoded, records up to
 * SMZ_WRITER_LARGE_ENTRY. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "text/charset.h"
#include "entry.h"
#include "writer_priv.h"
#include "order.h"
#include "format.h"
#include "warc_fix.h"

/* Normalises an archive member name: "./a//b" -> "a/b".  NULL if unsafe. */
static char *clean_name(const char *name)
{
    if (!name || name[0] == '/')
        return NULL;
    size_t n = strlen(name);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    const char *p = name;
    while (*p) {
        while (*p == '/')
            p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - seg);
        if (len == 0 || (len == 1 && seg[0] == '.'))
            continue;
        if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            free(out);
            return NULL;
        }
        if (o != out)
            *o++ = '/';
        memcpy(o, seg, len);
        o += len;
    }
    *o = 0;
    if (!smz_path_valid(out)) {
        free(out);
        return NULL;
    }
    return out;
}

/* Resolves a symlink TARGET relative to the folder of LINK, inside the
 * archive; NULL when it leaves it. */
static char *resolve_link(const char *link, const char *target)
{
    if (target[0] == '/')
        return NULL;
    const char *slash = strrchr(link, '/');
    size_t dl = slash ? (size_t)(slash - link) : 0;
    size_t n = dl + strlen(target) + 2;
    char *joined = malloc(n), *stack = malloc(n);
    if (!joined || !stack) {
        free(joined);
        free(stack);
        return NULL;
    }
    snprintf(joined, n, "%.*s%s%s", (int)dl, link, dl ? "/" : "", target);
    /* collapse . and .. without going above the root */
    size_t top = 0;
    char *save = NULL;
    for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (!strcmp(seg, "."))
            continue;
        if (!strcmp(seg, "..")) {
            if (top == 0) {
                free(joined);
                free(stack);
                return NULL;
            }
            while (top > 0 && stack[top - 1] != '/')
                top--;
            if (top > 0)
                top--;
            continue;
        }
        if (top)
            stack[top++] = '/';
        size_t l = strlen(seg);
        memcpy(stack + top, seg, l);
        top += l;
    }
    stack[top] = 0;
    free(joined);
    if (!smz_path_valid(stack)) {
        free(stack);
        return NULL;
    }
    return stack;
}

static int hidden(const char *rel)
{
    return rel[0] == '.' || strstr(rel, "/.") != NULL;
}

/* Reads a WARC record's data, stopping past MAX whatever the header said.
 * Returns 1 when too big (data freed), 0 on success, -1 on error. */
static int read_member(struct archive *a, size_t max, unsigned char **out, size_t *len)
{
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap + 1);
    *out = NULL;
    *len = 0;
    if (!buf)
        return -1;
    for (;;) {
        if (n > max) {
            free(buf);
            return 1;
        }
        if (n == cap) {
            /* One byte over MAX is enough to know. */
            cap = cap > max / 2 ? max + 1 : cap * 2;
            unsigned char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        la_ssize_t r = archive_read_data(a, buf + n, cap - n);
        if (r < 0) {
            free(buf);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

/* Spools the member at hand block by block (see the top of the file): its
 * size is the larger of the declared one and the end of its last block.
 * SMZ_OK also when it is skipped for its size, with a warning. */
static smz_err spool_member(smz_packer *p, struct archive *a, struct archive_entry *ae,
                            smz_pack_order *order, const char *shown, const char *rel)
{
    char what[SMZ_MAX_PATH + 1200];
    uint64_t len = 0, max = smz__packer_max_entry(p);
    smz_err rc;
    snprintf(what, sizeof what, "%s: %s", shown, rel);
    if (archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0)
        len = (uint64_t)archive_entry_size(ae);
    if (smz__packer_oversized(p, what, len))
        return SMZ_OK; /* libarchive skips its data at the next header */
    if ((rc = smz__order_member_begin(order)) != SMZ_OK)
        return rc;
    for (;;) {
        const void *buf;
        size_t n;
        la_int64_t at;
        int r = archive_read_data_block(a, &buf, &n, &at);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            rc = smz__packer_fail(p, SMZ_E_CORRUPT, "%s: %s", what,
                                  archive_error_string(a) ? archive_error_string(a) : "cannot read it");
            goto fail;
        }
        if (at < 0 || (uint64_t)at > max || n > max - (uint64_t)at) {
            smz__order_member_abort(order);
            smz__packer_oversized(p, what, at < 0 ? UINT64_MAX : (uint64_t)at + n);
            return SMZ_OK;
        }
        if (n && (rc = smz__order_member_put(order, (uint64_t)at, buf, n)) != SMZ_OK)
            goto fail;
        if ((uint64_t)at + n > len)
            len = (uint64_t)at + n;
    }
    if ((rc = smz__order_member_end(order, rel, len, NULL, (int64_t)archive_entry_mtime(ae))) != SMZ_OK)
        goto fail;
    return SMZ_OK;
fail:
    smz__order_member_abort(order);
    return rc;
}

/* Decodes a chunked HTTP body in place; returns the new length or -1. */
static long dechunk(unsigned char *b, size_t len)
{
    size_t in = 0, out = 0;
    for (;;) {
        char *end;
        if (in >= len)
            return -1;
        unsigned long sz = strtoul((const char *)b + in, &end, 16);
        const unsigned char *nl = memchr(b + in, '\n', len - in);
        if (!nl || (const unsigned char *)end > nl)
            return -1;
        in = (size_t)(nl - b) + 1;
        if (sz == 0)
            return (long)out;
        if (sz > len - in)
            return -1;
        memmove(b + out, b + in, sz);
        out += sz;
        in += sz;
        if (in < len && b[in] == '\r')
            in++;
        if (in < len && b[in] == '\n')
            in++;
    }
}

/* Unwraps an HTTP response held in a WARC record.  Returns 0 and sets the
 * body range and MIME type (malloc'd) for a 200, 1 to skip, -1 if malformed. */
static int unwrap_http(unsigned char *data, size_t len, size_t *body, size_t *blen, char **mime)
{
    *mime = NULL;
    if (len < 12 || memcmp(data, "HTTP/", 5))
        return -1;
    unsigned char *eoh = NULL;
    for (size_t i = 0; i + 3 < len; i++) {
        if (!memcmp(data + i, "\r\n\r\n", 4)) {
            eoh = data + i;
            break;
        }
    }
    if (!eoh)
        return -1;
    const char *sp = memchr(data, ' ', (size_t)(eoh - data));
    if (!sp || strncmp(sp + 1, "200", 3))
        return 1;
    int chunked = 0;
    *eoh = 0; /* headers become one C string */
    char *save = NULL;
    for (char *line = strtok_r((char *)data, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (!strncasecmp(line, "Content-Type:", 13)) {
            char *v = line + 13;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t l = strcspn(v, "; \t");
            if (l > 0 && l <= SMZ_MAX_MIME && !*mime) {
                /* The type, and the charset the header names when it is
                 * one we know (text/charset.h): the packer records it. */
                const char *cs = smz__mime_charset(v);
                if (asprintf(mime, "%.*s%s%s", (int)l, v, cs ? "; charset=" : "", cs ? cs : "") < 0)
                    *mime = NULL;
                for (char *c = *mime; c && *c; c++)
                    *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
            }
        } else if (!strncasecmp(line, "Transfer-Encoding:", 18) && strstr(line, "chunked")) {
            chunked = 1;
        } else if (!strncasecmp(line, "Content-Encoding:", 17) && !strstr(line, "identity")) {
            free(*mime);
            *mime = NULL;
            return 2; /* compressed bodies: not decoded (yet) */
        }
    }
    *body = (size_t)(eoh - data) + 4;
    *blen = len - *body;
    if (chunked) {
        long n = dechunk(data + *body, *blen);
        if (n < 0) {
            free(*mime);
            *mime = NULL;
            return -1;
        }
        *blen = (size_t)n;
    }
    return 0;
}

/* WARC paths: libarchive gives the target URI's path; "" or a trailing "/"
 * means the folder's index.html, and a query string is dropped. */
static char *warc_path(const char *name)
{
    char *s = NULL;
    size_t l = strcspn(name, "?#");
    if (asprintf(&s, "%.*s%s", (int)l, name, (l == 0 || name[l - 1] == '/') ? "index.html" : "") < 0)
        return NULL;
    return s;
}

static smz_err pack_archive(smz_writer *w, const char *path, const smz_pack_opts *o, char *err,
                            size_t errlen)
{
    smz_packer p = {.w = w,
                    .o = o,
                    .err = err,
                    .errlen = errlen,
                    .articles = o->articles > 0,
                    .index_text = o->index_text || o->articles > 0};
    struct archive *a = archive_read_new();
    struct archive_entry *ae;
    smz_err rc = SMZ_OK;
    int stdin_input = !strcmp(path, "-"), warc = 0, r;
    const char *shown = stdin_input ? "standard input" : path;
    smz_warc_pipe *pipe = NULL;
    smz_pack_order *order = NULL;
    if (!a)
        return smz__packer_fail(&p, SMZ_E_NOMEM, "out of memory");
    if ((rc = smz__order_open(&p, NULL, &order)) != SMZ_OK)
        goto out;
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    /* WARC files and standard input go through the mending pre-reader;
     * other files are opened directly, so formats that seek (7z, ISO, zip's
     * central directory) work. */
    if (!(pipe = smz__warc_pipe_open(stdin_input ? NULL : path, &warc))) {
        rc = smz__packer_fail(&p, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if (warc || stdin_input) {
        r = smz__warc_pipe_attach(pipe, a, warc);
    } else {
        smz__warc_pipe_close(pipe);
        pipe = NULL;
        r = archive_read_open_filename(a, path, 1 << 16);
    }
    if (r != ARCHIVE_OK) {
        rc = smz__packer_fail(&p, SMZ_E_IO, "%s: %s", shown, archive_error_string(a));
        goto out;
    }
    for (;;) {
        if (smz__writer_interrupted(w)) {
            rc = smz__packer_fail(&p, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            rc = smz__packer_fail(&p, SMZ_E_CORRUPT, "%s: %s", shown, archive_error_string(a));
            goto out;
        }
        const char *raw = archive_entry_pathname_utf8(ae);
        if (!raw)
            raw = archive_entry_pathname(ae);
        char *wp = warc && raw ? warc_path(raw) : NULL;
        char *rel = clean_name(wp ? wp : raw);
        free(wp);
        mode_t type = archive_entry_filetype(ae);
        if (type == AE_IFDIR) {
            free(rel);
            continue;
        }
        if (!rel) {
            smz__packer_warn(&p, "%s: unsafe or non-UTF-8 name %.200s; skipped", shown,
                             raw ? raw : "(none)");
            continue;
        }
        if (hidden(rel) && !o->include_hidden) {
            free(rel);
            continue;
        }
        const char *hl = archive_entry_hardlink_utf8(ae);
        if (!hl)
            hl = archive_entry_hardlink(ae);
        if (hl || type == AE_IFLNK) {
            const char *t = hl ? hl : archive_entry_symlink_utf8(ae);
            if (!t)
                t = archive_entry_symlink(ae);
            char *target = !t ? NULL : hl ? clean_name(t) : resolve_link(rel, t);
            if (!target)
                smz__packer_warn(&p, "%s: %s: link points outside the archive; skipped", shown, rel);
            else if ((rc = smz__order_redirect(order, rel, target)) != SMZ_OK) {
                free(target);
                free(rel);
                goto out;
            }
            free(target);
            free(rel);
            continue;
        }
        if (type != AE_IFREG) {
            smz__packer_warn(&p, "%s: %s: not a regular file (device, FIFO or socket); skipped", shown,
                             rel);
            free(rel);
            continue;
        }
        if (!warc) {
            rc = spool_member(&p, a, ae, order, shown, rel);
            free(rel);
            if (rc != SMZ_OK)
                goto out;
            continue;
        }
        unsigned char *data = NULL;
        size_t len = 0;
        uint64_t max = smz__packer_max_entry(&p);
        int got = read_member(a, max < SMZ_WRITER_LARGE_ENTRY ? (size_t)max : SMZ_WRITER_LARGE_ENTRY,
                              &data, &len);
        if (got == 1) {
            smz__packer_warn(&p, "%s: %s: a WARC record over %llu bytes; skipped", shown, rel,
                             (unsigned long long)(max < SMZ_WRITER_LARGE_ENTRY
                                                      ? max
                                                      : SMZ_WRITER_LARGE_ENTRY));
            free(rel);
            continue;
        }
        if (got < 0) {
            rc = smz__packer_fail(&p, SMZ_E_CORRUPT, "%s: %s: %s", shown, rel,
                                  archive_error_string(a) ? archive_error_string(a) : "out of memory");
            free(rel);
            goto out;
        }
        char *mime = NULL;
        size_t body = 0, blen = len;
        /* libarchive 3.6 hands out the record's 4-byte "\r\n\r\n"
         * separator after the content; the declared size is right. */
        if (warc && archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0 &&
            (uint64_t)archive_entry_size(ae) < len)
            blen = len = (size_t)archive_entry_size(ae);
        if (warc) {
            int u = unwrap_http(data, len, &body, &blen, &mime);
            if (u != 0) {
                if (u < 0)
                    smz__packer_warn(&p, "%s: %s: malformed HTTP response; skipped", shown, rel);
                else if (u == 2)
                    smz__packer_warn(&p, "%s: %s: compressed HTTP body (Content-Encoding); skipped",
                                     shown, rel);
                free(data);
                free(rel);
                continue;
            }
        }
        rc = smz__order_bytes(order, rel, data + body, blen, mime, (int64_t)archive_entry_mtime(ae));
        free(mime);
        free(data);
        free(rel);
        if (rc != SMZ_OK)
            goto out;
    }
    rc = smz__order_replay(order);
out:
    smz__order_free(order);
    smz__packer_close(&p);
    archive_read_free(a);
    smz__warc_pipe_close(pipe);
    return rc;
}

smz_err smz_pack_archive(smz_writer *w, const char *path, const smz_pack_opts *o)
{
    char err[1024] = "";
    return smz__pack_report(w, pack_archive(w, path, o, err, sizeof err), err);
}
