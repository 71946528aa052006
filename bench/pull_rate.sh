#!/bin/bash
# smz pull against curl of the same archive from nginx on 127.0.0.1 (issue 25's
# throughput figure), unlimited and at link rates: smz pull checks what it
# fetched (its BLAKE2b, smz check, the content digest) before it keeps it;
# curl only writes bytes.  Medians of RUNS runs, both side by side.
# Usage: bench/pull_rate.sh ARCHIVE.smz [RUNS]   (from the top, after make)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
ARCH=$(realpath "$1")
RUNS=${2:-5}
T=$(mktemp -d /tmp/smz-pullrate.XXXXXX)
cd "$T"
SMZ=$TOP/bin/smz
. "$TOP/tests/browser/serve_common.sh"
trap 'serve_cleanup; rm -rf "$T"' EXIT
mkdir src && cp "$ARCH" src/ && "$SMZ" catalog src --quiet
start_nginx "$T/src"
URL="http://127.0.0.1:$NP/"
name=$(basename "$ARCH")
size=$(stat -c %s "$ARCH")
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
echo "archive $name, $size bytes, $RUNS runs each"
for rate in 0 50M 12M; do
    c=() p=()
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf d && mkdir d
        lim=() plim=()
        [ "$rate" = 0 ] || { lim=(--limit-rate "$rate"); plim=(--limit-rate "$rate"); }
        t0=$(now); curl -s "${lim[@]}" -o d/curl.smz "$URL$name"; sync d/curl.smz; t1=$(now)
        c+=("$(echo "$t1 - $t0" | bc)")
        rm -rf d && mkdir d
        t0=$(now); "$SMZ" pull "$URL" d "${plim[@]}" >/dev/null 2>&1; t1=$(now)
        cmp -s d/"$name" "$ARCH" || { echo "pull did not give the archive" >&2; exit 1; }
        p+=("$(echo "$t1 - $t0" | bc)")
    done
    cm=$(printf '%s\n' "${c[@]}" | median)
    pm=$(printf '%s\n' "${p[@]}" | median)
    echo "rate ${rate/#0/unlimited}: curl $cm s, smz pull $pm s, throughput ratio $(echo "scale=2; $cm / $pm" | bc)"
done
