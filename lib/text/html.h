/* HTML to searchable text: a page's title, its language and the text a
 * reader sees, for the full-text index and for result snippets.  Built on
 * libxml2's forgiving HTML parser (its SAX interface: no tree is built), never on patterns over markup, and safe
 * on any bytes at all (the packer feeds it whatever a crawl produced). */
#ifndef SMZ_TEXT_HTML_H
#define SMZ_TEXT_HTML_H

#include <stddef.h>
#include "smz/error.h"
#include "text/lang.h"
#include "text/sink.h"

/* Caps on what smz__html_extract produces; longer text is cut at a
 * character boundary and flagged in smz_html_text.truncated. */
#define SMZ_HTML_MAX_TITLE 1024            /* bytes of title */
#define SMZ_HTML_MAX_TEXT (4u << 20)       /* bytes of body text */
#define SMZ_HTML_MAX_LANG SMZ_LANG_TAG_MAX /* a BCP 47 tag is at most this long */
#define SMZ_HTML_MAX_HEADINGS (64u << 10)  /* bytes of headings */

typedef struct smz_html_text {
    /* All four are malloc'd, NUL-terminated, valid UTF-8 without control
     * characters other than '\n', and never NULL after SMZ_OK ("" when the
     * page has none).  The structure owns them: see smz__html_text_free. */
    char *title;    /* <title>, else the first <h1>; white space collapsed */
    char *text;     /* visible body text: spaces collapsed, '\n' between blocks */
    char *lang;     /* <html lang>, only if it looks like a language tag */
    char *headings; /* the text of the body's headings (h1 to h6), one a line: they are
                     * in text too, and the index counts their words more (ranking) */
    size_t title_len, text_len, headings_len;
    double link_share; /* the share of the body's text inside links (<a>), 0 to 1 */
    size_t body_len;   /* text's first body_len bytes are the body; the rest, after a
                      * newline, was set aside: header, footer, captions, the title's h1 */
    int truncated;     /* 1 when title or text was cut at its cap */
} smz_html_text;

/* Parses the LEN bytes at HTML (any bytes; NULL is allowed when LEN is 0)
 * and fills *OUT.  The document's own <meta charset> or BOM is honoured;
 * without one, UTF-8 is assumed and libxml2 falls back to Latin-1 when the
 * bytes are not UTF-8.  Left out of the text: script, style, noscript,
 * template, svg, math, head, form controls, hidden elements, and repeated
 * navigation (nav; header and footer outside an article or section;
 * role="navigation" or "search"; the classes of common site generators).
 * Set aside, after the body: header and footer inside an article or
 * section, figcaption, class caption or from-original, and the body's first
 * heading (h1 to h6) when it is the title (the <title>'s text, or its start before a
 * separator such as " - " or an em dash).
 * Returns SMZ_OK, SMZ_E_TOOBIG when LEN is over INT_MAX (libxml2's limit),
 * or SMZ_E_NOMEM.  On error *OUT is left empty (all NULL) and owns nothing.
 * Unparseable input is not an error: it gives empty strings. */
smz_err smz__html_extract(const char *html, size_t len, smz_html_text *out);

/* Shows SINK the visible text of the page as smz__html_extract gives it,
 * growing, while it is parsed (see text/sink.h): its first
 * FIRST bytes or so (0: none), then SMZ_TEXT_GROWTH times as many, and so
 * on, each cut back after a whole word, until SINK returns nonzero; if it
 * never does, the whole text last, with COMPLETE 1.  Parsing stops where
 * SINK stopped it, so a page is read only as far as it needs to be.
 * Returns as smz__html_extract; on an error SINK may not have had the whole
 * text. */
smz_err smz__html_text_scan(const char *html, size_t len, size_t first, smz_text_sink sink, void *ctx);

/* As smz__html_extract and smz__html_text_scan, for a page already
 * decoded to UTF-8 from its charset (text/charset.h): the page's own
 * <meta charset> no longer says what its bytes are and is not followed. */
smz_err smz__html_extract_utf8(const char *html, size_t len, smz_html_text *out);
smz_err smz__html_text_scan_utf8(const char *html, size_t len, size_t first, smz_text_sink sink,
                                 void *ctx);

/* Sets up the parser's shared state; call once before parsing on several
 * threads at once (parsing calls it too, which is enough on one thread). */
void smz__html_init(void);

/* Frees what *T owns and zeroes it; T may be NULL, and freeing twice is safe. */
void smz__html_text_free(smz_html_text *t);

#endif
