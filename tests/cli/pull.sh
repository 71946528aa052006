# shellcheck shell=bash
# smz pull SOURCE DIR (issue 25): mirrors a folder (a stick), a real smz
# serve (its OPDS catalog) and nginx serving a folder with the catalog smz
# catalog writes, byte for byte; a second run fetches nothing; a newer
# version (another digest, a later Date) replaces the old one, an older or
# equally old other version is kept; --dry-run changes nothing; nothing is
# deleted without --delete; --keyring takes only archives a trusted key
# signed (unsigned or another key's: refused, DIR unchanged).  Faults of the
# network and the disk: pull_faults.sh.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

mkdir -p src site site2
printf '<html><head><title>A</title></head><body><p>alpha page</p></body></html>' >site/a.html
printf '<html><head><title>B</title></head><body><p>beta page</p></body></html>' >site2/b.html
"$SMZ_PACK" "$TOP/samples" -o src/samples.smz --quiet
"$SMZ_PACK" site -o src/alpha.smz --name alpha --title "Alpha" --date 2024-05-06 --quiet
# samples.smz in the layout archives had before the clusters went last
# (docs/FORMAT.md, "Layout"): the entry table at the end, fetched first
# (smz:tail); alpha.smz in today's, read in order.
python3 "$TOP/tests/tools/legacy_layout.py" src/samples.smz
"$SMZ" catalog src --quiet
# what a folder holds: NAME SIZE SHA256, one line per archive
listing() { (cd "$1" && for f in *.smz; do [ -e "$f" ] && echo "$f $(stat -c %s "$f") $(sha256sum <"$f" | cut -c1-64)"; done); }
want=$(listing src)

# --- from a folder (a stick) ---
"$SMZ" pull src fromdir >dir.out 2>dir.err
check_eq "pull from a folder succeeds" "$?" 0
check_eq "DIR (made when missing) holds the source's archives, byte for byte" "$(listing fromdir)" "$want"
check_grep "each fetch is named and said verified" "^alpha.smz: fetched \(new, .*\), verified$" dir.out
check_eq "no partial file is left" "$(ls -A fromdir | grep -c part)" 0
check_eq "and no progress bar off a terminal" "$(grep -c $'\r' dir.err)" 0
"$SMZ" pull src fromdir >again.out 2>&1
check_eq "a second run succeeds" "$?" 0
check_grep "and fetches nothing: up to date" "^samples.smz: up to date$" again.out
check_eq "... nothing but up to date lines" "$(grep -vc 'up to date' again.out)" 0

# --- from a real smz serve (its OPDS catalog) ---
start_server serve src/samples.smz src/alpha.smz --address 127.0.0.1
"$SMZ" pull "$URL" fromserve >serve.out 2>serve.err
check_eq "pull from smz serve succeeds" "$?" 0
check_eq "and gives the same archives, byte for byte" "$(listing fromserve)" "$want"
"$SMZ" pull "$URL" fromserve --quiet >serve2.out 2>&1
check_eq "a second run from smz serve fetches nothing (quiet: no output)" "$?:$(wc -c <serve2.out)" "0:0"

