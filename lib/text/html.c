/* HTML to title, language and visible text (see html.h).
 *
 * libxml2 builds the tree (it knows HTML's implied tags, entities and
 * charsets); this file only walks it.  The walk is iterative, so a hostile
 * page nested a million deep cannot exhaust the stack, and every byte that
 * reaches the output is re-decoded, so whatever libxml2 lets through, the
 * result is valid UTF-8. */
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "text/html.h"
#include "text/utf8.h"

/* What an element means to the walk. */
enum {
    K_SKIP = 1,      /* never visible, or repeated on every page */
    K_BLOCK = 2,     /* starts and ends a line */
    K_CELL = 4,      /* separated from its neighbours by a space */
    K_SECTION = 8,   /* a header or footer inside it belongs to the content */
    K_SITEBAR = 16,  /* header/footer: skipped outside sectioning content */
    K_H1 = 32
};

static const struct {
    const char *name;
    int kind;
} elements[] = {
    {"script", K_SKIP}, {"style", K_SKIP}, {"noscript", K_SKIP}, {"template", K_SKIP},
    {"svg", K_SKIP}, {"math", K_SKIP}, {"head", K_SKIP}, {"title", K_SKIP}, {"nav", K_SKIP},
    {"iframe", K_SKIP}, {"object", K_SKIP}, {"embed", K_SKIP}, {"canvas", K_SKIP},
    {"audio", K_SKIP}, {"video", K_SKIP}, {"button", K_SKIP}, {"select", K_SKIP},
    {"textarea", K_SKIP}, {"datalist", K_SKIP}, {"input", K_SKIP},
    {"header", K_BLOCK | K_SITEBAR}, {"footer", K_BLOCK | K_SITEBAR},
    {"article", K_BLOCK | K_SECTION}, {"section", K_BLOCK | K_SECTION},
    {"main", K_BLOCK | K_SECTION},
    {"h1", K_BLOCK | K_H1}, {"h2", K_BLOCK}, {"h3", K_BLOCK}, {"h4", K_BLOCK}, {"h5", K_BLOCK},
    {"h6", K_BLOCK}, {"p", K_BLOCK}, {"div", K_BLOCK}, {"br", K_BLOCK}, {"hr", K_BLOCK},
    {"li", K_BLOCK}, {"ul", K_BLOCK}, {"ol", K_BLOCK}, {"dl", K_BLOCK}, {"dt", K_BLOCK},
    {"dd", K_BLOCK}, {"pre", K_BLOCK}, {"blockquote", K_BLOCK}, {"table", K_BLOCK},
    {"tr", K_BLOCK}, {"caption", K_BLOCK}, {"thead", K_BLOCK}, {"tbody", K_BLOCK},
    {"tfoot", K_BLOCK}, {"address", K_BLOCK}, {"aside", K_BLOCK}, {"center", K_BLOCK},
    {"details", K_BLOCK}, {"summary", K_BLOCK}, {"dialog", K_BLOCK}, {"fieldset", K_BLOCK},
    {"legend", K_BLOCK}, {"figure", K_BLOCK}, {"figcaption", K_BLOCK}, {"form", K_BLOCK},
    {"menu", K_BLOCK}, {"dir", K_BLOCK}, {"body", K_BLOCK}, {"html", K_BLOCK},
    {"option", K_BLOCK}, {"td", K_CELL}, {"th", K_CELL}, {"img", K_CELL},
};

/* Navigation repeated on every page of common site generators: DocBook
 * (PostgreSQL: navheader, navfooter), Sphinx (Python: related,
 * sphinxsidebar, footer, and the headerlink pilcrows), and generic names. */
static const char *const nav_classes[] = {
    "navheader", "navfooter", "related", "sphinxsidebar", "footer", "headerlink",
    "breadcrumb", "breadcrumbs", "navbar", "sidebar", "site-header", "site-footer",
    "skip-link", "toc-nav",
};

/* ARIA landmarks that mark the same things as nav, header and footer. */
static const char *const nav_roles[] = {"navigation", "search", "banner", "contentinfo"};

typedef struct tbuf {
    char *p;
    size_t len, cap, max;
    int owed;  /* separator owed before the next character: 0, ' ' or '\n' */
    int full;  /* the cap was reached: stop walking */
} tbuf;

