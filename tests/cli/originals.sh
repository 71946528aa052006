# shellcheck shell=bash
# Articles keep their originals (issue 19): a .txt or .md article is stored
# byte for byte at its own path beside the page made of it, and every way
# out (smz cat, extract to a folder, tar, tar.gz, tar.zst, zip) gives those
# bytes back, for the samples and for originals made to be awkward (front
# matter, CRLF, a BOM, GBK, invalid UTF-8, empty, NUL bytes, odd names).
# The page links to its original; the original is untitled and unindexed,
# so searches, suggestions, the index page and the article counts see each
# article once; the digest and the signatures cover it.  Also: what happens
# when NAME.html is taken, links to articles, tar/zip/WARC sources, and
# archives of the old layout (a redirect at NAME.txt).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
S=$TOP/samples
export SOURCE_DATE_EPOCH=1700000000

# sums DIR: "sha256  path" of every file (not link) under DIR, sorted.
sums() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
    printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"; done); }
# members FILE: the same for the regular members of a tar (any compression
# Python reads, or zstd through the zstd tool) or zip.
members() {
    case $1 in
    *.tar.zst) zstd -dcq "$1" | python3 "$T/members.py" - ;;
    *) python3 "$T/members.py" "$1" ;;
    esac
}
cat >members.py <<'PY'
import hashlib, sys, tarfile, zipfile
out = []
if sys.argv[1].endswith(".zip"):
    z = zipfile.ZipFile(sys.argv[1])
    for i in z.infolist():
        if not i.is_dir() and (i.external_attr >> 16) & 0o170000 != 0o120000:
            out.append((i.filename, hashlib.sha256(z.read(i)).hexdigest()))
else:
    t = tarfile.open(fileobj=sys.stdin.buffer, mode="r|*") if sys.argv[1] == "-" else tarfile.open(sys.argv[1])
    for m in t:
        if m.isreg():
            out.append((m.name, hashlib.sha256(t.extractfile(m).read()).hexdigest()))
for name, h in sorted(out, key=lambda x: x[0].encode()):
    print(f"{h}  {name}")
PY
# every_way ARCHIVE SOURCE LABEL PATH...: each PATH comes out of ARCHIVE
# with the bytes of SOURCE/PATH through cat and every extract format.
every_way() {
    a=$1 src=$2 label=$3; shift 3
    rm -rf ew && mkdir ew
    "$SMZ" extract "$a" -o ew/folder 2>>ew.err
    sums ew/folder >ew/folder.sums
    for f in tar tar.gz tar.zst zip; do
        "$SMZ" extract "$a" --format "$f" -o "ew/x.$f" 2>>ew.err
        members "ew/x.$f" >"ew/$f.sums"
    done
    local bad_cat=0 bad_x=0 p want
    for p in "$@"; do
        want="$(sha256sum <"$src/$p" | cut -c1-64)  $p"
        [ "$("$SMZ" cat "$a" "$p" | sha256sum | cut -c1-64)  $p" = "$want" ] || {
            bad_cat=$((bad_cat + 1)); echo "# cat $p differs" >&2; }
        for f in folder tar tar.gz tar.zst zip; do
            grep -qxF -- "$want" "ew/$f.sums" || { bad_x=$((bad_x + 1)); echo "# $f: $p differs" >&2; }
        done
    done
    check_eq "$label: smz cat gives each original's exact bytes (sha256)" "$bad_cat" 0
    check_eq "$label: ... and so does extract to a folder, tar, tar.gz, tar.zst and zip" "$bad_x" 0
}
# title_of ARCHIVE PATH, mime_of ARCHIVE PATH: from smz ls --long.
title_of() { "$SMZ" ls --long "$1" | awk -F'\t' -v p="$2" '$1 == p { print $4 }'; }
mime_of() { "$SMZ" ls --long "$1" | awk -F'\t' -v p="$2" '$1 == p { print $2 }'; }
# original_link HREF: a pattern for the page's link to its original (an <a>
# with class "original" and that href, in either order).
original_link() { printf '<a [^>]*(class="original"[^>]* href="%s"|href="%s"[^>]* class="original")' "$1" "$1"; }

