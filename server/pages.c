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
#include "text/ascii.h"
#include "text/escape.h"
#include "text/url.h"
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
    /* smz-inj: fixed to the window over a spacer in the page (assets.c). */
    smz_strbuf_adds(b, inject ? "<div id=\"smz-bar\" class=\"smz-bar smz-inj\" dir=\"ltr\" lang=\"en\">"
                              : "<div id=\"smz-bar\" class=\"smz-bar\" dir=\"ltr\" lang=\"en\">");
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

void page_begin_head(smz_strbuf *b, srv *s, const char *title, const archive *a, const char *pattern,
                     const char *head)
{
    smz_strbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<meta name=\"color-scheme\" content=\"light dark\"><title>");
    smz__html_add_clean(b, title);
    smz_strbuf_addf(
        b,
        "</title><link rel=\"icon\" href=\"data:,\">"
        "<link rel=\"stylesheet\" href=\"%s/skin/smz.css?v=%s\">%s</head>\n<body class=\"smz-page\">",
        s->http.root, s->skin_v, head ? head : "");
    page_bar(b, s, a, pattern, 0);
    smz_strbuf_adds(b, "<main class=\"smz-main\">");
}

void page_begin(smz_strbuf *b, srv *s, const char *title, const archive *a, const char *pattern)
{
    page_begin_head(b, s, title, a, pattern, NULL);
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

/* Appends the words of PATH (decoded, any bytes) for a search, as
 * kiwix-serve offers them on a missing page: the parts between / - _ . and
 * white space, without those of digits only and without the last part's
 * file extension, cleaned to UTF-8, joined by spaces; at most 12 words and
 * about 200 bytes.  Nothing when no word is left. */
static void path_words(smz_strbuf *out, const char *path)
{
    size_t n = strlen(path), end = n, words = 0;
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    const char *dot = strrchr(last, '.');
    if (dot && dot > last && (size_t)(path + n - dot) <= 6) {
        int ext = 1;
        for (const char *p = dot + 1; *p; p++)
            ext &= smz_ascii_alpha((unsigned char)*p) || smz_ascii_digit((unsigned char)*p);
        if (ext)
            end = (size_t)(dot - path);
    }
    smz_strbuf raw;
    smz_strbuf_init(&raw, 4096);
    for (size_t i = 0; i < end && words < 12 && smz_strbuf_len(&raw) < 200;) {
        while (i < end && strchr("/-_. \t\n\r\f\v", path[i]))
            i++;
        size_t j = i;
        int digits = 1;
        while (j < end && !strchr("/-_. \t\n\r\f\v", path[j]))
            digits &= smz_ascii_digit((unsigned char)path[j++]);
        if (j > i && !digits) {
            if (words++)
                smz_strbuf_adds(&raw, " ");
            smz_strbuf_add(&raw, path + i, j - i);
        }
        i = j;
    }
    if (words && !smz_strbuf_err(&raw))
        smz__utf8_add_clean(out, smz_strbuf_str(&raw));
    smz_strbuf_free(&raw);
}

/* "Search for these words" under a 404 for the missing PATH: the search in
 * archive A, or in all of them. */
static void search_offer(smz_strbuf *b, srv *s, const archive *a, const char *path)
{
    smz_strbuf w;
    smz_strbuf_init(&w, 4096);
    path_words(&w, path);
    if (smz_strbuf_len(&w) && !smz_strbuf_err(&w)) {
        smz_strbuf u;
        smz_strbuf_init(&u, 1u << 16);
        smz_strbuf_addf(&u, "%s/search?", s->http.root);
        if (a)
            smz_strbuf_addf(&u, "content=%s&", a->name);
        smz_strbuf_adds(&u, "pattern=");
        smz__url_add_escaped(&u, smz_strbuf_str(&w), smz_strbuf_len(&w), 0);
        smz_strbuf_adds(b, "<p class=\"smz-offer\">Search ");
        if (a) {
            smz__html_add_clean(b, title_of(a));
            smz_strbuf_adds(b, " for these words: ");
        } else {
            smz_strbuf_adds(b, "all archives for these words: ");
        }
        smz_strbuf_adds(b, "<a href=\"");
        smz__html_add_clean(b, smz_strbuf_str(&u));
        smz_strbuf_adds(b, "\" rel=\"search\"");
        text_attrs(b, a);
        smz_strbuf_adds(b, ">");
        smz__html_add_clean(b, smz_strbuf_str(&w));
        smz_strbuf_adds(b, "</a></p>");
        smz_strbuf_free(&u);
    }
    smz_strbuf_free(&w);
}

static int error_page(req *q, int status, const archive *a, const char *title, const char *msg,
                      const char *missing)
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
    if (missing)
        search_offer(&b, q->s, a, missing);
    smz_strbuf_addf(&b, "<p><a href=\"%s/\">Back to the library</a></p></div>", q->s->http.root);
    page_end(&b);
    int rc = page_send(q, status, &b);
    smz_strbuf_free(&b);
    return rc;
}

