# shellcheck shell=bash
# Charsets (issue 20): smz-pack finds each text entry's encoding (a BOM,
# the WARC record's HTTP header, <meta charset>, else uchardet) and records
# it as "; charset=" in the entry's MIME type; search decodes by it (words
# found, snippets in UTF-8), smz serve sends it in Content-Type, smz cat
# gives the bytes as packed, a GBK article renders readable; Chromium shows
# the pages right (screenshots in $SMZ_SCREENSHOTS when set); the browser
# reader's module gives the same answers as smz serve; hostile charset
# names neither crash nor reach a header.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

python3 "$TOP/tests/tools/charset_site.py" site arts site.warc >cases.tsv
check "the pages are made" test -s cases.tsv
"$SMZ_PACK" site -o cs.smz --quiet --index-text 2>pack.err
check "a folder of pages in seven charsets packs" test -s cs.smz
check_eq "... without a warning" "$(cat pack.err)" ""
check "... and passes smz check" "$SMZ" check cs.smz
"$SMZ" ls --long cs.smz >ls.txt
mime_of() { awk -F'\t' -v p="$2" '$1 == p {print $2}' <("$SMZ" ls --long "$1"); }

while IFS=$'\t' read -r cs word phrase; do
    for f in "$cs-meta.html" "$cs-nometa.html" "$cs.txt"; do
        [ -f "site/$f" ] || continue
        type=text/html
        case "$f" in *.txt) type=text/plain ;; esac
        got=$(mime_of cs.smz "$f")
        # A page without a declaration is read by uchardet, which names
        # GBK text by its superset GB18030.
        want="$type; charset=$cs"
        [ "$f" != "gbk-meta.html" ] && [ "$cs" = gbk ] && want="$type; charset=gb18030"
        check_eq "$f is stored as $want" "$got" "$want"
        check "... smz cat gives its bytes as packed" cmp -s <("$SMZ" cat cs.smz "$f") "site/$f"
    done
    "$SMZ" search cs.smz "$word" >"search-$cs.txt"
    for f in "$cs-meta.html" "$cs-nometa.html" "$cs.txt"; do
        [ -f "site/$f" ] || continue
        check_grep "smz search $word finds $f" "^$f" "search-$cs.txt"
    done
    check_grep "... with the snippet in UTF-8 ($phrase)" "$phrase" "search-$cs.txt"
done <cases.tsv
check_eq "the UTF-8 page without a declaration is UTF-8" "$(mime_of cs.smz utf8-nometa.html)" "text/html; charset=utf-8"
check_grep "... its title read right" "^utf8-nometa.html	text/html; charset=utf-8	[0-9]+	Über Zürich$" ls.txt
check_grep "a title in GBK without a declaration is read right" "^gbk-nometa.html	.*	长城$" ls.txt
check_grep "smz info --json lists the types with their charsets" '"text/plain; charset=windows-1251"' \
    <("$SMZ" info --json cs.smz)

# Declarations that name no charset we know: passed over, never followed.
absurd=$(mime_of cs.smz absurd.html)
check "a page whose <meta charset> is unknown or absurd gets a charset of the list" \
    grep -qE '^text/html; charset=[a-z0-9_-]+$' <<<"$absurd"
check_grep "... and is searchable" "^absurd.html" <("$SMZ" search cs.smz zebrafish)

# A WARC whose HTTP headers name the charsets (upper case) of pages that
# declare none: the header's charset, canonical.
"$SMZ_PACK" site.warc -o warc.smz --quiet 2>warc.err
check "the WARC packs" test -s warc.smz
while IFS=$'\t' read -r cs word phrase; do
    [ "$cs" = utf-8 ] && continue
    check_eq "WARC $cs.html takes its header's charset" "$(mime_of warc.smz "$cs.html")" "text/html; charset=$cs"
    check_grep "... and is found by $word" "^$cs.html" <("$SMZ" search warc.smz "$word")
done <cases.tsv

