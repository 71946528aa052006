/* The .smz format's fixed facts, shared by the writer and the reader: the
 * SQLite schema (docs/FORMAT.md is its prose twin: change both together), the
 * identifiers, and the caps a reader enforces on every size it reads. */
#ifndef SMZ_LIB_FORMAT_H
#define SMZ_LIB_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <zstd.h>
#include "smz/error.h"
#include "smz/format.h" /* SMZ_FORMAT_VERSION, SMZ_MAX_PATH, the path rules */

#define SMZ_APPLICATION_ID 0x534d5a31 /* "SMZ1" */
#define SMZ_PAGE_SIZE 4096            /* the writer's page size for version 2 */
#define SMZ_PAGE_SIZE_V3 2048         /* ... and 3 (FORMAT-NOTES.md, page size) */

/* Cluster kinds (clusters.kind). */
#define SMZ_CLUSTER_STORED 0 /* bytes as they are */
#define SMZ_CLUSTER_ZSTD 1   /* one zstd frame with content size and checksum */

/* Caps: a reader refuses anything larger before allocating. */
#define SMZ_MAX_CLUSTER_USIZE (64u << 20)    /* decompressed size of a zstd cluster */
#define SMZ_MAX_STORED_CLUSTER (1000000000u) /* a stored (raw) cluster */
#define SMZ_MAX_ENTRY_SIZE SMZ_MAX_STORED_CLUSTER
#define SMZ_MAX_META_VALUE (1u << 20)
#define SMZ_MAX_TITLE 4096
#define SMZ_MAX_MIME 255
#define SMZ_MAX_REDIRECTS 16
#define SMZ_CHECKSUM_BYTES 16 /* version 2: BLAKE2b-128 of the stored cluster bytes */
/* Version 3: an XXH3-64 of each piece of SMZ_CHUNK stored bytes, so that a
 * read checks only the pieces it decodes (docs/FORMAT.md, clusters). */
#define SMZ_CHUNK ((size_t)32 << 10)
#define SMZ_CHUNK_CHECK 8
#define SMZ_DEFAULT_CLUSTER_V2 (6u << 20) /* FORMAT-NOTES.md says why 6 MiB, then 8 */
#define SMZ_DEFAULT_CLUSTER (8u << 20)
#define SMZ_ONE_LEAF (64u << 10)      /* an index up to this size is one FTS5 leaf (writer.c) */
#define SMZ_PLAN_SPLIT_MIN (4u << 20) /* smz__writer_plan: two clusters from here on */

/* Metadata keys the writer manages itself. */
#define SMZ_META_DIGEST "Digest"
#define SMZ_META_UUID "UUID"
/* The paths of the pages the packer generated (not the source's), one per
 * line: not articles, not in the search index (docs/FORMAT.md). */
#define SMZ_META_GENERATED "Generated"
/* The illustration, a 48x48 PNG.  Version 3: its value may instead be
 * SMZ_ILLUSTRATION_REF and the path of a content entry holding those very
 * bytes (the illustration stored once); readers resolve it
 * (smz__reader_meta_value) and everything else sees the PNG. */
#define SMZ_META_ILLUSTRATION "Illustration_48x48@1"
#define SMZ_ILLUSTRATION_REF "smz-entry:"
#define SMZ_ILLUSTRATION_REF_LEN 10

/* The tables every archive has, in creation order. */
extern const char *const smz__schema_core[];
/* Version 3's table entry_blocks, which replaces entries when the writer
 * finishes (smz__entries_pack). */
extern const char *const smz__schema_entry_blocks;
/* The full-text tables; %s is the tokenizer spec ('smz' or 'smz porter'). */
extern const char *const smz__schema_search[];

/* Version 3's packed index: a small archive's search group as one
 * compressed SQLite database in this table's one row (lib/search/packed.c,
 * docs/FORMAT.md "The packed index"). */
extern const char *const smz__schema_packed;

/* What smz__schema_expected and smz__schema_create's WITH_INDEX asks for:
 * the core tables alone, with the search group, with the packed index in
 * its place, or the search group alone (what a packed index holds); and,
 * for smz__schema_create alone, both the search group and the packed
 * index's table (the writer of a version 3 archive, which drops one of
 * them at the end: smz__index_pack the group, else the writer the table). */
enum {
    SMZ_SCHEMA_NO_INDEX,
    SMZ_SCHEMA_INDEX,
    SMZ_SCHEMA_PACKED,
    SMZ_SCHEMA_SEARCH_ONLY,
    SMZ_SCHEMA_INDEX_OR_PACKED
};

