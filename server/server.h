/* smz serve: the web reader, as its front-ends see it.
 *
 * smz_server_new() makes the handle; smz_server_start() checks the
 * options, registers the archives (a folder adds every .smz in it; nothing
 * is opened yet: archives open lazily on the first request that needs them)
 * and starts CivetWeb in handler-only mode (no document root, no CGI, no
 * uploads).  The caller waits for a signal and calls smz_server_free(),
 * which stops it.
 *
 * A front-end with a listener of its own (the WebAssembly module, web/)
 * calls smz_server_open() instead, which does all of that but listen, and
 * has each request answered by smz_server_answer() on a connection it made
 * itself (it implements the few CivetWeb calls that read a request and
 * write its answer: mg_get_request_info, mg_get_header, mg_get_var2,
 * mg_write, mg_get_response_code_text, mg_disable_connection_keep_alive).
 * Those two start no thread and do not need CivetWeb's start-up: they live
 * in server/dispatch.c, smz_server_start in server/server.c.
 *
 * Errors as everywhere in Samizdat (smz/error.h): the code is returned and
 * the message is on the handle (smz_server_errmsg).  The server itself
 * never prints: warnings go to opts->warn. */
#ifndef SMZ_SERVER_H
#define SMZ_SERVER_H

#include <stddef.h>
#include "smz/error.h"

/* The default bound of the cluster cache (MiB).  Archives are packed in
 * 6 MiB clusters: this holds the 21 most recently used ones (all of
 * python3.11-doc's; 32 MiB made its random pages decode again and again). */
#define SMZ_SERVE_CACHE_MB 128
#define SMZ_SERVE_CACHE_MB_MAX 4096

typedef struct smz_serve_opts {
    const char *const *paths; /* archives and folders of archives */
    size_t n_paths;
    const char *address;      /* NULL: 127.0.0.1 */
    int port;                 /* 0: any free port (see smz_server_url) */
    const char *url_root;     /* NULL or "" for none; e.g. "/library" */
    int threads;              /* 0: default */
    int cache_mb;             /* bound of the shared cache of decompressed
                                 clusters, in MiB; 0: default (SMZ_SERVE_CACHE_MB) */
    const char *const *allow; /* CIDRs allowed to connect; none: everyone */
    size_t n_allow;
    const char *const *hostnames; /* extra names accepted in the Host header */
    size_t n_hostnames;
    int no_toolbar;           /* 1: do not inject the top bar into HTML */
    int no_scripts;           /* 1: archived scripts never run (--scripts off) */
    const char *log_path;     /* access log (Common Log Format); NULL: none */
    const char *const *trust; /* files of trusted public keys (--trust): .pub files or
                                 lists of keys; signed archives show whether they verify */
    size_t n_trust;
    const char *language; /* the interface's language when the browser asks for
                                 none of LANGUAGES (--language; a tag: "ru", "zh-Hant");
                                 NULL: English */
    unsigned languages;   /* the languages whose catalogue is bound (smz_i18n_bind);
                                 0: English only */
    /* Called with a warning (an archive that cannot be read, ...); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    void *ctx;
    /* The language of the library's words in those warnings (smz/i18n.h: an
     * interface language's index; 0, English): the command line's for smz
     * serve, the page's for the browser reader. */
    int warn_lang;
} smz_serve_opts;

typedef struct smz_server smz_server;
/* A worker's own state (a lease on the reader pool, a streaming buffer):
 * one per thread that answers requests. */
typedef struct worker smz_server_worker;
struct mg_connection;

/* A server that is not started yet, to start once; NULL when out of memory. */
smz_server *smz_server_new(void);
/* Starts serving as O says (O is copied; it may be freed afterwards).
 * SMZ_OK, or SMZ_E_INVALID (a bad option, a missing or unreadable archive,
 * a bad key file), SMZ_E_IO (cannot listen, no log file), SMZ_E_NOMEM,
 * with the reason in smz_server_errmsg(S).  S is then good only for
 * smz_server_free. */
smz_err smz_server_start(smz_server *s, const smz_serve_opts *o);
/* Sets S up as O says, as smz_server_start does, but listens nowhere and
 * starts no thread: the content of archives signed by a trusted key is
 * not checked (their signature only, as on the library's first look).
 * Same results and errors as smz_server_start but for SMZ_E_IO from
 * listening. */
smz_err smz_server_open(smz_server *s, const smz_serve_opts *o);
/* Reads every archive's metadata now rather than on the first request
 * (warnings go to O's warn); the number of readable archives. */
size_t smz_server_load(smz_server *s);
/* A worker for S, to answer requests with; NULL when out of memory. */
smz_server_worker *smz_server_worker_new(smz_server *s);
void smz_server_worker_free(smz_server_worker *w);
/* Answers the request waiting on C (read and written through CivetWeb's
 * calls) with W (may be NULL: answered 503); returns its HTTP status.
 * One request at a time per worker. */
int smz_server_answer(smz_server *s, smz_server_worker *w, struct mg_connection *c);
/* Why the last call failed: one line, owned by S, "no error" when none. */
const char *smz_server_errmsg(const smz_server *s);
/* The base URL, e.g. "http://127.0.0.1:8080/library/", once started.
 * Owned by S. */
const char *smz_server_url(const smz_server *s);
/* Stops the server if it was started (waits for the requests in progress)
 * and frees it.  smz_server_free(NULL) does nothing. */
void smz_server_free(smz_server *s);

#endif
