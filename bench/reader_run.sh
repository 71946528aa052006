#!/bin/bash
# The browser reader's figures (issue 18): makes the archives
# (reader_prep.sh), then runs bench/reader.py on pgdoc (with Kiwix JS when
# KIWIX names a kiwix-js work tree with its npm dependencies installed),
# pydoc, gen-100k and the 1 GB archive "big", ROUNDS rounds each (default 5).
# Writes everything to OUT (default bench/results/DATE-reader.raw.txt).
#   KIWIX=/tmp/kiwix-js bench/reader_run.sh [ROUNDS]
set -u
cd "$(dirname "$0")/.." || exit 1
ROUNDS=${1:-5}
OUT=${OUT:-bench/results/$(date -u +%Y-%m-%d)-reader.raw.txt}
A=bench/work/reader/arch
bench/reader_prep.sh bin/smz-pack || exit 1
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -m | awk '/Mem:/ {print $2}') MiB RAM, shared (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "# git $(git rev-parse --short HEAD); $(find "$A" -maxdepth 1 -type f -printf "%f=%s ")"
} >"$OUT"
kiwix=()
[ -n "${KIWIX:-}" ] && kiwix=(--kiwix "$KIWIX" --zim "pgdoc=$A/pgdoc.zim")
{
    set -x
    python3 bench/reader.py --rounds "$ROUNDS" --nolib pgdoc --browse pgdoc "${kiwix[@]}" \
        "pgdoc=$A/pgdoc.smz:vacuum" "pydoc=$A/pydoc.smz:asyncio" "gen-100k=$A/gen-100k.smz:river"
    python3 bench/reader.py --rounds "$ROUNDS" --timeout 45 --nolib big --browse big --browse-nolib big \
        "big=$A/big.smz:vacuum"
    set +x
    echo "# end $(date -u '+%H:%M UTC') (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
} >>"$OUT" 2>&1
