/* The OPDS 1.2 catalogue (/catalog/v2/): what e-book readers browse.
 *
 * Layer 7 of server/ (see server.c): uses layers 1 to 6, content.h and lib/. */
#ifndef SMZ_SERVER_OPDS_H
#define SMZ_SERVER_OPDS_H

#include "http.h"

int h_opds(req *q, const char *rest);

#endif
