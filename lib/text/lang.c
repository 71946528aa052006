/* The one table of languages (see lang.h) and the rules that read it: the
 * metadata Language value, the shape of a BCP 47 tag, the tag and direction
 * for lang=""/dir="".  Before this file the packer, the article pages and
 * the server each kept a list, and they disagreed ("bod" was "bo" on
 * article pages and "bod" on the server; "ks" ran right to left on one and
 * not the other): a language added here is known everywhere at once. */
#include <string.h>
#include "text/ascii.h"
#include "text/lang.h"

/* ISO 639-3, 639-2/B (or a retired tag), BCP 47 primary subtag, usual
 * script, English name.  Macrolanguages come before their members so that
 * a lookup by tag ("ar") finds the macrolanguage's row. */
static const smz_lang LANGS[] = {
    /* right to left */
    {"ara", NULL, "ar", "Arab", "Arabic"},
    {"arb", NULL, "ar", "Arab", "Arabic"},
    {"arz", NULL, "arz", "Arab", "Egyptian Arabic"},
    {"azb", NULL, "azb", "Arab", "South Azerbaijani"},
    {"ckb", NULL, "ckb", "Arab", "Central Kurdish"},
    {"div", NULL, "dv", "Thaa", "Dhivehi"},
    {"fas", "per", "fa", "Arab", "Persian"},
    {"pes", NULL, "fa", "Arab", "Persian"},
    {"prs", NULL, "prs", "Arab", "Dari"},
    {"heb", "iw", "he", "Hebr", "Hebrew"},
    {"kas", NULL, "ks", "Arab", "Kashmiri"},
    {"mzn", NULL, "mzn", "Arab", "Mazanderani"},
    {"nqo", NULL, "nqo", "Nkoo", "N'Ko"},
    {"pnb", NULL, "pnb", "Arab", "Western Punjabi"},
    {"pus", NULL, "ps", "Arab", "Pashto"},
    {"snd", NULL, "sd", "Arab", "Sindhi"},
    {"syr", NULL, "syr", "Syrc", "Syriac"},
    {"uig", NULL, "ug", "Arab", "Uyghur"},
    {"urd", NULL, "ur", "Arab", "Urdu"},
    {"yid", "ji", "yi", "Hebr", "Yiddish"},
    /* left to right */
    {"afr", NULL, "af", "Latn", "Afrikaans"},
    {"amh", NULL, "am", "Ethi", "Amharic"},
    {"aze", NULL, "az", "Latn", "Azerbaijani"},
    {"bel", NULL, "be", "Cyrl", "Belarusian"},
    {"ben", NULL, "bn", "Beng", "Bengali"},
    {"bod", "tib", "bo", "Tibt", "Tibetan"},
    {"bos", NULL, "bs", "Latn", "Bosnian"},
    {"bul", NULL, "bg", "Cyrl", "Bulgarian"},
    {"cat", NULL, "ca", "Latn", "Catalan"},
    {"ces", "cze", "cs", "Latn", "Czech"},
    {"cym", "wel", "cy", "Latn", "Welsh"},
    {"dan", NULL, "da", "Latn", "Danish"},
    {"deu", "ger", "de", "Latn", "German"},
    {"ell", "gre", "el", "Grek", "Greek"},
    {"eng", NULL, "en", "Latn", "English"},
    {"epo", NULL, "eo", "Latn", "Esperanto"},
    {"est", NULL, "et", "Latn", "Estonian"},
    {"eus", "baq", "eu", "Latn", "Basque"},
    {"fin", NULL, "fi", "Latn", "Finnish"},
    {"fra", "fre", "fr", "Latn", "French"},
    {"gle", NULL, "ga", "Latn", "Irish"},
    {"guj", NULL, "gu", "Gujr", "Gujarati"},
    {"hau", NULL, "ha", "Latn", "Hausa"},
    {"hin", NULL, "hi", "Deva", "Hindi"},
    {"hrv", NULL, "hr", "Latn", "Croatian"},
    {"hun", NULL, "hu", "Latn", "Hungarian"},
    {"hye", "arm", "hy", "Armn", "Armenian"},
    {"ind", "in", "id", "Latn", "Indonesian"},
    {"isl", "ice", "is", "Latn", "Icelandic"},
    {"ita", NULL, "it", "Latn", "Italian"},
    {"jpn", NULL, "ja", "Jpan", "Japanese"},
    {"kan", NULL, "kn", "Knda", "Kannada"},
    {"kat", "geo", "ka", "Geor", "Georgian"},
    {"kaz", NULL, "kk", "Cyrl", "Kazakh"},
    {"khm", NULL, "km", "Khmr", "Khmer"},
    {"kir", NULL, "ky", "Cyrl", "Kyrgyz"},
    {"kor", NULL, "ko", "Kore", "Korean"},
    {"kur", NULL, "ku", "Latn", "Kurdish"},
    {"lao", NULL, "lo", "Laoo", "Lao"},
    {"lat", NULL, "la", "Latn", "Latin"},
    {"lav", NULL, "lv", "Latn", "Latvian"},
    {"lit", NULL, "lt", "Latn", "Lithuanian"},
    {"mal", NULL, "ml", "Mlym", "Malayalam"},
    {"mar", NULL, "mr", "Deva", "Marathi"},
    {"mkd", "mac", "mk", "Cyrl", "Macedonian"},
    {"mon", NULL, "mn", "Cyrl", "Mongolian"},
    {"msa", "may", "ms", "Latn", "Malay"},
    {"mya", "bur", "my", "Mymr", "Burmese"},
    {"nep", NULL, "ne", "Deva", "Nepali"},
    {"nld", "dut", "nl", "Latn", "Dutch"},
    {"nor", NULL, "no", "Latn", "Norwegian"},
    {"nob", NULL, "nb", "Latn", "Norwegian"},
    {"pan", NULL, "pa", "Guru", "Punjabi"},
    {"pol", NULL, "pl", "Latn", "Polish"},
    {"por", NULL, "pt", "Latn", "Portuguese"},
    {"ron", "rum", "ro", "Latn", "Romanian"},
    {"rus", NULL, "ru", "Cyrl", "Russian"},
    {"sin", NULL, "si", "Sinh", "Sinhala"},
    {"slk", "slo", "sk", "Latn", "Slovak"},
    {"slv", NULL, "sl", "Latn", "Slovenian"},
    {"som", NULL, "so", "Latn", "Somali"},
    {"spa", NULL, "es", "Latn", "Spanish"},
    {"sqi", "alb", "sq", "Latn", "Albanian"},
    {"srp", NULL, "sr", "Cyrl", "Serbian"},
    {"swa", NULL, "sw", "Latn", "Swahili"},
    {"swe", NULL, "sv", "Latn", "Swedish"},
    {"tam", NULL, "ta", "Taml", "Tamil"},
    {"tat", NULL, "tt", "Cyrl", "Tatar"},
    {"tel", NULL, "te", "Telu", "Telugu"},
    {"tgk", NULL, "tg", "Cyrl", "Tajik"},
    {"tgl", NULL, "tl", "Latn", "Tagalog"},
    {"tha", NULL, "th", "Thai", "Thai"},
    {"tuk", NULL, "tk", "Latn", "Turkmen"},
    {"tur", NULL, "tr", "Latn", "Turkish"},
    {"ukr", NULL, "uk", "Cyrl", "Ukrainian"},
    {"uzb", NULL, "uz", "Latn", "Uzbek"},
    {"vie", NULL, "vi", "Latn", "Vietnamese"},
    {"yor", NULL, "yo", "Latn", "Yoruba"},
    {"zho", "chi", "zh", "Hani", "Chinese"},
};

