/* Front-end code shared by smz and smz-pack: what --version prints.  The
 * version and the git commit are baked in by the Makefile (the commit is
 * "unknown" when the source is not a git checkout); the libraries' versions
 * are those the program runs with, from their own version calls. */
#ifndef SMZ_COMMON_VERSION_H
#define SMZ_COMMON_VERSION_H

#include <stddef.h>
#include <stdio.h>

typedef struct version_lib {
    const char *name;    /* "zstd", "SQLite", ... */
    const char *version; /* "1.5.4"; NULL: not known */
} version_lib;

/* The Samizdat version ("0.1.0") and the short commit hash or "unknown". */
const char *version_number(void);
const char *version_commit(void);

/* Writes to F: "PROG VERSION (commit COMMIT)", then one line per library
 * of LIBS (N of them): "  NAME VERSION". */
void version_print(FILE *f, const char *prog, const version_lib *libs, size_t n);

/* libxml2's runtime version ("20914") as dotted ("2.9.14") into OUT (at
 * least 16 bytes); the text itself when it is not 5 or 6 digits. */
const char *version_libxml2(const char *v, char *out, size_t n);

/* libarchive's runtime version string ("libarchive 3.6.2") without its
 * name ("3.6.2"); NULL stays NULL. */
const char *version_libarchive(const char *v);

/* libmagic's runtime version (magic_version(): 545) as "5.45". */
const char *version_libmagic(int v, char *out, size_t n);

#endif
