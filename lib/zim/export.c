/* smz_zim_export (smz/zim_export.h): an archive's entries and metadata handed
 * to libzim's writer through lib/zim/zim_write.h.  The order of the calls
 * and what each entry becomes are decided here, in C; the C++ side only
 * wraps libzim.  The ZIM is written inside a fresh folder beside the
 * output (libzim's PATH.tmp and its index folders land there too), renamed
 * into place when whole, and the folder removed whatever happened: a failed
 * export leaves nothing, and a file already at the output is kept until the
 * new one replaces it in one rename. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "smz/zim_export.h"
#include "format.h"
#include "reader_priv.h"
#include "text/date.h"
#include "text/lang.h"
#include "util/strbuf.h"
#include "zim/zim_write.h"

/* An entry over this size is copied to a file first, for libzim to read
 * when it compresses its cluster (it keeps a cluster's items until then). */
#define SPOOL_OVER (16u << 20)

/* Metadata that means the same in a ZIM (the ZIM spec's names), in the
 * order they are written. */
static const char *const META_KEYS[] = {"Name",    "Title",     "Description", "LongDescription",
                                        "Creator", "Publisher", "Source",      "License",
                                        "Flavour", NULL};

static int is_html(const char *mime)
{
    return !strncasecmp(mime, "text/html", 9) && (!mime[9] || mime[9] == ';' || mime[9] == ' ');
}

