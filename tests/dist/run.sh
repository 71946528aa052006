#!/bin/bash
# make test-dist: tests/dist/smoke.sh against the static programs in DIST
# (make dist), amd64 natively and arm64 under qemu-user-static; prints each
# architecture's counts and time, the programs' sizes, checks that a second
# build gives the same bytes, and ends with "N passed, N failed".
# Usage: tests/dist/run.sh [DIST]   (DIST defaults to dist/)
top=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:-$top/dist}" && pwd) || exit 1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/smz-dist.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
pass=0 fail=0 start_all=$(date +%s)
if (cd "$dist" && sha256sum --quiet -c SHA256SUMS); then
    echo "ok - dist/SHA256SUMS matches the programs"
    pass=1
else
    echo "not ok - dist/SHA256SUMS does not match the programs"
    fail=1
fi
for arch in amd64 arm64; do
    bin=$dist/linux-$arch
    if [ ! -x "$bin/smz" ] || [ ! -x "$bin/smz-pack" ]; then
        echo "not ok - $bin/smz and smz-pack are missing (make dist)"
        fail=$((fail + 1))
        continue
    fi
    qemu=""
    if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then qemu="qemu-aarch64-static"; fi
    if [ -n "$qemu" ] && ! command -v "$qemu" >/dev/null; then
        echo "not ok - $qemu is missing (scripts/deps.sh test-dist)"
        fail=$((fail + 1))
        continue
    fi
    # The programs as the tests call them: through qemu for arm64.
    w=$scratch/$arch
    mkdir -p "$w/bin" "$w/t"
    for p in smz smz-pack; do
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$qemu" "$bin/$p" >"$w/bin/$p"
        chmod +x "$w/bin/$p"
    done
    start=$(date +%s)
    SMZ=$w/bin/smz SMZ_PACK=$w/bin/smz-pack DIST_BIN=$bin QEMU=$qemu ARCH=$arch NATIVE=$top/bin/smz \
        TOP=$top T=$w/t bash "$top/tests/dist/smoke.sh" >"$w/log" 2>&1
    rc=$?
    p=$(grep -c '^ok - ' "$w/log")
    f=$(grep -c '^not ok - ' "$w/log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - smoke.sh ($arch) exited with status $rc" >>"$w/log"
        f=1
    fi
    pass=$((pass + p)) fail=$((fail + f))
    printf '%-40s %4d passed %3d failed %4ds\n' "dist linux-$arch${qemu:+ (qemu)}" "$p" "$f" $(($(date +%s) - start))
    if [ "$f" -ne 0 ]; then grep -E '^not ok' "$w/log" | head -20 | sed 's/^/    /'; fi
    grep -E '# SKIP' "$w/log" | sed 's/^/    /'
    for p in smz smz-pack; do
        printf '    %s: %s bytes\n' "linux-$arch/$p" "$(stat -c %s "$bin/$p")"
    done
done
# Reproducible: a second build, in another work folder (its own build of
# CivetWeb, zstd and musl's iconv; the downloaded Debian sources copied, not
# fetched again), gives the same bytes.  Only when DIST is the tree's dist/.
if [ "$dist" = "$top/dist" ] && [ -d "$top/build-dist/dl" ]; then
    start=$(date +%s)
    rm -rf "$top/build-dist-again" && mkdir -p "$top/build-dist-again"
    cp -a "$top/build-dist/dl" "$top/build-dist-again/dl"
    if (cd "$top" && DIST_WORK=build-dist-again scripts/dist.sh "$scratch/again" >"$scratch/again.log" 2>&1) &&
        cmp -s "$dist/SHA256SUMS" "$scratch/again/SHA256SUMS"; then
        echo "ok - a second build in another work folder gives the same bytes (SHA256SUMS) ($(($(date +%s) - start)) s)"
        pass=$((pass + 1))
    else
        echo "not ok - a second build does not give the same bytes:"
        diff "$dist/SHA256SUMS" "$scratch/again/SHA256SUMS" 2>&1 | sed 's/^/    /'
        tail -5 "$scratch/again.log" | sed 's/^/    /'
        fail=$((fail + 1))
    fi
    rm -rf "$top/build-dist-again"
fi
echo "test-dist took $(($(date +%s) - start_all)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
