#!/bin/bash
# Makes the corpora and archives bench/reader.py measures, in bench/work/reader/
# (gitignored): pgdoc, pydoc and gen-100k packed as bench/run.sh packs them,
# "big" (pgdoc's HTML plus about 950 MB of incompressible media files, packed
# at --level 3, to time opening a 1 GB archive) and pgdoc as a ZIM
# (zimwriterfs, for Kiwix JS).  Existing archives are kept: delete the folder
# to start again.
#   bench/reader_prep.sh [PACK]      (PACK: smz-pack to use, default bin/smz-pack)
set -eu
cd "$(dirname "$0")/.."
PACK=${1:-bin/smz-pack}
W=bench/work/reader
mkdir -p "$W/corpus" "$W/arch"
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

corpus() { # corpus NAME SRC|""
    local dir=$W/corpus/$1
    if [ ! -f "$dir/illustration-48.png" ]; then
        rm -rf "$dir" "$dir.tmp"
        if [ -n "$2" ]; then
            cp -rL "$2" "$dir" 2>/dev/null || true
        else
            say "generating $1"
            python3 bench/gen_articles.py "$dir.tmp" 100000 >/dev/null
            mv "$dir.tmp" "$dir"
        fi
        python3 bench/util.py png48 "$dir/illustration-48.png"
    fi
}
main_page() {
    if [ -f "$1/index.html" ]; then echo index.html; else (cd "$1" && find . -type f ! -name 'illustration-48.png' -printf '%P\n' | sort | head -1); fi
}
pack() { # pack NAME DIR [extra smz-pack options]
    local name=$1 dir=$2 out=$W/arch/$1.smz
    shift 2
    [ -s "$out" ] && return 0
    say "packing $name"
    /usr/bin/time -f "$name: %e s, %M KiB peak" "$PACK" "$dir" -o "$out.tmp" --quiet --title "bench $name" \
        --description "benchmark corpus $name" --language eng --creator bench --publisher bench \
        --name "$name" --illustration "$dir/illustration-48.png" --main-page "$(main_page "$dir")" "$@"
    mv "$out.tmp" "$out"
}

corpus pgdoc /usr/share/doc/postgresql-doc-15/html
corpus pydoc /usr/share/doc/python3.11/html
corpus gen-100k ""
pack pgdoc "$W/corpus/pgdoc"
pack pydoc "$W/corpus/pydoc"
pack gen-100k "$W/corpus/gen-100k"

# big: pgdoc + 10 media files of 95 MB (random bytes: nothing to compress).
big=$W/corpus/big
if [ ! -f "$big/media/done" ]; then
    rm -rf "$big"
    cp -r "$W/corpus/pgdoc" "$big"
    mkdir -p "$big/media"
    for i in 0 1 2 3 4 5 6 7 8 9; do
        ext=webm; [ $((i % 2)) = 1 ] && ext=mp4
        head -c 95000000 /dev/urandom >"$big/media/clip$i.$ext"
    done
    touch "$big/media/done"
fi
pack big "$big" --level 3

if command -v zimwriterfs >/dev/null && [ ! -s "$W/arch/pgdoc.zim" ]; then
    say "zimwriterfs pgdoc"
    d=$W/corpus/pgdoc
    zimwriterfs -w "$(main_page "$d")" -I illustration-48.png -l eng -t "bench pgdoc" \
        -d "benchmark corpus pgdoc" -c bench -p bench -n pgdoc "$d" "$W/arch/pgdoc.zim.tmp"
    mv "$W/arch/pgdoc.zim.tmp" "$W/arch/pgdoc.zim"
fi
ls -l "$W/arch"
