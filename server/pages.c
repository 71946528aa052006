/* The HTML the server writes itself: the top bar (in our pages and injected
 * into archived ones), the library, error pages.  Every string from an
 * archive or a request goes through smz__html_add_clean; the bar injected into archived
 * pages is pure ASCII (smz__html_add_ascii) because those pages may use any
 * charset.  Our pages work without JavaScript; smz.js only adds
 * autocomplete. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include "text/escape.h"
#include "pages.h"
#include "pool.h"
#include "sigcheck.h"
#include "text/lang.h"

static const char icon_home[] =
    "<svg class=\"smz-i\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\">"
    "<path d=\"M3 11.5 12 4l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z\"/></svg>";
static const char icon_search[] =
    "<svg class=\"smz-i\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\">"
    "<path d=\"M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.75 4.74-1.42 1.42-4.74-4.75A7.5 7.5 0 1 1 10.5 3zm0 "
    "2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11z\"/></svg>";
static const char icon_random[] =
    "<svg class=\"smz-i\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\">"
    "<path d=\"M6 3h12a3 3 0 0 1 3 3v12a3 3 0 0 1-3 3H6a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3zm0 2a1 1 0 0 "
    "0-1 1v12a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V6a1 1 0 0 0-1-1zm2 1.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 "
    "0-3zm8 8a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm-4-4a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z\"/></svg>";

static const char *title_of(const archive *a)
{
    return a->title && a->title[0] ? a->title : a->name;
}

/* lang="" and dir="" for text that comes from archive A. */
static void text_attrs(smz_strbuf *b, const archive *a)
{
    if (a && a->lang[0])
        smz_strbuf_addf(b, " lang=\"%s\"", a->lang);
    smz_strbuf_adds(b, a && a->rtl ? " dir=\"rtl\"" : " dir=\"auto\"");
}

void bar_token(const srv *s, const archive *a, char out[33])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)a->name, strlen(a->name), s->bar_key,
                       sizeof s->bar_key);
    sodium_bin2hex(out, 33, h, sizeof h);
}

int bar_token_ok(const srv *s, const archive *a, const char *token)
{
    char want[33];
    bar_token(s, a, want);
    return strlen(token) == 32 && sodium_memcmp(want, token, 32) == 0;
}

const char *page_bar_injected(srv *s, archive *a, size_t *len)
{
    pthread_mutex_lock(&s->reg.lock);
    if (!a->bar) {
        smz_strbuf b;
        smz_strbuf_init(&b, 1u << 20);
        page_bar(&b, s, a, NULL, 1);
        /* A failed detach has freed B: the next page tries again. */
        if (smz_strbuf_len(&b) && smz_strbuf_detach(&b, &a->bar, &a->bar_len) != SMZ_OK)
            a->bar = NULL;
        smz_strbuf_free(&b);
    }
    const char *bar = a->bar;
    *len = a->bar_len;
    pthread_mutex_unlock(&s->reg.lock);
    return bar;
}

