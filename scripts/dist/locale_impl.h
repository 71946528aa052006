/* Stands in for musl's private locale_impl.h when musl's iconv and UTF-8
 * conversions are compiled into a glibc program (scripts/dist/musl_iconv.c):
 * musl switches the thread's locale to UTF-8 around its own mbrtowc and
 * wctomb calls; here those are always UTF-8 (musl_iconv.c renames them), so
 * the switch only needs somewhere to write. */
#ifndef SMZ_DIST_LOCALE_IMPL_H
#define SMZ_DIST_LOCALE_IMPL_H
#include <locale.h>
#include <stdlib.h>

static _Thread_local locale_t smz_musl_locale_;
#define CURRENT_LOCALE smz_musl_locale_
#define UTF8_LOCALE ((locale_t)0)
/* UTF-8 always: musl's mbrtowc and wcrtomb decode bytes one by one when
 * MB_CUR_MAX is 1 (its C locale); glibc's MB_CUR_MAX follows the caller's
 * locale, which is not the point here. */
#undef MB_CUR_MAX
#define MB_CUR_MAX 4
#endif
