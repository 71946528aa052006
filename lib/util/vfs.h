/* Pieces shared by the library's read-only SQLite VFSes (lib/split.c,
 * lib/arrival.c).  Each sits over a root VFS ("unix"), kept in its
 * pAppData; opens its archive read-only and immutable (nothing to write,
 * sync or lock); hands every other file (a temporary one) to the root; and
 * loads no extension. */
#ifndef SMZ_UTIL_VFS_H
#define SMZ_UTIL_VFS_H

#include <sqlite3.h>

/* The io methods of an immutable, read-only file. */
int smz__vfs_ro_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off);
int smz__vfs_ro_truncate(sqlite3_file *f, sqlite3_int64 size);
int smz__vfs_ro_sync(sqlite3_file *f, int flags);
int smz__vfs_ro_lock(sqlite3_file *f, int level); /* xLock and xUnlock */
int smz__vfs_ro_check_reserved(sqlite3_file *f, int *out);
int smz__vfs_ro_file_control(sqlite3_file *f, int op, void *arg);
int smz__vfs_ro_sector_size(sqlite3_file *f);
int smz__vfs_ro_device(sqlite3_file *f);

/* Version 1 (no shared memory, no WAL, no memory map) io methods of such a
 * file, with its own CLOSE, READ and FILE_SIZE. */
#define SMZ__VFS_RO_IO(CLOSE, READ, FILE_SIZE)                                                          \
    {                                                                                                   \
        .iVersion = 1, .xClose = (CLOSE), .xRead = (READ), .xWrite = smz__vfs_ro_write,                 \
        .xTruncate = smz__vfs_ro_truncate, .xSync = smz__vfs_ro_sync, .xFileSize = (FILE_SIZE),         \
        .xLock = smz__vfs_ro_lock, .xUnlock = smz__vfs_ro_lock,                                         \
        .xCheckReservedLock = smz__vfs_ro_check_reserved, .xFileControl = smz__vfs_ro_file_control,     \
        .xSectorSize = smz__vfs_ro_sector_size, .xDeviceCharacteristics = smz__vfs_ro_device,           \
    }

/* VFS methods: the root's (pAppData), or none (extensions). */
int smz__vfs_root_delete(sqlite3_vfs *v, const char *name, int sync);
int smz__vfs_root_access(sqlite3_vfs *v, const char *name, int flags, int *out);
int smz__vfs_root_randomness(sqlite3_vfs *v, int n, char *out);
int smz__vfs_root_sleep(sqlite3_vfs *v, int us);
int smz__vfs_root_current_time(sqlite3_vfs *v, double *t);
int smz__vfs_root_last_error(sqlite3_vfs *v, int n, char *msg);
int smz__vfs_root_current_time64(sqlite3_vfs *v, sqlite3_int64 *t);
void *smz__vfs_no_dlopen(sqlite3_vfs *v, const char *name);
void smz__vfs_no_dlerror(sqlite3_vfs *v, int n, char *msg);
void (*smz__vfs_no_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void);
void smz__vfs_no_dlclose(sqlite3_vfs *v, void *h);

/* A version 2 VFS named NAME over a root, with its own OPEN and
 * FULL_PATHNAME; szOsFile and mxPathname are set when it is registered. */
#define SMZ__VFS_OVER_ROOT(NAME, OPEN, FULL_PATHNAME)                                                   \
    {                                                                                                   \
        .iVersion = 2, .mxPathname = 4096, .zName = (NAME), .xOpen = (OPEN),                            \
        .xDelete = smz__vfs_root_delete, .xAccess = smz__vfs_root_access,                               \
        .xFullPathname = (FULL_PATHNAME), .xDlOpen = smz__vfs_no_dlopen,                                \
        .xDlError = smz__vfs_no_dlerror, .xDlSym = smz__vfs_no_dlsym, .xDlClose = smz__vfs_no_dlclose,  \
        .xRandomness = smz__vfs_root_randomness, .xSleep = smz__vfs_root_sleep,                         \
        .xCurrentTime = smz__vfs_root_current_time, .xGetLastError = smz__vfs_root_last_error,          \
        .xCurrentTimeInt64 = smz__vfs_root_current_time64,                                              \
    }

/* Registers V (not as the default) over SQLite's "unix" VFS: its file
 * objects take OWN bytes, followed by the root's own file object when
 * STACKED (else at least the root's, which a temporary file opened by the
 * root fills).  1 when registered; 0 when there is no "unix" VFS or SQLite
 * refuses.  Call once (under pthread_once): V is written. */
int smz__vfs_register_over_root(sqlite3_vfs *v, int own, int stacked);

#endif
