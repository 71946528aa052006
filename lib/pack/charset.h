/* The charset of a text entry at pack time: the one name the archive
 * records in its MIME type (docs/FORMAT.md, "Charsets"). */
#ifndef SMZ_PACK_CHARSET_H
#define SMZ_PACK_CHARSET_H

#include <stddef.h>
#include "smz/error.h"

/* 1 when entries of type MIME (its parameters ignored) get a charset:
 * text/... and application/xhtml+xml. */
int smz__pack_is_text(const char *mime);

/* The canonical charset (text/charset.h) of the LEN bytes at DATA, a text
 * entry of type MIME, found as a browser finds it: a byte order mark; else
 * the charset the transport named (GIVEN: the HTTP header of a WARC
 * record, or NULL); else the document's own declaration (HTML's <meta
 * charset> or http-equiv Content-Type, an XML declaration, CSS's @charset);
 * else "utf-8" when the bytes are valid UTF-8; else uchardet's guess, and
 * "windows-1252" when it has none.  Declarations naming a charset not in
 * text/charset.h's list are passed over.  A static string, never NULL. */
const char *smz__pack_charset(const char *mime, const char *given, const unsigned char *data,
                              size_t len);

/* "TYPE; charset=CS" for MIME's type without its parameters (malloc'd in
 * *OUT), or the bare type when CS is NULL.  Returns SMZ_OK or SMZ_E_NOMEM. */
smz_err smz__pack_mime_with_charset(const char *mime, const char *cs, char **out);

#endif
