# shellcheck shell=bash
# smz pull with updates (issue 25): `smz catalog` and `smz serve` advertise
# the .smzup files beside an archive that lead to it (docs/CATALOG.md,
# "Updates"); smz pull fetches those instead of the archive when DIR has the
# base (one hop and a chain of two), from a folder, a real smz serve and
# nginx serving a folder, with a fault proxy in front counting the bytes.
# The result is byte-identical (SHA-256) and the bytes moved far fewer; a
# damaged update, an update signed by no trusted key or unsigned with
# --keyring is refused and the whole archive fetched instead; one signed
# only inside (no .minisig beside it) is advertised so (smz:signed-inside)
# and applied with --keyring from a folder, nginx and smz serve without a
# .minisig fetched, its signature altered refused; a catalog without the
# attribute still has its detached signature used; an update for
# another base is not used; a cut or killed update transfer is resumed by
# the next run.  smz serve serves only the updates it advertises.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

PROXY_PIDS=""
cleanup() {
    for p in $PROXY_PIDS; do kill "$p" 2>/dev/null; done
    serve_cleanup
}
trap cleanup EXIT
start_proxy() { # NAME UPSTREAM_PORT: sets PP
    mkdir -p "$1"
    PP=$(free_port)
    python3 "$TOP/tests/tools/faultproxy.py" "$PP" "$2" "$1" 2>"$1/stderr" &
    PROXY_PIDS="$PROXY_PIDS $!"
    for _ in $(seq 100); do [ -f "$1/ready" ] && break; sleep 0.05; done
}
sha() { sha256sum <"$1" | cut -c1-64; }
# the body bytes the proxy sent for paths matching $2
sent() { awk -v p="$2" '$1 == "sent" && $2 ~ p { n += $3 } END { print n + 0 }' "$1/log"; }

# Three versions of one archive (news), and an unrelated one (alpha).
mkdir -p v1 v2 v3 site
cp -r "$TOP/samples/." v1/
cp -r v1/. v2/
printf '<html><head><title>Second</title></head><body><p>A second edition page, added.</p></body></html>' >v2/second.html
cp -r v2/. v3/
printf '<html><head><title>Third</title></head><body><p>A third edition page, added later.</p></body></html>' >v3/third.html
printf '<html><head><title>A</title></head><body><p>alpha</p></body></html>' >site/a.html
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
"$SMZ" keygen -W -p other.pub -s other.key >/dev/null 2>&1
mkdir -p a1 a2 a3 src
for v in 1 2 3; do
    "$SMZ_PACK" v$v -o a$v/news.smz --name news --date 2024-0$v-01 --sign k.key --quiet
done
"$SMZ" diff a1/news.smz a2/news.smz -o src/news-1-2.smzup --sign k.key >/dev/null
"$SMZ" diff a2/news.smz a3/news.smz -o src/news-2-3.smzup --sign k.key >/dev/null
cp a3/news.smz src/
"$SMZ_PACK" site -o src/alpha.smz --name alpha --date 2024-05-06 --quiet
"$SMZ" catalog src --quiet
size=$(stat -c %s src/news.smz)
u23=$(stat -c %s src/news-2-3.smzup)
u12=$(stat -c %s src/news-1-2.smzup)
want=$(sha src/news.smz)
ok "# news.smz $size bytes; updates 1->2 $u12 bytes, 2->3 $u23 bytes"
check "the updates are far smaller than the archive" test $((u12 + u23)) -lt $((size / 4))

# --- the catalog ---
check_grep "smz catalog links the update to the archive it leads to" \
    "<link rel=\"urn:samizdat:opds:update\" type=\"application/x-smz-update\" href=\"news-2-3.smzup\" length=\"$u23\" smz:from=\"[0-9a-f]{64}\" smz:to=\"[0-9a-f]{64}\" smz:signature=\"news-2-3.smzup.minisig\" smz:signed-inside=\"true\"/>" src/smz-catalog.xml
check_grep "and the one before it (a chain)" 'href="news-1-2.smzup"' src/smz-catalog.xml
check_eq "only in news's entry, not alpha's" "$(grep -c 'smzup' <(grep '<name>alpha</name>' src/smz-catalog.xml))" 0
check "the catalog is well-formed XML" xmllint --noout src/smz-catalog.xml

