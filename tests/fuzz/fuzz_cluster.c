/* libFuzzer target: decode one cluster as the reader does (lib/reader.c:
 * header check, checksum, one zstd frame of the declared size, whole or
 * just a prefix), from bytes that never went through SQLite.  The input is
 * an 8-byte header then the stored bytes:
 *   byte 0    bit 0: kind (0 stored, 1 zstd); bit 1: take usize from the
 *             frame header rather than from bytes 1-4; bit 2: keep the
 *             checksum of bytes 9-24 rather than the right one; bit 3:
 *             format version 3 (a check per chunk; with bit 2, the first
 *             chunk's check is bytes 9-16)
 *   bytes 1-4 usize (little-endian), bytes 5-8 how much a read needs
 * Besides "no crash, no leak", the partial decode must agree with the whole
 * one, and a whole decode must give exactly usize bytes.  Version 3 also
 * decodes the prefix as a read does, its bytes loaded chunk by chunk as
 * the decoder asks (the rest is garbage until then): it must agree too. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_FRAMEHEADERSIZE_MAX, as lib/reader.c */
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

/* The bytes a version 3 read has loaded, as the reader's lazy_more does. */
typedef struct lazy {
    const uint8_t *src;
    unsigned char *buf;
    size_t stored, loaded;
} lazy;

static smz_err more(void *ctx, uint64_t upto)
{
    lazy *l = ctx;
    if (upto > l->stored)
        abort(); /* the decoder never asks past the stored bytes */
    if (upto > l->loaded) {
        memcpy(l->buf + l->loaded, l->src + l->loaded, upto - l->loaded);
        l->loaded = upto;
    }
    return SMZ_OK;
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
    int version = data[0] & 8 ? 3 : 2;
    uint64_t nchecks = version == 3 ? smz__checks_size(stored) : SMZ_CHECKSUM_BYTES;
    if (!smz__cluster_header_ok(version, kind, usize, (int64_t)stored, (int64_t)nchecks))
        return 0;
    ci.kind = (int)kind;
    ci.version = version;
    ci.usize = (uint64_t)usize;
    ci.stored = stored;
    unsigned char *checks = malloc(nchecks + 1);
    if (!checks)
        return 0;
    if (version == 3) {
        smz__checks_put(src, stored, 0, checks);
        if ((data[0] & 4) && stored >= SMZ_CHUNK_CHECK && nchecks)
            memcpy(checks, src, SMZ_CHUNK_CHECK);
    } else if ((data[0] & 4) && stored >= SMZ_CHECKSUM_BYTES) {
        memcpy(ci.checksum, src, SMZ_CHECKSUM_BYTES);
    } else {
        smz__cluster_checksum(src, stored, ci.checksum);
    }
    /* The reader hands over a copy of its own, of exactly the stored size:
     * so does this, so that ASan sees every read past its end. */
    unsigned char *copy = malloc(stored ? stored : 1);
    if (!copy) {
        free(checks);
        return 0;
    }
    memcpy(copy, src, stored);
    if (smz__cluster_verify(7, &ci, checks, copy, 0, err, sizeof err) != SMZ_OK ||
        kind == SMZ_CLUSTER_STORED) {
        free(copy);
        free(checks);
        return 0;
    }
    uint64_t need = ci.usize ? le32(data + 5) % (ci.usize + 1) : 0;
    smz_cbuf *part = NULL, *whole = NULL;
    smz_err rp = smz__cluster_decode(dctx, NULL, 7, &ci, copy, NULL, NULL, need, 0, &part, 0, err,
                                     sizeof err);
    if (rp != SMZ_OK && (part || !err[0]))
        abort(); /* a failure leaves no buffer and says why */
    smz_err rw = smz__cluster_decode(dctx, NULL, 7, &ci, copy, NULL, NULL, need, 1, &whole, 0, err,
                                     sizeof err);
    if (rw == SMZ_OK && whole->len != ci.usize)
        abort();
    if (rp == SMZ_OK && part->len < need)
        abort();
    if (rp == SMZ_OK && rw == SMZ_OK && memcmp(part->data, whole->data, need) != 0)
        abort(); /* the prefix a one-shot read decodes is the cluster's prefix */
    if (rw == SMZ_OK && rp != SMZ_OK)
        abort(); /* a cluster that decodes whole decodes in part too */
    if (version == 3 && need < ci.usize) {
        lazy l = {src, malloc(stored ? stored : 1), stored, 0};
        smz_cbuf *lz = NULL;
        if (l.buf) {
            memset(l.buf, 0xAA, stored); /* not loaded yet: garbage */
            more(&l, stored < ZSTD_FRAMEHEADERSIZE_MAX ? stored : ZSTD_FRAMEHEADERSIZE_MAX);
            smz_err rl = smz__cluster_decode(dctx, NULL, 7, &ci, l.buf, more, &l, need, 0, &lz, 0, err,
                                             sizeof err);
            if (rl == SMZ_OK &&
                (lz->len < need || (rw == SMZ_OK && memcmp(lz->data, whole->data, need) != 0)))
                abort(); /* a read that loads as it goes sees the same prefix */
            if (rw == SMZ_OK && rl != SMZ_OK)
                abort();
            smz__cbuf_release(NULL, lz);
            free(l.buf);
        }
    }
    smz__cbuf_release(NULL, part);
    smz__cbuf_release(NULL, whole);
    free(copy);
    free(checks);
    return 0;
}
