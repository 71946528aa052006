/* The library's one helper for "set a message buffer, return a code", for
 * the modules that report into a caller's buffer rather than a handle's
 * (the cluster decoder, split manifests, smz_upgrade). */
#ifndef SMZ_LIB_ERROR_H
#define SMZ_LIB_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include "smz/error.h"
#include "smz/util.h" /* SMZ_PRINTF */

/* Writes the printf-formatted message into ERR (ERRLEN bytes, always
 * NUL-terminated) and returns E. */
smz_err smz__errf(char *err, size_t errlen, smz_err e, const char *fmt, ...) SMZ_PRINTF(4, 5);
/* The same, FMT first looked up in language LANG's catalogue (smz_tr:
 * English when LANG is SMZ_UI_EN or has no translation).  FMT is English,
 * checked against the arguments by the compiler; msgfmt --check holds
 * each translation to the same directives.  xgettext's keyword (Makefile
 * LIB_KEYWORDS) marks the call's format string. */
smz_err smz__errf_lang(char *err, size_t errlen, int lang, smz_err e, const char *fmt, ...)
    SMZ_PRINTF(5, 6);
/* vsnprintf of FMT in language LANG, into ERR. */
void smz__vformat_lang(char *err, size_t errlen, int lang, const char *fmt, va_list ap) SMZ_PRINTF(4, 0);
/* smz__vformat_lang's variadic form. */
void smz__format_lang(char *err, size_t errlen, int lang, const char *fmt, ...) SMZ_PRINTF(4, 5);

#endif
