/* Helpers shared by the minisign code: the signing context that carries
 * each call's error message, a strict line splitter (the one place line
 * caps, NUL bytes and CR are policed), exact-length base64 through
 * libsodium, and reading and creating the small key and signature files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sign/sign_priv.h"
#include "util/file.h"
#include "error.h"
#include "smz/i18n.h"

smz_err smz_sign_ctx_new(smz_sign_ctx **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? SMZ_OK : SMZ_E_NOMEM;
}

void smz_sign_ctx_free(smz_sign_ctx *cx)
{
    free(cx);
}

void smz_sign_ctx_set_lang(smz_sign_ctx *cx, int lang)
{
    if (cx)
        cx->lang = lang;
}

const char *smz_sign_ctx_errmsg(const smz_sign_ctx *cx)
{
    return cx ? cx->msg : "out of memory";
}

char *smz__sign_msg(smz_sign_ctx *cx)
{
    return cx ? cx->msg : NULL;
}

size_t smz__sign_msglen(const smz_sign_ctx *cx)
{
    return cx ? sizeof cx->msg : 0;
}

smz_err smz__sign_fail(smz_sign_ctx *cx, smz_err rc, const char *fmt, ...)
{
    va_list ap;

    if (cx) {
        va_start(ap, fmt);
        /* truncation is fine: documented */
        smz__vformat_lang(cx->msg, sizeof cx->msg, cx->lang, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void smz__sign_name_file(smz_sign_ctx *cx, const char *path)
{
    char copy[SMZ__SIGN_MSG_MAX];
    if (!cx)
        return;
    memcpy(copy, cx->msg, sizeof copy);
    if (snprintf(cx->msg, sizeof cx->msg, "%s: %s", path, copy) >= (int)sizeof cx->msg)
        return; /* cut short: the documented cap of a message */
}

smz_err smz__sign_begin(smz_sign_ctx *cx)
{
    if (cx)
        cx->msg[0] = '\0';
    if (sodium_init() < 0)
        return smz__sign_fail(cx, SMZ_E_INTERNAL, "libsodium failed to initialise");
    return SMZ_OK;
}

smz_err smz__sign_enter(smz_sign_ctx *cx, const char *fn, int args_ok)
{
    smz_err rc = smz__sign_begin(cx);
    if (rc == SMZ_OK && !args_ok)
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "%s: NULL argument", fn);
    return rc;
}

int smz__sign_lang(const smz_sign_ctx *cx)
{
    return cx ? cx->lang : SMZ_UI_EN;
}

/* WHAT ("public key", SMZ_N_ in the callers) in CX's language. */
static const char *tw(const smz_sign_ctx *cx, const char *what)
{
    return smz_tr(smz__sign_lang(cx), what);
}

