/* Unit tests for lib/sign/ (smz/sign.h): minisign-compatible keys and
 * signatures, cross-checked against the real /usr/bin/minisign both ways
 * (our signatures verified by minisign, minisign's by us, each side's keys
 * loaded by the other, encrypted keys with passwords fed on stdin), and a
 * corpus of signatures that must fail, each with its own message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include "check.h"
#include "smz/sign.h"

#define MINISIGN "/usr/bin/minisign"
#define ERRLEN 512

/* The signing context every call below reports on (smz/sign.h); ERR is
 * its message. */
static smz_sign_ctx *cx;
#define ERR smz_sign_ctx_errmsg(cx)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
            *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static int spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (!f)
        return -1;
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int spits(const char *path, const char *s)
{
    return spit(path, s, strlen(s));
}

/* Runs CMD with sh; its exit status, or -1. */
static int sh(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int contains(const char *path, const char *needle)
{
    size_t len;
    char *s = slurp(path, &len);
    int r = s && strstr(s, needle) != NULL;
    free(s);
    return r;
}

/* Line N (1-based) of TEXT, without its LF, malloc'd; NULL if none. */
static char *line_of(const char *text, int n)
{
    const char *p = text, *e;
    char *r;

    while (--n > 0) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    r = malloc((size_t)(e - p) + 1);
    memcpy(r, p, (size_t)(e - p));
    r[e - p] = '\0';
    return r;
}

/* TEXT with line N replaced by REPL (malloc'd). */
static char *with_line(const char *text, int n, const char *repl)
{
    const char *p = text, *e;
    size_t pre, rl = strlen(repl);
    char *r;
    int i;

    for (i = 1; i < n; i++)
        p = strchr(p, '\n') + 1;
    e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    pre = (size_t)(p - text);
    r = malloc(pre + rl + strlen(e) + 1);
    memcpy(r, text, pre);
    memcpy(r + pre, repl, rl);
    memcpy(r + pre + rl, e, strlen(e) + 1);
    return r;
}

/* TEXT with base64 line N decoded, byte AT xored with X, re-encoded. */
static char *tamper_b64(const char *text, int n, size_t at, unsigned char x)
{
    char *line = line_of(text, n), b64[512], *r;
    unsigned char bin[256];
    size_t len = 0;

    if (sodium_base642bin(bin, sizeof bin, line, strlen(line), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        at >= len) {
        free(line);
        return NULL;
    }
    bin[at] ^= x;
    sodium_bin2base64(b64, sizeof b64, bin, len, sodium_base64_VARIANT_ORIGINAL);
    r = with_line(text, n, b64);
    free(line);
    return r;
}

/* Parses SIGTEXT and verifies it over the file PATH with PK.  Returns the
 * code; the message is ERR; *tc gets a copy of the trusted comment on
 * success (if tc). */
static smz_err verify_text(const char *sigtext, size_t len, const smz_pubkey *pk, const char *path,
                           unsigned flags, char **tc)
{
    smz_sig *sig = NULL;
    smz_err rc = smz_sig_parse(cx, sigtext, len, &sig);

    if (tc)
        *tc = NULL;
    if (rc == SMZ_OK) {
        rc = smz_sig_verify_file(cx, sig, pk, path, flags);
        if (rc == SMZ_OK && tc)
            *tc = strdup(smz_sig_trusted_comment(sig));
        if (rc != SMZ_OK && smz_sig_trusted_comment(sig) != NULL)
            rc = SMZ_E_INTERNAL; /* unverified text must not be handed out */
    }
    smz_sig_free(sig);
    return rc;
}

static smz_err verify_str(const char *sigtext, const smz_pubkey *pk, const char *path, unsigned flags)
{
    return verify_text(sigtext, sigtext ? strlen(sigtext) : 0, pk, path, flags, NULL);
}

/* Keeps a failure message for the distinctness check. */
#define NMSG 16
static char msgs[NMSG][ERRLEN];
static const char *msg_names[NMSG];
static int nmsg;
static void keep(const char *name)
{
    if (nmsg < NMSG) {
        snprintf(msgs[nmsg], ERRLEN, "%s", ERR);
        msg_names[nmsg++] = name;
    }
    printf("# %s: %s\n", name, ERR);
}

static void make_data(void)
{
    unsigned char *d = malloc(200000);
    size_t i;
    uint32_t x = 12345;

    for (i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        d[i] = (unsigned char)(x >> 16);
    }
    spit("data.bin", d, 200000);
    d[100000] ^= 1;
    spit("data_mod.bin", d, 200000);
    free(d);
    spits("other.txt", "another file entirely\n");
}

static void test_hashing(void)
{
    unsigned char a[64], b[64], c[64];
    smz_hasher *h = NULL;
    size_t len, off, step = 1;
    char *d = slurp("data.bin", &len);

    CHECK(smz_hasher_new(&h) == SMZ_OK, "hasher: new");
    for (off = 0; off < len; off += step, step = step * 3 + 1)
        smz_hasher_update(h, d + off, len - off < step ? len - off : step);
    smz_hasher_final(h, a);
    smz_hasher_free(h);
    crypto_generichash(b, 64, (unsigned char *)d, len, NULL, 0);
    CHECK(memcmp(a, b, 64) == 0, "hasher: streaming in uneven pieces = BLAKE2b-512 of the whole");
    CHECK(smz_sign_hash_file(cx, "data.bin", c) == SMZ_OK && memcmp(b, c, 64) == 0,
          "hasher: smz_sign_hash_file streams the same digest");
    CHECK(smz_sign_hash_file(cx, "no-such-file", c) == SMZ_E_NOTFOUND,
          "hasher: a missing file is SMZ_E_NOTFOUND (%s)", ERR);
    free(d);
}

/* Our keys and signatures, checked by minisign. */
static void test_ours_to_minisign(smz_seckey **sk_out, smz_pubkey **pk_out, char **good)
{
    smz_seckey *sk = NULL;
    smz_pubkey *pk = NULL, *pk2 = NULL;
    char id[SMZ_KEYID_SIZE], b64[SMZ_PUBKEY_B64_SIZE], cmd[512], *sig = NULL, *tc = NULL;
    char *l1 = NULL;
    size_t len = 0, plen;
    struct stat st;
    char *pubtext;

    CHECK(smz_seckey_generate(cx, &sk) == SMZ_OK, "ours: generate a key pair");
    CHECK(smz_seckey_pubkey(cx, sk, &pk) == SMZ_OK, "ours: public half");
    smz_pubkey_keyid(pk, id);
    CHECK(strlen(id) >= 1 && strlen(id) <= 16 && strspn(id, "0123456789ABCDEF") == strlen(id) &&
              (id[0] != '0' || strlen(id) == 1),
          "ours: key id %s (upper-case hex without leading zeros, as minisign prints it)", id);
    CHECK(smz_pubkey_save(cx, pk, "ours.pub", NULL) == SMZ_OK, "ours: save .pub");
    CHECK(smz_seckey_save(cx, sk, "ours.sec", NULL, 0, 0, NULL) == SMZ_OK,
          "ours: save unencrypted secret key");
    CHECK(stat("ours.sec", &st) == 0 && (st.st_mode & 077) == 0, "ours: secret key is mode 0600");
    CHECK(smz_pubkey_save(cx, pk, "ours.pub", NULL) == SMZ_E_EXISTS,
          "ours: never overwrites a key file (%s)", ERR);
    pubtext = slurp("ours.pub", &plen);
    l1 = pubtext ? line_of(pubtext, 1) : NULL;
    CHECK(l1 && strstr(l1, "untrusted comment: samizdat public key ") == l1 && strstr(l1, id),
          "ours: .pub comment names the key id");
    free(l1);
    free(pubtext);

    CHECK(smz_sign_file(cx, sk, "data.bin", "samizdat test\tfile:data.bin", NULL, &sig, &len) ==
                  SMZ_OK &&
              sig && len == strlen(sig),
          "ours: sign data.bin");
    CHECK(sig && spit("data.bin.minisig", sig, len) == 0, "ours: write data.bin.minisig");
    CHECK(sh(MINISIGN " -Vm data.bin -p ours.pub >mv.out 2>&1") == 0,
          "minisign -V accepts our signature with our .pub");
    CHECK(contains("mv.out", "Trusted comment: samizdat test\tfile:data.bin"),
          "minisign prints our trusted comment");
    CHECK(sh(MINISIGN " -H -Vm data.bin -p ours.pub >/dev/null 2>&1") == 0,
          "minisign -H (prehashed only) accepts ours: it is ED");
    smz_pubkey_base64(pk, b64);
    snprintf(cmd, sizeof cmd, MINISIGN " -Q -Vm data.bin -P %s >mq.out 2>&1", b64);
    CHECK(sh(cmd) == 0 && contains("mq.out", "samizdat test\tfile:data.bin"),
          "minisign -P with our base64 key accepts it");
    CHECK(sh(MINISIGN " -Vm data_mod.bin -x data.bin.minisig -p ours.pub >/dev/null 2>&1") != 0,
          "minisign refuses our signature over a changed file");

    CHECK(verify_text(sig, len, pk, "data.bin", 0, &tc) == SMZ_OK && tc &&
              strcmp(tc, "samizdat test\tfile:data.bin") == 0,
          "ours verifies ours, trusted comment intact (%s)", ERR);
    free(tc);
    CHECK(smz_pubkey_parse(cx, b64, strlen(b64), &pk2) == SMZ_OK && smz_pubkey_equal(pk, pk2),
          "ours: -P form parses back to the same key");
    smz_pubkey_free(pk2);

    /* minisign signs with our (unencrypted) secret key. */
    CHECK(sh(MINISIGN " -S -m other.txt -s ours.sec -t 'by minisign, our key' >/dev/null 2>&1") == 0,
          "minisign -S loads our secret key");
    {
        size_t l;
        char *t = slurp("other.txt.minisig", &l), *c = NULL;
        CHECK(t && verify_text(t, l, pk, "other.txt", 0, &c) == SMZ_OK && c &&
                  strcmp(c, "by minisign, our key") == 0,
              "ours verifies what minisign signed with our key (%s)", ERR);
        free(c);
        free(t);
    }
    *sk_out = sk;
    *pk_out = pk;
    *good = sig;
}

/* minisign's keys and signatures, checked by us. */
static void test_minisign_to_ours(smz_pubkey **ms_pk_out)
{
    smz_pubkey *pk = NULL, *pk2 = NULL, *pk3 = NULL;
    smz_seckey *sk = NULL;
    char id[SMZ_KEYID_SIZE], *text, *l1, *l2, *tc = NULL, *sig = NULL;
    size_t len, slen = 0;

    CHECK(sh(MINISIGN " -G -W -p ms.pub -s ms.sec >/dev/null 2>&1") == 0,
          "minisign -G -W makes an unencrypted key pair");
    CHECK(smz_pubkey_load(cx, "ms.pub", &pk) == SMZ_OK, "ours loads minisign's .pub (%s)", ERR);
    CHECK(smz_seckey_load(cx, "ms.sec", NULL, &sk) == SMZ_OK,
          "ours loads minisign's unencrypted secret key (%s)", ERR);
    CHECK(sk && smz_seckey_pubkey(cx, sk, &pk2) == SMZ_OK && pk && smz_pubkey_equal(pk, pk2),
          "minisign's secret and public key agree in ours");
    text = slurp("ms.pub", &len);
    l1 = line_of(text, 1);
    l2 = line_of(text, 2);
    if (pk)
        smz_pubkey_keyid(pk, id);
    CHECK(pk && strstr(l1, id) != NULL, "key id %s printed as minisign prints it (%s)", id, l1);
    CHECK(smz_pubkey_parse(cx, l2, strlen(l2), &pk3) == SMZ_OK && smz_pubkey_equal(pk, pk3),
          "the bare base64 line (-P form) parses to the same key");
    free(l1);
    free(l2);
    free(text);

    CHECK(sh(MINISIGN " -S -m data.bin -x ms.minisig -s ms.sec -t 'from minisign' >/dev/null 2>&1") == 0,
          "minisign -S signs data.bin");
    text = slurp("ms.minisig", &len);
    CHECK(text && verify_text(text, len, pk, "data.bin", 0, &tc) == SMZ_OK && tc &&
              strcmp(tc, "from minisign") == 0,
          "ours verifies minisign's signature (%s)", ERR);
    {
        smz_sig *s = NULL;
        CHECK(text && smz_sig_parse(cx, text, len, &s) == SMZ_OK && !smz_sig_is_legacy(s),
              "minisign 0.11 signs prehashed (ED) by default");
        smz_sig_free(s);
    }
    free(tc);
    free(text);

    CHECK(sk &&
              smz_sign_file(cx, sk, "other.txt", "ours with minisign's key", NULL, &sig, &slen) ==
                  SMZ_OK &&
              spit("o2.minisig", sig, slen) == 0,
          "ours signs with minisign's secret key");
    CHECK(sh(MINISIGN " -Vm other.txt -x o2.minisig -p ms.pub >o2.out 2>&1") == 0 &&
              contains("o2.out", "Trusted comment: ours with minisign's key"),
          "minisign verifies it with its own .pub");
    free(sig);
    smz_pubkey_free(pk2);
    smz_pubkey_free(pk3);
    smz_seckey_free(sk);
    *ms_pk_out = pk;
}

/* Encrypted keys: minisign reads the password with fgets() from stdin
 * (no tty needed; it only turns echo off when stdin is a terminal). */
static void test_encrypted(void)
{
    smz_seckey *sk = NULL, *sk2 = NULL;
    smz_pubkey *pk = NULL, *pk2 = NULL;
    size_t len;
    char *text;
    smz_err rc;

    /* minisign's own encrypted key: scrypt with 1 GiB, a few seconds. */
    CHECK(sh("printf 'correct horse\\ncorrect horse\\n' | " MINISIGN
             " -G -p enc.pub -s enc.sec >/dev/null 2>&1") == 0,
          "minisign -G makes an encrypted key, password on stdin");
    CHECK(smz_pubkey_load(cx, "enc.pub", &pk) == SMZ_OK, "load enc.pub");
    CHECK(smz_seckey_load(cx, "enc.sec", "correct horse", &sk) == SMZ_OK,
          "ours decrypts minisign's encrypted key with the right password (%s)", ERR);
    CHECK(sk && smz_seckey_pubkey(cx, sk, &pk2) == SMZ_OK && pk && smz_pubkey_equal(pk, pk2),
          "the decrypted key matches enc.pub");
    rc = smz_seckey_load(cx, "enc.sec", "wrong horse", &sk2);
    CHECK(rc == SMZ_E_INVALID && sk2 == NULL && strstr(ERR, "wrong password"),
          "a wrong password fails clearly: %s", ERR);
    rc = smz_seckey_load(cx, "enc.sec", NULL, &sk2);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "password is needed"),
          "no password for an encrypted key: %s", ERR);
    smz_seckey_free(sk);
    smz_pubkey_free(pk);
    smz_pubkey_free(pk2);
    sk = NULL;
    pk = pk2 = NULL;

    /* Ours encrypted (libsodium's minimum scrypt limits to keep the test
     * fast; the file records them, so minisign uses them too). */
    CHECK(smz_seckey_generate(cx, &sk) == SMZ_OK && smz_seckey_pubkey(cx, sk, &pk) == SMZ_OK &&
              smz_pubkey_save(cx, pk, "oenc.pub", NULL) == SMZ_OK &&
              smz_seckey_save(cx, sk, "oenc.sec", "hunter2", 32768, 16777216, NULL) == SMZ_OK,
          "ours: save an encrypted secret key (%s)", ERR);
    text = slurp("oenc.sec", &len);
    CHECK(text && !strstr(text, "\n\n"), "ours: encrypted key file written");
    CHECK(text && smz_seckey_parse(cx, text, len, "hunter2", &sk2) == SMZ_OK && sk2 &&
              smz_seckey_pubkey(cx, sk2, &pk2) == SMZ_OK && smz_pubkey_equal(pk, pk2),
          "ours decrypts ours");
    smz_seckey_free(sk2);
    sk2 = NULL;
    CHECK(text && smz_seckey_parse(cx, text, len, "hunter3", &sk2) == SMZ_E_INVALID &&
              strstr(ERR, "wrong password"),
          "ours refuses ours with a wrong password");
    free(text);
    CHECK(sh("echo hunter2 | " MINISIGN " -S -s oenc.sec -m other.txt -x oenc.minisig -t enc "
             ">/dev/null 2>&1") == 0,
          "minisign decrypts our encrypted key (password on stdin)");
    text = slurp("oenc.minisig", &len);
    CHECK(text && verify_text(text, len, pk, "other.txt", 0, NULL) == SMZ_OK,
          "ours verifies what minisign signed with it");
    free(text);
    CHECK(sh("echo hunter3 | " MINISIGN " -S -s oenc.sec -m other.txt -x bad.minisig "
             ">/dev/null 2>&1") != 0,
          "minisign refuses our key with a wrong password");
    smz_seckey_free(sk);
    smz_pubkey_free(pk);
    smz_pubkey_free(pk2);
}

