/* smz serve: CivetWeb's listener and threads around the server, the top of
 * server/.
 *
 * CivetWeb runs in handler-only mode: one request handler catches every
 * URI, and no document root, CGI, SSI, Lua, upload or form handling is ever
 * configured or called, so the CivetWeb code paths with known CVEs stay
 * unreachable.  The state and the answer to a request are dispatch.c's:
 * smz_server_start() is smz_server_open() and then CivetWeb, the
 * background signature check and the guard's thread.  Each worker thread
 * gets a `worker` from init_thread (a lease on the reader pool, sharing one
 * cluster cache) and gives it back in exit_thread.
 *
 * server/ stacks one way; each layer has its own header and includes only
 * its own layer and those below (tests/cli/layers.sh checks it):
 *   8 server.c dispatch.c            start and stop; state and routing
 *   7 content query opds assets      the handlers
 *   6 pages                          our HTML, error pages
 *   5 site sigcheck                  the shared state (site.h); signatures
 *   4 http                           requests and responses; never calls up
 *   3 pool                           the reader pool (returns its errors)
 *   2 library                        the registry of archives
 *   1 limits json gate guard         caps, JSON, the gate, the guard
 * A lower layer that must reach up takes a function pointer from above
 * (registry.loaded_one, req.done_reading, smz_server.stop_listening). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "guard.h"
#include "server.h"
#include "sigcheck.h"
#include "site.h"

static void warnf(srv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(srv *s, const char *fmt, ...)
{
    char m[1024];
    va_list ap;
    if (!s->reg.warn)
        return;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    s->reg.warn(s->reg.ctx, m);
}

/* ---- per-thread state ---- */

static void *init_thread(const struct mg_context *ctx, int type)
{
    if (type != 1) /* only request workers need state */
        return NULL;
    return smz_server_worker_new(mg_get_user_data(ctx));
}

static void exit_thread(const struct mg_context *ctx, int type, void *p)
{
    (void)ctx;
    (void)type;
    smz_server_worker_free(p);
}

static int handle(struct mg_connection *c, void *cbdata)
{
    return smz_server_answer(cbdata, mg_get_thread_pointer(c), c);
}

static int log_message(const struct mg_connection *c, const char *message)
{
    struct mg_context *ctx = c ? mg_get_context(c) : NULL;
    srv *s = ctx ? mg_get_user_data(ctx) : NULL;
    /* Until mg_start returns (s->ctx unset), CivetWeb's lines are about
     * start-up ("cannot bind to ...: 98 (Address already in use)", "Failed
     * to setup server ports"): smz_server_start says it in one line. */
    if (s && s->ctx)
        warnf(s, "%s", message);
    return 1;
}

/* Why CivetWeb could not listen on ADDRESS:PORT, found by trying to bind
 * there ourselves: one line for a person, into ERR. */
static void why_no_listen(const char *address, int port, int v6, const char *shown, int lang, char *err,
                          size_t errlen)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    int e = 0, fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)port);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)port);
    int ok = v6 ? inet_pton(AF_INET6, address, &a6.sin6_addr)
                : inet_pton(AF_INET, address, &a4.sin_addr);
    if (fd >= 0 && ok == 1) {
        int one = 1; /* as CivetWeb: a port in TIME_WAIT is free */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (v6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6)
               : bind(fd, (struct sockaddr *)&a4, sizeof a4))
            e = errno;
    }
    if (fd >= 0)
        close(fd);
    if (e == EADDRINUSE)
        snprintf(err, errlen, smz_tr(lang, "%s is already in use; choose another with --port"), shown);
    else if (e == EADDRNOTAVAIL)
        snprintf(err, errlen, smz_tr(lang, "%s: %s is not an address of this machine; see --address"),
                 shown, address);
    else if (e == EACCES)
        snprintf(err, errlen,
                 smz_tr(lang, "%s: ports under 1024 need privileges; choose another with --port"),
                 shown);
    else
        snprintf(err, errlen, smz_tr(lang, "cannot listen on %s%s%s"), shown, e ? ": " : "",
                 e ? strerror(e) : "");
}

/* ---- start and stop ---- */

static int add_opt(srv *s, size_t *n, const char *name, const char *value)
{
    if (!(s->options[(*n)++] = strdup(name)) || !(s->options[(*n)++] = strdup(value)))
        return -1;
    return 0;
}

/* Called by smz_server_free (after the signature check stopped): waits for
 * the requests in progress. */
static void stop_listening(srv *s)
{
    mg_stop(s->ctx);
    mg_exit_library();
    s->ctx = NULL;
    s->stop_listening = NULL;
}

