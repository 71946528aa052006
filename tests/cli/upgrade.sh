# shellcheck shell=bash
# Format version 3 (issue 22, docs/FORMAT.md): smz-pack writes version 3
# and, on request, version 2; smz reads both; smz upgrade converts either way
# with the same content, so the same digest and a still valid embedded
# signature; version 3 checks each 32 KiB chunk it reads (a read before a
# damaged chunk still works, one through it fails, smz check names the
# bytes); a small archive gets small pages.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
PG=/usr/share/doc/postgresql-doc-15/html
version_of() { od -An -tu1 -j60 -N4 "$1" | awk '{ print $4 }'; }
page_of() { od -An -tu1 -j16 -N2 "$1" | awk '{ p = $1 * 256 + $2; print p == 1 ? 65536 : p }'; }
digest_of() { "$SMZ" info "$1" | sed -n 's/^ *Digest *//p'; }

"$SMZ" keygen -W -p k.pub -s k.sec >/dev/null 2>&1
# (the same file name in two folders: Name defaults to it, and is content)
mkdir v2 v3
"$SMZ_PACK" "$TOP/samples" -o v3/s.smz --quiet --sign k.sec
"$SMZ_PACK" "$TOP/samples" -o v2/s.smz --quiet --sign k.sec --format-version 2
cp v3/s.smz s3.smz && cp v2/s.smz s2.smz
check_eq "smz-pack writes version 3" "$(version_of s3.smz)" 3
check_eq "... and version 2 on request" "$(version_of s2.smz)" 2
check_eq "the same content, the same digest in both" "$(digest_of v3/s.smz)" "$(digest_of v2/s.smz)"
check_fails "--format-version 4 is refused" "$SMZ_PACK" "$TOP/samples" -o s4.smz --format-version 4
check_fails "... and leaves nothing" test -e s4.smz
check "smz check passes on version 3" "$SMZ" check s3.smz --key k.pub
check "... and on version 2" "$SMZ" check s2.smz --key k.pub
check_eq "a small archive gets small pages" "$(page_of s3.smz)" 512
check "... and is smaller than the same in version 2" test "$(stat -c %s s3.smz)" -lt "$(stat -c %s s2.smz)"
check_eq "version 2 keeps 4096-byte pages" "$(page_of s2.smz)" 4096

# --- smz upgrade: 2 -> 3 -> 2, the same content every way ---
"$SMZ" upgrade s2.smz -o up3.smz >up.out 2>&1
check_eq "smz upgrade exits 0" "$?" 0
check_grep "... and says what it did" "up3.smz: format version 3 \(from 2\), the same content digest" up.out
check_eq "the upgraded archive is version 3" "$(version_of up3.smz)" 3
check_eq "... with the same digest" "$(digest_of up3.smz)" "$(digest_of s2.smz)"
"$SMZ" verify up3.smz --key k.pub >v.out 2>&1
check_grep "... and its embedded signature still good" "^embedded signature: good" v.out
check "smz check passes on it" "$SMZ" check up3.smz
check_eq "the same listing" "$("$SMZ" ls --long up3.smz)" "$("$SMZ" ls --long s2.smz)"
check_eq "the same search answers" "$("$SMZ" search up3.smz "china" --limit 20)" "$("$SMZ" search s2.smz "china" --limit 20)"
check_eq "the same suggestions" "$("$SMZ" suggest up3.smz "th")" "$("$SMZ" suggest s2.smz "th")"
bad_cat=0
while read -r p; do
    cmp -s <("$SMZ" cat up3.smz "$p") <("$SMZ" cat s2.smz "$p") || bad_cat=$((bad_cat + 1))
done < <("$SMZ" ls s2.smz)
check_eq "every entry's bytes the same" "$bad_cat" 0
"$SMZ" upgrade up3.smz -o back2.smz --format-version 2 >/dev/null 2>&1
check_eq "... and back to version 2" "$(version_of back2.smz)" 2
check_eq "... still the same digest" "$(digest_of back2.smz)" "$(digest_of s2.smz)"
"$SMZ_PACK" "$TOP/samples" -o n2.smz --quiet --no-index --format-version 2
"$SMZ" upgrade n2.smz -o n3.smz >/dev/null 2>&1
check "an archive without index upgrades too" "$SMZ" check n3.smz
"$SMZ_PACK" "$TOP/samples" -o det.smz --quiet --sign k.sec --format-version 2
"$SMZ" upgrade det.smz -o det3.smz >det.out 2>&1
if [ -f det.smz.minisig ]; then
    check_grep "a detached signature: told that it does not carry over" "det.smz.minisig does not sign it" det.out
