/* Samizdat signatures: minisign-compatible Ed25519 keys and signatures.
 *
 * Anyone can check an archive with the stock `minisign` tool: the key files
 * and the .minisig text made here are minisign's formats byte for byte, and
 * what minisign makes loads here.  Signing is always "prehashed" (algorithm
 * "ED": Ed25519 over the 64-byte BLAKE2b-512 of the data), so big archives
 * stream through a hash and never sit whole in memory.  Verification refuses
 * minisign's legacy "Ed" signatures (Ed25519 over the raw data) unless the
 * caller passes SMZ_SIG_ALLOW_LEGACY.
 *
 * Errors, as everywhere in smz/: each function that can fail returns an
 * smz_err, and its one-line English message lives on a handle, here an
 * smz_sign_ctx passed first (libarchive's pattern: the code says what kind
 * of failure, smz_sign_ctx_errmsg() says why, for people).  Keys,
 * signatures and keyrings carry no message, so that keys stay immutable and
 * shareable between threads; the context is the caller's, one per thread.
 * A success leaves "" in the context.  CX may be NULL when the caller wants
 * only the code.  Nothing is printed, nothing is global.  The functions
 * that load a key file (smz_pubkey_load, smz_seckey_load,
 * smz_seckey_file_encrypted, smz_keyring_load) start every message with
 * the PATH they were given and ": ", so a front-end shows it as it is.
 *
 * Codes: SMZ_E_INVALID for malformed key/signature text or bad arguments
 * (including a wrong password), SMZ_E_SIGNATURE for a signature that does not
 * verify or whose key is not trusted, SMZ_E_UNSUPPORTED for an algorithm we
 * do not accept, SMZ_E_CORRUPT for a secret key that fails its own checks,
 * SMZ_E_TOOBIG for input over a cap below, SMZ_E_NOTFOUND / SMZ_E_IO /
 * SMZ_E_EXISTS / SMZ_E_NOSPACE for files, SMZ_E_NOMEM.
 *
 * Handle arguments must not be NULL unless a comment says so; functions that
 * return smz_err check and give SMZ_E_INVALID.  Any function may run on any
 * thread: smz_pubkey and smz_seckey never change after creation and may be
 * shared; an smz_sig, smz_hasher or smz_keyring being changed (verify, update,
 * add) is for one thread at a time.  The library calls sodium_init() itself
 * (it is idempotent and thread-safe). */
#ifndef SMZ_SIGN_H
#define SMZ_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A key id as text: up to 16 upper-case hex digits without leading zeros,
 * as minisign prints it (the 8 id bytes read as a little-endian number and
 * printed with %X), plus the NUL. */
#define SMZ_KEYID_SIZE 17
/* A public key as minisign's one-line base64 (the -P form), plus the NUL. */
#define SMZ_PUBKEY_B64_SIZE 57
/* The BLAKE2b-512 digest that prehashed signatures sign. */
#define SMZ_SIGN_HASH_BYTES 64

/* Caps.  Every line of key or signature text is at most SMZ_SIGN_LINE_MAX
 * bytes (without its line end); longer lines are refused.  Comments we write
 * stay inside minisign's own limits so that minisign reads them back. */
#define SMZ_SIGN_LINE_MAX 8192
#define SMZ_SIGN_TRUSTED_COMMENT_MAX 8173   /* bytes, as minisign */
#define SMZ_SIGN_UNTRUSTED_COMMENT_MAX 1003 /* bytes, as minisign */
#define SMZ_SIGN_PASSWORD_MAX 1023          /* bytes, as minisign */
#define SMZ_SIG_FILE_MAX 65536              /* a .minisig file */
#define SMZ_KEY_FILE_MAX 16384              /* a .pub or secret key file */
#define SMZ_KEYRING_FILE_MAX 1048576        /* a trusted-keys file */
#define SMZ_KEYRING_KEYS_MAX 1024           /* keys in one keyring */
/* Largest scrypt memory a secret key file may ask for (2 GiB). */
#define SMZ_SIGN_KDF_MEMLIMIT_MAX 2147483648ULL
/* Largest file a legacy (non-prehashed) signature is checked against. */
#define SMZ_SIG_LEGACY_DATA_MAX 1073741824ULL

