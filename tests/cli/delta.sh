# shellcheck shell=bash
# Updates (issue 25, docs/UPDATES.md): smz diff OLD NEW -o UPD and smz patch
# OLD UPD -o OUT rebuild NEW byte for byte (the samples plus one article, at
# the default level and at another, which diff must find); the update is
# smaller than NEW (its size is printed); signed updates (smz diff --sign,
# smz verify, smz patch --key/--keyring); an update for another base is
# refused naming both digests; a truncated, bit-flipped or extended update
# is refused and leaves the folder as it was, and so is one whose table lies
# inside valid frames (tests/tools/hostile_update.py); a full disk fails cleanly; a
# kill -9 during a patch leaves no OUT.  With the PostgreSQL manual: 1% of
# its pages changed and 1% added, the update's size against the archive's.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
PG=/usr/share/doc/postgresql-doc-15/html
digest_of() { "$SMZ" info "$1" | sed -n 's/^ *Digest *//p'; }
size_of() { stat -c %s "$1"; }
listing() { ls -A "$1" | sort | tr '\n' ' '; }

cp -r "$TOP/samples" s
"$SMZ_PACK" s -o old.smz --quiet 2>/dev/null
# A new article, in words of its own (not a copy of one already there).
cat >s/zz_new_report.txt <<'EOF'
Written by: a correspondent in Geneva

Rights groups ask the council for a special session on detention camps

A coalition of forty-one civil society organisations wrote to the members of the United Nations Human Rights Council on Monday (March 14th), asking them to convene a special session on the detention of minorities in the north-west of the country. The letter cites satellite images of new walled compounds, procurement notices for surveillance cameras and testimonies collected from former detainees now living abroad.

The signatories argue that the High Commissioner's assessment, published after years of delay, should now lead to an independent investigative mechanism. Several delegations have said privately that they support the idea but fear economic retaliation; others point to the council's limited record of acting against a permanent member of the Security Council.

Families of the disappeared, some of whom travelled to Geneva for the occasion, held a silent vigil in front of the Palais des Nations with photographs of their relatives. Many have heard nothing from them since 2017. Organisers said they would return every week until the council responds.
EOF
"$SMZ_PACK" s -o new.smz --quiet 2>/dev/null
check "both archives packed" test -s old.smz -a -s new.smz

# --- smz-pack --base: a base that cannot give ids is refused, nothing written ---
mkdir -p nb
echo "not an archive" >nb/notsmz.smz
"$SMZ_PACK" s -o nb/noindex.smz --no-index --quiet 2>/dev/null
for b in nb/missing.smz nb/notsmz.smz nb/noindex.smz; do
    check_fails "--base $(basename $b): refused" "$SMZ_PACK" s -o nb/out.smz --base "$b" --quiet
    "$SMZ_PACK" s -o nb/out.smz --base "$b" --quiet 2>nb/err
    check_grep "--base $(basename $b): the error names the base" "$(basename $b)" nb/err
    check_eq "--base $(basename $b): nothing written" "$(ls -A nb | grep -c out)" 0
done
"$SMZ_PACK" s -o nb/v2.smz --format-version 2 --quiet 2>/dev/null
check "--base: a version 2 archive (its index in tables) gives its ids" \
    "$SMZ_PACK" s -o nb/out2.smz --base nb/v2.smz --quiet
check "--base: a version 3 archive (its index packed) gives its ids" \
    "$SMZ_PACK" s -o nb/out3.smz --name new --base old.smz --quiet
check "--base: an article added last keeps every id: the same bytes as without" cmp nb/out3.smz new.smz
cp nb/v2.smz nb/hostile.smz
sqlite3 nb/hostile.smz "UPDATE search_text SET id = 1099511627777 WHERE id = 1"
check_fails "--base: a base whose ids are out of bounds is refused" "$SMZ_PACK" s -o nb/out4.smz --base nb/hostile.smz --quiet
check_eq "... and nothing written" "$(ls -A nb | grep -c out4)" 0
cp nb/v2.smz nb/twice.smz
sqlite3 nb/twice.smz "ALTER TABLE search_text RENAME TO x; CREATE TABLE search_text(id INTEGER, path TEXT);
    INSERT INTO search_text SELECT * FROM x; INSERT INTO search_text VALUES(1, 'zz_new_report.html'); DROP TABLE x"
