/* Handlers of archive content: /content/ and /raw/ (entries, with our bar
 * put into HTML pages), /download/, /random and illustrations.
 *
 * Layer 7 of server/ (see server.c): uses layers 1 to 6 and lib/. */
#ifndef SMZ_SERVER_CONTENT_H
#define SMZ_SERVER_CONTENT_H

#include "http.h"
#include "library.h"
#include "site.h"
#include "util/strbuf.h"

/* The URL of entry PATH: ROOT/content/NAME/PATH or, RAW, ROOT/raw/NAME/content/PATH. */
void url_entry(smz_strbuf *b, const srv *s, const archive *a, const char *path, int raw);
int h_content(req *q, const char *rest, int raw);
int h_download(req *q, const char *rest);
/* /update/NAME/FILE: an update the catalog offers for NAME, or its signature. */
int h_update(req *q, const char *rest);
int h_random(req *q);
int h_illustration(req *q, const char *rest);

#endif
