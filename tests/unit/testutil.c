/* Helpers shared by the C unit tests and the fuzz replays (testutil.h):
 * linked into every build/tests/test_* and into the fuzz targets. */
#include "testutil.h"
#include <stdlib.h>
#include "text/entry_text.h"

smz_err testutil_add_html(smz_writer *w, const char *path, const char *title, const char *html, size_t n)
{
    char *text = NULL;
    size_t tl = 0;
    smz_err rc = smz__entry_text("text/html", html, n, &text, &tl);
    smz_writer_entry e = {.path = path,
                          .title = title,
                          .mime = "text/html",
                          .data = html,
                          .size = n,
                          .text = text,
                          .text_len = tl};
    if (rc == SMZ_OK)
        rc = smz_writer_add(w, &e);
    free(text);
    return rc;
}