# --- from a folder: one hop ---
mkdir -p d1 && cp a2/news.smz d1/
"$SMZ" pull src d1 --dry-run >dry.out 2>&1
check_grep "--dry-run says update instead of the archive" \
    "^news.smz: would update \(Date 2024-03-01, here 2024-02-01\): 1 update \($u23 bytes\) instead of the archive \($size bytes\)$" dry.out
check_eq "and changes nothing" "$(sha d1/news.smz)" "$(sha a2/news.smz)"
"$SMZ" pull src d1 >d1.out 2>d1.err
check_eq "pull with an update succeeds" "$?" 0
check_grep "saying so, with the bytes" "^news.smz: updated \($u23 bytes of updates instead of the archive's $size\), verified$" d1.out
check_eq "the archive is byte-identical to the source's" "$(sha d1/news.smz)" "$want"
check_eq "nothing is left beside it but the archives" "$(ls -A d1 | tr '\n' ' ')" "alpha.smz news.smz "

# --- from a folder: a chain of two ---
mkdir -p d2 && cp a1/news.smz d2/
"$SMZ" pull src d2 >d2.out 2>&1
check_grep "a chain of two updates is applied" "^news.smz: updated \($((u12 + u23)) bytes of updates" d2.out
check_eq "byte-identical" "$(sha d2/news.smz)" "$want"
check_eq "no temporary file left" "$(ls -A d2 | grep -c '^\.')" 0

# --- an update for another base is not used ---
mkdir -p d3 v0 && cp -r v1/. v0/ && echo '<html><body>other</body></html>' >v0/other.html
"$SMZ_PACK" v0 -o d3/news.smz --name news --date 2024-01-15 --quiet
"$SMZ" pull src d3 >d3.out 2>&1
check_grep "a DIR whose archive is no update's base gets the whole archive" "^news.smz: fetched \(newer" d3.out
check_eq "byte-identical" "$(sha d3/news.smz)" "$want"

# --- a damaged update: refused, the whole archive instead ---
mkdir -p bad && cp src/news.smz src/news-2-3.smzup src/news-2-3.smzup.minisig bad/
python3 - bad/news-2-3.smzup <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
PY
"$SMZ" catalog bad --quiet
mkdir -p d4 && cp a2/news.smz d4/
"$SMZ" pull bad d4 >d4.out 2>d4.err
check_eq "a damaged update: the pull still succeeds (0)" "$?" 0
check_grep "saying the update cannot be used and why" "news.smz: the update cannot be used \(news-2-3.smzup: .*\): fetching the whole archive" d4.err
check_grep "then fetching the archive" "^news.smz: fetched \(newer" d4.out
check_eq "byte-identical" "$(sha d4/news.smz)" "$want"
check_eq "nothing left of the update" "$(ls -A d4 | tr '\n' ' ')" "news.smz "

