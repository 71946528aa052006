#!/bin/sh
# Builds static smz and smz-pack for linux-amd64 and linux-arm64 (make dist).
# Usage: scripts/dist.sh OUT [ARCH...]      (ARCH: amd64, arm64; both when none)
# Run from the top of the tree.  Makes OUT/linux-ARCH/{smz,smz-pack},
# OUT/locale/ (the message catalogues) and OUT/SHA256SUMS; works in
# build-dist/ (DIST_WORK), never committed.
#
# Where the libraries come from (docs/DESIGN.md, "Static programs"):
#  - zstd, SQLite, libsodium, libarchive (and what it links: nettle, acl,
#    lzma, lz4, bz2, zlib), libxml2 (with ICU), cmark, libmagic, uchardet:
#    Debian's static archives (.a) from the -dev packages.  For amd64 the
#    system's (scripts/deps.sh dist installs them); for arm64 the :arm64
#    packages of the very same versions, fetched with apt-get download into a
#    private apt state (build-dist/dl/apt) and unpacked into
#    build-dist/sysroot-arm64: the system's dpkg is neither asked to add an
#    architecture nor to install anything for it (several of these -dev
#    packages cannot be installed for two architectures at once).
#  - CivetWeb: Debian ships no .a; civetweb.c from Debian's source package
#    (apt-get source, with Debian's patches), compiled here.
#  - iconv: musl's, from Debian's musl source, in place of glibc's
#    (scripts/dist/musl_iconv.c says why).
# Compilers: Debian's gcc and gcc-aarch64-linux-gnu (libc.a from
# libc6-dev-arm64-cross).
#
# Reproducible: the same sources and the same Debian packages give the same
# bytes, wherever the tree is (-ffile-prefix-map), whenever (no timestamps;
# SOURCE_DATE_EPOCH is the commit's time), with no build ID (--build-id=none)
# and no symbols (-s).
set -eu

