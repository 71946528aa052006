/* minisign key files: public keys ("Ed" | key id | Ed25519 key), secret keys
 * (optionally scrypt-encrypted, with a BLAKE2b-256 checksum that tells a
 * wrong password), and keyrings of trusted public keys.  Secret bytes only
 * ever live in buffers that are wiped before they are freed. */
#include <stdlib.h>
#include <string.h>
#include "sign/sign_priv.h"
#include "error.h"

#define PUB_WHAT SMZ_N_("public key")
#define SEC_WHAT SMZ_N_("secret key")
#define RING_WHAT SMZ_N_("trusted keys")

static void le64_store(unsigned char *p, uint64_t x)
{
    size_t i;
    for (i = 0; i < 8; i++)
        p[i] = (unsigned char)(x >> (8 * i));
}

static uint64_t le64_load(const unsigned char *p)
{
    uint64_t x = 0;
    size_t i;
    for (i = 0; i < 8; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

/* ---- public keys ---- */

smz_err smz_pubkey_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_pubkey **out)
{
    smz_err rc;
    const char *line[3] = {NULL, NULL, NULL};
    size_t llen[3] = {0, 0, 0}, n = 0;
    struct smz_pubkey *pk = NULL;

    if (out)
        *out = NULL;
    rc = smz__sign_parse_begin(cx, "smz_pubkey_parse", out != NULL, text, len, PUB_WHAT, 3, line, llen,
                               &n);
    if (rc != SMZ_OK)
        goto out;
    if (n == 0) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "public key: empty");
        goto out;
    }
    if (n == 3) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "public key: unexpected line 3 (a .pub file has two lines)");
        goto out;
    }
    if (n == 2 && !smz__sign_has_prefix(line[0], llen[0], SMZ__UNTRUSTED_PREFIX)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "public key: line 1 must start with \"untrusted comment: \"");
        goto out;
    }
    if (n == 1 && smz__sign_has_prefix(line[0], llen[0], SMZ__UNTRUSTED_PREFIX)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "public key: truncated: the comment line is not followed by a key");
        goto out;
    }
    pk = malloc(sizeof *pk);
    if (!pk) {
        rc = smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    rc = smz__pubkey_from_line(line[n - 1], llen[n - 1], PUB_WHAT, n, pk, cx);
    if (rc != SMZ_OK)
        goto out;
    *out = pk;
    pk = NULL;
    rc = SMZ_OK;
out:
    free(pk);
    return rc;
}

static smz_err pubkey_parse_cb(smz_sign_ctx *cx, const char *text, size_t len, const void *arg,
                               void *out)
{
    (void)arg;
    return smz_pubkey_parse(cx, text, len, out);
}

smz_err smz_pubkey_load(smz_sign_ctx *cx, const char *path, smz_pubkey **out)
{
    if (out)
        *out = NULL;
    return smz__sign_load(cx, "smz_pubkey_load", path, out, SMZ_KEY_FILE_MAX, SMZ__LOAD_NAME_FILE,
                          pubkey_parse_cb, NULL);
}