void page_bar(smz_strbuf *b, srv *s, const archive *a, const char *pattern, int inject)
{
    void (*esc)(smz_strbuf *, const char *) = inject ? smz__html_add_ascii : smz__html_add_clean;
    smz_strbuf_adds(b, "<div id=\"smz-bar\" class=\"smz-bar\" dir=\"ltr\" lang=\"en\">");
    if (inject)
        smz_strbuf_addf(b, "<link rel=\"stylesheet\" href=\"%s/skin/smz.css?v=%s\">", s->http.root,
                        s->skin_v);
    smz_strbuf_adds(b, "<nav class=\"smz-nav\" aria-label=\"Library\">");
    smz_strbuf_addf(
        b,
        "<a class=\"smz-home\" href=\"%s/\" title=\"Library\">%s<span class=\"smz-lbl\">Library</span></a>",
        s->http.root, icon_home);
    if (a) {
        smz_strbuf_addf(b, "<a class=\"smz-title\" href=\"%s/content/%s/\"", s->http.root, a->name);
        text_attrs(b, a);
        smz_strbuf_adds(b, ">");
        esc(b, title_of(a));
        smz_strbuf_adds(b, "</a>");
    }
    smz_strbuf_addf(b, "<form class=\"smz-form\" action=\"%s/search\" method=\"get\" role=\"search\">",
                    s->http.root);
    if (a)
        smz_strbuf_addf(b, "<input type=\"hidden\" name=\"content\" value=\"%s\">", a->name);
    smz_strbuf_adds(b, "<input class=\"smz-q\" type=\"search\" name=\"pattern\" autocomplete=\"off\" "
                       "spellcheck=\"false\" dir=\"auto\" value=\"");
    esc(b, pattern ? pattern : "");
    smz_strbuf_adds(b, "\" placeholder=\"");
    if (a) {
        smz_strbuf_adds(b, "Search ");
        esc(b, title_of(a));
    } else {
        smz_strbuf_adds(b, "Search all archives");
    }
    smz_strbuf_adds(b, "\" aria-label=\"Search\"");
    if (a && inject) {
        char token[33];
        bar_token(s, a, token);
        smz_strbuf_addf(b, " data-suggest=\"%s/suggest?content=%s&amp;bar=%s\"", s->http.root, a->name,
                        token);
    } else if (a) {
        smz_strbuf_addf(b, " data-suggest=\"%s/suggest?content=%s\"", s->http.root, a->name);
    }
    smz_strbuf_addf(
        b,
        "><button class=\"smz-go\" type=\"submit\" title=\"Search\">%s<span class=\"smz-lbl\">Search</span></button></form>",
        icon_search);
    smz_strbuf_addf(b, "<a class=\"smz-random\" href=\"%s/random", s->http.root);
    if (a)
        smz_strbuf_addf(b, "?content=%s", a->name);
    smz_strbuf_addf(b, "\" title=\"Random article\">%s<span class=\"smz-lbl\">Random</span></a>",
                    icon_random);
    smz_strbuf_addf(b, "</nav><script src=\"%s/skin/smz.js?v=%s\" defer></script></div>", s->http.root,
                    s->skin_v);
}

void page_begin(smz_strbuf *b, srv *s, const char *title, const archive *a, const char *pattern)
{
    smz_strbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<meta name=\"color-scheme\" content=\"light dark\"><title>");
    smz__html_add_clean(b, title);
    smz_strbuf_addf(
        b,
        "</title><link rel=\"icon\" href=\"data:,\">"
        "<link rel=\"stylesheet\" href=\"%s/skin/smz.css?v=%s\"></head>\n<body class=\"smz-page\">",
        s->http.root, s->skin_v);
    page_bar(b, s, a, pattern, 0);
    smz_strbuf_adds(b, "<main class=\"smz-main\">");
}

void page_end(smz_strbuf *b)
{
    smz_strbuf_adds(b, "</main></body></html>\n");
}

int page_send(req *q, int status, smz_strbuf *b)
{
    resp r;
    if (smz_strbuf_err(b)) {
        static const char oom[] = "The page is too large or memory ran out.\n";
        resp_init(&r, 500, "text/plain; charset=utf-8");
        http_send(q, &r, oom, sizeof oom - 1);
        return 500;
    }
    resp_init(&r, status, "text/html; charset=utf-8");
    http_send(q, &r, smz_strbuf_str(b), smz_strbuf_len(b));
    return status;
}

smz_reader *page_reader(req *q, archive *a)
{
    smz_reader *r = NULL;
    if (pool_borrow(&q->s->pool, &q->w->lease, a, &r) != SMZ_OK) {
        h_error(q, 500, NULL, "The archive cannot be read", "The archive could not be opened.");
        return NULL;
    }
    return r;
}

int h_error(req *q, int status, const archive *a, const char *title, const char *msg)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1u << 20);
    page_begin(&b, q->s, title, a, NULL);
    smz_strbuf_adds(&b, "<div class=\"smz-error\"><h1>");
    smz__html_add_clean(&b, title);
    smz_strbuf_adds(&b, "</h1><p>");
    smz__html_add_clean(&b, msg);
    smz_strbuf_adds(&b, "</p>");
    if (status == 404 && q->uri) {
        smz_strbuf_adds(&b, "<p class=\"smz-path\"><code>");
        smz__html_add_clean(&b, q->uri);
        smz_strbuf_adds(&b, "</code></p>");
    }
    smz_strbuf_addf(&b, "<p><a href=\"%s/\">Back to the library</a></p></div>", q->s->http.root);
    page_end(&b);
    int rc = page_send(q, status, &b);
    smz_strbuf_free(&b);
    return rc;
}

void fmt_count(smz_strbuf *b, uint64_t n)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            smz_strbuf_adds(b, ",");
        smz_strbuf_add(b, &d[i], 1);
    }
}