/* minisign's scrypt parameters for encrypted secret keys (1 GiB of memory,
 * a few seconds).  Passed as 0, 0 to smz_seckey_encode they are the default. */
#define SMZ_SIGN_KDF_OPSLIMIT_DEFAULT 33554432ULL
#define SMZ_SIGN_KDF_MEMLIMIT_DEFAULT 1073741824ULL

/* ---- The context ------------------------------------------------------- */

/* Where the functions below leave the message of their last failure.  One
 * thread at a time uses a context; it holds nothing else. */
typedef struct smz_sign_ctx smz_sign_ctx;

/* A new context; SMZ_E_NOMEM (and *out NULL) when memory ran out.  Free it
 * with smz_sign_ctx_free; smz_sign_ctx_free(NULL) does nothing. */
smz_err smz_sign_ctx_new(smz_sign_ctx **out);
void smz_sign_ctx_free(smz_sign_ctx *cx);
/* The message of the last call made with CX: "" after a success.  Owned by
 * CX, valid until its next call; "out of memory" for a NULL CX. */
const char *smz_sign_ctx_errmsg(const smz_sign_ctx *cx);
/* The language of CX's later messages (smz/i18n.h: 0, English, by default;
 * smz_i18n_bind first for any other). */
void smz_sign_ctx_set_lang(smz_sign_ctx *cx, int lang);

/* ---- Public keys -------------------------------------------------------- */

typedef struct smz_pubkey smz_pubkey;

/* Parses a public key from TEXT (LEN bytes, need not be NUL-terminated):
 * either a whole minisign .pub file ("untrusted comment: ..." line, then the
 * base64 line) or the bare base64 string (minisign -P form), with or
 * without a final line end (LF or CRLF).  Nothing else may follow.  On
 * success *out is a new key the caller frees with smz_pubkey_free; on
 * failure *out is NULL. */
smz_err smz_pubkey_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_pubkey **out);
/* Same, reading the file PATH (at most SMZ_KEY_FILE_MAX bytes). */
smz_err smz_pubkey_load(smz_sign_ctx *cx, const char *path, smz_pubkey **out);

/* The key's .pub file text: "untrusted comment: COMMENT\n" then the base64
 * line and "\n".  COMMENT NULL gives "samizdat public key <KEYID>".  *text
 * is malloc'd and NUL-terminated, owned by the caller (free()); *len (may be
 * NULL) is its length. */
smz_err smz_pubkey_encode(smz_sign_ctx *cx, const smz_pubkey *pk, const char *comment, char **text,
                          size_t *len);
/* Writes that text to PATH, which must not exist yet (SMZ_E_EXISTS), with
 * mode 0644 (less the umask). */
smz_err smz_pubkey_save(smz_sign_ctx *cx, const smz_pubkey *pk, const char *path, const char *comment);

/* The key as minisign's base64 string (the -P form) into OUT. */
void smz_pubkey_base64(const smz_pubkey *pk, char out[SMZ_PUBKEY_B64_SIZE]);
/* The key id as minisign prints it (see SMZ_KEYID_SIZE) into OUT. */
void smz_pubkey_keyid(const smz_pubkey *pk, char out[SMZ_KEYID_SIZE]);
/* 1 when A and B are the same key (same id and same Ed25519 key), else 0. */
int smz_pubkey_equal(const smz_pubkey *a, const smz_pubkey *b);
/* smz_pubkey_free(NULL) does nothing. */
void smz_pubkey_free(smz_pubkey *pk);

/* ---- Secret keys -------------------------------------------------------- */

typedef struct smz_seckey smz_seckey;

/* A new key pair with a random 8-byte key id.  *out is freed by the caller
 * with smz_seckey_free (which wipes it). */