[ $# -ge 1 ] || { echo "usage: $0 OUT [amd64] [arm64]" >&2; exit 2; }
out=$1
shift
arches=${*:-amd64 arm64}
top=$(pwd)
work=$top/${DIST_WORK:-build-dist}
dl=$work/dl
src=$work/src
jobs=${DIST_JOBS:-2}

say() { printf 'dist: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
case $top in *[[:space:]]*) die "$top: a folder without spaces, please" ;; esac

MUSL_DEB=musl=1.2.3-1
MUSL_ORIG=musl_1.2.3.orig.tar.gz
MUSL_SHA=7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
# Debian's libzstd.a is built without threads (ZSTD_c_nbWorkers fails, and
# smz-pack with it), so zstd is compiled here too.  bookworm's own version:
# the security update's source (+deb12u1) is not on the mirror we reach.
ZSTD_DEB=libzstd=1.5.4+dfsg2-5
ZSTD_ORIG=libzstd_1.5.4+dfsg2.orig.tar.xz
ZSTD_SHA=8cf4bbb65e77ec348d052c8d6230eba66d435bddf64c8b5be2fcb16880c19953
CIVETWEB_DEB=civetweb=1.15+dfsg-4
CIVETWEB_ORIG=civetweb_1.15+dfsg.orig.tar.xz
CIVETWEB_SHA=ec372e9737bc820118bbb735f46a07d41f795814ca0f38bc6e67048e7a460f33
# The -dev packages whose static archives the programs link (see above).
DEV_PKGS="libzstd-dev libsqlite3-dev libsodium-dev libarchive-dev libxml2-dev libicu-dev libcmark-dev
libmagic-dev libuchardet-dev zlib1g-dev liblzma-dev libbz2-dev liblz4-dev libacl1-dev nettle-dev"

export LC_ALL=C TZ=UTC
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

for t in apt-get dpkg-source dpkg-deb dpkg-query sha256sum make pkg-config file; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found; run scripts/deps.sh dist"
done

check() {
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$2" ] || die "$1: sha256 $got, pinned $2; not using it"
}

# --- a private apt: Debian's arm64 packages and source packages ---------------
apt_dir=$dl/apt
apt_opts() {
    printf '%s\n' -o "Dir::Etc::SourceList=$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists" \
        -o "Dir::Cache=$apt_dir/cache" -o "Dir::State::status=$apt_dir/status" \
        -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Sandbox::User=root
}
apt_updated=""
apt_update() {
    [ -n "$apt_updated" ] && return 0
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    : >"$apt_dir/status"
    key=/usr/share/keyrings/debian-archive-keyring.gpg
    {
        for s in "debian bookworm" "debian bookworm-updates" "debian-security bookworm-security"; do
            echo "deb [arch=arm64 signed-by=$key] http://deb.debian.org/${s% *} ${s#* } main"
        done
        echo "deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main"
        echo "deb-src [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
    } >"$apt_dir/sources.list"
    say "apt-get update (private lists in $apt_dir)"
    # shellcheck disable=SC2046  # apt_opts prints one option word a line
    apt-get -qq $(apt_opts) update >&2 || die "apt-get update failed"
    apt_updated=1
}

# deb_source NAME=VERSION ORIG SHA DIR: Debian's source package, patched, in src/DIR.
deb_source() {
    pkg=${1%%=*}
    ver=${1#*=}
    dsc=$dl/${pkg}_${ver#*:}.dsc
    if [ ! -f "$dsc" ] || [ ! -f "$dl/$2" ]; then
        apt_update
        say "apt-get source $1"
        # shellcheck disable=SC2046
        (cd "$dl" && apt-get -qq $(apt_opts) source --download-only "$1" >&2) || die "apt-get source $1 failed"
    fi
    check "$dl/$2" "$3"
    if [ ! -f "$src/$4/.done" ] || [ "$(cat "$src/$4/.done")" != "$1" ]; then
        rm -rf "${src:?}/$4"
        dpkg-source -x "$dsc" "$src/$4" >"$dl/dpkg-source-$4.log" 2>&1 ||
            { cat "$dl/dpkg-source-$4.log" >&2; die "dpkg-source -x $dsc failed"; }
        echo "$1" >"$src/$4/.done"
    fi
}

# sysroot_arm64: the arm64 -dev packages (and the run-time packages that hold
# their .a's companions), of the versions installed for amd64, in sysroot-arm64/.
sysroot_arm64() {
    root=$work/sysroot-arm64
    want=""
    for p in $DEV_PKGS; do
        v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || die "$p is not installed; run scripts/deps.sh dist"
        want="$want $p=$v"
    done
    if [ -f "$root/.done" ] && [ "$(cat "$root/.done")" = "$want" ]; then return 0; fi
    apt_update
    mkdir -p "$dl/arm64"
    rm -rf "$root"
    mkdir -p "$root"
    for pv in $want; do
        p=${pv%%=*}
        v=${pv#*=}
        d=$dl/arm64/$p=$(printf '%s' "$v" | tr ':' '_')
        if ! ls "$d"/*.deb >/dev/null 2>&1; then
            mkdir -p "$d"
            say "apt-get download $p:arm64=$v"
            # The version installed for amd64, or (when Debian has replaced it
            # by a security update the amd64 side has not installed yet)
            # Debian's current one: the headers each side compiles with are
            # its own, so the two need not agree.
            # shellcheck disable=SC2046
            (cd "$d" && apt-get -qq $(apt_opts) download "$p:arm64=$v" >&2 2>/dev/null) ||
                (say "$p $v is no longer in Debian's index: taking its current version" &&
                    cd "$d" && apt-get -qq $(apt_opts) download "$p:arm64" >&2) ||
                die "apt-get download $p:arm64 failed"
        fi
        for deb in "$d"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    done
    echo "$want" >"$root/.done"
}

mkdir -p "$dl" "$src"
deb_source "$MUSL_DEB" "$MUSL_ORIG" "$MUSL_SHA" musl
deb_source "$CIVETWEB_DEB" "$CIVETWEB_ORIG" "$CIVETWEB_SHA" civetweb
deb_source "$ZSTD_DEB" "$ZSTD_ORIG" "$ZSTD_SHA" zstd


# build_zstd: $w/lib/libzstd.a for $cc.
build_zstd() {
    say "$arch: zstd"
    mkdir -p "$w/zstd"
    z=$src/zstd/lib
    objs=""
    for c in "$z"/common/*.c "$z"/compress/*.c "$z"/decompress/*.c "$z"/decompress/*.S "$z"/dictBuilder/*.c; do
        o=$w/zstd/$(basename "$(dirname "$c")")_$(basename "${c%.*}").o
        $cc -O2 -g0 "$map" -w -DZSTD_MULTITHREAD -DXXH_NAMESPACE=ZSTD_ -DZSTD_LEGACY_SUPPORT=0 -DNDEBUG \
            -pthread -I"$z" -I"$z/common" -c "$c" -o "$o" &
        objs="$objs $o"
        [ "$(jobs -p | wc -l)" -lt "$jobs" ] || wait
    done
    wait
    rm -f "$w/lib/libzstd.a"
    # shellcheck disable=SC2086  # a list of paths without spaces
    ar rcsD "$w/lib/libzstd.a" $objs
}

# --- one architecture -----------------------------------------------------------
build_arch() {
    arch=$1
    w=$work/$arch
    case $arch in
    amd64) cc=gcc triplet=x86_64-linux-gnu root="" ;;
    arm64)
        cc=aarch64-linux-gnu-gcc triplet=aarch64-linux-gnu
        sysroot_arm64
        root=$work/sysroot-arm64
        ;;
    *) die "unknown architecture $arch (amd64, arm64)" ;;
    esac
    command -v "$cc" >/dev/null 2>&1 || die "$cc not found; run scripts/deps.sh dist"
    mkdir -p "$w/lib"
    # Paths of this tree do not end up in the programs (assert's __FILE__).
    map="-ffile-prefix-map=$top/="
    say "$arch: CivetWeb and musl's iconv"
    # CivetWeb as smz serve uses it: no TLS (Debian's loads OpenSSL with dlopen),
    # no CGI, Lua or Duktape; IPv6 (smz serve --address ::1) and websockets off
    # and on as in Debian's build.
    cw=$src/civetweb
    $cc -std=gnu11 -O2 -g0 "$map" -w -DNO_SSL -DNO_CGI -DUSE_WEBSOCKET -DNDEBUG -I"$cw/include" \
        -c "$cw/src/civetweb.c" -o "$w/lib/civetweb.o"
    $cc -std=c11 -D_GNU_SOURCE -O2 -g0 "$map" -w -I"$top/scripts/dist" -I"$src/musl/src" \
        -I"$src/musl/src/multibyte" -c "$top/scripts/dist/musl_iconv.c" -o "$w/lib/musl_iconv.o"
    rm -f "$w/lib/libcivetweb.a" "$w/lib/libsmziconv.a"
    ar rcsD "$w/lib/libcivetweb.a" "$w/lib/civetweb.o"
    ar rcsD "$w/lib/libsmziconv.a" "$w/lib/musl_iconv.o"
    # As upstream's lib/Makefile builds libzstd.a, with threads (once per
    # source version: it is most of this script's time).
    if [ ! -f "$w/lib/libzstd.a" ] || [ "$(cat "$w/lib/libzstd.done" 2>/dev/null)" != "$ZSTD_DEB" ]; then
        build_zstd
        echo "$ZSTD_DEB" >"$w/lib/libzstd.done"
    fi


    inc="-I$cw/include"
    if [ -n "$root" ]; then
        PKG_CONFIG_LIBDIR=$root/usr/lib/$triplet/pkgconfig:$root/usr/share/pkgconfig
        PKG_CONFIG_SYSROOT_DIR=$root
        export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
        # The sysroot's headers are system headers (as /usr/include is for
        # the native compiler): -isystem, which also turns pkg-config's -I
        # for the same folders into system ones, so that -Werror is about
        # our code only.
        for d in "$root/usr/include" "$root/usr/include/$triplet" \
            $(pkg-config --cflags-only-I libxml-2.0 uchardet libarchive | sed 's/-I//g'); do
            inc="$inc -isystem $d"
        done
        libdir="-L$root/usr/lib/$triplet"
    else
        unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
        libdir=""
    fi
    # The Makefile's own check of the build machine's libraries (OpenCC,
    # emcc ...) is for the native build; what this one needs is checked here.
    mkdir -p "$w/obj"
    touch "$w/obj/.libs-ok"
    say "$arch: smz and smz-pack"
    # Linked anew each time: the static archives above are no prerequisite
    # the Makefile knows of.
    rm -f "$w/bin/smz" "$w/bin/smz-pack"
    make --no-print-directory -j"$jobs" STATIC=1 CC="$cc" BUILD="$w/obj" BIN="$w/bin" \
        CFLAGS="-O2 -g0 $map" DIST_CFLAGS="$inc" \
        LDFLAGS="-static -s -Wl,--build-id=none -Wl,-O1 -L$w/lib $libdir" \
        DIST_LIBS="-lcivetweb -lsmziconv" "$w/bin/smz" "$w/bin/smz-pack" >"$w/make.log" 2>&1 ||
        { tail -40 "$w/make.log" >&2; die "$arch: build failed (all of it: $w/make.log)"; }
    for p in smz smz-pack; do
        file -b "$w/bin/$p" | grep -q 'statically linked' || die "$arch: $p is not statically linked"
    done
    mkdir -p "$out/linux-$arch"
    for p in smz smz-pack; do
        cp "$w/bin/$p" "$out/linux-$arch/$p.tmp"
        mv "$out/linux-$arch/$p.tmp" "$out/linux-$arch/$p"
    done
}

for a in $arches; do build_arch "$a"; done

# The message catalogues (po/*.po, compiled as the Makefile compiles them),
# one set for both architectures: OUT/locale/C/LC_MESSAGES/samizdat-LANG.mo.
# The programs look for them beside their folder (common/i18n.c), so that
# OUT, or a stick's bin/, copied anywhere speaks the user's language.
command -v msgfmt >/dev/null 2>&1 || die "msgfmt not found; run scripts/deps.sh dist"
mkdir -p "$out/locale/C/LC_MESSAGES"
for po in po/*.po; do
    l=$(basename "$po" .po)
    msgfmt --check -o "$out/locale/C/LC_MESSAGES/samizdat-$l.mo.tmp" "$po" || die "msgfmt $po failed"
    mv "$out/locale/C/LC_MESSAGES/samizdat-$l.mo.tmp" "$out/locale/C/LC_MESSAGES/samizdat-$l.mo"
done

# SHA256SUMS over every program and catalogue in OUT, in a fixed order.
(cd "$out" && find . \( -path './linux-*' -o -path './locale/*' \) -type f ! -name '*.tmp' | sed 's|^\./||' | sort |
    xargs sha256sum >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
say "done: $out"
(cd "$out" && ls -l linux-*/* | awk '{print "dist: " $5 " " $9}' >&2)
