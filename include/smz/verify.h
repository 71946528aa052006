/* Samizdat archive signatures: signing an archive with a minisign key and
 * checking the signatures an archive carries (docs/FORMAT.md, "Signatures").
 *
 * An archive is signed in two places, both minisign's prehashed "ED"
 * signatures made with smz/sign.h:
 *  - embedded: metadata `Signature` holds a whole .minisig over the digest
 *    statement "smz-digest-1 <content digest in hex>\n" (78 bytes), so one
 *    .smz file verifies by itself, whatever SQLite did to its pages;
 *  - detached: ARCHIVE.smz.minisig beside the file signs the file's bytes,
 *    which Debian's stock `minisign -Vm ARCHIVE.smz -p KEY.pub` checks.
 * Both carry the trusted comment
 *    "smz-archive-1 digest:<64 hex> meta:<64 hex> date:<Date> name:<Name>"
 * (meta: BLAKE2b-256 of the metadata part of the digest), which names the
 * content a signature is for and lets a failure say what changed.
 *
 * Verifying recomputes the content digest (reading every cluster) and
 * checks each signature against it; a signature whose key is not in the
 * caller's trusted keys is reported with its key id but not checked (it
 * cannot be: minisign signatures do not carry the public key).  Every
 * failure has its own message (a changed entry, changed metadata, an altered
 * trusted comment or global signature, a wrong key, a legacy signature, a
 * signature made for another archive, malformed text).
 *
 * Errors, as everywhere in smz/ (see smz/error.h): every function returns
 * its smz_err, and the message is on the handle it works with: the reader R
 * (smz_reader_errmsg) for the functions that read an open archive, the
 * signing context (smz_sign_ctx_errmsg, smz/sign.h) for the one that signs
 * a file.  A verify returns SMZ_OK when the verification ran, whatever it
 * found; the findings, each with its own message, are in the report.
 *
 * Cancelling: smz_reader_interrupt(R) from any thread (or a signal
 * handler) stops a running smz_archive_verify on R, the digest and the
 * hashing of a .minisig's file alike, with SMZ_E_INTERRUPTED. */
#ifndef SMZ_VERIFY_H
#define SMZ_VERIFY_H

#include <stddef.h>
#include "smz/error.h"
#include "smz/reader.h"
#include "smz/sign.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The metadata key of the embedded signature.  Keys starting with
 * "Signature" are left out of the content digest. */
#define SMZ_META_SIGNATURE "Signature"
/* What an embedded signature signs: this prefix, 64 lowercase hex digits of
 * the content digest, "\n". */
#define SMZ_DIGEST_STATEMENT_PREFIX "smz-digest-1 "
/* How our trusted comments start. */
#define SMZ_SIG_COMMENT_PREFIX "smz-archive-1 "

typedef enum smz_sigstatus {
    SMZ_SIGSTATUS_GOOD,      /* a trusted key made it and it matches the archive */
    SMZ_SIGSTATUS_UNCHECKED, /* SMZ_VERIFY_QUICK: a trusted key made it; the
                                content is not read yet */
    SMZ_SIGSTATUS_UNTRUSTED, /* made by a key that is not trusted: not checked */
    SMZ_SIGSTATUS_BAD        /* malformed, refused, or it does not verify */
} smz_sigstatus;

/* One signature found on an archive. */
typedef struct smz_sigcheck {
    int detached; /* 0: the embedded Signature; 1: a .minisig file */
    char *file;   /* the .minisig path (detached), else NULL */
    smz_sigstatus status;
    int trusted;                /* 1 when the key id is one of the trusted keys */
    char keyid[SMZ_KEYID_SIZE]; /* the key id it names; "" when unparseable */
    char *comment;              /* the verified trusted comment (GOOD), else NULL */
    char message[1024];         /* why it is not GOOD ("" when GOOD) */
} smz_sigcheck;

typedef struct smz_verify_report {
    int have_digest; /* 1 when DIGEST is the recomputed digest */
    unsigned char digest[SMZ_DIGEST_BYTES];
    char digest_error[1024]; /* why it could not be computed */
    size_t n;                /* signatures found: 0, 1 or 2 */
    smz_sigcheck sigs[2];    /* the embedded one first */
} smz_verify_report;

#define SMZ_VERIFY_QUICK                                                                                \
    1u                            /* read no content: embedded signatures are checked
                                     against the stored Digest, detached ones only
                                     parsed (UNCHECKED when trusted) */
#define SMZ_VERIFY_NO_DETACHED 2u /* do not look for a .minisig */

typedef struct smz_verify_opts {
    const smz_keyring *trusted;  /* the trusted keys; NULL: none */
    const char *detached;        /* a .minisig to check; NULL: ARCHIVE.minisig (PATH
                                     plus ".minisig") when it exists */
    const unsigned char *digest; /* the archive's content digest when the caller
                                     already checked it (smz check); NULL: computed */
    unsigned flags;              /* SMZ_VERIFY_* */
} smz_verify_opts;

/* Checks every signature of the archive open in R, whose file is PATH.
 * REP is filled (free it with smz_verify_report_free, even on failure).
 * Returns SMZ_OK when the check ran; SMZ_E_NOMEM, SMZ_E_INTERRUPTED (R was
 * interrupted) or the reader's error when it could not, with the message
 * on R. */
smz_err smz_archive_verify(smz_reader *r, const char *path, const smz_verify_opts *o,
                           smz_verify_report *rep);
void smz_verify_report_free(smz_verify_report *rep);
/* 1 when at least one signature is GOOD and none is BAD. */
int smz_verify_report_ok(const smz_verify_report *rep);
/* "good", "unchecked", "untrusted" or "bad". */
const char *smz_sigstatus_name(smz_sigstatus s);
/* The content digest one of our trusted comments names ("smz-archive-1
 * digest:<64 hex> meta:<64 hex> ..."), as 64 lowercase hex digits and a
 * NUL in HEX: 1, or 0 for any other text (NULL too).  It reads the text
 * only: whether the comment is authentic is the signature's to say. */
int smz_sig_comment_digest(const char *comment, char hex[2 * SMZ_DIGEST_BYTES + 1]);

/* The detached signature (.minisig text, minisign's format) of the archive
 * file PATH, with our trusted comment.  The comment names the archive's
 * stored Digest: sign archives you made or have checked.  *sig is malloc'd
 * and NUL-terminated, owned by the caller; *len (may be NULL) its length.
 * On failure the message is on CX (may be NULL), as in smz/sign.h. */
smz_err smz_archive_sign_file(smz_sign_ctx *cx, const char *path, const smz_seckey *sk, char **sig,
                              size_t *len);

/* The embedded signature's key id, without checking anything (for `smz
 * info`): SMZ_E_NOTFOUND when the archive has none, SMZ_E_INVALID when it
 * cannot be parsed; the message is on R. */
smz_err smz_archive_signer(smz_reader *r, char keyid[SMZ_KEYID_SIZE]);

#ifdef __cplusplus
}
#endif
#endif
