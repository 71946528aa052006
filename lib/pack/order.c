/* Listing a source, then replaying it in cluster order (see order.h). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "order.h"
#include "format.h"
#include "smz/i18n.h"
#include "util/file.h"
#include "smz/pack.h"
#include "writer_priv.h"

enum { ITEM_FILE, ITEM_BYTES, ITEM_REDIRECT };

struct smz_pack_order {
    smz_packer *p;
    char *root;  /* folder sources */
    sqlite3 *db; /* the list: a private temporary database */
    sqlite3_stmt *ins;
    int spool_fd; /* stream sources: members' bytes, opened on first use */
    uint64_t spool_len;
    uint64_t large_bytes; /* of members over SMZ_WRITER_LARGE_ENTRY: stored as they are */
    uint64_t plan_bytes;  /* of the others a cluster compresses: smz__writer_plan */
};

static smz_err sqlfail(smz_pack_order *o, int rc, const char *what)
{
    return smz__packer_fail(o->p,
                            rc == SQLITE_NOMEM  ? SMZ_E_NOMEM
                            : rc == SQLITE_FULL ? SMZ_E_NOSPACE
                                                : SMZ_E_IO,
                            "%s: %s", smz_tr(o->p->o->lang, what),
                            o->db ? sqlite3_errmsg(o->db) : sqlite3_errstr(rc));
}

