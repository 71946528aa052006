/* HTML to title, language and visible text (see html.h).
 *
 * libxml2's HTML parser does the parsing (it knows HTML's implied tags,
 * entities and charsets) and reports each element's start and end and each
 * run of text through SAX callbacks, with implied end tags reported as
 * such; no tree is built.  The callbacks keep a few collectors (the body
 * text, the <title>, the first visible <h1>, the first <h1> at all), each
 * with its own count of sectioning elements and of skipped elements open
 * around it, so memory is linear in the output, not in the page, and a
 * page nested a million deep costs no stack.  Every byte that reaches the
 * output is re-decoded, so whatever libxml2 lets through, the result is
 * valid UTF-8.
 *
 * The body text has two parts: the body proper, and the text set aside (a
 * header, footer or caption inside the content, the "From the original" of
 * an article page, the body's first heading when it is the page's title
 * (DocBook's pages head with an <h2>, Sphinx's with an <h1>)), which the
 * index and the phrase checks read but snippets do not.  Set-aside text is
 * kept in a second buffer and follows the body, after a newline, at the
 * end: it is a block of its own, so moving it changes no token, only the
 * order of blocks. */
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/threads.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "text/html.h"
#include "text/utf8.h"

/* What an element means to the text. */
enum {
    K_SKIP = 1,     /* never visible, or repeated on every page */
    K_BLOCK = 2,    /* starts and ends a line */
    K_CELL = 4,     /* separated from its neighbours by a space */
    K_SECTION = 8,  /* a header or footer inside it belongs to the content */
    K_SITEBAR = 16, /* header/footer: skipped outside sectioning content */
    K_H1 = 32,
    K_OPAQUE = 64, /* svg, math, template: a <title> or <h1> inside is not the page's */
    K_TITLE = 128,
    K_ASIDE = 256, /* indexed but set aside from the snippet's body */
    K_HEADING = 512,
    K_LINK = 1024
};

/* Sorted by name (bsearch); the HTML parser gives names in lower case. */
static const struct element {
    const char *name;
    int kind;
} elements[] = {
    {"a", K_LINK},
    {"address", K_BLOCK},
    {"article", K_BLOCK | K_SECTION},
    {"aside", K_BLOCK},
    {"audio", K_SKIP},
    {"blockquote", K_BLOCK},
    {"body", K_BLOCK},
    {"br", K_BLOCK},
    {"button", K_SKIP},
    {"canvas", K_SKIP},
    {"caption", K_BLOCK},
    {"center", K_BLOCK},
    {"datalist", K_SKIP},
    {"dd", K_BLOCK},
    {"details", K_BLOCK},
    {"dialog", K_BLOCK},
    {"dir", K_BLOCK},
    {"div", K_BLOCK},
    {"dl", K_BLOCK},
    {"dt", K_BLOCK},
    {"embed", K_SKIP},
    {"fieldset", K_BLOCK},
    {"figcaption", K_BLOCK | K_ASIDE},
    {"figure", K_BLOCK},
    {"footer", K_BLOCK | K_SITEBAR | K_ASIDE},
    {"form", K_BLOCK},
    {"h1", K_BLOCK | K_H1 | K_HEADING},
    {"h2", K_BLOCK | K_HEADING},
    {"h3", K_BLOCK | K_HEADING},
    {"h4", K_BLOCK | K_HEADING},
    {"h5", K_BLOCK | K_HEADING},
    {"h6", K_BLOCK | K_HEADING},
    {"head", K_SKIP},
    {"header", K_BLOCK | K_SITEBAR | K_ASIDE},
    {"hr", K_BLOCK},
    {"html", K_BLOCK},
    {"iframe", K_SKIP},
    {"img", K_CELL},
    {"input", K_SKIP},
    {"legend", K_BLOCK},
    {"li", K_BLOCK},
    {"main", K_BLOCK | K_SECTION},
    {"math", K_SKIP | K_OPAQUE},
    {"menu", K_BLOCK},
    {"nav", K_SKIP},
    {"noscript", K_SKIP},
    {"object", K_SKIP},
    {"ol", K_BLOCK},
    {"option", K_BLOCK},
    {"p", K_BLOCK},
    {"pre", K_BLOCK},
    {"script", K_SKIP},
    {"section", K_BLOCK | K_SECTION},
    {"select", K_SKIP},
    {"style", K_SKIP},
    {"summary", K_BLOCK},
    {"svg", K_SKIP | K_OPAQUE},
    {"table", K_BLOCK},
    {"tbody", K_BLOCK},
    {"td", K_CELL},
    {"template", K_SKIP | K_OPAQUE},
    {"textarea", K_SKIP},
    {"tfoot", K_BLOCK},
    {"th", K_CELL},
    {"thead", K_BLOCK},
    {"title", K_SKIP | K_TITLE},
    {"tr", K_BLOCK},
    {"ul", K_BLOCK},
    {"video", K_SKIP},
};

