/* The per-file step of packing (see entry.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "entry.h"
#include "analyze.h"
#include "format.h"

void smz_packer_warn(smz_packer *p, const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    if (!p->o->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->o->warn(p->o->ctx, msg);
}

smz_err smz_packer_fail(smz_packer *p, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return e;
}

int smz_is_article_path(const char *path)
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

smz_err smz_packer_add(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                       const char *mime, int64_t mtime)
{
    smz_analysis an = {0};
    char *page_path = NULL;
    smz_err rc;
    if (!mime)
        mime = detect_mime(p, rel, data, len);
    int article = p->articles && smz_is_article_path(rel);
    rc = smz_analyze(rel, mime, data, len, !p->o->no_index, article, p->o->language, mtime, &an);
    if (rc != SMZ_OK) {
        smz_packer_fail(p, rc, "%s: cannot analyse: %s", rel, smz_strerror(rc));
        goto out;
    }
    smz_writer_entry e = {.path = rel, .title = an.title, .mime = mime, .data = data,
                          .size = len, .text = an.text, .text_len = an.text_len};
    if (an.page) {
        /* An article becomes NAME.html; its original path redirects there. */
        if (!(page_path = page_path_of(rel))) {
            rc = smz_packer_fail(p, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        e.path = page_path;
        e.mime = "text/html";
        e.data = an.page;
        e.size = an.page_len;
    }
    if ((rc = smz_writer_add(p->w, &e)) != SMZ_OK) {
        smz_packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
        goto out;
    }
    if (an.page && (rc = smz_writer_add_redirect(p->w, rel, an.title, page_path)) != SMZ_OK) {
        smz_packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
        goto out;
    }
    p->entries++;
    p->bytes += len;
    if (p->o->progress)
        p->o->progress(p->o->ctx, p->entries, p->bytes);
out:
    smz_analysis_free(&an);
    free(page_path);
    return rc;
}

smz_err smz_packer_redirect(smz_packer *p, const char *rel, const char *target)
{
    char *t = NULL;
    if (p->articles && smz_is_article_path(target) && !(t = page_path_of(target)))
        return smz_packer_fail(p, SMZ_E_NOMEM, "out of memory");
    smz_err rc = smz_writer_add_redirect(p->w, rel, NULL, t ? t : target);
    free(t);
    if (rc != SMZ_OK)
        return smz_packer_fail(p, rc, "%s", smz_writer_errmsg(p->w));
    return SMZ_OK;
}

void smz_packer_close(smz_packer *p)
{
    if (p->magic)
        magic_close(p->magic);
    p->magic = NULL;
}
