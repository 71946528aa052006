/* Samizdat helpers the front-ends share with the library: growable strings
 * (smz_strbuf), text that is safe to print on a terminal, UTF-8 checks,
 * language codes, and opening a file without blocking on what it is.
 *
 * Each helper exists once: `smz`, `smz-pack` and the library call these
 * same functions (lib/util/ and lib/text/ define them; their internal
 * headers include this one), so a fix reaches every caller.  Nothing here
 * prints or keeps global state; every function may run on any thread,
 * one smz_strbuf being used by one thread at a time. */
#ifndef SMZ_UTIL_H
#define SMZ_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include "smz/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SMZ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SMZ_PRINTF(fmt, args)
#endif

/* ---- Growable strings ----------------------------------------------------
 * A byte string with a hard size cap, in the style of curl's dynbuf: every
 * module that builds text (HTML pages, search text, messages) appends to one
 * of these instead of juggling snprintf and realloc, so no caller can forget
 * a truncation or overflow check.
 *
 * Errors are sticky: after a failed call the buffer's memory is released,
 * smz_strbuf_err() reports the first error, and every later append returns
 * that same error without doing anything.  A caller may therefore chain
 * appends and check only the last one (or smz_strbuf_detach), or check each:
 * both are correct.  The contents are always NUL-terminated once non-empty.
 * The struct is public so that it can live on the stack; read it through
 * the functions. */
typedef struct smz_strbuf {
    char *p;     /* malloc'd, NUL-terminated; NULL until something is added */
    size_t len;  /* bytes held, not counting the NUL */
    size_t cap;  /* bytes allocated at p */
    size_t max;  /* the most bytes (not counting the NUL) it may ever hold */
    smz_err err; /* SMZ_OK, or the first error, which sticks */
} smz_strbuf;

/* Makes B empty with a cap of MAX bytes (an append that would pass it fails
 * with SMZ_E_TOOBIG; MAX 0 allows nothing).  Allocates nothing. */
void smz_strbuf_init(smz_strbuf *b, size_t max);

/* Releases B's memory and makes it empty again with the same cap and no
 * error.  B may be NULL. */
void smz_strbuf_free(smz_strbuf *b);

/* Empties B but keeps its memory for reuse; an error stays. */
void smz_strbuf_reset(smz_strbuf *b);

/* Cuts B back to its first LEN bytes (no effect when LEN >= its length).
 * The caller keeps LEN on a character boundary if the text is UTF-8. */
void smz_strbuf_truncate(smz_strbuf *b, size_t len);

/* Makes room for N more bytes at once, so that the appends that follow do
 * not grow the buffer step by step.  Adds nothing; fails as an append of N
 * bytes would (SMZ_E_TOOBIG past the cap, SMZ_E_NOMEM, the sticky error). */
smz_err smz_strbuf_reserve(smz_strbuf *b, size_t n);

/* Appends N bytes for the caller to fill (a read straight into the buffer)
 * and returns where they start, or NULL on failure (the error sticks).  The
 * bytes are uninitialised until the caller writes them; the NUL after them
 * is in place. */
char *smz_strbuf_room(smz_strbuf *b, size_t n);

/* Records ERR (not SMZ_OK) as B's sticky error, dropping the contents, as a
 * failed append would; an earlier error stays.  For a caller that builds
 * part of B's text elsewhere and must pass that failure on. */
void smz_strbuf_fail(smz_strbuf *b, smz_err err);

/* Appends N bytes from MEM (MEM may be NULL when N is 0).  Returns SMZ_OK,
 * SMZ_E_TOOBIG past the cap, SMZ_E_NOMEM, or the sticky earlier error. */
smz_err smz_strbuf_add(smz_strbuf *b, const void *mem, size_t n);

/* Appends the NUL-terminated string S (not NULL). */
smz_err smz_strbuf_adds(smz_strbuf *b, const char *s);

/* Appends printf-formatted text; the whole result or nothing is appended.
 * SMZ_E_INVALID when vsnprintf reports an encoding error. */
smz_err smz_strbuf_addf(smz_strbuf *b, const char *fmt, ...) SMZ_PRINTF(2, 3);
smz_err smz_strbuf_vaddf(smz_strbuf *b, const char *fmt, va_list ap) SMZ_PRINTF(2, 0);

