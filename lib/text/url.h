/* Percent-encoding for URLs that pages link to: a path or a query value
 * from an archive may hold any bytes, and once encoded it can only name
 * what it names (no second scheme, host, query or fragment).  Appends to an
 * smz_strbuf, whose errors are sticky. */
#ifndef SMZ_TEXT_URL_H
#define SMZ_TEXT_URL_H

#include <stddef.h>
#include "util/strbuf.h"

/* Appends the N bytes at S to B percent-encoded: the unreserved characters
 * of RFC 3986 (letters, digits, "-._~") stay, and '/' too when KEEP_SLASH
 * is 1; every other byte becomes %XX with upper-case hex digits.  Returns
 * B's error (sticky, see strbuf.h). */
smz_err smz__url_add_escaped(smz_strbuf *b, const char *s, size_t n, int keep_slash);

#endif
