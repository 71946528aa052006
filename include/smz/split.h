/* Split archives: one .smz archive kept as parts NAME.smz.001,
 * NAME.smz.002, ... for file systems that cap a file's size (FAT32: 4 GiB
 * minus one byte).  The parts are plain byte ranges of the archive, so
 * `cat NAME.smz.* > NAME.smz` joins them; every part but the last has the
 * same size.  smz_reader_open opens a set when given any part, or the stem
 * NAME.smz when only the parts exist (docs/FORMAT.md, "Split archives").
 *
 * A set handle checks the parts against each other and against the
 * archive's own header when it is opened: a missing, truncated, swapped or
 * foreign part fails there, with a message that names the part.  Handles
 * may be used from one thread at a time; distinct handles from any. */
#ifndef SMZ_SPLIT_H
#define SMZ_SPLIT_H

#include <stdint.h>
#include <stddef.h>
#include "smz/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parts are numbered with three digits: at most this many in a set. */
#define SMZ_SPLIT_MAX_PARTS 999

typedef struct smz_split smz_split;

/* 1 when smz_reader_open would read PATH as a split set: PATH ends in
 * ".smz.NNN" (001 to 999), or PATH ends in ".smz", does not exist and
 * PATH.001 does.  Looks at names only (a stat), reads nothing. */
int smz_split_is_set(const char *path);

/* Opens the set PATH belongs to (PATH: any part, or the stem) and checks
 * it: part 1 begins an .smz archive, every part but the last has part 1's
 * size, the sizes add up to the archive's size as its header gives it, and
 * no part follows the last.  Each part is opened with smz_file_open (no
 * FIFO, device or folder).  *OUT is set even on failure (NULL only when
 * out of memory) so that smz_split_errmsg can say which part is wrong;
 * the caller closes it.  SMZ_E_NOTFOUND for a missing part, SMZ_E_CORRUPT
 * for a part that does not fit, SMZ_E_IO for a read error. */
smz_err smz_split_open(const char *path, smz_split **out);

/* Why the last call on S failed, naming the part ("" after success).  S
 * NULL gives "out of memory". */
const char *smz_split_errmsg(const smz_split *s);

/* The archive's size in bytes, the number of parts, and the size of every
 * part but the last (the last is at most that). */
uint64_t smz_split_size(const smz_split *s);
unsigned smz_split_parts(const smz_split *s);
uint64_t smz_split_part_size(const smz_split *s);

/* Reads N bytes at archive offset OFF into BUF, across parts.  Returns the
 * bytes read (fewer than N only at the end of the archive), or -1 with
 * smz_split_errmsg naming the part (a read error, or a part that shrank
 * since it was opened). */
long long smz_split_read(smz_split *s, void *buf, size_t n, uint64_t off);

/* Writes the whole archive that S holds to OUT (created, never replacing
 * an existing file: SMZ_E_EXISTS), through a temporary file beside it that
 * is renamed into place only when complete. */
smz_err smz_split_join(smz_split *s, const char *out);

/* Frees S and closes its parts.  S may be NULL. */
void smz_split_close(smz_split *s);

/* Cuts the archive at PATH (a whole .smz file) into STEM.001, STEM.002,
 * ... (STEM NULL: PATH) of at most PART_SIZE bytes each (PART_SIZE >= 512),
 * then opens and checks the set as smz_split_open does, into *OUT (set
 * even on failure, for the message).  STEM must end in ".smz"; no part may
 * exist already (SMZ_E_EXISTS); PATH is never changed.  On failure every
 * part written is removed; a caller that must undo a finished cut (an
 * interrupt) removes the smz_split_parts(*OUT) parts itself. */
smz_err smz_split_cut(const char *path, const char *stem, uint64_t part_size, smz_split **out);

/* Parses a part size: a number with an optional suffix K, M or G (powers
 * of 1024).  "4G" means 4 GiB minus one byte, the most a FAT32 file may
 * hold (so does any spelling of exactly 4 GiB); every other value means
 * exactly what it says.  SMZ_E_INVALID for
 * text that is not such a size, or a size under 512 bytes or over 2^62. */
smz_err smz_split_parse_size(const char *text, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
