/* The per-file step of packing (see entry.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "entry.h"
#include "analyze.h"
#include "charset.h"
#include "article/article.h"
#include "format.h"
#include "smz/util.h"
#include "text/charset.h"
#include "text/utf8.h"
#include "writer_priv.h"
#include "error.h"

void smz__packer_warn(smz_packer *p, const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    if (!p->o->warn)
        return;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, p->o->lang, fmt, ap);
    va_end(ap);
    p->o->warn(p->o->ctx, msg);
}

smz_err smz__packer_fail(smz_packer *p, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(p->err, p->errlen, p->o->lang, fmt, ap);
    va_end(ap);
    return e;
}

int smz__is_article_path(const char *path)
{
    size_t n = strlen(path);
    return (n > 4 && !strcasecmp(path + n - 4, ".txt")) || (n > 3 && !strcasecmp(path + n - 3, ".md"));
}

static const char *detect_mime(smz_packer *p, const char *path, const unsigned char *data, size_t len)
{
    const char *m = smz_mime_by_ext(path);
    if (m)
        return m;
    if (len == 0)
        return "application/octet-stream";
    if (!p->magic) {
        p->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
        if (p->magic && magic_load(p->magic, NULL) != 0) {
            magic_close(p->magic);
            p->magic = NULL;
        }
    }
    if (p->magic && (m = magic_buffer(p->magic, data, len)) && strlen(m) <= SMZ_MAX_MIME)
        return m;
    return "application/octet-stream";
}

/* "dir/name.txt" -> "dir/name.html" (malloc'd). */
static char *page_path_of(const char *rel)
{
    const char *dot = strrchr(rel, '.');
    char *s = NULL;
    if (asprintf(&s, "%.*s.html", (int)(dot - rel), rel) < 0)
        return NULL;
    return s;
}

/* The link from the page at PAGE back to the main page, relative to it
 * (malloc'd in *OUT), or NULL when there is none to make. */
static smz_err home_href(smz_packer *p, const char *page, char **out)
{
    const char *main = p->o->main_page;
    char *main_page = NULL;
    smz_err rc = SMZ_OK;
    *out = NULL;
    /* A main page named by its article's original: the pages link to the
     * page made of it (smz_pack_finish makes that the main page too). */
    if (main && p->articles && smz__is_article_path(main)) {
        if (!(main_page = page_path_of(main)))
            return SMZ_E_NOMEM;
        main = main_page;
    }
    if (!main) {
        if (!p->o->index)
            return SMZ_OK; /* nobody makes sure index.html will exist */
        main = "index.html";
        smz__pack_index_linked(p->o->index);
    }
    if (!strcmp(main, page))
        goto out;
    size_t depth = 0;
    for (const char *c = page; *c; c++)
        depth += *c == '/';
    size_t len = strlen(main);
    char *h = malloc(3 * depth + len + 1);
    if (!h) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < depth; i++)
        memcpy(h + 3 * i, "../", 3);
    memcpy(h + 3 * depth, main, len + 1);
    *out = h;
out:
    free(main_page);
    return rc;
}

static int is_page(const char *mime)
{
    size_t n = strcspn(mime, "; ");
    return (n == 9 && !strncmp(mime, "text/html", 9)) ||
           (n == 21 && !strncmp(mime, "application/xhtml+xml", 21));
}

/* Adds W's entry E; on failure p->err says why. */
static smz_err add_entry(smz_packer *p, const smz_writer_entry *e)
{
    smz_err rc = smz_writer_add(p->w, e);
    if (rc != SMZ_OK)
        smz__packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
    return rc;
}

