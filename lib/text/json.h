/* JSON string literals: smz_json_str, declared in smz/util.h (the
 * front-ends share it with the server), says what it escapes and how it
 * repairs invalid UTF-8.  This header is for the library's and the
 * server's own files. */
#ifndef SMZ_TEXT_JSON_H
#define SMZ_TEXT_JSON_H

#include "smz/util.h"

#endif