check "--base: a base that gives an id twice: packed, the second path gets a new id" \
    "$SMZ_PACK" s -o nb/out5.smz --base nb/twice.smz --quiet
check "... and the archive checks" "$SMZ" check nb/out5.smz
check_eq "... and finds what the archive without --base finds" \
    "$("$SMZ" search nb/out5.smz geneva --limit 100)" "$("$SMZ" search new.smz geneva --limit 100)"

# --- round trip ---
check "smz diff writes an update" "$SMZ" diff old.smz new.smz -o u.smzup
"$SMZ" diff old.smz new.smz -o u.smzup >diff.out 2>&1
check "smz patch rebuilds the new archive" "$SMZ" patch old.smz u.smzup -o out.smz
check "byte for byte" cmp out.smz new.smz
check_eq "the same SHA-256" "$(sha256sum <out.smz)" "$(sha256sum <new.smz)"
check "and it checks as an archive" "$SMZ" check out.smz
article=$(zstd -19 -c s/zz_new_report.txt | wc -c)
echo "# samples +1 article: update $(size_of u.smzup) bytes, new archive $(size_of new.smz) bytes," \
    "the article alone zstd -19: $article bytes ($(cat diff.out))"
check "the update is smaller than the new archive" test "$(size_of u.smzup)" -lt "$(size_of new.smz)"
# The packed index is rebuilt from the pages (docs/UPDATES.md, "Rebuilt, not
# carried"): the articles' pages are found so, and the update is then at most
# about twice the article alone (it was four times while the index's delta
# was carried).
check_grep "the search index is not carried but rebuilt" "search index is not carried" diff.out
check "... the update under 2.2 times the article alone" test $(($(size_of u.smzup) * 10)) -lt $((article * 22))
check "... by far (under a quarter)" test $(($(size_of u.smzup) * 4)) -lt "$(size_of new.smz)"
# The added article's page is rendered again from its original by patch,
# not carried (docs/UPDATES.md, "Article pages rendered again"): the cluster
# that holds it is carried with op 5, and the update is under 1.5 times the
# article alone (the issue's goal, against a tar of it: a bare zstd frame is
# smaller still).
ops=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import smzupd
print(" ".join(str(r["op"]) for r in smzupd.read(open(sys.argv[2], "rb").read())["records"]))' \
    "$TOP/tests/tools" u.smzup)
check_grep "the article's cluster is carried without its page (op 5)" "5" <(echo "$ops" | tr ' ' '\n')
tarred=$(tar cf - --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner s/zz_new_report.txt | zstd -19 -c | wc -c)
check "... the update under 1.5 times what changed ($(size_of u.smzup) bytes, the article tarred $tarred)" \
    test $(($(size_of u.smzup) * 2)) -lt $((tarred * 3))
# Markdown originals: their pages rendered by patch too (cmark, loaded when
# needed), one page changed and one added; a page its source brought itself
# beside its original (which smz-pack keeps, storing the original as it is)
# stays carried, and the result is still byte for byte.
mkdir -p md
for i in 1 2 3 4 5 6; do
    printf '# Report number %s\n\nThe committee met on a *Tuesday* to discuss item %s of the agenda.\n\n- one\n- two\n' "$i" "$i" >md/report-$i.md
done
printf '<!DOCTYPE html><title>Own page</title><p>Brought by the source.</p>\n' >md/report-6.html
"$SMZ_PACK" md -o md-old.smz --articles --quiet --date 2024-01-01 2>/dev/null
printf '\nA paragraph added later, with a [link](report-1.html).\n' >>md/report-3.md
printf '# Report number 7\n\nA new report, *emphasised*.\n' >md/report-7.md
printf '<!DOCTYPE html><title>Own page</title><p>Brought by the source, changed.</p>\n' >md/report-6.html
"$SMZ_PACK" md -o md-new.smz --articles --quiet --date 2024-01-02 2>/dev/null
"$SMZ" diff md-old.smz md-new.smz -o md.smzup >/dev/null 2>&1
"$SMZ" patch md-old.smz md.smzup -o md-out.smz >/dev/null 2>&1
check "Markdown originals: patched byte for byte" cmp md-out.smz md-new.smz
mdops=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import smzupd
print(" ".join(str(r["op"]) for r in smzupd.read(open(sys.argv[2], "rb").read())["records"]))' \
    "$TOP/tests/tools" md.smzup)
