# shellcheck shell=bash
# Shared helpers for the shell tests in tests/cli/.  Each check prints one
# "ok - ..." or "not ok - ..." line; tests/run.sh counts them.
# Sourced with SMZ, SMZ_PACK (the binaries), TOP (the source tree) and
# T (a fresh scratch folder for this test) set by the runner.
set -u
fails=0
# The tool that rewrites cluster checks after a test changed a cluster's data
# on purpose (tests/tools/rechecks.c; also for Python, from the environment).
export RECHECKS="$TOP/${SMZ_BUILD:-build}/tests/tools/rechecks"
# SQL on the entry table of a version 3 archive too (its blocks decoded and,
# after a change, encoded again): python3 "$ENTRYBLOCKS" ARCHIVE SQL...
export ENTRYBLOCKS="$TOP/tests/tools/entryblocks.py"
# ... and as a module: `import entryblocks; entryblocks.open(db)` in a test's Python.
export PYTHONPATH="$TOP/tests/tools${PYTHONPATH:+:$PYTHONPATH}"
ok()   { echo "ok - $*"; }
bad()  { echo "not ok - $*"; fails=$((fails + 1)); }
# check DESCRIPTION COMMAND...: passes when the command exits 0
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi; }
# check_fails DESCRIPTION COMMAND...: passes when the command exits non-zero
check_fails() { d=$1; shift; if "$@" >/dev/null 2>&1; then bad "$d (unexpectedly succeeded)"; else ok "$d"; fi; }
# check_eq DESCRIPTION GOT WANT
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got [$2] want [$3]"; fi; }
# check_grep DESCRIPTION PATTERN FILE
check_grep() { if grep -qE -- "$2" "$3"; then ok "$1"; else bad "$1: /$2/ not in $3: $(head -c 300 "$3")"; fi; }
done_testing() { exit $((fails > 0)); }
# need_reader WHAT [TOOL...]: sets READER (the browser reader, make wasm);
# skips the whole test with one line unless it and each TOOL (a command or
# a path; chromium when none is named) are there.
need_reader() {
    what=$1; shift
    READER=$TOP/build-wasm/smz-reader.html
    if [ ! -f "$READER" ]; then echo "ok - $what # SKIP build-wasm/smz-reader.html is not built (make wasm)"; exit 0; fi
    [ $# -gt 0 ] || set -- "${CHROMIUM:-/usr/bin/chromium}"
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then echo "ok - $what # SKIP no $tool"; exit 0; fi
    done
}
# corrupt_cases: packs the samples into good.smz (no index, the first
# article as main page; good2.smz the same in format 2) and makes the damaged and hostile archives of
# tests/corrupt/ from it under cases/; sets FIRST, its first entry.
corrupt_cases() {
    cp -r "$TOP/samples" s
    "$SMZ_PACK" s -o good.smz --no-index --quiet --title "Samples" \
        --main-page "$(cd s && ls | head -1 | sed 's/\.txt$//').html" 2>/dev/null ||
    "$SMZ_PACK" s -o good.smz --no-index --quiet --title "Samples" --main-page "$(cd s && ls | head -1)"
    "$SMZ_PACK" s -o good2.smz --no-index --quiet --title "Samples" --format-version 2 \
        --main-page "$(cd s && ls | head -1 | sed 's/\.txt$//').html" 2>/dev/null
    python3 "$TOP/tests/corrupt/make_cases.py" good.smz cases good2.smz
    # shellcheck disable=SC2034 # for the test that sources this
    FIRST=$("$SMZ" ls good.smz | head -1)
}
