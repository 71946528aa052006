/* Private to lib/: the writer's hook that embeds a signature into a new
 * archive before it is renamed into place (lib/sign/archive.c). */
#ifndef SMZ_SIGN_ARCHIVE_PRIV_H
#define SMZ_SIGN_ARCHIVE_PRIV_H

#include <stddef.h>
#include "smz/sign.h"

/* Signs the digest statement of the finished archive file PATH (its
 * Digest metadata already written) with SK and stores the .minisig text as
 * metadata `Signature`.  PATH must not be open elsewhere for writing. */
smz_err smz__archive_embed_signature(const char *path, const smz_seckey *sk, int lang, char *err,
                                     size_t errlen);

#endif
