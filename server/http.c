/* HTTP mechanics shared by every handler: response headers (the security
 * headers every answer carries, the Content-Security-Policy that fences
 * archived pages in), conditional requests, single byte ranges, query
 * parameters, the Host check against DNS rebinding, and the access log.
 *
 * Archived pages run their own scripts, but never on our origin: every
 * answer an archive controls carries a CSP sandbox without
 * allow-same-origin (content_csp), so each such page has an opaque origin
 * of its own and reaches neither the library, nor another archive, nor
 * storage or cookies; its fetch directives keep every load on this server.
 * Our own pages refuse to be framed and are in their own browsing context
 * group (COOP); no cookies are set and those sent are ignored; only our
 * pages and JSON are CORP same-origin (a sandboxed page's loads are
 * cross-origin to the browser). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "http.h"
#include "smz/i18n.h"
#include "text/utf8.h"

void resp_init(resp *r, int status, const char *type)
{
    memset(r, 0, sizeof *r);
    r->status = status;
    r->type = type;
    r->csp = CSP_PAGE;
    r->length = -1;
}

/* Our own pages: scripts and styles only from /skin/, so that not even an
 * archive's script file could run on the library's origin. */
static void page_csp(smz_strbuf *b, const req *q)
{
    if (q->host[0])
        smz_strbuf_addf(
            b, "default-src 'none'; script-src http://%s%s/skin/; style-src http://%s%s/skin/; ",
            q->host, q->site->root, q->host, q->site->root);
    else
        smz_strbuf_adds(b, "default-src 'none'; ");
    smz_strbuf_adds(b, "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                       "frame-ancestors 'none'");
}

/* The policy of anything an archive serves.  `sandbox` without
 * allow-same-origin gives an archived page an opaque origin of its own, new
 * for every page: it shares nothing with the library or another archive (no
 * DOM across windows, no storage, no cookies, images taint a canvas, fetch
 * and XHR to this server are cross-origin and get no CORS), and a popup it
 * opens inherits the sandbox.  No allow-same-origin,
 * allow-top-navigation or allow-popups-to-escape-sandbox: those would undo
 * it.  With --scripts off the sandbox has no allow-scripts and script-src
 * is 'none'.  The fetch directives load everything from the page's own
 * archive (plus our bar's script and style): nothing a script reads can be
 * sent elsewhere by a load, and nothing of another archive is loaded, not
 * even to learn from its load event whether it exists; fonts and module
 * scripts, which the browser asks for with CORS (content.c grants it),
 * would hand over their content. */
static void content_csp(smz_strbuf *b, const req *q, const archive *a)
{
    smz_strbuf own;
    smz_strbuf_init(&own, 4096);
    if (q->host[0] && a) {
        smz_strbuf_addf(&own, "http://%s%s/content/%s/ http://%s%s/raw/%s/", q->host, q->site->root,
                        a->name, q->host, q->site->root, a->name);
    } else {
        smz_strbuf_adds(&own, "'none'");
    }
    const char *o = smz_strbuf_str(&own);
    if (q->site->scripts)
        smz_strbuf_adds(b,
                        "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads; ");
    else
        smz_strbuf_adds(b, "sandbox allow-forms allow-popups allow-downloads; ");
    smz_strbuf_addf(b, "default-src %s data: blob:; ", o);
    if (!q->site->scripts)
        smz_strbuf_adds(b, "script-src 'none'; ");
    else if (q->host[0] && a)
        smz_strbuf_addf(b, "script-src %s http://%s%s/skin/ 'unsafe-inline' 'unsafe-eval' data: blob:; ",
                        o, q->host, q->site->root);
    else
        smz_strbuf_adds(b, "script-src 'none'; ");
    if (q->host[0] && a)
        smz_strbuf_addf(b, "style-src %s http://%s%s/skin/ 'unsafe-inline' data: blob:; ", o, q->host,
                        q->site->root);
    else
        smz_strbuf_adds(b, "style-src 'unsafe-inline' data: blob:; ");
    smz_strbuf_addf(b, "img-src %s data: blob:; media-src %s data: blob:; ", o, o);
    smz_strbuf_addf(b, "font-src %s data: blob:; ", o);
    if (q->site->scripts && q->host[0] && a)
        smz_strbuf_addf(b, "connect-src http://%s%s/suggest; ", q->host, q->site->root);
    else
        smz_strbuf_adds(b, "connect-src 'none'; ");
    smz_strbuf_addf(b, "frame-src %s; worker-src %s blob:; manifest-src 'none'; object-src 'none'; ", o,
                    o);
    smz_strbuf_adds(b, "form-action 'self'; base-uri 'self'");
    smz_strbuf_free(&own);
}

static void add(smz_strbuf *b, const char *name, const char *value)
{
    smz_strbuf_adds(b, name);
    smz_strbuf_add(b, ": ", 2);
    smz_strbuf_adds(b, value);
    smz_strbuf_add(b, "\r\n", 2);
}

void http_ungate(req *q)
{
    if (q->gated) {
        gate_leave(q->gate);
        q->gated = 0;
    }
}

/* Whether the connection stays open after this answer: CivetWeb's own rule
 * (keep-alive is enabled in our options): a Connection header decides when
 * there is one, else HTTP/1.1 keeps and older versions close. */
static int keep_alive(req *q)
{
    if (q->close)
        return 0;
    const char *h = mg_get_header(q->c, "Connection");
    if (h) {
        while (*h) {
            h += strspn(h, " \t,");
            size_t n = strcspn(h, ",");
            size_t m = n;
            while (m && (h[m - 1] == ' ' || h[m - 1] == '\t'))
                m--;
            if (m == 10 && !strncasecmp(h, "keep-alive", 10))
                return 1;
            h += n;
        }
        return 0;
    }
    return q->ri->http_version && !strcmp(q->ri->http_version, "1.1");
}

/* The status line and header fields of R, with the security headers every
 * answer carries, into B.  CivetWeb's mg_response_header_* API sends each
 * field with its own send(2): with TCP_NODELAY, a dozen segments an answer,
 * which cost more than the rest of a cached page's request; we send the
 * header block once, with the body when it is small (http_send). */
static void head_block(smz_strbuf *b, req *q, const resp *r)
{
    char num[32], date[64];
    struct tm tm;
    time_t now = time(NULL);
    const char *v = q->ri->http_version;
    int ka = keep_alive(q);
    if (!ka)
        mg_disable_connection_keep_alive(q->c);
    smz_strbuf_addf(b, "HTTP/%s %d %s\r\n", v && !strcmp(v, "1.0") ? "1.0" : "1.1", r->status,
                    mg_get_response_code_text(q->c, r->status));
    if (r->type)
        add(b, "Content-Type", r->type);
    if (r->length >= 0) {
        snprintf(num, sizeof num, "%lld", r->length);
        add(b, "Content-Length", num);
    }
    add(b, "X-Content-Type-Options", "nosniff");
    add(b, "Referrer-Policy", "no-referrer");
    /* An archived page's origin is opaque: to the browser, its loads of
     * the archive's images, styles and scripts and of our bar's are
     * cross-origin, and CORP same-origin would block them.  Everything
     * else (the library, JSON, downloads) stays same-origin. */
    add(b, "Cross-Origin-Resource-Policy", r->csp == CSP_PAGE ? "same-origin" : "cross-origin");
    smz_strbuf csp;
    smz_strbuf_init(&csp, 8192);
    smz_strbuf_reserve(&csp, 1024);
    if (r->csp == CSP_CONTENT)
        content_csp(&csp, q, r->a);
    else
        page_csp(&csp, q);
    add(b, "Content-Security-Policy",
        smz_strbuf_err(&csp) ? "sandbox; default-src 'none'" : smz_strbuf_str(&csp));
    smz_strbuf_free(&csp);
    if (r->csp != CSP_CONTENT) {
        add(b, "Cross-Origin-Opener-Policy", "same-origin");
        add(b, "X-Frame-Options", "DENY");
    }
    if (r->etag)
        add(b, "ETag", r->etag);
    add(b, "Cache-Control", r->cache ? r->cache : "no-cache");
    if (r->location)
        add(b, "Location", r->location);
    if (r->disposition)
        add(b, "Content-Disposition", r->disposition);
    if (r->content_range)
        add(b, "Content-Range", r->content_range);
    if (r->allow)
        add(b, "Allow", r->allow);
    if (r->cors_null)
        add(b, "Access-Control-Allow-Origin", "null");
    /* Our pages (and the bar in an archived one) are in the language the
     * request asked for (dispatch.c): a cache keeps one per language. */
    if (r->csp == CSP_PAGE)
        add(b, "Vary", "Accept-Language");
    if (r->csp == CSP_CONTENT) {
        /* cors_subresource; the bar's language */
        add(b, "Vary", "Origin, Sec-Fetch-Mode, Sec-Fetch-Dest, Accept-Language");
        add(b, "X-DNS-Prefetch-Control", "off"); /* a host name looked up says something too */
    }
    if (r->ranges)
        add(b, "Accept-Ranges", "bytes");
    if (gmtime_r(&now, &tm) && strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        add(b, "Date", date);
    add(b, "Connection", ka ? "keep-alive" : "close");
    smz_strbuf_add(b, "\r\n", 2);
}

/* Tells the guard this request waits for its client (a write that does not
 * move for long may be cut short to make room: guard.c). */
static void sending(req *q)
{
    guard_mark(q->guard, q->slot, GUARD_SENDING, NULL);
}

/* Sends B, a header block followed by BODY bytes of body (left out for
 * HEAD).  From here on the request waits for its client, not for the CPU:
 * when COMPLETE, its reader handles go back before its place at the gate
 * does, so that the request taking that place finds one idle. */
static int send_block(req *q, const resp *r, smz_strbuf *b, size_t body, int complete)
{
    if (complete && q->done_reading)
        q->done_reading(q);
    http_ungate(q);
    q->status = r->status;
    int rc = -1;
    sending(q);
    if (!smz_strbuf_err(b) &&
        mg_write(q->c, smz_strbuf_str(b), smz_strbuf_len(b) - (q->head ? body : 0)) > 0) {
        sending(q);
        rc = 0;
        if (!q->head)
            q->sent += body;
    } else {
        mg_disable_connection_keep_alive(q->c);
    }
    smz_strbuf_free(b);
    return rc;
}

/* Sends R's header block, and the body in PARTS when COMPLETE (in the same
 * write when it is small). */
static int head_and_body(req *q, const resp *r, const srv_part *parts, size_t nparts, int complete)
{
    size_t n = 0;
    for (size_t i = 0; i < nparts; i++)
        n += parts[i].n;
    int with_body = n && !q->head && n <= SRV_ONE_WRITE;
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_ONE_WRITE + (64u << 10));
    smz_strbuf_reserve(&b, SRV_HEAD_GUESS + (with_body ? n : 0));
    head_block(&b, q, r);
    for (size_t i = 0; with_body && i < nparts; i++)
        smz_strbuf_add(&b, parts[i].p, parts[i].n);
    int rc = send_block(q, r, &b, with_body ? n : 0, complete);
    for (size_t i = 0; rc == 0 && !with_body && i < nparts; i++)
        rc = http_write(q, parts[i].p, parts[i].n);
    return rc;
}

int http_head(req *q, const resp *r)
{
    return head_and_body(q, r, NULL, 0, 0);
}

int http_write(req *q, const void *p, size_t n)
{
    if (q->head || !n)
        return 0;
    sending(q);
    if (mg_write(q->c, p, n) <= 0)
        return -1;
    sending(q);
    q->sent += n;
    return 0;
}

int http_send(req *q, resp *r, const void *body, size_t n)
{
    srv_part one = {body, body ? n : 0};
    return http_send_parts(q, r, &one, 1);
}

int http_send_parts(req *q, resp *r, const srv_part *parts, size_t nparts)
{
    long long n = 0;
    for (size_t i = 0; i < nparts; i++)
        n += (long long)parts[i].n;
    r->length = n;
    return head_and_body(q, r, parts, nparts, 1);
}

int http_send_read(req *q, resp *r, uint64_t off, size_t n, srv_read_fn read, void *ctx)
{
    smz_strbuf b;
    char *dst;
    smz_strbuf_init(&b, SRV_ONE_WRITE + (64u << 10));
    r->length = (long long)n;
    smz_strbuf_reserve(&b, SRV_HEAD_GUESS + n);
    head_block(&b, q, r);
    if (smz_strbuf_err(&b) || n > SRV_ONE_WRITE || !(dst = smz_strbuf_room(&b, n)) ||
        (n && read(ctx, off, dst, n) != 0)) {
        smz_strbuf_free(&b);
        return -2;
    }
    return send_block(q, r, &b, n, 1);
}

int http_redirect(req *q, int status, const char *location, const char *cache)
{
    resp r;
    resp_init(&r, status, NULL);
    r.location = location;
    r.cache = cache;
    return http_send(q, &r, NULL, 0);
}

int http_param(req *q, const char *name, size_t nth, char *buf, size_t len)
{
    int n = mg_get_var2(q->query, strlen(q->query), name, buf, len, nth);
    if (n == -2)
        return -1;
    if (n < 0) {
        buf[0] = 0;
        return 0;
    }
    return 1;
}

unsigned long http_param_num(req *q, const char *name, unsigned long def, unsigned long max)
{
    char v[32];
    if (http_param(q, name, 0, v, sizeof v) != 1 || !v[0] || strspn(v, "0123456789") != strlen(v))
        return def;
    errno = 0;
    unsigned long n = strtoul(v, NULL, 10);
    if (errno || n > max)
        return max;
    return n;
}

int http_etag_in(const char *list, const char *etag)
{
    size_t el = strlen(etag);
    const char *p = list;
    while (*p) {
        p += strspn(p, " \t,");
        if (!*p)
            break;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        size_t n = strcspn(p, ",");
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == el && !memcmp(p, etag, el))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

int http_not_modified(req *q, const char *etag)
{
    const char *inm = mg_get_header(q->c, "If-None-Match");
    return etag && inm && http_etag_in(inm, etag);
}

int http_sent_304(req *q, resp *r)
{
    if (!http_not_modified(q, r->etag))
        return 0;
    r->status = 304;
    r->type = NULL;
    http_head(q, r);
    return 1;
}

static int parse_u64(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (!n || n > 20)
        return n > 20 ? 1 : -1; /* 1: too large for any representation */
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int http_range(req *q, uint64_t size, const char *etag, uint64_t *off, uint64_t *len)
{
    return http_range_parse(mg_get_header(q->c, "Range"), mg_get_header(q->c, "If-Range"), size, etag,
                            off, len);
}

int http_range_parse(const char *h, const char *ir, uint64_t size, const char *etag, uint64_t *off,
                     uint64_t *len)
{
    if (!h)
        return 0;
    if (ir && (!etag || strcmp(ir, etag)))
        return 0; /* a validator we cannot match: the whole representation */
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "bytes=", 6))
        return 0;
    h += 6;
    h += strspn(h, " ");
    size_t specl = strcspn(h, ",");
    if (h[specl])
        return 0; /* several ranges: we may answer with the whole, and do */
    while (specl && h[specl - 1] == ' ')
        specl--;
    const char *dash = memchr(h, '-', specl);
    if (!dash)
        return 0;
    size_t al = (size_t)(dash - h), bl = specl - al - 1;
    uint64_t a = 0, b = 0;
    if (al == 0) { /* suffix: the last B bytes */
        int rc = parse_u64(dash + 1, bl, &b);
        if (rc < 0)
            return 0;
        if (rc > 0)
            b = size;
        if (b == 0 || size == 0)
            return -1;
        if (b > size)
            b = size;
        *off = size - b;
        *len = b;
        return 1;
    }
    int ra = parse_u64(h, al, &a);
    if (ra < 0)
        return 0;
    if (ra > 0 || a >= size)
        return -1;
    if (bl == 0) {
        b = size - 1;
    } else {
        int rb = parse_u64(dash + 1, bl, &b);
        if (rb < 0)
            return 0;
        if (rb > 0 || b >= size)
            b = size - 1;
        if (b < a)
            return 0;
    }
    *off = a;
    *len = b - a + 1;
    return 1;
}

static int ieq(const char *a, size_t an, const char *b)
{
    return strlen(b) == an && !strncasecmp(a, b, an);
}

/* Accepts a Host naming this machine by an address (a loopback address, the
 * listening address, or any address when listening on all of them), the
 * name localhost, or a name given with --hostname.  Any other name may be a
 * DNS-rebinding attack: a page on the web whose name now points at us. */
int http_check_host(const http_site *s, const char *host)
{
    char name[256];
    size_t n = strlen(host);
    if (!n)
        return 1;
    if (n >= sizeof name)
        return 0;
    if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") != n)
        return 0;
    size_t nl;
    int v6 = host[0] == '[';
    if (v6) {
        const char *end = strchr(host, ']');
        if (!end)
            return 0;
        nl = (size_t)(end - host - 1);
        memcpy(name, host + 1, nl);
        if (end[1] && (end[1] != ':' || strspn(end + 2, "0123456789") != strlen(end + 2)))
            return 0;
    } else {
        const char *colon = strchr(host, ':');
        if (colon && (strchr(colon + 1, ':') || strspn(colon + 1, "0123456789") != strlen(colon + 1)))
            return 0;
        nl = colon ? (size_t)(colon - host) : n;
        memcpy(name, host, nl);
    }
    name[nl] = 0;
    if (!nl)
        return 0;
    if (!v6 &&
        (ieq(name, nl, "localhost") || (nl > 10 && !strncasecmp(name + nl - 10, ".localhost", 10))))
        return 1;
    unsigned char addr[16], lis[16];
    int fam = v6 ? AF_INET6 : AF_INET;
    if (inet_pton(fam, name, addr) == 1) {
        if (s->listen_any)
            return 1;
        if (!v6 && addr[0] == 127)
            return 1;
        if (v6 && !memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16))
            return 1;
        return inet_pton(fam, s->address, lis) == 1 && !memcmp(addr, lis, v6 ? 16 : 4);
    }
    if (v6)
        return 0;
    for (size_t i = 0; i < s->n_hostnames; i++)
        if (ieq(name, nl, s->hostnames[i]))
            return 1;
    return 0;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* CivetWeb is told not to decode paths (decode_url=no): its decoder ends
 * the string at a %00, so /content/A/page.html%00.png would be served as
 * page.html.  Here every escape must be well-formed, and the result must
 * be UTF-8 (no overlong forms such as %C0%AE for '.') without NUL or other
 * control characters: what names an entry, nothing else. */
int http_path_decode(const char *raw, char *out, size_t outlen)
{
    size_t n = 0;
    if (!raw || raw[0] != '/' || !outlen)
        return -1;
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        unsigned c = *p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0)
                return -1;
            c = (unsigned)(hi << 4 | lo);
            p += 2;
        }
        if (c < 0x20 || c == 0x7F || n + 1 >= outlen)
            return -1;
        out[n++] = (char)c;
    }
    out[n] = 0;
    return smz_utf8_valid(out, n) ? (int)n : -1;
}

