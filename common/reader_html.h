/* The browser reader, smz-reader.html (web/, built by `make wasm`), as the
 * programs carry it: its bytes are linked into smz and smz-pack (an
 * .incbin the Makefile generates), so that `smz reader-html` and
 * `smz-pack --with-reader` can put it on any stick, with no build tools
 * there and nothing to download. */
#ifndef SMZ_COMMON_READER_HTML_H
#define SMZ_COMMON_READER_HTML_H

#include <stddef.h>
#include "smz/error.h"

/* The file's bytes (static; LEN gets their count). */
const unsigned char *reader_html(size_t *len);
/* The build's hash: the first 16 hex digits of the SHA-256 of the
 * WebAssembly module's JavaScript, as the page's About shows it. */
const char *reader_html_hash(void);
/* Writes the file to PATH (never half written: smz_file_write); with
 * REPLACE 0 an existing PATH is kept and SMZ_E_EXISTS returned.  The
 * message, naming PATH, goes to ERR. */
smz_err reader_html_write(const char *path, int replace, char *err, size_t errlen);

#endif
