/* What the packing module (lib/pack/) uses of a writer beyond the public
 * API: whether smz_writer_interrupt was called, so that pack.h's functions stop
 * when it is interrupted (they report on the writer with the public
 * smz_writer_set_error). */
#ifndef SMZ_WRITER_PRIV_H
#define SMZ_WRITER_PRIV_H

#include "smz/writer.h"

/* 1 once smz_writer_interrupt(W) was called; 0 for a NULL W. */
int smz__writer_interrupted(const smz_writer *w);

/* W indexes nothing itself: smz_writer_finish copies the search tables of
 * the archive ARCHIVE instead, row for row (smz_upgrade: the index is a
 * function of entries that are copied unchanged).  W must have been made
 * with an index and the same tokenizer as ARCHIVE's (checked at the copy). */
smz_err smz__writer_copy_index(smz_writer *w, const char *archive);

/* Version 3 with the default cluster size: the next source holds TOTAL
 * bytes to compress.  If they would fill one cluster alone and are at least
 * SMZ_PLAN_SPLIT_MIN, W cuts them into two halves, which the workers
 * compress side by side (docs/FORMAT-NOTES.md, "Cluster plan"); otherwise
 * clusters fill up to SMZ_DEFAULT_CLUSTER.  The plan depends on the source
 * alone, never on the machine: the same files give the same archive
 * everywhere.  A size the caller chose stays. */
void smz__writer_plan(smz_writer *w, uint64_t total);

/* 1 if entries of MIME type MIME are stored as they are (images, fonts,
 * compressed files, audio, video): zstd would gain nothing on them. */
int smz__writer_precompressed(const char *mime);

/* The language of W's messages (smz_writer_opts.lang). */
int smz__writer_lang(const smz_writer *w);

#endif
