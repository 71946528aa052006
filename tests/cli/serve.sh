# shellcheck shell=bash
# Web reader tests (issue: serve): the real `smz serve` on a free 127.0.0.1
# port, every URL through a real HTTP client (curl, Python's urllib):
# statuses, headers, bodies byte-identical to `smz cat`, conditional requests
# and ranges, the OPDS feed (xmllint), escaping of hostile requests and
# archives, the Host check, methods, the access log, --url-root behind nginx,
# --allow, a hundred archives, and a clean stop.  The browser test is
# serve_browser.sh.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

pack_archives lib
[ "$INDEX" = 1 ] || echo "# the search library is not built: search checks skipped"
printf 'this is not an archive, just junk bytes %.0s' $(seq 20) >lib/broken.smz
echo "not an archive either" >lib/notes.txt

start_server main lib --log access.log
check "the server starts on a free port" test -n "$URL"
U=$URL
H=127.0.0.1:$PORT

# get URL [CURL ARGS...]: fetches into body and hdr; prints the status.
get() { u=$1; shift; rm -f body; : >hdr; curl -s -o body -D hdr -w '%{http_code}' "$@" "$u"; touch body; }
# header NAME: its value in hdr (the last response's headers).
header() { tr -d '\r' <hdr | awk -v n="$(echo "$1" | tr '[:upper:]' '[:lower:]')" \
    'BEGIN{FS=": "} tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }'; }

# --- the library ---
check_eq "GET / answers 200" "$(get "$U")" 200
check_grep "the library is UTF-8 HTML" "text/html; charset=utf-8" hdr
check_grep "... lists the manual with its title" "PostgreSQL 15 manual" body
check_grep "... with its description" "The PostgreSQL documentation" body
check_grep "... language, entry count, size and date" "English</a></span><span>[0-9,]+ articles</span><span>[0-9.]+ MB</span><span><time datetime=\"[0-9-]+\">" body
check_grep "... links to open, search and download it" 'href="/content/pgdoc/".*href="/search\?content=pgdoc".*href="/download/pgdoc.smz"' body
check_grep "... shows the illustration" 'src="/catalog/v2/illustration/hostile"' body
check_grep "a hostile archive title comes out escaped" '&lt;script&gt;alert\(&quot;title&quot;\)&lt;/script&gt; Hostile &amp; Co' body
check_grep "... and a hostile description" '&quot;&gt;&lt;img src=x onerror=alert\(5\)&gt; &amp; more' body
check_fails "no raw <script> from an archive reaches the page" grep -q '<script>alert' body
check_fails "... nor a raw <img onerror>" grep -q '<img src=x' body
check_grep "an Arabic archive is marked right-to-left" 'lang="ar" dir="rtl"' body
check_grep "a damaged file is listed as unreadable, not served" 'smz-broken.*broken.*cannot be read' body
check_fails "files that are not .smz are ignored" grep -q notes body
for h in "X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer" "Content-Security-Policy: default-src 'none'" \
    "X-Frame-Options: DENY" "Cross-Origin-Opener-Policy: same-origin"; do
    check_grep "library page header $h" "^$h" hdr
done
check_fails "no cookie is ever set" grep -qi '^set-cookie' hdr

# --- content: every entry of the hostile archive, byte for byte ---
python3 - "$SMZ" "$U" lib/hostile.smz hostile <<'EOF'
import re, subprocess, sys, urllib.parse, urllib.request, urllib.error
smz, base, arch, name = sys.argv[1:5]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a): return None
op = urllib.request.build_opener(NoRedirect)
def get(path):
    try:
        r = op.open(base + path)
    except urllib.error.HTTPError as e:
        r = e
    return r.status, dict((k.lower(), v) for k, v in r.headers.items()), r.read()
