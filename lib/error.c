/* Fixed messages for smz_err.  The switch has no default so that -Wswitch
 * flags a new code that has no message.  And smz__errf (error.h). */
#include <stdarg.h>
#include <stdio.h>
#include "error.h"
#include "smz/i18n.h"

smz_err smz__errf(char *err, size_t errlen, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return e;
}

void smz__vformat_lang(char *err, size_t errlen, int lang, const char *fmt, va_list ap)
{
    vsnprintf(err, errlen, smz_tr(lang, fmt), ap);
}

void smz__format_lang(char *err, size_t errlen, int lang, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(err, errlen, lang, fmt, ap);
    va_end(ap);
}

smz_err smz__errf_lang(char *err, size_t errlen, int lang, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(err, errlen, lang, fmt, ap);
    va_end(ap);
    return e;
}

const char *smz_strerror(smz_err err)
{
    switch (err) {
    case SMZ_OK: return "success";
    case SMZ_E_NOMEM: return "out of memory";
    case SMZ_E_IO: return "input/output error";
    case SMZ_E_NOSPACE: return "no space left on device";
    case SMZ_E_NOTFOUND: return "not found";
    case SMZ_E_NOTARCHIVE: return "not an .smz archive";
    case SMZ_E_VERSION: return "unsupported archive format version";
    case SMZ_E_CORRUPT: return "archive is corrupt";
    case SMZ_E_TOOBIG: return "size over limit";
    case SMZ_E_INVALID: return "invalid argument";
    case SMZ_E_EXISTS: return "already exists";
    case SMZ_E_REDIRECT: return "redirect loop or chain too long";
    case SMZ_E_INTERRUPTED: return "interrupted";
    case SMZ_E_SIGNATURE: return "signature does not verify";
    case SMZ_E_UNSUPPORTED: return "unsupported";
    case SMZ_E_INTERNAL: return "internal error";
    }
    return "unknown error";
}
