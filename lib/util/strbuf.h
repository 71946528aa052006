/* A growable byte string with a hard size cap, in the style of curl's
 * dynbuf: every module that builds text (HTML pages, search text, messages)
 * appends to one of these instead of juggling snprintf and realloc, so no
 * caller can forget a truncation or overflow check.
 *
 * Errors are sticky: after a failed call the buffer's memory is released,
 * smz_strbuf_err() reports the first error, and every later append returns
 * that same error without doing anything.  A caller may therefore chain
 * appends and check only the last one (or smz_strbuf_detach), or check each:
 * both are correct.  The contents are always NUL-terminated once non-empty. */
#ifndef SMZ_UTIL_STRBUF_H
#define SMZ_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include "smz/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define SMZ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SMZ_PRINTF(fmt, args)
#endif

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

/* Appends N bytes of S escaped for HTML text and attribute values
 * (& < > " ' become entities; everything else is copied as is, so the caller
 * supplies valid UTF-8 when the output must be valid UTF-8). */
smz_err smz_strbuf_add_html(smz_strbuf *b, const char *s, size_t n);

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

#endif
