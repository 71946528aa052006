/* The order in which one source's files reach the writer.
 *
 * The writer puts entries into clusters as they come and compresses each
 * cluster as soon as it is full, on its own threads, while the files after it
 * are still being read and parsed.  The order they come in is therefore the
 * order they sit in the archive, and it matters to the size: files of one
 * name side by side in one cluster compress as one (python3.11-doc's
 * library/os.html and _sources/library/os.rst.txt share most of their text,
 * and zstd finds that only within a cluster).
 *
 * So a source is first listed, then replayed: by the file name up to its
 * first dot, then by the path (bytewise), then in the order listed.  A folder
 * lists paths (its files are read at replay); a stream (tar, zip, WARC,
 * standard input) cannot be read twice, so its members' bytes wait in a spool
 * file beside the target, unlinked at once so that nothing outlives the
 * packer (holes of sparse members stay holes in it).  Files and members over
 * SMZ_WRITER_LARGE_ENTRY are handed to the writer in pieces, never whole.
 * The list is a temporary SQLite table, sorted by SQLite's own
 * external sorter: memory stays bounded however many files there are.
 * Folder and stream of the same files replay alike, which is what makes them
 * give the same archive bytes. */
#ifndef SMZ_PACK_ORDER_H
#define SMZ_PACK_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include "entry.h"

typedef struct smz_pack_order smz_pack_order;

/* Starts a list for P's writer.  ROOT: the folder whose files smz__order_file
 * names (NULL for a stream).  On failure p->err says why. */
smz_err smz__order_open(smz_packer *p, const char *root, smz_pack_order **out);
/* The file ROOT/REL of SIZE bytes (as listed), read at replay. */
smz_err smz__order_file(smz_pack_order *o, const char *rel, uint64_t size);
/* The member REL with its bytes (spooled now), MIME (NULL: detect) and MTIME. */
smz_err smz__order_bytes(smz_pack_order *o, const char *rel, const unsigned char *data, size_t len,
                         const char *mime, int64_t mtime);
/* A member whose bytes arrive in blocks, each at its offset in the member
 * (the holes of a sparse member between them read as zeros): begin, put
 * every block, then end with the member's size (holes at its end are
 * zeros too), or abort to drop what was put. */
smz_err smz__order_member_begin(smz_pack_order *o);
smz_err smz__order_member_put(smz_pack_order *o, uint64_t at, const void *data, size_t n);
smz_err smz__order_member_end(smz_pack_order *o, const char *rel, uint64_t len, const char *mime,
                              int64_t mtime);
/* smz__order_member_end with the title the source gives (a ZIM's; NULL: none). */
smz_err smz__order_member_end_titled(smz_pack_order *o, const char *rel, uint64_t len, const char *mime,
                                     int64_t mtime, const char *title);
void smz__order_member_abort(smz_pack_order *o);
/* A redirect REL -> TARGET, made at replay. */
smz_err smz__order_redirect(smz_pack_order *o, const char *rel, const char *target);
/* A redirect with its own title (a ZIM's; NULL: none). */
smz_err smz__order_redirect_titled(smz_pack_order *o, const char *rel, const char *target,
                                   const char *title);
/* Hands everything listed to the packer, in order. */
smz_err smz__order_replay(smz_pack_order *o);
/* smz__order_free(NULL) does nothing. */
void smz__order_free(smz_pack_order *o);

#endif