/* 1 when PATH is one of the lines of GEN (metadata Generated). */
static int generated(const char *gen, const char *path)
{
    size_t n = strlen(path);
    for (const char *p = gen; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l == n && !memcmp(p, path, n))
            return 1;
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* 32 hex digits, dashes anywhere between them, into 16 bytes. */
static int parse_uuid(const char *s, unsigned char out[16])
{
    int n = 0;
    for (; *s; s++) {
        if (*s == '-')
            continue;
        int h = hexval(*s);
        if (h < 0 || n == 32)
            return -1;
        out[n / 2] = (unsigned char)(n % 2 ? out[n / 2] | h : h << 4);
        n++;
    }
    return n == 32 ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

typedef struct exporter {
    smz_reader *r;
    smz_zimw *w;
    char *dir;     /* our folder beside the output */
    char *zimpath; /* where libzim writes, inside DIR */
    const char *out;
    unsigned spooled;
} exporter;

/* The writer's failure on R.  A write that failed on a full disk comes back
 * from libzim as a plain text; the free space of the output's disk tells. */
static smz_err zim_fail(exporter *x, smz_err e)
{
    struct statvfs sv;
    if (e == SMZ_E_IO && statvfs(x->dir, &sv) == 0 && sv.f_bavail == 0)
        e = SMZ_E_NOSPACE;
    return smz__reader_fail(x->r, e, "%s: %s%s", x->out, smz__zimw_errmsg(x->w),
                            e == SMZ_E_NOSPACE ? " (the disk is full)" : "");
}

/* Copies E's bytes to a new file in our folder, for libzim to read later. */
static smz_err spool(exporter *x, const smz_entry *e, char **file)
{
    smz_err rc = SMZ_E_NOMEM;
    smz_stream *s = NULL;
    FILE *f = NULL;
    unsigned char *buf = malloc(1 << 20);
    smz_strbuf name;
    smz_strbuf_init(&name, 1 << 16);
    smz_strbuf_addf(&name, "%s/big-%u", x->dir, x->spooled++);
    if (!buf || smz_strbuf_err(&name))
        goto out;
    if (!(f = fopen(smz_strbuf_str(&name), "wbx"))) {
        rc = smz__reader_fail(x->r, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s", x->dir,
                              strerror(errno));
        goto out;
    }
    if ((rc = smz_stream_open(x->r, e, 0, e->size, &s)) != SMZ_OK)
        goto out;
    for (uint64_t off = 0; off < e->size;) {
        size_t n = e->size - off > (1 << 20) ? 1 << 20 : (size_t)(e->size - off);
        if ((rc = smz_stream_read(s, buf, n)) != SMZ_OK)
            goto out;
        if (fwrite(buf, 1, n, f) != n) {
            rc = smz__reader_fail(x->r, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s", x->dir,
                                  strerror(errno));
            goto out;
        }
        off += n;
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = smz__reader_fail(x->r, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s", x->dir,
                              strerror(errno));
        goto out;
    }
    f = NULL;
    rc = smz_strbuf_detach(&name, file, NULL);
out:
    if (f)
        fclose(f);
    smz_stream_close(s);
    smz_strbuf_free(&name);
    free(buf);
    return rc;
}

/* Metadata, the illustration and the main page. */
static smz_err put_meta(exporter *x, const smz_zim_opts *o, smz_zim_stats *st)
{
    smz_err rc = SMZ_OK;
    char *v = NULL;
    size_t vl = 0;
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 16);
    for (int i = 0; META_KEYS[i] && rc == SMZ_OK; i++) {
        rc = smz_reader_meta(x->r, META_KEYS[i], &v, &vl);
        if (rc == SMZ_E_NOTFOUND) {
            rc = SMZ_OK;
            continue;
        }
        if (rc == SMZ_OK && vl && (rc = smz__zimw_meta(x->w, META_KEYS[i], v, vl, NULL)) != SMZ_OK)
            rc = zim_fail(x, rc);
        free(v);
        v = NULL;
    }
    if (rc != SMZ_OK)
        goto out;
    /* Tags, and Kiwix's tag for whether the ZIM has a full-text index
     * (libkiwix reads "_ftindex:no" when the tag is missing). */
    rc = smz_reader_meta(x->r, "Tags", &v, &vl);
    if (rc != SMZ_OK && rc != SMZ_E_NOTFOUND)
        goto out;
    smz_strbuf_addf(&b, "%s%s_ftindex:%s", v && *v ? v : "", v && *v ? ";" : "",
                    o && o->no_index ? "no" : "yes");
    free(v);
    v = NULL;
    if ((rc = smz_strbuf_err(&b)) != SMZ_OK ||
        (rc = smz__zimw_meta(x->w, "Tags", smz_strbuf_str(&b), smz_strbuf_len(&b), NULL)) != SMZ_OK) {
        rc = rc == SMZ_E_NOMEM || rc == SMZ_E_TOOBIG
                 ? smz__reader_fail(x->r, rc, "Tags: %s", smz_strerror(rc))
                 : zim_fail(x, rc);
        goto out;
    }
    smz_strbuf_reset(&b);
    /* Language, in ISO 639-3. */
    rc = smz_reader_meta(x->r, "Language", &v, &vl);
    if (rc == SMZ_OK) {
        if ((rc = smz__lang_list_iso3(v, &b)) != SMZ_OK)
            goto out;
        if (smz_strbuf_len(&b) && (rc = smz__zimw_meta(x->w, "Language", smz_strbuf_str(&b),
                                                       smz_strbuf_len(&b), NULL)) != SMZ_OK) {
            rc = zim_fail(x, rc);
            goto out;
        }
    } else if (rc != SMZ_E_NOTFOUND) {
        goto out;
    }
    free(v);
    v = NULL;
    /* Date: the option, the archive's, else today's. */
    char today[11];
    const char *date = o && o->date ? o->date : NULL;
    if (!date) {
        rc = smz_reader_meta(x->r, "Date", &v, &vl);
        if (rc != SMZ_OK && rc != SMZ_E_NOTFOUND)
            goto out;
        if (rc == SMZ_OK && smz__date_ok(v)) {
            date = v;
        } else {
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            smz__date_write(today, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
            date = today;
        }
    }
    if ((rc = smz__zimw_meta(x->w, "Date", date, strlen(date), NULL)) != SMZ_OK) {
        rc = zim_fail(x, rc);
        goto out;
    }
    free(v);
    v = NULL;
    static const char scraper[] = "Samizdat (smz extract --format zim)";
    if ((rc = smz__zimw_meta(x->w, "Scraper", scraper, sizeof scraper - 1, NULL)) != SMZ_OK) {
        rc = zim_fail(x, rc);
        goto out;
    }
    rc = smz_reader_meta(x->r, "Illustration_48x48@1", &v, &vl);
    if (rc == SMZ_OK && smz__png_48(v, vl)) {
        if ((rc = smz__zimw_illustration(x->w, v, vl)) != SMZ_OK) {
            rc = zim_fail(x, rc);
            goto out;
        }
    } else if (rc == SMZ_OK || rc == SMZ_E_NOTFOUND) {
        st->no_illustration = 1;
        rc = SMZ_OK;
    } else {
        goto out;
    }
    free(v);
    v = NULL;
    rc = smz_reader_meta(x->r, "MainPage", &v, &vl);
    if (rc == SMZ_OK && vl) {
        if ((rc = smz__zimw_main(x->w, v)) != SMZ_OK)
            rc = zim_fail(x, rc);
    } else if (rc == SMZ_E_NOTFOUND || rc == SMZ_OK) {
        rc = SMZ_OK;
    }
out:
    free(v);
    smz_strbuf_free(&b);
    return rc;
}

/* The index language: the first of Language as ISO 639-3, else "eng". */
static smz_err index_lang(smz_reader *r, char out[4])
{
    char *v = NULL;
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 16);
    memcpy(out, "eng", 4);
    smz_err rc = smz_reader_meta(r, "Language", &v, NULL);
    if (rc == SMZ_OK && (rc = smz__lang_list_iso3(v, &b)) == SMZ_OK && smz_strbuf_len(&b) >= 3)
        memcpy(out, smz_strbuf_str(&b), 3);
    free(v);
    smz_strbuf_free(&b);
    return rc == SMZ_E_NOTFOUND ? SMZ_OK : rc;
}

/* The default UUID: BLAKE2b-128 of the archive's UUID and the index
 * choice, so that one archive always gives the same ZIM, and a ZIM with
 * indexes and one without (different files) differ. */
static smz_err default_uuid(smz_reader *r, int no_index, unsigned char uuid[16])
{
    char *v = NULL;
    size_t vl = 0;
    smz_err rc = smz_reader_meta(r, "UUID", &v, &vl);
    if (rc != SMZ_OK && rc != SMZ_E_NOTFOUND)
        return rc;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 16);
    static const char tag[] = "samizdat zim export 1";
    crypto_generichash_update(&h, (const unsigned char *)tag, sizeof tag);
    if (v)
        crypto_generichash_update(&h, (const unsigned char *)v, vl);
    crypto_generichash_update(&h, (const unsigned char *)(no_index ? "-" : "+"), 1);
    crypto_generichash_final(&h, uuid, 16);
    uuid[6] = (unsigned char)((uuid[6] & 0x0f) | 0x80); /* version 8: made by a rule of its own */
    uuid[8] = (unsigned char)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    free(v);
    return SMZ_OK;
}

