/* Packing from a ZIM file (Kiwix's format; smz/pack.h, smz_pack_zim): its
 * entries through libzim (lib/zim/zim_read.h, the C side of the one C++
 * file), its metadata into the collection's (smz_pack_meta_read_zim).
 *
 * The entries come in the ZIM's cluster order, so that each of its clusters
 * is decompressed once, and go to the spool and the list of order.h like a
 * tar's members (never more than one entry in memory), to be replayed in
 * our own order: the archive of an imported ZIM is laid out as the folder's
 * would be.  The ZIM is untrusted: its paths are checked against our rules
 * (a path that climbs or is absolute fails the import: such a file was
 * made to attack), its MIME types too, and its sizes against the entry
 * limit before a byte is read.  Only smz-pack links this file (Makefile,
 * ZIM_READ_OBJS); make dist's static build has no libzim (SMZ_STATIC). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "entry.h"
#include "format.h"
#include "order.h"
#include "text/utf8.h"
#include "util/file.h"
#include "writer_priv.h"
#ifndef SMZ_STATIC
#include "zim/zim_read.h"
#endif

int smz_pack_is_zim(const char *path)
{
    static const unsigned char magic[4] = {0x5A, 0x49, 0x4D, 0x04}; /* 72173914, little-endian */
    unsigned char head[4];
    const char *why;
    struct stat sb;
    int fd = smz_file_open(path, 0, &sb, &why);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    return n == (ssize_t)sizeof head && !memcmp(head, magic, sizeof head);
}

#ifdef SMZ_STATIC

static const char no_zim[] = "this smz-pack is built without libzim (make dist's static programs): "
                             "import ZIM files with a build from source";

smz_err smz_pack_zim(smz_writer *w, const char *path, const smz_pack_opts *o)
{
    (void)o;
    return smz_writer_set_error(w, SMZ_E_UNSUPPORTED, "%s: %s", path, no_zim);
}

smz_err smz_pack_meta_read_zim(smz_pack_meta *m, const char *path, const smz_pack_opts *o)
{
    (void)o;
    char msg[1200];
    snprintf(msg, sizeof msg, "%s: %s", path, no_zim);
    if (m)
        smz__pack_meta_seterr(m, msg);
    return SMZ_E_UNSUPPORTED;
}

const char *smz_pack_zim_version(void)
{
    return NULL;
}

#else

const char *smz_pack_zim_version(void)
{
    return smz__zim_version();
}

/* A path that climbs out of the archive or is absolute: made to attack,
 * never by a ZIM writer. */
static int hostile_path(const char *problem)
{
    return problem && (strstr(problem, "absolute") || strstr(problem, "'.' segment") ||
                       strstr(problem, "'..' segment"));
}

/* The ZIM's MIME type when it is one we store (printable ASCII, not too
 * long), else NULL: found from the bytes then, as for a file. */
static const char *usable_mime(const char *m)
{
    size_t n = strlen(m);
    if (n == 0 || n > SMZ_MAX_MIME)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)m[i] < 0x20 || (unsigned char)m[i] > 0x7E)
            return NULL;
    return m;
}

/* A title as the writer takes it: UTF-8, else none (ours is found). */
static const char *usable_title(const char *t)
{
    return t[0] && smz_utf8_valid(t, strlen(t)) ? t : NULL;
}

/* Spools the content entry E at hand, read from Z in pieces of at most
 * 1 MiB (of the cluster libzim holds), whatever its size. */
static smz_err spool_entry(smz_packer *p, smz_zim *z, smz_pack_order *order, const smz_zim_entry *e,
                           const char *shown, unsigned char **buf, size_t *cap)
{
    const size_t piece = 1u << 20;
    char what[SMZ_MAX_PATH + 1200];
    smz_err rc;
    snprintf(what, sizeof what, "%s: %s", shown, e->path);
    if (smz__packer_oversized(p, what, e->size))
        return SMZ_OK;
    if (!*buf) {
        if (!(*buf = malloc(piece)))
            return smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
        *cap = piece;
    }
    if ((rc = smz__order_member_begin(order)) != SMZ_OK)
        return rc;
    for (uint64_t at = 0; at < e->size;) {
        size_t n = e->size - at < *cap ? (size_t)(e->size - at) : *cap;
        if ((rc = smz__zim_read(z, at, *buf, n)) != SMZ_OK) {
            smz__order_member_abort(order);
            return smz__packer_fail(p, rc, "%s", smz__zim_errmsg(z));
        }
        if ((rc = smz__order_member_put(order, at, *buf, n)) != SMZ_OK) {
            smz__order_member_abort(order);
            return rc;
        }
        at += n;
    }
    rc = smz__order_member_end_titled(order, e->path, e->size, usable_mime(e->mime), 0,
                                      usable_title(e->title));
    if (rc != SMZ_OK)
        smz__order_member_abort(order);
    return rc;
}

