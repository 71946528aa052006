/* The ZIM writer behind one small C interface: libzim's zim::writer::Creator
 * (Debian libzim-dev 8.1), for `smz extract --format zim` (lib/zim/export.c).
 * lib/zim/zim_write.cpp is the only C++ of the project that writes: every
 * exception stops at this boundary and becomes an smz_err, its text on the
 * handle (smz__zimw_errmsg).  Only bin/smz-zim links it (with libzim and
 * libstdc++), so smz, smz serve and the browser reader stay C.
 *
 * One handle writes one file, in this order: smz__zimw_new, _start, then any
 * of _add/_add_file/_redirect/_meta/_illustration/_main, then _finish.  After
 * a failure the handle takes nothing more but _free; the caller removes the
 * file (libzim leaves its PATH.tmp and index folders beside PATH). */
#ifndef SMZ_ZIM_ZIM_WRITE_H
#define SMZ_ZIM_ZIM_WRITE_H

#include <stddef.h>
#include "smz/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_zimw smz_zimw;

typedef struct smz_zimw_opts {
    const char *index_lang;    /* ISO 639-3 code for libzim's full-text and title
                                 * indexes (its stemmer), or NULL for no index */
    const unsigned char *uuid; /* the 16 bytes of the file's UUID, or NULL for a
                                 * random one (libzim's default) */
    unsigned workers;          /* compression and indexing threads, 0 for 1 */
} smz_zimw_opts;

/* A new handle, or NULL when memory ran out. */
smz_zimw *smz__zimw_new(void);
/* Starts writing PATH (libzim writes PATH.tmp and renames it at the end). */
smz_err smz__zimw_start(smz_zimw *w, const char *path, const smz_zimw_opts *o);
/* An item of LEN bytes at DATA (copied).  FRONT: a front article (counted,
 * listed and offered by Kiwix's random page and suggestions). */
smz_err smz__zimw_add(smz_zimw *w, const char *path, const char *title, const char *mime, int front,
                      const void *data, size_t len);
/* An item whose bytes are read from FILE when libzim compresses them, after
 * this call returns: FILE must stay until _finish. */
smz_err smz__zimw_add_file(smz_zimw *w, const char *path, const char *title, const char *mime, int front,
                           const char *file);
/* A redirect to TARGET; FRONT: listed in the title index (suggestions). */
smz_err smz__zimw_redirect(smz_zimw *w, const char *path, const char *title, const char *target,
                           int front);
/* Metadata KEY of LEN bytes (text/plain;charset=utf-8 when MIME is NULL). */
smz_err smz__zimw_meta(smz_zimw *w, const char *key, const void *data, size_t len, const char *mime);
/* Illustration_48x48@1: a 48x48 PNG. */
smz_err smz__zimw_illustration(smz_zimw *w, const void *png, size_t len);
smz_err smz__zimw_main(smz_zimw *w, const char *path);
/* Writes the rest (clusters, indexes, pointer lists, checksum) and renames
 * PATH.tmp to PATH. */
smz_err smz__zimw_finish(smz_zimw *w);
/* The last failure's text ("" when none); valid until the next call. */
const char *smz__zimw_errmsg(const smz_zimw *w);
/* Stops libzim's threads; frees W.  NULL does nothing. */
void smz__zimw_free(smz_zimw *w);

#ifdef __cplusplus
}
#endif
#endif