smz_err smz_seckey_generate(smz_sign_ctx *cx, smz_seckey **out);

/* Parses a minisign secret key file's TEXT (LEN bytes): an "untrusted
 * comment: " line, then the base64 line, then nothing else.  An encrypted
 * key (scrypt, as `minisign -G` makes) needs PASSWORD (NUL-terminated, at
 * most SMZ_SIGN_PASSWORD_MAX bytes, exactly the bytes minisign would read
 * from its prompt without the line end); a wrong one fails with
 * SMZ_E_INVALID and "wrong password".  PASSWORD NULL for an encrypted key is
 * SMZ_E_INVALID; for an unencrypted key (`minisign -G -W`) PASSWORD is
 * ignored.  Decrypting takes the time and memory the file asks for, at most
 * SMZ_SIGN_KDF_MEMLIMIT_MAX (1 GiB and seconds for minisign's keys).
 * *out is NULL on failure. */
smz_err smz_seckey_parse(smz_sign_ctx *cx, const char *text, size_t len, const char *password,
                         smz_seckey **out);
/* Same, reading PATH (at most SMZ_KEY_FILE_MAX bytes; the buffer is wiped). */
smz_err smz_seckey_load(smz_sign_ctx *cx, const char *path, const char *password, smz_seckey **out);

/* Sets *encrypted to 1 when the secret key file PATH is encrypted (it needs
 * a password), 0 when it is not.  A file that is not a minisign secret key
 * fails as smz_seckey_load would (without decrypting anything). */
smz_err smz_seckey_file_encrypted(smz_sign_ctx *cx, const char *path, int *encrypted);

/* The key's secret key file text.  PASSWORD NULL writes it unencrypted (as
 * `minisign -G -W`); otherwise it is encrypted with scrypt using OPSLIMIT and
 * MEMLIMIT (0, 0 for minisign's SMZ_SIGN_KDF_*_DEFAULT; smaller values, at
 * least libsodium's minimums, are for tests).  COMMENT NULL gives "samizdat
 * secret key" or "samizdat encrypted secret key".  *text is allocated and
 * holds the secret: free it with smz_sign_free_secret(*text, *len). */
smz_err smz_seckey_encode(smz_sign_ctx *cx, const smz_seckey *sk, const char *password,
                          uint64_t opslimit, uint64_t memlimit, const char *comment, char **text,
                          size_t *len);
/* Writes that text to PATH, which must not exist yet (SMZ_E_EXISTS), with
 * mode 0600. */
smz_err smz_seckey_save(smz_sign_ctx *cx, const smz_seckey *sk, const char *path, const char *password,
                        uint64_t opslimit, uint64_t memlimit, const char *comment);

/* The public half, as a new key the caller frees with smz_pubkey_free. */
smz_err smz_seckey_pubkey(smz_sign_ctx *cx, const smz_seckey *sk, smz_pubkey **out);
void smz_seckey_keyid(const smz_seckey *sk, char out[SMZ_KEYID_SIZE]);
/* Wipes and frees; smz_seckey_free(NULL) does nothing. */
void smz_seckey_free(smz_seckey *sk);

/* Wipes LEN bytes of P and frees it (for text from smz_seckey_encode).
 * NULL does nothing. */
void smz_sign_free_secret(char *p, size_t len);

/* ---- Hashing ------------------------------------------------------------ */

/* BLAKE2b-512 of a stream, as minisign prehashes: new, update any number of
 * times, final once (after final only free is allowed). */
typedef struct smz_hasher smz_hasher;
smz_err smz_hasher_new(smz_hasher **out);
void smz_hasher_update(smz_hasher *h, const void *data, size_t len);
void smz_hasher_final(smz_hasher *h, unsigned char hash[SMZ_SIGN_HASH_BYTES]);
/* smz_hasher_free(NULL) does nothing. */
void smz_hasher_free(smz_hasher *h);