typedef struct walker {
    tbuf *b;
    int inline_only; /* titles: block boundaries become spaces */
    int sections;    /* how many sectioning elements enclose the current node */
    xmlNode *first_h1;
} walker;

static int elem_kind(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
        if (!strcasecmp(name, elements[i].name))
            return elements[i].kind;
    return 0;
}

/* The value of attribute NAME, when it is a plain string (the HTML parser
 * always makes it one); NULL when absent. */
static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (!a->name || strcasecmp((const char *)a->name, name))
            continue;
        if (!a->children)
            return "";
        if (a->children->type == XML_TEXT_NODE && !a->children->next && a->children->content)
            return (const char *)a->children->content;
        return NULL;
    }
    return NULL;
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

static int hidden(const xmlNode *n)
{
    const char *v;
    if (attr(n, "hidden"))
        return 1;
    if ((v = attr(n, "aria-hidden")) && !strcasecmp(v, "true"))
        return 1;
    if ((v = attr(n, "role")) && has_word(v, nav_roles, sizeof nav_roles / sizeof nav_roles[0]))
        return 1;
    if ((v = attr(n, "class")) &&
        has_word(v, nav_classes, sizeof nav_classes / sizeof nav_classes[0]))
        return 1;
    if ((v = attr(n, "style")) && style_hides(v))
        return 1;
    return 0;
}

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
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Appends text with runs of white space and control characters folded into
 * one space, and anything that is not valid UTF-8 replaced by U+FFFD. */
static int tbuf_text(tbuf *b, const unsigned char *s)
{
    size_t len = strlen((const char *)s);
    for (size_t i = 0; i < len && !b->full;) {
        uint32_t c;
        size_t k = smz_utf8_next(s + i, len - i, &c);
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

/* Called when the walk reaches N; returns 1 to go into N's children, 0 to
 * pass over them, -1 on allocation failure. */
static int enter(walker *w, xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        return n->content && tbuf_text(w->b, n->content) != 0 ? -1 : 0;
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    int k = elem_kind(n);
    if ((k & K_SKIP) || ((k & K_SITEBAR) && !w->sections) || hidden(n))
        return 0;
    if ((k & K_H1) && !w->first_h1)
        w->first_h1 = n;
    if (k & K_SECTION)
        w->sections++;
    if (k & (K_BLOCK | K_CELL))
        tbuf_owe(w->b, (k & K_BLOCK) && !w->inline_only ? '\n' : ' ');
    return 1;
}

static void leave(walker *w, xmlNode *n)
{
    int k = elem_kind(n);
    if (k & K_SECTION)
        w->sections--;
    if (k & (K_BLOCK | K_CELL))
        tbuf_owe(w->b, (k & K_BLOCK) && !w->inline_only ? '\n' : ' ');
}

/* Walks the subtree under TOP (not TOP itself) in document order without
 * recursion.  Returns -1 on allocation failure. */
static int walk(walker *w, xmlNode *top)
{
    xmlNode *n = top ? top->children : NULL;
    while (n && !w->b->full) {
        int r = enter(w, n);
        if (r < 0)
            return -1;
        if (r > 0 && n->children) {
            n = n->children;
            continue;
        }
        if (r > 0)
            leave(w, n);
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == top)
                return 0;
            leave(w, n);
        }
        n = n->next;
    }
    return 0;
}

/* The first element named NAME in document order, without recursion, and
 * not inside svg, math or template (an <svg><title> is a tooltip). */
static xmlNode *find(xmlNode *top, const char *name)
{
    xmlNode *n = top;
    while (n) {
        const char *nm = (const char *)n->name;
        if (n->type == XML_ELEMENT_NODE && nm && !strcasecmp(nm, name))
            return n;
        if (n->children && n->type == XML_ELEMENT_NODE &&
            !(nm && (!strcasecmp(nm, "svg") || !strcasecmp(nm, "math") ||
                     !strcasecmp(nm, "template")))) {
            n = n->children;
            continue;
        }
        while (n && n != top && !n->next)
            n = n->parent;
        if (!n || n == top)
            return NULL;
        n = n->next;
    }
    return NULL;
}