void smz_pubkey_base64(const smz_pubkey *pk, char out[SMZ_PUBKEY_B64_SIZE])
{
    unsigned char bin[SMZ__PUBKEY_BIN];

    memcpy(bin, SMZ__ALG_LEGACY, 2);
    memcpy(bin + 2, pk->keyid, SMZ__KEYNUM_BYTES);
    memcpy(bin + 2 + SMZ__KEYNUM_BYTES, pk->pk, sizeof pk->pk);
    sodium_bin2base64(out, SMZ_PUBKEY_B64_SIZE, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
}

void smz_pubkey_keyid(const smz_pubkey *pk, char out[SMZ_KEYID_SIZE])
{
    smz__sign_keyid_hex(pk->keyid, out);
}

int smz_pubkey_equal(const smz_pubkey *a, const smz_pubkey *b)
{
    return memcmp(a->keyid, b->keyid, sizeof a->keyid) == 0 && memcmp(a->pk, b->pk, sizeof a->pk) == 0;
}

void smz_pubkey_free(smz_pubkey *pk)
{
    free(pk);
}

smz_err smz_pubkey_encode(smz_sign_ctx *cx, const smz_pubkey *pk, const char *comment, char **text,
                          size_t *len)
{
    smz_err rc;
    char b64[SMZ_PUBKEY_B64_SIZE], id[SMZ_KEYID_SIZE], deflt[64];
    size_t clen;

    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    rc = smz__sign_enter(cx, "smz_pubkey_encode", pk && text);
    if (rc != SMZ_OK)
        goto out;
    if (!comment) {
        smz__sign_keyid_hex(pk->keyid, id);
        snprintf(deflt, sizeof deflt, "samizdat public key %s", id); /* fits: 37 bytes */
        comment = deflt;
    }
    clen = strlen(comment);
    if (clen > SMZ_SIGN_UNTRUSTED_COMMENT_MAX || smz__sign_bad_comment(comment, clen)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "public key comment must be one line of at most %d bytes",
                            SMZ_SIGN_UNTRUSTED_COMMENT_MAX);
        goto out;
    }
    smz_pubkey_base64(pk, b64);
    smz__sign_pair pair = {SMZ__UNTRUSTED_PREFIX, comment, clen, b64, SMZ_PUBKEY_B64_SIZE - 1};
    rc = smz__sign_join(&pair, 1, text, len, cx);
out:
    return rc;
}

smz_err smz_pubkey_save(smz_sign_ctx *cx, const smz_pubkey *pk, const char *path, const char *comment)
{
    smz_err rc;
    char *text = NULL;
    size_t len = 0;

    if (!path) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "smz_pubkey_save: NULL path");
        goto out;
    }
    rc = smz_pubkey_encode(cx, pk, comment, &text, &len);
    if (rc != SMZ_OK)
        goto out;
    rc = smz__sign_write_new(path, text, len, 0644, cx);
out:
    free(text);
    return rc;
}

/* ---- secret keys ---- */

static smz_err seckey_alloc(struct smz_seckey **out, smz_sign_ctx *cx)
{
    *out = malloc(sizeof **out);
    if (!*out)
        return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
    return SMZ_OK;
}

void smz_seckey_free(smz_seckey *sk)
{
    if (!sk)
        return;
    sodium_memzero(sk, sizeof *sk);
    free(sk);
}

void smz_sign_free_secret(char *p, size_t len)
{
    if (!p)
        return;
    sodium_memzero(p, len);
    free(p);
}

void smz_seckey_keyid(const smz_seckey *sk, char out[SMZ_KEYID_SIZE])
{
    smz__sign_keyid_hex(sk->keyid, out);
}

smz_err smz_seckey_generate(smz_sign_ctx *cx, smz_seckey **out)
{
    smz_err rc;
    struct smz_seckey *sk = NULL;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];

    if (out)
        *out = NULL;
    rc = smz__sign_enter(cx, "smz_seckey_generate", out != NULL);
    if (rc != SMZ_OK)
        goto out;
    rc = seckey_alloc(&sk, cx);
    if (rc != SMZ_OK)
        goto out;
    randombytes_buf(sk->keyid, sizeof sk->keyid);
    if (crypto_sign_keypair(pk, sk->sk) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_INTERNAL, "Ed25519 key generation failed");
        goto out;
    }
    *out = sk;
    sk = NULL;
    rc = SMZ_OK;
out:
    smz_seckey_free(sk);
    return rc;
}

smz_err smz_seckey_pubkey(smz_sign_ctx *cx, const smz_seckey *sk, smz_pubkey **out)
{
    struct smz_pubkey *pk;
    smz_err rc;

    if (out)
        *out = NULL;
    rc = smz__sign_enter(cx, "smz_seckey_pubkey", sk && out);
    if (rc != SMZ_OK)
        return rc;
    pk = malloc(sizeof *pk);
    if (!pk)
        return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
    memcpy(pk->keyid, sk->keyid, sizeof pk->keyid);
    crypto_sign_ed25519_sk_to_pk(pk->pk, sk->sk);
    *out = pk;
    return SMZ_OK;
}

