/* The server without its listener: the state smz serve answers from, and
 * the answer to one request.
 *
 * smz_server_open() checks the options and sets up everything a request
 * needs (the registry, the cluster cache, the reader pool, the gates, the
 * guard's slots, the bar's key, the trusted keys); smz_server_answer()
 * answers one request on a connection, with a worker of the caller's
 * (smz_server_worker_new: a lease on the reader pool).  server.c puts
 * CivetWeb's listener and threads around these; the WebAssembly module
 * (web/) calls them over an in-memory connection (web/mg_mem.c), with no
 * thread at all.  So this file calls no CivetWeb function but those that
 * read a request and write its answer: it links without CivetWeb's
 * start-up.
 *
 * Before any route is looked at, a request must be GET or HEAD and name an
 * acceptable Host (DNS rebinding); archived scripts cannot install service
 * workers.
 *
 * Layer 8 of server/ (see server.c), beside server.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <sys/random.h>
#include <unistd.h>
#ifndef __EMSCRIPTEN__
#include <malloc.h> /* malloc_trim: glibc's */
#endif
#include "assets.h"
#include "content.h"
#include "http.h"
#include "opds.h"
#include "pages.h"
#include "pool.h"
#include "query.h"
#include "server.h"
#include "sigcheck.h"
#include "site.h"

/* CivetWeb 1.15 gives each connection a thread while it reads the request
 * (up to request_timeout_ms): enough threads that dozens of clients
 * trickling their headers (slowloris) leave room for everyone else.  An
 * idle thread costs about 50 KB. */
#define DEFAULT_THREADS 128
#define MAX_THREADS 512

/* Requests computing at once (gate.c): two per CPU, so that a request
 * waiting for the disk (an archive on a slow stick) leaves the CPUs work. */
#define GATE_PER_CPU 2
#define GATE_MIN 4
#define GATE_MAX 64

static unsigned gate_places(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    n *= GATE_PER_CPU;
    return (unsigned)(n < GATE_MIN ? GATE_MIN : n > GATE_MAX ? GATE_MAX : n);
}

/* ---- a worker's state ---- */

void smz_server_worker_free(smz_server_worker *w)
{
    if (!w)
        return;
    guard_release(&w->s->guard, w->slot);
    lease_free(&w->lease);
    free(w->chunk);
    free(w);
}

smz_server_worker *smz_server_worker_new(smz_server *s)
{
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->s = s;
    w->slot = guard_claim(&s->guard);
    if (lease_init(&w->lease, &s->pool) != 0) {
        smz_server_worker_free(w);
        return NULL;
    }
    return w;
}

/* The request's answer goes out: its reader handles go back to the pool
 * (http.c calls this through req.done_reading). */
static void done_reading(req *q)
{
    pool_return(&q->s->pool, q->w ? &q->w->lease : NULL);
}

/* ---- dispatch ---- */

static int plain(req *q, int status, const char *text, const char *allow)
{
    resp r;
    resp_init(&r, status, "text/plain; charset=utf-8");
    r.allow = allow;
    http_send(q, &r, text, strlen(text));
    return status;
}

/* The language of an answer to a request refused before it is read
 * further: its Accept-Language alone (its query may be what is wrong). */
static int early_lang(const req *q)
{
    return smz_ui_lang_negotiate(mg_get_header(q->c, "Accept-Language"), q->s->langs,
                                 q->s->lang_default);
}

/* plain() with MSGID in the request's language (early_lang). */
static int plain_tr(req *q, int status, const char *msgid, const char *allow)
{
    return plain(q, status, smz_tr(early_lang(q), msgid), allow);
}

/* The language of Q's answer: ?lang= when it names one of ours (our links
 * then keep it), else the browser's Accept-Language, else the server's
 * default (--language). */