/* Title-style text of the element N: one line, white space collapsed. */
static int title_of(xmlNode *n, tbuf *b)
{
    walker w = {.b = b, .inline_only = 1, .sections = 1};
    return walk(&w, n);
}

static char *lang_of(xmlNode *root)
{
    const char *v = root ? attr(root, "lang") : NULL;
    if (!v || !*v)
        v = root ? attr(root, "xml:lang") : NULL;
    size_t n = v ? strlen(v) : 0;
    int ok = n > 0 && n <= SMZ_HTML_MAX_LANG &&
             ((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z'));
    for (size_t i = 0; ok && i < n; i++)
        ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
             (v[i] >= '0' && v[i] <= '9') || v[i] == '-';
    return ok ? strndup(v, n) : strdup("");
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

static char *take(tbuf *b, size_t *len)
{
    char *p = b->p ? b->p : strdup("");
    *len = b->p ? b->len : 0;
    b->p = NULL;
    return p;
}

smz_err smz_html_extract(const char *html, size_t len, smz_html_text *out)
{
    smz_err rc = SMZ_E_NOMEM;
    htmlDocPtr doc = NULL;
    xmlNode *root = NULL, *t, *h1;
    tbuf title = {.max = SMZ_HTML_MAX_TITLE}, text = {.max = SMZ_HTML_MAX_TEXT};
    walker w = {.b = &text};
    *out = (smz_html_text){0};
    if (len > INT_MAX) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    if (len > 0 && html) {
        xmlGenericErrorFunc old = xmlGenericError;
        void *old_ctx = xmlGenericErrorContext;
        xmlStructuredErrorFunc old_s = xmlStructuredError;
        void *old_sctx = xmlStructuredErrorContext;
        /* htmlReadMemory, step by step, so that the guard knows the context. */
        xmlInitParser();
        parse_guard g = {xmlCreateMemoryParserCtxt(html, (int)len), 0, 4 * len + 1000, 0};
        if (!g.ctxt)
            goto out;
        if (g.ctxt->sax)
            memcpy(g.ctxt->sax, &htmlDefaultSAXHandler, sizeof(xmlSAXHandlerV1));
        htmlCtxtUseOptions(g.ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                       HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
        g.ctxt->html = 1;
        xmlSetGenericErrorFunc(NULL, silent);
        xmlSetStructuredErrorFunc(&g, on_error);
        htmlParseDocument(g.ctxt);
        xmlSetGenericErrorFunc(old_ctx, old);
        xmlSetStructuredErrorFunc(old_sctx, old_s);
        doc = g.ctxt->myDoc;
        g.ctxt->myDoc = NULL;
        if (g.ctxt->dictNames && doc && doc->dict == g.ctxt->dict)
            g.ctxt->dict = NULL; /* the document keeps the names */
        if (g.ctxt->errNo == XML_ERR_NO_MEMORY)
            g.failed = 1;
        htmlFreeParserCtxt(g.ctxt);
        if (g.failed)
            goto out; /* a tree missing what memory ran out for: no text at all */
        root = doc ? xmlDocGetRootElement(doc) : NULL;
    }
    if (root && walk(&w, root) != 0)
        goto out;
    if ((t = root ? find(root, "title") : NULL) && title_of(t, &title) != 0)
        goto out;
    if (!title.len) {
        /* The first visible <h1>, else any <h1> (one in a skipped site header). */
        h1 = w.first_h1 ? w.first_h1 : root ? find(root, "h1") : NULL;
        title.full = 0;
        if (h1 && title_of(h1, &title) != 0)
            goto out;
    }
    out->truncated = title.full || text.full;
    if (!(out->lang = lang_of(root)) || !(out->title = take(&title, &out->title_len)) ||
        !(out->text = take(&text, &out->text_len)))
        goto out;
    rc = SMZ_OK;
out:
    if (rc != SMZ_OK)
        smz_html_text_free(out);
    free(title.p);
    free(text.p);
    xmlFreeDoc(doc);
    return rc;
}

void smz_html_text_free(smz_html_text *t)
{
    if (!t)
        return;
    free(t->title);
    free(t->text);
    free(t->lang);
    *t = (smz_html_text){0};
}
