# shellcheck shell=bash
# smz reader-html and smz-pack --with-reader: the browser reader the
# programs carry is the file `make wasm` built, byte for byte; its build
# hash is the one its About shows; an existing file is kept unless --force;
# a full disk fails with a clear message and leaves nothing behind; a pack
# whose reader cannot be written still leaves its archive.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
html="$TOP/build-wasm/smz-reader.html"
if [ ! -s "$html" ]; then
    echo "ok - reader-html # SKIP build-wasm/smz-reader.html not built (make wasm)"
    done_testing
fi
"$SMZ" reader-html --version >ver.out 2>&1
check_grep "--version names the build" '^smz-reader.html build [0-9a-f]{16} \([0-9]+ bytes\)$' ver.out
hash=$(sed -n 's/^smz-reader.html build \([0-9a-f]*\) .*/\1/p' ver.out)
check_eq "the hash is the module's" "$hash" "$(sha256sum "$TOP/build-wasm/smz-core.js" | cut -c1-16)"
check_grep "the page's About shows the same hash" "$hash" "$html"
check "reader-html -o writes the file" "$SMZ" reader-html -o r.html
check "byte for byte the one make wasm built" cmp r.html "$html"
check_eq "readable by everyone" "$(stat -c %a r.html)" "644"
echo mine >mine.html
check_fails "an existing file is kept" "$SMZ" reader-html -o mine.html
check_eq "untouched" "$(cat mine.html)" "mine"
"$SMZ" reader-html -o mine.html 2>keep.err
check_grep "and the message says how to replace it" "exists.*--force" keep.err
check "--force replaces it" "$SMZ" reader-html -o mine.html --force
check "with the reader" cmp mine.html "$html"
check_fails "no -o is a usage error" "$SMZ" reader-html
"$SMZ" reader-html -o r2.html --bogus 2>bogus.err
check_eq "an unknown option exits 2" "$?" "2"
check_eq "and writes nothing" "$(ls r2.html* 2>/dev/null | wc -l)" "0"
check_fails "a folder that does not exist fails" "$SMZ" reader-html -o nowhere/r.html

mkdir -p site out
printf '<html><head><title>One</title></head><body><p>one page</p></body></html>' >site/index.html
check "smz-pack --with-reader packs" "$SMZ_PACK" site -o out/one.smz --with-reader --quiet
check "and writes smz-reader.html beside the archive" cmp out/smz-reader.html "$html"
check "the archive reads" "$SMZ" info out/one.smz
echo old >out/smz-reader.html
check "packing again replaces an older reader" "$SMZ_PACK" site -o out/one.smz --with-reader --quiet
check "with this build's" cmp out/smz-reader.html "$html"
"$SMZ_PACK" site -o one2.smz --with-reader 2>sum.err
check_grep "the summary names the reader" "smz-reader.html written beside it \(build $hash\)" sum.err
mkdir -p plain
check "a pack without --with-reader" "$SMZ_PACK" site -o plain/one.smz --quiet
check "writes no reader" test ! -e plain/smz-reader.html

if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
    "$SMZ" reader-html -o small/r.html 2>full.err
    check_eq "a full disk fails reader-html" "$?" "2"
    check_grep "with a clear message" "No space left" full.err
    check_eq "and leaves nothing on the disk" "$(ls -A small | wc -l)" "0"
    "$SMZ_PACK" site -o small/one.smz --with-reader --quiet 2>full2.err
    check_eq "a pack whose reader does not fit fails" "$?" "2"
    check_grep "saying the archive is written, not the reader" "one.smz is written, but not the reader.*No space" full2.err
    check "and the archive is there and reads" "$SMZ" info small/one.smz
    check_eq "with no partial reader beside it" "$(find small -name 'smz-reader.html*' | wc -l)" "0"
    umount small
else
    ok "# SKIP full-disk test needs root and tmpfs"
fi
done_testing
