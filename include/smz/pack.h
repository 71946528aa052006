/* Samizdat packing: turn sources (folders, archives) into writer entries,
 * read a collection's metadata file, and give it a main page.
 *
 * The walk is deterministic (names sorted bytewise at every level), skips
 * hidden files unless asked, follows symlinks that stay inside the source
 * and refuses (with a warning) those that point outside, and reads one file
 * at a time, so memory does not grow with the collection.  A source's files
 * reach the writer by file name up to its first dot, then by path (files of
 * one name compress together).  HTML pages get
 * their title and searchable text from a real HTML parser.
 *
 * Errors, as everywhere in smz/ (see smz/error.h): every function returns
 * its smz_err and leaves its message on the handle it was given: the
 * writer W for the functions that pack (smz_writer_errmsg, whether the
 * failure was the source's or the writer's own), the smz_pack_meta M for
 * reading a metadata file (smz_pack_meta_errmsg).
 *
 * Cancelling: smz_writer_interrupt(W), from any thread or a signal
 * handler, stops smz_pack_scan, _dir, _archive, _redirects and _finish on W
 * before their next file or member with SMZ_E_INTERRUPTED; the archive is
 * then never created (see smz/writer.h). */
#ifndef SMZ_PACK_H
#define SMZ_PACK_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/writer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_pack_meta smz_pack_meta;
typedef struct smz_pack_index smz_pack_index;

typedef struct smz_pack_opts {
    int include_hidden; /* 1: pack files and folders whose name starts with '.' */
    int no_index;       /* 1: do not extract searchable text */
    int index_text;     /* 1: index the plain-text and Markdown files of a site too (by
                         * default, when the collection renders no articles, only its
                         * HTML pages are: its text files are sources, licences...) */
    /* 1: make each .txt/.md article an HTML page too (NAME.html, linking
     * to the original, which is kept as it is); 0: store them as they are,
     * nothing more; -1 (auto): 1 only when the source holds no HTML. */
    int articles;
    const char *language; /* for generated pages' lang attribute; may be NULL */
    /* The collection's title and main page, for the link back from each
     * rendered article (NULL main_page: "index.html" when INDEX is set, else
     * no link); may be NULL. */
    const char *title;
    const char *main_page;
    /* Titles and dates for single files (the metadata file's "Articles"),
     * and the metadata files themselves, which are not packed; may be NULL. */
    smz_pack_meta *meta;
    /* Collects every page packed, for smz_pack_finish's generated index
     * page; may be NULL. */
    smz_pack_index *index;
    /* Files and members over this many bytes are skipped with a warning,
     * alike from folders, tars, zips and standard input (a sparse member
     * counts with its holes); 0: SMZ_WRITER_MAX_ENTRY, the most an entry
     * may have. */
    uint64_t max_entry;
    /* The archive's size limit when there is one (the writer's max_bytes),
     * 0 for none: a stream whose large members alone pass it stops before
     * they are packed. */
    uint64_t max_output;
    /* Called for each warning (skipped file, ...); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    /* Progress comes from the writer (smz_writer_opts.progress: the phase,
     * entries, bytes read and compressed), for packs through pack.h too. */
    void *ctx; /* for warn */
    /* The language of the messages and warnings about the input (smz/i18n.h:
     * an interface language's index; 0, SMZ_UI_EN, English). */
    int lang;
} smz_pack_opts;

/* Totals of the folder DIR without reading file contents (for a progress
 * bar of the pack into W, which is not written to: it is taken for its
 * interrupt flag and its message). */
smz_err smz_pack_scan(smz_writer *w, const char *dir, const smz_pack_opts *o, uint64_t *files,
                      uint64_t *bytes);

/* Adds every file below DIR to W.  On failure smz_writer_errmsg(W) says
 * why. */
smz_err smz_pack_dir(smz_writer *w, const char *dir, const smz_pack_opts *o);

/* Adds every file of an archive that libarchive reads (tar in any
 * compression, zip, 7z, cpio, ISO 9660, WARC) from PATH, or from standard
 * input when PATH is "-".  Unsafe names, links leaving the archive, devices
 * and members over O->max_entry are skipped with a warning; the holes of
 * sparse members are zeros.  WARC: each HTTP 200
 * response becomes an entry at its URL's path with its Content-Type. */