/* A key made with libsodium alone, and signatures built by hand: an
 * independent construction of the format, including the legacy kind. */
static void test_hand_built(const smz_pubkey *ours)
{
    unsigned char pk[32], sk[64], id[8] = {1, 2, 3, 4, 5, 6, 7, 8}, bin[74], glob[64];
    unsigned char hash[64], gm[64 + 64];
    char b64pk[64], b64sig[128], b64g[128], text[1024], kid[SMZ_KEYID_SIZE];
    unsigned char pkbin[42];
    smz_pubkey *p = NULL;
    smz_sig *sig = NULL;
    size_t dlen;
    char *data = slurp("data.bin", &dlen);
    const char *tc = "legacy test";
    smz_err rc;

    crypto_sign_keypair(pk, sk);
    memcpy(pkbin, "Ed", 2);
    memcpy(pkbin + 2, id, 8);
    memcpy(pkbin + 10, pk, 32);
    sodium_bin2base64(b64pk, sizeof b64pk, pkbin, sizeof pkbin, sodium_base64_VARIANT_ORIGINAL);
    CHECK(smz_pubkey_parse(cx, b64pk, strlen(b64pk), &p) == SMZ_OK, "hand-built public key parses");
    smz_pubkey_keyid(p, kid);
    CHECK(strcmp(kid, "807060504030201") == 0, "key id bytes 01..08 print as %s", kid);
    snprintf(text, sizeof text, "untrusted comment: hand\n%s\n", b64pk);
    spits("hand.pub", text);

    /* Legacy "Ed": Ed25519 over the raw file. */
    memcpy(bin, "Ed", 2);
    memcpy(bin + 2, id, 8);
    crypto_sign_detached(bin + 10, NULL, (unsigned char *)data, dlen, sk);
    memcpy(gm, bin + 10, 64);
    memcpy(gm + 64, tc, strlen(tc));
    crypto_sign_detached(glob, NULL, gm, 64 + strlen(tc), sk);
    sodium_bin2base64(b64sig, sizeof b64sig, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64g, sizeof b64g, glob, sizeof glob, sodium_base64_VARIANT_ORIGINAL);
    snprintf(text, sizeof text, "untrusted comment: legacy\n%s\ntrusted comment: %s\n%s\n", b64sig, tc,
             b64g);
    spits("legacy.minisig", text);
    CHECK(sh(MINISIGN " -Vm data.bin -x legacy.minisig -p hand.pub >/dev/null 2>&1") == 0,
          "minisign accepts the hand-built legacy signature (the test builds it right)");
    CHECK(sh(MINISIGN " -H -Vm data.bin -x legacy.minisig -p hand.pub >/dev/null 2>&1") != 0,
          "minisign -H refuses it");
    rc = verify_str(text, p, "data.bin", 0);
    CHECK(rc == SMZ_E_UNSUPPORTED && strcmp(ERR, "legacy non-prehashed signature not accepted") == 0,
          "legacy Ed refused by default: %s", ERR);
    keep("legacy");
    CHECK(verify_str(text, p, "data.bin", SMZ_SIG_ALLOW_LEGACY) == SMZ_OK,
          "legacy Ed accepted over the file with SMZ_SIG_ALLOW_LEGACY (%s)", ERR);
    CHECK(smz_sig_parse(cx, text, strlen(text), &sig) == SMZ_OK && smz_sig_is_legacy(sig),
          "parsed as legacy");
    CHECK(smz_sig_verify_data(cx, sig, p, data, dlen, SMZ_SIG_ALLOW_LEGACY) == SMZ_OK &&
              strcmp(smz_sig_trusted_comment(sig), tc) == 0,
          "legacy accepted over the data in memory");
    crypto_generichash(hash, 64, (unsigned char *)data, dlen, NULL, 0);
    CHECK(smz_sig_verify_hash(cx, sig, p, hash, SMZ_SIG_ALLOW_LEGACY) == SMZ_E_UNSUPPORTED &&
              smz_sig_trusted_comment(sig) == NULL,
          "legacy cannot be checked against a hash: %s", ERR);
    CHECK(verify_str(text, p, "data_mod.bin", SMZ_SIG_ALLOW_LEGACY) == SMZ_E_SIGNATURE,
          "allowed legacy still fails over a changed file");
    smz_sig_free(sig);
    sig = NULL;

    /* Prehashed "ED" by hand. */
    memcpy(bin, "ED", 2);
    crypto_sign_detached(bin + 10, NULL, hash, 64, sk);
    memcpy(gm, bin + 10, 64);
    crypto_sign_detached(glob, NULL, gm, 64 + strlen(tc), sk);
    sodium_bin2base64(b64sig, sizeof b64sig, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64g, sizeof b64g, glob, sizeof glob, sodium_base64_VARIANT_ORIGINAL);
    snprintf(text, sizeof text, "untrusted comment: x\n%s\ntrusted comment: %s\n%s\n", b64sig, tc, b64g);
    CHECK(verify_str(text, p, "data.bin", 0) == SMZ_OK, "hand-built ED signature verifies (%s)", ERR);
    CHECK(verify_str(text, ours, "data.bin", 0) == SMZ_E_SIGNATURE && strstr(ERR, "wrong key"),
          "verified against another public key: %s", ERR);
    spits("hand.minisig", text);
    smz_pubkey_free(p);
    free(data);
}

