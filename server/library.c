/* The archive registry: which archives the server offers and what they are
 * called.  Registering only stats the files, so that a hundred archives
 * start at once; the first request that needs names reads every archive's
 * metadata (a few small queries each) and fixes the names, and counts are
 * read the first time a page shows them.  Metadata comes from the archives,
 * so it is capped and checked before use: names go into URLs and headers and
 * must be plain [A-Za-z0-9._-]. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "smz/format.h"
#include "smz/split.h"
#include "format.h"
#include "reader_priv.h"
#include <unistd.h>
#include "library.h"
#include "text/lang.h"
#include "util/file.h"

#define MAX_ARCHIVES 10000

static void warnf(registry *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(registry *g, const char *fmt, ...)
{
    char m[1024];
    va_list ap;
    if (!g->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    g->warn(g->ctx, m);
}

void reg_warn_open(registry *g, const archive *a, const smz_reader *r, smz_err rc)
{
    const char *m = r ? smz_reader_errmsg(r) : "";
    if (!m[0])
        m = smz_strerror(rc);
    if (!strncmp(m, a->path, strlen(a->path)))
        warnf(g, "%s", m);
    else
        warnf(g, "%s: %s", a->path, m);
}

/* Why A cannot be read, for its card: the reader's message without the
 * file's path in front (the card names the file). */
void reg_why(const archive *a, const smz_reader *r, smz_err rc, char *out, size_t n)
{
    const char *m = r ? smz_reader_errmsg(r) : "";
    if (!m[0])
        m = smz_strerror(rc);
    size_t pl = strlen(a->path);
    if (!strncmp(m, a->path, pl) && m[pl] == ':') {
        m += pl + 1 + (m[pl + 1] == ' ');
    } else if (!strncmp(m, a->path, pl)) {
        /* A translation's separator: "：" (Chinese), " - " (Burmese),
         * ": " after a direction mark (Persian, Arabic, Uyghur). */
        static const char *const seps[] = {"\xef\xbc\x9a", ": \xe2\x80\x8f", ": \xe2\x80\x8e", " - ",
                                           ": "};
        for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
            if (!strncmp(m + pl, seps[i], strlen(seps[i]))) {
                m += pl + strlen(seps[i]);
                break;
            }
    }
    snprintf(out, n, "%s", m);
}

static void set_why(archive *a, const smz_reader *r, smz_err rc)
{
    reg_why(a, r, rc, a->why, sizeof a->why);
}

static int add_file(registry *g, const char *path, uint64_t size, char *err, size_t errlen)
{
    if (g->n >= MAX_ARCHIVES) {
        snprintf(err, errlen, smz_tr(g->lang, "more than %d archives"), MAX_ARCHIVES);
        return -1;
    }
    archive *na = realloc(g->a, (g->n + 1) * sizeof *na);
    if (!na) {
        snprintf(err, errlen, "%s", smz_tr(g->lang, "out of memory"));
        return -1;
    }
    g->a = na;
    archive *a = &g->a[g->n];
    memset(a, 0, sizeof *a);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl > 4 && !strcmp(base + bl - 4, ".smz"))
        bl -= 4;
    if (!(a->path = strdup(path)) || !(a->stem = strndup(base, bl))) {
        free(a->path);
        free(a->stem);
        snprintf(err, errlen, "%s", smz_tr(g->lang, "out of memory"));
        return -1;
    }
    a->file_size = size;
    g->n++;
    return 0;
}

/* A split archive (smz/split.h) is one book, registered under its stem
 * NAME.smz, which smz_reader_open opens as the set.  A set that does not
 * check out fails when it is named (STRICT), else it is skipped with a
 * warning, as an unreadable file is. */
