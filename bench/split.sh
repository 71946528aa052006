#!/bin/bash
# A split archive against the whole one (issue 23: "at most 3% slower on
# smz cat, search and serving"), side by side in one run on the same
# archive: postgresql-doc-15 packed once, then split into 1 MiB parts (so
# that reads cross parts; a 4 GiB split of it would be one part).  For each
# of ROUNDS rounds, alternating whole and split: `smz cat` of 100 pages
# (hyperfine, p50), `smz search` of bench/queries/pgdoc.txt (p50), and
# `smz serve` under wrk (10 s, 2 threads, 8 connections over 200 pages,
# requests/s).  Prints a Markdown table of the medians and the ratios.
# Usage: bench/split.sh [WORKDIR] [ROUNDS]     (servers on 127.0.0.1 only)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
W=${1:-$top/bench/work/split}
ROUNDS=${2:-3}
SMZ=$top/bin/smz PACK=$top/bin/smz-pack PY=python3
PG=/usr/share/doc/postgresql-doc-15/html
mkdir -p "$W/whole" "$W/split" && cd "$W" || exit 1
[ -s whole/pg.smz ] || "$PACK" "$PG" -o whole/pg.smz --quiet || exit 1
if [ ! -s split/pg.smz.001 ]; then
    cp whole/pg.smz split/pg.smz && "$SMZ" split split/pg.smz --size 1M >/dev/null && rm split/pg.smz
fi
"$SMZ" ls whole/pg.smz | $PY "$top/bench/util.py" sample 100 8 >cat.paths
"$SMZ" ls whole/pg.smz | grep '\.html$' | $PY "$top/bench/util.py" sample 200 9 >serve.paths
grep -v '^#' "$top/bench/queries/pgdoc.txt" | grep . | head -30 >queries.txt
port=$((20000 + $$ % 10000))
serve_rps() { # ARCHIVE: requests/s of smz serve over serve.paths
    "$SMZ" serve "$1" --address 127.0.0.1 --port "$port" >serve.log 2>&1 &
    local pid=$! rps
    $PY "$top/bench/util.py" wait "http://127.0.0.1:$port/" 30 >/dev/null 2>&1
    rps=$(wrk -t2 -c8 -d10s -s "$top/bench/rotate.lua" "http://127.0.0.1:$port" -- serve.paths /content/pg/ 2>/dev/null |
        awk '/^Requests\/sec/ {print $2}')
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    echo "${rps:-0}"
}
: >raw.tsv
for ((r = 1; r <= ROUNDS; r++)); do
    for kind in whole split; do
        a=whole/pg.smz; [ $kind = split ] && a=split/pg.smz.001
        cat_p50=$($PY "$top/bench/util.py" cmdlat raw.log 3 1 -- "$SMZ" cat "$W/$a" "{}" <cat.paths | awk '/p50_ms/ {print $2}')
        search_p50=$($PY "$top/bench/util.py" cmdlat raw.log 3 1 -- \
            "$SMZ" search "$W/$a" "{}" --limit 10 <queries.txt 2>/dev/null | awk '/p50_ms/ {print $2}')
        rps=$(serve_rps "$W/$a")
        printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$kind" "$cat_p50" "$search_p50" "$rps" | tee -a raw.tsv
    done
done
$PY - raw.tsv "$(uptime)" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def med(kind, col):
    v = [float(r[col]) for r in rows if r[1] == kind and r[col]]
    return statistics.median(v) if v else float("nan")
print("| figure | whole | split (1 MiB parts) | split / whole |")
print("|---|---|---|---|")
for col, what, unit in ((2, "`smz cat` p50, 100 pages", "ms"), (3, "`smz search` p50, 30 queries", "ms"),
                        (4, "`smz serve` requests/s (wrk, 8 connections)", "/s")):
    a, b = med("whole", col), med("split", col)
    print("| %s | %.2f %s | %.2f %s | %.3f× |" % (what, a, unit, b, unit, b / a if a else float("nan")))
print("\nmedians of %d rounds, alternating; %s" % (len({r[0] for r in rows}), sys.argv[2].strip()))
PY
