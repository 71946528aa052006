/* The in-memory connection (mg_mem.h) and the CivetWeb calls server/ makes
 * on a connection, implemented over it: mg_get_request_info, mg_get_header,
 * mg_get_var2, mg_write, mg_get_response_code_text and
 * mg_disable_connection_keep_alive.  Each behaves as CivetWeb 1.15's does
 * for what server/ asks of it (tests/unit/test_web.c compares whole answers
 * with those of smz serve, byte for byte); nothing else of CivetWeb is
 * here, and none is needed: the module has no listener, no thread and no
 * socket.  Declarations come from civetweb.h (Debian's, copied into the
 * WebAssembly build's include folder), so that a change of signature there
 * does not go unnoticed. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <civetweb.h>
#include "smz/util.h"
#include "mg_mem.h"

/* The request head's bytes at most (the module's requests come from its
 * own page: a path, a query, a Range). */
#define HEAD_MAX (64u << 10)

struct mg_connection {
    struct mg_request_info ri;
    char *head;        /* the request's strings, laid out as CivetWeb's parse leaves them */
    smz_strbuf answer; /* what mg_write wrote */
    int must_close;    /* mg_disable_connection_keep_alive was called */
};

struct mg_connection *mg_mem_new(void)
{
    struct mg_connection *c = calloc(1, sizeof *c);
    if (c)
        smz_strbuf_init(&c->answer, MG_MEM_MAX_ANSWER);
    return c;
}

void mg_mem_free(struct mg_connection *c)
{
    if (!c)
        return;
    free(c->head);
    smz_strbuf_free(&c->answer);
    free(c);
}

/* N bytes of S with no white space or control character (a token or a
 * request target); N > 0. */
static int visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
            return 0;
    return n > 0;
}

/* A header value: no control character but horizontal tab. */
static int field_ok(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7F)
            return 0;
    return 1;
}

static char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    p[n] = 0;
    return p + n + 1;
}

int mg_mem_request(struct mg_connection *c, const char *method, const char *target, const char *host,
                   const char *range, const char *accept_language)
{
    smz_strbuf_free(&c->answer);
    c->must_close = 0;
    free(c->head);
    c->head = NULL;
    memset(&c->ri, 0, sizeof c->ri);
    if (range && !range[0])
        range = NULL;
    if (range)
        range += strspn(range, " \t"); /* CivetWeb skips the white space before a value */
    if (accept_language && !accept_language[0])
        accept_language = NULL;
    size_t ml = strlen(method), tl = strlen(target), hl = strlen(host), rl = range ? strlen(range) : 0;
    size_t al = accept_language ? strlen(accept_language) : 0;
    if (!visible(method, ml) || !visible(target, tl) || !visible(host, hl) ||
        (range && !field_ok(range)) || (accept_language && !field_ok(accept_language)))
        return -1;
    if (ml + tl + hl + rl + al > HEAD_MAX)
        return -1;
    /* "GET /p?q HTTP/1.1\r\nHost: h\r\nRange: r\r\n\r\n" after CivetWeb's
     * in-place parse: "GET\0/p\0q\0HTTP/1.1\0\0Host\0 h\0\0Range\0 r\0\0\r\0"
     * (http_layout_error reads this layout: each line's CR LF became two
     * NULs, the empty line's LF one). */
    char *p = c->head = malloc(ml + tl + hl + rl + al + 96);
    if (!p)
        return -1;
    c->ri.request_method = p;
    p = put(p, method, ml);
    const char *qm = memchr(target, '?', tl);
    size_t pl = qm ? (size_t)(qm - target) : tl;
    c->ri.request_uri = c->ri.local_uri_raw = c->ri.local_uri = p;
    p = put(p, target, pl);
    if (qm) {
        c->ri.query_string = p;
        p = put(p, qm + 1, tl - pl - 1);
    }
    p = put(p, "HTTP/", 5) - 1; /* the version follows "HTTP/" */
    c->ri.http_version = p;
    p = put(p, "1.1", 3);
    *p++ = 0; /* the LF of CR LF */
    const char *names[3] = {"Host", "Range", "Accept-Language"},
               *values[3] = {host, range, accept_language};
    for (int i = 0; i < 3; i++) {
        if (!values[i])
            continue;
        int k = c->ri.num_headers;
        c->ri.http_headers[k].name = p;
        p = put(p, names[i], strlen(names[i]));
        *p++ = ' ';
        c->ri.http_headers[k].value = p;
        p = put(p, values[i], strlen(values[i]));
        *p++ = 0;
        c->ri.num_headers = k + 1;
    }
    *p++ = '\r';
    *p = 0;
    memcpy(c->ri.remote_addr, "127.0.0.1", sizeof "127.0.0.1");
    c->ri.content_length = -1;
    return 0;
}

