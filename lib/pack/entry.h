/* One file's way into the writer, shared by every kind of source (folders,
 * tar/zip/WARC streams): MIME detection, title and text extraction, article
 * rendering, and the bookkeeping of a pack. */
#ifndef SMZ_PACK_ENTRY_H
#define SMZ_PACK_ENTRY_H

#include <magic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "smz/pack.h"

typedef struct smz_packer {
    smz_writer *w;
    const smz_pack_opts *o;
    magic_t magic;  /* opened on first use */
    int articles;   /* render .txt/.md as pages */
    int index_text; /* index .txt/.md files as they are (pack.h, index_text) */
    uint64_t entries, bytes;
    char *err;
    size_t errlen;
} smz_packer;

/* Adds the file REL (an archive path, already validated) with DATA.  MIME may
 * be NULL (then by extension, then libmagic).  An article (p->articles and a
 * .txt/.md name) is stored twice: its bytes as they are at REL, unindexed and
 * untitled, and the page rendered from them at NAME.html, indexed and titled,
 * which links to REL; when NAME.html is in the archive already, REL is
 * stored as any file is, with a warning.  On failure p->err says why. */
smz_err smz__packer_add(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                        const char *mime, int64_t mtime);
/* smz__packer_add with the title the source gives (a ZIM's; NULL: none),
 * which wins over the one found in the bytes, not over a metadata file's. */
smz_err smz__packer_add_titled(smz_packer *p, const char *rel, const unsigned char *data, size_t len,
                               const char *mime, int64_t mtime, const char *title);
/* Adds the file REL of LEN bytes (over SMZ_WRITER_LARGE_ENTRY) that READ
 * hands over in pieces: stored as it is, never held whole in memory, with
 * no title or text from its content (the metadata file's title, if any).
 * MIME may be NULL (then by extension, then libmagic on its first 64 KiB). */
smz_err smz__packer_add_stream(smz_packer *p, const char *rel, uint64_t len, smz_writer_read_fn read,
                               void *ctx, const char *mime, int64_t mtime);
/* smz__packer_add_stream with the title the source gives (NULL: none). */
smz_err smz__packer_add_stream_titled(smz_packer *p, const char *rel, uint64_t len,
                                      smz_writer_read_fn read, void *ctx, const char *mime,
                                      int64_t mtime, const char *title);
/* 1 (with a warning naming WHAT) when LEN bytes are over the entry limit
 * (p->o->max_entry): such files are skipped, from every kind of source. */
int smz__packer_oversized(smz_packer *p, const char *what, uint64_t len);
uint64_t smz__packer_max_entry(const smz_packer *p);
/* Adds a redirect REL -> TARGET.  When articles are rendered, a TARGET
 * that is one (NAME.txt, NAME.md) becomes its page NAME.html, unless REL is
 * named like an article too: it then leads to the original. */
smz_err smz__packer_redirect(smz_packer *p, const char *rel, const char *target);
/* smz__packer_redirect with the redirect's own title (NULL: none). */
smz_err smz__packer_redirect_titled(smz_packer *p, const char *rel, const char *target,
                                    const char *title);
void smz__packer_warn(smz_packer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
smz_err smz__packer_fail(smz_packer *p, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void smz__packer_close(smz_packer *p);
/* How every pack.h function that takes a writer ends: on failure, ERR
 * (when it says anything: else the writer's own message stands) becomes
 * W's message, so the caller reads it with smz_writer_errmsg.  Returns RC. */
smz_err smz__pack_report(smz_writer *w, smz_err rc, const char *err);
int smz__is_article_path(const char *path);

/* What a metadata file says about one file (its "Articles" member). */
typedef struct smz_pack_article {
    char *path, *title, *date; /* title and date may be NULL */
    int used;                  /* a file of this path was packed */
} smz_pack_article;

/* M's entry for the source path PATH, marked used, or NULL (M may be NULL). */
smz_pack_article *smz__pack_meta_article(smz_pack_meta *m, const char *path);
/* 1 when SB is a metadata file that M has read (it is then not packed). */
int smz__pack_meta_is_file(const smz_pack_meta *m, const struct stat *sb);
/* Keeps KEY = VALUE (LEN bytes), a key no option sets, for
 * smz_pack_meta_write_kept; a later value of KEY replaces.  Copies both. */
smz_err smz__pack_meta_keep(smz_pack_meta *m, const char *key, const char *value, size_t len);
/* Sets M's illustration to the LEN bytes of PNG (copied; checked by the
 * caller to be a 48x48 PNG). */
smz_err smz__pack_meta_set_png(smz_pack_meta *m, const unsigned char *png, size_t len);
/* Sets smz_pack_meta_errmsg(M) to MSG, for a read into M from elsewhere
 * than a metadata file (a ZIM's). */
void smz__pack_meta_seterr(smz_pack_meta *m, const char *msg);
/* Warns (through O) about M's articles that no packed file matched. */
void smz__pack_meta_warn_unused(const smz_pack_meta *m, const smz_pack_opts *o);

/* Remembers a page for the generated index (see smz_pack_finish): PATH and
 * TITLE (may be NULL), DATE ("YYYY-MM-DD" or NULL), SUMMARY (may be NULL).
 * Copies them. */
smz_err smz__pack_index_add(smz_pack_index *x, const smz_pack_opts *o, const char *path,
                            const char *title, const char *date, const char *summary);
/* Notes that rendered articles link to "index.html" as their main page. */
void smz__pack_index_linked(smz_pack_index *x);
/* Notes that the main page the options name (an article, NAME.txt) was
 * rendered as PAGE_PATH (copied): smz_pack_finish makes it the main page, as
 * the redirect at NAME.txt did before originals were kept.  X may be NULL. */
smz_err smz__pack_index_main_article(smz_pack_index *x, const char *page_path);

#endif
