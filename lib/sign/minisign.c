/* minisign signatures: making the four-line .minisig text (always the
 * prehashed "ED" kind), parsing one strictly, and verifying it.
 *
 * A .minisig is: "untrusted comment: ..." / base64(alg | key id | sig) /
 * "trusted comment: TEXT" / base64(global sig), where sig is Ed25519 over
 * the BLAKE2b-512 of the data ("ED") or over the data itself (legacy "Ed"),
 * and the global sig is Ed25519 over sig | TEXT.  Checking both signatures
 * before judging lets the message say which part does not fit: the global
 * signature also covers sig, so a damaged sig fails both. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sign/sign_priv.h"
#include "util/file.h"

#define SIG_WHAT SMZ_N_("signature")
#define DEFAULT_UNTRUSTED "signature from samizdat secret key"
#define LEGACY_REFUSED "legacy non-prehashed signature not accepted"

struct smz_sig {
    unsigned char alg[2];
    unsigned char keyid[SMZ__KEYNUM_BYTES];
    unsigned char sig[crypto_sign_BYTES];
    unsigned char global[crypto_sign_BYTES];
    char *trusted; /* NUL-terminated, no CR/LF/NUL inside */
    size_t trusted_len;
    int verified;     /* the last verify call succeeded */
    unsigned checked; /* SMZ_SIG_DATA_OK | SMZ_SIG_COMMENT_OK of the last verify call */
};

struct smz_hasher {
    crypto_generichash_state st; /* 64-byte aligned: see smz_hasher_new */
    int done;
};

/* ---- hashing ---- */

smz_err smz_hasher_new(smz_hasher **out)
{
    struct smz_hasher *h;

    if (!out)
        return SMZ_E_INVALID;
    *out = NULL;
    if (sodium_init() < 0)
        return SMZ_E_INTERNAL;
    /* The state type asks for 64-byte alignment, more than malloc gives. */
    h = aligned_alloc(_Alignof(struct smz_hasher), sizeof *h);
    if (!h)
        return SMZ_E_NOMEM;
    crypto_generichash_init(&h->st, NULL, 0, SMZ_SIGN_HASH_BYTES);
    h->done = 0;
    *out = h;
    return SMZ_OK;
}

void smz_hasher_update(smz_hasher *h, const void *data, size_t len)
{
    if (!h || h->done || len == 0)
        return;
    crypto_generichash_update(&h->st, data, len);
}

void smz_hasher_final(smz_hasher *h, unsigned char hash[SMZ_SIGN_HASH_BYTES])
{
    if (!h || h->done)
        return;
    crypto_generichash_final(&h->st, hash, SMZ_SIGN_HASH_BYTES);
    h->done = 1;
}

void smz_hasher_free(smz_hasher *h)
{
    free(h);
}

