# shellcheck shell=bash
# Packer inputs: folders, tar.gz, zip, tar on stdin, WARC, and hostile archives.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
python3 "$TOP/tests/tools/gen_collection.py" gen 600 >/dev/null
P() { "$SMZ_PACK" "$@" --no-index --quiet --name same; }

# --- the same site four ways gives the same archive ---
P gen/site -o dir.smz 2>/dev/null
tar --sort=name -C gen/site -czf site.tgz .
P site.tgz -o tgz.smz 2>/dev/null
(cd gen/site && find . -mindepth 1 | LC_ALL=C sort | zip -q -y -@ "$T/site.zip")
P site.zip -o zip.smz 2>/dev/null
tar --sort=name -C gen/site -cf - . | P - -o stdin.smz 2>/dev/null
tar --sort=name -C gen/site -cJf site.txz .
P site.txz -o txz.smz 2>/dev/null
tar --sort=name -C gen/site --zstd -cf site.tzst .
P site.tzst -o tzst.smz 2>/dev/null
want=$(sha256sum < dir.smz)
for f in tgz zip stdin txz tzst; do
    check_eq "$f input gives the same archive bytes as the folder" "$(sha256sum < $f.smz)" "$want"
done
"$SMZ" ls --long tgz.smz > tgz.ls
check_eq "the tar.gz archive lists every entry" "$(wc -l < tgz.ls)" "$("$SMZ" ls dir.smz | wc -l)"

# --- cluster order: by file name up to its first dot, then by path ---
# (files of one name share a cluster and compress as one; see lib/pack/order.h).
# Format 2 keeps that order inside a cluster; format 3 then puts the smaller
# half of a cluster's entries first, each half in that order (docs/FORMAT.md).
mkdir -p ord/_sources/lib ord/lib ord/zz
for f in _sources/lib/os.rst.txt lib/os.html lib/abc.html _sources/lib/abc.rst.txt zz/index.html; do
    printf 'some text of %s\n' "$f" > "ord/$f"
