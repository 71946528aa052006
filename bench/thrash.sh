#!/bin/bash
# Cluster thrash (issue 16, point 10): 4,000 one-byte entries alternating
# between two 64 MiB clusters, so that path order takes the clusters in
# turn.  Times `smz check` and `smz extract` (folder and tar) with the smz
# given (default bin/smz) and prints how many clusters each decoded.
# usage: bench/thrash.sh [SMZ] [SMZ_PACK]   (needs ~1 GB of scratch, minutes)
# 2026-12-05, 2 shared cores: before (4ff338b) check 68.5 s, extract 79.9 s,
# extract --format tar 104.6 s (a 64 MiB decode per entry); after: 0.46 s
# (10 decodes: 2 by the cluster pass, 6 of path order before the digest
# gives it up, 2 for the spill), 1.01 s and 0.17 s (2 decodes each).
top=$(cd "$(dirname "$0")/.." && pwd)
SMZ=${1:-$top/bin/smz}
SMZ_PACK=${2:-$top/bin/smz-pack}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 1
mkdir src && echo '<title>x</title>x' > src/x.html
"$SMZ_PACK" src -o base.smz --no-index --quiet
PYTHONPATH=$top/tests/tools python3 - <<'PY'
import os, smzbuild
# Compressible like text: 64 KiB of random bytes repeated with a twist.
def cluster(seed):
    block = os.urandom(1 << 16)
    return b"".join(block[i % 7:] + block[:i % 7] for i in range(1024))
clusters = [cluster(0), cluster(1)]
ents = [(f"e{i:05d}", "", "text/plain", i % 2, (i // 2) * 4096, 1) for i in range(4000)]
smzbuild.build("thrash.smz", "base.smz", clusters, ents, {"Title": "thrash"})
PY
ls -l thrash.smz
t() { local s rc e; s=$(date +%s.%N); SMZ_DEBUG_DECODES=1 "$@" >/dev/null 2>err; rc=$?; e=$(date +%s.%N);
      printf '%-32s %6.2f s  exit %d  %s\n' "$*" "$(echo "$e - $s" | bc)" $rc "$(grep -o 'decoded.*' err)"; }
t "$SMZ" check thrash.smz
t "$SMZ" extract thrash.smz -o out
t "$SMZ" extract thrash.smz --format tar -o out.tar