static void pick_language(req *q)
{
    srv *s = q->s;
    char v[sizeof q->lang_keep];
    q->lang = s->lang_default;
    if (http_param(q, "lang", 0, v, sizeof v) == 1) {
        int l = smz_ui_lang_find(v, strlen(v));
        if (l >= 0 && (s->langs >> l & 1u)) {
            q->lang = l;
            snprintf(q->lang_keep, sizeof q->lang_keep, "%s", smz_ui_lang_at(l)->tag);
            return;
        }
    }
    q->lang = early_lang(q);
}

static int route(req *q)
{
    srv *s = q->s;
    const char *m = q->ri->request_method;
    /* Where this request ends must be certain before anything else: a
     * request hidden in its body would otherwise be answered (smuggling).
     * CivetWeb keeps the first MG_MAX_HEADERS headers and drops the rest
     * unseen, a Content-Length or Host among them. */
    const struct mg_request_info *ri = q->ri;
    int too_many = ri->num_headers >= MG_MAX_HEADERS;
    const char *bad = too_many ? NULL : http_framing_error(ri->http_headers, ri->num_headers);
    int doubt = 0;
    if (!too_many && !bad)
        bad = http_layout_error(ri, &doubt);
    if (doubt) {
        q->close = 1;
        mg_disable_connection_keep_alive(q->c);
    }
    if (too_many || bad) {
        char msg[160];
        q->close = 1;
        mg_disable_connection_keep_alive(q->c);
        if (too_many)
            return plain_tr(q, 431, "Too many header fields.\n", NULL);
        int l = early_lang(q);
        snprintf(msg, sizeof msg, smz_tr(l, "Bad request: %s.\n"), smz_tr(l, bad));
        return plain(q, 400, msg, NULL);
    }
    q->head = !strcmp(m, "HEAD");
    if (strcmp(m, "GET") && !q->head)
        return plain_tr(q, 405, "Only GET and HEAD are served.\n", "GET, HEAD");
    int hosts = 0;
    for (int i = 0; i < ri->num_headers; i++)
        hosts += ri->http_headers[i].name && !strcasecmp(ri->http_headers[i].name, "Host");
    const char *host = mg_get_header(q->c, "Host");
    /* RFC 9112 3.2: exactly one Host in HTTP/1.1, at most one before. */
    if (hosts > 1 || (!hosts && ri->http_version && !strcmp(ri->http_version, "1.1")))
        return plain_tr(q, 400, "Bad request: a request names exactly one Host.\n", NULL);
    if (host) {
        if (!http_check_host(&s->http, host))
            return plain_tr(q, 403, "This server does not answer to that host name.\n", NULL);
        snprintf(q->host, sizeof q->host, "%s", host);
    }
    if (!q->w)
        return plain_tr(q, 503, "The server is out of memory.\n", NULL);
    /* A service worker would outlive the page and see every later request
     * below its scope. */
    if (mg_get_header(q->c, "Service-Worker"))
        return plain_tr(q, 403, "Service workers are not allowed.\n", NULL);
    if (!http_query_ok(q->query))
        return plain_tr(q, 400, "Bad request: the query holds a NUL (%00).\n", NULL);
    const char *p = q->uri;
    if (!p)
        return plain_tr(q, 400, "Bad request: the path is not a valid address.\n", NULL);
    pick_language(q);
    size_t rl = strlen(s->http.root);
    if (rl) {
        if (strncmp(p, s->http.root, rl) || (p[rl] && p[rl] != '/'))
            return h_error(q, 404, NULL, SMZ_N_("Not found"),
                           SMZ_N_("There is nothing at this address."));
        if (!p[rl]) {
            char loc[sizeof s->http.root + 1];
            snprintf(loc, sizeof loc, "%s/", s->http.root);
            return http_redirect(q, 301, loc, NULL) == 0 ? 301 : 500;
        }
        p += rl;
    }
    q->path = p;
    if (!strcmp(p, "/"))
        return h_library(q);
    if (!strncmp(p, "/content/", 9))
        return h_content(q, p + 9, 0);
    if (!strncmp(p, "/raw/", 5))
        return h_content(q, p + 5, 1);
    if (!strcmp(p, "/search")) {
        q->trim = 1;
        return h_search(q);
    }
    if (!strcmp(p, "/suggest"))
        return h_suggest(q);
    if (!strcmp(p, "/random"))
        return h_random(q);
    if (!strcmp(p, "/opds"))
        return h_opds_page(q);
    if (!strncmp(p, "/catalog/v2/", 12))
        return h_opds(q, p + 12);
    if (!strncmp(p, "/download/", 10))
        return h_download(q, p + 10);
    if (!strncmp(p, "/update/", 8))
        return h_update(q, p + 8);
    if (!strncmp(p, "/skin/", 6))
        return h_asset(q, p + 6);
    if (!strcmp(p, "/robots.txt"))
        return plain(q, 200, "User-agent: *\nDisallow: /\n", NULL);
    return h_error(q, 404, NULL, SMZ_N_("Not found"), SMZ_N_("There is nothing at this address."));
}

