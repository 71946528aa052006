/* Internals shared by the files of server/: the output buffer and its
 * escapers, the archive registry, per-thread state, the request, and the
 * helpers that write HTTP responses.  Nothing here is visible to the rest of
 * the program (server.h is the front-end's view).
 *
 * Threading: CivetWeb runs each request on one of a fixed set of worker
 * threads.  Each worker owns a `worker` (the reader handles its current
 * request borrowed from the archives' pools, and its own SQLite connection
 * for JSON); the shared mutable state is the registry (behind its mutex),
 * the pools of idle readers (behind pool_mu) and the cluster cache (locked
 * inside the library). */
#ifndef SMZ_SRV_H
#define SMZ_SRV_H

#include <stdatomic.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <civetweb.h>
#include "smz/reader.h"
#include "smz/verify.h"
#include "server.h"
#include "text/lang.h"

/* ---- caps on what a request or an archive can make us handle ---- */
#define SRV_MAX_PAGE (8u << 20)      /* a generated page or JSON document */
#define SRV_MAX_INJECT (32u << 20)   /* larger HTML is served without the bar */
#define SRV_CHUNK (64u << 10)        /* streaming piece */
#define SRV_ONE_WRITE ((size_t)256 << 10) /* bodies sent with their header block */
#define SRV_BAR_LOOK 4096   /* bytes of a page looked at first for where the bar goes */
#define SRV_BAR_MARGIN 16   /* ... and how far from their end the answer must be */
#define SRV_HEAD_GUESS 2048 /* room made at once for a header block */
#define SRV_MAX_REQUEST "1048576"   /* request head bytes: all the cookies a
                                        browser keeps for one host (180 x 4 KiB) */
#define SRV_MAX_REQUEST_BYTES 1048576
#define SRV_MAX_PATTERN 512          /* search query bytes */
#define SRV_MAX_TERM 256             /* suggestion prefix bytes */
#define SRV_MAX_PAGELEN 100          /* results per page */
#define SRV_MAX_START 1000           /* deepest result offset */
#define SRV_MAX_NAMES 64             /* archives named in one search */
#define SRV_NAME_MAX 100             /* archive name bytes */
#define SRV_POOL_IDLE 32             /* idle reader handles kept per archive */

/* ---- hb: a growable output buffer with a hard cap (curl's dynbuf) ----
 * Appends after a failure (out of memory or over max) are ignored and
 * `err` stays set; check it once at the end. */
