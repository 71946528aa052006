/* The library's own side of split archives (smz/split.h): the SQLite VFS
 * through which smz_reader_open reads a set as one file. */
#ifndef SMZ_LIB_SPLIT_H
#define SMZ_LIB_SPLIT_H

#include <stdint.h>
#include "smz/split.h"

#define SMZ__SPLIT_VFS "smz-split"

/* Registers the read-only VFS SMZ__SPLIT_VFS (once, thread-safe; not as the
 * default) and returns its name for sqlite3_open_v2, or NULL when SQLite has
 * no "unix" VFS to put under it.  Opened with a part's or the stem's name,
 * it presents the whole set, checked as smz_split_open checks it. */
const char *smz__split_vfs(void);
/* The language of S's messages (smz_split_open_lang). */
int smz__split_lang(const smz_split *s);

/* Part 1's device and inode: the set's identity (for smz_cache keys). */
void smz__split_id(const smz_split *s, uint64_t *dev, uint64_t *ino);
/* Part 1's modification time (seconds since 1970). */
int64_t smz__split_mtime(const smz_split *s);

/* The set SQLite reads DB's main file from, when it is one (opened through
 * SMZ__SPLIT_VFS), else NULL.  Owned by the connection. */
struct sqlite3;
smz_split *smz__split_of(struct sqlite3 *db);
/* Forgets which parts S has read from; smz__split_touched writes those read
 * from since then into OUT ("012, 013", numbers of three digits, as many
 * as CAP holds) and returns how many there were. */
void smz__split_touch_reset(smz_split *s);
size_t smz__split_touched(const smz_split *s, char *out, size_t cap);

#endif
