/* The manifest of a split archive, NAME.parts (smz/split.h, docs/FORMAT.md
 * "Split archives"): writing it from an open set, parsing it strictly, and
 * checking one part against it without opening the others, so that a copy
 * of one part (one stick of several) can be checked where it is.
 *
 * The manifest is advice, never a key to the archive: readers do not need
 * it, and a part that matches it is still read through every check of
 * smz_split_open and smz_reader_check.  What it adds is a name for the part
 * that went wrong.  The hash is BLAKE2b-256 (libsodium's
 * crypto_generichash), as lib/sign hashes; it is not a signature. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "smz/i18n.h"
#include "smz/sign.h"
#include "error.h"
#include "smz/split.h"
#include "smz/util.h"
#include "split.h"

#define MAGIC_LINE "smz-parts 1"
#define SIZE_MAX_VALUE ((uint64_t)1 << 62)

struct smz_parts {
    char *stem; /* NAME.smz */
    char *path; /* NAME.parts */
    char *name; /* room for one part's name */
    char uuid[37];
    uint64_t total, part;
    unsigned n;
    uint64_t size[SMZ_SPLIT_MAX_PARTS];
    unsigned char hash[SMZ_SPLIT_MAX_PARTS][SMZ_PARTS_HASH_BYTES];
    char errmsg[1200];
    int lang; /* errmsg's language (smz/i18n.h) */
};

#define FAIL(m, e, ...) smz__errf_lang((m)->errmsg, sizeof(m)->errmsg, (m)->lang, (e), __VA_ARGS__)

/* The stem of PATH: PATH less ".NNN" for a part, else PATH itself. */
static char *stem_of(const char *path)
{
    size_t n = strlen(path);
    if (smz_split_part_number(path))
        n -= 4;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, path, n);
        s[n] = 0;
    }
    return s;
}

static void name_part(char *out, const char *stem, unsigned k)
{
    size_t n = strlen(stem);
    memcpy(out, stem, n);
    snprintf(out + n, 5, ".%03u", k % 1000);
}

static int uuid_valid(const char *u)
{
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f')))
            return 0;
    }
    return u[36] == 0;
}

/* Hashes the file open as FD, which must hold exactly SIZE bytes. */
static smz_err hash_fd(int fd, uint64_t size, unsigned char out[SMZ_PARTS_HASH_BYTES], char *buf,
                       size_t cap)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, SMZ_PARTS_HASH_BYTES);
    uint64_t off = 0;
    for (;;) {
        ssize_t k = pread(fd, buf, cap, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return SMZ_E_IO;
        if (k == 0)
            break;
        crypto_generichash_update(&st, (const unsigned char *)buf, (unsigned long long)k);
        off += (uint64_t)k;
    }
    crypto_generichash_final(&st, out, SMZ_PARTS_HASH_BYTES);
    return off == size ? SMZ_OK : SMZ_E_CORRUPT;
}

enum { HASH_BUF = 1 << 20 };

/* A new handle for the set STEM (a part's name or the stem). */
static smz_err parts_new(const char *path, int lang, smz_parts **out)
{
    smz_parts *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return SMZ_E_NOMEM;
    m->lang = lang;
    if (!(m->stem = stem_of(path)))
        return FAIL(m, SMZ_E_NOMEM, "out of memory");
    size_t n = strlen(m->stem);
    if (!(m->path = smz_parts_manifest_path(m->stem)) || !(m->name = malloc(n + 5)))
        return FAIL(m, SMZ_E_NOMEM, "out of memory");
    return SMZ_OK;
}

/* NAME.parts.minisig, malloc'd. */
static char *sig_path(const smz_parts *m)
{
    size_t n = strlen(m->path);
    char *p = malloc(n + 9);
    if (p) {
        memcpy(p, m->path, n);
        memcpy(p + n, ".minisig", 9);
    }
    return p;
}