typedef struct hb {
    char *p;
    size_t n, cap, max;
    int err;
} hb;
void hb_init(hb *b, size_t max);
void hb_free(hb *b);
/* Makes room for N more bytes at once (an error when it passes the limit). */
void hb_reserve(hb *b, size_t n);
/* N bytes at the end of B for the caller to fill; NULL on error. */
char *hb_room(hb *b, size_t n);
void hb_put(hb *b, const void *s, size_t n);
void hb_puts(hb *b, const char *s);
void hb_printf(hb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* S as HTML/XML text or attribute value: & < > " ' escaped, invalid UTF-8,
 * control characters and XML non-characters replaced by U+FFFD. */
void hb_html(hb *b, const char *s);
/* The same, with every non-ASCII character as a numeric reference: safe in a
 * page of any ASCII-compatible charset (the injected bar). */
void hb_html_ascii(hb *b, const char *s);
/* S percent-encoded: everything but A-Z a-z 0-9 - . _ ~ (and / if SLASH). */
void hb_url(hb *b, const char *s, int slash);
/* S with invalid UTF-8 and control characters (but \t \n) replaced. */
void hb_utf8(hb *b, const char *s);
/* A search snippet: only <b> and </b> kept as tags, everything else escaped. */
void hb_snippet(hb *b, const char *s);
/* NUL-terminated contents ("" if empty or failed); owned by B. */
const char *hb_str(hb *b);

/* ---- JSON through SQLite's json functions (no hand-written escaper) ----
 * A zeroed json_ctx opens its connection on first use (a failure sets the
 * output's err); json_close frees it. */
typedef struct json_ctx {
    struct sqlite3 *db;
    struct sqlite3_stmt *quote, *hit, *sugg;
} json_ctx;
void json_close(json_ctx *j);
void json_str(json_ctx *j, hb *out, const char *s);
void json_hit(json_ctx *j, hb *out, const char *path, const char *title, const char *snippet,
              double score, const char *content);
void json_sugg(json_ctx *j, hb *out, const char *path, const char *title, const char *url);

/* ---- the archive registry ---- */
typedef struct archive {
    char *path;           /* file as given or found */
    char *stem;           /* file name without .smz */
    uint64_t file_size;
    /* Set once by reg_load() under the registry lock, read-only after. */
    int state;            /* 0: not loaded, 1: readable, -1: cannot be read */
    char *name;           /* URL name: [A-Za-z0-9._-], unique */
    char *meta_name;      /* the archive's Name metadata, while names are picked */
    char *title, *description, *language, *date, *creator, *publisher, *tags, *source,
        *license, *main_page;
    char uuid[37];        /* "" when absent or malformed */
    unsigned char *illustration; /* a PNG, or NULL */
    size_t illustration_len;
    char lang[SMZ_LANG_TAG_MAX + 1]; /* BCP 47 tag for lang="" ("" if unknown) */
    int rtl;
    /* Filled by reg_stats() on first need, under the lock. */
    int have_stats;
    uint64_t entries, articles, media;
    int has_index;
    /* Signatures (sigcheck.c): set by reg_load(), then by the background
     * check; read and written under the lock (sig_get). */
    int sig;              /* SIG_* */
    char sig_keyid[SMZ_KEYID_SIZE];
    char sig_msg[256];
    /* The bar injected into its pages (page_bar_injected), built on first
     * need under the registry lock, read-only after. */
    char *bar;
    size_t bar_len;
    /* Idle reader handles (server.c's pool), under the server's pool_mu. */
    smz_reader *idle[SRV_POOL_IDLE];
    size_t n_idle;
} archive;

typedef struct registry {
    archive *a;
    size_t n;
    pthread_mutex_t lock;
    int loaded;
    smz_keyring *trusted; /* --trust keys, or NULL */
    void (*warn)(void *ctx, const char *message);
    void *ctx;
} registry;

/* Adds PATH: an .smz file, or a folder whose *.smz files are added in name
 * order.  Nothing is opened. */
int reg_add(registry *g, const char *path, char *err, size_t errlen);
void reg_free(registry *g);
/* Reads every archive's metadata and assigns names (once). */
void reg_load(registry *g);
/* The readable archive called NAME (LEN bytes), or NULL. */
archive *reg_find(registry *g, const char *name, size_t len);
/* Warns (through the registry's callback) that A cannot be read, naming
 * the file once. */
void reg_warn_open(registry *g, const archive *a, const smz_reader *r, smz_err rc);
/* Fills A's counts (once; they are kept); 0 on success. */
int reg_stats(registry *g, archive *a);

/* ---- the compute gate (gate.c) ---- */
typedef struct gate {
    pthread_mutex_t mu;
    unsigned inside, max;             /* requests inside, and the bound */
    unsigned waiting;                 /* the others, */
    struct gate_waiter *head, *tail;  /* in arrival order */
} gate;
/* At most MAX (0: 1) requests inside at once.  0, or -1 on failure. */
int gate_init(gate *g, unsigned max);
void gate_destroy(gate *g);
/* Waits for a place (in arrival order) and takes it. */
void gate_enter(gate *g);
/* Takes a place if one is free and nobody waits: 1, else 0 (not taken). */
int gate_try_enter(gate *g);
/* Gives the place back, to the first waiter if any. */
void gate_leave(gate *g);

/* ---- the guard against slow clients (guard.c) ---- */
#define GUARD_PER_CLIENT 32 /* connections from one address (loopback excepted) */
#define GUARD_MIN_RESERVE 8 /* threads kept free for new requests, at least */
enum { GUARD_NONE, GUARD_WORKING, GUARD_SENDING, GUARD_EVICTED };
/* What a worker's request handler is doing, for the guard's thread. */
typedef struct guard_slot {
    int used;
    int state;             /* GUARD_NONE between requests */
    char addr[48];         /* the client's address and port */
    int port;
    int64_t since;         /* ms (monotonic) of the last change or progress */
} guard_slot;
typedef struct guard {
    pthread_mutex_t mu;    /* guards slots and stop */
    pthread_cond_t cv;
    pthread_t thread;
    int ready, started, stop;
    unsigned threads, reserve, per_client;
    int port;              /* our listening port */
    guard_slot *slots;     /* one per worker thread */
    size_t n_slots;
    struct gsock *socks;   /* the guard thread's own list of sockets */
    size_t n_socks;
    unsigned long evicted; /* connections shut down (guard thread only) */
} guard;
/* Sets G up for THREADS workers (before they start: they claim slots).
 * 0, or -1 out of memory. */
int guard_init(guard *g, unsigned threads);
/* Starts its thread, watching the connections to our PORT.  0 or -1. */
int guard_run(guard *g, int port);
/* Stops its thread (after the workers) and frees G; nothing if not set up. */
void guard_free(guard *g);
/* A worker's slot (init_thread), NULL if none; given back at exit_thread. */
guard_slot *guard_claim(guard *g);
void guard_release(guard *g, guard_slot *t);
/* A request handler's state change (GUARD_*), or progress: RI, when not
 * NULL, names the client. */
void guard_mark(guard *g, guard_slot *t, int state, const struct mg_request_info *ri);

/* ---- server, worker, request ---- */
struct smz_server {
    struct mg_context *ctx;
    registry reg;
    smz_cache *cache;
    pthread_mutex_t pool_mu; /* guards every archive's idle readers */
    gate gate;               /* requests computing at once (gate.c) */
    gate search_gate;        /* searches among them: at most half the places */
    int gate_ready;
    char root[128];          /* URL root without trailing '/', "" for none */
    char address[64];
    int listen_any;          /* listening on 0.0.0.0 or :: */
    char **hostnames;
    size_t n_hostnames;
    int toolbar;
    int scripts;             /* archived scripts may run (in their sandbox) */
    /* Keys the tokens that let the bar in an archived page (an opaque
     * origin) read its own archive's suggestions: random per start. */
    unsigned char bar_key[32];
    int log_fd;
    char skin_v[17];         /* version of our CSS/JS, for cache busting */
    char url[256];
    char **options;          /* CivetWeb options we built */
    /* The background signature check (sigcheck.c). */
    pthread_t sig_thread;
    int sig_started;
    atomic_int sig_stop;
    pthread_mutex_t sig_mu;  /* guards sig_cur and sig_done */
    smz_reader *sig_cur;     /* the reader it is reading, for sqlite3_interrupt */
    int sig_done;
    guard guard;             /* slow clients (guard.c) */
};
typedef struct smz_server srv;

typedef struct worker {
    srv *s;
    smz_reader **readers;    /* reg.n slots: the handles the current request
                                borrowed (srv_reader), NULL elsewhere */
    size_t *borrowed;        /* their indexes, n_borrowed of them */
    size_t n_borrowed;
    json_ctx json;
    unsigned char *chunk;    /* SRV_CHUNK bytes, allocated on first use */
    guard_slot *slot;        /* what its request is doing, for the guard */
} worker;

typedef struct req {
    struct mg_connection *c;
    const struct mg_request_info *ri;
    srv *s;
    worker *w;
    int head;                /* HEAD: headers only */
    const char *uri;         /* the decoded path (http_path_decode), NULL if refused */
    const char *path;        /* below the URL root, starts with '/' */
    const char *query;       /* raw query string, "" if none */
    char host[256];          /* the validated Host header, "" if none */
    int status;
    uint64_t sent;           /* body bytes, for the access log */
    int trim;                /* give freed heap memory back afterwards */
    int gated;               /* holds a place in the gate: left at http_head */
    int close;               /* close the connection after this answer */
} req;

/* A reader for archive A, borrowed until the request ends, or NULL (and a
 * 500 page sent) when it cannot be opened. */
smz_reader *srv_reader(req *q, archive *a);
/* Gives back the handles the request borrowed: it reads no more.  A handle
 * is not held while a client takes its answer, so the handles open follow
 * the requests computing at once (the gate), not the connections. */
void srv_readers_release(req *q);

/* ---- HTTP responses (http.c) ---- */
/* CSP_PAGE: our pages and JSON; CSP_CONTENT: what an archive serves (the
 * sandbox); CSP_ASSET: our CSS and script, loaded by both. */
typedef enum { CSP_PAGE, CSP_CONTENT, CSP_ASSET } csp_kind;
typedef struct resp {
    int status;
    const char *type;
    csp_kind csp;
    const archive *a;        /* for CSP_CONTENT */
    const char *etag;        /* quoted, or NULL */
    const char *cache;       /* Cache-Control, or NULL for no-cache */
    const char *location;
    const char *disposition;
    const char *content_range;
    const char *allow;
    int cors_null;           /* Access-Control-Allow-Origin: null (bar_token_ok,
                                content.c's cors_subresource) */
    long long length;        /* Content-Length; -1: none */
    int ranges;              /* Accept-Ranges: bytes */
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
int http_check_host(const srv *s, const char *host);
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
void http_log_escape(hb *b, const char *s);
/* Checks a MIME type from an archive before it goes into a header. */
int http_mime_ok(const char *mime);

/* The URL of entry PATH: ROOT/content/NAME/PATH or, RAW, ROOT/raw/NAME/content/PATH. */
void url_entry(hb *b, const srv *s, const archive *a, const char *path, int raw);

/* The token in the injected bar's suggestion URL for archive A: 32 hex
 * digits and a NUL into OUT.  The page's sandbox makes its origin opaque, so
 * the bar's fetch of /suggest is cross-origin; only a request carrying its
 * archive's token is answered with CORS for the origin "null" (query.c). */
void bar_token(const srv *s, const archive *a, char out[33]);
/* 1 when TOKEN is A's. */
int bar_token_ok(const srv *s, const archive *a, const char *token);

/* ---- handlers ---- */
int h_content(req *q, const char *rest, int raw); /* content.c */
int h_download(req *q, const char *rest);
int h_random(req *q);
int h_illustration(req *q, const char *rest);
int h_library(req *q);                           /* pages.c */
int h_error(req *q, int status, const archive *a, const char *title, const char *msg);
int h_search(req *q);                            /* query.c */
int h_suggest(req *q);
int h_opds(req *q, const char *rest);            /* opds.c */
int h_asset(req *q, const char *rest);           /* assets.c */

/* ---- pages.c helpers used by other pages ---- */
/* The top bar for archive A (NULL: the library).  INJECT: for an archived
 * page (ASCII-only, since the page may use any charset; brings its CSS). */
void page_bar(hb *b, srv *s, const archive *a, const char *pattern, int inject);
/* The bar injected into A's pages: the same for every page of A, so built
 * once; NULL when out of memory. */
const char *page_bar_injected(srv *s, archive *a, size_t *len);
void page_begin(hb *b, srv *s, const char *title, const archive *a, const char *pattern);
void page_end(hb *b);
int page_send(req *q, int status, hb *b);
/* Where our bar goes in HTML: the start of <body>'s content; -1 for a page
 * with no body to put it in (a frameset). */
long page_bar_at(const unsigned char *html, size_t n);
/* Human-readable figures. */
void fmt_count(hb *b, uint64_t n);
void fmt_size(hb *b, uint64_t n);

/* ---- signatures (sigcheck.c) ---- */
enum { SIG_NONE, SIG_CHECKING, SIG_GOOD, SIG_UNTRUSTED, SIG_BAD };
/* A's signatures from a quick look (no content read), from reg_load(). */
void sig_quick(registry *g, archive *a, smz_reader *r);
typedef struct sig_view {
    int sig;
    char keyid[SMZ_KEYID_SIZE];
    char msg[256];
} sig_view;
/* A copy of A's signature summary (taken under the registry lock). */
void sig_get(registry *g, const archive *a, sig_view *v);
/* The library card's signature line for A. */
void sig_html(hb *b, registry *g, const archive *a);
/* The same for an OPDS entry: <smz:signature status=... key-id=... trusted=.../>
 * in our own namespace, which OPDS readers ignore. */
void sig_opds(hb *b, registry *g, const archive *a);
/* Loads the --trust keys into S's registry; 0, or -1 with ERR. */
int sig_trust(srv *s, const char *const *files, size_t n, char *err, size_t errlen);
/* Starts the thread that checks the content of archives signed by a trusted
 * key (when there are trusted keys); 0, or -1 with ERR.  sig_stop() stops it
 * (an archive being read is interrupted) and frees the keys. */
int sig_start(srv *s, char *err, size_t errlen);
void sig_stop(srv *s);

/* ---- assets.c ---- */
extern const char srv_css[];
extern const char srv_js[];
void assets_version(char out[17]);

#endif
