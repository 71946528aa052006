# shellcheck shell=bash
# The pages of `smz serve` a new user meets (issue 19), in headless Chromium
# (tests/browser/pages.py) and over plain HTTP: the top bar in archived
# pages (a PostgreSQL manual page, a Python documentation page, a sample
# article; light and dark) spans the window, stays after scrolling and
# covers nothing of the page's start; a 404 offers a search for the
# missing path's words; search results show a title and a date, never a
# bare file name; the library filters by language, tag and text and counts
# what it shows; the OPDS link explains the catalog.  Screenshots go to
# shots/ (SMZ_SCREENSHOTS=DIR keeps them).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

PG=/usr/share/doc/postgresql-doc-15/html
PY=/usr/share/doc/python3.11/html
mkdir -p lib one

# A part of each manual (packing all of them takes minutes): a long page
# with its stylesheets.
if [ -f "$PG/sql-select.html" ]; then
    mkdir -p pg && cp "$PG/sql-select.html" "$PG/sql-insert.html" "$PG/stylesheet.css" pg/
    "$SMZ_PACK" pg -o lib/pgdoc.smz --title "PostgreSQL 15 manual" --language eng --name pgdoc \
        --tags "manual;databases" --main-page sql-select.html --quiet
fi
if [ -f "$PY/library/functions.html" ]; then
    mkdir -p py/library && cp -rL "$PY/_static" py/ && cp "$PY/library/functions.html" py/library/
    "$SMZ_PACK" py -o lib/pydoc.smz --title "Python 3.11 documentation" --language eng --name pydoc \
        --tags "manual;programming" --main-page library/functions.html --quiet
fi
cp -r "$TOP/samples" s
"$SMZ_PACK" s -o lib/samples.smz --name samples --quiet
SAMPLE=$("$SMZ" ls lib/samples.smz | grep '^000_.*\.html$')
check "the sample article has a page" test -n "$SAMPLE"

# Pages the index has no title for: an HTML page with an empty <title> and
# no <h1> (a date in a <meta>), a text file on its own, a hashed name each.
mkdir -p t
cat >t/a1b2c3d4e5f60718.html <<'EOF'
<!DOCTYPE html><html><head><title></title><meta property="article:published_time" content="2021-03-04T10:00:00Z"></head>
<body><p>Protesters gathered in the square on Monday morning, calling for the release of detained journalists and lawyers held since the spring.</p></body></html>
EOF
printf '\n# Note from the field\n\nThe protesters gathered again on Tuesday.\n' >t/9f8e7d6c5b4a3921.txt
printf '<html><head><title>A page with a title</title></head><body><p>protesters <time datetime="2020-05-06">6 May</time></p></body></html>\n' >t/titled.html
"$SMZ_PACK" t -o lib/untitled.smz --title "Untitled pages" --language eng --quiet --index-text

# Small archives in three languages with tags, for the library's filters.
for i in 1 2 3 4 5 6 7; do
    mkdir -p "small$i"
    printf '<html><head><title>Page %s</title></head><body><p>Text %s</p></body></html>\n' "$i" "$i" >"small$i/index.html"
    case $i in 1 | 2 | 3) lang=fra tags="news;europe" ;; 4 | 5) lang=zho tags="news;asia" ;; *) lang=deu tags="archive" ;; esac
    "$SMZ_PACK" "small$i" -o "lib/small$i.smz" --title "Small archive $i" --language "$lang" --tags "$tags" \
        --main-page index.html --quiet
done
printf 'this is not an archive %.0s' $(seq 20) >lib/zz-broken.smz

# One good archive and one bad: the count says so, a card each.
cp lib/samples.smz one/ && cp lib/zz-broken.smz one/
start_server one one
U1=$URL
check_eq "one good and one bad archive: the count says both" \
    "$(curl -s "$U1" | grep -o '<p class="smz-total">[^&]*')" '<p class="smz-total">1 archive, 1 that cannot be read '
check_eq "... above two cards" "$(curl -s "$U1" | grep -o '<li class="smz-book' | wc -l)" 2
check_grep "... the bad one says why it cannot be read" 'zz-broken</h2><p class="smz-desc">This archive cannot be read: <span dir="ltr" lang="en">not an .smz archive' <(curl -s "$U1")
stop_server "$PID"

