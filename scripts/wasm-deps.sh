#!/bin/sh
# Fetches, checks and builds the four C libraries the WebAssembly reader links
# (SQLite, zstd, libsodium, libxml2) into static libraries for emcc.
# Usage: scripts/wasm-deps.sh [OUT]    (OUT defaults to build-wasm/deps)
# Makes OUT/lib/lib{sqlite3,zstd,sodium,xml2}.a and OUT/include/; downloads go
# to OUT/../dl (kept and reused), unpacked sources to OUT/../src (rebuilt).
#
# Nothing third-party is committed: every source is pinned by version and by
# the sha256 below, and the build stops when a download differs.
#  - SQLite and zstd come from the npm packages of two Node bindings, which
#    carry them ready to compile: better-sqlite3 (deps/sqlite3, the
#    amalgamation) and zstd-napi (deps/zstd/lib).  `npm pack` checks the
#    registry's integrity hash; we check our own pin on the tarball.
#  - libsodium and libxml2 come from Debian bookworm's source packages, the
#    versions the native build links, with Debian's patches (security fixes)
#    applied by dpkg-source.  apt-get checks every file against the signed
#    Sources index; we pin the upstream .orig tarball as well.  apt runs with
#    a private sources list and state under dl/apt: the system's apt
#    configuration is neither read nor changed.
# Our own changes to them are the patches in scripts/wasm-patches/.
# To move a pin: change the version, run the script once, read the sha256 it
# reports as wrong, check it against upstream, paste it here.  See
# docs/HACKING.md, "The WebAssembly build's sources".
#
# emcc is Debian's emscripten (3.1.6); with a Node.js other than Debian's it
# needs NODE_PATH=/usr/share/nodejs to find its JS modules (acorn), set here.
set -eu

SQLITE_NPM=better-sqlite3@12.9.0
SQLITE_SHA=ad0e29650140c49d0335b1d356596aa8166f12b758f418a98446130e3278f250
ZSTD_NPM=zstd-napi@0.0.13
ZSTD_SHA=5b76defc67c808989c5f3920e14f662d6318b84b8d53ac3e94b99463d8d65e76
SODIUM_DEB=libsodium=1.0.18-1+deb12u1
SODIUM_ORIG=libsodium_1.0.18.orig.tar.gz
SODIUM_SHA=d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4
XML2_DEB=libxml2=2.9.14+dfsg-1.3~deb12u6
XML2_ORIG=libxml2_2.9.14+dfsg.orig.tar.xz
XML2_SHA=4fe913dec8b1ab89d13b489b419a8203176ea39e931eaa0d25b17eafb9c279e9

export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
# Several hundred emcc runs: skip the per-run check of the toolchain's cache
# (Debian's emscripten ships it prebuilt for its own version).
export EMCC_SKIP_SANITY_CHECK=1

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build-wasm/deps}
mkdir -p "$(dirname "$out")"
top=$(cd "$(dirname "$out")" && pwd)
out=$top/$(basename "$out")
# Built into a fresh folder that replaces OUT only when all four are done:
# the WebAssembly module's build never sees a half-made set.
dst=$out.new
dl=$top/dl
src=$top/src
# -Oz: the module travels inside one HTML file, so size beats speed; the
# reader's hot paths (zstd, FTS5) stay fast enough.  No build folder in the
# objects (libsodium keeps its asserts, as Debian's build does, and their
# messages name the source file): the same sources give the same bytes.
OPT="-Oz -ffile-prefix-map=$src/="
cc1() { emcc -Oz -ffile-prefix-map="$src/"= "$@"; }
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

say() { printf 'wasm-deps: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# archive NAME FLAGS...: compiles each "SOURCE OBJECT" line of standard
# input with FLAGS, $jobs compilers at once, into $dst/lib/libNAME.a (the
# objects in the order given).  Paths hold no spaces.
archive() {
    name=$1; shift
    objs="" failed=$dst/.failed-$name
    rm -f "$failed"
    while read -r c o; do
        { cc1 -c "$c" -o "$o" "$@" || touch "$failed"; } &
        objs="$objs $o"
        [ "$(jobs -p | wc -l)" -lt "$jobs" ] || wait
    done
    wait
    [ ! -e "$failed" ] || die "$name build failed"
    rm -f "$dst/lib/lib$name.a"
    # shellcheck disable=SC2086  # objs is a list of paths without spaces
    emar rcs "$dst/lib/lib$name.a" $objs
}
case $top in *[[:space:]]*) die "$top: a build folder without spaces, please (configure)" ;; esac

for t in emcc emar emconfigure emmake npm apt-get dpkg-source patch sha256sum tar make; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found; run scripts/deps.sh wasm"
done

# check FILE SHA256: the pinned hash, or stop (and leave the file for a look).
check() {
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$2" ] || die "$1: sha256 $got, pinned $2; not using it"
}

