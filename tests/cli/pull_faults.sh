# shellcheck shell=bash
# smz pull against faults (issue 25), on 127.0.0.1: a fault-injecting proxy
# of our own (tests/tools/faultproxy.py) in front of nginx (a web folder
# with smz-catalog.xml) and of a real smz serve cuts a transfer (the next run
# asks for the rest with a Range request, If-Range the validator of the
# first answer, and the result is byte-identical; when the source replaced
# the archive in between, it starts over: told by the catalog, or, when
# the catalog gives no digest and the new file has the same size, by the
# server's 200 to If-Range (nginx's ETag and Last-Modified, smz serve's ETag)),
# flips a byte (refused, DIR unchanged; the next run fetches a sound copy),
# and lies about sizes (refused); a catalog that lies about a length or a
# digest is refused too; a full disk fails with a clear message and leaves
# DIR as it was.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

PROXY_PIDS=""
cleanup() {
    for p in $PROXY_PIDS; do kill "$p" 2>/dev/null; done
    serve_cleanup
}
trap cleanup EXIT
# start_proxy NAME UPSTREAM_PORT: sets PP (its port); its state in NAME/
start_proxy() {
    mkdir -p "$1"
    PP=$(free_port)
    python3 "$TOP/tests/tools/faultproxy.py" "$PP" "$2" "$1" 2>"$1/stderr" &
    PROXY_PIDS="$PROXY_PIDS $!"
    for _ in $(seq 100); do [ -f "$1/ready" ] && break; sleep 0.05; done
}
listing() { (cd "$1" && for f in * .[!.]*; do [ -e "$f" ] && echo "$f $(sha256sum <"$f" | cut -c1-64)"; done); }

mkdir -p src
"$SMZ_PACK" "$TOP/samples" -o src/samples.smz --quiet
# In the layout archives had before the clusters went last (docs/FORMAT.md,
# "Layout"), whose entry table ends the file: smz pull fetches it first.
# Today's layout, read in order: "in order" below.
python3 "$TOP/tests/tools/legacy_layout.py" src/samples.smz
"$SMZ" catalog src --quiet
size=$(stat -c %s src/samples.smz)
start_nginx "$T/src"
start_proxy px "$NP"
SRC="http://127.0.0.1:$PP/"