# Articles: a GBK and a windows-1251 text render to readable pages; the
# originals stay byte for byte, typed with their charsets.
"$SMZ_PACK" arts -o arts.smz --quiet 2>arts.err
check_eq "a GBK article's original has its charset" "$(mime_of arts.smz greatwall.txt)" "text/plain; charset=gb18030"
check "... and its bytes" cmp -s <("$SMZ" cat arts.smz greatwall.txt) arts/greatwall.txt
check_grep "... its page is readable" "长城东起山海关，西至嘉峪关" <("$SMZ" cat arts.smz greatwall.html)
check_grep "... titled from the text" "^greatwall.html	text/html; charset=utf-8	[0-9]+	万里长城$" <("$SMZ" ls --long arts.smz)
check_grep "... and found by search" "^greatwall.html" <("$SMZ" search arts.smz 嘉峪关)
check_grep "a windows-1251 article's page is readable" "Красная площадь" <("$SMZ" cat arts.smz moscow.html)

# A hostile archive: charset parameters no reader knows, or made to break
# a header.  The search text falls back to UTF-8 (U+FFFD), nothing crashes,
# no header carries a line break.
cp cs.smz hostile.smz
sqlite3 hostile.smz "UPDATE mimetypes SET name = 'text/html; charset=no-such-thing' WHERE name = 'text/html; charset=big5';
    UPDATE mimetypes SET name = 'text/plain; charset=\"x' || char(13, 10) || 'Set-Cookie: a=b\"' WHERE name = 'text/plain; charset=shift_jis';
    UPDATE mimetypes SET name = 'text/html; charset=../../etc/passwd;charset=' WHERE name = 'text/html; charset=euc-kr';" 2>sql.err
check_eq "(the hostile types are in)" "$(cat sql.err)" ""
"$SMZ" search hostile.smz 博物院 >h1.txt 2>&1
check "a charset no reader knows: search does not crash" test $? -le 1
check_grep "... and reads the page as UTF-8 with U+FFFD" "�" <("$SMZ" search hostile.smz Absurd '博物院 OR zebrafish' 2>&1; "$SMZ" search hostile.smz big5 2>&1; cat h1.txt)
"$SMZ" search hostile.smz 경복궁 >h2.txt 2>&1
check "a charset parameter with a path in it: no crash" test $? -le 1

. "$TOP/tests/browser/serve_common.sh"
start_server srv cs.smz hostile.smz warc.smz arts.smz
check "smz serve starts" test -n "$URL"
ctype() { curl -s -o /dev/null -w '%{content_type}' "$1"; }
check_eq "smz serve sends a GBK page's charset" "$(ctype "${URL}content/cs/gbk-meta.html")" "text/html; charset=gbk"
check_eq "... a detected one's" "$(ctype "${URL}content/cs/windows-1251-nometa.html")" "text/html; charset=windows-1251"
check_eq "... a text's" "$(ctype "${URL}content/cs/shift_jis.txt")" "text/plain; charset=shift_jis"
check_eq "... a UTF-8 page's without a declaration" "$(ctype "${URL}content/cs/utf8-nometa.html")" "text/html; charset=utf-8"
check_eq "... and the WARC's" "$(ctype "${URL}content/warc/euc-kr.html")" "text/html; charset=euc-kr"
check "the bytes served are the bytes packed" cmp -s <(curl -s "${URL}raw/cs/content/big5-nometa.html") site/big5-nometa.html
curl -s -D - -o /dev/null "${URL}content/hostile/shift_jis.txt" | tr -d '\r' >hostile.hdr
check "a type made to break a header is not sent" test "$(grep -ci 'set-cookie' hostile.hdr)" -eq 0
check_grep "... the entry goes out as bytes" "^Content-Type: application/octet-stream$" hostile.hdr
curl -s -D - -o /dev/null "${URL}content/hostile/big5-nometa.html" | tr -d '\r' >hostile2.hdr
check_grep "... an unknown charset is sent as it is stored, on one line" \
    "^Content-Type: text/html; charset=no-such-thing$" hostile2.hdr
