# shellcheck shell=bash
# Signing and verifying (issue: signatures): smz-pack --sign, smz keygen,
# smz verify, smz check --key and the web reader's signature line, cross-
# checked against Debian's /usr/bin/minisign in both directions (its keys
# sign our archives, our keys sign with it, each verifies the other's
# signatures).  Every tampering case must fail with its own message.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
MINISIGN=/usr/bin/minisign
if [ ! -x "$MINISIGN" ]; then
    bad "minisign is installed (apt-get install minisign)"
    done_testing
fi

# expect_fail DESCRIPTION REGEX COMMAND...: the command exits 1 (the
# answer no: a check or verification that fails) and its output (stdout and
# stderr) matches REGEX; expect_error: the same with status 2 (an error: a
# key that cannot be read or written).  smz(1), EXIT STATUS.
expect_fail() { expect_status 1 "$@"; }
expect_error() { expect_status 2 "$@"; }
expect_status() {
    want_rc=$1 d=$2 re=$3; shift 3
    "$@" >out.txt 2>&1
    rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        bad "$d: exit status $rc, want $want_rc: $(head -c 400 out.txt)"
    elif ! grep -qE -- "$re" out.txt; then
        bad "$d: /$re/ not in: $(head -c 600 out.txt)"
    else
        ok "$d"
    fi
}
# meta ARCHIVE KEY: a metadata value.
meta() { python3 -c 'import sqlite3,sys; v=sqlite3.connect(sys.argv[1]).execute("select value from metadata where key=?", (sys.argv[2],)).fetchone(); sys.stdout.write(bytes(v[0]).decode() if v else "")' "$1" "$2"; }
# set_meta ARCHIVE KEY VALUE: changes (or adds) a metadata row, as an attacker would.
set_meta() { python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("insert or replace into metadata(key,value) values(?,?)", (sys.argv[2], sys.argv[3].encode())); d.commit()' "$@"; }

# --- a small site with a stored (not compressed) picture ---
mkdir -p site/sub
printf '<html><head><title>Home</title></head><body><p>Welcome home.</p></body></html>\n' >site/index.html
printf '<html><head><title>Page A</title></head><body><p>Alpha text.</p></body></html>\n' >site/sub/a.html
head -c 6000 /dev/urandom >site/pic.png
export SOURCE_DATE_EPOCH=1700000000

# --- keys: minisign's and ours ---
check "minisign -G -W makes a key pair" "$MINISIGN" -G -W -p ms.pub -s ms.sec
"$SMZ" keygen -W -p our.pub -s our.key >keygen.out 2>&1
check_eq "smz keygen -W makes a key pair" "$?" 0
check "... the public key is minisign's .pub format" test "$(head -c 19 our.pub)" = "untrusted comment: "
ourid=$(sed -n 's/^key id //p' keygen.out)
check "... and it prints the key id" test -n "$ourid"
expect_error "smz keygen refuses to overwrite a key" "already exists" "$SMZ" keygen -W -p our.pub -s our.key
"$MINISIGN" -G -W -p other.pub -s other.sec >/dev/null 2>&1
msid=$(sed -n 's/^untrusted comment: minisign public key //p' ms.pub)

# --- sign with minisign's key; minisign checks the detached signature ---
"$SMZ_PACK" site -o a.smz --name alpha --title "Alpha site" --sign ms.sec --quiet 2>pack.err
check_eq "smz-pack --sign with a key made by minisign -G" "$?" 0
check "it writes a.smz.minisig beside the archive" test -s a.smz.minisig
check_eq "the embedded signature is in the metadata" "$(meta a.smz Signature | head -c 19)" "untrusted comment: "
"$MINISIGN" -Vm a.smz -p ms.pub >ms.out 2>&1
check_eq "stock minisign -Vm accepts the detached signature" "$?" 0
digest=$(meta a.smz Digest)
check_grep "... its trusted comment names the content digest" "Trusted comment: smz-archive-1 digest:$digest meta:[0-9a-f]{64} " ms.out
check_grep "... and the Name and Date" "date:2023-11-14 name:alpha$" ms.out
"$MINISIGN" -Vm a.smz -p ms.pub -H >/dev/null 2>&1
check_eq "... it is prehashed (minisign -H accepts it)" "$?" 0
"$SMZ" info a.smz >info.out
check_grep "smz info shows the content digest" "^Digest +$digest$" info.out
check_grep "smz info shows the signing key id" "^Signature +key $msid " info.out
check_eq "smz info --json names the key id" "$("$SMZ" info --json a.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature_key_id"])')" "$msid"

