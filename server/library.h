/* The library: the registry of archives the server was given, their
 * metadata read once (reg_load) and the names they go by in URLs.
 *
 * Threading: the registry's mutex guards what is filled in lazily (the
 * counts, the injected bar, the signature summary); the rest is set once by
 * reg_load and read-only after.  The idle reader handles of each archive
 * belong to the reader pool (pool.h) and are guarded by its mutex.
 *
 * Layer 2 of server/ (see server.c): uses layer 1 and lib/. */
#ifndef SMZ_SERVER_LIBRARY_H
#define SMZ_SERVER_LIBRARY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "limits.h"
#include "smz/delta.h"
#include "smz/i18n.h"
#include "smz/reader.h"
#include "smz/verify.h"
#include "text/lang.h"

/* An archive's signatures, as far as they are known (sigcheck.c). */
enum { SIG_NONE, SIG_CHECKING, SIG_GOOD, SIG_UNTRUSTED, SIG_BAD };

typedef struct archive {
    char *path; /* file as given or found */
    char *stem; /* file name without .smz */
    uint64_t file_size;
    /* A split archive (smz/split.h): its parts (0 for a whole file), the
     * size of each but the last, and 1 when NAME.parts was beside
     * them at load.  Set by add_set, read-only after. */
    unsigned parts;
    uint64_t part_size;
    int manifest;
    /* Set once by reg_load() under the registry lock, read-only after. */
    int state;       /* 0: not loaded, 1: readable, -1: cannot be read */
    char why[200];   /* state -1: why, for its card in the library (in the registry's lang) */
    char *name;      /* URL name: [A-Za-z0-9._-], unique */
    char *meta_name; /* the archive's Name metadata, while names are picked */
    char *title, *description, *language, *date, *creator, *publisher, *tags, *source, *license,
        *main_page;
    char uuid[37];   /* "" when absent or malformed */
    char digest[65]; /* the Digest metadata, 64 hex digits, or "" */
    /* Where its tail starts (smz_reader_tail), for the catalog's smz:tail:
     * 0 < TAIL < FILE_SIZE, or 0 (none, or a split archive). */
    uint64_t tail;
    /* 1 when NAME.smz.minisig, its detached signature, lies beside it (a
     * file, not a link; a whole file only): the catalog advertises it and
     * /download/ serves it. */
    int minisig;
    /* The updates in its folder that lead to it (smz_delta_leading_to),
     * for the catalog and /update/NAME/FILE: a whole file only. */
    smz_delta_file *upd;
    size_t n_upd;
    unsigned char *illustration; /* a PNG, or NULL */
    size_t illustration_len;
    char lang[SMZ_LANG_TAG_MAX + 1]; /* BCP 47 tag for lang="" ("" if unknown) */
    int rtl;
    /* Filled by reg_stats() on first need, under the lock. */
    int have_stats;
    uint64_t entries, articles, media;
    int has_index;
    /* Signatures (sigcheck.c): set by reg_load(), then by the background
     * check; read and written under the lock (sig_get). */
    int sig; /* SIG_* */
    char sig_keyid[SMZ_KEYID_SIZE];
    char sig_msg[256];
    /* The bar injected into its pages (page_bar_injected), one per
     * interface language and whether the request named it (?lang=, which
     * the bar's links keep), built on first need under the registry lock,
     * read-only after. */
    char *bar[2 * SMZ_UI_LANGS];
    size_t bar_len[2 * SMZ_UI_LANGS];
    /* Idle reader handles (pool.c), under the pool's mutex. */
    smz_reader *idle[SRV_POOL_IDLE];
    size_t n_idle;
} archive;

typedef struct registry {
    archive *a;
    size_t n;
    pthread_mutex_t lock;
    int loaded;
    smz_keyring *trusted; /* --trust keys, or NULL */
    /* The content of archives signed by a trusted key is checked in the
     * background (sigcheck.c's thread, which smz_server_start starts): set
     * once, before any request.  Without it (smz_server_open alone: the
     * WebAssembly module has no threads) they stay SIG_CHECKING, and the
     * library says their content is not checked. */
    int checks_content;
    void (*warn)(void *ctx, const char *message);
    void *ctx;
    int lang; /* the language of the readers' messages in warnings and in why */
    /* Called by reg_load for each readable archive with its open reader
     * (the dispatch passes sigcheck.c's sig_quick down); may be NULL. */
    void (*loaded_one)(struct registry *g, archive *a, smz_reader *r);
} registry;

/* Adds PATH: an .smz file, or a folder whose *.smz files are added in name
 * order.  Nothing is opened. */
int reg_add(registry *g, const char *path, char *err, size_t errlen);
void reg_free(registry *g);
/* Reads every archive's metadata and assigns names (once). */
void reg_load(registry *g);
/* The readable archive called NAME (LEN bytes), or NULL. */
archive *reg_find(registry *g, const char *name, size_t len);
/* Warns (through the registry's callback) that A cannot be read, naming
 * the file once. */
void reg_warn_open(registry *g, const archive *a, const smz_reader *r, smz_err rc);
/* Why A cannot be read, for its card, into OUT (N bytes): R's message (or
 * RC's) without A's path in front (the card names the file). */
void reg_why(const archive *a, const smz_reader *r, smz_err rc, char *out, size_t n);
/* Fills A's counts (once; they are kept); 0 on success. */
int reg_stats(registry *g, archive *a);

#endif
