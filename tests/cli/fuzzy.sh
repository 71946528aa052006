# shellcheck shell=bash
# "Did you mean" and --fuzzy (issue 20, Tolerance) on the samples, which
# spell one people Uyghur (3 articles), Uighur (2) and Uygur (1, beside
# Uyghur): misspelt words get a correction from the archive's own words, in
# smz search (stderr, --json), on the server's results page and in its
# JSON, and in /suggest; --fuzzy finds every spelling.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

mkdir lib
"$SMZ_PACK" "$TOP/samples" -o lib/s.smz --quiet --title Samples

"$SMZ" search lib/s.smz Olympcs >out 2>err
check_eq "a misspelt word finds nothing (exit 1)" "$?" 1
check_grep "... and stderr says what was meant" '^smz search: did you mean: Olympics$' err
"$SMZ" search lib/s.smz "uyghur olympcs boycot" --json >j.json
check_eq "--json: did_you_mean, in the case typed" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["did_you_mean"])' j.json)" \
    "uyghur olympics boycott"
check_eq "... and each word's alternatives, words as written (not stems)" \
    "$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s>%s" % (w["word"], w["alternatives"][0]["word"]) for w in d["words"]))' j.json)" \
    "uyghur>uighur olympcs>olympics boycot>boycott"
"$SMZ" search lib/s.smz Olympics --json >j2.json
check_grep "a word the archive has: no correction" '"did_you_mean": null' j2.json
"$SMZ" search lib/s.smz "Olympcs boycot" --fuzzy --no-snippets >f.txt
check_eq "--fuzzy searches the corrected words" "$?" 0
check_grep "... and finds the boycott article" '^001_55bbdad625445dff.html' f.txt
"$SMZ" search lib/s.smz Uyghur --no-snippets | grep -c html >n1
"$SMZ" search lib/s.smz Uyghur --fuzzy --no-snippets | grep -c html >n2
check_eq "Uyghur alone finds 3 articles" "$(cat n1)" 3
check_eq "Uyghur --fuzzy finds all 5 (Uighur, Uygur)" "$(cat n2)" 5
check_eq "Uighur --fuzzy finds the same 5" "$("$SMZ" search lib/s.smz Uighur --fuzzy --no-snippets | grep -c html)" 5
check_eq "--no-fuzzy is the default" "$("$SMZ" search lib/s.smz Uighur --no-fuzzy --no-snippets | grep -c html)" 2
"$SMZ" search lib/s.smz "-Olympcs zzzqqq" >/dev/null 2>err
check_fails "an excluded word is not corrected" grep -q Olympics err
"$SMZ" search lib/s.smz "维吾尔 xinjiangg 2022" --json >cjk.json
check_grep "CJK words and numbers stand, the others are corrected" '"did_you_mean": "维吾尔 xinjiang 2022"' cjk.json
"$SMZ" search lib/s.smz '"olympcs boycot"' >/dev/null 2>err
check_grep "a phrase's words are corrected inside its quotes" 'did you mean: "olympics boycott"' err
"$SMZ" search lib/s.smz 'olympcs*' >/dev/null 2>err
check_fails "a prefix being typed is not corrected" grep -q "did you mean" err
"$SMZ_PACK" "$TOP/samples" -o ni.smz --no-index --quiet
"$SMZ" search ni.smz olympcs --fuzzy >/dev/null 2>err
check_eq "--fuzzy on an archive without an index: exit 2" "$?" 2
check_grep "... saying why" 'no search index' err
"$SMZ" search lib/s.smz "$(printf 'abcdefghij %.0s' $(seq 120))" --fuzzy >/dev/null 2>err
check_grep "--fuzzy: an over-long query is refused as without it" 'too long' err

start_server srv lib
check "the server starts" test -n "$URL"
curl -s "${URL}search?content=s&pattern=Olympcs+boycot" >page.html
check_grep "results page: no exact hit, so the corrected query is searched" \
    'Showing results for <a href="[^"]*pattern=Olympics%20boycott[^"]*">Olympics boycott</a>' page.html
