/* iconv for the static programs of `make dist` (scripts/dist.sh): musl's
 * iconv_open, iconv and iconv_close, compiled from Debian's musl source into
 * a glibc static link, where they take the place of glibc's.
 *
 * Why: a static glibc program converts only UTF-8, UTF-16/32 and ASCII by
 * itself; every other charset (windows-1252, GBK, Shift_JIS, KOI8-R ...
 * the list in lib/text/charset.c) is a gconv module that glibc dlopens from
 * /usr/lib/ARCH/gconv at run time, and that only works when the machine has
 * the very glibc the program was linked with.  On any other machine
 * iconv_open fails and pages in those charsets would silently lose their
 * text.  musl's iconv carries its tables in the program (about 100 KiB) and
 * knows every charset lib/text/charset.c asks for (the WebAssembly reader,
 * built with Emscripten's musl, uses the same code).  The linker takes these
 * definitions before libc.a's, for our code and for libarchive and libxml2.
 *
 * musl's UTF-8 mbrtowc, wcrtomb and wctomb come along under names of their
 * own (glibc's follow the caller's locale, which a static program cannot
 * load); MB_CUR_MAX and the locale switch come from locale_impl.h beside
 * this file.  The musl sources are not ours: MUSL_SRC (set by the build)
 * points at src/ of the unpacked Debian source package. */
#include <stdint.h>
#include <wchar.h>
#define hidden __attribute__((__visibility__("hidden")))
#define mbrtowc smz_musl_mbrtowc
#define wcrtomb smz_musl_wcrtomb
#define wctomb smz_musl_wctomb
#define weak_alias(old, new) /* musl's aliases: not wanted here */

#include "multibyte/internal.c"
#include "multibyte/mbrtowc.c"
#include "multibyte/wcrtomb.c"
#include "multibyte/wctomb.c"
#include "locale/iconv.c"
#include "locale/iconv_close.c"
