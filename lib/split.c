/* Split archives (smz/split.h): finding and checking a set of parts, reading
 * across them, cutting an archive into parts and joining them back, and the
 * read-only SQLite VFS "smz-split" through which the reader opens a set.
 *
 * The VFS follows SQLite's multiplex VFS (src/test_multiplex.c), which
 * also presents numbered chunks as one file, but it only reads: the parts
 * are found and checked once, when SQLite opens the main database, and
 * their descriptors stay open until it closes it, so a part renamed or
 * swapped afterwards cannot mix two sets.  Every other file SQLite asks
 * for (temporary files) goes to the "unix" VFS under it.  Parts are read
 * with pread: one handle per connection, no shared offset, so connections
 * on different threads need no lock. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "smz/split.h"
#include "smz/util.h"
#include "format.h"
#include "split.h"
#include "error.h"
#include "util/vfs.h"
#include "smz/i18n.h"

struct smz_split {
    char *stem;     /* NAME.smz */
    char *name;     /* room for one part's name (stem + ".NNN") */
    int *fd;        /* one per part, SMZ_SPLIT_MAX_PARTS at most */
    uint64_t *size; /* each part's size, checked */
    unsigned n;     /* parts open */
    uint64_t part, total;
    uint64_t dev, ino; /* part 1's */
    int64_t mtime;     /* part 1's modification time */
    /* The parts smz_split_read read from since smz__split_touch_reset:
     * which part a damaged cluster came from, when no manifest says. */
    unsigned char touched[(SMZ_SPLIT_MAX_PARTS + 8) / 8];
    char errmsg[1024];
    int lang; /* errmsg's language (smz_split_open_lang) */
};

static smz_err fail(smz_split *s, smz_err e, const char *fmt, ...) SMZ_PRINTF(3, 4);
static smz_err fail(smz_split *s, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(s->errmsg, sizeof s->errmsg, s->lang, fmt, ap);
    va_end(ap);
    return e;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && !memcmp(s + n - k, suffix, k);
}

/* The length of the stem when PATH names a part (NAME.smz.NNN, 001 to
 * 999), else 0. */
static size_t part_stem_len(const char *path)
{
    size_t n = strlen(path);
    if (n < 8)
        return 0;
    const char *d = path + n - 3;
    for (int i = 0; i < 3; i++)
        if (d[i] < '0' || d[i] > '9')
            return 0;
    if (d[-1] != '.' || !memcmp(d, "000", 3) || !ends_with(path, n - 4, ".smz"))
        return 0;
    return n - 4;
}

unsigned smz_split_part_number(const char *path)
{
    size_t n = part_stem_len(path);
    if (!n)
        return 0;
    const char *d = path + n + 1;
    return (unsigned)(d[0] - '0') * 100 + (unsigned)(d[1] - '0') * 10 + (unsigned)(d[2] - '0');
}

int smz_split_is_set(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (part_stem_len(path))
        return 1;
    if (!ends_with(path, n, ".smz") || stat(path, &st) == 0 || errno != ENOENT)
        return 0;
    char *first = malloc(n + 5);
    if (!first)
        return 0;
    memcpy(first, path, n);
    memcpy(first + n, ".001", 5);
    int r = stat(first, &st) == 0;
    free(first);
    return r;
}

