/* The one table of languages and the one date check (lib/text/lang.c,
 * lib/text/date.c): ISO 639-3 and 639-2/B codes to BCP 47 tags, scripts
 * and directions, the metadata Language and Date rules, and each answer on
 * which the copies they replace disagreed (the article pages, the server,
 * the packer and the HTML extractor each had their own list). */
#include <string.h>
#include "check.h"
#include "text/date.h"
#include "text/lang.h"

/* The tag and direction smz__lang_html gives for S, as "tag" or "tag rtl". */
static const char *html(const char *s)
{
    static char out[64];
    char tag[SMZ_LANG_TAG_MAX + 1];
    int rtl = smz__lang_html(s, strlen(s), tag, sizeof tag);
    if (rtl < 0)
        return "(ill-formed)";
    snprintf(out, sizeof out, "%s%s", tag, rtl ? " rtl" : "");
    return out;
}

int main(void)
{
    static const struct {
        const char *code, *want;
    } map[] = {
        /* the languages our readers read, by ISO 639-3 and 639-2/B code */
        {"eng", "en"},
        {"zho", "zh"},
        {"chi", "zh"},
        {"zho-Hans", "zh-Hans"},
        {"zho-Hant", "zh-Hant"},
        {"uig", "ug rtl"},
        {"bod", "bo"},
        {"tib", "bo"},
        {"fas", "fa rtl"},
        {"per", "fa rtl"},
        {"ara", "ar rtl"},
        {"heb", "he rtl"},
        {"urd", "ur rtl"},
        {"pus", "ps rtl"},
        {"snd", "sd rtl"},
        {"ckb", "ckb rtl"},
        {"yid", "yi rtl"},
        {"div", "dv rtl"},
        {"rus", "ru"},
        {"tur", "tr"},
        {"vie", "vi"},
        {"mya", "my"},
        {"bur", "my"},
        {"spa", "es"},
        {"fra", "fr"},
        {"fre", "fr"},
        {"deu", "de"},
        {"ger", "de"},
        {"jpn", "ja"},
        {"kor", "ko"},
        {"kaz", "kk"},
        {"mon", "mn"},
        {"tha", "th"},
        {"hin", "hi"},
        {"syr", "syr rtl"},
        {"nqo", "nqo rtl"},
        /* two-letter tags and other cases pass through the same table */
        {"en", "en"},
        {"ar", "ar rtl"},
        {"ENG", "en"},
        {"fa-IR", "fa-IR rtl"},
        {"en-GB", "en-GB"},
        {"xyz", "xyz"},
        {"x-private", "x-private"},
        /* a script subtag decides the direction */
        {"pa-Arab", "pa-Arab rtl"},
        {"az-Arab", "az-Arab rtl"},
        {"sd-Deva", "sd-Deva"},
        {"uig-Latn", "ug-Latn"},
        {"heb-Latn", "he-Latn"},
        {"de-1996", "de-1996"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        CHECK(!strcmp(html(map[i].code), map[i].want), "%s gives lang=\"%s\" (got %s)", map[i].code,
              map[i].want, html(map[i].code));

    /* What the copies disagreed on, and the table's answer. */
    CHECK(!strcmp(html("bod"), "bo") && !strcmp(smz__lang_name("bo"), "Tibetan"),
          "bod is bo (Tibetan) everywhere: the server said lang=\"bod\" and showed \"bod\"");
    CHECK(!strcmp(html("kas"), "ks rtl") && !strcmp(html("ks"), "ks rtl"),
          "Kashmiri runs right to left: the server had kas as lang=\"kas\" left to right");
    CHECK(!strcmp(html("iw"), "he rtl") && !strcmp(html("ji"), "yi rtl"),
          "the retired tags iw and ji are he and yi (the article pages kept iw)");
    CHECK(!strcmp(html("prs"), "prs rtl") && !strcmp(smz__lang_name("prs"), "Dari"),
          "Dari is prs (the server said fa)");
    CHECK(!strcmp(html("kir"), "ky") && !strcmp(html("uzb"), "uz") && !strcmp(html("tam"), "ta") &&
              !strcmp(html("tel"), "te"),
          "kir uzb tam tel get their two-letter tags (the server kept the three letters)");
    CHECK(!strcmp(html("arz"), "arz rtl") && !strcmp(html("mzn"), "mzn rtl") &&
              !strcmp(html("azb"), "azb rtl"),
          "Egyptian Arabic, Mazanderani and South Azerbaijani run right to left everywhere");
    CHECK(
        smz_lang_english("eng") && smz_lang_english("en") && smz_lang_english("en-GB") &&
            smz_lang_english("eng-GB") && smz_lang_english("ENG"),
        "English is eng, en, and either with subtags (the packer did not stem eng-GB; article pages did)");
    CHECK(!smz_lang_english("eng,fra") && !smz_lang_english("fra") && !smz_lang_english("") &&
              !smz_lang_english("engl") && !smz_lang_english("en-"),
          "... and nothing else: not a list, not French, not an ill-formed tag");

    /* Names for the library page. */
    CHECK(!strcmp(smz__lang_name("en"), "English") && !strcmp(smz__lang_name("zh-Hant"), "Chinese") &&
              !strcmp(smz__lang_name("ug"), "Uyghur") && !strcmp(smz__lang_name("fas"), "Persian") &&
              !strcmp(smz__lang_name("my"), "Burmese") && smz__lang_name("xyz") == NULL &&
              smz__lang_name("") == NULL,
          "language names, by any code, NULL for unknown codes");
    const smz_lang *l = smz__lang_find("tib", 3);
    CHECK(l && !strcmp(l->iso3, "bod") && !strcmp(l->tag, "bo") && !strcmp(l->script, "Tibt"),
          "the table row: tib is bod, bo, Tibetan script");
    CHECK(smz__lang_find("engx", 3) && !smz__lang_find("e", 1) && !smz__lang_find("", 0),
          "lookups read only the span they are given");

    /* ZIM's Language: ISO 639-3 codes, each once, no subtags. */
    smz_strbuf zb;
    smz_strbuf_init(&zb, 256);
    CHECK(smz__lang_list_iso3("en-US, zho-Hant,EN,ug,Xyz,q", &zb) == SMZ_OK &&
              !strcmp(smz_strbuf_str(&zb), "eng,zho,uig,xyz"),
          "a Language list as ISO 639-3 codes for a ZIM (%s)", smz_strbuf_str(&zb));
    smz_strbuf_free(&zb);

    /* Ill-formed tags: no lang="" at all. */
    static const char *bad[] = {"",
                                "e-",
                                "-en",
                                "en--US",
                                "en-",
                                "en_US",
                                "en US",
                                "1en",
                                "en-abcdefghi",
                                "en\"><script>",
                                "abcdefghijklmnopqrstuvwxyz-abcdefghij"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!smz__lang_tag_ok(bad[i], strlen(bad[i])) &&
                  smz__lang_html(bad[i], strlen(bad[i]), (char[40]){0}, 40) < 0,
              "\"%s\" is not a language tag", bad[i]);
    char small[8] = "x";
    CHECK(smz__lang_html("en", 2, small, sizeof small) < 0 && !small[0],
          "a short buffer gets \"\", not an overflow");
    CHECK(smz__lang_script_rtl("arab", 4) && smz__lang_script_rtl("Hebr", 4) &&
              smz__lang_script_rtl("Thaa", 4) && !smz__lang_script_rtl("Latn", 4) &&
              !smz__lang_script_rtl("Arabic", 6),
          "right-to-left scripts, any case");

    /* The metadata Language rule (docs/FORMAT.md) is unchanged. */
    CHECK(smz__lang_list_ok("eng") && smz__lang_list_ok("en") && smz__lang_list_ok("eng,fra") &&
              smz__lang_list_ok("zho-Hant") && smz__lang_list_ok("bod,zho-Hans,eng"),
          "Language: ISO 639 codes with BCP 47 subtags, comma-separated");
    CHECK(!smz__lang_list_ok("english") && !smz__lang_list_ok("eng,") && !smz__lang_list_ok("ENG") &&
              !smz__lang_list_ok("e") && !smz__lang_list_ok("eng fra") && !smz__lang_list_ok("eng-") &&
              !smz__lang_list_ok("eng-abcdefghi") && !smz__lang_list_ok(",eng"),
          "Language: refuses words, empty items, capitals, bad subtags");

    /* Dates: one check for the metadata, the Articles file and the pages. */
    CHECK(smz__date_ok("2024-02-29") && smz__date_ok("2000-02-29") && smz__date_ok("9999-12-31") &&
              smz__date_ok("0001-01-01"),
          "Date: real days, leap days included");
    CHECK(!smz__date_ok("2023-02-29") && !smz__date_ok("1900-02-29") && !smz__date_ok("2024-04-31") &&
              !smz__date_ok("2024-13-01") && !smz__date_ok("0000-01-01") &&
              !smz__date_ok("2024-00-10") && !smz__date_ok("2024-1-01") &&
              !smz__date_ok("2024-01-01x") && !smz__date_ok("2024/01/01") && !smz__date_ok("") &&
              !smz__date_ok("+024-01-01"),
          "Date: no false days, no other shapes");
    CHECK(smz__date_ok("0999-05-01"),
          "Date: a year before 1000 is a date (the article pages refused what the metadata accepted)");
    char d[11];
    CHECK(smz__date_write(d, 2022, 1, 7) && !strcmp(d, "2022-01-07") &&
              smz__date_write(d, 999, 12, 31) && !strcmp(d, "0999-12-31"),
          "dates are written YYYY-MM-DD");
    CHECK(!smz__date_write(d, 2023, 2, 29) && !d[0] && !smz__date_write(d, 10000, 1, 1) && !d[0] &&
              !smz__date_write(d, 2022, 0, 1) && !d[0],
          "... and a false one is written as \"\"");
    int64_t days = 1;
    CHECK(smz__date_days("1970-01-01", &days) && days == 0, "1970-01-01 is day 0");
    CHECK(smz__date_days("1969-12-31", &days) && days == -1 && smz__date_days("2000-03-01", &days) &&
              days == 11017 && smz__date_days("2024-02-29", &days) && days == 19782 &&
              smz__date_days("2022-02-01", &days) && days == 19024,
          "days since 1970, across leap days and before 1970 (as Python's datetime.date counts)");
    CHECK(smz__date_days("0001-01-01", &days) && days == -719162 &&
              smz__date_days("9999-12-31", &days) && days == 2932896,
          "... from the first to the last date the format allows");
    days = 7;
    CHECK(!smz__date_days("2023-02-29", &days) && !smz__date_days("2022-13-01", &days) &&
              !smz__date_days("", &days) && days == 7,
          "... and none for what is not a date");
    return CHECK_DONE();
}