int h_error(req *q, int status, const archive *a, const char *title, const char *msg)
{
    return error_page(q, status, a, title, msg, NULL);
}

int h_missing(req *q, const archive *a, const char *title, const char *msg, const char *path)
{
    return error_page(q, 404, a, title, msg, path);
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

/* ---- the library ---- */

/* A part of a list in metadata: Language "eng,fra", Tags "a;b". */
typedef struct part {
    const char *s;
    size_t n;
} part;

/* The next part of LIST after *AT split at SEP, trimmed of spaces; 0 at
 * the end. */
static int next_part(const char *list, char sep, size_t *at, part *out)
{
    while (list && list[*at]) {
        const char *p = list + *at;
        size_t n = strcspn(p, (char[]){sep, 0});
        *at += n + (p[n] != 0);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        /* Kiwix's tags that start with "_" are for programs, not people. */
        if (n && !(sep == ';' && *p == '_')) {
            *out = (part){p, n};
            return 1;
        }
    }
    return 0;
}

static int part_is(part p, const char *want)
{
    return strlen(want) == p.n && !strncasecmp(p.s, want, p.n);
}

static int list_has(const char *list, char sep, const char *want)
{
    size_t at = 0;
    part p;
    while (next_part(list, sep, &at, &p))
        if (part_is(p, want))
            return 1;
    return 0;
}

/* The library's filters, from ?language=, ?tag= and ?q= (each "" when
 * absent or too long). */
typedef struct filter {
    char language[16], tag[128], text[128];
    int active;
} filter;

static void filter_get(req *q, filter *f)
{
    memset(f, 0, sizeof *f);
    if (http_param(q, "language", 0, f->language, sizeof f->language) < 0)
        f->language[0] = 0;
    if (http_param(q, "tag", 0, f->tag, sizeof f->tag) < 0)
        f->tag[0] = 0;
    if (http_param(q, "q", 0, f->text, sizeof f->text) < 0)
        f->text[0] = 0;
    f->active = f->language[0] || f->tag[0] || f->text[0];
}

static int contains(const char *hay, const char *needle)
{
    return hay && smz__ascii_contains_ci(hay, strlen(hay), needle);
}

static int filter_match(const filter *f, const archive *a)
{
    if (a->state != 1)
        return !f->active; /* nothing is known of it to match */
    if (f->language[0] && !list_has(a->language, ',', f->language))
        return 0;
    if (f->tag[0] && !list_has(a->tags, ';', f->tag))
        return 0;
    if (f->text[0] && !contains(a->title, f->text) && !contains(a->name, f->text) &&
        !contains(a->description, f->text) && !contains(a->tags, f->text) &&
        !contains(a->creator, f->text) && !contains(a->publisher, f->text))
        return 0;
    return 1;
}

/* The library's URL with one filter set to VALUE (NULL: the others only). */
static void filter_url(smz_strbuf *b, srv *s, const char *key, part value)
{
    smz_strbuf u;
    smz_strbuf_init(&u, 4096);
    smz_strbuf_addf(&u, "%s/?%s=", s->http.root, key);
    smz__url_add_escaped(&u, value.s, value.n, 0);
    smz__html_add_clean(b, smz_strbuf_str(&u));
    smz_strbuf_free(&u);
}

static void add_part(smz_strbuf *b, part p)
{
    smz_strbuf t;
    smz_strbuf_init(&t, 4096);
    smz_strbuf_add(&t, p.s, p.n);
    smz__html_add_clean(b, smz_strbuf_str(&t));
    smz_strbuf_free(&t);
}

static void language_name(smz_strbuf *b, part code)
{
    char c[16];
    const char *name = NULL;
    if (code.n < sizeof c) {
        memcpy(c, code.s, code.n), c[code.n] = 0;
        name = smz__lang_name(c);
    }
    if (name)
        smz__html_add_clean(b, name);
    else
        add_part(b, code);
}

/* A split archive's parts under its card (folded: a set may have
 * hundreds), each a download link with its size, then the manifest.  The
 * name in the links is the archive's URL name ([A-Za-z0-9._-], checked by
 * the registry), as in the card's other links. */
static void parts_html(smz_strbuf *b, const srv *s, const archive *a)
{
    if (!a->parts)
        return;
    smz_strbuf_addf(b, "<details class=\"smz-parts\"><summary>Download in %u parts</summary><p>",
                    a->parts);
    for (unsigned k = 1; k <= a->parts; k++) {
        uint64_t size = k < a->parts ? a->part_size
                                     : a->file_size - (uint64_t)(a->parts - 1) * a->part_size;
        smz_strbuf_addf(b, "<a href=\"%s/download/%s.smz.%03u\" download>%s.smz.%03u</a> (",
                        s->http.root, a->name, k, a->name, k);
        fmt_size(b, size);
        smz_strbuf_adds(b, ")<br>");
    }
    if (a->manifest)
        smz_strbuf_addf(b,
                        "<a href=\"%s/download/%s.parts\">%s.parts</a>: the parts' sizes and "
                        "BLAKE2b (smz check)",
                        s->http.root, a->name, a->name);
    smz_strbuf_adds(b, "</p></details>");
}

static void book_card(smz_strbuf *b, req *q, archive *a)
{
    srv *s = q->s;
    if (a->state != 1) {
        smz_strbuf_adds(
            b, "<li class=\"smz-book smz-broken\"><div class=\"smz-ill\" aria-hidden=\"true\">!</div>"
               "<div class=\"smz-book-body\"><h2>");
        smz__html_add_clean(b, a->stem);
        smz_strbuf_adds(b, "</h2><p class=\"smz-desc\">This archive cannot be read: ");
        smz__html_add_clean(b, a->why[0] ? a->why : "it is damaged or not an .smz archive");
        smz_strbuf_adds(b, "</p><p class=\"smz-meta\"><span>");
        fmt_size(b, a->file_size);
        smz_strbuf_adds(b, "</span></p></div></li>");
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
    size_t at = 0;
    part code;
    while (next_part(a->language, ',', &at, &code)) {
        smz_strbuf_adds(b, "<span><a class=\"smz-lang\" href=\"");
        filter_url(b, s, "language", code);
        smz_strbuf_adds(b, "\" title=\"Archives in this language\">");
        language_name(b, code);
        smz_strbuf_adds(b, "</a></span>");
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
    at = 0;
    part tag;
    int tags = 0;
    while (next_part(a->tags, ';', &at, &tag)) {
        smz_strbuf_adds(b, tags++ ? "" : "<p class=\"smz-tags\">");
        smz_strbuf_adds(b, "<a href=\"");
        filter_url(b, s, "tag", tag);
        smz_strbuf_adds(b, "\"");
        text_attrs(b, a);
        smz_strbuf_adds(b, ">");
        add_part(b, tag);
        smz_strbuf_adds(b, "</a>");
    }
    if (tags)
        smz_strbuf_adds(b, "</p>");
    sig_html(b, &s->reg, a);
    smz_strbuf_adds(b, "<p class=\"smz-actions\">");
    smz_strbuf_addf(b, "<a class=\"smz-btn smz-primary\" href=\"%s/content/%s/\">Open</a>", s->http.root,
                    a->name);
    smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/search?content=%s\">Search</a>", s->http.root,
                    a->name);
    smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/download/%s.smz\" download>Download</a>",
                    s->http.root, a->name);
    smz_strbuf_adds(b, "</p>");
    parts_html(b, s, a);
    smz_strbuf_adds(b, "</div></li>");
}

/* The distinct values of one list (languages or tags) among the readable
 * archives, with how many archives have each, in order of first sight. */
typedef struct value {
    part p;
    size_t count;
} value;

static size_t values_of(const registry *g, int tags, value **out)
{
    size_t n = 0, cap = 0;
    value *v = NULL;
    for (size_t i = 0; i < g->n; i++) {
        const archive *a = &g->a[i];
        if (a->state != 1)
            continue;
        size_t at = 0;
        part p;
        while (next_part(tags ? a->tags : a->language, tags ? ';' : ',', &at, &p)) {
            size_t k = 0;
            while (k < n && !(v[k].p.n == p.n && !strncasecmp(v[k].p.s, p.s, p.n)))
                k++;
            if (k < n) {
                v[k].count++;
                continue;
            }
            if (n == cap) {
                value *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *nv);
                if (!nv)
                    goto out;
                v = nv;
            }
            v[n++] = (value){p, 1};
        }
    }
out:
    *out = v;
    return n;
}

