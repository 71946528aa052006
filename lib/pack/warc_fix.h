/* A pre-reader that decompresses an input and, when it is a WARC file,
 * mends what libarchive's WARC reader cannot parse (see warc_fix.c). */
#ifndef SMZ_PACK_WARC_FIX_H
#define SMZ_PACK_WARC_FIX_H

struct archive;
typedef struct smz_warc_pipe smz_warc_pipe;

/* Opens PATH (NULL: standard input) decompressed; *is_warc says whether it
 * starts like a WARC file.  NULL only when out of memory. */
smz_warc_pipe *smz__warc_pipe_open(const char *path, int *is_warc);
/* Opens DST (a new libarchive reader with its formats set) on the pipe's
 * bytes, mended when IS_WARC.  Returns archive_read_open's status. */
int smz__warc_pipe_attach(smz_warc_pipe *p, struct archive *dst, int is_warc);
void smz__warc_pipe_close(smz_warc_pipe *p);

#endif