int http_query_ok(const char *query)
{
    for (const char *p = query; (p = strchr(p, '%')); p++)
        if (p[1] == '0' && p[2] == '0')
            return 0;
    return 1;
}

const char *http_framing_error(const struct mg_header *h, int n)
{
    int lengths = 0;
    for (int i = 0; i < n; i++) {
        const char *name = h[i].name ? h[i].name : "", *v = h[i].value ? h[i].value : "";
        if (!strcasecmp(name, "Transfer-Encoding"))
            return "a request to this server has no body (Transfer-Encoding)";
        if (strcasecmp(name, "Content-Length"))
            continue;
        if (++lengths > 1)
            return "more than one Content-Length";
        /* CivetWeb trims the white space before the value; trailing white
         * space is allowed (OWS), nothing else. */
        size_t d = strspn(v, "0123456789");
        if (!d || d > 18 || v[d + strspn(v + d, " \t")])
            return "the Content-Length is not a number";
    }
    return NULL;
}

/* Reads CivetWeb 1.15's buffer after its in-place parse: each header line
 * became NAME\0 (a space before the colon and the colon itself each
 * turned into a NUL), the white space after the colon is skipped, and the
 * line end CR LF (or LF) became NULs.  What follows the last value's line
 * end must then be the empty line ending the block (its last LF, the
 * block's last byte, is a NUL too): the byte after a bare LF, the byte after
 * next after a CR LF.  Which of the two ended the last line shows only in
 * the line before it (how far its end is from the next name); the byte
 * after next is only read well inside CivetWeb's 16 KiB buffer.  When in
 * doubt *DOUBT is set: close the connection after answering, so that
 * nothing unseen is ever read as a request. */