/* BLAKE2b-256 of "Ed" | key id | secret key: BIN's own algorithm bytes and
 * its decrypted middle part. */
static void seckey_checksum(const unsigned char *bin, unsigned char chk[32])
{
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, bin, 2);
    crypto_generichash_update(&st, bin + SMZ__SECKEY_ENC_OFF,
                              SMZ__KEYNUM_BYTES + crypto_sign_SECRETKEYBYTES);
    crypto_generichash_final(&st, chk, 32);
    sodium_memzero(&st, sizeof st);
}

/* XORs BIN's encrypted part with scrypt(PASSWORD, salt, ops, mem) as stored
 * in BIN (encrypting and decrypting are the same). */
static smz_err seckey_crypt(unsigned char *bin, const char *password, smz_sign_ctx *cx)
{
    unsigned char stream[SMZ__SECKEY_ENC_LEN];
    uint64_t ops = le64_load(bin + 38), mem = le64_load(bin + 46);
    size_t i;

    if (ops > SMZ__KDF_OPSLIMIT_MAX || mem > SMZ_SIGN_KDF_MEMLIMIT_MAX)
        return smz__sign_fail(cx, SMZ_E_TOOBIG,
                              "secret key: scrypt limits %llu/%llu are over our caps %llu/%llu",
                              (unsigned long long)ops, (unsigned long long)mem,
                              (unsigned long long)SMZ__KDF_OPSLIMIT_MAX,
                              (unsigned long long)SMZ_SIGN_KDF_MEMLIMIT_MAX);
    if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, password, strlen(password), bin + 6,
                                           (unsigned long long)ops, (size_t)mem) != 0) {
        sodium_memzero(stream, sizeof stream);
        return smz__sign_fail(cx, SMZ_E_NOMEM,
                              "secret key: scrypt key derivation failed (it needs %llu bytes of "
                              "memory)",
                              (unsigned long long)mem);
    }
    for (i = 0; i < sizeof stream; i++)
        bin[SMZ__SECKEY_ENC_OFF + i] ^= stream[i];
    sodium_memzero(stream, sizeof stream);
    return SMZ_OK;
}

