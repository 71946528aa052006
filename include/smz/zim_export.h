/* Samizdat to ZIM: writes an open archive as a ZIM file that Kiwix (its apps,
 * kiwix-serve, zimcheck) opens, through libzim's writer (`smz extract
 * --format zim`, which runs bin/smz-zim: the one program linked with libzim,
 * so that smz and its server stay C and start without it).
 *
 * What goes over: every entry with its bytes, MIME type and title (an HTML
 * entry is a front article unless the packer generated it); redirects as
 * ZIM redirects to the same target; the main page; the metadata Title,
 * Description, LongDescription, Language (as ISO 639-3 codes, which ZIM
 * wants: "en" becomes "eng", subtags are dropped), Creator, Publisher, Date,
 * Tags, Source, License, Flavour, Name and the 48x48 PNG illustration
 * (Illustration_48x48@1).  Article pages made from .txt/.md files are stored
 * rendered, with their style inline, so they look in Kiwix as in `smz serve`
 * (less its top bar).  Clusters are zstd; libzim's full-text and title
 * indexes are built unless told not to.
 *
 * Entries are read in the order their bytes lie (each cluster decoded once)
 * and handed to libzim one at a time; one entry over 16 MiB is copied to a
 * file beside the output first rather than held in memory.  The ZIM is
 * written into a folder of its own beside OUT and renamed to OUT only when
 * whole: after a failure nothing is left, and a file at OUT is untouched. */
#ifndef SMZ_ZIM_EXPORT_H
#define SMZ_ZIM_EXPORT_H

#include "smz/error.h"
#include "smz/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_zim_opts {
    int no_index;     /* 1: no full-text or title index (smaller, faster) */
    const char *uuid; /* the ZIM's UUID as 32 hex digits (dashes allowed), or
                       * NULL: derived from the archive's UUID and no_index, so
                       * that the same archive gives the same ZIM */
    const char *date; /* Date metadata, YYYY-MM-DD, or NULL: the archive's
                       * Date, else today's (UTC) */
    unsigned workers; /* libzim's threads, 0 for 1 */
} smz_zim_opts;

/* What the export did, for the caller to tell the user. */
typedef struct smz_zim_stats {
    uint64_t items, redirects;
    int no_illustration; /* the archive has no 48x48 PNG illustration: the ZIM
                          * has none (no image library here to scale one) */
} smz_zim_stats;

/* Writes R as a ZIM file at OUT (not "-": a ZIM is written with seeks).
 * O may be NULL (the defaults above); ST may be NULL.  The message of a
 * failure is on R (smz_reader_errmsg).  SMZ_E_NOSPACE when the disk is full,
 * SMZ_E_IO for other write failures, SMZ_E_INVALID for a bad option,
 * SMZ_E_INTERRUPTED after smz_reader_interrupt(R), or the reader's own
 * errors. */
smz_err smz_zim_export(smz_reader *r, const char *out, const smz_zim_opts *o, smz_zim_stats *st);

#ifdef __cplusplus
}
#endif
#endif
