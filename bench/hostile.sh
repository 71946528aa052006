#!/bin/bash
# Issue 16, points 2 and 5: what a small hostile archive can make one search,
# and concurrent downloads, cost (too large and slow for `make test`; the
# bounded checks are tests/cli/hostile_search.sh).
#
#  1. smz search on ~60-110 KB archives whose pages each claim a whole
#     64 MiB cluster (tests/tools/huge_pages.py): time and peak RSS of 25 and
#     100 hits with snippets and of a phrase no page holds.
#  2. smz serve: 16 downloads at once of 16 entries of 64 MiB (one cluster
#     each, a ~160 KB archive), the first RANGE_MB MiB of each (whole
#     entries take minutes: see the note printed), with the default
#     --cache-mb and with --cache-mb 16: peak RSS (VmHWM) and time.
#
# usage: bench/hostile.sh [SMZ_BEFORE]   (a second smz binary to compare)
#        PARTS=downloads bench/hostile.sh ...   (only part 2; PARTS=search: only 1)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
smz=$top/bin/smz
before=${1:-}
range_mb=${RANGE_MB:-8}
w=$(mktemp -d "${TMPDIR:-/tmp}/smz-hostile.XXXXXX")
trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null; done; rm -rf "$w"' EXIT
cd "$w" || exit 1
mkdir site
for i in $(seq -w 1 30); do
    printf '<html><head><title>Page %s zebra</title></head><body><p>zebra alpha page %s about tables and data</p></body></html>\n' "$i" "$i" >"site/p$i.html"
done
"$top/bin/smz-pack" site -o good.smz --main-page p01.html --name good --quiet
python3 "$top/tests/tools/huge_pages.py" good.smz one.smz --clusters 1
python3 "$top/tests/tools/huge_pages.py" good.smz eight.smz --clusters 8
python3 "$top/tests/tools/huge_pages.py" good.smz media.smz --clusters 1 --media 16
echo "archives: one cluster $(stat -c %s one.smz) B, eight clusters $(stat -c %s eight.smz) B, media $(stat -c %s media.smz) B"

bins="$smz"
[ -n "$before" ] && bins="$before $smz"
parts=${PARTS:-search,downloads}
case $parts in *search*) ;; *) bins_search= ;; esac
echo
echo "| binary | archive | query | hits | time s | peak RSS MB | partial |"
echo "|---|---|---|---|---|---|---|"
for b in ${bins_search-$bins}; do
    for a in one eight; do
        for q in "zebra|25" "zebra|100" '"alpha zebra"|25'; do
            query=${q%|*} lim=${q#*|}
            /usr/bin/time -f "%e %M" -o t timeout 300 "$b" search "$a.smz" "$query" --limit "$lim" >out 2>err
            read -r secs kb < <(tail -1 t)
            hits=$(grep -c '	' out)
            p=no; grep -q 'stopped early' err && p=yes
            echo "| $( [ "$b" = "$smz" ] && echo this || echo before ) | $a | $query | $hits | $secs | $((kb / 1024)) | $p |"
        done
    done
done

port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
echo
echo "16 downloads at once, the first $range_mb MiB of 16 entries of 64 MiB each:"
echo "| binary | --cache-mb | peak RSS MB | time s | all complete and right |"
echo "|---|---|---|---|---|"
case $parts in *downloads*) ;; *) bins= ;; esac
for k in $(seq -w 0 15); do
    [ -n "$bins" ] && "$smz" cat media.smz "media/$k.bin" | head -c $((range_mb * 1048576)) | md5sum >"want$k"
done
for b in $bins; do
    for mb in 128 16; do
        p=$(port)
        "$b" serve media.smz --address 127.0.0.1 --port "$p" --cache-mb "$mb" >srv.out 2>srv.err &
        pid=$!
        for _ in $(seq 100); do grep -q serving srv.out 2>/dev/null && break; sleep 0.05; done
        t0=$(date +%s.%N)
        for k in $(seq -w 0 15); do
            curl -s -m 600 -r "0-$((range_mb * 1048576 - 1))" -o "d$k" "http://127.0.0.1:$p/raw/media/content/media/$k.bin" &
        done
        # shellcheck disable=SC2046 # one argument per job id
        wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
        t1=$(date +%s.%N)
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
        all=yes
        for k in $(seq -w 0 15); do [ "$(md5sum <"d$k")" = "$(cat "want$k")" ] || all=no; done
        kill "$pid"; wait "$pid" 2>/dev/null
        echo "| $( [ "$b" = "$smz" ] && echo this || echo before ) | $mb | $((hwm / 1024)) | $(echo "$t1 - $t0" | bc) | $all |"
        rm -f d*
    done
done
