/* The languages Samizdat speaks to its readers (issue 21): the table of the
 * interface's languages, choosing one from a browser's Accept-Language or
 * a user's environment, and the message catalogue lookup.
 *
 * The catalogue is GNU gettext's: po/LANG.po compiled by msgfmt into
 * LOCALEDIR/C/LC_MESSAGES/samizdat-LANG.mo, read by the C library's libintl
 * (glibc natively, musl in the WebAssembly module).  Each language is a text
 * domain of its own ("samizdat-ru"), so that a lookup names its language and
 * depends on no per-process or per-thread locale: the server answers each
 * request in its own language on any worker thread.  For that the process's
 * LC_MESSAGES must be "C.UTF-8" and LANGUAGE unset (libintl then looks in
 * LOCALEDIR/C/, for every domain): a front-end sets both once, before any
 * thread starts, and calls smz_i18n_bind() (docs/DESIGN.md, "Languages").
 *
 * Language 0 is English, the language of the msgids: its lookups return
 * the msgid itself.  Every function but smz_i18n_bind may run on any thread. */
#ifndef SMZ_I18N_H
#define SMZ_I18N_H

#include <stddef.h>
#include "smz/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How many languages the interface has (English included). */
#define SMZ_UI_LANGS 13
/* English, the msgids' language; Simplified Chinese, the other language
 * smz stick carries built in. */
#define SMZ_UI_EN 0
#define SMZ_UI_ZH_HANS 1

typedef struct smz_ui_lang {
    const char *code; /* gettext's name, the .po file's: "zh_CN" */
    const char *tag;  /* BCP 47, for lang="" and ?lang=: "zh-Hans" */
    const char *name; /* its own name for itself: "简体中文" */
    int rtl;          /* written right to left */
} smz_ui_lang;

/* Language I (0 to SMZ_UI_LANGS - 1), or NULL out of that range.  Static. */
const smz_ui_lang *smz_ui_lang_at(int i);

/* The language of the tag or locale name S[0..N) ("ru", "ru-RU",
 * "ru_RU.UTF-8", "zh-Hant-HK", "zh_TW", "zh", any case), with the script
 * and region fallbacks of Chinese (Hant, TW, HK, MO: Traditional; Hans,
 * CN, SG and none: Simplified); -1 when it is none of ours. */
int smz_ui_lang_find(const char *s, size_t n);

/* The language an HTTP Accept-Language value ACCEPT (untrusted; NULL or ""
 * for none) asks for among AVAILABLE (bit I: language I may be chosen;
 * English always may): the highest q-value first, among equals the first
 * listed; "*", q=0 and languages not available are skipped.  FALLBACK when
 * nothing listed is available. */
int smz_ui_lang_negotiate(const char *accept, unsigned available, int fallback);

/* The language the environment asks for, as gettext reads it: LANGUAGE (a
 * colon-separated list; the first of ours wins) unless LC_ALL, LC_MESSAGES
 * or LANG (the first set) is "C" or "POSIX", then that first set variable.
 * English when none names one of AVAILABLE. */
int smz_ui_lang_from_env(unsigned available);

/* Binds each language's text domain to LOCALEDIR (the folder holding
 * C/LC_MESSAGES/samizdat-LANG.mo) and returns the languages whose
 * catalogue is there (bit I for language I; bit 0, English, always).
 * Sets libintl's process-wide bindings: call it once, before threads. */
unsigned smz_i18n_bind(const char *localedir);

/* MSGID in language LANG (UTF-8), or MSGID itself when LANG is English,
 * out of range, or has no translation of it.  The result lives as long as
 * the process (libintl's catalogue, or MSGID). */
const char *smz_tr(int lang, const char *msgid);
/* The form for N of ONE (singular) / MANY (plural) in LANG, by the
 * catalogue's Plural-Forms (Russian has three, Arabic six). */
const char *smz_ntr(int lang, const char *one, const char *many, unsigned long n);

/* Appends FMT (a translation, untrusted: a catalogue is text from a
 * translator) to B HTML-escaped, its placeholders %s (or %1$s to %9$s, in
 * any order) replaced by ARGS[0..N) (HTML the caller made safe: markup the
 * program writes, never the translator); "%%" is "%".  Nothing else of FMT
 * is read as a format, so a catalogue can neither make it read what was
 * not passed nor put markup into a page.  A placeholder past N is empty. */
void smz_tr_html(smz_strbuf *b, const char *fmt, size_t n, const char *const *args);

/* Marks a string for xgettext without translating it here (a table's
 * entry, translated where it is used). */
#define SMZ_N_(s) (s)

#ifdef __cplusplus
}
#endif
#endif