check_grep "... their cluster carried without the pages (op 5)" "5" <(echo "$mdops" | tr ' ' '\n')
"$SMZ" diff new.smz new.smz -o same.smzup >/dev/null 2>&1
"$SMZ" patch new.smz same.smzup -o same.smz >/dev/null 2>&1
check "an update between equal archives works too" cmp same.smz new.smz
check "patch replaces an existing OUT" "$SMZ" patch old.smz u.smzup -o out.smz
sum=$(sha256sum <old.smz)
check_fails "-o naming the base is refused" "$SMZ" patch old.smz u.smzup -o old.smz
check_eq "... and the base is intact" "$(sha256sum <old.smz)" "$sum"

# Another level (diff finds the one that reproduces the clusters).
"$SMZ_PACK" s -o new3.smz --quiet --level 3 2>/dev/null
"$SMZ" diff old.smz new3.smz -o u3.smzup >/dev/null 2>&1
"$SMZ" patch old.smz u3.smzup -o out3.smz >/dev/null 2>&1
check "an archive packed at --level 3: rebuilt byte for byte" cmp out3.smz new3.smz

# --- another base ---
"$SMZ" patch new.smz u.smzup -o wrong.smz >wrong.out 2>wrong.err
check_eq "an update for another base is refused (1)" "$?" 1
check_grep "... naming the digest it needs" "$(digest_of old.smz)" wrong.err
check_grep "... and the base's" "$(digest_of new.smz)" wrong.err
check "... and writes nothing" test ! -e wrong.smz
"$SMZ" upgrade old.smz -o old3.smz --format-version 2 >/dev/null 2>&1 # same content, other bytes
"$SMZ" patch old3.smz u.smzup -o wrong.smz 2>wrong2.err
check_grep "the same content in other bytes is told apart" "other bytes of the same content" wrong2.err

# --- signatures ---
"$SMZ" keygen -W -p k.pub -s k.sec >/dev/null 2>&1
"$SMZ" keygen -W -p k2.pub -s k2.sec >/dev/null 2>&1
check "smz diff --sign signs the update" "$SMZ" diff old.smz new.smz -o signed.smzup --sign k.sec
check "... as UPDATE.smzup.minisig" test -s signed.smzup.minisig
check_grep "... whose trusted comment names both digests" \
    "trusted comment: smz-update-1 old:$(digest_of old.smz) new:$(digest_of new.smz)" signed.smzup.minisig
check "smz verify: a trusted key's signature verifies" "$SMZ" verify signed.smzup --key k.pub
if command -v minisign >/dev/null; then
    check "... and Debian's minisign accepts it" minisign -Vm signed.smzup -p k.pub
