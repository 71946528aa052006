/* Text handed over as it grows.  A search needs only as much of a page's
 * text as it takes to find the query's words and a window to show them in,
 * so the text modules can show the text to a sink in ever longer pieces
 * while they derive it, and stop when the sink has had enough. */
#ifndef SMZ_TEXT_SINK_H
#define SMZ_TEXT_SINK_H

#include <stddef.h>

/* Each piece is this many times as long as the one before. */
#define SMZ_TEXT_GROWTH 4

/* Called with the first LEN bytes of the text (not NUL-terminated; valid
 * only during the call), cut after a whole word, or with all of it when
 * COMPLETE is 1 (then for the last time).  The first BODY bytes (BODY <=
 * LEN) are the page's body, where a snippet comes from; the rest, a newline
 * then the text set aside (an HTML page's header, captions, footer and title
 * heading: text/html.h), is searched but not shown.  A piece before the
 * last is all body.  Returns nonzero when it needs no more; it keeps its own
 * result, and its errors, in CTX. */
typedef int (*smz_text_sink)(void *ctx, const char *text, size_t len, size_t body, int complete);

/* The length of the first LEN bytes of S without a word that may go on
 * after them: cut back after the last white space, unless AT_BREAK says a
 * break follows anyway; 0 when there is none. */
static inline size_t smz_text_whole_words(const char *s, size_t len, int at_break)
{
    if (at_break || !s)
        return s ? len : 0;
    while (len > 0 && s[len - 1] != ' ' && s[len - 1] != '\n' && s[len - 1] != '\t' &&
           s[len - 1] != '\r')
        len--;
    return len;
}

#endif