# --- the samples ---
"$SMZ_PACK" "$S" -o s.smz --quiet 2>pack.err
check_eq "samples/ packs without a warning" "$(cat pack.err)" ""
check "smz check passes" "$SMZ" check s.smz
mapfile -t arts < <(cd "$S" && ls ./*.txt | sed 's|^\./||')
check_eq "(five sample articles)" "${#arts[@]}" 5
every_way s.smz "$S" samples "${arts[@]}"
bad=0
for p in "${arts[@]}"; do
    h=${p%.txt}.html
    [ "$(mime_of s.smz "$p")" = "text/plain; charset=utf-8" ] || bad=$((bad + 1))
    [ -z "$(title_of s.smz "$p")" ] || bad=$((bad + 1))
    [ -n "$(title_of s.smz "$h")" ] || bad=$((bad + 1))
    "$SMZ" cat s.smz "$h" | grep -qE "$(original_link "$p")" || bad=$((bad + 1))
done
check_eq "each original is text/plain in UTF-8, untitled; its page is titled and links to it" "$bad" 0
check_eq "no redirect is left" "$("$SMZ" ls --long s.smz | grep -c $'\t-> ')" 0
"$SMZ" search s.smz olympics --limit 100 >olympics.txt
check "a search finds the articles" grep -q '^00[0-9]_.*\.html	' olympics.txt
check_fails "... never an original" grep -q '^[^ ].*\.txt	' olympics.txt
check_eq "... each once" "$(grep -v '^ ' olympics.txt | cut -f1 | grep -v '^[0-9]* match' | sort | uniq -d)" ""
"$SMZ" search s.smz '"Inter-Parliamentary Alliance"' >phrase.txt
check_eq "a phrase of one article finds its page alone" "$(grep -c '^0' phrase.txt)" 1
"$SMZ" suggest s.smz oly >suggest.txt
check "suggestions find the articles" grep -q '\.html' suggest.txt
check_fails "... never an original" grep -q '\.txt' suggest.txt
check_fails "the index page lists no original" grep -q 'href="[^"]*\.txt"' <("$SMZ" cat s.smz index.html)
info_mimes=$("$SMZ" info --json s.smz | python3 -c 'import json,sys; print(" ".join("%s=%d" % (m["mime"], m["entries"]) for m in json.load(sys.stdin)["mime_types"]))')
check_eq "smz info counts six pages (five articles and the index) and five originals" \
    "$info_mimes" "text/html; charset=utf-8=6 text/plain; charset=utf-8=5"

# A main page named by an article's original is the page made of it, as
# the redirect at NAME.txt made it before.
"$SMZ_PACK" "$S" -o mp.smz --main-page 001_55bbdad625445dff.txt --quiet 2>/dev/null
check_eq "--main-page NAME.txt makes the article's page the main page" \
    "$("$SMZ" info --json mp.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["MainPage"])')" \
    "001_55bbdad625445dff.html"
check_grep "... and the other pages link home to it" '<nav class="home"><a href="001_55bbdad625445dff.html">' \
    <("$SMZ" cat mp.smz 000_ba2cec2ef95cd541.html)
check "... while NAME.txt stays the original" cmp -s <("$SMZ" cat mp.smz 001_55bbdad625445dff.txt) "$S/001_55bbdad625445dff.txt"

# --- originals made to be awkward ---
mkdir -p odd/sub/dir
printf -- '---\ntitle: Front matter\ndate: 2021-05-06\n---\n# Heading\n\nBody *text*.\n' >odd/front.md
printf 'A CRLF title\r\n\r\nBody one.\r\nBody two.\r\n' >odd/crlf.txt
printf '\xef\xbb\xbfBOM title\n\nBody after a byte order mark.\n' >odd/bom.txt
python3 -c 'import sys; sys.stdout.buffer.write("中文标题\n\n这是GBK编码的正文。\n".encode("gbk"))' >odd/gbk.txt
printf 'Caf\xe9 \xff\xfe broken \xc3 UTF-8\n\nSecond paragraph.\n' >odd/invalid.txt
: >odd/empty.txt
printf 'Before a NUL\x00after it\n\n\x00\x00 more\n' >odd/nul.txt
printf 'No newline at the end' >odd/nonl.md
printf 'Deep\n\nIn a folder, with an odd name.\n' >'odd/sub/dir/deep name #1.txt'
"$SMZ_PACK" odd -o odd.smz --quiet 2>odd.err
check "odd originals pack" test -s odd.smz
check_eq "... without a warning" "$(cat odd.err)" ""
check "... and smz check passes" "$SMZ" check odd.smz
mapfile -t odds < <(cd odd && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
check_eq "(nine odd originals)" "${#odds[@]}" 9
every_way odd.smz odd odd "${odds[@]}"
check_eq "a GBK original gets its charset (found by uchardet)" "$(mime_of odd.smz gbk.txt)" "text/plain; charset=gb18030"
check_eq "... and invalid UTF-8 the charset uchardet guesses" "$(mime_of odd.smz invalid.txt)" "text/plain; charset=windows-1252"
check_eq "a Markdown original is text/markdown in UTF-8" "$(mime_of odd.smz front.md)" "text/markdown; charset=utf-8"
check_eq "... its page has the front matter's title" "$(title_of odd.smz front.html)" "Front matter"
check_eq "an empty original is stored, empty" "$("$SMZ" ls --long odd.smz | awk -F'\t' '$1 == "empty.txt" { print $3 }')" 0
check "... and has a page" "$SMZ" cat odd.smz empty.html
check_grep "a page in a folder links to its original by file name, percent-encoded" \
    "$(original_link 'deep%20name%20%231\.txt')" <("$SMZ" cat odd.smz 'sub/dir/deep name #1.html')
bad=0
for p in "${odds[@]}"; do
    h=${p%.*}.html
    "$SMZ" cat odd.smz "$h" | grep -qE "$(original_link "[^\"]+")" || bad=$((bad + 1))
done
check_eq "every odd original has a page that links to it" "$bad" 0

# --- the content digest and the signatures cover the originals ---
# Two sources whose articles differ in one byte that the page does not show
# (one more blank line between paragraphs): the pages are the same, the
# digests are not.
mkdir -p d1 d2
printf 'One title\n\nFirst paragraph.\n\nSecond paragraph.\n' >d1/a.txt
printf 'One title\n\nFirst paragraph.\n\n\nSecond paragraph.\n' >d2/a.txt
check "(the two originals differ in one byte)" python3 -c '
import sys; a, b = (open(f, "rb").read() for f in sys.argv[1:])
sys.exit(not any(b[:i] + b[i + 1:] == a for i in range(len(b))))' d1/a.txt d2/a.txt
touch -d '2020-01-01 00:00 UTC' d1/a.txt d2/a.txt
mkdir -p dd1 dd2
"$SMZ_PACK" d1 -o dd1/d.smz --quiet 2>/dev/null
"$SMZ_PACK" d2 -o dd2/d.smz --quiet 2>/dev/null
check "(their pages are byte-identical)" cmp -s <("$SMZ" cat dd1/d.smz a.html) <("$SMZ" cat dd2/d.smz a.html)
digest() { "$SMZ" info --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["Digest"])'; }
d1=$(digest dd1/d.smz) d2=$(digest dd2/d.smz)
check "the digests are there" test ${#d1} -eq 64 -a ${#d2} -eq 64
check "... and differ: the digest covers the original" test "$d1" != "$d2"
check_grep "smz info shows it" "^Digest +$d1" <("$SMZ" info dd1/d.smz)

"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
"$SMZ_PACK" d1 -o signed.smz --sign k.key --quiet 2>/dev/null
check "a signed archive of articles verifies" "$SMZ" verify signed.smz --key k.pub
# The forger changes one byte of the original in its cluster and mends the
# cluster's checksum, the Digest and the UUID, so that smz check alone is
# satisfied (as tests/cli/sign.sh does for a stored picture).
cp signed.smz forged.smz
python3 - forged.smz <<'PY'
import os, sqlite3, subprocess, sys, entryblocks
db = sqlite3.connect(sys.argv[1])
entryblocks.open(db)
cid, off, size = db.execute("select cluster, offset, size from entries where path = 'a.txt'").fetchone()
kind, data = db.execute("select kind, data from clusters where id = ?", (cid,)).fetchone()
raw = bytearray(subprocess.run(["zstd", "-dcq"], input=data, capture_output=True, check=True).stdout if kind == 1 else data)
i = off + raw[off:off + size].index(b"First")
raw[i] = ord("f")
open("forged.raw", "wb").write(raw)
if kind == 1:
    subprocess.run(["zstd", "-qf", "-19", "forged.raw", "-o", "forged.zst"], check=True)
    data = open("forged.zst", "rb").read()
else:
    data = bytes(raw)
db.execute("update clusters set data = ? where id = ?", (data, cid))
db.commit()
subprocess.run([os.environ["RECHECKS"], sys.argv[1], str(cid)], check=True)
PY
check_grep "(the original now reads otherwise)" "^first paragraph" <("$SMZ" cat forged.smz a.txt)
check "(... and its page does not)" cmp -s <("$SMZ" cat forged.smz a.html) <("$SMZ" cat signed.smz a.html)
new=$("$SMZ" check forged.smz 2>&1 | sed -n 's/.*content digest mismatch: stored [0-9a-f]*, computed \([0-9a-f]*\).*/\1/p')
check "smz check sees the digest change" test ${#new} -eq 64
python3 - forged.smz "$new" <<'PY'
import sqlite3, sys
d = bytearray.fromhex(sys.argv[2][:32]); d[6] = d[6] & 15 | 128; d[8] = d[8] & 63 | 128; x = d.hex()
db = sqlite3.connect(sys.argv[1])
for k, v in (("Digest", sys.argv[2]), ("UUID", f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}")):
    db.execute("insert or replace into metadata(key, value) values(?, ?)", (k, v.encode()))
db.commit()
PY
check "(the forged archive passes smz check without a key)" "$SMZ" check forged.smz
"$SMZ" verify forged.smz --key k.pub >v.out 2>&1
check_eq "smz verify refuses an archive whose original was changed" "$?" 1
check_grep "... saying the entries were changed" "the entries were changed after the archive was signed" v.out

# --- NAME.html taken: the page there is kept, the article stored as it is ---
mkdir -p c1 c2
printf '<html><head><title>Own page</title></head><body>own</body></html>' >c1/a.html
printf 'A text\n\nWith zanzibarword inside.\n' >c1/a.txt
"$SMZ_PACK" c1 -o c1.smz --articles --quiet 2>c1.err
check_grep "a source's own NAME.html beside NAME.txt: a warning" "a.txt: a.html is in the archive already; a.txt is stored as it is, not rendered" c1.err
check "... the source's page is kept byte for byte" cmp -s <("$SMZ" cat c1.smz a.html) c1/a.html
check "... and so is the text" cmp -s <("$SMZ" cat c1.smz a.txt) c1/a.txt
check_grep "... found by its text, as any text file" "^a.txt" <("$SMZ" search c1.smz zanzibarword)
printf -- '---\ntitle: From Markdown\n---\nMarkdown body.\n' >c2/b.md
printf 'Plain body.\n' >c2/b.txt
"$SMZ_PACK" c2 -o c2.smz --quiet 2>c2.err
check_grep "NAME.md and NAME.txt: the second is not rendered over the first" "b.txt: b.html is in the archive already" c2.err
check_eq "... the page is the Markdown's" "$(title_of c2.smz b.html)" "From Markdown"
check_grep "... and links to it" "$(original_link 'b\.md')" <("$SMZ" cat c2.smz b.html)
every_way c2.smz c2 "NAME.md and NAME.txt" b.md b.txt

# --- links to articles ---
mkdir -p l
printf 'Linked\n\nThe article.\n' >l/a.txt
ln -s a.txt l/b.txt
ln -s a.txt l/latest.html
"$SMZ_PACK" l -o l.smz --articles --quiet 2>/dev/null
check_grep "a link named like an article leads to the original" "^b.txt	-> a.txt" <("$SMZ" ls --long l.smz)
check "... and gives its bytes" cmp -s <("$SMZ" cat l.smz b.txt) l/a.txt
check_grep "any other link to an article leads to its page" "^latest.html	-> a.html" <("$SMZ" ls --long l.smz)

# --- tar, zip and WARC sources ---
tar -C odd -cf odd.tar . && (cd odd && python3 -c '
import os, zipfile
z = zipfile.ZipFile("../odd.zip", "w")
for d, _, fs in os.walk("."):
    for f in fs: z.write(os.path.join(d, f), os.path.relpath(os.path.join(d, f)))')
for src in odd.tar odd.zip; do
    "$SMZ_PACK" "$src" -o "$src.smz" --articles --quiet 2>/dev/null
    check "$src packs" test -s "$src.smz"
    every_way "$src.smz" odd "a $src source" "${odds[@]}"
    check_grep "... with the pages" "$(original_link 'gbk\.txt')" <("$SMZ" cat "$src.smz" gbk.html)
done
python3 - odd/gbk.txt <<'PY'
import sys
body = open(sys.argv[1], "rb").read()
http = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=gbk\r\nContent-Length: %d\r\n\r\n" % len(body) + body
rec = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/news/gbk.txt\r\n"
       b"WARC-Date: 2022-02-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
       b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(http) + http + b"\r\n\r\n")
open("gbk.warc", "wb").write(rec)
PY
"$SMZ_PACK" gbk.warc -o warc.smz --articles --quiet 2>warc.err
wp=$("$SMZ" ls warc.smz | grep 'gbk\.txt$')
check "a WARC source with --articles keeps the original" cmp -s <("$SMZ" cat warc.smz "$wp") odd/gbk.txt
check_eq "... typed text/plain with the charset its HTTP header names" "$(mime_of warc.smz "$wp")" "text/plain; charset=gbk"
check_grep "... beside its page" "$(original_link 'gbk\.txt')" <("$SMZ" cat warc.smz "${wp%.txt}.html")

# --- archives made before: a redirect at NAME.txt to the page ---
mkdir -p old
"$SMZ" cat s.smz 000_ba2cec2ef95cd541.html >old/000_ba2cec2ef95cd541.html
printf '000_ba2cec2ef95cd541.txt\tOld title\t000_ba2cec2ef95cd541.html\n' >old.tsv
"$SMZ_PACK" old -o old.smz --no-articles --redirects old.tsv --quiet 2>/dev/null
check_grep "(an archive of the old layout)" "^000_ba2cec2ef95cd541.txt	-> 000_ba2cec2ef95cd541.html" <("$SMZ" ls --long old.smz)
check "... passes smz check" "$SMZ" check old.smz
check "... smz cat of NAME.txt gives the page, as before" \
    cmp -s <("$SMZ" cat old.smz 000_ba2cec2ef95cd541.txt) old/000_ba2cec2ef95cd541.html
"$SMZ" extract old.smz -o oldx 2>/dev/null
check_eq "... extract makes NAME.txt a link to the page, as before" "$(readlink oldx/000_ba2cec2ef95cd541.txt)" "000_ba2cec2ef95cd541.html"

# --- what the server counts ---
. "$TOP/tests/browser/serve_common.sh"
start_server srv s.smz
check "smz serve starts" test -n "$URL"
check_grep "OPDS counts the pages as articles, not the originals nor the generated index" "<articleCount>5</articleCount>" \
    <(curl -s "${URL}catalog/v2/entries")
check_grep "... and so does the library card" '>5 articles<|5 articles' <(curl -s "${URL}")
check "the original is served byte for byte" cmp -s <(curl -s "${URL}content/s/000_ba2cec2ef95cd541.txt") "$S/000_ba2cec2ef95cd541.txt"
check_grep "... as text/plain in UTF-8" "^Content-Type: text/plain; charset=utf-8" \
    <(curl -s -D - -o /dev/null "${URL}content/s/000_ba2cec2ef95cd541.txt" | tr -d '\r')
stop_server "$PID"
done_testing
