/* libFuzzer target: the packer's ZIM source (lib/pack/zim_input.c and
 * lib/zim/zim_read.cpp, libzim behind it): the bytes are a file that
 * smz-pack was given as a source, its metadata read as smz-pack reads it,
 * then packed into a throw-away archive with a 1 MiB entry limit and a
 * 16 MiB output limit.  Besides "no crash, no leak, no hang", every call
 * either succeeds or fails with a message: whatever libzim throws at a
 * hostile header, pointer list, cluster or redirect is caught at the C
 * interface.  The MD5 check turns nearly every mutation away before its
 * structure is read, so the bytes are also walked through the reader's own
 * interface (lib/zim/zim_read.h) without that check: every entry, every
 * redirect chain, every content entry's bytes up to 1 MiB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smz/pack.h"
#include "smz/writer.h"
#include "../unit/testutil.h"
#include "zim/zim_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static smz_err count_meta(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    (void)value;
    *(size_t *)ctx += len;
    return SMZ_OK;
}

/* Reads everything of the file IN that the importer would, unchecked. */
static void walk(const char *in)
{
    smz_zim *z = NULL;
    smz_zim_entry e;
    const char *main_page;
    size_t meta = 0, n = 0;
    static unsigned char buf[1u << 20];
    smz_err rc = smz__zim_open(in, 0, &z);
    if (rc == SMZ_OK) {
        (void)smz__zim_meta(z, count_meta, &meta);
        (void)smz__zim_main_page(z, &main_page);
        while (n++ < 10000 && (rc = smz__zim_next(z, &e)) == SMZ_OK)
            if (!e.target && e.size <= sizeof buf)
                (void)smz__zim_read(z, 0, buf, (size_t)e.size);
    }
    if (rc != SMZ_OK && rc != SMZ_E_NOTFOUND && !smz__zim_errmsg(z)[0])
        abort(); /* a failure must say why, on the handle */
    smz__zim_close(z);
}

static void quiet(void *ctx, const char *message)
{
    (void)ctx;
    (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[4096], out[4096];
    smz_writer *w = NULL;
    smz_pack_meta *m = NULL;
    if (size > (1u << 20))
        return 0;
    if (!testutil_fuzz_files("zim", "zim", data, size, in, out, sizeof in))
        goto out;
    smz_pack_opts po = {.articles = 0, .max_entry = 1u << 20, .max_output = 16u << 20, .warn = quiet};
    if (smz_pack_meta_new(&m) != SMZ_OK)
        goto out;
    if (smz_pack_meta_read_zim(m, in, &po) != SMZ_OK && !smz_pack_meta_errmsg(m)[0])
        abort(); /* a failure must say why, on the metadata */
    smz_writer_opts wo = {.threads = 1, .level = 1, .max_bytes = 16u << 20, .warn = quiet};
    if (smz_writer_new(out, &wo, &w) != SMZ_OK)
        goto out;
    smz_err rc = smz_pack_zim(w, in, &po);
    if (rc != SMZ_OK && !smz_writer_errmsg(w)[0])
        abort(); /* a failure must say why, on the writer */
    if (rc == SMZ_OK)
        (void)smz_writer_finish(w);
    walk(in);
out:
    smz_pack_meta_free(m);
    smz_writer_free(w);
    unlink(in);
    unlink(out);
    return 0;
}