# --- --keyring: signed by a trusted key, by another, unsigned ---
mkdir -p d5 && cp a2/news.smz d5/
"$SMZ" pull src d5 --keyring k.pub >d5.out 2>d5.err
check_grep "a signed update with --keyring is used" "^news.smz: updated \($u23 bytes.*verified, signed by trusted key" d5.out
check_eq "byte-identical" "$(sha d5/news.smz)" "$want"
mkdir -p uns && cp src/news.smz uns/ && "$SMZ" diff a2/news.smz a3/news.smz -o uns/news-2-3.smzup >/dev/null
"$SMZ" catalog uns --quiet
check_eq "an unsigned update's link says neither signature" "$(grep -c 'smz:signature=\|smz:signed-inside' uns/smz-catalog.xml)" 0
mkdir -p d6 && cp a2/news.smz d6/
"$SMZ" pull uns d6 --keyring k.pub >d6.out 2>d6.err
check_eq "an unsigned update with --keyring: the pull succeeds through the archive (0)" "$?" 0
check_grep "the update is refused as unsigned" "news.smz: the update cannot be used \(news-2-3.smzup is not signed \(--keyring" d6.err
check_grep "and the signed archive fetched" "^news.smz: fetched \(newer.*signed by trusted key" d6.out
check_eq "byte-identical" "$(sha d6/news.smz)" "$want"
check_eq "nothing of the update was fetched or left" "$(ls -A d6 | tr '\n' ' ')" "news.smz "
mkdir -p oth && cp src/news.smz src/news-2-3.smzup oth/ && "$SMZ" catalog oth --quiet
"$SMZ" diff a2/news.smz a3/news.smz -o oth/news-2-3.smzup --sign other.key >/dev/null
mkdir -p d7 && cp a2/news.smz d7/
"$SMZ" pull oth d7 --keyring k.pub >d7.out 2>d7.err
check_grep "an update signed by an untrusted key is refused" "news.smz: the update cannot be used \(news-2-3.smzup: .*\): fetching the whole archive" d7.err
check_eq "and the archive fetched instead" "$(sha d7/news.smz)" "$want"
# the archive's own detached signature beside it (news.smz.minisig): what
# the updates give is checked by it, not whole (unless --full-check)
mkdir -p sigd && cp src/news.smz src/news-2-3.smzup* a3/news.smz.minisig sigd/ && "$SMZ" catalog sigd --quiet
mkdir -p d8 && cp a2/news.smz d8/
"$SMZ" pull sigd d8 --keyring k.pub >d8.out 2>d8.err
check_eq "with the archive's detached signature: succeeds (0)" "$?" 0
check_grep "the update used, its result verified by the signature of the archive's bytes" \
    "^news.smz: updated \($u23 bytes.*verified: its bytes are those trusted key [0-9A-F]+ signed$" d8.out
check_eq "byte-identical" "$(sha d8/news.smz)" "$want"
check "and the archive's signature beside it" cmp d8/news.smz.minisig sigd/news.smz.minisig
mkdir -p d9 && cp a2/news.smz d9/
"$SMZ" pull sigd d9 --keyring k.pub --full-check >d9.out 2>d9.err
check_grep "--full-check: the result checked whole" "^news.smz: updated \($u23 bytes.*verified, signed by trusted key [0-9A-F]+$" d9.out
check_eq "byte-identical" "$(sha d9/news.smz)" "$want"

# --- signed only inside (the update alone, as on a stick: no .minisig) ---
mkdir -p src/ins && cp src/news.smz src/news-2-3.smzup src/ins/ && "$SMZ" catalog src/ins --quiet
check_grep "the catalog says an update without .minisig is signed inside" \
    "href=\"news-2-3.smzup\" length=\"$u23\" smz:from=\"[0-9a-f]{64}\" smz:to=\"[0-9a-f]{64}\" smz:signed-inside=\"true\"/>" src/ins/smz-catalog.xml
