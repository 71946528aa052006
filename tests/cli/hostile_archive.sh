# shellcheck shell=bash
# Hostile archives, round two (issue 16, points 9-12): archives built by
# hand (tests/tools/smzbuild.py) with what smz-pack never writes.  Paths and
# redirect targets the format forbids are refused on every row read and
# reported by smz check; extraction to tar/zip/folder never yields a link
# out of the tree, tried with the extractors that follow links blindly;
# check and extract decode each cluster about once whatever the order of
# the paths; names and titles reach the terminal escaped; a URL name cannot
# be taken from another archive, nor a UUID borrowed.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
export PYTHONPATH="$TOP/tests/tools"
mkdir -p src && echo '<title>x</title>x' > src/x.html
"$SMZ_PACK" src -o base.smz --no-index --quiet

# --- 12: every path rule, on every row read ---
python3 - <<'PY'
import smzbuild
page = b"<title>t</title>hello"
bad = [b"../evil.html", b"/etc/evil", b"", b".", b"a//b", b"dir/", b"a\nb", b"a\x1b[2Jb",
       b"x\xffy", b"a/./b", b"a/../b", b"c1\xc2\x85", b"a" * 4097]
for i, p in enumerate(bad):
    smzbuild.build(f"badpath{i}.smz", "base.smz", [page],
                   [("good.html", "Good", "text/html", 0, 0, len(page)), (p, "Bad", "text/html", 0, 0, len(page))])
smzbuild.build("badredirect.smz", "base.smz", [page],
               [("good.html", "Good", "text/html", 0, 0, len(page)), ("r", "", None, "../evil.html")])
smzbuild.build("good.smz", "base.smz", [page],
               [("good.html", "Good", "text/html", 0, 0, len(page)), ("r", "", None, "good.html")])
PY
check "a hand-built valid archive passes check" "$SMZ" check good.smz
for i in $(seq 0 12); do
    "$SMZ" check "badpath$i.smz" >check.out 2>&1
    rc=$?
    check_eq "check fails on forbidden path #$i" "$rc" 1
    check_grep "... naming the rule" "invalid path: " check.out
    check_fails "... with nothing raw on the terminal" grep -qP '[\x00-\x08\x0b-\x1f\x7f]' check.out
    "$SMZ" ls "badpath$i.smz" >ls.out 2>ls.err
    check_eq "ls skips the bad row (status 2: an archive that cannot be read whole) and lists the rest ($i)" "$?:$(cat ls.out)" "2:good.html"
    check_grep "... with a warning" "skipped a malformed entry" ls.err
done
"$SMZ" check badredirect.smz >check.out 2>&1
check_grep "check fails on a redirect to ../evil.html" "redirect to an invalid path" check.out
check_eq "cat of such a redirect fails (status 2: an error)" "$("$SMZ" cat badredirect.smz r >/dev/null 2>&1; echo $?)" 2
mkdir -p x1 && "$SMZ" extract badpath0.smz -o x1/out 2>x.err
check "extract writes the good entries around a bad row" test -f x1/out/good.html
check "... and nothing outside" test ! -e x1/evil.html -a ! -e evil.html
if "$SMZ" search --help >/dev/null 2>&1; then
    mkdir -p srch && echo '<title>Zebra one</title>zebra stripes' >srch/a.html &&
        echo '<title>Zebra two</title>zebra stripes' >srch/b.html
    "$SMZ_PACK" srch -o srch.smz --quiet
    python3 "$ENTRYBLOCKS" srch.smz "UPDATE entries SET path = CAST(x'2e2e2f651b5b324a' AS TEXT) WHERE path = 'a.html';
                      UPDATE search_text SET path = CAST(x'2e2e2f651b5b324a' AS TEXT) WHERE path = 'a.html'"
    "$SMZ" search srch.smz zebra >search.out 2>&1
    check_eq "search goes on past a malformed entry" "$?" 0
    check_eq "... and lists only the valid one" "$(cut -f1 search.out | grep html)" "b.html"
    "$SMZ" search srch.smz '"zebra stripes"' >search.out 2>&1
    check_eq "... a phrase search too" "$(cut -f1 search.out | grep html)" "b.html"
    check_eq "suggest likewise" "$("$SMZ" suggest srch.smz zeb | cut -f1)" "b.html"