int smz_server_answer(smz_server *s, smz_server_worker *w, struct mg_connection *c)
{
    req q;
    memset(&q, 0, sizeof q);
    q.c = c;
    q.ri = mg_get_request_info(c);
    q.s = s;
    q.w = w;
    q.site = &q.s->http;
    q.gate = &q.s->gate;
    q.guard = &q.s->guard;
    q.slot = q.w ? q.w->slot : NULL;
    q.done_reading = done_reading;
    q.query = q.ri->query_string ? q.ri->query_string : "";
    if (q.w)
        guard_mark(&q.s->guard, q.w->slot, GUARD_WORKING, q.ri);
    const char *raw = q.ri->local_uri_raw;
    size_t rl = raw ? strlen(raw) : 0;
    char *uri = malloc(rl + 1);
    if (uri && http_path_decode(raw, uri, rl + 1) >= 0)
        q.uri = uri;
    gate_enter(&q.s->gate);
    q.gated = 1;
    int status = uri ? route(&q) : plain_tr(&q, 503, "The server is out of memory.\n", NULL);
    http_ungate(&q); /* a handler that never answered */
    if (!q.status)
        q.status = status > 0 ? status : 500;
    http_log(&q);
    done_reading(&q);
    if (q.w)
        guard_mark(&q.s->guard, q.w->slot, GUARD_NONE, NULL);
    free(uri);
#ifndef __EMSCRIPTEN__
    /* A search reads and parses many pages: most of what it allocated is
     * free again, but in the middle of malloc's heaps, where glibc keeps it
     * until told to give it back.  Trimming costs about what one page
     * request does, against a search's tens.  (WebAssembly's memory never
     * shrinks: nothing to give back there.) */
    if (q.trim)
        malloc_trim(0);
#endif
    return q.status;
}

/* ---- set-up and tear-down ---- */

static int set_root(srv *s, const char *root, char *err, size_t errlen)
{
    if (!root || !root[0] || !strcmp(root, "/"))
        return 0;
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    if (root[0] != '/' || n >= sizeof s->http.root)
        goto bad;
    for (size_t i = 0; i < n; i++) {
        char c = root[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == '~' || c == '/'))
            goto bad;
        if (c == '/' &&
            (i + 1 == n || root[i + 1] == '/' ||
             (root[i + 1] == '.' && (i + 2 == n || root[i + 2] == '/' ||
                                     (root[i + 2] == '.' && (i + 3 == n || root[i + 3] == '/'))))))
            goto bad;
    }
    memcpy(s->http.root, root, n);
    s->http.root[n] = 0;
    return 0;
bad:
    snprintf(err, errlen, "--url-root: '%.100s' is not a path like /library", root);
    return -1;
}

