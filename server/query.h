/* Handlers of search: /search (HTML or JSON) and /suggest (the bar's
 * title suggestions).
 *
 * Layer 7 of server/ (see server.c): uses layers 1 to 6, content.h's URLs
 * and lib/. */
#ifndef SMZ_SERVER_QUERY_H
#define SMZ_SERVER_QUERY_H

#include "http.h"

int h_search(req *q);
int h_suggest(req *q);

#endif
