/* The updates lying beside archives, as catalogs advertise them
 * (include/smz/delta.h, docs/CATALOG.md "Updates"): an update's header read
 * and checked for its form, a folder's updates listed, the ones that lead
 * to an archive picked, the Atom link written.  Apart from lib/delta.c so
 * that the server (and its WebAssembly build) need not carry zstd's diff
 * and patch. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "smz/delta.h"
#include "smz/util.h"
#include "delta_priv.h"
#include "error.h"
#include "util/varint.h"

static smz_err lfail(int lang, char *err, size_t errlen, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static smz_err lfail(int lang, char *err, size_t errlen, smz_err e, const char *fmt, ...)
{
    if (errlen) {
        va_list ap;
        va_start(ap, fmt);
        smz__vformat_lang(err, errlen, lang, fmt, ap);
        va_end(ap);
    }
    return e;
}

int smz__upd_header_get(const unsigned char *b, size_t n, upd_header *h)
{
    const unsigned char *p = b + 8, *end = b + n;
    memset(h, 0, sizeof *h);
    if (n < 8 || memcmp(b, UPD_MAGIC, 6) != 0)
        return -1;
    if (memcmp(b, UPD_MAGIC, 8) != 0)
        return -2;
    if (!smz_varint_get(&p, end, &h->old_size) || (size_t)(end - p) < UPD_OLD_SHA + 32)
        return -3;
    memcpy(h->old_sha, p, UPD_OLD_SHA);
    memcpy(h->old_digest, p + UPD_OLD_SHA, 32);
    p += UPD_OLD_SHA + 32;
    if (!smz_varint_get(&p, end, &h->new_size) || (size_t)(end - p) < 64)
        return -3;
    memcpy(h->new_sha, p, 32);
    memcpy(h->new_digest, p + 32, 32);
    p += 64;
    if (!smz_varint_get(&p, end, &h->t) || !smz_varint_get(&p, end, &h->s) ||
        !smz_varint_get(&p, end, &h->p) || h->old_size > MAX_FILE || h->new_size > MAX_FILE)
        return -3;
    h->len = (size_t)(p - b);
    return 0;
}

size_t smz__upd_header_put(const upd_header *h, unsigned char *out)
{
    unsigned char *p = out;
    memcpy(p, UPD_MAGIC, 8);
    p += 8;
    p += smz_varint_put(p, h->old_size);
    memcpy(p, h->old_sha, UPD_OLD_SHA);
    memcpy(p + UPD_OLD_SHA, h->old_digest, 32);
    p += UPD_OLD_SHA + 32;
    p += smz_varint_put(p, h->new_size);
    memcpy(p, h->new_sha, 32);
    memcpy(p + 32, h->new_digest, 32);
    p += 64;
    p += smz_varint_put(p, h->t);
    p += smz_varint_put(p, h->s);
    p += smz_varint_put(p, h->p);
    return (size_t)(p - out);
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

int smz__upd_layout(const upd_header *h, uint64_t size, const unsigned char *tail, uint64_t *body,
                    uint64_t *sig)
{
    uint64_t t = h->t, s = h->s, p = h->p;
    *body = *sig = 0;
    if (t > size || s > size || p > size || h->len + t + s + p > size)
        return -1;
    *body = h->len + t + s + p;
    if (*body == size)
        return 0;
    uint64_t g = tail && size - *body >= 16 ? get64(tail) : 0;
    if (!tail || size - *body < 16 || memcmp(tail + 8, UPD_SIG_MAGIC, 8) || !g || g > UPD_SIG_MAX ||
        g != size - *body - 16)
        return -1;
    *sig = g;
    return 0;
}

int smz__upd_layout_fd(int fd, uint64_t size, const upd_header *h, uint64_t *body, uint64_t *sig)
{
    unsigned char tail[16];
    int have = size >= h->len + 16 && pread(fd, tail, 16, (off_t)(size - 16)) == 16;
    return smz__upd_layout(h, size, have ? tail : NULL, body, sig);
}

int smz__upd_read_fd(int fd, uint64_t size, upd_header *h, uint64_t *body, uint64_t *sig)
{
    unsigned char b[UPD_HEADER_MAX];
    size_t want = size < sizeof b ? (size_t)size : sizeof b, got = 0;
    while (got < want) {
        ssize_t r = pread(fd, b + got, want - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -4;
        got += (size_t)r;
    }
    int rc = smz__upd_header_get(b, got, h);
    if (rc != 0)
        return rc;
    return smz__upd_layout_fd(fd, size, h, body, sig) != 0 ? -3 : 0;
}

smz_err smz_delta_info_read(const char *path, smz_delta_info *info, int lang, char *err, size_t errlen)
{
    upd_header h;
    struct stat st;
    if (errlen)
        err[0] = 0;
    memset(info, 0, sizeof *info);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return lfail(lang, err, errlen, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path,
                     strerror(errno));
    uint64_t size = 0, body, sig;
    int rc = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        size = (uint64_t)st.st_size;
        rc = smz__upd_read_fd(fd, size, &h, &body, &sig);
    }
    close(fd);
    if (rc == -1 || rc == -2 || rc == -4)
        return lfail(lang, err, errlen, SMZ_E_CORRUPT, "%s: not an smz update", path);
    if (rc != 0)
        return lfail(lang, err, errlen, SMZ_E_CORRUPT,
                     "%s: the update is damaged (its sizes do not add up to its length)", path);
    info->size = size;
    info->sig_inside = sig != 0;
    info->old_size = h.old_size;
    info->new_size = h.new_size;
    memcpy(info->old_sha256, h.old_sha, sizeof info->old_sha256);
    memcpy(info->new_sha256, h.new_sha, 32);
    sodium_bin2hex(info->old_digest, sizeof info->old_digest, h.old_digest, 32);
    sodium_bin2hex(info->new_digest, sizeof info->new_digest, h.new_digest, 32);
    return SMZ_OK;
}

int smz_delta_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 7 || n > 255 || s[0] == '.' || s[0] == '-' || strcmp(s + n - 6, ".smzup"))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-' || ch == '+'))
            return 0;
    }
    return 1;
}

static int upd_cmp(const void *a, const void *b)
{
    return strcmp(((const smz_delta_file *)a)->file, ((const smz_delta_file *)b)->file);
}

void smz_delta_list_free(smz_delta_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->u[i].file);
    free(l->u);
    l->u = NULL;
    l->n = 0;
}

smz_err smz_delta_scan(const char *dir, smz_delta_list *out, int lang, char *err, size_t errlen)
{
    smz_err rc = SMZ_OK;
    size_t cap = 0;
    char *path = NULL;
    if (errlen)
        err[0] = 0;
    DIR *d = opendir(dir);
    if (!d)
        return lfail(lang, err, errlen, SMZ_E_IO, "%s: %s", dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!smz_delta_name_ok(de->d_name))
            continue;
        size_t n = strlen(dir) + strlen(de->d_name) + 10;
        free(path);
        if (!(path = malloc(n))) {
            rc = lfail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        snprintf(path, n, "%s/%s", dir, de->d_name);
        smz_delta_info info;
        char why[1];
        if (smz_delta_info_read(path, &info, lang, why, sizeof why) != SMZ_OK)
            continue;
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            smz_delta_file *u = realloc(out->u, nc * sizeof *u);
            if (!u) {
                rc = lfail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            out->u = u;
            cap = nc;
        }
        smz_delta_file *f = &out->u[out->n];
        if (!(f->file = strdup(de->d_name))) {
            rc = lfail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        f->info = info;
        snprintf(path + strlen(path), n - strlen(path), ".minisig");
        struct stat st;
        f->sig_detached = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
        out->n++;
    }
    if (out->n)
        qsort(out->u, out->n, sizeof *out->u, upd_cmp);
out:
    free(path);
    closedir(d);
    return rc;
}

size_t smz_delta_leading_to(const smz_delta_list *l, const char *digest, size_t *idx, size_t max)
{
    /* A fixed point over at most l->n rounds: each round takes at least
     * one more update or stops. */
    unsigned char *taken = l->n ? calloc(l->n, 1) : NULL;
    size_t count = 0;
    if (!taken)
        return 0;
    for (int more = 1; more;) {
        more = 0;
        for (size_t i = 0; i < l->n; i++) {
            if (taken[i])
                continue;
            int leads = !strcmp(l->u[i].info.new_digest, digest);
            for (size_t j = 0; !leads && j < l->n; j++)
                leads = taken[j] && j != i && !strcmp(l->u[i].info.new_digest, l->u[j].info.old_digest);
            if (leads && strcmp(l->u[i].info.old_digest, l->u[i].info.new_digest)) {
                taken[i] = 1;
                count++;
                more = 1;
            }
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < l->n && k < max; i++)
        if (taken[i])
            idx[k++] = i;
    free(taken);
    return count;
}

smz_err smz_delta_opds_link(smz_strbuf *b, const smz_delta_file *u, const char *prefix)
{
    smz_strbuf_adds(b, "<link rel=\"" SMZ_DELTA_REL "\" type=\"" SMZ_DELTA_TYPE "\" href=\"");
    smz_xml_str(b, prefix);
    smz_url_segment(b, u->file, strlen(u->file));
    smz_strbuf_addf(b, "\" length=\"%llu\" smz:from=\"%s\" smz:to=\"%s\"",
                    (unsigned long long)u->info.size, u->info.old_digest, u->info.new_digest);
    if (u->sig_detached) {
        smz_strbuf_adds(b, " smz:signature=\"");
        smz_xml_str(b, prefix);
        smz_url_segment(b, u->file, strlen(u->file));
        smz_strbuf_adds(b, ".minisig\"");
    }
    if (u->info.sig_inside)
        smz_strbuf_adds(b, " smz:signed-inside=\"true\"");
    return smz_strbuf_adds(b, "/>");
}
