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
#include "i18n/i18n.h"

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

void tr_html(smz_strbuf *b, const req *q, const char *msgid)
{
    smz__html_add_clean(b, TR(q, msgid));
}

void lang_keep(smz_strbuf *b, const req *q, int first)
{
    if (q->lang_keep[0])
        smz_strbuf_addf(b, "%slang=%s", first ? "?" : "&amp;", q->lang_keep);
}

void lang_keep_input(smz_strbuf *b, const req *q)
{
    if (q->lang_keep[0])
        smz_strbuf_addf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">", q->lang_keep);
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

const char *page_bar_injected(req *q, archive *a, size_t *len)
{
    srv *s = q->s;
    size_t k = (size_t)q->lang * 2 + (q->lang_keep[0] != 0);
    pthread_mutex_lock(&s->reg.lock);
    if (!a->bar[k]) {
        smz_strbuf b;
        smz_strbuf_init(&b, 1u << 20);
        page_bar(&b, q, a, NULL, 1);
        /* A failed detach has freed B: the next page tries again. */
        if (smz_strbuf_len(&b) && smz_strbuf_detach(&b, &a->bar[k], &a->bar_len[k]) != SMZ_OK)
            a->bar[k] = NULL;
        smz_strbuf_free(&b);
    }
    const char *bar = a->bar[k];
    *len = a->bar_len[k];
    pthread_mutex_unlock(&s->reg.lock);
    return bar;
}

/* The language menu: a link to this page in each language the server has
 * (its query kept but for lang=), in a <details> that opens without
 * JavaScript.  Each language's name is in that language.  In the bar put
 * into an archived page (INJECT: one bar for every page of the archive,
 * text as ASCII character references for a page of any charset) the link
 * is "?lang=TAG", relative: this page again, with only lang= for query. */
static void lang_menu(smz_strbuf *b, req *q, int inject)
{
    srv *s = q->s;
    if (s->langs == 1u)
        return;
    void (*esc)(smz_strbuf *, const char *) = inject ? smz__html_add_ascii : smz__html_add_clean;
    const smz_ui_lang *cur = smz_ui_lang_at(q->lang);
    smz_strbuf_adds(b, "<details class=\"smz-langs\"><summary title=\"");
    esc(b, TR(q, "Language"));
    smz_strbuf_addf(b, "\"><span lang=\"%s\">", cur->tag);
    esc(b, cur->name);
    smz_strbuf_adds(b, "</span></summary><ul>");
    smz_strbuf u;
    smz_strbuf_init(&u, 1u << 16);
    for (int l = 0; l < SMZ_UI_LANGS; l++) {
        if (!(s->langs >> l & 1u))
            continue;
        const smz_ui_lang *x = smz_ui_lang_at(l);
        smz_strbuf_reset(&u);
        if (!inject) {
            smz_strbuf_addf(&u, "%s%s?", s->http.root, q->path ? q->path : "/");
            /* The query as it came (its bytes were checked by the
             * dispatch), but for lang=. */
            for (const char *p = q->query; *p;) {
                size_t n = strcspn(p, "&");
                if (n && strncmp(p, "lang=", 5) && strncmp(p, "lang&", 5) &&
                    !(n == 4 && !strncmp(p, "lang", 4))) {
                    smz_strbuf_add(&u, p, n);
                    smz_strbuf_adds(&u, "&");
                }
                p += n + (p[n] == '&');
            }
        } else {
            smz_strbuf_adds(&u, "?");
        }
        smz_strbuf_addf(&u, "lang=%s", x->tag);
        smz_strbuf_addf(b, "<li><a lang=\"%s\" dir=\"%s\" hreflang=\"%s\" href=\"", x->tag,
                        x->rtl ? "rtl" : "ltr", x->tag);
        smz__html_add_clean(b, smz_strbuf_str(&u));
        smz_strbuf_adds(b, l == q->lang ? "\" aria-current=\"true\">" : "\">");
        esc(b, x->name);
        smz_strbuf_adds(b, "</a></li>");
    }
    smz_strbuf_free(&u);
    smz_strbuf_adds(b, "</ul></details>");
}