bar = re.compile(rb'<div id="smz-bar".*?</script></div>', re.S)
bad = {"raw": 0, "content": 0, "mime": 0, "redirect": 0, "bar": 0}
n = r = 0
for line in subprocess.check_output([smz, "ls", "--long", arch]).decode().splitlines():
    path, mime, size, title = line.split("\t")
    q = urllib.parse.quote(path, safe="/")
    if mime.startswith("-> "):
        r += 1
        st, h, _ = get("content/%s/%s" % (name, q))
        want = "/content/%s/%s" % (name, urllib.parse.quote(mime[3:], safe="/"))
        if st != 302 or h.get("location") != want:
            bad["redirect"] += 1; print("# redirect %s: %s %s" % (path, st, h.get("location")))
        continue
    n += 1
    want = subprocess.check_output([smz, "cat", arch, path])
    st, h, body = get("raw/%s/content/%s" % (name, q))
    if st != 200 or body != want:
        bad["raw"] += 1; print("# raw differs: %s (%s)" % (path, st))
    if h.get("content-type") != mime:
        bad["mime"] += 1; print("# MIME of %s: %s, want %s" % (path, h.get("content-type"), mime))
    st, h, body = get("content/%s/%s" % (name, q))
    if mime.split(";")[0] == "text/html" and path != "frames.html":
        if body.count(b'id="smz-bar"') != 1:
            bad["bar"] += 1; print("# no bar in %s" % path)
        m = re.search(rb"<body[^>]*>", want, re.I)
        if m and body.find(b'<div id="smz-bar"') != m.end():
            bad["bar"] += 1; print("# the bar of %s is not where <body> begins" % path)
        body = bar.sub(b"", body, 1)
    if st != 200 or body != want:
        bad["content"] += 1; print("# content differs: %s (%s)" % (path, st))
print("%s - /raw/ gives every one of %d entries byte-identical to smz cat" % ("not ok" if bad["raw"] else "ok", n))
print("%s - /content/ gives every entry byte-identical (HTML: once the bar is taken out)" % ("not ok" if bad["content"] else "ok"))
print("%s - every entry comes with its MIME type" % ("not ok" if bad["mime"] else "ok"))
print("%s - HTML pages get exactly one bar, where <body> begins (a long head, a large page too), a frameset none" % ("not ok" if bad["bar"] else "ok"))
print("%s - each of %d redirect entries answers 302 to its target, URL-encoded" % ("not ok" if bad["redirect"] or not r else "ok", r))
EOF

# Fifty pages of the manual, through /content/ and /raw/.
"$SMZ" ls lib/pgdoc.smz | grep '\.html$' | awk 'NR % 23 == 1' | head -50 >pages.txt
mism=0
while read -r p; do
    curl -s "${U}raw/pgdoc/content/$p" | cmp -s - <("$SMZ" cat lib/pgdoc.smz "$p") || mism=$((mism + 1))
    curl -s "${U}content/pgdoc/$p" | python3 -c 'import re,sys; sys.stdout.buffer.write(re.sub(rb"<div id=\"smz-bar\".*?</script></div>", b"", sys.stdin.buffer.read(), count=1, flags=re.S))' \
        | cmp -s - <("$SMZ" cat lib/pgdoc.smz "$p") || mism=$((mism + 1))
done <pages.txt
check_eq "50 manual pages byte-identical through /raw/ and /content/" "$mism" 0

check_eq "/content/NAME/ redirects" "$(get "${U}content/pgdoc/")" 302
check_eq "... to the main page" "$(header Location)" "/content/pgdoc/index.html"
check_eq "/content/NAME (no slash) redirects too" "$(get "${U}content/pgdoc")" 302
check_eq "/raw/NAME/content/ redirects to the raw main page" "$(get "${U}raw/pgdoc/content/")" 302
check_eq "... at /raw/" "$(header Location)" "/raw/pgdoc/content/index.html"
check_eq "a missing entry is 404" "$(get "${U}content/pgdoc/no/such.html")" 404
check_grep "... with an HTML page" "<h1>Not found</h1>" body
check_eq "an unknown archive is 404" "$(get "${U}content/nosuch/index.html")" 404
check_eq "a path with .. is 404" "$(get "${U}content/pgdoc/../pgdoc/index.html" --path-as-is)" 404

# --- HTTP: HEAD, ETag/304, Cache-Control, ranges ---
get "${U}content/pgdoc/sql-select.html" >/dev/null
len=$(header Content-Length); etag=$(header ETag)
check_eq "Content-Length is the body's length" "$len" "$(wc -c <body)"
uuid=$("$SMZ" info --json lib/pgdoc.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["UUID"])')
check_grep "the ETag carries the archive UUID" "^ETag: \"$uuid" hdr
check_grep "an archived page is revalidated (a restart may change its policy)" "^Cache-Control: no-cache" hdr
check_grep "archived pages are served in a sandbox (an opaque origin)" "^Content-Security-Policy: sandbox allow-scripts [^;]*; " hdr
check_grep "... that lets them load nothing from elsewhere" "^Content-Security-Policy: [^;]*; default-src http://$H/content/pgdoc/ http://$H/raw/pgdoc/ data: blob:;" hdr
check_eq "HEAD answers 200" "$(get "${U}content/pgdoc/sql-select.html" -I -o /dev/null)" 200
check_eq "... with the same Content-Length" "$(header Content-Length)" "$len"
check_eq "... and no body" "$(python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"HEAD /content/pgdoc/sql-select.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
d = b""
while True:
    c = s.recv(65536)
    if not c: break
    d += c