smz_err smz_sign_hash_file(smz_sign_ctx *cx, const char *path, unsigned char hash[SMZ_SIGN_HASH_BYTES])
{
    smz_err rc;
    FILE *f = NULL;
    unsigned char *buf = NULL;
    crypto_generichash_state st;
    size_t n;

    rc = smz__sign_enter(cx, "smz_sign_hash_file", path && hash);
    if (rc != SMZ_OK)
        goto out;
    buf = malloc(65536);
    if (!buf) {
        rc = smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    const char *why;
    f = smz_file_fopen(path, 0, &why);
    if (!f) {
        rc = smz__sign_fail(cx, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path,
                            smz_tr(smz__sign_lang(cx), why));
        goto out;
    }
    crypto_generichash_init(&st, NULL, 0, SMZ_SIGN_HASH_BYTES);
    while ((n = fread(buf, 1, 65536, f)) > 0)
        crypto_generichash_update(&st, buf, n);
    if (ferror(f)) {
        rc = smz__sign_fail(cx, SMZ_E_IO, "cannot read %s", path);
        goto out;
    }
    crypto_generichash_final(&st, hash, SMZ_SIGN_HASH_BYTES);
    rc = SMZ_OK;
out:
    if (f)
        fclose(f);
    free(buf);
    return rc;
}

/* ---- signing ---- */

/* Ed25519 over sig | trusted comment, the "global" signature. */
static smz_err global_message(const unsigned char sig[crypto_sign_BYTES], const char *trusted,
                              size_t tlen, unsigned char **msg, smz_sign_ctx *cx)
{
    *msg = malloc(crypto_sign_BYTES + tlen);
    if (!*msg)
        return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
    memcpy(*msg, sig, crypto_sign_BYTES);
    memcpy(*msg + crypto_sign_BYTES, trusted, tlen);
    return SMZ_OK;
}

smz_err smz_sign_hash(smz_sign_ctx *cx, const smz_seckey *sk,
                      const unsigned char hash[SMZ_SIGN_HASH_BYTES], const char *trusted,
                      const char *untrusted, char **sig, size_t *len)
{
    smz_err rc;
    unsigned char bin[SMZ__SIG_BIN], global[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char *gmsg = NULL;
    char b64sig[SMZ__B64_LEN(SMZ__SIG_BIN) + 1], b64glob[SMZ__B64_LEN(crypto_sign_BYTES) + 1];
    size_t tlen, ulen;

    if (sig)
        *sig = NULL;
    if (len)
        *len = 0;
    rc = smz__sign_enter(cx, "smz_sign_hash", sk && hash && sig);
    if (rc != SMZ_OK)
        goto out;
    if (!trusted)
        trusted = "";
    if (!untrusted)
        untrusted = DEFAULT_UNTRUSTED;
    tlen = strlen(trusted);
    ulen = strlen(untrusted);
    if (tlen > SMZ_SIGN_TRUSTED_COMMENT_MAX || smz__sign_bad_comment(trusted, tlen)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "the trusted comment must be one line of at most %d bytes",
                            SMZ_SIGN_TRUSTED_COMMENT_MAX);
        goto out;
    }
    if (ulen > SMZ_SIGN_UNTRUSTED_COMMENT_MAX || smz__sign_bad_comment(untrusted, ulen)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "the untrusted comment must be one line of at most %d bytes",
                            SMZ_SIGN_UNTRUSTED_COMMENT_MAX);
        goto out;
    }
    memcpy(bin, SMZ__ALG_HASHED, 2);
    memcpy(bin + 2, sk->keyid, SMZ__KEYNUM_BYTES);
    if (crypto_sign_detached(bin + 10, NULL, hash, SMZ_SIGN_HASH_BYTES, sk->sk) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_INTERNAL, "Ed25519 signing failed");
        goto out;
    }
    rc = global_message(bin + 10, trusted, tlen, &gmsg, cx);
    if (rc != SMZ_OK)
        goto out;
    if (crypto_sign_detached(global, NULL, gmsg, crypto_sign_BYTES + tlen, sk->sk) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_INTERNAL, "Ed25519 signing failed");
        goto out;
    }
    /* As minisign does: never hand out a signature its key would refuse. */
    crypto_sign_ed25519_sk_to_pk(pk, sk->sk);
    if (crypto_sign_verify_detached(bin + 10, hash, SMZ_SIGN_HASH_BYTES, pk) != 0 ||
        crypto_sign_verify_detached(global, gmsg, crypto_sign_BYTES + tlen, pk) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_INTERNAL,
                            "the new signature does not verify with the key's public half");
        goto out;
    }
    sodium_bin2base64(b64sig, sizeof b64sig, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64glob, sizeof b64glob, global, sizeof global, sodium_base64_VARIANT_ORIGINAL);
    smz__sign_pair pairs[2] = {
        {SMZ__UNTRUSTED_PREFIX, untrusted, ulen, b64sig, SMZ__B64_LEN(SMZ__SIG_BIN)},
        {SMZ__TRUSTED_PREFIX, trusted, tlen, b64glob, SMZ__B64_LEN(crypto_sign_BYTES)},
    };
    rc = smz__sign_join(pairs, 2, sig, len, cx);
out:
    free(gmsg);
    return rc;
}

smz_err smz_sign_file(smz_sign_ctx *cx, const smz_seckey *sk, const char *path, const char *trusted,
                      const char *untrusted, char **sig, size_t *len)
{
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    smz_err rc;

    if (sig)
        *sig = NULL;
    if (len)
        *len = 0;
    rc = smz_sign_hash_file(cx, path, hash);
    if (rc != SMZ_OK)
        return rc;
    return smz_sign_hash(cx, sk, hash, trusted, untrusted, sig, len);
}

/* ---- parsing ---- */