check_grep "... and offers the query as typed" 'Search instead for <a href="[^"]*fuzzy=0">Olympcs boycot</a>' page.html
check_grep "... with its results" '001_55bbdad625445dff.html' page.html
curl -s "${URL}search?content=s&pattern=Olympcs+boycot&fuzzy=0" >page0.html
check_grep "fuzzy=0: Did you mean, and no results" 'Did you mean: <a href="[^"]*">Olympics boycott</a>\?' page0.html
check_grep "... No results" 'No results for' page0.html
curl -s "${URL}search?content=s&pattern=%3Cb%3Eolympcs&fuzzy=0" >page1.html
check_fails "the correction is escaped" grep -q '<b>olympics' page1.html
curl -s "${URL}search?content=s&pattern=Olympcs&format=json" >s.json
check_eq "search JSON: did_you_mean and fuzzy" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["did_you_mean"], d["fuzzy"], d["total"] > 0)' s.json)" \
    "Olympics True True"
curl -s "${URL}search?content=s&pattern=Uyghur&format=json&fuzzy=1" >u.json
check_eq "fuzzy=1: Uyghur finds its variants too" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' u.json)" 5
curl -s "${URL}suggest?content=s&term=olympcs" >sg.json
check_eq "/suggest: no title, so did_you_mean" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], d["did_you_mean"])' sg.json)" \
    "0 olympics"
curl -s "${URL}suggest?content=s&term=olymp" >sg2.json
check_fails "... not when a title matches" grep -q did_you_mean sg2.json
if command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null; then
    # The search box's suggestions: no title, so the corrected word, which
    # searches it when picked (screenshot: dym.png).
    python3 - "${URL}search?content=s" "$T/dym.png" >dd.txt 2>dd.err <<'PYEOF'
import sys
sys.path.insert(0, __import__("os").environ["TOP"] + "/tests/browser")
from cdp import Browser
with Browser() as b:
    p = b.new_page(900, 500)
    p.goto(sys.argv[1])
    p.click("input.smz-q")
    p.type("olympcs")
    # The list for the whole word: one for a word typed part way may be
    # there first and be replaced under the click.
    p.wait_for("document.querySelector('.smz-dym') !== null && "
               "document.querySelector('.smz-sugg').textContent.indexOf('olympcs') >= 0")
    print(p.eval("document.querySelector('.smz-sugg').textContent"))
    p.screenshot(sys.argv[2])
    # The page the click leads to, by its load event: a script evaluated
    # while the page navigates can fail with its context gone (seen once
    # in a fresh make test).
    p.mark()
    p.eval("document.querySelector('.smz-dym').click()")
    p.wait_event("Page.loadEventFired")
    print(p.url())
PYEOF
    check_grep "the suggestions offer the corrected word" '^Did you mean “olympics”\?Search for “olympcs”$' dd.txt
    check_grep "... which, picked, searches it" 'search\?content=s&pattern=olympics$' dd.txt
    # The same in Traditional Chinese: the script's words are the catalogue's
    # (the page gives them in data-dym and data-all).
    python3 - "${URL}search?content=s&lang=zh-Hant" >ddtw.txt 2>ddtw.err <<'PYEOF'
import sys
sys.path.insert(0, __import__("os").environ["TOP"] + "/tests/browser")
from cdp import Browser
with Browser() as b:
    p = b.new_page(900, 500)
    p.goto(sys.argv[1])
    p.click("input.smz-q")
    p.type("olympcs")
    # The list for the whole word: one for a word typed part way may be
    # there first and be replaced under the click.
    p.wait_for("document.querySelector('.smz-dym') !== null && "
               "document.querySelector('.smz-sugg').textContent.indexOf('olympcs') >= 0")
    print(p.eval("document.querySelector('.smz-sugg').textContent"))
PYEOF
    check_grep "... in Traditional Chinese from the catalogue" '^您是不是要找「olympics」？搜尋「olympcs」$' ddtw.txt
else
    ok "suggestions in a browser # SKIP no chromium"
fi
stop_server "$PID"
done_testing