void page_bar(smz_strbuf *b, req *q, const archive *a, const char *pattern, int inject)
{
    srv *s = q->s;
    const smz_ui_lang *ui = smz_ui_lang_at(q->lang);
    void (*esc)(smz_strbuf *, const char *) = inject ? smz__html_add_ascii : smz__html_add_clean;
    /* smz-inj: fixed to the window over a spacer in the page (assets.c). */
    smz_strbuf_addf(b, "<div id=\"smz-bar\" class=\"smz-bar%s\" dir=\"%s\" lang=\"%s\">",
                    inject ? " smz-inj" : "", ui->rtl ? "rtl" : "ltr", ui->tag);
    if (inject)
        smz_strbuf_addf(b, "<link rel=\"stylesheet\" href=\"%s/skin/smz.css?v=%s\">", s->http.root,
                        s->skin_v);
    smz_strbuf_adds(b, "<nav class=\"smz-nav\" aria-label=\"");
    esc(b, TR(q, "Library"));
    smz_strbuf_addf(b, "\"><a class=\"smz-home\" href=\"%s/", s->http.root);
    lang_keep(b, q, 1);
    smz_strbuf_adds(b, "\" title=\"");
    esc(b, TR(q, "Library"));
    smz_strbuf_addf(b, "\">%s<span class=\"smz-lbl\">", icon_home);
    esc(b, TR(q, "Library"));
    smz_strbuf_adds(b, "</span></a>");
    if (a) {
        smz_strbuf_addf(b, "<a class=\"smz-title\" href=\"%s/content/%s/", s->http.root, a->name);
        lang_keep(b, q, 1);
        smz_strbuf_adds(b, "\"");
        text_attrs(b, a);
        smz_strbuf_adds(b, "><bdi>");
        esc(b, title_of(a));
        smz_strbuf_adds(b, "</bdi></a>");
    }
    smz_strbuf_addf(b, "<form class=\"smz-form\" action=\"%s/search\" method=\"get\" role=\"search\">",
                    s->http.root);
    if (a)
        smz_strbuf_addf(b, "<input type=\"hidden\" name=\"content\" value=\"%s\">", a->name);
    lang_keep_input(b, q);
    smz_strbuf_adds(b, "<input class=\"smz-q\" type=\"search\" name=\"pattern\" autocomplete=\"off\" "
                       "spellcheck=\"false\" dir=\"auto\" value=\"");
    esc(b, pattern ? pattern : "");
    smz_strbuf_adds(b, "\" placeholder=\"");
    if (a) {
        /* TRANSLATORS: the search box's placeholder; %s is the archive's title. */
        const char *f = TR(q, "Search %s");
        const char *p = strstr(f, "%s");
        smz_strbuf t;
        smz_strbuf_init(&t, 4096);
        smz_strbuf_add(&t, f, p ? (size_t)(p - f) : strlen(f));
        esc(b, smz_strbuf_len(&t) ? smz_strbuf_str(&t) : "");
        if (p) {
            esc(b, title_of(a));
            esc(b, p + 2);
        }
        smz_strbuf_free(&t);
    } else {
        esc(b, TR(q, "Search all archives"));
    }
    smz_strbuf_adds(b, "\" aria-label=\"");
    esc(b, TR(q, "Search"));
    smz_strbuf_adds(b, "\"");
    if (a && inject) {
        char token[33];
        bar_token(s, a, token);
        smz_strbuf_addf(b, " data-suggest=\"%s/suggest?content=%s&amp;bar=%s\"", s->http.root, a->name,
                        token);
    } else if (a) {
        smz_strbuf_addf(b, " data-suggest=\"%s/suggest?content=%s\"", s->http.root, a->name);
    }
    if (a) {
        /* The autocomplete script's own words, for it to fill (as text). */
        smz_strbuf_adds(b, " data-dym=\"");
        /* TRANSLATORS: a suggestion under the search box: %s is the typed words, corrected. */
        esc(b, TR(q, "Did you mean “%s”?"));
        smz_strbuf_adds(b, "\" data-all=\"");
        /* TRANSLATORS: the last suggestion under the search box, which searches for the typed words (%s). */
        esc(b, TR(q, "Search for “%s”"));
        smz_strbuf_adds(b, "\"");
    }
    smz_strbuf_adds(b, "><button class=\"smz-go\" type=\"submit\" title=\"");
    esc(b, TR(q, "Search"));
    smz_strbuf_addf(b, "\">%s<span class=\"smz-lbl\">", icon_search);
    esc(b, TR(q, "Search"));
    smz_strbuf_addf(b, "</span></button></form><a class=\"smz-random\" href=\"%s/random", s->http.root);
    if (a)
        smz_strbuf_addf(b, "?content=%s", a->name);
    lang_keep(b, q, !a);
    smz_strbuf_adds(b, "\" title=\"");
    esc(b, TR(q, "Random article"));
    smz_strbuf_addf(b, "\">%s<span class=\"smz-lbl\">", icon_random);
    esc(b, TR(q, "Random"));
    smz_strbuf_adds(b, "</span></a>");
    lang_menu(b, q, inject);
    smz_strbuf_addf(b, "</nav><script src=\"%s/skin/smz.js?v=%s\" defer></script></div>", s->http.root,
                    s->skin_v);
}

