#!/bin/sh
# Installs the Debian packages a make target needs, only those missing.
# Usage: scripts/deps.sh build|test|soak|bench|lint|wasm|dist|test-dist|fat32
# (build, test, soak and bench each include the ones before it; lint is
# what `make lint` runs: clang-format and shellcheck; wasm is what the
# WebAssembly build needs: emcc, apt-get source's dpkg-source, Node.js and
# npm, the archive keyring its private apt checks Debian's index with,
# python3 for scripts/web-build.py; build includes it, since both programs
# carry the browser reader; OpenCC and its data are for a generator run at
# build time, scripts/hanfold_gen.c, which no program links; libzim and g++
# for smz-pack's ZIM source (lib/zim/), zim-tools for its tests; libcurl for
# smz pull's HTTP client; dist is what
# make dist needs beyond build: the arm64 cross compiler and the static
# archives of libarchive's own libraries (scripts/dist.sh fetches the arm64
# ones itself); test-dist adds qemu to run the arm64 programs, fat32 the
# tools that make and fill a FAT32 image)
set -e
wasm="emscripten dpkg-dev debian-archive-keyring nodejs npm python3"
# libzim-dev and g++: the ZIM import (smz-pack) and export (smz-zim), the only C++
build="gcc make pkg-config libzstd-dev libarchive-dev libsqlite3-dev libcivetweb-dev
libmagic-dev libxml2-dev libsodium-dev libcmark-dev libuchardet-dev libopencc-dev libopencc-data
libxxhash-dev gettext libicu-dev libzim-dev g++ libcurl4-openssl-dev
$wasm"
test="$build firefox-esr fonts-wqy-zenhei sqlite3 zstd minisign libxml2-utils curl chromium nginx-light clang
postgresql-doc-15 python3.11-doc manpages-zh tar gzip xz-utils zip unzip libarchive-tools
fonts-noto-core fonts-noto-cjk fonts-tibetan-machine fusefat dosfstools"
# what tests/cli/zim_import.sh and zim_export.sh check ZIMs with
test="$test zim-tools kiwix-tools"
soak="$test wrk"
bench="$soak zim-tools kiwix-tools libzim-dev g++ hyperfine time"
lint="clang-format shellcheck git"
dist="$build gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross liblz4-dev libacl1-dev
nettle-dev libicu-dev libbz2-dev liblzma-dev zlib1g-dev file"
testdist="$dist qemu-user-static curl"
fat32="$build dosfstools mtools openssl"
case "${1:-build}" in
  build) want=$build ;; test) want=$test ;; soak) want=$soak ;; bench) want=$bench ;;
  lint) want=$lint ;; wasm) want=$wasm ;; dist) want=$dist ;; test-dist) want=$testdist ;;
  fat32) want=$fat32 ;;
  *) echo "usage: $0 build|test|soak|bench|lint|wasm|dist|test-dist|fat32" >&2; exit 2 ;;
esac
# A name counts as there when an installed package provides it too: Node.js
# from NodeSource provides (and conflicts with) Debian's npm.
provided=$(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null | sed -n 's/^ii *//p' |
  tr ',' '\n' | sed 's/^ *//; s/[ (].*//')
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    printf '%s\n' "$provided" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
