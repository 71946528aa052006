/* The list of archives a pull source offers, and the catalog file that
 * `smz catalog` writes (docs/CATALOG.md): an OPDS 1.2 acquisition feed,
 * the one `smz serve` answers at /catalog/v2/entries, with a few elements
 * of our own (the content digest, the file's BLAKE2b).  Read from a
 * folder's archives (through the library's public API), or parsed from a
 * feed (libxml2, loaded by reader/lazy.c).  Front-end code: it prints
 * nothing. */
#ifndef SMZ_READER_CATALOG_H
#define SMZ_READER_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include "smz/reader.h"

/* The catalog file's name in a folder. */
#define CATALOG_FILE "smz-catalog.xml"
/* The largest catalog read (a feed of 10,000 archives is about 15 MB). */
#define CATALOG_MAX (64u << 20)

/* An update that leads to an archive (docs/CATALOG.md, "Updates"). */
typedef struct cat_update {
    char *file;       /* its file name: smz_delta_name_ok */
    char *href;       /* an absolute URL; NULL for a scanned folder */
    char *sig_href;   /* its detached signature's URL, or NULL */
    int sig_detached; /* a detached signature is advertised (or FILE.minisig is beside it) */
    int sig_inside;   /* it is signed inside (advertised, or read from the file) */
    uint64_t size;    /* the update file's size in bytes */
    char from[65];    /* the content digest it starts from */
    char to[65];      /* the content digest it leads to */
} cat_update;

typedef struct cat_entry {
    char *file;    /* the archive's file name (NAME.smz): no '/', not hidden */
    char *href;    /* where it is: an absolute URL or a path; NULL for a scanned folder */
    char *name;    /* metadata Name, or the file's stem */
    char *title;   /* may be NULL, as every field below */
    char *date;    /* YYYY-MM-DD */
    char *uuid;    /* 36 characters */
    char *digest;  /* the content digest, 64 lower-case hex digits */
    char *blake2b; /* BLAKE2b-256 of the file's bytes, 64 hex digits */
    char *language;
    char *summary;
    char *keyid;      /* the embedded signature's key id */
    uint64_t size;    /* the file's size in bytes */
    uint64_t tail;    /* where its tail starts (smz_reader_tail): 0 < TAIL < SIZE, a
                       * multiple of 512; 0 when not known */
    char *sig_href;   /* its detached signature's (NAME.smz.minisig) URL; NULL for a folder */
    int sig_detached; /* a detached signature is advertised (or NAME.smz.minisig is beside it) */
    int size_known;
    int is_signed;
    cat_update *upd; /* the updates that lead to it (directly or in a chain) */
    size_t n_upd;
} cat_entry;

typedef struct cat_list {
    cat_entry *e;
    size_t n, cap;
} cat_list;

void cat_list_free(cat_list *l);

/* 1 when NAME (NUL-terminated) may be a file name in a pull's folder:
 * ends in .smz, at most 255 bytes, no '/', no control character, does not
 * start with '.'. */
int cat_file_name_ok(const char *name);

/* Fills E from the archive file PATH (size, metadata, signer) and, when
 * HASH is 1, the BLAKE2b of its bytes.  0, or -1 with ERR set. */
int cat_entry_from_file(cat_entry *e, const char *path, int hash, char *err, size_t errlen);

/* BLAKE2b-256 of the file FD's bytes from the start, in hex (65 bytes).
 * 0, or -1 with errno set. */
int cat_file_blake2b(int fd, char hex[65]);

/* The archives (*.smz files, not hidden, not split parts) in the folder
 * DIR, sorted by file name; HASH as for cat_entry_from_file; each with the
 * updates in DIR that lead to it (smz_delta_leading_to).  A file that
 * is no archive is passed to SKIP (may be NULL) with the reason, and left
 * out.  0, or -1 with ERR set (the folder cannot be read, no memory). */
int cat_scan_dir(const char *dir, int hash, cat_list *out,
                 void (*skip)(void *, const char *, const char *), void *ctx, char *err, size_t errlen);

/* The feed for L (sorted by file name) as XML, malloc'd in *XML: the
 * same L gives the same bytes.  0, or -1 (no memory). */
int cat_feed_xml(const cat_list *l, char **xml, size_t *len);

/* Parses the OPDS feed XML (LEN bytes, fetched from BASE: a URL or a
 * folder) into OUT: each entry with an acquisition link to an .smz file,
 * its href resolved against BASE.  Entries without one are passed to
 * SKIP with the reason.  0, or -1 with ERR set (not a feed, no memory). */
int cat_parse_feed(const char *xml, size_t len, const char *base, cat_list *out,
                   void (*skip)(void *, const char *, const char *), void *ctx, char *err,
                   size_t errlen);

#endif
