/* Updates between two versions of an archive (`smz diff`, `smz patch`): an
 * update file carries what NEW has and OLD lacks, so that OLD plus the
 * update gives NEW back byte for byte (the same SHA-256).  The update's
 * format, and why it is made the way it is: docs/UPDATES.md. */
#ifndef SMZ_DELTA_H
#define SMZ_DELTA_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/sign.h"
#include "smz/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What smz_delta_diff made, for the front-end's summary. */
typedef struct smz_delta_stats {
    uint64_t new_size;    /* NEW's size in bytes */
    uint64_t update_size; /* the update file's size in bytes */
    uint64_t skeleton;    /* bytes of the update spent on NEW's pages outside clusters */
    unsigned clusters;    /* NEW's clusters */
    unsigned same;        /* ... whose bytes OLD holds as they are */
    unsigned delta;       /* ... encoded against an OLD cluster */
    unsigned carried;     /* ... carried whole (no counterpart, or the delta was no smaller) */
    unsigned rebuilt;     /* 1: the packed index is not carried but built again from NEW's pages */
} smz_delta_stats;

/* Writes UPD, the update that turns the archive OLD into the archive NEW,
 * atomically (a temporary file beside UPD, renamed; nothing left on
 * failure).  Both must be archives this library reads; each at most
 * 1 GiB (SMZ_E_TOOBIG).  ST (may be NULL) gets the figures.  ERR (ERRLEN
 * bytes) gets the reason of a failure, in language LANG (smz/i18n.h; 0 is
 * English): so do the other functions here that take a LANG. */
smz_err smz_delta_diff(const char *old_path, const char *new_path, const char *upd_path,
                       smz_delta_stats *st, int lang, char *err, size_t errlen);

/* Rebuilds from the archive OLD and the update UPD the archive the update
 * was made for, as OUT, atomically: written to an unnamed file in OUT's
 * folder (or, where the file system has none, a hidden temporary file beside
 * it), checked (its SHA-256 is the one UPD names, it opens as an archive
 * and its content digest is the one UPD names), then renamed over OUT.  On
 * any failure nothing is left at OUT (an OUT that was there stays as it
 * was).  An update made for another base is SMZ_E_INVALID, its message
 * naming both content digests; a damaged or hostile update SMZ_E_CORRUPT;
 * an update this libzstd cannot reproduce a cluster of SMZ_E_UNSUPPORTED.
 * OUT must not be OLD or UPD. */
smz_err smz_delta_patch(const char *old_path, const char *upd_path, const char *out_path, int lang,
                        char *err, size_t errlen);

/* Signatures of updates (docs/UPDATES.md): a minisign signature (prehashed
 * "ED", as an archive's) of the update's body embedded after it, and a
 * detached one, UPD.minisig, of the whole file, so that Debian's
 * `minisign -Vm UPD -p KEY.pub` accepts it too; both trusted comments name
 * both archives:
 *   smz-update-1 old:<OLD's content digest> new:<NEW's content digest> */
/* 1 when PATH is a regular file that starts as an update does (its magic),
 * else 0; nothing else is checked. */
int smz_delta_is_update(const char *path);

/* Signs the update UPD with SK: its embedded signature (replacing one it
 * had), then UPD.minisig (atomically). */
smz_err smz_delta_sign(const char *upd_path, const smz_seckey *sk, int lang, char *err, size_t errlen);

/* Checks UPD's detached signature SIG_PATH (NULL: UPD.minisig) or, when
 * there is no such file, the one embedded in UPD against the keys of KR;
 * SIG_PATH SMZ_DELTA_SIG_INSIDE checks the embedded one only (a file
 * lying about is not looked for).  SMZ_OK when a trusted key signed
 * exactly these bytes with the trusted comment above for UPD's own digests
 * (KEYID, SMZ_KEYID_SIZE bytes or NULL, gets its key id); SMZ_E_NOTFOUND
 * when there is no signature; SMZ_E_SIGNATURE when it does not verify or
 * its key is not trusted; SMZ_E_CORRUPT when UPD is not an update.  ERR
 * gets the reason. */