smz_err smz_seckey_parse(smz_sign_ctx *cx, const char *text, size_t len, const char *password,
                         smz_seckey **out)
{
    smz_err rc;
    const char *line[3] = {NULL, NULL, NULL};
    size_t llen[3] = {0, 0, 0}, n = 0;
    unsigned char bin[SMZ__SECKEY_BIN], chk[32], zero[32];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
    struct smz_seckey *sk = NULL;

    if (out)
        *out = NULL;
    rc = smz__sign_parse_begin(cx, "smz_seckey_parse", out != NULL, text, len, SEC_WHAT, 3, line, llen,
                               &n);
    if (rc != SMZ_OK)
        goto out;
    if (n != 2) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            n < 2 ? "secret key: truncated: a secret key file has two lines"
                                  : "secret key: unexpected line 3 (a secret key file has two lines)");
        goto out;
    }
    rc = smz__sign_head(line, llen, SEC_WHAT, SMZ_N_("secret key"), bin, sizeof bin, cx);
    if (rc != SMZ_OK)
        goto out;
    if (memcmp(bin, SMZ__ALG_LEGACY, 2) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                            "secret key: unknown key algorithm 0x%02X%02X (expected \"Ed\")", bin[0],
                            bin[1]);
        goto out;
    }
    if (memcmp(bin + 4, SMZ__CHK_BLAKE2, 2) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                            "secret key: unknown checksum algorithm 0x%02X%02X (expected \"B2\")",
                            bin[4], bin[5]);
        goto out;
    }
    memset(zero, 0, sizeof zero);
    if (memcmp(bin + 2, SMZ__KDF_SCRYPT, 2) == 0) {
        if (!password) {
            rc = smz__sign_fail(cx, SMZ_E_INVALID,
                                "secret key: the key is encrypted: a password is needed");
            goto out;
        }
        if (strlen(password) > SMZ_SIGN_PASSWORD_MAX) {
            rc = smz__sign_fail(cx, SMZ_E_INVALID, "password is over %d bytes", SMZ_SIGN_PASSWORD_MAX);
            goto out;
        }
        rc = seckey_crypt(bin, password, cx);
        if (rc != SMZ_OK)
            goto out;
        seckey_checksum(bin, chk);
        if (sodium_memcmp(chk, bin + SMZ__SECKEY_BIN - 32, 32) != 0) {
            rc = smz__sign_fail(cx, SMZ_E_INVALID,
                                "secret key: wrong password (the decrypted key fails its checksum)");
            goto out;
        }
    } else if (memcmp(bin + 2, zero, 2) == 0) {
        /* minisign -W leaves the checksum of an unencrypted key all zero;
         * when one is there (ours write it), it must hold. */
        seckey_checksum(bin, chk);
        if (sodium_memcmp(bin + SMZ__SECKEY_BIN - 32, zero, 32) != 0 &&
            sodium_memcmp(chk, bin + SMZ__SECKEY_BIN - 32, 32) != 0) {
            rc = smz__sign_fail(cx, SMZ_E_CORRUPT,
                                "secret key: checksum mismatch: the key file is damaged");
            goto out;
        }
    } else {
        rc = smz__sign_fail(cx, SMZ_E_UNSUPPORTED,
                            "secret key: unknown key derivation 0x%02X%02X (expected \"Sc\" or none)",
                            bin[2], bin[3]);
        goto out;
    }
    /* The stored public half must be the one the seed gives, or signatures
     * would not verify (a damaged key with a zero checksum ends here). */
    crypto_sign_seed_keypair(pk, sk2, bin + SMZ__SECKEY_ENC_OFF + SMZ__KEYNUM_BYTES);
    if (sodium_memcmp(sk2, bin + SMZ__SECKEY_ENC_OFF + SMZ__KEYNUM_BYTES, sizeof sk2) != 0) {
        rc = smz__sign_fail(cx, SMZ_E_CORRUPT,
                            "secret key: damaged: its public half does not match its seed");
        goto out;
    }
    rc = seckey_alloc(&sk, cx);
    if (rc != SMZ_OK)
        goto out;
    memcpy(sk->keyid, bin + SMZ__SECKEY_ENC_OFF, SMZ__KEYNUM_BYTES);
    memcpy(sk->sk, bin + SMZ__SECKEY_ENC_OFF + SMZ__KEYNUM_BYTES, sizeof sk->sk);
    *out = sk;
    sk = NULL;
    rc = SMZ_OK;
out:
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(chk, sizeof chk);
    sodium_memzero(sk2, sizeof sk2);
    smz_seckey_free(sk);
    return rc;
}

smz_err smz_seckey_file_encrypted(smz_sign_ctx *cx, const char *path, int *encrypted)
{
    smz_err rc;
    char *buf = NULL;
    size_t len = 0, llen[2] = {0, 0}, n = 0;
    const char *line[2] = {NULL, NULL};
    unsigned char bin[SMZ__SECKEY_BIN];
    smz__lines it;
    smz_seckey *sk = NULL;
    int r;

    rc = smz__sign_enter(cx, "smz_seckey_file_encrypted", path && encrypted);
    if (rc != SMZ_OK)
        goto out;
    *encrypted = 0;
    rc = smz__sign_read_file(path, SMZ_KEY_FILE_MAX, 1, &buf, &len, cx);
    if (rc != SMZ_OK)
        goto out;
    /* Only the KDF bytes are looked at here; smz_seckey_parse judges the
     * rest (an unencrypted key is parsed whole, a password is not needed). */
    smz__lines_init(&it, buf, len, SEC_WHAT);
    while (n < 2 && (r = smz__lines_next(&it, &line[n], &llen[n], NULL)) > 0)
        n++;
    if (n == 2 && smz__sign_has_prefix(line[0], llen[0], SMZ__UNTRUSTED_PREFIX) &&
        smz__sign_b64_exact(line[1], llen[1], bin, sizeof bin, SEC_WHAT, 2, SMZ_N_("secret key"),
                            NULL) == SMZ_OK &&
        memcmp(bin, SMZ__ALG_LEGACY, 2) == 0 && memcmp(bin + 2, SMZ__KDF_SCRYPT, 2) == 0) {
        *encrypted = 1;
        rc = SMZ_OK;
        goto out;
    }
    if ((rc = smz_seckey_parse(cx, buf, len, NULL, &sk)) != SMZ_OK)
        smz__sign_name_file(cx, path);
out:
    sodium_memzero(bin, sizeof bin);
    smz_seckey_free(sk);
    if (buf)
        smz_sign_free_secret(buf, len + 1);
    return rc;
}