static smz_err pack_zim(smz_writer *w, const char *path, const smz_pack_opts *o, char *err,
                        size_t errlen)
{
    smz_packer p = {.w = w, .o = o, .err = err, .errlen = errlen, .index_text = o->index_text};
    smz_zim *z = NULL;
    smz_pack_order *order = NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    smz_zim_entry e;
    smz_err rc;
    if ((rc = smz__zim_open(path, 1, &z)) != SMZ_OK) {
        rc = smz__packer_fail(&p, rc, "%s", smz__zim_errmsg(z));
        goto out;
    }
    if ((rc = smz__order_open(&p, NULL, &order)) != SMZ_OK)
        goto out;
    for (;;) {
        if (smz__writer_interrupted(w)) {
            rc = smz__packer_fail(&p, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        if ((rc = smz__zim_next(z, &e)) == SMZ_E_NOTFOUND)
            break;
        if (rc != SMZ_OK) {
            rc = smz__packer_fail(&p, rc, "%s", smz__zim_errmsg(z));
            goto out;
        }
        const char *problem = smz_path_problem(e.path, strlen(e.path));
        const char *tproblem = e.target ? smz_path_problem(e.target, strlen(e.target)) : NULL;
        if (hostile_path(problem) || hostile_path(tproblem)) {
            rc = smz__packer_fail(&p, SMZ_E_CORRUPT, "%s: hostile ZIM file: entry %.200s%s%.200s: %s",
                                  path, e.path, problem ? "" : " -> ", problem ? "" : e.target,
                                  problem ? problem : tproblem);
            goto out;
        }
        if (problem || tproblem) {
            smz__packer_warn(&p, "%s: entry %.200s%s%.200s: %s; skipped", path, e.path,
                             problem ? "" : " -> ", problem ? "" : e.target,
                             problem ? problem : tproblem);
            continue;
        }
        if (e.target)
            rc = smz__order_redirect_titled(order, e.path, e.target, usable_title(e.title));
        else
            rc = spool_entry(&p, z, order, &e, path, &buf, &cap);
        if (rc != SMZ_OK)
            goto out;
    }
    /* The ZIM is read: its clusters and caches go before the replay. */
    smz__zim_close(z);
    z = NULL;
    rc = smz__order_replay(order);
out:
    free(buf);
    smz__order_free(order);
    smz__packer_close(&p);
    smz__zim_close(z);
    return rc;
}

smz_err smz_pack_zim(smz_writer *w, const char *path, const smz_pack_opts *o)
{
    char err[1024] = "";
    return smz__pack_report(w, pack_zim(w, path, o, err, sizeof err), err);
}

/* ------------------------------------------------------------------
 * Metadata */

typedef struct meta_ctx {
    smz_pack_meta *m;
    const smz_pack_opts *o;
    const char *path;
} meta_ctx;

static void meta_warn(const meta_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void meta_warn(const meta_ctx *c, const char *fmt, ...)
{
    char msg[1024], line[1400];
    va_list ap;
    if (!c->o || !c->o->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", c->path, msg);
    c->o->warn(c->o->ctx, line);
}

/* The keys with an option of their own (smz_pack_meta_set checks them). */
static const char *const SET_KEYS[] = {"Title",     "Description", "Language", "Name",   "Creator",
                                       "Publisher", "Date",        "Tags",     "Source", "License"};

/* Our own keys, which a source never sets. */
static int reserved_key(const char *k)
{
    return !strcmp(k, "Digest") || !strcmp(k, "UUID") || !strcmp(k, "Generated") ||
           !strcmp(k, "MainPage") || !strncmp(k, "Signature", 9);
}

static int png_48(const char *v, size_t n)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char dim[8] = {0, 0, 0, 48, 0, 0, 0, 48};
    return n >= 24 && !memcmp(v, sig, 8) && !memcmp(v + 12, "IHDR", 4) && !memcmp(v + 16, dim, 8);
}

/* A key we may store: one line of UTF-8, not too long. */
static int key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 256 || !smz_utf8_valid(k, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] < 0x20 || k[i] == 0x7F)
            return 0;
    return 1;
}

static smz_err one_meta(void *ctx, const char *key, const char *value, size_t len)
{
    meta_ctx *c = ctx;
    char shown[96];
    size_t kn = smz__utf8_cut(key, strlen(key), 80);
    snprintf(shown, sizeof shown, "%.*s", (int)kn, key);
    for (char *s = shown; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            *s = '?';
    if (!strcmp(key, "Counter"))
        return SMZ_OK; /* libzim's count of MIME types: derived, and changed by the import */
    if (!value) {
        meta_warn(c, "metadata %s is over %u bytes; left out", shown, SMZ_ZIM_MAX_META);
        return SMZ_OK;
    }
    if (!strcmp(key, "Illustration_48x48@1")) {
        if (!png_48(value, len)) {
            meta_warn(c, "metadata %s is not a 48x48 PNG; left out", shown);
            return SMZ_OK;
        }
        return smz__pack_meta_set_png(c->m, (const unsigned char *)value, len);
    }
    if (!strncmp(key, "Illustration_", 13)) {
        meta_warn(c, "metadata %s left out (only the 48x48 illustration is kept)", shown);
        return SMZ_OK;
    }
    if (!key_ok(key) || reserved_key(key)) {
        meta_warn(c, "metadata key %s is %s; left out", shown,
                  reserved_key(key) ? "one of the archive's own" : "not one line of UTF-8");
        return SMZ_OK;
    }
    if (memchr(value, 0, len) || !smz_utf8_valid(value, len)) {
        meta_warn(c, "metadata %s is not UTF-8 text; left out", shown);
        return SMZ_OK;
    }
    for (size_t i = 0; i < sizeof SET_KEYS / sizeof SET_KEYS[0]; i++) {
        if (strcmp(key, SET_KEYS[i]))
            continue;
        /* The ZIM's own empty values ("" for a Source it has none of)
         * mean no value. */
        if (len == 0)
            return SMZ_OK;
        char from[128];
        snprintf(from, sizeof from, "ZIM metadata");
        smz_err rc = smz_pack_meta_set(c->m, key, value, from);
        if (rc == SMZ_E_NOMEM)
            return rc;
        if (rc != SMZ_OK)
            meta_warn(c, "%s; left out", smz_pack_meta_errmsg(c->m));
        return SMZ_OK;
    }
    return smz__pack_meta_keep(c->m, key, value, len);
}

smz_err smz_pack_meta_read_zim(smz_pack_meta *m, const char *path, const smz_pack_opts *o)
{
    smz_zim *z = NULL;
    meta_ctx c = {m, o, path};
    const char *main_page = NULL;
    smz_err rc;
    char msg[1024] = "";
    if (!m)
        return SMZ_E_INVALID;
    if ((rc = smz__zim_open(path, 0, &z)) != SMZ_OK || (rc = smz__zim_meta(z, one_meta, &c)) != SMZ_OK ||
        (rc = smz__zim_main_page(z, &main_page)) != SMZ_OK) {
        snprintf(msg, sizeof msg, "%s", rc == SMZ_E_NOMEM ? "out of memory" : smz__zim_errmsg(z));
        goto out;
    }
    /* The main page: the end of the header's redirects, a path of ours
     * when it is one (in the old scheme with its namespace, "A/Main"). */
    if (main_page && (rc = smz_pack_meta_set(m, "MainPage", main_page, "ZIM main page")) != SMZ_OK) {
        if (rc == SMZ_E_NOMEM) {
            snprintf(msg, sizeof msg, "out of memory");
            goto out;
        }
        meta_warn(&c, "%s; left out", smz_pack_meta_errmsg(m));
    }
    rc = SMZ_OK;
out:
    smz__zim_close(z);
    /* The message of this read, on M (the last warning's text otherwise). */
    if (rc == SMZ_OK)
        smz__pack_meta_seterr(m, "");
    else
        smz__pack_meta_seterr(m, msg);
    return rc;
}

#endif
