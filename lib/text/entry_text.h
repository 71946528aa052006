/* The searchable text of an entry, derived from its MIME type and bytes
 * alone.  The packer indexes exactly this text, and the reader derives it
 * again from the stored entry to check phrases and to cut snippets, so the
 * archive does not have to carry a second copy of every page's text. */
#ifndef SMZ_TEXT_ENTRY_TEXT_H
#define SMZ_TEXT_ENTRY_TEXT_H

#include <stddef.h>
#include "smz/error.h"
#include "text/sink.h"

#define SMZ_ENTRY_TEXT_MAX (4u << 20) /* bytes of text kept from one entry */

/* 1 when entries of type MIME have searchable text. */
int smz__entry_has_text(const char *mime);

/* Sets *TEXT (malloc'd, NUL-terminated, at most SMZ_ENTRY_TEXT_MAX bytes,
 * cut on a character boundary) and *LEN: the visible text of an HTML or
 * XHTML page (text/html.h), or the bytes of a text/plain or text/markdown
 * entry.  Other types, and pages the HTML parser refuses as too big, give
 * *TEXT NULL and SMZ_OK.  Returns SMZ_E_NOMEM on failure. */
smz_err smz__entry_text(const char *mime, const void *data, size_t size, char **text, size_t *len);

/* Shows SINK the same text as it grows (text/sink.h): pieces of about
 * FIRST bytes, then SMZ_TEXT_GROWTH times as many, and so on, until SINK
 * says it has enough, else all of it, with COMPLETE 1.  A search reads only
 * as much of a page as it takes to find the words and cut a snippet.
 * Returns as smz__entry_text. */
smz_err smz__entry_text_scan(const char *mime, const void *data, size_t size, size_t first,
                             smz_text_sink sink, void *ctx);

#endif
