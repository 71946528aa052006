/* Private to lib/sign/: the key structs behind the opaque handles of
 * smz/sign.h, minisign's binary layouts, and the helpers the three files
 * share (error text, strict line splitting, exact base64, small files). */
#ifndef SMZ_SIGN_PRIV_H
#define SMZ_SIGN_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sodium.h>
#include "smz/i18n.h"
#include "smz/sign.h"

#define SMZ__KEYNUM_BYTES 8
#define SMZ__ALG_LEGACY "Ed" /* Ed25519 over the data; also the key algorithm */
#define SMZ__ALG_HASHED "ED" /* Ed25519 over BLAKE2b-512 of the data */
#define SMZ__KDF_SCRYPT "Sc"
#define SMZ__CHK_BLAKE2 "B2"
#define SMZ__UNTRUSTED_PREFIX "untrusted comment: "
#define SMZ__TRUSTED_PREFIX "trusted comment: "
/* Cap on scrypt's opslimit in a key file: 128 times minisign's. */
#define SMZ__KDF_OPSLIMIT_MAX 4294967296ULL

/* Binary sizes: public key "Ed"|keyid|pk; signature alg|keyid|sig; secret
 * key "Ed"|kdf|"B2"|salt|ops|mem|(keyid|sk|chk), the part in () encrypted. */
#define SMZ__PUBKEY_BIN 42
#define SMZ__SIG_BIN 74
#define SMZ__SECKEY_BIN 158
#define SMZ__SECKEY_ENC_OFF 54 /* where keyid|sk|chk starts */
#define SMZ__SECKEY_ENC_LEN 104
/* Base64 (ORIGINAL, padded) length of N bytes. */
#define SMZ__B64_LEN(n) ((((n) + 2) / 3) * 4)