fi
"$SMZ" verify signed.smzup --key k2.pub >/dev/null 2>&1
check_eq "an untrusted key's: no (1)" "$?" 1
"$SMZ" verify u.smzup --key k.pub >/dev/null 2>&1
check_eq "an unsigned update: no (1)" "$?" 1
cp signed.smzup tampered.smzup
cp signed.smzup.minisig tampered.smzup.minisig
printf '\x01' | dd of=tampered.smzup bs=1 seek=200 conv=notrunc 2>/dev/null
check_fails "a changed update does not verify" "$SMZ" verify tampered.smzup --key k.pub
check "smz patch --key applies a signed update" "$SMZ" patch old.smz signed.smzup -o ps.smz --key k.pub
check "... byte for byte" cmp ps.smz new.smz
"$SMZ" patch old.smz u.smzup -o pu.smz --keyring k.pub 2>pu.err
check_eq "smz patch --keyring refuses an unsigned update (1)" "$?" 1
check_grep "... saying so" "not signed" pu.err
check_fails "... an untrusted one" "$SMZ" patch old.smz signed.smzup -o pu.smz --key k2.pub
check_fails "... a changed one" "$SMZ" patch old.smz tampered.smzup -o pu.smz --key k.pub
check "... and writes nothing" test ! -e pu.smz
# The signature inside: the update alone (no .minisig beside it, as on a
# stick) verifies, patches with --key, and is refused when altered.
mkdir -p alone && cp signed.smzup alone/
check "the update alone, without its .minisig: its own signature verifies" "$SMZ" verify alone/signed.smzup --key k.pub
check "... smz patch --key applies it" "$SMZ" patch old.smz alone/signed.smzup -o alone/out.smz --key k.pub
check "... byte for byte" cmp alone/out.smz new.smz
"$SMZ" verify alone/signed.smzup --key k2.pub >/dev/null 2>&1
check_eq "... an untrusted key's: no (1)" "$?" 1
cp signed.smzup alone/t1.smzup
printf '\x01' | dd of=alone/t1.smzup bs=1 seek=200 conv=notrunc 2>/dev/null
check_fails "... a changed update does not verify" "$SMZ" verify alone/t1.smzup --key k.pub
check_fails "... nor patch with --key" "$SMZ" patch old.smz alone/t1.smzup -o alone/t1.smz --key k.pub
check "... writing nothing" test ! -e alone/t1.smz
size=$(size_of signed.smzup)
cp signed.smzup alone/t2.smzup
printf 'X' | dd of=alone/t2.smzup bs=1 seek=$((size - 40)) conv=notrunc 2>/dev/null
check_fails "... a changed signature does not verify" "$SMZ" verify alone/t2.smzup --key k.pub
head -c $((size - 3)) signed.smzup >alone/t3.smzup
"$SMZ" patch old.smz alone/t3.smzup -o alone/t3.smz >/dev/null 2>alone/t3.err
check_eq "... a cut signature makes the update damaged (1)" "$?" 1
check_grep "... saying so" "damaged" alone/t3.err
check "a signed update patches without --key too (the signature is not in the way)" \
    "$SMZ" patch old.smz alone/signed.smzup -o alone/nokey.smz
"$SMZ" diff old.smz new.smz -o signed.smzup --sign k.sec >/dev/null 2>&1
"$SMZ" diff old.smz new.smz -o signed.smzup --sign k.sec >/dev/null 2>&1
check "a signed update made again over the old one: good" "$SMZ" verify signed.smzup --key k.pub
check_eq "... one signature inside, as long as before" "$(size_of signed.smzup)" "$size"
"$SMZ" diff old.smz new.smz -o signed.smzup >/dev/null 2>&1
check "a new unsigned update removes the old signature" test ! -e signed.smzup.minisig

# --- damaged and hostile updates: refused, nothing written ---
mkdir -p d
cp old.smz u.smzup d/
before=$(listing d)
n=$(size_of u.smzup)
refused=0
total=0
for off in 0 7 8 12 20 50 85 100 130 150 155 160 165 170 175 176 180 200 300 \
    $((n / 3)) $((n / 2)) $((n - 200)) $((n - 40)) $((n - 1)); do
    [ "$off" -lt "$n" ] || continue
    cp u.smzup d/bad.smzup
    printf '\x5a' | dd of=d/bad.smzup bs=1 seek="$off" conv=notrunc 2>/dev/null
    cmp -s u.smzup d/bad.smzup && printf '\xa5' | dd of=d/bad.smzup bs=1 seek="$off" conv=notrunc 2>/dev/null
    total=$((total + 1))
    if ! "$SMZ" patch d/old.smz d/bad.smzup -o d/out.smz >/dev/null 2>d/err && [ ! -e d/out.smz ]; then
        refused=$((refused + 1))
    else
        echo "# byte $off flipped: not refused: $(cat d/err)"
    fi
    rm -f d/bad.smzup
