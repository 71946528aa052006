/* The growable string, smz_strbuf, is declared in smz/util.h (the
 * front-ends share it with the library; it says how its sticky errors
 * work).  What is left here is for the library's own text: HTML escaping
 * onto a buffer. */
#ifndef SMZ_UTIL_STRBUF_H
#define SMZ_UTIL_STRBUF_H

#include <stddef.h>
#include "smz/util.h"

/* Appends N bytes of S escaped for HTML text and attribute values
 * (& < > " ' become entities; everything else is copied as is, so the caller
 * supplies valid UTF-8 when the output must be valid UTF-8). */
smz_err smz__strbuf_add_html(smz_strbuf *b, const char *s, size_t n);

#endif