# --- smz verify ---
"$SMZ" verify a.smz --key ms.pub >v.out 2>&1
check_eq "smz verify accepts both signatures" "$?" 0
check_grep "... the embedded one, naming the key and that it is trusted" "^embedded signature: good, key $msid \(trusted\)" v.out
check_grep "... and the .minisig" "^a.smz.minisig: good, key $msid \(trusted\)" v.out
check_grep "... with a verdict" "^a.smz: verified: signed by trusted key $msid" v.out
"$SMZ" verify a.smz --key ms.pub --json >v.json
check_eq "smz verify --json" "$(python3 -c 'import json,sys; d=json.load(open("v.json")); print(d["ok"], d["verdict"], [(s["where"], s["status"], s["key_id"], s["trusted"]) for s in d["signatures"]], d["digest"] == sys.argv[1])' "$digest")" \
    "True verified [('embedded', 'good', '$msid', True), ('detached', 'good', '$msid', True)] True"
mkdir -p stick && cp a.smz stick/
"$SMZ" verify stick/a.smz --key ms.pub >v.out 2>&1
check_eq "one .smz alone verifies by itself (embedded signature)" "$?" 0
check_fails "... and no .minisig was needed" grep -q minisig v.out
cat other.pub ms.pub >keyring.txt
check "a keyring of several trusted keys works" "$SMZ" verify a.smz --keyring keyring.txt
sed -n 2p ms.pub >bare.txt
check "a keyring of bare base64 keys (minisign -P form) works" "$SMZ" verify a.smz --keyring bare.txt
check "smz check --key checks the signatures with everything else" "$SMZ" check a.smz --key ms.pub
check_eq "smz check --key --json" "$("$SMZ" check a.smz --key ms.pub --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], d["signature"], len(d["signatures"]))')" "True verified 2"

# --- reproducible: the same input and key give the same bytes ---
"$SMZ_PACK" site -o a2.smz --name alpha --title "Alpha site" --sign ms.sec --quiet
check "a signed pack is reproducible (archive)" cmp -s a.smz a2.smz
check "... and its .minisig" cmp -s a.smz.minisig a2.smz.minisig

cp a.smz.minisig w.smz.minisig
"$SMZ_PACK" site -o w.smz --name alpha --quiet 2>w.err
check_grep "packing without --sign over a signed archive warns that its .minisig is stale" \
    "warning: w.smz.minisig is the signature of the archive this one replaced" w.err

# --- our key: minisign verifies our signatures, we verify minisign's ---
"$SMZ_PACK" site -o b.smz --name beta --sign our.key --quiet
check "minisign -Vm accepts a signature made with a key from smz keygen" "$MINISIGN" -Vm b.smz -p our.pub
check "smz verify accepts it" "$SMZ" verify b.smz --key our.pub
"$SMZ_PACK" site -o u.smz --name plain --quiet
"$MINISIGN" -S -s ms.sec -m u.smz -t "signed by stock minisign" >/dev/null 2>&1
"$SMZ" verify u.smz --key ms.pub >v.out 2>&1
check_eq "smz verify accepts a .minisig made by stock minisign -S" "$?" 0
check_grep "... and shows its trusted comment" "trusted comment: signed by stock minisign" v.out
"$MINISIGN" -S -s our.key -m u.smz -x u-ours.minisig -t "minisign with our key" >/dev/null 2>&1
check_eq "minisign -S signs with a secret key from smz keygen -W" "$?" 0
check "smz verify --signature FILE checks that one" "$SMZ" verify u.smz --signature u-ours.minisig --key our.pub

# --- encrypted secret keys (scrypt with minisign's 1 GiB: a few seconds each) ---
SMZ_PASSWORD='correct horse' "$SMZ" keygen -p enc.pub -s enc.key >/dev/null 2>&1
check_eq "smz keygen makes an encrypted key (password from SMZ_PASSWORD)" "$?" 0
echo 'correct horse' >pw.txt
"$SMZ_PACK" site -o e.smz --name enc --sign enc.key --password-file pw.txt --quiet
check_eq "smz-pack --sign decrypts it with --password-file" "$?" 0
check "... minisign accepts the result" "$MINISIGN" -Vm e.smz -p enc.pub
echo 'correct horse' | "$MINISIGN" -S -s enc.key -m u.smz -x u-enc.minisig >/dev/null 2>&1
check_eq "minisign decrypts our encrypted key (password on stdin)" "$?" 0
check "... and we verify what it signed" "$SMZ" verify u.smz --signature u-enc.minisig --key enc.pub
SMZ_PASSWORD=wrong expect_error "a wrong password is refused" "wrong password" \
    "$SMZ_PACK" site -o e2.smz --sign enc.key --quiet