/* An IPv4 CIDR for CivetWeb's access_control_list. */
static int cidr_ok(const char *c)
{
    char ip[INET_ADDRSTRLEN];
    unsigned char a[4];
    const char *slash = strchr(c, '/');
    size_t n = slash ? (size_t)(slash - c) : strlen(c);
    if (n >= sizeof ip)
        return 0;
    memcpy(ip, c, n);
    ip[n] = 0;
    if (inet_pton(AF_INET, ip, a) != 1)
        return 0;
    if (slash) {
        const char *b = slash + 1;
        if (!*b || strlen(b) > 2 || strspn(b, "0123456789") != strlen(b) || atoi(b) > 32)
            return 0;
    }
    return 1;
}

static int hostname_ok(const char *h)
{
    size_t n = strlen(h);
    return n && n < 254 &&
           strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

void smz_server_free(smz_server *s)
{
    if (!s)
        return;
    sig_stop(s);
    if (s->stop_listening)
        s->stop_listening(s);
    guard_free(&s->guard);
    pool_destroy(&s->pool);
    if (s->gate_ready) {
        gate_destroy(&s->gate);
        gate_destroy(&s->search_gate);
    }
    smz_cache_free(s->cache);
    reg_free(&s->reg);
    pthread_mutex_destroy(&s->reg.lock);
    for (size_t i = 0; i < s->http.n_hostnames; i++)
        free(s->http.hostnames[i]);
    free(s->http.hostnames);
    for (size_t i = 0; s->options && s->options[i]; i++)
        free(s->options[i]);
    free(s->options);
    if (s->http.log_fd > 2)
        close(s->http.log_fd);
    free(s);
}

const char *smz_server_url(const smz_server *s)
{
    return s->url;
}

smz_server *smz_server_new(void)
{
    srv *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->http.log_fd = -1;
    pthread_mutex_init(&s->reg.lock, NULL);
    /* Set up at once, so that smz_server_free may always tear it down; its
     * cache is made by smz_server_open, once --cache-mb is checked. */
    pool_init(&s->pool, &s->reg, NULL);
    return s;
}

const char *smz_server_errmsg(const smz_server *s)
{
    return s && s->errmsg[0] ? s->errmsg : "no error";
}

smz_err smz_server_open(smz_server *s, const smz_serve_opts *o)
{
    unsigned char addr[16];
    char *err = s->errmsg;
    size_t errlen = sizeof s->errmsg;
    smz_err rc = SMZ_E_INVALID; /* what most failures below are: a bad option */
    if (s->started) {
        snprintf(err, errlen, "the server is started already");
        return SMZ_E_INVALID;
    }
    s->started = 1;
    err[0] = 0;
    s->reg.loaded_one = sig_quick; /* the library's quick look at signatures */
    s->reg.warn = o->warn;
    s->reg.ctx = o->ctx;
    s->reg.lang = o->warn_lang;
    s->toolbar = !o->no_toolbar;
    s->langs = o->languages | 1u;
    s->lang_default = SMZ_UI_EN;
    if (o->language && o->language[0]) {
        int l = smz_ui_lang_find(o->language, strlen(o->language));
        if (l < 0 || !(s->langs >> l & 1u)) {
            snprintf(err, errlen, "--language: '%.40s' is not a language of the interface%s",
                     o->language, l < 0 ? "" : " (its catalogue is not installed)");
            goto fail;
        }
        s->lang_default = l;
    }
    s->http.scripts = !o->no_scripts;
    /* The bar's tokens are keyed hashes (bar_token), made by libsodium,
     * which wants initialising before any of its functions is used. */
    if (sodium_init() < 0 || getentropy(s->bar_key, sizeof s->bar_key) != 0) {
        snprintf(err, errlen, "no random bytes for the bar's key");
        rc = SMZ_E_IO;
        goto fail;
    }
    assets_version(s->skin_v);
    const char *address = o->address && o->address[0] ? o->address : "127.0.0.1";
    if (strlen(address) >= sizeof s->http.address) {
        snprintf(err, errlen, "--address: not an IP address");
        goto fail;
    }
    if (inet_pton(AF_INET, address, addr) != 1) {
        if (inet_pton(AF_INET6, address, addr) != 1) {
            snprintf(err, errlen, "--address: '%.64s' is not an IP address", address);
            goto fail;
        }
        s->v6 = 1;
    }
    snprintf(s->http.address, sizeof s->http.address, "%s", address);
    s->http.listen_any = !strcmp(address, "0.0.0.0") ||
                         !memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", s->v6 ? 16 : 4);
    if (o->port < 0 || o->port > 65535) {
        snprintf(err, errlen, "--port: %d is not a port number", o->port);
        goto fail;
    }
    if (set_root(s, o->url_root, err, errlen) != 0)
        goto fail;
    s->threads = o->threads ? o->threads : DEFAULT_THREADS;
    if (s->threads < 1 || s->threads > MAX_THREADS) {
        snprintf(err, errlen, "--threads: between 1 and %d", MAX_THREADS);
        goto fail;
    }
    if (o->n_hostnames && !(s->http.hostnames = calloc(o->n_hostnames, sizeof *s->http.hostnames))) {
        goto oom;
    }
    for (size_t i = 0; i < o->n_hostnames; i++) {
        if (!hostname_ok(o->hostnames[i])) {
            snprintf(err, errlen, "--hostname: '%.100s' is not a host name", o->hostnames[i]);
            goto fail;
        }
        if (!(s->http.hostnames[s->http.n_hostnames++] = strdup(o->hostnames[i]))) {
            goto oom;
        }
    }
    for (size_t i = 0; i < o->n_allow; i++)
        if (!cidr_ok(o->allow[i])) {
            snprintf(err, errlen, "--allow: '%.64s' is not an IPv4 address or CIDR block", o->allow[i]);
            goto fail;
        }
    if (!o->n_paths) {
        snprintf(err, errlen, "no archive given");
        goto fail;
    }
    for (size_t i = 0; i < o->n_paths; i++)
        if (reg_add(&s->reg, o->paths[i], err, errlen) != 0)
            goto fail;
    if (sig_trust(s, o->trust, o->n_trust, err, errlen) != 0)
        goto fail;
    if (o->log_path) {
        s->http.log_fd = !strcmp(o->log_path, "-")
                             ? dup(1)
                             : open(o->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (s->http.log_fd < 0) {
            snprintf(err, errlen, "--log: %s: %s", o->log_path, strerror(errno));
            rc = SMZ_E_IO;
            goto fail;
        }
    }
    int cache_mb = o->cache_mb ? o->cache_mb : SMZ_SERVE_CACHE_MB;
    if (cache_mb < 1 || cache_mb > SMZ_SERVE_CACHE_MB_MAX) {
        snprintf(err, errlen, "--cache-mb: between 1 and %d", SMZ_SERVE_CACHE_MB_MAX);
        goto fail;
    }
    if (!(s->cache = smz_cache_new((size_t)cache_mb << 20))) {
        goto oom;
    }
    s->pool.cache = s->cache;
    if (gate_init(&s->gate, gate_places()) != 0) {
        goto oom;
    }
    if (gate_init(&s->search_gate, gate_places() / 2) != 0) {
        gate_destroy(&s->gate);
        goto oom;
    }
    s->gate_ready = 1;
    if (guard_init(&s->guard, (unsigned)s->threads) != 0) {
        goto oom;
    }
    return SMZ_OK;
oom:
    rc = SMZ_E_NOMEM;
    snprintf(err, errlen, "out of memory");
fail:
    return rc;
}

size_t smz_server_load(smz_server *s)
{
    size_t n = 0;
    reg_load(&s->reg);
    for (size_t i = 0; i < s->reg.n; i++)
        n += s->reg.a[i].state == 1;
    return n;
}
