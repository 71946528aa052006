/* The JSON of /search?format=json and /suggest.  Strings are quoted by
 * lib/text/json after the same clean-up as the server's HTML text
 * (smz__utf8_add_clean: invalid UTF-8 and control characters but tab and newline
 * become U+FFFD), so that JSON and HTML show a title alike.
 *
 * Layer 1 of server/ (see server.c): uses buf.h and lib/ only. */
#ifndef SMZ_SERVER_JSON_H
#define SMZ_SERVER_JSON_H

#include "smz/search.h"
#include "util/strbuf.h"

/* S (NULL: "") as a JSON string literal. */
void json_str(smz_strbuf *out, const char *s);
/* {"path":...,"title":...,"snippet":...,"score":...} and, when CONTENT is
 * not NULL, "content":... last. */
void json_hit(smz_strbuf *out, const char *path, const char *title, const char *snippet, double score,
              const char *content);
/* {"path":...,"title":...,"url":...,"match":[[START,LEN],...]}: the N
 * stretches of MATCH in characters (smz_span.cstart, clen), which the
 * title's clean-up keeps (one character stays one). */
void json_sugg(smz_strbuf *out, const char *path, const char *title, const char *url,
               const smz_span *match, size_t n);

#endif
