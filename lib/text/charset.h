/* Character sets of stored text: the names an archive may carry in a MIME
 * type's "; charset=" parameter (docs/FORMAT.md, "Charsets"), and decoding
 * text in one of them to UTF-8.  The set of names is fixed and small: the
 * charsets old websites use that both glibc's iconv (the native build) and
 * musl's (the WebAssembly build) decode, so that the packer, `smz serve` and
 * the browser reader read every entry the same way.  Any other name, from a
 * page or from a hostile archive, is treated as unknown.  No state: safe
 * from any thread. */
#ifndef SMZ_TEXT_CHARSET_H
#define SMZ_TEXT_CHARSET_H

#include <stddef.h>
#include "smz/error.h"

#define SMZ_CHARSET_MAX 32 /* bytes of a canonical name, with its NUL */

/* The canonical (lower-case IANA) name of charset label NAME[0..N) (ASCII
 * case, surrounding white space and quotes ignored; aliases such as
 * "gb2312", "x-sjis", "latin1", "cp1251" mapped as browsers map them), or
 * NULL when the label is not one of the known charsets.  The result is a
 * static string. */
const char *smz__charset_canon(const char *name, size_t n);

/* The canonical charset of a MIME type's "charset" parameter ("text/html;
 * charset=GBK" gives "gbk"), or NULL when MIME has none or names no known
 * charset.  MIME may be NULL. */
const char *smz__mime_charset(const char *mime);

/* 1 when MIME's type, without its parameters, is TYPE (ASCII case
 * ignored): "text/html; charset=gbk" is "text/html". */
int smz__mime_is(const char *mime, const char *type);

/* 1 for "utf-8", whose text needs no conversion. */
int smz__charset_is_utf8(const char *cs);

/* Decodes the LEN bytes at IN from charset CS (a canonical name; NULL or
 * unknown: UTF-8) into valid UTF-8: *OUT (malloc'd, NUL-terminated) and
 * *OUT_LEN.  A byte order mark is dropped; bytes that are not valid in CS
 * become U+FFFD, one for each byte the decoder refuses.  At most MAX bytes
 * of output are kept (cut on a character boundary).  Returns SMZ_OK or
 * SMZ_E_NOMEM. */
smz_err smz__charset_decode(const char *cs, const char *in, size_t len, size_t max, char **out,
                            size_t *out_len);

#endif
