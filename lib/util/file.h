/* Opening a file that someone else made (an archive, a signature, a key, a
 * metadata or redirects file on a stick) without trusting what it is.
 *
 * open() of a named pipe blocks until a writer appears, and a read from a
 * device may never end: a FIFO called x.smz or x.smz.minisig would hang the
 * command, or a server thread holding the library lock.  smz_file_open()
 * opens with O_NONBLOCK (which never waits for a FIFO's writer), fstat()s
 * the descriptor it got (a stat() before open() would be a race) and keeps
 * it only if it is a regular file, then clears O_NONBLOCK.  Every program
 * opens files from paths it was given or found through these two calls. */
#ifndef SMZ_UTIL_FILE_H
#define SMZ_UTIL_FILE_H

#include <stdio.h>
#include <sys/stat.h>

/* Flags for smz_file_open. */
#define SMZ_FILE_NOFOLLOW 1 /* refuse a symbolic link as the last path component */

/* Opens PATH read-only (close-on-exec) if it is a regular file.  Returns the
 * descriptor, owned by the caller, and fills *ST (may be NULL) from fstat.
 * On failure returns -1 with errno set (ENOENT when there is no such file;
 * EISDIR for a folder, EINVAL for a FIFO, device or socket) and *WHY (may
 * be NULL) set to a static message for the user: strerror(errno), or what
 * the file is instead ("a named pipe (FIFO), not a regular file").  Never
 * blocks on the file's type. */
int smz_file_open(const char *path, int flags, struct stat *st, const char **why);

/* The same as a stdio stream opened "rb"; NULL with errno and *WHY set on
 * failure.  The caller fcloses it. */
FILE *smz_file_fopen(const char *path, int flags, const char **why);

/* Makes SQLite's own open(2) (of the "unix" VFS, which it uses for every
 * file: archives, journals, temporary files, folders it syncs) do the same
 * check: never block, refuse what is neither a regular file nor a folder.
 * smz_reader_open checks the archive with smz_file_open and SQLite then
 * opens it again by name: a file swapped for a named pipe in between must
 * fail, not hang.  Process-wide (SQLite's system-call table), idempotent
 * and thread-safe; smz_reader_open calls it. */
void smz_file_guard_sqlite(void);

#endif