static smz_err seckey_parse_cb(smz_sign_ctx *cx, const char *text, size_t len, const void *arg,
                               void *out)
{
    return smz_seckey_parse(cx, text, len, arg, out);
}

smz_err smz_seckey_load(smz_sign_ctx *cx, const char *path, const char *password, smz_seckey **out)
{
    if (out)
        *out = NULL;
    return smz__sign_load(cx, "smz_seckey_load", path, out, SMZ_KEY_FILE_MAX,
                          SMZ__LOAD_SECRET | SMZ__LOAD_NAME_FILE, seckey_parse_cb, password);
}

smz_err smz_seckey_encode(smz_sign_ctx *cx, const smz_seckey *sk, const char *password,
                          uint64_t opslimit, uint64_t memlimit, const char *comment, char **text,
                          size_t *len)
{
    smz_err rc;
    unsigned char bin[SMZ__SECKEY_BIN];
    char b64[SMZ__B64_LEN(SMZ__SECKEY_BIN) + 1];
    size_t clen;

    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    memset(bin, 0, sizeof bin);
    rc = smz__sign_enter(cx, "smz_seckey_encode", sk && text);
    if (rc != SMZ_OK)
        goto out;
    if (!comment)
        comment = password ? "samizdat encrypted secret key" : "samizdat secret key";
    clen = strlen(comment);
    if (clen > SMZ_SIGN_UNTRUSTED_COMMENT_MAX || smz__sign_bad_comment(comment, clen)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "secret key comment must be one line of at most %d bytes",
                            SMZ_SIGN_UNTRUSTED_COMMENT_MAX);
        goto out;
    }
    if (opslimit == 0 && memlimit == 0) {
        opslimit = SMZ_SIGN_KDF_OPSLIMIT_DEFAULT;
        memlimit = SMZ_SIGN_KDF_MEMLIMIT_DEFAULT;
    }
    if (password && (strlen(password) > SMZ_SIGN_PASSWORD_MAX ||
                     opslimit < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
                     memlimit < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN ||
                     opslimit > SMZ__KDF_OPSLIMIT_MAX || memlimit > SMZ_SIGN_KDF_MEMLIMIT_MAX)) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "password over %d bytes or scrypt limits out of range",
                            SMZ_SIGN_PASSWORD_MAX);
        goto out;
    }
    memcpy(bin, SMZ__ALG_LEGACY, 2);
    memcpy(bin + 4, SMZ__CHK_BLAKE2, 2);
    memcpy(bin + SMZ__SECKEY_ENC_OFF, sk->keyid, SMZ__KEYNUM_BYTES);
    memcpy(bin + SMZ__SECKEY_ENC_OFF + SMZ__KEYNUM_BYTES, sk->sk, sizeof sk->sk);
    seckey_checksum(bin, bin + SMZ__SECKEY_BIN - 32);
    if (password) {
        memcpy(bin + 2, SMZ__KDF_SCRYPT, 2);
        randombytes_buf(bin + 6, 32);
        le64_store(bin + 38, opslimit);
        le64_store(bin + 46, memlimit);
        rc = seckey_crypt(bin, password, cx);
        if (rc != SMZ_OK)
            goto out;
    }
    sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    smz__sign_pair pair = {SMZ__UNTRUSTED_PREFIX, comment, clen, b64, SMZ__B64_LEN(SMZ__SECKEY_BIN)};
    rc = smz__sign_join(&pair, 1, text, len, cx);
