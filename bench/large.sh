#!/bin/sh
# Large entries: smz-pack, smz cat and smz check of one 900 MB entry (wall time
# and peak RSS from GNU time), the time of a read at the end of a 1 GB video
# and its streaming throughput through smz cat and smz serve against cat of
# the same file.  Not a test: it writes about 4 GB under $LARGE_DIR.
#   LARGE_BIN=bin LARGE_DIR=/var/tmp/smz-large bench/large.sh
set -eu
BIN=${LARGE_BIN:-bin}
D=${LARGE_DIR:-/var/tmp/smz-large}
mkdir -p "$D/src900" "$D/src1g"
[ -s "$D/src900/big.bin" ] || head -c 900000000 /dev/urandom >"$D/src900/big.bin"
for s in src900 src1g; do echo '<html><title>Large</title>a large file</html>' >"$D/$s/index.html"; done
# 999,000,000 bytes: the most an entry may have (SMZ_WRITER_MAX_ENTRY).
[ -s "$D/src1g/video.mp4" ] || head -c 999000000 /dev/urandom >"$D/src1g/video.mp4"
t() { # label, command...: wall seconds and peak RSS (KiB)
    label=$1; shift
    /usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, %M KiB peak RSS" "$@" || echo "$label: FAILED"
}
if [ -z "${LARGE_SERVE_ONLY:-}" ]; then
rm -f "$D/900.smz" "$D/1g.smz"
t "pack 900 MB" "$BIN/smz-pack" -q "$D/src900" -o "$D/900.smz"
t "pack 1 GB video" "$BIN/smz-pack" -q "$D/src1g" -o "$D/1g.smz"
cat "$D/src900/big.bin" >/dev/null
t "cat of the 900 MB file" cat "$D/src900/big.bin" >/dev/null
t "smz cat 900 MB to /dev/null" "$BIN/smz" cat "$D/900.smz" big.bin >/dev/null
t "smz cat 900 MB to a file" "$BIN/smz" cat "$D/900.smz" big.bin >"$D/out.bin"
cmp "$D/out.bin" "$D/src900/big.bin" && echo "smz cat 900 MB: same bytes"
rm -f "$D/out.bin"
t "smz check 900 MB" "$BIN/smz" check "$D/900.smz"
cat "$D/src1g/video.mp4" >/dev/null
t "cat of the 1 GB video (warm)" cat "$D/src1g/video.mp4" >/dev/null
t "smz cat 1 GB video (warm)" "$BIN/smz" cat "$D/1g.smz" video.mp4 >/dev/null
if [ -w /proc/sys/vm/drop_caches ]; then
    sync; echo 3 >/proc/sys/vm/drop_caches
    t "cat of the 1 GB video (cold)" cat "$D/src1g/video.mp4" >/dev/null
    sync; echo 3 >/proc/sys/vm/drop_caches
    t "smz cat 1 GB video (cold)" "$BIN/smz" cat "$D/1g.smz" video.mp4 >/dev/null
fi
fi
# The server: the whole video, then 20 ranges of 1 MB at the end and at
# random places (a player seeking), each timed by curl.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/smz" serve --port "$PORT" --address 127.0.0.1 "$D/1g.smz" >/dev/null 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
U="http://127.0.0.1:$PORT/content/1g/video.mp4"
# A player asks for the start, then the end (the index of an MP4): the first
# range at the end of a fresh reader handle walks the cluster's page chain.
curl -s -o /dev/null -w "serve first 1 MB: %{time_total} s\n" -r 0-999999 "$U"
curl -s -o /dev/null -w "serve last 1 MB, first time: %{time_total} s\n" -r 997999999-998999999 "$U"
curl -s -o /dev/null -w "serve last 1 MB, again: %{time_total} s\n" -r 997999999-998999999 "$U"
curl -s -o /dev/null -w "serve whole 1 GB video: %{time_total} s, %{speed_download} B/s\n" "$U"
for o in 997000000 1000 500000000 250000000 750000000 998000000 1000000; do
    curl -s -o /dev/null -w "serve 1 MB at $o: %{time_total} s\n" -r "$o-$((o + 999999))" "$U"
done
grep VmHWM /proc/$SP/status | sed 's/^/serve peak RSS: /'
