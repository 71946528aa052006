/* libFuzzer target: decode one cluster as the reader does (lib/reader.c:
 * header check, checksum, one zstd frame of the declared size, whole or
 * just a prefix), from bytes that never went through SQLite.  The input is
 * an 8-byte header then the stored bytes:
 *   byte 0    bit 0: kind (0 stored, 1 zstd); bit 1: take usize from the
 *             frame header rather than from bytes 1-4; bit 2: keep the
 *             checksum of bytes 9-24 rather than the right one
 *   bytes 1-4 usize (little-endian), bytes 5-8 how much a read needs
 * Besides "no crash, no leak", the partial decode must agree with the whole
 * one, and a whole decode must give exactly usize bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "reader_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ZSTD_DCtx *dctx;
    char err[256];
    if (size < 9)
        return 0;
    if (!dctx) {
        dctx = ZSTD_createDCtx();
        if (!dctx)
            return 0;
        ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 26);
    }
    const uint8_t *src = data + 9;
    size_t stored = size - 9;
    smz_cinfo ci;
    memset(&ci, 0, sizeof ci);
    int64_t kind = data[0] & 1 ? SMZ_CLUSTER_ZSTD : SMZ_CLUSTER_STORED;
    int64_t usize = le32(data + 1);
    if (kind == SMZ_CLUSTER_STORED)
        usize = (int64_t)stored;
    else if (data[0] & 2) {
        unsigned long long fcs = ZSTD_getFrameContentSize(src, stored);
        usize = fcs == ZSTD_CONTENTSIZE_UNKNOWN || fcs == ZSTD_CONTENTSIZE_ERROR || fcs > INT64_MAX
                    ? 0
                    : (int64_t)fcs;
    }
    if (!smz__cluster_header_ok(kind, usize, (int64_t)stored, SMZ_CHECKSUM_BYTES))
        return 0;
    ci.kind = (int)kind;
    ci.usize = (uint64_t)usize;
    ci.stored = stored;
    if ((data[0] & 4) && stored >= SMZ_CHECKSUM_BYTES)
        memcpy(ci.checksum, src, SMZ_CHECKSUM_BYTES);
    else
        smz__cluster_checksum(src, stored, ci.checksum);
    /* The reader hands over a copy of its own, of exactly the stored size:
     * so does this, so that ASan sees every read past its end. */
    unsigned char *copy = malloc(stored ? stored : 1);
    if (!copy)
        return 0;
    memcpy(copy, src, stored);
    if (smz__cluster_verify(7, &ci, copy, err, sizeof err) != SMZ_OK || kind == SMZ_CLUSTER_STORED) {
        free(copy);
        return 0;
    }
    uint64_t need = ci.usize ? le32(data + 5) % (ci.usize + 1) : 0;
    smz_cbuf *part = NULL, *whole = NULL;
    smz_err rp = smz__cluster_decode(dctx, NULL, 7, &ci, copy, need, 0, &part, err, sizeof err);
    if (rp != SMZ_OK && (part || !err[0]))
        abort(); /* a failure leaves no buffer and says why */
    smz_err rw = smz__cluster_decode(dctx, NULL, 7, &ci, copy, need, 1, &whole, err, sizeof err);
    if (rw == SMZ_OK && whole->len != ci.usize)
        abort();
    if (rp == SMZ_OK && part->len < need)
        abort();
    if (rp == SMZ_OK && rw == SMZ_OK && memcmp(part->data, whole->data, need) != 0)
        abort(); /* the prefix a one-shot read decodes is the cluster's prefix */
    if (rw == SMZ_OK && rp != SMZ_OK)
        abort(); /* a cluster that decodes whole decodes in part too */
    smz__cbuf_release(NULL, part);
    smz__cbuf_release(NULL, whole);
    free(copy);
    return 0;
}
