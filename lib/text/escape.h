/* Escaping for HTML and XML onto an smz_strbuf: the one home of it.
 *
 * smz__html_add escapes exactly (the caller's text is already valid UTF-8:
 * the article renderer).  The others clean as they escape, for strings
 * from a request or an archive, which are never trusted: invalid UTF-8
 * becomes U+FFFD (decoded by utf8.c) and characters XML forbids are
 * dropped, so that a hostile title can neither break out of its context
 * nor make the OPDS feed ill-formed.  Like every append to an smz_strbuf, a
 * failure sticks in the buffer: check it once at the end. */
#ifndef SMZ_TEXT_ESCAPE_H
#define SMZ_TEXT_ESCAPE_H

#include <stddef.h>
#include "smz/util.h"

/* Appends N bytes of S escaped for HTML text and attribute values
 * (& < > " ' become entities; everything else is copied as is, so the caller
 * supplies valid UTF-8 when the output must be valid UTF-8). */
smz_err smz__html_add(smz_strbuf *b, const char *s, size_t n);

/* S as HTML/XML text or attribute value: & < > " ' escaped, invalid UTF-8,
 * control characters and XML non-characters replaced by U+FFFD.  S may be
 * NULL (nothing). */
void smz__html_add_clean(smz_strbuf *b, const char *s);
/* The same, with every non-ASCII character as a numeric reference: safe in a
 * page of any ASCII-compatible charset (the server's injected bar). */
void smz__html_add_ascii(smz_strbuf *b, const char *s);
/* S with invalid UTF-8 and control characters (but \t \n) replaced by
 * U+FFFD; S may be NULL (nothing). */
void smz__utf8_add_clean(smz_strbuf *b, const char *s);
/* A search snippet: only <b> and </b> kept as tags, everything else escaped
 * (the search library promises HTML-safe snippets; this keeps exactly that,
 * so a bug there cannot become an injection where it is shown). */
void smz__html_add_snippet(smz_strbuf *b, const char *s);

#endif
