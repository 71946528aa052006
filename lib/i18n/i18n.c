/* The interface's languages and the message catalogue (include/smz/i18n.h):
 * one table of the 13 languages, the choice of one from Accept-Language or
 * the environment, and lookups through libintl with one text domain per
 * language, which keeps a lookup free of any locale state (the reasons are
 * in docs/DESIGN.md, "Languages").  No allocation and no state of our own:
 * libintl holds the catalogues. */
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/udatpg.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>
#endif
#include "i18n/i18n.h"
#include "text/ascii.h"
#include "text/escape.h"

static const smz_ui_lang langs[SMZ_UI_LANGS] = {
    {"en", "en", "English", 0},
    {"zh_CN", "zh-Hans", "\xE7\xAE\x80\xE4\xBD\x93\xE4\xB8\xAD\xE6\x96\x87", 0},
    {"zh_TW", "zh-Hant", "\xE7\xB9\x81\xE9\xAB\x94\xE4\xB8\xAD\xE6\x96\x87", 0},
    {"ug", "ug", "\xD8\xA6\xDB\x87\xD9\x8A\xD8\xBA\xDB\x87\xD8\xB1\xDA\x86\xDB\x95", 1},
    {"bo", "bo", "\xE0\xBD\x96\xE0\xBD\xBC\xE0\xBD\x91\xE0\xBC\x8B\xE0\xBD\xA1\xE0\xBD\xB2\xE0\xBD\x82",
     0},
    {"fa", "fa", "\xD9\x81\xD8\xA7\xD8\xB1\xD8\xB3\xDB\x8C", 1},
    {"ar", "ar", "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9", 1},
    {"ru", "ru", "\xD0\xA0\xD1\x83\xD1\x81\xD1\x81\xD0\xBA\xD0\xB8\xD0\xB9", 0},
    {"tr", "tr",
     "T\xC3\xBCrk\xC3\xA7"
     "e",
     0},
    {"vi", "vi", "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t", 0},
    {"my", "my", "\xE1\x80\x99\xE1\x80\xBC\xE1\x80\x94\xE1\x80\xBA\xE1\x80\x99\xE1\x80\xAC", 0},
    {"es", "es", "Espa\xC3\xB1ol", 0},
    {"fr", "fr",
     "Fran\xC3\xA7"
     "ais",
     0},
};

/* Each language's text domain, "samizdat-" and its code. */
static const char *const domains[SMZ_UI_LANGS] = {
    "samizdat-en", "samizdat-zh_CN", "samizdat-zh_TW", "samizdat-ug", "samizdat-bo",
    "samizdat-fa", "samizdat-ar",    "samizdat-ru",    "samizdat-tr", "samizdat-vi",
    "samizdat-my", "samizdat-es",    "samizdat-fr",
};

const smz_ui_lang *smz_ui_lang_at(int i)
{
    return i >= 0 && i < SMZ_UI_LANGS ? &langs[i] : NULL;
}