check_eq "with no detached signature's link" "$(grep -c 'smz:signature=' src/ins/smz-catalog.xml)" 0
mkdir -p i1 && cp a2/news.smz i1/
"$SMZ" pull src/ins i1 --keyring k.pub >i1.out 2>i1.err
check_eq "signed inside, from a folder with --keyring: succeeds (0)" "$?" 0
check_grep "through the update, its inside signature verified" "^news.smz: updated \($u23 bytes.*verified, signed by trusted key" i1.out
check_eq "byte-identical" "$(sha i1/news.smz)" "$want"
check_eq "nothing left beside it" "$(ls -A i1 | tr '\n' ' ')" "news.smz "
# its embedded signature altered (a character of the signature itself),
# and one by an untrusted key: refused, the archive fetched instead
# alter_sig FILE: changes one base64 character of the embedded signature's
# signature line (the text keeps its form: it parses, it does not verify)
alter_sig() {
    python3 - "$1" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
assert b[-8:] == b"smzusig1"
g = struct.unpack(">Q", bytes(b[-16:-8]))[0]
start = len(b) - 16 - g
lines = bytes(b[start:len(b) - 16]).split(b"\n")
k = start + len(lines[0]) + 1 + 20  # within the base64 signature line
b[k] = ord("A") if b[k] != ord("A") else ord("B")
open(p, "wb").write(b)
PY
}
mkdir -p src/alt && cp src/news.smz src/news-2-3.smzup src/alt/ && alter_sig src/alt/news-2-3.smzup
"$SMZ" catalog src/alt --quiet
check "smz verify takes the update signed only inside" "$SMZ" verify src/ins/news-2-3.smzup --key k.pub
check_fails "and refuses the altered one" "$SMZ" verify src/alt/news-2-3.smzup --key k.pub
mkdir -p i2 && cp a2/news.smz i2/
"$SMZ" pull src/alt i2 --keyring k.pub >i2.out 2>i2.err
check_eq "an altered inside signature: the pull succeeds through the archive (0)" "$?" 0
check_grep "the update is refused, saying why" "news.smz: the update cannot be used \(news-2-3.smzup: the signature does not verify.*\): fetching the whole archive" i2.err
check_grep "then the archive fetched" "^news.smz: fetched \(newer.*signed by trusted key" i2.out
check_eq "byte-identical, nothing left" "$(sha i2/news.smz):$(ls -A i2 | tr '\n' ' ')" "$want:news.smz "
mkdir -p src/unt && cp src/news.smz src/unt/
"$SMZ" diff a2/news.smz a3/news.smz -o src/unt/news-2-3.smzup --sign other.key >/dev/null
rm src/unt/news-2-3.smzup.minisig && "$SMZ" catalog src/unt --quiet
mkdir -p i3 && cp a2/news.smz i3/
"$SMZ" pull src/unt i3 --keyring k.pub >i3.out 2>i3.err
check_grep "signed inside by an untrusted key: refused" "news.smz: the update cannot be used \(news-2-3.smzup: signed by key [0-9A-F]+, which is not one of the 1 trusted keys\): fetching the whole archive" i3.err
check_eq "the archive fetched instead" "$(sha i3/news.smz)" "$want"

# --- from a real smz serve, through the proxy that counts bytes ---
start_server serve src/news.smz src/alpha.smz --address 127.0.0.1
URL=${URL%/}
start_proxy ps "$PORT"
curl -s "$URL/catalog/v2/entries" >entries.xml
check_grep "smz serve's catalog links the update under /update/NAME/" \
    "<link rel=\"urn:samizdat:opds:update\" type=\"application/x-smz-update\" href=\"[^\"]*/update/news/news-2-3.smzup\" length=\"$u23\" smz:from=\"[0-9a-f]{64}\" smz:to=\"[0-9a-f]{64}\" smz:signature=\"[^\"]*/update/news/news-2-3.smzup.minisig\" smz:signed-inside=\"true\"/>" entries.xml
