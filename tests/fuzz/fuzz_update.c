/* libFuzzer target: an arbitrary byte string as an update (docs/UPDATES.md)
 * of a fixed base, tests/fuzz/update/base.smz (a small collection of
 * Markdown articles, tests/fuzz/update/README): its header read as a
 * catalog reads it, its signature checked against the key beside the base,
 * and patched.  The corpus (tests/fuzz/corpus/update) starts from real
 * updates of that base (pages rendered again, the index rebuilt, an entry
 * block's delta against a new cluster, signed inside), so that mutations
 * get past the base's check into the table, the skeleton and the
 * payloads.  Any crash, leak or sanitizer report is a bug; every refusal
 * must be a clean smz_err, and an update that patches must give an archive
 * that opens and whose digest is the one the update names (patch checks
 * it: abort() when it says SMZ_OK otherwise).  Files go to $TMPDIR; the
 * base is found from $TOP (make test) or the current folder (make fuzz). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "smz/delta.h"
#include "smz/reader.h"
#include "smz/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int load_key(smz_keyring **kr, const char *top)
{
    char path[4096];
    smz_sign_ctx *cx = NULL;
    snprintf(path, sizeof path, "%s/tests/fuzz/update/key.pub", top);
    if (smz_sign_ctx_new(&cx) != SMZ_OK)
        return -1;
    smz_err rc = smz_keyring_load(cx, path, kr);
    smz_sign_ctx_free(cx);
    return rc == SMZ_OK ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static smz_keyring *kr;
    static char base[4096];
    const char *top = getenv("TOP"), *dir = getenv("TMPDIR");
    char upd[256], out[256], err[512], keyid[SMZ_KEYID_SIZE];
    if (!base[0]) {
        snprintf(base, sizeof base, "%s/tests/fuzz/update/base.smz", top ? top : ".");
        if (access(base, R_OK) != 0 || load_key(&kr, top ? top : ".") != 0) {
            fprintf(stderr, "fuzz_update: %s or its key is missing\n", base);
            abort();
        }
    }
    snprintf(upd, sizeof upd, "%s/smz-fuzz-%d.smzup", dir ? dir : "/tmp", (int)getpid());
    snprintf(out, sizeof out, "%s/smz-fuzz-%d-out.smz", dir ? dir : "/tmp", (int)getpid());
    int fd = open(upd, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(upd);
        return 0;
    }
    close(fd);
    smz_delta_info info;
    if (smz_delta_info_read(upd, &info, 0, err, sizeof err) == SMZ_OK &&
        (strlen(info.old_digest) != 64 || strlen(info.new_digest) != 64))
        abort();
    smz_delta_verify(upd, SMZ_DELTA_SIG_INSIDE, kr, keyid, 0, err, sizeof err);
    unlink(out);
    if (smz_delta_patch(base, upd, out, 0, err, sizeof err) == SMZ_OK) {
        /* Patch promised an archive with the update's digest: hold it to it. */
        smz_reader *r = NULL;
        char *digest = NULL;
        if (smz_delta_info_read(upd, &info, 0, err, sizeof err) != SMZ_OK ||
            smz_reader_open(out, NULL, &r) != SMZ_OK ||
            smz_reader_meta(r, "Digest", &digest, NULL) != SMZ_OK || strcmp(digest, info.new_digest))
            abort();
        free(digest);
        smz_reader_close(r);
    }
    unlink(out);
    unlink(upd);
    return 0;
}
