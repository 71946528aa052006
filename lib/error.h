/* The library's one helper for "set a message buffer, return a code", for
 * the modules that report into a caller's buffer rather than a handle's
 * (the cluster decoder, split manifests, smz_upgrade). */
#ifndef SMZ_LIB_ERROR_H
#define SMZ_LIB_ERROR_H

#include <stddef.h>
#include "smz/error.h"
#include "smz/util.h" /* SMZ_PRINTF */

/* Writes the printf-formatted message into ERR (ERRLEN bytes, always
 * NUL-terminated) and returns E. */
smz_err smz__errf(char *err, size_t errlen, smz_err e, const char *fmt, ...) SMZ_PRINTF(4, 5);

#endif