/* Part K's name, in S->name (valid until the next call). */
static const char *part_name(smz_split *s, unsigned k)
{
    size_t n = strlen(s->stem);
    assert(k >= 1 && k <= SMZ_SPLIT_MAX_PARTS); /* 3 digits fit the 5 bytes */
    memcpy(s->name, s->stem, n);
    char *d = s->name + n;
    d[0] = '.';
    d[1] = (char)('0' + k / 100);
    d[2] = (char)('0' + k / 10 % 10);
    d[3] = (char)('0' + k % 10);
    d[4] = 0;
    return s->name;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Opens part K into S->fd[K-1], its size into S->size[K-1].  A missing
 * part gives SMZ_E_NOTFOUND, with errno ENOENT. */
static smz_err open_part(smz_split *s, unsigned k)
{
    struct stat st;
    const char *why;
    const char *name = part_name(s, k);
    int fd = smz_file_open(name, 0, &st, &why);
    if (fd < 0) {
        int e = errno;
        smz_err rc = fail(s,
                          e == ENOENT                  ? SMZ_E_NOTFOUND
                          : e == EISDIR || e == EINVAL ? SMZ_E_CORRUPT
                                                       : SMZ_E_IO,
                          "%s: %s%s", name, smz_tr(s->lang, why),
                          e == ENOENT && k > 1 ? " (a part of the set is missing)" : "");
        errno = e;
        return rc;
    }
    s->fd[k - 1] = fd;
    s->size[k - 1] = (uint64_t)st.st_size;
    s->n = k;
    if (k == 1) {
        s->dev = (uint64_t)st.st_dev;
        s->ino = (uint64_t)st.st_ino;
        s->mtime = (int64_t)st.st_mtime;
    }
    return SMZ_OK;
}

static long long read_at(int fd, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (long long)got;
}

/* The checks of smz_split_open, on S with its stem set. */
static smz_err check_set(smz_split *s)
{
    smz_err rc;
    unsigned char h[100];
    if ((rc = open_part(s, 1)) != SMZ_OK)
        return rc;
    char first[4200];
    snprintf(first, sizeof first, "%.4190s.001", s->stem); /* part_name's buffer is reused */
    long long got = read_at(s->fd[0], h, sizeof h, 0);
    if (got < 0)
        return fail(s, SMZ_E_IO, "%s: %s", first, strerror(errno));
    unsigned page = got == (long long)sizeof h ? (unsigned)h[16] << 8 | h[17] : 0;
    if (page == 1)
        page = 65536;
    if (got < (long long)sizeof h || memcmp(h, "SQLite format 3", 16) != 0 ||
        be32(h + 68) != SMZ_APPLICATION_ID || page < 512 || (page & (page - 1)) != 0)
        return fail(s, SMZ_E_CORRUPT, "%s: not the first part of an .smz archive", first);
    uint64_t total = (uint64_t)page * be32(h + 28), p = s->size[0];
    if (total == 0)
        return fail(s, SMZ_E_CORRUPT, "%s: damaged SQLite header (no pages)", first);
    if (p < sizeof h) /* fstat saw fewer bytes than were read: it is changing */
        return fail(s, SMZ_E_CORRUPT, "%s: changed while it was read", first);
    /* Part 1 fixes the part size, unless it is itself the short one: a
     * part 2 larger than part 1 means part 1 was cut short. */
    uint64_t want = (total + p - 1) / p;
    if (want > 1) {
        if ((rc = open_part(s, 2)) != SMZ_OK)
            return rc;
        if (s->size[1] > p)
            return fail(s, SMZ_E_CORRUPT,
                        "%s: truncated or from another set (%llu bytes, part 2 has %llu)", first,
                        (unsigned long long)p, (unsigned long long)s->size[1]);
    }
    if (want > SMZ_SPLIT_MAX_PARTS)
        return fail(s, SMZ_E_CORRUPT,
                    "%s: too small (%llu bytes) for an archive of %llu bytes in %d parts at most", first,
                    (unsigned long long)p, (unsigned long long)total, SMZ_SPLIT_MAX_PARTS);
    for (unsigned k = 1; k <= want; k++) {
        if (k > s->n && (rc = open_part(s, k)) != SMZ_OK)
            return rc;
        uint64_t expect = k < want ? p : total - (uint64_t)(want - 1) * p;
        if (s->size[k - 1] != expect)
            return fail(s, SMZ_E_CORRUPT,
                        "%s: %llu bytes where the set needs %llu (part %u of %llu): %s", part_name(s, k),
                        (unsigned long long)s->size[k - 1], (unsigned long long)expect, k,
                        (unsigned long long)want,
                        s->size[k - 1] < expect ? "truncated, or swapped with another part"
                                                : "swapped with another part, or from another set");
    }
    /* The archive ends in part WANT: a part after it belongs elsewhere. */
    if (want < SMZ_SPLIT_MAX_PARTS) {
        struct stat st;
        const char *extra = part_name(s, want + 1);
        if (stat(extra, &st) == 0)
            return fail(s, SMZ_E_CORRUPT,
                        "%s: not part of this set (the archive's %llu bytes end in part %llu)", extra,
                        (unsigned long long)total, (unsigned long long)want);
    }
    s->part = p;
    s->total = total;
    return SMZ_OK;
}

smz_err smz_split_open(const char *path, smz_split **out)
{
    return smz_split_open_lang(path, SMZ_UI_EN, out);
}

smz_err smz_split_open_lang(const char *path, int lang, smz_split **out)
{
    smz_split *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return SMZ_E_NOMEM;
    s->lang = lang;
    size_t n = part_stem_len(path);
    if (!n)
        n = strlen(path);
    if (!(s->stem = malloc(n + 1)) || !(s->name = malloc(n + 5)) ||
        !(s->fd = malloc(SMZ_SPLIT_MAX_PARTS * sizeof *s->fd)) ||
        !(s->size = malloc(SMZ_SPLIT_MAX_PARTS * sizeof *s->size)))
        return fail(s, SMZ_E_NOMEM, "out of memory");
    memcpy(s->stem, path, n);
    s->stem[n] = 0;
    return check_set(s);
}

const char *smz_split_errmsg(const smz_split *s)
{
    return s ? s->errmsg : "out of memory";
}

uint64_t smz_split_size(const smz_split *s)
{
    return s->total;
}

unsigned smz_split_parts(const smz_split *s)
{
    return s->n;
}

uint64_t smz_split_part_size(const smz_split *s)
{
    return s->part;
}

void smz__split_id(const smz_split *s, uint64_t *dev, uint64_t *ino)
{
    *dev = s->dev;
    *ino = s->ino;
}

int64_t smz__split_mtime(const smz_split *s)
{
    return s->mtime;
}

long long smz_split_read(smz_split *s, void *buf, size_t n, uint64_t off)
{
    size_t done = 0;
    s->errmsg[0] = 0;
    if (!s->part || off >= s->total)
        return 0;
    if (n > s->total - off)
        n = (size_t)(s->total - off);
    while (done < n) {
        uint64_t at = off + done;
        unsigned k = (unsigned)(at / s->part); /* < s->n: at < total */
        uint64_t in = at - (uint64_t)k * s->part;
        size_t len = n - done;
        if (len > s->size[k] - in)
            len = (size_t)(s->size[k] - in);
        s->touched[k / 8] |= (unsigned char)(1u << (k % 8));
        long long got = read_at(s->fd[k], (char *)buf + done, len, in);
        if (got < 0) {
            fail(s, SMZ_E_IO, "%s: %s", part_name(s, k + 1), strerror(errno));
            return -1;
        }
        if ((size_t)got < len) {
            fail(s, SMZ_E_IO, "%s: shorter than when it was opened", part_name(s, k + 1));
            return -1;
        }
        done += len;
    }
    return (long long)done;
}

void smz_split_close(smz_split *s)
{
    if (!s)
        return;
    for (unsigned k = 0; k < s->n; k++)
        close(s->fd[k]);
    free(s->fd);
    free(s->size);
    free(s->stem);
    free(s->name);
    free(s);
}

/* ---- cutting and joining ---- */

/* Copies LEN bytes from IN at offset OFF to the new file OUT.  NAME is
 * for messages. */
static smz_err copy_out(smz_split *s, int in, uint64_t off, uint64_t len, int out, const char *name,
                        char *buf, size_t cap)
{
    while (len) {
        size_t k = len < cap ? (size_t)len : cap;
        long long got = read_at(in, buf, k, off);
        if (got < 0)
            return fail(s, SMZ_E_IO, "reading: %s", strerror(errno));
        if ((size_t)got < k)
            return fail(s, SMZ_E_IO, "the archive shrank while it was being cut");
        for (size_t w = 0; w < k;) {
            ssize_t m = write(out, buf + w, k - w);
            if (m < 0 && errno == EINTR)
                continue;
            if (m < 0)
                return fail(s, errno == ENOSPC || errno == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s",
                            name, strerror(errno));
            w += (size_t)m;
        }
        off += k;
        len -= k;
    }
    return SMZ_OK;
}

enum { COPY_BUF = 1 << 20 };

int smz__split_lang(const smz_split *s)
{
    return s ? s->lang : SMZ_UI_EN;
}

smz_err smz_split_cut(const char *path, const char *stem, uint64_t part_size, int lang, smz_split **out)
{
    smz_err rc;
    struct stat st;
    const char *why;
    int in = -1, fd = -1;
    unsigned written = 0, parts = 0;
    char *buf = NULL;
    smz_split *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return SMZ_E_NOMEM;
    s->lang = lang;
    if (!stem)
        stem = path;
    size_t n = strlen(stem);
    if (!(s->stem = malloc(n + 1)) || !(s->name = malloc(n + 5)) || !(buf = malloc(COPY_BUF))) {
        rc = fail(s, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    memcpy(s->stem, stem, n + 1);
    if (!ends_with(stem, n, ".smz")) {
        rc = fail(s, SMZ_E_INVALID, "%s: parts are named NAME.smz.001, ...: the name must end in .smz",
                  stem);
        goto out;
    }
    if (part_size < 512) {
        rc = fail(s, SMZ_E_INVALID, "a part must hold at least 512 bytes");
        goto out;
    }
    if ((in = smz_file_open(path, 0, &st, &why)) < 0) {
        rc = fail(s, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path, smz_tr(s->lang, why));
        goto out;
    }
    uint64_t total = (uint64_t)st.st_size;
    uint64_t want = total ? (total + part_size - 1) / part_size : 1;
    if (want > SMZ_SPLIT_MAX_PARTS) {
        rc = fail(s, SMZ_E_TOOBIG, "%s: %llu bytes would make %llu parts of %llu bytes; at most %d",
                  path, (unsigned long long)total, (unsigned long long)want,
                  (unsigned long long)part_size, SMZ_SPLIT_MAX_PARTS);
        goto out;
    }
    parts = (unsigned)want;
    for (unsigned k = 1; k <= parts; k++) {
        const char *name = part_name(s, k);
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            rc = fail(s, errno == EEXIST ? SMZ_E_EXISTS : SMZ_E_IO, "%s: %s", name, strerror(errno));
            goto out;
        }
        written = k;
        uint64_t off = (uint64_t)(k - 1) * part_size;
        uint64_t len = total - off < part_size ? total - off : part_size;
        if ((rc = copy_out(s, in, off, len, fd, name, buf, COPY_BUF)) != SMZ_OK)
            goto out;
        if (fsync(fd) != 0 || close(fd) != 0) {
            fd = -1;
            rc = fail(s, SMZ_E_IO, "%s: %s", name, strerror(errno));
            goto out;
        }
        fd = -1;
    }
    /* The set, read back as a reader would: proves the cut. */
    {
        smz_split *set = NULL;
        rc = smz_split_open(stem, &set);
        if (rc != SMZ_OK) {
            fail(s, rc, "%s", smz_split_errmsg(set));
            smz_split_close(set);
            goto out;
        }
        free(buf);
        buf = NULL;
        close(in);
        in = -1;
        smz_split_close(s);
        *out = set;
        return SMZ_OK;
    }
out:
    if (fd >= 0)
        close(fd);
    if (in >= 0)
        close(in);
    free(buf);
    for (unsigned k = 1; k <= written; k++)
        unlink(part_name(s, k));
    return rc;
}

smz_err smz_split_join(smz_split *s, const char *out)
{
    smz_err rc;
    size_t n = strlen(out);
    char *tmp = malloc(n + 8), *buf = malloc(COPY_BUF);
    int fd = -1;
    if (!tmp || !buf) {
        rc = fail(s, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    memcpy(tmp, out, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    if ((fd = mkstemp(tmp)) < 0) {
        rc = fail(s, SMZ_E_IO, "%s: %s", tmp, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    for (uint64_t off = 0; off < s->total;) {
        size_t k = s->total - off < COPY_BUF ? (size_t)(s->total - off) : COPY_BUF;
        long long got = smz_split_read(s, buf, k, off);
        if (got < (long long)k) {
            rc = got < 0 ? SMZ_E_IO : fail(s, SMZ_E_IO, "the set shrank while it was read");
            goto out;
        }
        for (size_t w = 0; w < k;) {
            ssize_t m = write(fd, buf + w, k - w);
            if (m < 0 && errno == EINTR)
                continue;
            if (m < 0) {
                rc = fail(s, errno == ENOSPC || errno == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s",
                          out, strerror(errno));
                goto out;
            }
            w += (size_t)m;
        }
        off += k;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        rc = fail(s, SMZ_E_IO, "%s: %s", out, strerror(errno));
        goto out;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0) {
        rc = fail(s, SMZ_E_IO, "%s: %s", out, strerror(errno));
        goto out;
    }
    /* link, not rename: an OUT that appeared meanwhile is not replaced. */
    if (link(tmp, out) != 0) {
        rc = fail(s, errno == EEXIST ? SMZ_E_EXISTS : SMZ_E_IO, "%s: %s", out, strerror(errno));
        goto out;
    }
    rc = SMZ_OK;
out:
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
    free(tmp);
    free(buf);
    return rc;
}

smz_err smz_split_parse_size(const char *text, uint64_t *out)
{
    uint64_t v;
    *out = 0;
    smz_err rc = smz_size_parse(text, &v);
    if (rc != SMZ_OK)
        return rc;
    if (v == (uint64_t)4 << 30)
        v--; /* FAT32's limit: a file holds at most 4 GiB minus one byte */
    if (v < 512)
        return SMZ_E_INVALID;
    *out = v;
    return SMZ_OK;
}

/* ---- the VFS ---- */

typedef struct {
    sqlite3_file base;
    smz_split *set;
} split_file;

static sqlite3_vfs *root_of(sqlite3_vfs *v)
{
    return v->pAppData;
}

static int x_close(sqlite3_file *f)
{
    smz_split_close(((split_file *)f)->set);
    return SQLITE_OK;
}

static int x_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    smz_split *s = ((split_file *)f)->set;
    if (amt < 0 || off < 0)
        return SQLITE_IOERR_READ;
    long long got = smz_split_read(s, buf, (size_t)amt, (uint64_t)off);
    if (got < 0)
        return SQLITE_IOERR_READ;
    if (got < amt) {
        memset((char *)buf + got, 0, (size_t)(amt - got));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int x_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    *size = (sqlite3_int64)((split_file *)f)->set->total;
    return SQLITE_OK;
}

/* Version 1: no shared memory (no WAL) and no memory map (the reader sets
 * mmap_size 0 for whole archives too). */
static const sqlite3_io_methods split_io = SMZ__VFS_RO_IO(x_close, x_read, x_file_size);

static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    sqlite3_vfs *root = root_of(v);
    if (!(flags & SQLITE_OPEN_MAIN_DB) || !name)
        return root->xOpen(root, name, f, flags, out_flags);
    if (flags & (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
        return SQLITE_CANTOPEN;
    split_file *sf = (split_file *)f;
    smz_split *s = NULL;
    memset(sf, 0, sizeof *sf);
    /* smz_reader_open checked the set already and keeps the message;
     * this is the same check again, on the descriptors SQLite will read. */
    if (smz_split_open(name, &s) != SMZ_OK) {
        smz_split_close(s);
        return SQLITE_CANTOPEN;
    }
    sf->set = s;
    sf->base.pMethods = &split_io;
    if (out_flags)
        *out_flags = SQLITE_OPEN_READONLY;
    return SQLITE_OK;
}

/* The name as given, made absolute: not unix's, which resolves symbolic
 * links, after which a linked part's siblings would be looked for beside
 * its target. */
static int x_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    size_t len = strlen(name);
    if (name[0] == '/') {
        if (len >= (size_t)n)
            return SQLITE_CANTOPEN;
        memcpy(out, name, len + 1);
        return SQLITE_OK;
    }
    if (!getcwd(out, (size_t)n))
        return SQLITE_CANTOPEN;
    size_t c = strlen(out);
    if (c + 1 + len >= (size_t)n)
        return SQLITE_CANTOPEN;
    out[c] = '/';
    memcpy(out + c + 1, name, len + 1);
    return SQLITE_OK;
}

/* The one VFS object: sqlite3_vfs_register needs a struct that outlives
 * every connection and links it into its list (pNext), so it cannot be
 * const.  It is written only by register_vfs, once, under pthread_once
 * (the root VFS and the sizes that depend on it), and by SQLite's
 * registration; after that it is constant.  It is not the default VFS:
 * only a reader opening a set names it. */
static sqlite3_vfs split_vfs = SMZ__VFS_OVER_ROOT(SMZ__SPLIT_VFS, x_open, x_full_pathname);
static pthread_once_t split_once = PTHREAD_ONCE_INIT;
static int split_registered; /* written once, under split_once */

static void register_vfs(void)
{
    split_registered = smz__vfs_register_over_root(&split_vfs, (int)sizeof(split_file), 0);
}

smz_split *smz__split_of(sqlite3 *db)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        f->pMethods != &split_io)
        return NULL;
    return ((split_file *)f)->set;
}

void smz__split_touch_reset(smz_split *s)
{
    memset(s->touched, 0, sizeof s->touched);
}

size_t smz__split_touched(const smz_split *s, char *out, size_t cap)
{
    size_t len = 0;
    unsigned count = 0;
    if (cap)
        out[0] = 0;
    for (unsigned k = 0; k < s->n; k++) {
        if (!(s->touched[k / 8] & (1u << (k % 8))))
            continue;
        int w = snprintf(out + len, cap - len, "%s%03u", count ? ", " : "", k + 1);
        if (w < 0 || (size_t)w >= cap - len) {
            out[len] = 0;
            break;
        }
        len += (size_t)w;
        count++;
    }
    return count;
}

const char *smz__split_vfs(void)
{
    pthread_once(&split_once, register_vfs);
    return split_registered ? SMZ__SPLIT_VFS : NULL;
}

char *smz_parts_manifest_path(const char *path)
{
    size_t n = strlen(path);
    if (smz_split_part_number(path))
        n -= 4; /* the stem NAME.smz */
    /* NAME.parts, not NAME.smz.parts: `cat NAME.smz.* > NAME.smz` must
     * join the parts and nothing else. */
    if (n > 4 && !memcmp(path + n - 4, ".smz", 4))
        n -= 4;
    char *p = malloc(n + 7);
    if (p) {
        memcpy(p, path, n);
        memcpy(p + n, ".parts", 7);
    }
    return p;
}