struct smz_pubkey {
    unsigned char keyid[SMZ__KEYNUM_BYTES];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

struct smz_seckey {
    unsigned char keyid[SMZ__KEYNUM_BYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES]; /* seed | public key */
};

/* The context of smz/sign.h: only the message of the last call made with
 * it (libarchive keeps its error string on the struct archive likewise). */
#define SMZ__SIGN_MSG_MAX 1024
struct smz_sign_ctx {
    char msg[SMZ__SIGN_MSG_MAX];
    int lang; /* of the messages (smz_sign_ctx_set_lang; 0: English) */
};

/* Where a public function writes its message: CX's buffer (NULL and 0
 * when CX is NULL, which the helpers below take as "no message"). */
char *smz__sign_msg(smz_sign_ctx *cx);
size_t smz__sign_msglen(const smz_sign_ctx *cx);

/* CX's language (smz_sign_ctx_set_lang); English for a NULL CX. */
int smz__sign_lang(const smz_sign_ctx *cx);
/* Writes the message in CX's language (if CX) and returns RC. */
smz_err smz__sign_fail(smz_sign_ctx *cx, smz_err rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Puts "PATH: " before the message in ERR: the key-loading functions name
 * their file in every message (a failure to read it does so already). */
void smz__sign_name_file(smz_sign_ctx *cx, const char *path);
/* Clears CX's message ("") and initialises libsodium; SMZ_E_INTERNAL if it cannot. */
smz_err smz__sign_begin(smz_sign_ctx *cx);
/* The opening of a public function: smz__sign_begin, then SMZ_E_INVALID
 * ("FN: NULL argument") unless ARGS_OK. */
smz_err smz__sign_enter(smz_sign_ctx *cx, const char *fn, int args_ok);

void smz__sign_keyid_hex(const unsigned char id[SMZ__KEYNUM_BYTES], char out[SMZ_KEYID_SIZE]);
int smz__sign_has_prefix(const char *line, size_t len, const char *prefix);
/* 0 when S (LEN bytes) may be a comment line's text: no CR, LF or NUL. */
int smz__sign_bad_comment(const char *s, size_t len);

/* Walks TEXT line by line.  A line ends at LF (a CR before it is dropped)
 * or at the end of the text.  Lines over SMZ_SIGN_LINE_MAX bytes, NUL bytes
 * and CR not before LF are errors (SMZ_E_INVALID, message naming WHAT and the
 * line number).  smz__lines_next gives 1 with a line, 0 at the end, -1 on
 * error with it->rc set. */
typedef struct smz__lines {
    const char *text;
    size_t len, pos, lineno;
    const char *what;
    smz_err rc;
} smz__lines;
void smz__lines_init(smz__lines *it, const char *text, size_t len, const char *what);
int smz__lines_next(smz__lines *it, const char **line, size_t *linelen, smz_sign_ctx *cx);

/* Decodes LINE (LEN bytes), which must be the canonical padded base64 of
 * exactly BINLEN bytes, into BIN.  WHAT and LINENO name it in messages
 * (e.g. "signature", 2, "signature line"). */
smz_err smz__sign_b64_exact(const char *line, size_t len, unsigned char *bin, size_t binlen,
                            const char *what, size_t lineno, const char *field, smz_sign_ctx *cx);

/* The two lines a secret key file and a signature open with: line 1 an
 * untrusted comment, line 2 the base64 of exactly BINLEN bytes (FIELD),
 * decoded into BIN. */
smz_err smz__sign_head(const char *const *line, const size_t *llen, const char *what, const char *field,
                       unsigned char *bin, size_t binlen, smz_sign_ctx *cx);

/* Decodes a public key's base64 line (algorithm checked). */
smz_err smz__pubkey_from_line(const char *line, size_t len, const char *what, size_t lineno,
                              struct smz_pubkey *pk, smz_sign_ctx *cx);

/* The key id bytes SIG claims (for keyrings; minisign.c owns smz_sig). */
void smz__sig_keyid_bytes(const smz_sig *sig, unsigned char out[SMZ__KEYNUM_BYTES]);

/* Reads all of PATH (at most CAP bytes, else SMZ_E_TOOBIG) into a malloc'd,
 * NUL-terminated *buf.  SECRET: no copy of the bytes is left in freed memory;
 * free with smz_sign_free_secret(*buf, *len + 1). */
smz_err smz__sign_read_file(const char *path, size_t cap, int secret, char **buf, size_t *len,
                            smz_sign_ctx *cx);
/* The opening of every smz_*_parse: clears the message, checks that OUT_OK
 * and that TEXT is there when LEN is not 0 (FN names the public function in
 * the message), then splits TEXT into its first MAX lines (LINE[i], LLEN[i];
 * *N of them).  A caller that refuses more than K lines asks for K + 1. */
smz_err smz__sign_parse_begin(smz_sign_ctx *cx, const char *fn, int out_ok, const char *text, size_t len,
                              const char *what, size_t max, const char **line, size_t *llen, size_t *n);
/* What smz__sign_load does with a file: SECRET reads it as
 * smz__sign_read_file's SECRET; NAME_FILE puts "PATH: " before a parse
 * failure's message (the key loaders do, smz_sig_load does not). */
#define SMZ__LOAD_SECRET 1u
#define SMZ__LOAD_NAME_FILE 2u
/* Parses TEXT (LEN bytes, NUL-terminated) into OUT, a pointer to the
 * caller's handle pointer; ARG is what the caller passed along. */
typedef smz_err (*smz__sign_parse_fn)(smz_sign_ctx *cx, const char *text, size_t len, const void *arg,
                                      void *out);
/* The body of every smz_*_load: clears CX's message, checks PATH and OUT
 * (FN names the public function in the message when one is NULL), reads
 * PATH (at most CAP bytes) and hands its text to PARSE. */
smz_err smz__sign_load(smz_sign_ctx *cx, const char *fn, const char *path, void *out, size_t cap,
                       unsigned flags, smz__sign_parse_fn parse, const void *arg);
/* A comment line and the base64 line under it: what minisign files are
 * made of ("PREFIX TEXT\nB64\n"; TEXT is TLEN bytes, B64 BLEN). */
typedef struct smz__sign_pair {
    const char *prefix, *text;
    size_t tlen;
    const char *b64;
    size_t blen;
} smz__sign_pair;
/* The text of a file of the N PAIRS in *text, malloc'd and NUL-terminated,
 * *total (if TOTAL) bytes before the NUL. */
smz_err smz__sign_join(const smz__sign_pair *pairs, size_t n, char **text, size_t *total,
                       smz_sign_ctx *cx);
/* Creates PATH (which must not exist) with MODE and writes DATA to it; on
 * failure nothing is left at PATH. */
smz_err smz__sign_write_new(const char *path, const char *data, size_t len, mode_t mode,
                            smz_sign_ctx *cx);

#endif
