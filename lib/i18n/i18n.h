/* The library's side of the interface's languages (include/smz/i18n.h):
 * translated text put into HTML safely, and numbers and dates in a
 * language's conventions (ICU natively; the WebAssembly module has no ICU
 * and writes them as English does).  Used by the server's pages and the
 * generated pages of lib/article. */
#ifndef SMZ_I18N_I18N_H
#define SMZ_I18N_I18N_H

#include <stddef.h>
#include <stdint.h>
#include "smz/i18n.h"
#include "smz/util.h"

/* Appends FMT (a translation) HTML-escaped, its N placeholders %s (or %1$s
 * to %9$s, in any order) replaced by the N following arguments (const char
 * *, HTML the caller made safe); "%%" is "%".  Nothing else of FMT is read
 * as a format: a catalogue cannot make it read what was not passed, nor
 * put markup into a page. */
void smz__tr_fill(smz_strbuf *b, const char *fmt, size_t n, ...);

/* N in language LANG's digits and grouping ("1,234", "1 234", "۱٬۲۳۴"). */
void smz__ui_count(smz_strbuf *b, int lang, uint64_t n);
/* V with DIGITS fraction digits, in LANG's conventions ("2,5"). */
void smz__ui_decimal(smz_strbuf *b, int lang, double v, int digits);
/* The date DATE ("YYYY-MM-DD", "YYYY-MM" or "YYYY", untrusted) in LANG's
 * long form ("1 February 2022", "2022年2月1日", Persian's own calendar);
 * anything else HTML-escaped as it is. */
void smz__ui_date(smz_strbuf *b, int lang, const char *date);

/* The name of the language of BCP 47 tag TAG ("ru", "bo-Tibt") in language
 * LANG ("俄语" in Simplified Chinese), from ICU's data; ENGLISH (the name
 * lib/text/lang.c gives) when LANG is English or ICU has none.  Escaped. */
void smz__ui_language_name(smz_strbuf *b, int lang, const char *tag, const char *english);

#endif