smz_err smz_server_start(smz_server *s, const smz_serve_opts *o)
{
    char *err = s->errmsg;
    size_t errlen = sizeof s->errmsg;
    smz_err rc = smz_server_open(s, o);
    if (rc != SMZ_OK)
        return rc;
    rc = SMZ_E_INVALID;
    if (s->v6 && !mg_check_feature(8)) {
        snprintf(err, errlen, "%s", smz_tr(s->reg.lang, "--address: this CivetWeb has no IPv6"));
        goto fail;
    }

    /* CivetWeb options: only listening, threads and timeouts.  No
     * document_root: CivetWeb serves no file and runs no script. */
    char listen[96], nthreads[16], acl[8192];
    snprintf(listen, sizeof listen, s->v6 ? "[%s]:%d" : "%s:%d", s->http.address, o->port);
    snprintf(nthreads, sizeof nthreads, "%d", s->threads);
    if (!(s->options = calloc(32, sizeof *s->options)))
        goto oom;
    size_t n = 0;
    if (add_opt(s, &n, "listening_ports", listen) || add_opt(s, &n, "num_threads", nthreads) ||
        add_opt(s, &n, "enable_keep_alive", "yes") || add_opt(s, &n, "keep_alive_timeout_ms", "2000") ||
        /* Headers and body go out in separate writes: without this, Nagle's
         * algorithm meets the client's delayed ACK and each answer waits 40 ms. */
        add_opt(s, &n, "tcp_nodelay", "1") || add_opt(s, &n, "request_timeout_ms", "10000") ||
        add_opt(s, &n, "enable_directory_listing", "no") ||
        /* Room for the request head: a browser sends every cookie its
         * profile holds for this host (whichever program on it set them:
         * we set none and ignore them), and CivetWeb answers 400 to a head
         * over this, which would lock that browser out.  Each worker's
         * buffer is one mmap (over the 128 KiB mmap threshold cmd_serve
         * sets): a page of it costs memory only once a request filled it.
         * http_layout_error relies on its size (SRV_LAYOUT_SAFE). */
        add_opt(s, &n, "max_request_size", SRV_MAX_REQUEST) ||
        /* Paths come undecoded: http_path_decode refuses what CivetWeb's
         * decoder would cut short at a %00. */
        add_opt(s, &n, "decode_url", "no") ||
        /* CivetWeb answers CORS preflights itself ("*" by default): no
         * other site may script this server. */
        add_opt(s, &n, "access_control_allow_origin", "") ||
        add_opt(s, &n, "access_control_allow_methods", "") ||
        add_opt(s, &n, "access_control_allow_headers", ""))
        goto oom;
    if (o->n_allow) {
        size_t al = (size_t)snprintf(acl, sizeof acl, "-0.0.0.0/0");
        for (size_t i = 0; i < o->n_allow; i++) {
            int k = snprintf(acl + al, sizeof acl - al, ",+%s", o->allow[i]);
            if (k < 0 || (size_t)k >= sizeof acl - al) {
                snprintf(err, errlen, "%s", smz_tr(s->reg.lang, "--allow: too many blocks"));
                goto fail;
            }
            al += (size_t)k;
        }
        if (add_opt(s, &n, "access_control_list", acl))
            goto oom;
    }
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.init_thread = init_thread;
    cb.exit_thread = exit_thread;
    cb.log_message = log_message;
    /* Before the first request: the library then says "checking" until
     * sig_start's thread has checked an archive's content. */
    s->reg.checks_content = 1;
    mg_init_library(0);
    s->ctx = mg_start(&cb, s, (const char **)s->options);
    if (!s->ctx) {
        mg_exit_library();
        why_no_listen(s->http.address, o->port, s->v6, listen, s->reg.lang, err, errlen);
        rc = SMZ_E_IO;
        goto fail;
    }
    s->stop_listening = stop_listening;
    mg_set_request_handler(s->ctx, "/", handle, s);
    if (sig_start(s, err, errlen) != 0)
        goto fail;
    struct mg_server_port ports[4];
    int np = mg_get_server_ports(s->ctx, 4, ports);
    int port = np > 0 ? ports[0].port : o->port;
    if (guard_run(&s->guard, port) != 0) {
        snprintf(err, errlen, "%s", smz_tr(s->reg.lang, "cannot start a thread"));
        rc = SMZ_E_INTERNAL;
        goto fail;
    }
    snprintf(s->url, sizeof s->url, s->v6 ? "http://[%s]:%d%s/" : "http://%s:%d%s/",
             s->http.listen_any ? (s->v6 ? "::1" : "127.0.0.1") : s->http.address, port, s->http.root);
    return SMZ_OK;
oom:
    rc = SMZ_E_NOMEM;
    snprintf(err, errlen, "%s", smz_tr(s->reg.lang, "out of memory"));
fail:
    return rc;
}
