# shellcheck shell=bash
# The manifest of a split archive (issue 23, docs/FORMAT.md "Split
# archives"): NAME.parts written by smz split and smz-pack --split,
# exact (sizes and BLAKE2b-256 of every part, recomputed here with b2sum);
# smz check naming the damaged part, checking one part alone, reporting a
# malformed or foreign manifest; and smz serve offering the parts and the
# manifest under /download (ranged), in the library and in OPDS, with
# hostile names answered 404.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
# The samples and 64 KiB that do not compress: an archive of several 16 KiB
# parts (the samples alone make 38 KB since format 3's small pages).
cp -r "$TOP/samples" s
python3 -c 'import random, sys; random.seed(23); sys.stdout.buffer.write(random.randbytes(65536))' >s/noise.bin
S=s

"$SMZ_PACK" "$S" -o whole.smz --quiet 2>pack.err
check "samples/ packs" test -s whole.smz

# says STATUS DESCRIPTION PATTERN COMMAND...: the command exits STATUS and
# its standard output or error matches PATTERN
says() {
    local want_rc=$1 d=$2 pat=$3 rc; shift 3
    "$@" >says.out 2>&1
    rc=$?
    if [ "$rc" -eq "$want_rc" ] && grep -qE -- "$pat" says.out; then ok "$d"; else bad "$d: status $rc: $(head -c 400 says.out)"; fi
}
# manifest STEM: the manifest STEM.parts as it must be, from the parts
manifest() {
    local stem=$1 uuid n k p
    uuid=$("$SMZ" info --json whole.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["UUID"])' 2>/dev/null)
    [ -n "$uuid" ] || uuid=$("$SMZ" info whole.smz | sed -n 's/^ *UUID: *//p')
    n=0
    for p in "$stem".[0-9][0-9][0-9]; do n=$((n + 1)); done
    printf 'smz-parts 1\nuuid %s\nsize %s\npart-size %s\nparts %s\n' "$uuid" "$(wc -c <whole.smz)" \
        "$(wc -c <"$stem.001")" "$n"
    k=0
    for p in "$stem".[0-9][0-9][0-9]; do
        k=$((k + 1))
        printf 'part %03d %s %s\n' "$k" "$(wc -c <"$p")" "$(b2sum -l 256 "$p" | cut -d' ' -f1)"
    done
}

# --- written by smz split, exact ---
mkdir set
cp whole.smz set/a.smz
"$SMZ" split set/a.smz --size 16K >/dev/null
check "smz split writes a.parts" test -s set/a.parts
manifest set/a.smz >want.parts
check "... exactly: UUID, sizes, every part's BLAKE2b-256" cmp -s want.parts set/a.parts
n=$(grep -c '^part ' set/a.parts)
check "... for several parts" test "$n" -ge 4
rm set/a.smz
"$SMZ" join set/a.smz -o joined.smz
check "the round trip is still byte-identical" cmp -s joined.smz whole.smz
cat set/a.smz.* >catted.smz
check "cat NAME.smz.* still joins byte for byte (the manifest is NAME.parts)" cmp -s catted.smz whole.smz
check "... and the manifest is there" test -s set/a.parts
check "smz check of the set with its manifest: ok" "$SMZ" check set/a.smz
check "smz check of a part, all parts here: ok" "$SMZ" check set/a.smz.003

# a stale manifest is replaced by a new split
mkdir re && cp whole.smz re/a.smz && printf 'stale\n' >re/a.parts
"$SMZ" split re/a.smz --size 20K >/dev/null
manifest re/a.smz >want2.parts
check "a re-split replaces a stale manifest" cmp -s want2.parts re/a.parts
check_eq "... and leaves no temporary file" "$(ls re | grep -vcE '^a\.(smz(\.[0-9]{3})?|parts)$')" 0

# --- written by smz-pack --split ---
mkdir pk
"$SMZ_PACK" "$S" -o pk/a.smz --split 16K --quiet 2>pk.err
check "smz-pack --split writes a.parts" test -s pk/a.parts
# smz-pack's archive has the same content as whole.smz only when named alike:
# compare with its own parts instead.
"$SMZ" join pk/a.smz -o pk-whole.smz
cp pk-whole.smz whole.bak && cp whole.smz whole.orig && cp pk-whole.smz whole.smz
manifest pk/a.smz >want3.parts
cp whole.orig whole.smz
check "... exactly" cmp -s want3.parts pk/a.parts