done
check_eq "every flipped byte is refused with nothing written ($total places)" "$refused" "$total"
for cut in 0 8 100 175 176 $((n / 2)) $((n - 1)); do
    head -c "$cut" u.smzup >d/bad.smzup
    check_fails "an update cut at $cut bytes is refused" "$SMZ" patch d/old.smz d/bad.smzup -o d/out.smz
    rm -f d/bad.smzup
done
{ cat u.smzup; echo extra; } >d/bad.smzup
"$SMZ" patch d/old.smz d/bad.smzup -o d/out.smz 2>d/err
check_eq "an update with bytes after its end is refused" "$?" 1
check_grep "... as damaged" "damaged" d/err
rm -f d/bad.smzup d/err
# Valid zstd frames around a lying table (tests/tools/hostile_update.py).
mkdir -p h
if python3 "$TOP/tests/tools/hostile_update.py" u.smzup h >h.list 2>h.err; then
    hostile=0
    refused=0
    while read -r name; do
        hostile=$((hostile + 1))
        "$SMZ" patch d/old.smz "h/$name.smzup" -o d/out.smz >/dev/null 2>h/err
        if [ $? = 1 ] && grep -qE "damaged|SHA-256" h/err && [ ! -e d/out.smz ]; then
            refused=$((refused + 1))
        else
            echo "# $name: not refused as damaged: $(cat h/err)"
        fi
    done <h.list
    check "hostile tables made" test "$hostile" -ge 15
    check_eq "each hostile table is refused as damaged, nothing written" "$refused" "$hostile"
else
    bad "tests/tools/hostile_update.py: $(cat h.err)"
fi
check_eq "the folder is as it was" "$(listing d)" "$before"
check "... the base untouched" cmp d/old.smz old.smz
check_fails "an archive is not an update" "$SMZ" patch old.smz new.smz -o d/out.smz
check_fails "a missing update" "$SMZ" patch old.smz nothing.smzup -o d/out.smz
check "... nothing written" test ! -e d/out.smz

# --- full disk ---
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=16k tmpfs small 2>/dev/null; then
    "$SMZ" patch old.smz u.smzup -o small/out.smz 2>full.err
    check_eq "a full disk fails the patch (2)" "$?" 2
    check_grep "with a clear message" "disk full" full.err
    check_eq "and leaves nothing on the disk" "$(ls -A small | wc -l)" "0"
    umount small
else
    ok "# SKIP full-disk test needs root and tmpfs"
fi