/* 1 when S[0..N) equals WANT, ignoring ASCII case. */
static int eq_ci(const char *s, size_t n, const char *want)
{
    if (strlen(want) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (smz_ascii_lower((unsigned char)s[i]) != smz_ascii_lower((unsigned char)want[i]))
            return 0;
    return 1;
}

int smz_ui_lang_find(const char *s, size_t n)
{
    /* A locale name's codeset and modifier ("ru_RU.UTF-8@euro") say
     * nothing of the language. */
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == '@')
            n = i;
    size_t p = 0;
    while (p < n && s[p] != '-' && s[p] != '_')
        p++;
    if (p < 2 || p > 3)
        return -1;
    if (eq_ci(s, p, "zh") || eq_ci(s, p, "zho") || eq_ci(s, p, "chi")) {
        /* The first subtag that says which script decides: a script (Hant,
         * Hans) or a region where Traditional is written. */
        for (size_t i = p; i < n;) {
            size_t j = ++i;
            while (j < n && s[j] != '-' && s[j] != '_')
                j++;
            if (eq_ci(s + i, j - i, "hant") || eq_ci(s + i, j - i, "tw") || eq_ci(s + i, j - i, "hk") ||
                eq_ci(s + i, j - i, "mo"))
                return 2;
            if (eq_ci(s + i, j - i, "hans") || eq_ci(s + i, j - i, "cn") || eq_ci(s + i, j - i, "sg"))
                return 1;
            i = j;
        }
        return 1;
    }
    /* Three-letter codes too: a Language value ("rus", "bod", "uig"). */
    static const char *const iso3[SMZ_UI_LANGS] = {"eng", "zho", "zho", "uig", "bod", "fas", "ara",
                                                   "rus", "tur", "vie", "mya", "spa", "fra"};
    static const char *const alias3[SMZ_UI_LANGS] = {"eng", "chi", "chi", "uig", "tib", "per", "ara",
                                                     "rus", "tur", "vie", "bur", "spa", "fre"};
    for (int i = 0; i < SMZ_UI_LANGS; i++)
        if (eq_ci(s, p, langs[i].tag) || eq_ci(s, p, iso3[i]) || eq_ci(s, p, alias3[i]))
            return i;
    /* Persian's other names: Dari (prs) is written the same way. */
    if (eq_ci(s, p, "prs") || eq_ci(s, p, "pes"))
        return 5;
    return -1;
}

/* Accept-Language is read up to this many bytes and items: a browser
 * sends a few; a stranger's long header costs no more than this. */
#define ACCEPT_MAX 1024
#define ACCEPT_ITEMS 32

/* The q-value at S[0..N) ("0.8", "1", "1.000") in thousandths, -1 when
 * malformed (RFC 9110, 12.4.2). */
static int qvalue(const char *s, size_t n)
{
    if (!n || (s[0] != '0' && s[0] != '1'))
        return -1;
    int v = (s[0] - '0') * 1000, scale = 100;
    if (n > 1) {
        if (s[1] != '.' || n > 5)
            return -1;
        for (size_t i = 2; i < n; i++, scale /= 10) {
            if (!smz_ascii_digit((unsigned char)s[i]))
                return -1;
            v += (s[i] - '0') * scale;
        }
    }
    return v > 1000 ? -1 : v;
}

int smz_ui_lang_negotiate(const char *accept, unsigned available, int fallback)
{
    int best = -1, best_q = 0;
    if (!accept)
        return fallback;
    size_t len = strnlen(accept, ACCEPT_MAX);
    size_t at = 0;
    for (int items = 0; at < len && items < ACCEPT_ITEMS; items++) {
        size_t end = at;
        while (end < len && accept[end] != ',')
            end++;
        /* The range, then its parameters. */
        size_t i = at;
        while (i < end && (accept[i] == ' ' || accept[i] == '\t'))
            i++;
        size_t r = i;
        while (i < end && accept[i] != ';' && accept[i] != ' ' && accept[i] != '\t')
            i++;
        size_t rn = i - r;
        int q = 1000;
        while (i < end) {
            while (i < end && (accept[i] == ';' || accept[i] == ' ' || accept[i] == '\t'))
                i++;
            size_t k = i;
            while (k < end && accept[k] != ';')
                k++;
            size_t pn = k;
            while (pn > i && (accept[pn - 1] == ' ' || accept[pn - 1] == '\t'))
                pn--;
            if (pn - i >= 2 && (accept[i] == 'q' || accept[i] == 'Q') && accept[i + 1] == '=')
                q = qvalue(accept + i + 2, pn - i - 2);
            i = k;
        }
        int l = rn ? smz_ui_lang_find(accept + r, rn) : -1;
        if (l >= 0 && q > best_q && (l == SMZ_UI_EN || (available >> l & 1u)))
            best = l, best_q = q;
        at = end + 1;
    }
    return best >= 0 ? best : fallback;
}

/* The locale name of gettext's LC_MESSAGES: LC_ALL, LC_MESSAGES, LANG. */
static const char *messages_locale(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return v;
    }
    return NULL;
}