else
    check_grep "without a detached signature: nothing said of one" "the same content digest$" det.out
fi
check_fails "-o the archive itself is refused" "$SMZ" upgrade s2.smz -o s2.smz
check "... and leaves it as it was" "$SMZ" check s2.smz
printf 'not an archive' >junk.smz
"$SMZ" upgrade junk.smz -o junk3.smz >junk.out 2>&1
check_eq "a file that is no archive: status 2" "$?" 2
check_grep "... with a clear message" "not an .smz archive" junk.out
check_fails "... and nothing written" test -e junk3.smz
# A damaged cluster: the copy stops with the reader's message and leaves nothing.
cp s2.smz bad2.smz
python3 - bad2.smz <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cid, data = db.execute("SELECT id, data FROM clusters ORDER BY length(data) DESC LIMIT 1").fetchone()
d = bytearray(data); d[len(d) // 2] ^= 0x10
db.execute("UPDATE clusters SET data = ? WHERE id = ?", (bytes(d), cid)); db.commit()
PY
"$SMZ" upgrade bad2.smz -o bad3.smz >bad.out 2>&1
check_eq "a damaged archive does not upgrade (status 1)" "$?" 1
check_grep "... saying why" "checksum mismatch" bad.out
check_fails "... and nothing is left" sh -c 'ls bad3.smz .bad3.smz.* 2>/dev/null | grep -q .'

# --- version 3 reads only the chunks it decodes ---
if [ -d "$PG" ]; then
    "$SMZ_PACK" "$PG" -o pg.smz --quiet --no-index --level 3
    check_eq "a big archive keeps 2048-byte pages (version 3's)" "$(page_of pg.smz)" 2048
    read -r cid first last < <(python3 - pg.smz <<'PY'
import sqlite3, sys, entryblocks
db = sqlite3.connect(sys.argv[1])
entryblocks.open(db)
cid = db.execute("SELECT id FROM clusters WHERE kind = 1 ORDER BY length(data) DESC LIMIT 1").fetchone()[0]
first = db.execute("SELECT path FROM entries WHERE cluster = ? ORDER BY offset LIMIT 1", (cid,)).fetchone()[0]
last = db.execute("SELECT path FROM entries WHERE cluster = ? ORDER BY offset DESC LIMIT 1", (cid,)).fetchone()[0]
print(cid, first, last)
PY
)
    cp pg.smz late.smz
    python3 - late.smz "$cid" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
d = bytearray(db.execute("SELECT data FROM clusters WHERE id = ?", (int(sys.argv[2]),)).fetchone()[0])
d[len(d) - 40000] ^= 0x01  # in the cluster's last chunks
db.execute("UPDATE clusters SET data = ? WHERE id = ?", (bytes(d), int(sys.argv[2]))); db.commit()
PY
    check "an entry at the start of the damaged cluster still reads" \
        bash -c "cmp -s <(\"$SMZ\" cat late.smz '$first') <(\"$SMZ\" cat pg.smz '$first')"
    "$SMZ" cat late.smz "$last" >/dev/null 2>late.err
    check_eq "the entry at its end does not (status 2)" "$?" 2
    check_grep "... naming the damaged bytes" "cluster $cid: checksum mismatch at bytes [0-9]+-[0-9]+ of its data" late.err
    "$SMZ" check late.smz >late.chk 2>&1
    check_grep "smz check finds it" "cluster $cid: checksum mismatch at bytes" late.chk
else
    ok "version 3 chunk reads # SKIP no postgresql-doc-15"
fi
# --- the illustration stored once (version 3): an entry with the same bytes ---
mkdir -p ic && cp -r "$TOP/samples/." ic/ && python3 "$TOP/bench/util.py" png48 ic/icon.png
"$SMZ_PACK" ic -o v3/ic.smz --quiet --illustration ic/icon.png --sign k.sec
"$SMZ_PACK" ic -o v2/ic.smz --quiet --illustration ic/icon.png --format-version 2 --sign k.sec
cp v3/ic.smz ic3.smz && cp v2/ic.smz ic2.smz
meta_ill() { sqlite3 "$1" "SELECT CAST(value AS TEXT) FROM metadata WHERE key = 'Illustration_48x48@1'"; }
check_eq "version 3 names the entry that holds the illustration's bytes" "$(meta_ill ic3.smz)" "smz-entry:icon.png"
check_eq "... which holds the PNG once" "$(sqlite3 ic3.smz "SELECT sum(length(value)) < 2000 FROM metadata")" 1
check_eq "the same digest as version 2, which holds the PNG" "$(digest_of ic3.smz)" "$(digest_of ic2.smz)"
check "smz check passes" "$SMZ" check ic3.smz --key k.pub
"$SMZ" info --json ic3.smz >ic.json
check_grep "smz info sees the illustration" '"has_illustration": true' ic.json
"$SMZ" upgrade ic2.smz -o ic2to3.smz >/dev/null 2>&1
"$SMZ" verify ic2to3.smz --key k.pub >v.out 2>&1
check_grep "... and upgraded, its signature good" "^embedded signature: good" v.out
check_eq "smz upgrade stores it once too" "$(meta_ill ic2to3.smz)" "smz-entry:icon.png"
check_eq "... with the digest unchanged" "$(digest_of ic2to3.smz)" "$(digest_of ic2.smz)"
"$SMZ" upgrade ic3.smz -o ic3to2.smz --format-version 2 >/dev/null 2>&1
check "... and back to version 2 the PNG itself" cmp -s <(sqlite3 ic3to2.smz \
    "SELECT hex(value) FROM metadata WHERE key = 'Illustration_48x48@1'") <(xxd -p -u ic/icon.png | tr -d '\n'; echo)
"$SMZ" verify ic3to2.smz --key k.pub >v.out 2>&1
check_grep "... its embedded signature good both ways" "^embedded signature: good" v.out
. "$TOP/tests/browser/serve_common.sh"
start_server ic ic3.smz
curl -s -o ill.png "${URL}catalog/v2/illustration/ic"
check "smz serve serves the entry's PNG as the illustration" cmp -s ill.png ic/icon.png
stop_server "$PID"
cp ic/icon.png ic/same.png && cp ic/icon.png ic/a-first.png
"$SMZ_PACK" ic -o icmany.smz --quiet --illustration ic/icon.png
check_eq "among several such entries, the first path" "$(meta_ill icmany.smz)" "smz-entry:a-first.png"
# hostile references: each a clear problem, never a crash or a wrong digest
for case in "missing:smz-entry:nothing.png:lacks" "redirect:smz-entry:r.png:a redirect" \
            "badpath:smz-entry:../x.png:no valid entry path" "text:smz-entry:index.html:not a 48x48 PNG" \
            "empty:smz-entry::no valid entry path"; do
    IFS=: read -r name v1 v2 want <<<"$case"
    cp ic3.smz "h-$name.smz"
    python3 "$ENTRYBLOCKS" "h-$name.smz" "INSERT INTO entries(path,title,mime,cluster,offset,size,redirect) VALUES('r.png','',NULL,NULL,NULL,NULL,'icon.png');
        UPDATE metadata SET value = CAST('$v1:$v2' AS BLOB) WHERE key = 'Illustration_48x48@1'"
    "$SMZ" check "h-$name.smz" >h.out 2>&1
    check_eq "a reference to $name: smz check fails (status 1)" "$?" 1
    check_grep "... naming it" "Illustration_48x48@1.*$want" h.out
    "$SMZ" info "h-$name.smz" >h.out 2>&1
    check "... and smz info still answers" test $? -lt 3
done
cp ic2.smz h-v2.smz
sqlite3 h-v2.smz "UPDATE metadata SET value = CAST('smz-entry:icon.png' AS BLOB) WHERE key = 'Illustration_48x48@1'"
"$SMZ" check h-v2.smz >h.out 2>&1
check_grep "version 2 knows no reference: not a 48x48 PNG" "Illustration_48x48@1 is not a 48x48 PNG" h.out
done_testing