/* The signature corpus that must fail. */
static void test_must_fail(const char *good, const smz_pubkey *pk, const smz_pubkey *ms_pk)
{
    char *t, *l, big[9100], msg_tc[ERRLEN];
    size_t glen = strlen(good), i, n_ok = 0, n_bad = 0;
    smz_err rc;
    int a, b, distinct = 1;

    CHECK(verify_str(good, pk, "data.bin", 0) == SMZ_OK, "the good signature verifies");

    rc = verify_str(good, pk, "data_mod.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE, "one changed byte in the signed file fails: %s", ERR);
    keep("changed file");
    rc = verify_str(good, pk, "other.txt", 0);
    CHECK(rc == SMZ_E_SIGNATURE && strcmp(ERR, msgs[nmsg - 1]) == 0,
          "a signature over a different file fails the same way");

    l = line_of(good, 3);
    l[strlen(l) - 1] ^= 1;
    t = with_line(good, 3, l);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE, "one changed byte in the trusted comment fails: %s", ERR);
    keep("changed trusted comment");
    snprintf(msg_tc, sizeof msg_tc, "%s", ERR);
    spits("tc.minisig", t);
    CHECK(sh(MINISIGN " -Vm data.bin -x tc.minisig -p ours.pub >/dev/null 2>&1") != 0,
          "minisign refuses it too");
    free(t);
    free(l);

    t = tamper_b64(good, 4, 17, 0x20);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE && strcmp(ERR, msg_tc) == 0,
          "one changed byte in the global signature fails (same check as the comment: %s)", ERR);
    free(t);

    t = tamper_b64(good, 2, 10 + 20, 0x01);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE, "one changed byte in the signature fails: %s", ERR);
    keep("changed signature");
    free(t);

    t = tamper_b64(good, 2, 2 + 3, 0x40);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE && strstr(ERR, "wrong key"), "a changed key id fails: %s", ERR);
    keep("wrong key id");
    free(t);
    rc = verify_str(good, ms_pk, "data.bin", 0);
    CHECK(rc == SMZ_E_SIGNATURE && strstr(ERR, "wrong key"), "verifying with another key fails: %s",
          ERR);

    t = tamper_b64(good, 2, 0, 'E' ^ 'X');
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_UNSUPPORTED, "an unknown algorithm fails: %s", ERR);
    keep("unknown algorithm");
    free(t);

    l = line_of(good, 2);
    l[30] = '*';
    t = with_line(good, 2, l);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID, "malformed base64 fails: %s", ERR);
    keep("bad base64");
    free(t);
    l[strlen(l) - 4] = '\0';
    t = with_line(good, 2, l);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "characters"), "base64 of the wrong length fails: %s", ERR);
    keep("wrong length");
    free(t);
    free(l);
    l = line_of(good, 4);
    l[strlen(l) - 2] = 'B'; /* "==" -> "B=": not canonical */
    t = with_line(good, 4, l);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "base64"), "bad base64 padding fails: %s", ERR);
    free(t);
    free(l);

    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "untrusted comment: ", 19);
    t = with_line(good, 1, big);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "line 1 is longer"), "an over-long line 1 fails: %s", ERR);
    keep("over-long line");
    free(t);
    memcpy(big, "trusted comment: ", 17);
    t = with_line(good, 3, big);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "line 3 is longer"), "an over-long line 3 fails: %s", ERR);
    free(t);
    big[17 + SMZ_SIGN_TRUSTED_COMMENT_MAX + 1] = '\0';
    t = with_line(good, 3, big);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "over 8173"), "a trusted comment over 8173 bytes: %s", ERR);
    free(t);

    /* Every truncation: all fail but the one that only loses the last LF. */
    for (i = 0; i < glen; i++) {
        rc = verify_text(good, i, pk, "data.bin", 0, NULL);
        if (rc == SMZ_OK)
            n_ok++;
        else if (rc == SMZ_E_INVALID)
            n_bad++;
    }
    CHECK(n_bad == glen - 1 && n_ok == 1, "all %zu truncations fail as invalid but the final LF's",
          glen);
    rc = verify_text(good, strchr(strchr(good, '\n') + 1, '\n') + 1 - good, pk, "data.bin", 0, NULL);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "truncated"), "truncated after line 2: %s", ERR);
    keep("truncated");

    t = malloc(glen + 8);
    snprintf(t, glen + 8, "%sextra\n", good);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID, "a fifth line fails: %s", ERR);
    keep("extra line");
    snprintf(t, glen + 8, "%s\n", good);
    CHECK(verify_str(t, pk, "data.bin", 0) == SMZ_E_INVALID, "even a trailing blank line");
    free(t);

    t = with_line(good, 1, "untrusted-comment: x");
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "line 1 must"), "a bad line 1 prefix fails: %s", ERR);
    keep("bad line 1");
    free(t);
    l = line_of(good, 3);
    l[0] = 'T';
    t = with_line(good, 3, l);
    rc = verify_str(t, pk, "data.bin", 0);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "line 3 must"), "a bad line 3 prefix fails: %s", ERR);
    free(t);
    free(l);

    t = strdup(good);
    *strstr(t, "samizdat test") = '\0';
    rc = verify_text(t, glen, pk, "data.bin", 0, NULL);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "NUL"), "a NUL byte fails: %s", ERR);
    keep("NUL byte");
    memcpy(t, good, glen + 1);
    *strstr(t, "samizdat test") = '\r';
    rc = verify_text(t, glen, pk, "data.bin", 0, NULL);
    CHECK(rc == SMZ_E_INVALID && strstr(ERR, "carriage return"), "a stray CR fails: %s", ERR);
    free(t);

    /* CRLF line ends are fine. */
    t = malloc(2 * glen + 1);
    for (i = 0, a = 0; i < glen; i++) {
        if (good[i] == '\n')
            t[a++] = '\r';
        t[a++] = good[i];
    }
    t[a] = '\0';
    CHECK(verify_str(t, pk, "data.bin", 0) == SMZ_OK, "CRLF line ends verify");
    free(t);

    CHECK(verify_str("", pk, "data.bin", 0) == SMZ_E_INVALID && strstr(ERR, "empty"),
          "an empty signature: %s", ERR);

    for (a = 0; a < nmsg; a++)
        for (b = a + 1; b < nmsg; b++)
            if (strcmp(msgs[a], msgs[b]) == 0) {
                printf("# same message for %s and %s\n", msg_names[a], msg_names[b]);
                distinct = 0;
            }
    CHECK(distinct, "%d failure kinds, each with its own message", nmsg);
}