/* The contents ("" when empty or after an error; never NULL) and length.
 * The pointer is valid until the next call that changes B. */
const char *smz_strbuf_str(const smz_strbuf *b);
size_t smz_strbuf_len(const smz_strbuf *b);

/* The sticky error: SMZ_OK while every call so far succeeded. */
smz_err smz_strbuf_err(const smz_strbuf *b);

/* Hands the contents to the caller: *OUT gets a malloc'd NUL-terminated
 * string ("" when empty) to free(), *LEN (if LEN is not NULL) its length,
 * and B is left empty.  On failure (the sticky error, or SMZ_E_NOMEM for an
 * empty buffer) *OUT is NULL and B is freed. */
smz_err smz_strbuf_detach(smz_strbuf *b, char **out, size_t *len);

/* ---- Text for a terminal -------------------------------------------------
 * Names and titles from an archive, a request or a packed file may hold
 * escape sequences (ESC [2J clears the screen, OSC 0 sets the window title)
 * or bytes that are not UTF-8.  Every line the front-ends print for a person
 * goes through smz_term_escape, so what an archive holds is shown, never
 * obeyed. */

/* Appends the N bytes at S to B in a visible form: printable UTF-8 as it
 * is; C0 controls (tab and newline too), DEL and each byte that does not
 * start a valid UTF-8 sequence as \xHH; C1 controls (U+0080-U+009F) and the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069,
 * which reorder what follows them on the line) as \u{HHHH}.  Returns B's
 * error (sticky, see above). */
smz_err smz_term_escape(smz_strbuf *b, const char *s, size_t n);

/* 1 when the N bytes at S print as they are (smz_term_escape would copy
 * them unchanged). */
int smz_term_safe(const char *s, size_t n);

/* How many terminal columns the N bytes of UTF-8 at S take: 2 for each
 * East Asian wide or fullwidth character (Unicode's East_Asian_Width W and
 * F: Han, kana, Hangul, emoji), 0 for a combining mark or a format
 * character (Arabic harakat, Tibetan and Burmese vowel signs, ZWJ), 1 for
 * any other and for each byte that is not UTF-8: for lining up columns
 * whatever the language.  (The terminal's own table may differ for rare
 * characters; lib/text/term.c lists the ranges.) */
size_t smz_term_width(const char *s, size_t n);

/* ---- UTF-8 ---------------------------------------------------------------
 * Strict: overlong forms, surrogates, code points past U+10FFFF and
 * truncated sequences are invalid, so the same bytes are judged the same
 * way by every program. */

/* 1 when the LEN bytes at S are entirely valid UTF-8, else 0. */
int smz_utf8_valid(const char *s, size_t len);

/* Appends the N bytes at S to B with each invalid byte as U+FFFD, so that
 * text from an archive may go where only UTF-8 is valid (JSON). */
smz_err smz_utf8_add_repaired(smz_strbuf *b, const char *s, size_t n);

/* ---- JSON ----------------------------------------------------------------
 * The one JSON string quoter (smz info/search --json, the server's JSON
 * answers).  Text from an archive or a request may hold any bytes, so
 * invalid UTF-8 is repaired (each invalid byte becomes U+FFFD) and the
 * output is always valid JSON.  The escapes are those of SQLite's
 * json_quote(): \" \\ \b \t \n \f \r, other controls below U+0020 as
 * \u00xx (lower-case hex), everything else as it is. */

/* Appends the N bytes at S (S may be NULL when N is 0; embedded NULs are
 * escaped as \u0000) to B as one JSON string literal, quotes included.
 * Returns SMZ_OK or B's sticky error. */
smz_err smz_json_str(smz_strbuf *b, const char *s, size_t n);

/* ---- XML -------------------------------------------------------------------
 * For a front-end that writes XML (smz catalog's OPDS feed): the escaper the
 * server's OPDS catalog uses. */

/* Appends NUL-terminated S (may be NULL: nothing) to B as XML text or an
 * attribute value: & < > " ' as entities, invalid UTF-8, control
 * characters and what XML forbids as U+FFFD.  Returns B's sticky error. */
smz_err smz_xml_str(smz_strbuf *b, const char *s);

/* Appends the N bytes at S to B percent-encoded for one path segment of a
 * URL (RFC 3986's unreserved characters stay, every other byte is %XX):
 * smz catalog's links to file names.  Returns B's sticky error. */