check_fails "... and nothing is written" test -e e2.smz
expect_error "no password and no terminal: a clear message" "no terminal to ask for its password" \
    setsid -w "$SMZ_PACK" site -o e2.smz --sign enc.key --quiet </dev/null

# --- what must fail, each with its own message ---
rm -f u.smz.minisig
expect_fail "an unsigned archive is not verified" "^u.smz: not signed \(no embedded signature" "$SMZ" verify u.smz --key ms.pub
expect_fail "no trusted key given: the key id is shown, nothing is trusted" \
    "embedded signature: untrusted, key $msid \(not trusted\): signed by key $msid; no trusted key was given" \
    "$SMZ" verify a.smz
expect_fail "a wrong key id (another trusted key)" "signed by key $msid, not by the trusted key: wrong key id" \
    "$SMZ" verify a.smz --key other.pub
"$SMZ" verify a.smz --key other.pub --json >w.json
check_eq "... JSON says untrusted" "$(python3 -c 'import json; d=json.load(open("w.json")); print(d["ok"], d["verdict"], d["signatures"][0]["trusted"])')" "False untrusted False"

# One changed byte in an entry's stored bytes: the cluster checksum names it.
cp a.smz t1.smz && cp a.smz.minisig t1.smz.minisig
python3 - t1.smz site/pic.png <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read()); pic = open(sys.argv[2], "rb").read()
i = data.find(pic[1000:1064]); assert i > 0
data[i + 10] ^= 0x01
open(sys.argv[1], "wb").write(data)
EOF
expect_fail "one changed byte in an entry (embedded signature)" \
    "embedded signature: BAD, key $msid \(trusted\): the archive's content cannot be read, so its signature cannot be checked: pic.png: cluster [0-9]+: checksum mismatch" \
    "$SMZ" verify t1.smz --key ms.pub
expect_fail "... (detached signature)" "t1.smz.minisig: BAD, .*the archive was changed after it was signed, and its content cannot be read: pic.png" \
    "$SMZ" verify t1.smz --key ms.pub
check_fails "... minisign refuses it too" "$MINISIGN" -Vm t1.smz -p ms.pub
expect_fail "... smz check names the entry" "^pic.png: .*checksum mismatch" "$SMZ" check t1.smz --key ms.pub
# The same with the cluster checksum recomputed, as a careful forger would.
cp a.smz t2.smz && cp a.smz.minisig t2.smz.minisig
python3 - t2.smz <<'EOF'
import os, sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1])
cid, data = db.execute("select id, data from clusters where kind = 0").fetchone()
data = bytearray(data); data[10] ^= 0x01; data = bytes(data)
db.execute("update clusters set data = ? where id = ?", (data, cid))
db.commit()
subprocess.run([os.environ["RECHECKS"], sys.argv[1], str(cid)], check=True)
EOF
# ... and the Digest rewritten to match (the UUID too: smz check checks that
# it is the Digest's), so that smz check alone is satisfied.
new=$("$SMZ" check t2.smz 2>&1 | sed -n 's/.*content digest mismatch: stored [0-9a-f]*, computed \([0-9a-f]*\).*/\1/p')
set_meta t2.smz Digest "$new"
set_meta t2.smz UUID "$(python3 -c 'import sys; d = bytearray.fromhex(sys.argv[1][:32]); d[6] = d[6] & 15 | 128; d[8] = d[8] & 63 | 128; x = d.hex(); print(f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}")' "$new")"
check "(the forged archive passes smz check without a key)" "$SMZ" check t2.smz
expect_fail "one changed byte in an entry, checksum forged" \
    "embedded signature: BAD, .*the entries were changed after the archive was signed \(metadata unchanged\)" \
    "$SMZ" verify t2.smz --key ms.pub
expect_fail "... smz check --key catches it" "bad signature: the entries were changed" "$SMZ" check t2.smz --key ms.pub
# One changed byte in the metadata.
cp a.smz t3.smz && cp a.smz.minisig t3.smz.minisig
set_meta t3.smz Title "Alpha sitE"
expect_fail "one changed byte in the metadata (embedded)" \
    "embedded signature: BAD, .*the metadata was changed after the archive was signed" "$SMZ" verify t3.smz --key ms.pub
expect_fail "... (detached)" "t3.smz.minisig: BAD, .*the metadata was changed after the archive was signed" \
    "$SMZ" verify t3.smz --key ms.pub