int smz_ui_lang_from_env(unsigned available)
{
    const char *loc = messages_locale();
    if (loc && (!strcmp(loc, "C") || !strcmp(loc, "POSIX")))
        return SMZ_UI_EN;
    const char *list = getenv("LANGUAGE");
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ":");
        int l = smz_ui_lang_find(p, n);
        if (l >= 0 && (l == SMZ_UI_EN || (available >> l & 1u)))
            return l;
        p += n + (p[n] == ':');
    }
    int l = loc ? smz_ui_lang_find(loc, strlen(loc)) : -1;
    return l >= 0 && (available >> l & 1u) ? l : SMZ_UI_EN;
}

#ifndef __EMSCRIPTEN__
/* Binds language I's domain to LOCALEDIR, whose catalogue is at MO: 1 when
 * it can be used. */
static int bind_domain(int i, const char *localedir, const char *mo)
{
    return access(mo, R_OK) == 0 && bindtextdomain(domains[i], localedir) &&
           bind_textdomain_codeset(domains[i], "UTF-8");
}

const char *smz_tr(int lang, const char *msgid)
{
    if (lang <= SMZ_UI_EN || lang >= SMZ_UI_LANGS || !msgid[0]) /* "" is the catalogue's header */
        return msgid;
    return dgettext(domains[lang], msgid);
}

const char *smz_ntr(int lang, const char *one, const char *many, unsigned long n)
{
    if (lang <= SMZ_UI_EN || lang >= SMZ_UI_LANGS)
        return n == 1 ? one : many;
    return dngettext(domains[lang], one, many, n);
}
#else
/* The WebAssembly module's libintl is Emscripten's musl, whose dcngettext
 * cannot map a catalogue there (its __map_file fails on Emscripten's file
 * system: no translation ever).  So the module reads each .mo once, at
 * smz_i18n_bind, and looks up with musl's libintl's own parts: __mo_lookup
 * (the .mo's hash table) and __pleval (the Plural-Forms expression).  Like
 * libintl's bindings natively, the catalogues are the process's, set once
 * before any lookup (the module has no threads). */
const char *__mo_lookup(const void *p, size_t size, const char *s);
unsigned long __pleval(const char *s, unsigned long n);

/* A catalogue is at most this large (ours are 15 to 30 KiB). */
#define MO_MAX (4u << 20)

static struct mo {
    char *map;
    size_t size;
    const char *rule; /* the Plural-Forms expression, in MAP */
    unsigned long np; /* how many forms */
} mos[SMZ_UI_LANGS];

/* Reads PATH into mos[I] and finds its plural rule, as musl's dcngettext
 * does; 0, or -1. */
static int mo_load(int i, const char *path)
{
    struct mo m = {NULL, 0, "n!=1;", 2};
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    if (!(m.map = malloc(MO_MAX)) || (m.size = fread(m.map, 1, MO_MAX, f)) == 0 || m.size == MO_MAX) {
        fclose(f);
        free(m.map);
        return -1;
    }
    fclose(f);
    const char *r = __mo_lookup(m.map, m.size, "");
    while (r && strncmp(r, "Plural-Forms:", 13)) {
        const char *z = strchr(r, '\n');
        r = z ? z + 1 : NULL;
    }
    if (r) {
        r += 13;
        while (*r == ' ' || *r == '\t')
            r++;
        if (!strncmp(r, "nplurals=", 9)) {
            char *z;
            m.np = strtoul(r + 9, &z, 10);
            r = z;
        }
        while (*r && *r != ';')
            r++;
        if (*r) {
            r++;
            while (*r == ' ' || *r == '\t')
                r++;
            if (!strncmp(r, "plural=", 7))
                m.rule = r + 7;
        }
    }
    free(mos[i].map);
    mos[i] = m;
    return 0;
}

/* Loads language I's catalogue from MO: 1 when it can be used. */
static int bind_domain(int i, const char *localedir, const char *mo)
{
    (void)localedir;
    return mo_load(i, mo) == 0;
}

