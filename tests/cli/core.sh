# shellcheck shell=bash
# Core round trip, determinism, interruption and damage tests (issue: core).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
python3 "$TOP/tests/tools/gen_collection.py" gen 10000 >/dev/null

# --- pack the generated collection ---
"$SMZ_PACK" gen/site -o gen.smz --redirects gen/redirects.tsv --title "Generated" --no-index \
    --language eng --quiet --no-index 2>pack.err
check "pack a 10,000-entry collection" test -s gen.smz
check_grep "symlink outside the tree is refused with a warning" "link-outside.txt: symlink points outside" pack.err
check "smz check passes on a fresh archive" "$SMZ" check gen.smz
"$SMZ" ls --long gen.smz > ls.tsv
check_eq "every file and redirect is listed" "$(wc -l < ls.tsv)" "10102"
check_fails "hidden files are skipped by default" grep -q "^.hidden" ls.tsv
check_fails "the outside symlink is not packed" grep -q "^link-outside" ls.tsv

# --- extract: every byte back, nothing outside ---
"$SMZ" extract gen.smz -o out 2>extract.err
check "extract exits 0" test $? -eq 0
diff -r -x .hidden -x link-outside.txt -x redir gen/site out > diff.txt 2>&1
check_eq "extract gives the tree back byte-identical" "$(wc -l < diff.txt)" "0"

# --- cat: every file, byte for byte, MIME types and titles as listed ---
mismatch=0
while IFS=$'\t' read -r path _; do
    "$SMZ" cat gen.smz "$path" | cmp -s - "gen/site/$path" || { mismatch=$((mismatch + 1)); echo "cat differs: $path"; }
done < gen/expected.tsv > cat.log
check_eq "cat of every file is byte-identical" "$mismatch" "0"
# MIME types and titles: every expected (path, mime, title) is in the listing
python3 - gen/expected.tsv ls.tsv > meta.log <<'PY'
import sys
listed = {}
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    listed[f[0]] = (f[1], f[3] if len(f) > 3 else "")
for line in open(sys.argv[1], encoding="utf-8"):
    path, mime, title = line.rstrip("\n").split("\t")
    if listed.get(path) != (mime, title):
        print("meta differs:", path, listed.get(path), (mime, title))
PY
check_eq "MIME types and titles are as packed" "$(wc -l < meta.log)" "0"
head -5 meta.log
head -5 cat.log
bad=0
while IFS=$'\t' read -r from _ to; do
    "$SMZ" cat gen.smz "$from" | cmp -s - "gen/site/$to" || bad=$((bad + 1))
done < gen/redirects.tsv
check_eq "cat follows every redirect to its target's bytes" "$bad" "0"
check "a symlink inside the tree becomes a working redirect" \
    sh -c "\"$SMZ\" cat gen.smz link-inside.html | cmp -s - gen/site/link-inside.html"
check_fails "cat of a missing entry fails" "$SMZ" cat gen.smz no/such/page.html
"$SMZ" cat gen.smz no/such/page.html 2>missing.err
check_grep "and says so" "no such entry" missing.err

# --- info ---
"$SMZ" info --json gen.smz > info.json
check "info --json is valid JSON with the counts" python3 -c "
import json,sys; d=json.load(open('info.json'))
assert d['entries'] == 10102 and d['redirects'] == 101, d
assert d['metadata']['Title'] == 'Generated' and d['metadata']['Name'] == 'gen'
assert d['metadata']['MainPage'] == 'index.html'
assert any(m['mime'] == 'image/png' for m in d['mime_types'])"
"$SMZ" info gen.smz > info.txt
check_grep "info shows the compression ratio" "MB of content in a .* MB file" info.txt