void fmt_size(smz_strbuf *b, uint64_t n)
{
    static const char *unit[] = {"kB", "MB", "GB", "TB"};
    if (n < 1000) {
        smz_strbuf_addf(b, "%llu bytes", (unsigned long long)n);
        return;
    }
    double v = (double)n;
    int u = -1;
    while (v >= 1000 && u < 3)
        v /= 1000, u++;
    smz_strbuf_addf(b, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void book_card(smz_strbuf *b, req *q, archive *a)
{
    srv *s = q->s;
    if (a->state != 1) {
        smz_strbuf_adds(
            b, "<li class=\"smz-book smz-broken\"><div class=\"smz-ill\" aria-hidden=\"true\">!</div>"
               "<div class=\"smz-book-body\"><h2>");
        smz__html_add_clean(b, a->stem);
        smz_strbuf_adds(
            b, "</h2><p class=\"smz-desc\">This archive cannot be read: it is damaged or not an "
               ".smz archive.</p></div></li>");
        return;
    }
    int counts = reg_stats(&s->reg, a) == 0;
    smz_strbuf_adds(b, "<li class=\"smz-book\">");
    if (a->illustration) {
        smz_strbuf_addf(b,
                        "<img class=\"smz-ill\" src=\"%s/catalog/v2/illustration/%s\" width=\"48\" "
                        "height=\"48\" alt=\"\">",
                        s->http.root, a->name);
    } else {
        /* A letter tile: the first character of the title, whole. */
        const char *t = title_of(a);
        size_t k = 1;
        while (t[k] && ((unsigned char)t[k] & 0xC0) == 0x80)
            k++;
        char first[8] = "";
        if (k < sizeof first)
            memcpy(first, t, k), first[k] = 0;
        smz_strbuf_adds(b, "<div class=\"smz-ill\" aria-hidden=\"true\">");
        smz__html_add_clean(b, first);
        smz_strbuf_adds(b, "</div>");
    }
    smz_strbuf_adds(b, "<div class=\"smz-book-body\"><h2");
    text_attrs(b, a);
    smz_strbuf_addf(b, "><a href=\"%s/content/%s/\">", s->http.root, a->name);
    smz__html_add_clean(b, title_of(a));
    smz_strbuf_adds(b, "</a></h2>");
    if (a->description && a->description[0]) {
        smz_strbuf_adds(b, "<p class=\"smz-desc\"");
        text_attrs(b, a);
        smz_strbuf_adds(b, ">");
        smz__html_add_clean(b, a->description);
        smz_strbuf_adds(b, "</p>");
    }
    smz_strbuf_adds(b, "<p class=\"smz-meta\">");
    if (a->lang[0]) {
        const char *ln = smz__lang_name(a->lang);
        smz_strbuf_adds(b, "<span>");
        smz__html_add_clean(b, ln ? ln : a->language);
        smz_strbuf_adds(b, "</span>");
    }
    if (counts) {
        smz_strbuf_adds(b, "<span>");
        fmt_count(b, a->articles ? a->articles : a->entries);
        smz_strbuf_adds(b, a->articles ? (a->articles == 1 ? " article" : " articles")
                                       : (a->entries == 1 ? " entry" : " entries"));
        smz_strbuf_adds(b, "</span>");
    }
    smz_strbuf_adds(b, "<span>");
    fmt_size(b, a->file_size);
    smz_strbuf_adds(b, "</span>");
    if (a->date && a->date[0]) {
        smz_strbuf_adds(b, "<span><time>");
        smz__html_add_clean(b, a->date);
        smz_strbuf_adds(b, "</time></span>");
    }
    smz_strbuf_adds(b, "</p>");
    sig_html(b, &s->reg, a);
    smz_strbuf_adds(b, "<p class=\"smz-actions\">");
    smz_strbuf_addf(b, "<a class=\"smz-btn smz-primary\" href=\"%s/content/%s/\">Open</a>", s->http.root,
                    a->name);
    smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/search?content=%s\">Search</a>", s->http.root,
                    a->name);
    smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/download/%s.smz\" download>Download</a>",
                    s->http.root, a->name);
    smz_strbuf_adds(b, "</p></div></li>");
}

