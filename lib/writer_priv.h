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

#endif
