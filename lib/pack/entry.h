/* One file's way into the writer, shared by every kind of source (folders,
 * tar/zip/WARC streams): MIME detection, title and text extraction, article
 * rendering, and the bookkeeping of a pack. */
#ifndef SMZ_PACK_ENTRY_H
#define SMZ_PACK_ENTRY_H

#include <magic.h>
#include <stddef.h>
#include <stdint.h>
#include "smz/pack.h"

typedef struct smz_packer {
    smz_writer *w;
    const smz_pack_opts *o;
    magic_t magic;       /* opened on first use */
    int articles;        /* render .txt/.md as pages */
    uint64_t entries, bytes;
    char *err;
    size_t errlen;
} smz_packer;

/* Adds the file REL (an archive path, already validated) with DATA.  MIME may
 * be NULL (then by extension, then libmagic).  On failure p->err says why. */
smz_err smz_packer_add(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                       const char *mime, int64_t mtime);
/* Adds a redirect REL -> TARGET (articles' targets move to NAME.html). */
smz_err smz_packer_redirect(smz_packer *p, const char *rel, const char *target);
void smz_packer_warn(smz_packer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
smz_err smz_packer_fail(smz_packer *p, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void smz_packer_close(smz_packer *p);
int smz_is_article_path(const char *path);

#endif
