#!/bin/bash
# Runs every unit test binary (build/tests/test_*) and every shell test
# (tests/cli/*.sh), counts their "ok"/"not ok" lines, and ends with the
# summary line "N passed, N failed".  Exits non-zero on any failure, including
# a test program that dies without printing a "not ok" line.
# Usage: tests/run.sh [PATTERN...]   (only tests whose name contains one of the
# PATTERNs; none runs them all)
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/${SMZ_BUILD:-build}
bindir=$top/bin; [ -n "${SMZ_BUILD:-}" ] && bindir=$build/bin
export TOP=$top SMZ=$bindir/smz SMZ_PACK=$bindir/smz-pack
patterns=("$@")
# The programs speak the environment's language (issue 21): the tests read
# their English, and ask for another language where they mean to.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
# SMZ_SKIP_TESTS: names (space-separated) of tests to leave out, e.g. the
# browser tests of the WebAssembly reader in the sanitizer passes (their
# code is JavaScript and WebAssembly, which no native sanitizer sees).
read -r -a skips <<<"${SMZ_SKIP_TESTS:-}"
# wanted NAME: true when NAME contains one of the patterns (or none was
# given) and is not left out
wanted() {
    for s in "${skips[@]}"; do [ "$1" = "$s" ] && return 1; done
    [ ${#patterns[@]} -eq 0 ] && return 0
    for p in "${patterns[@]}"; do case "$1" in *"$p"*) return 0 ;; esac; done
    return 1
}
pass=0; fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/smz-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
run_one() { # NAME COMMAND...
    name=$1; shift
    log="$scratch/$name.log"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok - ' "$log"); f=$(grep -c '^not ok - ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exited with status $rc" >>"$log"; f=1
    fi
    pass=$((pass + p)); fail=$((fail + f))
    printf '%-40s %4d passed %3d failed %4ds\n' "$name" "$p" "$f" $(( $(date +%s) - start ))
    if [ "$f" -ne 0 ]; then grep -E '^not ok' "$log" | head -20 | sed 's/^/    /'; tail -5 "$log" | sed 's/^/    | /'; fi
}
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t"); wanted "$n" || continue
    mkdir -p "$scratch/$n.d"
    # shellcheck disable=SC2016 # $T and $0 are expanded by the inner sh
    T="$scratch/$n.d" run_one "$n" env T="$scratch/$n.d" sh -c 'cd "$T" && exec "$0"' "$t"
done
for t in "$top"/tests/cli/*.sh; do
    [ -f "$t" ] || continue
    n=$(basename "$t" .sh); wanted "$n" || continue
    mkdir -p "$scratch/$n.d"
    T="$scratch/$n.d" run_one "$n" env T="$scratch/$n.d" bash "$t"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