# --- smz check names the damaged part ---
# broken NAME: a copy of the 16K set with its manifest as NAME/a.smz.*
broken() { rm -rf "$1"; mkdir "$1"; cp set/a.smz.0* set/a.parts "$1/"; }
flip() { printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
broken d1; flip d1/a.smz.002 5000
says 1 "a flipped byte in part 2: smz check names the part" \
    "d1/a.smz.002 \(part 002 of $n\): its BLAKE2b differs from d1/a.parts: this copy is damaged" \
    "$SMZ" check d1/a.smz
says 1 "... also when given another part" "d1/a.smz.002 \(part 002 of" "$SMZ" check d1/a.smz.001
"$SMZ" check --json d1/a.smz >d1.json 2>/dev/null
check "... and as JSON (ok false, the part named)" python3 -c '
import json, sys
d = json.load(open("d1.json"))
assert d["ok"] is False and any("a.smz.002 (part 002" in p["problem"] for p in d["problems"])'
says 1 "... checked alone, the part is named" "part 002 of $n\): its BLAKE2b differs" "$SMZ" check d1/a.smz.002

broken d2; flip d2/a.smz.002 5000; rm d2/a.smz.001 d2/a.smz.003
says 1 "a damaged part checked alone, the others on another stick: named" \
    "d2/a.smz.002 \(part 002 of $n\): its BLAKE2b differs" "$SMZ" check d2/a.smz.002
says 0 "a sound part checked alone, the others absent: ok, and says the archive was not checked" \
    "part 00$n of $n matches .*not here: the archive itself was not checked" \
    "$SMZ" check "d2/a.smz.00$n"
broken d3; truncate -s -10 d3/a.smz.002; rm d3/a.smz.001
says 1 "a truncated part checked alone: named with both sizes" \
    "d3/a.smz.002 \(part 002 of $n\): 16374 bytes where d3/a.parts says 16384: truncated" \
    "$SMZ" check d3/a.smz.002
broken d4; cp d4/a.smz.002 d4/a.smz.999; rm d4/a.smz.001
says 1 "a part the manifest does not list" "part 999, but d4/a.parts lists $n parts" \
    "$SMZ" check d4/a.smz.999

# malformed and foreign manifests: reported, not used, the set checked
broken m1; sed -i 's/^part-size /part-size 0/' m1/a.parts
says 1 "a malformed manifest is reported with its line" \
    "m1/a.parts: malformed manifest, line 4.*\(not used\)" "$SMZ" check m1/a.smz
broken m2; printf 'junk' >m2/a.parts
says 1 "a foreign file as manifest: reported" "m2/a.parts: malformed manifest, line 1" \
    "$SMZ" check m2/a.smz
broken m3; sed -i '$d' m3/a.parts
says 1 "a manifest missing its last line: reported" "m3/a.parts: malformed.*a part's line is missing" \
    "$SMZ" check m3/a.smz
broken m4; sed -i 's/^\(part 001 [0-9]* \)./\1Z/' m4/a.parts
says 1 "a manifest with a bad hash digit: reported" "m4/a.parts: malformed manifest, line 6" \
    "$SMZ" check m4/a.smz
broken m5; cp re/a.parts m5/a.parts
says 1 "the manifest of another split of the archive: reported, not used" \
    "m5/a.parts: describes another split of this archive \([0-9]+ parts of 20480 bytes; the set has $n of 16384\)" \
    "$SMZ" check m5/a.smz
check "... the parts not blamed" test "$(grep -c 'part 00' says.out)" -eq 0
broken m6; sed -i 's/^uuid ./uuid 0/' m6/a.parts
sed -i 's/^uuid 00/uuid 01/' m6/a.parts
says 1 "a manifest with another archive's UUID: reported as foreign, not used" \
    "m6/a.parts: describes another archive" "$SMZ" check m6/a.smz
broken m7; : >m7/a.parts
says 1 "an empty manifest: reported" "m7/a.parts: malformed" "$SMZ" check m7/a.smz
broken m8; head -c 200000 /dev/zero >m8/a.parts
says 1 "an oversized manifest: refused before it is read" "m8/a.parts: .*more than a manifest holds" \
    "$SMZ" check m8/a.smz
broken m9; flip m9/a.smz.002 5000; cp re/a.parts m9/a.parts; echo >>m9/a.parts
says 1 "a malformed manifest does not skip the set's own checks" "malformed" "$SMZ" check m9/a.smz

# without a manifest, a damaged cluster names the parts it lies in
mkdir c1 && cp whole.smz c1/a.smz && "$SMZ" split c1/a.smz --size 4K >/dev/null && rm c1/a.smz c1/a.parts
found=""
for p in c1/a.smz.[0-9][0-9][0-9]; do
    cp "$p" c1.bak
    flip "$p" 2000; flip "$p" 2001
    "$SMZ" check c1/a.smz >c1.out 2>&1
    cp c1.bak "$p"
    if grep -q 'cluster [0-9]*: checksum' c1.out; then found=${p##*.}; break; fi
done
check "a flipped byte in a cluster of a set without manifest is found" test -n "$found"
check_grep "... and the problem names the parts it lies in, the damaged one among them" \
    "cluster [0-9]+: checksum mismatch.*; it lies in parts? ([0-9]{3}, )*$found(, [0-9]{3})* of [0-9]+" c1.out

# --- a signed manifest (NAME.parts.minisig) ---
"$SMZ" keygen -p k.pub -s k.sec -W >/dev/null 2>&1
"$SMZ" keygen -p o.pub -s o.sec -W >/dev/null 2>&1
mkdir sg
"$SMZ_PACK" "$S" -o sg/s.smz --split 16K --sign k.sec --quiet 2>sg.err
check "smz-pack --split --sign signs the manifest" test -s sg/s.parts.minisig
check_grep "... with the archive's UUID in the trusted comment" \
    "^trusted comment: smz-parts manifest of the archive $(sed -n 's/^uuid //p' sg/s.parts)\$" sg/s.parts.minisig
says 0 "smz verify checks it with the key" "sg/s.parts.minisig: good, key [0-9A-F]{1,16} \(trusted\)" \
    "$SMZ" verify sg/s.smz --key k.pub
check "smz check --key of the signed set: ok" "$SMZ" check sg/s.smz --key k.pub
says 1 "... another key: the manifest's signature is not trusted either" \
    "sg/s.parts.minisig: signed by key .*not one of the 1 trusted keys" "$SMZ" verify sg/s.smz --key o.pub
cp -r sg sg2
# part 001's hash changed in its first digit, the manifest still well-formed
python3 - sg2/s.parts <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
h = lines[5].rsplit(" ", 1)
h[1] = ("1" if h[1][0] != "1" else "2") + h[1][1:]
lines[5] = " ".join(h)
open(p, "w").write("\n".join(lines))
PY
says 1 "a manifest changed after signing: smz verify says so" "sg2/s.parts.minisig: the data does not match" \
    "$SMZ" verify sg2/s.smz --key k.pub
says 1 "... and smz check --key does not use it" "sg2/s.parts.minisig: the data does not match.*not used" \
    "$SMZ" check sg2/s.smz --key k.pub
check "... (nor blames the parts)" test "$(grep -c 'BLAKE2b differs' says.out)" -eq 0
"$SMZ" verify --json sg2/s.smz --key k.pub >sg2.json
check "... and --json says manifest_signature bad, ok false" python3 -c '
import json; d = json.load(open("sg2.json")); assert d["manifest_signature"] == "bad" and d["ok"] is False'
mkdir sp && cp whole.smz sp/a.smz
"$SMZ" split sp/a.smz --size 16K --sign k.sec >/dev/null
check "smz split --sign signs the manifest" test -s sp/a.parts.minisig
says 1 "... which smz verify checks (the archive itself is unsigned)" "sp/a.parts.minisig: good" \
    "$SMZ" verify sp/a.smz.002 --key k.pub
rm sp/a.smz.0*; cp sp/a.smz sp/b.smz; rm sp/a.smz
"$SMZ" split sp/b.smz --size 20K >/dev/null
check "a re-split without --sign leaves no stale signature" test ! -e sp/b.parts.minisig
mkdir sp2 && cp whole.smz sp2/a.smz && cp sp/a.parts.minisig sp2/a.parts.minisig
"$SMZ" split sp2/a.smz --size 16K >/dev/null
check "... nor does a split over an old signature" test ! -e sp2/a.parts.minisig
check_fails "smz split --sign with no such key writes nothing" "$SMZ" split sp2/a.smz --size 8K --sign nokey.sec

# --- served: /download of the parts and the manifest ---
mkdir lib
cp set/a.smz.0* set/a.parts lib/
cp whole.smz lib/whole.smz
start_server srv lib
check "smz serve starts on the set" test -n "$URL"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
curl -s "${URL}download/a.smz.002" >dl.002
check "/download/a.smz.002 is part 2's bytes" cmp -s dl.002 lib/a.smz.002
curl -s -D dl.h -r 100-1099 "${URL}download/a.smz.002" >dl.r
check "... a range of it" cmp -s dl.r <(tail -c +101 lib/a.smz.002 | head -c 1000)
check_grep "... answered 206" "^HTTP/1.1 206" dl.h
curl -s -D dl.h2 "${URL}download/a.smz.00$n" >dl.last
check "/download of the last part is its bytes" cmp -s dl.last "lib/a.smz.00$n"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' dl.h2 | tr -d '\r')
check "... with an ETag" test -n "$etag"
check_eq "... that answers 304" "$(code -H "If-None-Match: $etag" "${URL}download/a.smz.00$n")" 304
curl -s "${URL}download/a.parts" >dl.parts
check "/download/a.parts is the manifest" cmp -s dl.parts lib/a.parts
curl -s "${URL}download/a.smz" >dl.whole
check "/download/a.smz is still the whole" cmp -s dl.whole whole.smz
for bad in a.smz.000 a.smz.1000 a.smz.0001 "a.smz.$(printf '%03d' $((n + 1)))" a.smz.999 whole.smz.001 \
    whole.parts nosuch.smz.001 nosuch.parts a.smz.part a.parts.x .smz.001 a.smz.00 \
    '..%2Fa.smz.001' '%2e%2e/a.smz.001' 'a.smz.%30%30%31x'; do
    check_eq "/download/$bad: 404" "$(code "${URL}download/$bad")" 404
done
check "/download/a.smz.001%00: refused (400 or 404)" grep -qE '^(400|404)$' <(code "${URL}download/a.smz.001%00")
check_eq "/download/../lib/a.smz.001 is no way out" "$(code --path-as-is "${URL}download/../lib/a.smz.001")" 404
curl -s "$URL" >lib.html
check_grep "the library card links every part" "href=\"/download/a.smz.00$n\" download>a.smz.00$n</a>" lib.html
check_eq "... each of them" "$(grep -o 'href="/download/a\.smz\.[0-9]\{3\}"' lib.html | wc -l)" "$n"
check_grep "... with its size" "a.smz.001</a> \(16 KiB\)|a.smz.001</a> \(16" lib.html
check_grep "... and the manifest" 'href="/download/a.parts"' lib.html
check_eq "... the whole archive still once" "$(grep -o 'href="/download/a.smz"' lib.html | wc -l)" 1
check_eq "... and no parts for a whole archive" "$(grep -c 'whole\.smz\.0' lib.html)" 0
curl -s "${URL}catalog/v2/entries" >opds.xml
if command -v xmllint >/dev/null; then
    check "the OPDS feed is well-formed" xmllint --noout opds.xml
fi
check "OPDS lists each part as an acquisition link beside the whole" python3 -c '
import sys, xml.etree.ElementTree as ET
n = int(sys.argv[1])
A = "{http://www.w3.org/2005/Atom}"
ok = False
for e in ET.parse("opds.xml").getroot().iter(A + "entry"):
    links = [l.attrib for l in e.iter(A + "link") if l.attrib.get("rel") == "http://opds-spec.org/acquisition/open-access"]
    hrefs = [l["href"] for l in links]
    if "/download/a.smz" in hrefs:
        parts = ["/download/a.smz.%03d" % k for k in range(1, n + 1)]
        assert [h for h in hrefs if h != "/download/a.smz"] == parts, hrefs
        assert all(int(l["length"]) > 0 for l in links)
        ok = True
    elif any(".smz.0" in h for h in hrefs):
        raise SystemExit("parts listed for a whole archive")
assert ok' "$n"
stop_server "$PID"

done_testing