# One changed byte in the trusted comment / the global signature.
cp a.smz t4.smz
sed '3s/name:alpha$/name:alphA/' a.smz.minisig >t4.smz.minisig
check "(the trusted comment was edited)" test "$(sed -n 3p t4.smz.minisig)" != "$(sed -n 3p a.smz.minisig)"
expect_fail "one changed byte in the trusted comment" \
    "t4.smz.minisig: BAD, .*the trusted comment was altered: it does not match its global signature" \
    "$SMZ" verify t4.smz --key ms.pub
check_fails "... minisign refuses it too" "$MINISIGN" -Vm t4.smz -p ms.pub
python3 - a.smz.minisig t5.smz.minisig <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
g = list(lines[3]); g[20] = "B" if g[20] != "B" else "C"; lines[3] = "".join(g)
open(sys.argv[2], "w").write("\n".join(lines))
EOF
cp a.smz t5.smz
expect_fail "one changed byte in the global signature" \
    "t5.smz.minisig: BAD, .*the global signature was altered: the trusted comment is the one this archive should carry" \
    "$SMZ" verify t5.smz --key ms.pub
check_fails "... minisign refuses it too" "$MINISIGN" -Vm t5.smz -p ms.pub
# The same two inside the archive.
cp a.smz t6.smz
set_meta t6.smz Signature "$(meta a.smz Signature | sed '3s/name:alpha$/name:alphA/')"
expect_fail "... the trusted comment of the embedded signature" \
    "embedded signature: BAD, .*the trusted comment was altered" "$SMZ" verify t6.smz --key ms.pub
cp a.smz t7.smz
set_meta t7.smz Signature "$(python3 -c 'import sqlite3,sys; t=bytes(sqlite3.connect("a.smz").execute("select value from metadata where key=\"Signature\"").fetchone()[0]).decode().split("\n"); g=list(t[3]); g[20]="B" if g[20]!="B" else "C"; t[3]="".join(g); print("\n".join(t))')"
expect_fail "... the global signature of the embedded signature" \
    "embedded signature: BAD, .*the global signature was altered" "$SMZ" verify t7.smz --key ms.pub
# A legacy (non-prehashed) "Ed" signature.
"$MINISIGN" -S -l -s ms.sec -m a.smz -x legacy.minisig >/dev/null 2>&1
check "(minisign -l makes a legacy signature, which minisign itself accepts)" "$MINISIGN" -Vm a.smz -x legacy.minisig -p ms.pub
expect_fail "a legacy Ed signature where the prehashed ED is required" \
    "legacy.minisig: BAD, .*legacy non-prehashed signature \(\"Ed\", minisign -l\) not accepted" \
    "$SMZ" verify a.smz --signature legacy.minisig --key ms.pub
printf 'smz-digest-1 %s\n' "$digest" >statement.txt
"$MINISIGN" -S -l -s ms.sec -m statement.txt -x statement.minisig -t "legacy" >/dev/null 2>&1
cp a.smz t8.smz && set_meta t8.smz Signature "$(cat statement.minisig)"
expect_fail "... also embedded" "embedded signature: BAD, .*legacy non-prehashed signature" "$SMZ" verify t8.smz --key ms.pub
"$MINISIGN" -S -s ms.sec -m statement.txt -x statement2.minisig >/dev/null 2>&1
cp a.smz t9.smz && set_meta t9.smz Signature "$(cat statement2.minisig)"
check "(the embedded signature is a plain minisign signature of the digest statement)" "$SMZ" verify t9.smz --key ms.pub
# Malformed text and over-long lines.
cp a.smz t10.smz && sed '2s/^\(.....\)./\1!/' a.smz.minisig >t10.smz.minisig
expect_fail "malformed base64" "t10.smz.minisig: BAD: malformed signature: line 2 \(signature\) is not valid base64" \
    "$SMZ" verify t10.smz --key ms.pub
cp a.smz t11.smz && python3 -c 'import sys; l=open("a.smz.minisig").read().split("\n"); l[2] += "x" * 9000; open("t11.smz.minisig", "w").write("\n".join(l))'
expect_fail "an over-long line" "t11.smz.minisig: BAD: malformed signature: line 3 is longer than 8192 bytes" \
    "$SMZ" verify t11.smz --key ms.pub
cp a.smz t12.smz && set_meta t12.smz Signature "not a signature"
expect_fail "a malformed embedded signature" "embedded signature: BAD: malformed embedded signature: truncated" \
    "$SMZ" verify t12.smz --key ms.pub