fi

"$SMZ_PACK" src -o "my site+1.smz" --no-index --quiet
check "an archive whose file name is no plain word gets a valid default Name" "$SMZ" check "my site+1.smz"
check_eq "... made of the file name" "$("$SMZ" info "my site+1.smz" | sed -n 's/^Name *//p')" "my_site_1"

# --- 12: metadata rules ---
python3 - <<'PY'
import smzbuild, sqlite3
page = b"<title>t</title>hello"
ents = [("good.html", "Good", "text/html", 0, 0, len(page))]
for name, meta in [("date", {"Date": "2024-13-45"}), ("lang", {"Language": "english!"}),
                   ("name", {"Name": "../evil"}), ("main", {"MainPage": "../evil.html"}),
                   ("illus", {"Illustration_48x48@1": b"<svg/>"}), ("utf8", {"Title": b"A\xffB"})]:
    meta.setdefault("Title", "t")
    smzbuild.build(f"meta-{name}.smz", "base.smz", [page], ents, meta)
smzbuild.build("meta-uuid.smz", "base.smz", [page], ents)
db = sqlite3.connect("meta-uuid.smz")
db.execute("UPDATE metadata SET value = '12345678-1234-8234-8234-123456789abc' WHERE key = 'UUID'")
db.commit()
PY
for c in "date:Date is not a date" "lang:Language is not ISO 639-3" "name:Name is not a plain word" \
         "main:MainPage is not a valid path" "illus:not a 48x48 PNG" "utf8:Title is not UTF-8" \
         "uuid:UUID 12345678-1234-8234-8234-123456789abc is not the one the Digest gives"; do
    "$SMZ" check "meta-${c%%:*}.smz" >check.out 2>&1
    check_eq "check fails on metadata ${c%%:*}" "$?" 1
    check_grep "... saying: ${c#*:}" "${c#*:}" check.out
done
"$SMZ" info --json meta-utf8.smz >info.json
check "info --json stays valid JSON for a Title of bytes 41 FF 42" python3 -c '
import json, sys; d = json.loads(open("info.json", "rb").read().decode("utf-8")); assert d["metadata"]["Title"] == "A\ufffdB"'

# --- 11: terminal escapes in info, ls --long, check, and the packer's warnings ---
python3 - <<'PY'
import smzbuild
page = b"<title>t</title>hello"
smzbuild.build("esc.smz", "base.smz", [page],
               [("good.html", b"T\x1b]0;pwned\x07 \x1b[2J \xc2\x9b31m \xe2\x80\xaeevil", "text/html\x1b[5m", 0, 0, len(page))],
               {"Title": b"\x1b]0;title\x07\x1b[2J", "Description": b"ok \x9b bad", "Language": "eng"})
PY
"$SMZ" info esc.smz >info.out 2>&1
"$SMZ" ls --long esc.smz >>info.out 2>&1
"$SMZ" cat esc.smz 'no\x1b[2Jsuch' >>info.out 2>&1
check_fails "info, ls --long and errors print no ESC, BEL or C1 control" grep -qP '[\x07\x1b]|\xc2[\x80-\x9f]|\xe2\x80\xae' info.out
check_grep "... but show them escaped" '\\x1B\]0;title\\x07' info.out
check_grep "... C1 and bidi overrides too" '\\u\{009B\}31m \\u\{202E\}evil' info.out
check_grep "... and invalid bytes" 'ok \\x9B bad' info.out
mkdir -p escsrc && printf 'x' > escsrc/ok.html && printf 'x' > "escsrc/$(printf 'b\033]0;pwned\007\033[2J.html')"
"$SMZ_PACK" escsrc -o escpack.smz --no-index >pack.out 2>&1
check_fails "the packer's warning about a file name prints no ESC or BEL" grep -qP '[\x07\x1b]' pack.out
check_grep "... and names the file escaped" '\\x1B\]0;pwned' pack.out