void smz__sign_keyid_hex(const unsigned char id[SMZ__KEYNUM_BYTES], char out[SMZ_KEYID_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    /* minisign prints the id as a little-endian 64-bit number. */
    for (i = 0; i < SMZ__KEYNUM_BYTES; i++) {
        unsigned char b = id[SMZ__KEYNUM_BYTES - 1 - i];
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[2 * SMZ__KEYNUM_BYTES] = '\0';
    /* ... with printf's %X: no leading zeros ("7EA8A8414781623"). */
    size_t z = 0;
    while (z + 1 < 2 * SMZ__KEYNUM_BYTES && out[z] == '0')
        z++;
    memmove(out, out + z, 2 * SMZ__KEYNUM_BYTES + 1 - z);
}

int smz__sign_has_prefix(const char *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(line, prefix, n) == 0;
}

int smz__sign_bad_comment(const char *s, size_t len)
{
    return memchr(s, '\n', len) || memchr(s, '\r', len) || memchr(s, '\0', len);
}

void smz__lines_init(smz__lines *it, const char *text, size_t len, const char *what)
{
    it->text = text;
    it->len = text ? len : 0;
    it->pos = 0;
    it->lineno = 0;
    it->what = what;
    it->rc = SMZ_OK;
}

int smz__lines_next(smz__lines *it, const char **line, size_t *linelen, smz_sign_ctx *cx)
{
    const char *start, *nl;
    size_t rest, scan, n, content;

    if (it->pos >= it->len)
        return 0;
    start = it->text + it->pos;
    rest = it->len - it->pos;
    /* Never look further than a line may be long: a hostile file with no
     * line end costs one bounded scan. */
    scan = rest < (size_t)SMZ_SIGN_LINE_MAX + 2 ? rest : (size_t)SMZ_SIGN_LINE_MAX + 2;
    nl = memchr(start, '\n', scan);
    n = nl ? (size_t)(nl - start) : scan;
    it->lineno++;
    content = n;
    if (nl && content > 0 && start[content - 1] == '\r')
        content--;
    if (content > SMZ_SIGN_LINE_MAX || (!nl && scan < rest)) {
        it->rc = smz__sign_fail(cx, SMZ_E_INVALID, "%s: line %zu is longer than %d bytes",
                                tw(cx, it->what), it->lineno, SMZ_SIGN_LINE_MAX);
        return -1;
    }
    if (memchr(start, '\0', content)) {
        it->rc = smz__sign_fail(cx, SMZ_E_INVALID, "%s: line %zu contains a NUL byte", tw(cx, it->what),
                                it->lineno);
        return -1;
    }
    if (memchr(start, '\r', content)) {
        it->rc = smz__sign_fail(cx, SMZ_E_INVALID,
                                "%s: line %zu contains a carriage return not ending the line",
                                tw(cx, it->what), it->lineno);
        return -1;
    }
    it->pos += n + (nl ? 1 : 0);
    *line = start;
    *linelen = content;
    return 1;
}

smz_err smz__sign_b64_exact(const char *line, size_t len, unsigned char *bin, size_t binlen,
                            const char *what, size_t lineno, const char *field, smz_sign_ctx *cx)
{
    size_t want = SMZ__B64_LEN(binlen), got = 0;

    if (len != want)
        return smz__sign_fail(cx, SMZ_E_INVALID,
                              "%s: line %zu has %zu characters; a %s is %zu (base64 of %zu bytes)",
                              tw(cx, what), lineno, len, tw(cx, field), want, binlen);
    /* No ignore set and no end pointer: any non-base64 byte, bad padding or
     * non-zero trailing bits make libsodium fail. */
    if (sodium_base642bin(bin, binlen, line, len, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        got != binlen)
        return smz__sign_fail(cx, SMZ_E_INVALID, "%s: line %zu (%s) is not valid base64", tw(cx, what),
                              lineno, tw(cx, field));
    return SMZ_OK;
}

smz_err smz__sign_head(const char *const *line, const size_t *llen, const char *what, const char *field,
                       unsigned char *bin, size_t binlen, smz_sign_ctx *cx)
{
    if (!smz__sign_has_prefix(line[0], llen[0], SMZ__UNTRUSTED_PREFIX))
        return smz__sign_fail(cx, SMZ_E_INVALID, "%s: line 1 must start with \"untrusted comment: \"",
                              tw(cx, what));
    return smz__sign_b64_exact(line[1], llen[1], bin, binlen, what, 2, field, cx);
}

smz_err smz__pubkey_from_line(const char *line, size_t len, const char *what, size_t lineno,
                              struct smz_pubkey *pk, smz_sign_ctx *cx)
{
    unsigned char bin[SMZ__PUBKEY_BIN];
    smz_err rc;

    rc = smz__sign_b64_exact(line, len, bin, sizeof bin, what, lineno, SMZ_N_("public key"), cx);
    if (rc != SMZ_OK)
        return rc;
    if (memcmp(bin, SMZ__ALG_LEGACY, 2) != 0)
        return smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                              "%s: line %zu: unknown key algorithm 0x%02X%02X (expected \"Ed\")",
                              tw(cx, what), lineno, bin[0], bin[1]);
    memcpy(pk->keyid, bin + 2, SMZ__KEYNUM_BYTES);
    memcpy(pk->pk, bin + 2 + SMZ__KEYNUM_BYTES, sizeof pk->pk);
    return SMZ_OK;
}

/* Grows *buf to NEWCAP bytes; a secret buffer is copied and wiped rather
 * than realloc'd so no copy of it is left behind. */
static int grow(char **buf, size_t used, size_t oldcap, size_t newcap, int secret)
{
    char *p;

    if (!secret) {
        p = realloc(*buf, newcap);
        if (!p)
            return -1;
        *buf = p;
        return 0;
    }
    p = malloc(newcap);
    if (!p)
        return -1;
    memcpy(p, *buf, used);
    sodium_memzero(*buf, oldcap);
    free(*buf);
    *buf = p;
    return 0;
}

smz_err smz__sign_read_file(const char *path, size_t cap, int secret, char **buf, size_t *len,
                            smz_sign_ctx *cx)
{
    smz_err rc;
    struct stat st;
    char *b = NULL;
    size_t used = 0, alloc = 0;
    int fd = -1, e;
    ssize_t n;

    *buf = NULL;
    *len = 0;
    const char *why;
    fd = smz_file_open(path, 0, &st, &why);
    if (fd < 0) {
        e = errno;
        rc = smz__sign_fail(cx, e == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path, tw(cx, why));
        goto out;
    }
    /* The size is only a first guess (the file may change). */
    alloc = 4096;
    if (st.st_size > 0 && (uint64_t)st.st_size < (uint64_t)cap)
        alloc = (size_t)st.st_size + 2;
    if (alloc > cap + 2)
        alloc = cap + 2;
    b = malloc(alloc);
    if (!b) {
        rc = smz__sign_fail(cx, SMZ_E_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (;;) {
        if (used + 1 >= alloc) { /* keep room for the NUL */
            size_t next = alloc > (cap + 2) / 2 ? cap + 2 : alloc * 2;
            if (alloc >= cap + 2) {
                rc = smz__sign_fail(cx, SMZ_E_TOOBIG, "%s: over %zu bytes", path, cap);
                goto out;
            }
            if (grow(&b, used, alloc, next, secret) != 0) {
                rc = smz__sign_fail(cx, SMZ_E_NOMEM, "%s: out of memory", path);
                goto out;
            }
            alloc = next;
        }
        n = read(fd, b + used, alloc - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            rc = smz__sign_fail(cx, SMZ_E_IO, "%s: %s", path, strerror(e));
            goto out;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > cap) {
            rc = smz__sign_fail(cx, SMZ_E_TOOBIG, "%s: over %zu bytes", path, cap);
            goto out;
        }
    }
    b[used] = '\0';
    *buf = b;
    *len = used;
    b = NULL;
    rc = SMZ_OK;
out:
    if (b) {
        if (secret)
            sodium_memzero(b, alloc);
        free(b);
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

smz_err smz__sign_parse_begin(smz_sign_ctx *cx, const char *fn, int out_ok, const char *text, size_t len,
                              const char *what, size_t max, const char **line, size_t *llen, size_t *n)
{
    smz__lines it;
    smz_err rc;
    int r;

    *n = 0;
    rc = smz__sign_enter(cx, fn, out_ok && (text || !len));
    if (rc != SMZ_OK)
        return rc;
    smz__lines_init(&it, text, len, what);
    while (*n < max && (r = smz__lines_next(&it, &line[*n], &llen[*n], cx)) != 0) {
        if (r < 0)
            return it.rc;
        (*n)++;
    }
    return SMZ_OK;
}

smz_err smz__sign_load(smz_sign_ctx *cx, const char *fn, const char *path, void *out, size_t cap,
                       unsigned flags, smz__sign_parse_fn parse, const void *arg)
{
    int secret = (flags & SMZ__LOAD_SECRET) != 0;
    smz_err rc;
    char *buf = NULL;
    size_t len = 0;

    rc = smz__sign_enter(cx, fn, path && out);
    if (rc != SMZ_OK)
        goto out;
    rc = smz__sign_read_file(path, cap, secret, &buf, &len, cx);
    if (rc != SMZ_OK)
        goto out;
    if ((rc = parse(cx, buf, len, arg, out)) != SMZ_OK && (flags & SMZ__LOAD_NAME_FILE))
        smz__sign_name_file(cx, path);
out:
    if (buf && secret)
        smz_sign_free_secret(buf, len + 1);
    else
        free(buf);
    return rc;
}

smz_err smz__sign_join(const smz__sign_pair *pairs, size_t n, char **text, size_t *total,
                       smz_sign_ctx *cx)
{
    size_t i, len = 0;
    char *t, *p;

    for (i = 0; i < n; i++)
        len += strlen(pairs[i].prefix) + pairs[i].tlen + 1 + pairs[i].blen + 1;
    t = malloc(len + 1);
    if (!t)
        return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
    p = t;
    for (i = 0; i < n; i++) {
        size_t plen = strlen(pairs[i].prefix);
        memcpy(p, pairs[i].prefix, plen);
        p += plen;
        if (pairs[i].tlen)
            memcpy(p, pairs[i].text, pairs[i].tlen);
        p += pairs[i].tlen;
        *p++ = '\n';
        memcpy(p, pairs[i].b64, pairs[i].blen);
        p += pairs[i].blen;
        *p++ = '\n';
    }
    *p = '\0';
    *text = t;
    if (total)
        *total = len;
    return SMZ_OK;
}

smz_err smz__sign_write_new(const char *path, const char *data, size_t len, mode_t mode,
                            smz_sign_ctx *cx)
{
    smz_err rc;
    size_t done = 0;
    ssize_t n;
    int fd, e, created = 0;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        e = errno;
        rc = smz__sign_fail(cx,
                            e == EEXIST                  ? SMZ_E_EXISTS
                            : e == ENOENT                ? SMZ_E_NOTFOUND
                            : e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE
                                                         : SMZ_E_IO,
                            "cannot create %s: %s", path, strerror(e));
        goto out;
    }
    created = 1;
    while (done < len) {
        n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : EIO;
            rc = smz__sign_fail(cx, e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO,
                                "cannot write %s: %s", path, strerror(e));
            goto out;
        }
        done += (size_t)n;
    }
    if (fsync(fd) != 0 && errno != EINVAL) {
        e = errno;
        rc = smz__sign_fail(cx, SMZ_E_IO, "cannot write %s: %s", path, strerror(e));
        goto out;
    }
    e = close(fd) == 0 ? 0 : errno;
    fd = -1;
    if (e) {
        rc = smz__sign_fail(cx, e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO,
                            "cannot write %s: %s", path, strerror(e));
        goto out;
    }
    rc = SMZ_OK;
out:
    if (fd >= 0)
        close(fd);
    if (rc != SMZ_OK && created)
        unlink(path);
    return rc;
}