# --- npm: SQLite and zstd ----------------------------------------------------
# npm_fetch SPEC SHA: prints the tarball's path (downloaded unless already there).
npm_fetch() {
    name=${1%@*}
    ver=${1##*@}
    tgz=$dl/$name-$ver.tgz
    if [ ! -f "$tgz" ]; then
        say "npm pack $1"
        (cd "$dl" && npm pack --silent "$1" >/dev/null) || die "npm pack $1 failed"
    fi
    check "$tgz" "$2"
    printf '%s\n' "$tgz"
}

# --- Debian source packages: libsodium and libxml2 ---------------------------
apt_dir=$dl/apt
apt_opts() {
    printf '%s\n' -o "Dir::Etc::SourceList=$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists" \
        -o "Dir::Cache=$apt_dir/cache"
}
apt_updated=""
apt_update() {
    [ -n "$apt_updated" ] && return 0
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    key=/usr/share/keyrings/debian-archive-keyring.gpg
    {
        echo "deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main"
        echo "deb-src [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
    } >"$apt_dir/sources.list"
    say "apt-get update (private lists in $apt_dir)"
    # shellcheck disable=SC2046  # apt_opts prints one option word a line
    apt-get -qq $(apt_opts) update >&2 || die "apt-get update failed"
    apt_updated=1
}

# deb_fetch NAME=VERSION ORIG SHA DIR: downloads the source package into
# dl/ (unless there), checks ORIG's pin, unpacks it with Debian's patches
# applied into src/DIR.
deb_fetch() {
    pkg=${1%%=*}
    ver=${1#*=}
    dsc=$dl/${pkg}_$(printf '%s' "${ver#*:}").dsc
    if [ ! -f "$dsc" ] || [ ! -f "$dl/$2" ]; then
        apt_update
        say "apt-get source $1"
        # shellcheck disable=SC2046
        (cd "$dl" && apt-get -qq $(apt_opts) source --download-only "$1" >&2) ||
            die "apt-get source $1 failed (a newer Debian release replaced it? see docs/HACKING.md)"
    fi
    check "$dl/$2" "$3"
    rm -rf "${src:?}/$4"
    # dpkg-source checks the .dsc's own hashes and applies debian/patches.
    # (Its gpgv cannot check the uploader's signature without debian-keyring
    # and says so; apt has already checked the .dsc against the signed index.)
    dpkg-source -x "$dsc" "$src/$4" >"$dl/dpkg-source-$4.log" 2>&1 ||
        { cat "$dl/dpkg-source-$4.log" >&2; die "dpkg-source -x $dsc failed"; }
}

rm -rf "$dst"
mkdir -p "$dl" "$src" "$dst/lib" "$dst/include"

# --- SQLite ------------------------------------------------------------------
build_sqlite() {
    tgz=$(npm_fetch "$SQLITE_NPM" "$SQLITE_SHA")
    rm -rf "$src/sqlite" && mkdir -p "$src/sqlite"
    tar -xzf "$tgz" -C "$src/sqlite" --strip-components=3 package/deps/sqlite3/
    say "building SQLite"
    # The reader opens archives read-only through a VFS over the browser's
    # files: no mmap, no threads, no extensions; FTS5 for search and the JSON
    # functions (built in since 3.38) for the catalogue.  As Debian's build:
    # dbstat (smz info's index size), math functions, LIKE never matches blobs.
    cc1 -c "$src/sqlite/sqlite3.c" -o "$src/sqlite/sqlite3.o" \
        -DSQLITE_ENABLE_FTS5 -DSQLITE_THREADSAFE=0 -DSQLITE_MAX_MMAP_SIZE=0 \
        -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_MEMSTATUS=0 \
        -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE \
        -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_LIKE_DOESNT_MATCH_BLOBS
    rm -f "$dst/lib/libsqlite3.a"
    emar rcs "$dst/lib/libsqlite3.a" "$src/sqlite/sqlite3.o"
    cp "$src/sqlite/sqlite3.h" "$dst/include/"
}

# --- zstd --------------------------------------------------------------------
build_zstd() {
    tgz=$(npm_fetch "$ZSTD_NPM" "$ZSTD_SHA")
    rm -rf "$src/zstd" && mkdir -p "$src/zstd"
    tar -xzf "$tgz" -C "$src/zstd" --strip-components=3 package/deps/zstd/lib/ package/deps/zstd/LICENSE
    say "building zstd"
    # The whole library, single-threaded, no legacy formats, no x86 asm: the
    # reader decompresses; lib/'s writer code is linked too and wants the
    # compressor; whatever the module does not call the linker drops.
    z=$src/zstd/lib
    for c in "$z"/common/*.c "$z"/compress/*.c "$z"/decompress/*.c; do
        echo "$c ${c%.c}.o"
    done | archive zstd -DZSTD_LEGACY_SUPPORT=0 -DZSTD_DISABLE_ASM \
        -DXXH_NAMESPACE=ZSTD_ -DZSTD_TRACE=0 -DDEBUGLEVEL=0 -DZSTD_NO_INTRINSICS || exit 1
    cp "$z/zstd.h" "$z/zstd_errors.h" "$z/zdict.h" "$dst/include/"
}

# --- libsodium ---------------------------------------------------------------
build_sodium() {
    deb_fetch "$SODIUM_DEB" "$SODIUM_ORIG" "$SODIUM_SHA" sodium
    say "building libsodium"
    # Debian's orig tarball is upstream's git tag: configure.ac without a
    # generated configure.  Rather than pull in autotools for one run, the
    # sources compile directly with what configure would find for
    # wasm32 without asm and threads (as upstream's dist-build/emscripten.sh
    # builds it): little-endian, VLAs, no SIMD headers, no mmap/mlock.
    # Not minimal: lib/sign decrypts minisign secret keys with
    # crypto_pwhash_scryptsalsa208sha256.  randombytes uses
    # crypto.getRandomValues (worker or page) or Node's crypto through
    # libsodium's own EM_ASM code (Module.getRandomValue).
    s=$src/sodium
    ver=$(sed -n 's/^AC_INIT(\[libsodium\],\[\([0-9.]*\)\].*/\1/p' "$s/configure.ac")
    maj=$(sed -n 's/^SODIUM_LIBRARY_VERSION_MAJOR=//p' "$s/configure.ac")
    min=$(sed -n 's/^SODIUM_LIBRARY_VERSION_MINOR=//p' "$s/configure.ac")
    [ -n "$ver" ] && [ -n "$maj" ] && [ -n "$min" ] || die "libsodium: no version in configure.ac"
    inc=$s/src/libsodium/include
    sed -e "s/@VERSION@/$ver/" -e "s/@SODIUM_LIBRARY_VERSION_MAJOR@/$maj/" \
        -e "s/@SODIUM_LIBRARY_VERSION_MINOR@/$min/" -e "s/@SODIUM_LIBRARY_MINIMAL_DEF@//" \
        "$inc/sodium/version.h.in" >"$inc/sodium/version.h"
    mkdir -p "$s/obj"
    for c in $(cd "$s/src/libsodium" && find . -name '*.c' | sort); do
        echo "$s/src/libsodium/$c $s/obj/$(printf '%s' "${c#./}" | tr / _ | sed 's/\.c$/.o/')"
    done | archive sodium -I"$inc/sodium" -I"$inc" \
        -DCONFIGURED=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_C_VARARRAYS=1 \
        -DHAVE_ALLOCA_H=1 -DHAVE_ALLOCA=1 -DHAVE_POSIX_MEMALIGN=1 -DHAVE_GETPID=1 \
        -DHAVE_NANOSLEEP=1 -Wno-unused-function -Wno-unknown-pragmas || exit 1
    rm -rf "$dst/include/sodium"
    mkdir -p "$dst/include/sodium"
    cp "$inc/sodium.h" "$dst/include/"
    # the public headers only, as `make install` copies them (no private/)
    cp "$inc"/sodium/*.h "$dst/include/sodium/"
}

# --- libxml2 -----------------------------------------------------------------
build_xml2() {
    deb_fetch "$XML2_DEB" "$XML2_ORIG" "$XML2_SHA" xml2
    # Our one patch on top of Debian's: keep charsets musl can only decode.
    for p in "$here"/wasm-patches/libxml2-*.patch; do
        [ -f "$p" ] || continue
        patch -s -p1 -d "$src/xml2" <"$p" || die "$p does not apply"
    done
    say "building libxml2"
    # lib/text/html.c uses the HTML parser through SAX1 callbacks, and the
    # charset conversions: --with-minimum plus html, tree, sax1 and iconv
    # (emscripten's libc is musl, whose iconv knows the legacy charsets:
    # windows-125x, ISO-8859-x, KOI8, Shift_JIS, EUC-JP, GB18030, Big5,
    # EUC-KR...).  No XML validation, catalogs, XPath, network, threads or
    # compression: 100 KB less in the module, and the same SAX events as
    # Debian's full build on the same pages.  Debian's patches touch
    # Makefile.am only for tests and docs (its build reruns autoreconf):
    # --disable-maintainer-mode keeps make from wanting automake for that.
    (cd "$src/xml2" &&
        emconfigure ./configure --host=wasm32-unknown-linux --disable-maintainer-mode \
            --disable-shared --enable-static --with-minimum --with-html --with-tree \
            --with-sax1 --with-iconv --without-python \
            CFLAGS="$OPT" >configure.log 2>&1 || { tail -30 configure.log >&2; exit 1; }
        emmake make -j"$jobs" libxml2.la >make.log 2>&1 || { tail -30 make.log >&2; exit 1; }
    ) || die "libxml2 build failed (see $src/xml2/*.log)"
    cp "$src/xml2/.libs/libxml2.a" "$dst/lib/"
    mkdir -p "$dst/include/libxml"
    cp "$src"/xml2/include/libxml/*.h "$dst/include/libxml/"
}

build_sqlite
build_zstd
build_sodium
build_xml2
(cd "$dst/lib" && ls -l -- *.a) >&2
(cd "$dst/lib" && ls -- *.a) >"$dst/.done"
rm -rf "$out.old"
if [ -d "$out" ]; then mv "$out" "$out.old"; fi
mv "$dst" "$out"
rm -rf "$out.old"