const char *smz_tr(int lang, const char *msgid)
{
    if (lang <= SMZ_UI_EN || lang >= SMZ_UI_LANGS || !mos[lang].map || !msgid[0])
        return msgid;
    const char *t = __mo_lookup(mos[lang].map, mos[lang].size, msgid);
    return t ? t : msgid;
}

const char *smz_ntr(int lang, const char *one, const char *many, unsigned long n)
{
    const char *t = NULL;
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && mos[lang].map)
        t = __mo_lookup(mos[lang].map, mos[lang].size, one);
    if (!t)
        return n == 1 ? one : many;
    /* The forms follow each other, NUL-separated, inside the catalogue. */
    const struct mo *m = &mos[lang];
    unsigned long k = __pleval(m->rule, n);
    if (k >= m->np)
        return n == 1 ? one : many;
    while (k--) {
        size_t rem = m->size - (size_t)(t - m->map), l = strnlen(t, rem);
        if (l + 1 >= rem)
            return n == 1 ? one : many;
        t += l + 1;
    }
    return t;
}
#endif

unsigned smz_i18n_bind(const char *localedir)
{
    unsigned have = 1u;
    for (int i = 1; i < SMZ_UI_LANGS; i++) {
        smz_strbuf path;
        smz_strbuf_init(&path, 4096);
        smz_strbuf_addf(&path, "%s/C/LC_MESSAGES/%s.mo", localedir, domains[i]);
        if (!smz_strbuf_err(&path) && bind_domain(i, localedir, smz_strbuf_str(&path)))
            have |= 1u << i;
        smz_strbuf_free(&path);
    }
    return have;
}

/* ---- text, numbers and dates in a page ---- */

void smz_tr_html(smz_strbuf *b, const char *fmt, size_t n, const char *const *args)
{
    size_t next = 0, lit = 0, i = 0;
    smz_strbuf t;
    smz_strbuf_init(&t, 1u << 16);
    for (;;) {
        const char *at = NULL;
        size_t skip = 0;
        if (fmt[i] == '%' && fmt[i + 1] == 's')
            at = next < n ? args[next] : "", next++, skip = 2;
        else if (fmt[i] == '%' && fmt[i + 1] >= '1' && fmt[i + 1] <= '9' && fmt[i + 2] == '$' &&
                 fmt[i + 3] == 's')
            at = (size_t)(fmt[i + 1] - '1') < n ? args[fmt[i + 1] - '1'] : "", skip = 4;
        else if (fmt[i] == '%' && fmt[i + 1] == '%')
            at = "%", skip = 2;
        if (at || !fmt[i]) {
            smz_strbuf_reset(&t);
            smz_strbuf_add(&t, fmt + lit, i - lit);
            if (smz_strbuf_len(&t))
                smz__html_add_clean(b, smz_strbuf_str(&t));
            if (!fmt[i])
                break;
            smz_strbuf_adds(b, at);
            i += skip;
            lit = i;
        } else {
            i++;
        }
    }
    smz_strbuf_free(&t);
}

void smz__tr_fill(smz_strbuf *b, const char *fmt, size_t n, ...)
{
    const char *arg[9] = {0};
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n && i < 9; i++)
        arg[i] = va_arg(ap, const char *);
    va_end(ap);
    smz_tr_html(b, fmt, n < 9 ? n : 9, arg);
}

#ifndef __EMSCRIPTEN__
/* ICU's name of each language (the script decides between the Chinese).
 * Arabic's digits are named: ICU 72 writes Arabic-Indic ones by default, a
 * newer ICU (a browser's Intl) Western ones; ours are Arabic's own (po/
 * GLOSSARY.md), the same in both (intl_format asks for them too). */
static const char *const icu_locale[SMZ_UI_LANGS] = {
    "en", "zh_Hans", "zh_Hant", "ug", "bo", "fa", "ar@numbers=arab", "ru", "tr", "vi", "my", "es", "fr",
};