/* A <select> of the values V, the one equal to CUR selected. */
static void filter_select(smz_strbuf *b, const char *key, const char *label, const value *v, size_t n,
                          const char *cur, int languages)
{
    smz_strbuf_addf(b, "<label>%s <select name=\"%s\"><option value=\"\">All</option>", label, key);
    for (size_t i = 0; i < n; i++) {
        smz_strbuf_adds(b, "<option value=\"");
        add_part(b, v[i].p);
        smz_strbuf_adds(b, part_is(v[i].p, cur) ? "\" selected>" : "\">");
        if (languages)
            language_name(b, v[i].p);
        else
            add_part(b, v[i].p);
        smz_strbuf_addf(b, " (%zu)</option>", v[i].count);
    }
    smz_strbuf_adds(b, "</select></label>");
}

/* Above this many readable archives the library has a text filter box. */
#define FILTER_BOX_AFTER 6

static void library_filters(smz_strbuf *b, srv *s, const registry *g, size_t ok, const filter *f)
{
    value *langs = NULL, *tags = NULL;
    size_t nl = values_of(g, 0, &langs), nt = values_of(g, 1, &tags);
    int box = ok > FILTER_BOX_AFTER || f->text[0];
    /* One archive needs no filter; a filter set always shows (to undo it). */
    if ((ok > 1 && (box || nl > 1 || nt)) || f->active) {
        smz_strbuf_addf(b,
                        "<form class=\"smz-filter\" action=\"%s/\" method=\"get\" role=\"search\" "
                        "aria-label=\"Filter the library\">",
                        s->http.root);
        if (box) {
            smz_strbuf_adds(b,
                            "<input class=\"smz-fq\" type=\"search\" name=\"q\" dir=\"auto\" value=\"");
            smz__html_add_clean(b, f->text);
            smz_strbuf_adds(b, "\" placeholder=\"Filter by title, description or tag\" "
                               "aria-label=\"Filter by title, description or tag\">");
        }
        if (nl > 1 || f->language[0])
            filter_select(b, "language", "Language", langs, nl, f->language, 1);
        if (nt || f->tag[0])
            filter_select(b, "tag", "Tag", tags, nt, f->tag, 0);
        smz_strbuf_adds(b, "<button class=\"smz-btn\" type=\"submit\">Filter</button>");
        if (f->active)
            smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/\">Show all</a>", s->http.root);
        smz_strbuf_adds(b, "</form>");
    }
    free(langs);
    free(tags);
}

