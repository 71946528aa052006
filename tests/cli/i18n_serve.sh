# shellcheck shell=bash
# The reader speaks its reader's language (issue 21), against the real
# server on 127.0.0.1: a table of Accept-Language headers and the language
# each must give (q-values, region and script fallbacks: zh-TW and zh-Hant
# are Traditional, zh and zh-CN Simplified); ?lang= overrides it and our
# links keep it; the language menu is plain links; --language sets the
# default; right-to-left languages mirror the page (dir="rtl"); archive
# titles are isolated (<bdi>); numbers and dates follow the language (ICU);
# the generated index page of an archive uses the archive's Language; and
# a hostile catalogue (markup and stray % directives in its translations)
# comes out escaped and harmless.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

cp -r "$TOP/samples" s
check "the samples pack" "$SMZ_PACK" s -o samples.smz --quiet
start_server main samples.smz
check "smz serve starts" test -n "$URL"

# lang_of HEADER: the lang of <html> for a request with that Accept-Language
lang_of() {
    curl -s -H "Accept-Language: $1" "$URL" | sed -n 's/.*<html lang="\([^"]*\)" dir="\([a-z]*\)".*/\1 \2/p' | head -1
}
while IFS='|' read -r header want; do
    check_eq "Accept-Language '$header' gives $want" "$(lang_of "$header")" "$want"
done <<'TABLE'
|en ltr
en-US,en;q=0.9|en ltr
zh-CN,zh;q=0.9|zh-Hans ltr
zh|zh-Hans ltr
zh-SG|zh-Hans ltr
zh-Hans-CN|zh-Hans ltr
zh-TW|zh-Hant ltr
zh-HK,en;q=0.5|zh-Hant ltr
zh-Hant|zh-Hant ltr
zh-MO|zh-Hant ltr
ru-RU,ru;q=0.9,en-US;q=0.8|ru ltr
ug-CN|ug rtl
bo|bo ltr
fa-IR,fa;q=0.9|fa rtl
ar-EG|ar rtl
tr-TR|tr ltr
vi|vi ltr
my-MM|my ltr
es-419,es;q=0.8|es ltr
fr-CA,fr;q=0.9,en;q=0.8|fr ltr
de-DE,fr;q=0.7|fr ltr
en;q=0.5,ru;q=0.8|ru ltr
fr;q=0,ru|ru ltr
ja,ko;q=0.9|en ltr
*|en ltr
ru;q=bogus,fa;q=0.3|fa rtl
,,;;q=1,  es  ;  q=0.2|es ltr
TABLE

curl -s -H 'Accept-Language: ru' "$URL" >ru.html
check_grep "the library in Russian: its heading" '<h1>Библиотека</h1>' ru.html
check_grep "... a count with Russian plural forms" '[0-9] (архив|архива|архивов) &middot;' ru.html
check_grep "... a language's name in Russian (ICU)" 'title="Архивы на этом языке">английский</a>' ru.html
check_grep "... the answer varies by Accept-Language" '^Vary: Accept-Language' <(curl -s -D - -o /dev/null -H 'Accept-Language: ru' "$URL")
curl -s "$URL?lang=fa" >fa.html
check_grep "?lang=fa: Persian, right to left" '<html lang="fa" dir="rtl">' fa.html
check_grep "... the bar mirrors too" 'id="smz-bar" class="smz-bar" dir="rtl" lang="fa"' fa.html
check_grep "... Persian digits for a count (ICU)" 'class="smz-total">۱ بایگانی' fa.html
check_grep "... a Persian calendar date (ICU), in Persian digits" '<time datetime="[0-9-]+">[^<0-9]*۱[^<0-9]*</time>' fa.html
check_grep "... an archive title isolated in the bar's search box and cards" '<h2 lang="en" dir="auto">' fa.html
check_grep "... ?lang= kept by the links: home" 'class="smz-home" href="/\?lang=fa"' fa.html
check_grep "... the random link" 'href="/random\?lang=fa"' fa.html
check_grep "... the search form" '<input type="hidden" name="lang" value="fa">' fa.html
check_grep "... an archive's Open link" 'href="/content/samples/\?lang=fa">باز کردن' fa.html
check_grep "the language menu: a link per language, no script" '<details class="smz-langs"><summary title="زبان">' fa.html
for tag in en zh-Hans zh-Hant ug bo fa ar ru tr vi my es fr; do
    check_grep "... $tag in the menu" "hreflang=\"$tag\" href=\"/\\?lang=$tag\"" fa.html
done
curl -s -H 'Accept-Language: ru' "$URL?lang=zh-Hant" >tw.html
check_grep "?lang= wins over Accept-Language" '<html lang="zh-Hant"' tw.html
curl -s "$URL?lang=xx-bogus" >bogus.html
check_grep "an unknown ?lang= is ignored" '<html lang="en" dir="ltr">' bogus.html