# Its catalog gives smz:tail, so smz pull asks for the bytes from there to
# the end first (a range request the proxy's faults skip unless they say
# "tail"), then the rest from the start: the faults below fall in the rest.
tail=$(python3 -c "
import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
print(d.execute(\"SELECT (min(pageno) - 1) * (SELECT page_size FROM pragma_page_size) FROM dbstat \"
                \"WHERE name = 'entry_blocks' AND pageno <> (SELECT rootpage FROM sqlite_schema \"
                \"WHERE name = 'entry_blocks')\").fetchone()[0])" src/samples.smz)
check "the archive's tail starts after byte 12000" test "$tail" -gt 12000 -a "$tail" -lt "$size"

# --- a transfer cut at 10000 bytes, resumed by the next run ---
echo "cut 10000" >px/fault
"$SMZ" pull "$SRC" cut >cut.out 2>cut.err
check_eq "a cut transfer fails (2)" "$?" 2
check_grep "saying where it stopped and that a new run resumes" "samples.smz: the transfer stopped at .*run again to resume" cut.err
check_eq "the archive is not in DIR" "$(ls cut | wc -l)" 0
check_eq "the partial file is kept beside it, with what arrived (not the tail)" "$(stat -c %s cut/.samples.smz.part 2>&1)" 10000
"$SMZ" pull "$SRC" cut >resume.out 2>resume.err
check_eq "the next run succeeds" "$?" 0
check_grep "saying it resumes" "samples.smz: resuming at 10.0 kB" resume.out
check_grep "the tail fetched again, first" "GET /samples.smz .*Range: bytes=$tail-$((size - 1))$" px/log
check_grep "with a Range request for the rest, up to the tail (proxy's log)" "GET /samples.smz .*Range: bytes=10000-$((tail - 1))" px/log
check_grep "and nginx's ETag of the first answer as If-Range" "GET /samples.smz .*Range: bytes=10000-$((tail - 1))  If-Range: \"[0-9a-f]+-[0-9a-f]+\"$" px/log
check_grep "which matches: the rest comes (206)" "^status /samples.smz 206$" px/log
check "and the archive is byte-identical" cmp src/samples.smz cut/samples.smz
check_eq "no partial file is left" "$(ls -A cut | tr '\n' ' ')" "samples.smz "

# --- cut, then the source replaces the archive: the kept part is of the
# old file, so the next run starts over instead of appending the new
# file's rest to it (which would be refused at the end, the transfer lost) ---
mkdir -p src2 && cp src/samples.smz src2/samples.smz.orig
echo "cut 10000" >px/fault
"$SMZ" pull "$SRC" swap >/dev/null 2>swap.err
check_eq "swap: the transfer is cut (2)" "$?" 2
check "... what arrived is kept with what it is of" test -s swap/.samples.smz.part -a -s swap/.samples.smz.part.id
mkdir -p s2 && cp -r "$TOP/samples/." s2/ && echo "One more article for the new version." >s2/zz_more.txt
"$SMZ_PACK" s2 -o src/samples.smz --quiet --date 2030-01-01
"$SMZ" catalog src --quiet
"$SMZ" pull "$SRC" swap >swap2.out 2>swap2.err
check_eq "swap: the next run succeeds" "$?" 0
check_eq "... starting over, not resuming the old file's part" "$(grep -c 'resuming at' swap2.out)" 0
check "... and gives the new archive" cmp src/samples.smz swap/samples.smz
check_eq "... with no partial file left" "$(ls -A swap | tr '\n' ' ')" "samples.smz "
mv src2/samples.smz.orig src/samples.smz && "$SMZ" catalog src --quiet

# --- a flipped byte ---
echo "corrupt 12000" >px/fault
"$SMZ" pull "$SRC" flip >flip.out 2>flip.err
check_eq "a corrupted transfer is refused (1)" "$?" 1
check_grep "the BLAKE2b of the catalog names the damage" "samples.smz: refused: its bytes are not those the catalog names.*damaged on the way; nothing replaced" flip.err
check_eq "DIR is left as it was (empty, no partial file)" "$(ls -A flip | wc -l)" 0
"$SMZ" pull "$SRC" flip >flip2.out 2>&1
check "the next run fetches a sound copy" cmp src/samples.smz flip/samples.smz
# a flipped byte in the resumed half of a transfer
echo "cut 10000" >px/fault
"$SMZ" pull "$SRC" flip3 >/dev/null 2>&1
echo "corrupt 12000" >px/fault
"$SMZ" pull "$SRC" flip3 >flip3.out 2>flip3.err
check_eq "a byte flipped after a resume: refused (1)" "$?" 1
check_eq "and the partial file is dropped, not resumed again" "$(ls -A flip3 | wc -l)" 0
# DIR with an archive in it: unchanged when the new one is refused
mkdir -p keep && "$SMZ_PACK" "$TOP/samples" -o keep/samples.smz --quiet --date 2001-01-01 --title Old
before=$(listing keep)
echo "corrupt 100" >px/fault
"$SMZ" pull "$SRC" keep >keep.out 2>keep.err
check_eq "a corrupt newer version is refused (1)" "$?" 1
check_eq "and the old archive stays, byte for byte" "$(listing keep)" "$before"

# --- a server that lies about sizes ---
echo "length 30000" >px/fault
"$SMZ" pull "$SRC" lie >lie.out 2>lie.err
check_eq "a Content-Length other than the catalog's: refused (1)" "$?" 1
check_grep "saying so" "samples.smz: refused: the server says the file is [0-9]+ bytes, the catalog $size" lie.err
check_eq "DIR unchanged" "$(ls -A lie | wc -l)" 0
echo "length $((size + 5000))" >px/fault
"$SMZ" pull "$SRC" lie2 >/dev/null 2>lie2.err
check_eq "a Content-Length larger than the catalog's: refused (1)" "$?" 1
echo "cut 10000" >px/fault
"$SMZ" pull "$SRC" lie3 >/dev/null 2>&1
echo "total $((size * 2))" >px/fault
"$SMZ" pull "$SRC" lie3 >/dev/null 2>lie3.err
check_eq "a Content-Range total other than the catalog's: refused (1)" "$?" 1
check_grep "saying so" "the server says the file is $((size * 2)) bytes" lie3.err
check_eq "and the partial file is dropped" "$(ls -A lie3 | wc -l)" 0

# --- the tail first (smz:tail) ---
check_grep "smz catalog gives the tail's offset, as dbstat finds it" "href=\"samples.smz\" length=\"$size\" smz:tail=\"$tail\"/>" src/smz-catalog.xml
: >px/log
"$SMZ" pull "$SRC" tf >tf.out 2>tf.err
check_eq "a pull with the tail first succeeds" "$?" 0
check "byte-identical" cmp src/samples.smz tf/samples.smz
check_eq "the tail asked for first, then the rest (proxy's log)" \
    "$(grep -E '^GET /samples' px/log | tr '\n' '|')" \
    "GET /samples.smz HTTP/1.1  Range: bytes=$tail-$((size - 1))|GET /samples.smz HTTP/1.1  Range: bytes=0-$((tail - 1))|"
check_eq "both answered 206" "$(grep -c '^status /samples.smz 206$' px/log)" 2
# (the proxy logs "sent" once its upstream closes: the order of those lines may vary)
check_eq "the file's bytes fetched once, no more" "$(sed -n 's|^sent /samples.smz ||p' px/log | sort -n | tr '\n' ' ')" "$((size - tail)) $tail "
check_eq "no partial file left" "$(ls -A tf | tr '\n' ' ')" "samples.smz "
mkdir -p v2src && "$SMZ_PACK" "$TOP/samples" -o v2src/v2.smz --quiet --format-version 2 && "$SMZ" catalog v2src --quiet
check_grep "a version 2 archive is in its catalog" "href=\"v2.smz\" length=" v2src/smz-catalog.xml
check_eq "... without smz:tail (it has no entry table)" "$(grep -c 'smz:tail' v2src/smz-catalog.xml)" 0
# a server that ignores the tail's range: the whole file in order
echo "norange 0 tail" >px/fault
: >px/log
"$SMZ" pull "$SRC" nr >nr.out 2>nr.err
check_eq "a server answering the tail's range with the whole file: the pull succeeds" "$?" 0
check "byte-identical" cmp src/samples.smz nr/samples.smz
check_grep "the tail request got 200" "^status /samples.smz 200$" px/log
check_grep "then the whole file in order, without a range" "^GET /samples.smz HTTP/1.1$" px/log
check_eq "nothing said about it on stderr" "$(wc -c <nr.err)" 0
# the tail's request cut: in order too, the pull does not fail for it
echo "cut 100 tail" >px/fault
"$SMZ" pull "$SRC" tc >/dev/null 2>tc.err
check_eq "the tail's transfer cut: the pull succeeds in order" "$?" 0
check "byte-identical" cmp src/samples.smz tc/samples.smz
# a byte flipped in the tail
echo "corrupt $((size - 50)) tail" >px/fault
"$SMZ" pull "$SRC" tflip >/dev/null 2>tflip.err
check_eq "a byte flipped in the tail: refused (1)" "$?" 1
check_grep "by the BLAKE2b" "samples.smz: refused: its bytes are not those the catalog names.*damaged on the way; nothing replaced" tflip.err
check_eq "DIR left empty (no partial file)" "$(ls -A tflip | wc -l)" 0
check_grep "the fault was in the tail's answer" "^fault corrupt $((size - 50))$" px/log
# a catalog whose smz:tail is not one to use: ignored, the pull in order
for bad in "x$tail" "$size" "$((size + 512))" "$((tail + 100))" "0" "-512"; do
    mkdir -p src/bt && cp src/samples.smz src/bt/
    sed "s/smz:tail=\"$tail\"/smz:tail=\"$bad\"/" src/smz-catalog.xml >src/bt/smz-catalog.xml
    grep -q "smz:tail=\"$bad\"" src/bt/smz-catalog.xml || bad "catalog for smz:tail=$bad not made"
    : >px/log
    rm -rf bt
    "$SMZ" pull "http://127.0.0.1:$PP/bt/" bt >/dev/null 2>bt.err
    check_eq "smz:tail=\"$bad\": the pull succeeds" "$?" 0
    check "... byte-identical" cmp src/samples.smz bt/samples.smz
    check_eq "... in order: one request, no range" "$(grep '^GET /bt/samples' px/log | tr '\n' '|')" "GET /bt/samples.smz HTTP/1.1|"
done

# --- in order: today's layout (the clusters last), no smz:tail, the check
# reading the bytes as they arrive, first to last ---
mkdir -p src/now && "$SMZ_PACK" "$TOP/samples" -o src/now/samples.smz --quiet && "$SMZ" catalog src/now --quiet
nsize=$(stat -c %s src/now/samples.smz)
check_grep "an archive whose clusters lie last: no smz:tail in its catalog" "href=\"samples.smz\" length=\"$nsize\"/>" src/now/smz-catalog.xml
: >px/log
echo "cut 10000" >px/fault
"$SMZ" pull "${SRC}now/" ncut >/dev/null 2>ncut.err
check_eq "in order, a cut transfer fails (2)" "$?" 2
check_eq "the part keeps what arrived" "$(stat -c %s ncut/.samples.smz.part 2>&1)" 10000
"$SMZ" pull "${SRC}now/" ncut >ncut2.out 2>&1
check_eq "the next run succeeds" "$?" 0
check_grep "resuming" "samples.smz: resuming at 10.0 kB" ncut2.out
check_eq "the first answer whole, then one range for the rest: no tail" \
    "$(sed -n 's|^GET /now/samples.smz HTTP/1.1 *||p' px/log | sed 's/  If-Range.*//' | tr '\n' '|')" "|Range: bytes=10000-|"
check "byte-identical" cmp src/now/samples.smz ncut/samples.smz
echo "corrupt 3000" >px/fault
"$SMZ" pull "${SRC}now/" nflip >/dev/null 2>nflip.err
check_eq "in order, a byte flipped among the entries: refused (1)" "$?" 1
check_eq "DIR left empty" "$(ls -A nflip | wc -l)" 0
echo "corrupt $((nsize - 3000))" >px/fault
"$SMZ" pull "${SRC}now/" nflip2 >/dev/null 2>nflip2.err
check_eq "in order, a byte flipped in the last cluster: refused (1)" "$?" 1
check_grep "by the BLAKE2b" "samples.smz: refused: its bytes are not those the catalog names" nflip2.err
check_eq "DIR left empty" "$(ls -A nflip2 | wc -l)" 0

# --- checked by a trusted signature of the bytes (NAME.smz.minisig): hashed
# for it on a thread of its own while they arrive ---
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
mkdir -p src/sig && "$SMZ_PACK" "$TOP/samples" -o src/sig/samples.smz --sign k.key --quiet && "$SMZ" catalog src/sig --quiet
bysig="^samples.smz: fetched \(new, .*\), verified: its bytes are those trusted key [0-9A-F]+ signed$"
echo "cut 10000" >px/fault
"$SMZ" pull "${SRC}sig/" scut --keyring k.pub >/dev/null 2>scut.err
check_eq "signed, a cut transfer fails (2)" "$?" 2
check_eq "the part keeps what arrived" "$(stat -c %s scut/.samples.smz.part 2>&1)" 10000
"$SMZ" pull "${SRC}sig/" scut --keyring k.pub >scut2.out 2>&1
check_eq "the next run succeeds" "$?" 0
check_grep "resuming (the part's bytes hashed first)" "samples.smz: resuming at 10.0 kB" scut2.out
check_grep "verified by the signature" "$bysig" scut2.out
check "byte-identical" cmp src/sig/samples.smz scut/samples.smz
echo "cut 10000" >px/fault
"$SMZ" pull "${SRC}sig/" srestart --keyring k.pub >/dev/null 2>&1
# (a byte of the kept part changed: only a hash started again from the
# first byte the server sends matches the signature)
printf 'X' | dd of=srestart/.samples.smz.part bs=1 seek=5000 conv=notrunc 2>/dev/null
echo "norange 0" >px/fault
"$SMZ" pull "${SRC}sig/" srestart --keyring k.pub >srestart.out 2>&1
check_eq "cut, then the whole file sent instead of the rest: succeeds" "$?" 0
check_grep "... fetched again from the start" "the source sent the whole file, not the rest: fetched again from the start" srestart.out
check_grep "... its hash started again with it: verified by the signature" "$bysig" srestart.out
check "... byte-identical" cmp src/sig/samples.smz srestart/samples.smz
echo "corrupt 12000" >px/fault
"$SMZ" pull "${SRC}sig/" sflip --keyring k.pub >sflip.out 2>sflip.err
check_eq "signed, a flipped byte: refused (1)" "$?" 1
check_grep "the signature does not hold for the bytes: checked whole" "samples.smz: its detached signature does not hold .*: checked whole" sflip.out
check_grep "where the catalog's BLAKE2b names the damage" "samples.smz: refused: its bytes are not those the catalog names.*damaged on the way" sflip.err
check_eq "DIR left empty" "$(ls -A sflip | wc -l)" 0

# --- a catalog that lies ---
mkdir -p liar && cp src/samples.smz liar/
sed "s/length=\"$size\"/length=\"$((size - 100))\"/" src/smz-catalog.xml >liar/smz-catalog.xml
mkdir -p www/liar && cp liar/* www/liar/ && cp -r src www/good
kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")"; wait "$NGINX_PID" 2>/dev/null
start_nginx "$T/www" "location /lm/ { etag off; }"
"$SMZ" pull "http://127.0.0.1:$NP/liar/" liarout >/dev/null 2>liar.err
check_eq "a catalog length shorter than the file: refused (1)" "$?" 1
check_eq "DIR unchanged" "$(ls -A liarout | wc -l)" 0
other=$(printf '%064d' 0)
sed "s|<smz:digest>[0-9a-f]*</smz:digest>|<smz:digest>$other</smz:digest>|; s|<smz:blake2b>[0-9a-f]*</smz:blake2b>||" \
    src/smz-catalog.xml >www/liar/smz-catalog.xml
"$SMZ" pull "http://127.0.0.1:$NP/liar/" liarout >/dev/null 2>liar2.err
check_eq "a catalog naming another digest: refused (1)" "$?" 1
check_grep "saying it is another archive" "refused: it is another archive than the catalog lists" liar2.err

# --- a hostile catalog: links that would name a file outside DIR, hidden,
# of another scheme, without a length; a title with an escape sequence ---
mkdir -p www/hostile
acq='rel="http://opds-spec.org/acquisition/open-access"'
{
    echo '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    for href in '%2E%2E%2Fup.smz' 'sub%2Fx.smz' '.hidden.smz' 'file:///etc/passwd.smz' 'x.smz%00.txt' 'javascript:alert(1)'; do
        echo "<entry><title>t</title><name>n</name><link $acq href=\"$href\" length=\"10\"/></entry>"
    done
    echo "<entry><title>t</title><name>nolen$(printf '\302\2332J')</name><link $acq href=\"nolen.smz\"/></entry>"
    echo '</feed>'
} >www/hostile/smz-catalog.xml
"$SMZ" pull "http://127.0.0.1:$NP/hostile/" hostile >hostile.out 2>hostile.err
check_eq "a hostile catalog: nothing to fetch (0)" "$?" 0
check_eq "each of its 7 entries skipped with a line" "$(grep -c 'skipped:' hostile.out)" 7
check_grep "a link without a length says so, the name escaped" "nolen\\\\u\{009B\}2J: skipped: its link gives no length" hostile.out
check_eq "no escape sequence (a C1 CSI) reaches the terminal" "$(cat hostile.out hostile.err | grep -c $'\302\233')" 0
check_eq "and nothing is written" "$(ls -A hostile | wc -l)" 0
check "nor outside DIR" test ! -e up.smz -a ! -e sub
printf 'not xml at all' >www/hostile/smz-catalog.xml
"$SMZ" pull "http://127.0.0.1:$NP/hostile/" hostile >/dev/null 2>notxml.err
check_eq "a catalog that is not XML is an error (2)" "$?" 2
check_grep "saying so" "not an OPDS catalog" notxml.err

# --- through a real smz serve (its OPDS catalog: no BLAKE2b, the check finds damage) ---
start_server serve src/samples.smz --address 127.0.0.1
start_proxy ps "$PORT"
SRV="http://127.0.0.1:$PP/"
echo "cut 15000" >ps/fault
"$SMZ" pull "$SRV" viaserve >/dev/null 2>vs.err
check_eq "smz serve: a cut transfer fails (2)" "$?" 2
"$SMZ" pull "$SRV" viaserve >/dev/null 2>&1
check_eq "and the next run succeeds" "$?" 0
check_grep "with a Range request to smz serve" "GET /download/samples.smz .*Range: bytes=15000-" ps/log
check "byte-identical" cmp src/samples.smz viaserve/samples.smz
curl -s "${URL%/}/catalog/v2/entries" >serve-feed.xml
check_grep "smz serve's feed gives the tail's offset, as dbstat finds it" "/download/samples.smz\" length=\"$size\" smz:tail=\"$tail\"/>" serve-feed.xml
check_grep "smz serve: the tail fetched first" "GET /download/samples.smz .*Range: bytes=$tail-$((size - 1))$" ps/log
# a byte flipped in the tail (its first entry-table page's cell count):
# no BLAKE2b in smz serve's feed, the check finds it
echo "corrupt $((tail + 4)) tail" >ps/fault
"$SMZ" pull "$SRV" servtflip >/dev/null 2>stf.err
check_eq "smz serve: a byte flipped in the tail is refused (1)" "$?" 1
check_grep "by the check" "samples.smz: refused: (fails the check|not a sound archive|cannot be checked)" stf.err
check_eq "DIR unchanged" "$(ls -A servtflip | wc -l)" 0
off=$(python3 "$TOP/tests/tools/cluster_offset.py" src/samples.smz 1)
echo "corrupt $off" >ps/fault
"$SMZ" pull "$SRV" servflip >/dev/null 2>sf.err
check_eq "smz serve: a byte flipped in a cluster is refused (1)" "$?" 1
check_grep "by the check" "samples.smz: refused: (fails the check|not a sound archive)" sf.err
check_eq "DIR unchanged" "$(ls -A servflip | wc -l)" 0

# --- cut, then the source replaces the archive by another of the SAME size,
# and the catalog (hand-written) gives no digest nor BLAKE2b: nothing tells
# the kept part is of the old file but the validator the server gave with
# the first answer (.part.id), sent as If-Range; the server, whose file is
# another now, sends all of it (200) and the part starts over from 0 ---
"$SMZ_PACK" "$TOP/samples" -o same-a.smz --quiet --name same --title AAAA --date 2024-01-01
"$SMZ_PACK" "$TOP/samples" -o same-b.smz --quiet --name same --title BBBB --date 2024-01-01
ssize=$(stat -c %s same-a.smz)
check_eq "two archives of the same size" "$(stat -c %s same-b.smz)" "$ssize"
check "with other bytes" test "$(sha256sum <same-a.smz)" != "$(sha256sum <same-b.smz)"
# hand_catalog HREF: a catalog with one entry, no digest, no BLAKE2b, no UUID
hand_catalog() {
    printf '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>s</title><name>same</name><link rel="http://opds-spec.org/acquisition/open-access" href="%s" length="%s"/></entry></feed>\n' "$1" "$ssize"
}
# swap_same NAME URL: a cut pull of URL into NAME, the source's file then
# replaced (its bytes in SRCFILE, by rename, a later time), the pull again
swap_same() {
    echo "cut 20000" >"$PX/fault"
    "$SMZ" pull "$2" "$1" >"$1.out" 2>"$1.err"
    check_eq "$1: the transfer is cut (2)" "$?" 2
    check_grep "$1: the part's .id keeps the answer's validator" "^validator [^ ]" "$1/.same.smz.part.id"
    : >"$PX/log" # the resumed run's requests only
    cp same-b.smz "$SRCFILE.new" && touch -d '2024-02-01 12:00' "$SRCFILE.new" && mv "$SRCFILE.new" "$SRCFILE"
    "$SMZ" pull "$2" "$1" >"$1b.out" 2>"$1b.err"
    check_eq "$1: the next run succeeds (0)" "$?" 0
    check_grep "$1: it asked for the rest" "^same.smz: resuming at 20.0 kB" "$1b.out"
    check_grep "$1: got the whole file instead, and says it started over" "^same.smz: the source sent the whole file, not the rest: fetched again from the start$" "$1b.out"
    check_grep "$1: the new file, verified" "^same.smz: fetched \(new, .*\), verified$" "$1b.out"
    check "$1: byte-identical to the new file" cmp same-b.smz "$1/same.smz"
    check_eq "$1: no partial file left" "$(ls -A "$1" | tr '\n' ' ')" "same.smz "
}
mkdir -p www/ir www/lm
cp same-a.smz www/ir/same.smz && touch -d '2024-01-01 12:00' www/ir/same.smz && hand_catalog same.smz >www/ir/smz-catalog.xml
cp same-a.smz www/lm/same.smz && touch -d '2024-01-01 12:00' www/lm/same.smz && hand_catalog same.smz >www/lm/smz-catalog.xml
start_proxy pr "$NP"
PRP=$PP
PX=pr SRCFILE=www/ir/same.smz swap_same ir "http://127.0.0.1:$PP/ir/"
check_grep "nginx: the range request carried its ETag as If-Range" "GET /ir/same.smz .*Range: bytes=20000-  If-Range: \"[0-9a-f]+-[0-9a-f]+\"$" pr/log
check_grep "nginx answered 200, the whole new file" "^status /ir/same.smz 200$" pr/log
check_grep "all of its bytes (the proxy's count)" "^sent /ir/same.smz $ssize$" pr/log
PX=pr SRCFILE=www/lm/same.smz swap_same lm "http://127.0.0.1:$PP/lm/"
check_grep "nginx without ETag: its Last-Modified as If-Range" "GET /lm/same.smz .*Range: bytes=20000-  If-Range: Mon, 01 Jan 2024 12:00:00 GMT$" pr/log
check_grep "and the whole new file (200)" "^status /lm/same.smz 200$" pr/log
# smz serve (its own download handler: ETag of size and modification time,
# If-Range honoured), the hand-written catalog on nginx pointing at it
mkdir -p svsrc && cp same-a.smz svsrc/same.smz && touch -d '2024-01-01 12:00' svsrc/same.smz
start_server servsame svsrc/same.smz --address 127.0.0.1
start_proxy pv "$PORT"
mkdir -p www/sv && hand_catalog "http://127.0.0.1:$PP/download/same.smz" >www/sv/smz-catalog.xml
PX=pv SRCFILE=svsrc/same.smz swap_same sv "http://127.0.0.1:$NP/sv/smz-catalog.xml"
check_grep "smz serve: the range request carried its ETag as If-Range" "GET /download/same.smz .*Range: bytes=20000-  If-Range: \"[0-9a-f-]+\"$" pv/log
check_grep "smz serve answered 200, the whole new file" "^status /download/same.smz 200$" pv/log
check_grep "all of its bytes" "^sent /download/same.smz $ssize$" pv/log
# the same file still there: If-Range matches, the rest only (206)
echo "cut 20000" >pv/fault
"$SMZ" pull "http://127.0.0.1:$NP/sv/smz-catalog.xml" sv2 >/dev/null 2>&1
: >pv/log
"$SMZ" pull "http://127.0.0.1:$NP/sv/smz-catalog.xml" sv2 >sv2.out 2>&1
check_eq "smz serve, file unchanged: the resumed pull succeeds" "$?" 0
check_grep "with If-Range" "GET /download/same.smz .*Range: bytes=20000-  If-Range: \"" pv/log
check_grep "answered 206" "^status /download/same.smz 206$" pv/log
check_eq "the rest only" "$(sed -n 's|^sent /download/same.smz ||p' pv/log)" "$((ssize - 20000))"
check_eq "no restart said" "$(grep -c 'fetched again from the start' sv2.out)" 0
check "byte-identical" cmp same-b.smz sv2/same.smz
# smz serve's If-Range by hand: its current ETag gives the range (206);
# another ETag, a weak one or a date gives the whole file (200)
etag=$(curl -s -D - -o /dev/null "${URL%/}/download/same.smz" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
ir() { curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=100-' -H "If-Range: $1" "${URL%/}/download/same.smz"; }
check_eq "smz serve: If-Range with its ETag: the range" "$(ir "$etag")" "206 $((ssize - 100))"
check_eq "another ETag: the whole file" "$(ir '"0-0-0"')" "200 $ssize"
check_eq "its ETag as a weak one: the whole file" "$(ir "W/$etag")" "200 $ssize"
check_eq "a date: the whole file (it sends no Last-Modified)" "$(ir 'Mon, 01 Jan 2024 12:00:00 GMT')" "200 $ssize"
# a validator kept in .part.id that the server no longer has (here a
# made-up one): the whole file, started over
echo "cut 20000" >pr/fault
"$SMZ" pull "http://127.0.0.1:$PRP/ir/" bogus >/dev/null 2>&1
sed -i 's/^validator .*/validator "made-up"/' bogus/.same.smz.part.id
: >pr/log
"$SMZ" pull "http://127.0.0.1:$PRP/ir/" bogus >bogus.out 2>&1
check_grep "a kept validator is sent as it is" "If-Range: \"made-up\"$" pr/log
check_grep "nginx: no match, the whole file" "^status /ir/same.smz 200$" pr/log
check "and the result is sound" cmp same-b.smz bogus/same.smz

# --- a full disk ---
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=32k tmpfs small 2>/dev/null; then
    "$SMZ_PACK" "$TOP/samples" -o small/old.smz --quiet --title Old --no-index 2>/dev/null ||
        head -c 8000 src/samples.smz >small/old.smz
    before=$(listing small)
    "$SMZ" pull src small >full.out 2>full.err
    check_eq "a full disk fails (2)" "$?" 2
    check_grep "with a clear message" "samples.smz: cannot write .*No space left on device \(the disk is full\); nothing replaced" full.err
    check_eq "and DIR as it was (no partial file)" "$(listing small)" "$before"
    "$SMZ" pull "http://127.0.0.1:$NP/good/" small >full2.out 2>full2.err
    check_eq "over HTTP too (2)" "$?" 2
    check_grep "with the same message" "the disk is full" full2.err
    check_eq "and DIR as it was" "$(listing small)" "$before"
    umount small
else
    ok "# SKIP full-disk test needs root and tmpfs"
fi
done_testing