done
P ord -o ord.smz --format-version 2 2>/dev/null
P ord -o ord3.smz 2>/dev/null
tar --sort=name -C ord -cf ord.tar .
P ord.tar -o ord-tar.smz --format-version 2 2>/dev/null
order_of() {
    python3 -c 'import sqlite3, sys, entryblocks
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
entryblocks.open(db)
print(" ".join(p for (p,) in db.execute(
    "SELECT path FROM entries WHERE cluster IS NOT NULL ORDER BY cluster, offset")))' "$1"
}
# (index.html: the generated main page, added after the source)
want_order="_sources/lib/abc.rst.txt lib/abc.html zz/index.html _sources/lib/os.rst.txt lib/os.html index.html"
check_eq "a folder's files sit in clusters by name, then path" "$(order_of ord.smz)" "$want_order"
check_eq "a tar's members too" "$(order_of ord-tar.smz)" "$want_order"
want3=$(python3 -c 'import sqlite3, sys, entryblocks
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
entryblocks.open(db)
size = dict(db.execute("SELECT path, size FROM entries WHERE cluster IS NOT NULL"))
order = sys.argv[2].split()
small = set(sorted(order, key=lambda p: (size[p], order.index(p)))[:len(order) // 2])
print(" ".join([p for p in order if p in small] + [p for p in order if p not in small]))' ord3.smz "$want_order")
check_eq "format 3: the smaller half first, each half in that order" "$(order_of ord3.smz)" "$want3"

# --- several sources: the later wins on a clash, with a warning ---
mkdir -p over && printf '<title>Newer</title>new\n' > over/index.html
"$SMZ_PACK" gen/site over -o two.smz --no-index --quiet 2>two.err
check_grep "a path clash is warned about" "index.html: added twice; the later one wins" two.err
check_eq "and the later source wins" "$("$SMZ" cat two.smz index.html)" "$(cat over/index.html)"

# --- WARC from a real wget crawl of a local server ---
mkdir -p www/sub && printf '<html><head><title>Home</title></head><body><a href="sub/p.html">p</a> <a href="gone.html">x</a><img src="i.png"></body></html>' > www/index.html
printf '<html><head><title>Page</title></head><body>page</body></html>' > www/sub/p.html
cp "$(ls gen/site/img/*.png | head -1)" www/i.png
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd www && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
(mkdir -p crawl && cd crawl && wget -q -r -l 3 --warc-file=site "http://127.0.0.1:$port/")
kill $srv 2>/dev/null
"$SMZ_PACK" crawl/site.warc.gz -o warc.smz --no-index --quiet 2>warc.err
check "a WARC crawl packs" test -s warc.smz
for f in index.html sub/p.html i.png; do
    check "WARC entry $f is byte-identical to what was served" sh -c "\"$SMZ\" cat warc.smz $f | cmp -s - www/$f"
done
"$SMZ" ls --long warc.smz > warc.ls
check_grep "WARC entries take their MIME type from Content-Type" "^i.png	image/png" warc.ls
check_fails "non-200 responses are left out" grep -q "gone.html" warc.ls

# --- hostile archives ---
python3 "$TOP/tests/tools/hostile_inputs.py" hostile
mkdir -p jail && cd jail || exit 1
# What was packed from the archive: the index page listing it is generated.
members() { "$SMZ" ls "$1" | grep -vx index.html; }
"$SMZ_PACK" ../hostile/traversal.tar -o t.smz --no-index --quiet 2>t.err
check "a tar with ../ and absolute names still packs its good entries" sh -c "\"$SMZ\" ls t.smz | grep -qx good.html"
check_eq "and only those" "$(members t.smz | wc -l)" "1"
check_eq "with a generated index page as the main page" "$("$SMZ" info --json t.smz | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["MainPage"])')" "index.html"
check_grep "each unsafe name gets a warning" "unsafe or non-UTF-8 name ../evil.html" t.err
check_grep "absolute names too" "unsafe or non-UTF-8 name /abs/evil.html" t.err
check "nothing was written outside" test ! -e ../evil.html -a ! -e /abs/evil.html -a ! -e ../../evil2.html
"$SMZ_PACK" ../hostile/links.tar -o l.smz --no-index --quiet 2>l.err
"$SMZ" ls --long l.smz > l.ls
check_grep "a symlink to /etc/passwd is refused" "passwd: link points outside the archive" l.err
check_grep "a symlink climbing out is refused" "sub/up: link points outside the archive" l.err
check_grep "a symlink inside becomes a redirect" "^sub/alias.html	-> good.html" l.ls
check_grep "a hard link becomes a redirect" "^hard.html	-> good.html" l.ls
"$SMZ_PACK" ../hostile/devices.tar -o d.smz --no-index --quiet 2>d.err
check_grep "device files are skipped with a warning" "dev/null: not a regular file" d.err
check_eq "leaving only the good page" "$(members d.smz)" "good.html"
timeout 60 "$SMZ_PACK" ../hostile/bigdecl.tar -o b.smz --no-index --quiet 2>b.err; rc=$?
check "a huge declared size ends in a clear error, not a hang" test $rc -eq 2
check_grep "saying the archive is damaged" "huge.bin|truncated|Truncated" b.err
check "and leaves no archive" test ! -e b.smz
/usr/bin/time -f "%M" -o bomb.rss timeout 120 "$SMZ_PACK" ../hostile/bomb.zip -o z.smz --no-index --quiet --max-entry-size 256M 2>z.err
check_grep "a zip bomb member is skipped at the cap" "bomb.bin: 419430400 bytes is over the 268435456-byte entry limit; skipped" z.err
check_eq "the rest of the zip packs" "$(members z.smz)" "good.html"
check "memory stays bounded on the bomb (< 600 MB peak)" test "$(tail -1 bomb.rss)" -lt 600000
"$SMZ_PACK" ../hostile/badname.tar -o n.smz --no-index --quiet 2>n.err
check_grep "a name in invalid UTF-8 is skipped with a warning" "unsafe or non-UTF-8 name" n.err
check_eq "the good page stays" "$(members n.smz)" "good.html"
cd ..
printf 'not an archive' > junk.bin
"$SMZ_PACK" junk.bin -o junk.smz --no-index --quiet 2>junk.err
check "an unreadable input archive fails clearly" test $? -ne 0 -a ! -e junk.smz

# --- exports: folder, tar, tar.gz, tar.zst, zip, stdout ---
"$SMZ" extract dir.smz --format tar -o - | tar -t > tar.list
check_eq "extract --format tar -o - lists everything" "$(wc -l < tar.list)" "$("$SMZ" ls dir.smz | wc -l)"
for fmt in tar.gz tar.zst zip; do
    "$SMZ" extract dir.smz --format $fmt -o "out.$fmt"
    P "out.$fmt" -o "re-$fmt.smz" 2>/dev/null
    check_eq "extract --format $fmt round-trips to the same archive" "$(sha256sum < re-$fmt.smz)" "$want"
done
"$SMZ" extract dir.smz index.html css -o part
check "extract of chosen paths writes only those" test -f part/index.html -a -d part/css -a ! -d part/a
check_fails "extract of a path that does not exist fails" "$SMZ" extract dir.smz no/such -o none
done_testing