int h_library(req *q)
{
    srv *s = q->s;
    registry *g = &s->reg;
    reg_load(g);
    filter f;
    filter_get(q, &f);
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_MAX_PAGE);
    smz_strbuf head;
    smz_strbuf_init(&head, 4096);
    smz_strbuf_addf(&head,
                    "<link rel=\"alternate\" type=\"" OPDS_NAV "\" title=\"OPDS catalog\" "
                    "href=\"%s/catalog/v2/root.xml\">",
                    s->http.root);
    page_begin_head(&b, s, "Library", NULL, NULL, smz_strbuf_str(&head));
    smz_strbuf_free(&head);
    size_t ok = 0, shown = 0;
    for (size_t i = 0; i < g->n; i++) {
        ok += g->a[i].state == 1;
        shown += filter_match(&f, &g->a[i]);
    }
    size_t broken = g->n - ok;
    smz_strbuf_adds(&b, "<header class=\"smz-head\"><h1>Library</h1><p class=\"smz-total\">");
    if (f.active) {
        fmt_count(&b, shown);
        smz_strbuf_adds(&b, " of ");
    }
    fmt_count(&b, ok);
    smz_strbuf_adds(&b, ok == 1 ? " archive" : " archives");
    if (broken && !f.active) {
        smz_strbuf_adds(&b, ", ");
        fmt_count(&b, broken);
        smz_strbuf_adds(&b, " that cannot be read");
    }
    smz_strbuf_addf(&b, " &middot; <a href=\"%s/opds\">OPDS catalog</a></p></header>", s->http.root);
    library_filters(&b, s, g, ok, &f);
    if (shown) {
        smz_strbuf_adds(&b, "<ul class=\"smz-books\">");
        for (size_t i = 0; i < g->n; i++)
            if (filter_match(&f, &g->a[i]))
                book_card(&b, q, &g->a[i]);
        smz_strbuf_adds(&b, "</ul>");
    } else if (f.active) {
        smz_strbuf_addf(&b, "<p class=\"smz-note\">No archive matches. <a href=\"%s/\">Show all</a></p>",
                        s->http.root);
    } else {
        smz_strbuf_adds(&b, "<p class=\"smz-note\">This library has no archives.</p>");
    }
    page_end(&b);
    int rc = page_send(q, 200, &b);
    smz_strbuf_free(&b);
    return rc;
}

