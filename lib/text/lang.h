/* Language codes, in one table: every place that turns a Language value or
 * a lang tag into something (the packer's checks and stemming choice, the
 * article pages' <html lang dir>, the server's lang=""/dir="" and language
 * names, smz check) asks here, so they cannot disagree.  The table maps
 * ISO 639-3 codes (and their ISO 639-2/B aliases: "tib", "chi", "per") to
 * the BCP 47 primary subtag a browser knows best (the ISO 639-1 code when
 * there is one: "bod" is "bo"), the language's usual script (ISO 15924) and
 * so its direction.  No state, and no allocation but into a caller's
 * smz_strbuf: safe from any thread. */
#ifndef SMZ_TEXT_LANG_H
#define SMZ_TEXT_LANG_H

#include <stddef.h>
#include "smz/util.h" /* smz_lang_english */

/* A BCP 47 tag is at most this long (35 characters: RFC 5646, 4.4.1). */
#define SMZ_LANG_TAG_MAX 35

typedef struct smz_lang {
    const char *iso3;   /* ISO 639-3 code */
    const char *alias;  /* ISO 639-2/B code or a retired tag ("iw"), or NULL */
    const char *tag;    /* BCP 47 primary subtag: ISO 639-1 when there is one */
    const char *script; /* ISO 15924 script it is usually written in ("Arab") */
    const char *name;   /* English name ("Tibetan") */
} smz_lang;

/* The table's row for the code S[0..N) (any of its ISO 639-3 code, alias
 * or tag, any case), or NULL when the table does not know it.  Static. */
const smz_lang *smz__lang_find(const char *s, size_t n);

/* The metadata Language rule (docs/FORMAT.md): ISO 639 codes (three lower
 * case letters, or two) with optional BCP 47 subtags, comma-separated
 * ("eng", "zho-Hant", "eng,fra").  1 when NUL-terminated S follows it. */
int smz__lang_list_ok(const char *s);

/* 1 when S[0..N) has the shape of a BCP 47 tag: a letter first, then
 * '-'-separated subtags of 1 to 8 letters or digits, at most
 * SMZ_LANG_TAG_MAX in all. */
int smz__lang_tag_ok(const char *s, size_t n);

/* Writes the tag for lang="" of the well-formed tag S[0..N) (see
 * smz__lang_tag_ok) into OUT (OUTLEN bytes, at least SMZ_LANG_TAG_MAX + 1):
 * the primary subtag in its BCP 47 form ("bod-Tibt" gives "bo-Tibt"), the
 * other subtags as they are.  Returns 1 when the text runs right to left
 * (a script subtag decides, else the language's usual script), 0 when left
 * to right, -1 (OUT "") when S is not a well-formed tag. */
int smz__lang_html(const char *s, size_t n, char *out, size_t outlen);

/* 1 when the script subtag SC[0..N) ("Arab", any case) runs right to left. */
int smz__lang_script_rtl(const char *sc, size_t n);

/* Appends to B the ISO 639-3 codes of the comma-separated Language value
 * V ("en-US, zho-Hant" gives "eng,zho"), comma-separated, each once, no
 * subtags: the form ZIM files want.  A code the table does not know is kept
 * when it has three letters (it may be a 639-3 code the table lacks) and
 * dropped otherwise.  Returns B's error (smz_strbuf's sticky one). */
smz_err smz__lang_list_iso3(const char *v, smz_strbuf *b);

/* The English name of the language of tag S ("bo-Tibt" gives "Tibetan"),
 * or NULL when the table does not know it.  Static. */
const char *smz__lang_name(const char *s);

#endif