smz_err smz_pack_archive(smz_writer *w, const char *path, const smz_pack_opts *o);

/* ------------------------------------------------------------------
 * ZIM files (Kiwix's format, any version libzim 8 reads: zstd, xz or no
 * compression; the old namespaces A, I, -, M and the new C, M, W, X), a
 * source like a folder or a tar.  smz-pack built without libzim (make
 * dist's static programs) fails these with SMZ_E_UNSUPPORTED. */

/* 1 when the file PATH starts with the ZIM magic number (the bytes 5A 49 4D
 * 04, "ZIM\x04"), whatever its name; 0 otherwise, also when it cannot be
 * read (the pack then says why). */
int smz_pack_is_zim(const char *path);

/* Adds every entry of the ZIM file PATH to W: content with its bytes, MIME
 * type and title (the ZIM's title wins over the one found in the page; a
 * metadata file's "Articles" over both), redirects as redirects with their
 * titles, in the order of the ZIM's clusters, each decompressed once.
 * Paths are the ZIM's: without the namespace in the new scheme
 * ("index.html"), with it in the old ("A/Foo", "I/logo.png").  Left out:
 * metadata (see smz_pack_meta_read_zim), libzim's Xapian indexes and
 * listings, well-known entries (X, W, Z).  The file is checked whole first
 * (its MD5 checksum, libzim's structure checks); a damaged or hostile ZIM
 * (truncated, bad checksum, a path that is absolute or has "." or ".."
 * segments, a redirect loop or a chain over 16) fails the pack
 * (SMZ_E_CORRUPT, SMZ_E_REDIRECT, SMZ_E_NOTARCHIVE); other paths our format
 * refuses, and entries over O->max_entry, are skipped with a warning. */
smz_err smz_pack_zim(smz_writer *w, const char *path, const smz_pack_opts *o);

/* Reads the metadata of the ZIM file PATH into M, as a metadata file's:
 * what it sets replaces what M had.  Title, Description, Language, Name,
 * Creator, Publisher, Date, Tags, Source and License by the same rules as a
 * file's (a value that breaks them is left out with a warning), its main
 * page as MainPage, Illustration_48x48@1 as M's illustration
 * (smz_pack_meta_illustration), every other text key (LongDescription,
 * Flavour, Scraper, ...) kept as it is (smz_pack_meta_write_kept).  Not
 * kept: Counter (libzim's count of MIME types, which the import changes),
 * keys of our own (Digest, UUID, Generated, Signature...) and illustrations
 * of other sizes, which are binary (each with a warning but Counter).  On
 * failure smz_pack_meta_errmsg(M) says why. */
smz_err smz_pack_meta_read_zim(smz_pack_meta *m, const char *path, const smz_pack_opts *o);

/* Writes M's kept keys (those no option sets: a ZIM's LongDescription,
 * Flavour, ...) to W.  M may be NULL.  On failure smz_writer_errmsg(W). */
smz_err smz_pack_meta_write_kept(const smz_pack_meta *m, smz_writer *w);

/* M's illustration (a ZIM's 48x48 PNG) in *PNG and *LEN, owned by M; *PNG
 * NULL when it has none (M may be NULL). */
void smz_pack_meta_illustration(const smz_pack_meta *m, const unsigned char **png, size_t *len);

/* The libzim version smz_pack_zim uses ("8.1.1"), or NULL in a build
 * without it. */
const char *smz_pack_zim_version(void);

/* Adds the redirects of a TSV file: one "path<TAB>title<TAB>target" a line. */
smz_err smz_pack_redirects(smz_writer *w, const char *tsv);

/* ------------------------------------------------------------------
 * Collection metadata from a JSON file (see smz-pack(1)):
 *
 *   {"Title": "...", "Description": "...", "Language": "eng",
 *    "Creator": "...", "Publisher": "...", "Tags": ["a", "b"] or "a;b",
 *    "Name", "Date" (YYYY-MM-DD), "Source", "License", "MainPage": "...",
 *    "Articles": {"PATH": {"Title": "...", "Date": "YYYY-MM-DD"}, ...}}
 *
 * Keys match case-insensitively; an unknown key is a warning, anything else
 * that is wrong (not JSON, not UTF-8, a wrong type, an empty, oversized or
 * ill-formed value, a key given twice, a file over 1 MiB) an error. */

