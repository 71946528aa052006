/* Front-end code shared by smz and smz-pack: setting the message catalogue
 * up (include/smz/i18n.h) and the language of the command line's own
 * messages.  English unless LANGUAGE, LC_ALL, LC_MESSAGES or LANG names one
 * of the catalogues installed. */
#ifndef SMZ_COMMON_I18N_H
#define SMZ_COMMON_I18N_H

#include "smz/i18n.h"

/* Finds the catalogues (SMZ_LOCALEDIR in the environment, else
 * PREFIX/share/samizdat/locale beside the program, or locale/ beside its
 * folder as make dist lays them out, else the build tree's),
 * binds them, picks the command line's language from the environment, and
 * sets LC_MESSAGES to C.UTF-8 and unsets LANGUAGE, as lookups by domain
 * need.  Call first in main(), before any thread.  Returns the languages
 * whose catalogue was found (smz_i18n_bind). */
unsigned i18n_setup(void);
/* The languages i18n_setup found (bit I: language I; English always). */
unsigned i18n_available(void);
/* The command line's language (English before i18n_setup). */
int i18n_cli(void);
/* The directory the catalogues were found in, or NULL. */
const char *i18n_localedir(void);

/* MSGID of context CTX (gettext's msgctxt: the same English word in two
 * senses) in the command line's language; MSGID itself when it has no
 * translation. */
const char *i18n_cli_ctx(const char *ctx, const char *msgid);

/* A message of the command line in its language; xgettext's keywords. */
#define _(s) smz_tr(i18n_cli(), s)
#define C_(ctx, s) i18n_cli_ctx(ctx, s)
/* Marks S of context CTX for xgettext, translated where it is used (C_). */
#define NC_(ctx, s) (s)
#define N_(one, many, n) smz_ntr(i18n_cli(), one, many, n)

#endif
