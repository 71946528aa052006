/* Text for a terminal: smz_term_escape and smz_term_safe, which every line
 * the front-ends print for a person goes through, are declared in
 * smz/util.h (the front-ends call them; it says what they escape and why).
 * Library code includes this header for them. */
#ifndef SMZ_TEXT_TERM_H
#define SMZ_TEXT_TERM_H

#include "smz/util.h"

#endif