static void test_files_and_keys(const smz_pubkey *pk)
{
    smz_sig *sig = NULL;
    smz_pubkey *p = NULL;
    smz_seckey *sk = NULL;
    char *big, *text, *l, *sig2 = NULL;
    size_t len;
    unsigned char h[64] = {0};

    big = calloc(1, SMZ_SIG_FILE_MAX + 100);
    memset(big, 'x', SMZ_SIG_FILE_MAX + 99);
    spits("huge.minisig", big);
    CHECK(smz_sig_load(cx, "huge.minisig", &sig) == SMZ_E_TOOBIG && !sig,
          "a signature file over the cap: %s", ERR);
    free(big);
    CHECK(smz_sig_load(cx, "missing.minisig", &sig) == SMZ_E_NOTFOUND, "a missing signature file: %s",
          ERR);
    CHECK(smz_sig_load(cx, "data.bin.minisig", &sig) == SMZ_OK, "load a .minisig");
    CHECK(sig && smz_sig_trusted_comment(sig) == NULL, "no trusted comment before verification");
    CHECK(sig && smz_sig_verify_file(cx, sig, pk, "data.bin", 0) == SMZ_OK &&
              smz_sig_trusted_comment(sig) != NULL,
          "trusted comment after verification");
    CHECK(sig && smz_sig_verify_hash(cx, sig, pk, h, 0) == SMZ_E_SIGNATURE &&
              smz_sig_trusted_comment(sig) == NULL,
          "a later failed verify hides it again");
    smz_sig_free(sig);

    /* Public keys. */
    CHECK(smz_pubkey_parse(cx, "RWQ*", 4, &p) == SMZ_E_INVALID && !p, "public key: junk: %s", ERR);
    text = slurp("ours.pub", &len);
    l = line_of(text, 2);
    {
        char *t2 = malloc(len + 4);
        snprintf(t2, len + 4, "%sx\n", text);
        CHECK(smz_pubkey_parse(cx, t2, strlen(t2), &p) == SMZ_E_INVALID, "public key: a third line: %s",
              ERR);
        free(t2);
    }
    {
        char line1[] = "untrusted comment: only\n";
        CHECK(smz_pubkey_parse(cx, line1, strlen(line1), &p) == SMZ_E_INVALID,
              "public key: comment only: %s", ERR);
    }
    {
        unsigned char bin[42];
        char b64[64];
        size_t bl;
        sodium_base642bin(bin, sizeof bin, l, strlen(l), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL);
        bin[1] = 'x';
        sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
        CHECK(smz_pubkey_parse(cx, b64, strlen(b64), &p) == SMZ_E_UNSUPPORTED,
              "public key: unknown algorithm: %s", ERR);
    }
    free(l);
    free(text);

    /* Secret keys. */
    text = slurp("ours.sec", &len);
    {
        char *t2 = tamper_b64(text, 2, 54 + 8 + 3, 1); /* a seed byte */
        CHECK(smz_seckey_parse(cx, t2, strlen(t2), NULL, &sk) == SMZ_E_CORRUPT && !sk,
              "secret key: a changed byte fails its checksum: %s", ERR);
        free(t2);
        t2 = tamper_b64(text, 2, 157, 1); /* the checksum itself */
        CHECK(smz_seckey_parse(cx, t2, strlen(t2), NULL, &sk) == SMZ_E_CORRUPT,
              "secret key: a changed checksum: %s", ERR);
        free(t2);
        CHECK(smz_seckey_parse(cx, text, len - 20, NULL, &sk) == SMZ_E_INVALID,
              "secret key: truncated: %s", ERR);
        t2 = tamper_b64(text, 2, 2, 'S'); /* kdf 0x0000 -> "S\0" */
        CHECK(smz_seckey_parse(cx, t2, strlen(t2), NULL, &sk) == SMZ_E_UNSUPPORTED,
              "secret key: unknown KDF: %s", ERR);
        free(t2);
    }
    free(text);
    text = slurp("ms.sec", &len);
    {
        /* minisign -W keys carry a zero checksum: damage is caught by the
         * public half no longer matching the seed. */
        char *t2 = tamper_b64(text, 2, 54 + 8 + 3, 1);
        CHECK(smz_seckey_parse(cx, t2, strlen(t2), NULL, &sk) == SMZ_E_CORRUPT,
              "secret key (minisign, zero checksum): a changed seed byte: %s", ERR);
        free(t2);
    }
    free(text);

    /* Signing arguments. */
    CHECK(smz_seckey_load(cx, "ours.sec", NULL, &sk) == SMZ_OK, "reload ours.sec");
    CHECK(smz_sign_hash(cx, sk, h, "two\nlines", NULL, &sig2, NULL) == SMZ_E_INVALID && !sig2,
          "a trusted comment with a line feed is refused: %s", ERR);
    big = malloc(SMZ_SIGN_TRUSTED_COMMENT_MAX + 2);
    memset(big, 'c', SMZ_SIGN_TRUSTED_COMMENT_MAX + 1);
    big[SMZ_SIGN_TRUSTED_COMMENT_MAX + 1] = '\0';
    CHECK(smz_sign_hash(cx, sk, h, big, NULL, &sig2, NULL) == SMZ_E_INVALID,
          "a trusted comment over the cap is refused");
    big[SMZ_SIGN_TRUSTED_COMMENT_MAX] = '\0';
    CHECK(smz_sign_file(cx, sk, "other.txt", big, "max", &sig2, &len) == SMZ_OK &&
              spit("max.minisig", sig2, len) == 0,
          "a trusted comment of exactly the cap is signed");
    CHECK(sh(MINISIGN " -Vm other.txt -x max.minisig -p ours.pub >/dev/null 2>&1") == 0,
          "minisign accepts a trusted comment of %d bytes", SMZ_SIGN_TRUSTED_COMMENT_MAX);
    free(sig2);
    free(big);
    smz_seckey_free(sk);
}