check_grep "search over HTTP gives the GBK snippet" "军事防御工程" <(curl -s "${URL}search?content=cs&pattern=%E9%95%BF%E5%9F%8E")
# An untitled text in a legacy charset: the results page derives its title
# from the decoded text, not from its raw bytes (no U+FFFD).
while IFS=$'\t' read -r cs word phrase; do
    [ -f "site/$cs.txt" ] || continue
    q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$word")
    curl -s "${URL}search?content=cs&pattern=$q&pageLength=50" >"res-$cs.html"
    check_grep "results page: $cs.txt is a hit" "$cs.txt" "res-$cs.html"
    check_eq "... and its title has no U+FFFD" "$(grep -c $'\xEF\xBF\xBD' "res-$cs.html")" 0
done <cases.tsv

# Chromium: the pages read right (LOOK at the screenshots).
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    mkdir -p shots
    python3 "$TOP/tests/browser/charset.py" shots \
        gbk-nometa "${URL}content/cs/gbk-nometa.html" "军事防御工程" \
        gbk-meta "${URL}content/cs/gbk-meta.html" "军事防御工程" \
        utf8-nometa "${URL}content/cs/utf8-nometa.html" "Zürich liegt am Zürichsee" \
        shift_jis "${URL}content/cs/shift_jis-nometa.html" "日本で一番高い山" \
        windows-1251-txt "${URL}content/cs/windows-1251.txt" "Красная площадь" \
        gbk-article "${URL}content/arts/greatwall.txt" "嘉峪关" \
        search-gbk "${URL}search?content=cs&pattern=%E9%95%BF%E5%9F%8E" "军事防御工程" >browser.out 2>&1
    check "Chromium ran" test -s browser.out
    cat browser.out
    fails=$((fails + $(grep -c '^not ok' browser.out)))
    [ -n "${SMZ_SCREENSHOTS:-}" ] && mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
else
    echo "ok - browser # SKIP no chromium"
fi

# The browser reader's module answers as smz serve does over these pages.
MOD=$TOP/build-wasm/smz-core.js
if [ -f "$MOD" ] && command -v node >/dev/null; then
    stop_server "$PID"
    # (the module has the message catalogues inside, the server the build's)
    start_server core cs.smz --hostname reader.smz
    : >requests.tsv
    n=0
    while IFS=$'\t' read -r cs word phrase; do
        q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$word")
        printf 'search-%s\tGET\t/search?content=cs&pattern=%s\t\texact\n' "$cs" "$q" >>requests.tsv
        printf 'json-%s\tGET\t/search?content=cs&pattern=%s&format=json\t\texact\n' "$cs" "$q" >>requests.tsv
        for f in "$cs-nometa.html" "$cs.txt"; do
            [ -f "site/$f" ] && printf 'page-%s\tGET\t/content/cs/%s\t\texact\n' "$f" "$f" >>requests.tsv
        done
    done <cases.tsv
    printf 'search-absurd\tGET\t/search?content=cs&pattern=zebrafish\t\texact\n' >>requests.tsv
    mkdir -p want
    while IFS=$'\t' read -r name _ target _; do
        curl -s --http1.1 --path-as-is -i -H 'Host: reader.smz' -H 'User-Agent:' -H 'Accept:' \
            "http://127.0.0.1:$PORT$target" >"want/$name.http"
        n=$((n + 1))
    done <requests.tsv
    check "smz serve answered the module's requests ($n)" test "$(find want -name '*.http' -size +0 | wc -l)" -eq "$n"
    node "$TOP/tests/wasm/core_smoke.js" "$MOD" cs.smz requests.tsv want >core.out 2>&1
    check "the WebAssembly module gives smz serve's answers, snippets included" test $? -eq 0
    grep -v '^ok' core.out | head -5
else
    echo "ok - the module # SKIP build-wasm/smz-core.js or node missing"
fi
done_testing
