/* Samizdat format rules that callers of the library check for themselves:
 * the format version and what makes an entry path (docs/FORMAT.md, which
 * these follow).  A front-end that checks a path it was given or is about to
 * write (smz extract, the web server) asks here, so its rule cannot drift
 * from the one the writer and the reader enforce.  No state, no allocation:
 * safe from any thread. */
#ifndef SMZ_FORMAT_H
#define SMZ_FORMAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The format version this library writes by default, and the oldest it
 * still reads and can write (smz_writer_opts.format_version): it reads both
 * (smz_stats.format_version says which; another gives SMZ_E_VERSION). */
#define SMZ_FORMAT_VERSION 3
#define SMZ_FORMAT_VERSION_MIN 2

/* The longest entry path, in bytes. */
#define SMZ_MAX_PATH 4096

/* Valid path (docs/FORMAT.md, entries): non-empty UTF-8 without NUL or
 * control characters (C0, DEL, C1), no leading '/', no "." or ".." segment,
 * no empty segment (so no "//" and no trailing '/'), at most SMZ_MAX_PATH
 * bytes.  The one place these rules live: the writer, the reader (for every
 * entry row and redirect target it reads) and smz check all call it.
 * 1 when NUL-terminated PATH follows them. */
int smz_path_valid(const char *path);

/* The rule the N bytes at PATH break, as a short static English phrase
 * ("'..' segment"), or NULL when they make a valid path. */
const char *smz_path_problem(const char *path, size_t n);

#ifdef __cplusplus
}
#endif
#endif