/* ISO 15924 scripts written right to left. */
static const char *const RTL_SCRIPTS[] = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo",
                                          "Adlm", "Rohg", "Mand", "Samr"};

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* 1 when S[0..N) is WORD (NUL-terminated), ignoring case. */
static int same_ci(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
            return 0;
    return i == n && !word[i];
}

const smz_lang *smz__lang_find(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof LANGS / sizeof LANGS[0]; i++) {
        const smz_lang *l = &LANGS[i];
        if (same_ci(s, n, l->iso3) || same_ci(s, n, l->tag) || (l->alias && same_ci(s, n, l->alias)))
            return l;
    }
    return NULL;
}

int smz__lang_list_ok(const char *s)
{
    while (*s) {
        size_t n = 0;
        while (s[n] >= 'a' && s[n] <= 'z')
            n++;
        if (n < 2 || n > 3)
            return 0;
        s += n;
        while (*s == '-') {
            size_t k = 0;
            while (is_alpha((unsigned char)s[1 + k]) || is_digit((unsigned char)s[1 + k]))
                k++;
            if (k < 1 || k > 8)
                return 0;
            s += 1 + k;
        }
        if (*s == ',' && s[1])
            s++;
        else if (*s)
            return 0;
    }
    return 1;
}

int smz__lang_tag_ok(const char *s, size_t n)
{
    size_t seg = 0;
    if (n == 0 || n > SMZ_LANG_TAG_MAX || !is_alpha((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-') {
            if (seg == 0 || i + 1 == n)
                return 0;
            seg = 0;
        } else if (is_alpha(c) || is_digit(c)) {
            if (++seg > 8)
                return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

int smz__lang_script_rtl(const char *sc, size_t n)
{
    for (size_t i = 0; i < sizeof RTL_SCRIPTS / sizeof RTL_SCRIPTS[0]; i++)
        if (same_ci(sc, n, RTL_SCRIPTS[i]))
            return 1;
    return 0;
}

int smz__lang_html(const char *s, size_t n, char *out, size_t outlen)
{
    if (!outlen)
        return -1;
    out[0] = 0;
    if (outlen < SMZ_LANG_TAG_MAX + 1 || !smz__lang_tag_ok(s, n))
        return -1;
    size_t p = 0;
    while (p < n && s[p] != '-')
        p++;
    const smz_lang *l = smz__lang_find(s, p);
    const char *primary = l ? l->tag : s;
    size_t pn = l ? strlen(l->tag) : p;
    /* The mapped primary subtag is never longer than the one it replaces. */
    memcpy(out, primary, pn);
    memcpy(out + pn, s + p, n - p);
    out[pn + n - p] = 0;
    for (size_t i = p; i < n;) { /* a script subtag decides */
        size_t m = 0;
        while (i + 1 + m < n && s[i + 1 + m] != '-')
            m++;
        const char *sub = s + i + 1;
        if (m == 4 && is_alpha((unsigned char)sub[0]) && is_alpha((unsigned char)sub[1]) &&
            is_alpha((unsigned char)sub[2]) && is_alpha((unsigned char)sub[3]))
            return smz__lang_script_rtl(sub, 4);
        i += 1 + m;
    }
    return l && smz__lang_script_rtl(l->script, strlen(l->script));
}

int smz_lang_english(const char *s)
{
    size_t n = strlen(s);
    if (!smz__lang_tag_ok(s, n))
        return 0;
    const smz_lang *l = smz__lang_find(s, strcspn(s, "-"));
    return l && !strcmp(l->tag, "en");
}

const char *smz__lang_name(const char *s)
{
    const smz_lang *l = smz__lang_find(s, strcspn(s, "-"));
    return l ? l->name : NULL;
}

smz_err smz__lang_list_iso3(const char *v, smz_strbuf *b)
{
    for (const char *p = v; *p;) {
        size_t l = strcspn(p, ",");
        size_t prim = strcspn(p, ",-_");
        const char *iso3 = NULL;
        char kept[4];
        while (prim && p[0] == ' ') {
            p++, l--, prim--;
        }
        const smz_lang *lg = prim ? smz__lang_find(p, prim) : NULL;
        if (lg) {
            iso3 = lg->iso3;
        } else if (prim == 3) {
            for (int i = 0; i < 3; i++)
                kept[i] = (char)smz_ascii_lower((unsigned char)p[i]);
            kept[3] = 0;
            iso3 = kept;
        }
        if (iso3 && !strstr(smz_strbuf_str(b), iso3)) {
            if (smz_strbuf_len(b))
                smz_strbuf_adds(b, ",");
            smz_strbuf_adds(b, iso3);
        }
        p += l;
        if (*p == ',')
            p++;
    }
    return smz_strbuf_err(b);
}