static void test_keyring(const smz_pubkey *pk)
{
    smz_keyring *kr = NULL, *kr2 = NULL;
    const smz_pubkey *found = NULL;
    smz_sig *sig = NULL;
    char *ours, *ms, *enc, *l, *ring;
    size_t a, b, c;
    char b64[SMZ_PUBKEY_B64_SIZE], id[SMZ_KEYID_SIZE];

    ours = slurp("ours.pub", &a);
    ms = slurp("ms.pub", &b);
    enc = slurp("enc.pub", &c);
    l = line_of(enc, 2);
    ring = malloc(a + b + c + 100);
    snprintf(ring, a + b + c + 100, "# people we trust\n%s\n%s%s\n\n", ours, ms, l);
    spits("trusted.keys", ring);
    CHECK(smz_keyring_load(cx, "trusted.keys", &kr) == SMZ_OK && smz_keyring_count(kr) == 3,
          "keyring: .pub files and a bare key line: 3 keys (%s)", ERR);
    CHECK(smz_sig_load(cx, "data.bin.minisig", &sig) == SMZ_OK &&
              smz_keyring_find(cx, kr, sig, &found) == SMZ_OK && found && smz_pubkey_equal(found, pk),
          "keyring: finds the signer's key");
    CHECK(found && smz_sig_verify_file(cx, sig, found, "data.bin", 0) == SMZ_OK,
          "keyring: and it verifies");
    smz_sig_free(sig);
    sig = NULL;
    CHECK(smz_sig_load(cx, "hand.minisig", &sig) == SMZ_OK &&
              smz_keyring_find(cx, kr, sig, &found) == SMZ_E_SIGNATURE && !found &&
              strstr(ERR, "not one of the 3 trusted keys"),
          "keyring: an unknown signer: %s", ERR);
    smz_sig_free(sig);

    smz_pubkey_base64(pk, b64);
    snprintf(ring, a + b + c + 100, "%s\n%s\n", b64, b64);
    CHECK(smz_keyring_parse(cx, ring, strlen(ring), &kr2) == SMZ_OK && smz_keyring_count(kr2) == 1,
          "keyring: the same key twice counts once");
    smz_keyring_free(kr2);
    kr2 = NULL;
    {
        /* Same id, other key. */
        unsigned char bin[42];
        char other[64];
        size_t bl;
        sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL);
        bin[20] ^= 1;
        sodium_bin2base64(other, sizeof other, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
        snprintf(ring, a + b + c + 100, "%s\n%s\n", b64, other);
        smz_pubkey_keyid(pk, id);
        CHECK(smz_keyring_parse(cx, ring, strlen(ring), &kr2) == SMZ_E_INVALID && strstr(ERR, id) &&
                  strstr(ERR, "line 2"),
              "keyring: two keys, one id: %s", ERR);
    }
    CHECK(smz_keyring_parse(cx, "untrusted comment: x\n\n", 22, &kr2) == SMZ_E_INVALID,
          "keyring: a comment with no key: %s", ERR);
    CHECK(smz_keyring_parse(cx, "# nothing\n", 10, &kr2) == SMZ_E_INVALID, "keyring: no key: %s", ERR);
    CHECK(smz_keyring_parse(cx, "RWQnotakey\n", 11, &kr2) == SMZ_E_INVALID && strstr(ERR, "line 1"),
          "keyring: a bad key line: %s", ERR);
    CHECK(smz_keyring_new(&kr2) == SMZ_OK && smz_keyring_add(cx, kr2, pk) == SMZ_OK &&
              smz_keyring_count(kr2) == 1,
          "keyring: built by hand");
    smz_keyring_free(kr2);
    smz_keyring_free(kr);
    free(ring);
    free(l);
    free(ours);
    free(ms);
    free(enc);
}

