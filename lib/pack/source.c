/* Walking a source folder into the writer.
 *
 * The walk lists the folder (order.h), and the list is replayed in the
 * order clusters want; names are sorted bytewise at every level, so the same
 * folder always gives the same list (and so the same archive bytes).  Symlinks are
 * resolved with realpath(): a link to a file inside the source becomes a
 * redirect to it, a link to a folder inside is walked (with a guard against
 * cycles), a link that leaves the source is refused with a warning. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "smz/i18n.h"
#include "smz/pack.h"
#include "entry.h"
#include "order.h"
#include "format.h"
#include "writer_priv.h"
#include "error.h"
#include "util/file.h"

#define MAX_DEPTH 64

typedef struct walker {
    smz_packer p;
    smz_pack_order *order; /* what the walk lists (not when scan_only) */
    const smz_pack_opts *o;
    char *root; /* realpath of the source */
    size_t root_len;
    char *err;
    size_t errlen;
    int scan_only, saw_html;
    uint64_t entries, bytes; /* scan totals */
    struct {
        dev_t dev;
        ino_t ino;
    } stack[MAX_DEPTH];
    int depth;
} walker;

static void warn(walker *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(walker *k, const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    if (!k->o->warn || k->scan_only)
        return;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, k->o->lang, fmt, ap);
    va_end(ap);
    k->o->warn(k->o->ctx, msg);
}