/* Navigation repeated on every page of common site generators: DocBook
 * (PostgreSQL: navheader, navfooter), Sphinx (Python: related,
 * sphinxsidebar, footer, and the headerlink pilcrows), generic names, and
 * the labels of our own generated pages (smz-label: "original text",
 * "(file date)", "From the original"), words every article would share. */
static const char *const nav_classes[] = {
    "navheader",   "navfooter",   "related",     "sphinxsidebar", "footer",
    "headerlink",  "breadcrumb",  "breadcrumbs", "navbar",        "sidebar",
    "site-header", "site-footer", "skip-link",   "toc-nav",       "smz-label",
};

/* Classes of captions and of an article page's "From the original"
 * (lib/article: p.caption, details.from-original), set aside as
 * <figcaption> is, on a block or a cell only: text set aside must be
 * separated from its neighbours, so that moving it changes no token. */
static const char *const aside_classes[] = {"caption", "wp-caption-text", "from-original"};

/* ARIA landmarks that mark the same things as nav, header and footer. */
static const char *const nav_roles[] = {"navigation", "search", "banner", "contentinfo"};

static int element_cmp(const void *key, const void *e)
{
    return strcasecmp(key, ((const struct element *)e)->name);
}

static int elem_kind(const char *name)
{
    const struct element *e = name ? bsearch(name, elements, sizeof elements / sizeof elements[0],
                                             sizeof elements[0], element_cmp)
                                   : NULL;
    return e ? e->kind : 0;
}

static int word_in(const char *w, size_t len, const char *const *set, size_t nset)
{
    for (size_t i = 0; i < nset; i++)
        if (strlen(set[i]) == len && !strncasecmp(w, set[i], len))
            return 1;
    return 0;
}

/* Whether a space-separated attribute value has one of the words in SET. */
static int has_word(const char *v, const char *const *set, size_t nset)
{
    while (v && *v) {
        v += strspn(v, " \t\r\n\f");
        size_t len = strcspn(v, " \t\r\n\f");
        if (len && word_in(v, len, set, nset))
            return 1;
        v += len;
    }
    return 0;
}

/* An inline style that hides the element: display:none or visibility:hidden,
 * ignoring spaces and case. */