#define SMZ_DELTA_SIG_INSIDE ""

smz_err smz_delta_verify(const char *upd_path, const char *sig_path, const smz_keyring *kr, char *keyid,
                         int lang, char *err, size_t errlen);

/* What an update's header says (docs/UPDATES.md, "The file"). */
typedef struct smz_delta_info {
    uint64_t size;                /* the update file's size in bytes */
    uint64_t old_size;            /* OLD's size in bytes */
    uint64_t new_size;            /* NEW's size in bytes */
    char old_digest[65];          /* OLD's content digest, 64 lower-case hex digits */
    char new_digest[65];          /* NEW's content digest */
    unsigned char old_sha256[16]; /* the first 16 bytes of OLD's SHA-256 */
    unsigned char new_sha256[32];
    int sig_inside; /* 1: a signature is embedded after the body (its form
                       only: smz_delta_verify checks it) */
} smz_delta_info;

/* Reads the header of the update PATH (a regular file, not a symbolic
 * link) into INFO, after checking its magic,
 * that its three lengths add up to the file's (an embedded signature's
 * trailer included) and that OLD and NEW are within the limits (nothing
 * else: smz_delta_patch checks the rest).
 * SMZ_OK; SMZ_E_NOTFOUND; SMZ_E_IO; SMZ_E_CORRUPT when it is no update or
 * a damaged one.  ERR gets the reason. */
smz_err smz_delta_info_read(const char *path, smz_delta_info *info, int lang, char *err, size_t errlen);

/* The updates lying in a folder, as catalogs advertise them (docs/CATALOG.md,
 * "Updates"). */
typedef struct smz_delta_file {
    /* its name in the folder: [A-Za-z0-9._+-], ends in .smzup, does not
     * start with '.' or '-', at most 255 bytes */
    char *file;
    smz_delta_info info; /* info.sig_inside: signed inside */
    int sig_detached;    /* FILE.minisig is a regular file beside it (not a link) */
} smz_delta_file;

typedef struct smz_delta_list {
    smz_delta_file *u; /* sorted by file name */
    size_t n;
} smz_delta_list;

/* 1 when NAME is a name smz_delta_scan takes (above), else 0. */
int smz_delta_name_ok(const char *name);

/* Fills OUT (empty before; the caller frees it with smz_delta_list_free)
 * with the updates of the folder DIR: files named as above whose header
 * smz_delta_info_read accepts; others are left out.  SMZ_OK, or SMZ_E_IO
 * (the folder cannot be read), SMZ_E_NOMEM, with ERR set. */
smz_err smz_delta_scan(const char *dir, smz_delta_list *out, int lang, char *err, size_t errlen);
void smz_delta_list_free(smz_delta_list *l);

/* The updates of L that lead to the content digest DIGEST (64 hex digits):
 * those whose NEW is DIGEST, and, for chains, those whose NEW is the OLD of
 * one already taken.  Their indexes into L go in IDX (at most MAX, in L's
 * order); returns how many there are (may exceed MAX). */
size_t smz_delta_leading_to(const smz_delta_list *l, const char *digest, size_t *idx, size_t max);

/* The rel of a catalog's link to an update, and its type. */
#define SMZ_DELTA_REL "urn:samizdat:opds:update"
#define SMZ_DELTA_TYPE "application/x-smz-update"

/* Appends to B the Atom link that advertises U (docs/CATALOG.md): its href
 * PREFIX followed by U's file name (percent-encoded), its length, the
 * content digests it leads from and to, when U has a detached signature
 * the href of it, and when U is signed inside, an attribute saying so.
 * The smz: prefix must be bound to urn:samizdat:opds where B's text goes. */
smz_err smz_delta_opds_link(smz_strbuf *b, const smz_delta_file *u, const char *prefix);

#ifdef __cplusplus
}
#endif
#endif