out:
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(b64, sizeof b64);
    return rc;
}

smz_err smz_seckey_save(smz_sign_ctx *cx, const smz_seckey *sk, const char *path, const char *password,
                        uint64_t opslimit, uint64_t memlimit, const char *comment)
{
    smz_err rc;
    char *text = NULL;
    size_t len = 0;

    if (!path) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "smz_seckey_save: NULL path");
        goto out;
    }
    rc = smz_seckey_encode(cx, sk, password, opslimit, memlimit, comment, &text, &len);
    if (rc != SMZ_OK)
        goto out;
    rc = smz__sign_write_new(path, text, len, 0600, cx);
out:
    if (text)
        smz_sign_free_secret(text, len + 1);
    return rc;
}

/* ---- keyrings ---- */

struct smz_keyring {
    struct smz_pubkey **keys; /* each its own allocation: pointers stay valid */
    size_t n, cap;
};

smz_err smz_keyring_new(smz_keyring **out)
{
    if (!out)
        return SMZ_E_INVALID;
    *out = calloc(1, sizeof **out);
    return *out ? SMZ_OK : SMZ_E_NOMEM;
}

void smz_keyring_free(smz_keyring *kr)
{
    size_t i;

    if (!kr)
        return;
    for (i = 0; i < kr->n; i++)
        free(kr->keys[i]);
    free(kr->keys);
    free(kr);
}

size_t smz_keyring_count(const smz_keyring *kr)
{
    return kr ? kr->n : 0;
}

/* Adds a copy of PK; WHERE names it in messages. */
static smz_err keyring_add(smz_keyring *kr, const struct smz_pubkey *pk, const char *where,
                           smz_sign_ctx *cx)
{
    struct smz_pubkey **keys, *copy;
    char id[SMZ_KEYID_SIZE];
    size_t i;

    for (i = 0; i < kr->n; i++) {
        if (memcmp(kr->keys[i]->keyid, pk->keyid, sizeof pk->keyid) != 0)
            continue;
        if (smz_pubkey_equal(kr->keys[i], pk))
            return SMZ_OK;
        smz__sign_keyid_hex(pk->keyid, id);
        return smz__sign_fail(cx, SMZ_E_INVALID,
                              "trusted keys: %stwo different keys have the same key id %s", where, id);
    }
    if (kr->n >= SMZ_KEYRING_KEYS_MAX)
        return smz__sign_fail(cx, SMZ_E_TOOBIG, "trusted keys: %smore than %d keys", where,
                              SMZ_KEYRING_KEYS_MAX);
    if (kr->n == kr->cap) {
        size_t cap = kr->cap ? kr->cap * 2 : 8;
        keys = realloc(kr->keys, cap * sizeof *keys);
        if (!keys)
            return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
        kr->keys = keys;
        kr->cap = cap;
    }
    copy = malloc(sizeof *copy);
    if (!copy)
        return smz__sign_fail(cx, SMZ_E_NOMEM, "out of memory");
    *copy = *pk;
    kr->keys[kr->n++] = copy;
    return SMZ_OK;
}

smz_err smz_keyring_add(smz_sign_ctx *cx, smz_keyring *kr, const smz_pubkey *pk)
{
    smz_err rc = smz__sign_enter(cx, "smz_keyring_add", kr && pk);

    if (rc != SMZ_OK)
        return rc;
    return keyring_add(kr, pk, "", cx);
}

smz_err smz_keyring_merge(smz_sign_ctx *cx, smz_keyring *dst, const smz_keyring *src)
{
    smz_err rc = smz__sign_enter(cx, "smz_keyring_merge", dst && src);
    size_t i;

    if (rc != SMZ_OK)
        return rc;
    for (i = 0; i < src->n; i++)
        if ((rc = keyring_add(dst, src->keys[i], "", cx)) != SMZ_OK)
            return rc;
    return SMZ_OK;
}