smz_err smz_zim_export(smz_reader *r, const char *out, const smz_zim_opts *o, smz_zim_stats *st)
{
    smz_err rc = SMZ_E_INTERNAL;
    exporter x = {.r = r, .out = out};
    smz_zim_stats st0 = {0};
    smz_iter *it = NULL;
    smz_entry **ents = NULL, **order = NULL;
    size_t n = 0, cap = 0, n_order = 0;
    char *gen = NULL;
    unsigned char uuid[16];
    char lang[4];
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 16);
    if (!st)
        st = &st0;
    memset(st, 0, sizeof *st);
    smz__reader_begin_long(r, 1);
    if (!out || !*out || !strcmp(out, "-")) {
        rc = smz__reader_fail(r, SMZ_E_INVALID, "a ZIM is written to a file, not to standard output");
        goto out;
    }
    if (o && o->date && !smz__date_ok(o->date)) {
        rc = smz__reader_fail(r, SMZ_E_INVALID, "--date %.40s is not a date written YYYY-MM-DD",
                              o->date);
        goto out;
    }
    if (o && o->uuid ? parse_uuid(o->uuid, uuid) != 0
                     : (rc = default_uuid(r, o && o->no_index, uuid)) != SMZ_OK) {
        rc = o && o->uuid
                 ? smz__reader_fail(r, SMZ_E_INVALID, "--uuid %.60s is not 32 hex digits", o->uuid)
                 : rc;
        goto out;
    }
    if ((rc = index_lang(r, lang)) != SMZ_OK)
        goto out;
    /* Our folder beside OUT: same disk, so the final rename is atomic. */
    const char *slash = strrchr(out, '/');
    smz_strbuf_addf(&b, "%.*s.%s.smz-zim-XXXXXX", slash ? (int)(slash - out + 1) : 0, out,
                    slash ? slash + 1 : out);
    if ((rc = smz_strbuf_detach(&b, &x.dir, NULL)) != SMZ_OK)
        goto out;
    if (!mkdtemp(x.dir)) {
        int e = errno;
        free(x.dir);
        x.dir = NULL;
        rc = smz__reader_fail(r,
                              e == ENOSPC   ? SMZ_E_NOSPACE
                              : e == ENOENT ? SMZ_E_NOTFOUND
                                            : SMZ_E_IO,
                              "%s: cannot write beside it: %s", out, strerror(e));
        goto out;
    }
    smz_strbuf_addf(&b, "%s/out.zim", x.dir);
    if ((rc = smz_strbuf_detach(&b, &x.zimpath, NULL)) != SMZ_OK)
        goto out;
    if (!(x.w = smz__zimw_new())) {
        rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    smz_zimw_opts zo = {.index_lang = o && o->no_index ? NULL : lang,
                        .uuid = uuid,
                        .workers = o && o->workers ? o->workers : 1};
    if ((rc = smz__zimw_start(x.w, x.zimpath, &zo)) != SMZ_OK) {
        rc = zim_fail(&x, rc);
        goto out;
    }
    rc = smz_reader_meta(r, "Generated", &gen, NULL);
    if (rc != SMZ_OK && rc != SMZ_E_NOTFOUND)
        goto out;
    /* 1. Every entry (path order), kept: a few hundred bytes each. */
    if ((rc = smz_reader_iter(r, NULL, &it)) != SMZ_OK)
        goto out;
    for (;;) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK)
            goto out;
        if (!e)
            break;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            smz_entry **ne = realloc(ents, nc * sizeof *ne);
            if (!ne) {
                rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            ents = ne;
            cap = nc;
        }
        if ((rc = smz_entry_dup(e, &ents[n])) != SMZ_OK) {
            rc = smz__reader_fail(r, rc, "out of memory");
            goto out;
        }
        n++;
    }
    /* 2. Content, in the order its bytes lie: each cluster decoded once. */
    if (!(order = calloc(n ? n : 1, sizeof *order))) {
        rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!ents[i]->redirect)
            order[n_order++] = ents[i];
    qsort(order, n_order, sizeof *order, smz_entry_cmp_place);
    for (size_t k = 0; k < n_order; k++) {
        const smz_entry *e = order[k];
        int front = is_html(e->mime) && !generated(gen, e->path);
        if (smz__reader_interrupted(r)) {
            rc = smz__reader_fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        if (e->size > SPOOL_OVER) {
            char *file = NULL;
            if ((rc = spool(&x, e, &file)) != SMZ_OK)
                goto out;
            rc = smz__zimw_add_file(x.w, e->path, e->title, e->mime, front, file);
            free(file);
        } else {
            unsigned char *data = NULL;
            size_t len = 0;
            if ((rc = smz_reader_read(r, e, SPOOL_OVER, &data, &len)) != SMZ_OK)
                goto out;
            rc = smz__zimw_add(x.w, e->path, e->title, e->mime, front, data, len);
            free(data);
        }
        if (rc != SMZ_OK) {
            rc = zim_fail(&x, rc);
            goto out;
        }
        st->items++;
    }
    /* 3. Redirects, each to its own target (a chain stays a chain). */
    for (size_t i = 0; i < n; i++) {
        if (!ents[i]->redirect)
            continue;
        if ((rc = smz__zimw_redirect(x.w, ents[i]->path, ents[i]->title, ents[i]->redirect,
                                     ents[i]->title[0] != 0)) != SMZ_OK) {
            rc = zim_fail(&x, rc);
            goto out;
        }
        st->redirects++;
    }
    if ((rc = put_meta(&x, o, st)) != SMZ_OK)
        goto out;
    if ((rc = smz__zimw_finish(x.w)) != SMZ_OK) {
        rc = zim_fail(&x, rc);
        goto out;
    }
    if (rename(x.zimpath, out) != 0) {
        int e = errno;
        rc = smz__reader_fail(r, e == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "%s: %s", out, strerror(e));
        goto out;
    }
    rc = SMZ_OK;
out:
    smz__zimw_free(x.w); /* joins libzim's threads before the folder goes */
    if (x.dir)
        nftw(x.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    smz_iter_free(it);
    for (size_t i = 0; i < n; i++)
        smz_entry_free(ents[i]);
    free(ents);
    free(order);
    free(gen);
    free(x.dir);
    free(x.zimpath);
    smz_strbuf_free(&b);
    return rc;
}