/* smz__packer_add and _add_titled: TITLE is the source's (NULL: none). */
static smz_err add_as(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                      const char *mime, int64_t mtime, const char *title)
{
    smz_analysis an = {0};
    char *page_path = NULL, *home = NULL, *original = NULL, *typed = NULL;
    smz_err rc;
    if (!mime)
        mime = detect_mime(p, rel, data, len);
    /* A text entry's type carries its charset (charset.h); a charset a
     * WARC record's header named is in MIME already. */
    if (smz__pack_mime_with_charset(mime,
                                    smz__pack_is_text(mime)
                                        ? smz__pack_charset(mime, smz__mime_charset(mime), data, len)
                                        : NULL,
                                    &typed) != SMZ_OK) {
        rc = smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    mime = typed;
    int article = p->articles && smz__is_article_path(rel);
    /* What the metadata file says about this file wins over what we find. */
    const smz_pack_article *given = smz__pack_meta_article(p->o->meta, rel);
    smz_article_opts ao = {.lang = p->o->language,
                           .home_label = p->o->title,
                           .title = given ? given->title : NULL,
                           .date = given ? given->date : NULL};
    if (article) {
        /* An article is kept as it is at its own path (its original) and
         * also becomes the page NAME.html, which links to it. */
        const char *slash = strrchr(rel, '/');
        if (!(page_path = page_path_of(rel)) || home_href(p, page_path, &home) != SMZ_OK ||
            !(original = strdup(slash ? slash + 1 : rel))) {
            rc = smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        ao.home_href = home;
        ao.original_href = original; /* beside the page: its file name */
        /* Files are added in path order within a name (order.c), so a page
         * the source brings itself (NAME.html), or one made from NAME.md
         * before NAME.txt, is in already: it is kept, never replaced, and
         * this file is stored as any other file would be. */
        if (smz_writer_has(p->w, page_path)) {
            smz__packer_warn(p, "%s: %s is in the archive already; %s is stored as it is, not rendered",
                             rel, page_path, rel);
            article = 0;
        }
    }
    /* A site's text files (Sphinx's _sources, licences, robots.txt) are
     * stored, not indexed, unless asked: their words are the pages' again
     * (python3.11-doc: a third of the index), and a search is for pages. */
    int want_text = !p->o->no_index &&
                    (p->articles || p->index_text ||
                     (!smz__mime_is(mime, "text/plain") && !smz__mime_is(mime, "text/markdown")));
    rc = smz__analyze(rel, mime, data, len, want_text, article, &ao, mtime, &an);
    if (rc != SMZ_OK) {
        smz__packer_fail(p, rc, "%s: cannot analyse: %s", rel, smz_strerror(rc));
        goto out;
    }
    smz_writer_entry e = {.path = rel,
                          .title = an.title,
                          .mime = mime,
                          .data = data,
                          .size = len,
                          .text = an.text,
                          .text_len = an.text_len,
                          .emphasis = an.headings,
                          .emphasis_len = an.headings_len,
                          .hub = an.hub};
    if (given && given->title && !an.page)
        e.title = given->title;
    else if (title && !an.page)
        e.title = title;
    if (an.page) {
        /* The original: its bytes as they came, with no title and no search
         * text.  Not the page's title: the writer indexes every titled
         * entry, so suggestions and searches would give each article twice,
         * and smz ls --long would show two entries of one title.  Untitled
         * and unindexed, it is found through its page, which links to it. */
        smz_writer_entry orig = {.path = rel, .mime = mime, .data = data, .size = len};
        if ((rc = add_entry(p, &orig)) != SMZ_OK)
            goto out;
        if (p->o->main_page && !strcmp(p->o->main_page, rel) &&
            (rc = smz__pack_index_main_article(p->o->index, page_path)) != SMZ_OK) {
            smz__packer_fail(p, rc, "out of memory");
            goto out;
        }
        e.path = page_path;
        e.mime = "text/html; charset=utf-8";
        e.data = an.page;
        e.size = an.page_len;
    }
    if ((rc = add_entry(p, &e)) != SMZ_OK)
        goto out;
    if (is_page(e.mime) && (rc = smz__pack_index_add(p->o->index, p->o, e.path, e.title,
                                                     an.date ? an.date
                                                     : given ? given->date
                                                             : NULL,
                                                     an.summary)) != SMZ_OK) {
        smz__packer_fail(p, rc, "out of memory");
        goto out;
    }
    p->entries++;
    p->bytes += len;
out:
    smz__analysis_free(&an);
    free(page_path);
    free(home);
    free(original);
    free(typed);
    return rc;
}

smz_err smz__packer_add(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                        const char *mime, int64_t mtime)
{
    return add_as(p, rel, data, len, mime, mtime, NULL);
}

smz_err smz__packer_add_titled(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                               const char *mime, int64_t mtime, const char *title)
{
    return add_as(p, rel, data, len, mime, mtime, title);
}

uint64_t smz__packer_max_entry(const smz_packer *p)
{
    uint64_t m = p->o->max_entry;
    return m && m < SMZ_WRITER_MAX_ENTRY ? m : SMZ_WRITER_MAX_ENTRY;
}

int smz__packer_oversized(smz_packer *p, const char *what, uint64_t len)
{
    uint64_t max = smz__packer_max_entry(p);
    if (len <= max)
        return 0;
    smz__packer_warn(p, "%s: %llu bytes is over the %llu-byte entry limit; skipped", what,
                     (unsigned long long)len, (unsigned long long)max);
    return 1;
}

smz_err smz__packer_add_stream(smz_packer *p, const char *rel, uint64_t len, smz_writer_read_fn read,
                               void *ctx, const char *mime, int64_t mtime)
{
    return smz__packer_add_stream_titled(p, rel, len, read, ctx, mime, mtime, NULL);
}

smz_err smz__packer_add_stream_titled(smz_packer *p, const char *rel, uint64_t len,
                                      smz_writer_read_fn read, void *ctx, const char *mime,
                                      int64_t mtime, const char *title)
{
    unsigned char head[65536];
    char *typed = NULL;
    smz_err rc;
    (void)mtime;
    size_t n = len < sizeof head ? (size_t)len : sizeof head;
    int have_head = 0;
    if (!mime) {
        if ((rc = read(p->w, ctx, 0, head, n)) != SMZ_OK)
            return smz__packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
        have_head = 1;
        mime = detect_mime(p, rel, head, n);
    }
    /* A large text's charset is found from its first bytes. */
    const char *cs = NULL;
    if (smz__pack_is_text(mime) && !(cs = smz__mime_charset(mime))) {
        if (!have_head && (rc = read(p->w, ctx, 0, head, n)) != SMZ_OK)
            return smz__packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
        cs = smz__pack_charset(mime, NULL, head, smz__utf8_cut((const char *)head, n, n));
    }
    if (smz__pack_mime_with_charset(mime, cs, &typed) != SMZ_OK)
        return smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
    const smz_pack_article *given = smz__pack_meta_article(p->o->meta, rel);
    smz_writer_entry e = {.path = rel,
                          .title = given && given->title ? given->title : title,
                          .mime = typed,
                          .size = (size_t)len};
    if ((rc = smz_writer_add_stream(p->w, &e, read, ctx)) != SMZ_OK) {
        rc = smz__packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
        goto out;
    }
    if (is_page(e.mime) && (rc = smz__pack_index_add(p->o->index, p->o, e.path, e.title,
                                                     given ? given->date : NULL, NULL)) != SMZ_OK) {
        rc = smz__packer_fail(p, rc, "out of memory");
        goto out;
    }
    p->entries++;
    p->bytes += len;
out:
    free(typed);
    return rc;
}

smz_err smz__packer_redirect(smz_packer *p, const char *rel, const char *target)
{
    return smz__packer_redirect_titled(p, rel, target, NULL);
}

smz_err smz__packer_redirect_titled(smz_packer *p, const char *rel, const char *target,
                                    const char *title)
{
    char *t = NULL;
    /* A link named like an article (b.txt -> a.txt) leads to the original,
     * whose bytes it had in the source; any other link to an article
     * (latest.html -> a.txt) leads to the page made of it. */
    if (p->articles && smz__is_article_path(target) && !smz__is_article_path(rel) &&
        !(t = page_path_of(target)))
        return smz__packer_fail(p, SMZ_E_NOMEM, "out of memory");
    smz_err rc = smz_writer_add_redirect(p->w, rel, title, t ? t : target);
    free(t);
    if (rc != SMZ_OK)
        return smz__packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
    return SMZ_OK;
}

smz_err smz__pack_report(smz_writer *w, smz_err rc, const char *err)
{
    if (rc != SMZ_OK && err[0])
        smz_writer_set_error(w, rc, "%s", err);
    return rc;
}

void smz__packer_close(smz_packer *p)
{
    if (p->magic)
        magic_close(p->magic);
    p->magic = NULL;
}