static int add_set(registry *g, const char *path, int strict, char *err, size_t errlen)
{
    smz_split *s = NULL;
    smz_err rc = smz_split_open_lang(path, g->lang, &s);
    uint64_t size = rc == SMZ_OK ? smz_split_size(s) : 0,
             part = rc == SMZ_OK ? smz_split_part_size(s) : 0;
    unsigned parts = rc == SMZ_OK ? smz_split_parts(s) : 0;
    if (rc != SMZ_OK && strict)
        snprintf(err, errlen, "%s", smz_split_errmsg(s));
    else if (rc != SMZ_OK)
        warnf(g, "%s; skipped", smz_split_errmsg(s));
    smz_split_close(s);
    if (rc != SMZ_OK)
        return strict ? -1 : 0;
    size_t n = strlen(path);
    char *stem = strdup(path);
    if (!stem) {
        snprintf(err, errlen, "%s", smz_tr(g->lang, "out of memory"));
        return -1;
    }
    if (n > 4 && strcmp(path + n - 4, ".smz"))
        stem[n - 4] = 0; /* a part, NAME.smz.NNN: its stem */
    int r = add_file(g, stem, size, err, errlen);
    if (r == 0) {
        archive *a = &g->a[g->n - 1];
        struct stat st;
        char *manifest = smz_parts_manifest_path(stem);
        a->parts = parts;
        a->part_size = part;
        a->manifest = manifest && stat(manifest, &st) == 0 && S_ISREG(st.st_mode);
        free(manifest);
    }
    free(stem);
    return r;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int reg_add(registry *g, const char *path, char *err, size_t errlen)
{
    struct stat st;
    int rc = -1;
    DIR *d = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (smz_split_is_set(path))
        return add_set(g, path, 1, err, errlen);
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        const char *why;
        int fd = smz_file_open(path, 0, &st, &why);
        if (fd < 0) {
            snprintf(err, errlen, "%s: %s", path, smz_tr(g->lang, why));
            return -1;
        }
        close(fd);
        return add_file(g, path, (uint64_t)st.st_size, err, errlen);
    }
    if (!(d = opendir(path))) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        /* NAME.smz, or NAME.smz.001 for a split archive (smz/split.h) */
        int first_part = l > 8 && !strcmp(de->d_name + l - 8, ".smz.001");
        if (de->d_name[0] == '.' || l < 5 || (strcmp(de->d_name + l - 4, ".smz") && !first_part))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = cap <= MAX_ARCHIVES * 2 ? realloc(names, cap * sizeof *nn) : NULL;
            if (!nn) {
                snprintf(err, errlen, smz_tr(g->lang, "%s: too many files or out of memory"), path);
                goto out;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) {
            snprintf(err, errlen, "%s", smz_tr(g->lang, "out of memory"));
            goto out;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char full[4096];
        int k = snprintf(full, sizeof full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                         names[i]);
        if (k < 0 || (size_t)k >= sizeof full) {
            snprintf(err, errlen, smz_tr(g->lang, "%s: path too long"), path);
            goto out;
        }
        size_t fl = strlen(full);
        if (fl > 8 && !strcmp(full + fl - 8, ".smz.001")) {
            full[fl - 4] = 0; /* the stem; a whole NAME.smz beside the parts wins */
            if (lstat(full, &st) == 0 || errno != ENOENT)
                continue;
            full[fl - 4] = '.';
            if (add_set(g, full, 0, err, errlen) != 0)
                goto out;
            continue;
        }
        /* Opened (never blocking) to tell what it is: a named pipe or a
         * device called x.smz is no archive. */
        const char *why;
        int fd = smz_file_open(full, 0, &st, &why);
        if (fd < 0) {
            if (errno != ENOENT)
                warnf(g, "%s: %s; skipped", full, why);
            continue;
        }
        close(fd);
        if (add_file(g, full, (uint64_t)st.st_size, err, errlen) != 0)
            goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

static void archive_free(archive *a)
{
    free(a->path);
    free(a->stem);
    free(a->name);
    free(a->meta_name);
    free(a->title);
    free(a->description);
    free(a->language);
    free(a->date);
    free(a->creator);
    free(a->publisher);
    free(a->tags);
    free(a->source);
    free(a->license);
    free(a->main_page);
    free(a->illustration);
    for (size_t i = 0; i < a->n_upd; i++)
        free(a->upd[i].file);
    free(a->upd);
    for (size_t i = 0; i < sizeof a->bar / sizeof a->bar[0]; i++)
        free(a->bar[i]);
}

void reg_free(registry *g)
{
    for (size_t i = 0; i < g->n; i++)
        archive_free(&g->a[i]);
    free(g->a);
    g->a = NULL;
    g->n = 0;
}

/* Metadata KEY cut to MAX bytes at a character boundary; NULL if absent. */
static char *meta(smz_reader *r, const char *key, size_t max)
{
    char *v = NULL;
    if (smz_reader_meta(r, key, &v, NULL) != SMZ_OK)
        return NULL;
    size_t n = strlen(v);
    if (n > max) {
        n = max;
        while (n && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--;
        v[n] = 0;
    }
    return v;
}

static int name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || n > SRV_NAME_MAX || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int taken(const registry *g, size_t upto, const char *name)
{
    for (size_t i = 0; i < upto; i++)
        if (g->a[i].name && !strcmp(g->a[i].name, name))
            return 1;
    return 0;
}

/* 1 when another archive than the I-th claims NAME, by its file name or
 * by its Name metadata. */
static int disputed(const registry *g, size_t i, const char *name)
{
    for (size_t j = 0; j < g->n; j++)
        if (j != i &&
            (!strcmp(g->a[j].stem, name) || (g->a[j].meta_name && !strcmp(g->a[j].meta_name, name))))
            return 1;
    return 0;
}

/* Name from the Name metadata if usable and claimed by no other archive
 * (neither as its file name nor as its Name: an archive cannot take
 * another's name, whatever the order of the files), else the file name; a
 * name already used by an earlier archive gives way to the file name, then
 * to NAME-2, NAME-3...  Deterministic for one command line. */
static char *pick_name(const registry *g, size_t i, const char *meta_name)
{
    const archive *a = &g->a[i];
    char base[SRV_NAME_MAX + 1];
    if (name_ok(meta_name) && !disputed(g, i, meta_name) && !taken(g, i, meta_name))
        return strdup(meta_name);
    if (name_ok(a->stem) && !taken(g, i, a->stem))
        return strdup(a->stem);
    const char *from = name_ok(meta_name) ? meta_name : a->stem;
    size_t n = 0;
    for (const char *p = from; *p && n < SRV_NAME_MAX - 8; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        base[n++] = ok ? c : '_';
    }
    base[n] = 0;
    if (!name_ok(base))
        snprintf(base, sizeof base, "archive");
    if (!taken(g, i, base))
        return strdup(base);
    for (unsigned k = 2;; k++) {
        char cand[SRV_NAME_MAX + 16];
        snprintf(cand, sizeof cand, "%s-%u", base, k);
        if (!taken(g, i, cand))
            return strdup(cand);
    }
}

/* lang="" and dir="" for the archive's text: its first Language code
 * (ISO 639-3, as in ZIM) as the tag browsers know best (lib/text/lang.c). */
static void set_language(archive *a)
{
    const char *l = a->language ? a->language : "";
    a->rtl = smz__lang_html(l, strcspn(l, ", _"), a->lang, sizeof a->lang) == 1;
}

static int uuid_ok(const char *u)
{
    if (!u || strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = u[i];
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

static void load_one(registry *g, size_t i)
{
    archive *a = &g->a[i];
    smz_reader *r = NULL;
    char *name = NULL, *uuid = NULL, *ill = NULL, *digest = NULL;
    size_t ill_len = 0;
    smz_err rc = smz_reader_open_lang(a->path, NULL, g->lang, &r);
    if (rc != SMZ_OK) {
        reg_warn_open(g, a, r, rc);
        set_why(a, r, rc);
        a->state = -1;
        goto out;
    }
    name = meta(r, "Name", 256);
    a->title = meta(r, "Title", 300);
    a->description = meta(r, "Description", 2000);
    a->language = meta(r, "Language", 64);
    a->date = meta(r, "Date", 32);
    a->creator = meta(r, "Creator", 300);
    a->publisher = meta(r, "Publisher", 300);
    a->tags = meta(r, "Tags", 1000);
    a->source = meta(r, "Source", 1000);
    a->license = meta(r, "License", 1000);
    a->main_page = meta(r, "MainPage", SMZ_MAX_PATH);
    if (a->main_page && !smz_path_valid(a->main_page)) {
        free(a->main_page);
        a->main_page = NULL;
    }
    /* The UUID names the content in ETags and the catalog: it is used only
     * when it is the one the Digest gives (docs/FORMAT.md), so an archive
     * cannot borrow another's.  (The Digest itself is checked against the
     * entries by smz check and smz verify, not on each start.) */
    uuid = meta(r, "UUID", 64);
    digest = meta(r, "Digest", 64);
    char want[37];
    if (uuid_ok(uuid) && digest && smz__uuid_from_digest_hex(digest, strlen(digest), want) &&
        !strcmp(want, uuid))
        snprintf(a->uuid, sizeof a->uuid, "%s", uuid);
    if (digest && strlen(digest) == 64 && strspn(digest, "0123456789abcdef") == 64)
        memcpy(a->digest, digest, 65);
    uint64_t tail;
    if (!a->parts && smz_reader_tail(r, &tail) == SMZ_OK && tail < a->file_size)
        a->tail = tail;
    if (!a->parts) {
        char sig[4400];
        struct stat sst;
        a->minisig = snprintf(sig, sizeof sig, "%s.minisig", a->path) < (int)sizeof sig &&
                     lstat(sig, &sst) == 0 && S_ISREG(sst.st_mode) && sst.st_size <= SMZ_SIG_FILE_MAX;
    }
    if (smz_reader_meta(r, "Illustration_48x48@1", &ill, &ill_len) == SMZ_OK && ill_len > 8 &&
        ill_len <= (1u << 20) && !memcmp(ill, "\x89PNG\r\n\x1a\n", 8)) {
        a->illustration = (unsigned char *)ill;
        a->illustration_len = ill_len;
        ill = NULL;
    }
    set_language(a);
    if (g->loaded_one)
        g->loaded_one(g, a, r);
    a->state = 1;
out:
    a->meta_name = name;
    free(digest);
    free(uuid);
    free(ill);
    smz_reader_close(r);
}

/* Gives each whole, readable archive with a digest the updates of its
 * folder that lead to it; a folder is read again only when the archive
 * before lay in another (reg_add adds a folder's archives one after the
 * other).  Updates that cannot be listed are simply not offered. */
static void load_updates(registry *g)
{
    char dir[4096], err[256];
    smz_delta_list ul = {0};
    size_t *idx = NULL;
    dir[0] = 0;
    for (size_t i = 0; i < g->n; i++) {
        archive *a = &g->a[i];
        if (a->state != 1 || !a->digest[0] || a->parts)
            continue;
        const char *slash = strrchr(a->path, '/');
        char here[4096];
        if (slash && (size_t)(slash - a->path) >= sizeof here)
            continue; /* a folder name that long offers no updates */
        if (slash == a->path)
            snprintf(here, sizeof here, "/");
        else if (slash)
            snprintf(here, sizeof here, "%.*s", (int)(slash - a->path), a->path);
        else
            snprintf(here, sizeof here, ".");
        if (strcmp(here, dir)) {
            smz_delta_list_free(&ul);
            free(idx);
            idx = NULL;
            snprintf(dir, sizeof dir, "%s", here);
            if (smz_delta_scan(dir, &ul, SMZ_UI_EN, err, sizeof err) != SMZ_OK)
                smz_delta_list_free(&ul);
            if (ul.n && !(idx = malloc(ul.n * sizeof *idx)))
                smz_delta_list_free(&ul);
        }
        size_t k = ul.n ? smz_delta_leading_to(&ul, a->digest, idx, ul.n) : 0;
        if (!k || !(a->upd = calloc(k, sizeof *a->upd)))
            continue;
        for (size_t j = 0; j < k; j++) {
            a->upd[a->n_upd] = ul.u[idx[j]];
            if (!(a->upd[a->n_upd].file = strdup(ul.u[idx[j]].file)))
                break;
            a->n_upd++;
        }
    }
    smz_delta_list_free(&ul);
    free(idx);
}

void reg_load(registry *g)
{
    pthread_mutex_lock(&g->lock);
    if (!g->loaded) {
        for (size_t i = 0; i < g->n; i++)
            load_one(g, i);
        load_updates(g);
        /* Names once every archive's claim is known. */
        for (size_t i = 0; i < g->n; i++)
            if (!(g->a[i].name = pick_name(g, i, g->a[i].meta_name))) {
                g->a[i].state = -1;
                snprintf(g->a[i].why, sizeof g->a[i].why, "%s", smz_strerror(SMZ_E_NOMEM));
            }
        for (size_t i = 0; i < g->n; i++) {
            free(g->a[i].meta_name);
            g->a[i].meta_name = NULL;
        }
        g->loaded = 1;
    }
    pthread_mutex_unlock(&g->lock);
}

archive *reg_find(registry *g, const char *name, size_t len)
{
    reg_load(g);
    for (size_t i = 0; i < g->n; i++) {
        archive *a = &g->a[i];
        if (a->state == 1 && strlen(a->name) == len && !memcmp(a->name, name, len))
            return a;
    }
    return NULL;
}

int reg_stats(registry *g, archive *a)
{
    pthread_mutex_lock(&g->lock);
    int have = a->have_stats;
    pthread_mutex_unlock(&g->lock);
    if (have)
        return 0;
    /* A reader of its own: listing a hundred archives must not leave a
     * hundred handles open on this worker thread. */
    smz_reader *r = NULL;
    smz_stats st;
    smz_err rc = smz_reader_open_lang(a->path, NULL, g->lang, &r);
    if (rc == SMZ_OK)
        rc = smz__reader_stats(r, &st, 0);
    if (rc != SMZ_OK) {
        reg_warn_open(g, a, r, rc);
        smz_reader_close(r);
        return -1;
    }
    smz_reader_close(r);
    /* Articles as smz info counts them: HTML pages, less the generated ones. */
    uint64_t articles = st.articles, media = 0;
    for (size_t i = 0; i < st.n_mimes; i++) {
        const char *m = st.mimes[i].mime;
        if (!strncmp(m, "image/", 6) || !strncmp(m, "audio/", 6) || !strncmp(m, "video/", 6))
            media += st.mimes[i].entries;
    }
    pthread_mutex_lock(&g->lock);
    if (!a->have_stats) {
        a->entries = st.entries;
        a->articles = articles;
        a->media = media;
        a->has_index = st.has_index;
        a->have_stats = 1;
    }
    pthread_mutex_unlock(&g->lock);
    smz_stats_free(&st);
    return 0;
}
