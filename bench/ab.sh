#!/bin/bash
# Two builds side by side on the same corpus, in alternating rounds, for a
# change that must not alter speed (a refactoring): packing the PostgreSQL
# manual (wall seconds, peak RSS, bytes), `smz cat` of 100 random pages
# (median ms a page), `smz search` of bench/queries/pgdoc.txt (median ms a query) and
# `smz serve` under wrk (pages/s over 200 rotating pages, RSS after).
# Usage: bench/ab.sh OLD_BINDIR NEW_BINDIR [ROUNDS]   (each BINDIR holds smz
# and smz-pack).  Prints a Markdown table of every round and the medians.
# Needs postgresql-doc-15, wrk and GNU time (scripts/deps.sh bench).
set -eu
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd); rounds=${3:-3}
corpus=/usr/share/doc/postgresql-doc-15/html
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/smz-ab.XXXXXX")
trap 'kill "$srv" 2>/dev/null || true; rm -rf "$work"' EXIT
srv=

pack() { # BINDIR OUT -> "seconds rss_kib bytes"
    /usr/bin/time -f '%e %M' -o "$work/time" "$1/smz-pack" "$corpus" -o "$2" --title PG \
        --language eng --name pgdoc --main-page index.html --quiet
    echo "$(cat "$work/time") $(stat -c %s "$2")"
}
cat_ms() { # BINDIR ARCHIVE -> median ms a page over the 100 paths
    local s e t=()
    while read -r p; do
        s=$(date +%s%N); "$1/smz" cat "$2" "$p" >/dev/null; e=$(date +%s%N)
        t+=($(( (e - s) / 1000 )))
    done <"$work/paths100"
    printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
search_ms() { # BINDIR ARCHIVE -> median ms a query
    local s e t=()
    while read -r q; do
        s=$(date +%s%N); "$1/smz" search "$2" "$q" >/dev/null || true; e=$(date +%s%N)
        t+=($(( (e - s) / 1000 )))
    done <"$work/queries"
    printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
serve() { # BINDIR ARCHIVE PORT -> "pages/s rss_mib"
    "$1/smz" serve "$2" --address 127.0.0.1 --port "$3" >/dev/null 2>&1 &
    srv=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$3/" >/dev/null && break; sleep 0.1; done
    wrk -t2 -c32 -d2s -s "$top/bench/rotate.lua" "http://127.0.0.1:$3" -- "$work/paths200" /content/pgdoc/ >/dev/null
    local rps
    rps=$(wrk -t2 -c32 -d6s -s "$top/bench/rotate.lua" "http://127.0.0.1:$3" -- "$work/paths200" /content/pgdoc/ |
        awk '/Requests\/sec/ {printf "%d", $2}')
    local rss
    rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$srv/status")
    kill "$srv"; wait "$srv" 2>/dev/null || true; srv=
    echo "$rps $rss"
}

"$new/smz-pack" "$corpus" -o "$work/ref.smz" --name pgdoc --quiet
"$new/smz" ls "$work/ref.smz" | grep '\.html$' | shuf -n 200 --random-source=<(yes) >"$work/paths200"
head -100 "$work/paths200" >"$work/paths100"
grep -v '^$' "$top/bench/queries/pgdoc.txt" | head -50 >"$work/queries"

echo "| round | build | pack s | pack RSS MiB | bytes | cat ms/page | search ms/query | serve pages/s | serve RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in $(seq "$rounds"); do
    for b in old new; do
        dir=$old; [ "$b" = new ] && dir=$new
        read -r ps prss pbytes < <(pack "$dir" "$work/$b.smz")
        c=$(cat_ms "$dir" "$work/$b.smz")
        q=$(search_ms "$dir" "$work/$b.smz")
        read -r rps rss < <(serve "$dir" "$work/$b.smz" $((18700 + r)))
        printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$r" "$b" "$ps" "$((prss / 1024))" \
            "$pbytes" "$c" "$q" "$rps" "$rss" | tee -a "$work/rows"
    done
done
for b in old new; do
    grep "| $b |" "$work/rows" | awk -F'|' -v b="$b" '
        { for (i = 4; i <= 10; i++) v[i, NR] = $i + 0 }
        END {
            printf "| median | %s |", b
            for (i = 4; i <= 10; i++) {
                n = 0; for (j = 1; j <= NR; j++) a[++n] = v[i, j]
                for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
                printf " %s |", a[int((n + 1) / 2)]
            }
            printf "\n"
        }'
done