static int put(FILE *f, const char *fmt, ...) SMZ_PRINTF(2, 3);
static int put(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

smz_err smz_parts_write(smz_split *s, const char *stem, const char *uuid, smz_parts **out)
{
    smz_err rc = parts_new(stem, smz__split_lang(s), out);
    smz_parts *m = *out;
    char *buf = NULL, *tmp = NULL;
    FILE *f = NULL;
    int fd = -1;
    if (rc != SMZ_OK)
        return rc;
    if (!uuid || !uuid_valid(uuid))
        return FAIL(m, SMZ_E_INVALID, "%s: the archive has no valid UUID to name", m->path);
    memcpy(m->uuid, uuid, 37);
    m->total = smz_split_size(s);
    m->part = smz_split_part_size(s);
    m->n = smz_split_parts(s);
    size_t pn = strlen(m->path);
    if (!(buf = malloc(HASH_BUF)) || !(tmp = malloc(pn + 8))) {
        rc = FAIL(m, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (unsigned k = 1; k <= m->n; k++) {
        crypto_generichash_state st;
        uint64_t off = (uint64_t)(k - 1) * m->part;
        uint64_t len = k < m->n ? m->part : m->total - off;
        m->size[k - 1] = len;
        crypto_generichash_init(&st, NULL, 0, SMZ_PARTS_HASH_BYTES);
        while (len) {
            size_t want = len < HASH_BUF ? (size_t)len : HASH_BUF;
            if (smz_split_read(s, buf, want, off) != (long long)want) {
                rc = FAIL(m, SMZ_E_IO, "%s", smz_split_errmsg(s));
                goto out;
            }
            crypto_generichash_update(&st, (const unsigned char *)buf, want);
            off += want;
            len -= want;
        }
        crypto_generichash_final(&st, m->hash[k - 1], SMZ_PARTS_HASH_BYTES);
    }
    memcpy(tmp, m->path, pn);
    memcpy(tmp + pn, ".XXXXXX", 8);
    if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w"))) {
        rc = FAIL(m, SMZ_E_IO, "%s: %s", tmp, strerror(errno));
        if (fd < 0) {
            free(tmp);
            tmp = NULL;
        }
        goto out;
    }
    fd = -1; /* F owns it now */
    int bad = put(f, MAGIC_LINE "\nuuid %s\nsize %llu\npart-size %llu\nparts %u\n", m->uuid,
                  (unsigned long long)m->total, (unsigned long long)m->part, m->n) < 0;
    for (unsigned k = 1; k <= m->n && !bad; k++) {
        char hex[2 * SMZ_PARTS_HASH_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, m->hash[k - 1], SMZ_PARTS_HASH_BYTES);
        bad = put(f, "part %03u %llu %s\n", k, (unsigned long long)m->size[k - 1], hex) < 0;
    }
    if (bad || fflush(f) != 0 || smz_file_chmod(NULL, fileno(f), 0644) != 0 || fsync(fileno(f)) != 0) {
        rc = FAIL(m, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s", m->path, strerror(errno));
        goto out;
    }
    int c = fclose(f);
    f = NULL;
    /* An old signature of the old manifest would only be BAD: it goes
     * first, so that no moment pairs it with the new manifest. */
    char *old_sig = sig_path(m);
    if (old_sig)
        unlink(old_sig);
    free(old_sig);
    if (c != 0 || rename(tmp, m->path) != 0) {
        rc = FAIL(m, SMZ_E_IO, "%s: %s", m->path, strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL;
    rc = SMZ_OK;
    m->errmsg[0] = 0;
out:
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
    free(tmp);
    free(buf);
    return rc;
}

/* ---- parsing ---- */

/* A decimal number of 1 to 19 digits, no sign, no leading zero, at most
 * SIZE_MAX_VALUE, ending at *P's END (a space or the line end). */
static int number(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    size_t n = 0;
    while (s + n < end && s[n] >= '0' && s[n] <= '9' && n < 20)
        v = v * 10 + (uint64_t)(s[n++] - '0');
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0') || v > SIZE_MAX_VALUE)
        return 0;
    *p = s + n;
    *out = v;
    return 1;
}

/* Matches the literal WORD then one space at *P. */
static int word(const char **p, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - *p) < n + 1 || memcmp(*p, w, n) || (*p)[n] != ' ')
        return 0;
    *p += n + 1;
    return 1;
}

/* Parses TEXT (LEN bytes) into M: the grammar of docs/FORMAT.md, every line
 * ending in LF, nothing else.  Returns the 1-based line that is wrong, or 0. */
static unsigned parse(smz_parts *m, const char *text, size_t len, const char **why)
{
    const char *p = text, *end = text + len;
    unsigned line = 0;
    uint64_t parts = 0;
    *why = "";
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line++;
        if (p == end)
            break;
        if (!nl) {
            *why = SMZ_N_("no line end");
            return line;
        }
        if (memchr(p, 0, (size_t)(nl - p)) || memchr(p, '\r', (size_t)(nl - p))) {
            *why = SMZ_N_("a NUL or CR");
            return line;
        }
        const char *q = p;
        int ok = 0;
        uint64_t k, sz;
        switch (line) {
        case 1:
            ok = (size_t)(nl - p) == strlen(MAGIC_LINE) && !memcmp(p, MAGIC_LINE, strlen(MAGIC_LINE));
            *why = SMZ_N_(
                "not \"smz-parts 1\" (not a manifest, or a version this reader does not know)");
            break;
        case 2:
            ok = word(&q, nl, "uuid") && nl - q == 36;
            if (ok) {
                memcpy(m->uuid, q, 36);
                m->uuid[36] = 0;
                ok = uuid_valid(m->uuid);
            }
            *why = SMZ_N_("not \"uuid\" and a UUID in lowercase hex");
            break;
        case 3:
            ok = word(&q, nl, "size") && number(&q, nl, &m->total) && q == nl && m->total > 0;
            *why = SMZ_N_("not \"size\" and the archive's size in bytes");
            break;
        case 4:
            ok = word(&q, nl, "part-size") && number(&q, nl, &m->part) && q == nl && m->part >= 512;
            *why = SMZ_N_("not \"part-size\" and a size of at least 512 bytes");
            break;
        case 5:
            ok = word(&q, nl, "parts") && number(&q, nl, &parts) && q == nl && parts >= 1 &&
                 parts <= SMZ_SPLIT_MAX_PARTS && parts == (m->total + m->part - 1) / m->part;
            *why = SMZ_N_("not \"parts\" and the count that size and part-size give");
            break;
        default: {
            unsigned want = line - 5;
            char hex[2 * SMZ_PARTS_HASH_BYTES + 1];
            size_t bin = 0;
            uint64_t expect = want < parts ? m->part : m->total - (uint64_t)(parts - 1) * m->part;
            ok = want <= parts && word(&q, nl, "part") && nl - q > 4 && q[3] == ' ' && q[0] >= '0' &&
                 q[0] <= '9' && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9';
            if (ok) {
                k = (uint64_t)(q[0] - '0') * 100 + (uint64_t)(q[1] - '0') * 10 + (uint64_t)(q[2] - '0');
                q += 4;
                ok = k == want && number(&q, nl, &sz) && sz == expect && q < nl && *q == ' ' &&
                     nl - (q + 1) == 2 * SMZ_PARTS_HASH_BYTES;
            }
            if (ok) {
                memcpy(hex, q + 1, sizeof hex - 1);
                hex[sizeof hex - 1] = 0;
                for (size_t i = 0; i < sizeof hex - 1 && ok; i++)
                    ok = (hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f');
                ok = ok &&
                     sodium_hex2bin(m->hash[want - 1], SMZ_PARTS_HASH_BYTES, hex, sizeof hex - 1, NULL,
                                    &bin, NULL) == 0 &&
                     bin == SMZ_PARTS_HASH_BYTES;
                m->size[want - 1] = sz;
            }
            *why = want > parts
                       ? SMZ_N_("a line after the last part")
                       : SMZ_N_("not \"part NNN SIZE HASH\" for the next part, its size as size "
                                "and part-size give it and 64 lowercase hex digits");
        }
        }
        if (!ok)
            return line;
        p = nl + 1;
    }
    if (line - 1 < 5 + parts) {
        *why = line - 1 < 5 ? SMZ_N_("the manifest ends before its header does")
                            : SMZ_N_("a part's line is missing");
        return line;
    }
    m->n = (unsigned)parts;
    return 0;
}

smz_err smz_parts_load(const char *path, int lang, smz_parts **out)
{
    smz_err rc = parts_new(path, lang, out);
    smz_parts *m = *out;
    char *text = NULL;
    struct stat st;
    const char *why;
    int fd = -1;
    if (rc != SMZ_OK)
        return rc;
    if ((fd = smz_file_open(m->path, 0, &st, &why)) < 0) {
        rc = FAIL(m,
                  errno == ENOENT   ? SMZ_E_NOTFOUND
                  : errno == EISDIR ? SMZ_E_CORRUPT
                                    : SMZ_E_IO,
                  "%s: %s", m->path, smz_tr(m->lang, why));
        goto out;
    }
    if (st.st_size > SMZ_PARTS_FILE_MAX) {
        rc = FAIL(m, SMZ_E_CORRUPT, "%s: %lld bytes, more than a manifest holds (%d)", m->path,
                  (long long)st.st_size, SMZ_PARTS_FILE_MAX);
        goto out;
    }
    if (!(text = malloc((size_t)st.st_size + 1))) {
        rc = FAIL(m, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t k = pread(fd, text + got, (size_t)st.st_size - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    if (got != (size_t)st.st_size) {
        rc = FAIL(m, SMZ_E_IO, "%s: could not be read whole", m->path);
        goto out;
    }
    unsigned bad = parse(m, text, got, &why);
    if (bad) {
        m->n = 0;
        rc = FAIL(m, SMZ_E_CORRUPT, "%s: malformed manifest, line %u: %s", m->path, bad,
                  smz_tr(m->lang, why));
        goto out;
    }
    m->errmsg[0] = 0;
    rc = SMZ_OK;
out:
    if (fd >= 0)
        close(fd);
    free(text);
    return rc;
}

const char *smz_parts_errmsg(const smz_parts *m)
{
    return m ? m->errmsg : "out of memory";
}

const char *smz_parts_path(const smz_parts *m)
{
    return m->path ? m->path : "";
}

const char *smz_parts_uuid(const smz_parts *m)
{
    return m->uuid;
}

unsigned smz_parts_count(const smz_parts *m)
{
    return m->n;
}

uint64_t smz_parts_part_size(const smz_parts *m)
{
    return m->part;
}

uint64_t smz_parts_size(const smz_parts *m)
{
    return m->total;
}

smz_err smz_parts_check(smz_parts *m, unsigned k)
{
    struct stat st;
    const char *why;
    unsigned char h[SMZ_PARTS_HASH_BYTES];
    if (k < 1 || k > m->n)
        return FAIL(m, SMZ_E_INVALID, "part %03u: the manifest %s lists %u parts", k % 1000, m->path,
                    m->n);
    name_part(m->name, m->stem, k);
    int fd = smz_file_open(m->name, 0, &st, &why);
    if (fd < 0)
        return FAIL(m, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s (part %03u of %u): %s", m->name,
                    k, m->n, smz_tr(m->lang, why));
    smz_err rc;
    if ((uint64_t)st.st_size != m->size[k - 1]) {
        rc = FAIL(m, SMZ_E_CORRUPT, "%s (part %03u of %u): %llu bytes where %s says %llu: %s", m->name,
                  k, m->n, (unsigned long long)st.st_size, m->path, (unsigned long long)m->size[k - 1],
                  (uint64_t)st.st_size < m->size[k - 1]
                      ? "truncated, or swapped with another part"
                      : "swapped with another part, or from another set");
        goto out;
    }
    char *buf = malloc(HASH_BUF);
    if (!buf) {
        rc = FAIL(m, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    rc = hash_fd(fd, m->size[k - 1], h, buf, HASH_BUF);
    free(buf);
    if (rc == SMZ_E_IO)
        rc = FAIL(m, SMZ_E_IO, "%s: %s", m->name, strerror(errno));
    else if (rc != SMZ_OK)
        rc = FAIL(m, SMZ_E_CORRUPT, "%s (part %03u of %u): changed while it was read", m->name, k, m->n);
    else if (sodium_memcmp(h, m->hash[k - 1], SMZ_PARTS_HASH_BYTES) != 0)
        rc = FAIL(m, SMZ_E_CORRUPT,
                  "%s (part %03u of %u): its BLAKE2b differs from %s: this copy is damaged", m->name, k,
                  m->n, m->path);
    else
        m->errmsg[0] = 0;
out:
    close(fd);
    return rc;
}

smz_err smz_parts_sign(smz_parts *m, const smz_seckey *sk)
{
    smz_sign_ctx *cx = NULL;
    char *sig = NULL, *path = sig_path(m), trusted[200], err[600];
    size_t len = 0;
    smz_err rc;
    if (!path || smz_sign_ctx_new(&cx) != SMZ_OK) {
        rc = FAIL(m, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    snprintf(trusted, sizeof trusted, "smz-parts manifest of the archive %s", m->uuid);
    if ((rc = smz_sign_file(cx, sk, m->path, trusted, NULL, &sig, &len)) != SMZ_OK) {
        rc = FAIL(m, rc, "signing %s: %s", m->path, smz_sign_ctx_errmsg(cx));
        goto out;
    }
    if ((rc = smz_file_write(path, sig, len, 0, err, sizeof err)) != SMZ_OK) {
        rc = FAIL(m, rc, "%s", err);
        goto out;
    }
    m->errmsg[0] = 0;
out:
    free(sig);
    free(path);
    smz_sign_ctx_free(cx);
    return rc;
}

smz_err smz_parts_verify(smz_parts *m, const smz_keyring *trusted, char keyid[SMZ_KEYID_SIZE])
{
    smz_sign_ctx *cx = NULL;
    smz_sig *sig = NULL;
    const smz_pubkey *pk = NULL;
    char *path = sig_path(m);
    struct stat st;
    smz_err rc;
    keyid[0] = 0;
    if (!path || smz_sign_ctx_new(&cx) != SMZ_OK) {
        rc = FAIL(m, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        rc = FAIL(m, SMZ_E_NOTFOUND, "%s: no signature", path);
        goto out;
    }
    if ((rc = smz_sig_load(cx, path, &sig)) != SMZ_OK) {
        rc = FAIL(m, rc == SMZ_E_NOMEM || rc == SMZ_E_IO ? rc : SMZ_E_CORRUPT, "%s",
                  smz_sign_ctx_errmsg(cx));
        goto out;
    }
    smz_sig_keyid(sig, keyid);
    if ((rc = smz_keyring_find(cx, trusted, sig, &pk)) != SMZ_OK ||
        (rc = smz_sig_verify_file(cx, sig, pk, m->path, 0)) != SMZ_OK) {
        rc = FAIL(m, rc == SMZ_E_NOMEM || rc == SMZ_E_IO ? rc : SMZ_E_SIGNATURE, "%s: %s", path,
                  smz_sign_ctx_errmsg(cx));
        goto out;
    }
    m->errmsg[0] = 0;
out:
    smz_sig_free(sig);
    free(path);
    smz_sign_ctx_free(cx);
    return rc;
}

void smz_parts_free(smz_parts *m)
{
    if (!m)
        return;
    free(m->stem);
    free(m->path);
    free(m->name);
    free(m);
}