void page_begin_head(smz_strbuf *b, req *q, const char *title, const archive *a, const char *pattern,
                     const char *head)
{
    srv *s = q->s;
    const smz_ui_lang *ui = smz_ui_lang_at(q->lang);
    smz_strbuf_addf(b,
                    "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<meta name=\"color-scheme\" content=\"light dark\"><title>",
                    ui->tag, ui->rtl ? "rtl" : "ltr");
    smz__html_add_clean(b, title);
    smz_strbuf_addf(
        b,
        "</title><link rel=\"icon\" href=\"data:,\">"
        "<link rel=\"stylesheet\" href=\"%s/skin/smz.css?v=%s\">%s</head>\n<body class=\"smz-page\">",
        s->http.root, s->skin_v, head ? head : "");
    page_bar(b, q, a, pattern, 0);
    smz_strbuf_adds(b, "<main class=\"smz-main\">");
}

void page_begin(smz_strbuf *b, req *q, const char *title, const archive *a, const char *pattern)
{
    page_begin_head(b, q, title, a, pattern, NULL);
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
        h_error(q, 500, NULL, SMZ_N_("The archive cannot be read"),
                SMZ_N_("The archive could not be opened."));
        return NULL;
    }
    smz_reader_set_lang(r, q->lang); /* its messages, on the pages it serves */
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
static void search_offer(smz_strbuf *b, req *q, const archive *a, const char *path)
{
    srv *s = q->s;
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
        if (q->lang_keep[0])
            smz_strbuf_addf(&u, "&lang=%s", q->lang_keep);
        smz_strbuf link, title;
        smz_strbuf_init(&link, 1u << 17);
        smz_strbuf_init(&title, 1u << 16);
        smz_strbuf_adds(&link, "<a href=\"");
        smz__html_add_clean(&link, smz_strbuf_str(&u));
        smz_strbuf_adds(&link, "\" rel=\"search\"");
        text_attrs(&link, a);
        smz_strbuf_adds(&link, ">");
        smz__html_add_clean(&link, smz_strbuf_str(&w));
        smz_strbuf_adds(&link, "</a>");
        smz_strbuf_adds(b, "<p class=\"smz-offer\">");
        if (a) {
            smz_strbuf_adds(&title, "<bdi>");
            smz__html_add_clean(&title, title_of(a));
            smz_strbuf_adds(&title, "</bdi>");
            /* TRANSLATORS: under a missing page; %1$s is the archive's title, %2$s the words. */
            smz__tr_fill(b, TR(q, "Search %1$s for these words: %2$s"), 2, smz_strbuf_str(&title),
                         smz_strbuf_str(&link));
        } else {
            /* TRANSLATORS: under a missing page; %s is the words, a link. */
            smz__tr_fill(b, TR(q, "Search all archives for these words: %s"), 1, smz_strbuf_str(&link));
        }
        smz_strbuf_adds(b, "</p>");
        smz_strbuf_free(&link);
        smz_strbuf_free(&title);
        smz_strbuf_free(&u);
    }
    smz_strbuf_free(&w);
}