const unsigned char *mg_mem_answer(const struct mg_connection *c, size_t *len)
{
    *len = smz_strbuf_len(&c->answer);
    if (smz_strbuf_err(&c->answer))
        return NULL;
    return (const unsigned char *)smz_strbuf_str(&c->answer);
}

/* ---- CivetWeb's calls ---- */

const struct mg_request_info *mg_get_request_info(const struct mg_connection *c)
{
    return c ? &c->ri : NULL;
}

/* The first field named NAME, case-insensitively, as CivetWeb's does. */
const char *mg_get_header(const struct mg_connection *c, const char *name)
{
    for (int i = 0; c && i < c->ri.num_headers; i++)
        if (!strcasecmp(name, c->ri.http_headers[i].name))
            return c->ri.http_headers[i].value;
    return NULL;
}

int mg_write(struct mg_connection *c, const void *buf, size_t len)
{
    if (smz_strbuf_add(&c->answer, buf, len) != SMZ_OK)
        return -1;
    return (int)len;
}

void mg_disable_connection_keep_alive(struct mg_connection *c)
{
    if (c)
        c->must_close = 1;
}

/* CivetWeb's reason phrases, with its spellings ("Requested range not
 * satisfiable", "Unproccessable entity"); other codes take their class's
 * word, as there. */
const char *mg_get_response_code_text(const struct mg_connection *c, int code)
{
    static const struct {
        int code;
        const char *text;
    } known[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {102, "Processing"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {205, "Reset Content"},
        {206, "Partial Content"},
        {207, "Multi-Status"},
        {208, "Already Reported"},
        {226, "IM used"},
        {300, "Multiple Choices"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {305, "Use Proxy"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {402, "Payment Required"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Time-out"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {414, "Request-URI Too Large"},
        {415, "Unsupported Media Type"},
        {416, "Requested range not satisfiable"},
        {417, "Expectation Failed"},
        {418, "I am a teapot"},
        {419, "Authentication Timeout"},
        {420, "Enhance Your Calm"},
        {421, "Misdirected Request"},
        {422, "Unproccessable entity"},
        {423, "Locked"},
        {424, "Failed Dependency"},
        {426, "Upgrade Required"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {440, "Login Timeout"},
        {451, "Unavailable For Legal Reasons"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Time-out"},
        {505, "HTTP Version not supported"},
        {506, "Variant Also Negotiates"},
        {507, "Insufficient Storage"},
        {508, "Loop Detected"},
        {509, "Bandwidth Limit Exceeded"},
        {510, "Not Extended"},
        {511, "Network Authentication Required"},
    };
    (void)c;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].code == code)
            return known[i].text;
    return code >= 100 && code < 200   ? "Information"
           : code >= 200 && code < 300 ? "Success"
           : code >= 300 && code < 400 ? "Redirection"
           : code >= 400 && code < 500 ? "Client Error"
           : code >= 500 && code < 600 ? "Server Error"
                                       : "";
}

static int hexval(int ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : tolower(ch) - 'a' + 10;
}

/* CivetWeb's form decoding: %XX (two hex digits) is a byte, '+' a space,
 * anything else (a '%' without two hex digits after it too) itself.
 * Returns the decoded length, or -1 when DST (DLEN bytes, with the NUL)
 * is too small. */
static int url_decode(const char *src, size_t n, char *dst, size_t dlen)
{
    size_t i, j;
    for (i = j = 0; i < n && j + 1 < dlen; i++, j++) {
        if (src[i] == '%' && i + 2 < n && isxdigit((unsigned char)src[i + 1]) &&
            isxdigit((unsigned char)src[i + 2])) {
            dst[j] = (char)(hexval((unsigned char)src[i + 1]) << 4 | hexval((unsigned char)src[i + 2]));
            i += 2;
        } else {
            dst[j] = src[i] == '+' ? ' ' : src[i];
        }
    }
    dst[j] = 0;
    return i >= n ? (int)j : -1;
}

/* The OCCURRENCE-th (from 0) parameter NAME (matched case-insensitively,
 * as CivetWeb does) of the query DATA, decoded into DST: its length, -1
 * when absent, -2 when DST is too small. */
int mg_get_var2(const char *data, size_t data_len, const char *name, char *dst, size_t dst_len,
                size_t occurrence)
{
    if (!dst || !dst_len)
        return -2;
    dst[0] = 0;
    if (!data || !name || !data_len)
        return -1;
    size_t nl = strlen(name);
    const char *e = data + data_len;
    for (const char *p = data; p + nl < e; p++) {
        if ((p == data || p[-1] == '&') && p[nl] == '=' && !strncasecmp(name, p, nl) &&
            occurrence-- == 0) {
            p += nl + 1;
            const char *s = memchr(p, '&', (size_t)(e - p));
            if (!s)
                s = e;
            int len = url_decode(p, (size_t)(s - p), dst, dst_len);
            return len == -1 ? -2 : len;
        }
    }
    return -1;
}
