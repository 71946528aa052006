/* libFuzzer target: the packer's archive inputs (lib/pack/archive_input.c,
 * lib/pack/warc_fix.c): the bytes are a file that smz-pack was given as a
 * source (tar in any compression, zip, cpio, 7z, ISO 9660, WARC, or
 * anything else), packed into a throw-away archive with a 1 MiB entry limit
 * and a 16 MiB output limit.  Besides "no crash, no leak, no hang", a pack
 * either succeeds or fails with an error message; whatever libarchive and
 * the WARC mender make of hostile member names, sizes, sparse maps and
 * records, nothing is written but the archive. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smz/pack.h"
#include "smz/writer.h"
#include "../unit/testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, const char *message)
{
    (void)ctx;
    (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[4096], out[4096];
    smz_writer *w = NULL;
    if (size > (1u << 20))
        return 0;
    if (!testutil_fuzz_files("input", "src", data, size, in, out, sizeof in))
        goto out;
    smz_writer_opts wo = {.threads = 1, .level = 1, .max_bytes = 16u << 20, .warn = quiet};
    if (smz_writer_new(out, &wo, &w) != SMZ_OK)
        goto out;
    smz_pack_opts po = {.articles = 0, .max_entry = 1u << 20, .max_output = 16u << 20, .warn = quiet};
    smz_err rc = smz_pack_archive(w, in, &po);
    if (rc != SMZ_OK && !smz_writer_errmsg(w)[0])
        abort(); /* a failure must say why, on the writer */
    if (rc == SMZ_OK)
        (void)smz_writer_finish(w);
out:
    smz_writer_free(w);
    unlink(in);
    unlink(out);
    return 0;
}
