/* Our own CSS and script (/skin/), built into the program.
 *
 * Layer 7 of server/ (see server.c): uses layers 1 to 6 and lib/. */
#ifndef SMZ_SERVER_ASSETS_H
#define SMZ_SERVER_ASSETS_H

#include "http.h"

int h_asset(req *q, const char *rest);
/* The version of the assets (a hash of them) into OUT, for cache busting. */
void assets_version(char out[17]);

#endif
