/* The server's escapers, appending to an smz_strbuf (lib/util/strbuf.h).
 * Every string that reaches a page comes from a request or an archive, so
 * none is trusted: HTML/XML escaping also repairs invalid UTF-8 (decoded by
 * lib/text/utf8) and drops characters XML forbids, so that a hostile title
 * can neither break out of its context nor make the OPDS feed ill-formed.
 *
 * Layer 1 of server/ (see server.c): uses lib/ only.  Like every append to
 * an smz_strbuf, a failure sticks in the buffer: check it once at the end. */
#ifndef SMZ_SERVER_BUF_H
#define SMZ_SERVER_BUF_H

#include "util/strbuf.h"

/* S as HTML/XML text or attribute value: & < > " ' escaped, invalid UTF-8,
 * control characters and XML non-characters replaced by U+FFFD.  S may be
 * NULL (nothing). */
void buf_html(smz_strbuf *b, const char *s);
/* The same, with every non-ASCII character as a numeric reference: safe in a
 * page of any ASCII-compatible charset (the injected bar). */
void buf_html_ascii(smz_strbuf *b, const char *s);
/* S with invalid UTF-8 and control characters (but \t \n) replaced by
 * U+FFFD; S may be NULL (nothing). */
void buf_utf8(smz_strbuf *b, const char *s);
/* A search snippet: only <b> and </b> kept as tags, everything else escaped. */
void buf_snippet(smz_strbuf *b, const char *s);

#endif
