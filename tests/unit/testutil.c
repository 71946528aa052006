/* Helpers shared by the C unit tests and the fuzz replays (testutil.h):
 * linked into every build/tests/test_* and into the fuzz targets. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "text/entry_text.h"

smz_err testutil_add_page(smz_writer *w, const char *path, const char *title, const char *html, size_t n,
                          const char *text, size_t tl)
{
    smz_writer_entry e = {.path = path,
                          .title = title,
                          .mime = "text/html",
                          .data = html,
                          .size = n,
                          .text = text,
                          .text_len = tl};
    return smz_writer_add(w, &e);
}

smz_err testutil_add_html(smz_writer *w, const char *path, const char *title, const char *html, size_t n)
{
    char *text = NULL;
    size_t tl = 0;
    smz_err rc = smz__entry_text("text/html", html, n, &text, &tl);
    if (rc == SMZ_OK)
        rc = testutil_add_page(w, path, title, html, n, text, tl);
    free(text);
    return rc;
}

smz_err testutil_finish(smz_writer *w, smz_err rc, const char *main_page, const char *title)
{
    if (rc == SMZ_OK && main_page)
        rc = smz_writer_set_meta(w, "MainPage", main_page, strlen(main_page));
    if (rc == SMZ_OK && title)
        rc = smz_writer_set_meta(w, "Title", title, strlen(title));
    if (rc == SMZ_OK)
        rc = smz_writer_finish(w);
    return rc;
}

uint32_t testutil_rnd(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (uint32_t)(*state >> 11);
}

int testutil_fuzz_files(const char *tag, const char *ext, const uint8_t *data, size_t size, char *in,
                        char *out, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    const char *dir = tmp && *tmp ? tmp : "/tmp";
    snprintf(in, len, "%s/fuzz-%s-%ld.%s", dir, tag, (long)getpid(), ext);
    snprintf(out, len, "%s/fuzz-%s-%ld.smz", dir, tag, (long)getpid());
    FILE *f = fopen(in, "wb");
    if (!f)
        return 0;
    int wrote = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && wrote;
}