/* The BLAKE2b-512 of the whole file PATH, read in 64 KiB pieces. */
smz_err smz_sign_hash_file(smz_sign_ctx *cx, const char *path, unsigned char hash[SMZ_SIGN_HASH_BYTES]);

/* ---- Signing ------------------------------------------------------------ */

/* Makes the .minisig text for data whose BLAKE2b-512 is HASH: four lines,
 * "untrusted comment: UNTRUSTED", the "ED" signature, "trusted comment:
 * TRUSTED" and the signature over signature + trusted comment, each ending
 * in "\n".  TRUSTED (signed; NULL means "") must be at most
 * SMZ_SIGN_TRUSTED_COMMENT_MAX bytes, UNTRUSTED (NULL gives "signature from
 * samizdat secret key") at most SMZ_SIGN_UNTRUSTED_COMMENT_MAX; neither may
 * hold CR or LF (SMZ_E_INVALID).  The result is checked against the public
 * key before it is returned.  *sig is malloc'd, NUL-terminated, owned by the
 * caller (free()); *len (may be NULL) is its length. */
smz_err smz_sign_hash(smz_sign_ctx *cx, const smz_seckey *sk,
                      const unsigned char hash[SMZ_SIGN_HASH_BYTES], const char *trusted,
                      const char *untrusted, char **sig, size_t *len);
/* Same for the file PATH, hashed as it streams. */
smz_err smz_sign_file(smz_sign_ctx *cx, const smz_seckey *sk, const char *path, const char *trusted,
                      const char *untrusted, char **sig, size_t *len);

/* ---- Verifying ---------------------------------------------------------- */

/* Flags for smz_sig_verify_*. */
#define SMZ_SIG_ALLOW_LEGACY 1u /* also accept legacy "Ed" signatures */

/* A parsed, not yet verified .minisig. */
typedef struct smz_sig smz_sig;

/* Parses .minisig TEXT (LEN bytes) strictly: exactly four lines (LF or CRLF;
 * the last line end may be missing), none over SMZ_SIGN_LINE_MAX bytes, no
 * NUL or stray CR, "untrusted comment: " and "trusted comment: " prefixes,
 * canonical base64 of exactly 74 and 64 bytes, algorithm "ED" or "Ed"
 * (anything else is SMZ_E_UNSUPPORTED).  Nothing is verified yet.  *out,
 * NULL on failure, is freed by the caller with smz_sig_free. */
smz_err smz_sig_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_sig **out);
/* Same, reading PATH (at most SMZ_SIG_FILE_MAX bytes). */
smz_err smz_sig_load(smz_sign_ctx *cx, const char *path, smz_sig **out);

/* The key id the signature claims, to pick a key (see smz_keyring_find).
 * Not authenticated until a verify call succeeds. */
void smz_sig_keyid(const smz_sig *sig, char out[SMZ_KEYID_SIZE]);
/* 1 for a legacy "Ed" signature, 0 for a prehashed "ED" one. */
int smz_sig_is_legacy(const smz_sig *sig);
/* The trusted comment, owned by SIG: NULL until a smz_sig_verify_* call on
 * SIG has returned SMZ_OK, so unverified text is never handed out. */
const char *smz_sig_trusted_comment(const smz_sig *sig);

/* Verifies SIG, made by PK, for the data whose BLAKE2b-512 is HASH.  Checks,
 * each failing with its own message: the algorithm (a legacy signature is
 * refused with "legacy non-prehashed signature not accepted" unless FLAGS
 * has SMZ_SIG_ALLOW_LEGACY, and even then needs the data itself:
 * SMZ_E_UNSUPPORTED here), the key id (SMZ_E_SIGNATURE naming both ids), then
 * both Ed25519 signatures (SMZ_E_SIGNATURE): the message tells a changed
 * file (the trusted comment verifies, the data does not) from an altered
 * trusted comment or global signature (the data verifies, the comment does
 * not) from a damaged signature (neither verifies).  On SMZ_OK the trusted
 * comment becomes readable with smz_sig_trusted_comment. */