# --- from nginx serving the folder with smz-catalog.xml ---
start_nginx "$T/src"
"$SMZ" pull "http://127.0.0.1:$NP/" fromnginx >nginx.out 2>nginx.err
check_eq "pull from a static web folder (nginx) succeeds" "$?" 0
check_eq "and gives the same archives, byte for byte" "$(listing fromnginx)" "$want"
check_grep "nginx was asked for the catalog file" "GET /smz-catalog.xml" "$NGINX_DIR/access.log"
# its catalog gives smz:tail: the tail asked for first (206, its bytes),
# then the rest (206, the bytes before it), each archive's bytes once
size=$(stat -c %s src/samples.smz)
tail=$(python3 -c "
import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
print(d.execute(\"SELECT (min(pageno) - 1) * (SELECT page_size FROM pragma_page_size) FROM dbstat \"
                \"WHERE name = 'entry_blocks' AND pageno <> (SELECT rootpage FROM sqlite_schema \"
                \"WHERE name = 'entry_blocks')\").fetchone()[0])" src/samples.smz)
check_grep "the catalog gives samples.smz's smz:tail as dbstat finds it" "href=\"samples.smz\" length=\"$size\" smz:tail=\"$tail\"" src/smz-catalog.xml
check_eq "nginx sent the tail first (206), then the rest (206)" \
    "$(awk '$7 == "/samples.smz" { printf "%s %s|", $9, $10 }' "$NGINX_DIR/access.log")" \
    "206 $((size - tail))|206 $tail|"
check_grep "an archive whose clusters lie last has no smz:tail" "href=\"alpha.smz\" length=\"[0-9]+\"/>" src/smz-catalog.xml
check_eq "and nginx sent it whole, in one answer" \
    "$(awk '$7 == "/alpha.smz" { printf "%s %s|", $9, $10 }' "$NGINX_DIR/access.log")" \
    "200 $(stat -c %s src/alpha.smz)|"
"$SMZ" pull "http://127.0.0.1:$NP/smz-catalog.xml" fromnginx2 >/dev/null 2>&1
check_eq "the catalog's own URL works too" "$(listing fromnginx2)" "$want"
"$SMZ" pull "http://127.0.0.1:$NP/nothing/" nowhere >none.out 2>none.err
check_eq "a web folder with no catalog is an error (2)" "$?" 2
check_grep "that says what was looked for" "smz-catalog.xml" none.err

# --- newer and older versions ---
mkdir -p upd
"$SMZ_PACK" site -o upd/alpha.smz --name alpha --title "Alpha" --date 2024-05-06 --quiet
"$SMZ_PACK" site2 -o newer/alpha.smz --name alpha --title "Alpha, second edition" --date 2024-06-01 --quiet 2>/dev/null ||
    { mkdir -p newer && "$SMZ_PACK" site2 -o newer/alpha.smz --name alpha --title "Alpha, second edition" --date 2024-06-01 --quiet; }
"$SMZ" pull newer upd --dry-run >dry.out 2>&1
check_eq "--dry-run succeeds" "$?" 0
check_grep "and says it would fetch the newer version" "^alpha.smz: would fetch \(newer, .*Date 2024-06-01, here 2024-05-06\)" dry.out
check_eq "but changes nothing" "$(listing upd)" "$(cd "$T" && listing src | grep alpha)"
check_eq "... not even a partial file" "$(ls -A upd | tr '\n' ' ')" "alpha.smz "
"$SMZ" pull newer upd >newer.out 2>&1
check_eq "a newer version (later Date, another digest) is fetched" "$(listing upd)" "$(listing newer)"
check_grep "and said to be newer" "^alpha.smz: fetched \(newer" newer.out
"$SMZ" pull src upd >older.out 2>&1
check_eq "an older version at the source is not taken (exit 0)" "$?" 0
check_grep "with a line that says why" "^alpha.smz: kept: the source's copy differs but is not newer" older.out
check_eq "and the newer one stays" "$(listing upd | grep alpha)" "$(listing newer)"

# --- deleting ---
"$SMZ_PACK" site -o fromdir/gone.smz --name gone --quiet
"$SMZ" pull src fromdir >nodel.out 2>&1
check "without --delete an archive the source lacks stays" test -f fromdir/gone.smz
"$SMZ" pull src fromdir --delete --dry-run >deldry.out 2>&1
check_grep "--delete --dry-run says what it would delete" "^gone.smz: would delete" deldry.out
check "and deletes nothing" test -f fromdir/gone.smz
"$SMZ" pull src fromdir --delete >del.out 2>&1
check_eq "--delete deletes it" "$(listing fromdir)" "$want"
check_grep "and says so" "^gone.smz: deleted" del.out

# --- signatures: --keyring ---
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
"$SMZ" keygen -W -p other.pub -s other.key >/dev/null 2>&1
mkdir -p signed
"$SMZ_PACK" site -o signed/alpha.smz --name alpha --date 2024-05-06 --sign k.key --quiet
keyid=$(sed -n 's/^untrusted comment: .* key //p' k.pub)
"$SMZ" pull signed good --keyring k.pub >sig.out 2>&1
check_eq "a trusted signature: fetched (exit 0)" "$?" 0
check_grep "and said verified by the trusted key's signature of its bytes (alpha.smz.minisig beside it)" \
    "^alpha.smz: fetched \(new, .*\), verified: its bytes are those trusted key $keyid signed$" sig.out
check "the same bytes" cmp good/alpha.smz signed/alpha.smz
check "and its detached signature beside it, as the source has it" cmp good/alpha.smz.minisig signed/alpha.smz.minisig
"$SMZ" pull signed goodfull --keyring k.pub --full-check >sigfull.out 2>&1
check_eq "--full-check: fetched (exit 0)" "$?" 0
check_grep "and checked whole, the embedded signature checked against the recomputed digest" \
    "^alpha.smz: fetched \(new, .*\), verified, signed by trusted key $keyid$" sigfull.out
mkdir -p bad && cp src/alpha.smz bad/old.smz
"$SMZ" pull src bad --keyring k.pub >unsigned.out 2>unsigned.err
check_eq "unsigned archives with --keyring: refused (exit 1)" "$?" 1
check_grep "with a clear message" "alpha.smz: refused: not signed \(--keyring" unsigned.err
check_eq "and DIR unchanged" "$(ls -A bad | tr '\n' ' ')" "old.smz "
"$SMZ" pull signed bad --keyring other.pub >untrusted.out 2>untrusted.err
check_eq "another key's signature: refused (exit 1)" "$?" 1
check_grep "with a clear message" "alpha.smz: refused: not signed by a trusted key" untrusted.err
check_eq "and DIR unchanged" "$(ls -A bad | tr '\n' ' ')" "old.smz "
# the same from nginx, the tail first: the signature read through the
# reader the check opened while the rest arrived
# (samples: site's archive is too small to have an entry-table page beyond the root)
mkdir -p src/signed && "$SMZ_PACK" "$TOP/samples" -o src/signed/alpha.smz --name alpha --date 2024-05-06 --sign k.key --quiet
# today's layout first: read in order, the check as the bytes arrive
mkdir -p src/signed-now && cp src/signed/alpha.smz src/signed-now/
"$SMZ" catalog src/signed-now --quiet
"$SMZ" pull "http://127.0.0.1:$NP/signed-now/" goodnow --keyring k.pub >signow.out 2>&1
check_eq "from nginx, in order, a trusted signature: fetched (exit 0)" "$?" 0
check_grep "and said signed by the trusted key" "verified, signed by trusted key $(sed -n 's/^untrusted comment: .* key //p' k.pub)" signow.out
check_eq "the same bytes" "$(cmp goodnow/alpha.smz src/signed/alpha.smz && echo same)" same
check_eq "in one answer (nginx: 200)" \
    "$(awk '$7 == "/signed-now/alpha.smz" { printf "%s|", $9 }' "$NGINX_DIR/access.log")" "200|"
# (the detached signature is over the file's bytes, which that changes:
# the embedded one, over the content, stays good)
python3 "$TOP/tests/tools/legacy_layout.py" src/signed/alpha.smz && rm -f src/signed/alpha.smz.minisig
"$SMZ" verify src/signed/alpha.smz --keyring k.pub >/dev/null 2>&1
check_eq "in the layout before, its embedded signature is still good" "$?" 0
"$SMZ" catalog src/signed --quiet
check_grep "its catalog gives smz:tail" "smz:tail=\"[0-9]+\"" src/signed/smz-catalog.xml
"$SMZ" pull "http://127.0.0.1:$NP/signed/" goodurl --keyring k.pub >sigurl.out 2>&1
check_eq "from nginx, a trusted signature: fetched (exit 0)" "$?" 0
check_grep "and said signed by the trusted key" "verified, signed by trusted key $(sed -n 's/^untrusted comment: .* key //p' k.pub)" sigurl.out
check_eq "the tail was asked for first (nginx: 206, then 206)" \
    "$(awk '$7 == "/signed/alpha.smz" { printf "%s|", $9 }' "$NGINX_DIR/access.log")" "206|206|"
"$SMZ" pull "http://127.0.0.1:$NP/signed/" badurl --keyring other.pub >untrustedurl.out 2>untrustedurl.err
check_eq "from nginx, another key's signature: refused (exit 1)" "$?" 1
check_grep "with a clear message" "alpha.smz: refused: not signed by a trusted key" untrustedurl.err
check_eq "and DIR left empty" "$(ls -A badurl | wc -l)" 0

# --- a trusted signature over the bytes stands for the check, from nginx
# and smz serve; one that does not hold for them, or is not of use, leaves
# the check to decide ---
mkdir -p src/sigbytes
"$SMZ_PACK" "$TOP/samples" -o src/sigbytes/alpha.smz --name alpha --date 2024-05-06 --sign k.key --quiet
"$SMZ" catalog src/sigbytes --quiet
check_grep "smz catalog advertises the detached signature beside an archive" \
    'href="alpha.smz" length="[0-9]+" smz:signature="alpha.smz.minisig"' src/sigbytes/smz-catalog.xml
"$SMZ" pull "http://127.0.0.1:$NP/sigbytes/" sbnginx --keyring k.pub >sbnginx.out 2>&1
check_eq "from nginx with the signature: fetched (exit 0)" "$?" 0
check_grep "verified by the signature of its bytes" "verified: its bytes are those trusted key $keyid signed$" sbnginx.out
check "the same bytes" cmp sbnginx/alpha.smz src/sigbytes/alpha.smz
check_eq "the signature, then the archive in one answer (nginx: 200, 200)" \
    "$(awk '$7 ~ "^/sigbytes/alpha.smz" { printf "%s %s|", $7, $9 }' "$NGINX_DIR/access.log")" \
    "/sigbytes/alpha.smz.minisig 200|/sigbytes/alpha.smz 200|"
check "its signature mirrored beside it" cmp sbnginx/alpha.smz.minisig src/sigbytes/alpha.smz.minisig
# a mirror of the mirror: checked by the signature too
"$SMZ" pull sbnginx sbchain --keyring k.pub >sbchain.out 2>&1
check_grep "a mirror of a mirror is checked by the signature too" "verified: its bytes are those trusted key $keyid signed$" sbchain.out
# without --keyring: checked whole, the signature mirrored as the source has it
"$SMZ" pull "http://127.0.0.1:$NP/sigbytes/" sbnokey >sbnokey.out 2>&1
check_grep "without --keyring: checked whole" "^alpha.smz: fetched \(new, .*\), verified$" sbnokey.out
check "... and the signature mirrored as the source has it" cmp sbnokey/alpha.smz.minisig src/sigbytes/alpha.smz.minisig
# DIR up to date but without the signature: with --keyring it is added
# when it holds for DIR's bytes; without, DIR is left as it is
rm sbnokey/alpha.smz.minisig
"$SMZ" pull "http://127.0.0.1:$NP/sigbytes/" sbnokey >sbnokey2.out 2>&1
check_grep "up to date, without --keyring: nothing added" "^alpha.smz: up to date$" sbnokey2.out
check "... no signature" test ! -e sbnokey/alpha.smz.minisig
"$SMZ" pull "http://127.0.0.1:$NP/sigbytes/" sbnokey --keyring k.pub >sbnokey3.out 2>&1
check_grep "up to date, with --keyring: the signature added" "^alpha.smz: up to date; its detached signature added$" sbnokey3.out
check "... the source's" cmp sbnokey/alpha.smz.minisig src/sigbytes/alpha.smz.minisig
mkdir -p sbother2 && cp src/sigbytes/alpha.smz sbother2/ && python3 "$TOP/tests/tools/legacy_layout.py" sbother2/alpha.smz
"$SMZ" pull "http://127.0.0.1:$NP/sigbytes/" sbother2 --keyring k.pub >sbother2.out 2>&1
check_grep "the same content in other bytes (another layout): up to date" "^alpha.smz: up to date$" sbother2.out
check "... and the signature, which does not hold for them, not added" test ! -e sbother2/alpha.smz.minisig
# a newer version without a signature: the old one's goes with the old bytes
mkdir -p src/signewer && "$SMZ_PACK" "$TOP/samples" -o src/signewer/alpha.smz --name alpha --date 2025-01-01 --quiet
"$SMZ" catalog src/signewer --quiet
mkdir -p sbrepl && cp sbnginx/alpha.smz sbnginx/alpha.smz.minisig sbrepl/
"$SMZ" pull "http://127.0.0.1:$NP/signewer/" sbrepl >sbrepl.out 2>&1
check_grep "a newer unsigned version replaces it" "^alpha.smz: fetched \(newer" sbrepl.out
check_eq "and the old signature is gone with the old bytes" "$(ls -A sbrepl | tr '\n' ' ')" "alpha.smz "
# --delete takes the signature with the archive
mkdir -p sbnone
"$SMZ" pull sbnone sbchain --delete >sbdel.out 2>&1
check_grep "--delete deletes the archive" "^alpha.smz: deleted" sbdel.out
check_eq "and its signature" "$(ls -A sbchain | wc -l)" 0
# one byte changed on the way (here at the source): the signature does not
# hold, the check finds the damage
mkdir -p src/sigdamaged && cp src/sigbytes/alpha.smz src/sigbytes/alpha.smz.minisig src/sigdamaged/
printf 'X' | dd of=src/sigdamaged/alpha.smz bs=1 seek=$(($(stat -c %s src/sigdamaged/alpha.smz) - 3000)) conv=notrunc 2>/dev/null
"$SMZ" catalog src/sigdamaged --quiet
"$SMZ" pull "http://127.0.0.1:$NP/sigdamaged/" sbdamaged --keyring k.pub >sbdamaged.out 2>sbdamaged.err
check_eq "a byte changed under the signature: refused (exit 1)" "$?" 1
check_grep "said: the signature does not hold, so checked whole" \
    "^alpha.smz: its detached signature does not hold \(the data does not match the signature.*\): checked whole$" sbdamaged.out
check_grep "which refuses it" "alpha.smz: refused: fails the check" sbdamaged.err
check_eq "and DIR left empty" "$(ls -A sbdamaged | wc -l)" 0
# in the user's language, the check's first problem as smz check tells it
LANGUAGE=fr "$SMZ" pull "http://127.0.0.1:$NP/sigdamaged/" sbdamagedfr --keyring k.pub >sbdamagedfr.out 2>sbdamagedfr.err
first=$(LANGUAGE=fr "$SMZ" check src/sigdamaged/alpha.smz 2>/dev/null | head -1)
check "in French: smz check names a problem" test -n "$first"
check_eq "... and the pull's refusal names it as smz check does (in French)" \
    "$(grep -cF "le premier : $first" sbdamagedfr.err)" 1
# the signature of another archive (another Date: another content digest),
# or one that is not a signature: of no use, checked whole, quietly
mkdir -p src/sigother && cp src/sigbytes/alpha.smz src/sigother/ && cp signed/alpha.smz.minisig src/sigother/
mkdir -p src/siggarbage && cp src/sigbytes/alpha.smz src/siggarbage/ && echo "not a signature" >src/siggarbage/alpha.smz.minisig
# (and one of 100 kB, over the 64 KiB a .minisig may have: not read whole)
mkdir -p src/sighuge && cp src/sigbytes/alpha.smz src/sighuge/
{ cat src/sigbytes/alpha.smz.minisig; head -c 100000 /dev/zero | tr '\0' 'x'; } >src/sighuge/alpha.smz.minisig
"$SMZ" catalog src/sighuge --quiet
check_eq "smz catalog does not advertise a .minisig over 64 KiB" "$(grep -c 'smz:signature="' src/sighuge/smz-catalog.xml)" 0
# (a catalog that advertises it anyway: pull reads at most 64 KiB of it)
sed -i 's|href="alpha.smz" length="[0-9]*"|& smz:signature="alpha.smz.minisig"|' src/sighuge/smz-catalog.xml
check_eq "... a catalog edited to advertise it" "$(grep -c 'smz:signature="' src/sighuge/smz-catalog.xml)" 1
for w in other garbage huge; do
    [ "$w" = huge ] || "$SMZ" catalog "src/sig$w" --quiet
    "$SMZ" pull "http://127.0.0.1:$NP/sig$w/" "sb$w" --keyring k.pub >"sb$w.out" 2>&1
    check_eq "the $w signature: fetched (exit 0)" "$?" 0
    check_grep "... checked whole, its embedded signature good" "^alpha.smz: fetched \(new, .*\), verified, signed by trusted key $keyid$" "sb$w.out"
    check_eq "... without a word of the detached one" "$(grep -c detached "sb$w.out")" 0
    check "... which is not mirrored" test ! -e "sb$w/alpha.smz.minisig"
done
# a link named NAME.smz.minisig is not advertised (nor served)
mkdir -p src/siglink && cp src/sigbytes/alpha.smz src/siglink/ && ln -s ../sigbytes/alpha.smz.minisig src/siglink/alpha.smz.minisig
"$SMZ" catalog src/siglink --quiet
check_eq "smz catalog does not advertise a link as the signature" "$(grep -c 'smz:signature="' src/siglink/smz-catalog.xml)" 0
# smz serve: its catalog links /download/NAME.smz.minisig, which it serves
start_server sigserve src/sigbytes/alpha.smz --address 127.0.0.1
sigurl=$URL
curl -s "${sigurl}catalog/v2/entries" >sigserve.xml
check_grep "smz serve's catalog advertises the detached signature" \
    'href="/download/alpha.smz" length="[0-9]+" smz:signature="/download/alpha.smz.minisig"' sigserve.xml
curl -s -o sigserve.minisig "${sigurl}download/alpha.smz.minisig"
check "and serves it, byte for byte" cmp sigserve.minisig src/sigbytes/alpha.smz.minisig
check_eq "another archive's name gives 404" "$(curl -s -o /dev/null -w '%{http_code}' "${sigurl}download/beta.smz.minisig")" 404
"$SMZ" pull "$sigurl" sbserve --keyring k.pub >sbserve.out 2>&1
check_eq "from smz serve with the signature: fetched (exit 0)" "$?" 0
check_grep "verified by the signature of its bytes" "verified: its bytes are those trusted key $keyid signed$" sbserve.out
check "the same bytes" cmp sbserve/alpha.smz src/sigbytes/alpha.smz
start_server sigserve2 src/siglink/alpha.smz --address 127.0.0.1
check_eq "smz serve does not advertise a link as the signature" "$(curl -s "${URL}catalog/v2/entries" | grep -c 'smz:signature="')" 0
check_eq "nor serve it" "$(curl -s -o /dev/null -w '%{http_code}' "${URL}download/alpha.smz.minisig")" 404

# --- the progress line: on a terminal only (script(1) gives a pseudo-terminal) ---
if command -v script >/dev/null; then
    script -qec "'$SMZ' pull src ttydir" /dev/null >tty.out 2>&1
    check_grep "on a terminal a progress line shows size and percentage" "samples.smz  .* of .*100%" tty.out
    check "and the archives arrive as without it" cmp src/samples.smz ttydir/samples.smz
else
    ok "# SKIP no script(1) for a pseudo-terminal"
fi

# --- usage ---
"$SMZ" pull src >usage.out 2>&1
check_eq "one argument is a usage error (2)" "$?" 2
"$SMZ" pull src src 2>same.err
check_eq "SOURCE and DIR the same folder: an error (2)" "$?" 2
"$SMZ" pull src x --limit-rate fast 2>rate.err
check_grep "--limit-rate takes a size" "not a size" rate.err
"$SMZ" pull ftp://example.org/ x 2>ftp.err
check_eq "a source that is neither a folder nor http(s) is an error (2)" "$?" 2
check "smz pull --help" "$SMZ" pull --help

# --- --limit-rate: a 36 kB copy at 16 kB/s, 300 kB over HTTP at 100 kB/s
# (about 3 s) ---
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
"$SMZ" pull src slow --limit-rate 16K --quiet
took=$(($(ms) - t0))
check "--limit-rate slows a folder copy down (took ${took} ms)" test "$took" -gt 1500
mkdir -p rnd rsrc && head -c 300000 /dev/urandom >rnd/noise.bin && echo "<html><body>noise</body></html>" >rnd/index.html
"$SMZ_PACK" rnd -o rsrc/noise.smz --quiet --no-index
start_server rserve rsrc/noise.smz --address 127.0.0.1
t0=$(ms)
"$SMZ" pull "$URL" slow2 --limit-rate 100K --quiet || cat rserve.err
took=$(($(ms) - t0))
check "--limit-rate slows an HTTP transfer down (took ${took} ms)" test "$took" -gt 2000
t0=$(ms)
"$SMZ" pull "$URL" fast2 --quiet
took=$(($(ms) - t0))
check "... which without it takes much less (${took} ms)" test "$took" -lt 1500
done_testing
