/* libFuzzer target: the parts of an HTTP request that `smz serve` parses
 * itself (server/http.c), fed without a socket.  The input is lines:
 *   path (raw, percent-encoded) \n query string \n Host \n Range \n
 *   If-Range \n If-None-Match \n a parameter name \n a MIME type
 * (a missing line is an absent header), and after those, header fields
 * "Name: value" one a line, for the framing check.  Besides "no crash, no leak", the
 * promises checked are those the server's safety rests on:
 *   - a decoded path has no NUL or control character, is valid UTF-8 and
 *     survives re-encoding (smz__url_add_escaped) and decoding unchanged;
 *   - http_query_ok accepts only query strings in which no parameter
 *     decodes to a NUL (CivetWeb's mg_get_var2 is the decoder);
 *   - a Host that passes http_check_host holds only characters safe in a
 *     header (it goes into the Content-Security-Policy);
 *   - the access log's escaping leaves only printable ASCII, no '"';
 *   - HTML escaping leaves no markup characters and valid UTF-8;
 *   - a satisfiable range lies inside the entry;
 *   - http_framing_error passes only header fields that frame the request
 *     beyond doubt: at most one Content-Length, all digits, and no
 *     Transfer-Encoding, whatever the case of the names. */
#include <stdatomic.h>
#include <strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text/escape.h"
#include "../../server/http.h"
#include "text/url.h"
#include "text/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 8

static int only(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return 0;
    return 1;
}

static void check_path(const char *raw)
{
    size_t rl = strlen(raw);
    char *out = malloc(rl + 1), *again = malloc(rl * 3 + 2);
    if (!out || !again)
        goto done;
    int n = http_path_decode(raw, out, rl + 1);
    if (n < 0)
        goto done;
    if ((size_t)n != strlen(out) || (size_t)n > rl || out[0] != '/' || !smz_utf8_valid(out, (size_t)n))
        abort();
    for (int i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F)
            abort();
    smz_strbuf enc;
    smz_strbuf_init(&enc, rl * 3 + 16);
    smz__url_add_escaped(&enc, out, strlen(out), 1);
    const char *e = smz_strbuf_str(&enc);
    if (smz_strbuf_err(&enc) ||
        !only(e, strlen(e), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%"))
        abort();
    smz_strbuf_free(&enc);
    /* What we decode from our own encoding is what we encoded. */
    smz_strbuf_init(&enc, rl * 3 + 16);
    smz__url_add_escaped(&enc, out, strlen(out), 1);
    int m = http_path_decode(smz_strbuf_str(&enc), again, rl * 3 + 2);
    if (m != n || memcmp(again, out, (size_t)n) != 0)
        abort();
    smz_strbuf_free(&enc);
    smz_strbuf h;
    smz_strbuf_init(&h, rl * 8 + 64);
    smz__html_add_clean(&h, out);
    const char *hs = smz_strbuf_str(&h);
    if (strpbrk(hs, "<>\"'") || !smz_utf8_valid(hs, strlen(hs)))
        abort();
    smz_strbuf_free(&h);
done:
    free(out);
    free(again);
}

static void check_log(const char *s)
{
    smz_strbuf b;
    smz_strbuf_init(&b, strlen(s) * 4 + 16);
    http_log_escape(&b, s);
    const char *o = smz_strbuf_str(&b);
    for (const char *p = o; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7F || *p == '"')
            abort();
        if (*p == '\\' && p[1] != 'x')
            abort();
    }
    smz_strbuf_free(&b);
}

static void check_query(const char *query, const char *name)
{
    req q;
    memset(&q, 0, sizeof q);
    q.query = query;
    int ok = http_query_ok(query);
    const char *names[] = {"pattern", "content", "books.name", "term", name ? name : "start"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        for (size_t nth = 0; nth < 3; nth++) {
            char buf[SRV_MAX_PATTERN + 1];
            int n = mg_get_var2(query, strlen(query), names[k], buf, sizeof buf, nth);
            if (n >= 0 && ok && memchr(buf, 0, (size_t)n))
                abort(); /* a parameter decoding to a NUL got through */
            int r = http_param(&q, names[k], nth, buf, sizeof buf);
            if (r == 1 && strlen(buf) >= sizeof buf)
                abort();
            if (r == 0)
                break;
        }
    }
    if (http_param_num(&q, "start", 7, SRV_MAX_START) > SRV_MAX_START ||
        http_param_num(&q, name ? name : "count", 10, 50) > 50)
        abort();
}

/* The header lines in P (after the fixed fields) as CivetWeb would give
 * them: name up to the colon, value after the white space that follows. */
static void check_framing(char *p)
{
    struct mg_header h[MG_MAX_HEADERS];
    memset(h, 0, sizeof h);
    int n = 0;
    while (p && n < MG_MAX_HEADERS) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl++ = 0;
        char *colon = strchr(p, ':');
        if (colon) {
            *colon = 0;
            char *v = colon + 1;
            v += strspn(v, " \t");
            h[n].name = p;
            h[n].value = v;
            n++;
        }
        p = nl;
    }
    const char *bad = http_framing_error(h, n);
    int lengths = 0;
    for (int i = 0; i < n; i++) {
        if (!strcasecmp(h[i].name, "Transfer-Encoding") && !bad)
            abort();
        if (strcasecmp(h[i].name, "Content-Length"))
            continue;
        lengths++;
        const char *v = h[i].value;
        size_t d = strspn(v, "0123456789");
        if (!bad && (!d || v[d + strspn(v + d, " \t")]))
            abort();
    }
    if (lengths > 1 && !bad)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1), *f[NFIELDS] = {0};
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *p = copy;
    for (int i = 0; i < NFIELDS && p; i++) {
        f[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = 0;
    }
    check_framing(p);
    const char *path = f[0], *query = f[1] ? f[1] : "", *host = f[2], *range = f[3], *if_range = f[4],
               *inm = f[5], *name = f[6], *mime = f[7];

    check_path(path);
    check_log(path);
    check_log(query);
    check_query(query, name);

    if (host) {
        static http_site s;
        static char *names[] = {"books.example", "LOCALHOST.lan"};
        memset(&s, 0, sizeof s);
        snprintf(s.address, sizeof s.address, "%s", size & 1 ? "127.0.0.1" : "::1");
        s.listen_any = (size & 2) != 0;
        s.hostnames = names;
        s.n_hostnames = 2;
        if (http_check_host(&s, host) &&
            (strlen(host) > 255 ||
             !only(host, strlen(host),
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")))
            abort();
    }

    uint64_t esize = 0;
    for (size_t i = 0; i < 8 && i < size; i++)
        esize = esize << 8 | data[size - 1 - i];
    esize >>= (data[0] & 63);
    uint64_t off = 0, len = 0;
    int rg = http_range_parse(range, if_range, esize, inm, &off, &len);
    if (rg == 1 && (len == 0 || off >= esize || len > esize - off))
        abort();
    if (inm)
        http_etag_in(inm, "\"44e8aede-0a14-85e1-81a0-e7f25ab7b9de\"");

    if (mime && http_mime_ok(mime)) {
        for (const char *m = mime; *m; m++)
            if ((unsigned char)*m < 0x20 || (unsigned char)*m > 0x7E)
                abort();
    }
    free(copy);
    return 0;
}