print(len(d.split(b"\r\n\r\n", 1)[1]))' "$PORT")" 0
# Connections: the header block goes out whole, with the Connection field
# CivetWeb acts on, and keep-alive follows the request's version and header.
check_eq "connections: keep-alive, close and pipelining as HTTP asks" "$(python3 - "$PORT" <<'PYEOF'
import socket, sys
port = int(sys.argv[1])
def answers(s, n):
    """Reads N whole responses from S (Content-Length bodies); returns their
    header blocks and whether the server closed the connection after them."""
    buf, heads = b"", []
    s.settimeout(5)
    while len(heads) < n:
        while b"\r\n\r\n" not in buf:
            c = s.recv(65536)
            if not c:
                return heads, True
            buf += c
        h, buf = buf.split(b"\r\n\r\n", 1)
        fields = dict(l.split(b": ", 1) for l in h.split(b"\r\n")[1:])
        need = int(fields[b"Content-Length"])
        while len(buf) < need:
            c = s.recv(65536)
            if not c:
                return heads, True
            buf += c
        buf = buf[need:]
        heads.append(h)
    try:
        s.settimeout(0.5)
        closed = s.recv(1) == b""
    except socket.timeout:
        closed = False
    return heads, closed
def run(version, conn, n=1):
    s = socket.create_connection(("127.0.0.1", port))
    req = ("GET /content/pgdoc/sql-select.html HTTP/%s\r\nHost: 127.0.0.1\r\n%s\r\n"
           % (version, "Connection: %s\r\n" % conn if conn else "")).encode()
    s.sendall(req * n)
    heads, closed = answers(s, n)
    s.close()
    return heads, closed
out = []
h, closed = run("1.1", None, 3)
ok = len(h) == 3 and not closed and all(x.startswith(b"HTTP/1.1 200 OK\r\n") and x.count(b"\r\nDate: ") == 1
                                        and b"\r\nConnection: keep-alive" in x for x in h)
out.append("1.1 pipelined keep-alive %s" % ok)
h, closed = run("1.1", "close")
out.append("1.1 close %s" % (len(h) == 1 and closed and b"\r\nConnection: close" in h[0]))
h, closed = run("1.0", None)
out.append("1.0 close %s" % (len(h) == 1 and closed and h[0].startswith(b"HTTP/1.0 200 OK\r\n")
                             and b"\r\nConnection: close" in h[0]))
h, closed = run("1.0", "keep-alive", 2)
out.append("1.0 keep-alive %s" % (len(h) == 2 and not closed and b"\r\nConnection: keep-alive" in h[1]))
print(", ".join(out))
PYEOF
)" "1.1 pipelined keep-alive True, 1.1 close True, 1.0 close True, 1.0 keep-alive True"
check_eq "If-None-Match with the ETag gives 304" "$(get "${U}content/pgdoc/sql-select.html" -H "If-None-Match: $etag")" 304
check_eq "... with no body" "$(wc -c <body)" 0
check_eq "a stale ETag gives 200" "$(get "${U}content/pgdoc/sql-select.html" -H 'If-None-Match: "other"')" 200
rawtag=$(get "${U}raw/pgdoc/content/sql-select.html" >/dev/null; header ETag)
check "the raw entry has another ETag than the page with the bar" test "$rawtag" != "$etag"
clip="${U}content/hostile/media/clip.webm"
"$SMZ" cat lib/hostile.smz media/clip.webm >clip.want
check_eq "media answers with Accept-Ranges" "$(get "$clip" >/dev/null; header Accept-Ranges)" bytes
check_eq "a byte range gives 206" "$(get "$clip" -r 1000-1999)" 206
check_eq "... Content-Range" "$(header Content-Range)" "bytes 1000-1999/700000"
check "... and exactly those bytes" cmp -s body <(tail -c +1001 clip.want | head -c 1000)
check_eq "an open range gives the rest" "$(get "$clip" -r 699990- >/dev/null; wc -c <body)" 10
check_eq "a suffix range gives the last bytes" "$(get "$clip" -r -100 >/dev/null; header Content-Range)" "bytes 699900-699999/700000"
check "... the right ones" cmp -s body <(tail -c 100 clip.want)
check_eq "a range past the end gives 416" "$(get "$clip" -r 800000-)" 416
check_eq "... with Content-Range: bytes */size" "$(header Content-Range)" "bytes */700000"
check_eq "several ranges give the whole entry (200)" "$(get "$clip" -r 0-9,20-29)" 200
check "... byte-identical" cmp -s body clip.want
check_eq "If-Range with another ETag gives the whole entry" "$(get "$clip" -r 0-9 -H 'If-Range: "x"')" 200

