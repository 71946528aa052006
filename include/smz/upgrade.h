/* Converting an archive to another format version (`smz upgrade`): the same
 * entries, metadata and search index in the layout of the version asked
 * for, so that the content digest, hence the embedded signature, stays
 * valid (docs/FORMAT.md, Versioning). */
#ifndef SMZ_UPGRADE_H
#define SMZ_UPGRADE_H

#include "smz/error.h"
#include "smz/writer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_upgrade_opts {
    int format_version; /* 0: SMZ_FORMAT_VERSION */
    int threads;        /* compression threads; 0: one per core */
    int level;          /* zstd level; 0: 19, as smz-pack */
    /* As smz_writer_opts.progress; may be NULL. */
    void (*progress)(void *ctx, const smz_progress *p);
    void *progress_ctx;
    int lang; /* the language of ERR's messages (smz/i18n.h); 0: English */
} smz_upgrade_opts;

/* Writes OUT (atomically, as smz-pack does: nothing is left on failure) with
 * IN's content in format OPTS->format_version: every entry's bytes, title
 * and MIME type, every redirect and metadata value (an embedded signature
 * too), and IN's search index copied as it is.  Clusters are made anew (the
 * new version's size, order and checks).  Fails, leaving no OUT, when the
 * new archive's content digest is not IN's stored one.  ERR (ERRLEN bytes)
 * gets the reason. */
smz_err smz_upgrade(const char *in, const char *out, const smz_upgrade_opts *opts, char *err,
                    size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
