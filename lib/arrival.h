/* The library's side of smz_arrival (smz/reader.h): the SQLite VFS through
 * which smz_reader_open_arriving reads a file while it is written. */
#ifndef SMZ_LIB_ARRIVAL_H
#define SMZ_LIB_ARRIVAL_H

#include <stdint.h>
#include "smz/reader.h"

#define SMZ__ARRIVAL_VFS "smz-arriving"
/* The URI parameter that names the arrival (its address, "%p"). */
#define SMZ__ARRIVAL_PARAM "smz_arrival"

/* Registers the read-only VFS SMZ__ARRIVAL_VFS (once, thread-safe; not as
 * the default) and returns its name, or NULL when SQLite has no "unix"
 * VFS to put under it. */
const char *smz__arrival_vfs(void);

/* Waits until the N bytes at OFF are in (the file's or the tail's): 0, or
 * -1 when the transfer failed first. */
int smz__arrival_wait(smz_arrival *a, uint64_t off, uint64_t n);

/* 1 once smz_arrival_failed was called on A. */
int smz__arrival_stopped(smz_arrival *a);

/* The file's size when whole. */
uint64_t smz__arrival_size(const smz_arrival *a);
/* Whether A's last bytes were known before the others (a tail). */
int smz__arrival_has_tail(const smz_arrival *a);

#endif
