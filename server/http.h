/* HTTP: what smz serve parses of a request itself (paths, query
 * parameters, Host, ranges, entity tags, the framing of the request) and how
 * it writes answers (header blocks with their security policy, bodies in one
 * write or in pieces, the access log).
 *
 * Layer 4 of server/ (see server.c): uses layers 1 to 2 and lib/, and
 * never calls up.  What the layers above must do while an answer goes out
 * (give back the request's reader handles) they pass down in the request
 * as a function pointer; the pointers to their own state (s, w) http.c
 * carries but never looks into.  So http.o links, and is fuzzed
 * (tests/fuzz/fuzz_request.c), without the rest of the server. */
#ifndef SMZ_SERVER_HTTP_H
#define SMZ_SERVER_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <civetweb.h>
#include "gate.h"
#include "guard.h"
#include "library.h"
#include "limits.h"
#include "util/strbuf.h"

/* What http.c must know of the server it answers for.  Set up by the
 * dispatch (dispatch.c) at start, read-only after. */
typedef struct http_site {
    char root[128];   /* URL root without trailing '/', "" for none */
    char address[64]; /* the address we listen on */
    int listen_any;   /* listening on 0.0.0.0 or :: */
    char **hostnames; /* more names for us (--hostname) */
    size_t n_hostnames;
    int scripts; /* archived scripts may run (in their sandbox) */
    int log_fd;  /* access log, -1 for none */
} http_site;

typedef struct req {
    struct mg_connection *c;
    const struct mg_request_info *ri;
    const http_site *site;
    gate *gate;       /* the compute gate, left at http_head */
    guard *guard;     /* told when the answer starts to go out, */
    guard_slot *slot; /* in this slot (NULL: none) */
    /* Called when the answer starts to go out (NULL: nothing to do): a
     * handle is not held while a client takes its answer, so the handles
     * open follow the requests computing at once, not the connections. */
    void (*done_reading)(struct req *q);
    /* The dispatch's server and worker (site.h), for the layers above. */
    struct smz_server *s;
    struct worker *w;
    int head;           /* HEAD: headers only */
    int lang;           /* the language of its answer (smz/i18n.h), dispatch.c decides */
    char lang_keep[16]; /* the tag ?lang= named, which our links keep; "" if none */
    const char *uri;    /* the decoded path (http_path_decode), NULL if refused */
    const char *path;   /* below the URL root, starts with '/' */
    const char *query;  /* raw query string, "" if none */
    char host[256];     /* the validated Host header, "" if none */
    int status;
    uint64_t sent; /* body bytes, for the access log */
    int trim;      /* give freed heap memory back afterwards */
    int gated;     /* holds a place in the gate: left at http_head */
    int close;     /* close the connection after this answer */
} req;

/* CSP_PAGE: our pages and JSON; CSP_CONTENT: what an archive serves (the
 * sandbox); CSP_ASSET: our CSS and script, loaded by both. */
typedef enum { CSP_PAGE, CSP_CONTENT, CSP_ASSET } csp_kind;
typedef struct resp {
    int status;
    const char *type;
    csp_kind csp;
    const archive *a;  /* for CSP_CONTENT */
    const char *etag;  /* quoted, or NULL */
    const char *cache; /* Cache-Control, or NULL for no-cache */
    const char *location;
    const char *disposition;
    const char *content_range;
    const char *allow;
    int cors_null;    /* Access-Control-Allow-Origin: null (bar_token_ok,
                                content.c's cors_subresource) */
    long long length; /* Content-Length; -1: none */
    int ranges;       /* Accept-Ranges: bytes */
} resp;
void resp_init(resp *r, int status, const char *type);
/* Leaves the compute gate if the request is inside (http_head does). */
void http_ungate(req *q);
int http_head(req *q, const resp *r);
int http_write(req *q, const void *p, size_t n);
int http_send(req *q, resp *r, const void *body, size_t n);
/* A body in pieces, sent as if they were one (a page with our bar put in). */
typedef struct srv_part {
    const void *p;
    size_t n;
} srv_part;
int http_send_parts(req *q, resp *r, const srv_part *parts, size_t nparts);
/* Sends a body of N bytes (at most SRV_ONE_WRITE) that READ puts straight
 * into the send buffer from OFF; -2 when READ fails, with nothing sent. */
