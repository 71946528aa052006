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
#include "smz/sign.h"

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
/* smz_split_open with the handle's messages in interface language LANG
 * (smz/i18n.h; 0 is English), as a reader opened in LANG gives them. */
smz_err smz_split_open_lang(const char *path, int lang, smz_split **out);

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
 * interrupt) removes the smz_split_parts(*OUT) parts itself.  Its messages
 * are in language LANG (smz/i18n.h), as smz_split_open_lang's. */
smz_err smz_split_cut(const char *path, const char *stem, uint64_t part_size, int lang, smz_split **out);

/* Parses a part size: a number with an optional suffix K, M or G (powers
 * of 1024).  "4G" means 4 GiB minus one byte, the most a FAT32 file may
 * hold (so does any spelling of exactly 4 GiB); every other value means
 * exactly what it says.  SMZ_E_INVALID for
 * text that is not such a size, or a size under 512 bytes or over 2^62. */
smz_err smz_split_parse_size(const char *text, uint64_t *out);

/* ---- The manifest NAME.parts (docs/FORMAT.md, "Split archives") ----
 *
 * An optional text file beside the parts: the archive's UUID, its size, the
 * part size, the count and every part's size and BLAKE2b-256, so that one
 * part can be checked without the others.  Readers never need it; a
 * manifest that does not parse, or that describes another archive, is
 * reported and not used. */

/* The manifest's path for the set of PATH (its stem NAME.smz or a part):
 * NAME.parts, malloc'd (NULL: out of memory). */
char *smz_parts_manifest_path(const char *path);

#define SMZ_PARTS_HASH_BYTES 32   /* BLAKE2b-256 (crypto_generichash) */
#define SMZ_PARTS_FILE_MAX 131072 /* bytes: 999 part lines fit */

typedef struct smz_parts smz_parts;

/* The part number when PATH names a part (NAME.smz.NNN, 001 to 999), else
 * 0.  Looks at the name only. */
unsigned smz_split_part_number(const char *path);

/* Hashes every part of the set S (read through S) and writes STEM.parts
 * (STEM: the set's NAME.smz) for the archive whose UUID metadata is UUID
 * (36 characters, as docs/FORMAT.md gives it), through a temporary file
 * renamed over any manifest already there (a stale one from an earlier set
 * is replaced).  *OUT as for smz_parts_load (the manifest written, or the
 * message); no manifest is left half written. */
smz_err smz_parts_write(smz_split *s, const char *stem, const char *uuid, smz_parts **out);

/* Reads and strictly parses the manifest of the set PATH belongs to (PATH:
 * the stem NAME.smz or a part; the manifest is NAME.parts).  *OUT is set
 * even on failure (NULL only when out of memory) for smz_parts_errmsg; the
 * caller frees it.  SMZ_E_NOTFOUND when there is no manifest, SMZ_E_CORRUPT
 * when it does not parse (the message names the line), SMZ_E_IO.  Its
 * messages are in language LANG (smz/i18n.h); smz_parts_write's are in its
 * set's. */
smz_err smz_parts_load(const char *path, int lang, smz_parts **out);

/* Why the last call on M failed ("" after success); "out of memory" for
 * NULL.  The manifest's file name, its UUID, the part count, the part size
 * and the archive's size, once loaded. */
const char *smz_parts_errmsg(const smz_parts *m);
const char *smz_parts_path(const smz_parts *m);
const char *smz_parts_uuid(const smz_parts *m);
unsigned smz_parts_count(const smz_parts *m);
uint64_t smz_parts_part_size(const smz_parts *m);
uint64_t smz_parts_size(const smz_parts *m);

/* Checks part K (1 to smz_parts_count) as it is on disk against M: its
 * size, then its BLAKE2b-256.  SMZ_OK when both match; SMZ_E_NOTFOUND when
 * the part is absent; SMZ_E_CORRUPT when it differs; SMZ_E_IO.  The
 * message (smz_parts_errmsg) names the part: "NAME.smz.002 (part 002 of
 * 3): its BLAKE2b differs from NAME.parts: this copy is damaged". */
smz_err smz_parts_check(smz_parts *m, unsigned k);

/* Signs the manifest M was loaded from or written to with SK (minisign's
 * prehashed format, lib/sign) into NAME.parts.minisig, replacing one
 * there; the trusted comment names the archive's UUID. */
smz_err smz_parts_sign(smz_parts *m, const smz_seckey *sk);

/* Verifies NAME.parts.minisig against the manifest file as it is on
 * disk, with the key of TRUSTED its key id names.  SMZ_OK: a trusted key
 * signed it (its id in KEYID); SMZ_E_NOTFOUND: no such signature;
 * SMZ_E_SIGNATURE: bad, or by a key not in TRUSTED; SMZ_E_CORRUPT: not a
 * minisign signature.  The message (smz_parts_errmsg) says which. */
smz_err smz_parts_verify(smz_parts *m, const smz_keyring *trusted, char keyid[SMZ_KEYID_SIZE]);

/* smz_parts_free(NULL) does nothing. */
void smz_parts_free(smz_parts *m);

#ifdef __cplusplus
}
#endif

#endif