static int style_hides(const char *s)
{
    char norm[128];
    size_t n = 0;
    for (; *s && n + 1 < sizeof norm; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            norm[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    norm[n] = 0;
    return strstr(norm, "display:none") || strstr(norm, "visibility:hidden");
}

/* The attributes that can hide an element, and whether VALUE does. */
static const char *const hiding_attrs[] = {"hidden", "aria-hidden", "role", "class", "style"};

static int hides(size_t attr, const char *v)
{
    switch (attr) {
    case 0: return 1;
    case 1: return !strcasecmp(v, "true");
    case 2: return has_word(v, nav_roles, sizeof nav_roles / sizeof nav_roles[0]);
    case 3: return has_word(v, nav_classes, sizeof nav_classes / sizeof nav_classes[0]);
    default: return style_hides(v);
    }
}

/* Whether the SAX attribute pairs ATTS hide their element; of an attribute
 * given twice, the first counts.  A value-less attribute (<div hidden>)
 * has the value "". */
static int hidden(const xmlChar **atts)
{
    unsigned seen = 0;
    for (size_t i = 0; atts && atts[i]; i += 2)
        for (size_t k = 0; k < sizeof hiding_attrs / sizeof hiding_attrs[0]; k++) {
            if (strcasecmp((const char *)atts[i], hiding_attrs[k]))
                continue;
            if (!(seen & 1u << k) && hides(k, atts[i + 1] ? (const char *)atts[i + 1] : ""))
                return 1;
            seen |= 1u << k;
            break;
        }
    return 0;
}

/* The value of attribute NAME in ATTS ("" for one without a value); NULL
 * when absent.  The first one counts. */
static const char *attr(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (!strcasecmp((const char *)atts[i], name))
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* ---- text buffers ---- */

typedef struct tbuf {
    char *p;
    size_t len, cap, max;
    int owed; /* separator owed before the next character: 0, ' ' or '\n' */
    int full; /* the cap was reached */
} tbuf;

static int tbuf_reserve(tbuf *b, size_t add)
{
    if (b->len + add + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + add + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Appends one character (already valid UTF-8 in C, N bytes), paying any
 * separator owed first.  Returns -1 on allocation failure. */
static int tbuf_char(tbuf *b, const char *c, size_t n)
{
    size_t need = n + (b->owed && b->len ? 1 : 0);
    if (b->len + need > b->max) {
        b->full = 1;
        return 0;
    }
    if (tbuf_reserve(b, need) != 0)
        return -1;
    if (b->owed && b->len)
        b->p[b->len++] = (char)b->owed;
    b->owed = 0;
    memcpy(b->p + b->len, c, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static void tbuf_owe(tbuf *b, int sep)
{
    if (sep == '\n' || !b->owed)
        b->owed = sep;
}

/* White space as far as collapsing goes: ASCII space characters and the
 * Unicode space separators (no-break, ideographic, ...). */
static int is_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

/* Appends the LEN bytes at S with runs of white space and control
 * characters folded into one space, and anything that is not valid UTF-8
 * replaced by U+FFFD.  Runs of printable ASCII are copied at once. */
static int tbuf_text(tbuf *b, const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len && !b->full;) {
        uint32_t c;
        size_t k = i;
        while (k < len && s[k] > ' ' && s[k] < 0x7F)
            k++;
        if (k > i) {
            size_t n = k - i, sep = b->owed && b->len ? 1 : 0;
            if (b->len + sep + n > b->max) { /* up to the cap, a character at a time */
                for (; i < k && !b->full; i++)
                    if (tbuf_char(b, (const char *)s + i, 1) != 0)
                        return -1;
                continue;
            }
            if (tbuf_reserve(b, sep + n) != 0)
                return -1;
            if (sep)
                b->p[b->len++] = (char)b->owed;
            b->owed = 0;
            memcpy(b->p + b->len, s + i, n);
            b->len += n;
            b->p[b->len] = 0;
            i = k;
            continue;
        }
        k = smz__utf8_next(s + i, len - i, &c);
        if (is_space(c) || c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            tbuf_owe(b, ' ');
        } else if (c == SMZ_UTF8_INVALID) {
            if (tbuf_char(b, "\xEF\xBF\xBD", 3) != 0)
                return -1;
        } else if (tbuf_char(b, (const char *)s + i, k) != 0) {
            return -1;
        }
        i += k;
    }
    return 0;
}

/* ---- collectors ---- */

/* The text of one element's content: the body's (the root element's), or a
 * title's, one line with sectioning assumed so that a header inside counts. */
typedef struct collector {
    tbuf b;
    tbuf *also[2];   /* the body's set-aside and heading buffers, owed the same separators */
    int state;       /* 0: not started, 1: collecting, 2: done */
    int inline_only; /* block boundaries become spaces */
    size_t sections; /* sectioning elements open inside it */
    size_t depth;    /* depth of the element it collects */
    size_t skip;     /* >0: inside a skipped element, this many levels deep */
} collector;

enum { C_BODY, C_TITLE, C_H1_SEEN, C_H1_ANY, C_COUNT };

typedef struct parse_state {
    htmlParserCtxtPtr ctxt;
    collector c[C_COUNT];
    size_t depth;       /* open elements, the root counting as open to the end */
    size_t opaque;      /* open svg, math and template elements */
    int rooted;         /* the root element has been seen */
    int want_title;     /* the title and the h1s are wanted, not only the text */
    smz_text_sink sink; /* shown the text as it grows, when not NULL */
    void *sink_ctx;
    size_t next;     /* the body text's length at which the sink is next called */
    tbuf aside;      /* the body's text set aside (see the top of this file) */
    tbuf h1;         /* the body's first heading, until it ends: the title or not */
    tbuf heads;      /* the body's headings (with want_title), one a line */
    size_t heads_at; /* depth of the heading open, 0: none */
    size_t link_at;  /* depth of the link open (<a>), 0: none */
    size_t linked;   /* bytes of body text given inside links */
    size_t given;    /* bytes of body text given in all */
    size_t aside_at; /* depth of the set-aside element open, 0: none */
    size_t h1_at;    /* depth of that heading while open, 0: none */
    int h1_seen;     /* the body's first heading was seen */
    int head_is_h1;  /* that heading is an <h1> */
    int stopped;     /* the sink said it had enough (or memory ran out) */
    int nomem;
    char *lang; /* the root's lang, when it looks like a language tag */
} parse_state;

static void start_collecting(collector *c, size_t depth, int inline_only)
{
    c->state = 1;
    c->depth = depth;
    c->inline_only = inline_only;
    c->sections = inline_only; /* a title's header is not the site's */
    c->skip = 0;
}

static void owe(collector *c, int sep)
{
    tbuf_owe(&c->b, sep);
    for (int i = 0; i < 2; i++)
        if (c->also[i])
            tbuf_owe(c->also[i], sep);
}

/* An element opens: ATTS are checked for hiding only when it matters. */
static void enter(collector *c, int k, const xmlChar **atts, int *hid)
{
    if (c->state != 1)
        return;
    if (c->skip) {
        c->skip++;
        return;
    }
    if (!(k & K_SKIP) && !((k & K_SITEBAR) && !c->sections) && *hid < 0)
        *hid = hidden(atts);
    if ((k & K_SKIP) || ((k & K_SITEBAR) && !c->sections) || *hid == 1) {
        c->skip = 1;
        return;
    }
    if (k & K_SECTION)
        c->sections++;
    if (k & (K_BLOCK | K_CELL))
        owe(c, (k & K_BLOCK) && !c->inline_only ? '\n' : ' ');
}

static void leave(collector *c, int k, size_t depth)
{
    if (c->state != 1)
        return;
    if (depth <= c->depth) {
        c->state = 2;
        return;
    }
    if (c->skip) {
        c->skip--;
        return;
    }
    if (k & K_SECTION)
        c->sections--;
    if (k & (K_BLOCK | K_CELL))
        owe(c, (k & K_BLOCK) && !c->inline_only ? '\n' : ' ');
}

static char *lang_of(const xmlChar **atts)
{
    const char *v = attr(atts, "lang");
    if (!v || !*v)
        v = attr(atts, "xml:lang");
    size_t n = v ? strlen(v) : 0;
    int ok = smz__lang_tag_ok(v, n);
    return ok ? strndup(v, n) : NULL;
}

/* Whether a class of ATTS marks a caption (aside_classes). */
static int aside_class(const xmlChar **atts)
{
    return has_word(attr(atts, "class"), aside_classes, sizeof aside_classes / sizeof aside_classes[0]);
}

/* Whether the title goes on after the LEN bytes it shares with the
 * heading with a separator ("os \xE2\x80\x94 ... \xE2\x80\x94 Python 3.11
 * documentation"): a space, then punctuation, a dash or a middle dot. */
static int title_goes_on(const char *t, size_t tlen, size_t len)
{
    static const char *const seps[] = {"\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xB7", "\xE2\x80\xA2",
                                       "\xEF\xBD\x9C"};
    if (len + 2 > tlen || t[len] != ' ')
        return 0;
    const char *r = t + len + 1;
    size_t rn = tlen - len - 1;
    if ((unsigned char)*r < 0x80)
        return strchr("-|:/,;.~([", *r) != NULL;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
        if (rn >= strlen(seps[i]) && !memcmp(r, seps[i], strlen(seps[i])))
            return 1;
    return 0;
}

/* Whether the body's first heading, just ended, is the page's title: its
 * text is the <title>'s (block breaks read as spaces), or begins it before
 * a separator; with no <title> before it, an <h1> is the title
 * (smz__html_extract takes it as such). */
static int h1_is_title(const parse_state *p)
{
    const tbuf *t = &p->c[C_TITLE].b, *h = &p->h1;
    if (!h->len)
        return 0;
    if (!t->len)
        return p->head_is_h1;
    if (h->len > t->len)
        return 0;
    for (size_t i = 0; i < h->len; i++)
        if ((h->p[i] == '\n' ? ' ' : h->p[i]) != t->p[i])
            return 0;
    return h->len == t->len || title_goes_on(t->p, t->len, h->len);
}

/* Bytes the body's three buffers may still take together. */
static size_t body_room(const parse_state *p)
{
    size_t used = p->c[C_BODY].b.len + p->aside.len + p->h1.len;
    return SMZ_HTML_MAX_TEXT > used ? SMZ_HTML_MAX_TEXT - used : 0;
}

/* Appends the text of SRC (collapsed already, '\n' between blocks) to DST
 * and empties SRC. */
static int tbuf_move(parse_state *p, tbuf *dst, tbuf *src)
{
    const char *s = src->p;
    size_t n = src->len;
    dst->max = dst->len + n + 1 + body_room(p);
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && s[k] != '\n')
            k++;
        if (tbuf_text(dst, (const unsigned char *)s + i, k - i) != 0)
            return -1;
        if (k < n)
            tbuf_owe(dst, '\n');
        i = k + 1;
    }
    src->len = 0;
    src->owed = 0;
    if (src->p)
        src->p[0] = 0;
    return 0;
}

/* The body's first heading ended (or the page did): to the body, or set
 * aside when it is the title. */
static void h1_done(parse_state *p)
{
    p->h1_at = 0;
    if (tbuf_move(p, h1_is_title(p) ? &p->aside : &p->c[C_BODY].b, &p->h1) != 0)
        p->nomem = 1;
}

static void stop(parse_state *p)
{
    if (!p->stopped) {
        p->stopped = 1;
        xmlStopParser(p->ctxt);
    }
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    parse_state *p = ctx;
    if (p->stopped)
        return;
    int k = elem_kind((const char *)name), hid = -1;
    collector *c = p->c;
    if (p->depth == 0 && p->rooted)
        p->depth = 1; /* an element after the root closed is read as inside it */
    p->depth++;
    if (p->depth == 1) {
        p->rooted = 1;
        if (p->want_title)
            p->lang = lang_of(atts);
        start_collecting(&c[C_BODY], 1, 0);
    } else {
        for (int i = 0; i < C_COUNT; i++)
            enter(&c[i], k, atts, &hid);
        collector *b = &c[C_BODY];
        if (b->state == 1 && !b->skip) {
            if (!p->aside_at && !p->h1_at &&
                ((k & K_ASIDE) || ((k & (K_BLOCK | K_CELL)) && aside_class(atts))))
                p->aside_at = p->depth;
            else if ((k & K_HEADING) && !p->aside_at && !p->h1_at && !p->h1_seen) {
                p->h1_at = p->depth;
                p->head_is_h1 = (k & K_H1) != 0;
            }
            if (k & K_HEADING)
                p->h1_seen = 1;
            if ((k & K_LINK) && !p->link_at)
                p->link_at = p->depth;
            if ((k & K_HEADING) && p->want_title && !p->heads_at) {
                p->heads_at = p->depth;
                tbuf_owe(&p->heads, '\n');
            }
        }
        /* The first <h1> the body text went into. */
        if ((k & K_H1) && c[C_BODY].state == 1 && !c[C_BODY].skip && c[C_H1_SEEN].state == 0 &&
            p->want_title)
            start_collecting(&c[C_H1_SEEN], p->depth, 1);
    }
    if (!p->opaque && (k & K_TITLE) && c[C_TITLE].state == 0)
        start_collecting(&c[C_TITLE], p->depth, 1); /* for the snippet's body too */
    if (p->want_title && !p->opaque) {
        if ((k & K_H1) && c[C_H1_ANY].state == 0)
            start_collecting(&c[C_H1_ANY], p->depth, 1);
    }
    if (k & K_OPAQUE)
        p->opaque++;
}

/* The root element never ends: the parser may report more after it. */
static void on_end(void *ctx, const xmlChar *name)
{
    parse_state *p = ctx;
    if (p->stopped || !p->depth)
        return;
    if (p->depth > 1) {
        int k = elem_kind((const char *)name);
        if (k & K_OPAQUE && p->opaque)
            p->opaque--;
        if (p->h1_at == p->depth)
            h1_done(p);
        if (p->heads_at == p->depth)
            p->heads_at = 0;
        if (p->link_at == p->depth)
            p->link_at = 0;
        for (int i = 0; i < C_COUNT; i++)
            leave(&p->c[i], k, p->depth);
        if (p->aside_at == p->depth)
            p->aside_at = 0;
    }
    p->depth--;
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    parse_state *p = ctx;
    if (p->stopped || !p->depth || len <= 0)
        return;
    for (int i = 0; i < C_COUNT; i++) {
        collector *c = &p->c[i];
        if (c->state != 1 || c->skip)
            continue;
        tbuf *dst = &c->b;
        if (i == C_BODY) {
            dst = p->h1_at ? &p->h1 : p->aside_at ? &p->aside : &c->b;
            dst->max = dst->len + body_room(p);
        }
        if (tbuf_text(dst, s, (size_t)len) != 0) {
            p->nomem = 1;
            stop(p);
            return;
        }
        if (dst->full)
            c->state = 2; /* the body stops at its cap; the h1 seen stays the first one */
    }
    if (p->c[C_BODY].state == 1 && !p->c[C_BODY].skip) {
        p->given += (size_t)len;
        if (p->link_at)
            p->linked += (size_t)len;
    }
    if (p->heads_at && p->c[C_BODY].state == 1 && !p->c[C_BODY].skip && !p->heads.full &&
        tbuf_text(&p->heads, s, (size_t)len) != 0) {
        p->nomem = 1;
        stop(p);
        return;
    }
    tbuf *b = &p->c[C_BODY].b;
    if (p->sink && b->len >= p->next && !p->stopped) {
        size_t piece = smz_text_whole_words(b->p, b->len, b->owed != 0);
        if (p->sink(p->sink_ctx, b->p, piece, piece, 0))
            stop(p);
        p->next = b->len * SMZ_TEXT_GROWTH;
    }
}

/* libxml2 reports some problems (charset conversion) through its per-thread
 * generic handler even with HTML_PARSE_NOERROR; a library must not print. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* libxml2 2.9 does not always survive running out of memory.  On a memory
 * error it marks the parse ended without moving its input, and a skip loop
 * ("up to the next '>'") then spins, its next-character call doing nothing;
 * when a tag's name cannot be stored, it goes back to the same '<' for ever,
 * reporting the same error each time (its skip loop tests CUR == 0 where it
 * means != 0).  So a memory error moves the input to its end, which ends
 * the first kind of loop; a flood of errors marks the parse ended, which
 * ends the second (its loop checks that first), and if errors still come,
 * moves the input to the end too.  The parse then counts as failed. */
typedef struct parse_guard {
    htmlParserCtxtPtr ctxt;
    size_t errors, max_errors;
    int failed;
} parse_guard;

static void on_error(void *ctx, xmlErrorPtr e)
{
    parse_guard *g = ctx;
    int oom = e && e->code == XML_ERR_NO_MEMORY;
    if (!e || (!oom && ++g->errors <= g->max_errors))
        return;
    g->failed = 1;
    htmlParserCtxtPtr c = g->ctxt;
    if (!c || !c->input)
        return;
    c->instate = XML_PARSER_EOF;
    if ((oom || g->errors > 2 * g->max_errors) && c->input->end) {
        c->input->cur = c->input->end;
        c->disableSAX = 1;
    }
}

/* Runs the parser over the LEN bytes at HTML with P's callbacks.  Returns
 * SMZ_OK, SMZ_E_TOOBIG (over libxml2's INT_MAX) or SMZ_E_NOMEM (then what
 * the collectors hold is incomplete and must not be used). */
static smz_err parse(const char *html, size_t len, int utf8, parse_state *p)
{
    if (len > INT_MAX)
        return SMZ_E_TOOBIG;
    if (!len || !html)
        return SMZ_OK;
    xmlInitParser();
    /* An XML context turned HTML, as htmlReadMemory does it step by step:
     * its charset starts as UTF-8, with libxml2's fall-back to Latin-1 for
     * bytes that are not, where an HTML context would guess Latin-1. */
    /* On every thread but the first, libxml2 (2.9.14) keeps its settings in
     * a block it allocates on first use and reads through a NULL pointer when
     * that allocation fails: ask for the block here, where a failure can be
     * reported. */
    if (!xmlIsMainThread() && !xmlGetGlobalState())
        return SMZ_E_NOMEM;
    parse_guard g = {xmlCreateMemoryParserCtxt(html, (int)len), 0, 4 * len + 1000, 0};
    if (!g.ctxt)
        return SMZ_E_NOMEM;
    p->ctxt = g.ctxt;
    /* Text decoded already (UTF8): a <meta charset> in it no longer says
     * what its bytes are. */
    htmlCtxtUseOptions(g.ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                   HTML_PARSE_RECOVER | (utf8 ? HTML_PARSE_IGNORE_ENC : 0));
    xmlSAXHandler *sax = g.ctxt->sax;
    if (!sax) {
        htmlFreeParserCtxt(g.ctxt);
        return SMZ_E_NOMEM;
    }
    memset(sax, 0, sizeof *sax);
    sax->initialized = 1; /* SAX1: the HTML parser calls startElement */
    sax->startElement = on_start;
    sax->endElement = on_end;
    sax->characters = on_text;
    sax->cdataBlock = on_text;
    g.ctxt->userData = p;
    g.ctxt->html = 1;
    xmlGenericErrorFunc old = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc old_s = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(&g, on_error);
    htmlParseDocument(g.ctxt);
    xmlSetGenericErrorFunc(old_ctx, old);
    xmlSetStructuredErrorFunc(old_sctx, old_s);
    if (g.ctxt->errNo == XML_ERR_NO_MEMORY)
        g.failed = 1;
    htmlFreeParserCtxt(g.ctxt);
    p->ctxt = NULL;
    /* A page the parser gave up on halfway has no text at all, as before
     * when it ran out of memory; a stop asked for is not a failure. */
    return p->nomem || (g.failed && !p->stopped) ? SMZ_E_NOMEM : SMZ_OK;
}

static void state_free(parse_state *p)
{
    for (int i = 0; i < C_COUNT; i++)
        free(p->c[i].b.p);
    free(p->aside.p);
    free(p->h1.p);
    free(p->heads.p);
    free(p->lang);
}

/* Puts the set-aside text after the body, past a newline, in the body's
 * buffer, within its cap; *BODY gets the body's length. */
static smz_err finish_body(parse_state *p, size_t *body)
{
    tbuf *b = &p->c[C_BODY].b;
    if (p->h1_at)
        h1_done(p); /* a page that ends inside it */
    if (p->nomem)
        return SMZ_E_NOMEM;
    *body = b->len;
    if (!p->aside.len)
        return SMZ_OK;
    size_t sep = b->len ? 1 : 0,
           room = SMZ_HTML_MAX_TEXT > b->len + sep ? SMZ_HTML_MAX_TEXT - b->len - sep : 0;
    size_t n = p->aside.len <= room ? p->aside.len : smz__utf8_cut(p->aside.p, p->aside.len, room);
    if (!n)
        return SMZ_OK;
    if (tbuf_reserve(b, sep + n) != 0)
        return SMZ_E_NOMEM;
    if (sep)
        b->p[b->len++] = '\n';
    memcpy(b->p + b->len, p->aside.p, n);
    b->len += n;
    b->p[b->len] = 0;
    return SMZ_OK;
}

static char *take(tbuf *b, size_t *len)
{
    char *s = b->p ? b->p : strdup("");
    *len = b->p ? b->len : 0;
    b->p = NULL;
    return s;
}

static void state_init(parse_state *p)
{
    *p = (parse_state){0};
    p->c[C_BODY].b.max = SMZ_HTML_MAX_TEXT;
    p->c[C_BODY].also[0] = &p->aside;
    p->c[C_BODY].also[1] = &p->h1;
    p->heads.max = SMZ_HTML_MAX_HEADINGS;
    for (int i = C_TITLE; i < C_COUNT; i++)
        p->c[i].b.max = SMZ_HTML_MAX_TITLE;
}

static smz_err extract(const char *html, size_t len, int utf8, smz_html_text *out)
{
    parse_state p;
    *out = (smz_html_text){0};
    state_init(&p);
    p.want_title = 1;
    smz_err rc = parse(html, len, utf8, &p);
    if (rc == SMZ_OK)
        rc = finish_body(&p, &out->body_len);
    if (rc != SMZ_OK)
        goto out;
    /* <title>, else the first visible <h1>, else any <h1> (one in a
     * skipped site header). */
    collector *t = &p.c[C_TITLE];
    if (!t->b.len)
        t = p.c[C_H1_SEEN].state ? &p.c[C_H1_SEEN] : &p.c[C_H1_ANY];
    rc = SMZ_E_NOMEM;
    out->link_share = p.given ? (double)p.linked / (double)p.given : 0.0;
    out->truncated = t->b.full || p.c[C_BODY].b.full || p.aside.full || p.h1.full;
    if (!(out->lang = p.lang ? p.lang : strdup("")))
        goto out;
    p.lang = NULL;
    if (!(out->title = take(&t->b, &out->title_len)) ||
        !(out->text = take(&p.c[C_BODY].b, &out->text_len)) ||
        !(out->headings = take(&p.heads, &out->headings_len)))
        goto out;
    rc = SMZ_OK;
out:
    if (rc != SMZ_OK)
        smz__html_text_free(out);
    state_free(&p);
    return rc;
}

smz_err smz__html_extract(const char *html, size_t len, smz_html_text *out)
{
    return extract(html, len, 0, out);
}

smz_err smz__html_extract_utf8(const char *html, size_t len, smz_html_text *out)
{
    return extract(html, len, 1, out);
}

static smz_err text_scan(const char *html, size_t len, int utf8, size_t first, smz_text_sink sink,
                         void *ctx)
{
    parse_state p;
    state_init(&p);
    p.sink = sink;
    p.sink_ctx = ctx;
    p.next = first ? first : SIZE_MAX;
    smz_err rc = parse(html, len, utf8, &p);
    size_t body = 0;
    if (rc == SMZ_OK && !p.stopped && (rc = finish_body(&p, &body)) == SMZ_OK) {
        tbuf *b = &p.c[C_BODY].b;
        sink(ctx, b->p ? b->p : "", b->len, body, 1);
    }
    state_free(&p);
    return rc;
}

smz_err smz__html_text_scan(const char *html, size_t len, size_t first, smz_text_sink sink, void *ctx)
{
    return text_scan(html, len, 0, first, sink, ctx);
}

smz_err smz__html_text_scan_utf8(const char *html, size_t len, size_t first, smz_text_sink sink,
                                 void *ctx)
{
    return text_scan(html, len, 1, first, sink, ctx);
}

void smz__html_init(void)
{
    xmlInitParser();
}

void smz__html_text_free(smz_html_text *t)
{
    if (!t)
        return;
    free(t->title);
    free(t->text);
    free(t->headings);
    free(t->lang);
    *t = (smz_html_text){0};
}
