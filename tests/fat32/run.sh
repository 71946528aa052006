#!/bin/bash
# make test-fat32 (issue 23): an archive over 4 GiB of incompressible media
# (random bytes made here, as .mp4 files) laid out by `smz stick --split 4G`,
# written into a real FAT32 file system (an image made by mkfs.vfat, filled
# by mtools' mcopy: no mount needed), read back out of it part by part, and
# read: smz check over every part, smz cat of the entry in the last part.
# Needs about 10 GB free where it works (TMPDIR, else /tmp): checked first,
# skipped with a line saying so.  Takes a few minutes; prints each step's
# time and ends with "N passed, N failed".
# Usage: tests/fat32/run.sh [BIN]   (BIN: the folder of smz and smz-pack; bin/)
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$top/bin}" && pwd) || exit 1
SMZ=$bin/smz SMZ_PACK=$bin/smz-pack
base=${TMPDIR:-/tmp}
need_kb=$((10 * 1024 * 1024))
free_kb=$(df -Pk "$base" | awk 'NR == 2 {print $4}')
if [ "${free_kb:-0}" -lt "$need_kb" ]; then
    echo "ok - FAT32 test # SKIP $base has $((free_kb / 1024 / 1024)) GB free, the test needs 10 GB"
    echo "1 passed, 0 failed"
    exit 0
fi
for t in mkfs.vfat mcopy mdir; do
    command -v "$t" >/dev/null || { echo "not ok - $t missing (scripts/deps.sh fat32)"; echo "0 passed, 1 failed"; exit 1; }
done
T=$(mktemp -d "$base/smz-fat32.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export TOP=$top T
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
start=$(date +%s) last=$start
step() { now=$(date +%s); echo "# $1: $((now - last)) s"; last=$now; }
{
    # Five 900 MiB files (under the 1e9-byte cap on one entry): 4.4 GiB.
    mkdir media
    # AES-CTR keystream: as incompressible as /dev/urandom, several times
    # faster; a different key for each file.
    for i in 1 2 3 4 5; do
        openssl enc -aes-128-ctr -nosalt -pass "pass:smz-fat32-$i-$$" -in /dev/zero 2>/dev/null |
            head -c 900M >"media/clip$i.mp4"
    done
    echo "<title>Clips</title><p>five clips</p>" >media/index.html
    step "random media made (4.4 GiB)"
    "$SMZ_PACK" media -o clips.smz --quiet --title Clips --main-page index.html
    check "smz-pack packs 4.4 GiB of media" test -s clips.smz
    size=$(stat -c %s clips.smz)
    check "... into an archive over 4 GiB ($size bytes)" test "$size" -gt 4294967296
    last_entry=clip5.mp4
    sum_last=$(sha256sum media/$last_entry | cut -d' ' -f1)
    rm -rf media
    step "packed"

    # make dist's programs go on the stick too when they are built.
    dist_opt=()
    [ -x "$top/dist/linux-arm64/smz" ] && dist_opt=(--bin "$top/dist")
    "$SMZ" stick stick clips.smz --split 4G "${dist_opt[@]}" >stick.out 2>stick.err
    check "smz stick --split 4G lays it out" test -s stick/clips.smz.002
    check_eq "... in two parts" "$(find stick -name 'clips.smz.0*' | wc -l)" 2
    check_eq "... each under 4 GiB" "$(stat -c %s stick/clips.smz.0* | awk '$1 >= 4294967296' | wc -l)" 0
    step "laid out"

    # (smz stick telling FAT32 by itself, without --split, is in
    # tests/cli/stick.sh, on an image mounted by fusefat: fusefat writes no
    # file of 2 GiB or more, so these 4 GiB parts cannot go through it.)
    rm -f clips.smz

    # A FAT32 image (sparse) big enough for the parts and the rest.
    truncate -s 6G fat.img
    mkfs.vfat -F 32 -n SMZSTICK fat.img >mkfs.out 2>&1
    check_grep "mkfs.vfat makes a FAT32 file system" 'FAT \(32 bit\)' <(file -b fat.img)
    export MTOOLS_SKIP_CHECK=1
    (cd stick && mcopy -i ../fat.img -s ./* ::/) 2>mcopy.err
    check "mcopy writes the stick into it" test ! -s mcopy.err
    mdir -i fat.img ::/ >mdir.out 2>&1
    check_grep "... both parts are on the FAT32 file system" 'CLIPS.*SMZ|clips.smz.002' mdir.out
    rm -rf stick
    step "written to FAT32"

    mkdir back
    mcopy -i fat.img -s -n '::/*' back/ 2>mcopyback.err
    check "every file comes back out of the FAT32 file system" test -s back/clips.smz.002
    [ ${#dist_opt[@]} -eq 0 ] || check "... the programs too" test -s back/bin/linux-arm64/smz
    check "... with the manifest" test -s back/clips.parts
    rm -f fat.img
    step "read back from FAT32"
    "$SMZ" check back/clips.smz.001 >check.out 2>&1
    check "smz check passes over every part" test "$?" -eq 0
    step "smz check"
    "$SMZ" cat back/clips.smz "$last_entry" | sha256sum | cut -d' ' -f1 >cat.sum
    check_eq "smz cat of the entry in the last part gives its bytes" "$(cat cat.sum)" "$sum_last"
    check "... and SHA256SUMS of the stick holds" sh -c 'cd back && sha256sum --quiet -c SHA256SUMS'
    step "smz cat, SHA256SUMS"
    echo "# the whole FAT32 test: $(($(date +%s) - start)) s"
} >"$T/log" 2>&1
cat "$T/log"
p=$(grep -c '^ok - ' "$T/log")
f=$(grep -c '^not ok - ' "$T/log")
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