# --- 9: no link out of the tree, in any output ---
python3 - <<'PY'
import smzbuild
page = b"<title>t</title>hello"
n = len(page)
E = lambda p: (p, "", "text/html", 0, 0, n)
R = lambda p, t: (p, "", None, t)
ents = [E("0"), E("top.html"), E("sub/t.html"), E("c"), E("c/x"), E("p/p/p/f"),
        R("p", "0"), R("p/p", "0"), R("p/p/p", "0"),            # the chain of issue 16
        R("d1/d2/up", "top.html"),                               # a link up the tree
        R("r1", "r2"), R("r2", "sub/t.html"),                    # a link to a link
        R("A", "sub/t.html"), E("a/evil"),                       # one name on a case-insensitive disk
        R("same", "sub/t.html")]
smzbuild.build("links.smz", "base.smz", [page], ents, {"Title": "links", "MainPage": "top.html"})
# A link shallower than itself turns the next one's ../ into a way out:
# a/b/c -> ../../0 (0 a folder), then a/b/c/l -> ../../../jail is 0/l ->
# ../../../jail, three levels up from one level down: the jail around the
# target; a file beneath it lands there.
smzbuild.build("chain.smz", "base.smz", [page],
               [E("0/keep"), R("a/b/c", "0"), R("a/b/c/l", "jail"), E("a/b/c/l/evil")],
               {"Title": "chain", "MainPage": "0/keep"})
PY
"$SMZ" check links.smz >/dev/null 2>&1
check_eq "the link archive is valid (check passes)" "$?" 0
for fmt in tar zip; do
    "$SMZ" extract chain.smz --format $fmt -o chain.$fmt 2>/dev/null
    "$SMZ" extract links.smz --format $fmt -o links.$fmt 2>extract-$fmt.err
    check_grep "extract --format $fmt says what it left out" "also a folder|skipped" extract-$fmt.err
done
python3 - <<'PY' >links.list
import tarfile, posixpath
for m in list(tarfile.open("links.tar")) + list(tarfile.open("chain.tar")):
    kind = "l" if m.issym() else "h" if m.islnk() else "f"
    print(kind, m.name, m.linkname)
    if m.issym():
        to = posixpath.normpath(posixpath.join(posixpath.dirname(m.name), m.linkname))
        assert not to.startswith("..") and not to.startswith("/"), (m.name, m.linkname)
PY
check_eq "every symlink in the tar stays inside the tree" "$?" 0
check_grep "a redirect within the tree is a symlink to its content" "^l same sub/t.html" links.list
check_grep "a chain of redirects links straight to the content" "^l r1 sub/t.html" links.list
check_grep "a redirect up the tree is a hard link in a tar" "^h d1/d2/up top.html" links.list
check_fails "the p/p/p chain is not written as links" grep -q "^l p" links.list
# jail/x is the target; anything in jail/ outside x, or a link in x that
# resolves outside it, is an escape.
escaped() {
    python3 - "$1" <<'PY'
import os, sys
root = os.path.realpath(sys.argv[1])
jail = os.path.dirname(root)
bad = [n for n in os.listdir(jail) if os.path.join(jail, n) != root]
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n)
        if os.path.islink(p) and not os.path.realpath(p).startswith(root + os.sep):
            bad.append(p)
sys.exit(1 if bad else 0)
PY
}
for how in tarfile-nofilter tarfile-data zipfile gnutar bsdtar folder; do
  for a in links chain; do
    rm -rf jail z && mkdir -p jail/x
    case $how in
        tarfile-nofilter) python3 -c 'import sys, tarfile; t = tarfile.open(sys.argv[1]); t.extraction_filter = None