/* What a failed verify call found (smz_sig_checked), for telling which
 * part was altered; the comment's text before it is verified; merging
 * keyrings; telling an encrypted secret key file without its password. */
static unsigned checked_after(const char *sigtext, const smz_pubkey *pk, const char *path, smz_err *rc,
                              char **text)
{
    smz_sig *sig = NULL;
    unsigned ck = 0;
    *rc = smz_sig_parse(cx, sigtext, strlen(sigtext), &sig);
    if (text)
        *text = NULL;
    if (*rc == SMZ_OK) {
        *rc = smz_sig_verify_file(cx, sig, pk, path, 0);
        ck = smz_sig_checked(sig);
        if (text && smz_sig_comment_text(sig))
            *text = strdup(smz_sig_comment_text(sig));
    }
    smz_sig_free(sig);
    return ck;
}

static void test_diagnostics(const char *good, const smz_pubkey *pk, const smz_pubkey *ms_pk)
{
    smz_keyring *a = NULL, *b = NULL;
    char *t, *l, *text = NULL;
    smz_err rc;
    unsigned ck;
    int enc = -1;

    ck = checked_after(good, pk, "data.bin", &rc, NULL);
    CHECK(rc == SMZ_OK && ck == (SMZ_SIG_DATA_OK | SMZ_SIG_COMMENT_OK),
          "checked: a good signature has both bits");
    ck = checked_after(good, pk, "data_mod.bin", &rc, &text);
    CHECK(rc == SMZ_E_SIGNATURE && ck == SMZ_SIG_COMMENT_OK,
          "checked: a changed file keeps an authentic comment (%u)", ck);
    CHECK(text && strstr(good, text), "comment_text gives the comment of a failed signature");
    free(text);
    l = line_of(good, 3);
    l[strlen(l) - 1] ^= 1;
    t = with_line(good, 3, l);
    ck = checked_after(t, pk, "data.bin", &rc, &text);
    CHECK(rc == SMZ_E_SIGNATURE && ck == SMZ_SIG_DATA_OK,
          "checked: an altered comment leaves only the data bit (%u)", ck);
    CHECK(text && !strcmp(text, l + strlen("trusted comment: ")),
          "comment_text gives the altered text as it stands");
    free(text);
    free(t);
    free(l);
    ck = checked_after(good, ms_pk, "data.bin", &rc, NULL);
    CHECK(rc == SMZ_E_SIGNATURE && ck == 0, "checked: 0 when the key id does not match");
    CHECK(smz_sig_checked(NULL) == 0 && smz_sig_comment_text(NULL) == NULL, "NULL handles");

    CHECK(smz_keyring_new(&a) == SMZ_OK && smz_keyring_new(&b) == SMZ_OK &&
              smz_keyring_add(cx, a, pk) == SMZ_OK && smz_keyring_add(cx, b, ms_pk) == SMZ_OK &&
              smz_keyring_add(cx, b, pk) == SMZ_OK && smz_keyring_merge(cx, a, b) == SMZ_OK &&
              smz_keyring_count(a) == 2,
          "keyring_merge adds the new keys, a key twice counts once");
    CHECK(smz_keyring_merge(cx, a, NULL) == SMZ_E_INVALID, "keyring_merge: NULL");
    smz_keyring_free(a);
    smz_keyring_free(b);

    CHECK(smz_seckey_file_encrypted(cx, "ms.sec", &enc) == SMZ_OK && enc == 0,
          "an unencrypted secret key (minisign -W) is told apart (%s)", ERR);
    CHECK(smz_seckey_file_encrypted(cx, "enc.sec", &enc) == SMZ_OK && enc == 1,
          "minisign's encrypted key is told apart without its password (%s)", ERR);
    CHECK(smz_seckey_file_encrypted(cx, "ms.pub", &enc) == SMZ_E_INVALID,
          "a public key is not a secret key: %s", ERR);
    CHECK(smz_seckey_file_encrypted(cx, "nosuch.sec", &enc) == SMZ_E_NOTFOUND, "a missing file: %s",
          ERR);
}

