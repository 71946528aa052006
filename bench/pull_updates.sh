#!/bin/bash
# The bytes `smz pull` moves with an update against the whole archive
# (issue 25; the figure in docs/UPDATES.md, "Updates through smz pull"):
# a news collection of 1,000 articles, then the same with 10 more, packed,
# `smz diff` between them, the folder served by nginx and by `smz serve` on
# 127.0.0.1 with tests/tools/faultproxy.py in front counting the body bytes
# it sends.  The articles: 4 paragraphs each of the PostgreSQL manual's
# text (Debian's postgresql-doc-15, its HTML stripped), shuffled with seed
# 7, named YEAR-MM-DD-report-NNNN.txt.
# Usage: bench/pull_updates.sh [WORKDIR]   (from the top of the tree, after make)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=${1:-$(mktemp -d /tmp/smz-pullupd.XXXXXX)}
mkdir -p "$T" && cd "$T"
SMZ=$TOP/bin/smz SMZ_PACK=$TOP/bin/smz-pack
. "$TOP/tests/browser/serve_common.sh"
PROXY_PIDS=""
trap 'for p in $PROXY_PIDS; do kill "$p" 2>/dev/null; done; serve_cleanup' EXIT

python3 "$TOP/bench/news_pair.py" old new
mkdir -p src here
"$SMZ_PACK" old -o here/news.smz --name news --date 2024-01-01 --quiet
"$SMZ_PACK" new -o src/news.smz --name news --date 2024-01-02 --quiet
cp here/news.smz base.smz
t0=$(date +%s.%N)
"$SMZ" diff here/news.smz src/news.smz -o src/news-1-2.smzup
t1=$(date +%s.%N)
"$SMZ" catalog src --quiet
size=$(stat -c %s src/news.smz)
upd=$(stat -c %s src/news-1-2.smzup)
echo "archive $size bytes, update $upd bytes ($(echo "scale=1; 100 * $upd / $size" | bc)%), diff $(echo "$t1 - $t0" | bc) s"

proxy() { # NAME UPSTREAM: sets PP
    mkdir -p "$1"
    PP=$(free_port)
    python3 "$TOP/tests/tools/faultproxy.py" "$PP" "$2" "$1" 2>/dev/null &
    PROXY_PIDS="$PROXY_PIDS $!"
    for _ in $(seq 100); do [ -f "$1/ready" ] && break; sleep 0.05; done
}
sent() { awk '$1 == "sent" { n += $3 } END { print n + 0 }' "$1/log"; }
run() { # LABEL SOURCE_URL STATE
    rm -rf d && mkdir d && cp base.smz d/news.smz
    : >"$3/log"
    s=$(date +%s.%N)
    "$SMZ" pull "$2" d --quiet
    e=$(date +%s.%N)
    cmp -s d/news.smz src/news.smz || { echo "$1: NOT IDENTICAL"; exit 1; }
    u=$(sent "$3")
    rm -rf d && mkdir d
    : >"$3/log"
    s2=$(date +%s.%N)
    "$SMZ" pull "$2" d --quiet
    e2=$(date +%s.%N)
    f=$(sent "$3")
    printf '%s: with the update %s bytes sent (catalog included), %.2f s; whole archive %s bytes, %.2f s; %.1f%%\n' \
        "$1" "$u" "$(echo "$e - $s" | bc)" "$f" "$(echo "$e2 - $s2" | bc)" "$(echo "100 * $u / $f" | bc -l)"
}
start_nginx "$T/src"
proxy pn "$NP"
run "nginx (static folder)" "http://127.0.0.1:$PP/" pn
start_server serve src/news.smz --address 127.0.0.1
proxy ps "$PORT"
run "smz serve" "http://127.0.0.1:$PP/" ps
rm -rf d && mkdir d && cp base.smz d/news.smz
"$SMZ" pull src d >folder.out
cat folder.out