try: t.extractall("jail/x", filter="fully_trusted")
except TypeError: t.extractall("jail/x")' $a.tar 2>/dev/null ;;
        tarfile-data) python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall("jail/x", filter="data")' $a.tar 2>/dev/null ;;
        zipfile) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall("jail/x")' $a.zip ;;
        gnutar) tar -xf $a.tar -C jail/x 2>/dev/null ;;
        bsdtar) command -v bsdtar >/dev/null || { ok "bsdtar not installed: skipped"; continue; }
                bsdtar -xf $a.tar -C jail/x 2>/dev/null; bsdtar -xf $a.zip -C jail/x 2>/dev/null ;;
        folder) rmdir jail/x && "$SMZ" extract $a.smz -o jail/x 2>/dev/null ;;
    esac
    escaped jail/x
    check_eq "$how, $a: nothing links outside the target" "$?" 0
    check_eq "$how, $a: nothing lands outside it" "$(find . -name evil -not -path './jail/x/*' | head -1)" ""
    if [ $a = links ]; then
        check "$how: the content is there" test -f jail/x/sub/t.html -a -f jail/x/p/p/p/f
        [ $how = folder ] && check "folder: a redirect is a symlink to its content" \
            test "$(readlink jail/x/d1/d2/up)" = "../../top.html"
    else
        check "$how: the file beneath the chain is inside" test -f jail/x/a/b/c/l/evil
    fi
  done
done
# a folder target holding a link that leads out: extract never writes through it
rm -rf jail && mkdir -p jail/x/sub jail/outside && ln -s ../../outside jail/x/c
"$SMZ" extract links.smz -o jail/x 2>/dev/null
check "folder: a link already in the target is not written through" test -z "$(ls jail/outside)"

