/* Mends two gaps in libarchive 3.6's WARC reader by rewriting the stream
 * before it reads it: (1) it finds no name in "WARC-Target-URI: <http://...>",
 * the bracketed form wget and WARC 1.0 crawlers write, so it returns no
 * records at all; (2) it drops records whose URI ends in "/" (every folder's
 * index, the site's root among them).  We strip the brackets and turn
 * ".../" into ".../index.html".  The rewrite understands the record
 * structure (header block, then Content-Length bytes of content), so bytes
 * inside archived content are never touched.  Decompression (.warc.gz) is
 * done by a first libarchive reader in "raw" mode. */
#include <archive.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "warc_fix.h"

#define LINE_MAX_BYTES 65536

struct smz_warc_pipe {
    struct archive *src; /* raw: decompressed bytes of the input */
    unsigned char in[65536];
    size_t in_len, in_pos;
    int eof;
    char line[LINE_MAX_BYTES + 1];
    size_t line_len;
    int in_header;
    unsigned long long clen, body_left;
    unsigned char out[LINE_MAX_BYTES * 2 + 64];
    size_t out_len;
};

static int fill(smz_warc_pipe *p)
{
    if (p->in_pos < p->in_len)
        return 1;
    if (p->eof)
        return 0;
    la_ssize_t r = archive_read_data(p->src, p->in, sizeof p->in);
    if (r <= 0) {
        p->eof = 1;
        return 0;
    }
    p->in_len = (size_t)r;
    p->in_pos = 0;
    return 1;
}

static void emit(smz_warc_pipe *p, const void *b, size_t n)
{
    memcpy(p->out + p->out_len, b, n);
    p->out_len += n;
}

/* Writes the URI header line, mended. */
static void emit_uri(smz_warc_pipe *p, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
        v++, n -= 2;
    size_t cut = n; /* before any query or fragment */
    for (size_t i = 0; i < n; i++)
        if (v[i] == '?' || v[i] == '#') {
            cut = i;
            break;
        }
    const char *scheme = memchr(v, ':', cut);
    int slash_end = cut > 0 && v[cut - 1] == '/';
    /* "http://host" with no path is the root too */
    int bare_host = scheme && cut > (size_t)(scheme - v) + 3 &&
                    !memchr(scheme + 3, '/', cut - (size_t)(scheme + 3 - v));
    emit(p, "WARC-Target-URI: ", 17);
    emit(p, v, cut);
    if (bare_host)
        emit(p, "/", 1);
    if (slash_end || bare_host)
        emit(p, "index.html", 10);
    emit(p, v + cut, n - cut);
    emit(p, "\r\n", 2);
}

static void end_line(smz_warc_pipe *p)
{
    char *l = p->line;
    size_t n = p->line_len;
    p->line_len = 0;
    if (!strncmp(l, "WARC/", 5)) {
        p->in_header = 1;
        p->clen = 0;
    } else if (p->in_header && (n == 1 || (n == 2 && l[0] == '\r'))) {
        p->in_header = 0;
        p->body_left = p->clen;
    } else if (p->in_header && n > 16 && !strncasecmp(l, "WARC-Target-URI:", 16)) {
        emit_uri(p, l + 16, n - 16);
        return;
    } else if (p->in_header && n > 15 && !strncasecmp(l, "Content-Length:", 15)) {
        p->clen = strtoull(l + 15, NULL, 10);
    }
    emit(p, l, n);
}

static la_ssize_t pipe_read(struct archive *a, void *ctx, const void **buf)
{
    smz_warc_pipe *p = ctx;
    (void)a;
    p->out_len = 0;
    while (p->out_len < LINE_MAX_BYTES && fill(p)) {
        size_t avail = p->in_len - p->in_pos;
        if (p->body_left) {
            size_t n = avail < p->body_left ? avail : (size_t)p->body_left;
            if (n > LINE_MAX_BYTES - p->out_len)
                n = LINE_MAX_BYTES - p->out_len;
            emit(p, p->in + p->in_pos, n);
            p->in_pos += n;
            p->body_left -= n;
            continue;
        }
        unsigned char c = p->in[p->in_pos++];
        p->line[p->line_len++] = (char)c;
        if (c == '\n') {
            p->line[p->line_len] = 0;
            end_line(p);
        } else if (p->line_len == LINE_MAX_BYTES) { /* no header is this long */
            emit(p, p->line, p->line_len);
            p->line_len = 0;
        }
    }
    if (p->eof && p->line_len) { /* a last line without newline */
        emit(p, p->line, p->line_len);
        p->line_len = 0;
    }
    *buf = p->out;
    return (la_ssize_t)p->out_len;
}

static la_ssize_t plain_read(struct archive *a, void *ctx, const void **buf)
{
    smz_warc_pipe *p = ctx;
    (void)a;
    if (!fill(p))
        return 0;
    *buf = p->in + p->in_pos;
    size_t n = p->in_len - p->in_pos;
    p->in_pos = p->in_len;
    return (la_ssize_t)n;
}

smz_warc_pipe *smz__warc_pipe_open(const char *path, int *is_warc)
{
    smz_warc_pipe *p = calloc(1, sizeof *p);
    struct archive_entry *ae;
    *is_warc = 0;
    if (!p || !(p->src = archive_read_new())) {
        free(p);
        return NULL;
    }
    archive_read_support_filter_all(p->src);
    archive_read_support_format_raw(p->src);
    int r = path ? archive_read_open_filename(p->src, path, 1 << 16)
                 : archive_read_open_fd(p->src, 0, 1 << 16);
    if (r != ARCHIVE_OK || archive_read_next_header(p->src, &ae) != ARCHIVE_OK) {
        p->eof = 1; /* the second reader reports the error */
        return p;
    }
    if (fill(p) && p->in_len >= 5 && !memcmp(p->in, "WARC/", 5))
        *is_warc = 1;
    return p;
}

int smz__warc_pipe_attach(smz_warc_pipe *p, struct archive *dst, int is_warc)
{
    return archive_read_open(dst, p, NULL, is_warc ? pipe_read : plain_read, NULL);
}

void smz__warc_pipe_close(smz_warc_pipe *p)
{
    if (!p)
        return;
    archive_read_free(p->src);
    free(p);
}
