/* Helpers shared by the C unit tests and the fuzz replays: the pieces
 * that several tests wrote out again each (tests/unit/testutil.c). */
#ifndef SMZ_TEST_TESTUTIL_H
#define SMZ_TEST_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>
#include "smz/writer.h"

/* Adds the HTML page HTML (N bytes) to W at PATH with TITLE, with TEXT
 * (TL bytes) as the text its index gets. */
smz_err testutil_add_page(smz_writer *w, const char *path, const char *title, const char *html, size_t n,
                          const char *text, size_t tl);

/* Adds the HTML page HTML (N bytes) to W at PATH with TITLE, with its text
 * extracted the way the packer does, so that the page is indexed as a
 * packed one would be.  HTML stays the caller's. */
smz_err testutil_add_html(smz_writer *w, const char *path, const char *title, const char *html,
                          size_t n);

/* When RC is SMZ_OK, sets W's MainPage and Title (each left out when
 * NULL) and finishes W.  Returns the first failure, RC when it was one. */
smz_err testutil_finish(smz_writer *w, smz_err rc, const char *main_page, const char *title);

/* For a fuzz target that needs its input as a file: writes DATA (SIZE
 * bytes) to $TMPDIR/fuzz-TAG-PID.EXT (/tmp without TMPDIR) and names the
 * archive beside it, fuzz-TAG-PID.smz: IN and OUT (LEN bytes each).  1 when
 * the file was written; the caller unlinks both either way. */
int testutil_fuzz_files(const char *tag, const char *ext, const uint8_t *data, size_t size, char *in,
                        char *out, size_t len);

/* One xorshift64 step of *STATE: the tests' random inputs, the same on
 * every run for a given seed. */
uint32_t testutil_rnd(uint64_t *state);
#endif
