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
} smz_delta_stats;

/* Writes UPD, the update that turns the archive OLD into the archive NEW,
 * atomically (a temporary file beside UPD, renamed; nothing left on
 * failure).  Both must be archives this library reads; each at most
 * 1 GiB (SMZ_E_TOOBIG).  ST (may be NULL) gets the figures.  ERR (ERRLEN
 * bytes) gets the reason of a failure. */
smz_err smz_delta_diff(const char *old_path, const char *new_path, const char *upd_path,
                       smz_delta_stats *st, char *err, size_t errlen);

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
smz_err smz_delta_patch(const char *old_path, const char *upd_path, const char *out_path, char *err,
                        size_t errlen);

/* Signatures of updates: a detached minisign signature UPD.minisig of the
 * update file's bytes (prehashed "ED", as an archive's detached one), whose
 * trusted comment names both archives:
 *   smz-update-1 old:<OLD's content digest> new:<NEW's content digest>
 * so that Debian's `minisign -Vm UPD -p KEY.pub` accepts it too. */
/* 1 when PATH is a regular file that starts as an update does (its magic),
 * else 0; nothing else is checked. */
int smz_delta_is_update(const char *path);

/* Writes UPD.minisig (atomically) for the update UPD, signed with SK. */
smz_err smz_delta_sign(const char *upd_path, const smz_seckey *sk, char *err, size_t errlen);

/* Checks UPD's detached signature SIG_PATH (NULL: UPD.minisig) against the
 * keys of KR: SMZ_OK when a trusted key signed exactly these bytes with the
 * trusted comment above for UPD's own digests (KEYID, SMZ_KEYID_SIZE bytes
 * or NULL, gets its key id); SMZ_E_NOTFOUND when there is no signature;
 * SMZ_E_SIGNATURE when it does not verify or its key is not trusted;
 * SMZ_E_CORRUPT when UPD is not an update.  ERR gets the reason. */
smz_err smz_delta_verify(const char *upd_path, const char *sig_path, const smz_keyring *kr, char *keyid,
                         char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
