/* Reading a ZIM file (Kiwix's format) through libzim, for the packer's ZIM
 * source (lib/pack/zim_input.c): the C side of lib/zim/zim_read.cpp, the
 * one C++ file behind it.  libzim is C++ and throws; every function here
 * catches at the boundary and turns what was thrown into an smz_err with
 * its message on the handle (smz__zim_errmsg), so no exception ever reaches
 * C.  Linked only into smz-pack and the tests that import ZIMs (Makefile,
 * ZIM_READ_OBJS): smz and the server never see libzim.
 *
 * What the reader gives: the ZIM's content entries and redirects, one at a
 * time in the order of the ZIM's clusters (libzim's iterEfficient), so that
 * each cluster is decompressed once and memory holds at most libzim's own
 * caches and the entry at hand; its metadata; its main page.  What it leaves
 * out: metadata (namespace M, given by smz__zim_meta instead), libzim's
 * Xapian indexes and listings and its well-known entries (X, W, and the old
 * Z), in both namespace schemes: the new (content in C, paths without the
 * namespace) and the old (A, I, -, ...: paths keep their namespace, "A/Foo",
 * since the pages link to each other that way).
 *
 * The file is untrusted: smz__zim_open checks it whole first (its MD5
 * checksum and libzim's structural checks), every path is given as the ZIM
 * has it (the caller checks it against our rules), an entry's size is given
 * before its bytes are read, and a redirect's chain is followed to its end
 * (SMZ_E_REDIRECT past SMZ_ZIM_MAX_REDIRECTS hops: a loop). */
#ifndef SMZ_ZIM_READ_H
#define SMZ_ZIM_READ_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_zim smz_zim;

/* The longest redirect chain an entry may start (as our readers follow). */
#define SMZ_ZIM_MAX_REDIRECTS 16
/* The largest metadata value read (our metadata's own cap). */
#define SMZ_ZIM_MAX_META (1u << 20)

/* One entry, as smz__zim_next gives it: every pointer is owned by the
 * handle and valid until the next call on it. */
typedef struct smz_zim_entry {
    const char *path;   /* as the ZIM names it (see the top of the file) */
    const char *title;  /* "" when the ZIM has none (libzim's title is then its path) */
    const char *mime;   /* content only */
    const char *target; /* redirects only: the target's path; NULL for content */
    uint64_t size;      /* content only: its bytes */
} smz_zim_entry;

/* Opens the ZIM file PATH, and with CHECK 1 checks it whole (its MD5
 * checksum, libzim's structure checks: one read of the file).  *OUT is set
 * even on failure (unless memory ran out) so that smz__zim_errmsg says why;
 * free it with smz__zim_close.  SMZ_E_CORRUPT: a file libzim does not open
 * or that fails a check (truncated, bad checksum, bad structure). */
smz_err smz__zim_open(const char *path, int check, smz_zim **out);
/* Frees Z; NULL does nothing. */
void smz__zim_close(smz_zim *z);
/* Why the last call on Z failed ("out of memory" for a NULL Z). */
const char *smz__zim_errmsg(const smz_zim *z);

/* Calls FN for each metadata key of the ZIM, in libzim's order, with its
 * value (LEN bytes, NUL-terminated, valid during the call only).  Values
 * over SMZ_ZIM_MAX_META bytes are given with VALUE NULL and LEN their size.
 * FN returns SMZ_OK to go on; anything else stops and is returned. */
smz_err smz__zim_meta(smz_zim *z,
                      smz_err (*fn)(void *ctx, const char *key, const char *value, size_t len),
                      void *ctx);

/* The path of the main page in *PATH (owned by Z, valid until the next
 * call), the end of its redirects; NULL when the ZIM names none. */
smz_err smz__zim_main_page(smz_zim *z, const char **path);

/* The next entry in *E: SMZ_OK, or SMZ_E_NOTFOUND once all were given. */
smz_err smz__zim_next(smz_zim *z, smz_zim_entry *e);

/* The N bytes at OFF of the content entry smz__zim_next gave last, into BUF
 * (read from the cluster libzim holds decompressed, or from the file). */
smz_err smz__zim_read(smz_zim *z, uint64_t off, void *buf, size_t n);

/* The libzim version this was built with ("8.1.1"), for --version. */
const char *smz__zim_version(void);

#ifdef __cplusplus
}
#endif
#endif