smz_err smz_keyring_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_keyring **out)
{
    smz_err rc;
    smz__lines it;
    smz_keyring *kr = NULL;
    struct smz_pubkey pk;
    const char *line;
    size_t llen, comment_line = 0, none;
    char where[48];
    int r;

    if (out)
        *out = NULL;
    /* No line read here: a keyring has any number of them. */
    rc = smz__sign_parse_begin(cx, "smz_keyring_parse", out != NULL, text, len, RING_WHAT, 0, NULL, NULL,
                               &none);
    if (rc != SMZ_OK)
        goto out;
    rc = smz_keyring_new(&kr);
    if (rc != SMZ_OK) {
        rc = smz__sign_fail(cx, rc, "out of memory");
        goto out;
    }
    smz__lines_init(&it, text, len, RING_WHAT);
    while ((r = smz__lines_next(&it, &line, &llen, cx)) != 0) {
        if (r < 0) {
            rc = it.rc;
            goto out;
        }
        if (llen == 0 || line[0] == '#' || smz__sign_has_prefix(line, llen, SMZ__UNTRUSTED_PREFIX)) {
            if (comment_line) {
                rc = smz__sign_fail(cx, SMZ_E_INVALID,
                                    "trusted keys: the comment on line %zu is not followed by a key",
                                    comment_line);
                goto out;
            }
            if (llen > 0 && line[0] != '#')
                comment_line = it.lineno;
            continue;
        }
        rc = smz__pubkey_from_line(line, llen, RING_WHAT, it.lineno, &pk, cx);
        if (rc != SMZ_OK)
            goto out;
        smz__format_lang(where, sizeof where, smz__sign_lang(cx), "line %zu: ", it.lineno);
        rc = keyring_add(kr, &pk, where, cx);
        if (rc != SMZ_OK)
            goto out;
        comment_line = 0;
    }
    if (comment_line) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID,
                            "trusted keys: the comment on line %zu is not followed by a key",
                            comment_line);
        goto out;
    }
    if (kr->n == 0) {
        rc = smz__sign_fail(cx, SMZ_E_INVALID, "trusted keys: no key found");
        goto out;
    }
    *out = kr;
    kr = NULL;
    rc = SMZ_OK;
out:
    smz_keyring_free(kr);
    return rc;
}

static smz_err keyring_parse_cb(smz_sign_ctx *cx, const char *text, size_t len, const void *arg,
                                void *out)
{
    (void)arg;
    return smz_keyring_parse(cx, text, len, out);
}

smz_err smz_keyring_load(smz_sign_ctx *cx, const char *path, smz_keyring **out)
{
    if (out)
        *out = NULL;
    return smz__sign_load(cx, "smz_keyring_load", path, out, SMZ_KEYRING_FILE_MAX, SMZ__LOAD_NAME_FILE,
                          keyring_parse_cb, NULL);
}

smz_err smz_keyring_find(smz_sign_ctx *cx, const smz_keyring *kr, const smz_sig *sig,
                         const smz_pubkey **pk)
{
    unsigned char id[SMZ__KEYNUM_BYTES];
    char hex[SMZ_KEYID_SIZE];
    size_t i;
    smz_err rc;

    if (pk)
        *pk = NULL;
    rc = smz__sign_enter(cx, "smz_keyring_find", kr && sig && pk);
    if (rc != SMZ_OK)
        return rc;
    smz__sig_keyid_bytes(sig, id);
    for (i = 0; i < kr->n; i++) {
        if (memcmp(kr->keys[i]->keyid, id, sizeof id) == 0) {
            *pk = kr->keys[i];
            return SMZ_OK;
        }
    }
    smz__sign_keyid_hex(id, hex);
    return smz__sign_fail(cx, SMZ_E_SIGNATURE,
                          "signed by key %s, which is not one of the %zu trusted keys", hex, kr->n);
}