/* /opds: what the OPDS catalog is, before anyone lands in its XML. */
int h_opds_page(req *q)
{
    srv *s = q->s;
    smz_strbuf b, head, url;
    smz_strbuf_init(&b, 1u << 20);
    smz_strbuf_init(&head, 4096);
    smz_strbuf_init(&url, 4096);
    smz_strbuf_addf(&head,
                    "<link rel=\"alternate\" type=\"" OPDS_NAV "\" title=\"OPDS catalog\" "
                    "href=\"%s/catalog/v2/root.xml\">",
                    s->http.root);
    /* The address as this page was asked for (the Host was checked by
     * the dispatch); without a Host, the path alone. */
    if (q->host[0])
        smz_strbuf_addf(&url, "http://%s", q->host);
    smz_strbuf_addf(&url, "%s/catalog/v2/root.xml", s->http.root);
    page_begin_head(&b, s, "OPDS catalog", NULL, NULL, smz_strbuf_str(&head));
    smz_strbuf_adds(&b, "<div class=\"smz-doc\"><h1>OPDS catalog</h1>"
                        "<p>OPDS is a catalog format for reading apps. An app that reads OPDS catalogs "
                        "can list the archives of this library and download them, as it does for "
                        "e-books. People read the library here, on the <a href=\"");
    smz_strbuf_adds(&b, s->http.root);
    smz_strbuf_adds(&b, "/\">library page</a>; the catalog is for apps.</p>"
                        "<h2>Add this library to an app</h2>"
                        "<p>In the app, choose to add a catalog (it may be called OPDS, online "
                        "catalog or library) and give it this address:</p>"
                        "<p class=\"smz-copy\"><input type=\"text\" readonly value=\"");
    smz__html_add_clean(&b, smz_strbuf_str(&url));
    smz_strbuf_adds(&b, "\" aria-label=\"The catalog's address\" spellcheck=\"false\"></p>"
                        "<p>The app must be able to reach this address: an app on another device "
                        "reaches it only when <code>smz serve</code> listens on the network "
                        "(<code>--address</code>, with <code>--allow</code> to say who may "
                        "connect).</p>"
                        "<p>The app then fetches <code>.smz</code> files, which only Samizdat reads: "
                        "Kiwix apps list them but cannot open them yet.</p>"
                        "<h2>The feeds</h2><ul class=\"smz-feeds\">");
    smz_strbuf_addf(&b,
                    "<li><a href=\"%s/catalog/v2/root.xml\" type=\"" OPDS_NAV "\">The catalog</a> "
                    "(navigation feed: where an app starts)</li>"
                    "<li><a href=\"%s/catalog/v2/entries\" type=\"" OPDS_ACQ "\">Every archive</a> "
                    "(acquisition feed, <code>?lang=</code>, <code>?name=</code>, <code>?start=</code>, "
                    "<code>?count=</code>)</li></ul>"
                    "<p>A browser shows these feeds as raw XML: they are written for apps.</p></div>",
                    s->http.root, s->http.root);
    page_end(&b);
    int rc = page_send(q, 200, &b);
    smz_strbuf_free(&url);
    smz_strbuf_free(&head);
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