/* Appends the UTF-16 U[0..N) as UTF-8; 0, or -1 when it does not fit. */
static int add_u16(smz_strbuf *b, const UChar *u, int32_t n)
{
    char out[256];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strToUTF8(out, sizeof out, &len, u, n, &st);
    if (U_FAILURE(st) || len <= 0 || (size_t)len >= sizeof out)
        return -1;
    smz_strbuf_add(b, out, (size_t)len);
    return 0;
}
#endif

/* English's way, when ICU is not there or fails. */
static void count_plain(smz_strbuf *b, uint64_t n)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            smz_strbuf_adds(b, ",");
        smz_strbuf_add(b, &d[i], 1);
    }
}

#ifdef __EMSCRIPTEN__
/* The WebAssembly module has no ICU of its own: the browser's (or node's)
 * Intl is ICU, asked for what the native code asks ICU (the same options:
 * UTC, noon, a month in the Gregorian calendar, a year without grouping,
 * Arabic's own digits, a language's name or none).  KIND: 0 a count, 1 a decimal with DIGITS
 * fraction digits, 2 a year, 3 a date's long form, 4 a month and year,
 * 5 the name of language TAG; V the number, or the time in ms.  The
 * length written to OUT (CAP bytes), or -1 (no Intl, or it failed). */
/* (The preprocessor reads the JavaScript as C tokens: "==" and "!=" only,
 * no regular expression; clang-format would space it out.) */
// clang-format off
EM_JS(int, intl_format, (int kind, const char *loc, double v, int digits, const char *tag, char *out, int cap), {
    try {
        var l = UTF8ToString(loc), s, o, nu = l == 'ar' ? 'arab' : undefined;
        if (kind == 0) s = new Intl.NumberFormat(l, {numberingSystem: nu}).format(v);
        else if (kind == 1) {
            o = {minimumFractionDigits: digits, maximumFractionDigits: digits, numberingSystem: nu};
            s = new Intl.NumberFormat(l, o).format(v);
        } else if (kind == 2) s = new Intl.NumberFormat(l, {useGrouping: false, numberingSystem: nu}).format(v);
        else if (kind == 3) {
            o = {dateStyle: 'long', timeZone: 'UTC', numberingSystem: nu};
            s = new Intl.DateTimeFormat(l, o).format(new Date(v));
        } else if (kind == 4) {
            o = {year: 'numeric', month: 'long', timeZone: 'UTC', numberingSystem: nu};
            s = new Intl.DateTimeFormat(l + '-u-ca-gregory', o).format(new Date(v));
        } else if (kind == 5) {
            o = {type: 'language', fallback: 'none'};
            s = new Intl.DisplayNames([l], o).of(UTF8ToString(tag).split('-')[0].split('_')[0]);
        }
        if (typeof s != 'string' || !s.length || lengthBytesUTF8(s) >= cap) return -1;
        return stringToUTF8(s, out, cap);
    } catch (e) {
        return -1;
    }
});
// clang-format on

/* Appends Intl's answer for KIND in language LANG; 0, or -1. */
static int intl_add(smz_strbuf *b, int kind, int lang, double v, int digits, const char *tag)
{
    char out[256];
    int n = intl_format(kind, langs[lang].tag, v, digits, tag ? tag : "", out, (int)sizeof out);
    if (n <= 0)
        return -1;
    smz_strbuf_add(b, out, (size_t)n);
    return 0;
}
#endif

void smz__ui_count(smz_strbuf *b, int lang, uint64_t n)
{
#ifdef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && n <= (1ull << 53) &&
        intl_add(b, 0, lang, (double)n, 0, NULL) == 0)
        return;
#endif
#ifndef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && n <= INT64_MAX) {
        UErrorCode st = U_ZERO_ERROR;
        UNumberFormat *f = unum_open(UNUM_DECIMAL, NULL, 0, icu_locale[lang], NULL, &st);
        UChar u[64];
        int32_t len = U_SUCCESS(st) ? unum_formatInt64(f, (int64_t)n, u, 64, NULL, &st) : 0;
        int ok = U_SUCCESS(st) && len > 0 && len < 64 && add_u16(b, u, len) == 0;
        unum_close(f);
        if (ok)
            return;
    }