curl -s -H 'Accept-Language: zh-CN' "${URL}search?pattern=olympics&lang=zh-Hans" >search.html
check_grep "search results in Simplified Chinese" '的结果：第 1–[0-9]+ 条' search.html
check_grep "... the menu keeps the query" 'href="/search\?pattern=olympics&amp;lang=ru"' search.html
curl -s -H 'Accept-Language: zh-TW' "${URL}content/samples/nothing-here" >404.html
check_grep "a 404 in Traditional Chinese" '<h1>找不到</h1>' 404.html
# The bar in an archived page: the same language menu, its links relative
# (one bar for every page of the archive), its text ASCII references (the
# page may be in any charset).
ART=$("$SMZ" ls samples.smz | grep '\.html$' | grep -v '^index' | head -1)
curl -s -H 'Accept-Language: ru' "${URL}content/samples/$ART" >art.html
check_grep "an archived page's bar has the language menu" '<details class="smz-langs"><summary title="&#x42F;&#x437;&#x44B;&#x43A;">' art.html
check_grep "... a link per language, to this page" '<a lang="fa" dir="rtl" hreflang="fa" href="\?lang=fa">&#x641;' art.html
check_grep "... the current one marked" 'href="\?lang=ru" aria-current="true">' art.html
curl -s "${URL}content/samples/$ART?lang=fa" >art-fa.html
check_grep "... which gives the page with the bar in Persian" 'id="smz-bar" class="smz-bar smz-inj" dir="rtl" lang="fa"' art-fa.html
curl -s -H 'Accept-Language: ar' "${URL}catalog/v2/root.xml" >root.xml
check_grep "an OPDS title for people in Arabic" '<title>مكتبة Samizdat</title>' root.xml
check "... still well-formed XML" xmllint --noout root.xml
stop_server "$PID"

start_server def samples.smz --language ru
check_grep "--language ru: the default when the browser asks for none of ours" '<html lang="ru"' <(curl -s -H 'Accept-Language: ja' "$URL")
check_grep "... a browser's own choice still wins" '<html lang="es"' <(curl -s -H 'Accept-Language: es' "$URL")
stop_server "$PID"
check_fails "--language with a language we do not have is refused" "$SMZ" serve samples.smz --language xx --port 0

# The generated index page uses the archive's Language, decided at pack
# time: the same folder packed as Russian and as Simplified Chinese.
mkdir -p gen
printf 'A first note\n\nIt was written on 2 February 2022 in the morning.\n' >gen/one.txt
printf 'A second note\n\nAnother day.\n' >gen/two.txt
check "a Russian collection packs" "$SMZ_PACK" gen -o ru.smz --language rus --quiet
check "... twice, byte for byte the same" "$SMZ_PACK" gen -o ru2.smz --language rus --quiet
check "... (deterministic)" cmp -s <("$SMZ" cat ru.smz index.html) <("$SMZ" cat ru2.smz index.html)
"$SMZ" cat ru.smz index.html >ru-index.html
check_grep "the index page counts in Russian" '<p class="meta">2 статьи</p>' ru-index.html
check "a Chinese collection packs" "$SMZ_PACK" gen -o zh.smz --language zho --quiet
"$SMZ" cat zh.smz index.html >zh-index.html
check_grep "... its index page counts in Chinese" '<p class="meta">共 2 篇文章</p>' zh-index.html
check "an English collection packs" "$SMZ_PACK" gen -o en.smz --language eng --quiet
check_grep "... its index page stays English" '<p class="meta">2 articles</p>' <("$SMZ" cat en.smz index.html)

# A hostile catalogue: markup and printf directives in translations.
mkdir -p loc/C/LC_MESSAGES
cat >hostile.po <<'PO'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

msgid "Library"
msgstr "<script>alert(1)</script>Lib\"rary"

msgid "%s archive"
msgid_plural "%s archives"
msgstr[0] "<b>%s</b> %n%n%s%s%s"
msgstr[1] "<b>%s</b> %n%n%s%s%s"
msgstr[2] "<b>%s</b> %n%n%s%s%s"

msgid "Search all archives"
msgstr "\"><img src=x onerror=alert(2)>"
PO
# Its entries are not marked c-format: msgfmt compiles them as they are.
check "the hostile catalogue compiles" msgfmt -o loc/C/LC_MESSAGES/samizdat-ru.mo hostile.po
SMZ_LOCALEDIR=$T/loc start_server hostile samples.smz
curl -s -H 'Accept-Language: ru' "$URL" >hostile.html
check_grep "the hostile catalogue is used" 'alert\(1\)' hostile.html
check_fails "... its <script> does not come out as markup" grep -q '<script>alert' hostile.html
check_grep "... but escaped" '&lt;script&gt;alert\(1\)&lt;/script&gt;Lib&quot;rary' hostile.html
check_fails "... nor its <img>" grep -q '<img src=x' hostile.html
check_grep "... the count's directives are text, not formats" '&lt;b&gt;1&lt;/b&gt; %n%n' hostile.html
check "... and the server is still up" curl -sf -o /dev/null "$URL"
stop_server "$PID"
done_testing