# --- 10: walking entries in cluster order ---
python3 - <<'PY'
import os, smzbuild
# 40 clusters of 2 MiB (80 MiB, more than the 64 MiB cache), 2,000
# one-byte entries taking the clusters in turn: in path order, every
# entry would decode a whole cluster.
clusters = [os.urandom(4096) * 512 for _ in range(40)]
ents = [(f"e{i:05d}", "", "text/plain", i % 40, (i // 40) * 4096, 1) for i in range(2000)]
smzbuild.build("thrash.smz", "base.smz", clusters, ents, {"Title": "thrash"})
PY
SMZ_DEBUG_DECODES=1 "$SMZ" check thrash.smz >check.out 2>check.err
check_eq "check passes on the thrash archive" "$?" 0
n=$(sed -n 's/.*decoded \([0-9]*\) clusters.*/\1/p' check.err)
check "check decodes each cluster a few times, not once per entry ($n decodes for 40 clusters)" test "${n:-99999}" -le 200
SMZ_DEBUG_DECODES=1 "$SMZ" extract thrash.smz -o thrash-out 2>extract.err
n=$(sed -n 's/.*decoded \([0-9]*\) clusters.*/\1/p' extract.err)
check "extract decodes each cluster once ($n decodes for 40 clusters)" test "${n:-99999}" -le 40
SMZ_DEBUG_DECODES=1 "$SMZ" extract thrash.smz --format tar -o thrash.tar 2>extract.err
n=$(sed -n 's/.*decoded \([0-9]*\) clusters.*/\1/p' extract.err)
check "extract --format tar too ($n decodes)" test "${n:-99999}" -le 40
check_eq "... with every entry" "$(tar -tf thrash.tar | wc -l)" 2000

# --- also noticed: URL names and UUIDs a hostile archive cannot take ---
. "$TOP/tests/browser/serve_common.sh"
mkdir -p srv
python3 - <<'PY'
import smzbuild, sqlite3
def arch(file, body, meta):
    page = b"<title>t</title>" + body
    smzbuild.build(f"srv/{file}.smz", "base.smz", [page], [("p.html", "P", "text/html", 0, 0, len(page))], meta)
arch("aaa", b"HOSTILE", {"Title": "hostile", "Name": "wiki"})     # sorts first, claims the name
arch("wiki", b"REAL", {"Title": "real", "Name": "wiki"})
arch("one", b"ONE", {"Title": "one", "Name": "shared"})
arch("two", b"TWO", {"Title": "two", "Name": "shared"})
arch("borrow", b"BORROW", {"Title": "borrow"})
db = sqlite3.connect("srv/borrow.smz")   # a UUID of another archive's: not the one its Digest gives
other = sqlite3.connect("srv/wiki.smz").execute("SELECT value FROM metadata WHERE key = 'UUID'").fetchone()[0]
db.execute("UPDATE metadata SET value = ? WHERE key = 'UUID'", (other,))
db.commit()
PY
start_server srv srv
check "the server starts on the hostile library" test -n "$URL"
check_eq "the archive whose file is wiki.smz keeps /content/wiki/" "$(curl -s "${URL}content/wiki/p.html" | grep -o 'REAL\|HOSTILE')" REAL
check_eq "... the one claiming its Name gets its file name" "$(curl -s "${URL}content/aaa/p.html" | grep -o 'REAL\|HOSTILE')" HOSTILE
check_eq "a Name two archives claim goes to neither" "$(curl -s -o /dev/null -w '%{http_code}' "${URL}content/shared/p.html")" 404
check_eq "... each is under its file name" "$(curl -s "${URL}content/one/p.html" "${URL}content/two/p.html" | grep -o 'ONE\|TWO' | tr -d '\n')" ONETWO
wiki_etag=$(curl -s -D - -o /dev/null "${URL}content/wiki/p.html" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
borrow_etag=$(curl -s -D - -o /dev/null "${URL}content/borrow/p.html" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
check "the real archive has an ETag from its UUID" test -n "$wiki_etag"
check "a borrowed UUID gives no ETag ($borrow_etag)" test -z "$borrow_etag"
stop_server "$PID"
# --- two entries that libarchive writes under one name: "café" in one
# character and "cafe" with a combining accent are two paths in an archive,
# but names go out in Unicode's composed form, so extract made one file of
# the two (the later's bytes) or a tar with two members of one name (red
# team); now the later is left out with a warning and exit status 2 ---
mkdir -p nfc
printf AAAA >"nfc/caf$(printf '\303\251')"
printf BBBB >"nfc/cafe$(printf '\314\201')"
"$SMZ_PACK" nfc -o nfc.smz --quiet
check_eq "both spellings are entries of the archive" "$("$SMZ" ls nfc.smz | wc -l)" 2
"$SMZ" extract nfc.smz -o nfc-out 2>nfc.err
check_eq "extract of two names that become one exits 2 (an error)" "$?" 2
check_grep "... saying which and why" "Unicode normalisation" nfc.err
check_eq "... one file written" "$(ls nfc-out | wc -l)" 1
"$SMZ" extract nfc.smz --format tar -o nfc.tar 2>/dev/null
check_eq "... and one member in a tar" "$(tar tf nfc.tar | wc -l)" 1
# --- an embedded Signature that is no signature: smz info says
# "malformed", and smz check without keys now reports it too (red team) ---
"$SMZ_PACK" "$TOP/samples" -o sig-garbage.smz --quiet
cp sig-garbage.smz sig-none.smz
sqlite3 sig-garbage.smz "INSERT INTO metadata VALUES('Signature', 'garbage')"
"$SMZ" check sig-garbage.smz >sg.out 2>&1
check_eq "smz check of a garbage Signature exits 1" "$?" 1
check_grep "... naming it" "Signature is not a minisign signature" sg.out
check "an archive without a Signature still checks ok" "$SMZ" check sig-none.smz
done_testing
