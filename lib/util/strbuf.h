/* The growable string, smz_strbuf, is declared in smz/util.h (the
 * front-ends share it with the library; it says how its sticky errors
 * work); HTML escaping onto one is lib/text/escape.h's.  This header is for
 * the library's own files. */
#ifndef SMZ_UTIL_STRBUF_H
#define SMZ_UTIL_STRBUF_H

#include <stddef.h>
#include "smz/util.h"

#endif