# --- determinism ---
cp gen.smz gen1.smz
"$SMZ_PACK" gen/site -o gen.smz --redirects gen/redirects.tsv --title "Generated" --language eng --quiet --no-index 2>/dev/null
check_eq "packing twice gives byte-identical archives" "$(sha256sum < gen.smz)" "$(sha256sum < gen1.smz)"
"$SMZ_PACK" gen/site -o gen.smz --redirects gen/redirects.tsv --title "Generated" --language eng --quiet --no-index --threads 1 2>/dev/null
check_eq "... whatever the number of threads" "$(sha256sum < gen.smz)" "$(sha256sum < gen1.smz)"
# A final cluster of several MiB (once compressed by several threads at once,
# now by one, as every cluster): its bytes must not depend on their number.
gen_words() { # DIR SEED N: N text files pNN.txt of 9,000 random words each
    python3 - "$@" <<'PYEOF'
import os, random, sys
d, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
words = ["w%d" % i for i in range(3000)]
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(os.path.join(d, "p%02d.txt" % i), "w") as f:
        f.write(" ".join(random.choice(words) for _ in range(9000)))
PYEOF
}
gen_words mt 7 60
for t in 1 2 3; do mkdir -p "mt$t" && "$SMZ_PACK" mt -o "mt$t/mt.smz" --quiet --no-index --no-articles --main-page p00.txt --threads $t; done
check "a final cluster of over 2 MiB" test "$(sqlite3 mt1/mt.smz 'SELECT usize FROM clusters ORDER BY id DESC LIMIT 1')" -gt 2097152
check_eq "... gives the same bytes with 1, 2 or 3 threads" "$(sha256sum < mt1/mt.smz) $(sha256sum < mt2/mt.smz)" "$(sha256sum < mt3/mt.smz) $(sha256sum < mt3/mt.smz)"
check "... and reads back" cmp -s mt/p59.txt <("$SMZ" cat mt1/mt.smz p59.txt)
check "... and passes smz check" "$SMZ" check mt2/mt.smz
# The cluster plan (format 3): a source that would fill one cluster alone,
# from 4 MiB on, is cut into two halves that compress side by side; the
# plan comes from the source's size, never from the machine.
gen_words mp 8 100
for t in 1 2; do mkdir -p "mp$t" && "$SMZ_PACK" mp -o "mp$t/mp.smz" --quiet --no-index --no-articles --main-page p00.txt --level 3 --threads $t; done
plan=$(sqlite3 mp1/mp.smz "SELECT count(*), min(usize) * 100 / max(usize) FROM clusters WHERE kind = 1")
check_eq "5 MiB of text make two compressed clusters" "${plan%%|*}" "2"
check "... of nearly equal size" test "${plan##*|}" -ge 95
check_eq "... the same bytes with 1 or 2 threads" "$(sha256sum < mp1/mp.smz)" "$(sha256sum < mp2/mp.smz)"
"$SMZ_PACK" mp -o mp1/one.smz --quiet --no-index --no-articles --main-page p00.txt --level 3 --cluster-size 8388608
check_eq "... and one with --cluster-size 8 MiB" "$(sqlite3 mp1/one.smz "SELECT count(*) FROM clusters WHERE kind = 1")" "1"
check "... and reads back" cmp -s mp/p99.txt <("$SMZ" cat mp1/mp.smz p99.txt)
mkdir -p d2 && cp -r gen/site d2/site && touch -d '2001-01-01' d2/site/index.html
"$SMZ_PACK" d2/site -o d2/gen.smz --redirects gen/redirects.tsv --title "Generated" --language eng --quiet --no-index 2>/dev/null
check_eq "... and whatever the file times" "$(sha256sum < d2/gen.smz)" "$(sha256sum < gen1.smz)"
cp -r "$TOP/samples" samples_copy
SOURCE_DATE_EPOCH=86400 "$SMZ_PACK" samples_copy -o sde.smz --quiet --no-index
check_eq "SOURCE_DATE_EPOCH sets the Date" "$(python3 -c "import json,subprocess;print(json.loads(subprocess.check_output(['$SMZ','info','--json','sde.smz']))['metadata']['Date'])")" "1970-01-02"

# --- interrupted packs leave nothing at the target ---
for sig in INT TERM KILL; do
    rm -f big.smz .big.smz.partial-*
    "$SMZ_PACK" gen/site -o big.smz --quiet --level 19 --cluster-size 65536 2>/dev/null &
    pid=$!
    sleep 0.5
    check "SIG$sig: the pack was still running when signalled" kill -$sig $pid
    wait $pid 2>/dev/null
    check "SIG$sig during a pack leaves nothing at the target path" test ! -e big.smz
    if [ $sig != KILL ]; then
        check_eq "SIG$sig: the temporary file is removed too" "$(ls -A | grep -c partial)" "0"
    fi
    rm -f .big.smz.partial-*
done
cp gen1.smz keep.smz
"$SMZ_PACK" gen/site -o keep.smz --quiet --cluster-size 65536 2>/dev/null &
pid=$!; sleep 0.5
check "the re-pack was still running when interrupted" kill -INT $pid
wait $pid 2>/dev/null
check_eq "an interrupted re-pack leaves the old archive untouched" "$(sha256sum < keep.smz)" "$(sha256sum < gen1.smz)"

