/* JSON string literals, the one quoter of the program: `smz info --json`,
 * `smz search --json`, the server's /search?format=json and /suggest all
 * build their strings here.  Text from an archive or a request may hold
 * any bytes, so invalid UTF-8 is repaired (each invalid byte becomes U+FFFD,
 * as smz_utf8_add_repaired does) and the output is always valid JSON.  The
 * escapes are those SQLite's json_quote() writes, which this replaced:
 * \" \\ \b \t \n \f \r, other controls below U+0020 as \u00xx (lower-case
 * hex), everything else (DEL, '/', non-ASCII) as it is. */
#ifndef SMZ_TEXT_JSON_H
#define SMZ_TEXT_JSON_H

#include <stddef.h>
#include "util/strbuf.h"

/* Appends the N bytes at S (S may be NULL when N is 0; embedded NULs are
 * escaped as \u0000) to B as one JSON string literal, quotes included.
 * Returns SMZ_OK or B's sticky error. */
smz_err smz_json_str(smz_strbuf *b, const char *s, size_t n);

#endif