int h_library(req *q)
{
    registry *g = &q->s->reg;
    reg_load(g);
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_MAX_PAGE);
    page_begin(&b, q->s, "Library", NULL, NULL);
    size_t ok = 0;
    for (size_t i = 0; i < g->n; i++)
        ok += g->a[i].state == 1;
    smz_strbuf_adds(&b, "<header class=\"smz-head\"><h1>Library</h1><p>");
    fmt_count(&b, ok);
    smz_strbuf_adds(&b, ok == 1 ? " archive" : " archives");
    smz_strbuf_addf(&b, " &middot; <a href=\"%s/catalog/v2/entries\">OPDS catalog</a></p></header>",
                    q->s->http.root);
    smz_strbuf_adds(&b, "<ul class=\"smz-books\">");
    for (size_t i = 0; i < g->n; i++)
        book_card(&b, q, &g->a[i]);
    smz_strbuf_adds(&b, "</ul>");
    if (!g->n)
        smz_strbuf_adds(&b, "<p>No archives.</p>");
    page_end(&b);
    int rc = page_send(q, 200, &b);
    smz_strbuf_free(&b);
    return rc;
}

/* ---- injecting the bar into an archived page ---- */

static int name_at(const unsigned char *h, size_t n, size_t i, const char *name)
{
    size_t l = strlen(name);
    if (i + l > n || strncasecmp((const char *)h + i, name, l))
        return 0;
    if (i + l == n)
        return 1;
    unsigned char c = h[i + l];
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Index just past the '>' closing the tag that starts at I (quotes in
 * attribute values respected), or N. */
static size_t tag_end(const unsigned char *h, size_t n, size_t i)
{
    unsigned char quote = 0;
    for (i++; i < n; i++) {
        if (quote) {
            if (h[i] == quote)
                quote = 0;
        } else if (h[i] == '"' || h[i] == '\'') {
            if (h[i - 1] == '=' || h[i - 1] == ' ')
                quote = h[i];
        } else if (h[i] == '>') {
            return i + 1;
        }
    }
    return n;
}

static size_t find_ci(const unsigned char *h, size_t n, size_t i, const char *s)
{
    size_t l = strlen(s);
    for (; i + l <= n; i++)
        if (!strncasecmp((const char *)h + i, s, l))
            return i;
    return n;
}

/* Where the body's content starts, as an HTML parser would see it: just
 * after <body ...>, or, when the tag is left out, before the first thing
 * that cannot be in <head>.  -1 for a frameset page (no body to put a bar
 * in). */
long page_bar_at(const unsigned char *h, size_t n)
{
    static const char *raw[] = {"script", "style", "title", "textarea", "noscript", "template"};
    static const char *head[] = {"html", "head", "/head", "meta", "link", "base", "/html"};
    size_t i = n >= 3 && !memcmp(h, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < n) {
        size_t t = i;
        while (t < n && h[t] != '<')
            t++;
        for (size_t k = i; k < t; k++)
            if (h[k] != ' ' && h[k] != '\t' && h[k] != '\n' && h[k] != '\r' && h[k] != '\f')
                return (long)k; /* text: the body has begun */
        if (t >= n)
            break;
        i = t;
        if (i + 4 <= n && !memcmp(h + i, "<!--", 4)) {
            size_t e = find_ci(h, n, i + 4, "-->");
            i = e >= n ? n : e + 3;
            continue;
        }
        if (i + 1 < n && (h[i + 1] == '!' || h[i + 1] == '?')) {
            i = tag_end(h, n, i);
            continue;
        }
        if (name_at(h, n, i + 1, "body"))
            return (long)tag_end(h, n, i);
        if (name_at(h, n, i + 1, "frameset"))
            return -1;
        int known = 0;
        for (size_t k = 0; k < sizeof raw / sizeof raw[0] && !known; k++) {
            if (name_at(h, n, i + 1, raw[k])) {
                char close[16];
                snprintf(close, sizeof close, "</%s", raw[k]);
                size_t e = find_ci(h, n, tag_end(h, n, i), close);
                i = e >= n ? n : tag_end(h, n, e);
                known = 1;
            }
        }
        for (size_t k = 0; k < sizeof head / sizeof head[0] && !known; k++)
            if (name_at(h, n, i + 1, head[k])) {
                i = tag_end(h, n, i);
                known = 1;
            }
        /* An end tag in the head is a parse error the parser ignores
         * (all but </br>, which it reads as <br>). */
        if (!known && i + 1 < n && h[i + 1] == '/' && !name_at(h, n, i + 2, "br")) {
            i = tag_end(h, n, i);
            known = 1;
        }
        if (!known)
            return (long)i; /* an element of the body */
    }
    return (long)n;
}