# --- full disk and unreadable input ---
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
    "$SMZ_PACK" gen/site -o small/full.smz --quiet --no-index 2>full.err
    rc=$?
    check "a full disk fails the pack" test $rc -ne 0
    check_grep "with a clear message" "disk full|No space left" full.err
    check_eq "and leaves no file on the full disk" "$(ls -A small | wc -l)" "0"
    # 3 MB of text that compress to a few KB: the clusters' spool beside the
    # target (their bytes before compression) fills the 1 MB disk first.
    mkdir -p spooled && python3 -c "
import sys
for i in range(30):
    open('spooled/p%02d.html' % i, 'w').write('<html><head><title>P%d</title></head><body><p>' % i + 'lorem ipsum dolor ' * 5600 + '</p></body></html>')
"
    "$SMZ_PACK" spooled -o small/spooled.smz --quiet --no-index 2>spool.err
    rc=$?
    check "a full disk under the clusters' spool fails the pack" test $rc -ne 0
    check_grep "... saying so" "clusters' spool beside small/spooled.smz: No space left" spool.err
    check_eq "... and leaves no file on the full disk" "$(ls -A small | wc -l)" "0"
    umount small
else
    ok "# SKIP full-disk test needs root and tmpfs"
fi
# (in a folder of its own under /tmp: the user 'nobody' cannot enter $T)
u=$(mktemp -d /tmp/smz-unread.XXXXXX) && chmod 777 "$u"
mkdir -p "$u/in" && echo secret > "$u/in/a.html" && echo ok > "$u/in/b.html" && chmod 000 "$u/in/a.html" && chmod 755 "$u/in"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SMZ_PACK" "$u/in" -o "$u/out.smz" --quiet --no-index 2>unread.err
    check "an unreadable input file fails the pack" test $? -ne 0
    check_grep "naming the file" "a.html.*Permission denied" unread.err
    check "and leaves no archive, nor a temporary file" test -z "$(ls -A "$u" | grep -v '^in$')"
    rm -rf "$u"
else
    ok "# SKIP unreadable-file test needs root to switch user"
fi

# --- damage: truncation, a flipped byte in a cluster, unsafe paths ---
size=$(stat -c %s gen1.smz)
head -c $((size / 2)) gen1.smz > trunc.smz
check_fails "check fails on a truncated archive" "$SMZ" check trunc.smz
"$SMZ" cat trunc.smz index.html > /dev/null 2>trunc.err; rc=$?
check "cat on a truncated archive reports an error, no crash" test $rc -eq 2
check_grep "saying it is truncated" "truncated" trunc.err
# flip one byte in the middle of the first cluster's stored data
off=$(python3 "$TOP/tests/tools/cluster_offset.py" gen1.smz 1)
cp gen1.smz flip.smz
printf '\x5a' | dd of=flip.smz bs=1 seek="$off" conv=notrunc 2>/dev/null
check_fails "check fails on a flipped byte inside a cluster" "$SMZ" check flip.smz
"$SMZ" check flip.smz > flip.out 2>&1
check_grep "and names the cluster" "cluster 1: checksum mismatch" flip.out
# The cluster's last entry: a read decodes from the cluster's start up to its
# entry's end, and format 3 checks only the chunks it reads.
victim=$(python3 "$ENTRYBLOCKS" gen1.smz "SELECT path FROM entries WHERE cluster = 1 ORDER BY offset DESC LIMIT 1")
"$SMZ" cat flip.smz "$victim" > /dev/null 2>flip.err; rc=$?
check "cat of an entry in the damaged cluster fails cleanly" test $rc -eq 2
check_grep "with a clear message" "checksum mismatch" flip.err
echo "not an archive at all" > text.smz
"$SMZ" info text.smz 2>nota.err
check_grep "a random file is 'not an .smz archive'" "not an .smz archive" nota.err
cp gen1.smz evil.smz
python3 "$ENTRYBLOCKS" evil.smz "UPDATE entries SET path = '../evil.html' WHERE path = 'index.html'" 2>/dev/null
mkdir -p jail
"$SMZ" extract evil.smz -o jail/out 2>evil.err
check "extract of a path with .. fails" test $? -ne 0
check "and writes nothing outside the target" test ! -e jail/evil.html -a ! -e evil.html
check_grep "with a clear message" "invalid path|unsafe path" evil.err

# --- make install ---
make -s -C "$TOP" install PREFIX="$T/inst" >/dev/null 2>&1
check "make install PREFIX= installs both programs and man pages" \
    test -x inst/bin/smz -a -x inst/bin/smz-pack -a -f inst/share/man/man1/smz.1 -a -f inst/share/man/man1/smz-pack.1
for c in info ls cat extract check; do
    check "smz $c --help" "$SMZ" $c --help
done
check "smz-pack --help" "$SMZ_PACK" --help
check_fails "smz with no arguments is a usage error" "$SMZ"
done_testing
