/* Signatures (sigcheck.c): what the library shows of an archive's
 * signatures, and the background thread that checks the content of
 * archives signed by a trusted key.
 *
 * Layer 5 of server/ (see server.c), beside site.h, whose state it keeps. */
#ifndef SMZ_SERVER_SIGCHECK_H
#define SMZ_SERVER_SIGCHECK_H

#include <stddef.h>
#include "library.h"
#include "site.h"
#include "smz/verify.h"
#include "util/strbuf.h"

/* A's signatures from a quick look (no content read), from reg_load()
 * (through the registry's loaded_one). */
void sig_quick(registry *g, archive *a, smz_reader *r);
typedef struct sig_view {
    int sig;
    char keyid[SMZ_KEYID_SIZE];
    char msg[256];
} sig_view;
/* A copy of A's signature summary (taken under the registry lock). */
void sig_get(registry *g, const archive *a, sig_view *v);
/* The library card's signature line for A. */
void sig_html(smz_strbuf *b, const req *q, registry *g, const archive *a);
/* The same for an OPDS entry: <smz:signature status=... key-id=... trusted=.../>
 * in our own namespace, which OPDS readers ignore. */
void sig_opds(smz_strbuf *b, registry *g, const archive *a);
/* Loads the --trust keys into S's registry; 0, or -1 with ERR. */
int sig_trust(srv *s, const char *const *files, size_t n, char *err, size_t errlen);
/* Starts the thread that checks the content of archives signed by a trusted
 * key (when there are trusted keys); 0, or -1 with ERR.  sig_stop() stops it
 * (an archive being read is interrupted) and frees the keys. */
int sig_start(srv *s, char *err, size_t errlen);
void sig_stop(srv *s);

#endif