smz_err smz_sig_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_sig **out)
{
    smz_err rc;
    const char *line[5];
    size_t llen[5], n = 0, plen;
    unsigned char bin[SMZ__SIG_BIN];
    struct smz_sig *s = NULL;

    if (out)
        *out = NULL;
    /* One line more than allowed, to refuse it. */
    rc = smz__sign_parse_begin(cx, "smz_sig_parse", out != NULL, text, len, SIG_WHAT, 5, line, llen, &n);
    if (rc != SMZ_OK)
        goto out;
    if (n == 0) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "signature: empty");
        goto out;
    }
    if (n < 4) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "signature: truncated: %zu of its 4 lines", n);
        goto out;
    }
    if (n > 4) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "signature: unexpected text after line 4 (a signature has 4 lines)");
        goto out;
    }
    rc = smz__sign_head(line, llen, SIG_WHAT, SMZ_N_("signature"), bin, sizeof bin, cx);
    if (rc != SMZ_OK)
        goto out;
    if (memcmp(bin, SMZ__ALG_HASHED, 2) != 0 && memcmp(bin, SMZ__ALG_LEGACY, 2) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                            "signature: unknown signature algorithm 0x%02X%02X (expected \"ED\")",
                            bin[0], bin[1]);
        goto out;
    }
    if (!smz__sign_has_prefix(line[2], llen[2], SMZ__TRUSTED_PREFIX)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "signature: line 3 must start with \"trusted comment: \"");
        goto out;
    }
    plen = strlen(SMZ__TRUSTED_PREFIX);
    if (llen[2] - plen > SMZ_SIGN_TRUSTED_COMMENT_MAX) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "signature: the trusted comment is over %d bytes",
                            SMZ_SIGN_TRUSTED_COMMENT_MAX);
        goto out;
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->trusted = malloc(llen[2] - plen + 1))) {
        rc = smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    rc = smz__sign_b64_exact(line[3], llen[3], s->global, sizeof s->global, SIG_WHAT, 4,
                             SMZ_N_("global signature"), cx);
    if (rc != SMZ_OK)
        goto out;
    memcpy(s->alg, bin, 2);
    memcpy(s->keyid, bin + 2, SMZ__KEYNUM_BYTES);
    memcpy(s->sig, bin + 10, crypto_sign_BYTES);
    s->trusted_len = llen[2] - plen;
    memcpy(s->trusted, line[2] + plen, s->trusted_len);
    s->trusted[s->trusted_len] = '\0';
    *out = s;
    s = NULL;
    rc = SMZ_OK;
out:
    smz_sig_free(s);
    return rc;
}

static smz_err sig_parse_cb(smz_sign_ctx *cx, const char *text, size_t len, const void *arg, void *out)
{
    (void)arg;
    return smz_sig_parse(cx, text, len, out);
}

smz_err smz_sig_load(smz_sign_ctx *cx, const char *path, smz_sig **out)
{
    if (out)
        *out = NULL;
    return smz__sign_load(cx, "smz_sig_load", path, out, SMZ_SIG_FILE_MAX, 0, sig_parse_cb, NULL);
}

void smz_sig_free(smz_sig *sig)
{
    if (!sig)
        return;
    free(sig->trusted);
    free(sig);
}

void smz_sig_keyid(const smz_sig *sig, char out[SMZ_KEYID_SIZE])
{
    smz__sign_keyid_hex(sig->keyid, out);
}

void smz__sig_keyid_bytes(const smz_sig *sig, unsigned char out[SMZ__KEYNUM_BYTES])
{
    memcpy(out, sig->keyid, SMZ__KEYNUM_BYTES);
}

int smz_sig_is_legacy(const smz_sig *sig)
{
    return memcmp(sig->alg, SMZ__ALG_LEGACY, 2) == 0;
}

const char *smz_sig_trusted_comment(const smz_sig *sig)
{
    return sig && sig->verified ? sig->trusted : NULL;
}

unsigned smz_sig_checked(const smz_sig *sig)
{
    return sig ? sig->checked : 0;
}

const char *smz_sig_comment_text(const smz_sig *sig)
{
    return sig ? sig->trusted : NULL;
}

/* ---- verifying ---- */

/* The checks every verify call starts with: arguments, the algorithm
 * against FLAGS, the key id.  *legacy tells the caller what MSG must be. */
