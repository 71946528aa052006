/* Text for a terminal: names and titles from an archive, a request or a
 * packed file may hold escape sequences (ESC [2J clears the screen, OSC 0
 * sets the window title) or bytes that are not UTF-8.  Every line the
 * front-ends print for a person goes through smz_term_escape, so what an
 * archive holds is shown, never obeyed. */
#ifndef SMZ_TEXT_TERM_H
#define SMZ_TEXT_TERM_H

#include <stddef.h>
#include "util/strbuf.h"

/* Appends the N bytes at S to B in a visible form: printable UTF-8 as it
 * is; C0 controls (tab and newline too), DEL and each byte that does not
 * start a valid UTF-8 sequence as \xHH; C1 controls (U+0080-U+009F) and the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069,
 * which reorder what follows them on the line) as \u{HHHH}.  Returns B's
 * error (sticky, see strbuf.h). */
smz_err smz_term_escape(smz_strbuf *b, const char *s, size_t n);

/* 1 when the N bytes at S print as they are (smz_term_escape would copy
 * them unchanged). */
int smz_term_safe(const char *s, size_t n);

#endif