static int error_page(req *q, int status, const archive *a, const char *title, const char *msg,
                      const char *missing)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1u << 20);
    /* TITLE and MSG are msgids (SMZ_N_ where they are written), or a
     * library's message in English, which has no translation. */
    title = TR(q, title);
    msg = TR(q, msg);
    page_begin(&b, q, title, a, NULL);
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
        search_offer(&b, q, a, missing);
    smz_strbuf_addf(&b, "<p><a href=\"%s/", q->s->http.root);
    lang_keep(&b, q, 1);
    smz_strbuf_adds(&b, "\">");
    tr_html(&b, q, "Back to the library");
    smz_strbuf_adds(&b, "</a></p></div>");
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

void fmt_count(smz_strbuf *b, const req *q, uint64_t n)
{
    smz__ui_count(b, q->lang, n);
}

void fmt_size(smz_strbuf *b, const req *q, uint64_t n)
{
    static const char *unit[] = {SMZ_N_("%s kB"), SMZ_N_("%s MB"), SMZ_N_("%s GB"), SMZ_N_("%s TB")};
    smz_strbuf num;
    smz_strbuf_init(&num, 256);
    if (n < 1000) {
        smz__ui_count(&num, q->lang, n);
        smz__tr_fill(b, NTR(q, "%s byte", "%s bytes", (unsigned long)n), 1, smz_strbuf_str(&num));
    } else {
        double v = (double)n;
        int u = -1;
        while (v >= 1000 && u < 3)
            v /= 1000, u++;
        smz__ui_decimal(&num, q->lang, v, v < 10 ? 1 : 0);
        smz__tr_fill(b, TR(q, unit[u]), 1, smz_strbuf_str(&num));
    }
    smz_strbuf_free(&num);
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
static void filter_url(smz_strbuf *b, const req *q, const char *key, part value)
{
    smz_strbuf u;
    smz_strbuf_init(&u, 4096);
    smz_strbuf_addf(&u, "%s/?%s=", q->s->http.root, key);
    smz__url_add_escaped(&u, value.s, value.n, 0);
    if (q->lang_keep[0])
        smz_strbuf_addf(&u, "&lang=%s", q->lang_keep);
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

/* The name of the language CODE in Q's language (ICU's names; lib/text/
 * lang.c's English one without ICU). */
static void language_name(smz_strbuf *b, const req *q, part code)
{
    char c[16], tag[SMZ_LANG_TAG_MAX + 1];
    const char *name = NULL;
    if (code.n < sizeof c) {
        memcpy(c, code.s, code.n), c[code.n] = 0;
        name = smz__lang_name(c);
    }
    if (name && smz__lang_html(c, strlen(c), tag, sizeof tag) >= 0)
        smz__ui_language_name(b, q->lang, tag, name);
    else if (name)
        smz__html_add_clean(b, name);
    else
        add_part(b, code);
}

/* A split archive's parts under its card (folded: a set may have
 * hundreds), each a download link with its size, then the manifest.  The
 * name in the links is the archive's URL name ([A-Za-z0-9._-], checked by
 * the registry), as in the card's other links. */
static void parts_html(smz_strbuf *b, const req *q, const archive *a)
{
    const srv *s = q->s;
    if (!a->parts)
        return;
    smz_strbuf num;
    smz_strbuf_init(&num, 256);
    smz__ui_count(&num, q->lang, a->parts);
    smz_strbuf_adds(b, "<details class=\"smz-parts\"><summary>");
    smz__tr_fill(b, NTR(q, "Download in %s part", "Download in %s parts", a->parts), 1,
                 smz_strbuf_str(&num));
    smz_strbuf_free(&num);
    smz_strbuf_adds(b, "</summary><p>");
    for (unsigned k = 1; k <= a->parts; k++) {
        uint64_t size = k < a->parts ? a->part_size
                                     : a->file_size - (uint64_t)(a->parts - 1) * a->part_size;
        smz_strbuf_addf(b, "<a href=\"%s/download/%s.smz.%03u\" download>%s.smz.%03u</a> (",
                        s->http.root, a->name, k, a->name, k);
        fmt_size(b, q, size);
        smz_strbuf_adds(b, ")<br>");
    }
    if (a->manifest) {
        smz_strbuf_addf(b, "<a href=\"%s/download/%s.parts\">%s.parts</a>: ", s->http.root, a->name,
                        a->name);
        tr_html(b, q, "the parts' sizes and BLAKE2b (smz check)");
    }
    smz_strbuf_adds(b, "</p></details>");
}

/* N for ngettext, whose unsigned long may be 32 bits: the last nine digits
 * decide every language's form, kept above a billion. */
static unsigned long plural_n(uint64_t n)
{
    return (unsigned long)(n >= 1000000000u ? n % 1000000000u + 1000000000u : n);
}

/* Why the broken archive A cannot be read, in Q's language: the message
 * kept when the library was loaded when it is in that language, else the
 * reader's message of opening it again in Q's (a broken archive fails at
 * its header or schema: cheap, and rare); the kept one when that open
 * gives none.  Returns the language of what it wrote into OUT. */
static int broken_why(req *q, const archive *a, char *out, size_t n)
{
    smz_reader *r = NULL;
    int kept = q->s->reg.lang; /* the language of a->why */
    smz_err rc = q->lang == kept ? SMZ_OK : smz_reader_open_lang(a->path, NULL, q->lang, &r);
    int lang = q->lang;
    if (rc != SMZ_OK && r && smz_reader_errmsg(r)[0])
        reg_why(a, r, rc, out, n);
    else if (a->why[0])
        snprintf(out, n, "%s", a->why), lang = kept;
    else
        snprintf(out, n, "%s", TR(q, "it is damaged or not an .smz archive"));
    smz_reader_close(r);
    return lang;
}

static void book_card(smz_strbuf *b, req *q, archive *a)
{
    srv *s = q->s;
    if (a->state != 1) {
        smz_strbuf_adds(
            b, "<li class=\"smz-book smz-broken\"><div class=\"smz-ill\" aria-hidden=\"true\">!</div>"
               "<div class=\"smz-book-body\"><h2>");
        smz__html_add_clean(b, a->stem);
        smz_strbuf_adds(b, "</h2><p class=\"smz-desc\">");
        tr_html(b, q, "This archive cannot be read:");
        char why[sizeof a->why];
        /* The reader's words in the page's language (what they quote, a
         * file name or SQLite's words, isolated by dir=auto), or kept in
         * English (marked so) when they cannot be had in it. */
        int lang = broken_why(q, a, why, sizeof why);
        if (lang == SMZ_UI_EN)
            smz_strbuf_adds(b, " <span dir=\"ltr\" lang=\"en\">");
        else if (lang == q->lang)
            smz_strbuf_adds(b, " <span dir=\"auto\">");
        else
            smz_strbuf_addf(b, " <span dir=\"auto\" lang=\"%s\">", smz_ui_lang_at(lang)->tag);
        smz__html_add_clean(b, why);
        smz_strbuf_adds(b, "</span></p><p class=\"smz-meta\"><span>");
        fmt_size(b, q, a->file_size);
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
    smz_strbuf_addf(b, "><a href=\"%s/content/%s/", s->http.root, a->name);
    lang_keep(b, q, 1);
    smz_strbuf_adds(b, "\">");
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
        filter_url(b, q, "language", code);
        smz_strbuf_adds(b, "\" title=\"");
        tr_html(b, q, "Archives in this language");
        smz_strbuf_adds(b, "\">");
        language_name(b, q, code);
        smz_strbuf_adds(b, "</a></span>");
    }
    if (counts) {
        smz_strbuf num;
        smz_strbuf_init(&num, 256);
        uint64_t n = a->articles ? a->articles : a->entries;
        fmt_count(&num, q, n);
        smz_strbuf_adds(b, "<span>");
        smz__tr_fill(b,
                     a->articles ? NTR(q, "%s article", "%s articles", plural_n(n))
                                 : NTR(q, "%s entry", "%s entries", plural_n(n)),
                     1, smz_strbuf_str(&num));
        smz_strbuf_adds(b, "</span>");
        smz_strbuf_free(&num);
    }
    smz_strbuf_adds(b, "<span>");
    fmt_size(b, q, a->file_size);
    smz_strbuf_adds(b, "</span>");
    if (a->date && a->date[0]) {
        smz_strbuf_adds(b, "<span><time datetime=\"");
        smz__html_add_clean(b, a->date);
        smz_strbuf_adds(b, "\">");
        smz__ui_date(b, q->lang, a->date);
        smz_strbuf_adds(b, "</time></span>");
    }
    smz_strbuf_adds(b, "</p>");
    at = 0;
    part tag;
    int tags = 0;
    while (next_part(a->tags, ';', &at, &tag)) {
        smz_strbuf_adds(b, tags++ ? "" : "<p class=\"smz-tags\">");
        smz_strbuf_adds(b, "<a href=\"");
        filter_url(b, q, "tag", tag);
        smz_strbuf_adds(b, "\"");
        text_attrs(b, a);
        smz_strbuf_adds(b, ">");
        add_part(b, tag);
        smz_strbuf_adds(b, "</a>");
    }
    if (tags)
        smz_strbuf_adds(b, "</p>");
    sig_html(b, q, &s->reg, a);
    smz_strbuf_adds(b, "<p class=\"smz-actions\">");
    smz_strbuf_addf(b, "<a class=\"smz-btn smz-primary\" href=\"%s/content/%s/", s->http.root, a->name);
    lang_keep(b, q, 1);
    smz_strbuf_adds(b, "\">");
    tr_html(b, q, "Open");
    smz_strbuf_addf(b, "</a><a class=\"smz-btn\" href=\"%s/search?content=%s", s->http.root, a->name);
    lang_keep(b, q, 0);
    smz_strbuf_adds(b, "\">");
    tr_html(b, q, "Search");
    smz_strbuf_addf(b, "</a><a class=\"smz-btn\" href=\"%s/download/%s.smz\" download>", s->http.root,
                    a->name);
    tr_html(b, q, "Download");
    smz_strbuf_adds(b, "</a></p>");
    parts_html(b, q, a);
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
static void filter_select(smz_strbuf *b, const req *q, const char *key, const char *label,
                          const value *v, size_t n, const char *cur, int languages)
{
    smz_strbuf_adds(b, "<label>");
    tr_html(b, q, label);
    smz_strbuf_addf(b, " <select name=\"%s\"><option value=\"\">", key);
    tr_html(b, q, "All");
    smz_strbuf_adds(b, "</option>");
    for (size_t i = 0; i < n; i++) {
        smz_strbuf_adds(b, "<option value=\"");
        add_part(b, v[i].p);
        smz_strbuf_adds(b, part_is(v[i].p, cur) ? "\" selected>" : "\">");
        if (languages)
            language_name(b, q, v[i].p);
        else
            add_part(b, v[i].p);
        smz_strbuf_adds(b, " (");
        fmt_count(b, q, v[i].count);
        smz_strbuf_adds(b, ")</option>");
    }
    smz_strbuf_adds(b, "</select></label>");
}

/* Above this many readable archives the library has a text filter box. */
#define FILTER_BOX_AFTER 6

static void library_filters(smz_strbuf *b, req *q, const registry *g, size_t ok, const filter *f)
{
    srv *s = q->s;
    value *langs = NULL, *tags = NULL;
    size_t nl = values_of(g, 0, &langs), nt = values_of(g, 1, &tags);
    int box = ok > FILTER_BOX_AFTER || f->text[0];
    /* One archive needs no filter; a filter set always shows (to undo it). */
    if ((ok > 1 && (box || nl > 1 || nt)) || f->active) {
        smz_strbuf_addf(b,
                        "<form class=\"smz-filter\" action=\"%s/\" method=\"get\" role=\"search\" "
                        "aria-label=\"",
                        s->http.root);
        tr_html(b, q, "Filter the library");
        smz_strbuf_adds(b, "\">");
        lang_keep_input(b, q);
        if (box) {
            smz_strbuf_adds(b,
                            "<input class=\"smz-fq\" type=\"search\" name=\"q\" dir=\"auto\" value=\"");
            smz__html_add_clean(b, f->text);
            smz_strbuf_adds(b, "\" placeholder=\"");
            tr_html(b, q, "Filter by title, description or tag");
            smz_strbuf_adds(b, "\" aria-label=\"");
            tr_html(b, q, "Filter by title, description or tag");
            smz_strbuf_adds(b, "\">");
        }
        if (nl > 1 || f->language[0])
            filter_select(b, q, "language", SMZ_N_("Language"), langs, nl, f->language, 1);
        if (nt || f->tag[0])
            filter_select(b, q, "tag", SMZ_N_("Tag"), tags, nt, f->tag, 0);
        smz_strbuf_adds(b, "<button class=\"smz-btn\" type=\"submit\">");
        tr_html(b, q, "Filter");
        smz_strbuf_adds(b, "</button>");
        if (f->active) {
            smz_strbuf_addf(b, "<a class=\"smz-btn\" href=\"%s/", s->http.root);
            lang_keep(b, q, 1);
            smz_strbuf_adds(b, "\">");
            tr_html(b, q, "Show all");
            smz_strbuf_adds(b, "</a>");
        }
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
    page_begin_head(&b, q, TR(q, "Library"), NULL, NULL, smz_strbuf_str(&head));
    smz_strbuf_free(&head);
    size_t ok = 0, shown = 0;
    for (size_t i = 0; i < g->n; i++) {
        ok += g->a[i].state == 1;
        shown += filter_match(&f, &g->a[i]);
    }
    size_t broken = g->n - ok;
    smz_strbuf_adds(&b, "<header class=\"smz-head\"><h1>");
    tr_html(&b, q, "Library");
    smz_strbuf_adds(&b, "</h1><p class=\"smz-total\">");
    smz_strbuf n1, n2;
    smz_strbuf_init(&n1, 256);
    smz_strbuf_init(&n2, 256);
    fmt_count(&n1, q, shown);
    fmt_count(&n2, q, ok);
    if (f.active)
        /* TRANSLATORS: the library filtered: %1$s archives shown of %2$s. */
        smz__tr_fill(&b, NTR(q, "%1$s of %2$s archive", "%1$s of %2$s archives", (unsigned long)ok), 2,
                     smz_strbuf_str(&n1), smz_strbuf_str(&n2));
    else
        smz__tr_fill(&b, NTR(q, "%s archive", "%s archives", (unsigned long)ok), 1, smz_strbuf_str(&n2));
    if (broken && !f.active) {
        smz_strbuf_reset(&n1);
        fmt_count(&n1, q, broken);
        smz__tr_fill(&b,
                     NTR(q, ", %s that cannot be read", ", %s that cannot be read",
                         (unsigned long)broken),
                     1, smz_strbuf_str(&n1));
    }
    smz_strbuf_free(&n1);
    smz_strbuf_free(&n2);
    smz_strbuf_addf(&b, " &middot; <a href=\"%s/opds", s->http.root);
    lang_keep(&b, q, 1);
    smz_strbuf_adds(&b, "\">");
    tr_html(&b, q, "OPDS catalog");
    smz_strbuf_adds(&b, "</a></p></header>");
    library_filters(&b, q, g, ok, &f);
    if (shown) {
        smz_strbuf_adds(&b, "<ul class=\"smz-books\">");
        for (size_t i = 0; i < g->n; i++)
            if (filter_match(&f, &g->a[i]))
                book_card(&b, q, &g->a[i]);
        smz_strbuf_adds(&b, "</ul>");
    } else if (f.active) {
        smz_strbuf_adds(&b, "<p class=\"smz-note\">");
        tr_html(&b, q, "No archive matches.");
        smz_strbuf_addf(&b, " <a href=\"%s/", s->http.root);
        lang_keep(&b, q, 1);
        smz_strbuf_adds(&b, "\">");
        tr_html(&b, q, "Show all");
        smz_strbuf_adds(&b, "</a></p>");
    } else {
        smz_strbuf_adds(&b, "<p class=\"smz-note\">");
        tr_html(&b, q, "This library has no archives.");
        smz_strbuf_adds(&b, "</p>");
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
    page_begin_head(&b, q, TR(q, "OPDS catalog"), NULL, NULL, smz_strbuf_str(&head));
    smz_strbuf link;
    smz_strbuf_init(&link, 4096);
    smz_strbuf_addf(&link, "<a href=\"%s/", s->http.root);
    lang_keep(&link, q, 1);
    smz_strbuf_adds(&link, "\">");
    tr_html(&link, q, "library page");
    smz_strbuf_adds(&link, "</a>");
    smz_strbuf_adds(&b, "<div class=\"smz-doc\"><h1>");
    tr_html(&b, q, "OPDS catalog");
    smz_strbuf_adds(&b, "</h1><p>");
    tr_html(&b, q,
            "OPDS is a catalog format for reading apps. An app that reads OPDS catalogs can list the "
            "archives of this library and download them, as it does for e-books.");
    smz_strbuf_adds(&b, " ");
    /* TRANSLATORS: %s is a link whose text is "library page". */
    smz__tr_fill(&b, TR(q, "People read the library here, on the %s; the catalog is for apps."), 1,
                 smz_strbuf_str(&link));
    smz_strbuf_free(&link);
    smz_strbuf_adds(&b, "</p><h2>");
    tr_html(&b, q, "Add this library to an app");
    smz_strbuf_adds(&b, "</h2><p>");
    tr_html(&b, q,
            "In the app, choose to add a catalog (it may be called OPDS, online catalog or library) and "
            "give it this address:");
    smz_strbuf_adds(&b, "</p><p class=\"smz-copy\"><input type=\"text\" readonly dir=\"ltr\" value=\"");
    smz__html_add_clean(&b, smz_strbuf_str(&url));
    smz_strbuf_adds(&b, "\" aria-label=\"");
    tr_html(&b, q, "The catalog's address");
    smz_strbuf_adds(&b, "\" spellcheck=\"false\"></p><p>");
    /* TRANSLATORS: %1$s is "smz serve", %2$s "--address", %3$s "--allow" (code). */
    smz__tr_fill(
        &b,
        TR(q, "The app must be able to reach this address: an app on another device reaches it only "
              "when %1$s listens on the network (%2$s, with %3$s to say who may connect)."),
        3, "<code>smz serve</code>", "<code>--address</code>", "<code>--allow</code>");
    smz_strbuf_adds(&b, "</p><p>");
    /* TRANSLATORS: %s is ".smz" (code). */
    smz__tr_fill(&b,
                 TR(q,
                    "The app then fetches %s files, which only Samizdat reads: Kiwix apps list them but "
                    "cannot open them yet."),
                 1, "<code>.smz</code>");
    smz_strbuf_adds(&b, "</p><h2>");
    tr_html(&b, q, "The feeds");
    smz_strbuf_addf(
        &b, "</h2><ul class=\"smz-feeds\"><li><a href=\"%s/catalog/v2/root.xml\" type=\"" OPDS_NAV "\">",
        s->http.root);
    tr_html(&b, q, "The catalog");
    smz_strbuf_adds(&b, "</a> (");
    tr_html(&b, q, "navigation feed: where an app starts");
    smz_strbuf_addf(&b, ")</li><li><a href=\"%s/catalog/v2/entries\" type=\"" OPDS_ACQ "\">",
                    s->http.root);
    tr_html(&b, q, "Every archive");
    smz_strbuf_adds(&b, "</a> (");
    /* TRANSLATORS: %s is the list of the feed's parameters (code). */
    smz__tr_fill(&b, TR(q, "acquisition feed, %s"), 1,
                 "<code>?lang=</code>, <code>?name=</code>, <code>?start=</code>, <code>?count=</code>");
    smz_strbuf_adds(&b, ")</li></ul><p>");
    tr_html(&b, q, "A browser shows these feeds as raw XML: they are written for apps.");
    smz_strbuf_adds(&b, "</p></div>");
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