check_grep "and names the content digest" "<smz:digest>[0-9a-f]{64}</smz:digest>" entries.xml
check "the feed is well-formed XML" xmllint --noout entries.xml
mkdir -p s1 && cp a2/news.smz src/alpha.smz s1/
"$SMZ" pull "http://127.0.0.1:$PP/" s1 --keyring k.pub >s1.out 2>s1.err
check_eq "pull from smz serve with an update succeeds" "$?" 0
check_grep "through the update, signed" "^news.smz: updated \($u23 bytes.*signed by trusted key" s1.out
check_eq "byte-identical" "$(sha s1/news.smz)" "$want"
moved=$(sent ps 'smzup')
check_eq "the proxy sent the update's bytes, no more (signed inside: no .minisig fetched)" "$moved" "$u23"
check_eq "no request for the detached signature" "$(grep -c 'GET .*minisig' ps/log)" 0
check_eq "and not the archive" "$(sent ps '/download/news')" 0
ok "# smz serve: $moved bytes of update instead of $size"
code() { curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL$1"; }
check_eq "smz serve serves an advertised update" "$(code /update/news/news-2-3.smzup)" 200
check_eq "... and its signature" "$(code /update/news/news-2-3.smzup.minisig)" 200
check_eq "... byte for byte" "$(curl -s "$URL/update/news/news-2-3.smzup" | sha256sum | cut -c1-64)" "$(sha src/news-2-3.smzup)"
check_eq "not under another archive's name" "$(code /update/alpha/news-2-3.smzup)" 404
check_eq "not the archive through /update/" "$(code /update/news/news.smz)" 404
check_eq "no path traversal (..)" "$(code /update/news/../news.smz)" 404
check_eq "no path traversal (%2e%2e%2f)" "$(code /update/news/%2e%2e%2fnews.smz)" 404
check_eq "no path traversal (%2f)" "$(code /update/news/..%2Fsrc%2Fnews-2-3.smzup)" 404
check_eq "not another file beside it" "$(code /update/news/smz-catalog.xml)" 404
check_eq "not a signature of an unsigned update (none here: a made-up name)" "$(code /update/news/x.smzup.minisig)" 404

# an update lying there that leads elsewhere, and a symbolic link, are not served
mkdir -p lib2 site2 && cp src/news.smz lib2/ && cp -r site/. site2/ && echo '<html><body>b</body></html>' >site2/b.html
"$SMZ_PACK" site2 -o alpha2.smz --name alpha --date 2024-06-06 --quiet
"$SMZ" diff src/alpha.smz alpha2.smz -o lib2/elsewhere.smzup >/dev/null
ln -s "$T/src/news-2-3.smzup" lib2/link.smzup
"$SMZ" diff a2/news.smz a3/news.smz -o lib2/real.smzup >/dev/null
start_server serve2 lib2/news.smz --address 127.0.0.1
URL=${URL%/}
curl -s "$URL/catalog/v2/entries" >entries2.xml
check_grep "an update in the folder that leads to the archive is advertised" "/update/news/real.smzup" entries2.xml
check_eq "one for another version, in no chain to it, is not" "$(grep -c elsewhere entries2.xml)" 0
check_eq "... nor served" "$(code /update/news/elsewhere.smzup)" 404
check_eq "a symbolic link is neither advertised" "$(grep -c link.smzup entries2.xml)" 0
check_eq "... nor served" "$(code /update/news/link.smzup)" 404
check_eq "an unsigned update has no signature link" "$(grep -c 'real.smzup.minisig' entries2.xml)" 0

# --- nginx serving the folder, a proxy in front: cut, then resumed ---
start_nginx "$T/src"
start_proxy pn "$NP"
mkdir -p n1 && cp a2/news.smz src/alpha.smz n1/
cut=$((u23 / 2))
echo "cut $cut" >pn/fault
"$SMZ" pull "http://127.0.0.1:$PP/" n1 >n1.out 2>n1.err
check_eq "an update transfer cut: an error (2)" "$?" 2
check_grep "saying where it stopped" "news-2-3.smzup: the transfer stopped at .*run again to resume" n1.err
check_eq "what arrived is kept beside the archive" "$(stat -c %s n1/.news-2-3.smzup.part 2>&1)" "$cut"
check_eq "the archive is as it was" "$(sha n1/news.smz)" "$(sha a2/news.smz)"
"$SMZ" pull "http://127.0.0.1:$PP/" n1 >n1b.out 2>n1b.err
check_eq "the next run succeeds" "$?" 0
check_grep "resuming the update" "^news-2-3.smzup: resuming at" n1b.out
check_grep "with a Range request for the rest" "GET /news-2-3.smzup .*Range: bytes=$cut-" pn/log
check_eq "byte-identical" "$(sha n1/news.smz)" "$want"
check_eq "the archive itself never crossed the proxy" "$(sent pn '^/news.smz')" 0
# a byte flipped on the way: refused, the archive fetched instead
mkdir -p n2 && cp a2/news.smz src/alpha.smz n2/
echo "corrupt 300" >pn/fault
"$SMZ" pull "http://127.0.0.1:$PP/" n2 >n2.out 2>n2.err
check_eq "an update damaged on the way: the pull succeeds (0)" "$?" 0
check_grep "through the whole archive, saying so" "news.smz: the update cannot be used \(.*\): fetching the whole archive" n2.err
check_eq "byte-identical" "$(sha n2/news.smz)" "$want"
check_eq "no partial file left" "$(ls -A n2 | tr '\n' ' ')" "alpha.smz news.smz "
# signed only inside, through nginx: verified with no .minisig fetched
mkdir -p w1 && cp a2/news.smz w1/
"$SMZ" pull "http://127.0.0.1:$PP/ins/" w1 --keyring k.pub >w1.out 2>w1.err
check_eq "signed inside, from a web folder with --keyring: succeeds (0)" "$?" 0
check_grep "through the update, its inside signature verified" "^news.smz: updated \($u23 bytes.*verified, signed by trusted key" w1.out
check_eq "byte-identical" "$(sha w1/news.smz)" "$want"
check_eq "the proxy sent the update, not the archive" "$(sent pn '^/ins/news-2-3.smzup$'):$(sent pn '^/ins/news.smz')" "$u23:0"
check_eq "no .minisig was asked for" "$(grep -c 'GET /ins/.*minisig' pn/log)" 0
mkdir -p w2 && cp a2/news.smz w2/
"$SMZ" pull "http://127.0.0.1:$PP/alt/" w2 --keyring k.pub >w2.out 2>w2.err
check_grep "an altered inside signature from a web folder: refused" "news.smz: the update cannot be used \(news-2-3.smzup: the signature does not verify.*\): fetching the whole archive" w2.err
check_eq "the archive fetched instead" "$(sha w2/news.smz):$(ls -A w2 | tr '\n' ' ')" "$want:news.smz "
# a catalog written before updates were signed inside (no smz:signed-inside):
# the detached signature is fetched, as then
mkdir -p src/old && cp src/news.smz src/news-2-3.smzup src/news-2-3.smzup.minisig src/old/
"$SMZ" catalog src/old --quiet && sed -i 's/ smz:signed-inside="true"//' src/old/smz-catalog.xml
mkdir -p w3 && cp a2/news.smz w3/
"$SMZ" pull "http://127.0.0.1:$PP/old/" w3 --keyring k.pub >w3.out 2>w3.err
check_grep "an old catalog's signed update is used" "^news.smz: updated \($u23 bytes.*signed by trusted key" w3.out
check_grep "through its detached signature" "GET /old/news-2-3.smzup.minisig " pn/log
check_eq "byte-identical" "$(sha w3/news.smz)" "$want"
# signed only inside, through smz serve
start_server serve4 src/ins/news.smz --address 127.0.0.1
start_proxy pi "$PORT"
curl -s "${URL%/}/catalog/v2/entries" >entries4.xml
check_grep "smz serve's catalog says the update is signed inside" "/update/news/news-2-3.smzup\" length=\"$u23\" smz:from=\"[0-9a-f]{64}\" smz:to=\"[0-9a-f]{64}\" smz:signed-inside=\"true\"/>" entries4.xml
check_eq "with no detached signature's link" "$(grep -c 'smz:signature="' entries4.xml)" 0
check_eq "nor does it serve one" "$(curl -s -o /dev/null -w '%{http_code}' "${URL%/}/update/news/news-2-3.smzup.minisig")" 404
mkdir -p w4 && cp a2/news.smz w4/
"$SMZ" pull "http://127.0.0.1:$PP/" w4 --keyring k.pub >w4.out 2>w4.err
check_eq "signed inside, from smz serve with --keyring: succeeds (0)" "$?" 0
check_grep "through the update, its inside signature verified" "^news.smz: updated \($u23 bytes.*verified, signed by trusted key" w4.out
check_eq "byte-identical" "$(sha w4/news.smz)" "$want"
check_eq "the proxy sent the update only, no .minisig, not the archive" "$(sent pi 'smzup'):$(grep -c 'minisig' pi/log):$(sent pi '/download/')" "$u23:0:0"
# --- a hostile catalog's update links (served by nginx) ---
mkdir -p src/hostile && cp src/news.smz src/news-1-2.smzup src/news-2-3.smzup src/hostile/
d2=$("$SMZ" info a2/news.smz 2>/dev/null | sed -n 's/^Digest *//p')
d3=$("$SMZ" info a3/news.smz 2>/dev/null | sed -n 's/^Digest *//p')
check "the digests are known (smz info)" test ${#d2} -eq 64 -a ${#d3} -eq 64
"$SMZ" catalog src/hostile --quiet
link() { printf '<link rel="urn:samizdat:opds:update" type="application/x-smz-update" href="%s" length="%s" smz:from="%s" smz:to="%s"/>' "$@"; }
hostile() { # LINK...: the catalog with these update links in news's entry (and no others)
    python3 - "$T/src/hostile/smz-catalog.xml" "$*" <<'PY'
import re, sys
p, links = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read()
s = re.sub(r'<link rel="urn:samizdat:opds:update"[^>]*/>', "", s)
s = re.sub(r'(href="news.smz" length="\d+"/>)\s*', lambda m: m.group(1) + links, s, count=1)
open(p, "w", encoding="utf-8").write(s)
PY
}
hpull() { # NAME: pulls the hostile folder into a copy of version 2; the result's listing
    rm -rf "$1" && mkdir -p "$1" && cp a2/news.smz "$1/"
    "$SMZ" pull "http://127.0.0.1:$NP/hostile/" "$1" >"$1.out" 2>"$1.err"
    echo "$?"
}
hostile "$(link 'x%2F..%2Fnews-2-3.smzup' "$u23" "$d2" "$d3")" "$(link 'news-2-3.smzup' 'many' "$d2" "$d3")" \
    "$(link 'news-2-3.smzup' "$u23" "$d3" "$d3")" "$(link 'news-2-3.smzup' "$u23" "$d2" "XYZ")"
check_eq "update links with a slash in the name, no length, from = to or a bad digest: ignored (0)" "$(hpull h1)" 0
check_grep "the archive fetched whole" "^news.smz: fetched \(newer" h1.out
check_eq "nothing written outside DIR, nothing left in it" "$(ls -A h1 | tr '\n' ' '):$(ls src/hostile | grep -c '^\.')" "news.smz :0"
hostile "$(link 'news-1-2.smzup' "$u12" "$d2" "$d3")"
check_eq "a link that names another update than the file is: the archive instead (0)" "$(hpull h2)" 0
check_grep "saying so" "the update cannot be used \(news-1-2.smzup is not the update the catalog names" h2.err
check_eq "byte-identical" "$(sha h2/news.smz)" "$want"
hostile "$(link 'news-2-3.smzup' "$((u23 - 10))" "$d2" "$d3")"
check_eq "a link whose length is not the file's: the archive instead (0)" "$(hpull h3)" 0
check_grep "saying so" "news.smz: the update cannot be used \(news-2-3.smzup: " h3.err
check_eq "byte-identical, nothing left" "$(sha h3/news.smz):$(ls -A h3 | tr '\n' ' ')" "$want:news.smz "

# --- killed in the middle of an update (HTTP, slowed down), resumed ---
mkdir -p big bigsrc && cp -r v3/. big/
python3 -c 'import base64, os; print("<html><body><pre>" + base64.b64encode(os.urandom(150000)).decode() + "</pre></body></html>")' >big/big.html
"$SMZ_PACK" big -o bigsrc/news.smz --name news --date 2024-04-01 --quiet
"$SMZ" diff a3/news.smz bigsrc/news.smz -o bigsrc/news-3-4.smzup >/dev/null
u34=$(stat -c %s bigsrc/news-3-4.smzup)
start_server serve3 bigsrc/news.smz --address 127.0.0.1
mkdir -p k1 && cp a3/news.smz k1/
"$SMZ" pull "$URL" k1 --limit-rate 40K >k1.out 2>&1 &
kp=$!
for _ in $(seq 200); do [ -s k1/.news-3-4.smzup.part ] && break; sleep 0.05; done
sleep 0.5
kill -9 $kp 2>/dev/null; wait $kp 2>/dev/null
have=$(stat -c %s k1/.news-3-4.smzup.part 2>/dev/null || echo 0)
check "a killed pull leaves part of the update beside the archive ($have of $u34 bytes)" test "$have" -gt 0 -a "$have" -lt "$u34"
check_eq "and the old archive as it was" "$(sha k1/news.smz)" "$(sha a3/news.smz)"
"$SMZ" pull "$URL" k1 >k1b.out 2>&1
check_grep "the next run resumes the update" "^news-3-4.smzup: resuming at" k1b.out
check_grep "and applies it" "^news.smz: updated" k1b.out
check_eq "byte-identical" "$(sha k1/news.smz)" "$(sha bigsrc/news.smz)"
done_testing