int main(void)
{
    smz_seckey *sk = NULL;
    smz_pubkey *pk = NULL, *ms_pk = NULL;
    char *good = NULL, dir[] = "/tmp/smz-test-minisign.XXXXXX";

    if (!getenv("T")) { /* run by hand: work in a scratch directory */
        if (!mkdtemp(dir) || chdir(dir) != 0)
            return 2;
        printf("# scratch directory %s\n", dir);
    }
    if (smz_sign_ctx_new(&cx) != SMZ_OK)
        return 2;
    CHECK(access(MINISIGN, X_OK) == 0, "%s is installed (needed for the cross-checks)", MINISIGN);
    if (sodium_init() < 0)
        return 2;
    make_data();
    test_hashing();
    test_ours_to_minisign(&sk, &pk, &good);
    test_minisign_to_ours(&ms_pk);
    test_encrypted();
    test_hand_built(pk);
    if (good && pk && ms_pk)
        test_must_fail(good, pk, ms_pk);
    test_files_and_keys(pk);
    test_keyring(pk);
    if (good && pk && ms_pk)
        test_diagnostics(good, pk, ms_pk);
    free(good);
    smz_seckey_free(sk);
    smz_pubkey_free(pk);
    smz_pubkey_free(ms_pk);
    smz_sign_ctx_free(cx);
    return CHECK_DONE();
}