# --- download ---
check_eq "/download/NAME.smz answers 200" "$(get "${U}download/pgdoc.smz")" 200
check "... with the archive file itself" cmp -s body lib/pgdoc.smz
check_grep "... as an attachment" '^Content-Disposition: attachment; filename="pgdoc.smz"' hdr
check_eq "... with ranges (206)" "$(get "${U}download/pgdoc.smz" -r 0-15)" 206
check_eq "... from the SQLite header" "$(head -c 15 body)" "SQLite format 3"
check_eq "an unknown download is 404" "$(get "${U}download/nosuch.smz")" 404

# --- random, search, suggest ---
check_eq "/random?content=NAME redirects" "$(get "${U}random?content=pgdoc")" 302
loc=$(header Location)
check_grep "... to an article of that archive" "^/content/pgdoc/.*\.html$" <(echo "$loc")
check_eq "... that exists" "$(get "http://$H$loc")" 200
check_grep "... and is never cached" "^Cache-Control: no-store" <(get "${U}random?content=pgdoc" >/dev/null; cat hdr)
check_eq "/random with no archive named picks one" "$(get "${U}random")" 302
check_eq "/search answers 200" "$(get "${U}search?content=pgdoc&pattern=select")" 200
check_eq "/search?format=json answers JSON" "$(get "${U}search?content=pgdoc&pattern=select&format=json" >/dev/null; header Content-Type)" application/json
check "... with total and results" python3 -c '
import json; d = json.load(open("body")); assert isinstance(d["total"], int) and isinstance(d["results"], list), d
for r in d["results"]: assert set(r) == {"path", "title", "snippet", "score"}, r'
check_eq "books.name= names an archive too" "$(get "${U}search?books.name=pgdoc&pattern=select")" 200
check_eq "no archive named searches them all" "$(get "${U}search?pattern=select")" 200
check_eq "an empty query shows a search form" "$(get "${U}search?content=pgdoc")" 200
check_grep "... for that archive" '<h1>Search <bdi>PostgreSQL 15 manual</bdi></h1>' body
check_eq "/suggest answers JSON" "$(get "${U}suggest?content=pgdoc&term=sel" >/dev/null; header Content-Type)" application/json
check "... with results" python3 -c 'import json; d = json.load(open("body")); assert isinstance(d["results"], list)'
if [ "$INDEX" = 1 ]; then
    get "${U}search?content=pgdoc&pattern=select&format=json" >/dev/null
    check "search finds the SELECT page" python3 -c 'import json; d = json.load(open("body")); assert any(r["path"] == "sql-select.html" for r in d["results"]), d'
    get "${U}search?content=pgdoc&pattern=select&pageLength=2&start=2" >/dev/null
    check_grep "the results page has paging" 'class="smz-pager"' body
    check_grep "... and highlighted words" '<p class="smz-snip">.*<b>' body
    get "${U}suggest?content=pgdoc&term=SELEC" >/dev/null
    check "suggest offers SELECT" python3 -c 'import json; d = json.load(open("body")); assert any(r["title"] == "SELECT" and r["url"] == "/content/pgdoc/sql-select.html" for r in d["results"]), d'
    get "${U}suggest?content=pgdoc&term=logical%20replicati" >/dev/null
    check "suggest offers Logical Replication for 'logical replicati' (longer than the stem)" python3 -c 'import json; d = json.load(open("body")); assert d["results"] and d["results"][0]["title"].endswith("Logical Replication"), d'
    check "... marking both words (match: [start, length] in characters)" python3 -c 'import json; d = json.load(open("body")); t = d["results"][0]["title"]; m = d["results"][0]["match"]; assert [t[a:a + n] for a, n in m] == ["Logical", "Replication"], (t, m)'
    get "${U}suggest?content=hostile&term=nine" >/dev/null
    check "a hostile title's match counts its characters as the JSON string holds them" python3 -c 'import json; d = json.load(open("body")); r = d["results"][0]; assert [r["title"][a:a + n] for a, n in r["match"]] == ["nine"], d'
    get "${U}search?content=hostile&pattern=selection%20nine&format=json" >/dev/null
    check "a hostile title comes out as a JSON string" python3 -c 'import json; d = json.load(open("body")); assert any(r["title"] == "<script>alert(6)</script> Selection nine & \"x\"" for r in d["results"]), d'
    get "${U}search?content=hostile&pattern=selection%20nine" >/dev/null
    check_grep "a hostile entry title comes out escaped in the results" '&lt;script&gt;alert\(6\)&lt;/script&gt; Selection nine &amp; &quot;x&quot;' body
    check_fails "... never raw" grep -q '<script>alert' body