smz_err smz__order_open(smz_packer *p, const char *root, smz_pack_order **out)
{
    smz_pack_order *o = calloc(1, sizeof *o);
    int src;
    *out = NULL;
    if (!o || (root && !(o->root = strdup(root)))) {
        free(o);
        return smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
    }
    o->p = p;
    o->spool_fd = -1;
    /* "": a private database in a temporary file that SQLite deletes on close.
     * The listing is one transaction, committed when the replay starts: a
     * transaction per file wrote the cache's pages out and read them back
     * each time (issue 22: 10-25% of the main thread's CPU time on gen-100k
     * without index). */
    if ((src = sqlite3_open_v2("", &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) !=
            SQLITE_OK ||
        (src = sqlite3_exec(
             o->db,
             "PRAGMA page_size=1024; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
             "PRAGMA cache_size=-256; "
             "PRAGMA locking_mode=EXCLUSIVE; BEGIN; "
             "CREATE TABLE items(stem TEXT NOT NULL, rel TEXT NOT NULL, kind INTEGER NOT NULL, "
             "off INTEGER, len INTEGER, mtime INTEGER, mime TEXT, target TEXT, title TEXT)",
             NULL, NULL, NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(o->db, "INSERT INTO items VALUES(?,?,?,?,?,?,?,?,?)", -1, &o->ins,
                                  NULL)) != SQLITE_OK) {
        smz_err rc = sqlfail(o, src, "listing the source");
        smz__order_free(o);
        return rc;
    }
    *out = o;
    return SMZ_OK;
}

/* The part of REL's file name before its first dot (a leading dot kept). */
static size_t stem_of(const char *rel, const char **stem)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    const char *dot = strchr(base + (base[0] == '.'), '.');
    *stem = base;
    return dot ? (size_t)(dot - base) : strlen(base);
}

/* TITLE: the source's own title for the entry (a ZIM's), or NULL. */
static smz_err insert(smz_pack_order *o, const char *rel, int kind, int64_t off, int64_t len,
                      int64_t mtime, const char *mime, const char *target, const char *title)
{
    sqlite3_stmt *s = o->ins;
    const char *stem;
    size_t sl = stem_of(rel, &stem);
    sqlite3_bind_text(s, 1, stem, (int)sl, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, rel, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, kind);
    sqlite3_bind_int64(s, 4, off);
    sqlite3_bind_int64(s, 5, len);
    sqlite3_bind_int64(s, 6, mtime);
    if (mime)
        sqlite3_bind_text(s, 7, mime, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 7);
    if (target)
        sqlite3_bind_text(s, 8, target, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 8);
    if (title)
        sqlite3_bind_text(s, 9, title, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 9);
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return src == SQLITE_DONE ? SMZ_OK : sqlfail(o, src, "listing the source");
}

/* Counts LEN bytes of REL (MIME: NULL to guess from the name) towards the
 * cluster plan, if a cluster will compress them: the guess by name is
 * enough for a plan, which needs to be the same every time, not exact. */
static void plan(smz_pack_order *o, const char *rel, uint64_t len, const char *mime)
{
    if (!mime)
        mime = smz_mime_by_ext(rel);
    if (len <= SMZ_WRITER_LARGE_ENTRY && !(mime && smz__writer_precompressed(mime)))
        o->plan_bytes += len;
}

smz_err smz__order_file(smz_pack_order *o, const char *rel, uint64_t size)
{
    plan(o, rel, size, NULL);
    return insert(o, rel, ITEM_FILE, 0, 0, 0, NULL, NULL, NULL);
}

smz_err smz__order_redirect(smz_pack_order *o, const char *rel, const char *target)
{
    return insert(o, rel, ITEM_REDIRECT, 0, 0, 0, NULL, target, NULL);
}

smz_err smz__order_redirect_titled(smz_pack_order *o, const char *rel, const char *target,
                                   const char *title)
{
    return insert(o, rel, ITEM_REDIRECT, 0, 0, 0, NULL, target, title);
}

static smz_err open_spool(smz_pack_order *o)
{
    smz_err rc = smz_writer_scratch(o->p->w, &o->spool_fd);
    return rc == SMZ_OK ? SMZ_OK : smz__packer_fail(o->p, rc, "%s", smz_writer_errmsg(o->p->w));
}

smz_err smz__order_member_begin(smz_pack_order *o)
{
    return o->spool_fd < 0 ? open_spool(o) : SMZ_OK;
}

smz_err smz__order_member_put(smz_pack_order *o, uint64_t at, const void *data, size_t n)
{
    const unsigned char *d = data;
    for (size_t done = 0; done < n;) {
        ssize_t k = pwrite(o->spool_fd, d + done, n - done, (off_t)(o->spool_len + at + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return smz__packer_fail(o->p, k < 0 && errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO,
                                    "writing the spool: %s", k < 0 ? strerror(errno) : "short write");
        done += (size_t)k;
    }
    return SMZ_OK;
}

void smz__order_member_abort(smz_pack_order *o)
{
    /* Blocks put beyond the spool's end would show through the holes of
     * the next member. */
    if (o->spool_fd >= 0)
        (void)ftruncate(o->spool_fd, (off_t)o->spool_len);
}

smz_err smz__order_member_end(smz_pack_order *o, const char *rel, uint64_t len, const char *mime,
                              int64_t mtime)
{
    return smz__order_member_end_titled(o, rel, len, mime, mtime, NULL);
}

smz_err smz__order_member_end_titled(smz_pack_order *o, const char *rel, uint64_t len, const char *mime,
                                     int64_t mtime, const char *title)
{
    smz_err rc;
    /* The member's size, exactly: a trailing hole becomes zeros, and
     * nothing put past the end stays. */
    if (ftruncate(o->spool_fd, (off_t)(o->spool_len + len)) != 0)
        return smz__packer_fail(o->p, errno == ENOSPC || errno == EFBIG ? SMZ_E_NOSPACE : SMZ_E_IO,
                                "writing the spool: %s", strerror(errno));
    /* Large members are stored as they are: once they alone pass the
     * archive's size limit, the pack stops here rather than at replay. */
    if (len > SMZ_WRITER_LARGE_ENTRY)
        o->large_bytes += len;
    plan(o, rel, len, mime);
    if (o->p->o->max_output && o->large_bytes > o->p->o->max_output)
        return smz__packer_fail(o->p, SMZ_E_TOOBIG,
                                "%s: the archive would be over its size limit of %llu bytes "
                                "(its large entries alone are %llu bytes, stored as they are)",
                                rel, (unsigned long long)o->p->o->max_output,
                                (unsigned long long)o->large_bytes);
    if ((rc = insert(o, rel, ITEM_BYTES, (int64_t)o->spool_len, (int64_t)len, mtime, mime, NULL,
                     title)) != SMZ_OK)
        return rc;
    o->spool_len += len;
    return SMZ_OK;
}

smz_err smz__order_bytes(smz_pack_order *o, const char *rel, const unsigned char *data, size_t len,
                         const char *mime, int64_t mtime)
{
    smz_err rc;
    if ((rc = smz__order_member_begin(o)) != SMZ_OK ||
        (rc = smz__order_member_put(o, 0, data, len)) != SMZ_OK ||
        (rc = smz__order_member_end(o, rel, len, mime, mtime)) != SMZ_OK) {
        smz__order_member_abort(o);
        return rc;
    }
    return SMZ_OK;
}

/* Reads pieces of a large file or spooled member for the writer. */
typedef struct piece_src {
    int fd;
    uint64_t base;
    const char *what; /* for messages */
} piece_src;

static smz_err read_piece(smz_writer *w, void *ctx, uint64_t off, void *buf, size_t n)
{
    piece_src *ps = ctx;
    unsigned char *b = buf;
    for (size_t done = 0; done < n;) {
        ssize_t k = pread(ps->fd, b + done, n - done, (off_t)(ps->base + off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            return smz_writer_set_error(w, SMZ_E_IO, "cannot read %s: %s", ps->what,
                                        k < 0 ? strerror(errno)
                                              : "it became shorter while it was packed");
        }
        done += (size_t)k;
    }
    return SMZ_OK;
}

/* Adds the file ABS (as large as stat says it is when it is opened: a file
 * that grows meanwhile is cut there): read whole, or handed over in pieces
 * when large; skipped with a warning when over the entry limit. */
static smz_err add_file(smz_pack_order *o, const char *abs, const char *rel)
{
    struct stat sb;
    size_t cap, n = 0;
    unsigned char *buf = NULL;
    smz_err rc = SMZ_OK;
    /* Scanned as a regular file, but it may have changed since. */
    const char *why;
    int fd = smz_file_open(abs, 0, &sb, &why);
    if (fd < 0)
        return smz__packer_fail(o->p, SMZ_E_IO, "cannot read %s: %s", abs, smz_tr(o->p->o->lang, why));
    if (smz__packer_oversized(o->p, abs, (uint64_t)sb.st_size))
        goto out;
    if ((uint64_t)sb.st_size > SMZ_WRITER_LARGE_ENTRY) {
        piece_src ps = {fd, 0, abs};
        rc = smz__packer_add_stream(o->p, rel, (uint64_t)sb.st_size, read_piece, &ps, NULL,
                                    (int64_t)sb.st_mtime);
        goto out;
    }
    cap = (size_t)sb.st_size;
    if (!(buf = malloc(cap + 1))) {
        rc = smz__packer_fail(o->p, SMZ_E_NOMEM, "out of memory reading %s", abs);
        goto out;
    }
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = smz__packer_fail(o->p, SMZ_E_IO, "cannot read %s: %s", abs, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = 0;
    rc = smz__packer_add(o->p, rel, buf, n, NULL, (int64_t)sb.st_mtime);
out:
    free(buf);
    close(fd);
    return rc;
}

static smz_err read_spool(smz_pack_order *o, int64_t off, int64_t len, unsigned char **buf, size_t *cap)
{
    if (off < 0 || len < 0 || (uint64_t)off + (uint64_t)len > o->spool_len)
        return smz__packer_fail(o->p, SMZ_E_INTERNAL, "the spool lost track of an entry");
    if ((size_t)len + 1 > *cap) {
        unsigned char *nb = realloc(*buf, (size_t)len + 1);
        if (!nb)
            return smz__packer_fail(o->p, SMZ_E_NOMEM, "out of memory");
        *buf = nb;
        *cap = (size_t)len + 1;
    }
    for (int64_t done = 0; done < len;) {
        ssize_t k = pread(o->spool_fd, *buf + done, (size_t)(len - done), (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return smz__packer_fail(o->p, SMZ_E_IO, "reading the spool back: %s",
                                    k < 0 ? strerror(errno) : "short read");
        done += k;
    }
    (*buf)[len] = 0;
    return SMZ_OK;
}

smz_err smz__order_replay(smz_pack_order *o)
{
    sqlite3_stmt *q = NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    char *abs = NULL;
    smz_err rc = SMZ_OK;
    int src = sqlite3_get_autocommit(o->db) ? SQLITE_OK
                                            : sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return sqlfail(o, src, "listing the source");
    smz__writer_plan(o->p->w, o->plan_bytes);
    src = sqlite3_prepare_v2(o->db,
                             "SELECT kind, rel, off, len, mtime, mime, target, title FROM items "
                             "ORDER BY stem, rel, rowid",
                             -1, &q, NULL);
    if (src != SQLITE_OK)
        return sqlfail(o, src, "ordering the source");
    while ((src = sqlite3_step(q)) == SQLITE_ROW) {
        int kind = sqlite3_column_int(q, 0);
        const char *rel = (const char *)sqlite3_column_text(q, 1);
        const char *mime = (const char *)sqlite3_column_text(q, 5);
        const char *target = (const char *)sqlite3_column_text(q, 6);
        const char *title = (const char *)sqlite3_column_text(q, 7);
        int64_t mtime = sqlite3_column_int64(q, 4);
        if (!rel) {
            rc = smz__packer_fail(o->p, SMZ_E_NOMEM, "out of memory");
            break;
        }
        if (kind == ITEM_REDIRECT) {
            rc = target ? smz__packer_redirect_titled(o->p, rel, target, title)
                        : smz__packer_fail(o->p, SMZ_E_NOMEM, "out of memory");
        } else if (kind == ITEM_BYTES) {
            int64_t off = sqlite3_column_int64(q, 2), len = sqlite3_column_int64(q, 3);
            if (len > (int64_t)SMZ_WRITER_LARGE_ENTRY && (uint64_t)off + (uint64_t)len <= o->spool_len) {
                piece_src ps = {o->spool_fd, (uint64_t)off, "the spool"};
                rc = smz__packer_add_stream_titled(o->p, rel, (uint64_t)len, read_piece, &ps, mime,
                                                   mtime, title);
            } else if ((rc = read_spool(o, off, len, &buf, &cap)) == SMZ_OK) {
                rc = smz__packer_add_titled(o->p, rel, buf, (size_t)len, mime, mtime, title);
            }
        } else {
            free(abs);
            if (!o->root || asprintf(&abs, "%s/%s", o->root, rel) < 0) {
                abs = NULL;
                rc = smz__packer_fail(o->p, SMZ_E_NOMEM, "out of memory");
            } else {
                rc = add_file(o, abs, rel);
            }
        }
        if (rc != SMZ_OK)
            break;
    }
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = sqlfail(o, src, "ordering the source");
    sqlite3_finalize(q);
    free(buf);
    free(abs);
    return rc;
}

void smz__order_free(smz_pack_order *o)
{
    if (!o)
        return;
    sqlite3_finalize(o->ins);
    sqlite3_close(o->db);
    if (o->spool_fd >= 0)
        close(o->spool_fd);
    free(o->root);
    free(o);
}