# --- the PostgreSQL manual: 1% of the pages changed, 1% added; kill -9 ---
if [ -d "$PG" ]; then
    cp -r "$PG" a
    cp -r a b
    for f in $(ls a | grep '\.html$' | awk 'NR % 100 == 7'); do
        sed -i 's|</body>|<p>Changed in this release: a note added to this page.</p></body>|' "b/$f"
    done
    for f in $(ls a | grep '\.html$' | awk 'NR % 100 == 23'); do
        sed 's|<title>|<title>New: |' "a/$f" >"b/new-$f"
    done
    "$SMZ_PACK" a -o pg1.smz --quiet 2>/dev/null
    "$SMZ_PACK" b -o pg2.smz --quiet 2>/dev/null
    "$SMZ" diff pg1.smz pg2.smz -o pg.smzup >pgdiff.out 2>&1
    "$SMZ" patch pg1.smz pg.smzup -o pgout.smz >/dev/null 2>&1
    check "pgdoc +1% changed +1% added: rebuilt byte for byte" cmp pgout.smz pg2.smz
    echo "# pgdoc: update $(size_of pg.smzup) bytes, new archive $(size_of pg2.smz) bytes ($(cat pgdiff.out))"
    check "... the update is smaller than the new archive" test "$(size_of pg.smzup)" -lt "$(size_of pg2.smz)"
    check_grep "pgdoc: the search index rebuilt from its HTML pages" "search index is not carried" pgdiff.out
    check "... the update under 2% of the new archive" test $(($(size_of pg.smzup) * 50)) -lt "$(size_of pg2.smz)"
    # smz-pack --base: the pages pg1 indexed keep their ids, the index's
    # delta is a fraction (docs/UPDATES.md, Figures).
    "$SMZ_PACK" b -o pg3.smz --name pg2 --base pg1.smz --quiet 2>/dev/null
    "$SMZ_PACK" b -o pg3b.smz --name pg2 --base pg1.smz --quiet 2>/dev/null
    check "--base: packed" test -s pg3.smz
    check "--base: the same input and base give the same bytes" cmp pg3.smz pg3b.smz
    check_eq "--base: the same content digest as without" "$(digest_of pg3.smz)" "$(digest_of pg2.smz)"
    check "--base: the archive checks" "$SMZ" check pg3.smz
    check_eq "--base: as large as without (within 1%)" \
        "$(($(size_of pg3.smz) * 100 / $(size_of pg2.smz) <= 100 && $(size_of pg3.smz) * 100 / $(size_of pg2.smz) >= 99))" 1
    check_eq "--base: the old pages keep their ids" \
        "$("$SMZ" search pg3.smz 'vacuum' --limit 100 --json | md5sum)" "$("$SMZ" search pg2.smz 'vacuum' --limit 100 --json | md5sum)"
    same=1
    for q in "replication slot" "new" "changed release" "pg_dump format" "index*" "-table view"; do
        [ "$("$SMZ" search pg3.smz "$q" --limit 100 2>&1)" = "$("$SMZ" search pg2.smz "$q" --limit 100 2>&1)" ] || same=0
    done
    check_eq "--base: the same search results as without (7 queries)" "$same" 1
    "$SMZ" diff pg1.smz pg3.smz -o pg3.smzup >/dev/null 2>&1
    "$SMZ" patch pg1.smz pg3.smzup -o pg3out.smz >/dev/null 2>&1
    check "--base: the update rebuilds it byte for byte" cmp pg3out.smz pg3.smz
    echo "# pgdoc packed with --base pg1.smz: update $(size_of pg3.smzup) bytes (without: $(size_of pg.smzup))"
    check "--base: the update is no larger than 1.05 times the one without" \
        test $(($(size_of pg3.smzup) * 100)) -le $(($(size_of pg.smzup) * 105))
    # A second generation: pg3's new pages have ids after the others' but
    # sit among them in path order.
    cp -r b c
    sed -i 's|</body>|<p>A third release.</p></body>|' "c/$(ls c | grep '\.html$' | sed -n 500p)"
    cp "c/$(ls c | grep '\.html$' | sed -n 40p)" c/aaa-third.html
    "$SMZ_PACK" c -o pg4.smz --base pg3.smz --quiet 2>/dev/null
    "$SMZ_PACK" c -o pg4n.smz --quiet 2>/dev/null
    "$SMZ" diff pg3.smz pg4.smz -o pg4.smzup >/dev/null 2>&1
    "$SMZ" diff pg2.smz pg4n.smz -o pg4n.smzup >/dev/null 2>&1
    "$SMZ" patch pg3.smz pg4.smzup -o pg4out.smz >/dev/null 2>&1
    check "--base, a second generation: rebuilt byte for byte" cmp pg4out.smz pg4.smz
    echo "# a second generation (1 page changed, 1 added first): $(size_of pg4.smzup) bytes with --base, $(size_of pg4n.smzup) without"
    check "--base, a second generation: the update is no larger than 1.05 times the one without" \
        test $(($(size_of pg4.smzup) * 100)) -le $(($(size_of pg4n.smzup) * 105))
    check_eq "--base, a second generation: the same search results" \
        "$("$SMZ" search pg4.smz 'third release' --limit 100 2>&1)" "$("$SMZ" search pg4n.smz 'third release' --limit 100 2>&1)"
    mkdir -p k
    "$SMZ" patch pg1.smz pg.smzup -o k/out.smz >/dev/null 2>&1 &
    pid=$!
    sleep 1
    check "the patch was still running when killed" kill -9 $pid
    wait $pid 2>/dev/null
    check_eq "kill -9 during a patch leaves nothing in OUT's folder" "$(ls -A k | wc -l)" "0"
else
    ok "# SKIP pgdoc case: $PG not installed"
fi
done_testing