typedef int (*srv_read_fn)(void *ctx, uint64_t off, void *buf, size_t n);
int http_send_read(req *q, resp *r, uint64_t off, size_t n, srv_read_fn read, void *ctx);
int http_redirect(req *q, int status, const char *location, const char *cache);
/* A query parameter, decoded into BUF; 1 found, 0 absent, -1 too long. */
int http_param(req *q, const char *name, size_t nth, char *buf, size_t len);
/* A non-negative integer parameter, DEF when absent or bad, capped at MAX. */
unsigned long http_param_num(req *q, const char *name, unsigned long def, unsigned long max);
/* 1 when If-None-Match matches ETAG (answer 304). */
int http_not_modified(req *q, const char *etag);
/* When If-None-Match matches R's etag, answers 304 with R's headers (its
 * etag and caching, no type) and returns 1; 0 when the full answer is due. */
int http_sent_304(req *q, resp *r);
/* Range: 0 none (send all), 1 one satisfiable range (*off, *len), -1 not
 * satisfiable (answer 416). */
int http_range(req *q, uint64_t size, const char *etag, uint64_t *off, uint64_t *len);
/* The same from the Range and If-Range header values (NULL: absent). */
int http_range_parse(const char *range, const char *if_range, uint64_t size, const char *etag,
                     uint64_t *off, uint64_t *len);
/* 1 when the comma-separated entity-tag list LIST names ETAG (weak
 * comparison, as If-None-Match asks) or is "*". */
int http_etag_in(const char *list, const char *etag);
/* 1 when HOST (a Host header value) names this server (DNS rebinding);
 * only then may it go into a response header. */
int http_check_host(const http_site *site, const char *host);
/* Decodes the raw request path RAW (percent-encoded, starting with '/')
 * into OUT (OUTLEN bytes; the result is never longer than RAW).  Returns
 * its length, or -1 for a path to refuse with 400: a malformed escape, a
 * NUL or control character, invalid or overlong UTF-8, or too long. */
int http_path_decode(const char *raw, char *out, size_t outlen);
/* 0 when the raw query string QUERY would decode to a NUL anywhere (a
 * parameter cut short: refuse with 400), else 1. */
int http_query_ok(const char *query);
/* Request framing (RFC 9112 6.3): NULL when the N header fields H leave no
 * doubt where this request ends and the next begins, else why not (answer
 * 400 and close): more than one Content-Length, one that is not 1*DIGIT, or
 * any Transfer-Encoding (we take no request bodies, and a proxy in front
 * may read a chunked body differently). */
const char *http_framing_error(const struct mg_header *h, int n);
/* The same for what CivetWeb's parser drops without a word (it parses the
 * header block in place, in RI's buffer): a folded line (obs-fold) ends its
 * header list there, so that a Content-Length below it goes unseen; and
 * white space before a colon is cut off the name ("Content-Length :"). */
const char *http_layout_error(const struct mg_request_info *ri, int *doubt);
/* Bytes of header block within which http_layout_error may look one byte
 * past the block's end: half of CivetWeb's max_request_size. */
#define SRV_LAYOUT_SAFE (SRV_MAX_REQUEST_BYTES / 2)
void http_log(req *q);
/* S for the access log: printable ASCII other than '"' and '\' as is, the rest as
 * \xHH (as Apache does), so that no request can forge a log line. */
void http_log_escape(smz_strbuf *b, const char *s);
/* Checks a MIME type from an archive before it goes into a header. */
int http_mime_ok(const char *mime);

#endif