static smz_err verify_start(smz_sig *sig, const smz_pubkey *pk, unsigned flags, int *legacy,
                            smz_sign_ctx *cx)
{
    char want[SMZ_KEYID_SIZE], have[SMZ_KEYID_SIZE];
    smz_err rc = smz__sign_enter(cx, "verify", sig && pk);

    if (rc != SMZ_OK)
        return rc;
    sig->verified = 0;
    sig->checked = 0;
    *legacy = smz_sig_is_legacy(sig);
    if (*legacy && !(flags & SMZ_SIG_ALLOW_LEGACY))
        return smz__sign_fail(cx, SMZ_E_UNSUPPORTED, LEGACY_REFUSED);
    if (memcmp(sig->keyid, pk->keyid, SMZ__KEYNUM_BYTES) != 0) {
        smz__sign_keyid_hex(sig->keyid, have);
        smz__sign_keyid_hex(pk->keyid, want);
        return smz__sign_fail(cx, SMZ_E_SIGNATURE,
                              "wrong key: the signature was made by key id %s, but the public "
                              "key's id is %s",
                              have, want);
    }
    return SMZ_OK;
}

/* Both Ed25519 checks; MSG is the hash ("ED") or the data (legacy). */
static smz_err verify_finish(smz_sig *sig, const smz_pubkey *pk, const unsigned char *msg, size_t msglen,
                             smz_sign_ctx *cx)
{
    unsigned char *gmsg = NULL;
    int data_ok, comment_ok;
    smz_err rc;

    rc = global_message(sig->sig, sig->trusted, sig->trusted_len, &gmsg, cx);
    if (rc != SMZ_OK)
        return rc;
    data_ok = crypto_sign_verify_detached(sig->sig, msg, msglen, pk->pk) == 0;
    comment_ok = crypto_sign_verify_detached(sig->global, gmsg, crypto_sign_BYTES + sig->trusted_len,
                                             pk->pk) == 0;
    free(gmsg);
    sig->checked = (data_ok ? SMZ_SIG_DATA_OK : 0u) | (comment_ok ? SMZ_SIG_COMMENT_OK : 0u);
    if (data_ok && comment_ok) {
        sig->verified = 1;
        return SMZ_OK;
    }
    if (comment_ok)
        return smz__sign_fail(cx, SMZ_E_SIGNATURE,
                              "the data does not match the signature: the file was changed, "
                              "or the signature is for another file");
    if (data_ok)
        return smz__sign_fail(cx, SMZ_E_SIGNATURE,
                              "the trusted comment does not verify: the trusted comment or the "
                              "global signature was altered");
    return smz__sign_fail(cx, SMZ_E_SIGNATURE,
                          "the signature does not verify: the signature itself is damaged or "
                          "forged (neither the data nor the trusted comment verifies)");
}

smz_err smz_sig_verify_hash(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk,
                            const unsigned char hash[SMZ_SIGN_HASH_BYTES], unsigned flags)
{
    int legacy = 0;
    smz_err rc = verify_start(sig, pk, flags, &legacy, cx);

    if (rc != SMZ_OK)
        return rc;
    if (!hash)
        return smz__sign_fail(cx, SMZ_E_INVALID, "verify: NULL hash");
    if (legacy)
        return smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                              "a legacy non-prehashed signature covers the data itself, not its "
                              "hash: verify it over the data or the file");
    return verify_finish(sig, pk, hash, SMZ_SIGN_HASH_BYTES, cx);
}

smz_err smz_sig_verify_data(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk, const void *data,
                            size_t len, unsigned flags)
{
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    int legacy = 0;
    smz_err rc = verify_start(sig, pk, flags, &legacy, cx);

    if (rc != SMZ_OK)
        return rc;
    if (!data && len)
        return smz__sign_fail(cx, SMZ_E_INVALID, "verify: NULL data");
    if (!data)
        data = "";
    if (legacy)
        return verify_finish(sig, pk, data, len, cx);
    crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
    return verify_finish(sig, pk, hash, sizeof hash, cx);
}

smz_err smz_sig_verify_file(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk, const char *path,
                            unsigned flags)
{
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    char *buf = NULL;
    size_t len = 0;
    int legacy = 0;
    smz_err rc;

    rc = verify_start(sig, pk, flags, &legacy, cx);
    if (rc != SMZ_OK)
        goto out;
    if (!path) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "verify: NULL path");
        goto out;
    }
    if (legacy) {
        rc = smz__sign_read_file(path, (size_t)SMZ_SIG_LEGACY_DATA_MAX, 0, &buf, &len, cx);
        if (rc == SMZ_OK)
            rc = verify_finish(sig, pk, (const unsigned char *)buf, len, cx);
        goto out;
    }
    rc = smz_sign_hash_file(cx, path, hash);
    if (rc == SMZ_OK)
        rc = verify_finish(sig, pk, hash, sizeof hash, cx);
out:
    free(buf);
    return rc;
}