#define SMZ_PACK_META_FILE "samizdat.json" /* read from a folder source's root */
#define SMZ_PACK_META_MAX_FILE (1u << 20)
#define SMZ_PACK_META_MAX_VALUE 4096 /* bytes of one value */

/* A new, empty set of metadata in *OUT (NULL when memory ran out). */
smz_err smz_pack_meta_new(smz_pack_meta **out);
/* Frees M; NULL does nothing. */
void smz_pack_meta_free(smz_pack_meta *m);

/* Reads the metadata file PATH into M: what it sets replaces what M had
 * (so of several files the last wins); warnings go to O's warn (O may be
 * NULL).  On failure what M holds is unchanged and smz_pack_meta_errmsg(M)
 * says why. */
smz_err smz_pack_meta_read(smz_pack_meta *m, const char *path, const smz_pack_opts *o);

/* Reads DIR/samizdat.json when there is one; SMZ_OK when there is none. */
smz_err smz_pack_meta_read_dir(smz_pack_meta *m, const char *dir, const smz_pack_opts *o);

/* The message of the last failed read into M ("" after a success), owned
 * by M and valid until its next read; "out of memory" for a NULL M. */
const char *smz_pack_meta_errmsg(const smz_pack_meta *m);
/* The language of M's messages (smz_pack_meta_errmsg) from now on, for
 * the calls that take no smz_pack_opts (smz_pack_meta_set); those that take
 * one speak its lang.  English until set. */
void smz_pack_meta_set_lang(smz_pack_meta *m, int lang);

/* Sets collection key KEY ("Title", "Date", ...: those listed above) to
 * VALUE, a NUL-terminated string given elsewhere than in a file (Tags as
 * "a;b"), checked by the same rules as a file's value and replacing what M
 * had.  FROM names where it came from for the message (an option such as
 * "--date"; NULL: KEY), in the place a file's name has in
 * smz_pack_meta_errmsg(M): "--date: Date must be a real date written
 * YYYY-MM-DD" as "samizdat.json: Date must be ...".  On failure M is
 * unchanged. */
smz_err smz_pack_meta_set(smz_pack_meta *m, const char *key, const char *value, const char *from);

/* The value of collection key KEY ("Title", "Tags", ...: those listed
 * above), or NULL when M (may be NULL) has none.  Owned by M. */
const char *smz_pack_meta_get(const smz_pack_meta *m, const char *key);

/* ------------------------------------------------------------------
 * The main page.  Pass the same smz_pack_index (in smz_pack_opts.index) to
 * every source; it keeps the path, title, date and summary of each page
 * (at most 100,000), and drops them once a root index.html is packed; it
 * keeps none when smz_pack_opts.main_page names the main page. */

/* A new, empty index in *OUT (NULL when memory ran out). */
smz_err smz_pack_index_new(smz_pack_index **out);
/* Frees X; NULL does nothing. */
void smz_pack_index_free(smz_pack_index *x);

/* Call after the last source and before smz_writer_finish.  When *MAIN_PAGE
 * is NULL it becomes O->main_page if that is set, else "index.html" or
 * "index.htm" if the collection has one at its root; else, when O->index
 * holds pages, a page "index.html" listing them all (newest first when they
 * have dates, then by title; TITLE and DESCRIPTION, either may be NULL, at
 * its head) is added and becomes the main page.  *MAIN_PAGE stays NULL for a collection without pages.  A
 * *MAIN_PAGE that names a rendered article (NAME.txt, NAME.md) becomes its
 * page, NAME.html (a string O->index owns).  Also warns about O->meta's
 * "Articles" that name no file. */
smz_err smz_pack_finish(smz_writer *w, const smz_pack_opts *o, const char *title,
                        const char *description, const char **main_page);

/* The built-in 48x48 PNG illustration (a typed page on a red ground) for
 * collections that bring none: *PNG points at static bytes, *LEN their
 * count.  Never fails. */
void smz_default_illustration(const unsigned char **png, size_t *len);

/* The MIME type for PATH by its extension, or NULL when it is not known. */
const char *smz_mime_by_ext(const char *path);

#ifdef __cplusplus
}
#endif
#endif
