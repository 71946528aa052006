/* Samizdat packing: turn a source (a folder today) into writer entries.
 *
 * The walk is deterministic (names sorted bytewise at every level), skips
 * hidden files unless asked, follows symlinks that stay inside the source
 * and refuses (with a warning) those that point outside, and reads one file
 * at a time, so memory does not grow with the collection.  HTML pages get
 * their title and searchable text from a real HTML parser. */
#ifndef SMZ_PACK_H
#define SMZ_PACK_H

#include <stdint.h>
#include "smz/error.h"
#include "smz/writer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_pack_opts {
    int include_hidden;  /* 1: pack files and folders whose name starts with '.' */
    int no_index;        /* 1: do not extract searchable text */
    /* 1: turn .txt/.md articles into HTML pages; 0: store them as they
     * are; -1 (auto): only when the source holds no HTML at all. */
    int articles;
    const char *language; /* for generated pages' lang attribute; may be NULL */
    /* Called for each warning (skipped file, ...); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    /* Called after each entry with running totals; may be NULL. */
    void (*progress)(void *ctx, uint64_t entries, uint64_t bytes);
    void *ctx;
} smz_pack_opts;

/* Totals of a source without reading file contents (for a progress bar). */
smz_err smz_pack_scan(const char *dir, const smz_pack_opts *o, uint64_t *files,
                      uint64_t *bytes, char *err, size_t errlen);

/* Adds every file below DIR to W.  On failure ERR says why (the writer's own
 * message is in smz_writer_errmsg()). */
smz_err smz_pack_dir(smz_writer *w, const char *dir, const smz_pack_opts *o, char *err,
                     size_t errlen);

/* Adds every file of an archive that libarchive reads (tar in any
 * compression, zip, 7z, cpio, ISO 9660, WARC) from PATH, or from standard
 * input when PATH is "-".  Unsafe names, links leaving the archive, devices
 * and members over 256 MiB are skipped with a warning.  WARC: each HTTP 200
 * response becomes an entry at its URL's path with its Content-Type. */
smz_err smz_pack_archive(smz_writer *w, const char *path, const smz_pack_opts *o, char *err,
                         size_t errlen);

/* Adds the redirects of a TSV file: one "path<TAB>title<TAB>target" a line. */
smz_err smz_pack_redirects(smz_writer *w, const char *tsv, char *err, size_t errlen);

/* The MIME type for PATH by its extension, or NULL when it is not known. */
const char *smz_mime_by_ext(const char *path);

#ifdef __cplusplus
}
#endif
#endif