smz_err smz_sig_verify_hash(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk,
                            const unsigned char hash[SMZ_SIGN_HASH_BYTES], unsigned flags);
/* Same over DATA (LEN bytes; may be NULL when LEN is 0); legacy signatures
 * can be checked here when allowed. */
smz_err smz_sig_verify_data(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk, const void *data,
                            size_t len, unsigned flags);
/* Same over the file PATH: streamed for "ED"; for an allowed legacy
 * signature read whole, at most SMZ_SIG_LEGACY_DATA_MAX bytes. */
smz_err smz_sig_verify_file(smz_sign_ctx *cx, smz_sig *sig, const smz_pubkey *pk, const char *path,
                            unsigned flags);
/* smz_sig_free(NULL) does nothing. */
void smz_sig_free(smz_sig *sig);

/* For telling failures apart (which part of a signature was altered): what
 * the last verify call on SIG found, as bits.  SMZ_SIG_DATA_OK: the
 * signature matched the data (or its hash); SMZ_SIG_COMMENT_OK: the global
 * signature matched signature + trusted comment, so the comment was written
 * by the key's owner even when the data does not match.  0 before any verify
 * call, or when the call stopped before the Ed25519 checks (algorithm, key
 * id, reading the file). */
#define SMZ_SIG_DATA_OK 1u
#define SMZ_SIG_COMMENT_OK 2u
unsigned smz_sig_checked(const smz_sig *sig);
/* The trusted comment's text as it stands in SIG, verified or not (owned by
 * SIG).  Only for diagnosing a failure (comparing it with what it should
 * say); never show it as trusted: that is smz_sig_trusted_comment. */
const char *smz_sig_comment_text(const smz_sig *sig);

/* ---- Trusted keys ------------------------------------------------------- */

/* A set of trusted public keys.  Its file format, line by line (LF or CRLF):
 * blank lines and lines starting with '#' are skipped; an "untrusted
 * comment: " line must be followed by a base64 key line; any other line is a
 * base64 key (minisign -P form).  So minisign .pub files pasted one after
 * another (blank lines between or not) and one bare key per line both work.
 * The same key listed twice counts once; two different keys with the same
 * key id are refused (SMZ_E_INVALID), as are more than SMZ_KEYRING_KEYS_MAX
 * keys (SMZ_E_TOOBIG) and a file with no key at all (SMZ_E_INVALID). */
typedef struct smz_keyring smz_keyring;

/* An empty keyring to fill with smz_keyring_add.  Free with smz_keyring_free. */
smz_err smz_keyring_new(smz_keyring **out);
/* Adds a copy of PK (PK stays the caller's); same rules as the file. */
smz_err smz_keyring_add(smz_sign_ctx *cx, smz_keyring *kr, const smz_pubkey *pk);
/* Parses the trusted-keys TEXT (LEN bytes); *out is NULL on failure. */
smz_err smz_keyring_parse(smz_sign_ctx *cx, const char *text, size_t len, smz_keyring **out);
/* Same, reading PATH (at most SMZ_KEYRING_FILE_MAX bytes). */
smz_err smz_keyring_load(smz_sign_ctx *cx, const char *path, smz_keyring **out);
size_t smz_keyring_count(const smz_keyring *kr);
/* Sets *pk to the key of KR with SIG's key id (borrowed from KR, valid until
 * KR is freed), then verify SIG with it.  No such key: SMZ_E_SIGNATURE
 * ("signed by key X, which is not one of the N trusted keys"), *pk NULL. */
smz_err smz_keyring_find(smz_sign_ctx *cx, const smz_keyring *kr, const smz_sig *sig,
                         const smz_pubkey **pk);
/* Adds every key of SRC to DST (same rules as smz_keyring_add). */
smz_err smz_keyring_merge(smz_sign_ctx *cx, smz_keyring *dst, const smz_keyring *src);
/* smz_keyring_free(NULL) does nothing. */
void smz_keyring_free(smz_keyring *kr);

#ifdef __cplusplus
}
#endif
#endif
