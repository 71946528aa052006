#!/bin/bash
# smz pull against curl of the same archive from nginx on 127.0.0.1 (issue 25's
# throughput figure), unlimited and at link rates: smz pull checks what it
# fetched (its BLAKE2b, smz check, the content digest) before it keeps it;
# curl only writes bytes.  Medians of RUNS runs, both side by side.
# A rate is set two ways: by each client (curl --limit-rate, smz pull
# --limit-rate: curl's runs some 10% over what it is given, smz pull's
# does not), and by nginx (limit_rate: one link, the same for both).
# KEYRING=FILE: smz pull --keyring FILE (and ARCHIVE.smz.minisig, when beside
# it, is served too: a trusted signature over the bytes stands for the check).
# Usage: bench/pull_rate.sh ARCHIVE.smz [RUNS]   (from the top, after make)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
ARCH=$(realpath "$1")
RUNS=${2:-5}
T=$(mktemp -d /tmp/smz-pullrate.XXXXXX)
cd "$T"
SMZ=${SMZ:-$TOP/bin/smz}
BEFORE=${BEFORE:-} # BEFORE=/path/to/smz: another build's pull too, in the same runs
# BEFORE_ARCH=/path/to/ARCHIVE.smz: what BEFORE pulls (the same name and content in
# another layout, e.g. packed by BEFORE's smz-pack); else the same archive
BEFORE_ARCH=${BEFORE_ARCH:-}
KEYRING=${KEYRING:-}
keys=()
[ -z "$KEYRING" ] || keys=(--keyring "$(realpath "$KEYRING")")
. "$TOP/tests/browser/serve_common.sh"
trap 'serve_cleanup; rm -rf "$T"' EXIT
mkdir src && cp "$ARCH" src/
[ -z "$KEYRING" ] || [ ! -f "$ARCH.minisig" ] || cp "$ARCH.minisig" src/
"$SMZ" catalog src --quiet
bdir=
if [ -n "$BEFORE_ARCH" ]; then
    [ "$(basename "$BEFORE_ARCH")" = "$(basename "$ARCH")" ] || { echo "BEFORE_ARCH must have ARCHIVE's name" >&2; exit 2; }
    mkdir src/before && cp "$BEFORE_ARCH" src/before/
    [ -z "$KEYRING" ] || [ ! -f "$BEFORE_ARCH.minisig" ] || cp "$BEFORE_ARCH.minisig" src/before/
    "${BEFORE:-$SMZ}" catalog src/before --quiet
    bdir=before/
fi
start_nginx "$T/src" "
        location /at50m/ { alias $T/src/; limit_rate 50m; }
        location /at12m/ { alias $T/src/; limit_rate 12m; }"
URL="http://127.0.0.1:$NP/"
name=$(basename "$ARCH")
size=$(stat -c %s "$ARCH")
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
echo "archive $name, $size bytes, $RUNS runs each${KEYRING:+, --keyring $KEYRING}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in 0 50M 12M server50M server12M; do
    c=() p=() b=()
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf d && mkdir d
        lim=() u=$URL
        case $rate in
        0) ;;
        server*) u=${URL}at$(echo "${rate#server}" | tr M m)/ ;;
        *) lim=(--limit-rate "$rate") ;;
        esac
        t0=$(now); curl -s "${lim[@]}" -o d/curl.smz "$u$name"; sync d/curl.smz; t1=$(now)
        c+=("$(echo "$t1 - $t0" | bc)")
        rm -rf d && mkdir d
        t0=$(now); "$SMZ" pull "$u" d "${lim[@]}" "${keys[@]}" >/dev/null 2>&1; t1=$(now)
        cmp -s d/"$name" "$ARCH" || { echo "pull did not give the archive" >&2; exit 1; }
        p+=("$(echo "$t1 - $t0" | bc)")
        if [ -n "$BEFORE" ]; then
            rm -rf d && mkdir d
            t0=$(now); "$BEFORE" pull "$u$bdir" d "${lim[@]}" "${keys[@]}" >/dev/null 2>&1; t1=$(now)
            cmp -s d/"$name" "${BEFORE_ARCH:-$ARCH}" || { echo "BEFORE's pull did not give the archive" >&2; exit 1; }
            b+=("$(echo "$t1 - $t0" | bc)")
        fi
    done
    cm=$(printf '%s\n' "${c[@]}" | median)
    pm=$(printf '%s\n' "${p[@]}" | median)
    line="rate ${rate/#0/unlimited} (load $(cut -d' ' -f1 /proc/loadavg)): curl $cm s, smz pull $pm s, throughput ratio $(echo "scale=2; $cm / $pm" | bc)"
    if [ -n "$BEFORE" ]; then
        bm=$(printf '%s\n' "${b[@]}" | median)
        line="$line; BEFORE $bm s, ratio $(echo "scale=2; $cm / $bm" | bc)"
    fi
    echo "$line"
done
