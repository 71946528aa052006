/* Samizdat: the one error enum every public function returns, and its messages.
 *
 * One way to report errors, libarchive's: every library call that can fail
 * returns an smz_err, except the one constructor that can fail only for
 * memory and has no handle yet to tell why (smz_cache_new returns NULL,
 * as libarchive's archive_read_new does).  SMZ_OK is zero; everything else is a failure whose
 * detailed one-line text lives on the handle the call was made on, read
 * with that handle's _errmsg function, valid until its next call:
 *   smz_reader       smz_reader_errmsg()    reader.h, search.h, verify.h
 *   smz_writer       smz_writer_errmsg()    writer.h, pack.h's packing calls
 *   smz_pack_meta    smz_pack_meta_errmsg() pack.h's metadata file
 *   smz_sign_ctx     smz_sign_ctx_errmsg()  sign.h, smz_archive_sign_file
 * No public function takes a (char *err, size_t errlen) pair, and no message
 * is global.  Callers tell failures apart by the code (SMZ_E_INTERRUPTED
 * for a cancel, SMZ_E_NOTFOUND, ...), never by the message's words, which
 * are for people and may change.  smz_strerror() gives the short, fixed text
 * of a code and never returns NULL.
 *
 * One way to cancel: smz_writer_interrupt() and smz_reader_interrupt() set
 * an atomic flag on the handle (thread-safe and async-signal-safe); the
 * call running on it returns SMZ_E_INTERRUPTED. */
#ifndef SMZ_ERROR_H
#define SMZ_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smz_err {
    SMZ_OK = 0,
    SMZ_E_NOMEM,       /* an allocation failed */
    SMZ_E_IO,          /* reading or writing a file failed (errno-level) */
    SMZ_E_NOSPACE,     /* the disk or a quota is full */
    SMZ_E_NOTFOUND,    /* no such entry, key or file */
    SMZ_E_NOTARCHIVE,  /* the file is not an .smz archive at all */
    SMZ_E_VERSION,     /* an .smz archive of a format version we do not read */
    SMZ_E_CORRUPT,     /* the archive is damaged or hostile: a check failed */
    SMZ_E_TOOBIG,      /* a size or count is over a documented cap */
    SMZ_E_INVALID,     /* a bad argument or bad user input (query, path, option) */
    SMZ_E_EXISTS,      /* something already exists where it must not */
    SMZ_E_REDIRECT,    /* too many redirects, or a redirect loop */
    SMZ_E_INTERRUPTED, /* the caller asked to stop (Ctrl-C, a time budget) */
    SMZ_E_SIGNATURE,   /* a signature or digest does not verify */
    SMZ_E_UNSUPPORTED, /* a feature this build or this input does not support */
    SMZ_E_INTERNAL     /* a bug: an invariant of ours did not hold */
} smz_err;

/* The fixed English text for a code; unknown values give "unknown error". */
const char *smz_strerror(smz_err err);

#ifdef __cplusplus
}
#endif
#endif
