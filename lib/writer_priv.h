/* What the packing module (lib/pack/) uses of a writer beyond the public
 * API: whether smz_writer_interrupt was called, and the handle's message,
 * so that pack.h's functions report on the writer they were given (as
 * libarchive's archive_set_error does) and stop when it is interrupted. */
#ifndef SMZ_WRITER_PRIV_H
#define SMZ_WRITER_PRIV_H

#include "smz/writer.h"

/* 1 once smz_writer_interrupt(W) was called; 0 for a NULL W. */
int smz__writer_interrupted(const smz_writer *w);

/* Sets W's message (smz_writer_errmsg) to MSG and returns E.  The writer's
 * state is unchanged: a source that cannot be read does not break W. */
smz_err smz__writer_set_error(smz_writer *w, smz_err e, const char *msg);

#endif