else
    check_grep "an archive without an index says so" "has no full-text index" <(get "${U}search?content=pgdoc&pattern=select" >/dev/null; cat body)
    echo "ok - search results, paging, highlighting, suggestions # SKIP search library not built"
fi

# --- OPDS ---
check_eq "/catalog/v2/root.xml answers 200" "$(get "${U}catalog/v2/root.xml")" 200
check "... is well-formed XML" xmllint --noout body
check_grep "... an OPDS navigation feed" "^Content-Type: application/atom\+xml;profile=opds-catalog;kind=navigation" hdr
check_grep "... linking to the entries" 'href="/catalog/v2/entries"' body
check_eq "/catalog/v2/entries answers 200" "$(get "${U}catalog/v2/entries")" 200
cp body entries.xml
check "... is well-formed XML" xmllint --noout entries.xml
check_grep "... an acquisition feed" "^Content-Type: application/atom\+xml;profile=opds-catalog;kind=acquisition" hdr
check_eq "... with one entry per readable archive" "$(xmllint --xpath 'count(//*[local-name()="entry"])' entries.xml)" 2
check_eq "... carrying the UUID" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="pgdoc"]/*[local-name()="id"])' entries.xml)" "urn:uuid:$uuid"
check_eq "... the title" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="pgdoc"]/*[local-name()="title"])' entries.xml)" "PostgreSQL 15 manual"
check_eq "... the language" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="pgdoc"]/*[local-name()="language"])' entries.xml)" "eng"
check_eq "... the article count" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="pgdoc"]/*[local-name()="articleCount"])' entries.xml)" "$("$SMZ" ls --long lib/pgdoc.smz | awk -F'\t' '$2 ~ /^text\/html(;|$)/' | wc -l)"
check_eq "... a download link with the file's length" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="pgdoc"]/*[local-name()="link"][@rel="http://opds-spec.org/acquisition/open-access"]/@length)' entries.xml)" "$(stat -c %s lib/pgdoc.smz)"
check_eq "... hostile metadata survives as text" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="hostile"]/*[local-name()="title"])' entries.xml)" '<script>alert("title")</script> Hostile & Co'
check_eq "... in every field" "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="name"]="hostile"]/*[local-name()="author"]/*[local-name()="name"])' entries.xml)" '</name></author><evil/>'
check_eq "/catalog/v2/entry/UUID gives one entry" "$(get "${U}catalog/v2/entry/$uuid"; xmllint --xpath 'string(//*[local-name()="name"])' body)" "200pgdoc"
check_eq "?name= filters the entries" "$(get "${U}catalog/v2/entries?name=hostile" >/dev/null; xmllint --xpath 'count(//*[local-name()="entry"])' body)" 1
check_eq "the illustration is a PNG" "$(get "${U}catalog/v2/illustration/hostile" >/dev/null; header Content-Type)" image/png
check "... the archive's own" cmp -s body site/illustration.png

# --- reflected XSS: requests come back escaped ---
xss='%3Cscript%3Ealert(1)%3C%2Fscript%3E'
get "${U}content/pgdoc/$xss.html" >/dev/null
check_grep "a hostile path is echoed escaped in the 404 page" '&lt;script&gt;alert\(1\)&lt;/script&gt;' body
check_fails "... never raw" grep -q '<script>alert' body
get "${U}search?content=pgdoc&pattern=$xss%22%27%3E" >/dev/null
check_grep "a hostile query is escaped in the search page" 'value="&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&#39;&gt;"' body
check_fails "... never raw" grep -q '<script>alert' body
check_eq "a hostile archive name is 404" "$(get "${U}search?content=$xss")" 404
check_fails "... and not echoed raw" grep -q '<script>alert' body
check_eq "a hostile name in JSON is an error object" "$(get "${U}search?content=$xss&format=json" >/dev/null; python3 -c 'import json; print(sorted(json.load(open("body"))))')" "['error']"
check_eq "a hostile random target is 404" "$(get "${U}random?content=$xss")" 404
check_fails "... and not echoed raw" grep -q '<script>alert' body
check_eq "an over-long query is refused" "$(get "${U}search?content=pgdoc&pattern=$(head -c 3000 /dev/zero | tr '\0' a)")" 400

# --- methods, hosts, service workers ---
for m in POST PUT DELETE OPTIONS PROPFIND; do
    check_eq "$m is refused with 405" "$(get "$U" -X $m)" 405
done
check_grep "... with Allow: GET, HEAD" "^Allow: GET, HEAD" hdr
check_eq "a CORS preflight from another site is refused" "$(get "$U" -X OPTIONS -H 'Origin: http://evil.example' -H 'Access-Control-Request-Method: GET')" 405
check_fails "... and allows nothing" grep -qi '^Access-Control-Allow' hdr
check_fails "no answer carries Access-Control-Allow-Origin" grep -qi '^Access-Control-Allow' <(curl -s -D - -o /dev/null -H 'Origin: http://evil.example' "${U}suggest?content=pgdoc&term=a")
check_eq "Host: localhost is served" "$(get "$U" -H "Host: localhost:$PORT")" 200
check_eq "Host: 127.0.0.1 is served" "$(get "$U" -H "Host: 127.0.0.1:$PORT")" 200
check_eq "Host: [::1] is served" "$(get "$U" -H "Host: [::1]:$PORT")" 200
check_eq "a foreign Host is refused (DNS rebinding)" "$(get "$U" -H "Host: evil.example:$PORT")" 403
check_eq "... even one that looks local" "$(get "$U" -H "Host: 127.0.0.1.evil.example")" 403
check_eq "... or another machine's address" "$(get "$U" -H "Host: 192.0.2.7:$PORT")" 403
check_eq "a service worker script is refused" "$(get "${U}content/hostile/csp.html" -H 'Service-Worker: script')" 403

# --- the access log ---
n_before=$(wc -l <access.log)
curl -s -o /dev/null "${U}content/pgdoc/sql-select.html?x=%22q%22"
sleep 0.1
check_eq "one access-log line per request" "$(wc -l <access.log)" $((n_before + 1))
check_grep "... in Common Log Format" '^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\] "GET /content/pgdoc/sql-select\.html\?x=%22q%22 HTTP/1\.1" 200 [0-9]+$' <(tail -1 access.log)
check_grep "... 404s and 405s too" '"DELETE / HTTP/1.1" 405 ' access.log

# --- many requests at once ---
check "64 concurrent requests all get the right bytes" python3 - "$U" lib/pgdoc.smz "$SMZ" <<'EOF'
import concurrent.futures, subprocess, sys, urllib.request
base, arch, smz = sys.argv[1:4]
paths = [l for l in open("pages.txt").read().split() if l][:16]
want = {p: subprocess.check_output([smz, "cat", arch, p]) for p in paths}
def one(i):
    p = paths[i % len(paths)]
    return urllib.request.urlopen(base + "raw/pgdoc/content/" + p).read() == want[p]
with concurrent.futures.ThreadPoolExecutor(32) as ex:
    assert all(ex.map(one, range(64)))
EOF

# --- a clean stop ---
stop_server "$PID"
check_eq "SIGTERM stops the server with status 0" "$?" 0
check_grep "... and says so" "stopped \(SIGTERM\)" main.err
check_fails "... no longer listening" curl -s -o /dev/null "$U"
start_server int lib/pgdoc.smz
kill -INT "$PID"; wait "$PID"
check_eq "SIGINT stops it cleanly too" "$?" 0

# --- --no-toolbar ---
start_server nobar lib/pgdoc.smz --no-toolbar
check "--no-toolbar serves pages byte-identical" cmp -s <(curl -s "${URL}content/pgdoc/sql-select.html") <("$SMZ" cat lib/pgdoc.smz sql-select.html)
stop_server "$PID"

# --- --url-root, directly and behind nginx ---
start_server rooted lib --url-root /library/ --hostname books.example
R=$URL
check_eq "--url-root: the base URL has the root" "$R" "http://127.0.0.1:$PORT/library/"
check_eq "... / is not served" "$(get "http://127.0.0.1:$PORT/")" 404
check_eq "... /library redirects to /library/" "$(get "http://127.0.0.1:$PORT/library"; header Location)" "301/library/"
get "$R" >/dev/null
check_grep "... the library's links are below the root" 'href="/library/content/pgdoc/"' body
check_fails "... all of them" grep -qE '(href|src|action)="/(content|search|download|catalog|skin|random)' body
check_eq "... redirects stay below the root" "$(get "${R}content/pgdoc/"; header Location)" "302/library/content/pgdoc/index.html"
get "${R}content/pgdoc/sql-select.html" >/dev/null
check_grep "... the bar's links too" 'href="/library/".*action="/library/search".*data-suggest="/library/suggest\?content=pgdoc&amp;bar=[0-9a-f]{32}".*href="/library/random\?content=pgdoc"' body
check_grep "... and the CSP" "script-src http://127.0.0.1:$PORT/library/content/pgdoc/ .*connect-src http://127.0.0.1:$PORT/library/suggest;" hdr
check_eq "--hostname names an accepted Host" "$(get "$R" -H "Host: books.example")" 200
check_grep "... feeds list entries below the root" 'href="/library/download/pgdoc.smz"' <(curl -s "${R}catalog/v2/entries")

start_nginx "$T" "
        location /library/ {
            proxy_pass http://127.0.0.1:$PORT;
            proxy_max_temp_file_size 0;
            proxy_set_header Host \$http_host;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }"
N="http://127.0.0.1:$NP/library/"
check_eq "nginx: the library through the proxy" "$(get "$N")" 200
check_grep "... with links below /library/" 'href="/library/content/pgdoc/"' body
check_eq "... the main-page redirect" "$(get "${N}content/pgdoc/"; header Location)" "302/library/content/pgdoc/index.html"
check "... an article, bar and all" cmp -s <(curl -s "${N}content/pgdoc/sql-select.html") <(curl -s "${R}content/pgdoc/sql-select.html" -H "Host: 127.0.0.1:$NP")
check "... the raw entry byte-identical" cmp -s <(curl -s "${N}raw/pgdoc/content/sql-select.html") <("$SMZ" cat lib/pgdoc.smz sql-select.html)
check_grep "... the CSP names the proxy's address" "script-src http://127.0.0.1:$NP/library/content/pgdoc/ " <(get "${N}content/pgdoc/sql-select.html" >/dev/null; cat hdr)
check "... the download byte-identical" cmp -s <(curl -s "${N}download/pgdoc.smz") lib/pgdoc.smz
check_eq "... a range of media" "$(get "${N}content/hostile/media/clip.webm" -r 10-19 >/dev/null; header Content-Range)" "bytes 10-19/700000"
check_eq "... 304 for a known ETag" "$(get "${N}content/pgdoc/sql-select.html" -H "If-None-Match: $(curl -sI "${N}content/pgdoc/sql-select.html" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')")" 304
check_eq "... search" "$(get "${N}search?content=pgdoc&pattern=select")" 200
check_eq "... the OPDS feed" "$(get "${N}catalog/v2/entries" >/dev/null; xmllint --noout body && echo ok)" ok
kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")"; wait "$NGINX_PID"
NGINX_DIR=""
stop_server "$PID"

# --- --address and --allow ---
start_server allowed lib/pgdoc.smz --address 127.0.0.1 --allow 127.0.0.0/8
check_eq "--allow 127.0.0.0/8 lets us in" "$(get "$URL")" 200
stop_server "$PID"
start_server denied lib/pgdoc.smz --address 127.0.0.1 --allow 10.0.0.0/8
check "the server listens" test -n "$URL"
check_fails "--allow 10.0.0.0/8 keeps 127.0.0.1 out" curl -sf -o /dev/null --max-time 5 "$URL"
stop_server "$PID"

# --- an archive tampered with: bytes that are not UTF-8, controls, header injection ---
mkdir -p tam
cp lib/hostile.smz tam/tam.smz
python3 - <<'EOF'
import sqlite3
db = sqlite3.connect("tam/tam.smz")
for k, v in [("Title", b"Bad \xff\xfe bytes \x01\x1b[31m <x> \xef\xbf\xbe end"), ("Description", b"ctl \x7f \xc2\x85"),
             ("Name", b"../evil name"), ("UUID", b"12345678-1234-1234-1234-123456789abc\r\nSet-Cookie: a=b"),
             ("Language", b'ar"><script>alert(1)</script>'), ("MainPage", b"../../etc/passwd"),
             ("Illustration_48x48@1", b"<svg onload=alert(1)>"), ("Creator", b"\xed\xa0\x80 surrogate")]:
    db.execute("INSERT OR REPLACE INTO metadata(key, value) VALUES (?, ?)", (k, v))
db.commit()
EOF
start_server tam tam
check_eq "tampered metadata: the library still answers" "$(get "$URL")" 200
check "... as valid UTF-8" python3 -c 'open("body", "rb").read().decode("utf-8")'
check_fails "... with nothing raw" grep -q '<x>\|<script>alert' body
check_grep "... under the file's name (Name is not a plain word)" 'href="/content/tam/"' body
check "the OPDS feed stays well-formed" sh -c "curl -s '${URL}catalog/v2/entries' | xmllint --noout -"
get "${URL}content/tam/index.html" >/dev/null
check_fails "a malformed UUID cannot inject a header" grep -qi '^Set-Cookie' hdr
check_fails "... nor make an ETag" grep -qi '^ETag' hdr
check_eq "an invalid main page is not followed" "$(get "${URL}content/tam/")" 404
check_eq "a non-PNG illustration is not served" "$(get "${URL}catalog/v2/illustration/tam")" 404
stop_server "$PID"

# --- a damaged cluster: an error page, and the server goes on ---
mkdir -p dmg
cp lib/pgdoc.smz dmg/pgdoc.smz
python3 - dmg/pgdoc.smz sql-select.html <<'PYEOF'
import sqlite3, sys, entryblocks
db = sqlite3.connect(sys.argv[1])
entryblocks.open(db)
cid, = db.execute("SELECT cluster FROM entries WHERE path = ?", (sys.argv[2],)).fetchone()
data, = db.execute("SELECT data FROM clusters WHERE id = ?", (cid,)).fetchone()
data = bytearray(data)
data[len(data) // 2] ^= 0x55
db.execute("UPDATE clusters SET data = ? WHERE id = ?", (bytes(data), cid))
db.commit()
PYEOF
start_server dmg dmg
check_eq "a page in a damaged cluster answers 500" "$(get "${URL}content/pgdoc/sql-select.html")" 500
check_grep "... with a page that says so" "cannot be read" body
check_eq "... and so does its raw entry (read whole before sending)" "$(get "${URL}raw/pgdoc/content/sql-select.html")" 500
check_eq "... and the server still answers" "$(get "$URL")" 200
stop_server "$PID"

# --- bad command lines ---
check_fails "a missing archive is an error" "$SMZ" serve no/such.smz --port 0
check_fails "a bad --port is an error" "$SMZ" serve lib --port 70000
check_fails "a bad --url-root is an error" "$SMZ" serve lib --url-root '/a/../b' --port 0
check_fails "a bad --allow is an error" "$SMZ" serve lib --allow nonsense --port 0
check_fails "a bad --address is an error" "$SMZ" serve lib --address example.com --port 0
"$SMZ" serve --help >help.txt
check_grep "serve --help lists the options" "--url-root" help.txt

# --- languages: the server asks the one table (lib/text/lang.c), as the
# article pages do; it had its own list, without Tibetan or Kashmiri, and
# dropped subtags ---
mkdir -p langs/src && printf 'Text.\n' >langs/src/a.txt
for l in bod kas uig-Latn zho-Hant; do
    "$SMZ_PACK" langs/src -o "langs/$l.smz" --quiet --no-index --language "$l" --title "T $l" 2>/dev/null
done
start_server langs langs
get "$URL" >/dev/null
check_grep "a Tibetan archive (bod) gets lang=\"bo\" and its name" '<h2 lang="bo" dir="auto">.*<span><a class="smz-lang" href="/\?language=[^"]*" title="Archives in this language">Tibetan</a></span>' body
check_grep "Kashmiri (kas) runs right to left" '<h2 lang="ks" dir="rtl">.*<span><a class="smz-lang" href="/\?language=[^"]*" title="Archives in this language">Kashmiri</a></span>' body
check_grep "a script subtag decides: uig-Latn is left to right" '<h2 lang="ug-Latn" dir="auto">.*<span><a class="smz-lang" href="/\?language=[^"]*" title="Archives in this language">Uyghur</a></span>' body
check_grep "... and subtags are kept: zho-Hant" '<h2 lang="zh-Hant" dir="auto">.*<span><a class="smz-lang" href="/\?language=[^"]*" title="Archives in this language">Chinese</a></span>' body
stop_server "$PID"

# --- a hundred archives start at once ---
mkdir -p many
for i in $(seq -w 1 100); do cp lib/hostile.smz "many/a$i.smz"; done
PORT=$(free_port)
t0=$(date +%s%N)
"$SMZ" serve many --port "$PORT" >many.out 2>many.err &
PID=$!
SERVE_PIDS="$SERVE_PIDS $PID"
for _ in $(seq 500); do grep -q '^smz serve: serving' many.out && break; sleep 0.01; done
t1=$(date +%s%N)
URL=http://127.0.0.1:$PORT/
code=$(get "$URL")
t2=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 )); ms2=$(( (t2 - t1) / 1000000 ))
echo "# 100 archives: listening after $ms ms, first library page (reads every archive) in $ms2 ms"
check "100 archives: the server listens in well under a second (${ms} ms)" test "$ms" -lt 500
check_eq "... the library answers" "$code" 200
check "... and lists them all in under two seconds (${ms2} ms)" test "$ms2" -lt 2000
check_grep "... with unique names" 'href="/content/a100/"' body
check_eq "... each one served" "$(get "${URL}content/a042/index.html")" 200
stop_server "$PID"

done_testing