/* One row of sqlite_schema (sql NULL for an automatic index). */
typedef struct smz_schema_row {
    char *type, *name, *tbl, *sql;
} smz_schema_row;

/* The rows of sqlite_schema that smz__schema_create(db, VERSION,
 * WITH_INDEX, STEM) leaves in a fresh database (followed by
 * smz__entries_pack for format VERSION 3), sorted by name (bytewise): what
 * a reader pins an archive's schema to.  *rows is freed with
 * smz__schema_rows_free. */
smz_err smz__schema_expected(int version, int with_index, int stem, smz_schema_row **rows, size_t *n);
void smz__schema_rows_free(smz_schema_row *rows, size_t n);

/* Creates the schema of a format VERSION archive in DB (the writer; for
 * version 3 with its working table entries, which smz__entries_pack turns
 * into entry_blocks): the table clusters last, the others in the order
 * their rows are to lie in the file (docs/FORMAT.md, "Layout"). */
smz_err smz__schema_create(sqlite3 *db, int version, int with_index, int stem, char *err, size_t errlen);

/* Registers what an archive's SQL needs on a connection (the tokenizer and
 * auxiliary functions of the search module). */
smz_err smz__db_register(sqlite3 *db, char *err, size_t errlen);

/* Applies SQLite's hardening for untrusted database files to DB. */
smz_err smz__db_harden(sqlite3 *db, char *err, size_t errlen);

/* Stores "what failed: sqlite's message" in ERR and maps the code. */
smz_err smz__sqlite_err(sqlite3 *db, int rc, const char *what, char *err, size_t errlen);

/* BLAKE2b-128 of DATA, the cluster checksum. */
/* The UUID the format derives from a content digest (the first 16 bytes,
 * version nibble 8, variant 10), as 36 lowercase characters and a NUL. */
void smz__uuid_from_digest(const unsigned char digest[32], char out[37]);
/* The same from the Digest metadata value HEX (N bytes): 0 when it is not
 * 64 lowercase hex digits. */
int smz__uuid_from_digest_hex(const char *hex, size_t n, char out[37]);

/* The format's rule for the metadata Name value (NUL-terminated S): up to
 * 64 letters, digits, '.', '_' or '-', not starting with '.'.  1 when S
 * follows it.  The packer and smz check both use it, and the Language and
 * Date rules in lib/text (smz__lang_list_ok in text/lang.h, smz__date_ok in
 * text/date.h). */
int smz__name_ok(const char *s);

/* 1 when the N bytes at V are a 48x48 PNG: the signature, then an IHDR
 * chunk of 13 bytes whose width and height are 48 (the Illustration rule). */
int smz__png_48(const void *v, size_t n);

/* The zstd frame of SRC[0..N) into DST (CAP bytes) of a cluster, the
 * packed index (CHECKSUM 1) or an entry block (CHECKSUM 0): LEVEL, the
 * content size, one thread, from a reset context.  One home, since smz
 * patch must compress decoded bytes into exactly the bytes the writer made.
 * Returns zstd's result (a size, or an error code for ZSTD_isError). */
size_t smz__zstd_frame(ZSTD_CCtx *cc, int level, int checksum, void *dst, size_t cap, const void *src,
                       size_t n);
/* CC reset and set up as smz__zstd_frame sets it for N bytes: the writer
 * streams a cluster's frame out through it, the same bytes in pieces. */
void smz__zstd_setup(ZSTD_CCtx *cc, int level, int checksum, size_t n);

void smz__cluster_checksum(const void *data, size_t len, unsigned char out[SMZ_CHECKSUM_BYTES]);

/* Version 3's cluster checks: the size of the column for STORED bytes of
 * data (8 bytes a piece, none for none). */
uint64_t smz__checks_size(uint64_t stored);
/* Writes the checks of the LEN bytes at DATA, which start at piece FIRST
 * of the cluster (so at byte FIRST * SMZ_CHUNK), into OUT (8 bytes for
 * each started piece; LEN is whole pieces but for the cluster's last). */
void smz__checks_put(const unsigned char *data, size_t len, uint64_t first, unsigned char *out);
/* The first piece among those of the LEN bytes at DATA (starting at piece
 * FIRST) whose check in CHECKS (the checks of those pieces, in order)
 * differs, or -1 when all hold. */
int64_t smz__checks_bad(const unsigned char *checks, const unsigned char *data, size_t len,
                        uint64_t first);

#endif
