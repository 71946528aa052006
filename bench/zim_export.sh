#!/bin/bash
# ZIM export against zimwriterfs, side by side in one run (issue 24's
# figures): the PostgreSQL manual (Debian postgresql-doc-15) packed by
# smz-pack, then written as a ZIM by `smz extract --format zim`, and the
# same folder made into a ZIM by zimwriterfs; both with and without the
# full-text index, both with THREADS threads (default 2).  Prints a
# Markdown table of wall time, peak RSS and sizes.  Needs bin/smz,
# bin/smz-pack, bin/smz-zim (make) and zim-tools (make deps-bench).
# Usage: bench/zim_export.sh [FOLDER] [THREADS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-/usr/share/doc/postgresql-doc-15/html}
threads=${2:-2}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# zimwriterfs takes the illustration from inside the folder: a copy with one.
cp -r "$src" "$w/site"
python3 - "$w/site/zim-illustration.png" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + b"\x9b\x23\x35\xff" * 48 for _ in range(48))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 48, 8, 6, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
PY
meta=(--title "PostgreSQL 15 manual" --description "The PostgreSQL documentation" --language eng
      --creator "PostgreSQL Global Development Group" --publisher Samizdat)
run() { # NAME COMMAND...: one timed run, a table row
    name=$1; shift
    /usr/bin/time -f '%e %M' -o "$w/time" "$@" >/dev/null 2>"$w/err" || { cat "$w/err" >&2; exit 1; }
    read -r secs kb <"$w/time"
    printf '| %s | %s s | %s MiB |' "$name" "$secs" "$((kb / 1024))"
}
size() { printf ' %s |\n' "$(stat -c %s "$1" | awk '{printf "%.2f MB", $1 / 1e6}')"; }
echo "pgdoc: $(find "$src" -type f | wc -l) files, $(du -sh "$src" | cut -f1); $threads threads"
echo
echo "| step | wall | peak RSS | output |"
echo "| --- | --- | --- | --- |"
run "smz-pack folder -> .smz" "$top/bin/smz-pack" "$src" -o "$w/pg.smz" "${meta[@]}" --main-page index.html --quiet
size "$w/pg.smz"
run "smz extract --format zim (indexes)" "$top/bin/smz" extract "$w/pg.smz" --format zim -o "$w/pg.zim" --threads "$threads"
size "$w/pg.zim"
run "zimwriterfs folder -> ZIM (indexes)" zimwriterfs -w index.html -I zim-illustration.png -l eng \
    -t "PostgreSQL 15 manual" -d "The PostgreSQL documentation" -c "PostgreSQL Global Development Group" \
    -p Samizdat -n pgdoc -J "$threads" "$w/site" "$w/zwfs.zim"
size "$w/zwfs.zim"
run "smz extract --format zim --no-index" "$top/bin/smz" extract "$w/pg.smz" --format zim -o "$w/pgn.zim" --no-index --threads "$threads"
size "$w/pgn.zim"
run "zimwriterfs --withoutFTIndex" zimwriterfs -w index.html -I zim-illustration.png -l eng \
    -t "PostgreSQL 15 manual" -d "The PostgreSQL documentation" -c "PostgreSQL Global Development Group" \
    -p Samizdat -n pgdoc -J "$threads" -j "$w/site" "$w/zwfsn.zim"
size "$w/zwfsn.zim"