#endif
    (void)lang;
    count_plain(b, n);
}

void smz__ui_decimal(smz_strbuf *b, int lang, double v, int digits)
{
#ifdef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && intl_add(b, 1, lang, v, digits, NULL) == 0)
        return;
#endif
#ifndef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS) {
        UErrorCode st = U_ZERO_ERROR;
        UNumberFormat *f = unum_open(UNUM_DECIMAL, NULL, 0, icu_locale[lang], NULL, &st);
        UChar u[64];
        int32_t len = 0;
        if (U_SUCCESS(st)) {
            unum_setAttribute(f, UNUM_MIN_FRACTION_DIGITS, digits);
            unum_setAttribute(f, UNUM_MAX_FRACTION_DIGITS, digits);
            len = unum_formatDouble(f, v, u, 64, NULL, &st);
        }
        int ok = U_SUCCESS(st) && len > 0 && len < 64 && add_u16(b, u, len) == 0;
        unum_close(f);
        if (ok)
            return;
    }
#endif
    (void)lang;
    smz_strbuf_addf(b, "%.*f", digits, v);
}

/* The number of DIGITS digits at S, or -1. */
static int digits_at(const char *s, int digits)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        if (!smz_ascii_digit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

#ifdef __EMSCRIPTEN__
/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar (as
 * timegm counts them natively; Howard Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
#endif

/* Appends S with its no-break and narrow no-break spaces (U+00A0,
 * U+202F) as plain ones.  ICU versions disagree on them in dates: Russian's
 * "1 февраля 2022 г." has U+202F before "г." in Debian's ICU 72 and a plain
 * space in ICU 78 (node's, a browser's); smz serve (native ICU) and the
 * browser reader (the browser's Intl) must give the same bytes. */
static void add_plain_spaces(smz_strbuf *b, const char *s)
{
    while (*s) {
        size_t k = strcspn(s, "\xC2\xE2");
        smz_strbuf_add(b, s, k);
        s += k;
        if (!*s)
            break;
        if (!strncmp(s, "\xC2\xA0", 2) || !strncmp(s, "\xE2\x80\xAF", 3)) {
            smz_strbuf_add(b, " ", 1);
            s += s[0] == '\xC2' ? 2 : 3;
        } else {
            smz_strbuf_add(b, s, 1);
            s++;
        }
    }
}

/* smz__ui_date's work (below) into B, which it leaves empty when the
 * language's form cannot be had. */
static void ui_date_local(smz_strbuf *b, int lang, const char *date);

void smz__ui_date(smz_strbuf *b, int lang, const char *date)
{
    smz_strbuf t;
    smz_strbuf_init(&t, 1024);
    ui_date_local(&t, lang, date);
    if (smz_strbuf_len(&t) && !smz_strbuf_err(&t))
        add_plain_spaces(b, smz_strbuf_str(&t));
    else
        smz__html_add_clean(b, date);
    smz_strbuf_free(&t);
}

static void ui_date_local(smz_strbuf *b, int lang, const char *date)
{
    size_t n = strlen(date);
    int y = n >= 4 ? digits_at(date, 4) : -1;
    int m = n >= 7 && date[4] == '-' ? digits_at(date + 5, 2) : 0;
    int d = n == 10 && date[7] == '-' ? digits_at(date + 8, 2) : 0;
    int whole = y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && n == 10;
#ifndef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && y > 0 &&
        (n == 4 || (n == 7 && m >= 1 && m <= 12) || whole)) {
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = m ? m - 1 : 0,
                        .tm_mday = d ? d : 1,
                        .tm_hour = 12};
        UDate when = (UDate)timegm(&tm) * 1000.0;
        UErrorCode st = U_ZERO_ERROR;
        UChar pat[64], u[128];
        int32_t plen = -1, len = 0;
        UDateFormat *f = NULL;
        if (n == 4) {
            /* A year alone: its number, not a year of another calendar. */
            UNumberFormat *nf = unum_open(UNUM_DECIMAL, NULL, 0, icu_locale[lang], NULL, &st);
            if (U_SUCCESS(st)) {
                unum_setAttribute(nf, UNUM_GROUPING_USED, 0);
                len = unum_formatInt64(nf, y, u, 128, NULL, &st);
            }
            unum_close(nf);
            if (U_SUCCESS(st) && len > 0 && len < 128 && add_u16(b, u, len) == 0)
                return;
            st = U_ZERO_ERROR;
            len = 0;
        } else if (whole) {
            f = udat_open(UDAT_NONE, UDAT_LONG, icu_locale[lang], u"UTC", -1, NULL, 0, &st);
        } else {
            /* A month alone, in the Gregorian calendar (a Persian month
             * would cover parts of two), in the language's own pattern. */
            char loc[48];
            snprintf(loc, sizeof loc, "%s%scalendar=gregorian", icu_locale[lang],
                     strchr(icu_locale[lang], '@') ? ";" : "@");
            UDateTimePatternGenerator *g = udatpg_open(loc, &st);
            plen = U_SUCCESS(st) ? udatpg_getBestPattern(g, u"yMMMM", -1, pat, 64, &st) : 0;
            udatpg_close(g);
            if (U_SUCCESS(st) && plen > 0 && plen < 64)
                f = udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, u"UTC", -1, pat, plen, &st);
        }
        if (f && U_SUCCESS(st))
            len = udat_format(f, when, u, 128, NULL, &st);
        int ok = f && U_SUCCESS(st) && len > 0 && len < 128 && add_u16(b, u, len) == 0;
        if (f)
            udat_close(f);
        if (ok)
            return;
    }