static smz_err failf(walker *k, smz_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static smz_err failf(walker *k, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(k->err, k->errlen, k->o->lang, fmt, ap);
    va_end(ap);
    return e;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static smz_err add_file(walker *k, const char *rel, const struct stat *sb)
{
    const char *m = smz_mime_by_ext(rel);
    if (m && !strcmp(m, "text/html"))
        k->saw_html = 1;
    if (k->scan_only) {
        k->entries++;
        k->bytes += (uint64_t)sb->st_size;
        return SMZ_OK;
    }
    return smz__order_file(k->order, rel, (uint64_t)sb->st_size);
}

static int hidden_path(const char *rel)
{
    if (rel[0] == '.')
        return 1;
    return strstr(rel, "/.") != NULL;
}

static smz_err walk(walker *k, const char *abs_dir, const char *rel_dir);

static smz_err visit(walker *k, const char *abs, const char *rel)
{
    struct stat lsb, sb;
    char real[PATH_MAX];
    /* The writer's interrupt flag, the one way to stop a pack, also stops
     * listing (or scanning) a large tree. */
    if (smz__writer_interrupted(k->p.w))
        return failf(k, SMZ_E_INTERRUPTED, "interrupted");
    if (lstat(abs, &lsb) != 0)
        return failf(k, SMZ_E_IO, "cannot read %s: %s", abs, strerror(errno));
    if (!smz_path_valid(rel)) {
        warn(k, "%s: name is not valid UTF-8 or not a usable path; skipped", abs);
        return SMZ_OK;
    }
    if (S_ISLNK(lsb.st_mode)) {
        if (!realpath(abs, real) || stat(real, &sb) != 0) {
            warn(k, "%s: broken symlink; skipped", abs);
            return SMZ_OK;
        }
        if (strncmp(real, k->root, k->root_len) != 0 ||
            (real[k->root_len] != '/' && real[k->root_len])) {
            warn(k, "%s: symlink points outside the source (%s); skipped", abs, real);
            return SMZ_OK;
        }
        const char *target = real[k->root_len] ? real + k->root_len + 1 : "";
        if (S_ISREG(sb.st_mode) && smz_path_valid(target) &&
            (k->o->include_hidden || !hidden_path(target))) {
            /* A redirect to the file it names. */
            return k->scan_only ? SMZ_OK : smz__order_redirect(k->order, rel, target);
        }
    } else {
        sb = lsb;
    }
    if (S_ISDIR(sb.st_mode))
        return walk(k, abs, rel);
    if (S_ISREG(sb.st_mode) && smz__pack_meta_is_file(k->o->meta, &sb))
        return SMZ_OK; /* the collection's metadata file: read, not packed */
    if (S_ISREG(sb.st_mode))
        return add_file(k, rel, &sb);
    warn(k, "%s: not a regular file (device, pipe or socket); skipped", abs);
    return SMZ_OK;
}

static smz_err walk(walker *k, const char *abs_dir, const char *rel_dir)
{
    struct stat sb;
    char **names = NULL;
    size_t n = 0, cap = 0;
    smz_err rc = SMZ_OK;
    DIR *d = NULL;
    if (stat(abs_dir, &sb) != 0)
        return failf(k, SMZ_E_IO, "cannot read %s: %s", abs_dir, strerror(errno));
    for (int i = 0; i < k->depth; i++) {
        if (k->stack[i].dev == sb.st_dev && k->stack[i].ino == sb.st_ino) {
            warn(k, "%s: symlink loop; skipped", abs_dir);
            return SMZ_OK;
        }
    }
    if (k->depth == MAX_DEPTH) {
        warn(k, "%s: folders nested over %d deep; skipped", abs_dir, MAX_DEPTH);
        return SMZ_OK;
    }
    k->stack[k->depth].dev = sb.st_dev;
    k->stack[k->depth].ino = sb.st_ino;
    k->depth++;
    if (!(d = opendir(abs_dir))) {
        rc = failf(k, SMZ_E_IO, "cannot read folder %s: %s", abs_dir, strerror(errno));
        goto out;
    }
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (!strcmp(nm, ".") || !strcmp(nm, ".."))
            continue;
        if (nm[0] == '.' && !k->o->include_hidden)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = failf(k, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            names = nn;
        }
        if (!(names[n] = strdup(nm))) {
            rc = failf(k, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && rc == SMZ_OK; i++) {
        char *abs = NULL, *rel = NULL;
        if (asprintf(&abs, "%s/%s", abs_dir, names[i]) < 0 ||
            asprintf(&rel, "%s%s%s", rel_dir, rel_dir[0] ? "/" : "", names[i]) < 0) {
            free(abs);
            rc = failf(k, SMZ_E_NOMEM, "out of memory");
            break;
        }
        rc = visit(k, abs, rel);
        free(abs);
        free(rel);
    }
out:
    if (d)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    k->depth--;
    return rc;
}

/* Walks DIR: counts (scan_only) or lists its files into k->order, which is
 * opened here for the folder's real path. */
static smz_err run(walker *k, const char *dir)
{
    char real[PATH_MAX];
    struct stat sb;
    smz_err rc;
    if (!realpath(dir, real) || stat(real, &sb) != 0)
        return failf(k, SMZ_E_NOTFOUND, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return failf(k, SMZ_E_INVALID, "%s: not a folder", dir);
    if (!(k->root = strdup(real)))
        return failf(k, SMZ_E_NOMEM, "out of memory");
    k->root_len = strlen(real);
    if (k->root_len == 1) /* "/" */
        k->root_len = 0;
    rc = k->scan_only ? SMZ_OK : smz__order_open(&k->p, real, &k->order);
    if (rc == SMZ_OK)
        rc = walk(k, real, "");
    free(k->root);
    k->root = NULL;
    return rc;
}

smz_err smz_pack_scan(smz_writer *w, const char *dir, const smz_pack_opts *o, uint64_t *files,
                      uint64_t *bytes)
{
    char err[1024] = "";
    walker k = {.o = o, .err = err, .errlen = sizeof err, .scan_only = 1};
    k.p.w = w; /* for its interrupt flag only */
    smz_err rc = run(&k, dir);
    *files = k.entries;
    *bytes = k.bytes;
    return smz__pack_report(w, rc, err);
}

smz_err smz_pack_dir(smz_writer *w, const char *dir, const smz_pack_opts *o)
{
    char err[1024] = "";
    walker k = {.o = o, .err = err, .errlen = sizeof err};
    k.p = (smz_packer){.w = w, .o = o, .err = err, .errlen = sizeof err};
    smz_err rc = run(&k, dir);
    /* Articles (auto): only when the folder holds no HTML at all. */
    k.p.articles = o->articles < 0 ? !k.saw_html : o->articles;
    /* A folder without HTML is a collection of texts: they are its pages. */
    k.p.index_text = o->index_text || !k.saw_html;
    if (rc == SMZ_OK)
        rc = smz__order_replay(k.order);
    smz__order_free(k.order);
    smz__packer_close(&k.p);
    return smz__pack_report(w, rc, err);
}

smz_err smz_pack_redirects(smz_writer *w, const char *tsv)
{
    char err[1024] = "";
    size_t errlen = sizeof err;
    const char *why;
    FILE *f = smz_file_fopen(tsv, 0, &why);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    smz_err rc = SMZ_OK;
    if (!f) {
        smz__errf_lang(err, errlen, smz__writer_lang(w), SMZ_E_IO, "cannot read %s: %s", tsv,
                       smz_tr(smz__writer_lang(w), why));
        return smz__pack_report(w, SMZ_E_IO, err);
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0 || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2 || strchr(t2 + 1, '\t') || (size_t)n != strlen(line)) {
            smz__errf_lang(err, errlen, smz__writer_lang(w), SMZ_E_INVALID,
                           "%s:%lu: expected path<TAB>title<TAB>target", tsv, lineno);
            rc = SMZ_E_INVALID;
            break;
        }
        *t1 = *t2 = 0;
        if ((rc = smz_writer_add_redirect(w, line, t1 + 1, t2 + 1)) != SMZ_OK) {
            snprintf(err, errlen, "%s:%lu: %s", tsv, lineno, smz_writer_errmsg(w));
            break;
        }
    }
    free(line);
    fclose(f);
    return smz__pack_report(w, rc, err);
}