const char *http_layout_error(const struct mg_request_info *ri, int *doubt)
{
    int n = ri->num_headers;
    for (int i = 0; i < n; i++) {
        const char *name = ri->http_headers[i].name, *v = ri->http_headers[i].value;
        if (!name || !v)
            continue;
        const char *end = name + strlen(name);
        /* A second NUL before the value is a space that stood before the colon
         * (an empty value starts at the first NUL after the colon). */
        if (end + 1 < v && !end[1])
            return SMZ_N_("white space between a header name and its colon");
    }
    const char *last = n > 0 ? ri->http_headers[n - 1].value : NULL;
    if (!last || !ri->request_method)
        return NULL;
    const char *p = last + strlen(last) + 1; /* past the NUL that was CR or LF */
    if (*p)                                  /* a bare LF, then this */
        return *p == '\r' || *p == '\n' ? NULL : SMZ_N_("a folded header line (obs-fold)");
    /* The line before the last one: the request line or a header. */
    const char *prev = n > 1 ? ri->http_headers[n - 2].value : ri->http_version;
    const char *name = ri->http_headers[n - 1].name;
    ptrdiff_t gap = prev && name ? name - (prev + strlen(prev)) : 0;
    if (gap == 1) /* bare LF: P is the block's last byte */
        return NULL;
    if (gap != 2 || p + 1 - ri->request_method >= SRV_LAYOUT_SAFE) {
        *doubt = 1;
        return NULL;
    }
    p++;     /* the byte after the CR LF */
    if (!*p) /* a bare LF ending the block, or a NUL byte: cannot tell */
        *doubt = 1;
    else if (*p != '\r' && *p != '\n')
        return SMZ_N_("a folded header line (obs-fold)");
    return NULL;
}