start_server pages lib
check "the server starts" test -n "$URL"
n_ok=$(find lib -name '*.smz' ! -name 'zz-*' | wc -l)
check_grep "the library counts readable and unreadable archives" "<p class=\"smz-total\">$n_ok archives, 1 that cannot be read" <(curl -s "$URL")
check_grep "... links to the OPDS explanation, not the feed" 'href="/opds">OPDS catalog</a>' <(curl -s "$URL")
check_grep "... and names the feed for apps in its head" '<link rel="alternate" type="application/atom\+xml;profile=opds-catalog;kind=navigation" title="OPDS catalog" href="/catalog/v2/root.xml">' <(curl -s "$URL")
check_eq "?language=fra shows the three French archives" "$(curl -s "${URL}?language=fra" | grep -o '<li class="smz-book' | wc -l)" 3
check_grep "... and says how many of all" "<p class=\"smz-total\">3 of $n_ok archives " <(curl -s "${URL}?language=fra")
check_eq "?tag=news shows six (the samples too)" "$(curl -s "${URL}?tag=news" | grep -o '<li class="smz-book' | wc -l)" 6
check_eq "?tag=news&language=zho shows two" "$(curl -s "${URL}?tag=news&language=zho" | grep -o '<li class="smz-book' | wc -l)" 2
check_eq "?q=small+archive+6 shows one" "$(curl -s "${URL}?q=small+archive+6" | grep -o '<li class="smz-book' | wc -l)" 1
check_grep "a filter that matches nothing says so" 'No archive matches' <(curl -s "${URL}?tag=nothing")
check_grep "a hostile filter comes out escaped" 'value="&lt;script&gt;x"' <(curl -s "${URL}?q=%3Cscript%3Ex")
check_eq "/opds is an HTML page" "$(curl -s -o /dev/null -w '%{content_type}' "${URL}opds")" "text/html; charset=utf-8"
check_grep "... giving the feed's address to copy" "value=\"http://127.0.0.1:$PORT/catalog/v2/root.xml\"" <(curl -s "${URL}opds")
check_eq "the feed itself stays where it is" "$(curl -s -o /dev/null -w '%{content_type}' "${URL}catalog/v2/root.xml")" "application/atom+xml;profile=opds-catalog;kind=navigation;charset=utf-8"

# 404s offer the path's words.
curl -s "${URL}content/samples/2022/beijing-olympics_boycott-243.html" >nf.html
check_grep "a missing page offers a search for its words" '<a href="/search\?content=samples&amp;pattern=beijing%20olympics%20boycott" rel="search"[^>]*>beijing olympics boycott</a>' nf.html
curl -s "${URL}content/nosuch/Uyghur-camps%3Cb%3E.php" >nf2.html
check_grep "a missing archive offers a search of all, the words escaped" '<a href="/search\?pattern=Uyghur%20camps%3Cb%3E" rel="search" dir="auto">Uyghur camps&lt;b&gt;</a>' nf2.html
curl -s "${URL}content/samples/2022/01/29.html" >nf3.html
check_fails "a path of numbers only offers nothing" grep -q smz-offer nf3.html

if [ "$("$SMZ" search lib/untitled.smz protesters 2>/dev/null | wc -l)" -gt 0 ]; then
    curl -s "${URL}search?content=untitled&pattern=protesters" >res.html
    check_grep "a page with an empty title gets its first words" '>Protesters gathered in the square on Monday morning, calling for the release of detained journalists and…</a>' res.html
    check_grep "... and the date of its <meta>" '<cite><time datetime="2021-03-04">2021-03-04</time> &middot; <bdi dir="ltr">a1b2c3d4e5f60718.html</bdi></cite>' res.html
    check_grep "a text file gets its first line" '>Note from the field</a><cite><bdi dir="ltr">9f8e7d6c5b4a3921.txt</bdi></cite>' res.html
    check_grep "a page's own <time> gives its date" '>A page with a title</a><cite><time datetime="2020-05-06">' res.html
    curl -s "${URL}search?content=samples&pattern=olympics" >res2.html
    check_fails "no sample result is titled by its hashed file name" grep -qE 'class="smz-hit"[^>]*>[0-9]{3}_[0-9a-f]{16}' res2.html
    check_eq "every sample result has its date" "$(grep -o '<cite><time datetime="20[0-9-]*">' res2.html | wc -l)" "$(grep -o 'class="smz-hit"' res2.html | wc -l)"
else
    echo "ok - search result titles and dates # SKIP search library not built"
fi

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "ok - browser checks # SKIP no chromium"
else
    python3 "$TOP/tests/browser/pages.py" "$URL" "$SAMPLE" shots ||
        bad "the browser checks (see shots/chromium.log)"
    if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
        mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
    fi
fi
stop_server "$PID"
check_eq "the server stops cleanly" "$?" 0
done_testing
