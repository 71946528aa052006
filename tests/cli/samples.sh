# shellcheck shell=bash
# The sample collection and what a collection without a main page gets
# (issue: packer inputs): the metadata file (samizdat.json, --metadata), the
# generated index page (every page, newest first, escaped), the default
# illustration, collections that keep their own main page, hostile metadata
# files, determinism, and the front page `smz serve` shows.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
S=$TOP/samples
meta() { "$SMZ" info --json "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["metadata"].get(sys.argv[1], ""))' "$2"; }
# index_rows ARCHIVE [PAGE]: "path<TAB>title<TAB>date" for each link of the
# index page's list, in order, HTML entities decoded.
index_rows() {
    "$SMZ" cat "$1" "${2:-index.html}" | python3 -c '
import html.parser, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.rows = []; s.inlist = False; s.where = None
    def handle_starttag(s, t, a):
        a = dict(a)
        if t == "ul" and a.get("class") == "index": s.inlist = True
        elif s.inlist and t == "a": s.rows.append([urllib.parse.unquote(a["href"]), "", ""]); s.where = 1
        elif s.inlist and t == "time": s.rows[-1][2] = a["datetime"]
    def handle_endtag(s, t):
        if t == "a": s.where = None
        if t == "ul": s.inlist = False
    def handle_data(s, d):
        if s.where: s.rows[-1][s.where] += d
p = P(); p.feed(sys.stdin.read())
for r in p.rows: print("\t".join(r))'
}

# --- the sample collection ---
"$SMZ_PACK" "$S" -o s.smz --quiet 2>pack.err
check "samples/ packs" test -s s.smz
check_eq "without a warning" "$(cat pack.err)" ""
check "smz check passes" "$SMZ" check s.smz
check_eq "MainPage is the generated index page" "$(meta s.smz MainPage)" "index.html"
python3 - "$S/samizdat.json" > want_meta.tsv <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("Title", "Description", "Language", "Creator", "Publisher"):
    print(f"{k}\t{d[k]}")
print("Tags\t" + ";".join(d["Tags"]))
PY
while IFS=$'\t' read -r k v; do
    check_eq "$k from samizdat.json is in smz info --json" "$(meta s.smz "$k")" "$v"
done < want_meta.tsv
check_eq "the Language is eng" "$(meta s.smz Language)" "eng"
check "the default illustration is set" sh -c "\"$SMZ\" info --json s.smz | grep -q '\"has_illustration\": true'"
check_fails "samizdat.json itself is not an entry" sh -c "\"$SMZ\" ls s.smz | grep -q samizdat"

"$SMZ" ls --long s.smz | awk -F'\t' '$2 ~ /^text\/html(;|$)/ && $1 != "index.html" { print $1 "\t" $4 }' | sort > ls.tsv
index_rows s.smz > rows.tsv
check_eq "the index lists all five articles" "$(wc -l < rows.tsv)" "5"
check_eq "... each once, with the titles smz ls --long shows" "$(cut -f1,2 rows.tsv | sort)" "$(cat ls.tsv)"
check_eq "... newest first, by the dates samizdat.json gives" "$(cut -f1,3 rows.tsv)" "$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["Articles"]
for p, d in sorted(a.items(), key=lambda x: x[1]["Date"], reverse=True): print(p[:-4] + ".html\t" + d["Date"])' "$S/samizdat.json")"
# shellcheck disable=SC2094 # the first index.html is a path inside s.smz
"$SMZ" cat s.smz index.html > index.html
check_grep "the index shows the collection's title" "<h1>Human Rights in China: News</h1>" index.html
check_grep "... and its description" '<p class="lede">Reports from 2020' index.html
check_grep "... in English" '<html lang="en">' index.html
check_grep "... follows the system's dark mode" "prefers-color-scheme:dark" index.html
check_grep "... fits a phone" 'name="viewport"' index.html
check_fails "... loads nothing from elsewhere and runs no script" grep -qiE '<script|src=|https?://|@import' index.html
check_grep "an article shows its date" '<time datetime="2022-02-01">1 February 2022</time>' \
    <("$SMZ" cat s.smz 004_7d913e758a3f6ed5.html)
bad=0
while IFS=$'\t' read -r p _; do
    "$SMZ" cat s.smz "$p" | grep -q '<nav class="home"><a href="index.html">.*Human Rights in China: News</a></nav>' || bad=$((bad + 1))
done < rows.tsv
check_eq "every article links back to the index" "$bad" "0"

# --- determinism ---
mkdir -p d2 d3   # the same file name: Name defaults to it
"$SMZ_PACK" "$S" -o d2/s.smz --quiet 2>/dev/null
"$SMZ_PACK" "$S" -o d3/s.smz --quiet --threads 1 2>/dev/null
check "packing twice gives byte-identical archives" cmp -s s.smz d2/s.smz
check "... on one thread too" cmp -s s.smz d3/s.smz
mkdir -p d4 && cp -r "$S" d4/samples && touch -d '2001-01-01' d4/samples/*.txt
"$SMZ_PACK" d4/samples -o d4/s.smz --quiet 2>/dev/null
check "... whatever the file times (samizdat.json dates every article)" cmp -s s.smz d4/s.smz

# --- dates from file times when nothing says otherwise; else titles ---
mkdir -p m && cp "$S"/*.txt m/
i=0
for f in 002 000 004 001 003; do
    i=$((i + 1)); touch -d "2020-0$i-15 12:00 UTC" m/${f}_*.txt
done
"$SMZ_PACK" m -o m.smz --quiet --title "By mtime" 2>/dev/null
check_eq "without metadata, newest file first" "$(index_rows m.smz | cut -f1 | cut -c1-3 | tr '\n' ' ')" "003 001 004 000 002 "
check_eq "... dated by the file time" "$(index_rows m.smz | head -1 | cut -f3)" "2020-05-15"
mkdir -p h/sub
printf '<title>zebra</title>z' > h/a.html
printf '<title>Apple</title>a' > h/c.html
printf '<title>mango</title>m' > h/sub/b.html
printf 'not a page' > h/data.bin
"$SMZ_PACK" h -o h.smz --quiet 2>/dev/null
check_eq "an HTML site without index.html gets one" "$(meta h.smz MainPage)" "index.html"
check_eq "... listing its pages by title when undated" "$(index_rows h.smz | cut -f1,2 | tr '\t\n' ': ')" "c.html:Apple sub/b.html:mango a.html:zebra "
check_eq "... titled Index without a title" "$("$SMZ" ls --long h.smz | awk -F'\t' '$1 == "index.html" { print $4 }')" "Index"
mkdir -p empty && printf 'x' > empty/data.bin
"$SMZ_PACK" empty -o empty.smz --quiet 2>/dev/null
check_eq "a collection without pages gets no index page" "$("$SMZ" ls empty.smz)" "data.bin"

# --- a collection with a main page keeps it ---
mkdir -p own && printf '<title>Home</title>my own home' > own/index.html && printf 'An article.\n' > own/a.txt
"$SMZ_PACK" own -o own.smz --quiet --articles 2>/dev/null
check_eq "a collection with index.html keeps it as its main page" "$(meta own.smz MainPage)" "index.html"
check "... unchanged" sh -c "\"$SMZ\" cat own.smz index.html | cmp -s - own/index.html"
mkdir -p htm && printf '<title>Home</title>home' > htm/index.htm && printf 'An article.\n' > htm/a.txt
"$SMZ_PACK" htm -o htm.smz --quiet --articles 2>/dev/null
check_eq "index.htm is a main page too" "$(meta htm.smz MainPage)" "index.htm"
check_grep "... and the articles' link to index.html leads there" "^index.html	-> index.htm" <("$SMZ" ls --long htm.smz)
"$SMZ_PACK" "$S" -o mp.smz --quiet --main-page 001_55bbdad625445dff.html 2>/dev/null
check_eq "--main-page wins" "$(meta mp.smz MainPage)" "001_55bbdad625445dff.html"
check_fails "... and no index page is made" sh -c "\"$SMZ\" ls mp.smz | grep -qx index.html"
check_grep "... articles link to it instead" 'href="001_55bbdad625445dff.html"' <("$SMZ" cat mp.smz 000_ba2cec2ef95cd541.html)

# --- --metadata FILE and the command line ---
printf '{"Title": "From a file", "Description": "D <b>&amp;</b>", "Name": "other", "Date": "2001-02-03"}' > other.json
"$SMZ_PACK" "$S" -o o.smz --quiet --metadata other.json --title "From the command line" 2>/dev/null
check_eq "the command line wins over a metadata file" "$(meta o.smz Title)" "From the command line"
check_eq "--metadata wins over samizdat.json" "$(meta o.smz Description)" "D <b>&amp;</b>"
check_eq "... and adds what it has" "$(meta o.smz Name)/$(meta o.smz Date)" "other/2001-02-03"
check_eq "... samizdat.json still gives the rest" "$(meta o.smz Creator)" "Various news and advocacy sites"
check_grep "the index page escapes the description" '<p class="lede">D &lt;b&gt;&amp;amp;&lt;/b&gt;</p>' <("$SMZ" cat o.smz index.html)
mkdir -p inside && cp "$S/000_ba2cec2ef95cd541.txt" inside/ && printf '{"Title": "Inside"}' > inside/meta.json
"$SMZ_PACK" inside -o inside.smz --quiet --metadata inside/meta.json 2>/dev/null
check_eq "a --metadata file inside the source is not packed" "$("$SMZ" ls inside.smz | grep -c meta.json)" "0"

# --- HTML special characters ---
mkdir -p x
printf -- '---\ntitle: <script>alert(1)</script> Tom & "Jerry"\ndate: 2023-03-03\n---\nBody.\n' > x/evil.txt
printf 'Plain article.\n' > x/plain.txt
printf '{"Title": "<script>alert(2)</script>", "Articles": {"plain.txt": {"Title": "<img src=x onerror=alert(3)>"}}}' > x/samizdat.json
"$SMZ_PACK" x -o x.smz --quiet 2>/dev/null
"$SMZ" cat x.smz index.html > x.html
check_grep "an article title with <script> comes out escaped in the index page" \
    '>&lt;script&gt;alert\(1\)&lt;/script&gt; Tom &amp; &quot;Jerry&quot;</a>' x.html
check_grep "... and so does a title from samizdat.json" '<h1>&lt;script&gt;alert\(2\)&lt;/script&gt;</h1>' x.html
check_grep "... and an article's title from its Articles" '>&lt;img src=x onerror=alert\(3\)&gt;</a>' x.html
check_fails "no raw tag from the collection reaches the page" grep -qE '<script|<img' x.html
check_eq "the given title is the entry's title" "$("$SMZ" ls --long x.smz | awk -F'\t' '$1 == "plain.html" { print $4 }')" \
    "<img src=x onerror=alert(3)>"

# --- right to left ---
"$SMZ_PACK" m -o ar.smz --quiet --language ara 2>/dev/null
check_grep "an Arabic collection's index runs right to left" '<html lang="ar" dir="rtl">' <("$SMZ" cat ar.smz index.html)
check_grep "... and so do its articles" '<html lang="ar" dir="rtl">' <("$SMZ" cat ar.smz 000_ba2cec2ef95cd541.html)

# --- one table of languages (lib/text/lang.c): the packer's English is the
# article pages' English, eng-GB included (the packer did not stem it) ---
mkdir -p gb && printf 'Water\n\nThe river runs to the sea.\n' >gb/a.txt
"$SMZ_PACK" gb -o gb.smz --quiet --language eng-GB 2>/dev/null
check_grep "an eng-GB collection is searched as English: 'running' finds 'runs'" '^a.html' <("$SMZ" search gb.smz running)

# --- hostile metadata files: a clear error (or a warning), never a crash ---
mkdir -p hm && printf 'Some article.\n' > hm/a.txt
hostile() { # NAME WANT (in stderr) then the file's bytes on stdin
    cat > hm/samizdat.json
    rm -f hm.smz
    timeout 60 "$SMZ_PACK" hm -o hm.smz --quiet 2>hm.err; rc=$?
    if [ $rc -ne 2 ]; then bad "$1: exit status $rc (want 2: an error, smz(1) EXIT STATUS): $(head -c 300 hm.err)"
    elif ! grep -qF -- "$2" hm.err; then bad "$1: [$(head -c 300 hm.err)] lacks [$2]"
    elif [ -e hm.smz ]; then bad "$1: an archive was written"
    else ok "$1: $2"; fi
}
printf '{"Title": ' | hostile "truncated JSON" "samizdat.json: not valid JSON"
printf '{"Title": "a",}' | hostile "a trailing comma" "not valid JSON"
printf '["Title"]' | hostile "an array" "must hold one JSON object"
printf '"just a string"' | hostile "a string" "must hold one JSON object"
printf '{"Title": 5}' | hostile "a number for a string" "Title must be a string, not integer"
printf '{"Title": {"x": 1}}' | hostile "an object for a string" "Title must be a string, not object"
printf '{"Description": null}' | hostile "null" "Description must be a string, not null"
printf '{"Title": ""}' | hostile "an empty value" "Title is empty"
printf '{"Title": "a\\nb"}' | hostile "a newline" "Title must be one line without control characters"
printf '{"Title": "a\\u0000b"}' | hostile "an escaped NUL" "u0000"
printf '{"Title": "a\\ud800b"}' | hostile "a lone surrogate" "Title is not valid UTF-8 text"
printf '{"Title": "\xff\xfe"}' | hostile "invalid UTF-8" "not UTF-8 text"
printf '\xff\xfe{\x00"\x00}\x00' | hostile "UTF-16" "not UTF-8 text"
printf '{"Title": "a", "title": "b"}' | hostile "a key given twice" "Title is given twice"
python3 -c 'print("{\"Title\": \"" + "x" * 5000 + "\"}")' | hostile "a huge value" "Title is over 4096 bytes"
python3 -c 'print("{\"Tags\": [" + ",".join(["\"tag\""] * 2000) + "]}")' | hostile "too many tags" "Tags are over 4096 bytes"
python3 -c 'print("{\"x\": \"" + "y" * 1100000 + "\"}")' | hostile "a file over 1 MiB" "over 1048576 bytes"
python3 -c 'print("[" * 200000 + "]" * 200000)' | hostile "deep nesting" "not valid JSON"
printf '{"Language": "English"}' | hostile "a bad language" "Language must be ISO 639-3 codes"
printf '{"Date": "2021-02-29"}' | hostile "an impossible date" "Date must be a real date"
printf '{"Name": "../../x"}' | hostile "a bad name" "Name must be"
printf '{"MainPage": "/etc/passwd"}' | hostile "a bad main page" "MainPage is not a valid entry path"
printf '{"Tags": [1, 2]}' | hostile "tags of the wrong type" "Tags must be a string or an array of strings"
printf '{"Articles": ["a.txt"]}' | hostile "Articles not an object" "Articles must be an object"
printf '{"Articles": {"../a.txt": {"Date": "2020-01-01"}}}' | hostile "an article path with .." "is not a valid path"
printf '{"Articles": {"a.txt": {"Date": 2020}}}' | hostile "an article date of the wrong type" "Date must be a string"
printf '{"Articles": {"a.txt": {"Date": "yesterday"}}}' | hostile "an article date not a date" "Date must be a real date"
printf '{"Articles": {"a.txt": "2020-01-01"}}' | hostile "an article not an object" "must be an object with Title and/or Date"
printf '{"MainPage": "nope.html"}' | hostile "a main page not in the source" "main page nope.html: no such entry"
printf '{"Title": "ok", "\\u001b[31mColour": 1, "Articles": {"a.txt": {"Tilte": "x"}, "gone.txt": {"Date": "2020-01-01"}}}' \
    > hm/samizdat.json
"$SMZ_PACK" hm -o hm.smz --quiet 2>hm.err
check "unknown keys are only warnings" test -s hm.smz
check_grep "... each named" 'unknown key "\?\[31mColour" ignored' hm.err
check_grep "... inside Articles too" 'Articles: "a.txt": unknown key "Tilte" ignored' hm.err
check_fails "... with no terminal escape let through" grep -q $'\x1b' hm.err
check_grep "an article that names no file is warned about" "Articles: gone.txt: no such file in the sources" hm.err
check_fails "a --metadata file that does not exist is an error" "$SMZ_PACK" hm -o hm2.smz --quiet --metadata nope.json
check_fails "... so is a folder" "$SMZ_PACK" hm -o hm2.smz --quiet --metadata hm

# --- the page's own labels are not search words; the source line's are ---
# ("original text", "(metadata)", "From the original" are on every page: a
# search for them would find every article)
for w in original metadata; do
    check_eq "a search for the label '$w' finds nothing" "$("$SMZ" search s.smz "$w" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 0
done
check_grep "the publisher named in a line left out is found" "^000_" <("$SMZ" search s.smz himalaya)
"$SMZ" search s.smz winter olympics >snip.txt
check_fails "the source line's items stay apart in snippets" grep -qE "Himalayatranslated|linli29|Himalaya[0-9]" snip.txt

# --- the generated index page is no hit and no article (issue 20) ---
check_fails "a search for China does not find the generated index page" sh -c "\"\$SMZ\" search s.smz China | grep -q '^index.html'"
check_eq "... which finds the five articles" "$("$SMZ" search s.smz China --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 5
check_fails "... nor does a suggestion" sh -c "\"\$SMZ\" suggest s.smz Human | grep -q index.html"
check_eq "the archive names it as generated (metadata Generated)" "$(meta s.smz Generated)" "index.html"
check_grep "smz info counts 5 articles" "^Articles +5$" <("$SMZ" info s.smz)
check_eq "... and so does --json" "$("$SMZ" info --json s.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')" 5
check_eq "... as many as the index page lists" "$(index_rows s.smz | wc -l)" 5
check_grep "a collection's own index.html stays searchable" "^index.html" <("$SMZ" search own.smz home)
check_eq "... is not named generated" "$(meta own.smz Generated)" ""
check_eq "... and counts as an article, as its article's page does" "$("$SMZ" info --json own.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')" 2

# --- snippets come from the body: no title, date line or caption glued in ---
: >snips.txt
for q in China rights Uyghur boycott Xinjiang "human rights" UN Getty Olympics; do
    "$SMZ" search s.smz "$q" --json >>snips.txt
done
python3 - snips.txt >snip_bad.txt <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
dec, i, n = json.JSONDecoder(), 0, 0
month = "January|February|March|April|May|June|July|August|September|October|November|December"
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    d, i = dec.raw_decode(text, i)
    for h in d["results"]:
        n += 1
        s = re.sub("<[^>]+>", "", h["snippet"])
        if re.search(r"\d{1,2} (%s) \d{4}" % month, s):
            print("a date line:", h["path"], s[:120])
        if "\u00a9" in s or "Getty" in s:
            print("a photo credit:", h["path"], s[:120])
        if h["path"].startswith("004_") and h["title"] in s:
            print("the title:", h["path"], s[:120])
print("snippets", n, file=sys.stderr)
PY
check_eq "snippets show no date line, title or photo credit" "$(cat snip_bad.txt)" ""
check_grep "a word only in a caption still finds its page" "^001_" <("$SMZ" search s.smz Getty)

# --- the front page smz serve shows ---
. "$TOP/tests/browser/serve_common.sh"
start_server srv s.smz
check "smz serve starts" test -n "$URL"
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "${URL}content/s/")
check_eq "the collection's front page is the generated index" "$loc" "${URL}content/s/index.html"
check "... served as packed" sh -c "curl -sf '${URL}raw/s/content/index.html' | cmp -s - index.html"
check_grep "the library card counts 5 articles, as the index page lists" "<span>5 articles</span>" <(curl -s "$URL")
check_eq "... and so does OPDS" "$(curl -s "${URL}catalog/v2/entries" | xmllint --xpath 'string(//*[local-name()="articleCount"])' -)" 5
picks=$(for _ in $(seq 1 30); do curl -s -o /dev/null -w '%{redirect_url}\n' "${URL}random?content=s"; done)
check_eq "a random article is never the generated index" "$(grep -c 'index.html' <<<"$picks")" 0
check "... but an article" grep -q '_[0-9a-f]*\.html$' <<<"$picks"
stop_server "$PID"
done_testing