#else
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS && y > 0) {
        double noon = ((double)days_from_civil(y, m ? m : 1, d ? d : 1) * 86400.0 + 43200.0) * 1000.0;
        if ((n == 4 && intl_add(b, 2, lang, y, 0, NULL) == 0) ||
            (n == 7 && m >= 1 && m <= 12 && intl_add(b, 4, lang, noon, 0, NULL) == 0) ||
            (whole && intl_add(b, 3, lang, noon, 0, NULL) == 0))
            return;
    }
#endif
    (void)lang;
    (void)whole;
    smz_strbuf_reset(b);
}

void smz__ui_language_name(smz_strbuf *b, int lang, const char *tag, const char *english)
{
#ifndef __EMSCRIPTEN__
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS) {
        UChar u[128];
        UErrorCode st = U_ZERO_ERROR;
        int32_t len = uloc_getDisplayLanguage(tag, icu_locale[lang], u, 128, &st);
        /* ICU answers the code itself when it has no name for it. */
        if (U_SUCCESS(st) && st != U_USING_DEFAULT_WARNING && len > 0 && len < 128) {
            smz_strbuf t;
            smz_strbuf_init(&t, 512);
            if (add_u16(&t, u, len) == 0 && strcmp(smz_strbuf_str(&t), tag)) {
                smz__html_add_clean(b, smz_strbuf_str(&t));
                smz_strbuf_free(&t);
                return;
            }
            smz_strbuf_free(&t);
        }
    }
#else
    if (lang > SMZ_UI_EN && lang < SMZ_UI_LANGS) {
        smz_strbuf t;
        smz_strbuf_init(&t, 512);
        if (intl_add(&t, 5, lang, 0, 0, tag) == 0 && strcmp(smz_strbuf_str(&t), tag)) {
            smz__html_add_clean(b, smz_strbuf_str(&t));
            smz_strbuf_free(&t);
            return;
        }
        smz_strbuf_free(&t);
    }
#endif
    (void)lang;
    (void)tag;
    smz__html_add_clean(b, english);
}
