/* Opening a file that someone else made without trusting what it is:
 * smz_file_open and smz_file_fopen are declared in smz/util.h (the
 * front-ends use them too, and it says why they exist); what is left here
 * is the library's own use of the same check, inside SQLite. */
#ifndef SMZ_UTIL_FILE_H
#define SMZ_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "smz/util.h"

/* Makes SQLite's own open(2) (of the "unix" VFS, which it uses for every
 * file: archives, journals, temporary files, folders it syncs) do the same
 * check: never block, refuse what is neither a regular file nor a folder.
 * smz_reader_open checks the archive with smz_file_open and SQLite then
 * opens it again by name: a file swapped for a named pipe in between must
 * fail, not hang.  Process-wide (SQLite's system-call table), idempotent
 * and thread-safe; smz_reader_open calls it. */
void smz__file_guard_sqlite(void);

/* All N bytes at offset OFF of FD into BUF (pread, again after EINTR and
 * a short read): 0, or an errno (EIO when the file ends first). */
int smz__pread_all(int fd, void *buf, size_t n, uint64_t off);
/* All N bytes at BUF to FD at offset OFF (pwrite, likewise): 0, or an
 * errno (ENOSPC when a write takes nothing). */
int smz__pwrite_all(int fd, const void *buf, size_t n, uint64_t off);

#endif