smz_err smz_url_segment(smz_strbuf *b, const char *s, size_t n);

/* ---- Dates ---------------------------------------------------------------- */

/* 1 when NUL-terminated S (may be NULL: 0) is a real calendar date written
 * YYYY-MM-DD and nothing else: the metadata Date rule, for a front-end
 * that reads dates from elsewhere (smz catalog's feeds). */
int smz_date_valid(const char *s);

/* ---- Sizes ---------------------------------------------------------------- */

/* Parses a size as typed on a command line: a decimal number of bytes with
 * an optional suffix K, M or G (either case; powers of 1024), at least 1 and
 * at most 2^62.  *OUT gets it; SMZ_E_INVALID (and *OUT 0) for anything
 * else. */
smz_err smz_size_parse(const char *text, uint64_t *out);

/* N bytes as a person reads them, in decimal units as file managers show
 * them: "512 bytes", "1.2 kB", "57.3 kB", "15.7 MB", "1.2 GB" (three
 * significant digits at most).  Writes into OUT and returns it. */
#define SMZ_SIZE_TEXT 32
const char *smz_size_text(uint64_t n, char out[SMZ_SIZE_TEXT]);

/* ---- Language codes ------------------------------------------------------ */

/* 1 when NUL-terminated S is one tag (no list) whose language is English:
 * "eng", "en", "en-GB", "ENG" (the packer's choice of English stemming). */
int smz_lang_english(const char *s);

/* ---- Opening files that someone else made --------------------------------
 * open() of a named pipe blocks until a writer appears, and a read from a
 * device may never end: a FIFO called x.smz or x.smz.minisig would hang the
 * command, or a server thread holding the library lock.  smz_file_open()
 * opens with O_NONBLOCK (which never waits for a FIFO's writer), fstat()s
 * the descriptor it got (a stat() before open() would be a race) and keeps
 * it only if it is a regular file, then clears O_NONBLOCK.  Every program
 * opens files from paths it was given or found through these two calls. */

/* Flags for smz_file_open. */
#define SMZ_FILE_NOFOLLOW 1 /* refuse a symbolic link as the last path component */

/* Opens PATH read-only (close-on-exec) if it is a regular file.  Returns the
 * descriptor, owned by the caller, and fills *ST (may be NULL) from fstat.
 * On failure returns -1 with errno set (ENOENT when there is no such file;
 * EISDIR for a folder, EINVAL for a FIFO or device, ENXIO for a socket,
 * ELOOP for a symbolic link with SMZ_FILE_NOFOLLOW) and *WHY (may be NULL)
 * set to a message for the user that needs no freeing: strerror(errno), or
 * what the file is instead ("a named pipe (FIFO), not a regular file").
 * Never blocks on the file's type. */
int smz_file_open(const char *path, int flags, struct stat *st, const char **why);

/* The same as a stdio stream opened "rb"; NULL with errno and *WHY set on
 * failure.  The caller fcloses it. */
FILE *smz_file_fopen(const char *path, int flags, const char **why);

/* ---- Writing a whole file ----------------------------------------------
 * Writes LEN bytes at DATA to PATH so that PATH is never seen half written:
 * into a new file beside it (PATH.XXXXXX), synced, mode 0644, then renamed
 * over PATH (replacing a file there; with SMZ_FILE_EXCL, linked instead, so
 * that an existing PATH is kept and SMZ_E_EXISTS returned).  On failure the
 * temporary file is removed and PATH is as it was.  Returns SMZ_OK,
 * SMZ_E_NOSPACE (disk or quota full), SMZ_E_EXISTS, SMZ_E_NOMEM or SMZ_E_IO,
 * with a message naming PATH in ERR (ERRLEN bytes; may be NULL). */
#define SMZ_FILE_EXCL 2
smz_err smz_file_write(const char *path, const void *data, size_t len, int flags, char *err,
                       size_t errlen);

/* Sets the mode of the open file FD (when FD >= 0) or of PATH, where the
 * file system has modes: 0 when it did, or when the file system refused
 * because it has none (FAT on a stick: fusefat has no chmod at all, the
 * kernel's vfat refuses modes it cannot show); else -1 with errno set. */
int smz_file_chmod(const char *path, int fd, unsigned mode);

#ifdef __cplusplus
}
#endif
#endif