int http_mime_ok(const char *m)
{
    size_t n = m ? strlen(m) : 0;
    if (!n || n > 200 || m[0] == ' ' || !strchr(m, '/'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)m[i] < 0x20 || (unsigned char)m[i] > 0x7E)
            return 0;
    return 1;
}

void http_log_escape(smz_strbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p > 0x20 && *p < 0x7F && *p != '"' && *p != '\\')
            smz_strbuf_add(b, p, 1);
        else
            smz_strbuf_addf(b, "\\x%02X", *p);
    }
}

/* One line in Common Log Format, written with one write() so that lines
 * from several threads never interleave (O_APPEND). */
void http_log(req *q)
{
    static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (q->site->log_fd < 0)
        return;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    smz_strbuf b;
    smz_strbuf_init(&b, 16384);
    const struct mg_request_info *ri = q->ri;
    smz_strbuf_addf(&b, "%s - - [%02d/%s/%04d:%02d:%02d:%02d %c%02ld%02ld] \"", ri->remote_addr,
                    tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    sign, off / 60, off % 60);
    http_log_escape(&b, ri->request_method ? ri->request_method : "-");
    smz_strbuf_adds(&b, " ");
    /* The path as it came (CivetWeb does not decode it: decode_url=no). */
    http_log_escape(&b, ri->request_uri ? ri->request_uri : "-");
    if (ri->query_string) {
        smz_strbuf_adds(&b, "?");
        http_log_escape(&b, ri->query_string);
    }
    smz_strbuf_adds(&b, " HTTP/");
    http_log_escape(&b, ri->http_version ? ri->http_version : "1.0");
    if (q->sent)
        smz_strbuf_addf(&b, "\" %d %llu\n", q->status, (unsigned long long)q->sent);
    else
        smz_strbuf_addf(&b, "\" %d -\n", q->status);
    if (!smz_strbuf_err(&b)) {
        ssize_t w = write(q->site->log_fd, smz_strbuf_str(&b), smz_strbuf_len(&b));
        (void)w; /* a full disk must not stop the server */
    }
    smz_strbuf_free(&b);
}