# A signature made for another archive, beside it or inside it.
"$SMZ_PACK" site -o c.smz --name gamma --sign ms.sec --quiet
cp a.smz t13.smz && cp c.smz.minisig t13.smz.minisig
expect_fail "a signature file for another archive" \
    "t13.smz.minisig: BAD, .*this signature is for another archive \(date:2023-11-14 name:gamma" "$SMZ" verify t13.smz --key ms.pub
cp a.smz t14.smz && set_meta t14.smz Signature "$(meta c.smz Signature)"
expect_fail "an embedded signature copied from another archive" \
    "embedded signature: BAD, .*this signature is for another archive \(date:2023-11-14 name:gamma" "$SMZ" verify t14.smz --key ms.pub
# A file rewritten without changing its content (the Signature row is not content).
cp a.smz t15.smz && cp a.smz.minisig t15.smz.minisig && set_meta t15.smz Signature-note "hello"
expect_fail "a rewritten file with the same content (detached signature)" \
    "t15.smz.minisig: BAD, .*the file was rewritten after it was signed, but its content is the signed content" \
    "$SMZ" verify t15.smz --key ms.pub
check_grep "... the embedded signature still holds" "^embedded signature: good" out.txt
# Usage.
"$SMZ" verify >/dev/null 2>&1
check_eq "smz verify without an archive is a usage error (2)" "$?" 2
"$SMZ" verify a.smz --key nosuch.pub >/dev/null 2>usage.err
check_eq "an unreadable key is an error (2)" "$?" 2
check_grep "... naming it" "nosuch.pub" usage.err

# --- the web reader: signed, key id, trusted ---
. "$TOP/tests/browser/serve_common.sh"
mkdir -p lib
cp a.smz lib/a-good.smz; cp a.smz.minisig lib/a-good.smz.minisig
cp t3.smz lib/b-bad.smz
cp u.smz lib/unsigned.smz
cp b.smz lib/ours.smz
start_server srv lib --trust ms.pub
check "smz serve --trust starts" test -n "$URL"
for _ in $(seq 100); do
    curl -s "$URL" >lib.html
    grep -q 'data-signature="checking"' lib.html || break
    sleep 0.1
done
python3 - lib.html "$msid" "$ourid" <<'EOF' >serve.tap
import re, sys
page, msid, ourid = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
cards = {}
for m in re.finditer(r'<li class="smz-book">.*?href="/content/([^/]+)/".*?(<p class="smz-sig[^>]*>.*?</p>)', page, re.S):
    cards[m.group(1)] = m.group(2)
def t(ok, d): print(("ok - " if ok else "not ok - ") + d + ("" if ok else ": " + repr(cards)))
# a-good and b-bad both claim the Name alpha: it goes to neither (docs/DESIGN.md,
# Serving), each is under its file name.
g = cards.get("a-good", "")
t('data-signature="good"' in g and 'data-key-id="%s"' % msid in g and 'data-trusted="yes"' in g and "verified" in g,
  "the library shows a good signature by a trusted key, with its key id")
b = next((v for k, v in cards.items() if "bad" in v), "")
t('data-signature="bad"' in b and "metadata was changed" in b, "... a bad signature, with why")
t('data-signature="none"' in cards.get("plain", "") and "Not signed" in cards.get("plain", ""), "... an unsigned archive")
o = cards.get("beta", "")
t('data-signature="untrusted"' in o and 'data-key-id="%s"' % ourid in o and 'data-trusted="no"' in o,
  "... an archive signed by a key that is not trusted, with its key id")
EOF
cat serve.tap
curl -s "${URL}catalog/v2/entries" >feed.xml
check "the OPDS feed stays well-formed XML" xmllint --noout feed.xml
check_grep "... and carries each archive's signature status" "<smz:signature xmlns:smz=\"urn:samizdat:opds\" status=\"good\" key-id=\"$msid\" trusted=\"yes\"/>" feed.xml
check_grep "... unsigned ones too" 'status="none"/>' feed.xml
check_grep "the server warns about the bad signature" "b-bad.smz: BAD SIGNATURE: the metadata was changed" srv.err
start_server srv2 lib
curl -s "$URL" >lib2.html
check_grep "without --trust, signed archives show their key id as not trusted" "data-signature=\"untrusted\" data-key-id=\"$msid\" data-trusted=\"no\"" lib2.html
"$SMZ" serve lib --port 0 --trust bare.txt.nope >/dev/null 2>trust.err
check_eq "a missing --trust file stops the server from starting (status 2)" "$?" 2
check_grep "... with a message" "--trust bare.txt.nope" trust.err
done_testing
